"""Loading a reviewer's variant file (``--variant-file PATH``), validated before anything runs.

A variant file is a Python module that ends with ``VARIANT = SomeSchedule()``, where
``SomeSchedule`` subclasses :class:`hoverify.statemachines.variant.KeySchedule` (or a built-in
variant, overriding only what the proposal changes). The built-in variants are written
against the same interface with no private shortcuts.

Why Python and not a declarative format: the three built-in variants branch on hop types and
on NCC catch-up (a loop until two counters match), and the seed's proposal reuses the TR's
derivations while changing two steps. A declarative format that expresses that cleanly ends up
as a small programming language; Python subclassing says "what the proposal changes" in a
dozen lines, and the checks below make up for what a format would have checked statically.

Checks, each failing with the file, the item and the fix (exit code 2, no traceback):
- the file exists, is readable, is valid Python and runs;
- it defines ``VARIANT``, a ``KeySchedule`` instance, with a new name;
- every class of the file that ``VARIANT``'s class derives from is a ``@dataclass(frozen=True)``
  (without the decorator a field such as ``name`` is a plain class attribute that the
  inherited ``__init__`` overwrites with the parent's default);
- every public method or attribute those classes define is a hook (or ``field_names``),
  redefines something of the class they extend, or is used by name in the file: any other is
  a misspelling the model would never call (``sourse_enb``), named with the closest hook;
- no ``target_enb`` it defines names the s1-inter hop type, which the model never gives it
  (no target eNB can tell an inter-MME S1 handover from an intra-MME one);
- every hook it defines takes the interface's arguments (``ue`` gained ``source``, the
  serving cell, before ``target``: a hook written for the old interface is named);
- ``promises()`` declares at least one promise, each of a known claim, with known hop types
  and a positive ``hops``, and at most one per claim and hop type;
- a dry run over every hop type, an NCC wrap and the Path Switch race: every hook returns
  values of the right types (a key field 32 octets), every security field has a known name
  (or one declared in the variant's ``field_names``). A hook that raises is not bad input
  but a variant error, which the command reports as its finding ``variant-error`` (exit 1),
  and so is a key a hook returns that its Deriver did not make in the call and that it was
  not given (``hoverify.statemachines.key_origin``, checked at every call, not only here);
  the first the dry run meets goes with the variant (``hoverify.dry_run``), so that a command
  whose own hops never reach it reports it all the same (``hoverify.runs.dry_run_finding``);
- provenance: no party derives anything from a value it never held (a module global or a
  closure cannot smuggle KASME into an eNB). A cyclic definition shows up here too: a value
  used before anyone computed it was never held.

The variant's own output (a ``print()`` while the file runs or a hook runs) goes to stderr:
stdout is where ``--json`` writes its document.
"""

from __future__ import annotations

import ast
import functools
import importlib.util
import inspect
import re
import sys
import traceback
import typing
from collections.abc import Callable
from contextlib import redirect_stdout
from dataclasses import dataclass, fields, is_dataclass, replace
from itertools import takewhile
from pathlib import Path
from types import FunctionType, ModuleType
from typing import Any

from hoverify.dry_run import DryRunError, keep_dry_run_error
from hoverify.errors import UsageError
from hoverify.properties.claims import CLAIMS
from hoverify.properties.provenance import provenance_violations
from hoverify.statemachines.derivation import Derivation, Deriver
from hoverify.statemachines.entity import VariantError
from hoverify.statemachines.key_origin import check_returned_keys
from hoverify.statemachines.messages import Fields
from hoverify.statemachines.names import did_you_mean, raised_text
from hoverify.statemachines.scenario import Run, parse_hops, run_scenario
from hoverify.statemachines.topology import Cell, HopType
from hoverify.statemachines.variant import (
    ASSUMPTIONS,
    CELL_IDENTITY,
    AsKeys,
    EnbKeys,
    HookReturnError,
    KeySchedule,
    MmeKeys,
    NhChain,
    Promise,
    UeKeys,
    is_ncc,
    key_problem,
    returned_key,
)
from hoverify.statemachines.variants import BIT_PLACEMENTS, BUILT_IN

HOOKS = ("promises", "delegated_keys", "initial_kenb", "initial_ncc", "initial_chain",
         "received_chain", "as_keys", "source_enb", "source_mme", "target_mme", "target_enb",
         "ue", "path_switch", "path_switch_acknowledged", "ue_fields_under_nas_mac",
         "c_rnti_max")
# what the loader reads of a variant beside its hooks (names of its own security fields)
INTERFACE = frozenset({*HOOKS, "field_names"})
KNOWN_FIELDS = frozenset({"KeNB*", "KeNB*+", "NCC", "NH", "notification bit",
                          "keyChangeIndicator"})
