"""The What-if page, reached from app.py with the loan demo and its model loaded."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from components import state
from fairness_core.data import get_demo


@pytest.fixture
def whatif(app: AppTest) -> AppTest:
    """The What-if page on the loan demo."""
    app.switch_page("pages/whatif.py").run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def charts(at: AppTest) -> dict[str, dict]:
    """Every plotly chart on the page, by its first trace's name or type."""
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    return {spec["data"][0].get("name", spec["data"][0]["type"]): spec for spec in specs}


def table_with(at: AppTest, *columns: str):
    """The first table on the page that has all of ``columns`` (AppTest exposes no keys)."""
    for frame in at.dataframe:
        if set(columns) <= set(frame.value.columns):
            return frame.value
    raise AssertionError(f"no table with columns {columns}")


def test_page_shows_every_section_with_sentences(whatif: AppTest) -> None:
    """Edit, flip probes, flip test, nearest counterfactual, SHAP, importance, ICE all draw."""
    drawn = charts(whatif)
    assert {"score", "contribution", "overall", "this row"} <= set(drawn)
    captions = " ".join(c.value for c in whatif.caption)
    assert "Changing gender changes" in captions  # the dataset flip test finds the effect
    assert "most similar person" in captions
    assert "Overall the model leans most on" in captions
    assert not whatif.error


def test_editing_gender_rescoring_and_reverting(whatif: AppTest) -> None:
    """A woman edited to a man gets a higher score; history grows; Revert restores her."""
    whatif.number_input(key=state.WHATIF_ROW).set_value(1).run()  # row 1 is a woman
    before = [m.value for m in whatif.metric]
    whatif.selectbox(key=state.whatif_edit_key("gender")).set_value("male")
    whatif.button(key="FormSubmitter:whatif.editor-Re-score").click().run()
    assert not whatif.exception, [e.value for e in whatif.exception]
    metrics = {m.label: m.value for m in whatif.metric}
    assert float(metrics["Score after"]) > float(metrics["Score before"]) == float(before[0])
    history = table_with(whatif, "Step", "What was changed")
    assert list(history["What was changed"]) == ["(original)", "gender = male"]
    table = table_with(whatif, "Feature", "Original value", "Edited value")
    assert table.set_index("Feature").loc["gender", "Edited value"] == "male"
    whatif.selectbox(key=state.WHATIF_REVERT_STEP).set_value(0)
    whatif.button(key="whatif.revert").click().run()
    assert whatif.selectbox(key=state.whatif_edit_key("gender")).value == "female"
    metrics = {m.label: m.value for m in whatif.metric}
    assert metrics["Score after"] == metrics["Score before"]


def test_filters_pick_false_negatives_of_women(whatif: AppTest) -> None:
    """Group and error-type filters leave only women the model wrongly turned down."""
    whatif.multiselect(key=state.WHATIF_FILTER_GROUPS).set_value(["female"]).run()
    whatif.selectbox(key=state.WHATIF_FILTER_OUTCOME).set_value("false negative").run()
    assert not whatif.exception
    table = whatif.dataframe(key=state.WHATIF_TABLE).value
    assert len(table) > 0
    assert set(table["gender"]) == {"female"}
    assert set(table["Right or wrong"]) == {"Wrong: unfavourable decision, favourable outcome"}
    assert set(table["Model decision"]) == {"unfavourable"}
    assert set(table["Actual outcome"]) == {"favourable"}


def test_minimal_change_search_and_none_found(whatif: AppTest) -> None:
    """Search finds a change to the numbers; with only employment years it may find none."""
    whatif.button(key=state.WHATIF_SEARCH).click().run()
    assert not whatif.exception, [e.value for e in whatif.exception]
    assert whatif.success
    assert "turns the decision around" in whatif.success[0].value
    whatif.multiselect(key=state.WHATIF_CHANGEABLE).set_value([]).run()
    whatif.button(key=state.WHATIF_SEARCH).click().run()
    assert any("No feature is marked as changeable" in w.value for w in whatif.warning)


