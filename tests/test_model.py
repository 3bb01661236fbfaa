"""The protocol model: keys computed end to end, checked against an independent
recomputation from KASME written from the spec text, with its own KDF.

The NH numbering of the recomputation (NH(1) at set-up with NCC 1, never sent; each S1
HandoverRequest and Path Switch Request Acknowledge one NH further) is also what these open
implementations do, read in their sources (facts, no code taken):
- open5gs MME, src/mme/emm-sm.c: on NAS Security Mode Complete it derives KeNB (A.3), then
  NH from that KeNB (A.4), and sets its NCC (nhcc) to 1. src/mme/s1ap-handler.c increments
  nhcc and derives NH from the previous NH on Path Switch Request (after checking the E-RABs)
  and on intra-LTE Handover Required; src/mme/s1ap-build.c then sends nhcc and NH in the
  SecurityContext of the Path Switch Request Acknowledge and of the Handover Request. Its AMF
  does the same for 5G (src/amf/gmm-sm.c, src/amf/gmm-handler.c: nhcc = 1 after KgNB;
  src/amf/ngap-handler.c: nhcc++ and a new NH on Path Switch and Handover Required).
  (open5gs 8f25f3be, August 2026.)
- srsRAN 4G UE, srsue/src/stack/upper/usim_base.cc, generate_as_keys_ho: it starts at NCC 0
  with the initial KeNB and, while its NCC differs from the HO command's, derives the next NH
  (from the initial KeNB the first time, then from the last NH) and counts NCC up modulo 8;
  so its NH(n) has NCC n, and a command with NCC 2 makes it derive two NH from the initial
  KeNB, then KeNB* from the second (A.5). (srsRAN_4G 1fab3df8, October 2025.)
- OpenAirInterface NR UE, openair2/RRC/NR_UE/rrc_UE.c, nr_sync_nh_chain (a 2025 version found
  by code search; the upstream snapshot of March 2024 has only a TODO there): at NCC 0 it
  derives NH from the initial KgNB (A.10) and counts it as NCC 1, then iterates A.10 up to
  the received NCC and derives KgNB* vertically; a received NCC below its own (a wrap) is
  only logged as unexpected.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import pytest
from hoverify.properties.engine import decided_early
from hoverify.statemachines.derivation import Deriver
from hoverify.statemachines.enb import PATH_SWITCH_PENDING, EnbContext
from hoverify.statemachines.entity import Reject, VariantError
from hoverify.statemachines.messages import Kind, Message
from hoverify.statemachines.record import replace
from hoverify.statemachines.scenario import Run, parse_hops, run_scenario
from hoverify.statemachines.system import UE, System
from hoverify.statemachines.topology import Cell, HopType, Topology, default_topology
from hoverify.statemachines.variant import field_value
from hoverify.statemachines.variants import BUILT_IN, load
from hoverify.statemachines.variants.ts33401 import Ts33401
from hypothesis import given, settings
from hypothesis import strategies as st
from spec_kdf import RRC_ENC_ALG, RRC_INT_ALG, UP_ENC_ALG, algorithm_key, kdf

from hoverify.cli import main
from hoverify.variant_file import load_variant_file

MIXED_CHAIN = "x2,s1,s1-inter,x2,intra-enb,s1,x2,x2,s1-inter,intra-enb,x2,s1"
VARIANTS = [("tr33821-v070", None), ("seed-fs", "nas"), ("seed-fs", "alg-id"),
            ("seed-fs", "c-rnti"), ("ts33401", None)]
N2_EXAMPLE = "examples/n2_5g.py"

# -- The spec, written out again for the test (tests/spec_kdf.py: the KDF) ----------------


def earfcn_dl(value: int) -> bytes:
    # TS 33.401 A.5: "L1 = length of EARFCN-DL (i.e. 0x00 0x02 if EARFCN-DL is between 0 and
    # 65535, 0x00 0x03 if EARFCN-DL is between 65536 and 262143)"
    return value.to_bytes(2 if value <= 0xFFFF else 3, "big")


def algorithm_keys(fc: int) -> Callable[[bytes], dict[str, str]]:
    """The RRC and UP keys from a KeNB (or KgNB), ``fc`` given (A.7, or TS 33.501 A.8), by
    their ``run --json`` names; table A.7-1 (A.8-1): RRC-enc-alg 0x03, RRC-int-alg 0x04,
    UP-enc-alg 0x05."""
    return lambda key: {name: algorithm_key(key, distinguisher, fc).hex()
                        for name, distinguisher in (("krrc_enc", RRC_ENC_ALG),
                                                    ("krrc_int", RRC_INT_ALG),
                                                    ("kup_enc", UP_ENC_ALG))}


@dataclass(frozen=True)
class Annex:
    """The three derivations of the chain: initial key, NH, key for the target cell."""

    initial: Callable[[bytes, int], bytes]
    nh: Callable[[bytes, bytes], bytes]
    star: Callable[[bytes, int, int], bytes]
    # the RRC and UP keys, by their ``run --json`` names, from the key the hop ends on
    as_keys: Callable[[bytes], dict[str, str]]


TS33401 = Annex(
    # A.3: "FC = 0x11, P0 = Uplink NAS COUNT, L0 = length of uplink NAS COUNT (i.e. 0x00 0x04)"
    lambda kasme, count: kdf(kasme, 0x11, count.to_bytes(4, "big")),
    # A.4: "FC = 0x12, P0 = SYNC-input, L0 = length of SYNC-input (i.e. 0x00 0x20)"; "The
    # SYNC-input parameter shall be the newly derived KeNB for the initial NH derivation, and
    # the previous NH for all subsequent derivations."
    lambda kasme, sync_input: kdf(kasme, 0x12, sync_input),
    # A.5: "FC = 0x13, P0 = PCI (target physical cell id), L0 = length of PCI (i.e. 0x00
    # 0x02), P1 = EARFCN-DL (target physical cell downlink frequency)"
    lambda key, pci, earfcn: kdf(key, 0x13, pci.to_bytes(2, "big"), earfcn_dl(earfcn)),
    # A.7: "FC = 0x15"
    algorithm_keys(0x15),
)
TS33501 = Annex(
    # TS 33.501 A.9: "FC = 0x6E, P0 = Uplink NAS COUNT, L0 = length of uplink NAS COUNT
    # (i.e. 0x00 0x04), P1 = Access type distinguisher, L1 = length of Access type
    # distinguisher (i.e. 0x00 0x01)"; "3GPP access 0x01"
    lambda kamf, count: kdf(kamf, 0x6E, count.to_bytes(4, "big"), b"\x01"),
    # A.10: "FC = 0x6F, P0 = SYNC-input, L0 = length of SYNC-input (i.e. 0x00 0x20)"
    lambda kamf, sync_input: kdf(kamf, 0x6F, sync_input),
    # A.11: "FC = 0x70, P0 = PCI (target physical cell id), L0 = length of PCI (i.e. 0x00
    # 0x02), P1 = ARFCN-DL (its frequency), L1 = length of ARFCN-DL (i.e. 0x00 0x03)"
    lambda key, pci, arfcn: kdf(key, 0x70, pci.to_bytes(2, "big"), arfcn.to_bytes(3, "big")),
    # A.8: "FC = 0x69"
    algorithm_keys(0x69),
)


@dataclass
class Expected:
    """One hop as the spec computes it: the target eNB's key and the UE's, and the NCC."""

    kenb_enb: bytes
    kenb_ue: bytes
    ncc: int


class Hop(NamedTuple):
    """A hop as ``run --json`` reports where it went, and whether the next hop raced its
    Path Switch Request Acknowledge."""

    type: str
    pci: int
    earfcn: int
    enb: str  # the target eNB
    next_early: bool  # the next hop is ':early': this hop's acknowledge is held until then


def recompute(annex: Annex, kasme: bytes, ul_nas_count: int,
              hops: list[Hop]) -> list[Expected]:
    """Each hop as TS 33.401 7.2.8 says (TS 33.501 6.9.2 says the same for 5G). The network
    (MME, eNBs) and the UE are kept apart: the UE learns only the NCC of each HO command.

    The race of ``:early`` (docs/commands.md: the hop starts before the previous hop's Path
    Switch Request Acknowledge arrives; the held acknowledgements are delivered once the
    hops stop being early): the MME has computed the {NH, NCC} of a held acknowledgement
    already; the eNB it is for takes it only if it still holds that UE's context (TS 36.413
    3.1: "the eNB identifies the associated UE based on the eNB UE S1AP ID IE"), i.e. only
    intra-eNB hops came between, and then stores it "for the next handover" (7.2.8.4.2).

    7.2.8.1.1: "Whenever an initial AS security context needs to be established between UE
    and eNB, MME and the UE derive a KeNB and a Next Hop parameter (NH)." "At initial setup,
    the KeNB is derived directly from KASME, and is then considered to be associated with a
    virtual NH parameter with NCC value equal to zero. At initial setup, the derived NH value
    is associated with the NCC value one."
    """
    kenb = annex.initial(kasme, ul_nas_count)  # A.3, NCC 0
    ncc = 0  # the NCC of the serving eNB's KeNB
    mme_nh, mme_n = annex.nh(kasme, kenb), 1  # NH(1), NCC 1: kept, never sent
    ue_kenb, ue_ncc, ue_nh, ue_n = kenb, 0, mme_nh, 1
    unused: tuple[bytes, int] | None = None  # {NH, NCC} of a Path Switch Ack, at the eNB
    context = 0  # counts the UE contexts: one more each time another eNB serves the UE
    held: list[tuple[int, tuple[bytes, int]]] = []  # acknowledgements held: (context, pair)

    def fresh() -> tuple[bytes, int]:
        # 7.2.8.4.2 (Path Switch) and 7.2.8.4.3 (S1): the MME "shall increase its locally
        # kept NCC value by one and compute a fresh NH from its stored data using the
        # function defined in Annex A.4"; NCC is 3 bits (TS 36.331 SecurityConfigHO).
        nonlocal mme_nh, mme_n
        mme_nh, mme_n = annex.nh(kasme, mme_nh), mme_n + 1
        return mme_nh, mme_n % 8

    expected = []
    for hop, pci, earfcn, _, next_early in hops:
        if hop != "intra-enb":
            context += 1
        if hop in ("s1", "s1-inter"):
            # 7.2.8.4.3: the {NH, NCC} pair reaches the target eNB (inter-MME: through the
            # target MME), which derives KeNB* from it: "the target eNB shall ... compute
            # KeNB* from the NH"; the NCC goes to the UE in the HO command.
            nh, ncc = fresh()
            kenb, unused = annex.star(nh, pci, earfcn), None
        else:
            # 7.2.8.4.2: "the source eNB shall perform a vertical key derivation in case it
            # has an unused {NH, NCC} pair", else horizontal from its KeNB.
            if unused is not None:
                nh, ncc = unused
                kenb = annex.star(nh, pci, earfcn)
            else:
                kenb = annex.star(kenb, pci, earfcn)
            # after X2, the Path Switch Request Acknowledge brings a fresh {NH, NCC} that the
            # target eNB keeps "for the next handover"; intra-eNB has no path switch.
            # (intra-eNB, 7.2.8.4.1, keeps a pair it has not used: the race above)
            unused = fresh() if hop == "x2" else None
            if unused is not None and next_early:  # the Acknowledge is on its way
                held, unused = [*held, (context, unused)], None
        # 7.2.8.4.3, UE: same NCC as its KeNB's: KeNB* from KeNB. Otherwise it "shall first
        # synchronize the locally kept NH parameter by computing the function defined in
        # Annex A.4 iteratively (and increasing the NCC value until it matches the NCC value
        # received ...)", then KeNB* from that NH (A.5).
        if ncc == ue_ncc:
            ue_kenb = annex.star(ue_kenb, pci, earfcn)
        else:
            while ue_n % 8 != ncc:
                ue_nh, ue_n = annex.nh(kasme, ue_nh), ue_n + 1
            ue_kenb, ue_ncc = annex.star(ue_nh, pci, earfcn), ncc
        expected.append(Expected(kenb, ue_kenb, ncc))
        if not next_early:  # the held acknowledgements arrive
            unused = next((pair for at, pair in held if at == context), unused)
            held = []
    return expected


def run_json(*argv: str) -> dict:
    """``hoverify run --json``, as a reviewer would call it."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["run", *argv, "--json"]) == 0
    return json.loads(out.getvalue())


