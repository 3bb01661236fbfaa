"""The seed's proposal (bit under NAS-MAC) promising that a compromised source eNB cannot keep
the UE on a key it derives on S1 hops: it can, by stripping the NAS part of the HO command
(the UE reads the missing bit as 0) and serving the UE as the target cell."""

from dataclasses import dataclass

from hoverify.statemachines.variant import Promise
from hoverify.statemachines.variants.seed_fs import THROUGH_MME, SeedFs


@dataclass(frozen=True)
class PromisesNoCapture(SeedFs):
    name: str = "promises-no-capture"

    def promises(self):  # type: ignore[no-untyped-def]
        return (*super().promises(), Promise("fake-cell-capture", THROUGH_MME))


VARIANT = PromisesNoCapture()
