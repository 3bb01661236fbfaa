"""Why each claim that does not fail (or fails only outside its promise) has its verdict, as
the variant pages list it: per claim, the scenarios whose cells say the same (the verdict, its
line and what ``hoverify check`` prints under it) share one entry, so that a variant's page
stays short."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from hoverify.reports.data import Cell, ScenarioResult
from hoverify.reports.words import cell_text


@dataclass(frozen=True)
class Reason:
    claim: str
    cell: Cell  # the words, the same in each of the scenarios
    scenarios: tuple[tuple[str, str], ...]  # (scenario name, the id its matrix cell links to)


def reasons(claims: Sequence[str], results: Sequence[ScenarioResult]) -> list[Reason]:
    """In claim order, then in the order of the scenarios that first say it."""
    groups: dict[tuple[str, str, str, tuple[str, ...], tuple[str, ...]],
                 tuple[Cell, list[tuple[str, str]]]] = {}
    for claim in claims:
        for result in results:
            cell = result.cell(claim)
            if cell.reason is not None:
                key = (claim, cell_text(cell), cell.detail, cell.cut, cell.under)
                groups.setdefault(key, (cell, []))[1].append((result.scenario.name, cell.reason))
    return [Reason(key[0], cell, tuple(scenarios))
            for key, (cell, scenarios) in groups.items()]
