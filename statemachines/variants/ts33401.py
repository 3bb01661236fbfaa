"""``ts33401``: the final standard, TS 33.401 7.2.8 (key handling in handover).

Equations (TS 33.401 Annex A):
  KeNB   = KDF(KASME, 0x11, UL NAS COUNT)                       A.3  (initial, NCC 0)
  NH     = KDF(KASME, 0x12, SYNC-input)                         A.4  (SYNC-input: initial
                                                                      KeNB, then previous NH)
  KeNB*  = KDF(KeNB or NH, 0x13, PCI, EARFCN-DL)                 A.5  (horizontal / vertical)

Flows:
  x2, intra-eNB  source eNB: KeNB* vertically from an unused {NH, NCC}, else horizontally
                 from its KeNB; {KeNB*, NCC} to the target (X2AP AS-SecurityInformation),
                 which uses KeNB* as its KeNB. After x2 the MME refreshes {NH, NCC} in the
                 Path Switch Request Acknowledge, kept by the eNB for the next handover.
  s1, s1-inter   the (source) MME increments NCC and derives a fresh NH; {NH, NCC} reach
                 the target eNB in S1AP HandoverRequest (SecurityContext), which derives
                 KeNB* vertically and uses it as KeNB.
  UE             NCC in the HO command equal to its KeNB's NCC: horizontal; otherwise it
                 advances its NH chain until the NCCs match, then vertical (7.2.8.4.3).

This module is the reference the other variants state their differences against.
"""

from __future__ import annotations

from dataclasses import dataclass

from statemachines.derivation import Deriver
from statemachines.messages import Fields
from statemachines.topology import Cell, HopType
from statemachines.variant import (
    NCC_MODULUS,
    PATH_SWITCH_FIRST,
    EnbKeys,
    KeySchedule,
    MmeKeys,
    NhChain,
    Promise,
    UeKeys,
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
            Promise("backward-security", why="KeNB* is a one-way function of KeNB or NH"),
            Promise("forward-security", THROUGH_MME, hops=1,
                    why="TS 33.401 7.2.8.4.3: fresh NH from KASME on every S1 handover"),
            Promise("forward-security", NOT_THROUGH_MME, hops=2,
                    why="TS 33.401 7.2.8.4.2: the NH of the Path Switch Ack is used one "
                        "handover later",
                    assumes=frozenset({PATH_SWITCH_FIRST})),
            Promise("key-separation"),
        )

    def initial_ncc(self) -> int | None:
        return 0  # TS 33.401 7.2.8.4.1: the initial KeNB has NCC 0

    # -- the two derivations of the chain (a 5G variant overrides them, TS 33.501 A.10/A.11) -
    def next_nh(self, d: Deriver, kasme: bytes, chain: NhChain) -> NhChain:
        return chain.advance(d, kasme)  # A.4: NH = KDF(KASME, SYNC-input), NCC + 1

    def kenb_star(self, d: Deriver, key: bytes, key_name: str, target: Cell) -> bytes:
        return d.kenb_star(key, key_name, target.pci, target.earfcn_dl)  # A.5

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
        assert mme.chain is not None, "an S1 handover needs the MME's NH chain"
        chain = self.next_nh(d, mme.kasme, mme.chain)  # TS 33.401 7.2.8.4.3: fresh NH, NCC + 1
        return MmeKeys(mme.kasme, chain), (("NH", chain.value), ("NCC", chain.ncc))

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

    def ue(self, d: Deriver, ue: UeKeys, command: Fields, target: Cell,
           c_rnti: int) -> tuple[bytes, int | None, NhChain]:
        ncc = field_value(command, "NCC")
        if ncc == ue.as_keys.ncc:  # TS 33.401 7.2.8.4.3: horizontal
            kenb = self.kenb_star(d, ue.as_keys.kenb, "KeNB", target)
            return kenb, ncc, ue.chain
        chain = ue.chain
        for _ in range(NCC_MODULUS):  # NCC catch-up: advance until the NCCs match
            if chain.derivations and chain.ncc == ncc:
                break
            chain = self.next_nh(d, ue.kasme, chain)
        kenb = self.kenb_star(d, chain.value, "NH", target)
        return kenb, ncc, chain

    def path_switch(self, d: Deriver, mme: MmeKeys) -> tuple[MmeKeys, Fields]:
        assert mme.chain is not None, "a path switch needs the MME's NH chain"
        chain = self.next_nh(d, mme.kasme, mme.chain)  # TS 33.401 7.2.8.4.2
        return MmeKeys(mme.kasme, chain), (("NH", chain.value), ("NCC", chain.ncc))

    def path_switch_acknowledged(self, keys: EnbKeys, fields: Fields) -> EnbKeys:
        return EnbKeys(keys.as_keys, (field_value(fields, "NH"), field_value(fields, "NCC")))
