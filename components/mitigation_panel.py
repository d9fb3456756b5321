"""The mitigation section of the Trade-offs page: retrain the model and compare.

:func:`render_mitigation_panel` explains pre- and in-processing, finds the training data
(the demo's training split, or an upload on this panel), runs the cached retraining with a
progress bar and a Stop button, and shows each model's accuracy and disparity on the test
data next to the original model's.

Stopping: Streamlit handles a click on Stop by ending the running script at its next
screen update, and the progress bar is updated before every model is trained, so a run
stops within one model fit (about a second on the demos). The rerun that follows records
the stop request (:func:`components.state.request_mitigation_stop`), which the run also
polls through ``should_stop``; the panel then says the run was stopped. Nothing partial
is kept or cached.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from components import cache, state
from components.demo import data_label
from components.errors import render_error
from components.findings import option_name, record_operating_point, render_add_to_findings
from components.state import AuditInputs
from fairness_core.data import SUPPORTED_DATA_SUFFIXES, AuditData, Dataset
from fairness_core.errors import FairnessCoreError
from fairness_core.escaping import escape_markdown
from fairness_core.metrics import METRICS
from fairness_core.report import record_retrained_model
from fairness_core.tradeoffs import (
    MITIGATION_CRITERIA,
    MITIGATION_LABELS,
    MITIGATION_METHODS,
    CancelledError,
    MitigationResult,
    check_refittable,
)

PAGE = "Trade-offs"
DEFAULT_METHODS = ("reweighing", "exponentiated_gradient")
METHOD_HELP = {
    "reweighing": "pre-processing: gives each training row a weight so that, in the weighted "
    "data, every group has the same rate of good outcomes; then retrains once.",
    "exponentiated_gradient": "in-processing: retrains the model many times with changing "
    "weights and mixes the results into one model that meets the chosen criterion on the "
    "training data. A few people near the line get a decision drawn at random.",
    "grid_search": "in-processing: trains one model for each of a few penalty strengths and "
    "keeps the best single model. Coarse when there are many groups.",
}
DEFAULT_MAX_ROWS = 5_000
GROUP_METRICS = ("selection_rate", "true_positive_rate", "false_positive_rate", "accuracy")
MIN_ROWS = 200
# Plain titles of the tables' columns, for the copies that go to the findings.
POINT_TITLES = {
    "label": "Model",
    "accuracy_percent": f"{METRICS['accuracy'].title} (%)",
    "accuracy_change": f"{METRICS['accuracy'].title} change (points)",
    "balanced_accuracy_percent": f"{METRICS['balanced_accuracy'].title} (%)",
    "disparity": "Gap between groups",
    "disparity_change": "Gap change",
}
GROUP_TITLES = {
    "label": "Model",
    "group": "Group",
    "n": "People (test data)",
    "selection_rate": "Given the favourable decision (%)",
    "true_positive_rate": "Favourable decision when the outcome was favourable (%)",
    "false_positive_rate": "Favourable decision when the outcome was unfavourable (%)",
    "accuracy": f"{METRICS['accuracy'].title} (%)",
}


def render_mitigation_panel(
    inputs: AuditInputs, audit: AuditData, attribute: str, criterion: str
) -> pd.DataFrame | None:
    """The mitigation section; returns the points table once a run has finished, else None.

    The table has the columns ``label``, ``kind`` (``"original"`` | ``"mitigation"``),
    ``accuracy``, ``balanced_accuracy`` and ``disparity`` (of ``criterion`` between the
    groups of ``attribute``), one row per model, for drawing on the trade-off chart.
    """
    st.subheader("Retrain the model: mitigation compared")
    st.markdown(
        "Changing thresholds (above) leaves the model as it is. Mitigation instead **retrains "
        "the model on the training data** so that it treats the groups more equally:\n"
        "- **Pre-processing** changes the training data before training. *Reweighing* "
        "counts some training rows more than others so that good outcomes are equally "
        "common in every group.\n"
        "- **In-processing** changes the training itself. *Exponentiated gradient* "
        "retrains the model many times and combines the results so that the chosen "
        "criterion holds on the training data.\n\n"
        "Every retrained model is then judged on the same test data as the original one, so "
        "you can see what each approach costs in accuracy and what it gains in equality."
    )
    server = state.get_server_data()
    if server is not None and server.sample_rows < server.total_rows:
        st.caption(
            f"Retraining needs single rows, so it works on the sample of "
            f"{server.sample_rows:,} of the {server.total_rows:,} rows, drawn by group."
        )
    try:
        check_refittable(inputs.model)
    except FairnessCoreError as exc:
        render_error(exc)
        return None
    train = _training_data(inputs)
    if train is None:
        return None

    methods, max_iter, max_rows = _settings(train)
    settings: dict[str, object] = {
        "attributes": attribute,
        "criterion": criterion,
        "methods": methods,
        "max_iter": max_iter,
        "max_train_rows": max_rows,
        "seed": 0,
    }
    key = cache.mitigation_key(inputs, train, **settings)
    run_column, stop_column = st.columns([1, 4])
    run = run_column.button(
        "Run mitigation", key=state.MITIGATION_RUN, type="primary", disabled=not methods
    )
    stop_column.button(
        "Stop",
        key=state.MITIGATION_STOP,
        on_click=state.request_mitigation_stop,
        help="Ends a running retraining within about a second. Nothing partial is kept.",
    )
    if run:
        state.clear_mitigation_stop()
        try:
            result = cache.mitigation(
                inputs, audit, train, should_stop=state.mitigation_stop_requested, **settings
            )
        except CancelledError as exc:
            st.info(escape_markdown(str(exc)), icon=":material/stop_circle:")
            return None
        except FairnessCoreError as exc:
            render_error(exc)
            return None
        state.set_mitigation_result(key, result)

    stored = state.get_mitigation_result(key)
    if stored is None:
        if state.mitigation_stop_requested():
            st.info(
                "The last run was stopped before it finished, so there are no results. "
                "Press Run mitigation to start it again.",
                icon=":material/stop_circle:",
            )
        else:
            st.caption(
                "Press Run mitigation to retrain the model with the chosen methods. It takes "
                "from a few seconds to about a minute; a bar shows how far it got."
            )
        return None
    _show_result(stored, attribute, settings)
    _render_record_model(stored, inputs, settings)
    return stored.points.copy()


def _render_record_model(
    result: MitigationResult, inputs: AuditInputs, settings: dict[str, object]
) -> None:
    """Record one retrained model as an option the report compares with the others."""
    retrained = [str(x) for x in result.points.loc[result.points["kind"] != "original", "label"]]
    if not retrained:
        return
    count = sum(p.data_sha256 == inputs.dataset.sha256 for p in state.get_operating_points())
    with st.form("mitigation.record_form"):
        st.markdown("**Record a retrained model** as an option for the report")
        label = st.selectbox("Retrained model", retrained, key="mitigation.record_model")
        name = st.text_input(
            "Name of this option",
            value=f"{option_name(count)}: retrained model",
            key=f"mitigation.record_title.{count}",
            max_chars=200,
        )
        rationale = st.text_area(
            "Why this model? (rationale)",
            key="mitigation.record_rationale",
            placeholder="What retraining changes, and why it is worth it.",
        )
        submitted = st.form_submit_button("Record this model as an option")
    if not submitted:
        return
    if not rationale.strip():
        st.warning("Write down why this model is worth considering, then record it again.")
        return
    try:
        record = record_retrained_model(
            result,
            label,
            title=name.strip() or f"{option_name(count)}: {label}",
            rationale=rationale.strip(),
            data_name=data_label(inputs.source, inputs.dataset),
            data_sha256=inputs.dataset.sha256,
            created=datetime.now(UTC).isoformat(timespec="seconds"),
            settings=settings,
        )
    except FairnessCoreError as exc:
        render_error(exc)
        return
    record_operating_point(record)
    st.rerun()


def _training_data(inputs: AuditInputs) -> Dataset | None:
    """The demo's training split, or the training data uploaded on this panel."""
    if inputs.source.startswith("demo:"):
        name = inputs.source.removeprefix("demo:")
        try:
            demo_train = cache.demo_train(name)
        except FairnessCoreError as exc:
            render_error(exc)
            return None
        st.caption(
            f"Training data: the demo's training split ({demo_train.n_rows:,} rows), the rows "
            "the model was originally trained on."
        )
        return demo_train
    upload = st.file_uploader(
        "Training data (CSV, Parquet or Excel .xlsx)",
        type=[s.lstrip(".") for s in SUPPORTED_DATA_SUFFIXES],
        key=state.MITIGATION_TRAIN_UPLOAD,
        help="The rows the model was trained on, with the same columns as the test data: the "
        "model's input columns, the outcome column and the protected attribute. It stays "
        "in this session.",
    )
    if upload is None:
        state.set_training_data(None)
        st.session_state.pop(state.MITIGATION_TRAIN_UPLOAD_ID, None)
    elif upload.file_id != st.session_state.get(state.MITIGATION_TRAIN_UPLOAD_ID):
        try:
            state.set_training_data(cache.read_dataset(upload.getvalue(), upload.name))
        except FairnessCoreError as exc:  # not remembered: the reason shows until replaced
            state.set_training_data(None)
            render_error(exc)
            return None
        st.session_state[state.MITIGATION_TRAIN_UPLOAD_ID] = upload.file_id
    train = state.get_training_data()
    if train is None:
        st.info(
            "Mitigation needs the training data: the rows the model learned from, with the "
            "same columns as the data you are auditing (the model's inputs, the outcome and "
            "the protected attribute). Upload it above."
        )
        return None
    st.caption(escape_markdown(train.describe()))
    return train


