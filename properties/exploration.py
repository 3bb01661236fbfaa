"""Exploration of interleavings, faults and compromise, judged step by step by the claim engine.

:class:`Exploration` owns a :class:`~hoverify.statemachines.system.System` and offers the actions a
scheduler and an adversary can take: start a handover, deliver any in-flight message (links
are *not* FIFO: any message in flight may be delivered next), drop one, duplicate one, replay
one seen before, inject one the attacker builds from its knowledge
(``hoverify.properties.injection``), let a target's admission control refuse a preparation,
compromise a party (an eNB; with the attacker model's consent the UE, an MME, KASME or a
delegated key), and let a compromised eNB edit a message it receives before relaying it
(flip, remove or add a field) or change what it builds of one it sends (flip a bit, leave
out a field: ``hoverify.properties.downgrade.built``). The attacker model
(``hoverify.properties.adversary``) decides on which interfaces replay, duplicate and inject
act: by default on Uu only, the backhaul being protected by NDS/IP.

After every step the claim engine (``hoverify.properties.engine``) judges every claim and invariant
(``hoverify.properties.claims``), the same objects that ``check`` feeds a finished run.

Every action is recorded as a :class:`Action` with a readable text; a list of them replays
the run exactly (``replay``), which is what ``hoverify replay`` reads back.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import Counter
from collections.abc import Callable, Collection, Iterable
from contextlib import suppress
from dataclasses import dataclass, replace
from itertools import count
from typing import Any

from hoverify.properties.adversary import DEFAULT, Adversary
from hoverify.properties.claims import all_claims
from hoverify.properties.downgrade import Edit, Writable, flips
from hoverify.properties.engine import Engine, Facts, Verdict
from hoverify.properties.hop_edits import TITLES, edit_name, edits_among, name_said
from hoverify.properties.injection import injection_text, injections
from hoverify.statemachines.entity import Outcome, VariantError
from hoverify.statemachines.messages import Fields, Kind, Message
from hoverify.statemachines.system import UE, Snapshot, System, starts_handover
from hoverify.statemachines.topology import Cell, Topology
from hoverify.statemachines.variant import KeySchedule

# a hook or the model raised: hoverify.statemachines.entity.VariantError
VARIANT_ERROR = "variant-error"
# The KASME every explored, verified and replayed run starts from (here, not in ``explore``:
# ``verify`` and ``check``'s lines for its findings use it without loading Hypothesis)
EXPLORATION_KASME = bytes.fromhex(
    "238e457e0f758badbca8d34bb2612c10428d426757cb5553b2b184fa64bfc549")
# the action kinds; rewrite: the flip-only edit of finding files written before edit existed
KINDS = ("start", "deliver", "drop", "duplicate", "replay", "refuse", "compromise", "edit",
         "rewrite", "inject")
EDIT_KINDS = ("edit", "rewrite")
# how a start's text begins (``Exploration.start_handover``): saved so, and parsed back
# (``hoverify.properties.replay``)
START = "start handover to "
# how an inject's text begins (``Exploration.inject``)
INJECT = "inject "
# an edit with the compromised eNB that makes it (``hop_edits.edits_among``)
Made = tuple[str, Edit]


def message_digest(said: str) -> str:
    """An injected message by the first 64 bits of the SHA-256 of its ``repr`` (``said``),
    which writes every field, the PDU's octets too: replay checks by it that it built the
    same message, which its step's text names by its fields in words."""
    return hashlib.sha256(said.encode()).hexdigest()[:16]


def injected_kind(text: str) -> Kind | None:
    """The kind of the message an inject step's ``text`` names, ``inject TITLE
    SENDER->RECEIVER (...)`` (``Exploration.inject``), by its title (``TITLES``); None for
    any other step, and for a step saved before injections were named so (its repr)."""
    if not text.startswith(INJECT):
        return None
    named, arrow, _ = text.removeprefix(INJECT).partition("->")
    return TITLES.get(named.rpartition(" ")[0]) if arrow else None


