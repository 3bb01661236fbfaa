"""A reviewer's (broken) proposal: on X2 the source eNB always derives KeNB* horizontally,
ignoring the {NH, NCC} of the Path Switch Request Acknowledge (saves a KDF call). It breaks
TS 33.401 7.2.8.4.2's 2-hop forward security on plain x2,x2: the eNB the UE left derives
every later KeNB.

Source: review28's horiz_only.py (/work/briefs/review28-files/v/), as received but for this
header."""
from dataclasses import dataclass

from hoverify.statemachines.derivation import Deriver
from hoverify.statemachines.messages import Fields
from hoverify.statemachines.topology import Cell, HopType
from hoverify.statemachines.variant import EnbKeys
from hoverify.statemachines.variants.ts33401 import THROUGH_MME, Ts33401


@dataclass(frozen=True)
class HorizOnly(Ts33401):
    name: str = "ts33401-horiz-only"
    title: str = "TS 33.401, X2 source never uses the NH"
    specs: str = "TS 33.401 7.2.8.4.2 modified"

    def source_enb(self, d: Deriver, keys: EnbKeys, target: Cell,
                   hop: HopType) -> tuple[EnbKeys, Fields]:
        if hop in THROUGH_MME:
            return keys, ()
        kenb_star = self.kenb_star(d, keys.as_keys.kenb, "KeNB", target)
        return keys, (("KeNB*", kenb_star), ("NCC", keys.as_keys.ncc))


VARIANT = HorizOnly()
