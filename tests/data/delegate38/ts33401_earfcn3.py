# Sound proposal: TS 33.401 with the EARFCN-DL always in 3 octets in KeNB*; its promises.
"""Proposal (sound): TS 33.401 with the EARFCN-DL always written in 3 octets in KeNB*
(as TS 33.501 A.11 does for the ARFCN-DL), where A.5 writes 2 octets up to 65535; every
other step and every promise are TS 33.401's."""

from dataclasses import dataclass

from hoverify.statemachines.derivation import public, secret
from hoverify.statemachines.variants.ts33401 import Ts33401


@dataclass(frozen=True)
class Earfcn3(Ts33401):
    name: str = "d38-earfcn3"
    title: str = "TS 33.401 with a 3-octet EARFCN-DL in KeNB*"

    def kenb_star(self, d, key, key_name, target):
        return d.kdf("KeNB*", "TS 33.401 A.5 (EARFCN-DL in 3 octets)",
                     secret("NH" if key_name == "NH" else "KeNB", key), 0x13,
                     public("PCI", target.pci.to_bytes(2, "big")),
                     public("EARFCN-DL", target.earfcn_dl.to_bytes(3, "big")))


VARIANT = Earfcn3()
