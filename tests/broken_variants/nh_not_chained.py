"""NH not chained: every "fresh" NH is the previous one again, with the NCC one more, on the
MME's side and the UE's alike (TS 33.401 A.4 wants NH(n+1) = KDF(KASME, NH(n))). UE and
network agree, but the eNB that got an NH in a Path Switch Acknowledge holds the next one
too (a newcomer's variant, helper-216)."""

from dataclasses import dataclass

from hoverify.statemachines.variant import NhChain
from hoverify.statemachines.variants.ts33401 import Ts33401


@dataclass(frozen=True)
class NhNotChained(Ts33401):
    name: str = "broken-nh-not-chained"

    def next_nh(self, d, kasme, chain):  # type: ignore[no-untyped-def]
        return NhChain(chain.value, chain.derivations + 1)


VARIANT = NhNotChained()
