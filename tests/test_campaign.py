"""Fuzzing campaigns (hoverify.campaign): the fuzz target fails where explore exits 1, with
explore's text; two runs sharing a directory database share their examples, and explore
brings a campaign's failure back as a finding; bad settings are one line. No hypofuzz
needed: the target is a plain Hypothesis test (``tests/test_fuzz.py`` runs it on ts33401)."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shlex
import subprocess
import sys
import unittest
from pathlib import Path
from typing import Any
from unittest.mock import ANY

import pytest
from hypothesis import Phase, settings
from hypothesis import seed as hypothesis_seed
from hypothesis.database import DirectoryBasedExampleDatabase

from hoverify.campaign import PromiseBroken, campaign, example_database, fuzz_target
from hoverify.cli import explore_finding_text, main
from hoverify.errors import UsageError

ROOT = Path(__file__).parent.parent
# KeNB* without the PCI (TS 33.401 A.5 binds PCI and EARFCN-DL; the file promises both):
# key separation fails, promised, on the first intra-eNB hop, a few examples in
UNBOUND = "--variant-file tests/broken_variants/kenb_star_without_pci.py --faults drop"
# the MME reuses NH (TS 33.401 7.2.8.4 derives a new one per S1 handover): ncc-sync fails,
# promised, on an inter-MME hop; not in explore's first example with seed 1
REUSED = "--variant-file tests/broken_variants/mme_reuses_nh.py --faults drop"


def run_target(text: str, **options: object) -> None:
    """The fuzz target of campaign ``text``, under ``options`` (a short search: the suite
    has no time for Hypothesis' shrinking of these examples, minutes each)."""
    target = fuzz_target(campaign(text))
    machine = target.runTest._hypothesis_state_machine_class  # type: ignore[attr-defined]
    hypothesis_seed(1)(machine)
    target.settings = settings(target.settings, **options)  # type: ignore[attr-defined]
    unittest.TestCase.run(target(), result := unittest.TestResult())
    if result.failures or result.errors:
        raise AssertionError((result.failures + result.errors)[0][1])


def files(directory: Path) -> dict[str, bytes]:
    """A directory database's entries (a file per key and value, named by their digests)."""
    return {str(p.relative_to(directory)): p.read_bytes()
            for p in directory.rglob("*") if p.is_file()}


@pytest.fixture(autouse=True)
def _at_the_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # variant files named as the docs name them


def test_the_target_fails_as_explore_reports_a_broken_promise() -> None:
    with pytest.raises(AssertionError) as failed:
        run_target(UNBOUND, max_examples=30, database=None, phases=[Phase.generate])
    text = str(failed.value)
    assert PromiseBroken.__name__ in text
    assert "key-separation: FAILS (promised): KeNB[hop 1] is not bound to its target cell" in text
    # the variant file by its absolute path, so the line works from any directory (fix38)
    variant = ROOT / "tests" / "broken_variants" / "kenb_star_without_pci.py"
    assert f"  check: hoverify check --variant-file {variant} --topology small --hops " \
        "intra-enb@" in text


def test_two_runs_sharing_a_database_share_the_failure_and_explore_brings_it_back(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    database = DirectoryBasedExampleDatabase(str(tmp_path / "db"))
    with pytest.raises(AssertionError, match=r"FAILS \(promised\)") as first:
        run_target(REUSED, max_examples=50, database=database, derandomize=False,
                   phases=[Phase.generate])
    broken = re.search(r"PromiseBroken: ([\w-]+): FAILS", str(first.value))
    assert broken is not None
    claim = broken[1]
    # a second process: it generates nothing, and fails on what the first stored
    with pytest.raises(AssertionError, match=f"{claim}: FAILS"):
        run_target(REUSED, max_examples=50, database=database, derandomize=False,
                   phases=[Phase.reuse])
    stored = files(tmp_path / "db")
    assert stored
    # explore reads it and leaves it as it was (read only); its first example is the
    # campaign's failure (seed 1 alone finds nothing there), kept as explore keeps any:
    # file, check line, exit 1
    out = tmp_path / "findings"

    def explore(*database: str) -> tuple[int, dict[str, Any]]:
        code = main(["explore", *REUSED.split(), "--examples", "1", "--seed", "1", *database,
                     "--out", str(out), "--json", "--quiet"])
        return code, json.loads(capsys.readouterr().out)

    assert explore() == (0, ANY)
    code, doc = explore("--database", str(tmp_path / "db"))
    assert code == 1 and doc["examples_run"] == 1
    [finding] = [f for f in doc["findings"] if (f["claim"], f["promised"]) == (claim, True)]
    assert finding["check"] is not None
    assert Path(finding["file"]).exists()
    assert files(tmp_path / "db") == stored
    # another campaign (other faults) keys its examples apart: nothing of this one replayed
    run_target(REUSED.replace("drop", "compromise"), max_examples=50, database=database,
               derandomize=False, phases=[Phase.reuse])


@pytest.mark.parametrize(("text", "said"), [
    ("--variant no-such", "unknown variant"),
    ("--variant ts33401 --examples 5", "--examples is not a campaign's option"),
    ("--variant ts33401 --faults drop,teleport", "teleport"),
    ("--variant 'ts33401", "No closing quotation"),
    ("--topology small", r"HOVERIFY_FUZZ: explore: give --variant V \(built in: "),
    ("--variant ts33401 --hosp 2", "HOVERIFY_FUZZ: explore: unrecognized option --hosp"),
])
def test_a_bad_campaign_is_a_usage_error(text: str, said: str) -> None:
    with pytest.raises(UsageError, match=said):
        campaign(text)


def test_explore_refuses_a_database_that_is_a_file_in_one_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "db").write_text("")
    for given, said in [(tmp_path / "db", "not a directory"),
                        (tmp_path / "none", "no such directory")]:
        code = main(["explore", "--variant", "ts33401", "--database", str(given),
                     "--out", str(tmp_path / "out")])
        err = capsys.readouterr().err
        assert code == 2 and err.count("\n") == 1 and said in err, err
    assert not (tmp_path / "out").exists()  # refused before the search


def test_a_redis_database_without_redis_says_what_to_install() -> None:
    if importlib.util.find_spec("redis") is not None:
        pytest.skip("redis is installed: nothing to say")
    with pytest.raises(UsageError, match=r"pip install 'hypothesis\[redis\]'"):
        example_database("--database", "redis://localhost:6379/0", reading=True)


@pytest.mark.parametrize(("setting", "said"), [
    ("HOVERIFY_DATABASE", "HOVERIFY_DATABASE {db}: not a directory (an example database is "
                          "one)"),
    ("HOVERIFY_FUZZ", "HOVERIFY_FUZZ: --examples is not a campaign's option (it takes: "
                      "backhaul_unprotected, bit_placement, compromise_targets, faults, steps, "
                      "topology, variant, variant_file)"),
])
def test_pytest_refuses_a_bad_setting_in_one_line(tmp_path: Path, setting: str,
                                                  said: str) -> None:
    (tmp_path / "db").write_text("")
    value = {"HOVERIFY_DATABASE": str(tmp_path / "db"),
             "HOVERIFY_FUZZ": "--variant ts33401 --examples 5"}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "tests/test_fuzz.py",
         "--collect-only"], cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, "HYPOTHESIS_PROFILE": "fuzz", setting: value[setting]})
    assert done.returncode == pytest.ExitCode.USAGE_ERROR
    assert done.stderr.strip() == "ERROR: " + said.format(db=tmp_path / "db"), done.stderr


