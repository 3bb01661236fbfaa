"""KeNB* bound to the target PCI but not to its EARFCN-DL (P1 of TS 33.401 A.5 left out):
two cells that reuse a PCI on different carriers get the same KeNB* from the same key. Must
break key-separation (a KeNB is bound to its whole target cell, PCI and EARFCN-DL,
TS 33.401 7.2.8.1)."""

from dataclasses import dataclass

from hoverify.statemachines.crypto import FC_KENB_STAR
from hoverify.statemachines.derivation import public, secret
from hoverify.statemachines.variants.ts33401 import Ts33401


@dataclass(frozen=True)
class KenbStarWithoutEarfcn(Ts33401):
    name: str = "broken-kenb-star-without-earfcn"

    def kenb_star(self, d, key, key_name, target):  # type: ignore[no-untyped-def]
        return d.kdf("KeNB*", "broken: TS 33.401 A.5 without EARFCN-DL", secret(key_name, key),
                     FC_KENB_STAR, public("PCI", target.pci.to_bytes(2, "big")))


VARIANT = KenbStarWithoutEarfcn()
