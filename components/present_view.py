"""Drawing Present mode: the audience screen (large type, no chrome) and the speaker view.

The audience screen shows one step at a time, sized for a projector at 1280×720: the app's
sidebar, header and menu are hidden, text is large and wraps (never cut), and a chart is
drawn at a fixed height that leaves room for the title and the buttons. Nothing on it comes
from the speaker view. Tables of individual people are never drawn here (see
components/present_steps.py); a finding's table of groups is shown only when the finding
has no chart.
"""

from __future__ import annotations

import plotly.io as pio
import streamlit as st

from components import state
from components.charts import render_chart
from components.present_steps import Step, comparison_table
from components.privacy import holds_individuals
from fairness_core.escaping import escape_markdown
from fairness_core.report import (
    SEVERITY_TITLES,
    ReviewReport,
    strategy_title,
)

#: Chart height on the audience screen, in pixels: with the title and the buttons, a step
#: fits a 720-pixel-high window.
CHART_HEIGHT = 440
#: A note longer than this (in characters) beside a chart is set in smaller type.
LONG_NOTE_CHARS = 350
#: Most groups whose rule is listed on an operating point's screen.
MAX_RULE_LINES = 4
#: Most rows of a finding's table of groups drawn on a screen (the report has them all).
TABLE_HEIGHT = 400

#: Hides Streamlit's chrome (sidebar, its toggle, header with menu and status) and makes the
#: text of the stage large. Fixed text, no input in it.
AUDIENCE_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stExpandSidebarButton"], [data-testid="stHeader"] {
  display: none !important;
}
[data-testid="stMainBlockContainer"] {
  padding: 1rem 2rem 0.5rem 2rem !important;
  max-width: 100% !important;
}
.st-key-present_stage p, .st-key-present_stage li {
  font-size: 1.35rem !important;
  line-height: 1.45 !important;
  overflow-wrap: anywhere;
}
.st-key-present_stage h1 {
  font-size: 2.2rem !important;
  line-height: 1.2 !important;
  padding: 0 0 0.5rem 0 !important;
  overflow-wrap: anywhere;
}
.st-key-present_stage [data-testid="stCaptionContainer"] p {
  font-size: 1.1rem !important;
}
.st-key-present_nav p { font-size: 1.1rem !important; }
.st-key-present_stage :is(td, th) { font-size: 1.15rem !important; }
.st-key-present_stage .st-key-present_long p { font-size: 1.05rem !important; }
</style>
"""


def hide_chrome() -> None:
    """Hide the sidebar, header and menu, and enlarge the stage's text (audience screen)."""
    st.html(AUDIENCE_CSS)


def _finding_meta(step: Step) -> str:
    finding = step.finding
    if finding is None:
        return ""
    parts = [SEVERITY_TITLES[finding.severity].split(" — ")[0], f"from the {finding.page} page"]
    if step.other_data:
        parts.append(f"pinned on other data ({finding.data_name})")
    return escape_markdown(" · ".join(parts))


