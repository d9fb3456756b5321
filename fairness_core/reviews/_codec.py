"""Encoding the objects a review holds as JSON, and decoding them back, safely.

:func:`encode` turns findings, operating points, cohorts, column roles, subgroup settings,
DataFrames and plain values into JSON-ready values; :func:`decode` turns them back. The
layout is generic over dataclasses (``dataclasses.fields``), so a field added to one of them
later round-trips with no change here, and a document written before a field existed reads
back with the field's default.

Stored review JSON (and, later, bundles) is untrusted input. Only the classes in
:func:`allowed_classes` can be built from a ``"__type__"`` tag; anything else is refused.
Nothing is ever evaluated, unpickled or imported by a name read from the data.

Layout (every tag is ``"__type__"``):

- JSON-native values (text, finite numbers, true/false, null, lists, objects whose keys are
  all text) are written as they are;
- ``{"__type__": "float", "value": "nan" | "inf" | "-inf"}``, ``{"__type__": "tuple",
  "items": [...]}``, ``{"__type__": "dict", "items": [[key, value], ...]}`` (a mapping
  with a key that is not text, or with a ``"__type__"`` key), ``{"__type__": "NA"}``;
- a dataclass: ``{"__type__": "<ClassName>", "<field>": <value>, ...}``;
- a DataFrame: ``{"__type__": "DataFrame", "columns": <index>, "index": <index> | null,
  "data": [<column>, ...]}``; a column is ``{"dtype": ..., "values": [...]}`` (categorical
  columns keep ``categories``, ``ordered`` and ``codes``); an index is ``{"range":
  [start, stop, step]}`` or a column, with its ``name`` (a MultiIndex: ``levels``).
"""

from __future__ import annotations

import collections.abc
import dataclasses
import functools
import math
import re
import types
import typing
from collections.abc import Mapping
from typing import Any

from fairness_core.errors import InvalidInputError

__all__ = ["allowed_classes", "decode", "encode"]

TAG = "__type__"
#: Tags of the plain values that JSON cannot hold as they are.
_PLAIN_TAGS = frozenset({"float", "tuple", "dict", "NA", "DataFrame"})
#: Column dtypes a DataFrame may have, as ``str(dtype)`` writes them (numpy and pandas).
_NUMPY_DTYPES = frozenset(
    {
        "bool",
        *(f"int{b}" for b in (8, 16, 32, 64)),
        *(f"uint{b}" for b in (8, 16, 32, 64)),
        "float32",
        "float64",
    }
)
_NULLABLE_DTYPES = frozenset(
    {
        "boolean",
        *(f"Int{b}" for b in (8, 16, 32, 64)),
        *(f"UInt{b}" for b in (8, 16, 32, 64)),
        "Float32",
        "Float64",
    }
)
_DATETIME = re.compile(r"^datetime64\[(s|ms|us|ns)(, (?P<tz>[A-Za-z0-9_+\-/:]{1,64}))?\]$")
_NAT = -(2**63)  # numpy's "not a time" as an int64
#: Deepest nesting accepted when decoding (a crafted document cannot exhaust the stack).
MAX_DEPTH = 64


@functools.cache
def allowed_classes() -> Mapping[str, type]:
    """The dataclasses a stored review may hold, by the tag that names them.

    Imported here, not at module level, so importing the reviews package stays cheap.
    """
    from fairness_core.data import Binning, ColumnRoles
    from fairness_core.dataset_check import Cohort, SliceCondition
    from fairness_core.metrics import SubgroupSettings
    from fairness_core.report import Finding, OperatingPointRecord

    classes: tuple[type, ...] = (
        Finding,
        OperatingPointRecord,
        Cohort,
        SliceCondition,
        ColumnRoles,
        Binning,
        SubgroupSettings,
    )
    return {cls.__name__: cls for cls in classes}


def _unreadable(reason: str) -> InvalidInputError:
    return InvalidInputError(
        f"The saved review could not be read: {reason}. It was changed outside the app or "
        "written by another program. Open another review, or start a new one from the data."
    )


