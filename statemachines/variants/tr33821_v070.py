"""``tr33821-v070``: key refresh on handover of TR 33.821 v0.7.0 (the seed's section 2).

Equations (the TR fixes no FC values; hoverify uses 0xF0/0xF1, outside the ranges of
TS 33.401 (0x10-0x1F) and TS 33.501 (0x69-0x85), so no key can collide with a real one):
  KeNB*     = KDF(KeNB, 0xF0, target PCI)              "one way hash over the current KeNB
                                                        and the physical cell ID"
  KeNB_new  = KDF(KeNB*, 0xF1, C-RNTI)                 "KDF(KeNB* || C-RNTI)", C-RNTI the
                                                        new one chosen by the target eNB

Flow: the same derivation on every hop type. The source eNB sends KeNB* to the target: over
X2 (X2AP HandoverRequest), or on S1 in HandoverRequired, passed unchanged by the MME(s)
(inter-MME: GTPv2 ForwardRelocationRequest) to the target eNB in HandoverRequest. The target
eNB derives KeNB_new with the C-RNTI it allocates, which reaches the UE in the HO command.

How it differs from ``ts33401``: no NH, no NCC, no refresh from KASME: the next KeNB depends
only on the current KeNB and public values (PCI, C-RNTI), so whoever holds a KeNB can follow
every later one. The seed's point; the harness has to find it, nothing here says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from hoverify.statemachines.derivation import Deriver, public, secret
from hoverify.statemachines.messages import Fields
from hoverify.statemachines.topology import Cell, HopType
from hoverify.statemachines.variant import (
    EnbKeys,
    KeySchedule,
    MmeKeys,
    NhChain,
    Promise,
    UeKeys,
    authentication_promises,
    field_value,
)

FC_KENB_STAR = 0xF0
FC_KENB = 0xF1
CLAUSE = "TR 33.821 v0.7.0 (seed section 2)"


@dataclass(frozen=True)
class Tr33821V070(KeySchedule):
    name: str = "tr33821-v070"
    title: str = "TR 33.821 v0.7.0: KeNB* = hash(KeNB, PCI), KeNB = KDF(KeNB* || C-RNTI)"
    specs: str = "TR 33.821 v0.7.0 7.4 as summarised in the SA3 contribution, section 2"

    def promises(self) -> tuple[Promise, ...]:
        return (
            Promise("key-agreement"),
            Promise("key-secrecy", why="KeNB* and KeNB_new are derived from KeNB, which "
                                       "rests on KASME"),
            Promise("backward-security", why="KeNB* and KeNB_new are one-way functions"),
            # the TR binds the PCI, not the EARFCN-DL, which TS 33.401 A.5 added later
            Promise("key-separation", binds=frozenset({"PCI"}),
                    # the C-RNTI that KeNB_new also takes is no cell identity, and no
                    # modelled handover derives twice from one KeNB* (review14)
                    why="KeNB* binds the target's PCI"),
            *authentication_promises(
                "as TS 33.401: RRC integrity (HO confirm under the target's KRRCint, bound to "
                "the C-RNTI through KeNB_new) and NDS/IP on S1/X2 (TS 33.210)"),
        )

    # -- derivations shared by every party ---------------------------------------------
    def kenb_star(self, d: Deriver, kenb: bytes, target: Cell) -> bytes:
        return d.kdf("KeNB*", CLAUSE, secret("KeNB", kenb), FC_KENB_STAR,
                     public("PCI", target.pci.to_bytes(2, "big")))

    def kenb_from(self, d: Deriver, key: bytes, key_name: str, c_rnti: int) -> bytes:
        return d.kdf("KeNB", CLAUSE, secret(key_name, key), FC_KENB,
                     public("C-RNTI", c_rnti.to_bytes(2, "big")))

    # -- the procedure -------------------------------------------------------------------
    def source_enb(self, d: Deriver, keys: EnbKeys, target: Cell,
                   hop: HopType) -> tuple[EnbKeys, Fields]:
        return keys, (("KeNB*", self.kenb_star(d, keys.as_keys.kenb, target)),)

    def source_mme(self, d: Deriver, mme: MmeKeys, hop: HopType,
                   fields: Fields) -> tuple[MmeKeys, Fields]:
        return mme, fields

    def target_mme(self, d: Deriver, mme: MmeKeys, hop: HopType,
                   fields: Fields) -> tuple[Fields, Fields]:
        return fields, ()

    def target_enb(self, d: Deriver, fields: Fields, target: Cell, c_rnti: int,
                   hop: HopType) -> tuple[bytes, int | None, Fields]:
        return self.kenb_from(d, field_value(fields, "KeNB*"), "KeNB*", c_rnti), None, ()

    def ue(self, d: Deriver, ue: UeKeys, command: Fields, source: Cell, target: Cell,
           c_rnti: int) -> tuple[bytes, int | None, NhChain | None]:
        kenb_star = self.kenb_star(d, ue.as_keys.kenb, target)
        return self.kenb_from(d, kenb_star, "KeNB*", c_rnti), None, ue.chain

    def path_switch(self, d: Deriver, mme: MmeKeys) -> tuple[MmeKeys, Fields]:
        return mme, ()

    def path_switch_acknowledged(self, keys: EnbKeys, fields: Fields) -> EnbKeys:
        return keys
