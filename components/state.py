"""Every session-state key of the app, with typed getters and setters.

Per-reviewer data lives only here (``st.session_state``), never in module globals or a
shared cache, so two reviewers using the app at once never see each other's data.
Page-scoped widget keys carry the page prefix ("data.target").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import streamlit as st

from fairness_core.data import ColumnRoles, Dataset
from fairness_core.dataset_check import Cohort
from fairness_core.metrics import SubgroupSettings
from fairness_core.models import LoadedModel
from fairness_core.report import (
    Finding,
    OperatingPointRecord,
    new_operating_point_id,
    same_operating_point,
)
from fairness_core.tradeoffs import MitigationResult

# Keys holding the audit inputs.
DATASET = "audit.dataset"
MODEL = "audit.model"
ROLES = "audit.roles"
SOURCE = "audit.source"  # "demo:<name>" or "upload"
NOTICE = "audit.notice"  # a message to show once after a load (e.g. a refused upload)

# Widget keys of the Data & model page.
DATA_ORIGIN = "data.origin"
DATA_DEMO = "data.demo"
DATA_UPLOAD = "data.upload"
DATA_SERVER_PATH = "data.server_path"  # a file or folder in the operator's allowed folders
DATA_MODEL_UPLOAD = "data.model_upload"
DATA_TARGET = "data.target"
DATA_POSITIVE = "data.positive"
DATA_SOURCE = "data.decision_source"
DATA_PREDICTION = "data.prediction"
DATA_SCORE = "data.score"
DATA_THRESHOLD = "data.threshold"
# The score's own scale (components/score_scale.py): lowest and highest score, direction.
DATA_SCORE_MIN = "data.score_min"
DATA_SCORE_MAX = "data.score_max"
DATA_SCORE_DIRECTION = "data.score_direction"
#: Not a widget: the score column the scale widgets were filled for (a new column refills them).
DATA_SCORE_SCALE_FOR = "data.score_scale_for"
DATA_PROTECTED = "data.protected"
DATA_BINNED = "data.binned"
DATA_FEATURES = "data.features"
DATA_WEIGHT = "data.weight"
DATA_OVERVIEW_ATTRIBUTE = "data.overview_attribute"
#: The reviewer's answer to "Is 0 in 'two_year_recid' the favourable outcome?".
DATA_POSITIVE_CONFIRM = "data.positive_confirm"

# Widget keys of the Subgroups page.
SUBGROUPS_ATTRIBUTES = "subgroups.attributes"
SUBGROUPS_METRICS = "subgroups.metrics"
SUBGROUPS_METRIC = "subgroups.metric"
SUBGROUPS_REFERENCE = "subgroups.reference"
SUBGROUPS_MIN_N = "subgroups.min_n"
SUBGROUPS_CORRECTION = "subgroups.correction"
SUBGROUPS_SUPPRESS = "subgroups.suppress_below"
SUBGROUPS_ALPHA = "subgroups.alpha"

# Widget keys of the Compliance page: the policies chosen for the review (the first one's
# lines are the Subgroups page's), which column is each policy attribute, each line edited
# for this review, and the text the checklists read (components/compliance.py).
COMPLIANCE_POLICIES = "compliance.policies"
COMPLIANCE_INTENDED_USE = "compliance.intended_use"
COMPLIANCE_OVERSIGHT = "compliance.human_oversight"
COMPLIANCE_LL144_DOWNLOAD = "compliance.ll144_download"
#: The reviewer's own policy files: a list of [file name, TOML text], kept with the review.
COMPLIANCE_OWN_POLICIES = "compliance.own_policies"
COMPLIANCE_POLICY_UPLOAD = "compliance.policy_upload"
COMPLIANCE_TEMPLATE = "compliance.template"
#: The message of the last own policy file that could not be read (shown once).
COMPLIANCE_POLICY_ERROR = "compliance.policy_error"
#: Families of Compliance keys: one per policy attribute, one per policy requirement.
COMPLIANCE_COLUMN_PREFIX = "compliance.column."
COMPLIANCE_LINE_PREFIX = "compliance.line."


def policy_column_key(attribute: str) -> str:
    """Widget key of the column chosen for a policy attribute ("sex", "race_ethnicity")."""
    return f"{COMPLIANCE_COLUMN_PREFIX}{attribute}"


def policy_line_key(policy_id: str, requirement_id: str) -> str:
    """Widget key of one requirement's line, as edited for this review."""
    return f"{COMPLIANCE_LINE_PREFIX}{policy_id}.{requirement_id}"


