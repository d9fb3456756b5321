"""The shipped demo scenarios in ``demo_data/``: files, injected disparities, models.

These tests read the committed files; they do not rerun the generator (it takes a few
seconds). Determinism is checked on the frame builders in ``demo_data/generate.py``.
"""

import importlib.util
import io
import json
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

import numpy as np
import onnxruntime as ort
import pandas as pd
import pytest
import skops.io as sio
from scipy.stats import fisher_exact

ROOT = Path(__file__).resolve().parents[3]
DEMO = ROOT / "demo_data"
KEYS = {
    "name",
    "title",
    "description",
    "train",
    "test",
    "model",
    "onnx_model",
    "target",
    "positive_label",
    "score",
    "prediction",
    "threshold",
    "protected",
    "features",
    "id_column",
}
# skops types outside its default trust list: none, so the app loads the demo models
# without an operator allow-list (see "Model files" in demo_data/README.md).
EXPECTED_UNTRUSTED: dict[str, list[str]] = {"loan": [], "resume": [], "credit": []}
# Digit-only codes that must stay strings (pandas would parse them as integers).
STRING_COLUMNS = {"zip_code": str}


def _entries() -> list[dict]:
    return json.loads((DEMO / "scenarios.json").read_text(encoding="utf-8"))


ENTRIES = {entry["name"]: entry for entry in _entries()}
NAMES = ["loan", "resume", "credit"]


@cache
def _read(name: str, split: str) -> pd.DataFrame:
    return pd.read_csv(DEMO / ENTRIES[name][split], dtype=STRING_COLUMNS)


def _test(name: str) -> pd.DataFrame:
    return _read(name, "test").copy()


@cache
def _model(name: str):
    path = DEMO / ENTRIES[name]["model"]
    return sio.load(path, trusted=sio.get_untrusted_types(file=path))


