"""Attacker knowledge: everything derivable from what the attacker holds, and why.

The closure is a counter-based worklist (linear in the graph): each derivation counts its
inputs not yet known, and fires, making its output known, when the last one becomes known.
Derivations run forwards only: a one-way function is never inverted.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx

from properties.graph import KEY, Node


@dataclass
class Closure:
    initial: frozenset[Node]
    known: set[Node]
    via: dict[Node, Node] = field(default_factory=dict)  # value -> derivation that gave it

    def __contains__(self, node: Node) -> bool:
        return node in self.known


def closure(graph: nx.DiGraph, initial: Iterable[Node]) -> Closure:
    start = frozenset(n for n in initial if n in graph)
    known = set(start)
    result = Closure(start, known)
    missing: dict[Node, int] = {}
    queue = deque(known)
    pred, succ = graph._pred, graph._succ  # adjacency dicts: the hot loop avoids views
    while queue:
        value = queue.popleft()
        for derivation in succ[value]:
            left = missing.get(derivation)
            if left is None:
                left = len(pred[derivation])
            left -= 1
            missing[derivation] = left
            if left == 0:
                for output in succ[derivation]:
                    if output not in known:
                        known.add(output)
                        result.via[output] = derivation
                        queue.append(output)
    return result


def witness(graph: nx.DiGraph, result: Closure, target: Node) -> list[Node]:
    """The derivations, in the order to compute them, that take the attacker from its
    initial knowledge to ``target`` (empty when it held ``target`` already)."""
    order: list[Node] = []
    done: set[Node] = set()
    stack: list[tuple[Node, bool]] = [(target, False)]
    while stack:
        value, expanded = stack.pop()
        derivation = result.via.get(value)
        if derivation is None or derivation in done:
            continue
        if expanded:
            done.add(derivation)
            order.append(derivation)
            continue
        stack.append((value, True))
        for source in graph.predecessors(derivation):
            stack.append((source, False))
    return order


def cut(graph: nx.DiGraph, result: Closure, target: Node, depth: int = 3) -> list[Node]:
    """The secret values the attacker lacks on every way to ``target``: for each derivation
    of ``target`` its unknown inputs, followed up to ``depth`` derivations back, stopping at
    values no derivation in the graph produces (roots such as KASME)."""
    lacking: list[Node] = []
    frontier = [target]
    for _ in range(depth):
        next_frontier: list[Node] = []
        for value in frontier:
            for derivation in graph.predecessors(value):
                for source in graph.predecessors(derivation):
                    if source not in result.known and source not in lacking:
                        lacking.append(source)
                        next_frontier.append(source)
        frontier = next_frontier
    return [n for n in lacking if graph.nodes[n]["kind"] == KEY]


def derivable_keys(graph: nx.DiGraph, result: Closure) -> list[Node]:
    return [n for n in result.known if graph.nodes[n]["kind"] == KEY]