# Widget keys of the Dataset check page (dataset audit, proxies, slice discovery).
DATASETCHECK_ATTRIBUTE = "datasetcheck.attribute"
DATASETCHECK_FEATURE = "datasetcheck.feature"
DATASETCHECK_MIN_N = "datasetcheck.min_n"
DATASETCHECK_INTERSECT = "datasetcheck.intersect"  # a second attribute crossed with the first
DATASETCHECK_PROXY_FEATURES = "datasetcheck.proxy_features"
DATASETCHECK_SLICE_FEATURES = "datasetcheck.slice_features"
DATASETCHECK_SLICE_METRIC = "datasetcheck.slice_metric"
DATASETCHECK_SLICE_ORDER = "datasetcheck.slice_order"
DATASETCHECK_SLICE_SUPPORT = "datasetcheck.slice_support"
DATASETCHECK_SLICE_CORRECTION = "datasetcheck.slice_correction"
DATASETCHECK_SLICE_CHOSEN = "datasetcheck.slice_chosen"
DATASETCHECK_SAVE_COHORT = "datasetcheck.save_cohort"
DATASETCHECK_REMOVE_COHORT = "datasetcheck.remove_cohort"
DATASETCHECK_USE_PROXIES = "datasetcheck.use_proxies"  # the "Use in the What-if" button
#: Proxy features handed from the Dataset check to the What-if flip tests (a default).
WHATIF_PROXY_DEFAULT = "audit.proxy_features"
# Cohorts: slices saved for the Subgroups page, named by their conditions (so one name is
# always one slice of one dataset: cached counts are keyed by it). Kept across pages,
# cleared with a new dataset.
COHORTS = "audit.cohorts"

# Widget keys of the Trade-offs page.
TRADEOFFS_ATTRIBUTES = "tradeoffs.attributes"
TRADEOFFS_CRITERION = "tradeoffs.criterion"
TRADEOFFS_OBJECTIVE = "tradeoffs.objective"
TRADEOFFS_COST_RATIO = "tradeoffs.cost_ratio"
TRADEOFFS_RANDOMIZED = "tradeoffs.randomized"
TRADEOFFS_CHOICE = "tradeoffs.choice"  # a ready-made strategy, or a point on the frontier
TRADEOFFS_STRATEGY = "tradeoffs.strategy"
TRADEOFFS_TOLERANCE = "tradeoffs.tolerance"
TRADEOFFS_FRONTIER_POINT = "tradeoffs.frontier_point"
TRADEOFFS_VERB = "tradeoffs.verb"
TRADEOFFS_RECORD_TITLE = "tradeoffs.record_title"
TRADEOFFS_RATIONALE = "tradeoffs.rationale"

# The mitigation panel (on the Trade-offs page): widgets, the uploaded training data, the
# stop request and the last result (kept with the content key it was computed for).
MITIGATION_TRAIN_UPLOAD = "mitigation.train_upload"
MITIGATION_TRAIN = "mitigation.train"
MITIGATION_TRAIN_UPLOAD_ID = "mitigation.last_upload_id"  # parse each upload once
MITIGATION_CHOSEN_METHODS = "mitigation.methods"
MITIGATION_MAX_ITER = "mitigation.max_iter"
MITIGATION_MAX_ROWS = "mitigation.max_rows"
MITIGATION_RUN = "mitigation.run"
MITIGATION_STOP = "mitigation.stop"
MITIGATION_STOP_REQUESTED = "mitigation.stop_requested"
MITIGATION_RESULT = "mitigation.result"

# The Workshop exercises page: the trainer key (shows the answers; kept for the session,
# never saved with a review), the sheet downloads, and "Reset this demo" with its question.
EXERCISES_TRAINER_KEY = "exercises.trainer_key"
EXERCISES_TRAINEE_SHEET = "exercises.trainee_sheet"
EXERCISES_TRAINER_SHEET = "exercises.trainer_sheet"
EXERCISES_RESET = "exercises.reset"
EXERCISES_RESET_CONFIRM = "exercises.reset_confirm"
EXERCISES_RESET_CANCEL = "exercises.reset_cancel"
EXERCISES_ASKING_RESET = "exercises.asking_reset"  # not a widget: the question is open
EXERCISES_NOTICE = "exercises.notice"  # not a widget: "the demo was reset", shown once

