"""Every cached call into fairness_core, each declared once with :func:`cached`.

Keys are derived from the arguments' content by :mod:`components.keyed_cache` (files by
their SHA-256 and name, audits by the call that produced them, reviews by everything an
export shows), never by who asked, so sharing results between sessions leaks nothing.
Cached objects are frozen results: nothing may mutate them.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import Any, Literal, get_args

import pandas as pd
import streamlit as st

from components.keyed_cache import cached, content_key, derived_from
from components.model_stop import call_marker, stoppable
from components.server_cache import server_counts, server_histogram
from components.state import AuditInputs, get_server_data
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
    score_scale,
)
from fairness_core.dataset_check import (
    BaseRateVerdicts,
    Cohort,
    DatasetAudit,
    FeatureDistribution,
    ProxyReport,
    SliceReport,
    check_labelled_data,
    compute_base_rate_verdicts,
    compute_dataset_audit,
    compute_feature_distribution,
    find_proxies,
    find_slices,
    with_intersection,
)
from fairness_core.dataset_check import with_cohorts as add_cohort_columns
from fairness_core.errors import FairnessCoreError, Problem, ValidationFailedError
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
    build_datasheet,
    build_html_report,
    build_metrics_csv,
    build_metrics_excel,
    build_metrics_json,
    build_model_card,
    build_pdf_report,
)
from fairness_core.tradeoffs import (
    Frontier,
    MitigationResult,
    ThresholdSweep,
    compute_mitigation,
    find_frontier,
    sweep_audit,
    sweep_from_histogram,
)

_LOG = logging.getLogger(__name__)


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


@st.cache_data(show_spinner="Loading the demo's training data…", max_entries=8)
def demo_train(name: str) -> Dataset:
    """A demo's training split (for mitigation)."""
    return get_demo(name).load_train()


@st.cache_resource(show_spinner="Loading the demo model…", max_entries=8)
def demo_model(name: str) -> LoadedModel:
    """A demo's model (shared, read-only; its file is read when it first scores)."""
    return get_demo(name).open_model()


def read_dataset(data: bytes, filename: str) -> Dataset:
    """Parse an upload. Not cached: the page parses each upload once and keeps it in state."""
    return load_dataset(data, filename=filename)


def read_model(data: bytes, filename: str) -> LoadedModel:
    """Load a model upload under the operator's policy (cached by content and name).

    The reviewer can stop the load (:func:`components.model_stop.stoppable`).
    """
    with stoppable("load", call_marker(data, filename), name=filename):
        return _uploaded_model(data, filename, model_policy())


@cached(spinner="Checking and loading the model…", max_entries=8, kind="resource")
def _uploaded_model(data: bytes, filename: str, policy: ModelPolicy) -> LoadedModel:
    """A model upload, loaded once per content, name and policy (shared, read-only)."""
    return load_model(data, filename=filename, policy=policy)


def validate(inputs: AuditInputs) -> tuple[tuple[Problem, ...], AuditData | None]:
    """Validate the session's inputs under its roles: every problem, and the audit data.

    An uploaded model scores the data here; the reviewer can stop it
    (:func:`components.model_stop.stoppable`).
    """
    model = _model_used(inputs)
    if model is None or _is_demo_model(inputs.source, model):  # runs in this process
        return _audit_data(inputs.dataset, inputs.roles, model)
    marker = call_marker(content_key((inputs.dataset, inputs.roles, model)))
    with stoppable("score", marker, name=model.name):
        return _audit_data(inputs.dataset, inputs.roles, model)


def _is_demo_model(source: str, model: LoadedModel) -> bool:
    name = source.removeprefix("demo:")
    return source.startswith("demo:") and model is demo_model(name)  # shared, not a copy


def _model_used(inputs: AuditInputs) -> LoadedModel | None:
    return inputs.model if inputs.roles.source == "model" else None


@cached(spinner="Checking the data…", max_entries=16, kind="resource")
def _audit_data(
    dataset: Dataset, roles: ColumnRoles, model: LoadedModel | None
) -> tuple[tuple[Problem, ...], AuditData | None]:
    try:
        audit = check_audit_data(dataset.frame, roles, model=model)
    except ValidationFailedError as exc:
        return exc.problems, None
    return audit.warnings, derived_from(audit, "audit", dataset, roles, model)


@cached(max_entries=64)
def group_overview(inputs: AuditInputs, audit: AuditData, attribute: str) -> pd.DataFrame:
    """Rows, share, base rate and missingness per group of one protected attribute."""
    return compute_group_overview(audit, attribute)


@cached(max_entries=64)
def _group_counts(audit: AuditData, attributes: tuple[str, ...]) -> GroupCounts:
    columns = [audit.group(name) for name in attributes]
    return compute_group_counts(
        columns,
        audit.y_true,
        audit.y_pred,
        sample_weight=audit.sample_weight,
        y_score=audit.y_score,
    )


def group_names(inputs: AuditInputs, audit: AuditData, attributes: tuple[str, ...]) -> list[str]:
    """Display names of the (intersectional) groups of ``attributes``."""
    return list(_group_counts(audit, attributes).names)


