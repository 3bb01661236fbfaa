"""What ``check`` prints grows with the hops, not with their square: lists of hops as ranges,
a witness made only where it is shown, each KeNB's cell inputs found once per run."""

from __future__ import annotations

import contextlib
import io
import json
import operator
import re
import sys
from pathlib import Path

import pytest
from hoverify.properties.adversary import DEFAULT
from hoverify.properties.attacker import Attacker, Compromise
from hoverify.properties.check_line import check_hops
from hoverify.properties.claims import SEPARATION, ForwardSecurity, KeySeparation, _Kept
from hoverify.properties.downgrade import Writable, built, edits
from hoverify.properties.engine import Facts
from hoverify.properties.evaluate import evaluate
from hoverify.properties.exploration import Action, Exploration, Finding
from hoverify.properties.explore import EXPLORATION_KASME
from hoverify.properties.hop_edits import named
from hoverify.properties.hop_list import hop_list
from hoverify.properties.later_kenbs import Judgement, LaterKeNBs
from hoverify.properties.lines import Lines
from hoverify.statemachines.scenario import HopSpec, parse_hops, run_scenario
from hoverify.statemachines.topology import default_topology, small_topology
from hoverify.statemachines.variants import load
from hypothesis import given
from hypothesis import strategies as st

from hoverify.cli import check_lines, main
from hoverify.variant_file import load_variant_file

TESTS = Path(__file__).parent
MIXED = ",".join(("x2", "s1", "s1-inter", "intra-enb") * 6)


@pytest.mark.parametrize(("hops", "text"), [
    ([], "[]"),
    ([0], "[0]"),
    ([0, 1], "[0, 1]"),  # two in a row stay two
    ([0, 1, 2], "[0-2]"),  # three or more: first-last
    ([1, 2, 3, 4], "[1-4]"),
    ([0, 1, 2, 5, 7, 8, 9], "[0-2, 5, 7-9]"),
    ([3, 5, 6, 8], "[3, 5, 6, 8]"),
    (range(10, 1000), "[10-999]"),
])
def test_a_list_of_hops_reads_as_ranges(hops: list[int], text: str) -> None:
    assert hop_list(hops) == text


def test_lines_are_made_once_and_only_when_read() -> None:
    made: list[int] = []

    def make() -> list[str]:
        made.append(1)
        return ["a", "b"]

    lines = Lines(make)
    assert not made
    assert lines == ("a", "b") and operator.eq(("a", "b"), lines) and list(lines) == ["a", "b"]
    assert lines[1:] == ("b",) and lines != "ab" and lines == Lines(lambda: ("a", "b"))
    assert len(made) == 1


