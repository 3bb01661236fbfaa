"""Smoke tests of ``bench/run.py`` at a tiny size (no timing is asserted: speed is measured
only by the benchmarks), and the behaviour the issue-8 speed-ups must keep: RRC field
decoding equal to ``ast.literal_eval``, entity dispatch equal to the ``transitions``
trigger, and the monitor's byte-string walk equal to the recursive one it replaced."""

from __future__ import annotations

import ast
import json
import math
import sys
from collections.abc import Iterator
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # bench/ is not an installed package
    sys.path.insert(0, str(ROOT))

from bench import commands  # noqa: E402
from bench import run as bench  # noqa: E402
from properties.graph import byte_values  # noqa: E402
from statemachines.enb import Enb  # noqa: E402
from statemachines.entity import Reject, _trigger  # noqa: E402
from statemachines.mme import Mme  # noqa: E402
from statemachines.protection import decode, encode  # noqa: E402
from statemachines.scenario import Run, parse_hops, run_scenario  # noqa: E402
from statemachines.ue import Ue  # noqa: E402
from statemachines.variants import load  # noqa: E402

METRICS = ("handover_ratio_to_floor", "invariant_overhead", "closure_exponent",
           "closure_1m_seconds", "report_seconds", "report_peak_mib", "verify_states_per_second")
MEASURED_AT_TINY = ("handover_ratio_to_floor", "invariant_overhead", "closure_exponent")


@pytest.fixture(scope="module")
def tiny() -> bench.Results:
    return bench.run(bench.TINY)


def test_every_metric_is_reported(tiny: bench.Results) -> None:
    document = json.loads(json.dumps(tiny.document(), allow_nan=False))
    assert set(METRICS) <= set(document["metrics"])
    assert {"nproc", "cpu", "python"} <= set(document["machine"])
    for name in METRICS:
        metric = document["metrics"][name]
        assert metric["value"] is not None or metric["note"], f"{name}: null without a reason"
    table = bench.table(tiny)
    assert all(name in table for name in METRICS)


def test_measured_values_are_positive(tiny: bench.Results) -> None:
    values = {name: tiny.metrics[name].value for name in MEASURED_AT_TINY}
    assert all(v is not None and math.isfinite(v) for v in values.values()), values
    assert values["handover_ratio_to_floor"] > 0
    assert values["invariant_overhead"] > -1  # off/on - 1: a ratio of two positive rates
    details = tiny.details
    assert all(r > 0 for r in details["handover"]["handovers_per_second"])
    assert all(r > 0 for r in details["handover"]["floor_sets_per_second"])
    assert all(r > 0 for key in ("steps_per_second_on", "steps_per_second_off")
               for r in details["invariants"][key])
    assert all(row["seconds"] > 0 and row["known"] > 0 for row in details["closure"])


def test_the_floor_is_one_handovers_crypto(tiny: bench.Results) -> None:
    handover = tiny.details["handover"]
    assert handover["kdf_calls"] > 0  # checked against the trace's Derivation records
    assert handover["eia2_calls"] > 0 and handover["eea2_calls"] > 0


def test_invariants_off_takes_the_same_actions(tiny: bench.Results) -> None:
    assert tiny.details["invariants"]["same_actions"]


def test_synthetic_graph_has_the_size_asked() -> None:
    synthetic = bench.closure_growth.key_graph(2000)
    assert 2000 <= synthetic.nodes < 2100


def test_verify_command_reports_a_rate_or_why_not() -> None:
    measured = commands.verify(1)
    assert (measured.value is not None and measured.value > 0) or measured.note


# -- behaviour kept by the speed-ups ---------------------------------------------------------------
LEAVES = st.one_of(st.text(), st.integers(), st.booleans(), st.binary(), st.none())
FIELDS = st.recursive(LEAVES, lambda inner: st.lists(inner, max_size=5).map(tuple),
                      max_leaves=30)
NOISE = "()', \"b\\xTrueFalsNon0123456789-\n\r\té"
# the shape most messages have, read by decode's fast path: (name, scalar) pairs, in ASCII
ASCII = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E))
PAIRS = st.lists(st.tuples(ASCII, st.one_of(ASCII, ASCII.map(str.encode), LEAVES)),
                 max_size=5).map(tuple)


@pytest.fixture(scope="module")
def runs() -> list[Run]:
    return [run_scenario(load(v), parse_hops("x2,s1,s1-inter,intra-enb,x2:early,s1"))
            for v in ("ts33401", "seed-fs", "tr33821-v070")]


