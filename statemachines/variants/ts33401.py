"""``ts33401``: the final standard, TS 33.401 7.2.8 (key handling in handover).

Equations (TS 33.401 Annex A):
  KeNB   = KDF(KASME, 0x11, UL NAS COUNT)                       A.3  (initial, NCC 0)
  NH     = KDF(KASME, 0x12, SYNC-input)                         A.4  (SYNC-input: initial
                                                                      KeNB, then previous NH)
  KeNB*  = KDF(KeNB or NH, 0x13, PCI, EARFCN-DL)                 A.5  (horizontal / vertical)

The NH/NCC chain, all of it in the section "the NH/NCC chain" below (NH(n) is the n-th NH
derived from KASME; its NCC is n mod 8):
  set-up         MME and UE: the initial KeNB has a virtual NH with NCC 0; both derive
                 NH(1) = KDF(KASME, initial KeNB) with NCC 1 and keep it. It is not sent
                 at initial context setup (7.2.8.1.1).
  s1, s1-inter,  before every S1AP HandoverRequest (inter-MME: the source MME, which sends
  path switch    the pair to the target MME in the S10 MM context) and every Path Switch
                 Request Acknowledge, the MME increments NCC and derives a fresh
                 NH(n+1) = KDF(KASME, NH(n)) (7.2.8.4.3, 7.2.8.4.2). So the first of
                 them carries NH(2) with NCC 2, and NCC wraps 7 -> 0 at NH(8).
  UE             NCC in the HO command equal to its KeNB's NCC: horizontal; otherwise it
                 iterates A.4 from its kept NH until the NCCs match, then derives KeNB*
                 vertically from that NH (7.2.8.4.3).
  target MME     receives {NH, NCC} but not n: it counts the smallest n the source MME can
                 have sent (TS 29.274 8.38 carries NCC only).

Flows:
  x2, intra-eNB  source eNB: KeNB* vertically from an unused {NH, NCC}, else horizontally
                 from its KeNB; {KeNB*, NCC} to the target (X2AP AS-SecurityInformation),
                 which uses KeNB* as its KeNB. After x2 the MME refreshes {NH, NCC} in the
                 Path Switch Request Acknowledge, kept by the eNB for the next handover.
  s1, s1-inter   {NH, NCC} from the (source) MME reach the target eNB in S1AP
                 HandoverRequest (SecurityContext), which derives KeNB* vertically and uses
                 it as KeNB.

open5gs, srsRAN and OpenAirInterface number the chain the same way (``tests/test_model.py``
says where). This module is the reference the other variants state their differences against.
"""

from __future__ import annotations

from dataclasses import dataclass

from hoverify.statemachines.derivation import Deriver
from hoverify.statemachines.messages import Fields
from hoverify.statemachines.topology import Cell, HopType
from hoverify.statemachines.variant import (
    NCC_MODULUS,
    PATH_SWITCH_FIRST,
    EnbKeys,
    KeySchedule,
    MmeKeys,
    NhChain,
    Promise,
    UeKeys,
    authentication_promises,
    field_value,
)

THROUGH_MME = frozenset({HopType.S1, HopType.S1_INTER})
NOT_THROUGH_MME = frozenset({HopType.X2, HopType.INTRA_ENB})


