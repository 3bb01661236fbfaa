"""The Hypothesis stateful exploration: invariants under faults, and known flaws that the
search must keep finding (it fails if exploration stops finding them)."""

from __future__ import annotations

import importlib
import json
import shlex
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hoverify.properties.adversary import DEFAULT
from hoverify.properties.check_line import _counted_in, check_hops, leaves_out
from hoverify.properties.claims import (
    AGREEMENT,
    BACKWARD,
    CAPTURE,
    DENIAL,
    DOWNGRADE,
    KEY_AGREEMENT,
    NCC_RANGE,
    NEEDS_AN_EDIT,
    NO_CHANGE_ON_REFUSAL,
    SEPARATION,
    UE_AGREEMENT,
    all_claims,
)
from hoverify.properties.engine import AT_THE_EDITOR, OUT_OF_REACH, Unedited
from hoverify.properties.exploration import (
    FAULTS,
    Action,
    Exploration,
    Finding,
    ShortestRuns,
    listing_order,
)
from hoverify.properties.explore import EXPLORATION_KASME, explore
from hoverify.properties.hop_edits import edit_name
from hoverify.properties.promises import FORWARD
from hoverify.properties.replay import exercised, replay, replayed_findings
from hoverify.properties.stateful import EDIT_KINDS, Plan, exploration_machine
from hoverify.properties.verify import VerifyResult
from hoverify.reports.status import HOLDS
from hoverify.statemachines.enb import PATH_SWITCH_PENDING
from hoverify.statemachines.entity import Entity, Outcome
from hoverify.statemachines.messages import Kind, Message
from hoverify.statemachines.system import System
from hoverify.statemachines.topology import small_topology
from hoverify.statemachines.variant import KeySchedule
from hoverify.statemachines.variants import load
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test
from seeded_explore import TESTS, explore_seeded, variant_named

from hoverify import cli
from hoverify.cli import main
from hoverify.runs import load_finding, save_findings
from hoverify.variant_file import load_variant_file

MODEL_INVARIANTS = {NO_CHANGE_ON_REFUSAL, KEY_AGREEMENT, NCC_RANGE}


@pytest.mark.parametrize(("variant", "placement"),
                         [("tr33821-v070", None), ("seed-fs", "nas"), ("seed-fs", "alg-id"),
                          ("ts33401", None)])
def test_model_invariants_hold_under_every_fault(variant: str, placement: str | None) -> None:
    """No entity raises, a refused message changes nothing, completed handovers agree, NCC
    stays in 0..7 - whatever the order, losses, replays, refusals and rewrites."""
    reached = {"completions": 0, "compromised": 0}
    machine = exploration_machine(load(variant, placement), small_topology(),
                                  EXPLORATION_KASME, lambda f: f.claim in MODEL_INVARIANTS,
                                  FAULTS)

    class Counted(machine):  # type: ignore[misc, valid-type]
        def teardown(self) -> None:
            reached["completions"] += len(self.exploration.engine.facts.completions) - 1
            reached["compromised"] += len(self.exploration.engine.facts.attackers)
            super().teardown()

    run_state_machine_as_test(Counted, settings=settings(
        max_examples=150, stateful_step_count=30, derandomize=True, database=None,
        deadline=None, suppress_health_check=list(HealthCheck)))
    # every "always" needs a "sometimes": the situations did arise
    assert reached["completions"] > 0 and reached["compromised"] > 0


def test_tr33821_forward_security_violation_is_found_and_minimal() -> None:
    # compromise only: the derandomized search follows a digest of the machine's source, so
    # with every fault the example it meets first changes with any edit of stateful.py. The
    # greedy minimiser gives a 1-minimal trace (no single action can go), not the shortest:
    # since the search of 2026-11-30 (one action per kind of edit, ...) the first example
    # met compromises enb-2 after two handovers, and a trace without the first handover
    # would name other messages (removing one action shifts what the others address)
    result = explore(load("tr33821-v070"), examples=300, faults=frozenset({"compromise"}),
                     claims=frozenset({FORWARD}))
    finding = next(f for f in result.findings if f.claim == FORWARD)
    assert not finding.promised and not result.promise_broken
    # the one-hop loss, the run ending at that KeNB (check's words: a longer run could show more)
    assert "derives 1+ hops on: the later KeNB of hop 1 (the run ends there)" in finding.detail
    texts = [a.text for a in finding.trace]
    starts = [t for t in texts if t.startswith("start handover")]
    compromised = [t for t in texts if t.startswith("compromise")]
    assert len(compromised) == 1  # one source eNB compromised, then handovers only:
    assert all(t.startswith("deliver ") for t in texts if t not in (*starts, *compromised))
    assert texts[-1].startswith("deliver RRC RRCConnectionReconfigurationComplete")
    topology = small_topology()
    for i in range(len(finding.trace)):  # 1-minimal
        fewer = replayed_findings(load("tr33821-v070"), finding.trace[:i] + finding.trace[i + 1:],
                                  topology)
        assert (FORWARD, False) not in {(f.claim, f.promised) for f in fewer}, texts[i]


# The race within the default budget: docs/exploration.md gives the hit rates over seeds 1-5
# (measured 2026-11-30). A seeded search is the same in this process as in a fresh one
# (test_a_seeded_search_is_the_same_whatever_modules_are_loaded).
EXPLORE_SEED = 1  # fixed for CI


FINDINGS = Path(__file__).resolve().parent / "data" / "findings"


def test_a_handover_refused_before_the_path_switch_ack_leaves_the_enb_waiting_for_it() -> None:
    """TS 36.300 10.1.2.1.1: after a failed preparation the UE stays with the source eNB; TS
    33.401 7.2.8.4.2: the target of an X2 handover takes a fresh {NH, NCC} from the Path
    Switch Request Acknowledge. So an eNB that decided the next handover before that
    Acknowledge and saw the preparation fail still awaits it, and a handover it decides then
    is still decided before it: outside ts33401's 2-hop promise (path-switch-first). The trace
    is what default `hoverify explore --variant ts33401` found (2026-11-30) while the eNB went
    back to "connected" and forgot: forward-security was then judged FAILS (promised)."""
    saved = load_finding(str(FINDINGS / "ts33401-handover-refused-before-path-switch-ack.json"))
    failure = next(i for i, a in enumerate(saved.actions) if "PreparationFailure" in a.text)
    waiting = replay(saved.variant, saved.actions[:failure + 1], saved.topology, strict=True)
    assert waiting.system.entity("enb-2").state == PATH_SWITCH_PENDING
    waiting.close()
    found = replay(saved.variant, saved.actions, saved.topology, strict=True)
    [forward] = [f for f in found.findings() if f.claim == FORWARD]
    found.close()
    assert (forward.promised, forward.outside) == (False, "path-switch-first"), forward


def _refused_then_elsewhere(variant: str) -> Exploration:
    """On the small topology: the UE goes enb-1 -> enb-4 (S1); enb-2 is compromised; enb-4
    prepares enb-2/cell-1, whose compromised eNB refuses the S1AP HandoverRequest (HANDOVER
    FAILURE, TS 36.413 8.4.2.3); enb-4 then hands the UE to enb-1/cell-1."""
    x = Exploration(load(variant), small_topology(), EXPLORATION_KASME)

    def start(cell: str) -> None:
        x.start_handover([c.name for c in x.neighbours()].index(cell))
        while x.system.in_flight and not (
                x.system.in_flight[0].kind is Kind.S1AP_HANDOVER_REQUEST
                and x.system.in_flight[0].receiver == "enb-2"):
            x.deliver(0)

    start("enb-4/cell-1")
    x.compromise(x.adversary.targets(x.system.topology, x.system.variant).index("enb-2"))
    start("enb-2/cell-1")
    x.refuse(0)
    while x.system.in_flight:
        x.deliver(0)
    start("enb-1/cell-1")
    assert x.system.entity("ue").ctx.cell == "enb-1/cell-1"
    return x


def test_a_compromised_target_reads_the_request_it_refuses() -> None:
    """The seed's KeNB* binds the target PCI alone (SA3 contribution section 2, TR 33.821:
    KeNB* = KDF(KeNB, PCI)) and KeNB*+ = KDF(K_HO, KeNB*) (section 3 step 4), so every
    target cell of one PCI that a source reaches by S1 is given the same KeNB*+. An eNB
    that refuses a HandoverRequest has read it (HANDOVER FAILURE answers a request
    received, TS 36.413 8.4.2.3; it is an end of NDS/IP, TS 33.401 11): compromised, it
    derives the KeNB of the next handover to another cell of that PCI, which the seed
    promises no eNB but the target derives (helper-162: a refusing target read nothing, and
    forward security held). TS 33.401 is not open to it: the MME derives a fresh NH for
    each HANDOVER REQUIRED (7.2.8.4.3), and KeNB* binds the EARFCN-DL too (A.5)."""
    topology = small_topology()
    assert topology.cell("enb-1/cell-1").pci == topology.cell("enb-2/cell-1").pci
    seed = _refused_then_elsewhere("seed-fs")
    [forward] = [f for f in seed.findings() if f.claim == FORWARD]
    assert forward.promised and forward.detail.startswith(
        "enb-2, which never served the UE, derives the KeNB of hop 3 (the run ends "
        "there); promised"), forward
    assert any("KeNB*+" in line for line in forward.witness), forward.witness
    seed.close()
    standard = _refused_then_elsewhere("ts33401")
    assert FORWARD not in {f.claim for f in standard.findings()}
    standard.close()


