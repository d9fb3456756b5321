"""The Trade-offs page, reached from app.py with the loan demo loaded."""

from __future__ import annotations

import base64

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from streamlit.testing.v1 import AppTest

from components import state
from fairness_core.tradeoffs import STRATEGIES


@pytest.fixture
def tradeoffs(app: AppTest) -> AppTest:
    """The Trade-offs page on the loan demo."""
    app.switch_page("pages/tradeoffs.py").run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _chart(at: AppTest, key: str) -> go.Figure:
    """The chart with this key, as a plotly Figure (its arrays decoded)."""
    for element in at.get("plotly_chart"):
        if element.proto.id.endswith(key):
            return pio.from_json(element.proto.spec)
    raise AssertionError(f"no chart {key}")


def _array(values) -> np.ndarray:
    """Plotly's typed-array JSON ({dtype, bdata}) or a plain list, as numbers."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"])
    return np.asarray(values, dtype=float)


def _frame(at: AppTest, *columns: str) -> pd.DataFrame:
    """The first table whose leading columns are ``columns`` (AppTest exposes no table keys)."""
    for element in at.dataframe:
        if tuple(element.value.columns[: len(columns)]) == columns:
            return element.value
    raise AssertionError(f"no table starting with {columns}")


def test_default_view_has_frontier_curves_and_the_change_per_10000(tradeoffs: AppTest) -> None:
    """Frontier with today, strategies and the chosen point; four curve charts; a sentence."""
    assert len(tradeoffs.get("plotly_chart")) == 5
    frontier = _chart(tradeoffs, "tradeoffs.frontier_chart")
    names = [trace.name for trace in frontier.data]
    assert "Group thresholds" in names
    assert "Today's model" in names
    assert "Strategy" in names
    assert "Chosen operating point" in names
    assert frontier.layout.xaxis.title.text.startswith("Demographic parity difference")
    roc = _chart(tradeoffs, "tradeoffs.roc_chart")
    assert {"female", "male"} <= {trace.name for trace in roc.data}
    assert "threshold" in roc.data[0].hovertemplate
    sentence = tradeoffs.success[0].value
    assert sentence.startswith("Per 10,000 decisions")
    assert "positive decisions for" in sentence
    rules = _frame(tradeoffs, "group", "threshold", "randomized")
    assert sorted(rules["group"]) == ["female", "male"]
    per_group = _frame(tradeoffs, "group", "n", "selection_rate")
    assert {"selection_rate_low", "selection_rate_high", "change_per_10000"} <= set(per_group)
    assert not tradeoffs.error


def test_randomized_strategy_is_labelled_and_uses_the_verb(tradeoffs: AppTest) -> None:
    """Exact equal opportunity with randomization: flagged rules, a warning, 'approvals'."""
    tradeoffs.text_input(key=state.TRADEOFFS_VERB).set_value("approvals").run()
    tradeoffs.toggle(key=state.TRADEOFFS_RANDOMIZED).set_value(True).run()
    tradeoffs.selectbox(key=state.TRADEOFFS_STRATEGY).set_value("equal_opportunity").run()
    tradeoffs.number_input(key=state.TRADEOFFS_TOLERANCE).set_value(0.0).run()
    assert not tradeoffs.exception, [e.value for e in tradeoffs.exception]
    assert "approvals for" in tradeoffs.success[0].value
    assert any("randomized" in w.value for w in tradeoffs.warning)
    rules = _frame(tradeoffs, "group", "threshold", "randomized")
    assert rules["randomized"].any()
    frontier = _chart(tradeoffs, "tradeoffs.frontier_chart")
    assert "Group thresholds (randomized)" in [t.name for t in frontier.data]


def test_frontier_slider_moves_the_chosen_point(tradeoffs: AppTest) -> None:
    """Choosing the most accurate end of the frontier puts the star on the frontier's last point."""
    tradeoffs.radio(key=state.TRADEOFFS_CHOICE).set_value("frontier").run()
    slider = tradeoffs.slider(key=state.TRADEOFFS_FRONTIER_POINT)
    slider.set_value(slider.max).run()
    assert not tradeoffs.exception
    frontier = _chart(tradeoffs, "tradeoffs.frontier_chart")
    line = next(t for t in frontier.data if t.name == "Group thresholds")
    star = next(t for t in frontier.data if t.name == "Chosen operating point")
    assert _array(star.x)[0] == pytest.approx(_array(line.x)[-1])
    assert _array(star.y)[0] == pytest.approx(_array(line.y)[-1])


