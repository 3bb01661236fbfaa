"""Key labels in spec vocabulary: one definition for the key graph (the report's diagrams,
graphml, dot) and the claim engine's facts (witnesses and cuts).

A label names a key by what it is; two different NHs of one run never share one. Other keys
are named by their hop, which two values can share (the UE's and an eNB's KeNB*[hop 2] where
they disagree; a hop that the search of edits reruns).

NH (TS 33.401 7.2.8.4, A.4): an NH is named by the NCC the run pairs it with, ``NH[NCC n]``:
the {NH, NCC} of a message (S1AP HandoverRequest SecurityContext, Path Switch Request
Acknowledge, GTPv2 MM context) or of a key record (the MME's and the UE's NH chain, whose NCC
is its count mod 8 (7.2.8.1.1), the UE's after its catch-up (7.2.8.4.3); an eNB's unused
{NH, NCC}), read at every step (what it received, read, kept and sent). For ``ts33401`` that
NCC is the NH's depth in the chain mod 8; a variant whose NH is no hash chain gets the NCC it
sent. An NH paired with several NCCs carries them all (``NH[NCC 2 and 4]``: one key sent
twice, such as by an MME that re-sends the NH it holds with the next NCC). Once two different
NHs share an NCC (the NCC wraps after 8 NH derivations, or a variant pairs two NHs with one
NCC), each of them also names the hop of each pairing (``NH[NCC 1, hop 8]``), and a number
(``#2``: the second derived) if that is not enough. An NH the run never pairs is named by the
hop it was first derived in (``NH[hop 3]``).

A key derived from KASME and constants alone (seed-fs's K_HO = KDF(KASME, "Handover
String")) is one value per KASME, whatever the hop: it is named without one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import fields, is_dataclass
from functools import cache
from typing import Any, TypeVar

from hoverify.statemachines.names import word_list
from hoverify.statemachines.variant import EnbKeys, NhChain

NH = "NH"
# public inputs that are constants of the clauses, not values of a hop
CONSTANT_INPUTS = frozenset({"FC", "Handover String", "algorithm type distinguisher",
                             "algorithm identity"})

T = TypeVar("T")

# A derivation whose output the parties then use as another key, by that key's name: the
# target eNB and the UE take the KeNB* of TS 33.401 A.5 as their KeNB (7.2.8.4.2, 7.2.8.4.3)
TAKEN_AS = {"KeNB*": "KeNB"}


def derivation_line(label: str, output_name: str, args: str, clause: str) -> str:
    """A derivation as every witness and the report's key graph write it: the output's label
    (the key graph's node name), then, where the value is labelled as the key it is taken as
    (``TAKEN_AS``), the derivation's own output name: "KeNB[hop 1] = KeNB* = KDF(KeNB[hop 0],
    FC=0x13, ...)  [TS 33.401 A.5]" (newcomer: without "KeNB*" the output of A.5 read as
    named KeNB)."""
    left = f"{label} = {output_name}" if _taken_as(label, output_name) else label
    return f"{left} = KDF({args})  [{clause}]"


def names_output(label: str, output_name: str) -> bool:
    """Whether a derivation's line (``derivation_line``) names its own output."""
    return label.startswith(output_name) or _taken_as(label, output_name)


def _taken_as(label: str, output_name: str) -> bool:
    taken = TAKEN_AS.get(output_name)
    return taken is not None and label.startswith(f"{taken}[")


Pairing = tuple[bytes, int, int]  # (NH, NCC, hop): the run paired the NH with the NCC


def paired(known: tuple[Pairing, ...], hop: int,
           pairs: Iterable[tuple[bytes, int]]) -> tuple[Pairing, ...]:
    """``known`` with each {NH, NCC} of ``pairs`` (``nh_pairs`` of a step: the message's
    fields, what a party read, its key record, what it sent) it lacks, paired in hop
    ``hop``; ``known`` itself if none is new."""
    last, have = _PAIRED
    if last is not known:  # a set of ``known`` per call cost the run's pairings per step
        have = {(nh, ncc) for nh, ncc, _ in known}
    new = [(nh, ncc, hop) for nh, ncc in dict.fromkeys(pairs) if (nh, ncc) not in have]
    result = (*known, *new) if new else known
    have.update((nh, ncc) for nh, ncc, _ in new)  # now the set of ``result``, not ``known``
    _PAIRED[:] = [result, have]
    return result


