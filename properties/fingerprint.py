"""Fingerprints of search states: a fixed-size hash of a canonical serialization, as TLC and
stateright keep in their visited sets instead of the states themselves.

Stable: the same value has the same fingerprint in every process and on every machine (Python's
``hash()`` is not: it is salted per process for ``str`` and ``bytes``, PYTHONHASHSEED), so a
fingerprint can be written down, compared between runs, or used to partition the states.

Canonical: a value is serialized by its type and content (a record by its class and fields in
declaration order, a set by its elements' digests sorted), so equal values give equal bytes
whatever their order of construction; the serialization is hashed with BLAKE2b (RFC 7693).

Two distinct states may share a fingerprint; the search then takes the second for the first
and does not explore it. ``collision_probability`` bounds the chance of that.
"""

from __future__ import annotations

from array import array
from dataclasses import fields, is_dataclass
from enum import Enum
from hashlib import blake2b
from itertools import compress, count
from operator import is_not
from typing import Any

BITS = 64
_DIGEST = 16  # bytes of the digest of a part (its collisions count as the state's, see below)
_MEMO_LIMIT = 1 << 10  # parts each memo keeps; past it, it starts again (memory stays bounded)
_FIRST_SLOTS = 1 << 10  # a FingerprintSet's table at first (a power of two)


