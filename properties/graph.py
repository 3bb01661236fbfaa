"""The key-dependency graph, recorded from a run's trace.

Value nodes are byte strings the model actually computed, received or held (keyed by their
bytes, so two parties computing the same key meet at one node); derivation nodes are KDF
applications, with an edge from every input value and one edge to the output. Holdings come
from the trace: what each entity computed, read, received and kept in its key record, with
the step at which it had it. Nothing here knows a variant.

A value node keeps the first name it got, so the claims do not read this graph: they find keys
through the derivation records, each under its own name (``hoverify.properties.engine``). The graph
draws the report's key graphs and derivability table and serves the rewrite search and the
cross-check by execution.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import fields, is_dataclass
from functools import cache
from typing import Any

from hoverify.properties.digraph import DiGraph
from hoverify.properties.labels import (
    CONSTANT_INPUTS,
    NH,
    Pairing,
    constant_publics,
    hop_free,
    nh_labels,
    nh_pairs,
    paired,
)
from hoverify.statemachines.derivation import Derivation
from hoverify.statemachines.system import Step, System

KEY, PUBLIC, CONSTANT, DERIVATION = "key", "public", "constant", "derivation"
SETUP_STEP = -1  # derivations made before the trace starts (NAS security)

Node = tuple[str, Any]


def value_node(value: bytes) -> Node:
    return ("value", value)


class DerivationIndex:
    """The graph's derivations as integer lists, which ``hoverify.properties.closure`` walks.

    Nodes are numbered as they are added. ``successors[i]``: the derivations value ``i`` is
    an input of, or the output of derivation ``i``. ``inputs[d]``: the number of distinct
    inputs of derivation ``d`` (a value used twice is one input, as it is one edge).
    """

    __slots__ = ("_copied", "_shared", "derivations", "inputs", "nodes", "number", "successors")

    def __init__(self) -> None:
        self.derivations = 0  # how many were added
        self.number: dict[Node, int] = {}
        self.nodes: list[Node] = []
        self.successors: list[list[int]] = []
        self.inputs: list[int] = []
        self._shared = 0  # successors[n] below it are a copy's too, unless ``_copied``
        self._copied: set[int] = set()

    def add(self, inputs: Iterable[Node], derivation: Node, output: Node) -> None:
        """A derivation not added before, with its inputs and its output."""
        d = self._numbered(derivation)
        for value in dict.fromkeys(inputs):
            self._successors(self._numbered(value)).append(d)
            self.inputs[d] += 1
        self._successors(d).append(self._numbered(output))
        self.derivations += 1

    def copy(self) -> DerivationIndex:
        """An independent copy, to grow another way: the lists of successors stay shared
        until one of the two appends to them."""
        other = DerivationIndex()
        other.derivations, other.number, other.nodes = (self.derivations, dict(self.number),
                                                         list(self.nodes))
        other.successors, other.inputs = list(self.successors), list(self.inputs)
        self._shared = other._shared = len(self.nodes)
        self._copied = set()
        return other

    def _successors(self, n: int) -> list[int]:
        """``successors[n]``, to append to: made this index's own first if a copy shares it."""
        if n < self._shared and n not in self._copied:
            self.successors[n] = list(self.successors[n])
            self._copied.add(n)
        return self.successors[n]

    def _numbered(self, node: Node) -> int:
        n = self.number.get(node)
        if n is None:
            n = self.number[node] = len(self.nodes)
            self.nodes.append(node)
            self.successors.append([])
            self.inputs.append(0)
        return n


