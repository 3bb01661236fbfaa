"""A message sequence chart as SVG: one lifeline per participant, one arrow per delivered
message (title above, information elements below, everything in the tooltip). A refused
message is a dashed red arrow ending in a cross; a rewritten one is red; compromised
participants have red heads; notes in red mark the compromise and the attack."""

from __future__ import annotations

from reports.data import Msc, MscMessage, MscNote
from reports.svg import (
    GREY,
    INK,
    LIGHT,
    RED,
    RED_FILL,
    arrow_markers,
    clip,
    document,
    esc,
    text,
    width,
)

TITLE, SIZE, SMALL = 11, 10.5, 9.5
LANE, MARGIN, HEAD_H, TOP = 220, 20, 26, 40
MESSAGE_H, NOTE_H = 36, 24


def render(chart: Msc) -> str:
    lane = max([LANE] + [width(p, TITLE) + 24 for p in chart.participants])
    x = {p: MARGIN + lane // 2 + i * lane for i, p in enumerate(chart.participants)}
    svg_w = 2 * MARGIN + lane * len(chart.participants)
    y = TOP + HEAD_H + 16
    body: list[str] = []
    for event in chart.events:
        if isinstance(event, MscNote):
            body.append(_note(event, x, y, lane, svg_w))
            y += NOTE_H + 6
        else:
            body.append(_message(event, x, y, lane, chart.id))
            y += MESSAGE_H
    svg_h = y + MARGIN
    head = [arrow_markers(chart.id), f'<rect width="{svg_w}" height="{svg_h}" fill="#ffffff"/>',
            text(MARGIN, 20, clip(chart.title, 13, svg_w - 2 * MARGIN), 13, weight="bold")]
    for name, cx in x.items():
        bad = name in chart.compromised
        head.append(f'<line x1="{cx}" y1="{TOP + HEAD_H}" x2="{cx}" y2="{svg_h - 8}" '
                    f'stroke="{RED if bad else LIGHT}" stroke-width="{2 if bad else 1.5}"/>')
        head.append(f'<rect x="{cx - lane // 2 + 10}" y="{TOP}" width="{lane - 20}" '
                    f'height="{HEAD_H}" rx="4" fill="{RED_FILL if bad else "#f5f7fa"}" '
                    f'stroke="{RED if bad else INK}"/>')
        head.append(text(cx, TOP + 17, name + (" (compromised)" if bad else ""), TITLE,
                         anchor="middle", weight="bold", fill=RED if bad else INK))
    return document(svg_w, svg_h, head + body, chart.title)


def _message(message: MscMessage, x: dict[str, int], y: int, lane: int, prefix: str) -> str:
    x1, x2 = x[message.sender], x[message.receiver]
    refused = not message.accepted
    colour = RED if refused or message.rewritten else INK
    line_y = y + 14
    room = abs(x2 - x1) + lane - 20  # a label may reach half a lane past each end
    mid = (x1 + x2) // 2
    fields = message.fields if message.accepted else f"✗ refused: {message.reason}"
    parts = [f'<g class="message"><title>{esc(message.tooltip)}</title>',
             text(mid, line_y - 3, clip(message.title, SIZE, room), SIZE, anchor="middle",
                  fill=colour)]
    dash = ' stroke-dasharray="5,3"' if refused else ""
    if x1 == x2:  # to itself
        parts.append(f'<path d="M{x1},{line_y} h30 v10 h-30" fill="none" stroke="{colour}"'
                     f'{dash} marker-end="url(#{prefix}-{"red" if refused else "ink"})"/>')
    else:
        end = x2 - 2 if x2 > x1 else x2 + 2
        marker = "" if refused else f' marker-end="url(#{prefix}-{_marker(colour)})"'
        parts.append(f'<line x1="{x1}" y1="{line_y}" x2="{end}" y2="{line_y}" '
                     f'stroke="{colour}" stroke-width="{2 if message.rewritten else 1.2}"'
                     f'{dash}{marker}/>')
        if refused:
            parts.append(text(end, line_y + 4, "✗", 13, anchor="middle", weight="bold",
                              fill=RED))
    if fields:
        parts.append(text(mid, line_y + 13, clip(fields, SMALL, room), SMALL, anchor="middle",
                          fill=RED if refused else GREY))
    return "".join(parts) + "</g>"


def _marker(colour: str) -> str:
    return "red" if colour == RED else "ink"


def _note(note: MscNote, x: dict[str, int], y: int, lane: int, svg_w: int) -> str:
    left = min(x[p] for p in note.over) - lane // 2 + 14
    right = max(x[p] for p in note.over) + lane // 2 - 14
    if len(note.over) == 1:  # a note on one lifeline may spread over its neighbours
        grow = max(0, width(note.text, SMALL) + 16 - (right - left))
        left, right = max(4, left - grow // 2), min(svg_w - 4, right + grow - grow // 2)
    stroke, fill = (RED, RED_FILL) if note.alarm else (GREY, "#fffbea")
    return (f'<g class="note"><title>{esc(note.text)}</title>'
            f'<rect x="{left}" y="{y}" width="{right - left}" height="{NOTE_H}" rx="3" '
            f'fill="{fill}" stroke="{stroke}"/>'
            + text(left + 8, y + 16, clip(note.text, SMALL, right - left - 16), SMALL,
                   fill=RED if note.alarm else INK) + "</g>")
