"""The words of a verdict, each defined once (``LEGEND``), and the phrases that the Markdown
and the HTML pages share. ``hoverify check`` (text and JSON) uses the same words."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING

from hoverify.properties.later_kenbs import reach_text
from hoverify.reports.scenarios import REFERENCE, VERIFY_MAX_HANDOVERS, Scenario
from hoverify.reports.status import BROKEN, FAILS, HOLDS, NA, VACUOUS, VARIANT_ERROR
from hoverify.statemachines.names import word_list

if TYPE_CHECKING:  # ``check`` uses the words, not the report's data
    from hoverify.properties.claims import Unexercisable
    from hoverify.reports.anchors import Anchor
    from hoverify.reports.data import Bounded, BoundedFinding, Cell

OUTSIDE = "fails (outside the promise: {assumption})"
# ... as a claim's row of ``check`` says it, each hop line's word naming the assumption
# (helper-198 #12: a long one pushed the row's count out of line)
OUTSIDE_ROW = "fails (outside the promise)"
SO_FAR = "so far"
# ... as a row of a ``verify`` stopped before its bound was exhausted (--max-states,
# --max-seconds, Ctrl-C) says a claim no state it reached violated (helper-241 #6: each row
# said "holds" under "the states reached so far"): the states not reached are not judged
HOLDS_SO_FAR = f"{HOLDS} {SO_FAR}"
UNTESTED = "untested"
# Every word a claim's row can say (``row_word``) where check, replay, explore and verify list
# the claims: the longest sets the width of their verdict column (``hoverify.runs.claim_row``)
ROW_WORDS = (HOLDS, HOLDS_SO_FAR, BROKEN, FAILS, OUTSIDE_ROW, UNTESTED, VACUOUS, NA)

# Why a claim has no verdict, as n/a (and vacuous, promised) and the conclusion say it
NEVER_AROSE = "its situation never arose"
NOT_JUDGED = "the claim's definition leaves the run's hops out (not judged)"

# One entry per word: what it means. The legend is this table; nothing else defines a word.
WORDS: tuple[tuple[str, str], ...] = (
    (HOLDS, "no attacker of the run violates the claim"),
    (BROKEN, "the variant promises the claim and it fails: a broken promise (check, explore, "
             "verify and replay exit 1 on it)"),
    (FAILS, "it fails, and the variant does not promise it there"),
    (OUTSIDE.format(assumption="A"),
     "the variant promises it, assuming A (path-switch-first: each eNB has the Path "
     "Switch Request Acknowledge before it decides the next handover; backhaul-protected: "
     "NDS/IP lets no S1, X2 or S10 message be replayed or duplicated); it fails only in a "
     "run that breaks A, so no promise is broken"),
    (VACUOUS, "promised, but the situation it speaks of never arose in that run"),
    (NA, f"no verdict: the variant does not promise the claim there and {NEVER_AROSE}, or "
         f"{NOT_JUDGED}"),
    ("n-hop", "forward security that holds: the KeNBs n or more hops after the attacker's "
              "last legitimate KeNB are safe"),
    (f"n-hop {SO_FAR}", "the run ends at a KeNB the attacker derives: a longer run could "
                        "show a larger n"),
    (UNTESTED, "forward security holds, but each attacker derives every later KeNB of the "
               "run, within its promised n hops: nothing later is kept from any, so the run "
               "could not have broken the promise"),
    ("derives k hops on", "forward security that fails: the attacker derives KeNBs up to k "
                          "hops after its last legitimate KeNB; k+ when the run ends there "
                          "(a longer run could show more)"),
)
# what begins each verdict line (``hoverify.properties.attacker``; helper-216 #6: only
# docs/claims.md said what "-" is)
ATTACKER_LABELS = (
    "A verdict line begins `hop N, WHO:`, the hop it judges and the attacker: `-` where the "
    "claim judges the honest parties' run itself and names no compromised party (key "
    "agreement, key separation, the authentication claims, the invariants); `radio observer "
    "+ enb-2@1` for one who hears the radio and holds enb-2 from hop 1 on, as `hoverify "
    "check --compromise enb-2@1` makes it (likewise `ue@1`, `mme-1@1`, `KASME@1`: that "
    "party or key revealed); `network` for what one reads on an unprotected backhaul; "
    "`knows K_HO` for what the holder of a key the variant delegates derives (confinement).")
LEGEND = ("Verdict words: " + "; ".join(f"*{word}*: {meaning}" for word, meaning in WORDS)
          + ". A failing cell links to its counterexample (one failing only outside the "
          "promise also to why no promise is broken), any other to the reason for its verdict. "
          + ATTACKER_LABELS)
VARIANT_ERROR_LEGEND = ("**variant-error**: a variant hook (or the model) raised during that "
                        "run, which stopped there, so no claim has a verdict; the cell links "
                        "to the hook, the exception and the step. It fails `hoverify report` "
                        "(exit 1).")
DERIVABILITY = ("Each eNB and MME compromised (alone, with a radio observer) from the hop in "
                "which it first takes part, or from the start: the initial AS security, "
                "before hop 1 (`hoverify check --compromise WHO@HOP` takes a HOP of 1 or "
                "more): *serves*, it held that KeNB as the serving eNB; **derives**, it can "
                "compute it.")


def compromised_from(entity: str, hop: int) -> str:
    """A derivability row's party and the moment it is compromised from, in words no reader
    takes for a ``--compromise`` hop that check refuses (hop 0, the initial AS security)."""
    return f"{entity} (from hop {hop})" if hop else f"{entity} (from the start)"

WHY = ("Each claim that holds, is vacuous or n/a, and why, in the words of `hoverify check`: "
       "the verdict line of its matrix cell, then what check prints under it, the cut of the "
       "verdict it shows (what that attacker lacks: the keys it cannot derive, or why no edit "
       "succeeds), or why no hop has a verdict. Where check prints no cut, the verdict line is "
       "the reason. When a claim holds, each of its hop verdicts holds (`hoverify check` lists "
       "them, `verdicts.json` has each one's cut). A claim that fails only outside its "
       "promise has a row too: its verdict line, then what the promise assumes, which the run "
       "broke. Scenarios that read the same share a row; each matrix cell links to its row, "
       "as a failing one links to its counterexample.")
NO_REASON = "None: every claim fails, or the runs stopped at a variant error."

BOUNDED = ("Every interleaving within a small bound, not a sample (`hoverify verify`): from "
           "initial AS security on the small topology of `hoverify explore` (or the one the "
           "bound names), every order of "
           "delivery, every message dropped or not, any one eNB compromised at any step. "
           "Each claim violated gets its shortest counterexample, replayable step by step; "
           "none means: no violation in that many states, bound exhausted, of any promise a "
           "run within the bound can break; the last column names the promises it cannot "
           "(an n-hop forward-security promise needs n handovers), which it leaves untested, "
           "and the promised claims whose situation never arose within it (vacuous: its "
           "\"none\" says nothing of them), with why where its faults cannot make it arise.")

ANCHORS_INTRO = (f"What the published formal models of handover find for each query kind, "
                 f"next to what this report finds for {REFERENCE.label}, the standard they "
                 "model. The published verdicts are data (`reports/anchors.py`), the report's "
                 "are this run's; docs/anchors.md in the hoverify repository gives the reasons "
                 "and the commands.")


def attacker_text(scenario: Scenario) -> str:
    parties = (", ".join(f"{e} compromised from hop {h}" for e, h in scenario.compromises)
               or "each hop's source and target eNB, compromised from that hop on")
    return (f"the network, reading S1, X2 and S10 (backhaul unprotected); {parties}"
            if scenario.backhaul_unprotected else parties)


def verdict_word(status: str, outside: str | None = None) -> str:
    """The word of a verdict; ``outside``: the assumption a failure outside the promise
    broke (a claim result's or a verdict's ``outside``)."""
    return OUTSIDE.format(assumption=outside) if status == FAILS and outside else status


def row_word(word: str, outside: str | None, so_far: bool = False) -> str:
    """A claim's word (``verdict_word``) as its row of ``check``'s text says it: a failure
    outside the promise without the assumption, which its hop lines' words name; ``so_far``:
    holds in a search stopped before its bound was exhausted. One of ``ROW_WORDS``, whose
    longest sizes the rows' verdict column (tests/test_words.py)."""
    if so_far and word == HOLDS:
        return HOLDS_SO_FAR
    return OUTSIDE_ROW if outside and word == verdict_word(FAILS, outside) else word


