"""My proposal (weak): the source eNB tells the target MME in HandoverRequired whether to
use KeNB*+ ("derivation mode" 1), absent meaning legacy KeNB*. The MME trusts it."""

from dataclasses import dataclass

from hoverify.statemachines.variant import field_value
from hoverify.statemachines.variants.seed_fs import THROUGH_MME, SeedFs

MODE = "derivation mode"


@dataclass(frozen=True)
class WeakMode(SeedFs):
    name: str = "weak-mode"
    field_names = (MODE,)

    def source_enb(self, d, keys, target, hop):  # type: ignore[no-untyped-def]
        keys, fields = super().source_enb(d, keys, target, hop)
        return keys, (*fields, (MODE, True)) if hop in THROUGH_MME else fields

    def target_mme(self, d, mme, hop, fields):  # type: ignore[no-untyped-def]
        if not field_value(fields, MODE, False):
            return (("KeNB*", field_value(fields, "KeNB*")),), (("notification bit", 0),)
        return super().target_mme(d, mme, hop, fields)


VARIANT = WeakMode()
