"""hoverify.statemachines.protection: the field encoding round-trips every message's fields, and
``decode``, the boundary that reads a peer's bytes, refuses anything else with a reason."""

from __future__ import annotations

from typing import Any

import msgpack
import pytest
from hoverify.statemachines.entity import Reject
from hoverify.statemachines.messages import Interface
from hoverify.statemachines.protection import (
    DOWNLINK,
    UPLINK,
    decode,
    encode,
    protect_rrc,
    unprotect_rrc,
)
from hoverify.statemachines.scenario import Run, parse_hops, run_scenario
from hoverify.statemachines.variant import AsKeys
from hoverify.statemachines.variants import load
from hypothesis import given
from hypothesis import strategies as st

LEAVES = st.one_of(st.text(), st.integers(min_value=-2**63, max_value=2**64 - 1),
                   st.booleans(), st.binary(), st.none())
FIELDS = st.recursive(LEAVES, lambda inner: st.lists(inner, max_size=5).map(tuple),
                      max_leaves=30).map(lambda value: value if type(value) is tuple
                                         else (value,))

KEYS = AsKeys(kenb=bytes(32), ncc=None, krrc_int=bytes(range(16)), krrc_enc=bytes(range(16, 32)),
              kup_enc=bytes(16))


@pytest.fixture(scope="module")
def runs() -> list[Run]:
    return [run_scenario(load(v), parse_hops("x2,s1,s1-inter,intra-enb,x2:early,s1"))
            for v in ("ts33401", "seed-fs", "tr33821-v070")]


def _same(decoded: Any, fields: Any) -> None:
    assert decoded == fields and repr(decoded) == repr(fields)  # repr: True is not 1, b'' not ''


def test_every_messages_fields_read_back_as_written(runs: list[Run]) -> None:
    checked = 0
    for run in runs:
        for step in run.system.steps:
            _same(decode(encode(step.message.fields)), step.message.fields)
            if step.message.interface is Interface.UU and step.outcome.accepted:
                _same(decode(encode(step.outcome.read)), step.outcome.read)  # the deciphered
            checked += 1
    assert checked > 100


@given(FIELDS)
def test_decode_reads_back_what_encode_wrote(fields: Any) -> None:
    _same(decode(encode(fields)), fields)


@given(FIELDS, st.sampled_from([UPLINK, DOWNLINK]), st.integers(0, 2**32 - 1), st.booleans())
def test_unprotect_reads_back_what_protect_wrote(fields: Any, direction: int, count: int,
                                                 cipher: bool) -> None:
    pdu = protect_rrc(KEYS, count, direction, fields, cipher)
    _same(unprotect_rrc(KEYS, count, direction, pdu, cipher), fields)
    with pytest.raises(Reject, match="MAC-I"):
        unprotect_rrc(KEYS, count + 1, direction, pdu, cipher)


MALFORMED = [
    (b"", "incomplete"),
    (encode((("PCI", 8),))[:-1], "incomplete"),
    (encode(()) + b"\x00", "extra data"),
    (b"\xc1", "reserved type byte"),
    (b"\x91" * 5000 + b"\x01", "nested too deeply"),
    (b"\x91\xa2\xff\xfe", "utf-8"),
    (b"\xdd\xff\xff\xff\xff", "exceeds"),
    (msgpack.packb(1), "int, not a tuple"),
    (msgpack.packb("a"), "str, not a tuple"),
    (msgpack.packb({"PCI": 8}), "dict, not a tuple"),
    (msgpack.packb({1: 8}), "map key"),
    (msgpack.packb(msgpack.ExtType(1, b"x")), "ExtType, not a tuple"),
    (msgpack.packb((("PCI", 8.0),)), "float in the fields"),
    (msgpack.packb((("PCI", {"a": 1}),)), "dict in the fields"),
    (msgpack.packb((("PCI", (msgpack.ExtType(1, b"x"),)),)), "ExtType in the fields"),
]


@pytest.mark.parametrize(("data", "reason"), MALFORMED)
def test_malformed_content_is_refused_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(Reject, match=f"undecodable message content: .*{reason}"):
        decode(data)


@given(st.binary(max_size=40))
def test_any_bytes_decode_to_fields_or_are_refused(data: bytes) -> None:
    try:
        fields = decode(data)
    except Reject as refusal:
        assert str(refusal).startswith("undecodable message content: ")
        assert str(refusal) != "undecodable message content: "
        return
    _same(decode(encode(fields)), fields)
