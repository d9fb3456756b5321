"""Escaping text that came from a file before it is rendered as Markdown or HTML.

Column names, category values and notes come from uploaded files and reviewers; any of
them may hold Markdown links, images or HTML. Every place that renders such text as
Markdown or HTML passes it through these functions first.
"""

from __future__ import annotations

import html
import re

__all__ = ["escape_html", "escape_markdown", "neutralise_formula"]

# Every character with a meaning in CommonMark / GitHub Markdown, plus "$" (Streamlit
# renders LaTeX between dollars) and ":" (Streamlit turns :emoji: and :color[text] into markup).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:=\"'&])")


def escape_markdown(text: object) -> str:
    """``text`` as Markdown that renders literally: no links, images, HTML or formatting."""
    flat = str(text).replace("\r", " ").replace("\n", " ")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", flat)


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
