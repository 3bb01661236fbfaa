"""``hoverify check``: how its time grows with the hops, and how much of a one-hop check is
start-up (issue 17, items 7 and 8).

Growth. ``check`` runs in this process, its modules imported once beforehand: each sample
is ``hoverify.cli.main(["check", "--variant", V, "--hops", H])`` with its output thrown
away, over the same cycle of mixed hop types (``x2,s1,s1-inter,intra-enb,x2,...``) cut to
each length, timed in CPU seconds of this process (on a shared machine its wall time
measures the other jobs too). The time per length is the fastest of its repeats (the least
disturbed); the longest lengths (``once``: 1000 hops take a minute) are run in the first
round only. The exponent is the least-squares slope of log(time) over log(hops).

Start-up. ``hoverify check --variant ts33401 --hops x2`` as a user runs it: a fresh
``python -m hoverify`` process, its wall time measured by ``bench.commands``, with the bytecode
of the modules cached as an install leaves it (a run first writes it to a cache of its own;
where ``PYTHONDONTWRITEBYTECODE`` is set, as on the development VM, every module would else be
compiled again on every run, about a third of the start-up). Its share
spent before the first hop is run is ``1 - work / wall``, where ``work`` is what the same
command does from the first hop on (AS security set up, the hop run, every claim judged,
the text rendered and printed to a buffer), timed in this process with everything imported
and the variant and topology loaded. The rest of ``wall``, interpreter start, imports,
argument parsing, loading the variant and the topology, is the start-up.
"""

from __future__ import annotations

import contextlib
import io
import statistics
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter, process_time
from typing import Any

from bench import commands
from bench.timing import loglog_slope

MIXED = ("x2", "s1", "s1-inter", "intra-enb")
STARTUP_ARGS = ("check", "--variant", "ts33401", "--hops", "x2")


def hops(n: int) -> str:
    """``n`` hops of the mixed cycle, as ``--hops`` takes them."""
    return ",".join(MIXED[i % len(MIXED)] for i in range(n))


def _check(variant: str, n: int) -> float:
    from hoverify.cli import main

    start = process_time()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        code = main(["check", "--variant", variant, "--hops", hops(n)])
    seconds = process_time() - start
    if code not in (0, 1):  # 1: a promise is broken, which check reports
        raise RuntimeError(f"hoverify check --variant {variant}: {n} hops exited {code}")
    return seconds


@dataclass(frozen=True)
class Growth:
    variant: str
    sizes: tuple[int, ...]
    seconds: tuple[tuple[float, ...], ...]  # per size, every repeat

    @property
    def best(self) -> list[float]:
        return [min(s) for s in self.seconds]

    @property
    def exponent(self) -> float:
        return loglog_slope(self.sizes, self.best)

    def document(self) -> dict[str, Any]:
        return {"variant": self.variant, "exponent": self.exponent,
                "rows": [{"hops": n, "min": min(s), "median": statistics.median(s),
                          "max": max(s)} for n, s in zip(self.sizes, self.seconds,
                                                         strict=True)]}


def growth(variants: Sequence[str], sizes: Sequence[int], repeats: int,
           once: Sequence[int] = ()) -> list[Growth]:
    """Each variant's check times; the repeats of a size alternate with the other sizes',
    so a burst of load spoils a round, not a size; the sizes ``once`` in the first round
    only."""
    _check(variants[0], 1)  # imports, caches of the first run
    result = []
    for variant in variants:
        rounds = [{n: _check(variant, n) for n in sizes if r == 0 or n not in once}
                  for r in range(repeats)]
        result.append(Growth(variant, tuple(sizes),
                             tuple(tuple(r[n] for r in rounds if n in r) for n in sizes)))
    return result


def _work() -> float:
    """The one-hop check from its first hop on, in this process (see the module's text)."""
    import argparse

    from hoverify.properties.evaluate import evaluate
    from hoverify.statemachines.scenario import parse_hops, run_scenario
    from hoverify.statemachines.topology import default_topology

    from hoverify.cli import build_parser
    from hoverify.runs import check_document, check_text, resolve_topology, resolve_variant

    args: argparse.Namespace = build_parser().parse_args(list(STARTUP_ARGS))
    variant = resolve_variant(args)
    topology = resolve_topology(args.topology, default_topology)
    start = perf_counter()
    run = run_scenario(variant, parse_hops(args.hops), topology=topology)
    print(check_text(check_document(run, evaluate(run), evidence=False)), file=io.StringIO())
    return perf_counter() - start


@dataclass(frozen=True)
class Startup:
    wall: tuple[float, ...]  # the command in a fresh process, each repeat
    work: tuple[float, ...]  # from the first hop on, in this process

    @property
    def share(self) -> float:
        return 1 - statistics.median(self.work) / statistics.median(self.wall)

    def document(self) -> dict[str, Any]:
        return {"command": "hoverify " + " ".join(STARTUP_ARGS), "share": self.share,
                **{name: {"min": min(v), "median": statistics.median(v), "max": max(v)}
                   for name, v in (("wall_seconds", self.wall),
                                   ("work_seconds", self.work))}}


def startup(repeats: int) -> Startup:
    wall, work = [], []
    _work()  # imports and first-run caches, once
    with tempfile.TemporaryDirectory() as tmp, commands.compiled() as cached:
        commands.hoverify(*STARTUP_ARGS, cwd=Path(tmp), module="hoverify", environ=cached)
        for _ in range(repeats):  # alternately, so load hits both sides alike
            done = commands.hoverify(*STARTUP_ARGS, cwd=Path(tmp), module="hoverify",
                                     environ=cached)
            if done.returncode not in (0, 1):
                raise RuntimeError(f"hoverify {' '.join(STARTUP_ARGS)} exited "
                                   f"{done.returncode}: {done.stderr.strip()}")
            wall.append(done.seconds)
            work.append(_work())
    return Startup(tuple(wall), tuple(work))
