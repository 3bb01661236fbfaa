"""From the reviewer's round 8 (/tmp/review8/v/seed_mme_no_plus.py), imports sorted: seed-fs's
promises, but the target MME passes KeNB* through unchanged and the UE ignores the bit: the
TR's flow with the seed's promises. A former source eNB derives the next KeNB: forward
security's failure, not backward security's (tests/test_engine.py). It derives no K_HO, so it
delegates none (added: the loader refuses a delegated key that no derivation carries)."""
from dataclasses import dataclass

from hoverify.statemachines.variants.seed_fs import SeedFs
from hoverify.statemachines.variants.tr33821_v070 import Tr33821V070


@dataclass(frozen=True)
class NoPlus(SeedFs):
    name: str = "r8-no-plus"
    def target_mme(self, d, mme, hop, fields):  # type: ignore[no-untyped-def]
        return fields, (("notification bit", 1),)
    def ue(self, d, ue, command, source, target, c_rnti):  # type: ignore[no-untyped-def]
        return Tr33821V070.ue(self, d, ue, command, source, target, c_rnti)
    def delegated_keys(self):  # type: ignore[no-untyped-def]
        return ()

VARIANT = NoPlus()
