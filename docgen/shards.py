"""Shards: ``--shard I/N`` makes a fixed 1/N of the pairings, so N processes (a Kubernetes
Indexed Job, a Slurm array) share one batch and one output folder.

A pairing belongs to shard ``sha256(id) mod N``: stable across runs, machines and Python
versions, and unchanged for every other pairing when one is added or removed. The bureau's
own documents and bundle belong to shard 0. ``--shard N`` alone takes I from the job
engine: ``JOB_COMPLETION_INDEX`` (Kubernetes) or ``SLURM_ARRAY_TASK_ID`` (Slurm; arrays
numbered from 0, ``--array=0-N-1``).
"""
from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

from .errors import UsageError

INDEX_VARIABLES = ("JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID")


@dataclass(frozen=True)
class Shard:
    index: int
    count: int

    def owns(self, pairing_id: str | None) -> bool:
        """Whether this shard makes the outputs of ``pairing_id`` (None: the bureau's)."""
        if pairing_id is None:
            return self.index == 0
        return int(hashlib.sha256(pairing_id.encode("utf-8")).hexdigest(), 16) % self.count == self.index

    @property
    def pair(self) -> tuple[int, int]:
        return self.index, self.count


def parse_shard(text: str | None, environ: Mapping[str, str] | None = None) -> Shard | None:
    """``"I/N"``, or ``"N"`` with I from the job engine's variable; None for no sharding."""
    if not text:
        return None
    variables: Mapping[str, str] = os.environ if environ is None else environ
    m = re.fullmatch(r"\s*(?:(\d+)\s*/\s*)?(\d+)\s*", text)
    if not m:
        raise UsageError(f"--shard 应写成 I/N（如 0/3，I 从 0 起）或 N，而不是“{text}”")
    count = int(m.group(2))
    if m.group(1) is not None:
        index = int(m.group(1))
    else:
        found = next((variables[v] for v in INDEX_VARIABLES if variables.get(v, "").strip()), None)
        if found is None or not found.strip().isdigit():
            raise UsageError(f"--shard {count} 只写了分片总数：请写成 I/N，或在设置了 "
                             f"{' 或 '.join(INDEX_VARIABLES)} 的任务中运行")
        index = int(found)
    if count < 1 or not 0 <= index < count:
        raise UsageError(f"分片序号应在 0 到 {count - 1} 之间，而不是 {index}（--shard {text}）")
    return Shard(index, count)
