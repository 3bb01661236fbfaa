"""Forward security's summary of the later KeNBs an attacker derives, found once for the
attackers of a chain (``hoverify.properties.claims.ForwardSecurity.summary``).

``check`` compromises an eNB again at every hop it serves in: the attackers holding the same
eNB form a chain (``engine.Parties``), each compromised later than the one before it and
knowing no more. Forward security's summary judges, per attacker, each later KeNB it derives
(its distance from the attacker's last legitimate KeNB, the n promised for the hop that took
the UE away, why a failure is outside the promise) and names them all. In a variant where
every attacker derives every later KeNB (``tr33821-v070``) that was a pass over the run's
hops per attacker: the summary grew as the square of the hops. Past the eNB's first service
a later KeNB's judgement depends on the eNB only (its last service before that KeNB), and
an attacker that derives every later KeNB derives a suffix of those its chain's first one
does. :class:`LaterKeNBs` keeps those hops with their judgements and what the summary reads
of every suffix of them, found in one pass from the last hop back.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from hoverify.properties.hop_list import hop_runs, run_items

NOTHING_PROMISED = "nothing promised"  # how ``Judgement.outside`` begins where ``uncovered``


class Judgement(NamedTuple):  # a tuple: made per attacker and later KeNB in the search
    """A later KeNB an attacker derives, judged (``ForwardWindows.judged``)."""

    distance: int  # from the attacker's last legitimate KeNB
    fails_from: int  # the distance from which it fails
    outside: str | None  # why a failure there is outside the promise (None: it breaks one)
    uncovered: bool  # no promise covers it: a failure there is simply not promised


def reach_text(reach: int, ends: bool) -> str:
    """How far past its last legitimate KeNB an attacker derives later KeNBs: ``reach`` hops,
    "+" where the run ends at the last of them (``ends``: a longer run could show more), as
    a failing forward-security verdict (the search's finding and check's hop line alike) and
    the report's cell say it ("derives 1+ hops on")."""
    return f"{reach}+ hops" if ends else f"{reach} hop{'s' if reach > 1 else ''}"


class Derivable(NamedTuple):  # a tuple: made at import in a fraction of a dataclass's time
    """What the summary reads of an attacker's derivable later KeNBs (``LaterKeNBs.suffix``)."""

    size: int  # how many
    text: str  # the hops, as ``hop_list`` writes them, each by its handover (``shown``)
    n: int  # the smallest n of n-hop forward security that holds: 1 + the largest distance
    # the failure named: the first hop whose KeNB breaks a promise, else the first whose
    # KeNB is a failure no promise covers, else the first whose KeNB is a failure (distance
    # + 1 > n promised), outside the promise: as a claim's word says "outside the promise"
    # only where every failure is (``ClaimResult.outside``), so does an attacker's
    failing: int | None
    outside: str | None  # why that failure is outside the promise (None: it breaks one)
    broken: bool  # a failure breaks a promise
    # the witness: the first hop with the largest distance + 1 - n promised, among those
    # that break a promise if any do, else among those no promise covers if any
    worst: int | None
    last: int | None
    uncovered: bool = False  # the failure named is one no promise covers


class LaterKeNBs:
    """Later KeNBs (their hops, ascending: completion numbers) with their judgements, and for
    each suffix of them its ``Derivable`` (``suffix``); ``shown``: the handover of each, by
    which its text names them (``Facts.hops_of``)."""

    __slots__ = ("_broken", "_failing", "_far", "_first_broken", "_first_item",
                 "_first_uncovered", "_items", "_run", "_runs", "_uncovered", "_worst",
                 "_worst_broken", "_worst_uncovered", "hops", "judged", "shown")

    def __init__(self, hops: Sequence[int], judged: Sequence[Judgement],
                 shown: Sequence[int]) -> None:
        self.hops, self.judged, self.shown = hops, judged, shown
        size = len(hops)
        self._far = [0] * (size + 1)  # from each place on: the largest distance
        self._failing: list[int | None] = [None] * (size + 1)  # the first failure's place
        self._broken = [False] * (size + 1)
        self._first_broken: list[int | None] = [None] * (size + 1)
        self._worst: list[int | None] = [None] * (size + 1)
        self._worst_broken: list[int | None] = [None] * (size + 1)
        self._uncovered = [False] * (size + 1)  # a failure no promise covers
        self._first_uncovered: list[int | None] = [None] * (size + 1)
        self._worst_uncovered: list[int | None] = [None] * (size + 1)
        for k in range(size - 1, -1, -1):
            distance, wanted, outside, uncovered = judged[k]
            fails = distance + 1 > wanted
            breaks = fails and outside is None
            uncovered = fails and uncovered
            self._uncovered[k] = uncovered or self._uncovered[k + 1]
            self._first_uncovered[k] = k if uncovered else self._first_uncovered[k + 1]
            self._worst_uncovered[k] = (self._worse(k, self._worst_uncovered[k + 1])
                                        if uncovered else self._worst_uncovered[k + 1])
            self._far[k] = max(distance, self._far[k + 1])
            self._failing[k] = k if fails else self._failing[k + 1]
            self._broken[k] = breaks or self._broken[k + 1]
            self._first_broken[k] = k if breaks else self._first_broken[k + 1]
            self._worst[k] = self._worse(k, self._worst[k + 1])
            self._worst_broken[k] = (self._worse(k, self._worst_broken[k + 1]) if breaks
                                     else self._worst_broken[k + 1])
        self._runs = hop_runs(shown)
        self._run: list[int] = []  # per place, its run
        self._items: list[str] = []  # every run's items, in order
        self._first_item: list[int] = []  # per run, where its items start
        for r, (first, last) in enumerate(self._runs):
            self._run += [r] * (last - first + 1)
            self._first_item.append(len(self._items))
            self._items += run_items(first, last)
        self._first_item.append(len(self._items))

    def _worse(self, k: int, other: int | None) -> int:
        """``k`` or ``other`` (after it), whichever fails further; ``max`` keeps the first of
        equals: the earliest hop."""
        judged = self.judged
        return k if other is None or judged[k][0] + 1 - judged[k][1] >= (
            judged[other][0] + 1 - judged[other][1]) else other

    def suffix(self, k: int) -> Derivable:
        """What the summary reads of the hops from place ``k`` on."""
        size = len(self.hops)
        failing, worst = self._failing[k], self._worst[k]
        if self._broken[k]:
            failing, worst = self._first_broken[k], self._worst_broken[k]
        elif self._uncovered[k]:
            failing, worst = self._first_uncovered[k], self._worst_uncovered[k]
        items: list[str] = []
        if k < size:
            r = self._run[k]
            items = run_items(self.shown[k], self._runs[r][1]) + self._items[
                self._first_item[r + 1]:]
        return Derivable(
            size - k, f"[{', '.join(items)}]", 1 + self._far[k],
            None if failing is None else self.hops[failing],
            None if failing is None else self.judged[failing][2], self._broken[k],
            None if worst is None else self.hops[worst], self.hops[-1] if k < size else None,
            not self._broken[k] and self._uncovered[k])
