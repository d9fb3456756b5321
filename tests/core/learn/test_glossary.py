"""The glossary is built from the same text as the captions, and docs/glossary.md matches it."""

from __future__ import annotations

from pathlib import Path

import pytest

from fairness_core.learn import CRITERIA, build_glossary, glossary_markdown, search_glossary
from fairness_core.metrics import METRICS, SUMMARIES, TERMS, VERDICTS

ROOT = Path(__file__).resolve().parents[3]
GLOSSARY = {e.term.casefold(): e for e in build_glossary()}


@pytest.mark.parametrize("name", list(METRICS))
def test_each_metric_entry_is_the_registry_explanation(name: str) -> None:
    """The glossary defines a metric with the caption's words (its registry explanation)."""
    assert GLOSSARY[METRICS[name].title.casefold()].definition == METRICS[name].explanation


@pytest.mark.parametrize("name", list(SUMMARIES))
def test_each_summary_entry_is_its_definition(name: str) -> None:
    """The 'At a glance' help text and the glossary are the same words."""
    assert GLOSSARY[SUMMARIES[name].title.casefold()].definition == SUMMARIES[name].definition


@pytest.mark.parametrize("word", list(VERDICTS))
def test_each_verdict_in_the_verdict_column_has_its_meaning(word: str) -> None:
    """Every verdict word the table can show is in the glossary with VERDICTS' meaning."""
    assert GLOSSARY[word.casefold()].definition == VERDICTS[word]


@pytest.mark.parametrize("word", list(TERMS))
def test_each_term_entry_is_the_terms_text(word: str) -> None:
    """Extra terms come from TERMS, the mapping captions also read."""
    assert GLOSSARY[word.casefold()].definition == TERMS[word]


def test_no_word_is_defined_twice() -> None:
    """A term, a metric, a summary and a verdict never share a name (two texts would drift)."""
    words = [e.term.casefold() for e in build_glossary()]
    assert len(words) == len(set(words))


def test_the_learn_page_criteria_and_the_words_the_guide_uses_are_defined() -> None:
    """Every criterion on the Learn page and the app's key words have an entry."""
    needed = [key for key, _, _ in CRITERIA] + [
        "reference group", "impact ratio", "four-fifths rule", "confidence interval",
        "statistical significance", "minimum n", "proxy", "operating point", "frontier",
        "calibration", "base rate", "selection rate",
    ]  # fmt: skip
    assert [w for w in needed if w not in GLOSSARY] == []


def test_search_finds_by_word_or_definition_and_ignores_case() -> None:
    """A search keeps entries whose word or definition holds every query word."""
    entries = build_glossary()
    found = search_glossary(entries, "FOUR-fifths")
    assert {e.term for e in found} >= {"Four-fifths rule", "Impact ratio"}
    assert search_glossary(entries, "") == entries
    assert search_glossary(entries, "zzzz-no-such-word") == ()


def test_docs_glossary_is_generated_from_the_source() -> None:
    """docs/glossary.md equals the generated one (regenerate: python -m fairness_core.learn)."""
    assert (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8") == glossary_markdown()
