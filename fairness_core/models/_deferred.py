"""A model whose file is read when it first scores: the app's first page without scikit-learn.

Loading a skops file imports skops, which imports all of scikit-learn (and scipy): about
2 s on a warm start and 4 s on a cold one, more than the rest of the app's first page. The
demo models ship with the app, so what they are (classes, input columns, file digest) is
known before loading them; :func:`defer_model` builds a :class:`LoadedModel` from that
description and loads the file, under the same safety checks as :func:`load_model`, only
when something scores with it or asks for its estimator. The loaded model must match the
description, or nothing is scored.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from fairness_core.errors import ModelLoadError
from fairness_core.models._loaded_model import LoadedModel, plain_label
from fairness_core.models._loading import ModelPolicy, load_model

__all__ = ["defer_model", "model_is_loaded"]


def defer_model(
    path: str | os.PathLike[str],
    *,
    feature_names: Sequence[str] | None,
    classes: Sequence[object],
    policy: ModelPolicy | None = None,
) -> LoadedModel:
    """The model in the skops or ONNX file at ``path``, read when it first scores.

    ``feature_names`` and ``classes`` describe the model as :func:`load_model` would
    (classes in the order of its probability columns). Only the file's digest is computed
    now; the first scoring, or the first use of :attr:`LoadedModel.estimator`, loads the
    file with ``load_model(path, policy=policy)`` (the default policy when None) and
    raises :class:`ModelLoadError` when it is not the model described. For files the app
    ships, not for uploads.
    """
    file = Path(path)
    try:
        digest = hashlib.sha256(file.read_bytes()).hexdigest()
    except OSError as exc:
        raise ModelLoadError(
            f"The model file '{file}' could not be read ({exc.strerror or exc}). "
            "Check the path and that the file is readable."
        ) from exc
    model = LoadedModel(
        name=file.name,
        kind="onnx" if file.suffix.lower() == ".onnx" else "skops",
        sha256=digest,
        feature_names=None if feature_names is None else tuple(str(n) for n in feature_names),
        classes=tuple(plain_label(c) for c in classes),
    )
    runner = _DeferredRunner(path=file, policy=policy or ModelPolicy(), described=model)
    return LoadedModel(
        name=model.name,
        kind=model.kind,
        sha256=model.sha256,
        feature_names=model.feature_names,
        classes=model.classes,
        _runner=runner,
    )


def model_is_loaded(model: LoadedModel) -> bool:
    """False while a model from :func:`defer_model` has not read its file yet."""
    runner = model._runner
    return not isinstance(runner, _DeferredRunner) or runner.loaded is not None


class _DeferredRunner:
    """Loads the file once (thread-safe: the demo model is shared by every session)."""

    def __init__(self, *, path: Path, policy: ModelPolicy, described: LoadedModel) -> None:
        self.path = path
        self.policy = policy
        self.described = described
        self.loaded: LoadedModel | None = None
        self._lock = threading.Lock()

    def _model(self) -> LoadedModel:
        with self._lock:
            if self.loaded is None:
                model = load_model(self.path, policy=self.policy)
                _check_same(self.described, model)
                self.loaded = model
            return self.loaded

    @property
    def estimator(self) -> object | None:
        return self._model().estimator

    def predict_proba(self, data: pd.DataFrame) -> np.ndarray:
        runner = self._model()._runner
        assert runner is not None  # noqa: S101 - load_model always gives a runner
        return runner.predict_proba(data)

    def __getstate__(self) -> dict[str, object]:  # a lock cannot be pickled: load first
        self._model()
        return {k: v for k, v in self.__dict__.items() if k != "_lock"}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()


def _check_same(described: LoadedModel, model: LoadedModel) -> None:
    changed = [
        what
        for what, old, new in (
            ("file", described.sha256, model.sha256),
            ("kind", described.kind, model.kind),
            ("input columns", described.feature_names, model.feature_names),
            ("classes", described.classes, model.classes),
        )
        if old != new
    ]
    if changed:
        raise ModelLoadError(
            f"The model file '{model.name}' is not the model the app expected (different "
            f"{', '.join(changed)}). If the file was replaced while the app was running, "
            "restart the app; otherwise regenerate the demo files with "
            "`.venv/bin/python demo_data/generate.py`."
        )
