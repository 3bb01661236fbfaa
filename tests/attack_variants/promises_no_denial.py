"""TS 33.401 promising that no compromised source eNB can make a handover fail: a promise no
variant can keep (the source writes the HO command), so handover-denial must fail, promised."""

from dataclasses import dataclass

from hoverify.statemachines.variant import Promise
from hoverify.statemachines.variants.ts33401 import Ts33401


@dataclass(frozen=True)
class PromisesNoDenial(Ts33401):
    name: str = "promises-no-denial"

    def promises(self):  # type: ignore[no-untyped-def]
        return (*super().promises(), Promise("handover-denial"))


VARIANT = PromisesNoDenial()
