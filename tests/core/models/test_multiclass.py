"""A model that predicts three or more classes is refused: the audit needs yes/no decisions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from sklearn.linear_model import LogisticRegression

from fairness_core.errors import ModelLoadError
from fairness_core.models import ModelLimits, ModelPolicy, load_model

EXPECTED = (
    "The model in 'grades.skops' (LogisticRegression) predicts 3 classes ('A', 'B', 'C'); "
    "the audit compares one favourable outcome with the other and needs a model with exactly "
    "two classes. Its scores would otherwise be read as if it had two. Export a two-class "
    "model (for example approved / denied), or upload the decisions as a column of the data "
    "instead."
)


def _skops(labels: list[str]) -> bytes:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"income": rng.normal(size=60), "age": rng.normal(size=60)})
    target = [labels[i % len(labels)] for i in range(60)]
    return sio.dumps(LogisticRegression().fit(frame, target))


@pytest.mark.parametrize(
    "policy",
    [ModelPolicy(), ModelPolicy(limits=ModelLimits(time_seconds=60))],
    ids=["in-process", "worker"],
)
def test_three_class_skops_model_is_refused_with_the_message(policy: ModelPolicy) -> None:
    """A 3-class LogisticRegression in skops is refused, naming its classes and the remedy."""
    with pytest.raises(ModelLoadError) as info:
        load_model(_skops(["A", "B", "C"]), filename="grades.skops", policy=policy)
    assert str(info.value) == EXPECTED


def test_two_class_skops_model_still_loads() -> None:
    """The same model fitted on two classes loads, with both classes named."""
    model = load_model(_skops(["A", "B"]), filename="grades.skops")
    assert model.classes == ("A", "B")


def test_many_classes_are_shortened_in_the_message() -> None:
    """Twelve classes: the first ten are shown and the rest counted."""
    labels = [f"c{i:02d}" for i in range(12)]
    with pytest.raises(ModelLoadError, match=r"predicts 12 classes \('c00', .*'c09' and 2 more\)"):
        load_model(_skops(labels), filename="many.skops")