def assert_agrees(annex: Annex, doc: dict, kasme: bytes, ul_nas_count: int) -> None:
    """``run --json`` against the recomputation: each KeNB and NCC, and the RRC and UP keys
    it gives (helper-153: an auditor could not read them without reading the code)."""
    hops = [Hop(h["type"], h["target_cell"]["pci"], h["target_cell"]["earfcn_dl"],
                h["target_enb"], after["early"] if after else False)
            for h, after in itertools.zip_longest(doc["hops"], doc["hops"][1:])]
    initial = annex.initial(kasme, ul_nas_count)
    assert doc["initial"]["kenb"] == initial.hex()
    assert doc["initial"]["ncc"] == 0
    assert {k: doc["initial"][k] for k in annex.as_keys(initial)} == annex.as_keys(initial)
    for hop, want in zip(doc["hops"], recompute(annex, kasme, ul_nas_count, hops),
                         strict=True):
        where = f"hop {hop['number']} {hop['type']}"
        assert hop["ncc"] == want.ncc, where
        assert hop["kenb_enb"] == want.kenb_enb.hex(), where
        assert hop["kenb_ue"] == want.kenb_ue.hex(), where
        assert {k: hop[f"{k}_ue"] for k in annex.as_keys(want.kenb_ue)} == annex.as_keys(
            want.kenb_ue), where
        assert hop["confirm_verified"], where


HOP_TYPES = st.sampled_from(["x2", "s1", "s1-inter", "intra-enb"])
# a hop after the first may race the Path Switch Request Acknowledge before it
LATER_HOPS = st.tuples(HOP_TYPES, st.booleans()).map(lambda h: h[0] + (":early" * h[1]))


@settings(max_examples=40, deadline=None)
@given(hops=st.tuples(HOP_TYPES, st.lists(LATER_HOPS, max_size=39)).map(
           lambda h: [h[0], *h[1]]),
       kasme=st.binary(min_size=32, max_size=32), ul_nas_count=st.integers(0, 2**24 - 1),
       seed=st.integers(0, 2**16))
def test_ts33401_run_agrees_with_the_spec_over_random_chains(
        hops: list[str], kasme: bytes, ul_nas_count: int, seed: int) -> None:
    """dev43: the hops race their Path Switch Acknowledge too (':early'), the known race of
    7.2.8.4.2, which the recomputation did not model."""
    with contextlib.redirect_stderr(io.StringIO()):  # "':early' changes nothing" warnings
        doc = run_json("--variant", "ts33401", "--hops", ",".join(hops), "--kasme",
                       kasme.hex(), "--ul-nas-count", str(ul_nas_count), "--seed", str(seed))
    assert_agrees(TS33401, doc, kasme, ul_nas_count)


@pytest.mark.parametrize(("hops", "nccs"), [
    # hop 2 races hop 1's acknowledge: horizontal, NCC 0; enb-2 has released the UE when
    # NH(2) arrives; hop 2's own Path Switch brings NH(3), which hop 3 uses
    ("x2,x2:early,x2", [0, 0, 3]),
    # an intra-eNB hop races it: enb-2 still holds the UE's context and stores NH(2) for the
    # next handover (7.2.8.4.2), which hop 3 uses
    ("x2,intra-enb:early,x2", [0, 0, 2]),
    # an S1 hop races it: the MME counted NH(2) already, so the S1 HandoverRequest has NH(3)
    ("x2,s1:early", [0, 3]),
])
def test_a_race_for_the_path_switch_acknowledge_agrees_with_the_spec(
        hops: str, nccs: list[int]) -> None:
    doc = run_json("--variant", "ts33401", "--hops", hops, "--kasme", KASME.hex())
    assert [h["ncc"] for h in doc["hops"]] == nccs
    assert_agrees(TS33401, doc, KASME, 0)


@pytest.mark.parametrize("hops", ["x2,intra-enb,x2", "x2,intra-enb,intra-enb"])
def test_an_nh_pair_serves_one_handover(hops: str) -> None:
    """TS 33.401 7.2.8.4.2, as handover-keys.md section 4 reads it: the source eNB derives
    KeNB* vertically "from an unused {NH, NCC} pair if it has one, else horizontally from
    its current KeNB". Hop 1's Path Switch Acknowledge gives enb-2 {NH(2), NCC 2}; the
    intra-eNB hop 2 uses it (no MME, so no fresh pair follows); hop 3 has none left and goes
    horizontal, keeping NCC 2. (helper-160 M22: a source eNB that kept the pair unused
    after a vertical derivation passed the random chains, which never drew this pattern.)"""
    doc = run_json("--variant", "ts33401", "--hops", hops, "--kasme", KASME.hex())
    assert [(h["ncc"], h["derivation"]) for h in doc["hops"]] == [
        (0, "horizontal"), (2, "vertical"), (2, "horizontal")]
    assert_agrees(TS33401, doc, KASME, 0)


def test_a_long_chain_wraps_ncc_and_still_agrees() -> None:
    kasme = bytes(range(32))
    hops = ",".join([MIXED_CHAIN] * 3)
    doc = run_json("--variant", "ts33401", "--hops", hops, "--kasme", kasme.hex())
    nccs = [h["ncc"] for h in doc["hops"]]
    assert any(b < a for a, b in itertools.pairwise(nccs)), nccs  # NCC wrapped
    assert any(h["target_cell"]["earfcn_dl"] > 0xFFFF for h in doc["hops"])  # 3-octet A.5
    assert_agrees(TS33401, doc, kasme, 0)


def test_5g_example_agrees_with_ts33501() -> None:
    """TS 33.501 6.9.2.1.1 is 7.2.8.1.1 for 5G: "At initial setup, the derived NH value is
    associated with the NCC value one", NH by A.10 and KgNB* by A.11."""
    kasme = bytes(range(32))
    doc = run_json("--variant-file", N2_EXAMPLE, "--hops", MIXED_CHAIN, "--kasme",
                   kasme.hex(), "--ul-nas-count", "7")
    assert_agrees(TS33501, doc, kasme, 7)
    assert [h["ncc"] for h in doc["hops"]][:3] == [0, 3, 4]  # after the Path Switch Ack's 2


@pytest.mark.parametrize(("hops", "kind"), [
    ("s1", Kind.S1AP_HANDOVER_REQUEST), ("x2", Kind.S1AP_PATH_SWITCH_REQUEST_ACKNOWLEDGE)])
def test_5g_example_first_n2_or_path_switch_carries_ncc_2(hops: str, kind: Kind) -> None:
    """TS 33.501 6.9.2.1.1: NH(1) = KDF(KAMF, 0x6F, KgNB) has NCC 1 and stays with AMF and
    UE; the AMF's first {NH, NCC} to a gNB is NH(2) = KDF(KAMF, 0x6F, NH(1)) with NCC 2."""
    kamf = bytes(range(32))
    run = run_scenario(load_variant_file(N2_EXAMPLE), parse_hops(hops), kasme=kamf)
    nh2 = TS33501.nh(kamf, TS33501.nh(kamf, TS33501.initial(kamf, 0)))
    assert _security(run, kind) == [(nh2, 2)]


# -- Where the spec's numbering shows --------------------------------------------------------
KASME = bytes(range(32))


def _run(hops: str) -> Run:
    return run_scenario(load("ts33401"), parse_hops(hops), kasme=KASME)


