"""An inter-MME S1 handover whose target MME "refreshes" the {NH, NCC} the source MME sent it
once more: it sends the target eNB the next NH, with NCC + 1, but keeps the pair it received
(TS 33.401 7.2.8.4.3: the target MME stores the {NH, NCC} pair it sends in the S1AP
HANDOVER REQUEST). The UE catches up, so the hop itself agrees; the next handover through
that MME takes one NH from the pair kept, carries the NCC the UE already has, and the UE
derives horizontally where the target derives vertically (helper-151: `verify` at two
handovers passed it on the small topology, whose second MME has one eNB and one cell, so no
handover follows an inter-MME one there)."""

from dataclasses import dataclass

from hoverify.statemachines.topology import HopType
from hoverify.statemachines.variant import NhChain, field_value
from hoverify.statemachines.variants.ts33401 import Ts33401


@dataclass(frozen=True)
class TargetMmeSendsAPairItDoesNotKeep(Ts33401):
    name: str = "broken-target-mme-sends-a-pair-it-does-not-keep"

    def target_mme(self, d, mme, hop, fields):  # type: ignore[no-untyped-def]
        if hop != HopType.S1_INTER:
            return super().target_mme(d, mme, hop, fields)
        sent = self.next_nh(d, mme.kasme, NhChain(field_value(fields, "NH"),
                                                  field_value(fields, "NCC")))
        return (("NH", sent.value), ("NCC", sent.ncc)), ()


VARIANT = TargetMmeSendsAPairItDoesNotKeep()
