"""The UE: RRC connected mode with AS security, measurement reports and handover execution.

TS 36.331 5.3.5.4 (reconfiguration with mobilityControlInfo), TS 33.401 7.2.8.4.3 (keys).
"""

from __future__ import annotations

from hoverify.statemachines.derivation import Deriver
from hoverify.statemachines.entity import (
    Entity,
    Handled,
    Reject,
    handover_ncc,
    known_cell,
    new_c_rnti,
)
from hoverify.statemachines.messages import NAS_PDU, Fields, Kind, Message
from hoverify.statemachines.protection import (
    DOWNLINK,
    INTEGRITY,
    INTEGRITY_AND_CIPHERING,
    UPLINK,
    nas_mac,
    protect_rrc,
    unprotect_rrc,
)
from hoverify.statemachines.record import record, replace
from hoverify.statemachines.variant import UeKeys, field_value, returned_key


@record
class UeContext:
    kasme: bytes  # from EPS AKA (TS 33.401 6.1)
    knas_int: bytes  # from the NAS security mode command (TS 33.401 7.2.4.4)
    ul_nas_count: int
    cell: str  # serving cell
    c_rnti: int
    keys: UeKeys | None = None
    ul_count: int = 0  # next uplink PDCP COUNT on SRB1
    dl_count: int = 0  # lowest acceptable downlink PDCP COUNT (replay protection)
    nas_dl_count: int = -1  # last accepted downlink NAS COUNT


