"""``hoverify report``: the committed report is current, generation is deterministic and
atomic, the matrix and the counterexamples are there, the conclusion follows the verdicts,
and the HTML page renders in a real browser without fetching anything."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import replace
from html import escape, unescape
from pathlib import Path

import networkx as nx
import pytest
from default_report import Generated
from hoverify.properties import workers
from hoverify.properties.claims import (
    AGREEMENT,
    BACKWARD,
    CAPTURE,
    CLAIMS,
    DENIAL,
    DOWNGRADE,
    FORWARD,
    INJECTIVE,
    all_claims,
    unexercised_words,
)
from hoverify.properties.engine import UncoveredKeNB
from hoverify.properties.exploration import numbered_starts
from hoverify.properties.verify import verify
from hoverify.reports import anchors, bundle, markdown, mermaid, svg_graph, svg_msc
from hoverify.reports import html as html_report
from hoverify.reports.conclusion import (
    FORMER_SERVING,
    RETURNED,
    Attack,
    Sides,
    conclusion,
    scenario_list,
)
from hoverify.reports.data import (
    BROKEN,
    FAILS,
    HOLDS,
    NA,
    VACUOUS,
    Bounded,
    BoundedFinding,
    Cell,
    Msc,
    MscMessage,
    MscNote,
    ReportData,
    ScenarioResult,
)
from hoverify.reports.scenarios import (
    REFERENCE,
    REPRESENTATIVE,
    SCENARIOS,
    VARIANTS,
    VERIFY_FAULTS,
    VERIFY_MAX_HANDOVERS,
    VariantRef,
)
from hoverify.reports.status import VARIANT_ERROR
from hoverify.reports.words import (
    BOUNDED,
    UNTESTED,
    WORDS,
    cell_text,
    check_line_text,
    untested_cell,
    verdict_word,
)
from hoverify.statemachines.topology import default_topology
from hoverify.statemachines.variant import ASSUMPTIONS
from hoverify.statemachines.variants import load

from hoverify import atomic_dir
from hoverify.cli import main
from hoverify.errors import UsageError
from hoverify.report_job import build, choose_variants, summary, variant_files, write_report
from hoverify.runs import check_text

COMMITTED = Path(__file__).resolve().parent.parent / "reports" / "default"
REGENERATE = "hoverify report --out reports/default"
# a holding downgrade-resistance's cut where no edit completed (``downgrade._downgrade``)
REFUSED_EACH = ("each edit is refused by the UE, or makes UE and target disagree (the target "
                "rejects the HO confirm)")


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


# -- the committed report, determinism, atomicity ----------------------------------------------
def test_committed_report_is_current(default_report: Generated) -> None:
    fresh, committed = tree(default_report.out), tree(COMMITTED)
    stale = sorted(name for name in fresh.keys() | committed.keys()
                   if fresh.get(name) != committed.get(name))
    assert not stale, f"reports/default is stale ({', '.join(stale)}): run `{REGENERATE}`"


def test_every_page_states_the_attacker_model(default_report: Generated) -> None:
    """The report's attacker is the default model (TS 33.401: Uu active, backhaul under
    NDS/IP), on every page and in verdicts.json."""
    line = "Uu active; S1, X2, S10 protected (NDS/IP): drop/delay only"
    pages = [p for p in default_report.out.rglob("*") if p.suffix in (".md", ".html")]
    assert pages and all(f"Attacker model: {line}" in p.read_text() for p in pages)
    verdicts = json.loads((default_report.out / "verdicts.json").read_text())
    assert verdicts["attacker"].startswith(line)


def test_docs_name_every_field_of_verdicts_json() -> None:
    """dev43: docs/report.md listed verdicts.json's fields by hand and missed `attacker` and
    `results` (it described the latter without naming it): every field of the committed
    file, at the top, in each result, in each variant and in each bounded verification, is
    named in that row as `field`."""
    row = next(line for line in (Path(__file__).parent.parent / "docs" / "report.md")
               .read_text().splitlines() if line.startswith("| `verdicts.json` |"))
    doc = json.loads((COMMITTED / "verdicts.json").read_text())
    fields = {*doc, *doc["results"][0], *doc["variants"][0], *doc["bounded_verification"][0]}
    assert sorted(f for f in fields if f"`{f}`" not in row) == []


def test_two_runs_write_identical_bytes(default_report: Generated,
                                        tmp_path: Path) -> None:
    write_report(tmp_path / "again", choose_variants(None), lambda _: None)
    first, second = tree(default_report.out), tree(tmp_path / "again")
    assert first.keys() == second.keys()
    assert [n for n in first if first[n] != second[n]] == []


OLD = {"index.md": b"old report\n", "seed-fs-nas/graph.dot": b"digraph old {}\n",
       "verdicts.json": b"{}\n"}


def _leftovers(parent: Path, name: str) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(f".{name}."))


@pytest.mark.parametrize("failure", [OSError(28, "No space left on device"),
                                     KeyboardInterrupt()])
def test_a_failure_mid_write_leaves_the_previous_report_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: BaseException) -> None:
    out = tmp_path / "report"
    atomic_dir.replace_directory(OLD, out)
    written: list[Path] = []
    real_write = atomic_dir.write_file

    def failing_write(path: Path, content: bytes) -> None:
        if len(written) == 2:
            raise failure
        written.append(path)
        real_write(path, content)

    monkeypatch.setattr(atomic_dir, "write_file", failing_write)
    with pytest.raises(type(failure)):
        atomic_dir.replace_directory({f"file-{i}.txt": b"new" for i in range(5)}, out)
    assert len(written) == 2  # it did fail in the middle
    assert tree(out) == OLD
    assert _leftovers(tmp_path, "report") == []


def test_a_failed_swap_puts_the_previous_report_back(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "report"
    atomic_dir.replace_directory(OLD, out)
    real_replace = atomic_dir.os.replace
    calls: list[str] = []

    def second_fails(src: Path, dst: Path) -> None:
        calls.append(str(src))
        if len(calls) == 2:  # the new tree into place
            raise OSError(5, "Input/output error")
        real_replace(src, dst)

    monkeypatch.setattr(atomic_dir.os, "replace", second_fails)
    with pytest.raises(OSError):
        atomic_dir.replace_directory({"index.md": b"new\n"}, out)
    monkeypatch.undo()
    assert len(calls) == 3  # old aside, new in (fails), old back
    assert tree(out) == OLD
    assert _leftovers(tmp_path, "report") == []


def test_cli_reports_a_failed_write_in_one_line_and_keeps_the_old_report(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report"
    atomic_dir.replace_directory(OLD, out)

    def full(path: Path, content: bytes) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic_dir, "write_file", full)
    code = main(["report", "--out", str(out), "--variants", "ts33401", "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "No space left on device" in err
    assert tree(out) == OLD


def test_ctrl_c_in_the_bounded_verification_writes_no_report(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """review22: Ctrl-C in the report's bounded verification (the search returns what it
    found so far, ``stopped`` interrupted) ended in exit 0, "report written" and a report
    of the partial search in place of the previous one. The interrupt arrives here in the
    search's second level, as a terminal's SIGINT would (no timing involved)."""
    out = tmp_path / "report"
    atomic_dir.replace_directory(OLD, out)
    levels: list[None] = []
    real_expand = workers.InProcess.expand

    def interrupted(self: workers.InProcess, *args: object) -> list[object]:
        levels.append(None)
        if len(levels) == 2:
            raise KeyboardInterrupt
        return real_expand(self, *args)

    monkeypatch.setattr(workers.InProcess, "expand", interrupted)
    code = main(["report", "--out", str(out), "--variants", "ts33401", "--quiet"])
    captured = capsys.readouterr()
    assert len(levels) == 2  # the search was interrupted, in its second level
    assert (code, captured.out, captured.err) == (130, "", "hoverify: interrupted\n")
    assert tree(out) == OLD
    assert _leftovers(tmp_path, "report") == []


# -- what the report contains ------------------------------------------------------------------
def test_matrix_has_every_claim_variant_and_scenario(
        default_report: Generated) -> None:
    out = default_report.out
    md = (out / "index.md").read_text()
    md = md[md.index("## Verdict matrix"):md.index("## Bounded verification")]
    header = next(line for line in md.splitlines() if line.startswith("| scenario | claim |"))
    assert header == "| scenario | claim | " + " | ".join(v.label for v in VARIANTS) + " |"
    rows = [line for line in md.splitlines() if re.match(r"\| [^|]* \| [a-z-]+ \| ", line)
            and not line.startswith("| scenario")]
    assert len(rows) == len(SCENARIOS) * len(CLAIMS)
    assert {row.split(" | ")[1] for row in rows} == set(CLAIMS)
    html = (out / "index.html").read_text()
    table = html[html.index('<table id="matrix">'):]
    table = table[:table.index("</table>")]
    for name in (*CLAIMS, *(v.label for v in VARIANTS), *(s.hops for s in SCENARIOS)):
        assert f">{escape(name)}<" in table
    assert table.count("<tr>") == 1 + len(SCENARIOS) * len(CLAIMS)
    doc = json.loads((out / "verdicts.json").read_text())
    assert doc["schema_version"] == 1
    assert len(doc["results"]) == len(VARIANTS) * len(SCENARIOS)
    assert all(set(r["matrix"]) == set(CLAIMS) and r["check"]["claims"]
               for r in doc["results"])


def test_formal_anchors_show_this_reports_verdicts(default_report: Generated) -> None:
    """Each anchor's row gives, beside the published verdicts, the matrix's own cell of
    ts33401 for each claim and scenario it names; a claim the report lacks is not judged."""
    out, data = default_report.out, default_report.data
    md = (out / "index.md").read_text()
    md = md[md.index("## Formal anchors"):md.index("## Scenarios")]
    html = (out / "index.html").read_text()
    html = html[html.index('<h2 id="anchors">'):]
    html = html[:html.index("</table>")]
    assert html.count("<tr>") == 1 + len(anchors.ANCHORS)
    by_name = {s.name: s for s in SCENARIOS}
    for anchor in anchors.ANCHORS:
        row = next(line for line in md.splitlines()
                   if line.startswith(f"| {anchor.kind.replace('*', chr(92) + '*')} |"))
        assert f"{anchor.proverif.verdict}: " in row and f"{anchor.tamarin.verdict}: " in row
        for claim in anchor.claims:
            if claim not in CLAIMS:
                assert f"{claim}: not judged" in row
                continue
            for name in anchor.scenarios:
                cell = data.result(REFERENCE, by_name[name]).cell(claim)
                assert f"{name} {cell_text(cell)}" in row, (anchor.kind, claim, name)
        if not anchor.claims:
            assert "no claim of this report asks it" in row


def test_seed_fs_alg_id_capture_has_a_counterexample_chart(
        default_report: Generated) -> None:
    out, data = default_report.out, default_report.data
    variant = VariantRef("seed-fs", "alg-id")
    s1 = next(s for s in SCENARIOS if s.name == "s1")
    # no edit of the source completes the S1 hop (the MME applies KeNB*+ whatever the source
    # says): agree37 read that vacuous; situ38: each edit the UE or the target refused is the
    # claim's situation, and it holds
    assert data.result(variant, s1).cell(DOWNGRADE).status == HOLDS
    cell = data.result(variant, s1).cell(CAPTURE)
    assert cell.status == FAILS and cell.counterexample
    cx = next(c for c in data.result(variant, s1).counterexamples if c.claim == CAPTURE)
    assert cx.msc is not None and cx.id == cell.counterexample
    rewritten = [e for e in cx.msc.events if isinstance(e, MscMessage) and e.rewritten]
    assert [e.title for e in rewritten] == ["S1AP HandoverCommand"]
    assert "notification bit=0" in rewritten[0].fields
    refused = [e for e in cx.msc.events if isinstance(e, MscMessage) and not e.accepted]
    assert any("HO confirm" in e.title for e in refused)  # the real target rejects the UE
    assert cx.msc.compromised == (rewritten[0].receiver,)
    page = (out / variant.slug / "report.md").read_text()
    section = page[page.index(f'<a id="{cx.id}">'):]
    assert "```mermaid\nsequenceDiagram" in section and "rect rgb" in section.split("###")[1]
    html = (out / "index.html").read_text()
    assert f'<h4 id="{cx.id}">' in html and f'href="#{cx.id}"' in html


def test_every_failing_cell_links_a_counterexample_with_a_chart(
        default_report: Generated) -> None:
    data = default_report.data
    for result in data.results:
        ids = {cx.id: cx for cx in result.counterexamples}
        for claim, cell in result.cells:
            if cell.status in (BROKEN, FAILS):
                cx = ids[cell.counterexample or ""]
                assert cx.claim == claim and cx.witness
                assert cx.msc is not None and any(isinstance(e, MscMessage)
                                                  for e in cx.msc.events)
            else:
                assert cell.counterexample is None


def test_every_n_a_cell_says_why_with_check_s_reasons(default_report: Generated) -> None:
    """An n/a cell's head says only what its reasons (check's lines under the claim) bear
    out: it read "the claim does not apply to this variant or scenario" above "its situation
    never arose in this run" (helper-216 #2)."""
    seen = 0
    for result in default_report.data.results:
        for _, cell in result.cells:
            if cell.status == NA:
                seen += 1
                assert cell.cut and "does not apply" not in cell.detail, cell
                unjudged = any(line.startswith("not judged:") for line in cell.cut)
                assert cell.detail == ("no verdict" if unjudged
                                       else "no verdict: not promised here"), cell
    assert seen


def test_a_holding_n_hop_so_far_cell_shows_a_verdict_that_says_so_far(
        default_report: Generated) -> None:
    """The line a holding forward-security cell shows is a verdict its measure comes from
    (``extract.cell``): "holds, 2-hop so far" showed an attacker kept from the KeNB 2 hops on,
    the "so far" another attacker's, whose line only check showed (helper-263 #6)."""
    seen = 0
    for result in default_report.data.results:
        for claim, cell in result.cells:
            if claim == FORWARD and cell.status == HOLDS and cell.n_hops is not None:
                seen += cell.open_ended
                assert (f"{cell.n_hops}-hop forward security so far" in cell.detail) == \
                    cell.open_ended, cell
    assert seen


def test_forward_security_counterexample_marks_the_compromised_source(
        default_report: Generated) -> None:
    data = default_report.data
    x2 = next(s for s in SCENARIOS if s.name == "x2")
    cx = next(c for c in data.result(VARIANTS[0], x2).counterexamples if c.claim == FORWARD)
    assert cx.msc is not None and cx.msc.compromised == ("enb-1",)
    alarms = [e.text for e in cx.msc.events if isinstance(e, MscNote) and e.alarm]
    assert alarms[0] == "enb-1 compromised from hop 1" and "derives" in alarms[-1]


