"""The attacker model (properties/adversary.py): which interfaces the network attacker acts on,
what it can inject or forge from its knowledge, and the parties and keys it may compromise.

Expected verdicts are read from the specs: TS 33.401 11 and TS 33.210 (S1, X2, S10 under
NDS/IP: no replay, no forging, no reading), TS 36.323 5.7 (a PDU whose MAC-I fails is
discarded), TS 33.401 7.2.8.1 (forward security is promised against an eNB that knows a
KeNB, not against a holder of KASME).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hoverify.properties.adversary import EDIT_SEARCH, Adversary, protocol_followed
from hoverify.properties.attacker import Attacker, Compromise
from hoverify.properties.claims import (
    AUTHENTICATION,
    BACKWARD,
    CAPTURE,
    CONFINEMENT,
    DOWNGRADE,
    FORWARD,
    KEY_AGREEMENT,
    SEPARATION,
    ClaimResult,
)
from hoverify.properties.evaluate import evaluate
from hoverify.properties.exploration import (
    Action,
    Exploration,
    Finding,
    injected_kind,
    message_digest,
    numbered_starts,
)
from hoverify.properties.explore import EXPLORATION_KASME
from hoverify.properties.promises import find_promise
from hoverify.properties.replay import replay
from hoverify.properties.verify import verify
from hoverify.statemachines.entity import Outcome, Reject
from hoverify.statemachines.messages import Interface, Kind
from hoverify.statemachines.protection import DOWNLINK, UPLINK, unprotect_rrc
from hoverify.statemachines.scenario import parse_hops, run_scenario
from hoverify.statemachines.topology import small_topology
from hoverify.statemachines.variant import AsKeys
from hoverify.statemachines.variants import BUILT_IN, load

from hoverify import cli, runs
from hoverify.report_job import ATTACKER
from hoverify.runs import EDITS_ONLY
from hoverify.variant_file import load_variant_file

UNPROTECTED = Adversary(backhaul_unprotected=True)
BROKEN = Path(__file__).parent / "broken_variants"


def _after_x2_handover(adversary: Adversary, variant: str = "ts33401") -> Exploration:
    """One X2 handover (enb-1 -> enb-2) run to its end, in order."""
    exploration = Exploration(load(variant), small_topology(), EXPLORATION_KASME,
                              adversary=adversary)
    cells = [c.name for c in exploration.neighbours()]
    exploration.start_handover(cells.index("enb-2/cell-1"))
    while exploration.system.in_flight:
        exploration.deliver(0)
    return exploration


def _deliver_last(exploration: Exploration) -> Outcome:
    exploration.deliver(len(exploration.system.in_flight) - 1)
    return exploration.system.steps[-1].outcome


def _index(exploration: Exploration, kind: Kind) -> int:
    return next(i for i, m in enumerate(exploration.history) if m.kind is kind)


def test_a_stale_x2ap_handover_request_is_replayed_only_when_the_backhaul_is_unprotected(
        ) -> None:
    protected = _after_x2_handover(Adversary())
    assert protected.replay(_index(protected, Kind.X2AP_HANDOVER_REQUEST)) is None
    assert not protected.system.in_flight  # NDS/IP: nothing was sent again
    # a Uu message may be replayed under either model
    assert protected.replay(_index(protected, Kind.RRC_MEASUREMENT_REPORT)) is not None
    protected.close()

    open_backhaul = _after_x2_handover(UNPROTECTED)
    action = open_backhaul.replay(_index(open_backhaul, Kind.X2AP_HANDOVER_REQUEST))
    assert action is not None and action.text.startswith("replay X2AP HandoverRequest")
    assert [m.kind for m in open_backhaul.system.in_flight] == [Kind.X2AP_HANDOVER_REQUEST]
    open_backhaul.close()


def test_a_duplicate_on_a_protected_backhaul_is_no_network_fault() -> None:
    exploration = Exploration(load("ts33401"), small_topology(), EXPLORATION_KASME)
    cells = [c.name for c in exploration.neighbours()]
    exploration.start_handover(cells.index("enb-2/cell-1"))
    exploration.deliver(0)  # the measurement report: the X2AP HandoverRequest is in flight
    [request] = exploration.system.in_flight
    assert request.interface is Interface.X2
    assert exploration.duplicate(0) is None and len(exploration.system.in_flight) == 1
    exploration.close()


def test_without_the_rrc_keys_an_injected_message_carries_a_mac_nobody_computed() -> None:
    """No compromise: the attacker knows no KRRCint, so each Uu injection fails MAC-I at its
    receiver (a refusal, TS 36.323 5.7), and nothing is injected on the protected backhaul."""
    exploration = _after_x2_handover(Adversary())
    choices = exploration.injection_choices()
    assert choices and all(m.interface is Interface.UU for m in choices)
    for index in range(len(choices)):
        exploration.inject(index)
        outcome = _deliver_last(exploration)
        assert not outcome.accepted, outcome
    assert not any(f.promised for f in exploration.findings())
    exploration.close()


def test_with_the_rrc_keys_a_forged_measurement_report_is_accepted() -> None:
    """The compromised serving eNB's KeNB gives KRRCint and KRRCenc (TS 33.401 A.7): the
    attacker forges the UE's MeasurementReport at the next COUNT with a real 128-EIA2 MAC-I,
    and the serving eNB accepts it, as it refuses the same message with a flipped bit."""
    exploration = Exploration(load("ts33401"), small_topology(), EXPLORATION_KASME)
    exploration.compromise(0)  # enb-1, serving
    cells = [c.name for c in exploration.neighbours()]
    exploration.start_handover(cells.index("enb-2/cell-1"))
    exploration.drop(0)  # the UE's own report is lost
    forged = [i for i, m in enumerate(exploration.injection_choices())
              if m.kind is Kind.RRC_MEASUREMENT_REPORT]
    assert forged
    action = exploration.inject(forged[0])
    assert action is not None and action.kind == "inject"
    message = exploration.system.in_flight.pop()
    assert message.handover == exploration.system.hop == 2  # a handover of its own
    pdu = message.get("PDU")
    exploration.system.in_flight.append(message.replace("PDU", pdu[:-1] + bytes([pdu[-1] ^ 1])))
    refused = _deliver_last(exploration)
    assert not refused.accepted and "MAC-I check failed" in (refused.reason or "")
    exploration.system.in_flight.append(message)
    outcome = _deliver_last(exploration)
    assert outcome.accepted, outcome.reason
    assert [m.kind for m in outcome.sent] == [Kind.X2AP_HANDOVER_REQUEST]
    exploration.close()


def test_a_forged_measurement_report_starts_a_handover_of_its_own() -> None:
    """TS 36.300 10.1.2.1.1 steps 2-3 (TS 36.331 5.5.5): the source's HO decision follows a
    MeasurementReport, and a decision after a failed preparation is a new handover. enb-1,
    compromised, names itself as the target of its HandoverRequired and so reads the KeNB*+
    (the preparation fails); a forged report then makes it prepare enb-3, which completes.
    Without the forgery the same messages are two handovers, and ``check`` judges no
    downgrade ("an attacker holding enb-1 derives the honest KeNB of handover 2 without an
    edit of it"), so a search within one handover must not find that run: the forged report
    starts handover 2 (``System.inject``), beyond the bound (helper-241 #2: it re-opened
    handover 1, and downgrade resistance failed as promised there)."""
    result = verify(load("seed-fs"), max_handovers=1,
                    faults=frozenset({"compromise", "rewrite", "inject"}))
    assert (DOWNGRADE, True) not in result.shortest
    assert not any(injected_kind(a.text) is Kind.RRC_MEASUREMENT_REPORT
                   for f in result.findings() for a in f.trace)


def test_a_trace_names_the_handovers_that_forged_reports_start() -> None:
    """A start after a forged MeasurementReport begins handover 3 (the report began the
    second), and the printed trace says so (``numbered_starts``), as the verdicts name it."""
    exploration = Exploration(load("ts33401"), small_topology(), EXPLORATION_KASME)
    exploration.compromise(0)  # enb-1, serving
    exploration.start_handover([c.name for c in exploration.neighbours()].index("enb-2/cell-1"))
    exploration.drop(0)  # the UE's own report is lost
    exploration.inject(next(i for i, m in enumerate(exploration.injection_choices())
                            if m.kind is Kind.RRC_MEASUREMENT_REPORT))
    while exploration.system.in_flight:
        exploration.deliver(0)
    exploration.start_handover(0)
    assert exploration.system.hop == 3
    assert numbered_starts(a.text for a in exploration.trace)[-1].startswith(
        "start handover 3 to ")
    exploration.close()


# an intra-eNB start, then a forged report, each with its text as the trace saves it
REPORT_THEN_START = ["start handover to enb-1/cell-2 (intra-enb)",
                     "inject RRC MeasurementReport ue->enb-1 (COUNT=2; content ciphered; "
                     "protected by KRRCint (128-EIA2), KRRCenc (128-EEA2))",
                     "start handover to enb-2/cell-1 (x2)"]


def test_a_forged_report_is_told_by_the_message_kind_its_step_names() -> None:
    """``numbered_starts`` counts an injected MeasurementReport by the kind of the message
    its step names in words (``injected_kind``), not by how a repr begins; an injected
    message of another kind begins no handover."""
    assert numbered_starts(REPORT_THEN_START)[2] == "start handover 3 to enb-2/cell-1 (x2)"
    other = [REPORT_THEN_START[0], REPORT_THEN_START[1].replace(
        "MeasurementReport ue->enb-1", "SecurityModeComplete ue->enb-1"), REPORT_THEN_START[2]]
    assert numbered_starts(other)[2] == "start handover 2 to enb-2/cell-1 (x2)"


def test_an_injected_message_is_named_in_words_and_saved_with_its_digest() -> None:
    """h246: an inject step read as a Python repr, PDU octets and all. It names the message
    as a delivery does, its IEs in words, an unciphered PDU's content decoded (TS 33.401
    7.2.4.5: the SecurityModeCommand is integrity protected only), and the keys protecting
    it; the finding file keeps its digest, which replay compares."""
    exploration = Exploration(load("seed-fs"), small_topology(), EXPLORATION_KASME)
    exploration.start_handover([c.name for c in exploration.neighbours()].index("enb-1/cell-2"))
    command = next(i for i, m in enumerate(exploration.injection_choices())
                   if m.kind is Kind.RRC_SECURITY_MODE_COMMAND)
    action = exploration.inject(command)
    sent = exploration.system.in_flight[-1]
    exploration.close()
    assert action is not None
    assert action.text == ("inject RRC SecurityModeCommand enb-1->ue (COUNT=1; content "
                           "{integrityProtAlgorithm=eia2, cipheringAlgorithm=eea2}; protected by "
                           "KRRCint (128-EIA2))")
    assert action.to_json()["digest"] == message_digest(repr(sent))
    assert Action.from_json(action.to_json()) == action


def test_replay_checks_an_injected_message_by_its_digest_not_its_words(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The words may name two messages alike (two MAC-Is); the digest does not: a saved
    injection whose digest is not that of the message the model builds there is refused, in
    one line, exit 2, with both digests."""
    variant = load("seed-fs")
    exploration = Exploration(variant, small_topology(), EXPLORATION_KASME)
    exploration.start_handover([c.name for c in exploration.neighbours()].index("enb-1/cell-2"))
    exploration.inject(0)
    trace = tuple(exploration.trace)
    exploration.close()
    other = (trace[0], Action("inject", 0, text=trace[1].text, digest="0" * 16))
    [path] = runs.save_findings(variant, [Finding("key-separation", False, "", other)],
                                tmp_path, faults=frozenset({"inject"}))
    assert cli.main(["replay", str(path)]) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line.endswith(f"a message of digest {trace[1].digest} (saved: {'0' * 16})")