def verdict_status(holds: bool, promise_broken: bool) -> str:
    return HOLDS if holds else BROKEN if promise_broken else FAILS


def forward_measure(holds: bool, n_hops: int, open_ended: bool, untested: bool) -> str:
    """What a forward-security verdict measured: ``n-hop`` where it holds (``untested`` where
    nothing later was kept from any attacker), else how far the attacker reaches (``n-hop``
    never describes a failure)."""
    if holds:
        return (f"{n_hops}-hop" + (f" {SO_FAR}" if open_ended else "")
                + (f", {UNTESTED}" if untested else ""))
    return f"derives {reach_text(n_hops - 1, open_ended)} on"


def cell_text(cell: Cell) -> str:
    word = verdict_word(cell.status, cell.outside)
    if cell.n_hops is None:
        return word
    measure = forward_measure(cell.status == HOLDS, cell.n_hops, cell.open_ended, cell.untested)
    return f"{word}, {measure}"


def plain(text: str) -> str:
    """Markdown emphasis removed."""
    return text.replace("**", "").replace("*", "")


def check_line_text(finding: BoundedFinding) -> list[str]:
    """The lines after a bounded finding's trace, as ``hoverify verify`` prints them: its
    check line (and where its attacker differs from the trace's), or why it has none."""
    if finding.check is None:
        return [f"no check line: {finding.check_unavailable}"]
    return [f"check: {finding.check}", *([f"({finding.check_note})"] if finding.check_note
                                         else [])]


