"""Report: the findings pinned during the review, the operating points compared, the exports."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from components import cache, review_report, state
from components.audit import require_audit
from components.errors import render_error
from components.privacy import holds_individuals, show_rows
from components.report_downloads import render_downloads
from components.router import ensure_routed
from components.server_data import render_whole_note
from fairness_core.errors import FairnessCoreError
from fairness_core.escaping import escape_markdown
from fairness_core.report import (
    MAX_NOTE_CHARS,
    SEVERITIES,
    SEVERITY_TITLES,
    OperatingPointRecord,
    compare_operating_points,
)

ensure_routed()


# --- Callbacks (run before the page, so the list below is always current) -------------
def _move(finding_id: str, step: int) -> None:
    findings = state.get_findings()
    index = next(i for i, f in enumerate(findings) if f.id == finding_id)
    target = min(max(index + step, 0), len(findings) - 1)
    findings.insert(target, findings.pop(index))
    state.set_findings(findings)


def _delete(finding_id: str) -> None:
    findings = state.get_findings()
    removed = [f for f in findings if f.id == finding_id]
    state.set_findings([f for f in findings if f.id != finding_id])
    if removed:
        state.push_report_notice(f"Deleted the finding “{removed[0].title}”.")


def _save(finding_id: str) -> None:
    key = state.report_finding_key
    title = str(st.session_state.get(key(finding_id, "title"), "")).strip()
    note = str(st.session_state.get(key(finding_id, "note"), "")).strip()
    chosen_severity = st.session_state.get(key(finding_id, "severity"))
    severity = SEVERITIES[0]  # "info" unless a known severity was chosen
    for known in SEVERITIES:
        if known == chosen_severity:
            severity = known
    if not title:
        state.push_report_notice("A finding needs a title. Type a few words, then save again.")
        return
    findings = [
        replace(f, title=title, note=note, severity=severity) if f.id == finding_id else f
        for f in state.get_findings()
    ]
    state.set_findings(findings)
    state.push_report_notice(f"Saved “{title}”.")


def _forget_operating_point(point_id: str) -> None:
    removed = [p for p in state.get_operating_points() if p.id == point_id]
    state.remove_operating_point(point_id)
    if removed:
        state.push_report_notice(f"Removed the operating point “{removed[0].title}”.")


def _recommend(point_id: str) -> None:
    state.set_recommended_point(point_id)


def _render_point(point: OperatingPointRecord, recommended: bool) -> None:
    """One option: its name (marked when recommended), rationale, change, rules, buttons."""
    with st.container(border=True, key=f"report.point.{point.id}.box"):
        badge = " :green-badge[Recommended]" if recommended else ""
        st.markdown(f"**{escape_markdown(point.title)}**{badge}")
        st.markdown(f"*Why:* {escape_markdown(point.rationale)}")
        st.caption(escape_markdown(point.change_summary))
        with st.expander("Rules and each group's numbers"):
            st.dataframe(point.thresholds, hide_index=True, key=f"report.point.{point.id}.rules")
            st.dataframe(point.per_group, hide_index=True, key=f"report.point.{point.id}.groups")
        mark, remove = st.columns(2)
        mark.button(
            "Mark as recommended",
            key=f"report.point.{point.id}.recommend",
            icon=":material/recommend:",
            disabled=recommended,
            on_click=_recommend,
            args=(point.id,),
        )
        remove.button(
            "Remove from the report",
            key=f"report.point.{point.id}.remove",
            icon=":material/delete:",
            on_click=_forget_operating_point,
            args=(point.id,),
        )


st.title("Report")
st.caption(
    "Everything pinned during this review, the operating points recorded on the Trade-offs "
    "page side by side, "
    "and the files to share: a report for the meeting (HTML, PDF), the numbers for analysts "
    "(CSV, Excel, JSON), a model card draft, and an audit bundle a later reviewer can replay."
)
notice = state.pop_report_notice()
if notice:
    st.info(escape_markdown(notice))
inputs, audit = require_audit()
render_whole_note()

# The analyses the report holds: those added on Subgroups, else the current one (the same
# function builds the review for Present mode, so the two cannot differ).
analyses = review_report.report_analyses(cache.with_cohorts(inputs, audit, state.get_cohorts()))
chosen_list = list(analyses.chosen)
from_subgroups = analyses.from_subgroups
subgroups_suppress = chosen_list[0][1].suppress_below or 0

left, right = st.columns([2, 1])
with left:
    title = st.text_input(
        "Report title",
        value=review_report.default_title(inputs),
        key=state.REPORT_TITLE,
        persist_state="session",
        max_chars=200,
    )
with right:
    suppress = st.number_input(
        "Hide numbers for groups smaller than (0 = show all)",
        min_value=0,
        max_value=1_000,
        value=subgroups_suppress,
        step=1,
        key=state.REPORT_SUPPRESS,
        persist_state="session",
        help="For privacy: in the report and every file, a number measured on fewer people "
        "than this is left out (and so is a pinned chart that shows such a group).",
    )
try:
    review = review_report.current_review(
        inputs, audit, title=title or "Fairness review", suppress=int(suppress)
    )
except FairnessCoreError as exc:
    render_error(exc)
    st.stop()
if review.metric_choice is not None:
    st.caption(f"'Which metric and why' is in the report: {review.metric_choice.title}.")

st.subheader(f"Analyses in the report ({len(review.analyses)})")
if from_subgroups:
    st.info(
        "The report shows the analysis currently chosen on Subgroups. Add analyses there to "
        "include several."
    )
skipped = analyses.skipped
if skipped:
    st.caption(
        f"{skipped} added {'analysis groups' if skipped == 1 else 'analyses group'} by "
        "attributes the data loaded now does not have, so the report leaves "
        f"{'it' if skipped == 1 else 'them'} out."
    )
for place, ((index, _), analysis) in enumerate(zip(chosen_list, review.analyses, strict=True)):
    with st.container(border=True, key=f"report.analysis.{place}.box"):
        head, buttons = st.columns([3, 2])
        head.markdown(f"**{place + 1}. {escape_markdown(analysis.title)}**")
        if index >= 0:
            up, down, remove = buttons.columns(3)
            up.button(
                "Up",
                icon=":material/arrow_upward:",
                key=f"report.analysis.{place}.up",
                help="Move up",
                disabled=place == 0,
                on_click=state.move_report_analysis,
                args=(index, -1),
            )
            down.button(
                "Down",
                icon=":material/arrow_downward:",
                key=f"report.analysis.{place}.down",
                help="Move down",
                disabled=place == len(chosen_list) - 1,
                on_click=state.move_report_analysis,
                args=(index, 1),
            )
            remove.button(
                "Remove",
                icon=":material/delete:",
                key=f"report.analysis.{place}.remove",
                help="Take this analysis out of the report",
                on_click=state.remove_report_analysis,
                args=(index,),
            )
        with st.expander("Settings of this analysis"):
            st.table(
                {
                    "Setting": [k for k, _ in analysis.settings],
                    "Value": [escape_markdown(v) for _, v in analysis.settings],
                }
            )

# --- Findings -----------------------------------------------------------------------
st.subheader(f"Findings ({len(review.findings)})")
findings = state.get_findings()
if not findings:
    st.info(
        "No findings yet. Use **Add to findings** under any chart or table (Subgroups, "
        "Trade-offs, What-if, Dataset check) to pin what you see."
    )
for number, finding in enumerate(findings, start=1):
    key = state.report_finding_key
    with st.container(border=True, key=key(finding.id, "box")):
        head, buttons = st.columns([3, 2])
        with head:
            st.markdown(f"**{number}. {escape_markdown(finding.title)}**")
            st.caption(
                f"{escape_markdown(SEVERITY_TITLES[finding.severity])} · from the "
                f"{escape_markdown(finding.page)} page · data {escape_markdown(finding.data_name)}"
            )
            if finding.data_sha256 != inputs.dataset.sha256:
                st.caption(
                    "Pinned on other data than the data loaded now: the report lists it "
                    "under “Findings from other data”, outside the executive summary."
                )
            if finding.note:
                st.markdown(escape_markdown(finding.note))
            if finding.summary:
                st.caption(escape_markdown(finding.summary))
        with buttons:
            up, down, delete = st.columns(3)
            up.button(
                "Up",
                icon=":material/arrow_upward:",
                key=key(finding.id, "up"),
                help="Move up",
                disabled=number == 1,
                on_click=_move,
                args=(finding.id, -1),
            )
            down.button(
                "Down",
                icon=":material/arrow_downward:",
                key=key(finding.id, "down"),
                help="Move down",
                disabled=number == len(findings),
                on_click=_move,
                args=(finding.id, 1),
            )
            delete.button(
                "Delete",
                icon=":material/delete:",
                key=key(finding.id, "delete"),
                help="Delete this finding",
                on_click=_delete,
                args=(finding.id,),
            )
        with (
            st.expander("Edit title, note and severity"),
            st.form(key(finding.id, "form"), border=False),
        ):
            st.text_input("Title", value=finding.title, key=key(finding.id, "title"))
            st.text_area(
                "Note", value=finding.note, key=key(finding.id, "note"), max_chars=MAX_NOTE_CHARS
            )
            st.selectbox(
                "Severity",
                SEVERITIES,
                index=SEVERITIES.index(finding.severity),
                format_func=SEVERITY_TITLES.__getitem__,
                key=key(finding.id, "severity"),
            )
            st.form_submit_button(
                "Save", key=key(finding.id, "save"), on_click=_save, args=(finding.id,)
            )
        if finding.table is not None:
            with st.expander("Numbers behind it"):
                if holds_individuals(finding):  # a What-if table may list people
                    show_rows(finding.table, hide_index=True, key=key(finding.id, "table"))
                else:
                    st.dataframe(finding.table, hide_index=True, key=key(finding.id, "table"))

# --- Operating points ---------------------------------------------------------------
st.subheader(f"Operating points ({len(review.points_on_data)})")
if not review.operating_points:
    st.info(
        "No operating point recorded. Choose and record one or more options on the Trade-offs "
        "page to compare them here."
    )
for part, heading in (
    (review.points_on_data, None),
    (review.points_from_other_data, "From other data"),
):
    if not part:
        continue
    if heading:
        st.markdown(f"**{heading}**")
        st.caption(
            "Recorded on other data than the data loaded now: their numbers do not describe "
            "this data, and they are not part of the executive summary."
        )
    recommended_id = review.recommended_point if heading is None else None
    side_by_side = compare_operating_points(part, recommended=recommended_id).text()
    st.dataframe(
        side_by_side,
        hide_index=True,
        key="report.points_compared" if heading is None else "report.points_compared_other",
    )
    for point in part:
        _render_point(point, point.id == review.recommended_point)

# --- Summary, identity, settings, versions --------------------------------------------
st.subheader("Executive summary")
for line in review.executive_summary:
    st.markdown(f"- {escape_markdown(line)}")

st.subheader("Data, model and settings")
identity = [
    ("Data file", review.data.name),
    ("Data SHA-256", review.data.sha256),
    ("Rows in the file", f"{review.data.rows:,}"),
    ("Rows audited", f"{audit.n_rows:,}"),
    ("Model file", review.model.name if review.model else "none loaded"),
    ("Model SHA-256", review.model.sha256 if review.model else "–"),
]
# st.table renders Markdown in its cells: every value (file and column names) is escaped.
st.table({"What": [k for k, _ in identity], "Value": [escape_markdown(v) for _, v in identity]})
st.table(
    {
        "Setting": [k for k, _ in review.settings],
        "Value": [escape_markdown(v) for _, v in review.settings],
    }
)
with st.expander("Package versions"):
    st.table(
        {
            "Package": [escape_markdown(k) for k, _ in review.versions],
            "Version": [escape_markdown(v) for _, v in review.versions],
        }
    )

# --- Exports ------------------------------------------------------------------------
st.subheader("Download")
render_downloads(review)
server = state.get_server_data()
if server is None:
    st.caption(
        "The audit bundle holds the settings, the files' SHA-256 hashes, the findings and "
        "the results, not the data. Anyone with the same data (and model) can check the "
        "numbers: `fairness-explorer replay fairness-review-bundle.zip --data FILE "
        "[--model FILE]`."
    )
else:
    # replay reads one file and checks its bytes; a server source's numbers count every
    # row of a file or folder through an engine, which replay does not do yet.
    st.caption(
        escape_markdown(
            f"The audit bundle holds the settings, the findings and the results, not the "
            f"data. Data read on the server ({server.name}, SHA-256 {server.sha256[:12]}…) "
            "cannot be replayed from the bundle yet: `fairness-explorer replay` checks one "
            "file. To check the group numbers, run `fairness-explorer audit --engine duckdb "
            "--data PATH` with the same columns on the same file or folder."
        )
    )
if int(suppress):
    st.caption(
        f"Numbers measured on fewer than {int(suppress):,} people are left out of every file."
    )
