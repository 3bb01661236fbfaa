"""The report as plain data: what the renderers draw. No model object appears here, so the
renderers need to know nothing about runs, graphs or claims."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from hoverify.properties.claims import Unexercisable
from hoverify.properties.engine import UncoveredKeNB
from hoverify.properties.exploration import faults_not_searched
from hoverify.reports.scenarios import Scenario, VariantRef
from hoverify.reports.status import BROKEN as BROKEN
from hoverify.reports.status import FAILS as FAILS
from hoverify.reports.status import HOLDS as HOLDS
from hoverify.reports.status import NA as NA
from hoverify.reports.status import VACUOUS as VACUOUS
from hoverify.reports.status import VARIANT_ERROR

SERVES, DERIVES = "serves", "derives"


@dataclass(frozen=True)
class Cell:
    """One claim for one variant in one scenario."""

    status: str  # HOLDS, BROKEN, FAILS, VACUOUS, NA or VARIANT_ERROR
    detail: str = ""  # the verdict `hoverify check` shows for the claim
    n_hops: int | None = None  # forward security: the largest n over the verdicts
    open_ended: bool = False  # the run ends before n is reached: n is a lower bound
    counterexample: str | None = None  # id of the counterexample (or variant error) entry
    outside: str | None = None  # FAILS only outside the promise: the assumption the run broke
    reason: str | None = None  # id of the entry saying why it holds (or is vacuous or n/a, or
    # fails only outside the promise)
    cut: tuple[str, ...] = ()  # what `hoverify check` prints under the verdict: "cut of hop 1,
    # radio observer + enb-2@1:", ...; or why no hop has a verdict
    under: tuple[str, ...] = ()  # what check indents under the last line of ``cut``, the cut's
    # heading: "lacks KASME", ...
    untested: bool = False  # holds with no attacker lacking a later KeNB: the run ends within
    # each promise's n hops, so the claim could not have failed here (review16)
    # BROKEN only on KeNBs a former serving eNB derived beyond forward security's promise,
    # the UE back (``ClaimResult.broken_by_former_serving``)
    former_serving: bool = False
    # FAILS not promised: the KeNB its verdict names as no promise's (``Verdict.unpromised``)
    unpromised: UncoveredKeNB | None = None


@dataclass(frozen=True)
class MscMessage:
    sender: str
    receiver: str
    title: str
    fields: str
    tooltip: str
    accepted: bool = True
    reason: str = ""
    rewritten: bool = False  # the attacker rewrote this message before its delivery
    replayed: bool = False  # the attacker replayed this copy of an earlier message
    remark: str = ""  # a copy's or a late message's handover: "hop 1's, replayed ..."


@dataclass(frozen=True)
class MscNote:
    over: tuple[str, ...]  # one participant, or the first and the last
    text: str
    alarm: bool = False  # compromise, rewrite, derived key: drawn in red


@dataclass(frozen=True)
class Msc:
    id: str
    title: str
    participants: tuple[str, ...]
    compromised: tuple[str, ...]
    events: tuple[MscMessage | MscNote, ...]


@dataclass(frozen=True)
class Counterexample:
    id: str
    variant: VariantRef
    scenario: Scenario
    claim: str  # or VARIANT_ERROR: the run stopped at a variant error
    status: str
    verdict: str  # "hop 2, radio observer + enb-2@2: ..."
    witness: tuple[str, ...]  # a variant error: the hook, the exception, where, step and hop
    msc: Msc | None  # None for a claim that is not about a message flow (confinement)
    check: str = ""  # the `hoverify check` command line of the scenario's run


@dataclass(frozen=True)
class ScenarioResult:
    variant: VariantRef
    scenario: Scenario
    cells: tuple[tuple[str, Cell], ...]  # (claim, cell), claims in report order
    msc: Msc  # a variant error: the message whose handling raised
    counterexamples: tuple[Counterexample, ...]
    check: dict[str, Any]  # `hoverify check --json` for this run

    def cell(self, claim: str) -> Cell:
        return dict(self.cells)[claim]


@dataclass(frozen=True)
class GraphNode:
    id: str
    kind: str  # key, public, constant or derivation
    label: str
    hop: int
    holders: tuple[str, ...]  # for a derivation: who computed it
    derived: bool  # in the attacker's closure (a derivation: the attacker can compute it)
    value: str = ""  # hex, for values
    clause: str = ""  # for derivations
    text: str = ""  # for derivations: "KeNB[hop 1] = KDF(KeNB*[hop 1], FC, C-RNTI)"


@dataclass(frozen=True)
class GraphData:
    title: str
    attacker: str
    columns: tuple[str, ...]  # heading of each hop, index = hop
    nodes: tuple[GraphNode, ...]
    edges: tuple[tuple[str, str], ...]  # (from id, to id)


@dataclass(frozen=True)
class Derivability:
    """Who can derive the KeNB of each hop, each entity compromised from its first hop."""

    hops: tuple[int, ...]
    serving: tuple[str, ...]  # the eNB that held the KeNB of each hop
    rows: tuple[tuple[str, int, tuple[str, ...]], ...]  # (entity, from hop, SERVES/DERIVES/"")


@dataclass(frozen=True)
class DryRunEntry:
    """A variant error that the dry run of a reviewer's variant file met and no run of the
    report did (``hoverify.runs.dry_run_finding``): in no scenario, a variant error all the
    same."""

    id: str  # its entry on the variant's page
    hops: str  # the dry run's
    detail: str
    witness: tuple[str, ...]  # the hook, the handler, the exception, where, step and hop
    check: str  # the `hoverify check` command line that meets it again
    document: dict[str, Any]  # as `hoverify check --json` gives it (``variant_error``)


@dataclass(frozen=True)
class VariantSection:
    variant: VariantRef
    title: str
    specs: str
    promises: tuple[str, ...]
    scenario: Scenario  # the representative scenario of the graph and the table
    graph: GraphData | None  # None: that scenario's run stopped at a variant error
    derivability: Derivability | None
    dry_run: DryRunEntry | None = None


@dataclass(frozen=True)
class BoundedFinding:
    """The shortest violation of one claim within the bound."""

    id: str
    claim: str
    status: str  # its finding word (``hoverify.runs.finding_word``), as `hoverify verify` says it
    detail: str
    trace: tuple[str, ...]  # the replayable steps, as `hoverify verify` prints them
    # the `hoverify check` line that reproduces it, as `hoverify verify` prints it, or why
    # there is none
    check: str | None = None
    check_unavailable: str | None = None
    check_note: str | None = None  # where check's attacker differs from the trace's


class Unreached(NamedTuple):
    """Something a variant does only past a bound: its name, and why the bound misses it
    (with the check line that runs one), as ``hoverify verify`` says it."""

    name: str
    why: str

    def __str__(self) -> str:
        return f"{self.name}: {self.why}"


@dataclass(frozen=True)
class Bounded:
    """`hoverify verify` on one variant within the report's bound."""

    variant: VariantRef
    bound: str  # "at most 1 handover; faults: compromise, drop"
    states: int
    transitions: int
    depth: int
    exhausted: bool
    findings: tuple[BoundedFinding, ...]
    seconds: float  # for the terminal only: the files stay byte-identical
    sometimes: tuple[tuple[str, int], ...] = ()  # claim -> transitions its situation arose in
    vacuous: tuple[str, ...] = ()  # promised claims never exercised within the bound
    # promises no run within the bound can break (``hoverify.properties.verify.beyond_bound``)
    beyond_bound: tuple[str, ...] = ()
    # promised claims its faults cannot make arise, each with why
    # (``hoverify.properties.claims.unexercised``)
    unexercised: tuple[tuple[str, Unexercisable], ...] = ()
    # what the variant does only past the bound, and why that matters
    # (``hoverify.cli.not_reached``)
    not_reached: tuple[Unreached, ...] = ()
    faults: tuple[str, ...] = ()  # the faults searched, as `hoverify verify --faults` takes them

    @property
    def faults_not_searched(self) -> list[str]:
        """explore's default faults it left out
        (``hoverify.properties.exploration.faults_not_searched``)."""
        return faults_not_searched(self.faults)


@dataclass(frozen=True)
class ReportData:
    version: str
    claims: tuple[str, ...]
    scenarios: tuple[Scenario, ...]
    variants: tuple[VariantRef, ...]
    results: tuple[ScenarioResult, ...]
    sections: tuple[VariantSection, ...]
    conclusion: tuple[str, ...]
    bounded: tuple[Bounded, ...] = ()
    attacker: str = ""  # the attacker model, one line, printed on every page

    @property
    def has_variant_error(self) -> bool:
        """A scenario's run stopped at a variant error (the matrix then explains the word)."""
        return any(cell.status == VARIANT_ERROR for r in self.results for _, cell in r.cells)

    def result(self, variant: VariantRef, scenario: Scenario) -> ScenarioResult:
        return next(r for r in self.results
                    if r.variant == variant and r.scenario == scenario)
