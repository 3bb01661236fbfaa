"""The finding file ``explore`` and ``verify`` save and ``hoverify replay`` reads, and the
attacker line both print: no Hypothesis, so ``verify`` saves findings without loading it."""

from __future__ import annotations

from typing import Any

from hoverify.properties.adversary import (
    Adversary,
    protocol_followed,
)
from hoverify.properties.exploration import EXPLORATION_KASME, Finding
from hoverify.statemachines.variant import KeySchedule

SCHEMA_VERSION = 1

PARTY_WORDS = {"enb": "the eNBs", "ue": "the UE", "mme": "the MMEs",
               "kasme": "KASME (root-key reveal)", "delegated": "the delegated keys"}


def compromise_text(adversary: Adversary, faults: frozenset[str]) -> str:
    """Who explore and verify may compromise, for the attacker line: no one where
    ``faults`` has no ``compromise``."""
    if "compromise" not in faults:
        return "none (--faults has no compromise)"
    return (f"any one of {', '.join(PARTY_WORDS[p] for p in adversary.parties)} at any time "
            "(at most one per path)" + (protocol_followed(
                "the edits rewrite makes" if "rewrite" in faults else None)
                if "enb" in adversary.parties else ""))


def finding_document(variant: KeySchedule, finding: Finding, adversary: Adversary,
                     faults: frozenset[str], verdict: str) -> dict[str, Any]:
    """The file ``hoverify replay`` reads: with the attacker model it was found under
    (``Adversary.from_json`` reads it back; a file without one was found under the default)
    and the search's ``faults``; ``verdict``: the finding's word as the commands print it
    (``hoverify.runs.finding_word``), which replay compares."""
    return {"schema_version": SCHEMA_VERSION, "variant": variant.name,
            "parameters": dict(variant.parameters), "topology": "small",
            "kasme": EXPLORATION_KASME.hex(),
            "attacker": adversary.to_json(compromise_text(adversary, faults)),
            "claim": finding.claim,
            "promised": finding.promised, "verdict": verdict, "detail": finding.detail,
            "trace": [a.to_json() for a in finding.trace]}
