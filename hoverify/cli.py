"""The `hoverify` command line.

Exit codes: 0 success (every promised claim holds), 1 a promised claim fails or a variant
hook raises (the finding ``variant-error``), 2 bad input, 130 Ctrl-C. Bad input is reported
in one line on stderr, never with a traceback, and before any long work (outputs are checked
writable first). ``report`` exits 0 whatever the verdicts:
the report records broken promises, it does not fail on them.

Each subcommand imports what it uses when it runs (``check`` loads neither Hypothesis nor the
exploration code); the options of ``explore`` and ``verify`` are added to the parser only when
one of them is parsed or its help is shown, since their fault names live with Hypothesis.
"""

from __future__ import annotations

import argparse
import errno
import gc
import importlib.util
import json
import os
import signal
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from hoverify import __version__
from hoverify.errors import UsageError
from hoverify.progress import PLAIN_SECONDS, Bar
from hoverify.statemachines.entity import VariantError
from hoverify.statemachines.names import did_you_mean
from hoverify.statemachines.scenario import DEFAULT_KASME
from hoverify.statemachines.variant import variant_text
from hoverify.statemachines.variants import BIT_PLACEMENTS, BUILT_IN

if TYPE_CHECKING:
    from hoverify.properties.adversary import Adversary
    from hoverify.properties.claims import Unexercisable
    from hoverify.properties.evaluate import Evaluation
    from hoverify.properties.exploration import Action, Finding
    from hoverify.properties.replay import Exercised
    from hoverify.properties.verify import Progress, VerifyResult
    from hoverify.reports.data import Unreached
    from hoverify.statemachines.system import Step
    from hoverify.statemachines.topology import Topology
    from hoverify.statemachines.variant import KeySchedule

    # The check runs of one command, by command line: check's evaluation, or why it has none
    # (None: check stops at a variant error)
    Checked = dict[tuple[str, ...], Evaluation | str | None]