class Fingerprinter:
    """Fingerprints of values built from shared immutable parts: the digest of each part
    (a record, tuple, set or mapping) is remembered, so a part that many states share is
    serialized once while it stays in the memo. Remembered by identity first (a snapshot
    shares its parent's records; hashing a record by value walks all of it), then by value
    (equal records made on different paths). The identity memo holds each part, so its
    ``id`` is not reused while it is there."""

    def __init__(self) -> None:
        # per place of ``parts``: the part fingerprinted last, and its digest
        self._last: tuple[Any, ...] = ()
        self._digests: list[bytes] = []
        self._by_id: dict[int, tuple[Any, bytes]] = {}
        self._by_value: dict[Any, bytes] = {}
        self._plain: dict[str | int, bytes] = {}  # exactly str or int: see ``_part``
        self._fields: dict[type, tuple[str, ...]] = {}

    def fingerprint(self, value: Any) -> int:
        """``BITS`` bits of BLAKE2b of ``value``'s canonical serialization."""
        return int.from_bytes(blake2b(self._bytes(value), digest_size=BITS // 8).digest())

    def parts(self, parts: list[Any]) -> int:
        """The fingerprint of a list of parts always as long, each in its place (a state's
        entities, messages in flight, facts...): each place remembers its last part and that
        part's digest, so a part that the step left alone (the same object as in the state
        fingerprinted before: a sibling, or the parent) costs an identity test, not a memo's
        lookup. The parts' digests are joined as a tuple's are."""
        digests = self._digests
        if len(digests) != len(parts):
            self._last, digests[:] = (_NOTHING,) * len(parts), [b""] * len(parts)
        # the places whose part changed, found without a Python loop over all of them (a
        # step changes ~5 of ~33: the messages in flight and what the action touched)
        for place in compress(count(), map(is_not, parts, self._last)):
            digests[place] = self._part(parts[place])
        self._last = tuple(parts)  # holds the parts, so their ``id`` is not reused
        return int.from_bytes(blake2b(b"t" + b"".join(digests), digest_size=BITS // 8).digest())

    def multiset(self, items: list[Any]) -> bytes:
        """A part for the multiset of ``items``: their digests, sorted (the order of the list
        is no part of the value; an item twice is there twice)."""
        return b"\xff" + blake2b(b"m" + b"".join(sorted(map(self._part, items))),
                                 digest_size=_DIGEST).digest()

    def _bytes(self, value: Any) -> bytes:
        """Values equal in Python serialize alike (``True`` as ``1``, a ``StrEnum`` member as
        its text), so the fingerprint never tells apart states the seen set merged."""
        kind = type(value)
        names = self._fields.get(kind)
        if names is not None:  # a record, the commonest composite
            return b"r" + kind.__qualname__.encode() + b"".join(
                self._part(getattr(value, name)) for name in names)
        if isinstance(value, bytes):
            return b"b" + value
        if isinstance(value, str):
            return b"s" + value.encode()
        if isinstance(value, int):  # bool and IntEnum too
            return b"i" + str(int(value)).encode()
        if value is None:
            return b"n"
        if isinstance(value, tuple | list):
            return b"t" + b"".join(self._part(v) for v in value)
        if isinstance(value, frozenset | set):
            return b"f" + b"".join(sorted(self._part(v) for v in value))
        if isinstance(value, dict):  # a Counter too: a multiset
            return b"d" + b"".join(sorted(self._part(k) + self._part(v)
                                          for k, v in value.items()))
        if isinstance(value, Enum):
            return b"e" + f"{kind.__qualname__}.{value.name}".encode()
        if is_dataclass(value):
            self._fields[kind] = tuple(f.name for f in fields(kind))
            return self._bytes(value)
        raise TypeError(f"no canonical serialization for {kind.__qualname__}")

    def _part(self, value: Any) -> bytes:
        """An element's encoding prefixed by its length (which starts with a zero byte), or a
        composite's digest prefixed by 0xff: a concatenation of parts reads back one way only.
        Text and numbers (entity states, counters: a few values, met on every transition)
        are remembered by value, bytes (keys: many, each met a few times) encoded as they
        come."""
        kind = type(value)
        if kind is str or kind is int:
            part = self._plain.get(value)
            if part is None:
                if len(self._plain) >= _MEMO_LIMIT:
                    self._plain.clear()
                encoded = self._bytes(value)
                part = self._plain[value] = len(encoded).to_bytes(4) + encoded
            return part
        if kind is bytes or value is None:
            encoded = self._bytes(value)
            return len(encoded).to_bytes(4) + encoded
        known = self._by_id.get(id(value))
        if known is not None:
            return known[1]
        if isinstance(value, list | dict):  # the caller's transient containers: not kept
            return b"\xff" + blake2b(self._bytes(value), digest_size=_DIGEST).digest()
        if isinstance(value, bytes | str | int):  # bool, StrEnum, IntEnum
            encoded = self._bytes(value)
            part = len(encoded).to_bytes(4) + encoded
        else:
            part = self._by_value.get(value)  # type: ignore[assignment]
            if part is None:
                part = b"\xff" + blake2b(self._bytes(value), digest_size=_DIGEST).digest()
                if len(self._by_value) >= _MEMO_LIMIT:
                    self._by_value.clear()
                self._by_value[value] = part
        if len(self._by_id) >= _MEMO_LIMIT:
            self._by_id.clear()
        self._by_id[id(value)] = value, part
        return part


_NOTHING: Any = object()


class FingerprintSet:
    """A set of ``BITS``-bit fingerprints in one flat array of 64-bit slots, as TLC's
    ``FPSet`` keeps them in an array of longs: open addressing with linear probing, the slot
    chosen by a fingerprint's high bits (a search partitions the states by their low bits,
    the fingerprint modulo its number of parts), the table doubled when two thirds full. So
    a fingerprint takes 12 to 24 bytes, where a Python ``set`` of ints takes about 80 (the
    int object, and the set's 16-byte slot and its spare room). An empty slot holds 0; the
    fingerprint 0 is kept aside."""

    __slots__ = ("_shift", "_size", "_slots", "_zero")

    def __init__(self) -> None:
        self._slots = array("Q", bytes(8 * _FIRST_SLOTS))
        self._shift = BITS - (_FIRST_SLOTS.bit_length() - 1)
        self._size = 0  # the slots in use
        self._zero = False

    def __len__(self) -> int:
        return self._size + self._zero

    def insert(self, key: int) -> bool:
        """Add ``key``; whether it was absent (one probe sequence for both)."""
        if not key:
            added, self._zero = not self._zero, True
            return added
        slots, mask = self._slots, len(self._slots) - 1
        index = key >> self._shift
        while found := slots[index]:
            if found == key:
                return False
            index = (index + 1) & mask
        slots[index] = key
        self._size += 1
        if 3 * self._size > 2 * len(slots):
            self._grow()
        return True

    def _grow(self) -> None:
        old = self._slots
        slots = self._slots = array("Q", bytes(16 * len(old)))
        self._shift -= 1
        shift, mask = self._shift, len(slots) - 1
        for key in old:  # all distinct: each goes in the first free slot of its sequence
            if key:
                index = key >> shift
                while slots[index]:
                    index = (index + 1) & mask
                slots[index] = key


def collision_probability(states: int, bits: int = BITS) -> float:
    """An upper bound on the probability that two of ``states`` distinct states share a
    fingerprint (the birthday bound, for fingerprints drawn uniformly):
    P <= n(n-1)/2 / 2^bits = n(n-1) / 2^(bits+1). TLC reports an estimate of the same kind
    at the end of a run. (The digests of parts have ``_DIGEST`` bytes, 128 bits: their
    collisions add at most the same bound over the distinct parts, which is negligible.)"""
    return states * (states - 1) / 2 ** (bits + 1)
