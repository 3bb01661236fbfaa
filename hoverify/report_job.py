"""``hoverify report``: run the standard scenarios (``hoverify.reports.scenarios``) for each
variant,
evaluate every claim, replay each counterexample, verify each variant within a small bound,
and hand the plain data to the renderers.

This module runs the model; ``reports`` only reads what it is given and draws it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from hoverify import __version__
from hoverify.atomic_dir import probe_directory, replace_directory
from hoverify.cli import check_lines, from_anywhere, not_reached, variant_argv
from hoverify.errors import UsageError
from hoverify.properties.adversary import (
    DEFAULT,
    EDIT_SEARCH,
    KASME,
    NETWORK,
    Adversary,
    protocol_followed,
)
from hoverify.properties.analysis import Analysis
from hoverify.properties.attacker import Attacker, Compromise
from hoverify.properties.claims import (
    CAPTURE,
    CLAIMS,
    CONFINEMENT,
    DENIAL,
    DOWNGRADE,
    FORWARD,
    ClaimResult,
)
from hoverify.properties.downgrade import TARGET_ID, Edit, Writable, find_attack
from hoverify.properties.evaluate import Evaluation, default_attackers, evaluate
from hoverify.properties.exploration import VARIANT_ERROR as VARIANT_ERROR_FINDING
from hoverify.properties.hop_edits import HopEdits, editors
from hoverify.properties.verify import INTERRUPTED, verify
from hoverify.reports import extract
from hoverify.reports.bundle import TOP_FILES, VERDICTS, render
from hoverify.reports.conclusion import RETURNED, Attack, Sides, conclusion
from hoverify.reports.data import (
    BROKEN,
    HOLDS,
    NA,
    VACUOUS,
    VARIANT_ERROR,
    Bounded,
    BoundedFinding,
    Cell,
    Counterexample,
    DryRunEntry,
    Msc,
    MscNote,
    ReportData,
    ScenarioResult,
    VariantSection,
)
from hoverify.reports.scenarios import (
    BASELINE,
    GRAPH_ATTACKER,
    PLACEMENTS,
    PROPOSAL,
    QUESTION,
    REFERENCE,
    REPRESENTATIVE,
    SCENARIOS,
    VARIANTS,
    VERIFY_FAULTS,
    VERIFY_MAX_HANDOVERS,
    Scenario,
    VariantRef,
)
from hoverify.reports.status import judged
from hoverify.reports.words import verdict_word
from hoverify.runs import (
    check_document,
    claim_evidence,
    dry_run_finding,
    finding_word,
    unjudged_text,
    variant_error_document,
    verdict_text,
)
from hoverify.shell import shell_join
from hoverify.statemachines.entity import VariantError
from hoverify.statemachines.names import did_you_mean
from hoverify.statemachines.scenario import parse_hops, route, run_scenario
from hoverify.statemachines.system import UE
from hoverify.statemachines.topology import HopType, Topology, default_topology, small_topology
from hoverify.statemachines.variant import ASSUMPTIONS, KeySchedule
from hoverify.statemachines.variants import BIT_PLACEMENTS, BUILT_IN, load
from hoverify.variant_file import load_variant_file

Progress = Callable[[str], None]


def choose_variants(names: Sequence[str] | None) -> tuple[VariantRef, ...]:
    """``--variants``: built-in names (``seed-fs`` stands for each of its bit placements,
    ``seed-fs/alg-id`` for one), in the report's order whatever the order given."""
    known = (*VARIANTS, *(VariantRef(n) for n in BUILT_IN if n not in {v.name for v in VARIANTS}))
    if not names:
        return VARIANTS
    chosen: set[VariantRef] = set()
    for text in names:
        name, slash, placement = text.partition("/")
        if name not in BUILT_IN:
            raise UsageError(f"--variants: unknown variant {text!r} (built in: "
                             f"{', '.join(BUILT_IN)}; seed-fs/P for one bit placement P)"
                             f"{did_you_mean(BUILT_IN, name)}")
        valid = ", ".join(f"{PROPOSAL}/{p}" for p in BIT_PLACEMENTS)
        if slash and name != PROPOSAL:
            raise UsageError(f"--variants: {text!r}: only {PROPOSAL} takes a bit placement "
                             f"({valid})")
        if slash and placement not in BIT_PLACEMENTS:
            raise UsageError(f"--variants: {text!r}: "
                             + (f"unknown bit placement {placement!r}" if placement
                                else "names no bit placement")
                             + f" (valid: {valid}){did_you_mean(BIT_PLACEMENTS, placement)}")
        chosen |= {v for v in known if v.name == name
                   and (not placement or v.bit_placement == placement)}
    return tuple(v for v in known if v in chosen)


