"""Every cached call into fairness_core, keyed by content (file hashes and settings).

Results are keyed by what they are computed from, never by who asked, so sharing them
between sessions leaks nothing. Large inputs are passed as ``_``-prefixed arguments, which
Streamlit does not hash; their SHA-256 stands in for them in the key. Cached objects are
frozen results: nothing may mutate them.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from components.state import AuditInputs
from fairness_core.data import (
    AuditData,
    ColumnRoles,
    Dataset,
    DemoScenario,
    check_audit_data,
    compute_group_overview,
    get_demo,
    list_demos,
    load_dataset,
)
from fairness_core.dataset_check import (
    Cohort,
    DatasetAudit,
    FeatureDistribution,
    ProxyReport,
    SliceReport,
    check_labelled_data,
    compute_dataset_audit,
    compute_feature_distribution,
    find_proxies,
    find_slices,
)
from fairness_core.dataset_check import with_cohorts as add_cohort_columns
from fairness_core.errors import Problem, ValidationFailedError
from fairness_core.metrics import (
    GroupCounts,
    SubgroupReport,
    compute_group_counts,
    compute_subgroup_report,
)
from fairness_core.models import LoadedModel, ModelPolicy, load_model, load_model_policy
from fairness_core.report import (
    ReviewReport,
    build_bundle,
    build_html_report,
    build_metrics_csv,
    build_metrics_excel,
    build_metrics_json,
    build_model_card,
    build_pdf_report,
    finding_to_dict,
    operating_point_to_dict,
)
from fairness_core.tradeoffs import (
    Frontier,
    MitigationResult,
    ThresholdSweep,
    compute_mitigation,
    find_frontier,
    sweep_audit,
)
from fairness_core.whatif import (
    EditComparison,
    Explanation,
    FeatureSpec,
    FlipTestResult,
    GlobalImportance,
    IceCurve,
    MinimalChange,
    ModelScorer,
    NearestCounterfactuals,
    RowExplainer,
    RowFlipResult,
    apply_edits,
    compare_edit,
    compute_feature_specs,
    compute_flip_test,
    compute_global_importance,
    compute_ice,
    compute_row_table,
    find_minimal_change,
    find_nearest_counterfactuals,
    fit_explainer,
    probe_row_flips,
    sample_rows_by_group,
)


@st.cache_resource(show_spinner=False)
def model_policy() -> ModelPolicy:
    """What the operator allowed when starting the app (environment, read once)."""
    return load_model_policy(os.environ)


@st.cache_data(show_spinner=False)
def demos() -> tuple[DemoScenario, ...]:
    """The demo scenarios shipped with the app."""
    return list_demos()


@st.cache_data(show_spinner="Loading the demo data…", max_entries=8)
def demo_dataset(name: str) -> Dataset:
    """A demo's test split (a fresh copy per call: sessions never share a frame)."""
    return get_demo(name).load_test()


@st.cache_resource(show_spinner="Loading the demo model…", max_entries=8)
def demo_model(name: str) -> LoadedModel:
    """A demo's model (shared, read-only)."""
    return get_demo(name).load_model()


def read_dataset(data: bytes, filename: str) -> Dataset:
    """Parse an upload. Not cached: the page parses each upload once and keeps it in state."""
    return load_dataset(data, filename=filename)


def read_model(data: bytes, filename: str) -> LoadedModel:
    """Load a model upload under the operator's policy (cached by content)."""
    return _uploaded_model(hashlib.sha256(data).hexdigest(), filename, data, model_policy())


@st.cache_resource(show_spinner="Checking and loading the model…", max_entries=8)
def _uploaded_model(sha256: str, filename: str, _data: bytes, _policy: ModelPolicy) -> LoadedModel:
    """A model upload, loaded once per content and policy (shared, read-only)."""
    del sha256  # the cache key for ``_data``
    return load_model(_data, filename=filename, policy=_policy)


def validate(inputs: AuditInputs) -> tuple[tuple[Problem, ...], AuditData | None]:
    """Validate the session's inputs under its roles (cached by content)."""
    model = inputs.model
    return _audit_data(
        inputs.dataset.sha256,
        inputs.roles,
        model.sha256 if model is not None else None,
        inputs.dataset.frame,
        model if inputs.roles.source == "model" else None,
    )


