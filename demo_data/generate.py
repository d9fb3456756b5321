"""Generate the three synthetic demo audit scenarios shipped in ``demo_data/``.

Run from the repository root::

    .venv/bin/python demo_data/generate.py

For each scenario (``loan``, ``resume``, ``credit``) this writes ``train.csv``, ``test.csv``
(with the model's ``score`` and ``prediction``), ``model.skops`` and ``model.onnx`` into
``demo_data/<scenario>/`` and refreshes ``demo_data/scenarios.json``. All randomness comes
from fixed seeds, so rerunning gives byte-identical CSVs. The disparities described in
``demo_data/README.md`` are injected on purpose; everything here is synthetic and no row
describes a real person or a real neighbourhood.

The ``make_*_frame`` functions are importable (see ``tests/core/test_demo_data.py``); the
module is a script, not a package, so load it with ``importlib`` from its path.
"""

import hashlib
import io
import json
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pandas as pd
import skops.io as sio
from scipy.stats import fisher_exact
from sklearn.compose import ColumnTransformer
from sklearn.impute import KNNImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

HERE = Path(__file__).resolve().parent
THRESHOLD = 0.5
N_TRAIN = 8000
N_TEST = 4000
ONNX_OPSETS = {"": 18, "ai.onnx.ml": 3}