class Ue(Entity):
    STATES = ("idle", "connected")
    TRANSITIONS = (
        (Kind.RRC_SECURITY_MODE_COMMAND, "", ("idle",), "connected"),
        (Kind.MEASUREMENT_TRIGGER, "", ("connected",), None),
        (Kind.RRC_HANDOVER_COMMAND, "", ("connected",), None),
    )
    ctx: UeContext

    def _serving_enb(self) -> str:
        return self.topology.cell(self.ctx.cell).enb

    def on_rrc_security_mode_command(self, message: Message, d: Deriver) -> Handled:
        """TS 33.401 7.2.4.5: derive KeNB from KASME (and the variant's NH chain,
        TS 33.401 7.2.8.1.1), check the command's MAC-I."""
        ctx = self.ctx
        keys = self._keys_from_kasme(d)
        as_keys = keys.as_keys
        read = unprotect_rrc(as_keys, message.get("COUNT"), DOWNLINK, message.get("PDU"),
                             cipher=False)
        pdu = protect_rrc(as_keys, 0, UPLINK, (), cipher=False)
        complete = Message(Kind.RRC_SECURITY_MODE_COMPLETE, self.name, message.sender,
                           (("COUNT", 0), ("PDU", pdu)), INTEGRITY)
        return Handled(replace(ctx, keys=keys, ul_count=1,
                               dl_count=message.get("COUNT") + 1), (complete,), read)

    def _keys_from_kasme(self, d: Deriver) -> UeKeys:
        """KeNB from KASME and the uplink NAS COUNT of the NAS SMC (TS 33.401 7.2.4.4, A.3),
        its AS keys and the variant's NH chain (7.2.8.1.1): as at AS security set-up."""
        ctx = self.ctx
        kenb = self.call("initial_kenb", d, ctx.kasme, ctx.ul_nas_count)
        returned_key("initial_kenb", kenb)
        as_keys = self.call("as_keys", d, kenb, self.variant.initial_ncc())
        return UeKeys(ctx.kasme, as_keys, self.call("initial_chain", d, ctx.kasme, kenb))

    def on_measurement_trigger(self, message: Message, d: Deriver) -> Handled:
        """The radio conditions make the UE report a neighbour cell (TS 36.331 5.5.5)."""
        ctx = self.ctx
        assert ctx.keys is not None
        cell = self.topology.cell(message.get("cell"))
        content: Fields = (("PCI", cell.pci), ("EARFCN-DL", cell.earfcn_dl))
        pdu = protect_rrc(ctx.keys.as_keys, ctx.ul_count, UPLINK, content)
        report = Message(Kind.RRC_MEASUREMENT_REPORT, self.name, self._serving_enb(),
                         (("COUNT", ctx.ul_count), ("PDU", pdu)), INTEGRITY_AND_CIPHERING)
        return Handled(replace(ctx, ul_count=ctx.ul_count + 1), (report,))

    def on_rrc_handover_command(self, message: Message, d: Deriver) -> Handled:
        """TS 36.331 5.3.5.4 and TS 33.401 7.2.8.4.3: check the command with the source keys,
        derive the target keys, confirm to the target cell with them."""
        ctx = self.ctx
        assert ctx.keys is not None
        count = message.get("COUNT")
        if count < ctx.dl_count:
            raise Reject(f"PDCP COUNT {count} already used (replay)")
        content = unprotect_rrc(ctx.keys.as_keys, count, DOWNLINK, message.get("PDU"))
        command, nas_dl_count = self._open_nas_part(content)
        target = known_cell(self, field_value(command, "target PCI"),
                             field_value(command, "EARFCN-DL"))
        c_rnti = new_c_rnti(field_value(command, "new C-RNTI"))
        if self.variant.initial_ncc() is not None:  # a variant with NH/NCC
            handover_ncc(field_value(command, "NCC"), "HO command")
        source = self.topology.cell(ctx.cell)
        keys = ctx.keys
        # TS 36.331 5.3.5.4: "if the keyChangeIndicator received in the securityConfigHO is
        # set to TRUE: update the KeNB key based on the fresh KASME key taken into use with
        # the previous successful NAS SMC procedure"; the KeNB* of the handover is then
        # derived from that KeNB as from any (TS 33.401 7.2.9.2, A.3, its NCC 0), as srsRAN's
        # UE does (srsue rrc_procedures.cc: generate_as_keys, then generate_as_keys_ho with
        # the command's NCC). No network of the model sends TRUE: only an edit does.
        if field_value(command, "keyChangeIndicator") is True:
            keys = self._keys_from_kasme(d)
        kenb, ncc, chain = self.call("ue", d, keys, command, source, target, c_rnti)
        returned_key("ue", kenb)
        as_keys = self.call("as_keys", d, kenb, ncc)
        pdu = protect_rrc(as_keys, 0, UPLINK, (("C-RNTI", c_rnti),))
        confirm = Message(Kind.RRC_HANDOVER_CONFIRM, self.name, target.enb,
                          (("COUNT", 0), ("PDU", pdu)),
                          ("KRRCint (128-EIA2), target keys", "KRRCenc (128-EEA2), target keys"))
        new = replace(ctx, cell=target.name, c_rnti=c_rnti,
                      keys=UeKeys(ctx.kasme, as_keys, chain), ul_count=1, dl_count=0,
                      nas_dl_count=nas_dl_count)
        return Handled(new, (confirm,), content)

    def _open_nas_part(self, content: Fields) -> tuple[Fields, int]:
        """The NAS part of the HO command (the seed's step 7), checked with NAS-MAC."""
        nas_pdu = field_value(content, NAS_PDU)
        rest = tuple((k, v) for k, v in content if k != NAS_PDU)
        if nas_pdu is None:
            return _once(rest), self.ctx.nas_dl_count
        if not (isinstance(nas_pdu, tuple) and len(nas_pdu) == 3):  # (fields, COUNT, NAS-MAC)
            raise Reject("malformed NAS-PDU")
        nas_fields, nas_count, mac = nas_pdu
        if nas_count <= self.ctx.nas_dl_count:
            raise Reject(f"NAS COUNT {nas_count} already used (replay)")
        if nas_mac(self.ctx.knas_int, nas_count, nas_fields) != mac:
            raise Reject("NAS-MAC check failed (128-EIA2 with KNASint)")
        return _once((*rest, *nas_fields)), nas_count


def _once(command: Fields) -> Fields:
    """An information element appears once in a HO command: one given twice (a copy outside
    the NAS part, say) makes the command malformed, refused."""
    names = [name for name, _ in command]
    twice = next((name for name in names if names.count(name) > 1), None)
    if twice is not None:
        raise Reject(f"malformed HO command: {twice} given twice")
    return command

