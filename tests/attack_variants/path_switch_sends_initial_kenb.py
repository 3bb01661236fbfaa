"""TS 33.401, but the MME's Path Switch Request Acknowledge also carries the initial KeNB
(TS 33.401 A.3, recomputed from KASME) beside {NH, NCC}: a probe for backward security around
a UE that comes back (docs/limits.md). The design mistake: a key another eNB used travels to
an eNB that serves the UE later; the eNB takes {NH, NCC} as TS 33.401 7.2.8.4.2 says and
ignores the extra field, so its keys and every other claim are as in `ts33401`.

An eNB the UE comes back to by X2 learns, from the acknowledgement of its return, the initial
KeNB and so every KeNB* derived from it horizontally (the KeNB of the next hop): TS 33.501
3.1's backward security fails (the eNB that knows its KeNB computes an earlier KeNB used with
another eNB), whatever the eNB could have derived while it was the former source. The KeNB
recomputed is that of uplink NAS COUNT 0, the count `check` and `verify` run with."""

from dataclasses import dataclass

from hoverify.statemachines.variants.ts33401 import Ts33401

INITIAL_KENB = "initial KeNB"


@dataclass(frozen=True)
class PathSwitchSendsInitialKenb(Ts33401):
    name: str = "probe-path-switch-sends-initial-kenb"
    field_names = (INITIAL_KENB,)

    def path_switch(self, d, mme):  # type: ignore[no-untyped-def]
        kept, fields = super().path_switch(d, mme)
        return kept, (*fields, (INITIAL_KENB, self.initial_kenb(d, mme.kasme, 0)))


VARIANT = PathSwitchSendsInitialKenb()
