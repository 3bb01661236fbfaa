"""Key labels say what a key is (review16, findings 3 and 7): in the engine's witnesses and
cuts and in the key graph of the report alike, two different keys never share a label."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
from hoverify.properties.evaluate import Evaluation, evaluate
from hoverify.properties.graph import public_argument, value_node
from hoverify.properties.labels import paired
from hoverify.statemachines.messages import Kind
from hoverify.statemachines.scenario import parse_hops, run_scenario
from hoverify.statemachines.variants import load
from spec_kdf import kdf

from hoverify.variant_file import load_variant_file

ATTACKS = Path(__file__).parent / "attack_variants"
# The seed fixes no encoding: hoverify writes its K_HO = KDF(KASME || "Handover String") as the
# TS 33.220 B.2 KDF keyed by KASME, with an FC of its own (docs/limits.md: 0xF0-0xF3; K_HO's is
# 0xF2, as tests/test_model.py's SEED_FC says). Written here, not imported from seed_fs.
K_HO_FC = 0xF2


def labels(evaluation: Evaluation, values: list[bytes]) -> list[str]:
    """Each value's label in the engine's facts, checked to be its label in the key graph."""
    found = [evaluation.facts.label(v) for v in values]
    graph = evaluation.analysis.graph
    assert found == [graph.label(value_node(v)) for v in values]
    return found


def nccs(label: str) -> set[int]:
    """The NCCs a label names: "NH[NCC 2]", "NH[NCC 2 and 4]", "NH[NCC 2, hop 1; NCC 4,
    hop 3]"."""
    return {int(n) for listed in re.findall(r"NCC (\d+(?:(?:, | and )\d+)*)", label)
            for n in re.split(r", | and ", listed)}


def test_an_nh_that_is_no_chain_is_named_by_the_ncc_sent_with_it() -> None:
    """``per_cell_nh``: on S1 the MME sends NH' = KDF(KASME, PCI || EARFCN-DL) with the NCC
    of its chain. The S1AP HandoverRequest's SecurityContext pairs them {NCC, NH}
    (TS 36.413 9.1.5.4; TS 33.401 7.2.8.4.3: the target eNB derives KeNB* from that NH), so
    the label of the NH each hop's target received names the NCC it carried, and two
    different NHs (this hop's and the chain's the MME keeps, TS 33.401 7.2.8.1.1) are
    never named alike (they were all NH[NCC 1])."""
    variant = load_variant_file(str(ATTACKS / "per_cell_nh.py"))
    evaluation = evaluate(run_scenario(variant, parse_hops(
        "s1@enb-4/cell-2,s1@enb-1/cell-1,s1@enb-4/cell-2")))
    received = [dict(s.message.get("SecurityContext"))
                for s in evaluation.analysis.run.system.steps
                if s.message.kind is Kind.S1AP_HANDOVER_REQUEST]
    assert [r["NCC"] for r in received] == [2, 3, 4]
    assert received[0]["NH"] == received[2]["NH"] != received[1]["NH"]  # cell-2's, twice
    for context, label in zip(received, labels(evaluation, [r["NH"] for r in received]),
                              strict=True):
        assert context["NCC"] in nccs(label), label
    nhs = list(dict.fromkeys(d.output for d in evaluation.facts.derivations if d.name == "NH"))
    assert len(nhs) == 6  # NH(1) to NH(4) of the chain, and the NHs of cell-2 and cell-1
    assert len(set(labels(evaluation, nhs))) == len(nhs)


@pytest.mark.parametrize(("file", "hops", "sent"), [
    ("nh_not_refreshed.py", "s1,s1", [2, 3]), ("stale_ps_nh.py", "x2,x2,x2", [2])])
def test_an_nh_sent_again_is_named_by_each_ncc_sent_with_it(file: str, hops: str,
                                                             sent: list[int]) -> None:
    """TS 33.401 7.2.8.4: the target eNB receives an {NH, NCC} pair in the S1AP
    HandoverRequest (7.2.8.4.3) or the Path Switch Request Acknowledge (7.2.8.4.2) and keeps
    it. ``nh_not_refreshed`` sends the NH it holds with NCC 2 in hop 1 and again with NCC 3
    in hop 2; ``stale_ps_nh`` the NH of NCC 1 with NCC 2 in hop 1's Path Switch Acknowledge.
    The label of that one NH names every NCC sent with it, in the witnesses as in the graph
    (both read ``NH[NCC 1]`` or ``NH[NCC 2]``: only a step that derived an NH paired it)."""
    evaluation = evaluate(run_scenario(load_variant_file(str(ATTACKS / file)), parse_hops(hops)))
    by_nh: dict[bytes, list[int]] = defaultdict(list)
    for step in evaluation.analysis.run.system.steps:
        if step.message.kind in (Kind.S1AP_HANDOVER_REQUEST,
                                 Kind.S1AP_PATH_SWITCH_REQUEST_ACKNOWLEDGE):
            context = dict(step.message.get("SecurityContext"))
            by_nh[context["NH"]].append(context["NCC"])
    [(nh, nccs_sent)] = by_nh.items()  # one NH, sent again
    assert nccs_sent == sent
    [label] = labels(evaluation, [nh])
    assert set(sent) <= nccs(label), label
    lines = [line for c in evaluation.claims for v in c.verdicts
             for line in (*v.witness, *v.cut)]
    assert any(label in line for line in lines)


