"""KeNB* not bound to the target PCI (the source always writes PCI 0): must break
key-separation (a KeNB is bound to its target cell, TS 33.401 7.2.8.1)."""

from dataclasses import dataclass

from hoverify.statemachines.variants.ts33401 import Ts33401


@dataclass(frozen=True)
class KenbStarWithoutPci(Ts33401):
    name: str = "broken-kenb-star-without-pci"

    def kenb_star(self, d, key, key_name, target):  # type: ignore[no-untyped-def]
        return d.kenb_star(key, key_name, 0, target.earfcn_dl)


VARIANT = KenbStarWithoutPci()
