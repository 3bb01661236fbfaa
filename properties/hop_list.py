"""How ``check`` writes a list of hops: in brackets, a run of three or more consecutive hops
as its first and last joined by a dash (``[0-2, 5, 7, 8]``), so that a list over every later
or earlier hop of a long run takes one item, not one per hop (docs/claims.md)."""

from __future__ import annotations

from collections.abc import Iterable


def hop_list(hops: Iterable[int]) -> str:
    """``hops`` (ascending) as ``[first-last, single, ...]``."""
    items: list[str] = []
    runs: list[list[int]] = []
    for hop in hops:
        if runs and hop == runs[-1][1] + 1:
            runs[-1][1] = hop
        else:
            runs.append([hop, hop])
    for first, last in runs:
        if last - first >= 2:
            items.append(f"{first}-{last}")
        else:
            items += map(str, range(first, last + 1))
    return f"[{', '.join(items)}]"
