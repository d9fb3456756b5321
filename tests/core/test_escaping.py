"""Invisible and control characters from files are shown as their codes wherever text is shown."""

from __future__ import annotations

import unicodedata

import pytest

from fairness_core.escaping import (
    escape_chart_text,
    escape_html,
    escape_markdown,
    find_invisible_lookalikes,
    neutralise_formula,
    reveal_invisible,
)

# Bidi overrides and isolates, zero-width characters, BOM, soft hyphen, terminal escape, NUL.
HIDDEN = ["\u202e", "\u202d", "\u2066", "\u2067", "\u2068", "\u2069", "\u200b", "\u200d",
          "\u2060", "\ufeff", "\u00ad", "\x1b", "\x00", "\u2028"]  # fmt: skip


@pytest.mark.parametrize("char", HIDDEN)
def test_every_hidden_character_is_written_as_its_code(char: str) -> None:
    """Each character is replaced by \\uXXXX, checked against unicodedata's code point."""
    code = f"\\u{ord(char):04x}"
    assert unicodedata.category(char) in {"Cc", "Cf", "Zl"}
    assert reveal_invisible(f"a{char}b") == f"a{code}b"
    assert code in escape_html(f"a{char}b")
    assert code in escape_chart_text({"x": [f"a{char}b"]})["x"][0]
    assert code in neutralise_formula(f"a{char}b")
    assert char not in escape_markdown(f"a{char}b")


def test_reversed_numbers_stay_in_reading_order() -> None:
    """'0.46 vs 0.52' after U+202E is shown with the override visible, numbers untouched."""
    assert reveal_invisible("group \u202e0.46 vs 0.52") == "group \\u202e0.46 vs 0.52"


def test_plain_text_and_line_breaks_are_kept() -> None:
    """Ordinary text (accents, CJK, emoji) is unchanged; line breaks only when asked."""
    text = "Île-de-France 東京 👩🏽"
    assert reveal_invisible(text) == text
    assert reveal_invisible("a\nb", keep_line_breaks=True) == "a\nb"
    assert reveal_invisible("a\nb") == "a\\u000ab"


def test_lookalikes_are_grouped_and_distinct_values_are_not() -> None:
    """Only values equal once invisible characters are removed are reported together."""
    found = find_invisible_lookalikes(["male", "ma\u200ble", "female", "Male", "male"])
    assert found == [("male", "ma\u200ble")]
    assert find_invisible_lookalikes(["a", "b"]) == []
