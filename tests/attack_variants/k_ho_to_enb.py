"""From the reviewer (/work/briefs/k_ho_to_enb.py), imports sorted. The design mistake:
seed-fs with section 4's "delegation" read as the target MME handing K_HO to the target eNB
beside KeNB*, the target eNB deriving KeNB*+ itself. An eNB that was a target once keeps
K_HO (one per KASME) and derives KeNB*+ of every later S1 hop: KeNB*+[hop 4] = KDF(K_HO[hop 1],
...). On s1,x2,x2,s1-inter enb-4, the target of hop 1, derives the KeNB of the S1 hop 4,
which seed-fs promises 1-hop forward security for (section 3: "KeNB*+ mixes in K_HO, which
only the MMEs and the UE hold"): that promise is broken, although nothing is promised for the
X2 hop 2 that took the UE away from enb-4 (tests/test_claims.py)."""
from dataclasses import dataclass

from hoverify.statemachines.derivation import secret
from hoverify.statemachines.variant import field_value
from hoverify.statemachines.variants.seed_fs import CLAUSE, FC_KENB_STAR_PLUS, SeedFs


@dataclass(frozen=True)
class KHoToEnb(SeedFs):
    name: str = "r11-k-ho-to-enb"
    field_names: tuple = ("K_HO",)
    def target_mme(self, d, mme, hop, fields):  # type: ignore[no-untyped-def]
        return ((("KeNB*", field_value(fields, "KeNB*")), ("K_HO", self.k_ho(d, mme.kasme))),
                (("notification bit", 1),))
    def target_enb(self, d, fields, target, c_rnti, hop):  # type: ignore[no-untyped-def]
        k = field_value(fields, "K_HO", None)
        if k is None:
            return super().target_enb(d, fields, target, c_rnti, hop)
        plus = d.kdf("KeNB*+", CLAUSE, secret("K_HO", k), FC_KENB_STAR_PLUS,
                     secret("KeNB*", field_value(fields, "KeNB*")))
        return self.kenb_from(d, plus, "KeNB*+", c_rnti), None, ()

VARIANT = KHoToEnb()