class KeyGraph:
    """A ``DiGraph`` (``hoverify.properties.digraph``) plus, per entity, what it held at
    which step."""

    def __init__(self) -> None:
        self.graph = DiGraph()
        self._index = DerivationIndex()  # filled when a closure asks for it (``index``)
        self.seen: dict[str, list[tuple[int, Node]]] = defaultdict(list)  # all it had
        # and by value: the steps at which each entity had it (a witness's arrivals)
        self.had: dict[Node, list[tuple[int, str]]] = defaultdict(list)
        self.kept: dict[str, list[tuple[int, frozenset[Node]]]] = defaultdict(list)  # ctx
        self.hop_first_step: dict[int, int] = {0: SETUP_STEP}
        self._derivations: dict[tuple[str, str, tuple[bytes, ...]], Node] = {}
        self.derivation_order: list[Node] = []  # in the order they were recorded
        # the public and constant nodes, and secret ones some derivation takes as public
        self._public: dict[Node, None] = {}
        self._kenb_hop: dict[Node, int] | None = None  # the KeNBs by hop, once ``label_keys``
        self.nh_pairings: tuple[Pairing, ...] = ()  # {NH, NCC} as the run paired them
        self._nh_labels: dict[bytes, str] | None = None  # made when a label asks for one
        self._hop_free: dict[Node, bool | None] = {}
        # the lists of ``seen``, ``had`` and ``kept`` (by dictionary and key) a copy does not
        # share: another is made its own before an append (``_appending``)
        self._owned: set[tuple[int, Any]] = set()

    # -- building ----------------------------------------------------------------------------
    @classmethod
    def from_system(cls, system: System) -> KeyGraph:
        graph = cls.from_setup(system)
        for step in system.steps:
            graph.add_trace_step(step)
        return graph

    @classmethod
    def from_setup(cls, system: System) -> KeyGraph:
        """The graph of the derivations made before the first step."""
        graph = cls()
        for derivation in system.setup:
            for entity in system.setup_holders:
                graph.add_derivation(derivation, entity, SETUP_STEP, 0)
        return graph

    def add_trace_step(self, step: Step) -> None:
        self.add_step(step.number, step.hop, step.message.receiver, step.message.fields,
                      step.outcome.read, step.outcome.derivations, step.ctx_after,
                      tuple(m.fields for m in step.outcome.sent))

    def copy(self) -> KeyGraph:
        """An independent copy, to grow another way (a hop run again with an edit), sharing
        what neither changes (``DiGraph.copy``); ``label_keys`` names the copy's keys again."""
        other = KeyGraph()
        other.graph = self.graph.copy()
        other.seen, other.had, other.kept = (defaultdict(list, self.seen),
                                             defaultdict(list, self.had),
                                             defaultdict(list, self.kept))
        self._owned = set()  # its lists are shared now, each copied before an append
        other.hop_first_step = dict(self.hop_first_step)
        other._derivations = dict(self._derivations)
        other.derivation_order = list(self.derivation_order)
        other._public = dict(self._public)
        other.nh_pairings = self.nh_pairings
        other._index = self.index.copy()  # caught up first: built once, not once per copy
        return other

    def add_step(self, number: int, hop: int, entity: str, received: Any, read: Any,
                 derivations: Sequence[Derivation], ctx: Any, sent: Any = ()) -> None:
        """One step: ``entity`` received ``received``, read ``read``, made ``derivations``,
        kept ``ctx`` and sent the fields ``sent``."""
        self.hop_first_step.setdefault(hop, number)
        # the {NH, NCC} pairs it receives, reads, keeps or sends (``hoverify.properties.labels``)
        self.nh_pairings = paired(self.nh_pairings, hop, nh_pairs((received, read, ctx, sent)))
        for derivation in derivations:
            self.add_derivation(derivation, entity, number, hop)
        for value in (*byte_values(received), *byte_values(read)):
            self._see(entity, number, value)
        nodes = self.graph._node  # the node dict: per-step membership tests skip the views
        kept = frozenset(node for node in map(value_node, byte_values(ctx)) if node in nodes)
        self._appending(self.kept, entity).append((number, kept))
        for node in kept:
            self._see_node(entity, number, node)

    def add_derivation(self, derivation: Derivation, entity: str, step: int, hop: int) -> None:
        g = self.graph
        key = (derivation.clause, derivation.output_name,
               tuple(i.value for i in derivation.inputs))
        node = self._derivations.get(key)
        if node is None:
            node = ("kdf", len(self._derivations))
            self._derivations[key] = node
            self.derivation_order.append(node)
            g.add_node(node, kind=DERIVATION, clause=derivation.clause,
                       label=f"KDF ({derivation.clause})", output_name=derivation.output_name,
                       computed_by=set(), hop=hop,
                       inputs=tuple((i.name, value_node(i.value)) for i in derivation.inputs))
            for item in derivation.inputs:
                kind = (CONSTANT if item.name in CONSTANT_INPUTS
                        else PUBLIC if item.public else KEY)
                self._value(item.value, item.name, kind, hop, produced=False)
                g.add_edge(value_node(item.value), node)
            self._value(derivation.output, derivation.output_name, KEY, hop, produced=True)
            g.add_edge(node, value_node(derivation.output))
        g.writable(node)["computed_by"].add(entity)
        for item in derivation.inputs:
            self._see(entity, step, item.value)
        self._see(entity, step, derivation.output)

    def _value(self, value: bytes, name: str, kind: str, hop: int, produced: bool) -> None:
        node = value_node(value)
        g = self.graph
        if node not in g:
            g.add_node(node, kind=kind, name=name, label=name, holders=set(), hop=hop)
            if kind != KEY:
                self._public[node] = None
            return
        attrs = g.nodes[node]
        if kind != KEY:  # a secret value some derivation takes as public is every attacker's,
            self._public[node] = None  # as in the claims (``Facts.public``)
        elif attrs["kind"] != KEY:
            g.writable(node).update(kind=KEY, name=name, label=name, hop=hop)
        elif produced and g.in_degree(node) == 0:  # first seen as an input, now as output
            g.writable(node).update(name=name, label=name, hop=min(hop, attrs["hop"]))

    def _see(self, entity: str, step: int, value: bytes) -> None:
        node = value_node(value)
        if node in self.graph._node:  # only values that take part in a derivation matter
            self._see_node(entity, step, node)

    def _see_node(self, entity: str, step: int, node: Node) -> None:
        self.graph.writable(node)["holders"].add(entity)
        self._appending(self.seen, entity).append((step, node))
        self._appending(self.had, node).append((step, entity))

    def _appending(self, lists: dict[Any, list[Any]], key: Any) -> list[Any]:
        """``lists[key]``, to append to: made this graph's own first if a copy may share it
        (``copy``)."""
        if (id(lists), key) not in self._owned:
            lists[key] = list(lists.get(key, ()))
            self._owned.add((id(lists), key))
        return lists[key]

    # -- labels in spec vocabulary --------------------------------------------------------------
    def label_keys(self, kenb_by_hop: dict[int, bytes]) -> None:
        """Name the KeNB in use after each hop ``KeNB[hop k]`` (the first hop, if several
        used it, as the claims name it: ``Facts.label``), each NH by the NCC the run paired
        it with, a key derived from KASME and constants alone by its name, and other keys by
        the hop in which they first appeared
        (``hoverify.properties.labels``). ``label`` names a key when asked: a trial graph of
        the edit search names the few keys of its witness, not the whole run's again."""
        self._kenb_hop = {}
        for hop, kenb in sorted(kenb_by_hop.items()):
            self._kenb_hop.setdefault(value_node(kenb), hop)
        self._nh_labels, self._hop_free = None, {}

    def _nh_label(self, node: Node) -> str | None:
        """The label of ``node`` if a derivation named NH made it (None: none did)."""
        if self._nh_labels is None:
            g, nhs = self.graph, {}
            for derivation in self.derivation_order:
                attrs = g.nodes[derivation]
                if attrs["output_name"] == NH:
                    nhs.setdefault(next(iter(g.successors(derivation)))[1], attrs["hop"])
            self._nh_labels = nh_labels(list(nhs.items()), self.nh_pairings)
        return self._nh_labels.get(node[1])

    def hop_less(self, node: Node) -> bool:
        """Whether the key ``node`` is named with no hop: KASME's (hop 0), the NAS keys,
        K_HO (one value whatever the hop)."""
        return self.graph.nodes[node]["hop"] == 0 or bool(self._is_hop_free(node))

    def _is_hop_free(self, node: Node) -> bool | None:
        """Whether the key ``node`` is one value whatever the hop (``labels.hop_free``), by
        its first derivation; None for a key no derivation made (KASME). Its keys before it
        are found first, from an explicit stack: a run of a few hundred hops chains its keys
        deeper than Python's recursion limit (``check --hops @FILE`` raised RecursionError);
        and only where its public inputs are all constants (``labels.constant_publics``): a
        KeNB* (PCI, EARFCN-DL) needs no walk down the NH chain behind it, which each witness
        of the edit search, on a graph of its own, walked again (the square of the hops)."""
        g, found = self.graph, self._hop_free
        stack = [(node, False)]  # post-order: a key once its inputs are found
        while stack:
            key, expanded = stack.pop()
            if key in found:
                continue
            derivation = next(iter(g.predecessors(key)), None)
            if derivation is None:
                found[key] = None
                continue
            inputs = [(name, g.nodes[source]["kind"] != KEY, source)
                      for name, source in g.nodes[derivation]["inputs"]]
            if expanded:
                found[key] = hop_free(inputs, found.get)
            elif not constant_publics(inputs):
                found[key] = False
            else:
                stack.append((key, True))
                stack.extend((source, False) for _, public, source in inputs
                             if not public and source not in found)
        return found[node]

    # -- reading -----------------------------------------------------------------------------
    @property
    def index(self) -> DerivationIndex:
        """The derivations as integer lists for ``hoverify.properties.closure``, caught up with
        those recorded since the last call."""
        index, pred, succ = self._index, self.graph._pred, self.graph._succ
        for derivation in self.derivation_order[index.derivations:]:
            index.add(pred[derivation], derivation, next(iter(succ[derivation])))
        return index

    def label(self, node: Node) -> str:
        """A key by what it is once ``label_keys`` has run; any other node by its name."""
        attrs = self.graph.nodes[node]
        if self._kenb_hop is None:
            return str(attrs["label"])
        hop = self._kenb_hop.get(node)
        if hop is not None:
            return f"KeNB[hop {hop}]"
        if attrs["kind"] != KEY:
            return str(attrs["label"])
        nh = self._nh_label(node) if attrs["name"] == NH else None
        if nh is not None:
            return nh
        if self.hop_less(node):
            return str(attrs["name"])
        return f"{attrs['name']}[hop {attrs['hop']}]"

    def held_from(self, entity: str, step: int, end: int | None = None) -> set[Node]:
        """What ``entity`` knows if compromised at ``step``: its key record as it was just
        before, and everything it computed, read, received or kept from ``step`` on. With
        ``end`` (a later step): only what it had before ``end``, which with what it knows if
        compromised at ``end`` is the same (its record before ``end`` is the one before
        ``step``, or was kept in between and is among what it had)."""
        kept, seen = self.kept.get(entity, []), self.seen.get(entity, [])
        before = bisect_left(kept, step, key=_step)  # both lists are in step order
        known: set[Node] = set(kept[before - 1][1]) if before else set()
        if step <= SETUP_STEP + 1:  # compromised from the start: include the set-up
            known |= {n for _, n in seen[:bisect_right(seen, SETUP_STEP, key=_step)]}
        stop = len(seen) if end is None else bisect_left(seen, end, key=_step)
        known |= {n for _, n in seen[bisect_left(seen, step, key=_step):stop]}
        return known

    def named(self, name: str) -> set[Node]:
        """Every secret value a derivation gives the name ``name``, as its output or an input:
        a revealed key (KASME, a delegated key) in every value it takes, as the claim
        engine's ``reveal`` learns it."""
        g = self.graph
        found: set[Node] = set()
        for derivation in self.derivation_order:
            attrs = g.nodes[derivation]
            if attrs["output_name"] == name:
                found.add(next(iter(g.successors(derivation))))
            found.update(node for input_name, node in attrs["inputs"]
                         if input_name == name and g.nodes[node]["kind"] == KEY)
        return found

    def public_nodes(self) -> Iterator[Node]:
        """The public and constant nodes, and the secret ones some derivation takes as
        public, in the graph's order (kept as they are added: an
        attacker's closure starts from them, and a scan of the graph per attacker grew as the
        square of the hops)."""
        return iter(self._public)


