"""The key-dependency graph as SVG, laid out by hop: one column per hop, the keys that first
appeared in that hop stacked in it, each with its holders underneath. The columns stand on a
grid of equal widths that wraps into bands, so that a long run fits a page's width.

A KDF is drawn as arrows from its secret inputs to its output (hover for the whole
derivation; public inputs and constants are in the DOT and GraphML files). An arrow between
neighbouring columns, or within one, stays in the gap beside them; any other arrow is routed
around the boxes: along the gap right of its source up or down to the corridor above the
target's band, along that corridor, and down the gap left of its target. Each source of such
arrows has its own lane in gaps and corridors. Keys and derivations in the attacker's closure
are red, and a legend under the title says what every mark and name means.

Laid out here rather than by Graphviz's dot: the committed report must be the same bytes on
every machine, and dot's placement and SVG change between Graphviz versions."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from hoverify.reports.data import GraphData, GraphNode
from hoverify.reports.svg import (
    BLUE_FILL,
    GREY,
    INK,
    RED,
    RED_FILL,
    arrow_markers,
    clip,
    document,
    esc,
    text,
    width,
    wrap,
)

LABEL, SMALL, HEADING, NOTE = 12, 9.5, 11, 11
BOX_H, ROW_GAP, MARGIN = 36, 16, 16
LINE = 15  # baseline to baseline of the title, legend and headings
MAX_WIDTH = 1230  # the page's content is 1280 px wide at most (hoverify.reports.html)
MIN_BOX = 130
MAX_HOLDERS = 34  # characters of the holders line before it is cut (the tooltip has all)
LANE = 6  # distance between two routed lanes, in a gap and in a corridor
SHADE = 8  # a column's shading reaches this far into the gaps beside it
SWATCH = 36  # the legend's text starts this far right of its swatches

# Every name and mark the graph may show, in the order the legend gives them; the legend
# lists those that occur in the drawing. Clauses: TS 33.401 (A.x: Annex A), seed: the SA3
# proposal "seed-fs".
GLOSSARY: tuple[tuple[str, str], ...] = (
    ("KASME", "the key shared by UE and MME after authentication (TS 33.401 6.1.1)"),
    ("KNASint", "NAS integrity key (TS 33.401 A.7)"),
    ("KNASenc", "NAS encryption key (TS 33.401 A.7)"),
    ("KeNB", "the key of the UE and its serving eNB (TS 33.401 A.3, A.5)"),
    ("KeNB*", "the KeNB for the target, derived by the source eNB or from NH "
              "(TS 33.401 7.2.8, A.5)"),
    ("KeNB*+", "KDF(K_HO, KeNB*), which the MME hands to the target instead of KeNB* "
               "(seed section 3)"),
    ("K_HO", "the handover key the UE and the MMEs derive from KASME (seed section 3)"),
    ("NH", "Next Hop key, derived from KASME in a chain (TS 33.401 7.2.8.1, A.4)"),
    ("NCC", "NH Chaining Counter: 3 bits, counts the NHs modulo 8 (TS 33.401 7.2.8.4)"),
    ("KRRCint", "RRC integrity key (TS 33.401 A.7)"),
    ("KRRCenc", "RRC encryption key (TS 33.401 A.7)"),
    ("KUPint", "user-plane integrity key (TS 33.401 A.7)"),
    ("KUPenc", "user-plane encryption key (TS 33.401 A.7)"),
    ("KDF", "key derivation function (TS 33.220 B.2, TS 33.401 A.1)"),
    ("s1", "S1 handover, the MME relays the keys (TS 33.401 7.2.8.4.3)"),
    ("s1-inter", "S1 handover to another MME (TS 33.401 7.2.8.4.3, 9.2)"),
    ("x2", "X2 handover, eNB to eNB (TS 33.401 7.2.8.4.2)"),
    ("intra-enb", "handover within one eNB (TS 33.401 7.2.8.4.1)"),
    ("ue", "the UE; enb-N: an eNB; mme-N: an MME (the topology's names)"),
)
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_*+-]*")


@dataclass(frozen=True)
class _Box:
    x: int
    y: int
    band: int
    slot: int  # the column's position in its band


@dataclass(frozen=True)
class _Grid:
    box_w: int
    gap: int
    per_band: int
    bands: int

    def x(self, slot: int) -> int:
        return self.gap + slot * (self.box_w + self.gap)

    def slot(self, hop: int) -> tuple[int, int]:
        """The band and the position in it of a hop's column."""
        return divmod(hop, self.per_band)

    @property
    def width(self) -> int:
        return self.x(self.per_band)


