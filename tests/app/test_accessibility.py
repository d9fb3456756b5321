"""Every chart on every page: colours from the one colour-blind-safe palette, and a text
alternative (a caption sentence and a table view) right after it."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from fairness_core.plots import GROUP_COLOURS

PAGES = (
    "pages/data.py",
    "pages/subgroups.py",
    "pages/dataset_audit.py",
    "pages/tradeoffs.py",
    "pages/whatif.py",
    "pages/monitoring.py",
)
#: Neutral colours allowed besides the group palette: reference lines, text, "today" markers.
NEUTRALS = {"#000000", "#444444", "#555555", "#999999", "#ffffff"}
HEX = re.compile(r"#[0-9a-fA-F]{6}")


def _elements(node: Any) -> Iterator[Any]:
    """Every element of the page in reading order (blocks are entered, not returned)."""
    children = getattr(node, "children", None)
    if children is None:
        yield node
        return
    for child in children.values():
        yield from _elements(child)


def _trace_colours(value: Any, key: str = "") -> Iterator[str]:
    """Every discrete colour a trace sets (colour scales of heat maps are not group colours)."""
    if isinstance(value, dict):
        for name, item in value.items():
            if name not in {"colorscale", "colorbar"}:
                yield from _trace_colours(item, name)
    elif isinstance(value, list):
        for item in value:
            yield from _trace_colours(item, key)
    elif isinstance(value, str) and "color" in key.lower() and HEX.fullmatch(value):
        yield value.upper()


@pytest.mark.parametrize("page", PAGES)
def test_charts_use_the_palette_and_have_a_caption_and_a_table(app: AppTest, page: str) -> None:
    app.switch_page(page).run()
    assert not app.exception, [e.value for e in app.exception]
    elements = list(_elements(app.main))
    chart_positions = [i for i, e in enumerate(elements) if e.type == "plotly_chart"]
    assert chart_positions, f"{page} draws no chart on the demo"
    allowed = {c.upper() for c in (*GROUP_COLOURS, *NEUTRALS)}
    for number, position in enumerate(chart_positions):
        spec = json.loads(elements[position].proto.spec)
        colours = {c for trace in spec["data"] for c in _trace_colours(trace)}
        assert colours <= allowed, (page, number, colours - allowed)
        end = chart_positions[number + 1] if number + 1 < len(chart_positions) else len(elements)
        following = [e.type for e in elements[position + 1 : end]]
        assert "caption" in following, (page, number, following)
        assert "dataframe" in following, (page, number, following)
