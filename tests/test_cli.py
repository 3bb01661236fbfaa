"""The command line on bad input: exit code 2, one line on stderr naming the problem, no
traceback, nothing on stdout; and on good input the exit codes docs/commands.md gives."""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import pty
import re
import shlex
import signal
import stat
import struct
import subprocess
import sys
import termios
from pathlib import Path
from typing import Any

import hoverify.properties.explore
import hoverify.properties.replay
import hoverify.properties.verify
import pytest
from hoverify.properties.exploration import Finding
from hoverify.statemachines.topology import SHIPPED, Topology, small_topology
from hoverify.statemachines.variants import load

import hoverify.cli
import hoverify.progress
import hoverify.report_job
import hoverify.runs
from hoverify import atomic_dir
from hoverify.cli import _finding_end, build_parser, examples_said, main
from hoverify.progress import Bar

BAD = {
    "unknown variant": ["run", "--variant", "ts33402", "--hops", "x2"],
    "unknown hop type": ["run", "--variant", "ts33401", "--hops", "x3"],
    "empty hop list": ["run", "--variant", "ts33401", "--hops", " "],
    "empty hop in the list": ["check", "--variant", "ts33401", "--hops", "x2,,s1"],
    "a replay after an intra-eNB hop, which sends no HandoverRequest": [
        "check", "--variant", "ts33401", "--hops", "intra-enb,x2:replay"],
    "bad KASME": ["run", "--variant", "ts33401", "--hops", "x2", "--kasme", "zz"],
    "short KASME": ["run", "--variant", "ts33401", "--hops", "x2", "--kasme", "00ff"],
    "UL NAS COUNT beyond 24 bits (TS 24.301 4.4.3.1)": [
        "run", "--variant", "ts33401", "--hops", "x2", "--ul-nas-count", str(2**24)],
    "negative UL NAS COUNT": [
        "run", "--variant", "ts33401", "--hops", "x2", "--ul-nas-count", "-1"],
    "bit placement": ["run", "--variant", "seed-fs", "--bit-placement", "rrc", "--hops", "x2"],
    "compromise of an unknown eNB": ["check", "--variant", "ts33401", "--hops", "x2",
                                     "--compromise", "enb-9@1"],
    "compromise of an unknown MME": ["check", "--variant", "ts33401", "--hops", "x2",
                                     "--compromise", "mme-9@1"],
    "reveal of a key the variant does not delegate": [
        "check", "--variant", "ts33401", "--hops", "x2", "--compromise", "K_HO@1"],
    "compromise target": ["verify", "--variant", "ts33401", "--compromise-targets", "enb,hss"],
    "a topology name that is neither a file nor shipped": [
        "check", "--variant", "ts33401", "--hops", "x2", "--topology", "smal"],
    "delegated keys of a variant that delegates none": [
        "explore", "--variant", "ts33401", "--compromise-targets", "enb,delegated"],
    "compromise target in explore": ["explore", "--variant", "ts33401",
                                     "--compromise-targets", ""],
    "compromise outside the hops": ["check", "--variant", "ts33401", "--hops", "x2",
                                    "--compromise", "source@2"],
    "compromise without a hop": ["check", "--variant", "ts33401", "--hops", "x2",
                                 "--compromise", "enb-1"],
    "no examples": ["explore", "--variant", "ts33401", "--examples", "0"],
    "unknown fault": ["explore", "--variant", "ts33401", "--faults", "jam"],
    "an empty fault name": ["explore", "--variant", "ts33401", "--faults", "compromise,,drop"],
    "a fault named twice": ["verify", "--variant", "ts33401", "--faults",
                            "compromise,compromise"],
    "replay of a missing file": ["replay", "/nonexistent/finding.json"],
    "unknown command option": ["run", "--variant", "ts33401", "--hops", "x2", "--fast"],
    "an edit no edit of its message has": [
        "check", "--variant", "ts33401", "--hops", "x2:edit=HandoverRequest/NCC=9",
        "--compromise", "enb-2@1"],
    "an edit of a message its hop does not send": [
        "check", "--variant", "ts33401", "--hops", "x2:edit=HandoverRequired/security/NCC=1",
        "--compromise", "enb-1@1"],
    "an edit that names no change": ["check", "--variant", "ts33401", "--hops",
                                     "x2:edit=HandoverRequest", "--compromise", "enb-1@1"],
    "an edit without a compromised editor": [
        "check", "--variant", "ts33401", "--hops",
        "x2@enb-2/cell-1:edit=HandoverRequest/AS-SecurityInformation/NCC=1"],
    "an edit by an eNB compromised only after its hop": [
        "check", "--variant", "ts33401", "--hops",
        "x2@enb-2/cell-1:edit=HandoverRequest/AS-SecurityInformation/NCC=1,x2",
        "--compromise", "enb-1@2"],
    "edits in two hops": [
        "check", "--variant", "ts33401", "--topology", "small", "--hops",
        "s1@enb-3/cell-1:edit=HandoverCommand/container/keyChangeIndicator=True,"
        "s1@enb-1/cell-1:edit=HandoverCommand/container/keyChangeIndicator=True",
        "--compromise", "enb-1@1", "--compromise", "enb-3@1"],
    "an addition by the sender, which builds but only its relaying receiver adds": [
        "check", "--variant", "seed-fs", "--hops",
        "x2@enb-2/cell-1:edit=HandoverRequestAcknowledge/container/+notification bit=1",
        "--compromise", "enb-2@1"],
}


