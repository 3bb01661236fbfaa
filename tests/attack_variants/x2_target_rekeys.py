"""TS 33.401 whose X2 target eNB derives one KeNB* more than the UE (KeNB* of the KeNB* the
source sent, TS 33.401 A.5 once too often), so no X2 handover completes: the target refuses
the UE's HO confirm. It promises fake-cell-capture on every hop type. The UE still derives the
horizontal KeNB* its compromised X2 source computed (7.2.8.4.2), so that source serves it as
the target cell with no edit: check and verify must both find it, though the honest handover
never completes (helper-184: check judged the claim only on handovers that completed, and
read "vacuous" where verify failed the promise)."""
from dataclasses import dataclass

from hoverify.statemachines.derivation import Deriver
from hoverify.statemachines.topology import Cell, HopType
from hoverify.statemachines.variant import Fields, Promise
from hoverify.statemachines.variants.ts33401 import NOT_THROUGH_MME, THROUGH_MME, Ts33401


@dataclass(frozen=True)
class X2TargetRekeys(Ts33401):
    name: str = "x2-target-rekeys"
    title: str = "TS 33.401 whose X2 target derives one KeNB* too many"
    specs: str = "reviewer's strawman (helper-184)"

    def promises(self) -> tuple[Promise, ...]:
        return (*super().promises(),
                Promise("fake-cell-capture", THROUGH_MME | NOT_THROUGH_MME))

    def target_enb(self, d: Deriver, fields: Fields, target: Cell, c_rnti: int,
                   hop: HopType) -> tuple[bytes, int | None, Fields]:
        kenb, ncc, sent = super().target_enb(d, fields, target, c_rnti, hop)
        if hop not in THROUGH_MME:
            kenb = self.kenb_star(d, kenb, "KeNB*", target)
        return kenb, ncc, sent


VARIANT = X2TargetRekeys()
