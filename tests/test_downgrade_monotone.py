"""downgrade35: downgrade-resistance is monotone in the attacker. Its promise is made against
a compromised source eNB, the one that edits the HO command it relays and the
HandoverRequired or HandoverRequest it sends (TS 33.401 7.2.8; /work/shared/spec
handover-keys.md section 7: a downgrade puts the UE and an honest target on a KeNB the
attacker derives). A coalition that also holds a revealed key (KASME, K_HO), the UE or an
MME derives the honest KeNB of a hop anyway, so the edits are not a downgrade for it; but its
eNBs alone still break the promise where they broke it without that party. Users read exit 0
as "secure": one more party must never make a broken promise disappear.

The cases are a sample of a seeded sweep (random variants of tests/attack_variants and
tests/broken_variants, 1-4 random hops, a source eNB and up to two more compromises) in which
the weaker attacker fails downgrade-resistance, promised."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest

from hoverify.cli import main

TESTS = Path(__file__).parent

# (variant file, hops, the run's other options, compromises that fail downgrade-resistance,
# promised)
CASES = [
    ("attack_variants/capability_low_bit.py", "s1-inter,s1-inter", ("--seed", "7"),
     ("enb-1@1", "enb-2@1")),
    ("attack_variants/presence_omitted.py", "intra-enb,s1-inter", ("--seed", "2"),
     ("enb-1@1", "enb-5@2")),
    ("attack_variants/capability_bytes.py", "s1,s1", ("--seed", "31"), ("enb-1@1", "enb-3@1")),
    ("attack_variants/capability_bitmap.py", "s1-inter,x2,x2,s1", ("--seed", "62"),
     ("enb-1@1",)),
    ("broken_variants/bit_unprotected.py", "intra-enb,s1,s1", ("--seed", "22"), ("enb-3@3",)),
    ("broken_variants/bit_unprotected.py", "x2,x2,x2,s1-inter", ("--seed", "61"),
     ("enb-4@4",)),
    # a hop the hops edit (``:edit=``) is judged on that edit by the engine's claim, whoever
    # else the attacker holds (downgrade35b: with KASME@1, the UE or an MME added it read
    # n/a, with enb-3@1 too): the source clears the "UE supports KeNB*+" bit the variant
    # leaves unprotected, and the UE and enb-3 complete on KeNB* (seed section 2)
    ("broken_variants/bit_unprotected.py",
     "s1@enb-3/cell-1:edit=HandoverRequired/security/UE supports KeNB*+=False",
     ("--topology", "small"), ("enb-1@1",)),
    ("broken_variants/bit_unprotected.py",
     "s1@enb-3/cell-1:edit=HandoverRequired/security/UE supports KeNB*+=False,x2@enb-2/cell-1",
     ("--topology", "small"), ("enb-1@1",)),
]
# beside the eNBs of the run: a revealed key, the UE, an MME (docs/claims.md, coalitions)
OTHERS = ("KASME", "K_HO", "ue", "mme-1", "mme-2")


def _downgrade(variant: str, hops: str, options: tuple[str, ...],
               compromises: tuple[str, ...]) -> tuple[int, dict[str, object], list[dict]]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(["check", "--variant-file", str(TESTS / variant), "--hops", hops,
                     *options, "--json",
                     *(a for c in compromises for a in ("--compromise", c))])
    doc = json.loads(out.getvalue())
    return code, next(c for c in doc["claims"] if c["name"] == "downgrade-resistance"), \
        doc["hops"]


@pytest.mark.parametrize(("variant", "hops", "options", "weak"), CASES)
def test_adding_a_party_never_hides_a_broken_downgrade_promise(
        variant: str, hops: str, options: tuple[str, ...], weak: tuple[str, ...]) -> None:
    code, claim, run = _downgrade(variant, hops, options, weak)
    assert code == 1 and claim["promise_broken"], claim
    enbs = sorted({h[end] for h in run for end in ("source_enb", "target_enb")})
    for party in (*OTHERS, *enbs):
        for hop in sorted({1, len(run)}):
            # a party the attacker holds already is compromised from the earlier hop alone
            # (a compromise lasts to the end of the run: check refuses a later one beside it)
            held = next((int(c.split("@")[1]) for c in weak if c.split("@")[0] == party), None)
            if held is not None and held <= hop:
                continue
            added = f"{party}@{hop}"
            stronger_attacker = (*(c for c in weak if c.split("@")[0] != party), added)
            code, stronger, _ = _downgrade(variant, hops, options, stronger_attacker)
            assert code == 1 and stronger["promise_broken"], (added, stronger)


def test_an_edit_is_judged_against_the_editors_enbs_alone() -> None:
    """With KASME@1 beside enb-1@1 the coalition derives the honest KeNB of the edited hop
    (every KeNB is a function of KASME and public values, TS 33.401 A.3, A.4), so the edit
    is no downgrade for it; the promise is made against the source eNB (TS 33.401 7.2.8),
    so the edit is judged against enb-1 alone, named as check's edit search names it (text36:
    the verdict kept the coalition's name), and the coalition is said not judged."""
    variant, hops, options, weak = CASES[-2]
    code, claim, _ = _downgrade(variant, hops, options, (*weak, "KASME@1"))
    [verdict] = claim["verdicts"]
    assert (code, verdict["attacker"], verdict["holds"], verdict["promised"]) == (
        1, "radio observer + enb-1@1 (without KASME)", False, True)
    assert verdict["detail"].endswith("completed it on a KeNB enb-1 derives")
    assert claim["not_judged"] == [
        "radio observer + enb-1@1, KASME@1 derives the honest KeNB of handover 1 without "
        "an edit of it by enb-1 (not a downgrade)"]


