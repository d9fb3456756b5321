"""Tests for fairness_core.models: safe model loading and scoring.

Every model is built here from a small generated table; nothing is downloaded.
"""

from __future__ import annotations

import hashlib
import io
import pickle
import zipfile
from pathlib import Path

import joblib
import numpy as np
import onnx
import onnxruntime as ort
import pandas as pd
import pytest
import skops.io as sio
from onnx import TensorProto, helper, numpy_helper
from skl2onnx import convert_sklearn, to_onnx
from skl2onnx.common.data_types import FloatTensorType, Int64TensorType, StringTensorType
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

from fairness_core.errors import InvalidInputError, ModelLoadError, UntrustedModelError
from fairness_core.models import (
    LoadedModel,
    ModelLimits,
    ModelPolicy,
    check_model_features,
    load_model,
    load_model_policy,
)

FEATURES = ["region", "income", "age"]
ONNX_TYPES = [
    ("region", StringTensorType([None, 1])),
    ("income", FloatTensorType([None, 1])),
    ("age", Int64TensorType([None, 1])),
]
ONNX_OPSETS = {"": 17, "ai.onnx.ml": 3}


# --------------------------------------------------------------------------------------
# Builders
# --------------------------------------------------------------------------------------


def _frame(n: int = 240, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "region": rng.choice(["north", "south", "east"], n),
            "income": rng.normal(50.0, 10.0, n).round(2),
            "age": rng.integers(18, 80, n),
        }
    )


def _labels(frame: pd.DataFrame, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    signal = (
        (frame["income"] - 50) / 10 + (frame["region"] == "north") + rng.normal(0, 1, len(frame))
    )
    return (signal > 0.3).to_numpy().astype(int)


def _pipeline(*, handle_unknown: str = "ignore", classifier: object | None = None) -> Pipeline:
    prep = ColumnTransformer(
        [
            ("cat", OneHotEncoder(handle_unknown=handle_unknown), ["region"]),
            ("num", StandardScaler(), ["income", "age"]),
        ]
    )
    return Pipeline([("prep", prep), ("clf", classifier or LogisticRegression())])


def _to_onnx_bytes(model: Pipeline, *, zipmap: bool = False) -> bytes:
    options = {"zipmap": False} if not zipmap else {}
    proto = convert_sklearn(
        model, initial_types=ONNX_TYPES, options=options, target_opset=ONNX_OPSETS
    )
    return proto.SerializeToString()


def _softmax_onnx(
    *, label_type: int | None = None, metadata: dict[str, str] | None = None
) -> bytes:
    """A hand-built ONNX classifier without class labels: probabilities = Softmax(X)."""
    nodes = [helper.make_node("Softmax", ["X"], ["probabilities"], axis=1)]
    outputs = [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [None, 2])]
    if label_type is not None:
        text = label_type == TensorProto.STRING
        constant = np.array(["x"], dtype=object) if text else np.array([0], dtype=np.int64)
        value = numpy_helper.from_array(constant, "c")
        nodes.append(helper.make_node("Constant", [], ["label"], value=value))
        outputs.insert(0, helper.make_tensor_value_info("label", label_type, [None]))
    graph = helper.make_graph(
        nodes,
        "softmax",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, [None, 2])],
        outputs,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    for key, val in (metadata or {}).items():
        entry = model.metadata_props.add()
        entry.key, entry.value = key, val
    return model.SerializeToString()