def test_a_confirm_forged_with_a_compromised_sources_keys_breaks_no_authentication() -> None:
    """A compromised X2 source derives the target's KeNB (KeNB* from its own KeNB, TS 33.401
    7.2.8.4.2) and so its KRRCint (A.7): it forges the UE's HO confirm, which enb-2 accepts
    after the UE's own was lost. No run of the UE sent that confirm, but Lowe's claims speak
    of honest peers, and the forger holds a peer's keys: aliveness and agreement judge
    nothing once such an injection was made (helper-172: a mutant judging it, and failing
    both as promised, survived)."""
    exploration = Exploration(load("ts33401"), small_topology(), EXPLORATION_KASME)
    exploration.compromise(0)  # enb-1, serving
    exploration.start_handover([c.name for c in exploration.neighbours()].index("enb-2/cell-1"))
    while Kind.RRC_HANDOVER_CONFIRM not in [m.kind for m in exploration.system.in_flight]:
        exploration.deliver(0)
    exploration.drop([m.kind for m in exploration.system.in_flight].index(
        Kind.RRC_HANDOVER_CONFIRM))
    choices = exploration.injection_choices()
    exploration.inject(next(i for i, m in enumerate(choices)
                            if m.kind is Kind.RRC_HANDOVER_CONFIRM))
    assert _deliver_last(exploration).accepted  # the forgery verifies
    assert not {f.claim for f in exploration.findings()} & set(AUTHENTICATION)
    exploration.close()