def _security(run: Run, kind: Kind) -> list[tuple[bytes, int]]:
    """{NH, NCC} of every message of ``kind`` delivered in the run."""
    found = []
    for step in run.system.steps:
        if step.message.kind is kind:
            fields = step.message.get("SecurityContext") or step.message.get("MM context")
            found.append((field_value(fields, "NH"), field_value(fields, "NCC")))
    return found


def _nh(n: int) -> bytes:
    """NH(n) by A.4 from the initial KeNB (UL NAS COUNT 0)."""
    value = TS33401.initial(KASME, 0)
    for _ in range(n):
        value = TS33401.nh(KASME, value)
    return value


def test_first_path_switch_acknowledge_carries_ncc_2() -> None:
    """7.2.8.4.2: the MME "shall increase its locally kept NCC value by one and compute a
    fresh NH" before it answers; it holds NCC 1 from set-up, so the first answer is NCC 2."""
    assert _security(_run("x2"), Kind.S1AP_PATH_SWITCH_REQUEST_ACKNOWLEDGE) == [(_nh(2), 2)]


@pytest.mark.parametrize("hop", ["s1", "s1-inter"])
def test_first_s1_handover_request_carries_ncc_2(hop: str) -> None:
    """7.2.8.4.3: the same increment before the first S1AP HANDOVER REQUEST; inter-MME the
    source MME sends that fresh pair to the target MME (S10 MM context)."""
    run = _run(hop)
    assert _security(run, Kind.S1AP_HANDOVER_REQUEST) == [(_nh(2), 2)]
    if hop == "s1-inter":
        assert _security(run, Kind.GTP_FORWARD_RELOCATION_REQUEST) == [(_nh(2), 2)]


def test_ncc_first_wraps_to_0_on_the_seventh_s1_handover() -> None:
    """NCC is NH's index modulo 8 (3 bits). The k-th S1 handover carries NH(k + 1), so NCC
    is 0 first at NH(8): the 7th S1 handover, then 1 on the 8th."""
    run = _run(",".join(["s1"] * 8))
    assert [ncc for _, ncc in _security(run, Kind.S1AP_HANDOVER_REQUEST)] == [
        2, 3, 4, 5, 6, 7, 0, 1]
    assert [h.ncc for h in run.hops].index(0) == 6


def test_ue_at_ncc_0_catches_up_to_ncc_2() -> None:
    """7.2.8.4.3: a UE at NCC 0 (the initial KeNB) told NCC 2 iterates A.4 twice from the
    initial KeNB (NH(1), which it derived at set-up, 7.2.8.1.1; then NH(2)) and derives
    KeNB* from NH(2) (A.5)."""
    run = _run("s1")
    hop = run.hops[0]
    cell = hop.target_cell
    assert hop.ncc == 2
    assert hop.kenb_ue == TS33401.star(_nh(2), cell.pci, cell.earfcn_dl)
    set_up = next(s for s in run.system.steps if s.message.kind is Kind.RRC_SECURITY_MODE_COMMAND)
    assert [d.output for d in set_up.outcome.derivations if d.output_name == "NH"] == [_nh(1)]


KEY_CHANGE = "edit=HandoverRequestAcknowledge/container/keyChangeIndicator=True"
NAS_COUNT = 0x123456


def _json_run(hops: str) -> tuple[dict, bytes]:
    """``run --json`` of ``hops`` from KASME and an uplink NAS COUNT of its own, and the
    KeNB A.3 gives of them."""
    doc = run_json("--variant", "ts33401", "--hops", hops, "--kasme", KASME.hex(),
                   "--ul-nas-count", str(NAS_COUNT))
    return doc, TS33401.initial(KASME, NAS_COUNT)


def test_key_change_indicator_rolls_the_ue_back_to_a_kenb_from_kasme() -> None:
    """helper-179: TS 36.331 5.3.5.4, "if the keyChangeIndicator received in the
    securityConfigHO is set to TRUE: update the KeNB key based on the fresh KASME key taken
    into use with the previous successful NAS SMC procedure". No NAS SMC ran since set-up, so
    that KeNB is A.3 of KASME and the set-up's uplink NAS COUNT again, with NCC 0 (7.2.8.1.1);
    the HO command's NCC 0 equals it, so KeNB* is horizontal from it (A.5). A source eNB
    that sets the indicator on hop 2 of "x2,x2:early" (horizontal from hop 1's KeNB at the
    target) thus makes the UE disagree with the target. (srsRAN's UE does the same:
    srsue/src/stack/rrc/rrc_procedures.cc re-derives KeNB from KASME, then derives KeNB*
    with the command's NCC, usim_base.cc generate_as_keys_ho.)"""
    doc, kenb = _json_run(f"x2,x2:early:{KEY_CHANGE}")
    first, second = doc["hops"]
    cell = second["target_cell"]
    assert second["ncc"] == 0
    assert second["kenb_ue"] == TS33401.star(kenb, cell["pci"], cell["earfcn_dl"]).hex()
    assert second["kenb_enb"] == TS33401.star(bytes.fromhex(first["kenb_ue"]), cell["pci"],
                                              cell["earfcn_dl"]).hex()
    assert not second["confirm_verified"]


def test_key_change_indicator_after_the_wrap_rolls_the_ue_back_a_whole_ncc_cycle() -> None:
    """The same rule on hop 9 of nine S1 hops: the MME sends NH(10), NCC 2 (7.2.8.4.3, from
    NH(1) at set-up, one fresh NH per HANDOVER REQUIRED; NCC is 3 bits, 7.2.8.4). The UE's
    KeNB from KASME has NCC 0 and its NH(1) (7.2.8.1.1), from which it "shall first
    synchronize the locally kept NH parameter by computing the function defined in Annex A.4
    iteratively (and increasing the NCC value until it matches the NCC value received ...)":
    two steps, NH(2), hop 1's NH (KASME and the initial KeNB are the same), not NH(10). The
    UE and the target disagree; the UE is back on an NH eight derivations old (helper-180)."""
    doc, nh = _json_run(",".join(["s1"] * 8) + f",s1:{KEY_CHANGE}")
    chain = [nh]
    for _ in range(10):
        chain.append(TS33401.nh(KASME, chain[-1]))
    last = doc["hops"][-1]
    cell = last["target_cell"]
    assert last["ncc"] == 2
    assert last["kenb_ue"] == TS33401.star(chain[2], cell["pci"], cell["earfcn_dl"]).hex()
    assert last["kenb_enb"] == TS33401.star(chain[10], cell["pci"], cell["earfcn_dl"]).hex()


@pytest.mark.parametrize("n", [2, 7, 8, 9])
@pytest.mark.parametrize("then", ["s1", "x2"])
def test_target_mme_counts_the_fewest_nh_derivations_ncc_allows(n: int, then: str) -> None:
    """The target MME of an inter-MME S1 hop that carries NH(n) takes the chain on from NH(n):
    its own next {NH, NCC} is NH(n+1) with NCC n+1 mod 8, however the NCC wrapped. Expected
    values from the spec text alone (helper-188: this test read ``Ts33401().received_chain``
    and literals in the model's own reading of it):
    - 7.2.8.1.1: "At initial setup, the KeNB is derived directly from KASME, and is then
      considered to be associated with a virtual NH parameter with NCC value equal to zero.
      At initial setup, the derived NH value is associated with the NCC value one."
    - A.4: "FC = 0x12, P0 = SYNC-input, L0 = length of SYNC-input (i.e. 0x00 0x20)"; "The
      SYNC-input parameter shall be the newly derived KeNB for the initial NH derivation,
      and the previous NH for all subsequent derivations."
    - 7.2.8.4.3 (S1) and 7.2.8.4.2 (Path Switch): the MME "shall increase its locally kept
      NCC value by one and compute a fresh NH from its stored data using the function
      defined in Annex A.4"; inter-MME, the source MME sends that {NH, NCC} with KASME to
      the target MME in Forward Relocation Request (spec notes section 4; TS 29.274 8.38's
      MM context has NH and NCC, no count). NCC is 3 bits (TS 36.331 SecurityConfigHO,
      nextHopChainingCount 0..7; spec notes section 4: "it wraps 7 -> 0").
    So the (n-1)-th S1 hop carries NH(n) (NH(1) is never sent); the NH of each message is
    recomputed here from KASME with the test's own KDF, its position counted here.

    Second opinion (facts read, no code taken): the open5gs fork with S10,
    LetMeConnect001/open5gs-s10 (470f145d), fills the MM context's NH and NCC from the MME's
    current nh and nhcc (src/mme/mme-s10-build.c, mme_s10_build_mm_context), as the source
    MME here does, but answers a Forward Relocation Request "not supported"
    (src/mme/mme-s10-handler.c, mme_s10_handle_message): no target MME there to compare,
    nor in the stacks searched (helper-188). Upstream open5gs's own chain numbering is in
    the module docstring above."""
    hops = ["s1"] * (n - 2) + ["s1-inter", then]
    run = _run(",".join(hops))
    chain = [TS33401.initial(KASME, 0)]  # A.3, uplink NAS COUNT 0: "NH(0)", NCC 0
    while len(chain) < n + 2:
        chain.append(TS33401.nh(KASME, chain[-1]))  # A.4: chain[k] is NH(k)
    # what the source MME sent the target MME: NH(n), NCC n mod 8
    assert _security(run, Kind.GTP_FORWARD_RELOCATION_REQUEST) == [(chain[n], n % 8)]
    taken = next(s for s in run.system.steps
                 if s.message.kind is Kind.GTP_FORWARD_RELOCATION_REQUEST)
    # the target MME's chain: NH(n), n A.4 derivations from the initial KeNB (the fewest
    # the NCC allows: the source MME's first fresh NH is NH(2))
    assert (taken.ctx_after.chain.value, taken.ctx_after.chain.derivations) == (chain[n], n)
    # the target MME's next fresh pair, in S1AP HandoverRequest or the Path Switch Ack
    kind = (Kind.S1AP_HANDOVER_REQUEST if then == "s1"
            else Kind.S1AP_PATH_SWITCH_REQUEST_ACKNOWLEDGE)
    sent = [s for s in run.system.steps[run.hops[-1].first_step:]
            if s.message.kind is kind and s.message.sender == taken.message.receiver]
    assert [(field_value(s.message.get("SecurityContext"), "NH"),
             field_value(s.message.get("SecurityContext"), "NCC")) for s in sent] == [
        (chain[n + 1], (n + 1) % 8)]
    # and the UE, told NCC n mod 8 on the inter-MME hop, catches up to NH(n) (7.2.8.4.3)
    # and agrees with the target eNB's vertical KeNB* (A.5)
    inter = run.hops[n - 2]
    cell = inter.target_cell
    assert inter.ncc == n % 8
    assert inter.kenb_ue == inter.kenb_enb == TS33401.star(chain[n], cell.pci, cell.earfcn_dl)


