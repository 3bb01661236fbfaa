"""statemachines.record: a frozen dataclass built and replaced by compiled functions must
behave exactly as ``@dataclass(frozen=True, slots=True)`` does."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from statemachines.record import record, replace


@record
class Pair:
    first: int
    second: tuple[int, ...] = ()


@dataclasses.dataclass(frozen=True, slots=True)
class ReferencePair:
    first: int
    second: tuple[int, ...] = ()


def test_a_record_is_the_frozen_dataclass_it_declares() -> None:
    pair, reference = Pair(1, (2,)), ReferencePair(1, (2,))
    assert dataclasses.astuple(pair) == dataclasses.astuple(reference)
    assert [f.name for f in dataclasses.fields(Pair)] == ["first", "second"]
    assert repr(pair) == "Pair(first=1, second=(2,))"
    assert pair == Pair(first=1, second=(2,)) and hash(pair) == hash(Pair(1, (2,)))
    assert pair != Pair(1) and Pair(1) == Pair(1, ())
    assert pickle.loads(pickle.dumps(pair)) == pair
    assert not hasattr(pair, "__dict__")
    with pytest.raises(dataclasses.FrozenInstanceError):
        pair.first = 2  # type: ignore[misc]


def test_construction_checks_arguments_as_a_dataclass_does() -> None:
    with pytest.raises(TypeError):
        Pair()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Pair(1, (), 3)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Pair(1, third=3)  # type: ignore[call-arg]


def test_replace_changes_only_the_named_fields() -> None:
    pair = Pair(1, (2,))
    changed = replace(pair, second=(3,))
    assert changed == Pair(1, (3,)) and pair == Pair(1, (2,))
    assert replace(pair) == pair and replace(pair) is not pair
    assert dataclasses.replace(pair, first=5) == Pair(5, (2,))
    with pytest.raises(TypeError, match="no field third"):
        replace(pair, third=3)


def test_fields_a_compiled_init_cannot_honour_are_refused() -> None:
    with pytest.raises(TypeError, match="not: items"):
        @record
        class Listed:
            items: list[int] = dataclasses.field(default_factory=list)

    with pytest.raises(TypeError, match="not: __post_init__"):
        @record
        class Checked:
            value: int

            def __post_init__(self) -> None: ...
