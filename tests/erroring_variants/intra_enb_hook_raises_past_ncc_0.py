"""A reviewer's variant whose ``source_enb`` hook raises KeyError on an intra-eNB hop once the
NCC has moved past 0 (its table of intra-eNB handovers knows NCC 0 only): a bug in the
variant. No run of ``hoverify report`` meets it (its only intra-eNB hop is the first, at NCC
0, and its bounded verification makes one handover); the dry run of the variant file does,
on its chain x2,s1,s1-inter,intra-enb,... at hop 4. The report must record it all the same."""

from dataclasses import dataclass

from hoverify.statemachines.topology import HopType
from hoverify.statemachines.variants.ts33401 import Ts33401

# TS 33.401 7.2.8.4.1: an intra-eNB handover derives KeNB* from the KeNB or an unused NH
INTRA_ENB_SOURCE = {0: "KeNB"}  # the reviewer forgot that an NH may be unused (NCC > 0)


@dataclass(frozen=True)
class IntraEnbHookRaisesPastNcc0(Ts33401):
    name: str = "intra-enb-hook-raises-past-ncc-0"

    def source_enb(self, d, keys, target, hop):  # type: ignore[no-untyped-def]
        if hop is HopType.INTRA_ENB:
            INTRA_ENB_SOURCE[keys.as_keys.ncc]  # the reviewer's check: KeyError past NCC 0
        return super().source_enb(d, keys, target, hop)


VARIANT = IntraEnbHookRaisesPastNcc0()