def test_each_rrc_key_set_the_attacker_derives_forges_what_it_opens() -> None:
    """TS 33.401 A.7: KRRCint and KRRCenc are derived from one KeNB, so each KeNB the
    attacker derives gives one RRC key set. A compromised enb-1 hands the UE to enb-2 over
    X2 and derives both KeNBs (its own, and KeNB* from it, 7.2.8.4.2): the HO command it
    sent under its own keys is forged afresh at the next COUNT in the downlink (DIRECTION 1,
    TS 33.401 B.2; helper-163 M17: taken for uplink, it was garbage), and the HO confirm
    under the target's keys in the uplink (M29: the key sets, paired by the wrong input,
    collapsed into one). The AS Security Mode Command and Complete are integrity protected
    and not ciphered (TS 33.401 7.2.4.5): forged in the clear (M27: the Complete was taken
    for ciphered, and sent as garbage)."""
    exploration = Exploration(load("ts33401"), small_topology(), EXPLORATION_KASME)
    exploration.compromise(0)  # enb-1, serving
    source_keys = exploration.system.entity("enb-1").ctx.keys.as_keys
    setup = exploration.injection_choices()
    for kind, direction in ((Kind.RRC_SECURITY_MODE_COMMAND, DOWNLINK),
                            (Kind.RRC_SECURITY_MODE_COMPLETE, UPLINK)):
        [forged] = [m for m in setup if m.kind is kind]
        unprotect_rrc(source_keys, forged.get("COUNT"), direction, forged.get("PDU"),
                      cipher=False)
    exploration.start_handover([c.name for c in exploration.neighbours()].index("enb-2/cell-1"))
    while exploration.system.in_flight:
        exploration.deliver(0)
    target_keys = exploration.system.entity("enb-2").ctx.keys.as_keys
    assert source_keys.kenb != target_keys.kenb
    choices = exploration.injection_choices()

    def opens(kind: Kind, keys: AsKeys, direction: int) -> bool:
        for message in (m for m in choices if m.kind is kind):
            try:
                unprotect_rrc(keys, message.get("COUNT"), direction, message.get("PDU"))
            except Reject:
                continue
            return True
        return False

    assert opens(Kind.RRC_HANDOVER_COMMAND, source_keys, DOWNLINK)
    assert opens(Kind.RRC_HANDOVER_CONFIRM, target_keys, UPLINK)
    exploration.close()


def test_with_the_backhaul_unprotected_the_network_reads_the_keys_it_carries() -> None:
    """X2AP HandoverRequest carries KeNB* (TS 36.423 9.1.1.1): without NDS/IP the attacker
    reads it and derives the target's KeNB; the failure is outside the promise (TS 33.401 11
    assumes NDS/IP)."""
    run = run_scenario(load("ts33401"), parse_hops("x2"))
    assert not evaluate(run).facts.attacker("network")
    evaluation = evaluate(run, adversary=UNPROTECTED)
    network = evaluation.facts.attacker("network")
    assert network is not None
    assert all(c.kenb in network.known for c in evaluation.facts.completions)
    forward = next(c for c in evaluation.claims if c.name == FORWARD)
    failing = [v for v in forward.verdicts if v.attacker == "network"]
    assert failing and not any(v.holds or v.promised for v in failing)
    assert "NDS/IP" in (failing[0].outside or "")


@pytest.mark.parametrize("variant", BUILT_IN)
def test_a_kasme_reveal_breaks_forward_security_in_every_variant(variant: str) -> None:
    """KASME revealed from hop 2 on: every KeNB is a function of KASME and public values
    (TS 33.401 A.3 initial KeNB, A.4 NH; the TR's and the seed's chains start from the
    initial KeNB), so every later KeNB is derived: forward security fails, outside the
    promise, which is made against an eNB (TS 33.401 7.2.8.1). So does backward security."""
    run = run_scenario(load(variant), parse_hops("x2,s1,x2"))
    evaluation = evaluate(run, Attacker((Compromise("KASME", 2),)))
    verdicts = {c.name: c for c in evaluation.claims}
    forward = verdicts[FORWARD]
    assert not forward.holds and not forward.promise_broken
    # outside the promise where the variant makes one (ts33401, seed-fs); else not promised
    promises = any(p.claim == FORWARD for p in run.variant.promises())
    assert all(("KASME" in (v.outside or "")) == promises for v in forward.verdicts
               if not v.holds)
    assert not verdicts[BACKWARD].holds and not verdicts[BACKWARD].promise_broken
    # and the initial KeNB: KDF(KASME, uplink NAS COUNT) (TS 33.401 A.3)
    assert evaluation.derivable_hops == [0, 1, 2, 3]


