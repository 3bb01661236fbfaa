"""NH derived from the previous KeNB/NH alone instead of from KASME: whoever holds a KeNB
follows the chain, so forward security on S1 is lost."""

from dataclasses import dataclass

from hoverify.statemachines.derivation import secret
from hoverify.statemachines.variants.ts33401 import Ts33401


@dataclass(frozen=True)
class NhFromKenb(Ts33401):
    name: str = "broken-nh-from-kenb"

    def nh(self, d, kasme, sync_input, sync_name):  # type: ignore[no-untyped-def]
        return d.kdf("NH", "broken: KDF(SYNC-input) without KASME",
                     secret(sync_name, sync_input), 0x12)


VARIANT = NhFromKenb()
