"""A UE that advances its NH chain once, whatever the NCC says (no catch-up loop of
TS 33.401 7.2.8.4.3): key agreement fails when the NCC jumps by more than one."""

from dataclasses import dataclass

from hoverify.statemachines.variant import field_value
from hoverify.statemachines.variants.ts33401 import Ts33401


@dataclass(frozen=True)
class UeSkipsNccCatchUp(Ts33401):
    name: str = "broken-ue-skips-ncc-catch-up"

    def ue(self, d, ue, command, source, target, c_rnti):  # type: ignore[no-untyped-def]
        ncc = field_value(command, "NCC")
        if ncc == ue.as_keys.ncc:
            return self.kenb_star(d, ue.as_keys.kenb, "KeNB", target), ncc, ue.chain
        chain = self.next_nh(d, ue.kasme, ue.chain)
        return self.kenb_star(d, chain.value, "NH", target), ncc, chain


VARIANT = UeSkipsNccCatchUp()
