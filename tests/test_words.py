"""The verdict words (issue 18, item 4): each defined once in ``reports/words.py`` and used
alike in ``hoverify check`` text, its JSON and the report's pages."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from default_report import Generated
from hoverify.properties.claims import CLAIMS, INVARIANTS, Unexercisable
from hoverify.properties.promises import FORWARD
from hoverify.reports.data import BROKEN, HOLDS
from hoverify.reports.scenarios import VARIANTS
from hoverify.reports.status import FAILS, NA, VACUOUS
from hoverify.reports.words import (
    HOLDS_SO_FAR,
    OUTSIDE_ROW,
    ROW_WORDS,
    UNTESTED,
    WORDS,
    broken_text,
    plain,
    row_word,
    search_end_text,
    vacuous_text,
    verdict_word,
)
from hoverify.statemachines.names import word_list
from hoverify.statemachines.variant import PATH_SWITCH_FIRST

from hoverify.cli import main
from hoverify.runs import NAME_COLUMN

TESTS = Path(__file__).parent


def check(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    main(["check", *argv])
    return capsys.readouterr().out


@pytest.mark.parametrize(("items", "last", "said"), [
    ((), "and", ""), (("a",), "or", "a"), (("a", "b"), "and", "a and b"),
    (("a", "b", "c"), "and", "a, b and c"), (("a", "b", "c"), "or", "a, b or c")])
def test_one_list_of_words_for_every_sentence(items: tuple[str, ...], last: str,
                                              said: str) -> None:
    """h209: the conclusion's ``join`` and the claims' ``and_list`` were one list twice, both
    without a comma before the last word; ``and_list`` raised on none, which ``join`` gave
    as ""."""
    assert word_list(iter(items), last) == said


def test_a_variant_without_ncc_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    out = check(capsys, "--variant", "seed-fs", "--hops", "x2")
    assert "no NCC" in out and "NCC None" not in out
    out = check(capsys, "--variant", "ts33401", "--hops", "x2")
    assert "NCC 0 " in out and "no NCC" not in out


def test_the_last_line_names_whose_derivable_keys_it_lists(
        capsys: pytest.CaptureFixture[str]) -> None:
    """Not "derivable hops: none" right after a claim listing derivable later KeNBs: without
    --compromise the line is a radio observer's alone."""
    out = check(capsys, "--variant", "tr33821-v070", "--hops", "x2,x2")
    assert out.splitlines()[-1] == ("KeNB derivable by a radio observer alone at the end of "
                                    "the run, hops: none")
    out = check(capsys, "--variant", "tr33821-v070", "--hops", "x2,x2",
                "--compromise", "enb-1@1")
    assert out.splitlines()[-1] == ("KeNB derivable by radio observer + enb-1@1 at the end "
                                    "of the run, hops: [0-2]")  # hop 0: enb-1 served it


# -- the report's words, in the default report (conftest.py) ------------------------------------
@pytest.fixture(scope="module")
def report(default_report: Generated) -> Path:
    return default_report.out


def matrix_cells(report: Path, scenario: str, claim: str) -> dict[str, str]:
    doc = json.loads((report / "verdicts.json").read_text())
    return {r["variant"]: r["matrix"][claim] for r in doc["results"] if r["scenario"] == scenario}


def test_n_hop_names_only_what_holds(report: Path) -> None:
    """"≥2-hop" stood in holding and failing cells alike, and a failure read "10-hop forward
    security": now n-hop is said only of a holding cell, a failure says how far it reaches."""
    x2 = matrix_cells(report, "x2", FORWARD)
    # x2,x2: the KeNB two hops after hop 1's source is in the run (TS 33.401 7.2.8.4.2), so
    # the 2-hop promise could fail there; the run ends at a KeNB hop 2's source derives
    assert x2["ts33401"] == "holds, 2-hop so far"
    assert x2["tr33821-v070"] == "fails (not promised), derives 2+ hops on"
    chain = matrix_cells(report, "chain", FORWARD)
    assert chain["tr33821-v070"] == "fails (not promised), derives 9 hops on"
    doc = json.loads((report / "verdicts.json").read_text())
    cells = [text for r in doc["results"] for text in r["matrix"].values()]
    assert not any("≥" in text for text in cells)
    assert not any("-hop" in text for text in cells if not text.startswith(HOLDS))


