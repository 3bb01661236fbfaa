"""Real wire formats of the security-relevant messages of a trace, encoded with pycrate.

S1AP and X2AP in ALIGNED PER (TS 36.413 10.1, TS 36.423 10.1), LTE RRC in UNALIGNED PER
(TS 36.331 8.1); ASN.1 from ``pycrate_asn1dir.S1AP``, ``.X2AP``, ``.RRCLTE`` (pycrate 0.8.1,
the ``wire`` extra). The modules are imported on first use (1-2 s each).

Which IE carries which model value (handover-keys.md section 6):

  S1AP InitialContextSetupRequest (TS 36.413 9.1.4.1)  SecurityKey (9.2.1.41) = KeNB
  S1AP HandoverRequest (9.1.5.4)                       SecurityContext (9.2.1.26)
                                                       {nextHopChainingCount, nextHopParameter}
  S1AP PathSwitchRequestAcknowledge (9.1.5.9)          SecurityContext
  X2AP HandoverRequest (TS 36.423 9.1.1.1)             UE-ContextInformation.aS-Security-
                                                       Information (9.2.29) {key-eNodeB-star,
                                                       nextHopChainingCount}
  RRC RRCConnectionReconfiguration, DL-DCCH, the HO    mobilityControlInfo {targetPhysCellId,
    command (TS 36.331 5.3.5.4, 6.2.2); its content    carrierFreq.dl-CarrierFreq = EARFCN-DL,
    is what the UE read after deciphering              newUE-Identity = C-RNTI};
    (``step.outcome.read``)                            securityConfigHO.handoverType.intraLTE
                                                       {keyChangeIndicator, nextHopChainingCount}
  RRC RRCConnectionReconfigurationComplete, UL-DCCH,   no security field (in the capture for
    the HO confirm                                     the message order)

A HO command the UE refused has no plaintext the model can show: it is left out.

EARFCN-DL: dl-CarrierFreq is ARFCN-ValueEUTRA (0..maxEARFCN = 65535). A larger EARFCN-DL
(bands 65 and up; the default topology has them) is sent as TS 36.331 6.3.4 prescribes:
dl-CarrierFreq = maxEARFCN and the extension carrierFreq-v9e0.dl-CarrierFreq-v9e0 =
the EARFCN-DL (ARFCN-ValueEUTRA-r9, 0..262143); the decoder reads it back the same way.

Variants without NH/NCC (``tr33821-v070``, ``seed-fs``) put values where no real IE fits:
  - S1AP HandoverRequest: KeNB* (seed-fs on s1/s1-inter: KeNB*+, which the target eNB cannot
    tell from KeNB*, seed section 3 step 5) travels in nextHopParameter, the only IE of the
    message that carries a 256-bit key to the target eNB; nextHopChainingCount is mandatory
    and gets the placeholder 0.
  - X2AP HandoverRequest: KeNB* in key-eNodeB-star, as in TS 33.401; nextHopChainingCount
    (mandatory) placeholder 0.
  - S1AP PathSwitchRequestAcknowledge: SecurityContext is mandatory, but the MME has no key to
    send (the variant's fields are empty): nextHopParameter is 256 zero bits and
    nextHopChainingCount 0. A placeholder, not a key: a real eNB would take it for {NH, NCC}.
  - RRC HO command: securityConfigHO is mandatory in a handover (TS 36.331 6.2.2, Cond HO) and
    so are keyChangeIndicator and nextHopChainingCount: placeholders FALSE and 0.
Each placeholder is listed in the ``notes`` of its :class:`WireMessage` (and shown as a
packet comment in the capture). S1AP HandoverRequired, which carries KeNB* from the source eNB
to the MME in these variants, is not encoded: TS 36.413 gives it no IE for a key.

Where seed-fs's notification bit travels (``bit_placement``; the seed leaves it FFS):
  nas     dedicatedInfoNASList of the HO command holds one DedicatedInfoNAS: the seed's NAS
          part as a security protected NAS message (TS 24.301 9.1): octet 1 security header
          type 1 "integrity protected" with protocol discriminator EMM (0x17), octets 2-5 the
          model's NAS-MAC, octet 6 the sequence number = NAS COUNT mod 256, then a plain EMM
          message of type 0x6F (unassigned in TS 24.301 table 9.8.1: the seed defines no
          message) with one octet whose bit 1 is the notification bit. The NAS-MAC is the
          model's, computed over the model's field encoding (``hoverify.statemachines.protection``),
          not over these octets. TS 36.331 (dedicatedInfoNASList, Cond nonHO) forbids the list
          in a HO command: the seed needs that changed.
  alg-id  securityConfigHO.intraLTE.securityAlgorithmConfig is present in every HO command
          (optional there, Need OP): cipheringAlgorithm eea2, and integrityProtAlgorithm the
          4-bit algorithm identifier of TS 33.401 5.1.4 with the notification bit as its most
          significant bit: eia2 (2) without the bit, spare2 (2 + 4 = 6) with it. A TS 36.331
          UE would refuse spare2: the seed needs the change.
  c-rnti  newUE-Identity (16 bits): the most significant bit is the notification bit, the 15
          others the C-RNTI, which eNBs allocate in 0x0001-0x7FFF with this placement and
          which alone enters KeNB_new (``seed_fs``: the target eNB knows nothing of the bit).
          A C-RNTI >= 0x8000 (a variant file that allocates more) cannot be represented and
          is encoded mod 0x8000, with a note.

The eNB UE S1AP ID of InitialContextSetupRequest and PathSwitchRequestAcknowledge is the
model's (the one the eNB allocated for the UE context, TS 36.413 9.2.3.4; the acknowledge's is
the one the PATH SWITCH REQUEST carried, 9.1.5.9), and so is the Old eNB UE X2AP ID of the
X2AP HandoverRequest: the source eNB allocates it for the handover and takes only responses
that carry it (TS 36.423 9.1.1.1-9.1.1.3). Other mandatory IEs carry plausible
constants (below): PLMN 001/01, one default E-RAB (QCI 9) on an S-GW at 192.0.2.200, UE
security capabilities 128-EEA1/2 and 128-EIA1/2, MME UE S1AP identifiers per entity, an
E-UTRAN CGI per cell (eNB index and cell index), and RRC containers holding a
HandoverPreparationInformation without UE capabilities or AS-Config.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar

from hoverify.statemachines.messages import NAS_PDU, Fields, Kind
from hoverify.statemachines.scenario import Run
from hoverify.statemachines.topology import Topology
from hoverify.statemachines.variant import field_value

KEY_BITS = 256  # SecurityKey, nextHopParameter, key-eNodeB-star (TS 36.413 9.2.1.41)
NCC_PLACEHOLDER = 0
NO_KEY = bytes(KEY_BITS // 8)
MAX_EARFCN = 65535  # maxEARFCN, TS 36.331 6.4
MAX_EARFCN2 = 262143  # maxEARFCN2
C_RNTI_BITS = 16
NOTIFICATION_MSB = 1 << (C_RNTI_BITS - 1)  # c-rnti placement
SPARE_OFFSET = 4  # alg-id placement: spare values follow the four assigned identifiers
INTEGRITY_ALGORITHMS = ("eia0-v920", "eia1", "eia2", "eia3-v1130",
                        "spare4", "spare3", "spare2", "spare1")
NAS_PROTECTED_EMM = 0x17  # security header type 1, protocol discriminator 7 (TS 24.301 9.3)
NAS_PLAIN_EMM = 0x07
NAS_HOVERIFY_TYPE = 0x6F  # the seed's NAS part: no EMM message type is assigned to it

PLMN = bytes.fromhex("00f110")  # MCC 001, MNC 01 (test network), TBCD (TS 24.008 10.5.1.13)
SGW_ADDRESS = bytes((192, 0, 2, 200))  # documentation range (RFC 5737)
GTP_TEID = bytes.fromhex("00001001")
E_RAB_ID = 5  # the default bearer
ALGORITHMS_SUPPORTED = (0xC000, 16)  # 128-EEA1/2, 128-EIA1/2 (TS 36.413 9.2.1.40)
UE_AMBR = (100_000_000, 50_000_000)  # DL, UL bit/s

# Procedure codes and IE ids (TS 36.413 9.3.7, TS 36.423 9.3.7).
S1AP_HANDOVER_RESOURCE_ALLOCATION = 1
S1AP_PATH_SWITCH_REQUEST = 3
S1AP_INITIAL_CONTEXT_SETUP = 9
X2AP_HANDOVER_PREPARATION = 0
S1AP_IE = {"MME-UE-S1AP-ID": 0, "HandoverType": 1, "Cause": 2, "ENB-UE-S1AP-ID": 8,
           "E-RABToBeSetupListCtxtSUReq": 24, "SecurityContext": 40,
           "E-RABToBeSetupListHOReq": 53, "UEAggregateMaximumBitrate": 66,
           "SecurityKey": 73, "Source-ToTarget-TransparentContainer": 104,
           "UESecurityCapabilities": 107}
S1AP_E_RAB_ITEM_HO_REQ = 27
S1AP_E_RAB_ITEM_CTXT_SU_REQ = 52
X2AP_IE = {"Cause": 5, "Old-eNB-UE-X2AP-ID": 10, "TargetCell-ID": 11, "UE-ContextInformation": 14,
           "UE-HistoryInformation": 15, "GUMMEI-ID": 23}
X2AP_E_RABS_TO_BE_SETUP_ITEM = 4


class Protocol(StrEnum):
    S1AP = "s1ap"
    X2AP = "x2ap"
    RRC_DL_DCCH = "lte-rrc.dl.dcch"
    RRC_UL_DCCH = "lte-rrc.ul.dcch"


# -- wire records: the values of the IEs this module is about ----------------------------------
@dataclass(frozen=True, slots=True)
class Ecgi:
    """E-UTRAN CGI (TS 36.413 9.2.1.38): PLMN and 28-bit cell identity."""

    cell_id: int
    plmn: bytes = PLMN


@dataclass(frozen=True, slots=True)
class SecurityContext:
    """TS 36.413 9.2.1.26."""

    ncc: int
    next_hop: bytes  # nextHopParameter, 256 bits


@dataclass(frozen=True, slots=True)
class InitialContextSetupRequest:
    protocol: ClassVar[Protocol] = Protocol.S1AP
    mme_ue_s1ap_id: int
    enb_ue_s1ap_id: int
    security_key: bytes  # KeNB


@dataclass(frozen=True, slots=True)
class S1HandoverRequest:
    protocol: ClassVar[Protocol] = Protocol.S1AP
    mme_ue_s1ap_id: int
    target_cell: Ecgi
    source_cell: Ecgi  # the UE history's last visited cell
    security: SecurityContext


@dataclass(frozen=True, slots=True)
class PathSwitchRequestAcknowledge:
    protocol: ClassVar[Protocol] = Protocol.S1AP
    mme_ue_s1ap_id: int
    enb_ue_s1ap_id: int
    security: SecurityContext


@dataclass(frozen=True, slots=True)
class X2HandoverRequest:
    protocol: ClassVar[Protocol] = Protocol.X2AP
    old_enb_ue_x2ap_id: int
    mme_ue_s1ap_id: int
    mme_code: int  # GUMMEI
    target_cell: Ecgi
    source_cell: Ecgi
    kenb_star: bytes  # key-eNodeB-star
    ncc: int


@dataclass(frozen=True, slots=True)
class NasPart:
    """The seed's NAS part of the HO command (bit placement ``nas``), see the module doc."""

    mac: bytes  # 4 octets
    sequence_number: int  # NAS COUNT mod 256
    notification_bit: int


