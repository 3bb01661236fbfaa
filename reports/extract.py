"""From a finished run and its evaluation to the report's plain data (``hoverify.reports.data``).

This module reads the model (the trace, the key graph, the verdicts, attacker closures); it
runs nothing. Which runs exist and which verdict gets a counterexample is decided by the
caller (``hoverify.report_job``).
"""

from __future__ import annotations

from itertools import accumulate

from hoverify.properties.analysis import Analysis
from hoverify.properties.attacker import Attacker, Compromise
from hoverify.properties.claims import ClaimResult, Verdict
from hoverify.properties.graph import DERIVATION, KEY, value_node
from hoverify.properties.labels import derivation_line
from hoverify.properties.promises import FORWARD
from hoverify.reports.data import (
    BROKEN,
    DERIVES,
    FAILS,
    HOLDS,
    NA,
    SERVES,
    VACUOUS,
    Cell,
    Derivability,
    GraphData,
    GraphNode,
    Msc,
    MscMessage,
    MscNote,
)
from hoverify.statemachines.messages import Interface, Kind, Labels, describe_fields
from hoverify.statemachines.scenario import Run
from hoverify.statemachines.system import UE, Step


def status(claim: ClaimResult | None) -> str:
    if claim is not None and claim.vacuous:
        return VACUOUS
    if claim is None or not claim.verdicts:
        return NA
    return HOLDS if claim.holds else BROKEN if claim.promise_broken else FAILS


def na_text(claim: ClaimResult | None) -> str:
    """Why a cell has no verdict, in short, before the reasons ``check`` gives ("not judged:
    ...", "its situation never arose ..."). It read "the claim does not apply", then "its
    situation never arose" (helper-216 #2)."""
    if claim is None:
        return "no verdict: the variant has nothing this claim judges"
    return "no verdict" if claim.not_judged else "no verdict: not promised here"


def verdict_line(verdict: Verdict) -> str:
    return f"hop {verdict.hop}, {verdict.attacker}: {verdict.detail}"


def cell(claim: ClaimResult | None, counterexample: str | None) -> Cell:
    state = status(claim)
    if claim is None or state == NA:
        return Cell(NA, na_text(claim))
    if state == VACUOUS:
        return Cell(VACUOUS, "promised, but the situation it speaks of never arose in this "
                             "scenario: not exercised")
    shown = claim.shown
    # forward security measures the reach of its failures (not the network's or KASME's,
    # which count from no legitimate KeNB), else of the verdicts that hold
    measured = [v for v in claim.verdicts if v.n_hops is not None
                and (claim.holds or not v.holds)] if claim.name == FORWARD else []
    unpromised = shown.unpromised if shown is not None and state == FAILS else None
    if not measured:
        return Cell(state, verdict_line(shown or claim.verdicts[0]), None, False,
                    counterexample, claim.outside,
                    former_serving=state == BROKEN and claim.broken_by_former_serving,
                    unpromised=unpromised)
    n = max(v.n_hops for v in measured if v.n_hops is not None)
    widest = [v for v in measured if v.n_hops == n]
    open_ended = any(v.open_ended for v in widest)
    # the line shown is a verdict the measure comes from, "so far" included (helper-263: "holds,
    # 2-hop so far" showed an attacker kept from the KeNB 2 hops on, the "so far" another's)
    measure = next(v for v in widest if v.open_ended == open_ended)
    # the promise (n hops) never put to the test: said, not read as a plain "holds"
    return Cell(state, verdict_line(shown or measure), n, open_ended, counterexample,
                claim.outside, untested=claim.untested, unpromised=unpromised)


# -- message sequence charts ------------------------------------------------------------------
def participants(run: Run, steps: list[Step]) -> tuple[str, ...]:
    """The UE, then the eNBs and MMEs that take part, in topology order."""
    present = {name for s in steps for name in (s.message.sender, s.message.receiver)}
    order = (UE, *run.topology.enbs, *run.topology.mmes)
    return tuple(name for name in order if name in present)


def msc(msc_id: str, title: str, run: Run, labels: Labels, first_hop: int, last_hop: int,
        compromises: tuple[Compromise, ...] = (), rewritten_step: int | None = None,
        rewrite_note: str = "", closing: tuple[MscNote, ...] = ()) -> Msc:
    """The trace of hops ``first_hop``..``last_hop`` (0: the AS security set-up)."""
    steps = [s for s in run.system.steps if first_hop <= s.hop <= last_hop]
    started = list(accumulate((s.hop if s.message.interface is Interface.LOCAL else 0
                               for s in run.system.steps), max))  # per step, in the whole run
    names = participants(run, steps)
    everyone = (names[0], names[-1])

    def over(who: tuple[str, ...]) -> tuple[str, ...]:
        """A note over these lanes, or across the chart for a revealed key (KASME) or a party
        with no message in it."""
        return who if set(who) <= set(names) else everyone

    events: list[MscMessage | MscNote] = []
    announced: set[Compromise] = set()
    replayed = {number for number, _ in run.replayed}
    for step in steps:
        message = step.message
        if message.interface is Interface.LOCAL:
            events.append(MscNote(everyone, _stimulus(run, step)))
            for compromise in compromises:
                if compromise not in announced and compromise.hop <= step.hop:
                    announced.add(compromise)
                    events.append(MscNote(over((compromise.entity,)),
                                          f"{compromise.entity} compromised from hop "
                                          f"{compromise.hop}", alarm=True))
            continue
        if step.number == rewritten_step:
            events.append(MscNote((message.receiver,), rewrite_note, alarm=True))
        events.append(_message(step, labels, step.number == rewritten_step,
                               step.number in replayed, started[step.number]))
    events.extend(MscNote(over(note.over), note.text, note.alarm) for note in closing)
    compromised = tuple(sorted({c.entity for c in compromises} & set(names)))
    return Msc(msc_id, title, names, compromised, tuple(events))


