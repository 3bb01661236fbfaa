"""review35's weak proposal (tests/data/review35/weak_mode.py) with its "derivation mode" an
integer: the source eNB asks the target MME in S1AP HandoverRequired for KeNB*+ with mode 1;
mode 0 means legacy KeNB*, which the MME trusts."""

from dataclasses import dataclass

from hoverify.statemachines.variant import field_value
from hoverify.statemachines.variants.seed_fs import THROUGH_MME, SeedFs

MODE = "derivation mode"


@dataclass(frozen=True)
class ModeInteger(SeedFs):
    name: str = "mode-integer"
    field_names = (MODE,)
    sent = 1  # the mode its source eNB asks for: KeNB*+

    def source_enb(self, d, keys, target, hop):  # type: ignore[no-untyped-def]
        keys, fields = super().source_enb(d, keys, target, hop)
        return keys, (*fields, (MODE, self.sent)) if hop in THROUGH_MME else fields

    def target_mme(self, d, mme, hop, fields):  # type: ignore[no-untyped-def]
        if field_value(fields, MODE, 0) == 0:
            return (("KeNB*", field_value(fields, "KeNB*")),), (("notification bit", 0),)
        return super().target_mme(d, mme, hop, fields)


VARIANT = ModeInteger()
