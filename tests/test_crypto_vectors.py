"""Known-answer tests of ``hoverify.statemachines.crypto`` over
``tests/data/lte-security-vectors.json``.

One test function per primitive, parametrized over every vector of the kinds it covers; which
kinds are run and which are not (and why) is listed in ``tests/data/SOURCES.md``.
"""

import pytest
from hoverify.statemachines import crypto
from vectors import kinds, load, vector_id

# Kinds that carry key, fc, params and s: all run through the generic kdf().
KDF_KINDS = (
    "kdf-kasme",
    "kdf-kenb",
    "kdf-nh",
    "kdf-kenb-star",
    "kdf-alg-key",
    "kdf-5g-alg-key",
    "kdf-generic",
    "kdf-interworking",
    "kdf-s-kenb",
    "kdf-kgnb",
    "kdf-ck-ik-handover",
    "kdf-ck-ik-srvcc",
    "kdf-ck-ik-idle",
    "kdf-kasme-prime-handover",
    "kdf-kasme-prime-idle",
    "kdf-nas-token",
)
COVERED_KINDS = (*KDF_KINDS, "eea2", "eia2")
# Not hoverify's API; see tests/data/SOURCES.md.
SKIPPED_KINDS = ("hmac-sha256", "hash-mme")


def h(hex_string: str) -> bytes:
    return bytes.fromhex(hex_string)


def vectors(*wanted: str) -> pytest.MarkDecorator:
    return pytest.mark.parametrize("vector", load(*wanted), ids=vector_id)


@pytest.mark.parametrize("kind", COVERED_KINDS)
def test_every_covered_kind_has_vectors(kind: str) -> None:
    assert load(kind), f"no vector of kind {kind!r}: renamed in the data file?"


def test_every_kind_is_covered_or_skipped_on_purpose() -> None:
    assert kinds() == {*COVERED_KINDS, *SKIPPED_KINDS}


@vectors(*KDF_KINDS)
def test_kdf(vector: dict) -> None:
    inputs = vector["inputs"]
    fc = int(inputs["fc"], 16)
    params = [h(p["value"]) for p in inputs["params"]]
    assert [len(p) for p in params] == [p["len"] for p in inputs["params"]]
    assert crypto.kdf_input(fc, *params) == h(inputs["s"])
    output = crypto.kdf(h(inputs["key"]), fc, *params)
    assert output == h(vector["expected"])
    if "expected_key128" in vector:
        assert output[16:] == h(vector["expected_key128"])


@vectors("kdf-kasme")
def test_derive_kasme(vector: dict) -> None:
    inputs = vector["inputs"]
    kasme = crypto.derive_kasme(h(inputs["ck"]), h(inputs["ik"]), h(inputs["sn_id"]),
                                h(inputs["sqn_xor_ak"]))
    assert kasme == h(vector["expected"])


@vectors("kdf-kenb")
def test_derive_kenb(vector: dict) -> None:
    inputs = vector["inputs"]
    kenb = crypto.derive_kenb(h(inputs["key"]), inputs["ul_nas_count"])
    assert kenb == h(vector["expected"])


@vectors("kdf-nh")
def test_derive_nh(vector: dict) -> None:
    inputs = vector["inputs"]
    (sync_input,) = inputs["params"]
    nh = crypto.derive_nh(h(inputs["key"]), h(sync_input["value"]))
    assert nh == h(vector["expected"])


@vectors("kdf-kenb-star")
def test_derive_kenb_star(vector: dict) -> None:
    inputs = vector["inputs"]
    kenb_star = crypto.derive_kenb_star(h(inputs["key"]), inputs["pci"], inputs["earfcn_dl"])
    assert kenb_star == h(vector["expected"])


@vectors("kdf-alg-key")
def test_derive_algorithm_key(vector: dict) -> None:
    inputs = vector["inputs"]
    key = crypto.derive_algorithm_key(h(inputs["key"]), inputs["distinguisher"],
                                      inputs["alg_id"])
    assert key == h(vector["expected_key128"])


@vectors("eea2")
def test_eea2(vector: dict) -> None:
    inputs = vector["inputs"]
    args = (h(inputs["key"]), inputs["count"], inputs["bearer"], inputs["direction"])
    ciphertext = crypto.eea2(*args, h(inputs["plaintext"]), inputs["length_bits"])
    assert ciphertext == h(vector["expected"])
    assert crypto.eea2(*args, ciphertext, inputs["length_bits"]) == h(inputs["plaintext"])


@vectors("eia2")
def test_eia2(vector: dict) -> None:
    inputs = vector["inputs"]
    mac_i = crypto.eia2(h(inputs["key"]), inputs["count"], inputs["bearer"],
                        inputs["direction"], h(inputs["message"]), inputs["length_bits"])
    assert mac_i == h(vector["expected"])
