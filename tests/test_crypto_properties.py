"""Property tests of ``hoverify.statemachines.crypto``: input validation, EEA2/EIA2 behaviour, the
EARFCN-DL encoding rule, and the bit-exact CMAC against OpenSSL's. Known answers are in
``test_crypto_vectors.py``. Example counts and deadlines come from the Hypothesis profile
(``tests/conftest.py``)."""

import hmac
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.cmac import CMAC
from hoverify.statemachines import crypto
from hypothesis import given
from hypothesis import strategies as st

UINT32_MAX = 2**32 - 1
NAS_COUNT_MAX = 2**24 - 1  # TS 24.301 4.4.3.1: NAS overflow (16 bits) and sequence number (8)
keys16 = st.binary(min_size=16, max_size=16)
counts = st.integers(0, UINT32_MAX)
bearers = st.integers(0, 31)
directions = st.integers(0, 1)

VALID_ARGS: dict[Callable[..., bytes], dict[str, Any]] = {
    crypto.derive_kasme: {"ck": bytes(16), "ik": bytes(16), "sn_id": bytes(3),
                          "sqn_xor_ak": bytes(6)},
    crypto.derive_kenb: {"kasme": bytes(32), "ul_nas_count": 0},
    crypto.derive_nh: {"kasme": bytes(32), "sync_input": bytes(32)},
    crypto.derive_kenb_star: {"key": bytes(32), "pci": 0, "earfcn_dl": 0},
    crypto.derive_algorithm_key: {"key": bytes(32), "distinguisher": crypto.NAS_ENC,
                                  "algorithm_id": 0},
    crypto.eea2: {"key": bytes(16), "count": 0, "bearer": 0, "direction": 0, "data": b""},
    crypto.eia2: {"key": bytes(16), "count": 0, "bearer": 0, "direction": 0, "message": b""},
}

# (function, parameter, required octets)
OCTET_PARAMS = [
    (crypto.derive_kasme, "ck", 16),
    (crypto.derive_kasme, "ik", 16),
    (crypto.derive_kasme, "sn_id", 3),
    (crypto.derive_kasme, "sqn_xor_ak", 6),
    (crypto.derive_kenb, "kasme", 32),
    (crypto.derive_nh, "kasme", 32),
    (crypto.derive_nh, "sync_input", 32),
    (crypto.derive_kenb_star, "key", 32),
    (crypto.derive_algorithm_key, "key", 32),
    (crypto.eea2, "key", 16),
    (crypto.eia2, "key", 16),
]

# (function, parameter, lowest, highest)
INT_PARAMS = [
    (crypto.derive_kenb, "ul_nas_count", 0, NAS_COUNT_MAX),
    (crypto.derive_kenb_star, "pci", 0, 503),
    (crypto.derive_kenb_star, "earfcn_dl", 0, 262_143),
    (crypto.derive_algorithm_key, "distinguisher", 1, 6),
    (crypto.derive_algorithm_key, "algorithm_id", 0, 15),
    *((f, "count", 0, UINT32_MAX) for f in (crypto.eea2, crypto.eia2)),
    *((f, "bearer", 0, 31) for f in (crypto.eea2, crypto.eia2)),
    *((f, "direction", 0, 1) for f in (crypto.eea2, crypto.eia2)),
]

BIT_STRING_FUNCTIONS = [(crypto.eea2, "data"), (crypto.eia2, "message")]


def call_with(function: Callable[..., bytes], **changed: Any) -> bytes:
    return function(**(VALID_ARGS[function] | changed))


def param_id(value: Any) -> str:
    return getattr(value, "__name__", str(value))


def outside(low: int, high: int) -> st.SearchStrategy[int]:
    return st.integers(max_value=low - 1) | st.integers(min_value=high + 1)


def valid_length_bits(octets: int) -> st.SearchStrategy[int]:
    return st.integers(max(0, 8 * octets - 7), 8 * octets)