class _Formatter(argparse.ArgumentDefaultsHelpFormatter):
    """Shows an option's default after its help, unless there is none to show (a flag, an
    option whose help says what its absence means)."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        if action.default is None or action.default is False or action.default == []:
            return action.help
        return super()._get_help_string(action)


class _Parser(argparse.ArgumentParser):
    """Bad input is a UsageError; ``options`` adds the parser's options when it is first
    used (parsed, or its help shown). No option is taken for a prefix of its name
    (``allow_abbrev``): a typo (``--hop``, ``--max-handover``) is bad input."""

    def __init__(self, *args: Any,
                 options: Callable[[argparse.ArgumentParser], None] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, formatter_class=_Formatter, allow_abbrev=False, **kwargs)
        self._options = options

    def error(self, message: str) -> None:  # argparse's own errors exit 2 as well
        raise UsageError(message)

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        """argparse's refusal of a choice (a command, a bit placement), ending as every
        refusal of a name does (``did_you_mean``; argparse suggests one from Python 3.14)."""
        try:
            super()._check_value(action, value)
        except argparse.ArgumentError as error:
            close = did_you_mean(map(str, action.choices or ()), str(value))
            raise argparse.ArgumentError(action, f"{error.message}{close}") from None

    def _complete(self) -> None:
        options, self._options = self._options, None
        if options is not None:
            options(self)

    def parse_known_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                         namespace: argparse.Namespace | None = None) -> Any:
        self._complete()
        self._refuse_unknown_options(sys.argv[1:] if args is None else list(args))
        return super().parse_known_args(args, namespace)

    def _refuse_unknown_options(self, args: list[str]) -> None:
        """An option this parser does not know, refused before argparse says that a required
        one is missing or lists it among "unrecognized arguments", with the option meant
        (review46: ``--hosp x2`` said "--hops is required"). A command's options come after
        it: the parser of commands looks only before the first word."""
        command = self.prog.partition(" ")[2]
        given: Counter[argparse.Action] = Counter()
        for arg in args:
            if arg == "--" or (self._subparsers is not None and not arg.startswith("-")):
                break
            option = arg.partition("=")[0]
            if not option.startswith("--"):
                continue
            if option not in self._option_string_actions:
                known = [o for o in self._option_string_actions if o.startswith("--")]
                close = did_you_mean(known, option) or f" ({self.prog} -h lists them)"
                raise UsageError(f"{command}{': ' if command else ''}unrecognized option "
                                 f"{option}{close}")
            given[self._option_string_actions[option]] += 1
        self._refuse_repeated_options(command, given)
        if not {"-h", "--help"} & set(args):
            self._refuse_a_variant_choice(command, given)

    def _refuse_a_variant_choice(self, command: str, given: Counter[argparse.Action]) -> None:
        """A command that runs a variant given none, or two, refused with the variants it can
        take (helper-196: argparse's own "one of the arguments --variant --variant-file is
        required" named none); ``replay`` and ``report`` take no --variant."""
        choices = [self._option_string_actions.get(o) for o in ("--variant", "--variant-file")]
        if None in choices:
            return
        chosen = sum(given[action] for action in choices if action is not None)
        if chosen == 0:
            raise UsageError(f"{command}: give --variant V (built in: {', '.join(BUILT_IN)}) "
                             "or --variant-file PATH (a reviewer's variant: docs/variants.md)")
        if chosen > 1:
            raise UsageError(f"{command}: give --variant or --variant-file, not both")

    @staticmethod
    def _refuse_repeated_options(command: str, given: Counter[argparse.Action]) -> None:
        """An option given twice, refused: argparse keeps the last value and drops the first
        without a word (helper-181: ``report --variants ts33401 --variants tr33821-v070``
        reported one variant, ``check --hops s1 --hops x2`` ran x2); a flag given twice is
        refused alike, as a slip. Only an option that adds up (``--compromise``, ``report
        --variant-file``) is repeated."""
        for action, times in given.items():
            if times > 1 and not isinstance(action, argparse._AppendAction):
                values = " with all its values" if action.nargs in ("+", "*") else ""
                raise UsageError(f"{command}{': ' if command else ''}"
                                 f"{action.option_strings[-1]} is given {times} times; give "
                                 f"it once{values}")

    def format_help(self) -> str:
        self._complete()
        return super().format_help()


VARIANT_FILE = "a reviewer's variant file (docs/variants.md)"
TOPOLOGY = "a TOML file or a shipped topology's name"


def _named(option: str, what: str) -> Callable[[str], str]:
    """The ``type`` of an option (or ``replay``'s FILE) that names a file or directory,
    ``what`` it takes: an empty name is refused, not read as ``.`` (an unset shell variable,
    ``--out "$DIR"``, wrote the findings into the working directory; helper-258: ``--pcap
    ''`` said "is a directory", ``explore --database ''`` read the working directory)."""

    def name(text: str) -> str:
        if not text:
            raise UsageError(f"{option} is empty: give {what}")
        return text

    return name


def _add_variant_arguments(parser: argparse.ArgumentParser) -> None:
    # one of the two, required: the synopsis reads (--variant V | --variant-file PATH) (#9:
    # it read [--variant V] [--variant-file PATH], both optional); none is a default
    variant = parser.add_mutually_exclusive_group(required=True)
    variant.add_argument("--variant", metavar="V",
                         help=f"a built-in key-derivation variant: {', '.join(BUILT_IN)} "
                              "(this or --variant-file)")
    variant.add_argument("--variant-file", metavar="PATH",
                         type=_named("--variant-file", VARIANT_FILE),
                         help="a reviewer's variant file (see docs/variants.md) "
                              "(this or --variant)")
    parser.add_argument("--bit-placement", choices=BIT_PLACEMENTS, default=None,
                        help="seed-fs and variant files built on it: where the "
                             "notification bit travels (default: nas)")


def _add_topology_argument(parser: argparse.ArgumentParser, default: str) -> None:
    parser.add_argument("--topology", metavar="FILE", type=_named("--topology", TOPOLOGY),
                        help=f"a TOML topology: MMEs, eNBs, cells (PCI, EARFCN-DL), X2 links, "
                             f"or a shipped one by name: default, small (default: the "
                             f"{default} topology; see docs/topologies.md)")


def _add_scenario_arguments(parser: argparse.ArgumentParser) -> None:
    _add_variant_arguments(parser)
    _add_topology_argument(parser, "default")
    parser.add_argument("--hops", required=True, metavar="H,H,...|@FILE",
                        help="hop types in order: intra-enb, x2, s1, s1-inter; '@CELL' "
                             "names the target cell (x2@enb-3/cell-2); a suffix ':early' "
                             "starts that hop before the previous Path Switch Acknowledge "
                             "arrives (x2@enb-3/cell-2:early); ':replay' replays the "
                             "previous hop's HandoverRequest once that hop is over; "
                             "':refused' has the eNB the hop's HandoverRequest reaches "
                             "refuse it (the UE stays); "
                             "':edit=MESSAGE/EDIT' has a compromised eNB change that hop's "
                             "MESSAGE as explore and verify do (x2:edit=HandoverRequest/"
                             "AS-SecurityInformation/NCC=1; see docs/commands.md); @FILE reads "
                             "them from FILE, one a line or comma-separated, '#' starting a "
                             "comment")
    parser.add_argument("--kasme", metavar="HEX", default=DEFAULT_KASME.hex(),
                        help="KASME, 64 hex digits")
    parser.add_argument("--ul-nas-count", type=int, default=0, metavar="N",
                        help="uplink NAS COUNT for the initial KeNB (TS 33.401 A.3), 24 bits "
                             "(TS 24.301 4.4.3.1)")
    parser.add_argument("--seed", type=int, default=0, metavar="N",
                        help="chooses target cells and C-RNTIs (same seed, same run)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="hoverify",
        description="Run LTE handover key-derivation variants and check who can derive "
                    "which key.")
    parser.add_argument("--version", action="version", version=f"hoverify {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    run = commands.add_parser("run", help="perform handovers in order and print the keys",
                              epilog="Exit status: 0 whatever the keys (run judges no claim); "
                                     "1 a variant hook raised (the finding variant-error); "
                                     + _BAD_INPUT)
    _add_scenario_arguments(run)
    run.add_argument("--pcap", metavar="FILE", type=_named("--pcap", "a file to write"),
                     help="also write the run's S1AP, X2AP and RRC security messages as a "
                          "pcapng capture (needs pycrate: pip install '.[wire]') (default: no "
                          "capture)")
    check = commands.add_parser(
        "check", help="check every claim; witness or cut for each",
        epilog="Beside each verdict, 'its situation arose N times': how many times the "
               "claim's situation (the case it judges, e.g. key-agreement: a HO confirm "
               "reached its target) arose in the run, not how often it holds; 0 times means "
               "it holds only vacuously (vacuous where promised, else n/a), and stderr "
               "warns of a promised one (docs/claims.md). " + _exit_codes("broken"))
    _add_scenario_arguments(check)
    check.add_argument("--compromise", action="append", default=[], metavar="WHO@HOP",
                       help="a party compromised from the start of hop HOP on: an eNB (name, "
                            "or source/target of hop HOP), ue, an MME (name); or a key "
                            "revealed from then on: KASME, or a key the variant delegates "
                            "(K_HO); repeatable for other parties or keys, one attacker "
                            "holding all; verdicts name "
                            "each attacker so, with the passive radio observer always there "
                            "('radio observer + enb-1@1': it and enb-1 from hop 1 on) "
                            "(default: for each hop, its source eNB and its target eNB in "
                            "turn)")
    _add_backhaul_argument(check)
    commands.add_parser("explore", help="Hypothesis search of interleavings, faults and "
                        "compromise; findings saved for replay", options=_explore_options,
                        epilog=_sometimes("step") + _exit_codes("found") + " A search "
                        "stopped by Ctrl-C or SIGTERM prints the counts and the findings so far "
                        "(a finding being minimised as found, its trace not minimised) and "
                        "saves them, says the examples were not all run, then exits 130 (143 "
                        "after SIGTERM).")
    replay = commands.add_parser(
        "replay", help="replay a saved finding step by step",
        epilog="The last line says 'reproduced', 'reproduced (the same claim fails; its "
               "detail differs from the recorded one: DETAIL)' or 'NOT reproduced: WHY'. "
               "Exit status: 0 the "
               "replayed run breaks no promise, reproduced or not; 1 it breaks one, or a "
               "variant hook raised (the finding variant-error); 2 bad input, or a finding "
               "file that does not match the variant it was recorded on (corrupt, or saved by "
               "another version of the model; one line on stderr); 130 interrupted (Ctrl-C), "
               "143 (SIGTERM).")
    replay.add_argument("file", metavar="FILE",
                        type=_named("FILE", "a finding file saved by explore or verify"),
                        help="a finding file saved by `hoverify explore` or `hoverify verify`")
    replay.add_argument("--variant-file", metavar="PATH",
                        type=_named("--variant-file", VARIANT_FILE),
                        help="replay it on the variant this Python file defines (a fixed "
                             "proposal) instead of the one the finding names, loaded as check "
                             "and verify load --variant-file, at the finding's bit placement "
                             "where the variant takes one; a value it sends otherwise than "
                             "recorded is then the fix's doing, and a step that no longer "
                             "runs after the attack's edit reads NOT reproduced, not a "
                             "corrupt file; a step before that edit that does not follow, "
                             "or one no variant of the model records (a message, party or "
                             "cell the model has not), is still a corrupt file, exit 2 "
                             "(docs/exploration.md) (default: the finding's variant)")
    replay.add_argument("--json", action="store_true", help="print JSON instead of text")
    commands.add_parser("verify", help="every interleaving within a bound, breadth first; "
                        "shortest counterexamples saved for replay", options=_verify_options,
                        epilog=_sometimes("transition") + _exit_codes("found") + " A search "
                        "stopped by Ctrl-C or SIGTERM prints and saves what it found so far, stops "
                        "its workers, then exits 130 (143 after SIGTERM); a finding it could "
                        "not save, or a --json-progress it could not write, exits 2.")
    report = commands.add_parser(
        "report", help="verdicts of every variant over the standard scenarios, with key "
        "graphs and sequence charts (Markdown, HTML, SVG, DOT, GraphML, JSON); exits 0 even "
        "when a promise is broken: the report records it",
        epilog="Exit status: 0 whatever the verdicts (the report records a broken promise); 1 "
               "a reviewer's variant hook raised (the finding variant-error; the report is "
               "still written and names it); " + _BAD_INPUT)
    report.add_argument("--out", default="out/report", metavar="DIR",
                        type=_named("--out", "a directory"),
                        help="directory replaced whole by the new report")
    report.add_argument("--variants", nargs="+", metavar="V",
                        help="built-in variants (seed-fs: each bit placement; seed-fs/P: one) "
                             "(default: every built-in variant)")
    report.add_argument("--variant-file", action="append", metavar="PATH",
                        type=_named("--variant-file", VARIANT_FILE),
                        help="a reviewer's variant file, reported beside the built-in "
                             "variants (repeatable; see docs/variants.md) (default: none)")
    report.add_argument("--topology", metavar="FILE", type=_named("--topology", TOPOLOGY),
                        help="a TOML topology for the scenarios and the bounded verification "
                             "(default: the default and the small topology); it must realise "
                             "every standard scenario (see docs/topologies.md)")
    _add_quiet_argument(report)
    return parser


def _sometimes(unit: str) -> str:
    """What the closing lines of explore and verify say per claim, 'its situation arose N
    times' counted in ``unit``s ("step", "transition")."""
    return ("The search ends with one line per claim (and model invariant; "
            "docs/exploration.md): its verdict over the search, 'its situation arose N "
            f"times' (N: the {unit}s in which it arose, not how often the claim holds), "
            "and why: a failure's detail, the "
            "situation that never arose (vacuous where promised, which the last line names "
            "too, and stderr with --json, once the search has run to its end; else n/a), or "
            "a holding claim's own verdict on "
            "the shortest run in which its situation arose (of those that started a handover, "
            "where one did), or on the shortest of them in which a compromised eNB served "
            "the UE where that eNB's verdict holds there (explore: cut where it arose and "
            "minimised, as a finding is), with the check line of that run. ")


def _exit_codes(broken: str) -> str:
    """The exit codes of check (``broken``: "broken"), explore and verify ("found"), as
    ``main`` and the commands return them."""
    how = "is broken in the run" if broken == "broken" else "has a finding"
    return (f"Exit status: 0 every claim the variant promises holds; 1 a promised claim {how}, "
            "or a variant hook raised (the finding variant-error); " + _BAD_INPUT)


_BAD_INPUT = "2 bad input (one line on stderr); 130 interrupted (Ctrl-C), 143 (SIGTERM)."


def _add_backhaul_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--backhaul-unprotected", action="store_true",
                        help="S1, X2 and S10 without NDS/IP (as the ProVerif LTE models): the "
                             "attacker reads, replays, duplicates and injects there too "
                             "(default: TS 33.401, Uu active, the backhaul protected: drop and "
                             "delay only)")


def _add_adversary_arguments(parser: argparse.ArgumentParser) -> None:
    from hoverify.properties.adversary import PARTIES

    _add_backhaul_argument(parser)
    parser.add_argument("--compromise-targets", default="enb", metavar="LIST",
                        help="what a compromise may take, comma-separated: "
                             + ", ".join(PARTIES) + " (delegated: the variant's delegated "
                             "keys, e.g. K_HO; at most one per path)")


def _adversary(args: argparse.Namespace, variant: KeySchedule) -> Adversary:
    from hoverify.properties.adversary import Adversary
    from hoverify.runs import named_once

    parties = tuple(named_once("--compromise-targets",
                               getattr(args, "compromise_targets", "enb"), "enb,ue"))
    if "delegated" in parties and not variant.delegated_keys():
        # as check's --compromise refuses a key the variant does not delegate
        raise UsageError(f"--compromise-targets: {variant.name} delegates no key to compromise "
                         "('delegated' takes a variant's delegated keys, e.g. seed-fs's K_HO)")
    try:
        return Adversary(args.backhaul_unprotected, parties)
    except ValueError as error:
        raise UsageError(f"--compromise-targets: {error}") from None


