"""The claim engine: one definition per claim, judged the same way by every checker.

``check`` (a finished run), ``explore`` (Hypothesis) and ``verify`` (breadth first) all feed
one :class:`Engine` the same events, and the engine hands them to the same claim objects
(``hoverify.properties.claims``). No checker knows what a claim means (stateright's split).

Events. A *step* (``hoverify.statemachines.system.Step``: a delivery, its outcome and the
receiver's key
record afterwards, with the record before), a *compromise* (an attacker takes an entity, with
the key record it holds then) and a *fault* (the adversary drops, duplicates, replays, refuses
or rewrites a message).

Facts. From the events the engine keeps :class:`Facts`, one immutable record of what every
claim reads: the derivations made so far (each :class:`Derived` keeps its own name, clause and
hop even when two derivations give the same value, and keys are found through them, never by a
graph node's first name), the KeNB in use after each completed handover (:class:`Completion`),
each attacker's knowledge closure, the hops decided before a Path Switch Acknowledge, and
whether the run so far is undisturbed (no adversary action yet: a handover started before the
last one completed still counts as undisturbed, and the honest parties must complete it).

Claims. A claim (:class:`Claim`) declares its "always" and its "sometimes" together:
- ``observe(state, event, facts) -> Observed``: the claim's next state (small, immutable,
  hashable: ``verify`` puts it in a state's fingerprint), the verdicts that *fail* on this
  event (with a witness: a derivation path or the trace), and how many times its situation
  arose on this event (the "sometimes": counted by the checker, never part of the state);
- ``summary(state, facts, arose)``: every verdict over the finished run, holding ones with
  a cut (what the attacker lacks), ``arose`` how many times its situation arose in each hop
  the claim judges over the run (``over_run``: an authentication claim leaves out a
  handover a compromised eNB edited, even after it judged an acceptance there), whose sum
  is its "sometimes" there, so that a verdict and its count agree. ``check`` and ``report``
  show these;
- ``reads``: what of an event it reads (``touched``: the attackers' knowledge changed, a
  handover completed, the step derived keys, sent or refused a message, the kind of the
  message delivered). The engine asks a claim about an event only when the event touches
  something it reads; an event it is not asked about leaves its state as it was, fails
  nothing and is no situation of it (its ``observe`` would say so: the declaration is what its
  ``observe`` returns early on, and a test holds every claim to it). A step that leaves
  nothing in flight is also an event of its own (``ENDED``): the run may end there, and a
  claim that judges a finished run (a handover that never completed) reads it.
Most claims keep no state of their own: a verdict is a function of the facts, so judging
again gives the same answer.

Plugging in. A new claim or finding is one more class in ``hoverify.properties.claims.all_claims``:
e.g. a ``variant-error`` finding observes steps whose outcome records a hook's exception; a
downgrade-type claim reads ``Facts.unedited`` (which eNB edited in which handover, and what
that handover did in the run without the edit, ``facts_after``) and the attackers' knowledge.
``check``'s rewrite search (``hoverify.properties.downgrade``) builds the runs with a rewrite
that its finished run lacks.

State. ``Engine.state`` is ``(facts, claim states)``, immutable: ``verify`` keeps it per
queued state and restores it (``Engine.restore``) instead of pickling a monitor, and
``Engine.key()`` is the part of it that future verdicts read (its fingerprint).
"""

from __future__ import annotations

import dataclasses
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Sequence, Set
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

from hoverify.properties.adversary import BACKHAUL, DEFAULT, NETWORK, UNPROTECTED, Adversary
from hoverify.properties.arrivals import Trail, holds_lines
from hoverify.properties.graph import byte_values, public_argument
from hoverify.properties.hop_list import hop_list
from hoverify.properties.labels import (
    NH,
    Pairing,
    derivation_line,
    hop_free,
    nh_labels,
    nh_pairs,
    paired,
)
from hoverify.properties.values import Chained, Shared, Values, grown, parts
from hoverify.statemachines.derivation import Derivation
from hoverify.statemachines.enb import PATH_SWITCH_PENDING
from hoverify.statemachines.messages import Kind, Message
from hoverify.statemachines.record import record, replace
from hoverify.statemachines.system import UE, Step
from hoverify.statemachines.topology import HopType, Topology
from hoverify.statemachines.variant import KeySchedule, Promise

FAULTS = frozenset({"drop", "duplicate", "replay", "refuse", "rewrite", "inject"})
# What a handover a compromised eNB edited does without the edit (``Facts.unedited``): the
# situation in which check's edit search (``hoverify.properties.downgrade.judged``) judges
# that eNB's edits of it. Denial and capture are judged where it completes, downgrade only
# where it completes on a KeNB out of the editor's reach (else the honest KeNB is the
# editor's anyway: forward security, not a downgrade).
NEVER_COMPLETES, DERIVABLE, OUT_OF_REACH = "never completes", "derivable", "out of reach"
# ... or it completes at the editor itself, the target (intra-eNB, TS 33.401 7.2.8.4.1, or
# a compromised target): no honest target to deceive; judged by none of them, as check's edit
# search judges only a source's edits, and no intra-eNB hop
AT_THE_EDITOR = "completes at the editor"


@record
class Unedited:
    """What handover ``hop`` did in the run without ``enb``'s first edit of it
    (``Facts.without_edit``): ``without``, one of the ends above; ``judged``, whom
    downgrade-resistance judges the edit against, (attacker, whether it derives the honest
    KeNB); ``deriving``, each attacker holding ``enb`` that derives the honest KeNB there,
    with how (its witness in that run): it needed no edit to serve the UE as the target cell
    (fake-cell-capture; helper-173: with a self-defeating edit the claim held)."""

    hop: int
    enb: str
    without: str
    judged: frozenset[tuple[str, bool]] = frozenset()
    deriving: tuple[tuple[str, tuple[str, ...]], ...] = ()


@record
class Derived:
    """One derivation as made (first) in hop ``hop``: its own name and purpose, its secret
    inputs (``needs``) and its output."""

    derivation: Derivation
    hop: int
    needs: frozenset[bytes]

    @property
    def output(self) -> bytes:
        return self.derivation.output

    @property
    def name(self) -> str:
        return self.derivation.output_name


@record
class Completion:
    """The KeNB in use after the ``number``-th completed handover (0: initial AS security), at
    ``enb``. The security claims count KeNBs by completion (the distance of n-hop forward
    security: a handover that never completed changed no key); ``handover`` is which
    handover started it (``Step.hop``), which differs once one never completed, and names it
    in a verdict ("KeNB[hop n]", ``Facts.hop_of``), as the run table and the key graph do."""

    number: int
    kenb: bytes
    enb: str
    cell: str
    hop_type: HopType | None  # None for the initial KeNB
    handover: int = 0


@record
class Knowledge:
    """An attacker: the entities it holds since hop ``hop``, what they held or saw (``held``)
    and everything derivable from it (``known``). An entity is a party (an eNB, the UE, an
    MME) or a revealed key, by the name its derivations give it (KASME, K_HO); the attacker
    named ``NETWORK`` holds no entity: it reads the keys an active backhaul carries.

    The public values every attacker holds (``Facts.public``: PCI, EARFCN-DL, C-RNTI, FC...)
    are not repeated in each, but for those that are also a secret input or output of some
    derivation (``Facts.values``): only they can make a derivation fire, and copying a value
    per hop (a C-RNTI) into every attacker made ``check`` grow as the cube of the hops."""

    name: str
    entities: frozenset[str]
    hop: int  # the hop under way when it first compromised an entity (``compromise_hop``)
    # the KeNBs completed then (the initial one included): completion ``completed`` is the
    # first in use after the compromise; ``hop`` counts handovers, and one never completed
    # (refused, failed) makes them differ
    completed: int
    held: Set[bytes]  # a frozenset, ``Values`` once it grew, ``Chained`` in a finished run
    known: Set[bytes]


@record
class Session:
    """One party's view of a handover, what the authentication claims compare: the target
    cell, the C-RNTI the target allocated, the KeNB in use at the target and its NCC
    (TS 33.401 7.2.8.4; None for a variant without NCC)."""

    cell: str
    c_rnti: int
    kenb: bytes
    ncc: int | None


@record
class Decision:
    """The source eNB decided a handover (accepted a measurement report) in hop ``hop``:
    the target cell and the security fields it sent (X2AP HandoverRequest: KeNB*, NCC; S1AP
    HandoverRequired: the variant's; intra-eNB: none, it prepares the target itself)."""

    hop: int
    source: str
    cell: str
    security: Any


@record
class Sent:
    """A HandoverRequest its honest sender put on the backhaul (X2AP from the source eNB,
    S1AP from the MME with {NH, NCC}): how many times, and how many times a target accepted
    it (injective agreement: never more often than sent)."""

    message: Message
    times: int = 1
    accepted: int = 0


@record
class Preparation:
    """A target eNB set up a UE context in hop ``hop`` (its ``session``), from ``request``
    (None: intra-eNB, its own decision), after ``ue_runs`` runs of the UE."""

    enb: str
    hop: int
    session: Session
    request: Message | None
    ue_runs: int


@record
class UeRun:
    """The UE accepted a HO command: its ``number``-th handover (in hop ``hop``), its
    ``session``, and the HO confirm it sent."""

    number: int
    hop: int
    session: Session
    confirm: Message


REQUESTS = (Kind.X2AP_HANDOVER_REQUEST, Kind.S1AP_HANDOVER_REQUEST)


@record
class Authentication:
    """Who decided, sent and accepted what: the facts of the authentication claims."""

    decisions: frozenset[Decision] = frozenset()
    requests: frozenset[Sent] = frozenset()
    preparations: frozenset[Preparation] = frozenset()
    ue_runs: frozenset[UeRun] = frozenset()
    confirmed: frozenset[tuple[str, int]] = frozenset()  # (target eNB, UE run) it accepted

    def key(self) -> tuple[Any, ...]:
        """What the claims' future verdicts read of the five above (``verify`` fingerprints
        it): not the hops of the records (only a witness names them), though the messages
        keep theirs (``Message.handover``: a copy is matched by equality), nor which source
        decided (only the target cell is read), nor the acceptances
        beyond the credit left (sent minus accepted)."""
        return (
            frozenset(d.cell for d in self.decisions),
            frozenset((r.message, r.times - r.accepted) for r in self.requests),
            frozenset((p.enb, p.session, p.request, p.ue_runs) for p in self.preparations),
            frozenset((r.number, r.session, r.confirm) for r in self.ue_runs),
            self.confirmed)

    def ue_run(self, confirm: Message) -> UeRun | None:
        """The UE's run that sent the HO confirm ``confirm``, if any."""
        return _indexed(_by_confirm, self.ue_runs).get(confirm)

    def last_run(self) -> UeRun:
        """The UE's latest run (its runs are numbered 1, 2, ... as it accepts HO commands)."""
        return _indexed(_by_number, self.ue_runs)[len(self.ue_runs)]

    def prepared(self, session: Session) -> tuple[Preparation, ...]:
        """The preparations of ``session`` (by any target eNB), in the order made."""
        return _indexed(_by_session, self.preparations).get(session, ())

    def prepared_in(self, hop: int) -> tuple[Preparation, ...]:
        """The preparations of handover ``hop`` (by any target eNB)."""
        return _indexed(_by_hop, self.preparations).get(hop, ())

    def prepared_at(self, enb: str) -> tuple[Preparation, ...]:
        """The preparations of ``enb`` by a HandoverRequest (not its own intra-eNB ones)."""
        return _indexed(_by_enb, self.preparations).get(enb, ())

    def request(self, message: Message) -> Sent | None:
        """``message`` as its honest sender sent it, if it did."""
        return _indexed(_by_request, self.requests).get(message)

    def copied(self, message: Message | None) -> bool:
        """A target accepted ``message``, a HandoverRequest, more often than its sender sent
        it: the network (the adversary) copied it on the backhaul."""
        sent = self.request(message) if message is not None else None
        return sent is not None and sent.accepted > sent.times

    def any_copied(self) -> Message | None:
        """A HandoverRequest the backhaul delivered more often than it was sent, if any."""
        copied = [r.message for r in self.requests if r.accepted > r.times]
        return min(copied, key=str) if copied else None


