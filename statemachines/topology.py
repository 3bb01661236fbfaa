"""Cells, eNBs, MMEs and X2 links; the hop type of a handover follows from them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class HopType(StrEnum):
    INTRA_ENB = "intra-enb"  # TS 36.300 10.1.2.1, source eNB = target eNB
    X2 = "x2"  # TS 23.401 5.5.1.1
    S1 = "s1"  # TS 23.401 5.5.1.2, no MME relocation
    S1_INTER = "s1-inter"  # TS 23.401 5.5.1.2, with MME relocation

    @classmethod
    def parse(cls, text: str) -> HopType:
        try:
            return cls(text)
        except ValueError:
            known = ", ".join(h.value for h in cls)
            raise ValueError(f"unknown hop type {text!r} (known: {known})") from None


@dataclass(frozen=True, slots=True)
class Cell:
    name: str
    pci: int  # physical cell identity, 0..503 (TS 36.211 6.11)
    earfcn_dl: int  # 0..262143 (TS 36.101 5.7.3)
    enb: str


@dataclass(frozen=True, slots=True)
class Topology:
    cells: tuple[Cell, ...]
    enb_mme: tuple[tuple[str, str], ...]  # (eNB, the MME it is attached to)
    x2_links: frozenset[frozenset[str]]

    @property
    def enbs(self) -> tuple[str, ...]:
        return tuple(enb for enb, _ in self.enb_mme)

    @property
    def mmes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(mme for _, mme in self.enb_mme))

    def cell(self, name: str) -> Cell:
        for cell in self.cells:
            if cell.name == name:
                return cell
        raise ValueError(f"unknown cell {name!r}")

    def cell_by_pci(self, pci: int, earfcn_dl: int) -> Cell:
        """The cell a UE reports or is sent to, identified as on the radio (PCI, EARFCN-DL)."""
        for cell in self.cells:
            if cell.pci == pci and cell.earfcn_dl == earfcn_dl:
                return cell
        raise ValueError(f"no cell with PCI {pci} on EARFCN-DL {earfcn_dl}")

    def mme_of(self, enb: str) -> str:
        return dict(self.enb_mme)[enb]

    def hop_type(self, source: Cell, target: Cell) -> HopType:
        """How a handover between two cells goes: X2 where a link exists (TS 36.300 10.1.2.1),
        otherwise S1 through the source eNB's MME, relocating the MME when the target eNB
        belongs to another (TS 23.401 5.5.1.2)."""
        if source.enb == target.enb:
            return HopType.INTRA_ENB
        if frozenset((source.enb, target.enb)) in self.x2_links:
            return HopType.X2
        if self.mme_of(source.enb) == self.mme_of(target.enb):
            return HopType.S1
        return HopType.S1_INTER

    def neighbours(self, source: Cell, hop: HopType) -> tuple[Cell, ...]:
        return tuple(c for c in self.cells
                     if c != source and self.hop_type(source, c) is hop)


def _build(plan: dict[str, dict[str, list[tuple[int, int]]]],
           x2: list[tuple[str, str]]) -> Topology:
    cells: list[Cell] = []
    enb_mme: list[tuple[str, str]] = []
    for mme, enbs in plan.items():
        for enb, carriers in enbs.items():
            enb_mme.append((enb, mme))
            for i, (pci, earfcn_dl) in enumerate(carriers, start=1):
                cells.append(Cell(f"{enb}/cell-{i}", pci, earfcn_dl, enb))
    return Topology(tuple(cells), tuple(enb_mme), frozenset(frozenset(p) for p in x2))


def default_topology() -> Topology:
    """Two MMEs with four eNBs each, two cells per eNB, the eNBs of an MME in an X2 line.

    From any cell every hop type has a target: the other cell of the same eNB (intra-eNB),
    an X2 neighbour (x2), an eNB of the same MME without an X2 link (s1) and the other MME's
    eNBs (s1-inter); from a middle eNB an X2 chain can go on without turning back.
    EARFCN-DL values include bands 66 and 71 (above 65535), which
    need the 3-octet encoding of TS 33.401 A.5.
    """
    plan = {
        "mme-1": {
            "enb-1": [(1, 1850), (2, 66536)],
            "enb-2": [(3, 300), (4, 68600)],
            "enb-3": [(5, 1850), (6, 66736)],
            "enb-4": [(7, 3100), (8, 68700)],
        },
        "mme-2": {
            "enb-5": [(9, 1850), (10, 67036)],
            "enb-6": [(11, 300), (12, 68800)],
            "enb-7": [(13, 1850), (14, 66936)],
            "enb-8": [(15, 6300), (16, 68900)],
        },
    }
    x2 = [("enb-1", "enb-2"), ("enb-2", "enb-3"), ("enb-3", "enb-4"),
          ("enb-5", "enb-6"), ("enb-6", "enb-7"), ("enb-7", "enb-8")]
    return _build(plan, x2)


def small_topology() -> Topology:
    """Four eNBs, five cells, two MMEs: every hop type from enb-1 and an X2 chain
    enb-1 - enb-2 - enb-3 (for the Path Switch race). For exploration and verification."""
    plan = {
        "mme-1": {"enb-1": [(1, 1850), (2, 66536)], "enb-2": [(3, 300)],
                  "enb-3": [(5, 68600)]},
        "mme-2": {"enb-4": [(9, 1850)]},
    }
    return _build(plan, [("enb-1", "enb-2"), ("enb-2", "enb-3")])
