"""A 1-10 risk score on the Data & model page: its scale and direction, set by the reviewer."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from components import state
from tests.core.data.test_score_scale import compas_like


def _upload(app: AppTest) -> None:
    app.radio(key=state.DATA_ORIGIN).set_value("My own files").run()
    payload = compas_like(600).to_csv(index=False).encode()
    app.get("file_uploader")[0].set_value(("compas.csv", payload, "text/csv"))
    app.run()
    app.selectbox(key=state.DATA_TARGET).set_value("two_year_recid").run()
    app.selectbox(key=state.DATA_POSITIVE).set_value("0").run()
    app.radio(key=state.DATA_SOURCE).set_value("score").run()
    app.selectbox(key=state.DATA_SCORE).set_value("decile_score").run()
    app.multiselect(key=state.DATA_PROTECTED).set_value(["race"]).run()
    assert not app.exception, [e.value for e in app.exception]


def test_a_decile_score_gets_its_scale_and_direction(app: AppTest) -> None:
    """The range is filled with 1 and 10; 'unfavourable' turns the scores round."""
    _upload(app)
    assert app.number_input(key=state.DATA_SCORE_MIN).value == 1.0
    assert app.number_input(key=state.DATA_SCORE_MAX).value == 10.0
    assert any("runs from 1 to 10" in i.value for i in app.info)
    assert not app.error, [e.value for e in app.error]
    roles = app.session_state[state.ROLES]
    assert roles.score_range == (1.0, 10.0)
    assert roles.higher_score_favourable is True

    app.radio(key=state.DATA_SCORE_DIRECTION).set_value("unfavourable").run()
    app.slider(key=state.DATA_THRESHOLD).set_value(0.5).run()
    assert not app.exception
    roles = app.session_state[state.ROLES]
    assert roles.higher_score_favourable is False
    captions = [c.value.replace("\\", "") for c in app.caption]  # markdown escapes removed
    assert any(
        "With this threshold, a 'decile_score' of 5.5 or less gets the favourable decision, "
        "above 5.5 the unfavourable one" in c
        for c in captions
    ), captions
    assert app.success
    assert app.success[-1].value.startswith("Ready to audit")


def test_the_scale_can_be_widened_and_survives_a_page_visit(app: AppTest) -> None:
    """A scale of 0 to 20 is used by the audit and kept after visiting Subgroups."""
    _upload(app)
    app.number_input(key=state.DATA_SCORE_MIN).set_value(0.0).run()
    app.number_input(key=state.DATA_SCORE_MAX).set_value(20.0).run()
    app.radio(key=state.DATA_SCORE_DIRECTION).set_value("unfavourable").run()
    roles = app.session_state[state.ROLES]
    assert roles.score_range == (0.0, 20.0)
    app.switch_page("pages/subgroups.py").run()
    assert not app.exception, [e.value for e in app.exception]
    app.switch_page("pages/data.py").run()
    assert app.number_input(key=state.DATA_SCORE_MAX).value == 20.0
    assert app.radio(key=state.DATA_SCORE_DIRECTION).value == "unfavourable"
    assert app.session_state[state.ROLES].score_range == (0.0, 20.0)


def test_a_scale_below_its_scores_is_explained(app: AppTest) -> None:
    """A scale of 1 to 5 for scores up to 10: the page names the problem and the remedy."""
    _upload(app)
    app.number_input(key=state.DATA_SCORE_MAX).set_value(5.0).run()
    assert not app.exception
    assert any("outside the scale set for it" in e.value for e in app.error), [
        e.value for e in app.error
    ]
