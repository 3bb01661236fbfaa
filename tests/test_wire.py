"""Wire formats (``hoverify.reports.asn1``) and captures (``hoverify.reports.pcap``).

Round trips through pycrate for each message kind; then whole runs: the values a capture
carries, read back both by pycrate and by Wireshark's own dissectors (tshark), must be the
ones the model's messages carried. Expected values come from the trace (message fields, and
for the HO command what the UE read), never from the encoder.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from pathlib import Path

import pytest
from hoverify.reports import asn1
from hoverify.reports.asn1 import (
    Ecgi,
    HandoverCommand,
    HandoverConfirm,
    InitialContextSetupRequest,
    NasPart,
    PathSwitchRequestAcknowledge,
    Record,
    S1HandoverRequest,
    SecurityContext,
    X2HandoverRequest,
)
from hoverify.reports.pcap import TSHARK_OPTIONS, capture_of, crc32c
from hoverify.statemachines.messages import Fields, Kind
from hoverify.statemachines.scenario import Run, parse_hops, run_scenario
from hoverify.statemachines.topology import HopType
from hoverify.statemachines.variant import field_value
from hoverify.statemachines.variants import load

from hoverify.cli import main

KEY = bytes(range(32))
ALL_ONES = b"\xff" * 32

RECORDS: dict[str, Record] = {
    "s1ap-initial-context-setup-request": InitialContextSetupRequest(0xFFFFFFFF, 0xFFFFFF, KEY),
    "s1ap-handover-request": S1HandoverRequest(1, Ecgi(0xFFFFFFF), Ecgi(0x101),
                                               SecurityContext(7, ALL_ONES)),
    "s1ap-path-switch-request-acknowledge": PathSwitchRequestAcknowledge(
        2, 3, SecurityContext(0, KEY)),
    "x2ap-handover-request": X2HandoverRequest(4095, 4, 255, Ecgi(0x402), Ecgi(0x201), KEY, 5),
    "rrc-ho-command": HandoverCommand(3, 503, 1850, 0x0001, True, 6),
    "rrc-ho-command-max-earfcn": HandoverCommand(0, 0, 65535, 0xFFF3, False, 0),
    "rrc-ho-command-earfcn-v9e0": HandoverCommand(1, 9, 262143, 0xFFFF, False, 1),
    "rrc-ho-command-alg-id": HandoverCommand(1, 7, 68600, 0x8001, False, 0, "spare2"),
    "rrc-ho-command-nas": HandoverCommand(2, 8, 300, 0x1234, False, 0, None,
                                          NasPart(bytes.fromhex("deadbeef"), 255, 1)),
    "rrc-ho-confirm": HandoverConfirm(3),
}


@pytest.mark.parametrize("record", RECORDS.values(), ids=RECORDS.keys())
def test_round_trip(record: Record) -> None:
    assert asn1.decode(record.protocol, asn1.encode(record)) == record


@pytest.mark.parametrize("record, error", [
    (PathSwitchRequestAcknowledge(1, 1, SecurityContext(8, KEY)), "nextHopChainingCount"),
    (InitialContextSetupRequest(1, 1, KEY[:31]), "SecurityKey must be 256 bits"),
    (X2HandoverRequest(1, 1, 1, Ecgi(1), Ecgi(1), KEY + b"\0", 0), "key-eNodeB-star"),
    (HandoverCommand(0, 1, 262144, 1, False, 0), "EARFCN-DL"),
])
def test_values_the_ies_cannot_hold_are_refused(record: Record, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        asn1.encode(record)


def test_a_missing_mandatory_ie_is_named() -> None:
    """pycrate does not check the IEs inside a ProtocolIE-Container: hoverify.reports.asn1 does."""
    with pytest.raises(ValueError, match="SecurityContext"):
        asn1._s1ap_pdu("PathSwitchRequestAcknowledge", asn1.S1AP_PATH_SWITCH_REQUEST,
                       "successfulOutcome", "PathSwitchRequestAcknowledgeIEs",
                       {"MME-UE-S1AP-ID": 1, "ENB-UE-S1AP-ID": 2})


@pytest.mark.parametrize("data, crc", [  # RFC 3720 B.4 (the CRC32c of SCTP, RFC 4960 B)
    (b"123456789", 0xE3069283),
    (bytes(32), 0x8A9136AA),
    (b"\xff" * 32, 0x62A8AB43),
    (bytes(range(32)), 0x46DD794E),
    (bytes(range(31, -1, -1)), 0x113FDB5C),
])
def test_crc32c(data: bytes, crc: int) -> None:
    assert crc32c(data) == crc


# -- whole runs ---------------------------------------------------------------------------------
MIXED = "x2,x2,s1,s1-inter,intra-enb,x2"
SCENARIOS = {
    "ts33401-mixed": ("ts33401", None, MIXED),
    "ts33401-ncc-wraps": ("ts33401", None, ",".join(["s1"] * 9)),
    "tr33821-v070": ("tr33821-v070", None, MIXED),
    "seed-fs-nas": ("seed-fs", "nas", MIXED),
    "seed-fs-alg-id": ("seed-fs", "alg-id", MIXED),
    "seed-fs-c-rnti": ("seed-fs", "c-rnti", MIXED),
}
COLUMNS = ("frame.interface_id", "s1ap.ENB_UE_S1AP_ID", "s1ap.SecurityKey",
           "s1ap.nextHopChainingCount", "s1ap.nextHopParameter", "x2ap.UE_X2AP_ID",
           "x2ap.key_eNodeB_star", "x2ap.nextHopChainingCount",
           "lte-rrc.targetPhysCellId", "lte-rrc.dl_CarrierFreq", "lte-rrc.dl_CarrierFreq_v9e0",
           "lte-rrc.newUE_Identity", "lte-rrc.nextHopChainingCount",
           "lte-rrc.keyChangeIndicator", "lte-rrc.integrityProtAlgorithm",
           "lte-rrc.DedicatedInfoNAS", "nas_eps.msg_auth_code")
Row = dict[str, str]


@functools.cache
def scenario(name: str) -> Run:
    variant, placement, hops = SCENARIOS[name]
    return run_scenario(load(variant, placement), parse_hops(hops))


def row(values: dict[str, object]) -> Row:
    """A frame's expected tshark columns; those not given are empty."""
    return {**dict.fromkeys(COLUMNS, ""), **{k: str(v) for k, v in values.items()}}


