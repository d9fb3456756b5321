"""The reviewer's choices: which widget values are kept, across pages and in a saved review.

Streamlit forgets a widget's value once a run ends without drawing that widget, so leaving
a page would reset everything chosen on it (the Trade-offs attribute, the decision column
on Data & model, ...). Every widget keyed by one of :data:`KEPT_CHOICES` (or a key
starting with one of :data:`KEPT_PREFIXES`) is drawn with ``persist_state="session"``
(Streamlit 1.67), which keeps its value for the whole session, across page switches; a
test checks that each such widget says so.

The same list says what a saved review stores (:func:`snapshot_choices`) and restores
(:func:`restore_choices`). Buttons, file uploaders, forms and table selections are not
choices: Streamlit does not let an app set them, and they hold nothing to restore.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import streamlit as st

from components import state

#: Widget keys holding a choice, page by page.
KEPT_CHOICES: tuple[str, ...] = (
    # Data & model
    state.DATA_ORIGIN,
    state.DATA_DEMO,
    state.DATA_SERVER_PATH,
    state.DATA_TARGET,
    state.DATA_POSITIVE,
    state.DATA_SOURCE,
    state.DATA_PREDICTION,
    state.DATA_SCORE,
    state.DATA_THRESHOLD,
    state.DATA_SCORE_MIN,
    state.DATA_SCORE_MAX,
    state.DATA_SCORE_DIRECTION,
    state.DATA_PROTECTED,
    state.DATA_BINNED,
    state.DATA_FEATURES,
    state.DATA_WEIGHT,
    state.DATA_OVERVIEW_ATTRIBUTE,
    state.DATA_POSITIVE_CONFIRM,
    # Subgroups
    state.SUBGROUPS_ATTRIBUTES,
    state.SUBGROUPS_METRICS,
    state.SUBGROUPS_METRIC,
    state.SUBGROUPS_REFERENCE,
    state.SUBGROUPS_MIN_N,
    state.SUBGROUPS_CORRECTION,
    state.SUBGROUPS_SUPPRESS,
    state.SUBGROUPS_ALPHA,
    # Dataset check
    state.DATASETCHECK_ATTRIBUTE,
    state.DATASETCHECK_FEATURE,
    state.DATASETCHECK_MIN_N,
    state.DATASETCHECK_INTERSECT,
    state.DATASETCHECK_PROXY_FEATURES,
    state.DATASETCHECK_SLICE_FEATURES,
    state.DATASETCHECK_SLICE_METRIC,
    state.DATASETCHECK_SLICE_ORDER,
    state.DATASETCHECK_SLICE_SUPPORT,
    state.DATASETCHECK_SLICE_CORRECTION,
    state.DATASETCHECK_SLICE_CHOSEN,
    # Trade-offs and mitigation
    state.TRADEOFFS_ATTRIBUTES,
    state.TRADEOFFS_CRITERION,
    state.TRADEOFFS_OBJECTIVE,
    state.TRADEOFFS_COST_RATIO,
    state.TRADEOFFS_RANDOMIZED,
    state.TRADEOFFS_CHOICE,
    state.TRADEOFFS_STRATEGY,
    state.TRADEOFFS_TOLERANCE,
    state.TRADEOFFS_FRONTIER_POINT,
    state.TRADEOFFS_VERB,
    state.TRADEOFFS_RATIONALE,
    state.MITIGATION_CHOSEN_METHODS,
    state.MITIGATION_MAX_ITER,
    state.MITIGATION_MAX_ROWS,
    # What-if
    state.WHATIF_ROW,
    state.WHATIF_FILTER_ATTRIBUTE,
    state.WHATIF_FILTER_GROUPS,
    state.WHATIF_FILTER_DECISION,
    state.WHATIF_FILTER_OUTCOME,
    state.WHATIF_FILTER_SCORE,
    state.WHATIF_PROXIES,
    state.WHATIF_FLIP_ATTRIBUTE,
    state.WHATIF_CF_SCOPE,
    state.WHATIF_CF_ATTRIBUTE,
    state.WHATIF_CHANGEABLE,
    state.WHATIF_TIME_LIMIT,
    state.WHATIF_IMPORTANCE_ATTRIBUTE,
    state.WHATIF_EXPLAIN_ON,
    state.WHATIF_ICE_FEATURE,
    state.WHATIF_REVERT_STEP,
    # Monitoring
    state.MONITORING_SOURCE,
    state.MONITORING_SERVER_PATH,
    state.MONITORING_TIME_KIND,
    state.MONITORING_TIME_COLUMN,
    state.MONITORING_PERIOD,
    state.MONITORING_BASELINE,
    state.MONITORING_BASELINE_PERIOD,
    state.MONITORING_PROTECTED,
    state.MONITORING_DECISION_SOURCE,
    state.MONITORING_PREDICTION,
    state.MONITORING_SCORE,
    state.MONITORING_THRESHOLD,
    state.MONITORING_TARGET,
    state.MONITORING_POSITIVE,
    state.MONITORING_METRICS,
    state.MONITORING_MIN_N,
    state.MONITORING_ALPHA,
    state.MONITORING_CHART_KIND,
    # Learn (the "Which metric?" answers are kept under state.GUIDE_ANSWER_PREFIX)
    state.LEARN_LESSON,
    state.LEARN_BASE_RATE_A,
    state.LEARN_BASE_RATE_B,
    state.LEARN_SEPARATION,
    state.LEARN_THRESHOLD,
    state.LEARN_PER_GROUP,
    state.LEARN_THRESHOLD_B,
    state.LEARN_TOLERANCE,
    state.LEARN_SEED,
    state.LEARN_MATCH_METRIC,
    state.LEARN_GLOSSARY_SEARCH,
    # Compliance
    state.COMPLIANCE_POLICIES,
    state.COMPLIANCE_OWN_POLICIES,  # not a widget: the own policies' files, as text
    state.COMPLIANCE_TEMPLATE,
    state.COMPLIANCE_INTENDED_USE,
    state.COMPLIANCE_OVERSIGHT,
    # Report
    state.REPORT_TITLE,
    state.REPORT_SUPPRESS,
    # Everywhere (the sidebar)
    state.PRIVACY_HIDE_ROWS,
)

#: Families of widget keys made per column or per group (the What-if editor's fields, the
#: Dataset check's reference shares, the "Which metric?" answers, the presenter's notes, the
#: Compliance page's columns and edited lines).
KEPT_PREFIXES: tuple[str, ...] = (
    "whatif.edit.",
    "datasetcheck.reference.",
    state.GUIDE_ANSWER_PREFIX,
    state.PRESENT_NOTES_PREFIX,  # the presenter's notes of each Present-mode step
    state.COMPLIANCE_COLUMN_PREFIX,
    state.COMPLIANCE_LINE_PREFIX,
)

#: Keys a widget owns that are deliberately not choices (each with its reason), so a test
#: can check that every widget key of the app is one or the other.
NOT_CHOICES: Mapping[str, str] = {
    state.DATA_UPLOAD: "a file uploader: the file itself is kept with the review",
    state.DATA_MODEL_UPLOAD: "a file uploader: the file itself is kept with the review",
    state.DATASETCHECK_SAVE_COHORT: "a button",
    state.DATASETCHECK_REMOVE_COHORT: "a button",
    state.DATASETCHECK_USE_PROXIES: "a button",
    state.WHATIF_USE_FOUND_PROXIES: "a button",
    state.WHATIF_FIND_PROXIES: "a button",
    state.MITIGATION_TRAIN_UPLOAD: "a file uploader",
    state.COMPLIANCE_POLICY_UPLOAD: "a file uploader: the policy's text is kept with the review",
    state.MITIGATION_RUN: "a button",
    state.MITIGATION_STOP: "a button",
    state.WHATIF_TABLE: "a table's row selection (the row number is kept instead)",
    state.WHATIF_EDITOR: "a form (its fields are kept)",
    state.WHATIF_SEARCH: "a button",
    state.MONITORING_UPLOAD: "a file uploader: the files themselves are kept in the session",
    state.LEARN_START_LESSON: "a button",
    state.LEARN_MATCH: "a button",
    state.GUIDE_RECORD: "a button (the recorded answers are kept with the review)",
    state.GUIDE_FORGET: "a button",
    state.EXERCISES_TRAINER_KEY: "the trainer's switch: kept for the session, never saved, so "
    "a reopened or shared review never shows the answers",
    state.EXERCISES_TRAINEE_SHEET: "a download button",
    state.EXERCISES_TRAINER_SHEET: "a download button",
    state.EXERCISES_RESET: "a button",
    state.EXERCISES_RESET_CONFIRM: "a button",
    state.EXERCISES_RESET_CANCEL: "a button",
    state.PRIVACY_HIDE_ROWS_PRESENTING: "the switch shown in Present mode: always on, disabled",
    state.PRESENT_NEXT: "a button",
    state.PRESENT_PREVIOUS: "a button",
    state.PRESENT_EXIT: "a button",
    state.COMPLIANCE_LL144_DOWNLOAD: "a download button",
}
# (the audit-bundle uploaders of components/bundle_open.py are keyed by their own constants)


def _kept_keys() -> list[str]:
    present = [key for key in KEPT_CHOICES if key in st.session_state]
    present += [
        str(key)
        for key in st.session_state
        if str(key).startswith(KEPT_PREFIXES) and str(key) not in present
    ]
    return present


def clear_choices() -> None:
    """Forget every kept choice (before another review's choices are put back)."""
    for key in _kept_keys():
        st.session_state.pop(key, None)


def _storable(value: object) -> bool:
    """True for values a saved review can hold as JSON (and give back unchanged)."""
    if value is None or isinstance(value, (bool, int, str)):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, (list, tuple)):
        return all(_storable(v) for v in value)
    return False


def snapshot_choices() -> dict[str, object]:
    """The choices to save with a review: every kept key whose value is plain data.

    Tuples (a range slider's two ends) are stored as ``{"tuple": [...]}`` so they come
    back as tuples, which is what the widget gives.
    """
    out: dict[str, object] = {}
    for key in _kept_keys():
        value = st.session_state[key]
        if not _storable(value):
            continue
        out[key] = {"tuple": list(value)} if isinstance(value, tuple) else value
    return out


def restore_choices(choices: Mapping[str, object]) -> None:
    """Put saved choices back (before any widget is drawn); unknown keys are ignored."""
    for key, value in choices.items():
        if key not in KEPT_CHOICES and not key.startswith(KEPT_PREFIXES):
            continue  # a key from another version of the app, or not a choice
        if isinstance(value, dict) and set(value) == {"tuple"} and isinstance(value["tuple"], list):
            value = tuple(value["tuple"])
        if _storable(value):
            st.session_state[key] = value
