"""The formal anchors (``reports/anchors.py``): the published verdicts are stated once, as data,
and docs/anchors.md's table says the same; every claim and scenario named exists (or is an
authentication claim of issue 19, shown as not judged until it exists)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hoverify.properties.claims import CLAIMS
from hoverify.reports.anchors import ANCHORS, ATTACK, NOT_ASKED, NOT_CLAIMED, PROVED, Anchor
from hoverify.reports.scenarios import SCENARIOS

DOC = Path(__file__).resolve().parent.parent / "docs" / "anchors.md"
# The authentication claims issue 19 asks for; until they exist the report says "not judged".
AUTHENTICATION = {"aliveness", "agreement", "ue-agreement", "injective-agreement"}


def doc_rows() -> list[list[str]]:
    """The cells of each row of docs/anchors.md's comparison table, Markdown escapes undone."""
    lines = [line for line in DOC.read_text().splitlines() if line.startswith("| ")]
    return [[cell.strip().replace("\\*", "*") for cell in line.strip("|").split(" | ")]
            for line in lines[1:]]  # the first is the header


@pytest.mark.parametrize("anchor", ANCHORS, ids=lambda a: a.kind)
def test_the_doc_states_the_published_verdicts_of_the_data(anchor: Anchor) -> None:
    rows = [row for row in doc_rows() if row[0].startswith(anchor.kind)]
    assert len(rows) == 1, f"docs/anchors.md: no single row for {anchor.kind!r}"
    kind, proverif, tamarin, *_ = rows[0]
    assert proverif.startswith(anchor.proverif.verdict), (kind, proverif)
    assert tamarin.startswith(anchor.tamarin.verdict), (kind, tamarin)


def test_every_row_of_the_doc_is_an_anchor() -> None:
    for row in doc_rows():
        assert any(row[0].startswith(a.kind) for a in ANCHORS), row[0]


@pytest.mark.parametrize("anchor", ANCHORS, ids=lambda a: a.kind)
def test_anchors_name_known_claims_and_scenarios(anchor: Anchor) -> None:
    assert {anchor.proverif.verdict, anchor.tamarin.verdict} <= {
        ATTACK, PROVED, NOT_ASKED, NOT_CLAIMED}
    assert set(anchor.claims) <= set(CLAIMS) | AUTHENTICATION
    assert set(anchor.scenarios) <= {s.name for s in SCENARIOS}
    assert bool(anchor.claims) == bool(anchor.scenarios), "a claim is judged in a scenario"


def test_every_query_kind_is_answered_by_a_scenario_of_the_report() -> None:
    """Issue 19 item 5: each query kind of the table has a scenario hoverify runs, so the
    report states its verdict next to the published ones."""
    assert [a.kind for a in ANCHORS if not a.scenarios] == []
