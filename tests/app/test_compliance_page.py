"""The Compliance page: policies chosen for a review, their lines edited, their results.

The hiring data is generated here: 40-person blocks, each of one sex and one race/ethnicity,
selecting 20 of 40 men, 19 of 40 people of unknown sex and 17 of 40 women, so women's impact
ratio is exactly 0.425 / 0.5 = 0.85 — above the four-fifths line, below a 0.9 line, and
statistically significant at these sizes. One race/ethnicity has a single block (under 2%
of the data) and both attributes have an "Unknown" category.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from components import compliance_sections, review_session, state
from fairness_core.data import check_audit_data, get_demo
from fairness_core.metrics import SubgroupSettings, compute_subgroup_report
from fairness_core.policies import LL144Tables, ReviewEvidence, builtin_policies, evaluate_policies
from fairness_core.report import build_bundle, build_review, identify_data
from tests.app.conftest import open_browser as _browser
from tests.app.conftest import open_loan_bundle

APP = str(Path(__file__).resolve().parents[2] / "app.py")
RACES = ["White"] * 20 + ["Black"] * 15 + ["Hispanic"] * 12 + ["Asian"] * 10 + ["Unknown"] * 2
SMALL_RACE = "Native Hawaiian"  # one block of 40 in 4,040 people: under 2%


def _hiring_rows() -> pd.DataFrame:
    rows = []
    pattern = [*RACES, SMALL_RACE]
    for block in range(101):
        sex = "Unknown" if block % 20 == 19 else ("male" if block % 2 else "female")
        race = pattern[block % len(pattern)]
        chosen = {"female": 17, "male": 20}.get(sex, 19)
        for j in range(40):
            selected = j < chosen
            rows.append(
                {
                    "applicant_id": block * 40 + j,
                    "sex": sex,
                    "race": race,
                    "model_prob": (0.6 if selected else 0.1) + (j % 10) / 100,
                    "hired": "yes" if (j * 7) % 10 < 4 else "no",
                }
            )
    return pd.DataFrame(rows)


HIRING = _hiring_rows()


def _ratio_requirement(policy_id: str) -> str:
    policy = builtin_policies()[policy_id]
    return next(r.id for r in policy.requirements if r.kind == "ratio")


def _go(at: AppTest, page: str) -> AppTest:
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _upload_hiring(at: AppTest) -> None:
    at.radio(key=state.DATA_ORIGIN).set_value("My own files").run()
    data = HIRING.to_csv(index=False).encode()
    at.get("file_uploader")[0].set_value(("hiring.csv", data, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    assert list(at.session_state[state.ROLES].protected) == ["sex", "race"]


def _table(at: AppTest, column: str, value: object = None) -> pd.DataFrame:
    """The first table on the page with ``column`` (holding ``value``, when given)."""
    for element in at.dataframe:
        table = element.value
        if column in table.columns and (value is None or value in set(table[column])):
            return table
    raise AssertionError(f"no table with {column!r} = {value!r}")


def _statuses(at: AppTest, policy_name: str) -> list[str]:
    table = _table(at, "Policy")
    return table.loc[table["Policy"] == policy_name, "Status"].tolist()


def _captions(at: AppTest) -> str:
    """Every caption's text, with Markdown's escaping backslashes taken out."""
    return re.sub(r"\\(.)", r"\1", " ".join(c.value for c in at.caption))


@pytest.fixture
def hiring(app: AppTest) -> AppTest:
    """The app with the generated hiring data loaded."""
    _upload_hiring(app)
    return app


def test_the_four_fifths_rule_is_checked_by_default_on_the_demo(app: AppTest) -> None:
    _go(app, "pages/compliance.py")
    assert app.multiselect(key=state.COMPLIANCE_POLICIES).value == ["four-fifths"]
    statuses = _statuses(app, builtin_policies()["four-fifths"].name)
    assert statuses
    assert set(statuses) <= {"met", "not met", "not assessed", "too few people to judge"}
    assert not app.error


def test_the_evidence_opens_subgroups_on_the_groups_judged(app: AppTest) -> None:
    _go(app, "pages/compliance.py")
    app.button(key="compliance.evidence.four-fifths.impact_ratio.race").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.multiselect(key=state.SUBGROUPS_ATTRIBUTES).value == ["race"]
    assert app.selectbox(key=state.SUBGROUPS_METRIC).value == "selection_rate"


def test_two_policies_and_an_edited_line_reach_the_statuses_and_subgroups(
    hiring: AppTest,
) -> None:
    """Women's 0.85 meets 0.8; the line edited to 0.9 fails it, here and on Subgroups."""
    four_fifths = builtin_policies()["four-fifths"]
    _go(hiring, "pages/compliance.py")
    hiring.multiselect(key=state.COMPLIANCE_POLICIES).set_value(
        ["four-fifths", "strict-internal"]
    ).run()
    assert not hiring.exception
    assert "met" in _statuses(hiring, four_fifths.name)
    assert "not met" not in _statuses(hiring, four_fifths.name)
    assert _statuses(hiring, builtin_policies()["strict-internal"].name)

    _go(hiring, "pages/subgroups.py")  # an analysis added to the report before the edit
    hiring.button(key="subgroups.add_to_report").click().run()
    assert len(hiring.session_state[state.REPORT_ANALYSES]) == 1
    _go(hiring, "pages/compliance.py")
    line = state.policy_line_key("four-fifths", _ratio_requirement("four-fifths"))
    hiring.number_input(key=line).set_value(0.9).run()
    assert not hiring.exception
    assert "not met" in _statuses(hiring, four_fifths.name)
    assert any("0\\.8 → 0\\.9" in i.value for i in hiring.info)  # the edit is shown

    _go(hiring, "pages/subgroups.py")
    assert "impact ratio at least 0.9" in _captions(hiring)
    table = hiring.dataframe[0].value
    women = table[table["group"] == "female"].iloc[0]
    assert women["ratio_verdict"] == "adverse impact"  # 0.85 < 0.9, significant
    assert hiring.session_state[state.REPORT_SUBGROUP_SETTINGS].ratio_threshold == 0.9

    _go(hiring, "pages/report.py")  # the analysis added before is judged with the new line
    rows = [t.value for t in hiring.table if "Setting" in t.value.columns]
    lines = {r["Value"] for t in rows for _, r in t.iterrows() if r["Setting"] == "Line for ratios"}
    assert lines
    assert all(v.startswith("0\\.9 where lower harms") for v in lines), lines
    summary = [m.value for m in hiring.markdown if "Policies checked" in m.value]
    assert summary  # the report is handed the same results, edit included
    assert "four\\-fifths rule\\: not met" in summary[0]

    _go(hiring, "pages/data.py")  # leaving the page keeps the choices
    _go(hiring, "pages/compliance.py")
    assert hiring.multiselect(key=state.COMPLIANCE_POLICIES).value == [
        "four-fifths",
        "strict-internal",
    ]
    assert hiring.number_input(key=line).value == 0.9


