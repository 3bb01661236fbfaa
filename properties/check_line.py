"""A finding of ``explore`` or ``verify`` as the hops and compromises of a ``check`` run.

``check`` runs its hops in order, each to completion (every message delivered first in, first
out), with its attacker compromised just before the first step of a hop, and edits named by
the hops (``:edit=``, ``hoverify.properties.hop_edits``). A trace maps onto that where it only
starts handovers, delivers, compromises and edits: each start is a hop to the cell it names
(``:early`` where the serving eNB decided it before the Path Switch Request Acknowledge of
the X2 hop before it arrived, TS 33.401 7.2.8.4.2, as the claim engine reads it:
``engine.decided_early``),
each compromise one ``WHO@HOP`` in the hop the claims count it in (``Engine.compromise_hop``:
the one after the last completed, which ``check`` compromises just before; one after the
last hop the trace starts is made in that hop, earlier: a stronger attacker, and the line
says so in its ``note``),
each edit a ``:edit=`` of its hop, named as ``Edit.name`` names it. A drop, duplicate,
replay, refusal or injection has no counterpart in ``check``: such a trace has no check line,
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
from hoverify.statemachines.scenario import HopSpec
from hoverify.statemachines.system import UE
from hoverify.statemachines.topology import Topology
from hoverify.statemachines.variant import KeySchedule

CHECK_KINDS = ("start", "deliver", "compromise", "edit")  # the actions check has
STEP_WORDS = {"drop": "a drop", "duplicate": "a duplicate", "replay": "a replay",
              "refuse": "a refusal", "inject": "an injection",
              "rewrite": "a rewrite (an old finding file's edit)"}  # the actions it has not


@dataclass(frozen=True)
class CheckHops:
    """The ``--hops`` and ``--compromise`` values of a check run, or why there are none."""

    hops: tuple[HopSpec, ...] = ()
    compromises: tuple[str, ...] = ()
    reason: str | None = None  # why the trace is no check run
    note: str | None = None  # where the check run's attacker differs from the trace's


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
    compromises: list[tuple[str, int]] = []
    for number, action in enumerate(trace, 1):
        if action.kind not in CHECK_KINDS:
            # an injected message's text is its repr, key bytes and all: its step number only
            step = (f"step {number}" if action.kind == "inject"
                    else f"step {number}: {action.text}")
            return CheckHops(reason=f"it needs {STEP_WORDS[action.kind]} ({step}), and check "
                                    "delivers each hop's messages in order, with no drop, "
                                    "duplicate, replay, refusal or injection")
        if action.kind == "start":
            cells = exploration.neighbours()
            cell = cells[action.index % len(cells)]
            source = topology.cell(system.entity(UE).ctx.cell)
            hops.append(HopSpec(topology.hop_type(source, cell), cell=cell.name))
            edits.append([])
        elif action.kind == "compromise":
            who = action.text.removeprefix("compromise ")
            compromises.append((who, exploration.engine.compromise_hop()))
        elif action.kind == "edit":
            made = exploration.edit_made(action)
            assert made is not None, "a finding's edit was possible where it was made"
            message, edit = made
            edits[message.handover - 1].append(edit_name(message, edit))
        steps = len(system.steps)
        try:
            exploration.apply(action)
        except VariantError:  # the finding itself (variant-error): its last action
            break
        for step in system.steps[steps:]:
            early = decided_early(step)
            if early is not None:  # the Measurement Report of hop ``step.hop`` was accepted
                hops[step.hop - 1] = replace(hops[step.hop - 1], early=early)
    if not hops:
        return CheckHops(reason="it starts no handover, and check runs at least one hop")
    # check compromises just before the first step of one of its hops: one after the last
    # hop the trace starts is made in that hop, earlier (review20: none at all lost the line
    # of a promised failure that the stronger attacker reproduces)
    late = [f"{who} in hop {len(hops)}, not after handover {hop - 1} completed as the trace "
            "does: a stronger attacker" for who, hop in compromises if hop > len(hops)]
    specs = tuple(HopSpec(h.type, h.early, h.cell, edits=tuple(e))
                  for h, e in zip(hops, edits, strict=True))
    return CheckHops(specs, tuple(f"{who}@{min(hop, len(hops))}" for who, hop in compromises),
                     note=f"the check line compromises {'; '.join(late)}" if late else None)

