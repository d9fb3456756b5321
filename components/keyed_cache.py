"""Cached calls declared once, with keys derived from their arguments.

A cached call into ``fairness_core`` is one plain, typed function decorated with
:func:`cached`. Its cache key is derived, never hand-built: the SHA-256 of the function's
name and of every argument's *content key* (:func:`content_key`):

- plain values (None, bool, int, float, str, bytes, enums, dates): their type and value;
- tuples, lists, sets and mappings: the keys of their items (sets and mappings sorted);
- a *file* (a dataclass with a ``sha256`` field, such as ``Dataset`` or ``LoadedModel``):
  its SHA-256 and every other plain field (name, format, …), not its parsed content;
- the result of another cached call: that call's key (remembered when it returned, so a
  large audit is never hashed twice);
- tables and arrays: a hash of their values, index, columns and types;
- any other dataclass: the keys of all its fields (a review: title, time, file names,
  findings, settings — everything an export shows).

Parameters whose name starts with ``_`` are left out of the key (callbacks such as a stop
button). A value the rules above cannot key raises ``TypeError``: an unkeyable argument is
a bug to fix, never a silent collision between two reviewers' results.

Keys hold content only, never who asked, so sharing results between sessions leaks
nothing that the asking session did not itself provide.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import hashlib
import inspect
import pickle
import threading
import weakref
from collections.abc import Callable, Mapping
from datetime import date, datetime, time, timedelta
from typing import Any, Literal, ParamSpec, TypeVar

import pandas as pd
import streamlit as st

__all__ = ["cached", "content_key", "derived_from"]

P = ParamSpec("P")
R = TypeVar("R")

_PLAIN = (type(None), bool, int, float, complex, str, date, datetime, time, timedelta)

# id(result) -> (weak reference to the result, the key of the call that produced it).
# Holds content digests only (no data, nothing per session); entries vanish with the result.
_PRODUCED: dict[int, tuple[weakref.ref[Any], str]] = {}
_PRODUCED_LOCK = threading.Lock()


def _remember(result: object, key: str) -> None:
    """Record that ``result`` was produced by the cached call keyed ``key``."""
    ident = id(result)

    def forget(_: weakref.ref[Any]) -> None:
        with _PRODUCED_LOCK:
            entry = _PRODUCED.get(ident)
            if entry is not None and entry[0]() is None:
                del _PRODUCED[ident]

    try:
        ref = weakref.ref(result, forget)
    except TypeError:  # tuples, dicts, ints: keyed by content when passed on
        return
    with _PRODUCED_LOCK:
        _PRODUCED[ident] = (ref, key)


def _produced_key(value: object) -> str | None:
    with _PRODUCED_LOCK:
        entry = _PRODUCED.get(id(value))
    if entry is not None and entry[0]() is value:
        return entry[1]
    return None


def _table_digest(value: pd.DataFrame | pd.Series) -> str:
    try:
        values = pd.util.hash_pandas_object(value, index=True).to_numpy().tobytes()
    except TypeError:  # cells that pandas cannot hash (lists, dicts): hash their pickle
        values = pickle.dumps(value, protocol=5)
    if isinstance(value, pd.DataFrame):
        labels, types = repr(list(value.columns)), repr(value.dtypes.to_dict())
    else:
        labels, types = repr(value.name), repr(value.dtype)
    shape = repr(value.shape) + labels
    return hashlib.sha256(shape.encode() + types.encode() + values).hexdigest()


def _parts(value: object) -> object:
    """A structure of plain values that stands for ``value``'s content (see module doc)."""
    if isinstance(value, enum.Enum):
        return ("enum", type(value).__qualname__, value.name)
    if isinstance(value, _PLAIN):
        return (type(value).__name__, repr(value))
    if isinstance(value, (bytes, bytearray, memoryview)):
        return ("bytes", hashlib.sha256(value).hexdigest())
    produced = _produced_key(value)
    if produced is not None:
        return ("produced", produced)
    if isinstance(value, (pd.DataFrame, pd.Series)):
        return ("table", _table_digest(value))
    if hasattr(value, "dtype") and hasattr(value, "tobytes"):  # numpy arrays and scalars
        shape = getattr(value, "shape", ())
        digest = hashlib.sha256(value.tobytes()).hexdigest()
        return ("array", str(value.dtype), repr(shape), digest)
    if isinstance(value, (tuple, list)):
        return (type(value).__name__, tuple(_parts(item) for item in value))
    if isinstance(value, (set, frozenset)):
        return ("set", tuple(sorted(repr(_parts(item)) for item in value)))
    if isinstance(value, Mapping):
        items = sorted((repr(_parts(k)), repr(_parts(v))) for k, v in value.items())
        return ("mapping", tuple(items))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _dataclass_parts(value)
    raise TypeError(
        f"A cached call received a {type(value).__qualname__}, which has no content key. "
        "Pass plain values, tables, dataclasses or results of other cached calls, or name "
        "the parameter with a leading '_' to leave it out of the key."
    )


