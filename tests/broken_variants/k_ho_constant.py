"""The seed's proposal with K_HO replaced by a constant: KeNB*+ no longer depends on KASME,
so forward security through the MME is lost."""

from dataclasses import dataclass

from hoverify.statemachines.derivation import public
from hoverify.statemachines.variants.seed_fs import FC_K_HO, SeedFs


@dataclass(frozen=True)
class KhoConstant(SeedFs):
    name: str = "broken-k-ho-constant"

    def k_ho(self, d, kasme):  # type: ignore[no-untyped-def]
        return d.kdf("K_HO", "broken: constant", public("constant", bytes(32)), FC_K_HO)


VARIANT = KhoConstant()
