"""The seed's KeNB*+ without a bit: on S1 hops the MME always applies KeNB*+ and the UE always
derives it, whatever the HO command says. No edit by the source eNB can then put the UE on a
key it derives (fake-cell-capture holds on S1 hops). Only S1 hops work: an X2 target gets no
KeNB*+, so this variant is for S1-only scenarios."""

from dataclasses import dataclass

from hoverify.statemachines.variant import Promise
from hoverify.statemachines.variants.seed_fs import THROUGH_MME, SeedFs


@dataclass(frozen=True)
class AlwaysKHo(SeedFs):
    name: str = "always-k-ho"

    def promises(self):  # type: ignore[no-untyped-def]
        return (Promise("fake-cell-capture", THROUGH_MME),
                Promise("downgrade-resistance", THROUGH_MME))

    def ue(self, d, ue, command, source, target, c_rnti):  # type: ignore[no-untyped-def]
        kenb_star = self.kenb_star(d, ue.as_keys.kenb, target)
        kenb_star_plus = self.kenb_star_plus(d, ue.kasme, kenb_star)
        return self.kenb_from(d, kenb_star_plus, "KeNB*+", c_rnti), None, ue.chain


VARIANT = AlwaysKHo()
