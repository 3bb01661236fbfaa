"""What the hand-written SVG renderers share: escaping, text widths, colours.

Text is set in a monospace font so that its width, and with it every coordinate, is computed
here exactly the same way on every machine (all coordinates are integers).
"""

from __future__ import annotations

from xml.sax.saxutils import escape as _escape

FONT = "DejaVu Sans Mono, Menlo, Consolas, monospace"
CHAR = 0.61  # advance of one monospace character, in font sizes
INK, GREY, LIGHT = "#1f2933", "#7b8794", "#e4e7eb"
RED, RED_FILL = "#c0392b", "#fde2e0"
BLUE_FILL = "#eef4fb"


def esc(text: str) -> str:
    return _escape(text, {'"': "&quot;"})


def width(text: str, size: float) -> int:
    return int(len(text) * size * CHAR + 0.5)


def clip(text: str, size: float, room: int) -> str:
    """``text`` cut with an ellipsis to fit ``room`` pixels."""
    if width(text, size) <= room:
        return text
    return text[:max(1, int(room / (size * CHAR)) - 1)] + "…"


def wrap(content: str, size: float, room: int) -> list[str]:
    """``content`` in lines of at most ``room`` pixels, broken after spaces; a word longer
    than a line is broken inside. Nothing is dropped: the lines joined give ``content``."""
    most = max(1, int(room / (size * CHAR)))
    lines: list[str] = []
    line = ""
    for word in content.split(" "):
        piece = f"{line} {word}" if line else word
        if len(piece) <= most:
            line = piece
            continue
        if line:
            lines.append(line + " ")
        while len(word) > most:
            lines.append(word[:most])
            word = word[most:]
        line = word
    return [*lines, line] if line or not lines else lines


def text(x: int, y: int, content: str, size: float, *, anchor: str = "start",
         weight: str = "normal", fill: str = INK) -> str:
    """A text element; the font and the default colour come from the ``<svg>`` element."""
    extra = "".join((f' text-anchor="{anchor}"' if anchor != "start" else "",
                     f' font-weight="{weight}"' if weight != "normal" else "",
                     f' fill="{fill}"' if fill != INK else ""))
    return f'<text x="{x}" y="{y}" font-size="{size:g}"{extra}>{esc(content)}</text>'


def arrow_markers(prefix: str) -> str:
    """Arrowheads ``{prefix}-ink``, ``{prefix}-grey`` and ``{prefix}-red``; ids must be
    unique in a page that holds several drawings."""
    return "<defs>" + "".join(
        f'<marker id="{prefix}-{name}" viewBox="0 0 10 10" refX="10" refY="5" '
        f'markerWidth="7" markerHeight="7" orient="auto">'
        f'<path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
        for name, colour in (("ink", INK), ("grey", GREY), ("red", RED))) + "</defs>"


def document(svg_width: int, svg_height: int, body: list[str], label: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{svg_width}" '
            f'height="{svg_height}" viewBox="0 0 {svg_width} {svg_height}" role="img" '
            f'aria-label="{esc(label)}" font-family="{FONT}" fill="{INK}">\n'
            + "\n".join(body) + "\n</svg>\n")
