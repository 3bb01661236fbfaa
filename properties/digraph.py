"""The directed graph the key graph is stored in: the part of networkx's ``DiGraph`` that
``hoverify.properties.graph`` and its readers use (nodes with attributes, edges, successors,
predecessors), with the same names, in insertion order.

networkx itself took about a third of a one-hop ``hoverify check``'s start-up, for these few
dictionaries; the report's GraphML still writes through networkx (``reports/graphml.py``).

A copy shares each node's attributes and neighbours with the graph it was copied from until
either of them changes that node (copy on write, ``writable``): ``check``'s edit search
copies the key graph of a run's first hops for every hop it runs again, and copying every
node's dicts made the search grow as the square of the hops.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from typing import Any


class Nodes:
    """``graph.nodes``: iterate the nodes, ``nodes[n]`` is n's attribute dict (to read; a
    change goes through ``DiGraph.writable``), ``nodes(data=True)`` gives (node, attributes)
    pairs."""

    __slots__ = ("_node",)

    def __init__(self, node: dict[Hashable, dict[str, Any]]) -> None:
        self._node = node

    def __getitem__(self, node: Hashable) -> dict[str, Any]:
        return self._node[node]

    def __iter__(self) -> Iterator[Hashable]:
        return iter(self._node)

    def __len__(self) -> int:
        return len(self._node)

    def __call__(self, data: bool = False) -> Iterator[Any]:
        return iter(self._node.items()) if data else iter(self._node)


class DiGraph:
    __slots__ = ("_node", "_own", "_pred", "_succ")

    def __init__(self) -> None:
        self._node: dict[Hashable, dict[str, Any]] = {}
        self._succ: dict[Hashable, dict[Hashable, None]] = {}
        self._pred: dict[Hashable, dict[Hashable, None]] = {}
        self._own: set[Hashable] = set()  # the nodes whose dicts no copy shares

    def add_node(self, node: Hashable, **attrs: Any) -> None:
        if node not in self._node:
            self._node[node], self._succ[node], self._pred[node] = {}, {}, {}
            self._own.add(node)
        self.writable(node).update(attrs)

    def add_edge(self, u: Hashable, v: Hashable) -> None:
        for node in (u, v):
            if node not in self._node:
                self.add_node(node)
            else:
                self.writable(node)
        self._succ[u][v] = None
        self._pred[v][u] = None

    def writable(self, node: Hashable) -> dict[str, Any]:
        """``node``'s attribute dict, to change: its dicts (and the sets among its
        attributes) are first made this graph's own if a copy shares them."""
        if node not in self._own:
            attrs = self._node[node]
            self._node[node] = {k: set(v) if isinstance(v, set) else v for k, v in attrs.items()}
            self._succ[node] = dict(self._succ[node])
            self._pred[node] = dict(self._pred[node])
            self._own.add(node)
        return self._node[node]

    def __contains__(self, node: object) -> bool:
        return node in self._node

    @property
    def nodes(self) -> Nodes:
        return Nodes(self._node)

    @property
    def edges(self) -> Iterator[tuple[Hashable, Hashable]]:
        return ((u, v) for u, successors in self._succ.items() for v in successors)

    def successors(self, node: Hashable) -> Iterator[Hashable]:
        return iter(self._succ[node])

    def predecessors(self, node: Hashable) -> Iterator[Hashable]:
        return iter(self._pred[node])

    def in_degree(self, node: Hashable) -> int:
        return len(self._pred[node])

    def copy(self) -> DiGraph:
        """An independent copy: it shares every node's dicts with this graph until one of
        the two changes them through ``add_node``, ``add_edge`` or ``writable``."""
        other = DiGraph()
        other._node, other._succ, other._pred = dict(self._node), dict(self._succ), dict(self._pred)
        self._own = set()
        return other
