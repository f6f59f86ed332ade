"""A server-rendered SVG bar chart of topic mastery: no JavaScript, no external library."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

ROW = 44
LABEL_WIDTH = 260
BAR_WIDTH = 300


@dataclass(frozen=True)
class Bar:
    label: str
    #: Percent right on the first try, and in the latest round (None: not asked yet).
    first: int | None
    final: int | None


def mastery_svg(bars: Sequence[Bar], title: str) -> Markup:
    """Two bars per topic (first try, latest round), labelled; described for screen readers by the
    table that sits beside it, so the SVG itself is hidden from them."""
    height = ROW * len(bars) + 30
    width = LABEL_WIDTH + BAR_WIDTH + 60
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}">',
        f'<text x="{LABEL_WIDTH}" y="14" font-size="12" fill="#4a4a4a">first try</text>',
        f'<rect x="{LABEL_WIDTH + 70}" y="5" width="12" height="10" fill="#9bb7d4"/>',
        f'<text x="{LABEL_WIDTH + 100}" y="14" font-size="12" fill="#4a4a4a">latest round</text>',
        f'<rect x="{LABEL_WIDTH + 185}" y="5" width="12" height="10" fill="#0b4f8a"/>',
    ]
    for n, bar in enumerate(bars):
        y = 26 + n * ROW
        label = bar.label if len(bar.label) <= 38 else bar.label[:36] + "…"
        parts.append(
            f'<text x="0" y="{y + 16}" font-size="13" fill="#1a1a1a">{escape(label)}</text>'
        )
        for offset, value, colour in ((0, bar.first, "#9bb7d4"), (16, bar.final, "#0b4f8a")):
            shown = 0 if value is None else value
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y + offset}" width="{BAR_WIDTH * shown // 100}" '
                f'height="13" fill="{colour}"/>'
            )
            text = "not asked" if value is None else f"{value}%"
            parts.append(
                f'<text x="{LABEL_WIDTH + BAR_WIDTH * shown // 100 + 6}" y="{y + offset + 11}" '
                f'font-size="11" fill="#1a1a1a">{text}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  # nosec B704 - labels escaped above
