"""Texts from files cannot become links or markup inside plotly charts."""

from __future__ import annotations

import base64

import numpy as np
import plotly.graph_objects as go

from fairness_core.escaping import escape_chart_text, escape_markdown, safe_figure_json

LINK = '<a href="https://evil.example/">click</a>'


def test_markup_from_files_is_shown_as_text_but_plain_formatting_stays() -> None:
    assert escape_chart_text(LINK) == '&lt;a href="https://evil.example/">click&lt;/a>'
    assert escape_chart_text('<span style="font-size:80px">x</span>').startswith("&lt;span")
    assert escape_chart_text("<img src=x onerror=alert(1)>") == "&lt;img src=x onerror=alert(1)>"
    ours = "<b>female</b><br>rate %{y:.2f}<extra></extra>"
    assert escape_chart_text(ours) == ours
    assert escape_chart_text("a < b") == "a &lt; b"


def test_nested_figure_data_is_escaped_everywhere() -> None:
    data = {"data": [{"x": [LINK, "male"], "name": LINK}], "layout": {"title": {"text": LINK}}}
    escaped = escape_chart_text(data)
    assert escaped["data"][0]["x"] == [escape_chart_text(LINK), "male"]
    assert escaped["data"][0]["name"].startswith("&lt;a")
    assert escaped["layout"]["title"]["text"].startswith("&lt;a")
    assert data["data"][0]["x"][0] == LINK  # the input is not changed


def test_safe_figure_json_keeps_numbers_and_escapes_categories() -> None:
    values = np.array([0.25, 0.75])
    figure = go.Figure(go.Bar(x=np.array([LINK, "male"], dtype=object), y=values, name=LINK))
    spec = safe_figure_json(figure)
    trace = spec["data"][0]
    assert trace["x"] == ['&lt;a href="https://evil.example/">click&lt;/a>', "male"]
    y = trace["y"]
    decoded = (
        np.frombuffer(base64.b64decode(y["bdata"]), dtype=y["dtype"]) if isinstance(y, dict) else y
    )
    assert np.array_equal(decoded, values)
    assert LINK not in str(spec)


def test_markdown_escaping_stops_bare_links_and_addresses() -> None:
    """Markdown would link a bare URL, www. name or e-mail address even when escaped."""
    for text in ("see https://evil.example/x", "HTTP://evil.example", "www.evil.example",
                 "write to boss@evil.example"):  # fmt: skip
        escaped = escape_markdown(text)
        assert "\u2060" in escaped
        assert escaped.replace("\u2060", "").replace("\\", "") == text
    assert "\u2060" not in escape_markdown("a: b, 0.5 of 12:30")
