"""ONNX model files: parsing, the external-data check, class labels, and scoring.

Used by :func:`fairness_core.models.load_model`, whose docstring gives the safety rules and
how the classes are found. A tensor with *external data* keeps its values in another file
that the model names (``location``); every tensor is checked (graph and sparse
initializers, node attributes also inside subgraphs, functions, training information).
``onnx`` and ``onnxruntime`` are imported only when an upload may be ONNX.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from fairness_core.errors import ModelLoadError, UntrustedModelError
from fairness_core.models._loaded_model import (
    LoadedModel,
    quote_list,
    short_detail,
    too_many_classes_message,
)
from fairness_core.models._onnx_graph import check_graph

if TYPE_CHECKING:
    import onnx

__all__ = ["ONNX_CLASSES_METADATA", "ONNX_FEATURES_METADATA", "load_onnx_model", "read_onnx_model"]

ONNX_CLASSES_METADATA = "fairness_explorer.classes"
ONNX_FEATURES_METADATA = "fairness_explorer.feature_names"


# --------------------------------------------------------------------------------------
# Parsing and external data
# --------------------------------------------------------------------------------------


def read_onnx_model(data: bytes) -> onnx.ModelProto | None:
    """``data`` parsed as an ONNX model, or ``None`` when it is not one.

    External data is never read: the bytes are only parsed.
    """
    import onnx  # deferred: only uploads that may be ONNX need it
    from google.protobuf.message import DecodeError  # protobuf is onnx's own dependency

    try:
        model = onnx.load_model_from_string(data)
    except DecodeError:
        return None
    if not (model.HasField("ir_version") and model.HasField("graph")):
        return None
    return model


def _external_locations(model: onnx.ModelProto) -> list[str]:
    """The files (or, without a location, the tensors) whose values are stored outside."""
    from onnx.external_data_helper import uses_external_data

    found = []
    for tensor in _tensors(model):
        if uses_external_data(tensor) or len(tensor.external_data):
            locations = [e.value for e in tensor.external_data if e.key == "location"]
            location = locations[-1] if locations else ""
            found.append(location or f"(tensor '{tensor.name}')")
    return found


def _tensors(model: onnx.ModelProto) -> Iterator[onnx.TensorProto]:
    """Every tensor of ``model``, wherever it is held."""
    yield from _graph_tensors(model.graph)
    for info in model.training_info:
        yield from _graph_tensors(info.initialization)
        yield from _graph_tensors(info.algorithm)
    for function in model.functions:
        for node in function.node:
            for attribute in node.attribute:
                yield from _attribute_tensors(attribute)
        for attribute in function.attribute_proto:
            yield from _attribute_tensors(attribute)


def _graph_tensors(graph: onnx.GraphProto) -> Iterator[onnx.TensorProto]:
    yield from graph.initializer
    for sparse in graph.sparse_initializer:
        yield from (sparse.values, sparse.indices)
    for node in graph.node:
        for attribute in node.attribute:
            yield from _attribute_tensors(attribute)


def _attribute_tensors(attribute: onnx.AttributeProto) -> Iterator[onnx.TensorProto]:
    # Every field is searched, whatever the attribute's type says; an unset field reads as
    # an empty message, which holds no external data.
    yield from (attribute.t, *attribute.tensors)
    for sparse in (attribute.sparse_tensor, *attribute.sparse_tensors):
        yield from (sparse.values, sparse.indices)
    for graph in (attribute.g, *attribute.graphs):
        yield from _graph_tensors(graph)


# --------------------------------------------------------------------------------------
# Classes
# --------------------------------------------------------------------------------------

_CLASSLABEL_ATTRS = ("classlabels_ints", "classlabels_int64s", "classlabels_strings")
_LABEL_PASS_THROUGH = frozenset({"Identity", "Cast", "Reshape", "Squeeze", "Unsqueeze", "Flatten"})
_PROBA_PASS_THROUGH = _LABEL_PASS_THROUGH | {"Normalizer"}
_MAX_STEPS = 64


def _attribute(node: onnx.NodeProto, name: str, default: object = None) -> Any:
    """The value of ``node``'s attribute ``name`` (``bytes`` for text), or ``default``."""
    from onnx import helper

    for attribute in node.attribute:
        if attribute.name == name:
            return helper.get_attribute_value(attribute)
    return default


def _text(value: object) -> object:
    return value.decode("utf-8", errors="replace") if isinstance(value, bytes) else value


def _node_classlabels(node: onnx.NodeProto) -> tuple[object, ...] | None:
    for name in _CLASSLABEL_ATTRS:
        labels = _attribute(node, name)
        if isinstance(labels, list) and labels:
            return tuple(_text(label) for label in labels)
    return None