# the fields that carry a key: 256 bits (X2AP key-eNodeB-star, S1AP nextHopParameter)
KEY_FIELDS = frozenset({"KeNB*", "KeNB*+", "NH"})
# a variant's name is a file and anchor name (finding files, report pages), never a built-in
# one: not "seed-fs", nor "seed-fs-nas", the report's page of seed-fs with its bit in NAS
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
TAKEN_NAMES = frozenset({*BUILT_IN, *(f"seed-fs-{p}" for p in BIT_PLACEMENTS)})
DRY_RUNS = ("x2", "s1", "s1-inter", "intra-enb", "x2,s1,s1-inter,intra-enb,x2,s1,x2,s1,x2,s1",
            "x2,x2:early,x2")
# the dry run's longest hops, run a second time: every command takes a variant to be a function
# of its hooks' arguments (verify and explore replay a path and must meet the same keys)
AGAIN = max(DRY_RUNS, key=len)


class VariantFileError(UsageError):
    """A variant file that cannot be used; the message names the file, the item and the fix."""


class VariantBug(Exception):
    """A hook of the variant misbehaved during the dry run."""


def load_variant_file(path: str, bit_placement: str | None = None) -> KeySchedule:
    """``bit_placement``: ``--bit-placement``, for a variant built on seed-fs."""
    module, variant = _import(Path(path))
    _check_classes(path, module, variant)
    if bit_placement is not None:
        with redirect_stdout(sys.stderr):  # a __post_init__ of the file runs again
            variant = _placed(path, variant, bit_placement)
    _quiet(module, variant)
    _check_declarations(path, variant)
    found = _dry_run(path, variant)
    if found:
        (error, hops), *more = found
        keep_dry_run_error(variant, DryRunError(error, hops, path, bit_placement, tuple(more)))
    return variant


def _placed(path: str, variant: KeySchedule, bit_placement: str) -> KeySchedule:
    """The variant with its notification bit at ``bit_placement`` (the parameter seed-fs
    reads, SA3 contribution section 4); a variant without that parameter takes none."""
    parameters = getattr(variant, "parameters", None)
    if not isinstance(parameters, dict) or "bit_placement" not in parameters:
        raise VariantFileError(f"{path}: --bit-placement applies to seed-fs and variants built "
                               "on it; this VARIANT has no parameter 'bit_placement'")
    try:
        return replace(variant, parameters={**parameters, "bit_placement": bit_placement})
    except (TypeError, ValueError) as error:  # not a dataclass, or its own checks refuse it
        raise VariantFileError(f"{path}: --bit-placement {bit_placement}: {error}") from None


def _import(path: Path) -> tuple[ModuleType, KeySchedule]:
    try:
        source = path.read_text()
    except OSError as error:
        raise VariantFileError(f"{path}: cannot read the variant file ({error.strerror})") \
            from None
    except UnicodeDecodeError:
        raise VariantFileError(f"{path}: not a text file; a variant file is Python source") \
            from None
    try:
        compile(source, str(path), "exec")
    except SyntaxError as error:
        if error.lineno is None:  # NUL bytes, on this Python: no line to name ("x.py:None")
            raise VariantFileError(f"{path}: not Python source ({error.msg})") from None
        raise VariantFileError(f"{path}:{error.lineno}: syntax error: {error.msg}; fix the "
                               "Python syntax") from None
    except ValueError as error:  # NUL bytes, on older Pythons
        raise VariantFileError(f"{path}: not Python source ({error})") from None
    name = f"hoverify_variant_file_{abs(hash(str(path.resolve())))}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise VariantFileError(f"{path}: cannot be loaded as a Python module; give it a .py "
                               "name")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        with redirect_stdout(sys.stderr):
            spec.loader.exec_module(module)
    except BaseException as error:  # the reviewer's code, sys.exit() and Ctrl-C included:
        # any failure is bad input, reported in one line (never a silent exit)
        # the dataclass module's refusal, with its fix (review46): a variant is immutable
        frozen = ("; write @dataclass(frozen=True), as the variant it extends is declared"
                  if "non-frozen dataclass from a frozen one" in str(error) else "")
        raise VariantFileError(f"{path}:{_line(error, path)}: running the file raised "
                               f"{raised_text(error)}{frozen}") from None
    finally:
        sys.modules.pop(name, None)
    variant = getattr(module, "VARIANT", None)
    if variant is None:
        raise VariantFileError(f"{path}: defines no VARIANT; end the file with "
                               "`VARIANT = YourSchedule()`")
    if not isinstance(variant, KeySchedule):
        raise VariantFileError(f"{path}: VARIANT is a {type(variant).__name__}, not a "
                               "KeySchedule; subclass "
                               "hoverify.statemachines.variant.KeySchedule or a built-in "
                               "variant and instantiate it")
    return module, variant


