"""The security claims and model invariants, one object each (see ``hoverify.properties.engine``).

Each claim states its "always" and its "sometimes" side by side, judges events from the
engine's facts, and says whether the variant promises it (from the variant's own
``promises()``; nothing here knows a variant by name). A failing verdict carries a witness
(what the attacker holds and each derivation from there to the key, or the message trace of
the attack); a holding one carries the cut (the secret inputs the attacker lacks).

Definitions (TS 33.501 3.1, the same ideas as TS 33.401 7.2.8):
- backward security: an attacker holding an eNB cannot compute a KeNB used by another eNB
  earlier than a KeNB of the eNB's own that it knows (one it serves with, or one a
  HandoverRequest prepared it with as a target, whether or not the UE came), whenever it was
  compromised (one that has none: earlier than the compromise). One after its last KeNB,
  with no later one, is later: forward security's. Between a service and a later KeNB of
  its own, forward security keeps only what the eNB could derive as the former serving eNB,
  within that promise's n hops; what it learns as the UE comes back (the HandoverRequest
  that prepares it), or from a message once back, is judged (it must not give the eNB the
  keys used in between);
- forward security: an eNB cannot compute a later KeNB used with another eNB; n-hop forward
  security: the keys used n or more hops after the last KeNB the attacker legitimately held
  cannot be computed (if the UE returns to a compromised eNB, counting restarts there). A
  KeNB is earlier or later than the attacker's own, never both: forward security leaves out
  the earlier ones (backward security's definition, read, not copied), but one the eNB
  derived as the former serving eNB beyond a forward-security promise and that the UE's
  return made earlier: that fails both.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any, NamedTuple

from hoverify.properties.adversary import KASME, NETWORK, UNPROTECTED, Adversary
from hoverify.properties.analysis import Analysis
from hoverify.properties.engine import (
    AT_THE_EDITOR,
    COMPLETED,
    DERIVABLE,
    DERIVED,
    ENB_LEARNT,
    ENDED,
    KNOWLEDGE,
    NEVER_COMPLETES,
    OUT_OF_REACH,
    REFUSED,
    REQUESTS,
    SENT,
    STEP,
    Completion,
    Consumers,
    Derived,
    Event,
    Facts,
    Knowledge,
    Observed,
    Preparation,
    Session,
    UeRun,
    UncoveredKeNB,
    Unedited,
    Verdict,
    grow,
    knowing,
)
from hoverify.properties.hop_list import hop_list, hops_named
from hoverify.properties.labels import names_output
from hoverify.properties.later_kenbs import (
    NOTHING_PROMISED,
    Derivable,
    Judgement,
    LaterKeNBs,
    reach_text,
)
from hoverify.properties.lines import Lines
from hoverify.properties.promises import (
    FORWARD,
    find_promise,
    forward_windows,
)
from hoverify.properties.values import Chained
from hoverify.statemachines.derivation import Derivation
from hoverify.statemachines.messages import Interface, Kind, Message
from hoverify.statemachines.names import word_list
from hoverify.statemachines.system import UE
from hoverify.statemachines.topology import HopType, Topology
from hoverify.statemachines.variant import (
    BACKHAUL_PROTECTED,
    CELL_IDENTITY,
    NCC_MODULUS,
    KeySchedule,
    Promise,
)

KEY_AGREEMENT = "key-agreement"
SECRECY = "key-secrecy"
BACKWARD = "backward-security"
SEPARATION = "key-separation"
DOWNGRADE = "downgrade-resistance"
DENIAL = "handover-denial"  # observed beside downgrade, never called downgrade
CAPTURE = "fake-cell-capture"  # likewise (hoverify.properties.downgrade)
CONFINEMENT = "confinement"
ALIVENESS = "aliveness"
AGREEMENT = "agreement"
INJECTIVE = "injective-agreement"
UE_AGREEMENT = "ue-agreement"
AUTHENTICATION = (ALIVENESS, AGREEMENT, INJECTIVE, UE_AGREEMENT)  # Lowe's hierarchy
CLAIMS = (KEY_AGREEMENT, SECRECY, BACKWARD, FORWARD, SEPARATION, DOWNGRADE, DENIAL, CAPTURE,
          CONFINEMENT, *AUTHENTICATION)
NO_CHANGE_ON_REFUSAL = "refusal-changes-nothing"
NCC_RANGE = "ncc-range"
NCC_SYNC = "ncc-sync"
INVARIANTS = (NO_CHANGE_ON_REFUSAL, NCC_RANGE, NCC_SYNC)
# why backward and forward security fail only outside their promise without NDS/IP

__all__ = ["CLAIMS", "ClaimResult", "Verdict", "all_claims", "situation"]


@dataclass(frozen=True)
class ClaimResult:
    """A claim over a finished run: its verdicts and how often its situation arose."""

    name: str
    verdicts: tuple[Verdict, ...]
    sometimes: int = 0
    promised_by_variant: bool = False
    not_judged: tuple[str, ...] = ()  # why hops of the run that ran were left out, if any
    # where the claim's situation did not arise (a hop whose edits met none, for ``check``'s
    # edit search), why: no verdict there, yet promised it is vacuous, not n/a (agree37)
    never_arose: tuple[str, ...] = ()

    @property
    def promised(self) -> bool:
        """A verdict is promised; with none (vacuous, n/a), the variant promises the claim for
        a type of the run's hops."""
        if not self.verdicts:
            return self.promised_by_variant
        return any(v.promised for v in self.verdicts)

    @property
    def applies(self) -> bool:
        """False when no hop or attacker of the run gives the claim anything to judge."""
        return bool(self.verdicts)

    @property
    def vacuous(self) -> bool:
        """Promised, but its situation never arose: its "holds" would say nothing (where
        the claim's definition left out every hop that ran, ``not_judged`` says why instead:
        n/a; where it judged one whose situation did not arise, ``never_arose`` says why). A
        model invariant, which no variant promises, is n/a there, as ``verify`` says it."""
        return (self.promised_by_variant and self.name not in INVARIANTS
                and self.sometimes == 0 and self.holds
                and (bool(self.never_arose) or not self.not_judged))

    @property
    def holds(self) -> bool:
        return all(v.holds for v in self.verdicts)

    @property
    def untested(self) -> bool:
        """Forward security holds, but no verdict has a cut: each attacker derives every
        later KeNB of the run (within its promised n hops), nothing later is kept from any,
        so the run could not have broken the promise; its "holds" would say nothing."""
        return (self.name == FORWARD and self.applies and self.holds and self.promised
                and not self.vacuous and not any(v.cut for v in self.verdicts))

    @property
    def promise_broken(self) -> bool:
        return any(v.promised and not v.holds for v in self.verdicts)

    @property
    def broken_by_former_serving(self) -> bool:
        """Backward security's promise is broken only on KeNBs a former serving eNB derived
        beyond forward security's promise, earlier than its own once the UE came back to it
        (``Verdict.former_serving``): forward security's failure on the same keys."""
        broken = [v for v in self.verdicts if v.promised and not v.holds]
        return bool(broken) and all(v.former_serving for v in broken)

    @property
    def outside(self) -> str | None:
        """The assumptions of a promise that the run broke, when every failure is outside the
        promise (None: a failure is not promised at all, or none); several are joined by
        "; "."""
        return "; ".join(self.outside_each) if self.outside_each else None

    @property
    def outside_each(self) -> tuple[str, ...]:
        """``outside``, one assumption (or reason) each, sorted (empty: not every failure is
        outside the promise, or none fails)."""
        reasons = [v.outside for v in self.verdicts if not v.holds]
        if None in reasons:
            return ()
        return tuple(sorted({r for r in reasons if r is not None}))

    @property
    def shown(self) -> Verdict | None:
        """The failure that stands for the claim (its witness is the one shown): the first
        that breaks a promise, else the first not promised at all, else the first outside
        the promise; the claim's word (``outside``) says the same."""
        failing = [v for v in self.verdicts if not v.holds]
        return min(failing, key=lambda v: (not v.promised, v.outside is not None), default=None)


class _Claim:
    """Stateless by default: a verdict is a function of the facts."""

    invariant = False  # a model invariant, not a security claim (never "vacuous")
    # judged step by step only (``summary`` has nothing over a finished run), as a model
    # invariant always is: its verdicts over a run are the failures the engine kept
    # (``Engine.summary``)
    stepwise = False
    name = ""
    always = ""
    sometimes = ""
    # whom the claim is promised against, with the clause that says so (``beyond``): backward
    # and forward security are defined per eNB (TS 33.401 7.2.8.1, TS 33.501 3.1)
    against = "a compromised eNB (TS 33.401 7.2.8.1)"
    # its verdicts may name a compromised eNB as their attacker: where one that served the UE
    # holds, a search judges its reason there (``exploration.served_reason``); the others
    # judge the honest run, the radio observer or a revealed key
    judges_compromised = False

    def __init__(self, variant: KeySchedule, topology: Topology) -> None:
        self.variant = variant
        self.topology = topology

    def promised_by(self, variant: KeySchedule) -> bool:
        return any(p.claim == self.name for p in variant.promises())

    def promise(self, hop_type: HopType | None) -> bool:
        return find_promise(self.variant, self.name, hop_type) is not None

    def handovers_to_break(self, promise: Promise) -> int:
        """The fewest handovers a run needs before it can break ``promise`` (one of this
        claim's): a bound below it judges the promise without its situation, so a search
        within that bound that finds no violation says nothing of it."""
        return 1

    def beyond(self, a: Knowledge) -> str | None:
        """Why attacker ``a`` is outside what the claim promises (None: it holds eNBs only):
        it is promised against compromised eNBs (``against``, with its own clause), with S1
        and X2 under NDS/IP (TS 33.401 11)."""
        if a.name == NETWORK:
            return UNPROTECTED
        others = sorted(a.entities - set(self.topology.enbs))
        if others:
            return (f"the promise is made against {self.against}, and the attacker holds "
                    f"{word_list(map(self._held, others))}")
        return None

    def _held(self, entity: str) -> str:
        """What the attacker holds in holding ``entity``, not an eNB: a party's keys (the UE's,
        an MME's), else the key revealed, by its name (KASME, K_HO). text38: "holds ue"."""
        if entity == UE:
            return "the UE's keys"
        return f"{entity}'s keys" if entity in self.topology.mmes else entity

    def outside(self, a: Knowledge, promised: bool) -> str | None:
        """Why a failure of ``a``, excused (``excused``), is outside the promise: ``beyond(a)``
        where the variant promises the claim for what failed (``promised``), else None: the
        failure is simply not promised (helper-152: seed-fs, which promises forward security
        on S1 hops alone, read "outside the promise" on an X2 hop with KASME revealed)."""
        return self.beyond(a) if promised else None

    def hop_between(self, source_cell: str, target_cell: str) -> HopType:
        """The type of a handover between two cells, named (``Topology.hop_type``)."""
        return self.topology.hop_type(self.topology.cell(source_cell),
                                      self.topology.cell(target_cell))

    def excused(self, facts: Facts, a: Knowledge, breaks: Callable[[Knowledge], bool]) -> bool:
        """A failure of attacker ``a`` is outside the promise for what ``a`` holds beyond
        eNBs (``beyond``): only where its eNBs alone (``Facts.enbs_alone``: its compromised
        eNBs, without the revealed keys, the UE, the MMEs) would not break the promise
        themselves (``breaks``: the claim's own judgement of them). An attacker with a key
        revealed beside its eNB is a stronger one: it never gets a weaker verdict than the
        eNB alone, whose failure breaks a promise made against a compromised eNB."""
        if self.beyond(a) is None:
            return False
        alone = facts.enbs_alone(a.name)
        return alone is None or not breaks(alone)

    def kept(self, event: Event) -> bool:
        """Whether the checker would keep a failure of this claim on ``event``: one outside
        the promise, or a promised one where the variant promises the claim at all. When it
        would keep neither, a claim need not look for one (``check`` judges every attacker
        on every step: once both are found, that pass is all the work left)."""
        return event.wants(self.name, False) or (
            event.wants(self.name, True)
            and find_promise(self.variant, self.name, None) is not None)

    def initial(self) -> Any:
        return ()

    def summary(self, state: Any, facts: Facts, arose: Mapping[int, int]) -> list[Verdict]:
        return []

    def over_run(self, facts: Facts, arose: dict[int, int]) -> dict[int, int]:
        """Of the times the claim's situation arose in each hop, those its verdicts over the
        finished run judge: all of them."""
        return arose

    def held(self, seen: Sequence[Any], arose: int) -> str:
        """Why a stepwise claim held over a run in which its situation arose ``arose`` times
        (``Engine.summary``): an edit claim says each edit it judged (``EditClaim.held``),
        a model invariant what it saw."""
        return f"held {times(arose)} {self.sometimes}"

    def holders(self, seen: Sequence[Any]) -> dict[str, list[Any]]:
        """Whom each holding verdict of a stepwise claim over a run names, with what it saw
        (``held`` says it): a model invariant no attacker ("-"); an edit claim, each attacker
        whose eNB edited (``EditClaim.holders``)."""
        return {"-": list(seen)}

    def judged_beside(self, attacker: str) -> str | None:
        """What each verdict of the claim says first where ``check --compromise`` names
        ``attacker``, which the claim does not judge (None: it judges it, or the verdict's
        attacker column names whom it judged)."""
        return None

    def not_judged(self, facts: Facts) -> dict[tuple[int, str], str]:
        """Per handover that the claim's definition leaves out although it ran, why (a
        claim with none there is "not judged", never vacuous for that reason): keyed by the
        hop and the attacker left out, "" where the hop as a whole is."""
        return {}

    def never_arose(self, facts: Facts, a: Knowledge) -> str | None:
        """Why the claim's situation never arose for attacker ``a``, which therefore has no
        verdict (None: it arose, or the claim does not judge per attacker). Said beside the
        verdicts of the run's other attackers (a whole and its parts, ``Attacker.parts``);
        where no attacker has one, the claim is vacuous or n/a for all and says so once."""
        return None


def times(arose: int) -> str:
    """How often a claim's situation arose, before its "sometimes": "the one time" where it
    arose once (not "each of the 1 times")."""
    return "the one time" if arose == 1 else f"each of the {arose} times"


def _new_completion(event: Event, facts: Facts) -> bool:
    """This event completed a handover (not the initial AS security)."""
    return len(facts.completions) > max(1, len(event.earlier.completions))


# -- key agreement ---------------------------------------------------------------------------
class KeyAgreement(_Claim):
    """Step by step (every checker): a refused HO command or confirm while the path is
    undisturbed (no fault so far), and keys that differ after an accepted confirm (not
    promised after a compromised eNB's edit: ``after_an_edit``). Where a run may end (a
    step left nothing in flight: ``ENDED``), also a handover its source decided that never
    completed, on a run with no adversary action whose handovers ran one at a time
    (``_ended``): only there is it known that nothing more will arrive. Every checker judges
    that end alike: ``check`` after each hop that ran to its end, ``explore`` and ``verify``
    in each state with nothing in flight (helper-247 #1: a target refusing every
    HandoverRequest failed in ``check`` and read vacuous in ``verify``). State: the failures
    so far (``check`` lists them per hop)."""

    name = KEY_AGREEMENT
    reads = frozenset({Kind.RRC_HANDOVER_COMMAND, Kind.RRC_HANDOVER_CONFIRM, ENDED})
    always = ("a handover run by the honest parties with no adversary action completes, and "
              "the UE and the target then hold the same KeNB, NCC and RRC/UP keys")
    sometimes = ("a HO confirm reached its target, accepted or on a run with no adversary "
                 "action, or a handover its source decided on such a run never completed")

    def observe(self, state: Any, event: Event, facts: Facts) -> Observed:
        step = event.step
        if event.ended:
            return self._ended(state, facts)
        if step is None:
            return Observed(state)
        kind, receiver = step.message.kind, step.message.receiver
        confirm = kind is Kind.RRC_HANDOVER_CONFIRM and receiver != UE
        refused_command = (kind is Kind.RRC_HANDOVER_COMMAND and receiver == UE
                           and not step.outcome.accepted)
        if not confirm and not refused_command:
            return Observed(state)
        failure = self.judge(step, facts)
        failures = (failure,) if failure else ()
        # the situation is a confirm the claim judges: accepted (the keys are compared), or
        # refused on a run the honest parties ran alone; a refusal after an adversary action
        # is none (``not_judged``)
        return Observed((*state, *failures), failures,
                        int(confirm and (step.outcome.accepted or facts.undisturbed)))

    def judge(self, step: Any, facts: Facts) -> Verdict | None:
        receiver = step.message.receiver
        target = "the target eNB" if receiver == UE else receiver
        keys = getattr(step.ctx_after, "keys", None) if receiver != UE else None
        enb_keys = keys.as_keys if keys is not None else None
        ue_keys = facts.ue.keys.as_keys if facts.ue is not None and facts.ue.keys else None
        hop = step.hop
        edit = after_an_edit(facts, hop)
        if step.outcome.accepted:
            if ue_keys == enb_keys:
                return None
            why = f"UE and {target} disagree after a completed handover"
            if edit is not None:
                return Verdict(hop, "-", False, False, why + not_honest(self.name, *edit),
                               self._witness(facts, ue_keys, enb_keys, target))
        elif facts.undisturbed:
            what = "HO command" if receiver == UE else "HO confirm"
            why = (f"{receiver} refused the {what} of handover {hop}, run by the honest "
                   f"parties with no adversary action ({step.outcome.reason})")
        else:
            return None
        return Verdict(hop, "-", False, self.promise(self._hop_type(step, facts)), why,
                       self._witness(facts, ue_keys, enb_keys, target))

    def _hop_type(self, step: Any, facts: Facts) -> HopType | None:
        if step.outcome.accepted:
            return facts.completions[-1].hop_type
        if facts.ue is None or not facts.completions:
            return None
        return self.hop_between(facts.completions[-1].cell, facts.ue.cell)

    def _witness(self, facts: Facts, ue: Any, enb: Any, target: str) -> tuple[str, ...]:
        lines = [f"UE KeNB {ue.kenb.hex() if ue else None}",
                 f"{target} KeNB {enb.kenb.hex() if enb else None}"]
        if ue is None or enb is None:
            return tuple(lines)
        if ue.kenb == enb.kenb:  # the same KeNB: what differs is below it
            differ = [f"{name} (UE {_short(getattr(ue, field))}, {target} "
                      f"{_short(getattr(enb, field))})"
                      for field, name in (("ncc", "NCC"), ("krrc_int", "KRRCint"),
                                          ("krrc_enc", "KRRCenc"), ("kup_enc", "KUPenc"))
                      if getattr(ue, field) != getattr(enb, field)]
            return (*lines, f"the same KeNB; they differ in {', '.join(differ)}" if differ
                    else "the same KeNB and AS keys")
        mine, theirs = facts.ancestry(ue.kenb), facts.ancestry(enb.kenb)
        # each side's derivations that the other's KeNB does not rest on (the MME's NH
        # derivations on the eNB's side: who computed one is not what the prefix says)
        for side, kenb, own in (("UE", ue.kenb, [d for d in mine if d not in theirs]),
                                (target, enb.kenb, [d for d in theirs if d not in mine])):
            lines += [f"{side}'s side: {facts.line(d)}" for d in own]
            if not own:
                # its KeNB is a key the other side derives on (e.g. an NH taken as the
                # KeNB): named, so that the difference shows
                lines.append(f"{side}'s side: its KeNB is {facts.label(kenb)}, used as it "
                             "came (no derivation of its own)")
        return tuple(lines)

    def _ended(self, state: Any, facts: Facts) -> Observed:
        """The run may end here (nothing in flight): a failure where the last handover begun
        never completed, its source decided it (``started``), no adversary acted so far, and
        the run's handovers ran one at a time (``Facts.sequential``: each begun once every
        earlier one had ended; the earlier ones were judged where they ended). Handovers
        under way together race (a HandoverRequired before the Path Switch Request of the
        handover before; two Path Switch Requests crossing at the MME, which then takes the
        UE to be where it is not and refuses its next handover), and a race lost stalls a
        handover, then or later, in a model with no timers, retries or error handling: that
        is liveness, no key the UE and the network disagree on (docs/limits.md). Once per
        handover: one failed already (a refused HO command) is in ``state``."""
        hop = facts.hop  # ``settled``: it had ended already, judged at that end
        if (not facts.undisturbed or not facts.sequential or facts.settled
                or hop not in self.started(facts) or facts.completed_in(hop)
                or any(v.hop == hop for v in state)):
            return Observed(state)
        failure = Verdict(hop, "-", False, self.promise(None),
                          f"handover {hop}, run by the honest parties with no adversary "
                          "action, never completed")
        return Observed((*state, failure), (failure,), 1)

    def summary(self, state: Any, facts: Facts, arose: Mapping[int, int]) -> list[Verdict]:
        """The failures (a handover that never completed among them, judged where the run
        could have ended: ``_ended``), and a holding verdict per completed handover without
        one."""
        failed = {v.hop for v in state}
        verdicts = list(state)
        for c in facts.completions:
            if c.number > 0 and c.handover not in failed:
                verdicts.append(Verdict(c.handover, "-", True, self.promise(c.hop_type),
                                        f"UE and {c.enb} hold the same KeNB, NCC, KRRCint, "
                                        "KRRCenc, KUPenc; confirm verified"))
        return sorted(verdicts, key=lambda v: v.hop)

    @staticmethod
    def started(facts: Facts) -> frozenset[int]:
        """The handovers a source eNB decided: it accepted the UE's measurement report (TS
        36.300 10.1.2.1.1 steps 2-3: the source decides whether to hand the UE off). One it
        refused never started, as ``check``'s warning says (helper-247 #1: a proposal whose
        source declines an X2 handover read "FAILS (promised) ... never completed" in
        ``check``, where ``verify`` and ``explore`` said holds): the UE stays on the source's
        KeNB, on which nothing disagrees."""
        return frozenset(d.hop for d in facts.authentication.decisions)

    def not_judged(self, facts: Facts) -> dict[tuple[int, str], str]:
        """The handovers ``summary`` leaves out: never completed, on a run disturbed by an
        adversary action (the claim's definition: a handover run by the honest parties with
        no adversary action, or one that completed)."""
        if facts.undisturbed:
            return {}
        return {(hop, ""): (f"handover {hop} never completed, on a run with an adversary "
                            f"action: {self.name} speaks of handovers run by the honest "
                            "parties with no adversary action, and of completed ones")
                for hop in never_completed(facts)}