@st.cache_resource(show_spinner="Checking the data…", max_entries=16)
def _audit_data(
    data_sha: str,
    roles: ColumnRoles,
    model_sha: str | None,
    _frame: pd.DataFrame,
    _model: LoadedModel | None,
) -> tuple[tuple[Problem, ...], AuditData | None]:
    """Validate data under roles: every problem found, and the audit data when usable."""
    del data_sha, model_sha  # cache keys for the frame and the model
    try:
        audit = check_audit_data(_frame, roles, model=_model)
    except ValidationFailedError as exc:
        return exc.problems, None
    return audit.warnings, audit


def group_overview(inputs: AuditInputs, audit: AuditData, attribute: str) -> pd.DataFrame:
    """Rows, share, base rate and missingness per group of one protected attribute."""
    return _group_overview(*_key(inputs), attribute, audit)


@st.cache_data(show_spinner=False, max_entries=64)
def _group_overview(
    data_sha: str, roles: ColumnRoles, model_sha: str | None, attribute: str, _audit: AuditData
) -> pd.DataFrame:
    del data_sha, roles, model_sha
    return compute_group_overview(_audit, attribute)


def _key(inputs: AuditInputs) -> tuple[str, ColumnRoles, str | None]:
    """What an audit is computed from: data content, roles, model content."""
    model = inputs.model
    return inputs.dataset.sha256, inputs.roles, model.sha256 if model is not None else None


def group_names(inputs: AuditInputs, audit: AuditData, attributes: tuple[str, ...]) -> list[str]:
    """Display names of the (intersectional) groups of ``attributes``."""
    return list(_group_counts(*_key(inputs), attributes, audit).names)


def group_labels(
    inputs: AuditInputs, audit: AuditData, attributes: tuple[str, ...], name: str
) -> tuple[str, ...]:
    """The labels (one per attribute) of the group displayed as ``name``."""
    counts = _group_counts(*_key(inputs), attributes, audit)
    return tuple(counts.labels[counts.names.index(name)])


@st.cache_data(show_spinner=False, max_entries=64)
def _group_counts(
    data_sha: str,
    roles: ColumnRoles,
    model_sha: str | None,
    attributes: tuple[str, ...],
    _audit: AuditData,
) -> GroupCounts:
    del data_sha, roles, model_sha
    columns = [_audit.group(name) for name in attributes]
    return compute_group_counts(
        columns,
        _audit.y_true,
        _audit.y_pred,
        sample_weight=_audit.sample_weight,
        y_score=_audit.y_score,
    )


def subgroup_report(inputs: AuditInputs, audit: AuditData, **settings: Any) -> SubgroupReport:
    """The subgroup report for the session's audit and the page's settings (cached)."""
    counts = _group_counts(*_key(inputs), settings["attributes"], audit)
    return _subgroup_report(*_key(inputs), tuple(sorted(settings.items())), counts)


@st.cache_data(show_spinner="Computing group metrics and intervals…", max_entries=64)
def _subgroup_report(
    data_sha: str,
    roles: ColumnRoles,
    model_sha: str | None,
    settings: tuple[tuple[str, Any], ...],
    _counts: GroupCounts,
) -> SubgroupReport:
    del data_sha, roles, model_sha
    return compute_subgroup_report(_counts, **dict(settings))


@st.cache_data(show_spinner="Loading the demo's training data…", max_entries=8)
def demo_train(name: str) -> Dataset:
    """A demo's training split (for mitigation)."""
    return get_demo(name).load_train()


def mitigation_key(inputs: AuditInputs, train: Dataset, **settings: Any) -> tuple[Any, ...]:
    """What a mitigation run is computed from: audit inputs, training data, settings."""
    return (*_key(inputs), train.sha256, tuple(sorted(settings.items())))


def mitigation(
    inputs: AuditInputs,
    audit: AuditData,
    train: Dataset,
    *,
    should_stop: Callable[[], bool] | None = None,
    **settings: Any,
) -> MitigationResult:
    """Retrain the session's model with the mitigation methods (cached by content).

    A progress bar shows while it runs (created inside the cached call, so a cache hit
    replays it and then removes it). ``settings`` are :func:`compute_mitigation`'s
    keyword arguments.
    """
    if inputs.model is None:  # the panel checks first; keeps the type checker informed
        raise RuntimeError("mitigation() called without a model")
    return _mitigation(
        mitigation_key(inputs, train, **settings),
        inputs.model,
        train.frame,
        audit,
        should_stop,
    )


