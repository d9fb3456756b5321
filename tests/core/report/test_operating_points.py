"""Several named operating points: side by side, one recommended, other data kept apart."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import replace

import numpy as np
import openpyxl
import pandas as pd
import pypdf
import pytest

from fairness_core.data import GroupColumn, check_audit_data, get_demo
from fairness_core.errors import InvalidInputError
from fairness_core.metrics import compute_subgroup_report
from fairness_core.report import (
    OperatingPointRecord,
    build_bundle,
    build_html_report,
    build_metrics_excel,
    build_metrics_json,
    build_model_card,
    build_pdf_report,
    build_review,
    compare_operating_points,
    identify_data,
    new_operating_point_id,
    operating_point_from_dict,
    operating_point_to_dict,
    read_bundle,
    record_retrained_model,
    replay,
    same_operating_point,
)
from fairness_core.report import _pdf as pdf_module
from fairness_core.tradeoffs import evaluate_operating_point, find_strategy, sweep_thresholds

LOAN = get_demo("loan")
RNG = np.random.default_rng(7)
CODES = RNG.integers(0, 2, 2000).astype(np.int32)
Y = (RNG.random(2000) < 0.4).astype(np.int8)
SCORES = np.clip(RNG.beta(2, 3, 2000) + 0.3 * Y - 0.08 * CODES, 0, 1)
GROUPS = ("a", "b")


def _record(strategy: str, title: str, *, sha: str = "f" * 64, **options: object):  # type: ignore[no-untyped-def]
    sweep = sweep_thresholds([GroupColumn("g", GROUPS, CODES)], Y, SCORES, max_thresholds=300)
    evaluation = evaluate_operating_point(sweep, find_strategy(sweep, strategy, **options))
    return OperatingPointRecord(
        title=title,
        criterion="equal_opportunity",
        strategy=strategy,
        randomized=evaluation.point.randomized,
        thresholds=evaluation.thresholds,
        per_group=evaluation.per_group,
        change_summary=evaluation.change_summary,
        rationale=f"Why {title}.",
        data_name="scores.csv",
        data_sha256=sha,
        rules=tuple(rule.to_dict() for rule in evaluation.rules),
        warnings=evaluation.warnings,
        degenerate=evaluation.degenerate,
        group_specific=evaluation.group_specific,
        id=new_operating_point_id(),
        overall=evaluation.overall,
    )


@pytest.fixture(scope="module")
def options() -> list[OperatingPointRecord]:
    return [
        _record("single_threshold", "Option A: one threshold"),
        _record("equal_opportunity", "Option B: equal opportunity", tolerance=0.01),
        _record("best_per_group", "Option C: best per group"),
    ]


def test_comparison_reads_each_option_from_the_rows_it_decides(
    options: list[OperatingPointRecord],
) -> None:
    """Option A's rates and accuracy equal a recount of `score >= threshold` on the rows."""
    comparison = compare_operating_points(options, recommended=options[1].id)
    table = comparison.table
    assert list(table.columns) == [o.title for o in options]
    assert table.at["Recommended", options[1].title] == "Recommended"
    assert table.at["Recommended", options[0].title] == ""
    a = options[0]
    threshold = a.rules[0]["thresholds"][0]
    assert all(rule["thresholds"] == [threshold] for rule in a.rules)
    decided = threshold <= SCORES
    assert table.at["Accuracy (overall)", a.title] == pytest.approx(np.mean(decided == Y))
    today = SCORES >= 0.5
    change = 0.0
    for code, group in enumerate(GROUPS):
        rows = code == CODES
        assert table.at[f"Selection rate: {group}", a.title] == pytest.approx(decided[rows].mean())
        tpr = decided[rows & (Y == 1)].mean()
        fpr = decided[rows & (Y == 0)].mean()
        assert table.at[f"True positive rate: {group}", a.title] == pytest.approx(tpr)
        assert table.at[f"False positive rate: {group}", a.title] == pytest.approx(fpr)
        per_10000 = (decided[rows].sum() - today[rows].sum()) / len(Y) * 10_000
        change += per_10000
        row = f"Change in positive decisions per 10,000: {group}"
        assert table.at[row, a.title] == pytest.approx(per_10000)
    total = "Change in positive decisions per 10,000: all groups"
    assert table.at[total, a.title] == pytest.approx(change)
    # The other options' cells are their records' own numbers.
    for option in options[1:]:
        for row in option.per_group.itertuples():
            shown = table.at[f"Selection rate: {row.group}", option.title]
            assert shown == pytest.approx(row.selection_rate)
    assert "group-specific" in table.at["Warnings", options[2].title]
    assert table.at["Warnings", a.title] == "none"
    text = comparison.text()
    assert list(text.columns) == ["What", *(o.title for o in options)]
    assert text.set_index("What").at[total, a.title] == f"{change:+,.0f}"


