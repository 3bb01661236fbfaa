"""A horizontal KeNB* derived from the target cell's identity alone, the current KeNB left
out of the key slot (an argument slip: review48's reviewer wrote it so): KeNB* = KDF(PCI,
FC 0x13, EARFCN-DL). TS 33.401 A.5 takes KeNB (or NH) as the KDF key and the PCI and
EARFCN-DL as P0 and P1; both are broadcast, so the radio observer derives every KeNB an X2
or intra-eNB hop makes, and the RRC/UP keys from it (A.7), with no party compromised.
key-secrecy must fail, on one hop."""

from dataclasses import dataclass

from hoverify.statemachines.derivation import public
from hoverify.statemachines.variants.ts33401 import Ts33401


@dataclass(frozen=True)
class KenbStarFromPublicValues(Ts33401):
    name: str = "broken-kenb-star-from-public-values"

    def kenb_star(self, d, key, key_name, target):  # type: ignore[no-untyped-def]
        if key_name != "KeNB":
            return super().kenb_star(d, key, key_name, target)
        return d.kdf("KeNB*", "broken: A.5 without its key",
                     public("PCI", target.pci.to_bytes(2, "big")), 0x13,
                     public("EARFCN-DL", target.earfcn_dl.to_bytes(3, "big")))


VARIANT = KenbStarFromPublicValues()