@dataclass(frozen=True, slots=True)
class HandoverCommand:
    """RRCConnectionReconfiguration with mobilityControlInfo (TS 36.331 6.2.2)."""

    protocol: ClassVar[Protocol] = Protocol.RRC_DL_DCCH
    transaction_id: int
    target_pci: int
    earfcn_dl: int
    new_ue_identity: int  # the 16 bits of newUE-Identity
    key_change_indicator: bool
    ncc: int
    integrity_algorithm: str | None = None  # securityAlgorithmConfig, absent when None
    nas: NasPart | None = None


@dataclass(frozen=True, slots=True)
class HandoverConfirm:
    """RRCConnectionReconfigurationComplete (TS 36.331 6.2.2)."""

    protocol: ClassVar[Protocol] = Protocol.RRC_UL_DCCH
    transaction_id: int


Record = (InitialContextSetupRequest | S1HandoverRequest | PathSwitchRequestAcknowledge
          | X2HandoverRequest | HandoverCommand | HandoverConfirm)


# -- pycrate, imported on first use -------------------------------------------------------------
@functools.cache
def _s1ap() -> Any:
    from pycrate_asn1dir import S1AP  # 1-2 s to import: only when needed
    return S1AP


@functools.cache
def _x2ap() -> Any:
    from pycrate_asn1dir import X2AP
    return X2AP


