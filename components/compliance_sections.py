"""The Compliance page's sections: choosing policies, their columns and lines, the results.

The widgets' values are read back by :mod:`components.compliance` (so the Subgroups and
Report pages follow them without drawing them). Every text that came from a policy file or
from the data (names, categories, reasons) is escaped before it is drawn.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import streamlit as st

from components import compliance, state
from components.findings import render_add_to_findings
from fairness_core.escaping import escape_markdown, neutralise_formula
from fairness_core.formatting import format_number
from fairness_core.metrics import DEFAULT_METRICS, METRICS
from fairness_core.policies import (
    STATUS_ORDER,
    STATUSES,
    LL144Tables,
    Policy,
    PolicyError,
    PolicyResult,
    RequirementResult,
    ReviewEvidence,
    policy_to_toml,
)

#: Each status word's badge colour and icon: the word is always written out (never colour alone).
STATUS_BADGES: Mapping[str, tuple[str, str]] = {
    "met": ("green", ":material/check_circle:"),
    "not met": ("red", ":material/cancel:"),
    "too few people to judge": ("orange", ":material/group_off:"),
    "not assessed": ("gray", ":material/help:"),
}
#: Where a reviewer sees the evidence of a requirement: the page its evidence names first.
EVIDENCE_PAGES: Mapping[str, tuple[str, str]] = {
    "Subgroups": ("pages/subgroups.py", ":material/groups:"),
    "Dataset check": ("pages/dataset_audit.py", ":material/fact_check:"),
    "Trade-offs": ("pages/tradeoffs.py", ":material/balance:"),
    "What-if": ("pages/whatif.py", ":material/psychology_alt:"),
    "Monitoring": ("pages/monitoring.py", ":material/monitoring:"),
    "Report": ("pages/report.py", ":material/summarize:"),
}
#: Checklist evidence (a ReviewEvidence field) → the page it comes from.
CHECKLIST_PAGES: Mapping[str, str] = {
    "dataset_checked": "Dataset check",
    "analyses": "Subgroups",
    "findings": "Report",
    "operating_points": "Trade-offs",
    "monitoring": "Monitoring",
}
#: Checklist evidence (a ReviewEvidence field), in words.
EVIDENCE_WORDS: Mapping[str, str] = {
    "dataset_checked": "Dataset check run",
    "analyses": "Analyses added to the report",
    "findings": "Findings recorded",
    "operating_points": "Operating points named",
    "monitoring": "Decisions monitored over time",
    "intended_use": "Intended use written down (on this page, under About the system)",
    "human_oversight": "Human oversight described (on this page, under About the system)",
}
NOT_MAPPED = ""
LL144_TITLES: tuple[tuple[str, str], ...] = (
    ("by_sex", "By sex"),
    ("by_race", "By race/ethnicity"),
    ("intersectional", "Intersectional: sex × race/ethnicity"),
)
LL144_COLUMNS: Mapping[str, str] = {
    "category": "Category",
    "sex": "Sex",
    "race": "Race/ethnicity",
    "people": "People",
    "rate": "Rate",
    "impact_ratio": "Impact ratio",
    "excluded": "Left out of the impact ratios",
}


def status_badge(status: str) -> str:
    """The status word as a coloured badge with an icon (Markdown)."""
    colour, icon = STATUS_BADGES.get(status, ("gray", ":material/help:"))
    return f":{colour}-badge[{icon} {escape_markdown(status)}]"


# --------------------------------------------------------------------------------------
# Choices
# --------------------------------------------------------------------------------------


def render_policy_picker(catalogue: Mapping[str, Policy]) -> list[str]:
    """The policies chosen for the review (the first one's lines drive the Subgroups page)."""
    chosen: list[str] = st.multiselect(
        "Policies to check this review against",
        list(catalogue),
        default=[p for p in compliance.DEFAULT_POLICIES if p in catalogue],
        format_func=lambda p: catalogue[p].name,
        key=state.COMPLIANCE_POLICIES,
        persist_state="session",
        help="Each policy is a named rule set with its source. The first one chosen also "
        "sets the lines of the verdicts on the Subgroups page and in the report.",
    )
    return chosen


def _read_uploaded_policy() -> None:
    """The uploader's callback: read the file, keep it, choose it (before widgets are drawn)."""
    upload = st.session_state.get(state.COMPLIANCE_POLICY_UPLOAD)
    if upload is None:
        st.session_state.pop(state.COMPLIANCE_POLICY_ERROR, None)
        return
    try:
        policy = compliance.add_own_policy(upload.name, upload.getvalue())
    except PolicyError as exc:
        st.session_state[state.COMPLIANCE_POLICY_ERROR] = (upload.file_id, str(exc))
        return
    st.session_state.pop(state.COMPLIANCE_POLICY_ERROR, None)
    chosen = list(compliance.chosen_policy_ids())
    if policy.id not in chosen:
        chosen.append(policy.id)
    st.session_state[state.COMPLIANCE_POLICIES] = chosen


def render_own_policy_upload(catalogue: Mapping[str, Policy]) -> None:
    """Add a policy of one's own from a TOML file; a built-in one as a starting point."""
    st.caption(
        "A policy is a short text file (TOML) that names its source, its requirements and "
        "their lines. Start from a built-in policy: download it, change the id, the name "
        "and the lines, then add it here. docs/policies.md describes every key."
    )
    starting, upload = st.columns(2)
    builtin = [p for p in catalogue.values() if p.origin == "built-in"]
    with starting:
        template = st.selectbox(
            "Built-in policy to start from",
            [p.id for p in builtin],
            format_func=lambda p: catalogue[p].name,
            key=state.COMPLIANCE_TEMPLATE,
            persist_state="session",
        )
        if template:
            st.download_button(
                "Download it as a policy file",
                policy_to_toml(catalogue[template]).encode("utf-8"),
                file_name=f"{template}.toml",
                mime="application/toml",
                icon=":material/download:",
            )
    with upload:
        st.file_uploader(
            "Your policy file (.toml)",
            type=["toml"],
            key=state.COMPLIANCE_POLICY_UPLOAD,
            on_change=_read_uploaded_policy,
            help="Read with the same checks as on the command line; kept with this review.",
        )
    failed = st.session_state.get(state.COMPLIANCE_POLICY_ERROR)
    current = st.session_state.get(state.COMPLIANCE_POLICY_UPLOAD)
    if failed and current is not None and failed[0] == current.file_id:
        st.error(escape_markdown(failed[1]), icon=":material/warning:")
    own = [p for p in catalogue.values() if p.origin != "built-in"]
    if own:
        names = ", ".join(f"{p.name} (from {p.origin})" for p in own)
        st.caption(escape_markdown(f"Your own policies in this review: {names}."))


def render_column_choices(policies: Sequence[Policy], protected: Sequence[str]) -> None:
    """One picker per policy attribute (sex, race/ethnicity …): which column holds it."""
    attributes = compliance.policy_attributes(policies)
    if not attributes:
        st.caption("These policies judge every protected attribute chosen on Data & model.")
        return
    suggested = compliance.suggested_columns(policies, protected)
    columns = st.columns(min(len(attributes), 3))
    for index, attribute in enumerate(attributes):
        # "None" only where no column is suggested: the evaluation falls back on the
        # suggestion whenever an attribute is left unmapped, so offering "none" beside a
        # suggestion would promise what it does not do.
        default = suggested.get(attribute, NOT_MAPPED)
        options = [*protected] if default else [NOT_MAPPED, *protected]
        key = state.policy_column_key(attribute)
        if st.session_state.get(key) not in (None, *options):
            st.session_state.pop(key)  # a column of other data: start from the suggestion
        columns[index % len(columns)].selectbox(
            f"Column for {attribute.replace('_', '/')}",
            options,
            index=options.index(default),
            format_func=lambda c: "(none: not assessed)" if c == NOT_MAPPED else c,
            key=key,
            persist_state="session",
            help="Suggested from the column names; only protected attributes can be chosen.",
        )


def _restore_lines(policy_id: str) -> None:
    for key in [k for k in st.session_state if str(k).startswith(f"compliance.line.{policy_id}.")]:
        st.session_state.pop(key, None)


def render_line_editors(catalogue: Mapping[str, Policy], chosen: Sequence[str]) -> None:
    """A number per requirement: the policy's line, which the reviewer may change."""
    for policy_id in chosen:
        policy = catalogue[policy_id]
        if not policy.requirements:
            continue
        st.markdown(f"**{escape_markdown(policy.name)}**")
        columns = st.columns(min(len(policy.requirements), 3))
        for index, requirement in enumerate(policy.requirements):
            columns[index % len(columns)].number_input(
                escape_markdown(requirement.title),
                min_value=0.0,
                max_value=100.0,
                value=float(requirement.line),
                step=0.01,
                format="%.3f",
                key=state.policy_line_key(policy.id, requirement.id),
                persist_state="session",
                help=f"The policy's line is {requirement.line:g}. A changed line is recorded "
                "in the report as an edit made for this review.",
            )
        st.button(
            "Restore this policy's lines",
            key=f"compliance.restore.{policy.id}",
            icon=":material/restart_alt:",
            on_click=_restore_lines,
            args=(policy.id,),
            disabled=not compliance.edited_lines(policy),
        )


def render_system_text() -> None:
    """What the system is for and who oversees it (read by checklists and the report)."""
    left, right = st.columns(2)
    left.text_area(
        "Intended use of the system",
        key=state.COMPLIANCE_INTENDED_USE,
        persist_state="session",
        max_chars=2_000,
        placeholder="Who decides what with this model, for whom, and what it must not be used for.",
    )
    right.text_area(
        "Human oversight",
        key=state.COMPLIANCE_OVERSIGHT,
        persist_state="session",
        max_chars=2_000,
        placeholder="Who reviews the model's decisions, when they can override them, and "
        "how people can contest a decision.",
    )


# --------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------


def overview_table(results: Sequence[PolicyResult]) -> pd.DataFrame:
    """Policy × requirement × status, with the reason (plain text, for the table and findings)."""
    rows = [
        {
            "Policy": result.policy.name,
            "Requirement": item.title,
            "Judged on": item.attribute,
            "Status": item.status,
            "Why": item.reason,
            "Evidence": item.evidence,
        }
        for result in results
        for item in result.requirements
    ]
    columns = ["Policy", "Requirement", "Judged on", "Status", "Why", "Evidence"]
    return pd.DataFrame(rows, columns=columns)


def headline(result: PolicyResult) -> str:
    """Requirements per status, worst first: "2 of 3 requirements not met, 1 met."."""
    counts = dict.fromkeys(STATUS_ORDER, 0)
    for item in result.requirements:
        counts[item.status] = counts.get(item.status, 0) + 1
    parts = [[n, word] for word, n in counts.items() if n]
    if not parts:
        return "No requirement to judge."
    first = f"{parts[0][0]} of {len(result.requirements)} requirements {parts[0][1]}"
    return ", ".join([first, *(f"{n} {word}" for n, word in parts[1:])]) + "."


def render_overview(results: Sequence[PolicyResult]) -> None:
    """The policy × requirement table, its caption and "Add to findings"."""
    table = overview_table(results)
    sentence = " ".join(f"{r.policy.name} — {r.status}: {headline(r)}" for r in results)
    st.dataframe(
        table,
        hide_index=True,
        key="compliance.overview_table",
        # The status first and pinned: a long requirement title must not push it out of
        # sight on a 1280-wide screen.
        column_order=["Status", "Policy", "Requirement", "Judged on", "Why", "Evidence"],
        column_config={
            "Status": st.column_config.TextColumn(pinned=True),
            "Requirement": st.column_config.TextColumn(width="medium"),
            "Why": st.column_config.TextColumn(width="large"),
        },
    )
    st.caption(escape_markdown(sentence))
    with st.expander("What the status words mean"):
        for word, meaning in STATUSES.items():
            st.markdown(f"- {status_badge(word)} {escape_markdown(meaning)}")
    render_add_to_findings(
        "compliance.overview",
        title="Compliance with the chosen policies",
        page="Compliance",
        summary=sentence,
        table=table,
        settings={"policies": [r.policy.name for r in results]},
    )


def _show_in_subgroups(columns: list[str], metric: str) -> None:
    """Button callback: the Subgroups page opens on the columns (and metric) judged."""
    st.session_state[state.SUBGROUPS_ATTRIBUTES] = columns
    if metric not in METRICS:  # a policy's own measure (scoring rate, SMD): columns only
        return
    chosen = st.session_state.get(state.SUBGROUPS_METRICS)
    if isinstance(chosen, list) and metric not in chosen and not METRICS[metric].needs_scores:
        chosen = [*chosen, metric]
        st.session_state[state.SUBGROUPS_METRICS] = chosen
    if metric in (chosen if isinstance(chosen, list) else DEFAULT_METRICS):
        st.session_state[state.SUBGROUPS_METRIC] = metric


def _evidence_link(item: RequirementResult, policy: Policy, protected: Sequence[str]) -> None:
    """Where the evidence is: Subgroups opens on the columns judged; other pages are links."""
    evidence = item.evidence or "Subgroups"
    place = evidence.split(":", 1)[0].strip()
    if place not in EVIDENCE_PAGES:
        return
    page, icon = EVIDENCE_PAGES[place]
    label = f"Evidence: {escape_markdown(evidence)}"
    columns = item.attribute.split(" × ") if item.attribute else []
    if place != "Subgroups" or not columns or not set(columns) <= set(protected):
        st.page_link(page, label=label, icon=icon)
        return
    metric = next((r.metric for r in policy.requirements if r.id == item.requirement), "")
    if st.button(
        label,
        key=f"compliance.evidence.{policy.id}.{item.requirement}.{item.attribute}",
        icon=icon,
        type="tertiary",
        on_click=_show_in_subgroups,
        args=(columns, metric),
        help="Opens the Subgroups page on the groups this requirement judged.",
    ):
        st.switch_page(page)


def _render_requirement(item: RequirementResult, policy: Policy, protected: Sequence[str]) -> None:
    text, status = st.columns([2, 3])
    judged = f" — {escape_markdown(item.attribute)}" if item.attribute else ""
    text.markdown(f"**{escape_markdown(item.title)}**{judged}")
    if item.value is not None and item.line is not None:
        text.caption(f"Worst value {format_number(item.value, 3)}, line {item.line:g}")
    status.markdown(f"{status_badge(item.status)} {escape_markdown(item.reason)}")
    with status:
        _evidence_link(item, policy, protected)


def _has(evidence: ReviewEvidence, key: str) -> bool:
    value = getattr(evidence, key, None)
    return bool(value.strip()) if isinstance(value, str) else bool(value)


def _render_checklist(result: PolicyResult, evidence: ReviewEvidence) -> None:
    """Each checklist item: the evidence this review provides or not, and what it leaves out."""
    by_id = {r.requirement: r for r in result.requirements}
    for item in result.policy.checklist:
        provided = [key for key in item.evidence if _has(evidence, key)]
        word = (
            ":green-badge[:material/check_circle: evidence provided]"
            if provided and len(provided) == len(item.evidence)
            else ":orange-badge[:material/rule: partly provided]"
            if provided
            else ":gray-badge[:material/radio_button_unchecked: not provided]"
        )
        with st.container(border=True):
            st.markdown(f"**{escape_markdown(item.title)}** {word}")
            for key in item.evidence:
                mark = "provided" if key in provided else "not provided"
                st.markdown(f"- {EVIDENCE_WORDS.get(key, key)}: **{mark}**")
                page = CHECKLIST_PAGES.get(key)
                if page is not None and key not in provided:
                    path, icon = EVIDENCE_PAGES[page]
                    st.page_link(path, label=f"Go to {page}", icon=icon)
            st.markdown(f"*What this review provides:* {escape_markdown(item.provides)}")
            st.markdown(f"*What it does not cover:* {escape_markdown(item.does_not)}")
            outcome = by_id.get(item.id)
            if outcome is not None and outcome.reason:
                st.caption(escape_markdown(outcome.reason))


def ll144_titles(tables: LL144Tables) -> dict[str, str]:
    """Column titles of the Local Law 144 tables ("selected" says what was counted)."""
    counted = "Scored above the median" if tables.median_score is not None else "Selected"
    return {**LL144_COLUMNS, "selected": counted}


def ll144_csv(tables: LL144Tables) -> bytes:
    """The Local Law 144 tables as one CSV (one block per table; formulas neutralised)."""
    frames = []
    for name, title in LL144_TITLES:
        frame = getattr(tables, name).copy()
        frame.insert(0, "table", title)
        frames.append(frame)
    table = pd.concat(frames, ignore_index=True)
    for column in table.columns:
        if not pd.api.types.is_numeric_dtype(table[column]):
            table[column] = table[column].map(
                lambda v: neutralise_formula(str(v)) if isinstance(v, str) else v
            )
    titles = {"table": "Table", **ll144_titles(tables)}
    return table.rename(columns=titles).to_csv(index=False).encode()


def render_ll144(result: PolicyResult) -> None:
    """The NYC Local Law 144 tables, their notes, a CSV download and "Add to findings"."""
    tables = result.ll144
    if tables is None:
        return
    st.markdown("**NYC Local Law 144 tables**")
    rate = escape_markdown(tables.rate_name)
    note = f"Rates are {rate}s; an impact ratio is a category's {rate} over the highest one's."
    if tables.median_score is not None:
        median = f"{tables.median_score:.3g}"
        note += f" Scoring rate: the share scoring above the sample's median ({median})."
    st.caption(note)
    for name, title in LL144_TITLES:
        frame: pd.DataFrame = getattr(tables, name)
        st.markdown(f"*{title}*")
        if {"sex", "race"} <= set(frame.columns):  # the two columns say it already
            frame = frame.drop(columns=["category"], errors="ignore")
        st.dataframe(
            frame.rename(columns=ll144_titles(tables)),
            hide_index=True,
            key=f"compliance.ll144.{result.policy.id}.{name}",
            column_config={
                "Rate": st.column_config.NumberColumn(format="%.3f"),
                "Impact ratio": st.column_config.NumberColumn(format="%.3f"),
            },
        )
    if tables.unknown:
        counts = ", ".join(f"{escape_markdown(a)}: {n:,}" for a, n in tables.unknown.items())
        st.caption(f"People in an unknown category — {counts}.")
    if tables.excluded:
        share = tables.exclude_below_share
        st.caption(
            "Left out of the impact ratios"
            + (f" (under {share:.0%} of the data)" if share else "")
            + f", reported separately: {escape_markdown(', '.join(tables.excluded))}."
        )
    st.download_button(
        "Download the Local Law 144 table (CSV)",
        data=ll144_csv(tables),
        file_name="ll144-bias-audit.csv",
        mime="text/csv",
        key=f"{state.COMPLIANCE_LL144_DOWNLOAD}.{result.policy.id}",
        on_click="ignore",
        icon=":material/download:",
    )
    render_add_to_findings(
        f"compliance.ll144.{result.policy.id}",
        title="NYC Local Law 144 impact ratios",
        page="Compliance",
        summary=note,
        table=tables.intersectional.rename(columns=ll144_titles(tables)),
    )


def render_policy_result(
    result: PolicyResult, evidence: ReviewEvidence, protected: Sequence[str]
) -> None:
    """One policy: headline, source, edits, each requirement, LL144 tables, checklist."""
    policy = result.policy
    st.subheader(escape_markdown(policy.name))
    st.markdown(f"{status_badge(result.status)} {escape_markdown(headline(result))}")
    st.caption(
        escape_markdown(
            f"Version {policy.version} · {policy.source}"
            + ("" if policy.origin == "built-in" else f" · read from {policy.origin}")
        )
    )
    if policy.summary:
        st.markdown(escape_markdown(policy.summary))
    if policy.edits:
        titles = {r.id: r.title for r in policy.requirements}
        changed = "; ".join(
            f"{titles.get(e.requirement, e.requirement)}: {e.original:g} → {e.edited:g}"
            for e in policy.edits
        )
        st.info(
            escape_markdown(f"Lines edited for this review: {changed}."), icon=":material/edit:"
        )
    checklist_ids = {i.id for i in policy.checklist}
    for item in result.requirements:
        if item.requirement not in checklist_ids:
            _render_requirement(item, policy, protected)
    render_ll144(result)
    if policy.checklist:
        _render_checklist(result, evidence)
    if policy.not_covered:
        with st.expander("What this policy does not cover"):
            st.markdown(escape_markdown(policy.not_covered))
