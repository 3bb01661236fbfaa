"""hoverify.properties.closure against the definition: the least set holding the attacker's
values and
closed under derivations whose inputs are all in it, on random graphs; the graph's
index kept in step with what a KeyGraph records; and the key graph's answer to "which KeNBs
does this attacker derive" against the claim engine's own closure, on every variant."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from hoverify.properties.analysis import Analysis
from hoverify.properties.attacker import Attacker, Compromise
from hoverify.properties.closure import closure, nested, witness
from hoverify.properties.evaluate import evaluate
from hoverify.properties.graph import DerivationIndex, KeyGraph, Node
from hoverify.statemachines.derivation import Derivation, public, secret
from hoverify.statemachines.scenario import parse_hops, run_scenario
from hoverify.statemachines.variants import BUILT_IN, load
from hypothesis import given
from hypothesis import strategies as st

from hoverify.variant_file import load_variant_file

VALUES = 12

# a derivation: (input values, possibly repeated; output value)
DERIVATIONS = st.lists(st.tuples(st.lists(st.integers(0, VALUES - 1), min_size=1, max_size=4),
                                 st.integers(0, VALUES - 1)), max_size=20)
HELD = st.sets(st.integers(0, VALUES + 2))  # some held values are in no derivation


def _value(i: int) -> Node:
    return ("value", bytes((i,)))


def _graphs(derivations: list[tuple[list[int], int]]) -> tuple[nx.DiGraph, DerivationIndex]:
    graph, index = nx.DiGraph(), DerivationIndex()
    for number, (inputs, output) in enumerate(derivations):
        node: Node = ("kdf", number)
        graph.add_edges_from((_value(i), node) for i in inputs)
        graph.add_edge(node, _value(output))
        index.add(map(_value, inputs), node, _value(output))
    return graph, index


def _least_fixed_point(graph: nx.DiGraph, held: set[Node]) -> set[Node]:
    known = held & set(graph)
    derivations = [n for n in graph if n[0] == "kdf"]
    while True:
        new = {output for d in derivations if all(i in known for i in graph.predecessors(d))
               for output in graph.successors(d)} - known
        if not new:
            return known
        known |= new


@given(DERIVATIONS, st.lists(HELD, max_size=4))
def test_nested_closures_are_each_layers_least_fixed_point(
        derivations: list[tuple[list[int], int]], layers: list[set[int]]) -> None:
    """A value is in the closure of the first k layers together exactly when ``nested``
    says it was reached at layer k or before."""
    graph, index = _graphs(derivations)
    first = nested(index, [(k, map(_value, held)) for k, held in enumerate(layers)])
    held: set[Node] = set()
    for k, layer in enumerate(layers):
        held |= {_value(i) for i in layer}
        expected = _least_fixed_point(graph, held)
        assert {index.nodes[n] for n, at in first.items() if at <= k} == expected


@given(DERIVATIONS, HELD)
def test_closure_is_the_least_fixed_point(derivations: list[tuple[list[int], int]],
                                          held_numbers: set[int]) -> None:
    graph, index = _graphs(derivations)
    held = {_value(i) for i in held_numbers}
    result = closure(index, held)
    expected = _least_fixed_point(graph, held)
    assert set(result.known) == expected and len(result.known) == len(expected)
    assert all((node in result) == (node in expected) for node in graph)
    assert result.initial == held & set(graph)
    for node in expected - result.initial:
        steps = witness(graph, result, node)  # each step's inputs known before it runs
        have = set(result.initial)
        for derivation in steps:
            assert all(i in have for i in graph.predecessors(derivation))
            have |= set(graph.successors(derivation))
        assert node in have


def test_a_value_used_twice_is_one_input() -> None:
    graph, index = _graphs([([1, 1], 2)])
    assert _value(2) in closure(index, {_value(1)})
    assert graph.in_degree(("kdf", 0)) == 1 == index.inputs[index.number[("kdf", 0)]]


def _derivation(key: bytes, output: bytes) -> Derivation:
    return Derivation("KeNB*", "TS 33.401 A.5", (secret("KeNB", key), public("FC", b"\x13"),
                                                 public("PCI", b"\x00\x01")), output)


def test_the_index_catches_up_with_derivations_recorded_after_a_closure() -> None:
    kg = KeyGraph()
    kg.add_derivation(_derivation(b"k1", b"k2"), "enb-1", 1, 1)
    held = [("value", b"k1"), ("value", b"\x13"), ("value", b"\x00\x01")]
    assert ("value", b"k3") not in closure(kg.index, held)
    kg.add_derivation(_derivation(b"k2", b"k3"), "enb-2", 2, 2)
    kg.add_derivation(_derivation(b"k1", b"k2"), "enb-2", 3, 2)  # known: not added twice
    result = closure(kg.index, held)
    assert ("value", b"k3") in result and kg.index.derivations == 2
    assert result.derivation_of(("value", b"k3")) == ("kdf", 1)
    assert result.derivation_of(("value", b"k1")) is None


def test_a_copied_graph_and_its_original_grow_apart() -> None:
    """A copy shares each node's dicts with its original until one of them writes to that
    node (copy on write): the edit search's trial graphs must not change the run's prefix,
    nor the prefix, grown for the next hop, a trial."""
    from hoverify.properties.digraph import DiGraph

    original = DiGraph()
    original.add_node("a", holders=set())
    original.add_edge("a", "b")
    copy = original.copy()
    copy.writable("a")["holders"].add("enb-1")
    copy.add_edge("a", "c")
    original.writable("a")["holders"].add("enb-2")
    original.add_edge("a", "d")
    assert original.nodes["a"]["holders"] == {"enb-2"}
    assert copy.nodes["a"]["holders"] == {"enb-1"}
    assert list(original.successors("a")) == ["b", "d"]
    assert list(copy.successors("a")) == ["b", "c"]
    assert "c" not in original and "d" not in copy


def test_a_copied_key_graph_and_its_original_keep_their_own_holdings() -> None:
    """A copy shares each entity's and value's list of holdings with its original until one
    of them appends to it (``KeyGraph._appending``): a trial of the edit search must not
    add to the run's prefix, nor the prefix, grown for the next hop, to a trial."""
    original = KeyGraph()
    original.add_derivation(_derivation(b"k1", b"k2"), "enb-1", 1, 1)
    copy = original.copy()
    original.add_derivation(_derivation(b"k2", b"k4"), "enb-1", 3, 2)
    copy.add_derivation(_derivation(b"k2", b"k3"), "enb-1", 2, 2)
    assert {n for _, n in original.seen["enb-1"]} >= {("value", b"k4")}
    assert ("value", b"k3") not in {n for _, n in original.seen["enb-1"]}
    assert ("value", b"k4") not in {n for _, n in copy.seen["enb-1"]}
    assert original.had[("value", b"k2")] == [(1, "enb-1"), (3, "enb-1")]
    assert copy.had[("value", b"k2")] == [(1, "enb-1"), (2, "enb-1")]


