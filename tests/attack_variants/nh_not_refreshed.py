"""TS 33.401, but the MME's next NH is the NH it holds: the NCC advances (7.2.8.4.3) and the
NH does not, so one NH is sent with several NCCs.

Source: reviewer 18's nh_not_refreshed.py (/work/briefs/r18/variants/), as received but for
layout."""

from dataclasses import dataclass

from hoverify.statemachines.variant import NhChain
from hoverify.statemachines.variants.ts33401 import Ts33401


@dataclass(frozen=True)
class NhNotRefreshed(Ts33401):
    name: str = "r18-nh-not-refreshed"

    def next_nh(self, d, kasme, chain):  # type: ignore[no-untyped-def]
        return NhChain(chain.value, chain.derivations + 1)


VARIANT = NhNotRefreshed()
