"""An audit bundle opens in the app with its data: settings, findings and analyses return."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from components import bundle_open, state
from fairness_core.data import check_audit_data, get_demo
from fairness_core.metrics import SubgroupSettings, compute_subgroup_report
from fairness_core.report import build_bundle, build_review, identify_data, make_finding

LOAN = get_demo("loan")
RACE = SubgroupSettings(attributes=("race",), min_n=40, correction="benjamini-hochberg")


def _bundle() -> bytes:
    dataset = LOAN.load_test()
    audit = check_audit_data(dataset.frame, LOAN.roles)
    report = compute_subgroup_report(audit, **RACE.options())
    finding = make_finding(
        title="Approvals by race", page="Subgroups", severity="concern", note="Check this",
        data_name=dataset.name, data_sha256=dataset.sha256,
    )  # fmt: skip
    review = build_review(
        [report], roles=LOAN.roles, data=identify_data(dataset, audit), findings=[finding],
        title="Loan audit Q3",
    )  # fmt: skip
    return build_bundle(review)


def _open(app: AppTest, data: bytes, name: str = "test.csv") -> None:
    app.radio(key=state.DATA_ORIGIN).set_value("An audit bundle").run()
    uploads = app.get("file_uploader")
    uploads[0].set_value(("audit.zip", _bundle(), "application/zip"))
    uploads[1].set_value((name, data, "text/csv"))
    app.run()
    app.button(key=bundle_open.OPEN_BUNDLE).click().run()
    assert not app.exception, [e.value for e in app.exception]


def test_a_bundle_opens_with_its_settings_findings_and_identical_numbers(app: AppTest) -> None:
    _open(app, LOAN.test_path.read_bytes())
    assert any("all are identical" in s.value for s in app.success), [s.value for s in app.success]
    assert [f.note for f in app.session_state[state.FINDINGS]] == ["Check this"]
    assert app.session_state[state.REPORT_ANALYSES] == [RACE]
    assert app.session_state[state.SOURCE] == "upload"
    assert app.session_state[state.REPORT_TITLE] == "Loan audit Q3"
    app.switch_page("pages/subgroups.py").run()
    assert app.multiselect(key=state.SUBGROUPS_ATTRIBUTES).value == ["race"]
    assert app.number_input(key=state.SUBGROUPS_MIN_N).value == 40


def test_a_different_data_file_is_refused_naming_it(app: AppTest) -> None:
    changed = LOAN.test_path.read_bytes().replace(b"\n", b"\r\n", 3)
    _open(app, changed, name="test_edited.csv")
    assert any(
        "'test_edited.csv' is not the data file" in e.value.replace("\\", "") for e in app.error
    ), [e.value for e in app.error]
    assert app.session_state[state.SOURCE] == "demo:loan"  # nothing replaced
