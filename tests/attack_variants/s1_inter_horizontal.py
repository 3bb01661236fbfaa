"""TS 33.401, but on inter-MME S1 the source eNB sends a horizontal KeNB* in
HandoverRequired, both MMEs pass it on with the unchanged NCC, and the target eNB uses it as
its KeNB: the TR 33.821 habit kept on one hop type (review14). The MMEs never advance the NH
chain on that hop, so the source eNB derives the target's KeNB: TS 33.401 7.2.8.1's 1-hop
forward security for S1 is broken. A UE that then comes back to that eNB puts the KeNB it
derived between two of its services: an eNB that knows its KeNB knows an earlier one
(backward security), and forward security fails all the same (the source eNB derived the
next KeNB)."""

from dataclasses import dataclass

from hoverify.statemachines.topology import HopType
from hoverify.statemachines.variant import field_value
from hoverify.statemachines.variants.ts33401 import Ts33401


@dataclass(frozen=True)
class S1InterHorizontal(Ts33401):
    name: str = "probe-s1-inter-horizontal"

    def source_enb(self, d, keys, target, hop):  # type: ignore[no-untyped-def]
        if hop == HopType.S1_INTER:
            kenb_star = self.kenb_star(d, keys.as_keys.kenb, "KeNB", target)
            return keys, (("KeNB*", kenb_star), ("NCC", keys.as_keys.ncc))
        return super().source_enb(d, keys, target, hop)

    def source_mme(self, d, mme, hop, fields):  # type: ignore[no-untyped-def]
        if hop == HopType.S1_INTER:
            return mme, fields
        return super().source_mme(d, mme, hop, fields)

    def target_enb(self, d, fields, target, c_rnti, hop):  # type: ignore[no-untyped-def]
        if field_value(fields, "KeNB*") is not None:  # only the horizontal hop carries it
            ncc = field_value(fields, "NCC")
            return (field_value(fields, "KeNB*"), ncc,
                    (("NCC", ncc), ("keyChangeIndicator", False)))
        return super().target_enb(d, fields, target, c_rnti, hop)


VARIANT = S1InterHorizontal()
