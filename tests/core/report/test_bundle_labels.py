"""A bundle replays files whose groups carry census labels or whose columns the reviewer named."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from fairness_core.data import check_audit_data, load_dataset, name_columns, suggest_roles
from fairness_core.metrics import compute_subgroup_report
from fairness_core.report import build_bundle, build_review, identify_data, replay


def _census_csv() -> bytes:
    rng = np.random.default_rng(7)
    n = 600
    sex = rng.choice([1, 2], n)
    employed = (rng.random(n) < np.where(sex == 1, 0.6, 0.45)).astype(int)
    decided = (rng.random(n) < np.where(sex == 1, 0.55, 0.4)).astype(int)
    rows = ["SEX,AGEP,employed,prediction"]
    rows += [
        f"{s},{a},{e},{d}"
        for s, a, e, d in zip(sex, rng.integers(18, 80, n), employed, decided, strict=True)
    ]
    return ("\n".join(rows) + "\n").encode()


def _replay_of(data: bytes, name: str, roles) -> tuple[bool, list[str]]:  # type: ignore[no-untyped-def]
    dataset = load_dataset(data, filename=name)
    if roles.column_names:
        dataset = name_columns(dataset, roles.column_names)
    audit = check_audit_data(dataset.frame, roles)
    report = compute_subgroup_report(audit, attributes=(roles.protected[0],))
    review = build_review([report], roles=roles, data=identify_data(dataset, audit))
    groups = sorted(report.groups["group"].unique())
    result = replay(build_bundle(review), data, name)
    return result.identical, groups


def test_census_labels_travel_with_the_bundle() -> None:
    data = _census_csv()
    roles = suggest_roles(load_dataset(data, filename="acs.csv").frame).to_roles()
    roles = replace(
        roles, protected=("SEX",), source="prediction", prediction="prediction",
        target="employed", positive_label=1,
    )  # fmt: skip
    assert roles.labels_for("SEX") == {"1": "Male", "2": "Female"}
    identical, groups = _replay_of(data, "acs.csv", roles)
    assert groups == ["Female", "Male"]
    assert identical
