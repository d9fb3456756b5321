"""Checks on an ONNX graph before onnxruntime runs it: no endless loops, no huge shapes.

A *trip count* is the number of steps a ``Loop`` node runs; a *written* value is one stored
in the model (an initializer or a ``Constant`` node) rather than computed from the data.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np

from fairness_core.errors import ModelLoadError

if TYPE_CHECKING:
    import onnx

__all__ = ["MAX_LOOP_STEPS", "MAX_STATIC_ELEMENTS", "check_graph"]

#: A Loop may run at most this many steps, written in the model itself (not taken from data).
MAX_LOOP_STEPS = 10_000
#: A shape written in the model may hold at most this many values (400 MB of float32).
MAX_STATIC_ELEMENTS = 100_000_000
_SHAPE_OPS = {"ConstantOfShape": 0, "Expand": 1, "Tile": 1}


def check_graph(model: onnx.ModelProto, name: str) -> None:
    """Refuse graphs that can run without end or allocate huge tensors from written shapes.

    A ``Loop`` must have a trip count written in the model (an initializer or a
    ``Constant``) of at most :data:`MAX_LOOP_STEPS`; shapes written in the model for
    ``ConstantOfShape``, ``Expand`` and ``Tile`` may hold at most
    :data:`MAX_STATIC_ELEMENTS` values. Sizes that come from the data are bounded by the
    worker's memory and time limits instead.
    """
    for graph in _graphs(model.graph):
        constants = _graph_constants(graph)
        for node in graph.node:
            if node.op_type == "Loop":
                trip = node.input[0] if node.input else ""
                steps = constants.get(trip)
                if steps is None or steps.size != 1 or int(steps.ravel()[0]) > MAX_LOOP_STEPS:
                    raise ModelLoadError(
                        f"The ONNX model '{name}' has a loop ('{node.name or 'Loop'}') without a "
                        f"small fixed number of steps (at most {MAX_LOOP_STEPS:,}, written in "
                        "the model), so it could run for ever. Classifiers exported with "
                        "skl2onnx have no such loop; export the model again with skl2onnx."
                    )
            position = _SHAPE_OPS.get(node.op_type)
            if position is not None and len(node.input) > position:
                shape = constants.get(node.input[position])
                if shape is not None and _product(shape) > MAX_STATIC_ELEMENTS:
                    raise ModelLoadError(
                        f"The ONNX model '{name}' builds a tensor of {_product(shape):,} values "
                        f"in '{node.name or node.op_type}' (at most {MAX_STATIC_ELEMENTS:,} "
                        "allowed), which would take gigabytes of memory on every scoring. "
                        "Export the model again with skl2onnx."
                    )


def _product(values: np.ndarray) -> int:
    total = 1
    for value in values.ravel().tolist():
        total *= max(int(value), 1)
    return total


def _graphs(graph: onnx.GraphProto) -> Iterator[onnx.GraphProto]:
    """``graph`` and every subgraph inside its nodes (Loop, If, Scan bodies)."""
    yield graph
    for node in graph.node:
        for attribute in node.attribute:
            if attribute.HasField("g"):
                yield from _graphs(attribute.g)
            for sub in attribute.graphs:
                yield from _graphs(sub)


def _graph_constants(graph: onnx.GraphProto) -> dict[str, np.ndarray]:
    """Integer tensors written in ``graph``: initializers and Constant outputs."""
    from onnx import numpy_helper

    found: dict[str, np.ndarray] = {}
    tensors = [(t.name, t) for t in graph.initializer]
    for node in graph.node:
        if node.op_type == "Constant" and node.output:
            for attribute in node.attribute:
                if attribute.name == "value" and attribute.HasField("t"):
                    tensors.append((node.output[0], attribute.t))
    for key, tensor in tensors:
        if tensor.data_type in (6, 7):  # INT32, INT64
            try:
                found[key] = numpy_helper.to_array(tensor)
            except (ValueError, TypeError):  # a damaged tensor is onnxruntime's to refuse
                continue
    return found
