"""The Dataset check page, reached from app.py with the demo loaded."""

from __future__ import annotations

import json
from dataclasses import replace

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from components import state
from components.demo import CONFIRM_DEMO


@pytest.fixture
def check(app: AppTest) -> AppTest:
    """The Dataset check page on the loan demo."""
    app.switch_page("pages/dataset_audit.py").run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _captions(at: AppTest) -> list[str]:
    return [c.value.replace("\\", "") for c in at.caption]


def _table(at: AppTest, column: str) -> pd.DataFrame | None:
    """The first table with ``column`` (AppTest does not expose dataframe keys)."""
    return next((t.value for t in at.dataframe if column in t.value.columns), None)


def test_page_shows_all_three_checks(check: AppTest) -> None:
    """Representation, base rates, gaps, a distribution, proxies and slices all render."""
    assert check.title[0].value == "Dataset check"
    assert len(check.tabs) == 3
    titles = [json.loads(c.proto.spec)["layout"]["xaxis"]["title"]["text"]
              for c in check.get("plotly_chart")]  # fmt: skip
    assert len(titles) == 7
    captions = _captions(check)
    assert any(c.startswith("gender has 2 groups") for c in captions)
    assert any("zip_code alone strongly identifies race" in c for c in captions)
    assert any(c.startswith("Among people with") for c in captions)
    assert not check.error


def test_the_proxy_table_ranks_zip_code_first_for_race(check: AppTest) -> None:
    """The proxy table's best single-feature proxy of race is zip_code."""
    proxies = _table(check, "sentence")
    assert proxies is not None
    race = proxies[(proxies["attribute"] == "race") & (proxies["rank"] == 1)]
    assert race["feature"].tolist() == ["zip_code"]


def test_population_shares_fill_the_representation_ratio(app: AppTest) -> None:
    """Entering a population share for a group gives its share ÷ population ratio."""
    app.switch_page("pages/dataset_audit.py").run()
    app.selectbox(key=state.DATASETCHECK_ATTRIBUTE).set_value("race").run()
    sha = app.session_state[state.DATASET].sha256
    app.number_input(key=state.reference_share_key(sha, "race", 1)).set_value(13.0).run()
    assert not app.exception, [e.value for e in app.exception]
    representation = _table(app, "representation_ratio")
    assert representation is not None
    representation = representation.set_index("group")
    assert representation.loc["Black", "reference_share"] == pytest.approx(0.13)
    expected = representation.loc["Black", "share"] / 0.13
    assert representation.loc["Black", "representation_ratio"] == pytest.approx(expected)
    assert any("No group with a population share entered is under-represented" in c
               for c in _captions(app))  # fmt: skip


def test_the_dataset_audit_works_without_a_model_or_decisions(app: AppTest) -> None:
    """With no decision source, the data and proxy tabs work; slices explain what is needed."""
    roles = app.session_state[state.ROLES]
    app.session_state[state.ROLES] = replace(roles, source="prediction", prediction=None,
                                             score=None)  # fmt: skip
    app.session_state[state.MODEL] = None
    app.switch_page("pages/dataset_audit.py").run()
    assert not app.exception, [e.value for e in app.exception]
    assert any("Searching slices needs the model's decisions" in i.value for i in app.info)
    # Not an error: the page says plainly what works without decisions.
    assert not app.error, [e.value for e in app.error]
    assert any(i.value.startswith("No model decisions are chosen, so this page checks the data")
               for i in app.info)  # fmt: skip
    assert _table(app, "below_line") is not None
    assert _table(app, "base_rate") is not None
    assert _table(app, "sentence") is not None
    assert _table(app, "slice") is None


def test_each_group_gets_a_verdict_and_the_sentence_names_those_below(check: AppTest) -> None:
    """The verdict table has one row per group; the sentence names the groups below the line."""
    check.selectbox(key=state.DATASETCHECK_ATTRIBUTE).set_value("race").run()
    verdicts = _table(check, "below_line")
    assert verdicts is not None
    below = verdicts.loc[verdicts["below_line"], "group"].tolist()
    total = len(verdicts)
    sentence = next(c for c in _captions(check) if "below the four-fifths line" in c)
    verb = "is" if len(below) == 1 else "are"
    assert sentence.startswith(f"{len(below)} of {total} groups of race {verb} below")
    for group in below:
        assert group in sentence


def test_two_attributes_can_be_crossed(check: AppTest) -> None:
    """Crossing race with gender shows the combinations in every view of the first tab."""
    check.selectbox(key=state.DATASETCHECK_ATTRIBUTE).set_value("race").run()
    check.selectbox(key=state.DATASETCHECK_INTERSECT).set_value("gender").run()
    assert not check.exception, [e.value for e in check.exception]
    verdicts = _table(check, "below_line")
    assert verdicts is not None
    assert all(" · " in g for g in verdicts["group"])
    representation = _table(check, "representation_ratio")
    assert representation is not None
    assert representation["rows"].sum() == check.session_state[state.DATASET].frame.shape[0]
    assert any(c.startswith("race × gender has") for c in _captions(check))
    # Choosing the crossed attribute as the first one resets the crossing.
    check.selectbox(key=state.DATASETCHECK_ATTRIBUTE).set_value("gender").run()
    assert check.selectbox(key=state.DATASETCHECK_INTERSECT).value == "(none)"
    assert not check.exception