def test_ts33401_nh_labels_stay_distinct_through_an_ncc_wrap() -> None:
    """TS 33.401 7.2.8.1.1: NH(1) = KDF(KASME, initial KeNB) with NCC 1 at set-up; A.4:
    NH(n+1) = KDF(KASME, NH(n)); 7.2.8.4.3: every S1 handover takes a fresh NH and NCC one
    more, and NCC is 3 bits (7.2.8.4), so ten S1 hops reach NH(11) and NCC wraps at NH(8).
    Each NH(n) is named by n mod 8; NH(1) and NH(9), NH(2) and NH(10), NH(3) and NH(11)
    share an NCC and still get two labels."""
    run = run_scenario(load("ts33401"), parse_hops(",".join(["s1"] * 10)))
    # from the spec text, not the model's crypto (helper-188): A.3, "FC = 0x11, P0 = Uplink
    # NAS COUNT, L0 = length of uplink NAS COUNT (i.e. 0x00 0x04)" (the run's count is 0);
    # A.4, "FC = 0x12, P0 = SYNC-input, L0 = length of SYNC-input (i.e. 0x00 0x20)", "the
    # newly derived KeNB for the initial NH derivation, and the previous NH for all
    # subsequent derivations"
    initial_kenb = kdf(run.kasme, 0x11, (0).to_bytes(4, "big"))
    assert run.initial_kenb == initial_kenb
    chain = [kdf(run.kasme, 0x12, initial_kenb)]
    while len(chain) < 11:
        chain.append(kdf(run.kasme, 0x12, chain[-1]))
    evaluation = evaluate(run)
    found = labels(evaluation, chain)
    assert [nccs(label) for label in found] == [{n % 8} for n in range(1, 12)]
    assert len(set(found)) == len(chain)


def test_k_ho_is_one_key_whatever_the_hop() -> None:
    """seed-fs section 3: K_HO = KDF(KASME || "Handover String"), one value per KASME. The
    graph holds that one value however many S1 hops derive it, and it is named without a
    hop (it was K_HO[hop 1], as if each hop had its own)."""
    run = run_scenario(load("seed-fs"), parse_hops("x2,s1,s1-inter,s1"))
    evaluation = evaluate(run)
    # seed section 3 step 4: "KDF(KASME ||"Handover String" ) is a key derived from KASME.
    # "Handover String" is a constant.": its ASCII octets, with the test's own KDF (TS 33.220
    # B.2) and FC (above)
    k_ho = kdf(run.kasme, K_HO_FC, b"Handover String")
    assert {d.output for d in evaluation.facts.derivations if d.name == "K_HO"} == {k_ho}
    graph = evaluation.analysis.graph
    assert graph.named("K_HO") == {value_node(k_ho)}
    assert labels(evaluation, [k_ho]) == ["K_HO"]
    lines = [line for c in evaluation.claims for v in c.verdicts
             for line in (*v.witness, *v.cut)]
    assert any("K_HO" in line for line in lines)
    assert not any("K_HO[" in line for line in lines)


def test_pairings_grown_two_ways_from_one_stay_apart() -> None:
    """``paired`` keeps the {NH, NCC} pairs of the pairings it returned last, but reads any
    other's own: the edit search grows each copy of the honest run's graph from the same
    pairings (TS 33.401 7.2.8.4: the {NH, NCC} pair a message carries)."""
    base = paired((), 1, [(b"nh-1", 1)])
    once = paired(base, 2, [(b"nh-2", 2)])
    again = paired(base, 2, [(b"nh-2", 2), (b"nh-1", 1)])  # nh-2 is new to base
    assert again == once == ((b"nh-1", 1, 1), (b"nh-2", 2, 2))
    assert paired(once, 3, [(b"nh-2", 2)]) is once
    assert paired(base, 3, [(b"nh-1", 1)]) is base


@pytest.mark.parametrize(("name", "value", "text"), [
    ("FC", b"\x15", "FC=0x15"),  # TS 33.401 A.5
    ("PCI", (301).to_bytes(2, "big"), "PCI=301"),  # TS 33.401 A.5: PCI, 2 octets
    ("EARFCN-DL", (68600).to_bytes(3, "big"), "EARFCN-DL=68600"),  # A.5: 3 octets (Rel-9+)
    ("nonce", bytes(range(16)), "nonce=0x000102030405060708090a0b0c0d0e0f"),
    ("C-RNTI", b"AB", "C-RNTI=16706"),  # TR 33.821 v0.7.0: a number, whatever its octets
    ("algorithm identity", b"\x02", "algorithm identity=2"),  # TS 33.401 A.7
    ("uplink NAS COUNT", bytes(4), "uplink NAS COUNT=0"),  # TS 33.401 A.3
    ("algorithm type distinguisher", b"\x03", "algorithm type distinguisher=3"),  # A.7
    # TS 33.501 A.9 and A.11: a 5G variant's inputs are numbers of the clauses too
    ("access type distinguisher", b"\x01", "access type distinguisher=1"),
    ("ARFCN-DL", (632628).to_bytes(3, "big"), "ARFCN-DL=632628"),
    # helper-198 #9: a reviewer's short octet string read as a number (b"NH" as 20040)
    ("label", b"NH", 'label=0x4e48 "NH"'),
    ("const", b"x", 'const=0x78 "x"'),
    ("tag", b"\x00\x01", "tag=0x0001"),
    ("label", b'a"b', "label=0x612262"),  # helper-204: quoted, it read 'label=... "a"b"'
    ("label", b"", "label=0x"),
])
def test_a_public_kdf_input_is_written_as_the_clauses_write_it(
        name: str, value: bytes, text: str) -> None:
    """honesty43: a reviewer's public input longer than 4 octets was printed as a number of
    dozens of digits; it is written in hex, as FC is. The clauses' numbers (TS 33.401 A.3,
    A.5, A.7; TR 33.821's C-RNTI; TS 33.501 A.9, A.11) are numbers; any other input is octets
    (TS 33.220 B.2: each parameter is a string of octets), in hex, and as text too where
    each octet is a printable ASCII character."""
    assert public_argument(name, value) == text
