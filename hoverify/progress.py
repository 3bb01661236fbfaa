"""Progress of long commands (``report``, ``explore``, ``verify``) on stderr, unless ``--quiet``
is given: a tqdm bar when stderr is a terminal; otherwise (a file, a pipe, a CI log) a plain
line every ``PLAIN_SECONDS`` and each note, never a carriage-return redraw (#8: a piped
``explore`` was silent until its end).

tqdm rather than rich: it adds ~4 ms to these commands' imports against ~17 ms for
``rich.progress`` (``python -X importtime``), and it is imported only when a bar is drawn.
"""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import Any

# Between plain lines: a long run shows it is alive, an hour of it stays ~120 lines of log;
# a run shorter than this (most tests) prints none.
PLAIN_SECONDS = 30.0


class Bar:
    """Steps of known (``total``) or unknown number; ``note`` prints a line above the bar."""

    def __init__(self, unit: str, *, quiet: bool = False, total: int | None = None) -> None:
        self._bar: Any = None
        self._plain: _Lines | None = None
        self._in_course = False
        if quiet:
            return
        if sys.stderr.isatty():
            from tqdm import tqdm  # only when a bar is drawn

            self._bar = tqdm(total=total, unit=unit, file=sys.stderr, leave=False,
                             dynamic_ncols=True)
        else:
            self._plain = _Lines(unit, total)

    def expect(self, total: int) -> None:
        """The number of steps, once it is known."""
        if self._bar is not None:
            self._bar.total = total
            self._bar.refresh()
        if self._plain is not None:
            self._plain.total = total

    def start(self, text: str) -> None:
        """A step begins (the one in course, if any, is done); ``text`` says which."""
        if self._bar is not None:
            self._bar.update(1 if self._in_course else 0)
            self._bar.set_postfix_str(text)
        if self._plain is not None:
            self._plain.advance(1 if self._in_course else 0, text)
        self._in_course = True

    def done(self, text: str | None = None) -> None:
        """A step is done; ``text`` says where the work stands. The count stops at the total
        (Hypothesis may run a few more examples than asked for)."""
        if self._bar is not None:
            if self._bar.total is None or self._bar.n < self._bar.total:
                self._bar.update(1)
            if text is not None:
                self._bar.set_postfix_str(text)
        if self._plain is not None:
            self._plain.advance(1, text)

    def show(self, text: str) -> None:
        """Where the step in course stands, without ending it."""
        if self._bar is not None:
            self._bar.set_postfix_str(text)
        if self._plain is not None:
            self._plain.advance(0, text)

    def note(self, text: str) -> None:
        """A line of its own, named as hoverify's like its warnings and plain lines."""
        if self._bar is not None:
            self._bar.write(f"hoverify: {text}", file=sys.stderr)
        if self._plain is not None:
            print(f"hoverify: {text}", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()

    def __enter__(self) -> Bar:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()


class _Lines:
    """The bar's count and text, written as a plain line at most every ``PLAIN_SECONDS``."""

    def __init__(self, unit: str, total: int | None) -> None:
        self.unit = unit
        self.total = total
        self.n = 0
        self.text: str | None = None
        self.started = self.written = time.monotonic()

    def advance(self, steps: int, text: str | None) -> None:
        self.n += steps
        if text is not None:
            self.text = text
        now = time.monotonic()
        if now - self.written >= PLAIN_SECONDS:
            self.written = now
            print(f"hoverify: {now - self.started:.0f} s: {self._where()}", file=sys.stderr,
                  flush=True)

    def _where(self) -> str:
        """``57/200 examples``, ``3/75 steps, ts33401 x2,x2 ...``; past the total, the count
        on (explore runs more examples than it keeps: helper-196 read "200/200 examples" of
        a search still running as stuck); with no total, the text alone where there is one
        (verify's says its level)."""
        if self.total is None and self.text is not None:
            return self.text
        if self.total is None:
            count = f"{self.n}{self.unit}s"
        elif self.n > self.total:
            count = f"{self.n}{self.unit}s, past the {self.total} expected"
        else:
            count = f"{self.n}/{self.total}{self.unit}s"
        return count if self.text is None else f"{count}, {self.text}"