def test_a_campaign_is_keyed_alike_in_every_process() -> None:
    """Processes and machines of one campaign store and find its examples under one key:
    nothing in it may follow Python's per-process string hashing (a set's order)."""
    script = ("from hoverify.campaign import campaign; from hoverify.properties.explore "
              "import campaign_key; c = campaign('--variant seed-fs'); "
              "print(campaign_key(c.variant, c.topology, c.faults, c.adversary).hex())")
    keys = {subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                           text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": str(salt)}).stdout
            for salt in (1, 2, 3)}
    assert len(keys) == 1, keys


def test_the_target_fails_with_the_dry_runs_variant_error_as_explore_lists_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A variant file whose source_mme raises (S1 hops only, TS 33.401 7.2.8.4.3), fuzzed on a
    topology without S1 neighbours: explore lists the dry run's variant error (exit 1); the
    campaign fails with the same words."""
    variant = "tests/erroring_variants/mme_hook_raises_on_s1.py"
    topology = "tests/data/dryrun39/x2_only.toml"
    text = f"--variant-file {variant} --topology {topology} --steps 5"
    with pytest.raises(AssertionError) as failed:
        run_target(text, max_examples=2, database=None, phases=[Phase.generate])
    assert main(["explore", *shlex.split(text), "--examples", "2", "--out", str(tmp_path),
                 "--json"]) == 1
    [finding] = [f for f in json.loads(capsys.readouterr().out)["findings"]
                 if f["claim"] == "variant-error"]
    said = explore_finding_text(finding)
    assert said.startswith("variant-error: the dry run stopped: hops s1, run when the variant "
                           "file was loaded")
    assert PromiseBroken.__name__ in str(failed.value) and said in str(failed.value)