def variant_files(paths: Sequence[str] | None) -> tuple[tuple[VariantRef, KeySchedule], ...]:
    """``--variant-file``: each file loaded and validated now, before anything runs (a bad
    file is a UsageError naming it)."""
    loaded: list[tuple[VariantRef, KeySchedule]] = []
    for path in paths or ():
        # the same file twice would read as two variants sharing a name
        if any(Path(ref.file).resolve() == Path(path).resolve() for ref, _ in loaded
               if ref.file is not None):
            raise UsageError(f"--variant-file {path}: given twice; give each file once")
        schedule = load_variant_file(path)
        if schedule.name.lower() in {ref.name.lower() for ref, _ in loaded}:
            raise UsageError(f"--variant-file {path}: another file already defines a variant "
                             f"named {schedule.name!r}; give each variant its own name")
        if schedule.name.lower() in TOP_FILES:  # its folder would be one of the report's files
            raise UsageError(f"--variant-file {path}: VARIANT.name {schedule.name!r} is a file "
                             "of the report; choose another name")
        loaded.append((VariantRef(schedule.name, file=path), schedule))
    return tuple(loaded)


@dataclass(frozen=True)
class TopologyFile:
    """``--topology FILE``: the file as given and the topology read from it."""

    path: str
    topology: Topology


def check_topology(given: TopologyFile) -> None:
    """``--topology``: every standard scenario must be realisable on it (checked before
    anything runs)."""
    for scenario in SCENARIOS:
        try:
            route(given.topology, parse_hops(scenario.hops))
        except ValueError as error:
            raise UsageError(f"--topology {given.path}: the report's scenario {scenario.name} "
                             f"({scenario.hops}) cannot run: {error}") from None
        parties = (*given.topology.enbs, *given.topology.mmes, UE, KASME)
        for who, _ in scenario.compromises:
            if who not in parties:
                raise UsageError(f"--topology {given.path}: the report's scenario "
                                 f"{scenario.name} compromises {who}, which the topology "
                                 "lacks; add it")


