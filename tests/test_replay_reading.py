"""helper-198 #4 and #7: what ``replay`` prints is read without knowing the model.

#4: two starts of one cell printed as two identical lines, and a verdict on "hop 2, 1 hop
after its last legitimate KeNB" read wrong where nothing said that hop 1 never completed:
each start names the handover it begins, and each handover that never completed is named
with the first message refused in it. The saved texts are not changed (replay parses them).
#7: on another variant, "reproduced" of the same claim failing with the same word, though
it fails otherwise: the file keeps the finding's detail (no witness), and on a variant other
than the recorded one the last line says where none of the claim's failures has it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from hoverify.cli import main

FINDINGS = Path(__file__).parent / "data" / "findings"
TWO_STARTS = FINDINGS / "ts33401-ho-command-edited-by-its-source.json"  # both to enb-3/cell-1
REFUSED = FINDINGS / "ts33401-handover-refused-before-path-switch-ack.json"
BROKEN = Path(__file__).parent / "broken_variants"
# saved before h246: its inject step's text is the message's repr (data/SOURCES.md)
INJECTED_AS_REPR = FINDINGS / "tr33821-v070-injected-report-saved-as-repr.json"


def test_each_start_names_the_handover_it_begins_and_the_file_keeps_its_text(
        capsys: pytest.CaptureFixture[str]) -> None:
    """The two starts of the same cell read as two handovers, numbered as verdicts number
    hops; ``--json`` and the file keep the saved text, which replay parses."""
    main(["replay", str(TWO_STARTS)])
    lines = capsys.readouterr().out.splitlines()
    assert "  2. start handover 1 to enb-3/cell-1 (s1)" in lines
    assert "  9. start handover 2 to enb-3/cell-1 (s1)" in lines
    main(["replay", "--json", str(TWO_STARTS)])
    steps = json.loads(capsys.readouterr().out)["steps"]
    assert [steps[1], steps[8]] == ["start handover to enb-3/cell-1 (s1)"] * 2


def test_each_handover_that_never_completed_is_named_with_its_refusal(
        capsys: pytest.CaptureFixture[str]) -> None:
    """The verdict on hop 4, "2 hops after its last legitimate KeNB", counts the hops that
    completed: the trace says that handovers 2 and 3 did not, and where each was refused."""
    main(["replay", str(REFUSED)])
    out = capsys.readouterr().out
    # in the words of check's run table (helper-204 #8: two formats of one refusal)
    assert ("     (handover 2 never completed: enb-1 refused X2AP HandoverRequest "
            "(admission control: no radio resources))\n"
            "     (handover 3 never completed: enb-2 refused RRC MeasurementReport "
            "(RRC MeasurementReport is not expected in state 'ho-preparing'))\n"
            "=> forward-security: ") in out
    assert "handover 1 never completed" not in out and "handover 4 never" not in out
    # --json lists them as check's run table does ("stopped"; helper-204 #8)
    main(["replay", "--json", str(REFUSED)])
    assert json.loads(capsys.readouterr().out)["unfinished"] == [
        {"number": 2, "stopped": {"by": "enb-1", "message": "X2AP HandoverRequest",
                                    "reason": "admission control: no radio resources"}},
        {"number": 3, "stopped": {
            "by": "enb-2", "message": "RRC MeasurementReport",
            "reason": "RRC MeasurementReport is not expected in state 'ho-preparing'"}}]


def test_a_handover_the_trace_ends_in_is_not_said_never_to_complete(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """helper-204 #4: fake-cell-capture's shortest trace ends when the HO command reaches the
    UE (enb-1 derives the honest KeNB of hop 1 and can serve it): nothing refused handover 1,
    which read "never completed" as if it had ended so; it had not completed when the trace
    ended."""
    main(["verify", "--variant", "tr33821-v070", "--max-handovers", "1", "--quiet",
          "--out", str(tmp_path)])
    capsys.readouterr()
    main(["replay", str(tmp_path / "tr33821-v070-fake-cell-capture-not-promised.json")])
    out = capsys.readouterr().out
    assert "     (handover 1 had not completed when the trace ends)\n=> fake-cell-capture" in out
    assert "never completed" not in out
    main(["replay", "--json", str(tmp_path / "tr33821-v070-fake-cell-capture-not-promised.json")])
    assert json.loads(capsys.readouterr().out)["unfinished"] == [{"number": 1, "stopped": None}]


@pytest.fixture(scope="module")
def pci_finding(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """key-separation's finding on a KeNB* without the PCI, saved by verify."""
    out = tmp_path_factory.mktemp("pci")
    variant = out / "kenb_star_without_pci.py"
    shutil.copy(BROKEN / "kenb_star_without_pci.py", variant)
    assert main(["verify", "--variant-file", str(variant), "--max-handovers", "1", "--faults",
                 "compromise", "--out", str(out), "--quiet"]) == 1
    return out / "broken-kenb-star-without-pci-key-separation.json"