class _WritesFile:
    """Unpickling this object opens (creates) ``path`` for writing: a harmless payload."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (str(self.path), "w"))


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return _frame()


@pytest.fixture(scope="module")
def fitted(frame: pd.DataFrame) -> Pipeline:
    return _pipeline().fit(frame, _labels(frame))


@pytest.fixture(scope="module")
def fitted_text(frame: pd.DataFrame) -> Pipeline:
    labels = np.where(_labels(frame) == 1, "approved", "denied")
    return _pipeline().fit(frame, labels)


@pytest.fixture(scope="module")
def skops_bytes(fitted: Pipeline) -> bytes:
    return sio.dumps(fitted)


@pytest.fixture(scope="module")
def onnx_bytes(fitted: Pipeline) -> bytes:
    return _to_onnx_bytes(fitted)


@pytest.fixture(scope="module")
def untrusted_skops(frame: pd.DataFrame) -> tuple[Pipeline, bytes]:
    """A pipeline whose FunctionTransformer wraps numpy.nan_to_num, which skops does not trust."""
    numeric = frame[["income", "age"]].astype(float)
    model = make_pipeline(FunctionTransformer(np.nan_to_num), LogisticRegression())
    model.fit(numeric, _labels(frame))
    data = sio.dumps(model)
    assert sio.get_untrusted_types(data=data) == ["numpy.nan_to_num"]
    return model, data


# --------------------------------------------------------------------------------------
# skops
# --------------------------------------------------------------------------------------


def test_skops_round_trip_matches_sklearn(
    frame: pd.DataFrame, fitted: Pipeline, skops_bytes: bytes
) -> None:
    """A skops pipeline scores exactly like the sklearn object it was saved from."""
    model = load_model(skops_bytes, filename="credit.skops")
    assert model.kind == "skops"
    assert model.name == "credit.skops"
    assert model.sha256 == hashlib.sha256(skops_bytes).hexdigest()
    assert model.feature_names == ("region", "income", "age")
    assert model.classes == (0, 1)
    assert all(type(c) is int for c in model.classes)
    assert not model.classes_assumed
    # Extra columns and another column order must not matter.
    data = frame[["age", "income", "region"]].assign(gender="f")
    expected = fitted.predict_proba(frame)
    np.testing.assert_allclose(model.predict_proba(data), expected, rtol=0, atol=1e-12)
    scores = model.score(data, positive_label=1)
    assert scores.dtype == np.float64
    np.testing.assert_allclose(scores, expected[:, 1], rtol=0, atol=1e-12)


def test_load_model_reads_a_path(tmp_path: Path, skops_bytes: bytes) -> None:
    """A path is read and its file name becomes the model's name."""
    path = tmp_path / "model.skops"
    path.write_bytes(skops_bytes)
    model = load_model(path)
    assert (model.name, model.kind) == ("model.skops", "skops")
    assert load_model(str(path), filename="shown.skops").name == "shown.skops"


def test_load_model_missing_path_is_explained(tmp_path: Path) -> None:
    """A path that does not exist gives a ModelLoadError naming it."""
    with pytest.raises(ModelLoadError, match=r"could not be read.*Check the path"):
        load_model(tmp_path / "nowhere.skops")


def test_untrusted_skops_type_is_refused_and_named(untrusted_skops: tuple[Pipeline, bytes]) -> None:
    """A skops file with a type outside the safe list is refused, and the type is named."""
    _, data = untrusted_skops
    with pytest.raises(UntrustedModelError) as info:
        load_model(data, filename="custom.skops")
    message = str(info.value)
    assert "custom.skops" in message
    assert "- numpy.nan_to_num" in message
    assert "fairness-explorer app --trust-type numpy.nan_to_num" in message
    assert "FAIRNESS_EXPLORER_TRUSTED_TYPES=numpy.nan_to_num" in message
    assert "trust the author" in message


def test_allow_listed_skops_type_loads(
    frame: pd.DataFrame, untrusted_skops: tuple[Pipeline, bytes]
) -> None:
    """The operator's allow-list lets exactly that type load, with the same scores."""
    original, data = untrusted_skops
    policy = ModelPolicy(trusted_types=("numpy.nan_to_num",))
    model = load_model(data, filename="custom.skops", policy=policy)
    numeric = frame[["income", "age"]].astype(float)
    np.testing.assert_allclose(
        model.score(numeric, positive_label=1),
        original.predict_proba(numeric)[:, 1],
        rtol=0,
        atol=1e-12,
    )


def test_allow_listing_another_type_does_not_help(untrusted_skops: tuple[Pipeline, bytes]) -> None:
    """Trusting one type never trusts the other types a file happens to contain."""
    _, data = untrusted_skops
    policy = ModelPolicy(trusted_types=("numpy.clip",))
    with pytest.raises(UntrustedModelError, match=r"numpy\.nan_to_num"):
        load_model(data, filename="custom.skops", policy=policy)