# Findings pinned during the review, the recorded operating points and the id of the
# recommended one. Kept when new data is loaded: a reviewer never loses a note; each finding
# and operating point records which data it came from.
FINDINGS = "findings.items"
OPERATING_POINTS = "findings.operating_points"
RECOMMENDED_POINT = "findings.recommended_point"

# Widget keys of the Report page, and the Subgroups settings the report uses. Widget state
# of a page disappears once another page runs, so the report keeps the last settings seen.
REPORT_TITLE = "report.title"
REPORT_SUPPRESS = "report.suppress_below"
REPORT_SUBGROUP_SETTINGS = "report.subgroup_settings"
REPORT_NOTICE = "report.notice"
#: When the report's content last changed: (content key without the time, ISO time stamp).
REPORT_CREATED = "report.created"

# Widget keys of the Learn page (the practice population and the glossary search), and
# the "Which metric?" questions (drawn on the Learn and Subgroups pages, one answer each).
LEARN_LESSON = "learn.lesson"
LEARN_BASE_RATE_A = "learn.base_rate_a"
LEARN_BASE_RATE_B = "learn.base_rate_b"
LEARN_SEPARATION = "learn.separation"
LEARN_THRESHOLD = "learn.threshold"
LEARN_PER_GROUP = "learn.per_group"
LEARN_THRESHOLD_B = "learn.threshold_b"
LEARN_TOLERANCE = "learn.tolerance"
LEARN_SEED = "learn.seed"
LEARN_START_LESSON = "learn.start_lesson"  # button
LEARN_MATCH_METRIC = "learn.match_metric"
LEARN_MATCH = "learn.match"  # button
LEARN_GLOSSARY_SEARCH = "learn.glossary_search"
GUIDE_ANSWER_PREFIX = "guide.answer."  # + the question's key
GUIDE_RECORD = "guide.record"  # button
GUIDE_FORGET = "guide.forget"  # button
#: The recorded "Which metric?" answers (question key -> answer key), kept in the review.
METRIC_CHOICE = "review.metric_choice"

#: Widget keys that depend on the data's columns; cleared whenever a new dataset arrives
#: so the widgets start from the new data's suggestions.
DATA_DEPENDENT_KEYS = (
    DATA_TARGET,
    DATA_POSITIVE,
    DATA_SOURCE,
    DATA_PREDICTION,
    DATA_SCORE,
    DATA_THRESHOLD,
    DATA_SCORE_MIN,
    DATA_SCORE_MAX,
    DATA_SCORE_DIRECTION,
    DATA_SCORE_SCALE_FOR,
    DATA_PROTECTED,
    DATA_BINNED,
    DATA_FEATURES,
    DATA_WEIGHT,
    DATA_OVERVIEW_ATTRIBUTE,
    DATA_POSITIVE_CONFIRM,
    SUBGROUPS_ATTRIBUTES,
    SUBGROUPS_METRICS,
    SUBGROUPS_METRIC,
    SUBGROUPS_REFERENCE,
    DATASETCHECK_ATTRIBUTE,
    DATASETCHECK_FEATURE,
    DATASETCHECK_PROXY_FEATURES,
    DATASETCHECK_SLICE_FEATURES,
    DATASETCHECK_SLICE_CHOSEN,
    WHATIF_PROXY_DEFAULT,
    COHORTS,
    TRADEOFFS_ATTRIBUTES,
    TRADEOFFS_FRONTIER_POINT,
    REPORT_SUBGROUP_SETTINGS,
)


@dataclass(frozen=True)
class AuditInputs:
    """What the reviewer has loaded: data, optional model, roles, and where it came from."""

    dataset: Dataset
    model: LoadedModel | None
    roles: ColumnRoles
    source: str


SERVER_DATA = "audit.server_data"  # the ServerData of a source read on the server


@dataclass(frozen=True)
class ServerData:
    """A file or folder read on the server: the whole source and the sample in the session."""

    root: str  # the allowed folder it lies in (resolved)
    relative: str  # its path below that folder
    path: str  # its resolved path, as the engine reads it
    name: str  # what the reviewer sees, e.g. "logs/2024/"
    sha256: str
    total_rows: int
    sample_rows: int
    strata: tuple[str, ...]
    sample_size: int
    seed: int


def get_server_data() -> ServerData | None:
    """The server source behind the session's data (None for a demo or an upload)."""
    if not str(st.session_state.get(SOURCE, "")).startswith("server:"):
        return None
    server: ServerData | None = st.session_state.get(SERVER_DATA)
    return server


