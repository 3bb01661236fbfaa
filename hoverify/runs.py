"""From command-line arguments to a scenario run, and from a run to its JSON document.

The exploration code (and Hypothesis with it) is imported only by the functions for explore,
verify and replay, so that ``run`` and ``check`` do not load it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hoverify.dry_run import dry_run_error
from hoverify.errors import UsageError
from hoverify.properties.adversary import (
    DEFAULT,
    EDIT_SEARCH,
    KASME,
    Adversary,
    protocol_followed,
)
from hoverify.properties.attacker import Attacker, Compromise
from hoverify.properties.claims import (
    CLAIMS,
    INVARIANTS,
    ClaimResult,
    situation,
    unexercised_keys,
)
from hoverify.properties.downgrade import Writable
from hoverify.properties.evaluate import Evaluation, evaluate
from hoverify.properties.hop_edits import HopEdits, editor, held
from hoverify.properties.hop_list import hop_list
from hoverify.reports.status import DRY_RUN_STOPPED, HOLDS, NA, STOPPED, VACUOUS
from hoverify.reports.words import (
    ROW_WORDS,
    UNTESTED,
    refusal_text,
    row_word,
    verdict_status,
    verdict_word,
)
from hoverify.shell import shell_join
from hoverify.statemachines import crypto
from hoverify.statemachines.entity import VariantError
from hoverify.statemachines.messages import Kind, Message
from hoverify.statemachines.names import did_you_mean, raised_text, word_list
from hoverify.statemachines.scenario import (
    REQUESTS,
    HopError,
    HopSpec,
    RouteError,
    Run,
    parse_hops,
    run_scenario,
)
from hoverify.statemachines.system import UE, Step, first_refusals
from hoverify.statemachines.topology import (
    SHIPPED,
    HopType,
    Topology,
    TopologyError,
    default_topology,
    load_topology,
    small_topology,
)
from hoverify.statemachines.variant import AsKeys, KeySchedule, variant_text
from hoverify.statemachines.variants import BUILT_IN, load

if TYPE_CHECKING:
    from hoverify.properties.exploration import Action, Finding
    from hoverify.properties.explore import ExploreResult

KASME_OCTETS = 32
# the width of the claims' names where a command lists them, a verdict beside each
NAME_COLUMN = max(map(len, (*CLAIMS, *INVARIANTS)))
# ... and of those verdicts (helper-207: 21 wide, "fails (outside the promise)" overflowed it)
VERDICT_COLUMN = max(map(len, ROW_WORDS))


def arose_text(arose: int) -> str:
    """Beside a claim's verdict, how many times its situation (the case it judges) arose,
    said as a count of that (newcomer #4: "holds  sometimes 2" read as a qualifier of the
    verdict, "holds sometimes"); 0 beside the verdict that says what that means (vacuous,
    n/a, not judged)."""
    return f"its situation arose {arose} time{'' if arose == 1 else 's'}"


def claim_row(claim: Mapping[str, Any], so_far: bool = False) -> str:
    """A claim's row where check and replay (``claim_document``), explore and verify
    (``search_claims``) list the claims: its name, its verdict (``row_word``; ``so_far``: of
    a search stopped before its bound was exhausted) and how many times its situation arose,
    each in its column."""
    word = row_word(claim["verdict"], claim["outside_promise"], so_far)
    return (f"{claim['name']:<{NAME_COLUMN}} {word:<{VERDICT_COLUMN}} "
            f"{arose_text(claim['sometimes'])}")


def parse_kasme(text: str, option: str = "--kasme") -> bytes:
    digits = "".join(text.split())
    wrong = next((c for c in digits if c not in "0123456789abcdefABCDEF"), None)
    if wrong is not None:
        raise UsageError(f"{option} {text!r}: not hexadecimal ({wrong!r} at position "
                         f"{digits.index(wrong) + 1}); KASME is {2 * KASME_OCTETS} hex digits")
    if len(digits) % 2:
        raise UsageError(f"{option} {text!r}: odd length ({len(digits)} hex digits; two per "
                         f"octet); KASME is {2 * KASME_OCTETS} hex digits")
    if len(digits) != 2 * KASME_OCTETS:
        raise UsageError(f"{option} {text!r}: {len(digits) // 2} octets; KASME is "
                         f"{KASME_OCTETS} octets ({2 * KASME_OCTETS} hex digits)")
    return bytes.fromhex(digits)


def resolve_variant(args: argparse.Namespace) -> KeySchedule:
    """``--variant NAME`` (built in) or ``--variant-file PATH`` (a reviewer's file): exactly
    one, as the parser's group of the two requires (``hoverify.cli``)."""
    name, path = args.variant, args.variant_file
    if path is not None:
        from hoverify.variant_file import load_variant_file  # only for a reviewer's file

        return load_variant_file(path, args.bit_placement)
    base, slash, placement = name.partition("/")
    if slash and base in BUILT_IN:  # the report's name for one bit placement
        raise UsageError(f"--variant {name}: did you mean --variant {base} "
                         f"--bit-placement {placement}?")
    if name.endswith(".py"):  # a reviewer's file given as a name (helper-224)
        raise UsageError(f"--variant {name}: a variant file is given with --variant-file "
                         f"{name}; --variant takes a built-in name ({', '.join(BUILT_IN)})")
    try:
        return load(name, args.bit_placement)
    except ValueError as error:
        raise UsageError(str(error)) from None


def resolve_topology(path: str | None, shipped: Callable[[], Topology]) -> Topology:
    """``--topology FILE``, validated before anything runs, else the command's own."""
    return shipped() if path is None else read_topology(path)


def read_topology(text: str) -> Topology:
    try:
        return load_topology(topology_path(text))
    except TopologyError as error:
        raise UsageError(f"--topology {error}") from None


SHIPPED_NAME = re.compile(r"[a-z0-9-]+")


def topology_path(text: str) -> str:
    """The file ``--topology TEXT`` names: a file, or a shipped topology by name
    (``default``, ``small``: the files in statemachines/topologies/, as a finding file names
    the one it was found on) where no file of that name exists."""
    if SHIPPED_NAME.fullmatch(text) and not Path(text).exists():
        names = sorted(p.stem for p in SHIPPED.glob("*.toml"))
        if text not in names:
            raise UsageError(f"--topology {text}: no such file, nor a shipped topology "
                             f"({', '.join(names)}){did_you_mean(names, text)}")
        return str(SHIPPED / f"{text}.toml")
    return text


@dataclass(frozen=True)
class HopsOption:
    """The hops of ``--hops H,H,...`` or ``--hops @FILE``, and where each was given, so that
    every problem with hop N is one line "--hops[ @FILE: line L]: hop N TEXT: problem"."""

    text: str  # as given
    hops: tuple[HopSpec, ...]
    lines: tuple[int, ...] = ()  # from a file: the line of each hop

    def error(self, error: ValueError) -> UsageError:
        where = "--hops" if not self.text.startswith("@") else f"--hops {self.text}"
        if isinstance(error, HopError) and self.lines:
            where += f": line {self.lines[error.number - 1]}"
        return UsageError(f"{where}: {error}")


def hop_specs(text: str) -> HopsOption:
    """``--hops H,H,...``, or ``--hops @FILE``: the same hops read from a file, one a line
    or comma-separated, ``#`` starting a comment (for sequences too long for a command line),
    numbered across the lines. A bad file or hop is one UsageError line. The first hop cannot
    be ':early'."""
    if not text.startswith("@"):
        option = HopsOption(text, ())
        try:
            option = HopsOption(text, parse_hops(text))
        except ValueError as error:
            raise option.error(error) from None
    else:
        option = _hops_file(text)
    if option.hops[0].early:
        raise option.error(HopError(1, option.hops[0], (
            "the first hop cannot be ':early': there is no previous hop whose Path Switch "
            "Acknowledge it could race")))
    return option


def _hops_file(text: str) -> HopsOption:
    path = text[1:]
    if not path.strip():
        raise UsageError("--hops @: no file named after '@' (--hops @FILE)")
    try:
        # utf-8-sig: a byte-order mark, which a Windows editor writes, is no part of a hop
        lines = Path(path).read_text(encoding="utf-8-sig").splitlines()
    except OSError as error:
        raise UsageError(f"--hops @{path}: cannot read ({error.strerror})") from None
    except UnicodeDecodeError as error:
        raise UsageError(f"--hops @{path}: not a text file ({error.reason})") from None
    hops: list[HopSpec] = []
    numbers: list[int] = []
    for number, line in enumerate(lines, start=1):
        listed = line.partition("#")[0].strip()
        if not listed:
            continue
        try:
            found = parse_hops(listed.removesuffix(","), first=len(hops) + 1)
        except ValueError as error:
            raise UsageError(f"--hops {text}: line {number}: {error}") from None
        hops += found
        numbers += [number] * len(found)
    if not hops:
        raise UsageError(f"--hops @{path}: no hop in the file (one hop type a line, or "
                         "comma-separated; '#' starts a comment)")
    return HopsOption(text, tuple(hops), tuple(numbers))


def scenario_run(args: argparse.Namespace, option: HopsOption | None = None) -> Run:
    """The run ``args`` name; ``option``: their ``--hops``, if already read."""
    variant = resolve_variant(args)
    topology = resolve_topology(args.topology, default_topology)
    option = option or hop_specs(args.hops)
    hops = option.hops
    # an acknowledgement is held while hops stay ':early', from the X2 hop that brought it
    held = False
    for number, (before, hop) in enumerate(pairwise(hops), start=2):
        # a refused preparation sends no Path Switch Request (TS 36.423 8.2.1.3)
        held = (before.type is HopType.X2 and not before.refused) or (before.early and held)
        if hop.early and not held:  # said, not silently run as usual
            why = "was refused" if before.refused else f"is {before.type.value}"
            print(f"hoverify: warning: hop {number}'s ':early' changes nothing: no Path Switch "
                  "Acknowledge is due (only an X2 handover ends with one, TS 33.401 "
                  f"7.2.8.4.2, and hop {number - 1} {why})", file=sys.stderr)
    # TS 24.301 4.4.3.1: a NAS COUNT is 24 bits (NAS overflow, 16; sequence number, 8), put
    # in the 32-bit KDF parameter with 8 zero bits in front (TS 33.401 A.3)
    if not 0 <= args.ul_nas_count <= crypto.NAS_COUNT_MAX:
        raise UsageError(f"--ul-nas-count must be in 0..{crypto.NAS_COUNT_MAX} (a NAS COUNT is "
                         f"24 bits, TS 24.301 4.4.3.1), got {args.ul_nas_count}")
    rewrite = (HopEdits(hops, Writable.of(variant, topology))
               if any(hop.edits for hop in hops) else None)
    try:
        run = run_scenario(variant, hops, kasme=parse_kasme(args.kasme),
                           ul_nas_count=args.ul_nas_count, seed=args.seed, topology=topology,
                           rewrite=rewrite)
    except RouteError as error:  # a hop the topology cannot realise: said with the topology
        raise option.error(HopError(error.number, error.hop, f"{error.problem} (topology "
                                             f"{args.topology or 'default'})")) from None
    except HopError as error:  # an edit its message does not have
        raise option.error(error) from None
    missed = rewrite.missed() if rewrite is not None else []
    if missed:
        raise option.error(missed[0])
    return run


def warn_never_started(run: Run) -> None:
    """A warning for each hop whose start (the UE's measurement, its report to the serving
    eNB) was refused: the hop before it left the UE or its serving eNB waiting (the UE
    refused an edited HO command, the target a HO confirm on other keys), or the variant's
    source eNB declined it (helper-247 #1: the warning blamed an earlier hop where there was
    none). Said once the command line is known good (an error is its one line)."""
    ended = {hop.number for hop in run.hops if hop.confirm_verified}
    for step in run.system.steps:
        if not step.outcome.accepted and step.message.kind in (Kind.MEASUREMENT_TRIGGER,
                                                               Kind.RRC_MEASUREMENT_REPORT):
            waiting = ("; an earlier hop never ended there, and the model has no "
                       "TX2RELOCoverall or TS1RELOCOverall expiry (TS 36.423 8.2.1, TS 36.413 "
                       "8.4.1) to end it" if step.hop > 1 and step.hop - 1 not in ended
                       else "")
            print(f"hoverify: warning: hop {step.hop} never started: {step.message.receiver} "
                  f"refused {step.message.kind.title} ({step.outcome.reason}){waiting}",
                  file=sys.stderr)


def _hex(value: bytes | None) -> str | None:
    return value.hex() if value is not None else None


def _algorithm_keys(keys: AsKeys | None, suffix: str = "") -> dict[str, str | None]:
    """The RRC and UP keys (TS 33.401 A.7), by name, each with ``suffix``."""
    return {f"{name}{suffix}": _hex(getattr(keys, name) if keys is not None else None)
            for name in ("krrc_int", "krrc_enc", "kup_enc")}


def refusal_entry(step: Step) -> dict[str, str]:
    """Where a handover that never completed stopped, as check's and replay's ``--json`` give
    it: the first message of it refused, by whom and why (``reports.words.refusal_text``)."""
    return {"by": step.message.receiver, "message": step.message.kind.title,
            "reason": step.outcome.reason}


def document(run: Run) -> dict[str, Any]:
    # the eNB that refused the hop's preparation and answered so: by admission control
    # (``:refused``), or as the eNB a Target ID edit named, for a cell it does not serve
    refused_by: dict[int, str] = {}
    for step in run.system.steps:
        if step.message.kind in REQUESTS and not step.outcome.accepted and step.outcome.sent:
            refused_by.setdefault(step.hop, step.message.receiver)
    # the first message of each hop its receiver refused: where one that never completed
    # stopped (helper-170 #2: a hop after one that never ended read "never completed" alone)
    stopped = {hop: refusal_entry(step) for hop, step in first_refusals(run.system.steps).items()}
    return {
        "variant": run.variant.name,
        "parameters": dict(run.variant.parameters),
        "kasme": run.kasme.hex(),
        "initial": {"kenb": _hex(run.initial_kenb), "ncc": run.variant.initial_ncc(),
                    "ul_nas_count": run.ul_nas_count, "enb": run.initial_enb,
                    "c_rnti": run.initial_c_rnti, **_algorithm_keys(run.initial_as_keys)},
        "hops": [
            {"number": hop.number, "type": hop.spec.type.value, "early": hop.spec.early,
             "edits": list(hop.spec.edits),
             "refused": refused_by.get(hop.number), "stopped": stopped.get(hop.number),
             "source_enb": hop.source_enb, "target_enb": hop.target_enb,
             "target_cell": {"name": hop.target_cell.name, "pci": hop.target_cell.pci,
                             "earfcn_dl": hop.target_cell.earfcn_dl},
             "ncc": hop.ncc, "derivation": hop.derivation,
             "kenb_enb": _hex(hop.kenb_enb), "ncc_enb": hop.ncc_enb,
             "derivation_enb": hop.derivation_enb,
             "kenb_ue": _hex(hop.kenb_ue), "c_rnti": hop.c_rnti_ue,
             **_algorithm_keys(hop.as_keys_ue, "_ue"),
             "confirm_sent": hop.confirm_sent, "confirm_verified": hop.confirm_verified}
            for hop in run.hops
        ],
    }


# the run table's columns before the KeNB: each as wide as its widest cell (hop 10 and
# EARFCN-DL 1850 shift nothing), at least this wide (the hop types and derivation words),
# and the separator after it
RUN_COLUMNS = ((0, " "), (len("intra-enb"), " "), (0, " "), (0, " "), (len("horizontal"), " "),
               (len("NCC 0"), "  "))


def run_text(doc: dict[str, Any]) -> str:
    lines = [f"variant {variant_text(doc['variant'], doc['parameters'])}",
             f"KASME {doc['kasme']}",
             f"initial KeNB {doc['initial']['kenb']} at {doc['initial']['enb']}"]
    rows = [_hop_cells(hop) for hop in doc["hops"]]
    widths = [max((len(row[i]) for row in rows), default=0) for i in range(len(RUN_COLUMNS))]
    for *row, kenb, status in rows:
        lines.append("".join(f"{cell:<{max(floor, width)}}{separator}" for cell, width,
                             (floor, separator) in zip(row, widths, RUN_COLUMNS, strict=True))
                     + f"{kenb}  {status}")
    return "\n".join(lines)


def _hop_cells(hop: dict[str, Any]) -> tuple[str, ...]:
    """One hop's row of the run table: the cells of ``RUN_COLUMNS``, its KeNB, its status."""
    same_kenb = hop["kenb_enb"] == hop["kenb_ue"]
    # on one KeNB, each side holds an NCC with it (TS 33.401 7.2.8.4): the next hop's NH
    # chain starts there, and key-agreement compares both (helper-173: "agree" beside its
    # failure on NCC alone)
    agree = ("DISAGREE" if not same_kenb
             else "agree" if hop["ncc_enb"] == hop["ncc"]
             else f"DISAGREE on NCC (UE {hop['ncc']}, target eNB {hop['ncc_enb']})")
    confirm = "confirm verified" if hop["confirm_verified"] else "confirm REJECTED"
    # no HO confirm reached the target: there are no two sides' keys to compare
    stopped = hop["stopped"]
    # a refused preparation with why (helper-250: a target's hook refusing it, with no
    # adversary action, read as admission control's ``:refused``)
    status = (f"{agree}, {confirm}" if hop["confirm_sent"]
              else f"refused by {hop['refused']} ({stopped['reason']})" if hop["refused"]
              else "never completed: " + refusal_text(**stopped) if stopped
              else "never completed")
    if hop["edits"]:  # helper-205 #10: a Target ID edit's hop read as a handover to the cell
        # measured, "refused by" the eNB the edit named
        status = (f"after the edit{'s' * (len(hop['edits']) > 1)} {word_list(hop['edits'])}: "
                  + status)
    ncc = "no NCC" if hop["ncc"] is None else f"NCC {hop['ncc']}"  # a variant without NH
    derivation = hop["derivation"]  # the UE's
    if not hop["confirm_sent"]:  # the UE took no HO command: its KeNB is the one before
        kenb = "no new KeNB"
    elif same_kenb:
        kenb = f"KeNB {hop['kenb_ue']}"
    else:  # both sides' keys (review16: the UE's alone read as the hop's key), and whose
        # derivation the column shows (review17: the target's may differ)
        kenb = f"KeNB UE {hop['kenb_ue']} target eNB {hop['kenb_enb']}"
        derivation = f"UE {derivation}"
    return (f"hop {hop['number']}", hop["type"], f"{hop['source_enb']} -> {hop['target_enb']}",
            f"(PCI {hop['target_cell']['pci']}, EARFCN-DL {hop['target_cell']['earfcn_dl']})",
            derivation, ncc, kenb, status)


def parse_compromises(texts: list[str], run: Run) -> Attacker | None:
    """``WHO@HOP``: an eNB name, ``source``/``target`` of hop HOP, ``ue``, an MME name, or a
    key revealed from hop HOP on: ``KASME`` or a key the variant delegates (``K_HO``)."""
    if not texts:
        return None
    keys = (KASME, *run.variant.delegated_keys())
    parties = (*run.topology.enbs, UE, *run.topology.mmes)
    compromises = []
    for number, text in enumerate(texts):
        if text.lower() in (t.lower() for t in texts[:number]):  # as an option given twice
            raise UsageError(f"--compromise {text} is given twice; give it once")
        who, sep, hop_text = text.partition("@")
        if not sep or not hop_text.isdigit():
            raise UsageError(f"--compromise takes WHO@HOP (e.g. enb-2@1, source@1, ue@1, "
                             f"KASME@2), got {text!r}")
        hop = int(hop_text)
        if not 1 <= hop <= len(run.hops):
            raise UsageError(f"--compromise {text}: hop must be in 1..{len(run.hops)}, "
                             f"got {hop}")
        # names as written anywhere else, in any case: kasme@1, UE@1, ENB-1@1
        who = next((name for name in (*keys, *parties, "source", "target")
                    if name.lower() == who.lower()), who)
        if who in ("source", "target"):
            result = run.hops[hop - 1]
            who = result.source_enb if who == "source" else result.target_enb
        elif who not in (*parties, *keys):
            raise UsageError(f"--compromise {text}: unknown {who!r} (known: "
                             f"{', '.join(parties)}, source/target, or a key: "
                             f"{', '.join(keys)})"
                             f"{did_you_mean((*parties, 'source', 'target', *keys), who)}")
        compromises.append((Compromise(who, hop), text))
    for compromise, text in compromises:
        first, first_text = min(((c, t) for c, t in compromises if c.entity == compromise.entity),
                                key=lambda named: named[0].hop)
        if first.hop < compromise.hop:  # J1: the attacker read "enb-1@1, enb-1@3"
            taken = "revealed" if compromise.entity in keys else "compromised"
            raise UsageError(f"--compromise {text}: {compromise.entity} is {taken} from hop "
                             f"{first.hop} on already (--compromise {first_text}): a "
                             f"compromise lasts to the end of the run")
    # one compromise named twice (source@1 and enb-1@1) is one (review46)
    return Attacker(tuple(dict.fromkeys(c for c, _ in compromises)))


def check_editors(run: Run, attacker: Attacker | None) -> None:
    """Each edit the hops name is made by an eNB ``--compromise`` holds from that hop or
    earlier, as in ``explore`` and ``verify`` (``hoverify.properties.hop_edits.editor``): the
    message's receiver, which may make any edit of what it relays, or its sender, which may
    make any edit of what it builds but add no field; a coalition holding both either
    (``edits_among``). An edit no compromised eNB makes is a HopError. The edits are those
    of one hop (``check_evaluation`` refused more before the run): the engine keeps the first
    failure of each claim, so a second edited hop's failure would read as a hold (``verify``
    makes one edit per path)."""
    for number, original in sorted(run.edited.items()):
        step = run.system.steps[number]
        spec = run.hops[step.hop - 1].spec
        ends = [e for e in (original.receiver, original.sender) if e in run.topology.enbs]
        if attacker is None:
            raise HopError(step.hop, spec, f"its edit of {original} needs its editor "
                           "compromised: add --compromise "
                           f"{' or '.join(f'{e}@{step.hop}' for e in ends) or 'an eNB'}")
        ends_held = held(original, attacker, ends)
        if not ends_held:
            raise HopError(step.hop, spec, f"its edit of {original}: no eNB of it "
                           f"({', '.join(ends) or 'none'}) is compromised from hop "
                           f"{step.hop} or earlier (--compromise)")
        if editor(run, number, attacker) is None:
            # both ends make every edit that has a name (``hop_edits.everything``)
            (who,) = ends_held
            raise HopError(step.hop, spec, f"its edit of {original}: "
                           f"{_not_its_editors(original, who, run.topology.enbs)}")


def _not_its_editors(message: Message, who: str, enbs: Collection[str]) -> str:
    """Why ``who``, the one end of ``message`` that ``check``'s attacker holds, cannot make
    the edit the hops name, which the other end would (``edits_among``). What each end may
    edit is the docs' to say, not each refusal's (text38: it was ~60 words here). agree37: a
    relay's refusal named the receiver as the sender; edit38: a coalition holding both ends
    makes either's edits, never refused here."""
    if who == message.sender:
        role, other, other_role, does = "sender", message.receiver, "receiver", "relays"
    else:
        role, other, other_role, does = "receiver", message.sender, "sender", "builds"
    needs = f", and {other} is no eNB" if other not in enbs else f": that needs {other} compromised"
    return (f"its {role} {who} may not make this edit; only its {other_role} {other}, which "
            f"{does} it, may{needs} (who edits what: docs/commands.md)")


def check_evaluation(args: argparse.Namespace, adversary: Callable[[KeySchedule], Adversary]
                     ) -> tuple[Run, Evaluation]:
    """What ``check`` judges: its run, and every claim over it (``adversary``: the attacker
    model for the run's variant)."""
    option = hop_specs(args.hops)
    edited = [number for number, hop in enumerate(option.hops, start=1) if hop.edits]
    if len(edited) > 1:  # before the run: a later hop's edit may find nothing to edit, where
        # an earlier edit left its source waiting (helper-178: that error named the later hop)
        raise UsageError(f"--hops: hops {', '.join(map(str, edited))} name edits: check judges "
                         "the edits of one hop per run")
    run = scenario_run(args, option)
    attacker = parse_compromises(args.compromise, run)
    try:
        check_editors(run, attacker)
    except HopError as error:  # said where the hop was given, as every --hops error
        raise option.error(error) from None
    return run, evaluate(run, attacker, adversary(run.variant))


def gives(evaluation: Evaluation, claim: str, word: str) -> bool:
    """Whether ``check``'s verdicts of ``claim`` say ``word``: a failure in those words
    (promised, not promised, or outside the promise for the same reason: a finding's,
    ``finding_word``) among them, or the claim holding (``HOLDS``: not vacuous, not n/a)."""
    results = [c for c in (*evaluation.claims, *evaluation.invariants) if c.name == claim]
    if word == HOLDS:  # untested holds too
        return any(claim_word(c) in (HOLDS, UNTESTED) for c in results)
    return any(verdict_word(verdict_status(False, v.promised), v.outside) == word
               for c in results for v in c.verdicts if not v.holds)


EDITS_ONLY = protocol_followed(f"a hop's ':edit=' and {EDIT_SEARCH}")


def _compromises_an_enb(run: Run, evaluation: Evaluation) -> bool:
    """Whether the run's attacker holds an eNB: every per-hop one does, ``--compromise``'s
    where it names one."""
    attacker = evaluation.attacker
    return attacker is None or bool(attacker.entities & set(run.topology.enbs))


def check_document(run: Run, evaluation: Evaluation, evidence: bool = True) -> dict[str, Any]:
    """``evidence``: every verdict's witness or cut, as ``check --json`` and the report give
    them (``check_text`` shows only each claim's first, and a verdict's is made when read)."""
    doc = document(run)
    doc["attacker"] = str(evaluation.attacker) if evaluation.attacker else (
        "per hop: its source eNB (forward security, backward security, downgrade, denial, "
        "fake-cell capture) and its target eNB (forward security, backward security), each "
        "compromised from that hop on")
    doc["attacker_model"] = evaluation.adversary.to_json(
        doc["attacker"] + (EDITS_ONLY if _compromises_an_enb(run, evaluation) else ""),
        [str(message) for _, message in run.replayed])
    doc["claims"] = [claim_document(claim, evidence) for claim in evaluation.claims]
    doc["invariants"] = [claim_document(claim, evidence) for claim in evaluation.invariants]
    doc["vacuous"] = evaluation.vacuous
    doc["compromise"] = evaluation.attacker is not None
    doc["derivable_hops"] = evaluation.derivable_hops
    doc["promise_broken"] = evaluation.promise_broken
    return doc


def claim_document(claim: ClaimResult, evidence: bool = True) -> dict[str, Any]:
    """A claim's verdict in the words of the report's legend (``hoverify.reports.words``), with each
    hop's verdict (and, with ``evidence``, its witness or cut) and the witness or cut of the
    one shown."""
    entry: dict[str, Any] = {"name": claim.name, "verdict": claim_word(claim),
                             "applies": claim.applies,
                             "promised": claim.promised, "holds": claim.holds,
                             "promise_broken": claim.promise_broken,
                             "outside_promise": claim.outside,
                             "sometimes": claim.sometimes, "vacuous": claim.vacuous,
                             "not_judged": list(claim.not_judged),
                             "never_arose": list(claim.never_arose)}
    failing = claim.shown
    if failing is not None:
        entry["witness"] = [f"hop {failing.hop}, {failing.attacker}: {failing.detail}",
                            *failing.witness]
    else:
        first = claim.verdicts[0] if claim.verdicts else None
        # with no verdict and no hop left out, the claim's situation never arose (review46:
        # "no hop of this run to which the claim applies" named no situation)
        none = f"its situation never arose in this run (the situation: {situation(claim.name)})"
        entry["cut"] = ([f"hop {first.hop}, {first.attacker}: {first.detail}", *first.cut]
                        if first else unjudged_lines(entry) or [none])
    entry["verdicts"] = [
        {"hop": v.hop, "attacker": v.attacker,
         "verdict": verdict_word(UNTESTED if v.untested else
                                 verdict_status(v.holds, v.promised and not v.holds), v.outside),
         "holds": v.holds, "promised": v.promised, "outside_promise": v.outside,
         "detail": v.detail, "n_hops": v.n_hops,
         **(({"witness": list(v.witness)} if not v.holds else {"cut": list(v.cut)})
            if evidence else {})}
        for v in claim.verdicts]
    return entry


def claim_word(claim: ClaimResult) -> str:
    """A claim's verdict over a run, in the words of the report's legend: ``untested`` where
    forward security holds but the run could not have broken its promise, as ``verify``
    says of a promise its bound cannot break (``search_claims``)."""
    status = (VACUOUS if claim.vacuous else NA if not claim.applies else
              UNTESTED if claim.untested else verdict_status(claim.holds, claim.promise_broken))
    return verdict_word(status, claim.outside)


def check_text(doc: dict[str, Any]) -> str:
    """Per claim, then per model invariant, as ``verify`` and ``explore`` list them
    (review46: an invariant was named only when broken): its verdict, one line per hop's
    verdict (each attacker), then the witness or cut of the verdict shown (the first that
    breaks a promise, else the first failure)."""
    lines = [run_text(doc), f"attacker: {doc['attacker_model']['text']}"]
    for claim in (*doc["claims"], *doc["invariants"]):
        lines += claim_text(claim)
    derivable = doc["derivable_hops"]
    lines.append(f"{derivable_label(doc)}: {hop_list(derivable) if derivable else 'none'}")
    return "\n".join(lines)


def claim_text(claim: dict[str, Any]) -> list[str]:
    """One claim of ``check_text`` (``claim_document``): its row (``claim_row``: a failure
    outside the promise without the assumption, which its hop lines name), one line per hop's
    verdict (each attacker), then the witness or cut of the verdict shown; ``replay`` prints
    the replayed finding's claim so."""
    lines = [claim_row(claim)]
    lines += [f"    {verdict_text(v)}" for v in claim["verdicts"]]
    lines += [f"    {line}" for line in unjudged_text(claim)]
    heading, evidence = claim_evidence(claim)
    if heading:
        lines.append(f"    {heading}")
    return lines + [f"{'        ' if heading else '    '}{line}" for line in evidence]


def unjudged_text(claim: dict[str, Any]) -> list[str]:
    """Beside a claim's verdicts, each attacker or hop it did not judge, and why, and each
    whose situation did not arise (without verdicts, its cut says so: ``claim_document``)."""
    return unjudged_lines(claim) if claim["verdicts"] else []


def unjudged_lines(claim: dict[str, Any]) -> list[str]:
    """Each attacker or hop a claim (``claim_document``) did not judge, and why, then each
    whose situation did not arise (vacuous, promised; agree37)."""
    return [*(f"not judged: {why}" for why in claim["not_judged"]),
            *(f"not exercised: {why}" for why in claim["never_arose"])]


def verdict_text(verdict: dict[str, Any]) -> str:
    """One hop's verdict (of ``claim_document``) as ``check`` prints it."""
    return (f"hop {verdict['hop']}, {verdict['attacker']}: {verdict['verdict']}: "
            f"{verdict['detail']}")


def claim_evidence(claim: dict[str, Any]) -> tuple[str, list[str]]:
    """What ``check`` prints under a claim's verdict lines, as (heading, lines): "cut of" or
    "witness of" the verdict shown ("cut of hop 1, radio observer + enb-2@1:") and its first
    13 lines; with no verdict, no heading and why not ("its situation never arose in this run");
    nothing when that verdict has no cut or witness lines. The report gives the same."""
    evidence = claim.get("witness", claim.get("cut", []))
    if not claim["verdicts"]:
        return "", list(evidence)
    if not evidence[1:]:
        return "", []
    kind = "witness" if "witness" in claim else "cut"
    return f"{kind} of {evidence[0].partition(':')[0]}:", evidence[1:14]


def derivable_label(doc: dict[str, Any]) -> str:
    """Whose knowledge ``derivable_hops`` is: the ``--compromise`` attacker, or without one a
    radio observer alone (each claim above judged its own per-hop attackers)."""
    who = doc["attacker"] if doc.get("compromise") else "a radio observer alone"
    return f"KeNB derivable by {who} at the end of the run, hops"


def variant_error_document(error: VariantError) -> dict[str, Any]:
    """A variant hook (or the model) raised during a run: the finding ``variant-error``,
    which fails the command (exit 1) like a broken promise; the run stops at that step."""
    from hoverify.properties.exploration import VARIANT_ERROR

    return {"claim": VARIANT_ERROR, "promised": True, "hook": error.hook,
            "handler": error.handler, "entity": error.entity,
            "exception": raised_text(error.error), "where": error.where,
            "step": error.step, "hop": error.hop, "message": str(error.message.kind.title),
            "detail": str(error)}


def variant_error_text(doc: dict[str, Any]) -> str:
    stopped = DRY_RUN_STOPPED if "dry_run_hops" in doc else STOPPED
    return f"{doc['claim']:<{NAME_COLUMN}} {stopped}: {doc['detail']}"


@dataclass(frozen=True)
class DryRunFinding:
    """The finding ``variant-error`` of a variant file's dry run, which the command's own run
    did not meet (``dry_run_finding``): the error as the dry run met it, the hops it met it
    on, and the ``check`` line that meets it again."""

    error: VariantError
    hops: str
    check: str
    more: tuple[tuple[VariantError, str], ...] = ()  # the dry run's other distinct ones

    @property
    def detail(self) -> str:
        who = f"{self.error.hook or self.error.handler}()"
        more = "; ".join(f"at {error} (dry run with hops {hops})" for error, hops in self.more)
        also = f"; the dry run met {len(self.more)} more: {more}" if self.more else ""
        return (f"hops {self.hops}, run when the variant file was loaded, at {self.error}; "
                f"this command's own run never reached it: its hops never called {who} where "
                f"it raises{also}")

    def document(self) -> dict[str, Any]:
        """As ``check --json`` gives a variant error (``variant_error_document``), with the
        dry run's hops and check line, and the dry run's other variant errors."""
        return {**variant_error_document(self.error), "detail": self.detail,
                "dry_run_hops": self.hops, "check": self.check,
                "more": [{**variant_error_document(error), "dry_run_hops": hops}
                         for error, hops in self.more]}

    def finding(self) -> Finding:
        """As a search or a replay lists its findings: no trace of its actions (the dry
        run is no search), its check line instead."""
        from hoverify.properties.exploration import VARIANT_ERROR, Finding

        return Finding(VARIANT_ERROR, True, self.detail, ())

    def entry(self) -> dict[str, Any]:
        """As explore and verify list a finding (``finding_entry``): not saved, since
        replay replays a search's actions; its check line reproduces it."""
        return finding_entry(self.finding(), None, {"check": self.check,
                                                    "check_unavailable": None,
                                                    "check_note": None})


def dry_run_finding(variant: KeySchedule, reached: bool,
                    argv: Sequence[str] | None = None) -> DryRunFinding | None:
    """The one judge of a variant error that a command's own run did not meet: the one the
    dry run of ``variant``'s file met (``hoverify.dry_run``), unless the
    command's own run met a variant error (``reached``), which it reports with its step, so
    that a variant error is reported once. None for a built-in variant. ``argv``: how its
    check line names the variant (default: its file by absolute path, as explore's and
    verify's check lines do; the report names it as given, ``report_job.check_line``)."""
    found = dry_run_error(variant)
    if found is None or reached:
        return None
    from hoverify.cli import variant_argv

    if argv is None:
        argv = variant_argv(None, str(Path(found.path).resolve()), found.bit_placement)
    check = shell_join(["hoverify", "check", *argv, "--hops", found.hops])
    return DryRunFinding(found.error, found.hops, check, found.more)


def named_once(option: str, text: str, example: str) -> list[str]:
    """The names of ``option``'s comma-separated ``text`` ('': none), in order: an empty
    name, or one named twice, is refused (``example``: a list it takes)."""
    named = [n.strip() for n in text.split(",")] if text.strip() else []
    if "" in named:
        raise UsageError(f"{option}: an empty name in {text!r} (a comma-separated list, e.g. "
                         f"{example})")
    twice = sorted({n for n in named if named.count(n) > 1})
    if twice:
        raise UsageError(f"{option}: {', '.join(twice)} named twice in {text!r}")
    return named


def parse_faults(text: str) -> frozenset[str]:
    from hoverify.properties.exploration import FAULTS

    faults = frozenset(named_once("--faults", text, "compromise,drop"))  # '': no faults
    unknown = faults - FAULTS
    if unknown:
        raise UsageError(f"--faults: unknown fault{'s' if len(unknown) > 1 else ''} "
                         f"{', '.join(map(repr, sorted(unknown)))} "
                         f"(known: {', '.join(sorted(FAULTS))})"
                         f"{did_you_mean(sorted(FAULTS), *sorted(unknown))}")
    return faults


def finding_word(finding: Finding) -> str:
    """A finding in the words of ``check`` and the report's legend; a variant error in the
    words ``check`` gives it (``variant_error_text``): a crash, not a claim that fails."""
    from hoverify.properties.exploration import VARIANT_ERROR

    if finding.claim == VARIANT_ERROR:  # with no trace, the dry run's (``DryRunFinding``)
        return STOPPED if finding.trace else DRY_RUN_STOPPED
    return verdict_word(verdict_status(False, finding.promised), finding.outside)


def explore_document(result: ExploreResult, parameters: Mapping[str, str], files: list[Path],
                     topology: str, checks: Sequence[dict[str, str | None]],
                     claims: list[dict[str, Any]], earlier: Sequence[Path]) -> dict[str, Any]:
    """``parameters``: the variant's (``KeySchedule.parameters``); ``topology``: its name as
    given (``--topology``), else ``small``; ``checks``: each finding's check line, or why it
    has none; ``claims``: each claim over the search (``hoverify.search_claims``);
    ``earlier``: the finding files an earlier run left (``earlier_findings``)."""
    from hoverify.properties.exploration import faults_not_searched
    from hoverify.properties.finding_file import compromise_text

    return {
        "variant": result.variant, "parameters": dict(parameters), "topology": topology,
        "faults": sorted(result.faults), "faults_not_searched": faults_not_searched(result.faults),
        "examples_run": result.examples_run,
        "interrupted": result.interrupted, "steps_run": result.steps_run,
        "promise_broken": result.promise_broken,
        "attacker": result.adversary.to_json(compromise_text(result.adversary, result.faults)),
        "sometimes": dict(result.sometimes), "vacuous": result.vacuous,
        **unexercised_keys(result.unexercised),
        "findings": [finding_entry(f, path, check)
                     for f, path, check in zip(result.findings, files, checks, strict=True)],
        "claims": claims, "earlier_files": [str(path) for path in earlier],
    }


def earlier_findings(variant: KeySchedule, directory: Path,
                     written: Collection[Path | None]) -> list[Path]:
    """The finding files of ``variant`` in ``directory`` (explore's or verify's ``--out``)
    that a run which wrote ``written`` did not write: an earlier run's, which it keeps
    (nothing written is lost), and which a user replaying the directory's files would take
    for the run's."""
    found = []
    for path in sorted(directory.glob("*.json")) if directory.is_dir() else ():
        if path in written:
            continue
        try:
            doc = json.loads(path.read_text())
        # not a finding file (RecursionError: JSON nested too deeply to decode): not the
        # run's business
        except (OSError, ValueError, RecursionError):
            continue
        if (isinstance(doc, dict) and doc.get("variant") == variant.name
                and doc.get("parameters") == dict(variant.parameters)):
            found.append(path)
    return found


def finding_entry(finding: Finding, path: Path | None,
                  check: dict[str, str | None]) -> dict[str, Any]:
    """A finding as explore and verify print it (``--json``): ``path``, its file (None: not
    saved); ``check``, its check line or why there is none (``hoverify.cli.check_lines``)."""
    return {"claim": finding.claim, "verdict": finding_word(finding),
            "promised": finding.promised, "outside": finding.outside, "detail": finding.detail,
            "trace": [a.text for a in finding.trace], **check,
            "file": None if path is None else str(path)}


@dataclass(frozen=True)
class SavedFinding:
    """A finding file, read back: what to replay, on which topology, from which KASME."""

    variant: KeySchedule
    actions: list[Action]
    record: dict[str, Any]  # the file as written
    topology: Topology
    kasme: bytes
    adversary: Adversary = DEFAULT  # the attacker model it was found under
    # ``variant`` is the one the finding was recorded on, as far as replay can know: the
    # built-in it names, or a variant file whose SHA-256 is the one recorded
    # (``variant_sha256``; a file saved before replay37 records none: its own file is taken
    # as it). Else a fix (``replay --variant-file``, or the recorded file edited since):
    # replay judges what differs as the fix's doing (``hoverify.properties.replay.replay``).
    recorded: bool = True

    @property
    def compromise(self) -> str:
        return str((self.record.get("attacker") or {}).get("compromise", "as found"))


def load_finding(path: str, variant_file: str | None = None) -> SavedFinding:
    """A finding file written by ``explore`` or ``verify``; every problem is a one-line
    UsageError: replay only what can be replayed as it was found. ``variant_file``: the
    variant to replay it on instead of the one it names (``replay --variant-file``)."""
    from hoverify.properties.exploration import EXPLORATION_KASME, VARIANT_ERROR, Action
    from hoverify.properties.finding_file import SCHEMA_VERSION

    try:
        data = json.loads(Path(path).read_text())
    except OSError as error:
        raise UsageError(f"{path}: cannot read ({error.strerror})") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise UsageError(f"{path}: not a finding file (invalid JSON: {error})") from None
    except RecursionError:  # json recurses once per nested array or object
        raise UsageError(f"{path}: not a finding file (arrays or objects nested too deeply "
                         "to read)") from None
    # an int, not True nor 1.0 (helper-258: both equal 1 in Python, and were read as 1)
    version = data.get("schema_version") if isinstance(data, dict) else None
    if type(version) is not int or version != SCHEMA_VERSION:
        raise UsageError(f"{path}: not a finding file (schema_version {SCHEMA_VERSION} "
                         "expected)")
    try:
        placement = _json_object(data, "parameters").get("bit_placement")
        source: bytes | None = None  # the variant file's, if the variant is a file's
        if variant_file is not None:  # the file's own is not read: it may be gone
            variant = other_variant(variant_file, placement)
            source = Path(variant_file).read_bytes()
        elif data.get("variant_file") is not None:  # a reviewer's variant: load it again
            from hoverify.variant_file import load_variant_file

            try:
                source = Path(data["variant_file"]).read_bytes()
            except OSError as error:  # moved or deleted since: say what replays it
                raise UsageError(
                    f"{path}: it was found on the variant file {data['variant_file']}, which "
                    f"cannot be read ({error.strerror}); to replay it on a variant file: "
                    f"hoverify replay {path} --variant-file PATH") from None
            variant = load_variant_file(str(data["variant_file"]), placement)
            if variant.name != data["variant"]:
                raise UsageError(f"{path}: {data['variant_file']} now defines variant "
                                 f"{variant.name!r}, not {data['variant']!r}")
        else:
            variant = load(str(data["variant"]), placement)
        digest = data.get("variant_sha256")
        # a finding saved before it recorded a SHA-256 is taken as on its own file's variant
        recorded = ((digest is None and variant_file is None)
                    or (source is not None and digest == _sha256(source)))
        topology = _finding_topology(path, data)
        if not isinstance(data["trace"], list):
            raise ValueError(f"trace must be a list, got {json.dumps(data['trace'])}")
        actions = [Action.from_json(a) for a in data["trace"]]
        adversary = Adversary.from_json(_json_object(data, "attacker"))
        _check_found_by(data)
    except KeyError as error:  # a field the finding must have (it said only "('trace')")
        raise UsageError(f"{path}: malformed finding (no field {error})") from None
    except (TypeError, ValueError, AttributeError) as error:
        raise UsageError(f"{path}: malformed finding ({error})") from None
    try:
        kasme = (EXPLORATION_KASME if data.get("kasme") is None
                 else parse_kasme(str(data["kasme"]), "kasme"))
    except UsageError as error:
        raise UsageError(f"{path}: malformed finding ({error})") from None
    claims = (*CLAIMS, *INVARIANTS, VARIANT_ERROR)
    if data.get("claim") not in claims:
        raise UsageError(f"{path}: unknown claim {data.get('claim')!r} (known: "
                         f"{', '.join(claims)}){did_you_mean(claims, str(data.get('claim')))}")
    return SavedFinding(variant, actions, data, topology, kasme, adversary, recorded)


def _json_object(data: dict[str, Any], field: str) -> dict[str, Any]:
    """A finding's ``field`` that holds a JSON object (absent: an empty one); else a
    ValueError saying so (helper-258: ``"attacker": 7`` said "'int' object has no attribute
    'get'")."""
    value = data.get(field)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError(f"{field} must be an object, got {json.dumps(value)}")
    return value


SEARCHES = (["hoverify", "explore"], ["hoverify", "verify"])  # the commands that save findings


def _check_found_by(data: dict[str, Any]) -> None:
    """A finding's ``found_by`` (``hoverify.cli.found_by``; a file saved before helper-266 has
    none): an ``explore`` or ``verify`` command line, and whether that search ran to its end
    (``finished``), else why it stopped (``stopped``); else a ValueError saying what is
    wrong."""
    if data.get("found_by") is None:
        return
    found = _json_object(data, "found_by")
    command, finished, stopped = (found.get(k) for k in ("command", "finished", "stopped"))
    if not isinstance(command, str) or command.split()[:2] not in SEARCHES:
        raise ValueError("found_by command must be a hoverify explore or verify command "
                         f"line, got {json.dumps(command)}")
    if type(finished) is not bool:
        raise ValueError(f"found_by finished must be true or false, got {json.dumps(finished)}")
    if not (stopped is None if finished else isinstance(stopped, str) and stopped):
        raise ValueError("found_by stopped must be null where finished is true, else why the "
                         f"search stopped, got {json.dumps(stopped)}")


def _sha256(source: bytes) -> str:
    """The SHA-256 of a variant file's source (``SavedFinding.recorded``): the variant a
    finding was recorded on, told from the same file edited since."""
    return hashlib.sha256(source).hexdigest()


def other_variant(path: str, placement: str | None) -> KeySchedule:
    """``replay --variant-file PATH``: the variant of a reviewer's file (a fixed proposal) to
    replay a finding on, loaded as ``check`` and ``verify`` load ``--variant-file``; with
    the finding's notification-bit ``placement`` where the variant takes one, as the attack
    was found there."""
    from hoverify.variant_file import load_variant_file

    variant = load_variant_file(path)
    if placement is None or variant.parameters.get("bit_placement") in (None, placement):
        return variant
    return load_variant_file(path, str(placement))


def _finding_topology(path: str, data: dict[str, Any]) -> Topology:
    """The topology a finding was found on: the reviewer's file, loaded again, or the small
    one (a finding without ``topology_file`` was found on it)."""
    file = data.get("topology_file")
    if file is not None:
        if not isinstance(file, str) or not file:  # "" would read the working directory
            raise ValueError(f"topology_file must be a file name, got {json.dumps(file)}")
        try:
            return load_topology(file)
        except TopologyError as error:
            raise UsageError(f"{path}: its topology {error}") from None
    if data.get("topology", "small") != "small":
        raise UsageError(f"{path}: unknown topology {data.get('topology')!r} (a finding "
                         "names its topology_file, or was found on the small topology)")
    return small_topology()


def save_findings(variant: KeySchedule, findings: Sequence[Finding], directory: Path,
                  variant_file: str | None = None, topology_file: str | None = None,
                  adversary: Adversary = DEFAULT,
                  checks: Sequence[dict[str, str | None]] | None = None, *,
                  faults: frozenset[str], found_by: dict[str, Any] | None = None) -> list[Path]:
    """One file per finding for ``hoverify replay`` (found with ``faults``), named by variant,
    claim and whether it was promised; the directory is created only when there is something
    to save. A reviewer's variant and topology are recorded by their files (absolute), which
    replay loads again; ``checks``, each finding's check line (or why it has none), as given;
    ``found_by``, the search that found them (``hoverify.cli.found_by``), as given."""
    made = bool(findings) and not directory.exists()
    if findings:
        directory.mkdir(parents=True, exist_ok=True)
    try:
        return _save_each(variant, findings, directory, variant_file, topology_file, adversary,
                          faults, checks or [{}] * len(findings),
                          {} if found_by is None else {"found_by": found_by})
    except BaseException:
        if made and not any(directory.iterdir()):  # a full disk leaves no empty folder of ours
            directory.rmdir()
        raise


def _save_each(variant: KeySchedule, findings: Sequence[Finding], directory: Path,
               variant_file: str | None, topology_file: str | None,
               adversary: Adversary, faults: frozenset[str],
               checks: Sequence[dict[str, str | None]], found: dict[str, Any]) -> list[Path]:
    from hoverify.atomic_dir import write_atomically  # run and check write no file
    from hoverify.properties.finding_file import finding_document

    paths = []
    for finding, check in zip(findings, checks, strict=True):
        name = variant.name + "".join(f"-{v}" for v in variant.parameters.values())
        kind = ("" if finding.promised else
                "-outside-the-promise" if finding.outside else "-not-promised")
        path = directory / f"{name}-{finding.claim}{kind}.json"
        doc = finding_document(variant, finding, adversary, faults, finding_word(finding))
        if variant_file is not None:
            doc["variant_file"] = str(Path(variant_file).resolve())
            doc["variant_sha256"] = _sha256(Path(variant_file).read_bytes())
        if topology_file is not None:  # a file, or a shipped topology by name
            topology = Path(topology_path(topology_file))
            doc["topology"] = topology.stem
            doc["topology_file"] = str(topology.resolve())
        doc.update(check)
        doc.update(found)
        document = json.dumps(doc, indent=2) + "\n"
        write_atomically(path, document.encode())
        paths.append(path)
    return paths
