"""The global system: every entity, the messages in flight, and the trace of what happened.

This is the scheduler and the network, outside the entities: it decides which message is
delivered next (``deliver``), and keeps the trace of steps that ``properties`` reads. Links
are not FIFO unless the caller delivers index 0 each time; losing, duplicating or rewriting a
message is the adversary's business (``drop``, ``duplicate``, ``rewrite``, ``inject``).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from typing import Any

from hoverify.statemachines import crypto
from hoverify.statemachines.derivation import Derivation, Deriver
from hoverify.statemachines.enb import Enb, EnbContext
from hoverify.statemachines.entity import Entity, Outcome, VariantError
from hoverify.statemachines.messages import Fields, Kind, Message
from hoverify.statemachines.mme import Mme, MmeContext
from hoverify.statemachines.record import record, replace
from hoverify.statemachines.topology import Cell, Topology
from hoverify.statemachines.ue import Ue, UeContext
from hoverify.statemachines.variant import KeySchedule

UE = "ue"


@record
class Step:
    """One delivery: the message, the receiver's outcome, and its key record afterwards."""

    number: int
    hop: int  # the handover the message belongs to (``Message.handover``), 0 at set-up
    message: Message
    outcome: Outcome
    ctx_after: Any
    state_after: str | None = None  # the receiver's state afterwards
    state_before: str | None = None  # the receiver's state when the message arrived
    # the messages in flight after it, those it sent included: none, and nothing more
    # happens unless someone acts (no timers: a run may end here)
    in_flight: int = 0


def first_refusals(steps: Iterable[Step]) -> dict[int, Step]:
    """Per handover, the first of its ``steps`` whose receiver refused the message: where
    one that never completed stopped (helper-170 #2; helper-198 #4)."""
    refused: dict[int, Step] = {}
    for step in steps:
        if not step.outcome.accepted:
            refused.setdefault(step.hop, step)
    return refused


def starts_handover(kind: Kind | None) -> bool:
    """Whether a message of ``kind``, put in flight, starts a handover (``System.inject``): a
    MeasurementReport (TS 36.300 10.1.2.1.1 step 2)."""
    return kind is Kind.RRC_MEASUREMENT_REPORT


@record
class Snapshot:
    entities: tuple[tuple[str, Any], ...]
    in_flight: tuple[Message, ...]
    hop: int
    steps: int  # ``System.delivered`` when it was taken


