"""The standard scenario set of ``hoverify report``: data only.

Each scenario is a hop string as ``hoverify check --hops`` takes it. Without ``compromises``
the claims are checked against the default attackers of ``hoverify.properties.evaluate`` (each hop's
source eNB and target eNB, compromised from that hop on): a compromised eNB at every
position. With ``compromises`` they are checked against that one attacker, as
``hoverify check --compromise WHO@HOP`` does: an eNB, the UE, an MME, or KASME revealed.
``backhaul_unprotected`` opens S1, X2 and S10 to the network attacker, as
``hoverify check --backhaul-unprotected`` does (the ProVerif models' assumption).

Variants are the built-in ones; ``seed-fs`` appears once per placement of its notification
bit (the seed leaves the placement "FFS", section 3 step 9).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Scenario:
    name: str  # used in file names and anchors
    hops: str
    title: str  # how the conclusion names it (the report's Scenarios table gives it by name)
    compromises: tuple[tuple[str, int], ...] = ()  # (party or key, from hop); () = default
    backhaul_unprotected: bool = False  # S1, X2, S10 active too (default: NDS/IP, TS 33.401 11)


@dataclass(frozen=True)
class VariantRef:
    name: str  # a built-in variant, or the name a reviewer's variant file gives its variant
    bit_placement: str | None = None
    file: str | None = None  # the reviewer's variant file (`--variant-file`)

    @property
    def label(self) -> str:
        return f"{self.name}/{self.bit_placement}" if self.bit_placement else self.name

    @property
    def slug(self) -> str:
        """The label as a file and anchor name."""
        return re.sub(r"[^A-Za-z0-9._-]", "-", self.label)


SCENARIOS: tuple[Scenario, ...] = (
    # Two hops: an n-hop promise breaks only on a KeNB n handovers after the compromise
    # (``Claim.handovers_to_break``), and TS 33.401 7.2.8.4.2 gives X2 2-hop forward security
    Scenario("x2", "x2,x2", "x2 hops"),
    Scenario("s1", "s1", "s1 hops"),
    Scenario("s1-inter", "s1-inter", "s1-inter hops"),
    Scenario("intra-enb", "intra-enb", "intra-enb hops"),
    # Ten hops: ts33401 derives its eighth NH at hop 8, so the NCC wraps 7 -> 0 there.
    Scenario("chain", "s1,x2,s1-inter,x2,s1,s1,x2,s1-inter,s1,x2",
             "the 10-hop chain through an NCC wrap"),
    Scenario("race", "x2,x2:early,x2", "the Path Switch race"),
    Scenario("replay", "x2,x2:replay", "x2,x2 with hop 1's HandoverRequest replayed"),
    Scenario("enb-1-compromised", "x2,s1,s1-inter",
             "x2,s1,s1-inter with enb-1 compromised from hop 1", compromises=(("enb-1", 1),)),
    # What the formal anchors ask beyond a compromised eNB (reports/anchors.py): a network
    # attacker on the backhaul, a root-key reveal, a compromised UE or MME.
    Scenario("backhaul-open", "x2,s1", "x2,s1 with the backhaul unprotected",
             backhaul_unprotected=True),
    Scenario("kasme-revealed", "x2,s1", "x2,s1 with KASME revealed from hop 1",
             compromises=(("KASME", 1),)),
    Scenario("ue-compromised", "x2,s1", "x2,s1 with the UE compromised from hop 1",
             compromises=(("ue", 1),)),
    Scenario("mme-compromised", "x2,s1", "x2,s1 with mme-1 compromised from hop 1",
             compromises=(("mme-1", 1),)),
    # An active source: compromised enb-1 names itself as the Target ID of its S1AP
    # HandoverRequired (TS 36.413 9.1.5.1), reads the HandoverRequest and refuses it, for a
    # cell it does not serve (8.4.2.3); the UE, still at enb-1, is then handed to the cell it
    # measured (docs/limits.md)
    Scenario("target-id",
             "s1-inter@enb-5/cell-1:edit=HandoverRequired/target eNB='enb-1',"
             "s1-inter@enb-5/cell-1",
             "s1-inter with compromised enb-1 naming itself as Target ID",
             compromises=(("enb-1", 1),)),
    # the same within one MME (enb-3 has no X2 link to enb-1: an S1 hop): the seed promises
    # forward security on S1 too, and its KeNB*+ leaks alike (a newcomer read the conclusion's
    # "fixes forward-security on s1 hops" as true of S1 under this attack)
    Scenario("target-id-s1",
             "s1@enb-3/cell-1:edit=HandoverRequired/target eNB='enb-1',s1@enb-3/cell-1",
             "s1 with compromised enb-1 naming itself as Target ID",
             compromises=(("enb-1", 1),)),
    # the same leak once the UE comes back: compromised enb-5, serving the UE after hop 1, names
    # itself as the Target ID of hop 2 and refuses it; the UE, still at enb-5, goes to enb-1 on
    # the KeNB*+ enb-5 read (hop 3), then back to enb-5 (hop 4), which now knows a KeNB earlier
    # than its own: backward security broken as forward security's failure on the same key
    # (the conclusion's FORMER_SERVING)
    Scenario("target-id-back",
             "s1-inter@enb-5/cell-1,s1-inter@enb-1/cell-1:edit=HandoverRequired/target "
             "eNB='enb-5',s1-inter@enb-1/cell-1,s1-inter@enb-5/cell-1",
             "s1-inter back to compromised enb-5 after it named itself as Target ID",
             compromises=(("enb-5", 2),)),
)

BASELINE = VariantRef("tr33821-v070")
PROPOSAL = "seed-fs"
PLACEMENTS = ("nas", "alg-id", "c-rnti")
REFERENCE = VariantRef("ts33401")
VARIANTS: tuple[VariantRef, ...] = (
    BASELINE, *(VariantRef(PROPOSAL, p) for p in PLACEMENTS), REFERENCE)

# The short bounded exploration of each variant: `hoverify verify` with this bound.
VERIFY_MAX_HANDOVERS = 1
VERIFY_FAULTS = ("compromise", "drop")

# The key graph and derivability table of each variant are drawn for this scenario, with
# the closure of this attacker (the source eNB of hop 1, compromised from hop 1) in red.
REPRESENTATIVE = "chain"
QUESTION = "s1-inter"  # the seed's question: forward security on inter-MME S1 hops
GRAPH_ATTACKER = ("source", 1)
