"""Reviewer-defined variants: a catalogue of deliberately broken variants must each be
flagged on the claim it breaks, the built-in variants must not be (no false alarms), and the
loader must turn any malformed file into a one-line error."""

from __future__ import annotations

import inspect
import json
import shlex
import tempfile
from pathlib import Path

import pytest
from hoverify.properties.analysis import Analysis
from hoverify.properties.attacker import Attacker
from hoverify.properties.claims import (
    AGREEMENT,
    BACKWARD,
    CONFINEMENT,
    DOWNGRADE,
    FORWARD,
    KEY_AGREEMENT,
    SECRECY,
    SEPARATION,
    UE_AGREEMENT,
)
from hoverify.properties.crosscheck import recompute
from hoverify.properties.evaluate import evaluate
from hoverify.statemachines.scenario import parse_hops, run_scenario
from hoverify.statemachines.variant import KeySchedule
from hoverify.statemachines.variants import load
from hypothesis import given
from hypothesis import strategies as st

from hoverify.cli import main
from hoverify.variant_file import (
    HOOKS,
    VariantFileError,
    _check_overlaps,
    load_variant_file,
)

BROKEN = Path(__file__).parent / "broken_variants"
EXAMPLES = Path(__file__).parent.parent / "examples"
SCENARIOS = ("x2,x2,x2", "x2,s1,s1-inter,intra-enb,x2,s1", "s1,s1,x2,s1-inter,intra-enb",
             "s1,x2,s1,s1-inter,s1,x2,s1,s1")  # NH(8) on the 7th: the NCC wraps (7.2.8.1.1)
CATALOGUE = {
    "kenb_star_without_pci.py": {SEPARATION},
    "kenb_star_without_earfcn.py": {SEPARATION},
    "nh_from_kenb.py": {FORWARD},
    "ue_skips_ncc_catch_up.py": {KEY_AGREEMENT},
    "mme_reuses_nh.py": {FORWARD},
    "k_ho_constant.py": {FORWARD},
    "bit_unprotected.py": {DOWNGRADE},
    "no_path_switch_refresh.py": {FORWARD},
    "source_sends_kenb.py": {SEPARATION, BACKWARD},
    "krrcenc_equals_krrcint.py": {SEPARATION},
    "rrc_keys_without_kenb.py": {KEY_AGREEMENT, SECRECY, AGREEMENT, UE_AGREEMENT},
    "kenb_star_from_public_values.py": {SECRECY},
    "ue_catch_up_without_wrap.py": {KEY_AGREEMENT},
    "target_mme_sends_a_pair_it_does_not_keep.py": {KEY_AGREEMENT},
    "k_ho_is_the_initial_kenb.py": {CONFINEMENT},
    "initial_kenb_from_k_ho.py": {CONFINEMENT},
    "kupenc_from_a_constant.py": {SECRECY},
    "target_admits_only_a_fresh_nh.py": {KEY_AGREEMENT},
}


def broken_claims(variant: KeySchedule) -> set[str]:
    flagged: set[str] = set()
    for hops in SCENARIOS:
        evaluation = evaluate(run_scenario(variant, parse_hops(hops)))
        flagged |= {c.name for c in evaluation.claims if c.promise_broken}
    return flagged


def test_catalogue_has_at_least_eight_broken_variants() -> None:
    assert len(CATALOGUE) >= 8
    assert {p.name for p in BROKEN.glob("*.py")} == set(CATALOGUE)


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_every_broken_variant_is_flagged_on_its_claim(name: str) -> None:
    variant = load_variant_file(str(BROKEN / name))
    assert CATALOGUE[name] <= broken_claims(variant)


PUBLIC_KENB_STAR = str(BROKEN / "kenb_star_from_public_values.py")


