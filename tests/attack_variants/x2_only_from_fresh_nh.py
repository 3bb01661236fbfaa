"""A reviewer's proposal: an X2 or intra-eNB handover only from a fresh NH. The source eNB
declines to start one (refuses the UE's measurement report) while it holds no unused
{NH, NCC} from a Path Switch Request Acknowledge; a real network would fall back to S1.
Claimed gain: 2-hop forward security on X2 without TS 33.401's path-switch-first assumption.

Source: helper-247's x2_fresh_nh_only.py (a delegate's first hour, 2026-12-06), as received
but for this header and its type hints."""
from dataclasses import dataclass

from hoverify.statemachines.derivation import Deriver
from hoverify.statemachines.entity import Reject
from hoverify.statemachines.messages import Fields
from hoverify.statemachines.topology import Cell, HopType
from hoverify.statemachines.variant import EnbKeys, Promise
from hoverify.statemachines.variants.ts33401 import NOT_THROUGH_MME, Ts33401


@dataclass(frozen=True)
class X2OnlyFromFreshNh(Ts33401):
    name: str = "x2-only-from-fresh-nh"
    title: str = "X2 only from a fresh NH (proposal)"
    specs: str = "TS 33.401 7.2.8.4.2 modified"

    def source_enb(self, d: Deriver, keys: EnbKeys, target: Cell,
                   hop: HopType) -> tuple[EnbKeys, Fields]:
        if hop in NOT_THROUGH_MME and keys.next_hop is None:
            raise Reject("no unused {NH, NCC}: no horizontal KeNB* in this proposal")
        return super().source_enb(d, keys, target, hop)

    def promises(self) -> tuple[Promise, ...]:
        kept = [p for p in super().promises()
                if not (p.claim == "forward-security" and HopType.X2 in p.hop_types)]
        return (*kept, Promise("forward-security", NOT_THROUGH_MME, hops=2,
                               why="every X2 KeNB* comes from an NH the source got from the MME"))


VARIANT = X2OnlyFromFreshNh()
