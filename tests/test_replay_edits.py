"""review35: ``replay`` of a saved edit that is not possible. A proposal fixed by no longer
sending the field the attack edited reads "NOT reproduced" (docs/variants.md: "edit the
proposal and replay the trace to see whether the fix holds"); a file whose edit no edit of
the message has, or whose step is inconsistent with the trace, is bad input that names the
step, the saved edit and the edits the message has there."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hoverify.cli import main

DATA = Path(__file__).parent / "data" / "review35"  # the reviewer's files (data/SOURCES.md)
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
    return dict(doc)


def _finding(tmp_path: Path, doc: dict[str, Any], proposal: str,
             step: dict[str, Any] | None = None) -> Path:
    """``doc`` saved with its variant file a copy of the reviewer's ``proposal`` under the
    name the finding names (the proposal edited in place), its edit step replaced by
    ``step``'s keys."""
    variant = tmp_path / "proposal.py"
    variant.write_text((DATA / proposal).read_text().replace('"fix-noflag"', '"weak-mode"'))
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
    assert last.startswith(f"NOT reproduced: step {step}, the saved edit {EDIT!r}, is no longer "
                           f"possible: S1AP HandoverRequired enb-1->mme-1 has no field "
                           f"{FIELD!r}; the trace stops there")
    assert "run check/verify on it" in last and last.endswith("(recorded: FAILS (promised))")
    assert f"(the run stopped at action {step - 1} of the {len(saved['trace'])} recorded)" in out
    assert main(["replay", "--json", str(path)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert not doc["reproduced"] and doc["findings"] == [] and doc["claim"] is None
    assert doc["not_possible"].startswith(f"step {step}, the saved edit {EDIT!r}")


def test_the_weak_proposal_still_reproduces(
        tmp_path: Path, saved: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", str(_finding(tmp_path, saved, "weak_mode.py"))]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == "reproduced"


BAD_EDITS = {"unknown field": "HandoverRequired/security/bogus=False",
             "wrong value": "HandoverRequired/security/derivation mode=7",
             "another message": "HandoverCommand/security/derivation mode=False",
             "garbage": "garbage", "a number": 5}


@pytest.mark.parametrize("proposal", ["weak_mode.py", "fix_noflag.py"])
@pytest.mark.parametrize("bad", sorted(BAD_EDITS))
def test_a_saved_edit_no_edit_of_the_message_has_is_named(
        tmp_path: Path, saved: dict[str, Any], capsys: pytest.CaptureFixture[str], bad: str,
        proposal: str) -> None:
    """A corrupt file (its edit inconsistent with its step's text or with the message):
    one line, exit 2, naming the step, the saved edit and the edits the message has there,
    on the weak proposal and on the fix alike."""
    path = _finding(tmp_path, saved, proposal, {"edit": BAD_EDITS[bad]})
    assert main(["replay", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "Traceback" not in err
    assert f"(step 4): the saved edit is not possible there: HandoverRequired (S1AP " \
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
    assert err.count("\n") == 1 and "replay diverged at" in err and "(step 4)" in err


def test_each_kind_of_edit_names_the_field_it_changes() -> None:
    """``Edit.name`` and ``Edit.text`` (hoverify.properties.downgrade) of a rewrite, a
    removal and an addition of a field the message no longer has: the field is named gone
    only where the step's text says the change the saved edit names, of that message."""
    from hoverify.properties.hop_edits import field_gone
    from hoverify.statemachines.messages import Kind, Message

    sent = Message(Kind.S1AP_HANDOVER_REQUIRED, "enb-1", "mme-1", (("security", (("NCC", 0),)),))
    at = f" in {sent}"
    cases = [("HandoverRequired/security/mode=True", f"enb-1 rewrites field '{FIELD}' False -> "
              f"True{at}", None),  # another field's text
             ("HandoverRequired/security/derivation mode=True", f"enb-1 rewrites field "
              f"'{FIELD}' False -> True{at}", FIELD),
             ("HandoverRequired/security/-derivation mode", f"enb-1 removes field '{FIELD}'{at}",
              FIELD),
             ("HandoverRequired/for UE/+notification bit=1", "enb-1 adds field 'notification "
              f"bit' 1 to 'for UE'{at}", "for UE"),
             ("HandoverRequired/security/+notification bit=1", "enb-1 adds field 'notification "
              f"bit' 1 to 'security'{at}", None),  # there: another edit of it
             ("HandoverRequired/security/NCC=1", f"enb-1 rewrites field 'security/NCC' 0 -> "
              f"1{at}", None),
             ("HandoverCommand/security/derivation mode=True", f"enb-1 rewrites field "
              f"'{FIELD}' False -> True{at}", None)]
    assert [field_gone(sent, saved, text) for saved, text, _ in cases] == [
        gone for _, _, gone in cases]
