"""The seed's proposal with K_HO derived as TS 33.401 A.3 derives the initial KeNB (FC 0x11,
uplink NAS COUNT 0) instead of from the "Handover String": a delegated K_HO is then the UE's
first KeNB. The seed (section 4) delegates K_HO "without potential of compromising any of the
other keys"; this one compromises the initial KeNB, a sibling key derived from KASME."""

from dataclasses import dataclass

from hoverify.statemachines.derivation import public, secret
from hoverify.statemachines.variants.seed_fs import SeedFs


@dataclass(frozen=True)
class KhoIsTheInitialKenb(SeedFs):
    name: str = "broken-k-ho-is-the-initial-kenb"

    def k_ho(self, d, kasme):  # type: ignore[no-untyped-def]
        return d.kdf("K_HO", "broken: TS 33.401 A.3 reused", secret("KASME", kasme), 0x11,
                     public("uplink NAS COUNT", bytes(4)))


VARIANT = KhoIsTheInitialKenb()
