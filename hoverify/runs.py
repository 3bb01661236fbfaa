"""From command-line arguments to a scenario run, and from a run to its JSON document."""

from __future__ import annotations

import argparse
from typing import Any

from statemachines.scenario import DEFAULT_KASME, Run, parse_hops, run_scenario
from statemachines.variants import load


class UsageError(Exception):
    """Bad input from the user: reported in one line, exit code 2."""


def parse_kasme(text: str | None) -> bytes:
    if text is None:
        return DEFAULT_KASME
    try:
        kasme = bytes.fromhex(text)
    except ValueError:
        raise UsageError(f"--kasme must be hexadecimal, got {text!r}") from None
    if len(kasme) != 32:
        raise UsageError(f"--kasme must be 32 octets (64 hex digits), got {len(kasme)}")
    return kasme


def scenario_run(args: argparse.Namespace) -> Run:
    try:
        variant = load(args.variant, args.bit_placement)
        hops = parse_hops(args.hops)
    except ValueError as error:
        raise UsageError(str(error)) from None
    if not 0 <= args.ul_nas_count < 2**32:
        raise UsageError(f"--ul-nas-count must be in 0..{2**32 - 1}, got {args.ul_nas_count}")
    try:
        return run_scenario(variant, hops, kasme=parse_kasme(args.kasme),
                            ul_nas_count=args.ul_nas_count, seed=args.seed)
    except ValueError as error:  # a hop with no neighbour of that type
        raise UsageError(str(error)) from None


def run_document(args: argparse.Namespace) -> dict[str, Any]:
    return document(scenario_run(args))


def _hex(value: bytes | None) -> str | None:
    return value.hex() if value is not None else None


def document(run: Run) -> dict[str, Any]:
    return {
        "variant": run.variant.name,
        "parameters": dict(run.variant.parameters),
        "kasme": run.kasme.hex(),
        "initial": {"kenb": _hex(run.initial_kenb), "ncc": run.variant.initial_ncc(),
                    "ul_nas_count": run.ul_nas_count, "enb": run.initial_enb},
        "hops": [
            {"number": hop.number, "type": hop.spec.type.value, "early": hop.spec.early,
             "source_enb": hop.source_enb, "target_enb": hop.target_enb,
             "target_cell": {"name": hop.target_cell.name, "pci": hop.target_cell.pci,
                             "earfcn_dl": hop.target_cell.earfcn_dl},
             "ncc": hop.ncc, "derivation": hop.derivation,
             "kenb_enb": _hex(hop.kenb_enb), "kenb_ue": _hex(hop.kenb_ue),
             "confirm_verified": hop.confirm_verified}
            for hop in run.hops
        ],
    }


def run_text(doc: dict[str, Any]) -> str:
    lines = [f"variant {doc['variant']} {doc['parameters'] or ''}".rstrip(),
             f"KASME {doc['kasme']}",
             f"initial KeNB {doc['initial']['kenb']} at {doc['initial']['enb']}"]
    for hop in doc["hops"]:
        agree = "agree" if hop["kenb_enb"] == hop["kenb_ue"] else "DISAGREE"
        confirm = "confirm verified" if hop["confirm_verified"] else "confirm REJECTED"
        lines.append(
            f"hop {hop['number']} {hop['type']:<9} {hop['source_enb']} -> {hop['target_enb']} "
            f"(PCI {hop['target_cell']['pci']}, EARFCN-DL {hop['target_cell']['earfcn_dl']}) "
            f"{hop['derivation']:<10} NCC {hop['ncc']}  KeNB {hop['kenb_ue']}  {agree}, "
            f"{confirm}")
    return "\n".join(lines)
