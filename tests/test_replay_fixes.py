"""replay37: a saved finding replayed on the variant it was recorded on, or on a fix of it.

On the recorded variant (the built-in the file names, or a variant file with the SHA-256 it
recorded) a step that does not find what its text says is a corrupt file, or one saved by
another version of the model: an error, never a verdict. On a fix (``--variant-file``, or
the recorded file edited since) what the variant sends or does otherwise is the fix's
doing, and the user's question is whether the attack still works: the saved edit is made
as named, whatever value the fix sends there; a step after it that the fix makes
impossible stops the trace, "NOT reproduced". The proposal is tests/data/replay37/
mode_integer.py (review35's weak proposal with an integer mode), its fixes beside it
(data/SOURCES.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hoverify.cli import main

DATA = Path(__file__).parent / "data" / "replay37"
PROPOSAL, FOUR, REFUSE = (DATA / name for name in ("mode_integer.py", "mode_four.py",
                                                   "refuse_legacy.py"))
EDIT = "HandoverRequired/security/derivation mode=0"  # the attack: ask for legacy KeNB*
FIELD = "security/derivation mode"
MESSAGE = "S1AP HandoverRequired enb-1->mme-1"
CAVEAT = ("the trace stops there, which does not prove the variant secure: run check/verify "
          "on it (recorded: FAILS (promised))")


@pytest.fixture(scope="module")
def found(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The finding forward-security that ``verify`` saves for the proposal (one handover;
    drop, compromise, rewrite), with the trace of its key-separation finding (an intra-eNB
    hop), for a trace that fails before its edit."""
    root = tmp_path_factory.mktemp("mode")
    variant = root / "mode_integer.py"
    variant.write_text(PROPOSAL.read_text())
    assert main(["verify", "--variant-file", str(variant), "--max-handovers", "1", "--faults",
                 "drop,compromise,rewrite", "--out", str(root / "out"), "--quiet"]) == 1
    doc = json.loads((root / "out" / "mode-integer-nas-forward-security.json").read_text())
    assert [(s["text"], s.get("edit")) for s in doc["trace"] if s["kind"] == "edit"] == [
        (f"enb-1 rewrites field '{FIELD}' 1 -> 0 in {MESSAGE}", EDIT)]
    doc["first_hop"] = json.loads((root / "out" / "mode-integer-nas-key-separation-not-"
                                   "promised.json").read_text())["trace"]
    return dict(doc)


def _saved(tmp_path: Path, doc: dict[str, Any], step: dict[str, Any] | None = None,
           trace: list[dict[str, Any]] | None = None) -> Path:
    """``doc`` as verify saved it, its variant file a copy of the proposal as it was (the
    same SHA-256), its edit step's keys replaced by ``step``'s; its trace ``trace``."""
    variant = tmp_path / "mode_integer.py"
    variant.write_text(PROPOSAL.read_text())
    steps = [s | (step or {}) if s.get("edit") == EDIT else s for s in trace or doc["trace"]]
    path = tmp_path / "finding.json"
    path.write_text(json.dumps({k: v for k, v in doc.items() if k != "first_hop"}
                               | {"variant_file": str(variant), "trace": steps}))
    return path


# A consistent step (its edit's name and text say one change) whose field the proposal does
# not send as the step says it found it: the value the edit sets (1, which the proposal sends),
# a value no edit makes of what it sends (7), one an edit does make (0 from 2), a field it
# never sends.
FALSE = {"the edited value": ("derivation mode=1", "0 -> 1", f"already carries {FIELD!r} 1: "
                              "the edit would change nothing"),
         "unreachable": ("derivation mode=7", "6 -> 7", f"carries {FIELD!r} 1, where the step "
                         "found 6, and no edit of it makes it 7"),
         "reachable": ("derivation mode=0", "2 -> 0", f"carries {FIELD!r} 1, where the step "
                       "found 2"),
         "no such field": ("derivation bits=0", "1 -> 0", "has no field "
                           "'security/derivation bits'")}