def build(variants: Sequence[VariantRef], progress: Progress,
          files: Sequence[tuple[VariantRef, KeySchedule]] = (),
          topology: TopologyFile | None = None,
          steps: Callable[[int], None] | None = None) -> ReportData:
    """The report of the built-in ``variants`` and of the reviewer's ``files``; the
    scenarios run on ``topology`` (default: the default topology), the bounded verification
    on it too (default: the small topology, as ``hoverify verify``); ``progress`` is told as
    each step begins, ``steps`` how many steps there are."""
    schedules = {v: load(v.name, v.bit_placement) for v in variants} | dict(files)
    variants = tuple(schedules)
    jobs = [(v, s) for v in variants for s in SCENARIOS]
    if steps:
        steps(len(jobs) + len(variants))  # each scenario, then each variant's bounded search
    results: list[ScenarioResult] = []
    sections: list[VariantSection] = []
    # the bar counts the steps: no count of the scenarios beside it (helper-196: "68/75
    # steps, [69/70] ..." gave two totals)
    for variant, scenario in jobs:
        progress(f"{variant.label} {scenario.hops} ...")
        try:
            evaluation = _evaluate(schedules[variant], scenario, topology)
        except VariantError as error:  # the finding variant-error: shown where it happened
            results.append(_variant_error(variant, scenario, error,
                                          check_line(variant, scenario, topology)))
            if scenario.name == REPRESENTATIVE:
                sections.append(_section(variant, scenario, schedules[variant], None))
            continue
        results.append(_result(variant, scenario, evaluation,
                               check_line(variant, scenario, topology)))
        if scenario.name == REPRESENTATIVE:
            sections.append(_section(variant, scenario, schedules[variant], evaluation.analysis))
    statuses = {(r.variant.label, r.scenario.name, claim): c.status
                for r in results for claim, c in r.cells}
    sides = Sides(BASELINE.label, PROPOSAL,
                  {p: VariantRef(PROPOSAL, p).label for p in PLACEMENTS},
                  REFERENCE.label if REFERENCE in variants else None, QUESTION)
    outside = {(r.variant.label, r.scenario.name, claim): c.outside
               for r in results for claim, c in r.cells if c.outside}
    measured = {(r.variant.label, r.scenario.name, claim): (c.n_hops, c.open_ended, c.untested)
                for r in results for claim, c in r.cells if c.n_hops is not None}
    # what the network reading an unprotected backhaul derives: forward security's verdict
    # line for it, as check prints it, which a sentence saying another claim holds there
    # (judged against a compromised eNB alone) or naming forward security's failure carries
    network = {(r.variant.label, r.scenario.name): verdict_text(v)
               for r in results for c in r.check.get("claims", []) if c["name"] == FORWARD
               for v in c["verdicts"] if v["attacker"] == NETWORK and not v["holds"]}
    former_serving = {(r.variant.label, r.scenario.name, claim)
                      for r in results for claim, c in r.cells if c.former_serving}
    unpromised = {(r.variant.label, r.scenario.name, claim): c.unpromised
                  for r in results for claim, c in r.cells if c.unpromised}
    runs = {r.scenario.name: r.check["hops"] for r in results if "hops" in r.check}
    attacks = {s.name: Attack(frozenset(h.type.value for h in parse_hops(s.hops)),
                              _edit_words(runs.get(s.name, [])))
               for s in SCENARIOS}
    words = conclusion(statuses, CLAIMS, [(s.name, s.title) for s in SCENARIOS], sides,
                       outside, measured, network, former_serving, _twins(variants, statuses),
                       attacks, unpromised)
    bounded = []
    for variant in variants:
        progress(f"verify {variant.label}, at most {VERIFY_MAX_HANDOVERS} handover(s) ...")
        bounded.append(_bounded(variant, schedules[variant], topology))
    sections = [_dry_run(s, schedules[s.variant], results, bounded) for s in sections]
    return ReportData(__version__, CLAIMS, SCENARIOS, tuple(variants), tuple(results),
                      tuple(sections), words, tuple(bounded), ATTACKER)


def _twins(variants: Sequence[VariantRef],
           statuses: Mapping[tuple[str, str, str], str]) -> dict[str, list[str]]:
    """Per reviewer's variant (``--variant-file``), the built-in variants of the report whose
    verdicts (``judged``) equal its own on every claim in every scenario, in report order."""
    def verdicts(label: str) -> dict[tuple[str, str], str]:
        return {(s, c): judged(status) for (v, s, c), status in statuses.items() if v == label}

    built_in = [v.label for v in variants if v.file is None]
    return {v.label: [b for b in built_in if verdicts(b) == verdicts(v.label)]
            for v in variants if v.file is not None}


def _dry_run(section: VariantSection, schedule: KeySchedule, results: Sequence[ScenarioResult],
             bounded: Sequence[Bounded]) -> VariantSection:
    """The variant's section with the variant error the dry run of its file met, where no
    run of the report met one (``hoverify.runs.dry_run_finding``)."""
    reached = bool(_met(section.variant, results, bounded))
    found = dry_run_finding(schedule, reached, _variant_argv(section.variant))
    if found is None:
        return section
    return replace(section, dry_run=DryRunEntry(
        f"dr-{section.variant.slug}", found.hops, found.detail, _error_lines(found.error),
        found.check, found.document()))


def _met(variant: VariantRef, results: Sequence[ScenarioResult],
         bounded: Sequence[Bounded]) -> list[str]:
    """Where a run of the report met a variant error of ``variant``: its scenarios, then
    "bounded verification"."""
    where = [r.scenario.name for r in results if r.variant == variant
             and any(cell.status == VARIANT_ERROR for _, cell in r.cells)]
    return where + ["bounded verification" for b in bounded if b.variant == variant
                    and any(f.claim == VARIANT_ERROR_FINDING for f in b.findings)]


