"""The MME: AS security set-up, S1 handover (source and target roles), path switch.

TS 23.401 5.5.1.2 (S1 handover, with and without MME relocation), 5.5.1.1.2 (path switch),
TS 33.401 7.2.8 (keys). On S10 the MM context (KASME, NAS keys and COUNTs, {NH, NCC})
travels in GTPv2 Forward Relocation Request (TS 29.274 8.38).

The UE's association moves to the target eNB at Handover Notify (TS 23.401 5.5.1.2.2 step
17); the release of the source eNB's UE context is a step of its own after it (step 19,
TS 36.413 8.3.3), on a UE-associated signalling connection of its own, and so is the S10
Forward Relocation Complete Acknowledge (step 18, TS 29.274 7.3.4). Neither holds up the UE's
next procedure: the MME keeps them apart from the UE (``releasing``, ``completing``) and
takes them whenever they come. open5gs does the same (src/mme/s1ap-handler.c:
s1ap_handle_handover_notification associates the MME UE with the target's S1 connection and
sends the UE Context Release Command to the separate source one without waiting for its
Complete; s1ap_handle_path_switch_request finds the UE by its MME UE S1AP ID).
"""

from __future__ import annotations

from typing import TypeVar

from hoverify.statemachines.derivation import Deriver
from hoverify.statemachines.entity import Entity, Handled, Reject
from hoverify.statemachines.messages import NAS_PDU, Fields, Kind, Message
from hoverify.statemachines.protection import nas_mac
from hoverify.statemachines.record import record, replace
from hoverify.statemachines.topology import HopType
from hoverify.statemachines.variant import MmeKeys, NhChain, field_value, returned_key

T = TypeVar("T")


@record
class MmeHandover:
    hop: HopType
    role: str  # "source", "target" (s1-inter) or "both" (s1)
    source_enb: str
    target_enb: str
    target_cell: str
    peer_mme: str | None = None
    ue_fields: Fields = ()  # fields for the UE from the target MME
    # the source eNB's UE association, from HANDOVER REQUIRED (TS 36.413 9.1.5.1): what
    # this MME sends the source eNB names it (``to_source``)
    source_enb_ue_s1ap_id: int | None = None

    def to_source(self, kind: Kind, mme: str, fields: Fields = ()) -> Message:
        """A UE-associated S1AP message of this handover to its source eNB: HANDOVER COMMAND,
        HANDOVER PREPARATION FAILURE (TS 36.413 9.1.5.2, 9.1.5.3) or UE CONTEXT RELEASE
        COMMAND (9.1.4.6). Each carries the UE S1AP IDs first, before the message's own IEs,
        as those clauses list them; the eNB UE S1AP ID is the one of HANDOVER REQUIRED (the
        MME UE S1AP ID, listed before it, is not modelled: the model's MME holds one UE)."""
        return Message(kind, mme, self.source_enb,
                       (("eNB UE S1AP ID", self.source_enb_ue_s1ap_id), *fields))

    def release_source(self, mme: str) -> Message:
        """TS 23.401 5.5.1.2.2 step 19, TS 36.413 8.3.3: release the source eNB's context."""
        return self.to_source(Kind.S1AP_UE_CONTEXT_RELEASE_COMMAND, mme)

    @property
    def source_association(self) -> tuple[str, int]:
        """The source eNB's UE-associated logical S1-connection: (eNB, eNB UE S1AP ID)."""
        assert self.source_enb_ue_s1ap_id is not None
        return self.source_enb, self.source_enb_ue_s1ap_id


@record
class MmeContext:
    kasme: bytes | None = None
    knas_int: bytes | None = None
    ul_nas_count: int = 0
    nas_dl_count: int = 0  # next downlink NAS COUNT
    chain: NhChain | None = None
    serving_enb: str | None = None
    handover: MmeHandover | None = None
    # the UE associations (eNB, eNB UE S1AP ID) whose UE Context Release Complete is
    # outstanding (TS 36.413 8.3.3), one entry per release sent, and source MMEs whose
    # Forward Relocation Complete Acknowledge is (TS 29.274 7.3.4): this MME's transactions,
    # kept when the UE's context goes
    releasing: tuple[tuple[str, int], ...] = ()
    completing: tuple[str, ...] = ()

    @property
    def keys(self) -> MmeKeys:
        assert self.kasme is not None
        return MmeKeys(self.kasme, self.chain)


