"""Boundary cases of the claims' judging found by mutation testing (helper-208): each test
drives ``hoverify check`` end to end through a situation that no other test reaches, and its
expected verdict comes from the claim's definition or the spec, not from the model's output."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hoverify.properties.adversary import Adversary
from hoverify.properties.claims import (
    AGREEMENT,
    ALIVENESS,
    BACKWARD,
    FORWARD,
    INJECTIVE,
    KEY_AGREEMENT,
)
from hoverify.properties.exploration import Action
from hoverify.properties.replay import replay
from hoverify.statemachines.variant import BACKHAUL_PROTECTED
from hoverify.statemachines.variants.ts33401 import Ts33401

from hoverify.cli import main
from hoverify.variant_file import load_variant_file

BROKEN = Path(__file__).parent / "broken_variants"


def _claims(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    main(["check", "--json", *args])
    return {c["name"]: c for c in json.loads(capsys.readouterr().out)["claims"]}


def _verdict(claim: dict[str, Any], attacker: str) -> dict[str, Any]:
    [verdict] = [v for v in claim["verdicts"] if v["attacker"] == attacker]
    return verdict


# hop 1: enb-2 refuses the X2 HandoverRequest (the UE stays at enb-1); hop 2: S1 to enb-3,
# after which the adversary replays hop 1's HandoverRequest to enb-2, which now accepts it and
# is prepared as a target of handover 1 (never completed); hop 3: S1 to enb-4
REFUSED_FIRST = ("x2@enb-2/cell-1:refused,s1@enb-3/cell-1:replay,s1-inter@enb-4/cell-1")


def test_a_kenb_earlier_than_a_joint_attackers_own_is_no_later_one_after_a_refused_first_service(
        capsys: pytest.CaptureFixture[str]) -> None:
    """TS 33.501 3.1 (handover-keys section 5): backward security, "an eNB that knows its
    KeNB cannot compute any earlier KeNB used between the same UE and an earlier eNB";
    forward security, none "used between the same UE and another eNB" in the future. The
    claim's own definition (backward-security's ``always``): "a KeNB earlier than the
    attacker's own is never also a later one".

    The attacker holding enb-2 and enb-4 from hop 1 has a KeNB of its own first when the
    replayed request prepares enb-2 (a preparation as a target counts, whether or not the UE
    came: ``_Service``), then enb-4's KeNB of hop 3. enb-3's KeNB of hop 2 was used before
    hop 3, by another eNB: earlier than the attacker's own (backward security lists hop 2), so
    forward security has no later KeNB to judge and says so, as it does for enb-4 alone.
    Reading "before its first KeNB of its own" with ``<=`` at the first service's place (its
    preparation, whose handover never completed: hop 2's KeNB stands at that place) made hop
    2 both earlier and later for the joint attacker (C9)."""
    claims = _claims(capsys, "--variant", "ts33401", "--topology", "small", "--hops",
                     REFUSED_FIRST, "--compromise", "enb-2@1", "--compromise", "enb-4@1")
    joint, alone = "radio observer + enb-2@1, enb-4@1", "radio observer + enb-4@1 (without enb-2)"
    backward = _verdict(claims["backward-security"], joint)
    assert backward["holds"] and "earlier hop [0, 2]" in backward["detail"], backward
    for attacker in (joint, alone):
        forward = _verdict(claims["forward-security"], attacker)
        assert forward["holds"], forward
        assert forward["detail"].startswith(
            "no later KeNB: those other eNBs used from hop 2 on are earlier than a KeNB of its "
            "own (backward security judges them)"), forward


@pytest.mark.parametrize(("hops", "completed"), [("x2,s1,x2", 3), ("x2:refused,s1", 1)])
def test_key_separation_counts_each_completed_handover_and_not_the_initial_as_security(
        capsys: pytest.CaptureFixture[str], hops: str, completed: int) -> None:
    """key-separation's situation (its ``sometimes``) is "a handover completed": the initial
    KeNB, derived from KASME at the initial AS security (TS 33.401 7.2.8.1.1, A.3), is no
    handover, and a refused preparation completes none (TS 36.423 8.2.1.3: the UE stays). The
    initial KeNB is judged within each handover's verdict ("the initial AS security
    included"), not as a situation of its own: a claim that counted the initial completion
    as a handover read "arose 4 times" for three handovers (``_new_completion``)."""
    claims = _claims(capsys, "--variant", "ts33401", "--hops", hops)
    assert claims["key-separation"]["sometimes"] == completed, claims["key-separation"]


# two intra-eNB handovers at enb-1 (small topology); the UE runs the first, enb-1 prepares the
# second, and the adversary replays the UE's first HO confirm, delivered to enb-1 before the
# UE ran the second
STALE_CONFIRM = tuple(Action(kind, index, 0, text, "") for kind, index, text in (
    ("start", 0, "start handover to enb-1/cell-2 (intra-enb)"),
    ("start", 0, "start handover to enb-1/cell-2 (intra-enb)"),
    ("deliver", 0, "deliver RRC MeasurementReport ue->enb-1"),
    ("deliver", 1, "deliver RRC RRCConnectionReconfiguration (HO command) enb-1->ue"),
    ("deliver", 1, "deliver RRC RRCConnectionReconfigurationComplete (HO confirm) ue->enb-1"),
    ("deliver", 0, "deliver RRC MeasurementReport ue->enb-1"),
    ("replay", 6, "replay RRC RRCConnectionReconfigurationComplete (HO confirm) ue->enb-1"),
    ("deliver", 1, "deliver RRC RRCConnectionReconfigurationComplete (HO confirm) ue->enb-1")))


def test_aliveness_fails_on_the_confirm_of_the_ues_run_just_before_the_preparation() -> None:
    """aliveness is recent aliveness (Lowe, CSFW 1997; handover-keys section 8): "when a
    target eNB accepts a HO confirm, the UE has run a handover (accepted a HO command) since
    the target prepared this one" (the claim's ``always``). The UE's last run before enb-1
    prepared the second handover is no run since: its confirm, replayed over Uu and accepted
    (``rrc_keys_without_kenb.py``: RRC keys that do not rest on KeNB, so MAC-I passes),
    breaks aliveness. Counting that run as recent (``run.number < preparation.ue_runs``)
    let the replay through: ``verify`` then still found a longer trace (C6's neighbour, M06)."""
    variant = load_variant_file(str(BROKEN / "rrc_keys_without_kenb.py"))
    run = replay(variant, STALE_CONFIRM, strict=True)
    try:
        assert (ALIVENESS, True) in run.engine.violations
        [failure] = [v for v in run.engine.summary()[ALIVENESS] if not v.holds]
        assert "the UE has not sent since the target prepared the handover in hop 2" in (
            failure.detail), failure
    finally:
        run.close()


def test_injective_agreement_fails_on_one_run_of_the_ue_completing_two_handovers() -> None:
    """Injective agreement (Lowe, CSFW 1997; handover-keys section 8): "each run of B
    corresponds to a unique run of A (no replay)"; the claim's ``always``: a target accepts
    "each run of the UE's (each HO confirm it sent) once; a replayed or duplicated message
    never prepares or completes a second handover". The replayed confirm of the UE's first
    run completes enb-1's second handover as well: one run, two completions. A claim that
    forgot which (target, run) pairs a target had accepted (``Authentication.confirmed``,
    or its test in ``InjectiveAgreement.judge``) let it through (C6); only ``verify``'s
    search found it before."""
    variant = load_variant_file(str(BROKEN / "rrc_keys_without_kenb.py"))
    run = replay(variant, STALE_CONFIRM, strict=True)
    try:
        assert (INJECTIVE, True) in run.engine.violations
        [failure] = [v for v in run.engine.summary()[INJECTIVE] if not v.holds]
        assert failure.detail == ("enb-1 accepted the HO confirm of the UE's run 1 (hop 1) a "
                                  "second time: one run completed two handovers"), failure
    finally:
        run.close()


def test_a_kenb_learnt_from_the_request_that_brings_the_ue_back_is_earlier_not_predicted(
        capsys: pytest.CaptureFixture[str]) -> None:
    """TS 33.501 3.1 (handover-keys section 5): backward security, an eNB knowing its KeNB
    "cannot compute any earlier KeNB used between the same UE and an earlier eNB"; forward
    security, it "cannot predict any future KeNB". backward-security's ``always`` leaves to
    forward security only the KeNBs "that the eNB does not learn from a message once the UE
    comes back to it".

    ``source_sends_kenb.py`` hands the X2 source's own KeNB to the target. In hop 4 enb-1
    sends enb-2 the KeNB of hop 3 (its own, from the S1 hop 3) in the HandoverRequest that
    brings the UE back to enb-2: enb-2 learns it in the very handover that gives it its next
    KeNB of its own, so it is an earlier KeNB (backward security fails, naming that request),
    and no prediction (forward security holds for enb-2: hop 3's KeNB rests on an NH of the
    MME's that enb-2 never had). Counting a KeNB as learnt back only in a handover after
    that of the service (``>`` for ``>=``) made forward security fail on hop 3 (M13), or
    dropped the request from backward security's text (M15)."""
    claims = _claims(capsys, "--variant-file", str(BROKEN / "source_sends_kenb.py"), "--hops",
                     "x2,x2,s1,x2", "--compromise", "enb-2@1")
    attacker = "radio observer + enb-2@1"
    backward = _verdict(claims["backward-security"], attacker)
    assert not backward["holds"] and backward["promised"], backward
    assert backward["detail"] == (
        "derives the KeNB of earlier hop(s) [0, 3] (hop 3's from the X2AP HandoverRequest that "
        "brought the UE back to enb-2 in hop 4)"), backward
    forward = _verdict(claims["forward-security"], attacker)
    assert forward["holds"], forward
    assert "hop 3" not in forward["detail"] and "[2, 3]" not in forward["detail"], forward


# -- mutants that only explore and verify reach (helper-214): short traces replayed ------------
def _failing(run: Any, claim: str) -> list[Any]:
    return [v for v in run.engine.summary().get(claim, []) if not v.holds]


X2_TO_ENB_2 = (("start", 1, "start handover to enb-2/cell-1 (x2)"),
               ("deliver", 0, "deliver RRC MeasurementReport ue->enb-1"))


@pytest.mark.parametrize("before_compromise", [
    # enb-2 accepted the HO confirm; its PathSwitchRequest is still in flight
    (*X2_TO_ENB_2, *(("deliver", 0, f"deliver {m}") for m in (
        "X2AP HandoverRequest enb-1->enb-2", "X2AP HandoverRequestAcknowledge enb-2->enb-1",
        "RRC RRCConnectionReconfiguration (HO command) enb-1->ue",
        "RRC RRCConnectionReconfigurationComplete (HO confirm) ue->enb-2"))),
    # enb-2 refused the preparation and its answer arrived: nothing of handover 1 in flight
    (*X2_TO_ENB_2, ("refuse", 0, "enb-2 refuses X2AP HandoverRequest enb-1->enb-2"),
     ("deliver", 0, "deliver X2AP HandoverPreparationFailure enb-2->enb-1"))],
    ids=["completed-path-switch-in-flight", "refused-answered"])
def test_a_compromise_after_a_handover_ended_is_counted_in_the_next(
        before_compromise: tuple[tuple[str, int, str], ...]) -> None:
    """``Engine.compromise_hop``: a compromise is counted in "the last one started, or the
    next once it completed (its target accepted the HO confirm), so one between a HO
    confirm and the next handover is in the next; likewise once it ended without
    completing where the caller knows it has (``under_way`` False: nothing of it is in
    flight, a refused preparation answered)". Either condition alone moves it to the next
    handover: after handover 1 completed with its Path Switch still in flight, or after a
    refused preparation was answered, enb-2 is compromised in hop 2 (as ``check
    --compromise enb-2@2`` makes it, before that hop's first step). Requiring both (``and``
    for ``or``, E01) counted either compromise in hop 1."""
    trace = tuple(Action(kind, index, 0, text, "") for kind, index, text in (
        *before_compromise, ("compromise", 1, "compromise enb-2")))
    run = replay(Ts33401(), trace, strict=True)
    try:
        assert run.engine.facts.attacker("enb-2").hop == 2, run.engine.facts.attackers
        [verdict] = [v for v in run.engine.summary()[BACKWARD] if v.attacker == "enb-2"]
        assert verdict.hop == 2, verdict
    finally:
        run.close()


# enb-1 (compromised) runs an intra-eNB handover; the attacker injects a HO confirm forged
# with the target keys that enb-1 holds, and enb-1 accepts it (the UE's own confirm stays in
# flight)
FORGED_WITH_A_PARTY = tuple(Action(kind, index, 0, text, "", digest)
                            for kind, index, text, digest in (
    ("compromise", 0, "compromise enb-1", ""),
    ("start", 0, "start handover to enb-1/cell-2 (intra-enb)", ""),
    ("deliver", 0, "deliver RRC MeasurementReport ue->enb-1", ""),
    ("deliver", 0, "deliver RRC RRCConnectionReconfiguration (HO command) enb-1->ue", ""),
    ("inject", 4, "inject RRC RRCConnectionReconfigurationComplete (HO confirm) ue->enb-1 "
                  "(COUNT=1; content ciphered; protected by KRRCint (128-EIA2), target keys, "
                  "KRRCenc (128-EEA2), target keys)", "6b3bf53b4770cc5d"),
    ("deliver", 1, "deliver RRC RRCConnectionReconfigurationComplete (HO confirm) ue->enb-1",
     "")))


def test_no_authentication_claim_judges_an_acceptance_after_an_injection_by_a_party_holder(
        ) -> None:
    """The authentication claims (``_Authentication``) are not judged "once a message was
    injected while an attacker held a party or its keys (``_forging_with_a_party``): Lowe's
    claims speak of honest peers" (Lowe, CSFW 1997: aliveness and agreement are guarantees to
    an honest responder about an honest initiator). Here the attacker holds enb-1, the target
    itself, and injects a HO confirm forged with enb-1's own target keys: enb-1 accepts a
    confirm no run of the UE sent, which no honest peer can prevent. Judging it anyway (M11)
    made aliveness and agreement fail as promised on ts33401."""
    run = replay(Ts33401(), FORGED_WITH_A_PARTY, strict=True)
    try:
        confirm = run.system.steps[-1]
        assert confirm.message.receiver == "enb-1" and confirm.outcome.accepted, confirm
        for claim in (ALIVENESS, AGREEMENT, INJECTIVE):
            assert not any(name == claim for name, _ in run.engine.violations), claim
            assert not _failing(run, claim), claim
    finally:
        run.close()


# enb-2 (compromised) edits the NCC of handover 1's X2 HandoverRequest it receives, and as
# the source of handover 2 that of the request it sends; the UE and enb-1 disagree after
# handover 2 (the RRC keys do not rest on KeNB, so the confirm verifies)
TWO_EDITED = tuple(Action(kind, index, 0, text, edit) for kind, index, text, edit in (
    ("compromise", 1, "compromise enb-2", ""),
    ("start", 1, "start handover to enb-2/cell-1 (x2)", ""),
    ("deliver", 0, "deliver RRC MeasurementReport ue->enb-1", ""),
    ("edit", 0, "enb-2 rewrites field 'AS-SecurityInformation/NCC' 0 -> 1 in X2AP "
                "HandoverRequest enb-1->enb-2", "HandoverRequest/AS-SecurityInformation/NCC=1"),
    *(("deliver", 0, f"deliver {m}", "") for m in (
        "X2AP HandoverRequest enb-1->enb-2", "X2AP HandoverRequestAcknowledge enb-2->enb-1",
        "RRC RRCConnectionReconfiguration (HO command) enb-1->ue",
        "RRC RRCConnectionReconfigurationComplete (HO confirm) ue->enb-2",
        "S1AP PathSwitchRequest enb-2->mme-1", "S1AP PathSwitchRequestAcknowledge mme-1->enb-2",
        "X2AP UEContextRelease enb-2->enb-1")),
    ("start", 0, "start handover to enb-1/cell-1 (x2)", ""),
    ("deliver", 0, "deliver RRC MeasurementReport ue->enb-2", ""),
    ("edit", 0, "enb-2 rewrites field 'AS-SecurityInformation/NCC' 2 -> 3 in X2AP "
                "HandoverRequest enb-2->enb-1", "HandoverRequest/AS-SecurityInformation/NCC=3"),
    *(("deliver", 0, f"deliver {m}", "") for m in (
        "X2AP HandoverRequest enb-2->enb-1", "X2AP HandoverRequestAcknowledge enb-1->enb-2",
        "RRC RRCConnectionReconfiguration (HO command) enb-2->ue",
        "RRC RRCConnectionReconfigurationComplete (HO confirm) ue->enb-1"))))


def test_a_failure_after_edits_of_two_handovers_names_the_first_edited() -> None:
    """``after_an_edit``: "The first handover a compromised eNB edited of ``hop`` and the
    earlier ones that completed, with every eNB that edited it": what the first edit set
    may live on in the UE's and the target's context (TS 33.401 3.1: the NCC is part of the
    AS security context), so a failure after it is not promised, and the text names that
    first edit. enb-2 edited handover 1 (completed) and handover 2: key-agreement's failure
    in hop 2 is "after enb-2 ... edited handover 1"; naming the last edit (``max``, M22)
    said handover 2."""
    run = replay(load_variant_file(str(BROKEN / "rrc_keys_without_kenb.py")), TWO_EDITED,
                 strict=True)
    try:
        [failure] = [v for v in _failing(run, KEY_AGREEMENT) if v.hop == 2]
        assert not failure.promised, failure
        assert failure.detail == (
            "UE and enb-1 disagree after a completed handover (after enb-2, a compromised eNB, "
            "edited handover 1: key-agreement speaks of honest parties, and one may hold what "
            "the edit set)"), failure
    finally:
        run.close()


# STALE_CONFIRM with the first HO command duplicated: after the replayed confirm of the UE's
# run 1 completed enb-1's second handover (the authentication claims fail in hop 1, the
# confirm's handover), enb-1 is compromised and edits the copy of handover 1's HO command
# still in flight
EDITED_AFTER_FAILING = tuple(Action(kind, index, 0, text, edit) for kind, index, text, edit in (
    *((a.kind, a.index, a.text, "") for a in STALE_CONFIRM[:3]),
    ("duplicate", 1, "duplicate RRC RRCConnectionReconfiguration (HO command) enb-1->ue", ""),
    ("deliver", 1, "deliver RRC RRCConnectionReconfiguration (HO command) enb-1->ue", ""),
    ("deliver", 2, "deliver RRC RRCConnectionReconfigurationComplete (HO confirm) ue->enb-1", ""),
    ("deliver", 0, "deliver RRC MeasurementReport ue->enb-1", ""),
    ("replay", 6, "replay RRC RRCConnectionReconfigurationComplete (HO confirm) ue->enb-1", ""),
    ("deliver", 2, "deliver RRC RRCConnectionReconfigurationComplete (HO confirm) ue->enb-1", ""),
    ("compromise", 0, "compromise enb-1", ""),
    ("edit", 0, "enb-1 rewrites field 'COUNT' 1 -> 0 in RRC RRCConnectionReconfiguration "
                "(HO command) enb-1->ue", "RRCConnectionReconfiguration/COUNT=0")))


def test_the_authentication_summary_drops_a_failure_of_a_handover_edited_after_it() -> None:
    """``_Authentication.over_run``: over the run a claim judges "not a handover a
    compromised eNB edited, though the claim judged an acceptance there before the edit
    came ...: Lowe's claims speak of honest peers, and over the run the editor was none in
    that handover"; ``summary`` lists "the failures ... of the hops it judges over the run".
    Hop 1's failures (a stale confirm accepted, ``STALE_CONFIRM``) came before enb-1, the
    target, edited a message of handover 1: the summary says why hop 1 is not judged and
    keeps none of them. Keeping every failure of the state (M23) listed all three."""
    run = replay(load_variant_file(str(BROKEN / "rrc_keys_without_kenb.py")),
                 EDITED_AFTER_FAILING, strict=True)
    try:
        assert (ALIVENESS, True) in run.engine.violations  # judged when accepted
        summary = run.engine.summary()
        for claim in (ALIVENESS, AGREEMENT, INJECTIVE):
            assert not [v for v in summary.get(claim, []) if v.hop == 1], summary.get(claim)
    finally:
        run.close()


@dataclass(frozen=True)
class OneCRnti(Ts33401):
    """ts33401 with a single C-RNTI (``c_rnti_max``, TS 36.321 7.1: a variant may narrow the
    range), so a target allocates the same C-RNTI each time it prepares the UE."""

    name: str = "ts33401-one-c-rnti"

    def c_rnti_max(self) -> int:
        return 1


# without NDS/IP: handover 1 enb-1 -> enb-2 and handover 2 back to enb-1 complete; the
# adversary replays handover 1's X2 HandoverRequest, which prepares enb-2 again with the very
# session of handover 1 (same cell, C-RNTI, KeNB*, NCC), then the UE's HO confirm of run 1
RE_PREPARED = tuple(Action(kind, index, 0, text, "") for kind, index, text in (
    *X2_TO_ENB_2,
    *(("deliver", 0, f"deliver {m}") for m in (
        "X2AP HandoverRequest enb-1->enb-2", "X2AP HandoverRequestAcknowledge enb-2->enb-1",
        "RRC RRCConnectionReconfiguration (HO command) enb-1->ue",
        "RRC RRCConnectionReconfigurationComplete (HO confirm) ue->enb-2",
        "S1AP PathSwitchRequest enb-2->mme-1", "S1AP PathSwitchRequestAcknowledge mme-1->enb-2",
        "X2AP UEContextRelease enb-2->enb-1")),
    ("start", 1, "start handover to enb-1/cell-2 (x2)"),
    *(("deliver", 0, f"deliver {m}") for m in (
        "RRC MeasurementReport ue->enb-2", "X2AP HandoverRequest enb-2->enb-1",
        "X2AP HandoverRequestAcknowledge enb-1->enb-2",
        "RRC RRCConnectionReconfiguration (HO command) enb-2->ue",
        "RRC RRCConnectionReconfigurationComplete (HO confirm) ue->enb-1",
        "S1AP PathSwitchRequest enb-1->mme-1", "S1AP PathSwitchRequestAcknowledge mme-1->enb-1",
        "X2AP UEContextRelease enb-1->enb-2")),
    ("replay", 4, "replay X2AP HandoverRequest enb-1->enb-2"),
    ("deliver", 0, "deliver X2AP HandoverRequest enb-1->enb-2"),
    ("deliver", 0, "deliver X2AP HandoverRequestAcknowledge enb-2->enb-1"),
    ("replay", 7, "replay RRC RRCConnectionReconfigurationComplete (HO confirm) ue->enb-2"),
    ("deliver", 0, "deliver RRC RRCConnectionReconfigurationComplete (HO confirm) ue->enb-2")))


def test_aliveness_judges_a_confirm_by_the_targets_latest_preparation_of_its_session() -> None:
    """aliveness is recent aliveness (Lowe, CSFW 1997; handover-keys section 8): "when a
    target eNB accepts a HO confirm, the UE has run a handover (accepted a HO command) since
    the target prepared this one" (the claim's ``always``). enb-2 prepared the same session
    twice: for handover 1, which the UE ran, and again from the replayed request, after the
    UE's last run (handover 2). The confirm it then accepts completes that latest
    preparation, and the UE has run nothing since: aliveness fails (outside ts33401's
    promise, which assumes the backhaul protected). Judging by the earliest preparation of
    the session (``min`` for ``max``, M08) found the UE's run 1 recent and let it hold."""
    run = replay(OneCRnti(), RE_PREPARED, strict=True, adversary=Adversary(True, ("enb",)))
    try:
        assert len([p for p in run.engine.facts.authentication.preparations
                    if p.enb == "enb-2"]) == 2
        [failure] = _failing(run, ALIVENESS)
        assert failure.detail.startswith(
            "enb-2 accepted a HO confirm the UE has not sent since the target prepared the "
            "handover in hop 1"), failure
        assert failure.outside == BACKHAUL_PROTECTED, failure
    finally:
        run.close()


# source_sends_kenb: enb-2 (compromised) serves the UE in handover 1 and hands it back to
# enb-1 (handover 2, the KeNB unchanged), which sends it back before the Path Switch
# Acknowledge of handover 2: enb-2 still holds handover 1's context (its release not yet
# received) when the HandoverRequest of handover 3 prepares it with enb-1's KeNB of hop 2
BACK_BEFORE_RELEASE = tuple(Action(kind, index, 0, text, "") for kind, index, text in (
    ("compromise", 1, "compromise enb-2"),
    *X2_TO_ENB_2,
    *(("deliver", 0, f"deliver {m}") for m in (
        "X2AP HandoverRequest enb-1->enb-2", "X2AP HandoverRequestAcknowledge enb-2->enb-1",
        "RRC RRCConnectionReconfiguration (HO command) enb-1->ue",
        "RRC RRCConnectionReconfigurationComplete (HO confirm) ue->enb-2",
        "S1AP PathSwitchRequest enb-2->mme-1", "S1AP PathSwitchRequestAcknowledge mme-1->enb-2",
        "X2AP UEContextRelease enb-2->enb-1")),
    ("start", 0, "start handover to enb-1/cell-1 (x2)"),
    *(("deliver", 0, f"deliver {m}") for m in (
        "RRC MeasurementReport ue->enb-2", "X2AP HandoverRequest enb-2->enb-1",
        "X2AP HandoverRequestAcknowledge enb-1->enb-2",
        "RRC RRCConnectionReconfiguration (HO command) enb-2->ue",
        "RRC RRCConnectionReconfigurationComplete (HO confirm) ue->enb-1")),
    ("start", 1, "start handover to enb-2/cell-1 (x2)"),
    ("deliver", 1, "deliver RRC MeasurementReport ue->enb-1"),
    ("deliver", 1, "deliver X2AP HandoverRequest enb-1->enb-2"),
    *(("deliver", 0, f"deliver {m}") for m in (
        "S1AP PathSwitchRequest enb-1->mme-1", "X2AP HandoverRequestAcknowledge enb-2->enb-1",
        "S1AP PathSwitchRequestAcknowledge mme-1->enb-1",
        "RRC RRCConnectionReconfiguration (HO command) enb-1->ue",
        "X2AP UEContextRelease enb-1->enb-2",
        "RRC RRCConnectionReconfigurationComplete (HO confirm) ue->enb-2",
        "S1AP PathSwitchRequest enb-2->mme-1", "S1AP PathSwitchRequestAcknowledge mme-1->enb-2",
        "X2AP UEContextRelease enb-2->enb-1"))))


def test_a_kenb_learnt_from_a_preparing_request_counts_whatever_the_target_held_before(
        ) -> None:
    """TS 33.501 3.1 (handover-keys section 5): backward security, an eNB knowing its KeNB
    "cannot compute any earlier KeNB used between the same UE and an earlier eNB".
    ``Engine._enb_learnt``: "any KeNB learnt from the HandoverRequest that prepares it as a
    target (...: the context it sets up replaces the one it held, so nothing counts as
    held ...)". enb-1 used the KeNB of hop 2 before enb-2's KeNB of hop 3, and sends it to
    enb-2 in the request of hop 3 (``source_sends_kenb.py``): an earlier KeNB learnt back,
    so backward security lists hop 2 and forward security has no later KeNB to judge.
    Counting the record enb-2 still held (handover 1's, not yet released: it derives hop 2's
    KeNB) as known before the request (E04) dropped hop 2 from backward security and made
    forward security judge it as a later KeNB."""
    run = replay(load_variant_file(str(BROKEN / "source_sends_kenb.py")), BACK_BEFORE_RELEASE,
                 strict=True)
    try:
        summary = run.engine.summary()
        [backward] = [v for v in summary[BACKWARD] if v.attacker == "enb-2"]
        assert not backward.holds and backward.detail.startswith(
            "derives the KeNB of earlier hop(s) [0, 2] (hop 2's from the X2AP HandoverRequest "
            "that brought the UE back to enb-2 in hop 3)"), backward
        [forward] = [v for v in summary[FORWARD] if v.attacker == "enb-2"]
        assert forward.holds and forward.detail.startswith("no later KeNB"), forward
    finally:
        run.close()
