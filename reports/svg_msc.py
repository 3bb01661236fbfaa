"""A message sequence chart as SVG: one lifeline per participant, one row per event. The
arrows are drawn between the lifelines and the words in a column of their own to the right,
level with their arrow: the message's name, then its information elements, wrapped, never
cut (the tooltip repeats them). No text stands on a lifeline.

A refused message is a dashed red arrow ending in a cross; a rewritten or replayed one is red;
a message delivered after a later handover began, or a replayed copy, names its handover;
compromised participants have red heads; notes in red mark the compromise and the attack, and
a note's box on the lifelines shows whom it is about."""

from __future__ import annotations

from hoverify.reports.data import Msc, MscMessage, MscNote
from hoverify.reports.svg import (
    GREY,
    INK,
    LIGHT,
    RED,
    RED_FILL,
    arrow_markers,
    document,
    esc,
    text,
    width,
    wrap,
)

TITLE, SIZE, SMALL = 11, 10.5, 9.5
MIN_LANE, MARGIN, HEAD_H = 56, 20, 26
MAX_WIDTH = 1230  # the page's content is 1280 px wide at most (hoverify.reports.html)
MIN_WORDS = 360  # the words' column is at least this wide, however many lifelines
# (and as wide as its longest line, up to the page's width)
LINE, SMALL_LINE, PAD = 15, 13, 5
STRIPE, NOTE_FILL = "#f7f9fb", "#fffbea"
LEGEND = ("Arrows between lifelines, their words at the right on the same row. Red head: "
          "compromised; red arrow: rewritten or replayed by the attacker; dashed red arrow "
          "ending in a cross: refused; a message of an earlier handover says whose it is; a "
          "note's box on the lifelines shows whom it is about.")


