"""Models: loading uploaded model files safely and scoring rows.

skops files load only with types skops trusts (plus those the operator allow-lists), ONNX
files run without code and without external data, pickle/joblib are refused unless the
operator starts the app with an explicit trust option (:class:`ModelPolicy`). Uploaded
models load and score in a worker process with a time and a memory limit
(:class:`ModelLimits`); passing one raises :class:`ModelLimitError` and stops only the worker.
:func:`watch_model` reports a running request and lets the caller cancel it.
:func:`load_model` returns a :class:`LoadedModel` that scores a DataFrame;
:func:`defer_model` one that reads its (shipped, already described) file on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fairness_core import lazy_exports

if TYPE_CHECKING:  # imported on first use: see fairness_core.lazy_exports
    from fairness_core.models._deferred import defer_model, model_is_loaded
    from fairness_core.models._loaded_model import (
        quote_list,
        short_detail,
    )
    from fairness_core.models._loading import (
        ALLOW_PICKLE_ENV,
        TRUSTED_TYPES_ENV,
        LoadedModel,
        ModelPolicy,
        check_model_features,
        load_model,
        load_model_limits,
        load_model_policy,
    )
    from fairness_core.models._worker import (
        MEMORY_LIMIT_ENV,
        TIME_LIMIT_ENV,
        ModelLimitError,
        ModelLimits,
        watch_model,
    )

__all__ = [
    "ALLOW_PICKLE_ENV",
    "MEMORY_LIMIT_ENV",
    "TIME_LIMIT_ENV",
    "TRUSTED_TYPES_ENV",
    "LoadedModel",
    "ModelLimitError",
    "ModelLimits",
    "ModelPolicy",
    "check_model_features",
    "defer_model",
    "load_model",
    "load_model_limits",
    "load_model_policy",
    "model_is_loaded",
    "quote_list",
    "short_detail",
    "watch_model",
]

if not TYPE_CHECKING:
    __getattr__, __dir__ = lazy_exports(__name__, __file__)
