"""Exploration of interleavings, faults and compromise, with an incremental monitor.

:class:`Exploration` owns a :class:`~statemachines.system.System` and offers the actions a
scheduler and an adversary can take: start a handover, deliver any in-flight message (links
are *not* FIFO: any message in flight may be delivered next), drop one, duplicate one, replay
one seen before, let a target's admission control refuse a preparation, compromise an eNB,
and let a compromised eNB edit a message it receives before relaying it (flip, remove or add
a field) or flip a field of one it sends.

After every action the :class:`Monitor` checks the invariants and the variant's claims over
the keys created so far. It is incremental: the key graph grows step by step and each
attacker's knowledge closure only propagates what is new (Hypothesis already spends ~0.4 ms a
step, so nothing is recomputed from scratch).

Every action is recorded as a :class:`Action` with a readable text; a list of them replays
the run exactly (``replay``), which is what ``hoverify replay`` reads back.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from properties.downgrade import Edit, edits, flips
from properties.graph import KeyGraph, Node, value_node
from properties.promises import (
    FORWARD,
    EarlyHandovers,
    find_promise,
    forward_distance,
    forward_wanted,
    outside_forward_promise,
)
from statemachines.enb import Enb
from statemachines.entity import Outcome, VariantError
from statemachines.messages import Kind, Message
from statemachines.system import UE, System
from statemachines.topology import Cell, HopType, Topology
from statemachines.variant import NCC_MODULUS, KeySchedule

KEY_AGREEMENT = "key-agreement"
BACKWARD = "backward-security"
NO_CHANGE_ON_REFUSAL = "refusal-changes-nothing"
NCC_RANGE = "ncc-range"
NCC_SYNC = "ncc-sync"
VARIANT_ERROR = "variant-error"  # a hook or the model raised: statemachines.entity.VariantError
# the action kinds; rewrite: the flip-only edit of finding files written before edit existed
KINDS = ("start", "deliver", "drop", "duplicate", "replay", "refuse", "compromise", "edit",
         "rewrite")


@dataclass(frozen=True, slots=True)
class Action:
    """One step of an exploration, replayable: ``kind`` and ``index`` say what to do, ``text``
    what it did (replay checks that the text matches)."""

    kind: str  # one of KINDS
    index: int = 0
    leaf: int = 0
    text: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "index": self.index, "leaf": self.leaf, "text": self.text}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Action:
        if data["kind"] not in KINDS:
            raise ValueError(f"unknown step kind {data['kind']!r} (known: {', '.join(KINDS)})")
        return cls(str(data["kind"]), int(data.get("index", 0)), int(data.get("leaf", 0)),
                   str(data.get("text", "")))


@dataclass(frozen=True)
class Finding:
    claim: str
    promised: bool
    detail: str
    trace: tuple[Action, ...]


def variant_error_finding(error: VariantError, trace: tuple[Action, ...]) -> Finding:
    """A variant hook (or the model) raised during the last action of ``trace``."""
    return Finding(VARIANT_ERROR, True, str(error), trace)


@dataclass(frozen=True, slots=True)
class Completion:
    """A finished handover: the target accepted the UE's HO confirm."""

    kenb: bytes
    source: str
    target: str
    hop_type: HopType


class IncrementalClosure:
    """An attacker's knowledge closure that grows with the graph and with what it learns."""

    def __init__(self, kg: KeyGraph) -> None:
        self.kg = kg
        self.known: set[Node] = set()
        self.missing: dict[Node, int] = {}

    def add_derivations(self, derivations: Iterable[Node]) -> None:
        pred = self.kg.graph._pred
        for derivation in derivations:
            left = sum(1 for source in pred[derivation] if source not in self.known)
            self.missing[derivation] = left
            if left == 0:
                self._fire(derivation)

    def learn(self, nodes: Iterable[Node]) -> None:
        queue = deque(n for n in nodes if n not in self.known)
        succ = self.kg.graph._succ
        while queue:
            node = queue.popleft()
            if node in self.known:
                continue
            self.known.add(node)
            for derivation in succ[node]:
                left = self.missing.get(derivation)
                if left is None:
                    continue
                self.missing[derivation] = left - 1
                if left == 1:
                    queue.extend(o for o in succ[derivation] if o not in self.known)

    def _fire(self, derivation: Node) -> None:
        self.learn(self.kg.graph._succ[derivation])


@dataclass
class Compromised:
    entity: str
    hop: int  # the hop in progress when compromised (completions so far + 1)
    closure: IncrementalClosure
    seen_upto: int = 0  # how much of the entity's holdings the closure has learnt