# The seed fixes no encoding: hoverify writes its KDF(K || S) as the TS 33.220 B.2 KDF keyed
# by the key K over S, with FC values of its own (docs/limits.md: 0xF0-0xF3).
SEED_FC = {"KeNB*": 0xF0, "KeNB_new": 0xF1, "K_HO": 0xF2, "KeNB*+": 0xF3}


@pytest.mark.parametrize("seed", [0, 7])
def test_run_json_gives_the_c_rnti_the_seeds_key_takes(seed: int) -> None:
    """``run --json`` names each hop's C-RNTI, which the seed's KeNB_new takes (section 2 step
    5: "KeNB_new = KDF(KeNB* || C-RNTI)"; helper-153 read it off a capture): the TR's chain
    recomputed from the JSON alone, the RRC and UP keys too."""
    doc = run_json("--variant", "tr33821-v070", "--hops", MIXED_CHAIN, "--seed", str(seed))
    kenb = bytes.fromhex(doc["initial"]["kenb"])
    for hop in doc["hops"]:
        kenb_star = kdf(kenb, SEED_FC["KeNB*"], hop["target_cell"]["pci"].to_bytes(2, "big"))
        kenb = kdf(kenb_star, SEED_FC["KeNB_new"], hop["c_rnti"].to_bytes(2, "big"))
        assert hop["kenb_ue"] == kenb.hex(), hop["number"]
        assert {k: hop[f"{k}_ue"] for k in TS33401.as_keys(kenb)} == TS33401.as_keys(kenb)


@settings(max_examples=20, deadline=None)
@given(variant=st.sampled_from(VARIANTS[:4]),
       hops=st.tuples(HOP_TYPES, st.lists(LATER_HOPS, max_size=19)).map(
           lambda h: [h[0], *h[1]]),
       seed=st.integers(0, 2**16))
def test_the_seed_chains_follow_the_seed_equations(variant: tuple[str, str | None],
                                                   hops: list[str], seed: int) -> None:
    """Seed section 2 step 2: "Source eNB calculates a one way hash over the current KeNB and
    the physical cell ID of the target cell to get KeNB*"; step 5: "KeNB_new = KDF(KeNB* ||
    C-RNTI)". Section 3 step 4 (seed-fs, on handovers through the target MME): "KeNB*+ =
    KDF(KDF(KASME ||"Handover String") || KeNB*)", "Handover String" is a constant; step 5:
    "KeNB_new = KDF(KeNB*+ || C-RNTI)". The initial KeNB is TS 33.401 A.3's. Over random
    chains (dev43: one fixed chain), racing their Path Switch too, which changes nothing
    here: the seeds chain no NH. The equations are the same wherever the seed-fs
    notification bit goes (helper-179: the alg-id and c-rnti placements were checked for
    agreement only); the C-RNTI is the one the UE read from the command (with ``c-rnti``,
    the field's 15 bits below the bit, statemachines/variants/seed_fs.py)."""
    name, placement = variant
    run = run_scenario(load(name, placement), parse_hops(",".join(hops)), seed=seed)
    kenb = TS33401.initial(run.kasme, 0)
    k_ho = kdf(run.kasme, SEED_FC["K_HO"], b"Handover String")
    for hop in run.hops:
        kenb_star = kdf(kenb, SEED_FC["KeNB*"], hop.target_cell.pci.to_bytes(2, "big"))
        if name == "seed-fs" and hop.spec.type in (HopType.S1, HopType.S1_INTER):
            kenb_star = kdf(k_ho, SEED_FC["KeNB*+"], kenb_star)
        command = next(s.outcome.read for s in run.system.steps[hop.first_step:]
                       if s.message.kind is Kind.RRC_HANDOVER_COMMAND and s.outcome.accepted)
        c_rnti = dict(command)["new C-RNTI"]
        kenb = kdf(kenb_star, SEED_FC["KeNB_new"], c_rnti.to_bytes(2, "big"))
        assert hop.kenb_ue == hop.kenb_enb == kenb, hop.number


@pytest.mark.parametrize("placement", ["alg-id", "c-rnti"])
def test_without_the_notification_bit_the_ue_keeps_the_tr_derivation(placement: str) -> None:
    """helper-179: seed section 3 step 8, "Based on the notification bit the UE knows whether
    to first calculate KeNB*+ to then derive KeNB". A source eNB that clears the bit it
    writes (alg-id, c-rnti: under its own RRC keys) leaves the UE on section 2's KeNB_new =
    KDF(KeNB* || C-RNTI), while the target eNB took KeNB*+ from its MME (step 5): they
    disagree, and the target refuses the HO confirm. Both keys recomputed from the seed."""
    doc = run_json("--variant", "seed-fs", "--bit-placement", placement, "--hops",
                   "s1:edit=HandoverCommand/for UE/notification bit=0")
    [hop] = doc["hops"]
    kasme = bytes.fromhex(doc["kasme"])
    kenb_star = kdf(TS33401.initial(kasme, 0), SEED_FC["KeNB*"],
                    hop["target_cell"]["pci"].to_bytes(2, "big"))
    k_ho = kdf(kasme, SEED_FC["K_HO"], b"Handover String")
    c_rnti = hop["c_rnti"].to_bytes(2, "big")
    assert hop["kenb_ue"] == kdf(kenb_star, SEED_FC["KeNB_new"], c_rnti).hex()
    assert hop["kenb_enb"] == kdf(kdf(k_ho, SEED_FC["KeNB*+"], kenb_star), SEED_FC["KeNB_new"],
                                  c_rnti).hex()
    assert not hop["confirm_verified"]


@pytest.mark.parametrize("variant", BUILT_IN)
def test_rrc_and_up_keys_take_their_a7_distinguisher_and_algorithm(variant: str) -> None:
    """TS 33.401 A.7: "FC = 0x15, P0 = algorithm type distinguisher, L0 = length of algorithm
    type distinguisher (i.e. 0x00 0x01), P1 = algorithm identity, L1 = length of algorithm
    identity (i.e. 0x00 0x01)"; table A.7-1: RRC-enc-alg 0x03, RRC-int-alg 0x04, UP-enc-alg
    0x05; the key is "the 128 least significant bits of the 256 bits of the KDF output";
    128-EEA2 and 128-EIA2 are algorithm identity 2 (TS 33.401 5.1.3.2, 5.1.4.2). UE and eNB
    derive with one function, so they agree whatever it does: only the spec can check it."""
    run = run_scenario(load(variant), parse_hops("x2,s1"))
    for entity in ("ue", run.hops[-1].target_enb):
        keys = run.system.entity(entity).ctx.keys.as_keys
        assert keys.krrc_enc == kdf(keys.kenb, 0x15, b"\x03", b"\x02")[16:], entity
        assert keys.krrc_int == kdf(keys.kenb, 0x15, b"\x04", b"\x02")[16:], entity
        assert keys.kup_enc == kdf(keys.kenb, 0x15, b"\x05", b"\x02")[16:], entity


@pytest.mark.parametrize(("variant", "placement"), VARIANTS)
@pytest.mark.parametrize("hops", ["x2", "s1", "s1-inter", "intra-enb", MIXED_CHAIN,
                                  "x2,x2:early,x2"])
def test_ue_and_target_agree_after_every_hop(variant: str, placement: str | None,
                                             hops: str) -> None:
    run = run_scenario(load(variant, placement), parse_hops(hops))
    for hop in run.hops:
        assert hop.confirm_verified, hop
        assert hop.kenb_ue == hop.kenb_enb, hop


def test_a_late_message_belongs_to_the_handover_it_answers() -> None:
    """``x2:early`` holds hop 1's Path Switch Request Acknowledge until hop 2 has run: its
    step, and the X2AP UEContextRelease it causes, are still hop 1's (what the per-hop
    claims read), not the handover under way when it arrives."""
    steps = run_scenario(load("ts33401"), parse_hops("x2,x2:early,x2")).system.steps
    sender = {id(m): s for s in steps for m in s.outcome.sent}
    caused = [(sender[id(s.message)], s) for s in steps if id(s.message) in sender]
    assert caused and all(cause.hop == s.hop for cause, s in caused)
    late = [s for s in steps
            if s.message.kind is Kind.S1AP_PATH_SWITCH_REQUEST_ACKNOWLEDGE and s.hop == 1]
    assert late and any(s.hop == 2 for s in steps[:late[0].number])  # it did arrive late


def test_same_inputs_give_byte_identical_keys() -> None:
    first = run_scenario(load("ts33401"), parse_hops(MIXED_CHAIN), seed=7)
    second = run_scenario(load("ts33401"), parse_hops(MIXED_CHAIN), seed=7)
    assert [h.kenb_ue for h in first.hops] == [h.kenb_ue for h in second.hops]


def _system_with_in_flight(variant: str, kind: Kind, target: str = "enb-2/cell-1"
                           ) -> tuple[System, int]:
    """A system in the first handover (an X2 one unless ``target`` is another cell of the
    default topology), with a ``kind`` message in flight, and its index."""
    topology = default_topology()
    system = System(load(variant), topology, bytes(range(32)), 0, topology.cells[0])
    system.establish_as_security()
    system.run()
    system.start_handover(topology.cell(target))
    while not any(m.kind is kind for m in system.in_flight):
        system.deliver(0)
    index = next(i for i, m in enumerate(system.in_flight) if m.kind is kind)
    return system, index


