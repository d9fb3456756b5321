"""The PDF report: pages, extractable text with the findings and groups, escaped markup."""

from __future__ import annotations

import io

import pypdf
import pytest

from fairness_core.data import check_audit_data, get_demo
from fairness_core.metrics import compute_subgroup_report, metric_table
from fairness_core.plots import plot_metric_by_group
from fairness_core.report import build_pdf_report, build_review, identify_data, make_finding


@pytest.fixture(scope="module")
def pdf_text() -> tuple[pypdf.PdfReader, str, list[str], list[str]]:
    demo = get_demo("loan")
    dataset = demo.load_test()
    audit = check_audit_data(dataset.frame, demo.roles)
    report = compute_subgroup_report(audit, attributes=["age"], n_bootstrap=100)
    titles = ["Under-25s approved half as often – a critical gap", "<b>Not bold</b> & kept"]
    findings = [
        make_finding(
            title=titles[0],
            page="Subgroups",
            severity="critical",
            note="Ages 25–34 look fine.",
            data_name=dataset.name,
            data_sha256=dataset.sha256,
            figure=plot_metric_by_group(report, "selection_rate").to_json(),
            table=metric_table(report, "selection_rate").drop(columns=["group_index"]),
        ),
        make_finding(title=titles[1], page="Subgroups", data_name="x", data_sha256=dataset.sha256),
    ]
    review = build_review(
        report, roles=demo.roles, data=identify_data(dataset, audit), findings=findings
    )
    reader = pypdf.PdfReader(io.BytesIO(build_pdf_report(review)))
    text = "\n".join(page.extract_text() for page in reader.pages)
    groups = list(metric_table(report, "selection_rate")["group"])
    return reader, " ".join(text.split()), titles, groups


def test_pdf_group_numbers_match_the_core() -> None:
    """Each group's selection rate (3 decimals) is in the PDF, counted by pandas as the oracle."""
    demo = get_demo("loan")
    dataset = demo.load_test()
    audit = check_audit_data(dataset.frame, demo.roles)
    report = compute_subgroup_report(
        audit, attributes=["race"], metrics=["selection_rate"], n_bootstrap=50
    )
    review = build_review(report, roles=demo.roles, data=identify_data(dataset, audit))
    reader = pypdf.PdfReader(io.BytesIO(build_pdf_report(review)))
    text = " ".join("\n".join(page.extract_text() for page in reader.pages).split())
    frame = dataset.frame
    race = frame["race"].astype("str").where(frame["race"].notna(), "(missing)")
    rates = (frame["score"] >= demo.roles.threshold).groupby(race).mean()
    sizes = race.value_counts()
    for group, rate in rates.items():
        assert f"{group} {sizes[group]:,} {sizes[group]:,} {rate:.3f}" in text
    assert "95% interval, low" in text


def test_pdf_has_pages_and_the_findings_titles(pdf_text) -> None:  # type: ignore[no-untyped-def]
    """The PDF opens, has pages, and each finding's title can be copied out of it."""
    reader, text, titles, _ = pdf_text
    assert len(reader.pages) >= 2
    for title in titles:
        assert title in text  # incl. the en dash and the literal <b> markup
    assert "Interactive charts are in the HTML report" in text


def test_pdf_names_every_group_with_en_dashes(pdf_text) -> None:  # type: ignore[no-untyped-def]
    """Age bands such as 25–34 print with their en dash (the TrueType font is embedded)."""
    reader, text, _, groups = pdf_text
    assert "25–34" in groups
    for group in groups:
        assert group in text
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("DejaVuSans" in name for name in fonts), fonts


def test_pdf_carries_summary_method_and_identity(pdf_text) -> None:  # type: ignore[no-untyped-def]
    _reader, text, _, _ = pdf_text
    for heading in ("Executive summary", "Findings", "Metrics by group", "Method notes",
                    "Limitations", "Data and model", "Settings", "Package versions"):  # fmt: skip
        assert heading in text
    assert text.index("Executive summary") < text.index("Method notes")
    assert get_demo("loan").load_test().sha256 in text.replace(" ", "")