def test_skops_load_trusts_only_the_operator_list(
    monkeypatch: pytest.MonkeyPatch, untrusted_skops: tuple[Pipeline, bytes]
) -> None:
    """Even if the audit missed a type, skops.loads gets only the policy's list and refuses."""
    _, data = untrusted_skops
    calls: list[object] = []
    real_loads = sio.loads

    def spy(payload: bytes, trusted: object = None) -> object:
        calls.append(trusted)
        return real_loads(payload, trusted=trusted)

    monkeypatch.setattr(sio, "get_untrusted_types", lambda **_: [])
    monkeypatch.setattr(sio, "loads", spy)
    policy = ModelPolicy(trusted_types=("numpy.clip",))
    with pytest.raises(UntrustedModelError, match="not on the list of safe types"):
        load_model(data, filename="custom.skops", policy=policy)
    assert calls == [["numpy.clip"]]


def test_damaged_skops_archive_is_explained(skops_bytes: bytes) -> None:
    """A truncated skops file gives a ModelLoadError that says it is damaged."""
    with pytest.raises(ModelLoadError, match=r"damaged or incomplete.*skops\.io\.dump"):
        load_model(skops_bytes[: len(skops_bytes) // 2], filename="cut.skops")


def test_zip_without_schema_is_not_a_skops_file() -> None:
    """A zip archive that is not a skops file is refused with that reason."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(ModelLoadError, match=r"not a skops model file \(it has no schema\.json\)"):
        load_model(buffer.getvalue(), filename="model.skops")


def test_model_without_probabilities_is_refused(frame: pd.DataFrame) -> None:
    """A regressor loads safely but is refused because it gives no probabilities."""
    regressor = LinearRegression().fit(frame[["income", "age"]], frame["income"])
    with pytest.raises(ModelLoadError, match="does not give probabilities"):
        load_model(sio.dumps(regressor), filename="reg.skops")


def test_text_labels_work_with_positive_label(frame: pd.DataFrame, fitted_text: Pipeline) -> None:
    """Classes 'approved'/'denied' are kept as text and 'approved' selects its column."""
    model = load_model(sio.dumps(fitted_text), filename="text.skops")
    assert model.classes == ("approved", "denied")
    expected = fitted_text.predict_proba(frame)[:, 0]
    np.testing.assert_allclose(model.score(frame, positive_label="approved"), expected, atol=1e-12)
    np.testing.assert_allclose(
        model.score(frame, positive_label=" approved "), expected, atol=1e-12
    )
    with pytest.raises(InvalidInputError, match=r"'Approved'.*'approved', 'denied'"):
        model.score(frame, positive_label="Approved")


# --------------------------------------------------------------------------------------
# ONNX
# --------------------------------------------------------------------------------------


def test_onnx_scores_match_sklearn(
    frame: pd.DataFrame, fitted: Pipeline, onnx_bytes: bytes
) -> None:
    """An skl2onnx export with one input per column scores like sklearn to 1e-5."""
    model = load_model(onnx_bytes, filename="credit.onnx")
    assert model.kind == "onnx"
    assert model.feature_names == ("region", "income", "age")
    assert model.classes == (0, 1)
    assert not model.classes_assumed
    data = frame.assign(extra=1)[["extra", "age", "region", "income"]]
    np.testing.assert_allclose(
        model.score(data, positive_label=1), fitted.predict_proba(frame)[:, 1], atol=1e-5
    )


def test_onnx_text_labels_come_from_the_graph(frame: pd.DataFrame, fitted_text: Pipeline) -> None:
    """Text classes are read from the classifier node, in probability-column order."""
    model = load_model(_to_onnx_bytes(fitted_text), filename="text.onnx")
    assert model.classes == ("approved", "denied")
    np.testing.assert_allclose(
        model.score(frame, positive_label="approved"),
        fitted_text.predict_proba(frame)[:, 0],
        atol=1e-5,
    )


def test_onnx_zipmap_output_is_converted(frame: pd.DataFrame, fitted: Pipeline) -> None:
    """A ZipMap output (a list of dicts) is turned into a probability table."""
    model = load_model(_to_onnx_bytes(fitted, zipmap=True), filename="zip.onnx")
    assert model.classes == (0, 1)
    np.testing.assert_allclose(model.predict_proba(frame), fitted.predict_proba(frame), atol=1e-5)


@pytest.mark.filterwarnings(
    # A tiny MLP is not meant to converge here; only its exported class order matters.
    "ignore::sklearn.exceptions.ConvergenceWarning"
)
def test_onnx_classes_from_array_feature_extractor(frame: pd.DataFrame) -> None:
    """MLP exports pick labels from a class array with ArgMax; that array gives the classes."""
    labels = np.where(_labels(frame) == 1, "yes", "no")
    mlp = _pipeline(classifier=MLPClassifier(hidden_layer_sizes=(4,), max_iter=30, random_state=0))
    mlp.fit(frame, labels)
    model = load_model(_to_onnx_bytes(mlp), filename="mlp.onnx")
    assert model.classes == ("no", "yes")
    assert not model.classes_assumed
    np.testing.assert_allclose(
        model.score(frame, positive_label="yes"), mlp.predict_proba(frame)[:, 1], atol=1e-5
    )


def test_onnx_single_matrix_input(frame: pd.DataFrame) -> None:
    """One [None, n] float input is fed the numeric columns in order; names are unknown."""
    numeric = frame[["income", "age"]].astype(np.float32)
    clf = LogisticRegression().fit(numeric.to_numpy(), _labels(frame))
    data = to_onnx(clf, numeric.to_numpy()[:1], options={"zipmap": False}).SerializeToString()
    model = load_model(data, filename="matrix.onnx")
    assert model.feature_names is None
    assert check_model_features(model, ["anything"]) == ([], [])
    np.testing.assert_allclose(
        model.score(numeric, positive_label=1),
        clf.predict_proba(numeric.to_numpy())[:, 1],
        atol=1e-5,
    )
    with pytest.raises(ModelLoadError, match=r"2 values per person.*data has 3 columns"):
        model.score(frame.assign(region=1.0), positive_label=1)


def test_onnx_with_external_data_is_refused(tmp_path: Path, fitted: Pipeline) -> None:
    """An ONNX file whose weights live in a separate file is refused before it is opened."""
    proto = convert_sklearn(
        fitted, initial_types=ONNX_TYPES, options={"zipmap": False}, target_opset=ONNX_OPSETS
    )
    # skl2onnx writes small int64 tensors without raw_data, which onnx never externalizes.
    for i, tensor in enumerate(list(proto.graph.initializer)):
        array = numpy_helper.to_array(tensor)
        proto.graph.initializer[i].CopyFrom(numpy_helper.from_array(array, tensor.name))
    path = tmp_path / "model.onnx"
    onnx.save_model(
        proto,
        str(path),
        save_as_external_data=True,
        all_tensors_to_one_file=True,
        location="weights.bin",
        size_threshold=0,
    )
    assert (tmp_path / "weights.bin").exists()
    stored = onnx.load_model(str(path), load_external_data=False)
    assert any(t.data_location == TensorProto.EXTERNAL for t in stored.graph.initializer)
    with pytest.raises(UntrustedModelError) as info:
        load_model(path.read_bytes(), filename="model.onnx")
    message = str(info.value)
    assert "refers to external data files ('weights.bin')" in message
    assert "all weights embedded" in message


def test_onnx_external_data_in_a_node_attribute_is_refused() -> None:
    """External data is also found in tensors held by node attributes (Constant)."""
    tensor = helper.make_tensor("w", TensorProto.FLOAT, [2], [0.5, 0.5])
    tensor.data_location = TensorProto.EXTERNAL
    entry = tensor.external_data.add()
    entry.key, entry.value = "location", "../../etc/secrets"
    tensor.ClearField("float_data")
    graph = helper.make_graph(
        [
            helper.make_node("Constant", [], ["w"], value=tensor),
            helper.make_node("Mul", ["X", "w"], ["probabilities"]),
        ],
        "g",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, [None, 2])],
        [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [None, 2])],
    )
    data = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]).SerializeToString()
    with pytest.raises(UntrustedModelError, match=r"'\.\./\.\./etc/secrets'"):
        load_model(data, filename="m.onnx")


def _external_tensor(location: str) -> TensorProto:
    tensor = helper.make_tensor("w", TensorProto.FLOAT, [1], [0.5])
    tensor.ClearField("float_data")
    tensor.data_location = TensorProto.EXTERNAL
    entry = tensor.external_data.add()
    entry.key, entry.value = "location", location
    return tensor


@pytest.mark.parametrize(
    "place", ["sparse initializer", "subgraph", "function", "training information"]
)
def test_onnx_external_data_is_found_everywhere(
    monkeypatch: pytest.MonkeyPatch, place: str
) -> None:
    """External data anywhere in the file is refused, and onnxruntime never sees the file."""
    model = onnx.load_model_from_string(_softmax_onnx())
    tensor = _external_tensor("secret.bin")
    constant = helper.make_node("Constant", [], ["c"], value=tensor)
    if place == "sparse initializer":
        index = numpy_helper.from_array(np.array([0], dtype=np.int64), "i")
        model.graph.sparse_initializer.append(helper.make_sparse_tensor(tensor, index, [2]))
    elif place == "subgraph":
        out = helper.make_tensor_value_info("c", TensorProto.FLOAT, [1])
        branch = helper.make_graph([constant], "branch", [], [out])
        model.graph.node.append(
            helper.make_node("If", ["X"], ["c"], then_branch=branch, else_branch=branch)
        )
    elif place == "function":
        opsets = [helper.make_opsetid("", 17)]
        model.functions.append(helper.make_function("custom", "F", [], ["c"], [constant], opsets))
    else:
        model.training_info.add().initialization.initializer.append(tensor)
    monkeypatch.setattr(ort, "InferenceSession", None)  # any call would fail the test
    with pytest.raises(UntrustedModelError, match=r"external data files \('secret\.bin'\)"):
        load_model(model.SerializeToString(), filename="m.onnx")


def test_onnx_without_class_labels_assumes_column_one() -> None:
    """Without recorded classes, a numeric binary model takes column 1 as positive."""
    model = load_model(_softmax_onnx(), filename="plain.onnx")
    assert model.classes == (0, 1)
    assert model.classes_assumed
    data = pd.DataFrame({"a": [0.0, 2.0], "b": [1.0, 0.0]})
    expected = np.exp([1.0, 0.0]) / (np.exp([1.0, 0.0]) + np.exp([0.0, 2.0]))
    np.testing.assert_allclose(model.score(data, positive_label="good"), expected, atol=1e-6)
    np.testing.assert_allclose(model.score(data, positive_label=0), 1 - expected, atol=1e-6)


def test_onnx_text_labels_without_classes_must_be_chosen_by_position() -> None:
    """With unknown text classes, the app does not guess which column a label is."""
    model = load_model(_softmax_onnx(label_type=TensorProto.STRING), filename="text.onnx")
    assert model.classes_assumed
    data = pd.DataFrame({"a": [0.0], "b": [1.0]})
    with pytest.raises(InvalidInputError, match=r"does not record which probability column"):
        model.score(data, positive_label="approved")
    assert model.score(data, positive_label=1).shape == (1,)


def test_onnx_classes_from_metadata() -> None:
    """Metadata 'fairness_explorer.classes' names the probability columns."""
    data = _softmax_onnx(metadata={"fairness_explorer.classes": '["denied", "approved"]'})
    model = load_model(data, filename="meta.onnx")
    assert model.classes == ("denied", "approved")
    assert not model.classes_assumed
    bad = _softmax_onnx(metadata={"fairness_explorer.classes": "denied,approved"})
    with pytest.raises(ModelLoadError, match="not a JSON list"):
        load_model(bad, filename="meta.onnx")
    three = _softmax_onnx(metadata={"fairness_explorer.classes": '["a", "b", "c"]'})
    with pytest.raises(ModelLoadError, match=r"names 3 classes .* gives 2 probability columns"):
        load_model(three, filename="meta.onnx")


def test_onnx_text_in_a_numeric_column_is_explained(frame: pd.DataFrame, onnx_bytes: bytes) -> None:
    """Text where the ONNX model needs numbers gives a message naming the column."""
    model = load_model(onnx_bytes, filename="credit.onnx")
    data = frame.assign(income=frame["income"].astype(str).where(frame.index > 0, "n/a"))
    with pytest.raises(ModelLoadError, match=r"Column 'income' must hold numbers.*'n/a'"):
        model.score(data, positive_label=1)


def test_onnx_missing_text_values_are_fed_as_empty(frame: pd.DataFrame) -> None:
    """Missing categories reach the ONNX model as empty strings, not as 'None' or 'nan'."""
    blank = frame.assign(region=frame["region"].where(frame.index % 4 > 0, ""))
    labels = (blank["region"] == "").to_numpy().astype(int)
    model = load_model(_to_onnx_bytes(_pipeline().fit(blank, labels)), filename="blank.onnx")
    rows = frame.head(2)
    missing = rows.assign(region=pd.Series([None, np.nan], index=rows.index, dtype="str"))
    empty = rows.assign(region="")
    unseen = rows.assign(region="west")
    scores = model.score(missing, positive_label=1)
    np.testing.assert_allclose(scores, model.score(empty, positive_label=1))
    assert np.all(scores > model.score(unseen, positive_label=1) + 0.2)


# --------------------------------------------------------------------------------------
# pickle / joblib
# --------------------------------------------------------------------------------------


def test_pickle_payload_runs_when_unpickled(tmp_path: Path) -> None:
    """The test payload really does act when unpickled, so the refusal tests mean something."""
    marker = tmp_path / "ran.txt"
    handle = pickle.loads(pickle.dumps(_WritesFile(marker)))
    handle.close()
    assert marker.exists()


@pytest.mark.parametrize(
    "filename", ["model.pkl", "model.pickle", "model.joblib", "model.skops", "model.onnx", None]
)
def test_pickle_is_refused_and_never_unpickled(tmp_path: Path, filename: str | None) -> None:
    """A pickle is refused whatever its name, and its payload never runs."""
    marker = tmp_path / "ran.txt"
    payload = pickle.dumps(_WritesFile(marker))
    with pytest.raises(UntrustedModelError) as info:
        load_model(payload, filename=filename)
    message = str(info.value)
    assert "can run any code on this machine" in message
    assert "refused" in message
    assert "skops.io.dump" in message
    assert "skl2onnx" in message
    assert "fairness-explorer app --allow-pickle" in message
    if filename in ("model.skops", "model.onnx"):
        assert "its content is a pickle" in message
    assert not marker.exists()


@pytest.mark.parametrize("filename", ["model.skops", "model.onnx", "model.bin"])
def test_old_protocol_pickle_is_never_unpickled(tmp_path: Path, filename: str) -> None:
    """A text-protocol pickle under another name is not recognised as a model, nor run."""
    marker = tmp_path / "ran.txt"
    payload = pickle.dumps(_WritesFile(marker), protocol=0)
    with pytest.raises(ModelLoadError):
        load_model(payload, filename=filename)
    with pytest.raises(UntrustedModelError):
        load_model(payload, filename="model.pkl")
    assert not marker.exists()


def test_pickle_allowed_by_policy_loads(frame: pd.DataFrame, fitted: Pipeline) -> None:
    """An operator who allows pickle gets a working model from pickle and joblib files."""
    policy = ModelPolicy(allow_pickle=True)
    model = load_model(pickle.dumps(fitted), filename="model.pkl", policy=policy)
    assert model.kind == "pickle"
    expected = fitted.predict_proba(frame)[:, 1]
    np.testing.assert_allclose(model.score(frame, positive_label=1), expected, atol=1e-12)
    buffer = io.BytesIO()
    joblib.dump(fitted, buffer, compress=3)
    compressed = load_model(buffer.getvalue(), filename="model.joblib", policy=policy)
    np.testing.assert_allclose(compressed.score(frame, positive_label=1), expected, atol=1e-12)


# --------------------------------------------------------------------------------------
# Unknown formats
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "filename", "phrase"),
    [
        (b"hello, this is not a model", "model.bin", "not a model file the app can read"),
        (b"hello, this is not a model", None, "not a model file the app can read"),
        (b"hello, this is not a model", "model.skops", "not a zip archive"),
        (b"\x08\x07garbage", "model.onnx", "could not be read as an ONNX model"),
        (b"", "model.skops", "is empty"),
    ],
)
def test_unreadable_bytes_are_explained(payload: bytes, filename: str | None, phrase: str) -> None:
    """Bytes that are no supported model give a ModelLoadError with the reason."""
    with pytest.raises(ModelLoadError) as info:
        load_model(payload, filename=filename)
    assert phrase in str(info.value)
    if phrase == "not a model file the app can read":
        assert "skops" in str(info.value)
        assert "ONNX" in str(info.value)


def test_non_bytes_source_is_refused() -> None:
    """A source that is neither bytes nor a path is an InvalidInputError."""
    with pytest.raises(InvalidInputError, match=r"source must be the file's bytes or a path"):
        load_model(123)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["skops", "onnx"])
def test_missing_feature_columns_are_listed(
    frame: pd.DataFrame, skops_bytes: bytes, onnx_bytes: bytes, kind: str
) -> None:
    """Scoring data without the model's columns names the missing and the extra columns."""
    data = skops_bytes if kind == "skops" else onnx_bytes
    model = load_model(data, filename=f"m.{kind}")
    table = frame.drop(columns=["income", "age"]).assign(zip_code="12345")
    with pytest.raises(ModelLoadError) as info:
        model.score(table, positive_label=1)
    message = str(info.value)
    assert "needs columns that the data does not have: 'income', 'age'" in message
    assert "columns the model does not use: 'zip_code'" in message


def test_check_model_features_orders_missing_and_extra(skops_bytes: bytes) -> None:
    """Missing columns follow the model's order and extra columns the data's order."""
    model = load_model(skops_bytes, filename="m.skops")
    assert check_model_features(model, ["zip", "region", "x", "age"]) == (["income"], ["zip", "x"])
    assert check_model_features(model, FEATURES) == ([], [])


def test_positive_label_not_among_classes(frame: pd.DataFrame, skops_bytes: bytes) -> None:
    """An unknown positive label names what was asked and which classes exist."""
    model = load_model(skops_bytes, filename="m.skops")
    with pytest.raises(InvalidInputError) as info:
        model.score(frame, positive_label="yes")
    message = str(info.value)
    assert "'yes' is not one of the classes" in message
    assert "Expected one of: 0, 1" in message


@pytest.mark.parametrize(
    ("label", "column"),
    [(1, 1), ("1", 1), (1.0, 1), (True, 1), (np.int64(1), 1), ("true", 1), (0, 0), ("0", 0)],
)
def test_positive_label_tolerates_types(
    frame: pd.DataFrame, fitted: Pipeline, skops_bytes: bytes, label: object, column: int
) -> None:
    """ "1", 1.0, True and np.int64(1) all mean class 1; "0" means class 0."""
    model = load_model(skops_bytes, filename="m.skops")
    np.testing.assert_allclose(
        model.score(frame, positive_label=label),
        fitted.predict_proba(frame)[:, column],
        atol=1e-12,
    )


def test_boolean_classes_match_exactly_and_loosely(frame: pd.DataFrame) -> None:
    """Classes False/True accept True, 1 and "True" for the positive class."""
    clf = LogisticRegression().fit(frame[["income"]], _labels(frame).astype(bool))
    model = load_model(sio.dumps(clf), filename="bool.skops")
    assert model.classes == (False, True)
    expected = clf.predict_proba(frame[["income"]])[:, 1]
    for label in (True, 1, "True"):
        np.testing.assert_allclose(model.score(frame, positive_label=label), expected)


def test_exact_label_wins_over_a_loose_match(frame: pd.DataFrame) -> None:
    """With classes '1' and 'true', "1" is exact; 1 matches both loosely and is refused."""
    labels = np.where(_labels(frame) == 1, "true", "1")
    clf = LogisticRegression().fit(frame[["income"]], labels)
    model = load_model(sio.dumps(clf), filename="odd.skops")
    assert model.classes == ("1", "true")
    expected = clf.predict_proba(frame[["income"]])[:, 0]
    np.testing.assert_allclose(model.score(frame, positive_label="1"), expected)
    with pytest.raises(InvalidInputError, match=r"matches several classes.*'1', 'true'"):
        model.score(frame, positive_label=1)


def test_decide_applies_the_threshold(frame: pd.DataFrame, skops_bytes: bytes) -> None:
    """Decisions are int8 and equal score >= threshold; a bad threshold is refused."""
    model = load_model(skops_bytes, filename="m.skops")
    scores = model.score(frame, positive_label=1)
    decisions = model.decide(frame, positive_label=1, threshold=0.4)
    assert decisions.dtype == np.int8
    np.testing.assert_array_equal(decisions, (scores >= 0.4).astype(np.int8))
    assert 0 < decisions.sum() < len(frame)
    with pytest.raises(InvalidInputError, match=r"threshold must be a number between 0 and 1"):
        model.decide(frame, positive_label=1, threshold=1.5)


def test_unknown_category_error_is_translated(frame: pd.DataFrame) -> None:
    """An estimator error while scoring becomes a ModelLoadError a reviewer can act on."""
    strict = _pipeline(handle_unknown="error").fit(frame, _labels(frame))
    model = load_model(sio.dumps(strict), filename="strict.skops")
    data = frame.head(3).assign(region="west")
    with pytest.raises(ModelLoadError) as info:
        model.score(data, positive_label=1)
    message = str(info.value)
    assert "could not score the data" in message
    assert "category values the model never saw" in message
    assert isinstance(info.value.__cause__, ValueError)


def test_empty_data_gives_empty_scores(frame: pd.DataFrame, skops_bytes: bytes) -> None:
    """No rows in, no rows out, with one column per class."""
    model = load_model(skops_bytes, filename="m.skops")
    assert model.predict_proba(frame.head(0)).shape == (0, 2)
    assert model.score(frame.head(0), positive_label=1).shape == (0,)


def test_non_frame_data_is_refused(skops_bytes: bytes) -> None:
    """Scoring needs a DataFrame; anything else is an InvalidInputError."""
    model = load_model(skops_bytes, filename="m.skops")
    with pytest.raises(InvalidInputError, match=r"data must be a table.*Got list instead"):
        model.predict_proba([[1, 2, 3]])  # type: ignore[arg-type]


def test_loaded_model_repr_hides_the_estimator(skops_bytes: bytes) -> None:
    """The repr shows the file facts, not the estimator or session."""
    model = load_model(skops_bytes, filename="m.skops")
    assert isinstance(model, LoadedModel)
    text = repr(model)
    assert "m.skops" in text
    assert "Pipeline" not in text
    assert "_runner" not in text


# --------------------------------------------------------------------------------------
# Policy
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "allowed"),
    [("1", True), ("true", True), ("YES", True), (" yes ", True), ("0", False), ("no", False)],
)
def test_load_model_policy_reads_allow_pickle(value: str, allowed: bool) -> None:
    """FAIRNESS_EXPLORER_ALLOW_PICKLE accepts 1/true/yes and 0/false/no."""
    policy = load_model_policy({"FAIRNESS_EXPLORER_ALLOW_PICKLE": value})
    assert policy.allow_pickle is allowed