class System:
    def __init__(self, variant: KeySchedule, topology: Topology, kasme: bytes,
                 ul_nas_count: int, cell: Cell, seed: int = 0) -> None:
        self.variant = variant
        self.topology = topology
        rng = random.Random(seed)
        # NAS security is in place before the story starts (TS 33.401 7.2.4.4, A.7).
        d = Deriver()
        knas_int = d.algorithm_key("KNASint", kasme, "KASME", crypto.NAS_INT, crypto.EIA2)
        self.setup: tuple[Derivation, ...] = tuple(d.records)
        serving_mme = topology.mme_of(cell.enb)
        self.setup_holders: tuple[str, ...] = (UE, serving_mme)
        c_rnti_max = variant.c_rnti_max()
        self.entities: dict[str, Entity] = {
            UE: Ue(UE, variant, topology, UeContext(kasme, knas_int, ul_nas_count, cell.name,
                                                     rng.randrange(1, c_rnti_max + 1))),
        }
        for enb in topology.enbs:
            ctx = EnbContext(next_c_rnti=rng.randrange(1, c_rnti_max + 1))
            self.entities[enb] = Enb(enb, variant, topology, ctx)
        for mme in topology.mmes:
            entity = Mme(mme, variant, topology, MmeContext())
            if mme == serving_mme:
                entity.ctx = MmeContext(kasme, knas_int, ul_nas_count)
                entity.state = "registered"
            self.entities[mme] = entity
        self.initial: dict[str, Any] = {n: e.snapshot() for n, e in self.entities.items()}
        self._entities = tuple(self.initial.items())  # of the last snapshot taken or restored
        self.in_flight: list[Message] = []
        self.steps: list[Step] = []
        # deliveries so far, the set-up's included: the number of the next step. Not
        # ``len(steps)``: a search that restores states (``verify``) only truncates the list,
        # so after restoring a state of another branch the list is shorter than its path
        # (review22: verify numbered a variant error's step one less than check and replay)
        self.delivered = 0
        self.hop = 0
        # what each entity did with a message, for a search that restores states (``remember``)
        self.handled: dict[tuple[int, str, int], _Handled] | None = None
        self.stimuli: dict[Message, Message] = {}  # a few: cells and hops

    # -- the scheduler ---------------------------------------------------------------------
    def establish_as_security(self) -> None:
        """TS 33.401 7.2.4.5: the MME sends KeNB to the serving eNB, which runs RRC SMC."""
        ue = self.entities[UE].ctx
        cell = self.topology.cell(ue.cell)
        self.stimulate(Kind.AS_SECURITY_TRIGGER, self.topology.mme_of(cell.enb),
                       (("eNB", cell.enb), ("cell", cell.name), ("C-RNTI", ue.c_rnti)))

    def start_handover(self, target: Cell) -> Outcome:
        """The UE measures ``target`` and reports it: handover ``hop + 1`` begins, and what
        follows from it belongs to it."""
        self.hop += 1
        return self.stimulate(Kind.MEASUREMENT_TRIGGER, UE, (("cell", target.name),))

    def inject(self, message: Message) -> Message:
        """The attacker puts ``message`` in flight; returns it as sent. A MeasurementReport
        starts handover ``hop + 1``, as the UE's own does (``start_handover``): the source's
        HO decision follows a report (TS 36.300 10.1.2.1.1 steps 2-3, TS 36.331 5.5.5), and
        a second decision after a failed preparation is a new handover. Any other message
        belongs to the handover of the message it imitates."""
        if starts_handover(message.kind):
            self.hop += 1
            message = replace(message, handover=self.hop)
        self.in_flight.append(message)
        return message

    def stimulate(self, kind: Kind, receiver: str, fields: Fields) -> Outcome:
        """A stimulus from the scheduler, part of the last handover started."""
        message = Message(kind, "scheduler", receiver, fields, handover=self.hop)
        if self.handled is not None:  # one object per stimulus: ``_handle`` remembers by it
            message = self.stimuli.setdefault(message, message)
        return self._deliver(message)

    def deliver(self, index: int = 0) -> Outcome:
        return self._deliver(self.in_flight.pop(index))

    def run(self) -> None:
        """Deliver in order (FIFO over all links) until nothing is in flight."""
        while self.in_flight:
            self.deliver(0)

    # -- the network's faults and the adversary ------------------------------------------------
    def drop(self, index: int) -> Message:
        return self.in_flight.pop(index)

    def duplicate(self, index: int) -> None:
        self.in_flight.append(self.in_flight[index])

    def rewrite(self, index: int, message: Message) -> None:
        self.in_flight[index] = message

    def refuse(self, index: int) -> Message:
        """Deliver the in-flight HandoverRequest at ``index`` to its target, whose admission
        control refuses it (TS 36.423 8.2.1.3, TS 36.413 8.4.2.3): a step like any other,
        whose outcome refuses it and sends the failure; nothing changes at the target.
        Returns the request."""
        request = self.in_flight.pop(index)
        target = self.entities[request.receiver]
        assert isinstance(target, Enb), "a HandoverRequest goes to an eNB"
        outcome = target.refuse_admission(request)
        sent = tuple(replace(m, handover=request.handover) for m in outcome.sent)
        outcome = replace(outcome, sent=sent)
        self.in_flight.extend(sent)
        self.steps.append(Step(self.delivered, request.handover, request, outcome, target.ctx,
                               target.state, target.state, len(self.in_flight)))
        self.delivered += 1
        return request

    # -- what the properties layer reads -----------------------------------------------------
    def entity(self, name: str) -> Entity:
        return self.entities[name]

    def snapshot(self) -> Snapshot:
        """Shares with the last snapshot taken or restored each entity whose state and key
        record are still the same objects (a step changes one entity's): a search keeps many
        snapshots, each mostly its parent's."""
        entities = tuple(
            kept if kept[1][0] is entity.state and kept[1][1] is entity.ctx
            else (name, entity.snapshot())
            for kept, (name, entity) in zip(self._entities, self.entities.items(), strict=True))
        if any(new is not kept for new, kept in zip(entities, self._entities, strict=True)):
            self._entities = entities
        return Snapshot(self._entities, tuple(self.in_flight), self.hop, self.delivered)

    def restore(self, snapshot: Snapshot) -> None:
        for name, state in snapshot.entities:
            self.entities[name].restore(state)
        self._entities = snapshot.entities
        self.in_flight = list(snapshot.in_flight)
        self.hop = snapshot.hop
        self.delivered = snapshot.steps
        del self.steps[snapshot.steps:]

    def remember(self) -> None:
        """From now on, remember what an entity did with a message (``_deliver``): a search
        that restores states delivers the same message to the same entity in the same state
        and key record again and again (94% of the deliveries in ``verify``), and an entity's
        handling is a pure function of those three (sans-IO: its name, variant and topology
        never change). An entity that raises is asked again each time."""
        self.handled = {}

    def close(self) -> None:
        for entity in self.entities.values():
            entity.close()

    def __iter__(self) -> Iterator[Step]:
        return iter(self.steps)

    def _deliver(self, message: Message) -> Outcome:
        """Deliver ``message``; what its receiver sends belongs to ``message``'s handover (a
        late message of handover 1 is still handover 1's after handover 2 started)."""
        handover = message.handover
        receiver = self.entities.get(message.receiver)
        if receiver is None:
            outcome = Outcome(False, reason=f"no entity {message.receiver!r}")
            self.steps.append(Step(self.delivered, handover, message, outcome, None,
                                   in_flight=len(self.in_flight)))
        else:
            before = receiver.state
            outcome = self._handle(receiver, message)
            self.in_flight.extend(outcome.sent)
            self.steps.append(Step(self.delivered, handover, message, outcome, receiver.ctx,
                                   receiver.state, before, len(self.in_flight)))
        self.delivered += 1
        return outcome

    def _handle(self, receiver: Entity, message: Message) -> Outcome:
        """``receiver`` handles ``message``; what it sends belongs to the message's handover.
        Remembered (``remember``) by the identities of the message and of the record, which
        the memo holds so that they are not reused, and by the state."""
        memo = self.handled
        key = (id(message), receiver.state, id(receiver.ctx))
        known = memo.get(key) if memo is not None else None
        if known is not None:
            receiver.state, receiver.ctx = known.state, known.ctx
            return known.outcome
        ctx = receiver.ctx
        try:
            outcome = receiver.handle(message)
        except VariantError as error:
            error.step, error.hop = self.delivered, message.handover
            raise
        if outcome.sent:
            outcome = replace(outcome, sent=tuple(replace(m, handover=message.handover)
                                                  for m in outcome.sent))
        if memo is not None:
            if len(memo) >= _HANDLED:
                memo.clear()
            memo[key] = _Handled(message, ctx, outcome, receiver.state, receiver.ctx)
        return outcome


_HANDLED = 1 << 7  # deliveries a memo keeps; past it, it starts again (memory stays bounded)


@record
class _Handled:
    """What an entity did with ``message`` in a state, holding ``ctx_before`` (both kept
    alive so that their identities, the memo's key, are not reused): its outcome, state and
    key record afterwards."""

    message: Message
    ctx_before: Any
    outcome: Outcome
    state: str
    ctx: Any