# --------------------------------------------------------------------------- encoding


def encode(obj: Any) -> Any:
    """A JSON-ready copy of ``obj`` that :func:`decode` turns back into an equal object.

    Raises ``ValueError`` for a value it cannot store (a programming error: a class not in
    :func:`allowed_classes`, a set, an array, an unsupported column type).
    """
    if obj is None or isinstance(obj, (str, bool)):
        return obj
    if isinstance(obj, int):
        return int(obj)
    if isinstance(obj, float):
        return _encode_float(obj)
    if _is_numpy_scalar(obj):
        return encode(obj.item())  # np.int64, np.bool_, ... become Python numbers
    if _is_na(obj):
        return {TAG: "NA"}
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return _encode_dataclass(obj)
    if isinstance(obj, tuple):
        return {TAG: "tuple", "items": [encode(v) for v in obj]}
    if isinstance(obj, list):
        return [encode(v) for v in obj]
    if isinstance(obj, Mapping):
        if all(isinstance(k, str) for k in obj) and TAG not in obj:
            return {k: encode(v) for k, v in obj.items()}
        return {TAG: "dict", "items": [[encode(k), encode(v)] for k, v in obj.items()]}
    if _is_frame(obj):
        return _encode_frame(obj)
    raise ValueError(
        f"A review cannot store a value of type {type(obj).__qualname__}. Store plain values, "
        f"DataFrames, or one of {', '.join(allowed_classes())}."
    )


def _encode_float(value: float) -> Any:
    if math.isfinite(value):
        return float(value)
    return {TAG: "float", "value": "nan" if math.isnan(value) else str(value)}


def _is_numpy_scalar(obj: Any) -> bool:
    if type(obj).__module__ != "numpy":
        return False
    import numpy as np

    return isinstance(obj, np.generic)


def _is_na(obj: Any) -> bool:
    if type(obj).__name__ != "NAType":
        return False
    import pandas as pd

    return obj is pd.NA


def _is_frame(obj: Any) -> bool:
    if not type(obj).__module__.startswith("pandas"):
        return False
    import pandas as pd

    return isinstance(obj, pd.DataFrame)


def _encode_dataclass(obj: Any) -> dict[str, Any]:
    cls = type(obj)
    name = cls.__name__
    if allowed_classes().get(name) is not cls:
        raise ValueError(
            f"A review cannot store a {cls.__qualname__}: only {', '.join(allowed_classes())} "
            "are allowed. Add the class to allowed_classes() in fairness_core/reviews/_codec.py "
            "if it belongs in a review."
        )
    out: dict[str, Any] = {TAG: name}
    for f in dataclasses.fields(obj):
        out[f.name] = encode(getattr(obj, f.name))
    return out


def _encode_frame(frame: Any) -> dict[str, Any]:
    return {
        TAG: "DataFrame",
        "columns": _encode_index(frame.columns),
        "index": None if _is_default_index(frame.index) else _encode_index(frame.index),
        "data": [_encode_column(frame.iloc[:, i]) for i in range(frame.shape[1])],
    }


def _is_default_index(index: Any) -> bool:
    import pandas as pd

    return (
        isinstance(index, pd.RangeIndex)
        and index.start == 0
        and index.step == 1
        and index.name is None
    )


def _encode_index(index: Any) -> dict[str, Any]:
    import pandas as pd

    if isinstance(index, pd.MultiIndex):
        levels = [_encode_column(index.get_level_values(i)) for i in range(index.nlevels)]
        return {"levels": levels, "names": [encode(n) for n in index.names]}
    if isinstance(index, pd.RangeIndex):
        return {"range": [index.start, index.stop, index.step], "name": encode(index.name)}
    return {**_encode_column(index), "name": encode(index.name)}