# the report's attacker model: the default, TS 33.401's (hoverify.properties.adversary), but
# where a scenario opens the backhaul
_OPEN = [s.name for s in SCENARIOS if s.backhaul_unprotected]
ATTACKER = DEFAULT.describe("per scenario, as its attacker column says; the bounded "
                            "verification: any one eNB at any time"
                            + protocol_followed(f"an edit its scenario names and {EDIT_SEARCH}")
                            ) + (
    f"; the backhaul unprotected (S1, X2, S10 active) in {', '.join(_OPEN)} only"
    if _OPEN else "")


def _variant_argv(variant: VariantRef) -> list[str]:
    """How ``hoverify check`` names a variant of the report, from any directory: a reviewer's
    file by its absolute path, as ``verify`` and ``explore`` name it (helper-181: the path as
    typed worked only where the report was made)."""
    file = None if variant.file is None else from_anywhere(variant.file)
    return variant_argv(variant.name, file, variant.bit_placement or None)


def check_line(variant: VariantRef, scenario: Scenario, topology: TopologyFile | None) -> str:
    """The ``hoverify check`` command line of a scenario's run: its hops, topology and
    attacker, so a reader can rerun the run a counterexample is drawn from."""
    return shell_join([
        "hoverify", "check", *_variant_argv(variant),
        *(["--topology", from_anywhere(topology.path)] if topology else []),
        "--hops", scenario.hops,
        *(a for who, hop in scenario.compromises for a in ("--compromise", f"{who}@{hop}")),
        *(["--backhaul-unprotected"] if scenario.backhaul_unprotected else [])])


def _bounded(variant: VariantRef, schedule: KeySchedule,
             topology: TopologyFile | None) -> Bounded:
    result = verify(schedule, max_handovers=VERIFY_MAX_HANDOVERS, faults=frozenset(VERIFY_FAULTS),
                    topology=topology.topology if topology else None)
    if result.stopped == INTERRUPTED:  # verify returns what Ctrl-C left; a report of a
        raise KeyboardInterrupt  # partial search is none: the previous report stays whole
    found = result.findings()
    checks = check_lines(_variant_argv(variant), topology.path if topology else None, schedule,
                         found, topology.topology if topology else small_topology(),
                         result.adversary)
    findings = tuple(
        BoundedFinding(f"bv-{variant.slug}-{f.claim}", f.claim, finding_word(f), f.detail,
                       tuple(a.text for a in f.trace), check["check"],
                       check["check_unavailable"], check["check_note"])
        for f, check in zip(found, checks, strict=True))
    faults = tuple(sorted(VERIFY_FAULTS))
    bound = (f"at most {VERIFY_MAX_HANDOVERS} handover(s); faults: "
             f"{', '.join(faults)}; at most one eNB compromised"
             + (f"; topology {topology.path}" if topology is not None else ""))
    unreached = not_reached(_variant_argv(variant), topology.path if topology else None,
                            schedule, topology.topology if topology else small_topology(),
                            VERIFY_MAX_HANDOVERS)
    return Bounded(variant, bound, result.states, result.transitions, result.depth,
                   result.exhausted, findings, result.seconds, tuple(result.sometimes.items()),
                   tuple(result.vacuous), tuple(result.beyond_bound),
                   tuple(result.unexercised.items()), tuple(unreached), faults)