def _add_quiet_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quiet", action="store_true",
                        help="no progress on stderr (a bar on a terminal, else a plain line "
                             f"every {PLAIN_SECONDS:.0f} s), nor explore's note of each "
                             "finding as it is found")


def _explore_options(explore: argparse.ArgumentParser) -> None:
    from hoverify.properties.exploration import DEFAULT_FAULTS, FAULTS
    from hoverify.properties.explore import EXAMPLES, STEPS

    _add_variant_arguments(explore)
    _add_topology_argument(explore, "small")
    explore.add_argument("--examples", type=int, default=EXAMPLES, metavar="N",
                         help="examples (runs from the start) to generate: Hypothesis' "
                              "max_examples; minimising a finding runs more")
    explore.add_argument("--steps", type=int, default=STEPS, metavar="N",
                         help="steps per example")
    explore.add_argument("--seed", type=int, default=None, metavar="S",
                         help="random search with this seed (default: derandomized)")
    explore.add_argument("--faults", default=",".join(sorted(DEFAULT_FAULTS)),
                         help="comma-separated subset of: " + ", ".join(sorted(FAULTS)))
    _add_adversary_arguments(explore)
    explore.add_argument("--database", metavar="DIR|redis://HOST:PORT/N",
                         type=_named("--database", "a directory or redis://HOST:PORT/N"),
                         help="a fuzzing campaign's example database (docs/exploration.md): "
                              "its examples of this search are replayed first, read only, "
                              "then the search is random (or --seed) (default: none, the "
                              "derandomized search alone)")
    explore.add_argument("--out", default="out/findings", metavar="DIR",
                         type=_named("--out", "a directory"),
                         help="where each finding is saved for `hoverify replay`")
    explore.add_argument("--json", action="store_true", help="print JSON instead of text")
    _add_quiet_argument(explore)


def _verify_options(verify_: argparse.ArgumentParser) -> None:
    from hoverify.properties.verify import DEFAULT_FAULTS, VERIFY_FAULTS

    _add_variant_arguments(verify_)
    _add_topology_argument(verify_, "small")
    verify_.add_argument("--max-handovers", type=int, default=2, metavar="K",
                         help="at most K handovers started")
    verify_.add_argument("--faults", default=",".join(sorted(DEFAULT_FAULTS)),
                         help="comma-separated subset of: " + ", ".join(sorted(VERIFY_FAULTS))
                              + " (at most one duplication, replay, edit, injection and "
                              "compromise per path); without rewrite, downgrade-resistance, "
                              "handover-denial and fake-cell-capture are never exercised")
    _add_adversary_arguments(verify_)
    verify_.add_argument("--out", default="out/verify", metavar="DIR",
                         type=_named("--out", "a directory"),
                         help="where each finding is saved for `hoverify replay`")
    verify_.add_argument("--max-states", type=int, metavar="N",
                         help="stop at N states, the bound not exhausted (default: no limit)")
    verify_.add_argument("--max-seconds", type=float, metavar="S",
                         help="stop after S seconds, the bound not exhausted (default: no limit)")
    verify_.add_argument("--json-progress", metavar="FILE",
                         type=_named("--json-progress", "a file to append to"),
                         help="append the progress as JSON lines to FILE (level, states, "
                              "states/s, frontier, peak RSS), then a last line saying which "
                              "search it was and how it ended, for a dashboard (default: "
                              "none)")
    verify_.add_argument("--workers", type=int, metavar="N",
                         help="search with N worker processes, each owning a share of the "
                              "states by fingerprint; 1: in this process (default: one per "
                              "core; with --ray, one actor per CPU of the cluster); the results "
                              "are the same whatever N")
    verify_.add_argument("--ray", metavar="ADDRESS",
                         help="search on Ray actors: 'auto' (the running cluster), HOST:PORT, "
                              "ray://HOST:PORT (a Ray client server), or 'local' (start Ray in "
                              "this process); needs the cluster extra (default: no Ray)")
    verify_.add_argument("--json", action="store_true", help="print JSON instead of text")
    _add_quiet_argument(verify_)


def explore_setup(args: argparse.Namespace) -> tuple[KeySchedule, Topology, frozenset[str],
                                                     Adversary]:
    """What explore's options choose, validated: the variant, topology, faults and attacker
    model (also a fuzzing campaign's, ``hoverify.campaign``)."""
    from hoverify.runs import resolve_topology, resolve_variant
    from hoverify.statemachines.topology import small_topology

    variant = resolve_variant(args)
    topology = resolve_topology(args.topology, small_topology)
    for option, value in (("--examples", args.examples), ("--steps", args.steps)):
        if value < 1:
            raise UsageError(f"{option} must be at least 1, got {value}")
    return variant, topology, *_faults_and_adversary(args, variant)


def _explore(args: argparse.Namespace) -> int:
    from hoverify.campaign import example_database
    from hoverify.properties.explore import explore
    from hoverify.reports.words import not_searched_text, search_end_text
    from hoverify.runs import earlier_findings, explore_document
    from hoverify.search_claims import search_claims_text

    variant, topology, faults, adversary = explore_setup(args)
    database = None if args.database is None else example_database(
        "--database", args.database, reading=True)
    out = _findings_directory(args.out)
    with Bar(" example", quiet=args.quiet, total=args.examples) as bar:
        result = explore(variant, examples=args.examples, steps=args.steps, seed=args.seed,
                         faults=faults, topology=topology, progress=bar.note, tick=bar.done,
                         adversary=adversary, database=database)
    ran: Checked = {}
    checks = check_lines(variant_options(args), args.topology, variant, result.findings,
                         topology, adversary, ran)
    # Ctrl-C or SIGTERM, as verify's ``stopped`` says it (not imported: explore loads no
    # verifier, tests/test_cli.py)
    found = found_by(args, faults, adversary, "interrupted" if result.interrupted else None)
    files = _save_findings(variant, result.findings, out, args.variant_file, args.topology,
                           adversary, faults, checks, found)
    where = (f"in the {result.examples_run} examples run so far" if result.interrupted
             else f"in {result.examples_run} examples")
    claims = _search_claims(args, variant, topology, adversary, faults, result.sometimes,
                            result.findings, result.exercised, where, ran)
    doc = explore_document(result, variant.parameters, files, args.topology or "small", checks,
                           claims, earlier_findings(variant, out, files))
    unreached = _with_dry_run(doc, variant, result.findings)
    if args.json:
        print(json.dumps(doc, indent=2))
    else:
        print(f"{variant_text(doc['variant'], doc['parameters'])} (faults: "
              f"{', '.join(doc['faults']) or 'none'}): "
              f"{examples_said(doc['examples_run'], args.examples)}, {doc['steps_run']} steps")
        print(_topology_line(doc["topology"]))
        print(f"attacker: {doc['attacker']['text']}")
        if result.interrupted:  # as verify says its bound was not exhausted (#17 item 4)
            print(f"{SEARCH_ENDS['explore'][1]}: stopped ({_STOPPED['interrupted']}) after "
                  f"{doc['examples_run']} of {args.examples} examples; the findings below are "
                  "those found so far")
        for finding in doc["findings"]:
            print(f"\n{explore_finding_text(finding)}")
        if not doc["findings"]:
            print("no finding" if not result.interrupted else
                  "no finding in the examples run so far: the examples not run are not judged")
        _print_earlier(doc, out)
        print("\n".join(search_claims_text(claims, where, "run of its examples")))
        if doc["faults_not_searched"]:
            print(not_searched_text(doc["faults"], doc["faults_not_searched"]))
        # helper-157: a sample's "holds" read as verify's, which its bound exhausted; the
        # vacuous claims only of a finished search, as ``--json``'s warning
        end = search_end_text(doc["findings"], [] if result.interrupted else doc["vacuous"],
                              result.unexercised, f"in the {doc['examples_run']} examples run",
                              None if result.interrupted else
                              ": a sample of the interleavings, not every one; `hoverify "
                              "verify` searches every one within a bound, for the faults it "
                              "is given")
        if end is not None:
            print(end)
    if result.interrupted:  # stopped early, a situation may yet arise
        return 128 + signal.SIGINT
    if args.json:  # the JSON has them (``vacuous``, ``unexercised``), its reader the warning
        warn_vacuous_search(result.vacuous, result.unexercised,
                            f"in {doc['examples_run']} examples")
    return 1 if result.promise_broken or unreached else 0


def _with_dry_run(doc: dict[str, Any], variant: KeySchedule,
                  findings: Sequence[Finding]) -> bool:
    """``explore`` and ``verify``: the variant error the dry run of a variant file met where
    the search met none (``hoverify.runs.dry_run_finding``), added to the document's findings
    as a finding of the search is, with its check line. Returns whether there was one."""
    from hoverify.properties.exploration import VARIANT_ERROR
    from hoverify.runs import dry_run_finding

    found = dry_run_finding(variant, any(f.claim == VARIANT_ERROR for f in findings))
    if found is None:
        return False
    doc["findings"].append(found.entry())
    doc["promise_broken"] = True
    return True


