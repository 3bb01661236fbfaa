"""review19's strawman: TS 33.401 promising 1-hop forward security on X2 hops, its key
schedule unchanged. The flaw: the X2 source derives KeNB* horizontally from its own KeNB
(TS 33.401 7.2.8.4.2), so it derives the next KeNB, which breaks the promise."""
from dataclasses import dataclass

from hoverify.statemachines.variant import Promise
from hoverify.statemachines.variants.ts33401 import NOT_THROUGH_MME, Ts33401


@dataclass(frozen=True)
class X2OneHop(Ts33401):
    name: str = "x2-one-hop"
    title: str = "TS 33.401 claiming 1-hop forward security on X2"
    specs: str = "reviewer's strawman"

    def promises(self) -> tuple[Promise, ...]:
        kept = tuple(p for p in super().promises()
                     if not (p.claim == "forward-security" and p.hop_types == NOT_THROUGH_MME))
        return (*kept, Promise("forward-security", NOT_THROUGH_MME, hops=1,
                               why="strawman: the X2 source derives KeNB* horizontally"))


VARIANT = X2OneHop()
