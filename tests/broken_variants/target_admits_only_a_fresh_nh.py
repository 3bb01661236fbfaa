"""TS 33.401 with a target eNB that admits a UE only with a fresh {NH, NCC} pair, so that
every KeNB* is vertical (TS 33.401 7.2.8.4.3). An X2 HandoverRequest carries KeNB* and NCC
(AS-SecurityInformation, TS 36.423 9.2.29), never an NH, so this target refuses every X2
handover: the UE stays with its source, and a handover that the honest parties ran with no
adversary action never completes (key-agreement, judged where the run ends)."""

from dataclasses import dataclass

from hoverify.statemachines.entity import Reject
from hoverify.statemachines.variant import field_value
from hoverify.statemachines.variants.ts33401 import Ts33401


@dataclass(frozen=True)
class TargetAdmitsOnlyAFreshNh(Ts33401):
    name: str = "broken-target-admits-only-a-fresh-nh"

    def target_enb(self, d, fields, target, c_rnti, hop):  # type: ignore[no-untyped-def]
        if field_value(fields, "NH") is None:
            raise Reject("no {NH, NCC} pair: this target admits vertical KeNB* only")
        return super().target_enb(d, fields, target, c_rnti, hop)


VARIANT = TargetAdmitsOnlyAFreshNh()
