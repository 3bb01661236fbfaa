"""What a compromised source eNB achieves by changing what it relays and sends in a handover.

For each hop, the source eNB (compromised from that hop on) tries every edit, one at a time,
of what it relays into the RRC HO command (``edits``: it flips any integer or flag, removes
any field of a relayed container, the target-to-source container or the MME's fields for the
UE, e.g. the NAS part, or the notification bit, which the UE then reads as absent, and adds
any absent field the variant's HO command carries) and of what it builds and sends to the
target side (``built``: X2AP HandoverRequest, S1AP HandoverRequired: each bit of an integer or short
octet string flipped, so any capability bit cleared, and each field of its security
information left out, so any optional IE omitted). The hop is run again with the edit, and
three things are judged, which are never the same claim:

- downgrade-resistance (SA3's sense, /work/shared/spec handover-keys section 7): fails only
  when the UE and the *honest* target eNB complete the handover (the target verifies the HO
  confirm) on a KeNB the attacker can derive. Not judged where the honest KeNB is derivable
  anyway: that is forward security.
- handover-denial: an edit makes the handover fail that completes without it.
- fake-cell-capture: the UE ends up on a KeNB the attacker derives, so a fake target cell run
  by the attacker accepts its HO confirm (executed: the attacker's recomputed keys verify the
  MAC-I). With the honest KeNB derivable, no edit is needed.

A compromised serving eNB can deny and capture in every variant of the model: it writes the
HO command under its own RRC keys, so it can always point the UE at a cell of its own or
strip what the UE needs; only a variant whose UE refuses every command that does not mix in a
key the eNB lacks could resist capture.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import closing
from dataclasses import dataclass, field, replace
from functools import cache, partial
from typing import Any, NamedTuple

from hoverify.properties.analysis import Analysis
from hoverify.properties.attacker import Attacker
from hoverify.properties.claims import (
    CAPTURE,
    COMPLETED_END,
    DENIAL,
    DERIVED_ANYWAY,
    DOWNGRADE,
    REFUSED_END,
    REJECTED_END,
    UE_ACCEPTED,
    DowngradeResistance,
    EditClaim,
    Verdict,
    captured,
    denied,
    derived_anyway,
    deriver,
    downgraded,
    edit_aside,
    no_edit_needed,
    promise_for,
    refused,
    relayed_to_ue,
    situation,
)
from hoverify.properties.crosscheck import recompute
from hoverify.properties.engine import Facts
from hoverify.properties.graph import Node, byte_values, value_node
from hoverify.properties.lines import Lines
from hoverify.properties.places import place
from hoverify.statemachines.derivation import Deriver, Input
from hoverify.statemachines.entity import Reject, VariantError
from hoverify.statemachines.messages import Fields, Interface, Kind, Message
from hoverify.statemachines.names import word_list
from hoverify.statemachines.protection import UPLINK, unprotect_rrc
from hoverify.statemachines.scenario import Run, derivation_word, run_again
from hoverify.statemachines.system import UE, Snapshot, Step, System
from hoverify.statemachines.topology import Topology
from hoverify.statemachines.variant import NCC_BITS, KeySchedule

Path = tuple[Any, ...]

# What a source eNB copies from the target side into the RRC HO command (enb._command_ue):
# the target-to-source transparent container and the MME's fields for the UE.
RELAYED = ("container", "for UE")
# The fields a relay may add where they are absent, with every value: the variant's own
# (``KeySchedule.command_fields``; review28: not every variant's, ts33401 has no
# notification bit).
Addable = tuple[tuple[str, tuple[object, ...]], ...]


@dataclass(frozen=True)
class Writable:
    """What a compromised eNB may write that a message does not carry already, from the
    variant and the topology: a field a relay adds (``addable``), an eNB a source names as
    the Target ID (``enbs``, ``TARGET_ID``)."""

    addable: Addable
    enbs: tuple[str, ...]

    @classmethod
    def of(cls, variant: KeySchedule, topology: Topology) -> Writable:
        return cls(variant.command_fields(), tuple(topology.enbs))


def leaves(obj: Any) -> Iterator[tuple[Path, int | bool | bytes]]:
    """Every integer, flag or octet string inside nested field tuples, with its path."""
    return ((path, v) for path, v in values_at(obj) if isinstance(v, bool | int | bytes))


def values_at(obj: Any, path: Path = ()) -> Iterator[tuple[Path, Any]]:
    """Every value inside nested field tuples that is no tuple, with its path: ``leaves`` and
    the names a message carries (a Target ID, ``TARGET_ID``)."""
    if _is_field(obj):  # a field's name is no value
        yield from values_at(obj[1], (*path, 1))
    elif isinstance(obj, tuple):
        for index, item in enumerate(obj):
            yield from values_at(item, (*path, index))
    else:
        yield path, obj


def replaced(obj: Any, path: Path, new: Any) -> Any:
    if not path:
        return new
    head, *rest = path
    return tuple(replaced(item, tuple(rest), new) if i == head else item
                 for i, item in enumerate(obj))


def _at(obj: Any, path: Path) -> Any:
    for index in path:
        obj = obj[index]
    return obj


def _is_field(item: Any) -> bool:
    return isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str)


def describe(fields: Any, path: Path) -> str:
    """A path in field names: ``for UE/NAS-PDU/0/notification bit``."""
    names, obj = [], fields
    for index in path:
        item = obj[index]
        if _is_field(item):
            names.append(item[0])
            obj = item
            continue
        if not _is_field(obj):
            names.append(str(index))
        obj = item
    return "/".join(names)


@dataclass(frozen=True)
class Edit:
    """One change of a message's fields: ``rewrite`` the integer or flag at ``path`` to
    ``new``, ``remove`` the (name, value) field at ``path``, or ``add`` the field ``new`` to
    the container at ``path``."""

    kind: str
    path: Path
    new: Any = None

    class Said(NamedTuple):
        """An edit in words: what ``Edit.name`` and ``Edit.text`` write, and what
        ``from_name`` and ``from_text`` read back (replay37: a saved step is read as data,
        not by copies of these formats). ``kind`` done to ``where``, a field path as
        ``describe`` writes it (an addition's container); ``added``, the field an addition
        adds; values as ``repr`` writes them: ``new``, a rewrite's new value or an added
        field's; ``old``, the value a rewrite's text says the field had (a name does not
        say it: None)."""

        kind: str
        where: str
        added: str = ""
        new: str = ""
        old: str | None = None

        def name(self) -> str:
            """``security/NCC=3``, ``for UE/-NAS-PDU``, ``for UE/+notification bit=1``."""
            if self.kind == "rewrite":
                return f"{self.where}={self.new}"
            if self.kind == "remove":
                head, slash, last = self.where.rpartition("/")
                return f"{head}{slash}-{last}"
            return f"{self.where}/+{self.added}={self.new}"

        @classmethod
        def from_name(cls, name: str) -> Edit.Said | None:
            """The edit ``name`` wrote as ``name`` (its ``old`` None); None for a text no
            edit is named by. A field's name holds no ``=`` and begins with neither ``+``
            nor ``-``."""
            container, plus, added = name.partition("/+")
            head, slash, last = name.rpartition("/")
            if plus:
                field, _, value = added.partition("=")
                said = cls("add", container, field, value)
            elif last.startswith("-") and "=" not in last:
                said = cls("remove", f"{head}{slash}{last[1:]}")
            else:
                where, _, new = name.partition("=")
                said = cls("rewrite", where, new=new)
            return said if said.where and said.name() == name else None

        def text(self) -> str:
            """``rewrites field 'security/NCC' 2 -> 3``, ``removes field 'for UE/NAS-PDU'``,
            ``adds field 'notification bit' 1 to 'for UE'``."""
            if self.kind == "rewrite":
                return f"rewrites field '{self.where}' {self.old} -> {self.new}"
            if self.kind == "remove":
                return f"removes field '{self.where}'"
            return f"adds field '{self.added}' {self.new} to '{self.where}'"

        @classmethod
        def from_text(cls, text: str) -> Edit.Said | None:
            """The edit ``text`` wrote as ``text`` (None for another text). No value an edit
            rewrites holds `` -> `` (an octet string it rewrites is shorter than
            ``KEY_MATERIAL_BITS``, four octets)."""
            verbs = {"rewrite": "rewrites field '", "remove": "removes field '",
                     "add": "adds field '"}
            kind = next((k for k, verb in verbs.items() if text.startswith(verb)), None)
            if kind is None:
                return None
            rest = text.removeprefix(verbs[kind])
            if kind == "remove":
                said = cls(kind, rest.removesuffix("'"))
            elif kind == "add":
                added, _, rest = rest.partition("' ")
                new, _, where = rest.partition(" to '")
                said = cls(kind, where.removesuffix("'"), added, new)
            else:
                where, _, rest = rest.partition("' ")
                old, _, new = rest.partition(" -> ")
                said = cls(kind, where, new=new, old=old)
            return said if said.where and said.text() == text else None

    def apply(self, fields: Fields) -> Fields:
        if self.kind == "rewrite":
            return replaced(fields, self.path, self.new)
        if self.kind == "remove":
            parent, index = self.path[:-1], self.path[-1]
            container = _at(fields, parent)
            return replaced(fields, parent, container[:index] + container[index + 1:])
        return replaced(fields, self.path, (*_at(fields, self.path), self.new))

    def said(self, fields: Fields, found: bool = True) -> Edit.Said:
        """This edit of ``fields`` in words (``Said``); ``found``: with the value a rewrite
        finds there (its text says it, its name does not)."""
        where = describe(fields, self.path)
        if self.kind == "rewrite":
            return Edit.Said("rewrite", where, "", repr(self.new),
                             repr(_at(fields, self.path)) if found else None)
        if self.kind == "remove":
            return Edit.Said("remove", where)
        added, value = self.new
        return Edit.Said("add", where, added, repr(value))

    def name(self, fields: Fields) -> str:
        """The edit in a hop's ``:edit=`` suffix (``hoverify.properties.hop_edits``): the
        field path as ``text`` writes it, then ``=NEW`` (rewrite), ``/-NAME`` (remove) or
        ``/+NAME=VALUE`` (add): ``Said.name``, which ``Said.from_name`` reads back."""
        return self.said(fields, found=False).name()

    def renames_ue(self, fields: Fields) -> bool:
        """A rewrite of one of the UE's identities on the backhaul (``UE_IDENTITIES``)."""
        return self.kind == "rewrite" and _name(fields, self.path) in UE_IDENTITIES

    def text(self, fields: Fields) -> str:
        """What the edit does, as a trace says it: ``Said.text``, which ``Said.from_text``
        reads back."""
        return self.said(fields).text()


def flips(fields: Fields) -> list[Edit]:
    """Each integer or flag changed: a flag negated; a field of a few values (``WIDTHS``)
    rewritten to each other value its width carries (an NCC to each of 0..7: a first S1
    handover carries NCC 2, which the source eNB turns into its own KeNB's NCC 0, and a
    third carries NCC 4, which it turns into its own 3, helper-161), any other integer with
    its lowest bit flipped.
    What an eNB relays: it changes what it carries, built by another party, into values
    the field's encoding still carries; not what it reads for itself alone
    (``RECEIVER_ONLY``), whose flip changes nothing but its own reading."""
    return [Edit("rewrite", path, new) for path, value in leaves(fields)
            if not isinstance(value, bytes) and describe(fields, path) not in RECEIVER_ONLY
            for new in _rewrites(fields, path)]


# The widths the encodings fix for integers the UE reads, fields of a few values:
# nextHopChainingCount is INTEGER (0..7) (TS 33.401 7.2.8.4, TS 36.331 SecurityConfigHO);
# seed-fs's notification bit is one bit (SA3 contribution section 3 step 6: "a bit"; one bit
# in each of its placements, ``hoverify.reports.asn1``). Whoever writes one can write each of
# its values, so each is tried, not each single-bit flip (helper-161: NCC 4 was never
# rewritten to 3, two bits away, so fake-cell capture "held" for a third S1 handover); a
# value above a field's width is one no wire placement carries.
WIDTHS = {"NCC": NCC_BITS, "notification bit": 1}


def _rewrites(fields: Fields, path: Path) -> tuple[int | bool, ...]:
    """The rewrites of the integer or flag at ``path`` by a relay, and of a value compared
    whole (``WHOLE``) by its builder: a flag negated; a field of a few values (``WIDTHS``)
    rewritten to each other value of its width; any other integer with its lowest bit
    flipped."""
    value, width = _at(fields, path), WIDTHS.get(_name(fields, path))
    if isinstance(value, bool):
        return (not value,)
    if width is None:
        return (value ^ 1,)
    return tuple(other for other in range(1 << width) if other != value)


# The UE's identities on the backhaul: the eNB UE S1AP ID, which "uniquely identifies the UE
# association over the S1 interface within the eNB" (TS 36.413 9.2.3.4; the model's UE S1AP
# ID, 3.1), and the eNB UE X2AP IDs, which name a handover's UE association over X2 (TS 36.423
# 9.2.24: Old eNB UE X2AP ID, the source's; New eNB UE X2AP ID, the target's). Another value
# names another UE association or handover, or none: an edit of one carries no key material.
UE_IDENTITIES = frozenset({"eNB UE S1AP ID", "Old eNB UE X2AP ID", "New eNB UE X2AP ID"})
# The IEs of a message (not of a container it carries) that its receiver reads for itself
# and carries to no other party: a flip of one changes only the receiver's reading of the
# message, which it then refuses (as after a drop) or takes for another of its UE
# associations. Who flips one that another party reads is the message's builder (``built``).
# - A UE identity (``UE_IDENTITIES``): the receiver finds its UE association by it (TS 36.413
#   3.1: "the eNB identifies the associated UE based on the eNB UE S1AP ID IE"; TS 36.423
#   9.2.24). None goes into the HO command: the source copies into it the target-to-source
#   container and the MME's fields for the UE (``RELAYED``; TS 36.331 MobilityControlInfo,
#   SecurityConfigHO), and a UE CONTEXT RELEASE COMPLETE names the context released, the
#   eNB's own ID (TS 36.413 9.1.4.7). The one a receiver sends back, the source's Old eNB UE
#   X2AP ID, the target writes into the HANDOVER REQUEST ACKNOWLEDGE, HANDOVER PREPARATION
#   FAILURE and UE CONTEXT RELEASE it builds (TS 36.423 9.1.1.2, 9.1.1.3, 9.1.1.5), where
#   ``built`` flips it and the source reads the flip.
# - The PDCP COUNT of an uplink RRC message: an input of the receiving eNB's own deciphering
#   and MAC-I check (TS 33.401 B.2; TS 36.323 5.6, 5.7), never sent on.
RECEIVER_ONLY = UE_IDENTITIES | {"COUNT"}
# Values compared whole: a cell's identity on the radio and a UE's (targetPhysCellId,
# carrierFreq and newUE-Identity of mobilityControlInfo, TS 36.331 6.3.4; the C-RNTI of S1AP
# InitialContextSetupRequest; ``UE_IDENTITIES``) and a PDCP COUNT (TS 33.401 B.2's COUNT, a
# replay window). No bit of one means anything alone: another value names another cell, UE,
# UE association or handover, or none, which its lowest bit flipped already tries
# (``_rewrites``); its bits are not a capability to clear.
WHOLE = UE_IDENTITIES | {"target PCI", "EARFCN-DL", "new C-RNTI", "C-RNTI", "COUNT"}
# TS 33.401 B.2: NAS-MAC and MAC-I, the shortest integrity values an S1, X2 or RRC message
# carries, are 32 bits (KeNB and NH are 256, A.3, A.4); a shorter octet string is a bit string (a
# capability octet, as UE network capability's in TS 24.301 9.9.3.34).
KEY_MATERIAL_BITS = 32
# The Target ID of S1AP HANDOVER REQUIRED (TS 36.413 9.1.5.1), the eNB the MME is to prepare:
# the MME prepares the eNB it names (TS 23.401 5.5.1.2.2 step 2). open5gs's MME does no more
# than look its Global eNB ID up (src/mme/s1ap-handler.c, s1ap_handle_handover_required:
# an unknown one is refused, any eNB it knows is prepared, the source itself included).
TARGET_ID = "target eNB"


def built(fields: Fields, enbs: Collection[str]) -> list[Edit]:
    """Every edit of a message by the eNB that builds it (its sender, compromised: it writes
    what it likes, and NDS/IP protects only what it wrote, TS 33.401 11): each value it could
    have written otherwise, as far as a finite set reaches.

    - A field of a few values (``WIDTHS``: an NCC, TS 33.401 7.2.8.4; the notification bit)
      rewritten to each other value of its width, as a relay rewrites it (``_rewrites``);
      a flag negated. Each single-bit flip of any other integer below max(3, its bit
      length): clearing any set bit (a capability bit, wherever it sits). A value compared
      whole (``WHOLE``) gets its lowest bit flipped, as a relay flips it (``_rewrites``); of
      a UE identity or a COUNT, which only the receiver reads (``RECEIVER_ONLY``), this is
      the only flip.
    - Each bit of an octet string shorter than ``KEY_MATERIAL_BITS`` flipped (a capability
      carried as bytes). A longer one is a key, a MAC or a protected PDU: a flipped bit makes
      a value that no party derives or verifies, so the receiver and the UE disagree (a
      denial, which other edits show) and never land on a key the sender derives.
    - Each field inside a container of the message removed, at any depth (an optional IE
      left out: absence is a value the receiver reads, e.g. "not supported"), unless it
      carries key material (an octet string of ``KEY_MATERIAL_BITS`` or more, e.g. KeNB*):
      without the key the receiver derives nothing the sender could, as with a flipped key
      bit. The message's own IEs (the Target ID, the security container) are mandatory
      (TS 36.413 9.1.5.1, TS 36.423 9.1.1.1): without one the message is not decodable and is
      refused (abstract syntax error, TS 36.413 10.3), a denial too.
    - The Target ID (``TARGET_ID``) rewritten to each other eNB of ``enbs``, the source
      itself among them: the MME prepares the eNB named, which reads the HANDOVER REQUEST
      and, for a cell it does not serve, refuses it (``Enb.on_s1ap_handover_request``).

    No field is added: an added field is one the UE reads (``Addable``), and only the eNB
    that relays a container into the HO command adds to it (``edits``)."""
    found = [Edit("rewrite", path, new) for path, value in leaves(fields)
             for name in (_name(fields, path),)
             for new in (_rewrites(fields, path) if name in WHOLE or name in WIDTHS
                         else _bit_flips(value))]
    found += [Edit("rewrite", (index, 1), other) for index, (name, value) in enumerate(fields)
              if name == TARGET_ID for other in enbs if other != value]
    return found + [Edit("remove", path) for index, (_, value) in enumerate(fields)
                    if isinstance(value, tuple) for path in _fields_inside(value, (index, 1))
                    if not _key_material(_at(fields, path))]


def edits_by(message: Message, who: str, writable: Writable) -> list[Edit]:
    """The edits ``who`` may make of ``message``: as its receiver, any of ``edits`` (it edits
    before relaying what it carries, adding a field the variant sends; not what only it
    reads, ``RECEIVER_ONLY``); as its sender, any of ``built`` (it builds it, naming any eNB
    of the topology as the Target ID)."""
    return (edits(message.fields, writable.addable) if who == message.receiver
            else built(message.fields, writable.enbs))


def _key_material(obj: Any) -> bool:
    return any(isinstance(value, bytes) and 8 * len(value) >= KEY_MATERIAL_BITS
               for _, value in leaves(obj))


def _name(fields: Fields, path: Path) -> str:
    """The name of the field whose value is at ``path``."""
    return describe(fields, path).rpartition("/")[2]


def _bit_flips(value: int | bool | bytes) -> tuple[int | bool | bytes, ...]:
    """The builder's flips of ``value``, a field of no fixed width: each bit of a short
    octet string; each bit of an integer below max(3, its bit length); a flag negated."""
    if isinstance(value, bool):
        return (not value,)
    if isinstance(value, bytes):
        bits = 8 * len(value)
        if bits >= KEY_MATERIAL_BITS:
            return ()
        number = int.from_bytes(value, "big")
        return tuple((number ^ 1 << bit).to_bytes(len(value), "big") for bit in range(bits))
    return tuple(value ^ 1 << bit for bit in range(max(NCC_BITS, value.bit_length())))


def edits(fields: Fields, addable: Addable) -> list[Edit]:
    """Every edit of ``fields``: the flips, then each field of a relayed container removed
    (at any depth: a NAS part, a field inside it), then each field of ``addable`` absent
    from all of them added to the first, with each of its values (the UE reads the relayed
    containers as one HO command, so where an added field sits makes no difference to it)."""
    found = flips(fields)
    containers = relayed(fields)
    for index, value in containers:
        found += [Edit("remove", path) for path in _fields_inside(value, (index, 1))]
    present = {item[0] for _, value in containers for item in value if _is_field(item)}
    found += [Edit("add", (containers[0][0], 1), (name, value)) for name, values in addable
              if containers and name not in present for value in values]
    return found


def relayed(fields: Fields) -> list[tuple[int, tuple[Any, ...]]]:
    """The containers of ``fields`` that a relay copies into the HO command (``RELAYED``),
    with their places: the only ones it adds a field to (``edits``)."""
    return [(index, value) for index, (name, value) in enumerate(fields)
            if name in RELAYED and isinstance(value, tuple)]


def _fields_inside(obj: tuple[Any, ...], path: Path) -> Iterator[Path]:
    for index, item in enumerate(obj):
        if _is_field(item):
            yield (*path, index)
            if isinstance(item[1], tuple):
                yield from _fields_inside(item[1], (*path, index, 1))
        elif isinstance(item, tuple):
            yield from _fields_inside(item, (*path, index))


# -- the search over one hop -------------------------------------------------------------------
@dataclass(frozen=True)
class Attempt:
    """One edit and its outcome, replayable: ``full_run`` runs the scenario up to the hop
    again with ``rewritten`` delivered at step ``step``; ``run`` is the honest run until
    ``find_attack`` puts that one in its place."""

    step: int
    rewritten: Message
    run: Run  # the honest run: ``full_run`` gives the attack's
    rewrite: str  # "in handover 2: enb-2 removes field 'for UE/NAS-PDU' in ..."
    completed: bool  # the real target verified the UE's HO confirm
    outcome: str  # what became of the handover, in words
    # how the handover ended after the edit (``HopSearch.arose``): "completed", "rejected"
    # (the UE accepted the HO command, the real target not its HO confirm), "refused" (the UE
    # refused the HO command): ``claims.COMPLETED_END`` and its neighbours, the words of the
    # edit claims' situations; or "stopped" (no HO command reached the UE), or "late" (the
    # handover had completed before it: an edit of what follows the HO confirm)
    end: str = "stopped"
    why: str = ""  # why the UE refused the HO command, or the real target the HO confirm
    kenb: bytes | None = None  # the UE's new KeNB if the attacker derives it
    lines: tuple[str, ...] = ()  # the witness: the attack, then the derivation
    # the UE's new KeNB where it accepted the HO command, and the secret inputs it derived
    # it from (none: it took the KeNB as it was)
    reached: tuple[bytes, tuple[Input, ...]] | None = None


@dataclass
class HopSearch:
    wanted: frozenset[str]  # the observations searched for
    attempts: int = 0
    denial: Attempt | None = None
    capture: Attempt | None = None
    downgrade: Attempt | None = None
    # how each edit ended (``Attempt.end``), as ``arose`` reads it: every edit's where an
    # observation searched for was not found; and, of those refused or rejected, why
    ends: Counter[str] = field(default_factory=Counter)
    refusals: Counter[tuple[str, str]] = field(default_factory=Counter)
    # the fields of a few values (``WIDTHS``) the edits rewrote to each other value: what a
    # holding verdict names as searched whole (helper-161)
    every_value: dict[str, None] = field(default_factory=dict)
    # the edits after which the UE accepted the HO command, by how the handover ended and the
    # KeNB the UE was left on (``Attempt.reached``): what a holding downgrade-resistance and
    # fake-cell-capture name (helper-234)
    reached: dict[tuple[str, bytes, tuple[Input, ...]], list[str]] = field(
        default_factory=dict)

    def done(self) -> bool:
        found = {DENIAL: self.denial, CAPTURE: self.capture, DOWNGRADE: self.downgrade}
        return all(found[claim] is not None for claim in self.wanted)

    def count(self, attempt: Attempt, edit: Edit, message: Message) -> None:
        fields = message.fields
        self.attempts += 1
        if edit.kind == "rewrite" and _name(fields, edit.path) in WIDTHS:
            self.every_value[describe(fields, edit.path)] = None
        self.ends[attempt.end] += 1
        if attempt.reached is not None:
            self.reached.setdefault((attempt.end, *attempt.reached), []).append(
                f"{edit.text(fields)} in {message}")
        if attempt.why:
            self.refusals[attempt.end, attempt.why] += 1

    def edits_text(self, source: str, what: str = "") -> str:
        """``18 single edits by enb-2{what}, every value of 'container/NCC' among them``."""
        fields = word_list(repr(where) for where in self.every_value)
        every = f", every value of {fields} among them," if fields else ""
        return f"{self.attempts} single edits by {source}{what}{every}"

    def arose(self, claim: EditClaim) -> bool:
        """Whether an edit of the search met ``claim``'s situation, the ends its claim object
        declares for every command (``EditClaim.situation``, which the engine reads too).
        Where none did, the claim's "holds" could not have failed: vacuous, as ``explore``
        and ``verify`` say it (agree37)."""
        return any(self.ends[end] for end in claim.situation)


def judged(analysis: Analysis, hop: int, attacker: Attacker) -> frozenset[str]:
    """What the edits of ``hop``'s source can show: nothing if the handover does not complete
    without them, or completes at the source itself (intra-eNB, TS 33.401 7.2.8.4.1: it
    relays nothing to another party, and no honest target is there to deceive); only denial
    if the attacker derives the honest KeNB anyway. ``Facts.without_edit`` is the same
    situation for an edit in the middle of a run (``explore``, ``verify``)."""
    if hop not in analysis.kenb or analysis.source(hop) == analysis.target(hop):
        return frozenset()
    if analysis.derivable(attacker, hop):
        return frozenset({DENIAL})
    return frozenset({DENIAL, CAPTURE, DOWNGRADE})


def unjudged(analysis: Analysis, attackers: list[tuple[int, Attacker]],
             named: bool = False) -> dict[tuple[int, str], str]:
    """Per (hop, attacker) pair of ``handover_attacks`` whose downgrade-resistance ``judged``
    leaves out because the attacker derives the honest KeNB anyway, why: as the claim says
    it of such an edit in the middle of a run (``DowngradeResistance.not_judged``).
    ``named``: the attackers are a coalition and its parts that hold a source eNB, of which
    one may derive it where another does not (the whole holds the target eNB, a part does
    not): each reason names its attacker (coalition28)."""
    return {(hop, str(attacker)): (
        derived_anyway(str(attacker), analysis.source(hop), hop) if named else
        DERIVED_ANYWAY.format(enb=analysis.source(hop), hop=hop))
        for hop, attacker in attackers if judged(analysis, hop, attacker) == {DENIAL}}


def with_enbs_alone(analysis: Analysis, attackers: list[tuple[int, Attacker]]
                    ) -> list[tuple[int, Attacker]]:
    """``attackers``, (hop, attacker) pairs of ``handover_attacks``, and where one derives the
    honest KeNB of its hop anyway (``judged``: not for downgrade) holding more than eNBs (a
    revealed key, the UE, an MME), its eNBs alone at that hop (``Attacker.enbs_alone``) if
    they do not: the promise is made against a compromised source eNB, the party that edits
    what it relays and sends (TS 33.401 7.2.8; /work/shared/spec handover-keys section 7),
    so what a coalition holds beside its eNBs never leaves their edits unjudged (downgrade35:
    ``check --variant-file tests/attack_variants/capability_low_bit.py --hops
    s1-inter,s1-inter --seed 7`` with enb-1@1 and enb-2@1 broke the promise, with KASME@1
    too it read n/a and exited 0)."""
    enbs = analysis.run.topology.enbs
    pairs = {(hop, str(attacker)): (hop, attacker) for hop, attacker in attackers}
    for hop, attacker in attackers:
        alone = attacker.enbs_alone(enbs)
        if (alone is not None and judged(analysis, hop, attacker) == {DENIAL}
                and DOWNGRADE in judged(analysis, hop, alone)):
            pairs.setdefault((hop, str(alone)), (hop, alone))
    return list(pairs.values())


def search(analysis: Analysis, hop: int, attacker: Attacker, only: str | None = None,
           scratch: System | None = None) -> HopSearch:
    """Try the edits of the source eNB of ``hop`` until each observation judged (or ``only``
    that one) is found; ``scratch``, a system of the run's (``scratch_system``) to run them
    on, else one made for this search."""
    wanted = judged(analysis, hop, attacker)
    result = HopSearch(wanted & {only} if only is not None else wanted)
    if result.done():
        return result
    who = analysis.source(hop)
    writable = Writable.of(analysis.run.system.variant, analysis.run.topology)
    trial = _Trial(analysis, hop, scratch)
    try:
        for step_number in edited_steps(analysis, hop):
            message = analysis.run.system.steps[step_number].message
            for edit in edits_by(message, who, writable):
                attempt = _attempt(analysis, hop, attacker, trial, step_number, message, edit,
                                   result)
                result.count(attempt, edit, message)
                if attempt.completed and attempt.kenb is not None and result.downgrade is None:
                    result.downgrade = attempt
                if attempt.kenb is not None and result.capture is None:
                    result.capture = attempt
                # a denial as the claim defines it: the UE refuses the HO command or the
                # target the HO confirm (``HandoverDenial``); an edit after which no HO
                # command reaches the UE shows none (agree37)
                if attempt.end in (REJECTED_END, REFUSED_END) and result.denial is None:
                    result.denial = attempt
                if result.done():
                    return result
        return result
    finally:
        trial.close()


def edited_steps(analysis: Analysis, hop: int) -> list[int]:
    """The steps whose message the source eNB of ``hop`` edits, one at a time, in a re-run of
    ``hop``. A copy of a message of ``hop`` replayed later (``:replay``) is still ``hop``'s,
    but the re-run ends where the next hop begins: an edit of it would never be delivered."""
    hops = analysis.run.hops
    end = hops[hop].first_step if hop < len(hops) else len(analysis.run.system.steps)
    return [n for n in (*relayed_to_ue(analysis, hop), *sent_by_source(analysis, hop))
            if n < end]


def sent_by_source(analysis: Analysis, hop: int) -> list[int]:
    """Steps of ``hop`` that deliver what the source eNB itself sent to the target side (X2AP
    HandoverRequest, S1AP HandoverRequired): a compromised source writes what it likes."""
    source = analysis.source(hop)
    return [step.number for step in analysis.steps_of(hop)
            if step.message.sender == source
            and step.message.interface in (Interface.X2, Interface.S1)]


class _Trial:
    """Hop ``hop`` of ``run`` run again, from the state it started in, with one message
    changed: what ``run_scenario`` over the hops up to ``hop`` does, without running the
    earlier hops again each time (one system serves every attempt; a hop started before the
    previous Path Switch Acknowledge, whose held message joins later, is run in full).
    ``scratch``: the system to run them on (``scratch_system``), else one of its own.

    The steps before the edited one are the same for every edit of that step (each entity's
    handling is a function of the message, its state and key record, ``System.remember``;
    the scheduler delivers in order): the system as the edited step finds it is kept
    (``edited``) and restored for the next edit of the same step, so each edit runs only the
    steps from its own on."""

    def __init__(self, analysis: Analysis, hop: int, scratch: System | None = None) -> None:
        run = self.run = analysis.run
        self.hop = hop
        self.step: int = 0  # what ``steps`` ran last
        self.rewritten: Message | None = None
        # the system as step ``edited.steps`` found it in the last ``steps`` call, whose
        # steps before it are still ``system.steps``
        self.edited: Snapshot | None = None
        result = run.hops[hop - 1]
        self.system: System | None = None
        self.owned = scratch is None  # ``close`` closes the system it made, not ``scratch``
        if result.spec.early:
            return
        self.system = scratch_system(run) if scratch is None else scratch
        states = analysis.records_before(hop)
        self.system.steps[:] = run.system.steps[:result.first_step]
        self.start = Snapshot(tuple(states.items()), (), hop - 1, result.first_step)

    def steps(self, step_number: int, rewritten: Message) -> list[Step]:
        """The steps up to the end of the hop, ``rewritten`` delivered at step
        ``step_number``."""
        self.step, self.rewritten = step_number, rewritten
        if self.system is None:
            return full_run(self.run, self.hop, step_number, rewritten).system.steps
        system = self.system
        if self.edited is not None and self.edited.steps == step_number:
            system.restore(self.edited)
        else:
            self.edited = None
            system.restore(self.start)
            system.start_handover(self.run.hops[self.hop - 1].target_cell)
        while system.in_flight:
            if len(system.steps) == step_number:
                if self.edited is None:
                    self.edited = system.snapshot()
                system.rewrite(0, rewritten)
            system.deliver(0)
        return system.steps

    def analysis(self, honest: Analysis, tail: list[Step]) -> Analysis:
        """The run of the last ``steps`` call seen as ``Analysis.of`` sees it, ``tail`` being
        its steps from the hop's first on: the honest run's graph before the hop, grown by
        ``tail`` (a hop started early is run in full, and its run analysed whole). Its
        ``run`` is the honest one: only its graph and keys are the run's again."""
        if self.system is None:
            assert self.rewritten is not None, "steps() first"
            rerun = full_run(self.run, self.hop, self.step, self.rewritten)
            rerun.system.close()
            return Analysis.of(rerun)
        graph = honest.graph_before(self.hop)
        for step in tail:
            graph.add_trace_step(step)
        result = self.run.hops[self.hop - 1]
        target = result.target_enb
        kenb = {h: k for h, k in honest.kenb.items() if h < self.hop}
        keys = self.system.entity(target).ctx.keys  # as _summarise reads the hop
        if keys is not None and any(s.outcome.accepted and s.message.receiver == target
                                    and s.message.kind is Kind.RRC_HANDOVER_CONFIRM
                                    for s in tail):
            kenb[self.hop] = keys.as_keys.kenb
        graph.label_keys(kenb)
        serving = {h: e for h, e in honest.serving.items() if h < self.hop} | {self.hop: target}
        cell = ({h: c for h, c in honest.cell.items() if h < self.hop}
                | {self.hop: result.target_cell.name})
        return Analysis(self.run, graph, kenb, serving, cell)

    def close(self) -> None:
        if self.system is not None and self.owned:
            self.system.close()


def scratch_system(run: Run) -> System:
    """A system of ``run``'s variant, topology and set-up, for ``_Trial`` to run hops on. One
    may serve the trials of every hop, each in turn: a trial restores every entity's state
    and key record, what is in flight, the hop and the steps (``System.restore``; an entity
    holds no other state, ``Entity.snapshot``), which is all a delivery reads, so what an
    earlier trial left in it changes nothing. Making one registers each of its entities with
    its type's state machine (``Entity.__init__``), about a twentieth of ``check``'s time
    when each hop's search made its own."""
    return System(run.variant, run.topology, run.kasme, run.ul_nas_count,
                  run.topology.cell(run.initial_cell), run.seed)


def full_run(run: Run, hop: int, step_number: int, rewritten: Message) -> Run:
    """The scenario up to ``hop``, run again with ``rewritten`` delivered at ``step_number``
    (and the run's own edits, ``Run.edited``, where it has any)."""
    return run_again(run, hop, lambda n, m: rewritten if n == step_number else m)


def _attempt(analysis: Analysis, hop: int, attacker: Attacker, trial: _Trial,
             step_number: int, message: Message, edit: Edit, found: HopSearch) -> Attempt:
    run = analysis.run
    rewritten = replace(message, fields=edit.apply(message.fields))
    # the edit by where check's reader finds it, its hop (``places``), not the step number
    text = f"{place(None, hop)}: {analysis.source(hop)} {edit.text(message.fields)} in {message}"
    try:
        tail = trial.steps(step_number, rewritten)[run.hops[hop - 1].first_step:]
    except VariantError as error:  # a hook fails on the attacker's input: the handover fails
        return Attempt(step_number, rewritten, run, text, False,
                       f"the handover fails: {error.raised} (a variant error on this input)")
    steps = [s for s in tail if s.hop == hop]
    end, outcome, why = ending(steps, run.hops[hop - 1].target_enb, step_number)
    completed = end == COMPLETED_END
    if end not in (COMPLETED_END, REJECTED_END):
        return Attempt(step_number, rewritten, run, text, completed, outcome, end, why)
    command = next(s for s in steps if s.outcome.accepted
                   and s.message.kind is Kind.RRC_HANDOVER_COMMAND)
    kenb = command.ctx_after.keys.as_keys.kenb
    made = next((d.inputs for d in command.outcome.derivations if d.output == kenb), ())
    judged = Attempt(step_number, rewritten, run, text, completed, outcome, end, why,
                     reached=(kenb, tuple(i for i in made if not i.public)))
    # Whether the attacker derives the UE's key decides a capture, and with the real target
    # accepting, a downgrade: the key graph is built only when that may find something new.
    # A KeNB equal to the honest one (which the search starts from not derivable) needs no
    # graph: an edit changes integers, flags and fields that carry no key material.
    capture = CAPTURE in found.wanted and found.capture is None
    downgrade = DOWNGRADE in found.wanted and found.downgrade is None and completed
    if (kenb == analysis.kenb.get(hop) or not (capture or downgrade)
            or not may_derive(analysis, attacker, tail, kenb)):
        return judged
    re_analysis = trial.analysis(analysis, tail)
    node = value_node(kenb)
    if node not in re_analysis.closure(attacker):
        return judged
    forged = recompute(re_analysis, attacker, node)  # cross-check by execution
    fake = _fake_target(run.variant, steps, forged)
    if forged != kenb or fake is None:
        return judged
    lines = (text, "UE accepts the HO command and derives its KeNB "
             f"({derivation_word(command.outcome.derivations, kenb)})", outcome, fake,
             *re_analysis.witness_lines(attacker, node))
    return replace(judged, kenb=kenb, lines=lines)


def ending(steps: list[Step], target: str, step_number: int) -> tuple[str, str, str]:
    """How the ``steps`` of a hop ended after an edit delivered at step ``step_number``
    (``Attempt.end``), in words (``Attempt.outcome``), and why the UE refused the HO command
    or the real ``target`` the HO confirm (``Attempt.why``, else ""): for each edit of
    ``check``'s search, and for a hop's ``:edit=`` (``hoverify.properties.evaluate``)."""
    confirmed = [s.number for s in steps if s.outcome.accepted and s.message.receiver == target
                 and s.message.kind is Kind.RRC_HANDOVER_CONFIRM]
    if confirmed and confirmed[0] < step_number:  # the source's S1AP UEContextReleaseComplete
        return "late", f"handover {steps[0].hop} completed before the edit", ""
    if not any(s.outcome.accepted and s.message.kind is Kind.RRC_HANDOVER_COMMAND
               for s in steps):
        refusal = next((s.outcome.reason for s in steps
                        if s.message.receiver == UE and not s.outcome.accepted), None)
        if refusal is None:
            return "stopped", "no HO command reaches the UE", ""
        return REFUSED_END, refused(UE, refusal), refusal
    confirm = _confirm(steps)
    if confirmed:
        return COMPLETED_END, _real_target(steps), ""
    why = confirm.outcome.reason if confirm is not None else "no HO confirm was sent"
    return REJECTED_END, _real_target(steps), why


def may_derive(analysis: Analysis, attacker: Attacker, tail: list[Step], value: bytes) -> bool:
    """Whether ``attacker`` may derive ``value`` in the run that ``tail`` (the steps of a hop
    run again) ends: False only if it cannot. The run's prefix is the finished run's, so its
    key graph is no more than the finished run's graph with ``tail`` added, and what the
    attacker holds in it no more than what it holds in the finished run (``analysis``) and
    what ``tail`` shows its eNBs and the radio: the closure of that, grown from the finished
    run's, costs the tail's size, where the exact one (``Analysis.of`` the run again) costs
    the whole run's."""
    graph, index = analysis.graph.graph, analysis.graph.index
    learnt: set[Node] = set()
    made: dict[Node, list[tuple[tuple[Node, ...], Node]]] = {}  # the tail's, by input
    for step in tail:
        for d in step.outcome.derivations:
            inputs = tuple(value_node(i.value) for i in d.inputs)
            for i, node in zip(d.inputs, inputs, strict=True):
                made.setdefault(node, []).append((inputs, value_node(d.output)))
                if i.public:
                    learnt.add(node)
        if step.message.receiver in attacker.entities:
            learnt.update(value_node(v) for v in (
                *byte_values(step.message.fields), *byte_values(step.outcome.read),
                *byte_values(step.ctx_after),
                *(v for d in step.outcome.derivations
                  for v in (d.output, *(i.value for i in d.inputs)))))

    def has(node: Node) -> bool:
        return node in learnt or analysis.knows(attacker, node)

    queue = [n for n in learnt if not analysis.knows(attacker, n)]
    for inputs, output in [m for ms in made.values() for m in ms]:
        if not has(output) and all(has(n) for n in inputs):
            learnt.add(output)
            queue.append(output)
    while queue:
        node = queue.pop()
        ways = list(made.get(node, ()))
        number = index.number.get(node)
        for derivation in index.successors[number] if number is not None else ():
            derived = index.nodes[derivation]
            ways.append((tuple(graph.predecessors(derived)), next(iter(graph.successors(derived)))))
        for inputs, output in ways:
            if not has(output) and all(has(n) for n in inputs):
                learnt.add(output)
                queue.append(output)
    return has(value_node(value))


def _confirm(steps: list[Step]) -> Step | None:
    return next((s for s in steps if s.message.kind is Kind.RRC_HANDOVER_CONFIRM), None)


def _real_target(steps: list[Step]) -> str:
    confirm = _confirm(steps)
    if confirm is None:
        return "no HO confirm was sent"
    if confirm.outcome.accepted:
        return f"the real target {confirm.message.receiver} accepts the HO confirm"
    return refused(confirm.message.receiver, confirm.outcome.reason)


def _fake_target(variant: KeySchedule, steps: list[Step], kenb: bytes) -> str | None:
    """Execute the fake target cell: the attacker's recomputed keys check the UE's confirm;
    None if they do not verify it."""
    confirm = _confirm(steps)
    if confirm is None:
        return None
    keys = variant.as_keys(Deriver(), kenb, None)
    try:
        unprotect_rrc(keys, confirm.message.get("COUNT"), UPLINK, confirm.message.get("PDU"))
    except Reject:
        return None
    return ("a fake target cell run by the attacker accepts the HO confirm (MAC-I verified "
            "with KRRCint recomputed from the attacker's knowledge)")


# -- the three verdicts --------------------------------------------------------------------------
class EditVerdicts(NamedTuple):
    """An edit claim's verdicts from ``check``'s search, and per (hop, attacker) searched
    whose edits never met the claim's situation (``HopSearch.arose``), why: no verdict
    there, as the claim gives none where its situation did not arise in ``explore`` and
    ``verify``."""

    verdicts: tuple[Verdict, ...]
    never_arose: tuple[str, ...]


def handover_attacks(analysis: Analysis, attackers: list[tuple[int, Attacker]],
                     facts: Facts, claims: Mapping[str, EditClaim],
                     parts: Collection[Attacker] = ()) -> dict[str, EditVerdicts]:
    """``attackers``: (hop, attacker) pairs whose attacker includes that hop's source eNB.
    The verdicts of downgrade-resistance, handover-denial and fake-cell-capture; ``facts``,
    the run's as the claims judged it, say what else the network attacker derives there
    (``edit_aside``); ``claims``, the engine's three by name, that judged them: each says its
    situation (``HopSearch.arose``), downgrade-resistance when a downgrade is outside its
    promise (``_Claim.excused``). Of the ``parts`` of a
    coalition (``Attacker.edit_parts``: without one of its eNBs, or its eNBs alone)
    downgrade resistance only: the whole, which may derive a hop's honest KeNB where a part
    does not (it holds the target, or KASME), is not judged for a downgrade there, but its
    denial and capture are never weaker than a part's (the same edits; capture with more
    knowledge, or with no edit)."""
    verdicts: dict[str, list[Verdict]] = {DOWNGRADE: [], DENIAL: [], CAPTURE: []}
    never: dict[str, list[str]] = {kind: [] for kind in verdicts}
    # one search per (hop, attacker, claims sought): a coalition's eNBs alone are searched as
    # its part and again when its downgrade is judged against them (``_downgrade``); one
    # system serves them all (``scratch_system``)
    with closing(scratch_system(analysis.run)) as scratch:
        searched = cache(partial(search, analysis, scratch=scratch))
        for hop, attacker in attackers:
            part = attacker in parts
            wanted = judged(analysis, hop, attacker) & ({DOWNGRADE} if part else set(verdicts))
            if not wanted:
                continue
            hop_type = analysis.run.hops[hop - 1].spec.type
            promised = {kind: promise_for(analysis, kind, hop_type) is not None
                        for kind in verdicts}
            found = searched(hop, attacker, DOWNGRADE if part else None)
            source, name = analysis.source(hop), str(attacker)
            arose = {kind: found.arose(claims[kind]) for kind in wanted}
            for unmet in (c for c in (DOWNGRADE, DENIAL, CAPTURE) if not arose.get(c, True)):
                never[unmet].append(_not_arisen(unmet, hop, name, source, analysis.target(hop),
                                                found))
            if arose.get(DOWNGRADE):
                verdicts[DOWNGRADE].append(_downgrade(analysis, hop, attacker, promised[DOWNGRADE],
                                                      found, facts, claims[DOWNGRADE], searched))
            if part:
                continue
            if arose[DENIAL]:
                verdicts[DENIAL].append(_denial(hop, name, promised[DENIAL], found, source))
            if CAPTURE in wanted:
                if arose[CAPTURE]:
                    verdicts[CAPTURE].append(_capture(analysis, hop, attacker, promised[CAPTURE],
                                                      found, edit_aside(facts, CAPTURE)))
            else:  # the source derives the honest KeNB: it needs no edit to serve the UE
                verdicts[CAPTURE] += _no_edit_capture(analysis, hop, attacker, promised[CAPTURE],
                                                      facts, claims[CAPTURE], searched)
    return {kind: EditVerdicts(tuple(v), tuple(never[kind])) for kind, v in verdicts.items()}


def _no_edit_capture(analysis: Analysis, hop: int, attacker: Attacker, promised: bool,
                     facts: Facts, claim: EditClaim,
                     searched: Callable[[int, Attacker, str | None], HopSearch]
                     ) -> list[Verdict]:
    """fake-cell-capture where ``attacker`` derives the honest KeNB of ``hop``: it needs no
    edit to serve the UE. The promise is made against a compromised source eNB (TS 33.401
    7.2.8), as downgrade-resistance's (``_downgrade``): where the attacker derives that key
    only through what it holds beside its eNBs (KASME, the UE, an MME), the failure is
    outside it, and its eNBs alone are judged on their own edits (helper-176 #6: a KASME
    coalition's failure read as the broken promise, and enb-1's own capture, by an edit,
    was not shown)."""
    source, name = analysis.source(hop), str(attacker)
    whole = facts.attacker(name)
    alone = attacker.enbs_alone(analysis.run.topology.enbs)
    excused = whole is not None and alone is not None and claim.excused(
        facts, whole, lambda enbs: analysis.kenb[hop] in enbs.known)
    verdicts = [Verdict(hop, name, False, promised and not excused,
                        no_edit_needed(name, attacker.entities, source, hop),
                        Lines(partial(analysis.witness_lines, attacker, analysis.kenb_node(hop))),
                        witness_hop=hop,
                        outside=claim.outside(whole, promised)
                        if excused and whole is not None else None)]
    if excused and alone is not None and CAPTURE in judged(analysis, hop, alone):
        found = searched(hop, alone, None)
        if found.arose(claim):
            verdicts.append(_capture(analysis, hop, alone, promised, found,
                                     edit_aside(facts, CAPTURE)))
    return verdicts


def _not_arisen(claim: str, hop: int, name: str, source: str, target: str,
                found: HopSearch) -> str:
    """Why ``claim`` has no verdict for the attacker ``name`` at ``hop``: none of the edits
    of ``source`` met its situation (``HopSearch.arose``), and how each ended."""
    return (f"hop {hop}, {name}: its situation ({situation(claim)}) did not arise in any of "
            f"the {found.attempts} single edits of what {source} relays and sends: "
            f"{_how_ended(found, hop, target, _ENDS)}")


# how ``check``'s edits of a hop ended (``Attempt.end``), one text each, counted
_ENDS = {COMPLETED_END: "{n} completed handover {hop}",
         "late": "{n} came after its HO confirm (handover {hop} had completed)",
         REJECTED_END: "{n} left the UE on a HO command whose HO confirm the real target "
                       "{target} did not accept",
         REFUSED_END: "{n} made the UE refuse the HO command",
         "stopped": "{n} stopped handover {hop} before a HO command reached the UE"}
# ... and those the UE or the target judged, with why each refused (a holding
# downgrade-resistance: its situation, ``DowngradeResistance.situation``)
_JUDGED = {COMPLETED_END: "{n} completed out of the attacker's reach ({reach})",
           REFUSED_END: "{n} refused by the UE ({why})",
           REJECTED_END: "{n} rejected by the real target {target} ({why})"}


def _how_ended(found: HopSearch, hop: int, target: str, texts: Mapping[str, str],
               reach: str = "") -> str:
    """How the edits of ``found`` ended, for the ends ``texts`` words, each with its count
    and (``{why}``) the reasons the UE or the target gave, each with its count, and
    (``{reach}``) why those that completed are out of the attacker's reach
    (``_out_of_reach``)."""
    def why(end: str) -> str:
        return "; ".join(f"{reason}: {n}" if n > 1 else reason
                         for (e, reason), n in sorted(found.refusals.items(),
                                                  key=lambda item: (-item[1], item[0]))
                         if e == end)
    return "; ".join(text.format(n=found.ends[end], hop=hop, target=target, why=why(end),
                                 reach=reach)
                     for end, text in texts.items() if found.ends[end])


def _reached(analysis: Analysis, hop: int, attacker: Attacker, found: HopSearch,
             ends: Collection[str]) -> list[tuple[list[str], str, list[str]]]:
    """Per KeNB the edits of ``found`` that ended in one of ``ends`` left the UE on: those
    edits, the KeNB in words, and the secret inputs of it (TS 33.401 A.5: KeNB* from
    KeNB or NH) the attacker lacks, read from what the UE derived and the run's key graph:
    why each such edit is no downgrade or capture (helper-234: "3 completed out of the attacker's
    reach" named neither)."""
    def lacked(inputs: tuple[Input, ...]) -> list[str]:
        return [analysis.graph.label(node) if node in analysis.graph.graph else i.name
                for i in inputs if not analysis.knows(attacker, node := value_node(i.value))]

    def on(kenb: bytes) -> str:
        return (f"KeNB[hop {hop}], the honest one" if kenb == analysis.kenb.get(hop) else
                f"a KeNB other than the honest one ({kenb.hex()[:8]})")

    return [(edits, on(kenb), lacked(inputs))
            for (end, kenb, inputs), edits in found.reached.items() if end in ends]


def _out_of_reach(name: str, reached: list[tuple[list[str], str, list[str]]],
                  whom: str = "UE and target") -> str:
    """``_reached`` in words (for ``_JUDGED``'s ``{reach}``): the edits that left ``whom``
    on each KeNB."""
    return "; ".join(f"{word_list(edits)} left {whom} on {on}, "
                     + (f"derived from {word_list(lacks)}, which {name} lacks" if lacks else
                        f"which {name} does not derive")
                     for edits, on, lacks in reached)


def _lacking(reached: list[tuple[list[str], str, list[str]]]) -> list[str]:
    """``_reached`` as a cut's lines: each input the attacker lacks, with its KeNB."""
    return list(dict.fromkeys(f"lacks {lack} (of {on})" for _, on, lacks in reached
                              for lack in lacks))


def _unjudged_ends(found: HopSearch, hop: int, target: str, situation: Collection[str]) -> str:
    """The edits of ``found`` that neither the UE nor the target judged (their end outside
    ``situation``: stopped before a HO command reached the UE, or after the HO confirm), with
    how each ended, so that a holding verdict accounts for every edit (helper-198 #11: "the
    UE or the target judged 8 of them" left 9 of 17 unsaid); "" where there are none."""
    others = {end: text for end, text in _ENDS.items() if end not in situation}
    count = sum(found.ends[end] for end in others)
    if not count:
        return ""
    return f"; the other {count}, which neither judged: {_how_ended(found, hop, target, others)}"


def _downgrade(analysis: Analysis, hop: int, attacker: Attacker, promised: bool,
               found: HopSearch, facts: Facts, claim: DowngradeResistance,
               searched: Callable[[int, Attacker, str | None], HopSearch]) -> Verdict:
    source, name = analysis.source(hop), str(attacker)
    who = deriver(name, attacker.entities, source)
    if found.downgrade is not None:
        # the promise is made against the source eNB (TS 33.401 7.2.8): an attacker that
        # holds more fails outside it where its eNBs alone find no downgrade, as backward
        # and forward security judge it (``_Claim.excused``)
        whole = facts.attacker(name)
        alone = attacker.enbs_alone(analysis.run.topology.enbs)
        excused = whole is not None and alone is not None and claim.excused(
            facts, whole, lambda _: searched(hop, alone, DOWNGRADE).downgrade is not None)
        return Verdict(hop, name, False, promised and not excused,
                       downgraded(source, hop, analysis.target(hop), who),
                       found.downgrade.lines, witness_hop=hop,
                       outside=claim.outside(whole, promised)
                       if excused and whole is not None else None)
    judged = sum(found.ends[end] for end in claim.situation)
    reached = _reached(analysis, hop, attacker, found, {COMPLETED_END})
    reach = _out_of_reach(name, reached)
    each = "" if found.ends[COMPLETED_END] else ", and refused each"
    return Verdict(hop, name, True, promised,
                   f"none of {found.edits_text(source, ' of what it relays and sends')} puts "
                   f"the UE and the honest target on a KeNB {who} can derive; the UE or the "
                   f"target judged {judged} of them{each}: "
                   f"{_how_ended(found, hop, analysis.target(hop), _JUDGED, reach)}"
                   f"{_unjudged_ends(found, hop, analysis.target(hop), claim.situation)}"
                   f"{edit_aside(facts, DOWNGRADE)}",
                   cut=("each edit is refused by the UE, or makes UE and target disagree (the "
                        "target rejects the HO confirm)" + (
                            f", or leaves both on a KeNB whose inputs {name} lacks"
                            if reached else ""), *_lacking(reached)))


def _denial(hop: int, name: str, promised: bool, found: HopSearch, source: str) -> Verdict:
    if found.denial is not None:
        return Verdict(hop, name, False, promised,
                       denied(source, hop, found.denial.outcome),
                       (found.denial.rewrite, found.denial.outcome))
    completed = found.ends["completed"]  # the others met no denial's situation (``arose``)
    return Verdict(hop, name, True, promised,
                   f"the handover completes after each of {found.attempts} single edits by {source}"
                   if completed == found.attempts else
                   f"the handover completes after each of the {completed} of {found.attempts} "
                   f"single edits by {source} after which the UE judged a HO command (after "
                   "the others none reached it, or the handover had completed)")


def _capture(analysis: Analysis, hop: int, attacker: Attacker, promised: bool,
             found: HopSearch, aside: str) -> Verdict:
    source, name = analysis.source(hop), str(attacker)
    who = deriver(name, attacker.entities, source)
    if found.capture is not None:
        return Verdict(hop, name, False, promised, captured(source, hop, who),
                       found.capture.lines, witness_hop=hop)
    reached = _reached(analysis, hop, attacker, found, UE_ACCEPTED)
    accepted = (f" (after {sum(len(edits) for edits, _, _ in reached)} of them the UE "
                f"accepted the HO command: {_out_of_reach(name, reached, 'the UE')})"
                if reached else "")
    return Verdict(hop, name, True, promised,
                   f"none of {found.edits_text(source)} puts the UE on a KeNB {who} "
                   f"can derive{accepted}{aside}",
                   cut=(f"the UE refuses each edit or derives its KeNB from inputs {name} "
                        "lacks", *_lacking(reached)))


def find_attack(analysis: Analysis, hop: int, attacker: Attacker, claim: str) -> Attempt | None:
    """The edit behind a failing verdict of ``claim`` at ``hop`` (for the report's chart)."""
    found = search(analysis, hop, attacker, only=claim)
    attempt = {DOWNGRADE: found.downgrade, DENIAL: found.denial, CAPTURE: found.capture}[claim]
    if attempt is None:
        return None
    try:
        return replace(attempt, run=full_run(analysis.run, hop, attempt.step, attempt.rewritten))
    except VariantError:  # the attack's run stops at the failing hook: nothing to draw
        return None
