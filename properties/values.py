"""An attacker's held or known values as a set that grows without being copied whole.

``check`` compromises an eNB again at every hop it serves in, so an eNB has an attacker per
such hop, and each learns what the eNB sees from then on. Kept as one frozenset each, every
step that taught an attacker a few values copied all it knew: the sum over attackers and
steps grew as the cube of the hops (``tr33821-v070``, where every attacker derives every
later key). A :class:`Values` shares the frozenset of the record it grew from and keeps
only what was added since beside it, merged into a new frozenset once that part reaches an
eighth of the shared one: each value is copied a bounded number of times on average.

It is a read-only ``Set``: ``in``, ``<=``, ``|``, ``-``, iteration and equality with a
frozenset of the same values, and the same hash. :meth:`frozen` gives that frozenset (one
object per ``Values``), for what must see a plain one (``verify``'s fingerprint).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Set
from typing import Any

MERGED_AT = 8  # the added part is merged in once it is an eighth of the shared one
SMALL = 64  # below this many added values, never merged: a copy of them costs nothing
PLAIN = 256  # a set this small stays a frozenset: copied, it costs less than a slower ``in``


class Values(Set[bytes]):
    __slots__ = ("_frozen", "_more", "_shared")

    def __init__(self, shared: frozenset[bytes], more: frozenset[bytes] = frozenset()) -> None:
        self._shared, self._more = shared, more
        self._frozen: frozenset[bytes] | None = None

    @classmethod
    def _from_iterable(cls, values: Iterable[Any]) -> frozenset[Any]:
        return frozenset(values)  # ``-``, ``&`` and ``^`` give a plain frozenset

    def __contains__(self, value: object) -> bool:
        return value in self._shared or value in self._more

    def __iter__(self) -> Iterator[bytes]:
        yield from self._shared
        yield from self._more

    def __len__(self) -> int:
        return len(self._shared) + len(self._more)

    def __ge__(self, other: Any) -> bool:  # ``needs <= known``: mostly in the shared part
        if isinstance(other, frozenset | set):  # in C, not ``Set``'s loop through ``in``
            return other <= self._shared or not other - self._shared - self._more
        return super().__ge__(other)

    def __rsub__(self, other: Any) -> Any:  # ``seen - held``: a plain frozenset, as ``Set``'s
        if isinstance(other, frozenset | set):
            return frozenset(other - self._shared - self._more)
        return super().__rsub__(other)

    def __or__(self, other: Any) -> Values:  # type: ignore[override]
        return grown(self, other)

    def __hash__(self) -> int:
        return hash(self.frozen())

    def __reduce__(self) -> tuple[Any, ...]:
        return Values, (self._shared, self._more)

    def parts(self) -> tuple[frozenset[bytes], frozenset[bytes]]:
        """The shared frozenset and the added one (what a hot loop tests ``in`` on)."""
        return self._shared, self._more

    def frozen(self) -> frozenset[bytes]:
        if self._frozen is None:
            self._frozen = self._shared | self._more
        return self._frozen


def parts(values: Set[bytes]) -> tuple[Set[bytes], frozenset[bytes]]:
    """``values`` as two sets whose union it is (``Values.parts``; a plain set and nothing)."""
    return values.parts() if isinstance(values, Values) else (values, frozenset())


def grown(values: Set[bytes], more: Iterable[bytes]) -> Set[bytes]:
    """``values | more``, sharing what a large ``values`` shares (``values`` itself when
    ``more`` adds nothing to a ``Values``)."""
    if not isinstance(values, Values):
        shared = values if isinstance(values, frozenset) else frozenset(values)
        if len(shared) < PLAIN:
            return shared.union(more)
        added = frozenset(more) - shared
        return Values(shared, added) if added else shared
    added = frozenset(v for v in more if v not in values)
    if not added:
        return values
    more_now = values._more | added
    if len(more_now) < SMALL or len(more_now) * MERGED_AT < len(values._shared):
        return Values(values._shared, more_now)
    return Values(values._shared | more_now)


class Shared:
    """What a chain of attackers knows and holds, in a finished run (``check``).

    ``check`` compromises an eNB again at every hop it serves in: the attackers holding the
    same eNB form a chain (``engine.Parties``), each after the first compromised later and
    knowing no more than the one before it, and from its compromise on seeing what they see.
    Kept as a set each, a step taught each of them what the eNB saw, and each closed its
    knowledge over the step's derivations: the work per step grew with the hops an eNB
    served in. Here each value is kept once per chain, with how many of the chain's first
    attackers know it (``known``; nested, so a derivation gives its output to as many as
    know all its inputs) or have held it since (``held``; besides what each held when it was
    compromised): a step costs one pass per chain. A finished run is never restored, so its
    attackers read these live (:class:`Chained`); a search (``verify``) keeps a set each."""

    __slots__ = ("held", "known", "size")

    def __init__(self) -> None:
        self.known: dict[bytes, int] = {}
        self.held: dict[bytes, int] = {}
        self.size = 0  # attackers in the chain


class Chained(Set[bytes]):
    """The values the attacker at place ``at`` of a chain knows (or holds): those the
    ``depth`` of :class:`Shared` gives to more than ``at`` attackers, and ``base``."""

    __slots__ = ("_at", "_base", "_depth")

    def __init__(self, depth: dict[bytes, int], at: int,
                 base: frozenset[bytes] = frozenset()) -> None:
        self._depth, self._at, self._base = depth, at, base

    @classmethod
    def _from_iterable(cls, values: Iterable[Any]) -> frozenset[Any]:
        return frozenset(values)  # ``-``, ``|``, ``&`` give a plain frozenset

    def __contains__(self, value: object) -> bool:
        return self._depth.get(value, 0) > self._at or value in self._base  # type: ignore[call-overload]

    def __iter__(self) -> Iterator[bytes]:
        at = self._at
        yield from self._base
        yield from (v for v, n in self._depth.items() if n > at and v not in self._base)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __ge__(self, other: Any) -> bool:  # ``needs <= known``: no ``len`` of a live set
        if isinstance(other, Set | frozenset | set):
            return all(v in self for v in other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(frozenset(self))

    def place(self) -> tuple[dict[bytes, int], int] | None:
        """The chain's counts and this set's place: it holds the values counted by more than
        its place, and only those (None: it holds others, ``base``)."""
        return None if self._base else (self._depth, self._at)

    def __reduce__(self) -> tuple[Any, ...]:  # pickled as the values it holds now
        return frozenset, (frozenset(self),)