def _encode_column(values: Any) -> dict[str, Any]:
    """One column (a Series or an Index) as its dtype and its values."""
    import pandas as pd

    dtype = values.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        codes = values.cat.codes if isinstance(values, pd.Series) else values.codes
        return {
            "dtype": "category",
            "categories": _encode_index(dtype.categories),
            "ordered": bool(dtype.ordered),
            "codes": [int(c) for c in codes],
        }
    if isinstance(dtype, pd.StringDtype):
        na = "NA" if dtype.na_value is pd.NA else "nan"
        cells = [None if pd.isna(v) else str(v) for v in values]
        return {"dtype": "string", "storage": dtype.storage, "na": na, "values": cells}
    name = str(dtype)
    if name in _NUMPY_DTYPES:
        return {"dtype": name, "values": [encode(v) for v in values.tolist()]}
    if name in _NULLABLE_DTYPES:
        cells = [None if v is pd.NA else encode(v) for v in values.array]
        return {"dtype": name, "values": cells}
    if _DATETIME.match(name):
        stamps = pd.Series(values, copy=False)
        if getattr(dtype, "tz", None) is not None:
            stamps = stamps.dt.tz_convert("UTC").dt.tz_localize(None)
        ticks = stamps.to_numpy().view("int64").tolist()  # in the column's unit, since 1970
        cells = [None if t == _NAT else t for t in ticks]
        return {"dtype": name, "values": cells}
    if name == "object":
        return {"dtype": "object", "values": [encode(v) for v in values.tolist()]}
    raise ValueError(
        f"A review cannot store a table column of type {name}. Convert it to numbers, text, "
        "true/false, a category or a date first."
    )


# --------------------------------------------------------------------------- decoding


def decode(data: Any) -> Any:
    """The object :func:`encode` wrote; refuses tags outside :func:`allowed_classes`.

    Raises :class:`~fairness_core.errors.InvalidInputError` for a document it cannot read.
    """
    try:
        return _decode(data, 0)
    except InvalidInputError:
        raise
    except (TypeError, ValueError, KeyError, IndexError, OverflowError, RecursionError) as exc:
        raise _unreadable(f"a value is malformed ({exc})") from None


def _decode(data: Any, depth: int) -> Any:
    if depth > MAX_DEPTH:
        raise _unreadable(f"it is nested more than {MAX_DEPTH} levels deep")
    if data is None or isinstance(data, (str, bool, int)):
        return data
    if isinstance(data, float):
        return data
    if isinstance(data, list):
        return [_decode(v, depth + 1) for v in data]
    if not isinstance(data, dict):
        raise _unreadable(f"it holds a value of type {type(data).__name__}")
    if TAG not in data:
        return {str(k): _decode(v, depth + 1) for k, v in data.items()}
    tag = data[TAG]
    if not isinstance(tag, str):
        raise _unreadable("a type tag is not text")
    if tag == "float":
        value = data.get("value")
        if value not in ("nan", "inf", "-inf"):
            raise _unreadable(f"{str(value)[:40]!r} is not a number")
        return float(value)
    if tag == "tuple":
        return tuple(_decode(v, depth + 1) for v in _list(data.get("items"), "tuple items"))
    if tag == "dict":
        pairs = _list(data.get("items"), "mapping items")
        out: dict[Any, Any] = {}
        for pair in pairs:
            if not isinstance(pair, list) or len(pair) != 2:
                raise _unreadable("a mapping item is not a key and a value")
            key = _decode(pair[0], depth + 1)
            try:
                out[key] = _decode(pair[1], depth + 1)
            except TypeError:
                raise _unreadable("a mapping key is not a plain value") from None
        return out
    if tag == "NA":
        import pandas as pd

        return pd.NA
    if tag == "DataFrame":
        return _decode_frame(data, depth)
    cls = allowed_classes().get(tag)
    if cls is None:
        shown = tag[:60]
        raise _unreadable(
            f"it names the type {shown!r}, which a review may not hold (allowed: "
            f"{', '.join([*allowed_classes(), *sorted(_PLAIN_TAGS)])})"
        )
    return _decode_dataclass(cls, data, depth)


