"""One object per value among the states of a ``verify`` level (hash-consing).

A breadth-first level holds thousands of states whose parts are equal but were built apart:
at two handovers on ``ts33401`` the widest level has 2638 states with 864 distinct facts, 28
distinct derivation tuples (in 571 objects), 72 distinct multisets of messages in flight (in
2133 tuples) and 9 distinct tuples of claim states (in 1139). A part equal to one already
kept is replaced by it, so a state stores only what no other state of its level holds.

Equal values only: a part is replaced by an equal one of its own type (``==``, so the same
fingerprint and the same future; ``False`` is never replaced by the ``0`` it equals), never by a
merely similar one. A composite whose hash walks all of it (a
snapshot's entities, the facts) is looked up by the identities of its parts once those are
shared; anything else by value. The facts' tuples that only grow (``derivations``,
``completions``) are shared whole, never element by element: the engine's indexes
(``engine._indexed``, ``engine.Consumers``) take a tuple holding, where another ended, that
one's last element as the same object for an extension of it, which holds only while an
element object comes with the tuple it was appended to.

The objects kept are those of the level being built (``level`` forgets them): the states of
the level being expanded share them with their successors by reference, as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hoverify.properties.engine import Facts
from hoverify.statemachines.record import replace
from hoverify.statemachines.system import Snapshot

Share = Callable[[Any], Any]


class Sharing:
    __slots__ = ("_built", "_kept", "_parent", "_values")

    def __init__(self) -> None:
        # (type, value) -> the object kept for it: by type too, as 0 == False and 1 == 1.0
        self._values: dict[tuple[type, Any], Any] = {}
        self._built: dict[tuple[Any, ...], Any] = {}  # (type, ids of shared parts) -> object
        self._kept: dict[int, Any] = {}  # id -> an object kept (each pinned by a table above)
        # id -> (an object of the state being expanded, the object kept for it)
        self._parent: dict[int, tuple[Any, Any]] = {}

    def level(self) -> None:
        """A new level is built: forget the objects kept for the last one."""
        self._values, self._built, self._kept, self._parent = {}, {}, {}, {}

    def parent(self) -> None:
        """A new state is expanded: its successors share most of its parts."""
        self._parent = {}

    def value(self, value: Any) -> Any:
        """The object kept for ``value`` (looked up by value: for cheap hashes)."""
        known = self._known(value)
        if known is not None:
            return known
        kept = self._values.setdefault((type(value), value), value)
        return self._remember(value, kept)

    def tuple(self, items: tuple[Any, ...], share: Share | None = None) -> tuple[Any, ...]:
        """The tuple kept for ``items``, each item shared by ``share`` (``value``)."""
        known = self._known(items)
        if known is not None:
            return known
        parts = tuple(map(share or self.value, items))
        return self._built_of(items, (tuple, *map(id, parts)),
                              lambda: items if _same(parts, items) else parts)

    def facts(self, f: Facts) -> Facts:
        known = self._known(f)
        if known is not None:
            return known
        value = self.value
        parts = [value(getattr(f, name)) for name in _FACTS]

        def made() -> Facts:
            changed = {name: part for name, part in zip(_FACTS, parts, strict=True)
                       if part is not getattr(f, name)}
            return replace(f, **changed) if changed else f

        return self._built_of(f, (Facts, *map(id, parts)), made)

    def snapshot(self, snapshot: Snapshot) -> Snapshot:
        entities = self.tuple(snapshot.entities, self._entity)
        in_flight = self.tuple(snapshot.in_flight)
        return self._built_of(
            snapshot, (Snapshot, id(entities), id(in_flight), snapshot.hop, snapshot.steps),
            lambda: snapshot if entities is snapshot.entities and in_flight is snapshot.in_flight
            else Snapshot(entities, in_flight, snapshot.hop, snapshot.steps))

    def _entity(self, entity: tuple[str, tuple[str, Any]]) -> tuple[str, tuple[str, Any]]:
        """An entity's (name, (state, record)): its record shared by value, then the pair
        by its name, state and the record kept (one lookup each, not one per tuple)."""
        known = self._known(entity)
        if known is not None:
            return known
        name, (state, ctx) = entity
        ctx = self.value(ctx)
        return self._built_of(entity, (name, state, id(ctx)),
                              lambda: entity if entity[1][1] is ctx else (name, (state, ctx)))

    def _known(self, obj: Any) -> Any:
        """The object kept for ``obj`` itself (kept, or the parent's part it replaced), if
        any: None otherwise."""
        kept = self._kept.get(id(obj))
        if kept is not None:
            return kept
        known = self._parent.get(id(obj))
        return known[1] if known is not None else None

    def _built_of(self, value: Any, key: tuple[Any, ...], made: Callable[[], Any]) -> Any:
        """The object kept under ``key`` (the identities of ``value``'s shared parts, which
        the tables keep alive), else ``made()``."""
        kept = self._built.get(key)
        if kept is None:
            kept = self._built[key] = made()
        return self._remember(value, kept)

    def _remember(self, value: Any, kept: Any) -> Any:
        self._kept[id(kept)] = kept
        if kept is not value:  # ``value`` may be the parent's: pin it while it is expanded
            self._parent[id(value)] = value, kept
        return kept


_FACTS = tuple(Facts.__dataclass_fields__)


def _same(parts: tuple[Any, ...], items: tuple[Any, ...]) -> bool:
    return all(a is b for a, b in zip(parts, items, strict=True))
