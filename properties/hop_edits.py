"""The edits a ``check``'s hops name: ``TYPE[@CELL]:edit=MESSAGE/EDIT``
(``hoverify.statemachines.scenario``), each one change of the finite set ``explore`` and
``verify`` draw from (``hoverify.properties.downgrade.edits``), named by ``Edit.name``, made
on the first MESSAGE of that hop through ``run_scenario``'s ``rewrite`` hook.

MESSAGE is the message's name in its spec, without the protocol (``HandoverRequired``,
``HandoverCommand``, ``RRCConnectionReconfiguration``): one hop sends no two kinds of one
name (an X2 hop's HandoverRequest is X2AP's, an S1 hop's S1AP's). Who makes the change is
the attacker's business (``hoverify.runs.check_editors``): as in ``explore``, a compromised
eNB that receives the message makes any of ``edits`` (it relays what another party built),
one that sends it any of ``built`` (it builds what it sends), a coalition holding both any
of either: ``edits_among``.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace

from hoverify.properties.attacker import Attacker
from hoverify.properties.downgrade import (
    Edit,
    Writable,
    built,
    describe,
    edits,
    edits_by,
    relayed,
    values_at,
)
from hoverify.statemachines.messages import Fields, Interface, Kind, Message
from hoverify.statemachines.names import closest, did_you_mean
from hoverify.statemachines.scenario import HopError, HopSpec, Run


def message_name(kind: Kind) -> str:
    """``S1AP HandoverRequired`` -> ``HandoverRequired``."""
    return kind.title.split()[1]


def edit_name(message: Message, edit: Edit) -> str:
    """``MESSAGE/EDIT``: ``edit`` of ``message`` as a hop's ``:edit=`` names it."""
    return f"{message_name(message.kind)}/{edit.name(message.fields)}"


# the network messages of the model by their titles, as a step's text names them
TITLES = {kind.title: kind for kind in Kind if kind.interface is not Interface.LOCAL}


def edit_step(text: str) -> tuple[str, str, str]:
    """A step's ``text`` of an edit, ``WHO EDIT-TEXT in MESSAGE`` as ``Exploration`` writes
    it: who, the edit's text and the message."""
    who, _, rest = text.partition(" ")
    said, _, message = rest.rpartition(" in ")
    return who, said, message


def name_said(text: str) -> str:
    """The name (``MESSAGE/EDIT``) of the edit that a step's ``text`` says its eNB made
    (``edit_step``): what a file written before edits were named (edits35) saved alone, read
    as a new file's name is (edit38: such a file's edit was matched by its text, so on a fix
    sending another value there it diverged, exit 2, where a new file's is made as named).
    "" for a text no edit writes."""
    _, said, message = edit_step(text)
    edit = Edit.Said.from_text(said)
    kind = TITLES.get(message.rpartition(" ")[0])
    return "" if edit is None or kind is None else f"{message_name(kind)}/{edit.name()}"


def named(fields: Fields, text: str, writable: Writable) -> Edit | None:
    """The edit of ``fields`` that ``text`` (``EDIT`` of ``MESSAGE/EDIT``) names, by its
    receiver or its sender (``check_editors`` then asks whether the one compromised may)."""
    return next((e for e in everything(fields, writable) if e.name(fields) == text), None)


def no_edit(message: Message, text: str, names: Sequence[str]) -> str:
    """``message`` has no edit ``text``: the line ``check`` and ``replay`` say it in, with
    the edits it has (``names``)."""
    return (f"{message_name(message.kind)} ({message}) has no edit {text!r} (its edits: "
            f"{'; '.join(names) or 'none'}")


def sent_otherwise(message: Message, saved: str, said: Edit.Said, possible: bool) -> str | None:
    """How ``message`` differs from what a step found there, the step whose text says it
    made ``said`` (read back as data: ``Exploration.step_said``), saved as the edit
    ``saved`` (``MESSAGE/EDIT``): the field the edit changes, or adds to, is gone; a
    rewritten field carries another value than the step found (the edited value itself:
    the edit would change nothing; ``possible``: whether an edit of the message still makes
    it the saved value); the field an addition adds is already sent (review35, replay36).
    None where nothing differs, or where ``said`` is not the change ``saved`` names, of the
    MESSAGE it names: the step is then inconsistent with itself or with the trace."""
    name, _, change = saved.partition("/")
    named = Edit.Said.from_name(change)
    if name != message_name(message.kind) or named != said._replace(old=None):
        return None
    fields = message.fields
    present = {describe(fields, path[:end]) for path, _ in values_at(fields)
               for end in range(1, len(path) + 1)}
    if said.where not in present:
        return f"{message} has no field {said.where!r}"
    if said.kind == "add":
        added = f"{said.where}/{said.added}"
        return f"{message} already carries field {added!r}" if added in present else None
    value = next((repr(v) for path, v in values_at(fields) if describe(fields, path) == said.where),
                 said.old)
    if said.kind == "remove" or value == said.old:
        return None
    if value == said.new:
        return f"{message} already carries {said.where!r} {value}: the edit would change nothing"
    made = "" if possible else f", and no edit of it makes it {said.new}"
    return f"{message} carries {said.where!r} {value}, where the step found {said.old}{made}"