@record
class Facts:
    # in the order made; the sets below follow from them (``_sets``), computed for the facts
    # at hand and never stored: a search keeps the facts of every queued state, and three
    # frozensets copied whole on each new derivation were a third of their size
    derivations: tuple[Derived, ...] = ()
    completions: tuple[Completion, ...] = ()
    attackers: tuple[Knowledge, ...] = ()
    early: frozenset[int] = frozenset()  # completions decided before a Path Switch Ack
    deciding: frozenset[tuple[str, bool]] = frozenset()  # eNB -> its last decision early
    undisturbed: bool = True  # no fault (drop, duplicate, replay, inject, refuse, rewrite) so far
    # each eNB that edited a message of a handover, with what the handover did in the run
    # without the edit (``without_edit`` of ``Engine.facts_after``)
    unedited: frozenset[Unedited] = frozenset()
    hop: int = 0  # the last handover started
    # a step left nothing in flight (``ENDED``) since the last handover began: every handover
    # begun has ended
    settled: bool = True
    # every handover so far began once every earlier one had ended (``settled`` at its first
    # step): one at a time, as ``check`` runs hops but ``:early``
    sequential: bool = True
    ue: Any = None  # the UE's key record after its last step
    nds_ip: bool = True  # S1, X2 and S10 under NDS/IP (the attacker model; constant in a run)
    injected: bool = False  # the attacker injected a message (forged with the keys it holds)
    # a message on S1, X2 or S10 replayed, duplicated or injected: what NDS/IP rules out
    beyond_nds_ip: bool = False
    authentication: Authentication = field(default_factory=lambda: Authentication())
    # per attacker that holds eNBs and more (a revealed key, the UE, an MME; only ``check``'s
    # ``--compromise`` makes one), by its name, its eNBs alone, named as ``check`` names
    # them (``Attacker.enbs_alone``: "radio observer + enb-1@1 (without KASME)"): their
    # entities, the hop of their first compromise and what they held or saw; what they know
    # is found when asked (``enbs_alone``): a promise made against compromised eNBs is
    # broken by what they derive without the rest
    alone: tuple[tuple[str, Knowledge], ...] = ()
    # per eNB, what the HandoverRequest that prepared it as a target taught it, or a message
    # while it served the UE: (eNB, completion number of a KeNB another eNB used (while it
    # serves: after the eNB first served), the handover the message belongs to, its kind)
    # for each such KeNB it derives from the step (the message, what it read, its record
    # after) and not from its record before (a preparation's replaces it), in the order learnt
    # (``Engine._enb_learnt``; backward security reads it)
    enb_learnt: tuple[tuple[str, int, int, Kind], ...] = ()
    # the {NH, NCC} pairs each step received, read, kept or sent, with their hop, in the
    # order paired: only the labels of NHs read them (``hoverify.properties.labels``); a
    # search records none (``Engine.witnessing``)
    nh_pairings: tuple[Pairing, ...] = ()
    # the steps so far, the last first: only a witness reads them, to say where the attacker
    # got what it holds (``origin``); a search records none (``Engine.witnessing``). How the
    # facts came about, not what they are: two runs to equal facts are equal
    trail: Trail | None = field(default=None, compare=False, repr=False)
    # each party an attacker took, with the hop it took it from, in the order taken: a
    # coalition's members are counted each from its own compromise (``origin``); how the
    # facts came about too, so not compared. ``Knowledge.hop`` is another thing: the hop of
    # the attacker's first compromise alone (of a party, or of a key, which this omits), the
    # hop the claims judge it from
    joined: tuple[tuple[str, str, int], ...] = field(default=(), compare=False, repr=False)

    # -- reading ---------------------------------------------------------------------------
    @property
    def recorded(self) -> Set[Derivation]:
        """Every derivation made, as a set."""
        return _indexed(_sets, self.derivations, grows=True)["recorded"]

    @property
    def values(self) -> Set[bytes]:
        """Every secret input and output of a derivation."""
        return _indexed(_sets, self.derivations, grows=True)["values"]

    @property
    def public(self) -> Set[bytes]:
        """Every public input of a derivation (the radio observer's)."""
        return _indexed(_sets, self.derivations, grows=True)["public"]

    def attacker(self, name: str) -> Knowledge | None:
        return _attacker(self.attackers, name)

    def place(self, name: str) -> int | None:
        """The place of the attacker named ``name`` in ``attackers`` (None: none)."""
        return _indexed(_places, self.attackers, grows=True).get(name)

    def chains(self, entity: str) -> tuple[tuple[int, ...], ...]:
        """The places of the attackers holding ``entity``, in chains: those that read one
        chain record (``Shared``, a finished run's: ``Chained.place``), in order, each
        knowing no more than the one before it; any other attacker in a chain of its own. A
        claim asks a chain how many of its first attackers know a value (``knowing``), not
        each attacker."""
        return tuple(places for _, places in _indexed(_chains, self.attackers,
                                                      grows=True).get(entity, ()))

    def holding(self, entities: Iterable[str]) -> list[Knowledge]:
        """The attackers holding one of ``entities``, in order (by ``chains``: a pass over
        every attacker per handover grew with the run)."""
        places = {n for entity in entities for chain in self.chains(entity) for n in chain}
        return [self.attackers[n] for n in sorted(places)]

    def enbs_alone(self, name: str) -> Knowledge | None:
        """The eNBs of the attacker ``name`` without the rest of what it holds, knowing all
        their holdings give them (None: it holds eNBs only, or none)."""
        alone = next((e for whole, e in self.alone if whole == name), None)
        if alone is None:
            return None
        key = (id(alone), id(self.derivations))
        cached = _ALONE.get(key)
        if cached is None or cached[0] is not alone or cached[1] is not self.derivations:
            consumers = Consumers()
            by_need = consumers.of(self.derivations)
            known = grow(frozenset(), alone.held | _everyone(self), consumers.needless, 0,
                         by_need)
            cached = _ALONE[key] = (alone, self.derivations, replace(alone, known=known))
            if len(_ALONE) > 8:
                _ALONE.pop(next(iter(_ALONE)))
        return cached[2]

    @property
    def rewritten(self) -> frozenset[tuple[int, str]]:
        """(hop, eNB) that edited a message of that handover."""
        return frozenset((u.hop, u.enb) for u in self.unedited)

    def without_edit(self, hop: int, enb: str) -> Unedited:
        """What handover ``hop`` did in these facts, which an edit of it by ``enb`` is judged
        against: it never completed; it completed at ``enb`` itself; on a KeNB that an
        attacker holding ``enb`` derives (each such one, with its ``witness``); or on one out
        of the reach of all. And whom downgrade-resistance judges the edit against,
        (attacker, its eNBs alone): each attacker holding ``enb`` that does not derive that
        KeNB, and where one does only through what it holds beside eNBs (a revealed key, the
        UE, an MME), its eNBs alone (``enbs_alone``) if they do not: the promise is made
        against a compromised source eNB (TS 33.401 7.2.8), as ``check``'s edit search judges
        it (``downgrade.with_enbs_alone``)."""
        done = [c for c in self.completions if c.handover == hop]
        if not done:
            return Unedited(hop, enb, NEVER_COMPLETES)
        if done[-1].enb == enb:
            return Unedited(hop, enb, AT_THE_EDITOR)
        kenb = done[-1].kenb
        editors = [a for a in self.attackers if enb in a.entities]
        judged = frozenset((a.name, kenb in a.known) for a in editors if kenb not in a.known
                           or kenb not in (self.enbs_alone(a.name) or a).known)
        deriving = tuple((a.name, tuple(self.witness(a, kenb))) for a in editors
                         if kenb in a.known)
        return Unedited(hop, enb, DERIVABLE if deriving else OUT_OF_REACH, judged, deriving)

    def judged_as(self, hop: int, name: str) -> Knowledge | None:
        """Whom downgrade-resistance judges an edit of handover ``hop`` against for the
        attacker ``name`` (``without_edit``, on the editor's first edit of it): that attacker,
        where it does not derive the honest KeNB; its eNBs alone (``enbs_alone``), where it
        derives it only through what it holds beside them; None where neither (it edited
        nothing there, or its eNBs alone derive it too: not a downgrade). The one answer for
        the claim's failures (``EditClaim.derivers``) and the name of its holding
        verdict on a hop ``check``'s hops edit (``evaluate._judged``)."""
        judged = {pair for u in self.unedited if u.hop == hop for pair in u.judged}
        alone = self.enbs_alone(name) if (name, True) in judged else None
        if alone is not None:
            return alone
        return self.attacker(name) if (name, False) in judged else None

    def made(self, value: bytes) -> list[Derived]:
        """Every derivation that gave ``value``, each under its own name."""
        return _indexed(_by_output, self.derivations, grows=True).get(value, [])

    def hop_of(self, number: int) -> int:
        """The handover of completion ``number``: the hop a verdict names its KeNB by
        ("KeNB[hop n]", "the KeNB of hop n"), as the run table and the key graph number hops.
        The claims count completions (a handover that never completed has no KeNB); the two
        differ once one never completed (refused, dropped, failed)."""
        return self.completions[number].handover

    def hops_of(self, numbers: Iterable[int]) -> list[int]:
        """``hop_of`` of each of ``numbers``."""
        completions = self.completions
        return [completions[n].handover for n in numbers]

    def hop_list(self, numbers: Iterable[int]) -> str:
        """The KeNBs of the completions ``numbers`` as ``hop_list`` writes hops, each by its
        handover (``hop_of``)."""
        return hop_list(self.hops_of(numbers))

    def label(self, value: bytes) -> str:
        """A key by what it is: the KeNB of a hop, NH with its NCC, else the names of the
        derivations that gave it (with the hop they were first made in)."""
        number = _indexed(_by_kenb, self.completions, grows=True).get(value)
        if number is not None:
            return f"KeNB[hop {self.hop_of(number)}]"
        made = self.made(value)
        if not made:
            return next((i.name for d in self.derivations for i in d.derivation.inputs
                         if i.value == value), value.hex()[:8])
        return " = ".join(dict.fromkeys(self.name_of(d) for d in made))

    def name_of(self, derived: Derived) -> str:
        """What ``derived`` made, by its own name (a KeNB by its hop, an NH by its NCC)."""
        number = _indexed(_by_kenb, self.completions, grows=True).get(derived.output)
        if number is not None:
            return f"KeNB[hop {self.hop_of(number)}]"
        if derived.name == NH:
            return self._nh_labels()[derived.output]
        if self._hop_less(derived):
            return derived.name
        return f"{derived.name}[hop {derived.hop}]"

    def _hop_less(self, derived: Derived) -> bool:
        """Whether ``derived`` makes a key named with no hop: KASME's (hop 0), the NAS keys,
        K_HO (one value whatever the hop)."""
        return derived.hop == 0 or _indexed(_hop_free, self.derivations, grows=True)[derived.output]

    def _nh_labels(self) -> dict[bytes, str]:
        """Each NH's label (``labels.nh_labels``), made once for these derivations and
        pairings."""
        if _NH_LABELS[0] is not self.derivations or _NH_LABELS[1] is not self.nh_pairings:
            nhs: dict[bytes, int] = {}
            for d in self.derivations:
                if d.name == NH:
                    nhs.setdefault(d.output, d.hop)
            _NH_LABELS[:] = [self.derivations, self.nh_pairings,
                             nh_labels(list(nhs.items()), self.nh_pairings)]
        labels: dict[bytes, str] = _NH_LABELS[2]
        return labels

    def completed_in(self, hop: int) -> tuple[Completion, ...]:
        """The completions of handover ``hop``, in order."""
        return _indexed(_by_handover, self.completions, grows=True).get(hop, ())

    def using(self, kenb: bytes) -> tuple[int, ...]:
        """The numbers of the completions that used ``kenb``, in order."""
        return _indexed(_all_by_kenb, self.completions, grows=True).get(kenb, ())

    def kenbs(self) -> Set[bytes]:
        """Every KeNB a completion used (those ``using`` knows), the initial one included."""
        return _indexed(_all_by_kenb, self.completions, grows=True).keys()

    def first_at(self, entities: frozenset[str]) -> int | None:
        """The first completion at one of ``entities`` (None: none)."""
        first = _indexed(_first_at, self.completions, grows=True)
        return min((first[e] for e in entities if e in first), default=None)

    def served(self, attacker: Knowledge) -> bool:
        """Whether an eNB ``attacker`` holds served the UE (a completion at it): the source
        or the target of a handover, which the security claims speak of (TS 33.401 7.2.8.1).
        An eNB that never served may still break them (one that read a request it refused:
        docs/commands.md), but a verdict that it does not says less."""
        return self.first_at(attacker.entities) is not None

    def serving_attackers(self) -> list[Knowledge]:
        """The attackers holding an eNB that served the UE (``served``)."""
        return [a for a in self.attackers if self.served(a)]

    def last_at(self, entities: frozenset[str], before: int) -> int | None:
        """The last completion before number ``before`` at one of ``entities`` (None:
        none)."""
        at = _indexed(_all_at, self.completions, grows=True)
        found = [numbers[i - 1] for numbers in (at.get(e, ()) for e in entities)
                 if (i := bisect_left(numbers, before))]
        return max(found, default=None)

    def ancestry(self, value: bytes) -> list[Derived]:
        """Every derivation on the way to ``value``, in the order they were made."""
        made = _indexed(_positions, self.derivations, grows=True)
        return sorted(self.derivations_to(value), key=lambda d: made[id(d)])

    def roots(self, value: bytes) -> frozenset[str]:
        """The names of the secret inputs on the way to ``value`` that no derivation made
        (KASME): each value's found once from its inputs' (``_root_names``), where a walk
        over its whole ancestry per hop grew with the run."""
        found = _indexed(_root_names, self.derivations, grows=True)
        pending = [value]
        while pending:
            current = pending[-1]
            if current in found:
                pending.pop()
                continue
            inputs = [i for d in self.made(current) for i in d.derivation.inputs
                      if not i.public]
            made = [i for i in inputs if self.made(i.value)]
            unfound = [i.value for i in made if i.value not in found]
            if unfound:  # its inputs' first
                pending.extend(unfound)
                continue
            found[pending.pop()] = frozenset(i.name for i in inputs if i not in made).union(
                *(found[i.value] for i in made))
        roots: frozenset[str] = found[value]
        return roots

    def derivations_to(self, value: bytes, since: Container[bytes] = ()) -> Iterator[Derived]:
        """Every derivation on the way to ``value``, each once, from ``value`` back (a reader
        that finds what it looks for stops early); from the values ``since`` on: not back
        through one of them."""
        made = _indexed(_by_output, self.derivations, grows=True)  # ``made``, looked up once
        seen: set[int] = set()
        frontier = [value]
        while frontier:
            current = frontier.pop()
            for d in made.get(current, ()):
                if id(d) not in seen:
                    seen.add(id(d))
                    yield d
                    frontier.extend(i.value for i in d.derivation.inputs
                                    if not i.public and i.value not in since)

    def ancestry_lines(self, value: bytes) -> list[str]:
        """``ancestry`` as witness lines; a derivation that two parties made alike (UE and
        eNB) is one line."""
        return list(dict.fromkeys(self.line(d) for d in self.ancestry(value)))

    def line(self, derived: Derived) -> str:
        """``derived`` as a witness line, formatted once for the same derivations and
        completions (its names read only those): a KeNB's ancestry is every hop's before
        it in a variant that chains them, and a summary names each hop's."""
        if (_LINES[0] is not self.derivations or _LINES[1] is not self.completions
                or _LINES[2] is not self.nh_pairings):
            _LINES[:] = [self.derivations, self.completions, self.nh_pairings, {}]
        lines: dict[int, tuple[Derived, str]] = _LINES[3]
        made = lines.get(id(derived))
        if made is not None and made[0] is derived:
            return made[1]
        args = ", ".join(self._argument(i.name, i.value, i.public)
                         for i in derived.derivation.inputs)
        text = derivation_line(self.name_of(derived), derived.name, args,
                               derived.derivation.clause)
        lines[id(derived)] = (derived, text)
        return text

    def _argument(self, name: str, value: bytes, public: bool) -> str:
        return public_argument(name, value) if public else self.label(value)

    def witness(self, attacker: Knowledge, value: bytes) -> list[str]:
        """How ``attacker`` gets ``value``: what it holds, then each derivation in order. A
        value it holds that it also derives from other values it knows is shown derived, the
        key and each input alike: an eNB holds the KeNB* it computed as the source, and the
        derivation is the path a reviewer asks for (review19: "holds KeNB[hop 1]" alone
        showed none; fix38: a source eNB deriving an S1 KeNB* itself, with no fresh NH
        (TS 33.401 7.2.8.4.3), showed "holds KeNB[hop 1]" as an input). So the roots are
        what it holds and derives from nothing else it knows: what it was given, its own
        serving KeNB. Walked with an explicit stack: a run of hundreds of hops chains its
        keys deeper than Python's recursion limit."""
        steps: list[Derived] = []
        held: set[bytes] = set()
        done: set[bytes] = set()  # held, or derived in ``steps``
        deriving: set[bytes] = set()  # on the stack: a derivation needing one is a cycle

        def enter(wanted: bytes) -> tuple[Derived, Iterator[bytes]] | None:
            """The derivation ``wanted`` is shown by, with its inputs to show first (None:
            it is held, or shown already)."""
            if wanted in done:
                return None
            for d in self.made(wanted):
                if d.needs <= attacker.known and not d.needs & (deriving | {wanted}):
                    deriving.add(wanted)
                    return d, iter(sorted(d.needs))
            done.add(wanted)
            if wanted in attacker.held:  # derived from nothing else it knows
                held.add(wanted)
            return None

        first = enter(value)
        stack = [first] if first is not None else []
        while stack:
            derived, needs = stack[-1]
            need = next(needs, None)
            if need is None:  # every input shown: then the derivation
                stack.pop()
                deriving.discard(derived.output)
                done.add(derived.output)
                steps.append(derived)
            else:
                frame = enter(need)
                if frame is not None:
                    stack.append(frame)
        holds: list[str] = []
        for v in sorted(held, key=self.label):
            holds += self.held_lines(attacker, v)
        return holds + [self.line(d) for d in steps]

    def held_lines(self, attacker: Knowledge, value: bytes) -> list[str]:
        """The witness's lines for ``value``, which ``attacker`` holds (``arrivals.holds_lines``):
        where it got it, each of its parties counted from its own first compromise
        (``joined``; a coalition's later member had keys before it was taken: helper-185),
        then where the party that first derived it derived it again in a later hop (not for
        a key that is one value whatever the hop, KASME's, K_HO: ``name_of``). Where the
        facts keep no trail (a search's states: ``Engine.witnessing``), "holds" alone."""
        had = self.trail.arrivals(value, not self.nds_ip) if self.trail is not None else []
        made = self.made(value)
        # its own name, or the whole attacker's whose eNBs alone it is (``alone``)
        names = {attacker.name, *(whole for whole, e in self.alone if e.name == attacker.name)}
        since: dict[str, int] = {}
        for name, entity, hop in self.joined:
            if name in names and entity in attacker.entities:
                since.setdefault(entity, hop)
        if attacker.name == NETWORK:
            since[NETWORK] = 0
        return holds_lines(self.label(value), had, since,
                           had if made and not self._hop_less(made[0]) else [])

    def cut(self, attacker: Knowledge, value: bytes, depth: int = 3) -> list[str]:
        """The secret values ``attacker`` lacks on every way to ``value``."""
        lacking: list[bytes] = []
        frontier = [value]
        for _ in range(depth):
            following = []
            for current in frontier:
                for d in self.made(current):
                    for need in sorted(d.needs):
                        if need not in attacker.known and need not in lacking:
                            lacking.append(need)
                            following.append(need)
            frontier = following
        if not lacking:
            return [f"{self.label(value)} is derived from nothing the attacker lacks"]
        return [f"lacks {self.label(v)}" for v in lacking]