def test_five_groups_and_equalized_odds(tradeoffs: AppTest) -> None:
    """Race has five groups; equalized odds explains that it needs randomized rules."""
    tradeoffs.multiselect(key=state.TRADEOFFS_ATTRIBUTES).set_value(["race"]).run()
    tradeoffs.selectbox(key=state.TRADEOFFS_CRITERION).set_value("equalized_odds").run()
    assert not tradeoffs.exception, [e.value for e in tradeoffs.exception]
    rules = _frame(tradeoffs, "group", "threshold", "randomized")
    assert len(rules) == 5
    assert any(
        "needs them" in c.value or "randomized decisions" in c.value for c in tradeoffs.caption
    )


def test_recording_an_operating_point_needs_a_rationale(tradeoffs: AppTest) -> None:
    """Without a rationale nothing is recorded; with one the record holds the point."""
    submit = next(b for b in tradeoffs.button if b.label == "Record this operating point")
    submit.click().run()
    assert any("why this operating point" in w.value for w in tradeoffs.warning)
    assert not tradeoffs.session_state.get(state.OPERATING_POINTS)
    assert "No operating point recorded yet" in " ".join(i.value for i in tradeoffs.info)
    tradeoffs.text_area(key=state.TRADEOFFS_RATIONALE).input("Agreed with the risk board.")
    submit = next(b for b in tradeoffs.button if b.label == "Record this operating point")
    submit.click().run()
    assert not tradeoffs.exception, [e.value for e in tradeoffs.exception]
    record = tradeoffs.session_state[state.OPERATING_POINTS][-1]
    assert record.rationale == "Agreed with the risk board."
    assert record.criterion == "demographic_parity"
    assert record.change_summary.startswith("Per 10,000 decisions")
    assert sorted(record.thresholds["group"]) == ["female", "male"]
    assert {"group", "threshold", "note"} <= set(record.thresholds.columns)
    assert record.settings["attributes"]


def test_the_option_is_named_after_the_point_chosen_last(tradeoffs: AppTest) -> None:
    """Switching strategy after the page first drew does not keep the first point's name."""
    tradeoffs.selectbox(key=state.TRADEOFFS_STRATEGY).set_value("equal_opportunity").run()
    tradeoffs.text_area(key=state.TRADEOFFS_RATIONALE).input("Equal chances for the qualified.")
    submit = next(b for b in tradeoffs.button if b.label == "Record this operating point")
    submit.click().run()
    assert not tradeoffs.exception, [e.value for e in tradeoffs.exception]
    record = tradeoffs.session_state[state.OPERATING_POINTS][-1]
    assert record.strategy == "equal_opportunity"
    assert record.title == f"Option A: {STRATEGIES['equal_opportunity'].title}"


def test_page_without_scores_explains_what_to_supply(app: AppTest) -> None:
    """With a prediction column only, the page says scores are needed and how to give them."""
    app.radio(key=state.DATA_SOURCE).set_value("prediction").run()
    app.switch_page("pages/tradeoffs.py").run()
    assert not app.exception, [e.value for e in app.exception]
    text = " ".join(i.value for i in app.info)
    assert "needs the model's **scores**" in text
    assert "upload the model" in text
    assert not app.get("plotly_chart")


def test_two_attributes_say_plainly_how_to_get_the_retraining_comparison(
    tradeoffs: AppTest,
) -> None:
    """With two attributes the mitigation panel is replaced by one plain instruction."""
    tradeoffs.multiselect(key=state.TRADEOFFS_ATTRIBUTES).set_value(["gender", "race"]).run()
    assert not tradeoffs.exception, [e.value for e in tradeoffs.exception]
    text = " ".join(i.value.replace("\\", "") for i in tradeoffs.info)
    assert "one protected attribute at a time" in text
    assert "2 are chosen above (gender, race)" in text
    assert "keep only one of them" in text