@pytest.mark.parametrize("variant", list(BUILT_IN))
@pytest.mark.parametrize("octet", [0, -1], ids=["in the command", "in its MAC-I"])
def test_tampered_handover_command_is_refused_by_the_ue_and_changes_nothing(
        variant: str, octet: int) -> None:
    """TS 36.331 5.3.5.4 has the UE run the HO command only once PDCP has verified it (TS
    36.323 5.7: a PDU whose integrity check fails is discarded). One bit flipped in the
    ciphered PDU flips the same bit of what deciphers (128-EEA2 is a stream cipher): in the
    command it fails MAC-I, in the MAC-I itself as well, though the command reads intact."""
    system, index = _system_with_in_flight(variant, Kind.RRC_HANDOVER_COMMAND)
    command = system.in_flight[index]
    pdu = bytearray(command.get("PDU"))
    pdu[octet] ^= 0x01
    system.rewrite(index, command.replace("PDU", bytes(pdu)))
    ue = system.entity("ue")
    before = ue.snapshot()
    outcome = system.deliver(index)
    assert not outcome.accepted
    assert "MAC-I" in outcome.reason
    assert ue.snapshot() == before


def test_the_ue_refuses_a_handover_command_whose_count_it_has_passed() -> None:
    """Replay protection: a receiver takes each PDCP COUNT once under one AS security context
    (COUNT is an input of MAC-I, TS 33.401 B.2.1, so a replayed PDU verifies only under the
    COUNT it was sent with): a UE whose lowest acceptable downlink PDCP COUNT is past the
    command's refuses it, though its MAC-I is right; the same command at the COUNT
    the UE expects is run (the model sends one HO command per KeNB, so only a UE told it is
    further on can show the check)."""
    system, index = _system_with_in_flight("ts33401", Kind.RRC_HANDOVER_COMMAND)
    ue = system.entity("ue")
    command = system.in_flight[index]
    count = command.get("COUNT")
    assert ue.ctx.dl_count == count
    expected = ue.ctx
    ue.ctx = replace(expected, dl_count=count + 1)
    outcome = ue.handle(command)
    assert not outcome.accepted
    assert outcome.reason == f"PDCP COUNT {count} already used (replay)"
    ue.ctx = expected
    assert ue.handle(command).accepted


def test_the_ue_refuses_a_nas_part_whose_nas_count_it_has_taken() -> None:
    """TS 24.301 4.4.3.2 (replay protection): "for a given EPS security context, a given NAS
    COUNT value shall be accepted at most one time". The seed's HO command carries a NAS
    part under NAS-MAC (seed step 7; NAS COUNT is an input of NAS-MAC, TS 33.401 B.2.1): a
    UE that has taken its NAS COUNT refuses it, though its NAS-MAC is right; one that took
    the COUNT before it runs the same command. (helper-160 M24: a UE that took a NAS COUNT
    twice passed the suite, since honest runs never repeat one.)"""
    system, index = _system_with_in_flight("seed-fs", Kind.RRC_HANDOVER_COMMAND,
                                           target="enb-3/cell-1")  # s1: through the MME
    ue = system.entity("ue")
    command = system.in_flight[index]
    expected = ue.ctx
    nas_count = expected.nas_dl_count + 1  # the MME's next downlink NAS COUNT
    ue.ctx = replace(expected, nas_dl_count=nas_count)
    outcome = ue.handle(command)
    assert not outcome.accepted
    assert outcome.reason == f"NAS COUNT {nas_count} already used (replay)"
    ue.ctx = expected
    assert ue.handle(command).accepted


@pytest.mark.parametrize("variant", list(BUILT_IN))
def test_tampered_handover_confirm_is_rejected_and_changes_nothing(variant: str) -> None:
    system, index = _system_with_in_flight(variant, Kind.RRC_HANDOVER_CONFIRM)
    confirm = system.in_flight[index]
    pdu = bytearray(confirm.get("PDU"))
    pdu[0] ^= 0x01
    system.rewrite(index, confirm.replace("PDU", bytes(pdu)))
    target = system.entity(confirm.receiver)
    before = target.snapshot()
    outcome = system.deliver(index)
    assert not outcome.accepted
    assert "MAC-I" in outcome.reason
    assert target.snapshot() == before


@pytest.mark.parametrize("variant", list(BUILT_IN))
def test_untampered_confirm_from_the_same_state_is_accepted(variant: str) -> None:
    system, index = _system_with_in_flight(variant, Kind.RRC_HANDOVER_CONFIRM)
    assert system.deliver(index).accepted


def test_message_in_the_wrong_state_is_rejected_with_a_reason() -> None:
    topology = default_topology()
    system = System(load("ts33401"), topology, bytes(32), 0, topology.cells[0])
    idle_enb = system.entity("enb-5")
    before = idle_enb.snapshot()
    ack = Message(Kind.S1AP_PATH_SWITCH_REQUEST_ACKNOWLEDGE, "mme-2", "enb-5",
                  (("SecurityContext", (("NH", bytes(32)), ("NCC", 1))),))
    outcome = idle_enb.handle(ack)
    assert not outcome.accepted
    assert "not expected in state 'idle'" in outcome.reason
    assert idle_enb.snapshot() == before


def test_malformed_message_is_refused_not_a_crash() -> None:
    topology = default_topology()
    system = System(load("ts33401"), topology, bytes(32), 0, topology.cells[0])
    enb = system.entity("enb-2")
    outcome = enb.handle(Message(Kind.X2AP_HANDOVER_REQUEST, "enb-1", "enb-2", ()))
    assert not outcome.accepted and outcome.reason
    assert enb.state == "idle"


def test_every_entity_type_uses_transitions_without_auto_transitions() -> None:
    topology = default_topology()
    system = System(load("ts33401"), topology, bytes(32), 0, topology.cells[0])
    for entity in system.entities.values():
        assert not hasattr(entity, "to_connected")
        assert not entity._machine.auto_transitions


def test_every_message_records_its_interface_and_protection() -> None:
    run = run_scenario(load("seed-fs"), parse_hops("x2,s1,s1-inter,intra-enb"))
    kinds = set()
    for step in run.system.steps:
        message = step.message
        kinds.add(message.kind)
        if message.interface.value == "Uu":
            assert message.protected_by and all("KRRCint" in p or "KRRCenc" in p
                                                for p in message.protected_by), message
        elif message.interface.value != "local":
            assert message.protected_by == ("NDS/IP (TS 33.210)",)
    assert len(kinds) >= 20  # the flows use the messages of TS 23.401 5.5.1


@pytest.mark.parametrize("next_hop", [HopType.INTRA_ENB, HopType.X2])
def test_a_late_path_switch_acknowledge_is_kept_for_the_next_handover(
        next_hop: HopType) -> None:
    """TS 33.401 7.2.8.4.2: the {NH, NCC} of a Path Switch Request Acknowledge that reaches
    the eNB while it hands the UE on (intra-eNB) or while a preparation fails (X2) is kept
    for the handover after: losing it would make that one horizontal."""
    topology, system, first, ack = _x2_hop_with_its_acknowledge_held()
    enb = system.entity(first.enb)
    system.start_handover(topology.neighbours(first, next_hop)[0])
    _deliver_until(system, Kind.X2AP_HANDOVER_REQUEST if next_hop is HopType.X2
                   else Kind.RRC_HANDOVER_COMMAND)
    if next_hop is HopType.X2:  # the target refuses: the preparation fails
        request = system.in_flight.pop(0)
        system.in_flight.extend(system.entity(request.receiver).refuse_admission(request).sent)
    assert ack.get("eNB UE S1AP ID") == enb.ctx.enb_ue_s1ap_id  # the context it still holds
    system.in_flight.insert(0, ack)
    system.run()
    assert all(step.outcome.accepted for step in system.steps), \
        [step.outcome.reason for step in system.steps if not step.outcome.accepted]
    security = ack.get("SecurityContext")
    assert enb.ctx.keys.next_hop == (dict(security)["NH"], dict(security)["NCC"])


def test_a_path_switch_acknowledge_after_an_intra_enb_handover_is_taken() -> None:
    """TS 33.401 7.2.8.4.2: the eNB stores the {NH, NCC} of the Path Switch Request
    Acknowledge for the next handover, and (TS 36.300 10.1.2.1.1) then releases the X2
    source; an intra-eNB handover completed while the acknowledge was on its way (7.2.8.4.1)
    changes neither. The eNB refused it once it was back in "connected"."""
    topology, system, first, ack = _x2_hop_with_its_acknowledge_held()
    enb = system.entity(first.enb)
    system.start_handover(topology.neighbours(first, HopType.INTRA_ENB)[0])
    system.run()  # the intra-eNB handover completes
    system.in_flight.append(ack)
    system.run()
    assert all(step.outcome.accepted for step in system.steps), \
        [step.outcome.reason for step in system.steps if not step.outcome.accepted]
    security = dict(ack.get("SecurityContext"))
    assert enb.ctx.keys.next_hop == (security["NH"], security["NCC"])
    assert system.steps[-1].message.kind is Kind.X2AP_UE_CONTEXT_RELEASE
    assert system.entity(topology.cells[0].enb).state == "idle"  # the source let go


