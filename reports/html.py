"""The report as one self-contained HTML page: inline CSS and SVG, no script, nothing
fetched. Links only to anchors in the page and to the DOT/GraphML/SVG files beside it."""

from __future__ import annotations

from html import escape

from hoverify.properties.exploration import actions_text, numbered_starts
from hoverify.reports import anchors, svg_graph, svg_msc
from hoverify.reports.data import (
    BROKEN,
    FAILS,
    HOLDS,
    VACUOUS,
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
from hoverify.reports.scenarios import REFERENCE
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
    plain,
    untested_cell,
)

CSS = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2933;
       margin: 0 auto; max-width: 1280px; padding: 0 24px 48px; }
h1 { font-size: 24px; margin: 24px 0 4px; }
h2 { margin-top: 36px; border-bottom: 1px solid #d9e2ec; }
nav a { margin-right: 14px; } code, pre { font-family: "DejaVu Sans Mono", Menlo, monospace; }
pre { background: #f5f7fa; padding: 8px 10px; overflow-x: auto; font-size: 12px; }
table { border-collapse: collapse; margin: 8px 0 16px; }
th, td { border: 1px solid #d9e2ec; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f0f4f8; } td.group { font-weight: 600; background: #f7f9fb; }
td.group code { word-break: break-all; } td.claim { white-space: nowrap; }
#matrix td.group { max-width: 15em; }
td.holds { background: #e3f6e8; } td.broken { background: #f8c9c4; font-weight: 700; }
td.fails { background: #fdebd3; } td.na { color: #9aa5b1; }
td.vacuous { background: #eef0f3; font-style: italic; }
td.derives { background: #f8c9c4; font-weight: 700; } td.serves { background: #e0ecfb; }
.scroll { overflow-x: auto; border: 1px solid #d9e2ec; margin: 8px 0 16px; }
.conclusion li { margin: 4px 0; } .muted { color: #616e7c; }
details { margin: 6px 0; } summary { cursor: pointer; }
"""

# only in a report with a variant error, so that the others stay byte-identical
VARIANT_ERROR_CSS = ("td.variant-error { background: #f8c9c4; font-weight: 700; "
                     "outline: 2px dashed #b42318; }\n")
STATUS_CLASS = {HOLDS: "holds", BROKEN: "broken", FAILS: "fails", VACUOUS: "vacuous",
                VARIANT_ERROR: "variant-error"}


def _cell(cell: Cell) -> str:
    css = STATUS_CLASS.get(cell.status, "na")
    text = escape(cell_text(cell))
    target = cell.counterexample or cell.reason
    if target:
        text = f'<a href="#{target}">{text}</a>'
    if cell.counterexample and cell.reason:  # fails outside the promise: why it is no breach
        text += f' (<a href="#{cell.reason}">why</a>)'
    return f'<td class="{css}" title="{escape(cell.detail)}">{text}</td>'


def _matrix(data: ReportData) -> list[str]:
    head = "".join(f"<th>{escape(v.label)}</th>" for v in data.variants)
    rows = [f'<table id="matrix"><thead><tr><th>scenario</th><th>claim</th>{head}</tr>'
            "</thead><tbody>"]
    for scenario in data.scenarios:
        for number, claim in enumerate(data.claims):
            group = (f'<td class="group" rowspan="{len(data.claims)}">{escape(scenario.name)}'
                     f"<br><code>{escape(scenario.hops)}</code></td>" if number == 0 else "")
            cells = "".join(_cell(data.result(v, scenario).cell(claim)) for v in data.variants)
            rows.append(f'<tr>{group}<td class="claim">{escape(claim)}</td>{cells}</tr>')
    rows.append("</tbody></table>")
    return rows


def _derivability(table: Derivability) -> list[str]:
    head = "".join(f"<th>KeNB[hop {h}]<br><span class=muted>{escape(s)}</span></th>"
                   for h, s in zip(table.hops, table.serving, strict=True))
    rows = [f"<table class=derivability><thead><tr><th>entity (compromised from)</th>"
            f"{head}</tr></thead><tbody>"]
    for entity, hop, cells in table.rows:
        tds = "".join(f'<td class="{c}">{c or "·"}</td>' for c in cells)
        rows.append(f"<tr><td>{escape(compromised_from(entity, hop))}</td>{tds}</tr>")
    rows.append("</tbody></table>")
    return rows


def _reasons(claims: tuple[str, ...], results: list[ScenarioResult]) -> list[str]:
    found = reasons(claims, results)
    if not found:
        return [f"<p>{escape(NO_REASON)}</p>"]
    rows = ["<table class=why><thead><tr><th>claim</th><th>scenarios</th><th>verdict</th>"
            "<th>why (what <code>hoverify check</code> says)</th></tr></thead><tbody>"]
    shown = ""
    for reason in found:
        cell = reason.cell
        where = ", ".join(f'<span id="{anchor}">{escape(name)}</span>'
                          for name, anchor in reason.scenarios)
        why = "<br>".join(escape(line) for line in (cell.detail, *cell.cut))
        if cell.under:  # indented under the cut's heading by check: a nested list here
            why += "<ul>" + "".join(f"<li>{escape(line)}</li>" for line in cell.under) + "</ul>"
        claim = escape(reason.claim) if reason.claim != shown else ""
        shown = reason.claim
        rows.append(f'<tr><td class="claim">{claim}</td><td>{where}</td>'
                    f'<td class="{STATUS_CLASS.get(cell.status, "na")}">'
                    f"{escape(cell_text(cell))}</td><td>{why}</td></tr>")
    rows.append("</tbody></table>")
    return rows


def _counterexample(cx: Counterexample) -> list[str]:
    lines = [f'<h4 id="{cx.id}">{escape(cx.claim)} in {escape(cx.scenario.name)} '
             f"(<code>{escape(cx.scenario.hops)}</code>): {escape(cx.status)}</h4>",
             f"<p>{escape(cx.verdict)}</p>",
             "<pre>" + escape("\n".join(cx.witness)) + "</pre>",
             f"<p>{escape(REPRODUCE)} <code>{escape(cx.check)}</code></p>"]
    if cx.msc is not None:
        lines += ["<details><summary>message sequence chart of the counterexample</summary>",
                  f'<div class="scroll">{svg_msc.render(cx.msc)}</div></details>']
    return lines


def _dry_run(error: DryRunEntry) -> list[str]:
    return [f'<h3 id="{error.id}">Variant error found by the dry run with hops '
            f"<code>{escape(error.hops)}</code></h3>",
            f"<p class=muted>{escape(plain(DRY_RUN))}</p>", f"<p>{escape(error.detail)}</p>",
            "<pre>" + escape("\n".join(error.witness)) + "</pre>",
            f"<p>{escape(DRY_RUN_CHECK)} <code>{escape(error.check)}</code></p>"]


def _anchors(data: ReportData) -> list[str]:
    """The formal anchors' published verdicts beside this report's (``reports/anchors.py``)."""
    rows = ['<h2 id="anchors">Formal anchors</h2>',
            f"<p class=muted>{escape(plain(ANCHORS_INTRO))}</p>",
            "<table><thead><tr><th>query kind</th><th>ProVerif, LTE</th><th>Tamarin, 5G</th>"
            f"<th>{escape(REFERENCE.label)} in this report</th><th>why they may differ</th>"
            "</tr></thead><tbody>"]
    for a in anchors.ANCHORS:
        cells = (a.kind, f"{a.proverif.verdict}: {a.proverif.where}",
                 f"{a.tamarin.verdict}: {a.tamarin.where}",
                 anchor_verdict(a, anchors.cells(data, a)), a.why)
        rows.append("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in cells) + "</tr>")
    rows.append("</tbody></table><ul>")
    rows += [f"<li>{escape(m.tool)}: {escape(m.paper)}; <code>{escape(m.repository)}</code>: "
             f"{escape(m.files)}</li>" for m in anchors.MODELS]
    return [*rows, "</ul>"]


def _bounded_table(data: ReportData) -> list[str]:
    rows = ["<table><thead><tr><th>variant</th><th>bound</th><th>states</th>"
            "<th>transitions</th><th>exhausted</th><th>shortest violations</th>"
            "<th>untested</th></tr></thead>"
            "<tbody>"]
    for b in data.bounded:
        found = ", ".join(f'<a href="#{f.id}">{escape(f.claim)}, {escape(f.status)}, '
                          f"{actions_text(len(f.trace))}</a>" for f in b.findings) or "none"
        rows.append(f"<tr><td>{escape(b.variant.label)}</td><td>{escape(b.bound)}</td>"
                    f"<td>{b.states}</td><td>{b.transitions}</td>"
                    f"<td>{'yes' if b.exhausted else 'NO'}</td><td>{found}</td>"
                    f"<td>{escape(untested_cell(b))}</td></tr>")
    rows.append("</tbody></table>")
    return rows


def _bounded(bounded: Bounded) -> list[str]:
    lines = ["<h3>Bounded verification</h3>",
             f"<p>Bound: {escape(bounded.bound)}. {bounded.states} states, "
             f"{bounded.transitions} transitions, "
             + ("bound exhausted.</p>" if bounded.exhausted else "bound NOT exhausted.</p>"),
             f"<p>{escape(coverage_text(bounded))}</p>"]
    for f in bounded.findings:
        lines += [f'<h4 id="{f.id}">{escape(f.claim)}: {escape(f.status)}</h4>',
                  f"<p>{escape(f.detail)}</p>",
                  f"<p class=muted>Shortest counterexample, {actions_text(len(f.trace))} "
                  f"({escape(SAVED)}):</p>",
                  "<pre>" + escape("\n".join((*numbered_starts(f.trace), *check_line_text(f))))
                  + "</pre>"]
    if not bounded.findings:
        lines.append("<p>No claim is violated within the bound.</p>")
    return lines


def _section(section: VariantSection, results: list[ScenarioResult],
             bounded: Bounded | None, claims: tuple[str, ...]) -> list[str]:
    slug = section.variant.slug
    lines = [f'<h2 id="{slug}">{escape(section.variant.label)}: {escape(section.title)}</h2>',
             f"<p class=muted>{escape(section.specs)}</p>", "<ul>"]
    lines += [f"<li>{escape(p)}</li>" for p in section.promises]
    lines.append("</ul>")
    if section.dry_run is not None:
        lines += _dry_run(section.dry_run)
    lines.append(f"<h3>Key graph of <code>{escape(section.scenario.hops)}</code></h3>")
    if section.graph is None or section.derivability is None:
        lines.append(f"<p>None: the run of <code>{escape(section.scenario.hops)}</code> "
                     "stopped at a variant error (see the counterexamples).</p>")
    else:
        lines += [f'<p>Files: <a href="{slug}/graph.svg">SVG</a>, <a href="{slug}/graph.dot">'
                  f'DOT</a>, <a href="{slug}/graph.graphml">GraphML</a> (with public inputs '
                  "and constants).</p>",
                  f'<div class="scroll keygraph">'
                  f'{svg_graph.render(section.graph, f"g-{slug}")}</div>',
                  f"<h3>Who can derive which KeNB in "
                  f"<code>{escape(section.scenario.hops)}</code></h3>"
                  f"<p class=muted>{escape(plain(DERIVABILITY))}</p>"]
        lines += _derivability(section.derivability)
    lines += ["<h3>Why the claims hold: what the attacker lacks</h3>",
              f"<p class=muted>{escape(plain(WHY))}</p>", *_reasons(claims, results)]
    found = [cx for r in results for cx in r.counterexamples]
    lines.append("<h3>Counterexamples</h3>")
    for cx in found:
        lines += _counterexample(cx)
    if not found:
        lines.append("<p>No claim fails in these scenarios.</p>")
    if bounded is not None:
        lines += _bounded(bounded)
    lines.append("<h3>Message sequence charts</h3>")
    for result in results:
        lines += [f'<details id="{result.msc.id}"><summary>{escape(result.scenario.name)}: '
                  f"<code>{escape(result.scenario.hops)}</code></summary>",
                  f'<div class="scroll">{svg_msc.render(result.msc)}</div></details>']
    return lines


def render(data: ReportData) -> str:
    title = f"hoverify report: LTE handover key derivation ({data.version})"
    nav = "".join(f'<a href="#{s.variant.slug}">{escape(s.variant.label)}</a>'
                  for s in data.sections)
    lines = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             f"<title>{escape(title)}</title>",
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<style>{CSS}{VARIANT_ERROR_CSS if data.has_variant_error else ''}</style>"
             "</head><body>", f"<h1>{escape(title)}</h1>",
             f"<p>Attacker model: {escape(data.attacker)}.</p>",
             f'<nav><a href="#conclusion">conclusion</a><a href="#verdicts">verdicts</a>'
             '<a href="#bounded">bounded verification</a>'
             f'<a href="#anchors">formal anchors</a>{nav}'
             "</nav>", '<h2 id="conclusion">Conclusion</h2>',
             "<p class=muted>Computed from the verdicts below.</p>", '<ul class="conclusion">']
    lines += [f"<li>{escape(s)}</li>" for s in data.conclusion]
    lines += ["</ul>", '<h2 id="verdicts">Verdict matrix</h2>',
              f"<p class=muted>{escape(plain(LEGEND))}</p>"]
    if data.has_variant_error:
        lines.append(f"<p class=muted>{escape(plain(VARIANT_ERROR_LEGEND))}</p>")
    lines += _matrix(data)
    lines += ["<h3>Scenarios</h3><table><thead><tr><th>scenario</th><th>in the conclusion</th>"
              "<th>hops</th><th>attacker</th></tr></thead><tbody>"]
    for s in data.scenarios:
        lines.append(f"<tr><td>{escape(s.name)}</td><td>{escape(s.title)}</td>"
                     f"<td><code>{escape(s.hops)}</code></td>"
                     f"<td>{escape(attacker_text(s))}</td></tr>")
    lines.append("</tbody></table>")
    lines += ['<h2 id="bounded">Bounded verification</h2>',
              f"<p class=muted>{escape(plain(bounded_intro(data.bounded)))}</p>"]
    lines += _bounded_table(data)
    lines += _anchors(data)
    for section in data.sections:
        bounded = next((b for b in data.bounded if b.variant == section.variant), None)
        lines += _section(section, [r for r in data.results if r.variant == section.variant],
                          bounded, data.claims)
    lines.append("</body></html>")
    return "\n".join(lines) + "\n"
