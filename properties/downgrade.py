"""Downgrade resistance: a compromised source eNB rewrites what it relays to the UE.

For each hop whose honest KeNB the source eNB (compromised from that hop on) cannot derive,
it tries every rewrite of one
integer or flag it relays into the RRC HO command (the notification bit wherever it sits,
NCC, C-RNTI, algorithm fields, NAS fields...), and the run is replayed with the rewrite. The
claim fails when the UE accepts the rewritten command and ends up on a KeNB the attacker can
compute: a fake target cell run by the attacker then accepts the UE, as the cross-check by
execution shows (the attacker's recomputed keys verify the UE's HO confirm). Fields under a
MAC the eNB lacks (NAS-MAC) can be rewritten too, but the UE refuses the result.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from properties.analysis import Analysis
from properties.attacker import Attacker
from properties.claims import DOWNGRADE, ClaimResult, Verdict, promise_for, relayed_to_ue
from properties.crosscheck import recompute
from properties.graph import value_node
from statemachines.derivation import Deriver
from statemachines.entity import Reject
from statemachines.messages import Kind, Message
from statemachines.protection import UPLINK, unprotect_rrc
from statemachines.scenario import Run, derivation_word, run_scenario

Path = tuple[Any, ...]


def leaves(obj: Any, path: Path = ()) -> Iterator[tuple[Path, int | bool]]:
    """Every integer or flag inside nested field tuples, with its path."""
    if isinstance(obj, bool | int):
        yield path, obj
    elif isinstance(obj, tuple):
        for index, item in enumerate(obj):
            yield from leaves(item, (*path, index))


def replaced(obj: Any, path: Path, new: Any) -> Any:
    if not path:
        return new
    head, *rest = path
    return tuple(replaced(item, tuple(rest), new) if i == head else item
                 for i, item in enumerate(obj))


def describe(fields: Any, path: Path) -> str:
    """A path in field names: ``for UE/NAS-PDU/0/notification bit``."""
    names, obj = [], fields
    for index in path:
        item = obj[index]
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str):
            names.append(item[0])
            obj = item
            continue
        if not (isinstance(obj, tuple) and len(obj) == 2 and isinstance(obj[0], str)):
            names.append(str(index))
        obj = item
    return "/".join(names)


def downgrade_resistance(analysis: Analysis,
                         attackers: list[tuple[int, Attacker]]) -> ClaimResult:
    """``attackers``: (hop, attacker) pairs whose attacker includes that hop's source eNB."""
    verdicts = []
    for hop, attacker in attackers:
        source = analysis.source(hop)
        promised = promise_for(analysis, DOWNGRADE, analysis.run.hops[hop - 1].spec.type)
        if hop not in analysis.kenb or analysis.derivable(attacker, hop):
            continue  # nothing to downgrade: the honest key is derivable (forward security)
        attempts, found = find_downgrade(analysis, hop, attacker)
        if found:
            verdicts.append(Verdict(hop, str(attacker), False, promised is not None,
                                    found.detail, found.witness, witness_hop=hop))
        elif attempts:
            verdicts.append(Verdict(
                hop, str(attacker), True, promised is not None,
                f"none of {attempts} rewrites of relayed fields puts the UE on a key "
                f"{source} can derive",
                cut=("rewrites under NAS-MAC are refused by the UE; the others leave the UE "
                     "on a key derived from inputs the attacker lacks",)))
    return ClaimResult(DOWNGRADE, tuple(verdicts))


@dataclass(frozen=True)
class Downgrade:
    """A rewrite that puts the UE on a KeNB the attacker derives, replayable: ``run`` is the
    scenario run again with ``rewritten`` delivered at step ``step``."""

    step: int
    rewritten: Message
    run: Run
    rewrite: str  # "step 18: enb-2 rewrites for UE/notification bit 1 -> 0 in ..."
    detail: str
    witness: tuple[str, ...]


