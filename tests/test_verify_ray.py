"""``verify --ray``: the same partitioned search on Ray actors, on a local Ray started in this
process for the module (CI installs the cluster extra, so this runs there; elsewhere it is
skipped without Ray)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hoverify.properties.verify import verify
from hoverify.statemachines.variants import load

from hoverify import cli

if os.environ.get("CI"):  # never skipped in CI: .ci/run installs the cluster extra
    import ray
else:
    ray = pytest.importorskip("ray")


@pytest.fixture(scope="module", autouse=True)
def local_ray() -> Iterator[None]:
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def test_two_ray_actors_count_what_one_process_counts() -> None:
    schedule = load("tr33821-v070")
    local = verify(schedule, max_handovers=1, workers=1)
    on_ray = verify(schedule, max_handovers=1, workers=2, ray="auto")
    assert on_ray.exhausted and (on_ray.states, on_ray.transitions, on_ray.depth) == (
        local.states, local.transitions, local.depth)
    assert on_ray.sometimes == local.sometimes and on_ray.taken == local.taken
    assert {key: f.trace for key, f in on_ray.shortest.items()} == {
        key: f.trace for key, f in local.shortest.items()}
    # why each claim holds: judged on the same shortest run (holds39)
    assert local.exercised and {claim: judged.trace for claim, judged in on_ray.exercised.items()} \
        == {claim: judged.trace for claim, judged in local.exercised.items()}


def test_a_variant_file_and_a_topology_file_reach_the_actors(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    variant = Path(__file__).parent / "broken_variants" / "k_ho_constant.py"
    topology = tmp_path / "line.toml"
    topology.write_text(LINE)
    argv = ["verify", "--variant-file", str(variant), "--topology", str(topology),
            "--max-handovers", "1", "--json", "--out", str(tmp_path / "out")]
    assert cli.main([*argv, "--workers", "1"]) == 1
    local = json.loads(capsys.readouterr().out)
    assert cli.main([*argv, "--ray", "auto", "--workers", "2"]) == 1
    on_ray = json.loads(capsys.readouterr().out)
    keys = ("states", "transitions", "sometimes", "findings", "claims")
    assert [on_ray[k] for k in keys] == [local[k] for k in keys]



def test_more_workers_than_the_cluster_has_cpus_is_refused(
        capsys: pytest.CaptureFixture[str]) -> None:
    """helper-241 #1: each actor takes a CPU, so a third on this 2-CPU Ray waited for ever,
    with no word (Ray said why in its own logs only) and a first Ctrl-C ignored."""
    assert cli.main(["verify", "--variant", "ts33401", "--max-handovers", "1", "--ray", "auto",
                     "--workers", "3"]) == 2
    assert capsys.readouterr().err == (
        "hoverify: error: --ray auto: the cluster has 2 CPU(s), and each worker takes one: "
        "give --workers 2 or fewer\n")


def test_the_time_starting_the_workers_is_said_apart(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """helper-241 #7: a local Ray takes seconds to start, which the first line's time and rate
    included unsaid ("593 states ... in 4.7 s (126 states/s)", against 0.1 s in one
    process)."""
    argv = ["verify", "--variant", "tr33821-v070", "--max-handovers", "1", "--ray", "auto",
            "--workers", "2", "--json", "--out", str(tmp_path)]
    assert cli.main(argv) == 0
    doc = json.loads(capsys.readouterr().out)
    assert 0 < doc["startup_seconds"] <= doc["seconds"]
    assert cli._startup_text(2.64) == "; 2.6 s of it starting the workers"
    assert cli._startup_text(0.3) == ""  # a process pool's start: no word

# two eNBs under one MME and one under another, the first two joined by X2 (every hop type
# but intra-eNB's second cell): not the small topology
LINE = """
mmes = ["mme-1", "mme-2"]
enbs = [
    { name = "enb-1", mme = "mme-1" },
    { name = "enb-2", mme = "mme-1" },
    { name = "enb-3", mme = "mme-2" },
]
cells = [
    { name = "enb-1/cell-1", enb = "enb-1", pci = 1, earfcn_dl = 1850 },
    { name = "enb-2/cell-1", enb = "enb-2", pci = 2, earfcn_dl = 300 },
    { name = "enb-3/cell-1", enb = "enb-3", pci = 3, earfcn_dl = 6300 },
]
x2 = [["enb-1", "enb-2"]]
"""
