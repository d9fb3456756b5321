"""The Subgroups page, reached from app.py with the demo loaded."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from components import state
from fairness_core.metrics import VERDICTS


@pytest.fixture
def subgroups(app: AppTest) -> AppTest:
    """The Subgroups page on the loan demo."""
    app.switch_page("pages/subgroups.py").run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_page_shows_summaries_chart_table_and_sentence(subgroups: AppTest) -> None:
    """The default view has the named summaries, a bar chart with n, and a plain sentence."""
    labels = [m.label for m in subgroups.metric]
    assert "Disparate impact ratio (four-fifths rule)" in labels
    shown = dict(zip(labels, (m.value for m in subgroups.metric), strict=True))
    table = subgroups.dataframe[0].value
    rates = table["value"].to_numpy()
    assert shown["Disparate impact ratio (four-fifths rule)"] == f"{rates.min() / rates.max():.3f}"
    chart = json.loads(subgroups.get("plotly_chart")[0].proto.spec)
    bars = chart["data"][0]
    assert bars["x"] == ["female", "male"]
    assert all(text.startswith("n=") for text in bars["text"])
    sentences = [c.value for c in subgroups.caption]
    assert any("the rate of group male" in s for s in sentences)
    assert not subgroups.error


def test_intersection_of_two_attributes_draws_a_heat_map(subgroups: AppTest) -> None:
    """Choosing gender and race gives intersectional groups and a heat map with n per cell."""
    subgroups.multiselect(key=state.SUBGROUPS_ATTRIBUTES).set_value(["gender", "race"]).run()
    assert not subgroups.exception
    charts = {c.key: c for c in subgroups.get("plotly_chart")}
    assert {"subgroups.bar_chart", "subgroups.heatmap"} <= set(charts)
    heatmap = json.loads(charts["subgroups.heatmap"].proto.spec)["data"][0]
    assert heatmap["type"] == "heatmap"
    assert any("n=" in cell for row in heatmap["text"] for cell in row)


def test_small_groups_are_never_a_bare_pass(app: AppTest) -> None:
    """On the credit demo the 44-person group is too few to judge on a rate of few people."""
    app.selectbox(key=state.DATA_DEMO).set_value("credit").run()
    app.switch_page("pages/subgroups.py").run()
    app.multiselect(key=state.SUBGROUPS_ATTRIBUTES).set_value(["nationality"]).run()
    app.selectbox(key=state.SUBGROUPS_METRIC).set_value("false_positive_rate").run()
    assert not app.exception
    table = app.dataframe[0].value
    small = table[table["group"] == "non_EU"].iloc[0]
    assert small["denominator"] < 30
    assert small["difference_verdict"] == "too few people to judge"
    captions = " ".join(c.value for c in app.caption)
    assert "Too few people to judge on the false positive rate" in captions
    assert "non\\_EU" in captions or "non_EU" in captions


def test_choosing_a_reference_group_by_name(subgroups: AppTest) -> None:
    """Choosing 'female' as reference compares men with women."""
    subgroups.selectbox(key=state.SUBGROUPS_REFERENCE).set_value("female").run()
    assert not subgroups.exception
    table = subgroups.dataframe[0].value
    assert table.loc[table["group"] == "female", "ratio_verdict"].iloc[0] == "reference group"
    assert table.loc[table["group"] == "male", "ratio"].iloc[0] > 1


def test_page_without_auditable_data_points_to_the_data_page(app: AppTest) -> None:
    """With roles that cannot be audited, the page explains and links back instead of failing."""
    app.selectbox(key=state.DATA_SCORE).set_value("income").run()
    low = app.number_input(key=state.DATA_SCORE_MIN).value  # a scale too narrow for income
    app.number_input(key=state.DATA_SCORE_MAX).set_value(low + 1).run()
    app.switch_page("pages/subgroups.py").run()
    assert not app.exception
    assert any("cannot be audited" in w.value for w in app.warning)


def test_add_to_findings_keeps_figure_table_note_and_settings(subgroups: AppTest) -> None:
    """The chart's "Add to findings" stores the figure, the numbers, the note and the settings."""
    subgroups.text_area(key="subgroups.bar_chart.finding_note").set_value(
        "<script>alert(1)</script> women approved less often"
    )
    subgroups.selectbox(key="subgroups.bar_chart.finding_severity").set_value("concern")
    subgroups.button(key="subgroups.bar_chart.finding_add").click().run()
    assert not subgroups.exception, [e.value for e in subgroups.exception]
    findings = subgroups.session_state[state.FINDINGS]
    assert len(findings) == 1
    finding = findings[0]
    assert finding.severity == "concern"
    assert finding.page == "Subgroups"
    assert finding.note.startswith("<script>")  # stored as typed; escaped where rendered
    assert set(finding.table["Group"]) == {"female", "male"}
    assert "95% interval, low" in finding.table.columns  # plain titles, as in the report
    assert json.loads(finding.figure)["data"][0]["x"] == ["female", "male"]
    assert finding.settings["protected attributes"] == "gender"
    assert finding.data_sha256 == state_inputs_sha(subgroups)


def state_inputs_sha(at: AppTest) -> str:
    """SHA-256 of the dataset loaded in the session."""
    return str(at.session_state[state.DATASET].sha256)


def test_non_default_choices_reach_the_verdicts_and_captions(subgroups: AppTest) -> None:
    """Largest-group reference, a stricter level and Benjamini–Hochberg change what is shown."""
    subgroups.selectbox(key=state.SUBGROUPS_REFERENCE).set_value("The largest group").run()
    subgroups.number_input(key=state.SUBGROUPS_ALPHA).set_value(0.01).run()
    subgroups.selectbox(key=state.SUBGROUPS_CORRECTION).set_value("benjamini-hochberg").run()
    assert not subgroups.exception
    captions = " ".join(c.value for c in subgroups.caption)
    assert "adjusted p-value below 0.01" in captions
    assert "Benjamini–Hochberg" in captions
    table = subgroups.dataframe[0].value
    verdicts = set(table["ratio_verdict"].dropna())
    assert verdicts <= {*VERDICTS, "reference group"}
    # with the largest group as reference the ratio is no longer called the impact ratio
    sentences = [c.value for c in subgroups.caption if "the rate of group" in c.value]
    assert all("four-fifths rule" not in s for s in sentences)
