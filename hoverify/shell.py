"""Command lines a user copies (a finding's ``check`` line, a campaign's ``explore``): POSIX
shell words, as ``shlex.join`` makes them, but a word with a single quote in double quotes
where that keeps every character literal: an edit's ``target eNB='enb-1'`` read as
``'...target eNB='"'"'enb-1'"'"',...'`` (helper-190)."""

from __future__ import annotations

import shlex
from collections.abc import Iterable

# what a POSIX shell (and bash's history expansion) reads inside double quotes
_SPECIAL_IN_DOUBLE_QUOTES = frozenset('"$`\\!')


def shell_join(argv: Iterable[str]) -> str:
    """``argv`` as one command line that a POSIX shell splits back into ``argv``."""
    return " ".join(_word(arg) for arg in argv)


def _word(arg: str) -> str:
    if "'" in arg and not _SPECIAL_IN_DOUBLE_QUOTES & set(arg):
        return f'"{arg}"'
    return shlex.quote(arg)
