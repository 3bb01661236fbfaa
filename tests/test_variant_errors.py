"""Variant errors are errors (issue 15, item 4): an exception in a variant hook is the finding
``variant-error`` of every command (exit 1, naming the hook, the exception and the step); a
variant file that exits at import is bad input (exit 2); a peer's malformed message is still
a refusal."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hoverify.properties.claims import CLAIMS
from hoverify.reports.scenarios import SCENARIOS
from hoverify.reports.words import NO_REASON
from hoverify.statemachines.entity import VariantError
from hoverify.statemachines.messages import Kind, Message
from hoverify.statemachines.protection import DOWNLINK, protect_rrc
from hoverify.statemachines.scenario import parse_hops, run_scenario
from hoverify.statemachines.system import UE
from hoverify.statemachines.variants import BUILT_IN, load

from hoverify.cli import main

ERRORING = Path(__file__).parent / "erroring_variants"
RAISES = str(ERRORING / "ue_hook_raises.py")


def _finding_lines(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("variant-error")]


def test_check_reports_the_hook_the_exception_and_the_step(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--variant-file", RAISES, "--hops", "x2"]) == 1
    out = capsys.readouterr().out
    [line] = _finding_lines(out)
    assert "variant hook ue() raised ZeroDivisionError: the reviewer's arithmetic" in line
    assert "step " in line and "ue handled RRC RRCConnectionReconfiguration" in line
    assert "ue_hook_raises.py:" in line  # where: the reviewer's line


def test_check_json_carries_the_finding(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--variant-file", RAISES, "--hops", "s1", "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)["variant_error"]
    assert doc["claim"] == "variant-error" and doc["hook"] == "ue"
    assert doc["exception"].startswith("ZeroDivisionError") and doc["hop"] == 1
    assert isinstance(doc["step"], int)


def test_explore_finds_variant_error_with_a_replayable_trace(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["explore", "--variant-file", RAISES, "--examples", "20", "--steps", "20",
                 "--out", str(tmp_path), "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 1
    [finding] = [f for f in doc["findings"] if f["claim"] == "variant-error"]
    assert finding["promised"] and "variant hook ue()" in finding["detail"]
    assert finding["trace"][-1].startswith("deliver RRC RRCConnectionReconfiguration (HO command)")
    assert main(["replay", finding["file"]]) == 1  # the saved trace raises again
    out = capsys.readouterr().out  # as for any finding (review22): the trace, reproduced
    assert "\n=> variant-error: the run stopped: " in out and out.endswith("\nreproduced\n")


def test_verify_finds_variant_error_on_a_shortest_path(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["verify", "--variant-file", RAISES, "--max-handovers", "1",
                 "--out", str(tmp_path), "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 1 and doc["promise_broken"]
    [finding] = [f for f in doc["findings"] if f["claim"] == "variant-error"]
    assert "variant hook ue() raised ZeroDivisionError" in finding["detail"]
    assert finding["trace"][0].startswith("start handover")
    assert finding["trace"][-1].startswith("deliver RRC RRCConnectionReconfiguration (HO command)")


# review21 #1: keys that bypass the Deriver have no node in the key graph, so every claim
# held; each is a variant error naming the hook and the key (statemachines/key_origin.py)
@pytest.mark.parametrize("name", ["rrc_keys_constant.py", "krrcint_truncates_kenb.py"])
def test_an_as_key_no_derivation_made_is_a_variant_error(
        name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--variant-file", str(ERRORING / name), "--hops", "s1,x2"]) == 1
    [line] = _finding_lines(capsys.readouterr().out)
    assert ("variant hook as_keys() returned a KRRCint that no derivation made (TS 33.401 "
            "A.7: KRRCint = KDF(KeNB, ...)); make it with the Deriver") in line
    assert f"({name}:" in line  # where: the reviewer's hook


VARIANT_HEAD = ("from dataclasses import dataclass\n"
                "from hoverify.statemachines import crypto\n"
                "from hoverify.statemachines.variant import AsKeys, EnbKeys, field_value\n"
                "from hoverify.statemachines.variants.ts33401 import Ts33401\n"
                "@dataclass(frozen=True)\nclass V(Ts33401):\n    name: str = 'v'\n")
UNDERIVED = {  # a hook, what it returns, and the key no derivation made
    "source_enb() returned a KeNB*": (
        "    def source_enb(self, d, keys, target, hop):\n"
        "        keys, fields = super().source_enb(d, keys, target, hop)\n"
        "        return keys, tuple((n, bytes(32) if n == 'KeNB*' else v) for n, v in fields)\n"),
    "path_switch_acknowledged() returned an NH": (
        "    def path_switch_acknowledged(self, keys, fields):\n"
        "        return EnbKeys(keys.as_keys, (bytes(32), field_value(fields, 'NCC')))\n"),
    "initial_kenb() returned a KeNB": (
        "    def initial_kenb(self, d, kasme, ul_nas_count):\n"
        "        return kasme[::-1]\n"),
    # made, but by a derivation the attacker's RRC forgeries (properties/injection.py) and
    # the claims do not read as KRRCint (TS 33.401 A.7 names it)
    "as_keys() returned a KRRCint that no derivation made; a derivation named 'K_int' made it": (
        "    def as_keys(self, d, kenb, ncc):\n"
        "        return AsKeys(kenb, ncc,\n"
        "            d.algorithm_key('K_int', kenb, 'KeNB', crypto.RRC_INT, crypto.EIA2),\n"
        "            d.algorithm_key('KRRCenc', kenb, 'KeNB', crypto.RRC_ENC, crypto.EEA2),\n"
        "            d.algorithm_key('KUPenc', kenb, 'KeNB', crypto.UP_ENC, crypto.EEA2))\n"),
}


@pytest.mark.parametrize("said", sorted(UNDERIVED))
def test_every_key_a_hook_hands_the_model_is_made_or_given(
        said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Not only AS keys: a KeNB, KeNB* or NH that no derivation of the hook's call made and
    that the hook was not given is a variant error too."""
    path = tmp_path / "variant.py"
    path.write_text(VARIANT_HEAD + UNDERIVED[said] + "VARIANT = V()\n")
    assert main(["check", "--variant-file", str(path), "--hops", "x2,s1"]) == 1
    [line] = _finding_lines(capsys.readouterr().out)
    assert f"variant hook {said}" in line