def group_labels(
    inputs: AuditInputs, audit: AuditData, attributes: tuple[str, ...], name: str
) -> tuple[str, ...]:
    """The labels (one per attribute) of the group displayed as ``name``."""
    counts = _group_counts(audit, attributes)
    return tuple(counts.labels[counts.names.index(name)])


def subgroup_report(inputs: AuditInputs, audit: AuditData, **settings: Any) -> SubgroupReport:
    """The subgroup report for the session's audit and the page's settings (cached).

    For data read on the server the counts are of all its rows (DuckDB), not of the sample
    in the session; groupings by a saved cohort exist only in the sample.
    """
    attributes = tuple(settings["attributes"])
    server = get_server_data()
    if server is not None and set(attributes) <= set(inputs.roles.protected):
        counts = server_counts(server.path, server.sha256, inputs.roles, attributes)
        return _subgroup_report(counts, **settings)
    return _subgroup_report(_group_counts(audit, attributes), **settings)


@cached(spinner="Computing group metrics and intervals…", max_entries=64)
def _subgroup_report(counts: GroupCounts, **settings: Any) -> SubgroupReport:
    return compute_subgroup_report(counts, **settings)


def mitigation_key(inputs: AuditInputs, train: Dataset, **settings: Any) -> str:
    """What a mitigation run is computed from: audit inputs, training data, settings."""
    return content_key((inputs.dataset, inputs.roles, inputs.model, train, settings))


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
    return _mitigation(inputs.model, train, audit, _should_stop=should_stop, **settings)


@cached(max_entries=16)
def _mitigation(
    model: LoadedModel,
    train: Dataset,
    audit: AuditData,
    *,
    _should_stop: Callable[[], bool] | None,
    **settings: Any,
) -> MitigationResult:
    bar = st.progress(0.0, text="Starting…")

    def progress(fraction: float, message: str) -> None:
        bar.progress(fraction, text=message)

    try:
        return compute_mitigation(
            model,
            train.frame,
            audit,
            progress=progress,
            should_stop=_should_stop,
            **settings,
        )
    finally:
        bar.empty()


def tradeoff_sweep(
    inputs: AuditInputs, audit: AuditData, attributes: tuple[str, ...]
) -> ThresholdSweep:
    """Every threshold for the groups of ``attributes`` (cached by content).

    For data read on the server it is the sweep of all its rows, from the engine's score
    histogram on the 1/1000 threshold grid (DuckDB), not of the sample in the session;
    groupings by a saved cohort exist only in the sample (:func:`sweep_covers_all_rows`).
    """
    server = get_server_data()
    if sweep_covers_all_rows(inputs, audit, attributes) and server is not None:
        return _server_sweep(server.path, server.sha256, inputs.roles, attributes)
    return _sample_sweep(inputs, audit, attributes)


def sweep_covers_all_rows(
    inputs: AuditInputs, audit: AuditData, attributes: tuple[str, ...]
) -> bool:
    """Whether :func:`tradeoff_sweep` counts every row of a server source (not a sample)."""
    return (
        get_server_data() is not None
        and audit.y_score is not None
        and inputs.roles.source == "score"
        and set(attributes) <= set(inputs.roles.protected)
    )


@cached(spinner="Sweeping every threshold for every group…", max_entries=32)
def _sample_sweep(
    inputs: AuditInputs, audit: AuditData, attributes: tuple[str, ...]
) -> ThresholdSweep:
    return sweep_audit(audit, attributes)


@cached(spinner="Sweeping every threshold for every group of all rows…", max_entries=32)
def _server_sweep(
    path: str, sha256: str, roles: ColumnRoles, attributes: tuple[str, ...]
) -> ThresholdSweep:
    counts, histogram = server_histogram(path, sha256, roles, attributes)
    if histogram is None:  # sweep_covers_all_rows checked for scores; for the types
        raise RuntimeError("the server data's count has no score histogram")
    return sweep_from_histogram(
        histogram, counts, threshold=roles.threshold, scale=score_scale(roles)
    )


def tradeoff_frontier(
    inputs: AuditInputs, audit: AuditData, attributes: tuple[str, ...], **settings: Any
) -> Frontier:
    """The group-threshold frontier for the page's settings (cached by content).

    ``settings`` are :func:`find_frontier`'s keyword arguments (criterion, objective, ...).
    """
    return _tradeoff_frontier(tradeoff_sweep(inputs, audit, attributes), **settings)


@cached(spinner="Finding the group thresholds…", max_entries=64)
def _tradeoff_frontier(sweep: ThresholdSweep, **settings: Any) -> Frontier:
    return find_frontier(sweep, **settings)


# -- Dataset check: dataset audit, proxies, slices, cohorts ------------------------------


def labelled_data(inputs: AuditInputs) -> tuple[tuple[Problem, ...], AuditData | None]:
    """Validate target and protected attributes only (no model or decisions needed)."""
    return _labelled_data(inputs.dataset, inputs.roles)


