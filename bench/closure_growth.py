"""Growth of ``hoverify.properties.closure.closure`` over synthetic key graphs of 10^3 to 10^6
nodes.

The graphs have the shape ``hoverify.properties.graph.KeyGraph`` records (nodes ``("value", bytes)``
and ``("kdf", i)``; an edge from every input value to its derivation and one to its output),
built directly as the ``DerivationIndex`` a KeyGraph gives the closure, and laid out like
many UEs each running ts33401 handovers (TS 33.401 Annex A):
  KeNB  = KDF(KASME, FC 0x11, UL NAS COUNT)                      A.3
  NH    = KDF(KASME, FC 0x12, SYNC-input)                        A.4 (a chain per UE)
  KeNB* = KDF(KeNB or NH, FC 0x13, PCI, EARFCN-DL)               A.5 (horizontal or vertical)
  KRRCint, KRRCenc, KUPenc = KDF(KeNB, FC 0x15, distinguisher, algorithm identity)  A.7
FC values, distinguishers and algorithm identities are shared constant nodes, PCI and
EARFCN-DL values come from small shared pools, as in a real graph. The attacker holds every
public value and, per UE, the KeNB of one hop in the middle (a compromised eNB): it derives
that hop's RRC/UP keys and the KeNB* of the horizontal hops that follow, up to the next
vertical one. Only ``closure`` is timed, not building the graph.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from hoverify.properties.closure import closure
from hoverify.properties.graph import DerivationIndex, Node

HOPS_PER_UE = 8
PCIS = 504  # TS 36.211 6.11
EARFCNS = 16


@dataclass
class SyntheticGraph:
    index: DerivationIndex
    initial: list[Node]

    @property
    def nodes(self) -> int:
        return len(self.index.nodes)

    @property
    def edges(self) -> int:
        return sum(map(len, self.index.successors))


class _Builder:
    def __init__(self) -> None:
        self.index = DerivationIndex()
        self.values = 0

    def value(self) -> Node:
        self.values += 1
        return ("value", self.values.to_bytes(32, "big"))

    def kdf(self, *inputs: Node) -> Node:
        output = self.value()
        self.index.add(inputs, ("kdf", self.index.derivations), output)
        return output


def _public(label: str, number: int) -> Node:
    return ("value", f"{label}:{number}".encode())


def key_graph(nodes: int, seed: int = 0) -> SyntheticGraph:
    """A graph of ``nodes`` nodes (to within one UE's ~80) and the attacker's knowledge."""
    rng = random.Random(seed)
    fc = {n: _public("FC", n) for n in (0x11, 0x12, 0x13, 0x15)}
    distinguishers = [_public("distinguisher", n) for n in (0x03, 0x04, 0x05)]
    algorithm = _public("algorithm identity", 2)
    nas_count = _public("UL NAS COUNT", 0)
    pcis = [_public("PCI", n) for n in range(PCIS)]
    earfcns = [_public("EARFCN-DL", n) for n in range(EARFCNS)]
    initial: list[Node] = [*fc.values(), *distinguishers, algorithm, nas_count, *pcis, *earfcns]
    b = _Builder()
    while len(b.index.nodes) < nodes:
        kasme = b.value()
        kenb = b.kdf(kasme, fc[0x11], nas_count)
        sync = kenb
        compromised_hop = rng.randrange(HOPS_PER_UE)
        for hop in range(HOPS_PER_UE):
            for distinguisher in distinguishers:
                b.kdf(kenb, fc[0x15], distinguisher, algorithm)
            if hop == compromised_hop:
                initial.append(kenb)
            cell = (rng.choice(pcis), rng.choice(earfcns))
            if rng.random() < 0.5:  # vertical: a fresh NH from KASME
                sync = b.kdf(kasme, fc[0x12], sync)
                kenb = b.kdf(sync, fc[0x13], *cell)
            else:  # horizontal
                kenb = b.kdf(kenb, fc[0x13], *cell)
    return SyntheticGraph(b.index, initial)


def run_closure(synthetic: SyntheticGraph) -> int:
    """One closure; the number of values known afterwards."""
    return len(closure(synthetic.index, synthetic.initial).known)
