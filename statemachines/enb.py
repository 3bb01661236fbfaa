"""The eNB: serving, source and target roles of the handover procedures.

TS 36.300 10.1.2.1 (intra-E-UTRAN handover), TS 23.401 5.5.1.1 (X2) and 5.5.1.2 (S1),
TS 33.401 7.2.8 (keys). The eNB holds at most one UE context (the model has one UE).
"""

from __future__ import annotations

from hoverify.statemachines.derivation import Deriver
from hoverify.statemachines.entity import (
    Entity,
    Handled,
    Outcome,
    Reject,
    handover_ncc,
    known_cell,
)
from hoverify.statemachines.messages import Fields, Kind, Message
from hoverify.statemachines.protection import (
    DOWNLINK,
    INTEGRITY,
    INTEGRITY_AND_CIPHERING,
    UPLINK,
    protect_rrc,
    unprotect_rrc,
)
from hoverify.statemachines.record import record, replace
from hoverify.statemachines.topology import Cell, HopType
from hoverify.statemachines.variant import EnbKeys, field_value, returned_key

X2AP_IDS = 4096  # eNB UE X2AP ID, INTEGER (0..4095) (TS 36.423 9.2.24)


@record
class EnbHandover:
    """This eNB's part in the handover under way."""

    hop: HopType
    target: Cell
    peer: str  # the other eNB, or the MME that sent the HandoverRequest
    pending: EnbKeys | None = None  # intra-eNB: the keys for after the HO confirm
    keys_before: EnbKeys | None = None  # source: restored if the preparation fails
    c_rnti: int | None = None  # intra-eNB: the C-RNTI allocated in the target cell
    # X2 (TS 36.423 9.2.24): this eNB's eNB UE X2AP ID for the handover (the source's Old
    # eNB UE X2AP ID, the target's New eNB UE X2AP ID), and the peer's once known
    x2ap_id: int | None = None
    peer_x2ap_id: int | None = None


# eNB UE S1AP ID: INTEGER (0..2^24-1), it "uniquely identifies the UE association over the
# S1 interface within the eNB" (TS 36.413 9.2.3.4)
ENB_UE_S1AP_IDS = 1 << 24


@record
class EnbContext:
    next_c_rnti: int  # the C-RNTI this eNB allocates next
    next_enb_ue_s1ap_id: int = 1  # the eNB UE S1AP ID this eNB allocates next
    next_x2ap_id: int = 0  # the eNB UE X2AP ID this eNB allocates next
    keys: EnbKeys | None = None
    cell: str | None = None  # the cell serving the UE
    c_rnti: int | None = None
    # names this context's UE-associated logical S1-connection: the eNB identifies the UE of
    # a received UE-associated S1AP message by it (TS 36.413 3.1)
    enb_ue_s1ap_id: int | None = None
    ul_count: int = 0  # lowest acceptable uplink PDCP COUNT
    dl_count: int = 0  # next downlink PDCP COUNT
    handover: EnbHandover | None = None
    # the X2 source to release after the Path Switch Acknowledge (TS 36.300 10.1.2.1.1
    # step 17): (source eNB, Old eNB UE X2AP ID, New eNB UE X2AP ID)
    x2_source: tuple[str, int, int] | None = None

    def released(self) -> EnbContext:
        return EnbContext(self.next_c_rnti, next_enb_ue_s1ap_id=self.next_enb_ue_s1ap_id,
                          next_x2ap_id=self.next_x2ap_id)

    def new_s1_association(self) -> EnbContext:
        """This context with an eNB UE S1AP ID of its own: "the eNB shall allocate a unique
        eNB UE S1AP ID to be used for the UE" (TS 36.413 8.6.2.1), one per UE-associated
        logical S1-connection."""
        s1ap_id, following = allocated_in_turn(self.next_enb_ue_s1ap_id, ENB_UE_S1AP_IDS)
        return replace(self, enb_ue_s1ap_id=s1ap_id, next_enb_ue_s1ap_id=following)

    def allocated_x2ap_id(self) -> tuple[EnbContext, int]:
        """A fresh eNB UE X2AP ID, INTEGER (0..4095), unique within the eNB (TS 36.423
        9.2.24)."""
        x2ap_id, following = allocated_in_turn(self.next_x2ap_id, X2AP_IDS)
        return replace(self, next_x2ap_id=following), x2ap_id


