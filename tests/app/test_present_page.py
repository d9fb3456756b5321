"""Present mode: the review step by step (summary → findings → options), without rows of people
and without the speaker's notes on the shared screen."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from components import present_steps, present_sync, present_view, state
from fairness_core.escaping import escape_markdown

NOTE = "Women are approved less often than men."
SPEAKER_NOTE = "Say: the interval is wide (speaker only 4d1c)."


def _pin(at: AppTest, key: str, title: str, note: str) -> None:
    at.text_input(key=f"{key}.finding_title").set_value(title)
    at.text_area(key=f"{key}.finding_note").set_value(note)
    at.button(key=f"{key}.finding_add").click().run()
    assert not at.exception, [e.value for e in at.exception]


def _record(at: AppTest, strategy: str, name: str, rationale: str) -> None:
    at.selectbox(key=state.TRADEOFFS_STRATEGY).set_value(strategy).run()
    next(t for t in at.text_input if t.label == "Name of this option").input(name)
    at.text_area(key=state.TRADEOFFS_RATIONALE).input(rationale)
    next(b for b in at.button if b.label == "Record this operating point").click().run()
    assert not at.exception, [e.value for e in at.exception]


@pytest.fixture
def presenting(app: AppTest) -> AppTest:
    """Two findings (Subgroups, What-if), two options (one recommended), then Present."""
    app.switch_page("pages/subgroups.py").run()
    _pin(app, "subgroups.bar_chart", "Selection rate by gender", NOTE)
    app.switch_page("pages/whatif.py").run()
    _pin(app, "whatif.rows", "Rows the model turns down", "A few people to look at.")
    app.switch_page("pages/tradeoffs.py").run()
    _record(app, "single_threshold", "Keep one cut-off", "Simplest.")
    _record(app, "equal_opportunity", "Equal chances", "Qualified alike.")
    second = app.session_state[state.OPERATING_POINTS][1]
    app.button(key=f"tradeoffs.points.{second.id}.recommend").click().run()
    app.switch_page("pages/present.py").run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _title(at: AppTest) -> str:
    return at.title[0].value.replace("\\", "")


def _shown_text(at: AppTest) -> str:
    parts = [m.value for m in at.main.markdown] + [c.value for c in at.main.caption]
    parts += [t.value for t in at.main.title] + [i.value for i in at.main.info]
    return " ".join(parts).replace("\\", "")


def _walk(at: AppTest) -> list[str]:
    """Press Next until it is disabled; the titles of every screen seen, in order."""
    titles = [_title(at)]
    while not at.button(key=state.PRESENT_NEXT).disabled:
        at.button(key=state.PRESENT_NEXT).click().run()
        assert not at.exception, [e.value for e in at.exception]
        assert not at.dataframe, f"a data table on {_title(at)}"
        titles.append(_title(at))
    return titles


def test_steps_go_summary_then_findings_then_options(presenting: AppTest) -> None:
    titles = _walk(presenting)
    summaries = [t for t in titles if t.startswith("Summary")]
    assert titles[: len(summaries)] == summaries
    assert summaries
    rest = [t for t in titles[len(summaries) :] if not t.startswith("The options compared")]
    compared = titles[len(summaries) + 2 : len(titles) - 2]
    assert rest == [
        "Selection rate by gender",
        "Rows the model turns down",
        "Keep one cut-off",
        "Equal chances",
    ]
    assert compared
    assert all(t.startswith("The options compared") for t in compared)
    text = _shown_text(presenting)  # the last screen: the recommended option
    assert "Recommended" in text
    assert "Qualified alike." in text
    presenting.button(key=state.PRESENT_PREVIOUS).click().run()
    assert _title(presenting) == "Keep one cut-off"
    assert "Recommended" not in _shown_text(presenting)


def test_the_summary_is_the_reports_executive_summary(presenting: AppTest) -> None:
    assert presenting.button(key=state.PRESENT_PREVIOUS).disabled
    shown = []
    while _title(presenting).startswith("Summary"):
        shown += [m.value for m in presenting.main.markdown if m.value.startswith("- ")]
        presenting.button(key=state.PRESENT_NEXT).click().run()
    presenting.switch_page("pages/report.py").run()
    listed = [m.value for m in presenting.main.markdown if m.value.startswith("- ")]
    summary = [line for line in listed if any(line in block for block in shown)]
    assert summary
    assert len(summary) == len(listed)
    assert "The reviewer pinned 2 findings" in " ".join(shown).replace("\\", "")


def test_a_finding_shows_its_chart_and_note_and_a_what_if_finding_neither_chart_nor_table(
    presenting: AppTest,
) -> None:
    while _title(presenting) != "Selection rate by gender":
        presenting.button(key=state.PRESENT_NEXT).click().run()
    charts = presenting.get("plotly_chart")
    assert len(charts) == 1
    spec = json.loads(charts[0].proto.spec)
    assert spec["layout"]["height"] == present_view.CHART_HEIGHT
    assert escape_markdown(NOTE) in [m.value for m in presenting.main.markdown]
    presenting.button(key=state.PRESENT_NEXT).click().run()
    assert _title(presenting) == "Rows the model turns down"
    assert not presenting.get("plotly_chart")
    assert not presenting.dataframe
    assert "about individual people" in _shown_text(presenting)
    assert "A few people to look at." in _shown_text(presenting)


def test_rows_are_hidden_while_presenting_and_the_switch_comes_back(presenting: AppTest) -> None:
    assert presenting.toggle(key=state.PRIVACY_HIDE_ROWS_PRESENTING).value is True
    assert presenting.toggle(key=state.PRIVACY_HIDE_ROWS_PRESENTING).disabled
    presenting.switch_page("pages/whatif.py").run()
    assert presenting.toggle(key=state.PRIVACY_HIDE_ROWS).value is False
    assert any("Row" in d.value.columns for d in presenting.dataframe)


def test_speaker_notes_stay_in_the_speaker_view(presenting: AppTest) -> None:
    presenting.button(key=state.PRESENT_NEXT).click().run()
    step = presenting.session_state[state.PRESENT_STEP]
    presenting.query_params["speaker"] = "1"
    presenting.run()
    assert not presenting.exception, [e.value for e in presenting.exception]
    assert _title(presenting).startswith("Speaker notes: ")
    presenting.text_area(key=state.present_notes_key(step)).input(SPEAKER_NOTE).run()
    assert presenting.session_state[state.PRESENT_STEP] == step  # the same step
    del presenting.query_params["speaker"]
    presenting.run()
    assert presenting.session_state[state.PRESENT_STEP] == step
    assert SPEAKER_NOTE not in _shown_text(presenting)
    assert not [t for t in presenting.text_area if t.value == SPEAKER_NOTE]
    presenting.query_params["speaker"] = "1"
    presenting.run()
    assert presenting.text_area(key=state.present_notes_key(step)).value == SPEAKER_NOTE


def test_the_options_compared_show_the_rows_over_everyone_a_few_at_a_time(
    presenting: AppTest,
) -> None:
    while not _title(presenting).startswith("The options compared"):
        presenting.button(key=state.PRESENT_NEXT).click().run()
    shown: list[str] = []
    while _title(presenting).startswith("The options compared"):
        table = presenting.table[0].value
        assert 0 < len(table) <= present_steps.COMPARISON_ROWS_PER_SCREEN
        assert [c.replace("\\", "") for c in table.columns] == ["Keep one cut-off", "Equal chances"]
        shown += [str(w).replace("\\", "") for w in table.index]
        presenting.button(key=state.PRESENT_NEXT).click().run()
    assert "Strategy" in shown
    assert not [w for w in shown if w.endswith(": female") or w.endswith(": male")]


def test_a_long_summary_is_cut_between_sentences_into_screens() -> None:
    lines = tuple(f"Sentence {i}. " + "x" * 300 for i in range(10))
    screens = present_steps._summary_screens(lines)
    assert [line for screen in screens for line in screen] == list(lines)
    assert all(sum(map(len, s)) <= present_steps.SUMMARY_CHARS_PER_SCREEN for s in screens)
    assert len(screens) == 4  # three sentences of 313 characters fit in 1,100


def test_the_step_channel_counts_versions_and_forgets_the_oldest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each publish is a new version; past the limit the least recently used key goes."""
    monkeypatch.setattr(present_sync, "MAX_CHANNELS", 2)
    channels = present_sync._Channels()
    assert channels.read("a") is None
    assert channels.publish("a", "summary.0") == 1
    assert channels.publish("a", "finding.x") == 2
    assert channels.read("a") == ("finding.x", 2)
    channels.publish("b", "summary.0")
    channels.publish("a", "points")  # "a" used last: "b" is now the oldest
    channels.publish("c", "summary.0")
    assert channels.read("b") is None
    assert channels.read("a") == ("points", 3)
