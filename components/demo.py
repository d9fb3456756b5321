"""Putting a demo scenario into the session: its test data, its model and its roles."""

from __future__ import annotations

from components import cache, state
from fairness_core.errors import FairnessCoreError
from fairness_core.escaping import escape_markdown


def activate_demo(name: str) -> bool:
    """Load demo ``name`` into this session; True when its data is now the session's data.

    Problems become notices shown at the top of the Data & model page: a model that fails to
    load is reported and skipped; data that fails to load leaves the session unchanged.
    """
    demo = next(d for d in cache.demos() if d.name == name)
    try:
        dataset = cache.demo_dataset(name)
    except FairnessCoreError as exc:
        state.push_notice("error", escape_markdown(str(exc)))
        return False
    try:
        model = cache.demo_model(name)
    except FairnessCoreError as exc:
        state.push_notice("warning", escape_markdown(str(exc)))
        model = None
    state.set_inputs(dataset, model, demo.roles, f"demo:{name}")
    return True