def test_a_copied_derivation_index_and_its_original_grow_apart() -> None:
    index = DerivationIndex()
    index.add([_value(0)], ("kdf", 0), _value(1))
    copy = index.copy()
    copy.add([_value(0)], ("kdf", 1), _value(2))
    index.add([_value(0)], ("kdf", 2), _value(3))
    k = index.number[_value(0)]
    assert [index.nodes[d] for d in index.successors[k]] == [("kdf", 0), ("kdf", 2)]
    assert [copy.nodes[d] for d in copy.successors[k]] == [("kdf", 0), ("kdf", 1)]


def test_a_witness_derives_each_value_it_uses_even_one_held_that_it_shows_derived() -> None:
    """Value 0 is held and also derived from 1, itself derived from 0: the witness of 2
    shows 0 derived (from 1), so it must derive 1 too (from the held 0), not leave 1 a root
    the attacker never held (mutant: a value not held whose derivations all need one being
    derived shown as held)."""
    graph, index = _graphs([([0], 1), ([1], 0), ([0], 2)])
    result = closure(index, {_value(0)})
    have = set(result.initial)
    for derivation in witness(graph, result, _value(2)):
        assert all(i in have for i in graph.predecessors(derivation)), derivation
        have |= set(graph.successors(derivation))
    assert _value(2) in have


# a chain of every hop type, one begun before the Path Switch Acknowledge of the one before
# (TS 33.401 7.2.8.4.2's race) among them
AGREEMENT_HOPS = "x2,s1-inter,intra-enb,x2:early,s1"
VARIANT_FILES = sorted(p for folder in ("attack_variants", "broken_variants")
                       for p in (Path(__file__).parent / folder).glob("*.py"))


@pytest.mark.parametrize("variant", [*BUILT_IN, *VARIANT_FILES],
                         ids=lambda v: v if isinstance(v, str) else v.name)
def test_the_key_graph_derives_the_kenbs_the_claim_engine_says_an_attacker_knows(
        variant: str | Path) -> None:
    """Two closures answer "who can derive which KeNB": the claim engine's, which the
    verdicts read (``Evaluation.derivable_hops``), and the key graph's, which the report's
    derivability table and the witnesses read (``Analysis.derivable``). Over every built-in,
    attack and broken variant, for each eNB compromised from a hop it serves in (source or
    target) and the UE, each MME and KASME from hop 1, they name the same KeNBs."""
    schedule = load(variant) if isinstance(variant, str) else load_variant_file(variant)
    run = run_scenario(schedule, parse_hops(AGREEMENT_HOPS))
    analysis = Analysis.of(run)
    compromises = {Compromise(enb, hop) for hop in analysis.hops
                   for enb in (analysis.source(hop), analysis.serving[hop])}
    compromises |= {Compromise(party, 1) for party in ("ue", *run.topology.mmes, "KASME")}
    for compromise in sorted(compromises, key=str):
        attacker = Attacker((compromise,))
        graph = [hop for hop in (0, *analysis.hops) if analysis.derivable(attacker, hop)]
        assert graph == evaluate(run, attacker).derivable_hops, compromise
