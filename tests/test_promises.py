"""Which forward-security promise a derivable later KeNB breaks (``ForwardWindows``), read
from the definition, not from the model.

TS 33.501 3.1 (handover-keys section 5): n-hop forward security, "the key used n or more hops
later cannot be predicted" by an eNB that knows its KeNB. A promise of n-hop forward security
for hops of type T is made for the KeNB of each hop k of type T: neither it nor any KeNB n - 1
or more hops after it can be derived by an eNB whose last legitimate KeNB is that of hop
k - 1 or earlier (the source of hop k, or an eNB before it). So an attacker whose last
legitimate KeNB is that of hop ``left`` breaks a promise by deriving the KeNB of hop j iff
some hop k, left < k <= j, promises it with j >= k - 1 + n, and the run kept that promise's
assumptions from hop k to hop j: TS 33.401 7.2.8.4.2's 2-hop X2 promise assumes that each
later hop is decided after the Path Switch Request Acknowledge of the one before (a hop
written ``x2*`` here is decided before it)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hoverify.properties.engine import Completion
from hoverify.properties.later_kenbs import NOTHING_PROMISED, Judgement
from hoverify.properties.promises import FORWARD, forward_windows
from hoverify.statemachines.topology import HopType
from hoverify.statemachines.variant import PATH_SWITCH_FIRST, Promise
from hoverify.statemachines.variants import load
from hoverify.statemachines.variants.ts33401 import Ts33401


@dataclass(frozen=True)
class X2Only(Ts33401):
    """TS 33.401's X2 promise alone (7.2.8.4.2: 2-hop, assuming the Path Switch first)."""

    def promises(self) -> tuple[Promise, ...]:
        return (Promise(FORWARD, frozenset({HopType.X2}), hops=2,
                        assumes=frozenset({PATH_SWITCH_FIRST})),)


VARIANTS = {"seed-fs": load("seed-fs"), "ts33401": load("ts33401"), "x2-only": X2Only()}

# variant, hops ("*": decided before the previous hop's Path Switch Acknowledge), the hop of
# the attacker's last legitimate KeNB, the hop j of the KeNB it derives, the hop whose
# promise that breaks (None: none), and what a failure there is otherwise (None: no failure)
CASES = [
    # seed section 3: 1-hop on S1 ("KeNB*+ mixes in K_HO, which only the MMEs and the UE
    # hold"), nothing on X2. The reviewer's case: hop 4 is an S1 hop after hop 1
    ("seed-fs", "s1,x2,x2,s1-inter", 1, 4, 4, None),
    ("seed-fs", "s1,x2,x2,s1-inter", 1, 3, None,
     "nothing promised once an x2 hop (hop 2) takes the UE away"),
    ("seed-fs", "s1,s1", 0, 2, 1, None),  # the hop that took the UE away, as before
    ("seed-fs", "x2,s1,s1", 0, 3, 3, None),  # hops 2 and 3 both promise it: the last named
    ("seed-fs", "x2,s1,s1", 0, 1, None,
     "nothing promised once an x2 hop (hop 1) takes the UE away"),
    # TS 33.401 7.2.8.4.2: 2-hop on X2 (the next KeNB is the source's own KeNB*); 7.2.8.4.3:
    # 1-hop on S1
    ("ts33401", "x2,x2", 0, 1, None, None),
    ("ts33401", "x2,x2", 0, 2, 1, None),
    ("ts33401", "x2,x2*,x2", 0, 2, None, "outside the promise: hop 2 was decided before the "
     "Path Switch Request Acknowledge of hop 1 arrived (the promise assumes path-switch-first)"),
    ("ts33401", "x2,x2*,x2", 0, 3, 2, None),  # hop 2's own promise: hop 3 waited
    ("ts33401", "x2,x2*,x2*", 0, 3, None, "hop 2 was decided before the Path Switch Request "
     "Acknowledge of hop 1"),
    ("ts33401", "x2,x2*,s1", 0, 3, 3, None),
    # hop 1's 2-hop window opens at hop 2, where hop 2's 1-hop one opens too: the promise
    # broken is that of the hop that took the UE away
    ("ts33401", "x2,s1", 0, 2, 1, None),
    ("ts33401", "s1,x2*,x2", 0, 2, 1, None),  # S1's promise assumes nothing
    ("ts33401", "x2,x2,x2", 1, 3, 2, None),
    ("ts33401", "x2,x2,x2", 1, 2, None, None),
    # a later hop's promise whose assumption broke: outside that promise
    ("x2-only", "s1,x2,x2*", 0, 3, None, "hop 3 was decided before the Path Switch Request "
     "Acknowledge of hop 2"),
    ("x2-only", "s1,x2,x2", 0, 3, 2, None),
    ("x2-only", "s1,x2,x2", 0, 2, None, "nothing promised once an s1 hop (hop 1)"),
]


