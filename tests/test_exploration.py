"""The Hypothesis stateful exploration: invariants under faults, and known flaws that the
search must keep finding (it fails if exploration stops finding them)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hoverify.properties.claims import KEY_AGREEMENT, NCC_RANGE, NO_CHANGE_ON_REFUSAL
from hoverify.properties.exploration import Action
from hoverify.properties.explore import EXPLORATION_KASME, explore, replay
from hoverify.properties.promises import FORWARD
from hoverify.properties.stateful import FAULTS, exploration_machine
from hoverify.statemachines.topology import small_topology
from hoverify.statemachines.variants import load
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test

from hoverify.runs import load_finding, save_findings

MODEL_INVARIANTS = {NO_CHANGE_ON_REFUSAL, KEY_AGREEMENT, NCC_RANGE}


@pytest.mark.parametrize(("variant", "placement"),
                         [("tr33821-v070", None), ("seed-fs", "nas"), ("seed-fs", "alg-id"),
                          ("ts33401", None)])
def test_model_invariants_hold_under_every_fault(variant: str, placement: str | None) -> None:
    """No entity raises, a refused message changes nothing, completed handovers agree, NCC
    stays in 0..7 - whatever the order, losses, replays, refusals and rewrites."""
    reached = {"completions": 0, "compromised": 0}
    machine = exploration_machine(load(variant, placement), small_topology(),
                                  EXPLORATION_KASME, lambda f: f.claim in MODEL_INVARIANTS,
                                  FAULTS)

    class Counted(machine):  # type: ignore[misc, valid-type]
        def teardown(self) -> None:
            reached["completions"] += len(self.exploration.engine.facts.completions) - 1
            reached["compromised"] += len(self.exploration.engine.facts.attackers)
            super().teardown()

    run_state_machine_as_test(Counted, settings=settings(
        max_examples=150, stateful_step_count=30, derandomize=True, database=None,
        deadline=None, suppress_health_check=list(HealthCheck)))
    # every "always" needs a "sometimes": the situations did arise
    assert reached["completions"] > 0 and reached["compromised"] > 0


def test_tr33821_forward_security_violation_is_found_and_minimal() -> None:
    result = explore(load("tr33821-v070"), examples=300, claims=frozenset({FORWARD}))
    finding = next(f for f in result.findings if f.claim == FORWARD)
    assert not finding.promised and not result.promise_broken
    texts = [a.text for a in finding.trace]
    starts = [t for t in texts if t.startswith("start handover")]
    assert len(starts) == 1  # one handover...
    compromised = [t for t in texts if t.startswith("compromise")]
    assert compromised == ["compromise enb-1"]  # ...with its source eNB compromised
    assert texts[-1].startswith("deliver RRC RRCConnectionReconfigurationComplete")
    # nothing but the compromise, the start and the deliveries of that one handover
    assert all(t.startswith("deliver ") for t in texts[2:])
    assert len(texts) <= 2 + 9  # the longest flow (s1-inter) has 9 messages to the confirm


def test_ts33401_handover_racing_the_path_switch_ack_is_found() -> None:
    result = explore(load("ts33401"), until=frozenset({(FORWARD, False)}))
    finding = next(f for f in result.findings if f.claim == FORWARD)
    # found, with its trace, and outside the promise: ts33401's 2-hop promise for X2 assumes
    # the Path Switch Acknowledge arrives before the next handover (TS 33.401 7.2.8.4.2)
    assert not finding.promised and "outside the promise" in finding.detail, \
        "\n".join([finding.detail, *(a.text for a in finding.trace)])
    assert any(_starts_before_path_switch_ack(finding.trace[:i + 1])
               for i in range(len(finding.trace))), [a.text for a in finding.trace]


def _starts_before_path_switch_ack(actions: tuple[Action, ...]) -> bool:
    """The last action hands an eNB a Measurement Report (it decides a handover) after the
    UE's HO confirm reached it and before its Path Switch Request Acknowledge did: the
    handover is prepared without the fresh {NH, NCC} (TS 33.401 7.2.8.4.2)."""
    texts = [a.text for a in actions]
    if not texts[-1].startswith("deliver RRC MeasurementReport ue->"):
        return False
    enb = texts[-1].rsplit("->", 1)[1]
    confirmed = [i for i, t in enumerate(texts)
                 if t.startswith("deliver RRC RRCConnectionReconfigurationComplete")
                 and t.endswith(f"->{enb}")]
    return bool(confirmed) and not any(
        t.startswith("deliver S1AP PathSwitchRequestAcknowledge") and t.endswith(f"->{enb}")
        for t in texts[confirmed[-1]:])


def test_saved_finding_replays_step_by_step(tmp_path: Path) -> None:
    variant = load("tr33821-v070")
    result = explore(variant, examples=300, faults=frozenset({"compromise"}),
                     claims=frozenset({FORWARD}))
    [path, *_] = save_findings(variant, result.findings, tmp_path)
    saved = load_finding(str(path))
    assert saved.topology == small_topology()
    exploration = replay(saved.variant, saved.actions, saved.topology, saved.kasme, strict=True)
    assert any(f.claim == saved.record["claim"] for f in exploration.findings())
    exploration.close()


def test_profiles_are_registered() -> None:
    for name in ("ci", "dev", "deep", "fuzz"):
        settings.get_profile(name)
    assert Phase.generate in settings.get_profile("fuzz").phases


# The same machine under the active settings profile: what `hypothesis fuzz` (profile
# `fuzz`) runs for long campaigns; in CI (profile `ci`) a short derandomized run.
TestExplorationTs33401 = exploration_machine(
    load("ts33401"), small_topology(), EXPLORATION_KASME,
    lambda f: f.claim in MODEL_INVARIANTS or f.claim == "ncc-sync").TestCase
TestExplorationTs33401.settings = settings(settings.default, stateful_step_count=30)