def _check(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(["check", *args])
    return code, out.getvalue()


def test_check_text_makes_only_the_witnesses_it_shows(monkeypatch: pytest.MonkeyPatch) -> None:
    """seed-fs's key separation fails on every hop with the KeNB's whole ancestry as witness,
    and forward security fails for several attackers: the text shows one witness per claim,
    the JSON every verdict's. (The cut a holding authentication verdict's words make, of
    what its attackers lack, is no evidence: helper-234, ``claims._lacks``.)"""
    calls: list[str] = []
    for name in ("witness", "ancestry_lines", "cut"):
        original = getattr(Facts, name)
        monkeypatch.setattr(Facts, name, lambda self, *a, _o=original, _n=name, **k: (
            sys._getframe(1).f_code.co_name == "_lacks" or calls.append(_n),
            _o(self, *a, **k))[1])
    _, text = _check("--variant", "seed-fs", "--hops", MIXED)
    shown = len(calls)
    calls.clear()
    _, out = _check("--variant", "seed-fs", "--hops", MIXED, "--json")
    doc = json.loads(out)
    separation = next(c for c in doc["claims"] if c["name"] == SEPARATION)
    every = sum(1 for v in separation["verdicts"] if v["witness"])  # an ancestry each
    assert 0 < text.count("witness of") <= shown <= len(doc["claims"])
    assert len(calls) > every >= len(MIXED.split(",")) > 2 * shown


@pytest.mark.parametrize("variant", [
    "ts33401", "seed-fs", "tr33821-v070",
    "broken_variants/kenb_star_without_pci.py", "broken_variants/kenb_star_without_earfcn.py",
    "broken_variants/nh_from_kenb.py", "broken_variants/mme_reuses_nh.py"])
def test_key_separation_summary_finds_what_a_walk_per_hop_finds(variant: str) -> None:
    """The summary's cell inputs, kept per value, against ``derivations_to`` walked for each
    hop (TS 33.401 A.5: PCI and EARFCN-DL are inputs on the way to KeNB*)."""
    schedule = (load_variant_file(str(TESTS / variant)) if variant.endswith(".py")
                else load(variant))
    run = run_scenario(schedule, parse_hops(MIXED + ",x2,s1:early,x2,s1:replay"))
    facts = evaluate(run).facts
    claim = KeySeparation(schedule, run.topology)
    cells: dict[bytes, frozenset[tuple[str, int]]] = {}
    numbers = [c.number for c in facts.completions if c.number > 0]
    kept = [claim.judge(facts, n, cells=cells) for n in numbers]
    walked = [claim.judge(facts, n) for n in numbers]
    assert None not in kept and None not in walked
    assert [(v.holds, v.detail, tuple(v.witness)) for v in kept if v] == [
        (v.holds, v.detail, v.witness) for v in walked if v]
    assert kept


@pytest.mark.parametrize("variant", ["ts33401", "seed-fs", "tr33821-v070"])
def test_forward_summary_judges_each_attacker_as_alone(variant: str) -> None:
    """What the summary keeps for every attacker (the last hop each set of entities served,
    the promise between a last legitimate KeNB and a later one) changes no attacker's
    judgement; with ``:early`` hops, where the promise's assumption breaks."""
    schedule = load(variant)
    run = run_scenario(schedule, parse_hops(MIXED + ",x2,x2:early,x2,s1,x2:early"))
    facts = evaluate(run).facts
    claim = ForwardSecurity(schedule, run.topology)
    kept = _Kept({}, {})
    together = [claim._judged(facts, a, kept=kept) for a in facts.attackers]
    assert together == [claim._judged(facts, a) for a in facts.attackers]
    assert kept.served and kept.promise and sum(map(len, together)) > len(facts.attackers)


@given(st.lists(st.tuples(st.integers(1, 3), st.integers(1, 6), st.integers(1, 4),
                          st.sampled_from([None, "nothing promised", "outside"])), max_size=12))
def test_a_suffix_of_later_kenbs_reads_as_its_own_list(drawn: list[tuple[int, int, int,
                                                                          str | None]]) -> None:
    """What the summary reads of each suffix of a chain's later KeNBs (``LaterKeNBs``),
    against the same read off that suffix alone: the largest distance, the failure named
    (the first that breaks a promise, else the first no promise covers, else the first
    failure: distance + 1 > n promised) and why it is outside the promise, whether one breaks
    it, the first of the worst (among those that break a promise, if any do, else among those
    no promise covers), the hops as ``hop_list`` writes them. helper-152: seed-fs, KASME
    revealed, derives an X2 hop's KeNB (nothing promised) and an S1 hop's (outside the
    promise): "outside the promise" only where every failure is, as a claim's word says. The
    text names each KeNB by its handover (``shown``: here each after a handover that never
    completed)."""
    hops, judged, hop = [], [], 0
    for step, distance, wanted, outside in drawn:
        hop += step
        hops.append(hop)
        judged.append(Judgement(distance, wanted, outside, outside == "nothing promised"))
    shown = [h + n for n, h in enumerate(hops)]
    later = LaterKeNBs(hops, judged, shown)
    for k in range(len(hops) + 1):
        rest: list[tuple[int, Judgement]] = list(zip(hops[k:], judged[k:], strict=True))
        failing = [(j, o) for j, (d, w, o, _) in rest if d + 1 > w]
        broken = [(j, o) for j, o in failing if o is None]
        uncovered = [(j, o) for j, (d, w, o, u) in rest if d + 1 > w and u]
        read = later.suffix(k)
        assert (read.size, read.text, read.n, read.last) == (
            len(rest), hop_list(shown[k:]), 1 + max((d for _, (d, *_) in rest), default=0),
            hops[-1] if rest else None)
        assert (read.failing, read.outside) == ((broken or uncovered or failing)[0] if failing
                                                else (None, None))
        assert (read.broken, read.uncovered) == (bool(broken), not broken and bool(uncovered))
        among = [(j, x) for j, x in rest if (j, x.outside) in (broken or uncovered)] or rest
        margins = [d + 1 - w for _, (d, w, *_) in among]
        assert read.worst == (among[margins.index(max(margins))][0] if among else None)


@pytest.mark.parametrize("variant", ["ts33401", "seed-fs", "tr33821-v070"])
def test_forward_summary_reads_a_chain_as_each_attacker_alone(variant: str) -> None:
    """The later KeNBs an attacker derives, read from its chain's (``_chained``: a suffix of
    them, or those enough of the chain know), are those it is judged to derive alone: every
    attacker of the default ones, with ``:early`` hops; each of the two ways is taken, and
    most attackers are read from their chain."""
    schedule = load(variant)
    run = run_scenario(schedule, parse_hops(MIXED + ",x2,x2:early,x2,s1,x2:early"))
    facts = evaluate(run).facts
    claim = ForwardSecurity(schedule, run.topology)
    kept, ways = _Kept(), set()
    for a in facts.attackers:
        chained = claim._chained(facts, a, kept)
        if chained is None:
            continue
        later, derivable, safe = chained
        judged = claim._judged(facts, a)
        alone = LaterKeNBs(sorted(judged), [judged[j] for j in sorted(judged)],
                           facts.hops_of(sorted(judged))).suffix(0)
        assert (later, derivable) == (claim.later(facts, a), alone)
        assert safe == next((j for j in later if j not in judged), None)
        ways.add(bool(judged) and max(later) in judged and len(judged) == len(later) - (
            later.index(min(judged))))
    assert ways == {True, False}
    assert sum(1 for a in facts.attackers if claim._chained(facts, a, kept)) > len(
        facts.attackers) // 2


# tr33821-v070 promises no forward security: no verdict names a promise
@pytest.mark.parametrize(("variant", "named"), [("ts33401", True), ("seed-fs", True),
                                                ("tr33821-v070", False)])
def test_forward_summary_names_each_promise_as_for_each_attacker_alone(variant: str,
                                                                        named: bool) -> None:
    """The promises a holding verdict names (``_each_promise``), found once for the attackers
    that share its inputs (a chain's: the same entities and later KeNBs), are those found for
    each attacker alone; most are shared, and where promised some name more than one."""
    schedule = load(variant)
    run = run_scenario(schedule, parse_hops(MIXED + ",x2,x2:early,x2,s1,x2:early"))
    facts = evaluate(run).facts
    claim = ForwardSecurity(schedule, run.topology)
    kept = _Kept()
    # each attacker's later KeNBs, and their second half (as for one that knows a later
    # KeNB of its own): the same entities, other later KeNBs
    asked = [(a, later[start:]) for a in facts.attackers if (later := claim.later(facts, a))
             for start in (0, len(later) // 2)]
    together = [claim._each_promise(facts, a, later, kept) for a, later in asked]
    assert together == [claim._each_promise(facts, a, later, _Kept()) for a, later in asked]
    assert len(kept.each) < len(asked) // 2 and any(together) == named


def test_each_edit_of_a_message_has_its_own_name_which_names_it_back() -> None:
    """``:edit=`` names an edit by ``Edit.name``: over every message of runs of each built-in
    variant, no two edits of one message share a name, by its receiver (``edits``) or its
    sender (``built``), and the name finds that edit."""
    for variant in ("ts33401", "seed-fs", "tr33821-v070"):
        run = run_scenario(load(variant), parse_hops("x2,s1,s1-inter,intra-enb"))
        addable = run.variant.command_fields()
        for step in run.system.steps:
            fields = step.message.fields
            for found in (edits(fields, addable), built(fields, run.topology.enbs)):
                names = [edit.name(fields) for edit in found]
                assert len(set(names)) == len(names), (step.message, names)
                assert all(named(fields, name, Writable(addable, run.topology.enbs)) == edit
                           for name, edit in zip(names, found, strict=True))


@pytest.mark.parametrize("text", [
    "x2@enb-2/cell-1:early:edit=HandoverRequest/AS-SecurityInformation/NCC=1",
    "s1:replay:edit=HandoverRequired/security/UE supports KeNB*+=False:early",
    "s1-inter:edit=HandoverCommand/container/+NCC=3:edit=HandoverCommand/container/-NCC",
])
def test_a_hop_with_edits_reads_back_as_written(text: str) -> None:
    spec = HopSpec.parse(text)
    assert HopSpec.parse(str(spec)) == spec
    assert len(spec.edits) == text.count(":edit=")
    assert all(edit in text for edit in spec.edits)


def _no_check_line(fault: str) -> str:
    """Why a trace of one handover start and one ``fault`` (index 0) has no check line."""
    topology = small_topology()
    exploration = Exploration(load("ts33401"), topology, EXPLORATION_KASME)
    exploration.start_handover(0)
    getattr(exploration, fault)(0)
    trace = tuple(exploration.trace)
    exploration.close()
    found = check_hops(load("ts33401"), trace, topology, EXPLORATION_KASME, DEFAULT)
    assert found.hops == () and found.reason is not None
    return found.reason


def test_a_trace_with_a_drop_has_no_check_line_and_says_why() -> None:
    assert "it needs a drop (action 2: drop RRC MeasurementReport ue->enb-1)" in (
        _no_check_line("drop"))
    # an injection is named by its step: its text is the message's repr, key bytes and all
    assert "it needs an injection (action 2)," in _no_check_line("inject")


def test_an_edited_check_hop_is_judged_on_its_edit_not_by_the_search() -> None:
    """TS 33.401 7.2.8.4.3: on an S1 handover the UE takes the NCC of the HO command and
    derives KeNB* from the NH of that NCC (A.4, A.5). enb-1, compromised, flips the NCC 2 of
    the S1AP HandoverCommand it relays to 3: the UE derives from NH(3), the target has NH(2),
    so the target refuses the HO confirm (denial, after that edit), and enb-1, which holds no
    NH, is not on the UE's KeNB (capture holds, after that edit: not the search's verdict,
    which finds a capturing edit on this hop)."""
    hops = "s1@enb-3/cell-1:edit=HandoverCommand/container/NCC=3"
    _, out = _check("--variant", "ts33401", "--topology", "small", "--hops", hops,
                    "--compromise", "enb-1@1", "--json")
    claims = {c["name"]: c for c in json.loads(out)["claims"]}
    [denial] = claims["handover-denial"]["verdicts"]
    assert denial["hop"] == 1 and not denial["holds"]
    assert denial["detail"].startswith("after enb-1 edited a message of handover 1, the target "
                                       "enb-3 refuses the HO confirm ("), denial["detail"]
    [capture] = claims["fake-cell-capture"]["verdicts"]
    assert capture["holds"] and "(the hops' edit)" in capture["detail"]
    _, out = _check("--variant", "ts33401", "--topology", "small", "--hops", "s1@enb-3/cell-1",
                    "--compromise", "enb-1@1", "--json")
    [searched] = {c["name"]: c for c in json.loads(out)["claims"]}["fake-cell-capture"][
        "verdicts"]
    assert not searched["holds"]


def test_a_check_hop_with_its_own_edit_is_not_searched_for_others() -> None:
    """One edit per hop, as ``verify`` makes one per path: a hop that names its edit and
    completes (ts33401 S1: a keyChangeIndicator added by enb-1) has one verdict of each edit
    claim, the engine's on that edit, none from the search over the source's edits."""
    hops = "s1@enb-3/cell-1:edit=HandoverCommand/container/keyChangeIndicator=True"
    _, out = _check("--variant", "ts33401", "--topology", "small", "--hops", hops,
                    "--compromise", "enb-1@1", "--json")
    claims = {c["name"]: c for c in json.loads(out)["claims"]}
    for name in ("downgrade-resistance", "handover-denial", "fake-cell-capture"):
        [verdict] = claims[name]["verdicts"]
        assert "(the hops' edit)" in verdict["detail"], verdict


def test_a_hop_with_two_edits_names_both() -> None:
    """dev43: a hop that names two edits is judged on both (the run without them is the
    one compared, ``evaluate._unedited``), but the verdict named the first alone, "after
    enb-1's edit of X2AP HandoverRequest enb-1->enb-2 (the hops' edit)", as if the other
    (the new C-RNTI removed from the HandoverRequestAcknowledge it relays, which makes the
    UE refuse the HO command, TS 36.331 5.3.5.4) had not been made."""
    hops = ("x2@enb-2/cell-1:edit=HandoverRequest/AS-SecurityInformation/NCC=1"
            ":edit=HandoverRequestAcknowledge/container/-new C-RNTI")
    _, claims = _claims("--variant", "ts33401", "--hops", hops, "--compromise", "enb-1@1")
    [why] = claims["fake-cell-capture"]["cut"]
    assert why.startswith(
        "not exercised: after enb-1's edits of X2AP HandoverRequest enb-1->enb-2 and X2AP "
        "HandoverRequestAcknowledge enb-2->enb-1 (the hops' edits), its situation did not "
        "arise"), why
    assert why.endswith("hop 1 is judged on the hops' edits alone (the other edits of hop 1 "
                        "were not searched)"), why


def test_two_edits_of_one_message_are_made_by_its_relay() -> None:
    """edit48: a hop may name any number of edits, and two of one message are made in turn
    by the eNB that may make each. enb-1 relays the X2AP HANDOVER REQUEST ACKNOWLEDGE's
    container, the HO command of TS 36.423 9.1.1.2, and may flip its keyChangeIndicator and
    each bit of its NCC (a relay's edits, docs/commands.md). Each alone was accepted; the
    two together were refused, "its receiver enb-1 may not make this edit; only its sender
    enb-2 ... may", because the change they make together was compared with each single
    edit."""
    hops = ("x2@enb-2/cell-1:edit=HandoverRequestAcknowledge/container/keyChangeIndicator=True"
            ":edit=HandoverRequestAcknowledge/container/NCC=1")
    code, claims = _claims("--variant", "ts33401", "--hops", hops, "--compromise", "enb-1@1")
    assert code == 0
    # both are enb-1's: without them it derives hop 1's KeNB horizontally (TS 33.401
    # 7.2.8.4.3), so capture needed neither (``test_downgrade_words``)
    [capture] = claims["fake-cell-capture"]["verdicts"]
    assert capture["detail"].startswith("no edit of hop 1 needed: run without enb-1's edit,")
    [why] = claims["downgrade-resistance"]["not_judged"]
    assert why.endswith("hop 1 is judged on the hops' edits alone (the other edits of hop 1 "
                        "were not searched)"), why



def test_edits_of_one_message_that_cancel_out_are_refused(
        capsys: pytest.CaptureFixture[str]) -> None:
    """review49: NCC=1 then NCC=0 on a HandoverRequestAcknowledge whose NCC is 0 leave it as
    it was: the hop ran unedited and was searched as if nothing had been named, without a
    word. Refused, one line, as an edit that changes nothing is."""
    hops = ("x2@enb-2/cell-1:edit=HandoverRequestAcknowledge/container/NCC=1"
            ":edit=HandoverRequestAcknowledge/container/NCC=0")
    assert main(["check", "--variant", "ts33401", "--hops", hops,
                 "--compromise", "enb-1@1"]) == 2
    err = capsys.readouterr().err
    assert "change nothing together" in err and err.count("\n") == 1, err


# The edit claims, and the two reviewer runs (review17 finding 1) in which an edit by enb-1
# with the target enb-3 compromised too read "holds": an attacker that holds the target runs
# the real target cell on the UE's KeNB, so a stronger attacker never gets a weaker verdict
# (/work/shared/spec handover-keys section 7: capture is the attacker serving the UE on a
# KeNB it derives).
EDIT_CLAIMS = ("downgrade-resistance", "handover-denial", "fake-cell-capture")
PROMISES_NO_CAPTURE = str(TESTS / "attack_variants/promises_no_capture.py")
BIT_UNPROTECTED = str(TESTS / "broken_variants/bit_unprotected.py")


def _claims(*args: str) -> tuple[int, dict[str, dict]]:
    code, out = _check(*args, "--topology", "small", "--json")
    return code, {c["name"]: c for c in json.loads(out)["claims"]}


@pytest.mark.parametrize(("variant", "edit"), [
    (PROMISES_NO_CAPTURE, "HandoverCommand/for UE/-NAS-PDU"),
    (BIT_UNPROTECTED, "HandoverRequired/security/UE supports KeNB*+=False"),
])
def test_an_edit_never_turns_capture_by_source_and_target_into_holds(variant: str,
                                                                      edit: str) -> None:
    both = ("--compromise", "enb-1@1", "--compromise", "enb-3@1")
    code, plain = _claims("--variant-file", variant, "--hops", "s1@enb-3/cell-1", *both)
    code_edited, edited = _claims("--variant-file", variant, "--hops",
                                  f"s1@enb-3/cell-1:edit={edit}", *both)
    assert not plain["fake-cell-capture"]["holds"]
    [verdict] = edited["fake-cell-capture"]["verdicts"]
    assert not verdict["holds"], verdict
    assert verdict["promised"] == plain["fake-cell-capture"]["promise_broken"]
    # no lower: bit_unprotected's edit puts the UE on the 1-hop KeNB, which enb-1, the part
    # of the attacker without enb-3 (``Attacker.parts``), derives: forward security fails,
    # promised, as against enb-1@1 alone
    assert code_edited >= code


def _command_edits(variant: str) -> list[str]:
    """Every edit of the S1AP HandoverCommand (enb-1 receives it: its editor whoever else
    the attacker holds) of the S1 hop enb-1 -> enb-3."""
    run = run_scenario(load_variant_file(variant) if variant.endswith(".py") else load(variant),
                       parse_hops("s1@enb-3/cell-1"), topology=small_topology())
    fields = next(s.message.fields for s in run.system.steps
                  if s.message.kind.title == "S1AP HandoverCommand")
    found = [f"HandoverCommand/{e.name(fields)}"
             for e in edits(fields, run.variant.command_fields())]
    assert found
    return found


@pytest.mark.parametrize("variant", ["ts33401", BIT_UNPROTECTED, PROMISES_NO_CAPTURE])
def test_adding_a_compromise_never_turns_an_edit_claim_failure_into_holds(
        variant: str) -> None:
    """Over every edit of the HandoverCommand: what fails against enb-1 fails against enb-1
    and the target enb-3, or is not judged, with the reason (never "holds", never vacuous)."""
    source = "--variant-file" if variant.endswith(".py") else "--variant"
    for edit in _command_edits(variant):
        hops = ("--hops", f"s1@enb-3/cell-1:edit={edit}")
        _, weak = _claims(source, variant, *hops, "--compromise", "enb-1@1")
        _, strong = _claims(source, variant, *hops, "--compromise", "enb-1@1",
                            "--compromise", "enb-3@1")
        for name in EDIT_CLAIMS:
            if not weak[name]["holds"]:
                assert not strong[name]["holds"] or (strong[name]["not_judged"]
                                                     and not strong[name]["vacuous"]), (
                    edit, name, strong[name])


# coalition24 (review26's differential sweep): all compromises form one attacker, and the
# definitions are per eNB (/work/shared/spec handover-keys section 5, TS 33.501 3.1: "an eNB
# that knows its KeNB cannot compute any earlier KeNB used between the same UE and an earlier
# eNB", nor "predict any future KeNB used between the same UE and another eNB"): an attacker
# that also holds the eNB whose KeNB another of its eNBs derives still breaks the promise.
ONE_HOP = str(TESTS / "attack_variants/x2_one_hop.py")
SENDS_OWN = str(TESTS / "attack_variants/x2_source_sends_own_kenb.py")
SMALL_HOPS = ("intra-enb@enb-1/cell-2,x2@enb-2/cell-1,x2@enb-3/cell-1:early,"
              "s1@enb-1/cell-2:early")
BACK_AND_FORTH = "x2@enb-2/cell-1,x2@enb-1/cell-2:early,x2@enb-2/cell-1,x2@enb-3/cell-1"


@pytest.mark.parametrize(("run", "weak", "added"), [
    (("--variant-file", ONE_HOP, "--hops", "x2@enb-2/cell-1"), ("enb-1@1",), "enb-2@1"),
    (("--variant-file", SENDS_OWN, "--hops", "s1@enb-3/cell-2,x2@enb-2/cell-2"), ("enb-2@1",),
     "enb-3@1"),
    (("--variant-file", SENDS_OWN, "--hops", "s1@enb-3/cell-2,x2@enb-2/cell-2"), ("enb-2@1",),
     "enb-3@2"),
    (("--variant-file", ONE_HOP, "--topology", "small", "--hops", SMALL_HOPS),
     ("enb-2@2", "enb-4@1"), "enb-3@2"),
    (("--variant-file", SENDS_OWN, "--topology", "small", "--hops", BACK_AND_FORTH),
     ("mme-1@4",), "enb-3@4"),
    (("--variant-file", BIT_UNPROTECTED, "--hops",
      "s1@enb-3/cell-1:edit=HandoverRequired/security/UE supports KeNB*+=False"), ("enb-1@1",),
     "enb-3@1"),
])
def test_a_stronger_attacker_never_gets_a_weaker_key_verdict(run: tuple[str, ...],
                                                             weak: tuple[str, ...],
                                                             added: str) -> None:
    """One more compromise never lowers the exit code, nor a failure of backward or forward
    security (a broken promise stays broken, a failure stays one, never "never arose")."""
    def check(compromises: tuple[str, ...]) -> tuple[int, dict[str, dict]]:
        code, out = _check(*run, *(a for c in compromises for a in ("--compromise", c)),
                           "--json")
        return code, {c["name"]: c for c in json.loads(out)["claims"]}

    code, weaker = check(weak)
    code_strong, stronger = check((*weak, added))
    assert code_strong >= code
    for name in ("backward-security", "forward-security"):
        if not weaker[name]["holds"]:
            assert not stronger[name]["holds"] and not stronger[name]["vacuous"], stronger[name]
            assert stronger[name]["promise_broken"] >= weaker[name]["promise_broken"]


def test_a_part_of_a_coalition_is_named_by_what_it_holds() -> None:
    """enb-1 derives the KeNB* it sends enb-2 (x2_one_hop): holding enb-2 too, the attacker's
    part without enb-2 fails forward security, named by what it holds and what it is without."""
    _, out = _check("--variant-file", ONE_HOP, "--hops", "x2@enb-2/cell-1", "--compromise",
                    "enb-1@1", "--compromise", "enb-2@1", "--json")
    forward = next(c for c in json.loads(out)["claims"] if c["name"] == "forward-security")
    [failure] = [v for v in forward["verdicts"] if not v["holds"]]
    assert failure["attacker"] == "radio observer + enb-1@1 (without enb-2)"
    assert failure["promised"]


def test_downgrade_left_to_forward_security_says_why_without_an_edit() -> None:
    """review26 #2: the source of the S1 hop and KASME derive its honest KeNB (TS 33.401
    A.4), so its edits are not judged for downgrade: said as the ``:edit=`` path says it,
    not as a situation that never arose. Its eNBs alone, against which the promise is made
    (TS 33.401 7.2.8), are judged instead (downgrade35): enb-1 alone cannot downgrade seed-fs's
    S1 hop, as ``--compromise enb-1@1`` alone says; the reason names the attacker it is for.
    situ38: the UE or the target refuses each of enb-1's edits that reaches it (the claim's
    situation, which could have failed), so the promise holds against the eNBs alone, as
    ``--compromise enb-1@1`` alone and ``verify`` say it (agree37 read "vacuous")."""
    _, out = _check("--variant", "seed-fs", "--hops", "s1", "--compromise", "enb-1@1",
                    "--compromise", "KASME@1", "--json")
    downgrade = next(c for c in json.loads(out)["claims"] if c["name"] == "downgrade-resistance")
    assert not downgrade["vacuous"] and downgrade["verdict"] == "holds"
    assert downgrade["not_judged"] == ["radio observer + enb-1@1, KASME@1 derives the honest "
                                       "KeNB of handover 1 without an edit of it by enb-1 "
                                       "(not a downgrade)"]
    [verdict] = downgrade["verdicts"]
    assert verdict["attacker"] == "radio observer + enb-1@1 (without KASME)"
    assert "of them, and refused each: " in verdict["detail"] and not downgrade["never_arose"]


def test_a_claim_an_edit_leaves_unjudged_says_why_not_vacuous() -> None:
    """review17 findings 3-5: the authentication claims leave an edited handover to the
    edit claims; a HO command edited so that the UE refuses it (its PDCP COUNT 1 made 0, a COUNT
    already used; review21: a COUNT is flipped in its lowest bit only, 3 is no edit of it) gives
    capture and downgrade nothing to judge on that edit, and the search of the other
    edits did not run; an edit by the target itself is judged by none of the three."""
    _, claims = _claims("--variant-file", BIT_UNPROTECTED, "--hops",
                        "s1@enb-3/cell-1:edit=RRCConnectionReconfiguration/COUNT=0",
                        "--compromise", "enb-1@1")
    for name in ("aliveness", "agreement", "injective-agreement", "ue-agreement"):
        assert not claims[name]["vacuous"]
        assert claims[name]["cut"] == [f"not judged: a compromised eNB (enb-1) edited handover "
                                       f"1: {name} speaks of honest peers, and the edit claims "
                                       "judge the edit"]
    # agree37: capture's situation did not arise after that edit (not promised: n/a, not
    # vacuous), as verify says it, and why; situ38: downgrade-resistance's did (the UE judged
    # the edited HO command, and refused it), and it holds, saying how the hop ended
    capture = claims["fake-cell-capture"]
    assert not capture["vacuous"] and not capture["verdicts"]
    [why] = capture["cut"]
    assert why.startswith("not exercised: after enb-1's edit of RRC ") \
        and "its situation did not arise" in why
    assert why.endswith("hop 1 is judged on the hops' edit alone (the other edits of hop 1 "
                        "were not searched)")
    [verdict] = claims["downgrade-resistance"]["verdicts"]
    assert verdict["holds"] and "; after it, the UE refuses the HO command (PDCP COUNT 0 " \
        "already used (replay)); hop 1 is judged on the hops' edit alone" in verdict["detail"]
    _, claims = _claims("--variant", "ts33401", "--hops",
                        "s1@enb-3/cell-1:edit=HandoverRequest/SecurityContext/NCC=3",
                        "--compromise", "enb-3@1")
    for name in EDIT_CLAIMS:
        [why] = claims[name]["cut"]
        assert why.startswith("not judged: enb-3, which edited handover 1, is its target"), why


@pytest.mark.parametrize("compromise", [
    "KASME@2", "ue@1",
    "enb-4@1",  # a bystander
    "enb-1@2",  # the source of hop 1, from hop 2 on (its target)
])
def test_edit_claims_with_no_compromised_source_say_why_they_judged_nothing(
        compromise: str) -> None:
    """review46 #2: with no hop's source eNB compromised by its hop, the edit claims judge no
    edit. downgrade-resistance (promised by seed-fs) read "vacuous" with its situation,
    handover-denial and fake-cell-capture "no hop of this run to which the claim applies":
    the same cause in two ways, neither naming it. Each now says it, the same way."""
    _, claims = _claims("--variant", "seed-fs", "--hops", "s1,s1", "--compromise", compromise)
    for name in EDIT_CLAIMS:
        assert not claims[name]["verdicts"]
        assert claims[name]["cut"] == [
            "not exercised: no hop's source eNB (enb-1 in hop 1 and enb-3 in hop 2) is "
            "compromised by its hop: "
            "these claims judge a compromised source eNB's edits of what it relays and sends"]
    assert claims["downgrade-resistance"]["vacuous"]  # promised by seed-fs on S1 hops
    assert claims["handover-denial"]["verdict"] == "n/a"  # not promised


def test_a_long_run_names_each_source_enb_once() -> None:
    """The reason above grows with the eNBs, not with the hops: each source once, its hops
    as ranges (an X2 chain enb-1 - enb-2 - enb-3 and back)."""
    _, claims = _claims("--variant", "ts33401", "--hops", ",".join(["x2"] * 8),
                        "--compromise", "KASME@1")
    assert claims["handover-denial"]["cut"] == [
        "not exercised: no hop's source eNB (enb-1 in hops [1, 5], enb-2 in hops [2, 4, 6, 8] "
        "and enb-3 in hops [3, 7]) is compromised by its hop: these claims judge a "
        "compromised source eNB's edits of what it relays and sends"]


@pytest.mark.parametrize(("hops", "compromises"), [
    ("x2@enb-2/cell-1,x2@enb-1/cell-1", ["enb-1@1"]),  # review19 finding 2
    ("x2,x2,x2", ["enb-1@1", "enb-3@3"]),  # review18 finding 2
    ("x2@enb-2/cell-1,x2@enb-1/cell-1", ["enb-1@2"]),  # review20: compromised once back
])
def test_backward_security_left_to_forward_security_is_not_judged_not_vacuous(
        hops: str, compromises: list[str]) -> None:
    """The UE comes back to (or reaches) an eNB whose attacker also holds the X2 source of
    the hop that took it away: that source derived the KeNB used while the UE was away, which
    TS 33.401's 2-hop forward security (7.2.8.1) leaves to it, so the attacker has no earlier
    KeNB. The situation arose: backward security says it left it to forward security, it
    does not read "never arose". (With enb-3 too, that attacker's part without enb-1 is
    judged beside it, ``Attacker.parts``: enb-3 alone derives no earlier KeNB; and its part
    without enb-3, enb-1@1 alone, has none at all: hop 0's KeNB is its own, coalition28.)"""
    _, claims = _claims("--variant", "ts33401", "--hops", hops,
                        *(a for c in compromises for a in ("--compromise", c)))
    backward = claims["backward-security"]
    assert not backward["vacuous"] and backward["holds"]
    assert all(v["attacker"].endswith("(without enb-1)") for v in backward["verdicts"])
    [why, *others] = backward["not_judged"]
    assert others == ([] if len(compromises) == 1 else [
        "radio observer + enb-1@1 (without enb-3) has no earlier KeNB: the first KeNB of the "
        "run (hop 0) is its own"])
    assert "has no earlier KeNB: those of hop(s) [1], used while the UE was away" in why, why
    assert why.endswith("(backward security does not judge them, whether or not the attacker "
                        "derives them)"), why


# (variant, hops, seed, compromises): a sample of coalition28's sweep (random hops, 2-4
# compromises), each with an attacker that had neither verdict nor reason before (the sweep
# also compromised enb-1@2 beside enb-1@1, enb-2@4 beside enb-2@3, which check now refuses as
# adding nothing: the verdicts were the same without them)
COALITIONS = [
    ("ts33401", "x2,x2,s1,x2", 0, ("enb-1@1", "enb-3@2", "enb-2@3")),  # the brief's
    ("ts33401", "s1-inter,intra-enb,s1-inter,s1-inter,intra-enb", 98, ("enb-7@3", "enb-6@4")),
    ("tr33821-v070", "x2,s1", 21, ("enb-4@1", "enb-5@2", "enb-2@2")),
    ("seed-fs", "intra-enb,x2", 33, ("enb-1@1", "enb-2@2")),
    ("attack_variants/k_ho_to_enb.py", "intra-enb,intra-enb,x2,intra-enb", 31,
     ("enb-2@3", "enb-1@1")),
]


@pytest.mark.parametrize(("variant", "hops", "seed", "compromises"), COALITIONS)
def test_every_attacker_of_a_check_has_a_verdict_or_a_reason(
        variant: str, hops: str, seed: int, compromises: tuple[str, ...]) -> None:
    """coalition28: a user who asked about an attacker holding several eNBs reads, for
    backward and forward security, per attacker judged (the whole, named in the attacker
    line, and each part without one of its eNBs, ``Attacker.parts``: both claims are per eNB,
    TS 33.501 3.1), its verdict or why it was not judged; or the claim, vacuous or n/a for
    every attacker, says why once. With three eNBs the whole held every eNB the UE was at
    and had neither: "another eNB" (TS 33.501 3.1) never arose for it."""
    whole = Attacker(tuple(Compromise(who, int(hop))
                           for who, hop in (c.split("@") for c in compromises)))
    code, out = _check(*(("--variant-file", str(TESTS / variant)) if variant.endswith(".py")
                         else ("--variant", variant)),
                       "--hops", hops, "--seed", str(seed), "--json",
                       *(a for c in compromises for a in ("--compromise", c)))
    doc = json.loads(out)
    assert code in (0, 1) and doc["attacker"] == str(whole)
    names = [str(a) for a in (whole, *whole.parts(default_topology().enbs))]
    for claim in doc["claims"]:
        if claim["name"] not in ("backward-security", "forward-security") or (
                claim["vacuous"] or not claim["applies"]):
            continue
        judged = {v["attacker"] for v in claim["verdicts"]}
        for name in names:  # a reason starts with its attacker's name (not a longer one's)
            said = [why for why in claim["not_judged"] if why.startswith(f"{name} ") and not any(
                why.startswith(f"{other} ") for other in names if len(other) > len(name))]
            assert (name in judged) != bool(said), (claim["name"], name, said)


def test_an_enb_added_to_a_check_keeps_a_broken_promise_broken() -> None:
    """coalition28's sweep: adding a compromise never turns a broken promise into exit 0
    (docs/claims.md, coalitions). enb-3, the source of S1 hop 4, leaves out the KeNB*+
    support bit and puts the UE and the honest target enb-1 on a KeNB it derives (SA3's
    downgrade). With enb-1 compromised from hop 5 too, the whole holds hop 4's KeNB anyway
    (enb-1 served with it): not a downgrade for it, and the exit code was 0; its part
    without enb-1 is enb-3 alone, whose failure stands."""
    hops = ("--variant-file", str(TESTS / "attack_variants" / "capability_presence.py"),
            "--hops", "s1-inter,s1-inter,intra-enb,s1,intra-enb,x2", "--seed", "95",
            "--compromise", "enb-3@3")
    alone, _ = _check(*hops)
    code, out = _check(*hops, "--compromise", "enb-1@5", "--json")
    assert alone == code == 1
    [downgrade] = [c for c in json.loads(out)["claims"] if c["name"] == "downgrade-resistance"]
    assert [(v["attacker"], v["verdict"]) for v in downgrade["verdicts"]] == [
        ("radio observer + enb-3@3 (without enb-1)", "FAILS (promised)")]


def test_a_witness_derives_a_key_the_attacker_holds_where_it_can() -> None:
    """review19: a witness that read only "holds KeNB[hop 0]" showed no derivation path. The
    UE holds every KeNB it used, and KASME: its witness for hop 0's KeNB is the derivation
    TS 33.401 A.3 gives (KeNB = KDF(KASME, FC=0x11, uplink NAS COUNT)), from KASME."""
    _, claims = _claims("--variant", "ts33401", "--hops", "s1", "--compromise", "ue@1")
    [failure] = [v for v in claims["backward-security"]["verdicts"] if not v["holds"]]
    assert failure["witness"][0] == "holds KASME", failure["witness"]
    assert failure["witness"][1].startswith("KeNB[hop 0] = KDF(KASME, FC=0x11, uplink NAS "
                                            "COUNT=0)  [TS 33.401 A.3]"), failure["witness"]


def test_a_backward_failure_names_its_attacker_once() -> None:
    """coalition28: check's line for a backward-security failure read "hop 1, radio observer
    + ue@1: fails (...): radio observer + ue@1 (compromised in hop 1) derives ...": its
    attacker and hop were said twice (and, for a coalition, "compromised in hop" named only
    its first compromise). A finding of explore, printed alone, still names them."""
    _, text = _check("--variant", "ts33401", "--hops", "s1", "--compromise", "ue@1")
    [line] = [line for line in text.splitlines()
              if line.startswith("    hop 1, radio observer + ue@1: fails") and "earlier" in line]
    assert line.endswith("attacker holds the UE's keys): derives the KeNB of earlier hop(s) "
                         "[0] (used before its compromise in hop 1)"), line


@pytest.mark.parametrize(("variant", "hops", "compromise", "ending"), [
    # enb-4 is prepared for handover 2 with NH[NCC 1] again and derives enb-3's KeNB of hop 1
    # (TS 33.401 A.5 from that NH); the UE never comes to it
    ("broken_variants/mme_reuses_nh.py", "s1@enb-3/cell-1,s1-inter@enb-4/cell-1", "enb-4@1",
     "(earlier than enb-4's own KeNB, the one it was prepared with as the target of "
     "handover 2)"),
    # the probe's X2 source enb-3 also sends its own KeNB of hop 1 to enb-2, which serves hop 2
    ("attack_variants/x2_source_sends_own_kenb.py", "s1@enb-3/cell-2,x2@enb-2/cell-2",
     "enb-2@1", "(earlier than enb-2's own KeNB, of hop 2)"),
])
def test_a_backward_failure_says_what_the_key_is_earlier_than(
        variant: str, hops: str, compromise: str, ending: str) -> None:
    """newcomer #5: "hop 1, radio observer + enb-4@1: FAILS (promised): derives the KeNB of
    earlier hop(s) [1]" did not say earlier than what, and read as earlier than the hop of
    the compromise, which is hop 1 itself. It is earlier than the attacker's own KeNB (TS
    33.501 3.1: "an eNB that knows its KeNB"), named as the other lines name it: a hop it
    served in, or the handover that prepared it as a target."""
    topology = ["--topology", "small"] if "enb-4" in hops else []  # enb-4 has one cell there
    _, text = _check("--variant-file", str(TESTS / variant), *topology, "--hops", hops,
                     "--compromise", compromise)
    [line] = [line for line in text.splitlines()
              if line.startswith(f"    hop 1, radio observer + {compromise}: FAILS") and
              "earlier hop(s)" in line]
    assert line.endswith(f"derives the KeNB of earlier hop(s) [1] {ending}"), line


def test_outside_the_promise_names_what_the_attacker_holds() -> None:
    """text38: "the attacker holds ue" and "holds mme-1" named an entity, not what it holds.
    TS 33.401 7.2.8.1 promises backward security against a compromised eNB; a failure of an
    attacker that holds more is outside it for what it holds beyond eNBs: a party's keys
    (the UE's, an MME's) or a key revealed (KASME), each named, eNBs not."""
    _, text = _check("--variant", "ts33401", "--hops", "x2,s1", "--compromise", "enb-1@1",
                     "--compromise", "ue@1", "--compromise", "mme-1@1",
                     "--compromise", "KASME@1")
    _, [line] = _lines_of(text, "backward-security")  # its row: "fails (outside the promise)"
    assert ("(TS 33.401 7.2.8.1), and the attacker holds KASME, mme-1's keys and the UE's "
            "keys): ") in line, line


def _trace(texts: list[str], variant: str = "ts33401") -> tuple[Action, ...]:
    """The actions of ``texts`` (compromises, starts and deliveries, as a trace prints them)
    on the small topology, each found among the parties, cells or messages it may name."""
    exploration = Exploration(load(variant), small_topology(), EXPLORATION_KASME)
    for text in texts:
        if text.startswith("compromise "):
            targets = DEFAULT.targets(exploration.system.topology, exploration.system.variant)
            exploration.compromise(targets.index(text.removeprefix("compromise ")))
        elif text.startswith("start handover to "):
            cell = text.removeprefix("start handover to ").split()[0]
            index = [c.name for c in exploration.neighbours()].index(cell)
            assert exploration.start_handover(index).text == text
        else:
            index = [f"deliver {m}" for m in exploration.system.in_flight].index(text)
            exploration.deliver(index)
    trace = tuple(exploration.trace)
    exploration.close()
    return trace


# Two X2 hops, enb-1 -> enb-2 -> enb-1; the second starts (the UE's Measurement Report is
# sent) before the first's HO confirm arrives, as in review19's stale-ps-nh finding.
X2_FIRST = ["start handover to enb-2/cell-1 (x2)",
            "deliver RRC MeasurementReport ue->enb-1",
            "deliver X2AP HandoverRequest enb-1->enb-2",
            "deliver X2AP HandoverRequestAcknowledge enb-2->enb-1",
            "deliver RRC RRCConnectionReconfiguration (HO command) enb-1->ue",
            "start handover to enb-1/cell-1 (x2)",
            "deliver RRC RRCConnectionReconfigurationComplete (HO confirm) ue->enb-2",
            "deliver S1AP PathSwitchRequest enb-2->mme-1"]
ACK = "deliver S1AP PathSwitchRequestAcknowledge mme-1->enb-2"
REPORT = "deliver RRC MeasurementReport ue->enb-2"


@pytest.mark.parametrize(("order", "early"), [([ACK, REPORT], False), ([REPORT, ACK], True)])
def test_a_check_hop_is_early_where_its_report_arrived_before_the_path_switch_ack(
        order: list[str], early: bool) -> None:
    """TS 33.401 7.2.8.4.2: the eNB that decides a handover before the Path Switch Request
    Acknowledge of the X2 handover that brought the UE arrived has no fresh {NH, NCC}. It
    decides on the Measurement Report, not when the UE sends it: a hop started before the
    acknowledgement but reported after it is no ``:early`` hop."""
    found = check_hops(load("ts33401"), _trace(X2_FIRST + order), small_topology(),
                       EXPLORATION_KASME, DEFAULT)
    assert [str(h) for h in found.hops] == [
        "x2@enb-2/cell-1", "x2@enb-1/cell-1" + (":early" if early else "")]


@pytest.mark.parametrize("compromise", [[], ["compromise enb-1"]])
def test_a_finding_check_does_not_give_names_the_moment_it_compromised_only_if_it_did(
        compromise: list[str]) -> None:
    """A made-up key-agreement failure on two ts33401 hops, which check finds holding: its
    reason names what check's run may lack, the moment of a compromise only where the trace
    compromised a party."""
    trace = _trace(compromise + X2_FIRST + [ACK, REPORT])
    [line] = check_lines(["--variant", "ts33401"], None, load("ts33401"),
                         [Finding("key-agreement", True, "", trace)], small_topology(), DEFAULT)
    assert line["check"] is None
    assert "does not give key-agreement FAILS (promised): the run needs the order it " \
        "delivered in" in line["check_unavailable"]
    assert ("the moment it compromised" in line["check_unavailable"]) == bool(compromise)


CONFIRM = "deliver RRC RRCConnectionReconfigurationComplete (HO confirm) ue->enb-2"



def test_a_trace_whose_reports_were_never_taken_up_keeps_its_hops() -> None:
    """C3 (helper-195): a hop whose Measurement Report the source never accepted never started
    (TS 36.331 5.5.5) and the line leaves it out; but where no hop's was, check, which runs at
    least one hop, keeps them: the finding is of the compromise (here enb-1, with the UE's
    report still in flight) or of hop 0, which every check judges."""
    trace = _trace(["start handover to enb-2/cell-1 (x2)", "compromise enb-1"])
    found = check_hops(load("ts33401"), trace, small_topology(), EXPLORATION_KASME, DEFAULT)
    assert found.reason is None and found.left_out == ()
    assert [str(h) for h in found.hops] == ["x2@enb-2/cell-1"]
    assert found.compromises == ("enb-1@1",)


def test_the_early_hop_is_the_one_whose_report_was_accepted_not_the_last_started() -> None:
    """TS 33.401 7.2.8.4.2, as ``test_a_check_hop_is_early...``: hop 2's Measurement Report,
    accepted before hop 1's Path Switch Request Acknowledge, makes hop 2 ``:early``, though
    hop 3 started (its report sent) before it was delivered; hop 3's report never was, so
    hop 3 was never decided: it never started, and the line leaves it out."""
    trace = _trace([*X2_FIRST, "start handover to enb-3/cell-1 (x2)", REPORT, ACK])
    found = check_hops(load("ts33401"), trace, small_topology(), EXPLORATION_KASME, DEFAULT)
    assert [str(h) for h in found.hops] == ["x2@enb-2/cell-1", "x2@enb-1/cell-1:early"]
    assert found.left_out == (3,)


def test_an_edit_of_an_earlier_hops_message_is_that_hops_edit() -> None:
    """Each edit is a ``:edit=`` of the hop whose message it changes: enb-2 rewrites the NCC of
    hop 1's Path Switch Request Acknowledge (TS 33.401 7.2.8.4.2: the {NH, NCC} pair for its
    next handover) after hop 2 started, and the edit is hop 1's, not the last started hop's
    (hop 2, whose report was never delivered, never started: the line leaves it out)."""
    topology = small_topology()
    exploration = Exploration(load("ts33401"), topology, EXPLORATION_KASME)
    exploration.compromise(DEFAULT.targets(topology, exploration.system.variant).index("enb-2"))
    for text in X2_FIRST:
        if text.startswith("start handover to "):
            cell = text.removeprefix("start handover to ").split()[0]
            exploration.start_handover([c.name for c in exploration.neighbours()].index(cell))
        else:
            exploration.deliver([f"deliver {m}" for m in exploration.system.in_flight].index(text))
    ack = [str(m) for m in exploration.system.in_flight].index(ACK.removeprefix("deliver "))
    edit = exploration.edit(ack, 2)
    assert edit is not None
    trace = tuple(exploration.trace)
    exploration.close()
    found = check_hops(load("ts33401"), trace, topology, EXPLORATION_KASME, DEFAULT)
    assert [len(h.edits) for h in found.hops] == [1] and found.left_out == (2,)
    assert found.hops[0].edits[0].startswith("PathSwitchRequestAcknowledge/")

@pytest.mark.parametrize("second_hop", [True, False])
def test_a_check_line_compromises_in_the_hop_the_finding_names(second_hop: bool) -> None:
    """enb-1, compromised after the HO confirm of hop 1 (its Path Switch Request still in
    flight), is "compromised in hop 2" for the claims (a backward-security finding says so,
    review19 #6): its check line says ``enb-1@2``, and where no hop 2 starts, check (which
    compromises just before a hop's first step) compromises it in hop 1, earlier, and the
    line's note says so."""
    texts = [*X2_FIRST[:5], CONFIRM, "compromise enb-1"]
    if second_hop:
        texts += ["start handover to enb-1/cell-1 (x2)", REPORT]
    trace = _trace(texts)
    exploration = Exploration(load("ts33401"), small_topology(), EXPLORATION_KASME)
    for action in trace:
        exploration.apply(action)
    knowledge = exploration.engine.facts.attacker("enb-1")
    exploration.close()
    assert knowledge is not None and knowledge.hop == 2
    found = check_hops(load("ts33401"), trace, small_topology(), EXPLORATION_KASME, DEFAULT)
    if second_hop:
        assert found.compromises == ("enb-1@2",) and found.note is None
    else:  # review20: made in hop 1, earlier, and said so (check confirms the verdict)
        assert found.reason is None and found.compromises == ("enb-1@1",)
        assert found.note == ("the check line compromises enb-1 in hop 1, not after handover 1 "
                              "completed as the trace does: a stronger attacker")


def test_a_party_a_trace_compromises_again_is_compromised_once_in_its_check_line() -> None:
    """A trace may take a compromise of enb-1 again after its first (``Exploration.compromise``
    records it, and it changes nothing); check refuses ``enb-1@2`` beside ``enb-1@1`` (a
    compromise lasts to the end of the run), so the line has the first alone."""
    texts = ["compromise enb-1", *X2_FIRST[:5], CONFIRM, "compromise enb-1",
             "start handover to enb-1/cell-1 (x2)", REPORT]
    found = check_hops(load("ts33401"), _trace(texts), small_topology(), EXPLORATION_KASME,
                       DEFAULT)
    assert found.compromises == ("enb-1@1",) and found.note is None


def test_a_check_line_compromises_earlier_where_the_trace_held_back_a_release() -> None:
    """enb-1, the source of X2 hop 1, is compromised after hop 1 completed but before the X2AP
    UE CONTEXT RELEASE reached it (TS 36.300 10.1.2.1.1 step 18: only then does it release the
    UE context), so it still holds KeNB[hop 0], and TR 33.821's KeNB* = KDF(KeNB, PCI) gives
    it hop 1's KeNB and hop 2's. check compromises just before a hop's first step and delivers
    each hop's release within it: ``enb-1@2`` holds nothing, so the finding read "no check
    line", though ``enb-1@1``, a stronger attacker, gives it (newcomer39); said in the note."""
    trace = _trace([*X2_FIRST[:5], CONFIRM, "deliver S1AP PathSwitchRequest enb-2->mme-1",
                    ACK, "compromise enb-1", "start handover to enb-3/cell-1 (x2)", REPORT,
                    "deliver X2AP HandoverRequest enb-2->enb-3",
                    "deliver X2AP HandoverRequestAcknowledge enb-3->enb-2",
                    "deliver RRC RRCConnectionReconfiguration (HO command) enb-2->ue",
                    "deliver RRC RRCConnectionReconfigurationComplete (HO confirm) ue->enb-3"],
                   "tr33821-v070")
    found = check_hops(load("tr33821-v070"), trace, small_topology(), EXPLORATION_KASME, DEFAULT)
    assert found.compromises == ("enb-1@2",) and found.note is None
    [line] = check_lines(["--variant", "tr33821-v070"], None, load("tr33821-v070"),
                         [Finding("forward-security", False, "", trace)], small_topology(),
                         DEFAULT)
    assert line["check"] == ("hoverify check --variant tr33821-v070 --topology small --hops "
                             "x2@enb-2/cell-1,x2@enb-3/cell-1 --compromise enb-1@1")
    assert line["check_note"] == ("the check line compromises enb-1 in hop 1, not after "
                                  "handover 1 completed as the trace does: a stronger attacker")



def test_a_check_line_names_each_compromise_it_makes_earlier() -> None:
    """Two parties compromised after the HO confirm of the trace's only hop are both made in
    hop 1, earlier, and the note names each (check compromises just before a hop's first
    step, ``check_line``)."""
    trace = _trace([*X2_FIRST[:5], CONFIRM, "compromise enb-1", "compromise enb-2"])
    found = check_hops(load("ts33401"), trace, small_topology(), EXPLORATION_KASME, DEFAULT)
    assert found.compromises == ("enb-1@1", "enb-2@1")
    assert found.note == ("the check line compromises enb-1 in hop 1, not after handover 1 "
                          "completed as the trace does: a stronger attacker; enb-2 in hop 1, "
                          "not after handover 1 completed as the trace does: a stronger "
                          "attacker")


def test_the_earlier_check_lines_start_from_the_latest_compromise() -> None:
    """``CheckHops.earlier``: the same hops with the compromises made earlier, one hop at a
    time down to hop 1, counted from the latest compromise: enb-3 from hop 1 and enb-1 from
    hop 2 give one earlier line, both from hop 1, whose note names enb-1 alone."""
    texts = ["compromise enb-3", *X2_FIRST[:5], CONFIRM, "compromise enb-1",
             "start handover to enb-1/cell-1 (x2)", REPORT]
    found = check_hops(load("ts33401"), _trace(texts), small_topology(), EXPLORATION_KASME,
                       DEFAULT)
    assert found.compromises == ("enb-3@1", "enb-1@2") and found.note is None
    [earlier] = found.earlier()
    assert earlier.hops == found.hops and earlier.compromises == ("enb-3@1", "enb-1@1")
    assert earlier.note == ("the check line compromises enb-1 in hop 1, not after handover 1 "
                            "completed as the trace does: a stronger attacker")


def test_a_trace_that_starts_no_handover_has_no_check_line() -> None:
    """check runs at least one hop: a trace that only compromises has no check line, and the
    reason says so."""
    found = check_hops(load("ts33401"), _trace(["compromise enb-1"]), small_topology(),
                       EXPLORATION_KASME, DEFAULT)
    assert found.hops == () and found.compromises == ()
    assert found.reason == "it starts no handover, and check runs at least one hop"


@pytest.mark.parametrize("compromise", [[], ["--compromise", "KASME@1", "--json"]])
def test_a_long_run_chains_its_keys_deeper_than_the_recursion_limit(
        tmp_path: Path, compromise: list[str]) -> None:
    """Key labels (is a key one value whatever the hop?) and witnesses walk a key's
    ancestry, which a long run chains one hop per link: ``check --hops @FILE`` with 400 hops
    raised RecursionError (the bench's long check; KASME's witnesses reach back to hop 0).
    Here a lower limit stands for a longer run."""
    hops = tmp_path / "hops.txt"
    hops.write_text(",".join(["s1", "x2"] * 60) + "\n")
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(150)
    try:
        code, out = _check("--variant", "ts33401", "--hops", f"@{hops}", *compromise)
    finally:
        sys.setrecursionlimit(limit)
    assert code == 0 and "hop 120" in out


DELEGATE38 = Path(__file__).parent / "data" / "delegate38"


@pytest.mark.parametrize("variant, hops", [
    (["--variant", "ts33401"], "s1:edit=HandoverCommand/container/NCC=3"),
    (["--variant-file", str(DELEGATE38 / "s1_like_x2.py")],
     "s1:edit=HandoverRequired/security/NCC=1")])
def test_key_agreement_counts_no_situation_on_a_hop_it_does_not_judge(
        variant: list[str], hops: str, capsys: pytest.CaptureFixture[str]) -> None:
    """fix38: key-agreement speaks of "a handover run by the honest parties with no adversary
    action" that completes, and of the keys after an accepted confirm (docs/claims.md). A
    compromised source eNB edits the hop, the target refuses the confirm: no hop the claim
    judges. It said n/a, "no hop of this run to which the claim applies", beside
    "sometimes 1" (the refused confirm counted): n/a says why, and counts nothing."""
    main(["check", *variant, "--hops", hops, "--compromise", "enb-1@1", "--json"])
    [claim] = [c for c in json.loads(capsys.readouterr().out)["claims"]
               if c["name"] == "key-agreement"]
    assert not claim["applies"] and not claim["vacuous"]
    assert claim["sometimes"] == 0
    [why] = claim["not_judged"]
    assert why.startswith("handover 1 never completed, on a run with an adversary action")


def test_a_witness_starts_from_the_serving_kenb_and_shows_the_sources_own_kenb_star(
        capsys: pytest.CaptureFixture[str]) -> None:
    """fix38: the delegate's flawed proposal derives the S1 KeNB* at the source eNB from its
    own KeNB, as X2 does (TS 33.401 7.2.8.4.2: KeNB* = KDF(KeNB, PCI, EARFCN-DL), A.5, FC
    0x13), with no fresh NH (which 7.2.8.4.3 requires on S1). enb-1 was given only KeNB[hop 0],
    its serving KeNB; it holds KeNB[hop 1] because it computed it. The witness said "holds
    KeNB[hop 1]", hiding the break: it starts from KeNB[hop 0] and shows both derivations
    (enb-4: PCI 8, EARFCN-DL 68700; enb-2: PCI 4, EARFCN-DL 68600, the default topology)."""
    main(["check", "--variant-file", str(DELEGATE38 / "s1_like_x2.py"), "--hops", "s1,s1",
          "--json"])
    [claim] = [c for c in json.loads(capsys.readouterr().out)["claims"]
               if c["name"] == "forward-security"]
    assert claim["witness"][0].startswith("hop 1, radio observer + enb-1@1: derives 2+ hops on")
    assert claim["witness"][1:] == [
        "holds KeNB[hop 0]: enb-1 received it in S1AP InitialContextSetupRequest mme-1->enb-1 "
        "(in the AS security set-up)",
        "KeNB[hop 1] = KeNB* = KDF(KeNB[hop 0], FC=0x13, PCI=8, EARFCN-DL=68700)  [TS 33.401 A.5]",
        "KeNB[hop 2] = KeNB* = KDF(KeNB[hop 1], FC=0x13, PCI=4, EARFCN-DL=68600)  [TS 33.401 A.5]"]


TARGET_ID = "s1-inter@enb-5/cell-1:edit=HandoverRequired/target eNB='enb-1',s1-inter@enb-5/cell-1"
WHERE_HELD = {  # a run -> a claim's witness and the "holds" line that says where the key came from
    # helper-181: the seed's KeNB*+ reaches enb-1 in the S1AP HandoverRequest (SecurityContext,
    # TS 36.413 9.1.5.4) its edited Target ID made the MME send it; it refuses it (the target
    # cell is not its own) but has read it: the first arrival after its compromise
    "target-id": (["--variant", "seed-fs", "--hops", TARGET_ID, "--compromise", "enb-1@1"],
                  "forward-security", "holds KeNB*+[hop 1]: enb-1 received it in S1AP "
                  "HandoverRequest mme-1->enb-1 (in handover 1), which it refused"),
    # enb-2 got NH[NCC 2] in hop 1's PATH SWITCH REQUEST ACKNOWLEDGE (TS 33.401 7.2.8.4.2),
    # before its compromise in hop 2, and kept it: the last arrival before
    "kept": (["--variant", "ts33401", "--hops", "x2,x2,s1", "--compromise", "enb-2@2"],
             "fake-cell-capture", "holds NH[NCC 2]: enb-2 received it in S1AP "
             "PathSwitchRequestAcknowledge mme-1->enb-2 (in handover 1)"),
    # a coalition: enb-1's record kept the initial KeNB it was given at set-up; enb-2, which
    # had it in hop 1's X2AP HandoverRequest (this variant's source sends its own KeNB), was
    # compromised only in hop 3 (helper-185: the origin named enb-2's message)
    "coalition": (["--variant-file", str(Path(__file__).parent / "broken_variants" /
                                         "source_sends_kenb.py"),
                   "--hops", "x2,x2,s1", "--compromise", "enb-1@1", "--compromise", "enb-2@3"],
                  "fake-cell-capture", "holds KeNB[hop 0]: enb-1 received it in S1AP "
                  "InitialContextSetupRequest mme-1->enb-1 (in the AS security set-up)"),
    # an attacker holding an eNB and KASME: downgrade-resistance judges its eNBs alone, an
    # attacker of its own name, whose key enb-1 was given at set-up (helper-191: it lost the
    # words when the origin was looked up by the attacker's name alone)
    "enbs-alone": (["--variant-file", str(Path(__file__).parent / "broken_variants" /
                                          "bit_unprotected.py"), "--topology", "small",
                    "--hops", "s1@enb-3/cell-1:edit=HandoverRequired/security/UE supports "
                    "KeNB*+=False", "--compromise", "enb-1@1", "--compromise", "KASME@1"],
                   "downgrade-resistance", "holds KeNB[hop 0]: enb-1 received it in S1AP "
                   "InitialContextSetupRequest mme-1->enb-1 (in the AS security set-up)"),
    # without NDS/IP the network reads the {NH, NCC} of S1AP HANDOVER REQUEST (7.2.8.4.3)
    "backhaul": (["--variant", "ts33401", "--hops", "x2,s1", "--backhaul-unprotected"],
                 "forward-security", "holds NH[NCC 3]: read on the backhaul in S1AP "
                 "HandoverRequest mme-1->enb-4 (in handover 2)"),
}


@pytest.mark.parametrize("run", sorted(WHERE_HELD))
def test_a_witness_says_where_the_attacker_got_each_key_it_holds(run: str) -> None:
    """A witness's "holds" line says how the attacker came to hold the key: the message one
    of its parties received it in (refused or not), a derivation of its own, or what the
    network read on an unprotected backhaul (helper-181: "holds KeNB*+[hop 1]" alone did not
    show the step where the seed's key leaks to the compromised eNB)."""
    args, claim, line = WHERE_HELD[run]
    _, out = _check(*args, "--json")
    [found] = [c for c in json.loads(out)["claims"] if c["name"] == claim]
    assert line in found["witness"], found["witness"]


TARGET_ID_S1 = "s1@enb-3/cell-1:edit=HandoverRequired/target eNB='enb-1',s1@enb-3/cell-1"


@pytest.mark.parametrize("variant", ["seed-fs", "ts33401"])
def test_a_witness_says_a_key_it_holds_was_derived_again_unchanged(variant: str) -> None:
    """The seed's Target ID attack on S1: enb-1 holds hop 1's KeNB*+ from the HANDOVER REQUEST
    it refused, and that is hop 2's KeNB*+ too, because K_HO = KDF(KASME, "Handover String")
    is one key for the whole run and KeNB* = KDF(KeNB, PCI) takes the same KeNB and PCI in
    both preparations (seed section 3 step 4, TR 33.821 v0.7.0). The witness showed "holds
    KeNB*+[hop 1]" then "KeNB[hop 2] = KDF(KeNB*+[hop 1], ...)", hiding why (helper-190 #3);
    both witnesses (the claim engine's, the key graph's) now say the MME derived it again.
    TS 33.401 7.2.8.4.3 takes a fresh NH for each HANDOVER REQUIRED: no such line."""
    code, out = _check("--variant", variant, "--hops", TARGET_ID_S1, "--compromise", "enb-1@1",
                       "--json")
    claims = {c["name"]: c.get("witness") for c in json.loads(out)["claims"]}
    again = "KeNB*+[hop 1] is hop 2's too: mme-1 derived the same value again (in handover 2)"
    for claim in ("forward-security", "fake-cell-capture"):
        lines = claims[claim] or []
        if variant == "ts33401":
            assert not any("derived the same value again" in line for line in lines), lines
            continue
        held = lines.index("holds KeNB*+[hop 1]: enb-1 received it in S1AP HandoverRequest "
                           "mme-1->enb-1 (in handover 1), which it refused")
        assert lines[held + 1] == again, lines
    assert code == (1 if variant == "seed-fs" else 0)


def test_a_key_of_the_whole_run_is_never_said_to_be_a_later_hops_too() -> None:
    """K_HO = KDF(KASME, "Handover String") is one key for the whole run (seed section 3
    step 4): the MME derives it again, the same value, in each preparation, and it belongs to
    no hop, so neither witness says "K_HO is hop 2's too" of an attacker holding it, as they
    say it of a per-hop key (above). Forward security's witness is the claim engine's,
    fake-cell-capture's the key graph's (helper-195: mutants E1, G2 survived)."""
    _, text = _check("--variant", "seed-fs", "--hops", "s1,s1", "--compromise", "K_HO@1",
                     "--compromise", "enb-1@1")
    for claim in ("forward-security", "fake-cell-capture"):
        witness = text.split(f"\n{claim} ", 1)[1].split("witness of hop 1, ", 1)[1]
        lines = witness.split("\n        ")
        assert lines[1] == "holds K_HO" and "again" not in lines[2], lines[:3]


def test_check_prints_every_claim_verify_prints_in_one_column() -> None:
    """review46 #3: verify and explore print the model invariants among their claims, each
    with a check line, but check's text named an invariant only when broken (its --json
    had them all); #11: refusal-changes-nothing, 23 characters, pushed its verdict out of the
    column. check prints each claim of its --json, invariants too, the verdicts aligned."""
    _, text = _check("--variant", "ts33401", "--hops", "x2,s1")
    _, out = _check("--variant", "ts33401", "--hops", "x2,s1", "--json")
    doc = json.loads(out)
    names = [c["name"] for c in (*doc["claims"], *doc["invariants"])]
    heads = [line for line in text.splitlines() if line.split(" ", 1)[0] in names]
    assert [line.split(" ", 1)[0] for line in heads] == names
    columns = {line.index(" its situation arose ") for line in heads}
    verdicts = {len(line) - len(line[len(line.split(" ", 1)[0]):].lstrip()) for line in heads}
    assert len(columns) == 1 and len(verdicts) == 1, heads


def test_an_invariant_whose_situation_never_arose_is_n_a_as_verify_says() -> None:
    """review46 #4 (after check listed the invariants): check called an invariant whose
    situation never arose "vacuous" (yet ``applies`` false, and in no ``vacuous`` list, with no
    warning), where verify and explore call it n/a: an invariant is the model's, promised by
    no variant. Both now say n/a, with the situation that never arose."""
    _, out = _check("--variant", "seed-fs", "--topology", "small", "--hops",
                    "intra-enb@enb-1/cell-2", "--json")
    doc = json.loads(out)
    invariants = {c["name"]: c for c in doc["invariants"]}
    for name in ("refusal-changes-nothing", "ncc-range"):
        assert invariants[name]["verdict"] == "n/a" and not invariants[name]["vacuous"]
        assert invariants[name]["cut"][0].startswith(
            "its situation never arose in this run (the situation: ")


# how the attacker line names a claim
WORDS = {"downgrade-resistance": "downgrade", "handover-denial": "denial",
         "fake-cell-capture": "fake-cell capture"}


def test_the_attacker_line_names_the_claims_judged_against_each_enb(
        capsys: pytest.CaptureFixture[str]) -> None:
    """helper-156: `check --hops s1,s1` said "its source eNB (forward security, ...) and its
    target eNB (backward security)", yet forward security was judged against hop 1's target
    enb-4 too, compromised from hop 1 (the source of hop 2: TS 33.501 3.1 asks of any eNB
    that held a KeNB), and backward security against hop 2's source. Each claim judged against
    an eNB compromised as its hop's target or source is named for that role."""
    assert main(["check", "--variant", "ts33401", "--hops", "s1,s1", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    run = run_scenario(load("ts33401"), parse_hops("s1,s1"))
    roles = {"source": {f"radio observer + {hop.source_enb}@{hop.number}" for hop in run.hops},
             "target": {f"radio observer + {hop.target_enb}@{hop.number}" for hop in run.hops}}
    source, target = doc["attacker"].split(" and its target eNB ")
    said = {"source": source, "target": target}
    for claim in doc["claims"]:
        judged = {v["attacker"] for v in claim["verdicts"]}
        for role, attackers in roles.items():
            words = WORDS.get(claim["name"], claim["name"].replace("-", " "))
            if judged & attackers:
                assert words in said[role], (claim["name"], role, doc["attacker"])


# where a text names KeNBs by hop: "KeNB[hop 2]", "the KeNB of hop 2", "KeNB of hops [0-2]",
# "KeNB of any earlier hop [0]", "derivable later KeNB: hops [2, 3]", the last line's list
KENB_HOPS = re.compile(r"KeNB\[hop (\d+)\]|KeNBs? of (?:any )?(?:earlier )?hops?(?:\(s\))? "
                       r"(\d+|\[[^\]]*\])|KeNB: hops (\[[^\]]*\])|, hops: (\[[^\]]*\])")


def _hops_named(text: str) -> set[int]:
    named: set[int] = set()
    for match in KENB_HOPS.finditer(text):
        found = next(g for g in match.groups() if g is not None)
        for item in found.strip("[]").split(", "):
            first, _, last = item.partition("-")
            named.update(range(int(first), int(last or first) + 1))
    return named


@pytest.mark.parametrize("variant", ["ts33401", "seed-fs", "tr33821-v070"])
@pytest.mark.parametrize("compromise", ["enb-2@2", "enb-1@1", "KASME@2"])
def test_no_text_names_a_kenb_by_a_hop_that_never_completed(
        variant: str, compromise: str, capsys: pytest.CaptureFixture[str]) -> None:
    """helper-165 #7: hop 1's preparation is refused (TS 36.423 8.2.1.3: the UE stays, no
    KeNB is put in use), so the run's KeNBs are the initial one and those of hops 2 and 3,
    as its run table shows. The claims counted completed handovers and named hop 2's KeNB
    "KeNB[hop 1]", beside a key graph, the run table and the hop of each verdict that count
    handovers. Every KeNB a text names by hop is one of those three."""
    main(["check", "--variant", variant, "--compromise", compromise, "--hops",
          "x2:refused,x2,x2"])
    said = capsys.readouterr().out
    named = _hops_named(said)
    assert named and named <= {0, 2, 3}, (named, said)


# helper-175: which parts of a coalition a :edit= hop judges (``hop_edits.editors``). The X2
# source builds the request's AS-SecurityInformation (TS 36.423 9.1.1.1), which its target
# reads: either end alone makes an edit of its NCC, neither is needed, and each part is
# judged. The target alone builds the acknowledge's New eNB UE X2AP ID (9.2.24), and the
# source alone adds the notification bit to the container it relays (seed-fs's c-rnti
# placement): each is needed, and no part without one of them is judged.
PARTS = [
    (("--variant", "ts33401", "--hops", "x2:edit=HandoverRequest/AS-SecurityInformation/NCC=3"),
     {"radio observer + enb-2@1 (without enb-1)"}),
    (("--variant", "seed-fs", "--bit-placement", "c-rnti", "--hops",
      "x2:edit=HandoverRequestAcknowledge/New eNB UE X2AP ID=1"
      ":edit=HandoverRequestAcknowledge/container/+notification bit=1"), set()),
]


@pytest.mark.parametrize(("args", "judged"), PARTS)
def test_a_coalitions_part_is_judged_where_it_could_make_the_edits(
        args: tuple[str, ...], judged: set[str]) -> None:
    code, claims = _claims(*args, "--compromise", "enb-1@1", "--compromise", "enb-2@1")
    assert code != 2
    parts = {v["attacker"] for c in claims.values() for v in c["verdicts"]
             if "(without" in v["attacker"]}
    assert judged <= parts and all("(without enb-1)" in p or "(without enb-2)" in p
                                   for p in parts), parts
    if not judged:
        assert not parts, parts


def test_two_edits_of_one_message_are_made_in_turn() -> None:
    """helper-175: seed-fs's c-rnti placement carries the notification bit in the NAS part
    "for UE" and the container alike; the source removes the one and adds the other, the
    second on the message as the first left it (edit48). Each checked against the
    original, the addition read as the MME's build: "its receiver enb-1 may not make this
    edit"."""
    code, _ = _claims("--variant", "seed-fs", "--bit-placement", "c-rnti", "--hops",
                      "s1:edit=HandoverCommand/for UE/-notification bit"
                      ":edit=HandoverCommand/container/+notification bit=0",
                      "--compromise", "enb-1@1")
    assert code in (0, 1)


def test_a_failure_outside_the_promise_reads_not_promised() -> None:
    """helper-175: K_HO revealed from hop 2 gives every later KeNB*+ of the seed (SA3
    contribution section 3 step 4): forward security fails for the coalition, outside the
    promise made against compromised eNBs, and its word says so, not "FAILS (promised)"."""
    code, out = _check("--variant", "seed-fs", "--bit-placement", "nas", "--hops", "x2,s1",
                       "--compromise", "enb-1@1", "--compromise", "K_HO@2", "--json")
    [forward] = [c for c in json.loads(out)["claims"] if c["name"] == "forward-security"]
    assert forward["verdict"] == "fails (not promised)" and not forward["promise_broken"]
    assert code == 0


@pytest.mark.parametrize(("hops", "word"), [("x2", "untested"), ("x2,x2", "holds")])
def test_forward_security_a_run_could_not_break_reads_untested(
        hops: str, word: str, capsys: pytest.CaptureFixture[str]) -> None:
    """helper-178: one X2 hop with its source compromised cannot break TS 33.401's 2-hop
    promise (7.2.8.4.2: the NH of the Path Switch Acknowledge is used one handover later):
    enb-1 derives every later KeNB of the run. The row read "holds", as over two hops, where
    enb-1 lacks hop 2's KeNB; it reads the legend's *untested* now, and stderr says why."""
    assert main(["check", "--variant", "ts33401", "--hops", hops,
                 "--compromise", "enb-1@1"]) == 0
    out, err = capsys.readouterr()
    [row] = [line for line in out.splitlines() if line.startswith("forward-security ")]
    assert row.split()[1] == word
    assert ("forward-security is untested in the run x2: each attacker derives every later "
            "KeNB of the run" in err) == (word == "untested")


def test_a_promise_broken_before_the_run_leaves_nds_ip_stays_broken(
        capsys: pytest.CaptureFixture[str]) -> None:
    """helper-177 (E19): a replay on S1 takes the run beyond NDS/IP (TS 33.401 11, TS 33.210:
    ``--backhaul-unprotected``), and a promised failure after it is outside the promise; but
    backward and forward security broke their promise on hop 1, where enb-1's edit left the
    seed's KeNB*+ out, before hop 2's replay: their verdicts over the run stay promised
    (``Engine.summary``), as ``explore`` and ``verify`` report the step that broke them."""
    hops = "s1@enb-3/cell-1:edit=HandoverRequired/security/UE supports KeNB*+=False,s1:replay"
    assert main(["check", "--variant-file", BIT_UNPROTECTED, "--hops", hops, "--compromise",
                 "enb-1@1", "--backhaul-unprotected", "--json"]) == 1
    claims = {c["name"]: c for c in json.loads(capsys.readouterr().out)["claims"]}
    for name in ("backward-security", "forward-security"):
        assert claims[name]["verdict"] == "FAILS (promised)", claims[name]["verdict"]
        assert claims[name]["outside_promise"] is None


def _lines_of(text: str, claim: str) -> tuple[str, list[str]]:
    """A claim's row of ``check``'s text and its hop lines (without their indent)."""
    lines = text.splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith(f"{claim} "))
    hops = [line.strip() for line in lines[start + 1:] if line.startswith("    hop ")
            and not line.startswith("     ")]
    rest = lines[start + 1:]
    end = next((n for n, line in enumerate(rest) if not line.startswith(" ")), len(rest))
    return lines[start], [line for line in hops if f"    {line}" in rest[:end]]


@pytest.mark.parametrize(("hops", "word"), [("s1,x2", "untested"), ("x2,x2:early,x2", "holds")])
def test_a_forward_security_hop_line_says_one_verdict_that_of_its_row(hops: str,
                                                                      word: str) -> None:
    """helper-198 #5: "untested ... holds: 2-hop forward security so far ...; derivable later
    KeNB: hops [2]; untested: ...": three verdict words in one line. The hop line now leads
    with its row's word and reads as one statement: the later KeNB it derives is within the
    promise (TS 33.401 7.2.8.4.2: hop 2's source keeps the KeNB* of the X2 hop after it)."""
    _, text = _check("--variant", "ts33401", "--hops", hops, "--compromise", "source@2")
    row, [line] = _lines_of(text, "forward-security")
    assert row.split()[1] == word, row
    detail = line.split(": ", 1)[1]
    assert detail.startswith(f"{word}: 2-hop forward security"), line
    rest = detail.removeprefix(f"{word}: ")
    assert not any(w in rest for w in ("holds", "untested", "derivable")), line
    assert "the later KeNB it derives, of hop 2, is 1 hop on" in rest, line
    assert ("nothing later was kept from it" in rest) == (word == "untested"), line
    assert rest.endswith("; promised 2-hop"), line


def test_key_secrecy_says_it_judges_the_radio_observer_alone_beside_a_compromise() -> None:
    """helper-198 #6: with KASME@1 named, "the radio observer derived none of the UE's AS
    keys ... they rest on KASME, which it lacks" read as if the named attacker lacked KASME.
    Key secrecy is judged against the radio observer alone (docs/claims.md); its line says
    so where --compromise names an attacker, which the other claims judge, its verdict the
    same."""
    _, text = _check("--variant", "seed-fs", "--hops", "s1,x2", "--compromise", "KASME@1")
    row, [line] = _lines_of(text, "key-secrecy")
    assert row.split()[1] == "holds", row
    assert line.startswith("hop 2, -: holds: judged against the radio observer alone, not "
                           "the named attacker (radio observer + KASME@1), which the lines "
                           "naming it judge: the radio observer derived none of the UE's AS "
                           "keys"), line
    _, plain = _check("--variant", "seed-fs", "--hops", "s1,x2")
    _, [alone] = _lines_of(plain, "key-secrecy")
    assert alone.startswith("hop 2, -: holds: the radio observer derived none"), alone


def test_a_holding_downgrade_accounts_for_every_edit() -> None:
    """helper-198 #11: "none of 17 single edits ...; the UE or the target judged 8 of them"
    left 9 unsaid: those that met no judgement of the UE or the target
    (``HopSearch.ends``: stopped before a HO command reached the UE, or after the HO
    confirm). The line now counts them, each end with its number."""
    _, text = _check("--variant", "seed-fs", "--bit-placement", "c-rnti", "--hops", "s1")
    _, [line] = _lines_of(text, "downgrade-resistance")
    attempts = int(re.search(r"none of (\d+) single edits", line)[1])  # type: ignore[index]
    judged = int(re.search(r"judged (\d+) of them", line)[1])  # type: ignore[index]
    others = re.search(r"; the other (\d+), which neither judged: (.*)$", line)
    assert others is not None, line
    assert judged + int(others[1]) == attempts, line
    counts = [int(n) for n in re.findall(r"(?:^|; )(\d+) ", others[2])]
    assert sum(counts) == int(others[1]) and "stopped handover 1" in others[2], line


def test_outside_the_promise_keeps_the_row_short_and_its_reason_on_the_hop_line() -> None:
    """helper-198 #12: "fails (outside the promise: the promise is made against a compromised
    eNB (TS 33.401 7.2.8.1), and the attacker holds mme-1's keys)" pushed the row's "its
    situation arose" out of line. The row says "fails (outside the promise)", the hop line
    the reason; --json keeps the reason in the claim's verdict."""
    args = ("--variant", "ts33401", "--hops", "s1,x2", "--compromise", "mme-1@1")
    reason = ("the promise is made against a compromised eNB (TS 33.401 7.2.8.1), and the "
              "attacker holds mme-1's keys")
    _, text = _check(*args)
    for claim in ("backward-security", "forward-security"):
        row, lines = _lines_of(text, claim)
        assert row.startswith(f"{claim:<23} fails (outside the promise) its situation"), row
        assert any(f": fails (outside the promise: {reason}): " in line for line in lines)
    _, out = _check(*args, "--json")
    claims = {c["name"]: c for c in json.loads(out)["claims"]}
    assert claims["backward-security"]["verdict"] == f"fails (outside the promise: {reason})"


@pytest.mark.parametrize(("compromise", "edits_said"), [
    ((), True), (("--compromise", "enb-1@1"), True), (("--compromise", "ue@1"), False)])
def test_the_attacker_line_says_a_compromised_enb_edits_only_where_told(
        compromise: tuple[str, ...], edits_said: bool) -> None:
    """helper-229 #2: seed-fs's "forward-security holds" on an S1 hop read as a promise kept
    against any compromised source, where one that names itself as Target ID breaks it
    (`verify --faults compromise,rewrite`; README, *Answer*): the attacker line says the
    compromised eNB follows the protocol but for the edits named or searched. Not where no
    eNB is compromised."""
    _, text = _check("--variant", "seed-fs", "--bit-placement", "c-rnti", "--hops", "s1",
                     *compromise)
    [line] = [line for line in text.splitlines() if line.startswith("attacker: ")]
    assert line.endswith("; a compromised eNB follows the protocol but for a hop's ':edit=' "
                         "and the single edits downgrade-resistance, handover-denial and "
                         "fake-cell-capture try") == edits_said


FRESH_NH_ONLY = str(TESTS / "attack_variants/x2_only_from_fresh_nh.py")


def test_a_handover_the_source_declined_is_no_key_agreement_failure(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """helper-247 #1: a proposal whose source eNB declines an X2 handover until it holds an
    unused {NH, NCC} (it refuses the UE's measurement report) read "key-agreement FAILS
    (promised): handover 1, run by the honest parties with no adversary action, never
    completed" in ``check --hops x2``, exit 1, while ``verify`` said holds. The source decides
    whether to hand the UE off (TS 36.300 10.1.2.1.1 steps 2-3): a report it refuses starts no
    handover, and the UE keeps the source's KeNB, on which nothing disagrees. Key agreement's
    situation never arose in that run (vacuous, warned of), and holds in verify; after an S1
    hop gives the source an NH, the X2 hops complete and it holds in check too."""
    assert main(["check", "--variant-file", FRESH_NH_ONLY, "--hops", "x2"]) == 0
    out, err = capsys.readouterr()
    [row] = [line for line in out.splitlines() if line.startswith("key-agreement ")]
    assert row.split()[1] == "vacuous", out
    # no earlier hop left the source waiting: the warning blames none
    [warning] = [line for line in err.splitlines() if "never started" in line]
    assert warning.endswith("(no unused {NH, NCC}: no horizontal KeNB* in this proposal)"), err
    code, out = _check("--variant-file", FRESH_NH_ONLY, "--hops", "s1,x2")
    [row] = [line for line in out.splitlines() if line.startswith("key-agreement ")]
    assert code == 0 and row.split()[1] == "holds", out
    assert main(["verify", "--variant-file", FRESH_NH_ONLY, "--json", "--quiet",
                 "--out", str(tmp_path)]) == 0
    claims = {c["name"]: c["verdict"] for c in json.loads(capsys.readouterr().out)["claims"]}
    assert claims["key-agreement"] == "holds"
