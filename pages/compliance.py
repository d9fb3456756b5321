"""Compliance: the review checked against named policies, requirement by requirement."""

from __future__ import annotations

import streamlit as st

from components import compliance
from components.audit import require_audit
from components.compliance_sections import (
    render_column_choices,
    render_line_editors,
    render_overview,
    render_own_policy_upload,
    render_policy_picker,
    render_policy_result,
    render_system_text,
)
from components.errors import render_error
from components.router import ensure_routed
from fairness_core.errors import FairnessCoreError

ensure_routed()

st.title("Compliance")
st.caption(
    "Check this review against named policies — the four-fifths rule, NYC Local Law 144, "
    "fair lending, an internal policy, the EU AI Act checklist — side by side. Each "
    "requirement is met, not met, not assessed, or has too few people to judge, with the "
    "reason and a link to the evidence."
)
inputs, audit = require_audit()
protected = [g.name for g in audit.groups]

try:
    catalogue = compliance.available_policies()
except FairnessCoreError as exc:
    render_error(exc)
    st.stop()

chosen = render_policy_picker(catalogue)
with st.expander("Add your own policy"):
    render_own_policy_upload(catalogue)
if not chosen:
    st.info(
        "Choose at least one policy. Without one, the Subgroups verdicts use the usual lines "
        "(impact ratio at least 0.8, difference at most 0.1)."
    )
    st.stop()

policies = compliance.chosen_policies()
with st.expander("Which column holds each attribute the policies name", expanded=True):
    render_column_choices(policies, protected)
with st.expander("Edit the policies' lines for this review"):
    st.caption(
        "A changed line applies to this review only; the report records the policy's line "
        "and yours. The first policy's lines are also the Subgroups page's."
    )
    render_line_editors(catalogue, chosen)
with st.expander("About the system (read by checklists and the report)"):
    render_system_text()

try:
    results = compliance.compliance_results(inputs, audit)
except FairnessCoreError as exc:
    render_error(exc)
    st.stop()

st.subheader("Every policy, requirement by requirement")
render_overview(results)
evidence = compliance.review_evidence()
for result in results:
    render_policy_result(result, evidence, protected)
