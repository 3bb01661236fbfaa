"""Where a party had a secret value: the message that brought it, or its own derivation.

A witness names the keys the attacker holds, then derives the rest from them ("holds
KeNB*+[hop 1]", then "KeNB[hop 2] = KDF(KeNB*+[hop 1], ...)"). A reviewer then asks how the
attacker came to hold that key (helper-181: the seed-fs Target ID attack's witness did not say
that enb-1 had KeNB*+ in the S1AP HandoverRequest it refused). Both witnesses, the claim
engine's (``Facts.witness``) and the key graph's (``Analysis.witness_lines``), end each
"holds" line with ``origin``'s words, read from the run's steps when a witness is worded:
``holds_lines``, the one definition of those lines. A step is named where the command's
reader finds it (``places.place``): by the action that made it, in a run of actions; by its
handover, in a run of hops.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Mapping

from hoverify.properties.adversary import DEFAULT, NETWORK, Adversary
from hoverify.properties.graph import byte_values
from hoverify.properties.places import place
from hoverify.statemachines.messages import Message
from hoverify.statemachines.names import word_list
from hoverify.statemachines.record import record
from hoverify.statemachines.system import UE, Step

RECEIVED, REFUSED, DERIVED, READ = "received", "refused", "derived", "read"


@record
class Arrival:
    """Secret ``values`` a party had at step ``step`` (of handover ``hop``), and ``how``:
    ``received`` in ``message`` (``refused``: in a message it refused), ``derived`` at that
    step, or ``read`` by the network attacker in ``message`` on an unprotected backhaul;
    ``action``, the action of the run that made the step (``Trail``; None: a run of hops)."""

    step: int
    hop: int
    party: str
    how: str
    message: str
    values: frozenset[bytes]
    action: int | None = None

    @property
    def place(self) -> str:
        """Where its step is, as the command's reader finds it (``places.place``)."""
        return place(self.action, self.hop)


class Trail:
    """The steps of a run so far, the last first (``Facts.trail``): one link per step, so
    the facts after a step share the trail before it; ``length``, its steps; ``action``,
    the action that made the step, in a run of actions (``Engine.trace_length``: 0 for the
    set-up's), None in a run of hops (``check``'s) or a counterfactual continuation
    (``Engine.facts_after``), which no action made. Compared by identity: a run of thousands
    of steps is no value to compare."""

    __slots__ = ("action", "earlier", "length", "step")

    def __init__(self, step: Step, earlier: Trail | None, action: int | None = None) -> None:
        self.step, self.earlier, self.action = step, earlier, action
        self.length = 1 + (earlier.length if earlier is not None else 0)

    def __repr__(self) -> str:
        return f"Trail(step {self.step.number})"

    def arrivals(self, value: bytes, backhaul_read: bool) -> list[Arrival]:
        """``value``'s arrivals in this trail's steps, in order (``step_arrivals``;
        ``backhaul_read``: the network attacker reads the backhaul, TS 33.210 absent). The
        steps of one run are indexed once, as it grows: a run's witnesses ask about its trail
        at many lengths (a long ``check --json`` words thousands), and a walk of the whole
        trail for each made them quadratic (helper-185)."""
        head, index = _INDEXED.get(backhaul_read, (None, {}))
        if (head is not None and self.length <= head.length  # indexed, if on its line
                and head.back(head.length - self.length) is not self):
            head, index = None, {}
        if head is None or self.length > head.length:
            new: list[Trail] = []
            link: Trail | None = self
            while link is not None and link is not head:
                if head is not None and link.length <= head.length:  # another run: start again
                    head, index, new, link = None, {}, [], self
                    continue
                new.append(link)
                link = link.earlier
            for position, made in enumerate(reversed(new), (head.length if head else 0) + 1):
                for a in step_arrivals(made.step, _EVERY_VALUE, READS[backhaul_read],
                                       made.action):
                    for v in a.values:
                        index.setdefault(v, []).append((position, a))
            _INDEXED[backhaul_read] = (self, index)
        return [a for position, a in index.get(value, ()) if position <= self.length]

    def back(self, links: int) -> Trail | None:
        """The trail ``links`` steps shorter."""
        link: Trail | None = self
        for _ in range(links):
            link = link.earlier if link is not None else None
        return link


class _Every:
    def __contains__(self, value: object) -> bool:
        return True


_EVERY_VALUE = _Every()
# what the network attacker reads, with the backhaul protected (TS 33.210) or not
READS = {False: DEFAULT.reads, True: Adversary(backhaul_unprotected=True).reads}
# per backhaul: the longest trail of the run indexed last, and each value's arrivals in it,
# with the position of their step
_INDEXED: dict[bool, tuple[Trail, dict[bytes, list[tuple[int, Arrival]]]]] = {}