def test_reproduced_on_another_variant_says_where_its_failure_differs(
        pci_finding: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """key-separation, found on a KeNB* without the PCI, replayed on one without the
    EARFCN-DL: it FAILS (promised) again, on the other input; "reproduced" alone said that
    it failed as recorded. The JSON's ``reproduced`` keeps its meaning; ``fails_otherwise``
    says that the failure is not the recorded one. On the recorded variant the run is the
    recorded one: "reproduced" alone."""
    path = pci_finding  # replay only reads it
    recorded = json.loads(path.read_text())["detail"]
    assert "PCI 2 not an input" in recorded
    other = ["--variant-file", str(BROKEN / "kenb_star_without_earfcn.py")]
    assert main(["replay", str(path), *other]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert "EARFCN-DL 66536 not an input" in lines[-5]  # the failure now (its => line)
    assert lines[-1] == ("reproduced (the same claim fails; its detail differs from the "
                         f"recorded one: {recorded})")
    main(["replay", "--json", str(path), *other])
    doc = json.loads(capsys.readouterr().out)
    assert (doc["reproduced"], doc["fails_otherwise"]) == (True, True)
    # as recorded: reproduced alone
    assert main(["replay", str(path)]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == "reproduced"
    main(["replay", "--json", str(path)])
    doc = json.loads(capsys.readouterr().out)
    assert (doc["reproduced"], doc["fails_otherwise"]) == (True, False)


# how a file keeps its detail, the variant it is replayed on (None: the recorded one)
KEPT_DETAIL = {
    # a file written before the detail was kept: nothing to say the failure differs from
    "a file with no detail, on another variant": (None, BROKEN / "kenb_star_without_earfcn.py"),
    # on the recorded variant the run is the recorded one: a detail that differs there is
    # the model's words changed since the file was written
    "another version's words, on the recorded variant": ("KeNB* made without the PCI (in "
                                                         "another version's words)", None),
}


@pytest.mark.parametrize("case", sorted(KEPT_DETAIL))
def test_a_failure_is_said_to_differ_only_from_a_detail_the_file_keeps_of_another_run(
        case: str, pci_finding: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """``_replay``: "on a fix, whether the claim fails otherwise than recorded: none of its
    failures has the detail the file keeps ... On the recorded variant the run is the
    recorded one: a detail that differs there is the model's words changed since". Where the
    file keeps no detail, or the run is the recorded one, "reproduced" alone, and
    ``fails_otherwise`` false (helper-198 #7 asked for the line where the failure differs,
    not where nothing is known to)."""
    detail, other = KEPT_DETAIL[case]
    doc = json.loads(pci_finding.read_text())
    if detail is None:
        del doc["detail"]
    else:
        doc["detail"] = detail
    path = tmp_path / pci_finding.name
    path.write_text(json.dumps(doc))
    options = [] if other is None else ["--variant-file", str(other)]
    assert main(["replay", str(path), *options]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == "reproduced"
    main(["replay", "--json", str(path), *options])
    doc = json.loads(capsys.readouterr().out)
    assert (doc["reproduced"], doc["fails_otherwise"]) == (True, False)


def test_a_file_that_saved_an_injection_as_its_repr_replays_it_in_words(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """h246: a finding file saved before injections were named in words keeps the message's
    repr as its step's text; its digest is made of that text, so the file replays, checking
    the same bytes, and the step is printed in words, not as made otherwise. The repr with
    one value changed names another message: refused in one line, exit 2."""
    assert main(["replay", str(INJECTED_AS_REPR)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert ("  3. inject RRC MeasurementReport ue->enb-1 (COUNT=2; content ciphered; protected "
            "by KRRCint (128-EIA2), KRRCenc (128-EEA2))") in lines
    assert lines[-1] == "reproduced" and not any("(recorded: " in line for line in lines)
    changed = tmp_path / INJECTED_AS_REPR.name
    changed.write_text(INJECTED_AS_REPR.read_text().replace("'COUNT', 2", "'COUNT', 3"))
    assert changed.read_text() != INJECTED_AS_REPR.read_text()
    assert main(["replay", str(changed)]) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert "replay diverged at \"inject Message(Kind.RRC_MEASUREMENT_REPORT, " in line