def check_out(out: Path) -> None:
    """``--out``: a path that can be created in a writable place, or a previous report (the
    directory is replaced whole, so anything else there would be lost)."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: not a directory")
    if Path.cwd().resolve().is_relative_to(out.resolve()):
        raise UsageError(f"--out {out}: contains the working directory; give a directory for "
                         "the report alone")
    if out.is_dir() and any(out.iterdir()) and not (out / VERDICTS).is_file():
        raise UsageError(f"--out {out}: not empty and not a report (no {VERDICTS}); it would "
                         "be replaced whole")
    try:
        probe_directory(out.absolute().parent)  # where the new tree is staged, then renamed
    except OSError as error:
        raise UsageError(f"--out {out}: cannot write in {error.filename or out.parent} "
                         f"({error.strerror})") from None


def write_report(out: Path, variants: Sequence[VariantRef], progress: Progress,
                 files: Sequence[tuple[VariantRef, KeySchedule]] = (),
                 topology: TopologyFile | None = None,
                 steps: Callable[[int], None] | None = None) -> ReportData:
    """Build the report and replace ``out`` with it whole (the old one stays until then)."""
    check_out(out)
    data = build(variants, progress, files, topology, steps)
    try:
        replace_directory(render(data), out)
    except OSError as error:
        raise UsageError(f"--out {out}: cannot write ({error.strerror or error})") from None
    return data


def _evaluate(schedule: KeySchedule, scenario: Scenario,
              topology: TopologyFile | None) -> Evaluation:
    hops = parse_hops(scenario.hops)
    network = topology.topology if topology else default_topology()
    # a scenario's edits (``:edit=``), made as ``check`` makes them
    rewrite = (HopEdits(hops, Writable.of(schedule, network))
               if any(hop.edits for hop in hops) else None)
    run = run_scenario(schedule, hops, topology=network, rewrite=rewrite)
    assert rewrite is None or not rewrite.missed(), f"{scenario.name}: {rewrite.missed()}"
    attacker = (Attacker(tuple(Compromise(e, h) for e, h in scenario.compromises))
                if scenario.compromises else None)
    return evaluate(run, attacker, Adversary(backhaul_unprotected=scenario.backhaul_unprotected))


def _attackers(evaluation: Evaluation) -> dict[str, Attacker]:
    """The attackers behind the verdicts, by the name a verdict gives them."""
    known = default_attackers(evaluation.analysis)
    if evaluation.attacker is not None:  # and its parts (``Attacker.edit_parts``)
        run = evaluation.analysis.run
        known += [evaluation.attacker, *evaluation.attacker.edit_parts(
            run.topology.enbs, editors(run, evaluation.attacker))]
    return {str(a): a for a in known}


def _result(variant: VariantRef, scenario: Scenario, evaluation: Evaluation,
            check_argv: str) -> ScenarioResult:
    """``check_argv``: the run's ``hoverify check`` line (``check_line``)."""
    analysis = evaluation.analysis
    run = analysis.run
    attackers = _attackers(evaluation)
    by_name = {c.name: c for c in evaluation.claims}
    check = check_document(run, evaluation)
    said = {c["name"]: c for c in check["claims"]}
    cells, counterexamples = [], []
    for name in CLAIMS:
        claim = by_name.get(name)
        found = (_counterexample(variant, scenario, analysis, claim, attackers, check_argv)
                 if claim is not None and not claim.holds else None)
        if found is not None:
            counterexamples.append(found)
        cell = extract.cell(claim, found.id if found else None)
        reason = f"why-{variant.slug}-{scenario.name}-{name}"
        if cell.status in (HOLDS, VACUOUS, NA):
            cell = _reason(cell, said.get(name), reason)
        elif claim is not None and claim.outside_each:
            cell = replace(cell, reason=reason, cut=(_no_breach(claim.outside_each),))
        cells.append((name, cell))
    chart = extract.msc(f"msc-{variant.slug}-{scenario.name}",
                        f"{variant.label}: {scenario.hops}", run, extract.labels_of(analysis),
                        0, len(run.hops),
                        evaluation.attacker.compromises if evaluation.attacker else ())
    return ScenarioResult(variant, scenario, tuple(cells), chart, tuple(counterexamples), check)


def _no_breach(outside: Sequence[str]) -> str:
    """Why a failure outside the promise breaks none: what the promise assumes (a named
    assumption in the words of ``ASSUMPTIONS``), which the run broke."""
    said = "; ".join(f"the promise assumes {part} ({ASSUMPTIONS[part]}), which this run "
                     "breaks" if part in ASSUMPTIONS else part for part in outside)
    return f"no promise is broken: {said}"


