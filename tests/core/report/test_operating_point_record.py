"""The recorded operating point keeps its exact rules and warnings, in JSON and in the report."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from fairness_core.data import GroupColumn, check_audit_data, get_demo
from fairness_core.metrics import compute_subgroup_report
from fairness_core.report import (
    OperatingPointRecord,
    build_html_report,
    build_model_card,
    build_review,
    identify_data,
    operating_point_from_dict,
    operating_point_to_dict,
)
from fairness_core.tradeoffs import (
    DISPARATE_TREATMENT_NOTE,
    evaluate_operating_point,
    find_strategy,
    sweep_thresholds,
)


def _record(strategy: str, **options: object) -> OperatingPointRecord:
    rng = np.random.default_rng(1)
    codes = rng.integers(0, 2, 1500).astype(np.int32)
    y = (rng.random(1500) < 0.4).astype(np.int8)
    s = np.clip(rng.beta(2, 3, 1500) + 0.3 * y - 0.05 * codes, 0, 1)  # continuous scores
    sweep = sweep_thresholds([GroupColumn("g", ("a", "b"), codes)], y, s, max_thresholds=300)
    evaluation = evaluate_operating_point(sweep, find_strategy(sweep, strategy, **options))
    return OperatingPointRecord(
        title=f"Point: {strategy}",
        criterion="demographic_parity",
        strategy=strategy,
        randomized=evaluation.point.randomized,
        thresholds=evaluation.thresholds,
        per_group=evaluation.per_group,
        change_summary=evaluation.change_summary,
        rationale="Agreed with the panel.",
        rules=tuple(rule.to_dict() for rule in evaluation.rules),
        warnings=evaluation.warnings,
        degenerate=evaluation.degenerate,
        group_specific=evaluation.group_specific,
    )


def test_rules_and_warnings_round_trip_exactly_through_json() -> None:
    """Thresholds and mixing probabilities come back float for float, warnings word for word."""
    record = _record("demographic_parity", randomized=True, tolerance=0.0)
    assert record.randomized
    assert record.group_specific
    back = operating_point_from_dict(json.loads(json.dumps(operating_point_to_dict(record))))
    assert back.warnings == record.warnings
    assert DISPARATE_TREATMENT_NOTE in back.warnings
    assert (back.degenerate, back.group_specific) == (record.degenerate, record.group_specific)
    for before, after in zip(record.rules, back.rules, strict=True):
        assert after["thresholds"] == list(before["thresholds"])  # exact, not approximate
        assert after["probabilities"] == list(before["probabilities"])
        assert after["sentence"] == before["sentence"]
    # The table path rounds to 10 digits: the rules must not depend on it.
    assert any(len(repr(t)) > 12 for rule in back.rules for t in rule["thresholds"])


def test_a_record_written_before_the_rules_existed_still_reads() -> None:
    """An old operating_point.json (no rules, no warnings) reads back with none of them."""
    data = operating_point_to_dict(_record("single_threshold"))
    for key in ("rules", "warnings", "degenerate", "group_specific"):
        del data[key]
    old = operating_point_from_dict(json.loads(json.dumps(data)))
    assert (old.rules, old.warnings, old.degenerate, old.group_specific) == ((), (), False, False)


@pytest.fixture(scope="module")
def review_parts():  # type: ignore[no-untyped-def]
    demo = get_demo("loan")
    dataset = demo.load_test()
    audit = check_audit_data(dataset.frame, demo.roles)
    report = compute_subgroup_report(audit, attributes=["race"], n_bootstrap=50)
    return demo, dataset, audit, report


def test_report_carries_the_warnings_and_the_exact_rules(review_parts) -> None:  # type: ignore[no-untyped-def]
    """HTML, executive summary and model card say the protected attribute is used."""
    demo, dataset, audit, report = review_parts
    point = _record("best_per_group")
    point = replace(point, data_name=dataset.name, data_sha256=dataset.sha256)
    review = build_review(
        report, roles=demo.roles, data=identify_data(dataset, audit), operating_points=[point]
    )
    html = build_html_report(review)
    assert "unlawful disparate treatment" in html
    for rule in point.rules:
        assert repr(rule["thresholds"][0]) in html
    assert any(DISPARATE_TREATMENT_NOTE in line for line in review.executive_summary)
    assert "unlawful disparate treatment" in build_model_card(review)


def test_one_threshold_for_everyone_is_reported_without_the_note(review_parts) -> None:  # type: ignore[no-untyped-def]
    """A single shared threshold does not use the protected attribute: no such warning."""
    demo, dataset, audit, report = review_parts
    point = _record("single_threshold")
    assert not point.group_specific
    point = replace(point, data_name=dataset.name, data_sha256=dataset.sha256)
    review = build_review(
        report, roles=demo.roles, data=identify_data(dataset, audit), operating_points=[point]
    )
    assert "unlawful disparate treatment" not in build_html_report(review)
