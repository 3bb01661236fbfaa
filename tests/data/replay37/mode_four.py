"""A "fix" of tests/data/replay37/mode_integer.py that changes one thing, the mode its source
eNB asks for: 4 instead of 1 (a second version of KeNB*+). Its MME still trusts mode 0 as
legacy KeNB*: the attack's edit of the mode to 0 is still one bit flip away."""

from dataclasses import dataclass
from pathlib import Path

from hoverify.variant_file import load_variant_file

PROPOSAL = load_variant_file(str(Path(__file__).with_name("mode_integer.py")))


@dataclass(frozen=True)
class ModeFour(type(PROPOSAL)):  # type: ignore[misc]
    name: str = "mode-four"
    sent = 4


VARIANT = ModeFour()
