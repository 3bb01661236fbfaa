"""Default ``explore`` in a fresh Python process, as ``hoverify explore`` runs it.

A seeded search gives the same result in every fresh process (checked with several
PYTHONHASHSEED values), but not always inside a test process after other tests ran: some state
left behind (not yet found) steers Hypothesis elsewhere. The tests that hold ``explore`` to
what ``verify`` finds therefore run it here, the way a user does.

Usage: python tests/fresh_explore.py VARIANT SEED [CLAIM:PROMISED ...] [--claims CLAIM ...]
VARIANT is a built-in name (``seed-fs:nas`` for a bit placement) or a file under tests/.
Prints JSON: the (claim, promised) found, the examples run, and whether every finding's
trace replays strictly to the same violation.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

TESTS = Path(__file__).resolve().parent


def explore_fresh(variant: str, seed: int, until: set[tuple[str, bool]] | None = None,
                  claims: set[str] | None = None) -> dict[str, Any]:
    argv = [sys.executable, str(Path(__file__)), variant, str(seed),
            *(f"{claim}:{int(promised)}" for claim, promised in sorted(until or ()))]
    if claims:
        argv += ["--claims", *sorted(claims)]
    done = subprocess.run(argv, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def _main(args: list[str]) -> None:
    from hoverify.properties.explore import explore, replay
    from hoverify.statemachines.variants import load

    from hoverify.variant_file import load_variant_file

    name, seed, *rest = args
    claims = rest[rest.index("--claims") + 1:] if "--claims" in rest else None
    wanted = rest[:rest.index("--claims")] if "--claims" in rest else rest
    if name.endswith(".py"):
        variant = load_variant_file(str(TESTS / name))
    else:
        base, _, placement = name.partition(":")
        variant = load(base, placement or None)
    until = frozenset((c, p == "1") for c, p in (w.rsplit(":", 1) for w in wanted)) or None
    result = explore(variant, seed=int(seed), until=until,
                     claims=frozenset(claims) if claims else None)
    replays = True
    for finding in result.findings:
        exploration = replay(variant, finding.trace, strict=True)
        replays &= any((f.claim, f.promised) == (finding.claim, finding.promised)
                       for f in exploration.findings())
        exploration.close()
    print(json.dumps({"found": sorted([f.claim, f.promised] for f in result.findings),
                      "examples": result.examples_run, "replays": replays}))


if __name__ == "__main__":
    _main(sys.argv[1:])