def find_downgrade(analysis: Analysis, hop: int,
                   attacker: Attacker) -> tuple[int, Downgrade | None]:
    """The first rewrite of one field the source eNB of ``hop`` relays into the HO command
    that succeeds for ``attacker``, and how many rewrites were tried."""
    attempts = 0
    for step_number in relayed_to_ue(analysis, hop):
        message = analysis.run.system.steps[step_number].message
        for path, value in leaves(message.fields):
            for new in _rewrites(value):
                attempts += 1
                found = _attempt(analysis, hop, attacker, step_number, message, path, new)
                if found:
                    return attempts, found
    return attempts, None


def _rewrites(value: int | bool) -> tuple[int | bool, ...]:
    """A flag flipped; an integer with its lowest bit flipped, or, when it fits in 3 bits
    (an NCC), with each of its three bits flipped in turn: a first S1 handover carries NCC
    2, which the source eNB turns into its own KeNB's NCC 0 by its second bit."""
    if isinstance(value, bool):
        return (not value,)
    return (value ^ 1, value ^ 2, value ^ 4) if 0 <= value < 8 else (value ^ 1,)


def _attempt(analysis: Analysis, hop: int, attacker: Attacker, step_number: int,
             message: Message, path: Path, new: Any) -> Downgrade | None:
    run = analysis.run
    rewritten = Message(message.kind, message.sender, message.receiver,
                        replaced(message.fields, path, new))
    rerun = run_scenario(run.variant, [h.spec for h in run.hops], kasme=run.kasme,
                         ul_nas_count=run.ul_nas_count, seed=run.seed, topology=run.topology,
                         start_cell=run.initial_cell,
                         rewrite=lambda n, m: rewritten if n == step_number else m)
    command = next((s for s in rerun.system.steps if s.hop == hop and s.outcome.accepted
                    and s.message.kind is Kind.RRC_HANDOVER_COMMAND), None)
    if command is None:
        return None  # the UE refused the rewritten command
    kenb = command.ctx_after.keys.as_keys.kenb
    re_analysis = Analysis.of(rerun)
    node = value_node(kenb)
    if node not in re_analysis.closure(attacker):
        return None
    forged = recompute(re_analysis, attacker, node)
    trace = [
        f"step {step_number}: {attacker.compromises[0].entity} rewrites "
        f"{describe(message.fields, path)} {_old(message.fields, path)!r} -> {new!r} in "
        f"{message}",
        "UE accepts the HO command and derives its KeNB "
        f"({derivation_word(command.outcome.derivations, kenb)})",
        _real_target(rerun, hop),
        _fake_target(rerun, hop, forged),
    ]
    witness = tuple(trace + re_analysis.witness_lines(attacker, node))
    detail = (f"a rewrite of {describe(message.fields, path)} puts the UE on a KeNB "
              f"{attacker.compromises[0].entity} derives")
    return Downgrade(step_number, rewritten, rerun, trace[0], detail, witness)


def _old(fields: Any, path: Path) -> Any:
    for index in path:
        fields = fields[index]
    return fields


def _confirm(rerun: Run, hop: int) -> Any:
    return next((s for s in rerun.system.steps if s.hop == hop
                 and s.message.kind is Kind.RRC_HANDOVER_CONFIRM), None)


def _real_target(rerun: Run, hop: int) -> str:
    confirm = _confirm(rerun, hop)
    if confirm is None:
        return "no HO confirm was sent"
    if confirm.outcome.accepted:
        return f"the real target {confirm.message.receiver} accepts the HO confirm"
    return (f"the real target {confirm.message.receiver} rejects the HO confirm "
            f"({confirm.outcome.reason})")


def _fake_target(rerun: Run, hop: int, kenb: bytes) -> str:
    """Execute the fake target cell: the attacker's recomputed keys check the UE's confirm."""
    confirm = _confirm(rerun, hop)
    if confirm is None:
        return "no HO confirm to check"
    keys = rerun.variant.as_keys(Deriver(), kenb, None)
    try:
        unprotect_rrc(keys, confirm.message.get("COUNT"), UPLINK, confirm.message.get("PDU"))
    except Reject as refusal:
        return f"a fake target cell with the attacker's keys rejects the confirm ({refusal})"
    return ("a fake target cell run by the attacker accepts the HO confirm (MAC-I verified "
            "with KRRCint recomputed from the attacker's knowledge)")