@pytest.mark.parametrize(("who", "during_hop_3"), [("enb-4", True), ("enb-2", False)])
def test_a_compromise_after_a_refused_hop_is_counted_in_the_next_handover(
        who: str, during_hop_3: bool, capsys: pytest.CaptureFixture[str]) -> None:
    """Hop 2's preparation is refused and answered (HANDOVER FAILURE, TS 36.413 8.4.2.3;
    HANDOVER PREPARATION FAILURE to the source, 8.4.1.3): the UE stays at enb-4. enb-4,
    its source, is compromised once hop 3 has started; enb-2, the target that refused hop 2,
    once hop 2 has ended and before hop 3 starts. Either compromise is in handover 3, as
    ``check --compromise WHO@3`` makes it (just before hop 3's first step, where nothing
    happened in between for enb-2). The first was counted in "hop 2" (the number of KeNBs
    completed then); the second in the refused hop 2, whose check line compromised enb-2
    before it, reading its HANDOVER REQUEST (a stronger attacker, with no note). The claims
    judge each on the two KeNBs completed before it (``Knowledge.completed``), and check on
    the same hops judges what explore did (but the edit claims, for which check searches
    the edits the eNB could make and this exploration made none)."""
    x = Exploration(load("seed-fs"), small_topology(), EXPLORATION_KASME)

    def start(cell: str, until: Kind | None = None) -> None:
        x.start_handover([c.name for c in x.neighbours()].index(cell))
        while x.system.in_flight and x.system.in_flight[0].kind is not until:
            x.deliver(0)

    def compromise() -> None:
        x.compromise(x.adversary.targets(x.system.topology, x.system.variant).index(who))

    start("enb-4/cell-1")
    start("enb-2/cell-1", until=Kind.S1AP_HANDOVER_REQUEST)
    x.refuse(0)
    while x.system.in_flight:
        x.deliver(0)
    if not during_hop_3:
        compromise()
    start("enb-1/cell-1", until=Kind.S1AP_HANDOVER_REQUEST)
    if during_hop_3:
        compromise()
    while x.system.in_flight:
        x.deliver(0)
    attacker = x.engine.facts.attacker(who)
    assert attacker is not None and (attacker.hop, attacker.completed) == (3, 2)
    found = check_hops(x.system.variant, x.trace, small_topology(), EXPLORATION_KASME,
                       x.adversary)
    assert found.compromises == (f"{who}@3",) and found.note is None, found
    explored = {(f.claim, f.promised) for f in x.findings()}
    x.close()
    main(["check", "--variant", "seed-fs", "--topology", "small", "--json",
          "--compromise", *found.compromises, "--hops", ",".join(map(str, found.hops))])
    doc = json.loads(capsys.readouterr().out)
    checked = {(c["name"], v["promised"]) for c in (*doc["claims"], *doc["invariants"])
               for v in c["verdicts"]
               if not v["holds"] and c["name"] not in (DOWNGRADE, DENIAL, CAPTURE)}
    assert explored == checked


REFUSED_THEN_ELSEWHERE = "s1-inter@enb-4/cell-1,s1-inter@enb-2/cell-1:refused,s1-inter@enb-1/cell-1"


@pytest.mark.parametrize("variant", ["seed-fs", "ts33401"])
def test_check_refuses_as_explore_does(variant: str, capsys: pytest.CaptureFixture[str]) -> None:
    """The run of ``_refused_then_elsewhere`` as ``check`` hops: ``:refused`` has the target
    refuse the hop's HandoverRequest (TS 36.413 8.4.2.3), and check judges what explore
    judges there, through the same claim: seed-fs's promised forward security fails, with the
    same words; ts33401's holds."""
    code = main(["check", "--variant", variant, "--topology", "small", "--json",
                 "--compromise", "enb-2@2", "--hops", REFUSED_THEN_ELSEWHERE])
    doc = json.loads(capsys.readouterr().out)
    [forward] = [c for c in doc["claims"] if c["name"] == FORWARD]
    failures = [v for v in forward["verdicts"] if not v["holds"]]
    assert [h["confirm_verified"] for h in doc["hops"]] == [True, False, True]
    if variant == "ts33401":
        assert not failures and code == 0
        return
    assert code == 1 and failures and failures[0]["promised"]
    assert failures[0]["detail"].startswith(
        "enb-2, which never served the UE, derives the KeNB of hop 3"), failures[0]


def test_a_compromised_refusing_target_knows_what_it_read_in_every_claim(
        capsys: pytest.CaptureFixture[str]) -> None:
    """enb-1 names itself as the Target ID and refuses the request by admission control
    (``:refused``): it has read the KeNB*+ the MME derived for enb-3/cell-1 (SA3 contribution
    section 3 step 4), which the UE's next KeNB there rests on. Forward security fails with
    that key; the edit search must know it too. Before the refusal was a step
    (``System.refuse``), the key graph lacked what enb-1 read, and downgrade-resistance read
    "holds: none of 17 single edits ... puts the UE ... on a KeNB enb-1 can derive" beside
    it; and refusal-changes-nothing never saw the refusal (n/a)."""
    main(["check", "--variant", "seed-fs", "--topology", "small", "--json", "--compromise",
          "enb-1@1", "--hops",
          "s1@enb-3/cell-1:edit=HandoverRequired/target eNB='enb-1':refused,s1@enb-3/cell-1"])
    doc = json.loads(capsys.readouterr().out)
    claims = {c["name"]: c for c in (*doc["claims"], *doc["invariants"])}
    assert claims[FORWARD]["promise_broken"], claims[FORWARD]
    assert doc["derivable_hops"] == [0, 2]  # hop 1 was refused: it has no KeNB
    downgrade = claims["downgrade-resistance"]
    assert not any(v["holds"] for v in downgrade["verdicts"]), downgrade
    assert any("derives the honest KeNB of handover 2 without an edit" in why
               for why in downgrade["not_judged"]), downgrade
    assert claims["refusal-changes-nothing"]["applies"], claims["refusal-changes-nothing"]


