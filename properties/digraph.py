"""The directed graph the key graph is stored in: the part of networkx's ``DiGraph`` that
``hoverify.properties.graph`` and its readers use (nodes with attributes, edges, successors,
predecessors, a topological order), with the same names, in insertion order.

networkx itself took about a third of a one-hop ``hoverify check``'s start-up, for these few
dictionaries; the report's GraphML still writes through networkx (``reports/graphml.py``).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from typing import Any


class Nodes:
    """``graph.nodes``: iterate the nodes, ``nodes[n]`` is n's attribute dict,
    ``nodes(data=True)`` gives (node, attributes) pairs."""

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
    __slots__ = ("_node", "_pred", "_succ")

    def __init__(self) -> None:
        self._node: dict[Hashable, dict[str, Any]] = {}
        self._succ: dict[Hashable, dict[Hashable, None]] = {}
        self._pred: dict[Hashable, dict[Hashable, None]] = {}

    def add_node(self, node: Hashable, **attrs: Any) -> None:
        if node not in self._node:
            self._node[node], self._succ[node], self._pred[node] = {}, {}, {}
        self._node[node].update(attrs)

    def add_edge(self, u: Hashable, v: Hashable) -> None:
        for node in (u, v):
            if node not in self._node:
                self.add_node(node)
        self._succ[u][v] = None
        self._pred[v][u] = None

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

    def topological_order(self) -> list[Hashable]:
        """Every node after all its predecessors (Kahn's algorithm)."""
        waiting = {node: len(pred) for node, pred in self._pred.items()}
        ready = [node for node, count in waiting.items() if count == 0]
        order = []
        while ready:
            node = ready.pop()
            order.append(node)
            for successor in self._succ[node]:
                waiting[successor] -= 1
                if waiting[successor] == 0:
                    ready.append(successor)
        return order

    def copy(self) -> DiGraph:
        """A copy whose attribute dicts, and the sets in them, are the copy's own."""
        other = DiGraph()
        other._node = {n: {k: set(v) if isinstance(v, set) else v for k, v in attrs.items()}
                       for n, attrs in self._node.items()}
        other._succ = {n: dict(nbrs) for n, nbrs in self._succ.items()}
        other._pred = {n: dict(nbrs) for n, nbrs in self._pred.items()}
        return other