def expected_rows(run: Run) -> list[tuple[int, Row]]:
    """(step, row) for each frame: the model's values, by the placement rules of
    hoverify.reports.asn1
    (a variant without NCC: 0; KeNB* in nextHopParameter; no key: 256 zero bits)."""
    placement = run.variant.parameters.get("bit_placement")
    rows: list[tuple[int, Row]] = []
    for step in run.system.steps:
        message, kind = step.message, step.message.kind
        if kind is Kind.S1AP_INITIAL_CONTEXT_SETUP_REQUEST:
            values = {"s1ap.SecurityKey": message.get("SecurityKey").hex(),
                      "s1ap.ENB_UE_S1AP_ID": step.ctx_after.enb_ue_s1ap_id}
        elif kind in (Kind.S1AP_HANDOVER_REQUEST, Kind.S1AP_PATH_SWITCH_REQUEST_ACKNOWLEDGE):
            security = message.get("SecurityContext")
            key = field_value(security, "NH", field_value(security, "KeNB*", bytes(32)))
            values = {"s1ap.nextHopChainingCount": field_value(security, "NCC", 0),
                      "s1ap.nextHopParameter": key.hex(),
                      "s1ap.ENB_UE_S1AP_ID": message.get("eNB UE S1AP ID", "")}
        elif kind is Kind.X2AP_HANDOVER_REQUEST:
            security = message.get("AS-SecurityInformation")
            values = {"x2ap.UE_X2AP_ID": message.get("Old eNB UE X2AP ID"),
                      "x2ap.key_eNodeB_star": field_value(security, "KeNB*").hex(),
                      "x2ap.nextHopChainingCount": field_value(security, "NCC", 0)}
        elif kind is Kind.RRC_HANDOVER_COMMAND and step.outcome.accepted:
            values = _command_values(step.outcome.read, placement)
        elif kind is Kind.RRC_HANDOVER_CONFIRM:
            values = {"frame.interface_id": 2}
        else:
            continue
        values.setdefault("frame.interface_id", 0)
        rows.append((step.number, row(values)))
    return rows