@pytest.mark.parametrize("given", ["as recorded", "--variant-file with its source"])
@pytest.mark.parametrize("case", sorted(FALSE))
def test_a_false_old_value_on_the_recorded_variant_is_a_corrupt_file(
        tmp_path: Path, found: dict[str, Any], capsys: pytest.CaptureFixture[str], case: str,
        given: str) -> None:
    """The file says its step found a value the variant it was recorded on does not send
    there: the file does not match its variant (before replay37 the first, second and last
    read "NOT reproduced", exit 0, as of a fix). One line naming the step, its action and
    the field, exit 2, whether the variant is the recorded file or a file of the same source
    given with --variant-file (the SHA-256 the finding recorded)."""
    edit, change, why = FALSE[case]
    field = edit.partition("=")[0]
    text = f"enb-1 rewrites field 'security/{field}' {change} in {MESSAGE}"
    path = _saved(tmp_path, found, {"edit": f"HandoverRequired/security/{edit}", "text": text})
    extra = [] if given == "as recorded" else ["--variant-file", str(PROPOSAL)]
    assert main(["replay", str(path), *extra]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "Traceback" not in err
    assert err.rstrip("\n").endswith(
        f"action 4, {text!r}: {MESSAGE} {why}: the file does not match the variant it was "
        "recorded on (corrupt, or saved by another version of the model)")


def test_on_a_fix_a_value_no_edit_makes_is_not_reproduced(
        tmp_path: Path, found: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    """The same file replayed on a fix (another source): what the fix sends there is the
    fix's doing, which the file cannot contradict; the saved edit (to 7) is no edit of what
    the fix sends (4: its flips are 5, 6 and 0), so the attack as saved is not possible."""
    text = f"enb-1 rewrites field '{FIELD}' 6 -> 7 in {MESSAGE}"
    path = _saved(tmp_path, found, {"edit": "HandoverRequired/security/derivation mode=7",
                                    "text": text})
    assert main(["replay", str(path), "--variant-file", str(FOUR)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        "NOT reproduced: action 4, the saved edit 'HandoverRequired/security/derivation mode=7', "
        f"is no longer possible: {MESSAGE} carries {FIELD!r} 4, where the step found 6, and no "
        f"edit of it makes it 7; {CAVEAT}")


@pytest.mark.parametrize("given", ["--variant-file", "edited in place"])
def test_a_fix_that_sends_a_third_value_the_edit_still_changes_goes_on(
        tmp_path: Path, found: dict[str, Any], capsys: pytest.CaptureFixture[str],
        given: str) -> None:
    """The fix asks for mode 4 instead of 1 and its MME still trusts mode 0: the attacker
    sets the field to 0 as recorded (one bit flip of 4 too), the run goes on, and the attack
    still works: "reproduced", exit 1 (before replay37: exit 2, "replay diverged"). The step
    prints what it did on the fix, and what was recorded."""
    path = _saved(tmp_path, found)
    recorded = f"enb-1 rewrites field '{FIELD}' 1 -> 0 in {MESSAGE}"
    if given == "--variant-file":
        argv = [str(path), "--variant-file", str(FOUR)]
    else:  # the proposer edits the recorded file as mode_four.py changes it (variants.md)
        edited = PROPOSAL.read_text().replace("    sent = 1  #", "    sent = 4  #")
        assert edited != PROPOSAL.read_text()
        (tmp_path / "mode_integer.py").write_text(edited)
        argv = [str(path)]
    assert main(["replay", *argv]) == 1
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert err == "" and lines[-1] == "reproduced"
    assert (lines[1] == f"variant: mode-integer from {tmp_path / 'mode_integer.py'}, changed "
            "since the finding was recorded (its SHA-256 is not the recorded one)") == (
        given == "edited in place")
    at = lines.index(f"  4. enb-1 rewrites field '{FIELD}' 4 -> 0 in {MESSAGE}")
    assert lines[at + 1] == f"     (recorded: {recorded})"
    assert main(["replay", "--json", *argv]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["reproduced"] and not doc["recorded_variant"]
    assert doc["recorded_otherwise"] == [{"step": 4, "recorded": recorded}]


@pytest.mark.parametrize("variant", ["as recorded", "a fix"])
def test_a_file_written_before_edits_were_named_replays_as_a_new_one(
        tmp_path: Path, found: dict[str, Any], capsys: pytest.CaptureFixture[str],
        variant: str) -> None:
    """A finding saved before edits were named (edits35) has edit steps with a text and no
    ``edit``: its edit is the one its text says, named as a new file names it, so on the fix
    that asks for mode 4 it is made 4 -> 0 and the attack still works, "reproduced", exit 1,
    as for a new file (edit38: matched by its text, "1 -> 0", it diverged, exit 2); on the
    recorded variant it replays as recorded."""
    path = _saved(tmp_path, found)
    doc = json.loads(path.read_text())
    doc["trace"] = [{k: v for k, v in s.items() if k != "edit"} | (
        {"leaf": 0} if s["kind"] == "edit" else {}) for s in doc["trace"]]
    assert sum(s["kind"] == "edit" for s in doc["trace"]) == 1
    path.write_text(json.dumps(doc))
    extra = [] if variant == "as recorded" else ["--variant-file", str(FOUR)]
    assert main(["replay", str(path), *extra]) == 1
    out, err = capsys.readouterr()
    assert err == "" and out.splitlines()[-1] == "reproduced"
    made = "4 -> 0" if variant == "a fix" else "1 -> 0"
    assert f"  4. enb-1 rewrites field '{FIELD}' {made} in {MESSAGE}" in out.splitlines()


def test_the_recorded_variant_replays_as_recorded(
        tmp_path: Path, found: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", "--json", str(_saved(tmp_path, found))]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["reproduced"] and doc["recorded_variant"] and doc["recorded_otherwise"] == []


def test_a_fix_that_refuses_a_later_message_is_not_reproduced(
        tmp_path: Path, found: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    """The fix's MME refuses a HandoverRequired asking for legacy KeNB*: the edit is made,
    the next step of the trace (the HandoverRequest the MME sent) never comes. The fix
    stopped the attack as saved: "NOT reproduced" with the refusal and the caveat, exit 0
    (before replay37: exit 2, "replay diverged"); the failure of the hop before the edit is
    reported as found before the stop."""
    first = len(found["first_hop"])
    path = _saved(tmp_path, found, trace=[*found["first_hop"], *found["trace"]])
    assert main(["replay", str(path), "--variant-file", str(REFUSE)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == (
        f"NOT reproduced: action {first + 6}, 'deliver S1AP HandoverRequest mme-1->enb-3', is no "
        f"longer possible after the edit of action {first + 4}: the model did nothing (not "
        f"possible in this state) (mme-1 refused {MESSAGE}: derivation mode 0 (legacy KeNB*) "
        f"refused); {CAVEAT}")
    assert f"     (the run stopped at action {first + 5} of the {first + 10} recorded)" in out
    [separation] = [line for line in out if line.startswith("=> key-separation: ")]
    assert separation.endswith(f"(found on actions 1-{first}, before the run stopped)")
    assert main(["replay", "--json", str(path), "--variant-file", str(REFUSE)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert not doc["reproduced"] and doc["findings"] == [] and doc["claim"] is None
    assert [f["claim"] for f in doc["found_before_the_stop"]] == ["key-separation"]


# A step's text made into one no run of the model records, whatever the variant: a party not
# in the topology, a message between parties that never exchange it (X2AP runs between two
# eNBs, TS 36.423), a message the model has not (edit38)
CORRUPT = {"no such party": ("S1AP HandoverRequest mme-1->xenb-3",
                             "'xenb-3' is no party of the topology"),
           "X2AP from an MME": ("X2AP HandoverRequest mme-1->enb-3",
                                "no X2AP HandoverRequest goes from mme-1 to enb-3 (X2: enb and "
                                "enb)"),
           "no such message": ("S1AP HandoverRequests mme-1->enb-3",
                               "'S1AP HandoverRequests mme-1->enb-3' is no message of the "
                               "model")}


@pytest.mark.parametrize("variant", ["as recorded", "a fix"])
@pytest.mark.parametrize("at", [3, 6])
@pytest.mark.parametrize("case", sorted(CORRUPT))
def test_a_step_no_variant_records_is_a_corrupt_file_before_and_after_the_edit(
        tmp_path: Path, found: dict[str, Any], capsys: pytest.CaptureFixture[str], at: int,
        variant: str, case: str) -> None:
    """A delivery no run of the model records on any variant: a variant computes keys and
    fields, never who exchanges which message (``never_recorded``). On the recorded variant,
    before or after the edit, a corrupt file (exit 2); on a fix too, after the edit as
    before it (edit38: after it, this read "NOT reproduced", exit 0, as if the fix had
    refused what the edit made)."""
    message, why = CORRUPT[case]
    trace = [dict(s) for s in found["trace"]]
    assert trace[5]["text"] == "deliver S1AP HandoverRequest mme-1->enb-3"
    trace[at - 1]["text"] = f"deliver {message}"  # step 3 delivers the MeasurementReport
    path = _saved(tmp_path, found, trace=trace)
    extra = [] if variant == "as recorded" else ["--variant-file", str(FOUR)]
    assert main(["replay", str(path), *extra]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "Traceback" not in err, err
    if at > 4:  # before the edit any step that does not follow is an error: "replay diverged"
        assert err.rstrip("\n").endswith(
            f"action {at}, {trace[at - 1]['text']!r}: {why}: no variant of the model records "
            "that step: the file is corrupt, or saved by another version of the model"), err


@pytest.mark.parametrize("who", ["enb-3", "mme-1"])
def test_an_edit_by_no_end_of_its_message_after_the_edit_is_a_corrupt_file(
        tmp_path: Path, found: dict[str, Any], capsys: pytest.CaptureFixture[str],
        who: str) -> None:
    """Only an eNB at an end of a message edits it (TS 33.401 11: the eNBs are the ends of
    NDS/IP; only an eNB is compromised to edit): a step after the attack's edit in which
    enb-3, or mme-1, the other end, edits enb-1's HandoverRequired to mme-1 is one no run of
    the model records, on a fix as on the recorded variant: a corrupt file, exit 2
    (helper-163 M26: it read "NOT reproduced", exit 0; helper-183's mutant let the MME edit)."""
    trace = [dict(s) for s in found["trace"]]
    [edit] = [s for s in trace if s["kind"] == "edit"]
    assert trace.index(edit) < 5
    text = f"{who} rewrites field '{FIELD}' 1 -> 0 in {MESSAGE}"
    trace[5] = edit | {"text": text}
    path = _saved(tmp_path, found, trace=trace)
    assert main(["replay", str(path), "--variant-file", str(FOUR)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "Traceback" not in err, err
    assert err.rstrip("\n").endswith(
        f"action 6, {text!r}: '{who}' is no eNB at an end of {MESSAGE}: no variant of the model "
        "records that step: the file is corrupt, or saved by another version of the model"), err


@pytest.mark.parametrize("variant", ["as recorded", "a fix"])
@pytest.mark.parametrize("at", [3, 6])
def test_a_step_a_fix_may_change_is_not_reproduced_after_the_edit(
        tmp_path: Path, found: dict[str, Any], capsys: pytest.CaptureFixture[str], at: int,
        variant: str) -> None:
    """A delivery of a message the model has, between parties that exchange it, that this
    run does not make (mme-1's S1AP HandoverRequest to enb-2, where it prepared enb-3): on
    the recorded variant a corrupt file (exit 2, "replay diverged"); on a fix, before the
    edit too (nothing of the attack ran yet: replay cannot tell the fix's doing from a
    corrupt file), while after it the fix may have changed what follows: NOT reproduced."""
    trace = [dict(s) for s in found["trace"]]
    trace[at - 1]["text"] = "deliver S1AP HandoverRequest mme-1->enb-2"
    path = _saved(tmp_path, found, trace=trace)
    extra = [] if variant == "as recorded" else ["--variant-file", str(FOUR)]
    fixed_after = variant == "a fix" and at > 4
    assert main(["replay", str(path), *extra]) == (0 if fixed_after else 2)
    out, err = capsys.readouterr()
    if fixed_after:
        assert out.splitlines()[-1].startswith(f"NOT reproduced: action {at}, ")
    else:
        assert out == "" and err.count("\n") == 1 and "replay diverged at" in err


def test_a_file_saved_before_the_sha256_says_how_to_replay_its_edited_variant(
        tmp_path: Path, found: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    """A finding saved before replay37 records no SHA-256: its variant file is taken as the
    recorded one, so a fix written over it (mode 4) does not follow, exit 2, and the line
    says how to replay it as a fix; given with --variant-file, it is one."""
    path = _saved(tmp_path, found)
    path.write_text(json.dumps({k: v for k, v in json.loads(path.read_text()).items()
                                if k != "variant_sha256"}))
    variant = tmp_path / "mode_integer.py"
    variant.write_text(PROPOSAL.read_text().replace("    sent = 1  #", "    sent = 4  #"))
    assert main(["replay", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.rstrip("\n").endswith(
        f"(the finding records no SHA-256 of {variant}: if it was edited since, replay it with "
        f"--variant-file {variant})")
    assert main(["replay", str(path), "--variant-file", str(variant)]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == "reproduced"


def test_a_finding_whose_variant_file_is_gone_says_so_and_how_to_replay_it(
        tmp_path: Path, found: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    """dev43: with the reviewer's file moved or deleted, replay said only "PATH: cannot read
    the variant file", not that the finding was found on it nor how to replay it on another:
    now the line says both, and with --variant-file it replays."""
    path = _saved(tmp_path, found)
    variant = tmp_path / "mode_integer.py"
    kept = tmp_path / "kept.py"
    variant.rename(kept)
    assert main(["replay", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err == (
        f"hoverify: error: {path}: it was found on the variant file {variant}, which cannot "
        "be read (No such file or directory); to replay it on a variant file: hoverify "
        f"replay {path} --variant-file PATH\n")
    assert main(["replay", str(path), "--variant-file", str(kept)]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == "reproduced"
