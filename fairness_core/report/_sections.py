"""Report sections written once and rendered by every format.

The compliance and framework sections (policies, NYC Local Law 144 tables, the NIST AI RMF
mapping) are built as a :class:`Section` of plain blocks — headings, paragraphs, bullet
lists and tables — so the HTML report, the PDF and the Markdown documents show the same
words and numbers: each format renders the blocks, none of them writes the content again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from fairness_core.escaping import escape_markdown

__all__ = ["Block", "Section", "bullets", "caption", "heading", "markdown_section", "table", "text"]

BlockKind = Literal["heading", "text", "caption", "bullets", "table"]


@dataclass(frozen=True)
class Block:
    """One piece of a section: a heading, a paragraph, a caption, a bullet list or a table."""

    kind: BlockKind
    text: str = ""
    items: tuple[str, ...] = ()
    frame: pd.DataFrame | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Section:
    """A titled report section (``id`` is its anchor in the HTML report)."""

    id: str
    title: str
    blocks: tuple[Block, ...]


def heading(words: str) -> Block:
    """A sub-heading inside a section."""
    return Block("heading", words)


def text(words: str) -> Block:
    """A paragraph."""
    return Block("text", words)


def caption(words: str) -> Block:
    """A small explanatory paragraph (under a table, or before it)."""
    return Block("caption", words)


def bullets(items: Iterable[str]) -> Block:
    """A bullet list."""
    return Block("bullets", items=tuple(items))


def table(frame: pd.DataFrame) -> Block:
    """A table; column names are shown as they are (write them as plain titles)."""
    return Block("table", frame=frame)


def markdown_section(section: Section, *, level: int = 2) -> list[str]:
    """The section as Markdown lines (escaped: text from files cannot become markup)."""
    e = escape_markdown
    lines = ["#" * level + " " + e(section.title), ""]
    for block in section.blocks:
        if block.kind == "heading":
            lines += ["#" * (level + 1) + " " + e(block.text), ""]
        elif block.kind in ("text", "caption"):
            lines += [e(block.text), ""]
        elif block.kind == "bullets":
            lines += [f"- {e(item)}" for item in block.items] + [""]
        elif block.frame is not None:
            lines += [*markdown_table(block.frame), ""]
    return lines


def markdown_table(frame: pd.DataFrame) -> list[str]:
    """A pipe table; every cell escaped (a ``|`` in a category cannot split a row)."""
    titles = [escape_markdown(str(c)) for c in frame.columns]
    lines = ["| " + " | ".join(titles) + " |", "|" + "---|" * len(titles)]
    for row in frame.itertuples(index=False, name=None):
        lines.append("| " + " | ".join(escape_markdown(cell_text(v)) for v in row) + " |")
    return lines


def cell_text(value: object) -> str:
    """A table cell as shown: numbers to 4 significant digits, missing as "n/a"."""
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value != value:  # NaN
            return "n/a"
        if value.is_integer() and abs(value) >= 1000:
            return f"{int(value):,}"
        return f"{value:.4g}"
    try:
        if pd.isna(value):  # type: ignore[call-overload]
            return "n/a"
    except (TypeError, ValueError):
        pass
    return str(value)


def sections_text(sections: Sequence[Section]) -> str:
    """Every section as Markdown text (for tests and the plain-text exports)."""
    lines: list[str] = []
    for section in sections:
        lines += markdown_section(section)
    return "\n".join(lines)