@dataclass
class Monitor:
    """Checks invariants and claims after each step, incrementally."""

    variant: KeySchedule
    kg: KeyGraph = field(default_factory=KeyGraph)
    attackers: dict[str, Compromised] = field(default_factory=dict)
    completions: list[Completion] = field(default_factory=list)
    serving: dict[int, str] = field(default_factory=dict)  # hop -> serving eNB (0: initial)
    early: EarlyHandovers = field(default_factory=EarlyHandovers)
    # the first violation of each (claim, promised): an unpromised one cannot mask a
    # promised one found later on the same path
    violations: dict[tuple[str, bool], str] = field(default_factory=dict)
    violated_at: dict[tuple[str, bool], int] = field(default_factory=dict)  # -> trace length
    trace_length: int = 0  # kept up to date by the exploration
    _derivations_seen: int = 0
    _public_seen: int = 0
    _checked: set[tuple[str, int]] = field(default_factory=set)

    def compromise(self, entity: str) -> None:
        if entity not in self.attackers:
            attacker = Compromised(entity, len(self.completions) + 1, IncrementalClosure(self.kg))
            attacker.closure.add_derivations(self.kg.derivation_order[:self._derivations_seen])
            attacker.closure.learn(self.kg.public_added[:self._public_seen])
            kept = self.kg.kept.get(entity)
            attacker.closure.learn(kept[-1][1] if kept else ())
            attacker.seen_upto = len(self.kg.seen.get(entity, ()))
            self.attackers[entity] = attacker
            self._check_claims()  # what it held may already give it a KeNB

    def observe(self, system: System, before: Any, step_index: int) -> None:
        step = system.steps[step_index]
        self.kg.add_step(step.number, step.hop, step.message.receiver, step.message.fields,
                         step.outcome.read, step.outcome.derivations, step.ctx_after)
        new_derivations = self.kg.derivation_order[self._derivations_seen:]
        new_public = self.kg.public_added[self._public_seen:]
        self._derivations_seen += len(new_derivations)
        self._public_seen += len(new_public)
        for attacker in self.attackers.values():
            attacker.closure.add_derivations(new_derivations)
            attacker.closure.learn(new_public)
            seen = self.kg.seen.get(attacker.entity, [])
            attacker.closure.learn(node for _, node in seen[attacker.seen_upto:])
            attacker.seen_upto = len(seen)
        self.early.observe(step)
        self._check_step(system, step, before)
        self._check_claims()

    # -- invariants of one step ----------------------------------------------------------------
    def _check_step(self, system: System, step: Any, before: Any) -> None:
        entity = system.entities.get(step.message.receiver)
        if not step.outcome.accepted and entity is not None and entity.ctx is not before:
            self._violate(NO_CHANGE_ON_REFUSAL, True,
                          f"{entity.name} changed its keys on a refused {step.message}")
        if step.message.kind is Kind.RRC_HANDOVER_CONFIRM and step.outcome.accepted:
            self._completed(system, step)
        for sent in step.outcome.sent:  # NCC is a 3-bit field wherever it travels
            for ncc in _fields_named(sent.fields, "NCC"):
                if not (isinstance(ncc, int) and 0 <= ncc < NCC_MODULUS):
                    self._violate(NCC_RANGE, True, f"{sent} carries NCC {ncc!r}")
        self._check_ncc_sync(system)

    def _check_ncc_sync(self, system: System) -> None:
        """The UE can follow the MME's NH chain only while it is fewer than 8 NH derivations
        behind (NCC is 3 bits): more and no re-keying leaves them apart for good."""
        ue = system.entity(UE).ctx.keys
        if ue is None or ue.chain is None:
            return
        for mme in system.topology.mmes:
            chain = system.entity(mme).ctx.chain
            if chain is not None and chain.derivations - ue.chain.derivations >= NCC_MODULUS:
                promised = find_promise(self.variant, KEY_AGREEMENT, None) is not None
                self._violate(NCC_SYNC, promised,
                              f"{mme} is {chain.derivations - ue.chain.derivations} NH "
                              "derivations ahead of the UE: NCC can no longer say which NH")

    def _completed(self, system: System, step: Any) -> None:
        target = step.message.receiver
        ue = system.entity(UE).ctx
        enb_keys = step.ctx_after.keys.as_keys
        source = self.serving[len(self.completions)]
        hop_type = system.topology.hop_type(_cell_of(system, source),
                                            system.topology.cell(ue.cell))
        if ue.keys is None or ue.keys.as_keys != enb_keys:
            self._violate(KEY_AGREEMENT, find_promise(self.variant, KEY_AGREEMENT, hop_type)
                          is not None, f"UE and {target} disagree after a completed handover")
        self.completions.append(Completion(enb_keys.kenb, source, target, hop_type))
        self.early.completed(len(self.completions), source)
        self.serving[len(self.completions)] = target

    # -- claims over the keys so far -------------------------------------------------------------
    def _check_claims(self) -> None:
        for attacker in self.attackers.values():
            for j, done in enumerate(self.completions, start=1):
                if (attacker.entity, j) in self._checked or done.target == attacker.entity:
                    continue
                if value_node(done.kenb) not in attacker.closure.known:
                    continue
                self._checked.add((attacker.entity, j))
                self._judge(attacker, j)

    def _judge(self, attacker: Compromised, j: int) -> None:
        served_before = [i for i in range(j) if self.serving.get(i) == attacker.entity]
        if j < attacker.hop and not served_before:
            promised = find_promise(self.variant, BACKWARD, self.completions[j - 1].hop_type)
            self._violate(BACKWARD, promised is not None,
                          f"{attacker.entity} (compromised in hop {attacker.hop}) derives "
                          f"the KeNB of earlier hop {j}")
            return
        distance = forward_distance(self.serving, {attacker.entity}, attacker.hop, j)
        left = j - distance  # the attacker's last legitimate KeNB is that of hop ``left``
        leaving = self.completions[left].hop_type  # hop left + 1 took the UE away
        wanted = forward_wanted(self.variant, leaving)
        if distance + 1 > wanted:
            outside = outside_forward_promise(self.variant, leaving, self.early.hops, left, j)
            why = outside or f"promised {wanted}-hop forward security for {leaving.value}"
            self._violate(FORWARD, outside is None,
                          f"{attacker.entity} derives the KeNB of hop {j}, {distance} hop(s) "
                          f"after its last legitimate KeNB ({why})")

    def _violate(self, claim: str, promised: bool, detail: str) -> None:
        if (claim, promised) not in self.violations:
            self.violations[(claim, promised)] = detail
            self.violated_at[(claim, promised)] = self.trace_length