def never_completed(facts: Facts) -> list[int]:
    """The handovers started that never completed, in order."""
    done = {c.handover for c in facts.completions if c.number > 0}
    return [hop for hop in range(1, facts.hop + 1) if hop not in done]


# -- key secrecy -----------------------------------------------------------------------------
class KeySecrecy(_Claim):
    """Step by step (every checker): the AS keys the UE puts in use (TS 33.401 A.7: KeNB and
    the KRRCint, KRRCenc and KUPenc that protect Uu) are none that the radio observer
    derives, then or once a later derivation makes a used KeNB known. It holds no party's
    keys: only the public values every attacker holds (``Facts.public``: PCI, EARFCN-DL,
    C-RNTI, FC, a spec's constants, and a value that is
    a derivation's secret input or output where another takes it as public) and what follows
    from them by the derivations made (review48: a horizontal KeNB* derived from the PCI and
    EARFCN-DL alone passed a one-hop ``check``, no claim judging an attacker without a
    compromise). Every key hierarchy promises it; the promise needs no NDS/IP, since the
    radio observer reads no backhaul.

    State: the secret values the radio observer derives from the derivations so far, an
    empty set wherever no key rests on public values alone (a function of the derivations:
    two paths to one state share it)."""

    name = SECRECY
    stepwise = True
    reads = frozenset({DERIVED})  # the UE puts keys in use only as it derives them
    always = ("no AS key the UE puts in use (KeNB, KRRCint, KRRCenc, KUPenc) is derivable "
              "by the radio observer, which holds only public values, then or later")
    sometimes = "the UE put AS keys in use"
    against = "the radio observer"
    AS_KEYS = (("kenb", "KeNB"), ("krrc_int", "KRRCint"), ("krrc_enc", "KRRCenc"),
               ("kup_enc", "KUPenc"))

    def initial(self) -> Any:
        return frozenset()

    def held(self, seen: Sequence[Any], arose: int) -> str:
        """Each time, the keys rested on secrets no derivation made (KASME): the radio
        observer lacks them."""
        roots = sorted({root for lacks in seen for root in lacks})
        return (f"the radio observer derived none of the UE's AS keys {times(arose)} the UE "
                f"put them in use: they rest on {word_list(roots) or 'secrets'}, which it "
                "lacks (it holds only public values)")

    def judged_beside(self, attacker: str) -> str | None:
        """Judged against the radio observer alone (docs/claims.md), never against a named
        attacker: said so, lest "it lacks KASME" read as of one that holds it (helper-198 #6:
        "radio observer + KASME@1")."""
        return (f"judged against {self.against} alone, not the named attacker ({attacker}), "
                "which the lines naming it judge")

    def observe(self, state: Any, event: Event, facts: Facts) -> Observed:
        step = event.step
        if step is None:
            return Observed(state)
        walked, known = len(event.earlier.derivations), state
        state = _observer_derives(facts, walked, state)
        leaked = self._leaked(facts, walked, known, state)
        if leaked is not None:
            return Observed(state, (leaked,))
        if step.message.receiver != UE or step.ctx_after.keys is None:
            return Observed(state)
        keys, before = step.ctx_after.keys, getattr(event.before, "keys", None)
        if before is not None and before.as_keys == keys.as_keys:
            return Observed(state)
        as_keys = keys.as_keys
        public = facts.public  # a secret value some derivation takes as public is known
        exposed = [(name, getattr(as_keys, field)) for field, name in self.AS_KEYS
                   if getattr(as_keys, field) in state or getattr(as_keys, field) in public]
        if not exposed:
            return Observed(state, (), 1, (tuple(sorted(facts.roots(as_keys.kenb))),))
        named = word_list(f"{name} ({facts.label(value)})" if name == "KeNB" else name
                         for name, value in exposed)
        hop_type = (None if event.before is None or event.before.keys is None else
                    self.hop_between(event.before.cell, step.ctx_after.cell))
        return Observed(state, (Verdict(
            step.hop, "-", False, self.promise(hop_type),
            f"the radio observer derives the UE's {named} from public values alone (TS 33.401 "
            "A.7 derives the RRC and UP keys from KeNB)",
            ("holds only public values", *self._witness(facts, exposed[0][1], state))),), 1)

    def _leaked(self, facts: Facts, walked: int, known: frozenset[bytes],
                derived: frozenset[bytes]) -> Verdict | None:
        """A KeNB the UE used in a completed handover that the radio observer knows since
        this step's derivations (review49: one that hop 1 takes as public was never judged
        again, its moment of use past): what it protected, recorded, is readable."""
        public = {i.value for d in facts.derivations[walked:] for i in d.derivation.inputs
                  if i.public}
        numbers = sorted({n for v in (derived - known) | public if v not in known
                          for n in facts.using(v)})
        if not numbers:
            return None
        kenb = facts.completions[numbers[0]].kenb
        return Verdict(facts.hop, "-", False,
                       self.promise(facts.completions[numbers[0]].hop_type),
                       "the radio observer derives "
                       f"{word_list(f'KeNB[hop {n}]' for n in facts.hops_of(numbers))}"
                       f", {'a KeNB' if len(numbers) == 1 else 'KeNBs'} of the UE's, from public "
                       "values alone",
                       ("holds only public values", *self._witness(facts, kenb, derived)))

    @staticmethod
    def _witness(facts: Facts, key: bytes, derived: frozenset[bytes]) -> list[str]:
        """From public values to ``key``: each secret value on the way that a derivation
        takes as public, with that derivation, then each derivation the radio observer
        makes, in the order made."""
        ancestry = [d for d in facts.ancestry(key) if d.output in derived]
        needs = {key, *(v for d in facts.ancestry(key) for v in d.needs)}
        taken = [(v, d) for v in needs if v in facts.public
                 for d in [next(d for d in facts.derivations
                                if any(i.public and i.value == v for i in d.derivation.inputs))]]
        return [*(f"{facts.label(v)} is taken as public by: {facts.line(d)}"
                  for v, d in sorted(taken, key=lambda vd: facts.derivations.index(vd[1]))),
                *(facts.line(d) for d in ancestry)]


def radio_observer_knows(facts: Facts) -> Callable[[bytes], bool]:
    """Whether the radio observer knows a value at the end of a run, as key-secrecy judges
    it: a value some derivation takes as public, or one it derives from those."""
    derived, public = _observer_derives(facts, 0, frozenset()), facts.public
    return lambda value: value in derived or value in public


def _observer_derives(facts: Facts, walked: int, derived: frozenset[bytes]) -> frozenset[bytes]:
    """What the radio observer derives from the derivations of ``facts``, given ``derived``
    from the first ``walked`` of them: a derivation fires once each of its secret inputs is
    public (another derivation takes it as public) or derived. A value's first derivation
    comes after those of its inputs (``Facts.derivations``), so one pass in order does; a
    secret value that a new derivation takes as public may open an earlier one: then the
    pass starts from the first."""
    new = facts.derivations[walked:]
    if not new:
        return derived
    public = facts.public
    if any(i.public and i.value in facts.values for d in new for i in d.derivation.inputs):
        derived, new = frozenset(), facts.derivations
    known = set(derived)
    for d in new:
        if all(n in public or n in known for n in d.needs):
            known.add(d.output)
    return derived if len(known) == len(derived) else frozenset(known)


def _short(value: bytes | int | None) -> str:
    return value.hex()[:8] if isinstance(value, bytes) else str(value)


# -- backward and forward security -----------------------------------------------------------
class _Service(NamedTuple):
    """A KeNB of an eNB's own that "earlier" counts from: the one a completion brought it
    (``number``, its completion's), or the one a HandoverRequest prepared it with as a target
    (``number`` None), whether or not the UE then came (TS 33.501 3.1 asks what an eNB that
    knows its KeNB computes, not whether the UE used it). ``position``: the KeNBs before it
    are those of the completions numbered below it (of the handovers before its own)."""

    kenb: bytes
    enb: str
    handover: int
    number: int | None
    position: int


@dataclass
class _Gaps:
    """For a set of entities, over completions ``completions`` (and ``early``) and
    preparations ``preparations``: its KeNBs of its own in order (``services``, their
    ``positions``: each completion at one of its eNBs, each preparation of one by a
    HandoverRequest (``prepared``, those read, ``read`` per eNB in the order made;
    ``latest``: the last handover of one), the
    last hop it served (``served``; None: none), the KeNBs another eNB used before the first
    (``before``), those between two that count as earlier than the later one (``between``),
    those after the last one (``after``), judged at the next, and those between a service
    and a later KeNB of its own that forward security leaves to a former serving eNB so far
    (``kept``: by hop, the handover of that later KeNB). ``learnt``: the
    ``Facts.enb_learnt`` read, and from it, per hop, the last handover in which one of the
    entities learnt its KeNB (``last_learnt``); ``moved``: each KeNB of ``kept`` that a
    record of ``learnt`` (by its place there) made earlier, as it arrived; ``predicted``:
    those of ``between`` that are there only because the eNB, as the former serving eNB,
    derives them beyond a forward-security promise (not learnt back): forward security
    judges them too."""

    completions: tuple[Completion, ...]
    early: frozenset[int]
    learnt: tuple[tuple[str, int, int, Kind], ...]
    preparations: frozenset[Preparation]
    prepared: set[Preparation] = field(default_factory=set)
    latest: int = -1
    services: list[_Service] = field(default_factory=list)
    positions: list[int] = field(default_factory=list)
    served: int | None = None
    before: list[int] = field(default_factory=list)
    between: list[int] = field(default_factory=list)
    after: list[int] = field(default_factory=list)
    kept: dict[int, int] = field(default_factory=dict)
    last_learnt: dict[int, int] = field(default_factory=dict)
    moved: list[tuple[int, int]] = field(default_factory=list)
    predicted: set[int] = field(default_factory=set)
    read: dict[str, tuple[Preparation, ...]] = field(default_factory=dict)


def _unread(gaps: _Gaps | None, enb: str, made: tuple[Preparation, ...]) -> Sequence[Preparation]:
    """The preparations of ``enb`` (``made``, in the order made) not yet in ``gaps``: those
    after the ones it read (``_Gaps.read``) where they only grew, compared by identity (a
    test of each against ``prepared`` hashed every preparation at every call)."""
    was = gaps.read.get(enb, ()) if gaps is not None else ()
    if made[:len(was)] == was:
        return made[len(was):]
    return [p for p in made if gaps is None or p not in gaps.prepared]


class _Back(NamedTuple):
    """Attackers, by their places in ``Facts.attackers`` (of one chain, ``Facts.chains``, in
    its order), for which an event made the KeNBs of hops ``more`` earlier
    (``BackwardSecurity._back``)."""

    places: tuple[int, ...]
    more: list[int]


def _more_of(back: list[_Back], n: int | None) -> list[int]:
    """The KeNBs ``back`` made earlier for the attacker at place ``n`` (none: [])."""
    return next((b.more for b in back if n in b.places), [])


def _deriving(facts: Facts, back: _Back) -> tuple[int, ...]:
    """The places of ``back``'s attackers that know one of the KeNBs it made earlier: of a
    chain, the first ones (``knowing``), none where its first knows none."""
    first = facts.attackers[back.places[0]].known
    known = [kenb for j in back.more if (kenb := facts.completions[j].kenb) in first]
    return back.places[:max((knowing(facts.attackers, back.places, kenb) for kenb in known),
                            default=0)]


def _position(completions: Sequence[Completion], p: Preparation) -> int:
    """Where preparation ``p`` stands among ``completions``: after those of the handovers
    before its own (a copy of a HandoverRequest keeps its handover: a KeNB prepared again
    is no later than it was)."""
    return bisect_left(completions, p.hop, key=lambda c: c.handover)


