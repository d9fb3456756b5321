"""Escaping text that came from a file before it is rendered as Markdown or HTML.

Column names, category values and notes come from uploaded files and reviewers; any of
them may hold Markdown links, images or HTML. Every place that renders such text as
Markdown or HTML passes it through these functions first.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any, Protocol

__all__ = [
    "escape_chart_text",
    "escape_html",
    "escape_markdown",
    "neutralise_formula",
    "safe_figure_json",
]

# Every character with a meaning in CommonMark / GitHub Markdown, plus "$" (Streamlit
# renders LaTeX between dollars) and ":" (Streamlit turns :emoji: and :color[text] into markup).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:=\"'&])")


# GitHub Markdown (remark-gfm in Streamlit) also turns bare "https://…", "www.…" and e-mail
# addresses into links; it matches the parsed text, so neither backslashes nor character
# references stop it. An invisible word joiner (U+2060) inside the pattern does.
_WORD_JOINER = "\u2060"
_AUTOLINK = re.compile(r"(?<=https\\:)(?=//)|(?<=http\\:)(?=//)|(?<=www)(?=\\\.)|(?<=@)", re.I)


def escape_markdown(text: object) -> str:
    """``text`` as Markdown that renders literally: no links, images, HTML or formatting."""
    flat = str(text).replace("\r", " ").replace("\n", " ")
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", flat)
    return _AUTOLINK.sub(_WORD_JOINER, escaped)


def escape_html(text: object) -> str:
    """``text`` as HTML that renders literally (quotes escaped for attributes too)."""
    return html.escape(str(text), quote=True)


#: Leading characters that make Excel, LibreOffice or Google Sheets read a cell as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(text: str) -> str:
    """A text cell that a spreadsheet shows as written and never runs as a formula.

    A leading apostrophe is the spreadsheet convention for "this is text"; it is only
    added to cells that start like a formula (OWASP's CSV-injection advice).
    """
    return "'" + text if text.startswith(_FORMULA_START) else text


# plotly.js draws a little HTML in every text of a chart (tick labels, hover text, legend,
# annotations): links (<a href>), styled spans and more. A "<" that does not open one of the
# plain formatting tags our own figures use is written as "&lt;", which plotly.js shows as "<".
_CHART_MARKUP = re.compile(r"<(?!/?(?:br|b|i|em|sup|sub|extra)\s*/?>)", re.IGNORECASE)


def escape_chart_text(value: Any) -> Any:
    """A figure's JSON data with every string's markup, other than plain formatting, as text."""
    if isinstance(value, str):
        return _CHART_MARKUP.sub("&lt;", value)
    if isinstance(value, dict):
        return {key: escape_chart_text(item) for key, item in value.items()}
    if isinstance(value, list):
        return [escape_chart_text(item) for item in value]
    return value


class _Figure(Protocol):
    def to_json(self) -> str: ...


def safe_figure_json(figure: _Figure) -> dict[str, Any]:
    """A plotly figure as a JSON dict whose texts from files cannot become links or markup."""
    data: dict[str, Any] = escape_chart_text(json.loads(figure.to_json()))
    return data
