"""No {NH, NCC} in the Path Switch Request Acknowledge: X2 handovers never refresh the key,
so the two-hop forward security promised for X2 is lost."""

from dataclasses import dataclass

from hoverify.statemachines.variants.ts33401 import Ts33401


@dataclass(frozen=True)
class NoPathSwitchRefresh(Ts33401):
    name: str = "broken-no-path-switch-refresh"

    def path_switch(self, d, mme):  # type: ignore[no-untyped-def]
        return mme, ()

    def path_switch_acknowledged(self, keys, fields):  # type: ignore[no-untyped-def]
        return keys


VARIANT = NoPathSwitchRefresh()
