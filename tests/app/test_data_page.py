"""The Data & model page, driven through app.py like a reviewer would."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components import state

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "data" / "bad_inputs"

UPLOAD_CSV = (
    "person_id,sex,age_years,model_prob,hired\n"
    + "".join(
        f"{i},{'female' if i % 3 else 'male'},{20 + i % 45},{(i % 100) / 100:.2f},"
        f"{'yes' if (i * 7) % 10 < 4 else 'no'}\n"
        for i in range(300)
    )
).encode()


def texts(elements: object) -> list[str]:
    return [e.value for e in elements]  # type: ignore[attr-defined]


def test_app_opens_with_the_loan_demo_ready(app: AppTest) -> None:
    """On first visit the loan demo is loaded, validated and summarised, with no error."""
    assert not app.error, texts(app.error)
    assert app.session_state[state.SOURCE] == "demo:loan"
    (ready,) = app.success
    assert ready.value.startswith("Ready to audit")
    assert "gender \\(2 groups\\)" in ready.value
    assert app.get("plotly_chart")
    assert any("rows" in c.value and "groups" in c.value for c in app.caption)


@pytest.mark.parametrize("demo", ["loan", "resume", "credit"])
def test_every_demo_loads_and_validates(app: AppTest, demo: str) -> None:
    """Each demo scenario loads with its model and passes validation."""
    app.selectbox(key=state.DATA_DEMO).set_value(demo).run()
    assert not app.exception
    assert not app.error, texts(app.error)
    assert app.session_state[state.SOURCE] == f"demo:{demo}"
    assert app.session_state[state.MODEL] is not None
    assert len(app.success) == 1


def test_upload_csv_maps_suggested_roles_and_audits(app: AppTest) -> None:
    """An uploaded CSV gets suggested roles; choosing the positive value makes it auditable."""
    app.radio(key=state.DATA_ORIGIN).set_value("My own files").run()
    app.get("file_uploader")[0].set_value(("people.csv", UPLOAD_CSV, "text/csv"))
    app.run()
    assert not app.exception
    assert app.session_state[state.SOURCE] == "upload"
    assert app.selectbox(key=state.DATA_TARGET).value == "hired"
    assert app.selectbox(key=state.DATA_POSITIVE).value == "yes"
    assert app.selectbox(key=state.DATA_SCORE).value == "model_prob"
    assert app.multiselect(key=state.DATA_PROTECTED).value == ["sex", "age_years"]
    assert app.multiselect(key=state.DATA_BINNED).value == ["age_years"]
    assert not app.error, texts(app.error)
    assert app.success[-1].value.startswith("Ready to audit 300 rows")


def test_changing_roles_shows_problems_then_recovers(app: AppTest) -> None:
    """Income as the score is offered a scale; a scale too narrow is explained; back clears it."""
    app.selectbox(key=state.DATA_SCORE).set_value("income").run()
    assert any("not from 0 to 1" in i.value for i in app.info)
    low = app.number_input(key=state.DATA_SCORE_MIN).value
    app.number_input(key=state.DATA_SCORE_MAX).set_value(low + 1).run()
    assert any("outside the scale set for it" in e.value for e in app.error)
    assert not app.success
    app.selectbox(key=state.DATA_SCORE).set_value("score").run()
    assert not app.error
    assert app.success
    assert app.session_state[state.ROLES].score_range is None


def test_bad_upload_keeps_the_previous_data(app: AppTest) -> None:
    """A file that cannot be read is explained and the data already loaded stays."""
    before = app.session_state[state.DATASET].sha256
    app.radio(key=state.DATA_ORIGIN).set_value("My own files").run()
    payload = (CORPUS / "ragged_rows.csv").read_bytes()
    app.get("file_uploader")[0].set_value(("ragged_rows.csv", payload, "text/csv"))
    app.run()
    assert not app.exception
    assert any("wrong number of values" in e.value for e in app.error)
    assert app.session_state[state.DATASET].sha256 == before


def test_pickle_model_upload_is_refused(app: AppTest) -> None:
    """A pickle model is refused with the reason, and no model replaces the demo's."""
    app.radio(key=state.DATA_ORIGIN).set_value("My own files").run()
    app.get("file_uploader")[1].set_value(
        ("model.pkl", b"\x80\x04K\x01.", "application/octet-stream")
    )
    app.run()
    assert not app.exception
    assert any("pickle" in e.value.lower() for e in app.error)
    model = app.session_state[state.MODEL]
    assert model is None or model.kind != "pickle"


def test_markup_in_an_upload_is_shown_as_text(app: AppTest) -> None:
    """Column names holding HTML or Markdown links are escaped wherever they are rendered."""
    app.radio(key=state.DATA_ORIGIN).set_value("My own files").run()
    payload = (CORPUS / "html_in_names.csv").read_bytes()
    app.get("file_uploader")[0].set_value(("html_in_names.csv", payload, "text/csv"))
    app.run()
    assert not app.exception
    rendered = [
        m.value for m in (*app.markdown, *app.error, *app.warning, *app.success, *app.caption)
    ]
    assert not any("<script>" in text for text in rendered)
    assert not any("](javascript:" in text for text in rendered)


def test_group_overview_can_be_pinned_as_a_finding(app: AppTest) -> None:
    """The "who is in the data" chart goes to the findings with its table."""
    app.button(key="data.overview.finding_add").click().run()
    assert not app.exception, [e.value for e in app.exception]
    (finding,) = app.session_state[state.FINDINGS]
    assert finding.page == "Data & model"
    assert finding.title == "Who is in the data: gender"
    assert finding.table["Rows"].sum() == app.session_state[state.DATASET].n_rows
