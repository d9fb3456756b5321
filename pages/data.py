"""Data & model: choose a demo or upload files, say which column is which, check the data."""

from __future__ import annotations

import streamlit as st

from components import cache, review_session, state
from components.bundle_open import render_bundle_opener
from components.charts import render_chart
from components.data_switch import (
    CARRY_TO_DEMO,
    has_work,
    offer_upload,
    render_missing_files,
    render_pending_upload,
    work_summary,
)
from components.demo import (
    CONFIRM_DEMO,
    PREVIOUS_UPLOAD,
    RESTORE_UPLOAD,
    activate_demo,
    data_label,
    restore_upload,
    stash_upload,
    stashed_review,
    stashed_upload_name,
)
from components.errors import render_problems
from components.findings import render_add_to_findings, titled
from components.identity import known_owner
from components.roles import follow_model_features, render_column_names, render_role_form
from components.router import ensure_routed
from components.server_data import (
    SERVER,
    load,
    offered,
    render_sample_note,
    render_server_picker,
)
from fairness_core.data import (
    SUPPORTED_DATA_SUFFIXES,
    nested_column_message,
    nested_columns,
)
from fairness_core.errors import FairnessCoreError
from fairness_core.escaping import escape_markdown, find_invisible_lookalikes
from fairness_core.plots import SMALL_GROUP_ROWS, describe_group_overview, plot_group_overview

ensure_routed()

DEMO = "A demo scenario"
UPLOAD = "My own files"
BUNDLE = "An audit bundle"
LAST_UPLOAD = "data.last_upload_id"
LAST_MODEL_UPLOAD = "data.last_model_upload_id"

st.title("Data & model")
st.caption(
    "Start here. Pick a demo scenario or upload your own data (and, if you have it, the "
    "model). Then tell the app which column is which and check the data can be audited."
)

notice = state.pop_notice()
if notice is not None:
    getattr(st, notice[0])(notice[1])

render_missing_files()

# --- 1. Where the data comes from --------------------------------------------------
inputs = state.get_inputs()
waiting_for_files = bool(review_session.missing_files())
origin_default = 1 if waiting_for_files or (inputs is not None and inputs.source == "upload") else 0
origins = [DEMO, UPLOAD, BUNDLE] + ([SERVER] if offered() else [])
if inputs is not None and inputs.source.startswith("server:") and SERVER in origins:
    origin_default = origins.index(SERVER)
origin = st.radio(
    "Where does the data come from?",
    origins,
    index=origin_default,
    horizontal=True,
    key=state.DATA_ORIGIN,
    persist_state="session",
)

if origin == DEMO:
    demos = cache.demos()
    names = [d.name for d in demos]
    current = inputs.source.removeprefix("demo:") if inputs is not None else names[0]
    choice = st.selectbox(
        "Demo scenario",
        names,
        index=names.index(current) if current in names else 0,
        format_func=lambda n: next(d.title for d in demos if d.name == n),
        key=state.DATA_DEMO,
        persist_state="session",
    )
    demo = next(d for d in demos if d.name == choice)
    st.caption(demo.description)
    # Rerun after a switch so everything drawn before this page (the sidebar) shows it.
    switching = inputs is None or inputs.source != f"demo:{choice}"
    if waiting_for_files:  # the reopened review waits for its file: load nothing unasked
        switching = st.button("Start a new review with the demo", key=CONFIRM_DEMO)
    carry = False
    if switching and inputs is not None and (inputs.source == "upload" or has_work()):
        # One click must not throw away an upload or a review: ask, and keep both.
        st.warning(
            escape_markdown(
                f"Your data ({data_label(inputs.source, inputs.dataset)}) is loaded"
                + (f" and your review has {work_summary()}" if has_work() else "")
                + ". Using the demo starts a new review; the current one stays saved under "
                '"My reviews" in the sidebar'
                + (
                    '; your upload also stays under "My own files".'
                    if inputs.source == "upload"
                    else "."
                )
            )
        )
        left, right = st.columns(2)
        switching = left.button("Start a new review with the demo", key=CONFIRM_DEMO)
        if has_work() and right.button("Carry the findings over to the demo", key=CARRY_TO_DEMO):
            switching = carry = True
        if switching:
            stash_upload(review_session.current_id())
    if switching:
        if inputs is not None:
            review_session.start_new_review(carry_findings=carry)
        if activate_demo(choice):
            st.rerun()
