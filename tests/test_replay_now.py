"""review22: ``replay`` says what the finding's claim says now on its trace, in ``check``'s
words (a promise weakened is not a fix), and prints a variant error's trace; every command
numbers a variant error's step alike and names it as no claim's failure."""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Any

import pytest
from hoverify.properties.exploration import numbered_starts
from hoverify.statemachines.scenario import run_scenario
from hoverify.statemachines.variants import load

from hoverify.cli import main

DATA = Path(__file__).parent / "data" / "review22"  # the reviewer's files (data/SOURCES.md)
RAISES = str(Path(__file__).parent / "erroring_variants" / "ue_hook_raises.py")
PROMISE = 'Promise("forward-security", hops=1,'  # the reviewer's promise: 1-hop on every hop


def _finding(tmp_path: Path, promise: str) -> tuple[Path, list[str]]:
    """The reviewer's finding, its variant's forward-security promise replaced by
    ``promise`` (what the reviewer edited), and the finding's check line on that variant."""
    source = (DATA / "crnti_fs.py").read_text()
    assert PROMISE in source
    variant = tmp_path / "crnti_fs.py"
    variant.write_text(source.replace(PROMISE, promise))
    doc = json.loads((DATA / "crnti-fs-forward-security.json").read_text())
    path = tmp_path / "finding.json"
    path.write_text(json.dumps(doc | {"variant_file": str(variant)}))
    check = shlex.split(doc["check"])[1:]
    check[check.index("--variant-file") + 1] = str(variant)
    return path, check