def edit_kind(edit: Edit, fields: Fields) -> str:
    """The kind of ``edit`` of ``fields`` that ``Exploration.edit_choices`` selects by:
    ``identity`` for a rewrite of one of the UE's identities on the backhaul
    (``Edit.renames_ue``: another UE association or handover named, no key material
    changed), else its own (``rewrite``, ``remove`` or ``add``:
    ``hoverify.properties.downgrade.Edit``)."""
    return "identity" if edit.renames_ue(fields) else edit.kind


@dataclass(frozen=True, slots=True)
class Action:
    """One step of an exploration, replayable: ``kind`` and ``index`` say what to do, ``text``
    what it did (replay checks that the text matches). An edit (``EDIT_KINDS``) changes the
    ``index``-th message it may change; which change, ``edit`` names as a hop's ``:edit=``
    does (``MESSAGE/EDIT``: ``hoverify.properties.hop_edits.edit_name``), so that a saved
    one still replays when a field is added to that message or moved in it. ``leaf``, the
    change's position among the message's edits, is the run's own (``verify`` and
    ``explore`` choose by it) and is not saved. An injection's text names its message in
    words; ``digest`` is the message itself (``message_digest``), which replay compares."""

    kind: str  # one of KINDS
    index: int = 0
    leaf: int = 0
    text: str = ""
    edit: str = ""  # an edit's name; "" for the run's own choice (``leaf``)
    digest: str = ""  # an injection's message (``message_digest``); "" for any other step

    def to_json(self) -> dict[str, Any]:
        named = ({"edit": self.edit} if self.kind in EDIT_KINDS else
                 {"digest": self.digest} if self.kind == "inject" else {})
        return {"kind": self.kind, "index": self.index, **named, "text": self.text}

    def done_by(self, made: Action) -> bool:
        """Whether ``made`` did what this saved step says: an injection, the same message
        (its digest), any other step what its text says."""
        return (self.digest == made.digest if self.kind == "inject"
                else self.text == made.text)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Action:
        if not isinstance(data, dict):
            raise ValueError(f"a step must be an object, got {json.dumps(data)}")
        if data["kind"] not in KINDS:
            raise ValueError(f"unknown step kind {data['kind']!r} (known: {', '.join(KINDS)})")
        kind, text = str(data["kind"]), str(data.get("text", ""))
        # a file written before edits were named (edits35) says its edit in its text alone
        edit = str(data.get("edit", "")) or (name_said(text) if kind in EDIT_KINDS else "")
        # a file written before injections were named in words (h246) says its message in
        # its text alone, as its repr, of which the digest is made
        digest = str(data.get("digest", "")) or (
            message_digest(text.removeprefix(INJECT)) if kind == "inject" else "")
        return cls(kind, _position(data, "index"), _position(data, "leaf"), text, edit, digest)


def _position(data: dict[str, Any], field: str) -> int:
    """A saved step's ``index`` or ``leaf`` (absent: 0): an int that Python indexes with, not
    a bool, a float or a number past ``sys.maxsize`` (helper-258: ``int()`` took 1.5 and
    true as 1, and infinity raised OverflowError, a traceback)."""
    value = data.get(field, 0)
    if type(value) is not int or not 0 <= value <= sys.maxsize:
        raise ValueError(f"step {field} must be a non-negative integer below 2**63, got "
                         f"{json.dumps(value)}")
    return value


@dataclass(frozen=True)
class Finding:
    claim: str
    promised: bool
    detail: str
    trace: tuple[Action, ...]
    witness: tuple[str, ...] = ()  # the derivations (or keys) that show it, where there are
    outside: str | None = None  # not promised only because the run broke this assumption


def listing_order(findings: Iterable[Finding]) -> list[Finding]:
    """Findings as every command lists them: the broken promises first, then the claims
    broken outside their promise (a run that broke one of its assumptions), then those not
    promised; within each, in the order found. A reviewer reads what a variant promises
    before what it never claimed (ts33401's fake-cell-capture, found in every search)."""
    return sorted(findings, key=lambda finding: (not finding.promised, finding.outside is None))


