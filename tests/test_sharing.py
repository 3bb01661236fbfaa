"""One object per value among a verify level's states (``hoverify.properties.sharing``): equal
parts built apart become one object, unequal ones never do, and the engine's growing tuples
are shared whole, never element by element."""

from __future__ import annotations

from hoverify.properties.engine import Derived, Facts
from hoverify.properties.exploration import Exploration
from hoverify.properties.explore import EXPLORATION_KASME
from hoverify.properties.fingerprint import Fingerprinter
from hoverify.properties.sharing import Sharing
from hoverify.statemachines.messages import Kind
from hoverify.statemachines.record import replace
from hoverify.statemachines.system import Snapshot
from hoverify.statemachines.topology import small_topology
from hoverify.statemachines.variants import load


def _after_first_handover(drop_last: bool) -> Exploration:
    # as a search: no trail of steps in its facts (``Engine.witnessing``)
    exploration = Exploration(load("ts33401"), small_topology(), EXPLORATION_KASME,
                              witnessing=False)
    exploration.start_handover(1)
    for _ in range(4):  # Measurement Report ... HO command
        exploration.deliver(0)
    if drop_last:
        exploration.drop(0)
    return exploration


def test_equal_states_built_apart_share_one_object_for_each_part() -> None:
    one, other, third = (_after_first_handover(False), _after_first_handover(False),
                         _after_first_handover(True))
    sharing = Sharing()
    shared = [(sharing.snapshot(e.system.snapshot()), sharing.facts(e.engine.facts),
               sharing.tuple(e.engine.states)) for e in (one, other, third)]
    for e, (snapshot, facts, claims) in zip((one, other, third), shared, strict=True):
        assert snapshot == e.system.snapshot()
        assert (facts, claims) == e.engine.state
    assert one.engine.facts is not other.engine.facts  # built apart
    assert all(a is b for a, b in zip(shared[0], shared[1], strict=True))
    # a dropped message: another multiset in flight, the same facts but the fault's mark
    assert shared[2][0] is not shared[0][0] and shared[2][0].in_flight != shared[0][0].in_flight
    assert shared[2][1] != shared[0][1]
    assert shared[2][1].derivations is shared[0][1].derivations
    for e in (one, other, third):
        e.close()


def test_a_new_level_forgets_the_objects_kept_for_the_last() -> None:
    sharing = Sharing()
    first = sharing.value((1, 2))
    assert sharing.value((1, 2)) is first
    sharing.level()
    assert sharing.value(tuple([1, 2])) is not first


def test_derivation_tuples_are_shared_whole_never_element_by_element() -> None:
    """The engine's indexes (``_indexed``, ``Consumers``) take a tuple that holds, where
    another ended, that one's last derivation as the same object, for an extension of it: so
    an object at a place of a tuple must come with the derivations it was appended to. Equal
    derivations of different histories stay apart."""
    a, b, c = (Derived(name, 1, frozenset()) for name in ("a", "b", "c"))  # type: ignore[arg-type]
    c_again = Derived("c", 1, frozenset())  # type: ignore[arg-type]
    sharing = Sharing()
    first = sharing.facts(Facts(derivations=(a, c)))
    second = sharing.facts(Facts(derivations=(b, c_again)))
    assert first.derivations[1] is c and second.derivations[1] is c_again
    assert sharing.facts(Facts(derivations=(a, c_again))) is first


def test_a_fingerprint_of_parts_depends_on_their_values_not_on_what_came_before() -> None:
    """``Fingerprinter.parts`` remembers each place's last part: a part replaced by another
    value changes the fingerprint, by an equal object does not, and a fingerprinter that saw
    other states first gives the same fingerprint as a fresh one."""
    first = [("idle", frozenset({b"k"})), b"in flight", 1]
    seen = Fingerprinter()
    fingerprint = seen.parts(first)
    changed = [first[0], b"in flight, changed", 1]
    assert seen.parts(changed) != fingerprint
    assert seen.parts([("idle", frozenset({b"k"})), b"in flight", 1]) == fingerprint
    assert Fingerprinter().parts(list(first)) == fingerprint
    assert seen.parts([first[1], first[0], 1]) != fingerprint  # a part's place counts
    assert seen.multiset([b"a", b"b", b"a"]) == Fingerprinter().multiset([b"b", b"a", b"a"])
    assert seen.multiset([b"a", b"b"]) != seen.multiset([b"a", b"b", b"b"])


def test_the_engines_key_follows_the_facts_it_is_asked_about() -> None:
    """``Engine.key`` remembers what it made from the last attackers, authentication facts
    and ``enb_learnt`` it read: facts restored with another ``enb_learnt`` give its set
    (backward security reads it, TS 33.401 7.2.8.4: an eNB that learnt another's KeNB), and
    the facts restored back give the key they gave before."""
    engine = Exploration(load("ts33401"), small_topology(), EXPLORATION_KASME).engine
    facts, states = engine.state
    before = engine.key()
    learnt = (("enb-2", 0, 1, Kind.X2AP_HANDOVER_REQUEST),)
    engine.restore((replace(facts, enb_learnt=learnt), states))
    assert frozenset(learnt) in engine.key()
    assert engine.key() != before
    engine.restore((facts, states))
    assert engine.key() == before


def test_a_value_is_shared_only_with_an_equal_one_of_its_own_type() -> None:
    """0 == False and 1 == 1.0: a facts object whose hop is 0 must not make a later one's
    ``injected`` the int 0 (perf38 found a shared ``Facts()`` holding ``injected=0``)."""
    sharing = Sharing()
    shared = sharing.facts(Facts())
    assert shared.injected is False and shared.beyond_nds_ip is False and shared.hop == 0
    assert sharing.value(1.0) is not sharing.value(1)
    assert sharing.value(True) is True


def test_snapshots_differing_only_in_their_steps_are_not_shared() -> None:
    """A snapshot's ``steps`` (``System.delivered``) is what ``restore`` truncates the steps
    to: two snapshots equal but for it are two states, never one object (helper-183's
    mutant: the sharing key without it)."""
    sharing = Sharing()
    one, other = Snapshot((), (), 1, 3), Snapshot((), (), 1, 4)
    assert sharing.snapshot(one).steps == 3 and sharing.snapshot(other).steps == 4
