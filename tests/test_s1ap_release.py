"""release28: a late S1AP UE Context Release Command releases only the context it names.

review29 finding 1, rebuilt as named steps (``drive`` of tests/test_mme_releases.py): hop 1,
s1 enb-1 -> enb-3, with its release of enb-1 held; x2 enb-3 -> enb-2; x2 enb-2 -> enb-1
(enb-1, still waiting for hop 1's release, admits the UE into a new context); an intra-eNB
handover enb-1/cell-1 -> cell-2, and hop 1's release reaches enb-1 after its HO command.
What the run must show, from the spec: UE CONTEXT RELEASE COMMAND names the context it
releases by its UE S1AP IDs (TS 36.413 9.1.4.6), and "the eNB identifies the associated UE
based on the eNB UE S1AP ID IE" (3.1); each new UE association has an eNB UE S1AP ID of its
own (8.6.2.1, 9.2.3.4). Hop 1's command names the context enb-1 had when it sent HANDOVER
REQUIRED (9.1.5.1), which it dropped on admitting the UE again, so it releases nothing: the
intra-eNB handover completes in enb-1/cell-2 and no promised claim fails (before: the command took
enb-1 from ho-commanded to idle and key-agreement failed at hop 4). TS 36.413 8.3.3's
UE CONTEXT RELEASE COMPLETE answers a release performed; none was, so the MME's release of
enb-1 stays outstanding (no timers, no ERROR INDICATION in the model: docs/limits.md).
"""

from __future__ import annotations

import pytest
from hoverify.statemachines.messages import Kind
from hoverify.statemachines.system import UE
from test_mme_releases import drive

LATE_RELEASE = [
    ["hold", "S1AP_UE_CONTEXT_RELEASE_COMMAND", 1],
    ["start", "enb-3/cell-1"],
    ["start", "enb-2/cell-1"],
    ["start", "enb-1/cell-1"],
    ["start", "enb-1/cell-2", "RRC_HANDOVER_COMMAND"],
    ["deliver", "S1AP_UE_CONTEXT_RELEASE_COMMAND", 1],
]


@pytest.mark.parametrize("variant", ["ts33401", "tr33821-v070", "seed-fs"])
def test_a_late_release_leaves_the_new_context(variant: str) -> None:
    x = drive({"variant": variant, "topology": "small", "steps": LATE_RELEASE})
    release = next(s for s in x.system.steps
                   if s.message.kind is Kind.S1AP_UE_CONTEXT_RELEASE_COMMAND)
    assert (release.message.receiver, release.outcome.accepted) == ("enb-1", False)
    # only what a variant does not promise may fail (tr33821-v070: KeNB* binds no EARFCN-DL)
    assert [(f.claim, f.detail) for f in x.findings() if f.promised] == []
    assert x.system.entity(UE).ctx.cell == "enb-1/cell-2"
    assert x.system.entity("enb-1").state == "connected"
    # hop 1's release of enb-1's first context (eNB UE S1AP ID 1, TS 36.413 8.6.2.1)
    assert x.system.entity("mme-1").ctx.releasing == (("enb-1", 1),)
    assert not x.system.in_flight
    x.close()


@pytest.mark.parametrize(("hop", "mmes"), [("enb-3/cell-1", ("mme-1",)),  # s1
                                           ("enb-4/cell-1", ("mme-1", "mme-2"))])  # s1-inter
def test_the_release_of_the_source_names_its_context(hop: str, mmes: tuple[str, ...]) -> None:
    """TS 36.413 8.3.3, 9.1.4.6: the release the MME sends after the handover names the
    source's context by the eNB UE S1AP ID of its HANDOVER REQUIRED (9.1.5.1); the source
    releases it and answers UE CONTEXT RELEASE COMPLETE, which ends the MME's release."""
    x = drive({"variant": "ts33401", "topology": "small", "steps": [["start", hop]]})
    required, release = (next(s for s in x.system.steps if s.message.kind is kind)
                         for kind in (Kind.S1AP_HANDOVER_REQUIRED,
                                      Kind.S1AP_UE_CONTEXT_RELEASE_COMMAND))
    assert required.message.get("eNB UE S1AP ID") is not None
    assert release.message.get("eNB UE S1AP ID") == required.message.get("eNB UE S1AP ID")
    assert release.outcome.accepted and x.system.entity("enb-1").state == "idle"
    assert {s.message.receiver for s in x.system.steps if s.message.receiver.startswith("mme")} \
        == set(mmes)
    assert all(not x.system.entity(m).ctx.releasing for m in mmes)
    x.close()
