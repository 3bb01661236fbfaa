"""What the network attacker can inject: a finite set of messages built from its knowledge.

The set, for the messages seen so far (``history``) on the interfaces the attacker controls
(``hoverify.properties.adversary``):
- Uu (TS 36.323 5.6, 5.7; TS 33.401 7.4): for each RRC message seen, and each set of RRC keys
  (KRRCint and KRRCenc of one KeNB) in the attacker's knowledge closure that opens it (the
  MAC-I verifies), the same content protected afresh with those keys at the next PDCP COUNT:
  a forgery with a real 128-EIA2 MAC-I. Without such keys, the message at the next COUNT with
  one bit of its MAC-I flipped (the attacker cannot compute a MAC-I), which the receiver
  refuses (a refusal, not an error). One garbage message per kind and receiver.
- S1, X2, S10 when active (``--backhaul-unprotected``): each message seen there with one key
  IE replaced by another known key of the same kind (made by a derivation of the same name,
  e.g. another KeNB* or NH the attacker derives); and each message seen there sent afresh to
  every other party of its receiver's role (another eNB, another MME), its fields as read:
  a fresh message of that kind built from what the attacker knows.
The keys come from the knowledge closure (the engine's ``Knowledge.known``), so the key graph
decides what the attacker can forge. A forged message belongs to the handover of the message
it imitates (``Message.handover``), whenever it is sent, except a MeasurementReport: sent, it
starts a handover of its own (``System.inject``; TS 36.300 10.1.2.1.1 steps 2-3).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from hoverify.properties.adversary import BACKHAUL, Adversary
from hoverify.properties.engine import Facts
from hoverify.statemachines.entity import Reject
from hoverify.statemachines.messages import (
    Fields,
    Interface,
    Kind,
    Labels,
    Message,
    describe_fields,
)
from hoverify.statemachines.protection import (
    DOWNLINK,
    UPLINK,
    protect_rrc,
    unciphered_content,
    unprotect_rrc,
)
from hoverify.statemachines.record import replace
from hoverify.statemachines.topology import Topology
from hoverify.statemachines.variant import AsKeys

DOWNLINK_KINDS = (Kind.RRC_SECURITY_MODE_COMMAND, Kind.RRC_HANDOVER_COMMAND)
UNCIPHERED = (Kind.RRC_SECURITY_MODE_COMMAND, Kind.RRC_SECURITY_MODE_COMPLETE)  # TS 33.401 7.2.4.5


def injections(history: Iterable[Message], facts: Facts, adversary: Adversary,
               topology: Topology) -> list[Message]:
    """The messages the attacker can inject now, in a stable order, without repeats."""
    known = frozenset().union(*(a.known for a in facts.attackers))
    seen = list(dict.fromkeys(m for m in history if adversary.controls(m)))
    keys = _rrc_keys(facts, known)
    found: list[Message] = []
    garbage: dict[tuple[Kind, str], Message] = {}
    for message in seen:
        if message.interface is Interface.UU:
            forged = [m for k in keys if (m := _forge(message, k)) is not None]
            found += forged
            if not forged:
                garbage[message.kind, message.receiver] = _garbage(message)
        elif message.interface in BACKHAUL:
            found += _replaced(message, facts, known)
            found += _readdressed(message, topology)
    found += garbage.values()
    # compared as bytes: not by the handover whose message each imitates (and keeps)
    sent = {replace(m, handover=0) for m in seen}
    fresh: dict[Message, Message] = {}
    for m in found:
        fresh.setdefault(replace(m, handover=0), m)
    return [m for wire, m in fresh.items() if wire not in sent]


def injection_text(message: Message, labels: Labels) -> str:
    """``message`` as an inject step names it: as a delivery names it (``Message.__str__``),
    then its information elements (``describe_fields``: key values by ``labels``, no PDU), on
    Uu the content of its PDU where it is sent unciphered (``UNCIPHERED``), and the keys that
    protect it, as the attacker claims them (``Message.protected_by``)."""
    said = [describe_fields(message.fields, labels)]
    if message.interface is Interface.UU:
        said.append(_content_text(message, labels))
    said.append(f"protected by {', '.join(message.protected_by)}")
    return f"{message} ({'; '.join(filter(None, said))})"


def _content_text(message: Message, labels: Labels) -> str:
    """What a reader of the radio reads in ``message``'s PDU: its fields where it is sent
    unciphered (TS 33.401 7.2.4.5), else nothing but that it is ciphered (KRRCenc)."""
    if message.kind not in UNCIPHERED:
        return "content ciphered"
    try:
        content = unciphered_content(message.get("PDU"))
    except Reject as refused:
        return str(refused)
    return f"content {{{describe_fields(content, labels)}}}"


def _rrc_keys(facts: Facts, known: frozenset[bytes]) -> list[AsKeys]:
    """The RRC key sets the attacker derives: KRRCint and KRRCenc of the same KeNB."""
    by_kenb: dict[bytes, dict[str, bytes]] = {}
    for d in facts.derivations:
        if d.name in ("KRRCint", "KRRCenc") and d.output in known:
            kenb = d.derivation.inputs[0].value
            by_kenb.setdefault(kenb, {})[d.name] = d.output
    return [AsKeys(kenb, None, k["KRRCint"], k["KRRCenc"], b"")
            for kenb, k in by_kenb.items() if len(k) == 2]


def _direction(message: Message) -> tuple[int, bool]:
    return (DOWNLINK if message.kind in DOWNLINK_KINDS else UPLINK,
            message.kind not in UNCIPHERED)


def _forge(message: Message, keys: AsKeys) -> Message | None:
    """``message``'s content under ``keys`` at the next COUNT, if ``keys`` open it."""
    direction, cipher = _direction(message)
    count = message.get("COUNT")
    try:
        content = unprotect_rrc(keys, count, direction, message.get("PDU"), cipher)
    except Reject:
        return None
    pdu = protect_rrc(keys, count + 1, direction, content, cipher)
    return replace(message, fields=(("COUNT", count + 1), ("PDU", pdu)))


def _garbage(message: Message) -> Message:
    """At the next COUNT, the PDU with the last bit flipped: a MAC-I nobody computed."""
    pdu = message.get("PDU")
    return replace(message, fields=(("COUNT", message.get("COUNT") + 1),
                                    ("PDU", pdu[:-1] + bytes([pdu[-1] ^ 1]))))


def _replaced(message: Message, facts: Facts, known: frozenset[bytes]) -> Iterator[Message]:
    for path, value in _key_leaves(message.fields, ()):
        names = {d.name for d in facts.made(value)} | {path[-1]}
        for other in sorted(known):
            if other != value and any(d.name in names for d in facts.made(other)):
                yield replace(message, fields=_set(message.fields, path, other))


def _readdressed(message: Message, topology: Topology) -> Iterator[Message]:
    for role in (topology.enbs, topology.mmes):
        if message.receiver in role:
            yield from (replace(message, receiver=other)
                        for other in role if other not in (message.receiver, message.sender))


def _key_leaves(fields: Fields, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], bytes]]:
    for name, value in fields:
        if isinstance(value, bytes):
            yield (*path, name), value
        elif _is_fields(value):
            yield from _key_leaves(value, (*path, name))


def _is_fields(value: Any) -> bool:
    return (isinstance(value, tuple) and all(isinstance(item, tuple) and len(item) == 2
                                             and isinstance(item[0], str) for item in value))


def _set(fields: Fields, path: tuple[str, ...], value: bytes) -> Fields:
    head, rest = path[0], path[1:]
    return tuple((name, (_set(old, rest, value) if rest else value) if name == head else old)
                 for name, old in fields)
