"""helper-206: a witness names the step that gave the attacker a key, or made an edit, by what
the command printed. It said "(step 1)" by the model's steps, the AS security set-up's
included, which no command prints: beside ``replay``'s numbered actions it read as action 1
(here, made in the set-up before any action), and ``check`` prints no steps at all. A run
of actions (``replay``, ``explore``, ``verify``) names the action that made the step, or the
set-up before the first; a run of hops (``check``, the report) names the handover
(``hoverify.properties.places``)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hoverify.properties.adversary import DEFAULT
from hoverify.properties.exploration import EXPLORATION_KASME, Exploration
from hoverify.properties.finding_file import finding_document
from hoverify.properties.places import place
from hoverify.statemachines.topology import small_topology
from hoverify.statemachines.variants import load

from hoverify.cli import main

FINDINGS = Path(__file__).parent / "data" / "findings"
# a saved finding whose witness holds the initial KeNB, given to enb-1 in the set-up
SET_UP_KEY = FINDINGS / "bit-unprotected-downgrade-by-the-source-denying-kenb-star-plus.json"
# a model step number in a witness: "(step 6)", "step 7: enb-1 rewrites", "sent at step 15"
MODEL_STEP = re.compile(r"\(steps? \d|^step \d+:|at step \d")


def _two_handovers_after_compromise(tmp_path: Path) -> Path:
    """tr33821-v070 on the small topology: an X2 handover to enb-2, which derives that hop's
    KeNB from the KeNB* of the X2AP HandoverRequest (TR 33.821 v0.7.0, seed section 2);
    enb-2 compromised; a second X2 handover away from it. Forward security fails (not
    promised): enb-2 derives hop 2's KeNB from the KeNB it derived in hop 1. Saved as
    ``explore`` and ``verify`` save a finding."""
    variant = load("tr33821-v070")
    exploration = Exploration(variant, small_topology(), EXPLORATION_KASME)

    def start(cell: str) -> None:
        exploration.start_handover([c.name for c in exploration.neighbours()].index(cell))
        while exploration.system.in_flight:
            exploration.deliver(0)

    start("enb-2/cell-1")
    exploration.compromise(DEFAULT.targets(exploration.system.topology, variant).index("enb-2"))
    start("enb-1/cell-1")
    [finding] = [f for f in exploration.findings() if f.claim == "forward-security"]
    exploration.close()
    path = tmp_path / "forward-security.json"
    path.write_text(json.dumps(finding_document(variant, finding, DEFAULT,
                                                frozenset({"compromise"}),
                                                "fails (not promised)")))
    return path


def _witness(out: str) -> list[str]:
    """The witness lines under the replayed claim's verdicts."""
    lines = out.split("witness of ", 1)[1].splitlines()[1:]
    return [line.strip() for line in lines if line.startswith(" " * 8)]


def test_replays_witness_names_the_printed_action_that_made_its_step(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """enb-2 derived hop 1's KeNB on the X2AP HandoverRequest it received, action 3 of the
    printed list: the witness said "(step 6)", the model's step, and action 6 is the UE's HO
    confirm."""
    main(["replay", str(_two_handovers_after_compromise(tmp_path))])
    out = capsys.readouterr().out
    [held] = [line for line in _witness(out) if line.startswith("holds ")]
    assert held == "holds KeNB[hop 1]: enb-2 derived it (action 3)", held
    number = int(held.rpartition("(action ")[2].rstrip(")"))
    printed = {int(n): text for n, text in re.findall(r"^ *(\d+)\. (.*)$", out, re.M)}
    assert printed[number] == "deliver X2AP HandoverRequest enb-1->enb-2"
    assert not any(MODEL_STEP.search(line) for line in _witness(out))


def test_replays_witness_names_the_set_up_before_the_first_action(
        capsys: pytest.CaptureFixture[str]) -> None:
    """The initial KeNB reached enb-1 in the AS security set-up, which replay does not print:
    "(step 1)" read as action 1."""
    main(["replay", str(SET_UP_KEY)])
    witness = _witness(capsys.readouterr().out)
    assert ("holds KeNB[hop 0]: enb-1 received it in S1AP InitialContextSetupRequest "
            "mme-1->enb-1 (in the AS security set-up, before action 1)") in witness, witness
    assert not any(MODEL_STEP.search(line) for line in witness), witness


def test_checks_witnesses_name_handovers_not_steps(
        capsys: pytest.CaptureFixture[str]) -> None:
    """``check`` prints its hops, no steps: its witnesses name the handover (or the set-up)
    where a key arrived or an edit was made, the claim engine's (forward security) and the
    edit search's (handover-denial) alike."""
    main(["check", "--variant", "tr33821-v070", "--topology", "small", "--hops",
          "x2@enb-2/cell-1,x2@enb-1/cell-1", "--compromise", "enb-2@2", "--json"])
    claims = {c["name"]: c for c in json.loads(capsys.readouterr().out)["claims"]}
    assert ("holds KeNB[hop 1]: enb-2 derived it (in handover 1)"
            in claims["forward-security"]["witness"])
    denial = claims["handover-denial"]["witness"]
    assert denial[1].startswith("in handover 2: enb-2 rewrites field "), denial
    every = [line for c in claims.values() for v in c["verdicts"]
             for line in v.get("witness", ())]
    assert every and not any(MODEL_STEP.search(line) for line in every), every


@pytest.mark.parametrize(("action", "hop", "words"), [
    (3, 1, "action 3"), (0, 0, "in the AS security set-up, before action 1"),
    (None, 2, "in handover 2"), (None, 0, "in the AS security set-up")])
def test_a_place_is_an_action_where_the_run_has_them_else_a_handover(
        action: int | None, hop: int, words: str) -> None:
    assert place(action, hop) == words