def _command_values(read: Fields, placement: str | None) -> dict[str, object]:
    earfcn_dl = field_value(read, "EARFCN-DL")
    c_rnti = field_value(read, "new C-RNTI")
    bit = field_value(read, "notification bit", 0)
    identity = (c_rnti & 0x7FFF) | bit << 15 if placement == "c-rnti" else c_rnti
    values: dict[str, object] = {
        "frame.interface_id": 1,
        "lte-rrc.targetPhysCellId": field_value(read, "target PCI"),
        "lte-rrc.dl_CarrierFreq": min(earfcn_dl, 65535),
        "lte-rrc.dl_CarrierFreq_v9e0": earfcn_dl if earfcn_dl > 65535 else "",
        "lte-rrc.newUE_Identity": f"{identity:04x}",
        "lte-rrc.nextHopChainingCount": field_value(read, "NCC", 0),
        "lte-rrc.keyChangeIndicator": int(field_value(read, "keyChangeIndicator", False))}
    if placement == "alg-id":
        values["lte-rrc.integrityProtAlgorithm"] = 6 if bit else 2  # spare2 / eia2
    nas_pdu = field_value(read, "NAS-PDU")
    if nas_pdu is not None:
        nas_fields, nas_count, mac = nas_pdu
        nas_bit = field_value(nas_fields, "notification bit")
        values["lte-rrc.DedicatedInfoNAS"] = (f"17{mac.hex()}{nas_count % 256:02x}076f"
                                              f"{nas_bit:02x}")
        values["nas_eps.msg_auth_code"] = f"0x{mac.hex()}"
    return values


def pycrate_row(message: asn1.WireMessage) -> Row:
    """What the PDU holds, read back by pycrate, in tshark's columns."""
    record = asn1.decode(message.protocol, message.pdu)
    match record:
        case InitialContextSetupRequest():
            return row({"frame.interface_id": 0, "s1ap.SecurityKey": record.security_key.hex(),
                        "s1ap.ENB_UE_S1AP_ID": record.enb_ue_s1ap_id})
        case S1HandoverRequest():
            return row(_security_columns(record.security))
        case PathSwitchRequestAcknowledge():
            return row({**_security_columns(record.security),
                        "s1ap.ENB_UE_S1AP_ID": record.enb_ue_s1ap_id})
        case X2HandoverRequest():
            return row({"frame.interface_id": 0, "x2ap.UE_X2AP_ID": record.old_enb_ue_x2ap_id,
                        "x2ap.key_eNodeB_star": record.kenb_star.hex(),
                        "x2ap.nextHopChainingCount": record.ncc})
        case HandoverCommand():
            values: dict[str, object] = {
                "frame.interface_id": 1,
                "lte-rrc.targetPhysCellId": record.target_pci,
                "lte-rrc.dl_CarrierFreq": min(record.earfcn_dl, 65535),
                "lte-rrc.dl_CarrierFreq_v9e0": record.earfcn_dl
                if record.earfcn_dl > 65535 else "",
                "lte-rrc.newUE_Identity": f"{record.new_ue_identity:04x}",
                "lte-rrc.nextHopChainingCount": record.ncc,
                "lte-rrc.keyChangeIndicator": int(record.key_change_indicator)}
            if record.integrity_algorithm is not None:
                values["lte-rrc.integrityProtAlgorithm"] = asn1.INTEGRITY_ALGORITHMS.index(
                    record.integrity_algorithm)
            if record.nas is not None:
                values["lte-rrc.DedicatedInfoNAS"] = asn1.encode_nas_part(record.nas).hex()
                values["nas_eps.msg_auth_code"] = f"0x{record.nas.mac.hex()}"
            return row(values)
        case _:
            return row({"frame.interface_id": 2})