Index = dict[Any, Any]
# ``_indexed``: per index, the last few tuples or sets it was made for (by id), with it
_INDEX: defaultdict[Callable[..., Index], dict[int, tuple[Any, Index]]] = defaultdict(dict)
KEPT = 8  # per index: kept for all indexes together, the ones made at every step of a
# ``check`` (the derivations', the attackers') pushed out those made once a hop (the
# preparations', the UE's runs'), which the next hop then made again from the whole run
_LAST: dict[Callable[..., Index], tuple[tuple[Any, ...], Index]] = {}
# ``Facts.line``: for these derivations, completions and NH pairings
_LINES: list[Any] = [None, None, None, {}]
_NH_LABELS: list[Any] = [None, None, {}]  # ``Facts._nh_labels``: for these and these pairings
_ALONE: dict[tuple[int, int], tuple[Knowledge, tuple[Derived, ...], Knowledge]] = {}
_WALKED: dict[int, tuple[Any, frozenset[bytes]]] = {}  # ``_byte_set``'s, by the object's id


def decided_early(step: Step) -> bool | None:
    """Whether the serving eNB decided a handover at ``step`` (it accepted the UE's
    Measurement Report) before the Path Switch Request Acknowledge of the X2 handover that
    brought the UE arrived (TS 33.401 7.2.8.4.2: it then has no fresh {NH, NCC} for it);
    None where ``step`` decides no handover. ``check`` lines call such a hop ``:early``."""
    if step.message.kind is not Kind.RRC_MEASUREMENT_REPORT or not step.outcome.accepted:
        return None
    return step.state_before == PATH_SWITCH_PENDING


def _sending(requests: frozenset[Sent], messages: Sequence[Message]) -> frozenset[Sent]:
    """``requests`` with ``messages`` sent once more each. The sets are copied with the
    hashes they keep, and the index by message with them (``_indexed``): hashing every
    request again, a message's fields deep, grew as the square of the hops."""
    index = _indexed(_by_request, requests)
    counts: dict[Message, Sent] = {}
    for m in messages:
        known = counts.get(m) or index.get(m)
        counts[m] = Sent(m) if known is None else replace(known, times=known.times + 1)
    return _replacing(requests, index, counts)


def _accepting(requests: frozenset[Sent], message: Message) -> frozenset[Sent]:
    """``requests`` with one more acceptance of ``message`` (if its sender sent it)."""
    index = _indexed(_by_request, requests)
    sent = index.get(message)
    if sent is None:
        return requests
    return _replacing(requests, index, {message: replace(sent, accepted=sent.accepted + 1)})


def _replacing(requests: frozenset[Sent], index: Index,
               new: dict[Message, Sent]) -> frozenset[Sent]:
    """``requests`` with ``new`` in place of those of the same messages; its index
    (``_by_request``) is ``index`` updated, kept for ``_indexed``."""
    result = requests.difference([index[m] for m in new if m in index]).union(new.values())
    _keep(_by_request, result, {**index, **new})
    return result


def _step_nh_pairs(step: Step) -> tuple[tuple[bytes, int], ...]:
    """The {NH, NCC} pairs of what ``step`` received, read, kept and sent
    (``labels.nh_pairs``)."""
    return tuple(dict.fromkeys(nh_pairs((step.message.fields, step.outcome.read,
                                         step.ctx_after,
                                         tuple(m.fields for m in step.outcome.sent)))))


def _indexed(add: Callable[[Index, Any], Index], items: tuple[Any, ...] | frozenset[Any],
             grows: bool = False) -> Index:
    """``add({}, items)``, kept for the last few tuples asked about: a witness asks many
    times about the same facts, and every claim looks up the same attackers and keys. A tuple
    that only ``grows`` (the facts' derivations and completions, which are only appended to)
    is indexed from a copy of the index of the last one it extends."""
    cached = _INDEX[add].get(id(items))
    if cached is not None and cached[0] is items:
        return cached[1]
    last = _LAST.get(add) if grows else None
    if last is not None and last[0] and len(items) >= len(last[0]) \
            and items[len(last[0]) - 1] is last[0][-1]:
        index = add(dict(last[1]), items[len(last[0]):])
    else:
        index = add({}, items)
    if grows:
        _LAST[add] = (items, index)
    _keep(add, items, index)
    return index


def _keep(add: Callable[[Index, Any], Index], items: tuple[Any, ...] | frozenset[Any],
          index: Index) -> None:
    """``index`` as ``_indexed(add, items)``: made by it, or from the index of the set
    ``items`` was made from (a dictionary copied keeps its keys' hashes)."""
    kept = _INDEX[add]
    if len(kept) >= KEPT:
        kept.pop(next(iter(kept)))
    kept[id(items)] = (items, index)


def _frozen(values: Set[bytes]) -> frozenset[bytes]:
    """``values`` as a plain frozenset (``verify``'s fingerprint serializes those)."""
    return values.frozen() if isinstance(values, Values) else frozenset(values)


def _everyone(f: Facts) -> frozenset[bytes]:
    """What every attacker holds (``Knowledge``): the public values that are also a secret
    input or output of a derivation."""
    return _frozen(f.public) & _frozen(f.values)


def _revealing(f: Facts, attacker: str, key: str, hop: int) -> Facts:
    """``f`` with ``attacker`` knowing every value of the key named ``key``."""
    current = f.attacker(attacker) or Knowledge(attacker, frozenset(), hop,
                                                len(f.completions), _everyone(f), frozenset())
    held = current.held | _named(f.derivations, {key})
    current = replace(current, entities=current.entities | {key}, held=held,
                      known=closure(held | current.known, f.derivations))
    others = tuple(a for a in f.attackers if a.name != attacker)
    return replace(f, attackers=(*others, current))


def _byte_set(obj: Any) -> frozenset[bytes]:
    """``byte_values(obj)`` as a set, remembered for the last objects asked about (by
    identity, each kept alive while remembered): a search delivers the same message, makes
    the same key record and compromises the same one from many states (``System.remember``
    hands the same objects out again), and walking them was a tenth of the claim engine."""
    made = _WALKED.get(id(obj))
    if made is None or made[0] is not obj:
        made = (obj, frozenset(byte_values(obj)))
        _remember(_WALKED, id(obj), made, _WALKS)
    return made[1]


def _shown(step: Step, values: Set[bytes]) -> frozenset[bytes]:
    """What the receiver of ``step`` saw: the secret values of the message, of what it read,
    of its record after the step and of its derivations."""
    derived = frozenset(v for d in step.outcome.derivations
                        for v in (d.output, *(i.value for i in d.inputs)) if v in values)
    return (_byte_set(step.message.fields) & values | _byte_set(step.outcome.read) & values
            | _byte_set(step.ctx_after) & values | derived)


def _named(derivations: Iterable[Derived], names: Iterable[str]) -> frozenset[bytes]:
    """Every secret value the derivations give one of ``names``, as output or input."""
    wanted = set(names)
    return frozenset(v for d in derivations for v in (
        *((d.output,) if d.name in wanted else ()),
        *(i.value for i in d.derivation.inputs if i.name in wanted and not i.public)))


