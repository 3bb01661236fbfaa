"""hoverify.statemachines.record: every record of the model is a frozen, slotted dataclass,
equal and
hashed by value, and ``replace`` gives a changed copy without touching the original (a
snapshot shares records, a step replaces an entity's context whole)."""

from __future__ import annotations

import dataclasses
import pickle
from typing import Any

import pytest
from hoverify.statemachines.record import replace
from hoverify.statemachines.scenario import parse_hops, run_scenario
from hoverify.statemachines.ue import UeContext
from hoverify.statemachines.variants import load


def _instances() -> dict[type, Any]:
    """One instance of every record that a run's contexts and steps reach (keys, messages,
    derivations, cells): what a snapshot shares."""
    seen: dict[type, Any] = {}

    def walk(obj: Any) -> None:
        if isinstance(obj, tuple | list):
            for item in obj:
                walk(item)
        elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            seen.setdefault(type(obj), obj)
            for f in dataclasses.fields(obj):
                walk(getattr(obj, f.name))

    for variant in ("ts33401", "seed-fs", "tr33821-v070"):
        run = run_scenario(load(variant), parse_hops("x2,s1,s1-inter,intra-enb,x2:early,s1"))
        walk([entity.ctx for entity in run.system.entities.values()])
        walk(list(run.system.steps))
    return seen


INSTANCES = _instances()


def test_runs_reach_the_records_snapshots_share() -> None:
    assert len(INSTANCES) >= 15, sorted(cls.__qualname__ for cls in INSTANCES)


@pytest.mark.parametrize("obj", list(INSTANCES.values()),
                         ids=lambda obj: type(obj).__qualname__)
def test_a_record_is_a_value(obj: Any) -> None:
    first = dataclasses.fields(obj)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(obj, first, None)
    assert not hasattr(obj, "__dict__")
    copy = replace(obj)
    assert copy == obj and hash(copy) == hash(obj) and copy is not obj
    assert pickle.loads(pickle.dumps(obj)) == obj
    marker = object()
    changed = replace(obj, **{first: marker})
    assert getattr(changed, first) is marker and getattr(obj, first) is not marker
    assert changed != obj
    assert all(getattr(changed, f.name) is getattr(obj, f.name)
               for f in dataclasses.fields(obj)[1:])


def test_replace_refuses_a_field_the_record_lacks() -> None:
    ctx = INSTANCES[UeContext]
    with pytest.raises(TypeError, match="no_such_field"):
        replace(ctx, no_such_field=1)
