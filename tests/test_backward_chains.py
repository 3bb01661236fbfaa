"""Backward security judges a chain of attackers at once (``check`` compromises an eNB again
at every hop it serves in, and those attackers know nested sets: ``Facts.chains``): what an
event makes earlier, and the summary's verdicts, are those of each attacker asked alone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hoverify.properties.attacker import Attacker
from hoverify.properties.claims import BackwardSecurity, _Back, _deriving
from hoverify.properties.engine import Event, Facts
from hoverify.properties.evaluate import evaluate
from hoverify.properties.hop_list import hop_list
from hoverify.statemachines.scenario import parse_hops, run_scenario
from hoverify.statemachines.topology import small_topology
from hoverify.statemachines.variants import load

from hoverify.variant_file import load_variant_file

TESTS = Path(__file__).parent
MIXED = ",".join(("x2", "s1", "s1-inter", "intra-enb") * 6) + ",x2,x2:early,x2,s1,x2:early"
# the UE back and forth between enb-1, enb-2 and enb-3 of the small topology
BACK = ("x2@enb-2/cell-1,x2@enb-1/cell-1,x2@enb-2/cell-1,x2@enb-3/cell-1,s1@enb-1/cell-2,"
        "intra-enb@enb-1/cell-1,x2@enb-2/cell-1,s1-inter@enb-4/cell-1,s1-inter@enb-1/cell-1,"
        "x2@enb-2/cell-1,x2@enb-1/cell-2")
RUNS = [("ts33401", MIXED, False), ("seed-fs", MIXED, False), ("tr33821-v070", MIXED, False),
        ("ts33401", f"{BACK},{BACK}", True), ("seed-fs", f"{BACK},{BACK}", True),
        # backward security fails: some attackers derive the KeNBs an event makes earlier
        ("broken_variants/source_sends_kenb.py", MIXED, False),
        ("broken_variants/nh_from_kenb.py", f"{BACK},{BACK}", True)]


def _schedule(variant: str) -> Any:
    return load_variant_file(TESTS / variant) if variant.endswith(".py") else load(variant)


def _run(variant: str, hops: str, small: bool) -> Any:
    return run_scenario(_schedule(variant), parse_hops(hops),
                        topology=small_topology() if small else None)


def _alone(claim: BackwardSecurity, event: Event, facts: Facts) -> dict[str, list[int]]:
    """Per attacker, by name: the KeNBs the KeNB of its own that the event gave one of its
    eNBs made earlier, as ``earlier`` reads them for that attacker alone: those of ``earlier``
    as if that KeNB were its last one of its own, less those as if the one before were
    (``_ends``), for each attacker holding that eNB and knowing that KeNB."""
    arrived = claim._arrived(event, facts)
    found: dict[str, list[int]] = {}
    if arrived is None:
        return found
    kenb, enb = arrived[:2]
    for a in facts.attackers:
        if enb not in a.entities or kenb not in a.known:
            continue
        gaps = claim._gaps_of(facts, a.entities)
        i = max(i for i, s in enumerate(gaps.services) if s[:4] == arrived)
        (before_was, between_was), (before_now, between_now) = (
            claim._ends(a, gaps, i), claim._ends(a, gaps, i + 1))
        more = gaps.before[before_was:before_now] + gaps.between[between_was:between_now]
        if more:
            found[a.name] = more
    return found


@pytest.mark.parametrize(("variant", "hops", "small"), RUNS)
def test_backward_groups_what_an_event_makes_earlier_as_for_each_attacker_alone(
        monkeypatch: pytest.MonkeyPatch, variant: str, hops: str, small: bool) -> None:
    """At every event, the groups of attackers ``_back`` finds per chain give each attacker
    the KeNBs it makes earlier for that attacker alone, and those that derive one of them
    (``_deriving``) are those that know one; a group has more than two on average."""
    found: list[_Back] = []
    shared = BackwardSecurity._back

    def checked(claim: BackwardSecurity, event: Event, facts: Facts) -> list[_Back]:
        groups = shared(claim, event, facts)
        names = [facts.attackers[n].name for b in groups for n in b.places]
        assert len(names) == len(set(names))
        assert {facts.attackers[n].name: b.more for b in groups for n in b.places} == _alone(
            claim, event, facts)
        for b in groups:
            assert _deriving(facts, b) == tuple(
                n for n in b.places
                if any(facts.completions[j].kenb in facts.attackers[n].known for j in b.more))
        found.extend(groups)
        return groups

    monkeypatch.setattr(BackwardSecurity, "_back", checked)
    evaluate(_run(variant, hops, small))
    # tr33821-v070: no event makes a KeNB earlier for an attacker, alone or grouped
    assert sum(len(b.places) for b in found) > 2 * len(found) or variant == "tr33821-v070"


@pytest.mark.parametrize(("variant", "hops", "small"), RUNS)
def test_backward_summary_judges_each_attacker_as_alone(variant: str, hops: str,
                                                        small: bool) -> None:
    """The summary's verdicts, their earlier KeNBs and what derives them found once per chain,
    are those of each attacker alone: it fails where it derives an earlier KeNB
    (``_derivable``), else holds over ``earlier``; with a coalition too."""
    run = _run(variant, hops, small)
    schedule = _schedule(variant)
    for attacker in (None, Attacker.holding({"enb-1", "KASME"}, 1)):
        facts = evaluate(run, attacker).facts
        claim = BackwardSecurity(schedule, run.topology)
        verdicts = {v.attacker: v for v in claim.summary(None, facts, {})}
        alone = {a.name: (claim.earlier(facts, a), claim._derivable(facts, a))
                 for a in facts.attackers}
        assert set(verdicts) == {name for name, (earlier, _) in alone.items() if earlier}
        for name, v in verdicts.items():
            earlier, derivable = alone[name]
            assert v.holds == (not derivable)
            assert (hop_list(earlier) if v.holds else hop_list(derivable)) in v.detail
        if attacker is None and "broken" in variant:
            assert not all(v.holds for v in verdicts.values())
