"""Loader for the known-answer vectors in ``tests/data`` (provenance in ``tests/data/SOURCES.md``).

Use as ``@pytest.mark.parametrize("vector", load("eea2"), ids=vector_id)``.
"""

import json
from functools import cache
from pathlib import Path
from typing import Any

VECTORS_FILE = Path(__file__).parent / "data" / "lte-security-vectors.json"

Vector = dict[str, Any]


@cache
def _all_vectors() -> tuple[Vector, ...]:
    return tuple(json.loads(VECTORS_FILE.read_text(encoding="utf-8")))


def kinds() -> set[str]:
    """Every vector kind present in the file."""
    return {v["kind"] for v in _all_vectors()}


def load(*wanted: str) -> list[Vector]:
    """The vectors whose kind is one of ``wanted``, in file order."""
    return [v for v in _all_vectors() if v["kind"] in wanted]


def vector_id(vector: Vector) -> str:
    return vector["id"]
