"""The Report page's download buttons: each file built on its own, from this review only.

Each export is a separate cached call keyed by the whole review (title, time, file names,
findings, settings, tables), so a reviewer never receives a file built for someone else's
review, and one file that cannot be built says why while the others stay downloadable.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from components import cache, state
from components.keyed_cache import content_key, derived_from
from fairness_core.escaping import escape_markdown
from fairness_core.report import ReviewReport

_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: (kind, button label, MIME type, help text), in the order the buttons appear.
DOWNLOADS: tuple[tuple[cache.ExportKind, str, str, str], ...] = (
    ("html", "HTML report", "text/html", "Interactive charts; opens offline in any browser."),
    ("pdf", "PDF report", "application/pdf", "The same report for sign-off."),
    ("csv", "Metrics CSV", "text/csv", "One row per group and metric."),
    ("xlsx", "Metrics Excel", _XLSX, "Metrics, summaries, findings and settings."),
    ("json", "Metrics JSON", "application/json", "Same layout as the command line's audit."),
    ("md", "Model card", "text/markdown", "A Markdown section for you to complete."),
    ("datasheet", "Datasheet", "text/markdown", "The evaluation data described, to complete."),
    ("zip", "Audit bundle", "application/zip", "Settings, hashes, findings and results."),
)
STEM = "fairness-review"


def stamp_review(review: ReviewReport) -> ReviewReport:
    """The review with the time its content last changed in this session.

    ``build_review`` stamps the current second on every rerun; keeping the first stamp
    while nothing else changes lets reruns reuse the built files. The stamped review is
    keyed by its content and time, so its seven exports do not hash it again.
    """
    content = content_key(replace(review, created=""))
    created = state.report_created(content, review.created)
    return derived_from(replace(review, created=created), "review", content, created)


def file_name(kind: cache.ExportKind) -> str:
    """The name a downloaded export is saved under."""
    if kind == "zip":
        return f"{STEM}-bundle.zip"
    if kind == "datasheet":
        return f"{STEM}-datasheet.md"
    return f"{STEM}.{kind}"


def render_downloads(review: ReviewReport) -> None:
    """One download button per export; a file that failed shows why in its place."""
    review = stamp_review(review)
    columns = st.columns(4)
    for index, (kind, label, mime, help_text) in enumerate(DOWNLOADS):
        column = columns[index % 4]
        try:
            data = cache.report_file(review, kind)
        except cache.ExportFailedError as exc:
            column.warning(f"**{label}**: {escape_markdown(str(exc))}", icon=":material/error:")
            continue
        column.download_button(
            label,
            data=data,
            file_name=file_name(kind),
            mime=mime,
            key=f"report.download_{kind}",
            on_click="ignore",
            help=help_text,
            icon=":material/download:",
        )
