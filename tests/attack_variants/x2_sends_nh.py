"""TS 33.401, but an X2 source eNB holding an unused {NH, NCC} sends the NH itself as KeNB*
(the target takes it as its KeNB, TS 33.401 7.2.8.4.3), where 7.2.8.4.2 has the source send
KeNB* = KDF(NH, PCI, EARFCN-DL) (A.5). The UE derives KeNB* from the NH as the standard says,
so the two sides disagree, and the eNB's side derived nothing of its own.

Source: reviewer 11's x2_sends_nh.py (/tmp/review11/), as received but for layout."""

from dataclasses import dataclass

from hoverify.statemachines.variant import EnbKeys
from hoverify.statemachines.variants.ts33401 import THROUGH_MME, Ts33401


@dataclass(frozen=True)
class X2SendsNh(Ts33401):
    name: str = "r11-x2-sends-nh"

    def source_enb(self, d, keys, target, hop):  # type: ignore[no-untyped-def]
        if hop not in THROUGH_MME and keys.next_hop is not None:
            nh, ncc = keys.next_hop
            return EnbKeys(keys.as_keys, None), (("KeNB*", nh), ("NCC", ncc))
        return super().source_enb(d, keys, target, hop)


VARIANT = X2SendsNh()
