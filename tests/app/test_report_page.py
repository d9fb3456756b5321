"""The Report page: findings pinned on Subgroups are listed, edited, reordered and deleted."""

from __future__ import annotations

import io
import json

import pypdf
import pytest
from streamlit.testing.v1 import AppTest

from components import cache, state
from fairness_core.data import check_audit_data, get_demo
from fairness_core.metrics import VERDICTS, compute_subgroup_report
from fairness_core.report import (
    build_metrics_json,
    build_review,
    identify_data,
    read_bundle,
    replay,
)


def _pin(at: AppTest, title: str, note: str, severity: str) -> None:
    at.text_input(key="subgroups.bar_chart.finding_title").set_value(title)
    at.text_area(key="subgroups.bar_chart.finding_note").set_value(note)
    at.selectbox(key="subgroups.bar_chart.finding_severity").set_value(severity)
    at.button(key="subgroups.bar_chart.finding_add").click().run()
    assert not at.exception, [e.value for e in at.exception]


@pytest.fixture
def report(app: AppTest) -> AppTest:
    """Two findings pinned on the Subgroups page (race), then the Report page."""
    app.switch_page("pages/subgroups.py").run()
    app.multiselect(key=state.SUBGROUPS_ATTRIBUTES).set_value(["race"]).run()
    _pin(app, "First <b>finding</b>", "<script>alert(1)</script> note", "concern")
    _pin(app, "Second finding", "", "critical")
    app.switch_page("pages/report.py").run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _titles(at: AppTest) -> list[str]:
    return [f.title for f in at.session_state[state.FINDINGS]]


def test_findings_are_listed_with_escaped_text(report: AppTest) -> None:
    markdown = [m.value for m in report.markdown]
    assert "**1. First \\<b\\>finding\\</b\\>**" in markdown, markdown
    assert any("\\<script\\>alert\\(1\\)\\</script\\> note" in m for m in markdown)
    assert "**2. Second finding**" in markdown
    assert report.subheader[1].value == "Findings (2)"


def test_report_follows_the_subgroups_settings(report: AppTest) -> None:
    """The report groups by race (chosen on Subgroups), also after a rerun on this page."""
    report.run()
    assert any(i.value.startswith("The report shows the analysis currently chosen") for i in
               report.info)  # fmt: skip
    settings = report.table[0].value
    assert settings.loc[settings["Setting"] == "Groups compared by", "Value"].iloc[0] == "race"
    identity = report.table[1].value
    name = identity.loc[identity["What"] == "Data file", "Value"].iloc[0]
    assert name == "test\\.csv"  # st.table renders Markdown: file names are escaped


def test_reorder_edit_and_delete(report: AppTest) -> None:
    first, second = report.session_state[state.FINDINGS]
    report.button(key=state.report_finding_key(second.id, "up")).click().run()
    assert _titles(report) == ["Second finding", "First <b>finding</b>"]
    report.button(key=state.report_finding_key(second.id, "down")).click().run()
    assert _titles(report) == ["First <b>finding</b>", "Second finding"]

    key = state.report_finding_key
    report.text_input(key=key(first.id, "title")).set_value("Renamed")
    report.text_area(key=key(first.id, "note")).set_value("New note")
    report.selectbox(key=key(first.id, "severity")).set_value("info")
    report.button(key=key(first.id, "save")).click().run()
    assert not report.exception
    edited = report.session_state[state.FINDINGS][0]
    assert (edited.title, edited.note, edited.severity, edited.id) == (
        "Renamed", "New note", "info", first.id,
    )  # fmt: skip
    assert edited.table is not None
    assert edited.figure == first.figure

    report.text_input(key=key(first.id, "title")).set_value("   ")
    report.button(key=key(first.id, "save")).click().run()
    assert report.session_state[state.FINDINGS][0].title == "Renamed"
    assert any("needs a title" in i.value for i in report.info)

    report.button(key=key(second.id, "delete")).click().run()
    assert _titles(report) == ["Renamed"]
    assert report.subheader[1].value == "Findings (1)"