@dataclass(frozen=True)
class Ts33401(KeySchedule):
    name: str = "ts33401"
    title: str = "TS 33.401: NH/NCC chaining, horizontal and vertical KeNB*"
    specs: str = "TS 33.401 7.2.8 and Annex A; TS 23.401 5.5.1"

    def promises(self) -> tuple[Promise, ...]:
        return (
            Promise("key-agreement"),
            Promise("key-secrecy", why="KeNB, NH and the AS keys rest on KASME (A.3, A.4, "
                                       "A.5, A.7), which the MME and the UE alone hold"),
            Promise("backward-security", why="KeNB* is a one-way function of KeNB or NH"),
            Promise("forward-security", THROUGH_MME, hops=1,
                    why="TS 33.401 7.2.8.4.3: fresh NH from KASME on every S1 handover"),
            Promise("forward-security", NOT_THROUGH_MME, hops=2,
                    why="TS 33.401 7.2.8.4.2: the NH of the Path Switch Ack is used one "
                        "handover later",
                    assumes=frozenset({PATH_SWITCH_FIRST})),
            Promise("key-separation"),
            *authentication_promises(
                "the HO confirm is integrity protected with the target's KRRCint (TS 36.331 "
                "5.3.5.4, 128-EIA2 over PDCP COUNT: TS 33.401 B.2), the HO command with the "
                "source's; HandoverRequest and {NH, NCC} travel on S1/X2 under NDS/IP "
                "(TS 33.401 11, TS 33.210)"),
        )

    # -- the derivations (a 5G variant overrides them, TS 33.501 A.10/A.11) ----------------
    def nh(self, d: Deriver, kasme: bytes, sync_input: bytes, sync_name: str) -> bytes:
        return d.nh(kasme, sync_input, sync_name)  # A.4

    def kenb_star(self, d: Deriver, key: bytes, key_name: str, target: Cell) -> bytes:
        return d.kenb_star(key, key_name, target.pci, target.earfcn_dl)  # A.5

    # -- the NH/NCC chain (TS 33.401 7.2.8.1.1, 7.2.8.4) -------------------------------------
    def initial_ncc(self) -> int | None:
        return 0  # 7.2.8.1.1: the initial KeNB's virtual NH has NCC 0

    def initial_chain(self, d: Deriver, kasme: bytes, kenb: bytes) -> NhChain:
        # 7.2.8.1.1: "At initial setup, the derived NH value is associated with the NCC
        # value one." MME and UE keep NH(1); the MME does not send it.
        return NhChain(self.nh(d, kasme, kenb, "KeNB"), 1)

    def next_nh(self, d: Deriver, kasme: bytes, chain: NhChain) -> NhChain:
        """NH(n+1) = KDF(KASME, NH(n)) (A.4), its NCC one more (mod 8)."""
        return NhChain(self.nh(d, kasme, chain.value, "NH"), chain.derivations + 1)

    def fresh_next_hop(self, d: Deriver, mme: MmeKeys) -> tuple[MmeKeys, Fields]:
        """The MME before an S1AP HandoverRequest (7.2.8.4.3) or a Path Switch Request
        Acknowledge (7.2.8.4.2): "increase its locally kept NCC value by one and compute a
        fresh NH from its stored data"; the fresh {NH, NCC} is what it sends."""
        assert mme.chain is not None, "the MME keeps an NH chain from AS security set-up"
        chain = self.next_nh(d, mme.kasme, mme.chain)
        return MmeKeys(mme.kasme, chain), (("NH", chain.value), ("NCC", chain.ncc))

    def received_chain(self, nh: bytes, ncc: int) -> NhChain:
        """The target MME's chain from the source MME's {NH, NCC}. The source MME sent a
        fresh NH, NH(2) or later, so NCC 0 or 1 means the chain has wrapped (NH(8), NH(9)
        at least); the true count may be 8, 16, ... more."""
        return NhChain(nh, ncc if ncc >= 2 else ncc + NCC_MODULUS)

    def ue_catch_up(self, d: Deriver, ue: UeKeys, ncc: int) -> NhChain:
        """7.2.8.4.3: the UE "shall first synchronize the locally kept NH parameter by
        computing the function defined in Annex A.4 iteratively (and increasing the NCC
        value until it matches the NCC value received ...)"."""
        assert ue.chain is not None, "the UE keeps an NH chain from AS security set-up"
        chain = ue.chain
        for _ in range((ncc - chain.ncc) % NCC_MODULUS):
            chain = self.next_nh(d, ue.kasme, chain)
        return chain

    # -- the procedure -----------------------------------------------------------------------
    def source_enb(self, d: Deriver, keys: EnbKeys, target: Cell,
                   hop: HopType) -> tuple[EnbKeys, Fields]:
        if hop in THROUGH_MME:
            return keys, ()  # the MME supplies {NH, NCC}; HandoverRequired carries no key
        if keys.next_hop is not None:  # TS 33.401 7.2.8.4.2: vertical
            nh, ncc = keys.next_hop
            kenb_star = self.kenb_star(d, nh, "NH", target)
            return EnbKeys(keys.as_keys, None), (("KeNB*", kenb_star), ("NCC", ncc))
        kenb_star = self.kenb_star(d, keys.as_keys.kenb, "KeNB", target)
        return keys, (("KeNB*", kenb_star), ("NCC", keys.as_keys.ncc))

    def source_mme(self, d: Deriver, mme: MmeKeys, hop: HopType,
                   fields: Fields) -> tuple[MmeKeys, Fields]:
        return self.fresh_next_hop(d, mme)  # TS 33.401 7.2.8.4.3

    def target_mme(self, d: Deriver, mme: MmeKeys, hop: HopType,
                   fields: Fields) -> tuple[Fields, Fields]:
        return fields, ()

    def target_enb(self, d: Deriver, fields: Fields, target: Cell, c_rnti: int,
                   hop: HopType) -> tuple[bytes, int | None, Fields]:
        ncc = field_value(fields, "NCC")
        if hop in THROUGH_MME:  # vertical from the NH of the SecurityContext
            kenb = self.kenb_star(d, field_value(fields, "NH"), "NH", target)
        else:  # the KeNB* of AS-SecurityInformation is the new KeNB
            kenb = field_value(fields, "KeNB*")
        return kenb, ncc, (("NCC", ncc), ("keyChangeIndicator", False))

    def command_fields(self) -> tuple[tuple[str, tuple[object, ...]], ...]:
        # TS 36.331 SecurityConfigHO: keyChangeIndicator, nextHopChainingCount (0..7)
        return (("keyChangeIndicator", (False, True)), ("NCC", tuple(range(NCC_MODULUS))))

    def ue(self, d: Deriver, ue: UeKeys, command: Fields, source: Cell, target: Cell,
           c_rnti: int) -> tuple[bytes, int | None, NhChain | None]:
        ncc = field_value(command, "NCC")
        if ncc == ue.as_keys.ncc:  # TS 33.401 7.2.8.4.3: horizontal
            return self.kenb_star(d, ue.as_keys.kenb, "KeNB", target), ncc, ue.chain
        chain = self.ue_catch_up(d, ue, ncc)  # then vertical from the synchronized NH
        return self.kenb_star(d, chain.value, "NH", target), ncc, chain

    def path_switch(self, d: Deriver, mme: MmeKeys) -> tuple[MmeKeys, Fields]:
        return self.fresh_next_hop(d, mme)  # TS 33.401 7.2.8.4.2

    def path_switch_acknowledged(self, keys: EnbKeys, fields: Fields) -> EnbKeys:
        return EnbKeys(keys.as_keys, (field_value(fields, "NH"), field_value(fields, "NCC")))
