"""The output of TS 33.401 A.5 is KeNB*, which the target eNB and the UE take as their KeNB
(7.2.8.4.2, 7.2.8.4.3): its derivation line names both (newcomer #10: "KeNB[hop 1] =
KDF(KeNB[hop 0], FC=0x13, ...)  [TS 33.401 A.5]" named A.5's output KeNB). The key's label,
the key graph's node name, stays KeNB[hop 1]."""

from __future__ import annotations

from hoverify.properties.attacker import Attacker, Compromise
from hoverify.properties.evaluate import evaluate
from hoverify.properties.graph import value_node
from hoverify.reports.extract import key_graph
from hoverify.statemachines.scenario import parse_hops, run_scenario
from hoverify.statemachines.variants import load

A5 = "KeNB[hop 1] = KeNB* = KDF(KeNB[hop 0], FC=0x13, PCI=4, EARFCN-DL=68600)  [TS 33.401 A.5]"


def test_the_output_of_a5_is_named_kenb_star_then_taken_as_the_kenb() -> None:
    """ts33401, one X2 hop (enb-2: PCI 4, EARFCN-DL 68600, the default topology): the
    source derives KeNB* horizontally from its KeNB; the claims' witness, the key graph's
    witness and the report's key graph say so alike."""
    attacker = Attacker((Compromise("enb-1", 1),))
    evaluation = evaluate(run_scenario(load("ts33401"), parse_hops("x2")), attacker)
    kenb = evaluation.facts.completions[-1].kenb
    assert evaluation.facts.label(kenb) == "KeNB[hop 1]"  # the node name, unchanged
    assert evaluation.facts.ancestry_lines(kenb)[-1] == A5
    assert evaluation.analysis.witness_lines(attacker, value_node(kenb))[-1] == A5
    [text] = [n.text for n in key_graph(evaluation.analysis, attacker, "").nodes
              if n.text.endswith("[TS 33.401 A.5]")]
    assert text == "KeNB[hop 1] = KeNB* = KDF(KeNB[hop 0], FC, PCI, EARFCN-DL)  [TS 33.401 A.5]"


def test_a_kenb_star_that_is_no_kenb_keeps_its_own_label() -> None:
    """seed-fs's X2 KeNB* (TR 33.821 v0.7.0) is not the target's KeNB (a KeNB follows from it
    with the C-RNTI): labelled KeNB*[hop 1], its line says it once."""
    evaluation = evaluate(run_scenario(load("seed-fs"), parse_hops("x2")),
                          Attacker((Compromise("enb-1", 1),)))
    kenb = evaluation.facts.completions[-1].kenb
    lines = evaluation.facts.ancestry_lines(kenb)
    assert any(line.startswith("KeNB*[hop 1] = KDF(KeNB[hop 0]") for line in lines), lines
    assert not any(" = KeNB* = " in line for line in lines), lines
