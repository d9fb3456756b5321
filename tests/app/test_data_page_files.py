"""Files as they come, on the Data & model page: COMPAS-, ACS- and german.data-shaped uploads."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from components import state
from tests.data.shaped_files import acs_employment_csv, compas_csv, german_data


def _upload(app: AppTest, name: str, data: bytes) -> AppTest:
    app.radio(key=state.DATA_ORIGIN).set_value("My own files").run()
    app.get("file_uploader")[0].set_value((name, data, "text/plain"))
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.session_state[state.SOURCE] == "upload"
    return app


def test_uploader_accepts_text_table_suffixes(app: AppTest) -> None:
    """The browser's uploader lets .data, .dat, .txt and .tsv files through."""
    app.radio(key=state.DATA_ORIGIN).set_value("My own files").run()
    accepted = set(app.get("file_uploader")[0].proto.type)
    assert {".data", ".dat", ".txt", ".tsv", ".csv"} <= accepted


def test_compas_upload_suggests_roles_and_asks_about_the_favourable_value(app: AppTest) -> None:
    """two_year_recid is the target, 0 favourable, and the page asks to confirm it."""
    _upload(app, "compas-scores-two-years.csv", compas_csv())
    assert app.selectbox(key=state.DATA_TARGET).value == "two_year_recid"
    assert app.selectbox(key=state.DATA_POSITIVE).value == "0"
    question = app.radio(key=state.DATA_POSITIVE_CONFIRM)
    assert question.label == "Is 0 in \\'two\\_year\\_recid\\' the favourable outcome?"
    assert question.value is None
    assert any("Please answer" in w.value for w in app.warning)
    assert app.selectbox(key=state.DATA_SCORE).value == "decile_score"
    assert {"sex", "race", "age"} <= set(app.multiselect(key=state.DATA_PROTECTED).value)
    assert app.session_state[state.ROLES].positive_label == 0
    # Answering "No" makes the other value favourable: one correction, no blank.
    question.set_value(question.options[1]).run()
    assert app.selectbox(key=state.DATA_POSITIVE).value == "1"
    assert app.radio(key=state.DATA_POSITIVE_CONFIRM).value == "Yes"
    assert app.session_state[state.ROLES].positive_label == 1
    assert not any("Please answer" in w.value for w in app.warning)


def test_acs_upload_offers_age_bands_and_quantiles(app: AppTest) -> None:
    """AGEP is cut into the usual age bands; the reviewer can pick fifths or type edges."""
    _upload(app, "acs_employment.csv", acs_employment_csv())
    assert app.selectbox(key=state.DATA_TARGET).value == "employed"
    assert app.selectbox(key=state.DATA_POSITIVE).value == "1"
    assert not app.get("radio") or all(r.key != state.DATA_POSITIVE_CONFIRM for r in app.radio)
    assert {"SEX", "RAC1P", "AGEP"} <= set(app.multiselect(key=state.DATA_PROTECTED).value)
    roles = app.session_state[state.ROLES]
    assert roles.labels_for("SEX") == {"1": "Male", "2": "Female"}
    sha = app.session_state[state.DATASET].sha256[:12]
    bands = app.selectbox(key=f"data.bands.{sha}.AGEP")
    assert bands.value == "age"
    assert roles.binning_for("AGEP").edges == (25.0, 35.0, 45.0, 55.0, 65.0)
    bands.set_value("q5").run()
    binning = app.session_state[state.ROLES].binning_for("AGEP")
    assert (binning.edges, binning.quantiles) == ((), 5)
    app.selectbox(key=f"data.bands.{sha}.AGEP").set_value("custom").run()
    app.text_input(key=f"data.band_edges.{sha}.AGEP").input("30, 50").run()
    assert app.session_state[state.ROLES].binning_for("AGEP").edges == (30.0, 50.0)
    app.text_input(key=f"data.band_edges.{sha}.AGEP").input("thirty").run()
    assert any("Band edges must be numbers" in w.value for w in app.warning)
    assert not app.exception


def test_headerless_german_data_is_read_and_its_columns_named(app: AppTest) -> None:
    """german.data loads; naming the columns keeps the roles on the renamed columns."""
    _upload(app, "german.data", german_data())
    dataset = app.session_state[state.DATASET]
    assert not dataset.header
    assert dataset.frame.shape == (300, 21)
    assert app.selectbox(key=state.DATA_TARGET).value == "column_21"
    assert app.selectbox(key=state.DATA_POSITIVE).value == "1"
    sha = dataset.sha256[:12]
    app.text_input(key=f"data.column_names.{sha}.12").input("age")
    app.text_input(key=f"data.column_names.{sha}.20").input("credit_risk")
    app.button(key="FormSubmitter:data.column_names-Use these names").click().run()
    assert not app.exception, [e.value for e in app.exception]
    frame = app.session_state[state.DATASET].frame
    assert list(frame.columns)[12] == "age"
    assert list(frame.columns)[20] == "credit_risk"
    roles = app.session_state[state.ROLES]
    assert roles.target == "credit_risk"
    assert roles.column_names[20] == "credit_risk"
    assert app.selectbox(key=state.DATA_TARGET).value == "credit_risk"
    # Choosing the renamed age as the protected attribute offers age bands by default.
    app.multiselect(key=state.DATA_PROTECTED).set_value(["age"]).run()
    app.multiselect(key=state.DATA_BINNED).set_value(["age"]).run()
    assert app.session_state[state.ROLES].binning_for("age").edges == (25, 35, 45, 55, 65)
    assert not app.exception
