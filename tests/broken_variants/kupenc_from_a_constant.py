"""The user-plane key derived from a public constant instead of from KeNB (TS 33.401 A.7 derives
KUPenc, like KRRCint and KRRCenc, from KeNB with FC 0x15 and the UP-enc-alg distinguisher
0x05); the RRC keys are as the spec has them, so every MAC-I check passes and the UE and the
target agree on KeNB. The radio observer derives KUPenc from public values alone: key-secrecy
must fail (helper-159: a key-secrecy that left KUPenc out passed every test, since the one
broken variant with public AS keys, rrc_keys_without_kenb.py, kept KUPenc on KeNB)."""

from dataclasses import dataclass

from hoverify.statemachines import crypto
from hoverify.statemachines.derivation import public
from hoverify.statemachines.variant import AsKeys
from hoverify.statemachines.variants.ts33401 import Ts33401

FC_CONSTANT = 0xF4


@dataclass(frozen=True)
class KupencFromAConstant(Ts33401):
    name: str = "broken-kupenc-from-a-constant"

    def as_keys(self, d, kenb, ncc):  # type: ignore[no-untyped-def]
        keys = super().as_keys(d, kenb, ncc)
        constant = d.kdf("K_UP", "broken: a public constant", public("constant", bytes(32)),
                         FC_CONSTANT)
        return AsKeys(kenb, ncc, keys.krrc_int, keys.krrc_enc,
                      d.algorithm_key("KUPenc", constant, "K_UP", crypto.UP_ENC, crypto.EEA2))


VARIANT = KupencFromAConstant()