REPRODUCE = "Its run, with every claim's verdict:"
DRY_RUN = ("Loading the variant file runs it over every hop type, an NCC wrap and the Path "
           "Switch race (a dry run, docs/variants.md). There a variant hook (or the model) "
           "raised, in a run that none of this report's scenarios and bounded verification "
           "makes, so no verdict of the report shows it; it is a bug of the variant all the "
           "same, and fails `hoverify report` (exit 1).")
DRY_RUN_CHECK = "It is met again by:"


def coverage_text(bounded: Bounded) -> str:
    """How often each claim's situation arose within the bound, the vacuous ones, the promises
    left untested and what the variant does only past the bound, as ``verify`` says them."""
    text = "Transitions in which each claim's situation arose: " + ", ".join(
        f"{claim} {n}" for claim, n in bounded.sometimes) + "."
    text += "".join(f" {said[0].upper()}{said[1:]}." for said in bound_left(bounded))
    text += "".join(f" {NOT_REACHED[0].upper()}{NOT_REACHED[1:]}: {said}."
                    for said in bounded.not_reached)
    return text + (f" {not_searched}" if (not_searched := not_searched_sentence(bounded)) else "")


def not_searched_sentence(bounded: Bounded) -> str:
    """``not_searched_text`` of a bounded verification, as a sentence ("" where it searched
    every fault of explore's default)."""
    if not bounded.faults_not_searched:
        return ""
    said = not_searched_text(bounded.faults, bounded.faults_not_searched)
    return f"{said[0].upper()}{said[1:]}."


def bounded_intro(bounded: Sequence[Bounded]) -> str:
    """The Bounded verification section's text: ``BOUNDED``, then the faults its searches left
    out, once for every variant whose search left out the same (newcomer #3: "none means: no
    violation" read as if no fault could break a promise)."""
    return " ".join([BOUNDED, *dict.fromkeys(said for b in bounded
                                             if (said := not_searched_sentence(b)))])


NOT_REACHED = "not reached within the bound"  # as `hoverify verify` prints it


def not_searched_text(faults: Collection[str], left_out: Collection[str]) -> str:
    """The faults of ``explore``'s default that a search with ``faults`` left out
    (``left_out``), as ``verify`` and ``explore`` say them: a promise only they break passes
    such a search (`verify --variant seed-fs` exhausts its bound with no broken promise, and
    its Target ID attack needs a compromised eNB's edit, ``rewrite``)."""
    every = ",".join(sorted({*faults, *left_out}))
    return (f"faults not searched: {', '.join(sorted(left_out))} (explore's default has "
            f"them): a promise that only they break passes this search; `--faults {every}` "
            "adds them")


def broken_text(findings: Sequence[dict[str, object]], where: str) -> str | None:
    """The last line of a search (``explore``, ``verify``) whose ``findings`` (as its JSON
    lists them) break a promise, ``where`` it searched, as one that breaks none ends "no
    violation of a promised claim ..." (helper-198 #3); None where none is broken."""
    claims = list(dict.fromkeys(str(f["claim"]) for f in findings
                                if f["promised"] and f["claim"] != VARIANT_ERROR))
    raised = any(f["claim"] == VARIANT_ERROR for f in findings)  # a hook, no claim
    said = ([("a promised claim FAILS" if len(claims) == 1
              else f"{len(claims)} promised claims FAIL") + f": {word_list(claims)}"]
            if claims else [])
    said += [f"a variant hook raised ({VARIANT_ERROR})"] if raised else []
    return f"{', and '.join(said)}, {where}" if said else None


