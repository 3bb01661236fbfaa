"""Boundary cases of the claims' judging found by mutation testing (helper-208): each test
drives ``hoverify check`` end to end through a situation that no other test reaches, and its
expected verdict comes from the claim's definition or the spec, not from the model's output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hoverify.properties.claims import ALIVENESS, INJECTIVE
from hoverify.properties.exploration import Action
from hoverify.properties.replay import replay

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
