"""A verdict's witness or cut, computed when first read.

A claim's summary gives each attacker or hop of a finished run its verdict, and most
verdicts' witnesses (a KeNB's ancestry, an attacker's way to a later KeNB) are as long as
the run: ``check`` prints one per claim, so computing every one of them made its work grow as
the square of the hops. ``check --json`` and the report read them all, and get them all.
Only a summary's verdicts are lazy: those a claim observes during a run stay plain tuples,
which ``verify``'s workers exchange."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, overload


class Lines(Sequence[str]):
    """The lines ``make()`` returns, made once, on the first read."""

    __slots__ = ("_lines", "_make")

    def __init__(self, make: Callable[[], Iterable[str]]) -> None:
        self._make: Callable[[], Iterable[str]] | None = make
        self._lines: tuple[str, ...] = ()

    @property
    def lines(self) -> tuple[str, ...]:
        if self._make is not None:
            self._lines, self._make = tuple(self._make()), None
        return self._lines

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[str, ...]: ...

    def __getitem__(self, index: int | slice) -> str | tuple[str, ...]:
        return self.lines[index]

    def __len__(self) -> int:
        return len(self.lines)

    def __iter__(self) -> Iterator[str]:
        return iter(self.lines)

    def __eq__(self, other: object) -> bool:  # equal to the tuple it stands for
        if isinstance(other, Lines):
            return self.lines == other.lines
        return self.lines == other if isinstance(other, tuple) else NotImplemented

    def __hash__(self) -> int:
        return hash(self.lines)

    def __repr__(self) -> str:
        return repr(self.lines)

    def __reduce__(self) -> tuple[Any, ...]:  # pickled as the tuple it stands for
        return tuple, (self.lines,)
