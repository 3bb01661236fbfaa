"""``hoverify`` and ``python -m hoverify``: Ctrl-C is handled from the first import on.

The command line's modules are imported inside the ``try``, so an interrupt while they load
(the first fraction of a second) ends with exit code 130 and one line, like one later on.

SIGTERM (``kill``, a job scheduler, CI cancelling a job) ends a command as Ctrl-C does, with
exit code 143: ``verify`` prints and saves its findings so far and stops its worker processes
(helper-251 #1: a coordinator killed by SIGTERM's default action left them running, some still
searching), and what was written before stays whole.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Sequence
from types import FrameType


def main(argv: Sequence[str] | None = None) -> int:
    terminated: list[int] = []

    def interrupt(signum: int, frame: FrameType | None) -> None:
        terminated.append(signum)
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    try:
        from hoverify.cli import main as run
    except KeyboardInterrupt:
        print("hoverify: interrupted", file=sys.stderr)
        code = 128 + signal.SIGINT
    else:
        code = run(argv)
    return 128 + signal.SIGTERM if terminated and code == 128 + signal.SIGINT else code


if __name__ == "__main__":
    sys.exit(main())