def _constant_values(graph: onnx.GraphProto, name: str) -> list[object] | None:
    """The values of the int or text constant ``name`` (initializer or Constant node)."""
    from onnx import TensorProto, numpy_helper

    tensor = next((t for t in graph.initializer if t.name == name), None)
    if tensor is None:
        constants = [n for n in graph.node if n.op_type == "Constant" and name in n.output]
        value = _attribute(constants[0], "value") if constants else None
        tensor = value if isinstance(value, TensorProto) else None
    kinds = (TensorProto.INT64, TensorProto.INT32, TensorProto.STRING)
    if tensor is None or tensor.data_type not in kinds:
        return None
    try:
        values = numpy_helper.to_array(tensor).ravel().tolist()
    except ValueError:  # a tensor whose stored size does not match its shape
        return None
    return [_text(value) for value in values]


def _classes_from_graph(
    graph: onnx.GraphProto, label_output: str | None, proba_output: str
) -> tuple[object, ...] | None:
    """Class labels recorded in the graph for the label or probability output, if any."""
    producers = {out: node for node in graph.node for out in node.output}

    def trace(start: str | None, passing: frozenset[str]) -> tuple[object, ...] | None:
        current = start
        for _ in range(_MAX_STEPS):
            node = producers.get(current) if current is not None else None
            if node is None:
                return None
            labels = _node_classlabels(node)
            if labels is not None:
                return labels
            if node.op_type == "ArrayFeatureExtractor" and len(node.input) == 2:
                index_node = producers.get(node.input[1])
                if (
                    index_node is not None
                    and index_node.op_type == "ArgMax"
                    and _attribute(index_node, "axis", 0) in (1, -1)
                ):
                    values = _constant_values(graph, node.input[0])
                    return None if values is None else tuple(values)
                return None
            if node.op_type in passing and node.input:
                current = node.input[0]
                continue
            return None
        return None

    found = trace(proba_output, _PROBA_PASS_THROUGH)
    if found is None:
        found = trace(label_output, _LABEL_PASS_THROUGH)
    if found is None:
        every = {labels for n in graph.node if (labels := _node_classlabels(n)) is not None}
        if len(every) == 1:
            found = every.pop()
    return found


# --------------------------------------------------------------------------------------
# Loading and scoring
# --------------------------------------------------------------------------------------

_ONNX_DTYPES: dict[str, Any] = {
    "tensor(string)": object,
    "tensor(float)": np.float32,
    "tensor(double)": np.float64,
    "tensor(int64)": np.int64,
    "tensor(int32)": np.int32,
    "tensor(bool)": np.bool_,
}
_LABEL_TYPES = frozenset({"tensor(int64)", "tensor(int32)", "tensor(string)", "tensor(bool)"})


@dataclass(frozen=True)
class _OnnxInput:
    name: str
    onnx_type: str
    rank: int
    width: int | None  # size of the second dimension, None when symbolic or rank 1


@dataclass(frozen=True)
class _OnnxRunner:
    """Scores with an onnxruntime session: one input per column, or one matrix input."""

    session: Any
    inputs: tuple[_OnnxInput, ...]
    matrix: bool
    feature_names: tuple[str, ...] | None
    proba_output: str
    zipmap_keys: tuple[object, ...] | None
    zipmap: bool

    def predict_proba(self, data: pd.DataFrame) -> np.ndarray:
        if self.matrix:
            spec = self.inputs[0]
            columns = list(self.feature_names) if self.feature_names else list(data.columns)
            if spec.width is not None and len(columns) != spec.width:
                raise ModelLoadError(
                    f"This ONNX model takes one table of {spec.width} values per person, "
                    f"without column names, but the data has {len(columns)} columns. Pass "
                    "only the model's input columns, in the order used for training."
                )
            parts = [_onnx_column(data[c], spec.onnx_type, c) for c in columns]
            feeds = {spec.name: np.column_stack(parts) if parts else np.empty((len(data), 0))}
        else:
            feeds = {}
            for spec in self.inputs:
                values = _onnx_column(data[spec.name], spec.onnx_type, spec.name)
                feeds[spec.name] = values.reshape(-1, 1) if spec.rank == 2 else values
        (output,) = self.session.run([self.proba_output], feeds)
        if not self.zipmap:
            return np.asarray(output, dtype=np.float64)
        rows = list(output)
        keys = self.zipmap_keys or (tuple(rows[0].keys()) if rows else ())
        try:
            return np.array([[row[k] for k in keys] for row in rows], dtype=np.float64)
        except KeyError as exc:
            raise ModelLoadError(
                f"The ONNX model gave probabilities for unexpected classes ({exc}). The model "
                "file may be damaged; export it again with skl2onnx and zipmap=False."
            ) from exc