def render(chart: Msc) -> str:
    lane = max([MIN_LANE] + [width(p, TITLE) + 16 for p in chart.participants])
    x = {p: MARGIN + lane // 2 + i * lane for i, p in enumerate(chart.participants)}
    words_x = MARGIN + lane * len(chart.participants) + 12
    longest = max([width(e.text, SMALL) + 12 if isinstance(e, MscNote) else
                   max(width(e.title, SIZE), width(e.fields or f"refused: {e.reason}", SMALL))
                   for e in chart.events] + [MIN_WORDS])
    room = min(longest, max(MIN_WORDS, MAX_WIDTH - MARGIN - words_x))
    svg_w = words_x + room + MARGIN
    title = wrap(chart.title, 13, svg_w - 2 * MARGIN)
    legend = wrap(LEGEND, SMALL, svg_w - 2 * MARGIN)
    top = 20 + LINE * (len(title) - 1) + 8 + SMALL_LINE * len(legend) + 8
    y = top + HEAD_H + 8
    body: list[str] = []
    stripes: list[str] = []
    for number, event in enumerate(chart.events):
        if isinstance(event, MscNote):
            part, height = _note(event, x, lane, y, words_x, room)
        else:
            part, height = _message(event, x, lane, y, words_x, room, chart.id)
            if number % 2:
                stripes.append(f'<rect x="{MARGIN // 2}" y="{y}" width="{svg_w - MARGIN}" '
                               f'height="{height}" fill="{STRIPE}"/>')
        body.append(part)
        y += height + 2
    svg_h = y + MARGIN
    head = [arrow_markers(chart.id), f'<rect width="{svg_w}" height="{svg_h}" fill="#ffffff"/>']
    head += [text(MARGIN, 20 + LINE * i, line, 13, weight="bold")
             for i, line in enumerate(title)]
    legend_y = 20 + LINE * (len(title) - 1) + 6 + SMALL_LINE
    head += [text(MARGIN, legend_y + SMALL_LINE * i, line, SMALL, fill=GREY)
             for i, line in enumerate(legend)]
    head += stripes
    for name, cx in x.items():
        bad = name in chart.compromised
        head.append(f'<line class="lifeline" x1="{cx}" y1="{top + HEAD_H}" x2="{cx}" '
                    f'y2="{svg_h - 8}" stroke="{RED if bad else LIGHT}" '
                    f'stroke-width="{2 if bad else 1.5}"/>')
        head.append(f'<rect x="{cx - lane // 2 + 4}" y="{top}" width="{lane - 8}" '
                    f'height="{HEAD_H}" rx="4" fill="{RED_FILL if bad else "#f5f7fa"}" '
                    f'stroke="{RED if bad else INK}"><title>{esc(name)}'
                    f'{" (compromised)" if bad else ""}</title></rect>')
        head.append(text(cx, top + 17, name, TITLE, anchor="middle", weight="bold",
                         fill=RED if bad else INK))
    return document(svg_w, svg_h, head + body, chart.title)


def _lines(x: int, y: int, lines: list[tuple[str, float, str]]) -> tuple[list[str], int]:
    """Text lines from the top ``y`` down; their elements and the height they take."""
    parts, baseline = [], y
    for content, size, colour in lines:
        baseline += LINE if size > SMALL else SMALL_LINE
        parts.append(text(x, baseline - 3, content, size, fill=colour))
    return parts, baseline - y


def _message(message: MscMessage, x: dict[str, int], lane: int, y: int, words_x: int,
             room: int, prefix: str) -> tuple[str, int]:
    x1, x2 = x[message.sender], x[message.receiver]
    refused = not message.accepted
    attacked = message.rewritten or message.replayed
    colour = RED if refused or attacked else INK
    fields = message.fields if message.accepted else f"refused: {message.reason}"
    lines = [(line, SIZE, colour) for line in wrap(message.title, SIZE, room)]
    lines += [(line, SMALL, RED if message.replayed else GREY)
              for line in wrap(f"({message.remark})", SMALL, room) if message.remark]
    lines += [(line, SMALL, RED if refused else GREY) for line in wrap(fields, SMALL, room)
              if fields]
    words, height = _lines(words_x, y + PAD // 2, lines)
    line_y = y + PAD // 2 + LINE // 2 + 2  # level with the message's name
    dash = ' stroke-dasharray="5,3"' if refused else ""
    parts = [f'<g class="message"><title>{esc(message.tooltip)}</title>']
    if x1 == x2:  # to itself: a loop in the right half of its lane
        reach = lane // 2 - 8
        parts.append(f'<path d="M{x1},{line_y - 4} h{reach} v8 h-{reach}" fill="none" '
                     f'stroke="{colour}"{dash} '
                     f'marker-end="url(#{prefix}-{"red" if refused else "ink"})"/>')
    else:
        end = x2 - 2 if x2 > x1 else x2 + 2
        marker = "" if refused else f' marker-end="url(#{prefix}-{_marker(colour)})"'
        parts.append(f'<line x1="{x1}" y1="{line_y}" x2="{end}" y2="{line_y}" '
                     f'stroke="{colour}" stroke-width="{2 if attacked else 1.2}"'
                     f'{dash}{marker}/>')
        if refused:
            parts.append(f'<path d="M{end - 5},{line_y - 5} l10,10 m0,-10 l-10,10" '
                         f'stroke="{RED}" stroke-width="2.2"/>')
    return "".join(parts + words) + "</g>", max(height + PAD, 22)


def _marker(colour: str) -> str:
    return "red" if colour == RED else "ink"


def _note(note: MscNote, x: dict[str, int], lane: int, y: int, words_x: int,
          room: int) -> tuple[str, int]:
    stroke, fill = (RED, RED_FILL) if note.alarm else (GREY, NOTE_FILL)
    colour = RED if note.alarm else INK
    words, height = _lines(words_x + 6, y + 3,
                           [(line, SMALL, colour) for line in wrap(note.text, SMALL, room - 12)])
    height += 8
    left = min(x[p] for p in note.over) - lane // 2 + 6
    right = max(x[p] for p in note.over) + lane // 2 - 6
    return (f'<g class="note"><title>{esc(note.text)}</title>'
            f'<rect x="{left}" y="{y}" width="{right - left}" height="{height}" rx="3" '
            f'fill="{fill}" stroke="{stroke}"/>'
            f'<rect x="{words_x}" y="{y}" width="{room}" height="{height}" rx="3" '
            f'fill="{fill}" stroke="{stroke}"/>' + "".join(words) + "</g>"), height
