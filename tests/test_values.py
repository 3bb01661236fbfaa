"""An attacker's values grown without copying (``hoverify.properties.values``) read as the
frozenset of the same values, whatever way they were grown."""

from __future__ import annotations

import pickle
import random

import pytest
from hoverify.properties.values import PLAIN, Values, grown


def _grown_by(steps: list[list[bytes]]) -> tuple[object, frozenset[bytes]]:
    values: object = frozenset()
    plain: frozenset[bytes] = frozenset()
    for more in steps:
        values = grown(values, more)  # type: ignore[arg-type]
        plain = plain | set(more)
    return values, plain


@pytest.mark.parametrize("seed", range(6))
def test_grown_values_are_the_frozenset_of_the_same_values(seed: int) -> None:
    rnd = random.Random(seed)
    universe = [n.to_bytes(2, "big") for n in range(3 * PLAIN)]
    steps = [rnd.sample(universe, rnd.randrange(1, 40)) for _ in range(rnd.randrange(20, 80))]
    values, plain = _grown_by(steps)
    assert isinstance(values, Values)  # grown past PLAIN: shared and added parts
    assert values == plain and plain == values
    assert hash(values) == hash(plain)
    assert len(values) == len(plain) and set(values) == plain
    assert all((v in values) == (v in plain) for v in universe)
    probe = frozenset(rnd.sample(universe, 30))
    assert (probe <= values) == (probe <= plain)
    assert probe - values == probe - plain and isinstance(probe - values, frozenset)
    assert values - probe == plain - probe
    assert values | probe == plain | probe
    assert pickle.loads(pickle.dumps(values)) == plain
    assert values.frozen() == plain and values.frozen() is values.frozen()


def test_growing_by_nothing_new_keeps_the_same_object() -> None:
    values, _ = _grown_by([[n.to_bytes(2, "big") for n in range(PLAIN + 10)], [b"\x00\x01"]])
    assert grown(values, [b"\x00\x01"]) is values  # type: ignore[arg-type]


def test_small_sets_stay_frozensets() -> None:
    small = grown(frozenset({b"a"}), [b"b"])
    assert type(small) is frozenset and small == {b"a", b"b"}
