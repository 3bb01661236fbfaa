"""Fuzzing campaigns: ``hoverify explore``'s search under ``hypothesis fuzz`` (HypoFuzz), on
several processes or machines that share one example database (docs/exploration.md).

Two settings, environment variables read here only:

- ``HOVERIFY_FUZZ``: explore's options for the campaign, as on its command line (the
  variant as the CLI chooses it: ``--variant NAME`` or ``--variant-file PATH``, with
  ``--bit-placement``; and ``--topology``, ``--steps``, ``--faults``,
  ``--backhaul-unprotected``, ``--compromise-targets``); default ``--variant ts33401``.
  The budget is HypoFuzz's, so ``--examples`` and ``--seed`` are refused, as are the
  options of explore's output.
- ``HOVERIFY_DATABASE``: the ``fuzz`` profile's example database (``tests/conftest.py``), a
  directory (on shared storage for several machines) or ``redis://HOST:PORT/N`` (needs the
  redis package); ``hoverify explore --database`` reads the same (``example_database``).

The fuzz target (``tests/test_fuzz.py``) searches with explore's machine
(``hoverify.properties.explore.search_machine``) and fails where explore exits 1
(``breaks_promise``), with explore's text of the finding.
"""

from __future__ import annotations

import argparse
import os
import shlex
import unittest
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from hoverify.errors import UsageError
from hoverify.shell import shell_join

if TYPE_CHECKING:
    from hypothesis.database import ExampleDatabase
    from hypothesis.stateful import RuleBasedStateMachine

    from hoverify.properties.adversary import Adversary
    from hoverify.properties.exploration import Finding
    from hoverify.statemachines.topology import Topology
    from hoverify.statemachines.variant import KeySchedule

FUZZ = "HOVERIFY_FUZZ"
DATABASE = "HOVERIFY_DATABASE"
DEFAULT_CAMPAIGN = "--variant ts33401"
# explore's options a campaign takes (argparse destinations); the others must keep their
# defaults: HypoFuzz sets the budget, and a failure is a test's, not saved files
OPTIONS = frozenset({"variant", "variant_file", "bit_placement", "topology", "steps", "faults",
                     "backhaul_unprotected", "compromise_targets"})


class PromiseBroken(AssertionError):
    """The fuzz target's failure: explore's text of the finding."""


def example_database(setting: str, text: str, *, reading: bool) -> ExampleDatabase:
    """The example database ``text`` names (``setting``: where it was given, for the error):
    ``redis://...`` a Redis database, else a directory; ``reading``: a campaign's database,
    which must exist (a new one is created where a campaign writes)."""
    if text.startswith(("redis://", "rediss://", "unix://")):
        try:
            import redis
            from hypothesis.extra.redis import RedisExampleDatabase
        except ImportError:
            raise UsageError(f"{setting} {text}: a Redis database needs the redis package "
                             "(pip install 'hypothesis[redis]')") from None
        return RedisExampleDatabase(redis.Redis.from_url(text))
    from hypothesis.database import DirectoryBasedExampleDatabase

    path = Path(text)
    if path.exists() and not path.is_dir():
        raise UsageError(f"{setting} {text}: not a directory (an example database is one)")
    if reading and not path.exists():
        raise UsageError(f"{setting} {text}: no such directory (a campaign's example database)")
    return DirectoryBasedExampleDatabase(text)


def profile_database() -> ExampleDatabase | None:
    """The ``fuzz`` profile's database: ``HOVERIFY_DATABASE``, or None where it is unset
    (Hypothesis' default, ``.hypothesis/`` in the current directory)."""
    text = os.environ.get(DATABASE)
    return None if not text else example_database(DATABASE, text, reading=False)


@dataclass(frozen=True)
class Campaign:
    """A campaign's search, chosen by explore's options (``HOVERIFY_FUZZ``)."""

    argv: list[str]  # explore's options, as given
    args: argparse.Namespace
    variant: KeySchedule
    topology: Topology
    faults: frozenset[str]
    adversary: Adversary

    def finding_text(self, finding: Finding) -> str:
        """``finding`` as explore prints it: minimised as explore minimises, with its check
        line (or why there is none); and how to bring it back as a file."""
        from hoverify.cli import check_lines, explore_finding_text, variant_options
        from hoverify.properties.explore import minimise
        from hoverify.runs import finding_entry

        least = minimise(self.variant, finding, self.topology, self.adversary)
        [check] = check_lines(variant_options(self.args), self.args.topology, self.variant, [least],
                              self.topology, self.adversary)
        text = explore_finding_text(finding_entry(least, None, check))
        database = os.environ.get(DATABASE)
        if database:
            argv = shell_join(["hoverify", "explore", *self.argv, "--database", database])
            text += f"\n  saved in the campaign's database: {argv}  (finding files, exit 1)"
        return text

    def dry_run_text(self) -> str | None:
        """The variant error the dry run of the campaign's variant file met, as explore lists
        it where its search meets none (``hoverify.runs.dry_run_finding``); None: none."""
        from hoverify.cli import explore_finding_text
        from hoverify.runs import dry_run_finding

        found = dry_run_finding(self.variant, reached=False)
        return None if found is None else explore_finding_text(found.entry())


