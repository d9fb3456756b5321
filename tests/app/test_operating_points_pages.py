"""Several named operating points: recorded on Trade-offs, compared and marked on the Report."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from components import state
from fairness_core.tradeoffs import STRATEGIES


def _record(at: AppTest, *, strategy: str, name: str | None, rationale: str) -> None:
    at.selectbox(key=state.TRADEOFFS_STRATEGY).set_value(strategy).run()
    if name is not None:
        next(t for t in at.text_input if t.label == "Name of this option").input(name)
    at.text_area(key=state.TRADEOFFS_RATIONALE).input(rationale)
    next(b for b in at.button if b.label == "Record this operating point").click().run()
    assert not at.exception, [e.value for e in at.exception]


@pytest.fixture
def two_points(app: AppTest) -> AppTest:
    """Two options recorded on the loan demo's Trade-offs page, with their own names."""
    app.switch_page("pages/tradeoffs.py").run()
    assert not app.exception, [e.value for e in app.exception]
    name = next(t for t in app.text_input if t.label == "Name of this option")
    assert name.value == f"Option A: {STRATEGIES['demographic_parity'].title}"
    _record(app, strategy="single_threshold", name="Keep one cut-off", rationale="Simplest.")
    _record(app, strategy="equal_opportunity", name="Equal chances", rationale="Qualified alike.")
    return app


def test_recording_adds_options_and_the_same_rule_again_updates(two_points: AppTest) -> None:
    """Two names, two records with their own rules; recording a rule again renames it."""
    points = two_points.session_state[state.OPERATING_POINTS]
    assert [p.title for p in points] == ["Keep one cut-off", "Equal chances"]
    assert [p.strategy for p in points] == ["single_threshold", "equal_opportunity"]
    assert len({p.id for p in points}) == 2
    assert all(p.overall is not None for p in points)
    name = next(t for t in two_points.text_input if t.label == "Name of this option")
    assert name.value == f"Option C: {STRATEGIES['equal_opportunity'].title}"
    listed = " ".join(m.value.replace("\\", "") for m in two_points.markdown)  # unescaped
    assert "**Keep one cut-off**" in listed
    assert "**Equal chances**" in listed
    _record(two_points, strategy="equal_opportunity", name="Equal chances, v2", rationale="Again.")
    again = two_points.session_state[state.OPERATING_POINTS]
    assert [p.title for p in again] == ["Keep one cut-off", "Equal chances, v2"]
    assert again[1].id == points[1].id


def test_the_second_option_marked_recommended_is_shown_so_in_the_report(
    two_points: AppTest,
) -> None:
    """Mark the second on Trade-offs: the report shows both side by side, it recommended."""
    second = two_points.session_state[state.OPERATING_POINTS][1]
    two_points.button(key=f"tradeoffs.points.{second.id}.recommend").click().run()
    assert two_points.session_state[state.RECOMMENDED_POINT] == second.id
    marks = [m.value.replace("\\", "") for m in two_points.markdown]
    assert "**Equal chances** :green-badge[Recommended]" in marks

    two_points.switch_page("pages/report.py").run()
    assert not two_points.exception, [e.value for e in two_points.exception]
    table = next(d.value for d in two_points.dataframe if "What" in d.value.columns)
    assert list(table.columns) == ["What", "Keep one cut-off", "Equal chances"]
    shown = table.set_index("What")
    assert shown.at["Recommended", "Equal chances"] == "Recommended"
    assert shown.at["Recommended", "Keep one cut-off"] == ""
    first = two_points.session_state[state.OPERATING_POINTS][0]
    accuracy = first.overall.set_index("measure").at["accuracy", "chosen"]
    assert shown.at["Accuracy (overall)", "Keep one cut-off"] == f"{accuracy:.3f}"
    marks = [m.value.replace("\\", "") for m in two_points.markdown]
    assert "**Equal chances** :green-badge[Recommended]" in marks
    assert "**Keep one cut-off**" in marks
    summary = " ".join(marks)
    assert "Recommended operating point: Equal chances. Why: Qualified alike." in summary
    assert "Operating points (2)" in [s.value for s in two_points.subheader]

    two_points.button(key=f"report.point.{second.id}.remove").click().run()
    assert not two_points.exception, [e.value for e in two_points.exception]
    assert [p.title for p in two_points.session_state[state.OPERATING_POINTS]] == [
        "Keep one cut-off"
    ]
    assert two_points.session_state[state.RECOMMENDED_POINT] is None
    summary = " ".join(m.value.replace("\\", "") for m in two_points.markdown)
    assert "Chosen operating point: Keep one cut-off. Why: Simplest." in summary
