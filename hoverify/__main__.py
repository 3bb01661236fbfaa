"""``hoverify`` and ``python -m hoverify``: Ctrl-C is handled from the first import on.

The command line's modules are imported inside the ``try``, so an interrupt while they load
(the first fraction of a second) ends with exit code 130 and one line, like one later on.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    try:
        from hoverify.cli import main as run
    except KeyboardInterrupt:
        print("hoverify: interrupted", file=sys.stderr)
        return 128 + signal.SIGINT
    return run(argv)


if __name__ == "__main__":
    sys.exit(main())
