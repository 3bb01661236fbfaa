"""An MME that hands out its current NH again on S1 handover instead of a fresh one: the eNB
that got that NH in a Path Switch Acknowledge derives the next KeNB."""

from dataclasses import dataclass

from hoverify.statemachines.variants.ts33401 import Ts33401


@dataclass(frozen=True)
class MmeReusesNh(Ts33401):
    name: str = "broken-mme-reuses-nh"

    def source_mme(self, d, mme, hop, fields):  # type: ignore[no-untyped-def]
        return mme, (("NH", mme.chain.value), ("NCC", mme.chain.ncc))


VARIANT = MmeReusesNh()
