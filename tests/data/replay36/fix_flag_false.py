"""A fix of review35's weak proposal (tests/data/review35/weak_mode.py) that keeps its field:
the source eNB still sends "derivation mode" in S1AP HandoverRequired, now always False (kept
for older MMEs), and the MME ignores it: KeNB*+ on every hop through it, as seed-fs."""

from dataclasses import dataclass

from hoverify.statemachines.variants.seed_fs import THROUGH_MME, SeedFs

MODE = "derivation mode"


@dataclass(frozen=True)
class FixFlagFalse(SeedFs):
    name: str = "fix-flag-false"
    field_names = (MODE,)

    def source_enb(self, d, keys, target, hop):  # type: ignore[no-untyped-def]
        keys, fields = super().source_enb(d, keys, target, hop)
        return keys, (*fields, (MODE, False)) if hop in THROUGH_MME else fields


VARIANT = FixFlagFalse()
