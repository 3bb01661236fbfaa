"""What a variant promises, looked up the same way by the claims over a finished run and by
the monitor that watches an exploration step by step."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from statemachines.topology import HopType
from statemachines.variant import KeySchedule, Promise

FORWARD = "forward-security"


def find_promise(variant: KeySchedule, claim: str, hop_type: HopType | None) -> Promise | None:
    for promise in variant.promises():
        if promise.claim == claim and (hop_type is None or hop_type in promise.hop_types):
            return promise
    return None


def forward_distance(serving: Mapping[int, str], attackers: Collection[str], start: int,
                     j: int) -> int:
    """How many hops after the attacker's last legitimate KeNB the KeNB of hop ``j`` is: the
    last hop in [start, j) after which an attacker served the UE, else ``start - 1``."""
    served = [i for i in range(start, j) if serving.get(i) in attackers]
    return j - max(served, default=start - 1)


def forward_wanted(variant: KeySchedule, leaving: HopType | None) -> int:
    """The n of n-hop forward security promised for the hop that left the attacker (1 where
    nothing is promised: then any derivable later key is a failure of the claim)."""
    promise = find_promise(variant, FORWARD, leaving)
    return promise.hops or 1 if promise else 1
