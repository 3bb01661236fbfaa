"""A finding of ``explore`` or ``verify`` as the hops and compromises of a ``check`` run.

``check`` runs its hops in order, each to completion (every message delivered first in, first
out), with its attacker compromised just before the first step of a hop, and edits named by
the hops (``:edit=``, ``hoverify.properties.hop_edits``). A trace maps onto that where it only
starts handovers, delivers, compromises and edits: each start is a hop to the cell it names
(``:early`` where the serving eNB decided it before the Path Switch Request Acknowledge of
the X2 hop before it arrived, TS 33.401 7.2.8.4.2, as the claim engine reads it:
``engine.decided_early``; ``check`` holds that acknowledgement back until the early hop is
over, and where the trace delivered it sooner the line's ``note`` says its race differs:
``races_otherwise``); a start whose Measurement Report the serving eNB did not take up
never started, and the line leaves it out (``leaves_out``),
each admission refusal of a hop's HandoverRequest that hop's ``:refused`` (an eNB's answer
to a request for a cell it does not serve, which a Target ID edit sends it, is the edit's:
``check`` delivers that request too, helper-165 #6),
each compromise one ``WHO@HOP`` in the handover it is counted in
(``Exploration.compromise_hop``: the last started, or the next once it ended, completed or
refused, which ``check`` compromises just before;
one after the last hop the trace starts is made in that hop, earlier: a stronger attacker,
and the line says so in its ``note``),
each edit a ``:edit=`` of its hop, named as ``Edit.name`` names it (``check`` has an edit
made by an eNB compromised from the edit's hop or earlier, ``runs.check_editors``: the eNB
that made an edit, compromised by the trace in a later hop (before the edit), is compromised
in the edit's hop, a stronger attacker the ``note`` names: ``sooner``; and it runs a hop's
edit before the next hop starts, where the trace made it after a later hop's HO confirm the
``note`` says so: ``edited_late``). A drop, duplicate,
replay or injection has no counterpart in ``check``: such a trace has no check line,
and the reason says which action it needs. Whether the hops found reproduce the finding is
for ``check`` itself to say: the caller runs them (``hoverify.cli``), and prints them only
if they do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from hoverify.properties.adversary import Adversary
from hoverify.properties.engine import decided_early
from hoverify.properties.exploration import Action, Exploration
from hoverify.properties.hop_edits import edit_name
from hoverify.statemachines.entity import VariantError
from hoverify.statemachines.messages import Kind
from hoverify.statemachines.scenario import HopSpec
from hoverify.statemachines.system import UE
from hoverify.statemachines.topology import Topology
from hoverify.statemachines.variant import KeySchedule

CHECK_KINDS = ("start", "deliver", "compromise", "edit", "refuse")  # the actions check has
STEP_WORDS = {"drop": "a drop", "duplicate": "a duplicate", "replay": "a replay",
              "inject": "an injection",
              "rewrite": "a rewrite (an old finding file's edit)"}  # the actions it has not


@dataclass(frozen=True)
class CheckHops:
    """The ``--hops`` and ``--compromise`` values of a check run, or why there are none."""

    hops: tuple[HopSpec, ...] = ()
    compromises: tuple[str, ...] = ()
    reason: str | None = None  # why the trace is no check run
    note: str | None = None  # where the check run differs from the trace: hops, attacker
    # each compromise of the trace: who, and the hop of ``hops`` it is counted in
    made: tuple[tuple[str, int], ...] = ()
    left_out: tuple[int, ...] = ()  # the trace's hops the line leaves out (``leaves_out``)
    # the ``:early`` hops of ``hops`` whose race the trace ran otherwise (``races_otherwise``)
    raced: tuple[int, ...] = ()
    # each compromise ``made`` in the hop of an edit it made, earlier than the trace: who,
    # and the hop of ``hops`` the trace counted it in (``compromised_sooner``)
    sooner: tuple[tuple[str, int], ...] = ()
    # each edit of a hop of ``hops`` the trace made after the HO confirm of a hop check
    # starts after it: the edited hop, the hop check delivers it before, and the latest hop
    # whose HO confirm the trace had before the edit (``edited_after``)
    edited_late: tuple[tuple[int, int, int], ...] = ()

    def earlier(self) -> tuple[CheckHops, ...]:
        """The same hops with the compromises made earlier, one hop at a time down to hop 1,
        each a stronger attacker that ``note`` names: for a finding that check does not give
        at the hop the trace compromised in, e.g. an eNB the UE left whose UE Context Release
        the trace held back (check delivers each hop's messages, the release included, before
        its next hop)."""
        latest = max((min(hop, len(self.hops)) for _, hop in self.made), default=1)
        return tuple(_compromised(self, hop) for hop in range(latest - 1, 0, -1))


def check_hops(variant: KeySchedule, trace: Sequence[Action], topology: Topology,
               kasme: bytes, adversary: Adversary) -> CheckHops:
    """The hops and compromises of ``trace`` (run again from the start to read them)."""
    exploration = Exploration(variant, topology, kasme, adversary=adversary)
    try:
        return _read(exploration, trace)
    finally:
        exploration.close()


def _read(exploration: Exploration, trace: Sequence[Action]) -> CheckHops:
    system, topology = exploration.system, exploration.system.topology
    hops: list[HopSpec] = []
    edits: list[list[str]] = []
    # each compromise: who, the hop it is counted in, the hops then under way
    compromises: list[tuple[str, int, frozenset[int]]] = []
    # each compromise an edit of an earlier hop needs sooner: who, the hop of that edit
    needed_in: dict[str, int] = {}
    # each edit made after a later hop's HO confirm: its hop, its message's kind, the
    # latest hop whose HO confirm came before it
    late: list[tuple[int, Kind, int]] = []
    refused: set[int] = set()  # the hops whose HandoverRequest was refused
    # the hops with messages in flight when a Path Switch Request Acknowledge of an earlier
    # hop was delivered
    acknowledged_during: set[int] = set()
    for number, action in enumerate(trace, 1):
        if action.kind not in CHECK_KINDS:
            # an injected message's text says its fields, long for one line: its number
            # only, as replay numbers the trace's actions
            step = (f"action {number}" if action.kind == "inject"
                    else f"action {number}: {action.text}")
            return CheckHops(reason=f"it needs {STEP_WORDS[action.kind]} ({step}), and check "
                                    "delivers each hop's messages in order, with no drop, "
                                    "duplicate, replay or injection")
        if action.kind == "start":
            cells = exploration.neighbours()
            cell = cells[action.index % len(cells)]
            source = topology.cell(system.entity(UE).ctx.cell)
            hops.append(HopSpec(topology.hop_type(source, cell), cell=cell.name))
            edits.append([])
        elif action.kind == "compromise":
            who = action.text.removeprefix("compromise ")
            if exploration.engine.facts.attacker(who) is None:  # again: it changes nothing
                compromises.append((who, exploration.compromise_hop(),
                                    frozenset(m.handover for m in system.in_flight)))
        elif action.kind == "edit":
            made = exploration.edit_made(action)
            assert made is not None, "a finding's edit was possible where it was made"
            message, edit = made
            edits[message.handover - 1].append(edit_name(message, edit))
            _edit_needs(exploration.edit_maker(action), message.handover, compromises,
                        needed_in)
            confirmed = [s.hop for s in system.steps if s.hop > message.handover
                         and s.message.kind is Kind.RRC_HANDOVER_CONFIRM]
            if confirmed:
                late.append((message.handover, message.kind, max(confirmed)))
        elif action.kind == "refuse":
            requests = exploration.requests()
            refused.add(system.in_flight[requests[action.index % len(requests)]].handover)
        steps = len(system.steps)
        try:
            exploration.apply(action)
        except VariantError:  # the finding itself (variant-error): its last action
            break
        for step in system.steps[steps:]:
            early = decided_early(step)
            if early is not None:  # the Measurement Report of hop ``step.hop`` was accepted
                hops[step.hop - 1] = replace(hops[step.hop - 1], early=early)
            if step.message.kind is Kind.S1AP_PATH_SWITCH_REQUEST_ACKNOWLEDGE:
                acknowledged_during.update(m.handover for m in system.in_flight
                                           if m.handover > step.hop)
    if not trace:  # a finding of the initial AS security (hop 0), which every check judges
        cell = exploration.neighbours()[0]
        source = topology.cell(system.entity(UE).ctx.cell)
        return CheckHops((HopSpec(topology.hop_type(source, cell), cell=cell.name),))
    if not hops:
        return CheckHops(reason="it starts no handover, and check runs at least one hop")
    # the hops the serving eNB took up (it accepted their Measurement Report, TS 36.331
    # 5.5.5): one it refused (busy with the hop before; or its MAC-I failed, sent before an
    # intra-eNB hop changed KRRCint, TS 33.401 7.2.8.4.1) or never received never started.
    # check runs each hop to its end before the next, so it has no such hop: the line leaves
    # them out and counts the hops without them; a trace that took up none keeps its hops
    # (check runs at least one: its finding is of a compromise or of hop 0)
    taken_up = {s.hop for s in system.steps
                if s.message.kind is Kind.RRC_MEASUREMENT_REPORT and s.outcome.accepted}
    unstarted = tuple(n for n in range(1, len(hops) + 1) if n not in taken_up)
    if len(unstarted) == len(hops):
        unstarted = ()
    kept = [n for n in range(1, len(hops) + 1) if n not in unstarted]
    assert not any(edits[n - 1] or n in refused for n in unstarted), (
        "an edit or a refused HandoverRequest in a hop whose Measurement Report was not taken up")
    specs = tuple(HopSpec(hops[n - 1].type, hops[n - 1].early, hops[n - 1].cell,
                          edits=tuple(edits[n - 1]), refused=n in refused) for n in kept)
    counted = tuple((who, _counted_in(hop, under_way, kept, unstarted))
                    for who, hop, under_way in compromises)
    made = tuple((who, kept.index(needed_in[who]) + 1 if who in needed_in else hop)
                 for who, hop in counted)
    # check compromises just before the first step of one of its hops: one after the last
    # hop the trace starts is made in that hop, earlier (review20: none at all lost the line
    # of a promised failure that the stronger attacker reproduces)
    raced = tuple(kept.index(n) + 1 for n in kept
                  if hops[n - 1].early and n in acknowledged_during)
    return _compromised(CheckHops(
        specs, made=made, left_out=unstarted, raced=raced,
        sooner=tuple(c for c, m in zip(counted, made, strict=True) if c != m),
        edited_late=_edited_late(late, hops, kept)), len(specs))


def _edited_late(late: Sequence[tuple[int, Kind, int]], hops: Sequence[HopSpec],
                 kept: Sequence[int]) -> tuple[tuple[int, int, int], ...]:
    """Of the edits ``late`` (the trace's hop, the message's kind, the latest hop whose HO
    confirm came before it), those ``check`` makes before that HO confirm: it delivers a
    hop's messages before its next hop starts, but the Path Switch Request Acknowledge that
    an ``:early`` next hop races, which it holds back until that hop is over (TS 33.401
    7.2.8.4.2, ``scenario.run_scenario``); numbered as the line's ``kept`` hops are
    (``CheckHops.edited_late``)."""
    said = []
    for hop, kind, confirmed in late:
        after = kept[kept.index(hop) + 1:]
        held = (kind is Kind.S1AP_PATH_SWITCH_REQUEST_ACKNOWLEDGE and bool(after)
                and hops[after[0] - 1].early)
        before = after[1:] if held else after
        if before and before[0] <= confirmed:
            said.append((kept.index(hop) + 1, kept.index(before[0]) + 1,
                         kept.index(confirmed) + 1))
    return tuple(dict.fromkeys(said))


def _edit_needs(maker: str | None, edited: int,
                compromises: Sequence[tuple[str, int, frozenset[int]]],
                needed_in: dict[str, int]) -> None:
    """Note in ``needed_in`` the eNB ``maker`` of an edit of a message of hop ``edited``
    where the trace counted its compromise in a later hop: ``check`` has an edit made by an
    eNB compromised from the edit's hop or earlier (``runs.check_editors``), so the line
    compromises it in hop ``edited``."""
    for who, hop, _ in compromises:
        if who == maker and hop > edited:
            needed_in[who] = min(needed_in.get(who, hop), edited)


def _counted_in(hop: int, under_way: frozenset[int], kept: Sequence[int],
                unstarted: Sequence[int]) -> int:
    """The hop of the check line a compromise counted in the trace's hop ``hop`` is made
    in, the trace's hops ``kept`` numbered from 1 (``unstarted``: those left out): one left
    out is counted in the kept hop before it where that was still ``under_way`` (it had
    messages in flight) when the trace compromised, else in the next kept hop, as any other
    (after the last: one more, which ``_compromised`` makes in the last, earlier)."""
    before = [k for k in kept if k < hop]
    if hop in unstarted and before and before[-1] in under_way:
        return len(before)
    return len(before) + 1


def _compromised(found: CheckHops, latest: int) -> CheckHops:
    """``found`` with each compromise ``made`` in the hop the trace made it in, or in hop
    ``latest`` where that is earlier (a stronger attacker); ``note`` says that, which hops
    of the trace the line leaves out (``left_out``), which ``:early`` hops race otherwise
    than the trace (``raced``), which compromises an edit needs sooner (``sooner``), and
    which edits the trace made after a later hop's HO confirm (``edited_late``)."""
    made, counted = found.made, dict(found.sooner)
    earlier = [f"{who} in hop {latest}, not {_as_the_trace(hop, latest)}: a stronger attacker"
               for who, hop in made if hop > latest and who not in counted]
    sooner = [compromised_sooner(who, min(hop, latest), hop, _as_the_trace(counted[who], latest))
              for who, hop in made if who in counted]
    said = [*([leaves_out(found.left_out)] if found.left_out else []),
            *([races_otherwise(found.raced)] if found.raced else []),
            *([edited_after(found.edited_late)] if found.edited_late else []),
            *sooner, *([f"compromises {'; '.join(earlier)}"] if earlier else [])]
    return replace(found, compromises=tuple(f"{who}@{min(hop, latest)}" for who, hop in made),
                   note=f"the check line {'; it '.join(said)}" if said else None)