def _onnx_column(column: pd.Series, onnx_type: str, name: str) -> np.ndarray:
    """One data column as the array an ONNX input of ``onnx_type`` needs."""
    if onnx_type == "tensor(string)":
        return column.astype("string").fillna("").to_numpy(dtype=object)
    target = _ONNX_DTYPES[onnx_type]
    if pd.api.types.is_bool_dtype(column.dtype):
        numbers = column.astype("float64")
    else:
        try:
            numbers = pd.to_numeric(column, errors="raise")
        except (ValueError, TypeError) as exc:
            raise ModelLoadError(
                f"Column '{name}' must hold numbers for this model, but it holds text such as "
                f"{_example_text(column)!r}. Check that the right column is used and that "
                "numbers are written without units or thousands separators."
            ) from exc
    floats = numbers.to_numpy(dtype=np.float64, na_value=np.nan)
    if target in (np.float32, np.float64):
        return floats.astype(target)
    if np.isnan(floats).any():
        raise ModelLoadError(
            f"Column '{name}' has missing values, but this model needs a whole number for "
            "every person. Fill or drop the missing values first."
        )
    if target is np.bool_:
        return floats != 0
    if not np.all(np.mod(floats, 1) == 0):
        raise ModelLoadError(
            f"Column '{name}' holds numbers with decimals, but this model needs whole numbers "
            "in it. Check that the right column is used."
        )
    return floats.astype(target)


def _example_text(column: pd.Series) -> str:
    for value in column.dropna():
        try:
            float(value)
        except (TypeError, ValueError):
            return str(value)[:40]
    return ""


def _width(shape: Sequence[object]) -> int | None:
    if len(shape) < 2:
        return None
    size = shape[1]
    return size if isinstance(size, int) and not isinstance(size, bool) else None