@pytest.mark.parametrize(("hops", "unpromised"), [("x2,s1", (1, 1, "x2")), ("s1,s1", None),
                                                  ("s1,x2", None)])
def test_a_kasme_reveal_names_the_kenb_no_promise_covers(
        hops: str, unpromised: tuple[int, int, str] | None) -> None:
    """helper-221: seed-fs promises forward security for S1 hops alone (seed section 3), TS
    33.401 against a compromised eNB (7.2.8.1). With KASME revealed from hop 1, the KeNB of
    an X2 hop 1 is no promise's: the failing verdict names it (its hop, the hop that took the
    UE away, that hop's type), so that its "not promised" is not read as weaker than a
    promise the KASME holder is outside of; after an S1 hop 1 every failure is outside the
    promise, and none is named."""
    run = run_scenario(load("seed-fs"), parse_hops(hops))
    evaluation = evaluate(run, Attacker((Compromise("KASME", 1),)))
    forward = next(c for c in evaluation.claims if c.name == FORWARD)
    assert [v.unpromised for v in forward.verdicts if not v.holds] == [unpromised]


@pytest.mark.parametrize("who", ["ue", "mme-1"])
def test_a_compromised_ue_or_mme_derives_every_later_key(who: str) -> None:
    """The UE and the serving MME hold KASME (TS 33.401 6.1, 7.2.8.1): from hop 1 on every
    later KeNB follows; the verdict fails outside the eNB promise."""
    run = run_scenario(load("ts33401"), parse_hops("x2,s1"))
    evaluation = evaluate(run, Attacker((Compromise(who, 1),)))
    forward = next(c for c in evaluation.claims if c.name == FORWARD)
    assert not forward.holds and not forward.promise_broken
    assert evaluation.derivable_hops == [0, 1, 2]  # the initial KeNB too (A.3)


def test_k_ho_alone_derives_no_kenb_but_with_a_source_enb_it_does() -> None:
    """The seed's K_HO (section 4: delegated to the MMEs) is mixed with KeNB* (section 3
    step 4): alone it gives no KeNB and reveals no KASME (confinement holds); with the
    KeNB* of an S1 hop's source eNB it gives KeNB*+ and the later KeNBs, outside the
    promise, which says only the MMEs and the UE hold K_HO."""
    seed = load("seed-fs")
    run = run_scenario(seed, parse_hops("x2,s1,s1"))
    alone = evaluate(run, Attacker((Compromise("K_HO", 1),)))
    assert alone.derivable_hops == []
    assert next(c for c in alone.claims if c.name == CONFINEMENT).holds
    together = evaluate(run, Attacker((Compromise("K_HO", 1), Compromise(run.hops[1].source_enb,
                                                                           2))))
    forward = next(c for c in together.claims if c.name == FORWARD)
    assert not forward.holds and not forward.promise_broken
    assert 3 in together.derivable_hops
    # an eNB alone keeps the seed's promise on S1 hops
    assert find_promise(seed, FORWARD, run.hops[2].spec.type) is not None
    enb_alone = evaluate(run, Attacker((Compromise(run.hops[1].source_enb, 2),)))
    assert next(c for c in enb_alone.claims if c.name == FORWARD).holds


