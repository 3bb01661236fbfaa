"""Each claim over a whole search (``verify``, ``explore``), one entry per claim in the claims'
order: its verdict, how many times its situation arose (``sometimes``), and why.

A claim a run violated fails (its counterexample is printed above it); one whose situation
never arose is vacuous where promised (its "holds" would say nothing), else n/a; one whose
every promise no run within ``verify``'s bound can break is untested (``verify``:
``promises_beyond``); any other holds, and its reason is its own holding verdict on the
shortest run in which its situation arose, of those that started a handover where one did
(``hoverify.properties.exploration.no_handover``), or on the shortest of them in which a
compromised eNB served the UE where its verdict there is that eNB's, holds and was tested
(``hoverify.properties.exploration.served_reason``): a claim about a handover speaks of its
source and target eNBs, which that reason names (judged by
``hoverify.properties.replay.exercised``), in ``check``'s words, with the ``check`` line that
reproduces that run where there is one; where the search saw no such run and the reason is a
compromised eNB's all the same, it says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from hoverify.properties.claims import Unexercisable, situation
from hoverify.properties.engine import Claim
from hoverify.properties.exploration import Finding, actions_text, numbered_starts
from hoverify.properties.promises import promises_of
from hoverify.properties.replay import Exercised
from hoverify.reports.status import HOLDS, NA, VACUOUS
from hoverify.reports.words import UNTESTED
from hoverify.runs import (
    claim_document,
    claim_evidence,
    claim_row,
    finding_word,
    verdict_text,
)
from hoverify.statemachines.variant import KeySchedule

# What the lines say before the claims (``where``: "within the bound", "in 3000 examples";
# ``runs``: "run", in verify, which has the shortest; "run of its examples", in explore)
HEADING = ("each claim {where} (a holding claim's reason: its verdict on the shortest {runs} in "
           "which its situation arose, of those that started a handover where one did; for a "
           "verdict of a compromised eNB that served the UE, the shortest such run, where "
           "there is one):")
# which run a holding claim's reason is judged on (``Exercised.on_served_run``; ``unserved``:
# its shortest, its reason a compromised eNB's, where no run on which one that served the UE
# tested it was seen, ``Exercised.unserved``): its "run" in ``--json``, and the words its lines
# say it in
RUNS = {"shortest": "its shortest run",
        "served": "the shortest of its runs in which a compromised eNB served the UE",
        "unserved": ("its shortest run (no run seen in which a compromised eNB served the UE "
                     "tested it)")}


def search_claims(claims: Sequence[Claim], variant: KeySchedule, sometimes: Mapping[str, int],
                  findings: Sequence[Finding], exercised: Mapping[str, Exercised],
                  checks: Mapping[str, dict[str, str | None]], where: str, *,
                  why: Mapping[str, Unexercisable], untested: str = "",
                  beyond: Mapping[str, Sequence[str]] | None = None) -> list[dict[str, Any]]:
    """One entry per claim of ``claims``: ``name``, ``verdict`` (a finding's word, holds,
    untested, vacuous or n/a), ``sometimes``, ``promised`` (the variant promises it on some
    hops), ``reason`` (a line), ``evidence`` (what ``check`` prints under the verdict: the cut
    of the verdict shown), ``trace`` (the steps of the run the reason is judged on),
    ``check``, ``check_unavailable`` and ``check_note`` (its check line, ``checks``),
    ``untested`` (the promises the search cannot break, in words, or None), ``run`` (which run
    the reason is judged on, a key of ``RUNS``; None where it is not a
    holding claim's). ``where``: where
    a situation never arose ("within the bound"); ``why``: why the faults cannot make a
    claim's situation arise (``claims.outside_bound``); ``beyond``: per claim, its promises
    that no run within the bound can break (``verify.promises_beyond``), said after
    ``untested`` ("untested within the bound: no run of at most 1 handover(s) can break")."""
    return [_entry(claim, variant, sometimes.get(claim.name, 0),
                   [f for f in findings if f.claim == claim.name], exercised.get(claim.name),
                   checks.get(claim.name), where, why.get(claim.name),
                   (beyond or {}).get(claim.name, ()), untested)
            for claim in claims]


def _entry(claim: Claim, variant: KeySchedule, arose: int, findings: Sequence[Finding],
           judged: Exercised | None, check: dict[str, str | None] | None, where: str,
           why: Unexercisable | None, beyond: Sequence[str], untested: str) -> dict[str, Any]:
    promised = claim.promised_by(variant)
    every = len(beyond) == sum(1 for p in promises_of(variant) if p.claim == claim.name)
    verdict, reason = UNTESTED if beyond and every else HOLDS, ""
    outside = None  # the assumption a failure outside the promise broke
    if findings:  # the promised one first, as the findings above are listed
        shown = min(findings, key=lambda f: not f.promised)
        verdict, outside = finding_word(shown), shown.outside
        reason = f"{shown.detail} (its counterexample above, {actions_text(len(shown.trace))})"
    elif not arose:
        vacuous = promised and not claim.invariant
        said = "promised, but " if vacuous else "" if claim.invariant else "not promised, and "
        verdict = VACUOUS if vacuous else NA
        reason = (f"{said}its situation never arose {where} (the situation: "
                  f"{situation(claim.name)}{f'; {why.words()}' if why else ''})")
    elif judged is None:  # its shortest run stopped at a variant error (a finding above)
        reason = ("no reason: the shortest run in which its situation arose stopped at a "
                  "variant error")
    evidence: list[str] = []
    if judged is not None and not findings:
        document = claim_document(judged.result, evidence=False)
        reason = verdict_text(document["verdicts"][0])
        heading, lines = claim_evidence(document)
        evidence = [heading, *lines] if heading else []
    held = judged is not None and not findings
    return {"name": claim.name, "verdict": verdict, "outside_promise": outside,
            "sometimes": arose, "promised": promised,
            "reason": reason, "evidence": evidence,
            "untested": f"{untested} its {'; '.join(beyond)}" if beyond else None,
            "trace": [action.text for action in judged.trace] if held else [],
            "run": _run(judged) if held else None,
            "check": None, "check_unavailable": None, "check_note": None,
            **(check if held and check else {})}


def _run(judged: Exercised) -> str:
    """Which run ``judged`` is on, a key of ``RUNS``."""
    return "served" if judged.on_served_run else "unserved" if judged.unserved else "shortest"


def search_claims_text(entries: Sequence[dict[str, Any]], where: str,
                       runs: str = "run", so_far: bool = False) -> list[str]:
    """The entries of ``search_claims`` as ``verify`` and ``explore`` print them: an empty
    line and a heading, then per claim its verdict (``so_far``: a search stopped before its
    bound was exhausted, whose holding rows say so), count and reason on one line; under a
    holding claim's, the cut of its verdict, what the search leaves untested, and the length
    of its run with the check line that reproduces it (or, with none, why, and the run's
    steps)."""
    lines = ["", HEADING.format(where=where, runs=runs)]
    for entry in entries:
        # a holding claim's reason is one run's (review48, review49: "sometimes 34: ...
        # held the one time" read as a contradiction); the count says what it counts
        # (newcomer #4: "holds  sometimes 2" read as "holds sometimes")
        on = f"; on {RUNS[entry['run']]}" if entry["trace"] else ""
        lines.append(f"{claim_row(entry, so_far)}{on}: {entry['reason']}")  # as check's rows
        evidence = entry["evidence"]
        if evidence:
            lines += [f"    {evidence[0]}", *(f"        {line}" for line in evidence[1:])]
        if entry["untested"]:
            lines.append(f"    {entry['untested']}")
        if not entry["trace"]:
            continue
        steps = f"    on that run, {actions_text(len(entry['trace']))}"
        if entry["check"] is not None:
            lines.append(f"{steps}; check: {entry['check']}")
            if entry["check_note"]:
                lines.append(f"    ({entry['check_note']})")
        else:
            lines.append(f"{steps}; no check line: {entry['check_unavailable']}")
            lines += [f"        {step}" for step in numbered_starts(entry["trace"])]
    return lines
