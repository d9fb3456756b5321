"""A report of several analyses: every export holds each one, in order, with its own numbers.

Two analyses of the loan demo — by gender (best-treated reference, n ≥ 30) and by
gender × race (a named reference, n ≥ 45, Benjamini–Hochberg, α 0.01) — are built into one
review; each export is read back and compared with ``compute_subgroup_report`` run directly
with each analysis's settings. Findings pinned on other data land in their own section.
"""

from __future__ import annotations

import csv
import io
import json
import math
import zipfile
from html.parser import HTMLParser
from typing import Any

import openpyxl
import pypdf
import pytest

from fairness_core.cli import _main as cli
from fairness_core.data import ColumnRoles, check_audit_data, get_demo
from fairness_core.metrics import (
    METRICS,
    SubgroupReport,
    SubgroupSettings,
    compute_subgroup_report,
    metric_table,
    report_to_dict,
)
from fairness_core.report import (
    analysis_title,
    build_bundle,
    build_html_report,
    build_metrics_csv,
    build_metrics_excel,
    build_metrics_json,
    build_model_card,
    build_pdf_report,
    build_review,
    calibration_section,
    identify_data,
    make_finding,
    read_bundle,
    replay,
)

LOAN = get_demo("loan")
FIRST = SubgroupSettings(attributes=("gender",), metrics=("selection_rate", "true_positive_rate"))
SECOND = SubgroupSettings(
    attributes=("gender", "race"),
    metrics=("selection_rate", "false_positive_rate"),
    reference=("female", "White"),
    min_n=45,
    correction="benjamini-hochberg",
    alpha=0.01,
)
OTHER_DATA = "resume demo test.csv"
OTHER_SHA = "a" * 64


@pytest.fixture(scope="module")
def loan() -> dict[str, Any]:
    """The loan demo, both analyses computed directly, and the review holding them."""
    dataset = LOAN.load_test()
    audit = check_audit_data(dataset.frame, LOAN.roles)
    reports = [
        compute_subgroup_report(audit, **s.options(), n_bootstrap=200) for s in (FIRST, SECOND)
    ]
    here = make_finding(
        title="Gender gap in approvals", page="Subgroups", severity="concern",
        data_name=dataset.name, data_sha256=dataset.sha256,
    )  # fmt: skip
    elsewhere = make_finding(
        title="Resume screen gap", page="Subgroups", severity="critical", note="from resumes",
        data_name=OTHER_DATA, data_sha256=OTHER_SHA,
    )  # fmt: skip
    review = build_review(
        reports,
        roles=LOAN.roles,
        data=identify_data(dataset, audit),
        findings=[elsewhere, here],
        calibration=calibration_section(audit, [FIRST.attributes, SECOND.attributes]),
    )
    return {"dataset": dataset, "audit": audit, "reports": reports, "review": review}


def _expected(report: SubgroupReport) -> dict[tuple[str, str], float]:
    """(metric, group) → value, from the subgroup report computed directly."""
    values = {}
    for metric in report.settings.metrics:
        for row in metric_table(report, metric).to_dict("records"):
            values[(metric, str(row["group"]))] = float(row["value"])
    return values


def test_analysis_title_names_grouping_metrics_and_reference() -> None:
    settings = SubgroupSettings(
        attributes=("gender", "race"), metrics=("selection_rate", "true_positive_rate")
    )
    assert analysis_title(settings) == (
        "By gender × race — selection rate, true positive rate; compared with the "
        "best-treated group"
    )
    assert analysis_title(SECOND).endswith("compared with female × White")


def test_review_keeps_the_analyses_in_order_and_the_first_drives_the_summary(loan) -> None:  # type: ignore[no-untyped-def]
    review = loan["review"]
    assert [a.title for a in review.analyses] == [analysis_title(FIRST), analysis_title(SECOND)]
    assert review.subgroup is loan["reports"][0]
    assert dict(review.analyses[1].settings)["Minimum people to judge a group"] == "45"
    assert dict(review.analyses[1].settings)["Reference group"] == "female × White"
    assert "grouped by gender into 2 groups" in review.executive_summary[0]
    assert "holds 2 analyses" in review.executive_summary[1]