def test_names_are_made_unique_and_old_records_show_missing_numbers(
    options: list[OperatingPointRecord],
) -> None:
    """Two options with one name get " (2)"; a record without overall numbers shows n/a."""
    old = replace(options[0], overall=None, id="")
    comparison = compare_operating_points([old, options[0]])
    assert comparison.titles == (old.title, f"{old.title} (2)")
    assert "Recommended" not in comparison.table.index
    assert np.isnan(comparison.table.at["Accuracy (overall)", old.title])
    assert comparison.text().set_index("What").at["Accuracy (overall)", old.title] == "n/a"


def test_recording_the_same_rule_again_is_recognised(options: list[OperatingPointRecord]) -> None:
    """Same rule on the same data: the same point, whatever its name; another rule is not."""
    again = replace(options[1], title="Renamed", rationale="New words", id="other")
    assert same_operating_point(options[1], again)
    assert not same_operating_point(options[0], options[1])
    assert not same_operating_point(options[1], replace(again, data_sha256="0" * 64))


def test_id_and_overall_round_trip_and_old_records_read_without_them(
    options: list[OperatingPointRecord],
) -> None:
    record = options[1]
    back = operating_point_from_dict(json.loads(json.dumps(operating_point_to_dict(record))))
    assert back.id == record.id
    assert back.overall is not None
    assert back.overall["chosen"].tolist() == pytest.approx(record.overall["chosen"].tolist())
    data = operating_point_to_dict(record)
    del data["id"], data["overall"]
    old = operating_point_from_dict(data)
    assert (old.id, old.overall) == ("", None)


@pytest.fixture(scope="module")
def parts():  # type: ignore[no-untyped-def]
    dataset = LOAN.load_test()
    audit = check_audit_data(dataset.frame, LOAN.roles)
    report = compute_subgroup_report(audit, attributes=["race"], n_bootstrap=50)
    return dataset, audit, report


def _review(parts, points, recommended=None):  # type: ignore[no-untyped-def]
    dataset, audit, report = parts
    points = [replace(p, data_sha256=dataset.sha256, data_name=dataset.name) for p in points]
    return build_review(
        report,
        roles=LOAN.roles,
        data=identify_data(dataset, audit),
        operating_points=points,
        recommended=recommended,
    )


def test_the_recommended_option_leads_the_summary_and_is_marked_in_the_html(
    parts, options: list[OperatingPointRecord]
) -> None:  # type: ignore[no-untyped-def]
    """Two options: both side by side in the HTML; the summary states the recommended one."""
    a, b = options[0], options[1]
    review = _review(parts, [a, b], recommended=b.id)
    summary = " ".join(review.executive_summary)
    assert f"Recommended operating point: {b.title}. Why: {b.rationale}" in summary
    assert f"Why: {a.rationale}" not in summary
    assert "2 operating points were recorded" in summary
    html = build_html_report(review)
    comparison = html.split('<table class="comparison">')[1].split("</table>")[0]
    assert f"<th>{a.title}</th><th>{b.title}</th>" in comparison
    assert "<th>Recommended</th>" in comparison
    assert f'{b.title} <span class="severity recommended">Recommended</span>' in html
    assert f"{a.title} <span" not in html
    for option in (a, b):
        assert f"Why: {option.rationale}" in html
    accuracy = compare_operating_points([a, b]).table.loc["Accuracy (overall)"]
    assert f"{accuracy[a.title]:.3f}" in comparison
    assert f"{accuracy[b.title]:.3f}" in comparison


def test_several_options_without_a_recommendation_lead_nothing(
    parts, options: list[OperatingPointRecord]
) -> None:  # type: ignore[no-untyped-def]
    review = _review(parts, options)
    summary = " ".join(review.executive_summary)
    assert "3 operating points were recorded" in summary
    assert "None of them is marked as recommended" in summary
    assert "Chosen operating point" not in summary
    only = _review(parts, options[:1])
    assert f"Chosen operating point: {options[0].title}" in " ".join(only.executive_summary)


