"""Run a sequence of handovers in order on a topology: the ``hoverify run`` scenario.

A hop is written as its type (``x2``, ``s1``, ``s1-inter``, ``intra-enb``), optionally
followed by ``@CELL``, the target cell (``x2@enb-3/cell-2``; without it the runner picks a
neighbour of that type, by the seed), then optionally by ``:early``: that handover starts
before the previous handover's Path Switch Request Acknowledge is delivered (TS 33.401
7.2.8.4.2, the known race); the held acknowledgement is delivered once the early handover is
over. So ``x2@enb-3/cell-2:early``, never ``x2:early@enb-3/cell-2``. A suffix ``:replay``
(after the cell too, in either order with ``:early``): once that hop is over, the adversary
replays the HandoverRequest of the hop before it (X2AP or S1AP) to the eNB it was sent to, the
previous hop's target: a stale request that NDS/IP's anti-replay would stop on a protected
backhaul (TS 33.210); the run records it (``Run.replayed``) so the claims can tell. A suffix
``:edit=MESSAGE/EDIT`` (after the cell, any number of them, in any order with the others)
names a change a compromised eNB makes to the first MESSAGE of that hop (e.g.
``s1:edit=HandoverRequired/security/UE supports KeNB*+=False``): the runner keeps the text;
the adversary's code reads it and makes the change through the ``rewrite`` hook
(``hoverify.properties.hop_edits``), and the run records each changed message
(``Run.edited``). A suffix ``:refused`` (after the cell, in any order with the others): the
eNB the hop's first HandoverRequest reaches (its target, unless an edit named another)
refuses it (admission control: TS 36.423 8.2.1.3, TS 36.413
8.4.2.3), so the preparation fails and the UE stays where it is; the run records the refusal
(``Run.refused``), which is an adversary action, and a compromised target has read the
request it refuses.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from hoverify.statemachines.derivation import Derivation
from hoverify.statemachines.messages import Kind, Message
from hoverify.statemachines.names import did_you_mean
from hoverify.statemachines.system import UE, System
from hoverify.statemachines.topology import Cell, HopType, Topology, default_topology
from hoverify.statemachines.variant import AsKeys, KeySchedule

DEFAULT_KASME = bytes.fromhex(
    "238e457e0f758badbca8d34bb2612c10428d426757cb5553b2b184fa64bfc549")  # open5gs vector
EARLY = ":early"
REPLAY = ":replay"
REFUSED = ":refused"
EDIT = ":edit="
AT = "@"
REQUESTS = (Kind.X2AP_HANDOVER_REQUEST, Kind.S1AP_HANDOVER_REQUEST)
WORDS = (EARLY, REPLAY, REFUSED)  # the suffixes that take no value
SUFFIXES = (*WORDS, EDIT)
Rewrite = Callable[[int, Message], Message]


class HopError(ValueError):
    """A hop the command line cannot run, said as "hop N TEXT: problem": N counts the hops
    of the whole list from 1, so that a hops file can name the line of hop N."""

    def __init__(self, number: int, hop: HopSpec | str, problem: str) -> None:
        super().__init__(f"hop {number} {hop}: {problem}" if str(hop)
                         else f"hop {number} {problem}")
        self.number, self.hop, self.problem = number, hop, problem


class RouteError(HopError):
    """A hop the topology cannot realise (``route``), found before anything runs."""


@dataclass(frozen=True, slots=True)
class HopSpec:
    type: HopType
    early: bool = False
    cell: str | None = None  # the target cell, when the hop names one
    replay: bool = False  # after it, the previous hop's HandoverRequest is replayed
    edits: tuple[str, ...] = ()  # MESSAGE/EDIT: what a compromised eNB changes in the hop
    refused: bool = False  # the eNB the hop's first HandoverRequest reaches refuses it

    @classmethod
    def parse(cls, text: str) -> HopSpec:
        text = text.strip()
        head, *rest = text.split(":")
        suffixes: list[str] = []
        for part in rest:  # an edit's text may hold a colon: it runs to the next suffix
            suffix = ":" + part
            if suffixes and suffixes[-1].startswith(EDIT) and not (
                    suffix in WORDS or suffix.startswith(EDIT)):
                suffixes[-1] += suffix
            else:
                suffixes.append(suffix)
        for suffix in suffixes:
            word, misplaced, cell = suffix.partition(AT)
            if misplaced and word in WORDS:
                raise ValueError(f"the cell comes before {word!r}, as in "
                                 f"'{head}{AT}{cell}{word}'")
            lacking = _edit_lacks(suffix) if suffix.startswith(EDIT) else None
            if lacking is not None:
                raise ValueError(f"{suffix!r} names no {lacking}: "
                                 f"'{EDIT}MESSAGE/EDIT' (e.g. "
                                 "':edit=HandoverRequest/AS-SecurityInformation/NCC=1')")
            if suffix not in WORDS and not suffix.startswith(EDIT):
                typed = suffix.partition("=")[0] + ("=" if "=" in suffix else "")
                raise ValueError(f"unknown suffix {suffix!r} (the suffixes are "
                                 f"{', '.join(map(repr, WORDS))} and '{EDIT}MESSAGE/EDIT')"
                                 f"{did_you_mean(SUFFIXES, typed)}")
        for word in WORDS:
            if suffixes.count(word) > 1:
                raise ValueError(f"{word!r} is given {suffixes.count(word)} "
                                 "times; write it once")
        hop_type, at, cell = head.partition(AT)
        if at and not hop_type.strip():
            raise ValueError(f"no hop type before {AT!r} (a hops file is given alone: "
                             "--hops @FILE)")
        if at and not cell.strip():
            raise ValueError(f"no cell after {AT!r} (e.g. x2@enb-3/cell-2)")
        if REFUSED in suffixes and HopType.parse(hop_type.strip()) is HopType.INTRA_ENB:
            raise ValueError("an intra-enb hop sends no HandoverRequest to refuse (TS 36.300 "
                             "10.1.2.1)")
        return cls(HopType.parse(hop_type.strip()), EARLY in suffixes,
                   cell.strip() if at else None, REPLAY in suffixes,
                   tuple(s.removeprefix(EDIT).strip() for s in suffixes
                         if s.startswith(EDIT)), REFUSED in suffixes)

    def __str__(self) -> str:
        return (self.type.value + (f"{AT}{self.cell}" if self.cell else "")
                + (EARLY if self.early else "") + (REPLAY if self.replay else "")
                + (REFUSED if self.refused else "")
                + "".join(EDIT + edit for edit in self.edits))


def _edit_lacks(suffix: str) -> str | None:
    """What the edit ``suffix`` (``:edit=MESSAGE/EDIT``) leaves out: the change (no ``/``),
    the message (helper-258: ``:edit=/`` said "no  in this hop to edit"), or None."""
    message, slash, _ = suffix.removeprefix(EDIT).partition("/")
    return "change" if not slash else "message" if not message.strip() else None


def parse_hops(text: str, first: int = 1) -> tuple[HopSpec, ...]:
    """The comma-separated hops of ``text``, the first numbered ``first``; a bad one is a
    HopError naming it."""
    if not text.strip():
        raise ValueError("needs at least one hop type")
    hops = []
    for number, part in enumerate((part.strip() for part in text.split(",")), start=first):
        if not part:
            raise HopError(number, "", "is empty (hops are separated by single commas)")
        try:
            hops.append(HopSpec.parse(part))
        except ValueError as error:
            raise HopError(number, part, str(error)) from None
    return tuple(hops)


def route(topology: Topology, hops: Sequence[HopSpec], seed: int = 0,
          start_cell: str | None = None) -> tuple[Cell, ...]:
    """The target cell of each hop as ``run_scenario`` chooses it when every hop lands: a
    hop the topology cannot realise is a RouteError naming it, before anything runs. Up to
    the first hop that names edits: where the UE is after it is the run's to find (a Target
    ID edit sends the preparation to an eNB that refuses it, an edited HO command the UE
    refuses; helper-165 #6), and ``run_scenario`` checks each later hop from there."""
    rng = random.Random(seed)
    source = _start(topology, start_cell)
    previous_source: str | None = None
    targets = []
    for number, spec in enumerate(hops, start=1):
        if spec.replay and number == 1:
            raise RouteError(1, spec, "no hop before it whose HandoverRequest to replay")
        if spec.replay and hops[number - 2].type is HopType.INTRA_ENB:
            raise RouteError(number, spec, f"hop {number - 1} is intra-enb, which sends no "
                           "HandoverRequest to replay (TS 36.300 10.1.2.1)")
        target = _target(topology, number, spec, source, previous_source, rng)
        _realised(topology, hops, number, source, target)
        targets.append(target)
        if spec.edits:
            break
        previous_source = source.enb
        if not spec.refused:  # a refused preparation leaves the UE where it is
            source = target
    return tuple(targets)


