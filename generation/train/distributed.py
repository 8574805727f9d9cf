"""One process or DistributedDataParallel under torchrun, chosen by torchrun's env variables."""
from __future__ import annotations

import os
from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class Context:
    rank: int
    world: int
    device: torch.device

    @property
    def main(self) -> bool:
        return self.rank == 0


def setup(device: str | None = None) -> Context:
    """Join the process group when WORLD_SIZE > 1 (torchrun); pick CUDA when there is one."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    if device is None:
        device = "cuda" if torch.cuda.is_available() else "cpu"
    if world > 1:
        import torch.distributed as dist

        local = int(os.environ.get("LOCAL_RANK", "0"))
        if device == "cuda":
            torch.cuda.set_device(local)
            device = f"cuda:{local}"
        dist.init_process_group("nccl" if device.startswith("cuda") else "gloo")
    return Context(rank, world, torch.device(device))


def wrap(model: torch.nn.Module, ctx: Context) -> torch.nn.Module:
    """DDP wrapper in a distributed run, the model itself otherwise."""
    if ctx.world == 1:
        return model
    from torch.nn.parallel import DistributedDataParallel

    ids = [ctx.device.index] if ctx.device.type == "cuda" else None
    return DistributedDataParallel(model, device_ids=ids)


def teardown(ctx: Context) -> None:
    """Every rank waits for the others before the group goes: a rank that tore it down while
    rank 0 still wrote its last weights aborted now and then ("terminate called without an active
    exception", exit -6, in gloo's threads)."""
    if ctx.world > 1:
        import torch.distributed as dist

        dist.barrier()
        dist.destroy_process_group()