def _logistic(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def _ids(prefix: str, start: int, n: int) -> list[str]:
    return [f"{prefix}{i:05d}" for i in range(start, start + n)]


# --------------------------------------------------------------------------------------
# Loan approval
# --------------------------------------------------------------------------------------

LOAN_RACES = ("White", "Black", "Hispanic", "Asian")
# Weight of each race among the residents who are NOT of the zip's dominant race.
_LOAN_RACE_MIX = np.array([0.50, 0.25, 0.17, 0.08])
# Historical (train-only) label penalty, in log-odds, by the zip's dominant race: the
# recorded outcome of loans from these neighbourhoods was worse than the borrowers'
# true repayment behaviour (harsher pricing and collection practices at the time).
_LOAN_ZIP_PENALTY = {"White": 0.0, "Black": 1.5, "Hispanic": 0.6, "Asian": 0.0}
_LOAN_FEMALE_PENALTY = 0.6


def _loan_geography() -> pd.DataFrame:
    """A fictional city: 24 zip codes, each dominated by one race (fixed, seed-independent)."""
    rng = np.random.default_rng(20240611)
    codes = sorted(rng.choice(np.arange(47101, 47199), size=24, replace=False))
    dominant = np.array(["White"] * 12 + ["Black"] * 6 + ["Hispanic"] * 4 + ["Asian"] * 2)
    rng.shuffle(dominant)
    return pd.DataFrame(
        {
            "zip_code": [str(c) for c in codes],
            "dominant_race": dominant,
            "dominant_share": rng.uniform(0.80, 0.93, size=24),
            "population": rng.uniform(0.6, 1.4, size=24),
        }
    )


LOAN_GEOGRAPHY = _loan_geography()


def make_loan_frame(
    seed: int, n: int, *, historical: bool = False, id_start: int = 1
) -> pd.DataFrame:
    """Loan applicants with the outcome ``repaid`` (1 = repaid).

    ``historical=True`` draws the biased labels used for training: outcomes recorded for
    women and for residents of Black- and Hispanic-majority zip codes are worse than their
    true repayment behaviour. ``historical=False`` gives the true outcomes (test set).
    """
    rng = np.random.default_rng(seed)
    geo = LOAN_GEOGRAPHY
    zi = rng.choice(len(geo), size=n, p=(geo.population / geo.population.sum()).to_numpy())
    dom = geo.dominant_race.to_numpy()[zi]
    share = geo.dominant_share.to_numpy()[zi]
    races = np.array(LOAN_RACES)
    race = dom.copy()
    other = rng.random(n) >= share
    for i in np.flatnonzero(other):
        mix = np.where(races == dom[i], 0.0, _LOAN_RACE_MIX)
        race[i] = races[rng.choice(4, p=mix / mix.sum())]
    female = rng.random(n) < 0.5
    age = np.clip(np.round(18 + rng.gamma(3.2, 7.5, size=n)), 18, 80).astype(int)

    race_income = pd.Series(race).map(
        {"White": 0.0, "Black": -0.10, "Hispanic": -0.08, "Asian": 0.06}
    )
    log_income = (
        np.log(62000)
        + 0.35 * (1 - ((age - 50) / 30) ** 2)
        - 0.15
        + race_income.to_numpy()
        - 0.06 * female
        + rng.normal(0, 0.45, size=n)
    )
    income = np.clip(np.round(np.exp(log_income), -2), 12000, 450000).astype(int)
    dti = np.clip(np.round(rng.beta(2.2, 6.0, size=n), 3), 0.01, 0.75)
    history = np.round((age - 18) * rng.beta(4.0, 2.5, size=n), 1)
    employment = np.round((age - 18) * rng.beta(2.0, 3.0, size=n), 1)
    loan = np.exp(np.log(12000) + 0.4 * np.log(income / 62000) + rng.normal(0, 0.6, size=n))
    loan = np.clip(np.round(loan / 250) * 250, 1000, 75000).astype(int)

    logit = (
        1.15
        + 1.4 * np.log(income / 62000)
        - 7.0 * (dti - 0.27)
        + 0.05 * (history - 12)
        + 0.04 * (employment - 8)
        - 0.8 * np.log(loan / 12000)
    )
    if historical:
        logit = logit - pd.Series(dom).map(_LOAN_ZIP_PENALTY).to_numpy()
        logit = logit - _LOAN_FEMALE_PENALTY * female
    repaid = (rng.random(n) < _logistic(logit)).astype(int)

    # Self-employed applicants often leave "years employed" blank (~2%).
    employment_reported = np.where(rng.random(n) < 0.02, np.nan, employment)
    return pd.DataFrame(
        {
            "applicant_id": _ids("L", id_start, n),
            "gender": np.where(female, "female", "male"),
            "race": race,
            "age": age,
            "zip_code": geo.zip_code.to_numpy()[zi],
            "income": income,
            "debt_to_income": dti,
            "credit_history_years": history,
            "loan_amount": loan,
            "employment_years": employment_reported,
            "repaid": repaid,
        }
    )


def _loan_train_test() -> tuple[pd.DataFrame, pd.DataFrame]:
    train = make_loan_frame(101, N_TRAIN, historical=True)
    test = make_loan_frame(202, N_TEST, historical=False, id_start=N_TRAIN + 1)
    # ~1% of test applicants did not state their race: empty cells, "(missing)" in the app.
    missing = np.random.default_rng(303).random(len(test)) < 0.01
    test["race"] = test["race"].astype(object).where(~missing, None)
    return train, test


# --------------------------------------------------------------------------------------
# Resume screening
# --------------------------------------------------------------------------------------

_RESUME_GAP_PENALTY = 1.5  # historical screeners' penalty per year of career gap (log-odds)


def make_resume_frame(
    seed: int, n: int, *, historical: bool = False, id_start: int = 1
) -> pd.DataFrame:
    """Candidates with the outcome ``qualified`` (1 = qualified).

    ``historical=True`` draws the labels of past screening decisions (training data),
    which penalised employment gaps; ``historical=False`` gives the qualification found by
    a structured skills assessment that ignores gaps (test set).
    """
    rng = np.random.default_rng(seed)
    gender = rng.choice(["female", "male", "non-binary"], size=n, p=[0.47, 0.50, 0.03])
    age = np.clip(np.round(22 + rng.gamma(2.2, 6.0, size=n)), 21, 65).astype(int)
    tier = rng.choice(["tier_1", "tier_2", "tier_3"], size=n, p=[0.15, 0.40, 0.45])
    p_gap = pd.Series(gender).map({"female": 0.42, "male": 0.12, "non-binary": 0.20})
    has_gap = rng.random(n) < p_gap.to_numpy()
    career = np.maximum(age - 22, 0).astype(float)
    gap = np.where(has_gap, np.clip(rng.gamma(1.6, 0.9, size=n), 0.3, 8.0), 0.0)
    gap = np.round(np.minimum(gap, career), 1)
    experience = np.round(np.maximum(career - gap - rng.uniform(0, 1.5, size=n), 0), 1)
    tier_bonus = pd.Series(tier).map({"tier_1": 8.0, "tier_2": 3.0, "tier_3": 0.0}).to_numpy()
    skills = np.clip(np.round(rng.normal(60 + tier_bonus, 14)), 0, 100).astype(int)
    interview = np.round(np.clip(rng.normal(3.3 + 0.015 * (skills - 62), 0.7), 1.0, 5.0), 1)

    tier_effect = pd.Series(tier).map({"tier_1": 0.3, "tier_2": 0.1, "tier_3": 0.0})
    logit = (
        -0.55
        + 0.07 * (skills - 62)
        + 1.3 * (interview - 3.3)
        + 0.09 * np.minimum(experience, 15)
        - 0.45
        + tier_effect.to_numpy()
    )
    if historical:
        logit = logit - _RESUME_GAP_PENALTY * gap
    qualified = (rng.random(n) < _logistic(logit)).astype(int)
    return pd.DataFrame(
        {
            "candidate_id": _ids("R", id_start, n),
            "gender": gender,
            "university_tier": tier,
            "age": age,
            "years_experience": experience,
            "skills_score": skills,
            "interview_score": interview,
            "employment_gap_years": gap,
            "qualified": qualified,
        }
    )


def _resume_train_test() -> tuple[pd.DataFrame, pd.DataFrame]:
    train = make_resume_frame(111, N_TRAIN, historical=True)
    test = make_resume_frame(222, N_TEST, historical=False, id_start=N_TRAIN + 1)
    return train, test


# --------------------------------------------------------------------------------------
# Credit scoring
# --------------------------------------------------------------------------------------


def make_credit_frame(seed: int, n: int, *, id_start: int = 1) -> pd.DataFrame:
    """Customers with the outcome ``good_credit`` (1 = good).

    Young customers (< 25) have lower incomes, savings and job tenure and a somewhat lower
    true rate of good credit; the model also takes ``age`` directly. For the small
    ``non_EU`` group the outcome is much less predictable from the features (their
    credit history abroad is invisible), so the model errs more often on them.
    """
    rng = np.random.default_rng(seed)
    nationality = rng.choice(["domestic", "EU", "non_EU"], size=n, p=[0.871, 0.12, 0.009])
    female = rng.random(n) < 0.48
    age = np.clip(np.round(18 + rng.gamma(2.0, 9.0, size=n)), 18, 75).astype(int)
    months = np.minimum((age - 18) * 12, np.round(rng.gamma(1.5, 40.0, size=n))).astype(int)
    log_income = (
        np.log(36000)
        + 0.45 * (1 - ((age - 48) / 30) ** 2)
        - 0.2
        - 0.05 * female
        + rng.normal(0, 0.4, size=n)
    )
    income = np.clip(np.round(np.exp(log_income), -2), 9000, 250000).astype(int)
    has_savings = rng.random(n) < np.clip(0.55 + 0.01 * (age - 25), 0.4, 0.9)
    savings = np.exp(np.log(6000) + 0.9 * np.log(income / 36000) + rng.normal(0, 1.0, size=n))
    savings = np.where(has_savings, np.round(savings / 50) * 50, 0).astype(int)
    existing = np.clip(rng.poisson(0.8, size=n), 0, 5)
    amount = np.exp(np.log(5000) + 0.3 * np.log(income / 36000) + rng.normal(0, 0.7, size=n))
    amount = np.clip(np.round(amount, -2), 500, 40000).astype(int)

    logit = (
        0.45
        + 1.6 * np.log(income / 36000)
        + 0.45 * np.log1p(savings / 1000)
        - 0.6 * existing
        + 0.012 * np.minimum(months, 120)
        - 0.9 * np.log(amount / 5000)
        - 0.9 * (age < 25)
    )
    # Non-EU customers: the features explain far less of their outcome.
    non_eu = nationality == "non_EU"
    logit = np.where(non_eu, logit + rng.normal(0.0, 0.9, size=n), logit)
    good = (rng.random(n) < _logistic(logit)).astype(int)
    return pd.DataFrame(
        {
            "customer_id": _ids("C", id_start, n),
            "age": age,
            "sex": np.where(female, "female", "male"),
            "nationality": nationality,
            "income": income,
            "savings": savings,
            "existing_loans": existing,
            "months_employed": months,
            "credit_amount": amount,
            "good_credit": good,
        }
    )


def _credit_train_test() -> tuple[pd.DataFrame, pd.DataFrame]:
    train = make_credit_frame(121, N_TRAIN)
    test = make_credit_frame(242, N_TEST, id_start=N_TRAIN + 1)
    return train, test


# --------------------------------------------------------------------------------------
# Scenario table, model building, writing
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    description: str
    id_column: str
    target: str
    protected: tuple[str, ...]
    categorical: tuple[str, ...]  # string features, one-hot encoded
    numeric: tuple[str, ...]  # numeric features, standardised
    imputed: tuple[str, ...]  # numeric features with gaps (+ a complete one): mean-imputed
    make: Callable[[], tuple[pd.DataFrame, pd.DataFrame]]

    @property
    def features(self) -> list[str]:
        return [*self.categorical, *self.imputed, *self.numeric]


SCENARIOS = (
    Scenario(
        name="loan",
        title="Loan approval",
        description=(
            "A bank uses a model to approve personal loans. You have a later group of "
            "applicants with the model's score and decision, whether each of them really "
            "repaid, and their gender, race and age. How does the model treat each group?"
        ),
        id_column="applicant_id",
        target="repaid",
        protected=("gender", "race", "age"),
        categorical=("zip_code", "gender"),
        numeric=("income", "debt_to_income", "loan_amount"),
        imputed=("employment_years", "credit_history_years"),
        make=_loan_train_test,
    ),
    Scenario(
        name="resume",
        title="Resume screening",
        description=(
            "A company uses a model, trained on its screeners' past decisions, to shortlist job "
            "candidates for interviews. You have a new round of candidates with the model's "
            "decision, whether a structured skills assessment rated them qualified, and their "
            "gender and age. How does the model treat each group?"
        ),
        id_column="candidate_id",
        target="qualified",
        protected=("gender", "age"),
        categorical=("university_tier",),
        numeric=(
            "years_experience",
            "skills_score",
            "interview_score",
            "employment_gap_years",
        ),
        imputed=(),
        make=_resume_train_test,
    ),
    Scenario(
        name="credit",
        title="Credit scoring",
        description=(
            "A lender uses a model to rate the creditworthiness of consumer-credit applicants. "
            "You have applicants with the model's score and decision, whether they repaid as "
            "agreed, and their age, sex and nationality. How does the model treat each group?"
        ),
        id_column="customer_id",
        target="good_credit",
        protected=("age", "sex", "nationality"),
        categorical=(),
        numeric=(
            "age",
            "income",
            "savings",
            "existing_loans",
            "months_employed",
            "credit_amount",
        ),
        imputed=(),
        make=_credit_train_test,
    ),
)


def build_pipeline(scenario: Scenario, n_train: int) -> Pipeline:
    """Preprocessing + logistic regression, built only from types skops trusts by default.

    Missing numbers are filled with the training mean by a ``KNNImputer`` whose
    ``n_neighbors`` covers every training row: with uniform weights that is exactly mean
    imputation. ``SimpleImputer`` would be the obvious choice, but its fitted state keeps
    ``numpy.dtype`` objects, which skops does not trust by default, so the app would refuse
    the file. (skl2onnx fails on a one-column KNNImputer, hence a second, complete column
    in that block.) ``n_train`` must be the number of rows the pipeline is fitted on.
    """
    parts: list[tuple[str, object, list[str]]] = []
    if scenario.categorical:
        parts.append(
            ("categorical", OneHotEncoder(handle_unknown="ignore"), list(scenario.categorical))
        )
    if scenario.imputed:
        imputed = Pipeline(
            [("impute", KNNImputer(n_neighbors=n_train)), ("scale", StandardScaler())]
        )
        parts.append(("imputed", imputed, list(scenario.imputed)))
    parts.append(("numeric", StandardScaler(), list(scenario.numeric)))
    return Pipeline(
        [
            ("preprocess", ColumnTransformer(parts)),
            ("classifier", LogisticRegression(C=1.0, max_iter=2000)),
        ]
    )


def score_frame(model: Pipeline, frame: pd.DataFrame, features: list[str]) -> pd.DataFrame:
    """Return ``frame`` with ``score`` (6 decimals) and ``prediction`` (score >= 0.5)."""
    out = frame.copy()
    score = np.round(model.predict_proba(frame[features])[:, 1], 6)
    out["score"] = score
    out["prediction"] = (score >= THRESHOLD).astype(int)
    return out


def to_onnx(model: Pipeline, scenario: Scenario) -> bytes:
    """One named input per raw feature: strings as string tensors, numbers as float32."""
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import FloatTensorType, StringTensorType

    initial_types = [
        (c, StringTensorType([None, 1]))
        if c in scenario.categorical
        else (c, FloatTensorType([None, 1]))
        for c in scenario.features
    ]
    onx = convert_sklearn(
        model,
        name=f"fairness_explorer_demo_{scenario.name}",
        initial_types=initial_types,
        options={id(model.named_steps["classifier"]): {"zipmap": False}},
        target_opset=ONNX_OPSETS,
    )
    # skl2onnx lists opset imports (of the model and of its local functions) and the local
    # functions in no fixed order; sort them so reruns write identical files.
    for holder in (onx, *onx.functions):
        imports = sorted((o.domain, o.version) for o in holder.opset_import)
        del holder.opset_import[:]
        for domain, version in imports:
            holder.opset_import.add(domain=domain, version=version)
    functions = sorted(onx.functions, key=lambda f: (f.domain, f.name, f.SerializeToString()))
    copies = [type(f)() for f in functions]
    for copy, function in zip(copies, functions, strict=True):
        copy.CopyFrom(function)
    del onx.functions[:]
    onx.functions.extend(copies)
    return onx.SerializeToString()


def onnx_feeds(frame: pd.DataFrame, scenario: Scenario) -> dict[str, np.ndarray]:
    feeds: dict[str, np.ndarray] = {}
    for c in scenario.features:
        column = frame[c]
        if c in scenario.categorical:
            feeds[c] = column.astype(str).to_numpy(dtype=object).reshape(-1, 1)
        else:
            feeds[c] = column.to_numpy(dtype=np.float32).reshape(-1, 1)
    return feeds


def onnx_scores(onnx_bytes: bytes, frame: pd.DataFrame, scenario: Scenario) -> np.ndarray:
    session = ort.InferenceSession(onnx_bytes, providers=["CPUExecutionProvider"])
    _, probabilities = session.run(None, onnx_feeds(frame, scenario))
    return np.asarray(probabilities)[:, 1]


def scenario_entry(scenario: Scenario) -> dict[str, object]:
    return {
        "name": scenario.name,
        "title": scenario.title,
        "description": scenario.description,
        "train": f"{scenario.name}/train.csv",
        "test": f"{scenario.name}/test.csv",
        "model": f"{scenario.name}/model.skops",
        "onnx_model": f"{scenario.name}/model.onnx",
        "target": scenario.target,
        "positive_label": 1,
        "score": "score",
        "prediction": "prediction",
        "threshold": THRESHOLD,
        "protected": list(scenario.protected),
        "features": scenario.features,
        "id_column": scenario.id_column,
    }


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, lineterminator="\n")