def _search_claims(args: argparse.Namespace, variant: KeySchedule, topology: Topology,
                   adversary: Adversary, faults: frozenset[str], sometimes: dict[str, int],
                   findings: Sequence[Finding], exercised: dict[str, Exercised], where: str,
                   ran: Checked, **bound: Any) -> list[dict[str, Any]]:
    """Each claim over the search of explore or verify (``hoverify.search_claims``), a
    holding one with the check line of its run (``ran``: the check runs made so far);
    ``bound``: what verify leaves untested (``untested``, ``beyond``)."""
    from hoverify.properties.claims import all_claims, outside_bound
    from hoverify.search_claims import search_claims

    return search_claims(
        all_claims(variant, topology), variant, sometimes, findings, exercised,
        exercised_check_lines(variant_options(args), args.topology, variant, exercised,
                              topology, adversary, ran),
        where, why=outside_bound(faults, adversary), **bound)


def examples_said(run: int, asked: int) -> str:
    """How many examples ``explore`` ran, and why more than ``--examples`` (review46: 211 for
    200, unexplained): Hypothesis' ``max_examples`` counts the examples it keeps; it may run
    more, where it discards some (its settings' documentation)."""
    more = (f" (more than --examples {asked}: Hypothesis counts only the examples it keeps, "
            "not those it discards)" if run > asked else "")
    return f"{run} examples{more}"


def explore_finding_text(finding: dict[str, Any]) -> str:
    """A finding as explore prints it (``hoverify.runs.finding_entry``): claim, verdict and
    detail, the trace, the check line (or why there is none), the file."""
    from hoverify.properties.exploration import numbered_starts

    return "\n".join([f"{finding['claim']}: {finding['verdict']}: {finding['detail']}",
                      *(f"  {line}" for line in numbered_starts(finding["trace"])),
                      *_finding_end(finding)])


def _replay(args: argparse.Namespace) -> int:
    """The saved trace again, under the variant as it is now: its failures, what the
    finding's claim says on it as ``check`` says it (holding or failing: a weakened promise
    is told from a fix), and whether the finding is reproduced (its claim failing, promised
    or not, as recorded)."""
    from hoverify.properties.exploration import VARIANT_ERROR, Finding, numbered_starts
    from hoverify.properties.replay import (
        ReplayNotPossible,
        ReplayStopped,
        replay,
        replayed_claim,
        unfinished,
    )
    from hoverify.reports.words import refusal_text
    from hoverify.runs import (
        claim_document,
        claim_text,
        dry_run_finding,
        finding_word,
        load_finding,
        refusal_entry,
    )
    from hoverify.statemachines.variant import variant_text

    saved = load_finding(args.file, args.variant_file)
    variant, actions, recorded = saved.variant, saved.actions, saved.record
    claim = str(recorded["claim"])
    not_possible = None  # why the attack as saved is not possible on the variant now
    before: list[Finding] = []  # what the actions before an early stop found (they ran)
    # never completed, on a run replayed whole (None: it stopped early, judging none)
    ended: list[tuple[int, Step | None]] | None = None
    try:
        exploration = replay(variant, actions, saved.topology, saved.kasme, strict=True,
                             adversary=saved.adversary, recorded=saved.recorded)
    except ReplayNotPossible as stopped:  # the trace ends there: the rest is not judged
        findings, now, done, not_possible = [], None, stopped.done, str(stopped)
        before = stopped.before
    except ValueError as error:
        raise UsageError(f"{args.file}: {error}{_unsure(args, recorded)}") from None
    except ReplayStopped as stopped:  # the finding variant-error, on the actions up to it
        findings, now, done = [stopped.finding], None, stopped.finding.trace
        before = stopped.before
    else:
        findings, done = exploration.findings(), tuple(exploration.trace)
        result = replayed_claim(exploration, claim)
        now = None if result is None else claim_document(result, evidence=False)
        ended = unfinished(exploration)
        exploration.close()
    # in the words it was found in (a file written before review22 has no verdict: its
    # promised flag, which says "not promised" of one outside the promise too)
    found = str(recorded.get("verdict") or finding_word(
        Finding(claim, bool(recorded.get("promised")), "", ())))
    failing = [f for f in (*before, *findings) if f.claim == claim and finding_word(f) == found]
    reproduced = bool(failing)
    # on a fix, whether the claim fails otherwise than recorded: none of its failures has
    # the detail the file keeps (it keeps no witness; helper-198 #7: "reproduced" of an
    # entirely different failure). On the recorded variant the run is the recorded one: a
    # detail that differs there is the model's words changed since
    detail = recorded.get("detail")
    fails_otherwise = (reproduced and not saved.recorded and detail is not None and
                       all(f.detail != detail for f in failing))
    # where the replayed trace meets no variant error, the one the dry run of a variant file
    # met (``hoverify.runs.dry_run_finding``), after the recorded finding is judged
    unreached = dry_run_finding(variant, any(f.claim == VARIANT_ERROR
                                             for f in (*before, *findings)))
    if unreached is not None:
        findings = [*findings, unreached.finding()]
    instead = None if args.variant_file is None else {
        "variant": recorded.get("variant"), "variant_file": recorded.get("variant_file")}
    # the steps a fix made otherwise than recorded, and went on (a saved edit of a field it
    # sends with another value: ``replay``)
    otherwise = {number: action.text for number, (action, made) in
                 enumerate(zip(actions, done, strict=False), start=1)
                 if not action.done_by(made)}
    if args.json:
        print(json.dumps({"variant": variant.name, "variant_file": args.variant_file,
                          "instead_of": instead, "recorded_variant": saved.recorded,
                          "steps": [a.text for a in done],
                          "recorded_otherwise": [{"step": n, "recorded": text}
                                                 for n, text in otherwise.items()],
                          "attacker": saved.record.get("attacker"),
                          "found_by": recorded.get("found_by"), "reproduced": reproduced,
                          "fails_otherwise": fails_otherwise,
                          "not_possible": not_possible,
                          # as check's hops have them ("number", "stopped"; None: nothing
                          # refused); None where the replay stopped early, judging none
                          "unfinished": None if ended is None else [
                              {"number": hop, "stopped": None if refused is None
                               else refusal_entry(refused)} for hop, refused in ended],
                          "findings": _replayed_json(findings),
                          "found_before_the_stop": _replayed_json(before),
                          "claim": now}, indent=2))
    else:  # which finding, as found (review46: the text named none of it)
        print(f"replay of {args.file}: {claim}, {found}, found on "
              f"{variant_text(str(recorded['variant']), recorded.get('parameters') or {})}"
              + (f" from {recorded['variant_file']}" if recorded.get("variant_file") else "")
              + f", topology {recorded.get('topology', 'small')}")
        if instead is not None:
            print(f"variant: {variant.name} from {args.variant_file}, instead of the "
                  f"recorded {instead['variant']} "
                  f"({instead['variant_file'] or 'built in'})")
        elif not saved.recorded:
            print(f"variant: {variant.name} from {recorded['variant_file']}, changed since the "
                  "finding was recorded (its SHA-256 is not the recorded one)")
        if recorded.get("found_by") is not None:  # a file saved before helper-266 says none
            print(found_by_text(recorded["found_by"]))
        print(f"attacker: {saved.adversary.describe(saved.compromise)}")
        for number, text in enumerate(numbered_starts(a.text for a in done), start=1):
            print(f"{number:>3}. {text}")
            if number in otherwise:
                print(f"     (recorded: {otherwise[number]})")
        if len(done) < len(actions):
            print(f"     (the run stopped at action {len(done)} of the {len(actions)} recorded)")
        for hop, refused in ended or ():
            print(f"     (handover {hop} had not completed when the trace ends)" if refused is None
                  else f"     (handover {hop} never completed: "
                       + refusal_text(**refusal_entry(refused)) + ")")
        for finding in before:
            print(f"=> {finding.claim}: {finding_word(finding)}: {finding.detail} (found on "
                  f"actions 1-{len(finding.trace)}, before the run stopped)")
        for finding in findings:
            print(f"=> {finding.claim}: {finding_word(finding)}: {finding.detail}")
        if now is not None:
            print("\n".join(claim_text(now)))
        why = (_replay_now(claim, now) if not_possible is None else
               f"{not_possible}; the trace stops there, which does not prove the variant "
               "secure: run check/verify on it")
        if not reproduced:
            print(f"NOT reproduced: {why} (recorded: {found})")
        elif fails_otherwise:
            print("reproduced (the same claim fails; its detail differs from the recorded "
                  f"one: {detail})")
        else:
            print("reproduced")
    return 1 if any(f.promised for f in (*before, *findings)) else 0