class _Cells(HTMLParser):
    """Metric table cells by (analysis, metric, group) and headings in document order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.cells: dict[tuple[str, str, str], list[str]] = {}
        self.headings: list[str] = []
        self._key: tuple[str, str] | None = None
        self._row: tuple[str, str, str] | None = None
        self._heading = False
        self._td = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table" and a.get("data-metric"):
            self._key = (str(a.get("data-analysis")), str(a["data-metric"]))
        if tag == "tr" and self._key and a.get("data-group") is not None:
            self._row = (*self._key, str(a["data-group"]))
            self.cells[self._row] = []
        self._td = tag == "td"
        if tag in ("h2", "h3", "h4"):
            self._heading = True
            self.headings.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._key = self._row = None
        if tag in ("h2", "h3", "h4"):
            self._heading = False
        if tag == "td":
            self._td = False

    def handle_data(self, data: str) -> None:
        if self._heading:
            self.headings[-1] += data
        if self._td and self._row is not None:
            self.cells[self._row].append(data)


def test_html_holds_both_analyses_in_order_with_their_numbers(loan) -> None:  # type: ignore[no-untyped-def]
    parser = _Cells()
    parser.feed(build_html_report(loan["review"]))
    analyses = [h for h in parser.headings if h.startswith("Analysis ")]
    assert analyses == [
        f"Analysis 1: {analysis_title(FIRST)}",
        f"Analysis 2: {analysis_title(SECOND)}",
    ]
    for number, report in enumerate(loan["reports"], start=1):
        expected = _expected(report)
        shown = {(m, g): c for (a, m, g), c in parser.cells.items() if a == str(number)}
        assert set(shown) == set(expected)
        for key, value in expected.items():
            assert shown[key][3] == (f"{value:.3f}" if math.isfinite(value) else "n/a"), key


def test_json_lists_each_analysis_with_its_settings_and_numbers(loan) -> None:  # type: ignore[no-untyped-def]
    document = json.loads(build_metrics_json(loan["review"]))
    analyses = document["analyses"]
    assert [a["settings"]["attributes"] for a in analyses] == [["gender"], ["gender", "race"]]
    assert [a["title"] for a in analyses] == [analysis_title(FIRST), analysis_title(SECOND)]
    assert analyses[1]["settings"]["reference"] == ["female", "White"]
    assert analyses[1]["settings"]["min_n"] == 45
    assert analyses[1]["settings"]["alpha"] == 0.01
    for entry, report in zip(analyses, loan["reports"], strict=True):
        direct = json.loads(json.dumps(report_to_dict(report)))
        assert entry["groups"] == direct["groups"]
        assert entry["disparities"] == direct["disparities"]
        assert entry["summary"] == direct["summary"]
    assert len(document["groups"]) == len(analyses[0]["groups"]) + len(analyses[1]["groups"])
    assert entry["calibration"] is not None


def test_json_equals_the_audit_command_for_two_protected_attributes(
    loan,  # type: ignore[no-untyped-def]
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The command's one-per-attribute document is built by the same function as the export."""
    args = ["audit", "--data", str(LOAN.test_path), "--target", "repaid", "--positive-label",
            "1", "--score", "score", "--protected", "gender", "--protected", "race"]  # fmt: skip
    assert cli.main(args) == 0
    expected = json.loads(capsys.readouterr().out)
    roles = ColumnRoles(target="repaid", positive_label="1", protected=("gender", "race"),
                        source="score", score="score")  # fmt: skip
    dataset = loan["dataset"]
    audit = check_audit_data(dataset.frame, roles)
    reports = [compute_subgroup_report(audit, attributes=(a,)) for a in ("gender", "race")]
    review = build_review(
        reports,
        roles=roles,
        data=identify_data(dataset, audit),
        calibration=calibration_section(audit, [("gender",), ("race",)]),
    )
    exported = json.loads(build_metrics_json(review))
    assert exported.pop("operating_points") == []  # the review's own keys, not the command's
    assert exported.pop("recommended_operating_point") is None
    assert exported == expected
    assert [a["settings"]["attributes"] for a in expected["analyses"]] == [["gender"], ["race"]]


def test_csv_and_excel_hold_both_analyses_in_order(loan) -> None:  # type: ignore[no-untyped-def]
    review = loan["review"]
    text = build_metrics_csv(review).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    labels = [f"1: {analysis_title(FIRST)}", f"2: {analysis_title(SECOND)}"]
    assert list(dict.fromkeys(r["analysis"] for r in rows)) == labels
    book = openpyxl.load_workbook(io.BytesIO(build_metrics_excel(review)))
    sheet = book["Metrics"]
    header = [c.value for c in sheet[1]]
    excel = [
        dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)
    ]
    assert len(excel) == len(rows)
    titled = {spec.title: name for name, spec in METRICS.items()}
    for label, report in zip(labels, loan["reports"], strict=True):
        expected = _expected(report)
        in_csv = {(r["metric"], r["group"]): r["value"] for r in rows if r["analysis"] == label}
        in_excel = {
            (titled[r["Metric"]], r["Group"]): r["Value"] for r in excel if r["Analysis"] == label
        }
        assert set(in_csv) == set(expected) == set(in_excel)
        for key, value in expected.items():
            assert float(in_csv[key]) == pytest.approx(value, abs=1e-12)
            assert in_excel[key] == pytest.approx(value, abs=1e-12)
    settings = list(book["Analyses"].iter_rows(min_row=2, values_only=True))
    assert [r[1] for r in settings if r[2] == "Groups compared by"] == [
        analysis_title(FIRST), analysis_title(SECOND),
    ]  # fmt: skip
    assert ("Minimum people to judge a group", "45") in [
        (r[2], r[3]) for r in settings if r[0] == 2
    ]