def _dataclass_parts(value: Any) -> object:
    name = type(value).__qualname__
    fields = dataclasses.fields(value)
    if isinstance(getattr(value, "sha256", None), str):
        # A file: its bytes' hash stands for its parsed content; keep the plain fields.
        kept = []
        for field in fields:
            item = getattr(value, field.name)
            if isinstance(item, (pd.DataFrame, pd.Series)):
                continue
            try:
                kept.append((field.name, _parts(item)))
            except TypeError:  # the loaded estimator or session: determined by the bytes
                continue
        return ("file", name, tuple(kept))
    return ("dataclass", name, tuple((f.name, _parts(getattr(value, f.name))) for f in fields))


def content_key(value: object) -> str:
    """The SHA-256 of ``value``'s content, by the rules in the module docstring."""
    return hashlib.sha256(repr(_parts(value)).encode("utf-8")).hexdigest()


def derived_from(result: R, *sources: object) -> R:
    """Key ``result`` by the sources it was computed from, and return it.

    For a shared result built inside a cached call (an audit returned inside a tuple), so
    that later calls receiving it are keyed by its sources instead of hashing its tables.
    """
    _remember(result, content_key(("derived", sources)))
    return result


def _call_key(name: str, arguments: Mapping[str, object]) -> str:
    kept = {k: v for k, v in arguments.items() if not k.startswith("_")}
    return content_key((name, kept))


def cached(
    *,
    spinner: str | bool = False,
    max_entries: int,
    kind: Literal["data", "resource"] = "data",
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Cache a function by the content of its arguments.

    ``kind="data"`` (``st.cache_data``) returns a fresh copy per call; ``"resource"``
    (``st.cache_resource``) shares one read-only object (models, explainers, audits).
    ``spinner`` is the text shown while computing (False: none).
    """

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        signature = inspect.signature(function)
        name = f"{function.__module__}.{function.__qualname__}"

        def compute(key: str, _call: tuple[tuple[Any, ...], dict[str, Any]]) -> R:
            del key  # Streamlit hashes only this; the arguments travel unhashed in _call
            args, kwargs = _call
            return function(*args, **kwargs)

        # Streamlit names a function's cache by module and qualified name: one per function.
        compute.__module__ = function.__module__
        compute.__qualname__ = f"{function.__qualname__}.<cached>"
        if kind == "data":
            store = st.cache_data(show_spinner=spinner, max_entries=max_entries)(compute)
        else:
            store = st.cache_resource(show_spinner=spinner, max_entries=max_entries)(compute)

        @functools.wraps(function)
        def call(*args: P.args, **kwargs: P.kwargs) -> R:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            key = _call_key(name, bound.arguments)
            result = store(key, (args, dict(kwargs)))
            _remember(result, key)
            return result

        return call

    return decorate
