"""The seed's conclusion in plain words, computed from the verdicts.

Nothing here knows what the verdicts are: every sentence is built from the statuses of the
baseline (``tr33821-v070``), the proposal (``seed-fs``, once per bit placement) and the
reference (``ts33401``), scenario by scenario, so the words change when a verdict does.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import NamedTuple

from hoverify.properties.claims import (
    AUTHENTICATION,
    CAPTURE,
    DENIAL,
    DOWNGRADE,
    JUDGED_ALONE,
)
from hoverify.properties.engine import UncoveredKeNB
from hoverify.properties.promises import FORWARD
from hoverify.reports.data import BROKEN, FAILS, HOLDS, NA, VACUOUS
from hoverify.reports.status import VARIANT_ERROR, judged
from hoverify.reports.words import NEVER_AROSE, NOT_JUDGED, forward_measure
from hoverify.statemachines.names import word_list

Statuses = Mapping[tuple[str, str, str], str]  # (variant label, scenario name, claim)
# what a forward-security cell measured, holding or failing: (n hops, open-ended, untested)
Measures = Mapping[tuple[str, str, str], tuple[int, bool, bool]]
# (variant label, scenario name) -> forward security's failing verdict line for the attacker
# ``network`` (an unprotected backhaul), as check prints it
Network = Mapping[tuple[str, str], str]
# (variant label, scenario name, claim) -> a not-promised failure's KeNB that no promise
# covers (``Cell.unpromised``)
Unpromised = Mapping[tuple[str, str, str], UncoveredKeNB]
SAID = ("fixed", "partial", "open", "regressed", "added", "unjudged")  # in this order
# What a compromised source eNB does beside downgrading: said once, of every variant
# (_one_side), not claim by claim as if a variant set out to fix them.
ONE_SIDED = {DENIAL: "make a handover fail that would otherwise complete (handover-denial)",
             CAPTURE: "keep the UE on a key it derives by serving it as the target cell "
                      "(fake-cell-capture)"}


@dataclass(frozen=True)
class Sides:
    """Whom the conclusion compares: variant labels as they appear in ``Statuses``."""

    baseline: str
    proposal: str  # the proposal's name, for the sentences
    placements: Mapping[str, str]  # bit placement -> the proposal's variant label
    reference: str | None = None
    question: str | None = None  # the scenario of the seed's question (inter-MME S1 hops)


@dataclass(frozen=True)
class Attack:
    """What a sentence reads of a scenario beside its title: the types of its hops, and what
    its compromised eNB does by each edit its hops name, in words (``hoverify.report_job``
    reads them from the scenario's run: "the source names itself as Target ID")."""

    hop_types: frozenset[str]
    edits: tuple[str, ...] = ()


def _failing(status: str) -> bool:
    return status in (BROKEN, FAILS)


def scenario_list(titles: Sequence[str], every: Sequence[str],
                  all_words: str = "every scenario") -> str:
    """How a sentence names the scenarios ``titles`` out of ``every``, the scenarios it speaks
    of (titles, in report order): ``all_words`` where they are every one of them, "``all_words``
    but X and Y" where those left out are fewer than half as many as those named, else each by
    its title (helper-200: a sentence listed all fourteen)."""
    rest = [title for title in every if title not in titles]
    if not rest and len(titles) > 1:
        return all_words
    if rest and 2 * len(rest) < len(titles):
        return f"{all_words} but {word_list(rest)}"
    return word_list(titles)


def _titles(scenarios: Sequence[tuple[str, str]]) -> list[str]:
    return [title for _, title in scenarios]


def _word(status: str, many: bool = False) -> str:
    """The verb of one claim's verdict, or of several claims' (``many``)."""
    if many:
        return {HOLDS: "hold", BROKEN: "fail, breaking their promises", FAILS: "fail",
                NA: "have no verdict", VACUOUS: "are vacuous"}[status]
    return {HOLDS: "holds", BROKEN: "fails, breaking its promise", FAILS: "fails",
            NA: "has no verdict", VACUOUS: "is vacuous"}[status]


class Measure(NamedTuple):
    """What a failing forward-security cell measured, as a sentence says it after the cell's
    words: its attacker's ``reach`` ("derives 1 hop on"), then ``more`` (each placement's
    reach where they differ, the network's verdict line), kept without separators."""

    reach: str = ""
    more: tuple[str, ...] = ()

    def said(self) -> str:
        """After the cell's words: ", reach; more"."""
        return (f", {self.reach}" if self.reach else "") + "".join(f"; {m}" for m in self.more)

    def bare(self) -> str:
        """Alone, in parentheses of its own: "reach; more"."""
        return "; ".join(m for m in (self.reach, *self.more) if m)


UNMEASURED = Measure()


@dataclass(frozen=True)
class _Case:
    claim: str
    category: str
    good: tuple[str, ...]  # placements where the claim holds
    bad: tuple[str, ...]  # placements where it fails
    broken: bool  # some failure breaks a promise of the proposal
    baseline: str
    reference: str | None
    reference_outside: str | None = None  # the reference fails only outside its promise
    outside: str | None = None  # every failing placement fails only outside the promise
    reference_measure: str = ""  # its forward security's, holding or failing: ", derives ..."
    measure: Measure = UNMEASURED  # the failing placements', as the cells say it
    # the baseline's words where it fails, as its cell says them: "not promised", "outside
    # the promise: ...", "a broken promise"; then its measure
    baseline_words: str = ""
    baseline_measure: Measure = UNMEASURED
    # where it holds against a compromised eNB alone while the network derives KeNBs: " (...)"
    alone: str = ""
    # every broken cell of the failing placements is ``FORMER_SERVING``'s (``Cell.former_serving``)
    returned: bool = False
    # the failing placements' KeNB no promise covers, where they agree (``_key``)
    unpromised: UncoveredKeNB | None = None
    baseline_unpromised: UncoveredKeNB | None = None  # as ``unpromised``, the baseline's


def _measure(measured: Measures, key: tuple[str, str, str], status: str) -> str | None:
    """A cell's forward-security measure in the matrix's words (None: it measured none)."""
    found = measured.get(key)
    return forward_measure(status == HOLDS, *found) if found else None


def _words(status: str, outside: str | None, unpromised: str = "") -> str:
    """How a failing cell qualifies its "fails": the matrix's words without the verb, and
    which KeNB is not promised (``_key``)."""
    return ("a broken promise" if status == BROKEN else
            f"outside the promise: {outside}" if outside else f"not promised{unpromised}")


def _key(measured: Measures, unpromised: Unpromised,
         key: tuple[str, str, str]) -> UncoveredKeNB | None:
    """Which KeNB no promise covers, where a not-promised cell measures no reach (its attacker,
    holding KASME, the UE or an MME, has no legitimate KeNB to count hops from): said in the
    measure's place, so that "not promised" is not read against a reference that fails
    outside its promise for that attacker (helper-221: seed-fs, with KASME revealed, fails on
    the KeNB after an X2 hop, for which it promises nothing; TS 33.401 promises X2 hops
    against a compromised eNB, 7.2.8.1)."""
    return None if key in measured else unpromised.get(key)


def _uncovered(kenb: UncoveredKeNB | None, name: str) -> str:
    """``_key``'s KeNB as "not promised" continues, of the variant ``name`` (helper-226 #4:
    "not promised: ..., for which nothing is promised" said it twice)."""
    if kenb is None:
        return ""
    leaving = f"{kenb.leaving_type} hop {kenb.leaving_hop}"
    of = (f"hop {kenb.hop}" if kenb.leaving_type is None else leaving
          if kenb.leaving_hop == kenb.hop else f"hop {kenb.hop}, after {leaving}")
    return f": the KeNB of {of}: {name} promises nothing there"


def _lines(network: Network, labels: Sequence[str], scenario: str) -> str:
    """The network's forward-security lines of these variants in this scenario, each once."""
    return "; ".join(dict.fromkeys(network[(label, scenario)] for label in labels
                                   if (label, scenario) in network))


def _case(statuses: Statuses, sides: Sides, claim: str, scenario: str,
          outside: Mapping[tuple[str, str, str], str],
          measured: Measures, network: Network,
          former_serving: Collection[tuple[str, str, str]], unpromised: Unpromised) -> _Case:
    base = judged(statuses.get((sides.baseline, scenario, claim), NA))
    mine = {p: judged(statuses.get((label, scenario, claim), NA))
            for p, label in sides.placements.items()}
    good = tuple(p for p, s in mine.items() if s == HOLDS)
    bad = tuple(p for p, s in mine.items() if _failing(s))
    baseline_words = ""
    baseline_measure = UNMEASURED
    if _failing(base):
        key = (sides.baseline, scenario, claim)
        reach = _measure(measured, key, base)
        baseline_words = _words(base, outside.get(key))
        baseline_measure = Measure(reach or "", (network[(sides.baseline, scenario)],)
                                   if claim == FORWARD and (sides.baseline, scenario) in network
                                   else ())
        base = FAILS  # the verb; whether the baseline promised it is in its words
        category = ("partial" if good and bad else "fixed" if good else "open" if bad
                    else "unjudged")
    elif bad:
        category = "regressed"
    elif base == NA and good:
        category = "added"
    elif base == NA and not good:
        category = "none"
    else:
        category = "same"
    reference = (judged(statuses.get((sides.reference, scenario, claim), NA))
                 if sides.reference else None)
    excuses = {outside.get((sides.placements[p], scenario, claim)) for p in bad}
    keys = {_key(measured, unpromised, (sides.placements[p], scenario, claim)) for p in bad}
    # each failing placement's measure, said once where they agree (as the cells say them)
    reaches = {p: _measure(measured, (sides.placements[p], scenario, claim), mine[p])
               for p in bad}
    alike = len(set(reaches.values())) == 1
    each = () if alike else tuple(f"with the bit in {p}: {m or 'no measure'}"
                                  for p, m in reaches.items())
    # the cells measure the compromised eNBs' reach; the network's failure is said beside it
    lines = _lines(network, [sides.placements[p] for p in bad], scenario)
    measure = Measure((next(iter(reaches.values())) or "") if alike and reaches else "",
                      each + ((lines,) if claim == FORWARD and lines else ()))
    held = _lines(network, [sides.placements[p] for p in good], scenario)
    alone = (f" (against a compromised eNB alone; forward security's verdict there: {held})"
             if claim in JUDGED_ALONE and held else "")
    ref_key = (sides.reference or "", scenario, claim)
    ref_found = measured.get(ref_key) if reference in (HOLDS, FAILS) else None
    return _Case(claim, category, good, bad, BROKEN in mine.values(), base, reference,
                 outside.get(ref_key) if reference == FAILS else None,
                 excuses.pop() if len(excuses) == 1 and None not in excuses else None,
                 "" if ref_found is None else _how_far(ref_found) if reference == HOLDS
                 else f", {forward_measure(False, *ref_found)}",
                 measure, baseline_words, baseline_measure, alone,
                 any(mine[p] == BROKEN for p in bad)
                 and all((sides.placements[p], scenario, claim) in former_serving
                         for p in bad if mine[p] == BROKEN),
                 keys.pop() if len(keys) == 1 else None,
                 _key(measured, unpromised, (sides.baseline, scenario, claim))
                 if _failing(base) else None)


def _promise_words(case: _Case, name: str) -> str:
    """How the proposal's failing cells qualify their "fails", as its sentence says it, of
    the variant ``name`` (the proposal's; the baseline's to compare with its own words)."""
    return (_words(BROKEN if case.broken else FAILS, case.outside,
                   _uncovered(case.unpromised, name))
            + (f", {FORMER_SERVING}" if case.returned else ""))


def _baseline_words(case: _Case, name: str) -> str:
    """How the baseline's failing cell qualifies its "fails", as ``_promise_words``."""
    return f"{case.baseline_words}{_uncovered(case.baseline_unpromised, name)}"


def _unmeasured(case: _Case) -> _Case:
    """What a point of ``case`` says beside its measures: one point per broken promise of a
    claim, however far each scenario's attackers reach (the measures are said scenario by
    scenario, ``_merged``); any other case is a point of its own."""
    return (replace(case, measure=UNMEASURED, baseline_measure=UNMEASURED, reference_measure="")
            if case.broken else case)


Part = tuple[_Case, tuple[str, ...]]  # a case and the titles of the scenarios it is said of


def _merged(parts: Sequence[Part], every: Sequence[str], sides: Sides) -> tuple[_Case, str]:
    """The case and the scenarios (``where``) of one point said of ``parts``, cases alike but
    for their measures (``_unmeasured``): a measure the parts share is said once, as for one
    part; one that differs, after each part's scenarios ("on A (derives 1+ hops on) and on B
    (derives 1 hop on)"). The baseline that reaches as far as the proposal on each is said so
    once."""
    cases = [case for case, _ in parts]
    first = cases[0]
    mine = len({case.measure for case in cases}) > 1
    reach = all(case.baseline_measure == case.measure for case in cases)
    base = len({case.baseline_measure for case in cases}) > 1 and not reach
    ref = len({case.reference_measure for case in cases}) > 1

    def measures(case: _Case) -> str:
        said = ([case.measure.bare()] if mine and case.measure.bare() else []) + (
            [f"for {sides.baseline}: {case.baseline_measure.bare()}"]
            if base and case.baseline_measure.bare() else []) + (
            [f"{sides.reference} {_word(case.reference or NA)}{case.reference_measure}"]
            if ref else [])
        return f" ({'; '.join(said)})" if said else ""

    where = " and on ".join(f"{scenario_list(titles, every)}{measures(case)}"
                            for case, titles in parts)
    # as far on each: "as for" the baseline where its words are the proposal's too
    same = Measure("" if _baseline_words(first, sides.baseline)
                   == _promise_words(first, sides.baseline) else "with the same reach on each")
    baseline_measure = same if reach and mine else UNMEASURED if base else first.baseline_measure
    return replace(first, measure=UNMEASURED if mine else first.measure,
                   baseline_measure=baseline_measure,
                   reference_measure="" if ref else first.reference_measure), where


def _sentence(case: _Case, claims: Sequence[str], where: str, sides: Sides,
              edited: Sequence[str] = ()) -> str:
    """One sentence for the categories in ``SAID``, of ``claims`` (the claims whose case and
    scenarios are this case's: said together); ``edited``: what a compromised eNB does where
    their promise breaks on scenarios of these hop types (``_edited``), which a fix is not
    said of."""
    p, b, claim = sides.proposal, sides.baseline, word_list(claims)
    many = len(claims) > 1
    it, holds, fails = ("they", "hold", "fail") if many else ("it", "holds", "fails")
    the_claim = "The claims" if many else "The claim"
    words = _promise_words(case, p)
    measure = case.measure.said()
    baseline = f"{_baseline_words(case, b)}{case.baseline_measure.said()}"
    promise = f" ({words}{measure})"
    unpromised = (f", outside the promise: {case.reference_outside}" if case.reference_outside
                  else ", not promised" if case.reference == FAILS else "")
    ref = (f" ({sides.reference} {_word(case.reference)} there{unpromised}"
           f"{case.reference_measure})"
           if sides.reference and case.reference is not None else "")
    # "as for the baseline" only where its cell says what the proposal's do (words, measure)
    as_base = (f"as for {b}" if baseline == f"{_promise_words(case, b)}{measure}"
               else f"while for {b} {it} {fails} ({baseline})")
    good, bad = word_list(case.good), word_list(case.bad)
    if case.category == "fixed":
        every = ("every bit placement" if len(case.good) == len(sides.placements)
                 else f"the bit in {good}")
        if not edited:
            return (f"{p} fixes {claim} on {where}: {it} {holds} there with {every}"
                    f"{case.alone}, and {fails} for {b} ({baseline}){ref}.")
        # newcomer #1: "fixes" beside the Answer's "breaks that promise" on the same hops
        breaks = "break their promises" if many else "breaks that promise"
        return (f"{p} fixes {claim} on {where} against a compromised eNB that edits nothing: "
                f"{it} {holds} there with {every}{case.alone}, and {fails} for {b} "
                f"({baseline}){ref}; {it} {breaks} where {word_list(edited, 'or')} "
                "(below).")
    if case.category == "partial":
        return (f"On {where}, {claim} {holds} for {p} only with the notification bit in "
                f"{good}{case.alone}; "
                f"with the bit in {bad} {it} {fails}{promise}, {as_base}{ref}.")
    if case.category == "open":
        every = ("every bit placement" if len(case.bad) == len(sides.placements)
                 else f"the bit in {bad}")
        if case.outside:  # no weakness of the proposal: no promise covers that attacker
            return (f"On {where}, {claim} {fails} for {p} with {every} outside the promise "
                    f"({case.outside}{measure}), {as_base}{ref}.")
        # a broken promise is said as the Answer says it (helper-204 #9: "leaves open" beside
        # its "breaks that promise")
        leaves = (f"breaks its promise of {claim}" if case.broken
                  else f"leaves {claim} open")
        return (f"{p} {leaves} on {where}: {it} {fails} there with {every}{promise}, "
                f"{as_base}{ref}.")
    if case.category == "regressed":
        rest = f"; {it} {holds} with the bit in {good}{case.alone}" if case.good else ""
        bits = ("every bit placement" if len(case.bad) == len(sides.placements)
                else f"the notification bit in {bad}")
        return (f"{the_claim} {claim} {fails} for {p} with {bits} on "
                f"{where}{promise}{rest}, and {_word(case.baseline, many)} for {b}{ref}.")
    if case.category == "added":
        # a comma before the second verb: the list of scenarios may end in "X and Y"
        # (helper-204 #10: "... and x2,x2 with ... replayed and has no verdict for ...")
        return (f"{the_claim} {claim} {holds} for {p} on {where}{case.alone}, and "
                f"{_word(NA, many)} for {b}{ref}.")
    return f"{the_claim} {claim} {fails} for {b} on {where}, and {_word(NA, many)} for {p}{ref}."


def _how_far(measured: tuple[int, bool, bool]) -> str:
    """How far the reference's holding forward security reaches, said so that "holds" is
    not read against the others' "fails": ts33401's X2 hop holds as 2-hop, its source
    deriving the next KeNB as the TR's and the seed's does (review19)."""
    n_hops, _, untested = measured
    measure = forward_measure(True, *measured)
    if n_hops < 2:
        return f", as {measure}"
    later = "the next KeNB" if n_hops == 2 else f"the next {n_hops - 1} KeNBs"
    return (f" only as {measure}: its attacker derives {later} too"
            + (", and the run ends there" if untested else ""))


def conclusion(statuses: Statuses, claims: Sequence[str],
               scenarios: Sequence[tuple[str, str]], sides: Sides,
               outside: Mapping[tuple[str, str, str], str] | None = None,
               measured: Measures | None = None,
               network: Network | None = None,
               former_serving: Collection[tuple[str, str, str]] = (),
               twins: Mapping[str, Sequence[str]] | None = None,
               attacks: Mapping[str, Attack] | None = None,
               unpromised: Unpromised | None = None) -> tuple[str, ...]:
    """``scenarios``: (name, how a sentence names it), in report order; ``outside``: the
    assumption a FAILS cell's run broke, where it fails only outside the promise;
    ``measured``: what a forward-security cell measured (n hops where it holds, the
    attacker's reach where it fails); ``former_serving``: the BROKEN cells whose failures
    are all on KeNBs a former serving eNB derived beyond forward security's promise, the UE
    back (``Cell.former_serving``); ``twins``: per reviewer's variant, the built-in variants
    of the report whose verdicts equal its own in every scenario (``report_job``);
    ``attacks``: per scenario name, its hop types and its attacker's edits (``Attack``);
    ``unpromised``: per FAILS cell not promised, the KeNB no promise covers (``Unpromised``)."""
    labels = list(dict.fromkeys(label for label, _, _ in statuses))  # in report order
    missing = [v for v in (sides.baseline, *sides.placements.values()) if v not in labels]
    if missing:  # review28: say what the report did compare, not only what it did not
        reviewed = _reviewed_labels(statuses, sides)
        did = (f"it compares {word_list(reviewed)} with {sides.reference}" if reviewed
               and sides.reference in labels else
               f"it judges {word_list(labels)} against {'its' if len(labels) == 1 else 'their'} "
               "own promises")
        # a reviewer's variant is what the report was run for: its sentences come first
        # (helper-263: a delegate's report opened on the seed's comparison it never asked for)
        return (*_variant_errors(statuses, scenarios),
                *_reviewed(statuses, claims, scenarios, sides, former_serving, twins or {}),
                f"No comparison of {sides.proposal} (every bit placement) with "
                f"{sides.baseline}: the report did not run {word_list(missing)}; {did}.")
    groups: dict[_Case, list[str]] = {}
    no_verdict: dict[str, list[str]] = {}  # claim -> scenarios n/a for both
    for claim in (c for c in claims if c not in ONE_SIDED):
        for name, title in scenarios:
            case = _case(statuses, sides, claim, name, outside or {}, measured or {},
                         network or {}, former_serving, unpromised or {})
            groups.setdefault(case, []).append(title)
            if case.category == "none" and _no_verdict(statuses, sides, claim, name):
                no_verdict.setdefault(claim, []).append(title)
    # A claim's broken promise is one point, whatever the measure on each scenario (helper-219:
    # two points differed by "derives 1+ hops on" and "derives 1 hop on" alone).
    points: dict[_Case, list[Part]] = {}
    for case, where in groups.items():
        points.setdefault(_unmeasured(case), []).append((case, tuple(where)))
    # Claims with the same case in the same scenarios are said in one sentence.
    said: dict[tuple[Part, ...], list[str]] = {}
    for key, parts in points.items():
        said.setdefault(tuple((replace(case, claim=""), where) for case, where in parts),
                        []).append(key.claim)
    every = _titles(scenarios)
    sentences = [_point(parts, claims_said, every, statuses, scenarios, sides, attacks or {})
                 for category in SAID for parts, claims_said in said.items()
                 if parts[0][0].category == category]
    unchanged = [c for c in claims
                 if all(case.category in ("same", "none") for case in groups if case.claim == c)
                 and any(case.category == "same" for case in groups if case.claim == c)]
    if unchanged:
        verb = "claims" if len(unchanged) > 1 else "claim"
        holds = "hold" if len(unchanged) > 1 else "holds"
        sentences.append(f"The {verb} {word_list(unchanged)} {holds} for both {sides.baseline} and "
                         f"{sides.proposal} (every bit placement) wherever there is a verdict.")
    if no_verdict:  # n/a in the words of the matrix's legend (``WORDS``); a vacuous cell is
        # a verdict (promised), which the placements' point says (helper-226 #1)
        sentences.append(f"Neither {sides.proposal} nor {sides.baseline} has a verdict for "
                         + "; ".join(f"{claim} on {scenario_list(where, every)}"
                                     for claim, where in no_verdict.items())
                         + f": in each, neither promises the claim there and {NEVER_AROSE}, "
                         f"or {NOT_JUDGED} (n/a).")
    sentences.extend(_one_side(statuses, claims, scenarios, network or {}))
    authentication = _authentication(statuses, claims, scenarios, sides)
    if authentication:
        sentences.append(authentication)
    sentences.append(_what_placement_changes(statuses, claims, scenarios, sides))
    sentences.append(_placements(statuses, claims, scenarios, sides, former_serving))
    if not any(case.category in ("fixed", "partial") for case in groups):
        sentences.insert(0, f"{sides.proposal} fixes no claim that fails for "
                            f"{sides.baseline} in these scenarios.")
    sentences.extend(_reviewed(statuses, claims, scenarios, sides, former_serving, twins or {}))
    answer = _answer(statuses, claims, scenarios, sides, attacks or {})
    return (*_variant_errors(statuses, scenarios), *([answer] if answer else []), *sentences)


def _no_verdict(statuses: Statuses, sides: Sides, claim: str, scenario: str) -> bool:
    """Whether the baseline and every bit placement are n/a for ``claim`` on ``scenario``
    (not vacuous: a promise whose situation never arose)."""
    return all(statuses.get((label, scenario, claim), NA) == NA
               for label in (sides.baseline, *sides.placements.values()))


def _point(parts: Sequence[Part], claims: Sequence[str], every: Sequence[str],
           statuses: Statuses, scenarios: Sequence[tuple[str, str]], sides: Sides,
           attacks: Mapping[str, Attack]) -> str:
    """The sentence of ``claims`` whose cases and scenarios are ``parts``."""
    if len(parts) > 1:
        merged, where = _merged(parts, every, sides)
        return _sentence(merged, claims, where, sides)
    case, where = parts[0]
    return _sentence(case, claims, scenario_list(where, every), sides,
                     _edited(statuses, claims, where, scenarios, sides, attacks)
                     if case.category == "fixed" else ())


def _edited(statuses: Statuses, claims: Sequence[str], where: Sequence[str],
            scenarios: Sequence[tuple[str, str]], sides: Sides,
            attacks: Mapping[str, Attack]) -> list[str]:
    """What a compromised eNB does (``Attack.edits``) in the scenarios where a promise
    of ``claims`` breaks for the proposal (``BROKEN``) on no other hop types than those of
    ``where`` (titles), where the claims are said fixed against eNBs that edit nothing there;
    [] where ``where`` has an edit, or no such scenario breaks them."""
    named = [name for name, title in scenarios if title in where]
    if not named or any(name not in attacks or attacks[name].edits for name in named):
        return []
    types = frozenset().union(*(attacks[name].hop_types for name in named))
    return list(dict.fromkeys(
        said for name, title in scenarios if title not in where and name in attacks
        and attacks[name].edits and attacks[name].hop_types <= types
        and any(statuses.get((label, name, claim)) == BROKEN
                for label in sides.placements.values() for claim in claims)
        for said in attacks[name].edits))


def _raised(statuses: Statuses) -> set[tuple[str, str]]:
    """(variant label, scenario name) where the variant's run raised (a hook or the model:
    ``VARIANT_ERROR`` cells)."""
    return {(label, name) for (label, name, _), status in statuses.items()
            if status == VARIANT_ERROR}


def _variant_errors(statuses: Statuses, scenarios: Sequence[tuple[str, str]]) -> list[str]:
    """Per variant whose run raised in some scenarios (``_raised``), where, said before any
    other point: no point speaks for a scenario it was not judged in (helper-152: "every
    promise holds" of a variant that raised in three)."""
    raised = _raised(statuses)
    return [f"{label} raised a variant error on {scenario_list(where, _titles(scenarios))}: "
            "its verdicts there are missing, and no point below speaks of them."
            for label in dict.fromkeys(label for label, _, _ in statuses)
            if (where := [title for name, title in scenarios if (label, name) in raised])]


def _these(statuses: Statuses, labels: Collection[str]) -> str:
    """The scenarios a sentence of ``labels`` speaks for: those where none raised."""
    raised = any(label in labels for label, _ in _raised(statuses))
    return "the other scenarios" if raised else "these scenarios"


def _answer(statuses: Statuses, claims: Sequence[str], scenarios: Sequence[tuple[str, str]],
            sides: Sides, attacks: Mapping[str, Attack]) -> str | None:
    """The seed's question: does the proposal give the hops of ``sides.question`` forward
    security, and what does the bit placement change? First in one short sentence a
    delegate can quote (``_lead``), then in detail: the verdicts there, the scenarios where
    the promise breaks, the placement (helper-221 C: one ~70-word sentence, the scenarios'
    names nested in it)."""
    title = dict(scenarios).get(sides.question or "")
    if title is None or FORWARD not in claims:
        return None
    status = {p: statuses.get((label, sides.question, FORWARD), NA)
              for p, label in sides.placements.items()}
    holding = [p for p, s in status.items() if s == HOLDS]
    baseline = judged(statuses.get((sides.baseline, sides.question, FORWARD), NA))
    # the scenarios where an attacker the question's scenario does not have breaks the
    # proposal's promise (an active source: a Target ID naming itself)
    broken = [t for name, t in scenarios if name != sides.question and any(
        statuses.get((label, name, FORWARD)) == BROKEN for label in sides.placements.values())]
    edited = _edited(statuses, [FORWARD], [title], scenarios, sides, attacks)
    every = len(holding) == len(status)
    changed = _changed_by_placement(statuses, claims, scenarios, sides)
    # the broken promise's scenarios are its point's to name (helper-226 #2: said twice)
    detail = [f"on {title}, forward-security {_placed(status, sides.proposal)} and "
              f"{_word(baseline)} for {sides.baseline}",
              *([f"{sides.proposal} breaks that promise in {len(broken)} "
                 f"scenario{'s' if len(broken) > 1 else ''}, below"] if broken else []),
              "the bit placement changes no verdict" if not changed else
              f"the bit placement changes the verdicts of {word_list(changed)}"]
    return (f"Answer: {_lead(sides.proposal, title, holding, every, bool(broken), edited)}. "
            f"In detail: {'; '.join(detail)}.")


def _placed(status: Mapping[str, str], proposal: str) -> str:
    """The verdicts of ``proposal``'s bit placements (``status``: placement -> status), each
    in its own word, those that hold first: "holds for P with every bit placement", "holds for
    P only with the bit in A (with the bit in B it fails)", "fails for P with every bit
    placement" (helper-226 #3: "holds ... with no bit placement" where none held)."""
    placed: dict[str, list[str]] = {}
    for placement, said in sorted(status.items(), key=lambda item: item[1] != HOLDS):
        placed.setdefault(said, []).append(placement)
    (first, where), *rest = placed.items()
    if not rest:
        return f"{_verb(first)} for {proposal} with every bit placement"
    only = "only " if first == HOLDS else ""
    others = "; ".join(f"with the bit in {word_list(ps, 'or')} it {_word(said)}"
                       for said, ps in rest)
    return (f"{_verb(first)} for {proposal} {only}with the bit in {word_list(where, 'or')} "
            f"({others})")


def _verb(status: str) -> str:
    """One cell's verdict as a verb, its broken promise in the matrix's words (``_words``):
    said before "for P", where "fails, breaking its promise for P" would misread."""
    return f"fails ({_words(BROKEN, None)})" if status == BROKEN else _word(status)


def _lead(proposal: str, title: str, holding: Sequence[str], every: bool, broken: bool,
          edited: Sequence[str]) -> str:
    """The Answer's first sentence: whether ``proposal`` gives ``title`` forward security
    (``holding``: the bit placements where it does, ``every`` of them), and, where its
    promise breaks in other scenarios (``broken``), against whom: an eNB that edits nothing,
    the edits that break it named (``_edited``), else the eNBs compromised there."""
    if not holding:
        return f"{proposal} does not give {title} forward security"
    if not every:
        return (f"{proposal} gives {title} forward security only with the bit in "
                f"{word_list(holding, 'or')}")
    if not broken:
        return f"{proposal} gives {title} forward security"
    if edited:
        return (f"{proposal} gives {title} forward security against a compromised eNB that "
                f"edits nothing, but breaks that promise where {word_list(edited, 'or')}")
    return (f"{proposal} gives {title} forward security against the eNBs compromised there, "
            "but breaks that promise in other scenarios")


def _reviewed_labels(statuses: Statuses, sides: Sides) -> list[str]:
    """The variants the seed's comparison leaves out (reviewers' files), in report order."""
    compared = {sides.baseline, *sides.placements.values(), sides.reference}
    return [label for label in dict.fromkeys(label for label, _, _ in statuses)
            if label not in compared]


def _reviewed(statuses: Statuses, claims: Sequence[str],
              scenarios: Sequence[tuple[str, str]], sides: Sides,
              former_serving: Collection[tuple[str, str, str]],
              twins: Mapping[str, Sequence[str]]) -> list[str]:
    """Per variant the seed's comparison leaves out (a reviewer's ``--variant-file``), in
    report order: the promises it breaks, where its verdicts differ from the reference's
    (review19: a report of reviewer variants concluded nothing of them), and which other
    built-in variant's verdicts its own equal (``twins``; text41)."""
    sentences = []
    for label in _reviewed_labels(statuses, sides):
        lost = "; ".join(_lost(statuses, c, scenarios, [label], former_serving)
                         for c in claims if any(statuses.get((label, s, c)) == BROKEN
                                                for s, _ in scenarios))
        sentences.append(f"{label} breaks its promise of {lost}." if lost else
                         f"Every promise of {label} holds in {_these(statuses, [label])}"
                         f"{_vacuously(statuses, claims, scenarios, {label: ''})}.")
        sentences.extend(_twins(label, twins, sides))
        if sides.reference not in {ref for ref, _, _ in statuses}:
            continue
        raised = {s for of, s in _raised(statuses) if of == label}  # said first, not here
        differ = {c: [title for s, title in scenarios if s not in raised
                      and judged(statuses.get((label, s, c), NA))
                      != judged(statuses.get((sides.reference, s, c), NA))] for c in claims}
        judged_in = [title for s, title in scenarios if s not in raised]
        every = "every other scenario" if raised else "every scenario"
        changed = "; ".join(f"{c} on {scenario_list(where, judged_in, every)}"
                            for c, where in differ.items() if where)
        sentences.append(f"Compared with {sides.reference}, {label} changes the verdicts of "
                         f"{changed}." if changed else
                         f"{label} has the verdicts of {sides.reference} in "
                         f"{'the other scenarios' if raised else 'every scenario'}.")
    return sentences


def _twins(label: str, twins: Mapping[str, Sequence[str]], sides: Sides) -> list[str]:
    """Which built-in variants' verdicts ``label``'s equal, the reference aside (its own
    sentence says it)."""
    if label not in twins:
        return []  # a built-in variant the seed's comparison leaves out
    others = [t for t in twins[label] if t != sides.reference]
    if others:
        return [f"The verdicts of {label} equal those of {word_list(others)} in every scenario."]
    if twins[label]:
        return []
    return [f"The verdicts of {label} equal those of no built-in variant this report ran."]


# A broken promise whose failures are all on KeNBs a former serving eNB derived beyond forward
# security's promise: TS 33.401 7.2.8.1 speaks of the keys before a compromised eNB served;
# these are later than it served, earlier than its own KeNB only once the UE came back to it
# (backward security by TS 33.501 3.1's words; docs/claims.md)
FORMER_SERVING = ("on KeNBs an eNB derived as the former serving eNB, beyond forward "
                  "security's promise, and earlier than its own KeNB only because the UE came "
                  "back to it: forward security's failure on the same keys, not a key from "
                  "before that eNB served")
# the same, once its point has said it (helper-226 #2: word for word in two points), as
# ``hoverify report``'s summary says it
RETURNED = ("only as forward security's failure: on KeNBs a former serving eNB derived, the UE "
            "back at it")


def _broken_where(statuses: Statuses, claim: str, scenarios: Sequence[tuple[str, str]],
                  labels: Sequence[str], former_serving: Collection[tuple[str, str, str]]
                  ) -> tuple[list[str], list[str]]:
    """The scenarios where ``claim``'s promise breaks for one of ``labels``: those with some
    other failure, and those where each is ``FORMER_SERVING``'s."""
    broken = [(s, title) for s, title in scenarios
              if any(statuses.get((label, s, claim)) == BROKEN for label in labels)]
    returned = [title for s, title in broken
                if all((label, s, claim) in former_serving for label in labels
                       if statuses.get((label, s, claim)) == BROKEN)]
    return [title for _, title in broken if title not in returned], returned


def _lost(statuses: Statuses, claim: str, scenarios: Sequence[tuple[str, str]],
          labels: Sequence[str], former_serving: Collection[tuple[str, str, str]]) -> str:
    """Where ``claim``'s promise breaks for ``labels``: "CLAIM on SCENARIOS", those where it
    breaks only ``FORMER_SERVING``'s way said apart."""
    plain, returned = _broken_where(statuses, claim, scenarios, labels, former_serving)
    every = _titles(scenarios)
    return "; ".join(([f"{claim} on {scenario_list(plain, every)}"] if plain else [])
                     + ([f"{claim} on {scenario_list(returned, every)} ({FORMER_SERVING})"]
                        if returned else []))


def _placements(statuses: Statuses, claims: Sequence[str],
                scenarios: Sequence[tuple[str, str]], sides: Sides,
                former_serving: Collection[tuple[str, str, str]]) -> str:
    broken: dict[tuple[str, ...], list[str]] = {}  # claims broken -> placements
    for placement, label in sides.placements.items():
        lost = tuple(c for c in claims
                     if any(statuses.get((label, s, c)) == BROKEN for s, _ in scenarios))
        broken.setdefault(lost, []).append(placement)
    keep = broken.pop((), [])
    lose = [_lose(statuses, lost, ps, scenarios, sides, former_serving)
            for lost, ps in broken.items()]
    vacuous = _vacuously(statuses, claims, scenarios, {sides.placements[p]: p for p in keep})
    if not lose:
        return (f"Every promise of {sides.proposal} holds in "
                f"{_these(statuses, sides.placements.values())}, whichever the "
                f"placement of the notification bit{vacuous}.")
    if not keep:  # the promises that hold still say where they hold only vacuously (the
        # others: a promise said to break is not among those that hold, helper-212 #1), and
        # those that break where they are vacuous (no "Neither" sentence says a vacuous cell
        # has no verdict, helper-226 #1)
        lost = {c for claims_lost in broken for c in claims_lost}
        every = {label: p for p, label in sides.placements.items()}
        held = _vacuous_where(statuses, [c for c in claims if c not in lost], scenarios, every)
        unbroken = _vacuous_where(statuses, [c for c in claims if c in lost], scenarios, every)
        return (f"No placement of the notification bit keeps every promise of "
                f"{sides.proposal}: {'; '.join(lose)}"
                + (f"; the others hold, though only vacuously for {'; '.join(held)}"
                   if held else "")
                + (f"; vacuous where {'it does' if len(lost) == 1 else 'they do'} not break: "
                   f"{'; '.join(unbroken)}" if unbroken else "")
                + (f" {VACUOUS_WHY}" if held or unbroken else "") + ".")
    return (f"Only with the notification bit in {word_list(keep, 'or')} does every promise of "
            f"{sides.proposal} hold in {_these(statuses, sides.placements.values())}{vacuous}; "
            f"{'; '.join(lose)}.")


def _lose(statuses: Statuses, lost: tuple[str, ...], placements: list[str],
          scenarios: Sequence[tuple[str, str]], sides: Sides,
          former_serving: Collection[tuple[str, str, str]]) -> str:
    """The promises ``lost`` with the bit in ``placements``, as a placement sentence says
    them; one that breaks only ``FORMER_SERVING``'s way is said so after them, in short
    (``RETURNED``: its point said it in full; helper-212 #1: said inside the list of claims,
    the sentence could not be parsed)."""
    labels = [sides.placements[p] for p in placements]
    returned = [c for c in lost
                if not _broken_where(statuses, c, scenarios, labels, former_serving)[0]]
    return (f"with the bit in {word_list(placements, 'or')} the promise"
            f"{'s' if len(lost) > 1 else ''} of {word_list(lost)} "
            f"{'breaks' if len(lost) == 1 else 'break'}"
            + (f" ({word_list(returned)} {RETURNED})" if returned else ""))


# what a vacuous cell's "holds" says, after the claims and scenarios where it is
VACUOUS_WHY = ("(promised, but the situation it speaks of never arose there, so that its "
               "holding says nothing)")


def _vacuously(statuses: Statuses, claims: Sequence[str], scenarios: Sequence[tuple[str, str]],
               labels: Mapping[str, str]) -> str:
    """Where a promise said to hold holds only vacuously (its cell ``VACUOUS``: promised, but
    its situation never arose, so its "holds" says nothing), in words to follow that
    sentence ("" where none does): for the variants ``labels``, each with the bit placement
    a sentence names it by ("" for a variant of its own)."""
    said = _vacuous_where(statuses, claims, scenarios, labels)
    return f", though only vacuously for {'; '.join(said)} {VACUOUS_WHY}" if said else ""


def _vacuous_where(statuses: Statuses, claims: Sequence[str],
                   scenarios: Sequence[tuple[str, str]], labels: Mapping[str, str]) -> list[str]:
    """``_vacuously``'s claims, each with its placements and scenarios: "CLAIM (every bit
    placement) on SCENARIOS"."""
    found: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    for claim in claims:
        for label, placement in labels.items():
            where = tuple(title for s, title in scenarios
                          if statuses.get((label, s, claim)) == VACUOUS)
            if where:
                found.setdefault((claim, where), []).append(placement)
    return [claim + ("" if not any(placements) else " (every bit placement)"
                     if len(placements) == len(labels) > 1 else
                     f" (the bit in {word_list(placements)})")
            + f" on {scenario_list(where, _titles(scenarios))}"
            for (claim, where), placements in found.items()]


def _one_side(statuses: Statuses, claims: Sequence[str],
              scenarios: Sequence[tuple[str, str]], network: Network) -> list[str]:
    """Which of denial and capture a compromised serving eNB achieves in every variant of the
    report, and that neither is a downgrade (by a compromised eNB: where the network reads
    the backhaul, it derives the KeNBs the UE and the target agree on with no edit)."""
    labels = sorted({label for label, _, _ in statuses})

    def fails_for(claim: str) -> list[str]:
        return [label for label in labels
                if any(_failing(statuses.get((label, s, claim), NA)) for s, _ in scenarios)]

    said = [claim for claim in ONE_SIDED if claim in claims]
    every = [ONE_SIDED[c] for c in said if fails_for(c) == labels]
    some = [f"{ONE_SIDED[c]} in {word_list(fails_for(c))} only" for c in said
            if fails_for(c) and fails_for(c) != labels]
    never = [c for c in said if not fails_for(c)]
    sentences = []
    if every:
        sentences.append(f"In every variant reported, a compromised serving eNB can "
                         f"{word_list(every)}.")
    if some:
        sentences.append(f"A compromised serving eNB can {word_list(some)}.")
    if never:
        sentences.append(f"No variant reported lets a compromised serving eNB achieve "
                         f"{word_list(never, 'or')}.")
    if every and DOWNGRADE in claims:
        downgraded = fails_for(DOWNGRADE)
        read = [title for name, title in scenarios
                if any(statuses.get((label, name, DOWNGRADE)) == HOLDS
                       and (label, name) in network for label in labels)]
        alone = (f" (on {scenario_list(read, _titles(scenarios))} against a compromised eNB "
                 "alone: there the network, reading the backhaul, derives the KeNBs the UE and "
                 "the target agree on, as forward security's verdict for it says)"
                 if read else "")
        verdict = (f"fails for {word_list(downgraded)}{alone}" if downgraded else
                   f"holds for every variant reported wherever it has a verdict{alone}")
        sentences.append(
            f"Neither is a downgrade: {DOWNGRADE}, which fails only when an edit of a "
            "handover's messages makes the UE and the honest target eNB complete it on a KeNB "
            "the attacker derives (one it derives without such an edit is forward security's "
            f"to judge), {verdict}.")
    return sentences


def _authentication(statuses: Statuses, claims: Sequence[str],
                    scenarios: Sequence[tuple[str, str]], sides: Sides) -> str | None:
    """Whether the proposal changes any authentication claim (Lowe's levels) compared with
    the baseline: the scenarios and placements where a verdict differs, else that none does."""
    lowe = [c for c in claims if c in AUTHENTICATION]
    if not lowe:
        return None
    differ: dict[str, list[str]] = {}
    for claim in lowe:
        for name, title in scenarios:
            base = judged(statuses.get((sides.baseline, name, claim), NA))
            changed = [p for p, label in sides.placements.items()
                       if judged(statuses.get((label, name, claim), NA)) != base]
            if changed:
                differ.setdefault(claim, []).append(
                    f"{title} ({_word(base)} for {sides.baseline}, not with the bit in "
                    f"{word_list(changed, 'or')})")
    if not differ:
        return (f"Authentication: {sides.proposal} changes no verdict of {word_list(lowe)} "
                f"compared with {sides.baseline} (every bit placement, every scenario): in "
                "these scenarios its key refresh neither gives nor takes an authentication "
                "property.")
    return (f"Authentication: {sides.proposal} changes the verdicts of " + "; ".join(
        f"{claim} on {word_list(where)}" for claim, where in differ.items()) + ".")


def _changed_by_placement(statuses: Statuses, claims: Sequence[str],
                          scenarios: Sequence[tuple[str, str]], sides: Sides) -> list[str]:
    """The claims whose verdicts differ between bit placements in some scenario: compared as
    every other "changes the verdicts" sentence compares them (``judged``), so a placement
    whose promise holds only vacuously and one without the promise change nothing (neither
    has a verdict; ``_vacuously`` says where a promise holds only vacuously)."""
    return [c for c in claims if any(
        len({judged(statuses.get((label, s, c), NA)) for label in sides.placements.values()}) > 1
        for s, _ in scenarios)]


def _what_placement_changes(statuses: Statuses, claims: Sequence[str],
                            scenarios: Sequence[tuple[str, str]], sides: Sides) -> str:
    """The claims whose verdicts differ between bit placements in some scenario, and those
    that do not."""
    changed = _changed_by_placement(statuses, claims, scenarios, sides)
    kept = [c for c in claims if c not in changed]
    if not changed:
        return (f"The placement of the notification bit changes no verdict of "
                f"{sides.proposal} in these scenarios ({word_list(kept)} alike).")
    rest = f"; it changes none of {word_list(kept)}" if kept else ""
    return (f"The placement of the notification bit changes the verdicts of {word_list(changed)} "
            f"for {sides.proposal}{rest}.")
