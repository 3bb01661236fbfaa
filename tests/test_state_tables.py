"""State tables are complete: every (state, message) pair of every entity either reaches a
declared state or is refused with a reason, and a refusal changes nothing (h2's habit)."""

from __future__ import annotations

from collections import defaultdict

from hoverify.statemachines.entity import Entity
from hoverify.statemachines.messages import Kind, Message
from hoverify.statemachines.scenario import parse_hops, run_scenario
from hoverify.statemachines.variants import load
from hypothesis import given
from hypothesis import strategies as st

ALL_HOPS = "x2,s1,s1-inter,intra-enb,x2,x2:early,s1,x2,s1-inter"


def _observed() -> tuple[list[tuple[Entity, tuple]], dict[Kind, list[Message]]]:
    """Real entity snapshots in every state the runs reach, and real messages of each kind."""
    snapshots: list[tuple[Entity, tuple]] = []
    messages: dict[Kind, list[Message]] = defaultdict(list)
    for name in ("ts33401", "seed-fs", "tr33821-v070"):
        run = run_scenario(load(name), parse_hops(ALL_HOPS))
        seen_states: set[tuple[str, str | None]] = set()
        for name, initial in run.system.initial.items():
            seen_states.add((name, initial[0]))
            snapshots.append((run.system.entity(name), initial))
        for step in run.system.steps:
            messages[step.message.kind].append(step.message)
            entity = run.system.entities.get(step.message.receiver)
            key = (step.message.receiver, step.state_after)
            if entity is not None and key not in seen_states:
                seen_states.add(key)
                snapshots.append((entity, (step.state_after, step.ctx_after)))
    return snapshots, messages


SNAPSHOTS, MESSAGES = _observed()


@given(st.data())
def test_every_state_and_message_is_handled_or_refused(data: st.DataObject) -> None:
    entity, snapshot = data.draw(st.sampled_from(SNAPSHOTS))
    kind = data.draw(st.sampled_from(list(Kind)))
    template = data.draw(st.sampled_from(MESSAGES[kind])) if MESSAGES[kind] else None
    fields = template.fields if template is not None else ()
    if data.draw(st.booleans()):
        fields = fields[: data.draw(st.integers(0, len(fields)))]  # missing fields
    message = Message(kind, data.draw(st.sampled_from(["ue", "enb-1", "mme-1", "enb-2"])),
                      entity.name, fields)
    entity.restore(snapshot)
    outcome = entity.handle(message)
    if outcome.accepted:
        assert entity.state in type(entity).STATES
    else:
        assert outcome.reason
        assert entity.snapshot() == snapshot
    entity.restore(snapshot)


def test_every_declared_state_is_reached_by_some_run() -> None:
    """Every "always" needs a "sometimes": the table's states occur in real runs."""
    reached = {(type(e).__name__, s[0]) for e, s in SNAPSHOTS}
    for entity_type in {type(e) for e, _ in SNAPSHOTS}:
        for state in entity_type.STATES:
            assert (entity_type.__name__, state) in reached, (entity_type.__name__, state)