def _unsure(args: argparse.Namespace, recorded: dict[str, Any]) -> str:
    """What a replay that did not follow on the recorded variant file cannot know: a finding
    saved before replay37 records no SHA-256 of it (``SavedFinding.recorded``), so the file
    may have been edited since, a fix, which ``--variant-file`` judges as one."""
    path = recorded.get("variant_file")
    if args.variant_file is not None or path is None or "variant_sha256" in recorded:
        return ""
    return (f" (the finding records no SHA-256 of {path}: if it was edited since, replay it "
            f"with --variant-file {path})")


def _replayed_json(findings: list[Finding]) -> list[dict[str, Any]]:
    """Failures of a replayed run, as ``replay --json`` lists them."""
    from hoverify.runs import finding_word

    return [{"claim": f.claim, "verdict": finding_word(f), "promised": f.promised,
             "outside": f.outside, "detail": f.detail} for f in findings]


def _replay_now(claim: str, now: dict[str, Any] | None) -> str:
    """What the replayed trace says of the finding's ``claim`` instead (``now``: its check
    document; None: the run stopped at a variant error, or the finding was one)."""
    from hoverify.properties.exploration import VARIANT_ERROR

    if now is not None:
        return f"{claim} now: {now['verdict']}"
    if claim == VARIANT_ERROR:
        return "the run no longer stops at a variant error"
    return f"the run stops at a variant error before {claim} is judged"


CLUSTER_HANDOVERS = 4  # issue 17: "three handovers on a laptop, four on a cluster"


def _faults_and_adversary(args: argparse.Namespace,
                          variant: KeySchedule) -> tuple[frozenset[str], Adversary]:
    """``--faults`` and the attacker model, with a warning where ``rewrite`` makes no edit
    (``Adversary.no_edit``: review17, the search ran without an edit, unsaid)."""
    from hoverify.runs import parse_faults

    faults, adversary = parse_faults(args.faults), _adversary(args, variant)
    why = adversary.no_edit(faults)
    if "rewrite" in faults and why is not None:
        print(f"hoverify: warning: --faults has rewrite, but no edit is made: {why}",
              file=sys.stderr)
    return faults, adversary


def _verify(args: argparse.Namespace) -> int:
    from hoverify.properties.claims import all_claims
    from hoverify.properties.verify import INTERRUPTED, VERIFY_FAULTS, promises_beyond, verify
    from hoverify.properties.workers import RAY_MISSING, RayUnusable, ray_endpoint
    from hoverify.runs import (
        earlier_findings,
        resolve_topology,
        resolve_variant,
        save_findings,
    )
    from hoverify.statemachines.topology import small_topology
    from hoverify.variant_file import load_variant_file

    variant = resolve_variant(args)
    topology = resolve_topology(args.topology, small_topology)
    if args.max_handovers < 1:
        raise UsageError(f"--max-handovers must be at least 1, got {args.max_handovers}")
    if args.max_states is not None and args.max_states < 1:
        raise UsageError(f"--max-states must be at least 1, got {args.max_states}")
    if args.max_seconds is not None and not args.max_seconds > 0:
        raise UsageError(f"--max-seconds must be positive, got {args.max_seconds}")
    if args.workers is not None and args.workers < 1:
        raise UsageError(f"--workers must be at least 1, got {args.workers}")
    if args.max_handovers > CLUSTER_HANDOVERS and args.max_states is None \
            and args.max_seconds is None:  # review16: a huge K ran on, silently
        print(f"hoverify: warning: --max-handovers {args.max_handovers} with no --max-states "
              "or --max-seconds: each handover multiplies the states 60-90 times (ts33401: "
              "593 at K=1, 54,482 at K=2, 3,556,071 at K=3), so this search is unlikely to "
              "end",
              file=sys.stderr)
    if args.ray is not None:
        try:
            ray_endpoint(args.ray)
        except ValueError as error:
            raise UsageError(str(error)) from None
        if importlib.util.find_spec("ray") is None:
            raise UsageError(RAY_MISSING)
    faults, adversary = _faults_and_adversary(args, variant)
    unbounded = faults - VERIFY_FAULTS
    if unbounded:
        raise UsageError(f"--faults: verify cannot bound {', '.join(sorted(unbounded))} "
                         f"(supported: {', '.join(sorted(VERIFY_FAULTS))}; use explore)")
    out = _findings_directory(args.out)
    with Bar(" level", quiet=args.quiet) as bar, _progress_file(args.json_progress) as lines:
        def progress(where: Progress) -> None:
            (bar.done if where.level_done else bar.show)(where.text)
            if lines is not None:
                lines.write(_progress_document(where))

        try:
            result = verify(variant, max_handovers=args.max_handovers, faults=faults,
                            progress=progress, topology=topology, max_states=args.max_states,
                            max_seconds=args.max_seconds, adversary=adversary,
                            workers=args.workers, ray=args.ray,
                            load_variant=None if args.variant_file is None
                            else partial(load_variant_file, args.variant_file, args.bit_placement))
        except RayUnusable as error:
            raise UsageError(str(error)) from None
        if lines is not None:  # how it ended (helper-265 #5: a dashboard could not tell a
            # finished search from a stalled one, nor one run's lines from the next's)
            lines.write({"event": "end", **_search_end(result, args.topology or "small",
                                                       variant.parameters)})
    findings = result.findings()
    ran: Checked = {}
    checks = check_lines(variant_options(args), args.topology, variant, findings, topology,
                         adversary, ran)
    where = ("within the bound" if result.stopped is None
             else f"in the {result.states} states reached so far")
    claims = _search_claims(
        args, variant, topology, adversary, faults, result.sometimes, findings,
        result.exercised, where, ran,
        untested=f"untested within the bound: no run of at most {result.max_handovers} "
                 "handover(s) can break",
        beyond=promises_beyond(all_claims(variant, topology), variant, result.max_handovers))
    try:  # checked writable before the search, but a disk fills up: print the findings still
        saved: list[Path | None] = list(save_findings(
            variant, findings, out, args.variant_file, args.topology, adversary, checks,
            faults=faults, found_by=found_by(args, faults, adversary, result.stopped)))
        unsaved = None
    except OSError as error:
        saved, unsaved = [None] * len(findings), error
    doc = _verify_document(result, variant.parameters, findings, saved, args.topology or "small",
                           checks, claims, earlier_findings(variant, out, saved))
    doc["not_reached"] = [str(u) for u in not_reached(variant_options(args), args.topology,
                                                      variant, topology, result.max_handovers)]
    unreached = _with_dry_run(doc, variant, findings)
    if args.json:
        print(json.dumps(doc, indent=2))
    else:
        _print_verify_text(doc, result, where, args.max_states, out)
    if args.json and result.stopped is None:  # stopped early, a situation may yet arise
        warn_vacuous_search(result.vacuous, result.unexercised, "within the bound")
    if unsaved is not None:
        print(f"hoverify: error: --out {out}: cannot write "
              f"({unsaved.strerror or unsaved}); the findings above are not saved",
              file=sys.stderr)
    if lines is not None and lines.error is not None:
        print(f"hoverify: error: --json-progress {args.json_progress}: cannot write "
              f"({lines.error.strerror or lines.error}); its lines stop there, the search "
              "went on", file=sys.stderr)
    if unsaved is not None or (lines is not None and lines.error is not None):
        return 2
    if result.stopped == INTERRUPTED:
        return 128 + signal.SIGINT
    return 1 if result.promise_broken or unreached else 0


def _print_verify_text(doc: dict[str, Any], result: VerifyResult, where: str,
                       max_states: int | None, out: Path) -> None:
    from hoverify.properties.exploration import actions_text, numbered_starts
    from hoverify.reports.words import (
        NOT_REACHED,
        not_searched_text,
        search_end_text,
        untested_text,
    )
    from hoverify.search_claims import search_claims_text

    print(f"{variant_text(doc['variant'], doc['parameters'])} (at most "
          f"{doc['max_handovers']} handover(s); faults: "
          f"{', '.join(doc['faults']) or 'none'}): {doc['states']} states, "
          f"{doc['transitions']} transitions in {doc['seconds']:.1f} s "
          f"({doc['states_per_second']:.0f} states/s{_startup_text(doc['startup_seconds'])})")
    print(_topology_line(doc["topology"]))
    print(f"attacker: {doc['attacker']['text']}")
    print(f"a fingerprint collision hid a state with probability at most "
          f"{doc['collision_probability']:.1e}")
    if result.stopped is not None:
        why = _STOPPED[result.stopped]
        if result.stopped == "max-states" and max_states is not None and doc["states"] > max_states:
            why += (f" {max_states}, passed by the rest of the level that reached it: workers "
                    "count their states only at a level's end")  # review46: unexplained
        print(f"{SEARCH_ENDS['verify'][1]}: stopped ({why}) at depth "
              f"{doc['depth']}; the findings below are those found so far")
    for finding in doc["findings"]:
        print(f"\n{finding['claim']}: {finding['verdict']}: {finding['detail']}")
        if finding["trace"]:  # none: the dry run's variant error (``_with_dry_run``)
            print(f"  shortest counterexample, {actions_text(len(finding['trace']))}:")
        for line in numbered_starts(finding["trace"]):
            print(f"  {line}")
        print("\n".join(_finding_end(finding)))
    _print_earlier(doc, out)
    print("\n".join(search_claims_text(doc["claims"], where, so_far=result.stopped is not None)))
    # review28: "no violation" said nothing of a 2-hop promise in 1 hop; review35's promise its
    # faults cannot exercise is vacuous, said by its row and the last line (helper-218)
    if result.beyond_bound:
        print(untested_text(result.beyond_bound, result.max_handovers))
    for said in doc["not_reached"]:
        print(f"{NOT_REACHED}: {said}")
    if doc["faults_not_searched"]:
        print(not_searched_text(doc["faults"], doc["faults_not_searched"]))
    if result.exhausted:
        searched, unbroken = f"in {doc['states']} states, {SEARCH_ENDS['verify'][0]}", ""
    else:  # review22: "none so far"; stopped by the claims it wanted, it says nothing of none
        searched = f"in the {doc['states']} states reached so far; the bound was NOT exhausted"
        unbroken = None if result.stopped is None else ": the states not reached are not judged"
    # the vacuous claims only of a finished search, as the warnings
    end = search_end_text(doc["findings"], doc["vacuous"] if result.stopped is None else [],
                          result.unexercised, searched, unbroken)
    if end is not None:
        print(end)


