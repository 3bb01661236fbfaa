"""Where a step of a run is, in words its reader finds in what the command printed.

A witness names the step that gave the attacker a key it holds (``arrivals.origin``), or
made an edit (``downgrade``). The model numbers its steps from the AS security set-up on,
which no command prints (helper-206: "(step 1)" beside ``replay``'s numbered actions read as
action 1, and the set-up had made it before any action; ``check`` prints no steps at all).
So a step of a run of actions (an exploration's: ``replay``, ``explore``, ``verify``, whose
traces list them in order, replay numbered from 1) is named by the action that made it; a
step of a run of hops (``check``'s, the report's) by its handover, as ``check`` lists its
hops; the set-up's, before both, by the set-up.
"""

from __future__ import annotations

SET_UP = "in the AS security set-up"  # TS 33.401 7.2.4.5: before any action or handover


def place(action: int | None, hop: int) -> str:
    """Where a step of handover ``hop`` (0: the set-up's) is: in a run of actions, the one
    ``action`` (counted from 1, as replay numbers them; 0: before the first, the set-up's);
    ``action`` None: a run of hops (``check``'s), whose steps no action made."""
    if action is None:
        return f"in handover {hop}" if hop else SET_UP
    return f"action {action}" if action else f"{SET_UP}, before action 1"