@st.cache_data(show_spinner=False, max_entries=16)
def _mitigation(
    key: tuple[Any, ...],
    _model: LoadedModel,
    _train: pd.DataFrame,
    _audit: AuditData,
    _should_stop: Callable[[], bool] | None,
) -> MitigationResult:
    settings = dict(key[-1])
    bar = st.progress(0.0, text="Starting…")
    try:
        result = compute_mitigation(
            _model,
            _train,
            _audit,
            progress=lambda fraction, message: bar.progress(fraction, text=message),
            should_stop=_should_stop,
            **settings,
        )
    finally:
        bar.empty()
    return result


def tradeoff_sweep(
    inputs: AuditInputs, audit: AuditData, attributes: tuple[str, ...]
) -> ThresholdSweep:
    """Every threshold for the groups of ``attributes`` (cached by content)."""
    return _tradeoff_sweep(*_key(inputs), attributes, audit)


@st.cache_data(show_spinner="Sweeping every threshold for every group…", max_entries=32)
def _tradeoff_sweep(
    data_sha: str,
    roles: ColumnRoles,
    model_sha: str | None,
    attributes: tuple[str, ...],
    _audit: AuditData,
) -> ThresholdSweep:
    del data_sha, roles, model_sha
    return sweep_audit(_audit, attributes)


def tradeoff_frontier(
    inputs: AuditInputs, audit: AuditData, attributes: tuple[str, ...], **settings: Any
) -> Frontier:
    """The group-threshold frontier for the page's settings (cached by content).

    ``settings`` are :func:`find_frontier`'s keyword arguments (criterion, objective, ...).
    """
    sweep = tradeoff_sweep(inputs, audit, attributes)
    return _tradeoff_frontier(*_key(inputs), attributes, tuple(sorted(settings.items())), sweep)


@st.cache_data(show_spinner="Finding the group thresholds…", max_entries=64)
def _tradeoff_frontier(
    data_sha: str,
    roles: ColumnRoles,
    model_sha: str | None,
    attributes: tuple[str, ...],
    settings: tuple[tuple[str, Any], ...],
    _sweep: ThresholdSweep,
) -> Frontier:
    del data_sha, roles, model_sha, attributes
    return find_frontier(_sweep, **dict(settings))


# --------------------------------------------------------------------------------------
# What-if page. Results are keyed by data content, roles and model content (``_key``);
# the model and the frames travel unhashed. The model is never changed: explainers only
# read it, and each is built once per (data, roles, model) and shared read-only.
# --------------------------------------------------------------------------------------

Edits = tuple[tuple[str, Any], ...]


def whatif_scorer(inputs: AuditInputs, audit: AuditData) -> ModelScorer:
    """The session's model with the audit's positive outcome and threshold."""
    if inputs.model is None:
        raise RuntimeError("whatif_scorer() called without a model")
    return ModelScorer.from_audit(inputs.model, audit)


def whatif_rows(inputs: AuditInputs, audit: AuditData) -> pd.DataFrame:
    """Every row with its groups, outcome, model score, decision and outcome type."""
    return _whatif_rows(*_key(inputs), whatif_scorer(inputs, audit), audit)


@st.cache_data(show_spinner="Scoring every row with the model…", max_entries=16)
def _whatif_rows(
    data_sha: str,
    roles: ColumnRoles,
    model_sha: str | None,
    _scorer: ModelScorer,
    _audit: AuditData,
) -> pd.DataFrame:
    del data_sha, roles, model_sha
    return compute_row_table(_audit, _scorer)


def whatif_specs(inputs: AuditInputs, audit: AuditData) -> tuple[FeatureSpec, ...]:
    """How each model input can be edited (typed from the data)."""
    return _whatif_specs(*_key(inputs), whatif_scorer(inputs, audit).features, audit)


@st.cache_data(show_spinner=False, max_entries=16)
def _whatif_specs(
    data_sha: str,
    roles: ColumnRoles,
    model_sha: str | None,
    features: tuple[str, ...],
    _audit: AuditData,
) -> tuple[FeatureSpec, ...]:
    del data_sha, roles, model_sha
    return compute_feature_specs(_audit.frame, features)


def whatif_edited_row(
    inputs: AuditInputs, audit: AuditData, row: int, edits: Edits
) -> pd.DataFrame:
    """Row ``row`` of the audit with ``edits`` applied (a fresh one-row table)."""
    return apply_edits(audit.frame.iloc[[row]], dict(edits), whatif_specs(inputs, audit))


def whatif_compare(inputs: AuditInputs, audit: AuditData, row: int, edits: Edits) -> EditComparison:
    """The row scored as it is and as edited."""
    return _whatif_compare(*_key(inputs), row, edits, whatif_scorer(inputs, audit), audit)


