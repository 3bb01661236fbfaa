"""The whole key-dependency graph as GraphML (yEd, Gephi, networkx), every attribute a
string, integer or boolean as GraphML requires."""

from __future__ import annotations

import io

import networkx as nx
from hoverify.reports.data import GraphData


def render(graph: GraphData) -> bytes:
    g = nx.DiGraph(title=graph.title, attacker=graph.attacker)
    for node in graph.nodes:
        g.add_node(node.id, kind=node.kind, label=node.label, hop=node.hop,
                   holders=", ".join(node.holders), derivable=node.derived, value=node.value,
                   clause=node.clause, derivation=node.text)
    g.add_edges_from(graph.edges)
    out = io.BytesIO()
    # The ElementTree writer, not lxml's: the same bytes whichever is installed.
    nx.write_graphml_xml(g, out, encoding="utf-8", prettyprint=True)
    return out.getvalue()