def _reason(cell: Cell, said: dict[str, Any] | None, reason: str) -> Cell:
    """A cell that does not fail, with what ``check`` prints under the claim's verdict lines
    (``said``: its ``claim_document``): the cut of the verdict check shows, after that
    verdict's line where the cell shows another (forward security shows its widest), or why
    no hop has a verdict."""
    if said is None:  # a claim the run did not evaluate
        return replace(cell, reason=reason)
    heading, lines = claim_evidence(said)
    unjudged = unjudged_text(said)  # the attackers of the cell its verdicts leave out
    if not heading:
        return replace(cell, reason=reason, cut=(*unjudged, *lines))
    first = said["cut"][0]
    return replace(cell, reason=reason,
                   cut=(*([first] if first != cell.detail else []), *unjudged, heading),
                   under=tuple(lines))


def _counterexample(variant: VariantRef, scenario: Scenario, analysis: Analysis,
                    claim: ClaimResult, attackers: dict[str, Attacker],
                    check_argv: str) -> Counterexample | None:
    verdict = claim.shown
    if verdict is None:
        return None
    cx_id = f"cx-{variant.slug}-{scenario.name}-{claim.name}"
    attacker = attackers.get(verdict.attacker)
    compromises = attacker.compromises if attacker else ()
    title = f"{variant.label}, {scenario.hops}: {claim.name}"
    witness = verdict.witness
    chart = None
    found = (find_attack(analysis, verdict.hop, attacker, claim.name)
             if claim.name in (DOWNGRADE, DENIAL, CAPTURE) and attacker is not None else None)
    if found is not None:
        # The attack is a different run: replay it to draw the path it takes.
        replay = Analysis.of(found.run)
        actor = sorted(attacker.entities)[0] if attacker is not None else found.rewritten.sender
        chart = extract.msc(cx_id, title, found.run, extract.labels_of(replay), verdict.hop,
                            verdict.hop, compromises, found.step, found.rewrite,
                            (MscNote((actor,), verdict.detail, True),))
    elif claim.name != CONFINEMENT:
        key = verdict.witness_hop if verdict.witness_hop is not None else verdict.hop
        closing = ()
        if attacker is not None:
            who = ", ".join(sorted(attacker.entities))
            closing = (MscNote((sorted(attacker.entities)[0],),
                               f"{who} derives the KeNB of hop {key} (see the witness)", True),)
        chart = extract.msc(cx_id, title, analysis.run, extract.labels_of(analysis),
                            min(verdict.hop, key), max(verdict.hop, key), compromises,
                            closing=closing)
    return Counterexample(cx_id, variant, scenario, claim.name,
                          verdict_word(extract.status(claim), claim.outside),
                          extract.verdict_line(verdict), witness, chart, check_argv)


def _variant_error(variant: VariantRef, scenario: Scenario, error: VariantError,
                   check_argv: str) -> ScenarioResult:
    """A scenario whose run stopped at a variant error: no claim has a verdict; every cell
    links to one entry naming the hook, the exception and the step (``hoverify check``'s
    finding), and the chart shows the message whose handling raised."""
    entry = f"ve-{variant.slug}-{scenario.name}"
    doc = variant_error_document(error)
    message = error.message
    cells = tuple((claim, Cell(VARIANT_ERROR, str(error), counterexample=entry))
                  for claim in CLAIMS)
    witness = _error_lines(error)
    # Not an arrow: a refused message would read as the receiver's verdict, and this is none.
    ends = tuple(dict.fromkeys((message.sender, message.receiver)))
    chart = Msc(f"msc-{variant.slug}-{scenario.name}", f"{variant.label}: {scenario.hops}",
                ends, (),
                (MscNote(ends, f"step {error.step}, hop {error.hop}: {message.sender} sends "
                               f"{doc['message']} to {message.receiver}"),
                 MscNote((message.receiver,), f"{error.raised} ({error.where}) while handling "
                                              "it; the run stops here", True)))
    found = Counterexample(entry, variant, scenario, VARIANT_ERROR, error.raised, str(error),
                           witness, None, check_argv)
    return ScenarioResult(variant, scenario, cells, chart, (found,), {"variant_error": doc})


def _error_lines(error: VariantError) -> tuple[str, ...]:
    """A variant error's entry: the hook, the handler, the exception, where, the step and the
    hop, and the message whose handling raised."""
    doc = variant_error_document(error)
    message = error.message
    return (f"hook: {f'{error.hook}()' if error.hook else 'none (the model raised)'}",
            f"handler: {error.handler}", f"exception: {doc['exception']}",
            f"where: {error.where}", f"step: {error.step}, hop: {error.hop}",
            f"message: {doc['message']} from {message.sender} to {message.receiver}")


