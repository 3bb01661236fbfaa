# Flawed proposal: S1 KeNB* from the source eNB (as X2), no fresh NH; promises 2-hop FS everywhere.
"""Proposal (flawed): S1 handover derives KeNB* like X2 (TS 33.401 7.2.8.4.2): the source
eNB derives KeNB* from an unused {NH, NCC} if it holds one, else horizontally from its own
KeNB, and sends {KeNB*, NCC} in S1AP HandoverRequired; the MME(s) relay it unchanged to the
target eNB, without computing a fresh NH (unlike TS 33.401 7.2.8.4.3). The author claims the
2-hop forward security of X2 for every hop type ("the Path Switch refresh does it")."""

from dataclasses import dataclass

from hoverify.statemachines.topology import HopType
from hoverify.statemachines.variant import (
    PATH_SWITCH_FIRST,
    Promise,
    authentication_promises,
    field_value,
)
from hoverify.statemachines.variants.ts33401 import Ts33401


@dataclass(frozen=True)
class S1LikeX2(Ts33401):
    name: str = "d38-s1-like-x2"
    title: str = "TS 33.401 but S1 derives KeNB* at the source eNB, as X2 does"

    def promises(self):
        return (
            Promise("key-agreement"),
            Promise("key-secrecy", why="every key rests on KASME"),
            Promise("backward-security", why="KeNB* is a one-way function of KeNB or NH"),
            Promise("forward-security", frozenset(HopType), hops=2,
                    why="as TS 33.401 7.2.8.4.2: the NH of the Path Switch Ack is used one "
                        "handover later",
                    assumes=frozenset({PATH_SWITCH_FIRST})),
            Promise("key-separation"),
            *authentication_promises("as TS 33.401: HO confirm under the target's KRRCint; "
                                     "backhaul under NDS/IP"),
        )

    def source_enb(self, d, keys, target, hop):
        # the X2 rule of TS 33.401 7.2.8.4.2 for every hop type
        return super().source_enb(d, keys, target, HopType.X2)

    def source_mme(self, d, mme, hop, fields):
        return mme, fields  # relays {KeNB*, NCC}: no fresh NH on S1

    def target_enb(self, d, fields, target, c_rnti, hop):
        ncc = field_value(fields, "NCC")
        return (field_value(fields, "KeNB*"), ncc,
                (("NCC", ncc), ("keyChangeIndicator", False)))


VARIANT = S1LikeX2()
