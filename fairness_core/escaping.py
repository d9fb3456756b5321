"""Escaping text that came from a file before it is rendered as Markdown or HTML.

Column names, category values and notes come from uploaded files and reviewers; any of
them may hold Markdown links, images or HTML. Every place that renders such text as
Markdown or HTML passes it through these functions first.

Such text may also hold *invisible characters*: bidirectional overrides and isolates
(U+202E turns "0.46 vs 0.52" into "25.0 sv 64.0"), zero-width characters (which make
"ma\u200ble" look like "male"), terminal escape codes and other control or format
characters. :func:`reveal_invisible` writes each as its code (``\u202e``), and every escaping
function here applies it, so what a reviewer reads is what the file holds.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections.abc import Iterable
from typing import Any, Protocol

__all__ = [
    "escape_chart_text",
    "escape_html",
    "escape_markdown",
    "find_invisible_lookalikes",
    "neutralise_formula",
    "reveal_invisible",
    "safe_figure_json",
]

# Unicode categories of characters that show nothing or change how other text shows:
# controls (Cc: terminal escapes, NUL), format characters (Cf: bidi overrides and isolates,
# zero-width spaces and joiners, soft hyphen, BOM), surrogates, private use, unassigned, and
# the line and paragraph separators.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
_LINE_BREAKS = frozenset("\n\t\r")


def _code(char: str) -> str:
    point = ord(char)
    return f"\\u{point:04x}" if point <= 0xFFFF else f"\\U{point:08x}"


def reveal_invisible(text: object, *, keep_line_breaks: bool = False) -> str:
    """``text`` with every invisible or control character written as its code (``\u202e``).

    With ``keep_line_breaks`` newlines and tabs stay as they are (for messages of several
    lines); every other control character, including the escape that starts a terminal
    colour code, is still written out.
    """
    value = str(text)
    if value.isascii() and value.isprintable():
        return value
    return "".join(
        _code(char)
        if unicodedata.category(char) in _INVISIBLE_CATEGORIES
        and not (keep_line_breaks and char in _LINE_BREAKS)
        else char
        for char in value
    )


def find_invisible_lookalikes(values: Iterable[object]) -> list[tuple[str, ...]]:
    """Sets of values that differ only by invisible characters (they look the same).

    For example ``"male"`` and ``"ma\u200ble"``: two groups a reader cannot tell apart.
    Each set is sorted; the sets come in the order of their first value.
    """
    seen: dict[str, list[str]] = {}
    for value in values:
        text = str(value)
        visible = "".join(c for c in text if unicodedata.category(c) not in _INVISIBLE_CATEGORIES)
        bucket = seen.setdefault(visible, [])
        if text not in bucket:
            bucket.append(text)
    return [tuple(sorted(bucket)) for bucket in seen.values() if len(bucket) > 1]


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
    flat = reveal_invisible(str(text).replace("\r", " ").replace("\n", " "))
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", flat)
    return _AUTOLINK.sub(_WORD_JOINER, escaped)


def escape_html(text: object) -> str:
    """``text`` as HTML that renders literally (quotes escaped for attributes too)."""
    return html.escape(reveal_invisible(text, keep_line_breaks=True), quote=True)


#: Leading characters that make Excel, LibreOffice or Google Sheets read a cell as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(text: str) -> str:
    """A text cell that a spreadsheet shows as written and never runs as a formula.

    A leading apostrophe is the spreadsheet convention for "this is text"; it is only
    added to cells that start like a formula (OWASP's CSV-injection advice).
    """
    shown = reveal_invisible(text, keep_line_breaks=True)
    return "'" + shown if text.startswith(_FORMULA_START) else shown


# plotly.js draws a little HTML in every text of a chart (tick labels, hover text, legend,
# annotations): links (<a href>), styled spans and more. A "<" that does not open one of the
# plain formatting tags our own figures use is written as "&lt;", which plotly.js shows as "<".
_CHART_MARKUP = re.compile(r"<(?!/?(?:br|b|i|em|sup|sub|extra)\s*/?>)", re.IGNORECASE)


def escape_chart_text(value: Any) -> Any:
    """A figure's JSON data with every string's markup, other than plain formatting, as text."""
    if isinstance(value, str):
        return _CHART_MARKUP.sub("&lt;", reveal_invisible(value, keep_line_breaks=True))
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