def numbered_starts(texts: Iterable[str]) -> list[str]:
    """A trace's ``texts`` as replay prints them: each start names the handover it begins,
    by which verdicts name hops (the n-th start or injected MeasurementReport begins handover
    n: ``System.start_handover``, ``System.inject``; helper-198 #4: two starts of one cell
    read as one line printed twice). Only the printed form: the saved texts stay as they
    are, which replay parses and compares."""
    handovers = count(1)
    printed = []
    for text in texts:
        if text.startswith(START):
            text = f"start handover {next(handovers)} to {text.removeprefix(START)}"
        elif starts_handover(injected_kind(text)):
            next(handovers)
        printed.append(text)
    return printed


def actions_text(count: int) -> str:
    """A trace's length as every command says it: in actions, as replay numbers them and a
    witness names them (``places.place``; helper-212 #3: "7 steps" beside "action 3")."""
    return f"{count} action{'' if count == 1 else 's'}"


class ShortestRuns(dict[str, tuple[Action, ...]]):
    """Per claim, the run whose last action made its situation arise (its "sometimes" count
    grew), over the examples of a search (``explore``): of those that started a handover,
    the shortest, else the shortest of all (``no_handover``); of equally ranked ones, the
    first noted. Noted after each action (``exploration_machine``), so a run ends on the
    action that made its situation arise; ``explore`` then shortens it as it minimises a
    finding (``explore.plainest``). ``served_runs``: per claim, the same of the runs on which
    a compromised eNB that served the UE has a verdict of the claim that the run tested
    (``served_reason``), which its reason is judged on
    (``hoverify.properties.replay.exercised``).
    ``verify`` keeps its own by the same rank, by path (breadth first: the shortest, the
    smallest of a level), and the claim's reason is judged once, at the end."""

    def __init__(self) -> None:
        super().__init__()
        self.served_runs: dict[str, tuple[Action, ...]] = {}
        # (claim, in the runs a compromised eNB served) -> the rank of its run
        self._ranks: dict[tuple[str, bool], tuple[bool, int]] = {}
        self._counts: Counter[str] | None = None  # the counts of the example noted last
        self._before: dict[str, int] = {}  # them after its last action

    def note(self, exploration: Exploration) -> None:
        """After each action of an example (from a fresh ``Exploration``, whose counts start
        at 0): the trace so far, for each claim whose situation arose on that action, where
        it ranks before the run kept."""
        counts = exploration.engine.counts
        if counts is not self._counts:  # a new example
            self._counts, self._before = counts, {}
        arose = [claim for claim, count in counts.items() if count > self._before.get(claim, 0)]
        if arose:
            rank = no_handover(exploration), len(exploration.trace)
            for claim in arose:
                for runs, serving in ((self, False), (self.served_runs, True)):
                    kept = self._ranks.get((claim, serving))
                    # judged only where it would be kept
                    if (kept is None or rank < kept) and (
                            not serving or served_reason(exploration, claim)):
                        runs[claim] = tuple(exploration.trace)
                        self._ranks[claim, serving] = rank
        self._before = dict(counts)


def no_handover(exploration: Exploration) -> bool:
    """Whether the run started no handover. Of the runs in which a claim's situation arose,
    its holding reason is judged on the shortest that started one, else on the shortest of
    all (``ShortestRuns``, ``verify``): a run that started none has no ``check`` line, as
    check runs at least one hop."""
    return exploration.system.hop == 0


def served_reason(exploration: Exploration, claim: str) -> bool:
    """Whether ``claim``, judged on the run so far, has a holding verdict that the run tested
    of an attacker holding an eNB that served the UE (``tested_by_served``). Of the runs in
    which a claim's situation arose, ``ShortestRuns`` and ``verify`` keep the shortest of
    those too: a security claim's holding verdict on a run whose compromised eNB never
    served the UE says less than one on its source or target (newcomer), and one the run
    could not break (forward security *untested*) says nothing (helper-229 #1)."""
    engine = exploration.engine
    if not next(c for c in engine.claims if c.name == claim).judges_compromised:
        return False
    served = {a.name for a in engine.facts.serving_attackers()}
    return bool(served) and bool(tested_by_served(engine.verdicts(claim), served))


