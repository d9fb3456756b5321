"""The report's compliance sections: policies, Local Law 144 tables, NIST AI RMF, datasheet.

The sections are written once as blocks; these tests read every format back (HTML text,
PDF text, the model card's Markdown, the JSON) and check they say the same: each chosen
policy with its status and the reviewer's edited line, the Local Law 144 tables with the
unknown and excluded categories, the NIST rows following what the review did, and the
datasheet's group counts against a brute-force count of the rows.
"""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pypdf
import pytest

from fairness_core.data import ColumnRoles, Dataset, check_audit_data
from fairness_core.metrics import compute_subgroup_report
from fairness_core.policies import (
    LineEdit,
    LL144Tables,
    MetricRequirement,
    Policy,
    PolicyResult,
    RequirementResult,
    ReviewEvidence,
)
from fairness_core.report import (
    build_datasheet,
    build_html_report,
    build_ll144_csv,
    build_model_card,
    build_pdf_report,
    build_review,
    identify_data,
)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts))


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def hiring(seed: int = 3) -> pd.DataFrame:
    """A hiring table: sex with an unknown value, race with a category under 2 % of rows."""
    rng = np.random.default_rng(seed)
    n = 1200
    sex = rng.choice(["Female", "Male", "Unknown"], size=n, p=[0.48, 0.48, 0.04])
    race = rng.choice(
        ["White", "Black", "Hispanic", "Asian", "Native Hawaiian"],
        size=n,
        p=[0.45, 0.25, 0.18, 0.11, 0.01],
    )
    hired = (rng.random(n) < np.where(sex == "Female", 0.3, 0.45)).astype(int)
    qualified = (rng.random(n) < 0.5).astype(int)
    return pd.DataFrame({"sex": sex, "race": race, "hired": hired, "qualified": qualified})


ROLES = ColumnRoles(
    target="qualified", positive_label=1, prediction="hired", protected=("sex", "race")
)

POLICY = Policy(
    id="strict-internal",
    name="Strict internal policy",
    version="1.0",
    source="Example Corp. fairness standard § 2",
    summary="Selection rates within 0.9 of the best group.",
    not_covered="Calibration and individual fairness.",
    requirements=(
        MetricRequirement(
            id="impact_ratio",
            title="Impact ratio at least 0.9",
            metric="selection_rate",
            kind="ratio",
            line=0.9,
            harmful="lower",
        ),
    ),
    edits=(LineEdit("impact_ratio", 0.9, 0.95),),
)


def policy_result(frame: pd.DataFrame) -> PolicyResult:
    requirement = RequirementResult(
        policy=POLICY.id,
        requirement="impact_ratio",
        title="Impact ratio at least 0.95",
        status="not met",
        reason="Female's impact ratio 0.66 is below 0.95 and statistically significant.",
        attribute="sex",
        value=0.66,
        line=0.95,
        evidence="Subgroups: sex, selection rate",
    )
    by_sex = (
        frame[frame["sex"] != "Unknown"]
        .groupby("sex")["hired"]
        .agg(people="size", rate="mean")
        .reset_index()
        .rename(columns={"sex": "category"})
    )
    by_sex["impact_ratio"] = by_sex["rate"] / by_sex["rate"].max()
    by_sex["excluded"] = False
    tables = LL144Tables(
        rate_name="selection rate",
        median_score=None,
        by_sex=by_sex,
        by_race=pd.DataFrame(
            {
                "category": ["=HYPERLINK(1)"],
                "people": [5],
                "rate": [0.2],
                "impact_ratio": [1.0],
                "excluded": [True],
            }
        ),
        intersectional=pd.DataFrame(),
        unknown={"sex": int((frame["sex"] == "Unknown").sum())},
        excluded=("Native Hawaiian",),
        exclude_below_share=0.02,
    )
    return PolicyResult(policy=POLICY, requirements=(requirement,), ll144=tables)


@pytest.fixture(scope="module")
def review_parts():
    frame = hiring()
    dataset = Dataset(frame=frame, name="hiring.csv", sha256="b" * 64, format="csv")
    audit = check_audit_data(frame, ROLES)
    report = compute_subgroup_report(audit, attributes=("sex",), n_bootstrap=0)
    return frame, dataset, audit, report


