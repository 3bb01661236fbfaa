"""Immutable records: every key record, context, message and step of the model.

A snapshot shares them and a step replaces an entity's context whole, so each is a
``@dataclass(frozen=True, slots=True)``: equal and hashed by value, no attribute set after
construction, no ``__dict__``. ``@record`` names that one declaration; ``replace`` is
``dataclasses.replace``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TypeVar, dataclass_transform

__all__ = ["record", "replace"]

T = TypeVar("T")


@dataclass_transform(frozen_default=True)
def record(cls: type[T]) -> type[T]:
    return dataclass(frozen=True, slots=True)(cls)
