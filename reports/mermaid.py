"""A message sequence chart as a Mermaid ``sequenceDiagram`` (rendered by GitHub and most
Markdown viewers). Refused messages end in a cross; a rewritten or replayed message sits in a
red box; a replayed copy or a message delivered after a later handover began names its hop."""

from __future__ import annotations

import re

from hoverify.reports.data import Msc, MscNote

ENTITIES = {"#": "#35;", ";": "#59;", "<": "#60;", ">": "#62;"}


def _id(name: str) -> str:
    return name.replace("-", "_")


def _text(text: str) -> str:
    """Mermaid ends a statement at ';' and reads '#...;' as an entity code: escape both (in
    one pass, so that no escape is escaped again), and the angle brackets of HTML."""
    return re.sub("[#;<>]", lambda m: ENTITIES[m.group()], text)


def render(chart: Msc) -> str:
    lines = ["sequenceDiagram"]
    for name in chart.participants:
        alias = f"{name} (compromised)" if name in chart.compromised else name
        lines.append(f"    participant {_id(name)} as {_text(alias)}")
    for event in chart.events:
        if isinstance(event, MscNote):
            over = ",".join(_id(p) for p in event.over)
            mark = "⚠ " if event.alarm else ""
            lines.append(f"    Note over {over}: {mark}{_text(event.text)}")
            continue
        arrow = "->>" if event.accepted else "-x"
        label = _text(event.title)
        detail = event.fields if event.accepted else f"refused: {event.reason}"
        if event.remark:
            label += "<br/>(" + _text(event.remark) + ")"
        if detail:
            label += "<br/>" + _text(detail)
        line = f"    {_id(event.sender)}{arrow}{_id(event.receiver)}: {label}"
        if event.rewritten or event.replayed:
            lines += ["    rect rgb(253, 226, 224)", "    " + line, "    end"]
        else:
            lines.append(line)
    return "\n".join(lines) + "\n"