def set_server_data(server: ServerData) -> None:
    """Remember the server source the session's data (a sample of it) came from."""
    st.session_state[SERVER_DATA] = server


def get_inputs() -> AuditInputs | None:
    """The loaded audit inputs, or None before anything is loaded."""
    dataset = st.session_state.get(DATASET)
    roles = st.session_state.get(ROLES)
    if dataset is None or roles is None:
        return None
    return AuditInputs(dataset, st.session_state.get(MODEL), roles, st.session_state[SOURCE])


def set_inputs(
    dataset: Dataset, model: LoadedModel | None, roles: ColumnRoles, source: str
) -> None:
    """Replace the loaded data (and model); role widgets restart from ``roles``."""
    previous = st.session_state.get(DATASET)
    st.session_state[DATASET] = dataset
    st.session_state[MODEL] = model
    st.session_state[ROLES] = roles
    st.session_state[SOURCE] = source
    if previous is None or previous.sha256 != dataset.sha256:
        for key in DATA_DEPENDENT_KEYS:
            st.session_state.pop(key, None)
        _seed_role_widgets(roles)


def _seed_role_widgets(roles: ColumnRoles) -> None:
    """Put the new data's roles into the role widgets' state.

    Keyed widgets keep their identity across datasets, and a browser keeps showing a
    widget's old value unless the server sets it: without this, the form would still
    display the previous data's columns while the audit used the new suggestions.
    """
    seeded: dict[str, object] = {
        DATA_TARGET: roles.target or None,
        DATA_POSITIVE: None if roles.positive_label is None else str(roles.positive_label),
        DATA_SOURCE: roles.source,
        DATA_PREDICTION: roles.prediction,
        DATA_SCORE: roles.score,
        DATA_THRESHOLD: float(roles.threshold),
        DATA_PROTECTED: list(roles.protected),
        DATA_BINNED: [b.column for b in roles.bins],
        DATA_FEATURES: list(roles.features),
        DATA_WEIGHT: roles.weight,
        DATA_SCORE_DIRECTION: "favourable" if roles.higher_score_favourable else "unfavourable",
    }
    if roles.score_range is not None:
        seeded.update({DATA_SCORE_MIN: roles.score_range[0], DATA_SCORE_MAX: roles.score_range[1]})
        seeded[DATA_SCORE_SCALE_FOR] = roles.score
    st.session_state.update(seeded)


def set_model(model: LoadedModel | None) -> None:
    """Attach or detach a model without touching the data or the roles."""
    st.session_state[MODEL] = model


def set_roles(roles: ColumnRoles) -> AuditInputs:
    """Store the reviewer's column roles; returns the inputs as they now stand."""
    st.session_state[ROLES] = roles
    inputs = get_inputs()
    if inputs is None:  # roles only make sense next to a dataset
        raise RuntimeError("set_roles() called before any data was loaded")
    return inputs


def push_notice(kind: str, text: str) -> None:
    """Keep a message to show on the next run (kinds: success, info, warning, error)."""
    st.session_state[NOTICE] = (kind, text)


def pop_notice() -> tuple[str, str] | None:
    """The pending message, removed from state."""
    notice: tuple[str, str] | None = st.session_state.pop(NOTICE, None)
    return notice


def get_findings() -> list[Finding]:
    """The session's findings, in the reviewer's order (a copy: change them with set_findings)."""
    return list(st.session_state.get(FINDINGS, []))


def set_findings(findings: list[Finding]) -> None:
    """Replace the session's findings (after adding, editing, reordering or deleting)."""
    st.session_state[FINDINGS] = list(findings)


def add_finding(finding: Finding) -> None:
    """Append one finding."""
    set_findings([*get_findings(), finding])


def get_operating_points() -> list[OperatingPointRecord]:
    """The recorded operating points, in the order recorded (a copy)."""
    return list(st.session_state.get(OPERATING_POINTS, []))


def add_operating_point(record: OperatingPointRecord) -> OperatingPointRecord:
    """Add a point; one with the same id or the same rule on the same data is updated.

    An updated point keeps its place and its id (so a recommendation stays on it); the
    stored record is returned.
    """
    points = get_operating_points()
    for index, known in enumerate(points):
        if (record.id and known.id == record.id) or same_operating_point(known, record):
            stored = replace(record, id=known.id or record.id or new_operating_point_id())
            points[index] = stored
            st.session_state[OPERATING_POINTS] = points
            return stored
    stored = record if record.id else replace(record, id=new_operating_point_id())
    st.session_state[OPERATING_POINTS] = [*points, stored]
    return stored


