"""Control of capability_bitmap.py (review18): the honest source eNB itself clears the
KeNB*+ bit (bit 3) of the capability octet it sends on s1 hops (what the compromised source
of capability_bitmap.py sends), so the run without any attacker shows what that edit buys:
the UE and the target on section 2's KeNB, which the source derives."""

from dataclasses import dataclass

from hoverify.statemachines.topology import HopType
from hoverify.statemachines.variant import field_value
from hoverify.statemachines.variants.seed_fs import THROUGH_MME, SeedFs

CAPABILITY = "UE capability octet"
KENB_STAR_PLUS_SUPPORTED = 0x08
HONEST = 0xE8  # EEA1-3 bits and the KeNB*+ bit


@dataclass(frozen=True)
class CapabilityCleared(SeedFs):
    name: str = "capability-cleared-on-s1"
    field_names = (CAPABILITY,)

    def source_enb(self, d, keys, target, hop):  # type: ignore[no-untyped-def]
        keys, fields = super().source_enb(d, keys, target, hop)
        value = HONEST & ~KENB_STAR_PLUS_SUPPORTED if hop is HopType.S1 else HONEST
        return keys, (*fields, (CAPABILITY, value)) if hop in THROUGH_MME else fields

    def target_mme(self, d, mme, hop, fields):  # type: ignore[no-untyped-def]
        if not field_value(fields, CAPABILITY, 0) & KENB_STAR_PLUS_SUPPORTED:
            return (("KeNB*", field_value(fields, "KeNB*")),), (("notification bit", 0),)
        return super().target_mme(d, mme, hop, fields)


VARIANT = CapabilityCleared()
