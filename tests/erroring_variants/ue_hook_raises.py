"""A reviewer's variant whose ``ue`` hook always raises (a bug in the variant, not a refusal):
every command must report the finding variant-error naming the hook, and exit 1."""

from dataclasses import dataclass

from hoverify.statemachines.variants.ts33401 import Ts33401


@dataclass(frozen=True)
class UeHookRaises(Ts33401):
    name: str = "ue-hook-raises"

    def ue(self, d, ue, command, source, target, c_rnti):  # type: ignore[no-untyped-def]
        raise ZeroDivisionError("the reviewer's arithmetic")


VARIANT = UeHookRaises()