def test_download_payloads_are_built_from_the_session(report: AppTest) -> None:
    """The files the page offers (cache.report_files) carry the findings and replay exactly."""
    findings = report.session_state[state.FINDINGS]
    dataset = report.session_state[state.DATASET]
    roles = report.session_state[state.ROLES]
    audit = check_audit_data(dataset.frame, roles)
    subgroup = compute_subgroup_report(audit, attributes=["race"])
    review = build_review(
        subgroup, roles=roles, data=identify_data(dataset, audit), findings=findings
    )
    files = cache.report_files(review)
    assert set(files) == {"html", "pdf", "csv", "xlsx", "json", "md", "datasheet", "zip"}
    assert dataset.sha256 in files["datasheet"].decode()
    html = files["html"].decode()
    assert "First &lt;b&gt;finding&lt;/b&gt;" in html
    assert "<b>finding" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; note" in html
    pdf_text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(files["pdf"])).pages)
    assert "Second finding" in pdf_text
    assert json.loads(files["json"])["data"]["sha256"] == dataset.sha256
    bundle = read_bundle(files["zip"])
    assert [f.title for f in bundle.findings] == [f.title for f in findings]
    result = replay(files["zip"], get_demo("loan").test_path.read_bytes(), dataset.name)
    assert result.identical, result.describe()


def test_report_without_findings_explains_how_to_pin(app: AppTest) -> None:
    app.switch_page("pages/report.py").run()
    assert not app.exception, [e.value for e in app.exception]
    assert any("No findings yet" in i.value for i in app.info)
    assert any("No operating point recorded" in i.value for i in app.info)


def test_non_default_subgroup_choices_reach_the_report_and_its_json(app: AppTest) -> None:
    """race × gender, the largest group, n ≥ 50, α 0.01, BH: the report and JSON say so."""
    app.switch_page("pages/subgroups.py").run()
    app.multiselect(key=state.SUBGROUPS_ATTRIBUTES).set_value(["race", "gender"]).run()
    app.selectbox(key=state.SUBGROUPS_REFERENCE).set_value("The largest group").run()
    app.number_input(key=state.SUBGROUPS_MIN_N).set_value(50).run()
    app.number_input(key=state.SUBGROUPS_ALPHA).set_value(0.01).run()
    app.selectbox(key=state.SUBGROUPS_CORRECTION).set_value("benjamini-hochberg").run()
    app.switch_page("pages/data.py").run()  # leave and come back through another page
    app.switch_page("pages/report.py").run()
    assert not app.exception, [e.value for e in app.exception]
    # st.table renders Markdown, so the page escapes it ("0\\.01"): read it unescaped
    settings = app.table[0].value.set_index("Setting")["Value"].str.replace("\\", "")
    assert settings["Groups compared by"] == "race × gender"
    assert settings["Reference group"] == "the largest group"
    assert settings["Minimum people to judge a group"] == "50"
    assert settings["Significance level for adverse impact"] == "0.01"
    assert settings["Correction for many comparisons"].startswith("Benjamini")
    chosen = app.session_state[state.REPORT_SUBGROUP_SETTINGS]
    dataset, roles = app.session_state[state.DATASET], app.session_state[state.ROLES]
    audit = check_audit_data(dataset.frame, roles)
    review = build_review(
        compute_subgroup_report(audit, **chosen.options()),
        roles=roles,
        data=identify_data(dataset, audit),
    )
    document = json.loads(build_metrics_json(review))
    assert document["settings"]["attributes"] == ["race", "gender"]
    assert document["settings"]["reference"] == "largest"
    assert document["settings"]["alpha"] == 0.01
    assert document["settings"]["min_n"] == 50
    assert {d["verdict"] for d in document["disparities"]} <= {*VERDICTS, None}