def completions(hops: str) -> tuple[tuple[Completion, ...], frozenset[int]]:
    types = [None, *hops.split(",")]
    done = tuple(Completion(n, b"", "", "", HopType(t.rstrip("*")) if t else None, n)
                 for n, t in enumerate(types))
    return done, frozenset(n for n, t in enumerate(types) if t and t.endswith("*"))


@pytest.mark.parametrize("variant, hops, left, j, broken, outside", CASES)
def test_a_derivable_later_kenb_breaks_the_promise_of_a_hop_after_the_attacker(
        variant: str, hops: str, left: int, j: int, broken: int | None,
        outside: str | None) -> None:
    windows = forward_windows(VARIANTS[variant], *completions(hops))
    assert windows.broken(left, j) == broken
    distance, wanted, why, uncovered = windows.judged(left, j)
    assert distance == j - left
    assert (j - left >= wanted) == (broken is not None or outside is not None)
    assert (why is None) == (outside is None) and (outside or "") in (why or "")
    # no promise covers it exactly where its failure reads so
    assert uncovered == (why or "").startswith(NOTHING_PROMISED)


def test_the_windows_grow_with_the_run_and_start_again_on_another() -> None:
    """A check adds one hop at a time; a search moves to another run: the same answers as
    windows found at once."""
    variant = VARIANTS["ts33401"]
    long, early = completions("x2,x2*,x2,s1,x2,x2")
    for n in range(2, len(long) + 1):
        forward_windows(variant, long[:n], early)
    grown = [(left, j, forward_windows(variant, long, early).judged(left, j))
             for j in range(1, len(long)) for left in range(j)]
    other, _ = completions("s1,s1")
    forward_windows(variant, other, frozenset())
    again = [(left, j, forward_windows(variant, long, early).judged(left, j))
             for j in range(1, len(long)) for left in range(j)]
    assert grown == again and grown[-1][2] == Judgement(1, 2, None, False)


# variant, hops, the hop of the attacker's last legitimate KeNB, the last hop of the KeNBs
# looked at, and the hop after the first whose promise reaches one of them (None: none)
OPENINGS = [
    ("x2-only", "s1,x2,x2", 0, 2, None),  # hop 2's window opens at hop 3 (k - 1 + n)
    ("x2-only", "s1,x2,x2", 0, 3, 2),
    ("x2-only", "s1,x2,x2", 2, 3, None),  # hop 3's opens at hop 4
    # hop 3, decided before hop 2's Path Switch Acknowledge, breaks hop 2's assumption as
    # its window opens: hop 2's promise reaches no KeNB; hop 3's own, opening at hop 4, does
    ("x2-only", "s1,x2,x2*,x2", 0, 3, None),
    ("x2-only", "s1,x2,x2*,x2", 0, 4, 3),
    ("seed-fs", "x2,x2,s1", 0, 3, 3),  # seed section 3: 1-hop on S1, nothing on X2
    ("seed-fs", "x2,x2,s1", 0, 2, None),
]


@pytest.mark.parametrize("variant, hops, left, end, opening", OPENINGS)
def test_the_first_window_after_the_attacker_is_one_whose_assumptions_held(
        variant: str, hops: str, left: int, end: int, opening: int | None) -> None:
    """What covers an attacker's later KeNBs where the hop that took the UE away promises
    nothing (``ForwardWindows.opening``): the hop k after ``left`` whose n-hop promise first
    reaches a KeNB up to hop ``end`` (at hop k - 1 + n), the run having kept its
    assumptions up to there. A window its assumption broke before it opened covers no KeNB
    (the case above: a 2-hop X2 promise whose next hop was decided early)."""
    windows = forward_windows(VARIANTS[variant], *completions(hops))
    assert windows.opening(left, end) == opening
