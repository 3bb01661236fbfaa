"""ts33401 with every assumption dropped from its promises: what the harness must report as a
broken promise where the built-in variant's failure is outside its promise."""

from __future__ import annotations

from dataclasses import dataclass, replace

from hoverify.statemachines.variant import Promise
from hoverify.statemachines.variants.ts33401 import Ts33401


@dataclass(frozen=True)
class AssumingNothing(Ts33401):
    name: str = "ts33401-assuming-nothing"

    def promises(self) -> tuple[Promise, ...]:
        return tuple(replace(p, assumes=frozenset()) for p in super().promises())
