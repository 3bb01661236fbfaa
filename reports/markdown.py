"""The report in Markdown: ``index.md`` (conclusion, verdict matrix, links) and one page per
variant (key graph, derivability table, counterexamples and message sequence charts in
Mermaid)."""

from __future__ import annotations

from hoverify.properties.exploration import actions_text, numbered_starts
from hoverify.reports import anchors, mermaid
from hoverify.reports.data import (
    NA,
    VARIANT_ERROR,
    Bounded,
    Cell,
    Counterexample,
    Derivability,
    DryRunEntry,
    ReportData,
    ScenarioResult,
    VariantSection,
)
from hoverify.reports.reasons import reasons
from hoverify.reports.scenarios import REFERENCE, Scenario, VariantRef
from hoverify.reports.words import (
    ANCHORS_INTRO,
    DERIVABILITY,
    DRY_RUN,
    DRY_RUN_CHECK,
    LEGEND,
    NO_REASON,
    REPRODUCE,
    SAVED,
    VARIANT_ERROR_LEGEND,
    WHY,
    anchor_verdict,
    attacker_text,
    bounded_intro,
    cell_text,
    check_line_text,
    compromised_from,
    coverage_text,
    untested_cell,
)


def page(slug: str) -> str:
    return f"{slug}/report.md"


def _cell(cell: Cell, variant: VariantRef) -> str:
    text = cell_text(cell)
    if cell.status.startswith("FAILS") or cell.status == VARIANT_ERROR:
        text = f"**{text}**"
    elif cell.status == NA:
        text = "n/a"
    target = cell.counterexample or cell.reason
    if target:
        text = f"[{text}]({page(variant.slug)}#{target})"
    if cell.counterexample and cell.reason:  # fails outside the promise: why it is no breach
        text += f" ([why]({page(variant.slug)}#{cell.reason}))"
    return text.replace("|", "\\|")


def scenario_line(scenario: Scenario) -> str:
    return (f"| {scenario.name} | {scenario.title} | `{scenario.hops}` | "
            f"{attacker_text(scenario)} |")


def index(data: ReportData) -> str:
    lines = [f"# hoverify report: LTE handover key derivation ({data.version})", "",
             "Verdicts of every claim for each variant over the standard scenarios "
             "(`reports/scenarios.py`), computed by `hoverify report`; `verdicts.json` has "
             "them in machine-readable form, `index.html` everything in one page.", "",
             f"Attacker model: {data.attacker}.", "",
             "## Conclusion", "", "Computed from the verdicts below:", ""]
    lines += [f"- {sentence}" for sentence in data.conclusion]
    legend = [LEGEND, "", VARIANT_ERROR_LEGEND] if data.has_variant_error else [LEGEND]
    lines += ["", "## Verdict matrix", "", *legend, "",
              "| scenario | claim | " + " | ".join(v.label for v in data.variants) + " |",
              "|---|---|" + "---|" * len(data.variants)]
    for scenario in data.scenarios:
        for number, claim in enumerate(data.claims):
            first = f"**{scenario.name}** `{scenario.hops}`" if number == 0 else ""
            cells = [_cell(data.result(v, scenario).cell(claim), v) for v in data.variants]
            lines.append(f"| {first} | {claim} | " + " | ".join(cells) + " |")
    lines += ["", "## Bounded verification", "", bounded_intro(data.bounded), "",
              "| variant | bound | states | transitions | exhausted | shortest violations | "
              "untested |",
              "|---|---|---|---|---|---|---|"]
    for b in data.bounded:
        found = ", ".join(f"[{f.claim}, {f.status}, {actions_text(len(f.trace))}]"
                          f"({page(b.variant.slug)}#{f.id})" for f in b.findings) or "none"
        lines.append(f"| {b.variant.label} | {b.bound} | {b.states} | {b.transitions} | "
                     f"{'yes' if b.exhausted else 'NO'} | {found} | {untested_cell(b)} |")
    lines += ["", *anchor_lines(data)]
    lines += ["", "## Scenarios", "", "| scenario | in the conclusion | hops | attacker |",
              "|---|---|---|---|"]
    lines += [scenario_line(s) for s in data.scenarios]
    lines += ["", "## Variants", ""]
    for section in data.sections:
        slug = section.variant.slug
        graph = (f" (key graph: [SVG]({slug}/graph.svg), [DOT]({slug}/graph.dot), "
                 f"[GraphML]({slug}/graph.graphml))" if section.graph is not None else "")
        error = ("" if section.dry_run is None else
                 f"; **variant-error** found by the dry run with hops `{section.dry_run.hops}` "
                 f"([entry]({page(slug)}#{section.dry_run.id}))")
        lines.append(f"- [{section.variant.label}]({page(slug)}): {section.title}{graph}{error}")
    lines += ["", "## Counterexamples", ""]
    for result in data.results:
        for cx in result.counterexamples:
            lines.append(f"- [{cx.variant.label}, {cx.scenario.name}: {cx.claim}, "
                         f"{cx.status}]({page(cx.variant.slug)}#{cx.id})")
    return "\n".join(lines) + "\n"


def anchor_lines(data: ReportData) -> list[str]:
    """The formal anchors' published verdicts beside this report's (``reports/anchors.py``)."""
    lines = ["## Formal anchors", "", ANCHORS_INTRO, "",
             "| query kind | ProVerif, LTE | Tamarin, 5G | "
             f"{REFERENCE.label} in this report | why they may differ |",
             "|---|---|---|---|---|"]
    for a in anchors.ANCHORS:
        row = (a.kind, f"{a.proverif.verdict}: {a.proverif.where}",
               f"{a.tamarin.verdict}: {a.tamarin.where}",
               anchor_verdict(a, anchors.cells(data, a)), a.why)
        lines.append("| " + " | ".join(text.replace("|", "\\|").replace("*", "\\*")
                                         for text in row) + " |")
    lines += ["", *(f"- {m.tool}: {m.paper}; `{m.repository}`: {m.files}"
                    for m in anchors.MODELS)]
    return lines


