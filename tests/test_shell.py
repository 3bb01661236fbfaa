"""A command line a user copies is split back into its words by a real shell, and an edit's
quoted value reads as written (``hoverify.shell``)."""

from __future__ import annotations

import subprocess

import pytest

from hoverify.shell import shell_join

WORDS = [  # words of the command lines hoverify prints, and the shell's special characters
    "s1-inter@enb-5/cell-1:edit=HandoverRequired/target eNB='enb-1',s1-inter@enb-5/cell-1",
    "s1@enb-3/cell-1:edit=HandoverRequired/security/UE supports KeNB*+=False",
    "/tmp/a dir/variant.py", "enb-1@1", "", "it's", "say \"hi\"", "$HOME", "`id`", "a\\b",
    "wow!", "'", "x2,x2:early", "a;b|c&d", "*", "~", "tab\there", "new\nline",
    # a single quote beside each character a shell reads inside double quotes
    "it's $HOME", "it's `id`", "it's a\\\\b", "it's a\\", "it's \"hi\"", "it's wow!!", "it's !a",
]


@pytest.mark.parametrize("word", WORDS)
def test_bash_reads_each_word_back(word: str) -> None:
    line = shell_join(["printf", "%s\\0", word, "end"])
    printed = subprocess.run(["bash", "-c", line], capture_output=True, check=True).stdout
    assert printed.decode().split("\0")[:-1] == [word, "end"], line


@pytest.mark.parametrize("word", WORDS)
def test_an_interactive_bash_reads_each_word_back(word: str) -> None:
    """A line is pasted into an interactive shell, where bash's history expansion reads ``!``
    inside double quotes (bash(1), HISTORY EXPANSION: only backslash and single quotes quote
    it): turned on here, as an interactive bash has it."""
    line = shell_join(["printf", "%s\\0", word, "end"])
    printed = subprocess.run(["bash", "-c", f"set -o history -H\n{line}"], capture_output=True,
                             check=True).stdout
    assert printed.decode().split("\0")[:-1] == [word, "end"], line


def test_a_single_quoted_edit_value_stays_readable() -> None:
    """helper-190: ``target eNB='enb-1'`` was printed as ``target eNB='"'"'enb-1'"'"'``."""
    hops = "s1@enb-3/cell-1:edit=HandoverRequired/target eNB='enb-1',s1@enb-3/cell-1"
    assert shell_join(["hoverify", "check", "--hops", hops]) == f'hoverify check --hops "{hops}"'