def _section(variant: VariantRef, scenario: Scenario, schedule: KeySchedule,
             analysis: Analysis | None) -> VariantSection:
    """The variant's promises, and the key graph and derivability table of ``scenario``
    (none when its run stopped at a variant error)."""
    promises = tuple(
        f"{p.claim}" + (f" on {', '.join(sorted(h.value for h in p.hop_types))} hops"
                        if p.hop_types != frozenset(HopType) else " on every hop type")
        + (f", {p.hops}-hop" if p.hops else "")
        + (f", assumes {', '.join(sorted(p.assumes))}" if p.assumes else "")
        + (f": {p.why}" if p.why else "")
        for p in schedule.promises())
    if analysis is None:
        return VariantSection(variant, schedule.title, schedule.specs, promises, scenario,
                              None, None)
    who, hop = GRAPH_ATTACKER
    entity = {"source": analysis.source, "target": analysis.target}[who](hop)
    attacker = Attacker((Compromise(entity, hop),))
    title = f"{variant.label}: key graph of {scenario.hops}"
    return VariantSection(variant, schedule.title, schedule.specs, promises, scenario,
                          extract.key_graph(analysis, attacker, title),
                          extract.derivability(analysis))


def variant_errors(data: ReportData) -> list[str]:
    """Where a variant hook (or the model) raised, variant by variant: "VARIANT in SCENARIO,
    ..., bounded verification". Any one makes ``hoverify report`` exit 1."""
    where = {s.variant: [f"the dry run with hops {s.dry_run.hops}"] if s.dry_run else
             _met(s.variant, data.results, data.bounded) for s in data.sections}
    return [f"{variant.label} in {', '.join(places)}" for variant, places in where.items()
            if places]


def _edit_words(hops: Sequence[dict[str, Any]]) -> tuple[str, ...]:
    """What a scenario's compromised eNB does by each edit of its run's ``hops`` (``check
    --json``'s), in words: a Target ID (TS 36.413 9.1.5.1, the S1AP HANDOVER REQUIRED's)
    naming the hop's own source eNB is "the source names itself as Target ID" (helper-212 #2:
    read from the edit's text alone, any compromised eNB named read so)."""
    said = []
    for hop in hops:
        for edit in hop["edits"]:
            message, _, name = edit.partition("/")
            named = Edit.Said.from_name(name)
            itself = (named is not None and named.kind == "rewrite" and named.where == TARGET_ID
                      and named.new.strip("'\"") == hop["source_enb"])
            said.append("the source names itself as Target ID" if itself
                        else f"a compromised eNB edits {message}")
    return tuple(dict.fromkeys(said))


def summary(data: ReportData, out: Path) -> str:
    """What ``hoverify report`` prints: where the report is, the broken promises and the
    variant errors in it."""
    cells: dict[str, list[Cell]] = {}
    for r in data.results:
        for claim, cell in r.cells:
            if cell.status == BROKEN:
                cells.setdefault(f"{r.variant.label} {claim}", []).append(cell)
    # helper-198 #2: backward security broken only where forward security fails on the same
    # keys (the conclusion's ``FORMER_SERVING``) read as a second flaw
    broken = [name + (f" ({RETURNED})" if all(c.former_serving for c in broken_cells) else "")
              for name, broken_cells in sorted(cells.items())]
    lines = [f"report written to {out}/ (index.html, index.md, verdicts.json): "
             f"{len(data.variants)} variant(s) x {len(data.scenarios)} scenarios",
             f"broken promises recorded: {'; '.join(broken) if broken else 'none'}"]
    errors = variant_errors(data)
    if errors:
        lines.append(f"variant errors recorded (exit 1): {'; '.join(errors)}")
    for b in data.bounded:
        rate = b.states / b.seconds if b.seconds else 0.0
        lines.append(f"verify {b.variant.label}: {b.states} states, {b.transitions} "
                     f"transitions in {b.seconds:.1f} s ({rate:.0f} states/s), "
                     + ("bound exhausted" if b.exhausted else "bound NOT exhausted"))
    return "\n".join(lines)