def _sets(index: Index, derivations: tuple[Derived, ...]) -> Index:
    """``Facts.recorded``, ``values`` and ``public``, with ``derivations`` added (new sets:
    the index copied from may still be read; a large one shares the one it grew from,
    ``values.grown``: copied whole, each step of a long run copied all made so far)."""
    empty: frozenset[Any] = frozenset()
    index["recorded"] = grown(index.get("recorded", empty), {d.derivation for d in derivations})
    index["values"] = grown(index.get("values", empty), {v for d in derivations
                                                         for v in (d.output, *d.needs)})
    index["public"] = grown(index.get("public", empty), {
        i.value for d in derivations for i in d.derivation.inputs if i.public})
    return index


def _by_output(index: Index, derivations: tuple[Derived, ...]) -> Index:
    for d in derivations:  # a new list: the index copied from may still be read
        index[d.output] = [*index.get(d.output, ()), d]
    return index


def _root_names(index: Index, derivations: tuple[Derived, ...]) -> Index:
    """``Facts.roots`` of the values asked about, and under None every secret value of
    ``derivations``. Kept as they grow while each new derivation makes a new value: one that
    makes a value again (another way) may change the roots of every value after it."""
    values = index.get(None, frozenset())
    if any(d.output in values for d in derivations):
        index = {}
    index[None] = grown(values, {v for d in derivations for v in (d.output, *d.needs)})
    return index


def _hop_free(index: Index, derivations: tuple[Derived, ...]) -> Index:
    """Whether each value's first derivation makes one value whatever the hop
    (``labels.hop_free``)."""
    for d in derivations:
        if d.output not in index:
            index[d.output] = hop_free(((i.name, i.public, i.value)
                                        for i in d.derivation.inputs), index.get)
    return index


def _positions(index: Index, derivations: tuple[Derived, ...]) -> Index:
    start = len(index)
    index.update((id(d), start + n) for n, d in enumerate(derivations))
    return index


def _by_kenb(index: Index, completions: tuple[Completion, ...]) -> Index:
    """The first completion that used each KeNB."""
    for c in completions:
        index.setdefault(c.kenb, c.number)
    return index


def _by_handover(index: Index, completions: tuple[Completion, ...]) -> Index:
    """The completions of each handover (``Facts.completed_in``)."""
    for c in completions:
        index[c.handover] = (*index.get(c.handover, ()), c)
    return index


def _all_by_kenb(index: Index, completions: tuple[Completion, ...]) -> Index:
    """Every completion that used each KeNB."""
    for c in completions:
        index[c.kenb] = (*index.get(c.kenb, ()), c.number)
    return index


def _by_request(index: Index, requests: frozenset[Sent]) -> Index:
    """The requests by message (one each: ``_sending`` counts a message again)."""
    index.update({r.message: r for r in requests})
    return index


def _by_session(index: Index, preparations: Iterable[Preparation]) -> Index:
    """The preparations by session (``Authentication.prepared``)."""
    for p in sorted(preparations, key=lambda p: p.hop):
        index[p.session] = (*index.get(p.session, ()), p)
    return index


def _by_hop(index: Index, preparations: Iterable[Preparation]) -> Index:
    """The preparations by handover (``Authentication.prepared_in``)."""
    for p in preparations:
        index[p.hop] = (*index.get(p.hop, ()), p)
    return index


def _by_enb(index: Index, preparations: Iterable[Preparation]) -> Index:
    """The preparations by a HandoverRequest, by target eNB (``Authentication.prepared_at``)."""
    for p in preparations:
        if p.request is not None:
            index[p.enb] = (*index.get(p.enb, ()), p)
    return index


def _preparing(preparations: frozenset[Preparation],
               made: Preparation) -> frozenset[Preparation]:
    """``preparations`` with ``made``, its indexes by session and by eNB made from theirs (a
    claim asks for a session's at every HO confirm, backward security for an eNB's at every
    preparation: made again, each was a pass over every hop's)."""
    result = preparations | {made}
    if len(result) > len(preparations):
        index = _indexed(_by_session, preparations)
        _keep(_by_session, result,
              {**index, made.session: (*index.get(made.session, ()), made)})
        # and by target eNB (``prepared_at``), the same where no HandoverRequest prepared it
        index = _indexed(_by_enb, preparations)
        _keep(_by_enb, result, index if made.request is None else
              {**index, made.enb: (*index.get(made.enb, ()), made)})
    return result


def _by_number(index: Index, runs: frozenset[UeRun]) -> Index:
    """The UE's runs by number (``Authentication.last_run``)."""
    index.update({r.number: r for r in runs})
    return index


def _by_confirm(index: Index, runs: frozenset[UeRun]) -> Index:
    """The UE's runs by the HO confirm each sent (the first, as ``next`` found it)."""
    for r in runs:
        index.setdefault(r.confirm, r)
    return index


def _attacker(attackers: tuple[Knowledge, ...], name: str) -> Knowledge | None:
    """The attacker named ``name`` (names are unique: a compromise replaces an attacker of
    the same name), found by its place (``_places``)."""
    place = _indexed(_places, attackers, grows=True).get(name)
    return attackers[place] if place is not None else None


def _places(index: Index, attackers: tuple[Knowledge, ...]) -> Index:
    """Each attacker's place by name. An index is grown from the last tuple's when the
    tuple extends it (``_indexed``): an attacker is added at the end, a record taught in
    its place under its name, and one that takes one more entity leaves its place to go
    last (so the last place changes, and the index is made again). Made again per tuple,
    it was a pass over every attacker per compromise."""
    start = len(index)
    index.update({a.name: start + i for i, a in enumerate(attackers)})
    return index


def _chains(index: Index, attackers: tuple[Knowledge, ...]) -> Index:
    """Per entity, the chains of the attackers holding it (``Facts.chains``): (its record,
    or None, and the places); under None, how many attackers are indexed. Grown as
    ``_places``, each chain grown into a new tuple (the index copied from may still be
    read)."""
    start = index.get(None, 0)
    for n, a in enumerate(attackers, start):
        place = a.known.place() if isinstance(a.known, Chained) else None
        record = place[0] if place is not None else None
        for entity in a.entities:
            chains = index.get(entity, ())
            if record is not None and chains and chains[-1][0] is record:
                chains = (*chains[:-1], (record, (*chains[-1][1], n)))
            else:
                chains = (*chains, (record, (n,)))
            index[entity] = chains
    index[None] = start + len(attackers)
    return index


def knowing(attackers: tuple[Knowledge, ...], chain: Sequence[int], value: bytes) -> int:
    """How many of the first attackers of ``chain`` (``Facts.chains``) know ``value``: they
    know nested sets, so those that do come first (a bisection, not a pass over them)."""
    return bisect_left(chain, True, key=lambda n: value not in attackers[n].known)


def _all_at(index: Index, completions: tuple[Completion, ...]) -> Index:
    """The numbers of the completions at each eNB, in order."""
    for c in completions:  # a new list: the index copied from may still be read
        index[c.enb] = [*index.get(c.enb, ()), c.number]
    return index


def _first_at(index: Index, completions: tuple[Completion, ...]) -> Index:
    """The first completion at each eNB."""
    for c in completions:
        index.setdefault(c.enb, c.number)
    return index


class Consumers:
    """The derivations by their secret inputs, for a tuple of derivations that only grows
    (the engine's): each call indexes only what was appended since the last one, and starts
    again for a tuple that does not extend it (a search restored an earlier state)."""

    __slots__ = ("_by_need", "_of", "needless")

    def __init__(self) -> None:
        self._of: tuple[Derived, ...] = ()
        self._by_need: dict[bytes, list[Derived]] = {}
        self.needless: list[Derived] = []  # those with no secret input, as of the last call

    def of(self, derivations: tuple[Derived, ...]) -> dict[bytes, list[Derived]]:
        done = len(self._of)
        if done and (len(derivations) < done or derivations[done - 1] is not self._of[-1]):
            self._by_need, self.needless, done = {}, [], 0  # not an extension of the last
        for d in derivations[done:]:
            for need in d.needs:
                self._by_need.setdefault(need, []).append(d)
            if not d.needs:
                self.needless.append(d)
        self._of = derivations
        return self._by_need


class Parties:
    """The attackers' positions in a tuple of them by what they hold (each entity, and the
    network attacker by its name), kept for the tuple a step replaces some of them in (their
    positions and entities stay) or a compromise appends one to, and built again for any
    other (a search restored a state, a compromise reordered them).

    And the attackers in chains: each one after the first of its chain holds the same
    entities as the one before it and knows no more (checked when it joined, on appending;
    kept since, as the two see the same), so what the one before cannot derive, it cannot
    either. ``check`` compromises each eNB again at every hop it serves in: a step that
    derives something looks at each chain up to its first attacker that learns nothing,
    not at every attacker. A tuple built again has each attacker in a chain of its own.

    In a finished run the attackers appended to a chain share its record (``Shared``,
    ``share`` on appending): a step then teaches the chain once (``Engine._taught``). A
    tuple built again keeps each attacker's knowledge as it is, in a chain of its own
    without a record (its record is no longer written)."""

    __slots__ = ("_at", "_chains", "_ends", "_of", "_shared")

    def __init__(self) -> None:
        self._of: tuple[Knowledge, ...] | None = None
        self._at: dict[str, list[int]] = {}
        self._chains: list[list[int]] = []
        self._shared: list[Shared | None] = []  # per chain, its record if it has one
        self._ends: dict[frozenset[str], int] = {}  # the chain to join, by entities

    def of(self, attackers: tuple[Knowledge, ...]) -> dict[str, list[int]]:
        if attackers is not self._of:
            self._at, self._chains, self._shared, self._ends = {}, [], [], {}
            for n, a in enumerate(attackers):
                self._new_chain(n, a, None)
            self._of = attackers
        return self._at

    def chains(self, attackers: tuple[Knowledge, ...]) -> list[tuple[list[int], Shared | None]]:
        """Each chain (places in ``attackers``) and its record, if it has one."""
        self.of(attackers)
        return list(zip(self._chains, self._shared, strict=True))

    def moved(self, before: tuple[Knowledge, ...], after: tuple[Knowledge, ...]) -> None:
        """``after`` has the names and entities of ``before``, in the same places."""
        if before is self._of:
            self._of = after

    def append(self, before: tuple[Knowledge, ...], a: Knowledge,
               share: bool = False) -> tuple[Knowledge, ...]:
        """``before`` with ``a``, a new attacker, at the end. It joins the last chain of its
        entities if it knows no more than that chain's last attacker, and then reads the
        chain's record, if it has one (``Shared``); else it starts a chain, with a record of
        its own if ``share`` (a finished run)."""
        if before is not self._of:
            return (*before, a)
        n = len(before)
        chain = self._ends.get(a.entities)
        if chain is not None and a.name != NETWORK and \
                a.known <= before[self._chains[chain][-1]].known:
            a = _sharing(a, self._shared[chain])
            self._chains[chain].append(n)
            for party in a.entities:
                self._at.setdefault(party, []).append(n)
        else:
            shared = Shared() if share and a.name != NETWORK else None
            a = _sharing(a, shared)
            self._new_chain(n, a, shared)
        self._of = (*before, a)
        return self._of

    def _new_chain(self, n: int, a: Knowledge, shared: Shared | None) -> None:
        for party in (*a.entities, *((NETWORK,) if a.name == NETWORK else ())):
            self._at.setdefault(party, []).append(n)
        self._chains.append([n])
        self._shared.append(shared)
        self._ends[a.entities] = len(self._chains) - 1


def _sharing(a: Knowledge, shared: Shared | None) -> Knowledge:
    """``a``, the next attacker of the chain whose record is ``shared``, reading it (``a``
    itself without a record)."""
    if shared is None:
        return a
    at = shared.size
    shared.size += 1
    for v in a.known:  # known by every attacker before it: it joined knowing no more
        shared.known[v] = at + 1
    return Knowledge(a.name, a.entities, a.hop, a.completed,
                     Chained(shared.held, at, _frozen(a.held)), Chained(shared.known, at))


def grow(known: Set[bytes], more: Iterable[bytes], derivations: Sequence[Derived],
         since: int, consumers: dict[bytes, list[Derived]]) -> Set[bytes]:
    """``closure(known | more, derivations)``, given that ``known`` is closed under the
    derivations before index ``since`` and ``consumers`` indexes them all by secret input
    (``Consumers``): only what the new values and derivations can reach is walked, and
    ``known`` itself is returned when nothing is learnt."""
    added = learnt(known, more, derivations, since, consumers)
    return known | added if added else known


def learnt(known: Set[bytes], more: Iterable[bytes], derivations: Sequence[Derived],
           since: int, consumers: dict[bytes, list[Derived]]) -> set[bytes]:
    """What ``grow`` adds to ``known``."""
    known, extra = parts(known)  # ``in`` on frozensets, not through ``Values``
    added = {v for v in more if v not in known and v not in extra}
    queue = list(added)

    def fire(d: Derived) -> None:
        if d.output not in known and d.output not in extra and d.output not in added and all(
                n in known or n in extra or n in added for n in d.needs):
            added.add(d.output)
            queue.append(d.output)

    for d in derivations[since:]:
        fire(d)
    while queue:
        for d in consumers.get(queue.pop(), ()):
            fire(d)
    return added


