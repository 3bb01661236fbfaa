# Copied from a reviewer's files, /tmp/review22/crnti_fs.py (review22, replay21): the variant
# whose finding tests/data/review22/crnti-fs-forward-security.json is; tests/test_replay_now.py
# weakens its promise as the reviewer did.
"""``crnti-fs``: a delegate's proposal: after KeNB* (A.5) the target eNB and the UE mix in
the fresh C-RNTI the target allocates, KeNB = KDF(KeNB*, 0x7A, C-RNTI), claimed to give
1-hop forward security on every hop type (the "fresh" C-RNTI as a nonce)."""

from __future__ import annotations

from dataclasses import dataclass

from hoverify.statemachines.derivation import Deriver, public, secret
from hoverify.statemachines.messages import Fields
from hoverify.statemachines.topology import Cell, HopType
from hoverify.statemachines.variant import NhChain, Promise, UeKeys
from hoverify.statemachines.variants.ts33401 import Ts33401

FC_FRESH = 0x7A


@dataclass(frozen=True)
class CrntiFs(Ts33401):
    name: str = "crnti-fs"
    title: str = "KeNB = KDF(KeNB*, C-RNTI): 1-hop forward security everywhere (claimed)"
    specs: str = "TS 33.401 7.2.8 plus a fresh-C-RNTI step"

    def promises(self) -> tuple[Promise, ...]:
        kept = tuple(p for p in super().promises() if p.claim != "forward-security")
        return (*kept, Promise("forward-security", hops=1,
                               why="the target's fresh C-RNTI enters every KeNB"))

    def fresh(self, d: Deriver, kenb_star: bytes, c_rnti: int) -> bytes:
        return d.kdf("KeNB", "proposal", secret("KeNB*", kenb_star), FC_FRESH,
                     public("C-RNTI", c_rnti.to_bytes(2, "big")))

    def target_enb(self, d: Deriver, fields: Fields, target: Cell, c_rnti: int,
                   hop: HopType) -> tuple[bytes, int | None, Fields]:
        kenb, ncc, out = super().target_enb(d, fields, target, c_rnti, hop)
        return self.fresh(d, kenb, c_rnti), ncc, out

    def ue(self, d: Deriver, ue: UeKeys, command: Fields, source: Cell, target: Cell,
           c_rnti: int) -> tuple[bytes, int | None, NhChain | None]:
        kenb, ncc, chain = super().ue(d, ue, command, source, target, c_rnti)
        return self.fresh(d, kenb, c_rnti), ncc, chain


VARIANT = CrntiFs()