def _check_classes(path: str, module: ModuleType, variant: KeySchedule) -> None:
    """The file's classes that ``VARIANT``'s class derives from: each a dataclass, each
    public member one the model or the file's own code reads."""
    tree = ast.parse(Path(path).read_text())
    lines = {(node.name, name): line for node in ast.walk(tree) if isinstance(node, ast.ClassDef)
             for name, line in _members(node)}
    used = {node.attr if isinstance(node, ast.Attribute) else node.id
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute | ast.Name) and isinstance(node.ctx, ast.Load)}
    used |= {node.value for node in ast.walk(tree)  # getattr(self, "name")
             if isinstance(node, ast.Constant) and isinstance(node.value, str)}
    own = _own_classes(module, variant)
    _check_target_enb_hop(path, tree, {c.__name__ for c in own})
    inherited: set[str] = set()  # what the classes it extends define, their fields included
    for base in (c for c in type(variant).__mro__ if c not in own):
        inherited |= {*vars(base), *(f.name for f in (fields(base) if is_dataclass(base) else ()))}
    for cls in own:
        where = f"{path}:{lines.get((cls.__name__, None), '?')}"
        if "__dataclass_fields__" not in vars(cls):
            raise VariantFileError(
                f"{where}: class {cls.__name__} is not a dataclass, so its field defaults are "
                f"ignored (VARIANT.name is {variant.name!r}); put @dataclass(frozen=True) "
                f"(from dataclasses) on the line above `class {cls.__name__}`")
        for name in (*vars(cls), *inspect.get_annotations(cls)):
            if name.startswith("_") or name in INTERFACE or name in inherited or name in used:
                continue
            known = sorted(INTERFACE | {n for n in inherited if not n.startswith("_")})
            meant = did_you_mean(known, name) or f"; the hooks are {', '.join(HOOKS)}."
            raise VariantFileError(
                f"{path}:{lines.get((cls.__name__, name), '?')}: {cls.__name__}.{name} is no "
                "hook, redefines nothing of the class it extends and is used nowhere in the "
                f"file, so the model never calls it{meant} (a helper of your own: name it "
                f"_{name})")


def _check_target_enb_hop(path: str, tree: ast.Module, own: set[str]) -> None:
    """No ``target_enb`` of the file's classes names the s1-inter hop type: the model never
    gives it, as no target eNB can tell an inter-MME S1 handover from an intra-MME one. S1AP
    HANDOVER REQUEST (TS 36.413 9.1.5.4) comes from the eNB's own MME either way, with no IE
    saying whether another MME prepared it over S10 (TS 29.274 7.3.1), so ``target_enb`` is
    called with ``HopType.S1`` for both (helper-161: such a branch never ran, unwarned)."""
    for cls in (n for n in tree.body if isinstance(n, ast.ClassDef) and n.name in own):
        for hook in (n for n in cls.body
                     if isinstance(n, ast.FunctionDef) and n.name == "target_enb"):
            for node in ast.walk(hook):
                if ((isinstance(node, ast.Attribute) and node.attr == "S1_INTER")
                        or (isinstance(node, ast.Constant) and node.value == "s1-inter")):
                    raise VariantFileError(
                        f"{path}:{node.lineno}: {cls.name}.target_enb names the s1-inter hop "
                        "type, which the model never gives it: S1AP HANDOVER REQUEST (TS "
                        "36.413 9.1.5.4) does not tell a target eNB whether another MME "
                        "prepared the handover, so target_enb gets HopType.S1 for every S1 "
                        "handover; branch on s1-inter in source_mme or target_mme, which "
                        "know it, and send the target eNB a field saying so")


def _members(node: ast.ClassDef) -> list[tuple[str | None, int]]:
    """The names a class body defines, with their lines; ``None``: the class itself."""
    named: list[tuple[str | None, int]] = [(None, node.lineno)]
    for item in node.body:
        if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            named.append((item.name, item.lineno))
        elif isinstance(item, ast.AnnAssign | ast.Assign):
            targets = [item.target] if isinstance(item, ast.AnnAssign) else item.targets
            named += [(t.id, item.lineno) for t in targets if isinstance(t, ast.Name)]
    return named


