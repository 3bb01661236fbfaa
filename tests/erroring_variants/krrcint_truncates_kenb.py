"""KRRCint the 128 least significant bits of KeNB itself, no TS 33.401 A.7 derivation
(review21 #1, /tmp/review21/v/krrcint_is_kenb.py): a truncation is not a KDF and the
Deriver records none, so `check` said every claim held, key-separation included. Must be
the finding variant-error, naming as_keys() and KRRCint (statemachines/key_origin.py)."""

from dataclasses import dataclass

from hoverify.statemachines import crypto
from hoverify.statemachines.variant import AsKeys
from hoverify.statemachines.variants.ts33401 import Ts33401


@dataclass(frozen=True)
class KrrcintTruncatesKenb(Ts33401):
    name: str = "erroring-krrcint-truncates-kenb"

    def as_keys(self, d, kenb, ncc):  # type: ignore[no-untyped-def]
        return AsKeys(kenb, ncc, kenb[16:],
                      d.algorithm_key("KRRCenc", kenb, "KeNB", crypto.RRC_ENC, crypto.EEA2),
                      d.algorithm_key("KUPenc", kenb, "KeNB", crypto.UP_ENC, crypto.EEA2))


VARIANT = KrrcintTruncatesKenb()