def _realised(topology: Topology, hops: Sequence[HopSpec], number: int, source: Cell,
              target: Cell) -> None:
    """Hop ``number`` of ``hops`` goes from ``source`` to ``target`` as its type says, else a
    RouteError naming it."""
    spec = hops[number - 1]
    if target == source:
        raise RouteError(number, spec, f"the UE is in {source.name} already")
    if topology.hop_type(source, target) is not spec.type:
        actual = topology.hop_type(source, target).value
        raise RouteError(number, spec, f"{source.name} -> {target.name} is {actual}, not "
                         f"{spec.type.value} (write {actual}@{target.name} or name an "
                         f"{spec.type.value} neighbour: the topology's eNBs, X2 links and "
                         "MMEs decide a hop's type, docs/topologies.md)")


def _start(topology: Topology, start_cell: str | None) -> Cell:
    return topology.cell(start_cell) if start_cell else topology.cells[0]


def _target(topology: Topology, number: int, spec: HopSpec, source: Cell,
            previous_source: str | None, rng: random.Random) -> Cell:
    """The cell hop ``number`` goes to: the one it names, else a neighbour of its type that
    does not turn straight back, if any, chosen by ``rng``."""
    if spec.cell is not None:
        try:
            target = topology.cell(spec.cell)
        except ValueError:
            raise RouteError(number, spec, f"no cell {spec.cell!r} in the topology (cells: "
                           f"{', '.join(c.name for c in topology.cells)})") from None
        return target
    candidates = topology.neighbours(source, spec.type)
    if not candidates:
        raise RouteError(number, spec, f"no {spec.type.value} neighbour of {source.name}: "
                       f"{topology.why_no_neighbour(source, spec.type)}")
    onward = tuple(c for c in candidates if c.enb != previous_source)
    return rng.choice(onward or candidates)


