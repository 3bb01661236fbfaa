"""Protection of RRC messages (128-EIA2 + 128-EEA2) and of the NAS part (NAS-MAC, 128-EIA2).

PDCP for SRB1 (TS 36.323 5.6, 5.7; TS 33.401 7.4): MAC-I over the plaintext, then the
plaintext and MAC-I ciphered; BEARER = radio bearer identity - 1 = 0, DIRECTION 0 uplink,
1 downlink, COUNT the PDCP COUNT. NAS (TS 24.301 4.4.3, TS 33.401 8.1): BEARER 0, COUNT the
NAS COUNT.

The field encoding is MessagePack (the ``msgpack`` library): a field tuple is an array, text
a str, octets a bin, so what is decoded equals what was encoded, ``True`` apart from ``1``. It
stands in for ASN.1 PER here (the wire-format layer encodes the real information elements). Its
integers are at most 64 bits, as the model's counters and identities are.
"""

from __future__ import annotations

from typing import Any

import msgpack
from hoverify.statemachines import crypto
from hoverify.statemachines.entity import Reject
from hoverify.statemachines.messages import Fields
from hoverify.statemachines.variant import AsKeys

SRB1_BEARER = 0
INTEGRITY = ("KRRCint (128-EIA2)",)
INTEGRITY_AND_CIPHERING = ("KRRCint (128-EIA2)", "KRRCenc (128-EEA2)")
UPLINK = 0
DOWNLINK = 1
MAC_OCTETS = 4


def encode(fields: Fields) -> bytes:
    return msgpack.packb(fields)


def decode(data: bytes) -> Fields:
    """The field tuple in ``data``; anything else is refused, with what is wrong with it."""
    try:
        fields = msgpack.unpackb(data, use_list=False)
    except ValueError as error:  # msgpack's errors, and text that is no UTF-8
        reason = _UNSAID.get(type(error), str(error))
        raise Reject(f"undecodable message content: {reason}") from None
    if type(fields) is not tuple:
        raise Reject(f"undecodable message content: {type(fields).__name__}, not a tuple")
    stray = _stray(fields)
    if stray is not None:
        raise Reject(f"undecodable message content: {type(stray).__name__} in the fields")
    return fields


# the reasons msgpack raises without a message
_UNSAID = {msgpack.FormatError: "a reserved type byte", msgpack.StackError: "nested too deeply"}
_LEAVES = (str, bytes, int, type(None))  # bool is an int


def _stray(items: tuple[Any, ...]) -> Any:
    """The first value in ``items`` that no field holds (a map, a float, an extension type,
    which is a named tuple), or None."""
    for item in items:
        if type(item) is tuple:
            stray = _stray(item)
            if stray is not None:
                return stray
        elif not isinstance(item, _LEAVES):
            return item
    return None


def protect_rrc(keys: AsKeys, count: int, direction: int, fields: Fields,
                cipher: bool = True) -> bytes:
    plaintext = encode(fields)
    mac_i = crypto.eia2(keys.krrc_int, count, SRB1_BEARER, direction, plaintext)
    if not cipher:
        return plaintext + mac_i
    return crypto.eea2(keys.krrc_enc, count, SRB1_BEARER, direction, plaintext + mac_i)


def unprotect_rrc(keys: AsKeys, count: int, direction: int, pdu: bytes,
                  cipher: bool = True) -> Fields:
    """Decipher and check MAC-I; a mismatch is refused (TS 36.323 5.7: discard)."""
    data = crypto.eea2(keys.krrc_enc, count, SRB1_BEARER, direction, pdu) if cipher else pdu
    plaintext, mac_i = data[:-MAC_OCTETS], data[-MAC_OCTETS:]
    if crypto.eia2(keys.krrc_int, count, SRB1_BEARER, direction, plaintext) != mac_i:
        raise Reject("MAC-I check failed (128-EIA2 with KRRCint)")
    return decode(plaintext)


def unciphered_content(pdu: bytes) -> Fields:
    """The fields of an RRC PDU sent integrity protected only (``protect_rrc`` without
    ``cipher``: the plaintext, then MAC-I; TS 33.401 7.2.4.5), as anyone on the radio reads
    them: its MAC-I unchecked; content that is no field tuple is refused (``decode``)."""
    return decode(pdu[:-MAC_OCTETS])


def nas_mac(knas_int: bytes, nas_count: int, fields: Fields) -> bytes:
    return crypto.eia2(knas_int, nas_count, 0, DOWNLINK, encode(fields))
