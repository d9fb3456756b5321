"""Learn: short lessons on the fairness criteria, on a practice population, and the glossary.

For trainers: two groups of made-up people whose base rates, score quality and thresholds
you set; the table shows live which criteria hold, each with its numbers and its line.
Nothing here uses the loaded data.
"""

from __future__ import annotations

import streamlit as st

from components import learn_cache
from components.errors import render_error
from components.learn_sections import (
    render_criteria,
    render_glossary,
    render_identity,
    render_lesson,
    render_matching,
    render_population_controls,
    render_rates,
)
from components.metric_guide import render_metric_guide
from components.router import ensure_routed
from fairness_core.errors import FairnessCoreError

ensure_routed()

st.title("Learn")
st.caption(
    "What do demographic parity, equal opportunity, equalized odds, predictive parity and "
    "calibration ask for, and why can they not all hold at once? Try them on a practice "
    "population of two groups; nothing here uses your data."
)
lessons, guide, glossary = st.tabs(["Lessons", "Which metric?", "Glossary"])

with lessons:
    render_lesson()
    st.subheader("The practice population")
    settings, thresholds, tolerance = render_population_controls()
    render_matching(settings, thresholds[0])
    try:
        report = learn_cache.criteria(settings, thresholds, tolerance)
    except FairnessCoreError as exc:
        render_error(exc)
    else:
        st.subheader("Which criteria hold")
        render_criteria(report)
        st.subheader("Rates in each group")
        render_rates(report)
        with st.expander("Why not all at once: the impossibility result"):
            render_identity(report)
            st.caption(
                "Sources: Kleinberg, Mullainathan and Raghavan (2016), Inherent Trade-Offs "
                "in the Fair Determination of Risk Scores; Chouldechova (2017), Fair "
                "Prediction with Disparate Impact. See docs/learn.md."
            )

with guide:
    st.markdown(
        "Answer a few questions about the decision; the answer says which measures to look "
        "at on the Subgroups page, and why. You can record it in the review: the report "
        "then says which metric was chosen and why."
    )
    render_metric_guide("learn")

with glossary:
    render_glossary()
