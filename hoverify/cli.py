"""The `hoverify` command line.

Exit codes: 0 success (every promised claim holds), 1 a promised claim fails, 2 bad input.
Bad input is reported in one line on stderr, never with a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence

from hoverify import __version__
from hoverify.runs import (
    UsageError,
    check_document,
    check_text,
    parse_compromises,
    run_document,
    run_text,
    scenario_run,
)
from properties.evaluate import evaluate
from statemachines.variants import BIT_PLACEMENTS, BUILT_IN


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own errors exit 2 as well
        raise UsageError(message)


def _add_scenario_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--variant", required=True, metavar="V",
                        help=f"key-derivation variant: {', '.join(BUILT_IN)}")
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
    check = commands.add_parser("check", help="check every claim; witness or cut for each")
    _add_scenario_arguments(check)
    check.add_argument("--compromise", action="append", default=[], metavar="WHO@HOP",
                       help="an eNB (name, or source/target of hop HOP) compromised from the "
                            "start of hop HOP on; repeatable")
    return parser


def _check(args: argparse.Namespace) -> int:
    run = scenario_run(args)
    attacker = parse_compromises(args.compromise, run)
    evaluation = evaluate(run, attacker)
    doc = check_document(run, evaluation)
    print(json.dumps(doc, indent=2) if args.json else check_text(doc))
    return 1 if evaluation.promise_broken else 0


def _run(args: argparse.Namespace) -> int:
    document = run_document(args)
    print(json.dumps(document, indent=2) if args.json else run_text(document))
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"run": _run, "check": _check}


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


if __name__ == "__main__":
    sys.exit(main())
