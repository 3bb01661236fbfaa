"""An MME that hands out its current NH again on S1 handover instead of a fresh one: the eNB
that got that NH in a Path Switch Acknowledge derives the next KeNB."""

from dataclasses import dataclass

from statemachines.variant import NhChain
from statemachines.variants.ts33401 import Ts33401


@dataclass(frozen=True)
class MmeReusesNh(Ts33401):
    name: str = "broken-mme-reuses-nh"

    def source_mme(self, d, mme, hop, fields):  # type: ignore[no-untyped-def]
        chain = mme.chain
        if not chain.derivations:  # nothing to reuse yet
            chain = self.next_nh(d, mme.kasme, chain)
        return type(mme)(mme.kasme, NhChain(chain.value, chain.derivations)), (
            ("NH", chain.value), ("NCC", chain.ncc))


VARIANT = MmeReusesNh()
