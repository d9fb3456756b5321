"""Metrics exports: formula-safe CSV and Excel, suppression, the audit JSON schema, model card."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from fairness_core.cli import _main as cli
from fairness_core.data import ColumnRoles, Dataset, check_audit_data, load_dataset
from fairness_core.metrics import (
    calibration_to_dict,
    compute_calibration_by_group,
    compute_subgroup_report,
)
from fairness_core.report import (
    build_metrics_csv,
    build_metrics_excel,
    build_metrics_json,
    build_model_card,
    build_review,
    calibration_section,
    identify_data,
    make_finding,
)
from fairness_core.report._exports import METRIC_COLUMNS

ROOT = Path(__file__).resolve().parents[3]
LOAN_TEST = ROOT / "demo_data" / "loan" / "test.csv"
DANGEROUS = ("=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tTAB", "\rCR")
COLUMN = '=HYPERLINK("http://x")'


def _review(suppress_below: int | None = None, sizes=(60, 50, 45, 40, 35, 6)):  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(1)
    groups = np.repeat(DANGEROUS, sizes)
    frame = pd.DataFrame(
        {COLUMN: groups, "y": rng.integers(0, 2, len(groups)),
         "pred": rng.integers(0, 2, len(groups))}
    )  # fmt: skip
    roles = ColumnRoles(target="y", protected=(COLUMN,), positive_label=1, prediction="pred")
    dataset = Dataset(frame=frame, name="=evil.csv", sha256="b" * 64, format="csv")
    audit = check_audit_data(frame, roles)
    report = compute_subgroup_report(
        audit, attributes=[COLUMN], n_bootstrap=50, suppress_below=suppress_below
    )
    finding = make_finding(
        title="=cmd|' /C calc'!A0", page="Subgroups", note="@SUM(1)", data_name="x",
        data_sha256="b" * 64,
    )  # fmt: skip
    return build_review(
        report, roles=roles, data=identify_data(dataset, audit), findings=[finding]
    ), report


def _csv_rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark for Excel
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_text_cells_cannot_be_formulas() -> None:
    """Group names starting with = + - @ tab or CR get an apostrophe; numbers stay numbers."""
    review, report = _review()
    rows = _csv_rows(build_metrics_csv(review))
    assert list(rows[0]) == list(METRIC_COLUMNS)
    assert {r["group"] for r in rows} == {"'" + g for g in DANGEROUS}
    assert {r["attributes"] for r in rows} == {"'" + COLUMN}
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "@", "\t", "\r")), value
            if value.startswith("-"):
                float(value)  # only numbers may start with a minus
    differences = [float(r["difference"]) for r in rows if r["difference"]]
    assert min(differences) < 0  # negative numbers were written as numbers
    expected = metric_values(report, "selection_rate")
    got = {r["group"][1:]: float(r["value"]) for r in rows if r["metric"] == "selection_rate"}
    assert got == pytest.approx(expected, abs=0)


def metric_values(report, metric):  # type: ignore[no-untyped-def]
    part = report.groups[report.groups["metric"] == metric]
    return dict(zip(part["group"], part["value"], strict=True))


def test_excel_has_no_formula_cells_and_numbers_stay_numeric() -> None:
    """Read back with openpyxl: no cell is a formula; negative differences are numbers."""
    review, _ = _review()
    book = openpyxl.load_workbook(io.BytesIO(build_metrics_excel(review)))
    assert book.sheetnames == ["Metrics", "Summary", "Analyses", "Findings", "About"]
    seen_negative = False
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r"))
                if isinstance(cell.value, float) and cell.value < 0:
                    seen_negative = cell.data_type == "n"
    assert seen_negative
    metrics = book["Metrics"]
    header = [c.value for c in metrics[1]]
    groups = {row[header.index("Group")] for row in metrics.iter_rows(min_row=2, values_only=True)}
    # XML stores a carriage return as a line feed; the cell is still text with its apostrophe.
    assert groups == {"'" + g.replace("\r", "\n") for g in DANGEROUS}
    findings = list(book["Findings"].iter_rows(min_row=2, values_only=True))
    assert findings[0][1] == "'=cmd|' /C calc'!A0"
    assert findings[0][4] == "'@SUM(1)"


def test_suppression_hides_small_groups_in_every_metrics_export() -> None:
    """The 6-person group's values are empty in CSV and Excel, null in JSON, n/a in the card."""
    review, _ = _review(suppress_below=10)
    small = "'" + DANGEROUS[-1]
    rows = [r for r in _csv_rows(build_metrics_csv(review)) if r["group"] == small]
    assert rows
    assert all(r["value"] == "" and r["suppressed"] == "True" for r in rows)
    assert all(r["n"] == "6" for r in rows)
    book = openpyxl.load_workbook(io.BytesIO(build_metrics_excel(review)))
    sheet = book["Metrics"]
    header = [c.value for c in sheet[1]]
    excel_small = small.replace("\r", "\n")  # XML keeps a carriage return as a line feed
    excel = [r for r in sheet.iter_rows(min_row=2, values_only=True) if r[1] == excel_small]
    assert excel
    assert all(r[header.index("Value")] is None for r in excel)
    document = json.loads(build_metrics_json(review))
    group = next(g for g in document["groups"] if g["attributes"][COLUMN] == DANGEROUS[-1])
    assert all(m["value"] is None for m in group["metrics"].values())
    big = next(g for g in document["groups"] if g["attributes"][COLUMN] == DANGEROUS[0])
    assert all(m["value"] is not None for m in big["metrics"].values())
    card_rows = [line for line in build_model_card(review).splitlines() if "CR |" in line]
    assert card_rows
    assert all("| 6 | n/a | n/a–n/a |" in line for line in card_rows)