def test_an_option_from_other_data_stays_out_of_the_summary(
    parts, options: list[OperatingPointRecord]
) -> None:  # type: ignore[no-untyped-def]
    """Another data hash: listed under "From other data", never in the executive summary."""
    review = _review(parts, options[:2], recommended=options[1].id)
    other = replace(options[2], data_sha256="0" * 64, data_name="resume.csv", id="elsewhere")
    mixed = build_review(
        review.subgroup,
        roles=LOAN.roles,
        data=review.data,
        operating_points=[*review.operating_points, other],
        recommended="elsewhere",
    )
    assert mixed.points_from_other_data == (other,)
    summary = " ".join(mixed.executive_summary)
    assert other.title not in summary
    assert other.rationale not in summary
    assert "1 operating point was recorded on other data (resume.csv)" in summary
    assert "Recommended operating point" not in summary
    html = build_html_report(mixed)
    head, apart = html.split('id="operating-points-other-data">From other data</h3>')
    assert other.title in apart
    assert other.title not in head.split('id="summary"')[1]
    document = json.loads(build_metrics_json(mixed))
    assert [p["on_this_data"] for p in document["operating_points"]] == [True, True, False]
    assert document["recommended_operating_point"] == "elsewhere"


def test_json_and_excel_list_every_option_with_the_recommended_id(
    parts, options: list[OperatingPointRecord]
) -> None:  # type: ignore[no-untyped-def]
    review = _review(parts, options, recommended=options[2].id)
    document = json.loads(build_metrics_json(review))
    assert [p["title"] for p in document["operating_points"]] == [o.title for o in options]
    assert [p["id"] for p in document["operating_points"]] == [o.id for o in options]
    assert document["recommended_operating_point"] == options[2].id
    book = openpyxl.load_workbook(io.BytesIO(build_metrics_excel(review)))
    rows = list(book["Operating points"].iter_rows(values_only=True))
    assert rows[0] == ("What", *(o.title for o in options))
    assert ("Recommended", None, None, "Recommended") in rows
    card = build_model_card(review).replace("\\", "")  # read the Markdown unescaped
    assert f"- Recommended operating point: {options[2].title}. Why:" in card
    assert f"- Considered operating point: {options[0].title}. Why:" in card


def _pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join("\n".join(page.extract_text() for page in reader.pages).split())


def test_pdf_shows_the_options_side_by_side_and_marks_the_recommended(
    parts, options: list[OperatingPointRecord]
) -> None:  # type: ignore[no-untyped-def]
    review = _review(parts, options[:2], recommended=options[1].id)
    text = _pdf_text(build_pdf_report(review))
    assert "The options side by side" in text
    assert f"{options[1].title} (Recommended)" in text
    assert f"{options[0].title} (Recommended)" not in text
    for option in options[:2]:
        assert f"Why: {option.rationale}" in text
    accuracy = compare_operating_points(options[:2]).table.loc["Accuracy (overall)"]
    assert f"{accuracy[options[0].title]:.3f}" in text


def test_pdf_comparison_tables_fit_the_page_with_many_options(
    options: list[OperatingPointRecord],
) -> None:
    """Five options: split over two tables of at most three, each within the page width."""
    many = [replace(options[i % 3], title=f"Option {i}", id=str(i)) for i in range(5)]
    pdf_module._register_fonts()
    story = pdf_module._comparison(many, "3", pdf_module._styles())
    tables = [item for item in story if type(item).__name__ == "Table"]
    assert [len(t._colWidths) - 1 for t in tables] == [3, 2]
    assert all(sum(t._colWidths) <= pdf_module.PDF_WIDTH + 0.01 for t in tables)
    texts = [" ".join(str(p.text) for row in t._cellvalues for p in row) for t in tables]
    assert "Option 0" in texts[0]
    assert "Option 4" in texts[1]
    assert "Option 4" not in texts[0]


def test_bundle_carries_several_options_and_still_replays(
    parts, options: list[OperatingPointRecord]
) -> None:  # type: ignore[no-untyped-def]
    review = _review(parts, options, recommended=options[1].id)
    data = build_bundle(review)
    bundle = read_bundle(data)
    assert [p.title for p in bundle.operating_points] == [o.title for o in options]
    assert [p.id for p in bundle.operating_points] == [o.id for o in options]
    assert bundle.recommended_point == options[1].id
    kept = [(r["thresholds"], r["probabilities"]) for r in bundle.operating_points[2].rules]
    assert kept == [(r["thresholds"], r["probabilities"]) for r in options[2].rules]
    result = replay(data, LOAN.test_path.read_bytes(), "test.csv")
    assert result.identical, result.describe()


