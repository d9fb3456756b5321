"""The review's policies: which are chosen, their lines as edited, and their results.

The Compliance page draws the widgets (:mod:`components.compliance_sections`); this module
reads what they hold, so every page agrees without drawing them:

- :func:`chosen_policies` — the policies chosen for the review (default: the four-fifths
  rule), each with the lines the reviewer edited for this review recorded
  (``Policy.with_lines``);
- :func:`subgroup_lines` — the first chosen policy's lines, which the Subgroups page's
  verdicts (and the report's analyses) use, and the sentence that says so;
- :func:`compliance_results` — the one call that evaluates the chosen policies on the
  review (cached); the Compliance page shows it and the report is handed it;
- :func:`add_own_policy` — a reviewer's own policy file, read with the same checks as on
  the command line and kept with the review as its text (never as a file path).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st

from components import state
from components.keyed_cache import cached
from components.state import AuditInputs
from fairness_core.data import AuditData
from fairness_core.errors import FairnessCoreError
from fairness_core.policies import (
    Policy,
    PolicyError,
    PolicyResult,
    ReviewEvidence,
    builtin_policies,
    evaluate_policies,
    parse_policy,
    policy_to_toml,
    suggest_policy_columns,
)

#: The policy a review follows until the reviewer chooses others.
DEFAULT_POLICIES: tuple[str, ...] = ("four-fifths",)
#: The Subgroups page's lines when no policy gives any (compute_subgroup_report's defaults).
DEFAULT_LINES: Mapping[str, float] = {"ratio_threshold": 0.8, "tolerance": 0.1}


#: The largest own policy file read (a policy is a few kilobytes of text).
MAX_POLICY_BYTES = 256 * 1024


@st.cache_resource(show_spinner=False)
def _builtin() -> Mapping[str, Policy]:
    return builtin_policies()


@st.cache_resource(show_spinner=False, max_entries=64)
def _parsed(name: str, text: str) -> Policy:
    """An own policy read from its text (frozen, so a cached one is shared safely)."""
    return parse_policy(text, origin=name)


def own_policies() -> list[tuple[str, str]]:
    """The reviewer's own policy files kept with the review: (file name, TOML text)."""
    kept = st.session_state.get(state.COMPLIANCE_OWN_POLICIES) or []
    return [(str(item[0]), str(item[1])) for item in kept if len(item) == 2]


def available_policies() -> Mapping[str, Policy]:
    """The built-in policies and the reviewer's own, id → policy."""
    catalogue = dict(_builtin())
    for name, text in own_policies():
        try:
            policy = _parsed(name, text)
        except PolicyError:
            continue  # checked when it was added; a file of another app version is skipped
        if policy.id not in catalogue:
            catalogue[policy.id] = policy
    return catalogue


