"""Putting a demo scenario into the session: its test data, its model and its roles."""

from __future__ import annotations

from components import cache, state
from components.errors import render_error
from fairness_core import FairnessCoreError


def activate_demo(name: str) -> None:
    """Load demo ``name`` into this session; a model that fails to load is reported and skipped."""
    demo = next(d for d in cache.demos() if d.name == name)
    try:
        dataset = cache.demo_dataset(name)
    except FairnessCoreError as exc:
        render_error(exc)
        return
    try:
        model = cache.demo_model(name)
    except FairnessCoreError as exc:
        render_error(exc)
        model = None
    state.set_inputs(dataset, model, demo.roles, f"demo:{name}")