def test_an_old_bundle_with_one_operating_point_still_reads_and_replays(
    parts, options: list[OperatingPointRecord]
) -> None:  # type: ignore[no-untyped-def]
    """A version 1 bundle (operating_point.json, one point or null) reads as a list of one."""
    review = _review(parts, options[:1])
    with zipfile.ZipFile(io.BytesIO(build_bundle(review))) as archive:
        entries = {name: json.loads(archive.read(name)) for name in archive.namelist()}
    entries["manifest.json"]["version"] = 1
    entries.pop("policies.json")  # added in version 3
    single = entries.pop("operating_points.json")["points"][0]
    del single["id"], single["overall"]
    for point, expected in ((single, 1), (None, 0)):
        old = {**entries, "operating_point.json": point}
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for name, content in old.items():
                archive.writestr(name, json.dumps(content))
        bundle = read_bundle(buffer.getvalue())
        assert len(bundle.operating_points) == expected
        assert bundle.recommended_point is None
        if expected:
            assert bundle.operating_points[0].title == options[0].title
            assert bundle.operating_points[0].id == ""
        result = replay(buffer.getvalue(), LOAN.test_path.read_bytes(), "test.csv")
        assert result.identical, result.describe()


def test_a_bundle_naming_an_unknown_recommended_point_is_refused(
    parts, options: list[OperatingPointRecord]
) -> None:  # type: ignore[no-untyped-def]
    data = build_bundle(_review(parts, options[:2], recommended=options[0].id))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            content = json.loads(source.read(name))
            if name == "operating_points.json":
                content["recommended"] = "nobody"
            target.writestr(name, json.dumps(content))
    with pytest.raises(InvalidInputError, match="recommended operating point is not among"):
        read_bundle(out.getvalue())


def test_a_recommended_id_that_names_no_option_is_ignored(
    parts, options: list[OperatingPointRecord]
) -> None:  # type: ignore[no-untyped-def]
    review = _review(parts, options[:2], recommended="removed-since")
    assert review.recommended_point is None
    assert isinstance(review.operating_points[0].per_group, pd.DataFrame)


def _mitigation_result():  # type: ignore[no-untyped-def]
    """Two models on 1,000 test rows, with the per-group table recounted from the decisions."""
    from fairness_core.tradeoffs import MitigationResult

    rng = np.random.default_rng(3)
    group = np.where(rng.random(1000) < 0.3, "women", "men")
    y = (rng.random(1000) < 0.5).astype(int)
    decisions = pd.DataFrame(
        {
            "Original model": (rng.random(1000) < np.where(group == "men", 0.6, 0.4)).astype(int),
            "Reweighing": (rng.random(1000) < 0.5).astype(int),
        }
    )
    rows = []
    points = []
    for label in decisions:
        d = decisions[label].to_numpy()
        for g in ("men", "women"):
            m = group == g
            values = {
                "selection_rate": d[m].mean(),
                "true_positive_rate": d[m & (y == 1)].mean(),
                "false_positive_rate": d[m & (y == 0)].mean(),
                "accuracy": (d[m] == y[m]).mean(),
            }
            rows += [{"label": label, "group": g, "n": int(m.sum()), "metric": k, "value": v}
                     for k, v in values.items()]  # fmt: skip
        kind = "original" if label == "Original model" else "mitigation"
        points.append({"label": label, "kind": kind, "accuracy": (d == y).mean(),
                       "balanced_accuracy": 0.5, "disparity": 0.1})  # fmt: skip
    result = MitigationResult(
        criterion="demographic_parity",
        attributes=("gender",),
        methods=("reweighing",),
        points=pd.DataFrame(points),
        by_group=pd.DataFrame(rows),
        decisions=decisions,
    )
    return result, group, decisions


def test_a_retrained_model_is_recorded_as_an_option_from_its_decisions() -> None:
    """Its rates and its change per 10,000 equal a recount of the two models' decisions."""
    result, group, decisions = _mitigation_result()
    record = record_retrained_model(
        result, "Reweighing", title="Option C: reweighing", rationale="Retrain.",
        data_name="test.csv", data_sha256="f" * 64,
    )  # fmt: skip
    table = compare_operating_points([record]).table[record.title]
    new, old = decisions["Reweighing"].to_numpy(), decisions["Original model"].to_numpy()
    for g in ("men", "women"):
        m = group == g
        assert table[f"Selection rate: {g}"] == pytest.approx(new[m].mean())
        change = (new[m].sum() - old[m].sum()) / len(group) * 10_000
        assert table[f"Change in positive decisions per 10,000: {g}"] == pytest.approx(change)
    expected = (new.sum() - old.sum()) / len(group) * 10_000
    assert table["Change in positive decisions per 10,000: all groups"] == pytest.approx(expected)
    assert table["Accuracy (overall)"] == pytest.approx(result.points.at[1, "accuracy"])
    assert table["Strategy"] == "Retrained model"
    with pytest.raises(InvalidInputError, match="not a retrained model"):
        record_retrained_model(
            result, "Original model", title="x", rationale="x", data_name="", data_sha256=""
        )