def test_proxy_and_flip_attribute_controls(whatif: AppTest) -> None:
    """Race alone changes nothing; with zip codes as proxy it does."""
    whatif.selectbox(key=state.WHATIF_FLIP_ATTRIBUTE).set_value("race").run()
    captions = " ".join(c.value for c in whatif.caption)
    assert "changes no decision" in captions
    whatif.multiselect(key=state.WHATIF_PROXIES).set_value(["zip_code"]).run()
    assert not whatif.exception
    table = table_with(whatif, "Share that changes", "Moved to")
    assert table["Decisions that change"].sum() > 0


# Column names of the core's result tables; none may reach the screen untranslated.
RAW_COLUMNS = {
    "row",
    "outcome",
    "decision",
    "outcome_type",
    "score",
    "feature",
    "original",
    "edited",
    "changed",
    "step",
    "changes",
    "probe",
    "kind",
    "score_change",
    "decision_changed",
    "to",
    "rows",
    "changed_share",
    "changed_ci_low",
    "to_positive",
    "to_negative",
    "mean_score_change",
    "score_change_ci_low",
    "score_change_ci_high",
    "score_before",
    "decision_before",
    "decision_after",
    "counterfactual",
    "differs",
    "distance",
    "differences",
    "new",
    "cost",
    "value",
    "shap",
    "overall",
    "average_score",
}


def test_every_table_has_plain_titles_and_decisions_in_words(whatif: AppTest) -> None:
    """No table shows a raw column name, and decisions read favourable/unfavourable."""
    whatif.button(key=state.WHATIF_SEARCH).click().run()  # the minimal-change table too
    assert not whatif.exception, [e.value for e in whatif.exception]
    assert len(whatif.dataframe) >= 10
    for frame in whatif.dataframe:
        table = frame.value
        assert not RAW_COLUMNS & set(table.columns), list(table.columns)
        for column in table.columns:
            if "decision" in column.lower() and table[column].dtype == object:
                assert set(table[column]) <= {"favourable", "unfavourable"}, column
    text = " ".join(m.value for m in [*whatif.markdown, *whatif.caption, *whatif.metric])
    assert " positive decision" not in text
    assert "favourable" in text


def test_predictions_only_mode_explains_what_is_missing(app: AppTest) -> None:
    """Without a model the page says what is missing and how to supply it."""
    app.session_state[state.MODEL] = None
    app.switch_page("pages/whatif.py").run()
    assert not app.exception
    assert any("needs the model itself" in i.value for i in app.info)
    assert not app.get("plotly_chart")


def test_onnx_model_runs_with_explanations_on_request(app: AppTest) -> None:
    """With the ONNX demo model the page works and slow explanations wait for the toggle."""
    app.session_state[state.MODEL] = get_demo("loan").load_model(onnx=True)
    app.switch_page("pages/whatif.py").run()
    assert not app.exception, [e.value for e in app.exception]
    assert any("Compute explanations" in i.value for i in app.info)
    assert app.toggle(key=state.WHATIF_EXPLAIN_ON).value is False
    captions = " ".join(c.value for c in app.caption)
    assert "Changing gender changes" in captions


def _match_caption(at: AppTest) -> str:
    return next(c.value for c in at.caption if " rows match." in c.value)


def test_changing_group_by_never_leaves_a_stale_group_filter(whatif: AppTest) -> None:
    """Women only, then "Group by" race: every race group is chosen, no "0 of" rows."""
    total = len(whatif.session_state[state.DATASET].frame)
    whatif.multiselect(key=state.WHATIF_FILTER_GROUPS).set_value(["female"]).run()
    assert not _match_caption(whatif).startswith(f"{total:,} of")
    whatif.selectbox(key=state.WHATIF_FILTER_ATTRIBUTE).set_value("race").run()
    assert not whatif.exception, [e.value for e in whatif.exception]
    groups = whatif.multiselect(key=state.WHATIF_FILTER_GROUPS)
    assert list(groups.value) == list(groups.options)
    assert "race" in whatif.dataframe(key=state.WHATIF_TABLE).value.columns
    assert _match_caption(whatif).startswith(f"{total:,} of {total:,} rows match")
    assert not whatif.warning