@pytest.mark.parametrize("hops", [
    "x2:edit=HandoverRequest/AS-SecurityInformation/NCC=3",
    "x2:edit=HandoverRequestAcknowledge/container/NCC=3"])
def test_adding_the_target_never_hides_a_broken_denial_promise(hops: str) -> None:
    """helper-176 #1. The X2 source builds the request's AS-SecurityInformation (TS 36.423
    9.1.1.1) and relays the HO command in the acknowledge's container (9.1.1.2); the target
    builds the container and reads the request. Either end makes each edit; held by one
    coalition, the edit was judged as the receiver's alone: the request's as the target's,
    which no edit claim judges (no honest target to deceive), so the source's promised
    handover-denial failure (tests/attack_variants/promises_no_denial.py) disappeared when
    enb-2 was added, and the exit code fell from 1 to 0."""
    for compromises in (("enb-1@1",), ("enb-1@1", "enb-2@1")):
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            code = main(["check", "--variant-file",
                         str(TESTS / "attack_variants" / "promises_no_denial.py"),
                         "--hops", hops, "--json",
                         *(f"--compromise={c}" for c in compromises)])
        [denial] = [c for c in json.loads(out.getvalue())["claims"]
                    if c["name"] == "handover-denial"]
        assert code == 1 and denial["promise_broken"], (compromises, denial)


def test_a_capture_only_a_revealed_key_makes_is_outside_the_promise_and_the_enbs_are_judged(
        ) -> None:
    """helper-176 #6. KASME gives the coalition every KeNB, so it needs no edit to run the
    target cell; the promise is made against a compromised source eNB (TS 33.401 7.2.8), so
    that failure is outside it (as a downgrade only the revealed key makes). enb-1 alone
    strips the NAS part of the seed's HO command and the UE falls back to KeNB* from its
    own KeNB (seed section 2), which enb-1 derives: that breaks the promise
    (tests/attack_variants/promises_no_capture.py), and its witness is the one shown. The
    coalition's failure read "FAILS (promised)" with its KASME witness, and enb-1's edit had
    no line."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(["check", "--variant-file",
                     str(TESTS / "attack_variants" / "promises_no_capture.py"),
                     "--hops", "s1", "--json", "--compromise", "enb-1@1",
                     "--compromise", "KASME@1"])
    [capture] = [c for c in json.loads(out.getvalue())["claims"]
                 if c["name"] == "fake-cell-capture"]
    verdicts = {v["attacker"]: v for v in capture["verdicts"]}
    whole = verdicts["radio observer + enb-1@1, KASME@1"]
    assert not whole["promised"] and "KASME" in whole["outside_promise"], whole
    alone = verdicts["radio observer + enb-1@1 (without KASME)"]
    assert not alone["holds"] and alone["promised"], alone
    assert capture["witness"][0].startswith("hop 1, radio observer + enb-1@1 (without KASME)")
    assert code == 1
