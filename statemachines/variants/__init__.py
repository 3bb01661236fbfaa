"""The built-in key-derivation variants, by name."""

from __future__ import annotations

from hoverify.statemachines.names import did_you_mean
from hoverify.statemachines.variant import KeySchedule
from hoverify.statemachines.variants.seed_fs import BIT_PLACEMENTS, SeedFs
from hoverify.statemachines.variants.tr33821_v070 import Tr33821V070
from hoverify.statemachines.variants.ts33401 import Ts33401

BUILT_IN: dict[str, type[KeySchedule]] = {
    "tr33821-v070": Tr33821V070,
    "seed-fs": SeedFs,
    "ts33401": Ts33401,
}


def load(name: str, bit_placement: str | None = None) -> KeySchedule:
    """A built-in variant by name; ``bit_placement`` applies to ``seed-fs`` only."""
    if name not in BUILT_IN:
        raise ValueError(f"unknown variant {name!r} (built in: {', '.join(BUILT_IN)})"
                         f"{did_you_mean(BUILT_IN, name)}")
    if name == "seed-fs":
        return SeedFs(parameters={"bit_placement": bit_placement or "nas"})
    if bit_placement is not None:
        raise ValueError(f"--bit-placement applies to seed-fs only, not to {name}")
    return BUILT_IN[name]()


__all__ = ["BIT_PLACEMENTS", "BUILT_IN", "load"]