def vacuous_text(vacuous: Sequence[str], why: Mapping[str, Unexercisable]) -> str:
    """The promised claims whose situation never arose (``vacuous``), as the last line of
    ``verify`` and ``explore``, their warning and the report's bounded section say them: those
    the faults cannot make arise grouped by why (``why``:
    ``hoverify.properties.claims.unexercised``), each reason said once after exactly the
    claims it covers (helper-225: "backward-security, forward-security and
    downgrade-resistance (only an edit ...)" read as the three's), those merely not reached
    with none; each claim's row (``hoverify.search_claims``) says "its situation never arose"
    too, where, what that situation is, and the same why (helper-218: four sentences in four
    wordings said it)."""
    groups: dict[Unexercisable | None, list[str]] = {}
    for claim in vacuous:
        groups.setdefault(why.get(claim), []).append(claim)
    said = [word_list(claims) + (f" ({reason.words(len(claims))})" if reason else "")
            for reason, claims in groups.items()]
    whose = ("a promised claim's situation" if len(vacuous) == 1
             else f"{len(vacuous)} promised claims' situations")
    return f"{whose} never arose ({VACUOUS}): {'; '.join(said)}"


def search_end_text(findings: Sequence[dict[str, object]], vacuous: Sequence[str],
                    unexercised: Mapping[str, Unexercisable], where: str,
                    unbroken: str | None) -> str | None:
    """The last line of a search (``explore``, ``verify``), from its JSON's ``findings``,
    ``vacuous`` (the promised claims whose situation never arose) and ``unexercised`` (those
    its faults cannot make arise, each with why): the promised claims it broke, ``where`` it
    searched (``broken_text``), else "no violation of a promised claim" ``where``, followed by
    ``unbroken`` (None: it says nothing where none is broken); then the promised claims it
    never tried, whose "no violation" said nothing (``vacuous_text``; newcomer: `verify
    --variant seed-fs --faults ''` ended "no violation ..., bound exhausted", exit 0, with
    every promised claim vacuous, said only above it and on stderr). None: no line."""
    broken = broken_text(findings, where)
    if broken is None and unbroken is None:
        return None
    said = broken if broken is not None else f"no violation of a promised claim {where}{unbroken}"
    if not vacuous:
        return said
    return (f"{said}; {'and' if broken is not None else 'but'} "
            f"{vacuous_text(vacuous, unexercised)}")


def refusal_text(by: str, message: str, reason: str) -> str:
    """Where a handover that never completed stopped, as check's run table and replay's trace
    say it: the first message of it refused, by whom and why (helper-170 #2)."""
    return f"{by} refused {message} ({reason})"


def untested_text(beyond: Sequence[str], max_handovers: int) -> str:
    """The promises a search within the bound could not break
    (``hoverify.properties.verify.beyond_bound``), as ``verify`` and the report say them (the
    promised claims its faults could not exercise are vacuous: ``vacuous_text``)."""
    return (f"untested within the bound: no run of at most {max_handovers} handover(s) can "
            f"break {'; '.join(beyond)}")


def bound_left(bounded: Bounded) -> list[str]:
    """What a bounded verification of the report left untested, as ``verify`` says it: the
    promises no run within the bound can break, then the promised claims whose situation
    never arose, with why where its faults cannot make it arise."""
    said = ([untested_text(bounded.beyond_bound, VERIFY_MAX_HANDOVERS)]
            if bounded.beyond_bound else [])
    return said + ([vacuous_text(bounded.vacuous, dict(bounded.unexercised))] if bounded.vacuous
                   else [])


def untested_cell(bounded: Bounded) -> str:
    """The promises no run within the bound can break, the promised claims whose situation
    never arose (``bound_left``), as ``hoverify verify`` says them, and what the variant does
    only past the bound,
    by name (its page gives why, and the check line that runs one); "-" where there are
    none."""
    said = bound_left(bounded)
    if bounded.not_reached:
        said.append(f"{NOT_REACHED}: "
                    + ", and ".join(unreached.name for unreached in bounded.not_reached))
    return "; ".join(said) or "-"


# A bounded finding's counterexample: the report writes no finding file (review28)
SAVED = ("the report saves no finding file: its check line below reruns it, and `hoverify "
         "verify` with this bound saves each finding under its `--out` for `hoverify replay`")


def anchor_verdict(anchor: Anchor, found: tuple[tuple[str, str, Cell], ...] | None) -> str:
    """The reference variant's verdicts for a formal anchor (``reports.anchors.cells``), in
    words: per claim, each scenario's verdict; a claim the report does not evaluate is named
    as not judged."""
    if found is None:
        return f"{REFERENCE.label} is not in this report"
    if not anchor.claims:
        return "no claim of this report asks it"
    said = []
    for claim in anchor.claims:
        verdicts = [f"{scenario} {cell_text(cell)}" for name, scenario, cell in found
                    if name == claim]
        said.append(f"{claim}: {'; '.join(verdicts)}" if verdicts
                    else f"{claim}: not judged (not a claim of this report)")
    return " / ".join(said)

