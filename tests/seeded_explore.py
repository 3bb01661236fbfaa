"""Default ``explore`` with a seed, as ``hoverify explore --seed`` runs it (None: derandomized,
as plain ``hoverify explore``), for the tests that hold it to what ``verify`` finds.

A seeded search is the same in this process, after other tests ran, as in a fresh one:
``hoverify.properties.explore`` keeps Hypothesis from drawing the integer literals of whatever
modules are loaded (``test_a_seeded_search_is_the_same_whatever_modules_are_loaded``). These
tests used to run it in a fresh process for that reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hoverify.properties.explore import explore
from hoverify.properties.replay import replay
from hoverify.statemachines.variant import KeySchedule
from hoverify.statemachines.variants import load

from hoverify.variant_file import load_variant_file

TESTS = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Explored:
    found: frozenset[tuple[str, bool]]  # (claim, promised)
    examples: int
    replays: bool  # every finding's trace replays strictly to the same violation


def variant_named(name: str) -> KeySchedule:
    """A built-in name (``seed-fs:nas`` for a bit placement) or a file under tests/."""
    if name.endswith(".py"):
        return load_variant_file(str(TESTS / name))
    base, _, placement = name.partition(":")
    return load(base, placement or None)


def explore_seeded(name: str, seed: int | None, until: set[tuple[str, bool]] | None = None,
                   claims: set[str] | None = None) -> Explored:
    variant = variant_named(name)
    result = explore(variant, seed=seed, until=frozenset(until) if until else None,
                     claims=frozenset(claims) if claims else None)
    replays = True
    for finding in result.findings:
        exploration = replay(variant, finding.trace, strict=True)
        replays &= any((f.claim, f.promised) == (finding.claim, finding.promised)
                       for f in exploration.findings())
        exploration.close()
    return Explored(frozenset((f.claim, f.promised) for f in result.findings),
                    result.examples_run, replays)