def derivability_table(table: Derivability) -> list[str]:
    head = " | ".join(f"KeNB[hop {h}] ({s})" for h, s in zip(table.hops, table.serving,
                                                              strict=True))
    lines = [f"| entity (compromised from) | {head} |",
             "|---|" + "---|" * len(table.hops)]
    for entity, hop, cells in table.rows:
        shown = [f"**{c}**" if c == "derives" else c or "·" for c in cells]
        lines.append(f"| {compromised_from(entity, hop)} | " + " | ".join(shown) + " |")
    return lines


def _text(text: str) -> str:
    """Model words in a table cell: a KeNB* is no emphasis, a | no column."""
    return text.replace("|", "\\|").replace("*", "\\*")


def reason_lines(claims: tuple[str, ...], results: list[ScenarioResult]) -> list[str]:
    found = reasons(claims, results)
    if not found:
        return [NO_REASON]
    lines = ["| claim | scenarios | verdict | why (what `hoverify check` says) |",
             "|---|---|---|---|"]
    shown = ""
    for reason in found:
        where = ", ".join(f'<a id="{anchor}"></a>{name}' for name, anchor in reason.scenarios)
        cell = reason.cell
        why = "<br>".join(_text(line) for line in (cell.detail, *cell.cut))
        if cell.under:  # indented under the cut's heading by check: a nested list here
            why += "<ul>" + "".join(f"<li>{_text(line)}</li>" for line in cell.under) + "</ul>"
        claim = reason.claim if reason.claim != shown else ""
        shown = reason.claim
        lines.append(f"| {claim} | {where} | {_text(cell_text(cell))} | {why} |")
    return lines


def _counterexample(cx: Counterexample) -> list[str]:
    lines = [f'<a id="{cx.id}"></a>', "",
             f"### {cx.claim} in {cx.scenario.name} (`{cx.scenario.hops}`): {cx.status}", "",
             cx.verdict, "", "```text", *cx.witness, "```", "",
             f"{REPRODUCE} `{cx.check}`", ""]
    if cx.msc is not None:
        lines += ["```mermaid", mermaid.render(cx.msc).rstrip("\n"), "```", ""]
    return lines


def _dry_run(error: DryRunEntry) -> list[str]:
    return [f'<a id="{error.id}"></a>', "",
            f"## Variant error found by the dry run with hops `{error.hops}`", "", DRY_RUN, "",
            error.detail, "", "```text", *error.witness, "```", "",
            f"{DRY_RUN_CHECK} `{error.check}`"]


def bounded_lines(bounded: Bounded) -> list[str]:
    lines = [f"Bound: {bounded.bound}. {bounded.states} states, {bounded.transitions} "
             f"transitions, " + ("bound exhausted." if bounded.exhausted else
                                 "bound NOT exhausted."), "", coverage_text(bounded), ""]
    for f in bounded.findings:
        lines += [f'<a id="{f.id}"></a>', "", f"### {f.claim}: {f.status}", "", f.detail, "",
                  f"Shortest counterexample, {actions_text(len(f.trace))} "
                  f"({SAVED}):", "",
                  "```text", *numbered_starts(f.trace), *check_line_text(f), "```", ""]
    if not bounded.findings:
        lines += ["No claim is violated within the bound.", ""]
    return lines


def variant_page(section: VariantSection, results: list[ScenarioResult],
                 bounded: Bounded | None, attacker: str, claims: tuple[str, ...]) -> str:
    variant = section.variant
    lines = [f"# {variant.label}: {section.title}", "", f"Specification: {section.specs}.",
             "", f"Attacker model: {attacker}.",
             "", "Promises (from the variant's own module):", ""]
    lines += [f"- {p}" for p in section.promises]
    if section.dry_run is not None:
        lines += ["", *_dry_run(section.dry_run)]
    lines += ["", LEGEND]
    lines += ["", f"## Key graph of `{section.scenario.hops}`", ""]
    if section.graph is None or section.derivability is None:
        lines += [f"None: the run of `{section.scenario.hops}` stopped at a variant error "
                  "(see the counterexamples)."]
    else:
        lines += [f"Red: what {section.graph.attacker} can derive. Public inputs and "
                  "constants are in the [DOT](graph.dot) and [GraphML](graph.graphml) files.",
                  "", "![key-dependency graph](graph.svg)", "",
                  f"## Who can derive which KeNB in `{section.scenario.hops}`", "",
                  DERIVABILITY, ""]
        lines += derivability_table(section.derivability)
    lines += ["", "## Why the claims hold: what the attacker lacks", "", WHY, "",
              *reason_lines(claims, results)]
    lines += ["", "## Counterexamples", ""]
    found = [cx for r in results for cx in r.counterexamples]
    for cx in found:
        lines += _counterexample(cx)
    if not found:
        lines += ["No claim fails in these scenarios.", ""]
    if bounded is not None:
        lines += ["## Bounded verification", "", *bounded_lines(bounded)]
    lines += ["## Message sequence charts", ""]
    for result in results:
        lines += [f'<a id="{result.msc.id}"></a>', "",
                  f"### {result.scenario.name}: `{result.scenario.hops}`", "",
                  "```mermaid", mermaid.render(result.msc).rstrip("\n"), "```", ""]
    return "\n".join(lines)