class BackwardSecurity(_Claim):
    name = BACKWARD
    judges_compromised = True
    # ``Event.attackers``; a HandoverRequest, for a KeNB an eNB is prepared with (``_back``)
    reads = frozenset({KNOWLEDGE, COMPLETED, ENB_LEARNT, *REQUESTS})
    always = ("an attacker knowing a KeNB of its own that an eNB it holds serves with, or "
              "was prepared with as a target, derives no earlier KeNB used with another eNB "
              "(one that has none: none used before the compromise), but those forward "
              "security leaves to a former serving eNB and that the eNB does not learn from "
              "a message once the UE comes back to it; a KeNB earlier than the attacker's "
              "own is never also a later one")
    sometimes = ("an eNB was compromised that knows a KeNB of its own later than one another "
                 "eNB used, or after another eNB used one, and forward security does not "
                 "leave that KeNB to it as a former serving eNB")

    def __init__(self, variant: KeySchedule, topology: Topology) -> None:
        super().__init__(variant, topology)
        self._gaps: dict[frozenset[str], _Gaps] = {}  # per set of entities, the last read

    # -- the one definition of "earlier" -------------------------------------------------------
    def earlier(self, facts: Facts, a: Knowledge) -> list[int]:
        """The KeNBs earlier than one of the attacker's own (TS 33.501 3.1: an eNB that knows
        its KeNB cannot compute "any earlier KeNB used between the same UE and an earlier
        eNB"), in order: those another eNB used before the last KeNB of its own that the
        attacker knows, one its eNBs served with or were prepared with as a target by a
        HandoverRequest, whether or not the UE came (``_Service``; whenever it was
        compromised: a stronger attacker never judges fewer), and, for one that has none
        before, those used before its compromise. A KeNB after the attacker's last one of
        its own, with no later one, is later than its own: forward security's
        (handover-keys section 5). Between a service and a later KeNB of its own, forward
        security leaves a former serving eNB what it could derive before the UE came back
        (``_legitimate``: nothing promised for the hop that took the UE away, within that
        promise's n hops, a broken assumption); not what the eNB learns from a message at or
        after the return (``Facts.enb_learnt``: the HandoverRequest that prepares it, the
        Path Switch Request Acknowledge, a later service; from what it receives, not from
        what it held before), nor any key beyond that."""
        return self._earlier_in(self._bounds(facts, a))

    @staticmethod
    def _earlier_in(bounds: tuple[_Gaps, int, int]) -> list[int]:
        """``earlier`` from its ``_bounds``."""
        gaps, before_end, between_end = bounds
        return gaps.before[:before_end] + gaps.between[:between_end]

    def _bounds(self, facts: Facts, a: Knowledge) -> tuple[_Gaps, int, int]:
        """``earlier`` without copying it: ``gaps.before`` and ``gaps.between`` up to these
        ends (``check`` asks about a chain of attackers per eNB at each event)."""
        gaps = self._gaps_of(facts, a.entities)
        return gaps, *self._ends(a, gaps)

    def _ends(self, a: Knowledge, gaps: _Gaps, end: int | None = None) -> tuple[int, int]:
        """``_bounds``'s ends, as if only the first ``end`` KeNBs of its own had been (None:
        all)."""
        last = self._last_service(a, gaps, end)
        if last is None:
            return bisect_left(gaps.before, a.completed), 0
        return len(gaps.before), bisect_left(gaps.between, last)

    def earlier_than_own(self, facts: Facts, a: Knowledge) -> Callable[[int], bool]:
        """Whether the KeNB of a hop is one of ``earlier``'s that forward security leaves
        out, asked per hop without building the list: a KeNB is earlier or later than the
        attacker's own, never both, but one its eNB derived as the former serving eNB
        beyond a forward-security promise (``_Gaps.predicted``), which is both: the source
        eNB derived the next KeNB (forward security, the user's "the source eNB cannot
        derive the new one") and, the UE back, an eNB knowing its KeNB knows an earlier one
        (review14: forward security must not read "holds" there)."""
        gaps, before_end, between_end = self._bounds(facts, a)
        predicted = gaps.predicted
        return lambda j: (j not in predicted
                          and self._is_earlier(gaps, before_end, between_end, j))

    @staticmethod
    def _is_earlier(gaps: _Gaps, before_end: int, between_end: int, j: int) -> bool:
        """The KeNB of hop ``j`` is one of ``earlier``'s (its ``_bounds``)."""
        found, end = ((gaps.before, before_end) if not gaps.positions or j < gaps.positions[0]
                      else (gaps.between, between_end))
        i = bisect_left(found, j, 0, end)
        return i < end and found[i] == j

    @staticmethod
    def _last_service(a: Knowledge, gaps: _Gaps, end: int | None = None) -> int | None:
        """The position of the last KeNB of its own (of the first ``end``) that the attacker
        knows (None: none)."""
        services = gaps.services
        stop = len(services) if end is None else end
        return next((services[i].position for i in range(stop - 1, -1, -1)
                     if services[i].kenb in a.known), None)

    def _gaps_of(self, facts: Facts, entities: frozenset[str]) -> _Gaps:
        """What decides ``earlier`` for the attackers holding ``entities``, whoever they are
        and whenever compromised: grown on from the last call for the same entities when the
        facts extend the completions, the preparations of its eNBs after them, and the
        ``enb_learnt`` it read (``check`` judges a chain of attackers per eNB, and a pass
        per attacker grew as the square of the hops), else found again."""
        gaps = self._gaps.get(entities)
        completions, learnt = facts.completions, facts.enb_learnt
        preparations = facts.authentication.preparations
        if (gaps is not None and gaps.completions is completions and gaps.early is facts.early
                and gaps.learnt is learnt and gaps.preparations is preparations):
            return gaps
        at = {enb: facts.authentication.prepared_at(enb) for enb in sorted(entities)}
        mine = [p for made in at.values() for p in made]
        n = len(gaps.completions) if gaps is not None else 0
        m = len(gaps.learnt) if gaps is not None else 0
        new = [p for enb, made in at.items() for p in _unread(gaps, enb, made)]
        if gaps is None or gaps.early is not facts.early or n > len(completions) or (
                n and completions[n - 1] is not gaps.completions[n - 1]) or m > len(learnt) or (
                m and learnt[m - 1] is not gaps.learnt[m - 1]) or (
                len(mine) - len(new) != len(gaps.prepared)) or any(  # one gone: found again
                c.handover < gaps.latest for c in completions[n:]) or any(  # one out of order
                _position(completions, p) < n for p in new):
            gaps, n, m, new = _Gaps((), facts.early, (), preparations), 0, 0, mine
        for i in range(m, len(learnt)):  # before the completions: one may make it earlier
            enb, j, handover, _ = learnt[i]
            if enb not in entities:
                continue
            gaps.last_learnt[j] = max(handover, gaps.last_learnt.get(j, handover))
            back = gaps.kept.get(j)
            if back is not None and handover >= back:  # learnt once the UE was back
                del gaps.kept[j]
                insort(gaps.between, j)
                gaps.moved.append((i, j))
        # in order: a preparation before the completions of its handover and after those
        # of the handovers before it
        events = sorted([*((_position(completions, p), 0, p.hop, p) for p in new),
                         *((c.number, 1, c.handover, c) for c in completions[n:])],
                        key=lambda e: e[:3])
        for position, _, handover, made in events:
            if isinstance(made, Preparation):
                gaps.prepared.add(made)
                gaps.latest = max(gaps.latest, handover)
                self._own(facts, gaps, _Service(made.session.kenb, made.enb, handover, None,
                                                position))
            elif made.enb in entities:
                self._own(facts, gaps, _Service(made.kenb, made.enb, handover, made.number,
                                                position))
            else:
                (gaps.after if gaps.services else gaps.before).append(made.number)
        gaps.read.update(at)
        if (gaps.completions is not completions or gaps.learnt is not learnt
                or gaps.preparations is not preparations):
            gaps = self._gaps[entities] = replace(gaps, completions=completions, learnt=learnt,
                                                  preparations=preparations)
        return gaps

    def _own(self, facts: Facts, gaps: _Gaps, service: _Service) -> None:
        """``gaps`` with a KeNB of its own: the UE comes back to its eNB (or is about to:
        a preparation), and the KeNBs used while it was away are judged."""
        left = gaps.served
        for j in gaps.after:
            back = gaps.last_learnt.get(j, -1) >= service.handover
            if left is None or back:  # learnt back, or never served: no former serving eNB
                gaps.between.append(j)
            elif self._legitimate(facts, left, j):
                gaps.kept[j] = service.handover
            else:  # predicted: forward security's failure as well
                gaps.between.append(j)
                gaps.predicted.add(j)
        gaps.after.clear()
        gaps.services.append(service)
        gaps.positions.append(service.position)
        if service.number is not None:
            gaps.served = service.number

    def _legitimate(self, facts: Facts, left: int, j: int) -> bool:
        """The KeNB of hop ``j`` is one forward security leaves to a former serving eNB whose
        last KeNB before it was that of hop ``left``."""
        # forward security's unless deriving it breaks a forward-security promise (where none
        # reaches it, the variant lets a former serving eNB follow later keys)
        return forward_windows(self.variant, facts.completions, facts.early).broken(
            left, j) is None

    # -- judging -------------------------------------------------------------------------------
    def observe(self, state: Any, event: Event, facts: Facts) -> Observed:
        arose = 0
        if event.compromised is not None:
            a = facts.attacker(event.compromised)
            arose = sum(self._bounds(facts, a)[1:]) if a is not None else 0  # ``earlier``'s
        # a completion that brings the UE back to an attacker's eNB, or a HandoverRequest
        # that prepares one, makes earlier the KeNBs used since its last KeNB of its own
        # that it knew (``earlier``): per group of attackers (``_back``), and for those
        # whose eNB learnt one back (``_moved_back``), by place
        back = self._back(event, facts)
        moved = {facts.place(name): more for name, more in self._moved_back(event, facts)}
        arose += sum(len(b.places) * len(b.more) for b in back)
        for n, more in moved.items():
            was = _more_of(back, n)
            moved[n] = sorted({*was, *more})
            arose += len(moved[n]) - len(was)

        def more_of(n: int | None) -> list[int]:
            return moved[n] if n in moved else _more_of(back, n)

        failures: list[Verdict] = []
        judged: list[tuple[int | None, Knowledge]] = []
        names: set[str] = set()
        if self.kept(event):
            asked = event.attackers(facts, below=True)
            names = {a.name for a in asked}
            # one the event taught nothing learnt no key: only those ``back`` made earlier
            # and that know one of those KeNBs count
            returned = sorted({*moved, *(n for b in back for n in _deriving(facts, b))})
            judged = [*((facts.place(a.name), a) for a in asked),
                      *((n, facts.attackers[n]) for n in returned
                        if facts.attackers[n].name not in names)]
        for n, a in judged:
            derivable = [j for j in more_of(n) if facts.completions[j].kenb in a.known]
            if a.name in names:
                gaps, before_end, between_end = self._bounds(facts, a)
                below = max(gaps.before[before_end - 1] + 1 if before_end else 0,
                            gaps.between[between_end - 1] + 1 if between_end else 0)
                derivable = sorted({*derivable, *(j for j in event.new_keys(facts, a, below=below)
                                                  if self._is_earlier(gaps, before_end,
                                                                      between_end, j))})
            promised = bool(derivable) and self._promised(facts, a, derivable)
            if derivable and event.wants(self.name, promised):
                failures.append(self._failure(facts, a, derivable))
                event = replace(event, taken=event.taken | {(self.name, promised)})
        return Observed(state, tuple(failures), arose)

    @staticmethod
    def _arrived(event: Event, facts: Facts) -> tuple[bytes, str, int, int | None] | None:
        """The KeNB of its own that this event gave an eNB, as ``_Service`` names it (but its
        position): the completion's, or the one a HandoverRequest prepared it with (None:
        neither)."""
        if _new_completion(event, facts):
            c = facts.completions[-1]
            return c.kenb, c.enb, c.handover, c.number
        step, was = event.step, event.earlier.authentication.preparations
        made = facts.authentication.preparations
        if (step is None or step.message.kind not in REQUESTS or not step.outcome.accepted
                or len(made) == len(was)):
            return None
        p = next(iter(made - was))
        return p.session.kenb, p.enb, p.hop, None

    def _back(self, event: Event, facts: Facts) -> list[_Back]:
        """The attackers that know the KeNB of its own this event gave one of their eNBs
        (``_arrived``), with the KeNBs that this made earlier (those with none left out):
        those since the last KeNB of its own before it that the attacker knew, or, knowing
        none, since its compromise (``_ends``). Found per chain of attackers
        (``Facts.chains``): they know nested sets, so those whose last one is the same
        KeNB of their own come together, and each such group is found once (a pass per
        attacker at every such event grew as the square of the hops)."""
        arrived = self._arrived(event, facts)
        if arrived is None:
            return []
        kenb, enb = arrived[:2]
        attackers, back = facts.attackers, []
        for chain in facts.chains(enb):
            knowers = knowing(attackers, chain, kenb)
            if not knowers:
                continue
            gaps = self._gaps_of(facts, attackers[chain[0]].entities)
            services, between = gaps.services, gaps.between
            i = next(i for i in range(len(services) - 1, -1, -1) if services[i][:4] == arrived)
            end = bisect_left(between, services[i].position)  # ``_ends`` with it, its last
            placed = 0  # the first ``placed`` knowers know a later one of their own than s
            for s in range(i - 1, -1, -1):
                if placed == knowers:
                    break
                if services[s].kenb not in attackers[chain[placed]].known:
                    continue  # nor do those after it
                upto = min(knowers, knowing(attackers, chain, services[s].kenb))
                more = between[bisect_left(between, services[s].position):end]
                if more:  # s is the last one of their own these know
                    back.append(_Back(chain[placed:upto], more))
                placed = upto
            before = gaps.before
            for n in chain[placed:knowers]:  # none before: from its compromise on
                more = before[bisect_left(before, attackers[n].completed):] + between[:end]
                if more:
                    back.append(_Back((n,), more))
        return back

    def _moved_back(self, event: Event, facts: Facts) -> list[tuple[str, list[int]]]:
        """The attackers for which what an eNB of theirs learnt in this event, once the UE
        was back, made earlier a KeNB that forward security had left to it (``_Gaps.moved``),
        by name, with those KeNBs."""
        since = len(event.earlier.enb_learnt)
        if len(facts.enb_learnt) == since:
            return []
        learners = {enb for enb, *_ in facts.enb_learnt[since:]}
        found = []
        for a in facts.attackers:
            if learners.isdisjoint(a.entities):
                continue
            gaps, before_end, between_end = self._bounds(facts, a)
            more = sorted({j for i, j in gaps.moved if i >= since
                           and self._is_earlier(gaps, before_end, between_end, j)})
            if more:
                found.append((a.name, more))
        return found

    def _failure(self, facts: Facts, a: Knowledge, derivable: list[int],
                 over_run: bool = False) -> Verdict:
        """``over_run``: the summary's, shown under its hop and attacker ("hop 1, radio
        observer + enb-1@1: ..."), which its detail does not repeat, its witness made when
        read; a step's failure, a finding of ``explore`` and ``verify`` printed alone, names
        its attacker and the hop of its compromise (review19 #6: "enb-1 (compromised in hop
        2)")."""
        j = derivable[-1]
        witness = partial(facts.witness, a, facts.completions[j].kenb)
        excused = self.excused(facts, a, partial(self._breaks, facts))
        alone = facts.enbs_alone(a.name) if not excused and self.beyond(a) else None
        who = "" if over_run else f"{a.name} (compromised in hop {a.hop}) "
        predicted = self._gaps_of(facts, a.entities).predicted
        return Verdict(a.hop, a.name, False, not excused and self._promised_for(facts, derivable),
                       f"{who}derives the KeNB of earlier hop(s) {facts.hop_list(derivable)}"
                       f"{self._brought_back(facts, a, j) or self._earlier_than(facts, a)}"
                       + (f"; its eNBs alone ({', '.join(sorted(alone.entities))}) derive "
                          "the KeNB of earlier hop(s) "
                          f"{facts.hop_list(self._derivable(facts, alone))}"
                          if alone is not None else ""),
                       Lines(witness) if over_run else tuple(witness()),
                       witness_hop=facts.hop_of(j),
                       outside=self.outside(a, self._promised_for(facts, derivable))
                       if excused else None,
                       former_serving=self.beyond(a) is None and all(
                           k in predicted for k in derivable
                           if self.promise(facts.completions[k].hop_type)))

    def _derivable(self, facts: Facts, a: Knowledge) -> list[int]:
        """The earlier KeNBs (``earlier``) that ``a`` derives."""
        return [j for j in self.earlier(facts, a) if facts.completions[j].kenb in a.known]

    def _breaks(self, facts: Facts, a: Knowledge) -> bool:
        """Attacker ``a`` (holding eNBs only) breaks the promise: it derives an earlier KeNB,
        where backward security is promised (``_failure``)."""
        return self._promised_for(facts, self._derivable(facts, a))

    def _promised_for(self, facts: Facts, derivable: list[int]) -> bool:
        """Deriving these earlier KeNBs breaks the promise: one of them is of a hop type the
        variant promises backward security for (any, as a holding verdict reads it; not only
        the last, review15: a later unpromised key must not lower a broken promise)."""
        return any(self.promise(facts.completions[j].hop_type) for j in derivable)

    def _promised(self, facts: Facts, a: Knowledge, derivable: list[int]) -> bool:
        """The failure of ``a`` deriving ``derivable`` breaks the promise, as ``_failure``
        says it: a promised KeNB, and ``a`` not excused (``_Claim.excused``)."""
        return (self._promised_for(facts, derivable)
                and not self.excused(facts, a, partial(self._breaks, facts)))

    def _earlier_than(self, facts: Facts, a: Knowledge) -> str:
        """What the KeNBs ``earlier`` names are earlier than, where ``_brought_back`` does not
        say (newcomer #5: "(compromised in hop 1) derives the KeNB of earlier hop(s) [1]"
        read as earlier than its compromise): the last KeNB of its own that it knows, of the
        hop it served in or of the handover that prepared its eNB as a target, as the rest of
        the output numbers them; with none, its compromise."""
        # the service of ``_last_service``
        own = next((s for s in reversed(self._gaps_of(facts, a.entities).services)
                    if s.kenb in a.known), None)
        if own is None:
            return f" (used before its compromise in hop {a.hop})"
        if own.number is not None:
            return f" (earlier than {own.enb}'s own KeNB, of hop {facts.hop_of(own.number)})"
        return (f" (earlier than {own.enb}'s own KeNB, the one it was prepared with as the "
                f"target of handover {own.handover})")

    def _brought_back(self, facts: Facts, a: Knowledge, j: int) -> str:
        """Where the eNB learnt the KeNB of hop ``j`` if it did from a message at or after
        the KeNB of its own after ``j`` (``Facts.enb_learnt``: the HandoverRequest that
        prepared it, a message once the UE was back); for one it derived as the former
        serving eNB beyond a forward-security promise (``_Gaps.predicted``), by an attacker
        holding eNBs only, that forward security fails on it too and that the UE came back or
        the eNB was prepared for it (review22: read alone, the failure looked like a second
        flaw); else nothing."""
        gaps = self._gaps_of(facts, a.entities)
        i = bisect_right(gaps.positions, j)
        if not 0 < i < len(gaps.services):  # before its first KeNB: earlier however learnt
            return ""
        back = gaps.services[i]
        # the completion of that KeNB, if the UE came (its preparation is before it)
        came = next((s for s in gaps.services[i:i + 2]
                     if s.position == back.position and s.number is not None), None)
        returned = (f"the UE came back to {came.enb} in hop {facts.hop_of(came.number)}"
                    if came is not None
                    else f"{back.enb} was prepared as the target of handover {back.handover}")
        learnt = next(((enb, h, kind) for enb, k, h, kind in facts.enb_learnt
                       if k == j and enb in a.entities and h >= back.handover), None)
        if learnt is None:  # its eNBs alone: what a joint attacker derives may be the UE's
            # review28: which KeNB of its own it is earlier than, first ("[2]" read as
            # earlier than the compromise in hop 1)
            return (f" (earlier than its own KeNB once {returned}; hop {facts.hop_of(j)}'s "
                    "derived as its former serving eNB, beyond forward security's promise, "
                    "which fails on it too)"
                    if j in gaps.predicted and self.beyond(a) is None else "")
        enb, h, kind = learnt
        if kind in REQUESTS and h == back.handover:  # the request that prepared it
            return f" (hop {facts.hop_of(j)}'s from the {kind.title} that " + (
                f"brought the UE back to {came.enb} in hop {facts.hop_of(came.number)})"
                if came is not None
                else f"prepared {back.enb} as the target of handover {h})")
        return (f" (hop {facts.hop_of(j)}'s from the {kind.title} that {enb} received in "
                f"handover {h}, after {returned})")

    def not_judged(self, facts: Facts) -> dict[tuple[int, str], str]:
        """Per hop of a compromise, each attacker with no earlier KeNB (``earlier``) only
        because forward security leaves the KeNBs used while the UE was away from its eNB to
        that eNB as their former serving eNB (``_Gaps.kept``): its situation arose, and the
        definition hands it to forward security (review18, review19: "never arose" misled;
        review20: whether or not this attacker, compromised later, derives them)."""
        reasons: dict[tuple[int, str], str] = {}
        for a in facts.attackers:
            kept = sorted(self._gaps_of(facts, a.entities).kept)
            if kept and not self.earlier(facts, a):
                reasons[(a.hop, a.name)] = (
                    f"{a.name} has no earlier KeNB: those of hop(s) {facts.hop_list(kept)}, "
                    "used while the UE was away from its eNB, are forward security's, which leaves "
                    "them to that eNB as their former serving eNB (backward security does not "
                    "judge them, whether or not the attacker derives them)")
        return reasons

    def never_arose(self, facts: Facts, a: Knowledge) -> str | None:
        """No earlier KeNB (``earlier``), and none that forward security leaves to a former
        serving eNB (``not_judged`` says those): its eNBs used every KeNB before the last of
        its own that it knows, or (knowing none) no other eNB used one before its
        compromise. An attacker holding every eNB the UE was at has no other eNB: each
        eNB's KeNBs are judged against its part without that eNB (TS 33.501 3.1 speaks of
        "an earlier eNB")."""
        gaps, before_end, between_end = self._bounds(facts, a)
        if before_end or between_end or gaps.kept:
            return None
        last = self._last_service(a, gaps)
        if last is None:
            return (f"{a.name} has no earlier KeNB: no other eNB used one before its "
                    f"compromise in hop {a.hop}")
        if not last:
            return f"{a.name} has no earlier KeNB: the first KeNB of the run (hop 0) is its own"
        enbs = sorted({c.enb for c in facts.completions[:last]})
        assert a.entities.issuperset(enbs), (a.name, enbs)  # else ``earlier`` names them
        return (f"{a.name} has no earlier KeNB: its eNBs ({', '.join(enbs)}) used every KeNB "
                f"before the last of its own that it knows (hops {facts.hop_list(range(last))})")

    def summary(self, state: Any, facts: Facts, arose: Mapping[int, int]) -> list[Verdict]:
        verdicts = []
        # the attackers of a chain (``Facts.chains``) mostly share their earlier KeNBs (those
        # that knew their eNB's last KeNB of its own), and of those that do, the ones that
        # derive one come first (``knowing``): both found once per chain, not per attacker
        chains = {n: (chain, k) for entity in {e for a in facts.attackers for e in a.entities}
                  for chain in facts.chains(entity) for k, n in enumerate(chain)}
        said: dict[tuple[frozenset[str], int, int], tuple[list[int], bool, str]] = {}
        deriving: dict[tuple[frozenset[str], int, int, int], int] = {}
        for n, a in enumerate(facts.attackers):
            _, *ends = bounds = self._bounds(facts, a)
            key = (a.entities, *ends)
            if key not in said:
                earlier = self._earlier_in(bounds)
                said[key] = (earlier, self._promised_for(facts, earlier), (
                    f"cannot derive the KeNB of any earlier hop {facts.hop_list(earlier)}"
                    f"{network_aside(facts, 'has no earlier KeNB and derives those')}"))
            earlier, promised, detail = said[key]
            chain, k = chains.get(n, ((n,), 0))  # the network attacker holds no entity
            most = deriving.get((*key, chain[0]))
            if most is None:
                most = deriving[(*key, chain[0])] = max(
                    (knowing(facts.attackers, chain, facts.completions[j].kenb) for j in earlier),
                    default=0)
            derivable = ([j for j in earlier if facts.completions[j].kenb in a.known]
                         if k < most else [])
            if derivable:
                verdicts.append(self._failure(facts, a, derivable, over_run=True))
            elif earlier:
                # promised where the promise protects an earlier KeNB, by its hop's type (as
                # ``_failure`` reads it), not by the type of the hop of the compromise
                if not self.beyond(a) and not facts.served(a):
                    # "earlier" than nothing: it never served (dev43)
                    detail = (f"{', '.join(sorted(a.entities))} never served the UE and "
                              f"cannot derive the KeNB of any hop {facts.hop_list(earlier)} "
                              f"before its compromise in hop {a.hop}"
                              f"{network_aside(facts, 'has no earlier KeNB and derives those')}")
                verdicts.append(Verdict(a.hop, a.name, True, promised, detail, cut=Lines(
                    partial(facts.cut, a, facts.completions[earlier[-1]].kenb))))
        return verdicts


def network_aside(facts: Facts, derives: str = "derives the KeNBs") -> str:
    """Whom a holding verdict was judged against, when the backhaul is unprotected: the
    attacker ``network`` reads keys from the start (``derives``: what it does, e.g. its
    KeNBs, which forward security judges, outside the promise), so a verdict that holds
    against one compromised eNB says so where the network derives KeNBs that eNB need not."""
    network = facts.attacker(NETWORK)
    if network is None:
        return ""
    read = [c.handover for c in facts.completions if c.kenb in network.known]
    return (f" (against this attacker alone; {NETWORK}, reading the backhaul from hop "
            f"{network.hop}, {derives} of hops {hop_list(read)}: forward security's "
            "verdict)" if read else "")


# the edit claims that speak of a KeNB the editor derives (``edit_aside``)
EDITS_OF_KEYS = (DOWNGRADE, CAPTURE)
# the claims whose verdict that holds was judged against one compromised eNB alone, and
# says so with ``network_aside`` where the network derives KeNBs: a report that says such a
# verdict holds says so too
JUDGED_ALONE = (BACKWARD, *EDITS_OF_KEYS)


def edit_aside(facts: Facts, claim: str) -> str:
    """``network_aside`` for a holding verdict of an edit claim that speaks of a KeNB the
    editor derives (downgrade-resistance, fake-cell-capture): with the network deriving the
    UE's KeNBs, no edit is needed to put the UE and the honest target, or a fake cell, on a
    KeNB an attacker derives. handover-denial speaks of no key: none for it."""
    return network_aside(facts) if claim in EDITS_OF_KEYS else ""


# the claims whose situation only an edit produces; none of verify's default faults makes
# one (the edits multiply the states: they are asked for). Not fake-cell-capture: a
# compromised source eNB relaying the HO command unedited is its situation too
NEEDS_AN_EDIT = frozenset((DOWNGRADE, DENIAL))


@dataclass(frozen=True)
class Unexercisable:
    """Why no search with some faults makes a claim's situation arise (its "sometimes"):
    what alone makes it arise (``needs``: "an edit") and what the faults or the compromise
    targets lack (``lacking``: "the faults had no rewrite")."""

    needs: str
    lacking: str

    def words(self, claims: int = 1) -> str:
        """The reason, said of ``claims`` claims."""
        them = "it" if claims == 1 else "them"
        return f"only {self.needs} makes {them} arise, and {self.lacking}"


def outside_bound(faults: Collection[str], adversary: Adversary) -> dict[str, Unexercisable]:
    """Why each claim that only an attacker's act makes arise cannot arise with ``faults``
    under ``adversary``, for ``explore``'s and ``verify``'s vacuity warnings alike: those of
    ``NEEDS_AN_EDIT`` without an edit (``Adversary.no_edit``); fake-cell-capture without a
    compromised eNB (a compromised source relays its HO command); backward security without
    a compromise (an attacker holding a party or key: the network reads no KeNB of its own);
    forward security likewise, unless the network reads an unprotected backhaul (TS 33.401
    11: NDS/IP keeps it from every key otherwise)."""
    why: dict[str, Unexercisable] = {}
    edit = adversary.no_edit(faults)
    if edit is not None:
        why |= dict.fromkeys(NEEDS_AN_EDIT, Unexercisable("an edit", edit))
    enb = adversary.no_compromise(faults, enb=True)
    if enb is not None:
        why[CAPTURE] = Unexercisable("a compromised eNB", enb)
    anyone = adversary.no_compromise(faults)
    if anyone is not None:
        compromise = Unexercisable("a compromise", anyone)
        why |= dict.fromkeys((BACKWARD,) if adversary.backhaul_unprotected
                             else (BACKWARD, FORWARD), compromise)
    return why


