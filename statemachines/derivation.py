"""Key derivations that remember what they computed.

Every KDF application an entity performs goes through a :class:`Deriver`, which returns the
real 3GPP bytes (``hoverify.statemachines.crypto``) and keeps a :class:`Derivation` record:
the inputs
by name and value, which of them are public, and the output. The key-dependency graph in
``properties`` is built from these records, never drawn by hand.
"""

from __future__ import annotations

from functools import lru_cache

from hoverify.statemachines import crypto
from hoverify.statemachines.record import record


@record
class Input:
    name: str  # spec vocabulary: "KASME", "KeNB", "NH", "PCI", "C-RNTI", "FC"
    value: bytes
    public: bool  # broadcast, sent in clear or a constant of the spec (FC, strings)


@record
class Derivation:
    output_name: str  # "KeNB*", "NH", "KRRCint", ...
    clause: str  # where the derivation is defined, e.g. "TS 33.401 A.5"
    inputs: tuple[Input, ...]  # the KDF key first, then FC, then P0, P1, ...
    output: bytes

    def __hash__(self) -> int:
        """The output's alone (a KDF's output names its derivation, equal ones compare equal
        all the same): the dataclass hash of the four fields hashed each input record too, in
        Python, and the claim engine's sets of derivations hashed 150,000 of them in a search
        at two handovers (about 1% of ``verify``'s CPU); CPython keeps a bytes' hash."""
        return hash(self.output)

    def __repr__(self) -> str:
        args = ", ".join(i.name for i in self.inputs)
        return f"<{self.output_name} = KDF({args}) [{self.clause}]>"


def public(name: str, value: bytes) -> Input:
    return Input(name, value, True)


def secret(name: str, value: bytes) -> Input:
    return Input(name, value, False)


@lru_cache(maxsize=256)
def _public_octet(name: str, value: int) -> Input:
    """A one-octet public input: FC, an algorithm type distinguisher or identity. Each
    derivation has two or three of these, always among a few values, and an Input is
    immutable: each is built once (a handover would build twenty)."""
    return Input(name, bytes((value,)), True)


def _u16(value: int) -> bytes:
    return value.to_bytes(2, "big")


class Deriver:
    """Computes derivations for one entity step and records them in ``records``."""

    __slots__ = ("records",)

    def __init__(self) -> None:
        self.records: list[Derivation] = []

    def kdf(self, output_name: str, clause: str, key: Input, fc: int,
            *params: Input) -> bytes:
        """KDF of TS 33.220 B.2 with a named key and named parameters."""
        output = crypto.kdf(key.value, fc, *(p.value for p in params))
        self._record(output_name, clause, output, key, fc, *params)
        return output

    def kenb(self, kasme: bytes, ul_nas_count: int) -> bytes:
        """TS 33.401 A.3."""
        output = crypto.derive_kenb(kasme, ul_nas_count)
        self._record("KeNB", "TS 33.401 A.3", output, secret("KASME", kasme),
                     crypto.FC_KENB, public("uplink NAS COUNT", ul_nas_count.to_bytes(4, "big")))
        return output

    def nh(self, kasme: bytes, sync_input: bytes, sync_name: str) -> bytes:
        """TS 33.401 A.4; SYNC-input is the initial KeNB for the first NH, then the last NH."""
        output = crypto.derive_nh(kasme, sync_input)
        self._record("NH", "TS 33.401 A.4", output, secret("KASME", kasme), crypto.FC_NH,
                     secret(sync_name, sync_input))
        return output

    def kenb_star(self, key: bytes, key_name: str, pci: int, earfcn_dl: int) -> bytes:
        """TS 33.401 A.5; ``key_name`` is "KeNB" (horizontal) or "NH" (vertical)."""
        output = crypto.derive_kenb_star(key, pci, earfcn_dl)
        self._record("KeNB*", "TS 33.401 A.5", output, secret(key_name, key),
                     crypto.FC_KENB_STAR, public("PCI", _u16(pci)),
                     public("EARFCN-DL", crypto.earfcn_dl_octets(earfcn_dl)))
        return output

    def algorithm_key(self, output_name: str, key: bytes, key_name: str, distinguisher: int,
                      algorithm_id: int, fc: int = crypto.FC_ALGORITHM_KEY,
                      clause: str = "TS 33.401 A.7") -> bytes:
        """TS 33.401 A.7 (TS 33.501 A.8 with FC 0x69): the last 16 octets of the KDF."""
        if fc == crypto.FC_ALGORITHM_KEY:
            output = crypto.derive_algorithm_key(key, distinguisher, algorithm_id)
        else:
            output = crypto.kdf(key, fc, bytes((distinguisher,)), bytes((algorithm_id,)))[-16:]
        self._record(output_name, clause, output, secret(key_name, key), fc,
                     _public_octet("algorithm type distinguisher", distinguisher),
                     _public_octet("algorithm identity", algorithm_id))
        return output

    def _record(self, output_name: str, clause: str, output: bytes, key: Input, fc: int,
                *params: Input) -> None:
        self.records.append(Derivation(output_name, clause, (key, _public_octet("FC", fc), *params),
                                       output))