def test_local_law_144_tables_for_hiring_data(hiring: AppTest) -> None:
    _go(hiring, "pages/compliance.py")
    hiring.multiselect(key=state.COMPLIANCE_POLICIES).set_value(["nyc-ll144"]).run()
    assert not hiring.exception
    assert hiring.selectbox(key=state.policy_column_key("sex")).value == "sex"
    by_sex = _table(hiring, "Category", "female")
    by_race = _table(hiring, "Category", SMALL_RACE)
    both = _table(hiring, "Race/ethnicity")
    assert set(both["Sex"]) >= {"female", "male"}
    assert by_race.loc[by_race["Category"] == SMALL_RACE, "Left out of the impact ratios"].all()
    # Oracle: the data has scores, so Local Law 144's scoring rate — the share of a category
    # scoring above the whole sample's median — counted directly from the generated rows.
    above = HIRING["model_prob"] > HIRING["model_prob"].median()
    rates = HIRING.assign(above=above).groupby("sex")["above"].mean()
    women = by_sex[by_sex["Category"] == "female"].iloc[0]
    assert women["People"] == (HIRING["sex"] == "female").sum()
    assert women["Rate"] == pytest.approx(rates["female"])
    assert women["Impact ratio"] == pytest.approx(rates["female"] / rates["male"])
    captions = _captions(hiring)
    assert SMALL_RACE in captions  # excluded from the impact ratios, reported separately
    assert "unknown category" in captions
    assert "scoring rate" in captions


