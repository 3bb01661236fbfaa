"""replay37: an edit's name and text read back as data (``Edit.Said``), by the class that
writes them, so that replay recovers a saved step's field and values without a copy of
either format (``hoverify.properties.hop_edits.sent_otherwise``)."""

from __future__ import annotations

import pytest
from hoverify.properties.adversary import DEFAULT
from hoverify.properties.downgrade import Edit, built, edits
from hoverify.properties.exploration import Action, Exploration
from hoverify.properties.explore import EXPLORATION_KASME
from hoverify.statemachines.messages import Kind
from hoverify.statemachines.scenario import parse_hops, run_scenario
from hoverify.statemachines.topology import small_topology
from hoverify.statemachines.variants import load

from hoverify.cli import build_parser, main
from hoverify.runs import check_evaluation


@pytest.mark.parametrize("variant", ["ts33401", "seed-fs", "tr33821-v070"])
def test_every_edit_reads_back_from_its_name_and_its_text(variant: str) -> None:
    """Over every message of runs of each built-in variant, each edit its receiver or its
    sender may make (``edits``, ``built``; an addition of each field the variant's HO
    command carries) reads back from its name as what it does, to which field, to what
    value, and from its text with the value it found there too."""
    run = run_scenario(load(variant), parse_hops("x2,s1,s1-inter,intra-enb"))
    addable = run.variant.command_fields()
    kinds = set()
    for step in run.system.steps:
        fields = step.message.fields
        for edit in (*edits(fields, addable), *built(fields, run.topology.enbs)):
            said = edit.said(fields)
            kinds.add(edit.kind)
            assert Edit.Said.from_text(edit.text(fields)) == said
            assert Edit.Said.from_name(edit.name(fields)) == Edit.Said(
                said.kind, said.where, said.added, said.new)
    assert kinds >= {"rewrite", "remove"} and ("add" in kinds) == (variant == "seed-fs")


@pytest.mark.parametrize("text", [
    "", "garbage", "=1", "security/NCC", "/+x", "rewrites field 'security/NCC' 2",
    "removes field 'security/NCC", "adds field 'x' 1 'security'", "rewrites field '' 1 -> 2"])
def test_a_text_no_edit_writes_reads_as_none(text: str) -> None:
    assert Edit.Said.from_text(text) is None and Edit.Said.from_name(text) is None


# -- edit38: a coalition holding both ends of a message ---------------------------------------
def _x2_request_in_flight(held: list[str]) -> Exploration:
    """ts33401 on the small topology, ``held`` compromised, the UE's X2 handover to enb-2
    started and its X2AP HandoverRequest enb-1->enb-2 in flight."""
    exploration = Exploration(load("ts33401"), small_topology(), EXPLORATION_KASME)
    targets = exploration.adversary.targets(exploration.system.topology,
                                            exploration.system.variant)
    for who in held:
        exploration.compromise(targets.index(who))
    cells = [c.name for c in exploration.neighbours()]
    exploration.start_handover(cells.index("enb-2/cell-1"))
    while not any(m.kind is Kind.X2AP_HANDOVER_REQUEST for m in exploration.system.in_flight):
        exploration.deliver(0)
    return exploration


def _request_edits(exploration: Exploration) -> set[str]:
    """The texts of the edits possible of the X2AP HandoverRequest in flight."""
    return {text for text in exploration.edit_texts()
            if text.endswith("in X2AP HandoverRequest enb-1->enb-2")}


def test_a_coalition_holding_both_ends_of_a_message_makes_either_ends_edits() -> None:
    """The source eNB builds the X2AP HANDOVER REQUEST (TS 36.423 9.1.1.1) and writes what it
    likes: NDS/IP protects only what it wrote (TS 33.401 11); the target receives it. A
    coalition holding both may do what either does, each edit said as made by its own
    end: with enb-1 alone, the source leaves the NCC of the AS Security Information out;
    with enb-1 and enb-2 it still can, and that edit is still enb-1's (edit38: it had only
    the receiver's edits, the removal was never offered)."""
    removal = ("enb-1 removes field 'AS-SecurityInformation/NCC' in X2AP HandoverRequest "
               "enb-1->enb-2")
    alone = _x2_request_in_flight(["enb-1"])
    assert removal in _request_edits(alone)
    alone.close()
    coalition = _x2_request_in_flight(["enb-1", "enb-2"])
    texts = _request_edits(coalition)
    receivers = {t for t in texts if t.startswith("enb-2 ")}
    assert removal in texts and receivers, texts  # the receiver's edits are still offered
    assert all(t.startswith(("enb-1 ", "enb-2 ")) for t in texts), texts
    index, leaf = coalition.edit_texts()[removal]
    made = coalition.apply(Action("edit", index, leaf))
    assert made is not None and made.text == removal
    assert made.edit == "HandoverRequest/AS-SecurityInformation/-NCC"
    assert (1, "enb-1") in coalition.engine.facts.rewritten  # judged as the source's edit
    coalition.close()


