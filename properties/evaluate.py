"""All claims for one finished run and one attacker model: what ``hoverify check`` reports.

The run's steps are fed, in order, to the same claim engine that ``explore`` and ``verify``
drive step by step (``hoverify.properties.engine``); each attacker compromises its eNBs just before
the first step of its hop. The verdicts are the claims' summaries over the finished run.
downgrade-resistance, handover-denial and fake-cell-capture are the claims about runs other
than this one (the source eNB edits what it relays and sends): in a finished run they come
from the edit search of ``hoverify.properties.downgrade``, which runs each hop again with each edit;
in ``explore`` the same definitions judge the edits of the ``rewrite`` fault as they happen,
and so they judge a hop whose edit the hops name (``:edit=``): the engine is told of the edit
(``Engine.fault``) on the step that delivers it, with the facts of that hop run without it,
and the search leaves that hop alone (one edit per hop, as ``verify`` makes one per path).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence, Set
from contextlib import suppress
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from hoverify.properties.adversary import DEFAULT, Adversary
from hoverify.properties.analysis import Analysis
from hoverify.properties.attacker import Attacker, Compromise
from hoverify.properties.claims import (
    CAPTURE,
    CLAIMS,
    DOWNGRADE,
    ClaimResult,
    EditClaim,
    all_claims,
    deriver,
    edit_aside,
    radio_observer_knows,
)
from hoverify.properties.downgrade import ending, handover_attacks, unjudged, with_enbs_alone
from hoverify.properties.engine import Claim, Engine, Facts, Knowledge, Verdict
from hoverify.properties.hop_edits import editor, editors, makers, named_of
from hoverify.properties.hop_list import hop_list
from hoverify.properties.promises import find_promise
from hoverify.statemachines.entity import VariantError
from hoverify.statemachines.messages import Message
from hoverify.statemachines.names import word_list
from hoverify.statemachines.scenario import Run, run_again
from hoverify.statemachines.system import Step
from hoverify.statemachines.topology import HopType


@dataclass
class Evaluation:
    analysis: Analysis
    attacker: Attacker | None
    claims: list[ClaimResult]
    derivable_hops: list[int]
    invariants: list[ClaimResult]
    facts: Facts  # what the claims judged from: derivations, completions, attackers
    adversary: Adversary = DEFAULT

    @property
    def promise_broken(self) -> bool:
        return any(claim.promise_broken for claim in (*self.claims, *self.invariants))

    @property
    def vacuous(self) -> list[str]:
        return [claim.name for claim in self.claims if claim.vacuous]


def default_attackers(analysis: Analysis) -> list[Attacker]:
    """Per hop, its source eNB and its target eNB, each compromised from that hop on (the
    seed's attacker, and a target that may be revisited)."""
    seen: dict[str, Attacker] = {}
    for h in analysis.hops:
        for enb in (analysis.source(h), analysis.target(h)):
            attacker = Attacker((Compromise(enb, h),))
            seen.setdefault(str(attacker), attacker)
    return list(seen.values())


def evaluate(run: Run, attacker: Attacker | None = None,
             adversary: Adversary = DEFAULT) -> Evaluation:
    """With no ``attacker``, every hop is checked against its own source and target eNB,
    each compromised from that hop on. With one, the claims are checked against it only.
    ``adversary``: what the network attacker reads (with the backhaul unprotected, the
    claims also judge the attacker ``network``)."""
    analysis = Analysis.of(run)
    attackers = [attacker] if attacker is not None else default_attackers(analysis)
    # a hop the run edits (``:edit=``) is judged on that edit, as the engine observed it
    # (as ``explore`` and ``verify`` judge theirs), not by a search over others
    edited = {run.system.steps[n].hop: n for n in sorted(run.edited, reverse=True)}
    # fake-cell-capture without an edit, where the handover never completed (its target
    # refused the HO confirm, or its preparation failed): the UE may have taken the HO command
    # all the same, and the engine judges it there, as explore and verify do; the search
    # judges only edits of handovers that complete without them (``downgrade.judged``;
    # helper-184: a capture verify found read "vacuous" here). Each attacker's first failure
    # there is kept (``Engine.per_hop``), and the attackers the search would judge are named
    unfinished = frozenset(h for h in analysis.hops if h not in analysis.kenb) - set(edited)
    engine = feed(run, attackers, adversary, unfinished)
    hop_types = {hop.spec.type for hop in run.hops}
    made = editors(run, attacker) if attacker is not None else frozenset()
    parts = attacker.parts(run.topology.enbs, made) if attacker is not None else []
    # a coalition is judged with its parts (``Attacker.parts``) in every claim, and each has a
    # verdict or a reason (coalition28)
    judged = [attacker, *parts] if attacker is not None else []
    results = claim_results(engine, hop_types, [str(a) for a in judged] if parts else [])
    defined = {c.name: c for c in engine.claims}
    if attacker is None:
        downgrade = [(h, Attacker((Compromise(analysis.source(h), h),))) for h in analysis.hops]
    else:  # its parts too: the whole may hold the hop's KeNB anyway (its target eNB, from
        # that hop or a later one), which must not lower the verdict of a part (coalition28)
        downgrade = [(h, a) for a in judged for h in analysis.hops
                     if any(c.entity == analysis.source(h) and c.hop <= h
                            for c in a.compromises)]
    # and, where one derives the honest KeNB only through a revealed key, the UE or an MME,
    # its eNBs alone (downgrade35)
    downgrade = with_enbs_alone(analysis, [(h, a) for h, a in downgrade if h not in edited])
    # the others judge every hop; a reason names its attacker where a part is judged too
    beside = attacker.edit_parts(run.topology.enbs, made) if attacker is not None else []
    named = any(a in beside for _, a in downgrade)
    searched = {DOWNGRADE: unjudged(analysis, downgrade, named)}
    # the engine's own claims judge the search's edits too (one claim, one definition)
    claims = {c.name: c for c in engine.claims if isinstance(c, EditClaim)}
    no_editor = (_no_source(analysis) if attacker is not None and not downgrade and not edited
                 else ())
    for name, (verdicts, never) in handover_attacks(analysis, downgrade, engine.facts, claims,
                                                    beside).items():
        observed = (_observed(engine, claims[name], edited, run, attackers[0], beside)
                    if edited else [])
        observed = [*observed, *_held_beside_the_edit(results[name], edited, observed)]
        left_out, did_not_arise = _unjudged_edits(defined[name], engine.facts, observed,
                                                  edited, run, attackers[0])
        if name == CAPTURE:
            observed = [*observed, *_unfinished_captures(engine, results[name], unfinished,
                                                         downgrade)]
        results[name] = ClaimResult(name, tuple(sorted((*verdicts, *observed),
                                                       key=lambda v: v.hop)),
                                    len(verdicts) + len({v.hop for v in observed}),
                                    results[name].promised_by_variant,
                                    (*(why for _, why in sorted(searched.get(name, {}).items())),
                                     *left_out), (*never, *did_not_arise, *no_editor))
    if attacker is not None:
        _leave_out_unmade(results, run, attacker, [str(a) for a in judged], set(claims))
        _say_whom_judged(results, defined, str(attacker))
    # every claim, confinement too where no key is delegated, as verify and the report list
    # it (review46: check left it out, the report said n/a)
    claims = [results[name] for name in CLAIMS]
    invariants = [r for name, r in results.items() if name not in CLAIMS]
    final = engine.facts.attacker(str(attacker)) if attacker is not None else None
    # the initial KeNB (hop 0) too: backward security's witness may derive it (review18 #5);
    # with no attacker, the radio observer alone as key-secrecy judges it (review49: the key
    # graph's closure left out a key that a derivation takes as public, and said "none")
    knows = radio_observer_knows(engine.facts) if final is None else final.known.__contains__
    derivable = [c.handover for c in engine.facts.completions if knows(c.kenb)]
    return Evaluation(analysis, attacker, claims, derivable, invariants, engine.facts,
                      adversary)


def _say_whom_judged(results: dict[str, ClaimResult], defined: Mapping[str, Claim],
                     attacker: str) -> None:
    """Each verdict of a claim that does not judge the named ``attacker`` says so first, and
    whom it judged (``Claim.judged_beside``; helper-198 #6), its verdict the same."""
    for name, result in results.items():
        beside = defined[name].judged_beside(attacker)
        if beside is not None:
            results[name] = replace(result, verdicts=tuple(
                replace(v, detail=f"{beside}: {v.detail}") for v in result.verdicts))


def _leave_out_unmade(results: dict[str, ClaimResult], run: Run, attacker: Attacker,
                      judged: Sequence[str], edit_claims: Set[str]) -> None:
    """Say, in each claim that judges ``attacker`` or its parts (``judged``), why no part is
    without an eNB whose edit shaped the run (``Attacker.parts``). Not in the edit claims,
    which judge an edit against its editor's holders alone (``Facts.judged_as``)."""
    made = editors(run, attacker)
    if not made:
        return
    hops = sorted({run.system.steps[n].hop for n in run.edited})
    edits = word_list(_edits_text(run, hop, attacker) for hop in hops)
    unmade = tuple(f"{part}: the run rests on {edits}, which a part without {part.without} "
                   "cannot make" for part in attacker.parts(run.topology.enbs)
                   if part.without in made)
    for name, result in results.items():
        if name in edit_claims:
            continue
        if any(v.attacker in judged for v in result.verdicts) or any(
                why.startswith(tuple(judged)) for why in result.not_judged):
            results[name] = replace(result, not_judged=(*result.not_judged, *unmade))


def _no_source(analysis: Analysis) -> tuple[str]:
    """Why the edit claims judged no edit of a run whose attacker holds no hop's source eNB
    by that hop (review46: "no hop of this run to which the claim applies", or "vacuous",
    as promised): the edits they judge are that eNB's (``handover_attacks``)."""
    by_source: dict[str, list[int]] = {}
    for hop in analysis.hops:  # a long run names each eNB once, its hops as ranges
        by_source.setdefault(analysis.source(hop), []).append(hop)
    sources = word_list(f"{enb} in hop {hops[0]}" if len(hops) == 1 else
                       f"{enb} in hops {hop_list(hops)}" for enb, hops in by_source.items())
    return (f"no hop's source eNB ({sources}) is compromised by its hop: these claims judge "
            "a compromised source eNB's edits of what it relays and sends",)


def claim_results(engine: Engine, hop_types: Set[HopType],
                  coalitions: Sequence[str] = ()) -> dict[str, ClaimResult]:
    """Each claim over the run ``engine`` was fed (``Engine.summary``), with how often its
    situation arose in the hops it judges (``Engine.arose``), as ``check`` judges it (which
    then replaces the edit claims' by its edit search) and ``replay`` shows it;
    ``hop_types``: the run's, where the claim is promised (seed-fs promises
    downgrade-resistance on S1 hops only: on an X2-only run it does not apply, it is not
    vacuous); ``coalitions``: the attackers judged with their parts (``Attacker.parts``),
    and those parts, by name: each gets a verdict or a reason (``_unjudged``)."""
    variant = engine.variant
    defined = {c.name: c for c in engine.claims}
    return {name: ClaimResult(
        name, tuple(verdicts), sum(engine.arose(defined[name]).values()),
        defined[name].promised_by(variant) and (defined[name].invariant or any(
            find_promise(variant, name, t) is not None for t in hop_types)),
        _unjudged(defined[name], engine.facts, verdicts, coalitions))
        for name, verdicts in engine.summary().items()}


def _unjudged(claim: Claim, facts: Facts, verdicts: Sequence[Verdict],
              coalitions: Sequence[str] = ()) -> tuple[str, ...]:
    """Why the claim judged no verdict on hops that ran, or on an attacker of a hop whose
    other attackers it judged (``Claim.not_judged``; review25: the TR's chain named enb-4@1's
    verdict and never said that enb-1@1 was not judged), and, beside those verdicts, on an
    attacker of ``coalitions`` whose situation never arose (``Claim.never_arose``;
    coalition28: with three eNBs, the whole attacker holds every eNB the UE was at, and
    only its parts had backward and forward security's verdicts). With no verdict at all,
    the claim is vacuous or n/a for every attacker and says so once."""
    hops = {v.hop for v in verdicts}
    judged = {(v.hop, v.attacker) for v in verdicts}
    reasons = claim.not_judged(facts)
    if verdicts:
        named = {who for _, who in reasons} | {v.attacker for v in verdicts}
        for a in filter(None, (facts.attacker(name) for name in coalitions
                               if name not in named)):
            why = claim.never_arose(facts, a)
            if why is not None:
                reasons = {**reasons, (a.hop, a.name): why}
    return tuple(why for (hop, who), why in sorted(reasons.items(), key=lambda item: item[0][0])
                 if ((hop, who) not in judged if who else hop not in hops))


def _unjudged_edits(claim: Claim, facts: Facts, verdicts: Sequence[Verdict],
                    edited: dict[int, int], run: Run, attacker: Attacker
                    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """For an edit claim, each hop the run edits (``edited``: hop -> the step of its first
    edit) that it judged nothing on, and why: that hop is judged on its edit alone, not by
    the search over the others. As (not judged: the claim's definition leaves the edit out;
    its situation did not arise: ``ClaimResult.never_arose``, vacuous where promised, as
    ``explore`` and ``verify`` say it)."""
    reasons = claim.not_judged(facts)
    judged = {(v.hop, v.attacker) for v in verdicts}
    # an attacker that the claim judged by its eNBs alone, named (downgrade-resistance)
    unjudged = [why for (hop, who), why in sorted(reasons.items())
                if who and hop in edited and (hop, who) not in judged]
    never = []
    for hop in sorted(set(edited) - {v.hop for v in verdicts}):
        why = reasons.get((hop, ""))
        if why is not None:
            unjudged.append(f"{why}; {_alone(run, hop)}")
        else:
            never.append(f"after {_edits_text(run, hop, attacker)}, its situation did not "
                         f"arise ({claim.sometimes}); {_alone(run, hop)}")
    return tuple(unjudged), tuple(never)


def _edit_steps(run: Run, hop: int) -> list[int]:
    """The steps that deliver the hops' edits of ``hop``, in order."""
    return [n for n in sorted(run.edited) if run.system.steps[n].hop == hop]


def _many(run: Run, hop: int) -> bool:
    """Whether the hops name more than one edit of ``hop`` (edit48: two of one message
    read as one)."""
    return len(run.hops[hop - 1].spec.edits) > 1


def _edits_text(run: Run, hop: int, attacker: Attacker) -> str:
    """Who made which of the hops' edits of ``hop``, each message named: "enb-1's edit of M
    (the hops' edit)", "enb-1's edits of M and N (the hops' edits)" (dev43: the first alone
    was named, though the verdict judges them all)."""
    by_editor: dict[str, list[Message]] = {}
    for number in _edit_steps(run, hop):
        by_editor.setdefault(_editor(run, number, attacker), []).append(run.edited[number])
    spec = run.hops[hop - 1].spec
    return word_list(
        f"{who}'s edit{'s' if sum(len(named_of(spec, m)) for m in messages) > 1 else ''} of "
        f"{word_list(map(str, messages))}" for who, messages in by_editor.items()
    ) + f" (the hops' edit{'s' if _many(run, hop) else ''})"


def _alone(run: Run, hop: int) -> str:
    """What check says of a hop the run edits: the edit claims judge its edits there, no
    other."""
    edits = "edits" if _many(run, hop) else "edit"
    return (f"hop {hop} is judged on the hops' {edits} alone (the other edits of hop {hop} "
            "were not searched)")


def _unfinished_captures(engine: Engine, result: ClaimResult, unfinished: frozenset[int],
                         judged: Sequence[tuple[int, Attacker]]) -> list[Verdict]:
    """fake-cell-capture on the hops whose handover never completed (``unfinished``), as the
    engine judged it: each failure of an attacker the edit search would judge there
    (``judged``: that hop's source eNB, compromised from it on, or the attacker of
    ``--compromise`` and its parts; helper-185: an attacker compromised earlier was named),
    else its holding verdict where the situation arose there."""
    judging = {(hop, str(a)) for hop, a in judged}
    failures = [v for (claim, hop, who), v in engine.first_per_hop.items()
                if claim == CAPTURE and hop in unfinished and (hop, who) in judging]
    failed = {v.hop for v in failures}
    return failures + [v for v in result.verdicts
                       if v.holds and v.hop in unfinished and v.hop not in failed]


def _held_beside_the_edit(result: ClaimResult, edited: Mapping[int, int],
                          observed: Sequence[Verdict]) -> list[Verdict]:
    """An edit claim on the hops the run edits where the edit met none of its situation, as
    the engine judged the run (``result``): its holding verdicts there stand, as ``replay``,
    ``explore`` and ``verify`` give them. fake-cell-capture's situation is also a HO command
    a compromised source relayed unedited (docs/claims.md, *One definition, every command*),
    which an edit after it (the source's S1AP UEContextReleaseComplete) leaves as it was
    (helper-223: check read "n/a, its situation did not arise" there); downgrade and denial
    arise only from an edit, so the engine has no other verdict of theirs."""
    judged = {v.hop for v in observed}
    return [v for v in result.verdicts if v.holds and v.hop in edited and v.hop not in judged]


def _observed(engine: Engine, claim: EditClaim, edited: dict[int, int], run: Run,
              attacker: Attacker, beside: Sequence[Attacker]) -> list[Verdict]:
    """The verdicts of the edit claim ``claim`` on the hops the run edits (``edited``: hop ->
    the step of its first edit): the engine's first failure of each such hop and attacker
    (``Engine.first_per_hop``), else, where it judges the edit and the hop ended within its
    situation (``EditClaim.situation``, read as ``check``'s search reads it:
    ``downgrade.ending``), that it holds after that edit, and how the hop ended. Of the
    parts ``beside`` a coalition (``Attacker.edit_parts``), downgrade-resistance's only, as
    the search judges them (``downgrade.handover_attacks``: the whole's denial and capture
    are never weaker than a part's)."""
    name = claim.name
    parts = set() if name == DOWNGRADE else {str(p) for p in beside}
    failures = [v for (c, hop, who), v in engine.first_per_hop.items()
                if c == name and hop in edited and who not in parts]
    holding = []
    # helper-176 #5: a coalition that derives the honest KeNB through the target it holds is
    # not judged for a downgrade, but its part holding the editor is, as check's search
    # judges it (it read "its situation did not arise" beside handover-denial's "sometimes 1")
    candidates = [attacker, *(beside if name == DOWNGRADE else ())]
    for hop in sorted(set(edited) - {v.hop for v in failures}):
        steps = [s for s in run.system.steps if s.hop == hop]
        end, outcome, _ = ending(steps, run.hops[hop - 1].target_enb, edited[hop])
        if end not in claim.situation:
            continue
        who = _editor(run, edited[hop], attacker)
        hop_type = run.hops[hop - 1].spec.type
        for candidate in (c for c in candidates
                          if claim.judges(engine.facts, hop, str(c))):
            judged = _judged(engine.facts, name, hop, str(candidate))
            named = deriver(judged.name, judged.entities, who)
            holding.append(Verdict(hop, judged.name, True,
                                   find_promise(run.variant, name, hop_type) is not None,
                                   f"after {_edits_text(run, hop, attacker)}, "
                                   f"{claim.held_words.format(who=named)}"
                                   f"{edit_aside(engine.facts, name)}; after "
                                   f"{'them' if _many(run, hop) else 'it'}, "
                                   f"{outcome}; "
                                   f"{_alone(run, hop)}"))
    return failures + holding


def _editor(run: Run, number: int, attacker: Attacker) -> str:
    """The eNB of ``attacker``, check's, that made the hops' edit delivered at step
    ``number`` (``hop_edits.editor``: of a coalition holding both ends, the one whose edit
    it is)."""
    who = editor(run, number, attacker)
    assert who is not None, "an edit needs its editor compromised (check_editors)"
    return who


def _judged(facts: Facts, claim: str, hop: int, attacker: str) -> Knowledge:
    """Whom the edit claim ``claim`` judged the edit of ``hop`` against: the attacker, or for
    downgrade-resistance its eNBs alone where it derives the honest KeNB through what else
    it holds (``Facts.judged_as``), named as ``check``'s edit search names them."""
    who = facts.judged_as(hop, attacker) if claim == DOWNGRADE else None
    whole = facts.attacker(attacker)
    assert whole is not None, "check's attacker is fed to the engine (feed)"
    return who if who is not None else whole


def feed(run: Run, attackers: list[Attacker], adversary: Adversary = DEFAULT,
         watched: frozenset[int] = frozenset()) -> Engine:
    """The run's steps through a claim engine; each attacker compromises its parties before
    the first step of their hop, holding the key record each had then, or learns the key it
    names (KASME, a delegated key) from then on. On a hop the run edits, and on the hops
    ``watched``, the engine keeps each attacker's first failure of an edit claim
    (``Engine.per_hop``, ``_observed``, ``_unfinished_captures``)."""
    system = run.system
    start = run.topology.cell(run.initial_cell)
    engine = Engine(run.variant, run.topology, all_claims(run.variant, run.topology),
                    start.enb, start.name, adversary=adversary, finished=True,
                    per_hop=frozenset(system.steps[n].hop for n in run.edited) | watched)
    engine.set_up(system.setup)
    at: dict[int, dict[Attacker, list[str]]] = defaultdict(lambda: defaultdict(list))
    for attacker in (p for a in attackers
                     for p in (a, *a.parts(run.topology.enbs, editors(run, a)))):
        for compromise in attacker.compromises:
            at[compromise.hop][attacker].append(compromise.entity)
    first_step = {hop.first_step: hop.number for hop in run.hops}
    replayed = {number for number, _ in run.replayed}
    refused = dict(run.refused)
    ctx: dict[str, Any] = {name: state[1] for name, state in system.initial.items()}
    unedited: dict[int, Facts] = {}  # per hop, the run without its edits (``_unedited``)
    for step in system.steps:
        hop = first_step.get(step.number)
        for attacker, entities in at[hop].items() if hop in at else ():
            # what the attacker takes at one hop, taken at once (``Engine.corrupt``), and
            # the name of its eNBs alone, if it holds more (``Facts.alone``)
            alone = attacker.enbs_alone(run.topology.enbs)
            engine.corrupt(str(attacker), [(e, ctx[e]) for e in entities if e in ctx],
                           [e for e in entities if e not in ctx], hop,
                           str(alone) if alone is not None else None)
        if step.number in replayed:
            engine.fault("replay", step.message)
        if step.number in refused:  # the step in which its target refused it
            engine.fault("refuse", refused[step.number])
        original = run.edited.get(step.number)
        if original is not None:  # the hops' edit, made by the eNBs an attacker holds
            made = {who for a in attackers for who in makers(run, step.number, a)}
            assert made, "an edit needs its editor compromised (check_editors)"
            for who in sorted(made):
                engine.fault("rewrite", original, who,
                             partial(_unedited, unedited, engine, run, step))
        receiver = step.message.receiver
        engine.step(step, ctx.get(receiver))
        if step.ctx_after is not None:
            ctx[receiver] = step.ctx_after
    return engine


def _unedited(found: dict[int, Facts], engine: Engine, run: Run, step: Step) -> Facts:
    """The facts after the rest of ``step``'s hop run without the edit ``step`` delivers
    (and any later one), from the engine's now: what ``Exploration._unedited`` finds by
    delivering what is in flight, in order, on a scratch copy. Found at the hop's first
    edit and kept in ``found``: several edits of a hop are judged together, against the
    run without any of them (docs/commands.md; helper-176: a later edit was judged against
    the run with the earlier one, which "never completes")."""
    if step.hop not in found:
        found[step.hop] = engine.facts
        with suppress(VariantError):  # a hook fails: the handover fails without the edit too
            again = run_again(run, step.hop, before=step.number)
            again.system.close()
            found[step.hop] = engine.facts_after(again.system.steps[step.number:])
    return found[step.hop]
