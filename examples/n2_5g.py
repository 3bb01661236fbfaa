"""``5g-n2``: the 5G N2 (inter-gNB, through the AMF) handover of TS 33.501, as a reviewer's
variant file: the worked example of "Model your own proposal" in the README.

Equations (TS 33.501 Annex A):
  KgNB    = KDF(KAMF, 0x6E, UL NAS COUNT, access type distinguisher 0x01)      A.9
  NH      = KDF(KAMF, 0x6F, SYNC-input)                                         A.10
  KgNB*   = KDF(KgNB or NH, 0x70, PCI, ARFCN-DL in 3 octets, always)           A.11
  K_RRCint, K_RRCenc, K_UPenc = KDF(KgNB, 0x69, distinguisher, algorithm)[16:]  A.8

Flow: the NH/NCC mechanism of TS 33.501 6.9.2 is TS 33.401's, so this file only overrides
the derivations of ``ts33401``; the hooks, the flows (N2 = s1/s1-inter, Xn = x2) and the
promises are inherited. So is the chain's numbering, which 6.9.2.1.1 states as 7.2.8.1.1
does: "At initial setup, the KgNB is derived directly from KAMF, and is then considered to
be associated with a virtual NH parameter with NCC value equal to zero. At initial setup,
the derived NH value is associated with the NCC value one." AMF and UE keep
NH(1) = KDF(KAMF, 0x6F, KgNB) (A.10: SYNC-input is the initial KgNB, then the previous NH);
the first N2 HandoverRequest or Path Switch Request Acknowledge carries NCC 2
(tests/test_model.py recomputes this file's keys from A.9-A.11). The harness's vocabulary
names the AMF key "KASME" where it passes it around (the MME entity plays the AMF); the
derivations below name it KAMF.

How it differs from ``ts33401``: the FC values, the access type distinguisher in KgNB, and
ARFCN-DL always in 3 octets (A.11), where A.5 uses 2 octets up to 65535.
"""

from __future__ import annotations

from dataclasses import dataclass

from hoverify.statemachines.derivation import Deriver, public, secret
from hoverify.statemachines.topology import Cell
from hoverify.statemachines.variant import AsKeys
from hoverify.statemachines.variants.ts33401 import Ts33401

FC_KGNB, FC_NH, FC_KGNB_STAR, FC_ALGORITHM_KEY = 0x6E, 0x6F, 0x70, 0x69
ACCESS_3GPP = 0x01  # TS 33.501 A.9: access type distinguisher for 3GPP access
N_RRC_ENC, N_RRC_INT, N_UP_ENC = 0x03, 0x04, 0x05  # TS 33.501 A.8, Table A.8-1
NEA2 = NIA2 = 2


@dataclass(frozen=True)
class N2(Ts33401):
    name: str = "5g-n2"
    title: str = "TS 33.501 N2/Xn handover: KgNB, NH, KgNB* with a 3-octet ARFCN-DL"
    specs: str = "TS 33.501 6.9.2 and Annex A.8-A.11"

    def initial_kenb(self, d: Deriver, kasme: bytes, ul_nas_count: int) -> bytes:
        return d.kdf("KgNB", "TS 33.501 A.9", secret("KAMF", kasme), FC_KGNB,
                     public("uplink NAS COUNT", ul_nas_count.to_bytes(4, "big")),
                     public("access type distinguisher", bytes((ACCESS_3GPP,))))

    def nh(self, d: Deriver, kasme: bytes, sync_input: bytes, sync_name: str) -> bytes:
        name = "NH" if sync_name == "NH" else "KgNB"  # the initial KgNB for NH(1)
        return d.kdf("NH", "TS 33.501 A.10", secret("KAMF", kasme), FC_NH,
                     secret(name, sync_input))

    def kenb_star(self, d: Deriver, key: bytes, key_name: str, target: Cell) -> bytes:
        name = "NH" if key_name == "NH" else "KgNB"
        return d.kdf("KgNB*", "TS 33.501 A.11", secret(name, key), FC_KGNB_STAR,
                     public("PCI", target.pci.to_bytes(2, "big")),
                     public("ARFCN-DL", target.earfcn_dl.to_bytes(3, "big")))

    def as_keys(self, d: Deriver, kenb: bytes, ncc: int | None) -> AsKeys:
        def key(name: str, distinguisher: int, algorithm: int) -> bytes:
            return d.algorithm_key(name, kenb, "KgNB", distinguisher, algorithm,
                                   FC_ALGORITHM_KEY, "TS 33.501 A.8")

        return AsKeys(kenb, ncc, key("KRRCint", N_RRC_INT, NIA2),
                      key("KRRCenc", N_RRC_ENC, NEA2), key("KUPenc", N_UP_ENC, NEA2))


VARIANT = N2()