def _quiet(module: ModuleType, variant: KeySchedule) -> None:
    """Every method the file's classes define runs with stdout sent to stderr, so that a
    reviewer's ``print()`` never mixes into what a command writes on stdout (``--json``).
    A built-in's own methods, which print nothing, stay unwrapped: the claims ask
    ``initial_ncc`` and ``delegated_keys`` tens of thousands of times in a ``verify``.

    The wrapper goes on the instance, not the class: the model names a hook by the class's
    function (``Entity._variant_error``) and by the frame whose ``self`` is the variant, which
    the wrapper (no ``self`` of its own) leaves to the hook."""
    classes = _own_classes(module, variant)
    own = {name for c in classes for name, value in vars(c).items()
           if not name.startswith("__") and isinstance(value, FunctionType | staticmethod
                                                       | classmethod)}
    for name in own:
        object.__setattr__(variant, name,  # it is frozen
                           _to_stderr(getattr(variant, name), _overridden(variant, classes, name)))


def _own_classes(module: ModuleType, variant: KeySchedule) -> list[type]:
    """The classes of ``VARIANT``'s class hierarchy that the file defines."""
    return [c for c in type(variant).__mro__ if c.__module__ == module.__name__]


def _overridden(variant: KeySchedule, own: list[type], name: str) -> tuple[str, str] | None:
    """The method of a class the file does not define that its method ``name`` overrides,
    and what that one returns, where it never returns None (``Ts33401.kenb_star``,
    ``bytes``); None where there is none, or it may return None, or it is a hook of the
    interface (``Checked`` checks what those return)."""
    if name in HOOKS:
        return None
    base = next((c for c in type(variant).__mro__ if c not in own and name in vars(c)), None)
    method = vars(base)[name] if base is not None else None
    returns = getattr(method, "__annotations__", {}).get("return")
    if returns is None or re.search(r"\bNone\b|\bAny\b|Optional", str(returns)):
        return None
    return f"{base.__name__}.{name}", str(returns)


def _to_stderr(method: Callable[..., Any],
               overridden: tuple[str, str] | None) -> Callable[..., Any]:
    """``method`` of the file with its prints sent to stderr, and, where it overrides one
    that returns a value (``overridden``), a HookReturnError at its own line if it returns
    what that one may not (``_check_returned``), as a hook is held to (review46: a
    ``return`` missing in kenb_star, or a constant KeNB*, was told as source_enb()'s, the
    built-in hook that called it; helper-251: so was an int)."""
    code = getattr(method, "__code__", None)
    where = f"{Path(code.co_filename).name}:{code.co_firstlineno}" if code is not None else None

    @functools.wraps(method)
    def quiet(*args: Any, **kwargs: Any) -> Any:
        d = next((a for a in args if isinstance(a, Deriver)), None)
        start = len(d.records) if d is not None else 0
        with redirect_stdout(sys.stderr):
            result = method(*args, **kwargs)
        if overridden is not None:
            try:
                _check_returned(method.__name__, overridden, result,
                                d.records[start:] if d is not None else None, args)
            except HookReturnError as error:
                error.where = where  # named at the method, not at the hook that called it
                raise
        return result
    return quiet


def _check_returned(name: str, overridden: tuple[str, str], result: Any,
                    made: list[Derivation] | None, args: tuple[Any, ...]) -> None:
    """What the file's method ``name`` returned where it overrides one that returns a value
    (``overridden``): not None and, for a derivation (``made``, its Deriver's records of
    the call, is None where it was given none), a key of 32 octets, of the right type
    included (TS 33.401 A.3-A.5, the output of the KDF), that its call made or was given."""
    if result is None:
        raise HookReturnError(name, f"None where {overridden[0]} returns {overridden[1]} (a "
                                    "`return` missing?)")
    if overridden[1] != "bytes" or made is None:
        return
    returned_key(name, result, "key")
    check_returned_keys(name, result, made, args, "key")