def set_operating_points(points: Sequence[OperatingPointRecord]) -> None:
    """Replace the recorded operating points (a reopened review's)."""
    st.session_state[OPERATING_POINTS] = list(points)


def remove_operating_point(point_id: str) -> None:
    """Remove a point (and its recommendation, when it was the recommended one)."""
    st.session_state[OPERATING_POINTS] = [p for p in get_operating_points() if p.id != point_id]
    if get_recommended_point() == point_id:
        set_recommended_point(None)


def get_recommended_point() -> str | None:
    """The id of the recommended operating point, if one is marked."""
    point_id: str | None = st.session_state.get(RECOMMENDED_POINT)
    return point_id


def set_recommended_point(point_id: str | None) -> None:
    """Mark a point as recommended (None: none is)."""
    st.session_state[RECOMMENDED_POINT] = point_id


def guide_answer_key(question: str, page: str = "shared") -> str:
    """The key of one "Which metric?" answer (kept under GUIDE_ANSWER_PREFIX).

    Streamlit gives a widget on each page its own identity, so each page's question has
    its own widget key (``page``); the answer both pages show is kept under ``"shared"``.
    """
    return f"{GUIDE_ANSWER_PREFIX}{page}.{question}"


def get_metric_choice() -> dict[str, str] | None:
    """The recorded "Which metric?" answers (None: none recorded)."""
    answers: dict[str, str] | None = st.session_state.get(METRIC_CHOICE)
    return dict(answers) if answers else None


def set_metric_choice(answers: Mapping[str, str] | None) -> None:
    """Record the "Which metric?" answers in the review (None: forget them)."""
    st.session_state[METRIC_CHOICE] = None if answers is None else dict(answers)


def get_training_data() -> Dataset | None:
    """The training data the reviewer uploaded for mitigation, if any."""
    dataset: Dataset | None = st.session_state.get(MITIGATION_TRAIN)
    return dataset


def set_training_data(dataset: Dataset | None) -> None:
    """Keep (or forget) the uploaded training data."""
    st.session_state[MITIGATION_TRAIN] = dataset


def request_mitigation_stop() -> None:
    """The reviewer pressed Stop (a button callback)."""
    st.session_state[MITIGATION_STOP_REQUESTED] = True


def clear_mitigation_stop() -> None:
    """Forget a stop request (a new run starts)."""
    st.session_state[MITIGATION_STOP_REQUESTED] = False


def mitigation_stop_requested() -> bool:
    """True once Stop was pressed, until the next run starts."""
    return bool(st.session_state.get(MITIGATION_STOP_REQUESTED, False))


def get_mitigation_result(key: str) -> MitigationResult | None:
    """The last mitigation result, when it was computed for ``key`` (else None)."""
    stored = st.session_state.get(MITIGATION_RESULT)
    if stored is None or stored[0] != key:
        return None
    result: MitigationResult = stored[1]
    return result


def set_mitigation_result(key: str, result: MitigationResult) -> None:
    """Keep the last mitigation result with the content key it was computed for."""
    st.session_state[MITIGATION_RESULT] = (key, result)


# --------------------------------------------------------------------------------------
# What-if page ("whatif." keys)
# --------------------------------------------------------------------------------------