@dataclass(frozen=True, slots=True)
class HopResult:
    number: int
    spec: HopSpec
    source_enb: str
    target_enb: str
    target_cell: Cell
    first_step: int  # index of the hop's first step in the trace
    ncc: int | None
    derivation: str  # the UE's: how it reached its new KeNB
    kenb_enb: bytes | None  # the target's KeNB, if it took one in this hop
    ncc_enb: int | None  # the NCC the target holds with it (TS 33.401 7.2.8.4), if it took one
    derivation_enb: str  # how the target's KeNB was derived (on X2 by the source eNB)
    kenb_ue: bytes | None
    confirm_sent: bool  # a HO confirm reached the target: the UE ran the handover
    confirm_verified: bool
    as_keys_ue: AsKeys | None  # the UE's KeNB and the RRC and UP keys from it (A.7)
    c_rnti_ue: int  # the UE's C-RNTI after the hop (newUE-Identity, TS 36.331)


@dataclass
class Run:
    variant: KeySchedule
    kasme: bytes
    ul_nas_count: int
    initial_enb: str
    initial_cell: str
    initial_kenb: bytes | None
    initial_as_keys: AsKeys | None  # the UE's at the initial AS security (TS 33.401 7.2.4.5)
    initial_c_rnti: int
    seed: int
    topology: Topology
    system: System
    hops: list[HopResult]
    # (step number, message): a stale HandoverRequest the adversary put in flight before
    # that step (the ``:replay`` suffix)
    replayed: list[tuple[int, Message]] = field(default_factory=list)
    # step number -> the message as sent, where the ``rewrite`` hook delivered another
    # (the step's own message) in its place
    edited: dict[int, Message] = field(default_factory=dict)
    # (step number, request): the step in which a HandoverRequest's target refused it (the
    # ``:refused`` suffix, ``System.refuse``)
    refused: list[tuple[int, Message]] = field(default_factory=list)