def test_an_acknowledge_naming_another_ue_context_is_refused_and_changes_nothing() -> None:
    """TS 36.413 3.1: "the eNB identifies the associated UE based on the eNB UE S1AP ID IE";
    9.1.5.9: the PATH SWITCH REQUEST ACKNOWLEDGE carries it, as the MME received it in the
    PATH SWITCH REQUEST (9.1.5.8). One that names no context the eNB holds is not applied
    (10.6: a message whose AP ID identifies a logical connection unknown to the node)."""
    _, system, first, ack = _x2_hop_with_its_acknowledge_held()
    enb = system.entity(first.enb)
    request = next(s.message for s in system.steps
                   if s.message.kind is Kind.S1AP_PATH_SWITCH_REQUEST)
    assert ack.get("eNB UE S1AP ID") == request.get("eNB UE S1AP ID")  # the MME echoes it
    before = enb.snapshot()
    outcome = enb.handle(ack.replace("eNB UE S1AP ID", ack.get("eNB UE S1AP ID") + 1))
    assert not outcome.accepted and "names no UE context here" in outcome.reason
    assert enb.snapshot() == before
    assert enb.handle(ack).accepted


# The reviewer's run (s1apid28): hops 2 to 5 are each decided before the Path Switch Request
# Acknowledge of the hop before (``:early``: held until hop 5 is over), and hop 4 prepares enb-2
# again, with a new UE context: hop 1's acknowledge reaches enb-2 while it waits for hop 4's.
STALE_ACK_HOPS = ("x2@enb-2/cell-1,x2@enb-3/cell-1:early,s1@enb-1/cell-1:early,"
                  "x2@enb-2/cell-1:early,intra-enb:early,x2@enb-3/cell-1")
# Per hop, the UE's derivation and the NCC of its new KeNB, from TS 33.401. X2 and intra-eNB
# (7.2.8.4.2): "the source eNB shall perform a vertical key derivation in case it has an unused
# {NH, NCC} pair", else a horizontal one, and the UE keeps its NCC (7.2.8.4.3). The MME holds
# NCC 1 from set-up (7.2.8.1.1) and, on each PATH SWITCH REQUEST (7.2.8.4.2) and HANDOVER
# REQUIRED (7.2.8.4.3), "shall increase its locally kept NCC value by one and compute a fresh
# NH"; the S1 target derives KeNB* from that NH, the UE synchronises to its NCC (7.2.8.4.3).
STALE_ACK_KEYS = (
    ("horizontal", 0),  # 1: enb-1 holds the initial KeNB alone; its path switch: NCC 2
    ("horizontal", 0),  # 2: decided before hop 1's NCC 2 reached enb-2; path switch: NCC 3
    ("vertical", 4),  # 3: S1, HANDOVER REQUIRED: NCC 4
    ("horizontal", 4),  # 4: enb-1 used that NH for its KeNB, none unused; path switch: NCC 5
    ("horizontal", 4),  # 5: enb-2 still waits for hop 4's acknowledge
    # 6: enb-2 stored hop 4's {NH, NCC 5} "for the next handover" (7.2.8.4.2); hop 1's {NH,
    # NCC 2} was for the context enb-2 dropped when hop 4 prepared it again
    ("vertical", 5),
)


def test_a_late_acknowledge_for_a_context_the_enb_no_longer_holds_is_refused() -> None:
    run = _run(STALE_ACK_HOPS)
    assert [(h.derivation, h.ncc) for h in run.hops] == list(STALE_ACK_KEYS)
    for hop in run.hops:
        assert hop.confirm_verified and hop.kenb_ue == hop.kenb_enb, hop.number
    last = run.hops[-1].target_cell  # A.5 from NH(5), five A.4 steps from the initial KeNB
    assert run.hops[-1].kenb_enb == TS33401.star(_nh(5), last.pci, last.earfcn_dl)
    steps = run.system.steps
    requests = {s.hop: s.message.get("eNB UE S1AP ID") for s in steps
                if s.message.kind is Kind.S1AP_PATH_SWITCH_REQUEST}
    assert requests[1] != requests[4]  # enb-2's two contexts, two UE associations
    acks = {s.hop: s for s in steps if s.message.kind is Kind.S1AP_PATH_SWITCH_REQUEST_ACKNOWLEDGE}
    assert acks[1].message.receiver == acks[4].message.receiver == "enb-2"
    assert not acks[1].outcome.accepted  # enb-2 refuses it: a context it no longer holds
    assert "eNB UE S1AP ID" in acks[1].outcome.reason
    assert acks[4].outcome.accepted  # arriving after it, in the same state
    assert acks[1].state_before == acks[4].state_before == PATH_SWITCH_PENDING
    # the X2 source enb-2 releases is hop 4's (enb-1), on hop 4's acknowledge alone
    releases = [(s.hop, s.message.receiver) for s in steps
                if s.message.kind is Kind.X2AP_UE_CONTEXT_RELEASE and s.message.sender == "enb-2"]
    assert releases == [(4, "enb-1")]


def test_a_context_prepared_again_by_s1_waits_for_no_path_switch() -> None:
    """Hop 4, an S1 handover, prepares enb-2 again while enb-2 still holds hop 1's context
    (ho-commanded: hop 2's release comes with hop 2's acknowledge, held). The new context came
    by S1, which has no Path Switch (TS 23.401 5.5.1.2): its intra-eNB handover (hop 5) ends
    in "connected", and hop 6 is not decided before a Path Switch Request Acknowledge (hop 1's
    X2 source, which the old context was to release, is nothing to the new one)."""
    run = _run("x2@enb-2/cell-1,x2@enb-3/cell-1:early,x2@enb-4/cell-1:early,"
               "s1@enb-2/cell-1:early,intra-enb,x2@enb-1/cell-1")
    decided = {s.hop: decided_early(s) for s in run.system.steps
               if decided_early(s) is not None}
    assert decided == {1: False, 2: True, 3: True, 4: True, 5: False, 6: False}
    assert all(hop.confirm_verified for hop in run.hops)


def _x2_hop_with_its_acknowledge_held() -> tuple[Topology, System, Cell, Message]:
    """ts33401 after an X2 hop, its Path Switch Request Acknowledge taken out of flight."""
    topology = default_topology()
    system = System(load("ts33401"), topology, bytes(range(32)), 0, topology.cells[0])
    system.establish_as_security()
    system.run()
    first = topology.neighbours(topology.cells[0], HopType.X2)[0]
    system.start_handover(first)
    _deliver_until(system, Kind.S1AP_PATH_SWITCH_REQUEST_ACKNOWLEDGE)
    return topology, system, first, system.in_flight.pop(0)


def _deliver_until(system: System, kind: Kind) -> None:
    """Deliver in order until a message of ``kind`` is first in flight."""
    while system.in_flight[0].kind is not kind:
        system.deliver(0)


def test_the_ue_hook_receives_the_serving_cell() -> None:
    """Issue 16 item 9: ``ue`` gets the cell the UE is served by when the HO command
    arrives (the source cell), so a variant can bind a key to it."""
    seen: list[tuple[str, str]] = []

    @dataclass(frozen=True)
    class Recording(Ts33401):
        name: str = "recording"

        def ue(self, d, ue, command, source, target, c_rnti):  # type: ignore[no-untyped-def]
            seen.append((source.name, target.name))
            return super().ue(d, ue, command, source, target, c_rnti)

    run = run_scenario(Recording(), parse_hops("x2,s1,intra-enb,s1-inter"))
    cells = [run.initial_cell, *(hop.target_cell.name for hop in run.hops)]
    assert seen == list(itertools.pairwise(cells))


def test_a_remembered_delivery_is_the_one_the_entity_made() -> None:
    """``System.remember``: a message delivered again to an entity in the same state and key
    record (a search restores states) is answered from the memo, with the outcome, state and
    record the entity gave, and the same steps as without the memo."""
    topology = default_topology()
    plain, remembering = (System(load("ts33401"), topology, bytes(range(32)), 0,
                                 topology.cells[0]) for _ in range(2))
    remembering.remember()
    for system in (plain, remembering):
        system.establish_as_security()
        system.run()
        system.start_handover(topology.neighbours(topology.cells[0], HopType.X2)[0])
    snapshot = remembering.snapshot()
    receiver = remembering.entity(remembering.in_flight[0].receiver)
    first = remembering.deliver(0)
    handle = receiver.handle
    receiver.handle = lambda message: pytest.fail(f"asked again: {message}")  # type: ignore
    remembering.restore(snapshot)
    again = remembering.deliver(0)
    receiver.handle = handle  # type: ignore[method-assign]
    assert again is first
    remembering.run()
    plain.run()
    assert [(s.message, s.outcome, s.ctx_after, s.state_after) for s in remembering.steps] \
        == [(s.message, s.outcome, s.ctx_after, s.state_after) for s in plain.steps]


@pytest.mark.parametrize("hop", [HopType.S1, HopType.S1_INTER])
def test_an_s1_preparation_that_fails_still_used_up_its_nh(hop: HopType) -> None:
    """TS 33.401 7.2.8.4.3: on each S1AP HANDOVER REQUIRED the MME "shall increase its
    locally kept NCC value by one and compute a fresh NH"; no clause takes the pair back when
    the target refuses (TS 36.413 8.4.2.3 HANDOVER FAILURE, 8.4.1.3 HANDOVER PREPARATION
    FAILURE). The refused target holds NH(2) (NCC 2), so the next S1 handover brings NH(3)
    with NCC 3, and the UE, still at NCC 0, catches up over both (A.4 three times)."""
    topology = default_topology()
    system = System(load("ts33401"), topology, bytes(range(32)), 0, topology.cells[0])
    system.establish_as_security()
    system.run()
    refused, taken = topology.neighbours(topology.cells[0], hop)[:2]
    request = _refuse_then_take(system, refused, taken, Kind.S1AP_HANDOVER_REQUEST)
    sent = [request, *(s.message for s in system.steps
                       if s.message.kind is Kind.S1AP_HANDOVER_REQUEST)]
    assert [(field_value(m.get("SecurityContext"), "NH"),
             field_value(m.get("SecurityContext"), "NCC")) for m in sent] == [
        (_nh(2), 2), (_nh(3), 3)]
    assert system.entity("ue").ctx.keys.as_keys.kenb == \
        system.entity(taken.enb).ctx.keys.as_keys.kenb == \
        TS33401.star(_nh(3), taken.pci, taken.earfcn_dl)