def field_meant(fields: Fields, text: str, writable: Writable) -> str:
    """``"; did you mean field 'F' (its edits: ...)?"``: the field of ``fields`` closest to
    the one ``text`` names, with each edit it has (``everything``), not one made-up value of
    it (text41: ``container/NC=1`` was answered ``container/NCC=6``); a ``text`` that names
    no field as an edit does, the closest edit (``did_you_mean``)."""
    by_field: dict[str, list[str]] = {}
    for edit in everything(fields, writable):
        by_field.setdefault(_field(edit.said(fields, found=False)), []).append(edit.name(fields))
    typed = Edit.Said.from_name(text)
    field = None if typed is None else closest(by_field, _field(typed))
    if field is None:
        return did_you_mean([n for names in by_field.values() for n in names], text)
    return f"; did you mean field {field!r} (its edits: {'; '.join(by_field[field])})?"


def _field(said: Edit.Said) -> str:
    """The field an edit changes: its path; an addition's, the path of the field it adds."""
    return f"{said.where}/{said.added}" if said.kind == "add" else said.where


def everything(fields: Fields, writable: Writable) -> list[Edit]:
    """The edits of ``fields`` by its receiver or its sender, each named once; a field is
    added only if the variant sends it, a Target ID names an eNB of the topology."""
    return list({e.name(fields): e for e in (*edits(fields, writable.addable),
                                             *built(fields, writable.enbs))}.values())


class HopEdits:
    """The ``rewrite`` hook of a run whose hops name edits: each made on the first message
    of its name in its hop (``Message.handover``: the k-th handover started is hop k). A
    name that no edit of that message has is a ValueError listing those it has; ``missed``
    says which edits found no message to change."""

    def __init__(self, hops: Sequence[HopSpec], writable: Writable) -> None:
        self.writable = writable
        self.hops = tuple(hops)
        self.wanted = {number: [edit.partition("/") for edit in spec.edits]
                       for number, spec in enumerate(hops, start=1) if spec.edits}
        self.seen: dict[int, list[str]] = {}  # per hop, the names of the messages it sent

    def __call__(self, step: int, message: Message) -> Message:
        hop, name = message.handover, message_name(message.kind)
        seen = self.seen.setdefault(hop, [])
        if name in seen:
            return message
        seen.append(name)
        fields = message.fields
        for wanted, _, text in self.wanted.get(hop, ()):
            if wanted != name:
                continue
            edit = named(fields, text, self.writable)
            if edit is None:
                names = [e.name(fields) for e in everything(fields, self.writable)]
                # where a relay adds a field (``edits``: to what it copies into the HO
                # command), it adds only one the variant's HO command carries; no edit of
                # another message adds one (review35: HandoverRequired named that rule)
                sent = ", ".join(n for n, _ in self.writable.addable) or "none"
                rule = (f"; a relay adds only a field the variant's HO command carries: {sent}"
                        if relayed(fields) else "")
                # a typo of the hops' (not a saved edit that ``replay`` no longer finds)
                raise HopError(hop, self.hops[hop - 1], f"{no_edit(message, text, names)}"
                               f"{rule}){field_meant(fields, text, self.writable)}")
            fields = edit.apply(fields)
        if fields == message.fields and any(w == name for w, _, _ in self.wanted.get(hop, ())):
            # review49: NCC=1 then NCC=0 ran the hop unedited, without a word
            raise HopError(hop, self.hops[hop - 1], f"its edits of {message} change nothing "
                           "together: the message is as it was sent")
        return message if fields == message.fields else replace(message, fields=fields)

    def missed(self) -> list[HopError]:
        """Each edit whose message its hop never delivered, with what the hop delivered."""
        return [HopError(hop, self.hops[hop - 1], f"no {wanted} in this hop to edit"
                         f"{did_you_mean(self.seen.get(hop, []), wanted)} (it delivered: "
                         f"{', '.join(self.seen.get(hop, [])) or 'nothing'})")
                for hop, named_edits in self.wanted.items() for wanted, _, _ in named_edits
                if wanted not in self.seen.get(hop, ())]