def test_graph_files_parse_and_agree(default_report: Generated) -> None:
    out, data = default_report.out, default_report.data
    for section in data.sections:
        folder = out / section.variant.slug
        graph = nx.read_graphml(folder / "graph.graphml")
        assert graph.number_of_nodes() == len(section.graph.nodes)
        assert graph.number_of_edges() == len(section.graph.edges)
        derivable = {n for n, a in graph.nodes(data=True) if a["derivable"]}
        assert derivable == {n.id for n in section.graph.nodes if n.derived} != set()
        svg = ET.parse(folder / "graph.svg").getroot()
        keys = [n for n in section.graph.nodes if n.kind == "key"]
        assert len(svg.findall(".//{http://www.w3.org/2000/svg}g[@class='key']")) == len(keys)
        dot = (folder / "graph.dot").read_text()
        declared = set(re.findall(r"^    (n\d+) \[", dot, re.M))
        used = set(re.findall(r"^  (n\d+) -> (n\d+)", dot, re.M))
        assert declared == {n.id for n in section.graph.nodes}
        assert {n for edge in used for n in edge} <= declared
        assert dot.count("{") == dot.count("}")


def test_every_inline_svg_is_well_formed(default_report: Generated) -> None:
    html = (default_report.out / "index.html").read_text()
    drawings = re.findall(r"<svg .*?</svg>", html, re.S)
    data = default_report.data
    charts = sum(1 + len(r.counterexamples) for r in data.results)
    assert len(drawings) == len(data.sections) + charts
    for drawing in drawings:
        ET.fromstring(drawing)


SVG = "{http://www.w3.org/2000/svg}"


def test_charts_show_every_word_in_full(default_report: Generated) -> None:
    """Nothing in a message sequence chart is cut: each message's name and information
    elements, and each note, are in its text lines whole, and no "…" appears."""
    charts = [c for r in default_report.data.results
              for c in (r.msc, *(x.msc for x in r.counterexamples if x.msc is not None))]
    for chart in charts:
        drawing = ET.fromstring(svg_msc.render(chart))
        assert "…" not in "".join(drawing.itertext())
        shown = ["".join(t.text or "" for t in group.iter(f"{SVG}text"))
                 for group in drawing.iter(f"{SVG}g") if group.get("class") in ("message",
                                                                                 "note")]
        wanted = [e.text if isinstance(e, MscNote) else e.title
                  + (f"({e.remark})" if e.remark else "")
                  + (e.fields if e.accepted else f"refused: {e.reason}") for e in chart.events]
        assert shown == wanted


def test_the_graph_legend_names_every_key_and_mark(default_report: Generated) -> None:
    """Every key name and hop type a built-in variant's graph shows, and the marks "#d",
    "@" and the shading, are explained in the legend under the graph's title."""
    chains = set()
    for section in default_report.data.sections:
        legend = " ".join(text for _, text, _ in svg_graph._legend(section.graph, 1000))
        names = {re.sub(r"\[.*", "", n.label) for n in section.graph.nodes if n.kind == "key"}
        names |= {column.split()[2] for column in section.graph.columns[1:]}
        assert names and all(f"{name}: " in legend for name in names), (names, legend)
        assert all(mark in legend for mark in ("WHO@N", "shading", "holders", "KDF: "))
        chain = any(n.label.startswith("NH[") for n in section.graph.nodes)
        assert chain == ("#d:" in legend) == ("NCC: " in legend)
        chains.add(chain)
    assert chains == {True, False}


def test_derivability_table_covers_every_hop(
        default_report: Generated) -> None:
    for section in default_report.data.sections:
        table = section.derivability
        assert table.hops == tuple(range(len(table.hops)))  # every hop's KeNB, set-up first
        assert all(len(cells) == len(table.hops) for _, _, cells in table.rows)
        assert {e for e, _, _ in table.rows} >= set(table.serving)


def test_progress_is_one_line_per_scenario(
        default_report: Generated) -> None:
    progress = default_report.progress
    total = len(VARIANTS) * len(SCENARIOS)
    assert len(progress) == total + len(VARIANTS)  # then one bounded verification each
    assert progress[2] == f"tr33821-v070 {SCENARIOS[2].hops} ..."
    assert progress[total] == "verify tr33821-v070, at most 1 handover(s) ..."


def test_bounded_verification_is_reported_as_verify_finds_it(default_report: Generated) -> None:
    """Each variant's bounded verification is in verdicts.json and on its page, exactly as
    `hoverify verify` finds it with the report's bound (its tests replay such traces)."""
    doc = json.loads((default_report.out / "verdicts.json").read_text())
    bounded = {b["variant"]: b for b in doc["bounded_verification"]}
    assert list(bounded) == [v.label for v in VARIANTS]
    for variant in VARIANTS:
        result = verify(load(variant.name, variant.bit_placement),
                        max_handovers=VERIFY_MAX_HANDOVERS, faults=frozenset(VERIFY_FAULTS))
        reported = bounded[variant.label]
        assert (reported["states"], reported["exhausted"]) == (result.states, True)
        assert [(f["claim"], f["promised"], f["trace"]) for f in reported["findings"]] == [
            (f.claim, f.promised, [a.text for a in f.trace])
            for f in result.findings()]
    # one handover: TS 33.401 breaks no promise; its X2 source derives KeNB* (TS 33.401
    # 7.2.8.4.2), so fake-cell-capture, not promised, fails with no edit (situ38)
    assert [(f["claim"], f["promised"]) for f in bounded["ts33401"]["findings"]] == [
        (CAPTURE, False)]
    [tr] = [f for f in bounded["tr33821-v070"]["findings"] if f["claim"] == FORWARD]
    assert not tr["promised"] and len(tr["trace"]) == 7
    page = (default_report.out / "tr33821-v070" / "report.md").read_text()
    assert "## Bounded verification" in page and "\n".join(numbered_starts(tr["trace"])) in page


def test_a_broken_two_hop_x2_promise_shows_in_the_report() -> None:
    """review28: a variant whose X2 source always derives KeNB* horizontally breaks TS 33.401
    7.2.8.4.2's 2-hop forward security on plain x2,x2, yet the report's "x2 hops" row read
    "holds, 2-hop so far, untested" (one x2 hop cannot break a 2-hop promise: TS 33.501 3.1,
    "the key used n or more hops later"), its bounded verification (one handover) said no
    violation, and the conclusion named only the race and the replay. Every scenario of one
    hop type can now break each promise made on it, the bounded section names the promises
    its bound cannot break, and the conclusion names the plain scenario."""
    path = str(Path(__file__).parent / "attack_variants" / "x2_horizontal_only.py")
    [(ref, schedule)] = variant_files([path])
    for scenario in SCENARIOS:
        types = set(scenario.hops.replace(":early", "").replace(":replay", "").split(","))
        for claim in all_claims(schedule, default_topology()):
            for promise in (p for p in schedule.promises() if p.claim == claim.name):
                # an intra-eNB hop uses no KeNB with another eNB, which forward and backward
                # security speak of (TS 33.501 3.1): no number of them breaks those promises
                if types <= {h.value for h in promise.hop_types} - {"intra-enb"}:
                    assert len(scenario.hops.split(",")) >= claim.handovers_to_break(
                        promise), (scenario.name, claim.name)
    data = build((), lambda _: None, files=[(ref, schedule)])
    x2 = next(s for s in SCENARIOS if s.name == "x2")
    assert cell_text(data.result(ref, x2).cell(FORWARD)) == "FAILS (promised), derives 2+ hops on"
    assert f"{ref.label} breaks its promise of forward-security on x2 hops, " in " ".join(
        data.conclusion)
    [bounded] = data.bounded
    # its X2 source derives KeNB* (situ38: capture, not promised, fails with no edit)
    assert [f.claim for f in bounded.findings] == [CAPTURE] and bounded.beyond_bound == (
        "forward-security's 2-hop promise on intra-enb and x2 hops (it needs 2 handovers)",)
    assert ("Untested within the bound: no run of at most 1 handover(s) can break "
            "forward-security's 2-hop promise on intra-enb and x2 hops (it needs 2 "
            "handovers).") in markdown.bounded_lines(bounded)[2]


def test_the_bounded_table_names_a_promise_its_faults_cannot_exercise() -> None:
    """review35: bit_unprotected (built on SeedFs) promises downgrade-resistance, whose
    situation is "a handover completed after a compromised eNB edited one of its messages";
    the report's bound has no rewrite fault, so no eNB edits within it and the promise is never
    tried, yet the "untested" column read "-": a reader took the bound to have covered it. The
    column, the variant's bounded section and the bundle name it, in verify's words."""
    path = str(Path(__file__).parent / "broken_variants" / "bit_unprotected.py")
    [(ref, schedule)] = variant_files([path])
    data = build((), lambda _: None, files=[(ref, schedule)])
    [bounded] = data.bounded
    said = f"{DOWNGRADE} (only an edit makes it arise, and the faults had no rewrite)"
    assert "rewrite" not in bounded.bound and unexercised_words(dict(bounded.unexercised)) == [
        said]
    untested = f"a promised claim's situation never arose (vacuous): {said}"
    [row] = [line for line in markdown.index(data).splitlines()
             if line.startswith(f"| {ref.label} | at most")]
    # the variant keeps no NH chain; the handover after an inter-MME one it still never meets
    cell = f"{untested}; not reached within the bound: a handover after an inter-MME one"
    assert row.endswith(f" | {cell} |")
    assert f"<td>{cell}</td></tr>" in unescape(html_report.render(data))
    assert f"A{untested[1:]}." in markdown.bounded_lines(bounded)[2]
    [entry] = json.loads(bundle.verdicts(data))["bounded_verification"]
    assert entry["unexercised"] == [said] and entry["vacuous"] == [DOWNGRADE]
    both = replace(bounded, beyond_bound=("forward-security's 2-hop promise",))
    assert untested_cell(both) == ("untested within the bound: no run of at most 1 handover(s) "
                                   "can break forward-security's 2-hop promise; a promised "
                                   f"claim's situation never arose (vacuous): {said}; not "
                                   "reached within the bound: a handover after an inter-MME "
                                   "one")


def test_the_bounded_intro_says_what_its_untested_column_names() -> None:
    """helper-225: the Bounded verification table's "untested" column names the promised
    claims whose situation never arose (vacuous) too, which the section's intro, saying it
    names the promises the bound cannot break, did not: the intro says each kind it names."""
    cell = untested_cell(Bounded(VariantRef("v"), "b", 1, 1, 1, True, (), 0.0,
                                 vacuous=(DOWNGRADE,)))
    assert f"({VACUOUS})" in cell and f"({VACUOUS}" in BOUNDED


