"""helper-234: a holding verdict says what the attacker lacks, computed from the run (the
inputs of the KeNB behind the message it could not forge), and names the assumption where
the cause is one (NDS/IP, TS 33.210)."""

from __future__ import annotations

from pathlib import Path

from hoverify.properties.adversary import Adversary
from hoverify.properties.attacker import Attacker, Compromise
from hoverify.properties.claims import ALIVENESS, CAPTURE, DOWNGRADE, INJECTIVE, UE_AGREEMENT
from hoverify.properties.evaluate import evaluate
from hoverify.statemachines.scenario import parse_hops, run_scenario
from hoverify.statemachines.variants import load

from hoverify.variant_file import load_variant_file

ENB_1 = "radio observer + enb-1@1"


def _claims() -> dict[str, object]:
    run = run_scenario(load("ts33401"), parse_hops("s1"))
    return {c.name: c for c in evaluate(run, Attacker((Compromise("enb-1", 1),))).claims}


def test_downgrade_names_the_edits_that_completed_and_the_input_the_attacker_lacks() -> None:
    """helper-229 #4: "3 completed out of the attacker's reach" named neither the edits nor
    NH[NCC 2], the input of the S1 hop's KeNB (TS 33.401 7.2.8.4.3) enb-1 lacks."""
    (verdict,) = _claims()[DOWNGRADE].verdicts
    assert verdict.holds
    assert ("3 completed out of the attacker's reach (rewrites field 'container/new C-RNTI'"
            in verdict.detail)
    assert ("left UE and target on KeNB[hop 1], the honest one, derived from NH[NCC 2], "
            f"which {ENB_1} lacks)" in verdict.detail)
    assert "lacks NH[NCC 2] (of KeNB[hop 1], the honest one)" in list(verdict.cut)


def test_authentication_claims_say_what_the_attacker_lacks_and_assume() -> None:
    """The HO confirm under the target's KRRCint (TS 33.401 A.7), from the S1 hop's KeNB,
    whose NH[NCC 2] (7.2.8.4.3) the radio observer lacks; the HO command under the source's,
    from the initial KeNB, whose KASME it lacks (A.3); the backhaul's part is the promise's
    assumption. The claims speak of attackers holding no party (Lowe's honest peers), so the
    compromised enb-1 is not named."""
    claims = _claims()
    assumption = ("S1AP HandoverRequest mme-1->enb-4 rests on the promise's assumption "
                  "backhaul-protected (NDS/IP anti-replay, TS 33.210)")
    for name in (ALIVENESS, INJECTIVE):
        (verdict,) = claims[name].verdicts
        assert verdict.holds
        assert ("the target accepts a HO confirm only under its KRRCint (TS 33.401 A.7), from a "
                "KeNB the radio observer cannot derive (lacking NH[NCC 2])" in verdict.detail), name
        said = verdict.detail.split("which forges nothing in a check run: ", 1)[1]
        assert assumption in said and ENB_1 not in said
    (verdict,) = claims[UE_AGREEMENT].verdicts
    assert ("the UE accepts a HO command only under the source's KRRCint (TS 33.401 A.7), from "
            "a KeNB the radio observer cannot derive (lacking KASME)" in verdict.detail)


def test_a_run_without_a_compromise_names_the_radio_observer_and_no_backhaul() -> None:
    """An intra-eNB hop's KeNB* comes from the KeNB in use (TS 33.401 7.2.8.4.1), which the
    radio observer lacks; no backhaul message prepares the hop, so no NDS/IP assumption is
    claimed for it."""
    run = run_scenario(load("ts33401"), parse_hops("intra-enb"))
    claims = {c.name: c for c in evaluate(run, Attacker(())).claims}
    (verdict,) = claims[ALIVENESS].verdicts
    assert verdict.detail.endswith(
        ": the target accepts a HO confirm only under its KRRCint (TS 33.401 A.7), from a KeNB "
        "the radio observer cannot derive (lacking KeNB[hop 0]); no backhaul message prepared "
        "it (intra-eNB)"), verdict.detail


def test_the_network_on_an_open_backhaul_derives_the_x2_kenb() -> None:
    """With the backhaul unprotected the network reads the X2 HandoverRequest's KeNB* (TS
    33.401 7.2.8.4.2: the target's KeNB is that KeNB*), so it derives the KeNB behind the HO
    confirm, and the verdict says so rather than that it lacks it."""
    run = run_scenario(load("ts33401"), parse_hops("x2"))
    claims = {c.name: c for c in evaluate(run, Attacker(()), Adversary(
        backhaul_unprotected=True)).claims}
    (verdict,) = claims[ALIVENESS].verdicts
    assert verdict.holds
    assert "and the network derives (but injected no message)" in verdict.detail, verdict.detail


def test_capture_names_the_keys_the_ue_accepted_and_what_the_attacker_lacks() -> None:
    """fake-cell-capture's holding reason (helper-229 #4, ~downgrade.py 1028): after each
    edit the UE accepted, the KeNB it was on and the input of it the source lacks; here the
    C-RNTI the variant binds moves it off the honest KeNB, still from KeNB*+[hop 1]."""
    variant = load_variant_file(str(Path(__file__).parent / "attack_variants" / "always_k_ho.py"))
    run = run_scenario(variant, parse_hops("s1"))
    (verdict,) = {c.name: c for c in evaluate(run).claims}[CAPTURE].verdicts
    assert verdict.holds
    assert ("(after 2 of them the UE accepted the HO command: rewrites field 'container/new "
            "C-RNTI'" in verdict.detail)
    assert (f"left the UE on KeNB[hop 1], the honest one, derived from KeNB*+[hop 1], which "
            f"{ENB_1} lacks)" in verdict.detail)
    assert list(verdict.cut)[1:] == [
        "lacks KeNB*+[hop 1] (of a KeNB other than the honest one (8d19e0fc))",
        "lacks KeNB*+[hop 1] (of KeNB[hop 1], the honest one)"]


def test_check_s_per_hop_attackers_change_no_authentication_verdict() -> None:
    """check compromises each hop's source and target eNB when no attacker is named; a
    search's reason on the same run has none (helper-234: its verdicts named those eNBs,
    and verify's reason was no line its check line printed). The claims speak of attackers
    holding no party, so the words are the same; each verdict of a long check also named
    hundreds of attackers, and its time grew as the square of the hops."""
    run = run_scenario(load("ts33401"), parse_hops("s1,x2,intra-enb"))
    per_hop = {c.name: c for c in evaluate(run).claims}[ALIVENESS].verdicts
    assert len(per_hop) == 3 and all(
        "from a KeNB the radio observer cannot derive (lacking " in v.detail
        and "@" not in v.detail for v in per_hop), per_hop


def test_a_named_attacker_is_said_to_be_judged_beside() -> None:
    """helper-237 #1: with enb-1 named, "the UE accepts a HO command only under the source's
    KRRCint, from a KeNB the radio observer cannot derive" read as of enb-1, the source,
    which holds that KeNB: the verdict first says whom it judged, as key-secrecy's does."""
    run = run_scenario(load("ts33401"), parse_hops("s1"))
    claims = {c.name: c for c in evaluate(run, Attacker((Compromise("enb-1", 1),))).claims}
    (verdict,) = claims[UE_AGREEMENT].verdicts
    assert verdict.detail.startswith(
        f"judged against attackers holding no party or key, not the named attacker ({ENB_1}), "
        "which forges nothing in a check run: a target eNB prepared"), verdict.detail
