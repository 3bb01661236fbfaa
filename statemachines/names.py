"""Names in a sentence: several listed (``word_list``), and a name refused for not being one
of a fixed set (a variant, a hop type, a topology, a fault, a compromise target, an edit, a
hook) with the one suggestion every such refusal ends with, the closest known name (stdlib
``difflib``), so a typo's one line says what was meant."""

from collections.abc import Iterable
from difflib import get_close_matches
from enum import EnumType


def did_you_mean(known: Iterable[str], *names: str) -> str:
    """``"; did you mean 'x'?"``, naming the known name closest to each of ``names`` (difflib's
    ratio of 0.6 or more), or "" where none is close. text38: ``--faults rewrte`` said only
    "unknown"."""
    close = dict.fromkeys(m for m in (closest(known, name) for name in names) if m is not None)
    if not close:
        return ""
    return f"; did you mean {word_list(map(repr, close))}?"


def closest(known: Iterable[str], name: str) -> str | None:
    """The known name closest to ``name`` (``did_you_mean``'s choice), None where none is:
    the one known name it begins, if it is a prefix of one alone (helper-181: ``--comp``
    read as close to ``--hops`` as to ``--compromise``), else the closest by difflib."""
    pool = {k.casefold(): k for k in known}  # --compromise takes kasme@1 for KASME@1
    begun = [k for k in pool if name and k.startswith(name.casefold())]
    if len(begun) == 1:
        return pool[begun[0]]
    return next((pool[m] for m in get_close_matches(name.casefold(), pool, n=1)), None)


def word_list(items: Iterable[str], last: str = "and") -> str:
    """``items`` as a sentence lists them: "", "a", "a and b", "a, b and c" (no comma before
    ``last``, the word before the last item: "and", or "or" for "a, b or c")."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def raised_text(error: BaseException) -> str:
    """An exception as a line says it (``ZeroDivisionError: division by zero``); a member an
    enumeration lacks, with the members it has (helper-263, helper-267: ``HopType.X3`` in a
    variant said only "AttributeError: X3")."""
    said = f"{type(error).__name__}: {error}"
    owner = getattr(error, "obj", None) if isinstance(error, AttributeError) else None
    if isinstance(owner, EnumType):
        said += f" ({owner.__name__} has {word_list(member.name for member in owner)})"
    return said