def unexercised(vacuous: Sequence[str], faults: Collection[str],
                adversary: Adversary) -> dict[str, Unexercisable]:
    """Each of the ``vacuous`` promised claims that ``faults`` under ``adversary`` cannot make
    arise, with why (``outside_bound``): no search with them, however long, exercises it."""
    why = outside_bound(faults, adversary)
    return {claim: why[claim] for claim in vacuous if claim in why}


def unexercised_words(why: Mapping[str, Unexercisable]) -> list[str]:
    """``unexercised`` as ``explore``'s and ``verify``'s JSON ``unexercised`` and the report's
    ``verdicts.json`` list it: "claim (why)"."""
    return [f"{claim} ({reason.words()})" for claim, reason in why.items()]


def unexercised_keys(why: Mapping[str, Unexercisable]) -> dict[str, Any]:
    """``explore``'s and ``verify``'s JSON keys of ``unexercised``: ``unexercised``
    (``unexercised_words``) and ``unexercised_why`` (claim -> why, as its row says it)."""
    return {"unexercised": unexercised_words(why),
            "unexercised_why": {claim: reason.words() for claim, reason in why.items()}}


def _naming(assumption: str | None) -> str | None:
    """How a detail would only name the assumption that the verdict's ``outside`` names."""
    return f"outside the promise: {assumption}" if assumption else None


def _within(derivable: Derivable, ends: bool, untested: bool) -> str:
    """A holding verdict on the later KeNBs an attacker derives, as one statement after its
    word (helper-198 #5: "holds: ... so far ...; derivable later KeNB: hops [2]; untested:
    ..." said three verdicts): its n, how far on they are, where the run ends, and, where
    nothing later was kept from it (``untested``: its word), why the run could not break the
    promise. The promise itself follows (``summary``)."""
    one = derivable.size == 1
    reach = derivable.n - 1
    detail = (f"{derivable.n}-hop forward security{' so far' if ends else ''}: the later "
              + f"KeNB{'' if one else 's'} it derives, of "
              f"{hops_named(derivable.text, derivable.size)}, {'is' if one else 'are at most'}"
              + f" {reach} hop{'s' if reach > 1 else ''} on")
    if ends:
        detail += ", and the run ends " + ("there" if one else "at the last of them")
    if untested:
        detail += (("" if ends else "; it derives every later KeNB of the run")
                   + ": nothing later was kept from it, so the run could not have broken "
                   "the promise")
    return detail


def _promised_kept(hops: int) -> str:
    """What an n-hop promise keeps from the attacker, said after a failing verdict's
    "derives k hops on" (helper-229 #3: "derives 2 hops on ...; promised 2-hop" read as
    within the promise; n-hop keeps every KeNB n or more hops after its last legitimate
    one, the legend's *n-hop*)."""
    return ": no later KeNB" if hops == 1 else f": no KeNB {hops} or more hops on"


def _derives_text(hops: str, size: int, reach: int | None, ends: bool) -> str:
    """What a failing forward-security verdict says its attacker derives, as the search's
    finding and check's hop line both say it (a newcomer: verify's finding said "1 hop after
    its last legitimate KeNB" where check said "derives 1+ hops on ... (the run ends
    there)"): the ``size`` later KeNBs of ``hops`` (as ``hop_list`` writes them; one: "of
    hop 2", as ``_within`` names it, not "of hops [2]"), ``reach`` hops past its last
    legitimate KeNB at most (``reach_text``; None: it has none to count from), and where
    the run ends at the last of them."""
    kenbs = f"KeNB{'' if size == 1 else 's'} of {hops_named(hops, size)}"
    said = (f"derives the {kenbs}" if reach is None
            else f"derives {reach_text(reach, ends)} on: the later {kenbs}")
    return said + (" (the run ends there)" if ends else "")


class ForwardSecurity(_Claim):
    name = FORWARD
    judges_compromised = True
    reads = frozenset({KNOWLEDGE, COMPLETED})  # ``Event.attackers``
    always = ("an attacker compromising an eNB derives no KeNB used with another eNB n or "
              "more hops after its last legitimate one: for each hop k after that one, "
              "neither hop k's KeNB nor one n - 1 or more hops after it, n as promised for "
              "hop k (1 where nothing is promised)")
    sometimes = ("a handover to another eNB completed after an eNB was compromised, or after "
                 "an eNB compromised later had served the UE")

    def __init__(self, variant: KeySchedule, topology: Topology) -> None:
        super().__init__(variant, topology)
        # the one definition of "earlier" (``all_claims`` hands it backward security's own)
        self.earlier = BackwardSecurity(variant, topology)

    def handovers_to_break(self, promise: Promise) -> int:
        """n: the promise of hop k reaches the KeNB of hop j >= k - 1 + n, and k >= 1 (TS
        33.501 3.1: "the key used n or more hops later"; TS 33.401 7.2.8.4.2: X2 gives 2-hop
        forward security), so no run of fewer than n handovers breaks an n-hop promise."""
        return promise.hops or 1

    def later(self, facts: Facts, a: Knowledge) -> list[int]:
        """The KeNBs used by another eNB after the compromise, or after the attacker first
        served the UE (what it held then counts too), but those earlier than a KeNB of its
        own (``BackwardSecurity.earlier_than_own``: what it learns as the UE comes to it, or
        from a message once back): a KeNB is earlier or later than the attacker's own, never
        both, but one it derived as the former serving eNB beyond a promise, later when it
        derived it and earlier once the UE is back (``_Gaps.predicted``)."""
        start = self._start(facts, a)
        earlier = self.earlier.earlier_than_own(facts, a)
        return [c.number for c in facts.completions[start:]
                if c.enb not in a.entities and not earlier(c.number)]

    @staticmethod
    def _start(facts: Facts, a: Knowledge) -> int:
        first = facts.first_at(a.entities)
        return a.completed if first is None else min(a.completed, first + 1)

    def observe(self, state: Any, event: Event, facts: Facts) -> Observed:
        arose = 0
        if _new_completion(event, facts):
            done = facts.completions[-1]
            arose = sum(1 for a in facts.attackers if done.enb not in a.entities  # _start
                        and (a.completed <= done.number or done.number >= self._start(facts, a)))
        if event.compromised is not None:  # the KeNBs already later than its first service
            a = facts.attacker(event.compromised)
            arose += len(self.later(facts, a)) if a is not None else 0
        failures = []
        for a in event.attackers(facts) if self.kept(event) else ():
            # a KeNB of its own eNB is no later one (``later``): after a completion, every
            # attacker holding its target is asked, and none needs judging
            new = [j for j in event.new_keys(facts, a)
                   if facts.completions[j].enb not in a.entities]
            if new:  # earlier than a KeNB of its own (``later``): one it served with, or
                # was prepared with by the HandoverRequest it learnt them from
                earlier = self.earlier.earlier_than_own(facts, a)
                new = [j for j in new if not earlier(j)]
            if not new:
                continue
            judged = self._judged(facts, a, new)
            for j in new:
                promised = j in judged and judged[j][2] is None  # as _verdict says
                if (j in judged and judged[j][0] + 1 > judged[j][1]
                        and event.wants(self.name, promised)):
                    failures.append(self._verdict(facts, a, judged, [j]))
                    event = replace(event, taken=event.taken | {(self.name, promised)})
        return Observed(state, tuple(failures), arose)

    def _judged(self, facts: Facts, a: Knowledge, only: list[int] | None = None,
                kept: _Kept | None = None) -> dict[int, Judgement]:
        """Per derivable later KeNB (of those ``only``, if given): its distance, the distance
        from which it fails (``ForwardWindows.judged``: the n promised, counted from the hop
        whose promise it breaks), why a failure there is outside the promise (None: it breaks
        one), whether no promise covers it. ``kept``: the summary's, which judges every
        attacker over the same facts: what depends only on the entities, or on the last
        legitimate KeNB and the later one, found once."""
        # per hop j, the last one before it which a served, found once for every j (else
        # each j looks it up)
        served = self._served(facts, a.entities, kept) if only is None else None
        beyond = self.beyond(a)
        result = {}
        earlier = self.earlier.earlier_than_own(facts, a) if only is not None else None
        for j in self.later(facts, a) if only is None else only:
            if facts.completions[j].kenb not in a.known or (
                    earlier is not None and (facts.completions[j].enb in a.entities
                                             or j < self._start(facts, a) or earlier(j))):
                continue
            result[j] = self._judgement(facts, a, j, served, kept, beyond)
        return result

    @staticmethod
    def _served(facts: Facts, entities: frozenset[str],
                kept: _Kept | None) -> list[int | None]:
        """Per hop, the last one before it that ``entities`` served (None: none)."""
        served = kept.served.get(entities) if kept is not None else None
        if served is None:
            served, last = [], None
            for c in facts.completions:
                served.append(last)
                if c.enb in entities:
                    last = c.number
            if kept is not None:
                kept.served[entities] = served
        return served

    def _judgement(self, facts: Facts, a: Knowledge, j: int, served: list[int | None] | None,
                   kept: _Kept | None, beyond: str | None) -> Judgement:
        """The KeNB of hop ``j``, which ``a`` derives, judged (``_judged``; ``beyond``:
        ``self.beyond(a)``)."""
        left = self._left(facts, a, j, served)
        distance = j - left
        if beyond:  # no legitimate KeNB: every later one it derives is a failure, outside
            # the promise unless its eNBs alone break it there (``excused``)
            if not self.excused(facts, a, partial(self._breaks, facts, j, served, kept)):
                return Judgement(distance, 1, None, False)
            outside = self.outside(a, self._promise(facts, a, j, served)[0] is not None)
            return (Judgement(distance, 1, f"outside the promise: {outside}", False) if outside
                    else Judgement(distance, 1, NOTHING_PROMISED, True))
        judgement = kept.promise.get((left, j)) if kept is not None else None
        if judgement is None:
            judgement = forward_windows(self.variant, facts.completions, facts.early).judged(
                left, j)
            if kept is not None:
                kept.promise[(left, j)] = judgement
        return judgement

    def _breaks(self, facts: Facts, j: int, served: list[int | None] | None,
                kept: _Kept | None, a: Knowledge) -> bool:
        """Attacker ``a`` (holding eNBs only) breaks a promise by deriving the KeNB of hop
        ``j`` (``_judgement``)."""
        if facts.completions[j].kenb not in a.known or j < self._start(facts, a):
            return False
        distance, wanted, outside, _ = self._judgement(facts, a, j, served, kept, None)
        return distance + 1 > wanted and outside is None

    def _chained(self, facts: Facts, a: Knowledge,
                 kept: _Kept) -> tuple[list[int], Derivable, int | None] | None:
        """``a``'s later KeNBs (``later``), what the summary reads of those it derives, and
        the first it does not derive, read from the later KeNBs of its chain (the attackers
        holding the same entities, of a record they share, ``Chained``): where ``a`` was
        compromised when or after its entities first served the UE (its later KeNBs are
        those after that service, each judged alike for the whole chain). None: ``a`` is
        judged alone (``_judged``)."""
        place = a.known.place() if isinstance(a.known, Chained) else None
        first = facts.first_at(a.entities)
        if place is None or first is None or a.completed < first or facts.enbs_alone(a.name):
            return None  # judged alone, as one whose eNBs alone are judged (``excused``)
        # ``later``: from the first service on (``_start``), but the KeNBs earlier than
        # its own: those between two services up to the last whose KeNB it knows (those
        # before the first are before ``later``'s start), alike for the chain's attackers
        # that know the same last service
        gaps, _, between_end = self.earlier._bounds(facts, a)
        later = kept.later.get((a.entities, between_end))
        if later is None:
            served = self._served(facts, a.entities, kept)
            beyond = self.beyond(a)  # a chain holds eNBs or revealed keys, never the network
            earlier = set(gaps.between[:between_end]) - gaps.predicted
            hops = [c.number for c in facts.completions[first + 1:]
                    if c.enb not in a.entities and c.number not in earlier]
            later = kept.later[(a.entities, between_end)] = LaterKeNBs(
                hops, [self._judgement(facts, a, j, served, kept, beyond) for j in hops],
                facts.hops_of(hops))
        depth, at = place
        known = kept.known.get((a.entities, id(depth)))
        if known is None or known.depth is not depth:
            known = kept.known[(a.entities, id(depth))] = _Known.of(
                depth, [facts.completions[j].kenb for j in later.hops], len(facts.attackers))
        k = bisect_right(known.fewest, at)  # from place k on it knows each later KeNB
        if known.most[k] <= at:  # and none before: a suffix
            return later.hops, later.suffix(k), later.hops[0] if k else None
        places = sorted(known.order[:bisect_left(known.counts, -at)])  # those it knows
        derived = LaterKeNBs([later.hops[p] for p in places], [later.judged[p] for p in places],
                             [later.shown[p] for p in places])
        safe = next((p for p, q in enumerate(places) if p != q), len(places))
        return later.hops, derived.suffix(0), (
            later.hops[safe] if safe < len(later.hops) else None)

    def _covering(self, facts: Facts, a: Knowledge, kept: _Kept) -> tuple[Promise | None, str]:
        """The promise that covers a later KeNB of ``a`` although the hop that took the UE
        away promises nothing, and which ("s1 at hop 3"): that of the first hop k after the
        attacker's last legitimate KeNB before a later KeNB j whose window reaches j (j >=
        k - 1 + n, its assumptions kept up to j; ``ForwardWindows.opening``), as deriving j
        would break it (``_judgement``); (None, ""): none. In seed-fs, an eNB the UE left by
        X2 that derives no later KeNB holds within the 1-hop promise of a later S1 hop.
        Between two services of ``a`` its last legitimate KeNB is that of the first;
        before its first, that of the hop before its compromise."""
        windows = forward_windows(self.variant, facts.completions, facts.early)
        last = facts.completions[-1].number
        first = facts.first_at(a.entities)
        k = None
        if first is None or a.completed <= first:  # its later KeNBs before its first service
            k = windows.opening(a.completed - 1, last if first is None else first - 1)
        if k is None and first is not None:
            if a.entities not in kept.covering:  # after each service, up to the next
                services = [c.number for c in facts.completions if c.enb in a.entities]
                kept.covering[a.entities] = next(
                    (k for s, end in zip(services, [*services[1:], last + 1], strict=True)
                     if (k := windows.opening(s, end - 1)) is not None), None)
            k = kept.covering[a.entities]
        if k is None:
            return None, ""
        hop_type = facts.completions[k].hop_type
        assert hop_type is not None
        return windows.promise[k], f"{hop_type.value} at hop {facts.hop_of(k)}"

    @staticmethod
    def _left(facts: Facts, a: Knowledge, j: int,
              served: list[int | None] | None = None) -> int:
        """The hop whose KeNB is the attacker's last legitimate one before the KeNB of hop
        ``j``: the last it served before ``j`` (compromised then or later, it still holds
        what it kept), else the hop before its compromise. Hop ``_left + 1`` took the UE
        away, and its promise is the one that applies. ``served``: per hop, the last one
        before it that the attacker served (``_judged`` finds it once per set of entities)."""
        last = served[j] if served is not None else facts.last_at(a.entities, j)
        return last if last is not None else a.completed - 1

    def _promise(self, facts: Facts, a: Knowledge, j: int,
                 served: list[int | None] | None = None) -> tuple[Promise | None, str]:
        """The forward-security promise a verdict on the KeNB of hop ``j`` names: the one
        that deriving it breaks, else that of the hop that took the UE away from the
        attacker (not of the hop it was compromised at); and, where a later hop made it,
        which ("s1 at hop 4"; else "")."""
        left = self._left(facts, a, j, served)
        k, promise = forward_windows(self.variant, facts.completions, facts.early).named(left, j)
        hop_type = facts.completions[k].hop_type
        if hop_type is None:  # no legitimate KeNB: the initial one is no hop, any promise
            return find_promise(self.variant, FORWARD, None), ""
        return promise, "" if k == left + 1 else f"{hop_type.value} at hop {facts.hop_of(k)}"

    def _assumption(self, facts: Facts, a: Knowledge, j: int) -> str | None:
        """The assumption of the promise that a failure at the KeNB of hop ``j`` is outside
        of (None: nothing is promised there, or the failure breaks a promise)."""
        broken = forward_windows(self.variant, facts.completions, facts.early).assumption(
            self._left(facts, a, j), j)
        return broken[0] if broken else None

    def _verdict(self, facts: Facts, a: Knowledge, judged: dict[int, Judgement],
                 failing: list[int]) -> Verdict:
        j = failing[0]
        distance, _, outside, _ = judged[j]
        leaving = facts.completions[j - distance + 1].hop_type
        promise, at = self._promise(facts, a, j)
        assumption = (self.outside(a, promise is not None) or self._assumption(facts, a, j)
                      if outside else None)
        ends = j == facts.completions[-1].number  # a longer run could show more
        beyond = self.beyond(a)  # no legitimate KeNB to count from: the network, KASME
        never_served = not beyond and facts.last_at(a.entities, j) is None  # read a request
        detail = (f"{a.name}{', which never served the UE,' if never_served else ''} "
                  + _derives_text(facts.hop_list([j]), 1, None if beyond or never_served
                                  else distance, ends))
        if outside is None and promise is not None:
            detail += (f"; promised {promise.hops or 1}-hop forward security for "
                       f"{at or leaving.value}{_promised_kept(promise.hops or 1)}")
        elif outside != _naming(assumption):
            detail += f"; {outside}"
        return Verdict(a.hop, a.name, False, outside is None, detail,
                       tuple(facts.witness(a, facts.completions[j].kenb)),
                       n_hops=distance + 1, witness_hop=facts.hop_of(j), outside=assumption,
                       open_ended=ends)

    def summary(self, state: Any, facts: Facts, arose: Mapping[int, int]) -> list[Verdict]:
        """Per attacker: the smallest n that holds in this run, the worst key as witness."""
        verdicts = []
        last = facts.completions[-1].number if facts.completions else 0
        kept = _Kept()
        for a in facts.attackers:
            chained = self._chained(facts, a, kept)
            if chained is not None:  # judged with the rest of its chain
                later, derivable, safe = chained
            else:
                later = self.later(facts, a)
                judged = self._judged(facts, a, kept=kept) if later else {}
                derived = sorted(judged)
                derivable = LaterKeNBs(derived, [judged[j] for j in derived],
                                       facts.hops_of(derived)).suffix(0)
                safe = next((j for j in later if j not in judged), None)
            if not later:
                verdict = self._only_earlier(facts, a)
                if verdict is not None:
                    verdicts.append(verdict)
                continue
            n, failing, worst = derivable.n, derivable.failing, derivable.worst
            broken = derivable.broken
            # the promise named is the one judged: the first broken, else that of the hop
            # that took the UE away before the first failure, else before the worst
            # derivable KeNB, else the first later
            promise, at = self._promise(facts, a, failing if failing is not None else
                                        worst if worst is not None else later[0],
                                        kept.served.get(a.entities))
            if failing is None and promise is None:  # nothing promised for the hop that
                promise, at = self._covering(facts, a, kept)  # took the UE away: a later one
            ends = derivable.last == last  # a longer run could show more
            # holds, promised, yet nothing later is kept from it (no cut): the run could not
            # break the promise, and its hop line says so first, as the claim's row does
            # where every verdict is so (``ClaimResult.untested``; helper-198 #5)
            untested = failing is None and safe is None and promise is not None
            beyond = self.beyond(a)  # the network, KASME, a UE or MME: no legitimate KeNB
            # to count n from, nor has an eNB that never served the UE (review18 #4)
            never_served = not beyond and not facts.served(a)
            if failing is not None:  # which KeNBs, and how far the attacker reaches where
                # it has a legitimate KeNB to count from; "n-hop" names only what holds
                detail = ((f"{', '.join(sorted(a.entities))}, which never served the UE, "
                           if never_served else "")
                          + _derives_text(derivable.text, derivable.size,
                                          None if beyond or never_served
                                          else n - 1, ends))
            elif never_served and not derivable.size:
                detail = (f"{', '.join(sorted(a.entities))} never served the UE and derives "
                          f"no KeNB of {hops_named(facts.hop_list(later), len(later))}")
            else:  # holds
                detail = (_within(derivable, ends, untested)
                          if derivable.size else "no later KeNB derivable (1-hop)")
            if promise and not beyond and not (never_served and failing is None):
                each = self._each_promise(facts, a, later, kept) if failing is None else ""
                detail += each or f"; promised {promise.hops or 1}-hop" + (
                    f" for {at}" if at else "") + (
                    _promised_kept(promise.hops or 1) if failing is not None else "")
            elif broken and beyond:  # its eNBs alone break the promise (``excused``)
                alone = facts.enbs_alone(a.name)
                assert alone is not None and failing is not None
                promise, at = self._promise(facts, alone, failing)
                detail += (f"; its eNBs alone ({', '.join(sorted(alone.entities))}) derive the "
                           f"KeNB of hop {facts.hop_of(failing)}" + (
                               f": promised {promise.hops or 1}-hop" + (f" for {at}" if at else "")
                               + _promised_kept(promise.hops or 1)
                               if promise is not None else ""))
            outside = ((self.outside(a, promise is not None)
                        or self._assumption(facts, a, failing))
                       if failing is not None and not broken else None)
            if failing is not None and not broken and derivable.outside != _naming(outside):
                detail += f"; {derivable.outside}"
            witness: Sequence[str] = ()
            if worst is not None:
                witness = Lines(partial(facts.witness, a, facts.completions[worst].kenb))
            cut = (Lines(partial(facts.cut, a, facts.completions[safe].kenb))
                   if safe is not None else ())
            promised = broken if failing is not None else promise is not None
            unpromised = (self._unpromised(facts, a, failing, kept)
                          if failing is not None and not broken
                          and derivable.uncovered else None)
            verdicts.append(Verdict(a.hop, a.name, failing is None, promised, detail, witness,
                                    cut, None if beyond or never_served else n,
                                    None if worst is None else facts.hop_of(worst), outside,
                                    ends, untested=untested, unpromised=unpromised))
        return verdicts

    def _unpromised(self, facts: Facts, a: Knowledge, j: int, kept: _Kept) -> UncoveredKeNB:
        """The KeNB of hop ``j``, which no promise covers (``Verdict.unpromised``), with the
        hop that took the UE away from ``a`` before it."""
        leaving = facts.completions[self._left(facts, a, j, kept.served.get(a.entities)) + 1]
        return UncoveredKeNB(facts.hop_of(j), leaving.handover,
                             leaving.hop_type.value if leaving.hop_type is not None else None)

    def _each_promise(self, facts: Facts, a: Knowledge, later: list[int], kept: _Kept) -> str:
        """The promises a holding verdict judged, where its later KeNBs follow more than one
        hop that took the UE away from the attacker: each named with its hop ("; promised
        2-hop for x2 at hop 1, 1-hop for s1-inter at hop 3": an X2 hop leaves the next KeNB to
        its source, TS 33.401 7.2.8.4.2, an S1 hop none, 7.2.8.4.3); "" where at most one
        hop's promise covers them, named as ``_promise`` names it."""
        served = self._served(facts, a.entities, kept)
        # it depends on the attacker only through its entities, its later KeNBs and, for
        # those before its first service, its compromise (``_left``): a chain's attackers
        # share it (``_chained``), found once per chain instead of a pass over the run each
        key = (a.entities, a.completed if later and served[later[0]] is None else None,
               tuple(later))
        each = kept.each.get(key)
        if each is None:
            windows = forward_windows(self.variant, facts.completions, facts.early)
            named: dict[int, Promise] = {}
            for j in later:
                k, promise = windows.named(self._left(facts, a, j, served), j)
                if promise is not None:
                    named.setdefault(k, promise)
            each = kept.each[key] = "" if len(named) < 2 else "; promised " + ", ".join(
                f"{promise.hops or 1}-hop for {facts.completions[k].hop_type.value} "  # type: ignore[union-attr]
                f"at hop {facts.hop_of(k)}"
                for k, promise in sorted(named.items()))
        return each

    def never_arose(self, facts: Facts, a: Knowledge) -> str | None:
        """No KeNB used by another eNB from the attacker's ``_start`` on (``later`` is empty
        and ``_only_earlier`` finds none): its eNBs used every one, or no handover completed
        since. An attacker holding every eNB the UE was at has no other eNB: each eNB's
        KeNBs are judged against its part without that eNB (TS 33.501 3.1: "another
        eNB")."""
        start = self._start(facts, a)
        after = facts.completions[start:]
        if any(c.enb not in a.entities for c in after):
            return None
        if not after:
            # from its compromise, else from the handover after its first service
            after_hop = a.hop if start == a.completed else facts.hop_of(start - 1) + 1
            return f"{a.name} has no later KeNB: no handover completed from hop {after_hop} on"
        return (f"{a.name} has no later KeNB: its eNBs "
                f"({', '.join(sorted({c.enb for c in after}))}) used every KeNB from hop "
                f"{after[0].handover} on (hops {hop_list([c.handover for c in after])})")

    def _only_earlier(self, facts: Facts, a: Knowledge) -> Verdict | None:
        """A holding verdict for an attacker whose KeNBs used by other eNBs since its
        compromise (``later`` before it leaves out the earlier ones) are all earlier than a
        KeNB of its own: none is later (None: there are none at all)."""
        completions, entities = facts.completions, a.entities
        first = next((j for j in range(self._start(facts, a), len(completions))
                      if completions[j].enb not in entities), None)
        if first is None:
            return None
        promise, _ = self._promise(facts, a, first)
        return Verdict(a.hop, a.name, True, promise is not None,
                       f"no later KeNB: those other eNBs used from hop {facts.hop_of(first)} on "
                       "are earlier than a KeNB of its own (backward security judges them)")


