"""Every protected message of a run, recomputed from the spec text: which key, COUNT, BEARER
and DIRECTION protect it, with 128-EEA2 and 128-EIA2 written out again from TS 33.401
Annex B on the ``cryptography`` library's AES, CTR and CMAC.

The model's own round trip (protect, then unprotect) cannot tell a wrong parameter: sender and
receiver share the function, so a swapped DIRECTION or a cipher keyed with KRRCint still
agree. Only the spec can (helper-155 swapped both, and the suite passed).

The KeNB each message is under is the UE's of the hop before (``run.hops``; its derivation is
checked against the spec in tests/test_model.py); the keys from it are derived here (A.7).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.cmac import CMAC
from hoverify.statemachines.messages import NAS_PDU, Fields, Kind
from hoverify.statemachines.protection import decode, encode
from hoverify.statemachines.scenario import Run, parse_hops, run_scenario
from hoverify.statemachines.variant import field_value
from hoverify.statemachines.variants import load
from spec_kdf import NAS_INT_ALG, RRC_ENC_ALG, RRC_INT_ALG, algorithm_key, kdf
from vectors import load as load_vectors
from vectors import vector_id

# -- TS 33.401 Annex B, written out again ----------------------------------------------------


def eea2(key: bytes, count: int, bearer: int, direction: int, data: bytes) -> bytes:
    """B.1.3: "T1 = COUNT[0] .. COUNT[31] │ BEARER[0] .. BEARER[4] │ DIRECTION │ 0^26 │ 0^64",
    "Oi = AES_K(Ti)" for the keystream, XORed onto the data. (B.1.3 increments only the 64
    least significant bits of the counter block; a message here is far too short to carry
    into the upper 64.)"""
    t1 = (count << 96 | bearer << 91 | direction << 90).to_bytes(16, "big")
    return Cipher(algorithms.AES(key), modes.CTR(t1)).encryptor().update(data)


def eia2(key: bytes, count: int, bearer: int, direction: int, message: bytes) -> bytes:
    """B.2.3: "M0 .. M31 = COUNT[0] .. COUNT[31]", "M32 .. M36 = BEARER[0] .. BEARER[4]",
    "M37 = DIRECTION", "M38 .. M63 = 0^26", "M64 .. MBLENGTH-1 = MESSAGE"; "T = CMAC(KEY, M,
    BLENGTH)", "MACT = T[0] .. T[31]" (whole octets here: the model's messages are)."""
    m = (count << 32 | bearer << 27 | direction << 26).to_bytes(8, "big") + message
    cmac = CMAC(algorithms.AES(key))
    cmac.update(m)
    return cmac.finalize()[:4]


@pytest.mark.parametrize("vector", [v for v in load_vectors("eea2", "eia2")
                                    if v["inputs"]["length_bits"] % 8 == 0], ids=vector_id)
def test_the_written_out_algorithms_meet_the_byte_aligned_vectors(vector: dict) -> None:
    inputs = vector["inputs"]
    args = (bytes.fromhex(inputs["key"]), inputs["count"], inputs["bearer"],
            inputs["direction"])
    if vector["kind"] == "eea2":
        assert eea2(*args, bytes.fromhex(inputs["plaintext"])).hex() == vector["expected"]
    else:
        assert eia2(*args, bytes.fromhex(inputs["message"])).hex() == vector["expected"]


# -- The parameters, from the spec text ----------------------------------------------------------
# TS 33.401 B.1.1, B.2.1: DIRECTION is 0 for uplink, 1 for downlink; for RRC, BEARER is the
# radio bearer identity minus one and COUNT the PDCP COUNT (TS 36.323 5.6, 5.7; spec notes,
# section 3). Every RRC message of the model goes on SRB1 (TS 36.331 4.2.2), srb-Identity 1.
UPLINK, DOWNLINK = 0, 1
SRB1_BEARER = 1 - 1
# NAS (TS 24.301 4.4.3.3, TS 33.401 8.1.1): BEARER 0, COUNT the NAS COUNT (spec notes,
# section 3); the NAS part of the seed's HO command comes from the MME: downlink.
NAS_BEARER = 0


class Protection(NamedTuple):
    """How the spec protects one kind of RRC message on SRB1."""

    direction: int
    ciphered: bool


# TS 36.331 5.3.4.3: the UE verifies the SecurityModeCommand with KRRCint, then applies
# integrity protection "to all subsequent messages received and sent by the UE, including the
# SecurityModeComplete message", and ciphering "to all subsequent messages received and sent
# by the UE, except for the SecurityModeComplete message which is sent unciphered".
RRC = {
    Kind.RRC_SECURITY_MODE_COMMAND: Protection(DOWNLINK, ciphered=False),
    Kind.RRC_SECURITY_MODE_COMPLETE: Protection(UPLINK, ciphered=False),
    Kind.RRC_MEASUREMENT_REPORT: Protection(UPLINK, ciphered=True),
    Kind.RRC_HANDOVER_COMMAND: Protection(DOWNLINK, ciphered=True),
    Kind.RRC_HANDOVER_CONFIRM: Protection(UPLINK, ciphered=True),
}


class Protected(NamedTuple):
    """One RRC message as the spec protects it: under which KeNB, with which inputs."""

    number: int  # the step
    kind: Kind
    kenb: bytes
    count: int
    pdu: bytes
    read: Fields  # what the receiver read from it


