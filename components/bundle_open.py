"""Opening an audit bundle in the app: its data (and model) checked, then a review again.

The bundle (the zip the Report page exports) holds the settings, findings and operating
points but not the files. The reviewer gives the files too; :func:`fairness_core.report.replay`
refuses a file whose SHA-256 differs (naming it) and re-computes every number. The review
that opens has the bundle's column roles, analyses, findings, operating points and title.
"""

from __future__ import annotations

from dataclasses import fields

import streamlit as st

from components import cache, compliance, review_session, state
from fairness_core.errors import FairnessCoreError
from fairness_core.escaping import escape_markdown
from fairness_core.metrics import SubgroupSettings
from fairness_core.report import AuditBundle, replay

BUNDLE_UPLOAD = "data.bundle_upload"
BUNDLE_DATA_UPLOAD = "data.bundle_data_upload"
BUNDLE_MODEL_UPLOAD = "data.bundle_model_upload"
OPEN_BUNDLE = "data.open_bundle"

_SETTING_FIELDS = {f.name for f in fields(SubgroupSettings)}


def _analyses(bundle: AuditBundle) -> list[SubgroupSettings]:
    out = []
    for block in bundle.analyses:
        kept = {k: v for k, v in block.items() if k in _SETTING_FIELDS}
        kept["attributes"] = tuple(kept["attributes"])
        kept["metrics"] = tuple(kept["metrics"])
        out.append(SubgroupSettings(**kept))
    return out


def render_bundle_opener() -> None:
    """Three uploads and a button; opening replaces the session's data with a new review."""
    st.caption(
        "An audit bundle is the zip the Report page exports. It does not contain the data: "
        "give the same data file (and model file, if the audit used one). Files whose "
        "content differs from the audit's are refused."
    )
    bundle_file = st.file_uploader("Audit bundle (.zip)", type=["zip"], key=BUNDLE_UPLOAD)
    left, right = st.columns(2)
    data_file = left.file_uploader(
        "The audit's data file",
        type=["csv", "parquet", "xlsx", "tsv", "txt"],
        key=BUNDLE_DATA_UPLOAD,
    )
    model_file = right.file_uploader(
        "The audit's model file (if it used one)",
        type=["skops", "onnx", "pkl", "pickle", "joblib"],
        key=BUNDLE_MODEL_UPLOAD,
    )
    pressed = st.button(
        "Open the bundle",
        key=OPEN_BUNDLE,
        type="primary",
        disabled=bundle_file is None or data_file is None,
    )
    if not pressed or bundle_file is None or data_file is None:
        return
    data_bytes = data_file.getvalue()
    model_bytes = model_file.getvalue() if model_file is not None else None
    try:
        with st.spinner("Checking the files and re-computing the audit…"):
            result = replay(
                bundle_file.getvalue(),
                data_bytes,
                data_file.name,
                model_bytes,
                model_name=model_file.name if model_file is not None else None,
                policy=cache.model_policy(),
            )
            dataset = cache.read_dataset(data_bytes, data_file.name)
            model = (
                cache.read_model(model_bytes, model_file.name)
                if model_bytes is not None and model_file is not None
                else None
            )
    except FairnessCoreError as exc:
        st.error(escape_markdown(str(exc)))
        return
    bundle = result.bundle
    review_session.start_new_review(carry_findings=False)
    state.set_inputs(dataset, model, bundle.roles, "upload")
    review_session.remember_upload("data", data_file.name, data_bytes, dataset.sha256)
    if model is not None and model_bytes is not None and model_file is not None:
        review_session.remember_upload("model", model_file.name, model_bytes, model.sha256)
    state.set_findings(list(bundle.findings))
    state.set_operating_points(list(bundle.operating_points))
    state.set_recommended_point(bundle.recommended_point)
    analyses = _analyses(bundle)
    st.session_state[state.REPORT_ANALYSES] = analyses
    first = analyses[0]
    st.session_state[state.SUBGROUPS_ATTRIBUTES] = list(first.attributes)
    st.session_state[state.SUBGROUPS_METRICS] = list(first.metrics)
    st.session_state[state.SUBGROUPS_MIN_N] = int(first.min_n)
    st.session_state[state.SUBGROUPS_CORRECTION] = first.correction
    st.session_state[state.SUBGROUPS_ALPHA] = float(first.alpha)
    st.session_state[state.REPORT_TITLE] = bundle.title
    bundled = bundle.policies
    skipped = compliance.restore_choices(bundled.policies, bundled.columns, bundled.evidence)
    if skipped:
        state.push_report_notice(
            f"The bundle checked policies of its own whose ids are those of built-in "
            f"policies ({', '.join(skipped)}); they are not chosen in this review. Give "
            "them their own ids and add them on the Compliance page."
        )
    if result.identical:
        state.push_notice(
            "success",
            escape_markdown(
                f"Opened the audit bundle '{bundle.title}': {result.compared:,} numbers were "
                "re-computed from the data and all are identical. Its findings, operating "
                "points and analyses are in this new review."
            ),
        )
    else:
        shown = "; ".join(result.differences[:5])
        state.push_notice(
            "warning",
            escape_markdown(
                f"Opened the audit bundle '{bundle.title}', but {len(result.differences)} of "
                f"{result.compared:,} numbers differ when re-computed ({shown}). The files "
                "are the audit's; a different version of the software may compute "
                "differently (the bundle lists the versions it was made with)."
            ),
        )
    st.rerun()
