"""The `hoverify` command line.

Exit codes: 0 success (every promised claim holds), 1 a promised claim fails, 2 bad input.
Bad input is reported in one line on stderr, never with a traceback. ``report`` exits 0
whatever the verdicts: the report records broken promises, it does not fail on them.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from hoverify import __version__
from hoverify.atomic_dir import write_atomically
from hoverify.report_job import choose_variants, summary, variant_files, write_report
from hoverify.runs import (
    UsageError,
    check_document,
    check_text,
    document,
    explore_document,
    load_finding,
    parse_compromises,
    parse_faults,
    resolve_variant,
    run_text,
    save_findings,
    scenario_run,
)
from properties.evaluate import evaluate
from properties.exploration import Finding
from properties.explore import explore, replay
from properties.stateful import FAULTS
from properties.verify import (
    DEFAULT_FAULTS,
    OUTSIDE_BOUND,
    VERIFY_FAULTS,
    VerifyResult,
    verify,
)
from reports.pcap import capture_of
from statemachines.variants import BIT_PLACEMENTS, BUILT_IN


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own errors exit 2 as well
        raise UsageError(message)


def _add_variant_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--variant", metavar="V",
                        help=f"a built-in key-derivation variant: {', '.join(BUILT_IN)}")
    parser.add_argument("--variant-file", metavar="PATH",
                        help="a reviewer's variant file (see README: Model your own proposal)")


def _add_scenario_arguments(parser: argparse.ArgumentParser) -> None:
    _add_variant_arguments(parser)
    parser.add_argument("--bit-placement", choices=BIT_PLACEMENTS, default=None,
                        help="seed-fs only: where the notification bit travels (default nas)")
    parser.add_argument("--hops", required=True, metavar="H,H,...",
                        help="hop types in order: intra-enb, x2, s1, s1-inter; a suffix "
                             "':early' starts that hop before the previous Path Switch "
                             "Acknowledge arrives")
    parser.add_argument("--kasme", metavar="HEX", help="KASME, 64 hex digits")
    parser.add_argument("--ul-nas-count", type=int, default=0, metavar="N",
                        help="uplink NAS COUNT for the initial KeNB (TS 33.401 A.3)")
    parser.add_argument("--seed", type=int, default=0, metavar="N",
                        help="chooses target cells and C-RNTIs (same seed, same run)")
    parser.add_argument("--json", action="store_true", help="print JSON")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="hoverify",
        description="Run LTE handover key-derivation variants and check who can derive "
                    "which key.")
    parser.add_argument("--version", action="version", version=f"hoverify {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    run = commands.add_parser("run", help="perform handovers in order and print the keys")
    _add_scenario_arguments(run)
    run.add_argument("--pcap", metavar="FILE",
                     help="also write the run's S1AP, X2AP and RRC security messages as a "
                          "pcapng capture (needs pycrate: pip install '.[wire]')")
    check = commands.add_parser("check", help="check every claim; witness or cut for each")
    _add_scenario_arguments(check)
    check.add_argument("--compromise", action="append", default=[], metavar="WHO@HOP",
                       help="an eNB (name, or source/target of hop HOP) compromised from the "
                            "start of hop HOP on; repeatable")
    explore = commands.add_parser("explore", help="Hypothesis search of interleavings, "
                                  "faults and compromise; findings saved for replay")
    _add_variant_arguments(explore)
    explore.add_argument("--bit-placement", choices=BIT_PLACEMENTS, default=None)
    explore.add_argument("--examples", type=int, default=300, metavar="N")
    explore.add_argument("--steps", type=int, default=30, metavar="N",
                         help="steps per example")
    explore.add_argument("--seed", type=int, default=None, metavar="S",
                         help="random search with this seed (default: derandomized)")
    explore.add_argument("--faults", default=",".join(sorted(FAULTS)),
                         help="comma-separated subset of: " + ", ".join(sorted(FAULTS)))
    explore.add_argument("--out", default="out/findings", metavar="DIR",
                         help="where each finding is saved for `hoverify replay`")
    explore.add_argument("--json", action="store_true")
    replay = commands.add_parser("replay", help="replay a saved finding step by step")
    replay.add_argument("file", metavar="FILE")
    replay.add_argument("--json", action="store_true")
    verify_ = commands.add_parser("verify", help="every interleaving within a bound, breadth "
                                  "first; shortest counterexamples saved for replay")
    _add_variant_arguments(verify_)
    verify_.add_argument("--bit-placement", choices=BIT_PLACEMENTS, default=None)
    verify_.add_argument("--max-handovers", type=int, default=2, metavar="K",
                         help="at most K handovers started (default 2)")
    verify_.add_argument("--faults", default=",".join(sorted(DEFAULT_FAULTS)),
                         help="comma-separated subset of: " + ", ".join(sorted(VERIFY_FAULTS))
                              + " (at most one duplication and one compromised eNB per path)")
    verify_.add_argument("--out", default="out/verify", metavar="DIR",
                         help="where each finding is saved for `hoverify replay`")
    verify_.add_argument("--json", action="store_true")
    report = commands.add_parser(
        "report", help="verdicts of every variant over the standard scenarios, with key "
        "graphs and sequence charts (Markdown, HTML, SVG, DOT, GraphML, JSON); exits 0 even "
        "when a promise is broken: the report records it")
    report.add_argument("--out", default="out/report", metavar="DIR",
                        help="directory replaced whole by the new report (default out/report)")
    report.add_argument("--variants", nargs="+", metavar="V",
                        help="built-in variants (seed-fs: each bit placement; seed-fs/P: one)")
    report.add_argument("--variant-file", action="append", metavar="PATH",
                        help="a reviewer's variant file, reported beside the built-in "
                             "variants (repeatable; see README: Model your own proposal)")
    report.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    return parser


def _explore(args: argparse.Namespace) -> int:
    variant = resolve_variant(args)
    if args.examples < 1 or args.steps < 1:
        raise UsageError("--examples and --steps must be at least 1")
    faults = parse_faults(args.faults)
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: not a directory")
    progress = Progress(enabled=not args.json)
    result = explore(variant, examples=args.examples, steps=args.steps, seed=args.seed,
                     faults=faults, progress=progress.line)
    files = save_findings(variant, result.findings, out, args.variant_file)
    doc = explore_document(result, files)
    if args.json:
        print(json.dumps(doc, indent=2))
    else:
        print(f"{doc['variant']}: {doc['examples_run']} examples, {doc['steps_run']} steps")
        for finding in doc["findings"]:
            kind = "PROMISED claim violated" if finding["promised"] else "not promised"
            print(f"\n{finding['claim']} ({kind}): {finding['detail']}")
            for line in finding["trace"]:
                print(f"  {line}")
            print(f"  saved: {finding['file']}  (hoverify replay {finding['file']})")
        if not doc["findings"]:
            print("no finding")
        print(sometimes_line(doc["sometimes"]))
    warn_vacuous(result.vacuous, f"in {doc['examples_run']} examples")
    return 1 if result.promise_broken else 0


def _replay(args: argparse.Namespace) -> int:
    variant, actions, recorded = load_finding(args.file)
    try:
        exploration = replay(variant, actions, strict=True)
    except ValueError as error:
        raise UsageError(f"{args.file}: {error}") from None
    findings = exploration.findings()
    exploration.close()
    reproduced = any(f.claim == recorded.get("claim") for f in findings)
    if args.json:
        print(json.dumps({"variant": variant.name, "steps": [a.text for a in actions],
                          "reproduced": reproduced,
                          "findings": [{"claim": f.claim, "promised": f.promised,
                                        "detail": f.detail} for f in findings]}, indent=2))
    else:
        for number, action in enumerate(actions, start=1):
            print(f"{number:>3}. {action.text}")
        for finding in findings:
            kind = "PROMISED" if finding.promised else "not promised"
            print(f"=> {finding.claim} violated ({kind}): {finding.detail}")
        print("reproduced" if reproduced else
              f"NOT reproduced: {recorded.get('claim')} no longer violated")
    return 1 if any(f.promised for f in findings) else 0


def _verify(args: argparse.Namespace) -> int:
    variant = resolve_variant(args)
    if args.max_handovers < 1:
        raise UsageError(f"--max-handovers must be at least 1, got {args.max_handovers}")
    faults = parse_faults(args.faults)
    unbounded = faults - VERIFY_FAULTS
    if unbounded:
        raise UsageError(f"--faults: verify cannot bound {', '.join(sorted(unbounded))} "
                         f"(supported: {', '.join(sorted(VERIFY_FAULTS))}; use explore)")
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: not a directory")
    progress = Progress(enabled=not args.json)
    result = verify(variant, max_handovers=args.max_handovers, faults=faults,
                    progress=progress.line)
    findings = result.findings()
    saved = save_findings(variant, findings, out, args.variant_file)
    doc = _verify_document(result, findings, saved)
    if args.json:
        print(json.dumps(doc, indent=2))
    else:
        print(f"{doc['variant']} (at most {doc['max_handovers']} handover(s); faults: "
              f"{', '.join(doc['faults']) or 'none'}): {doc['states']} states, "
              f"{doc['transitions']} transitions in {doc['seconds']:.1f} s "
              f"({doc['states_per_second']:.0f} states/s)")
        for finding in doc["findings"]:
            kind = "PROMISED claim violated" if finding["promised"] else "not promised"
            print(f"\n{finding['claim']} ({kind}): {finding['detail']}\n"
                  f"  shortest counterexample, {len(finding['trace'])} steps:")
            for line in finding["trace"]:
                print(f"  {line}")
            print(f"  saved: {finding['file']}  (hoverify replay {finding['file']})")
        print(sometimes_line(doc["sometimes"]))
        if not result.promise_broken:
            print(f"no violation of a promised claim in {doc['states']} states, bound exhausted")
    warn_vacuous(result.vacuous, "within the bound", OUTSIDE_BOUND)
    return 1 if result.promise_broken else 0


def sometimes_line(counts: dict[str, int]) -> str:
    """How often each claim's situation arose: the "sometimes" beside each "always"."""
    return "sometimes: " + ", ".join(f"{claim} {n}" for claim, n in counts.items())