def tested_by_served(verdicts: Iterable[Verdict], served: Collection[str]) -> list[Verdict]:
    """Of ``verdicts``, those that hold, not ``untested`` (the run could have broken the
    promise: forward security with a later KeNB kept from the attacker), of an attacker
    named in ``served``: an eNB of it served the UE, the source or target of a handover
    that TS 33.401 7.2.8.1's claims speak of. The one rule a reason on a served run
    follows (``served_reason``, ``hoverify.properties.replay.exercised``)."""
    return [v for v in verdicts if v.holds and not v.untested and v.attacker in served]


def variant_error_finding(error: VariantError, trace: tuple[Action, ...]) -> Finding:
    """A variant hook (or the model) raised during the last action of ``trace``."""
    return Finding(VARIANT_ERROR, True, str(error), trace)


class Exploration:
    """A system under exploration: actions in, findings out."""

    def __init__(self, variant: KeySchedule, topology: Topology, kasme: bytes,
                 seed: int = 0, counts: Counter[str] | None = None,
                 adversary: Adversary = DEFAULT, witnessing: bool = True) -> None:
        self.adversary = adversary
        self.system = System(variant, topology, kasme, 0, topology.cells[0], seed)
        start = topology.cells[0]
        self.engine = Engine(variant, topology, all_claims(variant, topology), start.enb,
                             start.name, adversary=adversary, witnessing=witnessing,
                             trace_length=0)
        self.engine.set_up(self.system.setup)
        self.trace: list[Action] = []
        self._unedited_kept: tuple[Snapshot, Facts, Facts] | None = None  # ``_unedited``
        self.history: list[Message] = []  # every message ever put in flight
        self.system.establish_as_security()
        self._observe_new(0, None)
        while self.system.in_flight:
            self._deliver(0)
        self.trace.clear()
        if counts is not None:  # the sometimes counts of the explored actions, not the set-up
            self.engine.counts = counts

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
        text = f"{START}{cell.name} ({hop.value})"
        return self._act(Action("start", index % len(cells), 0, text),
                         lambda: self.system.start_handover(cell))

    def deliver(self, index: int) -> Action:
        i = index % len(self.system.in_flight)
        return self._act(Action("deliver", i, 0, f"deliver {self.system.in_flight[i]}"),
                         lambda: self._deliver(i, record=False))

    def drop(self, index: int) -> Action:
        i = index % len(self.system.in_flight)
        message = self.system.drop(i)
        self.engine.fault("drop", message)
        return self._record(Action("drop", i, 0, f"drop {message}"))

    def duplicate(self, index: int) -> Action | None:
        """Duplicate an in-flight message on an interface the attacker controls (none on a
        backhaul under NDS/IP: its anti-replay discards it, ``hoverify.properties.adversary``)."""
        i = index % len(self.system.in_flight)
        if not self.adversary.controls(self.system.in_flight[i]):
            return None
        self.system.duplicate(i)
        self.engine.fault("duplicate", self.system.in_flight[i])
        return self._record(Action("duplicate", i, 0, f"duplicate {self.system.in_flight[i]}"))

    def replay(self, index: int) -> Action | None:
        """Send again a message seen earlier, if on an interface the attacker controls."""
        i = index % len(self.history)
        if not self.adversary.controls(self.history[i]):
            return None
        self.system.in_flight.append(self.history[i])  # a copy: of the handover it was sent in
        self.engine.fault("replay", self.history[i])
        return self._record(Action("replay", i, 0, f"replay {self.history[i]}"))

    def injection_choices(self) -> list[Message]:
        """The finite set of messages the attacker can inject now
        (``hoverify.properties.injection``)."""
        return injections(self.history, self.engine.facts, self.adversary,
                          self.system.topology)

    def inject(self, index: int) -> Action | None:
        """Send the ``index``-th message of ``injection_choices()``; the text names it in
        words (``injection_text``, keys by what they are), its digest whole, so that a replay
        checks it built the same bytes."""
        choices = self.injection_choices()
        if not choices:
            return None
        i = index % len(choices)
        sent = self.system.inject(choices[i])  # a MeasurementReport starts a handover
        facts = self.engine.facts
        text = injection_text(sent, lambda value: facts.label(value) if facts.made(value)
                              else None)
        self.engine.fault("inject", sent)
        return self._record(Action("inject", i, 0, f"{INJECT}{text}",
                                   digest=message_digest(repr(sent))))

    def requests(self) -> list[int]:
        """The in-flight HandoverRequests, by index: what admission control may refuse."""
        return [i for i, m in enumerate(self.system.in_flight)
                if m.kind in (Kind.X2AP_HANDOVER_REQUEST, Kind.S1AP_HANDOVER_REQUEST)]

    def refuse(self, index: int) -> Action | None:
        """The target of an in-flight HandoverRequest refuses admission (``System.refuse``: a
        step, so a compromised target has read the request)."""
        requests = self.requests()
        if not requests:
            return None
        i = requests[index % len(requests)]
        message = self.system.in_flight[i]
        self.engine.fault("refuse", message)
        action = self._record(Action("refuse", index, 0, f"{message.receiver} refuses {message}"))
        start, before = len(self.system.steps), self.system.entity(message.receiver).ctx
        self.system.refuse(i)
        self._observe_new(start, before)
        return action

    def compromise(self, index: int) -> Action | None:
        """Compromise a target of the attacker model: a party (its key record now) or a key
        (every value it takes, from now on); None when there is none (a variant that
        delegates no key)."""
        targets = self.adversary.targets(self.system.topology, self.system.variant)
        if not targets:
            return None
        who = targets[index % len(targets)]
        action = self._record(Action("compromise", index % len(targets), 0, f"compromise {who}"))
        if self.engine.facts.attacker(who) is None:  # after recording: it may judge at once
            hop = self.compromise_hop()
            if who in self.system.entities:
                self.engine.compromise(who, who, self.system.entity(who).ctx, hop)
            else:
                self.engine.reveal(who, who, hop)
        return action

    def compromise_hop(self) -> int:
        """The handover a compromise now is counted in (``Engine.compromise_hop``): the next
        one once the last started has ended, completed or not (nothing of it in flight: a
        refused preparation answered), as ``check`` would make it, just before that next
        hop's first step."""
        hop = self.engine.facts.hop
        return self.engine.compromise_hop(
            under_way=any(m.handover == hop for m in self.system.in_flight))

    def rewrite(self, index: int, leaf: int) -> Action | None:
        """A compromised eNB rewrites one integer or flag of a message it receives (the
        action of finding files written before ``edit``; replay still reads it)."""
        return self._edit(Action("rewrite", index, leaf))

    def edit(self, index: int, leaf: int) -> Action | None:
        """A compromised eNB edits a message it receives, before relaying what it carries
        (flip an integer or flag, remove a relayed field, add an absent one:
        ``hoverify.properties.downgrade.edits``), or changes one it sends as it could have
        built it (flip a bit, leave out a field: ``hoverify.properties.downgrade.built``)."""
        return self._edit(Action("edit", index, leaf))

    def edit_choices(self, kind: str | None = None,
                     where: Callable[[Message], bool] | None = None) -> list[tuple[int, int]]:
        """Every (index, leaf) of ``edit`` now, one per message of each group of equal ones
        in flight: the finite set of field changes the compromised eNBs can make; with
        ``kind``, those of that kind only (``edit_kind``); with ``where``, of the messages it
        accepts."""
        targets, options = self._edit_targets()
        first = {m: index for index, m in reversed(list(enumerate(targets)))}
        return [(index, leaf) for m, index in first.items() if where is None or where(m)
                for leaf, (_, edit) in enumerate(options(m))
                if kind in (None, edit_kind(edit, m.fields))]

    def _edit_targets(self) -> tuple[list[Message], Callable[[Message], list[Made]]]:
        """The in-flight messages ``edit`` picks among by ``index``, with their edits."""
        chosen, options = self._editable()
        return [m for m in self.system.in_flight if chosen(m) and options(m)], options

    def _editable(self, kind: str = "edit") -> tuple[Callable[[Message], bool],
                                                     Callable[[Message], list[Made]]]:
        """The messages an action of ``kind`` (``EDIT_KINDS``) changes, and its changes of
        each with the eNB that makes it: ``edit``'s (``edits_among``: a coalition holding
        both ends makes the receiver's and the sender's), or ``rewrite``'s (the flips of a
        message a compromised eNB receives)."""
        attackers = self._attacker_entities()
        if kind == "rewrite":
            return (lambda m: m.receiver in attackers,
                    lambda m: [(m.receiver, e) for e in flips(m.fields)])
        writable = Writable.of(self.system.variant, self.system.topology)
        return (lambda m: not attackers.isdisjoint((m.sender, m.receiver)),
                lambda m: edits_among(m, attackers, writable))

    def _attacker_entities(self) -> frozenset[str]:
        """The compromised eNBs: the parties that edit (an end of NDS/IP, not the network)."""
        enbs = self.system.topology.enbs
        return frozenset(e for a in self.engine.facts.attackers for e in a.entities
                         if e in enbs)

    def _edit_target(self, index: int, chosen: Callable[[Message], bool],
                     options: Callable[[Message], list[Made]]
                     ) -> tuple[int, list[Made]] | None:
        """The in-flight message ``edit`` picks by ``index``, with its possible edits."""
        targets = [i for i, m in enumerate(self.system.in_flight)
                   if chosen(m) and options(m)]
        if not targets:
            return None
        i = targets[index % len(targets)]
        return i, options(self.system.in_flight[i])

    def edit_made(self, action: Action) -> tuple[Message, Edit] | None:
        """The in-flight message the edit ``action`` would change, and the change."""
        picked = self._pick(action)
        return None if picked is None else (self.system.in_flight[picked[0]], picked[2][1])

    def edit_maker(self, action: Action) -> str | None:
        """The compromised eNB that makes the edit ``action`` (``edits_among``)."""
        picked = self._pick(action)
        return None if picked is None else picked[2][0]

    def edit_there(self, action: Action) -> tuple[Message, list[str]] | None:
        """The in-flight message the edit ``action`` picks by its ``index``, with the names
        of the edits possible of it now (``edit_name``); None when no message is there to
        edit: what a replay says of a saved edit that is not possible."""
        picked = self._edit_target(action.index, *self._editable(action.kind))
        if picked is None:
            return None
        i, possible = picked
        message = self.system.in_flight[i]
        return message, [edit_name(message, edit) for _, edit in possible]

    def _pick(self, action: Action) -> tuple[int, int, Made] | None:
        """Where in flight the edit ``action`` is made, its position among the edits of that
        message, and the edit with its eNB; None when the message or the edit is not there."""
        picked = self._edit_target(action.index, *self._editable(action.kind))
        if picked is None:
            return None
        i, possible = picked
        message = self.system.in_flight[i]

        if not (action.edit or action.text):  # this run's own choice (``edit_choices``)
            leaf = action.leaf % len(possible)
            return i, leaf, possible[leaf]
        # by its name, wherever the fields it changes are (none: a text no edit writes)
        leaf = next((leaf for leaf, (_, edit) in enumerate(possible)
                     if edit_name(message, edit) == action.edit), None)
        return None if leaf is None else (i, leaf, possible[leaf])

    def _edit(self, action: Action) -> Action | None:
        picked = self._pick(action)
        if picked is None:
            return None
        i, leaf, (who, edit) = picked
        message = self.system.in_flight[i]
        self.engine.fault("rewrite", message, who, self._unedited)  # before
        self.system.rewrite(i, replace(message, fields=edit.apply(message.fields)))
        return self._record(Action(action.kind, action.index, leaf,
                                   self._edit_text(message, who, edit), edit_name(message, edit)))

    @staticmethod
    def _edit_text(message: Message, who: str, edit: Edit) -> str:
        """What the edit ``edit`` of the in-flight ``message`` by ``who`` does, as a trace
        says it."""
        return f"{who} {edit.text(message.fields)} in {message}"

    def step_said(self, message: Message, text: str) -> Edit.Said | None:
        """The edit of ``message`` that a step's ``text`` says a compromised end of it made:
        the inverse of ``_edit_text``; None for a text of another editor, message or
        format."""
        tail = f" in {message}"
        held = self._attacker_entities()
        head = next((f"{who} " for who in (message.receiver, message.sender)
                     if who in held and text.startswith(f"{who} ")), None)
        if head is None or not text.endswith(tail):
            return None
        return Edit.Said.from_text(text.removeprefix(head).removesuffix(tail))

    def _unedited(self) -> Facts:
        """The facts of the run without the edit about to be made: from the state now, every
        message in flight delivered in order until none is (what ``check`` runs), then the
        state restored. The same for every edit from one state (``verify`` tries them all
        from each): the last is kept."""
        system, facts = self.system, self.engine.facts
        now = system.snapshot()
        kept = self._unedited_kept
        if kept is not None and kept[1] is facts and kept[0] == now:
            return kept[2]
        start = len(system.steps)
        with suppress(VariantError):  # a hook fails: the handover fails without the edit too
            system.run()
        after = self.engine.facts_after(system.steps[start:])
        system.restore(now)
        self._unedited_kept = (now, facts, after)
        return after

    def edit_texts(self) -> dict[str, tuple[int, int]]:
        """The text of each ``edit`` possible now, with its (index, leaf) (the first, for
        equal messages): what a replay re-aims a recorded edit by."""
        targets, options = self._edit_targets()
        texts: dict[str, tuple[int, int]] = {}
        for index, message in enumerate(targets):
            for leaf, (who, edit) in enumerate(options(message)):
                texts.setdefault(self._edit_text(message, who, edit), (index, leaf))
        return texts

    def apply(self, action: Action) -> Action | None:
        """Replay one recorded action."""
        if action.kind in EDIT_KINDS:
            return self._edit(action)
        if action.kind == "refuse":
            return self.refuse(action.index)
        handler = {"start": self.start_handover, "deliver": self.deliver, "drop": self.drop,
                   "duplicate": self.duplicate, "replay": self.replay, "inject": self.inject,
                   "compromise": self.compromise}[action.kind]
        return handler(action.index)

    # -- results -----------------------------------------------------------------------------------
    def findings(self) -> list[Finding]:
        at = self.engine.violated_at
        return listing_order(
            Finding(claim, promised, verdict.detail, tuple(self.trace[:at[claim, promised]]),
                    verdict.witness, verdict.outside)
            for (claim, promised), verdict in self.engine.violations.items())

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
        self.engine.trace_length = len(self.trace)
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
            self.engine.step(step, before if index == start else None)


# the faults explore may inject (``hoverify explore --faults``; verify bounds a subset)
FAULTS = frozenset({"drop", "duplicate", "replay", "refuse", "compromise", "rewrite", "inject"})
# explore's default: inject is asked for (it is a search of its own: forged messages)
DEFAULT_FAULTS = FAULTS - {"inject"}


def faults_not_searched(faults: Collection[str]) -> list[str]:
    """The faults of ``explore``'s default that a search (explore's or verify's) with
    ``faults`` leaves out: a promise that only they break passes it."""
    return sorted(DEFAULT_FAULTS - set(faults))