WHATIF_DATA = "whatif.data_key"  # the data/model the page's keys below belong to
WHATIF_ROW = "whatif.row"  # the selected row number, 1-based as shown
WHATIF_TABLE = "whatif.table"  # the row table (its selection)
WHATIF_LAST_SELECTION = "whatif.last_selection"
WHATIF_FILTER_ATTRIBUTE = "whatif.filter_attribute"
WHATIF_FILTER_GROUPS = "whatif.filter_groups"
WHATIF_FILTER_DECISION = "whatif.filter_decision"
WHATIF_FILTER_OUTCOME = "whatif.filter_outcome"
WHATIF_FILTER_SCORE = "whatif.filter_score"
WHATIF_EDITOR = "whatif.editor"  # the editor form
WHATIF_EDITOR_ROW = "whatif.editor_row"  # the row the editor widgets were filled from
WHATIF_HISTORY = "whatif.history"  # list of edit snapshots of the selected row
WHATIF_REVERT_STEP = "whatif.revert_step"
WHATIF_PROXIES = "whatif.proxies"
WHATIF_USE_FOUND_PROXIES = "whatif.use_found_proxies"  # button: proxies into the picker
WHATIF_FIND_PROXIES = "whatif.find_proxies"  # button: run proxy detection here
WHATIF_PROXY_SEARCH_NOTE = "whatif.proxy_search_note"  # what that search found, in words
WHATIF_FLIP_ATTRIBUTE = "whatif.flip_attribute"
WHATIF_CF_SCOPE = "whatif.cf_scope"
WHATIF_CF_ATTRIBUTE = "whatif.cf_attribute"
WHATIF_CHANGEABLE = "whatif.changeable"
WHATIF_TIME_LIMIT = "whatif.time_limit"
WHATIF_SEARCH = "whatif.search"  # the minimal-change search button
WHATIF_SEARCH_REQUEST = "whatif.search_request"
WHATIF_IMPORTANCE_ATTRIBUTE = "whatif.importance_attribute"
WHATIF_EXPLAIN_ON = "whatif.explain_on"  # compute explanations (slow for some models)
WHATIF_ICE_FEATURE = "whatif.ice_feature"

#: Keys that belong to one dataset and model; cleared when either changes.
WHATIF_KEYS = (
    WHATIF_ROW,
    WHATIF_LAST_SELECTION,
    WHATIF_FILTER_ATTRIBUTE,
    WHATIF_FILTER_GROUPS,
    WHATIF_FILTER_DECISION,
    WHATIF_FILTER_OUTCOME,
    WHATIF_FILTER_SCORE,
    WHATIF_EDITOR_ROW,
    WHATIF_HISTORY,
    WHATIF_REVERT_STEP,
    WHATIF_PROXIES,
    WHATIF_FLIP_ATTRIBUTE,
    WHATIF_CF_ATTRIBUTE,
    WHATIF_CHANGEABLE,
    WHATIF_SEARCH_REQUEST,
    WHATIF_IMPORTANCE_ATTRIBUTE,
    WHATIF_EXPLAIN_ON,
    WHATIF_ICE_FEATURE,
)


def whatif_edit_key(feature: str) -> str:
    """The editor widget key of ``feature``."""
    return f"whatif.edit.{feature}"


def reset_whatif_if_new(data_key: tuple[object, ...]) -> None:
    """Forget the What-if page's selections and edits when the data or model changed."""
    if st.session_state.get(WHATIF_DATA) == data_key:
        return
    for key in WHATIF_KEYS:
        st.session_state.pop(key, None)
    for key in [k for k in st.session_state if str(k).startswith("whatif.edit.")]:
        st.session_state.pop(key, None)
    st.session_state[WHATIF_DATA] = data_key


def get_whatif_history() -> list[dict[str, object]]:
    """The edits of the selected row at each re-score, oldest first (``{}`` = the original)."""
    history: list[dict[str, object]] = st.session_state.get(WHATIF_HISTORY, [])
    return history


def set_whatif_history(history: list[dict[str, object]]) -> None:
    """Replace the edit history of the selected row."""
    st.session_state[WHATIF_HISTORY] = history


def fill_whatif_editor(values: dict[str, object]) -> None:
    """Set the editor widgets (before they are drawn, or in a callback)."""
    for feature, value in values.items():
        st.session_state[whatif_edit_key(feature)] = value


def reference_share_key(sha256: str, attribute: str, index: int) -> str:
    """Widget key of the reference share of one group (scoped to the data's content)."""
    return f"datasetcheck.reference.{sha256[:16]}.{attribute}.{index}"


def get_whatif_proxy_default() -> tuple[str, ...]:
    """Proxy features handed over from the Dataset check (empty when none were)."""
    features: tuple[str, ...] = st.session_state.get(WHATIF_PROXY_DEFAULT, ())
    return features


def set_whatif_proxy_default(features: Sequence[str]) -> None:
    """Hand proxy features to the What-if page's flip tests (its widget's default)."""
    st.session_state[WHATIF_PROXY_DEFAULT] = tuple(str(f) for f in features)
    st.session_state.pop(WHATIF_PROXIES, None)  # so the What-if widget takes the new default


def get_cohorts() -> tuple[Cohort, ...]:
    """The cohorts saved for the loaded data, in the order they were saved."""
    cohorts: tuple[Cohort, ...] = st.session_state.get(COHORTS, ())
    return cohorts


