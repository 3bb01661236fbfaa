"""A reviewer's variant whose ``source_mme`` hook has a NameError (a misspelt name), a bug in
the variant: the model calls ``source_mme`` on S1 hops only (TS 33.401 7.2.8.4.3: the source
MME derives the next NH), so a command whose hops are all X2 never calls it. The dry run of
the variant file does (hops s1): every command reports the finding variant-error, exit 1,
whatever its own hops."""

from dataclasses import dataclass

from hoverify.statemachines.variants.ts33401 import Ts33401


@dataclass(frozen=True)
class MmeHookRaisesOnS1(Ts33401):
    name: str = "mme-hook-raises-on-s1"

    def source_mme(self, d, mme, hop, fields):  # type: ignore[no-untyped-def]
        return self.fresh_next_hop(d, mmee)  # noqa: F821 (the reviewer's typo)


VARIANT = MmeHookRaisesOnS1()