def test_refused_preparations_carry_the_ue_across_the_ncc_wrap() -> None:
    """helper-179: the rules above, end to end across the wrap. Each S1AP HANDOVER REQUIRED
    makes the MME "increase its locally kept NCC value by one and compute a fresh NH"
    (7.2.8.4.3), the refused ones too: from NH(1) at set-up (7.2.8.1.1), hops 1-5 bring NH(2)
    to NH(6), the refused hops 6 and 7 use up NH(7) and NH(8), and hop 8 brings NH(9) with
    NCC 9 mod 8 = 1 (the 3-bit NCC, 7.2.8.4). The UE, at NCC 6, "shall first synchronize the
    locally kept NH parameter by computing the function defined in Annex A.4 iteratively (and
    increasing the NCC value until it matches the NCC value received ...)": 7, 0, 1, then
    KeNB* from NH(9) (A.5)."""
    doc, nh = _json_run("s1,s1,s1,s1,s1,s1:refused,s1:refused,s1")
    chain = [nh]  # NH(n) at chain[n]; chain[0] is the initial KeNB (A.4 SYNC-input)
    for _ in range(9):
        chain.append(TS33401.nh(KASME, chain[-1]))
    taken = [(hop["ncc"], hop["kenb_ue"], hop["kenb_enb"]) for hop in doc["hops"]
             if not hop["refused"]]
    expected = []
    for hop, n in zip((h for h in doc["hops"] if not h["refused"]), (2, 3, 4, 5, 6, 9),
                      strict=True):
        kenb = TS33401.star(chain[n], hop["target_cell"]["pci"],
                            hop["target_cell"]["earfcn_dl"]).hex()
        expected.append((n % 8, kenb, kenb))
    assert taken == expected


def _refuse_then_take(system: System, refused: Cell, taken: Cell, kind: Kind) -> Message:
    """A handover to ``refused`` whose target refuses admission (its request, returned),
    then one to ``taken``, every step accepted."""
    system.start_handover(refused)
    _deliver_until(system, kind)
    request = system.in_flight.pop(0)
    system.in_flight.extend(system.entity(request.receiver).refuse_admission(request).sent)
    system.run()
    system.start_handover(taken)
    system.run()
    assert all(step.outcome.accepted for step in system.steps), \
        [step.outcome.reason for step in system.steps if not step.outcome.accepted]
    return request


def test_an_x2_preparation_that_fails_leaves_the_nh_unused() -> None:
    """TS 33.401 7.2.8.4.2: "the source eNB shall perform a vertical key derivation in case it
    has an unused {NH, NCC} pair". The pair of the Path Switch Request Acknowledge (NH(2),
    NCC 2) went into the KeNB* of a preparation the target refused (TS 36.423 8.2.1.3); the
    UE never received that NCC, so the pair is still unused: the next X2 handover derives
    its KeNB* from NH(2) again, bound to its own target cell (A.5)."""
    topology, system, first, ack = _x2_hop_with_its_acknowledge_held()
    system.in_flight.insert(0, ack)
    system.run()
    refused, taken = [c for c in topology.neighbours(first, HopType.X2)
                      if c.enb != topology.cells[0].enb][:2]
    request = _refuse_then_take(system, refused, taken, Kind.X2AP_HANDOVER_REQUEST)
    assert field_value(request.get("AS-SecurityInformation"), "KeNB*") == \
        TS33401.star(_nh(2), refused.pci, refused.earfcn_dl)
    assert system.entity("ue").ctx.keys.as_keys.kenb == \
        system.entity(taken.enb).ctx.keys.as_keys.kenb == \
        TS33401.star(_nh(2), taken.pci, taken.earfcn_dl)


def _x2_handover_begun() -> System:
    """ts33401 with AS security set up and an X2 handover begun (its measurement report in
    flight)."""
    topology = default_topology()
    system = System(load("ts33401"), topology, bytes(range(32)), 0, topology.cells[0])
    system.establish_as_security()
    system.run()
    system.start_handover(topology.neighbours(topology.cells[0], HopType.X2)[0])
    return system


def _x2_preparation_answered() -> tuple[System, Message]:
    """ts33401 with an X2 preparation under way at the source, its acknowledge taken out of
    flight."""
    system = _x2_handover_begun()
    _deliver_until(system, Kind.X2AP_HANDOVER_REQUEST_ACKNOWLEDGE)
    return system, system.in_flight.pop(0)


def _another(message: Message, name: str) -> Message:
    return message.replace(name, (message.get(name) + 1) % 4096)  # INTEGER (0..4095)


@pytest.mark.parametrize("answer", [
    # TS 36.423 9.1.1.2, 9.1.1.3: the answer carries the Old eNB UE X2AP ID the source
    # allocated for this handover; another names another handover
    lambda ack: _another(ack, "Old eNB UE X2AP ID"),
    lambda ack: Message(Kind.X2AP_HANDOVER_PREPARATION_FAILURE, ack.sender, ack.receiver,
                        (("Old eNB UE X2AP ID", ack.get("Old eNB UE X2AP ID") + 1),
                         ("Cause", "unspecified"))),
    # TS 36.413 8.4.1.2, 8.4.1.3: HANDOVER COMMAND and HANDOVER PREPARATION FAILURE answer
    # the source's HANDOVER REQUIRED, which an X2 preparation never sent
    lambda ack: Message(Kind.S1AP_HANDOVER_COMMAND, "mme-1", ack.receiver,
                        (("container", ack.get("container")), ("for UE", ()),
                         ("eNB UE S1AP ID", 1))),
    lambda ack: Message(Kind.S1AP_HANDOVER_PREPARATION_FAILURE, "mme-1", ack.receiver,
                        (("Cause", "unspecified"), ("eNB UE S1AP ID", 1))),
], ids=["x2-ack-other-old-id", "x2-failure-other-old-id", "s1-command", "s1-failure"])
def test_a_source_takes_only_the_answer_to_the_preparation_it_runs(
        answer: Callable[[Message], Message]) -> None:
    """A source eNB preparing an X2 handover refuses an answer to another preparation, and
    nothing changes; the acknowledge of its own is then taken."""
    system, ack = _x2_preparation_answered()
    source = system.entity(ack.receiver)
    before = source.snapshot()
    outcome = source.handle(answer(ack))
    assert not outcome.accepted and source.snapshot() == before
    assert "for another handover" in outcome.reason or "answers no" in outcome.reason, \
        outcome.reason
    assert source.handle(ack).accepted


def test_a_ue_context_release_names_the_handover_by_both_x2ap_ids() -> None:
    """TS 36.423 9.1.1.5: UE CONTEXT RELEASE carries the Old eNB UE X2AP ID (the source's)
    and the New eNB UE X2AP ID (the target's, from its HANDOVER REQUEST ACKNOWLEDGE,
    9.1.1.2); the source releases the UE context those name, and no other."""
    system, ack = _x2_preparation_answered()
    system.in_flight.insert(0, ack)
    _deliver_until(system, Kind.X2AP_UE_CONTEXT_RELEASE)
    release = system.in_flight.pop(0)
    assert (release.get("Old eNB UE X2AP ID"), release.get("New eNB UE X2AP ID")) == \
        (ack.get("Old eNB UE X2AP ID"), ack.get("New eNB UE X2AP ID"))
    source = system.entity(release.receiver)
    before = source.snapshot()
    for name in ("Old eNB UE X2AP ID", "New eNB UE X2AP ID"):
        assert not source.handle(_another(release, name)).accepted
        assert source.snapshot() == before
    assert source.handle(release).accepted and source.state == "idle"


def test_a_nas_count_beyond_24_bits_is_a_model_bug_not_a_refusal() -> None:
    """TS 24.301 4.4.3.1: a NAS COUNT is 24 bits; TS 33.401 A.3 puts it in 4 octets. The CLI
    refuses a larger one (exit 2); reaching the KDF, it is a bug, raised where it happens."""
    with pytest.raises(VariantError) as caught:
        run_scenario(load("ts33401"), parse_hops("x2"), ul_nas_count=2**24)
    assert caught.value.hook == "initial_kenb" and caught.value.entity == "mme-1"
    assert str(caught.value.error) == "ul_nas_count must be in 0..16777215, got 16777216"


@dataclass(frozen=True)
class IntraEnbKeepsKenb(Ts33401):
    """An intra-eNB handover that keeps the KeNB on both sides (TS 33.401 7.2.8.4.2 derives a
    KeNB* for it as for X2): the UE and the eNB agree, on the old KeNB."""

    name: str = "intra-enb-keeps-kenb"

    def source_enb(self, d, keys, target, hop):  # type: ignore[no-untyped-def]
        if hop == HopType.INTRA_ENB and keys.next_hop is None:
            return keys, (("KeNB*", keys.as_keys.kenb), ("NCC", keys.as_keys.ncc))
        return super().source_enb(d, keys, target, hop)

    def ue(self, d, ue, command, source, target, c_rnti):  # type: ignore[no-untyped-def]
        if source.enb == target.enb and field_value(command, "NCC") == ue.as_keys.ncc:
            return ue.as_keys.kenb, ue.as_keys.ncc, ue.chain
        return super().ue(d, ue, command, source, target, c_rnti)


def test_a_target_that_verified_the_confirm_on_the_kenb_it_had_agrees_with_the_ue() -> None:
    """helper-151: the hop's target eNB verified the HO confirm under the KeNB it already
    held; run read its KeNB as "None" (taken as one from an earlier service) and said
    "DISAGREE" beside key agreement's "holds". The KeNB a target verified the confirm with is
    the hop's, new or not (key separation judges its reuse)."""
    run = run_scenario(IntraEnbKeepsKenb(), parse_hops("intra-enb"))
    [hop] = run.hops
    assert hop.confirm_verified and hop.kenb_enb == hop.kenb_ue == run.initial_kenb


