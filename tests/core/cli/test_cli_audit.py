"""`fairness-explorer audit`: JSON schema, output formats, rules and exit codes."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pytest

from fairness_core.cli import _main as cli
from fairness_core.escaping import neutralise_formula
from fairness_core.report._audit import AuditRequest, render_audit, run_audit

ROOT = Path(__file__).resolve().parents[3]
LOAN = ROOT / "demo_data" / "loan"
BASE = [
    "audit",
    "--data",
    str(LOAN / "test.csv"),
    "--target",
    "repaid",
    "--positive-label",
    "1",
    "--score",
    "score",
    "--protected",
    "gender",
]


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_json_follows_the_documented_schema(capsys: pytest.CaptureFixture[str]) -> None:
    """The JSON has overall, groups, disparities, summary, settings, data and rules."""
    code, out, _ = run(BASE, capsys)
    assert code == 0
    doc = json.loads(out)
    assert set(doc) >= {"overall", "groups", "disparities", "summary", "settings", "data"}
    assert {g["attributes"]["gender"] for g in doc["groups"]} == {"female", "male"}
    group = doc["groups"][0]
    assert set(group["metrics"]["selection_rate"]) == {
        "value", "ci_low", "ci_high", "effective_n",
    }  # fmt: skip
    disparity = doc["disparities"][0]
    assert set(disparity) == {
        "metric", "kind", "group", "reference", "value", "ci_low", "ci_high", "p_value",
        "p_value_adjusted", "harmful_direction", "rule", "verdict", "verdict_note",
    }  # fmt: skip
    rates = {
        g["attributes"]["gender"]: g["metrics"]["selection_rate"]["value"] for g in doc["groups"]
    }
    best = max(rates, key=rates.__getitem__)
    selection = [d for d in doc["disparities"] if d["metric"] == "selection_rate"]
    assert all(d["reference"] == {"gender": best} for d in selection)  # the impact ratio
    assert {"summary_details", "comparisons_judged", "empty_groups", "inequality"} <= set(doc)
    assert doc["data"]["rows"] == 4000
    assert len(doc["data"]["sha256"]) == 64


def test_failing_rule_exits_1_and_passing_rule_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    """A four-fifths rule on race fails the loan demo; a lenient rule passes."""
    race = [*BASE[:-1], "race"]
    code, out, err = run([*race, "--fail-on", "disparate_impact_ratio<0.8"], capsys)
    assert code == 1
    assert "FAIL: disparate_impact_ratio" in err
    assert json.loads(out)["rules"][0]["failed"] is True
    code, _, err = run([*race, "--fail-on", "disparate_impact_ratio<0.1"], capsys)
    assert code == 0
    assert "pass: disparate_impact_ratio" in err


def test_several_attributes_are_summarised_by_their_worst(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Without --intersect each attribute is audited alone; summary keeps the worst value."""
    code, out, _ = run([*BASE, "--protected", "race"], capsys)
    assert code == 0
    doc = json.loads(out)
    by_attribute = doc["summary_by_attribute"]
    assert set(by_attribute) == {"gender", "race"}
    ratios = [s["demographic_parity_ratio"] for s in by_attribute.values()]
    assert doc["summary"]["demographic_parity_ratio"] == min(ratios)


def test_intersect_and_reference(capsys: pytest.CaptureFixture[str]) -> None:
    """--intersect groups by gender × age band; --reference picks the comparison group."""
    args = [*BASE, "--protected", "age", "--intersect"]
    args += ["--reference", "gender=female", "--reference", "age=35–44"]
    code, out, _ = run(args, capsys)
    assert code == 0, out
    doc = json.loads(out)
    assert doc["groups"][0]["attributes"].keys() == {"gender", "age"}
    assert doc["disparities"][0]["reference"] == {"gender": "female", "age": "35–44"}