elif origin == BUNDLE:
    render_bundle_opener()
elif origin == SERVER:
    wanted = render_server_picker()
    if wanted is not None:
        if inputs is not None:  # the current review stays saved under "My reviews"
            review_session.start_new_review(carry_findings=False)
        review_session.forget_uploads()
        if load(*wanted):
            st.rerun()
else:
    suffixes = [s.lstrip(".") for s in SUPPORTED_DATA_SUFFIXES]
    left, right = st.columns(2)
    with left:
        upload = st.file_uploader(
            "Data file (CSV or other text table, Parquet or Excel .xlsx)",
            type=suffixes,
            key=state.DATA_UPLOAD,
            help="One row per person or case: .csv, .tsv, .txt, .data or .dat (comma, "
            "semicolon, tab, pipe or space separated; without a header row you name the "
            "columns below), .parquet or .xlsx. The file stays in this session: other "
            "people using the app cannot see it.",
        )
    with right:
        model_upload = st.file_uploader(
            "Model file (optional: skops or ONNX)",
            type=["skops", "onnx", "pkl", "pickle", "joblib"],
            key=state.DATA_MODEL_UPLOAD,
            help="Needed for what-if edits and explanations. Without it, the audit uses the "
            "decisions or scores already in the data.",
        )
    # Each upload is handled once; the marker is written only after the file was handled, so
    # a run that Streamlit interrupts half-way (the reviewer clicked on) handles it again.
    if upload is not None and upload.file_id != st.session_state.get(LAST_UPLOAD):
        payload = upload.getvalue()
        try:
            dataset = cache.read_dataset(payload, upload.name)
        except FairnessCoreError as exc:
            state.push_notice("error", escape_markdown(str(exc)))
        else:
            if review_session.missing_files():  # the reopened review's own file, or not
                refused = review_session.supply_missing_file("data", upload.name, payload)
                if refused is not None:
                    state.push_notice("error", escape_markdown(refused))
            else:
                offer_upload(dataset, payload)
        st.session_state[LAST_UPLOAD] = upload.file_id
        st.rerun()
    if model_upload is not None and model_upload.file_id != st.session_state.get(LAST_MODEL_UPLOAD):
        payload = model_upload.getvalue()
        refused = (
            review_session.supply_missing_file("model", model_upload.name, payload)
            if review_session.missing_files()
            else None
        )
        if refused is not None:
            state.push_notice("error", escape_markdown(refused))
        else:
            try:
                model = cache.read_model(payload, model_upload.name)
            except FairnessCoreError as exc:
                state.push_notice("error", escape_markdown(str(exc)))
            else:
                if state.get_inputs() is not None:
                    state.set_model(model)
                    follow_model_features(model)
                    review_session.remember_upload(
                        "model", model_upload.name, payload, model.sha256
                    )
                state.push_notice("success", escape_markdown(f"Loaded the model {model.name}."))
        st.session_state[LAST_MODEL_UPLOAD] = model_upload.file_id
        st.rerun()
    render_pending_upload()
    kept = stashed_upload_name()
    if (
        kept is not None
        and (inputs is None or inputs.source != "upload")
        and st.button(f"Go back to my upload ({escape_markdown(kept)})", key=RESTORE_UPLOAD)
    ):
        previous = stashed_review()
        owner = known_owner()
        if previous is not None and owner is not None:
            review_session.open_review(owner, previous)
            st.session_state.pop(PREVIOUS_UPLOAD, None)
        else:
            restore_upload()
        st.rerun()
    if inputs is not None and inputs.source == "upload":
        st.caption(
            escape_markdown(
                f"Loaded now: {data_label(inputs.source, inputs.dataset)}"
                + (f" with the model {inputs.model.name}" if inputs.model else "")
                + ". Upload another file to replace it."
            )
        )
    else:
        st.info(
            "Upload a data file to start. Until then the pages show the demo that was "
            "loaded before."
        )