@dataclass(frozen=True)
class TargetRefusesOneCell(Ts33401):
    """A target eNB whose hook refuses (``Reject``) to admit the UE to ``cell``."""

    name: str = "target-refuses-one-cell"
    cell: str = ""

    def target_enb(self, d, fields, target, c_rnti, hop):  # type: ignore[no-untyped-def]
        if target.name == self.cell:
            raise Reject(f"no admission to {self.cell}")
        return super().target_enb(d, fields, target, c_rnti, hop)


@pytest.mark.parametrize(("hop", "failure"), [
    (HopType.X2, Kind.X2AP_HANDOVER_PREPARATION_FAILURE),
    (HopType.S1, Kind.S1AP_HANDOVER_FAILURE),
    (HopType.S1_INTER, Kind.S1AP_HANDOVER_FAILURE)])
def test_a_target_that_refuses_a_handover_request_answers_with_the_failure(
        hop: HopType, failure: Kind) -> None:
    """TS 36.423 8.2.1.3: "If the target eNB is not able to accept any of the bearers or a
    failure occurs during the Handover Preparation, the target eNB shall send the HANDOVER
    PREPARATION FAILURE message to the source eNB"; TS 36.413 8.4.2.3: HANDOVER FAILURE to
    the MME, which sends HANDOVER PREPARATION FAILURE to the source (8.4.1.3). A target
    whose handler refuses the request (here a variant hook's ``Reject``) answers so, with
    its reason kept, and the source serves the UE again: a later handover completes. Before
    helper-250 it sent nothing, and its source stayed in ho-preparing for the rest of the
    run."""
    topology = default_topology()
    serving = topology.cells[0]
    refused, taken = topology.neighbours(serving, hop)[:2]
    system = System(TargetRefusesOneCell(cell=refused.name), topology, bytes(range(32)), 0,
                    serving)
    system.establish_as_security()
    system.run()
    system.start_handover(refused)
    system.run()
    [refusal] = [step for step in system.steps if not step.outcome.accepted]
    assert refusal.message.receiver == refused.enb
    assert refusal.outcome.reason == f"no admission to {refused.name}"
    assert [(m.kind, m.get("Cause")) for m in refusal.outcome.sent] == [
        (failure, "unspecified")]  # TS 36.423 9.2.6, TS 36.413 9.2.1.3
    assert system.entity(serving.enb).state == "connected"
    system.start_handover(taken)
    system.run()
    assert system.entity(UE).ctx.cell == taken.name
    assert system.steps[-1].outcome.accepted


C_RNTI_RANGE = range(0x0001, 0xFFF3 + 1)  # TS 36.321 Table 7.1-1: C-RNTI "0001-FFF3"
BROKEN_VARIANTS = Path(__file__).parent / "broken_variants"


def test_c_rnti_allocation_wraps_to_a_valid_c_rnti() -> None:
    """TS 36.321 7.1, Table 7.1-1: a C-RNTI is one of 0x0001-0xFFF3 (0x0000 is none). An eNB
    that allocated the last one allocates a valid one next (helper-182's mutant: the wrap
    gave 0)."""
    topology = default_topology()
    cell = topology.cells[0]
    system = System(load("ts33401"), topology, bytes(32), 0, cell)
    target = next(c for c in topology.cells if c.enb != cell.enb)
    enb = system.entities[target.enb]
    ctx = EnbContext(next_c_rnti=max(C_RNTI_RANGE))
    security = (("KeNB*", bytes(32)), ("NCC", 0))
    for _ in range(2):
        ctx, _keys, container = enb._prepare_target(Deriver(), ctx, security, target,
                                                    HopType.X2)
        assert dict(container)["new C-RNTI"] in C_RNTI_RANGE
    assert ctx.next_c_rnti in C_RNTI_RANGE


def test_the_ho_command_may_carry_every_ncc_value() -> None:
    """TS 36.331 SecurityConfigHO: "nextHopChainingCount INTEGER (0..7)"; TS 33.401 7.2.8.4:
    NCC is a 3-bit counter. A compromised relay may write any of the eight into the HO
    command (the values the variant declares; helper-182's mutant left out 7, so the edit
    search never tried it)."""
    assert set(dict(load("ts33401").command_fields())["NCC"]) == set(range(8))


def test_a_kenb_taken_as_it_was_reads_reused_and_no_ho_command_none() -> None:
    """The run table's derivation word says how the UE reached its KeNB: a UE whose HO command
    leaves its KeNB as it was (source_sends_kenb: the X2 source hands over its own KeNB,
    which the UE keeps) reads "reused", not "none", which the docs reserve for a UE that took
    no HO command (helper-181), as in a hop whose target refused it (``:refused``)."""
    broken = run_scenario(load_variant_file(str(BROKEN_VARIANTS / "source_sends_kenb.py")),
                          parse_hops("x2"))
    [hop] = broken.hops
    assert hop.kenb_ue == broken.initial_kenb and hop.derivation == "reused"
    refused = run_scenario(load("ts33401"), parse_hops("x2:refused"))
    assert refused.hops[0].derivation == "none"


@pytest.mark.parametrize(("bit_placement", "highest"), [
    # TS 36.321 7.1 (Table 7.1-1): C-RNTI values 0x0001-0xFFF3; TS 36.331 newUE-Identity is
    # a 16-bit field, and with the notification bit in its most significant bit (seed-fs's
    # c-rnti placement, seed section 3, the placement FFS) the identity keeps the 15 others:
    # 0x0001-0x7FFF
    ("c-rnti", 0x7FFF), ("nas", 0xFFF3), ("alg-id", 0xFFF3)])
def test_seed_fs_allocates_no_c_rnti_the_notification_bit_would_change(
        bit_placement: str, highest: int) -> None:
    """helper-245 M36: an eNB of the c-rnti placement allocating up to 0x8000 (the bit's own
    position) survived every test: no run reached it. The UE would read 0x8000 as the bit
    set over C-RNTI 0."""
    assert load("seed-fs", bit_placement).c_rnti_max() == highest


def test_the_enb_refuses_a_measurement_report_it_has_taken() -> None:
    """TS 33.401 5.1.4.1, paraphrased (its wording is not in handover-keys.md): replay
    protection has the receiver accept each incoming PDCP COUNT value once under the same
    AS security context. After a failed X2 preparation (TS 36.423 8.2.1.3) the
    source serves the UE on the same keys, so a copy of the report that started it, though
    its MAC-I is right, is refused rather than starting the handover again (helper-253 E11:
    a source that took each uplink COUNT twice passed the suite)."""
    system = _x2_handover_begun()
    _deliver_until(system, Kind.RRC_MEASUREMENT_REPORT)
    report = system.in_flight[0]
    _deliver_until(system, Kind.X2AP_HANDOVER_REQUEST)
    request = system.in_flight.pop(0)
    system.in_flight.extend(system.entity(request.receiver).refuse_admission(request).sent)
    system.run()
    source = system.entity(report.receiver)
    assert source.state == "connected"
    before = source.snapshot()
    outcome = source.handle(report)
    assert not outcome.accepted
    assert outcome.reason == f"PDCP COUNT {report.get('COUNT')} already used (replay)"
    assert source.snapshot() == before


def test_an_enb_prepared_again_keeps_no_nh_of_the_context_it_held() -> None:
    """TS 33.401 7.2.8.4.2: the X2 target takes the KeNB* of AS-SecurityInformation as its
    KeNB, and gets an {NH, NCC} only from the Path Switch Request Acknowledge of that
    handover, stored "for the next handover". An eNB that still holds the UE's earlier
    context (ho-commanded: its release not yet in), with the pair a late acknowledge left
    it, takes none of it into the new context: a vertical derivation from that pair would
    use an NH of a chain position the UE has left (helper-253 E10 survived every test)."""
    topology, system, first, ack = _x2_hop_with_its_acknowledge_held()
    enb = system.entity(first.enb)
    onward = next(c for c in topology.neighbours(first, HopType.X2)
                  if c.enb != topology.cells[0].enb)
    system.start_handover(onward)
    _deliver_until(system, Kind.RRC_HANDOVER_CONFIRM)
    assert enb.state == "ho-commanded"
    assert enb.handle(ack).accepted  # late: kept (7.2.8.4.2)
    assert enb.ctx.keys.next_hop is not None
    kenb_star = bytes(range(32, 64))  # a KeNB* from the new source: any 32 octets (A.5)
    request = Message(Kind.X2AP_HANDOVER_REQUEST, onward.enb, first.enb,
                      (("Old eNB UE X2AP ID", 7), ("target cell", first.name),
                       ("AS-SecurityInformation", (("KeNB*", kenb_star), ("NCC", 0)))))
    assert enb.handle(request).accepted
    assert enb.ctx.keys.as_keys.kenb == kenb_star
    assert enb.ctx.keys.next_hop is None


HOP_CHAIN = "intra-enb,x2,intra-enb,s1,intra-enb,s1-inter,x2"


def test_every_handover_restarts_the_downlink_pdcp_count() -> None:
    """TS 36.331 5.3.5.4: on a reconfiguration with mobilityControlInfo the UE shall
    "re-establish PDCP for all RBs that are established"; TS 36.323 5.2 (PDCP
    re-establishment) then sets, for SRBs, the COUNT's HFN and sequence number to 0, on both
    ends (paraphrased: the clauses' wording is not in handover-keys.md). So the first
    downlink message in the target cell (the next HO command) has PDCP COUNT 0 whatever the
    hop, intra-eNB included; the first of all has COUNT 1, after the Security Mode Command's
    0 (helper-253 E4: an intra-eNB target that went on counting from the source's COUNT
    passed the suite, pcap differing)."""
    run = run_scenario(load("ts33401"), parse_hops(HOP_CHAIN))
    counts = [s.message.get("COUNT") for s in run.system.steps
              if s.message.kind is Kind.RRC_HANDOVER_COMMAND]
    assert counts == [1] + [0] * (len(HOP_CHAIN.split(",")) - 1)
