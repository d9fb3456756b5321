"""The Learn page: lessons on the practice population, the decision tree, the glossary."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components import cache, review_session, state
from components.identity import OWNER
from fairness_core.data import check_audit_data
from fairness_core.learn import PopulationSettings, check_criteria, make_population
from fairness_core.metrics import compute_subgroup_report, recommend_metric
from fairness_core.report import build_review, identify_data

APP = str(Path(__file__).resolve().parents[2] / "app.py")


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


def test_matching_the_true_positive_rates_gives_equal_opportunity_and_breaks_calibration(
    app: AppTest,
) -> None:
    """Matching true positive rates: equal opportunity holds, calibration does not."""
    _learn(app)
    assert _holding(app)["Equal opportunity"] == "No"
    app.selectbox(key=state.LEARN_MATCH_METRIC).set_value("true_positive_rate").run()
    app.button(key=state.LEARN_MATCH).click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.toggle(key=state.LEARN_PER_GROUP).value is True
    assert app.slider(key=state.LEARN_THRESHOLD_B).value > 0.5
    shown = _holding(app)
    assert shown["Equal opportunity"] == "Yes"
    assert shown["Calibration within groups"] == "No"
    assert shown["Predictive parity"] == "No"


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


ANSWERS = {"labels": "yes", "meaning": "yes"}


def _record(app: AppTest, page: str) -> None:
    app.switch_page(page).run()
    for question, answer in ANSWERS.items():
        app.radio(
            key=state.guide_answer_key(question, page.split("/")[1].removesuffix(".py"))
        ).set_value(answer).run()
        assert not app.exception, [e.value for e in app.exception]
    app.button(key=state.GUIDE_RECORD).click().run()
    assert not app.exception, [e.value for e in app.exception]


def test_the_recorded_answer_reaches_the_report_html_and_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Recorded on Learn: kept with the saved review, named on Report, in the HTML and JSON."""
    monkeypatch.setenv("FAIRNESS_EXPLORER_REVIEWS", str(tmp_path / "reviews.sqlite3"))
    app = AppTest.from_file(APP, default_timeout=60)
    app.session_state[OWNER] = "trainer"
    app.run()
    _record(app, "pages/learn.py")
    assert app.session_state[state.METRIC_CHOICE] == ANSWERS
    assert any("Calibration within groups" in s.value for s in app.success)
    app.switch_page("pages/report.py").run()
    assert not app.exception, [e.value for e in app.exception]
    assert any("Which metric and why" in c.value for c in app.caption)

    # The saved review keeps it: a reload (a new session at the same address) has it.
    review_id = app.session_state[review_session.REVIEW_ID]
    again = AppTest.from_file(APP, default_timeout=60)
    again.session_state[OWNER] = "trainer"
    again.query_params["review"] = review_id
    again.run()
    assert again.session_state[state.METRIC_CHOICE] == ANSWERS

    # The files the Report page offers are built from that review (as test_report_page does).
    dataset, roles = again.session_state[state.DATASET], again.session_state[state.ROLES]
    audit = check_audit_data(dataset.frame, roles)
    review = build_review(
        compute_subgroup_report(audit, attributes=[roles.protected[0]], n_bootstrap=0),
        roles=roles,
        data=identify_data(dataset, audit),
        metric_choice=recommend_metric(again.session_state[state.METRIC_CHOICE]),
    )
    files = cache.report_files(review)
    assert "Which metric and why" in files["html"].decode()
    assert json.loads(files["json"])["which_metric"]["recommendation"] == "calibration"


def test_the_subgroups_guide_shares_the_answers_and_names_no_code(app: AppTest) -> None:
    """Answers given on Subgroups show on Learn; the guide shows titles, never code names."""
    _record(app, "pages/subgroups.py")
    shown = " ".join(s.value for s in app.success)
    assert "Precision" in shown
    assert "predictive_parity" not in shown
    _learn(app)
    assert app.radio(key=state.guide_answer_key("meaning", "learn")).value == "yes"
