"""Timing helpers: rates over calibrated batches, paired rounds, log-log slopes.

Two things compared are always measured in the same process, alternately (A, B, A, B, ...),
and reported as the median of the per-round ratios, so drift of a noisy machine (frequency
scaling, a neighbour's load) hits both sides alike.
"""

from __future__ import annotations

import gc
import math
import statistics
from collections.abc import Callable, Sequence
from time import perf_counter


def per_second(fn: Callable[[], object], seconds: float) -> float:
    """Calls of ``fn`` per second, over one batch sized to last about ``seconds``."""
    batch = 1
    while True:
        gc.collect()
        start = perf_counter()
        for _ in range(batch):
            fn()
        elapsed = perf_counter() - start
        if elapsed >= seconds:
            return batch / elapsed
        # aim a little past ``seconds``; at least double so tiny first batches converge fast
        batch = max(2 * batch, math.ceil(batch * 1.2 * seconds / max(elapsed, 1e-9)))


def paired_ratio(a: Callable[[], float], b: Callable[[], float],
                 rounds: int) -> tuple[float, list[float], list[float]]:
    """``rounds`` alternate measurements of two rates: (median of a/b, rates a, rates b)."""
    rates_a: list[float] = []
    rates_b: list[float] = []
    for _ in range(rounds):
        rates_a.append(a())
        rates_b.append(b())
    ratios = [x / y for x, y in zip(rates_a, rates_b, strict=True)]
    return statistics.median(ratios), rates_a, rates_b


def best_seconds(fn: Callable[[], object], repeats: int) -> float:
    """The fastest of ``repeats`` runs of ``fn`` (the least disturbed one)."""
    best = math.inf
    for _ in range(repeats):
        gc.collect()
        start = perf_counter()
        fn()
        best = min(best, perf_counter() - start)
    return best


def loglog_slope(sizes: Sequence[float], seconds: Sequence[float]) -> float:
    """Least-squares slope of log(seconds) against log(size): the growth exponent."""
    xs = [math.log(s) for s in sizes]
    ys = [math.log(t) for t in seconds]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return (sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
            / sum((x - mx) ** 2 for x in xs))