def _list(value: Any, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise _unreadable(f"the {what} are not a list")
    return value


def _decode_dataclass(cls: type, data: Mapping[str, Any], depth: int) -> Any:
    """Fields present are decoded and checked; missing ones take their default; unknown
    ones (written by a newer version) are ignored."""
    kwargs: dict[str, Any] = {}
    missing = []
    for f in dataclasses.fields(cls):
        if not f.init:
            continue
        if f.name not in data:
            has_default = f.default is not dataclasses.MISSING
            if not has_default and f.default_factory is dataclasses.MISSING:
                missing.append(f.name)
            continue
        value = _decode(data[f.name], depth + 1)
        kwargs[f.name] = _check_field(cls, f, value)
    if missing:
        raise _unreadable(f"a {cls.__name__} has no {', '.join(missing)}")
    try:
        return cls(**kwargs)
    except (TypeError, ValueError) as exc:
        raise _unreadable(f"a {cls.__name__} cannot be rebuilt ({exc})") from None


@functools.cache
def _field_types(cls: type) -> Mapping[str, Any]:
    """The class's resolved field annotations (empty when they cannot be resolved)."""
    try:
        return typing.get_type_hints(cls)
    except (NameError, TypeError):
        return {}


def _check_field(cls: type, f: dataclasses.Field[Any], value: Any) -> Any:
    """``value`` checked against the field's annotation, so a crafted document cannot put a
    number where text belongs or a word outside a ``Literal``.

    A list where the annotation is a tuple becomes a tuple (older or hand-written JSON).
    Parts of an annotation this does not know (``Hashable``, ``Any``) accept any value.
    """
    hint = _field_types(cls).get(f.name, Any)
    if _origin(hint) is tuple and isinstance(value, list):
        value = tuple(value)
    if not _fits(hint, value):
        shown = f"{value[:40]!r}" if isinstance(value, str) else f"a {type(value).__name__}"
        raise _unreadable(f"a {cls.__name__}'s {f.name.replace('_', ' ')} cannot be {shown}")
    return value


def _origin(hint: Any) -> Any:
    return typing.get_origin(hint) or hint


def _fits(hint: Any, value: Any) -> bool:
    """Whether ``value`` matches the annotation ``hint`` (unknown parts match anything)."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is typing.Literal:
        return any(value == a and type(value) is type(a) for a in args)
    if origin in (typing.Union, types.UnionType):
        return any(_fits(a, value) for a in args)
    if hint is type(None):
        return value is None
    if hint is bool:
        return isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if hint is str:
        return isinstance(value, str)
    if origin is tuple:
        if not isinstance(value, tuple):
            return False
        if len(args) == 2 and args[1] is Ellipsis:
            return all(_fits(args[0], v) for v in value)
        return not args or (len(args) == len(value) and all(map(_fits, args, value)))
    if origin in (Mapping, dict, collections.abc.Mapping):
        if not isinstance(value, Mapping):
            return False
        key, item = args if len(args) == 2 else (Any, Any)
        return all(_fits(key, k) and _fits(item, v) for k, v in value.items())
    if isinstance(hint, type) and (dataclasses.is_dataclass(hint) or _is_frame_type(hint)):
        return isinstance(value, hint)
    return True


def _is_frame_type(hint: type) -> bool:
    return hint.__module__.startswith("pandas") and hint.__name__ == "DataFrame"


def _decode_frame(data: Mapping[str, Any], depth: int) -> Any:
    import pandas as pd

    columns = _decode_index(data.get("columns"), depth)
    raw = _list(data.get("data"), "table columns")
    if len(raw) != len(columns):
        raise _unreadable("a table has a different number of columns and column names")
    arrays = [_decode_column(c, depth) for c in raw]
    lengths = {len(a) for a in arrays}
    index = None if data.get("index") is None else _decode_index(data["index"], depth)
    if index is not None:
        lengths.add(len(index))
    if len(lengths) > 1:
        raise _unreadable("a table's columns have different lengths")
    n = lengths.pop() if lengths else 0
    if index is None:
        index = pd.RangeIndex(n)
    # Series with their dtype spelled out: pandas would turn an object column of text into str.
    series = {i: pd.Series(a, index=index, dtype=a.dtype, copy=False) for i, a in enumerate(arrays)}
    frame = pd.DataFrame(series, index=index)
    frame.columns = columns
    return frame


def _decode_index(data: Any, depth: int) -> Any:
    import pandas as pd

    if not isinstance(data, dict):
        raise _unreadable("a table's index is malformed")
    if "levels" in data:
        levels = [_decode_column(c, depth) for c in _list(data["levels"], "index levels")]
        names = [_decode(n, depth + 1) for n in _list(data.get("names"), "index names")]
        if len(names) != len(levels) or not levels:
            raise _unreadable("a table's index levels and names do not match")
        return pd.MultiIndex.from_arrays(levels, names=names)
    name = _decode(data.get("name"), depth + 1)
    if "range" in data:
        bounds = _list(data["range"], "index range")
        if len(bounds) != 3 or not all(type(b) is int for b in bounds) or bounds[2] == 0:
            raise _unreadable("a table's index range is malformed")
        start, stop, step = bounds
        return pd.RangeIndex(start, stop, step, name=name)
    values = _decode_column(data, depth)
    return pd.Index(values, dtype=values.dtype, name=name)


def _decode_column(data: Any, depth: int) -> Any:
    """One column as a numpy or pandas array of its stored dtype."""
    import numpy as np
    import pandas as pd

    if not isinstance(data, dict) or not isinstance(data.get("dtype"), str):
        raise _unreadable("a table column has no type")
    dtype = data["dtype"]
    if dtype == "category":
        categories = _decode_index(data.get("categories"), depth)
        codes = _list(data.get("codes"), "category codes")
        if not all(type(c) is int and -1 <= c < len(categories) for c in codes):
            raise _unreadable("a category code is out of range")
        kind = pd.CategoricalDtype(categories, ordered=bool(data.get("ordered")))
        return pd.Categorical.from_codes(np.asarray(codes, dtype="int64"), dtype=kind)
    values = _list(data.get("values"), "column values")
    if dtype == "string":
        storage = data.get("storage")
        if storage not in ("python", "pyarrow") or data.get("na") not in ("NA", "nan"):
            raise _unreadable("a text column's storage is unknown")
        if not all(v is None or isinstance(v, str) for v in values):
            raise _unreadable("a text column holds something other than text")
        na_value = pd.NA if data["na"] == "NA" else np.nan
        return pd.array(values, dtype=pd.StringDtype(storage, na_value=na_value))
    if dtype in _NUMPY_DTYPES:
        cells = [_decode(v, depth + 1) for v in values]
        if not all(isinstance(v, (int, float)) for v in cells):
            raise _unreadable(f"a {dtype} column holds something other than numbers")
        return np.array(cells, dtype=dtype)
    if dtype in _NULLABLE_DTYPES:
        cells = [None if v is None else _decode(v, depth + 1) for v in values]
        if not all(v is None or isinstance(v, (int, float)) for v in cells):
            raise _unreadable(f"a {dtype} column holds something other than numbers")
        return pd.array(cells, dtype=dtype)
    match = _DATETIME.match(dtype)
    if match:
        if not all(v is None or type(v) is int for v in values):
            raise _unreadable("a date column holds something other than whole numbers")
        unit = match.group(1)
        ticks = np.array([_NAT if v is None else v for v in values], dtype="int64")
        series = pd.Series(ticks.view(f"datetime64[{unit}]"))
        if match.group("tz"):
            series = series.dt.tz_localize("UTC").dt.tz_convert(match.group("tz"))
        return series.array
    if dtype == "object":
        out = np.empty(len(values), dtype=object)
        for i, v in enumerate(values):
            out[i] = _decode(v, depth + 1)
        return out
    raise _unreadable(f"a table column has the unknown type {dtype[:40]!r}")