@pytest.mark.parametrize(("edit", "said"), [
    # the source's removal, judged as its edit: an attacker holding enb-1 derives hop 1's
    # KeNB (horizontal KeNB*, TS 33.401 7.2.8.4.3), so downgrade resistance judges nothing
    ("HandoverRequest/AS-SecurityInformation/-NCC",
     "not judged: an attacker holding enb-1 derives the honest KeNB of handover 1 without "
     "an edit"),
    # the target's own flip of the New eNB UE X2AP ID it allocates (TS 36.423 9.2.24): an
    # edit by the eNB the handover completes at, which the edit claims do not judge
    ("HandoverRequestAcknowledge/New eNB UE X2AP ID=1",
     "not judged: enb-2, which edited handover 1, is its target")])
def test_check_lets_a_coalition_holding_both_ends_make_the_senders_edit(
        edit: str, said: str, capsys: pytest.CaptureFixture[str]) -> None:
    """``:edit=`` of what only the sender builds, with both ends compromised, is made and
    judged as the sender's (edit38: refused, "where both ends are, the receiver edits")."""
    code = main(["check", "--variant", "ts33401", "--topology", "small", "--hops",
                 f"x2@enb-2/cell-1:edit={edit}", "--compromise", "enb-1@1",
                 "--compromise", "enb-2@1"])
    out, err = capsys.readouterr()
    assert code != 2 and "error" not in err, err
    assert said in out, out


def test_a_coalitions_edits_from_both_ends_of_one_message_are_its_relays(
        capsys: pytest.CaptureFixture[str]) -> None:
    """Of one HandoverRequestAcknowledge, a coalition holding both ends rewrites the NCC of
    the container, which its receiver, the source, relays into the HO command (TS 36.331
    SecurityConfigHO), and the New eNB UE X2AP ID, which only its sender, the target,
    builds (TS 36.423 9.1.1.2, 9.2.24): the pair is made by the end that relays the message
    last, the source, whose edit the edit claims judge (helper-163 M09: named as the
    target's, denial read "not judged: enb-2 ... is its target")."""
    code = main(["check", "--variant", "ts33401", "--topology", "small", "--hops",
                 "x2@enb-2/cell-1:edit=HandoverRequestAcknowledge/container/NCC=3"
                 ":edit=HandoverRequestAcknowledge/New eNB UE X2AP ID=1",
                 "--compromise", "enb-1@1", "--compromise", "enb-2@1"])
    out = capsys.readouterr().out
    assert code == 0
    # both ends edited it, each its own (helper-176 #3: the target's part went unsaid)
    assert ("hop 1, radio observer + enb-1@1, enb-2@1: fails (not promised): after enb-1 "
            "and enb-2 edited a message of handover 1, the target enb-2 refuses the HO "
            "confirm") in out


