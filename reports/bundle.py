"""Every file of the report, rendered from its data: relative path -> bytes.

Same data, same bytes: no timestamps or absolute paths; JSON keys as the documents order
them, floats never appear.
"""

from __future__ import annotations

import json

from hoverify.properties.claims import unexercised_words
from hoverify.reports import dot, graphml, html, markdown, svg_graph
from hoverify.reports.data import BROKEN, ReportData
from hoverify.reports.words import cell_text

SCHEMA_VERSION = 1
VERDICTS = "verdicts.json"
INDEX_MD, INDEX_HTML = "index.md", "index.html"
TOP_FILES = frozenset({INDEX_MD, INDEX_HTML, VERDICTS})  # beside one folder per variant


def verdicts(data: ReportData) -> str:
    errors = {s.variant: s.dry_run for s in data.sections if s.dry_run is not None}
    doc = {
        "schema_version": SCHEMA_VERSION,
        "hoverify": data.version,
        "claims": list(data.claims),
        "variants": [{"label": v.label, "variant": v.name, "bit_placement": v.bit_placement,
                      "file": v.file,
                      # the dry run's variant error no run of the report met, as check's
                      **({"variant_error": errors[v].document} if v in errors else {})}
                     for v in data.variants],
        "scenarios": [{"name": s.name, "hops": s.hops, "title": s.title,
                       "compromises": [f"{e}@{h}" for e, h in s.compromises],
                       "backhaul_unprotected": s.backhaul_unprotected}
                      for s in data.scenarios],
        "attacker": data.attacker,
        "conclusion": list(data.conclusion),
        "results": [{"variant": r.variant.label, "scenario": r.scenario.name,
                     "matrix": {claim: cell_text(cell) for claim, cell in r.cells},
                     "check": r.check} for r in data.results],
        "bounded_verification": [
            {"variant": b.variant.label, "bound": b.bound, "states": b.states,
             "transitions": b.transitions, "depth": b.depth, "exhausted": b.exhausted,
             "sometimes": dict(b.sometimes), "vacuous": list(b.vacuous),
             "beyond_bound": list(b.beyond_bound),
             "unexercised": unexercised_words(dict(b.unexercised)),
             "not_reached": [str(u) for u in b.not_reached],
             "faults_not_searched": list(b.faults_not_searched),
             "findings": [{"claim": f.claim, "promised": f.status == BROKEN,
                           "detail": f.detail, "trace": list(f.trace), "check": f.check,
                           "check_unavailable": f.check_unavailable,
                           "check_note": f.check_note} for f in b.findings]}
            for b in data.bounded],
    }
    return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"


def render(data: ReportData) -> dict[str, bytes]:
    files = {INDEX_MD: markdown.index(data), INDEX_HTML: html.render(data),
             VERDICTS: verdicts(data)}
    for section in data.sections:
        slug = section.variant.slug
        results = [r for r in data.results if r.variant == section.variant]
        bounded = next((b for b in data.bounded if b.variant == section.variant), None)
        files[f"{slug}/report.md"] = markdown.variant_page(section, results, bounded,
                                                           data.attacker, data.claims)
        if section.graph is not None:  # None: the run stopped at a variant error
            files[f"{slug}/graph.svg"] = svg_graph.render(section.graph, "g")
            files[f"{slug}/graph.dot"] = dot.render(section.graph)
    out = {name: text.encode() for name, text in files.items()}
    for section in data.sections:
        if section.graph is not None:
            out[f"{section.variant.slug}/graph.graphml"] = graphml.render(section.graph)
    return out
