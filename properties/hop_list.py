"""How ``check`` writes a list of hops: in brackets, a run of three or more consecutive hops
as its first and last joined by a dash (``[0-2, 5, 7, 8]``), so that a list over every later
or earlier hop of a long run takes one item, not one per hop (docs/claims.md)."""

from __future__ import annotations

from collections.abc import Iterable


def hop_list(hops: Iterable[int]) -> str:
    """``hops`` (ascending) as ``[first-last, single, ...]``."""
    return f"[{', '.join(item for run in hop_runs(hops) for item in run_items(*run))}]"


def hops_named(listed: str, size: int) -> str:
    """``size`` hops that ``hop_list`` wrote as ``listed``, named as a text says them: "hop
    2" for one, else "hops [1, 2]", so that one KeNB is not "the KeNB of hops [2]"."""
    return f"hop {listed[1:-1]}" if size == 1 else f"hops {listed}"


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
