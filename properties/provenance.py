"""Provenance: every secret input of every derivation was held by the party that used it.

A variant's hooks only receive their party's own keys and received fields, but Python code
can reach further (a module global, a closure over another party's key). This check reads the
trace and refuses any derivation whose secret input the computing entity never had: not in
its initial record, not received, not read, not computed by it earlier.
"""

from __future__ import annotations

from hoverify.properties.graph import byte_values
from hoverify.statemachines import crypto
from hoverify.statemachines.system import System


def provenance_violations(system: System) -> list[str]:
    held: dict[str, set[bytes]] = {name: set(byte_values(ctx))
                                   for name, (_, ctx) in system.initial.items()}
    problems: list[str] = []
    for derivation in system.setup:
        for holder in system.setup_holders:
            held[holder].add(derivation.output)
    for step in system.steps:
        entity = step.message.receiver
        have = held.setdefault(entity, set())
        have.update(byte_values(step.message.fields))
        have.update(byte_values(step.outcome.read))
        for derivation in step.outcome.derivations:
            for item in derivation.inputs:
                if not item.public and item.value not in have:
                    public = public_names(system, item.value)
                    fix = (f"the value is a public {' or '.join(public)}: label it "
                           "public(...), not secret(...)" if public
                           else "a secret input is a key the hook was given or derived; a "
                           "value it computes itself (a nonce, say) is public(...): "
                           "docs/variants.md")
                    problems.append(
                        f"step {step.number} ({step.message.kind.title}): {entity} derives "
                        f"{derivation.output_name} [{derivation.clause}] from {item.name}, "
                        f"which it never held; {fix}")
            have.add(derivation.output)
        have.update(byte_values(step.ctx_after))
    return problems


def public_names(system: System, value: bytes) -> list[str]:
    """What ``value`` is as a public value of ``system``'s run, if it is one: a cell's
    broadcast identity as the KDFs encode it, or an input some derivation takes as public. A
    public identity labelled secret reads as a value never held: the fix is its label."""
    names = set()
    for cell in system.topology.cells:
        for encoded, name in ((cell.pci.to_bytes(2, "big"), "PCI"),  # TS 33.401 A.5
                              (crypto.earfcn_dl_octets(cell.earfcn_dl), "EARFCN-DL"),  # A.5
                              (cell.earfcn_dl.to_bytes(3, "big"), "EARFCN-DL")):  # 33.501 A.11
            if encoded == value:
                names.add(name)
    names |= {i.name for step in system.steps for d in step.outcome.derivations
              for i in d.inputs if i.public and i.value == value}
    return sorted(names)
