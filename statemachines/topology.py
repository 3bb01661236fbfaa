"""Cells, eNBs, MMEs and X2 links; the hop type of a handover follows from them.

A topology is a TOML file (``--topology FILE``). The default and the small topology ship as
such files in ``statemachines/topologies/`` and are read by the same :func:`load_topology`::

    mmes = ["mme-1", "mme-2"]
    enbs = [{ name = "enb-1", mme = "mme-1" }, { name = "enb-2", mme = "mme-2" }]
    cells = [  # the UE starts in the first cell listed
        { name = "enb-1/cell-1", enb = "enb-1", pci = 1, earfcn_dl = 1850 },
        { name = "enb-2/cell-1", enb = "enb-2", pci = 1, earfcn_dl = 66536 },
    ]
    x2 = [["enb-1", "enb-2"]]  # optional

A cell is identified on the radio by (PCI, EARFCN-DL): a PCI may be reused on another
EARFCN-DL, as networks reuse the 504 PCIs across carriers and sites. Every problem is one
:class:`TopologyError` line naming the file, the item and the fix.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from hoverify.statemachines.names import did_you_mean

PCI_MAX = 503  # TS 36.211 6.11
EARFCN_DL_MAX = 262143  # TS 36.101 5.7.3, 18 bits (TS 36.331 ARFCN-ValueEUTRA-r9)


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
            raise ValueError(f"unknown hop type {text!r} (known: {known})"
                             f"{did_you_mean((h.value for h in cls), text)}") from None


@dataclass(frozen=True, slots=True)
class Cell:
    name: str
    pci: int  # physical cell identity, 0..PCI_MAX
    earfcn_dl: int  # 0..EARFCN_DL_MAX
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

    def why_no_neighbour(self, source: Cell, hop: HopType) -> str:
        """Why ``source`` has no ``hop`` neighbour, and what the topology would need."""
        enb, mme = source.enb, self.mme_of(source.enb)
        return {
            HopType.INTRA_ENB: f"{enb} has no other cell (add one)",
            HopType.X2: f"{enb} has no X2 link (add one to x2)",
            HopType.S1: f"{mme} has no other eNB without an X2 link to {enb} (add one)",
            HopType.S1_INTER: (f"{mme} is the only MME (add another with an eNB)"
                               if len(self.mmes) == 1 else f"no eNB outside {mme}"),
        }[hop]


# -- topology files ----------------------------------------------------------------------------
# package data installed beside this module (pyproject.toml); a plain path, not
# ``importlib.resources``, which imports zipfile, tempfile and random: ~5 ms of a one-hop check
SHIPPED = Path(__file__).with_name("topologies")
KEYS = {  # key: (what it holds, required)
    "mmes": ("a list of MME names", True),
    "enbs": ("a list of { name, mme }", True),
    "cells": ("a list of { name, enb, pci, earfcn_dl }", True),
    "x2": ("a list of [eNB, eNB] pairs", False),
}
ITEM_KEYS = {"enbs": ("name", "mme"), "cells": ("name", "enb", "pci", "earfcn_dl")}
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]*\Z")  # no ",", "@" or ":" (hop syntax)
RESERVED = frozenset({"ue", "scheduler", "source", "target"})  # entity and --compromise names


class TopologyError(ValueError):
    """A topology file that cannot be used: one line naming the file, the item and the fix."""


@cache
def default_topology() -> Topology:
    """Two MMEs with four eNBs each, two cells per eNB, the eNBs of an MME in an X2 line.

    From any cell every hop type has a target: the other cell of the same eNB (intra-eNB),
    an X2 neighbour (x2), an eNB of the same MME without an X2 link (s1) and the other MME's
    eNBs (s1-inter); from a middle eNB an X2 chain can go on without turning back.
    EARFCN-DL values include bands 66 and 71 (above 65535), which need the 3-octet encoding
    of TS 33.401 A.5. PCI 1 is reused on three carriers: enb-1/cell-1 (EARFCN-DL 1850), its
    X2 neighbour enb-2/cell-1 (300) and enb-5/cell-2 (67036) under the other MME.
    """
    return load_topology(SHIPPED / "default.toml")


@cache
def small_topology() -> Topology:
    """Four eNBs, five cells, two MMEs: every hop type from enb-1 and an X2 chain
    enb-1 - enb-2 - enb-3 (for the Path Switch race). For exploration and verification.
    PCI 1 is reused: enb-1/cell-1 on EARFCN-DL 1850, its X2 neighbour enb-2/cell-1 on 300."""
    return load_topology(SHIPPED / "small.toml")


def load_topology(path: str | Path) -> Topology:
    """Read and validate a topology file."""
    path = Path(path) if isinstance(path, str) else path
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise TopologyError(f"{path}: cannot read ({error.strerror or error})") from None
    except UnicodeDecodeError:
        raise TopologyError(f"{path}: not a TOML file (not UTF-8 text)") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise TopologyError(f"{path}: not valid TOML ({error}); fix the syntax") from None
    except RecursionError:  # tomllib recurses once per nested array or inline table
        raise TopologyError(f"{path}: not a topology (arrays or tables nested too deeply to "
                            "read)") from None
    return _Reader(str(path)).topology(data)


class _Reader:
    """Checks a parsed file item by item; the first problem raises a TopologyError."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, problem: str) -> TopologyError:
        return TopologyError(f"{self.source}: {where}: {problem}")

    def topology(self, data: dict[str, Any]) -> Topology:
        self.keys("the file", data, {k: required for k, (_, required) in KEYS.items()})
        for key, (what, _) in KEYS.items():
            if not isinstance(data.get(key, []), list):
                raise self.fail(key, f"must be {what}")
        mmes = self.names("mmes", data["mmes"], "MME")
        enb_mme: dict[str, str] = {}
        for i, item in enumerate(data["enbs"]):
            values = self.item("enbs", i, item)
            enb, mme = values["name"], values["mme"]
            where = f"eNB {enb}"
            if enb in enb_mme or enb in mmes:
                raise self.fail(where, "the name is already taken; give each eNB its own")
            if mme not in mmes:
                raise self.fail(where, f"unknown MME {mme!r} (MMEs: {', '.join(mmes)}); add "
                                       "it to mmes or fix the name")
            enb_mme[enb] = mme
        cells: dict[str, Cell] = {}
        on_air: dict[tuple[int, int], str] = {}
        for i, item in enumerate(data["cells"]):
            cell = Cell(**self.item("cells", i, item))
            where = f"cell {cell.name}"
            if cell.name in cells:
                raise self.fail(where, "the name is already taken; give each cell its own")
            if cell.enb not in enb_mme:
                raise self.fail(where, f"unknown eNB {cell.enb!r} (eNBs: "
                                       f"{', '.join(enb_mme)}); add it to enbs or fix the name")
            self.in_range(where, "pci", cell.pci, PCI_MAX, "TS 36.211 6.11")
            self.in_range(where, "earfcn_dl", cell.earfcn_dl, EARFCN_DL_MAX, "TS 36.101 5.7.3")
            other = on_air.setdefault((cell.pci, cell.earfcn_dl), cell.name)
            if other != cell.name:
                raise self.fail(where, f"PCI {cell.pci} on EARFCN-DL {cell.earfcn_dl} is "
                                       f"already {other} (a cell is its PCI and EARFCN-DL); "
                                       "change either")
            cells[cell.name] = cell
        if len(cells) < 2:  # every command hands the UE over: a cell to leave, one to reach
            raise self.fail("cells", f"has {len(cells)} cell(s), and a handover needs two (the "
                                     "UE starts in the first, and leaves it); add a cell")
        for enb in enb_mme:
            if not any(c.enb == enb for c in cells.values()):
                raise self.fail(f"eNB {enb}", "has no cell; add one to cells or remove the eNB")
        for mme in mmes:
            if mme not in enb_mme.values():
                raise self.fail(f"MME {mme}", "has no eNB; attach one in enbs or remove the MME")
        return Topology(tuple(cells.values()), tuple(enb_mme.items()),
                        self.links(data.get("x2", []), enb_mme))

    def keys(self, where: str, table: dict[str, Any], known: dict[str, bool]) -> None:
        for key in table:
            if key not in known:
                raise self.fail(where, f"unknown key {key!r} (keys: {', '.join(known)}); "
                                       "remove or rename it")
        for key, required in known.items():
            if required and key not in table:
                raise self.fail(where, f"missing key {key!r}; add it")

    def names(self, where: str, values: list[Any], what: str) -> list[str]:
        names: list[str] = []
        for value in values:
            self.name(where, value, what)
            if value in names:
                raise self.fail(where, f"{what} {value!r} is listed twice; remove one")
            names.append(value)
        return names

    def name(self, where: str, value: Any, what: str) -> None:
        if not isinstance(value, str) or not NAME.match(value):
            raise self.fail(where, f"{what} name {value!r} must be a string of letters, digits "
                                   "and . _ / - (no , @ :)")
        if value in RESERVED:
            raise self.fail(where, f"{what} name {value!r} is reserved; choose another")

    def item(self, key: str, index: int, item: Any) -> dict[str, Any]:
        """The checked values of one entry of ``enbs`` or ``cells``."""
        fields = ITEM_KEYS[key]
        where = f"entry {index + 1} of {key}"  # named as the other errors name it, if it can
        if not isinstance(item, dict):
            raise self.fail(where, f"must be a table {{ {', '.join(fields)} }}")
        if isinstance(item.get("name"), str):
            where = f"{'cell' if key == 'cells' else 'eNB'} {item['name']}"
        self.keys(where, item, dict.fromkeys(fields, True))
        for field in fields:
            value = item[field]
            if field in ("pci", "earfcn_dl"):
                if not isinstance(value, int) or isinstance(value, bool):
                    number = str(value).strip()
                    fix = (f"{field} = {int(number)}" if re.fullmatch(r"-?[0-9]+", number)
                           else f"a number, as in {field} = 1")
                    raise self.fail(where, f"{field} must be an integer, got {value!r}; "
                                           f"write {fix}")
            else:
                what = {"name": "eNB" if key == "enbs" else "cell", "mme": "MME", "enb": "eNB"}
                self.name(where, value, what[field])
        return item

    def in_range(self, where: str, key: str, value: int, top: int, clause: str) -> None:
        if not 0 <= value <= top:
            raise self.fail(where, f"{key} {value} outside 0..{top} ({clause}); fix it")

    def links(self, pairs: list[Any], enb_mme: dict[str, str]) -> frozenset[frozenset[str]]:
        links: set[frozenset[str]] = set()
        for i, pair in enumerate(pairs):
            if (not isinstance(pair, list) or len(pair) != 2
                    or not all(isinstance(e, str) for e in pair)):
                raise self.fail(f"entry {i + 1} of x2", "must be a pair of eNB names "
                                f"[\"enb-1\", \"enb-2\"], got {pair!r}")
            where = f"X2 link {pair[0]} - {pair[1]}"
            for enb in pair:
                if enb not in enb_mme:
                    raise self.fail(where, f"unknown eNB {enb!r} (eNBs: {', '.join(enb_mme)}); "
                                           "fix the name or add the eNB")
            if enb_mme[pair[0]] != enb_mme[pair[1]]:
                # TS 23.401 5.5.1.1: an X2 handover keeps the MME (the target eNB sends the
                # Path Switch Request to the UE's MME), and an eNB here has one MME
                raise self.fail(where, f"links eNBs of different MMEs ({enb_mme[pair[0]]}, "
                                       f"{enb_mme[pair[1]]}): an X2 handover keeps the MME "
                                       "(TS 23.401 5.5.1.1); remove it (that hop is s1-inter)")
            link = frozenset(pair)
            if len(link) == 1:
                raise self.fail(where, "links an eNB to itself; remove it")
            if link in links:
                raise self.fail(where, "is listed twice; remove one")
            links.add(link)
        return frozenset(links)


