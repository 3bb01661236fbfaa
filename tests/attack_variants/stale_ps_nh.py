"""A reviewer's (broken) proposal: the MME answers a Path Switch Request with the NH it
holds, not a fresh one, but still increments the NCC (saves one KDF).

Source: reviewer 19's stale_ps_nh.py (/work/briefs/r19/), as received but for layout."""

from dataclasses import dataclass

from hoverify.statemachines.derivation import Deriver
from hoverify.statemachines.messages import Fields
from hoverify.statemachines.variant import MmeKeys, NhChain
from hoverify.statemachines.variants.ts33401 import Ts33401


@dataclass(frozen=True)
class StalePathSwitchNh(Ts33401):
    name: str = "stale-ps-nh"
    title: str = "Path Switch Acknowledge carries the MME's current NH, NCC + 1"
    specs: str = "reviewer's strawman"

    def path_switch(self, d: Deriver, mme: MmeKeys) -> tuple[MmeKeys, Fields]:
        assert mme.chain is not None
        chain = NhChain(mme.chain.value, mme.chain.derivations + 1)
        return MmeKeys(mme.kasme, chain), (("NH", chain.value), ("NCC", chain.ncc))


VARIANT = StalePathSwitchNh()