def _fields_named(fields: Any, name: str) -> Iterable[Any]:
    if isinstance(fields, tuple):
        if len(fields) == 2 and fields[0] == name:
            yield fields[1]
        for item in fields:
            yield from _fields_named(item, name)


def _cell_of(system: System, enb: str) -> Cell:
    return next(c for c in system.topology.cells if c.enb == enb)


class Exploration:
    """A system under exploration: actions in, findings out."""

    def __init__(self, variant: KeySchedule, topology: Topology, kasme: bytes,
                 seed: int = 0) -> None:
        self.system = System(variant, topology, kasme, 0, topology.cells[0], seed)
        self.monitor = Monitor(variant)
        self.monitor.serving[0] = topology.cells[0].enb
        self.trace: list[Action] = []
        self.history: list[Message] = []  # every message ever put in flight
        self.system.establish_as_security()
        self._observe_new(0, None)
        while self.system.in_flight:
            self._deliver(0)
        self.trace.clear()

    # -- actions -------------------------------------------------------------------------------
    def neighbours(self) -> list[Cell]:
        """Cells the UE can report from its current cell, in topology order."""
        topology = self.system.topology
        current = topology.cell(self.system.entity(UE).ctx.cell)
        return [c for c in topology.cells if c != current]

    def start_handover(self, index: int) -> Action:
        """The UE reports the ``index``-th neighbour; the hop type follows from the topology."""
        cells = self.neighbours()
        cell = cells[index % len(cells)]
        source = self.system.topology.cell(self.system.entity(UE).ctx.cell)
        hop = self.system.topology.hop_type(source, cell)
        text = f"start handover to {cell.name} ({hop.value})"
        return self._act(Action("start", index % len(cells), 0, text),
                         lambda: self.system.start_handover(cell))

    def deliver(self, index: int) -> Action:
        i = index % len(self.system.in_flight)
        return self._act(Action("deliver", i, 0, f"deliver {self.system.in_flight[i]}"),
                         lambda: self._deliver(i, record=False))

    def drop(self, index: int) -> Action:
        i = index % len(self.system.in_flight)
        message = self.system.drop(i)
        return self._record(Action("drop", i, 0, f"drop {message}"))

    def duplicate(self, index: int) -> Action:
        i = index % len(self.system.in_flight)
        self.system.duplicate(i)
        return self._record(Action("duplicate", i, 0, f"duplicate {self.system.in_flight[i]}"))

    def replay(self, index: int) -> Action:
        i = index % len(self.history)
        self.system.in_flight.append(self.history[i])
        return self._record(Action("replay", i, 0, f"replay {self.history[i]}"))

    def refuse(self, index: int) -> Action | None:
        """The target of an in-flight HandoverRequest refuses admission."""
        requests = [i for i, m in enumerate(self.system.in_flight)
                    if m.kind in (Kind.X2AP_HANDOVER_REQUEST, Kind.S1AP_HANDOVER_REQUEST)]
        if not requests:
            return None
        i = requests[index % len(requests)]
        message = self.system.drop(i)
        target = self.system.entity(message.receiver)
        assert isinstance(target, Enb)
        self.system.in_flight.extend(target.refuse_admission(message))
        self.history.extend(self.system.in_flight[-1:])
        return self._record(Action("refuse", index, 0, f"{target.name} refuses {message}"))

    def compromise(self, index: int) -> Action:
        enbs = self.system.topology.enbs
        enb = enbs[index % len(enbs)]
        action = self._record(Action("compromise", index % len(enbs), 0, f"compromise {enb}"))
        self.monitor.compromise(enb)  # after recording: it may judge at once
        return action

    def rewrite(self, index: int, leaf: int) -> Action | None:
        """A compromised eNB rewrites one integer or flag of a message it receives (the
        action of finding files written before ``edit``; replay still reads it)."""
        attackers = self.monitor.attackers
        return self._edit("rewrite", index, leaf, lambda m: m.receiver in attackers,
                          lambda m: flips(m.fields))

    def edit(self, index: int, leaf: int) -> Action | None:
        """A compromised eNB edits a message it receives, before relaying what it carries
        (flip an integer or flag, remove a relayed field, add an absent one:
        ``properties.downgrade.edits``), or flips an integer or flag of one it sends."""
        attackers = self.monitor.attackers

        def options(message: Message) -> list[Edit]:
            return edits(message.fields) if message.receiver in attackers \
                else flips(message.fields)
        return self._edit("edit", index, leaf,
                          lambda m: m.receiver in attackers or m.sender in attackers, options)

    def _edit(self, kind: str, index: int, leaf: int, chosen: Callable[[Message], bool],
              options: Callable[[Message], list[Edit]]) -> Action | None:
        targets = [i for i, m in enumerate(self.system.in_flight)
                   if chosen(m) and options(m)]
        if not targets:
            return None
        i = targets[index % len(targets)]
        message = self.system.in_flight[i]
        possible = options(message)
        edit = possible[leaf % len(possible)]
        self.system.rewrite(i, Message(message.kind, message.sender, message.receiver,
                                       edit.apply(message.fields), message.protection))
        who = message.receiver if message.receiver in self.monitor.attackers else message.sender
        return self._record(Action(kind, index, leaf,
                                   f"{who} {edit.text(message.fields)} in {message}"))

    def apply(self, action: Action) -> Action | None:
        """Replay one recorded action."""
        if action.kind == "rewrite":
            return self.rewrite(action.index, action.leaf)
        if action.kind == "edit":
            return self.edit(action.index, action.leaf)
        if action.kind == "refuse":
            return self.refuse(action.index)
        handler = {"start": self.start_handover, "deliver": self.deliver, "drop": self.drop,
                   "duplicate": self.duplicate, "replay": self.replay,
                   "compromise": self.compromise}[action.kind]
        return handler(action.index)

    # -- results -----------------------------------------------------------------------------------
    def findings(self) -> list[Finding]:
        at = self.monitor.violated_at
        return [Finding(claim, promised, detail, tuple(self.trace[:at[claim, promised]]))
                for (claim, promised), detail in self.monitor.violations.items()]

    def close(self) -> None:
        self.system.close()

    # -- internals -----------------------------------------------------------------------------
    def _act(self, action: Action, effect: Any) -> Action:
        self._record(action)
        start = len(self.system.steps)
        before = self._receiver_ctx(action)
        effect()
        self._observe_new(start, before)
        return action

    def _record(self, action: Action) -> Action:
        self.trace.append(action)
        self.monitor.trace_length = len(self.trace)
        return action

    def _receiver_ctx(self, action: Action) -> Any:
        if action.kind == "deliver":
            receiver = self.system.entities.get(self.system.in_flight[action.index].receiver)
            return receiver.ctx if receiver is not None else None
        if action.kind == "start":
            return self.system.entity(UE).ctx
        return None

    def _deliver(self, index: int, record: bool = True) -> Outcome:
        message = self.system.in_flight[index]
        receiver = self.system.entities.get(message.receiver)
        before = receiver.ctx if receiver is not None else None
        start = len(self.system.steps)
        outcome = self.system.deliver(index)
        if record:
            self._observe_new(start, before)
        return outcome

    def _observe_new(self, start: int, before: Any) -> None:
        for index in range(start, len(self.system.steps)):
            step = self.system.steps[index]
            self.history.extend(step.outcome.sent)
            self.monitor.observe(self.system, before, index)