def test_load_model_policy_defaults_to_safe() -> None:
    """An empty environment refuses pickle, trusts no extra types, and limits the worker."""
    assert load_model_policy({}) == ModelPolicy(
        allow_pickle=False, trusted_types=(), limits=ModelLimits()
    )


def test_load_model_policy_refuses_unclear_flag() -> None:
    """A value that is neither yes nor no is an error, not a guess."""
    with pytest.raises(InvalidInputError, match=r"FAIRNESS_EXPLORER_ALLOW_PICKLE.*'maybe'"):
        load_model_policy({"FAIRNESS_EXPLORER_ALLOW_PICKLE": "maybe"})


def test_load_model_policy_reads_trusted_types() -> None:
    """Trusted types are split on commas, stripped, and de-duplicated in order."""
    env = {"FAIRNESS_EXPLORER_TRUSTED_TYPES": " numpy.nan_to_num, mypkg.Scaler,,numpy.nan_to_num"}
    assert load_model_policy(env).trusted_types == ("numpy.nan_to_num", "mypkg.Scaler")
    with pytest.raises(InvalidInputError, match=r"full dotted type names.*'\*'"):
        load_model_policy({"FAIRNESS_EXPLORER_TRUSTED_TYPES": "numpy.clip,*"})


def test_model_policy_checks_its_values() -> None:
    """A policy refuses a text flag and type names that are not dotted names."""
    with pytest.raises(InvalidInputError, match="allow_pickle must be True or False"):
        ModelPolicy(allow_pickle="false")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="must be a tuple of type names"):
        ModelPolicy(trusted_types="numpy.clip")  # type: ignore[arg-type]
    assert ModelPolicy(trusted_types=["numpy.clip"]).trusted_types == ("numpy.clip",)  # type: ignore[arg-type]
