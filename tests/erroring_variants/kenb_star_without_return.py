"""review46: a KeNB* derived and never returned (a ``return`` missing). The model calls
``source_enb``, which the file does not define; the error names ``kenb_star``, which it does."""

from dataclasses import dataclass

from hoverify.statemachines.variants.ts33401 import Ts33401


@dataclass(frozen=True)
class KenbStarWithoutReturn(Ts33401):
    name: str = "kenb-star-without-return"

    def kenb_star(self, d, key, key_name, target):  # type: ignore[no-untyped-def]
        d.kenb_star(key, key_name, target.pci, target.earfcn_dl)


VARIANT = KenbStarWithoutReturn()