def load_onnx_model(data: bytes, model: onnx.ModelProto, *, name: str, sha256: str) -> LoadedModel:
    """Check and open the ONNX model ``model``, parsed from ``data``, for scoring.

    Raises :class:`UntrustedModelError` when it refers to external data, and
    :class:`ModelLoadError` when onnxruntime cannot open it or it gives no probabilities.
    """
    locations = _external_locations(model)
    if locations:
        files = sorted(set(locations))
        raise UntrustedModelError(
            f"The ONNX model '{name}' refers to external data files ({quote_list(files, 5)}) "
            "for its weights. Those files are not part of the upload, and the app does not "
            "read files from its own disk on a model's behalf, so the model was not loaded. "
            "Export the model with all weights embedded in the single .onnx file (for "
            "example onnx.save_model(model, path, save_as_external_data=False))."
        )

    check_graph(model, name)

    import onnxruntime as ort  # deferred: only ONNX uploads need it

    options = ort.SessionOptions()
    options.log_severity_level = 4  # failures reach the user through ModelLoadError
    options.add_session_config_entry("session.load_model_format", "ONNX")
    try:
        # No provider fallback (it prints and retries), and no session settings read from
        # the model file's own metadata, whatever ORT_LOAD_CONFIG_FROM_MODEL says.
        session = ort.InferenceSession(
            data,
            options,
            providers=["CPUExecutionProvider"],
            enable_fallback=0,
            read_config_from_model=0,
        )
    except Exception as exc:  # onnxruntime raises its own error types
        raise ModelLoadError(
            f"The ONNX model '{name}' could not be opened by onnxruntime. It may use "
            "operators this version does not support, or be damaged. Export it again with "
            f"skl2onnx (for example with target_opset=17). Details: {short_detail(exc)}"
        ) from exc

    inputs = tuple(
        _OnnxInput(str(i.name), str(i.type), len(i.shape or ()), _width(i.shape or ()))
        for i in session.get_inputs()
    )
    unsupported = [f"'{i.name}' ({i.onnx_type})" for i in inputs if i.onnx_type not in _ONNX_DTYPES]
    if not inputs or unsupported:
        raise ModelLoadError(
            f"The ONNX model '{name}' takes inputs the app cannot provide: "
            f"{', '.join(unsupported) or 'none'}. Expected one input per column (text or "
            "numbers) or one table of numbers. Export the model with skl2onnx, giving each "
            "column its own StringTensorType or FloatTensorType input."
        )
    metadata = {entry.key: entry.value for entry in model.metadata_props}
    matrix = len(inputs) == 1 and inputs[0].rank == 2 and inputs[0].width != 1
    feature_names: tuple[str, ...] | None
    if matrix:
        listed = _metadata_list(metadata, ONNX_FEATURES_METADATA, name)
        feature_names = None if listed is None else tuple(str(n) for n in listed)
        if feature_names is not None:
            width = inputs[0].width
            if width is not None and len(feature_names) != width:
                raise ModelLoadError(
                    f"The ONNX model '{name}' names {len(feature_names)} input columns in its "
                    f"metadata '{ONNX_FEATURES_METADATA}' but takes {width}. Fix the metadata "
                    "when exporting the model."
                )
    else:
        wide = [i.name for i in inputs if i.rank > 2 or (i.rank == 2 and i.width != 1)]
        if wide:
            raise ModelLoadError(
                f"The ONNX model '{name}' has several inputs, and {quote_list(wide)} take "
                "more than one column each. The app supports one input per column, or one "
                "input holding all columns. Export the model with one input per column."
            )
        feature_names = tuple(i.name for i in inputs)

    outputs = session.get_outputs()
    proba = [o for o in outputs if o.type in ("tensor(float)", "tensor(double)")]
    proba = [o for o in proba if len(o.shape or ()) == 2]
    proba.sort(key=lambda o: "prob" not in str(o.name).lower())
    zipmaps = [o for o in outputs if str(o.type).startswith("seq(map(")]
    if proba:
        proba_output, zipmap, n_columns = str(proba[0].name), False, _width(proba[0].shape)
    elif zipmaps:
        proba_output, zipmap, n_columns = str(zipmaps[0].name), True, None
    else:
        raise ModelLoadError(
            f"The ONNX model '{name}' does not give probabilities: none of its outputs "
            f"({', '.join(str(o.name) for o in outputs)}) is a table of class probabilities. "
            "The audit needs a score for each person. Export a classifier with skl2onnx, "
            "which adds a probability output."
        )
    if n_columns is not None and n_columns < 2:
        raise ModelLoadError(
            f"The ONNX model '{name}' gives {n_columns} probability column(s); the app needs "
            "one per class (at least two). Export the model with skl2onnx and zipmap=False."
        )
    label_outputs = [o for o in outputs if o.type in _LABEL_TYPES and o.name != proba_output]
    label_output = str(label_outputs[0].name) if label_outputs else None
    label_is_text = bool(label_outputs) and label_outputs[0].type == "tensor(string)"

    listed_classes = _metadata_list(metadata, ONNX_CLASSES_METADATA, name)
    found: tuple[object, ...] | None
    if listed_classes is not None:
        found = tuple(listed_classes)
        if n_columns is not None and len(found) != n_columns:
            raise ModelLoadError(
                f"The ONNX model '{name}' names {len(found)} classes in its metadata "
                f"'{ONNX_CLASSES_METADATA}' but gives {n_columns} probability columns. Fix the "
                "metadata when exporting the model."
            )
    else:
        found = _classes_from_graph(model.graph, label_output, proba_output)
        if found is not None and n_columns is not None and len(found) != n_columns:
            found = None  # labels of another part of the graph: do not trust them
    assumed = found is None
    if found is None:
        found = tuple(range(n_columns or 2))
    if len(found) > 2:
        raise ModelLoadError(too_many_classes_message(f"The ONNX model '{name}'", found))
    fallback = 1 if assumed and len(found) == 2 and not label_is_text else None
    zipmap_keys = None if assumed else found
    runner = _OnnxRunner(
        session=session,
        inputs=inputs,
        matrix=matrix,
        feature_names=feature_names,
        proba_output=proba_output,
        zipmap_keys=zipmap_keys,
        zipmap=zipmap,
    )
    return LoadedModel(
        name=name,
        kind="onnx",
        sha256=sha256,
        feature_names=feature_names,
        classes=found,
        classes_assumed=assumed,
        _runner=runner,
        _fallback_column=fallback,
    )


def _metadata_list(metadata: Mapping[str, str], key: str, name: str) -> list[object] | None:
    if key not in metadata:
        return None
    try:
        value = json.loads(metadata[key])
    except ValueError:
        value = None
    scalars = (str, int, float)
    if not isinstance(value, list) or not value or not all(isinstance(v, scalars) for v in value):
        raise ModelLoadError(
            f"The ONNX model '{name}' has metadata '{key}' that is not a JSON list of names "
            f"(found {metadata[key][:80]!r}). Write it as a JSON list, for example "
            '["denied", "approved"], when exporting the model.'
        )
    return value
