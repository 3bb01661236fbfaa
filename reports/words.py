"""Phrases that the Markdown and the HTML page share."""

from __future__ import annotations

from reports.data import Bounded
from reports.scenarios import Scenario

LEGEND = ("Cells: **holds**; **FAILS (promised)**: the variant promises the claim and it "
          "fails; *fails (not promised)*; vacuous: promised, but the situation it speaks of "
          "never arose in that run; n/a: no verdict (the claim does not apply). For "
          "forward security, *n-hop* is the smallest n for which keys n or more hops after "
          "the attacker's last legitimate KeNB are safe in that run; ≥ when the run ends "
          "before n is reached. A failing cell links to its counterexample.")
VARIANT_ERROR_LEGEND = ("**variant-error**: a variant hook (or the model) raised during that "
                        "run, which stopped there, so no claim has a verdict; the cell links "
                        "to the hook, the exception and the step. It fails `hoverify report` "
                        "(exit 1).")
DERIVABILITY = ("Each eNB and MME compromised (alone, with a radio observer) from the hop in "
                "which it first takes part: *serves*, it held that KeNB as the serving eNB; "
                "**derives**, it can compute it.")

BOUNDED = ("Every interleaving within a small bound, not a sample (`hoverify verify`): from "
           "initial AS security on the small topology of `hoverify explore` (or the one the "
           "bound names), every order of "
           "delivery, every message dropped or not, any one eNB compromised at any step. "
           "Each claim violated gets its shortest counterexample, replayable step by step; "
           "none means: no violation in that many states, bound exhausted.")


def attacker_text(scenario: Scenario) -> str:
    return (", ".join(f"{e} compromised from hop {h}" for e, h in scenario.compromises)
            or "each hop's source and target eNB, compromised from that hop on")


def plain(text: str) -> str:
    """Markdown emphasis removed."""
    return text.replace("**", "").replace("*", "")


def sometimes_text(bounded: Bounded) -> str:
    """How often each claim's situation arose within the bound, and the vacuous ones."""
    text = "Sometimes (transitions in which each claim's situation arose): " + ", ".join(
        f"{claim} {n}" for claim, n in bounded.sometimes) + "."
    if bounded.vacuous:
        text += (" Promised but vacuous (never exercised within the bound): "
                 + "; ".join(bounded.vacuous) + ".")
    return text
