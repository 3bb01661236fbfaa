"""review46: the KeNB* derivation called with its key and key name swapped: the Deriver
raises in hoverify's crypto module; the finding names the file's line that called it, in
kenb_star, not crypto.py."""

from dataclasses import dataclass

from hoverify.statemachines.variants.ts33401 import Ts33401


@dataclass(frozen=True)
class KenbStarArgumentsSwapped(Ts33401):
    name: str = "kenb-star-arguments-swapped"

    def kenb_star(self, d, key, key_name, target):  # type: ignore[no-untyped-def]
        return d.kenb_star(key_name, key, target.pci, target.earfcn_dl)  # swapped


VARIANT = KenbStarArgumentsSwapped()
