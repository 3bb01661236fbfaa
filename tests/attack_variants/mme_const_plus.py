"""From the reviewer (/work/briefs/mme_const_plus.py), imports sorted. The design mistake:
seed-fs, but the target MME derives KeNB*+ from K_HO alone, KeNB*+ = KDF(K_HO, 0xF3, const),
dropping KeNB* (section 3 step 4 mixes both): the same KeNB*+ on every S1 hop of a KASME. An
eNB that was the target of one S1 hop holds it and derives the KeNB of every later S1 hop,
breaking the 1-hop forward security seed-fs promises there (section 3), however many X2 hops
lie between (tests/test_claims.py)."""
from dataclasses import dataclass

from hoverify.statemachines.derivation import public, secret
from hoverify.statemachines.variants.seed_fs import CLAUSE, FC_KENB_STAR_PLUS, SeedFs


@dataclass(frozen=True)
class MmeConstPlus(SeedFs):
    name: str = "r11-mme-const-plus"
    def kenb_star_plus(self, d, kasme, kenb_star):  # type: ignore[no-untyped-def]
        return d.kdf("KeNB*+", CLAUSE, secret("K_HO", self.k_ho(d, kasme)),
                     FC_KENB_STAR_PLUS, public("const", b"x"))

VARIANT = MmeConstPlus()
