"""Safe loading of uploaded models, and one way to score data with them.

Words used here:

- A *model file* is what a reviewer uploads: a skops archive, an ONNX graph, or (only when
  the operator allows it) a pickle/joblib file. Model files are **untrusted**.
- The *operator* is whoever starts the app or the command line. Only the operator decides,
  through a :class:`ModelPolicy` built at start-up (flags or environment, never a UI click),
  which extra skops types may be loaded and whether pickle files may be opened at all.
- *Classes* are the labels a classifier predicts, in the order of its probability columns.
  The *positive label* is the class whose probability is the *score* (for example
  ``"approved"``); a *decision* is ``score >= threshold``.

Safety rules, in the order :func:`load_model` applies them:

1. The format is decided from the file's content first and its name second, so a pickle
   renamed ``model.skops`` is still a pickle. Nothing is unpickled unless
   ``policy.allow_pickle`` is true.
2. skops files are audited with :func:`skops.io.get_untrusted_types` before loading; any
   type that is neither trusted by skops nor allow-listed in ``policy.trusted_types`` stops
   the load. Only the operator's list is passed to ``trusted=``.
3. ONNX files are parsed with the ``onnx`` package, and every tensor (graph, subgraphs,
   functions, training information) is checked for data stored in external files; such
   models are refused before onnxruntime sees them, because onnxruntime would read those
   files from the server's disk. Sessions run on the CPU provider only.

How ONNX classes are found (first that applies):

1. model metadata ``fairness_explorer.classes`` (a JSON list);
2. the ``classlabels_*`` attribute of the ``ai.onnx.ml`` classifier or ``ZipMap`` node that
   produces the label or probability output (what skl2onnx writes for linear, tree, SVM
   models), or the constant class array that an ``ArrayFeatureExtractor`` picks from with
   ``ArgMax`` (what skl2onnx writes for MLP, naive Bayes and nearest neighbours);
3. otherwise the classes are *assumed* to be the column positions ``(0, 1, ...)`` and
   :attr:`LoadedModel.classes_assumed` is true. For such a binary model whose labels are
   numbers, a positive label that is not 0 or 1 selects column 1 (the convention of
   scikit-learn for ``0/1`` and ``False/True`` labels). When the labels are text, the
   positive class must be chosen by position (0 or 1), because scikit-learn sorts text
   labels alphabetically and guessing would silently swap the classes.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from fairness_core.errors import InvalidInputError, ModelLoadError, UntrustedModelError
from fairness_core.models._loaded_model import (
    LoadedModel,
    ModelKind,
    check_model_features,
    plain_label,
    short_detail,
    too_many_classes_message,
)
from fairness_core.models._onnx import ONNX_CLASSES_METADATA as ONNX_CLASSES_METADATA
from fairness_core.models._onnx import ONNX_FEATURES_METADATA as ONNX_FEATURES_METADATA
from fairness_core.models._onnx import load_onnx_model, read_onnx_model
from fairness_core.models._skops import TRUSTED_TYPES_ENV, is_type_name, read_skops
from fairness_core.models._worker import (
    MAX_UNPACKED_MB_ENV,
    MEMORY_LIMIT_ENV,
    TIME_LIMIT_ENV,
    ModelLimits,
    ModelWorker,
)

if TYPE_CHECKING:
    import onnx

__all__ = [
    "LoadedModel",
    "ModelKind",
    "ModelPolicy",
    "check_model_features",
    "load_model",
    "load_model_policy",
]

ALLOW_PICKLE_ENV = "FAIRNESS_EXPLORER_ALLOW_PICKLE"

_SUPPORTED_FORMATS = (
    "skops (.skops, saved with skops.io.dump) or ONNX (.onnx, converted with skl2onnx)"
)
_EXTENSIONS: dict[str, ModelKind] = {
    ".skops": "skops",
    ".onnx": "onnx",
    ".pkl": "pickle",
    ".pickle": "pickle",
    ".joblib": "pickle",
}
_TRUE_WORDS = frozenset({"1", "true", "yes"})
_FALSE_WORDS = frozenset({"", "0", "false", "no"})


# --------------------------------------------------------------------------------------
# Policy
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ModelPolicy:
    """What the operator allows when loading models.

    Set at app start or by command-line flags, never by a click in the UI.

    ``allow_pickle`` lets pickle/joblib files be opened; they can run any code, so this is
    only for local single-user use with files the operator trusts. ``trusted_types`` lists
    extra skops type names (such as ``"numpy.nan_to_num"``) that may be loaded.
    ``limits`` (set by the app and the command line for uploaded files) makes loading and
    scoring run in a worker process with a time and a memory limit; ``None`` runs them in
    this process (for the shipped demo models and for library use).
    """

    allow_pickle: bool = False
    trusted_types: tuple[str, ...] = ()
    limits: ModelLimits | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.allow_pickle, bool):
            raise InvalidInputError(
                f"allow_pickle must be True or False. Got {self.allow_pickle!r} instead."
            )
        if isinstance(self.trusted_types, str) or not isinstance(self.trusted_types, (tuple, list)):
            raise InvalidInputError(
                "trusted_types must be a tuple of type names such as ('numpy.nan_to_num',). "
                f"Got {self.trusted_types!r} instead."
            )
        names = tuple(self.trusted_types)
        bad = [name for name in names if not isinstance(name, str) or not is_type_name(name)]
        if bad:
            raise InvalidInputError(
                "Each trusted type must be a full dotted type name such as "
                f"'numpy.nan_to_num'. Got {', '.join(repr(b) for b in bad)} instead."
            )
        object.__setattr__(self, "trusted_types", names)
        if self.limits is not None and not isinstance(self.limits, ModelLimits):
            raise InvalidInputError(
                f"limits must be a ModelLimits or None. Got {type(self.limits).__name__} instead."
            )


def load_model_policy(environ: Mapping[str, str]) -> ModelPolicy:
    """Read the operator's model policy from an environment mapping (such as ``os.environ``).

    ``FAIRNESS_EXPLORER_ALLOW_PICKLE`` set to ``"1"``, ``"true"`` or ``"yes"`` allows pickle
    files; ``FAIRNESS_EXPLORER_TRUSTED_TYPES`` is a comma-separated list of skops type names.

    ``FAIRNESS_EXPLORER_ALLOW_PICKLE`` also accepts ``"0"``, ``"false"``, ``"no"`` or an
    empty value (case-insensitive); any other value is an error rather than a guess, since
    this setting decides whether uploaded files may run code. Type names are stripped,
    empty entries dropped and repeats removed.
    """
    raw_flag = environ.get(ALLOW_PICKLE_ENV, "")
    flag = raw_flag.strip().lower()
    if flag in _TRUE_WORDS:
        allow_pickle = True
    elif flag in _FALSE_WORDS:
        allow_pickle = False
    else:
        raise InvalidInputError(
            f"{ALLOW_PICKLE_ENV} must be 1, true or yes (to allow pickle model files) or "
            f"0, false, no or empty (to refuse them). Got {raw_flag!r} instead. "
            "Fix the environment variable and restart the app."
        )
    names: list[str] = []
    for part in environ.get(TRUSTED_TYPES_ENV, "").split(","):
        name = part.strip()
        if name and name not in names:
            names.append(name)
    bad = [name for name in names if not is_type_name(name)]
    if bad:
        raise InvalidInputError(
            f"{TRUSTED_TYPES_ENV} must be a comma-separated list of full dotted type names "
            f"such as numpy.nan_to_num. Got {', '.join(repr(b) for b in bad)} instead. "
            "Fix the environment variable and restart the app."
        )
    return ModelPolicy(
        allow_pickle=allow_pickle, trusted_types=tuple(names), limits=load_model_limits(environ)
    )


def load_model_limits(environ: Mapping[str, str]) -> ModelLimits:
    """The worker's limits from ``FAIRNESS_EXPLORER_MODEL_TIME_LIMIT`` (seconds) and
    ``FAIRNESS_EXPLORER_MODEL_MEMORY_MB``; unset or empty means the default."""
    default = ModelLimits()
    raw_time = environ.get(TIME_LIMIT_ENV, "").strip()
    raw_memory = environ.get(MEMORY_LIMIT_ENV, "").strip()
    raw_unpacked = environ.get(MAX_UNPACKED_MB_ENV, "").strip().replace("_", "")
    unpacked: object = default.max_unpacked_mb
    if raw_unpacked:
        unpacked = int(raw_unpacked) if raw_unpacked.isdigit() else raw_unpacked
    seconds: object = default.time_seconds
    memory: object = default.memory_mb
    try:
        seconds = float(raw_time) if raw_time else seconds
    except ValueError:
        seconds = raw_time
    try:
        memory = int(raw_memory) if raw_memory else memory
    except ValueError:
        memory = raw_memory
    return ModelLimits(
        time_seconds=seconds,  # type: ignore[arg-type]
        memory_mb=memory,  # type: ignore[arg-type]
        max_unpacked_mb=unpacked,  # type: ignore[arg-type]
    )


# --------------------------------------------------------------------------------------
# Loading: entry point and format detection
# --------------------------------------------------------------------------------------


def load_model(
    source: bytes | str | os.PathLike[str],
    *,
    filename: str | None = None,
    policy: ModelPolicy = ModelPolicy(),
) -> LoadedModel:
    """Load an uploaded model file (bytes, or a path) under the operator's ``policy``.

    ``filename`` is the name shown to the user and used for the extension; it defaults to
    the path's file name. Raises :class:`UntrustedModelError` when the file would run code
    or use types the policy does not allow, and :class:`ModelLoadError` when it cannot be
    loaded as a classifier that gives probabilities.
    """
    data, name = _read_source(source, filename)
    if not data:
        raise ModelLoadError(
            f"The model file '{name}' is empty. Expected a model file in {_SUPPORTED_FORMATS}. "
            "Upload the file again."
        )
    if policy.limits is not None and policy.limits.worker:
        return _load_in_worker(data, name, policy, policy.limits)
    digest = hashlib.sha256(data).hexdigest()
    kind, onnx_model = _detect_kind(data, name)
    if onnx_model is not None:
        return load_onnx_model(data, onnx_model, name=name, sha256=digest)
    if kind == "pickle":
        return _load_pickle(data, name, digest, policy)
    return _estimator_model(read_skops(data, name, policy), name, "skops", digest)


def _load_in_worker(
    data: bytes, name: str, policy: ModelPolicy, limits: ModelLimits
) -> LoadedModel:
    """Load ``data`` first in a worker within ``limits``; score there from then on.

    Only once the file loaded in the worker without passing a limit is it loaded here too,
    for its description (classes, input columns) and the estimator that refits and
    explanations read; every scoring request goes to the worker.
    """
    worker = ModelWorker(
        data, name=name, policy=(policy.allow_pickle, policy.trusted_types), limits=limits
    )
    worker.load()
    local = load_model(
        data, filename=name, policy=replace(policy, limits=replace(limits, worker=False))
    )
    return replace(local, _runner=_WorkerRunner(worker=worker, local=local))


@dataclass(frozen=True)
class _WorkerRunner:
    """Scores in the worker process; the estimator (if any) is the one loaded here."""

    worker: ModelWorker
    local: LoadedModel

    @property
    def estimator(self) -> object | None:
        return self.local.estimator

    def predict_proba(self, data: pd.DataFrame) -> np.ndarray:
        return self.worker.predict_proba(data)


def _read_source(source: bytes | str | os.PathLike[str], filename: str | None) -> tuple[bytes, str]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        shown = filename if filename is not None else "uploaded model"
    elif isinstance(source, (str, os.PathLike)):
        path = Path(source)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ModelLoadError(
                f"The model file '{path}' could not be read ({exc.strerror or exc}). "
                "Check the path and that the file is readable."
            ) from exc
        shown = filename if filename is not None else path.name
    else:
        raise InvalidInputError(
            "source must be the file's bytes or a path to the file. "
            f"Got {type(source).__name__} instead."
        )
    name = shown.replace("\\", "/").rsplit("/", 1)[-1] or "uploaded model"
    return data, name


def _detect_kind(data: bytes, name: str) -> tuple[ModelKind, onnx.ModelProto | None]:
    """The format of ``data``: content first (zip, pickle, ONNX protobuf), then extension.

    An ONNX file comes back parsed, so that it is read only once.
    """
    by_name = _EXTENSIONS.get(PurePath(name).suffix.lower())
    if data[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return "skops", None
    if len(data) >= 2 and data[0] == 0x80 and 2 <= data[1] <= 5:
        return "pickle", None
    onnx_model = read_onnx_model(data)
    if onnx_model is not None:
        return "onnx", onnx_model
    if by_name == "pickle":
        return "pickle", None
    if by_name == "skops":
        raise ModelLoadError(
            f"'{name}' is named like a skops file but is not one: every skops file is a zip "
            "archive, and this file is not a zip archive. It may be damaged or renamed. Save "
            "the model again with skops.io.dump and upload that file."
        )
    if by_name == "onnx":
        raise ModelLoadError(
            f"'{name}' is named like an ONNX file but could not be read as an ONNX model. "
            "It may be damaged, truncated or renamed. Export the model again with skl2onnx "
            "and upload that file."
        )
    raise ModelLoadError(
        f"'{name}' is not a model file the app can read. Expected {_SUPPORTED_FORMATS}. "
        "Save or convert the model to one of these formats and upload it again."
    )


def _estimator_model(obj: object, name: str, kind: ModelKind, digest: str) -> LoadedModel:
    """Wrap a loaded Python estimator, checking that it can give class probabilities."""
    if not callable(getattr(obj, "predict_proba", None)):
        raise ModelLoadError(
            f"The model in '{name}' ({type(obj).__name__}) does not give probabilities: it "
            "has no predict_proba. The audit needs a score for each person. Save a classifier "
            "that gives probabilities, for example LogisticRegression, a random forest, or "
            "SVC(probability=True)."
        )
    raw_classes = getattr(obj, "classes_", None)
    if raw_classes is None:
        raise ModelLoadError(
            f"The model in '{name}' ({type(obj).__name__}) does not list its classes "
            "(no classes_), so its probability columns cannot be named. Fit the model "
            "before saving it."
        )
    classes = tuple(plain_label(c) for c in np.asarray(raw_classes).ravel())
    if len(classes) > 2:
        raise ModelLoadError(
            too_many_classes_message(f"The model in '{name}' ({type(obj).__name__})", classes)
        )
    raw_names = getattr(obj, "feature_names_in_", None)
    names = None if raw_names is None else tuple(str(n) for n in np.asarray(raw_names).ravel())
    n_features = getattr(obj, "n_features_in_", None)
    runner = _EstimatorRunner(
        estimator=obj,
        feature_names=names,
        n_features=int(n_features) if isinstance(n_features, (int, np.integer)) else None,
    )
    return LoadedModel(
        name=name,
        kind=kind,
        sha256=digest,
        feature_names=names,
        classes=classes,
        _runner=runner,
    )


@dataclass(frozen=True)
class _EstimatorRunner:
    """Scores with a scikit-learn style estimator (from skops or pickle)."""

    estimator: Any
    feature_names: tuple[str, ...] | None
    n_features: int | None

    def predict_proba(self, data: pd.DataFrame) -> np.ndarray:
        if self.feature_names is not None:
            return np.asarray(self.estimator.predict_proba(data.loc[:, list(self.feature_names)]))
        if self.n_features is not None and data.shape[1] != self.n_features:
            raise ModelLoadError(
                f"The model takes {self.n_features} input columns without names, but the "
                f"data has {data.shape[1]} columns. Pass only the model's input columns, in "
                "the order used for training."
            )
        return np.asarray(self.estimator.predict_proba(data.to_numpy()))


# --------------------------------------------------------------------------------------
# pickle / joblib
# --------------------------------------------------------------------------------------


def _load_pickle(data: bytes, name: str, digest: str, policy: ModelPolicy) -> LoadedModel:
    if not policy.allow_pickle:
        renamed = ""
        suffix = PurePath(name).suffix.lower()
        if _EXTENSIONS.get(suffix) not in (None, "pickle"):
            renamed = f" It is named like a {suffix} file, but its content is a pickle."
        raise UntrustedModelError(
            f"'{name}' is a pickle (or joblib) file, and it was not opened.{renamed} Pickle "
            "files can run any code on this machine when they are opened, so model uploads "
            "in pickle format are refused. Save the model in a safe format instead: skops "
            "(skops.io.dump(model, 'model.skops')) or ONNX (convert it with skl2onnx). "
            "If you trust this file and run the app only for yourself on your own machine, "
            "the operator can start it with `fairness-explorer app --allow-pickle`."
        )
    try:
        try:
            import joblib
        except ImportError:  # pragma: no cover - joblib ships with scikit-learn
            import pickle

            obj = pickle.loads(data)  # noqa: S301 - the operator allowed pickle files
        else:
            obj = joblib.load(io.BytesIO(data))
    except Exception as exc:  # unpickling can fail in any way
        raise ModelLoadError(
            f"The pickle file '{name}' could not be opened. It may be damaged, or need "
            "Python code or library versions that are not installed here. Save the model as "
            f"skops or ONNX instead. Details: {short_detail(exc)}"
        ) from exc
    return _estimator_model(obj, name, "pickle", digest)