def step_arrivals(step: Step, values: Container[bytes], reads: Callable[[Message], bool],
                  action: int | None = None) -> list[Arrival]:
    """Where ``step`` gave a party secret values (those in ``values``): its receiver those of
    the message and of what it read from it, then those it derived; the network attacker
    those of each message sent that it ``reads`` (``Adversary.reads``); ``action``, the
    action that made the step (``Trail``)."""
    receiver, number, hop = step.message.receiver, step.number, step.hop
    given = frozenset(v for v in (*byte_values(step.message.fields),
                                  *byte_values(step.outcome.read)) if v in values)
    derived = frozenset(d.output for d in step.outcome.derivations
                        if d.output in values) - given
    found = [Arrival(number, hop, receiver, RECEIVED if step.outcome.accepted else REFUSED,
                     str(step.message), given, action)] if given else []
    if derived:
        found.append(Arrival(number, hop, receiver, DERIVED, str(step.message), derived,
                             action))
    for m in step.outcome.sent:
        read = frozenset(v for v in byte_values(m.fields) if v in values)
        if read and reads(m):
            found.append(Arrival(number, hop, NETWORK, READ, str(m), read, action))
    return found


def holds_lines(label: str, had: Iterable[Arrival], since: Mapping[str, int],
                made: Iterable[Arrival]) -> list[str]:
    """A witness's lines for a value it names ``label`` that the attacker holds, in both
    witnesses' words (the claim engine's, ``Facts.witness``; the key graph's,
    ``Analysis.witness_lines``): "holds ``label``" with where the attacker got it
    (``origin``: ``had``, the value's arrivals in step order; ``since``, its parties), then
    where a party of the network derived it again in a later hop (``derived_again``:
    ``made``, its arrivals to every party; none for a key that is one value whatever the
    hop)."""
    again = derived_again(label, made)
    return [f"holds {label}{origin(had, since)}", *([again] if again is not None else [])]


def origin(had: Iterable[Arrival], since: Mapping[str, int]) -> str:
    """Where an attacker got a value, from the value's arrivals ``had`` in step order, as the
    end of a witness's "holds" line; ``since``: each of its parties (the network attacker:
    ``NETWORK``) and the hop it holds it from. The first arrival to one of them in that hop
    or later; else, of the party held longest, its last arrival before (what its record
    kept when taken: helper-185, a coalition's later member named for a key it had before
    it was compromised); else nothing (a key revealed by its name, KASME@1; KASME in the
    UE's or an MME's record)."""
    mine = [a for a in had if a.party in since]
    arrival = next((a for a in mine if a.hop >= since[a.party]), None)
    if arrival is None:
        kept = [a for a in mine if a.hop < since[a.party]]
        first = min((since[a.party] for a in kept), default=None)
        arrival = next((a for a in reversed(kept) if since[a.party] == first), None)
    if arrival is None:
        return ""
    where = f"{arrival.message} ({arrival.place})"
    return {RECEIVED: f": {arrival.party} received it in {where}",
            REFUSED: f": {arrival.party} received it in {where}, which it refused",
            DERIVED: f": {arrival.party} derived it ({arrival.place})",
            READ: f": read on the backhaul in {where}"}[arrival.how]


def derived_again(label: str, had: Iterable[Arrival]) -> str | None:
    """A witness's line for a value it names ``label`` that a party of the network derived
    again, the same value, in a later hop than it was first derived in (``had``: its
    arrivals in step order); None where none did. The seed's Target ID attack: "holds
    KeNB*+[hop 1]" hid that the MME made hop 2's KeNB*+ the same key, as K_HO and the
    source's KeNB* are the same in both preparations (helper-190; TS 33.401 7.2.8.4.3 takes a
    fresh NH for each). The UE is no such party: it derives what the network made for it
    when it needs it, an NH hops after the MME (its chain caught up, TS 33.401 7.2.8.4.3).
    Each later hop is named, by its first such derivation (A4: the first hop alone hid the
    others)."""
    derived = [a for a in had if a.how == DERIVED]
    again: dict[int, Arrival] = {}
    for a in derived:
        if a.hop > derived[0].hop and a.party != UE:
            again.setdefault(a.hop, a)
    if not again:
        return None
    hops = word_list(f"hop {hop}'s" for hop in again)
    parties = {a.party for a in again.values()}
    if len(parties) == 1:
        places = word_list(a.place for a in again.values())
        return f"{label} is {hops} too: {parties.pop()} derived the same value again ({places})"
    made = word_list(f"{a.party} ({a.place})" for a in again.values())
    return f"{label} is {hops} too: {made} derived the same value again"