def test_a_policy_without_its_columns_is_not_assessed_without_a_traceback(app: AppTest) -> None:
    """The resume demo has no race/ethnicity column: those requirements are not assessed."""
    app.selectbox(key=state.DATA_DEMO).set_value("resume").run()
    _go(app, "pages/compliance.py")
    app.multiselect(key=state.COMPLIANCE_POLICIES).set_value(["nyc-ll144", "eu-ai-act"]).run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.selectbox(key=state.policy_column_key("race_ethnicity")).value == ""
    statuses = _statuses(app, builtin_policies()["nyc-ll144"].name)
    assert "not assessed" in statuses
    assert _statuses(app, builtin_policies()["eu-ai-act"].name)
    assert not app.error

    def intended_use_marks() -> list[str]:
        return [m.value for m in app.markdown if m.value.startswith("- Intended use written")]

    assert intended_use_marks()
    assert all(m.endswith("**not provided**") for m in intended_use_marks())
    app.text_area(key=state.COMPLIANCE_INTENDED_USE).set_value("Shortlisting CVs").run()
    assert all(m.endswith("**provided**") for m in intended_use_marks())
    assert not any(m.endswith("**not provided**") for m in intended_use_marks())


def test_the_ll144_csv_neutralises_formulas() -> None:
    frame = pd.DataFrame(
        {"category": ["=HYPERLINK(1)", "men"], "people": [3, 4], "rate": [0.2, 0.4],
         "impact_ratio": [0.5, 1.0], "excluded": [False, False]}
    )  # fmt: skip
    tables = LL144Tables("selection rate", None, frame, frame, frame, {}, (), None)
    text = compliance_sections.ll144_csv(tables).decode()
    assert "Impact ratio" in text.splitlines()[0]
    assert "\n=HYPERLINK" not in text
    assert ",=HYPERLINK" not in text
    assert text.count("men") == 3


def test_policies_and_edited_lines_survive_a_reload(database: Path) -> None:
    at = _browser("alice")
    _go(at, "pages/compliance.py")
    at.multiselect(key=state.COMPLIANCE_POLICIES).set_value(["strict-internal", "four-fifths"])
    at.run()
    line = state.policy_line_key("four-fifths", _ratio_requirement("four-fifths"))
    at.number_input(key=line).set_value(0.7).run()
    at.text_area(key=state.COMPLIANCE_INTENDED_USE).set_value("Screening loan files").run()
    review_id = at.session_state[review_session.REVIEW_ID]

    again = _browser("alice", review_id)
    _go(again, "pages/compliance.py")
    assert again.multiselect(key=state.COMPLIANCE_POLICIES).value == [
        "strict-internal",
        "four-fifths",
    ]
    assert again.number_input(key=line).value == 0.7
    assert again.text_area(key=state.COMPLIANCE_INTENDED_USE).value == "Screening loan files"
    _go(again, "pages/subgroups.py")  # the first policy (strict-internal) sets the lines
    strict = builtin_policies()["strict-internal"]
    assert f"Verdicts use the lines of {strict.name}" in _captions(again)


def test_an_audit_bundle_opens_with_its_policies_lines_and_text(app: AppTest) -> None:
    """A bundle's built-in policies, edited line, columns and system text are chosen again."""
    loan = get_demo("loan")
    dataset = loan.load_test()
    audit = check_audit_data(dataset.frame, loan.roles)
    settings = SubgroupSettings(attributes=("race",))
    report = compute_subgroup_report(audit, **settings.options())
    known = builtin_policies()
    edited = known["four-fifths"].with_lines({"impact_ratio": 0.75})
    columns = {"sex": "gender", "race_ethnicity": "race"}
    evidence = ReviewEvidence(intended_use="Consumer loans", human_oversight="Credit officers")
    results = evaluate_policies(
        [known["strict-internal"], edited], audit, columns=columns, evidence=evidence
    )
    review = build_review(
        [report], roles=loan.roles, data=identify_data(dataset, audit), policies=results,
        evidence=evidence, policy_columns=columns,
    )  # fmt: skip
    open_loan_bundle(app, build_bundle(review))

    _go(app, "pages/compliance.py")
    assert app.multiselect(key=state.COMPLIANCE_POLICIES).value == [
        "strict-internal",
        "four-fifths",
    ]
    line = state.policy_line_key("four-fifths", "impact_ratio")
    assert app.number_input(key=line).value == 0.75
    assert app.selectbox(key=state.policy_column_key("sex")).value == "gender"
    assert app.text_area(key=state.COMPLIANCE_OVERSIGHT).value == "Credit officers"
