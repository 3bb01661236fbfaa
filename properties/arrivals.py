"""Where a party had a secret value: the message that brought it, or its own derivation.

A witness names the keys the attacker holds, then derives the rest from them ("holds
KeNB*+[hop 1]", then "KeNB[hop 2] = KDF(KeNB*+[hop 1], ...)"). A reviewer then asks how the
attacker came to hold that key (helper-181: the seed-fs Target ID attack's witness did not say
that enb-1 had KeNB*+ in the S1AP HandoverRequest it refused). Both witnesses, the claim
engine's (``Facts.witness``) and the key graph's (``Analysis.witness_lines``), end each
"holds" line with ``origin``'s words, read from the run's steps when a witness is worded.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Container, Iterable, Iterator

from hoverify.properties.adversary import NETWORK
from hoverify.properties.graph import byte_values
from hoverify.statemachines.messages import Message
from hoverify.statemachines.record import record
from hoverify.statemachines.system import Step

RECEIVED, REFUSED, DERIVED, READ = "received", "refused", "derived", "read"


@record
class Arrival:
    """Secret ``values`` a party had at step ``step`` (of handover ``hop``), and ``how``:
    ``received`` in ``message`` (``refused``: in a message it refused), ``derived`` at that
    step, or ``read`` by the network attacker in ``message`` on an unprotected backhaul."""

    step: int
    hop: int
    party: str
    how: str
    message: str
    values: frozenset[bytes]


class Trail:
    """The steps of a run so far, the last first (``Facts.trail``): one link per step, so
    the facts after a step share the trail before it. Compared by identity: a run of
    thousands of steps is no value to compare."""

    __slots__ = ("earlier", "step")

    def __init__(self, step: Step, earlier: Trail | None) -> None:
        self.step, self.earlier = step, earlier

    def __iter__(self) -> Iterator[Step]:
        link: Trail | None = self
        while link is not None:
            yield link.step
            link = link.earlier

    def __repr__(self) -> str:
        return f"Trail(step {self.step.number})"


def step_arrivals(step: Step, values: Container[bytes],
                  reads: Callable[[Message], bool]) -> list[Arrival]:
    """Where ``step`` gave a party secret values (those in ``values``): its receiver those of
    the message and of what it read from it, then those it derived; the network attacker
    those of each message sent that it ``reads`` (``Adversary.reads``)."""
    receiver, number, hop = step.message.receiver, step.number, step.hop
    given = frozenset(v for v in (*byte_values(step.message.fields),
                                  *byte_values(step.outcome.read)) if v in values)
    derived = frozenset(d.output for d in step.outcome.derivations
                        if d.output in values) - given
    found = [Arrival(number, hop, receiver, RECEIVED if step.outcome.accepted else REFUSED,
                     str(step.message), given)] if given else []
    if derived:
        found.append(Arrival(number, hop, receiver, DERIVED, str(step.message), derived))
    for m in step.outcome.sent:
        read = frozenset(v for v in byte_values(m.fields) if v in values)
        if read and reads(m):
            found.append(Arrival(number, hop, NETWORK, READ, str(m), read))
    return found


def origin(steps_back: Iterable[Step], value: bytes, parties: Collection[str], since: int,
           reads: Callable[[Message], bool] | None) -> str:
    """Where an attacker holding ``parties`` from hop ``since`` on got ``value``, from the
    run's steps, the last first (``reads``: what the network attacker reads, for the network
    attacker; else None), as the end of a witness's "holds" line: the first arrival to one
    of its parties in hop ``since`` or later, else the last before (what its record kept
    when it was taken); else nothing (a key revealed by its name, KASME@1; KASME in the UE's
    or an MME's record)."""
    first_since = last_before = None
    for step in steps_back:
        if step.message.receiver not in parties and not (reads and step.outcome.sent):
            continue
        for a in step_arrivals(step, (value,), reads or _nothing):
            if a.party in parties or a.how == READ:
                if a.hop >= since:
                    first_since = a
                elif last_before is None:
                    last_before = a
    arrival = first_since or last_before
    if arrival is None:
        return ""
    where = f"{arrival.message} (step {arrival.step})"
    return {RECEIVED: f": {arrival.party} received it in {where}",
            REFUSED: f": {arrival.party} received it in {where}, which it refused",
            DERIVED: f": {arrival.party} derived it (step {arrival.step})",
            READ: f": read on the backhaul in {arrival.message} (sent at step "
                  f"{arrival.step})"}[arrival.how]


def _nothing(message: Message) -> bool:
    return False