def _step(held: tuple[int, Any]) -> int:
    return held[0]


# The public KDF inputs the clauses define as numbers: TS 33.401 A.3, A.5, A.7; TR 33.821
# v0.7.0's C-RNTI; TS 33.501 A.9 (access type distinguisher) and A.11 (ARFCN-DL)
NUMBERS = frozenset({"uplink NAS COUNT", "PCI", "EARFCN-DL", "ARFCN-DL", "C-RNTI",
                     "algorithm type distinguisher", "algorithm identity",
                     "access type distinguisher"})


def public_argument(name: str, value: bytes) -> str:
    """A public KDF input as the clauses write it: FC in hex, the seed's string quoted, a
    number of the clauses (``NUMBERS``) as a number; any other (a reviewer's variant may feed
    a nonce, a label) as the octets it is (TS 33.220 B.2), in hex, not as a 30-digit number,
    and as text too where each octet is printable ASCII (helper-198: b"NH" read 20040)."""
    if name == "FC":
        return f"FC=0x{value.hex()}"
    if name == "Handover String":
        return f'"{value.decode()}"'
    if name in NUMBERS and len(value) <= 4:
        return f"{name}={int.from_bytes(value, 'big')}"
    text = (value.decode("ascii") if value.isascii() and value.decode().isprintable()
            and b'"' not in value else None)  # a quote in it would end it early
    return f"{name}=0x{value.hex()}" + (f' "{text}"' if text else "")


def byte_values(obj: Any) -> Iterator[bytes]:
    """Every byte string inside a field tuple or key record (recursively), depth first in
    field order."""
    # One explicit stack instead of a generator per level, and each dataclass's field names
    # looked up once per type: the claim engine walks every step's fields and key record, and
    # dataclasses.fields() per object was most of that walk (~9% of `hoverify verify`).
    stack = [obj]
    while stack:
        item = stack.pop()
        if isinstance(item, bytes):
            yield item
        elif isinstance(item, tuple | list):
            stack.extend(reversed(item))
        else:
            names = _field_names(type(item))
            if names:
                stack.extend(getattr(item, name) for name in reversed(names))


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    """The names ``dataclasses.fields`` gives for an instance of ``cls``; none for a class
    that is no dataclass (and for classes themselves, whose type is no dataclass)."""
    return tuple(f.name for f in fields(cls)) if is_dataclass(cls) else ()
