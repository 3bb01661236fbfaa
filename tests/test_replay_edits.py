"""review35: ``replay`` of a saved edit that is not possible. A proposal fixed by no longer
sending the field the attack edited reads "NOT reproduced" (docs/variants.md: "edit the
proposal and replay the trace to see whether the fix holds"); a file whose edit no edit of
the message has, or whose step is inconsistent with the trace, is bad input that names the
step, the saved edit and the edits the message has there. replay36: the finding replayed
on the fix's own file (``--variant-file``); a fix that keeps the edited field and sends what
the edit set; the failures of a trace's prefix where it stops."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hoverify.statemachines.messages import Kind, Message

from hoverify.cli import main

DATA = Path(__file__).parent / "data" / "review35"  # the reviewer's files (data/SOURCES.md)
# replay36's fix of the weak proposal that still sends the flag, always False (data/SOURCES.md)
FLAG_FALSE = Path(__file__).parent / "data" / "replay36" / "fix_flag_false.py"
EDIT = "HandoverRequired/security/derivation mode=False"  # the attack's edit (weak_mode.py)
FIELD = "security/derivation mode"


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The finding forward-security that ``verify`` saves for the weak proposal (one
    handover; drop, compromise, rewrite), as the reviewer ran it."""
    root = tmp_path_factory.mktemp("weak")
    variant = root / "weak_mode.py"
    variant.write_text((DATA / "weak_mode.py").read_text())
    assert main(["verify", "--variant-file", str(variant), "--max-handovers", "1", "--faults",
                 "drop,compromise,rewrite", "--out", str(root / "out")]) == 1
    doc = json.loads((root / "out" / "weak-mode-nas-forward-security.json").read_text())
    assert EDIT in [step.get("edit") for step in doc["trace"]]
    # its first hop's failure, for a trace that fails before its edit (``_after_a_hop``)
    doc["first_hop"] = json.loads((root / "out" / "weak-mode-nas-key-separation-not-promised."
                                   "json").read_text())["trace"]
    return dict(doc)


def _finding(tmp_path: Path, doc: dict[str, Any], proposal: str,
             step: dict[str, Any] | None = None) -> Path:
    """``doc`` saved with its variant file a copy of the reviewer's ``proposal`` (or of
    replay36's ``FLAG_FALSE``) under the name the finding names (the proposal edited in
    place), its edit step replaced by ``step``'s keys."""
    variant = tmp_path / "proposal.py"
    source = (FLAG_FALSE if proposal == FLAG_FALSE.name else DATA / proposal).read_text()
    variant.write_text(source.replace('"fix-noflag"', '"weak-mode"')
                       .replace('"fix-flag-false"', '"weak-mode"'))
    trace = [s | (step or {}) if s.get("edit") == EDIT else s for s in doc["trace"]]
    path = tmp_path / "finding.json"
    path.write_text(json.dumps(doc | {"variant_file": str(variant), "trace": trace}))
    return path


