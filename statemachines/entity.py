"""What UE, eNB and MME have in common: a `transitions` state table and a sans-IO surface.

An entity consumes one message and returns an :class:`Outcome`: accepted, with the messages it
sends and the derivations it computed, or refused with a reason. A refused message changes
nothing. The state table is declared data (``TRANSITIONS``); one ``transitions.Machine`` per
entity *type* serves every instance (``auto_transitions=False``: no ``to_<state>`` holes).

An entity's keys and counters live in one immutable record, ``ctx``, replaced whole on each
step, so ``snapshot``/``restore`` are two attribute copies.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from hoverify.statemachines.derivation import Derivation, Deriver
from hoverify.statemachines.key_origin import check_returned_keys
from hoverify.statemachines.messages import CELL_NAMES, Fields, Kind, Message, malformed
from hoverify.statemachines.names import raised_text
from hoverify.statemachines.record import record
from hoverify.statemachines.topology import Cell, Topology
from hoverify.statemachines.variant import HookReturnError, KeySchedule, is_ncc
from transitions import Machine


class Reject(Exception):
    """The receiving entity refuses a message; the text says why."""


class VariantError(Exception):
    """An exception raised in a variant hook or in an entity's own logic while it handled a
    message: a bug of the variant or of the model, never a refusal of the peer's message
    (only decoding and the checks of received fields refuse, with :class:`Reject`).

    ``hook`` is the variant's method that raised (None when the entity's own code did),
    ``handler`` the entity's handler, ``where`` the innermost source line; ``step`` and
    ``hop`` are set by the system that delivered the message (``step``: its
    ``System.delivered``, the number its step takes).
    """

    def __init__(self, entity: str, handler: str, hook: str | None, message: Message,
                 error: BaseException, where: str) -> None:
        super().__init__(entity, handler, hook, error)
        self.entity = entity
        self.handler = handler
        self.hook = hook
        self.message = message
        self.error = error
        self.where = where
        self.step: int | None = None
        self.hop: int | None = None

    @property
    def raised(self) -> str:
        """What raised and what: ``ue() raised ZeroDivisionError: division by zero``."""
        if isinstance(self.error, HookReturnError):
            return f"variant hook {self.error}"
        who = f"variant hook {self.hook}()" if self.hook else f"{self.handler}()"
        return f"{who} raised {raised_text(self.error)}"

    def __str__(self) -> str:
        # the step as ``check``'s witnesses, the report's charts and the pcap number it
        # (``Step.number``), not an action of an explore or verify trace (review22)
        at = (f"step {self.step} (deliveries counted from 0, AS security set-up included), "
              f"hop {self.hop}: " if self.step is not None else "")
        return (f"{at}{self.raised} ({self.where}) while {self.entity} handled "
                f"{self.message.kind.title} from {self.message.sender}")


@record
class Outcome:
    accepted: bool
    sent: tuple[Message, ...] = ()
    derivations: tuple[Derivation, ...] = ()
    read: Fields = ()  # what the entity read: for Uu, the content it deciphered
    reason: str = ""


@record
class Handled:
    """What a handler returns: the new context, the messages to send, what it read, and
    which of the declared transitions for this message it takes."""

    ctx: Any
    sent: tuple[Message, ...] = ()
    read: Fields = ()
    branch: str = ""


# (message kind, branch, source states, destination state; None = stay in the same state)
Transition = tuple[Kind, str, tuple[str, ...], str | None]
Handler = Callable[[Any, Message, Deriver], Handled]


class Entity:
    STATES: ClassVar[tuple[str, ...]]
    TRANSITIONS: ClassVar[tuple[Transition, ...]]
    _machine: ClassVar[Machine]
    _table: ClassVar[dict[tuple[str, Kind], dict[str, str]]]
    _handlers: ClassVar[dict[Kind, Handler]]

    state: str  # the initial state set by transitions (add_model), then by handle and restore

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        spec = [{"trigger": _trigger(kind, branch), "source": list(sources),
                 "dest": dest if dest is not None else "="}
                for kind, branch, sources, dest in cls.TRANSITIONS]
        cls._machine = Machine(model=None, states=list(cls.STATES), initial=cls.STATES[0],
                               transitions=spec, auto_transitions=False)
        cls._table = _dispatch_table(cls, cls._machine)
        cls._handlers = {kind: getattr(cls, "on_" + kind.name.lower())
                         for kind in {t[0] for t in cls.TRANSITIONS}}

    def __init__(self, name: str, variant: KeySchedule, topology: Topology, ctx: Any) -> None:
        self.name = name
        self.variant = variant
        self.topology = topology
        self.ctx = ctx
        self._machine.add_model(self)

    def close(self) -> None:
        """Detach from the shared machine (its model list is scanned on add/remove)."""
        self._machine.remove_model(self)

    def handle(self, message: Message) -> Outcome:
        if message.receiver != self.name:
            return Outcome(False, reason=f"addressed to {message.receiver}, not {self.name}")
        branches = self._table.get((self.state, message.kind))
        if branches is None:
            return Outcome(False, reason=f"{message.kind.title} is not expected in state "
                                         f"{self.state!r}")
        problem = malformed(message) or self._unknown_cell(message)
        if problem:
            return Outcome(False, reason=f"malformed {message.kind.title}: {problem}")
        d = Deriver()
        try:
            handled = self._handlers[message.kind](self, message, d)
        except Reject as refusal:
            return self.refused(message, str(refusal))
        except (Exception, SystemExit) as error:  # not the peer's fault: refusals are Reject,
            # raised where a message is decoded and its fields checked (``malformed``,
            # protection.decode, known_cell); sys.exit() in a hook must not end a command
            raise self._variant_error(message, error) from error
        if handled.branch not in branches:
            raise AssertionError(f"{type(self).__name__}: {message.kind.name} has no branch "
                                 f"{handled.branch!r} from {self.state!r}")
        self.ctx = handled.ctx
        self.state = branches[handled.branch]  # what self.trigger(...) does: see _dispatch_table
        return Outcome(True, handled.sent, tuple(d.records), handled.read)

    def refused(self, message: Message, reason: str) -> Outcome:
        """The outcome of ``message``, which this entity's handler refused (a :class:`Reject`
        raised once the message was decoded and found expected in this state) for ``reason``:
        nothing changes and, unless an entity's procedure answers the refusal, nothing is
        sent."""
        return Outcome(False, reason=reason)

    def call(self, hook: str, *args: Any) -> Any:
        """The variant's hook named ``hook`` on ``args``, each key it returns checked: made by
        the Deriver among ``args`` during the call, or given (``key_origin``)."""
        d = next((a for a in args if isinstance(a, Deriver)), None)
        start = len(d.records) if d is not None else 0
        result = getattr(self.variant, hook)(*args)
        check_returned_keys(hook, result, d.records[start:] if d is not None else (), args)
        return result

    def _unknown_cell(self, message: Message) -> str | None:
        names = {cell.name for cell in self.topology.cells}
        return next((f"unknown {field} {message.get(field)!r}" for field in CELL_NAMES
                     if message.get(field) is not None and message.get(field) not in names),
                    None)

    def _variant_error(self, message: Message, error: BaseException) -> VariantError:
        """Name the variant hook the exception came out of: the outermost frame that runs a
        method of this entity's variant; or the hook that returned a value the model cannot
        take, where it is defined."""
        if isinstance(error, HookReturnError):
            hook = error.hook
            code = getattr(getattr(type(self.variant), hook, None), "__code__", None)
            where = (error.where if error.where is not None else
                     f"{Path(code.co_filename).name}:{code.co_firstlineno}" if code is not None
                     else f"{type(self.variant).__name__}.{hook}")
        else:
            frames = list(traceback.walk_tb(error.__traceback__))
            hook = next((frame.f_code.co_name for frame, _ in frames
                         if frame.f_locals.get("self") is self.variant), None)
            # the innermost line of a variant's method (review46: not hoverify's crypto.py,
            # where a derivation called with its arguments swapped raised, nor the wrapper
            # of a variant file's methods), else the innermost line
            frame, line = next((f for f in reversed(frames)
                                if isinstance(f[0].f_locals.get("self"), KeySchedule)),
                               frames[-1])
            where = f"{Path(frame.f_code.co_filename).name}:{line}"
            if hook is not None and frame.f_code.co_name != hook:  # a method it called
                where += f", in {frame.f_code.co_name}()"
        handler = f"{type(self).__name__}.on_{message.kind.name.lower()}"
        return VariantError(self.name, handler, hook, message, error, where)

    def snapshot(self) -> tuple[str, Any]:
        return self.state, self.ctx

    def restore(self, snapshot: tuple[str, Any]) -> None:
        self.state, self.ctx = snapshot

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name} {self.state}>"


def _trigger(kind: Kind, branch: str) -> str:
    return f"{kind.name}__{branch}" if branch else kind.name


def _dispatch_table(cls: type[Entity],
                    machine: Machine) -> dict[tuple[str, Kind], dict[str, str]]:
    """(state, message kind) -> {branch: destination state}, read back from ``machine``.

    The ``transitions`` machine stays the state table of record: this table is derived from
    its events, not from ``TRANSITIONS``, and ``handle`` moves an entity only along it. But
    ``handle`` sets the destination itself instead of calling ``self.trigger(...)``: a
    trigger walks event lookup, debug logging and empty callback lists for ~50 us, half the
    model's own cost of a whole handover (``bench/run.py``), to do exactly that assignment
    (``Machine.set_state``), because these machines have no conditions and no callbacks.
    That is checked here, so adding one fails loudly instead of being skipped silently.
    """
    problems = [f"machine {what}" for what in ("prepare_event", "before_state_change",
                                                "after_state_change", "finalize_event",
                                                "on_exception") if getattr(machine, what)]
    problems += [f"state {state.name} {what}" for state in machine.states.values()
                 for what in ("on_enter", "on_exit") if getattr(state, what)]
    problems += [f"{cls.__name__}.{callback}_{state}" for state in cls.STATES
                 for callback in machine.state_cls.dynamic_methods
                 if hasattr(cls, f"{callback}_{state}")]  # add_model would bind these
    branches = {_trigger(kind, branch): (kind, branch) for kind, branch, _, _ in cls.TRANSITIONS}
    table: dict[tuple[str, Kind], dict[str, str]] = {}
    for name, event in machine.events.items():
        kind, branch = branches[name]
        for source, declared in event.transitions.items():
            transition = declared[0]
            if len(declared) > 1 or any(getattr(transition, what) for what in (
                    "conditions", "prepare", "before", "after")):  # unless: in conditions
                problems.append(f"{name} from {source} with conditions or callbacks")
            # "=" (stay) is resolved by transitions to the source state itself
            table.setdefault((source, kind), {})[branch] = transition.dest or source
    if problems:
        raise TypeError(f"{cls.__name__}: handle() sets states without transitions' callbacks "
                        f"and conditions, but there are: {'; '.join(problems)}")
    return table


def known_cell(entity: Entity, pci: object, earfcn_dl: object) -> Cell:
    """The cell named on the radio by (PCI, EARFCN-DL); an unknown one is refused."""
    if not isinstance(pci, int) or not isinstance(earfcn_dl, int):
        raise Reject("malformed cell identity")
    try:
        return entity.topology.cell_by_pci(pci, earfcn_dl)
    except ValueError as error:
        raise Reject(str(error)) from None


def handover_ncc(value: object, carrier: str) -> int:
    """nextHopChainingCount, INTEGER (0..7) and mandatory, for a variant with NH/NCC, where
    ``carrier`` carries it: securityConfigHO of an intra-LTE HO command (TS 36.331 6.3.4), the
    AS Security Information of X2AP HandoverRequest (TS 36.423) and the Security Context of
    S1AP HandoverRequest (TS 36.413); one without it, or out of range, is refused."""
    if not is_ncc(value):
        raise Reject(f"malformed {carrier}: nextHopChainingCount {value!r} (0..7 expected)")
    return value


def new_c_rnti(value: object) -> int:
    """The new C-RNTI of mobilityControlInfo, a mandatory IE of the HO command (TS 36.331
    6.3.4); a command without one is refused."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise Reject("malformed HO command: no new C-RNTI")
    return value