def not_reached(variant_argv: Sequence[str], topology_name: str | None, variant: KeySchedule,
                topology: Topology, max_handovers: int) -> list[Unreached]:
    """What the variant does only past ``max_handovers``, which no run of the search meets on
    ``topology`` (``topology_name``, as given, or None: the small one), as `verify` and the
    report's bounded verification say it:
    an NCC wrap (review48: a UE whose NH catch-up forgot the modulo passed `verify` at two
    handovers, and `check` of seven S1 hops broke key agreement), with the `check` line that
    runs one on ``topology``. TS 33.401 7.2.8.1.1: NCC is the number of NH derivations
    modulo 8, NH(1) derived at set-up; each S1 handover brings the UE the next NH
    (7.2.8.4.3), each X2 handover's Path Switch one for the handover after it (7.2.8.4.2):
    the UE first meets NCC 0 again 7 S1 handovers on, or 8 X2 handovers (review49: the line
    named S1 hops on a topology with none)."""
    from hoverify.reports.data import Unreached
    from hoverify.shell import shell_join
    from hoverify.statemachines.scenario import RouteError, parse_hops, route
    from hoverify.statemachines.topology import default_topology
    from hoverify.statemachines.variant import NCC_MODULUS

    chained = variant.initial_ncc() is not None  # an NH chain counted by NCC (TS 33.401)

    def routes(hops: str, on: Topology) -> bool:
        try:
            route(on, parse_hops(hops))
        except RouteError:
            return False
        return True

    own = ["--topology", from_anywhere(topology_name or "small")]
    said = []
    for hop, count in (("s1", NCC_MODULUS - 1), ("x2", NCC_MODULUS)) if chained else ():
        hops = ",".join([hop] * count)
        if not routes(hops, topology):
            continue
        if max_handovers < count:
            command = shell_join(["hoverify", "check", *variant_argv, *own, "--hops", hops])
            said.append(Unreached(
                "an NCC wrap", f"NCC counts NH derivations modulo 8 (TS 33.401 7.2.8.1.1), so "
                f"the UE first meets NCC 0 again {count} {hop} handovers on, and a party that "
                f"gets the wrap wrong passes this bound; `{command}` runs one"))
        break
    # helper-151: a target MME that kept another {NH, NCC} than it sent passed verify on the
    # small topology, whose second MME has one eNB and one cell: no handover follows there;
    # helper-154: nor does one within a bound of one handover; helper-265: said of every
    # variant (seed-fs's broken backward-security promise needs such a handover)
    if not routes("s1-inter", topology):
        return said
    here = [h for h in ("s1", "x2") if routes(f"s1-inter,{h}", topology)]
    then = here or [h for h in ("s1", "x2") if routes(f"s1-inter,{h}", default_topology())]
    if then and (not here or max_handovers < 2):
        command = shell_join(["hoverify", "check", *variant_argv, *(own if here else []),
                              "--hops", f"s1-inter,{then[0]}"])
        why = ("it needs 2 handovers" if here else
               "on this topology no S1 or X2 handover follows one")
        kept, wrong = (("the {NH, NCC} the target MME of an s1-inter hop keeps (TS 33.401 "
                        "7.2.8.4.3)", "another than it sent") if chained else
                       ("the keys the target MME of an s1-inter hop keeps", "the wrong ones"))
        said.append(Unreached(
            "a handover after an inter-MME one", f"nothing reads {kept} before the UE's next "
            f"handover, and a target MME that keeps {wrong} passes this bound ({why}), as does "
            f"a promise only such a handover breaks; `{command}` runs one"
            + ("" if here else " on the default topology")))
    return said


# why a search stopped before its end (``VerifyResult.stopped``; explore's ``interrupted``),
# as its output says it
_STOPPED = {"max-states": "--max-states", "max-seconds": "--max-seconds",
            "interrupted": "interrupted by Ctrl-C or SIGTERM"}
# how a search says it ran to its end, or did not: verify of its bound, explore of its examples
SEARCH_ENDS = {"verify": ("bound exhausted", "bound NOT exhausted"),
               "explore": ("all examples run", "search NOT finished")}


