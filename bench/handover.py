"""Complete handovers through the whole model, against the crypto they cannot avoid.

The loop (``Handover.once``), per handover:
  ``System.restore`` of the snapshot taken after initial AS security (every entity's
  (state, ctx), the in-flight list, the trace truncated), then ``start_handover`` to an
  inter-MME (``s1-inter``) neighbour and FIFO delivery until nothing is in flight: every
  message through ``Entity.handle`` of UE, source and target eNB, source and target MME
  (state table check, handler, the variant's real KDFs, 128-EIA2/128-EEA2 on every RRC
  message, NAS-MAC where the variant asks for it, the ``transitions`` state change) and a
  ``Step`` appended to the trace. Set-up (building the System, AS security) is outside it.

The crypto floor (``CryptoFloor.once``): exactly the KDF, EIA2 and EEA2 calls one real
handover made, with the same arguments (so the same count and input sizes), recorded by
wrapping ``hoverify.statemachines.crypto.kdf``/``eia2``/``eea2`` during one handover and replayed in
a loop. The KDF calls are checked against the trace's ``Derivation`` records.

``handover_ratio_to_floor`` = (handovers per second) / (floor sets per second): 1.0 would mean
the model costs nothing beyond its crypto. It is information, not a target (issue 17): users
wait for ``verify``, ``check`` and ``report``, and the model is not made harder to read for it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from hoverify.statemachines import crypto
from hoverify.statemachines.messages import Kind
from hoverify.statemachines.scenario import DEFAULT_KASME
from hoverify.statemachines.system import UE, Snapshot, System
from hoverify.statemachines.topology import Cell, HopType, default_topology
from hoverify.statemachines.variants import load


@dataclass
class Handover:
    """A System after initial AS security, and the neighbour a handover goes to."""

    system: System
    before: Snapshot
    target: Cell

    @classmethod
    def prepare(cls, variant: str = "ts33401", hop: HopType = HopType.S1_INTER) -> Handover:
        topology = default_topology()
        cell = topology.cells[0]
        system = System(load(variant), topology, DEFAULT_KASME, 0, cell, seed=0)
        system.establish_as_security()
        system.run()
        return cls(system, system.snapshot(), topology.neighbours(cell, hop)[0])

    def once(self) -> None:
        system = self.system
        system.restore(self.before)
        system.start_handover(self.target)
        while system.in_flight:
            system.deliver(0)

    def check(self) -> int:
        """Run one handover; fail unless it completed with every message accepted. Returns
        the number of messages delivered."""
        self.once()
        steps = self.system.steps[self.before.steps:]
        refused = [s for s in steps if not s.outcome.accepted]
        if refused:
            raise AssertionError(f"handover refused {refused[0].message}: "
                                 f"{refused[0].outcome.reason}")
        confirmed = any(s.message.kind is Kind.RRC_HANDOVER_CONFIRM for s in steps)
        if not confirmed or self.system.entity(UE).ctx.cell != self.target.name:
            raise AssertionError("the handover did not complete")
        return len(steps)


@dataclass
class CryptoFloor:
    """The primitive calls of one handover, to replay alone."""

    kdf: list[tuple[bytes, int, tuple[bytes, ...]]] = field(default_factory=list)
    eia2: list[tuple[Any, ...]] = field(default_factory=list)
    eea2: list[tuple[Any, ...]] = field(default_factory=list)

    @classmethod
    def record(cls, handover: Handover) -> CryptoFloor:
        floor = cls()
        with _recording(floor):
            handover.once()
        steps = handover.system.steps[handover.before.steps:]
        derivations = sum(len(s.outcome.derivations) for s in steps)
        if derivations != len(floor.kdf):
            raise AssertionError(f"{len(floor.kdf)} KDF calls but {derivations} Derivation "
                                 "records: a KDF bypasses the Deriver")
        return floor

    def once(self) -> None:
        kdf, eia2, eea2 = crypto.kdf, crypto.eia2, crypto.eea2
        for key, fc, params in self.kdf:
            kdf(key, fc, *params)
        for args in self.eia2:
            eia2(*args)
        for args in self.eea2:
            eea2(*args)

    def describe(self) -> dict[str, Any]:
        return {"kdf_calls": len(self.kdf), "eia2_calls": len(self.eia2),
                "eea2_calls": len(self.eea2),
                "eia2_message_octets": [len(a[4]) for a in self.eia2],
                "eea2_data_octets": [len(a[4]) for a in self.eea2]}


@contextmanager
def _recording(floor: CryptoFloor) -> Iterator[None]:
    """Wrap the module attributes every caller goes through (``crypto.derive_*`` call the
    module-global ``kdf``; Deriver and protection call ``crypto.<name>``)."""
    originals = crypto.kdf, crypto.eia2, crypto.eea2

    def kdf(key: bytes, fc: int, *params: bytes) -> bytes:
        floor.kdf.append((key, fc, params))
        return originals[0](key, fc, *params)

    def recorder(calls: list[tuple[Any, ...]], fn: Callable[..., bytes]) -> Callable[..., bytes]:
        def wrapped(*args: Any) -> bytes:
            calls.append(args)
            return fn(*args)
        return wrapped

    crypto.kdf = kdf  # type: ignore[assignment]
    crypto.eia2 = recorder(floor.eia2, originals[1])  # type: ignore[assignment]
    crypto.eea2 = recorder(floor.eea2, originals[2])  # type: ignore[assignment]
    try:
        yield
    finally:
        crypto.kdf, crypto.eia2, crypto.eea2 = originals
