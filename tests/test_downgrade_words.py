"""text36: one wording per finding, whichever path finds it. A hop of ``check`` without
``:edit=`` is judged by the edit search (``hoverify.properties.downgrade``), one with it by the
claim engine's claim (``hoverify.properties.claims``), which ``explore`` and ``verify`` use
too. The same edit against the same attacker is the same finding, and reads the same.

Also: a downgrade that only the party beside the eNBs makes is outside the promise. The
seed promises downgrade-resistance against a compromised source eNB (TS 33.401 7.2.8; SA3
contribution section 3 step 8); backward and forward security, promised against a
compromised eNB too, call a failure that needs a party outside that promise "outside the
promise" (docs/claims.md, Compromise)."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

import pytest
from hoverify.properties.adversary import DEFAULT
from hoverify.properties.engine import Facts

from hoverify.cli import build_parser, main
from hoverify.runs import check_evaluation

TESTS = Path(__file__).parent
PROPERTIES = TESTS.parent / "properties"
BIT_UNPROTECTED = str(TESTS / "broken_variants" / "bit_unprotected.py")
# the source eNB clears the flag that makes the target MME apply KeNB*+ (seed section 3)
CLEARS_THE_FLAG = "HandoverRequired/security/UE supports KeNB*+=False"
WEAK_MODE = str(TESTS / "data" / "text36" / "weak_mode_via_k_ho.py")
CLEARS_K_FS = "HandoverRequired/security/UE supports K_FS=False"


def _check(variant: str, hops: str, *compromises: str) -> tuple[int, dict[str, Any]]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(["check", "--variant-file", variant, "--topology", "small", "--hops", hops,
                     "--json", *(a for c in compromises for a in ("--compromise", c))])
    return code, {c["name"]: c for c in json.loads(out.getvalue())["claims"]}


def _said(claim: dict[str, Any]) -> tuple[Any, ...]:
    """A claim as check says it: its word, and per verdict whom, what and how it says."""
    return (claim["verdict"], claim["outside_promise"],
            [(v["attacker"], v["verdict"], v["detail"]) for v in claim["verdicts"]],
            claim["not_judged"])


@pytest.mark.parametrize("beside", [(), ("KASME@1",), ("ue@1",), ("mme-1@1",)])
def test_a_downgrade_reads_the_same_searched_or_named_by_the_hops(beside: tuple[str, ...]
                                                                   ) -> None:
    """bit_unprotected: the source eNB enb-1 clears the flag, and the UE and the honest
    target enb-3 complete on KeNB* (seed section 2), which enb-1 derives. The search finds
    that edit; ``:edit=`` names it. With KASME, the UE or the MME beside enb-1 the attacker
    derives the honest KeNB anyway (TS 33.401 A.3, A.4: every KeNB is a function of KASME),
    so its eNB alone is judged, named "(without ...)" by both, and the coalition is said not
    judged by both (review35: the :edit= hop kept the coalition's name and said "its eNBs
    alone (enb-1) derive (...)")."""
    compromises = ("enb-1@1", *beside)
    searched = _check(BIT_UNPROTECTED, "s1@enb-3/cell-1", *compromises)
    named = _check(BIT_UNPROTECTED, f"s1@enb-3/cell-1:edit={CLEARS_THE_FLAG}", *compromises)
    assert searched[0] == named[0] == 1
    downgrade = "downgrade-resistance"
    assert _said(named[1][downgrade]) == _said(searched[1][downgrade])
    [verdict] = searched[1][downgrade]["verdicts"]
    without = f" (without {beside[0].partition('@')[0]})" if beside else ""
    assert verdict["attacker"] == f"radio observer + enb-1@1{without}"
    assert verdict["detail"] == ("after enb-1 edited a message of handover 1, the UE and the "
                                 "honest target enb-3 completed it on a KeNB enb-1 derives")


@pytest.mark.parametrize("hop", ["s1@enb-3/cell-1", f"s1@enb-3/cell-1:edit={CLEARS_K_FS}"])
def test_an_enbs_alone_verdict_that_holds_is_named_alike(hop: str) -> None:
    """With KASME beside enb-1 the attacker derives the honest KeNB anyway (TS 33.401 A.3,
    A.4); enb-1 alone lacks K_HO, so the downgrade holds against it (tests/data/text36). Both
    paths name whom they judged "(without KASME)" and say why the whole was not judged
    (the :edit= hop named the holding verdict after the whole)."""
    code, claims = _check(WEAK_MODE, hop, "enb-1@1", "KASME@1")
    downgrade = claims["downgrade-resistance"]
    assert (code, downgrade["verdict"]) == (0, "holds")
    assert [v["attacker"] for v in downgrade["verdicts"]] == [
        "radio observer + enb-1@1 (without KASME)"]
    assert downgrade["not_judged"] == [
        "radio observer + enb-1@1, KASME@1 derives the honest KeNB of handover 1 without "
        "an edit of it by enb-1 (not a downgrade)"]


def test_no_edit_needed_is_one_sentence_for_both_paths() -> None:
    """TR 33.821 v0.7.0's X2 hop: the source derives the next KeNB (KeNB* from its own KeNB,
    seed section 2), so a fake cell of its own needs no edit. The search says so; a hop
    that names an edit which changes nothing the UE derives its KeNB from (the new C-RNTI,
    no input of KeNB*, TS 33.401 A.5) says the same sentence before what the edit left
    (flip37: it was enb-1's flip of the New eNB UE X2AP ID, which only enb-1 reads and no
    longer edits)."""
    hop = "x2@enb-2/cell-1"
    _, searched = _check_variant("tr33821-v070", hop)
    _, named = _check_variant("tr33821-v070",
                              f"{hop}:edit=HandoverRequestAcknowledge/container/new C-RNTI=49675")
    [search] = searched["fake-cell-capture"]["verdicts"]
    [edit] = named["fake-cell-capture"]["verdicts"]
    sentence = ("no edit of hop 1 needed: enb-1 derives the honest KeNB of hop 1 (forward "
                "security) and can serve the UE as the target cell")
    assert search["detail"] == sentence
    assert edit["detail"] == f"{sentence}; with its edit too, the UE is on a KeNB enb-1 derives"


def _check_variant(variant: str, hops: str) -> tuple[int, dict[str, Any]]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(["check", "--variant", variant, "--topology", "small", "--hops", hops,
                     "--json", "--compromise", "enb-1@1"])
    return code, {c["name"]: c for c in json.loads(out.getvalue())["claims"]}


def test_the_edit_claims_words_are_written_once() -> None:
    """review35: downgrade.py and claims.py each built "X derives the honest KeNB of hop N
    (forward security)"; the words are now claims.py's alone (``no_edit_needed``), which
    both paths call."""
    written = {path.name: path.read_text().count("derives the honest KeNB of hop")
               for path in PROPERTIES.glob("*.py")}
    assert {name: n for name, n in written.items() if n} == {"claims.py": 1}


@pytest.mark.parametrize("hop", ["s1@enb-3/cell-1", f"s1@enb-3/cell-1:edit={CLEARS_K_FS}"])
def test_a_downgrade_only_the_revealed_key_makes_is_outside_the_promise(hop: str) -> None:
    """The target MME falls back from K_FS (KASME's alone) to the seed's KeNB*+ through K_HO
    when the source eNB says the UE lacks K_FS (tests/data/text36). enb-1 alone cannot
    derive KeNB*+ (it lacks K_HO): the promise holds against it. With K_HO revealed too (the
    key the seed delegates, section 4), the coalition derives the KeNB the edit leaves, not
    the honest one: a downgrade for it, made by what it holds beside the eNB, so outside
    the promise (exit 0), by the mechanism backward and forward security use; before text36
    it was a broken promise, exit 1, "a KeNB enb-1 derives". The reason cites the claim's own
    promise (text37: it cited TS 33.401 7.2.8.1, backward and forward security's, which has
    no notification bit): the seed sends the UE the bit that says how to derive its KeNB
    through the source eNB (SA3 contribution section 3 steps 6-8)."""
    code, claims = _check(WEAK_MODE, hop, "enb-1@1")
    assert code == 0 and claims["downgrade-resistance"]["verdict"] == "holds"
    code, claims = _check(WEAK_MODE, hop, "enb-1@1", "K_HO@1")
    downgrade = claims["downgrade-resistance"]
    outside = ("the promise is made against a compromised source eNB, which relays the "
               "notification bit to the UE (SA3 contribution, section 3 steps 6-8), and the "
               "attacker holds K_HO")
    assert (code, downgrade["verdict"], downgrade["promise_broken"]) == (
        0, f"fails (outside the promise: {outside})", False)
    [verdict] = downgrade["verdicts"]
    assert (verdict["attacker"], verdict["promised"], verdict["outside_promise"]) == (
        "radio observer + enb-1@1, K_HO@1", False, outside)
    assert verdict["detail"].endswith("a KeNB radio observer + enb-1@1, K_HO@1 derives")


def test_backward_and_forward_security_cite_their_own_clause_outside_the_promise() -> None:
    """text37: each claim's "outside the promise" reason cites what promises it. Backward
    and forward security are defined per eNB (TS 33.401 7.2.8.1; TS 33.501 3.1): with
    KASME revealed, every later KeNB follows from public inputs (TS 33.401 A.3, A.4), and
    both fail outside the promise, citing 7.2.8.1 (docs/claims.md's example)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        main(["check", "--variant", "ts33401", "--hops", "x2,s1", "--json", "--compromise",
              "KASME@2"])
    claims = {c["name"]: c for c in json.loads(out.getvalue())["claims"]}
    kept = ("backward-security", "forward-security")
    assert {name: claims[name]["outside_promise"] for name in kept} == dict.fromkeys(
        kept, "the promise is made against a compromised eNB (TS 33.401 7.2.8.1), and the "
              "attacker holds KASME")


def _facts(variant: str, hops: str, *compromises: str) -> Facts:
    args = build_parser().parse_args(
        ["check", "--variant-file", variant, "--topology", "small", "--hops", hops,
         *(a for c in compromises for a in ("--compromise", c))])
    return check_evaluation(args, lambda _: DEFAULT)[1].facts


@pytest.mark.parametrize(("beside", "judged"), [
    ((), {"radio observer + enb-1@1": "radio observer + enb-1@1"}),
    (("KASME@1",), {"radio observer + enb-1@1, KASME@1":
                    "radio observer + enb-1@1 (without KASME)"}),
    (("enb-2@1",), {"radio observer + enb-1@1, enb-2@1": "radio observer + enb-1@1, enb-2@1",
                    "radio observer + enb-1@1 (without enb-2)":
                    "radio observer + enb-1@1 (without enb-2)"})])
def test_one_facts_method_says_whom_an_edit_is_judged_against(
        beside: tuple[str, ...], judged: dict[str, str | None]) -> None:
    """text37: whom downgrade-resistance judges enb-1's edit of hop 1 against is answered by
    ``Facts.judged_as`` alone, for the claim's failures and for the name of its holding
    verdict (``evaluate._judged`` and ``EditClaim.derivers`` each read
    ``Facts.unedited`` for it). The promise is made against the source eNB (TS 33.401
    7.2.8): an attacker that does not derive the honest KeNB is judged itself; with KASME it
    derives every KeNB (TS 33.401 A.3, A.4), so its eNB alone is judged; no part is without
    the editor (``Attacker.parts``), and no hop but the edited one is judged."""
    facts = _facts(BIT_UNPROTECTED, f"s1@enb-3/cell-1:edit={CLEARS_THE_FLAG}", "enb-1@1",
                   *beside)
    said = {a.name: facts.judged_as(1, a.name) for a in facts.attackers}
    assert {name: who.name if who is not None else None for name, who in said.items()} == judged
    assert all(facts.judged_as(2, a.name) is None for a in facts.attackers)


# enb-1 removes the NAS part of the HO command it relays (seed section 3 step 7): the UE
# then derives KeNB from KeNB* alone (section 2), which enb-1 computed itself
DROPS_THE_NAS_PART = "HandoverCommand/for UE/-NAS-PDU"


@pytest.mark.parametrize("beside", [(), ("enb-2@1",)])
def test_a_capture_reads_the_same_searched_or_named_by_the_hops(beside: tuple[str, ...]
                                                                ) -> None:
    """text37: the edit search finds enb-1's removal of the NAS part first on bit_unprotected
    (the UE is left on a KeNB from KeNB*, seed section 2, which the real target rejects and
    enb-1 derives); ``:edit=`` names the same edit. One finding, one sentence (the search
    said "an edit puts the UE on a KeNB enb-1 derives: a fake target cell run by it accepts
    the UE", the :edit= hop "after enb-1 edited ..., the UE is on a KeNB enb-1 derives", the
    form downgrade-resistance's failure takes), naming a coalition by its name (``deriver``;
    the search named enb-1 for enb-1 and enb-2), and one form of the witness's derivation:
    what the attacker holds, not which parties of the run hold it too ("holds KeNB*[hop 1]
    (enb-1, mme-1, ue)" against "holds KeNB*[hop 1]"; since fix38 the KeNB* is shown
    derived from enb-1's own KeNB); the search's witness also shows the
    edit it found and its outcome, the :edit= hop names its edit itself."""
    compromises = ("enb-1@1", *beside)
    _, searched = _check(BIT_UNPROTECTED, "s1@enb-3/cell-1", *compromises)
    _, named = _check(BIT_UNPROTECTED, f"s1@enb-3/cell-1:edit={DROPS_THE_NAS_PART}",
                      *compromises)
    [search] = searched["fake-cell-capture"]["verdicts"]
    [edit] = named["fake-cell-capture"]["verdicts"]
    who = "enb-1" if not beside else "radio observer + enb-1@1, enb-2@1"
    assert search["detail"] == edit["detail"] == (
        f"after enb-1 edited a message of handover 1, the UE is on a KeNB {who} derives")
    assert search["witness"][0] == ("in handover 1: enb-1 removes field 'for UE/NAS-PDU' in S1AP "
                                    "HandoverCommand mme-1->enb-1")
    # fix38: the KeNB* enb-1 computed itself as the source is shown derived from its own
    # KeNB (seed section 2: KeNB* = KDF(KeNB, PCI)), not held
    assert search["witness"][-3:] == edit["witness"] == [
        "holds KeNB[hop 0]: enb-1 received it in S1AP InitialContextSetupRequest "
        "mme-1->enb-1 (in the AS security set-up)",
        "KeNB*[hop 1] = KDF(KeNB[hop 0], FC=0xf0, PCI=5)  [TR 33.821 v0.7.0 (seed section 2)]",
        "KeNB[hop 1] = KDF(KeNB*[hop 1], FC=0xf1, C-RNTI=58344)  [TR 33.821 v0.7.0 (seed "
        "section 2)]"]


def test_a_coalition_that_holds_is_named_in_what_holds() -> None:
    """text37: a verdict that holds against enb-1 and enb-2 together says that no KeNB *they*
    derive was reached, as its failure would (``deriver``); the search said "a KeNB enb-1
    can derive" for the coalition, and the :edit= hop "a KeNB enb-1 derives". ts33401: the
    target derives its KeNB from the NH of the MME (TS 33.401 7.2.8.4.3), which no eNB holds
    (seed-fs's S1 hop left the claim vacuous since agree37: no edit completes it). The part
    without enb-2 holds enb-1 alone and is named so."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        main(["check", "--variant", "ts33401", "--topology", "small", "--hops",
              "s1@enb-3/cell-1", "--json", "--compromise", "enb-1@1", "--compromise",
              "enb-2@1"])
    [claim] = [c for c in json.loads(out.getvalue())["claims"]
               if c["name"] == "downgrade-resistance"]
    assert {v["attacker"]: v["detail"].partition("on a KeNB ")[2].partition(";")[0]
            for v in claim["verdicts"]
            } == {"radio observer + enb-1@1, enb-2@1":
                  "radio observer + enb-1@1, enb-2@1 can derive",
                  "radio observer + enb-1@1 (without enb-2)": "enb-1 can derive"}
    _, named = _check(WEAK_MODE, f"s1@enb-3/cell-1:edit={CLEARS_K_FS}", "enb-1@1", "enb-2@1")
    said = {name: [v["detail"] for v in named[name]["verdicts"]]
            for name in ("downgrade-resistance", "fake-cell-capture")}
    # the part holding enb-1 alone is judged for a downgrade beside the whole, as the search
    # judges it (helper-176 #5)
    assert [d.partition("), ")[2].partition(";")[0] for ds in said.values() for d in ds] == [
        "the UE and the honest target complete no handover on a KeNB radio observer + "
        "enb-1@1, enb-2@1 derives",
        "the UE and the honest target complete no handover on a KeNB enb-1 derives",
        "the UE is on no KeNB radio observer + enb-1@1, enb-2@1 derives"]


def _denial(*argv: str) -> list[str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        main(["check", *argv, "--json"])
    [claim] = [c for c in json.loads(out.getvalue())["claims"] if c["name"] == "handover-denial"]
    return [v["detail"] for v in claim["verdicts"] if not v["holds"]]


def test_a_denial_reads_the_same_searched_or_named_by_the_hops() -> None:
    """text38: handover-denial fails where an edit makes the UE refuse the HO command or the
    target refuse the HO confirm (``HandoverDenial.always``). The edit search said "an edit by
    enb-1 makes the handover fail: the UE refuses the HO command (...)", the engine, for the
    same edit named by ``:edit=``, "after enb-1 edited a message of handover 1, ue refuses RRC
    RRCConnectionReconfiguration (HO command) enb-1->ue (...)". The UE finds no cell of the
    flipped PCI on the EARFCN-DL (TS 36.331 5.3.5.4: the target cell of mobilityControlInfo),
    so it refuses the HO command."""
    hops = "s1@enb-3/cell-1"
    searched = _denial("--variant", "ts33401", "--topology", "small", "--hops", hops,
                       "--compromise", "enb-1@1")
    named = _denial("--variant", "ts33401", "--topology", "small", "--hops",
                    f"{hops}:edit=HandoverCommand/container/target PCI=4",
                    "--compromise", "enb-1@1")
    assert searched == named == ["after enb-1 edited a message of handover 1, the UE refuses "
                                 "the HO command (no cell with PCI 4 on EARFCN-DL 68600)"]


def test_a_denial_by_the_target_names_the_target_and_the_ho_confirm() -> None:
    """The seed's HO command without its NAS part (seed section 3: the notification bit the
    UE reads to apply KeNB*+): the UE derives a KeNB the target does not hold, and the target
    refuses the HO confirm, whose MAC-I (TS 33.401 7.4.1, 128-EIA2 with KRRCint) fails."""
    assert _denial("--variant", "seed-fs", "--topology", "small", "--hops",
                   "s1@enb-3/cell-1:edit=HandoverCommand/for UE/-NAS-PDU",
                   "--compromise", "enb-1@1") == [
        "after enb-1 edited a message of handover 1, the target enb-3 refuses the HO confirm "
        "(MAC-I check failed (128-EIA2 with KRRCint))"]


def test_no_edit_is_said_of_the_handover_it_was_not_needed_in() -> None:
    """helper-170: a Target-ID oracle. enb-1, the serving eNB, names itself as hop 1's target
    eNB; the target MME derives KeNB*+ = KDF(K_HO, KeNB*) for it (SA3 contribution section 3
    step 4) and enb-1 refuses the preparation, so hop 1 changes no key. KeNB* = KDF(KeNB,
    PCI) (TR 33.821 v0.7.0, seed section 2) is then the same for hop 2 to the same cell, and
    so is KeNB*+: enb-1 holds hop 2's KeNB through its edit of hop 1. Hop 2 needs no edit of
    its own, but the run had one: the texts said "no edit needed" and "without an edit",
    beside forward security's failure through that edit."""
    edit = "HandoverRequired/target eNB='enb-1'"
    _, claims = _check_variant("seed-fs", f"s1@enb-3/cell-1:edit={edit},s1@enb-3/cell-1")
    forward = claims["forward-security"]
    assert forward["verdict"] == "FAILS (promised)"
    assert "holds KeNB*+[hop 1]" in json.dumps(forward)
    [capture] = [v for v in claims["fake-cell-capture"]["verdicts"] if v["hop"] == 2]
    assert capture["detail"].startswith("no edit of hop 2 needed: enb-1 derives the honest "
                                        "KeNB of hop 2 (forward security)")
    assert any("derives the honest KeNB of handover 2 without an edit of it" in why
               for why in claims["downgrade-resistance"]["not_judged"])
    said = json.dumps(claims)
    assert "no edit needed" not in said and "without an edit (" not in said


@pytest.mark.parametrize(("variant", "edit", "derivation"), [
    # TS 33.401 7.2.8.4.3: with no unused {NH, NCC} pair the source eNB derives KeNB*
    # horizontally, KDF(KeNB, FC=0x13, PCI, EARFCN-DL) (A.5), and the target uses it as its
    # KeNB; an NCC of 3 sent with it sends the UE vertically up the NH chain instead
    ("ts33401", "HandoverRequest/AS-SecurityInformation/NCC=3",
     "KeNB[hop 1] = KeNB* = KDF(KeNB[hop 0], FC=0x13, PCI=1, EARFCN-DL=300)"),
    # seed section 2: an X2 hop keeps TR 33.821 v0.7.0's KeNB* = KDF(KeNB, PCI); the bit
    # tells the UE to derive KeNB*+, which no X2 target derives (section 3 is S1's alone)
    ("seed-fs", "HandoverRequestAcknowledge/container/+notification bit=1",
     "KeNB*[hop 1] = KDF(KeNB[hop 0], FC=0xf0, PCI=1)"),
])
def test_a_capture_that_needed_no_edit_fails_whatever_the_edit_did(
        variant: str, edit: str, derivation: str) -> None:
    """helper-173: the source eNB derives an X2 hop's KeNB from its own (the derivations
    above), so it can serve the UE as the target cell with no edit at all; plain, the hop
    fails fake-cell-capture ("no edit of hop 1 needed"). Its edit sent the UE to a KeNB it
    does not derive, and the claim read "holds", while downgrade-resistance, in the same
    run, left the edit unjudged because enb-1 derives the honest KeNB without it. An edit
    that defeats its own capture is no defence: the claim fails, with the run without it."""
    _, claims = _check_variant(variant, f"x2:edit={edit},x2")
    capture = claims["fake-cell-capture"]
    assert capture["verdict"] == "fails (not promised)", capture
    [verdict] = [v for v in capture["verdicts"] if v["hop"] == 1]
    assert verdict["detail"] == (
        "no edit of hop 1 needed: run without enb-1's edit, enb-1 derives the honest KeNB of "
        "hop 1 and can serve the UE as the target cell; with its edit, the UE is on a KeNB "
        "enb-1 does not derive")
    assert verdict["witness"][:2] == ["run without enb-1's edit of hop 1:",
                                      "holds KeNB[hop 0]: enb-1 received it in S1AP "
                                      "InitialContextSetupRequest mme-1->enb-1 (in the AS "
                                      "security set-up)"]
    assert any(line.startswith(derivation) for line in verdict["witness"]), verdict["witness"]
    assert any("derives the honest KeNB of handover 1 without an edit of it" in why
               for why in claims["downgrade-resistance"]["not_judged"])


def test_a_coalition_that_derives_the_honest_kenb_is_named_beside_a_part_that_does_not(
        capsys: pytest.CaptureFixture[str]) -> None:
    """helper-173 #5. enb-1's Target ID edit (TS 36.413 9.1.5.1) makes the MME prepare enb-1
    itself, which refuses: hop 1 never completes. Run without the edit, enb-4 would take
    the UE on KeNB* = KDF(NH, PCI, EARFCN-DL) (TS 33.401 7.2.8.4.3, A.5): the coalition
    holding enb-4 derives it, enb-1 alone does not. "An attacker holding enb-1 derives the
    honest KeNB" was said of both; the claim names the coalition, and the part is left to
    its own reason (its situation did not arise: the UE judged no HO command of hop 1)."""
    main(["check", "--variant", "ts33401", "--json", "--compromise", "enb-1@1",
          "--compromise", "enb-4@1", "--hops",
          "s1@enb-4/cell-2:edit=HandoverRequired/target eNB='enb-1',s1@enb-4/cell-2"])
    [downgrade] = [c for c in json.loads(capsys.readouterr().out)["claims"]
                   if c["name"] == "downgrade-resistance"]
    whys = downgrade["not_judged"]
    assert not any(why.startswith("an attacker holding enb-1") for why in whys), whys
    assert ("radio observer + enb-1@1, enb-4@1 derives the honest KeNB of handover 1 without "
            "an edit of it by enb-1 (not a downgrade)") in whys, whys
    assert any(why.startswith("after enb-1's edit of S1AP HandoverRequired enb-1->mme-1")
               for why in downgrade["never_arose"]), downgrade


def test_a_part_holding_the_editor_is_judged_for_a_downgrade_beside_its_coalition(
        capsys: pytest.CaptureFixture[str]) -> None:
    """helper-176 #5. enb-1 edits the NCC of the HO command the MME sends it (TS 36.413
    9.1.5.2's container, relayed to the UE): the UE derives KeNB* from NH(3) where enb-4 took
    NH(2) (TS 33.401 7.2.8.4.3), and enb-4 rejects the HO confirm. The coalition holding
    enb-4 derives the honest KeNB (not a downgrade for it); enb-1 alone does not, and is
    judged, as enb-1@1 alone is: downgrade-resistance read "its situation did not arise"
    beside handover-denial's "sometimes 1"."""
    main(["check", "--variant", "ts33401", "--json", "--compromise", "enb-1@1",
          "--compromise", "enb-4@1", "--hops", "s1:edit=HandoverCommand/container/NCC=3"])
    [downgrade] = [c for c in json.loads(capsys.readouterr().out)["claims"]
                   if c["name"] == "downgrade-resistance"]
    [verdict] = downgrade["verdicts"]
    assert (verdict["attacker"], verdict["holds"]) == (
        "radio observer + enb-1@1 (without enb-4)", True), downgrade
    assert downgrade["sometimes"] == 1 and not downgrade["never_arose"], downgrade


def test_an_edit_of_a_refused_hop_is_said_unjudged_of_the_run_without_it() -> None:
    """``:refused``: the target refuses the HANDOVER REQUEST (admission control, TS 36.413
    8.4.2.3), so hop 1 never completes, with or without enb-1's edit of the HANDOVER
    REQUIRED (its Target ID names enb-1, which serves no cell it could take the UE to). The
    edit claims said "handover 1 never completes without enb-1's edit", as if the edit made
    it complete; they say what the run without the edit did."""
    edit = "HandoverRequired/target eNB='enb-1'"
    _, claims = _check_variant("seed-fs", f"s1@enb-3/cell-1:edit={edit}:refused,s1@enb-3/cell-1")
    for name in ("downgrade-resistance", "handover-denial", "fake-cell-capture"):
        whys = claims[name]["not_judged"]
        assert any(why.startswith("run without enb-1's edit, handover 1 never completes "
                                  "(nothing to judge the edit against)") for why in whys), whys
        assert not any("never completes without" in why for why in whys), whys


def test_a_reason_true_of_a_coalition_and_its_enbs_alone_is_said_once(
        capsys: pytest.CaptureFixture[str]) -> None:
    """helper-175: KASME gives every KeNB, and enb-1 alone derives the X2 hop's KeNB* from its
    own KeNB (TS 33.401 7.2.8.4.2): neither the whole nor its eNBs alone meet a downgrade,
    and one sentence says so of both (a mutant judging the eNBs alone by the whole's search
    said it twice, once per name)."""
    main(["check", "--variant", "ts33401", "--hops", "x2", "--json",
          "--compromise", "enb-1@1", "--compromise", "KASME@1"])
    [downgrade] = [c for c in json.loads(capsys.readouterr().out)["claims"]
                   if c["name"] == "downgrade-resistance"]
    assert downgrade["not_judged"] == [
        "an attacker holding enb-1 derives the honest KeNB of handover 1 without an edit of it "
        "(not a downgrade)"], downgrade
