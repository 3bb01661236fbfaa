"""``hoverify replay`` and the reasons claims hold: runs replayed from a saved action list.

Nothing here draws examples: a replay runs the recorded actions through ``Exploration`` step
by step, so ``replay``, ``verify`` and ``report`` need no Hypothesis (the search that draws
them is ``hoverify.properties.explore``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from hoverify.properties.adversary import DEFAULT, Adversary
from hoverify.properties.attacker import Attacker
from hoverify.properties.claims import ClaimResult, never_completed
from hoverify.properties.downgrade import Edit
from hoverify.properties.evaluate import claim_results
from hoverify.properties.exploration import (
    EDIT_KINDS,
    EXPLORATION_KASME,
    Action,
    Exploration,
    Finding,
    no_handover,
    served_reason,
    tested_by_served,
    variant_error_finding,
)
from hoverify.properties.hop_edits import TITLES, edit_step, no_edit, sent_otherwise
from hoverify.statemachines.entity import VariantError
from hoverify.statemachines.messages import Interface, Kind
from hoverify.statemachines.names import word_list
from hoverify.statemachines.system import UE, Step, first_refusals
from hoverify.statemachines.topology import HopType, Topology, small_topology
from hoverify.statemachines.variant import KeySchedule


class ReplayStopped(Exception):
    """A replay that a variant error stopped: ``finding``, the finding variant-error, its
    trace the actions up to the one that raised; ``before``, what the actions before that
    one found (they ran)."""

    def __init__(self, finding: Finding, before: list[Finding]) -> None:
        super().__init__(finding.detail)
        self.finding = finding
        self.before = before


class ReplayNotPossible(Exception):
    """A strict replay that reached a step the variant no longer allows, where that is the
    variant's doing: a saved edit of a field it no longer sends as the step found it
    (``sent_otherwise``), or, on another variant than the recorded one, any step after an
    edit: the attack as saved is not possible on this variant. ``done``, the actions made
    before it, and ``before``, what they found; the message says which step and why."""

    def __init__(self, reason: str, done: tuple[Action, ...], before: list[Finding]) -> None:
        super().__init__(reason)
        self.done = done
        self.before = before


# What replay says of a step that the variant it was recorded on does not make as saved.
NOT_ITS_VARIANT = ("the file does not match the variant it was recorded on (corrupt, or saved "
                   "by another version of the model)")
# ... and of a step that no variant makes (``never_recorded``), on a fix too
NO_VARIANT = ("no variant of the model records that step: the file is corrupt, or saved by "
              "another version of the model")
# who exchanges the messages of each interface (TS 36.413: S1AP, an eNB and an MME;
# TS 36.423: X2AP, two eNBs; TS 36.331: RRC, the UE and an eNB; TS 29.274: GTPv2 on S10,
# two MMEs)
PEERS = {Interface.S1: ("enb", "mme"), Interface.X2: ("enb", "enb"),
         Interface.UU: ("enb", "ue"), Interface.S10: ("mme", "mme")}


def replay(variant: KeySchedule, actions: Sequence[Action],
           topology: Topology | None = None, kasme: bytes = EXPLORATION_KASME,
           strict: bool = False, adversary: Adversary = DEFAULT,
           recorded: bool = True) -> Exploration:
    """Run ``actions`` from the start, under the attacker model they were found under; with
    ``strict`` each action must do what its text says. ``recorded``: ``variant`` is the one
    the trace was recorded on, so the model has not changed under it; any step that does
    not do what it says is then a ValueError. On another variant (a fix: ``replay
    --variant-file``; replay37) what it sends or does otherwise is the fix's doing: a saved
    edit is made as named, on the field it names, whatever value the variant sends there
    (the attacker sets the value it set), and where the message no longer allows it
    (``sent_otherwise``), or a step after an edit does not do what it says (the fix
    refused what the edit made), ``ReplayNotPossible``. A variant error raises
    ``ReplayStopped``."""
    exploration = Exploration(variant, topology or small_topology(), kasme,
                              adversary=adversary)
    edited: tuple[int, int] | None = None  # the first edit: its action, and deliveries before
    for number, action in enumerate(actions, start=1):
        otherwise = _sent_otherwise(exploration, action) if strict else None
        if otherwise is not None and recorded:
            exploration.close()
            raise ValueError(f"action {number}, {action.text!r}: {otherwise}: {NOT_ITS_VARIANT}")
        try:
            done = exploration.apply(action) if _enabled(exploration, action) else None
        except VariantError as error:
            stopped = ReplayStopped(variant_error_finding(error, tuple(exploration.trace)),
                                    exploration.findings())
            exploration.close()
            raise stopped from error
        if strict and (done is None or (not action.done_by(done) and otherwise is None)):
            # after the edit a fix may refuse what follows (NOT reproduced), but not make a
            # step no variant records
            corrupt = None if edited is None else never_recorded(exploration.system.topology,
                                                                 action)
            stop = (ValueError(f"action {number}, {action.text!r}: {corrupt}: {NO_VARIANT}")
                    if corrupt is not None else
                    _diverged(exploration, number, action, done, otherwise,
                              None if recorded else edited))
            exploration.close()
            raise stop
        if edited is None and done is not None and done.kind in EDIT_KINDS:
            edited = number, len(exploration.system.steps)
    return exploration


def never_recorded(topology: Topology, action: Action) -> str | None:
    """Why no run of the model on ``topology`` records ``action`` as its text says it,
    whatever the variant: a variant computes keys and the fields of messages, never which
    messages the entities exchange, nor the parties and cells (``KeySchedule``). So a step
    naming a message the model has not, between parties that do not exchange it (an X2AP
    message from an MME), a party or cell not in the topology, or an edit whose words no
    edit writes, is corrupt on a fix as on the recorded variant (edit38). None where some
    variant may record it: everything else a fix may change."""
    roles = {UE: "ue", **dict.fromkeys(topology.enbs, "enb"),
             **dict.fromkeys(topology.mmes, "mme")}

    def message(text: str) -> str | None:
        title, _, ends = text.rpartition(" ")
        sender, arrow, receiver = ends.partition("->")
        kind = TITLES.get(title)
        if kind is None or not arrow:
            return f"{text!r} is no message of the model"
        unknown = [p for p in (sender, receiver) if p not in roles]
        if unknown:
            return f"{unknown[0]!r} is no party of the topology"
        if sorted((roles[sender], roles[receiver])) != sorted(PEERS[kind.interface]):
            return (f"no {kind.title} goes from {sender} to {receiver} "
                    f"({kind.interface}: {word_list(PEERS[kind.interface])})")
        return None

    kind, text = action.kind, action.text
    if kind in ("deliver", "drop", "duplicate", "replay"):
        return message(text.removeprefix(f"{kind} "))
    if kind == "refuse":
        return message(text.partition(" refuses ")[2])
    if kind == "start":
        cell, _, hop = text.removeprefix("start handover to ").partition(" (")
        if cell not in {c.name for c in topology.cells}:
            return f"{cell!r} is no cell of the topology"
        return None if hop.removesuffix(")") in set(HopType) else f"{hop!r} is no hop type"
    if kind in EDIT_KINDS:
        who, said, edited = edit_step(text)
        wrong = message(edited)
        if wrong is not None:
            return wrong
        if roles.get(who) != "enb" or who not in edited.rpartition(" ")[2].split("->"):
            return f"{who!r} is no eNB at an end of {edited}"
        return None if Edit.Said.from_text(said) else f"{said!r} is no edit"
    return None


def _sent_otherwise(exploration: Exploration, action: Action) -> str | None:
    """How the message the saved edit ``action`` picks differs from what its step found
    (``sent_otherwise``); None for any other action, or where nothing differs."""
    there = exploration.edit_there(action) if action.kind in EDIT_KINDS and action.edit else None
    if there is None:
        return None
    message, names = there
    said = exploration.step_said(message, action.text)
    return None if said is None else sent_otherwise(message, action.edit, said,
                                                    action.edit in names)


def _diverged(exploration: Exploration, number: int, action: Action, done: Action | None,
              otherwise: str | None, edited: tuple[int, int] | None) -> Exception:
    """Why action ``number``, ``action``, did not do what it says (``done``: what it did;
    ``otherwise``: how the message it edits differs from what it found; ``edited``: on
    another variant than the recorded one, the first edit made, by its action's number and
    the model's deliveries before it)."""
    if otherwise is not None:
        return ReplayNotPossible(f"action {number}, the saved edit {action.edit!r}, is no "
                                 f"longer possible: {otherwise}", tuple(exploration.trace),
                                 exploration.findings())
    got = repr(done.text) if done else "nothing (not possible in this state)"
    if done is not None and done.kind == "inject":  # its words may name another message too
        got += f", a message of digest {done.digest} (saved: {action.digest or 'none'})"
    if edited is not None:
        at, delivered = edited
        refused = [s for s in exploration.system.steps[delivered:] if not s.outcome.accepted]
        why = "".join(f" ({s.message.receiver} refused {s.message}: {s.outcome.reason})"
                      for s in refused[-1:])
        return ReplayNotPossible(f"action {number}, {action.text!r}, is no longer possible after "
                                 f"the edit of action {at}: the model did {got}{why}",
                                 tuple(exploration.trace[:number - 1]),
                                 [f for f in exploration.findings() if len(f.trace) < number])
    there = (exploration.edit_there(action)
             if done is None and action.kind in EDIT_KINDS and action.edit else None)
    if there is None:
        return ValueError(f"replay diverged at {action.text!r} (action {number}): the model did "
                          f"{got}")
    message, names = there
    return ValueError(f"replay diverged at {action.text!r} (action {number}): the saved edit "
                      f"is not possible there: {no_edit(message, action.edit, names)})")


def replayed_claim(exploration: Exploration, claim: str) -> ClaimResult | None:
    """``claim`` over the run ``exploration`` replayed, as ``check`` judges a finished run
    (``hoverify.properties.evaluate.claim_results``): what it says now on that trace, holding
    or failing; None for a name no claim has (variant-error)."""
    system, topology = exploration.system, exploration.system.topology
    # each hop's type: the UE's cell when it measured (its record after the measurement)
    # and the cell it measured
    hop_types = {topology.hop_type(topology.cell(step.ctx_after.cell),
                                   topology.cell(str(dict(step.message.fields)["cell"])))
                 for step in system.steps if step.message.kind is Kind.MEASUREMENT_TRIGGER}
    result = claim_results(exploration.engine, hop_types).get(claim)
    if result is None:
        return None
    names = _check_names(exploration)
    return replace(result, verdicts=tuple(replace(v, attacker=names.get(v.attacker, v.attacker))
                                          for v in result.verdicts))


def _check_names(exploration: Exploration) -> dict[str, str]:
    """Each attacker of the run by check's name for it (the exploration's engine names it by
    its party)."""
    return {a.name: str(Attacker.holding(a.entities, a.hop))
            for a in exploration.engine.facts.attackers if a.entities}


def _served(exploration: Exploration) -> frozenset[str]:
    """By check's names, the attackers of the run holding an eNB that served the UE
    (``Facts.served``)."""
    facts, names = exploration.engine.facts, _check_names(exploration)
    return frozenset(names[a.name] for a in facts.serving_attackers())


def _holding_enbs(exploration: Exploration) -> frozenset[str]:
    """By check's names, the attackers of the run holding an eNB, whether it served the UE
    or not."""
    facts, names = exploration.engine.facts, _check_names(exploration)
    enbs = exploration.system.topology.enbs
    return frozenset(names[a.name] for a in facts.attackers if not a.entities.isdisjoint(enbs))


def unfinished(exploration: Exploration) -> list[tuple[int, Step | None]]:
    """Each handover the run started and never completed, with the first message refused
    in it (``first_refusals``), or None where nothing refused it (it had not completed when
    the trace ends: helper-204 #4): it made no KeNB the claims count (``Facts.hop_of``), so
    a verdict on "derives 1 hop on: the later KeNB of hop 2" reads right once it is said
    (helper-198 #4: nothing said that hop 1 ended refused)."""
    refused = first_refusals(exploration.system.steps)
    return [(hop, refused.get(hop)) for hop in never_completed(exploration.engine.facts)]


@dataclass(frozen=True)
class Exercised:
    """A claim no run of a search violated, over the run its reason is judged on
    (``trace``; ``exercised`` says which), as ``check`` judges a finished run (``result``,
    holding): its first verdict's detail and cut are the reason it holds (what the attacker
    lacks). ``on_served_run``: the run is the shortest in which a compromised eNB served the UE,
    and that verdict that attacker's, one the run tested (``served_reason``). ``unserved``:
    the run is the claim's shortest, and that verdict a compromised eNB's, as the search saw
    no run on which a compromised eNB that served the UE has a verdict of it that the run
    tested (helper-229 #1: the reason says so, not only which eNB)."""

    trace: tuple[Action, ...]
    result: ClaimResult
    on_served_run: bool
    unserved: bool = False


def exercised(variant: KeySchedule, topology: Topology, adversary: Adversary,
              traces: dict[str, tuple[Action, ...]],
              served_runs: dict[str, tuple[Action, ...]]) -> dict[str, Exercised]:
    """Each claim of ``traces`` (a claim no run violated -> the shortest trace in which its
    situation arose) judged on the strongest run it has: the shortest in which its situation
    arose and a compromised eNB that served the UE has a holding verdict of it that the run
    tested (``served_runs``, the search's other candidate, kept by
    ``exploration.served_reason``; ``tested_by_served``, put first: the reason): the eNBs a
    claim about a handover speaks of are its source and target (TS 33.401 7.2.8.1), which the
    stronger reason names; else its shortest trace (``Exercised.unserved`` where its reason
    there is a compromised eNB's all the same). Each trace is replayed through the
    engine once (``replayed_claim``: the claim's own holding verdicts, as ``check`` and
    ``replay`` give them). A trace ends where the situation arose, not where its handovers
    end, and its holding verdicts are taken: a failure on it would be the search's finding
    (a handover it left under way is not judged unfinished: messages are still in flight). A
    claim whose trace stops at a variant error (the search's finding) has none. One with no
    holding verdict on its shortest trace, where its situation arose and no run of the search
    violated it, is a bug of the model or of the claim: it raises."""
    judged: dict[str, Exercised] = {}
    strongest = {claim: trace for claim, trace in served_runs.items() if claim in traces}
    for candidates, serving in ((strongest, True), (traces, False)):
        for trace in dict.fromkeys(candidates.values()):
            claims = [name for name, kept in candidates.items()
                      if kept == trace and name not in judged]
            if not claims:
                continue
            try:
                exploration = replay(variant, trace, topology, EXPLORATION_KASME,
                                     adversary=adversary)
            except ReplayStopped:
                continue
            try:
                attackers = _served(exploration) if serving else _holding_enbs(exploration)
                for claim in claims:
                    result = replayed_claim(exploration, claim)
                    holding = [] if result is None else [v for v in result.verdicts if v.holds]
                    if serving:  # a verdict that holds, not one the run could not test
                        theirs = tested_by_served(holding, attackers)
                        if not theirs:
                            continue  # judged on its shortest trace
                        holding = theirs + [v for v in holding if v.attacker not in attackers]
                    if result is None or not holding:
                        raise AssertionError(
                            f"{claim} on the shortest run in which its situation arose, which "
                            f"no run violates, has no holding verdict: {result}")
                    judged[claim] = Exercised(trace, replace(result, verdicts=tuple(holding)),
                                              serving, not serving and holding[0].attacker
                                              in attackers)
            finally:
                exploration.close()
    return judged


def replayed_findings(variant: KeySchedule, actions: Sequence[Action],
                      topology: Topology, adversary: Adversary = DEFAULT) -> list[Finding]:
    """What replaying ``actions`` finds, each re-aimed by its text (``_anchored``); a
    variant error ends the replay as its finding."""
    exploration = Exploration(variant, topology, EXPLORATION_KASME, adversary=adversary)
    try:
        for _ in _anchored_replay(exploration, actions):
            pass
    except VariantError as error:
        return [variant_error_finding(error, tuple(exploration.trace))]
    finally:
        exploration.close()
    return exploration.findings()


def arising_run(variant: KeySchedule, actions: Sequence[Action], topology: Topology,
                adversary: Adversary, claim: str, *, started: bool,
                serving: bool) -> tuple[Action, ...] | None:
    """The run ``actions`` replayed (each re-aimed by its text, ``_anchored``), up to the
    action that made ``claim``'s situation arise on a run of the kind ``ShortestRuns``
    keeps a claim's reason on: one that started a handover (``started``: else any), in
    which a compromised eNB that served the UE has a verdict of ``claim`` that the run
    tested (``serving``: else any; ``served_reason``); None where it never
    does, or a variant error ends the run."""
    exploration = Exploration(variant, topology, EXPLORATION_KASME, counts=Counter(),
                              adversary=adversary)
    try:
        for _ in _anchored_replay(exploration, actions):
            if exploration.engine.counts[claim] and not (started and no_handover(exploration)) \
                    and (not serving or served_reason(exploration, claim)):
                return tuple(exploration.trace)
    except VariantError:
        return None
    finally:
        exploration.close()
    return None


def _anchored_replay(exploration: Exploration, actions: Sequence[Action]) -> Iterator[None]:
    """Apply ``actions`` to ``exploration``, each re-aimed by its text (``_anchored``) and
    left out where that is not possible; after each applied, yields."""
    for recorded in actions:
        action = _anchored(exploration, recorded)
        if action is not None and _enabled(exploration, action):
            exploration.apply(action)
            yield


def _anchored(exploration: Exploration, action: Action) -> Action | None:
    """``action`` aimed by its text at the same message (or cell) in this state, so that
    removing an earlier action does not change what a later one does; None when that
    message is not there. Refusals (and the flips of older files, ``rewrite``) keep their
    index."""
    kind = action.kind
    if kind in ("deliver", "drop", "duplicate"):
        texts = [f"{kind} {m}" for m in exploration.system.in_flight]
    elif kind == "replay":
        texts = [f"replay {m}" for m in exploration.history]
    elif kind == "start":
        texts = [f"start handover to {c.name} " for c in exploration.neighbours()]
        return next((replace(action, index=i) for i, t in enumerate(texts)
                     if action.text.startswith(t)), None)
    elif kind == "edit":
        at = exploration.edit_texts().get(action.text)
        return replace(action, index=at[0], leaf=at[1]) if at is not None else None
    else:
        return action
    return replace(action, index=texts.index(action.text)) if action.text in texts else None


def _enabled(exploration: Exploration, action: Action) -> bool:
    needs_in_flight = {"deliver", "drop", "duplicate"}
    if action.kind in needs_in_flight and not exploration.system.in_flight:
        return False
    return not (action.kind in ("replay", "inject") and not exploration.history)