def editor(run: Run, number: int, attacker: Attacker) -> str | None:
    """The eNB that made the hops' edits of the message delivered at step ``number`` of
    ``run``, ``check``'s: of those ``attacker`` holds from its hop or earlier, the one that
    ``edits_among`` names for each, made in turn on the message as the ones before left it,
    as ``HopEdits`` makes them (edit48: the change they make together was compared with each
    single edit, so two edits of one message were refused, naming the wrong end); where a
    coalition makes them between its two ends, the receiver, which relays the message last.
    None if no eNB ``attacker`` holds makes one of them."""
    original = run.edited[number]
    makers = _makers(run, original, held(original, attacker, run.topology.enbs))
    if makers is None:
        return None
    return makers.pop() if len(makers) == 1 else original.receiver


def makers(run: Run, number: int, attacker: Attacker) -> frozenset[str]:
    """Every eNB whose edit the hops' edits of the message delivered at step ``number`` are
    judged as: of those ``attacker`` holds from its hop or earlier, each that makes them all
    alone (the sender builds the message so, the receiver relays it so), and each that
    makes one of them where its ends make them between them (``_makers``: the source
    relays the container's NCC, the target builds its X2AP ID, helper-163 M09); empty if it
    cannot make them. helper-176: judged as the receiver's alone (``editor``), the X2
    target's, a coalition's edit of the request's NCC was judged by no edit claim, where
    the source alone failed handover-denial: adding a compromise lowered the exit code."""
    original = run.edited[number]
    compromised = held(original, attacker, run.topology.enbs)
    alone = {enb for enb in compromised if _makers(run, original, {enb}) is not None}
    return frozenset(alone | (_makers(run, original, compromised) or set()))


def _makers(run: Run, original: Message, compromised: Collection[str]) -> set[str] | None:
    """The eNBs of ``compromised`` that make the hops' edits of ``original``, each named as
    ``edits_among`` names it, made in turn; None if they cannot make them all."""
    writable = Writable.of(run.system.variant, run.topology)
    message, makers = original, set()
    for text in named_of(run.hops[original.handover - 1].spec, original):
        edit = named(message.fields, text, writable)
        if edit is None:
            return None
        name = edit.name(message.fields)
        who = next((who for who, made in edits_among(message, compromised, writable)
                    if made.name(message.fields) == name), None)
        if who is None:
            return None
        makers.add(who)
        message = replace(message, fields=edit.apply(message.fields))
    return makers


def editors(run: Run, attacker: Attacker) -> frozenset[str]:
    """The eNBs of ``attacker`` without which it could not make the hops' edits of ``run``:
    for each edited message, the one eNB it held that makes them alone, where only one does,
    or each that makes one of them, where none does alone (``Attacker.parts`` judges no part
    without it). Where a coalition holds both ends and either makes them (the sender builds
    it so, the receiver relays it so), neither is (helper-171 #1: the part holding the
    sender, without the receiver ``editor`` names, was judged in no claim)."""
    needed: set[str] = set()
    for original in run.edited.values():
        compromised = held(original, attacker, run.topology.enbs)
        alone = {enb for enb in compromised if _makers(run, original, {enb}) is not None}
        # none alone: each end makes its own of them, and both are needed
        needed |= (alone if len(alone) == 1 else set() if alone
                   else _makers(run, original, compromised) or set())
    return frozenset(needed)


def named_of(spec: HopSpec, message: Message) -> list[str]:
    """The edits ``spec`` names of ``message`` (the first of its name in its hop), in the
    order given."""
    name = message_name(message.kind)
    return [text for wanted, _, text in (e.partition("/") for e in spec.edits) if wanted == name]


def held(message: Message, attacker: Attacker, enbs: Collection[str]) -> frozenset[str]:
    """The eNBs of ``enbs`` that ``attacker`` holds from the hop of ``message`` or earlier."""
    return frozenset(c.entity for c in attacker.compromises
                     if c.entity in enbs and c.hop <= message.handover)


def edits_among(message: Message, compromised: Collection[str],
                writable: Writable) -> list[tuple[str, Edit]]:
    """The edits the compromised eNBs of ``compromised`` may make of ``message``, each with the eNB
    that makes it (the ends of NDS/IP, not the network, TS 33.401 11): its receiver's, if
    held (``edits``: what it relays), then its sender's, if held (``built``: what it
    builds). A coalition holding both ends may do either, so it has both (edit38: it had
    only the receiver's); an edit both may make is named once, as the receiver's. None if
    neither end is held. One rule for ``check``, ``explore`` and ``verify``."""
    made = ([(message.receiver, e) for e in edits_by(message, message.receiver, writable)]
            if message.receiver in compromised else [])
    if message.sender not in compromised:
        return made
    fields = message.fields
    if not made:
        return [(message.sender, e) for e in built(fields, writable.enbs)]
    relays = {e.name(fields) for _, e in made}
    return made + [(message.sender, e) for e in built(fields, writable.enbs)
                   if e.name(fields) not in relays]