def _security_columns(security: SecurityContext) -> dict[str, object]:
    return {"frame.interface_id": 0, "s1ap.nextHopChainingCount": security.ncc,
            "s1ap.nextHopParameter": security.next_hop.hex()}


@pytest.mark.parametrize("name", SCENARIOS)
def test_pdus_carry_the_models_values(name: str) -> None:
    run = scenario(name)
    messages = asn1.wire_trace(run)
    expected = expected_rows(run)
    assert [m.step for m in messages] == [step for step, _ in expected]
    for message, (_, want) in zip(messages, expected, strict=True):
        assert pycrate_row(message) == want, f"step {message.step}: {message.title}"


def test_ncc_wraps_in_the_capture() -> None:
    """Nine S1 hops carry NH(2) to NH(10): NCC 2 to 7, then 0 at NH(8) (3 bits; NH(1) of
    set-up is never sent, TS 33.401 7.2.8.1.1, 7.2.8.4.3)."""
    nccs = [r["s1ap.nextHopChainingCount"] for _, r in expected_rows(scenario(
        "ts33401-ncc-wraps")) if r["s1ap.nextHopChainingCount"]]
    assert nccs == ["2", "3", "4", "5", "6", "7", "0", "1", "2"]


def test_placeholders_are_noted() -> None:
    notes = [n for m in asn1.wire_trace(scenario("tr33821-v070")) for n in m.notes]
    assert any("256 zero bits" in n for n in notes)  # Path Switch Ack: no key
    assert any("KeNB*" in n for n in notes)  # S1AP HandoverRequest
    assert not any(m.notes for m in asn1.wire_trace(scenario("ts33401-mixed")))


FRAME_CHECKS = ("frame.comment", "_ws.malformed", "ip.checksum.status", "sctp.checksum.status")


def tshark_rows(path: Path) -> list[Row]:
    names = (*COLUMNS, *FRAME_CHECKS)
    fields = [arg for name in names for arg in ("-e", name)]
    result = subprocess.run(["tshark", "-r", str(path), *TSHARK_OPTIONS, "-T", "fields",
                             "-E", "separator=/t", *fields],
                            capture_output=True, text=True, check=True, timeout=60)
    return [dict(zip(names, line.split("\t"), strict=True))
            for line in result.stdout.splitlines()]


@pytest.mark.parametrize("name", SCENARIOS)
def test_wireshark_decodes_the_models_values(name: str, tmp_path: Path) -> None:
    if shutil.which("tshark") is None:
        pytest.skip("tshark not installed (apt-get install tshark): Wireshark's decoding of "
                    "the capture is not checked")
    run = scenario(name)
    path = tmp_path / f"{name}.pcapng"
    path.write_bytes(capture_of(run)[0])
    decoded = tshark_rows(path)
    expected = expected_rows(run)
    assert len(decoded) == len(expected)
    for got, (step, want) in zip(decoded, expected, strict=True):
        comment = got.pop("frame.comment")
        assert comment.startswith(f"step {step}:")
        assert got.pop("_ws.malformed") == "", comment
        good = "1" if want["frame.interface_id"] == "0" else ""  # checksums: IPv4, SCTP
        assert (got.pop("ip.checksum.status"), got.pop("sctp.checksum.status")) == (
            good, good), comment
        assert got == want, comment


