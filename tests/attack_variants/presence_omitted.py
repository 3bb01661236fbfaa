"""Control of capability_presence.py (review18): the honest source eNB itself leaves the IE
"KeNB*+ support" out of its S1AP HandoverRequired on s1 hops (what the compromised source of
capability_presence.py sends), so the run without any attacker shows what that edit buys:
the UE and the target on section 2's KeNB, which the source derives."""

from dataclasses import dataclass

from hoverify.statemachines.topology import HopType
from hoverify.statemachines.variant import field_value
from hoverify.statemachines.variants.seed_fs import SeedFs

SUPPORT = "KeNB*+ support"


@dataclass(frozen=True)
class PresenceOmitted(SeedFs):
    name: str = "presence-omitted-on-s1"
    field_names = (SUPPORT,)

    def source_enb(self, d, keys, target, hop):  # type: ignore[no-untyped-def]
        keys, fields = super().source_enb(d, keys, target, hop)
        return keys, (*fields, (SUPPORT, True)) if hop is HopType.S1_INTER else fields

    def target_mme(self, d, mme, hop, fields):  # type: ignore[no-untyped-def]
        if field_value(fields, SUPPORT) is None:  # IE absent: not supported
            return (("KeNB*", field_value(fields, "KeNB*")),), (("notification bit", 0),)
        return super().target_mme(d, mme, hop, fields)


VARIANT = PresenceOmitted()
