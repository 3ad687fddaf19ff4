"""Bar charts drawn on the server as SVG: no script, the same on screen and in print and PDF.

Each chart is an ``<svg role="img">`` with a title and description; the page puts a data table
beside it, so the figures are readable without the picture (WCAG 1.1.1, 1.4.1).
"""

from decimal import Decimal
from xml.sax.saxutils import escape

from socialvalue.formatting import money

WIDTH = 440
BAR = 26
GAP = 12
LABEL = 170
COLOURS = ("#1d70b8", "#00703c", "#6f72af", "#b58840", "#912b88", "#28a197")


def bar_chart(chart_id: str, title: str, rows: list[tuple[str, Decimal]], *, formatter=money) -> str:
    """Horizontal bars, largest first as given; labels on the left, values at the end of each bar."""
    rows = [(label, Decimal(value)) for label, value in rows]
    height = max(len(rows), 1) * (BAR + GAP) + GAP
    top = max((v for _, v in rows), default=Decimal("0")) or Decimal("1")
    span = WIDTH - LABEL - 100
    desc = "; ".join(f"{label}: {formatter(value)}" for label, value in rows) or "No figures"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" font-family="system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
    ]
    for i, (label, value) in enumerate(rows):
        y = GAP + i * (BAR + GAP)
        width = max(int(span * value / top), 1 if value > 0 else 0)
        short = label if len(label) <= 22 else label[:21] + "…"
        parts.append(
            f'<text x="{LABEL - 8}" y="{y + BAR * 0.68:.0f}" text-anchor="end" font-size="14" fill="#0b0c0c">'
            f"{escape(short)}</text>"
        )
        parts.append(
            f'<rect x="{LABEL}" y="{y}" width="{width}" height="{BAR}" fill="{COLOURS[i % len(COLOURS)]}"></rect>'
        )
        parts.append(
            f'<text x="{LABEL + width + 6}" y="{y + BAR * 0.68:.0f}" font-size="14" fill="#0b0c0c">'
            f"{escape(formatter(value))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
