"""Where a key a variant hook hands the model comes from: its Deriver, or its own arguments.

The key graph is recorded from the Deriver (``hoverify.statemachines.derivation``), so a key
that no derivation made has no node: every claim would judge a graph without it. A hook is a
function of its arguments (docs/variants.md), so every key it returns must be

- the output of a derivation its Deriver recorded during the call, or
- a key it was given: KeNB, KeNB*, NH or KASME passed on as is (TS 33.401 7.2.8.4.2: the
  target eNB uses the KeNB* it received as its KeNB; the MME keeps its KASME);

and an RRC/UP key (KRRCint, KRRCenc, KUPenc) the output of a derivation of that name in the
call (TS 33.401 A.7), or given as that same key (an eNB keeping its AS keys). A key that is
neither (a constant, a truncation, a value kept from another call) is a bug of the variant,
raised as :class:`UnderivedKey`.

What a hook returns is read by type: a bare 32-octet value is a KeNB (``initial_kenb``,
``target_enb``, ``ue``); AS keys, NH chains and the MME's and eNB's key records name their
keys; in security fields a value of 32 octets is a key (every key of the hierarchy is a
256-bit KDF output, TS 33.220 B.2), while shorter octet strings (a capability bitmap, a cell
identity) are not.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hoverify.statemachines.derivation import Derivation
from hoverify.statemachines.variant import (
    KEY_OCTETS,
    AsKeys,
    EnbKeys,
    HookReturnError,
    MmeKeys,
    NhChain,
    UeKeys,
    key_problem,
)

AS_KEYS = ("KRRCint", "KRRCenc", "KUPenc")
# what the hint names as the derivation of a key the hook did not make
CLAUSES = {"KeNB": "TS 33.401 A.3: KeNB = KDF(KASME, ...), or the KeNB* of A.5",
           "KeNB*": "TS 33.401 A.5: KeNB* = KDF(KeNB or NH, ...)",
           "NH": "TS 33.401 A.4: NH = KDF(KASME, ...)",
           **{name: f"TS 33.401 A.7: {name} = KDF(KeNB, ...)" for name in AS_KEYS}}


class UnderivedKey(HookReturnError):
    """A hook returned a key that no derivation of its call made and that it was not given."""

    def __init__(self, hook: str, name: str, made_as: str | None) -> None:
        why = f"; a derivation named {made_as!r} made it" if made_as else ""
        clause = f" ({CLAUSES[name]})" if name in CLAUSES else ""
        article = "an" if name[0] in "AEFHILMNORSX" else "a"  # as spoken: an NH, a KeNB
        super().__init__(hook, f"{article} {name} that no derivation made{why}{clause}; "
                               "make it with the Deriver (d.kdf, d.algorithm_key, ...), named "
                               f"{name!r}, from keys the hook is given")

    def __reduce__(self) -> tuple[type[HookReturnError], tuple[str, str]]:
        return HookReturnError, (self.hook, self.problem)  # pickled for a worker's finding


def check_returned_keys(hook: str, result: Any, made: Sequence[Derivation],
                        args: tuple[Any, ...], bare: str = "KeNB") -> None:
    """Raise :class:`UnderivedKey` (``HookReturnError`` if its length is wrong) for the
    first key in ``result`` (what ``hook`` returned
    when called with ``args``) that none of ``made`` (the derivations of the call) output
    and that ``args`` do not hold; ``bare``: what an octet string returned alone is."""
    # by value and name: two derivations of different names may give one value
    # (broken_variants/krrcenc_equals_krrcint.py), each making a key of its own name
    made_as = {(d.output_name, d.output) for d in made}
    outputs = {d.output: d.output_name for d in made}
    given: set[bytes] | None = None  # read from args only when a key is not made
    given_as: set[tuple[str, bytes]] = set()
    for name, value in _keys(result, bare):
        if (name, value) in made_as if name in AS_KEYS else value in outputs:
            continue
        if given is None:
            given_as = set(_keys(args, "key"))
            given = {value for _, value in given_as}
        if (name, value) in given_as if name in AS_KEYS else value in given:
            continue
        # a KeNB, KeNB* or NH of the wrong length: said as such (an AS key is 128 bits, A.7)
        problem = key_problem(name, value) if name not in AS_KEYS else None
        raise HookReturnError(hook, problem) if problem else UnderivedKey(
            hook, name, outputs.get(value))


def _keys(obj: Any, name: str) -> list[tuple[str, bytes]]:
    """The keys in ``obj`` by their spec names; a bare octet string is called ``name``."""
    found: list[tuple[str, bytes]] = []
    stack = [obj]
    while stack:
        item = stack.pop()
        if isinstance(item, bytes):
            found.append((name, item))
        elif isinstance(item, AsKeys):
            found += (("KeNB", item.kenb), ("KRRCint", item.krrc_int),
                      ("KRRCenc", item.krrc_enc), ("KUPenc", item.kup_enc))
        elif isinstance(item, NhChain):
            found.append(("NH", item.value))
        elif isinstance(item, EnbKeys):
            stack.append(item.as_keys)
            if item.next_hop is not None:
                found.append(("NH", item.next_hop[0]))
        elif isinstance(item, MmeKeys | UeKeys):
            found.append(("KASME", item.kasme))
            stack += (item.chain, item.as_keys) if isinstance(item, UeKeys) else (item.chain,)
        elif isinstance(item, tuple):
            if item and all(type(i) is tuple and len(i) == 2 and type(i[0]) is str
                            for i in item):  # security fields
                found += ((field, value) for field, value in item
                          if type(value) is bytes and len(value) == KEY_OCTETS)
            else:  # a hook's several results (or arguments)
                stack.extend(reversed(item))  # read in their order
    return found
