"""The key-dependency graph as SVG, laid out by hop: one column per hop (x), the keys that
first appeared in that hop stacked in it (y), each with its holders underneath. A KDF is
drawn as arrows from its secret inputs to its output (hover for the whole derivation; public
inputs and constants are in the DOT and GraphML files); an arrow that skips columns arcs over
them. Keys and derivations in the attacker's closure are red."""

from __future__ import annotations

from collections import defaultdict

from reports.data import GraphData, GraphNode
from reports.svg import (
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
)

LABEL, SMALL, HEADING = 12, 9.5, 11
BOX_H, ROW_GAP, COL_GAP, MARGIN = 36, 16, 64, 24
APEX, COLUMN_TOP, TOP = 62, 84, 116  # long arrows peak at APEX, above the columns
MAX_HOLDERS = 34  # characters of the holders line before it is cut (the tooltip has all)


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
    hops = range(len(graph.columns))
    col_width = {h: max([width(graph.columns[h], HEADING) + 8]
                        + [_node_width(n) for n in columns[h]]) for h in hops}
    col_x: dict[int, int] = {}
    x = MARGIN
    for h in hops:
        col_x[h] = x
        x += col_width[h] + COL_GAP
    place = {n.id: (col_x[h], TOP + i * (BOX_H + ROW_GAP), col_width[h], h)
             for h in hops for i, n in enumerate(columns[h])}
    rows = max((len(columns[h]) for h in hops), default=0)
    svg_w = x - COL_GAP + MARGIN
    svg_h = TOP + rows * (BOX_H + ROW_GAP) + MARGIN
    body = [arrow_markers(prefix),
            f'<rect width="{svg_w}" height="{svg_h}" fill="#ffffff"/>',
            text(MARGIN, 22, graph.title, 14, weight="bold"),
            text(MARGIN, 42, f"red: what {graph.attacker} can derive "
                             "(hover an arrow for its KDF)", 11, fill=RED)]
    for h in hops:
        shade = BLUE_FILL if h % 2 else "#f7f9fb"
        body.append(f'<rect x="{col_x[h] - 8}" y="{COLUMN_TOP}" width="{col_width[h] + 16}" '
                    f'height="{svg_h - COLUMN_TOP - 8}" rx="6" fill="{shade}"/>')
        body.append(text(col_x[h], COLUMN_TOP + 18, graph.columns[h], HEADING, weight="bold"))
    for derivation in (n for n in graph.nodes if n.kind == "derivation"):
        target = output.get(derivation.id)
        if target not in place:
            continue
        for source in inputs[derivation.id]:
            if source in place:
                body.append(_edge(place[source], place[target], derivation, prefix))
    for node_id, (left, top, box_w, _) in place.items():
        body.append(_node(by_id[node_id], left, top, box_w))
    return document(svg_w, svg_h, body, graph.title)


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


def _edge(source: tuple[int, int, int, int], target: tuple[int, int, int, int],
          derivation: GraphNode, prefix: str) -> str:
    sx, sy, sw, s_hop = source
    tx, ty, _, t_hop = target
    sy, ty = sy + BOX_H // 2, ty + BOX_H // 2
    if s_hop == t_hop:  # within one hop: an arc in the gap to the left of the column
        bend = min(COL_GAP - 12, 14 + abs(ty - sy) // 6)
        path = f"M{sx},{sy} C{sx - bend},{sy} {tx - bend},{ty} {tx},{ty}"
    elif t_hop > s_hop + 1:  # over the columns in between: control points put the top at APEX
        start, lift = sx + sw, (8 * APEX - sy - ty) // 6
        path = f"M{start},{sy} C{start + 60},{lift} {tx - 60},{lift} {tx},{ty}"
    else:
        start = sx + sw
        reach = max(24, (tx - start) // 3)
        path = f"M{start},{sy} C{start + reach},{sy} {tx - reach},{ty} {tx},{ty}"
    colour, marker = (RED, "red") if derivation.derived else (GREY, "grey")
    return (f'<path d="{path}" fill="none" stroke="{colour}" '
            f'stroke-width="{1.6 if derivation.derived else 1}" '
            f'stroke-opacity="{1 if derivation.derived else 0.7}" '
            f'marker-end="url(#{prefix}-{marker})"><title>{esc(derivation.text)}</title></path>')

