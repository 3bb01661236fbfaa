"""The seed's proposal where the target MME applies KeNB*+ only if the source eNB says the UE
supports it, in a flag of S1AP HandoverRequired that nothing protects end to end (a bidding
down): a compromised source eNB clears the flag, the MME tells the UE (under NAS-MAC, so
honestly) to skip KeNB*+, and the UE and the honest target complete the handover on a KeNB
the source derives. That is a downgrade in SA3's sense: both ends on the weaker key."""

from dataclasses import dataclass

from hoverify.statemachines.variant import field_value
from hoverify.statemachines.variants.seed_fs import THROUGH_MME, SeedFs

SUPPORTS = "UE supports KeNB*+"


@dataclass(frozen=True)
class BitUnprotected(SeedFs):
    name: str = "broken-bit-unprotected"
    field_names = (SUPPORTS,)

    def source_enb(self, d, keys, target, hop):  # type: ignore[no-untyped-def]
        keys, fields = super().source_enb(d, keys, target, hop)
        return keys, (*fields, (SUPPORTS, True)) if hop in THROUGH_MME else fields

    def target_mme(self, d, mme, hop, fields):  # type: ignore[no-untyped-def]
        if field_value(fields, SUPPORTS) is not True:  # section 2's KeNB*, and bit 0
            return (("KeNB*", field_value(fields, "KeNB*")),), (("notification bit", 0),)
        return super().target_mme(d, mme, hop, fields)


VARIANT = BitUnprotected()
