"""A downgrade that only a revealed key makes (text36): the seed's proposal where the target
MME refreshes with a key held by the MMEs alone, K_FS = KDF(KASME, "FS String"), unless the
source eNB says in S1AP HandoverRequired (a flag nothing protects end to end, as
``tests/broken_variants/bit_unprotected.py``) that the UE lacks it; then it falls back to the
seed's KeNB*+ = KDF(K_HO, KeNB*) (section 3 step 4), K_HO being the key the seed delegates
(section 4). The UE learns which under NAS-MAC ("strong refresh" beside the notification
bit).

A compromised source eNB that clears the flag puts the UE and the honest target on KeNB*+:
alone it cannot derive it (it lacks K_HO), so downgrade-resistance, promised against a
compromised source eNB (TS 33.401 7.2.8), holds for it. With K_HO revealed too, the attacker
derives KeNB*+ but not the honest KeNB (K_FS is KASME's alone): the edit is a downgrade for
it, made by what it holds beside the eNB: outside the promise, as backward and forward
security say it of an attacker holding more than eNBs."""

from dataclasses import dataclass

from hoverify.statemachines.derivation import Deriver, public, secret
from hoverify.statemachines.messages import Fields
from hoverify.statemachines.topology import Cell, HopType
from hoverify.statemachines.variant import MmeKeys, NhChain, UeKeys, field_value
from hoverify.statemachines.variants.seed_fs import FC_KENB_STAR_PLUS, THROUGH_MME, SeedFs

SUPPORTS = "UE supports K_FS"
STRONG = "strong refresh"
FC_K_FS = 0xF4
CLAUSE = "text36 test variant"


@dataclass(frozen=True)
class WeakModeViaKHo(SeedFs):
    name: str = "text36-weak-mode-via-k-ho"
    field_names = (SUPPORTS, STRONG)

    def k_fs(self, d: Deriver, kasme: bytes) -> bytes:
        return d.kdf("K_FS", CLAUSE, secret("KASME", kasme), FC_K_FS,
                     public("FS String", b"FS String"))

    def kenb_star_strong(self, d: Deriver, kasme: bytes, kenb_star: bytes) -> bytes:
        return d.kdf("KeNB*fs", CLAUSE, secret("K_FS", self.k_fs(d, kasme)),
                     FC_KENB_STAR_PLUS, secret("KeNB*", kenb_star))

    def source_enb(self, d, keys, target, hop):  # type: ignore[no-untyped-def]
        keys, fields = super().source_enb(d, keys, target, hop)
        return keys, (*fields, (SUPPORTS, True)) if hop in THROUGH_MME else fields

    def target_mme(self, d: Deriver, mme: MmeKeys, hop: HopType,
                   fields: Fields) -> tuple[Fields, Fields]:
        if field_value(fields, SUPPORTS) is not True:  # the seed's KeNB*+, through K_HO
            return super().target_mme(d, mme, hop, fields)
        self.k_ho(d, mme.kasme)  # the key the seed delegates (section 4), derived as ever
        strong = self.kenb_star_strong(d, mme.kasme, field_value(fields, "KeNB*"))
        return (("KeNB*", strong),), (("notification bit", 1), (STRONG, 1))

    def command_fields(self) -> tuple[tuple[str, tuple[object, ...]], ...]:
        return (*super().command_fields(), (STRONG, (0, 1)))

    def ue(self, d: Deriver, ue: UeKeys, command: Fields, source: Cell, target: Cell,
           c_rnti: int) -> tuple[bytes, int | None, NhChain | None]:
        if field_value(command, STRONG, 0) != 1:
            return super().ue(d, ue, command, source, target, c_rnti)
        kenb_star = self.kenb_star(d, ue.as_keys.kenb, target)
        strong = self.kenb_star_strong(d, ue.kasme, kenb_star)
        return self.kenb_from(d, strong, "KeNB*fs", c_rnti), None, ue.chain


VARIANT = WeakModeViaKHo()