def leaves_out(hops: Sequence[int]) -> str:
    """What a check line says of the trace's hops ``hops`` it leaves out (``_read``)."""
    many = len(hops) > 1
    return (f"leaves out hop{'s' if many else ''} {', '.join(map(str, hops))}, whose "
            f"Measurement Report{'s' if many else ''} the serving eNB did not take up (refused, "
            f"or never received: {'they' if many else 'it'} never started), and counts the "
            f"hops without {'them' if many else 'it'}")



def _as_the_trace(hop: int, latest: int) -> str:
    """When the trace compromised in hop ``hop``, said of a line of hops 1..``latest``."""
    return (f"in hop {hop}" if hop <= latest else f"after handover {hop - 1} completed"
            ) + " as the trace does"


def compromised_sooner(who: str, hop: int, edited: int, trace: str) -> str:
    """What a check line says of ``who``, compromised in hop ``hop`` for its edit of a
    message of hop ``edited``, where the trace compromised it later (``trace``, in
    ``_as_the_trace``'s words; ``_edit_needs``)."""
    return (f"compromises {who} in hop {hop}, not {trace}: it edits a message of hop "
            f"{edited} (:edit=), and check compromises an edit's eNB from the edit's hop or "
            "earlier: a stronger attacker")


def edited_after(edits: Sequence[tuple[int, int, int]]) -> str:
    """What a check line says of its hops' edits the trace made after the HO confirm of a
    hop ``check`` starts after them (``CheckHops.edited_late``): the edited message reaches
    its receiver before the UE moved on to that hop's keys, where in the trace the UE had
    (TS 36.331 5.3.5.4: the UE sends the HO confirm on the target's keys)."""
    return "; it ".join(
        f"runs hop {hop}'s edit (:edit=) before hop {before} starts, where the trace made it "
        f"after hop {confirmed}'s HO confirm (RRC Connection Reconfiguration Complete, "
        f"TS 36.331 5.3.5.4): the edited message reaches its receiver before the UE moves on "
        f"to hop {before}'s keys, not after" for hop, before, confirmed in edits)


def races_otherwise(hops: Sequence[int]) -> str:
    """What a check line says of its ``:early`` hops ``hops`` whose race the trace ran
    otherwise: ``check`` holds the Path Switch Request Acknowledge back until the early hop
    is over (``scenario.run_scenario``), where the trace delivered it while that hop was under
    way, so the source eNB takes it at another point of the race (TS 33.401 7.2.8.4.2)."""
    many, named = len(hops) > 1, ", ".join(map(str, hops))
    return (f"holds back the Path Switch Request Acknowledge{'s' if many else ''} that "
            f"hop{'s' if many else ''} {named} race{'' if many else 's'} until "
            f"{'each' if many else f'hop {named}'} is over (:early), where the trace delivered "
            f"{'them' if many else 'it'} while {'they were' if many else f'hop {named} was'} "
            "under way: a different race (TS 33.401 7.2.8.4.2)")
