"""A variant error that only the dry run of a variant file meets is reported whatever the hops
(dryrun39): a hook that raises is a bug of the variant, the finding ``variant-error`` of every
command (exit 1, docs/commands.md "Variant errors are errors"), also where the command's own
hops never call that hook. The variant's ``source_mme`` has a NameError and is called on S1
hops only (TS 33.401 7.2.8.4.3: the source MME computes a fresh NH for an S1 handover); the
commands run on X2 hops only."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest
from hoverify.reports.scenarios import SCENARIOS
from hoverify.statemachines.names import word_list
from hoverify.statemachines.scenario import parse_hops
from hoverify.statemachines.topology import HopType

from hoverify.cli import main
from hoverify.dry_run import dry_run_error
from hoverify.variant_file import load_variant_file

TESTS = Path(__file__).parent
S1_ONLY = TESTS / "erroring_variants" / "mme_hook_raises_on_s1.py"
# the reviewer's line that raises, as the finding names it ("mme_hook_raises_on_s1.py:17")
WHERE = "mme_hook_raises_on_s1.py:" + str(
    next(n for n, line in enumerate(S1_ONLY.read_text().splitlines(), start=1) if "mmee" in line))
X2_ONLY = str(TESTS / "data" / "dryrun39" / "x2_only.toml")  # no S1 neighbour anywhere
RAISED = "variant hook source_mme() raised NameError: name 'mmee' is not defined"
DRY_RUN = "hops s1, run when the variant file was loaded"
NEVER = "its hops never called source_mme() where it raises"


def _said(detail: str) -> None:
    """The hook, the exception, the source line, the dry run's hops, and why the command's
    own run did not meet it."""
    assert DRY_RUN in detail and RAISED in detail and f"({WHERE})" in detail, detail
    assert NEVER in detail, detail


def test_the_loader_keeps_the_dry_runs_variant_error() -> None:
    found = dry_run_error(load_variant_file(str(S1_ONLY)))
    assert found is not None and found.hops == "s1"
    assert found.error.hook == "source_mme" and found.error.where == WHERE


@pytest.mark.parametrize("command", ["run", "check"])
def test_run_and_check_on_x2_hops_report_it(command: str,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main([command, "--variant-file", str(S1_ONLY), "--hops", "x2,x2"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "variant mme-hook-raises-on-s1"  # the run's own output, whole
    [line] = [line for line in lines if line.startswith("variant-error")]
    # review46: "the run stopped" after a run that completed; it was the dry run's
    assert line == lines[-1] and line.startswith("variant-error           the dry run stopped: ")
    _said(line)


@pytest.mark.parametrize("command", ["run", "check"])
def test_their_json_carries_it_as_variant_error(command: str,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main([command, "--variant-file", str(S1_ONLY), "--hops", "x2", "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert [hop["type"] for hop in doc["hops"]] == ["x2"]
    error = doc["variant_error"]
    assert error["claim"] == "variant-error" and error["promised"]
    assert error["hook"] == "source_mme" and error["where"] == WHERE
    assert error["exception"] == "NameError: name 'mmee' is not defined"
    assert error["dry_run_hops"] == "s1"
    assert error["check"] == shlex.join(["hoverify", "check", "--variant-file",
                                         str(S1_ONLY.resolve()), "--hops", "s1"])
    _said(error["detail"])


def test_where_the_own_run_meets_it_it_is_reported_once_with_its_step(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--variant-file", str(S1_ONLY), "--hops", "x2,s1"]) == 1
    out = capsys.readouterr().out
    [line] = [line for line in out.splitlines() if line.startswith("variant-error")]
    assert ", hop 2: " + RAISED in line and "dry run" not in line


def test_explore_on_x2_hops_reports_it_with_its_check_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["explore", "--variant-file", str(S1_ONLY), "--topology", X2_ONLY,
                 "--examples", "5", "--steps", "10", "--out", str(tmp_path), "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 1 and doc["promise_broken"]
    [finding] = [f for f in doc["findings"] if f["claim"] == "variant-error"]
    assert finding["verdict"] == "the dry run stopped" and finding["promised"]
    assert finding["trace"] == [] and finding["file"] is None  # no action of the search
    _said(finding["detail"])
    assert not list(tmp_path.glob("*variant-error*"))  # nothing saved for replay
    # its check line meets it again, in the run of the dry run's hops, with its step
    assert main(shlex.split(finding["check"])[1:]) == 1
    [line] = [line for line in capsys.readouterr().out.splitlines()
              if line.startswith("variant-error")]
    assert ", hop 1: " + RAISED in line and "dry run" not in line


def test_verify_on_x2_hops_reports_it(tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["verify", "--variant-file", str(S1_ONLY), "--topology", X2_ONLY,
                 "--max-handovers", "1", "--out", str(tmp_path), "--quiet"])
    out = capsys.readouterr().out
    assert code == 1
    [line] = [line for line in out.splitlines() if line.startswith("variant-error")]
    assert line.startswith("variant-error: the dry run stopped: ")
    _said(line)
    assert "no violation of a promised claim" not in out


def test_replay_on_x2_hops_reports_it(tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    """A finding verify saved on X2 hops (not promised: exit 0 alone), replayed on the
    variant file it names."""
    main(["verify", "--variant-file", str(S1_ONLY), "--topology", X2_ONLY,
          "--max-handovers", "1", "--out", str(tmp_path), "--quiet"])
    capsys.readouterr()
    saved = tmp_path / "mme-hook-raises-on-s1-fake-cell-capture-not-promised.json"
    assert main(["replay", str(saved)]) == 1
    out = capsys.readouterr().out
    [line] = [line for line in out.splitlines() if line.startswith("=> variant-error")]
    assert line.startswith("=> variant-error: the dry run stopped: ")
    _said(line)
    assert out.endswith("\nreproduced\n")  # the recorded finding is still judged as before
    assert main(["replay", str(saved), "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert [f["claim"] for f in doc["findings"]] == ["fake-cell-capture", "variant-error"]
    assert doc["reproduced"]


PAST_NCC_0 = TESTS / "erroring_variants" / "intra_enb_hook_raises_past_ncc_0.py"


def test_report_records_a_variant_error_only_its_dry_run_met(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """No run of the report reaches an intra-eNB hop past NCC 0; the dry run's chain does
    (hop 4, after x2, s1 and s1-inter hops). The report is written, says it, exits 1."""
    out = tmp_path / "report"
    path = str(PAST_NCC_0)
    assert main(["report", "--out", str(out), "--variants", "ts33401", "--variant-file", path,
                 "--quiet"]) == 1
    hops = "x2,s1,s1-inter,intra-enb,x2,s1,x2,s1,x2,s1"
    [said] = [line for line in capsys.readouterr().out.splitlines()
              if line.startswith("variant errors")]
    assert said == ("variant errors recorded (exit 1): intra-enb-hook-raises-past-ncc-0 in the "
                    f"dry run with hops {hops}")
    doc = json.loads((out / "verdicts.json").read_text())
    [entry] = [v for v in doc["variants"] if v["label"] == "intra-enb-hook-raises-past-ncc-0"]
    error = entry["variant_error"]
    assert error["hook"] == "source_enb" and error["exception"] == "KeyError: 4"
    assert error["hop"] == 4 and error["dry_run_hops"] == hops
    # named as given, as the report's other check lines: the same report, the same bytes
    assert error["check"] == shlex.join(["hoverify", "check", "--variant-file", path,
                                         "--hops", hops])
    assert all("variant_error" not in v for v in doc["variants"] if v is not entry)
    assert all("variant-error" not in r["matrix"].values() for r in doc["results"])
    page = (out / "intra-enb-hook-raises-past-ncc-0" / "report.md").read_text()
    anchor = '<a id="dr-intra-enb-hook-raises-past-ncc-0"></a>'
    assert anchor in page and "hook: source_enb()\n" in page and "step: 40, hop: 4\n" in page
    assert "#dr-intra-enb-hook-raises-past-ncc-0)" in (out / "index.md").read_text()
    assert 'id="dr-intra-enb-hook-raises-past-ncc-0"' in (out / "index.html").read_text()


def test_report_whose_scenarios_meet_it_reports_it_there_once(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report"
    assert main(["report", "--out", str(out), "--variants", "ts33401", "--variant-file",
                 str(S1_ONLY), "--quiet"]) == 1
    [said] = [line for line in capsys.readouterr().out.splitlines()
              if line.startswith("variant errors")]
    with_s1 = [s.name for s in SCENARIOS  # source_mme's hops
               if {h.type for h in parse_hops(s.hops)} & {HopType.S1, HopType.S1_INTER}]
    # and the bounded verification, whose small topology has S1 neighbours
    assert said == ("variant errors recorded (exit 1): mme-hook-raises-on-s1 in "
                    f"{', '.join(with_s1)}, bounded verification")
    doc = json.loads((out / "verdicts.json").read_text())
    assert all("variant_error" not in v for v in doc["variants"])
    assert "dr-mme-hook-raises-on-s1" not in (out / "mme-hook-raises-on-s1" /
                                             "report.md").read_text()
    # helper-152 #2: the conclusion said "Every promise of mme-hook-raises-on-s1 holds in
    # these scenarios" of a variant never judged where it raised; it says where it did first
    index = (out / "index.md").read_text()
    points = index[index.index("## Conclusion"):index.index("## Verdict matrix")]
    assert "Every promise of mme-hook-raises-on-s1 holds in these scenarios" not in points
    errors = [line for line in points.splitlines() if "raised a variant error" in line]
    # helper-200: ten of fourteen, said by the four without an S1 hop
    without = [s.title for s in SCENARIOS if s.name not in with_s1]
    assert 2 * len(without) < len(with_s1)
    titles = f"every scenario but {word_list(without)}"
    assert errors == [f"- mme-hook-raises-on-s1 raised a variant error on {titles}: its "
                      "verdicts there are missing, and no point below speaks of them."], errors
    assert points.index(errors[0]) < points.index("- Every promise of mme-hook-raises-on-s1 "
                                                  "holds in the other scenarios")
    # helper-154: nor does the comparison with ts33401 count them as verdicts it changes
    assert "- mme-hook-raises-on-s1 has the verdicts of ts33401 in the other scenarios." in (
        points)


TWO = TESTS / "erroring_variants" / "two_hooks_raise.py"


def test_the_dry_run_keeps_each_distinct_variant_error() -> None:
    found = dry_run_error(load_variant_file(str(TWO)))
    assert found is not None and found.error.hook == "source_mme" and found.hops == "s1"
    [(other, hops)] = found.more  # met again by the longer chains: kept once
    assert other.hook == "source_enb" and hops == "intra-enb"


def test_check_reports_both_in_its_one_variant_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--variant-file", str(TWO), "--hops", "x2"]) == 1
    [line] = [line for line in capsys.readouterr().out.splitlines()
              if line.startswith("variant-error")]
    assert "source_mme() raised NameError" in line and "the dry run stopped: hops s1, " in line
    assert ("the dry run met 1 more: at step " in line
            and "source_enb() raised ZeroDivisionError" in line
            and "(dry run with hops intra-enb)" in line), line
    assert main(["check", "--variant-file", str(TWO), "--hops", "x2", "--json"]) == 1
    [other] = json.loads(capsys.readouterr().out)["variant_error"]["more"]
    assert other["hook"] == "source_enb" and other["dry_run_hops"] == "intra-enb"