@cache
def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("demo_data_generate", DEMO / "generate.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _rate(values: pd.Series) -> float:
    return float(values.mean())


# --- (a) files and basic shape ---------------------------------------------------------


def test_scenarios_json_lists_the_three_scenarios_with_exact_keys():
    entries = _entries()
    assert [e["name"] for e in entries] == NAMES
    for entry in entries:
        assert set(entry) == KEYS
        assert entry["positive_label"] == 1
        assert entry["score"] == "score"
        assert entry["prediction"] == "prediction"
        assert entry["threshold"] == 0.5
        assert entry["id_column"] not in entry["features"]


@pytest.mark.parametrize("name", NAMES)
def test_listed_files_exist(name):
    entry = ENTRIES[name]
    for key in ("train", "test", "model", "onnx_model"):
        if entry[key] is not None:
            assert (DEMO / entry[key]).is_file(), entry[key]


@pytest.mark.parametrize("name", NAMES)
def test_csv_columns_and_values(name):
    entry = ENTRIES[name]
    train, test = _read(name, "train"), _test(name)
    assert list(test.columns) == [*train.columns, "score", "prediction"]
    assert 5000 <= len(train) <= 10000
    assert 2000 <= len(test) <= 6000
    assert len(train) + len(test) <= 50_000
    needed = {entry["target"], entry["id_column"], *entry["protected"], *entry["features"]}
    assert needed <= set(train.columns)
    for frame in (train, test):
        assert set(frame[entry["target"]].unique()) == {0, 1}
        assert frame[entry["id_column"]].is_unique
        assert pd.api.types.is_integer_dtype(frame["age"])
        assert frame["age"].between(18, 80).all()
    assert not set(train[entry["id_column"]]) & set(test[entry["id_column"]])
    for column in entry["protected"]:
        if column != "age":
            assert pd.api.types.is_string_dtype(test[column]), column


@pytest.mark.parametrize("name", NAMES)
def test_score_and_prediction_are_consistent(name):
    entry = ENTRIES[name]
    test = _test(name)
    score, prediction = test[entry["score"]], test[entry["prediction"]]
    assert score.between(0, 1).all()
    assert set(prediction.unique()) == {0, 1}
    assert (prediction == (score >= entry["threshold"]).astype(int)).all()
    assert (score.round(6) == score).all()


# --- (b) the injected disparities are visible in the shipped files ---------------------


def test_loan_black_applicants_below_four_fifths_of_white():
    test = _test("loan")
    selected = test.groupby("race")["prediction"].mean()
    assert selected["Black"] / selected["White"] < 0.8
    # ...although they repay about as often.
    base = test.groupby("race")["repaid"].mean()
    assert abs(base["Black"] - base["White"]) < 0.05


def test_loan_zip_code_is_a_proxy_for_race():
    for split in ("train", "test"):
        frame = _read("loan", split).dropna(subset=["race"])
        majority = frame.groupby("zip_code")["race"].agg(lambda s: s.value_counts().index[0])
        accuracy = (frame["zip_code"].map(majority) == frame["race"]).mean()
        assert accuracy > 0.8, split
        assert 20 <= frame["zip_code"].nunique() <= 30
        assert frame["zip_code"].str.fullmatch(r"\d{5}").all()
    assert set(frame["race"]) == {"Black", "White", "Hispanic", "Asian"}


def test_loan_women_selected_less_despite_similar_repayment():
    test = _test("loan")
    women, men = test[test["gender"] == "female"], test[test["gender"] == "male"]
    assert _rate(women["prediction"]) < _rate(men["prediction"]) - 0.05
    assert abs(_rate(women["repaid"]) - _rate(men["repaid"])) < 0.03
    assert 0.45 < len(women) / len(test) < 0.55


def test_loan_has_missing_race_and_missing_employment_years():
    test, train = _test("loan"), _read("loan", "train")
    assert 0.005 < test["race"].isna().mean() < 0.02
    assert train["race"].notna().all()
    assert test["employment_years"].isna().any()
    assert train["employment_years"].isna().any()


def test_loan_model_depends_directly_on_gender():
    entry = ENTRIES["loan"]
    test = _test("loan")
    women = test[test["gender"] == "female"]
    flipped = women[entry["features"]].assign(gender="male")
    delta = _model("loan").predict_proba(flipped)[:, 1] - women["score"].to_numpy()
    assert (delta > 0).all()
    assert delta.mean() > 0.05
    assert "race" not in entry["features"]
    assert "applicant_id" not in entry["features"]
    assert {"zip_code", "gender"} <= set(entry["features"])


def test_resume_qualified_women_are_shortlisted_less_often():
    test = _test("resume")
    qualified = test[test["qualified"] == 1]
    tpr = qualified.groupby("gender")["prediction"].mean()
    assert tpr["female"] < tpr["male"] - 0.08
    share = test["gender"].value_counts(normalize=True)
    assert 0.015 < share["non-binary"] < 0.05
    # The model does not see gender; the career-gap proxy carries it.
    assert "gender" not in ENTRIES["resume"]["features"]
    gap = test.groupby("gender")["employment_gap_years"].mean()
    assert gap["female"] > 2 * gap["male"]


def test_credit_young_applicants_get_lower_scores():
    test = _test("credit")
    young = test["age"] < 25
    assert young.mean() > 0.1
    assert test.loc[young, "score"].mean() < test.loc[~young, "score"].mean() - 0.1
    ratio = _rate(test.loc[young, "prediction"]) / _rate(test.loc[~young, "prediction"])
    assert ratio < 0.8


def test_credit_minority_group_is_small_and_its_gap_is_not_significant():
    test = _test("credit")
    minority = test["nationality"] == "non_EU"
    assert 30 <= minority.sum() < 60
    assert set(test["nationality"]) == {"domestic", "EU", "non_EU"}
    wrong = test["prediction"] != test["good_credit"]
    assert wrong[minority].mean() > wrong[~minority].mean()
    table = [
        [int(wrong[minority].sum()), int((~wrong[minority]).sum())],
        [int(wrong[~minority].sum()), int((~wrong[~minority]).sum())],
    ]
    assert fisher_exact(table).pvalue > 0.05
    # Too few positives and negatives for metrics that need 30 rows of each.
    assert test.loc[minority, "good_credit"].sum() < 30
    assert (test.loc[minority, "good_credit"] == 0).sum() < 30


# --- (c) skops models ------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_skops_model_has_only_documented_untrusted_types(name):
    path = DEMO / ENTRIES[name]["model"]
    assert sio.get_untrusted_types(file=path) == EXPECTED_UNTRUSTED[name]
    sio.load(path, trusted=EXPECTED_UNTRUSTED[name])


@pytest.mark.parametrize("name", NAMES)
def test_skops_model_reproduces_score(name):
    entry = ENTRIES[name]
    model = _model(name)
    assert list(model.feature_names_in_) == entry["features"]
    test = _test(name)
    score = model.predict_proba(test[entry["features"]])[:, 1]
    np.testing.assert_allclose(score, test["score"], atol=1e-6, rtol=0)


def test_loan_model_fills_missing_employment_years_with_the_training_mean():
    model = _model("loan")
    imputer = model.named_steps["preprocess"].named_transformers_["imputed"]["impute"]
    train = _read("loan", "train")
    filled = imputer.transform(
        pd.DataFrame({"employment_years": [np.nan], "credit_history_years": [10.0]})
    )
    assert filled[0, 0] == pytest.approx(train["employment_years"].mean(), abs=1e-9)
    assert filled[0, 1] == 10.0


# --- (d) ONNX models -------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_onnx_model_reproduces_score(name):
    entry = ENTRIES[name]
    if entry["onnx_model"] is None:
        pytest.skip("no ONNX model")
    session = ort.InferenceSession(
        str(DEMO / entry["onnx_model"]), providers=["CPUExecutionProvider"]
    )
    inputs = session.get_inputs()
    assert [i.name for i in inputs] == entry["features"]
    test = _test(name)
    feeds = {}
    for spec in inputs:
        column = test[spec.name]
        assert spec.shape[1] == 1
        if spec.type == "tensor(string)":
            feeds[spec.name] = column.astype(str).to_numpy(dtype=object).reshape(-1, 1)
        else:
            assert spec.type == "tensor(float)"
            feeds[spec.name] = column.to_numpy(dtype=np.float32).reshape(-1, 1)
    assert [o.name for o in session.get_outputs()] == ["label", "probabilities"]
    _, probabilities = session.run(None, feeds)
    np.testing.assert_allclose(probabilities[:, 1], test["score"], atol=1e-4, rtol=0)


def test_loan_onnx_types_strings_and_floats():
    session = ort.InferenceSession(
        str(DEMO / ENTRIES["loan"]["onnx_model"]), providers=["CPUExecutionProvider"]
    )
    types = {i.name: i.type for i in session.get_inputs()}
    assert types["zip_code"] == types["gender"] == "tensor(string)"
    assert types["income"] == types["employment_years"] == "tensor(float)"


# --- (e) the generator is deterministic ------------------------------------------------


@pytest.mark.parametrize("maker", ["make_loan_frame", "make_resume_frame", "make_credit_frame"])
def test_frame_builders_are_deterministic(maker):
    build = getattr(_generator(), maker)
    first, second = build(7, 500), build(7, 500)
    pd.testing.assert_frame_equal(first, second)
    assert first.to_csv(index=False) == second.to_csv(index=False)
    assert not build(8, 500).equals(first)


@pytest.mark.parametrize("name", NAMES)
def test_shipped_rows_match_the_generator(name):
    """train.csv is byte-for-byte what the generator writes; test.csv minus the model columns."""
    generator = _generator()
    scenario = next(s for s in generator.SCENARIOS if s.name == name)
    train, test = scenario.make()
    train_text = train.to_csv(index=False, lineterminator="\n")
    assert train_text == (DEMO / ENTRIES[name]["train"]).read_text(encoding="utf-8")
    regenerated = pd.read_csv(io.StringIO(test.to_csv(index=False)), dtype=STRING_COLUMNS)
    shipped = _test(name).drop(columns=["score", "prediction"])
    pd.testing.assert_frame_equal(regenerated, shipped)
