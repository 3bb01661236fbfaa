"""A UE whose NH catch-up counts the NCC steps without the modulo: TS 33.401 7.2.8.1.1 makes
NCC the number of NH derivations modulo 8 (3 bits), and 7.2.8.4.3 has the UE compute NH
until its NCC matches the one received. Counting received minus kept, a wrap (NCC 7 -> 0 at
NH(8)) reads as no step: the UE derives KeNB* from a stale NH and disagrees with the target
from the seventh handover on; nothing breaks before it (review48: `verify` at two
handovers found nothing, as it cannot reach the wrap)."""

from dataclasses import dataclass

from hoverify.statemachines.variants.ts33401 import Ts33401


@dataclass(frozen=True)
class UeCatchUpWithoutWrap(Ts33401):
    name: str = "broken-ue-catch-up-without-wrap"

    def ue_catch_up(self, d, ue, ncc):  # type: ignore[no-untyped-def]
        chain = ue.chain
        for _ in range(max(0, ncc - chain.ncc)):  # no % 8
            chain = self.next_nh(d, ue.kasme, chain)
        return chain


VARIANT = UeCatchUpWithoutWrap()
