"""A reviewer's own policy on the Compliance page: read from a TOML file with the command
line's checks, chosen, judged like a built-in one, kept with the review, and carried in and
out of audit bundles. A broken file says what is wrong and loses nothing already chosen."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components import review_session, state
from fairness_core.data import check_audit_data, get_demo
from fairness_core.metrics import SubgroupSettings, compute_subgroup_report
from fairness_core.policies import (
    ReviewEvidence,
    builtin_policies,
    evaluate_policies,
    parse_policy,
    policy_to_toml,
)
from fairness_core.report import build_bundle, build_review, identify_data
from tests.app.conftest import open_browser, open_loan_bundle

#: A name with Markdown and HTML in it: it must reach the screen as text.
NAME = "Acme *hiring* <b>policy</b>"


def _own_policy_text(line: float = 0.9, policy_id: str = "acme-hiring") -> str:
    """A copy of the four-fifths rule with its own id, name and a stricter line."""
    text = policy_to_toml(builtin_policies()["four-fifths"])
    text = re.sub(r'(?m)^"?id"? = "four-fifths"$', f'"id" = "{policy_id}"', text)
    text = re.sub(r'(?m)^"?name"? = ".*"$', f'"name" = "{NAME}"', text, count=1)
    text = re.sub(r'(?m)^"?line"? = 0\.8$', f'"line" = {line}', text)
    policy = parse_policy(text, origin="acme.toml")  # the edits above took
    assert (policy.id, policy.name) == (policy_id, NAME)
    assert [r.line for r in policy.requirements if r.kind == "ratio"] == [line]
    return text


def _upload(at: AppTest, name: str, text: str) -> None:
    uploader = next(u for u in at.get("file_uploader") if u.key == state.COMPLIANCE_POLICY_UPLOAD)
    uploader.set_value((name, text.encode(), "application/toml")).run()
    assert not at.exception, [e.value for e in at.exception]


def _go(at: AppTest, page: str) -> AppTest:
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _overview(at: AppTest):
    return next(d.value for d in at.dataframe if "Policy" in d.value.columns)


def _errors(at: AppTest) -> str:
    """Every error box's text, with Markdown's escaping backslashes taken out."""
    return re.sub(r"\\(.)", r"\1", " ".join(e.value for e in at.error))


def test_an_own_policy_is_read_chosen_and_judged_like_the_core_judges_it(app: AppTest) -> None:
    _go(app, "pages/compliance.py")
    _upload(app, "acme.toml", _own_policy_text())
    assert app.multiselect(key=state.COMPLIANCE_POLICIES).value == ["four-fifths", "acme-hiring"]
    table = _overview(app)
    mine = table[table["Policy"] == NAME]
    # The oracle: the core's evaluation of the same file on the same data and columns.
    loan = get_demo("loan")
    audit = check_audit_data(loan.load_test().frame, loan.roles)
    policy = parse_policy(_own_policy_text(), origin="acme.toml")
    columns = {"sex": "gender", "race_ethnicity": "race"}
    (expected,) = evaluate_policies([policy], audit, columns=columns)
    assert mine["Status"].tolist() == [r.status for r in expected.requirements]
    assert mine["Why"].tolist() == [r.reason for r in expected.requirements]
    # A stricter line than the four-fifths rule's judges at least as harshly.
    four = table[table["Policy"] == builtin_policies()["four-fifths"].name]
    assert (mine["Status"] == "not met").sum() >= (four["Status"] == "not met").sum()
    # The name is shown as text: escaped for Markdown, no HTML let through.
    headers = [h.value for h in app.subheader]
    assert any("\\*hiring\\*" in h and "<b>" not in h for h in headers), headers
    captions = re.sub(r"\\(.)", r"\1", " ".join(c.value for c in app.caption))
    assert "read from acme.toml" in captions


def test_a_broken_policy_file_says_where_and_keeps_what_was_chosen(app: AppTest) -> None:
    _go(app, "pages/compliance.py")
    app.multiselect(key=state.COMPLIANCE_POLICIES).set_value(["strict-internal", "four-fifths"])
    app.run()
    broken = _own_policy_text().replace('"line" = 0.9', '"line" = "high"')
    _upload(app, "broken.toml", broken)
    message = _errors(app)
    assert "'broken.toml'" in message
    assert "requirements[1].line: must be a number" in message
    chosen = app.multiselect(key=state.COMPLIANCE_POLICIES).value
    assert chosen == ["strict-internal", "four-fifths"]
    own = state.COMPLIANCE_OWN_POLICIES
    assert own not in app.session_state or app.session_state[own] == []  # nothing kept


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("clash.toml", None, "which a built-in policy uses"),
        ("latin1.toml", "name = 'Bj\xf6rk'".encode("latin-1"), "not UTF-8 text"),
        ("huge.toml", b"#" * (300 * 1024), "at most 256 KB"),
        ("not-toml.toml", b"this is = = not toml", "is not valid TOML at line 1"),
    ],
)
def test_unusable_policy_files_get_a_message_and_no_traceback(
    app: AppTest, name: str, data: bytes | None, words: str
) -> None:
    _go(app, "pages/compliance.py")
    text = _own_policy_text(policy_id="four-fifths").encode() if data is None else data
    uploader = next(u for u in app.get("file_uploader") if u.key == state.COMPLIANCE_POLICY_UPLOAD)
    uploader.set_value((name, text, "application/toml")).run()
    assert not app.exception, [e.value for e in app.exception]
    assert words in _errors(app)
    assert app.multiselect(key=state.COMPLIANCE_POLICIES).value == ["four-fifths"]


def test_an_own_policy_and_its_edited_line_survive_a_reload(database: Path) -> None:
    at = open_browser("alice")
    _go(at, "pages/compliance.py")
    _upload(at, "acme.toml", _own_policy_text())
    line = state.policy_line_key("acme-hiring", "impact_ratio")
    at.number_input(key=line).set_value(0.95).run()
    review_id = at.session_state[review_session.REVIEW_ID]

    again = open_browser("alice", review_id)
    _go(again, "pages/compliance.py")
    assert again.multiselect(key=state.COMPLIANCE_POLICIES).value == ["four-fifths", "acme-hiring"]
    assert again.number_input(key=line).value == 0.95
    assert NAME in set(_overview(again)["Policy"])


def test_a_bundle_with_an_own_policy_opens_with_it_chosen(app: AppTest) -> None:
    loan = get_demo("loan")
    dataset = loan.load_test()
    audit = check_audit_data(dataset.frame, loan.roles)
    report = compute_subgroup_report(audit, **SubgroupSettings(attributes=("race",)).options())
    own = parse_policy(_own_policy_text(), origin="acme.toml").with_lines({"impact_ratio": 0.85})
    columns = {"sex": "gender", "race_ethnicity": "race"}
    results = evaluate_policies([own], audit, columns=columns, evidence=ReviewEvidence())
    review = build_review(
        [report], roles=loan.roles, data=identify_data(dataset, audit), policies=results,
        evidence=ReviewEvidence(), policy_columns=columns,
    )  # fmt: skip
    open_loan_bundle(app, build_bundle(review))

    _go(app, "pages/compliance.py")
    assert app.multiselect(key=state.COMPLIANCE_POLICIES).value == ["acme-hiring"]
    assert app.number_input(key=state.policy_line_key("acme-hiring", "impact_ratio")).value == 0.85
    assert NAME in set(_overview(app)["Policy"])