def _settings(train: Dataset) -> tuple[tuple[str, ...], int, int]:
    """The methods, exponentiated gradient's rounds and the training-row limit."""
    methods = st.multiselect(
        "Methods",
        list(MITIGATION_METHODS),
        default=list(DEFAULT_METHODS),
        format_func=MITIGATION_LABELS.__getitem__,
        key=state.MITIGATION_CHOSEN_METHODS,
        persist_state="session",
        help=" ".join(f"{MITIGATION_LABELS[m]}: {METHOD_HELP[m]}" for m in MITIGATION_METHODS),
    )
    left, right = st.columns(2)
    max_iter = left.number_input(
        "Rounds of exponentiated gradient (at most)",
        min_value=1,
        max_value=200,
        value=15,
        step=1,
        key=state.MITIGATION_MAX_ITER,
        persist_state="session",
        help="More rounds meet the criterion more closely and take longer. Grid search "
        "tries 10 penalty strengths.",
    )
    most = max(train.n_rows, MIN_ROWS)
    max_rows = right.number_input(
        "Training rows to use (at most)",
        min_value=min(MIN_ROWS, most),
        max_value=most,
        value=min(most, DEFAULT_MAX_ROWS),
        step=500,
        key=state.MITIGATION_MAX_ROWS,
        persist_state="session",
        help="A random sample (the same every time) keeps long runs short. Use all rows for "
        "the final comparison.",
    )
    return tuple(methods), int(max_iter), int(max_rows)


