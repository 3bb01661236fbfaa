"""The 3GPP key derivation function written out again from the spec text, for the tests that
recompute the model's keys (never from ``hoverify.statemachines.crypto``)."""

import hashlib
import hmac

# TS 33.401 A.7 table A.7-1 (TS 33.501 A.8-1 alike): algorithm type distinguishers
NAS_INT_ALG, RRC_ENC_ALG, RRC_INT_ALG, UP_ENC_ALG = 0x02, 0x03, 0x04, 0x05


def kdf(key: bytes, fc: int, *parameters: bytes) -> bytes:
    """TS 33.220 B.2: "derived key = HMAC-SHA-256 (Key, S)", "S = FC || P0 || L0 || P1 || L1
    || ... || Pn || Ln", where "Li is a two octet representation of the length of the
    corresponding input parameter Pi"."""
    s = bytes((fc,)) + b"".join(p + len(p).to_bytes(2, "big") for p in parameters)
    return hmac.new(key, s, hashlib.sha256).digest()


def algorithm_key(key: bytes, distinguisher: int, fc: int = 0x15) -> bytes:
    """A key for 128-EEA2 or 128-EIA2 (algorithm identity 2: TS 33.401 5.1.3.2, 5.1.4.2;
    NEA2/NIA2, TS 33.501 5.11.1). TS 33.401 A.7, FC 0x15 (TS 33.501 A.8 alike, FC 0x69): "P0 =
    algorithm type distinguisher, L0 = length of algorithm type distinguisher (i.e. 0x00
    0x01), P1 = algorithm identity, L1 = length of algorithm identity (i.e. 0x00 0x01)"; the
    key is "the 128 least significant bits of the 256 bits of the KDF output"."""
    return kdf(key, fc, bytes((distinguisher,)), b"\x02")[16:]
