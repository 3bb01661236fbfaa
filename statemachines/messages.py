"""Messages of the handover procedures, named as in the specs.

Flows: TS 23.401 5.5.1.1 (X2), 5.5.1.2 (S1, intra- and inter-MME), TS 36.300 10.1.2.1
(intra-eNB). Information elements: TS 36.413 (S1AP), TS 36.423 (X2AP), TS 36.331 (RRC),
TS 29.274 (GTPv2-C on S10).

A message is an immutable value whose ``repr`` is valid Python, so a printed trace can be
pasted back into a test.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum, StrEnum
from typing import Any

from hoverify.statemachines.record import record, replace

Fields = tuple[tuple[str, Any], ...]
# The fields the MME sends the UE under NAS-MAC, where a variant puts them there: the value
# is (fields, DL NAS COUNT, NAS-MAC), integrity protected as a NAS message (TS 24.301 4.4.4)
NAS_PDU = "NAS-PDU"
# a key value by its name in the key graph, None for one it does not name
Labels = Callable[[bytes], str | None]


class Interface(StrEnum):
    UU = "Uu"  # radio; RRC protected by the AS keys (TS 33.401 7.4)
    S1 = "S1"  # eNB-MME; NDS/IP protected (TS 33.401 11, TS 33.210)
    X2 = "X2"  # eNB-eNB; NDS/IP protected (TS 33.401 11)
    S10 = "S10"  # MME-MME, GTPv2-C; NDS/IP protected (TS 33.210)
    LOCAL = "local"  # a stimulus from the scheduler, not a network message


class Kind(Enum):
    """Message kinds: (name in the spec, interface, where it is defined)."""

    MEASUREMENT_TRIGGER = ("radio measurement", Interface.LOCAL, "scheduler")
    AS_SECURITY_TRIGGER = ("start AS security", Interface.LOCAL, "scheduler")
    S1AP_INITIAL_CONTEXT_SETUP_REQUEST = ("S1AP InitialContextSetupRequest", Interface.S1,
                                          "TS 36.413 9.1.4.1")
    RRC_SECURITY_MODE_COMMAND = ("RRC SecurityModeCommand", Interface.UU, "TS 36.331 6.2.2")
    RRC_SECURITY_MODE_COMPLETE = ("RRC SecurityModeComplete", Interface.UU, "TS 36.331 6.2.2")
    RRC_MEASUREMENT_REPORT = ("RRC MeasurementReport", Interface.UU, "TS 36.331 6.2.2")
    X2AP_HANDOVER_REQUEST = ("X2AP HandoverRequest", Interface.X2, "TS 36.423 9.1.1.1")
    X2AP_HANDOVER_REQUEST_ACKNOWLEDGE = ("X2AP HandoverRequestAcknowledge", Interface.X2,
                                         "TS 36.423 9.1.1.2")
    X2AP_UE_CONTEXT_RELEASE = ("X2AP UEContextRelease", Interface.X2, "TS 36.423 9.1.1.5")
    S1AP_HANDOVER_REQUIRED = ("S1AP HandoverRequired", Interface.S1, "TS 36.413 9.1.5.1")
    GTP_FORWARD_RELOCATION_REQUEST = ("GTPv2 ForwardRelocationRequest", Interface.S10,
                                      "TS 29.274 7.3.1")
    S1AP_HANDOVER_REQUEST = ("S1AP HandoverRequest", Interface.S1, "TS 36.413 9.1.5.4")
    S1AP_HANDOVER_REQUEST_ACKNOWLEDGE = ("S1AP HandoverRequestAcknowledge", Interface.S1,
                                         "TS 36.413 9.1.5.5")
    X2AP_HANDOVER_PREPARATION_FAILURE = ("X2AP HandoverPreparationFailure", Interface.X2,
                                         "TS 36.423 9.1.1.3")
    S1AP_HANDOVER_FAILURE = ("S1AP HandoverFailure", Interface.S1, "TS 36.413 9.1.5.6")
    S1AP_HANDOVER_PREPARATION_FAILURE = ("S1AP HandoverPreparationFailure", Interface.S1,
                                         "TS 36.413 9.1.5.3")
    GTP_FORWARD_RELOCATION_RESPONSE = ("GTPv2 ForwardRelocationResponse", Interface.S10,
                                       "TS 29.274 7.3.2")
    S1AP_HANDOVER_COMMAND = ("S1AP HandoverCommand", Interface.S1, "TS 36.413 9.1.5.2")
    RRC_HANDOVER_COMMAND = ("RRC RRCConnectionReconfiguration (HO command)", Interface.UU,
                            "TS 36.331 5.3.5.4")
    RRC_HANDOVER_CONFIRM = ("RRC RRCConnectionReconfigurationComplete (HO confirm)",
                            Interface.UU, "TS 36.331 5.3.5.4")
    S1AP_HANDOVER_NOTIFY = ("S1AP HandoverNotify", Interface.S1, "TS 36.413 9.1.5.7")
    GTP_FORWARD_RELOCATION_COMPLETE_NOTIFICATION = (
        "GTPv2 ForwardRelocationCompleteNotification", Interface.S10, "TS 29.274 7.3.3")
    GTP_FORWARD_RELOCATION_COMPLETE_ACKNOWLEDGE = (
        "GTPv2 ForwardRelocationCompleteAcknowledge", Interface.S10, "TS 29.274 7.3.4")
    S1AP_UE_CONTEXT_RELEASE_COMMAND = ("S1AP UEContextReleaseCommand", Interface.S1,
                                       "TS 36.413 9.1.4.6")
    S1AP_UE_CONTEXT_RELEASE_COMPLETE = ("S1AP UEContextReleaseComplete", Interface.S1,
                                        "TS 36.413 9.1.4.7")
    S1AP_PATH_SWITCH_REQUEST = ("S1AP PathSwitchRequest", Interface.S1, "TS 36.413 9.1.5.8")
    S1AP_PATH_SWITCH_REQUEST_ACKNOWLEDGE = ("S1AP PathSwitchRequestAcknowledge", Interface.S1,
                                            "TS 36.413 9.1.5.9")

    # an Enum member equals itself alone: hashed by identity, in C (``Enum.__hash__`` hashes
    # the name in Python, and a ``verify`` search at two handovers hashed a kind 250,000
    # times, in every message and in the claim engine's tables by kind, about 1% of its CPU)
    __hash__ = object.__hash__

    @property
    def title(self) -> str:
        return self.value[0]

    @property
    def interface(self) -> Interface:
        return self.value[1]

    @property
    def clause(self) -> str:
        return self.value[2]

    def __repr__(self) -> str:
        return f"Kind.{self.name}"


@record
class Message:
    """One message on one interface.

    ``fields`` are the information elements as the sender wrote them. On Uu the security
    relevant content travels only inside ``PDU`` (ciphered, with MAC-I); a receiver must
    decode it with its own keys, it never reads another party's plaintext.

    ``handover`` is the scheduler's bookkeeping, not an information element: the handover
    (the k-th started, 0 before any) whose procedure the message is part of, as real stacks
    tell procedure instances apart by their UE X2AP/S1AP IDs and RRC transaction identifiers.
    ``System`` writes it; entities never read it. A copy (duplicate, replay) keeps it.
    """

    kind: Kind
    sender: str
    receiver: str
    fields: Fields = ()
    protection: tuple[str, ...] = ()  # on Uu: the keys that protect it, e.g. KRRCint[hop 1]
    handover: int = 0

    @property
    def protected_by(self) -> tuple[str, ...]:
        """The keys protecting this message; S1, X2 and S10 are NDS/IP (TS 33.210)."""
        if self.interface is Interface.UU:
            return self.protection
        return () if self.interface is Interface.LOCAL else ("NDS/IP (TS 33.210)",)

    def get(self, name: str, default: Any = None) -> Any:
        for key, value in self.fields:
            if key == name:
                return value
        return default

    def replace(self, name: str, value: Any) -> Message:
        """The same message with one field rewritten (used by the adversary, never by
        honest entities)."""
        fields = tuple((k, value if k == name else v) for k, v in self.fields)
        return replace(self, fields=fields)  # ``record.replace``: of the same handover

    @property
    def interface(self) -> Interface:
        return self.kind.interface

    def __str__(self) -> str:
        return f"{self.kind.title} {self.sender}->{self.receiver}"

    def __repr__(self) -> str:
        protection = f", protection={self.protection!r}" if self.protection else ""
        handover = f", handover={self.handover}" if self.handover else ""
        return (f"Message({self.kind!r}, {self.sender!r}, {self.receiver!r}, "
                f"fields={self.fields!r}{protection}{handover})")


# The information elements a receiver reads from each message, with their types: what the
# decoder of a real peer would reject when a mandatory IE is missing or ill-typed (TS 36.331,
# TS 36.413, TS 36.423, TS 29.274). ``receive`` checks them before a handler runs, so a
# malformed message is refused there; an exception in a handler is a bug, not a refusal.
_PDCP: tuple[tuple[str, type], ...] = (("COUNT", int), ("PDU", bytes))
# the UE-associated X2AP messages of a handover name it by these (TS 36.423 9.1.1.1-9.1.1.5)
_OLD_X2AP_ID = ("Old eNB UE X2AP ID", int)
_X2AP_IDS: tuple[tuple[str, type], ...] = (_OLD_X2AP_ID, ("New eNB UE X2AP ID", int))
# and the UE-associated S1AP messages by the UE S1AP IDs (TS 36.413 3.1; the model's: the eNB
# UE S1AP ID, 9.2.3.4)
_ENB_UE_S1AP_ID = ("eNB UE S1AP ID", int)
MANDATORY: dict[Kind, tuple[tuple[str, type], ...]] = {
    Kind.MEASUREMENT_TRIGGER: (("cell", str),),
    Kind.AS_SECURITY_TRIGGER: (("eNB", str), ("cell", str), ("C-RNTI", int)),
    Kind.S1AP_INITIAL_CONTEXT_SETUP_REQUEST: (("SecurityKey", bytes), ("cell", str),
                                              ("C-RNTI", int)),
    Kind.RRC_SECURITY_MODE_COMMAND: _PDCP,
    Kind.RRC_SECURITY_MODE_COMPLETE: _PDCP,
    Kind.RRC_MEASUREMENT_REPORT: _PDCP,
    Kind.RRC_HANDOVER_COMMAND: _PDCP,
    Kind.RRC_HANDOVER_CONFIRM: _PDCP,
    Kind.X2AP_HANDOVER_REQUEST: (_OLD_X2AP_ID, ("target cell", str),
                                 ("AS-SecurityInformation", tuple)),
    Kind.X2AP_HANDOVER_REQUEST_ACKNOWLEDGE: (*_X2AP_IDS, ("container", tuple)),
    Kind.X2AP_HANDOVER_PREPARATION_FAILURE: (_OLD_X2AP_ID,),
    Kind.X2AP_UE_CONTEXT_RELEASE: _X2AP_IDS,
    Kind.S1AP_HANDOVER_REQUIRED: (("target cell", str), ("target eNB", str),
                                  ("security", tuple), _ENB_UE_S1AP_ID),
    Kind.GTP_FORWARD_RELOCATION_REQUEST: (("target cell", str), ("target eNB", str),
                                          ("source eNB", str), ("MM context", tuple),
                                          ("security", tuple)),
    Kind.S1AP_HANDOVER_REQUEST: (("target cell", str), ("SecurityContext", tuple)),
    Kind.S1AP_HANDOVER_REQUEST_ACKNOWLEDGE: (("container", tuple),),
    Kind.S1AP_HANDOVER_COMMAND: (("container", tuple), ("for UE", tuple), _ENB_UE_S1AP_ID),
    Kind.S1AP_HANDOVER_PREPARATION_FAILURE: (_ENB_UE_S1AP_ID,),
    Kind.S1AP_UE_CONTEXT_RELEASE_COMPLETE: (_ENB_UE_S1AP_ID,),
    Kind.S1AP_PATH_SWITCH_REQUEST: (_ENB_UE_S1AP_ID,),
    Kind.S1AP_PATH_SWITCH_REQUEST_ACKNOWLEDGE: (_ENB_UE_S1AP_ID,
                                                ("SecurityContext", tuple)),
}
CELL_NAMES = ("cell", "target cell")  # a cell name must also name a cell of the topology


def malformed(message: Message) -> str | None:
    """What is wrong with the mandatory IEs of ``message``, or None."""
    for name, kind in MANDATORY.get(message.kind, ()):
        value = message.get(name)
        if value is None:
            return f"no {name}"
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            return f"{name} is a {type(value).__name__}, not {kind.__name__}"
    return None


def describe_fields(fields: Fields, labels: Labels) -> str:
    """Information elements in spec words; key values by their name in the key graph."""
    return ", ".join(f"{name}={_value(value, labels, name)}" for name, value in fields
                     if name != "PDU")  # the ciphertext itself says nothing to a reader


def _value(value: Any, labels: Labels, name: str = "") -> str:
    if name == NAS_PDU and isinstance(value, tuple) and len(value) == 3:
        fields, count, mac = value  # as the MME builds it (``NAS_PDU``)
        return ("{" + ", ".join(filter(None, (describe_fields(fields, labels),
                                              f"DL NAS COUNT={count}",
                                              f"NAS-MAC={_value(mac, labels)}"))) + "}")
    if isinstance(value, bytes):
        return labels(value) or f"({len(value)} octets)"
    if isinstance(value, tuple) and all(
            isinstance(i, tuple) and len(i) == 2 and isinstance(i[0], str) for i in value):
        return "{" + describe_fields(value, labels) + "}"
    return str(value)
