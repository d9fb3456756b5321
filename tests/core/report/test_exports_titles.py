"""Plain column titles in the exports for people (Excel, HTML); machine names in the CSV."""

from __future__ import annotations

import csv
import io
import re

import numpy as np
import openpyxl
import pandas as pd
import pytest

from fairness_core.data import ColumnRoles, Dataset, check_audit_data
from fairness_core.metrics import METRICS, compute_subgroup_report, plain_column_title
from fairness_core.report import (
    build_html_report,
    build_metrics_csv,
    build_metrics_excel,
    build_review,
    identify_data,
    make_finding,
)
from fairness_core.report._audit import CSV_COLUMNS

#: A header that is a program's name for a column, not a title: snake_case or a tuple.
MACHINE_NAME = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)+$|^\(.*,\)$")
FRONTIER_ROWS = 25


def _review(confidences=(0.95,)):  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(5)
    n = 600
    frame = pd.DataFrame(
        {"gender": rng.choice(["female", "male"], n), "y": rng.integers(0, 2, n),
         "pred": rng.integers(0, 2, n)}
    )  # fmt: skip
    roles = ColumnRoles(target="y", protected=("gender",), positive_label=1, prediction="pred")
    dataset = Dataset(frame=frame, name="people.csv", sha256="d" * 64, format="csv")
    audit = check_audit_data(frame, roles)
    reports = [
        compute_subgroup_report(audit, attributes=["gender"], n_bootstrap=50, confidence=c)
        for c in confidences
    ]
    per_group = pd.DataFrame(
        {"group": ["female", "male"], "group_index": [0, 1], "selection_rate": [0.4, 0.6],
         "selection_rate_low": [0.35, 0.55], "('gender',)": ["female", "male"]}
    )  # fmt: skip
    frontier = pd.DataFrame(
        {"label": [f"option {i}" for i in range(FRONTIER_ROWS)],
         "disparity": np.linspace(0, 0.2, FRONTIER_ROWS),
         "accuracy": np.linspace(0.7, 0.8, FRONTIER_ROWS)}
    )  # fmt: skip
    findings = [
        make_finding(title="Rates", page="Trade-offs", data_name="people.csv",
                     data_sha256=dataset.sha256, table=per_group),
        make_finding(title="Frontier", page="Trade-offs", data_name="people.csv",
                     data_sha256=dataset.sha256, table=frontier),
    ]  # fmt: skip
    return build_review(reports, roles=roles, data=identify_data(dataset, audit), findings=findings)


def test_plain_column_title_names_intervals_metrics_and_tuples() -> None:
    """Metric intervals, tuples and their text get words; the reviewer's own columns stay."""
    assert plain_column_title("ci_low") == "95% interval, low"
    assert plain_column_title("selection_rate_low", 0.9) == "Selection rate, 90% low"
    assert plain_column_title("true_positive_rate_high") == "True positive rate, 95% high"
    assert plain_column_title("accuracy_difference") == "Accuracy difference"
    assert plain_column_title("('gender',)") == "gender"
    assert plain_column_title("('gender', 'race')") == "gender × race"
    assert plain_column_title(("gender", "race")) == "gender × race"
    assert plain_column_title("group_index") == "Group number"
    assert plain_column_title("zip_code") == "zip_code"  # a column of the data: its own name
    assert plain_column_title("(not, a tuple") == "(not, a tuple"


def test_excel_headers_are_plain_titles_on_every_sheet() -> None:
    """No header in the workbook is a machine name; the Metrics sheet reads as words."""
    book = openpyxl.load_workbook(io.BytesIO(build_metrics_excel(_review())))
    for sheet in book.worksheets:
        if sheet.title == "Operating points":
            continue
        header_row = 2 if sheet.title.startswith("Finding ") else 1
        header = [c.value for c in sheet[header_row] if c.value is not None]
        assert header, sheet.title
        for title in header:
            assert not MACHINE_NAME.match(str(title)), (sheet.title, title)
    metrics = [c.value for c in book["Metrics"][1]]
    assert metrics == [
        "Groups compared by", "Group", "People", "Metric", "Measured on", "Value",
        "95% interval, low", "95% interval, high", "Difference vs reference",
        "Verdict on the difference", "Ratio vs reference", "Verdict on the ratio",
        "Difference, p-value (adjusted)", "Hidden (too few people)", "Analysis",
    ]  # fmt: skip
    shown = {row[3] for row in book["Metrics"].iter_rows(min_row=2, values_only=True)}
    assert shown
    assert shown <= {spec.title for spec in METRICS.values()}


def test_excel_names_no_level_when_analyses_use_different_ones() -> None:
    """With a 95% and a 90% analysis the interval columns do not claim one level."""
    book = openpyxl.load_workbook(io.BytesIO(build_metrics_excel(_review((0.95, 0.9)))))
    header = [c.value for c in book["Metrics"][1]]
    assert "Interval, low" in header
    assert "Interval, high" in header
    assert not any("95%" in str(h) for h in header)


def test_excel_holds_each_finding_table_in_full() -> None:
    """The long frontier the PDF summarises is on its own sheet, every row, plain titles."""
    book = openpyxl.load_workbook(io.BytesIO(build_metrics_excel(_review())))
    sheet = book["Finding 2"]
    assert sheet["A1"].value == "Finding 2: Frontier"
    assert [c.value for c in sheet[2]] == ["Operating point", "Difference between groups",
                                           "Accuracy"]  # fmt: skip
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert [r[0] for r in rows] == [f"option {i}" for i in range(FRONTIER_ROWS)]
    assert rows[-1][1] == pytest.approx(0.2)
    titles = [c.value for c in book["Finding 1"][2]]
    assert titles == ["Group", "Group number", "Selection rate", "Selection rate, 95% low",
                      "gender"]  # fmt: skip


def test_csv_keeps_the_machine_names_of_the_audit_command() -> None:
    """The CSV is for programs: the header is the audit command's column names."""
    text = build_metrics_csv(_review()).decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(text)))
    assert header == [*CSV_COLUMNS, "suppressed", "analysis"]


def test_html_report_tables_have_plain_titles() -> None:
    """A finding's table in the HTML report shows words, not group_index or tuple text."""
    html = build_html_report(_review())
    for raw in ("group_index", "selection_rate_low", "(&#x27;gender&#x27;,)", "('gender',)"):
        assert f"<th>{raw}</th>" not in html, raw
    assert "<th>Selection rate, 95% low</th>" in html
    assert "<th>Group number</th>" in html