def _failing(machine: type[RuleBasedStateMachine], text: str) -> type[RuleBasedStateMachine]:
    """``machine`` (its class, so its key) failing each example at its start with ``text``:
    the variant error of the variant file's dry run, which explore reports whatever its search
    meets; HypoFuzz runs the machine, not the test's body."""

    class Failing(machine):  # type: ignore[valid-type, misc]
        def __init__(self) -> None:
            raise PromiseBroken(text)

    Failing.__name__ = machine.__name__
    return Failing


def campaign(text: str | None = None) -> Campaign:
    """The campaign ``text`` (explore's options; default: ``HOVERIFY_FUZZ``) asks for, each
    option validated as explore validates it."""
    from hoverify.cli import build_parser, explore_setup

    text = (os.environ.get(FUZZ) if text is None else text) or DEFAULT_CAMPAIGN
    try:
        argv = shlex.split(text)
    except ValueError as error:
        raise UsageError(f"{FUZZ}: {error}") from None
    parser = build_parser()
    try:  # an option, variant, topology or fault explore refuses, said as the setting's
        args = parser.parse_args(["explore", *argv])
        # explore's defaults: with the default campaign's variant, as explore requires one
        # (a campaign's option, so its value is not compared)
        defaults = parser.parse_args(["explore", *shlex.split(DEFAULT_CAMPAIGN)])
        for name, value in sorted(vars(args).items()):
            if name not in OPTIONS and value != getattr(defaults, name):
                raise UsageError(f"--{name.replace('_', '-')} is not a campaign's option "
                                 f"(it takes: {', '.join(sorted(OPTIONS))})")
        variant, topology, faults, adversary = explore_setup(args)
    except UsageError as error:
        raise UsageError(f"{FUZZ}: {error}") from None
    return Campaign(argv, args, variant, topology, faults, adversary)


def fuzz_target(chosen: Campaign) -> type[unittest.TestCase]:
    """A test that searches as explore does and fails where explore exits 1 (a promised
    claim failing, a variant error), with explore's text of the finding (``PromiseBroken``).
    HypoFuzz runs it through its machine (``_hypothesis_state_machine_class``), as it runs a
    ``RuleBasedStateMachine.TestCase``; its settings are the active profile's (HypoFuzz skips
    a test with another database or ``derandomize``), with explore's steps."""
    from hypothesis import HealthCheck
    from hypothesis import settings as profile
    from hypothesis.stateful import run_state_machine_as_test

    from hoverify.properties.explore import breaks_promise, search_machine
    from hoverify.properties.stateful import ClaimViolated

    machine = search_machine(chosen.variant, chosen.topology, breaks_promise, chosen.faults,
                             chosen.adversary, {"examples": 0, "steps": 0}, keyed=True)
    unreached = chosen.dry_run_text()
    if unreached is not None:
        machine = _failing(machine, unreached)

    class FuzzTarget(unittest.TestCase):
        # as explore, no health check, but nested_given: HypoFuzz skips a test that
        # suppresses it
        settings = profile(profile.default, stateful_step_count=chosen.args.steps,
                            deadline=None,
                            suppress_health_check=[h for h in HealthCheck
                                                   if h is not HealthCheck.nested_given])

        def runTest(self) -> None:
            try:
                run_state_machine_as_test(machine, settings=self.settings)
            except ClaimViolated as violated:
                raise PromiseBroken(chosen.finding_text(violated.finding)) from None

        runTest.is_hypothesis_test = True  # type: ignore[attr-defined]
        runTest._hypothesis_state_machine_class = machine  # type: ignore[attr-defined]

    FuzzTarget.__name__ = f"FuzzTarget[{chosen.variant.name}]"
    return FuzzTarget