def run_scenario(variant: KeySchedule, hops: Sequence[HopSpec], *,
                 kasme: bytes = DEFAULT_KASME, ul_nas_count: int = 0, seed: int = 0,
                 topology: Topology | None = None, start_cell: str | None = None,
                 rewrite: Rewrite | None = None) -> Run:
    """Run ``hops`` in order, each to completion (FIFO delivery). ``rewrite`` is the
    adversary's hook: called with the step number and the message about to be delivered,
    it returns the message to deliver instead. A hop the topology cannot realise is a
    RouteError before anything runs (``route``). Each hop starts where the UE is: a hop
    that did not land (a refused command) leaves the next one to start from its source."""
    topology = topology or default_topology()
    route(topology, hops, seed, start_cell)
    rng = random.Random(seed)
    cell = _start(topology, start_cell)
    system = System(variant, topology, kasme, ul_nas_count, cell, seed)
    system.establish_as_security()
    system.run()
    serving = system.entity(cell.enb).ctx
    initial_kenb = serving.keys.as_keys.kenb if serving.keys is not None else None
    ue = system.entity(UE).ctx
    run = Run(variant, kasme, ul_nas_count, cell.enb, cell.name, initial_kenb,
              ue.keys.as_keys if ue.keys is not None else None, ue.c_rnti, seed, topology,
              system, [])
    held: list[Message] = []
    previous_source: str | None = None
    for number, spec in enumerate(hops, start=1):
        source = topology.cell(system.entity(UE).ctx.cell)
        target = _target(topology, number, spec, source, previous_source, rng)
        _realised(topology, hops, number, source, target)  # from where the UE is
        previous_source = source.enb
        first_step = len(system.steps)
        target_keys = system.entity(target.enb).ctx.keys
        system.start_handover(target)
        hold_path_switch = number < len(hops) and hops[number].early
        while system.in_flight:
            message = system.in_flight[0]
            if hold_path_switch and message.kind is Kind.S1AP_PATH_SWITCH_REQUEST_ACKNOWLEDGE:
                held.append(system.drop(0))
                continue
            if rewrite is not None:  # an edit in transit: a refusing target reads it edited
                changed = rewrite(len(system.steps), message)
                if changed != message:
                    run.edited[len(system.steps)] = message
                    system.rewrite(0, changed)
            if (spec.refused and message.kind in REQUESTS and message.handover == number
                    and not _refused(run, first_step)):
                run.refused.append((len(system.steps), system.refuse(0)))
                continue
            system.deliver(0)
        if not hold_path_switch and held:
            system.in_flight.extend(held)
            held.clear()
            system.run()
        if spec.replay:
            _replay_request(run, run.hops[-1].first_step, first_step)
        run.hops.append(_summarise(system, number, spec, source, target, first_step,
                                   target_keys.as_keys.kenb if target_keys else None))
    return run