def test_a_kenb_the_radio_observer_derives_fails_one_hop_in_every_command(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """review48: a KeNB* derived from the PCI and EARFCN-DL alone (TS 33.401 A.5 without its
    key) passed `check --hops x2`, exit 0: no claim judged an attacker without a compromise,
    and the only sign was the last line, "KeNB derivable by a radio observer alone".
    key-secrecy fails, promised, in check, verify and explore, its witness the KDF step
    from the public values."""
    assert main(["check", "--variant-file", PUBLIC_KENB_STAR, "--hops", "x2"]) == 1
    out = capsys.readouterr().out
    block = out[out.index("\nkey-secrecy"):out.index("\nbackward-security")]
    assert "FAILS (promised)" in block and "from public values alone" in block, block
    assert "= KDF(PCI=4, FC=0x13, EARFCN-DL=68600)" in block, block
    for command in (["verify", "--max-handovers", "1"], ["explore", "--examples", "20"]):
        assert main([*command, "--variant-file", PUBLIC_KENB_STAR,
                     "--out", str(tmp_path / command[0]), "--json"]) == 1
        found = {f["claim"]: f for f in json.loads(capsys.readouterr().out)["findings"]}
        assert found[SECRECY]["promised"], found[SECRECY]


SECRECY_ON_S1_ONLY = """\
from dataclasses import dataclass, replace
from hoverify.statemachines.topology import HopType
from hoverify.statemachines.variant import Promise
from hoverify.statemachines.variants.ts33401 import Ts33401
from hoverify.variant_file import load_variant_file
BROKEN = load_variant_file(%r)
@dataclass(frozen=True)
class V(type(BROKEN)):
    name: str = "secrecy-on-s1-only"
    def promises(self):
        return tuple(replace(p, hop_types=frozenset({HopType.S1, HopType.S1_INTER}))
                     if p.claim == "key-secrecy" else p for p in super().promises())
VARIANT = V()
"""


def test_key_secrecy_is_promised_by_the_hop_type_of_the_handover_it_judges(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """review49: key-secrecy judges the keys the UE puts in use at the HO command, before the
    handover completes; it took the promise of the last completed hop's type (none at hop 1:
    any promise), so a variant promising it on S1 alone broke its promise on an X2 hop."""
    path = tmp_path / "secrecy_on_s1_only.py"
    path.write_text(SECRECY_ON_S1_ONLY % PUBLIC_KENB_STAR)
    assert main(["check", "--variant-file", str(path), "--hops", "x2"]) == 0
    assert "key-secrecy             fails (not promised)" in capsys.readouterr().out
    # on s1,x2 the X2 hop's KeNB breaks the S1 hop's promise of forward security (enb-1,
    # compromised, derives it: anyone does), not key-secrecy's
    main(["check", "--variant-file", str(path), "--hops", "s1,x2"])
    assert "key-secrecy             fails (not promised)" in capsys.readouterr().out


KENB_TAKEN_AS_PUBLIC = """\
from dataclasses import dataclass
from hoverify.statemachines.derivation import public
from hoverify.statemachines.variants.ts33401 import Ts33401
@dataclass(frozen=True)
class V(Ts33401):
    name: str = "kenb-taken-as-public"
    def as_keys(self, d, kenb, ncc):
        d.kdf("tag", "a KeNB labelled public", public("KeNB", kenb), 0x50)
        return super().as_keys(d, kenb, ncc)
VARIANT = V()
"""


def test_a_kenb_some_derivation_takes_as_public_is_named_with_that_derivation(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """review49: a KeNB that another derivation labels public(...) is known to the radio
    observer, and so is every key derived from it; key-secrecy named the RRC and UP keys
    alone, and its witness began at the KeNB's derivation from KASME, which the observer
    lacks. It names the KeNB, and the derivation that takes it as public (at set-up, where
    the MME's as_keys takes it so first)."""
    path = tmp_path / "kenb_taken_as_public.py"
    path.write_text(KENB_TAKEN_AS_PUBLIC)
    assert main(["check", "--variant-file", str(path), "--hops", "x2"]) == 1
    out = capsys.readouterr().out
    block = out[out.index("\nkey-secrecy"):out.index("\nbackward-security")]
    assert "derives KeNB[hop 0], a KeNB of the UE's, from public values alone" in block, block
    assert "KeNB[hop 0] is taken as public by: tag = KDF(KeNB=" in block, block
    # the last line, by the same definition (it said "hops: none")
    assert out.rstrip().endswith("KeNB derivable by a radio observer alone at the end of the "
                                 "run, hops: [0, 1]"), out[-300:]


# helper-159: key-secrecy's own test of an AS key labelled public, and its restart from the
# first derivation when a value turns public late, each passed the suite when taken out
KRRCINT_TAKEN_AS_PUBLIC = """\
from dataclasses import dataclass
from hoverify.statemachines.derivation import public
from hoverify.statemachines.variants.ts33401 import Ts33401
@dataclass(frozen=True)
class V(Ts33401):
    name: str = "krrcint-taken-as-public"
    def as_keys(self, d, kenb, ncc):
        keys = super().as_keys(d, kenb, ncc)
        d.kdf("tag", "KRRCint labelled public", public("KRRCint", keys.krrc_int), 0x50)
        return keys
VARIANT = V()
"""
KASME_TAKEN_AS_PUBLIC_LATE = """\
from dataclasses import dataclass
from hoverify.statemachines.derivation import public
from hoverify.statemachines.variants.ts33401 import Ts33401
@dataclass(frozen=True)
class V(Ts33401):
    name: str = "kasme-taken-as-public-late"
    def path_switch(self, d, mme):
        d.kdf("tag", "KASME labelled public", public("KASME", mme.kasme), 0x50)
        return super().path_switch(d, mme)
VARIANT = V()
"""


def test_an_rrc_key_some_derivation_takes_as_public_fails_key_secrecy(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """No KeNB is known, only KRRCint, which a derivation labels public(...): the radio
    observer holds it, and key-secrecy names it and the derivation that takes it so."""
    path = tmp_path / "krrcint_taken_as_public.py"
    path.write_text(KRRCINT_TAKEN_AS_PUBLIC)
    assert main(["check", "--variant-file", str(path), "--hops", "x2"]) == 1
    out = capsys.readouterr().out
    block = out[out.index("\nkey-secrecy"):out.index("\nbackward-security")]
    assert ("FAILS (promised): the radio observer derives the UE's KRRCint from public values "
            "alone") in block, block
    assert "KRRCint is taken as public by: tag = KDF(KRRCint=" in block, block
    assert out.rstrip().endswith("hops: none"), out[-300:]


def test_a_kasme_taken_as_public_after_its_keys_were_used_opens_them_all(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """KASME turns public only at the Path Switch of hop 1, after KeNB[hop 0] (A.3 from
    KASME) and KeNB[hop 1] (A.5 from it) were in use: the radio observer derives both, as
    the run's last line says, by the same definition."""
    path = tmp_path / "kasme_taken_as_public_late.py"
    path.write_text(KASME_TAKEN_AS_PUBLIC_LATE)
    assert main(["check", "--variant-file", str(path), "--hops", "x2"]) == 1
    out = capsys.readouterr().out
    block = out[out.index("\nkey-secrecy"):out.index("\nbackward-security")]
    assert ("hop 1, -: FAILS (promised): the radio observer derives KeNB[hop 0] and KeNB[hop "
            "1], KeNBs of the UE's, from public values alone") in block, block
    assert "KASME is taken as public by: tag[hop 1] = KDF(KASME=" in block, block
    assert out.rstrip().endswith("KeNB derivable by a radio observer alone at the end of the "
                                 "run, hops: [0, 1]"), out[-300:]


def test_the_key_graph_gives_the_radio_observer_a_kenb_some_derivation_takes_as_public(
        tmp_path: Path) -> None:
    """A secret value that another derivation labels public(...) is every attacker's, in the
    key graph as in key-secrecy (``Facts.public``): the graph's closure, which the downgrade
    search and the report's charts read, dropped it where it was first recorded as a key.
    The radio observer derives the KeNB of hop 0 and, from it and the target cell's public
    PCI and EARFCN-DL, the horizontal KeNB of the X2 hop; the real KDF recomputes both."""
    path = tmp_path / "kenb_taken_as_public.py"
    path.write_text(KENB_TAKEN_AS_PUBLIC)
    analysis = Analysis.of(run_scenario(load_variant_file(path), parse_hops("x2")))
    observer = Attacker()
    assert analysis.derivable(observer, 0) and analysis.derivable(observer, 1)
    for hop in (0, 1):
        assert recompute(analysis, observer, analysis.kenb_node(hop)) == analysis.kenb[hop]


def test_a_finding_of_the_initial_as_security_has_a_check_line_and_replays(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """review49: RRC keys derived from a public constant break key-secrecy at the initial AS
    security (hop 0), before any action: verify's finding had 0 steps, "no check line: it
    starts no handover", and replay refused its file ("the trace is empty"). Every check
    judges hop 0, so one hop reproduces it; replay runs the set-up and judges it again."""
    broken = str(BROKEN / "rrc_keys_without_kenb.py")
    assert main(["verify", "--variant-file", broken, "--max-handovers", "1", "--json",
                 "--out", str(tmp_path)]) == 1
    [found] = [f for f in json.loads(capsys.readouterr().out)["findings"]
               if f["claim"] == SECRECY]
    assert found["trace"] == [] and found["check"], found
    assert main(shlex.split(found["check"])[1:]) == 1
    assert "key-secrecy             FAILS (promised)" in capsys.readouterr().out
    assert main(["replay", found["file"]]) == 1
    assert capsys.readouterr().out.rstrip().endswith("reproduced")


OLD_KENB_TAKEN_AS_PUBLIC = """\
from dataclasses import dataclass
from hoverify.statemachines.derivation import public
from hoverify.statemachines.variants.ts33401 import Ts33401
@dataclass(frozen=True)
class V(Ts33401):
    name: str = "old-kenb-taken-as-public"
    def source_enb(self, d, keys, target, hop):
        d.kdf("tag", "the serving KeNB labelled public", public("KeNB", keys.as_keys.kenb), 0x50)
        return super().source_enb(d, keys, target, hop)
VARIANT = V()
"""


def test_a_kenb_taken_as_public_after_its_use_breaks_key_secrecy(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """review49: key-secrecy judged keys only as the UE put them in use. Here the source eNB,
    deciding an S1 handover, labels its serving KeNB public; the UE's new KeNB comes from NH
    (TS 33.401 7.2.8.4.3), which rests on KASME, but what KeNB[hop 0] protected is readable
    from then on."""
    path = tmp_path / "old_kenb_taken_as_public.py"
    path.write_text(OLD_KENB_TAKEN_AS_PUBLIC)
    assert main(["check", "--variant-file", str(path), "--hops", "s1"]) == 1
    out = capsys.readouterr().out
    block = out[out.index("\nkey-secrecy"):out.index("\nbackward-security")]
    assert "FAILS (promised): the radio observer derives KeNB[hop 0], a KeNB of the UE's" in (
        block), block


def test_verify_names_the_ncc_wrap_its_bound_cannot_reach(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """review48: a UE whose NH catch-up forgets the modulo breaks key agreement only once the
    NCC wraps, at NH(8), seven handovers after set-up (TS 33.401 7.2.8.1.1); `verify` at
    fewer handovers found nothing and said nothing of the wrap. It says so, with the
    `check` line that runs one, and that line breaks the promise."""
    broken = str(BROKEN / "ue_catch_up_without_wrap.py")
    assert main(["verify", "--variant-file", broken, "--max-handovers", "1",
                 "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    [said, _] = [line for line in out.splitlines() if line.startswith("not reached within")]
    assert "an NCC wrap" in said and "7 s1 handovers on" in said, said
    command = said[said.index("`hoverify check ") + 1:said.rindex("`")]
    assert main(shlex.split(command)[1:]) == 1
    assert "key-agreement           FAILS (promised)" in capsys.readouterr().out
    # review49: on a topology with no S1 neighbour, X2 hops, whose NH serves the handover
    # after them (TS 33.401 7.2.8.4.2): the wrap is met at the 8th, past a bound of 7
    x2_only = str(Path(__file__).parent / "data" / "dryrun39" / "x2_only.toml")
    assert main(["verify", "--variant-file", broken, "--max-handovers", "1", "--topology",
                 x2_only, "--out", str(tmp_path), "--json"]) == 0
    [said] = json.loads(capsys.readouterr().out)["not_reached"]
    assert "8 x2 handovers on" in said, said
    command = said[said.index("`hoverify check ") + 1:said.rindex("`")]
    assert main(shlex.split(command)[1:]) == 1
    capsys.readouterr()


def test_verify_names_the_handover_after_an_inter_mme_one_its_topology_lacks(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """helper-151: a target MME that sends another {NH, NCC} than it keeps (TS 33.401
    7.2.8.4.3) breaks key agreement at the next handover through that MME; the small
    topology's second MME has one eNB and one cell, so `verify` there never met one and said
    "no violation ..., bound exhausted". It says what it cannot reach, with the `check`
    line, on the default topology, that breaks the promise."""
    broken = str(BROKEN / "target_mme_sends_a_pair_it_does_not_keep.py")
    assert main(["verify", "--variant-file", broken, "--max-handovers", "2",
                 "--out", str(tmp_path), "--json"]) == 0
    [_, said] = json.loads(capsys.readouterr().out)["not_reached"]
    assert said.startswith("a handover after an inter-MME one: "), said
    command = said[said.index("`hoverify check ") + 1:said.rindex("`")]
    assert main(shlex.split(command)[1:]) == 1
    assert "key-agreement           FAILS (promised)" in capsys.readouterr().out
    # helper-154: on the default topology, where one follows, a bound of one handover has none
    assert main(["verify", "--variant-file", broken, "--max-handovers", "1", "--topology",
                 "default", "--out", str(tmp_path), "--json"]) == 0
    [_, said] = json.loads(capsys.readouterr().out)["not_reached"]
    assert "(it needs 2 handovers)" in said and "--topology default" in said, said
    command = said[said.index("`hoverify check ") + 1:said.rindex("`")]
    assert main(shlex.split(command)[1:]) == 1
    capsys.readouterr()


# TR 33.821 v0.7.0's KeNB* is "a one way hash over the current KeNB and the physical cell ID"
# (the seed's section 2, which seed-fs keeps): it promises key separation by the PCI (and the
# C-RNTI in KeNB_new), not by the EARFCN-DL, which TS 33.401 A.5 added; tests/test_engine.py
# shows two cells sharing a PCI getting the same KeNB* from it. Its key-separation failure is
# not a broken promise (tests/test_claims.py), so no built-in variant breaks one.


@pytest.mark.parametrize(("name", "placement"),
                         [("ts33401", None), ("tr33821-v070", None), ("seed-fs", "nas")])
def test_built_in_variants_raise_no_false_alarm(name: str, placement: str | None) -> None:
    assert broken_claims(load(name, placement)) == set()


@pytest.mark.parametrize(("name", "placement"),
                         [("ts33401", None), ("tr33821-v070", None), ("seed-fs", "nas")])
def test_built_in_variants_make_one_promise_per_claim_and_hop_type(
        name: str, placement: str | None) -> None:
    _check_overlaps(name, load(name, placement).promises())  # what a variant file is held to


def test_example_5g_n2_variant_loads_and_keeps_its_promises() -> None:
    variant = load_variant_file(str(EXAMPLES / "n2_5g.py"))
    assert broken_claims(variant) == set()


BAD_FILES = {
    "missing.py": None,
    "syntax.py": "x = (\n",
    "nul_byte.py": "x = 1\x00\n",  # helper-258: was named "nul_byte.py:None: syntax error"
    "no_variant.py": "X = 1\n",
    "variant.txt": "X = 1\n",  # a name importlib finds no loader for
    "wrong_type.py": "VARIANT = 3\n",
    "raises.py": "raise RuntimeError('boom')\n",
    "no_promises.py": (
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.variants.ts33401 import Ts33401\n"
        "@dataclass(frozen=True)\nclass V(Ts33401):\n    name: str = 'v'\n"
        "    def promises(self):\n        return ()\nVARIANT = V()\n"),
    "unknown_claim.py": (
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.variant import Promise\n"
        "from hoverify.statemachines.variants.ts33401 import Ts33401\n"
        "@dataclass(frozen=True)\nclass V(Ts33401):\n    name: str = 'v'\n"
        "    def promises(self):\n        return (Promise('secrecy'),)\nVARIANT = V()\n"),
    "unknown_assumption.py": (
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.variant import Promise\n"
        "from hoverify.statemachines.variants.ts33401 import Ts33401\n"
        "@dataclass(frozen=True)\nclass V(Ts33401):\n    name: str = 'v'\n"
        "    def promises(self):\n"
        "        return (Promise('key-agreement', assumes=frozenset({'no-attacker'})),)\n"
        "VARIANT = V()\n"),
    # helper-152: key separation judges the binding to the PCI and the EARFCN-DL alone; a
    # name it cannot judge (or none) turned a broken promise into "not promised", exit 0
    "binds_lower_case.py": (
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.variant import Promise\n"
        "from hoverify.statemachines.variants.ts33401 import Ts33401\n"
        "@dataclass(frozen=True)\nclass V(Ts33401):\n    name: str = 'v'\n"
        "    def promises(self):\n"
        "        return (Promise('key-separation', binds=frozenset({'pci'})),)\n"
        "VARIANT = V()\n"),
    "binds_c_rnti.py": (
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.variant import Promise\n"
        "from hoverify.statemachines.variants.ts33401 import Ts33401\n"
        "@dataclass(frozen=True)\nclass V(Ts33401):\n    name: str = 'v'\n"
        "    def promises(self):\n"
        "        return (Promise('key-separation', binds=frozenset({'PCI', 'C-RNTI'})),)\n"
        "VARIANT = V()\n"),
    "binds_nothing.py": (
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.variant import Promise\n"
        "from hoverify.statemachines.variants.ts33401 import Ts33401\n"
        "@dataclass(frozen=True)\nclass V(Ts33401):\n    name: str = 'v'\n"
        "    def promises(self):\n"
        "        return (Promise('key-separation', binds=frozenset()),)\n"
        "VARIANT = V()\n"),
    "binds_a_string.py": (  # helper-154: read "got {'PCI'}; did you mean 'PCI'?"
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.variant import Promise\n"
        "from hoverify.statemachines.variants.ts33401 import Ts33401\n"
        "@dataclass(frozen=True)\nclass V(Ts33401):\n    name: str = 'v'\n"
        "    def promises(self):\n"
        "        return (Promise('key-separation', binds='PCI'),)\n"
        "VARIANT = V()\n"),
    "no_hop_types.py": (
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.variant import Promise\n"
        "from hoverify.statemachines.variants.ts33401 import Ts33401\n"
        "@dataclass(frozen=True)\nclass V(Ts33401):\n    name: str = 'v'\n"
        "    def promises(self):\n"
        "        return (Promise('forward-security', frozenset(), hops=1),)\n"
        "VARIANT = V()\n"),
    "unknown_key.py": (
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.variants.ts33401 import Ts33401\n"
        "@dataclass(frozen=True)\nclass V(Ts33401):\n    name: str = 'v'\n"
        "    def path_switch(self, d, mme):\n        return mme, (('NextHop', b'x' * 32),)\n"
        "VARIANT = V()\n"),
    "stateful.py": (  # review46: verify, explore and report crashed on it, check judged it
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.variants.ts33401 import Ts33401\n"
        "CALLS = [0]\n"
        "@dataclass(frozen=True)\nclass V(Ts33401):\n    name: str = 'v'\n"
        "    def kenb_star(self, d, key, key_name, target):\n"
        "        CALLS[0] += 1\n"
        "        pci = target.pci if CALLS[0] % 3 else 0\n"
        "        return d.kenb_star(key, key_name, pci, target.earfcn_dl)\n"
        "VARIANT = V()\n"),
    "unfrozen.py": (  # review46: said only "cannot inherit non-frozen dataclass ..."
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.variants.ts33401 import Ts33401\n"
        "@dataclass\nclass V(Ts33401):\n    name: str = 'v'\nVARIANT = V()\n"),
    "wrong_return.py": (
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.variants.ts33401 import Ts33401\n"
        "@dataclass(frozen=True)\nclass V(Ts33401):\n    name: str = 'v'\n"
        "    def target_enb(self, d, fields, target, c_rnti, hop):\n"
        "        return 'key', 0, ()\nVARIANT = V()\n"),
    "smuggled_kasme.py": (
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.derivation import public, secret\n"
        "from hoverify.statemachines.variants.tr33821_v070 import Tr33821V070\n"
        "SEEN = {}\n"
        "@dataclass(frozen=True)\nclass V(Tr33821V070):\n    name: str = 'v'\n"
        "    def initial_kenb(self, d, kasme, count):\n"
        "        SEEN['kasme'] = kasme\n        return super().initial_kenb(d, kasme, count)\n"
        "    def target_enb(self, d, fields, target, c_rnti, hop):\n"
        "        k = d.kdf('KeNB', 'x', secret('KASME', SEEN['kasme']), 0xF1)\n"
        "        return k, None, ()\nVARIANT = V()\n"),
    "old_ue_hook.py": (
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.variants.ts33401 import Ts33401\n"
        "@dataclass(frozen=True)\nclass V(Ts33401):\n    name: str = 'v'\n"
        "    def ue(self, d, ue, command, target, c_rnti):\n"
        "        return super().ue(d, ue, command, target, target, c_rnti)\n"
        "VARIANT = V()\n"),
    # helper-263/267: a nonce the hook computes, labelled secret, was told to be derived "only
    # from the hook's own arguments", which it was (docs/variants.md: it is public)
    "nonce_labelled_secret.py": (
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.derivation import secret\n"
        "from hoverify.statemachines.variants.ts33401 import Ts33401\n"
        "@dataclass(frozen=True)\nclass V(Ts33401):\n    name: str = 'v'\n"
        "    def target_enb(self, d, fields, target, c_rnti, hop):\n"
        "        kenb, ncc, sent = super().target_enb(d, fields, target, c_rnti, hop)\n"
        "        nonce = c_rnti.to_bytes(2, 'big') * 8\n"
        "        return d.kdf('KeNB', 'proposal', secret('KeNB*', kenb), 0x1F,\n"
        "                     secret('NONCE', nonce)), ncc, sent\n"
        "VARIANT = V()\n"),
    # helper-263, a delegate's first variant: the interface's arguments in another order
    # bind (hooks are called by position), so target took the source cell; it read as a
    # broken key agreement
    # helper-263: "promises() raised AttributeError: X3" named no hop type to write
    "hop_type_unknown.py": (
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.topology import HopType\n"
        "from hoverify.statemachines.variant import Promise\n"
        "from hoverify.statemachines.variants.ts33401 import Ts33401\n"
        "@dataclass(frozen=True)\nclass V(Ts33401):\n    name: str = 'v'\n"
        "    def promises(self):\n"
        "        return (Promise('key-agreement', frozenset({HopType.X3})),)\n"
        "VARIANT = V()\n"),
    "ue_cells_swapped.py": (
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.variants.ts33401 import Ts33401\n"
        "@dataclass(frozen=True)\nclass V(Ts33401):\n    name: str = 'v'\n"
        "    def ue(self, d, ue, command, target, source, c_rnti):\n"
        "        return super().ue(d, ue, command, source, target, c_rnti)\n"
        "VARIANT = V()\n"),
    "target_enb_cell_first.py": (
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.variants.ts33401 import Ts33401\n"
        "@dataclass(frozen=True)\nclass V(Ts33401):\n    name: str = 'v'\n"
        "    def target_enb(self, d, fields, c_rnti, target, hop):\n"
        "        return super().target_enb(d, fields, target, c_rnti, hop)\n"
        "VARIANT = V()\n"),
    # the MME sends the NH count unwrapped: blamed on the MME's hook, not the eNB's
    "ncc_unwrapped.py": (
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.variant import MmeKeys\n"
        "from hoverify.statemachines.variants.ts33401 import Ts33401\n"
        "@dataclass(frozen=True)\nclass V(Ts33401):\n    name: str = 'v'\n"
        "    def fresh_next_hop(self, d, mme):\n"
        "        chain = self.next_nh(d, mme.kasme, mme.chain)\n"
        "        return MmeKeys(mme.kasme, chain), (('NH', chain.value),\n"
        "                                           ('NCC', chain.derivations))\n"
        "VARIANT = V()\n"),
    # review48: the source MME's KASME' was dropped silently; the target MME took the old
    # KASME (TS 33.401 keeps KASME on intra-LTE handover; TS 33.501 A.13's K_AMF' is 5G's)
    "kasme_changed.py": (
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.derivation import secret\n"
        "from hoverify.statemachines.variant import MmeKeys\n"
        "from hoverify.statemachines.variants.ts33401 import Ts33401\n"
        "@dataclass(frozen=True)\nclass V(Ts33401):\n    name: str = 'v'\n"
        "    def source_mme(self, d, mme, hop, fields):\n"
        "        keys, sent = super().source_mme(d, mme, hop, fields)\n"
        "        prime = d.kdf('KASME', 'prime', secret('KASME', mme.kasme), 0x19)\n"
        "        return MmeKeys(prime, keys.chain), sent\n"
        "VARIANT = V()\n"),
    # review48: a public identity labelled secret read as a value its party never held
    "pci_labelled_secret.py": (
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.derivation import secret\n"
        "from hoverify.statemachines.variants.ts33401 import Ts33401\n"
        "@dataclass(frozen=True)\nclass V(Ts33401):\n    name: str = 'v'\n"
        "    def kenb_star(self, d, key, key_name, target):\n"
        "        if key_name == 'NH':\n"
        "            return super().kenb_star(d, key, key_name, target)\n"
        "        return d.kdf('KeNB*', 'A.5', secret('PCI', target.pci.to_bytes(2, 'big')),\n"
        "                     0x13, secret(key_name, key))\n"
        "VARIANT = V()\n"),
    "built_in_name.py": (
        "from hoverify.statemachines.variants.ts33401 import Ts33401\nVARIANT = Ts33401()\n"),
    # review16: a name that is a report column's page ("seed-fs/nas" had two columns and a
    # false conclusion) or a path ("../x" wrote finding files elsewhere); any case
    "report_column_name.py": (
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.variants.ts33401 import Ts33401\n"
        "@dataclass(frozen=True)\nclass V(Ts33401):\n    name: str = 'seed-fs/nas'\n"
        "VARIANT = V()\n"),
    "report_page_name.py": (
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.variants.ts33401 import Ts33401\n"
        "@dataclass(frozen=True)\nclass V(Ts33401):\n    name: str = 'Seed-FS-nas'\n"
        "VARIANT = V()\n"),
    "path_name.py": (
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.variants.ts33401 import Ts33401\n"
        "@dataclass(frozen=True)\nclass V(Ts33401):\n    name: str = '../escaped'\n"
        "VARIANT = V()\n"),
    # reviewer 8's b2.py: an int in the IE that carries KeNB* (256 bits, X2AP
    # key-eNodeB-star) is a wrong return type, not a variant-error of the eNB that reads it
    "key_field_int.py": (
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.variants.seed_fs import SeedFs\n"
        "@dataclass(frozen=True)\nclass V(SeedFs):\n    name: str = 'v'\n"
        "    def target_mme(self, d, mme, hop, fields):\n"
        "        return (('KeNB*', 5),), (('notification bit', 1),)\nVARIANT = V()\n"),
    # helper-251: kenb_star (a derivation the built-in hooks call) returning an int was
    # told as "source_enb() returned a KeNB* of type int ...", the hook that called it, with
    # no line; it is named itself and at its line, as its None and its short key are
    **{f"kenb_star_returns_{label}.py": (
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.variants.ts33401 import Ts33401\n"
        "@dataclass(frozen=True)\nclass V(Ts33401):\n    name: str = 'v'\n"
        f"    def kenb_star(self, d, key, key_name, target):\n        return {value}\n"
        "VARIANT = V()\n")
       for label, value in (("int", "42"), ("none", "None"), ("16_octets", "bytes(16)"))},
    # helper-251: a str was told as "promises() declares nothing"
    "promises_a_string.py": (
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.variants.ts33401 import Ts33401\n"
        "@dataclass(frozen=True)\nclass V(Ts33401):\n    name: str = 'v'\n"
        "    def promises(self):\n        return 'everything'\nVARIANT = V()\n"),
    # review22's bad/shortkey.py: a KeNB cut to 16 octets was told as "a KeNB of bytes
    # b'\\xe7\\n\\x19...\\xe, not 32 octets" (the repr cut mid-escape, no length)
    "short_kenb.py": (
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.variants.ts33401 import Ts33401\n"
        "@dataclass(frozen=True)\nclass V(Ts33401):\n    name: str = 'v'\n"
        "    def target_enb(self, d, fields, target, c_rnti, hop):\n"
        "        kenb, ncc, out = super().target_enb(d, fields, target, c_rnti, hop)\n"
        "        return kenb[:16], ncc, out\nVARIANT = V()\n"),
    "short_key_field.py": (
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.variants.seed_fs import SeedFs\n"
        "@dataclass(frozen=True)\nclass V(SeedFs):\n    name: str = 'v'\n"
        "    def target_mme(self, d, mme, hop, fields):\n"
        "        return (('KeNB*', bytes(16)),), (('notification bit', 1),)\nVARIANT = V()\n"),
    # reviewer 8's b10.py: a stronger X2 promise added beside ts33401's 2-hop one was
    # silently ignored (the first promise found was judged)
    "overlapping_promises.py": (
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.variant import Promise\n"
        "from hoverify.statemachines.variants.ts33401 import NOT_THROUGH_MME, Ts33401\n"
        "@dataclass(frozen=True)\nclass V(Ts33401):\n    name: str = 'v'\n"
        "    def promises(self):\n"
        "        return (*super().promises(),\n"
        "                Promise('forward-security', NOT_THROUGH_MME, hops=1))\n"
        "VARIANT = V()\n"),
    # the review's item: K_HO declared delegated, derived as K_HOx: `--compromise K_HO@1`
    # revealed nothing and confinement, finding no K_HO, was vacuous
    "delegated_key_misnamed.py": (
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.derivation import public, secret\n"
        "from hoverify.statemachines.variants.seed_fs import SeedFs\n"
        "@dataclass(frozen=True)\nclass V(SeedFs):\n    name: str = 'v'\n"
        "    def k_ho(self, d, kasme):\n"
        "        return d.kdf('K_HOx', 'x', secret('KASME', kasme), 0xF2,\n"
        "                     public('Handover String', b'Handover String'))\n"
        "VARIANT = V()\n"),
    # review28's typo.py: a misspelled hook was never called, so the file judged as ts33401
    # (exit 0) and the proposal looked secure
    "misspelled_hook.py": (
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.variants.ts33401 import Ts33401\n"
        "@dataclass(frozen=True)\nclass V(Ts33401):\n    name: str = 'v'\n"
        "    def sourse_enb(self, d, keys, target, hop):\n        return keys, ()\n"
        "VARIANT = V()\n"),
    # a misspelled method of the built-in it extends (ts33401's A.5 derivation)
    "misspelled_base_method.py": (
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.variants.ts33401 import Ts33401\n"
        "@dataclass(frozen=True)\nclass V(Ts33401):\n    name: str = 'v'\n"
        "    def kenb_stra(self, d, key, key_name, target):\n"
        "        return d.kenb_star(key, key_name, target.pci, 0)\n"
        "VARIANT = V()\n"),
    "misspelled_field.py": (
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.variants.ts33401 import Ts33401\n"
        "@dataclass(frozen=True)\nclass V(Ts33401):\n    name: str = 'v'\n"
        "    titel: str = 'my proposal'\nVARIANT = V()\n"),
    # text38: a promise of a misspelt claim names the claim meant
    "misspelled_promise.py": (
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.variant import Promise\n"
        "from hoverify.statemachines.variants.ts33401 import NOT_THROUGH_MME, Ts33401\n"
        "@dataclass(frozen=True)\nclass V(Ts33401):\n    name: str = 'v'\n"
        "    def promises(self):\n"
        "        return (Promise('forward-securty', NOT_THROUGH_MME, hops=1),)\n"
        "VARIANT = V()\n"),
    # review28's nodeco.py: without the decorator `name` is a class attribute that the
    # inherited __init__ overwrites, so the error named 'ts33401', a name never written
    "no_dataclass.py": (
        "from hoverify.statemachines.variants.ts33401 import Ts33401\n"
        "class Mine(Ts33401):\n    name: str = 'mine'\nVARIANT = Mine()\n"),
    # review28's noneret.py: "source_mme() returned 'NoneType' object is not subscriptable"
    "hook_returns_none.py": (
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.variants.ts33401 import Ts33401\n"
        "@dataclass(frozen=True)\nclass V(Ts33401):\n    name: str = 'v'\n"
        "    def source_mme(self, d, mme, hop, fields):\n"
        "        self.fresh_next_hop(d, mme)\nVARIANT = V()\n"),
    # a return type that allows None inside a tuple (int | None) is no licence for None
    "target_enb_returns_none.py": (
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.variants.ts33401 import Ts33401\n"
        "@dataclass(frozen=True)\nclass V(Ts33401):\n    name: str = 'v'\n"
        "    def target_enb(self, d, fields, target, c_rnti, hop):\n"
        "        super().target_enb(d, fields, target, c_rnti, hop)\n"
        "VARIANT = V()\n"),
    "hook_returns_two_of_three.py": (
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.variants.ts33401 import Ts33401\n"
        "@dataclass(frozen=True)\nclass V(Ts33401):\n    name: str = 'v'\n"
        "    def target_enb(self, d, fields, target, c_rnti, hop):\n"
        "        return super().target_enb(d, fields, target, c_rnti, hop)[:2]\n"
        "VARIANT = V()\n"),
    "hook_returns_four_of_three.py": (
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.variants.ts33401 import Ts33401\n"
        "@dataclass(frozen=True)\nclass V(Ts33401):\n    name: str = 'v'\n"
        "    def target_enb(self, d, fields, target, c_rnti, hop):\n"
        "        return (*super().target_enb(d, fields, target, c_rnti, hop), ())\n"
        "VARIANT = V()\n"),
    # an NCC of True passed as 1 and the target eNB's own codec refused it: a key-agreement
    # failure reported as a finding, not the wrong type of a hook (TS 36.331: 3 bits)
    "ncc_a_bool.py": (
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.variants.ts33401 import Ts33401\n"
        "@dataclass(frozen=True)\nclass V(Ts33401):\n    name: str = 'v'\n"
        "    def target_enb(self, d, fields, target, c_rnti, hop):\n"
        "        kenb, ncc, out = super().target_enb(d, fields, target, c_rnti, hop)\n"
        "        return kenb, True, out\n"
        "VARIANT = V()\n"),
    # helper-161: a target eNB cannot tell an inter-MME S1 handover from an intra-MME one
    # (TS 36.413 9.1.5.4 HANDOVER REQUEST carries no such IE), so the model gives target_enb
    # HopType.S1 for both, and this branch would never run
    "target_enb_inter_mme.py": (
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.topology import HopType\n"
        "from hoverify.statemachines.variants.ts33401 import Ts33401\n"
        "@dataclass(frozen=True)\nclass V(Ts33401):\n    name: str = 'v'\n"
        "    def target_enb(self, d, fields, target, c_rnti, hop):\n"
        "        if hop is HopType.S1_INTER:\n"
        "            raise ValueError('inter-MME')\n"
        "        return super().target_enb(d, fields, target, c_rnti, hop)\n"
        "VARIANT = V()\n"),
    # helper-161 again, the hop type written as its value
    "target_enb_inter_mme_string.py": (
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.variants.ts33401 import Ts33401\n"
        "@dataclass(frozen=True)\nclass V(Ts33401):\n    name: str = 'v'\n"
        "    def target_enb(self, d, fields, target, c_rnti, hop):\n"
        "        if hop == 's1-inter':\n"
        "            raise ValueError('inter-MME')\n"
        "        return super().target_enb(d, fields, target, c_rnti, hop)\n"
        "VARIANT = V()\n"),
    # a misspelt attribute without annotation is named at its line
    "misspelled_plain_attribute.py": (
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.variants.ts33401 import Ts33401\n"
        "@dataclass(frozen=True)\nclass V(Ts33401):\n    name: str = 'v'\n"
        "    titel = 'my proposal'\n"
        "VARIANT = V()\n"),
    # parameters name finding files and the report: str to str
    "parameters_an_int.py": (
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.variants.ts33401 import Ts33401\n"
        "@dataclass(frozen=True)\nclass V(Ts33401):\n    name: str = 'v'\n"
        "    def __post_init__(self):\n"
        "        object.__setattr__(self, 'parameters', {'rounds': 1})\n"
        "VARIANT = V()\n"),
    # promises() is asked before the dry run: its exception is bad input
    "promises_raises.py": (
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.variants.ts33401 import Ts33401\n"
        "@dataclass(frozen=True)\nclass V(Ts33401):\n    name: str = 'v'\n"
        "    def promises(self):\n"
        "        raise RuntimeError('not yet')\n"
        "VARIANT = V()\n"),
    # docs/variants.md: a string such as 's1' is refused as a hop type
    "hop_types_strings.py": (
        "from hoverify.statemachines.variant import Promise\n"
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.variants.ts33401 import Ts33401\n"
        "@dataclass(frozen=True)\nclass V(Ts33401):\n    name: str = 'v'\n"
        "    def promises(self):\n"
        "        return (Promise('forward-security', frozenset({'s1'}), hops=1),)\n"
        "VARIANT = V()\n"),
    # docs/variants.md: hops is positive (0-hop forward security is none)
    "hops_zero.py": (
        "from hoverify.statemachines.variant import Promise\n"
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.variants.ts33401 import Ts33401\n"
        "@dataclass(frozen=True)\nclass V(Ts33401):\n    name: str = 'v'\n"
        "    def promises(self):\n"
        "        return (Promise('forward-security', hops=0),)\n"
        "VARIANT = V()\n"),
    # two promises of one claim side by side
    "adjacent_promises.py": (
        "from hoverify.statemachines.variant import Promise\n"
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.variants.ts33401 import Ts33401\n"
        "@dataclass(frozen=True)\nclass V(Ts33401):\n    name: str = 'v'\n"
        "    def promises(self):\n"
        "        return (Promise('key-agreement'), Promise('key-agreement', why='twice'))\n"
        "VARIANT = V()\n"),
    # a bool is no NCC in a message either (TS 36.331: 3 bits)
    "ncc_field_a_bool.py": (
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.variants.ts33401 import Ts33401\n"
        "@dataclass(frozen=True)\nclass V(Ts33401):\n    name: str = 'v'\n"
        "    def target_mme(self, d, mme, hop, fields):\n"
        "        to_enb, to_ue = super().target_mme(d, mme, hop, fields)\n"
        "        return tuple(('NCC', True) if n == 'NCC' else (n, v) for n, v in to_enb), to_ue\n"
        "VARIANT = V()\n"),
    # an NCC is 0..7 (TS 36.331 nextHopChainingCount)
    "negative_ncc.py": (
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.variants.ts33401 import Ts33401\n"
        "@dataclass(frozen=True)\nclass V(Ts33401):\n    name: str = 'v'\n"
        "    def target_enb(self, d, fields, target, c_rnti, hop):\n"
        "        kenb, ncc, out = super().target_enb(d, fields, target, c_rnti, hop)\n"
        "        return kenb, -1, out\n"
        "VARIANT = V()\n"),
    # an NCC is 0..7: the target eNB's own count, unwrapped
    "target_enb_ncc_8.py": (
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.variants.ts33401 import Ts33401\n"
        "@dataclass(frozen=True)\nclass V(Ts33401):\n    name: str = 'v'\n"
        "    def target_enb(self, d, fields, target, c_rnti, hop):\n"
        "        kenb, ncc, out = super().target_enb(d, fields, target, c_rnti, hop)\n"
        "        return kenb, 8, out\n"
        "VARIANT = V()\n"),
    # the UE's NH chain is an NhChain (or None), not its {NH, NCC} pair
    "ue_chain_a_tuple.py": (
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.variants.ts33401 import Ts33401\n"
        "@dataclass(frozen=True)\nclass V(Ts33401):\n    name: str = 'v'\n"
        "    def ue(self, d, ue, command, source, target, c_rnti):\n"
        "        kenb, ncc, chain = super().ue(d, ue, command, source, target, c_rnti)\n"
        "        return kenb, ncc, (chain.value, ncc) if chain else None\n"
        "VARIANT = V()\n"),
    # docs/variants.md: path_switch keeps KASME, as source_mme does (review48)
    "path_switch_kasme_changed.py": (
        "from hoverify.statemachines.derivation import secret\n"
        "from hoverify.statemachines.variant import MmeKeys\n"
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.variants.ts33401 import Ts33401\n"
        "@dataclass(frozen=True)\nclass V(Ts33401):\n    name: str = 'v'\n"
        "    def path_switch(self, d, mme):\n"
        "        keys, sent = super().path_switch(d, mme)\n"
        "        prime = d.kdf('KASME', 'prime', secret('KASME', mme.kasme), 0x19)\n"
        "        return MmeKeys(prime, keys.chain), sent\n"
        "VARIANT = V()\n"),
    # the target MME's chain is an NhChain (or None)
    "received_chain_a_tuple.py": (
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.variants.ts33401 import Ts33401\n"
        "@dataclass(frozen=True)\nclass V(Ts33401):\n    name: str = 'v'\n"
        "    def received_chain(self, nh, ncc):\n"
        "        return nh, ncc\n"
        "VARIANT = V()\n"),
    # the line that raised, not the line that called it
    "raises_in_a_function.py": "def boom():\n    raise RuntimeError('boom')\n\n\nboom()\n",
    # c_rnti_max() is asked when the model is set up, outside any entity: a bad answer was a
    # traceback (review12); newUE-Identity holds 16 bits (TS 36.331), 0 is no C-RNTI
    **{f"c_rnti_max_{label}.py": (
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.variants.ts33401 import Ts33401\n"
        "@dataclass(frozen=True)\nclass V(Ts33401):\n    name: str = 'v'\n"
        f"    def c_rnti_max(self):\n        {body}\n"
        "VARIANT = V()\n")
       for label, body in (("0", "return 0"), ("70000", "return 70000"),
                           ("bool", "return True"), ("str", "return 'x'"),
                           ("raises", "raise ValueError('no')"))},
}
# what the one line must say, where the file's item is easily mistaken
SAYS = {
    "variant.txt": "variant.txt: cannot be loaded as a Python module; give it a .py name\n",
    "no_variant.py": "no_variant.py: defines no VARIANT; end the file with `VARIANT = "
                     "YourSchedule()`\n",
    "nul_byte.py": "nul_byte.py: not Python source (source code string cannot contain null "
                   "bytes)\n",
    "binds_lower_case.py": "promise 'key-separation': binds must be a non-empty frozenset of "
                           "'PCI', 'EARFCN-DL' (the parts of the target cell's identity key "
                           "separation judges, TS 33.401 A.5), got frozenset({'pci'}); did "
                           "you mean 'PCI'?",
    "binds_c_rnti.py": "binds must be a non-empty frozenset of 'PCI', 'EARFCN-DL' (the parts "
                       "of the target cell's identity key separation judges, TS 33.401 A.5), "
                       "got frozenset({'C-RNTI', 'PCI'})\n",
    "binds_nothing.py": "binds must be a non-empty frozenset of 'PCI', 'EARFCN-DL'",
    "binds_a_string.py": "TS 33.401 A.5), got 'PCI'\n",
    "no_hop_types.py": "promise 'forward-security': hop_types is empty, so it promises nothing; "
                       "name the hop types it covers",
    "stateful.py": "stateful.py: the variant is not deterministic: run again with hops x2,s1,"
                   "s1-inter,intra-enb,x2,s1,x2,s1,x2,s1, it derived another KeNB* at step 5; a "
                   "hook must compute only from its arguments (no state kept between calls, no "
                   "randomness)",
    "unfrozen.py": "unfrozen.py:3: running the file raised TypeError: cannot inherit "
                   "non-frozen dataclass from a frozen one; write @dataclass(frozen=True), "
                   "as the variant it extends is declared",
    "report_column_name.py": "VARIANT.name 'seed-fs/nas': use letters, digits, '.', '_' and '-'",
    "report_page_name.py": "VARIANT.name 'Seed-FS-nas' is a built-in variant's (or one of its",
    "path_name.py": "VARIANT.name '../escaped': use letters",
    "delegated_key_misnamed.py": "delegated_keys() names 'K_HO', which no derivation of the "
                                 "dry run derives (derived from KASME: K_HOx, KeNB",
    "kasme_changed.py": "source_mme() returned MmeKeys with another KASME than the one it was "
                        "given: KASME stays the MME's for the whole run",
    "pci_labelled_secret.py": "from PCI, which it never held; the value is a public PCI: "
                              "label it public(...), not secret(...)",
    "ncc_unwrapped.py": "source_mme() returned field 'NCC' = 8",  # TS 36.331: 3 bits
    "c_rnti_max_70000.py": "c_rnti_max() returned 70000; return the largest C-RNTI",
    "misspelled_hook.py": "misspelled_hook.py:6: V.sourse_enb is no hook, redefines nothing "
                          "of the class it extends and is used nowhere in the file, so the "
                          "model never calls it; did you mean 'source_enb'?",
    "misspelled_base_method.py": "V.kenb_stra is no hook, redefines nothing of the class it "
                                 "extends and is used nowhere in the file, so the model never "
                                 "calls it; did you mean 'kenb_star'?",
    "misspelled_field.py": "misspelled_field.py:6: V.titel is no hook, redefines nothing of "
                           "the class it extends and is used nowhere in the file, so the "
                           "model never calls it; did you mean 'title'?",
    "misspelled_promise.py": "; did you mean 'forward-security'?\n",
    "no_dataclass.py": "no_dataclass.py:2: class Mine is not a dataclass, so its field "
                       "defaults are ignored (VARIANT.name is 'ts33401'); put "
                       "@dataclass(frozen=True)",
    "kenb_star_returns_int.py": ": kenb_star() returned a key of type int, not 32 octets "
                                "(bytes) (kenb_star_returns_int.py:6; dry run with hops ",
    "kenb_star_returns_none.py": ": kenb_star() returned None where Ts33401.kenb_star returns "
                                 "bytes (a `return` missing?) (kenb_star_returns_none.py:6; dry "
                                 "run with hops ",
    "kenb_star_returns_16_octets.py": ": kenb_star() returned a key of 16 octets (000000...), "
                                      "not 32 (kenb_star_returns_16_octets.py:6; dry run with "
                                      "hops ",
    "promises_a_string.py": ": promises() returned a str where it must return a tuple of "
                            "Promise(claim, hop_types, hops, why, assumes)\n",
    "no_promises.py": ": promises() declares nothing; return a tuple of Promise(...)",
    "hook_returns_none.py": "source_mme() returned None where it must return tuple[MmeKeys, "
                            "Fields] (a `return` missing?)",
    "target_enb_returns_none.py": "target_enb() returned None where it must return "
                                  "tuple[bytes, int | None, Fields] (a `return` missing?)",
    "hook_returns_two_of_three.py": "target_enb() returned a tuple of 2 where it must return "
                                    "tuple[bytes, int | None, Fields]",
    "hook_returns_four_of_three.py": "target_enb() returned a tuple of 4 where it must "
                                     "return tuple[bytes, int | None, Fields]",
    "ncc_a_bool.py": "target_enb() returned NCC True, not None or 0..7",
    "target_enb_inter_mme_string.py": "target_enb_inter_mme_string.py:7: V.target_enb names "
                                      "the s1-inter hop type",
    "misspelled_plain_attribute.py": "misspelled_plain_attribute.py:6: V.titel is no hook",
    "parameters_an_int.py": "VARIANT.parameters must map str to str\n",
    "promises_raises.py": "promises_raises.py:7: promises() raised RuntimeError: not yet\n",
    "hop_types_strings.py": "promise 'forward-security': hop_types must be a frozenset of "
                            "HopType\n",
    "hops_zero.py": "promise 'forward-security': hops must be a positive integer or None, got 0\n",
    "adjacent_promises.py": "promises 'key-agreement' twice on intra-enb, s1, s1-inter, x2 hops",
    "ncc_field_a_bool.py": "target_mme() returned field 'NCC' = True: an NCC is 3 bits, 0..7",
    "negative_ncc.py": "target_enb() returned NCC -1, not None or 0..7",
    "target_enb_ncc_8.py": "target_enb() returned NCC 8, not None or 0..7",
    "ue_chain_a_tuple.py": "ue() returned a tuple where a NhChain is expected",
    "path_switch_kasme_changed.py": "path_switch() returned MmeKeys with another KASME than "
                                    "the one it was given",
    "received_chain_a_tuple.py": "received_chain() returned a tuple where a NhChain is expected",
    "raises_in_a_function.py": "raises_in_a_function.py:2: running the file raised "
                               "RuntimeError: boom\n",
    "c_rnti_max_raises.py": "c_rnti_max() raised ValueError: no",
    "target_enb_inter_mme.py": "target_enb_inter_mme.py:8: V.target_enb names the s1-inter "
                               "hop type, which the model never gives it: S1AP HANDOVER "
                               "REQUEST (TS 36.413 9.1.5.4) does not tell a target eNB",
    "key_field_int.py": "target_mme() returned a KeNB* of type int, not 32 octets (bytes) in "
                        "field 'KeNB*'",
    "short_kenb.py": "target_enb() returned a KeNB of 16 octets (e70a19...), not 32; see",
    "short_key_field.py": "target_mme() returned a KeNB* of 16 octets (000000...), not 32 in "
                          "field 'KeNB*'",
    "nonce_labelled_secret.py": "from NONCE, which it never held; a secret input is a key the "
                                "hook was given or derived; a value it computes itself (a "
                                "nonce, say) is public(...): docs/variants.md",
    "hop_type_unknown.py": "promises() raised AttributeError: X3 (HopType has INTRA_ENB, X2, "
                           "S1 and S1_INTER)",
    "ue_cells_swapped.py": "ue(self, d, ue, command, target, source, c_rnti) takes target "
                           "where the interface passes source (arguments come by position); "
                           "define it as ue(self, d, ue, command, source, target, c_rnti)",
    "target_enb_cell_first.py": "takes c_rnti where the interface passes target",
    "overlapping_promises.py": "promises 'forward-security' twice on intra-enb, x2 hops: "
                               "Promise('forward-security', hops=2, assumes=['path-switch-"
                               "first'])",
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_variant_file_is_a_clear_error(name: str, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / name
    if BAD_FILES[name] is not None:
        path.write_text(BAD_FILES[name])
    code = main(["check", "--variant-file", str(path), "--hops", "s1"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"hoverify: error: {path}") and "Traceback" not in err
    assert err.count("\n") == 1
    assert SAYS.get(name, "") in err, err
    if name == "overlapping_promises.py":  # both named
        assert "and Promise('forward-security', hops=1);" in err, err


def test_a_file_that_is_not_text_is_one_line(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """docs/variants.md, Validation: a file that is not Python is told in one line (exit 2),
    a binary one (not UTF-8) included, never a traceback."""
    path = tmp_path / "binary.py"
    path.write_bytes(b"\xff\xfe\x00VARIANT")
    assert main(["check", "--variant-file", str(path), "--hops", "s1"]) == 2
    assert capsys.readouterr().err == (f"hoverify: error: {path}: not a text file; a variant "
                                       "file is Python source\n")


@given(st.text(max_size=200))
def test_loader_never_crashes_on_arbitrary_text(text: str) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "fuzzed.py"
        path.write_bytes(text.encode("utf-8", "replace"))
        try:
            load_variant_file(str(path))
        except VariantFileError as error:
            assert str(error).startswith(str(path))
        assert [p.name for p in Path(directory).iterdir()] == ["fuzzed.py"]  # wrote nothing


def test_the_example_in_the_docs_loads(tmp_path: Path) -> None:
    """docs/variants.md's first example is a file a reviewer may copy: it passes the loader."""
    text = (EXAMPLES.parent / "docs" / "variants.md").read_text()
    path = tmp_path / "mine.py"
    path.write_text(text.split("```python\n", 1)[1].split("```", 1)[0])
    assert load_variant_file(str(path)).name == "mine"


def test_the_docs_examples_promises(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """docs/variants.md: its first example inherits ts33401's promise that each KeNB is bound
    to the PCI and the EARFCN-DL (TS 33.401 A.5), so leaving the EARFCN-DL out breaks it
    (exit 1); its second promises the PCI alone, so the same run fails it unpromised (exit 0)."""
    blocks = (EXAMPLES.parent / "docs" / "variants.md").read_text().split("```python\n")
    for block, (code, verdict) in zip(blocks[1:3], ((1, "FAILS (promised)"),
                                                    (0, "fails (not promised)")), strict=True):
        path = tmp_path / "mine.py"
        path.write_text(block.split("```", 1)[0])
        assert main(["check", "--variant-file", str(path), "--hops", "s1,x2"]) == code
        line = next(line for line in capsys.readouterr().out.splitlines()
                    if line.startswith("key-separation "))
        assert verdict in line


def test_helpers_of_the_reviewers_own_are_allowed(tmp_path: Path) -> None:
    """The rule for misspellings (docs/variants.md) leaves a reviewer's own helpers alone: a
    public method the file's hooks call, a private one, a module-level function."""
    path = tmp_path / "helpers.py"
    path.write_text(
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.variants.ts33401 import Ts33401\n"
        "def the_pci(target):\n    return target.pci\n"
        "@dataclass(frozen=True)\nclass V(Ts33401):\n    name: str = 'v'\n"
        "    def binding(self, target):\n        return the_pci(target)\n"
        "    def _unused(self):\n        return None\n"
        "    def kenb_star(self, d, key, key_name, target):\n"
        "        return d.kenb_star(key, key_name, self.binding(target), target.earfcn_dl)\n"
        "VARIANT = V()\n")
    assert load_variant_file(str(path)).name == "v"


def test_a_public_method_named_in_a_getattr_is_a_helper(tmp_path: Path) -> None:
    """docs/variants.md, Names: a public method used by name anywhere in the file, as
    ``getattr(self, "binding")`` names it, is a helper of the reviewer's, not a misspelling."""
    path = tmp_path / "getattr_helper.py"
    path.write_text(
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.variants.ts33401 import Ts33401\n"
        "@dataclass(frozen=True)\nclass V(Ts33401):\n    name: str = 'v'\n"
        "    def binding(self, target):\n        return target.pci\n"
        "    def kenb_star(self, d, key, key_name, target):\n"
        "        pci = getattr(self, 'binding')(target)\n"
        "        return d.kenb_star(key, key_name, pci, target.earfcn_dl)\n"
        "VARIANT = V()\n")
    assert load_variant_file(str(path)).name == "v"


# review28's printing.py: a print() at import came before the JSON document on stdout
PRINTING = (
    "from dataclasses import dataclass\n"
    "from hoverify.statemachines.variants.ts33401 import Ts33401\n"
    "print('debug: loading')\n"
    "@dataclass(frozen=True)\nclass V(Ts33401):\n    name: str = 'printing'\n"
    "    def path_switch(self, d, mme):\n"
    "        print('debug: path switch')\n        return super().path_switch(d, mme)\n"
    # called by ts33401's own source_mme on an S1 hop (TS 33.401 7.2.8.4.3)
    "    def fresh_next_hop(self, d, mme):\n"
    "        print('debug: fresh NH')\n        return super().fresh_next_hop(d, mme)\n"
    "VARIANT = V()\n")


@pytest.mark.parametrize("hook_raises", [False, True])
def test_a_variant_that_prints_leaves_json_on_stdout(
        hook_raises: bool, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """What the variant prints, loading or in a hook, goes to stderr; a hook that raises
    is still the finding variant-error in the JSON (docs/variants.md)."""
    path = tmp_path / "printing.py"
    raising = "        raise ValueError('not yet')\n" if hook_raises else ""
    path.write_text(PRINTING.replace("        return super()", raising + "        return super()",
                                  1))  # path_switch's
    code = main(["check", "--variant-file", str(path), "--hops", "s1,x2", "--json"])
    out, err = capsys.readouterr()
    doc = json.loads(out)
    assert "debug: loading\n" in err and "debug: fresh NH\n" in err
    assert "debug: path switch\n" in err
    if hook_raises:  # TS 23.401 5.5.1.1.2: the MME answers the eNB's Path Switch Request
        assert code == 1 and doc["variant_error"]["hook"] == "path_switch"
        assert doc["variant_error"]["exception"] == "ValueError: not yet"
    else:
        assert code == 0 and doc["variant"] == "printing"


def test_a_hook_written_for_the_old_interface_is_named(tmp_path: Path) -> None:
    """The ``ue`` hook receives the serving cell (issue 16): a file whose ``ue`` lacks it is
    told the signature to write, before anything runs."""
    path = tmp_path / "old_ue_hook.py"
    path.write_text(BAD_FILES["old_ue_hook.py"])
    with pytest.raises(VariantFileError, match=r"define it as ue\(self, d, ue, command, "
                                               r"source, target, c_rnti\)"):
        load_variant_file(str(path))



@pytest.mark.parametrize("parameters", [
    "d, *args, c_rnti=None", "d, keys, command, source, target, c_rnti", "d, *rest",
    "d, ue, command, source, target, c_rnti, *, extra=1"])
def test_a_hook_whose_arguments_come_by_position_as_the_interface_passes_them_loads(
        parameters: str, tmp_path: Path) -> None:
    """Only a parameter that takes an argument by position can take another's (helper-267: a
    keyword-only c_rnti after *args was refused as taking command's place); names of one's
    own are free."""
    path = tmp_path / "v.py"
    path.write_text("from dataclasses import dataclass\n"
                    "from hoverify.statemachines.variants.ts33401 import Ts33401\n"
                    "@dataclass(frozen=True)\nclass V(Ts33401):\n    name: str = 'v'\n"
                    f"    def ue(self, {parameters}):\n"
                    "        return super().ue(d, *args, c_rnti) if False else None\n"
                    "VARIANT = V()\n")
    try:
        load_variant_file(str(path))
    except VariantFileError as error:
        assert "arguments come by position" not in str(error), error


def test_the_docs_give_each_hook_s_signature_as_the_interface_defines_it() -> None:
    """docs/variants.md lists the hooks' signatures (a delegate had to read the source for
    ``target_enb``'s return order, helper-263): the list is KeySchedule's, hook for hook."""
    text = (EXAMPLES.parent / "docs" / "variants.md").read_text()
    listed = text.split("<!-- signatures:")[1].split("```text\n")[1].split("```")[0]
    interface = [f"{hook}{inspect.signature(getattr(KeySchedule, hook))}".replace("'", "")
                 for hook in HOOKS]
    assert listed.splitlines() == interface


def test_bit_placement_applies_to_a_variant_file_built_on_seed_fs(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``--bit-placement`` reaches a reviewer's subclass of seed-fs (review14: it was refused),
    in check, verify and the replay of verify's finding; a variant without the parameter
    refuses it in one line."""
    k_ho_constant = str(BROKEN / "k_ho_constant.py")
    placed = load_variant_file(k_ho_constant, "c-rnti")
    # the seed's c-rnti placement: the bit in the MSB of the 16-bit field, eNBs allocate
    # 0x0001-0x7FFF (seed_fs module docstring, TS 36.331 newUE-Identity)
    assert placed.parameters == {"bit_placement": "c-rnti"} and placed.c_rnti_max() == 0x7FFF
    assert main(["check", "--variant-file", k_ho_constant, "--bit-placement", "alg-id",
                 "--hops", "s1-inter", "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["parameters"] == {"bit_placement": "alg-id"}
    assert main(["verify", "--variant-file", k_ho_constant, "--bit-placement", "alg-id",
                 "--max-handovers", "1", "--out", str(tmp_path), "--quiet"]) == 1
    capsys.readouterr()
    finding = next(tmp_path.glob("*-alg-id-forward-security.json"))
    assert main(["replay", str(finding), "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["reproduced"]
    x2_sends_nh = str(Path(__file__).parent / "attack_variants" / "x2_sends_nh.py")
    assert main(["check", "--variant-file", x2_sends_nh, "--bit-placement", "nas",
                 "--hops", "x2"]) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert "has no parameter 'bit_placement'" in line


def test_a_bit_placement_the_variant_itself_refuses_is_one_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A subclass of seed-fs keeps ``bit_placement`` (docs/variants.md); where its own
    ``__post_init__`` refuses a placement, as seed-fs refuses an unknown one (ValueError),
    ``--bit-placement`` is bad input told in one line (exit 2), with the variant's reason."""
    path = tmp_path / "nas_only.py"
    path.write_text(
        "from dataclasses import dataclass\n"
        "from hoverify.statemachines.variants.seed_fs import SeedFs\n"
        "@dataclass(frozen=True)\nclass V(SeedFs):\n    name: str = 'nas-only'\n"
        "    def __post_init__(self):\n        super().__post_init__()\n"
        "        if self.parameters['bit_placement'] != 'nas':\n"
        "            raise ValueError('the bit stays under NAS-MAC')\n"
        "VARIANT = V()\n")
    assert main(["check", "--variant-file", str(path), "--bit-placement", "c-rnti",
                 "--hops", "s1"]) == 2
    assert capsys.readouterr().err == (f"hoverify: error: {path}: --bit-placement c-rnti: the "
                                       "bit stays under NAS-MAC\n")


def test_the_docs_reject_example_refuses_what_its_hook_rejects(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """docs/variants.md, "Refusing a message": a hook that raises ``Reject`` refuses the
    message, as a failed decoding does, and is no variant-error (exit 0, not 1). Its UE
    refuses keyChangeIndicator TRUE (TS 33.401 7.2.9), which ts33401's UE follows (KeNB from
    KASME again, TS 36.331 5.3.5.4: on a first X2 handover the initial KeNB, the source's):
    the same edit of the HO command completes the handover there and denies it here, with
    the hook's reason."""
    section = (EXAMPLES.parent / "docs" / "variants.md").read_text().split(
        "## Refusing a message: `Reject`", 1)[1]
    path = tmp_path / "no_key_change.py"
    path.write_text(section.split("```python\n", 1)[1].split("```", 1)[0])
    hops = ["--topology", "small", "--hops",
            "x2@enb-2/cell-1:edit=HandoverRequestAcknowledge/container/keyChangeIndicator=True",
            "--compromise", "enb-1@1"]
    lines = {}
    for variant in (["--variant", "ts33401"], ["--variant-file", str(path)]):
        assert main(["check", *variant, *hops]) == 0
        out = capsys.readouterr().out
        assert "variant-error" not in out
        lines[variant[0]] = next(line for line in out.splitlines()
                                 if line.startswith("handover-denial "))
        if variant[0] == "--variant-file":  # the lines the section shows, as it shows them
            shown = section.split("\n$ hoverify check --variant-file no_key_change.py", 1)[1]
            for line in shown.split("```", 1)[0].splitlines()[1:]:
                assert line == "..." or line in out.splitlines(), line
    assert "holds" in lines["--variant"] and "fails (not promised)" in lines["--variant-file"]


DELEGATE38 = Path(__file__).parent / "data" / "delegate38"  # the delegate's files


def test_a_findings_check_line_works_from_another_directory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """fix38: a finding records its variant file by absolute path (docs/exploration.md); its
    check line named the file as typed (``--variant-file s1_like_x2.py``), which fails from
    any other directory. Run from elsewhere, the line gives the finding's claim failing."""
    (tmp_path / "here").mkdir()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "here" / "s1_like_x2.py").write_text((DELEGATE38 / "s1_like_x2.py").read_text())
    monkeypatch.chdir(tmp_path / "here")
    assert main(["verify", "--variant-file", "s1_like_x2.py", "--max-handovers", "2",
                 "--workers", "1", "--quiet", "--json", "--out", "found"]) == 1
    [finding, *_] = [f for f in json.loads(capsys.readouterr().out)["findings"]
                     if f["claim"] == FORWARD and f["check"] is not None]
    assert json.loads(Path(finding["file"]).read_text())["check"] == finding["check"]
    monkeypatch.chdir(tmp_path / "elsewhere")
    assert shlex.split(finding["check"])[0] == "hoverify"
    argv = shlex.split(finding["check"])[1:]
    assert main([*argv, "--json"]) == 1, capsys.readouterr().err
    [claim] = [c for c in json.loads(capsys.readouterr().out)["claims"] if c["name"] == FORWARD]
    assert finding["verdict"] in [v["verdict"] for v in claim["verdicts"] if not v["holds"]]
