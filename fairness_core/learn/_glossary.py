"""The glossary: every word the app shows, defined from the same text as its captions.

Built, never written by hand: metric titles and explanations from
:data:`~fairness_core.metrics.METRICS`, named summaries from
:data:`~fairness_core.metrics.SUMMARIES`, verdict words from
:data:`~fairness_core.metrics.VERDICTS` and the other words from
:data:`~fairness_core.metrics.TERMS`. Change a definition there and the caption, the
glossary on the Learn page and docs/glossary.md (:func:`glossary_markdown`) change together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from fairness_core.metrics import METRICS, SUMMARIES, TERMS, VERDICTS

__all__ = ["GlossaryEntry", "build_glossary", "glossary_markdown", "search_glossary"]

Source = Literal["metric", "summary", "verdict", "term"]
SOURCE_TITLES: dict[str, str] = {
    "metric": "Metric",
    "summary": "Summary across groups",
    "verdict": "Verdict",
    "term": "Term",
}


@dataclass(frozen=True)
class GlossaryEntry:
    """One word: as shown, its definition, where the definition lives and its key there."""

    term: str
    definition: str
    source: Source
    key: str

    @property
    def kind(self) -> str:
        """Where the word belongs, in words ("Metric", "Verdict"…)."""
        return SOURCE_TITLES[self.source]


def build_glossary() -> tuple[GlossaryEntry, ...]:
    """Every entry, sorted alphabetically (case ignored)."""
    entries = [
        *(GlossaryEntry(s.title, s.explanation, "metric", n) for n, s in METRICS.items()),
        *(GlossaryEntry(s.title, s.definition, "summary", n) for n, s in SUMMARIES.items()),
        *(GlossaryEntry(word, text, "verdict", word) for word, text in VERDICTS.items()),
        *(GlossaryEntry(_capital(word), text, "term", word) for word, text in TERMS.items()),
    ]
    return tuple(sorted(entries, key=lambda e: e.term.casefold()))


def search_glossary(entries: Sequence[GlossaryEntry], query: str) -> tuple[GlossaryEntry, ...]:
    """The entries whose word or definition contains every word of ``query`` (case ignored)."""
    words = query.casefold().split()
    return tuple(
        e for e in entries if all(w in f"{e.term} {e.definition}".casefold() for w in words)
    )


def glossary_markdown() -> str:
    """docs/glossary.md: the glossary as Markdown (a test keeps the file equal to this)."""
    lines = [
        "# Glossary",
        "",
        "Every word Fairness Explorer shows, with the definition the app itself uses. This",
        "file is generated from `fairness_core` (metric registry, named summaries, verdicts",
        "and terms); `tests/core/learn/test_glossary.py` fails when it is out of date. To",
        "regenerate it: `python -m fairness_core.learn > docs/glossary.md`.",
        "",
        "Sources: the four-fifths rule is 29 CFR 1607.4(D) (US Uniform Guidelines on",
        "Employee Selection Procedures); equal opportunity and equalized odds follow Hardt,",
        "Price and Srebro (2016); calibration within groups and the balance conditions follow",
        "Kleinberg, Mullainathan and Raghavan (2016); predictive parity and the error-rate",
        "identity follow Chouldechova (2017). See docs/learn.md for the full references.",
        "",
        "| Term | Kind | Definition |",
        "|---|---|---|",
    ]
    lines += [
        f"| {e.term} | {e.kind} | {e.definition.replace('|', '/')} |" for e in build_glossary()
    ]
    return "\n".join(lines) + "\n"


def _capital(word: str) -> str:
    return word[:1].upper() + word[1:]
