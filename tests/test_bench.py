"""Smoke tests of ``bench/run.py`` at a tiny size (no timing is asserted: speed is measured
only by the benchmarks), and the behaviour the issue-8 speed-ups must keep: entity dispatch
equal to the ``transitions`` trigger, and the monitor's byte-string walk equal to the
recursive one it replaced. The RRC field encoding is tested in ``test_protection.py``."""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterator
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # bench/ is not an installed package
    sys.path.insert(0, str(ROOT))

from hoverify.properties.graph import byte_values  # noqa: E402
from hoverify.statemachines.enb import Enb  # noqa: E402
from hoverify.statemachines.entity import _trigger  # noqa: E402
from hoverify.statemachines.mme import Mme  # noqa: E402
from hoverify.statemachines.scenario import Run, parse_hops, run_scenario  # noqa: E402
from hoverify.statemachines.ue import Ue  # noqa: E402
from hoverify.statemachines.variants import load  # noqa: E402

from bench import commands  # noqa: E402
from bench import run as bench  # noqa: E402

VERIFY_COSTS = ("verify_overhead_ratio", "verify_state_overhead_ratio", "verify_bytes_per_state",
                "verify_parallel_efficiency")
METRICS = ("handover_ratio_to_floor", "invariant_overhead", "closure_exponent",
           "closure_1m_seconds", "report_seconds", "report_peak_mib", "verify_states_per_second",
           "check_hops_exponent", "check_startup_share", *VERIFY_COSTS)
MEASURED_AT_TINY = ("handover_ratio_to_floor", "invariant_overhead", "closure_exponent",
                    "check_hops_exponent", "check_startup_share", *VERIFY_COSTS)


@pytest.fixture(scope="module")
def tiny() -> bench.Results:
    return bench.run(bench.TINY)


def test_every_metric_is_reported(tiny: bench.Results) -> None:
    document = json.loads(json.dumps(tiny.document(), allow_nan=False))
    assert set(METRICS) <= set(document["metrics"])
    assert {"nproc", "cpu", "python"} <= set(document["machine"])
    for name in METRICS:
        metric = document["metrics"][name]
        assert metric["value"] is not None or metric["note"], f"{name}: null without a reason"
    assert document["metrics"]["handover_ratio_to_floor"]["target"] is None  # information only
    table = bench.table(tiny)
    assert all(name in table for name in METRICS)


def test_measured_values_are_positive(tiny: bench.Results) -> None:
    values = {name: tiny.metrics[name].value for name in MEASURED_AT_TINY}
    assert all(v is not None and math.isfinite(v) for v in values.values()), values
    assert values["handover_ratio_to_floor"] > 0
    assert values["invariant_overhead"] > -1  # off/on - 1: a ratio of two positive rates
    details = tiny.details
    assert all(r > 0 for r in details["handover"]["handovers_per_second"])
    assert all(r > 0 for r in details["handover"]["floor_sets_per_second"])
    assert all(r > 0 for key in ("steps_per_second_on", "steps_per_second_off")
               for r in details["invariants"][key])
    assert all(row["seconds"] > 0 and row["known"] > 0 for row in details["closure"])
    assert 0 < values["check_startup_share"] < 1
    startup = details["check"]["startup"]
    assert 0 < startup["work_seconds"]["min"] < startup["wall_seconds"]["min"]
    rows = details["check"]["growth"][0]["rows"]
    assert [r["hops"] for r in rows] == list(bench.TINY.check_sizes)
    assert all(0 < r["min"] <= r["median"] <= r["max"] for r in rows)


def test_check_growth_runs_the_hops_asked() -> None:
    from bench import check

    assert check.hops(6) == "x2,s1,s1-inter,intra-enb,x2,s1"
    grown = check.Growth("ts33401", (10, 100), ((1.0, 2.0), (10.0, 30.0)))
    assert grown.best == [1.0, 10.0] and math.isclose(grown.exponent, 1.0)
    grown = check.growth(["ts33401"], [1, 2], repeats=2, once=[2])[0]
    assert [len(s) for s in grown.seconds] == [2, 1]  # the size run once: first round only