def test_edits_in_two_hops_are_refused_before_the_run(
        capsys: pytest.CaptureFixture[str]) -> None:
    """helper-178: hop 1's edit left enb-1 waiting (an unknown eNB UE S1AP ID), so hop 2
    delivered no HandoverRequired, and the error blamed hop 2's edit for a message its hop
    did not send; docs/commands.md refuses edits in more than one hop, whatever they do."""
    edit = "edit=HandoverRequired/eNB UE S1AP ID=0"
    assert main(["check", "--variant", "ts33401", "--hops", f"s1:{edit},s1:{edit}",
                 "--compromise", "enb-1@1"]) == 2
    assert capsys.readouterr().err == ("hoverify: error: --hops: hops 1, 2 name edits: check "
                                       "judges the edits of one hop per run\n")


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_is_one_clear_line_and_exit_code_2(
        name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(BAD[name]) == 2
    out, err = capsys.readouterr()
    assert err.startswith("hoverify: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err and out == ""


def test_replay_of_a_file_that_is_not_a_finding(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "finding.json"
    path.write_text('{"variant": "ts33401"}\n')
    assert main(["replay", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"hoverify: error: {path}") and err.count("\n") == 1


@pytest.mark.parametrize(("argv", "code"), [
    (["check", "--variant", "ts33401", "--hops", "x2,s1,s1-inter"], 0),
    (["check", "--variant-file", str(Path(__file__).parent / "broken_variants" /
                                     "bit_unprotected.py"), "--hops", "s1"], 1),
    # no downgrade with the bit in alg-id; the KeNB* of TR 33.821 v0.7.0, which the seed
    # keeps, binds the PCI as the TR promises, not the EARFCN-DL TS 33.401 A.5 added: no
    # broken promise
    (["check", "--variant", "seed-fs", "--bit-placement", "alg-id", "--hops", "s1"], 0),
    # forward security is not promised after an X2 hop
    (["check", "--variant", "tr33821-v070", "--hops", "x2"], 0),
    (["check", "--variant", "tr33821-v070", "--hops", "x2", "--compromise", "enb-1@1"], 0),
    # a KeNB* without the EARFCN-DL breaks the promise of TS 33.401 A.5
    (["check", "--variant-file", str(Path(__file__).parent / "broken_variants" /
                                     "kenb_star_without_earfcn.py"), "--hops", "x2"], 1),
    (["run", "--variant", "seed-fs", "--bit-placement", "alg-id", "--hops", "s1"], 0),
])
def test_exit_codes_follow_the_promises(argv: list[str], code: int,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == code
    capsys.readouterr()


# -- issue 18: what a newcomer hits ------------------------------------------------------------
CLEAR = {  # bad input -> the words that say what is wrong
    "odd-length KASME": (["run", "--variant", "ts33401", "--hops", "x2", "--kasme", "abc"],
                         "odd length"),
    "non-hex KASME": (["run", "--variant", "ts33401", "--hops", "x2", "--kasme", "0g"],
                      "not hexadecimal ('g' at position 2)"),
    "short KASME": (["run", "--variant", "ts33401", "--hops", "x2", "--kasme", "00ff"],
                    "2 octets; KASME is 32 octets"),
    "a bit placement in the variant's name": (
        ["run", "--variant", "seed-fs/nas", "--hops", "x2"],
        "did you mean --variant seed-fs --bit-placement nas?"),
    "the same on verify": (["verify", "--variant", "seed-fs/alg-id"],
                           "did you mean --variant seed-fs --bit-placement alg-id?"),
    # helper-224: "unknown variant" named only the built-in ones
    "a variant file given as a name": (
        ["check", "--variant", "tests/attack_variants/nh_not_refreshed.py", "--hops", "x2"],
        "a variant file is given with --variant-file tests/attack_variants/nh_not_refreshed.py"),
    "an early first hop": (["check", "--variant", "ts33401", "--hops", "x2:early,x2"],
                           "no previous hop whose Path Switch Acknowledge it could race"),
    # accepted silently (review19 #7)
    "a repeated suffix": (["run", "--variant", "ts33401", "--hops", "x2,x2:replay:replay"],
                          "hop 2 x2:replay:replay: ':replay' is given 2 times; write it once"),
    "a repeated early": (["check", "--variant", "ts33401", "--hops", "x2,x2:early:replay:early"],
                         "':early' is given 2 times"),
    # review22: argparse took a prefix for the option, so a typo ran as if spelt out
    "a prefix of --hops": (["check", "--variant", "ts33401", "--hops", "x2", "--hop", "s1"],
                           "unrecognized option --hop; did you mean '--hops'?"),
    "a prefix of --max-handovers": (["verify", "--variant", "ts33401", "--max-handover", "1"],
                                    "unrecognized option --max-handover; did you mean "
                                    "'--max-handovers'?"),
    "a prefix of --version": (["--vers"], "unrecognized option --vers; did you mean "
                              "'--version'?"),
    # review46: range errors in one form, the value given included; a list's unknown names
    # as --faults says them
    "no example": (["explore", "--variant", "ts33401", "--examples", "0"],
                   "--examples must be at least 1, got 0"),
    "no step": (["explore", "--variant", "ts33401", "--steps", "-2"],
                "--steps must be at least 1, got -2"),
    "a compromise after the last hop": (["check", "--variant", "ts33401", "--hops", "x2",
                                         "--compromise", "enb-1@5"],
                                        "--compromise enb-1@5: hop must be in 1..1, got 5"),
    # J1 (helper-195): a compromise lasts from its hop on, so a later one of the same party
    # adds nothing; the attacker read "enb-1@1, enb-1@3", as if they were two
    "a party compromised again": (["check", "--variant", "ts33401", "--hops", "x2,x2,x2",
                                   "--compromise", "enb-1@3", "--compromise", "source@1"],
                                  "--compromise enb-1@3: enb-1 is compromised from hop 1 on "
                                  "already (--compromise source@1): a compromise lasts to the "
                                  "end of the run"),
    "a key revealed again": (["check", "--variant", "ts33401", "--hops", "x2,x2",
                              "--compromise", "KASME@1", "--compromise", "kasme@2"],
                             "--compromise kasme@2: KASME is revealed from hop 1 on already "
                             "(--compromise KASME@1): a compromise lasts to the end of the run"),
    # helper-258: taken, where --faults refuses a fault named twice
    "a compromise target named twice": (["verify", "--variant", "ts33401", "--max-states", "1",
                                         "--compromise-targets", "enb,enb"],
                                        "--compromise-targets: enb named twice in 'enb,enb'"),
    "an empty compromise target": (["verify", "--variant", "ts33401", "--max-states", "1",
                                    "--compromise-targets", "enb,,ue"],
                                   "--compromise-targets: an empty name in 'enb,,ue'"),
    "an unknown compromise target": (["verify", "--variant", "ts33401", "--compromise-targets",
                                      "enb,zzz"],
                                     "--compromise-targets: unknown zzz (known: enb, ue, mme, "
                                     "kasme, delegated)"),
    # review46: "unknown hop type ''" and "cannot read (Is a directory)"
    "a hops file among hops": (["check", "--variant", "ts33401", "--hops", "s1,@hops.txt"],
                               "--hops: hop 2 @hops.txt: no hop type before '@' (a hops file "
                               "is given alone: --hops @FILE)"),
    "a hops file without its name": (["check", "--variant", "ts33401", "--hops", "@"],
                                     "--hops @: no file named after '@' (--hops @FILE)"),
    # review46: a misspelt required option was "--hops is required", a misspelt other one
    # "unrecognized arguments: --sed 3", neither with the option meant
    "a misspelt required option": (["check", "--variant", "ts33401", "--hosp", "x2"],
                                   "check: unrecognized option --hosp; did you mean '--hops'?"),
    "another command's option": (["report", "--variant", "ts33401"],
                                 "report: unrecognized option --variant; did you mean "
                                 "'--variants'?"),
    "an option given with its value": (["run", "--variant", "ts33401", "--hops", "x2",
                                        "--sed=3"], "did you mean '--seed'?"),
    "an option like none": (["run", "--variant", "ts33401", "--hops", "x2", "--zzzz"],
                            "run: unrecognized option --zzzz (hoverify run -h lists them)"),
    # review28: a relay added seed-fs's notification bit to ts33401's HO command, which never
    # carries one (TS 36.331 SecurityConfigHO: keyChangeIndicator, nextHopChainingCount)
    "an addition of a field the variant never sends": (
        ["check", "--variant", "ts33401", "--topology", "small", "--hops",
         "x2@enb-2/cell-1:edit=HandoverRequestAcknowledge/container/+notification bit=0",
         "--compromise", "enb-1@1"],
        "a relay adds only a field the variant's HO command carries: keyChangeIndicator, NCC"),
    # flip37: an eNB finds its UE association by the eNB UE S1AP ID (TS 36.413 3.1) and the
    # eNB UE X2AP IDs (TS 36.423 9.2.24) of what it receives and relays none: their builder
    # flips them, the other side reads the flip
    "a receiver's flip of an identity the MME built": (
        ["check", "--variant", "seed-fs", "--hops", "s1:edit=HandoverCommand/eNB UE S1AP ID=0",
         "--compromise", "enb-1@1"],
        "its receiver enb-1 may not make this edit; only its sender mme-1, which builds it, "
        "may, and mme-1 is no eNB (who edits what: docs/commands.md)\n"),
    "a receiver's flip of an identity another eNB built": (
        ["check", "--variant", "ts33401", "--topology", "small", "--hops",
         "x2@enb-2/cell-1:edit=HandoverRequestAcknowledge/New eNB UE X2AP ID=1",
         "--compromise", "enb-1@1"],
        "its receiver enb-1 may not make this edit; only its sender enb-2, which builds it, "
        "may: that needs enb-2 compromised (who edits what: docs/commands.md)\n"),
    # agree37: an edit only the builder makes (a bit above the lowest flipped: ``built``),
    # asked of the relaying receiver, named that receiver as the sender and asked
    # for it compromised
    "an edit only its sender builds, asked of its receiver, which relays it": (
        ["check", "--variant", "seed-fs", "--hops",
         "s1:edit=HandoverCommand/for UE/NAS-PDU/1=2", "--compromise", "enb-1@1"],
        "its receiver enb-1 may not make this edit; only its sender mme-1, which builds it, "
        "may, and mme-1 is no eNB (who edits what: docs/commands.md)\n"),
    "a removal only its sender makes, asked of its receiver": (
        ["check", "--variant", "ts33401", "--topology", "small", "--hops",
         "x2@enb-2/cell-1:edit=HandoverRequest/AS-SecurityInformation/-NCC",
         "--compromise", "enb-2@1"],
        "its receiver enb-2 may not make this edit; only its sender enb-1, which builds it, "
        "may: that needs enb-1 compromised (who edits what: docs/commands.md)\n"),
    # text38: a sender's refusal (an addition, which only the relaying receiver makes)
    "an addition asked of its sender, which builds it": (
        ["check", "--variant", "seed-fs", "--topology", "small", "--hops",
         "x2@enb-2/cell-1:edit=HandoverRequestAcknowledge/container/+notification bit=1",
         "--compromise", "enb-2@1"],
        "its sender enb-2 may not make this edit; only its receiver enb-1, which relays it, "
        "may: that needs enb-1 compromised (who edits what: docs/commands.md)\n"),
    # helper-181: argparse kept the last of an option given twice and dropped the first
    # without a word; only the options that add up (--compromise, --variant-file) repeat
    "an option of one value given twice": (["check", "--variant", "ts33401", "--hops", "s1",
                                            "--hops", "x2"],
                                           "check: --hops is given 2 times; give it once\n"),
    "a list of values given twice": (["report", "--variants", "ts33401", "--variants",
                                      "tr33821-v070"],
                                     "report: --variants is given 2 times; give it once with "
                                     "all its values\n"),
    "a variant given twice, as option=value": (["run", "--variant=seed-fs", "--variant=ts33401",
                                                "--hops", "x2"],
                                               "run: --variant is given 2 times"),
    "a flag given twice": (["verify", "--variant", "ts33401", "--quiet", "--quiet"],
                           "verify: --quiet is given 2 times"),
}
# text38: a name refused for not being one of a fixed set ends with the closest one
# (``statemachines.names.did_you_mean``), wherever the command line refuses it
CLOSE = {
    "a fault (verify)": (["verify", "--variant", "ts33401", "--faults", "compromise,drp"],
                         "'drop'"),
    "two faults (explore)": (["explore", "--variant", "ts33401", "--faults", "rewrte,duplcate"],
                             "'duplicate' and 'rewrite'"),
    "a variant": (["check", "--variant", "ts3340", "--hops", "x2"], "'ts33401'"),
    "a report's variant": (["report", "--variants", "ts3341"], "'ts33401'"),
    "a report's bit placement": (["report", "--variants", "seed-fs/na"], "'nas'"),
    "a bit placement": (["run", "--variant", "seed-fs", "--bit-placement", "na", "--hops", "x2"],
                        "'nas'"),
    "a command": (["chek"], "'check'"),
    # helper-181: --comp read as close to --hops as to --compromise; a prefix of one name
    # alone is that name
    "a prefix of one option alone": (["check", "--variant", "ts33401", "--hops", "x2",
                                      "--comp", "enb-1@1"], "'--compromise'"),
    "a hop type": (["check", "--variant", "ts33401", "--hops", "x2,s1-intr"], "'s1-inter'"),
    "a topology": (["check", "--variant", "ts33401", "--hops", "x2", "--topology", "smal"],
                   "'small'"),
    "a compromise target": (["verify", "--variant", "ts33401", "--compromise-targets",
                             "enb,kasm"], "'kasme'"),
    "a compromised eNB": (["check", "--variant", "ts33401", "--hops", "x2", "--compromise",
                           "enb1@1"], "'enb-1'"),
    "a revealed key, in any case": (["check", "--variant", "ts33401", "--hops", "x2",
                                     "--compromise", "kasm@1"], "'KASME'"),
    "an edited message": (["check", "--variant", "seed-fs", "--compromise", "enb-1@1", "--hops",
                           "s1@enb-3/cell-1:edit=HandoverComand/for UE/-NAS-PDU"],
                          "'HandoverCommand'"),
    "an edit": (["check", "--variant", "seed-fs", "--compromise", "enb-1@1", "--hops",
                 "s1@enb-3/cell-1:edit=HandoverCommand/for UE/-NAS-PD"],
                "field 'for UE/NAS-PDU' (its edits: for UE/-NAS-PDU)"),
}
CLEAR |= {f"{name}: did you mean": (argv, f"; did you mean {close}?")
          for name, (argv, close) in CLOSE.items()}


def test_a_name_close_to_none_is_not_guessed(capsys: pytest.CaptureFixture[str]) -> None:
    """``did_you_mean`` names a close name, not the least far one: zzz is like no fault."""
    assert main(["verify", "--variant", "ts33401", "--faults", "zzz"]) == 2
    assert capsys.readouterr().err == ("hoverify: error: --faults: unknown fault 'zzz' (known: "
                                       "compromise, drop, duplicate, inject, refuse, replay, "
                                       "rewrite)\n")


RUN = ["run", "--variant", "ts33401", "--hops", "x2"]
EXPLORE = ["explore", "--variant", "tr33821-v070", "--examples", "1", "--steps", "1"]
VERIFY = ["verify", "--variant", "tr33821-v070", "--max-handovers", "1"]
EMPTY_NAMES = {  # a command whose file or directory is named '' -> the option named
    # helper-241 #5: the findings landed in the working directory, exit 0
    "explore --out": ([*EXPLORE, "--out", ""], "--out"),
    "verify --out": ([*VERIFY, "--out", ""], "--out"),
    # helper-258: "is a directory", ": cannot read (Is a directory)", the working directory
    # read as an example database, "--out .: contains the working directory"
    "run --pcap": ([*RUN, "--pcap", ""], "--pcap"),
    "replay FILE": (["replay", ""], "FILE"),
    "explore --database": ([*EXPLORE, "--database", ""], "--database"),
    "report --out": (["report", "--variants", "ts33401", "--out", ""], "--out"),
    "verify --json-progress": ([*VERIFY, "--json-progress", ""], "--json-progress"),
    "run --variant-file": (["run", "--variant-file", "", "--hops", "x2"], "--variant-file"),
    "replay --variant-file": (["replay", "finding.json", "--variant-file", ""],
                              "--variant-file"),
    "report --variant-file": (["report", "--variant-file", ""], "--variant-file"),
    "run --topology": ([*RUN, "--topology", ""], "--topology"),
    "report --topology": (["report", "--topology", ""], "--topology"),
}


@pytest.mark.parametrize("name", sorted(EMPTY_NAMES))
def test_an_empty_file_name_is_refused(name: str, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    """An empty name (an unset shell variable, ``--out "$DIR"``) is refused, not read as
    ``.``: one line naming the option, nothing written in the working directory."""
    argv, option = EMPTY_NAMES[name]
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert err.startswith(f"hoverify: error: {option} is empty: give "), err
    assert err.count("\n") == 1 and out == ""
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", sorted(CLEAR))
def test_bad_input_says_what_is_wrong(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    argv, words = CLEAR[name]
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert words in err and err.count("\n") == 1 and out == "", err


def test_a_bad_edit_of_a_message_no_relay_copies_lists_its_edits_alone(
        capsys: pytest.CaptureFixture[str]) -> None:
    """review35: a missing edit of S1AP HandoverRequired, which its sender builds (TS 36.413
    9.1.5.1) and no eNB relays into the HO command, listed its edits and then the relay's
    rule for added fields, which no edit of it can make. The rule is named only for a
    message whose container a relay copies into the HO command (the X2AP
    HandoverRequestAcknowledge above)."""
    argv = ["check", "--variant-file",
            str(Path(__file__).parent / "broken_variants" / "bit_unprotected.py"),
            "--topology", "small", "--hops", "s1@enb-3/cell-1:edit=HandoverRequired/security/x=1",
            "--compromise", "enb-1@1"]
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1, err
    # a receiver's edits first, then its builder's (``hop_edits.everything``): the identity
    # only its builder flips comes after the flag a receiver flips too (flip37)
    # and the Target ID's, each other eNB of the topology (``downgrade.TARGET_ID``)
    assert err.endswith("has no edit 'security/x=1' (its edits: "
                        "security/UE supports KeNB*+=False; eNB UE S1AP ID=0; "
                        "target eNB='enb-1'; target eNB='enb-2'; target eNB='enb-4'; "
                        "security/-UE supports KeNB*+)\n"), err


# -- --hops @FILE (issue 17 item 7) ------------------------------------------------------------
HOPS_FILE = """# a long journey, as a reviewer writes it
x2@enb-2/cell-1, s1  # two on a line
s1-inter
x2:early,

intra-enb
"""


@pytest.mark.parametrize(("command", "encoding"), [
    ("run", "utf-8"), ("check", "utf-8"),
    # helper-229 #10: a file a Windows editor saved begins with a byte-order mark, which
    # read as part of the first line ('\ufeffs1: unknown hop type')
    ("check", "utf-8-sig")])
def test_hops_from_a_file_are_the_hops_on_the_command_line(
        command: str, encoding: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "hops.txt"
    path.write_text(HOPS_FILE, encoding=encoding)
    inline = ["--hops", "x2@enb-2/cell-1,s1,s1-inter,x2:early,intra-enb"]
    codes, outputs = [], []
    for hops in (inline, ["--hops", f"@{path}"]):
        codes.append(main([command, "--variant", "ts33401", *hops, "--json"]))
        out, _ = capsys.readouterr()
        outputs.append(json.loads(out))
    assert codes[0] == codes[1] and outputs[0] == outputs[1]
    assert len(outputs[0]["hops"]) == 5 and outputs[0]["hops"][3]["early"]


BAD_HOPS_FILES = {  # file content (None: no file) -> the words that say what is wrong
    "missing": (None, "cannot read (No such file or directory)"),
    "empty": ("", "no hop in the file"),
    "comments only": ("# nothing yet\n   \n", "no hop in the file"),
    "unknown hop type": ("x2\ns1\n# fine so far\nx3  # typo\n",
                         "line 4: hop 3 x3: unknown hop type 'x3'"),
    "empty hop": ("x2\nx2,,s1\n", "line 2:"),
    "early first hop": ("x2:early\n", "the first hop cannot be ':early'"),
    "not text": (b"\xff\xfe\x00x2", "not a text file"),
}


@pytest.mark.parametrize("name", sorted(BAD_HOPS_FILES))
def test_a_bad_hops_file_is_one_line_and_exit_2(name: str, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    content, words = BAD_HOPS_FILES[name]
    path = tmp_path / "hops.txt"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    assert main(["check", "--variant", "ts33401", "--hops", f"@{path}"]) == 2
    out, err = capsys.readouterr()
    assert err.startswith(f"hoverify: error: --hops @{path}"), err
    assert words in err and err.count("\n") == 1 and out == "", err


def test_a_directory_as_hops_file_is_one_line_and_exit_2(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--variant", "ts33401", "--hops", f"@{tmp_path}"]) == 2
    out, err = capsys.readouterr()
    assert err.startswith(f"hoverify: error: --hops @{tmp_path}: cannot read")
    assert err.count("\n") == 1 and out == ""


HOP_ERRORS = {  # --hops (a file's content, or the hops) -> the whole error line after "--hops"
    "unknown hop type": ("x2,s9", ": hop 2 s9: unknown hop type 's9' (known: intra-enb, x2, s1, "
                         "s1-inter)"),
    "misspelt suffix": ("x2,x2:eraly", ": hop 2 x2:eraly: unknown suffix ':eraly' (the suffixes "
                        "are ':early', ':replay', ':refused' and ':edit=MESSAGE/EDIT'); "
                        "did you mean ':early'?"),
    "empty hop": ("x2,,s1", ": hop 2 is empty (hops are separated by single commas)"),
    "early first hop": ("x2:early,s1", ": hop 1 x2:early: the first hop cannot be ':early': "
                        "there is no previous hop whose Path Switch Acknowledge it could race"),
    "unknown cell": ("x2@enb-9/cell-1", ": hop 1 x2@enb-9/cell-1: no cell 'enb-9/cell-1' in "
                     "the topology"),
    "file: hops numbered across lines": ("@x2\n\n# two more\nx2,s1:eraly\n",
                                         " @FILE: line 4: hop 3 s1:eraly: unknown suffix"),
    "file: an unknown cell on its line": ("@x2\ns1\ns1@foo\n",
                                          " @FILE: line 3: hop 3 s1@foo: no cell 'foo'"),
    "an edit its message does not have": (
        "x2@enb-2/cell-1:edit=HandoverRequest/AS-SecurityInformation/NCC=9",
        ": hop 1 x2@enb-2/cell-1:edit=HandoverRequest/AS-SecurityInformation/NCC=9: "
        "HandoverRequest (X2AP HandoverRequest enb-1->enb-2) has no edit"),
    "an edit whose editor is not compromised": (
        "x2,s1:edit=HandoverCommand/container/NCC=2", ": hop 2 s1:edit=HandoverCommand/"
        "container/NCC=2: its edit of S1AP HandoverCommand mme-1->enb-2 needs its editor "
        "compromised: add --compromise enb-2@2\n"),
    "file: an edit whose editor is not compromised": (
        "@x2\n# then\ns1:edit=HandoverCommand/container/NCC=2\n", " @FILE: line 3: hop 2 "
        "s1:edit=HandoverCommand/container/NCC=2: its edit of S1AP HandoverCommand"),
    "file: early first hop": ("@# first\nx2:early\n", " @FILE: line 2: hop 1 x2:early: the "
                              "first hop cannot be ':early'"),
    # helper-258: "no  in this hop to edit"
    "an edit naming no message": ("x2:edit=/NCC=1", ": hop 1 x2:edit=/NCC=1: ':edit=/NCC=1' "
                                  "names no message: ':edit=MESSAGE/EDIT'"),
    "a refused intra-eNB hop": ("x2,intra-enb:refused", ": hop 2 intra-enb:refused: an "
                                "intra-enb hop sends no HandoverRequest to refuse"),
}


@pytest.mark.parametrize("name", sorted(HOP_ERRORS))
def test_every_hops_error_names_the_hop_by_number_and_text(
        name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """dev43: each kind of bad hop had its own form ("unknown hop type 's9'" without where,
    "hop 'x2:eraly'", "--hops 'x2,,s1': ... position 2", "--hops: hop 1 ..."); a file's hops
    were numbered per line. Now one form: "--hops[ @FILE: line L]: hop N TEXT: problem", N
    counting hops across the whole list, and a misspelt suffix is guessed."""
    hops, words = HOP_ERRORS[name]
    if hops.startswith("@"):
        path = tmp_path / "hops.txt"
        path.write_text(hops[1:])
        hops, words = f"@{path}", words.replace("@FILE", f"@{path}")
    assert main(["check", "--variant", "ts33401", "--hops", hops]) == 2
    out, err = capsys.readouterr()
    assert err.startswith(f"hoverify: error: --hops{words}"), err
    assert err.count("\n") == 1 and out == ""
    # the topology is named where a hop's cells are the problem, not an edit's field
    assert ("(topology default)" in err) == ("cell" in name), err


PLACED = ["--variant", "seed-fs", "--bit-placement", "alg-id"]
PARAMETER_COMMANDS = {
    "run": ["run", *PLACED, "--hops", "x2"],
    "check": ["check", *PLACED, "--hops", "x2"],
    "verify": ["verify", *PLACED, "--max-handovers", "1", "--faults", "drop", "--quiet"],
    "explore": ["explore", *PLACED, "--examples", "2", "--steps", "5", "--quiet"],
}


@pytest.mark.parametrize("command", sorted(PARAMETER_COMMANDS))
def test_every_command_names_the_variants_parameters_in_words(
        command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """dev43: run and check printed "variant seed-fs {'bit_placement': 'alg-id'}" (a Python
    dict), verify and explore "seed-fs" alone, and their --json had no parameters: a reader
    could not tell which placement of the notification bit was judged."""
    monkeypatch.chdir(tmp_path)
    argv = PARAMETER_COMMANDS[command]
    main(argv)
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith(("seed-fs, bit placement alg-id (",
                             "variant seed-fs, bit placement alg-id")), first
    main([*argv, "--json"])
    assert json.loads(capsys.readouterr().out)["parameters"] == {"bit_placement": "alg-id"}


JSON_DOCS = {"run": "commands.md", "check": "commands.md", "verify": "exploration.md",
             "explore": "exploration.md", "replay": "exploration.md"}


@pytest.mark.parametrize("command", sorted(JSON_DOCS))
def test_the_docs_name_every_field_of_each_commands_json(
        command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """dev43: `hops`, `early`, `topology`, `examples_run`, ... and all of check's fields
    were in the --json output but named nowhere in the docs: every field a command's
    document has, and those of its hops, claims and verdicts, is named as `field` in the
    page that describes it."""
    monkeypatch.chdir(tmp_path)
    if command == "replay":  # a finding of verify's, replayed
        main(["verify", "--variant", "tr33821-v070", "--max-handovers", "1", "--out",
              "found", "--quiet"])
        capsys.readouterr()
        argv = ["replay", str(sorted(Path("found").iterdir())[0])]
    else:  # check with a compromise, so that its verdicts have witnesses and cuts
        argv = [*PARAMETER_COMMANDS[command],
                *(["--compromise", "enb-1@1"] if command == "check" else [])]
    main([*argv, "--json"])
    doc = json.loads(capsys.readouterr().out)
    fields = {*doc, *(k for hop in doc.get("hops", ()) for k in hop),
              *(k for claim in doc.get("claims", ()) for k in claim),
              *(k for claim in doc.get("claims", ()) for v in claim.get("verdicts", ())
                for k in v)}
    page = (Path(__file__).parent.parent / "docs" / JSON_DOCS[command]).read_text()
    assert sorted(f for f in fields if f"`{f}`" not in page) == []


def test_a_bare_hoverify_prints_the_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("usage: hoverify") and "COMMAND" in err


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(commands.choices)


@pytest.mark.parametrize("command", sorted(_subcommands()))
def test_every_option_has_a_help_text_that_shows_its_default(command: str) -> None:
    parser = _subcommands()[command]
    text = "".join(parser.format_help().split())  # argparse wraps long defaults anywhere
    options = [a for a in parser._actions if not isinstance(a, argparse._HelpAction)]
    assert options, command
    for option in options:
        assert option.help and option.help.strip(), (command, option.dest)
        if not (option.default is None or option.default is False or option.default == []):
            assert "".join(f"(default: {option.default})".split()) in text, (command,
                                                                              option.dest)
        elif option.option_strings and not option.required and option.nargs != 0:
            # without a default, the help says what leaving the option out means
            assert "(default" in option.help or "(this or --" in option.help, (command,
                                                                               option.dest)


def test_every_subcommands_help_gives_its_exit_status() -> None:
    """newcomer39: run, replay and report said nothing of their exit codes in --help, though
    each has its own (docs/commands.md): replay's 0 even for NOT reproduced, its 2 for a file
    that does not match the variant; run's and report's 0 whatever the verdicts."""
    for command, parser in _subcommands().items():
        text = " ".join(parser.format_help().split())
        assert "Exit status: 0 " in text and "2 bad input" in text, command
    assert "0 the replayed run breaks no promise, reproduced or not" in " ".join(
        _subcommands()["replay"].format_help().split())


COMMANDS_DOC = Path(__file__).resolve().parent.parent / "docs" / "commands.md"


def synopsis() -> str:
    """One usage line per subcommand, as ``hoverify COMMAND --help`` prints it (unwrapped)."""
    lines = []
    for parser in _subcommands().values():
        parser.format_help()  # explore's and verify's options are added on first use
        formatter = argparse.HelpFormatter(parser.prog, width=10_000)
        formatter.add_usage(parser.usage, parser._actions, parser._mutually_exclusive_groups,
                            prefix="")
        lines.append(formatter.format_help().strip())
    return "\n".join(lines)


def test_the_synopsis_in_the_docs_is_what_help_says() -> None:
    """The first block of docs/commands.md lists every option of every subcommand with its
    metavar, as --help does. Refresh it with ``python tests/test_cli.py``."""
    shown = re.search(r"```sh\n(.*?)\n```", COMMANDS_DOC.read_text(), re.S)
    assert shown, "docs/commands.md has no synopsis block"
    assert shown.group(1) == synopsis(), "run python tests/test_cli.py to refresh the synopsis"
    for command, parser in _subcommands().items():  # and --help says the same
        usage = " ".join(parser.format_help().split("\n\n")[0].split()).removeprefix("usage: ")
        assert f"\n{usage}\n" in f"\n{shown.group(1)}\n", command


def test_a_finding_outside_its_promise_names_the_assumption_in_json(
        capsys: pytest.CaptureFixture[str]) -> None:
    """helper-196: in --json a claim broken outside its promise had ``promised: false``, as
    one not promised, and only its verdict's words told them apart; ``outside`` names the
    assumption the run broke (null for the others), in replay's findings as in explore's
    and verify's (``runs.finding_entry``)."""
    found = Path(__file__).parent / "data" / "findings"
    assert main(["replay", str(found / "ts33401-handover-refused-before-path-switch-ack.json"),
                 "--json"]) == 0
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert [(f["claim"], f["promised"], f["outside"]) for f in findings] == [
        ("forward-security", False, "path-switch-first"), ("fake-cell-capture", False, None)]
    [forward, _] = findings
    entry = hoverify.runs.finding_entry(
        Finding(forward["claim"], False, forward["detail"], (), outside="path-switch-first"),
        None, {})
    assert {k: entry[k] for k in forward} == forward


VARIANT_COMMANDS = ["run", "check", "explore", "verify"]  # replay, report: none needed


@pytest.mark.parametrize("command", VARIANT_COMMANDS)
def test_the_synopsis_says_a_variant_is_required(command: str) -> None:
    """#9: it read [--variant V] [--variant-file PATH], both optional, where one is needed."""
    usage = " ".join(_subcommands()[command].format_help().split("\n\n")[0].split())
    assert f"hoverify {command} [-h] (--variant V | --variant-file PATH) " in usage, usage


@pytest.mark.parametrize("command", VARIANT_COMMANDS)
@pytest.mark.parametrize(("given", "said"), [
    # the built-in variants named, as an unknown one names them (helper-196: argparse's "one
    # of the arguments --variant --variant-file is required" named none)
    ([], "give --variant V (built in: tr33821-v070, seed-fs, ts33401) or --variant-file PATH "
         "(a reviewer's variant: docs/variants.md)"),
    (["--variant", "ts33401", "--variant-file", "mine.py"],
     "give --variant or --variant-file, not both"),
])
def test_no_variant_or_two_are_one_line_of_bad_input(
        command: str, given: list[str], said: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    hops = ["--hops", "x2"] if command in ("run", "check") else ["--out", str(tmp_path / "o")]
    assert main([command, *given, *hops]) == 2
    assert capsys.readouterr() == ("", f"hoverify: error: {command}: {said}\n")
    assert not (tmp_path / "o").exists()


# Outputs are checked before the work: /proc refuses new files even to root (who passes
# access(2) everywhere), and a file cannot hold a folder.
UNWRITABLE = {
    "explore --out in /proc": ["explore", "--variant", "ts33401", "--out", "/proc/findings"],
    "verify --out in /proc": ["verify", "--variant", "ts33401", "--out", "/proc/self/verify"],
    "verify --out below a file": ["verify", "--variant", "ts33401", "--out", "{file}/verify"],
    "report --out in /proc": ["report", "--variants", "ts33401", "--out", "/proc/report"],
    "run --pcap in /proc": ["run", "--variant", "ts33401", "--hops", "x2", "--pcap",
                            "/proc/run.pcapng"],
    # said "directory ... does not exist" (review19 #7)
    "run --pcap below a file": ["run", "--variant", "ts33401", "--hops", "x2", "--pcap",
                                "{file}/run.pcapng"],
}


@pytest.fixture
def no_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """The long work fails the test if it starts."""
    def work(*args: object, **kwargs: object) -> None:
        raise AssertionError("the work started before its output was checked")

    monkeypatch.setattr(hoverify.properties.explore, "explore", work)
    monkeypatch.setattr(hoverify.properties.verify, "verify", work)
    monkeypatch.setattr(hoverify.report_job, "build", work)
    monkeypatch.setattr(hoverify.runs, "run_scenario", work)


@pytest.mark.parametrize("name", sorted(UNWRITABLE))
@pytest.mark.usefixtures("no_work")
def test_an_unwritable_output_is_refused_before_the_work(
        name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "file").write_text("")
    argv = [a.replace("{file}", str(tmp_path / "file")) for a in UNWRITABLE[name]]
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert err.startswith("hoverify: error: ") and "cannot write in" in err, err
    assert err.count("\n") == 1 and out == ""
    assert ("(Not a directory)" in err) == name.endswith("below a file"), err


@pytest.mark.usefixtures("no_work")
@pytest.mark.parametrize("command", ["explore", "verify"])
def test_the_default_findings_folder_in_a_read_only_directory(
        command: str, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir("/proc")
    assert main([command, "--variant", "ts33401"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("hoverify: error: --out out/") and err.count("\n") == 1, err


@pytest.fixture(scope="module")
def finding(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A finding file as `verify` writes it (tr33821-v070 does not promise forward
    security after an X2 hop, so one handover finds it; no promise breaks: exit 0)."""
    out = tmp_path_factory.mktemp("findings")
    assert main(["verify", "--variant", "tr33821-v070", "--max-handovers", "1",
                 "--out", str(out)]) == 0
    [path] = (p for p in out.iterdir() if "forward-security" in p.name)
    return dict(json.loads(path.read_text()))


BAD_FINDINGS = {  # a change to a good finding file -> the words that say what is wrong
    "unknown step kind": ({"trace": [{"kind": "teleport", "index": 0, "text": "x"}]},
                          "unknown step kind 'teleport'"),
    "unknown claim": ({"claim": "world-peace"}, "unknown claim 'world-peace'"),
    "misspelt claim": ({"claim": "forward-securty"}, "; did you mean 'forward-security'?"),
    "odd-length KASME": ({"kasme": "abc"}, "odd length"),
    "unknown topology": ({"topology": "galaxy"}, "unknown topology 'galaxy'"),
    # None: the field removed (it said "malformed finding ('trace')")
    "no trace": ({"trace": None}, "malformed finding (no field 'trace')"),
    "no variant": ({"variant": None}, "malformed finding (no field 'variant')"),
    # helper-258: bool("false") replayed it with the backhaul unprotected
    "backhaul_unprotected a word": ({"attacker": {"backhaul_unprotected": "false"}},
                                    'backhaul_unprotected must be true or false, got "false"'),
    # helper-260: a word read letter by letter ("unknown e, n, b"), 7 in Python's words, and
    # a party named twice replayed as --compromise-targets no longer takes it
    **{f"compromise_targets {value}": ({"attacker": {"compromise_targets": value}}, said)
       for value, said in [("enb", 'compromise_targets must be a list of names, got "enb"'),
                           (7, "compromise_targets must be a list of names, got 7"),
                           (["enb", "enb"], "malformed finding (enb named twice)")]},
    # helper-260: {} replayed as no step (exit 0), a step "x" said Python's words, and an
    # empty topology_file was read as the working directory
    "trace an object": ({"trace": {}}, "malformed finding (trace must be a list, got {})"),
    "step a word": ({"trace": ["x"]}, 'malformed finding (a step must be an object, got "x")'),
    "topology_file empty": ({"topology_file": ""}, "malformed finding (topology_file must be "
                            'a file name, got "")'),
    # helper-258: "'int' object has no attribute 'get'"; [] taken as none
    "attacker a number": ({"attacker": 7}, "malformed finding (attacker must be an object, "
                          "got 7)"),
    "parameters a list": ({"parameters": []}, "malformed finding (parameters must be an "
                          "object, got [])"),
    "parameters a word": ({"parameters": "x"}, 'parameters must be an object, got "x"'),
    # helper-266: the search that found it, which replay prints
    "found_by a word": ({"found_by": "verify"}, 'malformed finding (found_by must be an '
                        'object, got "verify")'),
    **{f"found_by {name}": ({"found_by": found}, f"malformed finding (found_by {said}")
       for name, found, said in [
           ("command not a search", {"command": "hoverify check --variant ts33401",
                                     "finished": True, "stopped": None}, "command must be a "
            'hoverify explore or verify command line, got "hoverify check --variant ts33401")'),
           ("no command", {"finished": True}, "command must be"),
           ("finished a word", {"command": "hoverify verify --variant ts33401",
                                "finished": "yes"}, 'finished must be true or false, got "yes"'),
           ("stopped, no why", {"command": "hoverify verify --variant ts33401",
                                "finished": False}, "stopped must be null where finished is "
            "true, else why the search stopped, got null)"),
           ("finished, with a why", {"command": "hoverify verify --variant ts33401",
                                     "finished": True, "stopped": "max-states"},
            'stopped must be null where finished is true, else why the search stopped, got '
            '"max-states")')]},
    # helper-258: True == 1.0 == 1 in Python
    "schema_version true": ({"schema_version": True}, "not a finding file (schema_version 1"),
    "schema_version 1.0": ({"schema_version": 1.0}, "not a finding file (schema_version 1"),
    # helper-258: int() took 1.5 and true as 1; NaN was Python's words, infinity a traceback
    **{f"step {field} {value}": ({"trace": [{"kind": "compromise", field: value,
                                             "text": "compromise enb-1"}]},
                                 f"malformed finding (step {field} must be a non-negative "
                                 "integer below 2**63")
       for field, value in [("index", 1.5), ("index", True), ("index", float("nan")),
                            ("index", float("inf")), ("index", 10**30), ("index", -1),
                            ("leaf", "1")]},
}


def test_replay_of_json_nested_too_deeply_is_bad_input(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """helper-258: json's RecursionError was a traceback and exit code 1."""
    path = tmp_path / "finding.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    assert main(["replay", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err == (f"hoverify: error: {path}: not a finding file (arrays or "
                                 "objects nested too deeply to read)\n")


@pytest.mark.parametrize("name", sorted(BAD_FINDINGS))
def test_replay_of_a_bad_finding_is_bad_input(
        name: str, finding: dict[str, Any], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    change, words = BAD_FINDINGS[name]
    path = tmp_path / "finding.json"
    changed = {k: v for k, v in (finding | change).items() if change.get(k, k) is not None}
    path.write_text(json.dumps(changed))
    assert main(["replay", str(path)]) == 2
    out, err = capsys.readouterr()
    assert err.startswith(f"hoverify: error: {path}: ") and words in err, err
    assert err.count("\n") == 1 and out == ""


def test_a_verify_finding_says_the_search_that_found_it_which_finds_it_again(
        finding: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """helper-266: a finding file, and replay, did not say which search found it: the faults, the
    bound, whether the bound was exhausted. Its command, run, finds the same claim."""
    command = "hoverify verify --variant tr33821-v070 --max-handovers 1 --faults compromise,drop"
    assert finding["found_by"] == {"command": command, "finished": True, "stopped": None}
    path = tmp_path / "finding.json"
    path.write_text(json.dumps(finding))
    assert main(["replay", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == f"found by: {command} (bound exhausted)"
    assert main(["replay", "--json", str(path)]) == 0
    assert json.loads(capsys.readouterr().out)["found_by"] == finding["found_by"]
    assert main([*shlex.split(command)[1:], "--quiet", "--out", str(tmp_path / "again")]) == 0
    again = json.loads((tmp_path / "again" / "tr33821-v070-forward-security-not-promised.json")
                       .read_text())
    assert again["claim"] == finding["claim"] and again["found_by"] == finding["found_by"]


def test_a_finding_saved_before_found_by_replays_without_its_line(
        finding: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A file saved before helper-266 has no ``found_by``: it replays as before."""
    path = tmp_path / "finding.json"
    path.write_text(json.dumps({k: v for k, v in finding.items() if k != "found_by"}))
    assert main(["replay", str(path)]) == 0
    out = capsys.readouterr().out
    assert "found by" not in out and out.endswith("\nreproduced\n")
    assert main(["replay", "--json", str(path)]) == 0
    assert json.loads(capsys.readouterr().out)["found_by"] is None


def test_replay_uses_the_recorded_kasme_and_topology(
        finding: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    kasme = bytes(range(32))
    path = tmp_path / "finding.json"
    path.write_text(json.dumps(finding | {"kasme": kasme.hex()}))
    real_replay = hoverify.properties.replay.replay
    seen: list[tuple[Topology | None, bytes]] = []

    def replay(variant: Any, actions: Any, topology: Topology | None = None,
               kasme: bytes = b"", strict: bool = False, adversary: Any = None,
               recorded: bool = True) -> Any:
        seen.append((topology, kasme))
        return real_replay(variant, actions, topology, kasme, strict, adversary, recorded)

    monkeypatch.setattr(hoverify.properties.replay, "replay", replay)
    # exit 0: reproduced, and no promise broke on the way
    assert main(["replay", str(path)]) == 0
    assert "\nreproduced\n" in capsys.readouterr().out  # the key values play no part here
    assert seen == [(small_topology(), kasme)]


def test_a_report_folder_that_cannot_be_moved_aside_stays_whole_and_alone(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "report"
    atomic_dir.replace_directory({"verdicts.json": b"old\n"}, out)
    real_replace = atomic_dir.os.replace

    def busy(src: Path, dst: Path) -> None:
        if Path(src) == out:  # a mount point, or a folder its owner may not move
            raise OSError(16, "Device or resource busy")
        real_replace(src, dst)

    monkeypatch.setattr(atomic_dir.os, "replace", busy)
    with pytest.raises(OSError):
        atomic_dir.replace_directory({"verdicts.json": b"new\n"}, out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]  # no .report.old-XXXX
    assert (out / "verdicts.json").read_bytes() == b"old\n"


def test_a_shipped_topology_by_name_is_its_file_and_verify_names_its_own(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """The small topology's enb-3/cell-1 is not the default one's (EARFCN-DL differs): a
    trace of verify is followed by check only on the topology verify names."""
    hops = ["check", "--variant", "ts33401", "--hops", "s1@enb-3/cell-1", "--json"]
    by_name = [*hops, "--topology", "small"]
    by_file = [*hops, "--topology", str(SHIPPED / "small.toml")]
    docs = []
    for argv in (by_name, by_file, hops):
        assert main(argv) == 0
        docs.append(json.loads(capsys.readouterr().out)["hops"][0]["target_cell"])
    assert docs[0] == docs[1] != docs[2]
    assert main(["verify", "--variant", "tr33821-v070", "--max-handovers", "1", "--topology",
                 "small", "--out", str(tmp_path), "--quiet"]) == 0
    assert "topology: small (" in capsys.readouterr().out.splitlines()[1]
    saved = sorted(tmp_path.glob("*.json"))  # found on the topology named: replayed there
    assert saved and all(main(["replay", str(path)]) == 0 for path in saved)
    assert capsys.readouterr().out.splitlines().count("reproduced") == len(saved)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs Linux's /dev/full")
@pytest.mark.parametrize("json_flag", [[], ["--json"]])
def test_standard_output_on_a_full_disk_is_one_line_and_exit_2(json_flag: list[str]) -> None:
    """``hoverify check ... > FILE`` with the disk full (/dev/full fails every write with
    ENOSPC): not a traceback and exit 1, the code of a failing claim (review15)."""
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "hoverify", "check", "--variant",
                               "seed-fs", "--hops", "x2,s1", *json_flag], stdout=full,
                              stderr=subprocess.PIPE, text=True, timeout=120)
    assert done.returncode == 2
    [line] = done.stderr.splitlines()
    assert line.startswith("hoverify: error: cannot write the output (No space left")


def test_pcap_to_a_fifo_writes_into_it_and_leaves_it_a_fifo(tmp_path: Path) -> None:
    """``--pcap /dev/stdout | tshark -r -``: renaming a new file over the path would replace
    the FIFO (or, as root, a device node such as /dev/full) with a regular file."""
    fifo = tmp_path / "capture"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a writer's open() waits for one
    try:
        assert main(["run", "--variant", "ts33401", "--hops", "x2", "--pcap", str(fifo)]) == 0
        capture = os.read(reader, 1 << 16)  # one hop's capture: ~1 KB, within a pipe's buffer
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert capture[:4] == bytes.fromhex("0a0d0d0a")  # a pcapng Section Header Block


def test_pcap_through_a_symbolic_link_replaces_the_file_it_names(tmp_path: Path) -> None:
    (tmp_path / "real.pcapng").write_bytes(b"old")
    link = tmp_path / "link.pcapng"
    link.symlink_to("real.pcapng")
    assert main(["run", "--variant", "ts33401", "--hops", "x2", "--pcap", str(link)]) == 0
    assert link.is_symlink()
    assert (tmp_path / "real.pcapng").read_bytes()[:4] == bytes.fromhex("0a0d0d0a")


# Ctrl-C while the modules load: the interrupt is sent (as a terminal would, SIGINT) at the
# moment a given module starts loading, so the test does not depend on the machine's speed.
INTERRUPT_DURING_IMPORT = """
import os, signal, sys
signal.signal(signal.SIGINT, signal.default_int_handler)  # as in the foreground, even in CI
class Interrupt:
    def find_spec(self, name, path=None, target=None):
        if name == sys.argv[1]:
            os.kill(os.getpid(), signal.SIGINT)
sys.meta_path.insert(0, Interrupt())
from hoverify.__main__ import main
sys.exit(main(["verify", "--variant", "ts33401", "--out", sys.argv[2]]))
"""


@pytest.mark.parametrize("module",
                         # the last: what verify loads as it starts its search (it loads no
                         # Hypothesis since depth41)
                         ["hoverify.cli", "hoverify.statemachines.variants",
                          "hoverify.properties.replay"])
def test_ctrl_c_while_loading_ends_with_130_and_one_line(module: str, tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", INTERRUPT_DURING_IMPORT, module,
                           str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert done.stderr == "hoverify: interrupted\n"
    # 130, or killed by SIGINT (which a shell reports as 130 too): CPython ends that way when
    # the interrupt met code run by a C extension as it loaded
    assert done.returncode in (128 + signal.SIGINT, -signal.SIGINT)
    assert done.stdout == ""


TR33821_EXPLORE = ["explore", "--variant", "tr33821-v070", "--quiet"]


def test_ctrl_c_in_explore_prints_and_saves_the_findings_so_far_and_exits_130(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """agree37: Ctrl-C in explore printed "hoverify: interrupted" alone, exit 130, and saved
    nothing of what it had found. As verify's (#17 item 4: "Ctrl-C prints the counts so far,
    and any findings with their shortest traces. It exits 130, and says the bound was not
    exhausted"): interrupted as its 20th example begins, it has found key-separation on the
    intra-eNB hop (4 steps), prints and saves it, and says the examples were not all run."""
    examples: list[str | None] = []

    def interrupt_at_example_20(bar: Bar, text: str | None = None) -> None:
        examples.append(text)
        if len(examples) == 20:
            raise KeyboardInterrupt

    monkeypatch.setattr(Bar, "done", interrupt_at_example_20)
    assert main([*TR33821_EXPLORE, "--out", str(tmp_path)]) == 128 + signal.SIGINT
    out, err = capsys.readouterr()
    assert ("search NOT finished: stopped (interrupted by Ctrl-C or SIGTERM) after 20 of 3000 "
            "examples; the findings below are those found so far") in out
    assert "key-separation: fails (not promised)" in out and \
        "\neach claim in the 20 examples run so far (" in out
    assert "start handover 1 to enb-1/cell-2 (intra-enb)" in out  # its minimised trace
    assert "warning" not in err  # a situation may yet arise in the examples not run
    # helper-157: "no violation" ends a search whose examples were all run, not one stopped
    assert "no violation of a promised claim" not in out
    saved = tmp_path / "tr33821-v070-key-separation-not-promised.json"
    assert f"saved: {saved}" in out
    # helper-266: the file says so too, in those words
    assert json.loads(saved.read_text())["found_by"] == {
        "command": "hoverify explore --variant tr33821-v070 --faults "
                   "compromise,drop,duplicate,refuse,replay,rewrite",
        "finished": False, "stopped": "interrupted"}
    assert main(["replay", str(saved)]) == 0  # key-separation again, not promised
    assert ("\nfound by: hoverify explore --variant tr33821-v070 --faults compromise,drop,"
            "duplicate,refuse,replay,rewrite (stopped: interrupted by Ctrl-C or SIGTERM; "
            "search NOT finished)\n") in capsys.readouterr().out


def test_an_explore_finding_says_the_search_that_found_it_which_finds_it_again(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """helper-266: its examples, seed and attacker options where not the default, its faults; all
    examples run. Its command, run, finds the same claim."""
    assert main([*TR33821_EXPLORE, "--examples", "10", "--seed", "3", "--faults", "drop,compromise",
                 "--compromise-targets", "enb,ue", "--out", str(tmp_path / "first")]) == 0
    name = "tr33821-v070-key-separation-not-promised.json"
    found = json.loads((tmp_path / "first" / name).read_text())["found_by"]
    command = ("hoverify explore --variant tr33821-v070 --examples 10 --seed 3 --faults "
               "compromise,drop --compromise-targets enb,ue")
    assert found == {"command": command, "finished": True, "stopped": None}
    assert main(["replay", str(tmp_path / "first" / name)]) == 0
    assert f"\nfound by: {command} (all examples run)\n" in capsys.readouterr().out
    assert main([*shlex.split(command)[1:], "--quiet", "--out", str(tmp_path / "again")]) == 0
    assert json.loads((tmp_path / "again" / name).read_text())["found_by"] == found


def test_ctrl_c_while_a_finding_is_minimised_keeps_it_as_found(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Ctrl-C as explore minimises its first finding: that finding is kept with the trace
    the example found, not lost."""
    def interrupted(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(hoverify.properties.explore, "minimise", interrupted)
    assert main([*TR33821_EXPLORE, "--json", "--out", str(tmp_path)]) == 128 + signal.SIGINT
    doc = json.loads(capsys.readouterr().out)
    assert doc["interrupted"] is True
    [finding] = doc["findings"]
    assert finding["file"] is not None and Path(finding["file"]).is_file()


def _modules_after(argv: list[str]) -> set[str]:
    """The modules loaded by ``hoverify argv`` run in a fresh interpreter."""
    program = ("import sys\nfrom hoverify.cli import main\n"
               f"main({argv!r})\n"
               "print(' '.join(sorted(sys.modules)), file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                          timeout=120)
    return set(done.stderr.split())


def test_check_loads_neither_hypothesis_nor_the_exploration_code_nor_networkx() -> None:
    loaded = _modules_after(["check", "--variant", "ts33401", "--hops", "x2"])
    assert "hoverify.properties.evaluate" in loaded  # it did check
    assert not loaded & {"hypothesis", "hoverify.properties.explore",
                         "hoverify.properties.stateful", "hoverify.properties.exploration",
                         "hoverify.properties.verify", "tqdm", "networkx",
                         # nor what writes files, reads a reviewer's variant or draws a report
                         "hoverify.atomic_dir", "hoverify.variant_file", "hoverify.reports.data"}


def test_report_loads_not_hypothesis(tmp_path: Path) -> None:
    """perf39: the bounded verification (``properties.verify``) imported ``explore``, and with
    it Hypothesis (~0.3 s of CPU of every report), for the KASME the runs start from, which
    now lives beside ``Exploration``."""
    loaded = _modules_after(["report", "--variants", "ts33401", "--quiet", "--out",
                             str(tmp_path / "report")])
    assert "hoverify.properties.verify" in loaded  # it did verify
    assert not loaded & {"hypothesis", "hoverify.properties.explore",
                         "hoverify.properties.stateful"}


def test_verify_loads_not_hypothesis(tmp_path: Path) -> None:
    """depth41: verify parsed ``--faults`` against explore's fault list and wrote each finding
    file with explore's ``finding_document``, both beside the Hypothesis search."""
    loaded = _modules_after(["verify", "--variant", "tr33821-v070", "--max-handovers", "1",
                             "--faults", "compromise,drop", "--quiet", "--out", str(tmp_path)])
    assert "hoverify.properties.verify" in loaded  # it did verify
    assert list(tmp_path.glob("*.json"))  # and saved its findings
    assert not loaded & {"hypothesis", "hoverify.properties.explore",
                         "hoverify.properties.stateful"}


def test_the_replay_code_loads_not_hypothesis() -> None:
    """depth41: replay, and the reasons a claim holds (``exercised``), lived in ``explore``
    beside the search, so replaying a run loaded Hypothesis, which it never uses."""
    program = "import sys, hoverify.properties.replay; print('hypothesis' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                          timeout=120, check=True)
    assert done.stdout.split() == ["False"]


def test_explore_loads_not_the_exhaustive_verifier(tmp_path: Path) -> None:
    """text37: explore imported ``properties.verify`` (and with it the fingerprint and the
    state-sharing modules) only for the edit claims' vacuity reason, ``outside_bound``,
    which now lives beside the claims it names."""
    loaded = _modules_after(["explore", "--variant", "ts33401", "--examples", "1", "--steps",
                             "1", "--quiet", "--out", str(tmp_path)])
    assert "hoverify.properties.explore" in loaded  # it did explore
    assert not loaded & {"hoverify.properties.verify", "hoverify.properties.fingerprint",
                         "hoverify.properties.workers"}


def _stderr_on_a_terminal(argv: list[str]) -> tuple[int, str]:
    """Run ``hoverify argv`` with stderr on a pseudo-terminal: what it drew there."""
    try:
        master, slave = pty.openpty()
    except OSError as error:
        pytest.skip(f"no pseudo-terminal here ({error})")
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # rows, columns
    with subprocess.Popen([sys.executable, "-m", "hoverify", *argv], stdout=subprocess.PIPE,
                          stderr=slave) as process:
        os.close(slave)
        drawn = b""
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the other end closed
                break
            if not chunk:
                break
            drawn += chunk
        process.communicate(timeout=120)
    os.close(master)
    return process.returncode, drawn.decode(errors="replace")


@pytest.mark.parametrize(("argv", "unit"), [
    (["explore", "--variant", "ts33401", "--examples", "100", "--steps", "10"], "example"),
    (["verify", "--variant", "ts33401", "--max-handovers", "1"], "level"),
    (["report", "--variants", "ts33401"], "step"),
])
def test_a_progress_bar_on_a_terminal(argv: list[str], unit: str, tmp_path: Path) -> None:
    """Each command runs for some tenths of a second at least: tqdm redraws every 0.1 s."""
    code, drawn = _stderr_on_a_terminal([*argv, "--out", str(tmp_path)])
    assert code == 0 and "Traceback" not in drawn, drawn
    assert re.search(rf"\d+\.\d+ {unit}/s", drawn), drawn  # it moved: a rate, not "?"


def test_no_progress_bar_with_quiet(tmp_path: Path) -> None:
    argv = ["explore", "--variant", "ts33401", "--examples", "20", "--steps", "5", "--quiet"]
    code, err = _stderr_on_a_terminal([*argv, "--out", str(tmp_path)])
    # no bar; only the warnings of claims that were never exercised (forward security here)
    assert code == 0 and all(line.startswith("hoverify: warning: ")
                             for line in err.splitlines()), err


def test_no_progress_line_in_a_run_shorter_than_their_interval(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Stderr is no terminal here: a plain line at most every PLAIN_SECONDS, none before."""
    monkeypatch.setattr(hoverify.progress, "PLAIN_SECONDS", 30.0)  # as shipped, not conftest's
    assert main(["verify", "--variant", "ts33401", "--max-handovers", "1",
                 "--out", str(tmp_path)]) == 0
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(("argv", "said"), [
    (["explore", "--variant", "ts33401", "--examples", "20", "--steps", "5"],
     r"hoverify: \d+ s: (20/20 examples|\d+ examples, past the 20 expected)"),
    (["verify", "--variant", "ts33401", "--max-handovers", "1"],
     r"hoverify: \d+ s: level \d+: \d+ states \(\d+/s\), frontier \d+, peak RSS \d+ MiB"),
])
def test_plain_progress_lines_when_stderr_is_no_terminal(
        argv: list[str], said: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """#8: piped or under CI, explore and verify said nothing until their end. Now they write
    plain lines there (no carriage-return redraw), as verify's --json-progress does to its
    file; stdout's JSON is left alone, and --quiet still silences them."""
    monkeypatch.setattr(hoverify.progress, "PLAIN_SECONDS", 0.0)  # a line at each report
    assert main([*argv, "--out", str(tmp_path), "--json"]) == 0
    out, err = capsys.readouterr()
    json.loads(out)
    progress = _progress_lines(err)
    assert "\r" not in err and progress and re.fullmatch(said, progress[-1]), err
    assert all(line.startswith("hoverify: ") for line in progress), err
    assert main([*argv, "--out", str(tmp_path), "--quiet"]) == 0
    assert not _progress_lines(capsys.readouterr().err)


def test_a_plain_progress_line_counts_on_past_the_total(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """explore runs more examples than --examples (Hypothesis counts only those it keeps): a
    line reading "200/200 examples" while the search went on read as stuck (helper-196)."""
    monkeypatch.setattr(hoverify.progress, "PLAIN_SECONDS", 0.0)
    with Bar(" example", total=2) as bar:
        for _ in range(3):
            bar.done()
    assert _progress_lines(capsys.readouterr().err)[-2:] == [
        "hoverify: 0 s: 2/2 examples", "hoverify: 0 s: 3 examples, past the 2 expected"]


def _progress_lines(err: str) -> list[str]:
    """Stderr's lines but the warnings (a claim never exercised in a short run)."""
    return [line for line in err.splitlines() if not line.startswith("hoverify: warning: ")]


def test_explore_notes_each_finding_when_stderr_is_no_terminal(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A finding is noted as it is found, as above a terminal's bar (#8), and named as
    hoverify's like every other line it writes on stderr (a CI log interleaves them)."""
    main(["explore", "--variant", "tr33821-v070", "--examples", "20", "--out", str(tmp_path)])
    assert re.search(
        r"^hoverify: found key-separation \(not promised\), \d+ actions?, in example \d+$",
        capsys.readouterr().err, re.MULTILINE)


if __name__ == "__main__":
    text = COMMANDS_DOC.read_text()
    start = text.index("```sh\n") + len("```sh\n")
    COMMANDS_DOC.write_text(text[:start] + synopsis() + text[text.index("\n```", start):])


def test_an_early_hop_after_a_hop_without_a_path_switch_is_said(
        capsys: pytest.CaptureFixture[str]) -> None:
    """':early' holds the previous hop's Path Switch Acknowledge (TS 33.401 7.2.8.4.2); an
    S1 or intra-eNB hop has none, so the suffix changes nothing: said on stderr, not
    silently ignored."""
    assert main(["check", "--variant", "ts33401", "--hops", "s1,x2:early"]) == 0
    assert ("warning: hop 2's ':early' changes nothing: no Path Switch Acknowledge is due"
            in capsys.readouterr().err)
    # the X2 hop's acknowledgement stays held through the early intra-eNB hop
    for hops in ("x2,x2:early", "x2,intra-enb:early,x2:early"):
        main(["check", "--variant", "ts33401", "--hops", hops])
        assert "warning" not in capsys.readouterr().err, hops
    main(["check", "--variant", "ts33401", "--hops", "x2,intra-enb,x2:early"])
    assert "hop 3's ':early' changes nothing" in capsys.readouterr().err
    # helper-165 #8: a refused X2 preparation ends with no Path Switch either (TS 36.423
    # 8.2.1.3: the source is told, the UE stays)
    main(["check", "--variant", "ts33401", "--hops", "x2,x2:refused,x2:early"])
    assert ("hop 3's ':early' changes nothing: no Path Switch Acknowledge is due (only an X2 "
            "handover ends with one, TS 33.401 7.2.8.4.2, and hop 2 was refused)"
            in capsys.readouterr().err)


ROOT = Path(__file__).resolve().parent.parent
QUOTED = re.compile(r"`hoverify ([a-z]+)((?: [^`]*)?)`")


def test_every_quoted_command_line_names_options_that_exist() -> None:
    """What the README, docs/ and the committed report tell a user to type: each option of
    each quoted ``hoverify`` command line is one its subcommand takes (the report once told
    readers to run ``hoverify verify --all-findings``, an option verify never had)."""
    [subcommands] = [a.choices for a in build_parser()._actions
                     if isinstance(a, argparse._SubParsersAction)]
    for parser in subcommands.values():
        parser.format_help()  # explore's and verify's options are added when first used
    texts = [ROOT / "README.md", *(ROOT / "docs").glob("*.md"),
             *(ROOT / "reports" / "default").rglob("*.md")]
    quoted = [(path.name, m[1], m[2]) for path in texts
              for m in QUOTED.finditer(path.read_text(encoding="utf-8"))]
    assert len(quoted) > 50
    unknown = [(name, f"hoverify {sub}{rest}") for name, sub, rest in quoted
               if sub not in subcommands or any(
                   word.split("=")[0] not in subcommands[sub]._option_string_actions
                   for word in rest.split() if word.startswith("--"))]
    assert not unknown


def test_a_hop_whose_two_sides_disagree_shows_both_keys(
        capsys: pytest.CaptureFixture[str]) -> None:
    """review16: the UE's KeNB alone read as the hop's key. A UE that skips the NCC catch-up
    (TS 33.401 7.2.8.4.3) after a Path Switch that moved the NCC by two."""
    variant = str(ROOT / "tests" / "broken_variants" / "ue_skips_ncc_catch_up.py")
    assert main(["run", "--variant-file", variant, "--hops", "x2,s1", "--json"]) == 0
    hop = json.loads(capsys.readouterr().out)["hops"][1]
    assert hop["kenb_ue"] != hop["kenb_enb"]
    assert main(["run", "--variant-file", variant, "--hops", "x2,s1"]) == 0
    line = capsys.readouterr().out.splitlines()[-1]
    assert (f"UE {hop['derivation']} NCC {hop['ncc']}  KeNB UE {hop['kenb_ue']} target eNB "
            f"{hop['kenb_enb']}  DISAGREE, confirm REJECTED") in line


def test_a_hop_whose_sides_share_a_kenb_but_not_its_ncc_says_they_disagree(
        capsys: pytest.CaptureFixture[str]) -> None:
    """helper-173: the target eNB associates the NCC of X2AP AS-SecurityInformation with the
    KeNB* it takes as its KeNB (TS 33.401 7.2.8.4.2, TS 36.423 9.2.29), and the UE the NCC of
    the HO command with its own (7.2.8.4.3): the next hop's NH chain starts from each. enb-1
    sends NCC 1 beside its horizontal KeNB*, enb-2 writes NCC 0 into the HO command, so the
    UE derives horizontally too (its NCC is 0): one KeNB, two NCCs. key-agreement failed on
    the NCC while the run table read "agree"."""
    hops = ("x2:edit=HandoverRequest/AS-SecurityInformation/NCC=1"
            ":edit=HandoverRequestAcknowledge/container/NCC=0")
    args = ["check", "--variant", "ts33401", "--hops", hops,
            "--compromise", "enb-1@1", "--compromise", "enb-2@1"]
    main([*args, "--json"])
    doc = json.loads(capsys.readouterr().out)
    [hop] = doc["hops"]
    assert hop["kenb_ue"] == hop["kenb_enb"] and (hop["ncc"], hop["ncc_enb"]) == (0, 1)
    [agreement] = [c for c in doc["claims"] if c["name"] == "key-agreement"]
    assert agreement["verdict"] == "fails (not promised)"
    main(args)
    row = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("hop 1"))
    assert row.endswith(f"NCC 0  KeNB {hop['kenb_ue']}  after the edits HandoverRequest/"
                        "AS-SecurityInformation/NCC=1 and HandoverRequestAcknowledge/container/"
                        "NCC=0: DISAGREE on NCC (UE 0, target eNB 1), confirm verified")


def test_a_hop_that_never_ran_says_so_not_that_its_confirm_was_rejected(
        capsys: pytest.CaptureFixture[str]) -> None:
    """A target prepared by a replayed HandoverRequest waits for that UE (docs/limits.md), so
    the next handover to it gets no HO confirm through: there are no two sides to compare."""
    assert main(["run", "--variant", "ts33401", "--hops", "x2,x2:replay,x2@enb-2/cell-1"]) == 0
    *_, hop_2, hop_3 = capsys.readouterr().out.splitlines()
    assert hop_2.endswith("agree, confirm verified")
    assert hop_3.startswith("hop 3 ") and hop_3.endswith(
        "  no new KeNB  never completed: enb-2 refused X2AP HandoverRequest (X2AP "
        "HandoverRequest is not expected in state 'ho-prepared')")


def test_json_gives_no_target_key_for_a_hop_whose_target_took_none(
        capsys: pytest.CaptureFixture[str]) -> None:
    """review24 #5b: hop 11 never completed (the UE refused a HO command under the source
    keys of hop 10, where the two sides disagreed) and its target enb-2 took no new KeNB;
    ``kenb_enb`` showed the key enb-2 kept from hop 7, as if hop 11 had made it."""
    hops = "x2" + ",x2:early" * 8 + ",x2,x2"
    main(["check", "--json", "--variant", "ts33401", "--hops", hops])  # 1: promise broken
    doc = json.loads(capsys.readouterr().out)
    hop_7, hop_11 = doc["hops"][6], doc["hops"][10]
    assert hop_11["target_enb"] == hop_7["target_enb"] and not hop_11["confirm_sent"]
    assert hop_11["kenb_enb"] is None and hop_11["derivation_enb"] == "none"
    assert hop_7["kenb_enb"] is not None


def test_json_says_how_the_target_key_was_derived_beside_the_ues(
        capsys: pytest.CaptureFixture[str]) -> None:
    """review24 #5a: ``derivation`` is the UE's. Hop 8 is decided after the Path Switch
    Acknowledge of hop 7, which gave the source eNB NH(8), NCC 0: its KeNB* is vertical
    (TS 33.401 7.2.8.4.2); the UE, whose active KeNB has NCC 0 too, derives horizontally
    (7.2.8.4.3)."""
    hops = "x2" + ",x2:early" * 6 + ",x2"
    main(["check", "--json", "--variant", "ts33401", "--hops", hops])
    hop_8 = json.loads(capsys.readouterr().out)["hops"][7]
    assert (hop_8["derivation"], hop_8["derivation_enb"], hop_8["ncc"]) == (
        "horizontal", "vertical", 0)


@pytest.mark.parametrize("command", ["run", "check"])
def test_the_run_table_keeps_its_columns_past_hop_9(
        command: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Hop 10 and EARFCN-DL 1850 (four digits, where 68600 has five) shifted the columns
    after them (review19 #7): every row starts its type, its source eNB, its derivation and
    its KeNB where the others do."""
    main([command, "--variant", "ts33401", "--hops", ",".join(["x2", "s1"] * 6)])
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("hop ")]
    assert len(rows) == 12
    for word in (" x2 ", " s1 "), (" enb-",), (" horizontal ", " vertical "), (" KeNB ",):
        assert len({min(row.find(w) for w in word if w in row) for row in rows}) == 1, word


def test_an_edited_hop_says_its_edit_in_its_row(capsys: pytest.CaptureFixture[str]) -> None:
    """helper-205 #10: a source that names itself as the Target ID of its S1AP HANDOVER
    REQUIRED (TS 36.413 9.1.5.1) receives the HANDOVER REQUEST itself and refuses it for a cell
    it does not serve: the row read "enb-1 -> enb-3 ... refused by enb-1", a handover to the
    cell measured refused by its source. The row and ``--json`` say the edit."""
    edit = "HandoverRequired/target eNB='enb-1'"
    hops = ["--hops", f"s1@enb-3/cell-1:edit={edit},s1@enb-3/cell-1", "--compromise", "enb-1@1"]
    main(["check", "--variant", "seed-fs", "--topology", "small", *hops])
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("hop ")]
    assert rows[0].endswith(f"after the edit {edit}: refused by enb-1 (enb-3/cell-1 is not a "
                            "cell of enb-1)"), rows[0]
    assert "edit" not in rows[1], rows[1]
    main(["check", "--variant", "seed-fs", "--topology", "small", *hops, "--json"])
    assert [hop["edits"] for hop in json.loads(capsys.readouterr().out)["hops"]] == [[edit], []]


def test_a_compromise_given_twice_is_one(capsys: pytest.CaptureFixture[str]) -> None:
    """review46 #9: ``source@1`` and ``enb-1@1`` name the same compromise; the attacker was
    "radio observer + enb-1@1, enb-1@1"."""
    main(["check", "--variant", "ts33401", "--hops", "x2", "--compromise", "source@1",
          "--compromise", "enb-1@1", "--json"])
    assert json.loads(capsys.readouterr().out)["attacker"] == "radio observer + enb-1@1"


def test_a_compromise_written_twice_alike_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    """helper-229 #9: ``--compromise enb-1@1 --compromise enb-1@1`` ran without a word, where
    ``--faults compromise,compromise`` and any other option given twice are refused as a
    slip; two names of one compromise (``source@1``, ``enb-1@1``) stay one, as above."""
    assert main(["check", "--variant", "ts33401", "--hops", "x2", "--compromise", "enb-1@1",
                 "--compromise", "ENB-1@1"]) == 2
    assert capsys.readouterr().err == ("hoverify: error: --compromise ENB-1@1 is given twice; "
                                       "give it once\n")


@pytest.mark.parametrize(("run", "asked", "said"), [
    (30, 30, "30 examples"),
    (12, 30, "12 examples"),  # a search stopped early (every claim it aimed at found)
    (32, 30, "32 examples (more than --examples 30: Hypothesis counts only the examples it "
             "keeps, not those it discards)"),
])
def test_explore_says_why_it_ran_more_examples_than_asked(run: int, asked: int,
                                                          said: str) -> None:
    """review46: `explore --examples 200` reported 211 examples, unexplained."""
    assert examples_said(run, asked) == said


def test_a_failing_explore_ends_with_the_promises_it_broke(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """helper-198 #3, as verify: a search that broke a promise says so last, as one that
    broke none does. K_HO a constant breaks its promised S1 forward security."""
    path = Path(__file__).parent / "broken_variants" / "k_ho_constant.py"
    assert main(["explore", "--variant-file", str(path), "--examples", "20", "--seed", "1",
                 "--quiet", "--out", str(tmp_path)]) == 1
    printed = capsys.readouterr().out.splitlines()
    run = printed[0].split("): ")[1].split(" examples")[0]
    # then the promised claims it never tried (the rewrite fault is not this seed's)
    assert re.fullmatch(rf"(a promised claim FAILS|\d promised claims FAIL): [a-z -]*"
                        rf"forward-security[a-z -]*, in the {run} examples run(; and .*)?",
                        printed[-1])


def test_a_search_names_the_finding_files_an_earlier_run_left_in_its_out(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A second run into the same ``--out`` overwrites the files of the findings it finds
    again and keeps the others (nothing written is lost), which ``replay`` of the directory
    then reads beside its own: the run names those of its variant; another variant's and
    any other file are not its business."""
    argv = ["verify", "--variant", "tr33821-v070", "--max-handovers", "1", "--quiet",
            "--out", str(tmp_path)]
    main(argv)
    written = sorted(tmp_path.glob("*.json"))
    earlier = tmp_path / "tr33821-v070-handover-denial-not-promised.json"
    earlier.write_text(written[0].read_text())  # as an explore with rewrite would save it
    other = json.loads(written[0].read_text()) | {"variant": "ts33401", "parameters": {}}
    (tmp_path / "ts33401-key-separation-not-promised.json").write_text(json.dumps(other))
    (tmp_path / "notes.json").write_text("not a finding")
    capsys.readouterr()
    main(argv)
    out = capsys.readouterr().out.splitlines()
    assert (f"also in {tmp_path}: 1 finding file of tr33821-v070 this run did not write (an "
            f"earlier run's, kept): {earlier.name}") in out
    main([*argv, "--json"])
    assert json.loads(capsys.readouterr().out)["earlier_files"] == [str(earlier)]
    # one step completes no handover: no finding, each file is an earlier run's
    main(["explore", "--variant", "tr33821-v070", "--examples", "3", "--steps", "1",
          "--faults", "drop", "--seed", "1", "--quiet", "--out", str(tmp_path), "--json"])
    assert json.loads(capsys.readouterr().out)["earlier_files"] == [
        str(p) for p in sorted([*written, earlier])]


# a file in --out: its text, and whether a run of seed-fs with the bit in nas, which wrote
# written.json, names it as an earlier run's
EARLIER = {
    "the variant's, as placed": ({"variant": "seed-fs", "parameters": {"bit_placement": "nas"}},
                                 True),
    # the run judged the bit in nas; a file of the bit in alg-id is no finding of its variant
    # (its name says so: seed-fs-alg-id-..., as the run's own are seed-fs-nas-...)
    "the other placement's": ({"variant": "seed-fs",
                               "parameters": {"bit_placement": "alg-id"}}, False),
    "another variant's": ({"variant": "ts33401", "parameters": {}}, False),
    "JSON that is no object": ([{"variant": "seed-fs"}], False),
    "no JSON": ("not a finding", False),
    # helper-258: json's RecursionError ended verify, its findings saved, in a traceback
    "JSON nested too deeply": ("[" * 100_000 + "]" * 100_000, False),
    "this run's own": ({"variant": "seed-fs", "parameters": {"bit_placement": "nas"}}, False),
}


def test_an_earlier_run_s_file_is_one_of_the_same_variant_and_parameters(
        tmp_path: Path) -> None:
    """``earlier_findings``: "the finding files of ``variant`` in ``directory`` ... that a run
    which wrote ``written`` did not write". The variant is its name and its parameters, as
    every command names it (dev43: "seed-fs" alone did not say which placement was judged);
    a file that is not a finding, JSON or not, and a directory named like one, are "not the
    run's business": the run names none of them and goes on."""
    for case, (doc, _) in EARLIER.items():
        text = doc if isinstance(doc, str) else json.dumps(doc)
        (tmp_path / f"{case.replace(' ', '-')}.json").write_text(text)
    (tmp_path / "a-directory.json").mkdir()
    written = [tmp_path / "this-run's-own.json", None]  # None: a finding it could not save
    variant = load("seed-fs", "nas")
    assert hoverify.runs.earlier_findings(variant, tmp_path, written) == sorted(
        tmp_path / f"{case.replace(' ', '-')}.json" for case, (_, named) in EARLIER.items()
        if named)
    assert hoverify.runs.earlier_findings(variant, tmp_path / "none", []) == []


@pytest.mark.parametrize(("files", "said"), [
    ([], ""),
    (["v-forward-security.json"], "also in OUT: 1 finding file of v this run did not write (an "
                                  "earlier run's, kept): v-forward-security.json\n"),
    (["v-forward-security.json", "v-key-separation.json"],
     "also in OUT: 2 finding files of v this run did not write (an earlier run's, kept): "
     "v-forward-security.json, v-key-separation.json\n"),
])
def test_the_earlier_run_s_files_are_named_by_their_names_and_counted(
        files: list[str], said: str, capsys: pytest.CaptureFixture[str]) -> None:
    """``_print_earlier``: "the finding files of the variant an earlier run left in ``out``,
    which this one kept", each by its name in OUT (the JSON keeps the paths); nothing where
    there is none."""
    out = Path("OUT")
    hoverify.cli._print_earlier({"earlier_files": [str(out / f) for f in files],
                                 "variant": "v"}, out)
    assert capsys.readouterr().out == said


def test_explore_says_a_sample_proves_no_claim(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """helper-157: `explore --variant ts33401` with another seed printed "forward-security
    holds" where `verify --max-handovers 2` finds it failing (the Path Switch race, 13 steps),
    and ended there: nothing said a sample of interleavings proves no claim, as `verify` says
    "bound exhausted". Its last line says so, and names `verify`."""
    code = main(["explore", "--variant", "ts33401", "--examples", "3", "--steps", "4",
                 "--faults", "drop", "--seed", "1", "--quiet", "--out", str(tmp_path)])
    printed = capsys.readouterr().out.splitlines()
    run = printed[0].split("): ")[1].split(" examples")[0]
    assert code == 0
    assert printed[-1] == (
        f"no violation of a promised claim in the {run} examples run: a sample of the "
        "interleavings, not every one; `hoverify verify` searches every one within a bound, "
        "for the faults it is given; but 2 promised claims' situations never arose (vacuous): "
        "backward-security and forward-security (only a compromise makes them arise, and the "
        "faults had no compromise)")
    assert printed[-2].startswith("faults not searched: compromise, duplicate, refuse, replay, "
                                  "rewrite (explore's default has them)")


def test_explore_and_verify_name_the_promised_claims_they_never_tried_alike(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A newcomer: a search in which no promised claim met its situation ended "no violation
    of a promised claim ...", exit 0, as if it proved something. explore and verify end with
    the same words for them (``search_end_text``), after where they searched; the exit code
    stays 0 (docs/commands.md)."""
    options = ["--variant", "seed-fs", "--faults", "", "--quiet"]
    assert main(["explore", *options, "--examples", "3", "--steps", "6",
                 "--out", str(tmp_path / "explore")]) == 0
    explored = capsys.readouterr().out.splitlines()[-1]
    assert main(["verify", *options, "--max-handovers", "1",
                 "--out", str(tmp_path / "verify")]) == 0
    verified = capsys.readouterr().out.splitlines()[-1]
    said = ("; but 3 promised claims' situations never arose (vacuous): backward-security "
            "and forward-security (only a compromise makes them arise, and the faults had no "
            "compromise); downgrade-resistance (only an edit makes it arise, and the faults "
            "had neither rewrite nor compromise)")
    assert explored.startswith("no violation of a promised claim in the ")
    assert explored.endswith(said) and verified.endswith(said)


def test_a_saved_finding_s_replay_command_is_quoted_as_a_shell_reads_it() -> None:
    """helper-267 #7: `--out 'o p'` printed `(hoverify replay o p/F.json)`, which a shell
    reads as two files; quoted as the check line and found_by's command are."""
    end = _finding_end({"check": None, "check_unavailable": "why", "file": "o p/F.json"})
    assert end[-1] == "  saved: o p/F.json  (hoverify replay 'o p/F.json')"