def test_every_table_column_has_a_plain_title(tradeoffs: AppTest) -> None:
    """No snake_case column reaches a reviewer: each has a title in the page's column_config."""
    import json

    for element in tradeoffs.dataframe:
        config = json.loads(element.proto.columns)
        for column in element.value.columns:
            if "_" in str(column) or str(column) in {"tp", "fp", "fn", "tn", "n", "kind"}:
                assert config.get(str(column), {}).get("label"), column


def test_pinned_tables_keep_plain_unique_titles(tradeoffs: AppTest) -> None:
    """A finding from this page carries the on-screen titles, each column named once."""
    tradeoffs.button(key="tradeoffs.per_group.finding_add").click().run()
    assert not tradeoffs.exception, [e.value for e in tradeoffs.exception]
    (finding,) = tradeoffs.session_state[state.FINDINGS]
    columns = list(finding.table.columns)
    assert len(columns) == len(set(columns))
    assert {"Group", "People", "Selection rate, 95% low"} <= set(columns)
    assert not any("_" in c for c in columns)


def test_a_degenerate_point_is_never_in_a_green_box(tradeoffs: AppTest) -> None:
    """A cost ratio of 100 refuses nearly everyone: the sentence moves to a warning box."""
    tradeoffs.radio(key=state.TRADEOFFS_OBJECTIVE).set_value("expected_cost").run()
    tradeoffs.number_input(key=state.TRADEOFFS_COST_RATIO).set_value(100.0).run()
    tradeoffs.selectbox(key=state.TRADEOFFS_STRATEGY).set_value("single_threshold").run()
    assert not tradeoffs.exception, [e.value for e in tradeoffs.exception]
    per_group = _frame(tradeoffs, "group", "n", "selection_rate")
    assert (per_group["selection_rate"] < 0.05).any()
    assert not any(s.value.startswith("Per 10,000") for s in tradeoffs.success)
    warnings = [w.value for w in tradeoffs.warning]
    assert any(w.startswith("Per 10,000") for w in warnings)
    assert any("Degenerate operating point" in w for w in warnings)


def test_group_thresholds_say_they_use_the_protected_attribute(tradeoffs: AppTest) -> None:
    """Offered, shown and recorded: the disparate-treatment sentence and the exact rules."""
    offered = " ".join(c.value for c in tradeoffs.caption)
    assert "unlawful disparate treatment" in offered
    tradeoffs.selectbox(key=state.TRADEOFFS_STRATEGY).set_value("best_per_group").run()
    assert any("unlawful disparate treatment" in w.value for w in tradeoffs.warning)
    tradeoffs.text_area(key=state.TRADEOFFS_RATIONALE).input("Checked with counsel.")
    submit = next(b for b in tradeoffs.button if b.label == "Record this operating point")
    submit.click().run()
    assert not tradeoffs.exception, [e.value for e in tradeoffs.exception]
    record = tradeoffs.session_state[state.OPERATING_POINTS][-1]
    assert record.group_specific
    assert any("unlawful disparate treatment" in w for w in record.warnings)
    rules = _frame(tradeoffs, "group", "threshold", "randomized")
    for rule in record.rules:
        assert rule["sentence"] in set(rules["note"])
        assert len(rule["thresholds"]) == len(rule["probabilities"]) >= 1


def test_group_thresholds_on_fewer_people_than_the_minimum_n_are_named(app: AppTest) -> None:
    """The Subgroups page's minimum n (here 10,000) is the line a group threshold is held to."""
    app.switch_page("pages/subgroups.py").run()
    app.number_input(key=state.SUBGROUPS_MIN_N).set_value(10_000).run()
    app.switch_page("pages/tradeoffs.py").run()
    app.selectbox(key=state.TRADEOFFS_STRATEGY).set_value("best_per_group").run()
    assert not app.exception, [e.value for e in app.exception]
    per_group = _frame(app, "group", "n", "selection_rate")
    shown = [w.value.replace("\\", "") for w in app.warning]  # without markdown escapes
    small = [w for w in shown if "fitted on too few people" in w]
    assert len(small) == 1
    for group, n in zip(per_group["group"], per_group["n"], strict=True):
        assert n < 10_000
        assert f"{group} ({n:,} people)" in small[0]
    assert "at least 10,000 people" in small[0]