def add_cohort(cohort: Cohort) -> None:
    """Save a cohort (saving the same slice again keeps one copy)."""
    current = [c for c in get_cohorts() if c.name != cohort.name]
    st.session_state[COHORTS] = (*current, cohort)


def remove_cohort(name: str) -> None:
    """Forget a cohort (and unselect it on the Subgroups page)."""
    st.session_state[COHORTS] = tuple(c for c in get_cohorts() if c.name != name)
    chosen = st.session_state.get(SUBGROUPS_ATTRIBUTES)
    if chosen is not None and name in chosen:
        st.session_state[SUBGROUPS_ATTRIBUTES] = [a for a in chosen if a != name]


# --------------------------------------------------------------------------------------
# Report page ("report." keys)
# --------------------------------------------------------------------------------------


def set_subgroup_settings(settings: SubgroupSettings) -> None:
    """Remember the settings the Subgroups page computed its report with (the report's too)."""
    st.session_state[REPORT_SUBGROUP_SETTINGS] = settings


def get_subgroup_settings() -> SubgroupSettings | None:
    """The Subgroups page's last settings in this session (None before any visit)."""
    settings = st.session_state.get(REPORT_SUBGROUP_SETTINGS)
    return settings if isinstance(settings, SubgroupSettings) else None


def report_finding_key(finding_id: str, field: str) -> str:
    """Widget key of one finding's editor field on the Report page."""
    return f"report.finding.{finding_id}.{field}"


def push_report_notice(text: str) -> None:
    """A message to show at the top of the Report page on its next run."""
    st.session_state[REPORT_NOTICE] = text


def pop_report_notice() -> str | None:
    """The Report page's pending message, removed from state."""
    notice: str | None = st.session_state.pop(REPORT_NOTICE, None)
    return notice


def report_created(content: str, now: str) -> str:
    """The report's creation time: kept while its content (``content``, a key) is unchanged.

    ``now`` becomes the time when the content is new to this session, so the files carry
    the time this reviewer's report last changed, and reruns reuse the built files.
    """
    stored = st.session_state.get(REPORT_CREATED)
    if stored is not None and stored[0] == content:
        stamp: str = stored[1]
        return stamp
    st.session_state[REPORT_CREATED] = (content, now)
    return now


#: The analyses the reviewer added to the report ("Add this analysis to the report" on
#: Subgroups), as SubgroupSettings in the report's order. Empty: the report shows the
#: analysis currently chosen on Subgroups.
REPORT_ANALYSES = "report.analyses"


def get_report_analyses() -> list[SubgroupSettings]:
    """The analyses added to the report, in its order (a copy: change it through the setters)."""
    stored = st.session_state.get(REPORT_ANALYSES, [])
    return [s for s in stored if isinstance(s, SubgroupSettings)]


def add_report_analysis(settings: SubgroupSettings) -> None:
    """Add an analysis at the end of the report (kept once when added twice)."""
    analyses = get_report_analyses()
    if settings not in analyses:
        st.session_state[REPORT_ANALYSES] = [*analyses, settings]


def remove_report_analysis(index: int) -> None:
    """Take the analysis at ``index`` out of the report (nothing happens outside the list)."""
    analyses = get_report_analyses()
    if 0 <= index < len(analyses):
        del analyses[index]
        st.session_state[REPORT_ANALYSES] = analyses


def move_report_analysis(index: int, offset: int) -> None:
    """Move the analysis at ``index`` by ``offset`` places (-1 up, 1 down), within the list."""
    analyses = get_report_analyses()
    if not 0 <= index < len(analyses):
        return
    target = min(max(index + offset, 0), len(analyses) - 1)
    analyses.insert(target, analyses.pop(index))
    st.session_state[REPORT_ANALYSES] = analyses


# --------------------------------------------------------------------------------------
# Monitoring page ("monitoring." keys). The page has its own data: a decision log (the
# monitoring demo or uploaded files), kept here as (file name, bytes) pairs so it survives
# leaving the page; the column widgets restart from suggestions whenever the log changes.
# --------------------------------------------------------------------------------------

