"""review46: a hook that calls the file's own helper with one argument too few. The error is
raised where the hook calls it, and the finding names that line, not hoverify's."""

from dataclasses import dataclass

from hoverify.statemachines.variants.ts33401 import Ts33401


@dataclass(frozen=True)
class HelperCalledWrongly(Ts33401):
    name: str = "helper-called-wrongly"

    def _pci(self, target, extra):  # type: ignore[no-untyped-def]
        return target.pci

    def kenb_star(self, d, key, key_name, target):  # type: ignore[no-untyped-def]
        return d.kenb_star(key, key_name, self._pci(target), target.earfcn_dl)  # one too few


VARIANT = HelperCalledWrongly()
