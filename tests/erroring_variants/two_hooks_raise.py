"""A reviewer's variant with two bugs in two hooks: ``source_mme`` has a NameError (called on
S1 hops only, TS 33.401 7.2.8.4.3) and ``source_enb`` a ZeroDivisionError on intra-eNB hops
(TS 33.401 7.2.8.4.1). The dry run meets both, on different hops; every command reports both,
whatever its own hops, as the one finding variant-error (exit 1)."""

from dataclasses import dataclass

from hoverify.statemachines.topology import HopType
from hoverify.statemachines.variants.ts33401 import Ts33401


@dataclass(frozen=True)
class TwoHooksRaise(Ts33401):
    name: str = "two-hooks-raise"

    def source_mme(self, d, mme, hop, fields):  # type: ignore[no-untyped-def]
        return self.fresh_next_hop(d, mmee)  # noqa: F821 (the reviewer's typo)

    def source_enb(self, d, keys, target, hop):  # type: ignore[no-untyped-def]
        if hop is HopType.INTRA_ENB:
            return 1 / 0  # the reviewer's placeholder
        return super().source_enb(d, keys, target, hop)


VARIANT = TwoHooksRaise()