@pytest.mark.parametrize(("variant", "key"), [("ts33401", "KASME"), ("seed-fs", "K_HO")])
def test_a_revealed_key_counts_in_what_the_edit_search_finds_derivable(
        variant: str, key: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Reviewer, round 8 (/tmp/review8): with KASME (TS 33.401 A.4: NH from KASME, A.5:
    KeNB* from NH) or, in the seed, K_HO with the source's KeNB* (KeNB*+, seed section 3
    step 4) the attacker derives the honest KeNB of the S1 hop, as forward security's
    witness shows: downgrade-resistance is not judged there ("not judged where the honest
    KeNB is derivable anyway"), as with ``ue@1``, who holds KASME. It said "holds": the edit
    search's key graph knew the parties an attacker holds, not the keys revealed to it.
    The promise is made against the source eNB (TS 33.401 7.2.8): its edits are judged
    against it alone, named as without the key, as ``--compromise source@1`` alone judges
    them (downgrade35)."""
    run = run_scenario(load(variant), parse_hops("s1"))
    source = run.hops[0].source_enb
    attacker = Attacker((Compromise(key, 1), Compromise(source, 1)))
    evaluation = evaluate(run, attacker)
    # and the initial KeNB, which the source held as the serving eNB (TS 33.401 7.2.4.5)
    assert evaluation.analysis.derivable(attacker, 1) and evaluation.derivable_hops == [0, 1]
    claims = {c.name: c for c in evaluation.claims}
    alone = evaluate(run, Attacker((Compromise(source, 1),)))
    alone_downgrade = next(c for c in alone.claims if c.name == DOWNGRADE)

    def only_the_source_is_judged(whole: Attacker, downgrade: ClaimResult) -> None:
        # the whole: not judged, never "holds"; its eNB alone: as the source alone
        assert [(v.attacker, v.holds, v.promised) for v in downgrade.verdicts] == [
            (f"radio observer + {source}@1 (without {what})", v.holds, v.promised)
            for what in sorted(whole.entities - {source}) for v in alone_downgrade.verdicts]
        assert downgrade.not_judged == (f"{whole} derives the honest KeNB of handover 1 without "
                                        f"an edit of it by {source} (not a downgrade)",)

    only_the_source_is_judged(attacker, claims[DOWNGRADE])
    capture, *of_the_enb = claims[CAPTURE].verdicts
    # who derives it is the coalition, through the revealed key, not the eNB by forward
    # security (review35: the text named the eNB alone); the source eNB is judged on its
    # own edits as it is alone (helper-176 #6; where capture is promised, the coalition's
    # failure is outside it: test_downgrade_monotone)
    assert capture.attacker == str(attacker) and not capture.holds and capture.detail == (
        f"no edit of hop 1 needed: {attacker} derives the honest KeNB of hop 1 and can serve "
        "the UE as the target cell")
    assert not capture.promised
    alone_capture = next(c for c in alone.claims if c.name == CAPTURE)
    assert [(v.holds, v.promised) for v in of_the_enb] == [
        (v.holds, v.promised) for v in alone_capture.verdicts]
    with_ue = Attacker((Compromise("ue", 1), Compromise(source, 1)))
    only_the_source_is_judged(with_ue, next(c for c in evaluate(run, with_ue).claims
                                            if c.name == DOWNGRADE))
    # the edit that denies the handover is the source eNB's, whoever else the attacker holds
    cli.main(["check", "--variant", variant, "--hops", "s1", "--compromise", f"{key}@1",
              "--compromise", "source@1"])
    assert f"{source} rewrites field" in capsys.readouterr().out


@pytest.mark.parametrize(("variant", "key"), [("ts33401", "KASME"), ("seed-fs", "K_HO")])
def test_what_an_attacker_takes_at_one_hop_is_one_compromise(
        variant: str, key: str, capsys: pytest.CaptureFixture[str]) -> None:
    """The source eNB of hop 1 served KeNB[hop 0] itself: no KeNB another eNB used before
    hop 1 is left for the whole attacker's backward security to judge, with either order of
    ``--compromise``. Taken one at a time, the key alone first counted a situation as the
    whole's (KeNB[hop 0], another eNB's to it), and the claim read "n/a, sometimes 1" with
    ``promised: false``. Its part without the source (``Attacker.parts``: the definition is
    per eNB, TS 33.501 3.1) is the key alone, judged under its own name, so the claim reads
    as against the key alone (coalition24: it read "vacuous", weaker than KASME@1's failure
    outside the promise)."""
    def backward(*compromises: str) -> dict[str, object]:
        cli.main(["check", "--variant", variant, "--hops", "s1", "--json",
                  *(a for who in compromises for a in ("--compromise", who))])
        doc = json.loads(capsys.readouterr().out)
        return next(c for c in doc["claims"] if c["name"] == BACKWARD)

    docs = [backward(f"{key}@1", "source@1"), backward("source@1", f"{key}@1")]
    # the whole, named in the order given, says why it has no verdict (coalition28)
    for doc, name in zip(docs, (f"{key}@1, enb-1@1", f"enb-1@1, {key}@1"), strict=True):
        assert doc.pop("not_judged") == [f"radio observer + {name} has no earlier KeNB: the "
                                         "first KeNB of the run (hop 0) is its own"]
    assert docs[0] == docs[1]
    assert [v["attacker"] for v in docs[0]["verdicts"]] == [
        f"radio observer + {key}@1 (without enb-1)"]
    alone = backward(f"{key}@1")
    mine = ("verdicts", "cut", "witness", "not_judged")
    assert {k: v for k, v in docs[0].items() if k not in mine} == {
        k: v for k, v in alone.items() if k not in mine}


def test_backward_security_that_holds_says_it_was_judged_without_the_network(
        capsys: pytest.CaptureFixture[str]) -> None:
    """Reviewer, round 8: with the backhaul unprotected the attacker ``network`` reads
    KeNB[hops 0-3] (InitialContextSetupRequest, X2AP HandoverRequest's KeNB*, NH), and
    backward security said "holds" with the cut "lacks KASME". It reads from hop 0, so no
    KeNB is earlier for it (docs/claims.md): a holding verdict now says whom it was judged
    against and where the network's keys are judged."""
    run = run_scenario(load("ts33401"), parse_hops("x2,s1,x2"))
    backward = next(c for c in evaluate(run, adversary=UNPROTECTED).claims
                    if c.name == BACKWARD)
    assert backward.holds and backward.verdicts
    assert all(v.detail.endswith("(against this attacker alone; network, reading the backhaul "
                                 "from hop 0, has no earlier KeNB and derives those of hops "
                                 "[0-3]: forward security's verdict)") for v in backward.verdicts)
    protected = next(c for c in evaluate(run).claims if c.name == BACKWARD)
    assert not any("network" in v.detail for v in protected.verdicts)


@pytest.mark.parametrize("written", ["KASME@1", "kasme@1"])  # as --compromise-targets writes it
def test_check_prints_the_attacker_model(written: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["check", "--variant", "ts33401", "--hops", "x2", "--compromise",
                     written]) == 0
    out = capsys.readouterr().out
    assert ("attacker: Uu active; S1, X2, S10 protected (NDS/IP): drop/delay only; "
            "compromise: radio observer + KASME@1") in out
    cli.main(["check", "--variant", "ts33401", "--hops", "x2", "--backhaul-unprotected",
              "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert doc["attacker_model"]["active"] == ["Uu", "S1", "X2", "S10"]


@pytest.mark.parametrize(("written", "named"), [("UE@1", "ue@1"), ("ENB-2@1", "enb-2@1"),
                                                ("Source@1", "enb-1@1")])
def test_compromise_names_are_read_in_any_case(written: str, named: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["check", "--variant", "ts33401", "--hops", "x2", "--compromise",
                     written]) == 0
    assert f"compromise: radio observer + {named}{'' if named == 'ue@1' else EDITS_ONLY}\n" in (
        capsys.readouterr().out)


def test_check_says_the_replay_its_hops_ask_for_is_beyond_nds_ip(
        capsys: pytest.CaptureFixture[str]) -> None:
    """``:replay`` puts a stale X2AP HandoverRequest back in flight, which NDS/IP's ESP
    anti-replay would stop (TS 33.210): the attacker line said "drop/delay only"."""
    cli.main(["check", "--variant", "ts33401", "--hops", "x2,x2:replay", "--json"])
    model = json.loads(capsys.readouterr().out)["attacker_model"]
    assert model["replays"] == ["X2AP HandoverRequest enb-1->enb-2"]
    assert ("drop/delay only, except the replay the hops ask for, beyond NDS/IP: "
            "X2AP HandoverRequest enb-1->enb-2;") in model["text"]


def test_a_finding_with_an_injected_message_replays(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """tr33821's X2 hop with its source compromised (forward security, not promised), with a
    forged message in the trace: saved, then replayed step by step, byte for byte (the
    inject step's digest is the message's)."""
    variant = load("tr33821-v070")
    exploration = Exploration(variant, small_topology(), EXPLORATION_KASME)
    exploration.compromise(0)
    cells = [c.name for c in exploration.neighbours()]
    exploration.start_handover(cells.index("enb-2/cell-1"))
    exploration.inject(0)
    assert exploration.trace[-1].kind == "inject"
    while exploration.system.in_flight:
        exploration.deliver(0)
    finding = next(f for f in exploration.findings() if f.claim == FORWARD)
    trace = tuple(exploration.trace)
    exploration.close()
    whole = Finding(finding.claim, finding.promised, finding.detail, trace)
    [path] = runs.save_findings(variant, [whole], tmp_path,
                                faults=frozenset({"compromise", "inject"}))
    assert json.loads(path.read_text())["attacker"]["active"] == ["Uu"]
    # exit 0: reproduced, and no promise broke on the way
    assert cli.main(["replay", str(path), "--json"]) == 0
    replayed = json.loads(capsys.readouterr().out)
    assert replayed["reproduced"] and any(s.startswith("inject RRC ") for s in
                                          replayed["steps"])
    again = replay(variant, [Action.from_json(a.to_json()) for a in trace], strict=True)
    again.close()


def test_verify_compromises_kasme_when_the_model_lets_it() -> None:
    """A root-key reveal as a compromise choice of verify: forward security fails outside the
    promise at the first handover, and the shortest trace replays under the same model."""
    model = Adversary(parties=("kasme",))
    variant = load("ts33401")
    result = verify(variant, max_handovers=1, faults=frozenset({"compromise"}),
                    adversary=model)
    finding = result.shortest[FORWARD, False]
    assert finding.trace[0].text == "compromise KASME" and not result.promise_broken
    exploration = replay(variant, finding.trace, strict=True, adversary=model)
    assert (FORWARD, False) in {(f.claim, f.promised) for f in exploration.findings()}
    exploration.close()
    # the default model compromises eNBs only: KASME is never a choice
    default = verify(variant, max_handovers=1, faults=frozenset({"compromise"}))
    assert not any(a.text == "compromise KASME" for f in default.findings() for a in f.trace)


def test_explore_and_verify_print_the_attacker_model(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["verify", "--variant", "ts33401", "--max-handovers", "1", "--faults",
                     "drop", "--backhaul-unprotected", "--out", str(tmp_path), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["attacker"]["backhaul_unprotected"] and doc["attacker"]["protected"] == []
    # faults without "compromise": the line names no one (it said "any one of the eNBs")
    assert doc["attacker"]["compromise"] == "none (--faults has no compromise)"
    # (a variant that delegates no key has nothing for it: tests/test_cli.py, exit 2)
    assert cli.main(["explore", "--variant", "seed-fs", "--examples", "3", "--steps", "5",
                     "--faults", "compromise,inject", "--compromise-targets", "delegated",
                     "--out", str(tmp_path), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("seed-fs, bit placement nas (faults: compromise, inject): 3 examples")
    assert ("attacker: Uu active; S1, X2, S10 protected (NDS/IP): drop/delay only; "
            "compromise: any one of the delegated keys at any time (at most one per path)") in out


def test_on_an_unprotected_backhaul_the_attacker_sends_what_it_read_to_another_target(
        ) -> None:
    """The X2AP HandoverRequest read on X2 is sent afresh to each other eNB (not under
    NDS/IP)."""
    assert not any(m.interface is Interface.X2 for m in
                   _after_x2_handover(Adversary()).injection_choices())
    exploration = _after_x2_handover(UNPROTECTED)
    requests = [m for m in exploration.injection_choices()
                if m.kind is Kind.X2AP_HANDOVER_REQUEST]
    seen = exploration.history[_index(exploration, Kind.X2AP_HANDOVER_REQUEST)]
    assert {m.receiver for m in requests if m.fields == seen.fields} == {"enb-3", "enb-4"}
    exploration.system.in_flight.append(next(m for m in requests if m.receiver == "enb-3"))
    outcome = _deliver_last(exploration)
    # enb-3 admits a UE it never heard of; the authentication claims (issue 19, item 2) are
    # the ones to judge it, not those of this model
    assert outcome.accepted
    exploration.close()


def test_without_nds_ip_a_key_ie_takes_any_known_key_of_its_kind() -> None:
    """The seed's target eNB receives KeNB*+ in the IE that carries KeNB* (SA3 contribution
    section 3 step 5): on an unprotected S1 (no TS 33.210) the attacker may put into that IE
    any key of the IE's kind it knows, the KeNB* it read in the HandoverRequired included,
    not only another KeNB*+ (helper-163 M19: the IE's name was not taken as a kind)."""
    exploration = Exploration(load("seed-fs"), small_topology(), EXPLORATION_KASME,
                              adversary=UNPROTECTED)
    cells = [c.name for c in exploration.neighbours()]
    exploration.start_handover(cells.index("enb-3/cell-1"))
    while exploration.system.in_flight:
        exploration.deliver(0)
    required = exploration.history[_index(exploration, Kind.S1AP_HANDOVER_REQUIRED)]
    kenb_star = dict(required.get("security"))["KeNB*"]
    requests = [m for m in exploration.injection_choices()
                if m.kind is Kind.S1AP_HANDOVER_REQUEST]
    assert any(dict(m.get("SecurityContext")).get("KeNB*") == kenb_star for m in requests)
    exploration.close()


def test_without_nds_ip_a_key_the_network_redirects_breaks_nothing_promised() -> None:
    """verify's 3-step trace on ts33401 with the backhaul unprotected: the network sends the
    InitialContextSetupRequest it read (KeNB, TS 36.413 9.1.4.1) to a compromised enb-2,
    which so learns the KeNB enb-1 used: backward security fails, outside the promise (it
    assumes NDS/IP, TS 33.401 11), not a broken promise."""
    exploration = Exploration(load("ts33401"), small_topology(), EXPLORATION_KASME,
                              adversary=UNPROTECTED)
    exploration.compromise(small_topology().enbs.index("enb-2"))
    choices = exploration.injection_choices()
    exploration.inject(next(i for i, m in enumerate(choices)
                            if m.kind is Kind.S1AP_INITIAL_CONTEXT_SETUP_REQUEST
                            and m.receiver == "enb-2"))
    _deliver_last(exploration)
    findings = {(f.claim, f.promised): f for f in exploration.findings()}
    assert (BACKWARD, True) not in findings
    assert "NDS/IP" in (findings[BACKWARD, False].outside or "")
    exploration.close()


def test_without_nds_ip_a_redirected_nh_breaks_forward_security_outside_the_promise() -> None:
    """verify's 11-step trace: after an S1 hop away from the compromised enb-1, the network
    sends the target's S1AP HandoverRequest ({NH, NCC}, TS 36.413 9.1.5.4) to enb-1, which
    derives the target's KeNB: the 1-hop promise for S1 fails, outside it (no NDS/IP)."""
    exploration = Exploration(load("ts33401"), small_topology(), EXPLORATION_KASME,
                              adversary=UNPROTECTED)
    exploration.compromise(small_topology().enbs.index("enb-1"))
    cells = [c.name for c in exploration.neighbours()]
    exploration.start_handover(cells.index("enb-3/cell-1"))
    while exploration.system.in_flight:
        exploration.deliver(0)
    choices = exploration.injection_choices()
    exploration.inject(next(i for i, m in enumerate(choices)
                            if m.kind is Kind.S1AP_HANDOVER_REQUEST and m.receiver == "enb-1"))
    _deliver_last(exploration)
    assert (FORWARD, True) not in exploration.engine.violations
    [verdict] = [v for v in exploration.engine.summary()[FORWARD] if v.attacker == "enb-1"]
    assert not verdict.holds and not verdict.promised and "NDS/IP" in (verdict.outside or "")
    exploration.close()


def test_without_nds_ip_a_failure_that_needs_no_backhaul_attack_still_breaks_the_promise() -> None:
    """The promises assume NDS/IP (TS 33.401 11), so only a failure judged once the attacker
    replayed, duplicated or injected a backhaul message is outside them. A UE that skips the
    NCC catch-up (TS 33.401 7.2.8.4.3) fails key agreement with no adversary action at all,
    and a KeNB* without the EARFCN-DL (TS 33.401 A.5) lacks it whoever reads the backhaul."""
    broken = load_variant_file(str(BROKEN / "ue_skips_ncc_catch_up.py"))
    evaluation = evaluate(run_scenario(broken, parse_hops("s1,x2,s1")), adversary=UNPROTECTED)
    [failure] = [v for c in evaluation.claims if c.name == KEY_AGREEMENT
                 for v in c.verdicts if not v.holds]
    assert failure.promised and failure.outside is None and evaluation.promise_broken
    unbound = load_variant_file(str(BROKEN / "kenb_star_without_earfcn.py"))
    separation = next(c for c in evaluate(run_scenario(unbound, parse_hops("x2,s1")),
                                          adversary=UNPROTECTED).claims
                      if c.name == SEPARATION)
    assert separation.verdicts and all(v.promised and not v.outside and not v.holds
                                       for v in separation.verdicts)


def test_without_nds_ip_a_failure_after_a_backhaul_replay_is_outside_the_promise() -> None:
    """A KeNB* without the EARFCN-DL breaks key separation (TS 33.401 A.5) in an X2 hop; with
    the S1AP InitialContextSetupRequest replayed first (what NDS/IP's anti-replay rules out,
    TS 33.210 4.2) the same failure is outside the promise, step by step and over the run."""
    unbound = load_variant_file(str(BROKEN / "kenb_star_without_earfcn.py"))
    for replayed in (False, True):
        exploration = Exploration(unbound, small_topology(), EXPLORATION_KASME,
                                  adversary=UNPROTECTED)
        if replayed:
            exploration.replay(next(i for i, m in enumerate(exploration.history)
                                    if m.kind is Kind.S1AP_INITIAL_CONTEXT_SETUP_REQUEST))
        cells = [c.name for c in exploration.neighbours()]
        exploration.start_handover(cells.index("enb-2/cell-1"))
        while exploration.system.in_flight:
            exploration.deliver(0)
        [verdict] = exploration.engine.summary()[SEPARATION]
        assert (SEPARATION, not replayed) in exploration.engine.violations
        assert verdict.promised is not replayed and (verdict.outside is not None) is replayed
        exploration.close()


def test_a_claim_broken_before_the_backhaul_replay_stays_broken_over_the_run() -> None:
    """``x2,x2:replay,x2`` replays hop 1's X2AP HandoverRequest after hop 2: key separation,
    broken in hop 1 before the replay, is broken in every hop, as the step-by-step violation
    that explore and verify report says (check once excused the hops before the replay)."""
    unbound = load_variant_file(str(BROKEN / "kenb_star_without_earfcn.py"))
    evaluation = evaluate(run_scenario(unbound, parse_hops("x2,x2:replay,x2")),
                          adversary=UNPROTECTED)
    [separation] = [c for c in evaluation.claims if c.name == SEPARATION]
    assert separation.verdicts and all(v.promised and v.outside is None
                                       for v in separation.verdicts)
    assert evaluation.promise_broken


@pytest.mark.parametrize("unprotected", [False, True])
def test_a_replay_on_uu_keeps_the_run_within_nds_ip(unprotected: bool) -> None:
    """helper-177 (E16): NDS/IP (TS 33.210) protects S1, X2 and S10, not Uu, so what a
    replay on Uu does stays within the promise (it is the radio attacker's, which every
    promise assumes); one on X2, possible only with the backhaul unprotected, takes the run
    beyond NDS/IP, and a promised failure after it is outside the promise."""
    exploration = Exploration(load("ts33401"), small_topology(), EXPLORATION_KASME,
                              adversary=Adversary(backhaul_unprotected=unprotected))
    exploration.start_handover(1)  # x2 to enb-2/cell-1
    while not any(m.kind is Kind.X2AP_HANDOVER_REQUEST for m in exploration.history):
        exploration.deliver(0)
    uu = next(i for i, m in enumerate(exploration.history) if m.interface is Interface.UU)
    assert exploration.replay(uu) is not None
    assert exploration.engine.facts.beyond_nds_ip is False
    x2 = next(i for i, m in enumerate(exploration.history) if m.interface is Interface.X2)
    assert (exploration.replay(x2) is not None) is unprotected
    assert exploration.engine.facts.beyond_nds_ip is unprotected
    exploration.close()


def test_an_attacker_of_one_enb_has_no_parts_and_no_enbs_alone() -> None:
    """``parts`` and ``enbs_alone`` split an attacker holding an eNB *beside more*: one
    holding a single eNB and nothing else has no part (the radio observer without it is no
    part of it), and its eNBs alone are itself, so None (mutants: a part holding nothing;
    an eNBs-alone attacker equal to the whole)."""
    enbs = ("enb-1", "enb-2")
    one = Attacker.holding({"enb-1"}, 1)
    assert one.parts(enbs) == [] and one.enbs_alone(enbs) is None
    two = Attacker.holding({"enb-1", "enb-2"}, 2)
    assert [str(p) for p in two.parts(enbs)] == [
        "radio observer + enb-2@2 (without enb-1)", "radio observer + enb-1@2 (without enb-2)"]
    assert two.enbs_alone(enbs) is None
    with_ue = Attacker((Compromise("enb-1", 1), Compromise("ue", 3)))
    assert str(with_ue.enbs_alone(enbs)) == "radio observer + enb-1@1 (without ue)"
    assert [str(p) for p in with_ue.edit_parts(enbs)] == [
        "radio observer + ue@3 (without enb-1)", "radio observer + enb-1@1 (without ue)"]
    three = Attacker((Compromise("enb-1", 1), Compromise("enb-2", 2), Compromise("ue", 3)))
    # each part's eNBs alone too: the part without enb-1 has enb-2 alone, and so on
    assert [str(p) for p in three.edit_parts(enbs)][-2:] == [
        "radio observer + enb-2@2 (without enb-1, ue)",
        "radio observer + enb-1@1 (without enb-2, ue)"]


def test_rewrite_without_compromise_makes_no_edit() -> None:
    """Only a compromised eNB edits: rewrite without compromise makes none, and says so
    (``verify``'s warning, the edit claims' vacuity; mutant: the compromise check skipped)."""
    assert Adversary().no_edit({"rewrite", "drop"}) == (
        "the faults had rewrite but no compromise, and only a compromised eNB edits")
    assert Adversary().no_edit({"rewrite", "compromise"}) is None
    assert Adversary(parties=("ue",)).no_edit({"rewrite", "compromise"}).startswith(
        "the compromise targets had no eNB")


def test_every_fault_an_attacker_s_act_lacks_is_named_at_once() -> None:
    """helper-225: with no fault, "the faults had no rewrite" named one missing fault of an
    edit's two, and a claim only a compromise makes arise had no reason at all."""
    assert Adversary().no_edit(set()) == "the faults had neither rewrite nor compromise"
    assert Adversary().no_edit({"compromise"}) == "the faults had no rewrite"
    assert Adversary().no_compromise({"drop"}) == "the faults had no compromise"
    assert Adversary(parties=("ue",)).no_compromise({"compromise"}) is None
    assert Adversary(parties=("ue", "mme")).no_compromise({"compromise"}, enb=True) == (
        "the compromise targets had no eNB (targets: ue, mme)")


@pytest.mark.parametrize(("faults", "ending"), [
    ("drop,compromise", "; a compromised eNB follows the protocol"),
    ("compromise,rewrite", "; a compromised eNB follows the protocol but for the edits rewrite "
                           "makes")])
def test_a_search_s_attacker_line_says_what_a_compromised_enb_does(
        faults: str, ending: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """helper-237 #4: only check's attacker line said that a compromised eNB follows the
    protocol but for the edits named; a search's says it too, with the edits its faults
    make (rewrite), as the report's does."""
    cli.main(["verify", "--variant", "ts33401", "--max-handovers", "1", "--faults", faults,
              "--out", str(tmp_path), "--quiet"])
    [line] = [line for line in capsys.readouterr().out.splitlines()
              if line.startswith("attacker: ")]
    assert line.endswith(ending), line
    assert protocol_followed(f"an edit its scenario names and {EDIT_SEARCH}") in ATTACKER