def test_model_card_and_pdf_hold_both_analyses_in_order(loan) -> None:  # type: ignore[no-untyped-def]
    review = loan["review"]
    card = build_model_card(review)
    first = card.index("#### Analysis 1: By gender —")
    second = card.index("#### Analysis 2: By gender × race —")
    assert first < second
    report = loan["reports"][1]
    row = metric_table(report, "false_positive_rate").iloc[0]
    assert f"| {row['group']} | {int(row['n']):,} | {row['value']:.3f} |" in card[second:]
    pdf = pypdf.PdfReader(io.BytesIO(build_pdf_report(review)))
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in pdf.pages)
    assert text.index("Analysis 1: By gender —") < text.index("Analysis 2: By gender × race —")
    assert "Findings from other data" in text
    assert OTHER_DATA in text


def test_findings_from_other_data_get_their_own_section_and_stay_out_of_the_summary(loan) -> None:  # type: ignore[no-untyped-def]
    review = loan["review"]
    assert [f.title for f in review.findings] == ["Gender gap in approvals"]
    assert [f.title for f in review.other_findings] == ["Resume screen gap"]
    summary = " ".join(review.executive_summary)
    assert "Resume screen gap" not in summary
    assert OTHER_DATA not in summary
    assert "pinned 1 finding (1 concern)" in summary
    html = build_html_report(review)
    section = html.index('<h2 id="other-findings">Findings from other data</h2>')
    assert html.index("Resume screen gap") > section > html.index("Gender gap in approvals")
    assert OTHER_DATA in html[section:]
    assert OTHER_SHA in html[section:]
    card = build_model_card(review)
    ethics = card.index("### Ethical considerations")
    other = card.index("### Findings from other data")
    assert "Resume screen gap" not in card[ethics:other]
    assert "Resume screen gap" in card[other:]
    book = openpyxl.load_workbook(io.BytesIO(build_metrics_excel(review)))
    moved = list(book["Findings from other data"].iter_rows(min_row=2, values_only=True))
    assert [(r[1], r[6], r[7]) for r in moved] == [("Resume screen gap", OTHER_DATA, OTHER_SHA)]
    assert [r[1] for r in book["Findings"].iter_rows(min_row=2, values_only=True)] == [
        "Gender gap in approvals"
    ]


def test_bundle_stores_and_replays_every_analysis(loan) -> None:  # type: ignore[no-untyped-def]
    data = build_bundle(loan["review"])
    bundle = read_bundle(data)
    assert [b["attributes"] for b in bundle.analyses] == [("gender",), ("gender", "race")]
    assert bundle.analyses[1]["reference"] == ("female", "White")
    assert bundle.analyses[1]["min_n"] == 45
    assert {f.title for f in bundle.findings} == {"Gender gap in approvals", "Resume screen gap"}
    result = replay(data, LOAN.test_path.read_bytes(), loan["dataset"].name)
    assert result.identical, result.describe()
    single = replay(
        build_bundle(build_review(loan["reports"][0], roles=LOAN.roles, data=loan["review"].data)),
        LOAN.test_path.read_bytes(),
        loan["dataset"].name,
    )
    assert result.compared > 2 * single.compared  # the second analysis is checked too

    # A number of the second analysis changed in the bundle is caught by the replay.
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries = {n: archive.read(n) for n in archive.namelist()}
    results = json.loads(entries["results.json"])
    results["analyses"][1]["groups"][0]["metrics"]["selection_rate"]["value"] += 0.01
    entries["results.json"] = json.dumps(results).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    changed = replay(out.getvalue(), LOAN.test_path.read_bytes(), loan["dataset"].name)
    assert not changed.identical
    assert any(d.startswith("analyses[1].groups[0]") for d in changed.differences)


def test_a_bundle_with_one_settings_block_still_replays(loan) -> None:  # type: ignore[no-untyped-def]
    """Bundles made before several analyses existed hold settings.json's ``report`` block."""
    review = build_review(loan["reports"][1], roles=LOAN.roles, data=loan["review"].data)
    data = build_bundle(review)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries = {n: archive.read(n) for n in archive.namelist()}
    settings = json.loads(entries["settings.json"])
    settings["report"] = settings.pop("analyses")[0]
    entries["settings.json"] = json.dumps(settings).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    bundle = read_bundle(out.getvalue())
    assert bundle.report_settings["attributes"] == ("gender", "race")
    assert len(bundle.analyses) == 1
    result = replay(out.getvalue(), LOAN.test_path.read_bytes(), loan["dataset"].name)
    assert result.identical, result.describe()
