"""Broken (review18): the seed's proposal where the target MME applies KeNB*+ only if the
source eNB's S1AP HandoverRequired carries the optional IE "KeNB*+ support", whose presence
means supported (as an ASN.1 ENUMERATED {supported} OPTIONAL IE does). Flaw: nothing
protects the IE end to end, and the compromised source eNB builds the message: it leaves
the IE out, the MME sends bit 0 under NAS-MAC, and the UE and the honest target complete on
section 2's KeNB, which the source derives (bidding down)."""

from dataclasses import dataclass

from hoverify.statemachines.variant import field_value
from hoverify.statemachines.variants.seed_fs import THROUGH_MME, SeedFs

SUPPORT = "KeNB*+ support"


@dataclass(frozen=True)
class CapabilityPresence(SeedFs):
    name: str = "capability-presence"
    field_names = (SUPPORT,)

    def source_enb(self, d, keys, target, hop):  # type: ignore[no-untyped-def]
        keys, fields = super().source_enb(d, keys, target, hop)
        return keys, (*fields, (SUPPORT, True)) if hop in THROUGH_MME else fields

    def target_mme(self, d, mme, hop, fields):  # type: ignore[no-untyped-def]
        if field_value(fields, SUPPORT) is None:  # IE absent: not supported
            return (("KeNB*", field_value(fields, "KeNB*")),), (("notification bit", 0),)
        return super().target_mme(d, mme, hop, fields)


VARIANT = CapabilityPresence()