# ``paired``: the pairings it last returned, and their {NH, NCC} pairs as a set (a run's
# steps extend one tuple of pairings in turn)
_PAIRED: list[Any] = [(), set()]


def nh_pairs(obj: Any) -> Iterator[tuple[bytes, int]]:
    """Every {NH, NCC} pair inside ``obj``: fields that carry both an "NH" and an "NCC"
    (SecurityContext, MM context), an NH chain (``NhChain``) and an eNB's unused pair
    (``EnbKeys.next_hop``), depth first."""
    stack = [obj]
    while stack:
        item = stack.pop()
        if type(item) in _LEAVES:  # every step walks its records: the common case first
            continue
        if isinstance(item, NhChain):
            yield item.value, item.ncc
        elif isinstance(item, EnbKeys):
            if item.next_hop is not None:
                yield item.next_hop
            stack.append(item.as_keys)
        elif isinstance(item, tuple | list):
            pair = _fields_pair(item)
            if pair is not None:
                yield pair
            stack.extend(reversed(item))
        else:
            stack.extend(getattr(item, name) for name in _field_names(type(item)))


_LEAVES = frozenset({bytes, str, int, bool, float, type(None)})


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    """The fields of a record class, last first (for the stack); none for any other."""
    return tuple(f.name for f in reversed(fields(cls))) if is_dataclass(cls) else ()


def _fields_pair(items: tuple[Any, ...] | list[Any]) -> tuple[bytes, int] | None:
    """The {NH, NCC} of ``items`` if it is a field tuple carrying both."""
    nh = ncc = None
    for i in items:
        if isinstance(i, tuple) and len(i) == 2:
            if i[0] == NH:
                nh = i[1]
            elif i[0] == "NCC":
                ncc = i[1]
    if isinstance(nh, bytes) and isinstance(ncc, int) and not isinstance(ncc, bool):
        return nh, ncc
    return None


def nh_labels(nhs: Sequence[tuple[bytes, int]],
              pairings: Iterable[Pairing]) -> dict[bytes, str]:
    """The label of each NH of ``nhs`` (its value and the hop it was first derived in, in
    the order first derived), from the run's ``pairings`` (in the order paired)."""
    hop_of = dict(nhs)
    by_nh: dict[bytes, dict[int, int]] = defaultdict(dict)  # NH -> NCC -> first hop
    for nh, ncc, hop in pairings:
        if nh in hop_of:
            by_nh[nh].setdefault(ncc, hop)
    sharing: dict[int, int] = defaultdict(int)  # NCC -> how many NHs the run pairs with it
    for nccs in by_nh.values():
        for ncc in nccs:
            sharing[ncc] += 1
    labels: dict[bytes, str] = {}
    for nh, hop in nhs:
        nccs = by_nh.get(nh)
        if nccs is None:
            labels[nh] = f"NH[hop {hop}]"
        elif all(sharing[ncc] == 1 for ncc in nccs):
            labels[nh] = f"NH[NCC {word_list(str(n) for n in nccs)}]"
        else:
            labels[nh] = "NH[" + "; ".join(f"NCC {n}, hop {h}" for n, h in nccs.items()) + "]"
    return _numbered(labels)


def _numbered(labels: dict[bytes, str]) -> dict[bytes, str]:
    """``labels`` (in order) with ``#k`` added to each of a label that several share."""
    by_label: dict[str, list[bytes]] = defaultdict(list)
    for value, label in labels.items():
        by_label[label].append(value)
    for label, values in by_label.items():
        if len(values) > 1:
            for k, value in enumerate(values, 1):
                labels[value] = f"{label[:-1]}, #{k}]"
    return labels


def hop_free(inputs: Iterable[tuple[str, bool, T]], given: Callable[[T], bool | None]) -> bool:
    """A derivation's output is one value per KASME, whatever the hop: each of its
    ``inputs`` (name, public, value) is a constant of the clause if public, else hop-free
    itself (``given``: True or False for a value derived before, None for one no derivation
    made, such as KASME)."""
    inputs = list(inputs)
    return constant_publics(inputs) and all(given(value) is not False
                                            for _, public, value in inputs if not public)


def constant_publics(inputs: Iterable[tuple[str, bool, Any]]) -> bool:
    """Each public input of ``inputs`` is a constant of the clause: without it the output is
    one value per hop (a PCI, an EARFCN-DL, a NAS COUNT), whatever its keys are
    (``hop_free``, decided without them)."""
    return all(name in CONSTANT_INPUTS for name, public, _ in inputs if public)