def add_own_policy(name: str, data: bytes) -> Policy:
    """Read a reviewer's policy file and keep it with the review (it replaces an own policy
    with the same id); :class:`PolicyError` says what is wrong and how to fix it."""
    where = f"The policy file {name!r}"
    if len(data) > MAX_POLICY_BYTES:
        raise PolicyError(
            f"{where} is {len(data) / 1024:,.0f} KB; a policy file is at most "
            f"{MAX_POLICY_BYTES // 1024} KB. Check that you chose the policy (.toml) file."
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PolicyError(
            f"{where} is not UTF-8 text. Save it as UTF-8 text (TOML) and load it again."
        ) from exc
    policy = parse_policy(text, origin=name)
    if policy.id in _builtin():
        raise PolicyError(
            f"{where} has the id {policy.id!r}, which a built-in policy uses. Give your "
            'policy its own id (for example id = "acme-hiring") and load it again.'
        )
    kept = [[n, t] for n, t in own_policies() if _id_of(n, t) != policy.id]
    st.session_state[state.COMPLIANCE_OWN_POLICIES] = [*kept, [name, text]]
    return policy


def _id_of(name: str, text: str) -> str | None:
    try:
        return _parsed(name, text).id
    except PolicyError:
        return None


def chosen_policy_ids() -> tuple[str, ...]:
    """The ids of the policies chosen for the review, in the reviewer's order."""
    known = available_policies()
    chosen = st.session_state.get(state.COMPLIANCE_POLICIES)
    if chosen is None:
        chosen = [p for p in DEFAULT_POLICIES if p in known]
    return tuple(str(p) for p in chosen if p in known)


def edited_lines(policy: Policy) -> dict[str, float]:
    """The requirements' lines the reviewer changed for this review (requirement → line)."""
    lines: dict[str, float] = {}
    for requirement in policy.requirements:
        value = st.session_state.get(state.policy_line_key(policy.id, requirement.id))
        if isinstance(value, (int, float)) and float(value) != requirement.line:
            lines[requirement.id] = float(value)
    return lines


def chosen_policies() -> tuple[Policy, ...]:
    """The chosen policies with the reviewer's line edits recorded."""
    known = available_policies()
    out = []
    for policy_id in chosen_policy_ids():
        policy = known[policy_id]
        lines = edited_lines(policy)
        out.append(policy.with_lines(lines) if lines else policy)
    return tuple(out)


def policy_attributes(policies: Sequence[Policy]) -> list[str]:
    """Every policy attribute the chosen policies name, once, in order of appearance."""
    names: list[str] = []
    for policy in policies:
        names += [a for a in policy.attributes if a not in names]
    return names


def suggested_columns(policies: Sequence[Policy], protected: Sequence[str]) -> dict[str, str]:
    """Policy attribute → protected column, from the policies' column-name hints."""
    suggested: dict[str, str] = {}
    for policy in policies:
        for attribute, column in suggest_policy_columns(policy, list(protected)).items():
            suggested.setdefault(attribute, column)
    return suggested


def policy_columns(policies: Sequence[Policy], protected: Sequence[str]) -> dict[str, str]:
    """Policy attribute → column: the reviewer's choice, else the suggestion ("" = none)."""
    suggested = suggested_columns(policies, protected)
    columns: dict[str, str] = {}
    for attribute in policy_attributes(policies):
        chosen = st.session_state.get(state.policy_column_key(attribute))
        if chosen is None or (chosen and chosen not in protected):
            chosen = suggested.get(attribute, "")  # not chosen yet, or another data's column
        if chosen:
            columns[attribute] = str(chosen)
    return columns


def _page_visited(widget_key: str, page: str) -> bool:
    """True once a page was worked on: its kept widget exists, or a finding came from it."""
    return widget_key in st.session_state or any(f.page == page for f in state.get_findings())


def review_evidence() -> ReviewEvidence:
    """What this review did, for the checklists (EU AI Act) and the report."""
    return ReviewEvidence(
        dataset_checked=_page_visited(state.DATASETCHECK_ATTRIBUTE, "Dataset check"),
        analyses=len(state.get_report_analyses()),
        findings=len(state.get_findings()),
        operating_points=len(state.get_operating_points()),
        monitoring=_page_visited(state.MONITORING_PROTECTED, "Monitoring"),
        intended_use=str(st.session_state.get(state.COMPLIANCE_INTENDED_USE) or "").strip(),
        human_oversight=str(st.session_state.get(state.COMPLIANCE_OVERSIGHT) or "").strip(),
    )


@cached(spinner="Checking the review against its policies…", max_entries=32)
def _evaluate(
    audit: AuditData,
    policies: tuple[Policy, ...],
    columns: Mapping[str, str],
    evidence: ReviewEvidence,
) -> tuple[PolicyResult, ...]:
    return evaluate_policies(policies, audit, columns=columns, evidence=evidence)


@dataclass(frozen=True)
class ReviewCompliance:
    """The chosen policies' results and what they were evaluated with (for the report)."""

    results: tuple[PolicyResult, ...]
    evidence: ReviewEvidence
    columns: Mapping[str, str]


def review_compliance(inputs: AuditInputs, audit: AuditData) -> ReviewCompliance:
    """The chosen policies (with their edited lines) evaluated on this review (cached).

    The one place the app evaluates policies: the Compliance page shows these results and
    the Report page hands the same ones, with the evidence and the columns, to
    ``build_review`` — so the page and every file cannot disagree.
    """
    policies = chosen_policies()
    evidence = review_evidence()
    protected = [g.name for g in audit.groups]
    columns = policy_columns(policies, protected)
    results = _evaluate(audit, policies, columns, evidence) if policies else ()
    return ReviewCompliance(results, evidence, columns)


def compliance_results(inputs: AuditInputs, audit: AuditData) -> tuple[PolicyResult, ...]:
    """The chosen policies' results on this review (:func:`review_compliance`'s)."""
    return review_compliance(inputs, audit).results


@dataclass(frozen=True)
class VerdictLines:
    """The lines the Subgroups verdicts use, and the sentence that says whose they are."""

    ratio_threshold: float
    tolerance: float
    sentence: str


def subgroup_lines() -> VerdictLines:
    """The first chosen policy's lines (``Policy.subgroup_options``) for the Subgroups page.

    With no policy chosen, or one without a ratio or difference requirement on a rate,
    the usual lines (impact ratio 0.8, difference 0.1) fill in.
    """
    policies = chosen_policies()
    options: Mapping[str, Any] = {}
    if policies:
        try:
            options = policies[0].subgroup_options()
        except FairnessCoreError:
            options = {}
    ratio = float(options.get("ratio_threshold", DEFAULT_LINES["ratio_threshold"]))
    tolerance = float(options.get("tolerance", DEFAULT_LINES["tolerance"]))
    parts = {
        "ratio_threshold": f"impact ratio at least {ratio:g}",
        "tolerance": f"difference at most {tolerance:g}",
    }
    own = [text for name, text in parts.items() if name in options]
    usual = [text for name, text in parts.items() if name not in options]
    if not policies or not own:
        sentence = f"Verdicts use the usual lines: {', '.join(usual)}" + (
            f" ({policies[0].name} sets none)." if policies else "."
        )
    else:
        sentence = f"Verdicts use the lines of {policies[0].name}: {', '.join(own)}"
        if policies[0].edits:
            sentence += " (edited for this review on the Compliance page)"
        sentence += f"; the usual {usual[0]}." if usual else "."
    return VerdictLines(ratio, tolerance, sentence)


def restore_choices(
    policies: Sequence[Policy], columns: Mapping[str, str], evidence: ReviewEvidence
) -> list[str]:
    """Put a bundle's policies back as the review's choices (before any widget is drawn).

    Every policy is chosen again with its edited lines, columns and the system text; a
    policy read from a file becomes one of the review's own policies (its text, as the
    bundle carries it). The names of policies that cannot be chosen (an own policy whose
    id is a built-in's) are returned so the reviewer can be told.
    """
    builtin = _builtin()
    chosen, skipped, own = [], [], []
    for policy in policies:
        if policy.origin == "built-in" and policy.id in builtin:
            chosen.append(policy.id)
        elif policy.origin != "built-in" and policy.id not in builtin:
            own.append([policy.origin, policy_to_toml(policy)])
            chosen.append(policy.id)
        else:
            skipped.append(policy.name)
            continue
        for edit in policy.edits:
            st.session_state[state.policy_line_key(policy.id, edit.requirement)] = edit.edited
    st.session_state[state.COMPLIANCE_OWN_POLICIES] = own
    st.session_state[state.COMPLIANCE_POLICIES] = chosen
    for attribute, column in columns.items():
        st.session_state[state.policy_column_key(attribute)] = column
    st.session_state[state.COMPLIANCE_INTENDED_USE] = evidence.intended_use
    st.session_state[state.COMPLIANCE_OVERSIGHT] = evidence.human_oversight
    return skipped