@cached(spinner="Checking the data…", max_entries=16, kind="resource")
def _labelled_data(
    dataset: Dataset, roles: ColumnRoles
) -> tuple[tuple[Problem, ...], AuditData | None]:
    try:
        data = check_labelled_data(dataset.frame, roles)
    except ValidationFailedError as exc:
        return exc.problems, None
    return data.warnings, derived_from(data, "labelled", dataset, roles)


@cached(spinner="Auditing the dataset…", max_entries=32)
def dataset_audit(
    inputs: AuditInputs,
    data: AuditData,
    reference_shares: tuple[tuple[str, tuple[tuple[str, float], ...]], ...],
    min_n: int,
) -> DatasetAudit:
    """Representation, base rates, disparate impact and gaps of the labelled data."""
    shares = {attribute: dict(entries) for attribute, entries in reference_shares}
    return compute_dataset_audit(data, reference_shares=shares, min_n=min_n)


@cached(max_entries=16, kind="resource")
def intersected(inputs: AuditInputs, data: AuditData, attributes: tuple[str, ...]) -> AuditData:
    """The labelled data with one more grouping column: ``attributes`` crossed."""
    return with_intersection(data, attributes)


@cached(spinner="Judging each group's recorded outcomes…", max_entries=32)
def base_rate_verdicts(
    inputs: AuditInputs, data: AuditData, attribute: str, min_n: int
) -> BaseRateVerdicts:
    """Each group's base rate against the highest, judged as on the Subgroups page."""
    return compute_base_rate_verdicts(data, (attribute,), min_n=min_n)


@cached(max_entries=64)
def feature_distribution(
    inputs: AuditInputs, data: AuditData, attribute: str, feature: str
) -> FeatureDistribution:
    """How one feature is spread within each group of one attribute."""
    return compute_feature_distribution(data, attribute, feature)


@cached(spinner="Checking which features reveal a protected attribute…", max_entries=16)
def proxies(inputs: AuditInputs, data: AuditData, features: tuple[str, ...]) -> ProxyReport:
    """How well each feature identifies each protected attribute (cross-validated)."""
    return find_proxies(data, features=features)


@cached(spinner="Searching for the worst-treated slices…", max_entries=32)
def slices(inputs: AuditInputs, audit: AuditData, **settings: Any) -> SliceReport:
    """The slices the model treats worst on one metric (settings as find_slices takes them)."""
    return find_slices(audit, **settings)


def with_cohorts(inputs: AuditInputs, audit: AuditData, cohorts: tuple[Cohort, ...]) -> AuditData:
    """The audit with one more grouping column per saved cohort ("in <cohort>" / "rest")."""
    if not cohorts:
        return audit
    return _with_cohorts(audit, cohorts)


@cached(max_entries=16, kind="resource")
def _with_cohorts(audit: AuditData, cohorts: tuple[Cohort, ...]) -> AuditData:
    return add_cohort_columns(audit, cohorts)


# -- Report exports ------------------------------------------------------------------

ExportKind = Literal["html", "pdf", "csv", "xlsx", "json", "md", "datasheet", "zip"]
EXPORT_KINDS: tuple[ExportKind, ...] = get_args(ExportKind)


class ExportFailedError(FairnessCoreError):
    """One export of the report could not be built (the others are unaffected)."""


def _build_export(review: ReviewReport, kind: ExportKind) -> bytes:
    if kind == "html":
        return build_html_report(review).encode("utf-8")
    if kind == "pdf":
        return build_pdf_report(review)
    if kind == "csv":
        return build_metrics_csv(review)
    if kind == "xlsx":
        return build_metrics_excel(review)
    if kind == "json":
        return build_metrics_json(review).encode("utf-8")
    if kind == "md":
        return build_model_card(review).encode("utf-8")
    if kind == "datasheet":
        return build_datasheet(review).encode("utf-8")
    return build_bundle(review)


@cached(spinner="Preparing the report file…", max_entries=64)
def report_file(review: ReviewReport, kind: ExportKind) -> bytes:
    """One export of a review, built on its own so one failure spares the others.

    Keyed by everything the review holds — title, creation time, file names and hashes,
    roles, settings, findings, operating point, tables — so a reviewer only ever gets files
    built from their own review. Raises :class:`ExportFailedError` when the file cannot be
    built (an unexpected failure is logged with its traceback for the operator).
    """
    try:
        return _build_export(review, kind)
    except FairnessCoreError as exc:
        raise ExportFailedError(f"The {kind.upper()} file could not be built: {exc}") from exc
    except Exception as exc:
        # Deliberately broad: a bug in one file's builder must not take away the others.
        _LOG.exception("Building the %s export failed", kind)
        raise ExportFailedError(
            f"The {kind.upper()} file could not be built because of an internal error "
            f"({type(exc).__name__}). The other files are complete and can be downloaded; "
            "please tell the team that runs this app, who can see the details in its log."
        ) from exc


def report_files(review: ReviewReport) -> dict[ExportKind, bytes]:
    """Every export of a review (HTML, PDF, CSV, Excel, JSON, model card, bundle)."""
    return {kind: report_file(review, kind) for kind in EXPORT_KINDS}