def _check_declarations(path: str, variant: KeySchedule) -> None:
    if not isinstance(variant.name, str) or not variant.name.strip():
        raise VariantFileError(f"{path}: VARIANT.name is empty; give the variant a name")
    if not NAME.fullmatch(variant.name):
        raise VariantFileError(f"{path}: VARIANT.name {variant.name!r}: use letters, digits, "
                               "'.', '_' and '-', starting with a letter or digit (it names "
                               "finding files and report pages)")
    if variant.name.lower() in TAKEN_NAMES:
        raise VariantFileError(f"{path}: VARIANT.name {variant.name!r} is a built-in "
                               "variant's (or one of its bit placements'); choose another name")
    if not isinstance(variant.parameters, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in variant.parameters.items()):
        raise VariantFileError(f"{path}: VARIANT.parameters must map str to str")
    _check_hook_signatures(path, variant)
    try:
        promises = variant.promises()
    except Exception as error:
        raise VariantFileError(f"{path}:{_line(error, path)}: promises() raised "
                               f"{raised_text(error)}") from None
    if not isinstance(promises, tuple | list):  # as a hook's wrong type is told (_shaped)
        said = "None" if promises is None else f"a {type(promises).__name__}"
        hint = " (a `return` missing?)" if promises is None else ""
        raise VariantFileError(f"{path}: promises() returned {said} where it must return a "
                               "tuple of Promise(claim, hop_types, hops, why, assumes)"
                               f"{hint}")
    if not promises:
        raise VariantFileError(f"{path}: promises() declares nothing; return a tuple of "
                               "Promise(...) saying what the variant promises")
    for promise in promises:
        if not isinstance(promise, Promise):
            raise VariantFileError(f"{path}: promises() returned a {type(promise).__name__}; "
                                   "return Promise(...) objects")
        if promise.claim not in CLAIMS:
            raise VariantFileError(f"{path}: promise of unknown claim {promise.claim!r}; "
                                   f"known claims: {', '.join(CLAIMS)}"
                                   f"{did_you_mean(CLAIMS, str(promise.claim))}")
        if not isinstance(promise.hop_types, frozenset) or not all(
                isinstance(h, HopType) for h in promise.hop_types):
            raise VariantFileError(f"{path}: promise {promise.claim!r}: hop_types must be a "
                                   "frozenset of HopType")
        if promise.hops is not None and (not isinstance(promise.hops, int)
                                         or promise.hops < 1):
            raise VariantFileError(f"{path}: promise {promise.claim!r}: hops must be a "
                                   f"positive integer or None, got {promise.hops!r}")
        if not promise.hop_types:
            raise VariantFileError(f"{path}: promise {promise.claim!r}: hop_types is empty, so "
                                   "it promises nothing; name the hop types it covers")
        if (not isinstance(promise.binds, frozenset) or not promise.binds
                or not promise.binds <= set(CELL_IDENTITY)):
            named = isinstance(promise.binds, frozenset)
            unknown = sorted(str(b) for b in promise.binds if b not in CELL_IDENTITY) if named \
                else []
            given = (f"frozenset({{{', '.join(sorted(map(repr, promise.binds)))}}})" if named
                     else repr(promise.binds))  # in order: the same line every time
            raise VariantFileError(
                f"{path}: promise {promise.claim!r}: binds must be a non-empty frozenset of "
                f"{', '.join(map(repr, CELL_IDENTITY))} (the parts of the target cell's "
                f"identity key separation judges, TS 33.401 A.5), got {given}"
                f"{did_you_mean(CELL_IDENTITY, *unknown)}")
        if not isinstance(promise.assumes, frozenset) or not promise.assumes <= ASSUMPTIONS.keys():
            raise VariantFileError(f"{path}: promise {promise.claim!r}: assumes must be a "
                                   f"frozenset of {', '.join(map(repr, ASSUMPTIONS))}, got "
                                   f"{promise.assumes!r}")
    _check_overlaps(path, promises)
    _check_c_rnti_max(path, variant)


def _check_c_rnti_max(path: str, variant: KeySchedule) -> None:
    """Asked once when the model is set up, outside any entity's handler: checked here."""
    try:
        largest = variant.c_rnti_max()
    except Exception as error:
        raise VariantFileError(f"{path}:{_line(error, path)}: c_rnti_max() raised "
                               f"{raised_text(error)}") from None
    # newUE-Identity is a 16-bit C-RNTI (TS 36.331); 0 is no C-RNTI (TS 36.321 7.1)
    if isinstance(largest, bool) or not isinstance(largest, int) or not 1 <= largest <= 0xFFFF:
        raise VariantFileError(f"{path}: c_rnti_max() returned {largest!r}; return the "
                               "largest C-RNTI the eNBs allocate, an int in 1..0xFFFF "
                               "(TS 36.321 7.1: 0xFFF3)")


def _check_overlaps(path: str, promises: tuple[Promise, ...] | list[Promise]) -> None:
    """One promise per claim and hop type: with two (a subclass adding a stronger
    forward-security promise to its parent's), which one is judged would be an accident of
    their order, and the other silently ignored."""
    for i, first in enumerate(promises):
        for second in promises[i + 1:]:
            both = first.hop_types & second.hop_types
            if first.claim == second.claim and both:
                raise VariantFileError(
                    f"{path}: promises() promises {first.claim!r} twice on "
                    f"{', '.join(sorted(h.value for h in both))} hops: {_said(first)} and "
                    f"{_said(second)}; keep one per hop type (filter what super().promises() "
                    "returns to replace a parent's)")