@st.cache_data(show_spinner=False, max_entries=256)
def _whatif_compare(
    data_sha: str,
    roles: ColumnRoles,
    model_sha: str | None,
    row: int,
    edits: Edits,
    _scorer: ModelScorer,
    _audit: AuditData,
) -> EditComparison:
    del data_sha, roles, model_sha
    specs = compute_feature_specs(_audit.frame, _scorer.features)
    return compare_edit(_scorer, _audit.frame.iloc[[row]], dict(edits), specs)


def whatif_row_flips(
    inputs: AuditInputs, audit: AuditData, row: int, proxies: tuple[str, ...]
) -> RowFlipResult:
    """The row re-scored with each protected attribute (and proxy) changed."""
    return _whatif_row_flips(*_key(inputs), row, proxies, whatif_scorer(inputs, audit), audit)


@st.cache_data(show_spinner="Trying every other group for this row…", max_entries=256)
def _whatif_row_flips(
    data_sha: str,
    roles: ColumnRoles,
    model_sha: str | None,
    row: int,
    proxies: tuple[str, ...],
    _scorer: ModelScorer,
    _audit: AuditData,
) -> RowFlipResult:
    del data_sha, roles, model_sha
    return probe_row_flips(_scorer, _audit, row, proxies=proxies)


def whatif_flip_test(
    inputs: AuditInputs, audit: AuditData, attribute: str, proxies: tuple[str, ...]
) -> FlipTestResult:
    """The dataset flip test for one protected attribute."""
    scorer = whatif_scorer(inputs, audit)
    scores = whatif_rows(inputs, audit)["score"].to_numpy()
    return _whatif_flip_test(*_key(inputs), attribute, proxies, scorer, audit, scores)


@st.cache_data(show_spinner="Moving every row to each other group and re-scoring…", max_entries=32)
def _whatif_flip_test(
    data_sha: str,
    roles: ColumnRoles,
    model_sha: str | None,
    attribute: str,
    proxies: tuple[str, ...],
    _scorer: ModelScorer,
    _audit: AuditData,
    _scores: Any,
) -> FlipTestResult:
    del data_sha, roles, model_sha
    return compute_flip_test(_scorer, _audit, attribute, proxies=proxies, scores=_scores)


def whatif_nearest(
    inputs: AuditInputs, audit: AuditData, row: int, scope: str, attribute: str | None
) -> NearestCounterfactuals:
    """The existing rows nearest to ``row`` with the opposite decision."""
    decisions = whatif_rows(inputs, audit)["decision"].to_numpy()
    specs = whatif_specs(inputs, audit)
    return _whatif_nearest(*_key(inputs), row, scope, attribute, specs, audit, decisions)


@st.cache_data(show_spinner=False, max_entries=256)
def _whatif_nearest(
    data_sha: str,
    roles: ColumnRoles,
    model_sha: str | None,
    row: int,
    scope: Any,
    attribute: str | None,
    specs: tuple[FeatureSpec, ...],
    _audit: AuditData,
    _decisions: Any,
) -> NearestCounterfactuals:
    del data_sha, roles, model_sha
    group = _audit.group(attribute) if attribute else None
    return find_nearest_counterfactuals(
        _audit.frame,
        specs,
        _decisions,
        row,
        groups=group.codes if group is not None else None,
        group_labels=group.labels if group is not None else (),
        scope=scope,
    )


def whatif_minimal_change(
    inputs: AuditInputs,
    audit: AuditData,
    row: int,
    edits: Edits,
    changeable: tuple[str, ...],
    time_limit: float,
) -> MinimalChange:
    """The cheapest change to ``changeable`` features that flips the (edited) row."""
    return _whatif_minimal_change(
        *_key(inputs), row, edits, changeable, time_limit, whatif_scorer(inputs, audit), audit
    )


@st.cache_data(show_spinner="Searching for the smallest change…", max_entries=64)
def _whatif_minimal_change(
    data_sha: str,
    roles: ColumnRoles,
    model_sha: str | None,
    row: int,
    edits: Edits,
    changeable: tuple[str, ...],
    time_limit: float,
    _scorer: ModelScorer,
    _audit: AuditData,
) -> MinimalChange:
    del data_sha, roles, model_sha
    specs = compute_feature_specs(_audit.frame, _scorer.features)
    start = apply_edits(_audit.frame.iloc[[row]], dict(edits), specs)
    return find_minimal_change(_scorer, start, specs, changeable, time_limit=time_limit)


