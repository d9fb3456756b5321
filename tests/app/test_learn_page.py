"""The Learn page: lessons on the practice population, the decision tree, the glossary."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from components import state
from fairness_core.learn import PopulationSettings, check_criteria, make_population


def _learn(app: AppTest) -> AppTest:
    app.switch_page("pages/learn.py").run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _holding(app: AppTest) -> dict[str, str]:
    table = next(d for d in app.dataframe if "Criterion" in d.value.columns)
    return dict(zip(table.value["Criterion"], table.value["Holds"], strict=True))


def test_the_page_shows_which_criteria_hold_as_the_core_computes_them(app: AppTest) -> None:
    """The table's yes/no per criterion equals check_criteria on the same settings."""
    _learn(app)
    shown = _holding(app)
    settings = PopulationSettings(base_rates=(0.3, 0.6), separation=0.5, seed=0)
    expected = check_criteria(make_population(settings), (0.5, 0.5), tolerance=0.05)
    assert shown == {c.title: "Yes" if c.holds else "No" for c in expected.criteria}


def test_changing_a_slider_changes_which_criteria_hold(app: AppTest) -> None:
    """Equal base rates make every criterion hold; perfect scores make the error ones hold."""
    _learn(app)
    before = _holding(app)
    assert before["Equalized odds"] == "No"
    assert before["Calibration within groups"] == "Yes"
    app.slider(key=state.LEARN_BASE_RATE_B).set_value(0.3).run()
    assert not app.exception
    assert set(_holding(app).values()) == {"Yes"}
    app.slider(key=state.LEARN_BASE_RATE_B).set_value(0.6).run()
    app.slider(key=state.LEARN_SEPARATION).set_value(1.0).run()
    after = _holding(app)
    assert after["Equalized odds"] == "Yes"
    assert after["Demographic parity"] == "No"


def test_a_different_threshold_for_group_b_breaks_calibration(app: AppTest) -> None:
    """Moving Group B's threshold alone makes calibration within groups fail."""
    _learn(app)
    app.toggle(key=state.LEARN_PER_GROUP).set_value(True).run()
    app.slider(key=state.LEARN_THRESHOLD_B).set_value(0.7).run()
    assert not app.exception
    assert _holding(app)["Calibration within groups"] == "No"


def test_a_lesson_sets_up_its_population(app: AppTest) -> None:
    """'Set up this lesson' puts the lesson's base rates into the sliders."""
    _learn(app)
    app.selectbox(key=state.LEARN_LESSON).set_value("rates").run()
    app.button(key=state.LEARN_START_LESSON).click().run()
    assert not app.exception
    assert app.slider(key=state.LEARN_BASE_RATE_B).value == 0.4
    assert set(_holding(app).values()) == {"Yes"}


def test_the_glossary_filters_by_search(app: AppTest) -> None:
    """Typing a word keeps only the entries that mention it."""
    _learn(app)
    app.text_input(key=state.LEARN_GLOSSARY_SEARCH).input("four-fifths").run()
    table = next(d for d in app.dataframe if "Definition" in d.value.columns)
    assert "Four-fifths rule" in set(table.value["Term"])
    assert all(
        "four-fifths" in f"{t} {d}".lower() for t, d in table.value[["Term", "Definition"]].values
    )
