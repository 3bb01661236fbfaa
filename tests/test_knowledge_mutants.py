"""The attacker's knowledge in the key graph (``properties/attacker.py``, ``graph.py``,
``closure.py``) against what the spec says a party derives, each test killing a mutant that
the suite let pass (helper-255)."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
from hoverify.properties.analysis import Analysis
from hoverify.properties.attacker import Attacker, Compromise
from hoverify.properties.closure import closure, witness
from hoverify.properties.crosscheck import recompute
from hoverify.properties.digraph import DiGraph
from hoverify.properties.evaluate import evaluate
from hoverify.properties.graph import DerivationIndex, Node
from hoverify.statemachines.scenario import parse_hops, run_scenario
from hoverify.statemachines.variants import load

from hoverify.variant_file import load_variant_file

PATH_SWITCH_SENDS_INITIAL_KENB = (Path(__file__).parent / "attack_variants"
                                  / "path_switch_sends_initial_kenb.py")


def _value(i: int) -> Node:
    return ("value", bytes((i,)))


def test_a_revealed_kasme_derives_every_kenb_of_the_run() -> None:
    """TS 33.401 A.3: KeNB = KDF(KASME, uplink NAS COUNT); A.4: NH = KDF(KASME, SYNC-input),
    the initial KeNB for the first NH, then the previous NH; A.5: KeNB* = KDF(KeNB or NH,
    PCI, EARFCN-DL), all but KASME public or derived. An attacker KASME is revealed to (no
    party: ``Attacker.knowledge`` learns it from the derivations that take it) derives every
    KeNB of an X2, S1 and inter-MME S1 run, each recomputed with the real KDF (mutant: a
    revealed key's values only where a derivation outputs it; KASME is no derivation's
    output, so the attacker knew nothing and the key graph said no KeNB derivable)."""
    analysis = Analysis.of(run_scenario(load("ts33401"), parse_hops("x2,s1,s1-inter")))
    attacker = Attacker((Compromise("KASME", 0),))
    for hop in (0, *analysis.hops):
        assert analysis.derivable(attacker, hop), hop
        assert recompute(analysis, attacker, analysis.kenb_node(hop)) == analysis.kenb[hop]


def test_a_held_value_derived_again_only_from_the_target_is_shown_held() -> None:
    """Value 1 is held, 3 is derived from it, and 1 could be derived again from 3: the
    witness of 3 derives it from the held 1 and nothing else. A witness is a derivation
    sequence the attacker can execute (``crosscheck.recompute`` replays it), so no step may
    need a value derived only after it (mutant: a derivation whose input is on the path
    being derived chosen for a held value, 1 shown derived from the 3 it serves to derive)."""
    graph, index = nx.DiGraph(), DerivationIndex()
    for number, (source, output) in enumerate(((3, 1), (1, 3))):
        node: Node = ("kdf", number)
        graph.add_edge(_value(source), node)
        graph.add_edge(node, _value(output))
        index.add([_value(source)], node, _value(output))
    result = closure(index, {_value(1)})
    assert witness(graph, result, _value(3)) == [("kdf", 1)]


def test_a_key_received_in_a_message_is_the_receivers_in_the_key_graph() -> None:
    """TS 33.401 7.2.8.4.2: the target eNB receives the Path Switch Request Acknowledge; in
    this attack variant it carries the initial KeNB (A.3) beside {NH, NCC}. The target eNB of
    the X2 hop, compromised from that hop, holds what it received: the key graph gives it
    KeNB[hop 0] (TS 33.501 3.1's backward security fails), as the claim engine does
    (mutant: values received left out of a party's holdings; only the committed report's
    diff noticed)."""
    run = run_scenario(load_variant_file(PATH_SWITCH_SENDS_INITIAL_KENB), parse_hops("x2"))
    attacker = Attacker((Compromise("enb-2", 1),))
    evaluation = evaluate(run, attacker)
    assert evaluation.derivable_hops == [0, 1]
    analysis = evaluation.analysis
    assert [hop for hop in (0, 1) if analysis.derivable(attacker, hop)] == [0, 1]


def test_an_original_written_first_after_a_copy_leaves_the_copy_as_it_was() -> None:
    """``DiGraph.copy``: "an independent copy". The run's prefix graph, grown for the next
    hop after a trial graph was copied from it, writes to a node the trial has not touched:
    the trial keeps what it was copied with (mutant: the original still owning the dicts it
    now shares, writing into the copy's; the existing test lets the copy write first)."""
    original = DiGraph()
    original.add_node("a", holders={"enb-1"})
    original.add_edge("a", "b")
    copy = original.copy()
    original.writable("a")["holders"].add("enb-2")
    original.add_edge("a", "c")
    assert copy.nodes["a"]["holders"] == {"enb-1"}
    assert list(copy.successors("a")) == ["b"] and "c" not in copy