def whatif_explainer(inputs: AuditInputs, audit: AuditData) -> RowExplainer:
    """The SHAP explainer of the session's model, built once per data, roles and model."""
    return _whatif_explainer(*_key(inputs), whatif_scorer(inputs, audit), audit)


@st.cache_resource(show_spinner="Preparing the explainer…", max_entries=8)
def _whatif_explainer(
    data_sha: str,
    roles: ColumnRoles,
    model_sha: str | None,
    _scorer: ModelScorer,
    _audit: AuditData,
) -> RowExplainer:
    del data_sha, roles, model_sha
    return fit_explainer(_scorer, _audit.frame, max_background=100, max_evals=200)


def whatif_explain(inputs: AuditInputs, audit: AuditData, row: int, edits: Edits) -> Explanation:
    """SHAP values of the (edited) row."""
    explainer = whatif_explainer(inputs, audit)
    return _whatif_explain(*_key(inputs), row, edits, explainer, audit)


@st.cache_data(show_spinner="Explaining this row…", max_entries=256)
def _whatif_explain(
    data_sha: str,
    roles: ColumnRoles,
    model_sha: str | None,
    row: int,
    edits: Edits,
    _explainer: RowExplainer,
    _audit: AuditData,
) -> Explanation:
    del data_sha, roles, model_sha
    specs = compute_feature_specs(_audit.frame, _explainer.features)
    return _explainer.explain(apply_edits(_audit.frame.iloc[[row]], dict(edits), specs))


def whatif_importance(
    inputs: AuditInputs, audit: AuditData, attribute: str, per_group: int
) -> GlobalImportance:
    """Mean |SHAP| per feature, overall and per group of ``attribute``."""
    explainer = whatif_explainer(inputs, audit)
    return _whatif_importance(*_key(inputs), attribute, per_group, explainer, audit)


@st.cache_data(show_spinner="Explaining a sample of every group…", max_entries=32)
def _whatif_importance(
    data_sha: str,
    roles: ColumnRoles,
    model_sha: str | None,
    attribute: str,
    per_group: int,
    _explainer: RowExplainer,
    _audit: AuditData,
) -> GlobalImportance:
    del data_sha, roles, model_sha
    group = _audit.group(attribute)
    rows = sample_rows_by_group(group.codes, per_group=per_group)
    explanation = _explainer.explain(_audit.frame.iloc[rows])
    return compute_global_importance(
        explanation, group.codes[rows], group.labels, attribute=attribute, population=group.counts
    )


def whatif_ice(
    inputs: AuditInputs, audit: AuditData, row: int, edits: Edits, feature: str
) -> IceCurve:
    """The (edited) row's score as ``feature`` varies, with the average over 100 rows."""
    return _whatif_ice(*_key(inputs), row, edits, feature, whatif_scorer(inputs, audit), audit)


@st.cache_data(show_spinner="Re-scoring over the feature's range…", max_entries=256)
def _whatif_ice(
    data_sha: str,
    roles: ColumnRoles,
    model_sha: str | None,
    row: int,
    edits: Edits,
    feature: str,
    _scorer: ModelScorer,
    _audit: AuditData,
) -> IceCurve:
    del data_sha, roles, model_sha
    specs = {s.name: s for s in compute_feature_specs(_audit.frame, _scorer.features)}
    start = apply_edits(_audit.frame.iloc[[row]], dict(edits), tuple(specs.values()))
    background = _audit.frame.sample(n=min(100, _audit.n_rows), random_state=0)
    return compute_ice(_scorer, start, specs[feature], background=background)


# -- Dataset check: dataset audit, proxies, slices, cohorts ------------------------------


def labelled_data(inputs: AuditInputs) -> tuple[tuple[Problem, ...], AuditData | None]:
    """Validate target and protected attributes only (no model or decisions needed)."""
    return _labelled_data(inputs.dataset.sha256, inputs.roles, inputs.dataset.frame)


@st.cache_resource(show_spinner="Checking the data…", max_entries=16)
def _labelled_data(
    data_sha: str, roles: ColumnRoles, _frame: pd.DataFrame
) -> tuple[tuple[Problem, ...], AuditData | None]:
    del data_sha  # the cache key for the frame
    try:
        data = check_labelled_data(_frame, roles)
    except ValidationFailedError as exc:
        return exc.problems, None
    return data.warnings, data


