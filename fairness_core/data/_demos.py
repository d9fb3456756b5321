"""Demo scenarios shipped in ``demo_data/``: synthetic audits with known, injected disparities.

``demo_data/scenarios.json`` lists them (written by ``demo_data/generate.py``); each has a
test split with the model's scores, a training split, the model as skops (and for some as
ONNX), and the column roles to audit it with. ``demo_data/README.md`` says what a trainee
should find in each.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from fairness_core.data._dataset import Dataset, load_dataset
from fairness_core.data._roles import AGE_BAND_EDGES, Binning, ColumnRoles
from fairness_core.errors import InvalidInputError
from fairness_core.models import LoadedModel, ModelPolicy, defer_model, load_model

__all__ = ["DEMO_DIR", "DemoScenario", "get_demo", "list_demos"]

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo_data"


@dataclass(frozen=True)
class DemoScenario:
    """One demo: its files and the column roles that audit it."""

    name: str
    title: str
    description: str
    test_path: Path
    train_path: Path
    model_path: Path
    onnx_path: Path | None
    roles: ColumnRoles
    features: tuple[str, ...]
    id_column: str | None

    def load_test(self) -> Dataset:
        """The test split, with the model's scores and decisions."""
        return load_dataset(self.test_path)

    def load_train(self) -> Dataset:
        """The training split (for refitting and mitigation)."""
        return load_dataset(self.train_path)

    def load_model(self, *, onnx: bool = False) -> LoadedModel:
        """The demo model (skops by default; ONNX when asked and shipped)."""
        path = self.onnx_path if onnx and self.onnx_path is not None else self.model_path
        return load_model(path, policy=ModelPolicy())

    def open_model(self) -> LoadedModel:
        """The skops demo model, its file read when it first scores (see ``defer_model``).

        The app's first page shows the demo without importing scikit-learn. The classes
        are the training target's values, sorted, as scikit-learn fits them.
        """
        target = self.roles.target
        values = pd.read_csv(self.train_path, usecols=[target])[target].dropna().unique()
        return defer_model(
            self.model_path, feature_names=self.features, classes=sorted(values.tolist())
        )


def list_demos(directory: Path = DEMO_DIR) -> tuple[DemoScenario, ...]:
    """Every scenario listed in ``scenarios.json``, in its order."""
    index = directory / "scenarios.json"
    try:
        entries = json.loads(index.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InvalidInputError(
            f"The demo list {index} cannot be read ({exc}). Regenerate it with "
            "`.venv/bin/python demo_data/generate.py`."
        ) from exc
    return tuple(_scenario(directory, entry) for entry in entries)


def get_demo(name: str, directory: Path = DEMO_DIR) -> DemoScenario:
    """The scenario called ``name`` (loan, resume, credit)."""
    demos = list_demos(directory)
    for demo in demos:
        if demo.name == name:
            return demo
    known = ", ".join(d.name for d in demos)
    raise InvalidInputError(f"There is no demo called '{name}'. Choose one of: {known}.")


def _scenario(directory: Path, entry: dict[str, Any]) -> DemoScenario:
    protected = tuple(str(c) for c in entry["protected"])
    features = tuple(str(c) for c in entry["features"])
    bins = tuple(Binning(c, edges=AGE_BAND_EDGES) for c in protected if c == "age")
    roles = ColumnRoles(
        target=str(entry["target"]),
        positive_label=entry["positive_label"],
        source="score",
        score=str(entry["score"]),
        prediction=str(entry["prediction"]),
        threshold=float(entry["threshold"]),
        protected=protected,
        features=features,
        bins=bins,
    )
    onnx = entry.get("onnx_model")
    return DemoScenario(
        name=str(entry["name"]),
        title=str(entry["title"]),
        description=str(entry["description"]),
        test_path=directory / str(entry["test"]),
        train_path=directory / str(entry["train"]),
        model_path=directory / str(entry["model"]),
        onnx_path=directory / str(onnx) if onnx else None,
        roles=roles,
        features=features,
        id_column=str(entry["id_column"]) if entry.get("id_column") else None,
    )