@pytest.mark.parametrize("typo", ["container/NC=1", "container/-NC", "container/NCC=2"])
def test_a_mistyped_edit_is_answered_with_its_field_and_that_fields_edits(
        typo: str, capsys: pytest.CaptureFixture[str]) -> None:
    """text41: ``container/NC=1`` was answered with one made-up value of NCC
    (``container/NCC=6``); the answer names the field and each edit it has, as the HO
    command's edits list them (the NCC of TS 33.401 7.2.8.4.3 rewritten to each of its
    other values, helper-161, or removed); NCC=2, the value the command carries, is none."""
    assert main(["check", "--variant", "ts33401",
                 "--hops", f"s1:edit=HandoverCommand/{typo}"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    values = "; ".join(f"container/NCC={value}" for value in (0, 1, 3, 4, 5, 6, 7))
    assert err.endswith(f"; did you mean field 'container/NCC' (its edits: {values}; "
                        "container/-NCC)?\n"), err


@pytest.mark.parametrize("variant", ["ts33401", "tr33821-v070", "seed-fs"])
def test_a_hop_after_one_that_never_ended_says_why_it_never_started(
        variant: str, capsys: pytest.CaptureFixture[str]) -> None:
    """helper-170 #2: the UE discards a HO command whose PDCP COUNT it has used (TS 33.401
    7.4.1: the receiver accepts each PDCP COUNT once), so hop 1 never ends: the UE stays in
    enb-1's cell, and enb-1 waits for it to leave (TS 36.300 10.1.2.1.1). No TX2RELOCoverall
    expiry (TS 36.423 8.2.1) is modelled to end that wait, so hop 2 never starts. Both rows
    read "never completed" alone, exit 0, with nothing said of hop 2. Now each row names the
    refusal it stopped at, and a warning says hop 2 never started."""
    hops = "x2@enb-2/cell-1:edit=RRCConnectionReconfiguration/COUNT=0,s1@enb-3/cell-1"
    assert main(["check", "--variant", variant, "--topology", "small", "--hops", hops,
                 "--compromise", "enb-1@1"]) == 0
    captured = capsys.readouterr()
    rows = [line for line in captured.out.splitlines() if line.startswith("hop ")]
    assert rows[0].endswith("never completed: ue refused RRC RRCConnectionReconfiguration (HO "
                            "command) (PDCP COUNT 0 already used (replay))"), rows
    assert rows[1].endswith("never completed: enb-1 refused RRC MeasurementReport (RRC "
                            "MeasurementReport is not expected in state 'ho-commanded')"), rows
    assert "hoverify: warning: hop 2 never started: enb-1 refused" in captured.err
    assert "after enb-1 edited a message of handover 1, the UE refuses the HO command" in (
        captured.out)


def test_the_check_lines_explore_and_verify_try_warn_of_no_hop(
        capsys: pytest.CaptureFixture[str]) -> None:
    """``explore`` and ``verify`` run each finding's check line through ``check_evaluation``
    before printing it (``cli._check_gives``): the warning of a hop that never started is
    ``check``'s own, said to the user who gave the hops, not written once per tried line
    into a search's output."""
    hops = "x2@enb-2/cell-1:edit=RRCConnectionReconfiguration/COUNT=0,s1@enb-3/cell-1"
    args = build_parser().parse_args(["check", "--variant", "ts33401", "--topology", "small",
                                      "--hops", hops, "--compromise", "enb-1@1"])
    run, _ = check_evaluation(args, lambda _: DEFAULT)
    assert not run.hops[1].confirm_sent
    assert capsys.readouterr().err == ""


def test_an_enb_compromised_after_a_hop_cannot_make_that_hops_edit(
        capsys: pytest.CaptureFixture[str]) -> None:
    """An edit of hop 1 needs an end of the message compromised from hop 1 or earlier: enb-1
    compromised from hop 2 on did not hold it then (mutant: ``held`` ignoring the hop, so
    the edit ran, exit 0, as the edit of an eNB not yet compromised)."""
    code = main(["check", "--variant", "ts33401", "--hops",
                 "x2:edit=HandoverRequest/AS-SecurityInformation/NCC=1,s1,x2",
                 "--compromise", "enb-1@2"])
    err = capsys.readouterr().err
    assert code == 2 and "is compromised from hop 1 or earlier" in err, err


def test_a_coalitions_edits_between_its_ends_are_named_as_the_receivers(
        capsys: pytest.CaptureFixture[str]) -> None:
    """Edits of one message made between a coalition's two ends are the receiver's, which
    relays it last (``editor``; mutant: named as the sender's)."""
    main(["check", "--variant", "ts33401", "--topology", "small", "--hops",
          "x2@enb-2/cell-1:edit=HandoverRequestAcknowledge/container/NCC=3"
          ":edit=HandoverRequestAcknowledge/New eNB UE X2AP ID=1",
          "--compromise", "enb-1@1", "--compromise", "enb-2@1"])
    out = capsys.readouterr().out
    assert "the run rests on enb-1's edits of X2AP HandoverRequestAcknowledge" in out, out


def test_an_enbs_second_edit_of_a_handover_is_judged_against_the_run_without_its_first() -> None:
    """Mutant M17 of helper-254: an edit is judged against the run without it, asked on
    the editor's first edit of the handover (``Engine.fault``, ``Facts.unedited``). enb-1,
    compromised, edits its X2 HandoverRequest to enb-2, then the Acknowledge that comes
    back: the run without its edits is the honest one, whose KeNB* enb-1 derives itself
    (TS 33.401 7.2.8.4.2), not the run with the first edit alone, in which the handover
    never completes."""
    exploration = Exploration(load("ts33401"), small_topology(), EXPLORATION_KASME)
    exploration.compromise(0)  # enb-1
    exploration.start_handover(1)  # x2 to enb-2
    exploration.deliver(0)  # the measurement report
    for _ in range(2):  # the HandoverRequest enb-1 sends, the Acknowledge it receives
        [first, *_] = exploration.edit_choices()
        assert exploration.edit(*first) is not None
        exploration.deliver(0)
    unedited = exploration.engine.facts.unedited
    exploration.close()
    assert sorted((u.hop, u.enb, u.without) for u in unedited) == [(1, "enb-1", "derivable")]
