"""TS 33.401, but on X2 the source eNB also sends its own KeNB beside the KeNB* (a probe for
backward security around a UE that comes back, docs/limits.md): the target learns the KeNB
used just before its own. The KeNB* and everything derived from it are TS 33.401's, so the
target, its keys and every other claim are as in `ts33401`.

A UE that comes back to an eNB by X2 hands it the KeNB of the hop it spent away from it: TS
33.501 3.1's backward security (the eNB that knows its KeNB computes an earlier KeNB used
with another eNB) fails, whatever the eNB could derive while it was the former source."""

from dataclasses import dataclass

from hoverify.statemachines.variants.ts33401 import NOT_THROUGH_MME, Ts33401

SOURCE_KENB = "source KeNB"


@dataclass(frozen=True)
class X2SourceSendsOwnKenb(Ts33401):
    name: str = "probe-x2-source-sends-own-kenb"
    field_names = (SOURCE_KENB,)

    def source_enb(self, d, keys, target, hop):  # type: ignore[no-untyped-def]
        kept, fields = super().source_enb(d, keys, target, hop)
        if hop in NOT_THROUGH_MME:
            return kept, (*fields, (SOURCE_KENB, keys.as_keys.kenb))
        return kept, fields


VARIANT = X2SourceSendsOwnKenb()
