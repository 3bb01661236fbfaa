"""The seed's proposal with the initial KeNB derived from K_HO (KDF(K_HO, FC 0x11, uplink NAS
COUNT)) instead of from KASME (TS 33.401 A.3): a delegated K_HO then reveals every KeNB, which
the seed (section 4) says delegating it does not ("without potential of compromising any of
the other keys"). From helper-158's review."""

from dataclasses import dataclass

from hoverify.statemachines.derivation import public, secret
from hoverify.statemachines.variants.seed_fs import SeedFs


@dataclass(frozen=True)
class InitialKenbFromKho(SeedFs):
    name: str = "broken-initial-kenb-from-k-ho"

    def initial_kenb(self, d, kasme, ul_nas_count):  # type: ignore[no-untyped-def]
        return d.kdf("KeNB", "broken: A.3 keyed with K_HO", secret("K_HO", self.k_ho(d, kasme)),
                     0x11, public("uplink NAS COUNT", ul_nas_count.to_bytes(4, "big")))


VARIANT = InitialKenbFromKho()
