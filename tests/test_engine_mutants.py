"""What mutants of helper-254 (the claim engine's step memo, key-agreement's "sometimes")
changed while the suite still passed: each test states the property independently of the
code it guards. (Its two mutants of ``verify``'s search are held in tests/test_verify.py.)"""

from __future__ import annotations

from pathlib import Path

from hoverify.properties.claims import KEY_AGREEMENT
from hoverify.properties.engine import Verdict
from hoverify.properties.evaluate import evaluate
from hoverify.properties.exploration import Exploration
from hoverify.properties.explore import EXPLORATION_KASME
from hoverify.statemachines.scenario import parse_hops, run_scenario
from hoverify.statemachines.topology import small_topology
from hoverify.statemachines.variants import load

from hoverify.variant_file import load_variant_file

BROKEN = Path(__file__).parent / "broken_variants"


def test_a_refused_confirm_on_an_undisturbed_run_is_a_situation_of_key_agreement() -> None:
    """key-agreement's "sometimes" (``KeyAgreement.sometimes``): "a HO confirm reached its
    target, accepted or on a run with no adversary action". With the UE skipping its NCC
    catch-up (TS 33.401 7.2.8.4.3) hop 1 (X2) completes and enb-4 refuses the HO confirm of
    hop 2 (S1), with no adversary action: both confirms reached their target, so the
    situation arose twice (helper-254 M22: counting only accepted confirms read 1)."""
    run = run_scenario(load_variant_file(str(BROKEN / "ue_skips_ncc_catch_up.py")),
                       parse_hops("x2,s1"))
    agreement = next(c for c in evaluate(run).claims if c.name == KEY_AGREEMENT)
    assert [(v.hop, v.holds) for v in agreement.verdicts] == [(1, True), (2, False)]
    assert agreement.sometimes == 2


def test_a_remembered_step_keeps_the_claim_states_it_was_taken_from() -> None:
    """The step memo (``Engine.remember``) is transparent: a step's judgement is a function
    of the facts *and* the claim states before it, so the same delivery from the same facts
    with other claim states gives those states' successors, as an engine that remembers
    nothing does (helper-254 M10: a memo keyed without the claim states handed back the
    successors of the first states it saw, here dropping key-agreement's failure)."""
    def after_delivery(remember: bool) -> tuple[object, ...]:
        exploration = Exploration(load("ts33401"), small_topology(), EXPLORATION_KASME,
                                  witnessing=False)
        exploration.system.remember()
        if remember:
            exploration.engine.remember()
        engine, system = exploration.engine, exploration.system
        exploration.start_handover(0)
        snapshot, (facts, states) = system.snapshot(), engine.state
        exploration.deliver(0)  # remembered from these facts and claim states
        place = [c.name for c in engine.claims].index(KEY_AGREEMENT)
        failure = Verdict(1, "-", False, True, "a failure judged before")
        other = (*states[:place], (*states[place], failure), *states[place + 1:])
        system.restore(snapshot)
        engine.restore((facts, other))
        exploration.deliver(0)  # the same delivery, from the same facts, other states
        result = engine.states
        exploration.close()
        return result

    assert after_delivery(remember=True) == after_delivery(remember=False)

