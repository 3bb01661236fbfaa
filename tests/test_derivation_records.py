"""The derivation records the key graph is built from, held to the spec: each recorded output
is the KDF of the recorded inputs (written out again from TS 33.220 B.2, ``spec_kdf``), so
the graph leaves out no input the key binds; and each Annex A record has the FC, the
parameters and the public or secret inputs of its clause (handover-keys.md section 2; the
C-RNTI is public, section 6). helper-160: a KeNB* record without its EARFCN-DL (M16) and an NH
record with a public SYNC-input (M21) gave the graph a wrong edge, and only ``verify``'s
tests, minutes in, noticed."""

from __future__ import annotations

import pytest
from hoverify.statemachines.derivation import Derivation
from hoverify.statemachines.scenario import parse_hops, run_scenario
from hoverify.statemachines.variants import BIT_PLACEMENTS, load
from spec_kdf import kdf

# every hop type, a second S1 after an inter-MME one, X2 after a Path Switch, both
# EARFCN-DL widths of the default topology
HOPS = "x2,s1,s1-inter,intra-enb,x2,s1,x2,s1-inter,s1"
VARIANTS = [("tr33821-v070", None), ("ts33401", None),
            *(("seed-fs", placement) for placement in BIT_PLACEMENTS)]

# TS 33.401 Annex A: clause -> FC, then each parameter P0, P1: its names, public or not, its
# length in octets (handover-keys.md section 2)
ANNEX_A = {
    "TS 33.401 A.3": (0x11, [({"uplink NAS COUNT"}, True, {4})]),
    # SYNC-input: the initial KeNB for the first NH, then the previous NH
    "TS 33.401 A.4": (0x12, [({"KeNB", "NH"}, False, {32})]),
    # EARFCN-DL: 2 octets if at most 65535, 3 octets if 65536..262143 (checked below)
    "TS 33.401 A.5": (0x13, [({"PCI"}, True, {2}), ({"EARFCN-DL"}, True, {2, 3})]),
    "TS 33.401 A.7": (0x15, [({"algorithm type distinguisher"}, True, {1}),
                             ({"algorithm identity"}, True, {1})]),
}
# inputs the specs send in clear or fix: PCI and EARFCN-DL are broadcast, the C-RNTI is
# read on the control channel (section 6), the seed's "Handover String" is a constant
PUBLIC = {"PCI", "EARFCN-DL", "C-RNTI", "uplink NAS COUNT", "Handover String",
          "algorithm type distinguisher", "algorithm identity", "FC"}


def _records(name: str, placement: str | None) -> list[Derivation]:
    run = run_scenario(load(name, placement), parse_hops(HOPS))
    return [d for step in run.system.steps for d in step.outcome.derivations]


@pytest.mark.parametrize(("name", "placement"), VARIANTS)
def test_every_recorded_output_is_the_kdf_of_the_recorded_inputs(
        name: str, placement: str | None) -> None:
    for record in _records(name, placement):
        key, fc, *parameters = record.inputs
        derived = kdf(key.value, fc.value[0], *(p.value for p in parameters))
        # A.7: "the 128 least significant bits of the 256 bits of the KDF output"
        assert record.output == (derived[16:] if record.clause == "TS 33.401 A.7"
                                 else derived), record


@pytest.mark.parametrize(("name", "placement"), VARIANTS)
def test_every_record_says_which_inputs_are_public_as_the_spec_does(
        name: str, placement: str | None) -> None:
    clauses = set()
    for record in _records(name, placement):
        key, fc, *parameters = record.inputs
        assert not key.public and fc.name == "FC" and fc.public, record  # a KDF key is secret
        for parameter in parameters:
            assert parameter.public == (parameter.name in PUBLIC), (record, parameter.name)
        if record.clause not in ANNEX_A:  # the seed's and TR 33.821's own equations
            continue
        clauses.add(record.clause)
        want_fc, want = ANNEX_A[record.clause]
        assert fc.value == bytes((want_fc,)), record
        assert len(parameters) == len(want), record
        for parameter, (names, public, lengths) in zip(parameters, want, strict=True):
            assert parameter.name in names and parameter.public == public, (record, parameter)
            assert len(parameter.value) in lengths, (record, parameter)
            if parameter.name == "EARFCN-DL":
                assert (len(parameter.value) == 3) == (
                    int.from_bytes(parameter.value, "big") > 0xFFFF), parameter
    # the chain reaches every Annex A clause the variant uses (ts33401 all four)
    assert clauses == ({"TS 33.401 A.3", "TS 33.401 A.7"} | (
        {"TS 33.401 A.4", "TS 33.401 A.5"} if name == "ts33401" else set()))


def test_every_kenb_star_record_names_its_key_as_the_derivation_it_is() -> None:
    """TS 33.401 A.5 (handover-keys.md section 2): the key of a KeNB* derivation is the
    KeNB (horizontal) or the NH (vertical); an NH is the output of an A.4 derivation. So a
    ts33401 KeNB* record's key is named "NH" exactly where its value is an A.4 output, by
    whichever party derives it (helper-245 M20: the source eNB's vertical X2 KeNB* recorded
    with its key named "KeNB" survived every test; the graph and the words read the UE's)."""
    # each X2 hop after an X2 one is vertical at its source: the Path Switch Request
    # Acknowledge gave it an unused {NH, NCC} (7.2.8.4.2); so is the intra-eNB hop after one
    run = run_scenario(load("ts33401"), parse_hops("x2,x2,intra-enb,s1,x2,x2"))
    records = [d for step in run.system.steps for d in step.outcome.derivations]
    nhs = {r.output for r in records if r.clause == "TS 33.401 A.4"}
    kenb_stars = [r for r in records if r.clause == "TS 33.401 A.5"]
    assert {r.inputs[0].name for r in kenb_stars} == {"KeNB", "NH"}
    for record in kenb_stars:
        key = record.inputs[0]
        assert (key.name == "NH") == (key.value in nhs), record


def test_every_nh_record_names_its_sync_input_as_the_spec_does() -> None:
    """TS 33.401 A.4: "The SYNC-input parameter shall be the newly derived KeNB for the
    initial NH derivation, and the previous NH for all subsequent derivations." So an A.4
    record's SYNC-input is named "KeNB" exactly where its value is the initial KeNB (A.3,
    recomputed here from KASME) and "NH" where it is an earlier NH (helper-253 D2: the first
    NH recorded as derived from an "NH" survived every test; the words read the record)."""
    run = run_scenario(load("ts33401"), parse_hops("x2,s1,x2"))
    initial_kenb = kdf(run.kasme, 0x11, (0).to_bytes(4, "big"))  # A.3, uplink NAS COUNT 0
    records = [d for step in run.system.steps for d in step.outcome.derivations
               if d.clause == "TS 33.401 A.4"]
    nhs = {r.output for r in records}
    assert {r.inputs[2].value for r in records} >= {initial_kenb}
    for record in records:
        sync_input = record.inputs[2]  # the KDF key, FC, then P0
        assert sync_input.name == ("KeNB" if sync_input.value == initial_kenb else "NH"), record
        assert sync_input.value == initial_kenb or sync_input.value in nhs, record
