"""The PDF report with group labels of 500+ characters: built, shortened, full text in a note."""

from __future__ import annotations

import io

import pypdf

from fairness_core.data import check_audit_data, get_demo
from fairness_core.metrics import compute_subgroup_report, metric_table
from fairness_core.plots import plot_metric_by_group
from fairness_core.report import build_pdf_report, build_review, identify_data, make_finding

LONG = "Applicants who " + "really " * 90 + "long\u202e"


def test_long_group_label_is_shortened_in_tables_and_given_in_full() -> None:
    """A 650-character label no longer breaks the layout; its full text is in a note."""
    demo = get_demo("loan")
    dataset = demo.load_test()
    frame = dataset.frame.assign(gender=dataset.frame["gender"].astype(str).replace("female", LONG))
    audit = check_audit_data(frame, demo.roles)
    report = compute_subgroup_report(audit, attributes=["gender"], n_bootstrap=20)
    finding = make_finding(
        title="Long labels",
        page="Subgroups",
        data_name=dataset.name,
        data_sha256=dataset.sha256,
        figure=plot_metric_by_group(report, "selection_rate").to_json(),
        table=metric_table(report, "selection_rate").drop(columns=["group_index"]),
    )
    review = build_review(
        report, roles=demo.roles, data=identify_data(dataset, audit), findings=[finding]
    )
    reader = pypdf.PdfReader(io.BytesIO(build_pdf_report(review)))
    text = " ".join("\n".join(page.extract_text() for page in reader.pages).split())
    shown = LONG.replace("\u202e", "\\u202e")
    assert "[1] In full: " + shown[:60] in text
    assert " ".join(shown.split())[-40:] in text  # the end of the label is printed in full
    assert "\u202e" not in text
    assert text.count("[1]") >= 2  # the shortened cell points at its note