def run_again(run: Run, hops: int, rewrite: Rewrite | None = None,
              before: int | None = None) -> Run:
    """The first ``hops`` hops of ``run`` run again, each message its ``rewrite`` hook changed
    (``Run.edited``; only at steps before ``before``, when given) changed again, and
    ``rewrite``, if given, called on the result."""
    kept = {n: run.system.steps[n].message for n in run.edited
            if before is None or n < before}

    def again(number: int, message: Message) -> Message:
        message = kept.get(number, message)
        return rewrite(number, message) if rewrite is not None else message

    return run_scenario(run.variant, [h.spec for h in run.hops[:hops]], kasme=run.kasme,
                        ul_nas_count=run.ul_nas_count, seed=run.seed, topology=run.topology,
                        start_cell=run.initial_cell, rewrite=again)


def _refused(run: Run, first_step: int) -> bool:
    """Whether the hop that started at ``first_step`` has had its refusal."""
    return any(number >= first_step for number, _ in run.refused)


def _replay_request(run: Run, start: int, end: int) -> None:
    """The adversary replays the first HandoverRequest sent in steps ``start``..``end`` (the
    previous hop) and the network delivers it, with what follows."""
    system = run.system
    stale = next((m for step in system.steps[start:end] for m in step.outcome.sent
                  if m.kind in REQUESTS), None)
    if stale is None:  # the previous hop was cut short (``route`` refuses an intra-eNB one)
        return
    run.replayed.append((len(system.steps), stale))
    system.in_flight.append(stale)
    system.run()


def _summarise(system: System, number: int, spec: HopSpec, source: Cell, target: Cell,
               first_step: int, kenb_before: bytes | None) -> HopResult:
    """``kenb_before``: the target eNB's KeNB when the hop started; one it still holds is
    from an earlier service, not this hop's (None), unless it verified the hop's HO confirm
    with it (helper-151: an intra-eNB hop keeping its KeNB read "DISAGREE")."""
    ue = system.entity(UE).ctx
    enb = system.entity(target.enb).ctx
    confirm_sent = confirm_verified = False
    derivation = "none"
    steps = system.steps[first_step:]
    for step in steps:
        kind = step.message.kind
        if kind is Kind.RRC_HANDOVER_CONFIRM and step.message.receiver == target.enb:
            confirm_sent = True
            confirm_verified = confirm_verified or step.outcome.accepted
        if kind is Kind.RRC_HANDOVER_COMMAND and step.outcome.accepted:
            derivation = derivation_word(step.outcome.derivations,
                                         step.ctx_after.keys.as_keys.kenb)
    kenb_enb = enb.keys.as_keys.kenb if enb.keys is not None else None
    if kenb_enb == kenb_before and not confirm_verified:
        kenb_enb = None
    ncc_enb = enb.keys.as_keys.ncc if kenb_enb is not None else None
    derivation_enb = derivation_word([d for step in steps for d in step.outcome.derivations],
                                     kenb_enb)
    kenb_ue = ue.keys.as_keys.kenb if ue.keys is not None else None
    ncc = ue.keys.as_keys.ncc if ue.keys is not None else None
    return HopResult(number, spec, source.enb, target.enb, target, first_step, ncc,
                     derivation, kenb_enb, ncc_enb, derivation_enb, kenb_ue, confirm_sent,
                     confirm_verified, ue.keys.as_keys if ue.keys is not None else None,
                     ue.c_rnti)


def derivation_word(derivations: Sequence[Derivation], kenb: bytes | None = None) -> str:
    """How the UE reached its new KeNB, read from what it computed: the chain of derivations
    back from the KeNB through their keys. "vertical" if it passes through an NH, the name
    of a variant's own intermediate key (e.g. "KeNB*+") if there is one, else
    "horizontal"; "reused" where no derivation made it (a KeNB taken as it was: helper-181's
    X2 hop reusing KeNB read "none", the word for no KeNB taken); "none" without a KeNB."""
    if kenb is None:
        return "none"
    made = {d.output: d for d in derivations}
    current = made.get(kenb)
    chain = []
    while current is not None:
        chain.append(current)
        current = made.get(current.inputs[0].value)
    if not chain:
        return "reused"
    own = next((d.output_name for d in chain if d.output_name.endswith("+")), None)
    if own:
        return own
    return "vertical" if any(d.inputs[0].name == "NH" for d in chain) else "horizontal"