def test_wireshark_reads_the_ncc_of_x2_then_s1(tmp_path: Path) -> None:
    """``hoverify run --pcap`` of x2,s1 as Wireshark decodes it: X2AP HandoverRequest with
    the initial KeNB's NCC 0 (horizontal, TS 33.401 7.2.8.4.2), the Path Switch Request
    Acknowledge with NCC 2 (NH(1) of set-up is kept, 7.2.8.1.1; the MME increments first),
    the S1AP HandoverRequest with NCC 3 (7.2.8.4.3)."""
    if shutil.which("tshark") is None:
        pytest.skip("tshark not installed (apt-get install tshark): Wireshark's decoding of "
                    "the capture is not checked")
    path = tmp_path / "x2-s1.pcapng"
    assert main(["run", "--variant", "ts33401", "--hops", "x2,s1", "--pcap", str(path)]) == 0
    fields = ("x2ap.procedureCode", "x2ap.nextHopChainingCount", "s1ap.procedureCode",
              "s1ap.nextHopChainingCount")
    result = subprocess.run(["tshark", "-r", str(path), *TSHARK_OPTIONS, "-Y",
                             "x2ap.nextHopChainingCount || s1ap.nextHopChainingCount",
                             "-T", "fields", "-E", "separator=/t",
                             *(arg for name in fields for arg in ("-e", name))],
                            capture_output=True, text=True, check=True, timeout=60)
    # procedure codes: X2AP handoverPreparation 0 (TS 36.423 9.3.7); S1AP PathSwitchRequest
    # 3, HandoverResourceAllocation 1 (TS 36.413 9.3.7)
    assert [line.split("\t") for line in result.stdout.splitlines()] == [
        ["0", "0", "", ""], ["", "", "3", "2"], ["", "", "1", "3"]]


def test_cli_writes_the_capture(tmp_path: Path) -> None:
    path = tmp_path / "run.pcap"
    assert main(["run", "--variant", "ts33401", "--hops", "x2,s1", "--pcap", str(path)]) == 0
    assert path.read_bytes()[:4] == b"\x0a\x0d\x0d\x0a"  # pcapng section header block
    assert [p.name for p in tmp_path.iterdir()] == ["run.pcap"]  # no temporary file left


@pytest.mark.parametrize("where, error", [("missing/run.pcap", "does not exist"),
                                          (".", "is a directory")])
def test_cli_refuses_a_bad_capture_path(where: str, error: str, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / where
    assert main(["run", "--variant", "ts33401", "--hops", "x2", "--pcap", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and error in captured.err


@pytest.mark.parametrize("name", [n for n in SCENARIOS if n.startswith("seed-fs")])
def test_kenb_new_takes_the_c_rnti_the_ho_command_carries(name: str) -> None:
    """Seed section 2 step 5: "KeNB_new = KDF(KeNB* || C-RNTI)"; section 3 step 5 the same
    with KeNB*+, the target eNB using it as it would KeNB* ("look the same and are used
    identically"); steps 6-7: the bit is added after, for the UE; section 3: "The
    notification bit can be included in the algorithm identifiers or in the C-RNTI". So
    newUE-Identity carries the C-RNTI the target eNB put in the KDF, whole, and with the
    c-rnti placement the bit in its most significant bit (docs/wire.md): set on S1 hops,
    where the MME derives KeNB*+ (step 4)."""
    run = scenario(name)
    commands = [m for m in asn1.wire_trace(run) if isinstance(m.record, HandoverCommand)]
    assert len(commands) == len(run.hops)
    placement = run.variant.parameters["bit_placement"]
    for hop, command in zip(run.hops, commands, strict=True):
        assert not [n for n in command.notes if "does not fit" in n], hop.number
        identity = asn1.decode(command.protocol, command.pdu).new_ue_identity
        bit = hop.spec.type in (HopType.S1, HopType.S1_INTER)
        if placement == "c-rnti":
            assert identity >> 15 == bit, hop.number
            identity &= 0x7FFF
        used = {i.value for s in run.system.steps[hop.first_step:]
                for d in s.outcome.derivations if d.output in (hop.kenb_ue, hop.kenb_enb)
                for i in d.inputs if i.name == "C-RNTI"}
        assert used == {identity.to_bytes(2, "big")}, hop.number
