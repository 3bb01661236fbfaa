"""The MME: AS security set-up, S1 handover (source and target roles), path switch.

TS 23.401 5.5.1.2 (S1 handover, with and without MME relocation), 5.5.1.1.2 (path switch),
TS 33.401 7.2.8 (keys). On S10 the MM context (KASME, NAS keys and COUNTs, {NH, NCC})
travels in GTPv2 Forward Relocation Request (TS 29.274 8.38).
"""

from __future__ import annotations

from hoverify.statemachines.derivation import Deriver
from hoverify.statemachines.entity import Entity, Handled, Reject
from hoverify.statemachines.messages import NAS_PDU, Fields, Kind, Message
from hoverify.statemachines.protection import nas_mac
from hoverify.statemachines.record import record, replace
from hoverify.statemachines.topology import HopType
from hoverify.statemachines.variant import MmeKeys, NhChain, field_value, returned_kenb


@record
class MmeHandover:
    hop: HopType
    role: str  # "source", "target" (s1-inter) or "both" (s1)
    source_enb: str
    target_enb: str
    target_cell: str
    peer_mme: str | None = None
    ue_fields: Fields = ()  # fields for the UE from the target MME


@record
class MmeContext:
    kasme: bytes | None = None
    knas_int: bytes | None = None
    ul_nas_count: int = 0
    nas_dl_count: int = 0  # next downlink NAS COUNT
    chain: NhChain | None = None
    serving_enb: str | None = None
    handover: MmeHandover | None = None

    @property
    def keys(self) -> MmeKeys:
        assert self.kasme is not None
        return MmeKeys(self.kasme, self.chain)