def _said(promise: Promise) -> str:
    """``promise`` as written, with the arguments that tell two of one claim apart."""
    default = Promise(promise.claim)
    given = [f"{name}={sorted(value) if isinstance(value, frozenset) else value!r}"
             for name in ("hops", "binds", "assumes")
             if (value := getattr(promise, name)) != getattr(default, name)]
    why = f" ({promise.why})" if promise.why else ""
    return f"Promise({', '.join([repr(promise.claim), *given])}){why}"


def _check_hook_signatures(path: str, variant: KeySchedule) -> None:
    """Each hook takes the interface's arguments, which the model passes by position: a
    parameter of the interface's name in another place (``ue(self, d, ue, command, target,
    source, c_rnti)``) would take the other argument, and the variant would be judged on keys
    its author did not derive (a delegate's first variant did so and read as a broken key
    agreement). A name of one's own in a place is free."""
    for hook in HOOKS:
        arguments = list(inspect.signature(getattr(KeySchedule, hook)).parameters)[1:]
        own = getattr(variant, hook)
        try:
            signature = inspect.signature(own)
            signature.bind(*arguments)
        except TypeError:
            raise VariantFileError(
                f"{path}: {hook}{inspect.signature(own)} does not take the interface's "
                f"arguments; define it as {hook}(self, {', '.join(arguments)})") from None
        except ValueError:  # no signature to read (a builtin): the dry run calls it
            continue
        # the parameters that take an argument by position: up to *args or a keyword-only one
        positional = list(takewhile(lambda p: p.kind in _BY_POSITION,
                                    signature.parameters.values()))
        moved = [(place, p.name) for place, p in enumerate(positional)
                 if place < len(arguments) and p.name != arguments[place]
                 and p.name in arguments]
        if moved:
            place, name = moved[0]
            raise VariantFileError(
                f"{path}: {hook}(self, {', '.join(map(str, signature.parameters.values()))}) "
                f"takes {name} where the interface passes {arguments[place]} (arguments come "
                f"by position); define it as {hook}(self, {', '.join(arguments)})")


_BY_POSITION = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)


def _dry_run(path: str, variant: KeySchedule) -> list[tuple[VariantError, str]]:
    """Bad input raised as such; returns each distinct variant error met (the hook, the
    source line and the exception), with the hops of the first dry run that met it."""
    checked = Checked(inner=variant, file=path, name=variant.name, title=variant.title,
                      specs=variant.specs, parameters=dict(variant.parameters))
    derived: dict[str, bool] = {}  # name of what the dry runs derive: from KASME?
    found: dict[tuple[str | None, str, str], tuple[VariantError, str]] = {}
    first: list[tuple[int, str, bytes]] = []  # what the hops AGAIN derived
    for hops in DRY_RUNS:
        try:
            run = run_scenario(checked, parse_hops(hops))
        except VariantError as error:
            if isinstance(error.error, VariantBug):
                raise VariantFileError(f"{path}: {error.error} (dry run with hops {hops})") \
                    from None
            if type(error.error) is HookReturnError and error.error.where is not None:
                # a method of the file that returned None or no key of 32 octets
                # (``_to_stderr``): bad input, as a hook's is (``Checked``); a key no
                # derivation made (``UnderivedKey``) stays a variant error
                raise VariantFileError(f"{path}: {error.error} ({error.error.where}; dry run "
                                       f"with hops {hops})") from None
            # a hook that raises is a variant error: the finding variant-error of the
            # command (exit 1), with the step where its own run meets it, with the dry
            # run's where it does not; the other dry runs still check for bad input and
            # for the file's other variant errors, each reported once
            found.setdefault((error.hook, error.where, error.raised), (error, hops))
            continue
        problems = provenance_violations(run.system)
        if problems:
            raise VariantFileError(f"{path}: a party uses a value it does not hold: "
                                   f"{problems[0]} (dry run with hops {hops})")
        for d in (d for step in run.system.steps for d in step.outcome.derivations):
            derived[d.output_name] = derived.get(d.output_name, False) or any(
                i.name == "KASME" for i in d.inputs)
        if hops == AGAIN:
            first = _derivations(run)
        run.system.close()
    if not found:
        _check_deterministic(path, checked, first)
        _check_delegated_keys(path, variant, derived)
    return list(found.values())


def _derivations(run: Run) -> list[tuple[int, str, bytes]]:
    return [(step.number, d.output_name, d.output) for step in run.system.steps
            for d in step.outcome.derivations]