def test_csv_and_markdown_outputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """CSV has one row per group and metric; Markdown names the data's hash."""
    out_file = tmp_path / "report.csv"
    assert run([*BASE, "--format", "csv", "--out", str(out_file)], capsys)[0] == 0
    rows = list(csv.DictReader(io.StringIO(out_file.read_text(encoding="utf-8"))))
    assert {r["group"] for r in rows} == {"female", "male"}
    assert len(rows) == 2 * len({r["metric"] for r in rows})
    code, markdown, _ = run([*BASE, "--format", "md"], capsys)
    assert code == 0
    assert markdown.startswith("# Fairness audit")
    assert "SHA-256 `" in markdown


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--fail-on", "fairness>0.1"], "names 'fairness', which is not a fairness summary"),
        (["--fail-on", "disparate_impact_ratio 0.8"], "cannot be read"),
        (["--reference", "gender"], "Expected COLUMN=VALUE"),
        (["--reference", "race=Black"], "not a --protected column"),
    ],
)
def test_bad_options_exit_2_with_a_message(
    extra: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Unreadable rules and references give exit code 2 and a message, never a traceback."""
    code, out, err = run([*BASE, *extra], capsys)
    assert code == 2
    assert out == ""
    assert message in err
    assert "Traceback" not in err


def test_unauditable_data_exits_2_listing_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A target column that does not exist is reported with the columns that do."""
    args = [*BASE]
    args[args.index("repaid")] = "outcome"
    code, _, err = run(args, capsys)
    assert code == 2
    assert "The target column 'outcome' is not in the file." in err


def test_spreadsheet_formulas_are_neutralised() -> None:
    """Text cells starting like a formula get a leading apostrophe; others are untouched."""
    assert neutralise_formula('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert neutralise_formula("@SUM(A1)") == "'@SUM(A1)"
    assert neutralise_formula("female") == "female"


def test_csv_keeps_a_group_name_with_a_line_break_in_one_cell(tmp_path: Path) -> None:
    """A carriage return inside a group name cannot split a row of the CSV output."""
    frame = pd.DataFrame(
        {"g": ["a\rb", "c"] * 40, "y": [0, 1, 1, 0] * 20, "pred": [1, 1, 0, 0] * 20}
    )
    path = tmp_path / "breaks.parquet"
    frame.to_parquet(path)
    outcome = run_audit(
        AuditRequest(data=path, target="y", positive_label="1", protected=("g",), prediction="pred")
    )
    parsed = list(csv.reader(io.StringIO(render_audit(outcome, "csv"), newline="")))
    header = parsed[0]
    assert all(len(row) == len(header) for row in parsed)
    assert {row[header.index("group")] for row in parsed[1:]} == {"a\rb", "c"}


def test_a_skops_type_is_loaded_only_when_the_operator_trusts_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--trust-type works for the audit command as for the app; without it the type is named."""
    import numpy as np
    import skops.io as sio
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"income": rng.normal(size=200), "g": ["a", "b"] * 100})
    frame["y"] = (frame["income"] + rng.normal(size=200) > 0).astype(int)
    model = make_pipeline(FunctionTransformer(np.nan_to_num), LogisticRegression())
    model.fit(frame[["income"]], frame["y"])
    (tmp_path / "m.skops").write_bytes(sio.dumps(model))
    frame.to_csv(tmp_path / "d.csv", index=False)
    args = ["audit", "--data", str(tmp_path / "d.csv"), "--model", str(tmp_path / "m.skops"),
            "--target", "y", "--positive-label", "1", "--protected", "g"]  # fmt: skip
    code, _, err = run(args, capsys)
    assert code == 2
    assert "numpy.nan_to_num" in err
    code, out, _ = run([*args, "--trust-type", "numpy.nan_to_num"], capsys)
    assert code == 0
    assert json.loads(out)["model"]["file"] == "m.skops"


def _hiring_file(tmp_path: Path, rows: dict[str, tuple[int, int]]) -> Path:
    """A small hiring table: group → (hired, applicants); outcomes alternate."""
    frame = pd.DataFrame(
        [
            {"tier": group, "hired": int(i < hired), "qualified": i % 2}
            for group, (hired, size) in rows.items()
            for i in range(size)
        ]
    )
    path = tmp_path / "hiring.csv"
    frame.to_csv(path, index=False)
    return path


def _hiring_args(path: Path) -> list[str]:
    return ["audit", "--data", str(path), "--target", "qualified", "--positive-label", "1",
            "--prediction", "hired", "--protected", "tier"]  # fmt: skip


def test_the_four_fifths_rule_fails_when_the_largest_group_is_least_selected(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Largest group hired at 0.32, a smaller one at 0.56: ratio 0.57 and exit 1 (was 1.00)."""
    path = _hiring_file(tmp_path, {"tier_3": (320, 1000), "tier_1": (168, 300)})
    code, out, err = run([*_hiring_args(path), "--fail-on", "disparate_impact_ratio<0.8"], capsys)
    assert code == 1
    doc = json.loads(out)
    assert doc["summary"]["disparate_impact_ratio"] == pytest.approx(0.32 / 0.56)
    assert "FAIL: disparate_impact_ratio = 0.5714" in err


def test_a_rule_on_an_undefined_summary_fails_and_says_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Only one group large enough to judge: the ratio is null, the rule fails with the reason."""
    path = _hiring_file(tmp_path, {"big": (300, 1000), "small": (2, 12)})
    code, out, err = run([*_hiring_args(path), "--fail-on", "disparate_impact_ratio<0.8"], capsys)
    assert code == 1
    doc = json.loads(out)
    assert doc["summary"]["disparate_impact_ratio"] is None
    reason = doc["summary_details"]["disparate_impact_ratio"]["undefined_because"]
    assert reason.startswith("only one group can be judged on the selection rate")
    assert doc["rules"][0]["reason"] == f"not computable: {reason}"
    assert reason in err


def test_alpha_changes_what_counts_as_adverse_impact(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A gap past the line with p between 0.001 and 0.05 is adverse impact only at 0.05."""
    path = _hiring_file(tmp_path, {"a": (60, 200), "b": (90, 200)})

    def verdict(extra: list[str]) -> str:
        code, out, _ = run([*_hiring_args(path), *extra], capsys)
        assert code == 0
        doc = json.loads(out)
        ratio = next(d for d in doc["disparities"] if d["kind"] == "ratio")
        assert 0.001 < ratio["p_value_adjusted"] < 0.05
        return str(ratio["verdict"])

    assert verdict([]) == "adverse impact"
    assert verdict(["--alpha", "0.001"]) == "below the line, not statistically significant"


def test_a_rule_exactly_on_the_line_does_not_fail(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """8% vs 10% hired: the ratio 0.08 / 0.1 is on the four-fifths line, so '<0.8' passes."""
    path = _hiring_file(tmp_path, {"a": (80, 1000), "b": (100, 1000)})
    code, out, err = run([*_hiring_args(path), "--fail-on", "disparate_impact_ratio<0.8"], capsys)
    assert json.loads(out)["summary"]["disparate_impact_ratio"] < 0.8  # the float is below
    assert code == 0, err
    code, _, _ = run([*_hiring_args(path), "--fail-on", "disparate_impact_ratio<=0.8"], capsys)
    assert code == 1  # on the line counts as equal to it


def test_an_attribute_with_an_undefined_summary_fails_the_rule_across_attributes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Audited one by one, a summary undefined for one attribute is undefined overall."""
    rows = [
        {"tier": t, "sex": s, "hired": int(i % 3 == 0), "qualified": i % 2}
        for i, (t, s) in enumerate(
            [("x", "M")] * 500 + [("y", "M")] * 480 + [("x", "F")] * 10 + [("y", "F")] * 10
        )
    ]
    path = tmp_path / "two.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    args = [*_hiring_args(path), "--protected", "sex", "--fail-on", "disparate_impact_ratio<0.8"]
    code, out, err = run(args, capsys)
    doc = json.loads(out)
    assert doc["summary_by_attribute"]["tier"]["disparate_impact_ratio"] is not None
    assert doc["summary"]["disparate_impact_ratio"] is None
    assert code == 1
    assert "sex: only one group can be judged" in err
