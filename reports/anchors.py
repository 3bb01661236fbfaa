"""The formal anchors: what the published ProVerif (LTE) and Tamarin (5G) handover models
report, as data with their citations, and which claim of this report asks the same question.

Only the published side is written here; the report shows it next to the verdicts it
evaluated (``cells``), never a hoverify verdict typed in. docs/anchors.md gives the reasoning
row by row, with the ``hoverify`` commands behind each verdict. A claim named here that the
report does not evaluate (an authentication claim not built yet) is shown as not judged.
"""

from __future__ import annotations

from dataclasses import dataclass

from hoverify.reports.data import Cell, ReportData
from hoverify.reports.scenarios import REFERENCE

# What a published model reports for a query kind.
ATTACK = "attack found"
PROVED = "proved"
NOT_ASKED = "not asked"
NOT_CLAIMED = "not claimed"  # the lemmas name it as an exception: they hold only without it


@dataclass(frozen=True)
class Model:
    tool: str
    paper: str
    repository: str
    files: str


PROVERIF = Model(
    "ProVerif", "R. Miller, I. Boureanu, Z. Sun, Formal Analysis of Security of LTE Handovers: "
    "Pre- & Post-Compromise (long version, LongVersion.pdf in the repository)",
    "rhys-john-miller/4G_Handover_Verification",
    "X2/X2.pv, S1/S1.pv (one session), X2/X2_ndevices.pv, S1/S1_ndevices.pv (unbounded "
    "sessions), X2/X2_backwardSecrecy.pv")
TAMARIN = Model(
    "Tamarin", "A. Peltonen, R. Sasse, D. Basin, A Comprehensive Formal Analysis of 5G "
    "Handover (WiSec 2021)", "tamarin-prover/tamarin-prover",
    "examples/wisec21-5G-handover/intra-5G/xn/5G_handover.spthy, "
    "examples/wisec21-5G-handover/intra-5G/n2/5G_handover.spthy")
MODELS = (PROVERIF, TAMARIN)


@dataclass(frozen=True)
class Finding:
    """One model's published answer: ``verdict`` is ATTACK, PROVED, NOT_ASKED or
    NOT_CLAIMED."""

    verdict: str
    where: str  # queries or lemmas, and the published table


@dataclass(frozen=True)
class Anchor:
    kind: str  # the query kind: how its row in docs/anchors.md's table begins
    proverif: Finding
    tamarin: Finding
    claims: tuple[str, ...]  # the claims of this report that ask it (maybe not built yet)
    scenarios: tuple[str, ...]  # report scenarios (reports/scenarios.py) whose cells answer
    why: str  # why the answers may differ


ANCHORS: tuple[Anchor, ...] = (
    Anchor("aliveness / correspondence",
           Finding(ATTACK, "X2 and S1 queries 1-3 and 4 (Tables 1, 2)"),
           Finding(NOT_ASKED, "no measurement report in the models"),
           ("aliveness",), ("x2", "s1"),
           "ProVerif sends the measurement report in clear and unauthenticated; in LTE it is "
           "integrity protected on SRB1 (TS 33.401 7.4), and a source eNB may decide a "
           "handover without one"),
    Anchor("non-injective agreement on KeNB*",
           Finding(ATTACK, "X2 and S1 queries 5-7 (Tables 1, 2); S1 query 10 holds"),
           Finding(PROVED, "implied by the injective agreement lemmas"),
           ("agreement", "ue-agreement", "key-agreement"), ("x2", "s1"),
           "ProVerif's HO command travels in clear, so the attacker forges it; the real one "
           "is integrity protected with the source's KRRCint (hoverify executes it); "
           "key-agreement judges only paths with no adversary action"),
    Anchor("injective agreement",
           Finding(ATTACK, "X2 queries 8-9, S1 queries 8-9, unbounded sessions (Tables 1, 2)"),
           Finding(PROVED, "injectiveagreement_* lemmas (Xn, N2), barring reveals"),
           ("injective-agreement",), ("x2", "s1"),
           "signed backhaul messages replay in ProVerif; Tamarin's secure channels refuse "
           "replays, as NDS/IP's anti-replay does (TS 33.210)"),
    Anchor("secrecy against a network attacker",
           Finding(NOT_ASKED, "no separate query; KeNB* and NH travel signed, not "
                              "encrypted, on the public channel"),
           Finding(PROVED, "secret_k_gnb, secret_k_gnb_star (Xn, N2), barring reveals"),
           ("forward-security", "backward-security"), ("backhaul-open",),
           "ProVerif's backhaul has integrity only; Tamarin's and hoverify's default one is "
           "confidential (NDS/IP, TS 33.210); with the backhaul unprotected hoverify is in "
           "ProVerif's situation: the network reads KeNB* on X2 and NH on S1"),
    Anchor("root key compromise (KASME / K_AMF, K_SEAF)",
           Finding(ATTACK, "X2/X2_backwardSecrecy.pv, Table 3: X2 fails, S1 not checked"),
           Finding(NOT_CLAIMED, "secret_k_gnb, secret_k_gnb_star except a K_AMF reveal"),
           ("forward-security", "backward-security"), ("kasme-revealed",),
           "every KeNB after a KASME reveal follows from public inputs (TS 33.401 A.3-A.5); "
           "hoverify judges it outside the promise, as Tamarin lists the reveal as an "
           "exception"),
    Anchor("compromise of the UE or an MME",
           Finding(NOT_ASKED, "not modelled"),
           Finding(NOT_CLAIMED, "every lemma excepts reveals at its honest parties"),
           ("forward-security", "backward-security", "agreement"),
           ("ue-compromised", "mme-compromised"),
           "no published verdict to compare with; TS 33.401 promises nothing against a "
           "compromised UE or MME, which hold the keys by design"),
    Anchor("forward security in TS 33.501's sense",
           Finding(ATTACK, "Table 3, X2 (called backward security there); S1 not checked"),
           Finding(PROVED, "secret_k_gnb_star: only a reveal of the parent key (K_gNB "
                           "horizontal, NH vertical) gives K_gNB*"),
           ("forward-security",), ("x2", "s1", "race"),
           "all find the first X2 hop derivable by its source; hoverify's 2-hop promise on X2 "
           "is Tamarin's horizontal/vertical split, and the race is beyond both"),
    Anchor("backward security in TS 33.501's sense",
           Finding(NOT_ASKED, "no query for earlier keys"),
           Finding(PROVED, "secret_k_gnb: a later key's reveal is no exception"),
           ("backward-security",), ("x2", "s1"),
           "the KDF is one-way (TS 33.220 B.2)"),
)


def cells(data: ReportData, anchor: Anchor) -> tuple[tuple[str, str, Cell], ...] | None:
    """The reference variant's evaluated cells for the anchor's claims in its scenarios:
    (claim, scenario, cell), for the claims and scenarios this report has; None when the
    report did not run the reference variant."""
    if REFERENCE not in data.variants:
        return None
    scenarios = [s for s in data.scenarios if s.name in anchor.scenarios]
    return tuple((claim, scenario.name, data.result(REFERENCE, scenario).cell(claim))
                 for claim in anchor.claims if claim in data.claims for scenario in scenarios)
