"""What a variant promises, as the claims (``hoverify.properties.claims``) look it up."""

from __future__ import annotations

from collections.abc import Collection

from hoverify.statemachines.topology import HopType
from hoverify.statemachines.variant import PATH_SWITCH_FIRST, KeySchedule, Promise

FORWARD = "forward-security"


_PROMISES: dict[int, tuple[KeySchedule, tuple[Promise, ...]]] = {}


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


def forward_wanted(variant: KeySchedule, leaving: HopType | None) -> int:
    """The n of n-hop forward security promised for the hop that left the attacker (1 where
    nothing is promised: then any derivable later key is a failure of the claim)."""
    promise = find_promise(variant, FORWARD, leaving)
    return promise.hops or 1 if promise else 1


def outside_forward_promise(variant: KeySchedule, leaving: HopType, early: Collection[int],
                            left: int, j: int) -> str | None:
    """Why a forward-security failure at the KeNB of hop ``j`` is outside what ``variant``
    promises, the attacker's last legitimate KeNB being that of hop ``left`` and hop
    ``left + 1`` (of type ``leaving``) taking the UE away; None: it breaks the promise."""
    promise = find_promise(variant, FORWARD, leaving)
    if promise is None:
        return f"nothing promised once an {leaving.value} hop (hop {left + 1}) takes the UE away"
    broken = broken_assumption(promise, early, left, j)
    if broken is None:
        return None
    assumption, hop = broken
    return (f"outside the promise: hop {hop} was decided before the Path Switch Request "
            f"Acknowledge of hop {hop - 1} arrived (the promise assumes {assumption})")


def broken_assumption(promise: Promise, early: Collection[int], left: int,
                      j: int) -> tuple[str, int] | None:
    """The assumption of ``promise`` that the run broke between the attacker's last
    legitimate KeNB (that of hop ``left``) and the KeNB of hop ``j``, and the hop that broke
    it (``early``: the hops decided before the Path Switch Acknowledge); None: none."""
    if PATH_SWITCH_FIRST in promise.assumes:
        # hop left + 1 leaves the attacker; from hop left + 2 on a source eNB without the
        # fresh NH extends what the attacker derives by one hop
        hop = next((h for h in range(left + 2, j + 1) if h in early), None)
        if hop is not None:
            return PATH_SWITCH_FIRST, hop
    return None