def _render_finding(step: Step, review: ReviewReport) -> None:
    finding = step.finding
    if finding is None:
        return
    st.caption(_finding_meta(step))
    if holds_individuals(finding):
        st.markdown(escape_markdown(finding.note or finding.summary))
        if finding.note and finding.summary:
            st.caption(escape_markdown(finding.summary))
        st.info(
            "This finding is about individual people, so Present mode leaves out its chart "
            "and table. They are on the Report page.",
            icon=":material/visibility_off:",
        )
        return
    shows_chart = finding.figure is not None and finding.id not in review.hidden_figures
    has_table = finding.table is not None and not finding.table.empty
    if not shows_chart and not has_table:
        st.markdown(escape_markdown(finding.note or finding.summary))
        if finding.note and finding.summary:
            st.caption(escape_markdown(finding.summary))
        return
    left, right = st.columns([3, 2], gap="large")
    with left:
        if shows_chart:
            figure = pio.from_json(str(finding.figure))
            figure.update_layout(height=CHART_HEIGHT, font={"size": 15}, title=None)
            # Axis labels the room can read (the figures set their own, smaller, sizes).
            figure.update_xaxes(tickfont={"size": 15}, title_font={"size": 16})
            figure.update_yaxes(tickfont={"size": 15}, title_font={"size": 16})
            render_chart(figure, key=f"present.chart.{finding.id}")
        else:  # a table of groups (What-if findings never get here)
            st.dataframe(finding.table, hide_index=True, height=TABLE_HEIGHT)
    with right:
        if finding.note:
            # A long note beside a chart takes smaller type, so it still fits next to it.
            long = len(finding.note) > LONG_NOTE_CHARS
            with st.container(key="present_long" if long else "present_note"):
                st.markdown(escape_markdown(finding.note))
        if finding.summary:
            st.caption(escape_markdown(finding.summary))
        if finding.figure is not None and not shows_chart:
            st.caption("The chart is left out: it shows a group smaller than the report's limit.")


def _render_points(step: Step, review: ReviewReport) -> None:
    compared = comparison_table(review)
    shown = compared[compared["What"].isin(step.rows)]
    # st.table renders Markdown in every cell and header: all of them are escaped.
    st.table(shown.map(escape_markdown).set_index("What").rename(columns=escape_markdown))
    st.caption("Each group's rates are in the report, with every option's rules.")


def _render_point(step: Step, review: ReviewReport) -> None:
    point = step.point
    if point is None:
        return
    if point.id == review.recommended_point:
        st.markdown(":green-badge[Recommended]")
    st.markdown(f"**Why:** {escape_markdown(point.rationale or 'no reason recorded.')}")
    st.markdown(escape_markdown(point.change_summary))
    st.caption(escape_markdown(f"Strategy: {strategy_title(point.strategy)}."))
    if 0 < len(point.rules) <= MAX_RULE_LINES:  # more groups: the report lists every rule
        st.markdown(
            "\n".join(
                f"- {escape_markdown(str(rule['group']))}: {escape_markdown(str(rule['sentence']))}"
                for rule in point.rules
            )
        )
    for warning in point.warnings:
        st.caption(escape_markdown(warning))


def render_stage(step: Step, review: ReviewReport) -> None:
    """The audience's view of one step (large type; no notes, no rows of people)."""
    with st.container(key="present_stage"):
        st.title(escape_markdown(step.title), anchor=False)
        if step.kind == "summary":
            st.markdown("\n".join(f"- {escape_markdown(line)}" for line in step.lines))
        elif step.kind == "finding":
            _render_finding(step, review)
        elif step.kind == "points":
            _render_points(step, review)
        else:
            _render_point(step, review)


def render_speaker_notes(step: Step, following: Step | None) -> None:
    """The speaker view: this step's notes (typed here, kept with the review) and what is next."""
    st.title(f"Speaker notes: {escape_markdown(step.title)}", anchor=False)
    st.caption(
        "Only this window shows these notes. Keep it on your own screen and share the other "
        "window; both follow the same step."
    )
    if step.finding is not None:
        finding = step.finding
        st.markdown(f"**Shown:** {escape_markdown(finding.summary or 'a note, no sentence')}")
        st.caption(_finding_meta(step))
        if finding.settings:
            st.markdown(
                "**Settings behind it:** "
                + escape_markdown("; ".join(f"{k} = {v}" for k, v in finding.settings.items()))
            )
    if step.point is not None:
        st.markdown(f"**Rules:** {escape_markdown(step.point.change_summary)}")
    st.text_area(
        "Your notes for this screen",
        key=state.present_notes_key(step.id),
        persist_state="session",
        height=200,
        placeholder="What to say here; only the speaker view shows it.",
    )
    st.markdown(f"**Next:** {escape_markdown(following.title) if following else 'the end'}")
