"""downgrade35: downgrade-resistance is monotone in the attacker. Its promise is made against
a compromised source eNB, the one that edits the HO command it relays and the
HandoverRequired or HandoverRequest it sends (TS 33.401 7.2.8; /work/shared/spec
handover-keys.md section 7: a downgrade puts the UE and an honest target on a KeNB the
attacker derives). A coalition that also holds a revealed key (KASME, K_HO), the UE or an
MME derives the honest KeNB of a hop anyway, so the edits are not a downgrade for it; but its
eNBs alone still break the promise where they broke it without that party. Users read exit 0
as "secure": one more party must never make a broken promise disappear.

The cases are a sample of a seeded sweep (random variants of tests/attack_variants and
tests/broken_variants, 1-4 random hops, a source eNB and up to two more compromises) in which
the weaker attacker fails downgrade-resistance, promised."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest

from hoverify.cli import main

TESTS = Path(__file__).parent

# (variant file, hops, seed, compromises that fail downgrade-resistance, promised)
CASES = [
    ("attack_variants/capability_low_bit.py", "s1-inter,s1-inter", 7, ("enb-1@1", "enb-2@1")),
    ("attack_variants/presence_omitted.py", "intra-enb,s1-inter", 2, ("enb-1@1", "enb-5@2")),
    ("attack_variants/capability_bytes.py", "s1,s1", 31, ("enb-1@1", "enb-3@1")),
    ("attack_variants/capability_bitmap.py", "s1-inter,x2,x2,s1", 62, ("enb-1@1",)),
    ("broken_variants/bit_unprotected.py", "intra-enb,s1,s1", 22, ("enb-3@3",)),
    ("broken_variants/bit_unprotected.py", "x2,x2,x2,s1-inter", 61, ("enb-4@4",)),
]
# beside the eNBs of the run: a revealed key, the UE, an MME (docs/claims.md, coalitions)
OTHERS = ("KASME", "K_HO", "ue", "mme-1", "mme-2")


def _downgrade(variant: str, hops: str, seed: int,
               compromises: tuple[str, ...]) -> tuple[int, dict[str, object], list[dict]]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(["check", "--variant-file", str(TESTS / variant), "--hops", hops,
                     "--seed", str(seed), "--json",
                     *(a for c in compromises for a in ("--compromise", c))])
    doc = json.loads(out.getvalue())
    return code, next(c for c in doc["claims"] if c["name"] == "downgrade-resistance"), \
        doc["hops"]


@pytest.mark.parametrize(("variant", "hops", "seed", "weak"), CASES)
def test_adding_a_party_never_hides_a_broken_downgrade_promise(
        variant: str, hops: str, seed: int, weak: tuple[str, ...]) -> None:
    code, claim, run = _downgrade(variant, hops, seed, weak)
    assert code == 1 and claim["promise_broken"], claim
    enbs = sorted({h[end] for h in run for end in ("source_enb", "target_enb")})
    for party in (*OTHERS, *enbs):
        for hop in sorted({1, len(run)}):
            added = f"{party}@{hop}"
            if added in weak:
                continue
            code, stronger, _ = _downgrade(variant, hops, seed, (*weak, added))
            assert code == 1 and stronger["promise_broken"], (added, stronger)