def _check_deterministic(path: str, checked: KeySchedule,
                         first: list[tuple[int, str, bytes]]) -> None:
    """The dry run with hops ``AGAIN`` derives the same keys a second time (review46: a hook
    counting its calls in a module-level list made verify and explore crash, where check
    judged its first run)."""
    run = run_scenario(checked, parse_hops(AGAIN))
    again = _derivations(run)
    run.system.close()
    step, name = next(((a[0], a[1]) for a, b in zip(first, again, strict=False) if a != b),
                      (None, None))
    if step is None and len(first) == len(again):
        return
    where = f"another {name} at step {step}" if step is not None else "other keys"
    raise VariantFileError(f"{path}: the variant is not deterministic: run again with hops "
                           f"{AGAIN}, it derived {where}; a hook must compute only from its "
                           "arguments (no state kept between calls, no randomness)")


def _check_delegated_keys(path: str, variant: KeySchedule, derived: dict[str, bool]) -> None:
    """A delegated key is named as its derivation names it (``d.kdf(name, ...)``): the
    confinement claim and ``--compromise NAME@HOP`` find it by that name, and a name no
    derivation carries would make the one vacuous and the other reveal nothing."""
    for name in variant.delegated_keys():
        if name not in derived:
            from_kasme = sorted(n for n, kasme in derived.items() if kasme)
            raise VariantFileError(
                f"{path}: delegated_keys() names {name!r}, which no derivation of the dry run "
                f"derives (derived from KASME: {', '.join(from_kasme) or 'nothing'}); name it "
                "as the d.kdf() call that derives it does, or drop it from delegated_keys()")


def _line(error: BaseException, path: Path | str) -> str:
    frames = [f for f in traceback.extract_tb(error.__traceback__)
              if Path(f.filename).resolve() == Path(path).resolve()]
    return str(frames[-1].lineno) if frames else "?"


@dataclass(frozen=True)
class Checked(KeySchedule):
    """Delegates to a reviewer's variant and checks what every hook returns."""

    inner: KeySchedule | None = None
    file: str = ""

    def _call(self, hook: str, check: Callable[[Any], None], *args: Any) -> Any:
        # An exception the hook raises is not the file's fault as input: it reaches the
        # entity, which reports it as a variant error (a finding of the command).
        result = getattr(self.inner, hook)(*args)
        try:
            _shaped(hook, result)
            check(result)
        except (TypeError, ValueError) as error:
            raise VariantBug(f"{hook}() returned {error}; see the hooks' signatures in "
                             "docs/variants.md for what it must return") from None
        return result

    def _fields(self, hook: str, fields: Any) -> None:
        if not isinstance(fields, tuple):
            raise TypeError(f"a {type(fields).__name__} where a tuple of (name, value) "
                            "fields is expected")
        declared = KNOWN_FIELDS | frozenset(getattr(self.inner, "field_names", ()))
        for item in fields:
            if not (isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str)):
                raise TypeError(f"{item!r}, not a (name, value) field")
            name, value = item
            if name not in declared:
                raise ValueError(f"unknown key name {name!r} (known: "
                                 f"{', '.join(sorted(declared))}; declare new ones in the "
                                 f"variant's field_names, a tuple of names: "
                                 f"docs/variants.md){did_you_mean(sorted(declared), name)}")
            if not isinstance(value, bytes | int | bool) or value is None:
                raise TypeError(f"field {name!r} = {value!r}: values are bytes, int or bool")
            problem = key_problem(name, value) if name in KEY_FIELDS else None
            if problem is not None:
                raise TypeError(f"{problem} in field {name!r}")
            if name == "NCC" and not is_ncc(value):
                # blamed on the hook that put it in a message, not on the peer that reads it
                raise ValueError(f"field 'NCC' = {value!r}: an NCC is 3 bits, 0..7 (TS 36.331 "
                                 "nextHopChainingCount, TS 33.401 7.2.8.4)")

    def _key(self, key: Any, ncc: Any) -> None:
        problem = key_problem("KeNB", key)
        if problem is not None:
            raise TypeError(problem)
        if ncc is not None and not is_ncc(ncc):
            raise ValueError(f"NCC {ncc!r}, not None or 0..7")

    def promises(self) -> tuple[Promise, ...]:
        assert self.inner is not None
        return self.inner.promises()

    def initial_kenb(self, d: Deriver, kasme: bytes, ul_nas_count: int) -> bytes:
        return self._call("initial_kenb", lambda k: self._key(k, None), d, kasme, ul_nas_count)

    def initial_ncc(self) -> int | None:
        return self._call("initial_ncc", lambda n: self._key(bytes(32), n))

    def as_keys(self, d: Deriver, kenb: bytes, ncc: int | None) -> AsKeys:
        return self._call("as_keys", _instance(AsKeys), d, kenb, ncc)

    def source_enb(self, d: Deriver, keys: EnbKeys, target: Cell,
                   hop: HopType) -> tuple[EnbKeys, Fields]:
        return self._call("source_enb", lambda r: (_instance(EnbKeys)(r[0]),
                                                   self._fields("source_enb", r[1])),
                          d, keys, target, hop)

    def source_mme(self, d: Deriver, mme: MmeKeys, hop: HopType,
                   fields: Fields) -> tuple[MmeKeys, Fields]:
        return self._call("source_mme", lambda r: (_same_kasme(r[0], mme),
                                                   self._fields("source_mme", r[1])),
                          d, mme, hop, fields)

    def target_mme(self, d: Deriver, mme: MmeKeys, hop: HopType,
                   fields: Fields) -> tuple[Fields, Fields]:
        return self._call("target_mme", lambda r: (self._fields("target_mme", r[0]),
                                                   self._fields("target_mme", r[1])),
                          d, mme, hop, fields)

    def target_enb(self, d: Deriver, fields: Fields, target: Cell, c_rnti: int,
                   hop: HopType) -> tuple[bytes, int | None, Fields]:
        return self._call("target_enb", lambda r: (self._key(r[0], r[1]),
                                                   self._fields("target_enb", r[2])),
                          d, fields, target, c_rnti, hop)

    def initial_chain(self, d: Deriver, kasme: bytes, kenb: bytes) -> NhChain | None:
        return self._call("initial_chain", _optional(NhChain), d, kasme, kenb)

    def received_chain(self, nh: bytes, ncc: int) -> NhChain | None:
        return self._call("received_chain", _optional(NhChain), nh, ncc)

    def ue(self, d: Deriver, ue: UeKeys, command: Fields, source: Cell, target: Cell,
           c_rnti: int) -> tuple[bytes, int | None, NhChain | None]:
        return self._call("ue", lambda r: (self._key(r[0], r[1]), _optional(NhChain)(r[2])),
                          d, ue, command, source, target, c_rnti)

    def path_switch(self, d: Deriver, mme: MmeKeys) -> tuple[MmeKeys, Fields]:
        return self._call("path_switch", lambda r: (_same_kasme(r[0], mme),
                                                    self._fields("path_switch", r[1])),
                          d, mme)

    def path_switch_acknowledged(self, keys: EnbKeys, fields: Fields) -> EnbKeys:
        return self._call("path_switch_acknowledged", _instance(EnbKeys), keys, fields)

    def ue_fields_under_nas_mac(self) -> bool:
        return self._call("ue_fields_under_nas_mac", _instance(bool))

    def c_rnti_max(self) -> int:
        return self._call("c_rnti_max", _instance(int))