def test_a_saved_slice_is_a_cohort_on_the_subgroups_page(check: AppTest) -> None:
    """Saving a slice adds a cohort the Subgroups page offers and analyses."""
    check.multiselect(key=state.DATASETCHECK_SLICE_FEATURES).set_value(["race", "gender"]).run()
    check.selectbox(key=state.DATASETCHECK_SLICE_METRIC).set_value("selection_rate").run()
    slices = _table(check, "slice")
    assert slices is not None
    chosen = slices["slice"].iloc[0]
    assert "race = Black" in chosen
    check.selectbox(key=state.DATASETCHECK_SLICE_CHOSEN).set_value(chosen).run()
    check.button(key=state.DATASETCHECK_SAVE_COHORT).click().run()
    assert not check.exception, [e.value for e in check.exception]
    assert [c.name for c in check.session_state[state.COHORTS]] == [chosen]

    check.switch_page("pages/subgroups.py").run()
    picker = check.multiselect(key=state.SUBGROUPS_ATTRIBUTES)
    assert chosen in picker.options
    picker.set_value([chosen]).run()
    assert not check.exception, [e.value for e in check.exception]
    table = _table(check, "ratio_verdict")
    assert table is not None
    assert set(table["group"]) == {f"in {chosen}", "rest"}
    members = table.loc[table["group"] == f"in {chosen}", "n"].iloc[0]
    assert members == slices["rows"].iloc[0]

    # The cohort survives navigation and can be removed again.
    check.switch_page("pages/dataset_audit.py").run()
    check.button(key=f"{state.DATASETCHECK_REMOVE_COHORT}.0").click().run()
    assert not check.exception
    assert check.session_state[state.COHORTS] == ()


def test_loading_new_data_clears_the_cohorts(check: AppTest) -> None:
    """Cohorts belong to one dataset: another demo asks first, then starts without them."""
    check.multiselect(key=state.DATASETCHECK_SLICE_FEATURES).set_value(["race"]).run()
    check.button(key=state.DATASETCHECK_SAVE_COHORT).click().run()
    assert len(check.session_state[state.COHORTS]) == 1
    check.switch_page("pages/data.py").run()
    check.selectbox(key=state.DATA_DEMO).set_value("credit").run()
    assert not check.exception, [e.value for e in check.exception]
    assert len(check.session_state[state.COHORTS]) == 1  # asked first: nothing lost yet
    assert any("1 saved cohort" in w.value for w in check.warning)
    check.button(key=CONFIRM_DEMO).click().run()
    assert check.session_state[state.SOURCE] == "demo:credit"
    assert state.COHORTS not in check.session_state


def test_proxies_are_handed_to_the_whatif_flip_tests(check: AppTest) -> None:
    """The button stores the strongest proxies (zip_code for race) for the What-if page."""
    assert state.WHATIF_PROXY_DEFAULT not in check.session_state
    check.button(key=state.DATASETCHECK_USE_PROXIES).click().run()
    assert not check.exception, [e.value for e in check.exception]
    handed = check.session_state[state.WHATIF_PROXY_DEFAULT]
    assert handed[0] == "zip_code"
    assert any("What-if flip tests will start with these proxies" in s.value.replace("\\", "")
               for s in check.success)  # fmt: skip
    check.switch_page("pages/whatif.py").run()
    assert not check.exception, [e.value for e in check.exception]
    proxies = check.multiselect(key=state.WHATIF_PROXIES).value
    assert "zip_code" in proxies
    assert set(proxies) <= set(handed)


def test_every_table_column_has_a_plain_title(check: AppTest) -> None:
    """No snake_case column reaches a reviewer: each has a title in the page's column_config."""
    check.multiselect(key=state.DATASETCHECK_SLICE_FEATURES).set_value(["race", "gender"]).run()
    for element in check.dataframe:
        config = json.loads(element.proto.columns)
        for column in element.value.columns:
            if "_" in str(column) or str(column) in {"rows", "small", "rank", "value", "order"}:
                assert config.get(str(column), {}).get("label"), column


def test_pinned_tables_keep_the_titles_shown_on_screen(check: AppTest) -> None:
    """A finding from this page carries "95% low", not the core's share_low."""
    check.button(key="datasetcheck.representation.finding_add").click().run()
    assert not check.exception, [e.value for e in check.exception]
    (finding,) = check.session_state[state.FINDINGS]
    assert "share_low" not in finding.table.columns
    assert {"Group", "Rows", "95% low"} <= set(finding.table.columns)
