"""Attacker knowledge: everything derivable from what the attacker holds, and why.

The closure is a counter-based worklist (linear in the graph): each derivation counts its
inputs not yet known, and fires, making its output known, when the last one becomes known.
Derivations run forwards only: a one-way function is never inverted.

It walks the graph's :class:`~hoverify.properties.graph.DerivationIndex` (its derivations again as
lists of integers, kept by ``KeyGraph`` as it records them). Walking networkx's dicts instead,
hashing a tuple node at every edge and counting in a dict of a million tuple keys, cost ~1 us
a node at 10^6 nodes against ~0.35 us at 10^4, as the dicts outgrew the caches: ~5x the time
of the lists at 10^6, and a growth exponent of ~1.15 instead of ~1.0 (``bench/run.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Set

from hoverify.properties.digraph import DiGraph
from hoverify.properties.graph import DerivationIndex, Node


class Known(Set[Node]):
    """The values a closure reached, in the order it reached them (held ones first)."""

    __slots__ = ("_flags", "_index", "_order")

    def __init__(self, index: DerivationIndex, flags: bytearray, order: list[int]) -> None:
        self._index, self._flags, self._order = index, flags, order

    def __contains__(self, node: object) -> bool:
        n = self._index.number.get(node)  # type: ignore[call-overload]
        return n is not None and self._flags[n] == 1

    def __iter__(self) -> Iterator[Node]:
        nodes = self._index.nodes
        return (nodes[n] for n in self._order)

    def __len__(self) -> int:
        return len(self._order)


class Closure:
    __slots__ = ("_index", "_via", "initial", "known")

    def __init__(self, index: DerivationIndex, initial: frozenset[Node], known: Known,
                 via: dict[int, int]) -> None:
        self._index, self.initial, self.known, self._via = index, initial, known, via

    def __contains__(self, node: Node) -> bool:
        return node in self.known

    def derivation_of(self, node: Node) -> Node | None:
        """The derivation that made ``node`` known (None for a value held from the start)."""
        n = self._index.number.get(node)
        d = self._via.get(n) if n is not None else None
        return self._index.nodes[d] if d is not None else None


def closure(index: DerivationIndex, initial: Iterable[Node]) -> Closure:
    number = index.number
    held = [n for n in dict.fromkeys(initial) if n in number]
    order = [number[n] for n in held]  # the known values; grows while it is walked
    flags = bytearray(len(index.nodes))
    for n in order:
        flags[n] = 1
    via: dict[int, int] = {}
    _walk(index.successors, order, flags, index.inputs.copy(), via)
    return Closure(index, frozenset(held), Known(index, flags, order), via)


def nested(index: DerivationIndex,
           layers: Iterable[tuple[int, Iterable[Node]]]) -> dict[int, int]:
    """The closures of an initial knowledge that only grows, by ``layers`` (a key, the values
    it adds), each closure grown from the one before it, so that all of them together cost
    one walk of the graph (a closure per layer costs the graph each time): for each value
    reached (by its number in ``index``), the key of the first layer whose closure has it."""
    number = index.number
    flags = bytearray(len(index.nodes))
    missing = index.inputs.copy()
    first: dict[int, int] = {}
    for key, values in layers:
        order = []
        for n in map(number.get, values):
            if n is not None and not flags[n]:
                flags[n] = 1
                order.append(n)
        _walk(index.successors, order, flags, missing, {})
        first.update(dict.fromkeys(order, key))
    return first


def _walk(successors: list[list[int]], order: list[int], flags: bytearray,
          missing: list[int], via: dict[int, int]) -> None:
    """Close ``order`` (the values just known, flagged) over the derivations, appending to it
    each value reached, with the derivation that reached it in ``via``; ``missing``: each
    derivation's inputs not yet known, counted down."""
    for value in order:  # breadth first: values appended below are walked in turn
        for derivation in successors[value]:
            left = missing[derivation] - 1
            missing[derivation] = left
            if left == 0:
                for output in successors[derivation]:
                    if not flags[output]:
                        flags[output] = 1
                        via[output] = derivation
                        order.append(output)


def witness(graph: DiGraph, result: Closure, target: Node) -> list[Node]:
    """The derivations, in the order to compute them, that take the attacker from what it
    holds and derives from nothing else it knows to ``target`` (empty when it held
    ``target`` and derives it from nothing else). A value it holds that it also derives from
    other values it knows is shown derived, as ``Facts.witness`` shows it (fix38: the KeNB*
    a source eNB computed itself is its derivation, not a root)."""
    order: list[Node] = []
    shown: set[Node] = set()
    path: set[Node] = set()  # being derived: a derivation needing one would be a cycle
    stack: list[tuple[Node, Node | None]] = [(target, None)]
    while stack:
        value, expanded = stack.pop()
        if expanded is not None:  # every input shown: then the derivation
            path.discard(value)
            shown.add(value)
            order.append(expanded)
            continue
        if value in shown or value in path:
            continue
        made = result.derivation_of(value)
        derivation = next((d for d in (*([made] if made is not None else []),
                                       *graph.predecessors(value))
                           if all(i in result.known and i not in path and i != value
                                  for i in graph.predecessors(d))),
                          None if value in result.initial else made)
        if derivation is None:
            shown.add(value)
            continue
        path.add(value)
        stack.append((value, derivation))
        stack.extend((source, None) for source in graph.predecessors(derivation))
    return order