@dataclass(frozen=True)
class _Kept:
    """What forward security's summary finds once for every attacker (``_judged``,
    ``_chained``)."""

    # per entities: per hop, the last served
    served: dict[frozenset[str], list[int | None]] = field(default_factory=dict)
    # per entities: the hop whose promise covers a later KeNB after a service (``_covering``)
    covering: dict[frozenset[str], int | None] = field(default_factory=dict)
    # per (left, j): judged (``ForwardWindows.judged``)
    promise: dict[tuple[int, int], Judgement] = field(default_factory=dict)
    # per entities and end of the KeNBs between its services that are earlier: the later
    # KeNBs after its first service
    later: dict[tuple[frozenset[str], int], LaterKeNBs] = field(default_factory=dict)
    # per entities and chain record (``Chained.place``): who knows its later KeNBs
    known: dict[tuple[frozenset[str], int], _Known] = field(default_factory=dict)
    # per entities, compromise (where it counts) and later KeNBs: ``_each_promise``
    each: dict[tuple[frozenset[str], int | None, tuple[int, ...]], str] = field(
        default_factory=dict)


class _Known(NamedTuple):  # a tuple: made at import in a fraction of a dataclass's time
    """How many of a chain's first attackers know each of its later KeNBs (by place in
    ``LaterKeNBs.hops``; ``Chained.place``: its ``depth``)."""

    depth: dict[bytes, int]
    fewest: list[int]  # per place: the fewest that know a KeNB from there on (then a sentinel)
    most: list[int]  # per place: the most that know a KeNB before it
    order: list[int]  # the places, by how many know them, most first
    counts: list[int]  # how many know each in ``order``, negated (ascending)

    @classmethod
    def of(cls, depth: dict[bytes, int], kenbs: list[bytes], attackers: int) -> _Known:
        counts = [depth.get(kenb, 0) for kenb in kenbs]
        fewest, most = [attackers + 1], [0]
        for count in reversed(counts):
            fewest.append(min(fewest[-1], count))
        for count in counts:
            most.append(max(most[-1], count))
        order = sorted(range(len(counts)), key=lambda p: -counts[p])
        return cls(depth, fewest[::-1], most, order, [-counts[p] for p in order])


def _purpose_line(facts: Facts, derived: Derived) -> str:
    """``derived``'s witness line (``Facts.line``), led by its purpose where the value's
    label names another: "K_HO = KeNB[hop 0] = KDF(...)"."""
    line = facts.line(derived)
    return line if names_output(facts.name_of(derived), derived.name) \
        else f"{derived.name} = {line}"


# The inputs that name a cell, by the names derivations give them (TS 33.501 A.11 says ARFCN-DL)
CELL_INPUTS = {"ARFCN-DL": "EARFCN-DL"}


# -- key separation --------------------------------------------------------------------------
class KeySeparation(_Claim):
    name = SEPARATION
    reads = frozenset({DERIVED, COMPLETED})
    always = ("no KeNB serves two eNBs or two cells, nor a handover after the first that "
              "used it, the initial AS security included (the PDCP COUNTs restart under each "
              "KeNB: one used again repeats a keystream; TS 33.401 7.2.8 refreshes KeNB on "
              "every handover, 7.2.9 re-keys before a COUNT repeats); each is bound to its "
              "target's cell identity (PCI and EARFCN-DL are inputs of derivations on the way "
              "to it, TS 33.401 A.5; a variant promises the parts it binds, "
              "``Promise.binds``); no two derivations of different purpose give the same value")
    sometimes = "a handover completed"

    def __init__(self, variant: KeySchedule, topology: Topology) -> None:
        super().__init__(variant, topology)
        # the derivations last judged over, and each value's cell inputs (``_cell_inputs``)
        self._cells: tuple[tuple[Derived, ...], dict[bytes, frozenset[tuple[str, int]]]] = (
            (), {})

    def observe(self, state: Any, event: Event, facts: Facts) -> Observed:
        if event.step is None:
            return Observed(state)
        failures = [v for v in self._collisions(facts, len(event.earlier.derivations))]
        arose = 0
        if _new_completion(event, facts):
            arose = 1
            # its witness (the KeNB's whole ancestry) built only if the failure would be kept
            verdict = self.judge(facts, facts.completions[-1].number,
                                 lambda promised: event.wants(self.name, promised),
                                 cells=self._kept_cells(facts), lazy=False)
            if verdict is not None and not verdict.holds:
                failures.append(verdict)
        return Observed(state, tuple(failures), arose)

    def _collisions(self, facts: Facts, since: int = 0) -> list[Verdict]:
        """Two derivations of different purpose that gave the same value (``since``: only
        those where the later one is among the derivations from that index on), in any two
        hops. Each witness line names its derivation's purpose where the value's label is
        another's (a K_HO equal to the initial KeNB read "KeNB[hop 0] = ...")."""
        verdicts = []
        for d in facts.derivations[since:]:
            other = facts.made(d.output)[0]
            if other.name != d.name:
                verdicts.append(Verdict(
                    d.hop, "-", False, self.promise(None),
                    f"{d.name} [{d.derivation.clause}] and {other.name} "
                    f"[{other.derivation.clause}] give the same value",
                    tuple(_purpose_line(facts, e) for e in (other, d))))
        return verdicts

    def _kept_cells(self, facts: Facts) -> dict[bytes, frozenset[tuple[str, int]]] | None:
        """The cell inputs found so far (``_cell_inputs``), for facts whose derivations
        extend those judged last (a run going on: each hop's KeNB's inputs found from its
        inputs', where a walk over its whole ancestry made ``check`` grow as the square of
        the hops in a variant that chains KeNBs); None for any other facts (a search
        restored a state), then judged by the walk. A value derived again by another
        derivation may have more inputs: then they are found again."""
        derivations = facts.derivations
        judged, cells = self._cells
        done = len(judged)
        if not done or len(derivations) < done or derivations[done - 1] is not judged[-1]:
            self._cells = derivations, {}
            return None
        if any(d.output in cells for d in derivations[done:]):
            cells = {}
        self._cells = derivations, cells
        return cells

    def judge(self, facts: Facts, number: int,
              kept: Callable[[bool], bool] = lambda promised: True,
              cells: dict[bytes, frozenset[tuple[str, int]]] | None = None,
              lazy: bool = True) -> Verdict | None:
        """The KeNB of completion ``number``, named by its handover (``hop``); None for a
        failure ``kept`` would not keep (promised or not), whose witness is then not built.
        ``cells``: each value's cell inputs (``_cell_inputs``) found for other hops over the
        same derivations, kept for the next hop's; ``lazy``: with ``cells``, a failure's
        witness (the KeNB's whole ancestry) is made when it is read (a summary's)."""
        done = facts.completions[number]
        hop = done.handover
        promised = self.promise(done.hop_type)
        using = [facts.completions[n] for n in facts.using(done.kenb) if n != number]
        shared = [c for c in using if c.enb != done.enb or c.cell != done.cell]
        if shared:
            where = ", ".join(f"hop {c.handover} ({c.enb}, {c.cell})" for c in shared)
            return Verdict(hop, "-", False, promised,
                           f"KeNB[hop {hop}] also serves {where}",
                           (f"KeNB {done.kenb.hex()}",)) if kept(promised) else None
        # separation in time: a KeNB used again restarts the PDCP COUNTs under the same keys
        # (keystream reuse); TS 33.401 7.2.8 refreshes KeNB on every handover and 7.2.9
        # re-keys before a COUNT is reused with the same KeNB. The same handover's KeNB
        # accepted again (a HO confirm duplicated) is injective agreement's.
        again = [c for c in using if c.number < number and c.handover != done.handover]
        if again:
            if not kept(promised):
                return None
            return Verdict(hop, "-", False, promised,
                           f"KeNB[hop {hop}] equals KeNB[hop {again[0].handover}] "
                           f"({again[0].enb}, {again[0].cell}): the PDCP COUNTs restart "
                           "under the same keys",
                           self._ancestry(facts, done.kenb, cells is not None and lazy))
        missing = self._unbound(facts, done, cells)
        if missing:
            promise = find_promise(self.variant, self.name, done.hop_type)
            binds = promise.binds if promise is not None else frozenset()
            broken = any(name in binds for name, _ in missing)
            if not kept(broken):
                return None
            unpromised = "" if broken or promise is None else (
                f" (the variant's promise binds the {word_list(sorted(binds))} only; "
                "TS 33.401 A.5 binds the PCI and EARFCN-DL)")
            return Verdict(hop, "-", False, broken,
                           f"KeNB[hop {hop}] is not bound to its target cell {done.cell}: "
                           f"{word_list(f'{n} {v}' for n, v in missing)} not an input of "
                           f"any derivation leading to it from KASME or an earlier KeNB"
                           f"{unpromised}",
                           self._ancestry(facts, done.kenb, cells is not None and lazy))
        return Verdict(hop, "-", True, promised,
                       f"KeNB[hop {hop}] serves only {done.enb}, {done.cell}, no earlier "
                       "hop, and is bound to its PCI and EARFCN-DL")

    @staticmethod
    def _ancestry(facts: Facts, kenb: bytes, lazy: bool) -> Sequence[str]:
        """A failure's witness: the KeNB's whole ancestry, made when read if ``lazy``."""
        ancestry = partial(facts.ancestry_lines, kenb)
        return Lines(ancestry) if lazy else tuple(ancestry())

    def _unbound(self, facts: Facts, done: Any,
                 cells: dict[bytes, frozenset[tuple[str, int]]] | None = None
                 ) -> list[tuple[str, int]]:
        """The parts of ``done``'s cell identity (PCI, EARFCN-DL) no derivation on the way
        to its KeNB from KASME or an earlier KeNB takes as input. A.5 binds each KeNB* to
        its own handover's target cell: the derivations on the way to an earlier KeNB bind
        that one's (helper-151: a KeNB* without the cell read "bound" where the UE came back
        to a cell that an earlier hop's KeNB* had bound)."""
        cell = self.topology.cell(done.cell)
        wanted = {("PCI", cell.pci), ("EARFCN-DL", cell.earfcn_dl)}
        # the UE's KeNBs: any on the way is an earlier one (one used again, later too, is
        # judged above), and the walk starts at this one
        earlier = facts.kenbs()
        found = _cell_inputs(facts, done.kenb, cells, earlier) if cells is not None else None
        inputs: set[tuple[str, int]] | frozenset[tuple[str, int]] = set()
        if found is not None:
            inputs = found
        else:
            # the last ones bind the cell, as a rule
            for d in facts.derivations_to(done.kenb, earlier):
                inputs.update(_cell_names(d))
                if wanted <= inputs:
                    return []
        return [part for part in (("PCI", cell.pci), ("EARFCN-DL", cell.earfcn_dl))
                if part not in inputs]

    def summary(self, state: Any, facts: Facts, arose: Mapping[int, int]) -> list[Verdict]:
        cells: dict[bytes, frozenset[tuple[str, int]]] = {}
        judged = (self.judge(facts, c.number, cells=cells) for c in facts.completions
                  if c.number > 0)
        return [*self._collisions(facts), *(v for v in judged if v is not None)]


def _cell_names(d: Derived) -> set[tuple[str, int]]:
    """The public inputs of ``d`` that name a cell: (PCI or EARFCN-DL, its value)."""
    return {(name, int.from_bytes(i.value, "big")) for i in d.derivation.inputs
            if i.public and (name := CELL_INPUTS.get(i.name, i.name)) in CELL_IDENTITY}


def _cell_inputs(facts: Facts, value: bytes, known: dict[bytes, frozenset[tuple[str, int]]],
                 earlier: Set[bytes]) -> frozenset[tuple[str, int]] | None:
    """The cell-naming inputs of every derivation on the way to ``value`` from KASME or one
    of the ``earlier`` KeNBs (``value`` may be one of them: the walk starts there), each
    value's found once from its secret inputs' and kept in ``known`` (at most the topology's
    cells: in a variant that chains KeNBs, a pass over each hop's whole ancestry grew as the
    square of the hops). An earlier KeNB adds none, whatever ``known`` says of it (found
    when its own hop was judged). None where the derivations on the way loop back (then
    ``derivations_to``)."""
    empty: frozenset[tuple[str, int]] = frozenset()
    stack, entered = [value], set()
    while stack:
        current = stack[-1]
        if current in known:
            stack.pop()
            continue
        made = facts.made(current)
        needed = [i.value for d in made for i in d.derivation.inputs
                  if not i.public and i.value not in known and i.value not in earlier]
        if needed:
            if current in entered or any(n in entered for n in needed):
                return None
            entered.add(current)
            stack += needed
            continue
        known[current] = empty.union(
            *(_cell_names(d) for d in made),
            *(known[i.value] for d in made for i in d.derivation.inputs
              if not i.public and i.value not in earlier))
        stack.pop()
    return known[value]


# -- what a compromised source eNB does with an edit (the rewrite fault of an exploration) ------
COMPLETES = (DERIVABLE, OUT_OF_REACH)  # what a handover whose edit is judged did without it


def _in_order(unedited: Iterable[Unedited]) -> list[Unedited]:
    """Each eNB's edit of a handover (``Facts.unedited``), by handover, then eNB."""
    return sorted(unedited, key=lambda u: (u.hop, u.enb))


def _joined(reasons: Iterable[tuple[tuple[int, str], str]]) -> dict[tuple[int, str], str]:
    """``not_judged``'s reasons by (hop, attacker), those of one joined in order: a handover
    two eNBs edited has a reason per editor (helper-173: the last one said replaced the
    others)."""
    joined: dict[tuple[int, str], list[str]] = {}
    for key, why in reasons:
        if why not in joined.setdefault(key, []):
            joined[key].append(why)
    return {key: "; ".join(whys) for key, whys in joined.items()}
# How a handover ended after a compromised eNB's edit: the words in which each edit claim
# declares its situation (``EditClaim.situation``). ``check``'s search counts each
# edit's end (``hoverify.properties.downgrade.Attempt.end``, which has two more, in which
# neither the UE nor the target judged anything: "late", an edit after the HO confirm, and
# "stopped", no HO command reached the UE); the engine reads the ends still open off the step
# where the UE judged the HO command or the target the HO confirm (``EditClaim.ends``).
COMPLETED_END = "completed"  # the UE accepted the HO command, the target its HO confirm
REJECTED_END = "rejected"  # the UE accepted the HO command, the target not its HO confirm
REFUSED_END = "refused"  # the UE refused the HO command
UE_ACCEPTED = frozenset({COMPLETED_END, REJECTED_END})  # the UE accepted the HO command
JUDGED = UE_ACCEPTED | {REFUSED_END}  # the UE judged the HO command