def _check_verdict(check: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    main([*check, "--json"])
    doc = json.loads(capsys.readouterr().out)
    [claim] = [c for c in doc["claims"] if c["name"] == "forward-security"]
    [verdict] = claim["verdicts"]
    return dict(verdict)


def _replayed_line(out: str) -> str:
    """The replayed claim's verdict line, its attacker named as check names it (text36:
    replay said "enb-1" where check says "radio observer + enb-1@1")."""
    [line] = [line for line in out.splitlines()
              if line.startswith("    hop 1, radio observer + enb-1@1: ")]
    return line


def test_a_promise_weakened_to_2_hop_is_not_a_fix(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """n-hop forward security keeps safe the KeNBs n or more hops after the attacker's last
    legitimate one (docs/claims.md): enb-1 still derives the KeNB of hop 1, one hop after its
    own, which a 2-hop promise allows: the run, one hop long, cannot break it, so the claim is
    untested (helper-178). Replay says so, as check does on the same run."""
    path, check = _finding(tmp_path, 'Promise("forward-security", hops=2,')
    assert main(["replay", str(path)]) == 0  # no promised claim fails (docs/commands.md)
    out = capsys.readouterr().out
    assert "no longer violated" not in out
    assert out.splitlines()[-1] == ("NOT reproduced: forward-security now: untested (recorded: "
                                    "FAILS (promised))")
    line = _replayed_line(out)
    assert "untested: 2-hop forward security so far: the later KeNB it derives, of hop 1," in line
    assert line.endswith("promised 2-hop"), line
    verdict = _check_verdict(check, capsys)  # one claim, one definition: check's words
    assert line == f"    hop 1, {verdict['attacker']}: {verdict['verdict']}: {verdict['detail']}"
    assert main(["replay", "--json", str(path)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert not doc["reproduced"] and doc["claim"]["verdict"] == "untested"
    assert [doc["claim"]["verdicts"][0][k] for k in ("attacker", "detail")] == [
        verdict["attacker"], verdict["detail"]]


def test_the_promise_as_found_is_reproduced_and_fails(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, check = _finding(tmp_path, PROMISE)
    assert main(["replay", str(path)]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == "reproduced"
    verdict = _check_verdict(check, capsys)
    assert verdict["verdict"] == "FAILS (promised)"
    assert _replayed_line(out) == (f"    hop 1, {verdict['attacker']}: FAILS (promised): "
                                   f"{verdict['detail']}")


def test_a_promise_dropped_for_x2_leaves_the_failure_unpromised(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Promised on S1 hops only, the X2 hop's derived KeNB fails, not promised: the finding
    (a broken promise) is not reproduced, and the key is still derived."""
    path, check = _finding(tmp_path, 'Promise("forward-security", hops=1, '
                                     'hop_types=frozenset({HopType.S1}),')
    assert main(["replay", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == ("NOT reproduced: forward-security now: fails (not "
                                    "promised) (recorded: FAILS (promised))")
    verdict = _check_verdict(check, capsys)
    assert _replayed_line(out) == (f"    hop 1, {verdict['attacker']}: fails (not promised): "
                                   f"{verdict['detail']}")


def _variant_error(doc: dict[str, Any]) -> dict[str, Any]:
    [finding] = [f for f in doc["findings"] if f["claim"] == "variant-error"]
    return dict(finding)


@pytest.mark.parametrize("command", [["verify", "--max-handovers", "1"],
                                     ["explore", "--examples", "20", "--steps", "20"]])
def test_every_command_numbers_a_variant_errors_step_alike(
        command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The step of a variant error is the model's, as check's witnesses number steps: the
    deliveries counted from 0, the set-up's included. verify numbered it one less."""
    assert main([command[0], "--variant-file", RAISES, *command[1:], "--out", str(tmp_path),
                 "--json", "--quiet"]) == 1
    found = _variant_error(json.loads(capsys.readouterr().out))
    assert found["verdict"] == "the run stopped"  # a crash is no claim's failure
    assert main(["replay", "--json", found["file"]]) == 1
    replayed = _variant_error(json.loads(capsys.readouterr().out))
    assert main([*shlex.split(found["check"])[1:], "--json"]) == 1
    checked = json.loads(capsys.readouterr().out)["variant_error"]
    assert found["detail"] == replayed["detail"] == checked["detail"]
    # the trace ends with the delivery that raised; before it, one delivery per action (a
    # start delivers the measurement stimulus), after the set-up's
    assert all(a.startswith(("start ", "deliver ")) for a in found["trace"])
    setup = len(run_scenario(load("ts33401"), []).system.steps)
    step = setup + len(found["trace"]) - 1
    assert found["detail"].startswith(f"step {step} (deliveries counted from 0, AS security "
                                      "set-up included), hop 1: ")
    assert checked["step"] == step


def test_every_command_says_the_run_stopped(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", "--variant-file", RAISES, "--max-handovers", "1", "--out",
                 str(tmp_path), "--quiet"]) == 1
    lines = [line for line in capsys.readouterr().out.splitlines()
             if line.startswith("variant-error")]
    assert lines and all(line.startswith("variant-error: the run stopped: step ")
                         for line in lines)
    assert main(["check", "--variant-file", RAISES, "--hops", "x2"]) == 1
    assert capsys.readouterr().out.startswith("variant-error           the run stopped: step ")


def test_replay_of_a_variant_error_prints_its_trace_and_reproduced(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", "--variant-file", RAISES, "--max-handovers", "1", "--out",
                 str(tmp_path), "--json", "--quiet"]) == 1
    found = _variant_error(json.loads(capsys.readouterr().out))
    assert main(["replay", found["file"]]) == 1
    lines = capsys.readouterr().out.splitlines()
    # review46: the text named no finding, claim nor variant; it now starts with them
    saved = json.loads(Path(found["file"]).read_text())
    assert lines[0] == (f"replay of {found['file']}: variant-error, the run stopped, found on "
                        f"{saved['variant']} from {saved['variant_file']}, topology small")
    assert lines[1] == f"found by: {saved['found_by']['command']} (bound exhausted)"
    assert lines[2].startswith("attacker: ")
    assert lines[3:3 + len(found["trace"])] == [  # each start numbered (helper-198 #4)
        f"{number:>3}. {text}"
        for number, text in enumerate(numbered_starts(found["trace"]), start=1)]
    assert lines[-2] == f"=> variant-error: the run stopped: {found['detail']}"
    assert lines[-1] == "reproduced"