@st.composite
def bit_strings(draw: st.DrawFn, min_bits: int = 0) -> tuple[bytes, int]:
    """Octets and a LENGTH in bits that ends in the last octet."""
    data = draw(st.binary(min_size=-(-min_bits // 8), max_size=48))
    return data, draw(valid_length_bits(len(data)).filter(lambda n: n >= min_bits))


def masked(data: bytes, length_bits: int) -> bytes:
    """``data`` with the bits past ``length_bits`` set to zero."""
    unused = 8 * len(data) - length_bits
    return (int.from_bytes(data, "big") >> unused << unused).to_bytes(len(data), "big")


def flip_bit(data: bytes, bit: int) -> bytes:
    """``data`` with bit number ``bit`` (0 = most significant bit of the first octet) flipped."""
    out = bytearray(data)
    out[bit // 8] ^= 0x80 >> (bit % 8)
    return bytes(out)


# --- input validation ------------------------------------------------------------------------


@pytest.mark.parametrize(("function", "name", "size"), OCTET_PARAMS, ids=param_id)
@given(value=st.binary(max_size=40))
def test_wrong_octet_count_is_refused(function: Callable[..., bytes], name: str, size: int,
                                      value: bytes) -> None:
    if len(value) == size:
        call_with(function, **{name: value})
    else:
        with pytest.raises(ValueError, match=f"^{name} must be {size} octets, got {len(value)}$"):
            call_with(function, **{name: value})


@pytest.mark.parametrize(("function", "name", "size"), OCTET_PARAMS, ids=param_id)
@pytest.mark.parametrize("value", ["00" * 16, bytearray(16), None], ids=repr)
def test_non_bytes_is_refused(function: Callable[..., bytes], name: str, size: int,
                              value: Any) -> None:
    with pytest.raises(TypeError, match=f"^{name} must be bytes, got {type(value).__name__}$"):
        call_with(function, **{name: value})


@pytest.mark.parametrize(("function", "name", "low", "high"), INT_PARAMS, ids=param_id)
@given(data=st.data())
def test_integer_out_of_range_is_refused(function: Callable[..., bytes], name: str, low: int,
                                         high: int, data: st.DataObject) -> None:
    value = data.draw(outside(low, high) | st.sampled_from([low - 1, high + 1]))
    with pytest.raises(ValueError, match=f"^{name} must be in {low}\\.\\.{high}, got {value}$"):
        call_with(function, **{name: value})


@pytest.mark.parametrize(("function", "name", "low", "high"), INT_PARAMS, ids=param_id)
@given(data=st.data())
def test_integer_in_range_is_accepted(function: Callable[..., bytes], name: str, low: int,
                                      high: int, data: st.DataObject) -> None:
    call_with(function, **{name: data.draw(st.integers(low, high) | st.sampled_from([low, high]))})


@pytest.mark.parametrize(("function", "name", "low", "high"), INT_PARAMS, ids=param_id)
@pytest.mark.parametrize("value", ["1", 1.0, True, None], ids=repr)
def test_non_int_is_refused(function: Callable[..., bytes], name: str, low: int, high: int,
                            value: Any) -> None:
    with pytest.raises(TypeError, match=f"^{name} must be an int, got {type(value).__name__}$"):
        call_with(function, **{name: value})


@pytest.mark.parametrize(("function", "name"), BIT_STRING_FUNCTIONS, ids=param_id)
@given(value=st.binary(max_size=40), data=st.data())
def test_length_bits_must_end_in_the_last_octet(function: Callable[..., bytes], name: str,
                                                value: bytes, data: st.DataObject) -> None:
    low, high = max(0, 8 * len(value) - 7), 8 * len(value)
    length_bits = data.draw(outside(low, high) | st.sampled_from([low - 1, high + 1]))
    with pytest.raises(ValueError, match=f"^length_bits must be in {low}\\.\\.{high}, got "):
        call_with(function, **{name: value, "length_bits": length_bits})


@pytest.mark.parametrize(("function", "name"), BIT_STRING_FUNCTIONS, ids=param_id)
def test_bit_string_must_be_bytes(function: Callable[..., bytes], name: str) -> None:
    with pytest.raises(TypeError, match=f"^{name} must be bytes, got str$"):
        call_with(function, **{name: "payload"})


@given(fc=outside(0, 255))
def test_kdf_fc_out_of_range_is_refused(fc: int) -> None:
    with pytest.raises(ValueError, match=r"^fc must be in 0\.\.255, got "):
        crypto.kdf(bytes(32), fc, b"p0")
    with pytest.raises(ValueError, match=r"^fc must be in 0\.\.255, got "):
        crypto.kdf_input(fc)


def test_kdf_parameter_lengths_are_limited_to_two_octets() -> None:
    longest = bytes(0xFFFF)
    assert crypto.kdf_input(0x10, b"", longest).endswith(b"\xff\xff")
    with pytest.raises(ValueError, match=r"^params\[1\] must be at most 65535 octets, got 65536$"):
        crypto.kdf(bytes(32), 0x10, b"", longest + b"\x00")


def test_kdf_refuses_an_empty_key_and_non_bytes() -> None:
    with pytest.raises(ValueError, match=r"^key must not be empty$"):
        crypto.kdf(b"", 0x10)
    with pytest.raises(TypeError, match=r"^key must be bytes, got str$"):
        crypto.kdf("key", 0x10)
    with pytest.raises(TypeError, match=r"^params\[0\] must be bytes, got int$"):
        crypto.kdf(bytes(32), 0x10, 7)
    with pytest.raises(TypeError, match=r"^fc must be an int, got bytes$"):
        crypto.kdf(bytes(32), b"\x10")


# --- TS 33.401 A.3 and A.7: integers in big-endian octets -------------------------------------


@given(kasme=st.binary(min_size=32, max_size=32), ul_nas_count=st.integers(0, NAS_COUNT_MAX))
def test_kenb_takes_the_nas_count_big_endian(kasme: bytes, ul_nas_count: int) -> None:
    s = b"\x11" + ul_nas_count.to_bytes(4, "big") + b"\x00\x04"
    assert crypto.derive_kenb(kasme, ul_nas_count) == hmac.digest(kasme, s, "sha256")


@given(key=st.binary(min_size=32, max_size=32), distinguisher=st.integers(1, 6),
       algorithm_id=st.integers(0, 15))
def test_algorithm_key_is_the_last_16_octets(key: bytes, distinguisher: int,
                                             algorithm_id: int) -> None:
    s = bytes((0x15, distinguisher, 0, 1, algorithm_id, 0, 1))
    expected = hmac.digest(key, s, "sha256")[16:]
    assert crypto.derive_algorithm_key(key, distinguisher, algorithm_id) == expected


# --- TS 33.401 A.5: EARFCN-DL in 2 octets up to 65535, else 3 -----------------------------------


def kenb_star_s(pci: int, earfcn_dl: int) -> bytes:
    """S of TS 33.401 A.5, written out independently of crypto.kdf_input."""
    width = 2 if earfcn_dl <= 0xFFFF else 3
    return (bytes((0x13,)) + pci.to_bytes(2, "big") + b"\x00\x02"
            + earfcn_dl.to_bytes(width, "big") + width.to_bytes(2, "big"))


def test_earfcn_dl_65536_is_the_first_three_octet_value() -> None:
    key = bytes(range(32))
    s_65535, s_65536 = kenb_star_s(1, 65535), kenb_star_s(1, 65536)
    assert (len(s_65535), len(s_65536)) == (9, 10)
    assert crypto.kdf_input(crypto.FC_KENB_STAR, b"\x00\x01", b"\xff\xff") == s_65535
    assert crypto.derive_kenb_star(key, 1, 65535) == hmac.digest(key, s_65535, "sha256")
    assert crypto.derive_kenb_star(key, 1, 65536) == hmac.digest(key, s_65536, "sha256")


@given(key=st.binary(min_size=32, max_size=32), pci=st.integers(0, 503),
       earfcn_dl=st.integers(0, 262_143) | st.sampled_from([0, 65535, 65536, 262_143]))
def test_kenb_star_follows_the_earfcn_dl_width_rule(key: bytes, pci: int, earfcn_dl: int) -> None:
    expected = hmac.digest(key, kenb_star_s(pci, earfcn_dl), "sha256")
    assert crypto.derive_kenb_star(key, pci, earfcn_dl) == expected


# --- 128-EEA2 --------------------------------------------------------------------------------


@given(key=keys16, count=counts, bearer=bearers, direction=directions, bits=bit_strings())
def test_eea2_is_its_own_inverse(key: bytes, count: int, bearer: int, direction: int,
                                 bits: tuple[bytes, int]) -> None:
    data, length_bits = bits
    ciphertext = crypto.eea2(key, count, bearer, direction, data, length_bits)
    assert len(ciphertext) == len(data)
    assert ciphertext == masked(ciphertext, length_bits)
    assert crypto.eea2(key, count, bearer, direction, ciphertext, length_bits) == masked(
        data, length_bits)


@given(key=keys16, count=counts, bearer=bearers, direction=directions, data=st.binary())
def test_eea2_counter_block_layout(key: bytes, count: int, bearer: int, direction: int,
                                   data: bytes) -> None:
    # TS 33.401 B.1.3: COUNT || BEARER || DIRECTION || 0^90
    block = ((count << 96) | (bearer << 91) | (direction << 90)).to_bytes(16, "big")
    reference = Cipher(algorithms.AES(key), modes.CTR(block)).encryptor().update(data)
    assert crypto.eea2(key, count, bearer, direction, data) == reference


# --- 128-EIA2 --------------------------------------------------------------------------------


@given(key=keys16, count=counts, bearer=bearers, direction=directions,
       bits=bit_strings(min_bits=1), data=st.data())
def test_eia2_detects_any_single_bit_change(key: bytes, count: int, bearer: int,
                                            direction: int, bits: tuple[bytes, int],
                                            data: st.DataObject) -> None:
    message, length_bits = bits
    args = {"key": key, "count": count, "bearer": bearer, "direction": direction,
            "message": message, "length_bits": length_bits}
    mac_i = crypto.eia2(**args)
    field = data.draw(st.sampled_from(["key", "count", "bearer", "direction", "message"]))
    if field == "key":
        args["key"] = flip_bit(key, data.draw(st.integers(0, 127)))
    elif field == "message":
        args["message"] = flip_bit(message, data.draw(st.integers(0, length_bits - 1)))
    else:
        width = {"count": 32, "bearer": 5, "direction": 1}[field]
        args[field] ^= 1 << data.draw(st.integers(0, width - 1))
    assert crypto.eia2(**args) != mac_i


@given(key=keys16, count=counts, bearer=bearers, direction=directions,
       bits=bit_strings().filter(lambda b: b[1] % 8), data=st.data())
def test_eia2_ignores_bits_past_length(key: bytes, count: int, bearer: int, direction: int,
                                       bits: tuple[bytes, int], data: st.DataObject) -> None:
    message, length_bits = bits
    noise = flip_bit(message, data.draw(st.integers(length_bits, 8 * len(message) - 1)))
    assert crypto.eia2(key, count, bearer, direction, noise, length_bits) == crypto.eia2(
        key, count, bearer, direction, message, length_bits)


@given(key=keys16, count=counts, bearer=bearers, direction=directions, message=st.binary())
def test_eia2_message_layout(key: bytes, count: int, bearer: int, direction: int,
                             message: bytes) -> None:
    # TS 33.401 B.2.3: COUNT || BEARER || DIRECTION || 0^26 || MESSAGE
    header = ((count << 32) | (bearer << 27) | (direction << 26)).to_bytes(8, "big")
    cmac = CMAC(algorithms.AES(key))
    cmac.update(header + message)
    assert crypto.eia2(key, count, bearer, direction, message) == cmac.finalize()[:4]


@given(key=keys16, message=st.binary(max_size=80) | st.sampled_from([b"", bytes(16), bytes(48)]))
def test_bit_exact_cmac_agrees_with_openssl_on_whole_octets(key: bytes, message: bytes) -> None:
    # Whole blocks take the K1 branch, everything else (also empty) K2: SP 800-38B 6.2.
    cmac = CMAC(algorithms.AES(key))
    cmac.update(message)
    assert crypto._cmac_bits(algorithms.AES(key), message, 8 * len(message)) == cmac.finalize()