def rrc_messages(run: Run) -> Iterator[Protected]:
    """Every RRC message of ``run``, with the KeNB the spec has protect it: a HO confirm is
    under the KeNB its hop ends on (TS 33.401 7.2.8.4.3: the UE confirms with the new keys),
    every other message under the KeNB the UE holds when it is sent: the initial one (A.3)
    until the first HO confirm, then that of the hop last confirmed. HO confirm of hop n
    comes before any RRC message of hop n + 1."""
    kenb = kdf(run.kasme, 0x11, run.ul_nas_count.to_bytes(4, "big"))  # A.3
    for step in run.system.steps:
        if step.message.kind not in RRC:
            continue
        assert step.outcome.accepted, step
        if step.message.kind is Kind.RRC_HANDOVER_CONFIRM:
            kenb = run.hops[step.hop - 1].kenb_ue
            assert kenb is not None
        yield Protected(step.number, step.message.kind, kenb, step.message.get("COUNT"),
                        step.message.get("PDU"), step.outcome.read)


CHAIN = "x2,s1,s1-inter,intra-enb,x2:early,s1,intra-enb"
RUNS = [("ts33401", None), ("tr33821-v070", None), ("seed-fs", "nas"), ("seed-fs", "alg-id"),
        ("seed-fs", "c-rnti")]


@pytest.fixture(scope="module", params=RUNS, ids=lambda v: "-".join(filter(None, v)))
def run(request: pytest.FixtureRequest) -> Run:
    variant, placement = request.param
    return run_scenario(load(variant, placement), parse_hops(CHAIN))


def test_every_rrc_message_is_protected_as_the_spec_says(run: Run) -> None:
    """Decipher with KRRCenc, check MAC-I with KRRCint, each with the spec's COUNT, BEARER
    and DIRECTION (TS 36.323 5.6, 5.7: MAC-I over the PDU's data, then data and MAC-I
    ciphered); what is left is what the receiver read."""
    messages = list(rrc_messages(run))
    assert {m.kind for m in messages} == set(RRC)
    for m in messages:
        direction, ciphered = RRC[m.kind]
        krrc_enc, krrc_int = (algorithm_key(m.kenb, RRC_ENC_ALG),
                              algorithm_key(m.kenb, RRC_INT_ALG))
        data = eea2(krrc_enc, m.count, SRB1_BEARER, direction, m.pdu) if ciphered else m.pdu
        plaintext, mac_i = data[:-4], data[-4:]
        where = f"step {m.number}, {m.kind.title}"
        assert eia2(krrc_int, m.count, SRB1_BEARER, direction, plaintext) == mac_i, where
        assert decode(plaintext) == m.read, where


def test_no_key_count_bearer_and_direction_protect_two_messages(run: Run) -> None:
    """128-EEA2's keystream is fixed by KEY, COUNT, BEARER and DIRECTION (TS 33.401 B.1.3):
    two PDUs under the same four would share it, and their XOR would be the XOR of their
    plaintexts. The PDCP COUNT is what keeps them apart (TS 36.323 5.6): it counts up with
    each PDU, and restarts only with a new KeNB."""
    seen: dict[tuple[bytes, int, int], int] = {}
    for m in rrc_messages(run):
        inputs = (m.kenb, m.count, RRC[m.kind].direction)
        assert inputs not in seen, f"steps {seen[inputs]} and {m.number} share {inputs[1:]}"
        seen[inputs] = m.number


def test_the_nas_part_carries_the_spec_nas_mac() -> None:
    """The seed's NAS part of the HO command (its step 7) under NAS-MAC: 128-EIA2 keyed with
    KNASint (A.7 from KASME), COUNT the downlink NAS COUNT, BEARER 0, DIRECTION 1 (TS 33.401
    8.1.1; TS 24.301 4.4.3.3)."""
    run = run_scenario(load("seed-fs", "nas"), parse_hops(CHAIN))
    knas_int = algorithm_key(run.kasme, NAS_INT_ALG)
    parts = [field_value(m.read, NAS_PDU) for m in rrc_messages(run)
             if m.kind is Kind.RRC_HANDOVER_COMMAND]
    parts = [part for part in parts if part is not None]
    assert len(parts) == 3  # one per S1 hop of the chain: the seed's notification bit
    for fields, count, mac in parts:
        assert eia2(knas_int, count, NAS_BEARER, DOWNLINK, encode(fields)) == mac


def test_the_ue_confirms_with_the_c_rnti_the_command_gave_it(run: Run) -> None:
    """TS 36.331 5.3.5.4: on a HO command the UE applies "the value of the newUE-Identity as
    the C-RNTI", and its confirm goes out with it (TS 36.300 10.1.2.1.1, step 11: the
    RRCConnectionReconfigurationComplete "(C-RNTI)"). The target does not check it
    (docs/limits.md), so only this test sees a UE that confirms with its old one."""
    new_c_rnti = None
    confirms = 0
    for m in rrc_messages(run):
        if m.kind is Kind.RRC_HANDOVER_COMMAND:
            new_c_rnti = field_value(m.read, "new C-RNTI")
        elif m.kind is Kind.RRC_HANDOVER_CONFIRM:
            assert m.read == (("C-RNTI", new_c_rnti),), f"step {m.number}"
            confirms += 1
    assert confirms == len(run.hops)