def test_a_refusing_target_reads_the_request_as_it_was_edited_in_transit(
        capsys: pytest.CaptureFixture[str]) -> None:
    """helper-165 #8: ``:refused`` with an edit of the hop's HandoverRequest read "no
    HandoverRequest in this hop", as the request was taken off before the edit. The sender
    edits what it builds before the target receives it (TS 33.401 11: NDS/IP protects what
    it wrote); the target then refuses what it received, the edited request, which the run
    records (``refused`` in the hops' JSON) and the refusing step carries."""
    code = main(["check", "--variant", "ts33401", "--json", "--compromise", "enb-1@1", "--hops",
                 "x2:refused:edit=HandoverRequest/AS-SecurityInformation/NCC=3,x2"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0, doc
    assert [h["refused"] for h in doc["hops"]] == ["enb-2", None]
    assert [h["confirm_verified"] for h in doc["hops"]] == [False, True]


def test_a_ho_command_its_compromised_source_edited_is_no_agreement_failure() -> None:
    """Lowe's agreement speaks of honest parties: a compromised source eNB relays the HO
    command and may put anything in it (it holds KRRCint), so the UE's agreement with the
    target is not judged on a HO command from a source that edited messages; what the edit
    did is the edit claims' to judge. The trace is what default `hoverify explore --variant
    ts33401` found (2026-11-30): enb-1 edits the NCC of the S1AP HandoverCommand, a second
    handover starts, and ue-agreement was judged FAILS (promised) because the HO command then
    counted as a step of the second, unedited handover."""
    saved = load_finding(str(FINDINGS / "ts33401-ho-command-edited-by-its-source.json"))
    found = replay(saved.variant, saved.actions, saved.topology, strict=True)
    assert UE_AGREEMENT not in {f.claim for f in found.findings()}
    found.close()


def test_a_confirm_delivered_after_the_next_handover_started_is_judged_in_its_own() -> None:
    """A step counts in the handover its message belongs to. The trace is what default
    `hoverify explore --variant ts33401` found (2026-11-30, a helper's branch): compromised
    enb-2 edits the new C-RNTI of the S1AP HandoverCommand of hop 2, the UE runs the HO
    command, a third handover starts, then the HO confirm reaches enb-4. Counted in hop 3
    (the last started), agreement was judged there, unedited, and FAILED (promised); in hop
    2, which enb-2 edited, it is the edit claims' to judge, as any edited hop."""
    saved = load_finding(str(FINDINGS / "ts33401-agreement-c-rnti-edited-by-source-then-a-"
                                        "third-start.json"))
    found = replay(saved.variant, saved.actions, saved.topology, strict=True)
    [confirm] = [s for s in found.system.steps
                 if s.message.kind is Kind.RRC_HANDOVER_CONFIRM and s.message.receiver == "enb-4"]
    assert (confirm.hop, found.system.hop) == (2, 3)
    assert AGREEMENT not in {f.claim for f in found.findings()}
    found.close()


# review29's traces (data/SOURCES.md) of a response delivered after the handover it answers
# ended: the recorded action that delivers it, and who must refuse it (a late, duplicated
# response names a handover by UE X2AP IDs, TS 36.423 9.1.1.2-9.1.1.3, or answers a
# HandoverRequired, TS 36.413 9.1.5.2-9.1.5.3)
STALE_RESPONSES = {
    # hop 1's HandoverRequestAcknowledge duplicated, delivered while enb-1 prepares an S1
    # handover (hop 3): hop 1's Old eNB UE X2AP ID was freed by its UE Context Release
    "review29-stale-x2-ack.json": ("deliver X2AP HandoverRequestAcknowledge enb-2->enb-1",
                                   "enb-1"),
}


@pytest.mark.parametrize("name", sorted(STALE_RESPONSES))
def test_a_response_to_a_handover_that_ended_is_refused(name: str) -> None:
    """A source eNB takes a HandoverRequestAcknowledge, HandoverCommand or preparation failure
    only for the preparation it runs (OpenAirInterface's x2ap_eNB_handle_handover_response
    ignores an acknowledge whose Old eNB UE X2AP ID names none): the stale response changes
    nothing, and the UE is commanded with no container of an earlier handover. review29 saw
    enb-1 accept it and command the UE to enb-2 with hop 1's container (ue-agreement failed,
    outside the promise: backhaul unprotected)."""
    text, refuser = STALE_RESPONSES[name]
    saved = load_finding(str(FINDINGS / name))
    last = max(i for i, a in enumerate(saved.actions) if a.text == text)
    before = replay(saved.variant, saved.actions[:last], saved.topology, strict=True,
                    adversary=saved.adversary)
    state = before.system.entity(refuser).snapshot()
    before.close()
    stale = replay(saved.variant, saved.actions[:last + 1], saved.topology, strict=True,
                   adversary=saved.adversary)
    step = stale.system.steps[-1]
    assert (str(step.message), step.outcome.accepted) == (text.removeprefix("deliver "), False)
    assert "for another handover" in step.outcome.reason, step.outcome.reason
    assert stale.system.entity(refuser).snapshot() == state
    stale.close()
    found = replayed_findings(saved.variant, saved.actions, saved.topology, saved.adversary)
    assert UE_AGREEMENT not in {f.claim for f in found}, found


# Finding files of `verify --max-handovers 2 --faults drop,compromise,rewrite` for two broken
# variants, as saved (the first by the code before edits were judged against the run without
# them): what the edited handover did without the edit, and whether the edit downgrades it.
EDITED = {
    # the source says the UE lacks KeNB*+ support (HandoverRequired): the MME and the UE fall
    # back to a KeNB the source derives, where the honest one is out of its reach
    "bit-unprotected-downgrade-by-the-source-denying-kenb-star-plus.json": (OUT_OF_REACH, True),
}


def test_an_edit_by_the_handovers_own_target_is_judged_by_no_edit_claim() -> None:
    """Intra-eNB (TS 33.401 7.2.8.4.1): enb-1 is the source and the target, so no honest
    target is there to deceive. Its edit of its own HO command (COUNT 1 -> 0, which the UE
    refuses as a replay) was verify's shortest handover-denial at one handover, where
    check's edit search judges no intra-eNB hop."""
    texts = ["compromise enb-1", "start handover to enb-1/cell-2 (intra-enb)",
             "deliver RRC MeasurementReport ue->enb-1",
             "enb-1 rewrites field 'COUNT' 1 -> 0 in RRC RRCConnectionReconfiguration (HO "
             "command) enb-1->ue",
             "deliver RRC RRCConnectionReconfiguration (HO command) enb-1->ue"]
    kinds = ["compromise", "start", "deliver", "edit", "deliver"]
    trace = [Action.from_json({"kind": k, "index": 0, "leaf": 0, "text": t})
             for k, t in zip(kinds, texts, strict=True)]
    exploration = replay(load("ts33401"), trace, strict=True)
    assert exploration.engine.facts.unedited == {Unedited(1, "enb-1", AT_THE_EDITOR)}
    assert not exploration.system.steps[-1].outcome.accepted  # the UE refused the command
    assert not {f.claim for f in exploration.findings()} & {DOWNGRADE, DENIAL, CAPTURE}
    exploration.close()


def test_a_saved_edit_adding_a_field_the_variant_never_sends_no_longer_replays() -> None:
    """K_HO constant (seed-fs): the source derives the honest KeNB anyway, and this finding
    (reported as a promised downgrade before edits were judged against the run without them:
    ``test_engine``'s k_ho_constant test) added a keyChangeIndicator to the seed's HO
    command. review28: a relay adds only a field the variant's HO command carries
    (``KeySchedule.command_fields``); TR 33.821's and the seed's carry none (TS 36.331's
    keyChangeIndicator is TS 33.401's), so the replay stops at that edit."""
    data = json.loads((FINDINGS / "k-ho-constant-downgrade-by-an-edit-that-changes-nothing."
                                  "json").read_text())
    variant = load_variant_file(str(TESTS.parent / data["variant_file"]))
    with pytest.raises(ValueError, match="replay diverged at \"enb-1 adds field "
                                         "'keyChangeIndicator' False"):
        replay(variant, [Action.from_json(a) for a in data["trace"]], strict=True)


@pytest.mark.parametrize("name", sorted(EDITED))
def test_an_edit_is_judged_against_the_handover_without_it(name: str) -> None:
    """On its first edit of a handover, the eNB's edit is recorded with what the handover
    did without it (everything in flight delivered in order on a scratch copy, as check runs
    it); downgrade-resistance is judged only where that KeNB was out of the editor's reach,
    as check's edit search judges it (``hoverify.properties.downgrade.judged``)."""
    data = json.loads((FINDINGS / name).read_text())
    variant = load_variant_file(str(TESTS.parent / data["variant_file"]))
    exploration = replay(variant, [Action.from_json(a) for a in data["trace"]], strict=True)
    unedited, downgrade = EDITED[name]
    # against the attacker that edited, "enb-1" itself where the KeNB was out of its reach
    # (explore compromises one party: never its eNBs alone, ``Facts.without_edit``)
    against = frozenset({("enb-1", False)}) if unedited == OUT_OF_REACH else frozenset()
    [edit] = exploration.engine.facts.unedited
    assert (edit.hop, edit.enb, edit.without, edit.judged) == (1, "enb-1", unedited, against)
    assert exploration.engine.counts[DOWNGRADE] == int(downgrade)
    assert ((DOWNGRADE, True) in {(f.claim, f.promised)
                                  for f in exploration.findings()}) == downgrade
    # the run without the edit, on a scratch copy, left the run with it as it was
    assert [str(s.message) for s in exploration.system.steps[-3:]] == [
        t.removeprefix("deliver ") for t in (a["text"] for a in data["trace"][-3:])]
    exploration.close()


# The saved findings whose edits replay (k-ho-constant's no longer does, on purpose), with
# the kind of the message each edits and that edit's name, as check's ``:edit=`` writes it.
SAVED_EDITS = {
    "ts33401-ho-command-edited-by-its-source.json": (
        Kind.S1AP_HANDOVER_COMMAND, "HandoverCommand/container/NCC=0"),
    "ts33401-agreement-c-rnti-edited-by-source-then-a-third-start.json": (
        Kind.S1AP_HANDOVER_COMMAND, "HandoverCommand/container/new C-RNTI=27562"),
    "bit-unprotected-downgrade-by-the-source-denying-kenb-star-plus.json": (
        Kind.S1AP_HANDOVER_REQUIRED, "HandoverRequired/security/UE supports KeNB*+=False"),
}


def _saved_edit(name: str) -> tuple[KeySchedule, list[Action]]:
    data = json.loads((FINDINGS / name).read_text())
    variant = (load_variant_file(str(TESTS.parent / data["variant_file"]))
               if data.get("variant_file") else load(data["variant"]))
    return variant, [Action.from_json(a) for a in data["trace"]]


def _insert_a_field_first(monkeypatch: pytest.MonkeyPatch, kind: Kind) -> None:
    """Every message of ``kind`` an entity sends carries one more IE, first: a later release
    of its spec, or a model that adds one (as TS 36.413 9.1.5.1 puts the eNB UE S1AP ID of
    HANDOVER REQUIRED before its other IEs). No receiver reads it; a compromised eNB may
    flip it, so every edit of the fields after it moves down the message's edits."""
    handle = System._handle

    def inserted(system: System, receiver: Entity, message: Message) -> Outcome:
        outcome = handle(system, receiver, message)
        return replace(outcome, sent=tuple(
            replace(m, fields=(("inserted IE", 1), *m.fields)) if m.kind is kind else m
            for m in outcome.sent))
    monkeypatch.setattr(System, "_handle", inserted)


@pytest.mark.parametrize("name", sorted(SAVED_EDITS))
def test_a_saved_edit_is_named_by_what_it_changes(name: str) -> None:
    """A finding file names each edit as a hop's ``:edit=`` does (MESSAGE/EDIT), not by its
    position among the message's edits."""
    variant, actions = _saved_edit(name)
    exploration = replay(variant, actions, strict=True)
    [edit] = [a.to_json() for a in exploration.trace if a.kind == "edit"]
    exploration.close()
    assert "leaf" not in edit
    assert edit["edit"] == SAVED_EDITS[name][1]


@pytest.mark.parametrize("name", sorted(SAVED_EDITS))
@pytest.mark.parametrize("written", ["as saved", "saved now"])
def test_a_saved_edit_replays_after_a_field_is_inserted_before_the_one_it_changes(
        name: str, written: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A saved finding replays, strict, on a model whose message gained an IE before the
    field the edit changes, and finds what it found: each file as saved (written before
    edits were named: its edit found by its text) and as written now (by its name)."""
    variant, actions = _saved_edit(name)
    before = replay(variant, actions, strict=True)
    found = {(f.claim, f.promised) for f in before.findings()}
    if written == "saved now":
        actions = [Action.from_json(a.to_json()) for a in before.trace]
    before.close()
    _insert_a_field_first(monkeypatch, SAVED_EDITS[name][0])
    after = replay(variant, actions, strict=True)
    assert any("inserted IE" in dict(s.message.fields) for s in after.system.steps)
    assert {(f.claim, f.promised) for f in after.findings()} == found
    after.close()


def test_hoverify_replay_reads_a_named_edit_after_a_field_is_inserted(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """The file as ``--out`` writes it now, read back by ``hoverify replay`` on a model whose
    edited message gained a field: it says what it says of the file on the model as it is."""
    name = "ts33401-ho-command-edited-by-its-source.json"
    assert main(["replay", str(FINDINGS / name)]) == 0
    said = capsys.readouterr().out
    data = json.loads((FINDINGS / name).read_text())
    variant, actions = _saved_edit(name)
    exploration = replay(variant, actions, strict=True)
    data["trace"] = [a.to_json() for a in exploration.trace]
    exploration.close()
    path = tmp_path / name
    path.write_text(json.dumps(data))
    _insert_a_field_first(monkeypatch, SAVED_EDITS[name][0])
    assert main(["replay", str(path)]) == 0
    # the same, but for the first line, which names the file replayed
    first, rest = capsys.readouterr().out.split("\n", 1)
    assert first.startswith(f"replay of {path}: ") and rest == said.split("\n", 1)[1]
    assert "enb-1 rewrites field 'container/NCC' 2 -> 0 in S1AP HandoverCommand" in said


@pytest.mark.parametrize("late", [True, False])
def test_a_late_release_leaves_a_former_source_its_keys_for_a_planned_compromise(
        late: bool) -> None:
    """The levers of no_path_switch_refresh's forward security, driven by hand: two X2 hops
    (enb-1, enb-2, enb-3) delivered oldest first, the plan "an eNB the UE left 2 handovers
    before". In an example that drew ``late``, enb-2's X2AP UEContextRelease to enb-1 (TS
    36.300 10.1.2.1.1) waits until hop 2 completes, so enb-1 still holds hop 1's KeNB* when
    the plan compromises it, and derives hop 2's KeNB, 2 hops after its own: the Path Switch
    Acknowledge refreshed nothing (forward security, promised 2-hop on X2; not backward
    security: the key is later than enb-1's). Delivered at once, enb-1 has released it."""
    machine = exploration_machine(variant_named("broken_variants/no_path_switch_refresh.py"),
                                  small_topology(), EXPLORATION_KASME, lambda f: False, FAULTS)()
    machine.first_handover(1, Plan(2, 2), frozenset(), False, late)  # enb-1 -> enb-2 (x2)
    for _ in range(30):  # steps, as an example has
        if machine._compromised():
            break
        if machine._deliverable():
            machine.deliver_in_order(8)
        else:  # only the held release in flight: the UE's next handover
            machine.start_handover(2)  # enb-2 -> enb-3 (x2)
        if not machine.exploration.system.in_flight:
            machine.start_handover(2)
    texts = [a.text for a in machine.exploration.trace]
    compromised = texts.index("compromise enb-1")
    assert texts[compromised - 1].endswith("(HO confirm) ue->enb-3")
    released = texts.index("deliver X2AP UEContextRelease enb-2->enb-1")
    assert (released > compromised) == late, texts
    assert [c.enb for c in machine.exploration.engine.facts.completions] == [
        "enb-1", "enb-2", "enb-3"]
    violated = {(f.claim, f.promised) for f in machine.exploration.findings()}
    assert ((FORWARD, True) in violated) == late and (BACKWARD, True) not in violated, texts
    machine.exploration.close()


def test_an_edit_of_a_ue_identity_is_an_action_of_its_own() -> None:
    """explore's ``identity`` action flips the UE's identities on the backhaul and nothing
    else; ``rewrite`` flips the rest. The S1AP HANDOVER REQUIRED of a compromised source
    carries one: the eNB UE S1AP ID, which "uniquely identifies the UE association over the
    S1 interface within the eNB" (TS 36.413 9.1.5.1, 9.2.3.4)."""
    machine = exploration_machine(variant_named("broken_variants/bit_unprotected.py"),
                                  small_topology(), EXPLORATION_KASME, lambda f: False, FAULTS)()
    machine.first_handover(2, Plan(0, 0, back=True), frozenset(), False, True)  # to enb-3
    machine.deliver(0)  # the MeasurementReport: enb-1 sends its HandoverRequired

    def fields(kind: str) -> set[str]:
        """The fields that the edits of ``kind`` possible now change."""
        made = [machine.exploration.edit_made(Action("edit", index, leaf))
                for index, leaf in machine._edit_choices(kind)]
        return {edit_name(*m).rpartition("=")[0] for m in made if m is not None}

    assert fields("identity") == {"HandoverRequired/eNB UE S1AP ID"}
    rewritten = fields("rewrite")
    assert "HandoverRequired/security/UE supports KeNB*+" in rewritten
    assert not any(name.endswith("S1AP ID") for name in rewritten), rewritten
    machine.exploration.close()


def test_a_return_plan_hands_the_ue_back_to_the_enb_it_compromised() -> None:
    """The return plan on bit_unprotected, driven by hand: enb-1 compromised as it serves,
    its one edit on the S1 hop away (the flag "UE supports KeNB*+" cleared in its S1AP
    HandoverRequired: the target MME applies no KeNB*+), then a handover whichever neighbour
    is drawn goes back to enb-1, which admits it. enb-1 then knows hop 2's KeNB and derives
    hop 1's, which enb-3 used: backward security, promised (TS 33.501 3.1). The example drew
    ``late``: a return plan does not hold the releases (mme-1 would prepare no handover back
    until the S1 release of hop 1 completes)."""
    machine = exploration_machine(variant_named("broken_variants/bit_unprotected.py"),
                                  small_topology(), EXPLORATION_KASME, lambda f: False, FAULTS)()
    machine.first_handover(2, Plan(0, 0, back=True), frozenset(), False, True)  # to enb-3
    assert machine.swarm == frozenset(EDIT_KINDS) and not machine.late
    assert "rewrite" not in machine._possible()  # the MeasurementReport: no edit on Uu
    machine.deliver(0)
    assert "rewrite" in machine._possible()  # as a step draws its action
    # the step's choice among the flips of the S1AP HandoverRequired, by what it changes
    choices = [machine.exploration.edit_made(Action("edit", index, leaf))
               for index, leaf in machine._edit_choices("rewrite")]
    machine.rewrite(next(n for n, made in enumerate(choices) if made is not None and edit_name(
        *made) == "HandoverRequired/security/UE supports KeNB*+=False"))
    refusable = []
    for _ in range(30):  # steps, as an example has
        in_flight = machine.exploration.system.in_flight
        if any(m.kind is Kind.S1AP_HANDOVER_REQUEST and m.receiver == "enb-1"
               for m in in_flight):
            refusable.append(machine._refusable())
        if in_flight:
            machine.deliver(0)
        elif len(machine.exploration.engine.facts.completions) < 3:
            assert machine.exploration.neighbours()[3].enb == "enb-4"  # without the plan
            machine.start_handover(3)
    texts = [a.text for a in machine.exploration.trace]
    assert texts[:2] == ["compromise enb-1", "start handover to enb-3/cell-1 (s1)"], texts
    assert "UE supports KeNB*+' True -> False in S1AP HandoverRequired" in texts[3], texts
    assert [c.enb for c in machine.exploration.engine.facts.completions] == [
        "enb-1", "enb-3", "enb-1"], texts
    assert refusable == [[]], refusable  # enb-1 admits the UE back
    violated = {(f.claim, f.promised) for f in machine.exploration.findings()}
    assert (BACKWARD, True) in violated, texts
    machine.exploration.close()


def test_findings_are_listed_promised_then_outside_the_promise_then_not_promised() -> None:
    def found(claim: str, promised: bool, outside: str | None = None) -> Finding:
        return Finding(claim, promised, "", (), outside=outside)

    not_promised, outside = found("fake-cell-capture", False), found(FORWARD, False, "x")
    promised, later = found(BACKWARD, True), found("key-separation", True)
    assert listing_order([not_promised, outside, promised, later]) == [
        promised, later, outside, not_promised]


def test_ts33401_handover_racing_the_path_switch_ack_is_found() -> None:
    notes: list[str] = []
    result = explore(load("ts33401"), seed=EXPLORE_SEED, until=frozenset({(FORWARD, False)}),
                     progress=notes.append)
    # the note as it is found says it in the words of the listing (helper-196: "not promised")
    assert any(n.startswith("found forward-security (outside the promise: path-switch-first)")
               for n in notes), notes
    finding = next(f for f in result.findings if f.claim == FORWARD)
    # listed before the claims ts33401 never promised, found before it in this search
    # (fake-cell-capture, handover-denial: a compromised eNB serves or denies the UE)
    assert result.findings[0].claim == FORWARD, result.findings
    assert all(not f.promised and f.outside is None for f in result.findings[1:])
    # found, with its trace, and outside the promise: ts33401's 2-hop promise for X2 assumes
    # the Path Switch Acknowledge arrives before the next handover (TS 33.401 7.2.8.4.2)
    assert not finding.promised and finding.outside == "path-switch-first", \
        "\n".join([finding.detail, *(a.text for a in finding.trace)])
    assert any(_starts_before_path_switch_ack(finding.trace[:i + 1])
               for i in range(len(finding.trace))), [a.text for a in finding.trace]


def _starts_before_path_switch_ack(actions: tuple[Action, ...]) -> bool:
    """The last action hands an eNB a Measurement Report (it decides a handover) after the
    UE's HO confirm reached it and before its Path Switch Request Acknowledge did: the
    handover is prepared without the fresh {NH, NCC} (TS 33.401 7.2.8.4.2)."""
    texts = [a.text for a in actions]
    if not texts[-1].startswith("deliver RRC MeasurementReport ue->"):
        return False
    enb = texts[-1].rsplit("->", 1)[1]
    confirmed = [i for i, t in enumerate(texts)
                 if t.startswith("deliver RRC RRCConnectionReconfigurationComplete")
                 and t.endswith(f"->{enb}")]
    return bool(confirmed) and not any(
        t.startswith("deliver S1AP PathSwitchRequestAcknowledge") and t.endswith(f"->{enb}")
        for t in texts[confirmed[-1]:])


def test_a_seeded_search_is_the_same_whatever_modules_are_loaded(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Hypothesis draws integer literals of the loaded modules outside site-packages and
    tests/ now and then (the swarm flags' disabling probability, 0..254): importing one more
    such module must not change a seeded search, as it did in pytest after other tests."""
    def searched() -> tuple[int, list[tuple[str, int]]]:
        result = explore(load("ts33401"), seed=EXPLORE_SEED, examples=80)
        return result.steps_run, sorted(result.sometimes.items())

    before = searched()
    (tmp_path / "literals.py").write_text(f"LITERALS = {list(range(100, 255, 2))}\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(sys.modules, "literals", importlib.import_module("literals"))
    assert searched() == before


def test_saved_finding_replays_step_by_step(tmp_path: Path) -> None:
    variant = load("tr33821-v070")
    result = explore(variant, examples=300, faults=frozenset({"compromise"}),
                     claims=frozenset({FORWARD}))
    [path, *_] = save_findings(variant, result.findings, tmp_path, faults=result.faults)
    saved = load_finding(str(path))
    assert saved.topology == small_topology()
    exploration = replay(saved.variant, saved.actions, saved.topology, saved.kasme, strict=True)
    assert any(f.claim == saved.record["claim"] for f in exploration.findings())
    exploration.close()


# Every finding file kept in the repository (under tests/ and docs/): each replays strictly
# (replay36 moved the UE S1AP IDs of the MME's messages to the source eNB first, TS 36.413
# 9.1.5.2, and they still do), except those the model no longer follows on purpose, each
# with the test that says why.
SAVED_FINDINGS = sorted(str(p.relative_to(TESTS.parent))
                        for root in (TESTS, TESTS.parent / "docs") for p in root.rglob("*.json")
                        if '"schema_version"' in p.read_text() and '"trace"' in p.read_text())
NO_LONGER_FOLLOWED = {  # a file -> the test that says why its replay diverges
    "tests/data/findings/k-ho-constant-downgrade-by-an-edit-that-changes-nothing.json":
        test_a_saved_edit_adding_a_field_the_variant_never_sends_no_longer_replays,
    "tests/data/findings/review29-stale-x2-ack.json":
        test_a_response_to_a_handover_that_ended_is_refused,
}


@pytest.mark.parametrize("name", SAVED_FINDINGS)
def test_every_saved_finding_replays_strictly(name: str) -> None:
    path = TESTS.parent / name
    # a reviewer's finding names the variant file where it was found (review22's
    # /tmp/review22/crnti_fs.py); the repository keeps a copy beside it (data/SOURCES.md)
    recorded = json.loads(path.read_text()).get("variant_file")
    beside = path.parent / Path(recorded).name if recorded else None
    saved = load_finding(str(path), str(beside) if beside and not Path(recorded).exists()
                         else None)
    if name in NO_LONGER_FOLLOWED:
        with pytest.raises(ValueError, match="replay diverged at"):
            replay(saved.variant, saved.actions, saved.topology, saved.kasme, strict=True,
                   adversary=saved.adversary)
        return
    replay(saved.variant, saved.actions, saved.topology, saved.kasme, strict=True,
           adversary=saved.adversary).close()


def test_the_saved_findings_are_all_found() -> None:
    assert len(SAVED_FINDINGS) >= 7 and set(NO_LONGER_FOLLOWED) <= set(SAVED_FINDINGS)


def test_profiles_are_registered() -> None:
    for name in ("ci", "dev", "deep", "fuzz"):
        settings.get_profile(name)
    assert Phase.generate in settings.get_profile("fuzz").phases


# What `verify --max-handovers 2` finds, (claim, promised), for every built-in and test
# variant: obtained at this commit with `hoverify verify --max-handovers 2 --faults
# drop,compromise,rewrite` (`--variant-file tests/VARIANT` for the files), the default faults
# and the edits the downgrade-type claims need (2-3 minutes each; ts33401's part without
# edits is recomputed below). A promised finding of explore stands for an unpromised one.
# 2026-12-01: downgrade-resistance is judged only where the variant promises the target's
# KeNB out of the source's reach (no longer on ts33401's X2 hop); TR 33.821 v0.7.0 and the
# seed promise key separation by the PCI only; ue-agreement now fails where the UE derives a
# KeNB no target prepared (mme_reuses_nh, ue_skips_ncc_catch_up); rrc_keys_without_kenb added.
# Recomputed 2026-12-01 after edits were judged against the run without them, as check judges
# them: no downgrade where the source derives the honest KeNB anyway (k_ho_constant,
# mme_reuses_nh, nh_from_kenb lost theirs, each an edit the UE ignores or one on top of that
# forward-security failure), and capture judged on every hop, as check judges it, not only
# where forward security is promised (tr33821-v070 and promises_no_capture gain an unpromised
# one: on X2 the source derives the honest KeNB); every other pin unchanged.
# Recomputed 2026-12-01 (reviewer, round 8) after backward security's "earlier" was read from
# TS 33.501 3.1 (handover-keys section 5): earlier than the attacker's last KeNB when it is
# compromised, else than the compromise. A former source eNB deriving a key after its own
# is forward security's failure only, unless the UE comes back to it: no_path_switch_refresh
# lost its (BACKWARD, True) (enb-1 derives hop 2's KeNB and the UE never returns within two
# handovers); k_ho_constant and nh_from_kenb keep theirs, on a path where the UE returns to
# the compromised enb-1 (at one handover they lost it); mme_reuses_nh keeps its (now found
# for enb-4, which had not served the UE); states explored unchanged.
# Recomputed 2026-12-01 (back9) after "earlier" was settled: every KeNB another eNB used
# before a KeNB of its own that the attacker knows, whenever it was compromised; between two
# services only what the eNB could derive as the former serving eNB is left to forward
# security. bit_unprotected gains (BACKWARD, True): enb-1, compromised from hop 1, removes
# "UE supports KeNB*+" from its S1AP HandoverRequired, derives enb-3's KeNB[hop 1], and the UE
# comes back to it in hop 2 (the old rule judged only keys before the compromise). Every other
# pin unchanged; k_ho_constant and nh_from_kenb now find it with enb-1 compromised from hop 1
# (check reproduces it: --hops s1@enb-3/cell-1,s1@enb-1/cell-1 --compromise enb-1@1), not only
# during hop 2; states explored unchanged.
# 2026-12-01 (review18): a compromised sender edits what it builds (``downgrade.built``);
# recomputed for ts33401, seed-fs:nas, bit_unprotected and mme_reuses_nh: unchanged. Added
# review18's three capability encodings (an optional IE left out; bit 3 cleared from 0xE8 as
# an integer or an octet): each finds what bit_unprotected finds. The fourth, bit 0 cleared
# from 0xE9 (capability_low_bit.py), is bit_unprotected's flip in another shape: its
# downgrade stays in tests/test_downgrade.py, not here (each pin costs ~15 s of explore).
# 2026-12-01 (review24): mme_reuses_nh loses (NCC_SYNC, True). It came from the target
# MME's count, not from the chain: the MME hands out NH(1), NCC 1 again on s1-inter, and
# the target MME, which learns only NCC 1 (TS 29.274 8.38), counts NH(9); ncc-sync read that
# as "8 ahead of the UE" (`check --variant-file tests/broken_variants/mme_reuses_nh.py --hops
# s1-inter,s1`: at hop 1, where the UE and the target agree). The NH is NH(1), where the UE's
# active KeNB is after hop 1: NCC 1 names one NH (TS 33.401 7.2.8.4.3); hop 2 disagrees
# because the NH is not fresh, which key-agreement and ue-agreement report.
REVIEW18_CAPABILITY = {
    (BACKWARD, True), (DOWNGRADE, True), (CAPTURE, False), (FORWARD, False), (FORWARD, True),
    (DENIAL, False), (SEPARATION, False)}
FOUND_BY_VERIFY = {
    "ts33401": {(CAPTURE, False), (FORWARD, False), (DENIAL, False)},
    "tr33821-v070": {(CAPTURE, False), (FORWARD, False), (DENIAL, False), (SEPARATION, False)},
    "seed-fs:nas": {(CAPTURE, False), (FORWARD, False), (DENIAL, False), (SEPARATION, False)},
    "seed-fs:alg-id": {(CAPTURE, False), (FORWARD, False), (DENIAL, False),
                       (SEPARATION, False)},
    "seed-fs:c-rnti": {(CAPTURE, False), (FORWARD, False), (DENIAL, False),
                       (SEPARATION, False)},
    "broken_variants/bit_unprotected.py": {
        (BACKWARD, True), (DOWNGRADE, True), (CAPTURE, False), (FORWARD, False), (FORWARD, True),
        (DENIAL, False), (SEPARATION, False)},
    "broken_variants/k_ho_constant.py": {
        (BACKWARD, True), (CAPTURE, False), (FORWARD, False), (FORWARD, True), (DENIAL, False),
        (SEPARATION, False)},
    "broken_variants/kenb_star_without_earfcn.py": {
        (CAPTURE, False), (FORWARD, False), (DENIAL, False), (SEPARATION, True)},
    "broken_variants/kenb_star_without_pci.py": {
        (CAPTURE, False), (FORWARD, False), (DENIAL, False), (SEPARATION, True)},
    "broken_variants/krrcenc_equals_krrcint.py": {
        (CAPTURE, False), (FORWARD, False), (DENIAL, False), (SEPARATION, True)},
    "broken_variants/mme_reuses_nh.py": {
        (BACKWARD, True), (CAPTURE, False), (FORWARD, False), (FORWARD, True), (DENIAL, False),
        (KEY_AGREEMENT, True), (UE_AGREEMENT, True)},
    "broken_variants/nh_from_kenb.py": {
        (BACKWARD, True), (CAPTURE, False), (FORWARD, False), (FORWARD, True), (DENIAL, False)},
    "broken_variants/no_path_switch_refresh.py": {
        (CAPTURE, False), (FORWARD, False), (FORWARD, True), (DENIAL, False)},
    "broken_variants/rrc_keys_without_kenb.py": {
        (AGREEMENT, True), (CAPTURE, False), (FORWARD, False), (DENIAL, False),
        (KEY_AGREEMENT, True), (UE_AGREEMENT, True)},
    "broken_variants/source_sends_kenb.py": {
        (BACKWARD, True), (CAPTURE, False), (FORWARD, False), (FORWARD, True), (DENIAL, False),
        (SEPARATION, True)},
    "broken_variants/ue_skips_ncc_catch_up.py": {
        (CAPTURE, False), (FORWARD, False), (DENIAL, False), (KEY_AGREEMENT, True),
        (UE_AGREEMENT, True)},
    "attack_variants/always_k_ho.py": {
        (DENIAL, False), (KEY_AGREEMENT, False), (SEPARATION, False), (UE_AGREEMENT, False)},
    "attack_variants/promises_no_capture.py": {
        (CAPTURE, True), (CAPTURE, False), (FORWARD, False), (DENIAL, False),
        (SEPARATION, False)},
    "attack_variants/promises_no_denial.py": {
        (CAPTURE, False), (FORWARD, False), (DENIAL, True)},
    "attack_variants/capability_presence.py": REVIEW18_CAPABILITY,
    "attack_variants/capability_bitmap.py": REVIEW18_CAPABILITY,
    "attack_variants/capability_bytes.py": REVIEW18_CAPABILITY,
}



def test_the_pinned_verify_findings_are_what_verify_finds(
        ts33401_two_handovers: VerifyResult) -> None:
    """ts33401 without edits (conftest.py: ~6 s, shared with tests/test_verify.py); the edit
    claims are pinned above."""
    result = ts33401_two_handovers
    assert set(result.shortest) == {k for k in FOUND_BY_VERIFY["ts33401"]
                                    if k[0] not in NEEDS_AN_EDIT}


# Every one of them within the default budget, by the derandomized search that plain `hoverify
# explore` runs (measured 2026-12-01, docs/exploration.md: 98 s of CPU for the 18, at most
# 998 examples, and seeds 1-5). The capture on an S1 hop (a removal of the NAS-PDU from the
# S1AP HandoverCommand) and no_path_switch_refresh's backward security were missed until the
# search ran its generate phase only, with late releases and plans naming the eNB the UE
# left by how long ago; bit_unprotected's backward security (enb-1 compromised before hop 1,
# its edit on the S1 hop away, the UE back to it) until the plan that hands the UE back to
# the eNB it compromised (derandomized: every pin of the 19 in 102 s of CPU, at most 1256
# examples; bit_unprotected's in 1005). Measured again 2026-12-02 for the 22 (explore36, load
# 4-7): 10479 examples in all once the eNB UE S1AP IDs could be flipped (ue_skips_ncc_catch_up
# 2372 of the 3000), 6932 once an identity flip became an edit action of its own (at most
# 1565); every pin found both times. flip37 (load 8-13): 6932 -> 4362 examples, 354 -> 241 s
# of CPU, at most 1565 -> 1006 (rrc_keys_without_kenb, 68 before), once a receiver no longer
# flips what only it reads (its UE identities, the PDCP COUNT of the UE's RRC messages);
# seven rose, none tuned; every pin found.
@pytest.mark.parametrize("name", sorted(FOUND_BY_VERIFY))
def test_default_explore_finds_what_verify_finds_within_its_default_budget(name: str) -> None:
    """The default budget, faults and steps (the search stops once all are found); each
    finding short enough to read and replayable as saved."""
    wanted = FOUND_BY_VERIFY[name]
    result = explore_seeded(name, None, until=wanted)  # as plain `hoverify explore` runs
    missed = {(c, p) for c, p in wanted
              if (c, p) not in result.found and (c, True) not in result.found}
    assert not missed, (missed, result.examples)
    assert result.replays


def test_a_claim_s_reason_is_judged_on_a_run_that_started_a_handover_where_one_did() -> None:
    """Backward security's situation arises first on a lone compromise (an eNB compromised
    before it serves): that run starts no handover, so its reason had no ``check`` line
    (check runs at least one hop). A run in which it arose after a handover started ranks
    before it although longer (``no_handover``); one in which it arose before the handover
    started does not replace either (its count grew on the compromise, not on the start)."""
    variant = load("ts33401")
    runs = ShortestRuns()

    def example(*actions: Action) -> None:
        exploration = Exploration(variant, small_topology(), EXPLORATION_KASME,
                                  counts=Counter())
        runs.note(exploration)
        for action in actions:
            exploration.apply(action)
            runs.note(exploration)
        exploration.close()

    compromise, start = Action("compromise", 1), Action("start", 0)
    example(compromise)
    assert [a.text for a in runs[BACKWARD]] == ["compromise enb-2"]
    example(start, compromise)
    handed_over = ["start handover to enb-1/cell-2 (intra-enb)", "compromise enb-2"]
    assert [a.text for a in runs[BACKWARD]] == handed_over
    example(compromise)
    example(compromise, start)
    assert [a.text for a in runs[BACKWARD]] == handed_over


def _completed(variant: KeySchedule, cell: str) -> list[Action]:
    """A handover to ``cell``, its oldest message delivered until its HO confirm reaches the
    target."""
    exploration = Exploration(variant, small_topology(), EXPLORATION_KASME)
    cells = [c.name for c in exploration.neighbours()]
    actions = [Action("start", cells.index(cell))]
    exploration.apply(actions[0])
    while not exploration.engine.counts[KEY_AGREEMENT]:
        actions.append(Action("deliver", 0))
        exploration.apply(actions[-1])
    exploration.close()
    return actions


def test_a_claim_keeps_too_its_shortest_run_in_which_a_compromised_enb_served_the_ue(
        ) -> None:
    """newcomer: backward security's shortest run compromises enb-2, which never served the
    UE: the claim could not have failed there. Beside it the claim keeps the shortest run in
    which a compromised eNB served the UE (``served``): enb-2 compromised once the X2
    handover to it completed; its reason is judged there (``exercised``)."""
    variant = load("ts33401")
    runs = ShortestRuns()

    def example(*actions: Action) -> list[str]:
        exploration = Exploration(variant, small_topology(), EXPLORATION_KASME,
                                  counts=Counter())
        for action in actions:
            exploration.apply(action)
            runs.note(exploration)
        exploration.close()
        return [a.text for a in exploration.trace]

    compromise_enb_2 = Action("compromise", 1)
    shortest = example(Action("start", 0), compromise_enb_2)
    assert [a.text for a in runs[BACKWARD]] == shortest and BACKWARD not in runs.served_runs
    served = example(*_completed(variant, "enb-2/cell-1"), compromise_enb_2)
    assert served[-1] == "compromise enb-2" and len(served) > len(shortest)
    assert [a.text for a in runs.served_runs[BACKWARD]] == served
    assert [a.text for a in runs[BACKWARD]] == shortest


def test_a_seeded_search_s_forward_reason_is_a_served_enb_s_tested_verdict() -> None:
    """helper-229 #1: ``explore --seed 1`` gave forward security's reason on enb-3, which
    never served the UE ("enb-3 never served the UE and derives no KeNB of hop 1"): its
    served run's verdict was only untested. Its reason is now judged on a served run on
    which it was tested (``served_reason``): a compromised eNB that served the UE, with
    what it lacks."""
    forward = explore(load("ts33401"), seed=1, examples=200,
                      claims=frozenset({FORWARD})).exercised[FORWARD]
    [reason, *_] = forward.result.verdicts
    assert forward.on_served_run, forward
    assert reason.holds and not reason.untested and reason.cut, reason
    assert "never served" not in reason.detail, reason


def test_a_reason_on_an_enb_that_never_served_says_no_served_run_tested_it() -> None:
    """helper-229 #1: where a search saw no run on which a compromised eNB that served the
    UE tested a claim, its reason is its shortest run's all the same, and says that no such
    run tested it where that reason is a compromised eNB's (enb-2 watching an intra-eNB
    handover of enb-1); a reason of the honest run (key agreement, ``-``) says nothing more."""
    from hoverify.search_claims import search_claims, search_claims_text

    variant, topology = load("ts33401"), small_topology()
    exploration = Exploration(variant, topology, EXPLORATION_KASME)
    for action in (Action("compromise", 1), Action("start", 0), *[Action("deliver", 0)] * 3):
        exploration.apply(action)
    trace = tuple(exploration.trace)
    exploration.close()
    assert [a.text for a in trace[:2]] == ["compromise enb-2",
                                           "start handover to enb-1/cell-2 (intra-enb)"]
    judged = exercised(variant, topology, DEFAULT, {FORWARD: trace, KEY_AGREEMENT: trace}, {})
    forward = judged[FORWARD]
    assert forward.unserved and not forward.on_served_run, forward
    assert forward.result.verdicts[0].detail.startswith("enb-2 never served the UE")
    assert not judged[KEY_AGREEMENT].unserved, judged[KEY_AGREEMENT]
    claims = [c for c in all_claims(variant, topology) if c.name in judged]
    entries = search_claims(claims, variant, {FORWARD: 1, KEY_AGREEMENT: 1}, [], judged, {},
                            "within the bound", why={})
    lines = search_claims_text(entries, "within the bound")
    assert [e["run"] for e in entries] == ["shortest", "unserved"]
    [said] = [line for line in lines if line.startswith(FORWARD)]
    assert ("; on its shortest run (no run seen in which a compromised eNB served the UE tested "
            "it): hop 1, radio observer + enb-2@1: holds: enb-2 never served") in said


@pytest.mark.parametrize("first", ["enb-2", "enb-3"])
def test_of_equally_short_runs_a_claim_keeps_the_first_noted(first: str) -> None:
    """Mutant M23 of helper-220: two examples start a handover and compromise an eNB, as
    long each (the same rank); whichever comes first is backward security's run, as
    ``ShortestRuns`` says, so a search's reason does not change with a later example that is
    no shorter."""
    variant = load("ts33401")
    enbs, runs = list(small_topology().enbs), ShortestRuns()
    traces = []
    for enb in (first, *({"enb-2", "enb-3"} - {first})):
        exploration = Exploration(variant, small_topology(), EXPLORATION_KASME, counts=Counter())
        for action in (Action("start", 0), Action("compromise", enbs.index(enb))):
            exploration.apply(action)
            runs.note(exploration)
        traces.append([a.text for a in exploration.trace])
        exploration.close()
    assert traces[0][-1] == f"compromise {first}" and len(traces[0]) == len(traces[1])
    assert [a.text for a in runs[BACKWARD]] == traces[0]


@pytest.mark.parametrize(("target", "compromised"), [
    ("enb-2/cell-1", ("enb-3", "enb-2")), ("enb-3/cell-1", ("enb-2", "enb-3")),
    ("enb-3/cell-1", ("enb-3", "enb-2"))])
def test_a_served_reason_is_the_verdict_of_the_enb_that_served_whatever_else_is_taken(
        target: str, compromised: tuple[str, str]) -> None:
    """An explore run may compromise several eNBs (mutants M09, M10 of helper-220): of
    backward security's holding verdicts on its served run, the reason (the first) is the
    one of the eNB the UE was handed over to, whichever eNB was taken first or sorts first,
    not the one that never served it (TS 33.401 7.2.8.1: the claim speaks of a handover's
    source and target)."""
    variant = load("ts33401")
    enbs = list(small_topology().enbs)
    trace = (*_completed(variant, target),
             *(Action("compromise", enbs.index(enb)) for enb in compromised))
    judged = exercised(variant, small_topology(), DEFAULT, {BACKWARD: trace}, {BACKWARD: trace})
    [reason, *others] = judged[BACKWARD].result.verdicts
    served = target.partition("/")[0]
    assert judged[BACKWARD].on_served_run and f"{served}@" in reason.attacker, judged[BACKWARD]
    assert reason.holds and not reason.untested and others, judged[BACKWARD]


def test_explore_judges_each_claim_on_the_shortest_trace_in_which_its_situation_arose(
        ) -> None:
    """holds39: over the examples, each claim keeps the shortest trace at whose last action
    its count first became more than 0, and explore judges the holding claims on it. Key
    agreement's situation is a HO confirm reaching its target: after 4 steps of an intra-eNB
    handover (Measurement Report, HO command, HO confirm over Uu; TS 33.401 7.2.8.4.1), more
    for an X2 one (the HandoverRequest and its Acknowledge too; TS 36.423 8.2.1)."""
    variant = load("ts33401")
    runs = ShortestRuns()

    def example(cell: int) -> int:
        """Start a handover to the UE's ``cell``-th neighbour and deliver the oldest message
        until a HO confirm reaches its target; the steps it took."""
        exploration = Exploration(variant, small_topology(), EXPLORATION_KASME,
                                  counts=Counter())
        exploration.apply(Action("start", cell))
        runs.note(exploration)
        while not exploration.engine.counts["key-agreement"]:
            exploration.apply(Action("deliver", 0))
            runs.note(exploration)
        exploration.close()
        return len(exploration.trace)

    neighbours = [c.name for c in Exploration(variant, small_topology(),
                                              EXPLORATION_KASME).neighbours()]
    x2 = example(neighbours.index("enb-2/cell-1"))
    assert x2 > 4 and len(runs["key-agreement"]) == x2
    assert example(neighbours.index("enb-1/cell-2")) == 4 == len(runs["key-agreement"])
    example(neighbours.index("enb-2/cell-1"))  # longer: the intra-eNB trace stays
    assert [a.text for a in runs["key-agreement"]] == [
        "start handover to enb-1/cell-2 (intra-enb)", "deliver RRC MeasurementReport ue->enb-1",
        "deliver RRC RRCConnectionReconfiguration (HO command) enb-1->ue",
        "deliver RRC RRCConnectionReconfigurationComplete (HO confirm) ue->enb-1"]
    result = explore(variant, examples=30)
    assert result.exercised and not {f.claim for f in result.findings} & set(result.exercised)
    for claim, judged in result.exercised.items():
        assert result.sometimes[claim] > 0 and all(v.holds for v in judged.result.verdicts)


def _arisen(variant: KeySchedule, actions: Sequence[Action]) -> Counter[str]:
    """How many times each claim's situation arose on ``actions`` from the start (not in the
    set-up), as explore counts them."""
    exploration = Exploration(variant, small_topology(), EXPLORATION_KASME, counts=Counter())
    for action in actions:
        exploration.apply(action)
    exploration.close()
    return exploration.engine.counts


def _explored_claims(capsys: pytest.CaptureFixture[str]) -> dict[str, dict[str, Any]]:
    """newcomer: ``explore --variant seed-fs --examples 100 --steps 20``, its claims by
    name, as ``--json`` gives them."""
    capsys.readouterr()
    main(["explore", "--variant", "seed-fs", "--examples", "100", "--steps", "20", "--quiet",
          "--json"])
    return {c["name"]: c for c in json.loads(capsys.readouterr().out)["claims"]}


def test_a_step_of_several_actions_notes_each_claim_s_run_where_its_situation_arose(
        ) -> None:
    """A step of explore's machine may take several actions (``deliver_in_order``, a
    planned compromise after a delivery): each claim's run is noted after each action, not
    each step, so it ends on the action that made its situation arise (newcomer: key
    agreement's reason run was a 6-action one with a replay, its 4-action honest run noted
    with the deliveries after its HO confirm). Rule: no shorter prefix of a noted run made
    the claim's situation arise."""
    variant = load("seed-fs")
    runs = ShortestRuns()
    machine = exploration_machine(variant, small_topology(), EXPLORATION_KASME,
                                  lambda f: False, FAULTS, shortest=runs)()
    cells = [c.name for c in machine.exploration.neighbours()]
    machine.first_handover(cells.index("enb-2/cell-1"), None, frozenset(), False, False)
    machine.claims_hold()  # as Hypothesis checks the invariants after each step
    machine.deliver_in_order(8)  # the X2 handover's HO confirm is the 5th (TS 36.423 8.2.1)
    machine.claims_hold()
    assert len(machine.exploration.trace) == 9 and KEY_AGREEMENT in runs
    for claim, trace in runs.items():
        assert not _arisen(variant, trace[:-1])[claim], (claim, [a.text for a in trace])
    assert "(HO confirm)" in runs[KEY_AGREEMENT][-1].text
    machine.exploration.close()


def test_a_claim_arising_on_an_honest_run_has_an_honest_reason_run_with_a_check_line(
        capsys: pytest.CaptureFixture[str]) -> None:
    """newcomer: key-agreement is about a handover with no adversary action on the path
    (docs/claims.md), yet its reason run replayed a message and had no check line. Rule:
    a holding claim whose situation arises on an honest intra-eNB handover (start, then the
    oldest message delivered until the HO confirm reaches the target: 4 actions) is judged
    on a run of no more actions, none of them the adversary's, that has a check line."""
    variant = load("seed-fs")
    exploration = Exploration(variant, small_topology(), EXPLORATION_KASME)
    honest = [Action("start", [c.name for c in exploration.neighbours()].index("enb-1/cell-2"))]
    exploration.close()
    honest += [Action("deliver", 0)] * 3
    arising = {name for name, n in _arisen(variant, honest).items() if n}
    assert {KEY_AGREEMENT, AGREEMENT, "aliveness"} <= arising
    for name, claim in _explored_claims(capsys).items():
        if name not in arising or claim["run"] != "shortest":
            continue
        steps = claim["trace"]
        assert len(steps) <= len(honest), (name, steps)
        assert all(s.startswith(("start handover", "deliver ")) for s in steps), (name, steps)
        assert claim["check"] is not None, (name, claim["check_unavailable"])


def test_explore_s_reason_for_an_edit_claim_names_the_attacker_check_s_line_names(
        capsys: pytest.CaptureFixture[str]) -> None:
    """newcomer: explore's downgrade-resistance reason read "hop 1, -: holds: held ... enb-1
    edited a message of handover 1, and the UE refused the HO command", its check line's
    "hop 1, radio observer + enb-1@1: holds: after enb-1's edit of ..., the UE and the
    honest target complete no handover on a KeNB enb-1 derives; after it, the UE refuses
    the HO command": "-" read as no attacker. Rule: each holding claim's reason with a
    check line of its own run (no note: neither hops left out nor a stronger attacker)
    names the attacker check names on that line, in the claim's own words for what held
    (``EditClaim.held_words``)."""
    explored = _explored_claims(capsys)
    for name, claim in explored.items():
        if claim["check"] is None or (claim["check_note"] and name != DOWNGRADE):
            continue
        main([*shlex.split(claim["check"])[1:], "--json"])
        checked = next(c for c in json.loads(capsys.readouterr().out)["claims"]
                       if c["name"] == name)
        said = [v for v in checked["verdicts"] if v["holds"]]
        head = claim["reason"].split(": ")[0]  # "hop 1, ATTACKER"
        assert head in {f"hop {v['hop']}, {v['attacker']}" for v in said}, (name, head, said)
        if name == DOWNGRADE:
            assert "complete no handover on a KeNB enb-1 derives" in claim["reason"]


def test_the_refusing_target_finding_has_a_check_line() -> None:
    """The trace of ``_refused_then_elsewhere`` read as ``check`` hops (``check_hops``): its
    refusal is the second hop's ``:refused`` (before, a trace with a refusal had no check
    line), and its compromise enb-2@2; the test above runs those hops."""
    x = _refused_then_elsewhere("seed-fs")
    found = check_hops(x.system.variant, x.trace, small_topology(), EXPLORATION_KASME,
                       x.adversary)
    x.close()
    assert found.reason is None, found.reason
    assert ",".join(map(str, found.hops)) == REFUSED_THEN_ELSEWHERE
    assert found.compromises == ("enb-2@2",)


def test_a_hop_whose_measurement_report_was_refused_is_left_out_of_the_check_line(
        capsys: pytest.CaptureFixture[str]) -> None:
    """A trace starts hop 2 (intra-eNB) while enb-1 is still handing the UE to enb-2 (hop 1):
    enb-1 refuses the UE's second Measurement Report (TS 36.331 6.2.2; the source waits for
    the X2AP UE Context Release, TS 36.423 8.2.3), so hop 2 never starts. Then enb-2 is
    compromised and hands the UE back (hop 3). check runs each hop to its end first, so hop
    2 read as ``intra-enb@enb-1/cell-2`` named a hop from a cell the UE had left, which check
    refuses, and the finding had no check line (helper-184 #4). The line leaves hop 2 out,
    says so, and gives the findings of the trace."""
    x = Exploration(load("ts33401"), small_topology(), EXPLORATION_KASME)
    cells = [c.name for c in x.neighbours()]
    x.start_handover(cells.index("enb-2/cell-1"))
    x.deliver(0)  # hop 1's Measurement Report: enb-1 decides it
    x.start_handover(cells.index("enb-1/cell-2"))
    while x.system.in_flight:
        x.deliver(0)
    [refused] = [s for s in x.system.steps if s.message.kind is Kind.RRC_MEASUREMENT_REPORT
                 and not s.outcome.accepted]
    assert (refused.hop, refused.message.receiver) == (2, "enb-1")
    x.compromise(x.adversary.targets(x.system.topology, x.system.variant).index("enb-2"))
    x.start_handover([c.name for c in x.neighbours()].index("enb-1/cell-1"))
    while x.system.in_flight:
        x.deliver(0)
    explored = {(f.claim, f.promised) for f in x.findings()}
    found = check_hops(x.system.variant, x.trace, small_topology(), EXPLORATION_KASME,
                       x.adversary)
    x.close()
    assert found.reason is None, found.reason
    assert ",".join(map(str, found.hops)) == "x2@enb-2/cell-1,x2@enb-1/cell-1"
    assert found.compromises == ("enb-2@2",)
    assert found.note is not None and "leaves out hop 2" in found.note, found.note
    main(["check", "--variant", "ts33401", "--topology", "small", "--json",
          "--compromise", *found.compromises, "--hops", ",".join(map(str, found.hops))])
    doc = json.loads(capsys.readouterr().out)
    checked = {(c["name"], v["promised"]) for c in (*doc["claims"], *doc["invariants"])
               for v in c["verdicts"] if not v["holds"]}
    assert explored and explored <= checked, (explored, checked)


def _two_reports() -> Exploration:
    """ts33401: hop 1 (X2 to enb-2) and hop 2 (intra-eNB) started at once, both Measurement
    Reports in flight; enb-1 takes up the first and refuses the second (busy with hop 1)."""
    x = Exploration(load("ts33401"), small_topology(), EXPLORATION_KASME)
    cells = [c.name for c in x.neighbours()]
    x.start_handover(cells.index("enb-2/cell-1"))
    x.start_handover(cells.index("enb-1/cell-2"))
    return x


def test_a_compromise_counted_in_a_left_out_hop_is_made_in_the_hop_then_under_way() -> None:
    """helper-191 #2: enb-2 compromised while both reports were in flight is counted in hop 2
    (the last started, under way), which never starts; the trace compromised it before any
    message of hop 1 was delivered, so the line compromises it in hop 1, as the trace did, and
    its note says only that hop 2 is left out (it read "not after handover 1 completed as the
    trace does: a stronger attacker")."""
    x = _two_reports()
    x.compromise(x.adversary.targets(x.system.topology, x.system.variant).index("enb-2"))
    while x.system.in_flight:
        x.deliver(0)
    found = check_hops(x.system.variant, x.trace, small_topology(), EXPLORATION_KASME,
                       x.adversary)
    x.close()
    assert ",".join(map(str, found.hops)) == "x2@enb-2/cell-1"
    assert found.compromises == ("enb-2@1",)
    assert found.note == (
        "the check line leaves out hop 2, whose Measurement Report the serving eNB did not take "
        "up (refused, or never received: it never started), and counts the hops without it")


def test_a_hop_whose_measurement_report_never_arrived_is_left_out_too() -> None:
    """helper-191 #3: a hop whose Measurement Report was still in flight when the trace ended
    never started either: one rule, the hops the serving eNB took up."""
    x = Exploration(load("ts33401"), small_topology(), EXPLORATION_KASME)
    cells = [c.name for c in x.neighbours()]
    x.start_handover(cells.index("enb-2/cell-1"))
    while x.system.in_flight:
        x.deliver(0)
    x.start_handover([c.name for c in x.neighbours()].index("enb-1/cell-1"))
    found = check_hops(x.system.variant, x.trace, small_topology(), EXPLORATION_KASME,
                       x.adversary)
    x.close()
    assert ",".join(map(str, found.hops)) == "x2@enb-2/cell-1"
    assert found.left_out == (2,)


def test_a_trace_with_no_check_line_still_says_the_hops_its_line_left_out() -> None:
    """helper-191 #4: refusal-changes-nothing holds on the refused report of hop 2; the line
    without that hop has no refusal (n/a there), so there is no line, and the reason says the
    line tried left hop 2 out, not only that it needs the trace's order."""
    x = _two_reports()
    while x.system.in_flight:
        x.deliver(0)
    trace = tuple(x.trace)
    x.close()
    said = cli._check_line(["--variant", "ts33401"], None, load("ts33401"), small_topology(),
                           DEFAULT, trace, "refusal-changes-nothing", HOLDS, {})
    assert said["check"] is None
    assert said["check_unavailable"] is not None
    assert said["check_unavailable"].endswith("; the line tried leaves out hop 2, whose "
                                              "Measurement Report the serving eNB did not take "
                                              "up (refused, or never received: it never "
                                              "started), and counts the hops without it")


@pytest.mark.parametrize("variant", ["seed-fs", "ts33401"])
def test_explore_finds_the_seeds_kenb_star_plus_oracle_with_one_compromised_source(
        variant: str, capsys: pytest.CaptureFixture[str]) -> None:
    """The run of ``test_claims``' ``ORACLE`` as explore and verify make it, with no refusal
    fault: compromised enb-1 names itself as the Target ID of its S1AP HANDOVER REQUIRED
    (TS 36.413 9.1.5.1), reads the HANDOVER REQUEST the MME sends it and answers HANDOVER
    FAILURE (a cell it does not serve, 8.4.2.3); then it hands the UE to that cell. The
    seed's promised S1 forward security fails; TS 33.401's holds."""
    x = Exploration(load(variant), small_topology(), EXPLORATION_KASME)
    x.compromise(x.adversary.targets(x.system.topology, x.system.variant).index("enb-1"))
    cells = [c.name for c in x.neighbours()]
    x.start_handover(cells.index("enb-3/cell-1"))
    while not any(m.kind is Kind.S1AP_HANDOVER_REQUIRED for m in x.system.in_flight):
        x.deliver(0)
    edit = ("enb-1 rewrites field 'target eNB' 'enb-3' -> 'enb-1' in S1AP HandoverRequired "
            "enb-1->mme-1")
    x.edit(*x.edit_texts()[edit])
    while x.system.in_flight:
        x.deliver(0)
    assert x.system.entity("ue").ctx.cell == "enb-1/cell-1"  # the preparation failed
    # TS 36.413 8.4.2.3, 9.2.1.3: enb-1 serves no enb-3/cell-1, so it answers HANDOVER
    # FAILURE, cause "cell not available", and changes nothing
    [request] = [s for s in x.system.steps if s.message.kind is Kind.S1AP_HANDOVER_REQUEST]
    assert request.message.receiver == "enb-1" and not request.outcome.accepted
    assert request.state_after == request.state_before == "ho-preparing"
    [failure] = request.outcome.sent
    assert (failure.kind, failure.get("Cause")) == (Kind.S1AP_HANDOVER_FAILURE,
                                                    "cell-not-available")
    x.start_handover([c.name for c in x.neighbours()].index("enb-3/cell-1"))
    while x.system.in_flight:
        x.deliver(0)
    assert x.system.entity("ue").ctx.cell == "enb-3/cell-1"
    forward = [f for f in x.findings() if f.claim == FORWARD]
    found = check_hops(x.system.variant, x.trace, small_topology(), EXPLORATION_KASME,
                       x.adversary)
    x.close()
    # its check line: the edit alone, whose request enb-1 answers as it did here (helper-165
    # #6: a ``:refused`` there had enb-1 refuse by admission control, another event)
    assert ",".join(map(str, found.hops)) == (
        "s1@enb-3/cell-1:edit=HandoverRequired/target eNB='enb-1',s1@enb-3/cell-1")
    code = main(["check", "--variant", variant, "--topology", "small", "--json",
                 "--hops", ",".join(map(str, found.hops)),
                 *(a for c in found.compromises for a in ("--compromise", c))])
    doc = json.loads(capsys.readouterr().out)
    claims = {c["name"]: c for c in (*doc["claims"], *doc["invariants"])}
    # enb-1's refusal is a delivered message there too, which refusal-changes-nothing judges
    assert claims["refusal-changes-nothing"]["applies"], claims["refusal-changes-nothing"]
    if variant == "ts33401":
        assert not forward and code == 0
        return
    assert forward and forward[0].promised, forward
    assert code == 1 and claims[FORWARD]["promise_broken"], claims[FORWARD]


@pytest.mark.parametrize(("hops", "words"), [
    ((2,), "leaves out hop 2, whose Measurement Report the serving eNB did not take up (refused, "
           "or never received: it never started), and counts the hops without it"),
    ((2, 3), "leaves out hops 2, 3, whose Measurement Reports the serving eNB did not take up "
             "(refused, or never received: they never started), and counts the hops without "
             "them"),
])
def test_the_hops_a_check_line_leaves_out_are_said_in_plural_words(hops: tuple[int, ...],
                                                                   words: str) -> None:
    """helper-191: the note of a line leaving out hops says them in plural words for two."""
    assert leaves_out(hops) == words


COUNTED_IN = {  # (trace's hop, hops under way at the compromise, kept, unstarted) -> line's hop
    # a left-out hop 2 while kept hop 1 was under way: made in hop 1
    "left out, hop before under way": ((2, {1}, (1, 3), (2,)), 1),
    # a left-out hop 2 once hop 1 had ended: the next kept hop (hop 3, the line's 2)
    "left out, hop before ended": ((2, set(), (1, 3), (2,)), 2),
    # a kept hop is its own hop, whatever was still under way before it
    "kept, hop before under way": ((3, {2}, (1, 2, 3), ()), 3),
    "kept, after a left-out hop": ((3, {1}, (1, 3), (2,)), 2),
}


@pytest.mark.parametrize("case", sorted(COUNTED_IN))
def test_a_compromise_is_counted_in_the_hop_of_the_line_the_docs_say(case: str) -> None:
    """``check_line._counted_in``: a compromise counted in a left-out hop is made in the kept
    hop before it where that was still under way, else in the next kept hop, as any other."""
    (hop, under_way, kept, unstarted), want = COUNTED_IN[case]
    assert _counted_in(hop, frozenset(under_way), kept, unstarted) == want