def _grid(n_columns: int, box_w: int, lanes: int) -> _Grid:
    """As many columns per band as fit ``MAX_WIDTH``, the bands as even as can be."""
    gap = 2 * SHADE + 12 + LANE * lanes
    fit = max(1, (MAX_WIDTH - gap) // (box_w + gap))
    bands = max(1, -(-n_columns // fit))
    per_band = max(1, -(-n_columns // bands))
    return _Grid(box_w, gap, per_band, -(-n_columns // per_band))


def render(graph: GraphData, prefix: str) -> str:
    by_id = {n.id: n for n in graph.nodes}
    inputs: dict[str, list[str]] = defaultdict(list)
    output: dict[str, str] = {}
    for source, target in graph.edges:
        if by_id[target].kind == "derivation":
            inputs[target].append(source)
        elif by_id[source].kind == "derivation":
            output[source] = target
    columns: dict[int, list[GraphNode]] = defaultdict(list)
    for node in graph.nodes:
        if node.kind == "key":
            columns[node.hop].append(node)
    hop_of = {n.id: n.hop for n in graph.nodes if n.kind == "key"}
    edges = [(source, output[d.id], d) for d in graph.nodes if d.kind == "derivation"
             and output.get(d.id) in hop_of for source in inputs[d.id] if source in hop_of]
    edges.sort(key=lambda e: e[2].derived)  # the attacker's arrows drawn last, on top

    n_columns = len(graph.columns)
    box_w = max([MIN_BOX] + [_node_width(n) for n in graph.nodes if n.kind == "key"])
    lanes = 0
    while True:  # the gaps hold one lane per source of routed arrows, which the grid decides
        grid = _grid(n_columns, box_w, lanes)
        routed_sources = list(dict.fromkeys(
            source for source, target, _ in edges
            if _routed(grid.slot(hop_of[source]), grid.slot(hop_of[target]))))
        if len(routed_sources) <= lanes:
            break
        lanes = len(routed_sources)
    lane = {source: i for i, source in enumerate(routed_sources)}
    svg_w = grid.width

    legend = _legend(graph, svg_w - 2 * MARGIN)
    y = 22 + LINE + LINE * len(legend) + 8
    headings = {h: wrap(graph.columns[h], HEADING, box_w) for h in range(n_columns)}
    place: dict[str, _Box] = {}
    band_top: list[int] = []  # the top of each band's corridor
    shading: list[tuple[int, int, int, int]] = []  # (hop, x, y, bottom)
    for band in range(grid.bands):
        hops = range(band * grid.per_band, min(n_columns, (band + 1) * grid.per_band))
        band_top.append(y)
        top = y + 10 + LANE * lanes
        head_h = max(len(headings[h]) for h in hops) * LINE + 10
        rows = max(len(columns[h]) for h in hops)
        bottom = top + head_h + rows * (BOX_H + ROW_GAP) + 4
        for h in hops:
            b, s = grid.slot(h)
            shading.append((h, grid.x(s), top, bottom))
            for i, node in enumerate(columns[h]):
                place[node.id] = _Box(grid.x(s), top + head_h + i * (BOX_H + ROW_GAP), b, s)
        y = bottom
    svg_h = y + MARGIN

    body = [arrow_markers(prefix),
            f'<rect width="{svg_w}" height="{svg_h}" fill="#ffffff"/>',
            text(MARGIN, 22, clip(graph.title, 14, svg_w - 2 * MARGIN), 14, weight="bold")]
    for i, (swatch, line, colour) in enumerate(legend):
        baseline = 22 + LINE * (i + 1)
        body.append(_swatch(swatch, MARGIN, baseline, prefix)
                    + text(MARGIN + SWATCH, baseline, line, NOTE, fill=colour))
    for h, x, top, bottom in shading:
        shade = BLUE_FILL if h % 2 else "#f7f9fb"
        body.append(f'<rect x="{x - SHADE}" y="{top}" width="{box_w + 2 * SHADE}" '
                    f'height="{bottom - top}" rx="6" fill="{shade}"/>')
        for i, line in enumerate(headings[h]):
            body.append(text(x, top + 14 + LINE * i, line, HEADING,
                             weight="bold" if i == 0 else "normal"))
    for source, target, derivation in edges:
        path = _route(place[source], place[target], grid, lane.get(source, 0), band_top)
        body.append(_edge(path, derivation, prefix))
    for node_id, box in place.items():
        body.append(_node(by_id[node_id], box.x, box.y, box_w))
    return document(svg_w, svg_h, body, graph.title)


def _routed(source: tuple[int, int], target: tuple[int, int]) -> bool:
    """An arrow that must go round boxes: not within a column nor to the next one."""
    return source[0] != target[0] or target[1] not in (source[1], source[1] + 1)


def _legend(graph: GraphData, room: int) -> list[tuple[str, str, str]]:
    """The legend's lines as (swatch, text, colour), the swatch on an item's first line:
    marks first, then the names in use."""
    chain = any(n.label.startswith("NH[") for n in graph.nodes)
    items = [
        ("red", f"Red: what the attacker {graph.attacker} can derive (WHO@N: WHO compromised "
                "from hop N; radio observer: reads every message on the air), and the KDFs it "
                "can compute.", RED),
        ("columns", "Columns: one per hop (the shading alternates only to set neighbours "
                    "apart); 'set-up': the AS security set-up; 'enb-a→enb-b': from source to "
                    "target eNB. A key stands in the column of the hop in which it first "
                    "appeared.", INK),
        ("box", "Box: the key's name, and under it its holders: each UE, eNB and MME that "
                "held the key in the run (computed it, received it or kept it).", INK),
        ("arrow", "Arrow: from a secret input of a KDF to its output (hover it for the whole "
                  "derivation and its clause; public inputs and constants are in the DOT and "
                  "GraphML files). Arrows that skip columns run in the gaps and in the "
                  "corridor above a band.", INK),
        ("", "Names: KeNB[hop k]: the KeNB in use after hop k; X[hop k]: key X first derived "
             "in hop k" + ("; NH[NCC n]: an NH and its NCC; NH[NCC n] #d: the d-th NH of the "
                           "chain, shown from the 8th on, where the 3-bit NCC repeats"
                           if chain else "") + ".", INK),
    ]
    shown = {word for n in graph.nodes if n.kind == "key"
             for word in WORD.findall(n.label)}
    shown |= {word for column in graph.columns for word in column.split()}
    shown |= {"KDF"} | ({"NCC"} if chain else set())
    if any(holder.startswith(("enb-", "mme-", "ue")) for n in graph.nodes
           for holder in n.holders):
        shown.add("ue")
    terms = "; ".join(f"{name}: {meaning}" for name, meaning in GLOSSARY if name in shown)
    items.append(("", f"Abbreviations: {terms}.", GREY))
    return [(swatch if i == 0 else "", line, colour) for swatch, content, colour in items
            for i, line in enumerate(wrap(content, NOTE, room - SWATCH))]


def _swatch(kind: str, x: int, baseline: int, prefix: str) -> str:
    """The little picture in front of a legend item."""
    top = baseline - 10
    if kind == "red":
        return (f'<rect x="{x}" y="{top}" width="26" height="12" rx="2" fill="{RED_FILL}" '
                f'stroke="{RED}" stroke-width="2"/>')
    if kind == "columns":
        return (f'<rect x="{x}" y="{top - 1}" width="13" height="14" fill="#f7f9fb"/>'
                f'<rect x="{x + 13}" y="{top - 1}" width="13" height="14" fill="{BLUE_FILL}"/>')
    if kind == "box":
        return (f'<rect x="{x}" y="{top}" width="26" height="12" rx="2" fill="#ffffff" '
                f'stroke="{INK}"/>')
    if kind == "arrow":
        return (f'<path d="M{x},{top + 6} h24" stroke="{GREY}" '
                f'marker-end="url(#{prefix}-grey)"/>')
    return ""


def _holders(node: GraphNode) -> str:
    return ", ".join(node.holders) or "nobody"


def _node_width(node: GraphNode) -> int:
    return max(width(node.label, LABEL), width(clip(_holders(node), SMALL,
                                                    width("x" * MAX_HOLDERS, SMALL)),
                                               SMALL)) + 14


def _node(node: GraphNode, x: int, y: int, w: int) -> str:
    stroke, fill = (RED, RED_FILL) if node.derived else (INK, "#ffffff")
    holders = _holders(node)
    tip = f"{node.label} (hop {node.hop}) held by {holders}; value {node.value}"
    return (f'<g class="key"><title>{esc(tip)}</title>'
            f'<rect x="{x}" y="{y}" width="{w}" height="{BOX_H}" rx="4" fill="{fill}" '
            f'stroke="{stroke}" stroke-width="{2 if node.derived else 1}"/>'
            + text(x + 7, y + 15, node.label, LABEL, weight="bold",
                   fill=RED if node.derived else INK)
            + text(x + 7, y + 29, clip(holders, SMALL, w - 14), SMALL, fill=GREY) + "</g>")


def _route(source: _Box, target: _Box, grid: _Grid, lane: int,
           band_top: list[int]) -> str:
    """The path's ``d``: from the middle of the source's right side to the middle of the
    target's left side, in free space only."""
    sx, sy = source.x + grid.box_w, source.y + BOX_H // 2
    tx, ty = target.x, target.y + BOX_H // 2
    if source.band == target.band and source.slot == target.slot:  # an arc in the gap left
        bend = min(grid.gap - SHADE - 4, 14 + abs(ty - sy) // 6)
        return f"M{source.x},{sy} C{tx - bend},{sy} {tx - bend},{ty} {tx},{ty}"
    if not _routed((source.band, source.slot), (target.band, target.slot)):  # next column
        reach = (tx - sx) // 2
        return f"M{sx},{sy} C{sx + reach},{sy} {tx - reach},{ty} {tx},{ty}"
    offset = SHADE + 6 + LANE * lane
    out_x, in_x = sx + offset, tx - grid.gap + offset
    corridor = band_top[target.band] + 6 + LANE * lane
    return _rounded([(sx, sy), (out_x, sy), (out_x, corridor), (in_x, corridor),
                     (in_x, ty), (tx, ty)])


def _rounded(points: list[tuple[int, int]], radius: int = 5) -> str:
    """A path through axis-parallel ``points`` with rounded corners."""
    points = [p for i, p in enumerate(points) if i == 0 or p != points[i - 1]]
    d = [f"M{points[0][0]},{points[0][1]}"]
    for before, corner, after in zip(points, points[1:], points[2:], strict=False):
        r = min(radius, _span(before, corner) // 2, _span(corner, after) // 2)
        a = _toward(corner, before, r)
        b = _toward(corner, after, r)
        d.append(f"L{a[0]},{a[1]} Q{corner[0]},{corner[1]} {b[0]},{b[1]}")
    d.append(f"L{points[-1][0]},{points[-1][1]}")
    return " ".join(d)


def _span(a: tuple[int, int], b: tuple[int, int]) -> int:
    return abs(a[0] - b[0]) + abs(a[1] - b[1])


def _toward(corner: tuple[int, int], other: tuple[int, int], r: int) -> tuple[int, int]:
    dx = (other[0] > corner[0]) - (other[0] < corner[0])
    dy = (other[1] > corner[1]) - (other[1] < corner[1])
    return corner[0] + dx * r, corner[1] + dy * r


def _edge(path: str, derivation: GraphNode, prefix: str) -> str:
    colour, marker = (RED, "red") if derivation.derived else (GREY, "grey")
    return (f'<path d="{path}" fill="none" stroke="{colour}" '
            f'stroke-width="{1.6 if derivation.derived else 1}" '
            f'stroke-opacity="{1 if derivation.derived else 0.7}" '
            f'marker-end="url(#{prefix}-{marker})"><title>{esc(derivation.text)}</title></path>')