def dataset_audit(
    inputs: AuditInputs,
    data: AuditData,
    reference_shares: tuple[tuple[str, tuple[tuple[str, float], ...]], ...],
    min_n: int,
) -> DatasetAudit:
    """Representation, base rates, disparate impact and gaps of the labelled data."""
    return _dataset_audit(inputs.dataset.sha256, inputs.roles, reference_shares, min_n, data)


@st.cache_data(show_spinner="Auditing the dataset…", max_entries=32)
def _dataset_audit(
    data_sha: str,
    roles: ColumnRoles,
    reference_shares: tuple[tuple[str, tuple[tuple[str, float], ...]], ...],
    min_n: int,
    _data: AuditData,
) -> DatasetAudit:
    del data_sha, roles
    shares = {attribute: dict(entries) for attribute, entries in reference_shares}
    return compute_dataset_audit(_data, reference_shares=shares, min_n=min_n)


def feature_distribution(
    inputs: AuditInputs, data: AuditData, attribute: str, feature: str
) -> FeatureDistribution:
    """How one feature is spread within each group of one attribute."""
    return _feature_distribution(inputs.dataset.sha256, inputs.roles, attribute, feature, data)


@st.cache_data(show_spinner=False, max_entries=64)
def _feature_distribution(
    data_sha: str, roles: ColumnRoles, attribute: str, feature: str, _data: AuditData
) -> FeatureDistribution:
    del data_sha, roles
    return compute_feature_distribution(_data, attribute, feature)


def proxies(inputs: AuditInputs, data: AuditData, features: tuple[str, ...]) -> ProxyReport:
    """How well each feature identifies each protected attribute (cross-validated)."""
    return _proxies(inputs.dataset.sha256, inputs.roles, features, data)


@st.cache_data(show_spinner="Checking which features reveal a protected attribute…", max_entries=16)
def _proxies(
    data_sha: str, roles: ColumnRoles, features: tuple[str, ...], _data: AuditData
) -> ProxyReport:
    del data_sha, roles
    return find_proxies(_data, features=features)


def slices(inputs: AuditInputs, audit: AuditData, **settings: Any) -> SliceReport:
    """The slices the model treats worst on one metric (settings as find_slices takes them)."""
    return _slices(*_key(inputs), tuple(sorted(settings.items())), audit)


@st.cache_data(show_spinner="Searching for the worst-treated slices…", max_entries=32)
def _slices(
    data_sha: str,
    roles: ColumnRoles,
    model_sha: str | None,
    settings: tuple[tuple[str, Any], ...],
    _audit: AuditData,
) -> SliceReport:
    del data_sha, roles, model_sha
    return find_slices(_audit, **dict(settings))


def with_cohorts(inputs: AuditInputs, audit: AuditData, cohorts: tuple[Cohort, ...]) -> AuditData:
    """The audit with one more grouping column per saved cohort ("in <cohort>" / "rest")."""
    if not cohorts:
        return audit
    return _with_cohorts(*_key(inputs), cohorts, audit)


@st.cache_resource(show_spinner=False, max_entries=16)
def _with_cohorts(
    data_sha: str,
    roles: ColumnRoles,
    model_sha: str | None,
    cohorts: tuple[Cohort, ...],
    _audit: AuditData,
) -> AuditData:
    del data_sha, roles, model_sha
    return add_cohort_columns(_audit, cohorts)


def report_files(review: ReviewReport) -> dict[str, bytes]:
    """Every export of a review (HTML, PDF, CSV, Excel, JSON, model card, bundle), cached.

    Keyed by the review's content (data and model hashes, roles, settings, title, findings,
    operating point); the creation time is not part of the key.
    """
    content = {
        "title": review.title,
        "data": review.data.sha256,
        "model": review.model.sha256 if review.model else None,
        "roles": repr(review.roles),
        "settings": repr(review.subgroup.settings),
        "findings": [finding_to_dict(f) for f in review.findings],
        "point": operating_point_to_dict(review.operating_point)
        if review.operating_point
        else None,
    }
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)
    return _report_files(hashlib.sha256(text.encode("utf-8")).hexdigest(), review)


@st.cache_data(show_spinner="Preparing the report files…", max_entries=8)
def _report_files(digest: str, _review: ReviewReport) -> dict[str, bytes]:
    del digest  # the cache key for ``_review``
    return {
        "html": build_html_report(_review).encode("utf-8"),
        "pdf": build_pdf_report(_review),
        "csv": build_metrics_csv(_review),
        "xlsx": build_metrics_excel(_review),
        "json": build_metrics_json(_review).encode("utf-8"),
        "md": build_model_card(_review).encode("utf-8"),
        "zip": build_bundle(_review),
    }
