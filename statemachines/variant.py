"""The interface a key-derivation variant implements, and the key records it works on.

The entities (``ue``, ``enb``, ``mme``) run the message flows of TS 23.401 5.5.1, which are
the same for every variant; at each point where the flow derives or forwards key material they
call one method of the variant. A variant therefore states, per party and per hop type, what
is derived from what and which security fields travel in which message; it never sees
messages, states or the network.

Security fields (``Fields``) use spec names: "KeNB*", "NCC", "NH", "KeNB*+", ...
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache

from hoverify.statemachines import crypto
from hoverify.statemachines.derivation import Deriver
from hoverify.statemachines.messages import Fields
from hoverify.statemachines.record import record
from hoverify.statemachines.topology import Cell, HopType

NCC_BITS = 3  # NCC is 3 bits (TS 33.401 7.2.8.4, TS 36.331 SecurityConfigHO)
NCC_MODULUS = 1 << NCC_BITS
C_RNTI_MAX = 0xFFF3  # TS 36.321 7.1: C-RNTI values 0x0001-0xFFF3
# KeNB, NH and KeNB* are outputs of the KDF (TS 33.401 A.3, A.4, A.5), HMAC-SHA-256:
# 32 octets (TS 33.220 B.2.0)
KEY_OCTETS = 32


class HookReturnError(Exception):
    """A variant hook returned a value the model cannot take: the variant's bug, told as
    a variant error naming ``hook``, where it returned (not the hook, nor the library
    line, that later chokes on the value)."""

    def __init__(self, hook: str, problem: str, where: str | None = None) -> None:
        super().__init__(hook, problem, where)  # its args: it pickles (a worker's finding)
        self.hook = hook
        self.problem = problem
        self.where = where  # the hook's file and line, where the class's is not its own

    def __str__(self) -> str:
        return f"{self.hook}() returned {self.problem}"


def is_ncc(value: object) -> bool:
    """An NCC: an integer of ``NCC_BITS`` bits, 0..7 (TS 36.331 nextHopChainingCount), never a
    bool (``True`` is 1 to Python, no count to a peer's codec)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < NCC_MODULUS


def key_problem(name: str, key: object) -> str | None:
    """Why ``key`` is not a key of 32 octets (``a KeNB of 16 octets (e70a19...), not
    32``), or None when it is one."""
    if not isinstance(key, bytes):
        return f"a {name} of type {type(key).__name__}, not {KEY_OCTETS} octets (bytes)"
    if len(key) == KEY_OCTETS:
        return None
    shown = f" ({key[:3].hex()}{'...' if len(key) > 3 else ''})" if key else ""
    return f"a {name} of {len(key)} octets{shown}, not {KEY_OCTETS}"


def returned_key(hook: str, key: object, name: str = "KeNB") -> None:
    """The model's check, where ``hook`` hands it a key (a KeNB unless ``name`` says
    otherwise), that it is one."""
    problem = key_problem(name, key)
    if problem is not None:
        raise HookReturnError(hook, problem)


@record
class NhChain:
    """One party's NH chain (TS 33.401 7.2.8.1.1): its last NH and how many NH derivations
    led to it, NH(``derivations``). NCC is the 3 least significant bits of that count. The
    rules that build and advance a chain belong to the variant (``ts33401``)."""

    value: bytes
    derivations: int

    @property
    def ncc(self) -> int:
        return self.derivations % NCC_MODULUS


@record
class AsKeys:
    """KeNB with its NCC, and the RRC/UP keys derived from it (TS 33.401 A.7, 128-EEA2/EIA2)."""

    kenb: bytes
    ncc: int | None
    krrc_int: bytes
    krrc_enc: bytes
    kup_enc: bytes

    @classmethod
    def derive(cls, d: Deriver, kenb: bytes, ncc: int | None) -> AsKeys:
        return cls(
            kenb, ncc,
            d.algorithm_key("KRRCint", kenb, "KeNB", crypto.RRC_INT, crypto.EIA2),
            d.algorithm_key("KRRCenc", kenb, "KeNB", crypto.RRC_ENC, crypto.EEA2),
            d.algorithm_key("KUPenc", kenb, "KeNB", crypto.UP_ENC, crypto.EEA2),
        )


@record
class EnbKeys:
    """An eNB's key state for the UE: its AS keys and an unused {NH, NCC} pair, if any."""

    as_keys: AsKeys
    next_hop: tuple[bytes, int] | None = None  # (NH, NCC) from a Path Switch Ack


@record
class MmeKeys:
    kasme: bytes
    chain: NhChain | None  # None for a variant without NH/NCC


@record
class UeKeys:
    kasme: bytes
    as_keys: AsKeys
    chain: NhChain | None  # None for a variant without NH/NCC


# The parts of the target cell's identity a KeNB* is bound to (TS 33.401 A.5): what a promise
# of key separation may name in ``binds``, and all the claim judges.
CELL_IDENTITY = ("PCI", "EARFCN-DL")


@record
class Promise:
    """What a variant promises: ``claim`` holds on hops of ``hop_types``.

    ``hops`` is the n of n-hop forward security where it applies (TS 33.501 3.1): the KeNB
    used ``hops`` or more handovers after the compromise cannot be derived. ``binds``: the
    parts of the target cell's identity key separation promises each KeNB is bound to
    (TS 33.401 A.5 binds both; an earlier proposal may promise the PCI alone). A variant
    makes at most one promise per claim and hop type (a variant file with two is refused).
    """

    claim: str
    hop_types: frozenset[HopType] = frozenset(HopType)
    hops: int | None = None
    why: str = ""
    assumes: frozenset[str] = frozenset()  # names from ASSUMPTIONS the promise relies on
    binds: frozenset[str] = frozenset(CELL_IDENTITY)


# What a promise may assume about the run, by name. The properties layer tells from the trace
# when a run breaks one; a failure that needs a broken assumption is reported (with its
# witness) as outside the promise, never as holding.
PATH_SWITCH_FIRST = "path-switch-first"
BACKHAUL_PROTECTED = "backhaul-protected"
ASSUMPTIONS = {
    PATH_SWITCH_FIRST: "each handover is decided by a source eNB that has received the Path "
                       "Switch Request Acknowledge of the X2 handover that brought the UE to "
                       "it, so it holds the fresh {NH, NCC} (TS 33.401 7.2.8.4.2)",
    BACKHAUL_PROTECTED: "S1, X2 and S10 are protected by NDS/IP (TS 33.401 11, TS 33.210): "
                        "IPsec ESP with anti-replay, so no backhaul message is replayed or "
                        "duplicated (the network may still drop or delay one)",
}


@cache  # promises() is read at every verdict: the same tuple each time
def authentication_promises(why: str) -> tuple[Promise, ...]:
    """Lowe's levels of authentication (``hoverify.properties.claims``), promised on every hop
    type for the reason ``why`` (the variant's own clause), each relying on the NDS/IP
    protection of the backhaul: a HandoverRequest is not protected end to end, so a copy
    replayed on S1 or X2 would prepare a target again."""
    return tuple(Promise(claim, why=why, assumes=frozenset({BACKHAUL_PROTECTED}))
                 for claim in ("aliveness", "agreement", "injective-agreement",
                               "ue-agreement"))


@dataclass(frozen=True)
class KeySchedule(ABC):
    """One key-derivation variant. Subclasses read top to bottom like the procedure."""

    name: str = ""
    title: str = ""
    specs: str = ""
    parameters: dict[str, str] = field(default_factory=dict)

    # -- What the variant promises (checked, never assumed, by ``properties``) ----------
    @abstractmethod
    def promises(self) -> tuple[Promise, ...]: ...

    def delegated_keys(self) -> tuple[str, ...]:
        """Names of keys derived from KASME and handed out of the MME, for the confinement
        claim (revealing them must reveal neither KASME, nor any other key derived from it,
        nor any KeNB, KeNB* or NH)."""
        return ()

    def c_rnti_max(self) -> int:
        """The largest C-RNTI an eNB allocates (TS 36.321 7.1); a variant that takes bits of
        the field for its own signalling narrows the range."""
        return C_RNTI_MAX

    # -- Initial AS security (TS 33.401 7.2.4.4 / A.3; the NH chain 7.2.8.1.1) -------------
    def initial_kenb(self, d: Deriver, kasme: bytes, ul_nas_count: int) -> bytes:
        return d.kenb(kasme, ul_nas_count)

    def initial_ncc(self) -> int | None:
        """The NCC of the initial KeNB, or None for a variant without NCC."""
        return None

    def initial_chain(self, d: Deriver, kasme: bytes, kenb: bytes) -> NhChain | None:
        """The NH chain the MME and the UE keep from AS security set-up (never sent), or
        None for a variant without NH."""
        return None

    def received_chain(self, nh: bytes, ncc: int) -> NhChain | None:
        """The target MME's chain from the {NH, NCC} of the source MME's MM context
        (TS 29.274 8.38), or None for a variant without NH."""
        return None

    def as_keys(self, d: Deriver, kenb: bytes, ncc: int | None) -> AsKeys:
        """RRC/UP keys from a new KeNB (TS 33.401 A.7); a 5G variant uses TS 33.501 A.8."""
        return AsKeys.derive(d, kenb, ncc)

    # -- Handover preparation -----------------------------------------------------------
    @abstractmethod
    def source_enb(self, d: Deriver, keys: EnbKeys, target: Cell,
                   hop: HopType) -> tuple[EnbKeys, Fields]:
        """The source eNB decides the handover: returns its updated keys and the security
        fields of X2AP HandoverRequest (x2, intra-eNB) or S1AP HandoverRequired (s1)."""

    @abstractmethod
    def source_mme(self, d: Deriver, mme: MmeKeys, hop: HopType,
                   fields: Fields) -> tuple[MmeKeys, Fields]:
        """The (source) MME on HandoverRequired: its updated keys and the security fields for
        the target side (S1AP HandoverRequest, or GTPv2 ForwardRelocationRequest)."""

    @abstractmethod
    def target_mme(self, d: Deriver, mme: MmeKeys, hop: HopType,
                   fields: Fields) -> tuple[Fields, Fields]:
        """The target MME (the same MME on s1): security fields for the target eNB (S1AP
        HandoverRequest) and fields for the UE that ride in the HO command."""

    @abstractmethod
    def target_enb(self, d: Deriver, fields: Fields, target: Cell, c_rnti: int,
                   hop: HopType) -> tuple[bytes, int | None, Fields]:
        """The target eNB: its new KeNB and NCC, and the security fields of the HO command
        it builds (the target-to-source transparent container). ``hop`` is X2, INTRA_ENB or
        S1, never S1_INTER: S1AP HANDOVER REQUEST (TS 36.413 9.1.5.4) does not tell a
        target eNB whether another MME prepared the handover (TS 29.274 7.3.1)."""

    # -- Handover execution at the UE ------------------------------------------------------
    @abstractmethod
    def ue(self, d: Deriver, ue: UeKeys, command: Fields, source: Cell, target: Cell,
           c_rnti: int) -> tuple[bytes, int | None, NhChain | None]:
        """The UE on the HO command received in its serving cell ``source``: its new KeNB,
        NCC and NH chain. ``ue`` holds the UE's keys, or, where the command's
        keyChangeIndicator is TRUE, those derived from KASME again as at AS security set-up
        (``initial_kenb``, ``as_keys``, ``initial_chain``; TS 36.331 5.3.5.4)."""

    # -- Path switch after X2 (TS 23.401 5.5.1.1.2) -----------------------------------------
    @abstractmethod
    def path_switch(self, d: Deriver, mme: MmeKeys) -> tuple[MmeKeys, Fields]:
        """The MME on PathSwitchRequest: updated keys, fields of the Acknowledge."""

    @abstractmethod
    def path_switch_acknowledged(self, keys: EnbKeys, fields: Fields) -> EnbKeys:
        """The eNB on PathSwitchRequestAcknowledge."""

    # -- Where the fields for the UE travel ------------------------------------------------------
    def command_fields(self) -> tuple[tuple[str, tuple[object, ...]], ...]:
        """The fields this variant's HO command carries for the UE besides its cell and
        C-RNTI (those ``target_enb`` and ``target_mme`` return), each with every value it
        can take. An eNB relaying a HO command may add one that is absent; a field the
        variant never sends is none its UE reads, so it is not added (review28)."""
        return ()

    def ue_fields_under_nas_mac(self) -> bool:
        """True when the MME's fields for the UE ride in the NAS part of the HO command,
        under NAS-MAC; otherwise the source eNB copies them into the RRC HO command."""
        return False


def variant_text(name: str, parameters: Mapping[str, str]) -> str:
    """A variant and its parameters in words, as every command names it: ``seed-fs, bit
    placement alg-id``."""
    return ", ".join([name, *(f"{key.replace('_', ' ')} {value}"
                              for key, value in parameters.items())])


def field_value(fields: Fields, name: str, default: object = None) -> object:
    for key, value in fields:
        if key == name:
            return value
    return default