BEST = "The best-treated group on each metric (four-fifths rule)"


def _titles_shown(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith(("**1. By", "**2. By"))]


def test_analyses_added_on_subgroups_make_the_report_in_order(app: AppTest) -> None:
    """Race (largest group) then gender × race (n ≥ 45) are added; the report lists both,
    moves and removes them, and its JSON holds both analyses' attributes."""
    app.switch_page("pages/subgroups.py").run()
    app.multiselect(key=state.SUBGROUPS_ATTRIBUTES).set_value(["race"]).run()
    app.selectbox(key=state.SUBGROUPS_REFERENCE).set_value("The largest group").run()
    app.button(key="subgroups.add_to_report").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.button(key="subgroups.add_to_report").disabled  # already in: kept once
    app.multiselect(key=state.SUBGROUPS_ATTRIBUTES).set_value(["gender", "race"]).run()
    app.selectbox(key=state.SUBGROUPS_REFERENCE).set_value(BEST).run()
    app.number_input(key=state.SUBGROUPS_MIN_N).set_value(45).run()
    app.button(key="subgroups.add_to_report").click().run()
    assert app.button(key="subgroups.add_to_report").disabled
    assert any(c.value.startswith("This analysis is number 2 of 2") for c in app.caption)
    app.multiselect(key=state.SUBGROUPS_ATTRIBUTES).set_value(["race"]).run()
    app.selectbox(key=state.SUBGROUPS_REFERENCE).set_value("The largest group").run()
    app.number_input(key=state.SUBGROUPS_MIN_N).set_value(30).run()
    assert app.button(key="subgroups.add_to_report").disabled  # the first again: kept once
    added = app.session_state[state.REPORT_ANALYSES]
    assert [(a.attributes, a.reference, a.min_n) for a in added] == [
        (("race",), "largest", 30),
        (("gender", "race"), "best", 45),
    ]

    app.switch_page("pages/report.py").run()
    assert not app.exception, [e.value for e in app.exception]
    assert _titles_shown(app) == [
        "**1. By race — selection rate, true positive rate, false positive rate, precision, "
        "accuracy; compared with the largest group**",
        "**2. By gender × race — selection rate, true positive rate, false positive rate, "
        "precision, accuracy; compared with the best\\-treated group**",
    ]
    assert not any(i.value.startswith("The report shows the analysis currently") for i in app.info)
    assert app.subheader[0].value == "Analyses in the report (2)"

    dataset, roles = app.session_state[state.DATASET], app.session_state[state.ROLES]
    audit = check_audit_data(dataset.frame, roles)
    analyses = app.session_state[state.REPORT_ANALYSES]
    review = build_review(
        [compute_subgroup_report(audit, **a.options()) for a in analyses],
        roles=roles,
        data=identify_data(dataset, audit),
    )
    document = json.loads(cache.report_file(review, "json"))
    assert [a["settings"]["attributes"] for a in document["analyses"]] == [
        ["race"],
        ["gender", "race"],
    ]
    assert document["analyses"][0]["settings"]["reference"] == "largest"
    assert document["analyses"][1]["settings"]["min_n"] == 45

    app.button(key="report.analysis.1.up").click().run()
    assert [a.attributes for a in app.session_state[state.REPORT_ANALYSES]] == [
        ("gender", "race"),
        ("race",),
    ]
    assert _titles_shown(app)[0].startswith("**1. By gender × race")
    app.button(key="report.analysis.0.down").click().run()
    assert _titles_shown(app)[0].startswith("**1. By race")
    app.button(key="report.analysis.0.remove").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert [a.attributes for a in app.session_state[state.REPORT_ANALYSES]] == [("gender", "race")]
    assert app.subheader[0].value == "Analyses in the report (1)"
    app.button(key="report.analysis.0.remove").click().run()
    assert any(i.value.startswith("The report shows the analysis currently") for i in app.info)