def allocated_in_turn(next_id: int, ids: int) -> tuple[int, int]:
    """The UE identity an eNB allocates (``next_id``) and the one it allocates after it, for
    an IE of ``ids`` values: in turn, wrapping within the IE's range (eNB UE S1AP ID, TS
    36.413 9.2.3.4; eNB UE X2AP ID, TS 36.423 9.2.24). So an ID freed by a finished or failed
    procedure names no later one until the values wrap: a late message of the old one then
    names no context or handover this eNB holds, and is refused."""
    return next_id, (next_id + 1) % ids


# The target of an X2 handover from the HO confirm until the Path Switch Request
# Acknowledge brings it a fresh {NH, NCC} (TS 33.401 7.2.8.4.2).
PATH_SWITCH_PENDING = "path-switch-pending"


class Enb(Entity):
    STATES = ("idle", "securing", "connected", "ho-preparing", "ho-commanded", "ho-prepared",
              PATH_SWITCH_PENDING)
    TRANSITIONS = (
        (Kind.S1AP_INITIAL_CONTEXT_SETUP_REQUEST, "", ("idle",), "securing"),
        (Kind.RRC_SECURITY_MODE_COMPLETE, "", ("securing",), "connected"),
        (Kind.RRC_MEASUREMENT_REPORT, "prepare", ("connected", PATH_SWITCH_PENDING),
         "ho-preparing"),
        (Kind.RRC_MEASUREMENT_REPORT, "intra-enb", ("connected", PATH_SWITCH_PENDING),
         "ho-commanded"),
        # In ho-commanded the eNB still holds the context of a UE that has left; a new
        # handover of the UE back to it gets a fresh context (the stale one is dropped).
        (Kind.X2AP_HANDOVER_REQUEST, "", ("idle", "ho-commanded"), "ho-prepared"),
        (Kind.S1AP_HANDOVER_REQUEST, "", ("idle", "ho-commanded"), "ho-prepared"),
        (Kind.X2AP_HANDOVER_REQUEST_ACKNOWLEDGE, "", ("ho-preparing",), "ho-commanded"),
        (Kind.X2AP_HANDOVER_PREPARATION_FAILURE, "", ("ho-preparing",), "connected"),
        (Kind.S1AP_HANDOVER_PREPARATION_FAILURE, "", ("ho-preparing",), "connected"),
        # a handover decided before the Path Switch Request Acknowledge failed: still waiting
        # for it (TS 33.401 7.2.8.4.2)
        (Kind.X2AP_HANDOVER_PREPARATION_FAILURE, PATH_SWITCH_PENDING, ("ho-preparing",),
         PATH_SWITCH_PENDING),
        (Kind.S1AP_HANDOVER_PREPARATION_FAILURE, PATH_SWITCH_PENDING, ("ho-preparing",),
         PATH_SWITCH_PENDING),
        (Kind.S1AP_HANDOVER_COMMAND, "", ("ho-preparing",), "ho-commanded"),
        (Kind.RRC_HANDOVER_CONFIRM, "x2", ("ho-prepared",), PATH_SWITCH_PENDING),
        (Kind.RRC_HANDOVER_CONFIRM, "s1", ("ho-prepared",), "connected"),
        (Kind.RRC_HANDOVER_CONFIRM, "intra-enb", ("ho-commanded",), "connected"),
        # an intra-eNB handover while the Path Switch Request Acknowledge of the X2 handover
        # that brought the UE is due: still waiting for it (TS 33.401 7.2.8.4.2)
        (Kind.RRC_HANDOVER_CONFIRM, PATH_SWITCH_PENDING, ("ho-commanded",), PATH_SWITCH_PENDING),
        (Kind.S1AP_PATH_SWITCH_REQUEST_ACKNOWLEDGE, "", (PATH_SWITCH_PENDING,), "connected"),
        # late, during the next handover: kept for the one after (TS 33.401 7.2.8.4.2)
        (Kind.S1AP_PATH_SWITCH_REQUEST_ACKNOWLEDGE, "", ("ho-preparing", "ho-commanded"), None),
        (Kind.X2AP_UE_CONTEXT_RELEASE, "", ("ho-commanded",), "idle"),
        (Kind.S1AP_UE_CONTEXT_RELEASE_COMMAND, "", ("ho-commanded",), "idle"),
    )
    ctx: EnbContext

    @property
    def mme(self) -> str:
        return self.topology.mme_of(self.name)

    def handle(self, message: Message) -> Outcome:
        """An S1AP HANDOVER REQUEST for a cell this eNB does not serve, which the MME sends
        where a source's Target ID named this eNB (TS 36.413 9.1.5.1), is refused in any
        state and answered with HANDOVER FAILURE, cause "cell not available" (8.4.2.3,
        9.2.1.3); nothing changes here."""
        cell = message.get("target cell")
        if (message.kind is Kind.S1AP_HANDOVER_REQUEST and message.receiver == self.name
                and cell not in {c.name for c in self.topology.cells if c.enb == self.name}):
            return self.refuse_admission(message, "cell-not-available",
                                         f"{cell} is not a cell of {self.name}")
        return super().handle(message)

    # -- initial AS security (TS 33.401 7.2.4.5) ----------------------------------------
    def on_s1ap_initial_context_setup_request(self, message: Message, d: Deriver) -> Handled:
        as_keys = self.call("as_keys", d, message.get("SecurityKey"),
                            self.variant.initial_ncc())
        algorithms: Fields = (("integrityProtAlgorithm", "eia2"),
                              ("cipheringAlgorithm", "eea2"))
        pdu = protect_rrc(as_keys, 0, DOWNLINK, algorithms, cipher=False)
        command = Message(Kind.RRC_SECURITY_MODE_COMMAND, self.name, "ue",
                          (("COUNT", 0), ("PDU", pdu)), INTEGRITY)
        # the eNB allocated its eNB UE S1AP ID for the INITIAL UE MESSAGE (TS 36.413 8.6.2.1),
        # before the NAS procedures the model starts after
        ctx = replace(self.ctx, keys=EnbKeys(as_keys), cell=message.get("cell"),
                      c_rnti=message.get("C-RNTI"), dl_count=1).new_s1_association()
        return Handled(ctx, (command,))

    def on_rrc_security_mode_complete(self, message: Message, d: Deriver) -> Handled:
        read = self._read_uplink(message, cipher=False)
        return Handled(replace(self.ctx, ul_count=message.get("COUNT") + 1), (), read)

    # -- source role -------------------------------------------------------------------------
    def on_rrc_measurement_report(self, message: Message, d: Deriver) -> Handled:
        """The source eNB decides the handover and, per hop type, prepares it."""
        ctx = self.ctx
        assert ctx.keys is not None and ctx.cell is not None
        report = self._read_uplink(message)
        ctx = replace(ctx, ul_count=message.get("COUNT") + 1)
        target = known_cell(self, field_value(report, "PCI"), field_value(report, "EARFCN-DL"))
        hop = self.topology.hop_type(self.topology.cell(ctx.cell), target)
        keys, security = self.call("source_enb", d, ctx.keys, target, hop)
        ctx = replace(ctx, keys=keys)
        if hop is HopType.INTRA_ENB:  # this eNB is the target too
            ctx, pending, container = self._prepare_target(d, ctx, security, target, hop)
            c_rnti = field_value(container, "new C-RNTI")
            ctx = replace(ctx, handover=EnbHandover(hop, target, self.name, pending,
                                                    c_rnti=c_rnti))
            return Handled(*self._command_ue(ctx, container), read=report, branch="intra-enb")
        old_id = None
        if hop is HopType.X2:
            ctx, old_id = ctx.allocated_x2ap_id()
        ctx = replace(ctx, handover=EnbHandover(hop, target, target.enb,
                                                keys_before=self.ctx.keys, x2ap_id=old_id))
        if hop is HopType.X2:
            request = Message(Kind.X2AP_HANDOVER_REQUEST, self.name, target.enb,
                              (("Old eNB UE X2AP ID", old_id), ("target cell", target.name),
                               ("AS-SecurityInformation", security)))
        else:
            # the eNB UE S1AP ID names the UE association (TS 36.413 9.1.5.1, after the MME
            # UE S1AP ID, which the model leaves out): the MME names it again in the
            # release of this context (9.1.4.6)
            request = Message(Kind.S1AP_HANDOVER_REQUIRED, self.name, self.mme,
                              (("eNB UE S1AP ID", ctx.enb_ue_s1ap_id),
                               ("target cell", target.name), ("target eNB", target.enb),
                               ("security", security)))
        return Handled(ctx, (request,), report, "prepare")

    def on_x2ap_handover_request_acknowledge(self, message: Message, d: Deriver) -> Handled:
        """TS 36.423 8.2.1.2: the answer to this eNB's HandoverRequest, named by the Old eNB
        UE X2AP ID this eNB allocated for it; the New eNB UE X2AP ID names the UE at the
        target (the UE Context Release carries both, 9.1.1.5)."""
        handover = self._x2_handover_answered(message)
        ctx = replace(self.ctx, handover=replace(
            handover, peer_x2ap_id=message.get("New eNB UE X2AP ID")))
        return Handled(*self._command_ue(ctx, message.get("container")))

    def on_s1ap_handover_command(self, message: Message, d: Deriver) -> Handled:
        """The MME's fields for the UE (a NAS part, or plain fields) join the container."""
        self._s1_handover_answered(message)
        content = (*message.get("container"), *message.get("for UE"))
        return Handled(*self._command_ue(self.ctx, content))

    def on_x2ap_handover_preparation_failure(self, message: Message, d: Deriver) -> Handled:
        return self._preparation_failed(self._x2_handover_answered(message))

    def on_s1ap_handover_preparation_failure(self, message: Message, d: Deriver) -> Handled:
        return self._preparation_failed(self._s1_handover_answered(message))

    def _x2_handover_answered(self, message: Message) -> EnbHandover:
        """The X2 handover this eNB prepares that ``message`` (a HandoverRequestAcknowledge or
        HandoverPreparationFailure, TS 36.423 9.1.1.2, 9.1.1.3) answers: the one of its Old
        eNB UE X2AP ID, towards its sender. One that names another (a handover that ended,
        whose ID was freed) or an S1 preparation is refused."""
        handover = self.ctx.handover
        assert handover is not None
        old_id = message.get("Old eNB UE X2AP ID")
        if (handover.hop, handover.peer, handover.x2ap_id) != (HopType.X2, message.sender,
                                                                 old_id):
            raise Reject(f"{message.kind.title} for another handover: Old eNB UE X2AP ID "
                         f"{old_id} from {message.sender} names no X2 preparation here")
        return handover

    def _s1_handover_answered(self, message: Message) -> EnbHandover:
        """The S1 handover this eNB prepares, which ``message`` (HandoverCommand or
        HandoverPreparationFailure, TS 36.413 8.4.1.2, 8.4.1.3) answers: from its MME, to
        this eNB's HandoverRequired, for the UE context that is preparing, named by its eNB
        UE S1AP ID (9.1.5.2, 9.1.5.3; the eNB identifies the UE by it, 3.1). An X2
        preparation has none, and one for a context this eNB no longer holds (an S1
        preparation of an earlier stay of the UE, the UE since back with a new context) is
        refused: srsRAN's eNB likewise takes them only for the UE their eNB UE S1AP ID names,
        and only while its preparation runs (``s1ap::handle_handover_command``,
        ``handle_handover_preparation_failure``, ``handle_s1apmsg_ue_id``,
        ``srsenb/src/stack/s1ap/s1ap.cc``); TS 36.413 10.6 has it send ERROR INDICATION,
        not modelled."""
        handover = self.ctx.handover
        assert handover is not None
        if message.sender != self.mme or handover.hop not in (HopType.S1, HopType.S1_INTER):
            raise Reject(f"{message.kind.title} from {message.sender} answers no "
                         f"HandoverRequired of this eNB (it prepares {handover.hop.value} "
                         f"towards {handover.peer})")
        self._named_context(message)
        return handover

    def _preparation_failed(self, handover: EnbHandover) -> Handled:
        """HANDOVER PREPARATION FAILURE (TS 36.423 8.2.1.3, TS 36.413 8.4.1.3): the UE stays
        with this eNB, on its keys as before the preparation. No clause says what becomes of
        an {NH, NCC} the source took for the failed preparation; TS 33.401 7.2.8.4.2 has the
        source derive vertically "in case it has an unused {NH, NCC} pair", and the UE never
        received that NCC, so no KeNB was taken into use from the pair: it is still unused,
        and kept for the next attempt (whose KeNB* A.5 binds to that attempt's target cell).
        An eNB still awaiting the Path Switch Request Acknowledge of the X2 handover that
        brought it the UE (it knows the source to release until then) goes back to waiting
        for it."""
        ctx = replace(self.ctx, keys=self._keeping_late_next_hop(handover.keys_before),
                      handover=None)
        return Handled(ctx, branch=PATH_SWITCH_PENDING if ctx.x2_source is not None else "")

    def _keeping_late_next_hop(self, keys: EnbKeys | None) -> EnbKeys | None:
        """``keys`` for after this handover (or its failure), keeping the {NH, NCC} that a
        late Path Switch Request Acknowledge left during it: the newest pair is the one for
        the next handover (TS 33.401 7.2.8.4.2)."""
        late = self.ctx.keys.next_hop if self.ctx.keys is not None else None
        return replace(keys, next_hop=late) if keys is not None and late is not None else keys

    def refuse_admission(self, request: Message,
                         cause: str = "no-radio-resources-available-in-target-cell",
                         reason: str = "admission control: no radio resources") -> Outcome:
        """Admission control refuses a HandoverRequest (by default: no radio resources): the
        outcome that refuses it and answers with the failure (TS 36.423 8.2.1.3, TS 36.413
        8.4.2.3). Nothing changes here."""
        if request.kind is Kind.X2AP_HANDOVER_REQUEST:
            return Outcome(False, (Message(
                Kind.X2AP_HANDOVER_PREPARATION_FAILURE, self.name, request.sender,
                (("Old eNB UE X2AP ID", request.get("Old eNB UE X2AP ID")), ("Cause", cause))),),
                reason=reason)
        assert request.kind is Kind.S1AP_HANDOVER_REQUEST, request
        return Outcome(False, (Message(Kind.S1AP_HANDOVER_FAILURE, self.name, request.sender,
                                       (("Cause", cause),)),), reason=reason)

    def refused(self, message: Message, reason: str) -> Outcome:
        """A HandoverRequest this eNB's handler refused (a variant's hook, no security
        information for the UE, a mandatory IE missing: TS 36.423 10.3.4.2 rejects the
        procedure with its unsuccessful outcome) is answered as admission control's refusal
        is: "a failure occurs during the Handover Preparation" (TS 36.423 8.2.1.3; HANDOVER
        FAILURE, TS 36.413 8.4.2.3), cause "Unspecified", the radio network layer
        cause "when none of the specified cause values applies" (TS 36.423 9.2.6, TS 36.413
        9.2.1.3). srsRAN's eNB likewise answers every HandoverRequest it fails to take with
        HANDOVER FAILURE (``s1ap::handle_handover_request``, srsenb/src/stack/s1ap/s1ap.cc).
        The source then leaves ho-preparing (``_preparation_failed``)."""
        if message.kind in (Kind.X2AP_HANDOVER_REQUEST, Kind.S1AP_HANDOVER_REQUEST):
            return self.refuse_admission(message, "unspecified", reason)
        return super().refused(message, reason)

    def on_x2ap_ue_context_release(self, message: Message, d: Deriver) -> Handled:
        """TS 36.423 8.2.3: the target releases the source's UE context, named by the Old
        and New eNB UE X2AP IDs of the handover (9.1.1.5)."""
        handover = self.ctx.handover
        assert handover is not None
        ids = (message.get("Old eNB UE X2AP ID"), message.get("New eNB UE X2AP ID"))
        if (message.sender, *ids) != (handover.peer, handover.x2ap_id, handover.peer_x2ap_id):
            raise Reject("UE Context Release for another handover (stale)")
        return Handled(self.ctx.released())

    def on_s1ap_ue_context_release_command(self, message: Message, d: Deriver) -> Handled:
        """TS 36.413 8.3.3: release the UE context the command names by its UE S1AP IDs
        (9.1.4.6; the model's: the eNB UE S1AP ID, 3.1) and answer UE CONTEXT RELEASE
        COMPLETE. A command for a context this eNB no longer holds (the UE came back and has
        a new one, with a new ID) is refused and releases nothing; TS 36.413 10.6 has the eNB
        send ERROR INDICATION instead, which the model leaves out, so the MME's release stays
        outstanding (docs/limits.md)."""
        named = self._named_context(message)
        # the Complete names the context released by its UE S1AP IDs (9.1.4.7)
        complete = Message(Kind.S1AP_UE_CONTEXT_RELEASE_COMPLETE, self.name, message.sender,
                           (("eNB UE S1AP ID", named),))
        return Handled(self.ctx.released(), (complete,))

    def _named_context(self, message: Message) -> int:
        """The eNB UE S1AP ID of a UE-associated S1AP message from the MME, if it names this
        eNB's UE context (TS 36.413 3.1: "the eNB identifies the associated UE based on the
        eNB UE S1AP ID IE"). One that names a context this eNB no longer holds (the UE came
        back and has a new one, with a new ID) is refused and changes nothing."""
        named: int = message.get("eNB UE S1AP ID")
        if named != self.ctx.enb_ue_s1ap_id:
            raise Reject(f"eNB UE S1AP ID {named} names no UE context here (the UE's is "
                         f"{self.ctx.enb_ue_s1ap_id}): {message.kind.title} for a context "
                         "this eNB no longer holds (TS 36.413 3.1, 10.6)")
        return named

    # -- target role -------------------------------------------------------------------------
    def on_x2ap_handover_request(self, message: Message, d: Deriver) -> Handled:
        """TS 36.423 8.2.1.2: the acknowledge names the handover by the source's Old eNB UE
        X2AP ID and the New eNB UE X2AP ID this eNB allocates (9.1.1.2)."""
        ctx, new_id = self.ctx.allocated_x2ap_id()
        old_id = message.get("Old eNB UE X2AP ID")
        ctx, handover, container = self._admit(d, ctx, message,
                                               message.get("AS-SecurityInformation"), HopType.X2)
        ctx = replace(ctx, handover=replace(handover, x2ap_id=new_id, peer_x2ap_id=old_id))
        ack = Message(Kind.X2AP_HANDOVER_REQUEST_ACKNOWLEDGE, self.name, message.sender,
                      (("Old eNB UE X2AP ID", old_id), ("New eNB UE X2AP ID", new_id),
                       ("container", container)))
        return Handled(ctx, (ack,))

    def on_s1ap_handover_request(self, message: Message, d: Deriver) -> Handled:
        ctx, _, container = self._admit(d, self.ctx, message, message.get("SecurityContext"),
                                        HopType.S1)
        ack = Message(Kind.S1AP_HANDOVER_REQUEST_ACKNOWLEDGE, self.name, message.sender,
                      (("container", container),))
        return Handled(ctx, (ack,))

    def _admit(self, d: Deriver, ctx: EnbContext, request: Message, security: Fields,
               hop: HopType) -> tuple[EnbContext, EnbHandover, Fields]:
        """The target admits the UE: its context, its part in the handover, and the HO
        command container to acknowledge with."""
        target = self.topology.cell(request.get("target cell"))
        ctx, keys, container = self._prepare_target(d, ctx, security, target, hop)
        handover = EnbHandover(hop, target, request.sender)
        return replace(ctx, keys=keys, handover=handover), handover, container

    def on_rrc_handover_confirm(self, message: Message, d: Deriver) -> Handled:
        """The target checks the confirm with its new keys (a wrong key fails MAC-I)."""
        ctx = self.ctx
        handover = ctx.handover
        assert handover is not None
        if handover.hop is HopType.INTRA_ENB:
            assert handover.pending is not None
            ctx = replace(ctx, keys=self._keeping_late_next_hop(handover.pending),
                          cell=handover.target.name,
                          c_rnti=handover.c_rnti, ul_count=0, dl_count=0)
        read = self._read_uplink(message, ctx=ctx)
        ctx = replace(ctx, ul_count=message.get("COUNT") + 1, handover=None)
        if handover.hop is HopType.INTRA_ENB:
            return Handled(ctx, (), read,
                           PATH_SWITCH_PENDING if ctx.x2_source is not None else "intra-enb")
        if handover.hop is HopType.X2:
            # the eNB UE S1AP ID of this context names the UE association (TS 36.413 9.1.5.8)
            request = Message(Kind.S1AP_PATH_SWITCH_REQUEST, self.name, self.mme,
                              (("eNB UE S1AP ID", ctx.enb_ue_s1ap_id),
                               ("source eNB", handover.peer)))
            assert handover.x2ap_id is not None and handover.peer_x2ap_id is not None
            x2_source = (handover.peer, handover.peer_x2ap_id, handover.x2ap_id)
            return Handled(replace(ctx, x2_source=x2_source), (request,), read, "x2")
        notify = Message(Kind.S1AP_HANDOVER_NOTIFY, self.name, handover.peer)
        return Handled(ctx, (notify,), read, "s1")

    def on_s1ap_path_switch_request_acknowledge(self, message: Message,
                                                d: Deriver) -> Handled:
        """TS 33.401 7.2.8.4.2: keep {NH, NCC} for the next handover; release the source.

        Only for the UE context the acknowledge names: the eNB identifies the UE of a
        UE-associated S1AP message by its eNB UE S1AP ID (TS 36.413 3.1; 9.1.5.9 carries the
        one of the PATH SWITCH REQUEST). An acknowledge for a context this eNB no longer
        holds (the UE came back and has a new one, with a new ID) is refused: its {NH, NCC}
        belongs to a chain position the UE has left, and its source was not this context's.
        TS 36.413 10.6 has the eNB also send ERROR INDICATION, which the model leaves out."""
        ctx = self.ctx
        assert ctx.keys is not None
        self._named_context(message)
        keys = self.call("path_switch_acknowledged", ctx.keys, message.get("SecurityContext"))
        sent: tuple[Message, ...] = ()
        if ctx.x2_source is not None:
            source, old_id, new_id = ctx.x2_source
            sent = (Message(Kind.X2AP_UE_CONTEXT_RELEASE, self.name, source,
                            (("Old eNB UE X2AP ID", old_id), ("New eNB UE X2AP ID", new_id))),)
        return Handled(replace(ctx, keys=keys, x2_source=None), sent)

    # -- shared steps --------------------------------------------------------------------------
    def _prepare_target(self, d: Deriver, ctx: EnbContext, security: Fields, target: Cell,
                        hop: HopType) -> tuple[EnbContext, EnbKeys, Fields]:
        """Admit the UE: allocate a C-RNTI, derive the KeNB, build the HO command content
        (the target-to-source transparent container)."""
        if security is None:
            raise Reject("no security information for the UE")
        c_rnti = ctx.next_c_rnti
        kenb, ncc, command_security = self.call("target_enb", d, security, target, c_rnti, hop)
        returned_key("target_enb", kenb)
        if self.variant.initial_ncc() is not None:  # a variant with NH/NCC
            handover_ncc(ncc, "security information")
        keys = EnbKeys(self.call("as_keys", d, kenb, ncc))
        container: Fields = (("target PCI", target.pci), ("EARFCN-DL", target.earfcn_dl),
                             ("new C-RNTI", c_rnti), *command_security)
        next_c_rnti = c_rnti % self.variant.c_rnti_max() + 1
        if hop is HopType.INTRA_ENB:
            return replace(ctx, next_c_rnti=next_c_rnti), keys, container
        # a new UE context, on a new UE-associated logical S1-connection: its eNB UE S1AP ID
        # goes in PATH SWITCH REQUEST (X2, TS 36.413 9.1.5.8) or HANDOVER REQUEST
        # ACKNOWLEDGE (S1, 9.1.5.5); an intra-eNB handover keeps the UE's. Nothing of a
        # context this eNB still held (ho-commanded: its release not yet received) carries
        # over, not the X2 source it was to release on its own Path Switch Acknowledge.
        ctx = replace(ctx.released(), next_c_rnti=next_c_rnti, cell=target.name,
                      c_rnti=c_rnti).new_s1_association()
        return ctx, keys, container

    def _command_ue(self, ctx: EnbContext, content: Fields) -> tuple[EnbContext,
                                                                     tuple[Message, ...]]:
        """Send the HO command, protected with this (source) eNB's keys."""
        assert ctx.keys is not None
        pdu = protect_rrc(ctx.keys.as_keys, ctx.dl_count, DOWNLINK, content)
        command = Message(Kind.RRC_HANDOVER_COMMAND, self.name, "ue",
                          (("COUNT", ctx.dl_count), ("PDU", pdu)), INTEGRITY_AND_CIPHERING)
        return replace(ctx, dl_count=ctx.dl_count + 1), (command,)

    def _read_uplink(self, message: Message, cipher: bool = True,
                     ctx: EnbContext | None = None) -> Fields:
        ctx = ctx or self.ctx
        assert ctx.keys is not None
        count = message.get("COUNT")
        if count < ctx.ul_count:
            raise Reject(f"PDCP COUNT {count} already used (replay)")
        return unprotect_rrc(ctx.keys.as_keys, count, UPLINK, message.get("PDU"), cipher)
