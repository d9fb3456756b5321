"""Escaping text that came from a file before it is rendered as Markdown or HTML.

Column names, category values and notes come from uploaded files and reviewers; any of
them may hold Markdown links, images or HTML. Every place that renders such text as
Markdown or HTML passes it through these functions first.
"""

from __future__ import annotations

import html
import re

__all__ = ["escape_html", "escape_markdown"]

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
