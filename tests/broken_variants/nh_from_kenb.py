"""NH derived from the previous KeNB/NH alone instead of from KASME: whoever holds a KeNB
follows the chain, so forward security on S1 is lost."""

from dataclasses import dataclass

from statemachines.derivation import secret
from statemachines.variant import NhChain
from statemachines.variants.ts33401 import Ts33401


@dataclass(frozen=True)
class NhFromKenb(Ts33401):
    name: str = "broken-nh-from-kenb"

    def next_nh(self, d, kasme, chain):  # type: ignore[no-untyped-def]
        sync_name = "NH" if chain.derivations else "KeNB"
        nh = d.kdf("NH", "broken: KDF(SYNC-input) without KASME", secret(sync_name, chain.value),
                   0x12)
        return NhChain(nh, chain.derivations + 1)


VARIANT = NhFromKenb()
