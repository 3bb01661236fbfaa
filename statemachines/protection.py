"""Protection of RRC messages (128-EIA2 + 128-EEA2) and of the NAS part (NAS-MAC, 128-EIA2).

PDCP for SRB1 (TS 36.323 5.6, 5.7; TS 33.401 7.4): MAC-I over the plaintext, then the
plaintext and MAC-I ciphered; BEARER = radio bearer identity - 1 = 0, DIRECTION 0 uplink,
1 downlink, COUNT the PDCP COUNT. NAS (TS 24.301 4.4.3, TS 33.401 8.1): BEARER 0, COUNT the
NAS COUNT.

The field encoding is ``repr`` of the field tuple: deterministic and readable; it stands in
for ASN.1 PER here (the wire-format layer encodes the real information elements). Decoding
gives exactly what ``ast.literal_eval`` gives, without compiling the text (see ``_parse``).
"""

from __future__ import annotations

import ast
import re
from typing import Any

from statemachines import crypto
from statemachines.entity import Reject
from statemachines.messages import Fields
from statemachines.variant import AsKeys

SRB1_BEARER = 0
INTEGRITY = ("KRRCint (128-EIA2)",)
INTEGRITY_AND_CIPHERING = ("KRRCint (128-EIA2)", "KRRCenc (128-EEA2)")
UPLINK = 0
DOWNLINK = 1
MAC_OCTETS = 4


def encode(fields: Fields) -> bytes:
    return repr(fields).encode()


def decode(data: bytes) -> Fields:
    try:
        text = data.decode()
        try:
            fields = _parse_pairs(text) if _PAIRS.fullmatch(text) else _parse(text)
        except (ValueError, SyntaxError):  # what _parse does not read, literal_eval decides
            fields = ast.literal_eval(text)
    except (ValueError, SyntaxError, UnicodeDecodeError):
        raise Reject("undecodable message content") from None
    return fields


# ``_parse`` reads what ``repr`` writes for a field tuple (str, int, bool, bytes, None and
# nested tuples) token by token, ~2.5x faster than ``ast.literal_eval``, which compiles the text
# and was the largest cost of a handover after the state machine (bench/run.py). It accepts
# only a tiling of the text by the tokens below that forms a tuple display, so what it
# returns is literal_eval's value; anything else raises and is left to literal_eval.
_TOKEN = re.compile(r"""
    [(),]\ ?                                   # a tuple opens, closes, or goes on (", ")
  | -?(?:0|[1-9][0-9]*)                         # an int as repr writes it: no leading zeros
  | True | False | None
  | b?(?:'(?:[^'\\\n\r]|\\[^\n\r])*'            # a str or bytes literal in either quotes
        |"(?:[^"\\\n\r]|\\[^\n\r])*")            # repr uses, escapes kept whole
""", re.VERBOSE)
_CONSTANTS = {"True": True, "False": False, "None": None}
_MAX_DEPTH = 100  # deeper is left to literal_eval and its parser's limit


# Most messages are a flat tuple of (name, value) pairs with plain ASCII text: that shape is
# matched and read by two regular-expression passes, ~2.5x faster than ``_parse``. A str or
# bytes here holds printable ASCII other than quotes and backslashes, which Python reads as
# written; a lone pair must have its trailing comma ("(('a', 1))" is no tuple of pairs).
_ASCII_TEXT = r"'[ !#-&(-\[\]-~]*'"
_VALUE = rf"-?(?:0|[1-9][0-9]*)|True|False|None|b?{_ASCII_TEXT}"
_PAIR = rf"\(({_ASCII_TEXT}), ({_VALUE})\)"
_PAIRS = re.compile(rf"\(\)|\({_PAIR},\)|\({_PAIR}(?:, {_PAIR})+,?\)")
_PAIR_ITEMS = re.compile(_PAIR)


def _parse_pairs(text: str) -> Any:
    """The value of a ``text`` that ``_PAIRS`` matches whole."""
    return tuple((name[1:-1], _scalar(value)) for name, value in _PAIR_ITEMS.findall(text))


def _scalar(token: str) -> Any:
    first = token[0]
    if first == "'":
        return token[1:-1]
    if first == "b":
        return token[2:-1].encode("ascii")
    if token in _CONSTANTS:
        return _CONSTANTS[token]
    return int(token)


def _parse(text: str) -> Any:
    tokens = _TOKEN.findall(text)
    if sum(map(len, tokens)) != len(text):  # some text is no token
        raise ValueError("not a field tuple")
    outer: list[list[Any]] = []  # the items of the enclosing tuples
    items: list[Any] = []
    expect = True  # a value may come next
    after_comma = False
    for token in tokens:
        first = token[0]
        if first == ",":
            if expect or not outer:  # a comma after nothing, or a tuple without parentheses
                raise ValueError("misplaced comma")
            expect = after_comma = True
            continue
        if first == ")":
            if not outer or (len(items) == 1 and not after_comma):  # "(x)" is no tuple
                raise ValueError("misplaced parenthesis")
            value: Any = tuple(items)
            items = outer.pop()
        elif not expect:
            raise ValueError("two values without a comma")
        elif first == "(":
            if len(outer) == _MAX_DEPTH:
                raise ValueError("too deep")
            outer.append(items)
            items = []
            after_comma = False
            continue
        elif first in "'\"":
            value = token[1:-1]
            if "\\" in value or not value.isprintable():  # escapes: as Python reads them
                value = ast.literal_eval(token)
        elif first == "b":
            value = token[2:-1]
            if "\\" in value or not (value.isascii() and value.isprintable()):
                value = ast.literal_eval(token)
            else:
                value = value.encode("ascii")
        elif token in _CONSTANTS:
            value = _CONSTANTS[token]
        else:
            value = int(token)
        items.append(value)
        expect = after_comma = False
    if outer or len(items) != 1:
        raise ValueError("not one value")
    return items[0]


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


def nas_mac(knas_int: bytes, nas_count: int, fields: Fields) -> bytes:
    return crypto.eia2(knas_int, nas_count, 0, DOWNLINK, encode(fields))