def skops_fingerprint(data: bytes) -> str:
    """Hash of a skops file that ignores what changes between identical dumps.

    skops names its entries after Python object ids and stamps the zip with the current
    time, so two dumps of the same model differ byte-wise; renumber the ids in order of
    appearance and hash the array files by content instead.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        ids: dict[object, int] = {}

        def canonical(node: object) -> object:
            if isinstance(node, dict):
                out: dict[str, object] = {}
                for key, value in node.items():
                    if key == "__id__":
                        out[key] = ids.setdefault(value, len(ids))
                    elif key == "file":
                        out[key] = hashlib.sha256(archive.read(value)).hexdigest()
                    else:
                        out[key] = canonical(value)
                return out
            if isinstance(node, list):
                return [canonical(value) for value in node]
            return node

        schema = canonical(json.loads(archive.read("schema.json")))
    return hashlib.sha256(json.dumps(schema, sort_keys=True).encode()).hexdigest()


def _write_skops(model: Pipeline, path: Path) -> None:
    """Dump ``model``, keeping an existing file that holds the same model (no git churn)."""
    data = sio.dumps(model)
    if path.exists() and skops_fingerprint(path.read_bytes()) == skops_fingerprint(data):
        return
    path.write_bytes(data)


def build_scenario(
    scenario: Scenario, root: Path = HERE
) -> tuple[pd.DataFrame, pd.DataFrame, Pipeline]:
    """Fit, score and write one scenario; returns (train, scored test, fitted model)."""
    out_dir = root / scenario.name
    out_dir.mkdir(parents=True, exist_ok=True)
    train, test = scenario.make()
    model = build_pipeline(scenario, len(train))
    model.fit(train[scenario.features], train[scenario.target])
    scored = score_frame(model, test, scenario.features)
    _write_csv(train, out_dir / "train.csv")
    _write_csv(scored, out_dir / "test.csv")

    model_path = out_dir / "model.skops"
    _write_skops(model, model_path)
    untrusted = sio.get_untrusted_types(file=model_path)
    if untrusted:  # the app refuses these unless its operator allow-lists them
        raise AssertionError(f"{scenario.name}: skops reports untrusted types {untrusted}")
    loaded = sio.load(model_path)
    reloaded = loaded.predict_proba(scored[scenario.features])[:, 1]
    np.testing.assert_allclose(reloaded, scored["score"], atol=1e-6)

    onnx_bytes = to_onnx(model, scenario)
    (out_dir / "model.onnx").write_bytes(onnx_bytes)
    diff = np.abs(onnx_scores(onnx_bytes, scored, scenario) - scored["score"].to_numpy())
    if diff.max() > 1e-5:
        raise AssertionError(f"{scenario.name}: ONNX scores differ by up to {diff.max():.2e}")
    print(
        f"{scenario.name}: train={len(train)} test={len(scored)} "
        f"untrusted skops types={untrusted} max |onnx - sklearn|={diff.max():.1e}"
    )
    return train, scored, model


# --------------------------------------------------------------------------------------
# Summary of the injected disparities (printed; the numbers are quoted in README.md)
# --------------------------------------------------------------------------------------


def group_table(frame: pd.DataFrame, group: pd.Series, target: str) -> pd.DataFrame:
    """Per-group size, base rate, selection rate, TPR, FPR and error rate."""
    rows = []
    labels = group.astype(object).where(group.notna(), "(missing)")
    order = [v for v in AGE_BANDS if v in set(labels)] or sorted(set(labels))
    for value in order:
        part = frame[labels == value]
        y, p = part[target], part["prediction"]
        rows.append(
            {
                "group": value,
                "n": len(part),
                "base_rate": y.mean(),
                "selection_rate": p.mean(),
                "tpr": p[y == 1].mean(),
                "fpr": p[y == 0].mean(),
                "error_rate": (p != y).mean(),
                "mean_score": part["score"].mean(),
                "n_pos": int((y == 1).sum()),
                "n_neg": int((y == 0).sum()),
            }
        )
    return pd.DataFrame(rows).set_index("group")


AGE_BANDS = ("under 25", "25–34", "35–44", "45–54", "55–64", "65 and over")


def age_bands(age: pd.Series) -> pd.Series:
    """The app's default age bands (edges 25, 35, 45, 55, 65)."""
    edges = [-np.inf, 25, 35, 45, 55, 65, np.inf]
    return pd.cut(age, edges, right=False, labels=list(AGE_BANDS)).astype(object)


