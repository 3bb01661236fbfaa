"""How ``check`` writes a list of hops: in brackets, a run of three or more consecutive hops
as its first and last joined by a dash (``[0-2, 5, 7, 8]``), so that a list over every later
or earlier hop of a long run takes one item, not one per hop (docs/claims.md)."""

from __future__ import annotations

from collections.abc import Iterable


def hop_list(hops: Iterable[int]) -> str:
    """``hops`` (ascending) as ``[first-last, single, ...]``."""
    return f"[{', '.join(item for run in hop_runs(hops) for item in run_items(*run))}]"


def hop_runs(hops: Iterable[int]) -> list[list[int]]:
    """``hops`` (ascending) as runs of consecutive hops, each ``[first, last]``."""
    runs: list[list[int]] = []
    for hop in hops:
        if runs and hop == runs[-1][1] + 1:
            runs[-1][1] = hop
        else:
            runs.append([hop, hop])
    return runs


def run_items(first: int, last: int) -> list[str]:
    """The items of ``hop_list`` for the run of hops ``first`` to ``last``."""
    return [f"{first}-{last}"] if last - first >= 2 else list(map(str, range(first, last + 1)))
