"""review46: a KeNB* that no derivation made (32 zero octets), returned by the file's
kenb_star, which the built-in source_enb calls: the finding names kenb_star and its line,
not source_enb at ts33401.py."""

from dataclasses import dataclass

from hoverify.statemachines.variants.ts33401 import Ts33401


@dataclass(frozen=True)
class KenbStarConstant(Ts33401):
    name: str = "kenb-star-constant"

    def kenb_star(self, d, key, key_name, target):  # type: ignore[no-untyped-def]
        return bytes(32)


VARIANT = KenbStarConstant()
