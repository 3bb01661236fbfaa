"""review22's /tmp/review22/bad/shortsome5.py (a new SA3 delegate's): ``target_enb`` and ``ue``
return KeNB cut to 16 octets for the cell of PCI 5 only, so the dry run (which never hands
over to PCI 5) passes it. ``check --hops s1@enb-3/cell-1,s1`` blamed the inherited
``as_keys()`` and a line of crypto.py; the hook that returned the short key is named."""

from dataclasses import dataclass

from hoverify.statemachines.variants.ts33401 import Ts33401


@dataclass(frozen=True)
class S(Ts33401):
    name: str = "shortsome"

    def target_enb(self, d, fields, target, c_rnti, hop):  # type: ignore[no-untyped-def]
        kenb, ncc, out = super().target_enb(d, fields, target, c_rnti, hop)
        return (kenb[:16] if target.pci == 5 else kenb), ncc, out

    def ue(self, d, ue, command, source, target, c_rnti):  # type: ignore[no-untyped-def]
        kenb, ncc, chain = super().ue(d, ue, command, source, target, c_rnti)
        return (kenb[:16] if target.pci == 5 else kenb), ncc, chain


VARIANT = S()