def test_the_bounded_section_says_what_verify_does_not_reach(
        default_report: Generated, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """helper-152: `hoverify verify` with the report's bound says what the variant does only
    past it (an NCC wrap, TS 33.401 7.2.8.1.1; a handover after an inter-MME one, 7.2.8.4.3),
    yet the report's bounded verification said "exhausted", "-" untested: a reader took those
    to be covered. The table names them, the variant's section and verdicts.json say them as
    verify does, with the check line that runs one."""
    doc = json.loads((default_report.out / "verdicts.json").read_text())
    bounded = {b["variant"]: b for b in doc["bounded_verification"]}
    for variant in VARIANTS:
        argv = ["verify", "--variant", variant.name, "--max-handovers", str(VERIFY_MAX_HANDOVERS),
                "--quiet", "--json", "--out", str(tmp_path)]
        if variant.bit_placement is not None:
            argv += ["--bit-placement", variant.bit_placement]
        main(argv)
        said = json.loads(capsys.readouterr().out)["not_reached"]
        assert bounded[variant.label]["not_reached"] == said, variant.label
    ts = bounded["ts33401"]["not_reached"]
    assert [line.split(": ", 1)[0] for line in ts] == [
        "an NCC wrap", "a handover after an inter-MME one"]
    # helper-265: said of the variants without an NCC too (seed-fs breaks its backward-security
    # promise only after such a handover: the scenario target-id-back)
    for label in ("tr33821-v070", "seed-fs/nas"):
        [line] = bounded[label]["not_reached"]
        assert line.startswith("a handover after an inter-MME one: nothing reads the keys the "
                               "target MME of an s1-inter hop keeps"), line
    [row] = [line for line in (default_report.out / "index.md").read_text().splitlines()
             if line.startswith("| ts33401 | at most")]
    assert row.endswith("; not reached within the bound: an NCC wrap, and a handover after an "
                        "inter-MME one |")
    page = (default_report.out / "ts33401" / "report.md").read_text()
    assert all(f"Not reached within the bound: {line}." in page for line in ts)


def test_the_bounded_section_promises_no_file_the_report_does_not_write(tmp_path: Path) -> None:
    """review28: each bounded finding said `hoverify verify` saves it "under its `--out`,
    default `out/verify/`", read as if the report had: it writes no finding file. Said on
    the page (Markdown and HTML) as it is; and no report file is a finding file."""
    finding = BoundedFinding("bv-v-c", FORWARD, "fails (not promised)", "d", ("step",),
                             "hoverify check --hops x2")
    bounded = Bounded(VariantRef("v"), "b", 1, 1, 1, True, (finding,), 0.0)
    md = "\n".join(markdown.bounded_lines(bounded))
    assert "out/verify" not in md and "the report saves no finding file" in md
    assert "the report saves no finding file" in unescape("\n".join(html_report._bounded(
        bounded)))



def test_the_bounded_section_says_which_faults_it_did_not_search(
        default_report: Generated, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """newcomer #3: `hoverify verify` with the report's faults warns that it searched no
    duplicate, refuse, replay or rewrite (a promise only they break passes: the seed's Target
    ID attack needs a compromised eNB's rewrite), yet the report's section said "none means:
    no violation ... of any promise a run within the bound can break". The section, each
    variant's page and verdicts.json say it in verify's words (one definition)."""
    main(["verify", "--variant", "seed-fs", "--max-handovers", str(VERIFY_MAX_HANDOVERS),
          "--faults", ",".join(VERIFY_FAULTS), "--quiet", "--out", str(tmp_path)])
    [said] = [line for line in capsys.readouterr().out.splitlines()
              if line.startswith("faults not searched: ")]
    assert "rewrite" in said
    capital = f"F{said[1:]}."
    index = (default_report.out / "index.md").read_text()
    section = index[index.index("## Bounded verification"):index.index("## Formal anchors")]
    assert capital in section
    html = unescape((default_report.out / "index.html").read_text())
    assert capital in html[html.index('id="bounded"'):]
    page = (default_report.out / "seed-fs-nas" / "report.md").read_text()
    assert capital in page[page.index("## Bounded verification"):]
    doc = json.loads((default_report.out / "verdicts.json").read_text())
    assert all(b["faults_not_searched"] == ["duplicate", "refuse", "replay", "rewrite"]
               for b in doc["bounded_verification"])


# -- the conclusion follows the verdicts -------------------------------------------------------
SIDES = Sides("base", "prop", {"nas": "prop/nas", "alg-id": "prop/alg-id"}, "ref")
SCENES = [("s1", "s1 hops"), ("x2", "x2 hops")]


def statuses(**cells: str) -> dict[tuple[str, str, str], str]:
    """``base_s1="holds"`` etc.: every (variant, scenario) of SIDES, claim FORWARD;
    unnamed cells hold."""
    result = {}
    for label in ("base", "prop/nas", "prop/alg-id", "ref"):
        for scenario, _ in SCENES:
            key = f"{label.replace('/', '_').replace('-', '_')}_{scenario}"
            result[(label, scenario, FORWARD)] = cells.get(key, HOLDS)
    return result


def test_conclusion_names_the_fix_and_what_stays_open() -> None:
    words = conclusion(statuses(base_s1=FAILS, base_x2=FAILS, prop_nas_x2=FAILS,
                                prop_alg_id_x2=FAILS), [FORWARD], SCENES, SIDES)
    assert words[0] == ("prop fixes forward-security on s1 hops: it holds there with every "
                        "bit placement, and fails for base (not promised) (ref holds there).")
    assert words[1] == ("prop leaves forward-security open on x2 hops: it fails there with "
                        "every bit placement (not promised), as for base (ref holds there).")


def test_a_reference_that_holds_says_how_far() -> None:
    """The reference's forward security holds on X2 as 2-hop: its source derives the next
    KeNB as the baseline's does; the sentence says so rather than contrast 'holds' with
    'fails' (newcomer review; review19: "as 2-hop so far, untested" still read as a
    contrast)."""
    words = conclusion(statuses(base_x2=FAILS, prop_nas_x2=FAILS, prop_alg_id_x2=FAILS),
                       [FORWARD], SCENES, SIDES,
                       measured={("ref", "x2", FORWARD): (2, True, True)})
    assert ("prop leaves forward-security open on x2 hops: it fails there with every bit "
            "placement (not promised), as for base (ref holds there only as 2-hop so far, "
            "untested: its attacker derives the next KeNB too, and the run ends there).") in words
    one_hop = conclusion(statuses(base_x2=FAILS, prop_nas_x2=FAILS, prop_alg_id_x2=FAILS),
                         [FORWARD], SCENES, SIDES,
                         measured={("ref", "x2", FORWARD): (1, False, False)})
    assert any(s.endswith("(ref holds there, as 1-hop).") for s in one_hop), one_hop


def test_a_failing_forward_security_says_each_variants_measure() -> None:
    """review25: "seed-fs leaves forward-security open on the 10-hop chain ...: it fails
    there with every bit placement (not promised), as for tr33821-v070" while the matrix
    shows seed-fs's eNBs deriving 1 hop on and the TR's 9: each failing variant's measure is
    said as its cell says it, and "as for" only where the cells say the same."""
    fails = statuses(base_x2=FAILS, prop_nas_x2=FAILS, prop_alg_id_x2=FAILS)
    one_on = {("prop/nas", "x2", FORWARD): (2, True, False),
              ("prop/alg-id", "x2", FORWARD): (2, True, False)}
    nine_on = conclusion(fails, [FORWARD], SCENES, SIDES,
                         measured={**one_on, ("base", "x2", FORWARD): (10, False, False)})
    assert ("prop leaves forward-security open on x2 hops: it fails there with every bit "
            "placement (not promised, derives 1+ hops on), while for base it fails (not "
            "promised, derives 9 hops on) (ref holds there).") in nine_on
    alike = conclusion(fails, [FORWARD], SCENES, SIDES,
                       measured={**one_on, ("base", "x2", FORWARD): (2, True, False)})
    assert ("prop leaves forward-security open on x2 hops: it fails there with every bit "
            "placement (not promised, derives 1+ hops on), as for base (ref holds there)."
            ) in alike
    # the same measure, other words: outside the promise for prop, not promised for base
    outside = conclusion(fails, [FORWARD], SCENES, SIDES,
                         {("prop/nas", "x2", FORWARD): "A", ("prop/alg-id", "x2", FORWARD): "A"})
    assert ("On x2 hops, forward-security fails for prop with every bit placement outside "
            "the promise (A), while for base it fails (not promised) (ref holds there)."
            ) in outside


def test_a_failure_with_no_reach_to_measure_names_the_kenb_no_promise_covers() -> None:
    """helper-221: "seed-fs leaves forward-security open on x2,s1 with KASME revealed from
    hop 1: it fails there with every bit placement (not promised), as for tr33821-v070
    (ts33401 fails there, outside the promise: ... the attacker holds KASME)" read as seed-fs
    weaker than TS 33.401 against a KASME holder; it fails on hop 1's KeNB, after an X2 hop,
    for which it promises nothing. Where a cell measures no reach (its attacker has no
    legitimate KeNB to count hops from), the KeNB its verdict names as no promise's
    (``Cell.unpromised``) is said in the measure's place; the words come from the verdict."""
    fails = statuses(base_x2=FAILS, prop_nas_x2=FAILS, prop_alg_id_x2=FAILS, ref_x2=FAILS)
    mine = ("prop/nas", "prop/alg-id")
    unpromised = {(label, "x2", FORWARD): UncoveredKeNB(3, 2, "s1") for label in ("base", *mine)}
    ref = {("ref", "x2", FORWARD): "A"}
    words = conclusion(fails, [FORWARD], SCENES, SIDES, ref, unpromised=unpromised)
    assert ("prop leaves forward-security open on x2 hops: it fails there with every bit "
            "placement (not promised: the KeNB of hop 3, after s1 hop 2: prop promises "
            "nothing there), as for base (ref fails there, outside the promise: A).") in words
    # the baseline's verdict names another KeNB: each said as its cell says it; a KeNB
    # later than the hop that took the UE away names that hop
    other = {**unpromised, ("base", "x2", FORWARD): UncoveredKeNB(2, 2, "x2")}
    words = conclusion(fails, [FORWARD], SCENES, SIDES, ref, unpromised=other)
    assert ("prop leaves forward-security open on x2 hops: it fails there with every bit "
            "placement (not promised: the KeNB of hop 3, after s1 hop 2: prop promises nothing "
            "there), while for base it fails (not promised: the KeNB of x2 hop 2: base "
            "promises nothing there) (ref fails there, outside the promise: A).") in words
    # a measured reach says what fails, as the cell does
    measured = {(label, "x2", FORWARD): (2, True, False) for label in ("base", *mine)}
    words = conclusion(fails, [FORWARD], SCENES, SIDES, ref, measured,
                       unpromised=unpromised)
    assert ("prop leaves forward-security open on x2 hops: it fails there with every bit "
            "placement (not promised, derives 1+ hops on), as for base (ref fails there, "
            "outside the promise: A).") in words


def test_the_network_reading_the_backhaul_is_said_where_a_claim_holds_or_fails() -> None:
    """review25: with the backhaul unprotected, the network derives every KeNB (forward
    security's verdict line for it, outside the promise), which neither the cell (enb-1's
    "fails (not promised), derives 1 hop on") nor a sentence saying downgrade-resistance
    holds there (judged against a compromised eNB alone) said."""
    line = "hop 0, network: fails (outside the promise: B): derives the KeNBs of hops [0-2]"
    network = {("prop/nas", "x2"): line, ("prop/alg-id", "x2"): line,
               ("base", "x2"): "hop 0, network: fails (not promised): derives ..."}
    cells = {**statuses(base_x2=FAILS, prop_nas_x2=FAILS, prop_alg_id_x2=FAILS),
             **{(label, scene, claim): HOLDS for label in ("base", "prop/nas", "prop/alg-id",
                                                          "ref")
                for scene, _ in SCENES for claim in (DOWNGRADE, DENIAL, CAPTURE)}}
    cells[("base", "x2", DOWNGRADE)] = NA
    words = conclusion(cells, [FORWARD, DOWNGRADE, DENIAL, CAPTURE], SCENES, SIDES,
                       network=network)
    assert ("prop leaves forward-security open on x2 hops: it fails there with every bit "
            f"placement (not promised; {line}), while for base it fails (not promised; hop 0, "
            "network: fails (not promised): derives ...) (ref holds there).") in words
    assert ("The claim downgrade-resistance holds for prop on x2 hops (against a compromised "
            f"eNB alone; forward security's verdict there: {line}), and has no verdict for "
            "base (ref holds there).") in words
    for label in ("base", "prop/nas", "prop/alg-id", "ref"):
        cells[(label, "s1", DENIAL)] = FAILS
        cells[(label, "s1", CAPTURE)] = FAILS
    words = conclusion(cells, [FORWARD, DOWNGRADE, DENIAL, CAPTURE], SCENES, SIDES,
                       network=network)
    assert ("Neither is a downgrade: downgrade-resistance, which fails only when an edit of "
            "a handover's messages makes the UE and the honest target eNB complete it on a "
            "KeNB the attacker derives (one it derives without such an edit is forward "
            "security's to judge), holds "
            "for every variant reported wherever it has a verdict (on x2 hops against a "
            "compromised eNB alone: there the network, reading the backhaul, derives the "
            "KeNBs the UE and the target agree on, as forward security's verdict for it "
            "says).") in words


def test_a_reviewers_variant_gets_its_own_sentences() -> None:
    """review19: a report of reviewer variants (``--variant-file``) concluded nothing of
    them; each gets the promises it breaks and where it differs from the reference, with or
    without the seed's comparison."""
    mine = {("mine", s, FORWARD): (BROKEN if s == "x2" else HOLDS) for s, _ in SCENES}
    words = conclusion({**statuses(), **mine}, [FORWARD], SCENES, SIDES)
    assert "mine breaks its promise of forward-security on x2 hops." in words
    assert "Compared with ref, mine changes the verdicts of forward-security on x2 hops." in words
    alone = {key: v for key, v in statuses().items() if key[0] == "ref"}
    words = conclusion({**alone, **mine}, [FORWARD], SCENES, SIDES)
    # review28: it said only what it did not compare ("No conclusion: it compares prop ...");
    # helper-263: said after the reviewer's variant, which the report was run for
    assert words[-1] == ("No comparison of prop (every bit placement) with base: the report "
                         "did not run base, prop/nas and prop/alg-id; it compares mine with "
                         "ref.") and words[:-1] == (
        "mine breaks its promise of forward-security on x2 hops.",
        "Compared with ref, mine changes the verdicts of forward-security on x2 hops.")
    same = {("same", s, FORWARD): HOLDS for s, _ in SCENES}
    assert conclusion({**alone, **same}, [FORWARD], SCENES, SIDES)[:-1] == (
        "Every promise of same holds in these scenarios.",
        "same has the verdicts of ref in every scenario.")


def test_a_reviewers_variant_is_said_to_have_the_verdicts_of_a_built_in_one() -> None:
    """text41: the conclusion compared a reviewer's variant with the reference only; it names
    the built-in variants whose verdicts its own equal (computed by the report job), the
    reference aside (said already), or that none has them."""
    mine = {("mine", s, FORWARD): (BROKEN if s == "x2" else HOLDS) for s, _ in SCENES}
    words = conclusion({**statuses(), **mine}, [FORWARD], SCENES, SIDES,
                       twins={"mine": ["prop/nas"]})
    assert "The verdicts of mine equal those of prop/nas in every scenario." in words
    words = conclusion({**statuses(), **mine}, [FORWARD], SCENES, SIDES, twins={"mine": []})
    assert "The verdicts of mine equal those of no built-in variant this report ran." in words
    words = conclusion({**statuses(), **mine}, [FORWARD], SCENES, SIDES, twins={"mine": ["ref"]})
    assert not [w for w in words if w.startswith("The verdicts of mine")]


def test_the_report_names_the_built_in_variant_whose_verdicts_a_reviewers_equal(
        tmp_path: Path) -> None:
    """A reviewer's copy of seed-fs with the bit in the algorithm id, under its own name:
    its verdicts equal seed-fs/alg-id's (the same key schedule), not ts33401's."""
    copy = tmp_path / "copy.py"
    copy.write_text("from dataclasses import dataclass, field\n\n"
                    "from hoverify.statemachines.variants.seed_fs import SeedFs\n\n\n"
                    "@dataclass(frozen=True)\nclass Copy(SeedFs):\n"
                    "    name: str = 'seed-fs-copy'\n"
                    "    parameters: dict[str, str] = field(\n"
                    "        default_factory=lambda: {'bit_placement': 'alg-id'})\n\n\n"
                    "VARIANT = Copy()\n")
    out = tmp_path / "r"
    assert main(["report", "--out", str(out), "--variants", "ts33401", "seed-fs/alg-id",
                 "--variant-file", str(copy), "--quiet"]) == 0
    words = json.loads((out / "verdicts.json").read_text())["conclusion"]
    assert ("The verdicts of seed-fs-copy equal those of seed-fs/alg-id in every scenario."
            in words), words


def test_a_backward_promise_broken_by_a_former_serving_enb_is_said_so() -> None:
    """newcomer39: a reviewer's variant whose X2 source derives the next KeNB beyond its
    1-hop forward-security promise, the UE then coming back to that eNB, breaks backward
    security by TS 33.501 3.1's words (it knows an earlier KeNB than its own), but on the key
    forward security loses, not one from before that eNB served (TS 33.401 7.2.8.1): "breaks
    its promise of backward-security" alone read as a second flaw."""
    mine = {("mine", s, c): (BROKEN if s == "x2" else HOLDS)
            for s, _ in SCENES for c in (BACKWARD, FORWARD)}
    words = conclusion({**statuses(), **mine}, [BACKWARD, FORWARD], SCENES, SIDES,
                       former_serving={("mine", "x2", BACKWARD)})
    assert ("mine breaks its promise of backward-security on x2 hops (on KeNBs an eNB derived "
            "as the former serving eNB, beyond forward security's promise, and earlier than "
            "its own KeNB only because the UE came back to it: forward security's failure on "
            "the same keys, not a key from before that eNB served); forward-security on x2 "
            "hops.") in words
    plain = conclusion({**statuses(), **mine}, [BACKWARD, FORWARD], SCENES, SIDES)
    assert ("mine breaks its promise of backward-security on x2 hops; forward-security on x2 "
            "hops.") in plain


def test_the_summary_says_a_backward_promise_broken_only_by_a_former_serving_enb_so() -> None:
    """helper-198 #2: ``hoverify report`` printed "broken promises recorded: mine
    backward-security; mine forward-security", read as two flaws, where the backward failure
    is forward security's on the same keys, the UE back at the eNB (TS 33.401 7.2.8.1 speaks
    of keys before a compromised eNB served; the conclusion says so, ``FORMER_SERVING``). A
    promise broken some other way too stays plain."""
    mine = VariantRef("mine")
    chart = Msc("m", "t", (), (), ())

    def result(scenario: int, backward: Cell) -> ScenarioResult:
        return ScenarioResult(mine, SCENARIOS[scenario], (
            (BACKWARD, backward), (FORWARD, Cell(BROKEN))), chart, (), {})

    returned = Cell(BROKEN, former_serving=True)
    data = ReportData("v", (BACKWARD, FORWARD), SCENARIOS[:2], (mine,),
                      (result(0, returned), result(1, returned)), (), ())
    said = summary(data, Path("r")).splitlines()[1]
    assert said == ("broken promises recorded: mine backward-security (only as forward "
                    "security's failure: on KeNBs a former serving eNB derived, the UE back at "
                    "it); mine forward-security")
    plain = replace(data, results=(result(0, returned), result(1, Cell(BROKEN))))
    assert summary(plain, Path("r")).splitlines()[1] == (
        "broken promises recorded: mine backward-security; mine forward-security")


def test_conclusion_changes_when_a_verdict_changes() -> None:
    fixed = conclusion(statuses(base_s1=FAILS), [FORWARD], SCENES, SIDES)
    assert any("prop fixes forward-security on s1 hops" in s for s in fixed)
    broken = conclusion(statuses(base_s1=FAILS, prop_alg_id_s1=BROKEN), [FORWARD], SCENES,
                        SIDES)
    assert not any("fixes forward-security" in s for s in broken)
    assert any(s.startswith("On s1 hops, forward-security holds for prop only with the "
                            "notification bit in nas; with the bit in alg-id it fails (a "
                            "broken promise)") for s in broken)
    assert broken[-1] == ("Only with the notification bit in nas does every promise of prop "
                          "hold in these scenarios; with the bit in alg-id the promise of "
                          "forward-security breaks.")
    nothing = conclusion(statuses(), [FORWARD], SCENES, SIDES)
    assert nothing[0] == "prop fixes no claim that fails for base in these scenarios."
    assert nothing[-1] == ("Every promise of prop holds in these scenarios, whichever the "
                           "placement of the notification bit.")
    # situ38: not where a promise holds only vacuously; nor for a reviewer's variant
    mine = {("mine", s, FORWARD): (VACUOUS if s == "s1" else HOLDS) for s, _ in SCENES}
    vacuous = conclusion({**statuses(prop_alg_id_s1=VACUOUS), **mine}, [FORWARD], SCENES,
                         SIDES)
    only = ("promised, but the situation it speaks of never arose there, so that its holding "
            "says nothing")
    assert (f"Every promise of prop holds in these scenarios, whichever the placement of the "
            f"notification bit, though only vacuously for forward-security (the bit in "
            f"alg-id) on s1 hops ({only}).") in vacuous
    assert (f"Every promise of mine holds in these scenarios, though only vacuously for "
            f"forward-security on s1 hops ({only}).") in vacuous


# five scenarios: a list of them all, of all but a few, or of a few (helper-200)
FIVE = [("s1", "s1 hops"), ("x2", "x2 hops"), ("a", "the a chain"), ("b", "the b race"),
        ("c", "the c replay")]


def five(failing: dict[str, set[str]], claim: str = FORWARD) -> dict[tuple[str, str, str], str]:
    """Per label of SIDES, the scenarios of FIVE where ``claim`` fails; it holds elsewhere."""
    return {(label, s, claim): FAILS if s in failing.get(label, ()) else HOLDS
            for label in ("base", "prop/nas", "prop/alg-id", "ref") for s, _ in FIVE}


def test_a_list_of_every_scenario_says_every_scenario() -> None:
    """helper-200: "seed-fs leaves key-separation open on x2 hops, s1 hops, ... " named all
    fourteen scenarios; the list that is every scenario the sentence speaks of says so."""
    every = {s for s, _ in FIVE}
    words = conclusion(five({"base": every, "prop/nas": every, "prop/alg-id": every}),
                       [FORWARD], FIVE, SIDES)
    assert ("prop leaves forward-security open on every scenario: it fails there with every "
            "bit placement (not promised), as for base (ref holds there).") in words
    mine = {("mine", s, FORWARD): BROKEN for s, _ in FIVE}
    words = conclusion({**five({}), **mine}, [FORWARD], FIVE, SIDES)
    assert "mine breaks its promise of forward-security on every scenario." in words
    assert ("Compared with ref, mine changes the verdicts of forward-security on every "
            "scenario.") in words
    # the scenarios a sentence speaks of: the comparison leaves out those a variant raised in
    mine[("mine", "a", FORWARD)] = VARIANT_ERROR
    words = conclusion({**five({}), **mine}, [FORWARD], FIVE, SIDES)
    assert words[0] == ("mine raised a variant error on the a chain: its verdicts there are "
                        "missing, and no point below speaks of them.")
    assert "mine breaks its promise of forward-security on every scenario but the a chain." in (
        words)
    assert ("Compared with ref, mine changes the verdicts of forward-security on every other "
            "scenario.") in words
    # the answer names the scenarios other than its question's where the promise breaks
    sides = replace(SIDES, question="s1")
    broken = {(label, s, FORWARD): BROKEN for label in ("prop/nas", "prop/alg-id")
              for s, _ in FIVE if s != "s1"}
    assert conclusion({**five({"base": every}), **broken}, [FORWARD], FIVE, sides)[0].endswith(
        "; prop breaks that promise in 4 scenarios, below; the bit placement changes no "
        "verdict.")


def test_a_list_of_all_but_a_few_scenarios_names_the_few() -> None:
    """helper-200: a list of all scenarios but one or two says "every scenario but" them, in
    every sentence that lists scenarios; one that leaves out as many as it names lists them."""
    four = {"s1", "a", "b", "c"}
    words = conclusion(five({"base": four, "prop/nas": four, "prop/alg-id": four}),
                       [FORWARD], FIVE, SIDES)
    assert ("prop leaves forward-security open on every scenario but x2 hops: it fails there "
            "with every bit placement (not promised), as for base (ref holds there).") in words
    na = {(label, s, FORWARD): NA for label in ("base", "prop/nas", "prop/alg-id", "ref")
          for s in ("s1", "x2", "a")}
    words = conclusion({**five({}), **na}, [FORWARD], FIVE, SIDES)
    none = next(s for s in words if s.startswith("Neither prop nor base has a verdict for "))
    # three of five: two left out are not a few
    assert none.startswith("Neither prop nor base has a verdict for forward-security on s1 "
                           "hops, x2 hops and the a chain: "), none
    vacuous = {(label, s, FORWARD): VACUOUS for label in ("prop/nas", "prop/alg-id")
               for s in four}
    words = conclusion({**five({}), **vacuous}, [FORWARD], FIVE, SIDES)
    assert words[-1] == (
        "Every promise of prop holds in these scenarios, whichever the placement of the "
        "notification bit, though only vacuously for forward-security (every bit placement) "
        "on every scenario but x2 hops (promised, but the situation it speaks of never arose "
        "there, so that its holding says nothing).")
    mine = {("mine", s, FORWARD): BROKEN if s in four else HOLDS for s, _ in FIVE}
    words = conclusion({**five({}), **mine}, [FORWARD], FIVE, SIDES)
    assert "mine breaks its promise of forward-security on every scenario but x2 hops." in words


# the scenarios a sentence names out of those it speaks of, and how it names them
SCENARIO_LISTS = {
    "every one": (["a", "b", "c"], ["a", "b", "c"], "every scenario"),
    "all but one of five": (["a", "b", "c", "d"], ["a", "b", "c", "d", "e"],
                            "every scenario but e"),
    "all but two of seven": (["a", "b", "c", "d", "e"], ["a", "b", "c", "d", "e", "f", "g"],
                             "every scenario but f and g"),
    "all but two of five": (["a", "b", "c"], ["a", "b", "c", "d", "e"], "a, b and c"),
    # one left out is half as many as the two named, not fewer than half
    "half as many left out": (["a", "b"], ["a", "b", "c"], "a and b"),
    "as many left out": (["a", "b"], ["a", "b", "c", "d"], "a and b"),
    # the one scenario a sentence speaks of is named, not called every one
    "the only one": (["a"], ["a"], "a"),
}


@pytest.mark.parametrize("case", sorted(SCENARIO_LISTS))
def test_a_list_says_every_scenario_but_those_fewer_than_half_left_out(case: str) -> None:
    """``scenario_list``: "``all_words`` where they are every one of them, "``all_words`` but
    X and Y" where those left out are fewer than half as many as those named, else each by
    its title" (helper-200)."""
    titles, every, said = SCENARIO_LISTS[case]
    assert scenario_list(titles, every) == said


def test_a_few_scenarios_are_named_each_by_a_short_title() -> None:
    """helper-200: a list of a few scenarios names each; the two Target ID scenarios by
    titles that say what enb-1 did without repeating a sentence each ("s1-inter after enb-1,
    compromised, named itself as hop 1's Target ID and s1 after enb-1, compromised, named
    itself as hop 1's Target ID")."""
    scenes = [(s.name, s.title) for s in SCENARIOS]
    target = {"target-id", "target-id-s1"}
    failing = {"base": FAILS, "prop/nas": BROKEN, "prop/alg-id": BROKEN}
    cells = {(label, s, FORWARD): failing.get(label, HOLDS) if s in target else HOLDS
             for label in ("base", "prop/nas", "prop/alg-id", "ref") for s, _ in scenes}
    words = conclusion(cells, [FORWARD], scenes, SIDES)
    # a broken promise "breaks", as the Answer says (helper-204 #9: "leaves ... open")
    assert ("prop breaks its promise of forward-security on s1-inter with compromised enb-1 "
            "naming itself as Target ID and s1 with compromised enb-1 naming itself as Target "
            "ID: it fails there with every bit placement (a broken promise), while for base it "
            "fails (not promised) (ref holds there).") in words
    assert ("No placement of the notification bit keeps every promise of prop: with the bit in "
            "nas or alg-id the promise of forward-security breaks.") in words



BROKEN_WORDS = "(a broken promise"  # how a point qualifies the failures of a broken promise


def broken_points(words: Sequence[str], variant: str, claim: str) -> list[str]:
    """The points of a conclusion that say ``variant`` breaks its promise of ``claim``: those
    naming both before their first words of a broken promise."""
    named = re.compile(rf"(?<![\w-]){re.escape(claim)}(?![\w-])")
    return [point for point in words if BROKEN_WORDS in point
            and re.search(rf"(?<![\w-]){re.escape(variant)}(?![\w/-])",
                          head := point.split(BROKEN_WORDS)[0]) and named.search(head)]


def test_a_broken_promise_is_one_point_whatever_each_scenarios_reach() -> None:
    """helper-219: the Target ID scenarios' broken promise of forward security was said in two
    points, one of "derives 1+ hops on" and one of "derives 1 hop on": a claim's broken
    promise is one point, each scenario's measure said after it, the others' verdicts once."""
    broken = statuses(base_s1=FAILS, base_x2=FAILS, prop_nas_s1=BROKEN, prop_alg_id_s1=BROKEN,
                      prop_nas_x2=BROKEN, prop_alg_id_x2=BROKEN)
    mine = SIDES.placements.values()
    reach = {(label, "s1", FORWARD): (2, True, False) for label in ("base", *mine)}
    reach |= {(label, "x2", FORWARD): (2, False, False) for label in mine}
    alike = conclusion(broken, [FORWARD], SCENES, SIDES,
                       measured={**reach, ("base", "x2", FORWARD): (2, False, False)})
    assert broken_points(alike, "prop", FORWARD) == [
        "prop breaks its promise of forward-security on s1 hops (derives 1+ hops on) and on x2 "
        "hops (derives 1 hop on): it fails there with every bit placement (a broken promise), "
        "while for base it fails (not promised, with the same reach on each) (ref holds there)."]
    farther = conclusion(broken, [FORWARD], SCENES, SIDES,
                         measured={**reach, ("base", "x2", FORWARD): (4, False, False)})
    assert broken_points(farther, "prop", FORWARD) == [
        "prop breaks its promise of forward-security on s1 hops (derives 1+ hops on; for base: "
        "derives 1+ hops on) and on x2 hops (derives 1 hop on; for base: derives 3 hops on): it "
        "fails there with every bit placement (a broken promise), while for base it fails (not "
        "promised) (ref holds there)."]
    # the baseline's one measure, said once where the proposal's differ
    one = conclusion(broken, [FORWARD], SCENES, SIDES,
                     measured={**reach, **{("base", s, FORWARD): (5, False, False)
                                           for s, _ in SCENES}})
    assert broken_points(one, "prop", FORWARD)[0].endswith(
        "while for base it fails (not promised, derives 4 hops on) (ref holds there).")


def test_no_two_points_say_the_same_broken_promise(default_report: Generated) -> None:
    """Each (variant, claim) whose promise breaks in some scenario of the report is said
    broken in one point of its conclusion, however its scenarios' measures differ."""
    data = default_report.data
    broken = {(r.variant.name, claim) for r in data.results for claim, cell in r.cells
              if cell.status == BROKEN}
    assert broken, "the report breaks no promise: nothing to check"
    said = {key: broken_points(data.conclusion, *key) for key in broken}
    assert all(len(points) == 1 for points in said.values()), said


def test_a_fix_is_said_of_an_enb_that_edits_nothing_where_an_edit_breaks_the_promise() -> None:
    """newcomer #1: the Answer said seed-fs breaks its forward-security promise where a
    compromised source names itself as Target ID, and the next point "seed-fs fixes
    forward-security on s1 hops and s1-inter hops", with no word that the fix is said of a
    compromised source that edits nothing. The qualification comes from the scenarios'
    edits and attackers (``Attack``), not their names."""
    scenes = [("s1", "s1 hops"), ("x2", "x2 hops"), ("active", "s1 with an active source")]
    attacks = {"s1": Attack(frozenset({"s1"})), "x2": Attack(frozenset({"x2"})),
               "active": Attack(frozenset({"s1"}), ("the source names itself as Target ID",))}
    broken = {"base": FAILS, "prop/nas": BROKEN, "prop/alg-id": BROKEN}
    cells = {(label, s, FORWARD): (broken.get(label, HOLDS) if s == "active" else
                                   FAILS if label == "base" and s == "s1" else HOLDS)
             for label in ("base", "prop/nas", "prop/alg-id", "ref") for s, _ in scenes}
    fixed = ("prop fixes forward-security on s1 hops against a compromised eNB that edits "
             "nothing: it holds there with every bit placement, and fails for base (not "
             "promised) (ref holds there); it breaks that promise where the source names "
             "itself as Target ID (below).")
    assert fixed in conclusion(cells, [FORWARD], scenes, SIDES, attacks=attacks)
    # an edit that breaks the promise on other hop types only, or breaks none, qualifies no fix
    elsewhere = {**attacks, "active": replace(attacks["active"], hop_types=frozenset({"x2"}))}
    holding = {**cells, **{(label, "active", FORWARD): HOLDS for label in broken}}  # base too
    for words in (conclusion(cells, [FORWARD], scenes, SIDES, attacks=elsewhere),
                  conclusion(holding, [FORWARD], scenes, SIDES, attacks=attacks)):
        assert ("prop fixes forward-security on s1 hops: it holds there with every bit "
                "placement, and fails for base (not promised) (ref holds there).") in words


# Per case (mutants M24, M26 of helper-220): the hop types of the scenario whose edit breaks
# the promise; whether the scenarios said fixed include one whose eNB edits (holding for
# prop, failing for base, as on s1 hops); whether the fix on s1 hops is said of an eNB that
# edits nothing (``conclusion._edited``)
FIX_QUALIFIED = {
    "an edit on the same hop types": ({"s1"}, False, True),
    "an edit on those and other hop types": ({"s1", "x2"}, False, False),
    "an edit among the scenarios fixed": ({"s1"}, True, False),
}


@pytest.mark.parametrize("case", FIX_QUALIFIED)
def test_a_fix_is_qualified_only_by_an_edit_on_its_hop_types_outside_it(case: str) -> None:
    """The fix on s1 hops is said of an eNB that edits nothing only where a scenario of no
    other hop types than s1 breaks the promise by an edit, and no scenario said fixed has an
    edit (its fix would not be of an eNB that edits nothing)."""
    types, among, qualified = FIX_QUALIFIED[case]
    edit = ("the source names itself as Target ID",)
    scenes = [("s1", "s1 hops"), ("active", "s1 with an active source"),
              *([("edited", "s1 edited")] if among else [])]
    attacks = {"s1": Attack(frozenset({"s1"})), "active": Attack(frozenset(types), edit),
               "edited": Attack(frozenset({"s1"}), ("a compromised eNB edits HandoverRequired",))}
    cells = {(label, s, FORWARD): (BROKEN if s == "active" and label.startswith("prop/")
                                   else FAILS if label == "base" else HOLDS)
             for label in ("base", "prop/nas", "prop/alg-id", "ref") for s, _ in scenes}
    [fixed] = [w for w in conclusion(cells, [FORWARD], scenes, SIDES, attacks=attacks)
               if w.startswith("prop fixes")]
    assert ("against a compromised eNB that edits nothing" in fixed) is qualified, fixed


def test_a_target_id_is_the_source_naming_itself_only_where_it_names_the_hops_source() -> None:
    """helper-212 #2: a Target ID (TS 36.413 9.1.5.1, S1AP HANDOVER REQUIRED) that names
    another compromised eNB than the hop's source is no source naming itself; what an edit
    does is read from the run's hops, not from the edit's text alone."""
    from hoverify.report_job import _edit_words

    edit = "HandoverRequired/target eNB='enb-2'"
    assert _edit_words([{"source_enb": "enb-2", "edits": [edit]}]) == (
        "the source names itself as Target ID",)
    assert _edit_words([{"source_enb": "enb-1", "edits": [edit]},
                        {"source_enb": "enb-1", "edits": []}]) == (
        "a compromised eNB edits HandoverRequired",)


def test_conclusion_reports_new_failures_and_missing_verdicts() -> None:
    words = conclusion(statuses(base_s1=NA, prop_alg_id_s1=BROKEN, base_x2=NA, prop_nas_x2=NA,
                                prop_alg_id_x2=NA, ref_x2=NA), [FORWARD], SCENES, SIDES)
    assert ("The claim forward-security fails for prop with the notification bit in alg-id on "
            "s1 hops (a broken promise); it holds with the bit in nas, and has no verdict for "
            "base (ref holds there).") in words
    # helper-221 B: the sentence says what the matrix's n/a says, in the legend's words, not
    # "the claim does not apply there"
    none = next(s for s in words if s.startswith("Neither prop nor base has a verdict"))
    assert none.startswith("Neither prop nor base has a verdict for forward-security on x2 "
                           "hops: ")
    na = dict(WORDS)[NA].removeprefix("no verdict: the variant does not promise the claim "
                                      "there and ")
    assert all(part in none for part in na.split(", or ")), (na, none)
    # helper-226 #1: a vacuous cell is a verdict (promised), not one of these
    assert "does not apply" not in none and "vacuous" not in none
    vacuous = conclusion(statuses(base_s1=NA, prop_alg_id_s1=BROKEN, base_x2=NA,
                                  prop_nas_x2=VACUOUS, prop_alg_id_x2=VACUOUS, ref_x2=VACUOUS),
                         [FORWARD], SCENES, SIDES)
    # the sentence that says every promise holds with the bit in nas does not hide that one
    # holds only vacuously (situ38: "every promise of seed-fs holds" read alike with a vacuous
    # promise); no sentence says a vacuous cell has no verdict
    assert vacuous[:-1] == tuple(s for s in words[:-1] if s != none)
    assert vacuous[-1] == (
        "Only with the notification bit in nas does every promise of prop hold in these "
        "scenarios, though only vacuously for forward-security (the bit in nas) on x2 hops "
        "(promised, but the situation it speaks of never arose there, so that its holding says "
        "nothing); with the bit in alg-id the promise of forward-security breaks.")
    assert words[-1] == ("Only with the notification bit in nas does every promise of prop hold "
                         "in these scenarios; with the bit in alg-id the promise of "
                         "forward-security breaks.")
    missing = conclusion({("base", "s1", FORWARD): HOLDS}, [FORWARD], SCENES, SIDES)
    assert missing == ("No comparison of prop (every bit placement) with base: the report did "
                       "not run prop/nas and prop/alg-id; it judges base against its own "
                       "promises.",)


def test_the_conclusion_says_whether_the_proposal_changes_an_authentication_claim() -> None:
    same = {(label, scenario, claim): HOLDS for label in ("base", "prop/nas", "prop/alg-id")
            for scenario, _ in SCENES for claim in (AGREEMENT, INJECTIVE)}
    assert ("Authentication: prop changes no verdict of agreement and injective-agreement "
            "compared with base (every bit placement, every scenario): in these scenarios its "
            "key refresh neither gives nor takes an authentication property.") in conclusion(
                same, [AGREEMENT, INJECTIVE], SCENES, SIDES)
    changed = {**same, ("prop/alg-id", "x2", INJECTIVE): BROKEN}
    assert ("Authentication: prop changes the verdicts of injective-agreement on x2 hops "
            "(holds for base, not with the bit in alg-id).") in conclusion(
                changed, [AGREEMENT, INJECTIVE], SCENES, SIDES)
    assert not any(s.startswith("Authentication") for s in conclusion(
        statuses(), [FORWARD], SCENES, SIDES))  # no authentication claim, no sentence
    replayed = {key: FAILS for key in same if key[1] == "x2"}
    excused = dict.fromkeys(replayed, "backhaul-protected")
    # two claims with the same verdicts in the same scenarios: one sentence names both
    # outside the promise is said as such, not "leaves open" (review18: no scheme protects
    # against an attacker its promise excludes)
    assert any(s.startswith("On x2 hops, agreement and injective-agreement fail for prop with "
                            "every bit placement outside the promise (backhaul-protected), as "
                            "for base")
               for s in conclusion({**same, **replayed}, [AGREEMENT, INJECTIVE], SCENES, SIDES,
                                   excused))


QUOTABLE = 30  # at most so many words lead the Answer (helper-221 C)


def answer_lead(answer: str, titles: Sequence[str], question: str) -> str:
    """The Answer's first sentence, which a delegate quotes: short, naming no scenario but
    the question's (helper-221 C: one ~70-word sentence with three nested scenario names)."""
    lead = answer.split(". ")[0] + "."
    assert len(lead.split()) <= QUOTABLE, lead
    assert not [t for t in titles if t != question and t in lead], lead
    return lead


def test_the_conclusion_opens_with_the_answer_to_the_seeds_question() -> None:
    sides = Sides("base", "prop", {"nas": "prop/nas", "alg-id": "prop/alg-id"}, "ref", "s1")
    titles = [title for _, title in SCENES]
    fixed = statuses(base_s1=FAILS, ref_x2=HOLDS)
    assert conclusion(fixed, [FORWARD], SCENES, sides)[0] == (
        "Answer: prop gives s1 hops forward security. In detail: on s1 hops, forward-security "
        "holds for prop with every bit placement and fails for base; the bit placement "
        "changes no verdict.")
    partial = statuses(base_s1=FAILS, prop_alg_id_s1=BROKEN)
    assert conclusion(partial, [FORWARD], SCENES, sides)[0] == (
        "Answer: prop gives s1 hops forward security only with the bit in nas. In detail: on "
        "s1 hops, forward-security holds for prop only with the bit in nas (with the bit in "
        "alg-id it fails, breaking its promise) and fails for base; the bit placement changes "
        "the verdicts of forward-security.")
    vacuous = statuses(base_s1=FAILS, prop_nas_s1=VACUOUS, prop_alg_id_s1=VACUOUS)
    assert conclusion(vacuous, [FORWARD], SCENES, sides)[0].startswith(
        "Answer: prop does not give s1 hops forward security. ")
    for cells in (fixed, partial, vacuous):
        answer_lead(conclusion(cells, [FORWARD], SCENES, sides)[0], titles, "s1 hops")


def test_the_answer_leads_with_what_breaks_the_promise_in_words_a_delegate_can_quote() -> None:
    """helper-221 C: the Answer leads with one short sentence: the promise holds against a
    compromised eNB that edits nothing, and the edit that breaks it (``Attack.edits``, read
    from the runs, not from the scenarios' names); the scenarios follow in its detail."""
    scenes = [("s1", "s1 hops"), ("x2", "x2 hops"), ("active", "s1 with an active source")]
    sides = replace(SIDES, question="s1")
    edit = "the source names itself as Target ID"
    attacks = {"s1": Attack(frozenset({"s1"})), "x2": Attack(frozenset({"x2"})),
               "active": Attack(frozenset({"s1"}), (edit,))}
    broken = {"base": FAILS, "prop/nas": BROKEN, "prop/alg-id": BROKEN}
    cells = {(label, s, FORWARD): (broken.get(label, HOLDS) if s == "active" else
                                   FAILS if label == "base" and s == "s1" else HOLDS)
             for label in ("base", "prop/nas", "prop/alg-id", "ref") for s, _ in scenes}
    titles = [title for _, title in scenes]
    answer = conclusion(cells, [FORWARD], scenes, sides, attacks=attacks)[0]
    assert answer_lead(answer, titles, "s1 hops") == (
        f"Answer: prop gives s1 hops forward security against a compromised eNB that edits "
        f"nothing, but breaks that promise where {edit}.")
    assert answer.endswith(" In detail: on s1 hops, forward-security holds for prop with "
                           "every bit placement and fails for base; prop breaks that promise "
                           "in 1 scenario, below; the bit placement changes no verdict.")
    # no edit of the runs breaks it: the lead says only that another scenario's attackers do
    plain = conclusion(cells, [FORWARD], scenes, sides)[0]
    assert answer_lead(plain, titles, "s1 hops") == (
        "Answer: prop gives s1 hops forward security against the eNBs compromised there, but "
        "breaks that promise in other scenarios.")


def test_the_report_numbers_a_counterexample_s_starts_as_verify_does(
        default_report: Generated) -> None:
    """helper-204 #5: verify and replay print "start handover 1 to ..." (the handover each
    start begins, by which verdicts name hops); the report's bounded findings printed the
    saved text, unnumbered."""
    page = (default_report.out / "tr33821-v070" / "report.md").read_text()
    bounded = page[page.index("## Bounded verification"):]
    starts = [line for line in bounded.splitlines() if line.startswith("start handover")]
    assert starts and all(re.match(r"start handover \d+ to ", line) for line in starts), starts
    html = (default_report.out / "index.html").read_text()
    assert "start handover to " not in html and "start handover 1 to " in html


def test_default_conclusion_states_the_seed_result(
        default_report: Generated) -> None:
    """Known results must be found: the seed fixes S1 forward security, not X2; a source eNB
    that talks the UE out of KeNB*+ (whatever the bit placement) denies the handover or
    captures the UE on a fake cell, but downgrades nobody (the sentences come from the
    verdicts)."""
    words = default_report.data.conclusion
    # helper-162 #1b: a source that names itself as the Target ID breaks the seed's promise,
    # on S1 within one MME too (helper-190: the answer named s1-inter alone)
    # helper-221 C: said first in one sentence a delegate can quote, the scenarios after it
    titles = [s.title for s in SCENARIOS]
    question = next(s.title for s in SCENARIOS if s.name == "s1-inter")
    assert answer_lead(words[0], titles, question) == (
        "Answer: seed-fs gives s1-inter hops forward security against a compromised eNB that "
        "edits nothing, but breaks that promise where the source names itself as Target ID.")
    detail = words[0].split(". In detail: ")[1]
    broken_on = {r.scenario.title for r in default_report.data.results
                 if r.variant.name == "seed-fs" and dict(r.cells)[FORWARD].status == BROKEN}
    # helper-226 #2: the broken promise's point names its scenarios, the detail counts them
    assert broken_on and not any(title in detail for title in broken_on), (broken_on, detail)
    assert detail.endswith(f"and fails for tr33821-v070; seed-fs breaks that promise in "
                           f"{len(broken_on)} scenarios, below; the bit placement changes no "
                           "verdict.")
    [point] = broken_points(words, "seed-fs", FORWARD)
    assert all(title in point for title in broken_on), point
    assert sum(FORMER_SERVING in s for s in words) == 1, words
    # helper-221 A: a failure not promised against a KASME, UE or MME holder (no reach to
    # measure) names the KeNB no promise covers: after an X2 hop, for which the seed promises
    # nothing (seed section 3 promises S1 hops)
    unmeasured = [s for s in words if s.startswith("seed-fs leaves forward-security open")
                  and "every bit placement (not promised)" in s]
    assert not unmeasured, unmeasured
    kasme = next(s for s in words
                 if s.startswith("seed-fs leaves forward-security open on x2,s1 with KASME"))
    assert "(not promised: the KeNB of x2 hop 1: seed-fs promises nothing there)" in kasme
    # newcomer #1: the fix is said of a compromised eNB that edits nothing, as the Answer's
    # "breaks that promise" above requires
    assert words[1].startswith("seed-fs fixes forward-security on s1 hops and s1-inter hops "
                               "against a compromised eNB that edits nothing: ")
    assert words[1].endswith("; it breaks that promise where the source names itself as "
                             "Target ID (below).")
    assert any(s.startswith("seed-fs leaves forward-security open on x2 hops") for s in words)
    assert ("In every variant reported, a compromised serving eNB can make a handover fail "
            "that would otherwise complete (handover-denial) and keep the UE on a key it "
            "derives by serving it as the target cell (fake-cell-capture).") in words
    # with the backhaul unprotected the network derives the KeNBs with no edit (review25)
    assert ("Neither is a downgrade: downgrade-resistance, which fails only when an edit of "
            "a handover's messages makes the UE and the honest target eNB complete it on a "
            "KeNB the attacker derives (one it derives without such an edit is forward "
            "security's to judge), holds "
            "for every variant reported wherever it has a verdict (on x2,s1 with the backhaul "
            "unprotected against a compromised eNB alone: there the network, reading the "
            "backhaul, derives the KeNBs the UE and the target agree on, as forward "
            "security's verdict for it says).") in words
    assert words[-2].startswith("The placement of the notification bit changes no verdict of "
                                "seed-fs in these scenarios")
    # forward security alone breaks, with any placement (the Target ID above); key separation
    # does not: the KeNB* of TR 33.821 v0.7.0, which the seed keeps, binds the PCI as the TR
    # promises (not the EARFCN-DL, which TS 33.401 A.5 added: a failure the conclusion lists,
    # not a broken promise)
    # situ38: nor does it hide a promise that holds only vacuously (backward security on an
    # intra-eNB hop: no other eNB's KeNB for the eNB to learn; downgrade-resistance with no
    # compromised eNB to edit)
    # newcomer #2: backward security too, the UE back at the eNB that named itself as Target
    # ID, said as forward security's failure on the same keys
    # helper-212 #1: a promise said to break is never among "the others" that hold
    broken, others = words[-1].split("; the others hold")
    assert broken == ("No placement of the notification bit keeps every promise of seed-fs: "
                      "with the bit in nas, alg-id or c-rnti the promises of backward-security "
                      f"and forward-security break (backward-security {RETURNED})")
    # helper-226 #1: where a broken promise is vacuous, said after those that hold
    others, unbroken = others.split("; vacuous where they do not break: ")
    assert "backward-security" not in others and "forward-security" not in others, others
    assert unbroken.startswith("backward-security (every bit placement) on intra-enb hops"), (
        unbroken)
    assert "downgrade-resistance (every bit placement) on x2,s1 with KASME revealed" in words[-1]
    assert any(s.startswith("seed-fs leaves key-separation open") and "not promised" in s
               for s in words)
    html = (default_report.out / "index.html").read_text()
    assert all(f"<li>{s}</li>" in html.replace("&#x27;", "'") for s in words)



def test_the_target_id_leak_breaks_backward_security_once_the_ue_comes_back(
        default_report: Generated) -> None:
    """newcomer #2: the README showed that seed-fs's Target ID leak breaks its
    backward-security promise too, the UE later back at the compromised eNB (its KeNB*+ of
    the hop it refused gives it the KeNB of the eNB before it), yet no scenario of the report
    did: the report, its summary and its conclusion say it, as forward security's failure on
    the same keys (``FORMER_SERVING``, ``RETURNED``)."""
    back = next(s for s in SCENARIOS if s.name == "target-id-back")
    assert back.compromises == (("enb-5", 2),) and ":edit=HandoverRequired/target eNB='enb-5'" \
        in back.hops
    data = default_report.data
    for placement in ("nas", "alg-id", "c-rnti"):
        cell = data.result(VariantRef("seed-fs", placement), back).cell(BACKWARD)
        assert (cell.status, cell.former_serving) == (BROKEN, True), placement
    said = summary(data, Path("r")).splitlines()[1]
    assert ("seed-fs/nas backward-security (only as forward security's failure: on KeNBs a "
            "former serving eNB derived, the UE back at it); seed-fs/nas forward-security"
            ) in said
    # it holds for tr33821-v070 there: a broken promise said with its cause, not as a second
    # flaw of the proposal beside forward security's
    assert ("The claim backward-security fails for seed-fs with every bit placement on s1-inter "
            "back to compromised enb-5 after it named itself as Target ID (a broken "
            f"promise, {FORMER_SERVING}), and holds for tr33821-v070 (ts33401 holds there)."
            ) in data.conclusion, data.conclusion


# -- the command line --------------------------------------------------------------------------
def test_variant_selection() -> None:
    assert choose_variants(["ts33401", "seed-fs"]) == VARIANTS[1:]
    assert choose_variants(["seed-fs/c-rnti"]) == (VariantRef("seed-fs", "c-rnti"),)
    for bad in (["nope"], ["ts33401/nas"], ["seed-fs/none"]):
        with pytest.raises(UsageError):
            choose_variants(bad)


@pytest.mark.parametrize("text, said", [
    # review25: seed-fs/xyz was told "only seed-fs takes a bit placement"
    ("seed-fs/xyz", "'seed-fs/xyz': unknown bit placement 'xyz' (valid: seed-fs/nas, "
                    "seed-fs/alg-id, seed-fs/c-rnti)"),
    ("ts33401/nas", "'ts33401/nas': only seed-fs takes a bit placement (seed-fs/nas, "),
    # helper-258: seed-fs/ named no placement and reported every one
    ("seed-fs/", "'seed-fs/': names no bit placement (valid: seed-fs/nas, "),
])
def test_a_wrong_bit_placement_is_named_as_such(text: str, said: str) -> None:
    with pytest.raises(UsageError, match=re.escape(said)):
        choose_variants([text])


def test_cli_exits_zero_with_broken_promises(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    broken = Path(__file__).parent / "broken_variants" / "bit_unprotected.py"
    code = main(["report", "--out", str(tmp_path / "r"), "--variants", "seed-fs/alg-id",
                 "--variant-file", str(broken)])
    captured = capsys.readouterr()
    assert code == 0
    assert "broken-bit-unprotected downgrade-resistance" in captured.out
    assert captured.err == ""  # a bar only on a terminal, a plain line after 30 s
    assert (tmp_path / "r" / "seed-fs-alg-id" / "graph.svg").is_file()


@pytest.mark.parametrize("argv", [["--variants", "tr33821"], ["--out", "{file}"],
                                  ["--out", "{file}/below"], ["--out", "{dir}"],
                                  ["--out", "{cwd}/.."]])
def test_cli_bad_input_is_one_line_and_exit_2(tmp_path: Path, argv: list[str],
                                              capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "mine.txt").write_text("not a report")
    code = main(["report", *(a.format(file=blocker, dir=tmp_path / "notes", cwd=Path.cwd())
                             for a in argv)])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("hoverify: error: ") and err.count("\n") == 1


def test_a_report_without_the_compared_variants_draws_no_conclusion() -> None:
    data = build((VariantRef("ts33401"),), lambda _: None)
    assert data.sections[0].graph.nodes and data.conclusion[0].startswith("No comparison")


# -- the page in a real browser ----------------------------------------------------------------
CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser")) if p), None)
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--enable-logging=stderr", "--v=0"]


def _page_requests(netlog: Path) -> list[str]:
    """URLs the page asked for: the browser's own service requests have no origin."""
    log = json.loads(netlog.read_text())
    types = {number: name for name, number in log["constants"]["logEventTypes"].items()}
    return [e["params"]["url"] for e in log["events"]
            if types[e["type"]] == "URL_REQUEST_START_JOB" and "url" in e.get("params", {})
            and e["params"].get("initiator") != "not an origin"]


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (Debian: apt-get "
                    "install chromium); the HTML report is not checked in a browser")
def test_html_report_renders_in_headless_chromium(
        default_report: Generated, tmp_path: Path) -> None:
    out, data = default_report.out, default_report.data
    page = (out / "index.html").as_uri()
    netlog = tmp_path / "netlog.json"
    common = [str(CHROMIUM), *FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]
    shown = subprocess.run([*common, f"--log-net-log={netlog}", "--dump-dom", page],
                           capture_output=True, text=True, timeout=180, check=True)
    dom = shown.stdout
    matrix = dom[dom.index('<table id="matrix">'):]
    matrix = matrix[:matrix.index("</table>")]
    assert matrix.count("<tr>") == 1 + len(SCENARIOS) * len(CLAIMS)
    assert dom.count('<div class="scroll keygraph"><svg') == len(data.sections)
    assert dom.count("<svg") == dom.count("</svg>") >= len(data.sections)
    assert "CONSOLE" not in shown.stderr, shown.stderr
    assert _page_requests(netlog) == []
    html = (out / "index.html").read_text()
    assert re.findall(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?https?:|"""
                      r"@import", html, re.I) == []
    shot = tmp_path / "shot.png"
    subprocess.run([*common, "--window-size=1400,1800", f"--screenshot={shot}", page],
                   capture_output=True, timeout=180, check=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (Debian: apt-get "
                    "install chromium); the page's layout is not checked in a browser")
def test_page_layout_at_1400_px_in_headless_chromium(default_report: Generated,
                                                     tmp_path: Path) -> None:
    """At 1400 px, with every chart opened: no text overlaps another text in a drawing, no
    chart's text lies on a lifeline, no arrow of a key graph runs through a key's box or a
    text, and nothing reaches out of the viewport sideways. The key graphs are those of the
    10-hop chain. Bounding boxes are compared by tests/layout_check.js in the page."""
    chain = next(s for s in SCENARIOS if s.name == REPRESENTATIVE)
    assert len(chain.hops.split(",")) == 10
    assert all(len(s.graph.columns) == 11 for s in default_report.data.sections)
    script = (Path(__file__).parent / "layout_check.js").read_text()
    page = tmp_path / "index.html"
    page.write_text((default_report.out / "index.html").read_text().replace(
        "</body>", f"<script>{script}</script></body>"))
    shown = subprocess.run([str(CHROMIUM), *FLAGS, f"--user-data-dir={tmp_path / 'profile'}",
                            "--window-size=1400,1000", "--dump-dom", page.as_uri()],
                           capture_output=True, text=True, timeout=180, check=True)
    found = re.search(r'<pre id="layout-check">(.*?)</pre>', shown.stdout, re.S)
    assert found, shown.stderr[-2000:]
    check = json.loads(unescape(found.group(1)))
    assert check["viewport"] == 1400 and check["texts"] > 1000 and check["paths"] > 100
    assert check["problems"] == [], f"{check['count']} problems: {check['problems']}"


def test_mermaid_text_is_escaped_once() -> None:
    chart = Msc("m", "t", ("ue", "enb-1"), ("enb-1",), (
        MscNote(("ue", "enb-1"), "NH[NCC 0] #8; a -> b"),
        MscMessage("ue", "enb-1", "RRC x", "k <v>", "tip", accepted=False, reason="no; never"),
    ))
    text = mermaid.render(chart)
    assert "participant enb_1 as enb-1 (compromised)" in text
    assert "Note over ue,enb_1: NH[NCC 0] #35;8#59; a -#62; b" in text
    assert "ue-xenb_1: RRC x<br/>refused: no#59; never" in text


def test_report_takes_a_reviewers_variant_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """`--variant-file` puts the reviewer's variant beside the built-in ones; a bad file is
    refused before anything is written, and the previous report stays whole. Its check lines
    name the file by its absolute path, so they run from any directory (helper-181: the path
    as typed worked only where the report was made)."""
    root = Path(__file__).resolve().parent.parent
    example = root / "examples" / "n2_5g.py"
    monkeypatch.chdir(root)
    out = tmp_path / "report"
    argv = ["report", "--out", str(out), "--variants", "ts33401", "--quiet"]
    assert main([*argv, "--variant-file", "examples/n2_5g.py"]) == 0
    doc = json.loads((out / "verdicts.json").read_text())
    assert [(v["label"], v["file"]) for v in doc["variants"]] == [
        ("ts33401", None), ("5g-n2", "examples/n2_5g.py")]
    files = re.findall(r"hoverify check --variant-file (\S+)",
                       (out / "5g-n2" / "report.md").read_text())
    assert files and set(files) == {str(example)}, set(files)
    assert {r["variant"] for r in doc["results"]} == {"ts33401", "5g-n2"}
    assert [b["variant"] for b in doc["bounded_verification"]] == ["ts33401", "5g-n2"]
    assert (out / "5g-n2" / "report.md").is_file()
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    capsys.readouterr()
    assert main([*argv, "--variant-file", str(tmp_path / "missing.py")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("hoverify: error: ") and err.count("\n") == 1
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    # review17: a variant named as one of the report's own files ("cannot write" before)
    named = tmp_path / "named.py"
    named.write_text(example.read_text().replace('"5g-n2"', '"Verdicts.json"'))
    assert main([*argv, "--variant-file", str(named)]) == 2
    err = capsys.readouterr().err
    assert "VARIANT.name 'Verdicts.json' is a file of the report" in err, err
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    # the same file twice: said so (it said another file defined a variant of that name)
    assert main([*argv, "--variant-file", str(example), "--variant-file", str(example)]) == 2
    err = capsys.readouterr().err
    assert err == (f"hoverify: error: --variant-file {example}: given twice; give each file "
                   "once\n"), err
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before



def test_conclusion_says_what_a_serving_enb_does_in_every_variant() -> None:
    """Denial and capture are said of every variant (or of those where they fail), never
    called downgrade; the placement sentence names the claims a placement changes."""
    cells = {}
    for label in ("base", "prop/nas", "prop/alg-id", "ref"):
        cells[(label, "s1", DENIAL)] = FAILS
        cells[(label, "s1", CAPTURE)] = HOLDS if label == "ref" else FAILS
        cells[(label, "s1", DOWNGRADE)] = BROKEN if label == "prop/alg-id" else HOLDS
    words = conclusion(cells, [DOWNGRADE, DENIAL, CAPTURE], SCENES, SIDES)
    assert ("In every variant reported, a compromised serving eNB can make a handover fail "
            "that would otherwise complete (handover-denial).") in words
    assert ("A compromised serving eNB can keep the UE on a key it derives by serving it as "
            "the target cell (fake-cell-capture) in base, prop/alg-id and prop/nas only."
            ) in words
    assert ("Neither is a downgrade: downgrade-resistance, which fails only when an edit of "
            "a handover's messages makes the UE and the honest target eNB complete it on a "
            "KeNB the attacker derives (one it derives without such an edit is forward "
            "security's to judge), fails "
            "for prop/alg-id.") in words
    assert ("The placement of the notification bit changes the verdicts of "
            "downgrade-resistance for prop; it changes none of handover-denial and "
            "fake-cell-capture.") in words
    assert not any("leaves handover-denial open" in s for s in words)


@pytest.mark.parametrize("scenario, title, remark", [
    # the adversary replays hop 1's X2AP HandoverRequest after hop 2 (``:replay``)
    ("replay", "X2AP HandoverRequest", "hop 1's, replayed by the attacker"),
    # hop 2 starts before hop 1's Path Switch Request Acknowledge arrives (``:early``)
    ("race", "S1AP PathSwitchRequestAcknowledge", "hop 1's, delivered after hop 2 began"),
])
def test_a_chart_says_whose_a_replayed_or_late_message_is(
        default_report: Generated, scenario: str, title: str, remark: str) -> None:
    """A message of an earlier handover drawn among a later one's names its handover, the
    one its claims judge it in; a replayed copy is drawn as the attacker's (red)."""
    chosen = next(s for s in SCENARIOS if s.name == scenario)
    chart = default_report.data.result(VariantRef("ts33401"), chosen).msc
    marked = [e for e in chart.events if isinstance(e, MscMessage) and e.remark]
    assert (title, remark) in [(e.title, e.remark) for e in marked]
    assert all(e.replayed == remark.endswith("attacker") for e in marked if e.remark == remark)
    assert not any(e.remark for e in default_report.data.result(
        VariantRef("ts33401"), next(s for s in SCENARIOS if s.name == "x2")).msc.events
        if isinstance(e, MscMessage))


def test_a_failing_cell_shows_the_verdict_check_shows(default_report: Generated) -> None:
    """A failing cell's line and its counterexample's are the verdict `hoverify check` shows
    for the claim, the first line of its witness (docs/claims.md: the first failure that
    breaks a promise, else the first not promised, else the first outside the promise), also
    where forward security measures its reach from another, wider one; the counterexample's
    word is the cell's and check's, the assumption the run broke included."""
    other = 0
    for result in default_report.data.results:
        said = {c["name"]: c for c in result.check.get("claims", [])}
        found = {cx.id: cx for cx in result.counterexamples}
        for claim, cell in result.cells:
            if cell.status not in (BROKEN, FAILS):
                continue
            shown, cx = said[claim]["witness"][0], found[cell.counterexample or ""]
            where = (result.variant.label, result.scenario.name, claim)
            assert cell.detail == cx.verdict == shown, where
            assert cx.status == said[claim]["verdict"] == verdict_word(cell.status, cell.outside)
            [verdict] = [v for v in said[claim]["verdicts"]
                         if f"hop {v['hop']}, {v['attacker']}: {v['detail']}" == shown]
            other += cell.n_hops is not None and verdict["n_hops"] != cell.n_hops
    # tr33821-v070's backhaul-open: check shows the network's verdict, which measures no
    # reach; the cell's measure is a compromised eNB's
    assert other


def test_a_forward_security_cell_measures_what_check_measured(default_report: Generated) -> None:
    """The matrix's "derives n hops on" is the claim's own measure, "+" included where the
    run ends at a KeNB the attacker derives (a longer run might show more), as `check` says
    it: never recomputed by the report (a KASME reveal once lost its "+")."""
    for result in default_report.data.results:
        cell = result.cell(FORWARD)
        if cell.n_hops is None or cell.status == HOLDS:
            continue
        reach = f"derives {cell.n_hops - 1}"
        shown = [line for line in result.check["claims"] if line["name"] == FORWARD]
        details = [v["detail"] for c in shown for v in c["verdicts"]
                   if v["n_hops"] == cell.n_hops]
        assert any(d.startswith(reach + ("+" if cell.open_ended else " ")) for d in details), (
            result.scenario.name, cell_text(cell), details)


def test_a_forward_security_cell_that_could_not_fail_says_untested(
        default_report: Generated) -> None:
    """review16: ts33401's one x2 hop read "holds, 2-hop so far" with no cut: its 2-hop
    promise (TS 33.401 7.2.8.1: forward security after two hops on X2) allows the source eNB
    the one later KeNB the run has, so no run of that scenario can break it. A holding cell
    is "untested" exactly where no verdict has a cut (nothing later kept from any attacker),
    as check's own verdicts show it."""
    untested = set()
    for result in default_report.data.results:
        cell = result.cell(FORWARD)
        if cell.status != HOLDS or cell.n_hops is None:
            continue
        [shown] = [c for c in result.check["claims"] if c["name"] == FORWARD]
        cut = any(v["cut"] for v in shown["verdicts"])
        assert cell.untested == (not cut), (result.variant.label, result.scenario.name)
        assert ("untested" in cell_text(cell)) == cell.untested
        if cell.untested:
            untested.add((result.variant.label, result.scenario.name))
    # review28: the x2 scenario is x2,x2, which can break the 2-hop promise: tested now
    assert ("ts33401", "x2") not in untested and ("ts33401", "s1") not in untested


def test_a_promise_no_one_hop_run_can_break_reads_untested_as_check_says_it() -> None:
    """docs/report.md: a variant file promising 2-hop forward security on S1 reads "holds,
    2-hop so far, untested" in the one-hop s1 scenario (TS 33.501 3.1: the key used n or more
    hops later; one handover has none), where check's verdict is "untested"; the default
    report has no such cell since review28, so its own test above holds vacuously there."""
    [(ref, schedule)] = variant_files([str(Path(__file__).parent / "data" / "delegate38"
                                           / "s1_like_x2.py")])
    data = build((), lambda _: None, files=[(ref, schedule)])
    said = {}
    for scenario in SCENARIOS:
        result = data.result(ref, scenario)
        [claim] = [c for c in result.check["claims"] if c["name"] == FORWARD]
        said[scenario.name] = (cell_text(result.cell(FORWARD)), claim["verdict"])
    assert said["s1"] == ("holds, 2-hop so far, untested", UNTESTED)
    assert said["target-id-back"] == ("holds, 2-hop, untested", UNTESTED)
    assert said["x2"] == ("holds, 2-hop so far", HOLDS)  # x2,x2 could break it


def _check_says(doc: dict, claim: str, indented: bool = False) -> list[str]:
    """What `hoverify check` prints under a claim's hop verdict lines, read from its text:
    the cut of the verdict it shows ("cut of hop 1, ...:", "lacks KASME", ...) or why no hop
    has a verdict; ``indented``: with the indentation beyond the claim's own."""
    lines = check_text(doc).splitlines()
    start = next(i for i, line in enumerate(lines) if line.split(" ")[0] == claim)
    said = []
    for line in lines[start + 1:]:
        if not line.startswith("    "):
            break
        if not re.match(r"    hop \d+, ", line):
            said.append(line[4:] if indented else line.strip())
    return said


def _md(text: str) -> str:
    return text.replace("\\|", "|").replace("\\*", "*")


def _why_lines(last: str) -> tuple[list[str], list[str]]:
    """A "why" cell's lines: those on their own line, and those of the nested list under
    the last of them (check indents them under its "cut of ...:" heading)."""
    flat, _, nested = last.partition("<ul>")
    items = re.findall(r"<li>(.*?)</li>", nested)
    assert nested == "".join(f"<li>{i}</li>" for i in items) + "</ul>" or not nested, last
    return flat.split("<br>"), items


def _html_reasons(html: str) -> dict[str, tuple[list[str], list[str]]]:
    """Each row of the HTML's "why" tables by the ids of its scenarios: its last cell's
    lines and nested lines."""
    found = {}
    for row in re.findall(r"<tr>.*?</tr>", html):
        ids = re.findall(r'<span id="(why-[^"]+)">', row)
        if ids:
            flat, nested = _why_lines(row[row.rindex("<td>") + 4:row.rindex("</td>")])
            found |= {i: ([unescape(line) for line in flat], [unescape(line) for line in nested])
                      for i in ids}
    return found


def test_every_verdict_that_does_not_fail_says_why(default_report: Generated) -> None:
    """Each variant's page (Markdown and HTML) has the section on why its claims hold; every
    cell that holds, is vacuous or n/a links to its row, which gives the cell's verdict line
    and then what `check` prints under the claim's verdicts: the cut of a promised claim that
    holds, "lacks ..." included, and nothing made up by the report. The lines check indents
    under the cut's heading are a list nested under it, in both renderings. A cell that
    fails only outside the promise links to its counterexample and to its row, whose
    verdict line names the assumption its run broke."""
    out, data = default_report.out, default_report.data
    index, html = (out / "index.md").read_text(), (out / "index.html").read_text()
    in_html = _html_reasons(html)
    cuts = outside = 0
    for section in data.sections:
        slug = section.variant.slug
        page = (out / slug / "report.md").read_text()
        assert "## Why the claims hold: what the attacker lacks" in page
        part = html[html.index(f'<h2 id="{slug}">'):]
        assert part.index("<h3>Why the claims hold") < part.index("<h3>Counterexamples")
        for result in (r for r in data.results if r.variant == section.variant):
            said = {c["name"]: c for c in result.check.get("claims", [])}
            for claim, cell in result.cells:
                where = (slug, result.scenario.name, claim)
                if cell.outside is not None:
                    assert cell.counterexample and cell.reason, where
                    assert f"({slug}/report.md#{cell.counterexample})" in index, where
                    assert f'<a href="#{cell.counterexample}">' in html, where
                    outside += 1
                elif cell.status not in (HOLDS, VACUOUS, NA):
                    assert cell.reason is None
                    continue
                assert cell.reason and f"({slug}/report.md#{cell.reason})" in index, where
                assert f'<a href="#{cell.reason}">' in html, where
                row = next(line for line in page.splitlines()
                           if f'<a id="{cell.reason}"></a>' in line)
                flat, nested = _why_lines(row.rstrip(" |").split(" | ")[-1])
                md = ([_md(line) for line in flat], [_md(line) for line in nested])
                assert in_html[cell.reason] == md, where
                why = [*md[0], *md[1]]
                if cell.outside is not None:  # the verdict line, and what the run broke
                    assert why[0] == cell.detail and len(why) == 2, where
                    assert why[1].startswith("no promise is broken: "), where
                    assert all(f"{part} ({ASSUMPTIONS[part]})" in why[1] if part in ASSUMPTIONS
                               else part in why[1] for part in cell.outside.split("; ")), where
                    continue
                check = _check_says(result.check, claim) if claim in said else []
                assert why[0] == cell.detail, where
                assert why[len(why) - len(check):] == check, (where, why, check)
                if md[1]:  # nested under the heading check prints them under
                    assert md[0][-1].startswith(("cut of ", "witness of ")), (where, md)
                    assert [f"    {line}" for line in md[1]] == \
                        _check_says(result.check, claim, indented=True)[-len(md[1]):], where
                else:
                    assert not any(line.startswith("cut of ") for line in md[0]), where
                if cell.status == HOLDS and said[claim]["promised"] and any(
                        line.startswith("cut of ") for line in check):
                    # or, a downgrade search none of whose edits completed, that the UE or
                    # the target refused each (helper-234: its cut named a key then too)
                    assert any("lacks" in line for line in check) or check[-1] == REFUSED_EACH, (
                        where, check)
                    cuts += 1
    assert cuts > len(data.sections)  # each variant has cuts to show
    assert outside  # ts33401's race fails outside path-switch-first


def test_a_failure_outside_two_assumptions_names_each_in_its_reason() -> None:
    """docs/report.md: the row of a cell failing only outside the promise says what the
    promise assumes, which the run broke. ts33401's race with the backhaul open breaks both
    path-switch-first and NDS/IP (TS 33.401 11); the report's scenarios break one each, so
    only its own run here shows that the row names every one."""
    from hoverify.report_job import _evaluate, _result, check_line

    race = next(s for s in SCENARIOS if s.name == "race")
    scenario = replace(race, backhaul_unprotected=True)
    result = _result(REFERENCE, scenario, _evaluate(load(REFERENCE.name), scenario, None),
                     check_line(REFERENCE, scenario, None))
    cell = result.cell(FORWARD)
    assert cell.outside is not None and cell.reason
    broken = cell.outside.split("; ")
    [why] = cell.cut
    assert len(broken) == 2 and why.startswith("no promise is broken: ")
    assert all((f"{part} ({ASSUMPTIONS[part]})" if part in ASSUMPTIONS else part) in why
               for part in broken), why


@pytest.mark.parametrize("variant, scenario", [
    ("seed-fs/nas", "backhaul-open"), ("ts33401", "race"), ("ts33401", "replay"),
    ("tr33821-v070", "enb-1-compromised"), ("seed-fs/alg-id", "kasme-revealed")])
def test_a_counterexample_gives_the_check_line_of_its_run(
        default_report: Generated, variant: str, scenario: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    """review25: counterexamples named only their scenario; each gives the `hoverify check`
    line of its run (hops, topology, attacker), which prints every claim's verdict as the
    matrix says it."""
    result = next(r for r in default_report.data.results
                  if r.variant.label == variant and r.scenario.name == scenario)
    [line] = {cx.check for cx in result.counterexamples}
    argv = shlex.split(line)
    assert argv[:2] == ["hoverify", "check"]
    main([*argv[1:], "--json"])
    said = {c["name"]: c["verdict"] for c in json.loads(capsys.readouterr().out)["claims"]}
    assert said == {c["name"]: c["verdict"] for c in result.check["claims"]}
    assert f"`{line}`" in (default_report.out / result.variant.slug / "report.md").read_text()


def test_a_bounded_finding_gives_the_check_line_verify_prints(
        default_report: Generated, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """review25: the bounded verification's traces left out the `check:` line that `hoverify
    verify` prints after each; the derivability table's "enb-1 (hop 0)" read as a
    `--compromise enb-1@0` that check refuses."""
    main(["verify", "--variant", "tr33821-v070", "--max-handovers", "1",
          "--out", str(tmp_path / "findings")])
    printed = [line.strip() for line in capsys.readouterr().out.splitlines()
               if line.strip().startswith(("check: ", "no check line: "))]
    [bounded] = [b for b in default_report.data.bounded if b.variant.label == "tr33821-v070"]
    assert printed and [line for f in bounded.findings for line in check_line_text(f)
                        if not line.startswith("(")] == printed
    page = (default_report.out / "tr33821-v070" / "report.md").read_text()
    assert all(line in page for line in printed)
    assert "(hop 0)" not in page and "| enb-1 (from the start) |" in page


def test_a_chart_shows_no_python_repr(default_report: Generated) -> None:
    """review25: a chart showed `NAS-PDU=((('notification bit', 1),), 0, b'\\x04\\x1f\\x1d\\t')`;
    the NAS-PDU's fields are named as every other field is (TS 24.301 4.4.4: the NAS COUNT
    and NAS-MAC it is protected with)."""
    charts = [c for r in default_report.data.results
              for c in (r.msc, *(cx.msc for cx in r.counterexamples)) if c is not None]
    shown = [e.fields + e.tooltip for c in charts for e in c.events if isinstance(e, MscMessage)]
    assert any("NAS-PDU={notification bit=1, DL NAS COUNT=" in text for text in shown)
    assert not [text for text in shown if "b'" in text or "((" in text]


def test_a_cell_says_each_attacker_its_verdicts_leave_out(
        default_report: Generated, capsys: pytest.CaptureFixture[str]) -> None:
    """review25: the TR's backward-security on the chain showed enb-4@1's line and never said
    that enb-1@1, compromised in the same hop, was not judged: backward security speaks of
    KeNBs earlier than the eNB's own (TS 33.501 3.1), and those used while the UE was away
    from enb-1 are forward security's; check says so too."""
    main(["check", "--variant", "tr33821-v070", "--hops", "s1,x2,s1-inter,x2,s1,s1,x2,s1-inter,"
          "s1,x2"])
    printed = [line.strip() for line in capsys.readouterr().out.splitlines()
               if line.strip().startswith("not judged: radio observer + enb-1@")]
    assert [line[:44] for line in printed] == ["not judged: radio observer + enb-1@1 has no ",
                                               "not judged: radio observer + enb-1@10 has no"]
    result = next(r for r in default_report.data.results
                  if r.variant.label == "tr33821-v070" and r.scenario.name == "chain")
    assert result.cell(BACKWARD).status == HOLDS
    assert list(result.cell(BACKWARD).cut[:2]) == printed


def test_a_variant_page_lists_each_promise_with_its_assumptions() -> None:
    """fix38: the delegate's S1-like-X2 proposal promises 2-hop forward security on every hop
    type assuming path-switch-first; its page listed the promise without the assumption that
    its verdicts then cite ("fails (outside the promise: path-switch-first)"). The words are
    the Promise's (``Promise.assumes``), as ts33401's own forward-security promise too."""
    from hoverify.report_job import _section
    from hoverify.variant_file import load_variant_file

    scenario = SCENARIOS[0]
    flawed = load_variant_file(str(Path(__file__).parent / "data" / "delegate38"
                                   / "s1_like_x2.py"))
    section = _section(VariantRef(flawed.name), scenario, flawed, None)
    assert "forward-security on every hop type, 2-hop, assumes path-switch-first: as TS 33.401 " \
           "7.2.8.4.2" in " ".join(section.promises)
    ts33401 = _section(VariantRef("ts33401"), scenario, load("ts33401"), None).promises
    assert [p for p in ts33401 if "assumes path-switch-first" in p] == [
        "forward-security on intra-enb, x2 hops, 2-hop, assumes path-switch-first: TS 33.401 "
        "7.2.8.4.2: the NH of the Path Switch Ack is used one handover later"]
    assert all("assumes backhaul-protected" in p for p in ts33401 if "agreement on" in p
               and not p.startswith("key-agreement"))


# -- helper-226: the conclusion neither contradicts nor repeats itself -------------------------
@pytest.mark.parametrize("nas", [HOLDS, FAILS, BROKEN, VACUOUS, NA])
@pytest.mark.parametrize("alg_id", [HOLDS, FAILS, BROKEN, VACUOUS, NA])
def test_the_answer_s_detail_never_says_holds_where_its_lead_says_not_given(
        nas: str, alg_id: str) -> None:
    """helper-226 #3: every placement failing at the question's scenario gave "prop does
    not give s1 hops forward security. In detail: ... holds for prop with no bit placement":
    the detail says each placement's own verdict, so it says "holds" only of one that holds."""
    sides = replace(SIDES, question="s1")
    cells = statuses(base_s1=FAILS, prop_nas_s1=nas, prop_alg_id_s1=alg_id)
    answer = conclusion(cells, [FORWARD], SCENES, sides)[0]
    lead, detail = answer.split(" In detail: ")
    said = detail.split(";")[0]
    if "does not give" in lead:
        assert "holds for prop" not in said, answer
    verbs = {HOLDS: ("holds",), FAILS: ("fails",), VACUOUS: ("is vacuous",),
             BROKEN: ("fails (a broken promise)", "fails, breaking its promise"),
             NA: ("has no verdict",)}
    assert all(any(verb in said for verb in verbs[status]) for status in (nas, alg_id)), answer


def test_the_no_verdict_sentence_names_only_cells_n_a_for_both() -> None:
    """helper-226 #1: the legend keeps "no verdict" for n/a; a vacuous cell is a verdict
    (promised), which the placements' point says. The "Neither" sentence names only the
    scenarios where the baseline and every placement are n/a, in the legend's n/a words."""
    cells = statuses(base_s1=NA, prop_nas_s1=VACUOUS, prop_alg_id_s1=VACUOUS,
                     base_x2=NA, prop_nas_x2=NA, prop_alg_id_x2=NA)
    words = conclusion(cells, [FORWARD], SCENES, SIDES)
    none = [s for s in words if s.startswith("Neither prop nor base")]
    assert none == ["Neither prop nor base has a verdict for forward-security on x2 hops: in "
                    "each, neither promises the claim there and its situation never arose, or "
                    "the claim's definition leaves the run's hops out (not judged) (n/a)."], words
    assert any("only vacuously for forward-security (every bit placement) on s1 hops" in s
               for s in words), words


def test_the_answer_refers_to_the_broken_promise_s_point_and_says_each_thing_once() -> None:
    """helper-226 #2: the one broken promise was said in the Answer's lead, again with its
    scenarios in the Answer's detail, and in its own point; and ``FORMER_SERVING`` word for
    word in the backward point and in the placements' point. The detail counts the scenarios
    and points below; the former serving eNB's words are said once."""
    scenes = [("s1", "s1 hops"), ("x2", "x2 hops"), ("active", "s1 with an active source"),
              ("back", "s1 back to the active source")]
    sides = replace(SIDES, question="s1")
    broken = {("active", FORWARD), ("back", FORWARD), ("back", BACKWARD)}
    cells = {(label, s, c): (BROKEN if label.startswith("prop") and (s, c) in broken else
                             FAILS if label == "base" and c == FORWARD and s != "x2" else HOLDS)
             for label in ("base", "prop/nas", "prop/alg-id", "ref") for s, _ in scenes
             for c in (BACKWARD, FORWARD)}
    returned = {(label, "back", BACKWARD) for label in ("prop/nas", "prop/alg-id")}
    words = conclusion(cells, [BACKWARD, FORWARD], scenes, sides, former_serving=returned)
    detail = words[0].split(" In detail: ")[1]
    assert "prop breaks that promise in 2 scenarios, below" in detail, detail
    assert not [t for _, t in scenes[1:] if t in detail], detail
    assert sum(FORMER_SERVING in s for s in words) == 1, words


def test_a_kenb_no_promise_covers_is_said_once_as_not_promised() -> None:
    """helper-226 #4: "(not promised: the KeNB of hop 1, after an x2 hop, for which nothing
    is promised)" said "not promised" twice, and "after" of the KeNB's own hop. The KeNB's
    hop is named by its type where the UE left on it, and who promises nothing by name."""
    fails = statuses(base_x2=FAILS, prop_nas_x2=FAILS, prop_alg_id_x2=FAILS)
    own = {(label, "x2", FORWARD): UncoveredKeNB(1, 1, "x2")
           for label in ("base", "prop/nas", "prop/alg-id")}
    words = conclusion(fails, [FORWARD], SCENES, SIDES, unpromised=own)
    assert ("prop leaves forward-security open on x2 hops: it fails there with every bit "
            "placement (not promised: the KeNB of x2 hop 1: prop promises nothing there), as "
            "for base (ref holds there).") in words
    assert not any("nothing is promised" in s for s in words), words


# -- the conclusion's rules, each on a matrix where breaking it changes a sentence (helper-261:
# single-point mutants of reports/conclusion.py that only the golden diff, or nothing, caught)
def test_every_bit_placement_is_said_only_where_each_placement_has_that_verdict() -> None:
    """``_placed``: "holds for P with every bit placement" against "only with the bit in A":
    a fix or an open claim is said of every placement only where each placement holds (or
    fails); a placement with no verdict there is not one of them."""
    fixed = conclusion(statuses(base_s1=FAILS, prop_alg_id_s1=NA), [FORWARD], SCENES, SIDES)
    assert ("prop fixes forward-security on s1 hops: it holds there with the bit in nas, and "
            "fails for base (not promised) (ref holds there).") in fixed, fixed
    open_ = conclusion(statuses(base_x2=FAILS, prop_nas_x2=FAILS, prop_alg_id_x2=NA),
                       [FORWARD], SCENES, SIDES)
    assert ("prop leaves forward-security open on x2 hops: it fails there with the bit in nas "
            "(not promised), as for base (ref holds there).") in open_, open_


def test_the_answer_counts_a_broken_promise_in_any_scenario_whatever_their_order() -> None:
    """``_answer``: "the scenarios where an attacker the question's scenario does not have
    breaks the proposal's promise": every scenario but the question's, the first one too."""
    scenes = [("active", "s1 with an active source"), ("s1", "s1 hops"), ("x2", "x2 hops")]
    sides = replace(SIDES, question="s1")
    cells = {(label, s, FORWARD): (BROKEN if label.startswith("prop") and s == "active" else
                                   FAILS if label == "base" and s != "x2" else HOLDS)
             for label in ("base", "prop/nas", "prop/alg-id", "ref") for s, _ in scenes}
    for order in (scenes, scenes[1:] + scenes[:1]):
        answer = conclusion(cells, [FORWARD], order, sides)[0]
        assert answer.startswith("Answer: prop gives s1 hops forward security against the eNBs "
                                 "compromised there, but breaks that promise in other "
                                 "scenarios. "), answer
        assert "prop breaks that promise in 1 scenario, below" in answer, answer


def test_a_vacuous_authentication_cell_is_no_change_from_a_baseline_with_no_verdict() -> None:
    """docs/report.md: "a vacuous cell counts as no verdict, as in the matrix"; the
    authentication sentence names "the scenarios and placements where a verdict differs"
    (``_authentication``), so a vacuous placement where the baseline is n/a changes none."""
    cells = {(label, s, AGREEMENT): HOLDS for label in ("base", "prop/nas", "prop/alg-id")
             for s, _ in SCENES}
    cells.update({("base", "x2", AGREEMENT): NA, ("prop/nas", "x2", AGREEMENT): VACUOUS,
                  ("prop/alg-id", "x2", AGREEMENT): VACUOUS})
    words = conclusion(cells, [AGREEMENT], SCENES, SIDES)
    assert [s for s in words if s.startswith("Authentication")] == [
        "Authentication: prop changes no verdict of agreement compared with base (every bit "
        "placement, every scenario): in these scenarios its key refresh neither gives nor "
        "takes an authentication property."], words


def test_a_vacuous_placement_changes_no_verdict_from_a_placement_with_none() -> None:
    """docs/report.md: "a vacuous cell counts as no verdict, as in the matrix"; the placement
    sentence names the claims "whose verdicts differ between bit placements", compared as
    the authentication sentence compares them (helper-261: it once counted a vacuous cell
    against an n/a one as a change)."""
    cells = {(label, s, AGREEMENT): HOLDS for label in ("base", "prop/nas", "prop/alg-id")
             for s, _ in SCENES}
    cells.update({("prop/nas", "x2", AGREEMENT): VACUOUS, ("prop/alg-id", "x2", AGREEMENT): NA})
    words = conclusion(cells, [AGREEMENT], SCENES, SIDES)
    assert ("The placement of the notification bit changes no verdict of prop in these "
            "scenarios (agreement alike).") in words, words


def test_a_claim_is_said_to_hold_for_both_only_where_no_scenario_differs() -> None:
    """"The claim C holds for both B and P (every bit placement) wherever there is a
    verdict": not of a claim the proposal fixes in one scenario (the baseline fails there)."""
    words = conclusion(statuses(base_s1=FAILS), [FORWARD], SCENES, SIDES)
    assert any(s.startswith("prop fixes forward-security on s1 hops") for s in words), words
    assert not any("holds for both" in s for s in words), words


def test_a_broken_promise_is_the_former_serving_enbs_only_where_every_broken_cell_is() -> None:
    """``_Case.returned``: "every broken cell of the failing placements is
    ``FORMER_SERVING``'s": one placement's other failure is a broken promise of its own."""
    cells = {**statuses(), **{(label, "x2", BACKWARD): BROKEN
                              for label in ("prop/nas", "prop/alg-id")},
             **{(label, s, BACKWARD): HOLDS for label in ("base", "ref") for s, _ in SCENES},
             **{(label, "s1", BACKWARD): HOLDS for label in ("prop/nas", "prop/alg-id")}}
    one = {("prop/nas", "x2", BACKWARD)}
    words = conclusion(cells, [BACKWARD], SCENES, SIDES, former_serving=one)
    assert not any(FORMER_SERVING in s for s in words), words
    both = one | {("prop/alg-id", "x2", BACKWARD)}
    words = conclusion(cells, [BACKWARD], SCENES, SIDES, former_serving=both)
    assert any(FORMER_SERVING in s for s in words), words