def test_the_race_reads_the_same_in_the_matrix_and_on_the_command_line(
        report: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The matrix said "fails (not promised)" where `check` said "promised 2-hop; outside the
    promise"; both now say which assumption of the promise the run broke."""
    word = "fails (outside the promise: path-switch-first)"
    assert matrix_cells(report, "race", FORWARD)["ts33401"] == f"{word}, derives 2 hops on"
    out = check(capsys, "--variant", "ts33401", "--hops", "x2,x2:early,x2")
    # the row without the assumption, each hop line's word with it (helper-198 #12)
    assert re.search(r"^forward-security +fails \(outside the promise\) its situation", out, re.M)
    assert re.search(rf"^    hop 1, radio observer \+ enb-1@1: {re.escape(word)}: ", out, re.M)
    main(["check", "--variant", "ts33401", "--hops", "x2,x2:early,x2", "--json"])
    claim = next(c for c in json.loads(capsys.readouterr().out)["claims"]
                 if c["name"] == FORWARD)
    assert claim["verdict"] == word and claim["outside_promise"] == PATH_SWITCH_FIRST
    assert [v["verdict"] for v in claim["verdicts"]][:2] == [word, HOLDS]


def test_check_shows_every_hops_verdict(capsys: pytest.CaptureFixture[str]) -> None:
    out = check(capsys, "--variant", "ts33401", "--hops", "x2,s1,x2")
    block = out[out.index("\nkey-agreement"):out.index("\nkey-secrecy")]
    assert [line.split(":")[0].strip() for line in block.splitlines()[2:]] == [
        "hop 1, -", "hop 2, -", "hop 3, -"]
    assert "hop 3, -: holds: UE and enb-" in block


def test_every_report_page_carries_the_legend(report: Path) -> None:
    pages = [report / "index.md", report / "index.html", *report.glob("*/report.md")]
    assert len(pages) == 2 + len(VARIANTS)
    for page in pages:
        text = page.read_text()
        for word, _ in WORDS:
            assert (plain(word) if page.suffix == ".html" else word) in text, (page, word)



def test_the_legend_says_which_commands_exit_1_on_a_broken_promise() -> None:
    """newcomer #4: the legend said a broken promise is "exit code 1", but `hoverify report`,
    whose pages carry the legend, exits 0 with broken promises in it (docs/commands.md): the
    legend names the commands that exit 1, those docs/commands.md names."""
    commands = (Path(__file__).parent.parent / "docs" / "commands.md").read_text()
    listed = re.search(r"1 when a promised claim fails\s+\(([^)]*)\)", commands)
    assert listed, "docs/commands.md no longer lists the commands that exit 1"
    names = re.findall(r"`(\w+)`", listed.group(1))
    [meaning] = [meaning for word, meaning in WORDS if word == BROKEN]
    assert "exit code 1" not in meaning and "report" not in meaning
    assert f"({', '.join(names[:-1])} and {names[-1]} exit 1 on it)" in meaning, meaning


def test_the_legend_defines_every_word_a_cell_uses(report: Path) -> None:
    doc = json.loads((report / "verdicts.json").read_text())
    defined = [word.split(" (")[0] for word, _ in WORDS]
    for r in doc["results"]:
        for text in r["matrix"].values():
            assert any(text.startswith(w) for w in defined), text


def test_the_conclusion_says_outside_the_promise_as_the_matrix_does(report: Path) -> None:
    index = (report / "index.md").read_text()
    conclusion = index[index.index("## Conclusion"):index.index("## Verdict matrix")]
    race = next(line for line in conclusion.splitlines()
                if "forward-security open on the Path Switch race" in line)
    # with its measure, as its cell says it (review25)
    assert ("(ts33401 fails there, outside the promise: path-switch-first, derives 2 hops on)"
            in race)


def test_verify_names_its_findings_with_the_same_words(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Not "(PROMISED claim violated)" / "(not promised)" beside check's "FAILS (promised)"."""
    argv = ["verify", "--variant", "tr33821-v070", "--max-handovers", "1",
            "--out", str(tmp_path / "findings")]
    main(argv)
    out = capsys.readouterr().out
    assert "\nforward-security: fails (not promised): enb-1 derives" in out
    main([*argv, "--json"])
    words = {f["claim"]: f["verdict"] for f in json.loads(capsys.readouterr().out)["findings"]}
    # situ38: the source derives KeNB* (TR 33.821 v0.7.0), so capture needs no edit
    assert words == {"key-separation": "fails (not promised)",
                     "forward-security": "fails (not promised)",
                     "fake-cell-capture": "fails (not promised)"}
    # a KeNB* without the EARFCN-DL breaks ts33401's promise (TS 33.401 A.5)
    unbound = str(Path(__file__).parent / "broken_variants" / "kenb_star_without_earfcn.py")
    main(["verify", "--variant-file", unbound, "--max-handovers", "1",
          "--out", str(tmp_path / "unbound")])
    assert "\nkey-separation: FAILS (promised): KeNB[hop 1] is not bound" in (
        capsys.readouterr().out)


def test_a_claim_judged_step_by_step_holds_at_the_last_hop_its_situation_arose(
        capsys: pytest.CaptureFixture[str]) -> None:
    """review48: a claim judged step by step (the model invariants, key-secrecy, an edit claim
    in explore and verify) held "hop 4, -: ... enb-2 edited a message of handover 2", the
    run's last hop, where its situation never arose. On x2,intra-enb the MME derives NH(1) at
    set-up and NH(2) on the X2 hop's Path Switch (TS 33.401 7.2.8.1.1, 7.2.8.4.2), none on the
    intra-eNB hop: ncc-sync holds at hop 1."""
    out = check(capsys, "--variant", "ts33401", "--hops", "x2,intra-enb")
    block = out[out.index("\nncc-sync"):]
    assert block.splitlines()[2].startswith("    hop 1, -: holds: every NH an MME derived"), block


def test_sometimes_counts_every_handover_key_agreement_judges(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """review48: key-agreement judged three handovers and said "sometimes 2". On an
    undisturbed run it also judges a handover its source decided that never completed (no
    confirm reached a target, so none was counted): here the X2 target refuses the
    HandoverRequest. tests/attack_variants/always_k_ho.py's X2 target refuses the HO confirm
    (MAC-I check failed); the s1-inter hop after it never starts (its source, waiting on hop
    2, refuses the measurement report), and is not judged (helper-247 #1: a report the source
    refuses starts no handover, TS 36.300 10.1.2.1.1 steps 2-3)."""
    out = check(capsys, "--variant-file", str(TESTS / "attack_variants" / "always_k_ho.py"),
                "--hops", "s1,x2,s1-inter")
    block = out[out.index("\nkey-agreement"):out.index("\nkey-secrecy")]
    verdicts = [line for line in block.splitlines() if line.startswith("    hop ")]
    assert len(verdicts) == 2 and "refused the HO confirm" in verdicts[1], block
    assert block.splitlines()[1].endswith("its situation arose 2 times"), block
    refusing = tmp_path / "target_refuses_x2.py"
    refusing.write_text(
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.entity import Reject\n"
        "from hoverify.statemachines.variants.ts33401 import Ts33401\n\n\n"
        "@dataclass(frozen=True)\n"
        "class TargetRefuses(Ts33401):\n"
        "    name: str = 'target-refuses'\n\n"
        "    def target_enb(self, d, fields, target, c_rnti, hop):\n"
        "        raise Reject('no admission')\n\n\n"
        "VARIANT = TargetRefuses()\n")
    out = check(capsys, "--variant-file", str(refusing), "--hops", "x2")
    block = out[out.index("\nkey-agreement"):out.index("\nkey-secrecy")]
    assert block.splitlines()[1].endswith("its situation arose 1 time"), block
    assert "handover 1, run by the honest parties with no adversary action, never completed" \
        in block, block


def test_each_claim_says_what_its_count_counts(capsys: pytest.CaptureFixture[str]) -> None:
    """newcomer #4: "holds                 sometimes 2" read as a qualifier of the verdict
    ("holds sometimes?"); it counts the times the claim's situation arose. check, and explore
    and verify (``search_claims_text``), say so beside each verdict, with the count --json
    gives (its key ``sometimes`` kept); a claim whose situation never arose says 0 times
    beside a verdict that says what that means (vacuous where promised, else n/a)."""
    from hoverify.search_claims import search_claims_text

    text = check(capsys, "--variant", "ts33401", "--hops", "x2,x2")
    doc = json.loads(check(capsys, "--variant", "ts33401", "--hops", "x2,x2", "--json"))
    counts = {c["name"]: (c["verdict"], c["sometimes"]) for c in doc["claims"]}
    heads = {line.split(" ", 1)[0]: line for line in text.splitlines()
             if line.split(" ", 1)[0] in counts}
    assert set(heads) == set(counts)
    for name, (verdict, n) in counts.items():
        assert heads[name].endswith(f" its situation arose {n} time{'' if n == 1 else 's'}")
        assert "sometimes" not in heads[name]
        if n == 0:
            assert verdict in ("vacuous", "n/a", "untested"), (name, verdict)
    assert counts["confinement"] == ("n/a", 0)
    entry = {"name": "confinement", "verdict": "vacuous", "outside_promise": None,
             "sometimes": 0, "reason": "promised, "
             "but its situation never arose within the bound", "evidence": [], "untested": None,
             "trace": []}
    line = search_claims_text([entry], "within the bound")[2]
    assert line.startswith("confinement") and "vacuous" in line and line.endswith(
        " its situation arose 0 times: promised, but its situation never arose within the bound")
    for command in ("check", "explore", "verify"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        helped = " ".join(capsys.readouterr().out.split())
        assert "'sometimes N'" not in helped and "'its situation arose N times'" in helped, command


@pytest.mark.parametrize("name", [*CLAIMS, *INVARIANTS])
def test_each_row_word_leaves_what_follows_it_in_line(name: str) -> None:
    """helper-207: "fails (outside the promise)" (``OUTSIDE_ROW``) was longer than the verdict
    column check, replay, explore and verify printed, so its row's count and reason stood 6
    characters right of every other row's. For each word a claim's row can say
    (``ROW_WORDS``), in check's and replay's row (``claim_text``) and explore's and verify's
    (``search_claims_text``), what follows the verdict starts at one offset, a space after
    the longest word."""
    from hoverify.runs import claim_text
    from hoverify.search_claims import search_claims_text

    offsets = set()
    for word in ROW_WORDS:
        outside = "A" if word == OUTSIDE_ROW else None  # the word of its hop lines names A
        entry = {"name": name, "verdict": verdict_word(FAILS, outside) if outside else word,
                 "outside_promise": outside, "sometimes": 2, "verdicts": [], "cut": [],
                 "reason": "R", "evidence": [], "untested": None, "trace": []}
        rows = [claim_text(entry)[0], search_claims_text([entry], "within the bound")[2]]
        for row in rows:
            assert row.split(None, 1)[1].startswith(f"{word} "), row
            offsets.add(row.index("its situation arose 2 times"))
    assert offsets == {len(f"{name:<{NAME_COLUMN}} {max(ROW_WORDS, key=len)} ")}, offsets


@pytest.mark.parametrize("outside", [None, "backhaul-protected"])
def test_a_stopped_search_says_so_far_only_of_a_claim_that_holds(outside: str | None) -> None:
    """helper-241 #6: a search stopped before its bound was exhausted says "holds so far" of
    a claim no state it reached violated; a claim it found violated fails whatever the
    states it did not reach (a failure is a counterexample, not a bound's guess)."""
    assert row_word(HOLDS, None, so_far=True) == HOLDS_SO_FAR
    for status in (BROKEN, FAILS):
        word = verdict_word(status, outside)
        assert row_word(word, outside, so_far=True) == row_word(word, outside) != HOLDS_SO_FAR


@pytest.mark.parametrize("status", [HOLDS, BROKEN, FAILS, VACUOUS, NA, UNTESTED])
@pytest.mark.parametrize("outside", [None, "backhaul-protected"])
def test_every_verdict_a_row_can_say_is_one_the_column_was_sized_for(
        status: str, outside: str | None) -> None:
    """helper-207: the verdict column is as wide as the longest of ``ROW_WORDS``; a row
    saying any other word would overflow it unseen. Every status a claim's verdict has
    (``reports.status``; forward security's ``untested``), within or outside a promise, is
    one of them (helper-212 #9: a check at run time would crash a command for a column)."""
    assert row_word(verdict_word(status, outside), outside) in ROW_WORDS


def test_check_s_rows_line_up_whatever_their_words(capsys: pytest.CaptureFixture[str]) -> None:
    """helper-207: a run whose rows say holds, n/a and fails (outside the promise) counts
    each claim's situation from one column."""
    text = check(capsys, "--variant", "ts33401", "--hops", "s1,x2", "--compromise", "mme-1@1")
    rows = [line for line in text.splitlines() if line.split(" ", 1)[0] in CLAIMS]
    said = {word for row in rows for word in ROW_WORDS
            if row[NAME_COLUMN + 1:].startswith(f"{word} ")}
    assert said >= {HOLDS, NA, OUTSIDE_ROW}, rows
    assert len({row.index(" its situation arose ") for row in rows}) == 1, rows


# the claims of a search's findings (CLAIM, promised) and its last line, searched WHERE
BROKEN_LINES = {
    "none promised": ([("fake-cell-capture", False)], None),
    "one": ([("forward-security", True), ("fake-cell-capture", False)],
            "a promised claim FAILS: forward-security, WHERE"),
    "two": ([("forward-security", True), ("key-separation", True)],
            "2 promised claims FAIL: forward-security and key-separation, WHERE"),
    "three, one not promised": ([("forward-security", True), ("key-separation", True),
                                 ("handover-denial", False), ("key-agreement", True)],
                                "3 promised claims FAIL: forward-security, key-separation and "
                                "key-agreement, WHERE"),
    # helper-204 #2: a hook that raised is no claim ("a promised claim FAILS: variant-error")
    "a variant error alone": ([("variant-error", True)], "a variant hook raised "
                                                         "(variant-error), WHERE"),
    "a variant error and a claim": ([("variant-error", True), ("forward-security", True)],
                                    "a promised claim FAILS: forward-security, and a variant "
                                    "hook raised (variant-error), WHERE"),
}


@pytest.mark.parametrize("case", sorted(BROKEN_LINES))
def test_a_search_s_last_line_names_the_promised_claims_it_broke(case: str) -> None:
    """``broken_text``: "The last line of a search ... whose ``findings`` ... break a
    promise ..., as one that breaks none ends 'no violation of a promised claim ...'
    (helper-198 #3); None where none is broken": the promised claims alone, and how many."""
    found, said = BROKEN_LINES[case]
    findings = [{"claim": claim, "promised": promised} for claim, promised in found]
    assert broken_text(findings, "WHERE") == said


# findings (claim, promised), the vacuous promised claims, what a search says where it breaks
# none (None: nothing) -> its last line
END_LINES = {
    "nothing broken, nothing vacuous": ([], [], "", "no violation of a promised claim WHERE"),
    "nothing broken, one vacuous": (
        [], ["forward-security"], ": NOTE",
        "no violation of a promised claim WHERE: NOTE; but a promised claim's situation never "
        "arose (vacuous): forward-security"),
    "nothing broken, three vacuous": (
        [("key-separation", False)], ["backward-security", "forward-security",
                                      "downgrade-resistance"], "",
        "no violation of a promised claim WHERE; but 3 promised claims' situations never arose "
        "(vacuous): backward-security and forward-security; downgrade-resistance (only an "
        "edit makes it arise, and WHY)"),
    "one broken, one vacuous": (
        [("forward-security", True)], ["downgrade-resistance"], "",
        "a promised claim FAILS: forward-security, WHERE; and a promised claim's situation "
        "never arose (vacuous): downgrade-resistance (only an edit makes it arise, and WHY)"),
    "nothing broken, nothing said": ([], ["forward-security"], None, None),
    "broken, though nothing said where none is": (
        [("forward-security", True)], [], None, "a promised claim FAILS: forward-security, WHERE"),
}


@pytest.mark.parametrize("case", sorted(END_LINES))
def test_a_search_s_last_line_names_the_promised_claims_it_never_tried(case: str) -> None:
    """A newcomer: `verify --variant seed-fs --max-handovers 1 --faults ''` ended "no
    violation of a promised claim in 42 states, bound exhausted" (exit 0) with all three of
    its promised claims vacuous, which only lines above and stderr said. ``search_end_text``
    (explore's and verify's last line alike) names them after what it found."""
    found, vacuous, unbroken, said = END_LINES[case]
    findings = [{"claim": claim, "promised": promised} for claim, promised in found]
    why = {"downgrade-resistance": Unexercisable("an edit", "WHY")}  # ``claims.unexercised``
    assert search_end_text(findings, vacuous, why, "WHERE", unbroken) == said


def test_each_reason_of_the_vacuous_claims_follows_exactly_the_claims_it_covers() -> None:
    """helper-225: "backward-security, forward-security and downgrade-resistance (only an
    edit makes it arise, ...)" read as the three's reason. ``vacuous_text`` says each reason
    once, in the number of the claims it covers, right after exactly them, and a claim merely
    not reached with none: the claims in order of their first, grouped by reason."""
    compromise, edit = Unexercisable("a compromise", "NO C"), Unexercisable("an edit", "NO E")
    why = {"backward-security": compromise, "forward-security": compromise,
           "downgrade-resistance": edit}
    vacuous = ["backward-security", "confinement", "forward-security", "downgrade-resistance"]
    assert vacuous_text(vacuous, why) == (
        "4 promised claims' situations never arose (vacuous): backward-security and "
        "forward-security (only a compromise makes them arise, and NO C); confinement; "
        "downgrade-resistance (only an edit makes it arise, and NO E)")
    for claims in ([], ["confinement"]):  # none with a reason: no bracket
        assert "(" not in vacuous_text([*claims, "key-secrecy"], why).split("): ", 1)[1]