inputs = state.get_inputs()
if inputs is None:
    st.stop()

st.markdown(
    f"**Data:** {escape_markdown(inputs.dataset.describe())}  \n"
    + (
        f"**Model:** {escape_markdown(inputs.model.name)} ({inputs.model.kind})"
        if inputs.model is not None
        else "**Model:** none (the audit uses the decisions or scores in the data)"
    )
)

# --- 2. Which column is which -------------------------------------------------------
st.subheader("Which column is which?")
st.caption("Suggestions are filled in from the column names and values. Check each one.")
render_column_names(inputs)
roles = render_role_form(inputs)
inputs = state.set_roles(roles)
nested = [c for c in nested_columns(inputs.dataset.frame) if c in roles.used_columns()]
if nested:
    st.error(escape_markdown(nested_column_message(nested)))
    st.stop()

# --- 3. Can it be audited? ----------------------------------------------------------
st.subheader("Can this data be audited?")
problems, audit = cache.validate(inputs)
render_problems(problems)
if audit is None:
    st.stop()
group_names = ", ".join(f"{g.name} ({len(g)} groups)" for g in audit.groups)
st.success(escape_markdown(f"Ready to audit {audit.n_rows:,} rows by {group_names}."))
for column in roles.protected:
    for lookalikes in find_invisible_lookalikes(inputs.dataset.frame[column].dropna().unique()):
        st.warning(
            escape_markdown(
                f"In '{column}', the values {', '.join(repr(v) for v in lookalikes)} look the "
                "same but differ by invisible characters, so they count as separate groups. "
                "Fix the values in the file (or merge them) if they mean the same group."
            )
        )

# --- 4. Who is in the data ----------------------------------------------------------
st.subheader("Who is in the data?")
render_sample_note()  # shares and base rates of the sample, for server data
attribute = st.selectbox(
    "Protected attribute",
    [g.name for g in audit.groups],
    key=state.DATA_OVERVIEW_ATTRIBUTE,
    persist_state="session",
)
overview = cache.group_overview(inputs, audit, attribute)
overview_chart = plot_group_overview(overview, attribute)
render_chart(overview_chart, key="data.overview_chart")
overview_sentence = describe_group_overview(overview, attribute)
st.caption(escape_markdown(overview_sentence))
table = overview.assign(
    note=[
        f"too small to judge (under {SMALL_GROUP_ROWS} rows)" if n < SMALL_GROUP_ROWS else ""
        for n in overview["rows"]
    ]
)
st.dataframe(
    table,
    hide_index=True,
    key="data.overview_table",
    column_config=(
        overview_titles := {
            "group": st.column_config.TextColumn("Group"),
            "rows": st.column_config.NumberColumn("Rows", format="localized"),
            "share": st.column_config.NumberColumn("Share of rows", format="percent"),
            "base_rate": st.column_config.NumberColumn("Base rate", format="percent"),
            "missing_share": st.column_config.NumberColumn("Rows with gaps", format="percent"),
            "note": st.column_config.TextColumn("Note"),
        }
    ),
)
render_add_to_findings(
    "data.overview",
    title=f"Who is in the data: {attribute}",
    page="Data & model",
    summary=overview_sentence,
    figure=overview_chart,
    table=titled(table, overview_titles),
    settings={"protected attribute": attribute},
)