def zip_race_accuracy(frame: pd.DataFrame) -> float:
    """Share of rows whose race equals the most common race of their zip code."""
    known = frame[frame["race"].notna()]
    majority = known.groupby("zip_code")["race"].agg(lambda s: s.value_counts().index[0])
    return float((known["zip_code"].map(majority) == known["race"]).mean())


def wilson_interval(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson score interval for a proportion."""
    if n == 0:
        return (float("nan"), float("nan"))
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (float(centre - half), float(centre + half))


def raw_coefficients(model: Pipeline) -> pd.Series:
    """Log-odds coefficients per output column; scaled numeric ones per raw unit."""
    prep = model.named_steps["preprocess"]
    coef = pd.Series(model.named_steps["classifier"].coef_[0], index=prep.get_feature_names_out())
    for name, transformer, columns in prep.transformers_:
        scaler = transformer[-1] if isinstance(transformer, Pipeline) else transformer
        if isinstance(scaler, StandardScaler):
            for column, scale in zip(columns, scaler.scale_, strict=True):
                coef[f"{name}__{column}"] /= scale
    return coef


def summarise(scenario: Scenario, train: pd.DataFrame, scored: pd.DataFrame, model) -> None:
    """Print the per-group numbers quoted in README.md."""
    target = scenario.target
    auc = roc_auc_score(scored[target], scored["score"])
    print(f"\n=== {scenario.name}: test set n={len(scored)}, AUC={auc:.3f} ===")
    for col in scenario.protected:
        test_group = age_bands(scored[col]) if col == "age" else scored[col]
        table = group_table(scored, test_group, target)
        train_group = age_bands(train[col]) if col == "age" else train[col]
        table.insert(2, "train_base_rate", train.groupby(train_group)[target].mean())
        print(f"-- by {col}")
        print(table.round(3).to_string())
    coef = raw_coefficients(model)
    if scenario.name == "loan":
        zips = LOAN_GEOGRAPHY.set_index("zip_code")["dominant_race"]
        zip_coef = coef.filter(like="zip_code_").rename(lambda c: c.rsplit("_", 1)[-1])
        by_race = zip_coef.groupby(zips.reindex(zip_coef.index)).mean().round(2).to_dict()
        gender_gap = coef["categorical__gender_male"] - coef["categorical__gender_female"]
        print(f"model log-odds: mean zip_code coefficient by the zip's majority race {by_race}")
        print(f"model log-odds: male minus female {gender_gap:+.3f}")
    if scenario.name == "resume":
        gap = coef["numeric__employment_gap_years"]
        print(f"model log-odds per employment-gap year {gap:+.3f} (odds x{np.exp(gap):.2f})")
    if scenario.name == "credit":
        age = coef["numeric__age"]
        print(f"model log-odds per 10 years of age {10 * age:+.3f}")

    if scenario.name == "loan":
        rates = group_table(scored, scored["race"], target)["selection_rate"]
        ratio = float(rates["Black"]) / float(rates["White"])
        print(f"Black/White selection-rate ratio: {ratio:.3f}")
        print(f"zip_code -> race majority lookup accuracy (test): {zip_race_accuracy(scored):.3f}")
        women = scored[scored["gender"] == "female"]
        flipped = women[scenario.features].assign(gender="male")
        delta = model.predict_proba(flipped)[:, 1] - women["score"].to_numpy()
        crossed = ((women["score"] < THRESHOLD) & (women["score"] + delta >= THRESHOLD)).mean()
        print(
            f"gender flip female->male: mean score change {delta.mean():+.3f} "
            f"(range {delta.min():+.3f} to {delta.max():+.3f}); "
            f"{crossed:.1%} of women would cross the threshold"
        )
        print(
            f"missing in test: race {scored['race'].isna().sum()}, "
            f"employment_years {scored['employment_years'].isna().sum()}; "
            f"train: employment_years {train['employment_years'].isna().sum()}"
        )

    if scenario.name == "credit":
        young = scored[scored["age"] < 25]
        older = young[scenario.features].assign(age=35)
        delta = model.predict_proba(older)[:, 1] - young["score"].to_numpy()
        crossed = ((young["score"] < THRESHOLD) & (young["score"] + delta >= THRESHOLD)).mean()
        print(
            f"under-25s re-scored as age 35: mean score change {delta.mean():+.3f}; "
            f"{crossed:.1%} of them would cross the threshold"
        )
        wrong = scored["prediction"] != scored[target]
        minority = scored["nationality"] == "non_EU"
        for label, mask in (("non_EU", minority), ("others", ~minority)):
            low, high = wilson_interval(int(wrong[mask].sum()), int(mask.sum()))
            print(
                f"error rate {label}: {wrong[mask].mean():.3f} "
                f"(95% CI {low:.3f}-{high:.3f}, n={int(mask.sum())})"
            )
        counts = [
            [int(wrong[minority].sum()), int((~wrong[minority]).sum())],
            [int(wrong[~minority].sum()), int((~wrong[~minority]).sum())],
        ]
        print(f"non_EU vs others error rate: Fisher exact p = {fisher_exact(counts).pvalue:.3f}")
        print(f"non_EU rows in train: {(train['nationality'] == 'non_EU').sum()}")


def main() -> int:
    pd.set_option("display.width", 140)
    entries = []
    for scenario in SCENARIOS:
        train, scored, model = build_scenario(scenario)
        summarise(scenario, train, scored, model)
        entries.append(scenario_entry(scenario))
    text = json.dumps(entries, indent=2) + "\n"
    (HERE / "scenarios.json").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
