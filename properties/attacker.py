"""Who the attacker is: compromised entities, each from a given hop on, and a passive radio
observer (who knows every public value: PCI, EARFCN-DL, C-RNTI, constants)."""

from __future__ import annotations

from collections.abc import Collection
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
    # a part of an attacker also holding these parties (``parts``, ``enbs_alone``)
    without: str | None = None

    def __str__(self) -> str:
        inside = ", ".join(str(c) for c in self.compromises)
        name = f"radio observer + {inside}" if inside else "radio observer"
        return f"{name} (without {self.without})" if self.without is not None else name

    def parts(self, enbs: Collection[str], editors: Collection[str] = ()) -> list[Attacker]:
        """Per eNB E it holds beside more (another eNB, the UE, an MME, a revealed key), the
        attacker without E, judged as one of its own: backward and forward security are
        per eNB (TS 33.501 3.1: "an eNB ... cannot predict any future KeNB used between the
        same UE and another eNB", nor compute an earlier one; TS 33.401 7.2.8), so the
        attacker owning E's KeNBs through E does not make them its other members' own. Each
        KeNB E uses is judged against the strongest part that does not hold E; the whole,
        judged beside its parts, never gets a weaker verdict than one of them. A part is
        named by what it holds and the eNB it is without: who derived a key.

        No part is without an eNB of ``editors``, whose edit (a message it built or relayed
        otherwise) shaped the run: what the rest derives there, it derives from a run it
        could not have made (helper-165: the part without enb-1 read forward security FAILS
        where enb-1's Target ID edit had sent the rest its KeNB*+)."""
        held = self.entities
        return [Attacker(tuple(c for c in self.compromises if c.entity != enb), enb)
                for enb in sorted(held & set(enbs) - set(editors)) if held - {enb}]

    def enbs_alone(self, enbs: Collection[str]) -> Attacker | None:
        """Its eNBs without what else it holds (a revealed key, the UE, an MME), named by
        what it is without; None if it holds no eNB or nothing else. A promise made against a
        compromised eNB (TS 33.401 7.2.8) is broken by what they do alone: backward and
        forward security ask it of ``Facts.enbs_alone``, downgrade-resistance's edit search
        judges this attacker (``downgrade.with_enbs_alone``)."""
        others = sorted(self.entities - set(enbs))
        kept = tuple(c for c in self.compromises if c.entity in enbs)
        if not kept or not others:
            return None
        return Attacker(kept, ", ".join((*([self.without] if self.without else []), *others)))

    def edit_parts(self, enbs: Collection[str], editors: Collection[str] = ()) -> list[Attacker]:
        """Every attacker downgrade-resistance may judge beside it: its ``parts``, and its
        eNBs alone and each part's (``enbs_alone``)."""
        parts = self.parts(enbs, editors)
        return [*parts, *filter(None, (a.enbs_alone(enbs) for a in (self, *parts)))]

    @classmethod
    def holding(cls, entities: Collection[str], hop: int) -> Attacker:
        """The attacker holding ``entities`` from hop ``hop`` on, as ``check --compromise
        WHO@HOP`` makes it: how ``replay`` names the attacker an exploration compromised (one
        party, in the handover it is counted in, ``Engine.compromise_hop``), as ``check``
        names it ("radio observer + enb-1@1", not "enb-1")."""
        return cls(tuple(Compromise(entity, hop) for entity in sorted(entities)))

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
