"""A target eNB whose check of the HO confirm proves nothing: KRRCint and KRRCenc derived from a
public constant instead of from KeNB (TS 33.401 A.7 derives them from KeNB), so MAC-I verifies
whatever KeNB the UE holds; and a UE that derives KeNB* horizontally on every hop, ignoring
the NCC of the HO command (TS 33.401 7.2.8.4.3 makes it derive vertically from NH when the
NCC differs). On an S1 hop the UE lands on a KeNB no target derived and the target accepts
its HO confirm anyway: agreement and ue-agreement must fail (key-agreement too). A stale HO
confirm replayed over the air verifies as well, so under the replay fault aliveness and
injective-agreement fail (the target completes a handover the UE never ran since)."""

from dataclasses import dataclass

from hoverify.statemachines import crypto
from hoverify.statemachines.derivation import public
from hoverify.statemachines.variant import AsKeys, field_value
from hoverify.statemachines.variants.ts33401 import Ts33401

FC_CONSTANT = 0xF4


@dataclass(frozen=True)
class RrcKeysWithoutKenb(Ts33401):
    name: str = "broken-rrc-keys-without-kenb"

    def as_keys(self, d, kenb, ncc):  # type: ignore[no-untyped-def]
        constant = d.kdf("K_RRC", "broken: a public constant", public("constant", bytes(32)),
                         FC_CONSTANT)
        return AsKeys(
            kenb, ncc,
            d.algorithm_key("KRRCint", constant, "K_RRC", crypto.RRC_INT, crypto.EIA2),
            d.algorithm_key("KRRCenc", constant, "K_RRC", crypto.RRC_ENC, crypto.EEA2),
            d.algorithm_key("KUPenc", kenb, "KeNB", crypto.UP_ENC, crypto.EEA2))

    def ue(self, d, ue, command, source, target, c_rnti):  # type: ignore[no-untyped-def]
        ncc = field_value(command, "NCC")
        return self.kenb_star(d, ue.as_keys.kenb, "KeNB", target), ncc, ue.chain


VARIANT = RrcKeysWithoutKenb()