def test_a_fix_that_no_longer_sends_the_flag_is_not_reproduced(
        tmp_path: Path, saved: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    """The fix's HandoverRequired carries no `derivation mode`: the saved edit of it is not
    possible, so the attack as saved is not, and replay says so as of any finding that no
    longer reproduces, with the step, the edit, and that the fix is not proven secure; it
    exits as a replay whose trace breaks no promise (docs/commands.md: 0)."""
    path = _finding(tmp_path, saved, "fix_noflag.py")
    step = 1 + [s.get("edit") for s in saved["trace"]].index(EDIT)
    assert main(["replay", str(path)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    last = out.splitlines()[-1]
    assert last.startswith(f"NOT reproduced: action {step}, the saved edit {EDIT!r}, is no longer "
                           f"possible: S1AP HandoverRequired enb-1->mme-1 has no field "
                           f"{FIELD!r}; the trace stops there")
    assert "run check/verify on it" in last and last.endswith("(recorded: FAILS (promised))")
    assert f"(the run stopped at action {step - 1} of the {len(saved['trace'])} recorded)" in out
    assert main(["replay", "--json", str(path)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert not doc["reproduced"] and doc["findings"] == [] and doc["claim"] is None
    assert doc["not_possible"].startswith(f"action {step}, the saved edit {EDIT!r}")
    assert doc["unfinished"] is None  # the run stopped early: no handover is judged unfinished


def test_the_weak_proposal_still_reproduces(
        tmp_path: Path, saved: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", str(_finding(tmp_path, saved, "weak_mode.py"))]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == "reproduced"


BAD_EDITS = {"unknown field": "HandoverRequired/security/bogus=False",
             "wrong value": "HandoverRequired/security/derivation mode=7",
             "another message": "HandoverCommand/security/derivation mode=False",
             "garbage": "garbage", "a number": 5}


@pytest.mark.parametrize("proposal", ["weak_mode.py", "fix_noflag.py", FLAG_FALSE.name])
@pytest.mark.parametrize("bad", sorted(BAD_EDITS))
def test_a_saved_edit_no_edit_of_the_message_has_is_named(
        tmp_path: Path, saved: dict[str, Any], capsys: pytest.CaptureFixture[str], bad: str,
        proposal: str) -> None:
    """A corrupt file (its edit inconsistent with its step's text or with the message):
    one line, exit 2, naming the step, the saved edit and the edits the message has there,
    on the weak proposal and on the fixes alike (the one that still sends the field too)."""
    path = _finding(tmp_path, saved, proposal, {"edit": BAD_EDITS[bad]})
    assert main(["replay", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "Traceback" not in err
    assert f"(action 4): the saved edit is not possible there: HandoverRequired (S1AP " \
           f"HandoverRequired enb-1->mme-1) has no edit {str(BAD_EDITS[bad])!r} (its edits: " \
           "HandoverRequired/eNB UE S1AP ID=0" in err
    assert (f"{EDIT}; " in err) == (proposal == "weak_mode.py")


def test_a_step_whose_text_is_not_the_traces_stays_bad_input_on_the_fix(
        tmp_path: Path, saved: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    """The step says another message than the one in flight: the file is inconsistent with
    the trace, not an attack the fix prevents."""
    [text] = [s["text"] for s in saved["trace"] if s.get("edit") == EDIT]
    path = _finding(tmp_path, saved, "fix_noflag.py",
                    {"text": text.replace("enb-1->mme-1", "enb-2->mme-1")})
    assert main(["replay", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "replay diverged at" in err and "(action 4)" in err


def test_each_kind_of_edit_says_what_the_variant_sends_otherwise() -> None:
    """A rewrite, a removal and an addition that the message no longer allows, the step's
    text read back as data (``Edit.Said.from_text``, the inverse of ``Edit.text``; replay37):
    a reason is given only where the step says the change the saved edit names, of that
    message, and the message no longer sends what the step found there (the field gone;
    the field with another value than the step's, the edited one included: replay36; the
    added field already there)."""
    from hoverify.properties.downgrade import Edit
    from hoverify.properties.hop_edits import sent_otherwise

    sent = Message(Kind.S1AP_HANDOVER_REQUIRED, "enb-1", "mme-1", (("security", (("NCC", 0),)),))
    gone = f"{sent} has no field "
    cases = [("HandoverRequired/security/mode=True", f"rewrites field '{FIELD}' False -> True",
              None),  # another field's text
             ("HandoverRequired/security/derivation mode=True", f"rewrites field '{FIELD}' "
              "False -> True", f"{gone}{FIELD!r}"),
             ("HandoverRequired/security/-derivation mode", f"removes field '{FIELD}'",
              f"{gone}{FIELD!r}"),
             ("HandoverRequired/for UE/+notification bit=1", "adds field 'notification bit' 1 "
              "to 'for UE'", f"{gone}'for UE'"),
             ("HandoverRequired/security/+notification bit=1", "adds field 'notification bit' "
              "1 to 'security'", None),  # there: another edit of it
             ("HandoverRequired/security/NCC=1", "rewrites field 'security/NCC' 0 -> 1",
              None),  # the value the step found: the model's edits changed
             ("HandoverCommand/security/derivation mode=True", f"rewrites field '{FIELD}' "
              "False -> True", None),
             ("HandoverRequired/security/NCC=0", "rewrites field 'security/NCC' 1 -> 0",
              f"{sent} already carries 'security/NCC' 0: the edit would change nothing"),
             ("HandoverRequired/security/NCC=5", "rewrites field 'security/NCC' 4 -> 5",
              f"{sent} carries 'security/NCC' 0, where the step found 4, and no edit of it "
              "makes it 5"),
             ("HandoverRequired/security/+NCC=2", "adds field 'NCC' 2 to 'security'",
              f"{sent} already carries field 'security/NCC'")]
    saids = [Edit.Said.from_text(text) for _, text, _ in cases]
    assert None not in saids
    assert [sent_otherwise(sent, saved, said, False)
            for (saved, _, _), said in zip(cases, saids, strict=True)] == [
        why for _, _, why in cases]
    # the third value an edit of it still makes (replay37): the step is made, the
    # difference said
    assert sent_otherwise(sent, "HandoverRequired/security/NCC=5", saids[-2], True) == (
        f"{sent} carries 'security/NCC' 0, where the step found 4")


# replay36: the finding replayed on the fixed proposal's own file (--variant-file), a fix that
# keeps the edited field, and the failures of the trace before it stops.


def _saved_as_found(tmp_path: Path, doc: dict[str, Any],
                    trace: list[dict[str, Any]] | None = None) -> Path:
    """``doc`` as verify saved it (its variant file the weak proposal's), its trace
    ``trace``; the proposal's file is left as it was."""
    variant = tmp_path / "weak_mode.py"
    variant.write_text((DATA / "weak_mode.py").read_text())
    path = tmp_path / "found.json"
    path.write_text(json.dumps(doc | {"variant_file": str(variant),
                                      "trace": trace or doc["trace"]}))
    return path


def _no_op_reason(step: int) -> str:
    """Why a saved edit is not possible on a proposal that sends the value it sets: its
    proposal changed, not the file (replay36)."""
    return (f"NOT reproduced: action {step}, the saved edit {EDIT!r}, is no longer possible: "
            f"S1AP HandoverRequired enb-1->mme-1 already carries {FIELD!r} False: the edit "
            "would change nothing; the trace stops there, which does not prove the variant "
            "secure: run check/verify on it (recorded: FAILS (promised))")


def test_replay_on_another_variant_file_says_which_and_that_it_is_not_the_recorded_one(
        tmp_path: Path, saved: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    """The delegate keeps the finding as saved and replays it on the proposer's fixed file;
    replay says which variant it ran and that it is not the one the finding names. The
    recorded variant file is not read (the fix may have replaced it)."""
    path = _saved_as_found(tmp_path, saved)
    fix = str(DATA / "fix_noflag.py")
    step = 1 + [s.get("edit") for s in saved["trace"]].index(EDIT)
    assert main(["replay", str(path), "--variant-file", fix]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    lines = out.splitlines()
    assert lines[1] == (f"variant: fix-noflag from {fix}, instead of the recorded weak-mode "
                        f"({tmp_path / 'weak_mode.py'})")
    assert lines[-1].startswith(f"NOT reproduced: action {step}, the saved edit {EDIT!r}, is no "
                                "longer possible: S1AP HandoverRequired enb-1->mme-1 has no "
                                f"field {FIELD!r}")
    (tmp_path / "weak_mode.py").unlink()
    assert main(["replay", "--json", str(path), "--variant-file", fix]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert (doc["variant"], doc["variant_file"]) == ("fix-noflag", fix)
    assert doc["instead_of"] == {"variant": "weak-mode",
                                 "variant_file": str(tmp_path / "weak_mode.py")}
    assert not doc["reproduced"] and doc["not_possible"].startswith(f"action {step}, ")
    assert doc["unfinished"] is None
    # the weak proposal's file, given again: the finding reproduces on it
    assert main(["replay", str(path), "--variant-file", str(DATA / "weak_mode.py")]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == "reproduced"
    assert main(["replay", "--json", str(_saved_as_found(tmp_path, saved))]) == 1
    assert json.loads(capsys.readouterr().out)["instead_of"] is None


BAD_FILES = {"missing": None, "syntax error": "VARIANT = (\n",
             "no VARIANT": "from dataclasses import dataclass\n",
             "not a variant": "VARIANT = 5\n"}


@pytest.mark.parametrize("bad", sorted(BAD_FILES))
def test_a_bad_variant_file_is_refused_as_check_refuses_it(
        tmp_path: Path, saved: dict[str, Any], capsys: pytest.CaptureFixture[str],
        bad: str) -> None:
    """One loader: replay's --variant-file is refused in the line check's is, exit 2."""
    variant = tmp_path / "fix.py"
    if BAD_FILES[bad] is not None:
        variant.write_text(BAD_FILES[bad])
    path = _saved_as_found(tmp_path, saved)
    assert main(["check", "--variant-file", str(variant), "--hops", "s1"]) == 2
    refused = capsys.readouterr().err
    assert main(["replay", str(path), "--variant-file", str(variant)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err == refused and err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize("given", ["--variant-file", "edited in place"])
def test_a_fix_that_sends_the_edited_value_itself_is_not_reproduced(
        tmp_path: Path, saved: dict[str, Any], capsys: pytest.CaptureFixture[str],
        given: str) -> None:
    """The fix keeps the field and sends what the attack's edit set (False): the edit
    changes nothing there, which is the proposal's change, not a corrupt file. Replay says
    so with the same caveat as for a field no longer sent, and exits as a trace that breaks
    no promise (docs/commands.md: 0), whether the fix is given as a file or written over the
    recorded one."""
    step = 1 + [s.get("edit") for s in saved["trace"]].index(EDIT)
    if given == "--variant-file":
        argv = [str(_saved_as_found(tmp_path, saved)), "--variant-file", str(FLAG_FALSE)]
    else:
        argv = [str(_finding(tmp_path, saved, FLAG_FALSE.name))]
    assert main(["replay", *argv]) == 0
    out, err = capsys.readouterr()
    assert err == "" and out.splitlines()[-1] == _no_op_reason(step)
    assert main(["replay", "--json", *argv]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert not doc["reproduced"] and doc["findings"] == [] and doc["claim"] is None


@pytest.mark.parametrize("proposal", [FLAG_FALSE, DATA / "fix_noflag.py"])
def test_what_the_trace_found_before_it_stops_is_reported(
        tmp_path: Path, saved: dict[str, Any], capsys: pytest.CaptureFixture[str],
        proposal: Path) -> None:
    """The finding after a first handover (intra-eNB) on which key-separation fails, not
    promised (the EARFCN-DL is no input of seed-fs's KeNB*: TS 33.401 A.5 binds it). On the
    fixes the trace stops at the edit, after that hop ran: its failure is reported, marked
    as found before the stop, in the words of the run's own findings."""
    trace = [*saved["first_hop"], *saved["trace"]]
    step = 1 + [s.get("edit") for s in saved["trace"]].index(EDIT)
    path = _saved_as_found(tmp_path, saved, trace)
    assert main(["replay", str(path)]) == 1  # on the weak proposal: the two failures, found
    out = capsys.readouterr().out
    [separation] = [line for line in out.splitlines() if line.startswith("=> key-separation: ")]
    assert out.splitlines()[-1] == "reproduced"
    assert main(["replay", str(path), "--variant-file", str(proposal)]) == 0
    out = capsys.readouterr().out
    first = len(saved["first_hop"])
    assert f"{separation} (found on actions 1-{first}, before the run stopped)" in \
        out.splitlines()
    assert out.splitlines()[-1].startswith(f"NOT reproduced: action {first + step}, the saved edit")
    assert main(["replay", "--json", str(path), "--variant-file", str(proposal)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["findings"] == [] and [(f["claim"], f["verdict"]) for f in
                                      doc["found_before_the_stop"]] == [
        ("key-separation", "fails (not promised)")]
