"""Verdict tables for the three variants, with every "derivable" verdict cross-checked by
execution (the key recomputed from the attacker's knowledge alone, and an HO confirm forged
with it that the real target accepts) and every "not derivable" verdict shown its cut.

Expected verdicts come from the specs (TS 33.401 7.2.8, the seed's sections 2-4), not from
running the harness."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from assuming_nothing import AssumingNothing
from hoverify.properties.adversary import Adversary
from hoverify.properties.analysis import Analysis
from hoverify.properties.attacker import Attacker, Compromise
from hoverify.properties.claims import (
    AUTHENTICATION,
    BACKWARD,
    CONFINEMENT,
    FORWARD,
    KEY_AGREEMENT,
    SEPARATION,
    ClaimResult,
    Confinement,
    RefusalChangesNothing,
)
from hoverify.properties.crosscheck import recompute
from hoverify.properties.engine import Event, Facts
from hoverify.properties.evaluate import Evaluation, evaluate
from hoverify.properties.graph import value_node
from hoverify.properties.hop_list import hop_list
from hoverify.statemachines.derivation import Deriver, public, secret
from hoverify.statemachines.messages import Kind
from hoverify.statemachines.protection import UPLINK, protect_rrc, unprotect_rrc
from hoverify.statemachines.scenario import parse_hops, run_scenario
from hoverify.statemachines.topology import Cell, small_topology
from hoverify.statemachines.variant import AsKeys, Fields, MmeKeys, Promise
from hoverify.statemachines.variants import load
from hoverify.statemachines.variants.seed_fs import CLAUSE, FC_K_HO, HANDOVER_STRING, SeedFs
from hoverify.statemachines.variants.tr33821_v070 import Tr33821V070
from hoverify.statemachines.variants.ts33401 import NOT_THROUGH_MME, THROUGH_MME, Ts33401

from hoverify.cli import main
from hoverify.variant_file import load_variant_file

ATTACKS = Path(__file__).parent / "attack_variants"


def check(variant: str, hops: str, placement: str | None = None,
          attacker: Attacker | None = None, seed: int = 0) -> Evaluation:
    return evaluate(run_scenario(load(variant, placement), parse_hops(hops), seed=seed),
                    attacker)


def claim(evaluation: Evaluation, name: str) -> ClaimResult:
    return next(c for c in evaluation.claims if c.name == name)


def forward_n(evaluation: Evaluation) -> dict[int, int | None]:
    return {v.hop: v.n_hops for v in claim(evaluation, FORWARD).verdicts}


# -- forward security: the seed's question --------------------------------------------------------
@pytest.mark.parametrize("hop_type", ["x2", "s1", "s1-inter"])
def test_tr33821_source_enb_derives_the_target_key_on_every_hop_type(hop_type: str) -> None:
    """Seed section 2: KeNB* and KeNB_new depend only on KeNB and public values."""
    evaluation = check("tr33821-v070", hop_type)
    forward = claim(evaluation, FORWARD)
    assert not forward.holds and not forward.promised  # TR 33.821 promises no such thing
    verdict = forward.verdicts[0]
    assert verdict.hop == 1 and verdict.n_hops == 2 and verdict.witness


@pytest.mark.parametrize("hop_type", ["s1", "s1-inter"])
@pytest.mark.parametrize("placement", ["nas", "alg-id", "c-rnti"])
def test_seed_fs_keeps_forward_security_through_the_mme(hop_type: str, placement: str) -> None:
    evaluation = check("seed-fs", hop_type, placement)
    forward = claim(evaluation, FORWARD)
    assert forward.holds and forward.promised
    assert forward_n(evaluation) == {1: 1}
    assert any("K_HO" in line for line in forward.verdicts[0].cut)


def test_seed_fs_leaves_x2_without_forward_security() -> None:
    evaluation = check("seed-fs", "x2")
    forward = claim(evaluation, FORWARD)
    assert not forward.holds and not forward.promised  # the proposal covers S1 only


@pytest.mark.parametrize("hop_type", ["s1", "s1-inter"])
def test_ts33401_s1_gives_one_hop_forward_security(hop_type: str) -> None:
    evaluation = check("ts33401", hop_type)
    assert forward_n(evaluation) == {1: 1}
    assert any("NH" in line for line in claim(evaluation, FORWARD).verdicts[0].cut)


def test_ts33401_x2_gives_two_hop_forward_security() -> None:
    """TS 33.401 7.2.8.4.2: the source of an X2 hop knows the next KeNB, not the one after."""
    evaluation = check("ts33401", "x2,x2,x2")
    assert forward_n(evaluation) == {1: 2, 2: 2, 3: 2}
    assert claim(evaluation, FORWARD).holds
    assert not evaluation.promise_broken


def test_an_enb_that_never_serves_the_ue_has_no_n_hop_forward_security() -> None:
    """review18 #4: n-hop forward security counts hops from the attacker's last legitimate
    KeNB (TS 33.401 7.2.8.1.1 calls it the KeNB "of the source eNB"). enb-6 is neither
    source nor target of x2,s1 (enb-1 -> enb-2 -> enb-4): it has none to count from."""
    evaluation = check("ts33401", "x2,s1", attacker=Attacker((Compromise("enb-6", 1),)))
    [verdict] = claim(evaluation, FORWARD).verdicts
    assert verdict.holds and verdict.n_hops is None
    assert verdict.detail == "enb-6 never served the UE and derives no KeNB of hops [1, 2]"


@pytest.mark.parametrize("variant", ["ts33401", "seed-fs", "tr33821-v070"])
def test_an_enb_that_never_serves_the_ue_is_said_so_by_backward_security(variant: str) -> None:
    """dev43: backward security holding for enb-6, which x2,s1 never reaches, said "cannot
    derive the KeNB of any earlier hop [0, 1]", as of a target that served: "earlier" than
    what? Its reason now says enb-6 never served the UE, and what it lacks: the KeNBs before
    its compromise. An eNB that served keeps the plain words."""
    never = check(variant, "x2,s1", attacker=Attacker((Compromise("enb-6", 2),)))
    [verdict] = claim(never, BACKWARD).verdicts
    assert verdict.holds and verdict.detail.startswith(
        "enb-6 never served the UE and cannot derive the KeNB of any hop [0, 1] before its "
        "compromise in hop 2"), verdict.detail
    served = check(variant, "x2,s1", attacker=Attacker((Compromise("enb-4", 2),)))
    [verdict] = claim(served, BACKWARD).verdicts
    assert verdict.detail.startswith("cannot derive the KeNB of any earlier hop [0, 1]")


def test_a_forward_security_failure_reaching_one_hop_says_hop() -> None:
    """The X2 source of hop 1 derives KeNB[hop 1] (TS 33.401 7.2.8.4.2: KeNB* from its own
    KeNB), not KeNB[hop 2] (S1: from NH): one hop, against a promise of none (review19 #7)."""
    evaluation = evaluate(run_scenario(load_variant_file(str(ATTACKS / "x2_one_hop.py")),
                                       parse_hops("x2,s1")),
                          Attacker((Compromise("enb-1", 1),)))
    [verdict] = claim(evaluation, FORWARD).verdicts
    assert verdict.detail.startswith("derives 1 hop on: the later KeNB of hop 1;")


def test_forward_security_judged_on_a_key_before_the_compromise_is_not_vacuous() -> None:
    """review22 #3: enb-1 served the UE (hop 0), handed it to enb-2 by X2 (hop 1: enb-1
    computes KeNB* itself, TS 33.401 7.2.8.4.2) and is compromised from hop 2, holding what it
    held then (the UE's return is decided early, so its record of hop 0 is still there).
    Forward security judges hop 1's KeNB, a later key than its last legitimate one: its
    situation arose, at the compromise, though the handover completed before it. It read
    "vacuous, sometimes 0" beside a verdict on hop 1."""
    evaluation = evaluate(run_scenario(load("ts33401"),
                                       parse_hops("x2@enb-2/cell-1,x2@enb-1/cell-2:early"),
                                       topology=small_topology()),
                          Attacker((Compromise("enb-1", 2),)))
    forward = claim(evaluation, FORWARD)
    [verdict] = forward.verdicts
    assert "the later KeNB it derives, of hop 1, is 1 hop on" in verdict.detail, verdict.detail
    assert forward.sometimes == 1


def test_a_backward_failure_on_a_key_beyond_the_forward_promise_says_so() -> None:
    """review22 #1: the X2 source of hop 1 derives hop 1's KeNB (TS 33.401 7.2.8.4.2) and the
    UE comes back to it; ``x2_one_hop.py`` promises 1-hop forward security on X2, so this
    breaks forward security, and, the UE back, backward security (docs/limits.md, review14).
    Its failure says both and that the UE came back: read alone it looked like a second flaw."""
    evaluation = evaluate(run_scenario(load_variant_file(str(ATTACKS / "x2_one_hop.py")),
                                       parse_hops("x2@enb-2/cell-1,x2@enb-1/cell-1"),
                                       topology=small_topology()),
                          Attacker((Compromise("enb-1", 1),)))
    [failure] = claim(evaluation, BACKWARD).verdicts
    assert claim(evaluation, FORWARD).promise_broken
    # review28: which KeNB of its own hop 1's is earlier than comes first ("derives the KeNB
    # of earlier hop(s) [2]" on a verdict of hop 1 read as a hop before the compromise)
    assert failure.detail.endswith(
        "earlier hop(s) [1] (earlier than its own KeNB once the UE came back to enb-1 in hop "
        "2; hop 1's derived as its former serving eNB, beyond forward security's promise, "
        "which fails on it too)"), failure.detail
    # newcomer39: the report's conclusion says this broken promise is forward security's
    # failure on the same key (TS 33.401 7.2.8.1 speaks of the keys before an eNB served)
    assert failure.former_serving and claim(evaluation, BACKWARD).broken_by_former_serving


def test_a_backward_failure_on_a_key_learnt_before_serving_is_no_former_serving_one() -> None:
    """TS 33.501 3.1, backward security: enb-2, prepared by an X2AP HandoverRequest that also
    carries the source's own KeNB, knows hop 1's KeNB, used before it served: no forward
    security failure counted again, so the conclusion says the broken promise plainly."""
    evaluation = evaluate(run_scenario(load_variant_file(
        str(ATTACKS / "x2_source_sends_own_kenb.py")), parse_hops(
        "s1@enb-3/cell-2,x2@enb-2/cell-2")), Attacker((Compromise("enb-2", 1),)))
    backward = claim(evaluation, BACKWARD)
    assert backward.promise_broken and not backward.broken_by_former_serving


@pytest.mark.parametrize(("compromise", "ending"), [
    # enb-1 prepared for hop 2 and the UE never comes (review23 #1: "came back ... in hop 2")
    (["--compromise", "enb-1@2"], "(earlier than its own KeNB once enb-1 was prepared as the "
                                  "target of handover 2; hop 1's derived as its former serving "
                                  "eNB, beyond forward security's promise, which fails on it "
                                  "too)"),
    # the UE as well: hop 3's KeNB comes from the UE's NH, no former serving eNB's derivation
    # (review23 #2): the note is its eNBs alone's to give
    (["--compromise", "enb-1@1", "--compromise", "ue@1"], "earlier hop(s) [1]"),
])
def test_a_backward_note_on_a_key_beyond_the_forward_promise_says_only_what_happened(
        compromise: list[str], ending: str, capsys: pytest.CaptureFixture[str]) -> None:
    hops = ("x2@enb-2/cell-1,x2@enb-1/cell-1:early:edit=HandoverRequestAcknowledge/container/"
            "target PCI=0" if len(compromise) == 2 else
            "x2@enb-2/cell-1,x2@enb-3/cell-1,x2@enb-2/cell-1,x2@enb-1/cell-1")
    main(["check", "--variant-file", str(ATTACKS / "x2_one_hop.py"), "--topology", "small",
          "--hops", hops, *compromise, "--json"])
    doc = json.loads(capsys.readouterr().out)
    [backward] = [c for c in doc["claims"] if c["name"] == BACKWARD]
    # the whole attacker's (with the UE, its part ue@1 fails too: ``Attacker.parts``)
    [failure] = [v for v in backward["verdicts"]
                 if not v["holds"] and v["attacker"] == doc["attacker"]]
    assert failure["detail"].endswith(ending), failure["detail"]
    assert failure["detail"].count("former serving eNB") == (len(compromise) == 2)


def test_ts33401_handover_before_path_switch_ack_extends_a_compromise_by_one_hop() -> None:
    """The known race (spec notes 7): the failure is reported with its witness, outside the
    promise, which assumes the Path Switch Acknowledge arrives first (TS 33.401 7.2.8.4.2)."""
    evaluation = check("ts33401", "x2,x2:early,x2")
    assert evaluation.facts.early == {2}
    first = claim(evaluation, FORWARD).verdicts[0]
    assert first.hop == 1 and first.n_hops == 3 and not first.holds and not first.promised
    assert first.witness_hop == 2 and first.witness
    assert "hop 2 was decided before the Path Switch Request Acknowledge of hop 1" in \
        first.detail
    assert not evaluation.promise_broken


# TS 33.401 7.2.8.4.3, the UE: "If the UE received an NCC value that was different from the
# NCC associated with the currently active KeNB, the UE shall first synchronize the locally
# kept NH parameter by computing the function defined in Annex A.4 iteratively (and
# increasing the NCC value until it matches the NCC value received from the source eNB via
# the HO command message) ... If the received NCC value is the same as the NCC associated
# with the currently active KeNB, the UE shall use the currently active KeNB ... [horizontal]".
# NCC is the NH derivations modulo 8 (7.2.8.1.1; TS 36.331 nextHopChainingCount 0..7): once an
# MME holds NH(q) with q - p >= 8, p the position of the UE's active KeNB in the chain, its
# NCC no longer names one NH.
def _first_failure(evaluation: Evaluation, name: str) -> int | None:
    results = [*evaluation.claims, *evaluation.invariants]
    [result] = [c for c in results if c.name == name]
    return min((v.hop for v in result.verdicts if not v.holds), default=None)


def test_ncc_sync_fails_once_an_mme_is_eight_nh_past_the_ues_active_kenb() -> None:
    """The initial KeNB is at position 0 and the MME keeps NH(1) (7.2.8.1.1). Each X2 hop's
    Path Switch makes the MME derive the next NH (7.2.8.4.2): hop k's gives NH(k+1). Each
    ``x2:early`` hop is decided before the Path Switch Acknowledge of the hop before, so its
    source eNB has no unused {NH, NCC} and derives horizontally with NCC 0, the NCC of the
    UE's active KeNB: the UE derives horizontally, its active KeNB stays at position 0. Hop
    7's Path Switch gives NH(8): 8 past it, NCC 0 again, so ncc-sync first fails at hop 7.
    Hop 8, decided after that Acknowledge, derives vertically from NH(8) with NCC 0; the UE,
    seeing its active KeNB's NCC, derives horizontally: the keys disagree at hop 8. check's
    summary of the run used to drop ncc-sync (exit 0, where verify failed); it is judged
    step by step."""
    evaluation = check("ts33401", "x2" + ",x2:early" * 6 + ",x2")
    assert _first_failure(evaluation, "ncc-sync") == 7
    assert _first_failure(evaluation, KEY_AGREEMENT) == 8
    [ncc_sync] = [c for c in evaluation.invariants if c.name == "ncc-sync"]
    assert ncc_sync.promise_broken and evaluation.promise_broken
    assert ncc_sync.verdicts[0].detail.startswith(
        "mme-1 holds NH(8) and the UE's active KeNB is at NH(0) of the chain")
    held = check("ts33401", "x2" + ",x2:early" * 5)  # NH(7): 7 past the active KeNB
    assert _first_failure(held, "ncc-sync") is None and _first_failure(held, KEY_AGREEMENT) is None


INTER_MME_THEN_X2 = ("s1," * 9 + "s1-inter@enb-5/cell-1,x2@enb-6/cell-1,x2@enb-7/cell-1:early,"
                     "x2@enb-8/cell-1:early,x2@enb-7/cell-1:early,x2@enb-6/cell-1:early,"
                     "x2@enb-5/cell-1:early,x2@enb-6/cell-1:early,x2@enb-7/cell-1:early,"
                     "x2@enb-8/cell-1")


def test_ncc_sync_places_the_nh_a_target_mme_takes_at_its_true_position() -> None:
    """Each S1 HANDOVER REQUIRED makes the (source) MME derive the next NH (7.2.8.4.3): hop
    k gives NH(k+1), and the UE, receiving a new NCC, derives vertically from it. Hop 10
    (inter-MME) sends NH(11), NCC 3, to mme-2 and the UE's active KeNB comes from NH(11).
    Hops 11 to 18 are X2, each but the first decided before the Path Switch Acknowledge of
    the hop before, and hop 11's source (enb-5, prepared by S1) holds no {NH, NCC} from a
    Path Switch: all horizontal with NCC 3, the active KeNB stays at NH(11). Each Path
    Switch at mme-2 derives the next NH, so hop 18's gives NH(19): 8 past it, ncc-sync
    first fails at hop 18; hop 19 derives vertically from NH(19) with NCC 3, the UE
    horizontally, and the keys disagree. mme-2 learnt only NCC 3 (TS 29.274 8.38) and counts
    NH(3): the claim must not take that count for the NH's place."""
    evaluation = check("ts33401", INTER_MME_THEN_X2)
    assert _first_failure(evaluation, "ncc-sync") == 18
    assert _first_failure(evaluation, KEY_AGREEMENT) == 19
    [ncc_sync] = [c for c in evaluation.invariants if c.name == "ncc-sync"]
    assert ncc_sync.verdicts[0].detail.startswith(
        "mme-2 holds NH(19) and the UE's active KeNB is at NH(11) of the chain: 8 NH")
    held = check("ts33401", INTER_MME_THEN_X2.rsplit(",", 2)[0])  # to hop 17: NH(18)
    assert _first_failure(held, "ncc-sync") is None and _first_failure(held, KEY_AGREEMENT) is None


def test_an_invariant_that_held_says_how_often_it_was_tested() -> None:
    """An invariant with no failure holds only if its situation arose: ncc-sync's "an MME
    derived or took an NH" arises three times in x2,s1 (NH(1) at setup, NH(2) at the Path Switch,
    NH(3) at HANDOVER REQUIRED: spec notes 4, "Numbering, worked out"); TR 33.821 v0.7.0 has
    no NH, so there it has nothing to judge (it was "n/a" either way before)."""
    [ncc_sync] = [c for c in check("ts33401", "x2,s1").invariants if c.name == "ncc-sync"]
    assert ncc_sync.applies and ncc_sync.holds and ncc_sync.sometimes == 3
    assert ncc_sync.verdicts[0].detail.endswith(
        "(3) was fewer than 8 NH derivations past the UE's active KeNB, so its NCC names one NH "
        "of the variant's NH chain (TS 33.401 7.2.8.1.1, 7.2.8.4.3): mme-1 NH(1), NCC 1, UE's "
        "KeNB at NH(0) (the initial KeNB); mme-1 NH(2), NCC 2, UE's KeNB at NH(0) (the initial "
        "KeNB); mme-1 NH(3), NCC 3, UE's KeNB at NH(0) (the initial KeNB); whether the UE "
        "derives the NH the network used is key-agreement's to judge")
    [untested] = [c for c in check("tr33821-v070", "x2,s1").invariants if c.name == "ncc-sync"]
    assert not untested.applies and not untested.verdicts


def test_ncc_sync_s_reason_names_no_derivation_it_did_not_check() -> None:
    """ncc-sync counts NH derivations (TS 33.401 7.2.8.1.1); whether each NH is A.4's
    KDF(KASME, NH) is forward security's to judge. An NH chain that re-sends one NH held
    "so its NCC names one NH of the TS 33.401 A.4 chain" (helper-216 #10)."""
    variant = load_variant_file(str(ATTACKS / "nh_not_refreshed.py"))
    evaluation = evaluate(run_scenario(variant, parse_hops("x2,s1")))
    [ncc_sync] = [c for c in evaluation.invariants if c.name == "ncc-sync"]
    assert ncc_sync.holds and "A.4" not in ncc_sync.verdicts[0].detail
    assert claim(evaluation, FORWARD).promise_broken


@dataclass(frozen=True)
class MmeSendsTheNhCount(Ts33401):
    """An MME that sends, as the NCC of a fresh NH, the count of NH derivations that led to it
    rather than its 3 least significant bits (TS 33.401 7.2.8.1.1)."""

    name: str = "mme-sends-the-nh-count"

    def fresh_next_hop(self, d: Deriver, mme: MmeKeys) -> tuple[MmeKeys, Fields]:
        keys, fields = super().fresh_next_hop(d, mme)
        assert keys.chain is not None
        return keys, tuple((name, keys.chain.derivations if name == "NCC" else value)
                           for name, value in fields)


def test_an_ncc_of_8_on_the_wire_breaks_ncc_range() -> None:
    """TS 33.401 7.2.8.1.1: the NCC is a 3-bit counter of NH derivations, so NH(8), which the
    MME derives for the 7th S1 handover (NH(1) at set-up, one fresh NH per HANDOVER
    REQUIRED, 7.2.8.4.3), goes with NCC 0; TS 36.413's Next Hop Chaining Count is INTEGER
    (0..7). An MME sending 8 breaks ncc-range, naming the message and the value (a mutant
    that read the range as 0..8 survived: no run sent an NCC of 8)."""
    evaluation = evaluate(run_scenario(MmeSendsTheNhCount(), parse_hops(",".join(["s1"] * 7))))
    [ncc_range] = [c for c in evaluation.invariants if c.name == "ncc-range"]
    assert not ncc_range.holds
    [verdict] = ncc_range.verdicts
    assert verdict.hop == 7 and verdict.promised, verdict
    assert verdict.detail.startswith("S1AP HandoverRequest") and verdict.detail.endswith(
        "carries NCC 8"), verdict.detail
    correct = evaluate(run_scenario(load("ts33401"), parse_hops(",".join(["s1"] * 7))))
    assert next(c for c in correct.invariants if c.name == "ncc-range").holds


def test_ncc_range_holds_the_model_to_the_asn1_range_not_to_its_own_ncc_width(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """helper-245 M34: with the model's NCC widened to 4 bits (``NCC_MODULUS`` 16 wherever
    the model reads it), seven S1 hops send NCC 8 on S1 (NH(8), TS 33.401 7.2.8.4.3) and
    ncc-range read "holds": it bounded the NCC by the model's own constant. TS 36.413's
    SecurityContext and TS 36.331's NextHopChainingCount are INTEGER (0..7) whatever the
    model says."""
    import sys

    from hoverify.statemachines import variant

    eight = variant.NCC_MODULUS
    for module in [m for name, m in sys.modules.items() if name.startswith("hoverify.")]:
        if getattr(module, "NCC_MODULUS", None) == eight:
            monkeypatch.setattr(module, "NCC_MODULUS", 16)
    evaluation = evaluate(run_scenario(load("ts33401"), parse_hops(",".join(["s1"] * 7))))
    [ncc_range] = [c for c in evaluation.invariants if c.name == "ncc-range"]
    assert not ncc_range.holds
    assert ncc_range.verdicts[0].detail.endswith("carries NCC 8"), ncc_range.verdicts


def test_an_invariant_that_held_says_why_with_the_values_it_saw() -> None:
    """A holding invariant's reason is its own, from what it saw: ncc-range names the NCCs
    the parties sent and their 3-bit range (TS 33.401 7.2.8.4, TS 36.331 nextHopChainingCount); in
    x2,s1 the Path Switch Ack carries NCC 2 (NH(2)) and HANDOVER REQUIRED's NH(3) NCC 3 (spec
    notes 4); refusal-changes-nothing names the refusal (the replayed hop's Acknowledge)."""
    invariants = {c.name: c for c in check("ts33401", "x2,s1").invariants}
    detail = invariants["ncc-range"].verdicts[0].detail
    assert detail.startswith("every NCC a party sent (") and detail.endswith(
        "was in 0..7, the 3-bit NCC of TS 33.401 7.2.8.4 and TS 36.331 "
        "(nextHopChainingCount): NCC 0, 2, 3")
    [refusal] = [c for c in check("ts33401", "x2,x2:replay").invariants
                 if c.name == "refusal-changes-nothing"]
    assert refusal.verdicts[0].detail == (
        "every entity that refused a message (1) kept its state and keys: enb-1 refused "
        "X2AP HandoverRequestAcknowledge enb-2->enb-1")


def test_a_promise_without_the_assumption_is_broken_by_the_race() -> None:
    """The same run against a copy of ts33401 whose X2 promise assumes nothing."""
    evaluation = evaluate(run_scenario(AssumingNothing(), parse_hops("x2,x2:early,x2")))
    first = claim(evaluation, FORWARD).verdicts[0]
    assert not first.holds and first.promised and evaluation.promise_broken


def test_the_promise_that_applies_is_the_one_for_the_hop_that_left_the_attacker() -> None:
    """seed-fs promises forward security on S1 hops only (seed section 3). enb-4, compromised
    as the source of the s1-inter hop 3, serves the UE again after hop 5 and hands it on by
    X2 at hop 6: that KeNB is one hop after its last legitimate one, across an X2 hop, where
    nothing is promised, even though hop 3 itself was an S1 hop."""
    attacker = Attacker((Compromise("enb-4", 3),))
    evaluation = check("seed-fs", "x2,s1,s1-inter,x2,s1-inter,x2", "nas", attacker)
    assert evaluation.analysis.serving[5] == "enb-4"
    [verdict] = claim(evaluation, FORWARD).verdicts
    assert not verdict.holds and verdict.witness_hop == 6 and not verdict.promised
    assert "nothing promised once an x2 hop (hop 6)" in verdict.detail


@pytest.mark.parametrize("file", ["k_ho_to_enb.py", "mme_const_plus.py"])
def test_a_later_s1_hops_promise_binds_an_enb_the_ue_left_by_x2(
        file: str, capsys: pytest.CaptureFixture[str]) -> None:
    """The reviewer's variants (round 11): seed-fs promises 1-hop forward security on S1
    hops (seed section 3, "KeNB*+ mixes in K_HO, which only the MMEs and the UE hold"), for
    the KeNB of each such hop against any eNB whose last legitimate KeNB came before it
    (TS 33.501 3.1). enb-4, the target of the S1 hop 1, derives the KeNB of the s1-inter hop
    4: that breaks hop 4's promise, although the X2 hop 2 that took the UE away from enb-4
    promises nothing (check exited 0: "nothing promised once an x2 hop (hop 2)"). Against
    seed-fs itself the same eNB cannot derive it."""
    variant = load_variant_file(str(ATTACKS / file))
    hops = parse_hops("s1,x2,x2,s1-inter")
    run = run_scenario(variant, hops)
    attacker = Attacker((Compromise("enb-4", 1),))
    evaluation = evaluate(run, attacker)
    assert evaluation.analysis.serving[1] == "enb-4"
    [verdict] = claim(evaluation, FORWARD).verdicts
    assert not verdict.holds and verdict.promised and verdict.witness_hop == 4
    assert verdict.detail.endswith("; promised 1-hop for s1-inter at hop 4: no later KeNB")
    assert evaluation.promise_broken
    reference = evaluate(run_scenario(load("seed-fs"), hops), attacker)
    assert not reference.analysis.derivable(attacker, 4)
    code = main(["check", "--variant-file", str(ATTACKS / file), "--hops", "s1,x2,x2,s1-inter"])
    assert code == 1 and "enb-4@1: FAILS (promised)" in capsys.readouterr().out


@pytest.mark.parametrize("variant, hops, compromised, at, promised, named", [
    # ts33401: enb-4, the target of the S1 hop 1, is left by the X2 hop 2: 2-hop
    # (TS 33.401 7.2.8.4.2), not the 1-hop of S1 (7.2.8.4.3)
    ("ts33401", "s1,x2,x2,s1", "enb-4", 1, True, "promised 2-hop"),
    # seed-fs: enb-2, the target of the X2 hop 1, is left by the S1 hop 2: promised
    # (seed section 3), although nothing is promised for X2
    ("seed-fs", "x2,s1", "enb-2", 1, True, "promised 1-hop"),
    # seed-fs: enb-1, left by the X2 hop 1 and compromised once it released the UE, cannot
    # derive the KeNB of the S1 hop 2 to enb-3: the seed's "forward security of KeNB
    # derivation during S1 handover" (section 3) covers it, although the X2 hop that took
    # the UE away promises nothing
    ("seed-fs", "x2,s1", "enb-1", 2, True, "promised 1-hop for s1 at hop 2"),
    # the same eNB when the S1 hop 3 brings the UE back to it: the KeNBs later than its own
    # are those of the X2 hops 1 and 2, which no promise reaches
    ("seed-fs", "x2,x2,s1", "enb-1", 2, False, "no later KeNB derivable (1-hop)"),
    # review25: enb-1, left by the X2 hop 1 and again by the S1 hop 3, is judged on the KeNB
    # of hop 1 by the 2-hop promise of X2 (TS 33.401 7.2.8.4.2) and on that of hop 3 by the
    # 1-hop promise of S1 (7.2.8.4.3): both named, not only the first
    ("ts33401", "x2@enb-2/cell-2,x2@enb-1/cell-1,s1-inter@enb-5/cell-1", "enb-1", 3, True,
     "; promised 2-hop for x2 at hop 1, 1-hop for s1-inter at hop 3"),
])
def test_a_holding_verdict_names_the_promise_it_was_judged_by(
        variant: str, hops: str, compromised: str, at: int, promised: bool, named: str) -> None:
    """The line and the JSON's ``promised`` named the promise of the hop the eNB was
    compromised at, while the verdict judged that of the hop that took the UE away; and
    then only that hop's, not a later hop's whose promise covers a later KeNB."""
    evaluation = check(variant, hops, attacker=Attacker((Compromise(compromised, at),)))
    [verdict] = claim(evaluation, FORWARD).verdicts
    assert verdict.holds and verdict.promised is promised and verdict.detail.endswith(named)


def test_a_broken_n_hop_promise_says_what_it_keeps_from_the_attacker() -> None:
    """helper-229 #3: "derives 2 hops on: the later KeNBs of hops [2, 3]; promised 2-hop"
    read as within the promise. n-hop forward security keeps every KeNB n or more hops after
    the attacker's last legitimate one (the legend's *n-hop*; TS 33.401 7.2.8.4.2: an X2
    hop's source derives the next KeNB*, not the one after), so the broken promise says
    that. The attack variant's X2 source always derives KeNB* horizontally: enb-4, the S1
    hop 1's target, derives the KeNBs of the X2 hops 2 and 3."""
    variant = load_variant_file(str(ATTACKS / "x2_horizontal_only.py"))
    evaluation = evaluate(run_scenario(variant, parse_hops("s1,x2,x2,s1-inter")),
                          Attacker((Compromise("enb-4", 1),)))
    [verdict] = claim(evaluation, FORWARD).verdicts
    assert not verdict.holds and verdict.promised
    assert verdict.detail == ("derives 2 hops on: the later KeNBs of hops [2, 3]; promised "
                              "2-hop: no KeNB 2 or more hops on")


@dataclass(frozen=True)
class BackwardOnS1(Ts33401):
    """ts33401 promising backward security for the KeNBs of S1 hops only."""

    name: str = "backward-on-s1"

    def promises(self) -> tuple[Promise, ...]:
        return tuple(Promise(BACKWARD, THROUGH_MME, why="KeNB* is a one-way function of NH")
                     if p.claim == BACKWARD else p for p in super().promises())


@pytest.mark.parametrize("hops, promised", [
    # enb-1, compromised as the UE comes back by X2 at hop 3, cannot derive the KeNBs of the
    # S1 hops 1 and 2 (beyond the 1-hop forward security of S1 it could derive as their
    # former source): the promise made for S1 hops protects them, although the hop of the
    # compromise is an X2 hop
    ("s1@enb-4/cell-1,s1@enb-2/cell-1,x2@enb-1/cell-1", True),
    # enb-1, compromised as the UE comes back by S1 at hop 3, cannot derive the KeNB of the
    # X2 hop 2: no promise protects that one, although the hop of the compromise is an S1 hop
    ("x2@enb-2/cell-1,x2@enb-3/cell-1,s1@enb-1/cell-1", False),
])
def test_a_holding_backward_verdict_is_promised_by_the_keys_it_judges(
        hops: str, promised: bool) -> None:
    """A backward-security failure is promised by the hop type of the earlier KeNB it
    derives; a holding verdict read the type of the hop of the compromise instead."""
    evaluation = evaluate(run_scenario(BackwardOnS1(), parse_hops(hops)),
                          Attacker((Compromise("enb-1", 3),)))
    [verdict] = claim(evaluation, BACKWARD).verdicts
    assert verdict.holds and verdict.promised is promised, verdict


@dataclass(frozen=True)
class OwnKenbBackwardOnS1(BackwardOnS1):
    """BackwardOnS1 whose X2 source eNB also sends its own KeNB (as the probe
    tests/attack_variants/x2_source_sends_own_kenb.py): a target learns the KeNB before its
    own, of whatever hop type."""

    name: str = "own-kenb-backward-on-s1"
    field_names = ("source KeNB",)

    def source_enb(self, d, keys, target, hop):  # type: ignore[no-untyped-def]
        kept, fields = super().source_enb(d, keys, target, hop)
        if hop in NOT_THROUGH_MME:
            return kept, (*fields, ("source KeNB", keys.as_keys.kenb))
        return kept, fields


@pytest.mark.parametrize("extra", [(), (Compromise("KASME", 2),), (Compromise("ue", 5),)])
def test_a_backward_failure_on_a_promised_key_stays_promised_past_an_unpromised_one(
        extra: tuple[Compromise, ...]) -> None:
    """review15: enb-3 learns hop 1's KeNB (S1: promised) and, with KASME or the UE beside
    it, also hop 4's (X2: not promised); the failure was flagged by the last key's hop type,
    so the stronger attacker read "fails (not promised)" though its eNB alone breaks the
    promise for hop 1."""
    hops = "s1@enb-4/cell-1,x2@enb-3/cell-1,x2@enb-2/cell-1,x2@enb-1/cell-1,s1@enb-3/cell-2"
    evaluation = evaluate(run_scenario(OwnKenbBackwardOnS1(), parse_hops(hops)),
                          Attacker((Compromise("enb-3", 2), *extra)))
    backward = claim(evaluation, BACKWARD)
    assert backward.promise_broken, [v.detail for v in backward.verdicts]


@pytest.mark.parametrize("who", ["KASME", "ue", "mme-1"])
def test_a_failure_where_nothing_is_promised_is_not_outside_the_promise(who: str) -> None:
    """helper-152 #1: seed-fs promises forward security on S1 hops alone. On an X2 hop, with
    KASME (or the UE, or the MME) in the attacker's hands, forward security read "fails
    (outside the promise: ... the attacker holds KASME)", and its JSON "promised": false
    beside that "outside_promise". Outside the promise is a failure of a promise the variant
    makes, assuming what the run broke (the legend); where it makes none, as enb-1 alone
    and tr33821-v070 read, the failure is simply not promised. On an S1 hop it promises
    forward security, and the same attacker's failure is outside that promise."""
    [x2] = claim(check("seed-fs", "x2", attacker=Attacker((Compromise(who, 1),))),
                 FORWARD).verdicts
    assert not x2.holds and not x2.promised and x2.outside is None, x2
    assert "outside the promise" not in x2.detail, x2.detail
    [s1] = claim(check("seed-fs", "s1", attacker=Attacker((Compromise(who, 1),))),
                 FORWARD).verdicts
    assert not s1.holds and not s1.promised and s1.outside is not None, s1
    # on x2,s1 it derives both KeNBs: the X2 hop's fails where nothing is promised, so the
    # verdict is not promised, as a claim's is where one failure is (``ClaimResult.outside``)
    [both] = claim(check("seed-fs", "x2,s1", attacker=Attacker((Compromise(who, 1),))),
                   FORWARD).verdicts
    assert not both.promised and both.outside is None and both.witness_hop == 1, both


def test_a_key_after_the_attackers_own_service_is_judged_forward_not_backward() -> None:
    """enb-1 served hop 0 and computed hop 1's KeNB* itself (X2, horizontal); its context
    is never released (the held Path Switch Acknowledge finds enb-2 gone). Compromised at
    hop 3 it still derives hop 1's KeNB: one hop after its own, within ts33401's 2-hop
    promise, and no earlier key of another eNB (backward security has nothing to judge)."""
    attacker = Attacker((Compromise("enb-1", 3),))
    evaluation = check("ts33401", "x2,s1:early,s1-inter", attacker=attacker)
    assert evaluation.analysis.derivable(attacker, 1)
    assert not claim(evaluation, BACKWARD).applies
    [forward] = claim(evaluation, FORWARD).verdicts
    assert forward.holds and forward.n_hops == 2 and "of hop 1," in forward.detail
    assert not evaluation.promise_broken


def test_ts33401_ncc_wrap_keeps_every_promise() -> None:
    evaluation = check("ts33401", ",".join(["s1", "x2", "s1-inter"] * 4))
    assert not evaluation.promise_broken
    analysis = evaluation.analysis
    for hop in analysis.hops:  # an S1 hop's KeNB is out of its source eNB's reach
        source = Attacker((Compromise(analysis.source(hop), hop),))
        assert analysis.derivable(source, hop) == (analysis.hop_type(hop) == "x2")


def test_compromise_at_the_first_hop_with_an_explicit_attacker() -> None:
    attacker = Attacker((Compromise("enb-1", 1),))
    # enb-1 serves the UE first: it holds the initial KeNB (TS 33.401 7.2.4.5), hop 0
    evaluation = check("tr33821-v070", "s1,s1,s1", attacker=attacker)
    assert evaluation.derivable_hops == [0, 1, 2, 3]
    evaluation = check("ts33401", "s1,s1,s1", attacker=attacker)
    assert evaluation.derivable_hops == [0]


# -- backward security, agreement, separation --
@pytest.mark.parametrize("variant", ["tr33821-v070", "seed-fs", "ts33401"])
@pytest.mark.parametrize("hops", ["x2,s1,s1-inter,intra-enb,x2", "s1,x2,x2:early,s1-inter"])
def test_backward_security_agreement_and_separation_hold(variant: str, hops: str) -> None:
    evaluation = check(variant, hops)
    for name in (BACKWARD, KEY_AGREEMENT):
        result = claim(evaluation, name)
        assert result.holds and result.verdicts, name
    separation = claim(evaluation, SEPARATION)
    if variant == "ts33401":
        assert separation.holds and separation.verdicts
    else:  # KeNB* of TR 33.821 (and the seed) binds the PCI, which is all the TR promises,
        # not the EARFCN-DL that TS 33.401 A.5 added: a failure, but no broken promise; its
        # words say what the variant promises without "promised" beside "not promised"
        # (helper-205 #8: "fails (not promised): ... (promised: bound to the PCI only")
        assert not separation.holds and not separation.promise_broken
        assert all("EARFCN-DL" in v.detail
                   and "PCI" not in v.detail.split(":")[1].split(" not an input")[0]
                   and "the variant's promise binds the PCI only" in v.detail
                   and "(promised" not in v.detail
                   for v in separation.verdicts if not v.holds)
    for verdict in claim(evaluation, BACKWARD).verdicts:
        assert verdict.cut  # what the target eNB lacks to go backwards


def test_a_key_agreement_witness_names_a_kenb_taken_as_it_came() -> None:
    """An X2 source sends its NH itself as KeNB* (TS 33.401 7.2.8.4.2 has it send
    KeNB* = KDF(NH, PCI, EARFCN-DL), A.5). The target derives nothing, so a witness listing
    each side's own derivations showed the UE's alone: the eNB's side now says its KeNB is
    that NH, used as it came."""
    variant = load_variant_file(str(ATTACKS / "x2_sends_nh.py"))
    evaluation = evaluate(run_scenario(variant, parse_hops("s1,x2,x2")))
    [failure] = [v for v in claim(evaluation, KEY_AGREEMENT).verdicts if not v.holds]
    assert failure.hop == 3
    assert any(line.startswith("UE's side: KeNB*[hop 3] = KDF(NH[NCC 3]")
               for line in failure.witness)
    assert f"{evaluation.analysis.serving[3]}'s side: its KeNB is NH[NCC 3], used as it came " \
        "(no derivation of its own)" in failure.witness


def test_a_key_agreement_witness_with_one_kenb_names_what_differs(tmp_path: Path) -> None:
    """A target eNB that puts NCC + 1 in its keys: both sides hold the same KeNB, derived
    alike, so neither has a derivation of its own to show; the witness names what differs."""
    path = tmp_path / "ncc_off.py"
    path.write_text(
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.variants.ts33401 import Ts33401\n"
        "@dataclass(frozen=True)\nclass V(Ts33401):\n    name: str = 'ncc-off'\n"
        "    def target_enb(self, d, fields, target, c_rnti, hop):\n"
        "        kenb, ncc, command = super().target_enb(d, fields, target, c_rnti, hop)\n"
        "        return kenb, (ncc + 1) % 8, command\n"
        "VARIANT = V()\n")
    evaluation = evaluate(run_scenario(load_variant_file(str(path)), parse_hops("x2")))
    [failure] = [v for v in claim(evaluation, KEY_AGREEMENT).verdicts if not v.holds]
    assert failure.witness[2:] == ("the same KeNB; they differ in NCC (UE 0, enb-2 1)",)
    # no party edited anything: the honest parties broke the promise themselves
    assert failure.promised


def test_a_source_that_tells_each_end_another_ncc_breaks_no_promise(
        capsys: pytest.CaptureFixture[str]) -> None:
    """helper-162 #3. TS 33.401 3.1 counts the NCC in the AS security context, so a UE and a
    target on one KeNB with two NCCs do disagree (the test above). Here a compromised X2
    source makes them: it sends the target {KeNB*, NCC 3} (TS 36.423 AS Security
    Information) and relays the target's HO command to the UE with NCC 2, the NCC of the NH
    it derived KeNB* from (7.2.8.4.2), so both take one KeNB and the confirm is verified.
    The next X2 hop, decided before the Path Switch Request Acknowledge, is horizontal at
    enb-3 with its NCC 3, while the UE, told an NCC that is not its own, synchronises NH and
    derives vertically (7.2.8.4.3): the target refuses the confirm. Key agreement and the
    authentication claims speak of handovers run by honest parties; a compromised eNB
    serving the UE can deny its handovers however it likes (it may drop them), and TS
    33.401 promises nothing against that. So both failures are shown, not promised, and
    say whose edit they follow; the run breaks no promise (exit 0)."""
    code = main(["check", "--variant", "ts33401", "--json", "--compromise", "enb-2@2",
                 "--hops", "x2,x2:edit=HandoverRequest/AS-SecurityInformation/NCC=3"
                           ":edit=HandoverRequestAcknowledge/container/NCC=2,x2:early"])
    doc = json.loads(capsys.readouterr().out)
    failures = {c["name"]: [v for v in c["verdicts"] if not v["holds"]] for c in doc["claims"]}
    [agreement] = failures[KEY_AGREEMENT]
    assert agreement["hop"] == 2 and not agreement["promised"]
    assert agreement["witness"][2] == "the same KeNB; they differ in NCC (UE 2, enb-3 3)"
    [ue_agreement] = failures["ue-agreement"]
    assert ue_agreement["hop"] == 3 and not ue_agreement["promised"]
    for failure in (agreement, ue_agreement):
        assert "enb-2, a compromised eNB, edited handover 2" in failure["detail"], failure
    assert code == 0


def test_confinement_of_k_ho() -> None:
    """The seed (section 4): K_HO is delegated "without potential of compromising any of the
    other keys": KASME, the other keys derived from it (here the NAS key and the initial
    KeNB), and every KeNB, KeNB* and NH of the run (helper-157, helper-158)."""
    confinement = claim(check("seed-fs", "s1"), CONFINEMENT)
    assert confinement.holds and confinement.promised
    [verdict] = confinement.verdicts
    assert {"lacks KASME", "lacks KNASint", "lacks KeNB[hop 0]"} <= set(verdict.cut)
    assert verdict.detail.startswith("K_HO reveals none of KASME, KNASint, KeNB[hop 0], nor "
                                     "any of the run's 2 other KeNB, KeNB* and NH values")


@dataclass(frozen=True)
class NhFromKho(Ts33401):
    """TS 33.401 whose MME delegates the seed's K_HO and keys the NH chain with it, dropping
    A.4's SYNC-input for a constant: NH = KDF(K_HO, FC 0x12, 0x00). K_HO then reveals every
    NH, and through A.5's vertical KeNB* (NH, PCI, EARFCN-DL) the KeNBs built on them."""

    name: str = "ts33401-nh-from-k-ho"

    def delegated_keys(self) -> tuple[str, ...]:
        return ("K_HO",)

    def nh(self, d: Deriver, kasme: bytes, sync_input: bytes, sync_name: str) -> bytes:
        k_ho = SeedFs().k_ho(d, kasme)  # the seed's K_HO (SA3 contribution section 3)
        return d.kdf("NH", "A.4 without SYNC-input", secret("K_HO", k_ho), 0x12,
                     public("constant", b"\x00"))


def test_confinement_names_the_nh_a_delegated_key_reveals() -> None:
    """The claim's reading of the seed (section 4): revealing K_HO reveals "neither KASME, nor
    any other key derived from it, nor any KeNB, KeNB* or NH" (``delegated_keys``). An NH
    keyed by K_HO and public inputs alone is revealed, and named, beside the KeNBs derived
    from it (helper-159 M13: a claim that left NH out of the hierarchy still failed here,
    on the KeNBs, and named no NH)."""
    confinement = claim(evaluate(run_scenario(NhFromKho(), parse_hops("s1,s1"))), CONFINEMENT)
    [verdict] = [v for v in confinement.verdicts if not v.holds]
    # one NH value (no SYNC-input chains them), which every NCC names
    assert verdict.detail == "K_HO reveals KeNB[hop 1], KeNB[hop 2], NH[NCC 1, 2 and 3]"
    assert verdict.witness[1].startswith("NH[NCC 1, 2 and 3] = KDF(K_HO, FC=0x12")


def test_confinement_judges_facts_that_do_not_extend_those_it_read_last_afresh() -> None:
    """A search restores a state and judges its successors with one claim object: the facts
    it reads next need not extend those it read last (a sibling, a shorter path). What the
    claim grew over the leaking run (``NhFromKho``: K_HO reveals NH and the KeNBs from it)
    must not leak into the verdict on seed-fs's own run, where K_HO reveals nothing
    (helper-172: a mutant that never started over survived)."""
    leaking = evaluate(run_scenario(NhFromKho(), parse_hops("s1,s1,s1")))
    honest = evaluate(run_scenario(load("seed-fs"), parse_hops("s1")))
    claim_object = Confinement(load("seed-fs"), small_topology())
    first = claim_object.judge(leaking.facts)
    assert first is not None and not first.holds
    again = claim_object.judge(honest.facts)
    assert again is not None and again.holds, again
    fresh = Confinement(load("seed-fs"), small_topology()).judge(honest.facts)
    assert fresh is not None and again.detail == fresh.detail


# -- cross-check by execution --
CROSS_CHECKED = [("tr33821-v070", "x2,s1,s1-inter,intra-enb"), ("seed-fs", "x2,s1,x2"),
                 ("ts33401", "x2,x2:early,x2,s1")]


@pytest.mark.parametrize(("variant", "hops"), CROSS_CHECKED)
def test_every_derivable_key_is_recomputed_and_forges_an_accepted_confirm(
        variant: str, hops: str) -> None:
    """The key graph's answer, executed: a KeNB it says the hop's source derives is
    recomputed and forges a HO confirm the real target accepts; one it says the source does
    not derive cannot be recomputed, and a verdict of forward or backward security that
    holds says why in its cut, as ``check`` prints it (text38: the test read a copy of the
    cut, made by the graph, that no verdict used)."""
    run = run_scenario(load(variant), parse_hops(hops))
    analysis = Analysis.of(run)
    checked = 0
    for hop in analysis.hops:
        attacker = Attacker((Compromise(analysis.source(hop), hop),))
        for later in analysis.hops[hop - 1:]:
            if analysis.serving[later] in attacker.entities:
                continue
            node = analysis.kenb_node(later)
            if analysis.derivable(attacker, later):
                kenb = recompute(analysis, attacker, node)
                assert kenb == analysis.kenb[later]
                target = run.system.entity(analysis.serving[later])
                forged = protect_rrc(AsKeys.derive(Deriver(), kenb, None), 0, UPLINK, ())
                real = _target_keys_at(run, later)
                unprotect_rrc(real, 0, UPLINK, forged)  # raises if the target would refuse
                assert target is not None
                checked += 1
            else:
                with pytest.raises(LookupError):
                    recompute(analysis, attacker, node)
    assert checked > 0
    evaluation = evaluate(run)
    cuts = [v.cut for name in (FORWARD, BACKWARD) for v in claim(evaluation, name).verdicts
            if v.holds]
    assert cuts and all(cut and all(line.startswith("lacks ") for line in cut) for cut in cuts)


def _target_keys_at(run, hop: int) -> AsKeys:  # type: ignore[no-untyped-def]
    result = run.hops[hop - 1]
    step = next(s for s in run.system.steps[result.first_step:]
                if s.message.kind is Kind.RRC_HANDOVER_CONFIRM and s.outcome.accepted)
    return step.ctx_after.keys.as_keys


@pytest.mark.parametrize("variant", ["ts33401", "seed-fs", "tr33821-v070"])
@pytest.mark.parametrize("hops, unprotected", [("x2,s1", True), ("x2,x2:early,x2", False),
                                               ("x2,s1,s1-inter", False)])
def test_the_failure_shown_for_a_claim_says_what_the_claims_word_says(
        variant: str, hops: str, unprotected: bool) -> None:
    """A claim's word (broken promise, not promised, outside the promise) and the failure
    whose witness stands for it agree: seed-fs's forward security on x2,s1 with the backhaul
    open is "not promised" (the X2 hop) and once showed the network's witness, outside."""
    evaluation = evaluate(run_scenario(load(variant), parse_hops(hops)),
                          adversary=Adversary(backhaul_unprotected=unprotected))
    for claim in evaluation.claims:
        shown = claim.shown
        if shown is None:
            assert claim.holds
            continue
        assert shown.promised == claim.promise_broken
        assert shown.outside == (None if claim.promise_broken else claim.outside)


@dataclass(frozen=True)
class KhoMisnamed(SeedFs):
    """seed-fs whose K_HO derivation is recorded as "KHO", while ``delegated_keys`` names
    K_HO: confinement is promised and no key it speaks of ever exists (a reviewer's case)."""

    name: str = "seed-fs-kho-misnamed"

    def k_ho(self, d: Deriver, kasme: bytes) -> bytes:
        return d.kdf("KHO", CLAUSE, secret("KASME", kasme), FC_K_HO,
                     public("Handover String", HANDOVER_STRING))


def test_a_promised_confinement_that_never_arose_is_vacuous_not_absent() -> None:
    """check dropped confinement when it had no verdict, so a variant that promises it and
    never derives the delegated key showed no line and no warning (verify warned)."""
    evaluation = evaluate(run_scenario(KhoMisnamed(), parse_hops("s1")))
    assert claim(evaluation, CONFINEMENT).vacuous and CONFINEMENT in evaluation.vacuous
    # seed section 4 delegates K_HO to the target MME: on X2 hops nothing is promised, and
    # the claim is n/a, listed as verify and the report list it (review46: check left it out)
    unpromised = claim(check("seed-fs", "x2,x2"), CONFINEMENT)
    assert not unpromised.applies and not unpromised.vacuous
    assert claim(check("seed-fs", "x2,s1"), CONFINEMENT).holds


@dataclass(frozen=True)
class HorizontalUnbound(Ts33401):
    """A horizontal KeNB* without the target cell: KDF(KeNB, 0x13), no P0, P1 (TS 33.401
    A.5: "P0 = PCI (target physical cell id) ... P1 = EARFCN-DL"); vertical ones as A.5."""

    name: str = "horizontal-unbound"

    def kenb_star(self, d, key, key_name, target):  # type: ignore[no-untyped-def]
        if key_name == "KeNB":
            return d.kdf("KeNB*", "A.5 without the cell", secret(key_name, key), 0x13)
        return super().kenb_star(d, key, key_name, target)


def test_a_kenb_is_bound_to_its_target_cell_by_its_own_derivations_not_an_earlier_hops() -> None:
    """helper-151: hop 3 goes back to enb-3/cell-1, whose PCI and EARFCN-DL hop 1's vertical
    KeNB* took; hop 3's own KeNB* takes neither, yet key separation read "bound to its PCI
    and EARFCN-DL", as it looked through the KeNB's whole ancestry. A.5 binds each KeNB* to
    its own handover's target cell: the derivations leading to the KeNB from KASME or an
    earlier KeNB must take them."""
    run = run_scenario(HorizontalUnbound(), parse_hops(
        "s1@enb-3/cell-1,intra-enb@enb-3/cell-2,intra-enb@enb-3/cell-1"))
    verdicts = {v.hop: v for v in claim(evaluate(run), SEPARATION).verdicts}
    assert verdicts[1].holds, verdicts[1]
    for hop in (2, 3):
        assert not verdicts[hop].holds and verdicts[hop].promised, verdicts[hop]
        assert "PCI" in verdicts[hop].detail and "EARFCN-DL" in verdicts[hop].detail


@dataclass(frozen=True)
class TrKenbStarUnbound(Tr33821V070):
    """TR 33.821 v0.7.0 with a KeNB* that drops the target PCI: KDF(KeNB, 0xF0), no P0. The
    TR's KeNB* is "one way hash over the current KeNB and the physical cell ID" (seed
    section 2), and the variant promises key separation bound to the PCI
    (``Promise.binds``); the EARFCN-DL, which TS 33.401 A.5 added later, it never takes."""

    name: str = "tr33821-kenb-star-unbound"

    def kenb_star(self, d, kenb, target):  # type: ignore[no-untyped-def]
        return d.kdf("KeNB*", "TR 33.821 without the PCI", secret("KeNB", kenb), 0xF0)


@pytest.mark.parametrize("hops", ["x2", "s1", "intra-enb"])
def test_a_kenb_missing_a_promised_cell_part_breaks_the_promise_whatever_else_it_misses(
        hops: str) -> None:
    """A KeNB bound to neither the PCI nor the EARFCN-DL of its target cell breaks a promise
    of key separation that binds the PCI alone: the PCI is promised (the TR's KeNB* takes
    "the physical cell ID", seed section 2), and a KeNB that also lacks the EARFCN-DL,
    which nothing promises, lacks it still. (A mutant that called the failure a broken
    promise only when every missing part was promised, ``all`` for ``any``, read "fails
    (not promised)" here and survived the suite.)"""
    [verdict] = claim(evaluate(run_scenario(TrKenbStarUnbound(), parse_hops(hops))),
                      SEPARATION).verdicts
    assert not verdict.holds and verdict.promised, verdict
    assert "PCI" in verdict.detail and "EARFCN-DL" in verdict.detail, verdict
    assert "the variant's promise binds" not in verdict.detail, verdict


@pytest.mark.parametrize("beside", ["KASME", "ue"])
def test_an_enb_that_breaks_a_one_hop_promise_alone_breaks_it_with_more_beside_it(
        beside: str) -> None:
    """seed-fs promises 1-hop forward security on S1 hops (seed section 3: KeNB*+ mixes in
    K_HO); a variant with its promises whose target MME passes KeNB* on unchanged
    (``seed_mme_no_plus.py``) lets the source eNB derive the next KeNB, one hop after its
    last legitimate one (TS 33.501 3.1: n-hop forward security fails where a key used n
    hops later is derived; here n = 1 at distance 1): enb-1 alone breaks the promise. An
    attacker holding enb-1 and more (KASME, the UE) is a stronger one: its failure is the
    same broken promise, not "outside the promise" (``_Claim.excused``). (A mutant that
    counted the eNB alone as breaking it only from distance 2 on, ``distance > wanted``,
    excused the coalition and survived the suite.)"""
    variant = load_variant_file(str(ATTACKS / "seed_mme_no_plus.py"))
    alone = claim(evaluate(run_scenario(variant, parse_hops("s1")),
                           Attacker((Compromise("enb-1", 1),))), FORWARD)
    assert alone.promise_broken, alone.verdicts
    evaluation = evaluate(run_scenario(variant, parse_hops("s1")),
                          Attacker((Compromise("enb-1", 1), Compromise(beside, 1))))
    failures = [v for v in claim(evaluation, FORWARD).verdicts
                if not v.holds and f"enb-1@1, {beside}@1" in v.attacker]
    assert failures, claim(evaluation, FORWARD).verdicts
    for verdict in failures:
        assert verdict.promised and verdict.outside is None, verdict
        assert "outside the promise" not in verdict.detail, verdict


# the S1 hop of ``ORACLE`` names its source enb-1 as the Target ID, and enb-1 refuses the
# HANDOVER REQUEST the MME sends it, for a cell it does not serve (TS 36.413 8.4.2.3); the UE
# stays, and the next hop, honest, starts from enb-1
ORACLE = "s1@enb-4/cell-2:edit=HandoverRequired/target eNB='enb-1',s1@enb-4/cell-2"


@pytest.mark.parametrize("variant", ["seed-fs", "ts33401"])
def test_a_source_that_names_itself_as_the_target_reads_the_next_key_of_the_seed(
        variant: str, capsys: pytest.CaptureFixture[str]) -> None:
    """helper-162 #1b, with one compromised eNB. The source builds S1AP HANDOVER REQUIRED and
    its Target ID (TS 36.413 9.1.5.1); the MME prepares the eNB it names (TS 23.401
    5.5.1.2.2; open5gs's MME looks the Target ID's Global eNB ID up and checks nothing
    else). The seed's target MME computes KeNB*+ = KDF(K_HO, KeNB*) from the KeNB* the
    source sent (SA3 contribution section 3 step 4), which it cannot check: enb-1 sends the
    KeNB* of enb-4/cell-2 with a Target ID naming itself, reads the KeNB*+ in the HANDOVER
    REQUEST it then refuses (a cell it does not serve), and when it hands the UE to
    enb-4/cell-2 the same KeNB*+ gives the UE's KeNB there (KDF(KeNB*+, C-RNTI), section 2):
    the seed's promised S1 forward security fails. In TS 33.401 the MME derives a fresh NH
    for every HANDOVER REQUIRED (7.2.8.4.3): the NH enb-1 read is not the next one."""
    code = main(["check", "--variant", variant, "--json", "--compromise", "enb-1@1",
                 "--hops", ORACLE])
    doc = json.loads(capsys.readouterr().out)
    assert [h["confirm_sent"] for h in doc["hops"]] == [False, True]
    [forward] = [c for c in doc["claims"] if c["name"] == FORWARD]
    failures = [v for v in forward["verdicts"] if not v["holds"]]
    if variant == "ts33401":
        assert not failures and code == 0
        return
    assert code == 1 and failures and failures[0]["promised"], forward
    assert any("KeNB*+" in line for line in failures[0]["witness"]), failures[0]


def test_the_oracle_of_two_compromised_enbs_is_the_coalitions_not_its_reader_alone(
        capsys: pytest.CaptureFixture[str]) -> None:
    """helper-165 #3. enb-1, the source, names enb-3 as the Target ID; enb-3 reads KeNB*+ in
    the HANDOVER REQUEST the MME sends it, and refuses it; enb-1 then hands the UE to
    enb-4/cell-2 on the same KeNB*+ (SA3 contribution section 3 step 4). The coalition
    derives the later KeNB: seed-fs's promised forward security fails. enb-1 alone never
    sees that KeNB*+ (it holds); enb-3 alone would never have been sent it, since the Target
    ID is enb-1's to write (TS 36.413 9.1.5.1): the part without enb-1 is judged on no run
    it could make, and says so instead of failing."""
    code = main(["check", "--variant", "seed-fs", "--json", "--compromise", "enb-1@1",
                 "--compromise", "enb-3@1", "--hops", ORACLE.replace("'enb-1'", "'enb-3'")])
    doc = json.loads(capsys.readouterr().out)
    [forward] = [c for c in doc["claims"] if c["name"] == FORWARD]
    verdicts = {v["attacker"]: v for v in forward["verdicts"]}
    whole, enb_1 = "radio observer + enb-1@1, enb-3@1", "radio observer + enb-1@1 (without enb-3)"
    enb_3 = "radio observer + enb-3@1 (without enb-1)"
    assert not verdicts[whole]["holds"] and verdicts[whole]["promised"], forward
    assert verdicts[enb_1]["holds"], forward
    assert enb_3 not in verdicts, forward
    assert any(why.startswith(f"{enb_3}: the run rests on enb-1's edit")
               for why in forward["not_judged"]), forward
    assert code == 1


def test_a_part_holding_either_end_that_could_make_the_edit_is_judged(
        capsys: pytest.CaptureFixture[str]) -> None:
    """helper-171 #1. enb-1 builds the X2AP HANDOVER REQUEST and writes its
    AS-SecurityInformation (TS 36.423 9.1.1.1; the NCC, TS 33.401 7.2.8.4.2); enb-2, its
    receiver, may relay it otherwise. Held by one coalition, the edit NCC=1 is named as the
    receiver's, yet enb-1 alone could make it too: the part without enb-2 ran on a run it
    could make. It read "the run rests on enb-2's edit ..., which a part without enb-2
    cannot make" and was judged in no claim."""
    main(["check", "--variant", "ts33401", "--topology", "small", "--json",
          "--compromise", "enb-1@1", "--compromise", "enb-2@1",
          "--hops", "x2@enb-2/cell-1:edit=HandoverRequest/AS-SecurityInformation/NCC=1"])
    doc = json.loads(capsys.readouterr().out)
    [backward] = [c for c in doc["claims"] if c["name"] == BACKWARD]
    part = "radio observer + enb-1@1 (without enb-2)"
    assert not any("cannot make" in why for c in doc["claims"] for why in c["not_judged"]), doc
    assert (any(v["attacker"] == part for v in backward["verdicts"])
            or any(why.startswith(part) for why in backward["not_judged"])), backward


def test_an_edit_of_a_handover_that_never_completed_leaves_the_next_one_judged(
        capsys: pytest.CaptureFixture[str]) -> None:
    """helper-173 #2. enb-1's HANDOVER REQUIRED names enb-2 as the target eNB, which refuses
    a cell it does not serve (TS 36.413 8.4.2.3): hop 1 never completes and puts no key in
    use (TS 36.423 8.2.1.3, the UE stays). Hop 2, an X2 handover from enb-1 with no edit,
    was judged by aliveness and agreement (the target's view), but not by ue-agreement (the
    UE's), whose HO command enb-1 relays: an editing eNB's whole run counted as dishonest,
    though the claims excuse no later failure after an edit that installed nothing."""
    main(["check", "--variant", "ts33401", "--json", "--compromise", "enb-1@1",
          "--hops", "s1:edit=HandoverRequired/target eNB='enb-2',x2"])
    doc = json.loads(capsys.readouterr().out)
    assert [h["confirm_sent"] for h in doc["hops"]] == [False, True]
    hops = {c["name"]: [v["hop"] for v in c["verdicts"]] for c in doc["claims"]}
    assert hops["agreement"] == hops["ue-agreement"] == [2], hops


def test_a_later_handover_of_an_enb_that_edited_is_said_unjudged_in_every_claim(
        capsys: pytest.CaptureFixture[str]) -> None:
    """helper-176. enb-2, the target of hop 1, edits the NCC of the X2 request (TS 36.423
    9.1.1.1) and writes NCC 0 back into the HO command: hop 1 completes on one KeNB with
    two NCCs, and what that set may live on (TS 33.401 3.1). enb-2 relays hop 2's HO
    command and takes the UE back in hop 3. aliveness and agreement left hop 3 (its
    acceptance) unjudged without a word, injective-agreement judged it (a compromised
    target's acceptance claims nothing: ``_Authentication``), and ue-agreement read n/a with
    only hop 1's edit as its reason; the first three judged hop 2, prepared by enb-2
    (helper-176 #4: a source that edited is no honest peer either)."""
    main(["check", "--variant", "ts33401", "--topology", "small", "--json",
          "--compromise", "enb-2@1", "--hops",
          "x2@enb-2/cell-1:edit=HandoverRequest/AS-SecurityInformation/NCC=1"
          ":edit=HandoverRequestAcknowledge/container/NCC=0,x2,x2"])
    doc = json.loads(capsys.readouterr().out)
    assert [h["confirm_verified"] for h in doc["hops"]] == [True, True, True]
    claims = {c["name"]: c for c in doc["claims"]}
    party = "enb-2, which edited handover 1 as a compromised eNB, is a party of handover {}:"
    for name in AUTHENTICATION:  # enb-2 is hop 2's source and hop 3's target
        assert not claims[name]["verdicts"], claims[name]
        for hop in (2, 3):
            assert any(why.startswith(party.format(hop))
                       for why in claims[name]["not_judged"]), claims[name]


def test_the_edits_of_a_hop_are_judged_against_the_run_without_any_of_them(
        capsys: pytest.CaptureFixture[str]) -> None:
    """helper-176 #3: docs/commands.md, several edits of a hop "are judged together, against
    the run without any of them". Without either edit, hop 1 completes (horizontal KeNB*,
    TS 33.401 7.2.8.4.3); the second edit was judged against the run that kept the first
    (NCC 3 sent with a horizontal KeNB*), which never completes."""
    main(["check", "--variant", "ts33401", "--json", "--compromise", "enb-1@1",
          "--compromise", "enb-2@1", "--hops",
          "x2:edit=HandoverRequest/AS-SecurityInformation/NCC=3"
          ":edit=HandoverRequestAcknowledge/container/new C-RNTI=49675,x2"])
    said = json.dumps(json.loads(capsys.readouterr().out)["claims"])
    assert "handover 1 never completes" not in said


def test_a_later_handover_from_a_source_that_edited_is_judged_by_no_authentication_claim(
        capsys: pytest.CaptureFixture[str]) -> None:
    """helper-176 #4. enb-4, the target of hop 1, edits the keyChangeIndicator of its HO
    command (TS 36.331 securityConfigHO) and hop 1 completes; it is the source of hop 2 and
    sends the request that prepares enb-2. agreement read "the request that prepared it was
    sent by an honest source eNB or MME", and aliveness and injective-agreement held, while
    ue-agreement left the hop unjudged."""
    main(["check", "--variant", "ts33401", "--json", "--compromise", "enb-4@1", "--hops",
          "s1:edit=HandoverRequestAcknowledge/container/keyChangeIndicator=True,x2"])
    doc = json.loads(capsys.readouterr().out)
    assert [h["confirm_verified"] for h in doc["hops"]] == [True, True]
    for claim in (c for c in doc["claims"] if c["name"] in AUTHENTICATION):
        assert not claim["verdicts"], claim
        assert any(why.startswith("enb-4, which edited handover 1 as a compromised eNB, is a "
                                  "party of handover 2:") for why in claim["not_judged"]), claim


def test_a_failure_after_edits_by_the_source_and_the_target_names_both(
        capsys: pytest.CaptureFixture[str]) -> None:
    """helper-176 #3. enb-4, the S1 target, edits the C-RNTI of its HO command (TS 36.413
    9.1.5.2's container) and enb-1 the NCC the MME sends it: enb-4 rejects the HO confirm of a
    UE on NH(3) (TS 33.401 7.2.8.4.3). The edit claims judge enb-1's edit (enb-4's, the
    target's own, deceives no one), but the failure follows both: it read "after enb-1
    edited"."""
    main(["check", "--variant", "ts33401", "--json", "--compromise", "enb-1@1",
          "--compromise", "enb-4@1", "--hops",
          "s1:edit=HandoverRequestAcknowledge/container/new C-RNTI=27562"
          ":edit=HandoverCommand/container/NCC=3,x2"])
    [denial] = [c for c in json.loads(capsys.readouterr().out)["claims"]
                if c["name"] == "handover-denial"]
    [verdict] = [v for v in denial["verdicts"] if v["hop"] == 1]
    assert verdict["detail"].startswith(
        "after enb-1 and enb-4 edited a message of handover 1, the target enb-4 refuses the "
        "HO confirm"), verdict


def test_a_handover_two_enbs_edited_names_both_in_every_claim(
        capsys: pytest.CaptureFixture[str]) -> None:
    """helper-173 #4. enb-1 and enb-2 each edit hop 1 (the X2 request's NCC, TS 36.423
    9.1.1.1, and the HO command's, TS 36.331 securityConfigHO): key-agreement named the
    first editor, the authentication claims the last, and each edit claim said the reason of
    one editor where each edit had its own."""
    main(["check", "--variant", "ts33401", "--json", "--compromise", "enb-1@1",
          "--compromise", "enb-2@1", "--hops",
          "x2:edit=HandoverRequest/AS-SecurityInformation/NCC=1"
          ":edit=HandoverRequestAcknowledge/container/NCC=0"])
    claims = {c["name"]: c for c in json.loads(capsys.readouterr().out)["claims"]}
    [agreement] = claims["key-agreement"]["verdicts"]
    assert "(after enb-1 and enb-2, compromised eNBs, edited handover 1:" in agreement["detail"]
    for name in ("aliveness", "agreement", "injective-agreement", "ue-agreement"):
        assert claims[name]["not_judged"][0].startswith(
            "compromised eNBs (enb-1, enb-2) edited handover 1:"), claims[name]
    # either end may make either edit (helper-176 #1: ``hop_edits.makers``): judged as
    # each's, downgrade-resistance says why it judges neither, and handover-denial names
    # both edits with their makers
    [why] = claims["downgrade-resistance"]["not_judged"]
    assert "enb-2, which edited handover 1" in why and "holding enb-1 derives" in why, why
    [denial] = claims["handover-denial"]["verdicts"]
    assert ("after enb-2's edit of X2AP HandoverRequest enb-1->enb-2 and enb-1's edit of "
            "X2AP HandoverRequestAcknowledge enb-2->enb-1") in denial["detail"], denial


def test_an_edited_preparation_that_was_refused_excuses_no_later_failure(
        capsys: pytest.CaptureFixture[str]) -> None:
    """helper-165 #1. ``x2_sends_nh.py`` is TS 33.401 with one bug: an X2 source sends its NH
    as KeNB* (7.2.8.4.2 has it send KDF(NH, PCI, EARFCN-DL), A.5), so the UE runs hop 3 on
    a session no target prepared: a promised failure between honest eNBs. A compromised
    enb-1 that named itself as hop 1's Target ID and refused the HandoverRequest installed
    nothing in anyone's context (the preparation failed, TS 36.413 8.4.1.3), so the failure
    stays promised, exit 1."""
    code = main(["check", "--variant-file", str(ATTACKS / "x2_sends_nh.py"), "--json",
                 "--compromise", "enb-1@1", "--hops",
                 "s1@enb-4/cell-2:edit=HandoverRequired/target eNB='enb-1':refused,x2,x2"])
    doc = json.loads(capsys.readouterr().out)
    [ue_agreement] = [c for c in doc["claims"] if c["name"] == "ue-agreement"]
    failures = [v for v in ue_agreement["verdicts"] if not v["holds"]]
    assert failures and all(v["promised"] for v in failures), failures
    assert code == 1


@pytest.mark.parametrize("refused, at, plain, plain_at, completed", [
    ("x2:refused,x2,x2", 2, "x2,x2", 1, [0, 2, 3]),
    ("x2,s1:refused,x2", 3, "x2,x2", 2, [0, 1, 3])])
def test_a_refused_hop_before_a_compromise_changes_no_kenb_it_is_judged_on(
        refused: str, at: int, plain: str, plain_at: int, completed: list[int]) -> None:
    """A refused preparation derives no KeNB the UE uses (TS 36.423 8.2.1.3, TS 36.413
    8.4.2.3: the target answers with a failure and the UE stays), so KASME revealed just
    before the hop after the refused one is judged on the same KeNBs as in the run without
    the refused hop: those completed before the compromise are earlier (backward security,
    TS 33.501 3.1), the rest later (forward security). ``check --compromise WHO@HOP`` names
    the handover HOP; a claim that took it for the number of KeNBs completed counted the KeNB
    of the hop after the refused one, used after the compromise, as an earlier one. The
    texts name each KeNB by the hop that put it in use (``completed``: the plain run's k-th
    KeNB is the refused run's KeNB of hop ``completed[k]``), the compromise by its own run's
    hop."""
    def details(hops: str, hop: int, named: list[int]) -> dict[str, list[str]]:
        evaluation = check("ts33401", hops, attacker=Attacker((Compromise("KASME", hop),)))
        return {name: [re.sub(r"\[([^\]]*)\]|(?<=KeNB of hop )(\d+)", lambda m: hop_list(
            named[int(n)] for n in m[1].split(", ")) if m[1] is not None
            else str(named[int(m[2])]), v.detail).replace(
                f"its compromise in hop {hop}", "its compromise") for v in
                       claim(evaluation, name).verdicts] for name in (BACKWARD, FORWARD)}
    assert details(refused, at, list(range(4))) == details(plain, plain_at, completed)


@dataclass(frozen=True)
class KenbStarIsKenb(Ts33401):
    """TS 33.401 whose source hands its own KeNB on as KeNB* (A.5 not applied)."""

    name: str = "kenb-star-is-kenb"

    def kenb_star(self, d: Deriver, key: bytes, key_name: str, target: Cell) -> bytes:
        return key


def test_a_kenb_kept_across_an_intra_enb_handover_serves_two_cells() -> None:
    """An intra-eNB handover refreshes KeNB like any other (TS 33.401 7.2.8.1: "the KeNB
    ... is derived for the target cell"; KeNB* binds its PCI and EARFCN-DL, A.5). A KeNB
    kept across one is used at two cells of one eNB: spatial separation fails, named as
    such ("also serves"), not as a KeNB merely used again in time."""
    run = run_scenario(KenbStarIsKenb(), parse_hops("intra-enb"))
    [verdict] = claim(evaluate(run), SEPARATION).verdicts
    assert not verdict.holds and verdict.promised
    assert verdict.detail == "KeNB[hop 1] also serves hop 0 (enb-1, enb-1/cell-1)", verdict


def test_the_key_graph_names_a_kenb_used_twice_as_the_claims_do() -> None:
    """The KeNB kept across the intra-eNB hop above is the initial KeNB, in use from hop 0:
    the claims' witnesses name it KeNB[hop 0] (``Facts.label``, the first completion that
    used it); the key graph named it KeNB[hop 1], the last hop, so a report's graph and its
    verdicts named one key two ways."""
    run = run_scenario(KenbStarIsKenb(), parse_hops("intra-enb"))
    evaluation = evaluate(run)
    assert run.hops[0].kenb_enb == run.initial_kenb
    assert evaluation.facts.label(run.initial_kenb) == "KeNB[hop 0]"
    assert evaluation.analysis.graph.label(value_node(run.initial_kenb)) == "KeNB[hop 0]"


def test_refusal_changes_nothing_fails_on_a_refusal_that_changed_the_refusers_keys() -> None:
    """An entity that refuses a message keeps its state and keys (TS 36.423 8.2.1.3: the
    target answers HANDOVER PREPARATION FAILURE and releases nothing it did not allocate).
    The claim is an invariant of the model: no variant hook can break it, so its "holds" is
    shown able to fail on a step whose refusing receiver came out with another key record
    (a mutant that skipped the comparison survived the suite)."""
    run = run_scenario(load("ts33401"), parse_hops("x2:refused,x2"))
    refused = next(s for s in run.system.steps if not s.outcome.accepted)
    before = run.system.initial[refused.message.receiver][1]
    other = next(s.ctx_after for s in run.system.steps
                 if s.message.receiver == refused.message.receiver and s.ctx_after != before)
    rule = RefusalChangesNothing(run.variant, run.topology)
    assert rule.observe(rule.initial(), Event(refused, before), Facts()).failures == ()
    [failure] = rule.observe(rule.initial(), Event(replace(refused, ctx_after=other), before),
                             Facts()).failures
    assert not failure.holds and failure.detail.startswith(
        f"{refused.message.receiver} changed its keys on a refused"), failure


def test_a_coalition_whose_enbs_alone_break_only_an_assumption_is_outside_the_promise(
        capsys: pytest.CaptureFixture[str]) -> None:
    """TS 33.401 7.2.8.4.2: an X2 target gets a fresh {NH, NCC} in the Path Switch Request
    Acknowledge; hop 2, decided before it arrived (``:early``), derives KeNB* horizontally
    from KeNB[hop 1], which enb-1 derived as hop 1's source. So enb-1 alone derives hop 2's
    KeNB only where the run breaks the promise's assumption (path-switch-first), and with
    KASME beside it every KeNB (TS 33.401 A.3, A.4), a key outside a promise made against a
    compromised eNB (7.2.8.1). Neither is a broken promise: exit 0. A mutant that let the
    eNBs alone break the promise whatever the assumption read "FAILS (promised) ... its eNBs
    alone (enb-1) derive the KeNB of hop 2"."""
    hops = ["--variant", "ts33401", "--hops", "x2,x2:early,x2", "--json"]
    for beside in ([], ["--compromise", "KASME@1"]):
        code = main(["check", *hops, "--compromise", "enb-1@1", *beside])
        doc = json.loads(capsys.readouterr().out)
        [forward] = [c for c in doc["claims"] if c["name"] == FORWARD]
        assert not forward["holds"] and forward["outside_promise"], forward
        assert not any(v["promised"] for v in forward["verdicts"]), forward
        assert code == 0


def test_confinement_arises_once_per_derivation_of_the_delegated_key() -> None:
    """Confinement's situation is "a delegated key was derived". In one seed-fs S1 hop the
    target MME derives K_HO = KDF(KASME, "Handover String") to make KeNB*+, and the UE derives
    the same K_HO to follow it (SA3 contribution section 3 step 4): twice, and no other
    derivation of the run (KeNB, KeNB*, KeNB*+, the RRC and UP keys) is of the delegated key.
    TS 33.401 delegates none, so there it never arises (helper-172 #1: a mutant counting the
    other derivations instead, `check --variant seed-fs --hops s1` "sometimes 11", survived)."""
    [seed] = [c for c in evaluate(run_scenario(load("seed-fs"), parse_hops("s1"))).claims
              if c.name == "confinement"]
    assert (seed.holds, seed.sometimes) == (True, 2), seed
    [ts] = [c for c in evaluate(run_scenario(load("ts33401"), parse_hops("s1"))).claims
            if c.name == "confinement"]
    assert (ts.applies, ts.sometimes) == (False, 0), ts


def test_ncc_sync_follows_the_ue_back_to_a_kenb_from_kasme(
        capsys: pytest.CaptureFixture[str]) -> None:
    """helper-180: keyChangeIndicator TRUE makes the UE derive KeNB from KASME again
    (TS 36.331 5.3.5.4), the initial KeNB with NCC 0 (TS 33.401 7.2.8.1.1). On hop 7 of
    seven S1 hops the MME sends NH(8), NCC 0 (7.2.8.4.3): the UE derives horizontally from
    that KeNB, eight NH derivations behind the MME, where NCC 0 no longer names one NH. The
    claim read "holds", its UE still at NH(6); it fails now, outside the promise: the chain
    moved for an edit by the compromised source, not for the honest parties."""
    hops = ",".join(["s1"] * 6) + ",s1:edit=HandoverCommand/container/keyChangeIndicator=True"
    assert main(["check", "--variant", "ts33401", "--hops", hops,
                 "--compromise", "source@7", "--json"]) == 0
    [claim] = [c for c in json.loads(capsys.readouterr().out)["invariants"]
               if c["name"] == "ncc-sync"]
    [verdict] = [v for v in claim["verdicts"] if not v["holds"]]
    assert verdict["hop"] == 7 and not verdict["promised"]
    assert verdict["detail"].startswith("mme-1 holds NH(8) and the UE's active KeNB is at "
                                        "NH(0) of the chain (the initial KeNB)")