class EditClaim(_Claim):
    """downgrade-resistance, handover-denial and fake-cell-capture (/work/shared/spec
    handover-keys section 7, issue 15 item 6), judged on a run in which a compromised eNB
    edited a message of handover h (``Facts.rewritten``). On a hop of ``check`` that names no
    edit, the verdicts come from the edit search of ``hoverify.properties.downgrade``, which
    runs each hop again with each edit, under the same three definitions; on one that names
    an edit (``:edit=``, ``hoverify.properties.hop_edits``) this claim judges it, as here.
    ``explore`` and ``verify`` edit as the rewrite fault allows (one edit per path in
    ``verify``); without it downgrade-resistance and handover-denial have nothing to judge
    (their "sometimes" is 0, and it says so); fake-cell-capture also judges a HO command a
    compromised source eNB relays unedited.

    Each edit is judged against the run without it, as ``check``'s search judges it against
    the honest run (``hoverify.properties.downgrade.judged``): on an eNB's first edit of a
    handover the exploration delivers what is in flight, unedited and in order, on a scratch
    copy, and the engine records what the handover did there (``Facts.unedited``). Denial is
    judged only where it completed; downgrade only where it completed on a KeNB out of the
    editor's reach: where the editor derives the honest KeNB anyway (TS 33.401's X2 hop, KeNB*
    from the source's KeNB; a broken variant such as ``k_ho_constant``), what an edit leaves
    it is forward security's failure, not a downgrade (capture then fails after any edit, as
    in ``check`` it fails with none).

    ``situation`` is the claim's situation (its "sometimes" in words): the ends of an edited
    handover in which it arose (``COMPLETED_END``, ``REJECTED_END``, ``REFUSED_END``), the
    one definition that the engine (``arises``) and ``check``'s search
    (``downgrade.HopSearch.arose``) both read."""

    reads = frozenset({Kind.RRC_HANDOVER_COMMAND, Kind.RRC_HANDOVER_CONFIRM})  # ``ends``
    # what held after an edit, ``who`` the attacker judged (``deriver``): the claim's words
    # whichever path judges the edit, ``check``'s (``evaluate._observed``) or the engine's
    # (``arising``; newcomer: explore said the edit and check what held after it)
    held_words = ""
    stepwise = True  # ``check`` judges a hop it does not edit by its edit search instead
    judges_compromised = True  # the eNB that edits or relays (``deriver``)
    situation: frozenset[str] = frozenset()

    def hop_type(self, facts: Facts, target_cell: str) -> HopType:
        return self.hop_between(facts.completions[-1].cell, target_cell)

    @staticmethod
    def ends(step: Any) -> frozenset[str]:
        """The ends still open to the handover of ``step`` where the UE judged the HO command
        there (accepted: completed or rejected; refused) or the target the HO confirm
        (completed or rejected); empty where ``step`` is neither."""
        if step is None:
            return frozenset()
        message = step.message
        if message.kind is Kind.RRC_HANDOVER_COMMAND and message.receiver == UE:
            return UE_ACCEPTED if step.outcome.accepted else frozenset({REFUSED_END})
        if message.kind is Kind.RRC_HANDOVER_CONFIRM and message.receiver != UE:
            return frozenset({COMPLETED_END if step.outcome.accepted else REJECTED_END})
        return frozenset()

    def arises(self, step: Any) -> bool:
        """Whether the claim's situation arose at ``step`` of a handover it judges: where the
        handover is first sure to end within ``situation``. That is where the UE judged the
        HO command, if every end still open then is one of the situation's; else where the
        target judged the HO confirm, if its end is one and the UE's acceptance of the HO
        command had not made the situation arise already. So once per handover."""
        ends = self.ends(step)
        within = bool(ends) and ends <= self.situation
        if step.message.receiver == UE:  # the UE judged the HO command
            return within
        # the target judged the HO confirm
        arose_at_the_ue = UE_ACCEPTED.issubset(self.situation)
        return within and not arose_at_the_ue

    def arising(self, step: Any, facts: Facts,
                editors: set[str]) -> tuple[int, tuple[tuple[str, str], ...]]:
        """``Observed.arose`` and ``Observed.seen`` at ``step``, whose handover ``editors``
        edited (or, for fake-cell-capture, relayed unedited): where the situation arose
        (``arises``), per attacker holding one of them, by its name, who did what to which
        handover, what held (``held_words``) and how the UE or the target judged it, which the
        claim's holding reason names (``held``, ``holders``)."""
        if not self.arises(step):
            return 0, ()
        edited = {enb for h, enb in facts.rewritten if h == step.hop}
        end = next(iter(self.ends(step))) if len(self.ends(step)) == 1 else None
        if step.message.receiver != UE:
            judged = (f"the target {step.message.receiver} "
                      f"{'accepted' if end == COMPLETED_END else 'refused'} the HO confirm")
        elif end == REFUSED_END:
            judged = refused(UE, step.outcome.reason)
        else:
            judged = "the UE accepted the HO command"
        seen = []
        for a in facts.holding(editors):
            mine = sorted(a.entities & editors)
            did = [f"{enb} edited a message of handover {step.hop}" for enb in mine
                   if enb in edited]
            did += [f"{enb} relayed its HO command unedited" for enb in mine
                    if enb not in edited]
            who = deriver(a.name, a.entities, ", ".join(mine))
            seen.append((a.name, f"after {word_list(did)}, {self.held_words.format(who=who)}; "
                                  f"after it, {judged}"))
        return 1, tuple(seen)

    def held(self, seen: Sequence[Any], arose: int) -> str:
        """Each edit the claim judged held: who edited which handover, or relayed its HO
        command unedited, what held after it and how the UE or the target judged it
        (``arising``: the texts of one attacker's, ``holders``)."""
        return f"held {times(arose)} {self.sometimes}: {'; '.join(seen)}"

    def holders(self, seen: Sequence[Any]) -> dict[str, list[Any]]:
        """Each attacker whose eNB edited (or relayed) a handover the claim judged, with the
        texts of what held (``arising``): named as ``check`` names the attacker of its line
        (helper-222: explore's "-" read as no attacker)."""
        held: dict[str, list[Any]] = {}
        for name, text in seen:
            held.setdefault(name, []).append(text)
        return held

    def editors(self, step: Any, facts: Facts) -> set[str]:
        """The eNBs whose edit of ``step``'s handover is judged where the UE judges the HO
        command there, or the target the HO confirm (``ends``): those after whose edit the
        handover, run without it, completed (``COMPLETES``)."""
        return self._completing(facts, step.hop) if self.ends(step) else set()

    def judges(self, facts: Facts, hop: int, name: str) -> bool:
        """Whether the claim judges an edit of handover ``hop`` against the attacker ``name``
        (a ``check`` hop's ``:edit=``, ``evaluate._observed``): as ``editors``, one after which
        the handover, run without it, completed."""
        return bool(self._completing(facts, hop))

    @staticmethod
    def _completing(facts: Facts, hop: int) -> set[str]:
        """The eNBs whose edit of handover ``hop`` the handover, run without it, completed
        (``Facts.unedited``)."""
        return {u.enb for u in facts.unedited if u.hop == hop and u.without in COMPLETES}

    def not_judged(self, facts: Facts) -> dict[tuple[int, str], str]:
        """Per handover a compromised eNB edited, why this claim left its edit unjudged
        (``Facts.unedited``, as ``check``'s edit search leaves it, ``downgrade.judged``): the
        handover never completes without it (nothing to judge it against), or completes at
        the editor itself (the target, or an intra-eNB hop: these claims judge an edit
        against the UE by another eNB, with no honest target to deceive there)."""
        # said of the run without the edit (a ``:refused`` hop never completes either way:
        # "never completes without enb-1's edit" read as if the edit made it complete)
        reasons = {NEVER_COMPLETES: "run without {enb}'s edit, handover {hop} never completes "
                                    "(nothing to judge the edit against)",
                   AT_THE_EDITOR: "{enb}, which edited handover {hop}, is its target (the "
                                  "edit claims judge edits against the UE by another eNB, "
                                  "with an honest target to deceive)"}
        return _joined(((u.hop, ""), reasons[u.without].format(hop=u.hop, enb=u.enb))
                       for u in _in_order(facts.unedited) if u.without in reasons)

    @staticmethod
    def by(a: Knowledge, facts: Facts, hop: int, editors: set[str]) -> str:
        """The eNBs of ``a`` a failure after the edits of handover ``hop`` names: those of
        ``editors`` and every other that edited it, the target's own edit too, which the
        claim does not judge but the failure follows (helper-176: "after enb-1 edited" where
        enb-4 had too)."""
        return word_list(sorted(a.entities & (editors | {
            enb for h, enb in facts.rewritten if h == hop})))

    def derivers(self, facts: Facts, step: Any, kenb: bytes, target: str | None,
                 hop_type: HopType, editors: set[str], judged: bool = False
                 ) -> tuple[Verdict, ...]:
        """A failure per attacker holding one of ``editors`` (of ``step``'s handover) that
        derives ``kenb``, the UE's KeNB, and does not hold ``target``, the honest target the
        UE completed the handover with (``downgraded``; None: the UE is on ``kenb``, whoever
        the attacker holds). Where its editors derive the honest KeNB without their edit
        (``DERIVABLE``), the edit did not make the failure: said as ``check`` says it
        (review19: the text blamed an edit that changed nothing); so where ``editors`` holds
        an eNB that relayed the HO command unedited (fake-cell-capture), with no edit said
        at all. ``judged``: each attacker
        is judged as downgrade-resistance judges the edit (``Facts.judged_as``): itself, its
        eNBs alone, named as ``check``'s edit search names them (``Facts.alone``), or not at
        all; a failure of an attacker holding more than eNBs is outside the promise where
        its eNBs alone do not derive ``kenb`` (``_Claim.excused``)."""
        edited = {enb for h, enb in facts.rewritten if h == step.hop}
        anyway = {u.enb for u in facts.unedited
                  if u.hop == step.hop and u.without == DERIVABLE} | (editors - edited)
        verdicts = []
        for a in facts.attackers:
            # the definition's "does not hold target" (a downgrade needs an honest target,
            # docs/claims.md); ``judged_as`` excludes such an attacker too, as it derives the
            # KeNB the run without its edit ends on (helper-236: no run reached it here)
            if not a.entities & editors or (target is not None and target in a.entities):
                continue
            who = facts.judged_as(step.hop, a.name) if judged else a
            if who is None or kenb not in who.known:
                continue
            mine = ", ".join(sorted(a.entities & editors))
            named = deriver(who.name, who.entities, mine)
            by = self.by(a, facts, step.hop, editors)
            if target is not None:
                detail = downgraded(by, step.hop, target, named)
            elif a.entities & editors <= anyway:  # review28: not "after its edit"
                detail = no_edit_needed(a.name, a.entities, mine, step.hop) + (
                    f"; with its edit too, the UE is on a KeNB {named} derives"
                    if a.entities & editors & edited else "")
            else:
                detail = captured(by, step.hop, named)
            # the promise is made against the editing eNB (TS 33.401 7.2.8): an attacker
            # that derives the KeNB only through what else it holds fails outside it
            excused = judged and self.excused(facts, a, lambda e: kenb in e.known)
            verdicts.append(Verdict(
                step.hop, who.name, False, self.promise(hop_type) and not excused, detail,
                tuple(facts.witness(who, kenb)), witness_hop=step.hop,
                outside=self.outside(a, self.promise(hop_type)) if excused else None))
        return tuple(verdicts)


class DowngradeResistance(EditClaim):
    name = DOWNGRADE
    always = ("after a compromised eNB edits a message of a handover, the UE and the honest "
              "target never complete it on a KeNB that eNB derives")
    # the edit reached the UE or the honest target, which judged it: a refusal is the seed's
    # protection at work (the UE's NAS-MAC check of the bit, the target's of the HO confirm:
    # SA3 contribution section 3 steps 6-8), and had either accepted, it could have failed
    situation = JUDGED
    sometimes = ("the UE judged the HO command of a handover (the target, then, its HO "
                 "confirm) after a compromised eNB edited one of its messages")
    held_words = "the UE and the honest target complete no handover on a KeNB {who} derives"
    # the seed's promise: a bit tells the UE to derive KeNB*+, sent to it through the source
    # eNB (SA3 contribution section 3 steps 6-8; /work/shared/spec handover-keys section 7:
    # a field a compromised source eNB can rewrite). TS 33.401 7.2.8.1 has no such bit.
    against = ("a compromised source eNB, which relays the notification bit to the UE (SA3 "
               "contribution, section 3 steps 6-8)")

    def observe(self, state: Any, event: Event, facts: Facts) -> Observed:
        step = event.step
        editors = self.editors(step, facts)
        # an edit of this handover judged against an attacker (``Facts.judged_as``)
        if not (editors and any(facts.judged_as(step.hop, a.name) is not None
                                for a in facts.attackers)):
            return Observed(state)
        failures: tuple[Verdict, ...] = ()
        # the honest target completed it (a failure the checker would keep: ``kept``)
        if self.ends(step) == {COMPLETED_END} and self.kept(event):
            # the facts already hold this HO confirm's completion: its hop type is the hop's
            # (the UE's cell is now the last completion's, which would read as intra-eNB)
            hop_type = facts.completions[-1].hop_type
            assert hop_type is not None
            failures = self.derivers(facts, step, step.ctx_after.keys.as_keys.kenb,
                                     step.message.receiver, hop_type, editors, judged=True)
        return Observed(state, failures, *self.arising(step, facts, editors))

    def judges(self, facts: Facts, hop: int, name: str) -> bool:
        """Also as ``observe`` judges it: against the attacker or its eNBs alone, where they do
        not derive the honest KeNB anyway (``Facts.judged_as``)."""
        return super().judges(facts, hop, name) and facts.judged_as(hop, name) is not None

    def not_judged(self, facts: Facts) -> dict[tuple[int, str], str]:
        """Also where the editor derives the honest KeNB anyway: forward security's failure,
        not a downgrade (the spec's section 7: a downgrade needs an honest target)."""
        reasons = list(super().not_judged(facts).items())
        for u in _in_order(facts.unedited):
            if u.without == DERIVABLE and _every_holder_derives(facts, u):
                reasons.append(((u.hop, ""), DERIVED_ANYWAY.format(enb=u.enb, hop=u.hop)))
            elif u.without == DERIVABLE:
                # by name, each that does, as ``check``'s edit search names a coalition and
                # its parts (``downgrade.unjudged``; helper-173: "an attacker holding enb-1"
                # was said of a part holding enb-1 that does not derive it)
                reasons += [((u.hop, name), derived_anyway(name, u.enb, u.hop))
                            for name, _ in u.deriving]
            # an attacker judged by its eNBs alone (``Facts.without_edit``), by its name, as
            # ``check``'s edit search says it (``downgrade.unjudged``)
            reasons += [((u.hop, who), derived_anyway(who, u.enb, u.hop))
                        for who, anyway in sorted(u.judged) if anyway]
        return _joined(reasons)


def _every_holder_derives(facts: Facts, unedited: Unedited) -> bool:
    """Every attacker holding the eNB of ``unedited`` derives the honest KeNB of its
    handover run without the edit (``Unedited.deriving``), one of them that eNB alone: "an
    attacker holding enb-1" says it of them all (helper-176: said of a coalition that
    derives the KeNB only through the S1 target it holds too, it read as the editor's)."""
    deriving = {name for name, _ in unedited.deriving}
    holders = [a for a in facts.attackers if unedited.enb in a.entities]
    return (all(a.name in deriving for a in holders)
            and any(a.entities == {unedited.enb} for a in holders))


# why downgrade-resistance leaves a handover's edits unjudged where the editor derives its
# honest KeNB anyway, an edit in the middle of a run (``DowngradeResistance.not_judged``) or
# one of ``check``'s search (``downgrade.unjudged``) alike
DERIVED_ANYWAY = ("an attacker holding {enb} derives the honest KeNB of handover {hop} without "
                  "an edit of it (not a downgrade)")


# -- the edit claims' words, one each, whichever path judges the edit: ``check``'s edit search
# (``hoverify.properties.downgrade``) or the engine's claim (a hop's ``:edit=``, ``explore``,
# ``verify``)
def deriver(name: str, entities: Collection[str], editor: str) -> str:
    """Who derives a KeNB in an edit claim's words: the editing eNB where the attacker
    (``name``, holding ``entities``) is that eNB alone, else the attacker by its name (a
    coalition, through what else it holds; review35: the text named the eNB where KASME had
    made the key derivable)."""
    return editor if set(entities) == {editor} else name


def no_edit_needed(name: str, entities: Collection[str], editor: str, hop: int,
                   edited: bool = False) -> str:
    """A capture with no edit of handover ``hop``: who derives its honest KeNB
    (``deriver``), the editor alone through the variant's key chain, which is forward
    security's failure, or a coalition, serves the UE as the target cell. Said of that hop:
    an edit of an earlier one may be what gave the key (helper-170: a Target-ID edit that
    hands the source eNB the next KeNB*+ read "no edit needed"); ``edited``: ``editor``
    edited it, and the run without that edit is meant (``FakeCellCapture.needless``), where
    forward security is not named: this run's may judge otherwise (helper-176 #7: it read
    "(forward security)" beside forward-security's "vacuous")."""
    who = deriver(name, entities, editor)
    without = f"run without {editor}'s edit, " if edited else ""
    return (f"no edit of hop {hop} needed: {without}{who} derives the honest KeNB of hop {hop}"
            f"{' (forward security)' if who == editor and not edited else ''} and can serve "
            "the UE as the target cell")


def edited(editors: str, hop: int) -> str:
    return f"after {editors} edited a message of handover {hop},"


def downgraded(editors: str, hop: int, target: str, who: str) -> str:
    """A downgrade-resistance failure: after the edit of ``editors``, the UE and the honest
    ``target`` completed handover ``hop`` on a KeNB ``who`` (``deriver``) derives."""
    return (f"{edited(editors, hop)} the UE and the honest target {target} completed it on a "
            f"KeNB {who} derives")


def captured(editors: str, hop: int, who: str) -> str:
    """A fake-cell-capture failure: after the edit of ``editors``, the UE is on a KeNB of
    handover ``hop`` that ``who`` (``deriver``) derives, worded as a downgrade is
    (``downgraded``); the claim's name says what follows (a fake target cell the attacker
    runs serves the UE), and the edit search's witness shows that cell accept the UE's HO
    confirm."""
    return f"{edited(editors, hop)} the UE is on a KeNB {who} derives"


def refused(receiver: str, reason: str) -> str:
    """What makes a handover fail for handover-denial (``HandoverDenial.always``): the UE
    refuses the HO command, or the target eNB ``receiver`` the HO confirm, for ``reason``."""
    judged = "the UE refuses the HO command" if receiver == UE else (
        f"the target {receiver} refuses the HO confirm")
    return f"{judged} ({reason})"


def denied(editors: str, hop: int, refusal: str) -> str:
    """A handover-denial failure: after the edit of ``editors``, handover ``hop`` fails as
    ``refusal`` (``refused``) says, worded as a downgrade is (``downgraded``). text38: the
    engine and ``check``'s edit search each had their own sentence."""
    return f"{edited(editors, hop)} {refusal}"


def derived_anyway(who: str, editor: str, hop: int) -> str:
    """Why downgrade-resistance does not judge the edit of ``editor`` against the attacker
    ``who`` (by name), which derives the honest KeNB of ``hop`` anyway."""
    return (f"{who} derives the honest KeNB of handover {hop} without an edit of it by {editor} "
            "(not a downgrade)")


class HandoverDenial(EditClaim):
    name = DENIAL
    always = ("an edit by a compromised eNB never makes the UE refuse the HO command or the "
              "target refuse the HO confirm")
    situation = JUDGED
    sometimes = "the UE or the target judged a HO command or confirm after an edit"
    held_words = "the UE accepts the HO command and the target the HO confirm"

    def observe(self, state: Any, event: Event, facts: Facts) -> Observed:
        step = event.step
        editors = self.editors(step, facts)
        if not editors:
            return Observed(state)
        arose = self.arising(step, facts, editors)
        if step.outcome.accepted:
            return Observed(state, (), *arose)
        failures = tuple(Verdict(  # a refused HO command leaves the hop's type unknown here
            step.hop, a.name, False, self.promise(None),
            denied(self.by(a, facts, step.hop, editors), step.hop,
                   refused(step.message.receiver, step.outcome.reason)))
            for a in facts.attackers if a.entities & editors)
        return Observed(state, failures, *arose)


class FakeCellCapture(EditClaim):
    name = CAPTURE
    always = ("an edit by a compromised eNB never leaves the UE, after the HO command, on a "
              "KeNB that eNB derives (a fake target cell it runs would accept the UE)")
    # the UE took the HO command, edited or not: a compromised source eNB that derives the
    # UE's new KeNB without an edit serves it as the target cell too ("no edit of hop N needed",
    # forward security's failure through the key chain, as ``check``'s search says it)
    situation = UE_ACCEPTED
    sometimes = ("the UE accepted a HO command relayed by a compromised source eNB, or after a "
                 "compromised eNB edited a message of its handover")
    held_words = "the UE is on no KeNB {who} derives"

    def observe(self, state: Any, event: Event, facts: Facts) -> Observed:
        step = event.step
        if self.ends(step) != UE_ACCEPTED:
            return Observed(state)
        # the UE is in the target cell now, its last completion still the source's
        editors = self.editors(step, facts) | self.relaying(step, facts)
        if not editors:
            return Observed(state)
        # an attacker that holds the target too runs the real target cell on the UE's KeNB:
        # a stronger attacker, never a weaker verdict (check's search: "no edit of hop N needed")
        failures: tuple[Verdict, ...] = ()
        if self.kept(event):
            hop_type = self.hop_type(facts, step.ctx_after.cell)
            failures = self.derivers(facts, step, step.ctx_after.keys.as_keys.kenb, None,
                                     hop_type, editors)
            failures += self.needless(facts, step, hop_type, editors,
                                      {v.attacker for v in failures})
        return Observed(state, failures, *self.arising(step, facts, editors))

    def needless(self, facts: Facts, step: Any, hop_type: HopType, editors: set[str],
                 failed: set[str]) -> tuple[Verdict, ...]:
        """A failure per attacker not in ``failed`` that edited ``step``'s handover where,
        run without its edit, it derives the honest KeNB (``Unedited.deriving``): it needed
        no edit to serve the UE as the target cell, and its edit, which left the UE on a
        KeNB it does not derive, is no defence (helper-173: a self-defeating NCC edit of an
        X2 handover, whose KeNB* the source derives horizontally (TS 33.401 7.2.8.4.3), read
        "holds" where the run without it failed)."""
        verdicts = []
        for u in _in_order(facts.unedited):
            if u.hop != step.hop or u.enb not in editors:
                continue
            for name, witness in u.deriving:
                attacker = facts.attacker(name)
                if name in failed or attacker is None:
                    continue
                failed.add(name)
                who = deriver(name, attacker.entities, u.enb)
                verdicts.append(Verdict(
                    step.hop, name, False, self.promise(hop_type),
                    f"{no_edit_needed(name, attacker.entities, u.enb, step.hop, True)}; with "
                    f"its edit, the UE is on a KeNB {who} does not derive",
                    (f"run without {u.enb}'s edit of hop {step.hop}:", *witness),
                    witness_hop=step.hop))
        return tuple(verdicts)

    def relaying(self, step: Any, facts: Facts) -> set[str]:
        """The source eNB that relayed ``step``'s HO command to the UE, where it edited
        nothing of the handover, an attacker holds it, and the target cell is another
        eNB's (an intra-eNB hop deceives no one, TS 33.401 7.2.8.4.1; ``downgrade.judged``)."""
        source = step.message.sender
        if ((step.hop, source) in facts.rewritten
                or self.topology.cell(step.ctx_after.cell).enb == source
                or not any(source in a.entities for a in facts.attackers)):
            return set()
        return {source}