class Mme(Entity):
    STATES = ("no-context", "registered", "connected", "ho-preparing", "ho-executing",
              "ho-completing", "ho-releasing")
    TRANSITIONS = (
        (Kind.AS_SECURITY_TRIGGER, "", ("registered",), "connected"),
        (Kind.S1AP_HANDOVER_REQUIRED, "", ("connected",), "ho-preparing"),
        (Kind.GTP_FORWARD_RELOCATION_REQUEST, "", ("no-context",), "ho-preparing"),
        (Kind.S1AP_HANDOVER_REQUEST_ACKNOWLEDGE, "", ("ho-preparing",), "ho-executing"),
        (Kind.GTP_FORWARD_RELOCATION_RESPONSE, "accepted", ("ho-preparing",), "ho-executing"),
        (Kind.GTP_FORWARD_RELOCATION_RESPONSE, "rejected", ("ho-preparing",), "connected"),
        (Kind.S1AP_HANDOVER_FAILURE, "s1", ("ho-preparing",), "connected"),
        (Kind.S1AP_HANDOVER_FAILURE, "s1-inter", ("ho-preparing",), "no-context"),
        (Kind.S1AP_HANDOVER_NOTIFY, "s1", ("ho-executing",), "ho-releasing"),
        (Kind.S1AP_HANDOVER_NOTIFY, "s1-inter", ("ho-executing",), "ho-completing"),
        (Kind.GTP_FORWARD_RELOCATION_COMPLETE_NOTIFICATION, "", ("ho-executing",),
         "ho-releasing"),
        (Kind.GTP_FORWARD_RELOCATION_COMPLETE_ACKNOWLEDGE, "", ("ho-completing",),
         "connected"),
        (Kind.S1AP_UE_CONTEXT_RELEASE_COMPLETE, "s1", ("ho-releasing",), "connected"),
        (Kind.S1AP_UE_CONTEXT_RELEASE_COMPLETE, "s1-inter", ("ho-releasing",), "no-context"),
        (Kind.S1AP_PATH_SWITCH_REQUEST, "", ("connected",), None),
    )
    ctx: MmeContext

    def on_as_security_trigger(self, message: Message, d: Deriver) -> Handled:
        """TS 33.401 7.2.4.4 / A.3: KeNB from KASME; the variant's NH chain starts from it
        (kept here, not sent: TS 33.401 7.2.8.1.1)."""
        ctx = self.ctx
        kasme = ctx.keys.kasme
        kenb = self.call("initial_kenb", d, kasme, ctx.ul_nas_count)
        returned_kenb("initial_kenb", kenb)
        chain = self.call("initial_chain", d, kasme, kenb)
        request = Message(Kind.S1AP_INITIAL_CONTEXT_SETUP_REQUEST, self.name,
                          message.get("eNB"), (("SecurityKey", kenb), ("cell", message.get("cell")),
                                               ("C-RNTI", message.get("C-RNTI"))))
        return Handled(replace(ctx, chain=chain, serving_enb=message.get("eNB")),
                       (request,))

    # -- source role -------------------------------------------------------------------------
    def on_s1ap_handover_required(self, message: Message, d: Deriver) -> Handled:
        ctx = self.ctx
        if message.sender != ctx.serving_enb:
            raise Reject(f"{message.sender} does not serve the UE")
        target_enb = message.get("target eNB")
        target_mme = self.topology.mme_of(target_enb)
        hop = HopType.S1 if target_mme == self.name else HopType.S1_INTER
        keys, forwarded = self.call("source_mme", d, ctx.keys, hop, message.get("security"))
        ctx = replace(ctx, chain=keys.chain)
        target_cell = message.get("target cell")
        if hop is HopType.S1:
            to_enb, ue_fields = self.call("target_mme", d, keys, hop, forwarded)
            request = Message(Kind.S1AP_HANDOVER_REQUEST, self.name, target_enb,
                              (("target cell", target_cell), ("SecurityContext", to_enb)))
            handover = MmeHandover(hop, "both", message.sender, target_enb, target_cell,
                                   ue_fields=ue_fields)
            return Handled(replace(ctx, handover=handover), (request,))
        request = Message(Kind.GTP_FORWARD_RELOCATION_REQUEST, self.name, target_mme, (
            ("target cell", target_cell), ("target eNB", target_enb),
            ("source eNB", message.sender), ("MM context", self._mm_context(ctx)),
            ("security", forwarded)))
        handover = MmeHandover(hop, "source", message.sender, target_enb, target_cell,
                               peer_mme=target_mme)
        return Handled(replace(ctx, handover=handover), (request,))

    def on_gtp_forward_relocation_response(self, message: Message, d: Deriver) -> Handled:
        handover = self._handover("source")
        if message.get("Cause") is not None:  # the target side refused: tell the source eNB
            return Handled(*self._preparation_failed(handover), branch="rejected")
        command = Message(Kind.S1AP_HANDOVER_COMMAND, self.name, handover.source_enb,
                          (("container", message.get("container")),
                           ("for UE", message.get("for UE"))))
        return Handled(self.ctx, (command,), branch="accepted")

    def on_s1ap_handover_failure(self, message: Message, d: Deriver) -> Handled:
        """The target eNB refused admission (TS 36.413 8.4.2.3; TS 23.401 5.5.1.2.3). The
        {NH, NCC} the MME advanced for this preparation stays advanced: TS 33.401 7.2.8.4.3
        increments NCC and computes a fresh NH on every HANDOVER REQUIRED, and no clause
        (TS 33.401, TS 36.413 8.4.1.3, TS 23.401 5.5.1.2.3) takes the pair back; the refused
        target eNB received it, so handing it out again would give two eNBs one NH. The UE
        catches up over the skipped NH on the next vertical derivation (7.2.8.4.3).
        open5gs does the same (src/mme/s1ap-handler.c: the NCC is incremented on HANDOVER
        REQUIRED, and HANDOVER FAILURE does not touch it)."""
        handover = self.ctx.handover
        if handover is None or handover.role == "source" or message.sender != handover.target_enb:
            raise Reject("no handover towards this eNB is being prepared here")
        if handover.role == "both":
            return Handled(*self._preparation_failed(handover), branch="s1")
        assert handover.peer_mme is not None
        response = Message(Kind.GTP_FORWARD_RELOCATION_RESPONSE, self.name, handover.peer_mme,
                           (("Cause", "request rejected"),))
        return Handled(MmeContext(), (response,), branch="s1-inter")

    def _preparation_failed(self, handover: MmeHandover) -> tuple[MmeContext,
                                                                  tuple[Message, ...]]:
        failure = Message(Kind.S1AP_HANDOVER_PREPARATION_FAILURE, self.name,
                          handover.source_enb, (("Cause", "handover-failure-in-target"),))
        return replace(self.ctx, handover=None), (failure,)

    def on_gtp_forward_relocation_complete_notification(self, message: Message,
                                                         d: Deriver) -> Handled:
        handover = self._handover("source")
        ack = Message(Kind.GTP_FORWARD_RELOCATION_COMPLETE_ACKNOWLEDGE, self.name,
                      message.sender)
        release = Message(Kind.S1AP_UE_CONTEXT_RELEASE_COMMAND, self.name,
                          handover.source_enb)
        return Handled(self.ctx, (ack, release))

    def on_s1ap_ue_context_release_complete(self, message: Message, d: Deriver) -> Handled:
        handover = self.ctx.handover
        assert handover is not None
        if handover.hop is HopType.S1_INTER:  # the UE now belongs to the target MME
            return Handled(MmeContext(), branch="s1-inter")
        return Handled(replace(self.ctx, handover=None), branch="s1")

    # -- target role -------------------------------------------------------------------------
    def on_gtp_forward_relocation_request(self, message: Message, d: Deriver) -> Handled:
        mm = message.get("MM context")
        nh, ncc = field_value(mm, "NH"), field_value(mm, "NCC")
        ctx = MmeContext(kasme=field_value(mm, "KASME"), knas_int=field_value(mm, "KNASint"),
                         ul_nas_count=field_value(mm, "UL NAS COUNT"),
                         nas_dl_count=field_value(mm, "DL NAS COUNT"),
                         chain=self.call("received_chain", nh, ncc) if nh is not None
                         else None)
        to_enb, ue_fields = self.call("target_mme", d, ctx.keys, HopType.S1_INTER,
                                      message.get("security"))
        target_enb = message.get("target eNB")
        request = Message(Kind.S1AP_HANDOVER_REQUEST, self.name, target_enb,
                          (("target cell", message.get("target cell")),
                           ("SecurityContext", to_enb)))
        handover = MmeHandover(HopType.S1_INTER, "target", message.get("source eNB"),
                               target_enb, message.get("target cell"), message.sender,
                               ue_fields)
        return Handled(replace(ctx, handover=handover), (request,))

    def on_s1ap_handover_request_acknowledge(self, message: Message, d: Deriver) -> Handled:
        ctx = self.ctx
        handover = ctx.handover
        if handover is None or handover.role == "source" or message.sender != handover.target_enb:
            raise Reject("no handover towards this eNB is being prepared here")
        ctx, for_ue = self._fields_for_ue(ctx, handover.ue_fields)
        container = message.get("container")
        if handover.role == "both":
            command = Message(Kind.S1AP_HANDOVER_COMMAND, self.name, handover.source_enb,
                              (("container", container), ("for UE", for_ue)))
            return Handled(ctx, (command,))
        assert handover.peer_mme is not None
        response = Message(Kind.GTP_FORWARD_RELOCATION_RESPONSE, self.name,
                           handover.peer_mme, (("container", container), ("for UE", for_ue)))
        return Handled(ctx, (response,))

    def on_s1ap_handover_notify(self, message: Message, d: Deriver) -> Handled:
        ctx = self.ctx
        handover = ctx.handover
        if handover is None or handover.role == "source":
            raise Reject("no handover into this MME's area is executing")
        ctx = replace(ctx, serving_enb=handover.target_enb)
        if handover.role == "both":
            release = Message(Kind.S1AP_UE_CONTEXT_RELEASE_COMMAND, self.name,
                              handover.source_enb)
            return Handled(ctx, (release,), branch="s1")
        assert handover.peer_mme is not None
        notification = Message(Kind.GTP_FORWARD_RELOCATION_COMPLETE_NOTIFICATION, self.name,
                               handover.peer_mme)
        return Handled(ctx, (notification,), branch="s1-inter")

    def on_gtp_forward_relocation_complete_acknowledge(self, message: Message,
                                                        d: Deriver) -> Handled:
        self._handover("target")
        return Handled(replace(self.ctx, handover=None))

    # -- path switch after X2 (TS 23.401 5.5.1.1.2, TS 33.401 7.2.8.4.2) ------------------------
    def on_s1ap_path_switch_request(self, message: Message, d: Deriver) -> Handled:
        ctx = self.ctx
        keys, security = self.call("path_switch", d, ctx.keys)
        # the acknowledge names the UE association by the eNB UE S1AP ID of the request
        # (TS 36.413 9.1.5.9)
        ack = Message(Kind.S1AP_PATH_SWITCH_REQUEST_ACKNOWLEDGE, self.name, message.sender,
                      (("eNB UE S1AP ID", message.get("eNB UE S1AP ID")),
                       ("SecurityContext", security)))
        return Handled(replace(ctx, chain=keys.chain, serving_enb=message.sender), (ack,))

    # -- shared steps --------------------------------------------------------------------------
    def _handover(self, role: str) -> MmeHandover:
        handover = self.ctx.handover
        if handover is None or handover.role != role:
            raise Reject(f"no handover in which this MME is the {role} MME")
        return handover

    def _mm_context(self, ctx: MmeContext) -> Fields:
        """GTPv2 MM Context (TS 29.274 8.38): KASME, NAS key and COUNTs, {NH, NCC}."""
        fields: Fields = (("KASME", ctx.kasme), ("KNASint", ctx.knas_int),
                          ("UL NAS COUNT", ctx.ul_nas_count),
                          ("DL NAS COUNT", ctx.nas_dl_count))
        if ctx.chain is not None:
            fields = (*fields, ("NH", ctx.chain.value), ("NCC", ctx.chain.ncc))
        return fields

    def _fields_for_ue(self, ctx: MmeContext, ue_fields: Fields) -> tuple[MmeContext, Fields]:
        """Fields for the UE: in a NAS part under NAS-MAC, or as plain fields that the
        source eNB copies into the RRC HO command (the variant decides)."""
        if not ue_fields or not self.variant.ue_fields_under_nas_mac():
            return ctx, ue_fields
        assert ctx.knas_int is not None
        count = ctx.nas_dl_count
        mac = nas_mac(ctx.knas_int, count, ue_fields)
        return replace(ctx, nas_dl_count=count + 1), ((NAS_PDU, (ue_fields, count, mac)),)