class _ProgressLines:
    """``--json-progress FILE``: a JSON line per report; once one cannot be written (a full
    disk), the first error is kept and no more are tried, and the search goes on."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.error: OSError | None = None

    def write(self, document: dict[str, Any]) -> None:
        if self.error is None:
            try:
                self.stream.write(json.dumps(document) + "\n")
                self.stream.flush()
            except OSError as error:
                self.error = error

    def close(self) -> None:
        try:
            self.stream.close()
        except OSError as error:  # what the failed flush left in the buffer
            self.error = self.error or error


@contextmanager
def _progress_file(name: str | None) -> Iterator[_ProgressLines | None]:
    """``--json-progress FILE``, opened for appending before the search."""
    if name is None:
        yield None
        return
    try:
        stream = open(name, "a", encoding="utf-8")  # noqa: SIM115 (closed below)
    except OSError as error:
        raise UsageError(f"--json-progress {name}: cannot write ({error.strerror})") from None
    lines = _ProgressLines(stream)
    try:
        yield lines
    finally:
        lines.close()


def _progress_document(where: Progress) -> dict[str, Any]:
    return {"event": "level", "level": where.level, "level_done": where.level_done,
            "states": where.states, "transitions": where.transitions,
            "states_per_second": round(where.states_per_second, 1),
            "frontier": where.frontier, "seconds": round(where.seconds, 3),
            "peak_rss_kib": where.peak_rss_kib}


def _search_end(result: VerifyResult, topology: str,
                parameters: Mapping[str, str]) -> dict[str, Any]:
    """Which search it was and how it ended: the head of ``--json``'s document, and
    ``--json-progress``'s last line. ``parameters``: the variant's
    (``KeySchedule.parameters``); ``topology``: its name as given (``--topology``), else
    ``small``."""
    return {"variant": result.variant, "parameters": dict(parameters), "topology": topology,
            "max_handovers": result.max_handovers, "faults": sorted(result.faults),
            "states": result.states, "transitions": result.transitions,
            "exhausted": result.exhausted, "stopped": result.stopped,
            "promise_broken": result.promise_broken, "seconds": round(result.seconds, 3)}


def warn_vacuous(claims: Sequence[str], where: str) -> None:
    """A promised claim whose situation never arose in check's run holds only vacuously: say
    so, and what that situation is."""
    from hoverify.properties.claims import situation

    for claim in claims:
        print(f"hoverify: warning: {claim} is promised but vacuous: its situation never "
              f"arose {where} (the situation: {situation(claim)})", file=sys.stderr)


def warn_vacuous_search(vacuous: Sequence[str], why: Mapping[str, Unexercisable],
                        where: str) -> None:
    """``explore --json`` and ``verify --json``: the promised claims whose situation never
    arose ``where`` (``vacuous``), those the faults cannot make arise with why (``why``), which
    the JSON has as data (``vacuous``, ``unexercised``), said on stderr for the human reading
    it, in the words of the last line the text output ends with (``vacuous_text``)."""
    from hoverify.reports.words import vacuous_text

    if vacuous:
        print(f"hoverify: warning: {where}, {vacuous_text(vacuous, why)}", file=sys.stderr)


def _startup_text(seconds: float) -> str:
    """The start of the workers, where it is a visible part of the time: Ray's takes
    seconds, and a rate that includes it read as a slow search (helper-241 #7)."""
    return f"; {seconds:.1f} s of it starting the workers" if seconds >= 0.5 else ""


def _topology_line(topology: str) -> str:
    """The cells a trace names are this topology's: check and run default to another."""
    return f"topology: {topology} (the traces' cells; check --topology {topology} follows them)"


def _verify_document(result: VerifyResult, parameters: Mapping[str, str],
                     findings: list[Finding], files: Sequence[Path | None], topology: str,
                     checks: Sequence[dict[str, str | None]],
                     claims: list[dict[str, Any]], earlier: Sequence[Path]) -> dict[str, Any]:
    """``parameters``, ``topology``: as ``_search_end``; ``checks``: each finding's check
    line, or why it has none (``check_lines``); ``claims``: each claim over the search
    (``search_claims``); ``earlier``: the finding files an earlier run left
    (``earlier_findings``)."""
    from hoverify.properties.claims import unexercised_keys
    from hoverify.properties.exploration import faults_not_searched
    from hoverify.properties.finding_file import compromise_text
    from hoverify.runs import finding_entry

    return {
        **_search_end(result, topology, parameters),
        "faults_not_searched": faults_not_searched(result.faults),
        "attacker": result.adversary.to_json(compromise_text(result.adversary, result.faults)),
        "depth": result.depth, "startup_seconds": round(result.startup_seconds, 3),
        "states_per_second": round(result.states_per_second, 1),
        "collision_probability": result.collision_probability,
        "transitions_by_action": dict(result.taken), "sometimes": dict(result.sometimes),
        "vacuous": result.vacuous, "beyond_bound": result.beyond_bound,
        **unexercised_keys(result.unexercised),
        "findings": [finding_entry(f, path, check)
                     for f, path, check in zip(findings, files, checks, strict=True)],
        "claims": claims, "earlier_files": [str(path) for path in earlier],
    }


def check_lines(variant_argv: Sequence[str], topology_name: str | None, variant: KeySchedule,
                findings: Sequence[Finding], topology: Topology,
                adversary: Adversary, ran: Checked | None = None) -> list[dict[str, str | None]]:
    """Per finding, the ``check`` command line that reproduces it (``check``: it was run, and
    gives the finding's claim failing in the same words), or why there is none
    (``check_unavailable``), and where its run differs from the trace's: a hop left out,
    an attacker compromised earlier, an ``:early`` hop's race (``check_note``).
    ``variant_argv``: how check names the variant (``variant_options``); ``topology_name``:
    the ``--topology`` the search was given (None: the small one); ``ran``: the check runs
    made so far, by command line (each is run once)."""
    from hoverify.runs import finding_word

    ran = {} if ran is None else ran
    return [_check_line(variant_argv, topology_name, variant, topology, adversary, finding.trace,
                        finding.claim, finding_word(finding), ran) for finding in findings]


def exercised_check_lines(variant_argv: Sequence[str], topology_name: str | None,
                          variant: KeySchedule, exercised: dict[str, Exercised],
                          topology: Topology, adversary: Adversary,
                          ran: Checked) -> dict[str, dict[str, str | None]]:
    """Per claim that holds over a search, the ``check`` line that reproduces the run its
    reason is judged on (``hoverify.properties.replay.exercised``), where check gives the
    claim holding on it too, as ``check_lines`` gives a finding's."""
    from hoverify.reports.status import HOLDS

    return {claim: _check_line(variant_argv, topology_name, variant, topology, adversary,
                               judged.trace, claim, HOLDS, ran)
            for claim, judged in exercised.items()}


def _check_line(variant_argv: Sequence[str], topology_name: str | None, variant: KeySchedule,
                topology: Topology, adversary: Adversary, trace: Sequence[Action], claim: str,
                word: str, ran: Checked) -> dict[str, str | None]:
    """The ``check`` line of the run ``trace``, where check gives ``claim`` in the words
    ``word`` (``check_lines``)."""
    from hoverify.properties.check_line import check_hops, leaves_out
    from hoverify.properties.exploration import EXPLORATION_KASME
    from hoverify.shell import shell_join

    hops = check_hops(variant, trace, topology, EXPLORATION_KASME, adversary)
    line, reason = None, hops.reason
    # at the hops the trace compromised in, else earlier: a compromise check makes later
    # than its UE Context Release arrived finds nothing the trace's eNB still held
    tries = () if reason is not None else (hops, *hops.earlier())
    for tried in tries:
        argv = ["check", *variant_argv,
                "--topology", from_anywhere(topology_name or "small"),
                "--hops", ",".join(map(str, tried.hops)),
                *(a for who in tried.compromises for a in ("--compromise", who)),
                *(["--backhaul-unprotected"] if adversary.backhaul_unprotected else [])]
        failed = _check_gives(argv, claim, word, bool(tried.compromises), ran)
        if failed is None:
            line, reason, hops = shell_join(["hoverify", *argv]), None, tried
            break
        reason = reason or failed  # the line at the trace's own hops says why
    else:
        if len(tries) > 1:
            reason = f"{reason}; nor does a compromise in an earlier hop"
        if hops.left_out:  # the line tried is not the trace's own run (helper-191 #4)
            reason = f"{reason}; the line tried {leaves_out(hops.left_out)}"
    return {"check": line, "check_unavailable": reason,
            "check_note": hops.note if line is not None else None}


def variant_options(args: argparse.Namespace) -> list[str]:
    """How ``check`` names the variant these parsed options chose, from any directory: a
    reviewer's file by its absolute path, as the finding file records it (``save_findings``)."""
    file = None if args.variant_file is None else from_anywhere(args.variant_file)
    return variant_argv(args.variant, file, args.bit_placement)


def from_anywhere(path: str) -> str:
    """``path`` as a check line names it so the line works from any directory: a file by its
    absolute path; a name that is no file (a shipped topology, ``runs.topology_path``) as is."""
    return str(Path(path).resolve()) if Path(path).exists() else path


def variant_argv(name: str | None, file: str | None, placement: str | None) -> list[str]:
    """How ``check`` names a variant: built in, or a reviewer's file; with its bit placement."""
    placing = [] if placement is None else ["--bit-placement", placement]
    if file is not None:
        return ["--variant-file", file, *placing]
    return ["--variant", str(name), *placing]


def found_by(args: argparse.Namespace, faults: frozenset[str], adversary: Adversary,
             stopped: str | None) -> dict[str, Any]:
    """Which search found a saved finding (``found_by`` in its file): the command line that
    runs it again, and whether it ran to its end, else why it stopped (``stopped``: a key of
    ``_STOPPED``, as ``--json`` and ``--json-progress`` say it; None: it ran to its end)."""
    from hoverify.shell import shell_join

    return {"command": shell_join(search_argv(args, faults, adversary)),
            "finished": stopped is None, "stopped": stopped}


def search_argv(args: argparse.Namespace, faults: frozenset[str],
                adversary: Adversary) -> list[str]:
    """The ``explore`` or ``verify`` command line of the search ``args`` ran, from any
    directory: its variant, bound and faults, and each other option that chooses what it
    searches where it was given otherwise than its default."""
    from hoverify.properties.adversary import DEFAULT

    argv = ["hoverify", args.command, *variant_options(args)]
    if args.topology is not None:
        argv += ["--topology", from_anywhere(args.topology)]
    if args.command == "verify":
        argv += ["--max-handovers", str(args.max_handovers)]
    else:
        from hoverify.properties.explore import EXAMPLES, STEPS

        argv += _given(args, {"examples": EXAMPLES, "steps": STEPS, "seed": None})
        if args.database is not None:
            argv += ["--database", from_anywhere(args.database)]
    argv += ["--faults", ",".join(sorted(faults))]
    if adversary.parties != DEFAULT.parties:
        argv += ["--compromise-targets", ",".join(adversary.parties)]
    return argv + (["--backhaul-unprotected"] if adversary.backhaul_unprotected else [])


def _given(args: argparse.Namespace, defaults: Mapping[str, Any]) -> list[str]:
    """``--OPTION VALUE`` for each of ``defaults`` that ``args`` has otherwise."""
    return [word for name, default in defaults.items() if getattr(args, name) != default
            for word in (f"--{name}", str(getattr(args, name)))]


def found_by_text(found: Mapping[str, Any]) -> str:
    """A finding file's ``found_by`` as replay prints it, in its command's words."""
    ended, not_ended = SEARCH_ENDS[str(found["command"]).split()[1]]
    stopped = _STOPPED.get(found["stopped"], found["stopped"])  # a file's own word as it is
    end = ended if found["finished"] else f"stopped: {stopped}; {not_ended}"
    return f"found by: {found['command']} ({end})"


def _check_gives(argv: list[str], claim: str, word: str, compromises: bool,
                 ran: Checked) -> str | None:
    """Run ``check`` as ``argv`` asks, as the command does (once per command line: ``ran``):
    None if it gives ``claim`` in the words ``word`` (a finding's failure, or holds), else
    why its line is not printed (``compromises``: the trace compromises a party, so the
    moment it did may matter too)."""
    from hoverify.properties.exploration import VARIANT_ERROR
    from hoverify.runs import check_evaluation, gives
    from hoverify.shell import shell_join

    command = f"`hoverify {shell_join(argv)}`"
    if tuple(argv) not in ran:
        args = build_parser().parse_args(argv)
        try:
            ran[tuple(argv)] = check_evaluation(args, partial(_adversary, args))[1]
        except VariantError:
            ran[tuple(argv)] = None
        except UsageError as error:
            ran[tuple(argv)] = f"check refuses its hops ({error})"
    evaluation = ran[tuple(argv)]
    if evaluation is None:
        return None if claim == VARIANT_ERROR else f"{command} stops at a variant error"
    if isinstance(evaluation, str):
        return evaluation
    if gives(evaluation, claim, word):
        return None
    moment = ", or the moment it compromised" if compromises else ""
    return (f"{command} does not give {claim} {word}: the run needs the order it delivered "
            f"in{moment}, which check's in-order run of each hop does not take")


def _print_earlier(doc: dict[str, Any], out: Path) -> None:
    """The finding files of the variant an earlier run left in ``out``, which this one kept
    (``hoverify.runs.earlier_findings``)."""
    files = doc["earlier_files"]
    if files:
        print(f"also in {out}: {len(files)} finding file{'s' if len(files) > 1 else ''} of "
              f"{doc['variant']} this run did not write (an earlier run's, kept): "
              f"{', '.join(Path(f).name for f in files)}")


def _finding_end(finding: dict[str, Any]) -> list[str]:
    """The lines after a finding's trace: its check line (or why it has none), its file."""
    from hoverify.shell import shell_join

    if finding["check"] is not None:
        lines = [f"  check: {finding['check']}"]
        if finding.get("check_note"):
            lines.append(f"  ({finding['check_note']})")
    else:
        lines = [f"  no check line: {finding['check_unavailable']}"]
    if finding["file"] is not None:  # the command quoted as the check line is (helper-267)
        replay = shell_join(["hoverify", "replay", finding["file"]])
        lines.append(f"  saved: {finding['file']}  ({replay})")
    return lines


def _findings_directory(text: str) -> Path:
    """``--out DIR`` of explore and verify, checked before the search: a directory, or one
    that can be created (not empty: ``_named``)."""
    out = Path(text)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: not a directory")
    _check_writable("--out", out, out)
    return out


def _check_writable(option: str, given: Path, directory: Path) -> None:
    from hoverify.atomic_dir import probe_directory  # run and check write no file

    try:
        probe_directory(directory)
    except OSError as error:
        raise UsageError(f"{option} {given}: cannot write in {error.filename or directory} "
                         f"({error.strerror})") from None


def _save_findings(variant: KeySchedule, findings: Sequence[Finding], out: Path,
                   variant_file: str | None, topology_file: str | None,
                   adversary: Adversary, faults: frozenset[str],
                   checks: Sequence[dict[str, str | None]],
                   found: dict[str, Any]) -> list[Path]:
    from hoverify.runs import save_findings

    try:
        return save_findings(variant, findings, out, variant_file, topology_file, adversary,
                             checks, faults=faults, found_by=found)
    except OSError as error:  # checked writable before the search, but a disk fills up
        raise UsageError(f"--out {out}: cannot write ({error.strerror or error})") from None


def _check(args: argparse.Namespace) -> int:
    from hoverify.runs import check_document, check_evaluation, check_text, warn_never_started

    with _cycle_collector_paused():
        run, evaluation = check_evaluation(args, partial(_adversary, args))
        doc = check_document(run, evaluation, evidence=args.json)
    # check's own, not the check lines explore and verify run (``_check_gives``)
    warn_never_started(run)
    unreached = _print_run(doc, check_text, run.variant, args.json)
    warn_vacuous(evaluation.vacuous, f"in the run {args.hops}")
    for claim in evaluation.claims:
        if claim.untested:  # helper-178: its row reads so; stderr says why, as of vacuous
            print(f"hoverify: warning: {claim.name} is untested in the run {args.hops}: each "
                  "attacker derives every later KeNB of the run, so the run could not have "
                  "broken its promise; a longer run tests it", file=sys.stderr)
    return 1 if evaluation.promise_broken or unreached else 0


def _print_run(doc: dict[str, Any], text: Callable[[dict[str, Any]], str],
               variant: KeySchedule, as_json: bool) -> bool:
    """``run`` and ``check``: their document (``text`` in words), with the variant error the
    dry run of a variant file met where their run, which completed, did not
    (``hoverify.runs.dry_run_finding``) as they give one their run meets: the line
    ``variant-error``, or ``variant_error`` in ``--json``. Returns whether there was one."""
    from hoverify.runs import dry_run_finding, variant_error_text

    found = dry_run_finding(variant, reached=False)  # a run that met one raised it (main)
    if found is not None:
        doc["variant_error"] = found.document()
    print(json.dumps(doc, indent=2) if as_json else text(doc))
    if found is not None and not as_json:
        print(variant_error_text(doc["variant_error"]))
    return found is not None


@contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused: a long ``check`` keeps many records alive
    (the run's steps, the derivations, each attacker's knowledge), and each of the
    collector's full passes walked them all again: half the time of 600 hops of
    ``tr33821-v070``, a share growing with the hops. The records hold no cycles (reference
    counts free them); the few cycles made meanwhile are collected once it runs again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _run(args: argparse.Namespace) -> int:
    from hoverify.runs import document, run_text, scenario_run, warn_never_started

    pcap = _capture_path(args.pcap)
    run = scenario_run(args)
    warn_never_started(run)
    if pcap is not None:
        from hoverify.atomic_dir import write_atomically
        from hoverify.reports.pcap import capture_of

        try:
            write_atomically(pcap, capture_of(run)[0])
        except OSError as error:
            raise UsageError(f"--pcap {pcap}: cannot write ({error.strerror})") from None
    doc = document(run)
    return 1 if _print_run(doc, run_text, run.variant, args.json) else 0


def _capture_path(text: str | None) -> Path | None:
    """Check ``--pcap FILE`` before the run: pycrate installed, the directory there."""
    if text is None:
        return None
    path = Path(text)
    if path.is_dir():
        raise UsageError(f"--pcap {text}: is a directory")
    _check_writable("--pcap", path, path.parent)  # a file on the way: "Not a directory"
    if not path.parent.is_dir():
        raise UsageError(f"--pcap {text}: directory {path.parent} does not exist")
    if importlib.util.find_spec("pycrate_asn1dir") is None:
        raise UsageError("--pcap needs pycrate (pip install -e '.[wire]' in the checkout)")
    return path


def _report(args: argparse.Namespace) -> int:
    from hoverify.report_job import (
        TopologyFile,
        check_topology,
        choose_variants,
        summary,
        variant_errors,
        variant_files,
        write_report,
    )
    from hoverify.runs import read_topology

    out = Path(args.out)
    files = variant_files(args.variant_file)  # validated before anything runs
    topology = None
    if args.topology is not None:
        topology = TopologyFile(args.topology, read_topology(args.topology))
        check_topology(topology)
    with Bar(" step", quiet=args.quiet) as bar:
        data = write_report(out, choose_variants(args.variants), bar.start, files,
                            topology, steps=bar.expect)
    print(summary(data, out))
    # broken promises are recorded in the report, not turned into a failure; a variant
    # error is a failure of the variant itself (issue 15: never swallowed)
    return 1 if variant_errors(data) else 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "run": _run, "check": _check, "explore": _explore, "replay": _replay, "verify": _verify,
    "report": _report}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    as_json = False
    try:
        args = parser.parse_args(argv)
        as_json = bool(getattr(args, "json", False))
        if args.command is None:  # a bare `hoverify`: what it can do, and exit 2
            parser.print_help(sys.stderr)
            return 2
        code = COMMANDS[args.command](args)
        sys.stdout.flush()  # a full disk behind stdout is told here, not at exit
        return code
    except UsageError as error:
        print(f"hoverify: error: {error}", file=sys.stderr)
        return 2
    except VariantError as error:  # a hook raised where no search records it as a finding
        # (run, check): the finding variant-error, shown, exit 1
        from hoverify.runs import variant_error_document, variant_error_text

        doc = variant_error_document(error)
        print(json.dumps({"variant_error": doc}, indent=2) if as_json else
              variant_error_text(doc))
        return 1
    except KeyboardInterrupt:  # Ctrl-C: what was written before stays whole (atomic writes)
        print("hoverify: interrupted", file=sys.stderr)
        return 128 + signal.SIGINT
    except BrokenPipeError:  # the reader went away (`hoverify ... | head`): no traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nor one at exit
        return 128 + signal.SIGPIPE  # what a shell reports for a writer killed by SIGPIPE
    except OSError as error:  # `hoverify ... > FILE` on a full disk
        if error.errno not in DISK_FULL:
            raise
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second try at exit
        print(f"hoverify: error: cannot write the output ({error.strerror}); what was written "
              "is incomplete", file=sys.stderr)
        return 2


DISK_FULL = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


if __name__ == "__main__":
    sys.exit(main())