def test_policies_reach_every_format(review_parts) -> None:
    frame, dataset, audit, report = review_parts
    result = policy_result(frame)
    evidence = ReviewEvidence(intended_use="Screen applicants for <b>interviews</b>")
    review = build_review(
        report, roles=ROLES, data=identify_data(dataset, audit), policies=[result],
        evidence=evidence,
    )  # fmt: skip
    assert any("Strict internal policy: not met" in s for s in review.executive_summary)
    html = build_html_report(review)
    assert "<b>interviews</b>" not in html  # typed text is escaped
    text = html_text(html)
    pdf = pdf_text(build_pdf_report(review))
    card = build_model_card(review).replace("\\", "")  # Markdown escapes read as shown
    unknown = int((frame["sex"] == "Unknown").sum())
    for shown in (text, pdf, card):
        assert "Policies and compliance" in shown
        assert "Strict internal policy" in shown
        assert "0.9 in the policy, 0.95 here" in shown
        assert "Calibration and individual fairness" in shown
        assert f"{unknown:,} people have an unknown sex" in shown
        assert "Native Hawaiian" in shown
    # The order: compliance right after the summary, before the findings.
    assert text.index("Policies and compliance") < text.index("Findings")
    assert "Screen applicants for" in card  # the typed intended use replaces the placeholder


def test_nist_rows_follow_what_the_review_did(review_parts) -> None:
    frame, dataset, audit, report = review_parts
    bare = build_review(report, roles=ROLES, data=identify_data(dataset, audit))
    nist = html_text(build_html_report(bare))
    assert "NIST AI Risk Management Framework" in nist
    assert "GOVERN 1.1" in nist
    assert "No policy was chosen" in nist
    assert "The intended use was not written down" in nist
    full = build_review(
        report, roles=ROLES, data=identify_data(dataset, audit), policies=[policy_result(frame)],
        evidence=ReviewEvidence(intended_use="Interview shortlist", dataset_checked=True,
                                monitoring=True, human_oversight="A recruiter reads each one"),
    )  # fmt: skip
    section = next(s for s in full.sections if s.id == "nist")
    table = next(b.frame for b in section.blocks if b.frame is not None)
    assert table is not None
    status = dict(zip(table["Subcategory"], table["Status"], strict=True))
    assert all(v == "Evidence in this review" for k, v in status.items()
               if not k.startswith(("MEASURE 1.1", "MANAGE 1.3")))  # fmt: skip
    assert status["MANAGE 1.3 (responses to high-priority risks planned and documented)"] == (
        "Not in this review"
    )


def test_ll144_csv_neutralises_formulas_and_lists_unknown(review_parts) -> None:
    frame = review_parts[0]
    csv = build_ll144_csv(policy_result(frame).ll144).decode()
    assert "'=HYPERLINK(1)" in csv
    assert "\n=HYPERLINK" not in csv
    table = pd.read_csv(io.StringIO(csv), comment="#")
    by_sex = table[table["Table"] == "By sex"].set_index("Category")
    expected = frame[frame["sex"] != "Unknown"].groupby("sex")["hired"].mean()
    assert by_sex["Selection rate"].to_dict() == pytest.approx(expected.to_dict())
    assert "# People in an unknown category" in csv


def test_datasheet_counts_groups_from_the_rows(review_parts) -> None:
    frame, dataset, audit, report = review_parts
    review = build_review(
        report, roles=ROLES, data=identify_data(dataset, audit),
        evidence=ReviewEvidence(known_limitations="Only one year | of applicants"),
    )  # fmt: skip
    sheet = build_datasheet(review)
    for sex, people in frame["sex"].value_counts().items():
        base = frame.loc[frame["sex"] == sex, "qualified"].mean()
        row = next(line for line in sheet.splitlines() if line.startswith(f"| {sex} |"))
        cells = [c.strip().replace("\\", "") for c in row.strip("|").split("|")]
        assert int(cells[1].replace(",", "")) == people
        assert float(cells[3]) == pytest.approx(base, abs=5e-4)
    assert "Only one year \\| of applicants" in sheet  # escaped: the pipe cannot split a row
    assert "_[to complete: source, period, sampling]_" in sheet