@functools.cache
def _rrc() -> Any:
    from pycrate_asn1dir import RRCLTE
    return RRCLTE


def _bits(key: bytes, name: str) -> tuple[int, int]:
    if len(key) * 8 != KEY_BITS:
        raise ValueError(f"{name} must be {KEY_BITS} bits, got {len(key) * 8}")
    return int.from_bytes(key, "big"), KEY_BITS


def _key(value: tuple[int, int]) -> bytes:
    number, length = value
    return number.to_bytes(length // 8, "big")


def _ncc(ncc: int) -> int:
    if not 0 <= ncc <= 7:
        raise ValueError(f"nextHopChainingCount must be in 0..7, got {ncc}")
    return ncc


def _protocol_ies(ie_set: Any, ids: dict[str, int],
                  values: dict[str, Any]) -> list[dict[str, Any]]:
    """ProtocolIE-Container in the order of the IE set, criticality from it; every IE the set
    declares mandatory must be given (pycrate does not check that inside a container)."""
    by_id = {ids[name]: (name, value) for name, value in values.items()}
    container = []
    for entry in ie_set._val.root:
        ie_id = entry["id"]
        if ie_id in by_id:
            container.append({"id": ie_id, "criticality": entry["criticality"],
                              "value": (entry["Value"]._tr._name, by_id.pop(ie_id)[1])})
        elif entry["presence"] == "mandatory":
            raise ValueError(f"mandatory IE {entry['Value']._tr._name} (id {ie_id}) missing")
    if by_id:
        raise ValueError(f"IEs not in the set: {sorted(n for n, _ in by_id.values())}")
    return container


def _ie_values(container: list[dict[str, Any]]) -> dict[int, Any]:
    return {ie["id"]: ie["value"][1] for ie in container}


def _ecgi_value(ecgi: Ecgi, plmn_key: str, cell_key: str) -> dict[str, Any]:
    return {plmn_key: ecgi.plmn, cell_key: (ecgi.cell_id, 28)}


def _ecgi(value: dict[str, Any], plmn_key: str, cell_key: str) -> Ecgi:
    return Ecgi(value[cell_key][0], value[plmn_key])


def _arp() -> dict[str, Any]:
    return {"priorityLevel": 15, "pre-emptionCapability": "shall-not-trigger-pre-emption",
            "pre-emptionVulnerability": "not-pre-emptable"}


def _security_capabilities() -> dict[str, Any]:
    return {"encryptionAlgorithms": ALGORITHMS_SUPPORTED,
            "integrityProtectionAlgorithms": ALGORITHMS_SUPPORTED}


def _handover_preparation_information() -> bytes:
    """TS 36.331 10.2.2: no UE capabilities, no AS-Config (not what this capture is about)."""
    pdu = _rrc().EUTRA_InterNodeDefinitions.HandoverPreparationInformation
    pdu.set_val({"criticalExtensions": ("c1", ("handoverPreparationInformation-r8",
                                               {"ue-RadioAccessCapabilityInfo": []}))})
    return pdu.to_uper()


# -- S1AP -----------------------------------------------------------------------------------
def _s1ap_pdu(message: str, procedure: int, outcome: str, ie_set: str,
              values: dict[str, Any]) -> bytes:
    s1ap = _s1ap()
    container = _protocol_ies(getattr(s1ap.S1AP_PDU_Contents, ie_set), S1AP_IE, values)
    pdu = s1ap.S1AP_PDU_Descriptions.S1AP_PDU
    pdu.set_val((outcome, {"procedureCode": procedure, "criticality": "reject",
                           "value": (message, {"protocolIEs": container})}))
    return pdu.to_aper()


def _security_context(security: SecurityContext) -> dict[str, Any]:
    return {"nextHopChainingCount": _ncc(security.ncc),
            "nextHopParameter": _bits(security.next_hop, "nextHopParameter")}


def _source_to_target_container(record: S1HandoverRequest) -> bytes:
    """SourceeNB-ToTargeteNB-TransparentContainer (TS 36.413 9.2.1.56)."""
    container = _s1ap().S1AP_IEs.SourceeNB_ToTargeteNB_TransparentContainer
    container.set_val({
        "rRC-Container": _handover_preparation_information(),
        "targetCell-ID": _ecgi_value(record.target_cell, "pLMNidentity", "cell-ID"),
        "uE-HistoryInformation": [("e-UTRAN-Cell", {
            "global-Cell-ID": _ecgi_value(record.source_cell, "pLMNidentity", "cell-ID"),
            "cellType": {"cell-Size": "medium"}, "time-UE-StayedInCell": 10})]})
    return container.to_aper()


def _encode_initial_context_setup_request(record: InitialContextSetupRequest) -> bytes:
    e_rab = {"e-RAB-ID": E_RAB_ID,
             "e-RABlevelQoSParameters": {"qCI": 9, "allocationRetentionPriority": _arp()},
             "transportLayerAddress": (int.from_bytes(SGW_ADDRESS, "big"), 32),
             "gTP-TEID": GTP_TEID}
    return _s1ap_pdu("InitialContextSetupRequest", S1AP_INITIAL_CONTEXT_SETUP,
                     "initiatingMessage", "InitialContextSetupRequestIEs", {
                         "MME-UE-S1AP-ID": record.mme_ue_s1ap_id,
                         "ENB-UE-S1AP-ID": record.enb_ue_s1ap_id,
                         "UEAggregateMaximumBitrate": _ambr(),
                         "E-RABToBeSetupListCtxtSUReq": [{
                             "id": S1AP_E_RAB_ITEM_CTXT_SU_REQ, "criticality": "reject",
                             "value": ("E-RABToBeSetupItemCtxtSUReq", e_rab)}],
                         "UESecurityCapabilities": _security_capabilities(),
                         "SecurityKey": _bits(record.security_key, "SecurityKey")})


def _ambr() -> dict[str, int]:
    return {"uEaggregateMaximumBitRateDL": UE_AMBR[0], "uEaggregateMaximumBitRateUL": UE_AMBR[1]}


def _encode_s1_handover_request(record: S1HandoverRequest) -> bytes:
    e_rab = {"e-RAB-ID": E_RAB_ID,
             "transportLayerAddress": (int.from_bytes(SGW_ADDRESS, "big"), 32),
             "gTP-TEID": GTP_TEID,
             "e-RABlevelQosParameters": {"qCI": 9, "allocationRetentionPriority": _arp()}}
    return _s1ap_pdu("HandoverRequest", S1AP_HANDOVER_RESOURCE_ALLOCATION, "initiatingMessage",
                     "HandoverRequestIEs", {
                         "MME-UE-S1AP-ID": record.mme_ue_s1ap_id,
                         "HandoverType": "intralte",
                         "Cause": ("radioNetwork", "handover-desirable-for-radio-reason"),
                         "UEAggregateMaximumBitrate": _ambr(),
                         "E-RABToBeSetupListHOReq": [{
                             "id": S1AP_E_RAB_ITEM_HO_REQ, "criticality": "reject",
                             "value": ("E-RABToBeSetupItemHOReq", e_rab)}],
                         "Source-ToTarget-TransparentContainer":
                             _source_to_target_container(record),
                         "UESecurityCapabilities": _security_capabilities(),
                         "SecurityContext": _security_context(record.security)})


def _encode_path_switch_request_acknowledge(record: PathSwitchRequestAcknowledge) -> bytes:
    return _s1ap_pdu("PathSwitchRequestAcknowledge", S1AP_PATH_SWITCH_REQUEST,
                     "successfulOutcome", "PathSwitchRequestAcknowledgeIEs", {
                         "MME-UE-S1AP-ID": record.mme_ue_s1ap_id,
                         "ENB-UE-S1AP-ID": record.enb_ue_s1ap_id,
                         "SecurityContext": _security_context(record.security)})


def _decode_s1ap(data: bytes) -> Record:
    s1ap = _s1ap()
    pdu = s1ap.S1AP_PDU_Descriptions.S1AP_PDU
    pdu.from_aper(data)
    _, body = pdu.get_val()
    name, content = body["value"]
    ies = _ie_values(content["protocolIEs"])
    if name == "InitialContextSetupRequest":
        return InitialContextSetupRequest(ies[S1AP_IE["MME-UE-S1AP-ID"]],
                                          ies[S1AP_IE["ENB-UE-S1AP-ID"]],
                                          _key(ies[S1AP_IE["SecurityKey"]]))
    context = ies[S1AP_IE["SecurityContext"]]
    security = SecurityContext(context["nextHopChainingCount"],
                               _key(context["nextHopParameter"]))
    if name == "PathSwitchRequestAcknowledge":
        return PathSwitchRequestAcknowledge(ies[S1AP_IE["MME-UE-S1AP-ID"]],
                                            ies[S1AP_IE["ENB-UE-S1AP-ID"]], security)
    if name != "HandoverRequest":
        raise ValueError(f"S1AP {name} is not one of the messages this module encodes")
    container = s1ap.S1AP_IEs.SourceeNB_ToTargeteNB_TransparentContainer
    container.from_aper(ies[S1AP_IE["Source-ToTarget-TransparentContainer"]])
    transparent = container.get_val()
    _, last_visited = transparent["uE-HistoryInformation"][0]
    return S1HandoverRequest(
        ies[S1AP_IE["MME-UE-S1AP-ID"]],
        _ecgi(transparent["targetCell-ID"], "pLMNidentity", "cell-ID"),
        _ecgi(last_visited["global-Cell-ID"], "pLMNidentity", "cell-ID"), security)


# -- X2AP -------------------------------------------------------------------------------------
def _encode_x2_handover_request(record: X2HandoverRequest) -> bytes:
    x2ap = _x2ap()
    e_rab = {"e-RAB-ID": E_RAB_ID,
             "e-RAB-Level-QoS-Parameters": {"qCI": 9, "allocationAndRetentionPriority": _arp()},
             "uL-GTPtunnelEndpoint": {
                 "transportLayerAddress": (int.from_bytes(SGW_ADDRESS, "big"), 32),
                 "gTP-TEID": GTP_TEID}}
    context = {
        "mME-UE-S1AP-ID": record.mme_ue_s1ap_id,
        "uESecurityCapabilities": _security_capabilities(),
        "aS-SecurityInformation": {"key-eNodeB-star": _bits(record.kenb_star, "key-eNodeB-star"),
                                   "nextHopChainingCount": _ncc(record.ncc)},
        "uEaggregateMaximumBitRate": {"uEaggregateMaximumBitRateDownlink": UE_AMBR[0],
                                      "uEaggregateMaximumBitRateUplink": UE_AMBR[1]},
        "e-RABs-ToBeSetup-List": [{"id": X2AP_E_RABS_TO_BE_SETUP_ITEM, "criticality": "ignore",
                                   "value": ("E-RABs-ToBeSetup-Item", e_rab)}],
        "rRC-Context": _handover_preparation_information()}
    container = _protocol_ies(x2ap.X2AP_PDU_Contents.HandoverRequest_IEs, X2AP_IE, {
        "Old-eNB-UE-X2AP-ID": record.old_enb_ue_x2ap_id,
        "Cause": ("radioNetwork", "handover-desirable-for-radio-reasons"),
        "TargetCell-ID": _ecgi_value(record.target_cell, "pLMN-Identity",
                                     "eUTRANcellIdentifier"),
        "GUMMEI-ID": {"gU-Group-ID": {"pLMN-Identity": PLMN, "mME-Group-ID": b"\x00\x01"},
                      "mME-Code": bytes((record.mme_code,))},
        "UE-ContextInformation": context,
        "UE-HistoryInformation": [("e-UTRAN-Cell", {
            "global-Cell-ID": _ecgi_value(record.source_cell, "pLMN-Identity",
                                          "eUTRANcellIdentifier"),
            "cellType": {"cell-Size": "medium"}, "time-UE-StayedInCell": 10})]})
    pdu = x2ap.X2AP_PDU_Descriptions.X2AP_PDU
    pdu.set_val(("initiatingMessage", {"procedureCode": X2AP_HANDOVER_PREPARATION,
                                       "criticality": "reject",
                                       "value": ("HandoverRequest", {"protocolIEs": container})}))
    return pdu.to_aper()


def _decode_x2ap(data: bytes) -> Record:
    pdu = _x2ap().X2AP_PDU_Descriptions.X2AP_PDU
    pdu.from_aper(data)
    _, body = pdu.get_val()
    name, content = body["value"]
    if name != "HandoverRequest":
        raise ValueError(f"X2AP {name} is not one of the messages this module encodes")
    ies = _ie_values(content["protocolIEs"])
    context = ies[X2AP_IE["UE-ContextInformation"]]
    security = context["aS-SecurityInformation"]
    _, last_visited = ies[X2AP_IE["UE-HistoryInformation"]][0]
    return X2HandoverRequest(
        ies[X2AP_IE["Old-eNB-UE-X2AP-ID"]], context["mME-UE-S1AP-ID"],
        ies[X2AP_IE["GUMMEI-ID"]]["mME-Code"][0],
        _ecgi(ies[X2AP_IE["TargetCell-ID"]], "pLMN-Identity", "eUTRANcellIdentifier"),
        _ecgi(last_visited["global-Cell-ID"], "pLMN-Identity", "eUTRANcellIdentifier"),
        _key(security["key-eNodeB-star"]), security["nextHopChainingCount"])


# -- RRC --------------------------------------------------------------------------------------
def encode_nas_part(nas: NasPart) -> bytes:
    if len(nas.mac) != 4:
        raise ValueError(f"NAS-MAC must be 4 octets, got {len(nas.mac)}")
    return bytes((NAS_PROTECTED_EMM, *nas.mac, nas.sequence_number % 256, NAS_PLAIN_EMM,
                  NAS_HOVERIFY_TYPE, nas.notification_bit & 1))


def decode_nas_part(data: bytes) -> NasPart:
    if len(data) != 9 or data[0] != NAS_PROTECTED_EMM or data[6:8] != bytes(
            (NAS_PLAIN_EMM, NAS_HOVERIFY_TYPE)):
        raise ValueError(f"not the seed's NAS part: {data.hex()}")
    return NasPart(data[1:5], data[5], data[8] & 1)


def _radio_resource_config_common() -> dict[str, Any]:
    """The mandatory parts of RadioResourceConfigCommon (TS 36.331 6.3.2)."""
    return {"prach-Config": {"rootSequenceIndex": 22},
            "pusch-ConfigCommon": {
                "pusch-ConfigBasic": {"n-SB": 1, "hoppingMode": "interSubFrame",
                                      "pusch-HoppingOffset": 0, "enable64QAM": False},
                "ul-ReferenceSignalsPUSCH": {"groupHoppingEnabled": False,
                                             "groupAssignmentPUSCH": 0,
                                             "sequenceHoppingEnabled": False,
                                             "cyclicShift": 0}},
            "ul-CyclicPrefixLength": "len1"}


def _encode_handover_command(record: HandoverCommand) -> bytes:
    if not 0 <= record.earfcn_dl <= MAX_EARFCN2:
        raise ValueError(f"EARFCN-DL must be in 0..{MAX_EARFCN2}, got {record.earfcn_dl}")
    mobility: dict[str, Any] = {
        "targetPhysCellId": record.target_pci,
        "carrierFreq": {"dl-CarrierFreq": min(record.earfcn_dl, MAX_EARFCN)},
        "t304": "ms1000",
        "newUE-Identity": (record.new_ue_identity, C_RNTI_BITS),
        "radioResourceConfigCommon": _radio_resource_config_common()}
    if record.earfcn_dl > MAX_EARFCN:  # TS 36.331 6.3.4: dl-CarrierFreq = maxEARFCN
        mobility["carrierFreq-v9e0"] = {"dl-CarrierFreq-v9e0": record.earfcn_dl}
    intra_lte: dict[str, Any] = {"keyChangeIndicator": record.key_change_indicator,
                                 "nextHopChainingCount": _ncc(record.ncc)}
    if record.integrity_algorithm is not None:
        intra_lte["securityAlgorithmConfig"] = {
            "cipheringAlgorithm": "eea2", "integrityProtAlgorithm": record.integrity_algorithm}
    r8: dict[str, Any] = {"mobilityControlInfo": mobility,
                          "securityConfigHO": {"handoverType": ("intraLTE", intra_lte)}}
    if record.nas is not None:
        r8["dedicatedInfoNASList"] = [encode_nas_part(record.nas)]
    pdu = _rrc().EUTRA_RRC_Definitions.DL_DCCH_Message
    pdu.set_val({"message": ("c1", ("rrcConnectionReconfiguration", {
        "rrc-TransactionIdentifier": record.transaction_id,
        "criticalExtensions": ("c1", ("rrcConnectionReconfiguration-r8", r8))}))})
    return pdu.to_uper()


def _decode_dl_dcch(data: bytes) -> Record:
    pdu = _rrc().EUTRA_RRC_Definitions.DL_DCCH_Message
    pdu.from_uper(data)
    _, (name, body) = pdu.get_val()["message"]
    if name != "rrcConnectionReconfiguration":
        raise ValueError(f"DL-DCCH {name} is not one of the messages this module encodes")
    _, (_, r8) = body["criticalExtensions"]
    mobility = r8["mobilityControlInfo"]
    _, intra_lte = r8["securityConfigHO"]["handoverType"]
    earfcn_dl = mobility["carrierFreq"]["dl-CarrierFreq"]
    if earfcn_dl == MAX_EARFCN and "carrierFreq-v9e0" in mobility:
        earfcn_dl = mobility["carrierFreq-v9e0"]["dl-CarrierFreq-v9e0"]
    algorithms = intra_lte.get("securityAlgorithmConfig")
    nas_list = r8.get("dedicatedInfoNASList")
    return HandoverCommand(
        body["rrc-TransactionIdentifier"], mobility["targetPhysCellId"], earfcn_dl,
        mobility["newUE-Identity"][0], intra_lte["keyChangeIndicator"],
        intra_lte["nextHopChainingCount"],
        algorithms["integrityProtAlgorithm"] if algorithms else None,
        decode_nas_part(nas_list[0]) if nas_list else None)


def _encode_handover_confirm(record: HandoverConfirm) -> bytes:
    pdu = _rrc().EUTRA_RRC_Definitions.UL_DCCH_Message
    pdu.set_val({"message": ("c1", ("rrcConnectionReconfigurationComplete", {
        "rrc-TransactionIdentifier": record.transaction_id,
        "criticalExtensions": ("rrcConnectionReconfigurationComplete-r8", {})}))})
    return pdu.to_uper()


def _decode_ul_dcch(data: bytes) -> Record:
    pdu = _rrc().EUTRA_RRC_Definitions.UL_DCCH_Message
    pdu.from_uper(data)
    _, (name, body) = pdu.get_val()["message"]
    if name != "rrcConnectionReconfigurationComplete":
        raise ValueError(f"UL-DCCH {name} is not one of the messages this module encodes")
    return HandoverConfirm(body["rrc-TransactionIdentifier"])


_ENCODERS: dict[type, Callable[[Any], bytes]] = {
    InitialContextSetupRequest: _encode_initial_context_setup_request,
    S1HandoverRequest: _encode_s1_handover_request,
    PathSwitchRequestAcknowledge: _encode_path_switch_request_acknowledge,
    X2HandoverRequest: _encode_x2_handover_request,
    HandoverCommand: _encode_handover_command,
    HandoverConfirm: _encode_handover_confirm,
}
_DECODERS: dict[Protocol, Callable[[bytes], Record]] = {
    Protocol.S1AP: _decode_s1ap, Protocol.X2AP: _decode_x2ap,
    Protocol.RRC_DL_DCCH: _decode_dl_dcch, Protocol.RRC_UL_DCCH: _decode_ul_dcch,
}


def encode(record: Record) -> bytes:
    """The PDU of ``record``: APER for S1AP/X2AP, UPER for RRC."""
    return _ENCODERS[type(record)](record)


def decode(protocol: Protocol, data: bytes) -> Record:
    """The record a PDU encodes (the inverse of :func:`encode`)."""
    return _DECODERS[protocol](data)


# -- from a trace to wire messages ----------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class WireMessage:
    step: int  # the step in ``run.system.steps``
    sender: str
    receiver: str
    title: str
    record: Record
    pdu: bytes
    notes: tuple[str, ...] = ()  # placeholders and values the IE cannot hold

    @property
    def protocol(self) -> Protocol:
        return self.record.protocol


@dataclass(frozen=True, slots=True)
class Identifiers:
    """Constants standing in for what the model does not have: the MME UE S1AP ID per MME
    (the eNB UE S1AP and X2AP IDs are the model's), an E-UTRAN CGI per cell (eNB index << 8 |
    cell index within the eNB, both from 1)."""

    topology: Topology

    def mme_ue_s1ap_id(self, mme: str) -> int:
        return 0x1000 + self.topology.mmes.index(mme)

    def mme_code(self, mme: str) -> int:
        return 1 + self.topology.mmes.index(mme)

    def ecgi(self, cell_name: str) -> Ecgi:
        cell = self.topology.cell(cell_name)
        of_enb = [c.name for c in self.topology.cells if c.enb == cell.enb]
        enb_id = 1 + self.topology.enbs.index(cell.enb)
        return Ecgi(enb_id << 8 | (1 + of_enb.index(cell_name)))


def security_context(fields: Fields) -> tuple[SecurityContext, tuple[str, ...]]:
    """S1AP SecurityContext from the model's fields: {NH, NCC}, else KeNB* (or KeNB*+) in
    nextHopParameter, else the no-key placeholder (module doc)."""
    nh, ncc, kenb_star = (field_value(fields, n) for n in ("NH", "NCC", "KeNB*"))
    notes: list[str] = []
    if nh is None and kenb_star is not None:
        nh = kenb_star
        notes.append("nextHopParameter carries the variant's KeNB* (or the KeNB*+ that "
                     "replaced it)")
    elif nh is None:
        nh = NO_KEY
        notes.append("no key from the variant: nextHopParameter is 256 zero bits "
                     "(placeholder, the IE is mandatory)")
    if ncc is None:
        ncc = NCC_PLACEHOLDER
        notes.append(f"no NCC in the variant: nextHopChainingCount {NCC_PLACEHOLDER} "
                     "(placeholder)")
    return SecurityContext(ncc, nh), tuple(notes)


def handover_command(content: Fields, transaction_id: int,
                     bit_placement: str | None) -> tuple[HandoverCommand, tuple[str, ...]]:
    """The HO command from what the UE read; ``bit_placement`` for seed-fs (module doc)."""
    notes: list[str] = []
    c_rnti = field_value(content, "new C-RNTI")
    ncc = field_value(content, "NCC")
    key_change = field_value(content, "keyChangeIndicator")
    if ncc is None or key_change is None:
        notes.append(f"no NCC/keyChangeIndicator in the variant: placeholders "
                     f"{NCC_PLACEHOLDER}/FALSE (securityConfigHO is mandatory)")
    bit = field_value(content, "notification bit")
    nas = None
    nas_pdu = field_value(content, NAS_PDU)
    if nas_pdu is not None:
        nas_fields, nas_count, mac = nas_pdu
        nas = NasPart(mac, nas_count % 256, int(field_value(nas_fields, "notification bit", 0)))
        notes.append(f"NAS part in dedicatedInfoNAS: notification bit {nas.notification_bit}, "
                     f"NAS COUNT {nas_count}")
    algorithm = None
    if bit_placement == "alg-id":
        algorithm = INTEGRITY_ALGORITHMS[2 + (SPARE_OFFSET if bit else 0)]
        notes.append(f"notification bit {int(bool(bit))} in integrityProtAlgorithm "
                     f"({algorithm})")
    identity = c_rnti
    if bit_placement == "c-rnti":
        identity = (c_rnti % NOTIFICATION_MSB) | (NOTIFICATION_MSB if bit else 0)
        notes.append(f"notification bit {int(bool(bit))} in the MSB of newUE-Identity")
        if c_rnti >= NOTIFICATION_MSB:
            notes.append(f"C-RNTI {c_rnti:#06x} does not fit in 15 bits: sent mod 0x8000")
    if bit is not None and bit_placement not in ("alg-id", "c-rnti"):
        notes.append(f"notification bit {bit} has no placement {bit_placement!r}: not encoded")
    record = HandoverCommand(transaction_id, field_value(content, "target PCI"),
                             field_value(content, "EARFCN-DL"), identity,
                             bool(key_change), NCC_PLACEHOLDER if ncc is None else ncc,
                             algorithm, nas)
    return record, tuple(notes)


def wire_trace(run: Run) -> list[WireMessage]:
    """The security-relevant messages of ``run`` in delivery order, encoded."""
    ids = Identifiers(run.topology)
    bit_placement = run.variant.parameters.get("bit_placement")
    serving_cell = run.initial_cell  # the UE history's last visited cell
    transaction_id = 0
    out: list[WireMessage] = []
    for step in run.system.steps:
        message = step.message
        kind = message.kind
        notes: tuple[str, ...] = ()
        record: Record
        if kind is Kind.S1AP_INITIAL_CONTEXT_SETUP_REQUEST:
            # the eNB UE S1AP ID the eNB allocated for the UE (TS 36.413 8.6.2.1), which the
            # model's eNB takes on this message
            record = InitialContextSetupRequest(
                ids.mme_ue_s1ap_id(message.sender), step.ctx_after.enb_ue_s1ap_id,
                message.get("SecurityKey"))
        elif kind is Kind.S1AP_HANDOVER_REQUEST:
            security, notes = security_context(message.get("SecurityContext") or ())
            record = S1HandoverRequest(ids.mme_ue_s1ap_id(message.sender),
                                       ids.ecgi(message.get("target cell")),
                                       ids.ecgi(serving_cell), security)
        elif kind is Kind.S1AP_PATH_SWITCH_REQUEST_ACKNOWLEDGE:
            security, notes = security_context(message.get("SecurityContext") or ())
            record = PathSwitchRequestAcknowledge(ids.mme_ue_s1ap_id(message.sender),
                                                  message.get("eNB UE S1AP ID"), security)
        elif kind is Kind.X2AP_HANDOVER_REQUEST:
            fields = message.get("AS-SecurityInformation") or ()
            ncc = field_value(fields, "NCC")
            if ncc is None:
                notes = (f"no NCC in the variant: nextHopChainingCount {NCC_PLACEHOLDER} "
                         "(placeholder)",)
            mme = run.topology.mme_of(message.sender)
            record = X2HandoverRequest(
                message.get("Old eNB UE X2AP ID"), ids.mme_ue_s1ap_id(mme), ids.mme_code(mme),
                ids.ecgi(message.get("target cell")), ids.ecgi(serving_cell),
                field_value(fields, "KeNB*"), NCC_PLACEHOLDER if ncc is None else ncc)
        elif kind is Kind.RRC_HANDOVER_COMMAND and step.outcome.accepted:
            transaction_id = message.get("COUNT") % 4  # RRC-TransactionIdentifier 0..3
            record, notes = handover_command(step.outcome.read, transaction_id, bit_placement)
            serving_cell = run.topology.cell_by_pci(record.target_pci, record.earfcn_dl).name
        elif kind is Kind.RRC_HANDOVER_CONFIRM:
            record = HandoverConfirm(transaction_id)
        else:
            continue
        out.append(WireMessage(step.number, message.sender, message.receiver, kind.title,
                               record, encode(record), notes))
    return out
