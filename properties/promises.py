"""What a variant promises, as the claims (``hoverify.properties.claims``) look it up."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from hoverify.properties.later_kenbs import NOTHING_PROMISED, Judgement
from hoverify.statemachines.topology import HopType
from hoverify.statemachines.variant import PATH_SWITCH_FIRST, KeySchedule, Promise

if TYPE_CHECKING:
    from hoverify.properties.engine import Completion

FORWARD = "forward-security"


_NEVER = 1 << 62  # a window that never opens
_PROMISES: dict[int, tuple[KeySchedule, tuple[Promise, ...]]] = {}
_WINDOWS: dict[int, ForwardWindows] = {}


def promises_of(variant: KeySchedule) -> tuple[Promise, ...]:
    """``variant.promises()``, asked once per variant (a variant's promises are fixed; the
    claims look them up per hop and attacker)."""
    cached = _PROMISES.get(id(variant))
    if cached is None or cached[0] is not variant:
        if len(_PROMISES) >= 8:
            _PROMISES.pop(next(iter(_PROMISES)))
        cached = _PROMISES[id(variant)] = (variant, tuple(variant.promises()))
    return cached[1]


def find_promise(variant: KeySchedule, claim: str, hop_type: HopType | None) -> Promise | None:
    """The promise of ``claim`` on hops of ``hop_type`` (any hop type: None); a variant makes
    at most one per claim and hop type (a variant file with two is refused when loaded)."""
    for promise in promises_of(variant):
        if promise.claim == claim and (hop_type is None or hop_type in promise.hop_types):
            return promise
    return None


def forward_windows(variant: KeySchedule, completions: Sequence[Completion],
                    early: Collection[int]) -> ForwardWindows:
    """The forward-security windows of ``variant`` over a run's ``completions`` (``early``:
    the hops decided before a Path Switch Acknowledge), grown on from the completions of the
    last call when they extend them (a check grows its run one hop at a time), else found
    again (a search moves between runs)."""
    cached = _WINDOWS.get(id(variant))
    if cached is not None and cached.completions is completions and cached.variant is variant:
        return cached  # the run asked about last (each claim asks per attacker and key)
    if cached is None or cached.variant is not variant:
        if len(_WINDOWS) >= 8:
            _WINDOWS.pop(next(iter(_WINDOWS)))
        cached = _WINDOWS[id(variant)] = ForwardWindows(variant)
    return cached.grown(completions, early)


class ForwardWindows:
    """Which forward-security promises reach the KeNB of each hop of a run.

    n-hop forward security promised for hops of type T (TS 33.501 3.1, per hop type as the
    variant promises it): the KeNB of a hop k of type T, and of every hop j >= k - 1 + n
    after it, cannot be derived by an eNB whose last legitimate KeNB is that of hop k - 1 or
    earlier (the source of hop k or an eNB before it). An attacker whose last legitimate
    KeNB is that of hop ``left`` and that derives the KeNB of a later hop j breaks a promise
    iff a hop k with left < k <= j promises it with j >= k - 1 + n, and the run kept that
    promise's assumptions from hop k to hop j. Hop ``left + 1``, which took the UE away, is
    the first such k; a later hop's promise binds the attacker as well, since its last
    legitimate KeNB is before that hop too.

    Linear in the hops: per hop j, the last hop k <= j whose promise reaches j (and the last
    whose promise also kept its assumptions) is found once, so a pair (left, j) is judged in
    O(1): some hop after ``left`` reaches j iff the last one does.
    """

    def __init__(self, variant: KeySchedule) -> None:
        self.variant = variant
        self._reset()

    def _reset(self) -> None:
        self.completions: Sequence[Completion] = ()
        self.promise: list[Promise | None] = []  # per hop k: its forward-security promise
        self.early: list[int] = []  # the hops decided early, in order
        self.covering: list[int] = []  # per hop j: the last k <= j that promises it (-1)
        self.reaching: list[int] = []  # per hop j: the same, the assumptions aside (-1)
        self._starts: dict[int, list[int]] = {}  # per hop j: the k whose windows open at j
        self._last = (-1, -1)  # of the hops k whose windows opened: the last without and
        # the last with PATH_SWITCH_FIRST
        self._opening: list[tuple[int, int]] = []  # ``opening``, found once per run

    def grown(self, completions: Sequence[Completion], early: Collection[int]) -> ForwardWindows:
        n = len(self.completions)
        if n > len(completions) or (n and completions[n - 1] is not self.completions[n - 1]):
            self._reset()
            n = 0
        for c in completions[n:]:
            self._add(c.number, c.hop_type, c.number in early)
        self.completions = completions
        return self

    def _add(self, j: int, hop_type: HopType | None, early: bool) -> None:
        promise = find_promise(self.variant, FORWARD, hop_type) if hop_type else None
        self.promise.append(promise)
        if early:
            self.early.append(j)
        if promise is not None:
            self._starts.setdefault(j - 1 + (promise.hops or 1), []).append(j)
        plain, assuming = self._last
        for k in self._starts.pop(j, ()):
            assumes = PATH_SWITCH_FIRST in self.promise[k].assumes  # type: ignore[union-attr]
            plain, assuming = (plain, max(assuming, k)) if assumes else (max(plain, k), assuming)
        self._last = plain, assuming
        self.reaching.append(max(plain, assuming))
        self.covering.append(max(plain, assuming if self._held(assuming, j) else -1))

    def _held(self, k: int, j: int) -> bool:
        """The run kept the assumptions of hop ``k``'s promise up to the KeNB of hop ``j``."""
        return self._broken(k, j) is None

    def _broken(self, k: int, j: int) -> int | None:
        """The hop that broke an assumption of hop ``k``'s promise before the KeNB of hop
        ``j`` (None: none did). PATH_SWITCH_FIRST: hop k takes the UE away from the attacker;
        from hop k + 1 on, a source eNB deciding before its Path Switch Acknowledge has no
        fresh NH and extends what the attacker derives by one hop (TS 33.401 7.2.8.4.2)."""
        promise = self.promise[k] if k >= 0 else None
        if promise is None or PATH_SWITCH_FIRST not in promise.assumes:
            return None
        first = bisect_right(self.early, k)
        return self.early[first] if first < len(self.early) and self.early[first] <= j else None

    def broken(self, left: int, j: int) -> int | None:
        """The hop whose promise an attacker breaks by deriving the KeNB of hop ``j``, its
        last legitimate KeNB being that of hop ``left`` (None: it breaks none). The hop that
        took the UE away (``left + 1``) where its promise is broken, else the last one."""
        if self._reaches(left + 1, j) and self._held(left + 1, j):
            return left + 1
        return self.covering[j] if self.covering[j] > left else None

    def opening(self, left: int, end: int) -> int | None:
        """The hop after ``left`` whose promise reaches the first of the KeNBs of hops
        ``left + 1`` to ``end`` that any does (its assumptions kept up to it): where that is
        one of an attacker's later KeNBs, whose last legitimate KeNB is that of hop ``left``,
        deriving it would break that promise (``broken``), so what it cannot derive, the
        promise covers. None: none reaches one of them. Each hop's window opens at hop
        k - 1 + n; the earliest opening after each hop is found once per run."""
        if len(self._opening) != len(self.promise) + 1:
            self._opening = opening = [(_NEVER, -1)] * (len(self.promise) + 1)
            for k in range(len(self.promise) - 1, -1, -1):
                promise, first = self.promise[k], opening[k + 1]
                opens = k - 1 + (promise.hops or 1) if promise is not None else _NEVER
                opening[k] = (opens, k) if opens < first[0] and self._held(k, opens) else first
        opens, k = self._opening[left + 1] if left + 1 < len(self._opening) else (_NEVER, -1)
        return k if opens <= end else None

    def _reaches(self, k: int, j: int) -> bool:
        promise = self.promise[k]
        return promise is not None and j >= k - 1 + (promise.hops or 1)

    def named(self, left: int, j: int) -> tuple[int, Promise | None]:
        """The hop whose promise a verdict on the KeNB of hop ``j`` names, and that promise:
        the one broken, else that of the hop that took the UE away."""
        k = self.broken(left, j)
        return (left + 1, self.promise[left + 1]) if k is None else (k, self.promise[k])

    def judged(self, left: int, j: int) -> Judgement:
        """A derivable KeNB of hop ``j``, the attacker's last legitimate KeNB being that of
        hop ``left``: the distance from ``left`` at which it fails (the n of the promise it
        breaks counted from ``left``; where it breaks none, the n promised for the hop that
        took the UE away, 1 where nothing is), why a failure there is outside the promise
        (None: it breaks one), and whether no promise covers it."""
        k = self.broken(left, j)
        if k is not None:
            n = self.promise[k].hops or 1  # type: ignore[union-attr]
            return Judgement(j - left, k - 1 + n - left, None, False)
        leaving = self.promise[left + 1]
        wanted = leaving.hops or 1 if leaving else 1
        if j - left < wanted:
            return Judgement(j - left, wanted, None, False)
        broken = self.assumption(left, j)
        return Judgement(j - left, wanted, self._outside(left, broken), broken is None)

    def assumption(self, left: int, j: int) -> tuple[str, int] | None:
        """The assumption whose breaking puts a failure at the KeNB of hop ``j`` outside
        the promise that reaches it (that of hop ``left + 1``, else the last), with the hop
        that broke it (None: none reaches it, or one is broken)."""
        k = left + 1 if self._reaches(left + 1, j) else self.reaching[j]
        hop = self._broken(k, j) if k > left and self.broken(left, j) is None else None
        return None if hop is None else (PATH_SWITCH_FIRST, hop)

    def _outside(self, left: int, broken: tuple[str, int] | None) -> str:
        """Why a failure at a KeNB that breaks no promise is outside what the variant
        promises, the attacker's last legitimate KeNB being that of hop ``left``: the
        assumption the run broke, with its hop (``assumption``), else (None) nothing is
        promised."""
        completions = self.completions  # named by their handovers (``Facts.hop_of``)
        if broken is None:
            leaving = completions[left + 1]
            assert leaving.hop_type is not None
            return (f"{NOTHING_PROMISED} once an {leaving.hop_type.value} hop "
                    f"(hop {leaving.handover}) takes the UE away")
        assumption, hop = broken
        return (f"outside the promise: hop {completions[hop].handover} was decided before the "
                f"Path Switch Request Acknowledge of hop {completions[hop - 1].handover} "
                f"arrived (the promise assumes {assumption})")