# -- confinement (the seed's section 4) ----------------------------------------------------------
# The seed delegates "a key derived from KASME" (K_HO) "without potential of compromising any
# of the other keys": KASME, every other key derived from it (TS 33.401 A.3 KeNB, A.4 NH,
# A.7 the NAS keys, whatever the variant names them), and every key of the AS hierarchy
# however the variant derives it (A.3-A.5: KeNB, KeNB*, NH). helper-157: only KASME and the
# NAS keys were protected, so a K_HO derived as A.3 derives the initial KeNB passed;
# helper-158: so did an initial KeNB derived from K_HO, and K_HO used as KeNB*+.
ROOT = "KASME"
HIERARCHY = ("KeNB", "KeNB*", "NH")


class Confinement(_Claim):
    name = CONFINEMENT
    reads = frozenset({DERIVED})
    always = ("revealing the keys the variant delegates out of KASME (``delegated_keys()``, "
              "the seed's K_HO) reveals neither KASME, nor any other key derived from it, "
              "nor any KeNB, KeNB* or NH")
    sometimes = "a delegated key was derived"

    def __init__(self, variant: KeySchedule, topology: Topology) -> None:
        super().__init__(variant, topology)
        # what ``_reach`` found over the derivations it read last: grown on from there when
        # the facts extend them (a step that derives something is judged again)
        self._reached: tuple[tuple[Derived, ...], frozenset[bytes], frozenset[bytes],
                             frozenset[bytes], frozenset[bytes]] = (
            (), frozenset(), frozenset(), frozenset(), frozenset())
        self._consumers = Consumers()

    def observe(self, state: Any, event: Event, facts: Facts) -> Observed:
        step = event.step
        if step is None or not step.outcome.derivations:
            return Observed(state)
        verdict = self.judge(facts)
        if verdict is None:
            return Observed(state)
        made = sum(1 for d in step.outcome.derivations
                   if d.output_name in self.variant.delegated_keys())
        return Observed(state, () if verdict.holds else (verdict,), made)

    def _reach(self, facts: Facts, names: set[str]) -> tuple[
            frozenset[bytes], frozenset[bytes], frozenset[bytes], frozenset[bytes]]:
        """The delegated values, the protected ones (KASME and its other keys; the AS
        hierarchy's), and everything derivable from the delegated and the public values
        (``closure``, grown over the derivations new since the last call when the facts
        extend what it read)."""
        derivations = facts.derivations
        read, delegated, siblings, hierarchy, known = self._reached
        since = len(read)
        if since > len(derivations) or (since and derivations[since - 1] is not read[-1]):
            since, delegated, siblings, hierarchy, known = (
                0, frozenset(), frozenset(), frozenset(), frozenset())
        new = derivations[since:]
        given = {d.output for d in new if d.name in names}
        delegated |= given
        for d in new:  # KASME, and what a derivation from it gives but the delegated keys
            roots = {i.value for i in d.derivation.inputs if i.name == ROOT}
            if roots:
                siblings |= roots if d.name in names else roots | {d.output}
        hierarchy |= {d.output for d in new if d.name in HIERARCHY and d.name not in names}
        public = {i.value for d in new for i in d.derivation.inputs if i.public}
        known = grow(known, given | public, derivations, since,
                     self._consumers.of(derivations))
        self._reached = (derivations, delegated, siblings, hierarchy, known)
        return delegated, siblings, hierarchy, known

    def judge(self, facts: Facts) -> Verdict | None:
        names = set(self.variant.delegated_keys())
        if not names:  # nothing delegated: no situation (and no pass over the derivations)
            return None
        delegated, siblings, hierarchy, known = self._reach(facts, names)
        if not delegated:
            return None
        who = f"knows {', '.join(sorted(names))}"
        attacker = Knowledge(who, frozenset(), 0, 0, delegated, known)
        revealed = sorted((siblings | hierarchy) & known, key=facts.label)
        promised = self.promise(None)
        delegates = ", ".join(sorted(names))
        if revealed:
            return Verdict(0, who, False, promised,
                           f"{delegates} reveals {', '.join(facts.label(v) for v in revealed)}",
                           tuple(dict.fromkeys(line for v in revealed
                                               for line in facts.witness(attacker, v))))

        def lacking() -> list[str]:  # made when read: a step judges, the summary shows
            lines = ({line for v in siblings for line in facts.cut(attacker, v)}
                     | {f"lacks {facts.label(v)}" for v in siblings})
            return [line for line in sorted(lines) if line.startswith("lacks ")]

        others = len(hierarchy - siblings)
        return Verdict(0, who, True, promised,
                       f"{delegates} reveals none of "
                       f"{', '.join(sorted({facts.label(v) for v in siblings}))}"
                       + (f", nor any of the run's {others} other KeNB, KeNB* and NH values"
                          if others else "")
                       + ": no derivation runs from it towards them (one-way KDF)",
                       cut=Lines(lacking))

    def summary(self, state: Any, facts: Facts, arose: Mapping[int, int]) -> list[Verdict]:
        verdict = self.judge(facts)
        return [verdict] if verdict is not None else []


# -- authentication (Lowe, "A Hierarchy of Authentication Specifications", CSFW 1997) ----------
class _Authentication(_Claim):
    """A claim of an honest party about its peers, judged when it accepts: a target eNB
    accepting a HO confirm (or a HandoverRequest), the UE accepting a HO command. Not judged
    in a handover that a compromised eNB edited (``Facts.rewritten``), nor where the party
    accepting, the peer it is about, the sender of what it accepts (the source eNB relaying
    a HO command) or the handover's source eNB (``_source``) edited a message of an earlier
    handover that completed (``_honest``: an
    edit in one handover may reach the UE in the next), nor once a message was injected
    while an attacker held a party or its keys (``_forging_with_a_party``): Lowe's claims
    speak of honest peers, and what an edit does is judged by downgrade-resistance and its
    neighbours. A failure in a later handover is not promised (``after_an_edit``). State:
    the failures so far (``check`` lists them per hop)."""

    reads: frozenset[Any] = frozenset({Kind.RRC_HANDOVER_CONFIRM})  # the kinds it judges

    def observe(self, state: Any, event: Event, facts: Facts) -> Observed:
        step = event.step
        if (step is None or step.message.kind not in self.reads or not step.outcome.accepted
                or _edited(facts, step.hop) or not all(
                    _honest(facts, party, step.hop) for party in (
                        step.message.sender, step.message.receiver, _source(facts, step.hop)))
                or _forging_with_a_party(facts)):
            return Observed(state)
        judged = self.judge(step, event, facts)
        if judged is None:
            return Observed(state)
        failures = (judged,) if not judged.holds else ()
        return Observed((*state, *failures), failures, 1)

    def judge(self, step: Any, event: Event, facts: Facts) -> Verdict | None:
        """The verdict on ``step``, None when it is no situation of this claim."""
        raise NotImplementedError

    def verdict(self, step: Any, facts: Facts, hop_type: HopType | None, failure: str | None,
                witness: Callable[[], list[str]], replayed: Message | None) -> Verdict:
        """A holding verdict, only counted (``observe``; the summary says why it holds,
        ``held_at``), or a failure: outside the promise when the promise assumes a
        protected backhaul and ``replayed``, a backhaul message the failure rests on, was
        accepted more often than its sender sent it (``Authentication.copied``). The
        ``witness`` is made for a failure only (it names every preparation of a cell: a
        line per visit, on every hop of a long run)."""
        if failure is None:
            return Verdict(step.hop, "-", True, self.promise(hop_type), self.held_text)
        edit = after_an_edit(facts, step.hop)
        if edit is not None:
            return Verdict(step.hop, "-", False, False, failure + not_honest(self.name, *edit),
                           tuple(witness()))
        promise = find_promise(self.variant, self.name, hop_type)
        outside = (BACKHAUL_PROTECTED if promise is not None and replayed is not None
                   and BACKHAUL_PROTECTED in promise.assumes else None)
        if outside:
            failure += (f" (outside the promise: the adversary replayed {replayed}; the "
                        f"promise assumes {BACKHAUL_PROTECTED})")
        return Verdict(step.hop, "-", False, promise is not None and outside is None, failure,
                       tuple(witness()), outside=outside)

    def summary(self, state: Any, facts: Facts, arose: Mapping[int, int]) -> list[Verdict]:
        """The failures, and a holding verdict per hop in which the situation arose without
        one, of the hops it judges over the run (``arose``, ``over_run``)."""
        failures = [v for v in state if v.hop in arose]
        failed = {v.hop for v in failures}
        types = self.hop_types(facts)
        held = [hop for hop in arose if hop not in failed]
        judged = _judged_attackers(facts) if held else ()
        return sorted((*failures, *(Verdict(hop, "-", True, self.promise(types.get(hop)),
                                            self.held_at(facts, hop, judged))
                                    for hop in held)),
                      key=lambda v: v.hop)

    held_text = ""  # what was observed; ``held_at`` adds why no attacker could have broken it
    # the RRC message whose integrity stands behind the claim, who accepts it, and whose
    # KRRCint protects it: the HO confirm, the target's (TS 33.401 7.2.8, B.2)
    protected, accepter, keyed_by = "HO confirm", "the target", "its"

    def protecting_kenb(self, facts: Facts, hop: int) -> bytes | None:
        """The KeNB of ``protected``'s KRRCint in handover ``hop``: the one the target was
        prepared with (from the request's acceptance on: a search's shortest run may end
        there, its check line completes the hop), the one the UE completed on where it was
        prepared more than once."""
        prepared = [p.session.kenb for p in facts.authentication.prepared_in(hop)]
        completed = [c.kenb for c in facts.completed_in(hop) if c.kenb in prepared]
        return next(iter(completed or prepared), None)

    def held_at(self, facts: Facts, hop: int, judged: Sequence[Knowledge]) -> str:
        """The holding verdict at ``hop``: what was observed, then that the protected RRC
        message is accepted only under a KRRCint whose KeNB each attacker ``judged``
        (``_judged_attackers``) cannot derive (the inputs of it it lacks, ``Facts.cut``), and
        the backhaul's part, an assumption where NDS/IP protects it (TS 33.210 anti-replay)
        (helper-234: the observation alone was said). Not named: the KeNB, whose label
        reads otherwise once its hop completed (X2's KeNB* in use as the KeNB), so a search's
        run and its check line would word one verdict twice."""
        kenb = self.protecting_kenb(facts, hop)
        parts = [] if kenb is None else [
            f"{self.accepter} accepts a {self.protected} only under {self.keyed_by} "
            "KRRCint (TS 33.401 A.7), from a KeNB "
            + word_list([_lacks(facts, a, kenb) for a in judged])]
        return "; ".join([f"{self.held_text}: {parts[0]}" if parts else self.held_text,
                          _prepared_by(facts, hop)])

    def judged_beside(self, attacker: str) -> str | None:
        """Lowe's claims speak of honest peers (``_judged_attackers``): said where ``check
        --compromise`` names an attacker, lest "the radio observer cannot derive" read as of
        one holding the KeNB behind the HO command or confirm (helper-237 #1)."""
        return (f"judged against attackers holding no party or key, not the named attacker "
                f"({attacker}), which forges nothing in a check run")

    def over_run(self, facts: Facts, arose: dict[int, int]) -> dict[int, int]:
        """Not a handover a compromised eNB edited (``not_judged``), though the claim judged
        an acceptance there before the edit came (a HandoverRequest accepted before the
        source edited the HO command): Lowe's claims speak of honest peers, and over the run
        the editor was none in that handover (session 39: injective-agreement read "n/a"
        beside "sometimes 1")."""
        return {hop: n for hop, n in arose.items() if not _edited(facts, hop)}

    def not_judged(self, facts: Facts) -> dict[tuple[int, str], str]:
        editors: dict[int, list[str]] = {}
        for hop, enb in sorted(facts.rewritten):
            editors.setdefault(hop, []).append(enb)
        reasons = {(hop, ""): (f"{'a compromised eNB' if len(enbs) == 1 else 'compromised eNBs'} "
                               f"({', '.join(enbs)}) edited handover {hop}: {self.name} speaks "
                               "of honest peers, and the edit claims judge the edit")
                   for hop, enbs in editors.items()}
        # a later handover whose source or target edited one that completed (``_honest``;
        # helper-176: such hops were left unjudged without a word)
        for completion in facts.completions[1:]:
            hop = completion.handover
            edits = [(h, enb) for h, enb in _edits_in_force(facts, hop)
                     if enb in (_source(facts, hop), completion.enb)]
            if hop in editors or not edits:
                continue
            first = min(h for h, _ in edits)
            enbs = sorted({enb for _, enb in edits})
            reasons[hop, ""] = (f"{', '.join(enbs)}, which edited handover {first} as a "
                                f"compromised eNB, {'is' if len(enbs) == 1 else 'are'} a "
                                f"party of handover {hop}: {self.name} speaks of honest "
                                "peers")
        return reasons

    def hop_types(self, facts: Facts) -> dict[int, HopType | None]:
        """The type of each hop in which the claim may judge, where known (a holding verdict
        reads its promise by it): that of its completion."""
        return {c.handover: c.hop_type for c in facts.completions if c.number > 0}


def after_an_edit(facts: Facts, hop: int) -> tuple[int, list[str]] | None:
    """The first handover a compromised eNB edited of ``hop`` and the earlier ones that
    completed, with every eNB that edited it (helper-173: of two editors, one claim named
    one and another the other). What such an edit set may live on in the context of the
    UE and the target it installed, as an NCC does (TS 33.401 3.1: the NCC is part of the AS
    security context): a claim about the honest parties does not promise what follows it.
    An edited handover that never completed installed nothing (helper-165: a refused
    preparation with a Target ID edit excused a later failure it had no part in)."""
    edits = _edits_in_force(facts, hop)
    if not edits:
        return None
    first = min(h for h, _ in edits)
    return first, sorted(enb for h, enb in edits if h == first)


def _judged_attackers(facts: Facts) -> tuple[Knowledge, ...]:
    """The attackers a holding authentication verdict speaks of: those holding no party, the
    radio observer (what it derives by the end of the run, as key-secrecy judges it:
    ``radio_observer_knows``) and, on an open backhaul, the network. Lowe's claims speak of
    honest peers: a run in which an attacker holding a party injected is not judged
    (``_forging_with_a_party``), and what a compromised eNB's edit does is judged by
    downgrade-resistance and its neighbours; naming ``check``'s per-hop attackers would also
    make its line differ from a search's reason on the same run."""
    derived = _observer_derives(facts, 0, frozenset())
    observer = Knowledge("the radio observer", frozenset(), 0, 0, derived,
                         derived | facts.public)
    return (observer, *(a for a in facts.attackers if not a.entities))


def _prepared_by(facts: Facts, hop: int) -> str:
    """What the backhaul messages that prepared handover ``hop`` rest on
    (``_Authentication.held_at``)."""
    requests = list(dict.fromkeys(str(p.request) for p in facts.authentication.prepared_in(hop)
                                  if p.request is not None))
    if not requests:
        return "no backhaul message prepared it (intra-eNB)"
    if facts.nds_ip:
        return (f"{word_list(requests)} rests on the promise's assumption "
                f"{BACKHAUL_PROTECTED} (NDS/IP anti-replay, TS 33.210)")
    return (f"{word_list(requests)} crossed the open backhaul, "
            + ("where a message was replayed or injected, yet none was accepted here more "
               "often than sent" if facts.beyond_nds_ip else
               "where nothing was replayed or injected"))


def _lacks(facts: Facts, attacker: Knowledge, kenb: bytes) -> str:
    """What ``attacker`` lacks of ``kenb`` (its inputs it does not derive), or that it derives
    it (the network reads an open backhaul's keys), and, where nothing was injected, that it
    injected nothing."""
    name = "the network" if attacker.name == NETWORK else attacker.name
    if kenb in attacker.known:
        return f"{name} derives" + ("" if facts.injected else " (but injected no message)")
    lacking = [line.removeprefix("lacks ") for line in facts.cut(attacker, kenb, depth=1)]
    return f"{name} cannot derive (lacking {word_list(lacking)})"


def _edits_in_force(facts: Facts, hop: int) -> list[tuple[int, str]]:
    """The edits by compromised eNBs, as (hop, eNB), of handover ``hop`` or of an earlier
    handover that completed (``after_an_edit``)."""
    if not facts.rewritten:  # asked on every step: the completions not walked for nothing
        return []
    return [e for e in facts.rewritten if e[0] == hop
            or (e[0] < hop and any(c.number > 0 for c in facts.completed_in(e[0])))]


def not_honest(claim: str, hop: int, enbs: Sequence[str]) -> str:
    """Why a failure after the edits of handover ``hop`` by ``enbs`` (``after_an_edit``) is
    not promised."""
    who = (f"{enbs[0]}, a compromised eNB," if len(enbs) == 1 else
           f"{word_list(enbs)}, compromised eNBs,")
    return (f" (after {who} edited handover {hop}: {claim} speaks of honest parties, and "
            "one may hold what the edit set)")


def _edited(facts: Facts, hop: int) -> bool:
    return any(h == hop for h, _ in facts.rewritten)


def _honest(facts: Facts, party: str, hop: int) -> bool:
    """``party`` (an eNB's name) edited no message as a compromised eNB in handover ``hop``,
    nor in an earlier one that completed (``_edits_in_force``: an edited handover that never
    completed installed nothing; helper-173: after a Target ID edit the target refused,
    ue-agreement left the next, unedited hop from the same source unjudged, where the
    other authentication claims judged it). A compromised eNB that only reads (the default
    attackers of ``check``) still acts honestly."""
    return all(enb != party for _, enb in _edits_in_force(facts, hop))


def _source(facts: Facts, hop: int) -> str:
    """The eNB serving the UE when handover ``hop`` started, its source: that of the last
    completion of an earlier handover (helper-176: agreement judged a hop prepared by a
    source eNB that had edited a completed handover "sent by an honest source eNB")."""
    return next((c.enb for c in reversed(facts.completions) if c.handover < hop),
                facts.completions[0].enb)


def _forging_with_a_party(facts: Facts) -> bool:
    """A message was injected while an attacker held a party or its keys: the injection may
    be forged with any peer's keys (a compromised X2 source derives its target's), so no
    peer of the run counts as honest."""
    return facts.injected and any(a.entities for a in facts.attackers)


def _session_text(facts: Facts, session: Session) -> str:
    ncc = "" if session.ncc is None else f", NCC {session.ncc}"
    return (f"cell {session.cell}, C-RNTI {session.c_rnti}, {facts.label(session.kenb)} "
            f"({session.kenb.hex()[:8]}){ncc}")


def _prepared(facts: Facts, target: str, session: Session) -> list[Preparation]:
    """The preparations ``target`` made of ``session``."""
    return [p for p in facts.authentication.prepared(session) if p.enb == target]


def _target_session(step: Any) -> Session:
    ctx = step.ctx_after
    return Session(ctx.cell, ctx.c_rnti, ctx.keys.as_keys.kenb, ctx.keys.as_keys.ncc)


