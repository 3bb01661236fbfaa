"""Authentication claims in Lowe's hierarchy (issue 19, items 2 and 6): aliveness, agreement,
injective-agreement and ue-agreement hold on every hop type of the built-in variants, fail on
a variant written to break them, and judge the replayed stale HandoverRequest that no claim
noticed before. Each failure found by ``verify`` replays (``hoverify replay``).

Attacker. The backhaul replays below need an attacker that can replay on S1/X2, which NDS/IP
(TS 33.210, ESP anti-replay) rules out: ``--backhaul-unprotected``
(``Adversary(backhaul_unprotected=True)``), except in ``check``'s ``:replay`` scenario, which
replays the request whatever the attacker model and judges it outside the promise. The Uu
replays assume the default attacker model (Uu active)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from assuming_nothing import AssumingNothing
from hoverify.properties.adversary import DEFAULT, Adversary
from hoverify.properties.claims import (
    AGREEMENT,
    ALIVENESS,
    AUTHENTICATION,
    INJECTIVE,
    KEY_AGREEMENT,
    UE_AGREEMENT,
    ClaimResult,
)
from hoverify.properties.evaluate import evaluate
from hoverify.properties.exploration import Exploration
from hoverify.properties.explore import EXPLORATION_KASME
from hoverify.properties.replay import replay
from hoverify.properties.verify import verify
from hoverify.statemachines.derivation import Deriver
from hoverify.statemachines.messages import Kind
from hoverify.statemachines.scenario import parse_hops, run_scenario
from hoverify.statemachines.system import UE
from hoverify.statemachines.topology import Cell, small_topology
from hoverify.statemachines.variant import BACKHAUL_PROTECTED, Fields, KeySchedule, NhChain, UeKeys
from hoverify.statemachines.variants import load
from hoverify.statemachines.variants.ts33401 import Ts33401
from test_variant_files import BROKEN

from hoverify.cli import main
from hoverify.variant_file import load_variant_file

EVERY_HOP_TYPE = "x2,s1,s1-inter,intra-enb,x2"
RRC_KEYS_WITHOUT_KENB = BROKEN / "rrc_keys_without_kenb.py"


def claims(variant: KeySchedule, hops: str) -> dict[str, ClaimResult]:
    evaluation = evaluate(run_scenario(variant, parse_hops(hops)))
    return {c.name: c for c in evaluation.claims}


@pytest.mark.parametrize("name", ["ts33401", "tr33821-v070", "seed-fs"])
def test_every_authentication_claim_holds_on_every_hop_type_of_the_built_in_variants(
        name: str) -> None:
    results = claims(load(name), EVERY_HOP_TYPE)
    for claim in AUTHENTICATION:
        result = results[claim]
        assert result.holds and result.promised_by_variant and not result.vacuous, claim
        assert result.sometimes >= 5, claim  # one acceptance per hop at least


def test_after_an_intra_enb_handover_the_enb_uses_the_c_rnti_it_gave_the_ue() -> None:
    """TS 36.331 5.3.5.4: the UE takes newUE-Identity of mobilityControlInfo as its C-RNTI,
    the value the target allocated; the eNB of an intra-eNB handover serves the UE under it
    (it was lost before, and agreement on the C-RNTI failed)."""
    run = run_scenario(load("ts33401"), parse_hops("intra-enb"))
    ue, enb = run.system.entity(UE).ctx, run.system.entity(run.hops[0].target_enb).ctx
    assert enb.c_rnti is not None and enb.c_rnti == ue.c_rnti


@dataclass(frozen=True)
class UeKeepsItsOldNcc(Ts33401):
    """A UE that reaches the right KeNB on an S1 hop (TS 33.401 7.2.8.4.3: the NH chain up
    to the HO command's NCC) but keeps the NCC of its former KeNB with it."""

    name: str = "broken-ue-keeps-its-old-ncc"

    def ue(self, d: Deriver, ue: UeKeys, command: Fields, source: Cell, target: Cell,
           c_rnti: int) -> tuple[bytes, int | None, NhChain | None]:
        kenb, _, chain = super().ue(d, ue, command, source, target, c_rnti)
        return kenb, ue.as_keys.ncc, chain


def test_a_target_accepting_a_confirm_of_a_ue_on_another_ncc_breaks_agreement() -> None:
    """TS 33.401 3.1 counts the NCC in the AS security context, and the UE's next vertical
    derivation starts from it (7.2.8.4.3). One KeNB, so the target's MAC-I check of the HO
    confirm passes (128-EIA2 with KRRCint, A.7); agreement judges the NCC beside it
    (helper-172: a mutant comparing the target's NCC with itself survived)."""
    results = claims(UeKeepsItsOldNcc(), "s1")
    [failure] = [v for v in results[AGREEMENT].verdicts if not v.holds]
    assert failure.detail.endswith("which disagrees on NCC"), failure.detail
    assert results[AGREEMENT].promise_broken


def test_a_target_accepting_a_confirm_under_another_kenb_breaks_agreement() -> None:
    """The broken variant's target accepts the HO confirm of a UE on another KeNB (an S1 hop,
    where the UE derives KeNB* horizontally and the target vertically from NH)."""
    results = claims(load_variant_file(str(RRC_KEYS_WITHOUT_KENB)), "s1")
    for claim in (AGREEMENT, UE_AGREEMENT):
        assert results[claim].promise_broken, claim
    [failure] = [v for v in results[AGREEMENT].verdicts if not v.holds]
    assert "disagrees on KeNB" in failure.detail and "C-RNTI" not in failure.detail
    assert results[ALIVENESS].holds  # the UE did run this handover


def test_a_stale_handover_request_replayed_to_an_idle_target_is_judged() -> None:
    """Measured (issue 19): the target sets up a UE context again from a replayed X2AP
    HandoverRequest of the previous hop. injective-agreement judges it, outside the promise
    (NDS/IP would stop the replay); the same trace breaks a promise that assumes nothing."""
    run = run_scenario(load("ts33401"), parse_hops("x2,x2:replay"))
    [(number, stale)] = run.replayed
    step = run.system.steps[number]
    assert step.message == stale and stale.kind is Kind.X2AP_HANDOVER_REQUEST
    assert step.outcome.accepted and step.state_before == "idle"
    assert step.state_after == "ho-prepared"
    injective = claims(load("ts33401"), "x2,x2:replay")[INJECTIVE]
    assert not injective.holds and not injective.promise_broken
    assert injective.outside == BACKHAUL_PROTECTED
    [failure] = [v for v in injective.verdicts if not v.holds]
    assert f"accepted {stale} 2 times, sent 1" in failure.detail
    assert failure.hop == 1  # a copy belongs to the handover whose decision it carries
    assert claims(AssumingNothing(), "x2,x2:replay")[INJECTIVE].promise_broken
    assert claims(load("ts33401"), "x2,x2")[INJECTIVE].holds  # without the replay


def test_check_prints_the_replayed_request_outside_the_promise(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--variant", "ts33401", "--hops", "x2,x2:replay", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    injective = next(c for c in doc["claims"] if c["name"] == INJECTIVE)
    assert injective["verdict"] == f"fails (outside the promise: {BACKHAUL_PROTECTED})"


@pytest.mark.parametrize("text", ["x2:replay", "x2,s1:early:replay"])
def test_replay_needs_a_hop_before_it(text: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "--variant", "ts33401", "--hops", text])
    err = capsys.readouterr().err
    if text.startswith("x2:replay"):
        assert code == 2 and "no hop before it" in err and err.count("\n") == 1
    else:
        assert code == 0


UNPROTECTED = Adversary(backhaul_unprotected=True)
# (variant, faults, attacker model, claims, promised): what verify must find, replayable (the
# Uu replays that break aliveness and injective-agreement: tests/test_engine.py
# ONLY_UNDER_REPLAY). With the backhaul open every failure is outside the promise, which
# assumes NDS/IP (TS 33.401 11), even for a variant that assumes nothing else.
FOUND_BY_VERIFY = [
    # the stale X2AP HandoverRequest, replayed by an attacker active on X2
    (AssumingNothing(), {"replay"}, UNPROTECTED, {INJECTIVE}, False),
    (load_variant_file(str(RRC_KEYS_WITHOUT_KENB)), {"drop"}, DEFAULT,
     {AGREEMENT, UE_AGREEMENT}, True),
]


@pytest.mark.parametrize(("variant", "faults", "adversary", "wanted", "promised"),
                         FOUND_BY_VERIFY)
def test_verify_finds_each_authentication_failure_and_its_trace_replays(
        variant: KeySchedule, faults: set[str], adversary: Adversary, wanted: set[str],
        promised: bool) -> None:
    result = verify(variant, max_handovers=2, faults=frozenset(faults),
                    claims=None if not promised else frozenset(wanted), adversary=adversary,
                    max_states=None if promised else 60000)
    for claim in wanted:
        finding = result.shortest[(claim, promised)]
        again = replay(variant, finding.trace, strict=True, adversary=adversary)
        assert (claim, promised) in again.engine.violations, claim  # by execution
        again.close()


@pytest.mark.parametrize("adversary", [DEFAULT, UNPROTECTED])
def test_the_built_in_variants_keep_their_authentication_promises_under_replay(
        adversary: Adversary) -> None:
    """A replayed HO confirm is refused by PDCP COUNT and the target's KRRCint. Under NDS/IP
    nothing else can be replayed, so injective agreement is never violated; with the backhaul
    unprotected the one finding on ts33401 is the replayed HandoverRequest, outside the
    promise (which assumes NDS/IP)."""
    result = verify(load("ts33401"), max_handovers=2, faults=frozenset({"replay"}),
                    claims=frozenset({INJECTIVE}), max_states=20000, adversary=adversary)
    promised = {claim for claim, promised in result.shortest if promised}
    assert not promised & set(AUTHENTICATION)
    if adversary.backhaul_unprotected:
        assert result.shortest[(INJECTIVE, False)].outside == BACKHAUL_PROTECTED
    else:
        assert (INJECTIVE, False) not in result.shortest and result.sometimes[INJECTIVE]


def test_a_verify_finding_replays_with_hoverify_replay(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["verify", "--variant-file", str(RRC_KEYS_WITHOUT_KENB), "--faults", "replay",
            "--max-handovers", "2", "--max-states", "4000", "--json", "--out",
            str(tmp_path)]
    assert main(argv) == 1
    doc = json.loads(capsys.readouterr().out)
    finding = next(f for f in doc["findings"] if f["claim"] == INJECTIVE and f["promised"])
    assert main(["replay", finding["file"], "--json"]) == 1
    replayed = json.loads(capsys.readouterr().out)
    assert replayed["reproduced"] and replayed["steps"] == finding["trace"]


def test_per_hop_verdicts_name_the_handover_that_completed() -> None:
    """Handover 1 is refused by its target's admission control, handover 2 completes: each
    per-hop verdict names hop 2, the handover that started it, and none hop 1, which never
    completed (a completion counted by order would be "hop 1")."""
    exploration = Exploration(load("ts33401"), small_topology(), EXPLORATION_KASME)
    target = [c.name for c in exploration.neighbours()].index("enb-2/cell-1")
    exploration.start_handover(target)
    while not exploration.requests():
        exploration.deliver(0)
    assert exploration.refuse(0) is not None
    while exploration.system.in_flight:
        exploration.deliver(0)
    exploration.start_handover(target)
    while exploration.system.in_flight:
        exploration.deliver(0)
    summary = exploration.engine.summary()
    exploration.close()
    assert exploration.engine.facts.completions[-1].number == 1
    for claim in (KEY_AGREEMENT, ALIVENESS, AGREEMENT, UE_AGREEMENT):
        assert [(v.hop, v.holds) for v in summary[claim]] == [(2, True)], claim


# Edits that reach the authentication claims at each point of a handover: before any
# acceptance, after the target accepted the HandoverRequest (a HO command edited), after
# the confirm (a release edited), and in the hop before a handover that the editor relays
# (session 39: each read "n/a" beside "sometimes 1", or "holds" beside "sometimes 0")
EDITED = [
    (["--variant", "seed-fs", "--bit-placement", "c-rnti"],
     "s1:edit=HandoverCommand/container/target PCI=9", "enb-1@1"),
    (["--variant", "seed-fs", "--bit-placement", "alg-id"],
     "s1:edit=HandoverRequestAcknowledge/container/-EARFCN-DL", "enb-4@1"),
    (["--variant", "ts33401"], "x2:edit=RRCConnectionReconfiguration/COUNT=0", "enb-1@1"),
    (["--variant", "seed-fs", "--bit-placement", "c-rnti"],
     "s1-inter:edit=UEContextReleaseComplete/eNB UE S1AP ID=0", "enb-1@1"),
    (["--variant", "seed-fs", "--bit-placement", "c-rnti"],
     "x2:edit=PathSwitchRequest/eNB UE S1AP ID=0", "enb-2@1"),
    (["--variant", "ts33401"],
     "x2:edit=HandoverRequestAcknowledge/container/-keyChangeIndicator,x2", "enb-2@1"),
    (["--variant", "tr33821-v070"], "x2,x2:edit=RRCConnectionReconfiguration/COUNT=1", "enb-2@2"),
]


@pytest.mark.parametrize("variant, hops, who", EDITED)
def test_a_verdict_and_its_sometimes_agree_after_an_edit(
        variant: list[str], hops: str, who: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Each claim's "sometimes" counts the situations of the hops it gives a verdict on: a
    claim with a verdict arose, one without (n/a, vacuous) never did, whenever the edit came
    (docs/claims.md: "sometimes 0" means the claim was never exercised)."""
    main(["check", *variant, "--hops", hops, "--compromise", who, "--json"])
    for claim in json.loads(capsys.readouterr().out)["claims"]:
        assert (claim["sometimes"] > 0) == claim["applies"], claim["name"]


def test_an_edited_handover_is_not_judged_though_an_acceptance_came_before_the_edit(
        capsys: pytest.CaptureFixture[str]) -> None:
    """The authentication claims are not judged in a handover a compromised eNB edited:
    Lowe's claims speak of honest peers, and the edit claims judge the edit (docs/claims.md).
    Here enb-4 accepted the S1AP HandoverRequest before enb-1 edited the HO command it
    relays: injective-agreement read "n/a" with "sometimes 1". Over the run the hop is not
    judged, and counts nothing."""
    main(["check", "--variant", "seed-fs", "--bit-placement", "c-rnti", "--hops",
          "s1:edit=HandoverCommand/container/target PCI=9", "--compromise", "enb-1@1",
          "--json"])
    results = {c["name"]: c for c in json.loads(capsys.readouterr().out)["claims"]}
    for name in AUTHENTICATION:
        claim = results[name]
        assert claim["verdict"] == "n/a" and claim["sometimes"] == 0, name
        assert claim["not_judged"] == [f"a compromised eNB (enb-1) edited handover 1: {name} "
                                       "speaks of honest peers, and the edit claims judge the "
                                       "edit"]
