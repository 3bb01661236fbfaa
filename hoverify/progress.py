"""Progress of long commands (``report``, ``explore``, ``verify``): a tqdm bar on stderr, drawn
only when stderr is a terminal and ``--quiet`` is not given; otherwise nothing at all.

tqdm rather than rich: it adds ~4 ms to these commands' imports against ~17 ms for
``rich.progress`` (``python -X importtime``), and it is imported only when a bar is drawn.
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Any


class Bar:
    """Steps of known (``total``) or unknown number; ``note`` prints a line above the bar."""

    def __init__(self, unit: str, *, quiet: bool = False, total: int | None = None) -> None:
        self._bar: Any = None
        self._in_course = False
        if not quiet and sys.stderr.isatty():
            from tqdm import tqdm  # only when a bar is drawn

            self._bar = tqdm(total=total, unit=unit, file=sys.stderr, leave=False,
                             dynamic_ncols=True)

    def expect(self, total: int) -> None:
        """The number of steps, once it is known."""
        if self._bar is not None:
            self._bar.total = total
            self._bar.refresh()

    def start(self, text: str) -> None:
        """A step begins (the one in course, if any, is done); ``text`` says which."""
        if self._bar is not None:
            self._bar.update(1 if self._in_course else 0)
            self._bar.set_postfix_str(text)
            self._in_course = True

    def done(self, text: str | None = None) -> None:
        """A step is done; ``text`` says where the work stands. The count stops at the total
        (Hypothesis may run a few more examples than asked for)."""
        if self._bar is not None:
            if self._bar.total is None or self._bar.n < self._bar.total:
                self._bar.update(1)
            if text is not None:
                self._bar.set_postfix_str(text)

    def show(self, text: str) -> None:
        """Where the step in course stands, without ending it."""
        if self._bar is not None:
            self._bar.set_postfix_str(text)

    def note(self, text: str) -> None:
        if self._bar is not None:
            self._bar.write(text, file=sys.stderr)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()

    def __enter__(self) -> Bar:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()
