"""Statistics and process placement shared by the benchmarks.

The machines are shared and noisy (2 cores), so one number means little: each figure is
measured several times and reported as the median with its spread (min–max and IQR), and a
ratio to a baseline is computed pair by pair from runs made back to back, baseline and
subject alternating (and swapping which goes first each round, so drift over the run does
not favour either side). Servers and load generators are pinned to different cores where
the OS allows it, so they do not steal each other's time slices.
"""

from __future__ import annotations

import os
import shutil
import statistics
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")


def percentile(xs: Sequence[float], p: float) -> float:
    """The `p`-th percentile (0–100), linear between closest ranks (numpy's default)."""
    if not xs:
        raise ValueError("percentile of no samples")
    data = sorted(xs)
    k = (len(data) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(data) - 1)
    return data[lo] + (data[hi] - data[lo]) * (k - lo)


def summary(xs: Sequence[float]) -> dict[str, float]:
    """Median, min, max, quartiles and IQR of repeated measurements of one figure."""
    if not xs:
        raise ValueError("summary of no samples")
    q1, q3 = percentile(xs, 25), percentile(xs, 75)
    return {
        "median": statistics.median(xs),
        "min": min(xs),
        "max": max(xs),
        "q1": q1,
        "q3": q3,
        "iqr": q3 - q1,
        "n": float(len(xs)),
    }


def paired_ratios(subject: Sequence[float], baseline: Sequence[float]) -> list[float]:
    """subject[i] / baseline[i]: each ratio from two runs made next to each other."""
    if len(subject) != len(baseline):
        raise ValueError("paired ratios need as many subject runs as baseline runs")
    return [s / b for s, b in zip(subject, baseline, strict=True) if b]


def alternate(
    baseline: Callable[[], T], subject: Callable[[], T], repeats: int
) -> tuple[list[T], list[T]]:
    """Run baseline and subject `repeats` times each, alternating, first one swapped per round."""
    base: list[T] = []
    subj: list[T] = []
    for n in range(repeats):
        if n % 2 == 0:
            base.append(baseline())
            subj.append(subject())
        else:
            subj.append(subject())
            base.append(baseline())
    return base, subj


def cpus() -> list[int]:
    """The cores this process may run on (all of them where affinity is unknown)."""
    if hasattr(os, "sched_getaffinity"):
        return sorted(os.sched_getaffinity(0))
    return list(range(os.cpu_count() or 1))


def placement() -> tuple[int | None, int | None]:
    """(server core, load-generator core): the first and the last core, if there are two."""
    mine = cpus()
    if len(mine) < 2:
        return None, None
    return mine[0], mine[-1]


def pin_self(cpu: int | None) -> set[int] | None:
    """Pin this process to `cpu`; returns the previous affinity to restore (None if unpinned)."""
    if cpu is None or not hasattr(os, "sched_setaffinity"):
        return None
    before = set(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return before


def restore(before: set[int] | None) -> None:
    if before is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, before)


def pinned(cmd: list[str], cpu: int | None) -> list[str]:
    """`cmd` prefixed with `taskset -c <cpu>` when both a core and taskset exist."""
    if cpu is None or shutil.which("taskset") is None:
        return cmd
    return ["taskset", "-c", str(cpu), *cmd]
