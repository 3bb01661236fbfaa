"""replay37: an edit's name and text read back as data (``Edit.Said``), by the class that
writes them, so that replay recovers a saved step's field and values without a copy of
either format (``hoverify.properties.hop_edits.sent_otherwise``)."""

from __future__ import annotations

import pytest
from hoverify.properties.downgrade import Edit, built, edits
from hoverify.statemachines.scenario import parse_hops, run_scenario
from hoverify.statemachines.variants import load


@pytest.mark.parametrize("variant", ["ts33401", "seed-fs", "tr33821-v070"])
def test_every_edit_reads_back_from_its_name_and_its_text(variant: str) -> None:
    """Over every message of runs of each built-in variant, each edit its receiver or its
    sender may make (``edits``, ``built``; an addition of each field the variant's HO
    command carries) reads back from its name as what it does, to which field, to what
    value, and from its text with the value it found there too."""
    run = run_scenario(load(variant), parse_hops("x2,s1,s1-inter,intra-enb"))
    addable = run.variant.command_fields()
    kinds = set()
    for step in run.system.steps:
        fields = step.message.fields
        for edit in (*edits(fields, addable), *built(fields)):
            said = edit.said(fields)
            kinds.add(edit.kind)
            assert Edit.Said.from_text(edit.text(fields)) == said
            assert Edit.Said.from_name(edit.name(fields)) == Edit.Said(
                said.kind, said.where, said.added, said.new)
    assert kinds >= {"rewrite", "remove"} and ("add" in kinds) == (variant == "seed-fs")


@pytest.mark.parametrize("text", [
    "", "garbage", "=1", "security/NCC", "/+x", "rewrites field 'security/NCC' 2",
    "removes field 'security/NCC", "adds field 'x' 1 'security'", "rewrites field '' 1 -> 2"])
def test_a_text_no_edit_writes_reads_as_none(text: str) -> None:
    assert Edit.Said.from_text(text) is None and Edit.Said.from_name(text) is None
