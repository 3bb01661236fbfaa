"""A capture of a run that Wireshark decodes: its security-relevant messages, in order.

Scheme: one pcapng file (pcapng, not classic pcap: a classic pcap has one link type, and the
order of S1/X2 and Uu messages should stay in one file) with three interfaces:

  0  LINKTYPE_ETHERNET (1): S1AP and X2AP over Ethernet/IPv4/SCTP, one DATA chunk per packet:
     S1AP PPID 18 on port 36412 (TS 36.412 7), X2AP PPID 27 on port 36422 (TS 36.422 7),
     stream 1 (UE-associated signalling), TSN and stream sequence number counted per
     direction, checksum CRC32c (RFC 4960 6.8 and appendix B) written little-endian.
  1  LINKTYPE_USER0 (147): bare RRC DL-DCCH-Message PDUs (the HO command).
  2  LINKTYPE_USER1 (148): bare RRC UL-DCCH-Message PDUs (the HO confirm).

Wireshark must be told what the user link types carry: ``TSHARK_OPTIONS`` for tshark, or in
Wireshark Preferences > Protocols > DLT_USER the same two entries. Each packet has a comment
(pcapng opt_comment, the field ``frame.comment``): the step of the trace, the message, and the
placeholders of ``hoverify.reports.asn1``. Timestamps are fixed (``EPOCH`` plus 1 ms per step),
so the
same run gives the same bytes.

Addresses come from TEST-NET-1, 192.0.2.0/24 (RFC 5737): MMEs from .1, eNBs from .101; MAC
addresses are locally administered (02:00:00:00:00:<last octet>). They are only bytes in a
file: nothing is sent anywhere.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Sequence

from hoverify.reports.asn1 import Protocol, WireMessage, wire_trace
from hoverify.statemachines.scenario import Run
from hoverify.statemachines.topology import Topology

LINKTYPE_ETHERNET = 1
LINKTYPE_USER0 = 147
LINKTYPE_USER1 = 148
INTERFACES = ((LINKTYPE_ETHERNET, "S1/X2: Ethernet, IPv4, SCTP"),
              (LINKTYPE_USER0, "Uu: RRC DL-DCCH (DLT_USER0, lte-rrc.dl.dcch)"),
              (LINKTYPE_USER1, "Uu: RRC UL-DCCH (DLT_USER1, lte-rrc.ul.dcch)"))
INTERFACE_OF = {Protocol.S1AP: 0, Protocol.X2AP: 0, Protocol.RRC_DL_DCCH: 1,
                Protocol.RRC_UL_DCCH: 2}
TSHARK_OPTIONS = (
    "-o", 'uat:user_dlts:"User 0 (DLT=147)","lte-rrc.dl.dcch","0","","0",""',
    "-o", 'uat:user_dlts:"User 1 (DLT=148)","lte-rrc.ul.dcch","0","","0",""',
    "-o", "sctp.checksum:CRC-32C", "-o", "ip.check_checksum:TRUE",
)
SCTP = {Protocol.S1AP: (36412, 18), Protocol.X2AP: (36422, 27)}  # (port, PPID)
SCTP_STREAM = 1
EPOCH_US = 1_700_000_000 * 1_000_000  # 2023-11-14T22:13:20Z
STEP_US = 1_000
NETWORK = bytes((192, 0, 2))  # RFC 5737 TEST-NET-1
FIRST_MME, FIRST_ENB = 1, 101


# -- CRC32c (Castagnoli), RFC 4960 appendix B ---------------------------------------------------
def _crc32c_table() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1  # reflected 0x1EDC6F41
        table.append(crc)
    return tuple(table)


CRC32C_TABLE = _crc32c_table()


def crc32c(data: bytes) -> int:
    crc = 0xFFFFFFFF
    for byte in data:
        crc = CRC32C_TABLE[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


# -- Ethernet / IPv4 / SCTP -----------------------------------------------------------------------
def addresses(topology: Topology) -> dict[str, bytes]:
    """An IPv4 address per MME and eNB (RFC 5737 documentation range)."""
    if len(topology.enbs) > 255 - FIRST_ENB or len(topology.mmes) > FIRST_ENB - FIRST_MME:
        raise ValueError("too many MMEs or eNBs for one /24 of addresses")
    table = {mme: NETWORK + bytes((FIRST_MME + i,)) for i, mme in enumerate(topology.mmes)}
    return table | {enb: NETWORK + bytes((FIRST_ENB + i,)) for i, enb in enumerate(topology.enbs)}


def _ip_checksum(header: bytes) -> int:
    total = sum(struct.unpack(f"!{len(header) // 2}H", header))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def sctp_packet(source_port: int, destination_port: int, tag: int, tsn: int, stream_seq: int,
                ppid: int, payload: bytes) -> bytes:
    """SCTP common header and one DATA chunk, B and E set (RFC 4960 3.1, 3.3.1)."""
    chunk = struct.pack("!BBHIHHI", 0, 0x03, 16 + len(payload), tsn, SCTP_STREAM, stream_seq,
                        ppid) + payload
    chunk += bytes(-len(chunk) % 4)  # padding, not counted in the chunk length
    packet = bytearray(struct.pack("!HHII", source_port, destination_port, tag, 0) + chunk)
    packet[8:12] = struct.pack("<I", crc32c(bytes(packet)))  # RFC 4960 6.8
    return bytes(packet)


def ipv4_packet(source: bytes, destination: bytes, identification: int, payload: bytes) -> bytes:
    header = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload),
                                   identification & 0xFFFF, 0x4000, 64, 132, 0, source,
                                   destination))  # DF, TTL 64, protocol 132 = SCTP
    header[10:12] = struct.pack("!H", _ip_checksum(bytes(header)))
    return bytes(header) + payload


def ethernet_frame(source: bytes, destination: bytes, payload: bytes) -> bytes:
    def mac(address: bytes) -> bytes:
        return bytes((0x02, 0, 0, 0, 0, address[-1]))

    return mac(destination) + mac(source) + b"\x08\x00" + payload


class _Associations:
    """SCTP state per direction: TSN and stream sequence number; a verification tag per pair."""

    def __init__(self) -> None:
        self.sent: dict[tuple[bytes, bytes, Protocol], int] = {}

    def packet(self, source: bytes, destination: bytes, protocol: Protocol,
               payload: bytes) -> bytes:
        count = self.sent.get((source, destination, protocol), 0)
        self.sent[(source, destination, protocol)] = count + 1
        port, ppid = SCTP[protocol]
        tag = int.from_bytes(destination[-1:] + source[-1:] + bytes((ppid, 1)), "big")
        return sctp_packet(port, port, tag, 1 + count, count & 0xFFFF, ppid, payload)


# -- pcapng (draft-ietf-opsawg-pcapng) -----------------------------------------------------------
def _option(code: int, value: bytes) -> bytes:
    return struct.pack("<HH", code, len(value)) + value + bytes(-len(value) % 4)


def _options(options: Iterable[tuple[int, bytes]]) -> bytes:
    body = b"".join(_option(code, value) for code, value in options)
    return body + struct.pack("<HH", 0, 0) if body else b""


def _block(block_type: int, body: bytes) -> bytes:
    body += bytes(-len(body) % 4)
    length = 12 + len(body)
    return struct.pack("<II", block_type, length) + body + struct.pack("<I", length)


def section_header() -> bytes:
    return _block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)
                  + _options([(4, b"hoverify")]))  # shb_userappl


def interface_description(linktype: int, name: str) -> bytes:
    return _block(1, struct.pack("<HHI", linktype, 0, 0) + _options([(2, name.encode())]))


def enhanced_packet(interface: int, timestamp_us: int, data: bytes, comment: str) -> bytes:
    header = struct.pack("<IIIII", interface, timestamp_us >> 32, timestamp_us & 0xFFFFFFFF,
                         len(data), len(data))
    return _block(6, header + data + bytes(-len(data) % 4) + _options([(1, comment.encode())]))


def comment(message: WireMessage) -> str:
    notes = "".join(f"; {note}" for note in message.notes)
    return f"step {message.step}: {message.title} {message.sender}->{message.receiver}{notes}"


def capture(messages: Sequence[WireMessage], address_of: dict[str, bytes]) -> bytes:
    """The pcapng file of ``messages``: Ethernet/IPv4/SCTP for S1AP and X2AP, bare RRC on
    the user link types."""
    blocks = [section_header(), *(interface_description(t, n) for t, n in INTERFACES)]
    associations = _Associations()
    for number, message in enumerate(messages):
        data = message.pdu
        if message.protocol in SCTP:
            source, destination = address_of[message.sender], address_of[message.receiver]
            sctp = associations.packet(source, destination, message.protocol, data)
            data = ethernet_frame(source, destination,
                                  ipv4_packet(source, destination, number, sctp))
        blocks.append(enhanced_packet(INTERFACE_OF[message.protocol],
                                      EPOCH_US + STEP_US * message.step, data,
                                      comment(message)))
    return b"".join(blocks)


def capture_of(run: Run) -> tuple[bytes, int]:
    """The pcapng capture of ``run`` and its number of packets."""
    messages = wire_trace(run)
    return capture(messages, addresses(run.topology)), len(messages)
