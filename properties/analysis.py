"""A finished run seen through its key graph: which KeNB served which hop, and what a given
attacker can derive (closures are computed once per attacker and kept)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from hoverify.properties.adversary import DEFAULT
from hoverify.properties.arrivals import Arrival, holds_lines, step_arrivals
from hoverify.properties.attacker import Attacker
from hoverify.properties.closure import Closure, closure, nested, witness
from hoverify.properties.graph import SETUP_STEP, KeyGraph, Node, public_argument, value_node
from hoverify.properties.labels import derivation_line
from hoverify.statemachines.scenario import Run
from hoverify.statemachines.system import Step


@dataclass
class Analysis:
    run: Run
    graph: KeyGraph
    kenb: dict[int, bytes]  # hop -> the KeNB in use after it (0: the initial KeNB)
    serving: dict[int, str]  # hop -> the eNB serving the UE after it
    cell: dict[int, str]  # hop -> the serving cell after it
    _closures: dict[Attacker, Closure] = field(default_factory=dict)
    _since: dict[str, dict[int, int]] = field(default_factory=dict)  # ``_compromised_since``
    _before: tuple[KeyGraph, int] | None = None  # the graph of the first n steps, kept
    _records: tuple[dict[str, Any], int] | None = None  # the records after the first n steps
    _by_hop: dict[int, list[Step]] | None = None

    @classmethod
    def of(cls, run: Run) -> Analysis:
        graph = KeyGraph.from_system(run.system)
        kenb: dict[int, bytes] = {}
        serving = {0: run.initial_enb}
        cell = {0: run.initial_cell}
        if run.initial_kenb is not None:
            kenb[0] = run.initial_kenb
        for hop in run.hops:
            if hop.confirm_verified and hop.kenb_enb is not None:
                kenb[hop.number] = hop.kenb_enb
            serving[hop.number] = hop.target_enb
            cell[hop.number] = hop.target_cell.name
        graph.label_keys(kenb)
        return cls(run, graph, kenb, serving, cell)

    @property
    def hops(self) -> list[int]:
        return [hop.number for hop in self.run.hops]

    def source(self, hop: int) -> str:
        return self.run.hops[hop - 1].source_enb

    def target(self, hop: int) -> str:
        return self.run.hops[hop - 1].target_enb

    def hop_type(self, hop: int) -> str:
        return self.run.hops[hop - 1].spec.type.value

    def closure(self, attacker: Attacker) -> Closure:
        result = self._closures.get(attacker)
        if result is None:
            result = closure(self.graph.index, attacker.knowledge(self.graph))
            self._closures[attacker] = result
        return result

    def graph_before(self, hop: int) -> KeyGraph:
        """A copy of the key graph of the set-up and the steps before ``hop``'s first: what a
        run of ``hop`` again with an edit shares with this run. The graph is grown on from the
        hop asked about last, so asking in hop order adds each step once."""
        end = self.run.hops[hop - 1].first_step
        if self._before is None or self._before[1] > end:
            self._before = KeyGraph.from_setup(self.run.system), 0
        graph, done = self._before
        for step in self.run.system.steps[done:end]:
            graph.add_trace_step(step)
        self._before = graph, end
        return graph.copy()

    def records_before(self, hop: int) -> dict[str, Any]:
        """Each entity's (state, key record) as ``hop``'s first step finds them, grown on
        from the hop asked about last like ``graph_before``."""
        end = self.run.hops[hop - 1].first_step
        if self._records is None or self._records[1] > end:
            self._records = dict(self.run.system.initial), 0
        records, done = self._records
        for step in self.run.system.steps[done:end]:
            if step.message.receiver in records:
                records[step.message.receiver] = (step.state_after, step.ctx_after)
        self._records = records, end
        return dict(records)

    def steps_of(self, hop: int) -> list[Step]:
        """The steps of ``hop``, in order (a hop started early shares its time with
        another)."""
        if self._by_hop is None:
            self._by_hop = {}
            for step in self.run.system.steps:
                self._by_hop.setdefault(step.hop, []).append(step)
        return self._by_hop.get(hop, [])

    def kenb_node(self, hop: int) -> Node:
        return value_node(self.kenb[hop])

    def derivable(self, attacker: Attacker, hop: int) -> bool:
        return hop in self.kenb and self.knows(attacker, self.kenb_node(hop))

    def knows(self, attacker: Attacker, node: Node) -> bool:
        """Whether ``node`` is in ``attacker``'s closure. An attacker of one compromise reads
        it from the closures of every compromise of that entity, found together
        (``_compromised_since``): ``check`` asks about one per hop, and a closure each would
        walk the whole graph per hop."""
        compromises = attacker.compromises
        # a revealed key (KASME, K_HO) is no party: its values are not what it held
        # (``Attacker.knowledge``), so its closure is its own
        step = (self.graph.hop_first_step.get(compromises[0].hop)
                if len(compromises) == 1 and compromises[0].entity in self.graph.seen
                else None)
        if step is None:
            return node in self.closure(attacker)
        since = self._compromised_since(compromises[0].entity)
        n = self.graph.index.number.get(node)
        return n is not None and n in since and since[n] >= step

    def _compromised_since(self, entity: str) -> dict[int, int]:
        """For each value (by its number in the graph's index) that ``entity``'s attacker
        derives if compromised at some hop's first step, the last such step. What the entity
        holds when compromised (``KeyGraph.held_from``) only grows as that step comes
        earlier, so each closure is grown from the next hop's (``closure.nested``)."""
        since = self._since.get(entity)
        if since is None:
            graph = self.graph
            steps = sorted(set(graph.hop_first_step.values()), reverse=True)
            layers = [(steps[0], [*graph.public_nodes(), *graph.held_from(entity, steps[0])])]
            layers += [(step, graph.held_from(entity, step, end))
                       for step, end in zip(steps[1:], steps, strict=False)]
            since = self._since[entity] = nested(graph.index, layers)
        return since

    # -- explanations in spec vocabulary --------------------------------------------------------
    def witness_lines(self, attacker: Attacker, target: Node) -> list[str]:
        """How the attacker gets ``target``: what it holds, then each derivation, in the
        words of every claim's witness (``Facts.witness``): "holds KeNB*[hop 1]" names what
        the attacker holds, not the parties of the run that hold it too (text37: "holds K_HO
        (mme-1, ue)" read as if the attacker holding enb-1 and K_HO held the MME or the UE)."""
        g = self.graph.graph
        result = self.closure(attacker)
        steps = witness(g, result, target)
        used = {src for d in steps for src in g.predecessors(d)} | {target}
        derived = {out for d in steps for out in g.successors(d)}
        lines: list[str] = []
        for n in sorted((used & result.initial) - derived, key=self.graph.label):
            if g.nodes[n]["kind"] == "key":
                lines += self._held_lines(attacker, n)
        return lines + [self._derivation_line(d) for d in steps]

    def _held_lines(self, attacker: Attacker, node: Node) -> list[str]:
        """The witness's lines for ``node``, which ``attacker`` holds, as the claim engine's
        witness words them (``arrivals.holds_lines``, ``Facts.held_lines``): where it got it,
        each party from its own compromise (the key graph's attackers are compromised
        parties, never the network reading a backhaul), then where the party that first
        derived it derived it again in a later hop (not for a key that is one value whatever
        the hop)."""
        since: dict[str, int] = {}
        for c in attacker.compromises:
            since[c.entity] = min(since.get(c.entity, c.hop), c.hop)
        made = [] if self.graph.hop_less(node) else self._arrivals(node, self.graph.seen)
        return holds_lines(self.graph.label(node), self._arrivals(node, attacker.entities),
                           since, made)

    def _arrivals(self, node: Node, entities: Iterable[str]) -> list[Arrival]:
        """``node``'s arrivals (``arrivals.step_arrivals``) in the steps at which one of
        ``entities`` had it, in step order."""
        steps = self.run.system.steps  # by number
        among = frozenset(entities)
        had = sorted({n for n, e in self.graph.had.get(node, ())
                      if e in among and n != SETUP_STEP})
        return [a for n in had for a in step_arrivals(steps[n], (node[1],), DEFAULT.reads)]

    def _derivation_line(self, derivation: Node) -> str:
        g = self.graph.graph
        attrs = g.nodes[derivation]
        output = next(iter(g.successors(derivation)))
        args = ", ".join(self._argument(name, node) for name, node in attrs["inputs"])
        return derivation_line(self.graph.label(output), attrs["output_name"], args,
                               attrs["clause"])

    def _argument(self, name: str, node: Node) -> str:
        attrs = self.graph.graph.nodes[node]
        if attrs["kind"] == "key":
            return self.graph.label(node)
        return public_argument(name, node[1])
