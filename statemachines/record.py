"""Immutable records that are cheap to build and to copy with changes.

Every key record, context, message and step of the model is immutable: a snapshot shares them,
a step replaces an entity's context whole. ``@dataclass(frozen=True, slots=True)`` gives that,
but its ``__init__`` must store each field through ``object.__setattr__`` (frozen forbids
``self.x = x``), ~4x the cost of a plain store, and ``dataclasses.replace`` walks the class's
field metadata on every call. A handover builds about a hundred records and replaces contexts
sixteen times, and those two costs were a third of its time beyond the crypto (``bench/run.py``).

``@record`` is that same dataclass (fields, defaults, ``==``, ``hash``, ``repr``, pickling and
the frozen ``__setattr__`` unchanged) with two functions compiled once per class, as
``dataclasses`` compiles its own: an ``__init__`` that stores through the slots' descriptors,
and ``__replace__`` (the protocol of Python 3.13's ``copy.replace``), called by :func:`replace`.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, fields
from typing import Any, TypeVar, dataclass_transform

T = TypeVar("T")


@dataclass_transform(frozen_default=True)
def record(cls: type[T]) -> type[T]:
    cls = dataclass(frozen=True, slots=True)(cls)
    declared = fields(cls)  # type: ignore[arg-type]
    unsupported = [f.name for f in declared
                   if not f.init or f.kw_only or f.default_factory is not MISSING]
    if unsupported or hasattr(cls, "__post_init__"):
        raise TypeError(f"@record {cls.__name__}: only plain fields with plain defaults, "
                        f"no __post_init__ (not: {', '.join(unsupported) or '__post_init__'})")
    names = [f.name for f in declared]
    scope: dict[str, Any] = {"_new": object.__new__, "_cls": cls, "_names": frozenset(names),
                             "_TypeError": TypeError}
    for f in declared:
        scope[f"_set_{f.name}"] = getattr(cls, f.name).__set__  # the slot's member descriptor
        if f.default is not MISSING:
            scope[f"_default_{f.name}"] = f.default
    parameters = ", ".join(f.name if f.default is MISSING else f"{f.name}=_default_{f.name}"
                           for f in declared)
    source = (
        f"def __init__(self, {parameters}):\n"
        + "".join(f"    _set_{n}(self, {n})\n" for n in names)
        + "def __replace__(self, /, **changes):\n"
        + "    if not _names.issuperset(changes):\n"
        + "        raise _TypeError(f'{_cls.__name__} has no field '\n"
        + "                         f'{\", \".join(sorted(set(changes) - _names))}')\n"
        + "    new = _new(_cls)\n"
        + "".join(f"    _set_{n}(new, changes.get({n!r}, self.{n}))\n" for n in names)
        + "    return new\n"
    )
    exec(source, scope)
    for name in ("__init__", "__replace__"):
        function = scope[name]
        function.__qualname__ = f"{cls.__qualname__}.{name}"
        function.__module__ = cls.__module__
        setattr(cls, name, function)
    cls.__init__.__annotations__ = {f.name: f.type for f in declared} | {"return": None}
    return cls


def replace(obj: T, /, **changes: Any) -> T:
    """``obj`` with the named fields changed, as ``dataclasses.replace`` does for a record."""
    return obj.__replace__(**changes)  # type: ignore[attr-defined, no-any-return]