def test_a_filter_matching_nobody_says_which_and_how_to_widen(whatif: AppTest) -> None:
    """Favourable decisions that were false negatives cannot exist: the warning says why."""
    whatif.selectbox(key=state.WHATIF_FILTER_DECISION).set_value("Favourable").run()
    whatif.selectbox(key=state.WHATIF_FILTER_OUTCOME).set_value("false negative").run()
    assert not whatif.exception, [e.value for e in whatif.exception]
    assert _match_caption(whatif).startswith("0 of")
    warning = whatif.warning[0].value.replace("\\", "")
    rows = whatif.dataframe(key=state.WHATIF_TABLE).value
    assert rows.empty
    frame = whatif.session_state[state.DATASET].frame
    assert len(frame) > 0
    assert warning.startswith("No row matches all the filters: without 'Right or wrong' = ")
    assert "Wrong: unfavourable decision, favourable outcome, " in warning
    assert "without 'Model decision' = Favourable, " in warning
    assert "Widen that filter" in warning
    # Choosing no group at all is named too.
    whatif.selectbox(key=state.WHATIF_FILTER_DECISION).set_value("Any").run()
    whatif.multiselect(key=state.WHATIF_FILTER_GROUPS).set_value([]).run()
    assert "no group is chosen under 'Groups'" in whatif.warning[0].value.replace("\\", "")


def test_the_chosen_person_and_edits_stay_when_the_page_is_left(whatif: AppTest) -> None:
    """Row 7 edited and re-scored; after three other pages and back, all of it is there."""
    whatif.number_input(key=state.WHATIF_ROW).set_value(7).run()
    original = whatif.selectbox(key=state.whatif_edit_key("gender")).value
    edited = "male" if original == "female" else "female"
    whatif.selectbox(key=state.whatif_edit_key("gender")).set_value(edited)
    whatif.button(key="FormSubmitter:whatif.editor-Re-score").click().run()
    whatif.multiselect(key=state.WHATIF_PROXIES).set_value(["zip_code"]).run()
    assert not whatif.exception, [e.value for e in whatif.exception]
    before = {m.label: m.value for m in whatif.metric}

    for page in ("pages/subgroups.py", "pages/data.py", "pages/dataset_audit.py"):
        whatif.switch_page(page).run()
        assert not whatif.exception, [e.value for e in whatif.exception]
    whatif.switch_page("pages/whatif.py").run()
    assert not whatif.exception, [e.value for e in whatif.exception]

    assert whatif.number_input(key=state.WHATIF_ROW).value == 7
    assert whatif.selectbox(key=state.whatif_edit_key("gender")).value == edited
    assert whatif.multiselect(key=state.WHATIF_PROXIES).value == ["zip_code"]
    assert {m.label: m.value for m in whatif.metric} == before
    history = table_with(whatif, "Step", "What was changed")
    assert list(history["What was changed"]) == ["(original)", f"gender = {edited}"]


def test_race_is_named_as_not_a_model_input_and_the_three_ways_are_shown(
    whatif: AppTest,
) -> None:
    """Without proxies: race is not a model input (said plainly); proxy detection is offered
    and tests what it finds; a table then separates race, its proxies and both."""
    infos = " ".join(i.value for i in whatif.info)
    assert "race and age are not any of the model's inputs" in infos.replace("\\", "")
    whatif.button(key=state.WHATIF_FIND_PROXIES).click().run()
    assert not whatif.exception, [e.value for e in whatif.exception]
    found = whatif.session_state[state.WHATIF_PROXY_DEFAULT]
    assert found[0] == "zip_code"
    assert list(whatif.multiselect(key=state.WHATIF_PROXIES).value) == list(found)
    table = table_with(whatif, "Moved to", "Score change: attribute alone")
    race = table[table["Attribute"] == "race"]
    assert (race["Score change: attribute alone"] == 0).all()
    assert set(race["Score change: both"]) == set(race["Score change: proxies alone"])


def test_proxies_handed_over_by_the_dataset_check_are_offered(whatif: AppTest) -> None:
    """With proxies found on the Dataset check, one click puts them into the flip tests."""
    whatif.session_state[state.WHATIF_PROXY_DEFAULT] = ("zip_code",)
    whatif.run()
    assert any("The Dataset check found these proxies: zip_code" in m.value.replace("\\", "")
               for m in whatif.markdown)  # fmt: skip
    whatif.button(key=state.WHATIF_USE_FOUND_PROXIES).click().run()
    assert not whatif.exception, [e.value for e in whatif.exception]
    assert whatif.multiselect(key=state.WHATIF_PROXIES).value == ["zip_code"]
    assert not any("not any of the model's inputs" in i.value for i in whatif.info)