def _stimulus(run: Run, step: Step) -> str:
    if step.message.kind is Kind.AS_SECURITY_TRIGGER:
        return f"AS security set-up at {run.initial_enb} ({run.initial_cell})"
    hop = run.hops[step.hop - 1]
    early = " (started before the previous Path Switch Ack)" if hop.spec.early else ""
    return (f"hop {hop.number}: {hop.spec.type.value} handover {hop.source_enb} → "
            f"{hop.target_enb} ({hop.target_cell.name}){early}")


def _message(step: Step, labels: Labels, rewritten: bool, replayed: bool,
             started: int) -> MscMessage:
    """A delivery; a replayed copy, or a message delivered after a later handover began,
    says which handover it belongs to (the hop its claims judge it in)."""
    message, outcome = step.message, step.outcome
    remark = (f"hop {step.hop}'s, replayed by the attacker" if replayed else
              f"hop {step.hop}'s, delivered after hop {started} began"
              if step.hop < started else "")
    uu = message.interface is Interface.UU
    shown = outcome.read if uu and outcome.accepted else message.fields
    fields = describe_fields(shown, labels)
    protection = ", ".join(message.protected_by) or "none"
    tooltip = (f"step {step.number}: {message.kind.title} ({message.kind.clause}), "
               f"{message.sender} -> {message.receiver}; protected by {protection}"
               + (f"; content read: {fields}" if uu and outcome.accepted else
                  f"; fields: {fields}" if fields else "")
               + ("" if outcome.accepted else f"; REFUSED: {outcome.reason}")
               + (f"; {remark}" if remark else ""))
    return MscMessage(message.sender, message.receiver, message.kind.title, fields, tooltip,
                      outcome.accepted, outcome.reason, rewritten, replayed, remark)


def labels_of(analysis: Analysis) -> Labels:
    graph = analysis.graph

    def label(value: bytes) -> str | None:
        node = value_node(value)
        return graph.label(node) if node in graph.graph else None

    return label


# -- the key graph -------------------------------------------------------------------------------
def key_graph(analysis: Analysis, attacker: Attacker, title: str) -> GraphData:
    """Every value and derivation of the run; ``derived``: in the attacker's closure."""
    g = analysis.graph.graph
    known = analysis.closure(attacker).known
    ids = {node: f"n{i}" for i, node in enumerate(g.nodes)}
    nodes = []
    for node, attrs in g.nodes(data=True):
        if attrs["kind"] == DERIVATION:
            output = next(iter(g.successors(node)))
            args = ", ".join(analysis.graph.label(n) if g.nodes[n]["kind"] == KEY else name
                             for name, n in attrs["inputs"])
            nodes.append(GraphNode(
                ids[node], DERIVATION, "KDF", attrs["hop"], tuple(sorted(attrs["computed_by"])),
                all(n in known for n in g.predecessors(node)), clause=attrs["clause"],
                text=derivation_line(analysis.graph.label(output), attrs["output_name"],
                                     args, attrs["clause"])))
        else:
            nodes.append(GraphNode(ids[node], attrs["kind"], analysis.graph.label(node),
                                   attrs["hop"], tuple(sorted(attrs["holders"])), node in known,
                                   value=node[1].hex()))
    columns = (f"set-up at {analysis.run.initial_enb}",
               *(f"hop {h.number} {h.spec} {h.source_enb}→{h.target_enb}"
                 for h in analysis.run.hops))
    return GraphData(title, str(attacker), columns, tuple(nodes),
                     tuple((ids[u], ids[v]) for u, v in g.edges))


# -- who derives what -----------------------------------------------------------------------------
def derivability(analysis: Analysis) -> Derivability:
    """For each eNB and MME of the run, compromised from the hop in which it first takes part
    in the trace: the hops whose KeNB it held (serves) or can derive."""
    run = analysis.run
    first: dict[str, int] = {}
    for step in run.system.steps:
        for name in (step.message.sender, step.message.receiver):
            first.setdefault(name, step.hop)
    entities = [n for n in (*run.topology.enbs, *run.topology.mmes) if n in first]
    hops = tuple(sorted(analysis.kenb))
    rows = []
    for entity in entities:
        attacker = Attacker((Compromise(entity, first[entity]),))
        rows.append((entity, first[entity], tuple(
            SERVES if analysis.serving[j] == entity
            else DERIVES if analysis.derivable(attacker, j) else "" for j in hops)))
    return Derivability(hops, tuple(analysis.serving[j] for j in hops), tuple(rows))
