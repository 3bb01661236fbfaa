"""RRC keys a public constant (all-zero 128 bits), returned raw, not through the Deriver
(review21 #1, /tmp/review21/v/rrc_const_raw.py): no derivation records them, so the key
graph had no node for them and every claim held. Must be the finding variant-error, naming
as_keys() and KRRCint (statemachines/key_origin.py)."""

from dataclasses import dataclass

from hoverify.statemachines import crypto
from hoverify.statemachines.variant import AsKeys
from hoverify.statemachines.variants.ts33401 import Ts33401


@dataclass(frozen=True)
class RrcKeysConstant(Ts33401):
    name: str = "erroring-rrc-keys-constant"

    def as_keys(self, d, kenb, ncc):  # type: ignore[no-untyped-def]
        return AsKeys(kenb, ncc, bytes(16), bytes(16),
                      d.algorithm_key("KUPenc", kenb, "KeNB", crypto.UP_ENC, crypto.EEA2))


VARIANT = RrcKeysConstant()
