"""The source eNB hands its own KeNB to the target over X2 (and the UE keeps it) instead of a
fresh KeNB*: the same key serves two eNBs and the target holds the earlier key."""

from dataclasses import dataclass

from hoverify.statemachines.variants.ts33401 import NOT_THROUGH_MME, Ts33401


@dataclass(frozen=True)
class SourceSendsKenb(Ts33401):
    name: str = "broken-source-sends-kenb"

    def source_enb(self, d, keys, target, hop):  # type: ignore[no-untyped-def]
        if hop in NOT_THROUGH_MME:
            return keys, (("KeNB*", keys.as_keys.kenb), ("NCC", keys.as_keys.ncc))
        return super().source_enb(d, keys, target, hop)

    def ue(self, d, ue, command, source, target, c_rnti):  # type: ignore[no-untyped-def]
        if ue.as_keys.ncc == dict(command).get("NCC"):  # no NH: the KeNB stays as it is
            return ue.as_keys.kenb, ue.as_keys.ncc, ue.chain
        return super().ue(d, ue, command, source, target, c_rnti)


VARIANT = SourceSendsKenb()
