"""The whole key-dependency graph in Graphviz DOT, written by hand (no Graphviz needed to
produce it): one cluster per hop, keys as boxes with their holders, public values and
constants as plain text, KDFs as small circles; the attacker's closure in red."""

from __future__ import annotations

from collections import defaultdict

from hoverify.reports.data import GraphData, GraphNode

RED, INK, GREY = "#c0392b", "#1f2933", "#7b8794"


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _attributes(node: GraphNode) -> str:
    colour = RED if node.derived else INK
    if node.kind == "derivation":
        attrs = {"shape": "circle", "width": "0.3", "fixedsize": "true", "label": "KDF",
                 "fontsize": "7", "tooltip": node.text}
    elif node.kind == "key":
        attrs = {"shape": "box", "style": "rounded,filled",
                 "fillcolor": "#fde2e0" if node.derived else "white",
                 "label": f"{node.label}\n{', '.join(node.holders) or 'nobody'}",
                 "tooltip": node.value}
    else:
        attrs = {"shape": "plaintext", "label": node.label, "fontsize": "9",
                 "tooltip": node.value}
        colour = GREY
    attrs = {**attrs, "color": colour, "fontcolor": colour}
    return ", ".join(f"{k}={quote(v)}" for k, v in attrs.items())


def render(graph: GraphData) -> str:
    by_id = {n.id: n for n in graph.nodes}
    hops: dict[int, list[GraphNode]] = defaultdict(list)
    for node in graph.nodes:
        hops[node.hop].append(node)
    lines = [f"// {graph.title}", f"// red: what {graph.attacker} can derive",
             "digraph keys {", "  rankdir=LR;", "  newrank=true;",
             '  node [fontname="Helvetica", fontsize=10];', "  edge [arrowsize=0.6];"]
    for hop in sorted(hops):
        lines += [f"  subgraph cluster_hop_{hop} {{",
                  f"    label={quote(graph.columns[hop])};", '    color="#c8d1dc";']
        lines += [f"    {node.id} [{_attributes(node)}];" for node in hops[hop]]
        lines.append("  }")
    for source, target in graph.edges:
        derivation = by_id[target] if by_id[target].kind == "derivation" else by_id[source]
        colour = RED if derivation.derived else GREY
        lines.append(f"  {source} -> {target} [color={quote(colour)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"