def test_built_in_policies_end_to_end_in_the_report(review_parts) -> None:
    """Real evaluation: the report's JSON holds what the command line's JSON holds."""
    import json

    from fairness_core.policies import builtin_policies, evaluate_policies, policy_results_to_dict
    from fairness_core.report import build_metrics_json

    frame, dataset, audit, report = review_parts
    chosen = [builtin_policies()["four-fifths"], builtin_policies()["nyc-ll144"]]
    results = evaluate_policies(chosen, audit, columns={"sex": "sex", "race_ethnicity": "race"})
    review = build_review(report, roles=ROLES, data=identify_data(dataset, audit), policies=results)
    document = json.loads(build_metrics_json(review))
    assert document["policies"] == json.loads(json.dumps(policy_results_to_dict(results)))
    text = html_text(build_html_report(review))
    ll144 = next(r.ll144 for r in results if r.ll144 is not None)
    unknown_sex = int((frame["sex"] == "Unknown").sum())
    assert ll144.unknown["sex"] == unknown_sex
    assert f"{unknown_sex:,} people have an unknown sex;" in text
    # The by-sex table's rates are the brute-force selection rates of the known categories.
    known = frame[frame["sex"] != "Unknown"]
    rates = known.groupby("sex")["hired"].mean()
    table = ll144.by_sex.set_index("category")
    for sex, rate in rates.items():
        assert table.loc[sex, "rate"] == pytest.approx(rate)
        assert table.loc[sex, "impact_ratio"] == pytest.approx(rate / rates.max())
    # Native Hawaiian is about 1 % of the rows: left out of the ratios and named.
    assert "Native Hawaiian" in ll144.excluded
    assert "Left out of the impact ratios because each is under 2% of the data" in text


def test_a_bundle_replays_the_policies_with_the_reviewers_edit(review_parts) -> None:
    """The bundle carries each policy (a user's own too) and its edited line; replay agrees,
    and a tampered result is reported as a difference."""
    import io as _io
    import json
    import zipfile

    from fairness_core.data import load_dataset
    from fairness_core.policies import builtin_policies, evaluate_policies, parse_policy
    from fairness_core.report import build_bundle, replay

    frame = review_parts[0]
    own = parse_policy(
        """id = "ours"
name = "Our policy"
version = "2"
source = "Internal standard"
summary = "Equal opportunity within 0.05."
not_covered = "Everything else."

[[requirements]]
id = "eo"
title = "Equal opportunity difference at most 0.05"
metric = "true_positive_rate"
kind = "difference"
line = 0.05
harmful = "lower"
""",
        origin="ours.toml",
    )
    chosen = [builtin_policies()["four-fifths"].with_lines({"impact_ratio": 0.9}), own]
    csv_bytes = frame.to_csv(index=False).encode()
    loaded = load_dataset(csv_bytes, filename="hiring.csv")
    audit2 = check_audit_data(loaded.frame, ROLES)
    results = evaluate_policies(chosen, audit2, columns={})
    review2 = build_review(
        compute_subgroup_report(audit2, attributes=("sex",), n_bootstrap=0),
        roles=ROLES, data=identify_data(loaded, audit2), policies=results,
    )  # fmt: skip
    bundle = build_bundle(review2)
    outcome = replay(bundle, csv_bytes, "hiring.csv")
    assert outcome.identical, outcome.describe()
    assert outcome.document["policies"]["policies"][0]["edits"] == [
        {"requirement": "impact_ratio", "original": 0.8, "edited": 0.9}
    ]
    # Tamper with a stored status: replay names the difference.
    source = zipfile.ZipFile(_io.BytesIO(bundle))
    entries = {name: source.read(name) for name in source.namelist()}
    stored = json.loads(entries["policies.json"])
    stored["results"]["policies"][1]["status"] = "met" if results[1].status != "met" else "not met"
    entries["policies.json"] = json.dumps(stored).encode()
    out = _io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    tampered = replay(out.getvalue(), csv_bytes, "hiring.csv")
    assert not tampered.identical
    assert any(d.startswith("policies.policies[1].status") for d in tampered.differences)
