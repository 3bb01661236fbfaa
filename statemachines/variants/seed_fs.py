"""``seed-fs``: the forward-secure key refresh proposed in the SA3 contribution (section 3).

Equations (FC values chosen by hoverify, as for ``tr33821-v070``):
  K_HO      = KDF(KASME, 0xF2, "Handover String")      "KDF(KASME || "Handover String")"
  KeNB*+    = KDF(K_HO, 0xF3, KeNB*)                    "KDF(KDF(KASME || ...) || KeNB*)"
  KeNB_new  = KDF(KeNB*+, 0xF1, C-RNTI)                 as section 2, with KeNB*+ for KeNB*

Flow: as ``tr33821-v070`` (this module only overrides it), except on handovers through the
MME (s1, s1-inter): the target MME replaces KeNB* by KeNB*+ in S1AP HandoverRequest (the
target eNB cannot tell them apart, section 3 step 5), and sets a notification bit telling the
UE to derive KeNB*+ too (steps 6-8). X2 and intra-eNB hops keep the section-2 derivation.

The bit's placement is the parameter ``bit_placement``:
  nas     (default) in the NAS part of the HO command, under NAS-MAC (step 7);
  alg-id  in the RRC algorithm identifiers, written by the source eNB under its RRC keys;
  c-rnti  in the C-RNTI field, likewise written by the source eNB (the seed leaves the
          choice "FFS"): the most significant bit of the 16-bit field (TS 36.331
          newUE-Identity), the identity in the 15 others, so eNBs allocate 0x0001-0x7FFF.
          "KDF(KeNB*+ || C-RNTI)" takes the C-RNTI the target eNB allocated, without the
          bit: the target eNB uses KeNB*+ as it would KeNB* ("look the same and are used
          identically", section 3 step 5) and knows nothing of the bit, which the MME and
          the source eNB add after it (steps 6 and 7); the UE reads both from the field.

The constant: section 3 writes "Handover String" in the equation and calls it a constant;
section 4 writes KDF(KASME || "Handover Key") when naming the resulting key. hoverify takes
the section-3 string, the one the procedure uses, and calls the key K_HO.

How it differs from ``ts33401``: no NH/NCC chain; freshness on S1 comes from KASME through
K_HO (one derivation per hop instead of NH chaining), signalled by one bit instead of NCC;
X2 hops get no refresh at all (no Path Switch key material).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hoverify.statemachines.derivation import Deriver, public, secret
from hoverify.statemachines.messages import Fields
from hoverify.statemachines.topology import Cell, HopType
from hoverify.statemachines.variant import MmeKeys, NhChain, Promise, UeKeys, field_value
from hoverify.statemachines.variants.tr33821_v070 import CLAUSE as TR_CLAUSE
from hoverify.statemachines.variants.tr33821_v070 import Tr33821V070

FC_K_HO = 0xF2
FC_KENB_STAR_PLUS = 0xF3
HANDOVER_STRING = b"Handover String"
CLAUSE = "SA3 contribution, section 3 step 4"
BIT_PLACEMENTS = ("nas", "alg-id", "c-rnti")
THROUGH_MME = frozenset({HopType.S1, HopType.S1_INTER})
NOTIFICATION_MSB = 0x8000  # c-rnti: the most significant bit of the 16-bit C-RNTI


@dataclass(frozen=True)
class SeedFs(Tr33821V070):
    name: str = "seed-fs"
    title: str = "SA3 proposal: KeNB*+ = KDF(KDF(KASME || \"Handover String\") || KeNB*)"
    specs: str = "SA3 contribution sections 3-4, on top of " + TR_CLAUSE
    parameters: dict[str, str] = field(default_factory=lambda: {"bit_placement": "nas"})

    def __post_init__(self) -> None:
        placement = self.parameters.get("bit_placement")
        if placement not in BIT_PLACEMENTS:
            raise ValueError(f"bit_placement must be one of {', '.join(BIT_PLACEMENTS)}, "
                             f"got {placement!r}")

    def promises(self) -> tuple[Promise, ...]:
        return (
            *super().promises(),
            Promise("forward-security", THROUGH_MME, hops=1,
                    why="section 3: KeNB*+ mixes in K_HO, which only the MMEs and the UE hold"),
            Promise("downgrade-resistance", THROUGH_MME,
                    why="section 3 step 8: the UE derives KeNB*+ when the bit says so"),
            Promise("confinement", THROUGH_MME,  # K_HO exists only where an MME takes part
                    why="section 4: K_HO reveals no other key"),
        )

    def delegated_keys(self) -> tuple[str, ...]:
        return ("K_HO",)  # section 4: "delegation ... without potential of compromising"

    def c_rnti_max(self) -> int:
        if self.parameters["bit_placement"] == "c-rnti":
            return NOTIFICATION_MSB - 1
        return super().c_rnti_max()

    def k_ho(self, d: Deriver, kasme: bytes) -> bytes:
        return d.kdf("K_HO", CLAUSE, secret("KASME", kasme), FC_K_HO,
                     public("Handover String", HANDOVER_STRING))

    def kenb_star_plus(self, d: Deriver, kasme: bytes, kenb_star: bytes) -> bytes:
        return d.kdf("KeNB*+", CLAUSE, secret("K_HO", self.k_ho(d, kasme)),
                     FC_KENB_STAR_PLUS, secret("KeNB*", kenb_star))

    def target_mme(self, d: Deriver, mme: MmeKeys, hop: HopType,
                   fields: Fields) -> tuple[Fields, Fields]:
        kenb_star_plus = self.kenb_star_plus(d, mme.kasme, field_value(fields, "KeNB*"))
        # Step 5: the target eNB receives KeNB*+ in the IE that carries KeNB*.
        return (("KeNB*", kenb_star_plus),), (("notification bit", 1),)

    def command_fields(self) -> tuple[tuple[str, tuple[object, ...]], ...]:
        # section 3 steps 6-8: the notification bit, set or not, is all the seed adds to
        # the TR's HO command
        return (*super().command_fields(), ("notification bit", (0, 1)))

    def ue(self, d: Deriver, ue: UeKeys, command: Fields, source: Cell, target: Cell,
           c_rnti: int) -> tuple[bytes, int | None, NhChain | None]:
        if field_value(command, "notification bit", 0) != 1:
            return super().ue(d, ue, command, source, target, c_rnti)
        kenb_star = self.kenb_star(d, ue.as_keys.kenb, target)  # step 8
        kenb_star_plus = self.kenb_star_plus(d, ue.kasme, kenb_star)
        return self.kenb_from(d, kenb_star_plus, "KeNB*+", c_rnti), None, ue.chain

    def ue_fields_under_nas_mac(self) -> bool:
        return self.parameters["bit_placement"] == "nas"