def _shaped(hook: str, result: Any) -> None:
    """``result`` has the shape of what ``hook`` returns, as KeySchedule annotates it: not
    None unless the annotation allows it (a hook that forgot its ``return``), and a tuple of
    as many items as the annotation says."""
    expected = inspect.signature(getattr(KeySchedule, hook)).return_annotation
    # KeySchedule's annotations are strings (from __future__ import annotations)
    if result is None and "None" not in expected.split(" | "):
        raise TypeError(f"None where it must return {expected} (a `return` missing?)")
    returns = typing.get_type_hints(getattr(KeySchedule, hook))["return"]
    items = typing.get_args(returns)
    fixed = typing.get_origin(returns) is tuple and ... not in items  # not tuple[X, ...]
    if fixed and result is not None and not (isinstance(result, tuple)
                                             and len(result) == len(items)):
        said = (f"a tuple of {len(result)}" if isinstance(result, tuple)
                else f"a {type(result).__name__}")
        raise TypeError(f"{said} where it must return {expected}")


def _same_kasme(keys: Any, given: MmeKeys) -> None:
    """An MME hook's keys: MmeKeys with the KASME it was given. Intra-LTE handover keeps
    KASME (TS 33.401 7.2.8: no K'ASME step; TS 33.501 A.13's K_AMF' is 5G's), and the model
    keeps the MME's for the whole run: another one would be dropped unsaid (review48)."""
    _instance(MmeKeys)(keys)
    if keys.kasme != given.kasme:
        raise ValueError(f"MmeKeys with another KASME than the one it was given: KASME stays "
                         f"the MME's for the whole run (no K'ASME on intra-LTE handover, "
                         f"TS 33.401 7.2.8); return the given one with the new chain "
                         f"({keys.kasme.hex()[:6]}... for {given.kasme.hex()[:6]}...)")


def _instance(kind: type) -> Callable[[Any], None]:
    def check(value: Any) -> None:
        if not isinstance(value, kind):
            raise TypeError(f"a {type(value).__name__} where a {kind.__name__} is expected")
    return check


def _optional(kind: type) -> Callable[[Any], None]:
    def check(value: Any) -> None:
        if value is not None:
            _instance(kind)(value)
    return check
