"""Benchmarks of issue 8: the model against its crypto floor, the cost of the invariants, the
growth of the knowledge closure, and the ``report``/``verify`` commands.

How to run (from the repository root; nothing is written except the ``--json`` file):

    python3 bench/run.py                    # full: closure up to 10^6 nodes, ~2 minutes here
    python3 bench/run.py --quick            # ~20 s: closure up to 10^5 nodes, verify 1 handover
    python3 bench/run.py --json bench.json  # also write the figures as JSON

Every figure is a ratio or a growth exponent of measurements taken in the same run (two
rates compared are measured alternately and their per-round ratios' median kept), never an
absolute speed to hold a machine to; absolute rates are printed alongside for context.

  handover_ratio_to_floor  complete s1-inter handovers per second through the whole model,
                           divided by the same KDF/EIA2/EEA2 calls alone (bench/handover.py
                           says exactly what is in each loop). Information, no target: users
                           wait for `verify`, `check` and `report`, not for single handovers.
  invariant_overhead       Hypothesis steps/s with invariants off over steps/s with them on,
                           minus 1 (bench/invariants.py says what "off" removes). Target
                           <= 0.25.
  closure_exponent         log-log slope of hoverify.properties.closure.closure over synthetic key
                           graphs of 10^3..10^6 nodes (bench/closure_growth.py). Target <= 1.1.
  closure_1m_seconds       the closure at 10^6 nodes (full run only).
  report_seconds,          `hoverify report` on its default variants, in a subprocess
  report_peak_mib          (bench/commands.py); null with the reason if it fails.
  verify_states_per_second `hoverify verify --json`'s own figure (ts33401, 2 handovers; 1 with
                           --quick).
  check_hops_exponent      log-log slope of `hoverify check`'s CPU time (in this process,
                           imports done) over 10, 30, 100, 300 and 1000 hops of mixed types
                           (1000 in one round only; 10..100 with --quick), the largest of
                           ts33401, seed-fs and tr33821-v070 (bench/check.py). Target <= 1.1.
  check_startup_share      of the wall time of `hoverify check --variant ts33401 --hops x2` in
                           a fresh process (its modules' bytecode cached, as installed: not
                           compiled again as PYTHONDONTWRITEBYTECODE would make it), the share
                           spent before its first hop is run:
                           1 - (the same check from its first hop on, timed in this process) /
                           (the command's wall time); medians of alternating repeats
                           (bench/check.py says exactly what each side holds). Information.
  verify_overhead_ratio    transitions per CPU-second of `verify` over steps per CPU-second
                           of the bare model on the same transitions, i.e. the bare model's
                           CPU over verify's on them (bench/verify_costs.py). Target >= 0.5.
                           Until 2026-11-30 it divided verify's states per CPU-second: with
                           ~2.5 transitions a state, a free verify scored 0.40, under the goal.
  verify_state_overhead_ratio  that former figure, states per CPU-second of `verify` over the
                           same bare steps per CPU-second. Information.
  verify_bytes_per_state   peak RSS growth per visited state, `verify --workers 1`, 2 handovers
                           (1 with --quick). Target <= 200.
  verify_parallel_efficiency  states/s with 2 workers over 2x states/s with 1, the load average
                           beside it. Target >= 0.8 on an idle machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import check, closure_growth, commands, handover, invariants, verify_costs
from bench.timing import best_seconds, loglog_slope, paired_ratio, per_second


@dataclass(frozen=True)
class Config:
    name: str
    # many short alternating rounds: a neighbour's burst of load spoils a few, not the median
    handover_rounds: int = 21
    handover_seconds: float = 0.15  # per measured batch
    invariant_rounds: int = 9
    invariant_examples: int = 50
    invariant_steps: int = 30  # `hoverify explore`'s default
    # half decades: a fit over seven points is steadier than over four on a noisy machine
    closure_sizes: tuple[int, ...] = (10**3, 3 * 10**3, 10**4, 3 * 10**4, 10**5, 3 * 10**5,
                                      10**6)
    verify_handovers: int | None = 2  # None: do not run `hoverify verify`
    report: bool = True
    check_sizes: tuple[int, ...] = (10, 30, 100, 300, 1000)
    check_once: tuple[int, ...] = (1000,)  # sizes run in the first round only
    check_variants: tuple[str, ...] = ("ts33401", "seed-fs", "tr33821-v070")
    check_repeats: int = 2
    startup_repeats: int = 9
    # the verify_* ratios of bench/verify_costs.py: their bound and rounds
    verify_cost_handovers: int = 2
    verify_cost_rounds: int = 3


FULL = Config("full")
QUICK = Config("quick", handover_rounds=11, handover_seconds=0.1, invariant_rounds=5,
               invariant_examples=30, closure_sizes=(10**3, 3 * 10**3, 10**4, 3 * 10**4, 10**5),
               verify_handovers=1, check_sizes=(10, 30, 100), check_once=(),
               startup_repeats=5, verify_cost_handovers=1)
TINY = Config("tiny", handover_rounds=1, handover_seconds=0.01, invariant_rounds=1,
              invariant_examples=2, invariant_steps=5, closure_sizes=(300, 3000),
              verify_handovers=None, report=False, check_sizes=(1, 3), check_once=(),
              check_variants=("ts33401",), check_repeats=1, startup_repeats=1,
              verify_cost_handovers=1, verify_cost_rounds=1)


@dataclass
class Metric:
    value: float | None
    unit: str = ""
    target: str = ""
    note: str = ""

    @property
    def met(self) -> bool | None:
        if self.value is None or not self.target:
            return None
        op, bound = self.target.split()
        return self.value >= float(bound) if op == ">=" else self.value <= float(bound)


@dataclass
class Results:
    config: str
    metrics: dict[str, Metric] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)

    def document(self) -> dict[str, Any]:
        return {"config": self.config, "machine": machine(),
                "metrics": {name: {"value": m.value, "unit": m.unit, "target": m.target or None,
                                   "met": m.met, "note": m.note}
                            for name, m in self.metrics.items()},
                "details": self.details}


# -- the measurements ----------------------------------------------------------------------------
def measure_handover(config: Config, results: Results) -> None:
    ho = handover.Handover.prepare()
    messages = ho.check()
    floor = handover.CryptoFloor.record(ho)
    ratio, model, crypto = paired_ratio(lambda: per_second(ho.once, config.handover_seconds),
                                        lambda: per_second(floor.once, config.handover_seconds),
                                        config.handover_rounds)
    calls = floor.describe()
    results.metrics["handover_ratio_to_floor"] = Metric(
        ratio, "", "",
        f"{median(model):.0f} handovers/s vs {median(crypto):.0f} crypto sets/s "
        f"({calls['kdf_calls']} KDF, {calls['eia2_calls']} EIA2, {calls['eea2_calls']} EEA2); "
        f"{_spread(model, crypto)}")
    results.details["handover"] = {"variant": "ts33401", "hop": "s1-inter",
                                   "messages_per_handover": messages,
                                   "handovers_per_second": model, "floor_sets_per_second": crypto,
                                   **calls}


def measure_invariants(config: Config, results: Results) -> None:
    on, off = invariants.machines()
    tallies: list[invariants.Tally] = []

    def rate(machine: type) -> Callable[[], float]:
        def run() -> float:
            steps_per_second, tally = invariants.steps_per_second(
                machine, config.invariant_examples, config.invariant_steps)
            tallies.append(tally)
            return steps_per_second
        return run

    ratio, off_rates, on_rates = paired_ratio(rate(off), rate(on), config.invariant_rounds)
    digests = {t.digest.hexdigest() for t in tallies}
    results.metrics["invariant_overhead"] = Metric(
        ratio - 1, "", "<= 0.25",
        f"{median(on_rates):.0f} steps/s on vs {median(off_rates):.0f} off "
        f"({tallies[0].steps} steps in {tallies[0].examples} examples per run); "
        f"{_spread(off_rates, on_rates, minus=1)}")
    results.details["invariants"] = {"variant": "ts33401", "examples": config.invariant_examples,
                                     "steps_per_example": config.invariant_steps,
                                     "steps_per_run": tallies[0].steps,
                                     "steps_per_second_on": on_rates,
                                     "steps_per_second_off": off_rates,
                                     "same_actions": len(digests) == 1}


def measure_closure(config: Config, results: Results) -> None:
    rows: list[dict[str, Any]] = []
    for size in config.closure_sizes:
        synthetic = closure_growth.key_graph(size)
        repeats = 5 if size < 10**6 else 3
        seconds = best_seconds(lambda s=synthetic: closure_growth.run_closure(s), repeats)
        rows.append({"nodes": synthetic.nodes,
                     "edges": synthetic.edges,
                     "known": closure_growth.run_closure(synthetic), "seconds": seconds})
        del synthetic
    exponent = loglog_slope([r["nodes"] for r in rows], [r["seconds"] for r in rows])
    largest = rows[-1]
    results.metrics["closure_exponent"] = Metric(
        exponent, "", "<= 1.1",
        f"{rows[0]['nodes']}..{largest['nodes']} nodes; {largest['seconds']:.3f} s at "
        f"{largest['nodes']}")
    one_million = next((r for r in rows if r["nodes"] >= 10**6), None)
    results.metrics["closure_1m_seconds"] = Metric(
        one_million["seconds"] if one_million else None, "s", "",
        f"{one_million['nodes']} nodes, {one_million['edges']} edges" if one_million
        else f"not measured: this run stops at {largest['nodes']} nodes")
    results.details["closure"] = rows


def measure_commands(config: Config, results: Results) -> None:
    if config.report:
        seconds, peak = commands.report()
        results.metrics["report_seconds"] = Metric(seconds.value, "s", "", seconds.note)
        results.metrics["report_peak_mib"] = Metric(peak.value, "MiB", "", peak.note)
    else:
        skipped = f"not run in the {config.name} configuration"
        results.metrics["report_seconds"] = Metric(None, "s", "", skipped)
        results.metrics["report_peak_mib"] = Metric(None, "MiB", "", skipped)
    if config.verify_handovers is not None:
        verify = commands.verify(config.verify_handovers)
        results.metrics["verify_states_per_second"] = Metric(verify.value, "states/s", "",
                                                             verify.note)
        results.details["verify"] = verify.extra
    else:
        results.metrics["verify_states_per_second"] = Metric(
            None, "states/s", "", f"not run in the {config.name} configuration")


def measure_check(config: Config, results: Results) -> None:
    grown = check.growth(config.check_variants, config.check_sizes, config.check_repeats,
                         config.check_once)
    worst = max(grown, key=lambda g: g.exponent)
    results.metrics["check_hops_exponent"] = Metric(
        worst.exponent, "", "<= 1.1",
        f"{worst.variant} (the steepest); " + "; ".join(
            f"{g.variant} {g.exponent:.2f}: "
            + ", ".join(f"{n} hops {t:.2f} CPU s" for n, t in zip(g.sizes, g.best, strict=True))
            for g in grown) + f"; load average {os.getloadavg()[0]:.1f}")
    started = check.startup(config.startup_repeats)
    results.metrics["check_startup_share"] = Metric(
        started.share, "", "",
        f"wall {statistics.median(started.wall):.3f} s (min {min(started.wall):.3f}), from "
        f"the first hop on {statistics.median(started.work):.3f} s; medians of "
        f"{len(started.wall)}; load average {os.getloadavg()[0]:.1f}")
    results.details["check"] = {"growth": [g.document() for g in grown],
                                "startup": started.document(),
                                "load_average": os.getloadavg()}


def measure_verify_costs(config: Config, results: Results) -> None:
    k, count = config.verify_cost_handovers, config.verify_cost_rounds
    recorded = verify_costs.transitions(k)
    searches: list[verify_costs.Search] = []

    def verify_rate() -> float:
        searches.append(verify_costs.verify_search(k))
        return searches[-1].transitions_per_second

    overhead, verify_rates, bare_rates = paired_ratio(
        verify_rate, lambda: verify_costs.bare_steps_per_cpu_second(recorded), count)
    results.metrics["verify_overhead_ratio"] = Metric(
        overhead, "", ">= 0.5",
        f"{median(verify_rates):.0f} transitions/CPU-s of verify vs {median(bare_rates):.0f} "
        f"steps/CPU-s of the bare model on the same {len(recorded)} transitions, K={k}; "
        f"{_spread(verify_rates, bare_rates)}; {_load()}")
    state_rates = [search.states_per_second for search in searches]
    results.metrics["verify_state_overhead_ratio"] = Metric(
        median(s / b for s, b in zip(state_rates, bare_rates, strict=True)), "", "",
        f"the former verify_overhead_ratio: {median(state_rates):.0f} states/CPU-s of verify "
        f"over the same bare steps/CPU-s ({searches[0].transitions / searches[0].states:.2f} "
        f"transitions a state); information")
    sizes, runs = verify_costs.rounds(lambda: _first_two(verify_costs.bytes_per_state(k)), count)
    results.metrics["verify_bytes_per_state"] = Metric(
        median(sizes), "B", "<= 200",
        f"peak RSS growth over {runs[0].states} states, K={k}, --workers 1; "
        f"{_range(sizes)}; {_load()}")
    ratios, rounds = verify_costs.rounds(lambda: verify_costs.parallel_efficiency(k), count)
    loads = [value for r in rounds for value in r["load_average"]]
    results.metrics["verify_parallel_efficiency"] = Metric(
        median(ratios), "", ">= 0.8",
        f"states/s of --workers 2 over 2x --workers 1, K={k}; {_range(ratios)}; load "
        f"average {min(loads):.2f}..{max(loads):.2f} on {machine()['nproc']} CPUs "
        f"(the goal assumes an idle machine)")
    results.details["verify_costs"] = {
        "max_handovers": k, "variant": verify_costs.VARIANT, "transitions": len(recorded),
        "verify_transitions_per_cpu_second": verify_rates,
        "verify_states_per_cpu_second": state_rates, "bare_steps_per_cpu_second": bare_rates,
        "bytes_per_state": sizes, "parallel_efficiency": ratios, "parallel_rounds": rounds}


def _first_two(measured: tuple[float, verify_costs.Run, verify_costs.Run]) -> tuple[float, Any]:
    return measured[0], measured[1]


def _range(values: Sequence[float]) -> str:
    return (f"min/median/max of {len(values)} rounds {min(values):.3f}/{median(values):.3f}/"
            f"{max(values):.3f}")


def _load() -> str:
    return f"load average {os.getloadavg()[0]:.2f}"


MEASUREMENTS: tuple[Callable[[Config, Results], None], ...] = (
    measure_handover, measure_invariants, measure_closure, measure_commands, measure_check,
    measure_verify_costs)


def run(config: Config, progress: Callable[[str], None] | None = None) -> Results:
    results = Results(config.name)
    for measurement in MEASUREMENTS:
        if progress:
            progress(measurement.__name__.removeprefix("measure_"))
        measurement(config, results)
    return results


def _spread(a: Sequence[float], b: Sequence[float], minus: float = 0) -> str:
    """The per-round values the metric is the median of, as a range."""
    ratios = [x / y - minus for x, y in zip(a, b, strict=True)]
    return f"median of {len(ratios)} rounds in {min(ratios):.3f}..{max(ratios):.3f}"


# -- output --------------------------------------------------------------------------------------
def machine() -> dict[str, Any]:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"nproc": len(os.sched_getaffinity(0)), "cpu": model,
            "python": platform.python_version(), "platform": platform.platform()}


def table(results: Results) -> str:
    rows = [("metric", "value", "target", "met", "note")]
    for name, m in results.metrics.items():
        met = "" if m.met is None else ("yes" if m.met else "NO")
        rows.append((name, _format(m.value, m.unit), m.target, met, m.note))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r[:4], widths, strict=True))
             + "  " + r[4] for r in rows]
    info = machine()
    lines.append(f"({results.config}; {info['nproc']} CPUs, {info['cpu']}, "
                 f"Python {info['python']})")
    return "\n".join(lines)


def _format(value: float | None, unit: str) -> str:
    if value is None:
        return "null"
    text = f"{value:.3f}" if abs(value) < 10 else f"{value:.0f}"
    return f"{text} {unit}".strip()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="smaller sizes: closure up to 10^5 nodes, verify with 1 handover")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    args = parser.parse_args(argv)
    config = QUICK if args.quick else FULL
    results = run(config, lambda name: print(f"measuring {name} ...", file=sys.stderr,
                                             flush=True))
    print(table(results))
    if args.json:
        text = json.dumps(results.document(), indent=2, allow_nan=False)
        Path(args.json).write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