class _AtConfirm(_Authentication):
    """Judged when a target eNB accepts a HO confirm: its preparation of this session and
    the UE's run that sent the confirm."""

    def judge(self, step: Any, event: Event, facts: Facts) -> Verdict | None:
        if step.message.kind is not Kind.RRC_HANDOVER_CONFIRM or step.message.receiver == UE:
            return None
        target, session = step.message.receiver, _target_session(step)
        prepared = _prepared(facts, target, session)
        preparation = max(prepared, key=lambda p: p.ue_runs, default=None)
        run = facts.authentication.ue_run(step.message)

        def lines() -> list[str]:
            return [f"{target} accepted the HO confirm in hop {step.hop}: "
                    f"{_session_text(facts, session)}",
                    _prepared_text(facts, preparation),
                    f"the confirm was sent by the UE's run {run.number} (hop {run.hop}): "
                    f"{_session_text(facts, run.session)}" if run is not None else
                    "no run of the UE sent this confirm"]
        failure = self.fails(step, event, facts, preparation, run)
        replayed = (preparation.request if preparation is not None
                    and facts.authentication.copied(preparation.request) else None)
        return self.verdict(step, facts, facts.completions[-1].hop_type, failure,
                            lines, replayed)

    def fails(self, step: Any, event: Event, facts: Facts, preparation: Preparation | None,
              run: UeRun | None) -> str | None:
        raise NotImplementedError


def _prepared_text(facts: Facts, preparation: Preparation | None) -> str:
    if preparation is None:
        return "no preparation of this session"
    if preparation.request is None:
        return f"prepared in hop {preparation.hop} by its own decision (intra-eNB)"
    sent = facts.authentication.request(preparation.request)
    times = (f"sent {sent.times}, accepted {sent.accepted} time(s)" if sent is not None
             else "never sent by its sender")
    return f"prepared in hop {preparation.hop} by {preparation.request} ({times})"


def _decided(facts: Facts, preparation: Preparation | None) -> str | None:
    """Why no honest decision stands behind ``preparation`` (None: one does)."""
    if preparation is None:
        return "the target prepared no such session"
    if preparation.request is None:
        return None  # intra-eNB: the target's own decision
    if facts.authentication.request(preparation.request) is None:
        return f"no honest party sent the {preparation.request.kind.title} that prepared it"
    if not any(d.cell == preparation.session.cell for d in facts.authentication.decisions):
        return f"no source eNB decided a handover to {preparation.session.cell}"
    return None


class Aliveness(_AtConfirm):
    name = ALIVENESS
    always = ("when a target eNB accepts a HO confirm, the UE has run a handover (accepted a "
              "HO command) since the target prepared this one, and a source eNB decided it "
              "(recent aliveness)")
    sometimes = "a target eNB accepted a HO confirm"
    held_text = "the UE ran the handover after the target prepared it; a source eNB decided it"

    def fails(self, step: Any, event: Event, facts: Facts, preparation: Preparation | None,
              run: UeRun | None) -> str | None:
        undecided = _decided(facts, preparation)
        if undecided:
            return f"{step.message.receiver} accepted a HO confirm, but {undecided}"
        assert preparation is not None
        if run is None or run.number <= preparation.ue_runs:
            return (f"{step.message.receiver} accepted a HO confirm the UE has not sent since "
                    f"the target prepared the handover in hop {preparation.hop}")
        return None


class Agreement(_AtConfirm):
    name = AGREEMENT
    always = ("when a target eNB accepts a HO confirm, the UE ran this handover with the same "
              "target cell, C-RNTI, KeNB and NCC, and the HandoverRequest that prepared it was "
              "sent by an honest source eNB (X2) or MME (S1, its {NH, NCC}) that decided a "
              "handover to this cell (non-injective agreement)")
    sometimes = "a target eNB accepted a HO confirm"
    held_text = ("the UE ran the handover on the target's cell, C-RNTI, KeNB and NCC; the "
                 "request that prepared it was sent by an honest source eNB or MME")

    def fails(self, step: Any, event: Event, facts: Facts, preparation: Preparation | None,
              run: UeRun | None) -> str | None:
        target, session = step.message.receiver, _target_session(step)
        undecided = _decided(facts, preparation)
        if undecided:
            return f"{target} accepted a HO confirm, but {undecided}"
        if run is None:
            return f"{target} accepted a HO confirm that no run of the UE sent"
        differ = [name for name, mine, theirs in (
            ("target cell", session.cell, run.session.cell),
            ("C-RNTI", session.c_rnti, run.session.c_rnti),
            ("KeNB", session.kenb, run.session.kenb), ("NCC", session.ncc, run.session.ncc))
            if mine != theirs]
        if differ:
            return (f"{target} accepted a HO confirm of the UE's run {run.number}, which "
                    f"disagrees on {', '.join(differ)}")
        return None


class InjectiveAgreement(_Authentication):
    name = INJECTIVE
    always = ("every acceptance corresponds to its own decision: a target eNB accepts each "
              "HandoverRequest no more often than its honest sender sent it, and each run of "
              "the UE's (each HO confirm it sent) once; a replayed or duplicated message never "
              "prepares or completes a second handover (injective agreement)")
    sometimes = "a target eNB accepted a HandoverRequest or a HO confirm"
    reads = frozenset({*REQUESTS, Kind.RRC_HANDOVER_CONFIRM})
    held_text = "each request and each confirm accepted once per decision and UE run"

    def judge(self, step: Any, event: Event, facts: Facts) -> Verdict | None:
        message, target = step.message, step.message.receiver
        if message.kind in REQUESTS:
            sent = facts.authentication.request(message)
            failure = None
            if sent is not None and sent.accepted > sent.times:
                failure = (f"{target} accepted {message} {sent.accepted} times, sent "
                           f"{sent.times}: it prepared a second handover from one decision")

            def lines() -> list[str]:
                return [f"{target} prepared {_session_text(facts, _target_session(step))} in "
                        f"hop {step.hop}", _prepared_text(facts, Preparation(
                            target, step.hop, _target_session(step), message, 0))]
            return self.verdict(step, facts, _request_hop_type(message), failure, lines,
                                message if facts.authentication.copied(message) else None)
        if message.kind is not Kind.RRC_HANDOVER_CONFIRM or target == UE:
            return None
        run = facts.authentication.ue_run(message)
        failure = None
        if run is not None and (target, run.number) in event.earlier.authentication.confirmed:
            failure = (f"{target} accepted the HO confirm of the UE's run {run.number} (hop "
                       f"{run.hop}) a second time: one run completed two handovers")
        session = _target_session(step)
        request = next((p.request for p in _prepared(facts, target, session)
                        if facts.authentication.copied(p.request)), None)
        return self.verdict(step, facts, facts.completions[-1].hop_type, failure,
                            lambda: [f"{target} accepted the HO confirm in hop {step.hop}: "
                                     f"{_session_text(facts, session)}"], request)

    def hop_types(self, facts: Facts) -> dict[int, HopType | None]:
        """Also that of the HandoverRequest that prepared a target, in a hop that never
        completed."""
        prepared = {p.hop: _request_hop_type(p.request)
                    for p in facts.authentication.preparations if p.request is not None}
        return prepared | super().hop_types(facts)


def _request_hop_type(request: Message) -> HopType | None:
    return HopType.X2 if request.kind is Kind.X2AP_HANDOVER_REQUEST else None


class UeAgreement(_Authentication):
    name = UE_AGREEMENT
    always = ("when the UE accepts a HO command (and so completes its part: it sends the HO "
              "confirm), a target eNB prepared this handover: the same target cell, C-RNTI, "
              "KeNB and NCC (non-injective agreement, the UE's view)")
    sometimes = "the UE accepted a HO command"
    reads = frozenset({Kind.RRC_HANDOVER_COMMAND})
    held_text = "a target eNB prepared the UE's handover with the same cell, C-RNTI, KeNB, NCC"
    protected, accepter, keyed_by = "HO command", "the UE", "the source's"

    def protecting_kenb(self, facts: Facts, hop: int) -> bytes | None:
        """The KeNB the UE used before handover ``hop``: the source's."""
        return next((c.kenb for c in reversed(facts.completions) if c.handover < hop), None)

    def judge(self, step: Any, event: Event, facts: Facts) -> Verdict | None:
        if step.message.kind is not Kind.RRC_HANDOVER_COMMAND or step.message.receiver != UE:
            return None
        run = facts.authentication.last_run()
        if not _honest(facts, self.topology.cell(run.session.cell).enb, step.hop):
            return None  # the peer, the target eNB of the UE's run, edited messages
        prepared = facts.authentication.prepared(run.session)
        failure = None if prepared else (
            f"the UE ran handover {run.number} on a session no target eNB prepared")

        def lines() -> list[str]:
            near = [p for p in facts.authentication.preparations
                    if p.session.cell == run.session.cell]
            return [f"the UE ran: {_session_text(facts, run.session)}",
                    *(f"{p.enb} prepared in hop {p.hop}: {_session_text(facts, p.session)}"
                      for p in sorted(near, key=lambda p: p.ue_runs))]
        hop_type = None
        if event.before is not None:
            hop_type = self.hop_between(event.before.cell, run.session.cell)
        replayed = facts.authentication.any_copied()
        return self.verdict(step, facts, hop_type, failure, lines, replayed)

    def hop_types(self, facts: Facts) -> dict[int, HopType | None]:
        return {}  # the UE's view: its promise is read per handover type unknown


# -- model invariants ----------------------------------------------------------------------------
class RefusalChangesNothing(_Claim):
    invariant = True
    name = NO_CHANGE_ON_REFUSAL
    reads = frozenset({REFUSED})
    always = "an entity that refuses a message keeps its state and keys"
    sometimes = "a message was refused"

    def promised_by(self, variant: KeySchedule) -> bool:
        return True

    def held(self, seen: Sequence[Any], arose: int) -> str:
        """Each refusal left the refusing entity's record as it was: what it refused."""
        return (f"every entity that refused a message ({arose}) kept its state and keys: "
                + "; ".join(f"{who} refused {message}" for who, message in seen))

    def observe(self, state: Any, event: Event, facts: Facts) -> Observed:
        step = event.step
        if (step is None or step.outcome.accepted or step.ctx_after is None
                or event.before is None):
            return Observed(state)
        if step.ctx_after is event.before or step.ctx_after == event.before:
            return Observed(state, (), 1, ((step.message.receiver, step.message),))
        return Observed(state, (Verdict(step.hop, "-", False, True,
                                        f"{step.message.receiver} changed its keys on a "
                                        f"refused {step.message}"),), 1)


# The values NCC may take on the air and on S1, written from the ASN.1 (TS 36.331
# NextHopChainingCount ::= INTEGER (0..7); S1AP SecurityContext nextHopChainingCount 0..7),
# not from the model's NCC_BITS: with the model's NCC widened to 4 bits, ncc-range read
# "holds" while the run sent NCC 8 and 9 (helper-245 M34)
NEXT_HOP_CHAINING_COUNT = range(8)


class NccRange(_Claim):
    invariant = True
    name = NCC_RANGE
    reads = frozenset({SENT})
    always = "NCC is a 3-bit field wherever it travels"
    # the parties' messages, as sent: an edit writes only a value of the field's own range
    # (``downgrade.WIDTHS``; helper-173: "every NCC carried" left out the NCC 5 an edit gave
    # the UE)
    sometimes = "a party sent a message carrying an NCC"

    def promised_by(self, variant: KeySchedule) -> bool:
        return True

    def held(self, seen: Sequence[Any], arose: int) -> str:
        """Every NCC a party sent fitted the 3-bit field: TS 33.401 7.2.8.4, TS 36.331
        nextHopChainingCount INTEGER (0..7); the values sent."""
        low, high = NEXT_HOP_CHAINING_COUNT[0], NEXT_HOP_CHAINING_COUNT[-1]
        return (f"every NCC a party sent ({arose}) was in {low}..{high}, the 3-bit "
                f"NCC of TS 33.401 7.2.8.4 and TS 36.331 (nextHopChainingCount): NCC "
                f"{', '.join(map(str, sorted(seen)))}")

    def observe(self, state: Any, event: Event, facts: Facts) -> Observed:
        if event.step is None:
            return Observed(state)
        carried = [(sent, ncc) for sent in event.step.outcome.sent
                   for ncc in _fields_named(sent.fields, "NCC")]
        failures = tuple(Verdict(event.step.hop, "-", False, True, f"{sent} carries NCC {ncc!r}")
                         for sent, ncc in carried
                         if not (isinstance(ncc, int) and not isinstance(ncc, bool)
                                 and ncc in NEXT_HOP_CHAINING_COUNT))
        return Observed(state, failures, len(carried), tuple(ncc for _, ncc in carried))


class NccSync(_Claim):
    """TS 33.401 7.2.8.4.3: the UE compares a received NCC with "the NCC associated with the
    currently active KeNB": equal, it derives KeNB* horizontally; different, it synchronizes
    its NH forward to the first NH with that NCC and derives vertically (srsRAN_4G's UE
    likewise, srsue/src/stack/upper/usim_base.cc, ``usim_base::generate_as_keys_ho``:
    ``k_enb_ctx.ncc``). NCC is the number of NH derivations modulo 8 (7.2.8.1.1), so an
    NCC names one NH only while every NH an MME holds, NH(q), is fewer than 8 derivations
    past the position p of the UE's active KeNB (0 for the initial KeNB, k after a vertical
    derivation from NH(k)): q - p = 8 gives the active KeNB's own NCC (the UE derives
    horizontally where the eNB derived vertically), q - p > 8 makes the UE synchronize to
    the wrong NH.

    State: (p, ((MME, q, its NH), ...)). q is the NH's true position in the chain: a target
    MME counts only what the NCC of the source MME's {NH, NCC} allows (``received_chain``;
    TS 29.274 8.38 carries no more), so the claim places an NH by its value, from the NH it
    was derived from or the party whose chain holds it (``_positions``)."""

    invariant = True
    name = NCC_SYNC
    reads = frozenset({STEP})
    always = ("every NH an MME holds is fewer than 8 NH derivations past the UE's active "
              "KeNB, so NCC names one NH")
    sometimes = "an MME derived or took an NH"

    def promised_by(self, variant: KeySchedule) -> bool:
        return variant.initial_ncc() is not None

    def initial(self) -> Any:
        return (0, ())

    def held(self, seen: Sequence[Any], arose: int) -> str:
        """Each NH an MME derived or took was fewer than 8 NH derivations past the UE's
        active KeNB, so its NCC (its position modulo 8, TS 33.401 7.2.8.1.1) named it alone
        (7.2.8.4.3): each one, with its NCC and the UE's position then. The chain is the
        variant's: this claim counts its derivations, it does not check them against A.4
        (a reviewer's variant re-sending one NH held "of the A.4 chain", helper-216 #10),
        nor whether the UE reaches the NH the network used, which key-agreement judges
        (helper-229 #5: a variant sending NH(1) twice held here, and failed key-agreement)."""
        return (f"every NH an MME derived or took ({arose}) was fewer than "
                f"{NCC_MODULUS} NH derivations past the UE's active KeNB, so its NCC names one "
                "NH of the variant's NH chain (TS 33.401 7.2.8.1.1, 7.2.8.4.3): "
                + "; ".join(f"{m} NH({q}), NCC {q % NCC_MODULUS}, UE's KeNB at NH({active})"
                            f"{' (the initial KeNB)' if active == 0 else ''}"
                            for m, q, active in seen)
                + "; whether the UE derives the NH the network used is key-agreement's to judge")

    def observe(self, state: Any, event: Event, facts: Facts) -> Observed:
        step = event.step
        if step is None or self.variant.initial_ncc() is None:
            return Observed(state)
        active, mmes = state
        arose, placed = 0, None
        if step.message.receiver == UE:
            keys = step.ctx_after.keys
            if keys is None or keys.chain is None:
                return Observed(state)
            if (event.before is None or event.before.keys is None
                    or _from_kasme(step.outcome.derivations)):
                # 7.2.8.1.1: the initial KeNB, with the virtual NH of NCC 0; or a KeNB from
                # KASME again (keyChangeIndicator TRUE, TS 36.331 5.3.5.4; helper-180)
                active = 0
            if _derived_from(step.outcome.derivations, keys.chain.value):
                active = keys.chain.derivations  # vertical, from the UE's NH(k)
        else:
            chain = getattr(step.ctx_after, "chain", None)  # an MME's; None at an eNB
            if chain is None:
                return Observed(state)
            held = {m: (q, nh) for m, q, nh in mmes}
            receiver = step.message.receiver
            if held.get(receiver, (0, None))[1] != chain.value:
                q = _positions(step.outcome.derivations, _chains(mmes, facts)).get(
                    chain.value, chain.derivations)  # placed by no party: the MME's count
                arose, placed = 1, (receiver, q)
                held[receiver] = (q, chain.value)
                mmes = tuple((m, q, nh) for m, (q, nh) in sorted(held.items()))
        state, seen = (active, mmes), () if placed is None else ((*placed, active),)
        apart = [(m, q) for m, q, _ in mmes if q - active >= NCC_MODULUS]
        if not apart:
            return Observed(state, (), arose, seen)
        # the promise is key agreement's, of the honest parties' chains: not of one an edit by
        # a compromised eNB moved (keyChangeIndicator TRUE rolls the UE back to NH(1))
        edit = after_an_edit(facts, step.hop)
        failures = tuple(
            Verdict(step.hop, "-", False,
                    find_promise(self.variant, KEY_AGREEMENT, None) is not None
                    and edit is None,
                    f"{m} holds NH({q}) and the UE's active KeNB is at NH({active}) of the "
                    f"chain{' (the initial KeNB)' if active == 0 else ''}: {q - active} NH "
                    f"derivations apart, NCC {q % NCC_MODULUS} no longer names one NH "
                    "(TS 33.401 7.2.8.4.3)"
                    + (not_honest(self.name, *edit) if edit is not None else ""))
            for m, q in apart)
        return Observed(state, failures, arose, seen)


def _from_kasme(derivations: Sequence[Derivation]) -> bool:
    """Some derivation of the step made a KeNB from KASME (TS 33.401 A.3)."""
    return any(d.output_name == "KeNB" and d.inputs[0].name == KASME for d in derivations)


def _derived_from(derivations: Sequence[Derivation], key: bytes) -> bool:
    """Some derivation of the step took ``key`` as its KDF key."""
    return any(d.inputs[0].value == key for d in derivations)


def _chains(mmes: tuple[tuple[str, int, bytes], ...], facts: Facts) -> dict[bytes, int]:
    """Each NH a party's chain holds, with its position: the MMEs' as placed so far, the
    UE's by its own count (the UE never takes a chain from another party)."""
    held = {nh: q for _, q, nh in mmes}
    ue_keys = facts.ue.keys if facts.ue is not None else None
    if ue_keys is not None and ue_keys.chain is not None:
        held[ue_keys.chain.value] = ue_keys.chain.derivations
    return held


def _positions(derivations: Sequence[Derivation], held: dict[bytes, int]) -> dict[bytes, int]:
    """The position of each NH the step derived, with those of ``held``: TS 33.401 A.4, NH
    from the initial KeNB is NH(1) (7.2.8.1.1), NH from NH(n) is NH(n+1)."""
    positions = dict(held)
    for d in derivations:  # in the order made: an NH's SYNC-input comes before it
        # the SYNC-input by its name, wherever a variant puts it (A.4: P0 after KASME, FC)
        sync = next((i for i in d.inputs if i.name in ("KeNB", "NH")), None)
        if d.output_name != "NH" or sync is None:
            continue
        if sync.name == "KeNB":
            positions[d.output] = 1
        elif sync.value in positions:
            positions[d.output] = positions[sync.value] + 1
    return positions


def _fields_named(fields: Any, name: str) -> Any:
    if isinstance(fields, tuple):
        if len(fields) == 2 and fields[0] == name:
            yield fields[1]
        for item in fields:
            if isinstance(item, tuple):  # a value holds no field
                yield from _fields_named(item, name)


_KINDS: tuple[type[_Claim], ...] = (
    KeyAgreement, KeySecrecy, BackwardSecurity, ForwardSecurity, KeySeparation, DowngradeResistance,
    HandoverDenial, FakeCellCapture, Confinement, Aliveness, Agreement, InjectiveAgreement,
    UeAgreement, RefusalChangesNothing, NccRange, NccSync)


def all_claims(variant: KeySchedule, topology: Topology) -> list[_Claim]:
    """Every claim and invariant, in the order they are reported."""
    claims = [cls(variant, topology) for cls in _KINDS]
    backward = next(c for c in claims if isinstance(c, BackwardSecurity))
    for claim in claims:  # forward security reads backward's "earlier", and what it found
        if isinstance(claim, ForwardSecurity):
            claim.earlier = backward
    return claims


def situation(name: str) -> str:
    """The situation claim ``name`` speaks of (its "sometimes"), for a vacuous verdict."""
    return next(cls.sometimes for cls in _KINDS if cls.name == name)


# -- what the rewrite search of ``hoverify.properties.downgrade`` reads from a finished run ---
def promise_for(analysis: Analysis, claim: str, hop_type: HopType | None) -> Promise | None:
    return find_promise(analysis.run.variant, claim, hop_type)


def relayed_to_ue(analysis: Analysis, hop: int) -> list[int]:
    """Steps of ``hop`` in which the source eNB received what it relays to the UE: the
    messages after which it sent the RRC HO command."""
    source = analysis.source(hop)
    return [step.number for step in analysis.steps_of(hop)
            if step.message.receiver == source
            and step.message.interface is not Interface.UU
            and any(m.kind is Kind.RRC_HANDOVER_COMMAND for m in step.outcome.sent)]