class Mme(Entity):
    STATES = ("no-context", "registered", "connected", "ho-preparing", "ho-executing")
    TRANSITIONS = (
        (Kind.AS_SECURITY_TRIGGER, "", ("registered",), "connected"),
        (Kind.S1AP_HANDOVER_REQUIRED, "", ("connected",), "ho-preparing"),
        (Kind.GTP_FORWARD_RELOCATION_REQUEST, "", ("no-context",), "ho-preparing"),
        (Kind.S1AP_HANDOVER_REQUEST_ACKNOWLEDGE, "", ("ho-preparing",), "ho-executing"),
        (Kind.GTP_FORWARD_RELOCATION_RESPONSE, "accepted", ("ho-preparing",), "ho-executing"),
        (Kind.GTP_FORWARD_RELOCATION_RESPONSE, "rejected", ("ho-preparing",), "connected"),
        (Kind.S1AP_HANDOVER_FAILURE, "s1", ("ho-preparing",), "connected"),
        (Kind.S1AP_HANDOVER_FAILURE, "s1-inter", ("ho-preparing",), "no-context"),
        (Kind.S1AP_HANDOVER_NOTIFY, "", ("ho-executing",), "connected"),
        (Kind.GTP_FORWARD_RELOCATION_COMPLETE_NOTIFICATION, "", ("ho-executing",),
         "no-context"),
        # in whatever procedure of the UE is under way (or none): module docstring
        (Kind.GTP_FORWARD_RELOCATION_COMPLETE_ACKNOWLEDGE, "", STATES, None),
        (Kind.S1AP_UE_CONTEXT_RELEASE_COMPLETE, "", STATES, None),
        (Kind.S1AP_PATH_SWITCH_REQUEST, "", ("connected",), None),
    )
    ctx: MmeContext

    def on_as_security_trigger(self, message: Message, d: Deriver) -> Handled:
        """TS 33.401 7.2.4.4 / A.3: KeNB from KASME; the variant's NH chain starts from it
        (kept here, not sent: TS 33.401 7.2.8.1.1)."""
        ctx = self.ctx
        kasme = ctx.keys.kasme
        kenb = self.call("initial_kenb", d, kasme, ctx.ul_nas_count)
        returned_key("initial_kenb", kenb)
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
        enb_ue_s1ap_id = message.get("eNB UE S1AP ID")
        if hop is HopType.S1:
            to_enb, ue_fields = self.call("target_mme", d, keys, hop, forwarded)
            request = Message(Kind.S1AP_HANDOVER_REQUEST, self.name, target_enb,
                              (("target cell", target_cell), ("SecurityContext", to_enb)))
            handover = MmeHandover(hop, "both", message.sender, target_enb, target_cell,
                                   ue_fields=ue_fields, source_enb_ue_s1ap_id=enb_ue_s1ap_id)
            return Handled(replace(ctx, handover=handover), (request,))
        request = Message(Kind.GTP_FORWARD_RELOCATION_REQUEST, self.name, target_mme, (
            ("target cell", target_cell), ("target eNB", target_enb),
            ("source eNB", message.sender), ("MM context", self._mm_context(ctx)),
            ("security", forwarded)))
        handover = MmeHandover(hop, "source", message.sender, target_enb, target_cell,
                               peer_mme=target_mme, source_enb_ue_s1ap_id=enb_ue_s1ap_id)
        return Handled(replace(ctx, handover=handover), (request,))

    def on_gtp_forward_relocation_response(self, message: Message, d: Deriver) -> Handled:
        handover = self._handover("source", message)
        if message.get("Cause") is not None:  # the target side refused: tell the source eNB
            return Handled(*self._preparation_failed(handover), branch="rejected")
        command = handover.to_source(Kind.S1AP_HANDOVER_COMMAND, self.name,
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
        return Handled(self._without_ue(), (response,), branch="s1-inter")

    def _preparation_failed(self, handover: MmeHandover) -> tuple[MmeContext,
                                                                  tuple[Message, ...]]:
        failure = handover.to_source(Kind.S1AP_HANDOVER_PREPARATION_FAILURE, self.name,
                                     (("Cause", "handover-failure-in-target"),))
        return replace(self.ctx, handover=None), (failure,)

    def on_gtp_forward_relocation_complete_notification(self, message: Message,
                                                         d: Deriver) -> Handled:
        """TS 23.401 5.5.1.2.2 steps 16-19: the UE now belongs to the target MME; the source
        eNB's release is outstanding here (``on_s1ap_ue_context_release_complete``)."""
        handover = self._handover("source", message)
        ack = Message(Kind.GTP_FORWARD_RELOCATION_COMPLETE_ACKNOWLEDGE, self.name,
                      message.sender)
        ctx = self._without_ue()
        return Handled(replace(ctx, releasing=(*ctx.releasing, handover.source_association)),
                       (ack, handover.release_source(self.name)))

    def on_s1ap_ue_context_release_complete(self, message: Message, d: Deriver) -> Handled:
        """TS 36.413 8.3.3: ends the release of the S1 connection of an eNB the UE left,
        whatever the UE does meanwhile; the UE's own association is not touched. The Complete
        names the connection released by its UE S1AP IDs (9.1.4.7; the model's: the eNB UE
        S1AP ID, unique within its eNB, 9.2.3.4) and ends that release only; one that names
        no outstanding release is refused. open5gs's MME likewise finds the released context
        by the Complete's UE S1AP ID (its MME UE S1AP ID, one per S1 connection), checks the
        sending eNB holds it and otherwise answers ERROR INDICATION (``src/mme/s1ap-handler.c``
        ``s1ap_handle_ue_context_release_complete``; not modelled)."""
        ctx = self.ctx
        association = (message.sender, message.get("eNB UE S1AP ID"))
        if association not in ctx.releasing:
            raise Reject(f"no UE Context Release of eNB UE S1AP ID {association[1]} is "
                         f"outstanding at {message.sender}")
        return Handled(replace(ctx, releasing=_one_less(ctx.releasing, association)))

    # -- target role -------------------------------------------------------------------------
    def on_gtp_forward_relocation_request(self, message: Message, d: Deriver) -> Handled:
        mm = message.get("MM context")
        nh, ncc = field_value(mm, "NH"), field_value(mm, "NCC")
        ctx = replace(self._without_ue(), kasme=field_value(mm, "KASME"),
                      knas_int=field_value(mm, "KNASint"),
                      ul_nas_count=field_value(mm, "UL NAS COUNT"),
                      nas_dl_count=field_value(mm, "DL NAS COUNT"),
                      chain=self.call("received_chain", nh, ncc) if nh is not None else None)
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
            command = handover.to_source(Kind.S1AP_HANDOVER_COMMAND, self.name,
                                         (("container", container), ("for UE", for_ue)))
            return Handled(ctx, (command,))
        assert handover.peer_mme is not None
        response = Message(Kind.GTP_FORWARD_RELOCATION_RESPONSE, self.name,
                           handover.peer_mme, (("container", container), ("for UE", for_ue)))
        return Handled(ctx, (response,))

    def on_s1ap_handover_notify(self, message: Message, d: Deriver) -> Handled:
        ctx = self.ctx
        handover = ctx.handover
        if handover is None or handover.role == "source" or message.sender != handover.target_enb:
            raise Reject("no handover into this eNB is executing here")
        # TS 23.401 5.5.1.2.2 step 17: the UE is served by the target eNB from here on
        ctx = replace(ctx, serving_enb=handover.target_enb, handover=None)
        if handover.role == "both":  # step 19: the source eNB's release, a step of its own
            return Handled(replace(ctx, releasing=(*ctx.releasing,
                                                   handover.source_association)),
                           (handover.release_source(self.name),))
        assert handover.peer_mme is not None  # step 17a-18: the source MME acknowledges
        notification = Message(Kind.GTP_FORWARD_RELOCATION_COMPLETE_NOTIFICATION, self.name,
                               handover.peer_mme)
        return Handled(replace(ctx, completing=(*ctx.completing, handover.peer_mme)),
                       (notification,))

    def on_gtp_forward_relocation_complete_acknowledge(self, message: Message,
                                                        d: Deriver) -> Handled:
        """TS 29.274 7.3.4: acknowledges a Forward Relocation Complete Notification this MME
        sent; the UE's procedures do not wait for it."""
        ctx = self.ctx
        if message.sender not in ctx.completing:
            raise Reject(f"no Forward Relocation Complete Notification to {message.sender} "
                         "is outstanding")
        return Handled(replace(ctx, completing=_one_less(ctx.completing, message.sender)))

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
    def _handover(self, role: str, message: Message) -> MmeHandover:
        """The handover of the UE in which this MME is the ``role`` MME and ``message``'s
        sender the peer MME on S10 (TS 29.274: a response goes to the requester's TEID)."""
        handover = self.ctx.handover
        if handover is None or handover.role != role or message.sender != handover.peer_mme:
            raise Reject(f"no handover in which this MME is the {role} MME and "
                         f"{message.sender} the peer MME")
        return handover

    def _without_ue(self) -> MmeContext:
        """No context of the UE, this MME's outstanding transactions kept."""
        return MmeContext(releasing=self.ctx.releasing, completing=self.ctx.completing)

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


def _one_less(outstanding: tuple[T, ...], entry: T) -> tuple[T, ...]:
    """``outstanding`` with one of its ``entry`` entries gone (one per transaction)."""
    at = outstanding.index(entry)
    return outstanding[:at] + outstanding[at + 1:]