@given(st.one_of(FIELDS, PAIRS))
def test_decode_reads_back_what_encode_wrote(fields: Any) -> None:
    decoded = decode(encode(fields))
    assert decoded == fields and repr(decoded) == repr(fields)  # repr: True is not 1


def _decodes_like_literal_eval(text: str) -> None:
    try:
        expected: Any = ast.literal_eval(text)
    except (ValueError, SyntaxError):  # what decode refuses; anything else would propagate
        with pytest.raises(Reject):
            decode(text.encode())
        return
    assert repr(decode(text.encode())) == repr(expected)


@pytest.mark.filterwarnings("ignore:invalid escape sequence:DeprecationWarning")
@given(st.one_of(st.text(alphabet=NOISE, max_size=40),
                 st.tuples(st.one_of(FIELDS, PAIRS).map(repr), st.integers(min_value=0),
                           st.text(alphabet=NOISE, max_size=3))
                 .map(lambda t: t[0][:t[1] % (len(t[0]) + 1)] + t[2]
                      + t[0][t[1] % (len(t[0]) + 1):])))
def test_decode_is_literal_eval(text: str) -> None:
    _decodes_like_literal_eval(text)


EDGES = [
    "()", "(1,)", "(1)", "('a')", "(())", "((),)", "(1, 2,)", "(1,2)", "( 1,)", "(1,) ",
    "1", "-0", "007", "1_0", "0x1f", "1.5", "True", "True1", "None", "-True", "[1]",
    "(1, [2])", "'a' 'b'", "'a''b'", "'''a'''", "u'x'", "rb'x'", "'it''s'", "\"it's\"",
    r"'\n'", r"'a\'b'", r"b'\x00\''", "b'\xe9'", "'\xe9'", "'\t'", "'a\\\nb'", "'\x00'",
    "(('a', 1))", "(('a', 1),)", "(('a', 1), ('b', 2),)", "(('a', 1),('b', 2))", "(('a', -0),)",
    "(('a', 01),)", "(('a', b''), ('', None))", "(('a', \"b\"),)", "(('a\tb', 1),)",
    "(('a', True), ('b', 'c'), )", "(('a', 1), ('b', 2)),", "((b'a', 1),)", "(('a', 1, 2),)",
    "(('a', 'c'), ('b', b'd'))",
]


@pytest.mark.filterwarnings("ignore:invalid escape sequence:DeprecationWarning")
@pytest.mark.parametrize("text", EDGES)
def test_decode_is_literal_eval_at_the_edges(text: str) -> None:
    _decodes_like_literal_eval(text)


def test_decode_refuses_what_is_no_python_literal() -> None:
    for data in (b"", b"(1, 2", b"__import__('os')", b"(1,,)", b"\xff", b"(" * 300 + b")" * 300):
        with pytest.raises(Reject, match="undecodable"):
            decode(data)


@pytest.mark.parametrize("entity", [Ue, Enb, Mme])
def test_dispatch_goes_where_the_transitions_trigger_goes(entity: type) -> None:
    machine = entity._machine
    for (source, kind), branches in entity._table.items():
        for branch, dest in branches.items():
            model = type("Model", (), {})()
            machine.add_model(model, initial=source)
            try:
                model.trigger(_trigger(kind, branch))
                assert model.state == dest, (source, kind, branch)
            finally:
                machine.remove_model(model)
    declared = {(s, k, b) for k, b, sources, _ in entity.TRANSITIONS for s in sources}
    assert declared == {(s, k, b) for (s, k), bs in entity._table.items() for b in bs}


def test_a_callback_the_dispatch_would_skip_is_refused() -> None:
    with pytest.raises(TypeError, match="on_enter_connected"):
        class Loud(Ue):
            def on_enter_connected(self) -> None: ...


def _recursive_byte_values(obj: Any) -> Iterator[bytes]:
    """The walk ``byte_values`` replaced, as it was."""
    if isinstance(obj, bytes):
        yield obj
    elif isinstance(obj, tuple | list):
        for item in obj:
            yield from _recursive_byte_values(item)
    elif is_dataclass(obj) and not isinstance(obj, type):
        for f in fields(obj):
            yield from _recursive_byte_values(getattr(obj, f.name))


def test_byte_values_walks_as_before(runs: list[Run]) -> None:
    objects: list[Any] = [Ue, ()]
    for run in runs:
        objects += [e.ctx for e in run.system.entities.values()]
        for step in run.system.steps:
            objects += [step, step.message.fields, step.outcome.read, step.ctx_after]
    for obj in objects:
        assert list(byte_values(obj)) == list(_recursive_byte_values(obj))