def test_json_equals_the_audit_command_json(capsys: pytest.CaptureFixture[str]) -> None:
    """For the same file and settings, the JSON export and `fairness-explorer audit` agree."""
    args = ["audit", "--data", str(LOAN_TEST), "--target", "repaid", "--positive-label", "1",
            "--score", "score", "--protected", "race", "--min-n", "25"]  # fmt: skip
    assert cli.main(args) == 0
    expected = json.loads(capsys.readouterr().out)
    dataset = load_dataset(LOAN_TEST)
    roles = ColumnRoles(target="repaid", positive_label="1", protected=("race",),
                        source="score", score="score")  # fmt: skip
    audit = check_audit_data(dataset.frame, roles)
    report = compute_subgroup_report(audit, attributes=("race",), min_n=25)
    calibration = calibration_section(audit, [("race",)])
    review = build_review(
        report, roles=roles, data=identify_data(dataset, audit), calibration=calibration
    )
    exported = json.loads(build_metrics_json(review))
    # The review's operating points are the export's own (the command records none).
    assert exported.pop("operating_points") == []
    assert exported.pop("recommended_operating_point") is None
    assert exported == expected
    ece = expected["calibration"]["race"]
    assert ece == json.loads(json.dumps(calibration_to_dict(
        compute_calibration_by_group(audit, ("race",))
    )))  # fmt: skip
    assert set(expected["inequality"]) == {"race"}


def test_model_card_has_every_section_and_escapes_names() -> None:
    """The card has the five sections, reviewer placeholders, and escaped group names."""
    review, _ = _review()
    card = build_model_card(review)
    for heading in ("### Intended use", "### Evaluation data", "### Metrics by group",
                    "### Limitations", "### Ethical considerations"):  # fmt: skip
        assert heading in card
    assert card.count("_[Reviewer:") >= 5
    assert "| \\=1\\+1 |" in card  # escaped, so the table cell shows =1+1 literally
    assert COLUMN not in card  # only its escaped form
    # escaped, and a word joiner stops Markdown from turning the bare URL into a link
    assert '\\=HYPERLINK\\(\\"http\\:\u2060//x\\"\\)' in card