def test_verify_costs_are_measured_on_the_same_search(tiny: bench.Results) -> None:
    costs = tiny.details["verify_costs"]
    assert costs["transitions"] > 0 and all(r > 0 for r in costs["bare_steps_per_cpu_second"])
    # the overhead is per transition (the bare model's CPU over verify's on the same ones);
    # the former figure, per state, is the smaller by the transitions a state
    assert all(t > s for t, s in zip(costs["verify_transitions_per_cpu_second"],
                                     costs["verify_states_per_cpu_second"], strict=True))
    assert (tiny.metrics["verify_overhead_ratio"].value
            > tiny.metrics["verify_state_overhead_ratio"].value)
    assert all(r["same_states"] and len(r["load_average"]) == 2
               for r in costs["parallel_rounds"])
    assert "load average" in tiny.metrics["verify_parallel_efficiency"].note


def test_the_floor_is_one_handovers_crypto(tiny: bench.Results) -> None:
    handover = tiny.details["handover"]
    assert handover["kdf_calls"] > 0  # checked against the trace's Derivation records
    assert handover["eia2_calls"] > 0 and handover["eea2_calls"] > 0


def test_invariants_off_takes_the_same_actions(tiny: bench.Results) -> None:
    assert tiny.details["invariants"]["same_actions"]


def test_synthetic_graph_has_the_size_asked() -> None:
    synthetic = bench.closure_growth.key_graph(2000)
    assert 2000 <= synthetic.nodes < 2100


def test_verify_command_reports_a_rate_or_why_not() -> None:
    measured = commands.verify(1)
    assert (measured.value is not None and measured.value > 0) or measured.note


# -- behaviour kept by the speed-ups ---------------------------------------------------------------
@pytest.fixture(scope="module")
def runs() -> list[Run]:
    return [run_scenario(load(v), parse_hops("x2,s1,s1-inter,intra-enb,x2:early,s1"))
            for v in ("ts33401", "seed-fs", "tr33821-v070")]


@pytest.mark.parametrize("entity", [Ue, Enb, Mme])
def test_dispatch_goes_where_the_transitions_trigger_goes(entity: type) -> None:
    machine = entity._machine
    for (source, kind), branches in entity._table.items():
        for branch, dest in branches.items():
            model = type("Model", (), {})()
            machine.add_model(model, initial=source)
            try:
                model.trigger(_trigger(kind, branch))
                assert model.state == dest, (source, kind, branch)
            finally:
                machine.remove_model(model)
    declared = {(s, k, b) for k, b, sources, _ in entity.TRANSITIONS for s in sources}
    assert declared == {(s, k, b) for (s, k), bs in entity._table.items() for b in bs}


def test_a_callback_the_dispatch_would_skip_is_refused() -> None:
    with pytest.raises(TypeError, match="on_enter_connected"):
        class Loud(Ue):
            def on_enter_connected(self) -> None: ...


def _recursive_byte_values(obj: Any) -> Iterator[bytes]:
    """The walk ``byte_values`` replaced, as it was."""
    if isinstance(obj, bytes):
        yield obj
    elif isinstance(obj, tuple | list):
        for item in obj:
            yield from _recursive_byte_values(item)
    elif is_dataclass(obj) and not isinstance(obj, type):
        for f in fields(obj):
            yield from _recursive_byte_values(getattr(obj, f.name))


def test_byte_values_walks_as_before(runs: list[Run]) -> None:
    objects: list[Any] = [Ue, ()]
    for run in runs:
        objects += [e.ctx for e in run.system.entities.values()]
        for step in run.system.steps:
            objects += [step, step.message.fields, step.outcome.read, step.ctx_after]
    for obj in objects:
        assert list(byte_values(obj)) == list(_recursive_byte_values(obj))