def closure(known: Iterable[bytes], derivations: Sequence[Derived]) -> frozenset[bytes]:
    """Everything derivable from ``known`` (a one-way KDF is never inverted)."""
    result = set(known)
    changed = True
    while changed:
        changed = False
        for d in derivations:
            if d.output not in result and d.needs <= result:
                result.add(d.output)
                changed = True
    return frozenset(result)


@dataclass(frozen=True)
class Event:
    """What happened: a delivered ``step`` (with the receiver's record ``before`` it), or an
    attacker's compromise of ``compromised`` (then ``step`` is None); ``earlier``: the facts
    before it, so a claim judges only what this event made new."""

    step: Step | None = None
    before: Any = None
    compromised: str | None = None  # the attacker's name
    earlier: Facts = field(default_factory=lambda: Facts())
    taken: frozenset[tuple[str, bool]] = frozenset()  # (claim, promised) the checker holds
    # the places of the attackers a step changed, when the engine says (None: compare them);
    # of a chain sharing a record (``Shared``), those that learnt the KeNB of an earlier hop
    moved: tuple[int, ...] | None = None
    # what each attacker the step changed learnt, every other one learnt nothing (None: compare
    # its knowledge before and after); of a chain sharing a record, the earlier hops' KeNBs
    learnt: dict[str, set[bytes]] | None = field(default=None, compare=False)
    # the places of the attackers that know a KeNB the step completed with (None: look)
    knowing: tuple[int, ...] | None = None
    # the run may end here: nothing is in flight, and with no timers nothing more happens
    # unless someone acts (``Engine.step``; then ``step`` is None)
    ended: bool = False

    def wants(self, claim: str, promised: bool) -> bool:
        """Whether a failure of ``claim`` (promised or not) would be kept: the engine keeps
        the first of each until the checker harvests it, so a claim need not build the
        witness of another (of a stepwise claim on a hop of ``Engine.per_hop``, the first
        of each attacker: always wanted)."""
        return (claim, promised) not in self.taken

    def new_keys(self, facts: Facts, attacker: Knowledge, below: int | None = None) -> list[int]:
        """The completions whose KeNB ``attacker`` knows since this event (all it knows when
        it is new); with ``below``, only those numbered below it."""
        done = len(self.earlier.completions)
        end = len(facts.completions) if below is None else max(0, min(below,
                                                                      len(facts.completions)))
        known = attacker.known
        if self.learnt is not None:  # a step: ``learnt`` has every attacker it changed
            added = self.learnt.get(attacker.name)
            if not added and end <= done:
                return []
            fresh = [c.number for c in facts.completions[done:end] if c.kenb in known]
            if not added:  # learnt nothing: only new completions
                return fresh
        else:
            was = self.earlier.attacker(attacker.name)
            fresh = [c.number for c in facts.completions[done:end] if c.kenb in known]
            if was is not None and was.known is known:  # learnt nothing: only new completions
                return fresh
            added = known if was is None else known - was.known
        by_kenb = _indexed(_all_by_kenb, facts.completions, grows=True)
        learnt = {n for v in added for n in by_kenb.get(v, ()) if n < min(done, end)}
        return sorted(learnt.union(fresh))

    def attackers(self, facts: Facts, below: bool = False) -> Sequence[Knowledge]:
        """The attackers for which this event may make a key new (``new_keys``), in their
        order: those new or changed (the engine keeps an attacker's record, and the tuple of
        them, when nothing changes), and after a completion those that know its KeNB. For
        every other one ``new_keys`` is empty; with ``below``, ``new_keys`` below the
        attacker's hop (backward security): of those a step taught nothing, only those
        compromised after the completion's number (in ``check`` none: every attacker of a
        chain knowing each later KeNB was a pass per completion over all of them)."""
        before, after = self.earlier.attackers, facts.attackers
        done = len(self.earlier.completions)
        if before is after and len(facts.completions) == done:
            return ()
        kenbs = [c.kenb for c in facts.completions[done:]]
        if len(before) == len(after) and self.compromised is None:
            if self.moved is not None and (not kenbs or self.knowing is not None):
                knowing = self.knowing or ()
                if below:  # taught nothing: only a completion numbered below its hop
                    knowing = [n for n in knowing if after[n].completed > done]
                return [after[n] for n in sorted({*self.moved, *knowing})]
            changed = ([a is not b for a, b in zip(after, before, strict=True)]
                       if self.moved is None else [False] * len(after))
            for n in self.moved or ():
                changed[n] = True
        elif (self.compromised is not None and not kenbs and after
              and after[-1].name == self.compromised):
            return after[-1:]  # a compromise puts its attacker last, and leaves the others
        else:  # an attacker added: match them by name
            changed = [_attacker(before, a.name) is not a for a in after]
        return [a for a, new in zip(after, changed, strict=True)
                if new or any(k in a.known for k in kenbs)]


class UncoveredKeNB(NamedTuple):
    """A later KeNB a failing forward-security verdict names as no promise's (helper-221):
    the KeNB of hop ``hop``, after the hop ``leaving_hop`` that took the UE away from the
    attacker, of type ``leaving_type`` (None: the initial AS security, no hop). Where
    ``leaving_hop == hop`` the KeNB is that hop's own."""

    hop: int
    leaving_hop: int
    leaving_type: str | None


@dataclass(frozen=True)
class Verdict:
    hop: int
    attacker: str
    holds: bool
    promised: bool
    detail: str
    witness: Sequence[str] = ()  # a summary's: ``hoverify.properties.lines.Lines``, made when read
    cut: Sequence[str] = ()
    n_hops: int | None = None  # forward security: the smallest n that holds in this run
    witness_hop: int | None = None  # the hop whose KeNB the witness derives, if any
    outside: str | None = None  # fails only outside the promise: the assumption the run broke
    open_ended: bool = False  # forward security: the run ends at a KeNB the attacker derives
    # backward security: each promised earlier KeNB it derives is one its eNB derived as the
    # former serving eNB beyond forward security's promise, earlier than its own only once the
    # UE came back (forward security fails on the same keys; docs/claims.md)
    former_serving: bool = False
    # forward security: holds, promised, yet the attacker derives every later KeNB of the run
    # (no cut): the run could not break the promise, its word *untested* (helper-198 #5)
    untested: bool = False
    # forward security: the first later KeNB it derives that no promise covers (not promised,
    # helper-221)
    unpromised: UncoveredKeNB | None = None


class Observed(NamedTuple):  # a tuple: one is made per claim asked, per event
    state: Any
    failures: tuple[Verdict, ...] = ()
    arose: int = 0
    # what the claim saw where its situation arose (a few values: an NCC, an NH's position),
    # which its holding reason names (``Claim.held``)
    seen: tuple[Any, ...] = ()


# What an event touches (``touched``), besides the ``Kind`` of the message a step delivered
KNOWLEDGE = "knowledge"  # the attackers changed: one was added or learnt (a new tuple)
COMPLETED = "completed"  # a handover completed (or the initial AS security)
STEP = "step"  # a message was delivered
ENB_LEARNT = "enb-learnt"  # an eNB learnt another eNB's KeNB (``Facts.enb_learnt``)
DERIVED = "derived"  # the step's outcome made derivations (recorded before or not)
SENT = "sent"  # the step put messages in flight
REFUSED = "refused"  # the receiver refused the message
ENDED = "ended"  # the step left nothing in flight: the run may end here (``Engine.step``)


def _quiet(f: Facts) -> bool | None:
    """What future verdicts read of ``f.settled`` and ``f.sequential`` (``Engine.key``): on
    an undisturbed path whose handovers ran one at a time (the only one ``KeyAgreement``
    judges a handover that never completed on), whether every handover begun has ended
    (else the last one is under way, and one begun now makes the path no longer
    sequential); elsewhere nothing."""
    return f.settled if f.undisturbed and f.sequential else None


def touched(event: Event, facts: Facts) -> tuple[Any, ...]:
    """What ``event`` touches, ``facts`` the facts after it (``Claim.reads``)."""
    earlier, step = event.earlier, event.step
    tags: list[Any] = []
    if facts.attackers is not earlier.attackers:
        tags.append(KNOWLEDGE)
    if len(facts.completions) != len(earlier.completions):
        tags.append(COMPLETED)
    if facts.enb_learnt is not earlier.enb_learnt:
        tags.append(ENB_LEARNT)
    if event.ended:
        tags.append(ENDED)
    if step is not None:
        outcome = step.outcome
        tags += (STEP, step.message.kind)
        if outcome.derivations:
            tags.append(DERIVED)
        if outcome.sent:
            tags.append(SENT)
        if not outcome.accepted:
            tags.append(REFUSED)
    return tuple(tags)


class Claim(Protocol):
    """One claim: what must always hold, and the situation in which it is judged."""

    name: str
    always: str
    sometimes: str
    invariant: bool
    stepwise: bool  # judged step by step only (an invariant always is): no verdict of its
    # own over a finished run; on the hops a checker names, the engine keeps its first failure
    # of each attacker (``Engine.first_per_hop``)
    reads: frozenset[Any]  # what of an event it reads (``touched``)
    judges_compromised: bool  # its verdicts may name a compromised eNB (``served_reason``)

    def promised_by(self, variant: KeySchedule) -> bool: ...
    # the fewest handovers a run needs before it can break ``promise``, one of this claim's
    def handovers_to_break(self, promise: Promise) -> int: ...
    def initial(self) -> Any: ...
    def observe(self, state: Any, event: Event, facts: Facts) -> Observed: ...
    # its verdicts over a finished run, ``arose`` how many times its situation arose in
    # each hop it judges (``Engine.arose``)
    def summary(self, state: Any, facts: Facts, arose: Mapping[int, int]) -> list[Verdict]: ...
    # of the times its situation arose in each hop (``arose``), those its verdicts over the
    # run judge
    def over_run(self, facts: Facts, arose: dict[int, int]) -> dict[int, int]: ...
    # why a stepwise claim held over a run in which its situation arose ``arose`` times,
    # from what it saw there (``Observed.seen``, each once, in the order first seen)
    def held(self, seen: Sequence[Any], arose: int) -> str: ...
    # whom its holding verdicts over a run name, each with what it saw (``held`` says it)
    def holders(self, seen: Sequence[Any]) -> dict[str, list[Any]]: ...
    # what each verdict says first where check's --compromise names an attacker the claim
    # does not judge (None: it judges it)
    def judged_beside(self, attacker: str) -> str | None: ...
    # why a hop's verdict was not judged: per (hop, attacker), "" for the hop as a whole
    def not_judged(self, facts: Facts) -> dict[tuple[int, str], str]: ...
    # why an attacker has no verdict as its situation never arose for it (None: it arose)
    def never_arose(self, facts: Facts, a: Knowledge) -> str | None: ...


EngineState = tuple[Facts, tuple[Any, ...]]


class Judged(NamedTuple):
    """What the claims made of an event: their states after it, how often each one's
    situation arose, and the failures (claim, verdict) in the claims' order."""

    states: tuple[Any, ...]
    arose: tuple[tuple[str, int, tuple[Any, ...]], ...]  # (claim, times, what it saw)
    failures: tuple[tuple[str, Verdict], ...]


# what each memo of the engine keeps (``Engine.remember``); past it, it starts again (memory
# stays bounded)
_COMPROMISES = 1 << 6
_FACTS_KEYS = 1 << 8
_WALKS = 1 << 8  # ``_byte_set``: 95% of the walks asked for at two handovers were made before
_STEPS = 1 << 7
_FAULTS_MADE = 1 << 7


class _Made(NamedTuple):
    """What a compromise or a step was made from (kept alive, so that their identities, the
    memo's key, are not reused), the facts it made and the claims' judgement of it."""

    sources: tuple[Any, ...]
    facts: Facts
    judged: Judged


def _remember(memo: dict[Any, Any], key: Any, made: Any, limit: int) -> None:
    """``made`` remembered under ``key``; ``memo`` starts again when it holds ``limit``."""
    if len(memo) >= limit:
        memo.clear()
    memo[key] = made


def _outside(verdict: Verdict) -> Verdict:
    """``verdict``'s failure, outside the promise: the backhaul is unprotected."""
    return dataclasses.replace(verdict, promised=False, outside=UNPROTECTED)


def settled(wanted: frozenset[str], found: Iterable[tuple[str, bool]],
            variant: KeySchedule) -> bool:
    """A search for the claims ``wanted`` can stop: each is found violated, as a broken
    promise where the variant promises it (one outside the promise may hide one inside)."""
    found = set(found)
    return all((claim, True) in found
               or ((claim, False) in found and not any(p.claim == claim
                                                       for p in variant.promises()))
               for claim in wanted)


def vacuous(claims: Sequence[Claim], variant: KeySchedule, counts: Counter[str]) -> list[str]:
    """The promised claims (not the model invariants) whose situation never arose."""
    return [c.name for c in claims
            if not c.invariant and c.promised_by(variant) and counts[c.name] == 0]


class _LastMade:
    """``make(source)`` for the last ``source`` given, made again only when given another
    object (the sources are immutable records and tuples, held while they are the last)."""

    __slots__ = ("_made", "_make", "_source")

    def __init__(self, make: Callable[[Any], Any]) -> None:
        self._make = make
        self._source: Any = _NONE
        self._made: Any = None

    def of(self, source: Any) -> Any:
        if source is not self._source:
            self._source, self._made = source, self._make(source)
        return self._made


