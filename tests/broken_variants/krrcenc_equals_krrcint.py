"""KRRCenc derived with the distinguisher of KRRCint (TS 33.401 A.7 gives RRC-enc-alg 0x03,
RRC-int-alg 0x04): the two derivations differ in purpose and give the same value, so the
integrity key encrypts too. Must break key-separation, with both derivations as witness."""

from dataclasses import dataclass

from hoverify.statemachines import crypto
from hoverify.statemachines.variant import AsKeys
from hoverify.statemachines.variants.ts33401 import Ts33401


@dataclass(frozen=True)
class KrrcencEqualsKrrcint(Ts33401):
    name: str = "broken-krrcenc-equals-krrcint"

    def as_keys(self, d, kenb, ncc):  # type: ignore[no-untyped-def]
        return AsKeys(
            kenb, ncc,
            d.algorithm_key("KRRCint", kenb, "KeNB", crypto.RRC_INT, crypto.EIA2),
            d.algorithm_key("KRRCenc", kenb, "KeNB", crypto.RRC_INT, crypto.EIA2),
            d.algorithm_key("KUPenc", kenb, "KeNB", crypto.UP_ENC, crypto.EEA2))


VARIANT = KrrcencEqualsKrrcint()