MONITORING_SOURCE = "monitoring.source"  # "demo", "upload" or "server"
MONITORING_UPLOAD = "monitoring.upload"
MONITORING_SERVER_PATH = "monitoring.server_path"  # a log in the operator's allowed folders
MONITORING_TIME_KIND = "monitoring.time_kind"  # "time" (a date column) or "period"
MONITORING_TIME_COLUMN = "monitoring.time_column"
MONITORING_PERIOD = "monitoring.period"
MONITORING_BASELINE = "monitoring.baseline"  # "first", "previous" or "named"
MONITORING_BASELINE_PERIOD = "monitoring.baseline_period"
MONITORING_PROTECTED = "monitoring.protected"
MONITORING_DECISION_SOURCE = "monitoring.decision_source"  # "score" or "prediction"
MONITORING_PREDICTION = "monitoring.prediction"
MONITORING_SCORE = "monitoring.score"
MONITORING_THRESHOLD = "monitoring.threshold"
MONITORING_TARGET = "monitoring.target"  # "" when the log has no outcome column
MONITORING_POSITIVE = "monitoring.positive"
MONITORING_METRICS = "monitoring.metrics"
MONITORING_MIN_N = "monitoring.min_n"
MONITORING_ALPHA = "monitoring.alpha"
MONITORING_CHART_KIND = "monitoring.chart_kind"  # "gap" or "rate"
#: The uploaded log files, as a tuple of (file name, bytes).
MONITORING_FILES = "monitoring.files"
#: The content key of the log the column widgets were filled for.
MONITORING_LOG_KEY = "monitoring.log_key"

#: Widget keys that depend on the log's columns; refilled from suggestions for a new log.
MONITORING_LOG_DEPENDENT_KEYS = (
    MONITORING_TIME_KIND,
    MONITORING_TIME_COLUMN,
    MONITORING_PERIOD,
    MONITORING_BASELINE,
    MONITORING_BASELINE_PERIOD,
    MONITORING_PROTECTED,
    MONITORING_DECISION_SOURCE,
    MONITORING_PREDICTION,
    MONITORING_SCORE,
    MONITORING_THRESHOLD,
    MONITORING_TARGET,
    MONITORING_POSITIVE,
    MONITORING_METRICS,
)


def get_monitoring_files() -> tuple[tuple[str, bytes], ...]:
    """The uploaded decision-log files of this session (empty before any upload)."""
    files: tuple[tuple[str, bytes], ...] = st.session_state.get(MONITORING_FILES, ())
    return files


def set_monitoring_files(files: Sequence[tuple[str, bytes]]) -> None:
    """Keep the uploaded decision-log files (name, bytes) for this session."""
    st.session_state[MONITORING_FILES] = tuple(files)


def seed_monitoring_choices(log_key: str, suggested: dict[str, object]) -> None:
    """For a log not seen before, put ``suggested`` widget values in place of the old ones.

    ``log_key`` identifies the log's content; for the same log nothing changes, so the
    reviewer's own choices stay. When no log was seen yet in this session (a first visit,
    or a reopened review whose choices were just put back) only missing values are filled.
    """
    seen = st.session_state.get(MONITORING_LOG_KEY)
    if seen == log_key:
        return
    if seen is not None:
        for key in MONITORING_LOG_DEPENDENT_KEYS:
            st.session_state.pop(key, None)
    for key, value in suggested.items():
        if value is not None and key not in st.session_state:
            st.session_state[key] = value
    st.session_state[MONITORING_LOG_KEY] = log_key


# --------------------------------------------------------------------------------------
# Privacy and Present mode ("privacy." and "present." keys)
# --------------------------------------------------------------------------------------

#: The sidebar switch "Hide individuals' rows" (a choice kept with the review).
PRIVACY_HIDE_ROWS = "privacy.hide_rows"
#: The same switch as drawn in Present mode: always on and disabled.
PRIVACY_HIDE_ROWS_PRESENTING = "privacy.hide_rows_presenting"
#: Not a widget: True while the Present page runs (rows are hidden whatever the switch says).
PRESENTING = "present.active"
#: Not a widget: the id of the step Present mode shows ("summary.0", "finding.<id>", …).
PRESENT_STEP = "present.step"
#: Not a widget: the version of the shared step this session last followed (speaker view).
PRESENT_SEEN = "present.seen"
#: Present mode's buttons.
PRESENT_NEXT = "present.next"
PRESENT_PREVIOUS = "present.previous"
PRESENT_EXIT = "present.exit"
#: The presenter's own notes of one step, typed in the speaker view (kept with the review).
PRESENT_NOTES_PREFIX = "present.notes."


def present_notes_key(step_id: str) -> str:
    """Widget key of the speaker's notes of one Present-mode step."""
    return f"{PRESENT_NOTES_PREFIX}{step_id}"