_NONE: Any = object()
_NOTHING_TAKEN: frozenset[tuple[str, bool]] = frozenset()


@dataclass
class Engine:
    """Feeds events to facts and claims; keeps the first failure of each (claim, promised)
    until the checker harvests it, of a stepwise claim (the edit claims) on the hops
    ``per_hop`` names the first of each attacker, and the sometimes counts."""

    variant: KeySchedule
    topology: Topology
    claims: Sequence[Claim]
    initial_enb: str
    initial_cell: str
    facts: Facts = field(default_factory=Facts)
    states: tuple[Any, ...] = ()
    violations: dict[tuple[str, bool], Verdict] = field(default_factory=dict)
    violated_at: dict[tuple[str, bool], int | None] = field(default_factory=dict)
    # the hops on which a stepwise claim's failures are each wanted: ``check``'s hops that its
    # run edits (``hoverify.properties.evaluate``), which it judges by the engine's failures
    # there; a claim's first failure (``violations``), of another hop (a compromised source
    # relaying a HO command unedited, fake-cell-capture's), would hide theirs. ``explore`` and
    # ``verify`` name none: they report the first of each claim
    per_hop: frozenset[int] = frozenset()
    # there, the first failure of each (claim, hop, attacker)
    first_per_hop: dict[tuple[str, int, str], Verdict] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)
    # the same per (claim, hop): the hop of the event (a step's handover, the hop of a
    # compromise) in which the situation arose; a claim's verdicts over a finished run judge
    # the hops in which it arose (``Claim.over_run``, ``Claim.summary``)
    arose_in: Counter[tuple[str, int]] = field(default_factory=Counter)
    # per claim, what it saw where its situation arose (``Observed.seen``), each once in the
    # order first seen: a stepwise claim's holding reason names it (``Claim.held``)
    seen: dict[str, dict[Any, None]] = field(default_factory=dict)
    # the actions so far of the exploration that feeds the engine, which keeps it up to date
    # (0 in its set-up); None: a run of hops (``check``'s), which no action made. A witness
    # names a step by the action that made it, else by its handover (``Facts.trail``)
    trace_length: int | None = None
    adversary: Adversary = DEFAULT  # what the network attacker reads
    consumers: Consumers = field(default_factory=Consumers, repr=False)
    parties: Parties = field(default_factory=lambda: Parties(), repr=False)
    moved: tuple[int, ...] = field(default=(), repr=False)  # what the last step changed
    learnt: dict[str, set[bytes]] = field(default_factory=dict, repr=False)  # and taught them
    # the parts of ``key()`` made from the facts, of the last few facts (by identity, each
    # kept alive while remembered: a drop, or a step or compromise remembered, gives the
    # facts of another successor again, three in four at two handovers), and those made from
    # one field of them, made again only when the field is another object: the successors
    # a search fingerprints share their parent's until a step changes them (``check``
    # never asks)
    facts_keys: dict[int, tuple[Facts, tuple[Any, ...]]] = field(default_factory=dict,
                                                                  repr=False)
    authentication_key: _LastMade = field(
        default_factory=lambda: _LastMade(Authentication.key), repr=False)
    # a step that teaches no attacker keeps the tuple of them; what the claims judge an
    # attacker on: not the handover it was compromised in, which only names it in a verdict
    # (the KeNBs completed then do: ``Knowledge.completed``)
    attackers_key: _LastMade = field(default_factory=lambda: _LastMade(lambda attackers: frozenset(
        (a.name, a.entities, a.completed, _frozen(a.known)) for a in attackers)), repr=False)
    # the order learnt changes no verdict; most steps teach no eNB and keep the tuple
    enb_learnt_key: _LastMade = field(default_factory=lambda: _LastMade(frozenset), repr=False)
    # what an event touches -> the places of the claims that read any of it
    readers: dict[tuple[Any, ...], tuple[int, ...]] = field(default_factory=dict, repr=False)
    # what a compromise made, when a search asks to remember it (``remember``)
    compromises: dict[tuple[Any, ...], _Made] | None = field(default=None, repr=False)
    # ... and what a step made, and the facts a fault made (the facts it was made from first,
    # kept alive as ``_Made.sources``; the facts made hold its ``unedited``)
    steps_made: dict[tuple[Any, ...], _Made] | None = field(default=None, repr=False)
    faults_made: dict[tuple[Any, ...], tuple[Facts, Facts]] | None = field(default=None,
                                                                           repr=False)
    # the engine of a finished run (``check``), never restored: the attackers of a chain
    # share one record of what they know (``Shared``), read live
    finished: bool = False
    # record what only a witness reads: the {NH, NCC} pairs each step carries
    # (``Facts.nh_pairings``), which NH labels read, and the steps themselves
    # (``Facts.trail``): a search leaves them out of its states and words each finding's
    # witness when it replays its trace (``hoverify.properties.verify``)
    witnessing: bool = True
    stepwise: frozenset[str] = field(default=frozenset(), init=False, repr=False)  # by name
    enbs: frozenset[str] = field(default=frozenset(), init=False, repr=False)  # the topology's

    def __post_init__(self) -> None:
        self.states = tuple(c.initial() for c in self.claims)
        self.enbs = frozenset(self.topology.enbs)
        self.stepwise = frozenset(c.name for c in self.claims if c.stepwise)
        if self.adversary.backhaul_unprotected:
            self.facts = replace(self.facts, nds_ip=False)

    # -- state -----------------------------------------------------------------------------
    @property
    def state(self) -> EngineState:
        return self.facts, self.states

    def restore(self, state: EngineState) -> None:
        self.facts, self.states = state

    def key(self) -> tuple[Any, ...]:
        """What future verdicts read: the facts without their bookkeeping (the order of the
        derivations, what an attacker held before closing, the UE's record, which the
        system's snapshot holds) and each claim's state."""
        f = self.facts
        made = self.facts_keys.get(id(f))
        if made is None or made[0] is not f:
            made = (f, self._facts_key(f))
            _remember(self.facts_keys, id(f), made, _FACTS_KEYS)
        return (*made[1], self.states)

    def _facts_key(self, f: Facts) -> tuple[Any, ...]:
        """``key``'s parts made from the facts ``f``."""
        derived = _indexed(_sets, f.derivations, grows=True)
        return (derived["recorded"], derived["public"], f.completions,
                self.attackers_key.of(f.attackers), f.early, f.deciding, f.undisturbed,
                _quiet(f),
                f.unedited, f.injected, f.beyond_nds_ip,
                self.authentication_key.of(f.authentication), self.enb_learnt_key.of(f.enb_learnt))

    # -- events ----------------------------------------------------------------------------
    def step(self, step: Step, before: Any) -> None:
        """Judge ``step``; ``before``: its receiver's record before it. Remembered
        (``remember``) by the identities of the facts, the claim states, ``before`` and the
        step's message, outcome and record after (``System.remember`` hands the same objects
        out again for the same delivery), by its hop, its receiver's states and the failures
        taken: all that the facts and the claims read of it (not its number). A step that
        leaves nothing in flight is also the end of a run that stops there (``ENDED``): the
        model has no timers, so without an action of someone nothing more arrives, and a
        claim that judges a finished run (a handover that never completed) judges it here,
        in every checker alike."""
        earlier, states, taken = self.facts, self.states, self._taken(step.hop)
        self.moved, self.learnt = (), {}
        memo = self.steps_made
        key = (id(earlier), id(states), taken, id(before), id(step.message), id(step.outcome),
               id(step.ctx_after), step.hop, step.state_before, step.state_after)
        made = memo.get(key) if memo is not None else None
        if made is None:
            self.facts = self._learn(earlier, step, before, self.trace_length)
            made = _Made((earlier, states, before, step), self.facts, self._judgement(Event(
                step, before, earlier=earlier, taken=taken, moved=self.moved,
                learnt=self.learnt, knowing=self._knowing(len(earlier.completions)))))
            if memo is not None:
                _remember(memo, key, made, _STEPS)
        self.facts = made.facts
        self._take(step.hop, made.judged)
        if not step.in_flight:
            self._judge(step.hop, Event(earlier=self.facts, taken=self._taken(step.hop),
                                        ended=True))
            if not self.facts.settled:
                self.facts = replace(self.facts, settled=True)

    def _knowing(self, done: int) -> tuple[int, ...] | None:
        """The places of the attackers that know a KeNB of the completions from number
        ``done`` on (None: there are none), each chain of them (``Parties``) looked at up to
        its first that knows none."""
        f = self.facts
        kenbs = [c.kenb for c in f.completions[done:]]
        if not kenbs:
            return None
        found: list[int] = []
        for chain, shared in self.parties.chains(f.attackers):
            if shared is not None:  # nested: those that know one are the first m
                found += chain[:max(shared.known.get(k, 0) for k in kenbs)]
                continue
            for n in chain:
                if not any(k in f.attackers[n].known for k in kenbs):
                    break
                found.append(n)
        return tuple(found)

    def facts_after(self, steps: Iterable[Step]) -> Facts:
        """The facts after ``steps`` (a continuation of the run on a scratch system), asking
        no claim and leaving the engine's own as they were: a counterfactual such as the run
        without an edit (``fault``)."""
        f = self.facts
        for step in steps:
            self.moved, self.learnt = (), {}  # the last step's event keeps its own
            f = self._learn(f, step)
        return f

    def set_up(self, derivations: Sequence[Derivation]) -> None:
        """The derivations made before the first step (NAS security, TS 33.401 7.2.4.4)."""
        changes: dict[str, Any] = {}
        self._derived(self.facts, derivations, 0, changes)
        self.facts = replace(self.facts, **changes)

    def compromise_hop(self, under_way: bool = True) -> int:
        """The handover a compromise now is counted in: the last one started, or the next
        once it completed (its target accepted the HO confirm), so one between a HO confirm
        and the next handover is in the next; likewise once it ended without completing
        where the caller knows it has (``under_way`` False: nothing of it is in flight, a
        refused preparation answered; ``Exploration.compromise_hop``). ``check --compromise
        WHO@HOP`` compromises just before the first step of handover HOP, where this is HOP
        (``hoverify.properties.check_line``): counted in a handover that had ended, check's
        would be made before it, a stronger attacker that reads what that handover sent.
        The claims judge an attacker on the KeNBs completed before it
        (``Knowledge.completed``), not on this number."""
        f = self.facts
        last = f.completions[-1].handover if f.completions else -1
        return f.hop + 1 if last == f.hop or not under_way else f.hop

    def compromise(self, attacker: str, entity: str, ctx: Any, hop: int | None = None) -> None:
        """``attacker`` takes ``entity``, which holds the key record ``ctx`` now; ``hop``:
        the hop under way (by default ``compromise_hop``)."""
        f, states = self.facts, self.states
        hop = hop if hop is not None else self.compromise_hop()
        taken, memo = self._taken(), self.compromises
        key = (attacker, entity, id(ctx), hop, id(f), id(states), taken)
        made = memo.get(key) if memo is not None else None
        if made is None:
            self.facts = self._taking(f, attacker, entity, ctx, hop)
            made = _Made((ctx, f, states), self.facts,
                         self._judgement(Event(compromised=attacker, earlier=f, taken=taken)))
            if memo is not None:
                _remember(memo, key, made, _COMPROMISES)
        self.facts = made.facts
        self._take(hop, made.judged)

    def _taking(self, f: Facts, attacker: str, entity: str, ctx: Any, hop: int) -> Facts:
        """``f`` with ``attacker`` holding ``entity`` and its key record ``ctx`` too."""
        held = _byte_set(ctx) & f.values
        current = f.attacker(attacker)
        # a new attacker goes last; one that takes one more entity moves there
        others = f.attackers if current is None else tuple(a for a in f.attackers
                                                             if a.name != attacker)
        if current is None:
            current = Knowledge(attacker, frozenset({entity}), hop, len(f.completions),
                                held | _everyone(f), frozenset())
        else:
            current = replace(current, entities=current.entities | {entity},
                              held=current.held | held)
        consumers = self.consumers.of(f.derivations)  # from nothing: walk what held reaches
        current = Knowledge(current.name, current.entities, current.hop, current.completed,
                            current.held, grow(frozenset(), current.held | current.known,
                                               self.consumers.needless, 0, consumers))
        attackers = (self.parties.append(f.attackers, current, share=self.finished)
                     if len(others) == len(f.attackers) else (*others, current))
        return replace(f, attackers=attackers, joined=(*f.joined, (attacker, entity, hop)))

    def remember(self) -> None:
        """From now on, remember what a compromise made (``compromise``): a search compromises
        the same eNB, holding the same record, with the same facts and claim states, from
        many states (half the compromises at two handovers), and the facts it makes and
        the claims' judgement of it are a pure function of those. So are a step's
        (``step``: about two fifths of the steps at two handovers, from the last 128; 1024
        kept 3% more, for a third more memory per state), except while witnessing (the
        trail then records the step and the action that made it); and the facts a fault
        makes (``fault``: a search drops each message in flight of a
        state, and the facts of those successors are then one object)."""
        self.compromises, self.faults_made = {}, {}
        if not self.witnessing:
            self.steps_made = {}

    def reveal(self, attacker: str, key: str, hop: int | None = None) -> None:
        """``attacker`` learns every value of the key named ``key`` (KASME, a delegated key
        such as K_HO) from hop ``hop`` on, those derived later included."""
        f, hop = self.facts, hop if hop is not None else self.compromise_hop()
        self.facts = _revealing(f, attacker, key, hop)
        self._judge(hop, Event(compromised=attacker, earlier=f, taken=self._taken()))

    def corrupt(self, attacker: str, parties: Sequence[tuple[str, Any]], keys: Sequence[str],
                hop: int, alone: str | None = None) -> None:
        """``attacker`` takes ``parties`` (each with the key record it holds now) and learns
        ``keys``, all at once from hop ``hop`` on: one event, judged once (``check``'s
        ``--compromise`` of one hop), so no claim counts the situation of a part of the
        attacker (KASME alone, before the source eNB that also holds KeNB[hop 0]) as the
        attacker's: ``check`` judges such a part as an attacker of its own name
        (``Attacker.parts``). ``alone``: the name of its eNBs alone (``Facts.alone``), where
        it holds eNBs and more."""
        f = earlier = self.facts
        for entity, ctx in parties:
            f = self._taking(f, attacker, entity, ctx, hop)
        for key in keys:
            f = _revealing(f, attacker, key, hop)
        if alone is not None:
            self.facts = self._alone(f, attacker, alone, earlier.attacker(attacker), parties,
                                     hop)
        else:
            self.facts = f
        self._judge(hop, Event(compromised=attacker, earlier=earlier, taken=self._taken()))

    def _alone(self, f: Facts, attacker: str, name: str, before: Knowledge | None,
               parties: Sequence[tuple[str, Any]], hop: int) -> Facts:
        """``f`` with the eNBs alone of ``attacker`` (``Facts.alone``), named ``name``,
        which ``before`` was and which took ``parties`` (each with its key record) at ``hop``,
        where it holds eNBs and more."""
        a = f.attacker(attacker)
        enbs = a.entities & self.enbs if a is not None else frozenset()
        if not enbs or enbs == a.entities:  # type: ignore[union-attr]
            return f
        alone = next((e for whole, e in f.alone if whole == attacker), None)
        if alone is None:  # what its eNBs held so far: all it held, if it held only eNBs
            alone = (Knowledge(name, before.entities, before.hop, before.completed,
                               _frozen(before.held), frozenset())
                     if before is not None and before.entities <= enbs else
                     Knowledge(name, frozenset(), hop, len(f.completions), _everyone(f),
                               frozenset()))
        for entity, ctx in parties:
            if entity in enbs:
                alone = replace(alone, entities=alone.entities | {entity},
                                hop=hop if not alone.entities else alone.hop,
                                completed=(len(f.completions) if not alone.entities
                                           else alone.completed),
                                held=alone.held | _byte_set(ctx) & f.values)
        return replace(f, alone=(*((whole, e) for whole, e in f.alone if whole != attacker),
                                 (attacker, alone)))

    def fault(self, kind: str, message: Message, enb: str | None = None,
              unedited: Callable[[], Facts] | None = None) -> None:
        """The adversary acted on ``message`` (in the handover it belongs to); a rewrite names
        its eNB, and ``unedited`` gives the facts of the run without it (``facts_after``),
        asked on that eNB's first edit of the handover (``Facts.unedited``). A replay,
        duplicate or injection on S1, X2 or S10, or an injection forged once the attacker
        has read keys there (``NETWORK``), takes the run beyond NDS/IP
        (``hoverify.properties.adversary``)."""
        assert kind in FAULTS
        f, hop = self.facts, message.handover
        without = f.unedited
        if enb is not None and (hop, enb) not in f.rewritten:
            assert unedited is not None, "an edit is judged against the run without it"
            without = without | {unedited().without_edit(hop, enb)}
        injected = f.injected or kind == "inject"
        beyond = f.beyond_nds_ip or (
            (kind in ("replay", "duplicate", "inject") and message.interface in BACKHAUL)
            or (kind == "inject" and f.attacker(NETWORK) is not None))
        if (f.undisturbed or without is not f.unedited or injected != f.injected
                or beyond != f.beyond_nds_ip):
            self.facts = self._disturbed(f, without, injected, beyond)
        # else nothing changes: the facts stay shared (a search keeps them per state)

    def _disturbed(self, f: Facts, without: frozenset[Unedited], injected: bool,
                   beyond: bool) -> Facts:
        """``f`` after a fault (``fault``), remembered (``remember``) by the identities of
        ``f`` and ``without``."""
        memo = self.faults_made
        key = (id(f), id(without), injected, beyond)
        made = memo.get(key) if memo is not None else None
        if made is None:
            made = (f, replace(f, undisturbed=False, unedited=without, injected=injected,
                               beyond_nds_ip=beyond))
            if memo is not None:
                _remember(memo, key, made, _FAULTS_MADE)
        return made[1]

    # -- results ---------------------------------------------------------------------------
    def summary(self) -> dict[str, list[Verdict]]:
        """Each claim's verdicts over the run. Once the run went beyond NDS/IP a promised
        failure is outside the promise (``_promised_under_nds_ip``), unless the claim broke
        its promise before (its step-by-step violation, which ``explore`` and ``verify``
        report): then the run shows the claim broken whatever the backhaul did, and its
        verdicts over the finished run (the security passes) stay promised."""
        return {c.name: self._verdicts(c, s) for c, s in zip(self.claims, self.states,
                                                             strict=True)}

    def verdicts(self, name: str) -> list[Verdict]:
        """Claim ``name``'s verdicts over the run so far, as ``summary`` gives them: one
        claim judged alone (``verify`` and ``explore`` ask it of the runs they note)."""
        return next(self._verdicts(c, s) for c, s in zip(self.claims, self.states, strict=True)
                    if c.name == name)

    def _verdicts(self, claim: Claim, state: Any) -> list[Verdict]:
        """``claim``'s verdicts over the run (``summary``)."""
        excused = self.facts.beyond_nds_ip
        return [_outside(v) if excused and self._excusable(claim, v)
                and (claim.name, True) not in self.violations else v
                for v in self._over_run(claim, state)]

    def _over_run(self, claim: Claim, state: Any) -> list[Verdict]:
        """A model invariant, or an edit claim, is judged step by step only (its state keeps
        no failures: a search keeps the state per search state): over the run its verdicts
        are the failures the engine kept, the first promised and the first unpromised one;
        with none, one that holds if its situation arose (else none: it was never put to the
        test). ``check`` replaces an edit claim's with its edit search's
        (``hoverify.properties.evaluate``); ``replay`` shows them."""
        if not (claim.invariant or claim.stepwise):
            return claim.summary(state, self.facts, self.arose(claim))
        failures = [v for (name, _), v in self.violations.items() if name == claim.name]
        arose = self.counts[claim.name]
        if failures or not arose:
            return failures
        # at the last hop where its situation arose (review48: the run's last, where it may
        # never have arisen)
        hop = max(self.arose(claim), default=self.facts.hop)
        return [Verdict(hop, who, True, claim.promised_by(claim.variant), claim.held(seen, arose))
                for who, seen in claim.holders(list(self.seen.get(claim.name, ()))).items()]

    def _promised_under_nds_ip(self, claim: Claim, verdict: Verdict) -> Verdict:
        """Every security promise assumes NDS/IP on S1, X2 and S10 (TS 33.401 11, TS 33.210):
        with the backhaul unprotected, a failure of a promised claim judged once the attacker
        replayed, duplicated or injected a backhaul message, or injected one forged after it
        read keys there (``Facts.beyond_nds_ip``, set by ``fault``), is outside the promise.
        One judged before breaks the promise as it would under NDS/IP; what an attacker reads
        on the backhaul is the claims' own excuse (``Claim.beyond``)."""
        if self.facts.beyond_nds_ip and self._excusable(claim, verdict):
            return _outside(verdict)
        return verdict

    def _excusable(self, claim: Claim, verdict: Verdict) -> bool:
        """A promised failure, with the backhaul unprotected; model invariants stay promised."""
        return (not self.facts.nds_ip and not verdict.holds and verdict.promised
                and not claim.invariant)

    def _taken(self, hop: int | None = None) -> frozenset[tuple[str, bool]]:
        """The failures the checker holds, but on a hop of ``per_hop`` a stepwise claim's
        (``first_per_hop`` keeps each attacker's there); beyond NDS/IP a promised failure
        would be kept as one outside the promise, so it is taken once that one is."""
        if not self.violations:  # the checker harvests them after each action
            return _NOTHING_TAKEN
        taken = {key for key in self.violations
                 if hop not in self.per_hop or key[0] not in self.stepwise}
        if not self.facts.nds_ip and self.facts.beyond_nds_ip:
            taken |= {(name, True) for name, promised in taken if not promised}
        return frozenset(taken)

    def vacuous(self) -> list[str]:
        return vacuous(self.claims, self.variant, self.counts)

    def arose(self, claim: Claim) -> dict[int, int]:
        """Per hop, how many times ``claim``'s situation arose there in the run so far, in the
        hops its verdicts over the run judge (``Claim.over_run``): its "sometimes" over a
        finished run (``check``, ``report``, ``replay``) is their sum."""
        return claim.over_run(self.facts, {hop: n for (name, hop), n in self.arose_in.items()
                                           if name == claim.name and n})

    # -- internals -------------------------------------------------------------------------
    def _judge(self, hop: int, event: Event) -> Judged:
        """The claims' judgement of ``event``, of hop ``hop`` (a step's handover, the hop of a
        compromise), taken."""
        judged = self._judgement(event)
        self._take(hop, judged)
        return judged

    def _judgement(self, event: Event) -> Judged:
        """Ask the claims that read what ``event`` touched (``Claim.reads``), in their
        order."""
        tags = touched(event, self.facts)
        readers = self.readers.get(tags)
        if readers is None:
            readers = self.readers[tags] = tuple(
                n for n, claim in enumerate(self.claims) if not claim.reads.isdisjoint(tags))
        states, changed = list(self.states), False
        arose, failures = [], []
        for n in readers:
            claim, state = self.claims[n], states[n]
            observed = claim.observe(state, event, self.facts)
            if observed.state is not state:
                states[n], changed = observed.state, True
            if observed.arose:
                arose.append((claim.name, observed.arose, observed.seen))
            if observed.failures:
                failures += [(claim.name, self._promised_under_nds_ip(claim, failure))
                             for failure in observed.failures]
        # else the tuple stays shared, as its claim states
        return Judged(tuple(states) if changed else self.states, tuple(arose), tuple(failures))

    def _take(self, hop: int, judged: Judged) -> None:
        """The claims' states after an event of hop ``hop``, their sometimes counts (in all
        and per hop) and first failures."""
        counts = self.counts
        if len(counts) < len(self.claims):  # every claim is counted, 0 where it never arose
            for claim in self.claims:
                counts[claim.name] += 0
        for name, arose, seen in judged.arose:
            counts[name] += arose
            self.arose_in[name, hop] += arose
            if seen:
                self.seen.setdefault(name, {}).update(dict.fromkeys(seen))
        for name, verdict in judged.failures:
            key = (name, verdict.promised)
            if key not in self.violations:
                self.violations[key] = verdict
                self.violated_at[key] = self.trace_length
            if name in self.stepwise and hop in self.per_hop:
                self.first_per_hop.setdefault((name, verdict.hop, verdict.attacker), verdict)
        self.states = judged.states

    def _learn(self, f: Facts, step: Step, before: Any = None,
               action: int | None = None) -> Facts:
        """``f`` after ``step``; ``before``: the receiver's record before it (None: unknown,
        as if it held nothing); ``action``: the action that made it (``trace_length``; None:
        no action did, a step of a run of hops or of a counterfactual, ``facts_after``)."""
        receiver = step.message.receiver
        # the derivations recorded before the step, their secret and public values: read now,
        # while their index is the last made (asked for after the step's, it had often left
        # ``_indexed``'s few and was made again from every derivation of the run)
        was = _indexed(_sets, f.derivations, grows=True)
        new = [d for d in dict.fromkeys(step.outcome.derivations) if d not in was["recorded"]]
        changes: dict[str, Any] = {}  # only what the step changes: else the facts stay shared
        # (witnessing, the trail grows by every step: a search keeps none)
        if step.hop > f.hop:
            changes["hop"], changes["settled"] = step.hop, False
            if not f.settled and f.sequential:  # begun while one was under way
                changes["sequential"] = False
        if new:
            self._derived(f, new, step.hop, changes)
        derivations = changes.get("derivations", f.derivations)
        derived = _indexed(_sets, derivations, grows=True) if new else was
        values = derived["values"]
        if receiver == UE and step.ctx_after is not f.ue:
            changes["ue"] = step.ctx_after
        if self.witnessing:  # the {NH, NCC} pairs it receives, reads, keeps or sends, for labels
            pairings = paired(f.nh_pairings, step.hop, _step_nh_pairs(step))  # TS 33.401 7.2.8.4
            if pairings is not f.nh_pairings:
                changes["nh_pairings"] = pairings
        early = decided_early(step)
        if early is not None:
            changes["deciding"] = frozenset(
                (e, d) for e, d in f.deciding if e != receiver) | {(receiver, early)}
        completion = self._completion(f, step)
        if completion is not None:
            changes["completions"] = (*f.completions, completion)
            source = f.completions[-1].enb if f.completions else None
            if completion.number and (source, True) in f.deciding:  # TS 33.401 7.2.8.4.2
                changes["early"] = f.early | {completion.number}
            changes["deciding"] = frozenset(
                (e, d) for e, d in changes.get("deciding", f.deciding) if e != source)
        self._authentication(f, step, changes)
        if receiver in self.enbs and step.outcome.accepted:
            enb_learnt = self._enb_learnt(f, step, before, derivations, values,
                                          changes.get("completions", f.completions))
            if enb_learnt is not f.enb_learnt:
                changes["enb_learnt"] = enb_learnt
        read = frozenset(v for m in step.outcome.sent if self.adversary.reads(m)
                         for v in _byte_set(m.fields) & values)
        if self.witnessing:
            changes["trail"] = Trail(step, f.trail, action)
        if read and f.attacker(NETWORK) is None:  # no TS 33.210: the attacker reads the backhaul
            f = replace(f, attackers=self.parties.append(
                f.attackers, Knowledge(NETWORK, frozenset(), 0, 0, frozenset(), frozenset())))
        if f.alone and any(receiver in e.entities for _, e in f.alone):
            seen = _shown(step, values)
            changes["alone"] = tuple((whole, replace(e, held=e.held | seen))
                                     if receiver in e.entities else (whole, e)
                                     for whole, e in f.alone)
        if f.attackers:
            public, was_public, was_value = derived["public"], was["public"], was["values"]
            everyone = frozenset(  # what became public and secret both (``_everyone``)
                v for d in new for v in (d.output, *(i.value for i in d.inputs))
                if v in public and v in values and not (v in was_public and v in was_value))
            attackers = self._taught(f, step, new, everyone, derivations, values, read)
            if attackers is not None:
                changes["attackers"] = attackers
        return replace(f, **changes) if changes else f

    def _enb_learnt(self, f: Facts, step: Step, before: Any, derivations: tuple[Derived, ...],
                    values: Set[bytes], completions: tuple[Completion, ...]
                    ) -> tuple[tuple[str, int, int, Kind], ...]:
        """``f.enb_learnt`` with what ``step`` taught the eNB that received it: the KeNBs of
        other eNBs' completions it derives from the message, what it read and its record
        after, but not from its record before (what it learns, as against what it held).
        Only what backward security reads: any KeNB learnt from the HandoverRequest that
        prepares it as a target (TS 36.423 8.2.1, TS 36.413 8.4.2; whether or not the UE then
        comes: the context it sets up replaces the one it held, so nothing counts as held;
        also before its first service, which another eNB of an attacker may have had), and
        one used after the eNB first served, learnt from a message while it serves the UE
        (what it learns while the UE is elsewhere it holds before the UE comes back)."""
        receiver = step.message.receiver
        first = _indexed(_first_at, completions, grows=True).get(receiver)
        if step.message.kind in REQUESTS:  # accepted: it set up a UE context
            prepared, after = True, -1
        elif first is None or completions[-1].enb != receiver:
            return f.enb_learnt
        else:
            prepared, after = False, first
        given = _byte_set(step.message.fields) & values | _byte_set(step.outcome.read) & values
        if not given:  # its record after holds what it derived from its record before
            return f.enb_learnt
        held = frozenset() if prepared else _byte_set(before) & values
        seen = given | _byte_set(step.ctx_after) & values
        if seen <= held:
            return f.enb_learnt
        consumers = self.consumers.of(derivations)
        by_kenb = _indexed(_all_by_kenb, completions, grows=True)
        reached = learnt(frozenset(), seen, derivations, len(derivations), consumers)
        found = {j for v in reached for j in by_kenb.get(v, ())
                 if j > after and completions[j].enb != receiver}
        if not found:
            return f.enb_learnt
        had = learnt(frozenset(), held, derivations, len(derivations), consumers)
        new = sorted(j for j in found if completions[j].kenb not in had)
        return (*f.enb_learnt, *((receiver, j, step.hop, step.message.kind) for j in new)
                ) if new else f.enb_learnt

    def _taught(self, f: Facts, step: Step, new: list[Derivation], public: frozenset[bytes],
                derivations: tuple[Derived, ...], values: Set[bytes],
                read: frozenset[bytes]) -> tuple[Knowledge, ...] | None:
        """The attackers after ``step``: what the receiver saw goes to those holding it, what
        the network ``read`` on an unprotected backhaul to the network attacker, a revealed
        key derived again to the attacker that holds its name, the ``public`` values that
        became a secret's too (``_everyone``) to all, and each closes its knowledge over the
        ``new`` derivations (None: no attacker changed)."""
        receiver = step.message.receiver
        holding = self.parties.of(f.attackers)
        if not new and receiver not in holding and not (read and NETWORK in holding):
            return None  # nothing derived, and no attacker sees what the receiver saw
        consumers = self.consumers.of(derivations)
        since = len(f.derivations)
        fresh = derivations[since:]
        found: list[frozenset[bytes]] = []  # what the receiver saw, found once

        def shown() -> frozenset[bytes]:
            if not found:
                found.append(_shown(step, values))
            return found[0]

        names = {d.name for d in fresh} | {i.name for d in fresh for i in d.derivation.inputs
                                           if not i.public}
        attackers, moved = list(f.attackers), []
        chains = self.parties.chains(f.attackers)
        if not new:  # then only what an attacker sees changes it: the receiver's holders,
            chains = [(c, shared) for c, shared in chains  # and the network what it read
                      if receiver in attackers[c[0]].entities
                      or (read and attackers[c[0]].name == NETWORK)]
        for chain, shared in chains:
            if shared is not None:
                a = attackers[chain[0]]
                sees = set(public)
                if not names.isdisjoint(a.entities):  # a revealed key, derived again
                    sees |= _named(fresh, a.entities)
                if receiver in a.entities:
                    sees |= shown()
                moved += self._taught_chain(f, chain, shared, sees, fresh, consumers)
                continue
            for n in chain:
                a = attackers[n]
                revealed = not names.isdisjoint(a.entities)
                seen = (_named(fresh, a.entities) - a.held  # a revealed key, derived again
                        if revealed else frozenset())
                if a.name == NETWORK:
                    seen |= read - a.held
                if receiver in a.entities:
                    seen |= shown() - a.held
                fed = [d for d in fresh if d.needs <= a.known]  # what it can derive anew
                if not seen and not public and not fed and not revealed \
                        and receiver not in a.entities:
                    break  # nor can the rest of its chain, which sees as little (``Parties``)
                if not seen and not public and all(d.output in a.known for d in fed):
                    continue  # the quick no: nothing new fires
                sees = seen | public
                # what it holds it knows: held - known is only what is new
                added = learnt(a.known, sees - a.known, derivations, since, consumers)
                if sees or added:
                    attackers[n] = Knowledge(  # not ``replace``: this runs per attacker
                        a.name, a.entities, a.hop, a.completed,
                        grown(a.held, sees) if sees else a.held,
                        grown(a.known, added) if added else a.known)
                    moved.append(n)
                    self.learnt[a.name] = added
        if not moved:
            return None
        moved.sort()
        result = tuple(attackers)
        self.parties.moved(f.attackers, result)
        self.moved = tuple(moved)
        return result

    def _taught_chain(self, f: Facts, chain: list[int], shared: Shared, sees: set[bytes],
                      fresh: Sequence[Derived], consumers: dict[bytes, list[Derived]]
                      ) -> list[int]:
        """``_taught`` for a chain with a record (``Shared``): its attackers all hold and
        know what they ``sees``, and each value derivable from what the first m of them know
        is known by the first m (a derivation's output by as many as know all its inputs).
        Its attackers read the record live; the places returned are those that learnt the
        KeNB of a completion before this step, and ``learnt`` has those KeNBs: all that the
        claims read of what an attacker learnt (``Event.new_keys``, its ``added``); what
        they know of later KeNBs they are asked about on completion (``Event.knowing``)."""
        size, held, known = shared.size, shared.held, shared.known
        for v in sees:
            if held.get(v, 0) < size:
                held[v] = size
        raised: dict[bytes, int] = {}  # each value known by more of them: by how many before
        queue: list[bytes] = []

        def lift(value: bytes, depth: int) -> None:
            was = known.get(value, 0)
            if depth > was:
                known[value] = depth
                raised.setdefault(value, was)
                queue.append(value)

        for v in sees:
            lift(v, size)
        for d in fresh:
            lift(d.output, min((known.get(n, 0) for n in d.needs), default=size))
        while queue:
            for d in consumers.get(queue.pop(), ()):
                lift(d.output, min(known.get(n, 0) for n in d.needs))
        if not raised:
            return []
        by_kenb = _indexed(_all_by_kenb, f.completions, grows=True)
        moved: set[int] = set()
        for v, was in raised.items():
            if v in by_kenb:
                for n in chain[was:known[v]]:
                    moved.add(n)
                    self.learnt.setdefault(f.attackers[n].name, set()).add(v)
        return list(moved)

    @staticmethod
    def _authentication(f: Facts, step: Step, changes: dict[str, Any]) -> None:
        """Who decided, sent and accepted what in ``step`` (the authentication claims)."""
        message, outcome, ctx = step.message, step.outcome, step.ctx_after
        if not outcome.accepted:
            return
        a = f.authentication
        new: dict[str, Any] = {}
        receiver, kind = message.receiver, message.kind
        sent = [m for m in outcome.sent if m.kind in REQUESTS]
        if sent:
            new["requests"] = _sending(a.requests, sent)
        if kind is Kind.RRC_MEASUREMENT_REPORT and ctx.handover is not None:
            handover = ctx.handover
            out = next(iter(outcome.sent), None)
            security = (out.get("AS-SecurityInformation", out.get("security", ()))
                        if out is not None else ())
            new["decisions"] = a.decisions | {
                Decision(step.hop, receiver, handover.target.name, security)}
            if handover.pending is not None:  # intra-eNB: the source is the target
                keys = handover.pending.as_keys
                session = Session(handover.target.name, handover.c_rnti, keys.kenb, keys.ncc)
                new["preparations"] = _preparing(a.preparations, Preparation(
                    receiver, step.hop, session, None, len(a.ue_runs)))
        elif kind in REQUESTS:
            session = Session(ctx.cell, ctx.c_rnti, ctx.keys.as_keys.kenb, ctx.keys.as_keys.ncc)
            new["preparations"] = _preparing(a.preparations, Preparation(
                receiver, step.hop, session, message, len(a.ue_runs)))
            new["requests"] = _accepting(new.get("requests", a.requests), message)
        elif kind is Kind.RRC_HANDOVER_COMMAND and receiver == UE:
            keys = ctx.keys.as_keys
            run = UeRun(len(a.ue_runs) + 1, step.hop,
                        Session(ctx.cell, ctx.c_rnti, keys.kenb, keys.ncc), outcome.sent[0])
            new["ue_runs"] = a.ue_runs | {run}
            confirms = _indexed(_by_confirm, a.ue_runs)
            if run.confirm not in confirms:  # its index: one more confirm (``ue_run``)
                _keep(_by_confirm, new["ue_runs"], {**confirms, run.confirm: run})
            _keep(_by_number, new["ue_runs"],  # and one more number (``last_run``)
                  {**_indexed(_by_number, a.ue_runs), run.number: run})
        elif kind is Kind.RRC_HANDOVER_CONFIRM and receiver != UE:
            run = a.ue_run(message)
            if run is not None:
                new["confirmed"] = a.confirmed | {(receiver, run.number)}
        if new:
            changes["authentication"] = replace(a, **new)

    @staticmethod
    def _derived(f: Facts, new: Sequence[Derivation], hop: int,
                 changes: dict[str, Any]) -> None:
        """``changes`` with the derivations ``new`` recorded."""
        new = [d for d in dict.fromkeys(new) if d not in f.recorded]
        changes["derivations"] = f.derivations + tuple(
            Derived(d, hop, frozenset(i.value for i in d.inputs if not i.public)) for d in new)

    def _completion(self, f: Facts, step: Step) -> Completion | None:
        """The initial KeNB once the serving eNB holds it; then each HO confirm accepted."""
        receiver, ctx = step.message.receiver, step.ctx_after
        if not f.completions:
            if receiver == self.initial_enb and getattr(ctx, "keys", None) is not None:
                return Completion(0, ctx.keys.as_keys.kenb, receiver, self.initial_cell, None)
            return None
        if step.message.kind is not Kind.RRC_HANDOVER_CONFIRM or not step.outcome.accepted:
            return None
        cell = ctx.cell
        source = self.topology.cell(f.completions[-1].cell)
        hop_type = self.topology.hop_type(source, self.topology.cell(cell))
        return Completion(len(f.completions), ctx.keys.as_keys.kenb, receiver, cell, hop_type,
                          step.hop)