def _show_result(result: MitigationResult, attribute: str, settings: dict[str, object]) -> None:
    """The points table, a plain sentence, the per-group table and "Add to findings"."""
    criterion_title = MITIGATION_CRITERIA[result.criterion]
    table = result.points.copy()
    original = table.iloc[0]
    table["accuracy_percent"] = table["accuracy"] * 100
    table["accuracy_change"] = table["accuracy_percent"] - original["accuracy"] * 100
    table["balanced_accuracy_percent"] = table["balanced_accuracy"] * 100
    table["disparity_change"] = table["disparity"] - original["disparity"]
    sentence = _describe(result, attribute)
    st.dataframe(
        table,
        hide_index=True,
        key="mitigation.points_table",
        column_order=[
            "label",
            "accuracy_percent",
            "accuracy_change",
            "balanced_accuracy_percent",
            "disparity",
            "disparity_change",
        ],
        column_config={
            "label": st.column_config.TextColumn("Model"),
            "accuracy_percent": st.column_config.NumberColumn(
                METRICS["accuracy"].title,
                format="%.1f%%",
                help="Share of right decisions on the test data.",
            ),
            "accuracy_change": st.column_config.NumberColumn(
                f"{METRICS['accuracy'].title} change",
                format="%+.1f points",
                help="Accuracy minus the original model's.",
            ),
            "balanced_accuracy_percent": st.column_config.NumberColumn(
                METRICS["balanced_accuracy"].title,
                format="%.1f%%",
                help="The average of the rates of right decisions for people with the "
                "favourable and with the unfavourable outcome.",
            ),
            "disparity": st.column_config.NumberColumn(
                "Gap between groups",
                format="%.3f",
                help=f"{criterion_title}: the largest minus the smallest value over the "
                f"groups of {escape_markdown(attribute)}. 0 means every group is treated alike.",
            ),
            "disparity_change": st.column_config.NumberColumn(
                "Gap change", format="%+.3f", help="Gap minus the original model's."
            ),
        },
    )
    st.caption(escape_markdown(sentence))
    for note in result.notes:
        st.caption(escape_markdown(note))
    by_group = _group_table(result)
    shown = by_group.assign(**{m: by_group[m] * 100 for m in GROUP_METRICS})
    with st.expander("Each group under each model"):
        st.dataframe(
            shown,
            hide_index=True,
            key="mitigation.group_table",
            column_config={
                "label": st.column_config.TextColumn("Model"),
                "group": st.column_config.TextColumn("Group"),
                "n": st.column_config.NumberColumn("People (test data)", format="localized"),
                "selection_rate": st.column_config.NumberColumn(
                    "Given the favourable decision", format="%.1f%%"
                ),
                "true_positive_rate": st.column_config.NumberColumn(
                    "Favourable decision when the outcome was favourable (true positive rate)",
                    format="%.1f%%",
                ),
                "false_positive_rate": st.column_config.NumberColumn(
                    "Favourable decision when the outcome was unfavourable (false positive rate)",
                    format="%.1f%%",
                ),
                "accuracy": st.column_config.NumberColumn(
                    METRICS["accuracy"].title, format="%.1f%%"
                ),
            },
        )
        st.caption(
            escape_markdown(
                f"For each model, how often each group of {attribute} gets the favourable "
                "decision, and how often it is right, on the test data."
            )
        )
        render_add_to_findings(
            "mitigation.group_table",
            title=f"Mitigation by group of {attribute}",
            page=PAGE,
            summary=f"Per-group rates of each model, by {attribute}.",
            table=shown.loc[:, list(GROUP_TITLES)].rename(columns=GROUP_TITLES),
            settings=settings,
        )
    render_add_to_findings(
        "mitigation.points_table",
        title=f"Mitigation compared ({criterion_title}, by {attribute})",
        page=PAGE,
        summary=sentence,
        table=table.loc[:, list(POINT_TITLES)].rename(columns=POINT_TITLES),
        settings=settings,
    )


def _group_table(result: MitigationResult) -> pd.DataFrame:
    """The long per-group table as one row per model and group (models in run order)."""
    order = {label: i for i, label in enumerate(result.points["label"])}
    wide = result.by_group.pivot(
        index=["label", "group", "n"], columns="metric", values="value"
    ).reset_index()
    wide = wide.sort_values("label", key=lambda s: s.map(order), kind="stable")
    wide.columns.name = None
    return wide[["label", "group", "n", *GROUP_METRICS]].reset_index(drop=True)


def _describe(result: MitigationResult, attribute: str) -> str:
    """One plain sentence per retrained model: the gap and the accuracy, before and after."""
    points = result.points
    original = points.iloc[0]
    parts = [
        f"{row.label} changes the gap between groups of {attribute} from "
        f"{original['disparity']:.3f} to {row.disparity:.3f} and accuracy from "
        f"{original['accuracy']:.1%} to {row.accuracy:.1%}"
        for row in points.iloc[1:].itertuples()
    ]
    return "; ".join(parts) + "." if parts else "Only the original model was evaluated."
