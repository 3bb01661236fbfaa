"""TS 33.401, but on S1 the NH sent with the (correctly advanced) NCC is derived from KASME and
the target cell identity the source eNB names in HandoverRequired, not chained:
NH' = KDF(KASME, 0x12, PCI || EARFCN-DL). A UE returning to a cell by S1 gets the KeNB it had
there before, and its PDCP COUNTs restart under the same keys.

Source: reviewer 8's ts_per_cell_nh2.py (/tmp/review8/v/), as received but for layout."""

from dataclasses import dataclass

from hoverify.statemachines.crypto import FC_NH
from hoverify.statemachines.derivation import public, secret
from hoverify.statemachines.variant import field_value
from hoverify.statemachines.variants.ts33401 import THROUGH_MME, Ts33401

CELL = "target cell id"


def cell_id(target):  # type: ignore[no-untyped-def]
    return target.pci.to_bytes(2, "big") + target.earfcn_dl.to_bytes(3, "big")


@dataclass(frozen=True)
class PerCell(Ts33401):
    name: str = "r8-per-cell-nh2"
    field_names = (CELL, "S1")

    def per_cell(self, d, kasme, cid):  # type: ignore[no-untyped-def]
        return d.kdf("NH", "per-cell NH", secret("KASME", kasme), FC_NH, public(CELL, cid))

    def source_enb(self, d, keys, target, hop):  # type: ignore[no-untyped-def]
        if hop in THROUGH_MME:
            return keys, ((CELL, cell_id(target)),)
        return super().source_enb(d, keys, target, hop)

    def source_mme(self, d, mme, hop, fields):  # type: ignore[no-untyped-def]
        mme, sent = self.fresh_next_hop(d, mme)
        return mme, (("NH", self.per_cell(d, mme.kasme, field_value(fields, CELL))),
                     ("NCC", field_value(sent, "NCC")))

    def ue(self, d, ue, command, source, target, c_rnti):  # type: ignore[no-untyped-def]
        ncc = field_value(command, "NCC")
        if ncc == ue.as_keys.ncc or not field_value(command, "S1", False):
            return super().ue(d, ue, command, source, target, c_rnti)
        chain = self.ue_catch_up(d, ue, ncc)
        nh = self.per_cell(d, ue.kasme, cell_id(target))
        return self.kenb_star(d, nh, "NH", target), ncc, chain

    def target_enb(self, d, fields, target, c_rnti, hop):  # type: ignore[no-untyped-def]
        kenb, ncc, out = super().target_enb(d, fields, target, c_rnti, hop)
        return kenb, ncc, (*out, ("S1", hop in THROUGH_MME))


VARIANT = PerCell()