def test_a_hop_type_a_hook_misspells_is_told_with_those_there_are(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """helper-267: ``HopType.X3`` in a hook's body said only "AttributeError: X3", where the
    same typo at module level or in promises() names the members (one wording for both)."""
    path = tmp_path / "variant.py"
    path.write_text(VARIANT_HEAD.replace("import dataclass\n", "import dataclass\n"
                                         "from hoverify.statemachines.topology import HopType\n")
                    + "    def source_enb(self, d, keys, target, hop):\n"
                    "        assert hop is not HopType.X3\n"
                    "        return super().source_enb(d, keys, target, hop)\n"
                    "VARIANT = V()\n")
    assert main(["check", "--variant-file", str(path), "--hops", "x2", "--json"]) == 1
    error = json.loads(capsys.readouterr().out)["variant_error"]
    assert error["exception"] == ("AttributeError: X3 (HopType has INTRA_ENB, X2, S1 and "
                                  "S1_INTER)"), error
    assert "variant hook source_enb() raised AttributeError: X3 (HopType has" in error["detail"]


@pytest.mark.parametrize("body", ["import sys\nsys.exit(0)\n", "raise SystemExit(0)\n",
                                  "raise KeyboardInterrupt\n", "import os\nos.fspath(1)\n"])
def test_a_file_that_exits_or_raises_at_import_is_bad_input(
        body: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "variant.py"
    path.write_text(body)
    for command in (["check", "--hops", "x2"], ["explore", "--examples", "1"],
                    ["verify", "--max-handovers", "1"]):
        assert main([*command[:1], "--variant-file", str(path), *command[1:]]) == 2
        captured = capsys.readouterr()
        assert captured.err.startswith(f"hoverify: error: {path}:") and not captured.out
        assert captured.err.count("\n") == 1 and "Traceback" not in captured.err


def test_the_catalogued_file_that_exits_at_import_is_bad_input(
        capsys: pytest.CaptureFixture[str]) -> None:
    path = ERRORING / "exits_at_import.py"
    assert main(["check", "--variant-file", str(path), "--hops", "x2"]) == 2
    assert "raised SystemExit" in capsys.readouterr().err


def test_a_hook_calling_sys_exit_is_a_variant_error_not_a_silent_end(tmp_path: Path) -> None:
    path = tmp_path / "exits_in_hook.py"
    path.write_text(
        "import sys\nfrom dataclasses import dataclass\n"
        "from hoverify.statemachines.variants.ts33401 import Ts33401\n"
        "@dataclass(frozen=True)\nclass V(Ts33401):\n    name: str = 'v'\n"
        "    def target_enb(self, d, fields, target, c_rnti, hop):\n        sys.exit(0)\n"
        "VARIANT = V()\n")
    assert main(["check", "--variant-file", str(path), "--hops", "x2"]) == 1


@pytest.mark.parametrize("variant", list(BUILT_IN))
def test_a_malformed_ho_command_is_refused_not_an_error(variant: str) -> None:
    """A HO command without mobilityControlInfo's new C-RNTI (correctly protected, so only
    the field check can tell) is refused by the UE; it changes nothing."""
    run = run_scenario(load(variant), [])
    system = run.system
    enb = system.entity(run.initial_enb).ctx
    ue = system.entity(UE)
    before = ue.snapshot()
    cell = next(c for c in system.topology.cells if c.enb != run.initial_enb)
    content = (("target PCI", cell.pci), ("EARFCN-DL", cell.earfcn_dl), ("NCC", 0))
    pdu = protect_rrc(enb.keys.as_keys, enb.dl_count, DOWNLINK, content)
    command = Message(Kind.RRC_HANDOVER_COMMAND, run.initial_enb, UE,
                      (("COUNT", enb.dl_count), ("PDU", pdu)))
    outcome = ue.handle(command)
    assert not outcome.accepted and "new C-RNTI" in outcome.reason
    assert ue.snapshot() == before


def test_a_message_without_a_mandatory_ie_is_refused() -> None:
    run = run_scenario(load("ts33401"), [])
    ue = run.system.entity(UE)
    outcome = ue.handle(Message(Kind.RRC_HANDOVER_COMMAND, run.initial_enb, UE, (("COUNT", 1),)))
    assert not outcome.accepted and outcome.reason.endswith("no PDU")


def test_an_exception_in_entity_logic_propagates_as_a_variant_error() -> None:
    """The model's own code (not a hook): a handler that fails is reported, not refused."""
    run = run_scenario(load("ts33401"), [])
    enb = run.system.entity(run.initial_enb)
    enb.ctx = None  # an impossible context: the handler's own code breaks on it
    with pytest.raises(VariantError) as raised:
        run.system.stimulate(Kind.RRC_MEASUREMENT_REPORT, run.initial_enb,
                             (("COUNT", 5), ("PDU", b"report")))
    assert raised.value.hook is None and raised.value.handler.startswith("Enb.on_")


def _report(out: Path, variant_file: str) -> int:
    return main(["report", "--out", str(out), "--variants", "ts33401", "--variant-file",
                 variant_file, "--quiet"])


def test_report_is_written_and_shows_the_variant_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report"
    assert _report(out, RAISES) == 1
    printed = capsys.readouterr().out
    assert f"report written to {out}/" in printed
    [said] = [line for line in printed.splitlines() if line.startswith("variant errors")]
    every = ", ".join(s.name for s in SCENARIOS)  # the hook raises in each scenario
    assert said.endswith(f"ue-hook-raises in {every}, bounded verification")
    doc = json.loads((out / "verdicts.json").read_text())
    hops = {s.name: s.hops for s in SCENARIOS}
    for result in doc["results"]:
        statuses = set(result["matrix"].values())
        if result["variant"] == "ue-hook-raises":
            assert statuses == {"variant-error"}
            finding = result["check"]["variant_error"]
            # the UE's first HO command: hop 1's, unless hop 1's preparation was refused
            # (target-id: its Target ID names an eNB that does not serve the cell)
            first = next(n for n, hop in enumerate(parse_hops(hops[result["scenario"]]), 1)
                         if not hop.refused and not any("/target eNB=" in e for e in hop.edits))
            assert finding["hook"] == "ue" and finding["hop"] == first
            assert finding["exception"] == "ZeroDivisionError: the reviewer's arithmetic"
            assert isinstance(finding["step"], int)
        else:
            assert "variant-error" not in statuses
    [bounded] = [b for b in doc["bounded_verification"] if b["variant"] == "ue-hook-raises"]
    assert [f["claim"] for f in bounded["findings"]] == ["variant-error"]
    index = (out / "index.md").read_text()
    assert ("| **x2** `x2,x2` | key-agreement | "
            "[holds](ts33401/report.md#why-ts33401-x2-key-agreement) | "
            "[**variant-error**](ue-hook-raises/report.md#ve-ue-hook-raises-x2) |") in index
    assert "[variant-error, the run stopped, 3 actions]" in index  # bounded verification
    page = (out / "ue-hook-raises" / "report.md").read_text()
    why = page[page.index("## Why the claims hold"):page.index("## Counterexamples")]
    assert NO_REASON in why and "| claim |" not in why  # no claim of it has a verdict
    entry = page[page.index('<a id="ve-ue-hook-raises-x2">'):]
    assert "hook: ue()\nhandler: Ue.on_rrc_handover_command\n" in entry
    assert "exception: ZeroDivisionError: the reviewer's arithmetic\n" in entry
    assert "\nstep: 8, hop: 1\n" in entry
    html = (out / "index.html").read_text()
    assert html.count('<td class="variant-error"') == len(SCENARIOS) * len(CLAIMS)
    assert not (out / "ue-hook-raises" / "graph.svg").exists()  # the chain run stopped


def test_a_hook_raising_in_one_scenario_hides_no_other_verdict(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The variant behaves as ts33401 except on intra-eNB hops, where its target-eNB hook
    raises: only the intra-enb scenario says variant-error; the others keep the verdicts of
    ts33401, and the key graph of the chain (no intra-eNB hop) is drawn."""
    path = tmp_path / "raises_on_intra_enb.py"
    path.write_text(
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.topology import HopType\n"
        "from hoverify.statemachines.variants.ts33401 import Ts33401\n"
        "@dataclass(frozen=True)\nclass V(Ts33401):\n    name: str = 'raises-on-intra-enb'\n"
        "    def target_enb(self, d, fields, target, c_rnti, hop):\n"
        "        if hop is HopType.INTRA_ENB:\n            raise KeyError('intra')\n"
        "        return super().target_enb(d, fields, target, c_rnti, hop)\n"
        "VARIANT = V()\n")
    out = tmp_path / "report"
    assert _report(out, str(path)) == 1
    said = [line for line in capsys.readouterr().out.splitlines()
            if line.startswith("variant errors")]
    assert said[0].startswith("variant errors recorded (exit 1): raises-on-intra-enb in "
                              "intra-enb")
    doc = json.loads((out / "verdicts.json").read_text())
    matrices = {(r["variant"], r["scenario"]): r["matrix"] for r in doc["results"]}
    for (variant, scenario), matrix in matrices.items():
        if variant != "raises-on-intra-enb":
            continue
        if scenario == "intra-enb":
            assert set(matrix.values()) == {"variant-error"}
        else:
            assert matrix == matrices[("ts33401", scenario)], scenario
    assert (out / "raises-on-intra-enb" / "graph.svg").is_file()


SHORT_FOR_PCI_5 = str(ERRORING / "short_kenb_for_pci_5.py")


def test_a_short_kenb_is_blamed_on_the_hook_that_returned_it(
        capsys: pytest.CaptureFixture[str]) -> None:
    """review22: a KeNB of 16 octets returned by ``target_enb()`` for PCI 5 only (the dry run
    never meets it) was reported as ``as_keys() raised ValueError ... (crypto.py:76)``. A
    KeNB is 32 octets, the output of the KDF (TS 33.401 A.3, A.5; HMAC-SHA-256, TS 33.220
    B.2.0): the hook that returned another is named, with where it is defined."""
    assert main(["check", "--variant-file", SHORT_FOR_PCI_5, "--hops",
                 "s1@enb-3/cell-1,s1"]) == 1
    [line] = _finding_lines(capsys.readouterr().out)
    assert "variant hook target_enb() returned a KeNB of 16 octets (" in line, line
    assert "...), not 32 (short_kenb_for_pci_5.py:15) while enb-3 handled S1AP " in line, line
    assert "as_keys" not in line and "crypto.py" not in line


@pytest.mark.parametrize(("hook", "says"), [
    ("initial_kenb", "a KeNB of 0 octets, not 32"),
    ("ue", r"a KeNB of 33 octets \([0-9a-f]{6}\.\.\.\), not 32")])
def test_each_hook_that_returns_a_kenb_is_checked_where_it_returns(hook: str,
                                                                   says: str) -> None:
    """The MME's and the UE's hooks too; a KeNB of 33 octets is no KeNB either."""
    base = load("ts33401")

    def wrong(self: object, d: object, *args: object) -> object:
        returned = getattr(base, hook)(d, *args)
        return b"" if hook == "initial_kenb" else (returned[0] + b"\0", *returned[1:])

    variant = type("Wrong", (type(base),), {hook: wrong})()
    with pytest.raises(VariantError) as raised:
        run_scenario(variant, parse_hops("x2"))
    assert raised.value.hook == hook
    assert re.fullmatch(f"variant hook {hook}\\(\\) returned {says}", raised.value.raised), \
        raised.value.raised
    assert raised.value.where == f"test_variant_errors.py:{wrong.__code__.co_firstlineno}"


def _line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), start=1)
                if text in line)


def test_a_missing_return_names_the_files_method_not_the_hook_that_called_it(
        capsys: pytest.CaptureFixture[str]) -> None:
    """review46 #4: kenb_star without ``return`` was told as "source_enb() returned field
    'KeNB*' = None", a hook the file does not define. A method of the file that returns
    None where the one it overrides returns a value is named, with where it is defined; met
    by the dry run, it is bad input, as a hook's None is (review46 #3: it was a variant
    error, exit 1, where source_mme's None was exit 2)."""
    path = ERRORING / "kenb_star_without_return.py"
    assert main(["check", "--variant-file", str(path), "--hops", "x2"]) == 2
    err = capsys.readouterr().err
    assert err == (f"hoverify: error: {path}: kenb_star() returned None where "
                   "Ts33401.kenb_star returns bytes (a `return` missing?) "
                   f"(kenb_star_without_return.py:{_line_of(path, 'def kenb_star')}; dry run "
                   "with hops x2)\n")


@pytest.mark.parametrize(("file", "marker"), [
    ("kenb_star_arguments_swapped.py", "# swapped"),  # raised in crypto.py, called here
    ("helper_called_wrongly.py", "one too few"),
])
def test_an_error_in_a_method_the_hook_calls_names_that_method_and_its_line(
        file: str, marker: str, capsys: pytest.CaptureFixture[str]) -> None:
    """review46 #2, #4: the model calls source_enb, the built-in hook, which calls the file's
    kenb_star: the finding named source_enb() and, where the error came out of hoverify's
    code, that code's line (crypto.py:70; for a helper called with too few arguments,
    variant_file.py:254, the wrapper that sends a file's prints to stderr). It names the
    hook, the file's method it raised in and the file's line."""
    path = ERRORING / file
    assert main(["check", "--variant-file", str(path), "--hops", "x2"]) == 1
    [line] = _finding_lines(capsys.readouterr().out)
    assert "variant hook source_enb() raised " in line, line
    assert f" ({file}:{_line_of(path, marker)}, in kenb_star()) while " in line, line
    assert "crypto.py" not in line and "variant_file.py" not in line


def test_a_key_no_derivation_made_names_the_files_method_that_returned_it(
        capsys: pytest.CaptureFixture[str]) -> None:
    """review46 #2: a constant KeNB* from the file's kenb_star was told as "source_enb()
    returned a KeNB* that no derivation made (ts33401.py:131)", the built-in hook that
    called it. A method of the file that overrides a derivation (a method given the Deriver
    and returning bytes) is held to what a hook is: the key it returns is made or given."""
    path = ERRORING / "kenb_star_constant.py"
    assert main(["check", "--variant-file", str(path), "--hops", "x2"]) == 1
    [line] = _finding_lines(capsys.readouterr().out)
    assert "variant hook kenb_star() returned a key that no derivation made; make it with the " \
        "Deriver" in line, line
    assert f"(kenb_star_constant.py:{_line_of(path, 'def kenb_star')})" in line, line
    assert "ts33401.py" not in line
