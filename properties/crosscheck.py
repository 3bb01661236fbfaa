"""Cross-check by execution: a "derivable" verdict is only believed once the key has been
computed again with the real KDF from the attacker's knowledge alone."""

from __future__ import annotations

from hoverify.properties.analysis import Analysis
from hoverify.properties.attacker import Attacker
from hoverify.properties.closure import witness
from hoverify.properties.graph import Node
from hoverify.statemachines import crypto

ALGORITHM_KEY_OCTETS = 16


def recompute(analysis: Analysis, attacker: Attacker, target: Node) -> bytes:
    """Replay the witness with ``crypto.kdf``, using only values the attacker starts with or
    has computed so far; raise ``LookupError`` if a step needs anything else."""
    g = analysis.graph.graph
    result = analysis.closure(attacker)
    values: dict[Node, bytes] = {n: n[1] for n in result.initial}
    for derivation in witness(g, result, target):
        attrs = g.nodes[derivation]
        inputs = []
        for name, node in attrs["inputs"]:
            if node not in values:
                raise LookupError(f"{analysis.graph.label(node)} ({name}) is not known")
            inputs.append(values[node])
        key, fc, *params = inputs
        output = crypto.kdf(key, fc[0], *params)
        node = next(iter(g.successors(derivation)))
        if len(node[1]) == ALGORITHM_KEY_OCTETS:
            output = output[-ALGORITHM_KEY_OCTETS:]  # A.7 / 33.501 A.8: the 128 LSBs
        values[node] = output
    if target not in values:
        raise LookupError(f"{analysis.graph.label(target)} is not derivable")
    return values[target]
