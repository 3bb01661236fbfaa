"""A fix of tests/data/replay37/mode_integer.py that changes one thing: its MME refuses a
HandoverRequired asking for legacy KeNB* (mode 0) instead of trusting it, so the handover
stops there."""

from dataclasses import dataclass
from pathlib import Path

from hoverify.statemachines.entity import Reject
from hoverify.statemachines.variant import field_value

from hoverify.variant_file import load_variant_file

PROPOSAL = load_variant_file(str(Path(__file__).with_name("mode_integer.py")))


@dataclass(frozen=True)
class RefuseLegacy(type(PROPOSAL)):  # type: ignore[misc]
    name: str = "refuse-legacy"

    def target_mme(self, d, mme, hop, fields):  # type: ignore[no-untyped-def]
        if field_value(fields, "derivation mode", 0) == 0:
            raise Reject("derivation mode 0 (legacy KeNB*) refused")
        return super().target_mme(d, mme, hop, fields)


VARIANT = RefuseLegacy()
