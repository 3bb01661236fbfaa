"""Broken (review18): the seed's proposal where the target MME applies KeNB*+ only if the
source eNB's S1AP HandoverRequired says the UE supports it, in bit 3 of an unprotected UE
capability octet (a bitmap, as UE network capability is in TS 24.301 9.9.3.34), carried as
an integer 0xE8. Flaw: the compromised source eNB builds the message and clears that bit;
the MME sends bit 0 under NAS-MAC, and the UE and the honest target complete on section
2's KeNB, which the source derives (bidding down)."""

from dataclasses import dataclass

from hoverify.statemachines.variant import field_value
from hoverify.statemachines.variants.seed_fs import THROUGH_MME, SeedFs

CAPABILITY = "UE capability octet"
KENB_STAR_PLUS_SUPPORTED = 0x08
HONEST = 0xE8  # EEA1-3 bits and the KeNB*+ bit


@dataclass(frozen=True)
class CapabilityBitmap(SeedFs):
    name: str = "capability-bitmap"
    field_names = (CAPABILITY,)

    def source_enb(self, d, keys, target, hop):  # type: ignore[no-untyped-def]
        keys, fields = super().source_enb(d, keys, target, hop)
        return keys, (*fields, (CAPABILITY, HONEST)) if hop in THROUGH_MME else fields

    def target_mme(self, d, mme, hop, fields):  # type: ignore[no-untyped-def]
        if not field_value(fields, CAPABILITY, 0) & KENB_STAR_PLUS_SUPPORTED:
            return (("KeNB*", field_value(fields, "KeNB*")),), (("notification bit", 0),)
        return super().target_mme(d, mme, hop, fields)


VARIANT = CapabilityBitmap()
