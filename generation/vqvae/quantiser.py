"""Vector quantiser with an EMA codebook, initialised from encoder outputs.

Dead codes (not chosen for a few dozen steps, by a fast moving average of their use) are
restarted on encoder outputs drawn in proportion to their quantisation error, so new codes go
where the codebook fits worst; uniform restarts collapsed the codebook in the first probe. Under DistributedDataParallel the statistics are summed over ranks
and restarts come from rank 0, so every rank keeps the same codebook.
"""
from __future__ import annotations

import torch
from torch import nn
import torch.nn.functional as F
import torch.distributed as dist


def _distributed() -> bool:
    return dist.is_available() and dist.is_initialized()


class Quantiser(nn.Module):
    def __init__(self, size: int, dim: int, decay: float = 0.99, dead_below: float = 0.01,
                 usage_decay: float = 0.9, eps: float = 1e-5):
        super().__init__()
        self.size, self.dim, self.decay, self.eps = size, dim, decay, eps
        self.dead_below, self.usage_decay = dead_below, usage_decay
        self.register_buffer("codebook", torch.zeros(size, dim))
        self.register_buffer("ema_count", torch.zeros(size))
        self.register_buffer("recent_use", torch.zeros(size))
        self.register_buffer("ema_sum", torch.zeros(size, dim))
        self.register_buffer("initialised", torch.tensor(False))

    def distances(self, z: torch.Tensor) -> torch.Tensor:
        """(N, D) -> squared distances (N, K) to every code."""
        return (z.pow(2).sum(1, keepdim=True) - 2 * z @ self.codebook.t()
                + self.codebook.pow(2).sum(1)[None])

    def lookup(self, codes: torch.Tensor) -> torch.Tensor:
        """Integer codes (...) -> vectors (..., D)."""
        return F.embedding(codes, self.codebook)

    @torch.no_grad()
    def forward(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(N, D) -> (nearest codes' vectors (N, D), codes (N,)); in training, updates the codebook."""
        if self.training and not bool(self.initialised):
            self._initialise(z)
        err, codes = self.distances(z).min(1)
        quantised = self.lookup(codes)
        if self.training:
            self._update(z, codes, err)
        return quantised, codes

    @torch.no_grad()
    def _initialise(self, z: torch.Tensor) -> None:
        pick = torch.randint(len(z), (self.size,), device=z.device)
        self.codebook.copy_(z[pick] + 0.01 * torch.randn_like(z[pick]))
        self._broadcast(self.codebook)
        self.ema_sum.copy_(self.codebook)
        self.ema_count.fill_(1.0)
        self.recent_use.fill_(1.0)
        self.initialised.fill_(True)

    @torch.no_grad()
    def _update(self, z: torch.Tensor, codes: torch.Tensor, err: torch.Tensor) -> None:
        onehot = F.one_hot(codes, self.size).type_as(z)  # (N, K)
        count, total = onehot.sum(0), onehot.t() @ z
        if _distributed():
            dist.all_reduce(count)
            dist.all_reduce(total)
        self.ema_count.mul_(self.decay).add_(count, alpha=1 - self.decay)
        self.ema_sum.mul_(self.decay).add_(total, alpha=1 - self.decay)
        self.recent_use.mul_(self.usage_decay).add_(count, alpha=1 - self.usage_decay)
        n = self.ema_count.sum()
        smoothed = (self.ema_count + self.eps) / (n + self.size * self.eps) * n  # Laplace
        self.codebook.copy_(self.ema_sum / smoothed[:, None])
        self._restart_dead(z, err)

    @torch.no_grad()
    def _restart_dead(self, z: torch.Tensor, err: torch.Tensor) -> None:
        dead = self.recent_use < self.dead_below
        n_dead = int(dead.sum())
        if n_dead == 0:
            return
        weights = err.clamp_min(0) + 1e-12
        pick = torch.multinomial(weights, n_dead, replacement=n_dead > len(z))
        fresh = z[pick] + 0.01 * torch.randn_like(z[pick])
        self._broadcast(fresh)
        self.codebook[dead] = fresh
        self.ema_sum[dead] = fresh
        self.ema_count[dead] = 1.0
        self.recent_use[dead] = 1.0

    @staticmethod
    def _broadcast(t: torch.Tensor) -> None:
        if _distributed():
            dist.broadcast(t, src=0)

