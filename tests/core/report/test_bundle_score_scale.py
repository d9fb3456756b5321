"""An audit bundle of a 1-10 risk score keeps its scale; replay reproduces the numbers."""

from __future__ import annotations

import dataclasses
import io
import json
import zipfile

from fairness_core.data import check_audit_data, load_dataset
from fairness_core.metrics import compute_subgroup_report
from fairness_core.report import build_bundle, build_review, identify_data, read_bundle, replay
from tests.core.data.test_score_scale import ROLES, compas_like


def _csv() -> bytes:
    return compas_like(800).to_csv(index=False).encode()


def _bundle(data: bytes, roles=ROLES) -> bytes:
    dataset = load_dataset(data, filename="compas.csv")
    audit = check_audit_data(dataset.frame, roles)
    report = compute_subgroup_report(audit, attributes=["race"], n_bootstrap=50)
    review = build_review(report, roles=roles, data=identify_data(dataset, audit), model=None)
    return build_bundle(review)


def test_a_scaled_score_bundle_replays_identically() -> None:
    """The bundle records the scale and the direction, and replay matches every number."""
    data = _csv()
    bundle = _bundle(data)
    assert read_bundle(bundle).roles == ROLES
    result = replay(bundle, data, "compas.csv")
    assert result.identical, result.describe()
    assert result.compared > 50


def test_a_bundle_without_the_scale_fields_still_reads() -> None:
    """An older bundle (no score_range / higher_score_favourable) reads as a 0-1 score."""
    frame = compas_like(400).assign(p=lambda f: (f["decile_score"] - 1) / 9)
    data = frame.to_csv(index=False).encode()
    plain = dataclasses.replace(ROLES, score="p", score_range=None, higher_score_favourable=True)
    bundle = _bundle(data, plain)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(bundle)) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            content = source.read(name)
            if b'"higher_score_favourable"' in content:
                document = json.loads(content)
                _strip(document)
                content = json.dumps(document).encode()
            target.writestr(name, content)
    assert b"higher_score_favourable" not in out.getvalue()
    assert read_bundle(out.getvalue()).roles == plain
    assert replay(out.getvalue(), data, "compas.csv").identical


def _strip(node: object) -> None:
    if isinstance(node, dict):
        node.pop("score_range", None)
        node.pop("higher_score_favourable", None)
        for value in node.values():
            _strip(value)
    elif isinstance(node, list):
        for value in node:
            _strip(value)


def test_the_report_states_the_threshold_on_the_scores_own_scale() -> None:
    """The settings row and the summary say 'decile_score of 5.5 or less', not 'at or above 0.5'."""
    import html

    from fairness_core.report import build_html_report

    data = _csv()
    dataset = load_dataset(data, filename="compas.csv")
    audit = check_audit_data(dataset.frame, ROLES)
    report = compute_subgroup_report(audit, attributes=["race"], n_bootstrap=20)
    review = build_review(report, roles=ROLES, data=identify_data(dataset, audit), model=None)
    text = html.unescape(build_html_report(review))
    wording = "a 'decile_score' of 5.5 or less gets the favourable decision, above 5.5 the"
    assert text.count(wording) >= 2, "expected in the settings row and in the summary"
    assert "positive at or above 0.5" not in text
