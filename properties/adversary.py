"""The attacker model a reviewer chooses, in one place: what the network attacker may do on
each interface, and which parties ``explore`` and ``verify`` may compromise.

Interfaces (TS 33.401 5.1, 11; TS 33.210):
- Uu is open: the attacker is *active* there (Dolev-Yao: reads what its keys open, drops,
  delays, replays, and injects or forges anything its knowledge lets it build; a protected
  RRC message is forged only with the KRRCint and KRRCenc it can derive).
- S1, X2 and S10 are protected by NDS/IP (TS 33.210): the attacker cannot read, forge or
  replay there, but may drop or delay. A *duplicate* there is no network fault either:
  anti-replay protection is a service of NDS/IP (TS 33.210 4.2; the ESP receiver's window,
  RFC 4303 3.4.3), SCTP delivers each S1AP or X2AP message once (RFC 4960 6.2), and a GTPv2-C
  request retransmitted on S10 is recognised by its sequence number and not processed again
  (TS 29.274 7.6).
- ``backhaul_unprotected`` makes S1, X2 and S10 active too, as the ProVerif models of LTE
  handover assume: the attacker reads every key they carry and may replay, duplicate and
  inject there.

A compromised party is not the network: a compromised eNB still edits what it relays and
sends (``Exploration.edit``), whatever the interfaces, since it is an end of NDS/IP.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from hoverify.statemachines.messages import Interface, Message
from hoverify.statemachines.names import did_you_mean
from hoverify.statemachines.topology import Topology
from hoverify.statemachines.variant import KeySchedule

BACKHAUL = (Interface.S1, Interface.X2, Interface.S10)
NETWORK = "network"  # the engine's name for what the attacker reads on an active backhaul
# what explore and verify may compromise: every eNB, the UE, every MME, KASME (a root-key
# reveal) and each key the variant delegates (e.g. the seed's K_HO)
PARTIES = ("enb", "ue", "mme", "kasme", "delegated")
KASME = "KASME"
# why a failure with the backhaul open is outside every promise of TS 33.401
UNPROTECTED = ("the backhaul is unprotected (the promise assumes NDS/IP on S1, X2 and S10, "
               "TS 33.401 11)")


@dataclass(frozen=True, slots=True)
class Adversary:
    backhaul_unprotected: bool = False
    parties: tuple[str, ...] = ("enb",)  # which of PARTIES explore and verify may compromise

    def __post_init__(self) -> None:
        unknown = [p for p in self.parties if p not in PARTIES]
        if unknown or not self.parties:  # said as --faults says its own
            raise ValueError(f"{'unknown ' + ', '.join(unknown) if unknown else 'none given'} "
                             f"(known: {', '.join(PARTIES)}){did_you_mean(PARTIES, *unknown)}")
        twice = sorted({p for p in self.parties if self.parties.count(p) > 1})
        if twice:
            raise ValueError(f"{', '.join(twice)} named twice")

    @property
    def active(self) -> tuple[Interface, ...]:
        return (Interface.UU, *BACKHAUL) if self.backhaul_unprotected else (Interface.UU,)

    def controls(self, message: Message) -> bool:
        """May the attacker replay, duplicate or inject ``message`` (its interface active)?"""
        return message.interface is Interface.UU or self.reads(message)

    def reads(self, message: Message) -> bool:
        """Does the attacker read the keys ``message`` carries? On an active backhaul, yes;
        never under NDS/IP; on Uu no RRC message carries a key (TS 36.331: NCC, not NH)."""
        return self.backhaul_unprotected and message.interface in BACKHAUL

    def targets(self, topology: Topology, variant: KeySchedule) -> tuple[str, ...]:
        """What explore and verify may compromise, in a stable order: parties by name, keys
        by the names the derivations give them."""
        found: list[str] = []
        for party in self.parties:
            found += {"enb": list(topology.enbs), "ue": ["ue"], "mme": list(topology.mmes),
                      "kasme": [KASME], "delegated": list(variant.delegated_keys())}[party]
        return tuple(found)

    def no_edit(self, faults: Collection[str]) -> str | None:
        """Why no run with ``faults`` under this model edits a message, or None if one may:
        only a compromised eNB edits (an end of NDS/IP, ``Exploration.edit``), so an edit
        needs ``rewrite``, ``compromise`` and eNBs among the targets; every fault it lacks is
        named at once."""
        if "rewrite" not in faults:
            lacking = ("neither rewrite nor compromise" if "compromise" not in faults
                       else "no rewrite")
            return f"the faults had {lacking}"
        if "compromise" not in faults:
            return "the faults had rewrite but no compromise, and only a compromised eNB edits"
        enb = self.no_compromise(faults, enb=True)
        return None if enb is None else f"{enb}, and only a compromised eNB edits"

    def no_compromise(self, faults: Collection[str], enb: bool = False) -> str | None:
        """Why no run with ``faults`` under this model compromises a party (``enb``: an eNB),
        or None if one may."""
        if "compromise" not in faults:
            return "the faults had no compromise"
        if enb and "enb" not in self.parties:
            return f"the compromise targets had no eNB (targets: {', '.join(self.parties)})"
        return None

    def describe(self, compromise: str, replays: Sequence[str] = ()) -> str:
        """One line: the network's reach per interface, then who is compromised.
        ``replays``: the backhaul messages a ``check``'s hops replay (``:replay``), which
        NDS/IP would stop: said, not hidden behind "drop/delay only"."""
        backhaul = ", ".join(i.value for i in BACKHAUL)
        network = (f"Uu, {backhaul} active (backhaul unprotected)" if self.backhaul_unprotected
                   else f"Uu active; {backhaul} protected (NDS/IP): drop/delay only")
        if replays and not self.backhaul_unprotected:
            network += (f", except the replay the hops ask for, beyond NDS/IP: "
                        f"{'; '.join(replays)}")
        return f"{network}; compromise: {compromise}"

    def to_json(self, compromise: str, replays: Sequence[str] = ()) -> dict[str, Any]:
        return {"text": self.describe(compromise, replays), "replays": list(replays),
                "active": [i.value for i in self.active],
                "protected": [i.value for i in BACKHAUL if i not in self.active],
                "backhaul_unprotected": self.backhaul_unprotected,
                "compromise_targets": list(self.parties), "compromise": compromise}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Adversary:
        """The model a finding file records (none, ``{}``: the default, TS 33.401's)."""
        backhaul_unprotected = data.get("backhaul_unprotected", False)
        if not isinstance(backhaul_unprotected, bool):  # bool("false") would open the backhaul
            raise ValueError(f"attacker backhaul_unprotected must be true or false, got "
                             f"{json.dumps(backhaul_unprotected)}")
        targets = data.get("compromise_targets", ["enb"])
        if not isinstance(targets, list) or not all(isinstance(p, str) for p in targets):
            raise ValueError(f"attacker compromise_targets must be a list of names, got "
                             f"{json.dumps(targets)}")  # a string would be read letter by letter
        return cls(backhaul_unprotected, tuple(targets))


DEFAULT = Adversary()

# the edits every command makes beside the ones a search's rewrite or a check's hop names
EDIT_SEARCH = ("the single edits downgrade-resistance, handover-denial and fake-cell-capture "
               "try")


def protocol_followed(edits: str | None) -> str:
    """What a compromised eNB does beside what it reads, said in every attacker line: it
    follows the protocol, but for ``edits`` (helper-229 #2: check's "forward-security holds"
    on seed-fs's S1 hop read as a promise kept against any compromised source, where one
    naming itself as Target ID breaks it; helper-237 #4: said by check alone)."""
    return "; a compromised eNB follows the protocol" + (f" but for {edits}" if edits else "")
