"""Topology files (``--topology FILE``): the shipped ones, PCI reuse, hops that name their
target cell, and every bad file or unrealisable hop as one line on stderr with exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hoverify.statemachines import crypto
from hoverify.statemachines.derivation import Deriver
from hoverify.statemachines.scenario import HopSpec, parse_hops, route, run_scenario
from hoverify.statemachines.topology import (
    SHIPPED,
    HopType,
    Topology,
    default_topology,
    load_topology,
    small_topology,
)
from hoverify.statemachines.variants import load

from hoverify.cli import main
from hoverify.errors import UsageError
from hoverify.report_job import TopologyFile, check_topology
from hoverify.variant_file import load_variant_file

BROKEN = Path(__file__).parent / "broken_variants"
WITHOUT_EARFCN = str(BROKEN / "kenb_star_without_earfcn.py")
SHIPPED_FILES = {"default": (default_topology, SHIPPED / "default.toml"),
                 "small": (small_topology, SHIPPED / "small.toml")}

GOOD = """\
mmes = ["mme-1"]
enbs = [{ name = "enb-1", mme = "mme-1" }, { name = "enb-2", mme = "mme-1" },
        { name = "enb-3", mme = "mme-1" }]
cells = [
    { name = "enb-1/cell-1", enb = "enb-1", pci = 7, earfcn_dl = 100 },
    { name = "enb-2/cell-1", enb = "enb-2", pci = 7, earfcn_dl = 70000 },
    { name = "enb-3/cell-1", enb = "enb-3", pci = 8, earfcn_dl = 100 },
]
x2 = [["enb-1", "enb-2"]]
"""
# one MME, one eNB, one cell (review19 #4)
ONE_CELL = """\
mmes = ["mme-1"]
enbs = [{ name = "enb-1", mme = "mme-1" }]
cells = [{ name = "enb-1/cell-1", enb = "enb-1", pci = 1, earfcn_dl = 1850 }]
"""


def edit(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new)


# name: (file text, hops, what the one line must say)
BAD_FILES = {
    "TOML syntax": ("mmes = [\"mme-1\"\n", "x2", "not valid TOML (Unclosed array"),
    "unknown key": (GOOD.replace("cells = [", "cellz = ["), "x2", "unknown key 'cellz'"),
    "missing cells": (GOOD.split("cells = [")[0], "x2", "missing key 'cells'"),
    "no cell at all": ("mmes = []\nenbs = []\ncells = []\n", "x2", "cells: has 0 cell(s)"),
    # nothing to hand over to: every claim would be vacuous (review19 #4)
    "one cell": (ONE_CELL, "intra-enb",
                 "cells: has 1 cell(s), and a handover needs two"),
    "unknown key of a cell": (edit("pci = 8,", "pci = 8, tac = 1,"), "x2",
                              "cell enb-3/cell-1: unknown key 'tac'"),
    "missing key of an eNB": (edit('{ name = "enb-3", mme = "mme-1" }', '{ name = "enb-3" }'),
                              "x2", "eNB enb-3: missing key 'mme'"),
    "unknown MME": (edit('name = "enb-3", mme = "mme-1"', 'name = "enb-3", mme = "mme-2"'),
                    "x2", "eNB enb-3: unknown MME 'mme-2'"),
    "unknown eNB of a cell": (edit('enb = "enb-3", pci', 'enb = "enb-4", pci'), "x2",
                              "cell enb-3/cell-1: unknown eNB 'enb-4'"),
    "duplicate PCI and EARFCN-DL": (edit("pci = 8, earfcn_dl = 100", "pci = 7, earfcn_dl = 100"),
                                    "x2", "PCI 7 on EARFCN-DL 100 is already enb-1/cell-1"),
    "PCI 504": (edit("pci = 8,", "pci = 504,"), "x2", "pci 504 outside 0..503"),
    "negative PCI": (edit("pci = 8,", "pci = -1,"), "x2", "pci -1 outside 0..503"),
    # review46: named as cells[2] (enb-3/cell-1), with no fix
    "PCI not a number": (edit("pci = 8,", 'pci = "8",'), "x2",
                         "cell enb-3/cell-1: pci must be an integer, got '8'; write pci = 8"),
    "PCI a word": (edit("pci = 8,", 'pci = "eight",'), "x2",
                   "cell enb-3/cell-1: pci must be an integer, got 'eight'; write a number, as "
                   "in pci = 1"),
    "a cell that is no table": (GOOD.replace("cells = [", "cells = [5, "), "x2",
                                "entry 1 of cells: must be a table { name, enb, pci, "
                                "earfcn_dl }"),
    "EARFCN-DL 262144": (edit("earfcn_dl = 70000", "earfcn_dl = 262144"), "x2",
                         "earfcn_dl 262144 outside 0..262143"),
    "X2 link to an unknown eNB": (edit('["enb-1", "enb-2"]', '["enb-1", "enb-9"]'), "x2",
                                  "X2 link enb-1 - enb-9: unknown eNB 'enb-9'"),
    "X2 link to itself": (edit('["enb-1", "enb-2"]', '["enb-1", "enb-1"]'), "x2",
                          "links an eNB to itself"),
    # TS 23.401 5.5.1.1: X2 handover keeps the MME; the Path Switch Request went to the
    # other MME, which refused it, and key-agreement "FAILS (promised)" blamed ts33401
    "X2 link across MMEs": (edit('mmes = ["mme-1"]', 'mmes = ["mme-1", "mme-2"]').replace(
        '{ name = "enb-2", mme = "mme-1" }', '{ name = "enb-2", mme = "mme-2" }'), "x2",
        "X2 link enb-1 - enb-2: links eNBs of different MMEs (mme-1, mme-2)"),
    "duplicate cell name": (edit('name = "enb-3/cell-1"', 'name = "enb-2/cell-1"'), "x2",
                            "cell enb-2/cell-1: the name is already taken"),
    "duplicate eNB name": (edit('{ name = "enb-3", mme = "mme-1" }',
                                '{ name = "enb-2", mme = "mme-1" }'), "x2",
                           "eNB enb-2: the name is already taken"),
    "eNB with no cell": (edit('mme = "mme-1" }]', 'mme = "mme-1" },\n'
                              '        { name = "enb-4", mme = "mme-1" }]'),
                         "x2", "eNB enb-4: has no cell"),
    "MME with no eNB": (edit('mmes = ["mme-1"]', 'mmes = ["mme-1", "mme-2"]'), "x2",
                        "MME mme-2: has no eNB"),
    "name with @": (edit('name = "enb-3/cell-1"', 'name = "enb-3@cell-1"'), "x2",
                    "'enb-3@cell-1' must be a string of letters"),
    "reserved eNB name": (GOOD.replace('"enb-3"', '"ue"'), "x2", "'ue' is reserved"),
    "x2 from an eNB without X2 links": (GOOD, "s1,x2", "hop 2 x2: no x2 neighbour of "
                                        "enb-3/cell-1: enb-3 has no X2 link"),
    "s1-inter with one MME": (GOOD, "s1-inter", "hop 1 s1-inter: no s1-inter neighbour of "
                              "enb-1/cell-1: mme-1 is the only MME"),
    "named cell that does not exist": (GOOD, "x2@enb-7/cell-1", "hop 1 x2@enb-7/cell-1: no "
                                       "cell 'enb-7/cell-1'"),
    "named cell of another hop type": (GOOD, "x2@enb-3/cell-1", "hop 1 x2@enb-3/cell-1: "
                                       "enb-1/cell-1 -> enb-3/cell-1 is s1, not x2"),
    # helper-198 #10: read as the user's slip, where the model's topology decides
    "named X2 neighbour as an s1 hop": (GOOD, "s1@enb-2/cell-1", "enb-1/cell-1 -> "
                                        "enb-2/cell-1 is x2, not s1 (write x2@enb-2/cell-1 "
                                        "or name an s1 neighbour: the topology's eNBs, X2 "
                                        "links and MMEs decide a hop's type, "
                                        "docs/topologies.md)"),
    "named cell the UE is in": (GOOD, "x2,x2@enb-2/cell-1", "the UE is in enb-2/cell-1"),
    # helper-258: tomllib's RecursionError was a traceback and exit code 1
    "arrays nested too deeply": (GOOD + "x = " + "[" * 100_000 + "]" * 100_000, "x2",
                                 "not a topology (arrays or tables nested too deeply to read)"),
}


def one_error_line(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert err.startswith("hoverify: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err and out == ""
    return err


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_topology_file_or_hop_is_one_line_naming_it(
        name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text, hops, expected = BAD_FILES[name]
    path = tmp_path / "net.toml"
    path.write_text(text)
    err = one_error_line(["check", "--variant", "ts33401", "--topology", str(path),
                          "--hops", hops], capsys)
    assert expected in err and "net.toml" in err, err


def test_good_file_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "net.toml"
    path.write_text(GOOD)
    assert main(["run", "--variant", "ts33401", "--topology", str(path), "--hops",
                 "x2,s1", "--json"]) == 0
    hops = json.loads(capsys.readouterr().out)["hops"]
    assert [h["target_cell"]["name"] for h in hops] == ["enb-2/cell-1", "enb-3/cell-1"]


@pytest.mark.parametrize("command", [
    ["run", "--variant", "ts33401", "--hops", "x2"],
    ["check", "--variant", "ts33401", "--hops", "x2"],
    ["explore", "--variant", "ts33401"],
    ["verify", "--variant", "ts33401"],
    ["report"],
])
@pytest.mark.parametrize(("text", "expected"), [
    (edit("pci = 8,", "pci = 600,"), "cell enb-3/cell-1: pci 600 outside 0..503"),
    # explore crashed on it and verify judged every claim vacuous (review19 #4)
    (ONE_CELL, "cells: has 1 cell(s), and a handover needs two"),
])
def test_every_command_checks_its_topology_before_running(
        command: list[str], text: str, expected: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "net.toml"
    path.write_text(text)
    out = ["--out", str(tmp_path / "out")] if command[0] != "run" and command[0] != "check" else []
    err = one_error_line([*command, *out, "--topology", str(path)], capsys)
    assert f"--topology {path}: {expected}" in err
    assert not (tmp_path / "out").exists()


def test_missing_topology_file(capsys: pytest.CaptureFixture[str]) -> None:
    err = one_error_line(["run", "--variant", "ts33401", "--hops", "x2", "--topology",
                          "/nonexistent/net.toml"], capsys)
    assert "/nonexistent/net.toml: cannot read" in err


def test_report_needs_a_topology_that_realises_its_scenarios(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "net.toml"
    path.write_text(GOOD)  # one MME: no s1-inter
    err = one_error_line(["report", "--out", str(tmp_path / "out"), "--topology", str(path)],
                         capsys)
    assert "the report's scenario s1-inter (s1-inter) cannot run" in err


# -- the shipped topologies ----------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(SHIPPED_FILES))
def test_shipped_topologies_are_files_read_like_a_reviewers(name: str) -> None:
    shipped, path = SHIPPED_FILES[name]
    assert shipped() == load_topology(path)


def reused_pcis(topology: Topology) -> set[int]:
    """PCIs that cells of different eNBs use on different EARFCN-DL."""
    return {a.pci for a in topology.cells for b in topology.cells
            if a.pci == b.pci and a.enb != b.enb and a.earfcn_dl != b.earfcn_dl}


@pytest.mark.parametrize("name", sorted(SHIPPED_FILES))
def test_shipped_topologies_reuse_a_pci_on_another_carrier(name: str) -> None:
    topology = SHIPPED_FILES[name][0]()
    assert reused_pcis(topology)
    start = topology.cells[0]  # hops can reach a cell that reuses the start cell's PCI
    assert any(c.pci == start.pci and c.earfcn_dl != start.earfcn_dl
               for hop in HopType for c in topology.neighbours(start, hop))


def test_default_topology_offers_every_hop_type_from_every_cell() -> None:
    topology = default_topology()
    assert all(topology.neighbours(cell, hop) for cell in topology.cells for hop in HopType)


def test_small_topology_offers_every_hop_type_from_enb_1_and_an_x2_chain() -> None:
    topology = small_topology()
    for cell in (c for c in topology.cells if c.enb == "enb-1"):
        assert all(topology.neighbours(cell, hop) for hop in HopType)
    assert {frozenset(("enb-1", "enb-2")), frozenset(("enb-2", "enb-3"))} <= topology.x2_links


# -- hops that name their cell --------------------------------------------------------------------
@pytest.mark.parametrize(("text", "spec"), [
    ("x2", HopSpec(HopType.X2)),
    ("x2:early", HopSpec(HopType.X2, early=True)),
    ("x2@enb-3/cell-2", HopSpec(HopType.X2, cell="enb-3/cell-2")),
    ("s1-inter@enb-5/cell-2:early", HopSpec(HopType.S1_INTER, early=True, cell="enb-5/cell-2")),
])
def test_hop_syntax_round_trips(text: str, spec: HopSpec) -> None:
    assert HopSpec.parse(text) == spec and str(spec) == text


@pytest.mark.parametrize(("text", "message"), [
    ("x2:early@enb-3/cell-2", "the cell comes before ':early', as in 'x2@enb-3/cell-2:early'"),
    ("x2@", "no cell after '@'"),
    ("x2@enb-3/cell-2:late", "unknown suffix ':late'"),
])
def test_misplaced_hop_suffix_is_one_line(text: str, message: str,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert message in one_error_line(["run", "--variant", "ts33401", "--hops", text], capsys)


def test_named_cells_are_the_targets_and_unnamed_hops_are_chosen_as_before() -> None:
    hops = parse_hops("x2@enb-2/cell-1,s1,s1-inter@enb-5/cell-2,x2")
    run = run_scenario(load("ts33401"), hops)
    assert [h.target_cell.name for h in run.hops] == [c.name for c in route(run.topology, hops)]
    assert run.hops[0].target_cell.name == "enb-2/cell-1"
    assert run.hops[2].target_cell.name == "enb-5/cell-2"
    assert all(run.topology.hop_type(run.topology.cell(s), h.target_cell) is h.spec.type
               for s, h in zip([run.initial_cell, *(h.target_cell.name for h in run.hops)],
                               run.hops, strict=False))


# -- findings on a reviewer's topology -------------------------------------------------------------
def test_a_finding_replays_on_the_topology_it_was_found_on(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "net.toml"
    path.write_text(GOOD)
    out = tmp_path / "findings"
    # exit 0: no promise of tr33821-v070 breaks (forward security is not promised)
    assert main(["verify", "--variant", "tr33821-v070", "--topology", str(path),
                 "--max-handovers", "1", "--out", str(out), "--json"]) == 0
    [finding] = (f for f in json.loads(capsys.readouterr().out)["findings"]
                 if f["claim"] == "forward-security")
    saved = json.loads(Path(finding["file"]).read_text())
    assert saved["topology"] == "net" and saved["topology_file"] == str(path.resolve())
    assert main(["replay", finding["file"], "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["reproduced"]
    path.write_text(edit("pci = 8,", "pci = 900,"))
    assert "its topology" in one_error_line(["replay", finding["file"]], capsys)


# -- a KeNB* without EARFCN-DL -----------------------------------------------------------------
def same_pci_cells(topology: Topology) -> tuple[str, str]:
    first = topology.cells[0]
    other = next(c for c in topology.cells if c.pci == first.pci and c != first)
    return first.name, other.name


@pytest.mark.parametrize("name", sorted(SHIPPED_FILES))
def test_same_pci_cells_are_told_apart_only_by_earfcn_dl(name: str) -> None:
    """TS 33.401 A.5: KeNB* = KDF(KeNB or NH, FC = 0x13, P0 = PCI, L0, P1 = EARFCN-DL, L1).
    For two cells with the same PCI, P1 alone separates their KeNB*: the variant that leaves
    it out gives both the same key."""
    topology = SHIPPED_FILES[name][0]()
    a, b = (topology.cell(n) for n in same_pci_cells(topology))
    key = bytes(range(32))
    assert crypto.derive_kenb_star(key, a.pci, a.earfcn_dl) != crypto.derive_kenb_star(
        key, b.pci, b.earfcn_dl)
    broken = load_variant_file(WITHOUT_EARFCN)
    d = Deriver()
    assert broken.kenb_star(d, key, "KeNB", a) == broken.kenb_star(d, key, "KeNB", b)
    assert [i.name for i in d.records[0].inputs] == ["KeNB", "FC", "PCI"]


@pytest.mark.parametrize(("name", "hops"), [
    ("default", "x2@enb-2/cell-1,s1-inter@enb-5/cell-2"),
    ("small", "x2@enb-2/cell-1"),
])
def test_kenb_star_without_earfcn_dl_fails_key_separation(
        name: str, hops: str, capsys: pytest.CaptureFixture[str]) -> None:
    topology = SHIPPED_FILES[name][0]()
    targets = route(topology, parse_hops(hops))
    assert all(c.pci == topology.cells[0].pci for c in targets)  # every hop reuses PCI 1
    code = main(["check", "--variant-file", WITHOUT_EARFCN, "--topology",
                 str(SHIPPED_FILES[name][1]), "--hops", hops])
    out = capsys.readouterr().out
    assert "key-separation          FAILS (promised)" in out and code == 1


def test_report_scenarios_need_the_default_topology_not_the_small_one() -> None:
    check_topology(TopologyFile("default.toml", default_topology()))
    with pytest.raises(UsageError, match=r"scenario chain .* hop 4 x2: no x2 neighbour of "
                                         "enb-4/cell-1"):
        check_topology(TopologyFile("small.toml", small_topology()))
