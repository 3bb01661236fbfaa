"""The verdict words (issue 18, item 4): each defined once in ``reports/words.py`` and used
alike in ``hoverify check`` text, its JSON and the report's pages."""

from __future__ import annotations

import pytest

from hoverify.cli import main


def check(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    main(["check", *argv])
    return capsys.readouterr().out


def test_a_variant_without_ncc_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    out = check(capsys, "--variant", "seed-fs", "--hops", "x2")
    assert "no NCC" in out and "NCC None" not in out
    out = check(capsys, "--variant", "ts33401", "--hops", "x2")
    assert "NCC 0 " in out and "no NCC" not in out


def test_the_last_line_names_whose_derivable_keys_it_lists(
        capsys: pytest.CaptureFixture[str]) -> None:
    """Not "derivable hops: none" right after a claim listing derivable later KeNBs: without
    --compromise the line is a radio observer's alone."""
    out = check(capsys, "--variant", "tr33821-v070", "--hops", "x2,x2")
    assert out.splitlines()[-1] == ("KeNB derivable by a radio observer alone at the end of "
                                    "the run, hops: none")
    out = check(capsys, "--variant", "tr33821-v070", "--hops", "x2,x2",
                "--compromise", "enb-1@1")
    assert out.splitlines()[-1] == ("KeNB derivable by radio observer + enb-1@1 at the end "
                                    "of the run, hops: [1, 2]")
