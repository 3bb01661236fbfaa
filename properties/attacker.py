"""Who the attacker is: compromised entities, each from a given hop on, and a passive radio
observer (who knows every public value: PCI, EARFCN-DL, C-RNTI, constants)."""

from __future__ import annotations

from dataclasses import dataclass

from hoverify.properties.graph import KeyGraph, Node


@dataclass(frozen=True, slots=True)
class Compromise:
    entity: str
    hop: int  # compromised from the start of this hop on (0: from the start of the run)

    def __str__(self) -> str:
        return f"{self.entity}@{self.hop}"


@dataclass(frozen=True, slots=True)
class Attacker:
    compromises: tuple[Compromise, ...] = ()

    def __str__(self) -> str:
        inside = ", ".join(str(c) for c in self.compromises)
        return f"radio observer + {inside}" if inside else "radio observer"

    @property
    def entities(self) -> frozenset[str]:
        return frozenset(c.entity for c in self.compromises)

    def knowledge(self, graph: KeyGraph) -> set[Node]:
        known = set(graph.public_nodes())
        for compromise in self.compromises:
            step = graph.hop_first_step.get(compromise.hop)
            if step is None:  # the hop never started: nothing learnt from it
                continue
            # a party's holdings; else a revealed key's values (KASME, K_HO: no party of that
            # name held anything), as the claim engine's ``reveal`` learns them
            known |= (graph.held_from(compromise.entity, step)
                      if compromise.entity in graph.seen else graph.named(compromise.entity))
        return known