def warn_vacuous(claims: Sequence[str], where: str,
                 why: dict[str, str] | None = None) -> None:
    """A promised claim whose situation never arose holds only vacuously: say so."""
    for claim in claims:
        reason = f" ({why[claim]})" if why and claim in why else ""
        print(f"hoverify: warning: {claim} is promised but vacuous: its situation never "
              f"arose {where}{reason}", file=sys.stderr)


def _verify_document(result: VerifyResult, findings: list[Finding],
                     files: list[Path]) -> dict[str, Any]:
    return {
        "variant": result.variant, "max_handovers": result.max_handovers,
        "faults": sorted(result.faults), "states": result.states,
        "transitions": result.transitions, "depth": result.depth,
        "exhausted": result.exhausted, "seconds": round(result.seconds, 3),
        "states_per_second": round(result.states_per_second, 1),
        "transitions_by_action": dict(result.taken), "promise_broken": result.promise_broken,
        "sometimes": dict(result.sometimes), "vacuous": result.vacuous,
        "findings": [{"claim": f.claim, "promised": f.promised, "detail": f.detail,
                      "trace": [a.text for a in f.trace], "file": str(path)}
                     for f, path in zip(findings, files, strict=True)],
    }


class Progress:
    """One line per event on stderr, only when stderr is a terminal."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled and sys.stderr.isatty()

    def line(self, text: str) -> None:
        if self.enabled:
            print(text, file=sys.stderr, flush=True)


def _check(args: argparse.Namespace) -> int:
    run = scenario_run(args)
    attacker = parse_compromises(args.compromise, run)
    evaluation = evaluate(run, attacker)
    doc = check_document(run, evaluation)
    print(json.dumps(doc, indent=2) if args.json else check_text(doc))
    warn_vacuous(evaluation.vacuous, f"in the run {args.hops}")
    return 1 if evaluation.promise_broken else 0


def _run(args: argparse.Namespace) -> int:
    pcap = _capture_path(args.pcap)
    run = scenario_run(args)
    if pcap is not None:
        try:
            write_atomically(pcap, capture_of(run)[0])
        except OSError as error:
            raise UsageError(f"--pcap {pcap}: cannot write ({error.strerror})") from None
    doc = document(run)
    print(json.dumps(doc, indent=2) if args.json else run_text(doc))
    return 0


def _capture_path(text: str | None) -> Path | None:
    """Check ``--pcap FILE`` before the run: pycrate installed, the directory there."""
    if text is None:
        return None
    path = Path(text)
    if path.is_dir():
        raise UsageError(f"--pcap {text}: is a directory")
    if not path.parent.is_dir():
        raise UsageError(f"--pcap {text}: directory {path.parent} does not exist")
    if importlib.util.find_spec("pycrate_asn1dir") is None:
        raise UsageError("--pcap needs pycrate (pip install -e '.[wire]' in the checkout)")
    return path


def _report(args: argparse.Namespace) -> int:
    out = Path(args.out)
    files = variant_files(args.variant_file)  # validated before anything runs
    data = write_report(out, choose_variants(args.variants),
                        Progress(enabled=not args.quiet).line, files)
    print(summary(data, out))
    return 0  # broken promises are recorded in the report, not turned into a failure


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "run": _run, "check": _check, "explore": _explore, "replay": _replay, "verify": _verify,
    "report": _report}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return 0
        return COMMANDS[args.command](args)
    except UsageError as error:
        print(f"hoverify: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # Ctrl-C: what was written before stays whole (atomic writes)
        print("hoverify: interrupted", file=sys.stderr)
        return 128 + signal.SIGINT
    except BrokenPipeError:  # the reader went away (`hoverify ... | head`): no traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nor one at exit
        return 128 + signal.SIGPIPE  # what a shell reports for a writer killed by SIGPIPE


if __name__ == "__main__":
    sys.exit(main())
