"""The command line on bad input: exit code 2, one line on stderr naming the problem, no
traceback, nothing on stdout; and on good input the exit codes the README gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from hoverify.cli import main

BAD = {
    "unknown variant": ["run", "--variant", "ts33402", "--hops", "x2"],
    "unknown hop type": ["run", "--variant", "ts33401", "--hops", "x3"],
    "empty hop list": ["run", "--variant", "ts33401", "--hops", " "],
    "empty hop in the list": ["check", "--variant", "ts33401", "--hops", "x2,,s1"],
    "bad KASME": ["run", "--variant", "ts33401", "--hops", "x2", "--kasme", "zz"],
    "short KASME": ["run", "--variant", "ts33401", "--hops", "x2", "--kasme", "00ff"],
    "UL NAS COUNT beyond 32 bits": ["run", "--variant", "ts33401", "--hops", "x2",
                                    "--ul-nas-count", str(2**32)],
    "bit placement": ["run", "--variant", "seed-fs", "--bit-placement", "rrc", "--hops", "x2"],
    "compromise of an unknown eNB": ["check", "--variant", "ts33401", "--hops", "x2",
                                     "--compromise", "enb-9@1"],
    "compromise of an MME": ["check", "--variant", "ts33401", "--hops", "x2",
                             "--compromise", "mme-1@1"],
    "compromise outside the hops": ["check", "--variant", "ts33401", "--hops", "x2",
                                    "--compromise", "source@2"],
    "compromise without a hop": ["check", "--variant", "ts33401", "--hops", "x2",
                                 "--compromise", "enb-1"],
    "no examples": ["explore", "--variant", "ts33401", "--examples", "0"],
    "unknown fault": ["explore", "--variant", "ts33401", "--faults", "jam"],
    "replay of a missing file": ["replay", "/nonexistent/finding.json"],
    "unknown command option": ["run", "--variant", "ts33401", "--hops", "x2", "--fast"],
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_is_one_clear_line_and_exit_code_2(
        name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(BAD[name]) == 2
    out, err = capsys.readouterr()
    assert err.startswith("hoverify: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err and out == ""


def test_replay_of_a_file_that_is_not_a_finding(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "finding.json"
    path.write_text('{"variant": "ts33401"}\n')
    assert main(["replay", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"hoverify: error: {path}") and err.count("\n") == 1


@pytest.mark.parametrize(("argv", "code"), [
    (["check", "--variant", "ts33401", "--hops", "x2,s1,s1-inter"], 0),
    (["check", "--variant", "seed-fs", "--bit-placement", "alg-id", "--hops", "s1"], 1),
    # FS is not promised, but its KeNB* binds no EARFCN-DL (key-separation, TS 33.401 A.5)
    (["check", "--variant", "tr33821-v070", "--hops", "x2"], 1),
    (["check", "--variant", "tr33821-v070", "--hops", "x2", "--compromise", "enb-1@1"], 1),
    (["run", "--variant", "seed-fs", "--bit-placement", "alg-id", "--hops", "s1"], 0),
])
def test_exit_codes_follow_the_promises(argv: list[str], code: int,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == code
    capsys.readouterr()
