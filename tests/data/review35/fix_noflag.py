"""The fix: no derivation-mode flag at all; seed-fs as is."""
from dataclasses import dataclass

from hoverify.statemachines.variants.seed_fs import SeedFs


@dataclass(frozen=True)
class FixNoFlag(SeedFs):
    name: str = "fix-noflag"


VARIANT = FixNoFlag()
