"""Charts and summaries a room can read: at 1280×720 on a projector nothing is cut or overlaps."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import (
    Server,
    go_to,
    open_app,
    screenshot,
    shown_exceptions,
    wait_idle,
)

PROJECTOR = {"width": 1280, "height": 720}

#: The summaries "At a glance" shows (pages/subgroups.py GLANCE).
GLANCE = (
    "Disparate impact ratio (four-fifths rule)",
    "Equalized odds difference",
    "Equal opportunity difference",
    "Predictive parity difference",
)
#: Texts on the page drawn with an ellipsis because their box is narrower than they are.
CUT_TEXTS = """
() => Array.from(document.querySelectorAll('[data-testid="stMain"] *')).filter(e =>
    getComputedStyle(e).textOverflow === 'ellipsis' && e.scrollWidth > e.clientWidth + 1
).map(e => e.textContent.trim())
"""
#: Whole names of the summaries as drawn (names of at most one line's height are not cut).
SHOWN_NAMES = """
() => Array.from(document.querySelectorAll('[data-testid="stMarkdownContainer"] strong'))
    .map(e => e.textContent.trim())
"""

#: Bounding boxes of the frontier chart's point labels (Plotly annotations).
LABEL_BOXES = """
() => Array.from(document.querySelectorAll(
    '[data-testid="stPlotlyChart"] g.annotation-text-g rect.bg'
)).map(r => { const b = r.getBoundingClientRect();
    return [b.left, b.top, b.right, b.bottom, r.closest('g.annotation').textContent]; })
"""


def _overlap(a: list[float], b: list[float]) -> bool:
    return not (a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1])


def test_at_a_glance_names_are_whole_and_frontier_labels_do_not_overlap(
    watched_page: tuple[Page, list[str]], server: Server
) -> None:
    """At 1280×720 the summary names are not cut, and the frontier's labels do not overlap."""
    page, errors = watched_page
    page.set_viewport_size(PROJECTOR)
    open_app(page, server)
    go_to(page, "Subgroups")
    expect(page.locator('[data-testid="stMetric"]')).to_have_count(4)
    wait_idle(page)
    cut = [text for text in page.evaluate(CUT_TEXTS) if text in GLANCE]
    assert cut == []
    assert set(GLANCE) <= set(page.evaluate(SHOWN_NAMES))
    screenshot(page, "projector-subgroups")
    go_to(page, "Trade-offs")
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    expect(chart.locator("g.annotation").first).to_be_attached()
    wait_idle(page)
    boxes = page.evaluate(LABEL_BOXES)
    assert len(boxes) >= 3, boxes  # the chosen point, today's model and a frontier end
    for i, first in enumerate(boxes):
        for second in boxes[i + 1 :]:
            assert not _overlap(first, second), (first[4], second[4])
    screenshot(page, "projector-tradeoffs")
    assert shown_exceptions(page) == []
    assert errors == []
