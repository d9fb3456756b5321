"""Mitigation: reweighing and fairlearn's reductions, evaluated on the test data."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
import skops.io
from fairlearn.metrics import (
    MetricFrame,
    demographic_parity_difference,
    equal_opportunity_difference,
    equalized_odds_difference,
    false_positive_rate,
    selection_rate,
    true_positive_rate,
)
from fairlearn.reductions import EqualizedOdds, ExponentiatedGradient, GridSearch
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.metrics import accuracy_score, balanced_accuracy_score
from sklearn.neighbors import KNeighborsClassifier

from fairness_core.data import AuditData, check_audit_data, get_demo
from fairness_core.errors import InvalidInputError
from fairness_core.metrics import compute_group_counts
from fairness_core.models import LoadedModel, ModelPolicy, load_model
from fairness_core.tradeoffs import (
    MITIGATION_LABELS,
    CancelledError,
    check_refittable,
    compute_mitigation,
    compute_reweighing_weights,
)
from fairness_core.tradeoffs._mitigation import compute_disparity

# fairlearn 0.15's reductions use pandas idioms that pandas 3 deprecates (setting a missing
# key with .at, upcasting a float Series to bool). They work under pandas 3.x, which the
# lock file pins; pandas 4 would turn them into errors (see the report to the lead).
pytestmark = pytest.mark.filterwarnings("ignore::pandas.errors.Pandas4Warning")

ORIGINAL = MITIGATION_LABELS["original"]
REWEIGHED = MITIGATION_LABELS["reweighing"]
EXPGRAD = MITIGATION_LABELS["exponentiated_gradient"]
GRID = MITIGATION_LABELS["grid_search"]


@pytest.fixture(scope="module")
def loan() -> tuple[LoadedModel, pd.DataFrame, AuditData]:
    """The loan demo: its skops model, its training rows and its validated test audit."""
    demo = get_demo("loan")
    audit = check_audit_data(demo.load_test().frame, demo.roles)
    return demo.load_model(), demo.load_train().frame, audit


@pytest.fixture(scope="module")
def expgrad_run(loan):
    """Reweighing and exponentiated gradient (demographic parity by race), small and fast."""
    model, train, audit = loan
    return compute_mitigation(
        model,
        train,
        audit,
        attributes="race",
        criterion="demographic_parity",
        methods=("reweighing", "exponentiated_gradient"),
        max_iter=8,
        max_train_rows=1_500,
        seed=3,
    )


def _groups(audit: AuditData, name: str) -> np.ndarray:
    column = audit.group(name)
    return np.asarray(column.labels, dtype=object)[column.codes]


# --------------------------------------------------------------------------------------
# Reweighing weights
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(5))
def test_reweighing_weights_match_a_brute_force_count(seed: int) -> None:
    """Each row's weight is P(group)·P(label)/P(group, label), counted row by row."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(5, 60))
    groups = rng.choice(["a", "b", "c"], size=n, p=[0.5, 0.3, 0.2])
    y = rng.integers(0, 2, size=n)
    expected = np.empty(n)
    for i in range(n):
        p_group = sum(g == groups[i] for g in groups) / n
        p_label = sum(v == y[i] for v in y) / n
        p_cell = sum(g == groups[i] and v == y[i] for g, v in zip(groups, y, strict=True)) / n
        expected[i] = p_group * p_label / p_cell
    np.testing.assert_allclose(compute_reweighing_weights(groups, y), expected, rtol=1e-12)


def test_reweighted_data_has_the_same_label_rate_in_every_group() -> None:
    """Weighted, each group's positive rate equals the overall rate; weights sum to n."""
    rng = np.random.default_rng(7)
    groups = rng.choice(["x", "y", "z", "w"], size=500)
    y = (rng.random(500) < np.where(groups == "x", 0.2, 0.7)).astype(int)
    weights = compute_reweighing_weights(groups, y)
    assert weights.sum() == pytest.approx(500)
    overall = y.mean()
    for group in np.unique(groups):
        mask = groups == group
        assert np.average(y[mask], weights=weights[mask]) == pytest.approx(overall)
    assert (weights[(groups == "x") & (y == 1)] > 1).all()  # under-represented cell


def test_reweighing_weights_refuse_missing_values_and_ragged_input() -> None:
    """Missing groups or outcomes, or arrays of different length, get the house message."""
    with pytest.raises(InvalidInputError, match="must not have missing values"):
        compute_reweighing_weights(np.array(["a", None, "b"], dtype=object), np.array([1, 0, 1]))
    with pytest.raises(InvalidInputError, match="one value per row"):
        compute_reweighing_weights(np.array(["a", "b"]), np.array([1, 0, 1]))


# --------------------------------------------------------------------------------------
# The evaluation: every number against fairlearn and scikit-learn
# --------------------------------------------------------------------------------------


def test_points_and_group_table_equal_fairlearn_and_sklearn(loan, expgrad_run) -> None:
    """Accuracy, balanced accuracy, disparity and per-group rates match the library functions."""
    _, _, audit = loan
    result = expgrad_run
    y_true = audit.y_true
    race = _groups(audit, "race")
    assert list(result.points["label"]) == [ORIGINAL, REWEIGHED, EXPGRAD]
    assert list(result.points["kind"]) == ["original", "mitigation", "mitigation"]
    for row in result.points.itertuples():
        y_pred = result.decisions[row.label].to_numpy()
        assert row.accuracy == pytest.approx(accuracy_score(y_true, y_pred), abs=1e-12)
        assert row.balanced_accuracy == pytest.approx(
            balanced_accuracy_score(y_true, y_pred), abs=1e-12
        )
        assert row.disparity == pytest.approx(
            demographic_parity_difference(y_true, y_pred, sensitive_features=race), abs=1e-12
        )
        frame = MetricFrame(
            metrics={
                "selection_rate": selection_rate,
                "true_positive_rate": true_positive_rate,
                "false_positive_rate": false_positive_rate,
                "accuracy": accuracy_score,
            },
            y_true=y_true,
            y_pred=y_pred,
            sensitive_features=pd.Series(race, name="race"),
        ).by_group
        ours = result.by_group[result.by_group["label"] == row.label]
        table = ours.pivot(index="group", columns="metric", values="value")
        pd.testing.assert_frame_equal(
            table.loc[frame.index, list(frame.columns)],
            frame.astype(float),
            check_names=False,
            atol=1e-12,
        )
        counts = ours.drop_duplicates("group").set_index("group")["n"]
        assert counts.to_dict() == pd.Series(race).value_counts().to_dict()


@pytest.mark.parametrize(
    ("criterion", "oracle"),
    [
        ("demographic_parity", demographic_parity_difference),
        ("equal_opportunity", equal_opportunity_difference),
        ("equalized_odds", equalized_odds_difference),
        (
            "equal_accuracy",
            lambda t, p, sensitive_features: MetricFrame(
                metrics=accuracy_score, y_true=t, y_pred=p, sensitive_features=sensitive_features
            ).difference(),
        ),
    ],
)
def test_each_criterion_disparity_equals_fairlearn(loan, criterion, oracle) -> None:
    """The four criteria give fairlearn's between-groups differences on the demo's decisions."""
    _, _, audit = loan
    for name in ("race", "gender"):
        counts = compute_group_counts([audit.group(name)], audit.y_true, audit.y_pred)
        expected = oracle(audit.y_true, audit.y_pred, sensitive_features=_groups(audit, name))
        assert compute_disparity(counts, criterion) == pytest.approx(expected, abs=1e-12)


def test_original_decisions_are_the_audited_decisions(loan, expgrad_run) -> None:
    """The original model, re-scored at the audit's threshold, decides as test.csv says."""
    _, _, audit = loan
    np.testing.assert_array_equal(expgrad_run.decisions[ORIGINAL].to_numpy(), audit.y_pred)


# --------------------------------------------------------------------------------------
# Mitigation works on the demo's injected disparity
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("attribute", ["race", "gender"])
def test_reweighing_reduces_demographic_parity_difference_on_the_loan_demo(loan, attribute):
    """The loan demo's race (zip-code proxy) and gender gaps both shrink after reweighing."""
    model, train, audit = loan
    result = compute_mitigation(
        model, train, audit, attributes=attribute, methods=("reweighing",), seed=0
    )
    disparity = result.points.set_index("label")["disparity"]
    assert disparity[REWEIGHED] < 0.8 * disparity[ORIGINAL]
    # Independent oracle: refit a clone with brute-force weights and score it ourselves.
    demo_roles = get_demo("loan").roles
    y = (train[demo_roles.target] == 1).to_numpy().astype(int)
    groups = train[attribute].fillna("(missing)").astype(str).to_numpy()
    counts = pd.crosstab(groups, y)
    n = len(y)
    weights = np.array(
        [
            counts.loc[g].sum() * counts[v].sum() / (n * counts.loc[g, v])
            for g, v in zip(groups, y, strict=True)
        ]
    )
    refit = clone(model.estimator).fit(
        train[list(model.feature_names)], y, classifier__sample_weight=weights
    )
    expected = refit.predict_proba(audit.frame[list(model.feature_names)])[:, 1] >= 0.5
    np.testing.assert_array_equal(result.decisions[REWEIGHED].to_numpy(), expected.astype(int))


def test_exponentiated_gradient_reduces_demographic_parity_difference(expgrad_run) -> None:
    """Exponentiated gradient under demographic parity leaves a smaller race gap on test data."""
    disparity = expgrad_run.points.set_index("label")["disparity"]
    assert disparity[EXPGRAD] < 0.7 * disparity[ORIGINAL]
    assert expgrad_run.train_rows == 1_500
    assert any("randomized" in note for note in expgrad_run.notes)


class _PipelineWithWeights(ClassifierMixin, BaseEstimator):
    """The test's own adapter: fairlearn's sample_weight routed to the pipeline's classifier."""

    def __init__(self, pipeline=None) -> None:
        self.pipeline = pipeline

    def fit(self, x, y, sample_weight=None):
        self.fitted_ = clone(self.pipeline).fit(x, y, classifier__sample_weight=sample_weight)
        self.classes_ = self.fitted_.classes_
        return self

    def predict(self, x):
        return self.fitted_.predict(x)

    def predict_proba(self, x):
        return self.fitted_.predict_proba(x)


@pytest.mark.parametrize("method", ["exponentiated_gradient", "grid_search"])
def test_reductions_decide_exactly_as_fairlearn_run_directly(loan, method: str) -> None:
    """Oracle: fairlearn's own ExponentiatedGradient / GridSearch on the same rows agree."""
    model, train, audit = loan
    rows = train.iloc[:1_000]
    result = compute_mitigation(
        model,
        rows,
        audit,
        attributes="race",
        criterion="equalized_odds",
        methods=(method,),
        max_iter=4,
        grid_size=4,
        eps=0.02,
        seed=5,
    )
    features = list(model.feature_names)
    y = (rows["repaid"] == 1).to_numpy().astype(int)
    race = rows["race"].astype(str).reset_index(drop=True)
    base = _PipelineWithWeights(model.estimator)
    x_train, x_test = rows[features].reset_index(drop=True), audit.frame[features]
    if method == "exponentiated_gradient":
        oracle = ExponentiatedGradient(base, EqualizedOdds(), eps=0.02, max_iter=4)
        oracle.fit(x_train, y, sensitive_features=race)
        expected = oracle.predict(x_test, random_state=5)
    else:
        oracle = GridSearch(base, EqualizedOdds(), grid_size=4)
        oracle.fit(x_train, y, sensitive_features=race)
        expected = oracle.predict(x_test)
    label = MITIGATION_LABELS[method]
    np.testing.assert_array_equal(result.decisions[label].to_numpy(), np.asarray(expected))
    assert result.points.set_index("label").loc[label, "disparity"] == pytest.approx(
        equalized_odds_difference(
            audit.y_true, np.asarray(expected), sensitive_features=_groups(audit, "race")
        ),
        abs=1e-12,
    )


def test_grid_search_runs_and_gives_rates_between_zero_and_one(loan) -> None:
    """Grid search (equal opportunity by gender) gives a point with valid numbers."""
    model, train, audit = loan
    result = compute_mitigation(
        model,
        train,
        audit,
        attributes="gender",
        criterion="equal_opportunity",
        methods=("grid_search",),
        grid_size=3,
        max_train_rows=800,
    )
    point = result.points.set_index("label").loc[GRID]
    assert 0 <= point["disparity"] <= 1
    assert 0.4 <= point["accuracy"] <= 1
    y_pred = result.decisions[GRID].to_numpy()
    assert point["disparity"] == pytest.approx(
        equal_opportunity_difference(
            audit.y_true, y_pred, sensitive_features=_groups(audit, "gender")
        ),
        abs=1e-12,
    )


def test_intersections_of_two_attributes_are_used(loan) -> None:
    """Two attributes give intersectional groups in the per-group table."""
    model, train, audit = loan
    result = compute_mitigation(
        model, train, audit, attributes=("gender", "race"), methods=("reweighing",)
    )
    groups = set(result.by_group["group"])
    assert "female · Black" in groups
    assert result.attributes == ("gender", "race")


# --------------------------------------------------------------------------------------
# Determinism, the shared model, progress and cancellation
# --------------------------------------------------------------------------------------


def test_same_inputs_give_identical_numbers_and_the_shared_model_is_untouched(loan) -> None:
    """Two runs with the same seed agree exactly; the loaded estimator keeps its coefficients."""
    model, train, audit = loan
    before = model.estimator.steps[-1][1].coef_.copy()
    settings = dict(
        attributes="gender",
        methods=("reweighing", "exponentiated_gradient"),
        max_iter=3,
        max_train_rows=600,
        seed=11,
    )
    first = compute_mitigation(model, train, audit, **settings)
    second = compute_mitigation(model, train, audit, **settings)
    pd.testing.assert_frame_equal(first.points, second.points, check_exact=True)
    pd.testing.assert_frame_equal(first.by_group, second.by_group, check_exact=True)
    pd.testing.assert_frame_equal(first.decisions, second.decisions, check_exact=True)
    np.testing.assert_array_equal(model.estimator.steps[-1][1].coef_, before)


def test_progress_rises_to_one_and_a_stop_request_cancels_mid_run(loan) -> None:
    """Progress only rises and ends at 1; a stop during exponentiated gradient ends the run."""
    model, train, audit = loan
    seen: list[tuple[float, str]] = []
    compute_mitigation(
        model,
        train,
        audit,
        methods=("reweighing",),
        max_train_rows=500,
        progress=lambda f, m: seen.append((f, m)),
    )
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions)
    assert fractions[-1] == 1.0
    assert all(isinstance(m, str) and m for _, m in seen)

    polls = itertools.count()
    fits: list[str] = []
    with pytest.raises(CancelledError, match="stopped before it finished"):
        compute_mitigation(
            model,
            train,
            audit,
            methods=("exponentiated_gradient",),
            max_iter=50,
            max_train_rows=500,
            progress=lambda f, m: fits.append(m),
            should_stop=lambda: next(polls) >= 4,
        )
    assert any("(model 2)" in m for m in fits)  # stopped inside the training loop
    assert not any("Done" in m for m in fits)


def test_a_stop_requested_before_the_start_trains_nothing(loan) -> None:
    """should_stop true from the start raises before any model is trained."""
    model, train, audit = loan
    messages: list[str] = []
    with pytest.raises(CancelledError):
        compute_mitigation(
            model,
            train,
            audit,
            progress=lambda f, m: messages.append(m),
            should_stop=lambda: True,
        )
    assert messages == []


# --------------------------------------------------------------------------------------
# Refusals
# --------------------------------------------------------------------------------------


def test_an_onnx_model_is_refused_with_what_to_do(loan) -> None:
    """ONNX cannot be retrained: the message names skops and the training data."""
    _, train, audit = loan
    onnx = get_demo("loan").load_model(onnx=True)
    for call in (
        lambda: check_refittable(onnx),
        lambda: compute_mitigation(onnx, train, audit),
    ):
        with pytest.raises(InvalidInputError) as info:
            call()
        message = str(info.value)
        assert "ONNX" in message
        assert "cannot be retrained" in message
        assert "skops" in message
        assert "training data" in message
    with pytest.raises(InvalidInputError, match="No model is loaded"):
        check_refittable(None)


def test_a_model_without_sample_weights_is_refused(loan) -> None:
    """A pipeline ending in k-nearest neighbours cannot take weights per row."""
    model, train, _ = loan
    pipeline = clone(model.estimator).set_params(classifier=KNeighborsClassifier())
    pipeline.fit(train[list(model.feature_names)].iloc[:300], train["repaid"].iloc[:300])
    policy = ModelPolicy(trusted_types=("scipy.sparse._csr.csr_matrix",))  # KNN keeps its rows
    knn = load_model(skops.io.dumps(pipeline), filename="knn.skops", policy=policy)
    with pytest.raises(InvalidInputError, match=r"KNeighborsClassifier.*weight per row"):
        check_refittable(knn)


@pytest.mark.parametrize(
    ("column", "expected"),
    [
        ("income", "needs columns the data does not have"),
        ("repaid", "The target column 'repaid' is not in the file"),
        ("race", "The protected attribute column 'race' is not in the file"),
    ],
)
def test_training_data_without_a_needed_column_says_which(loan, column, expected) -> None:
    """Training data missing a model input, the target or the attribute is refused plainly."""
    model, train, audit = loan
    with pytest.raises(InvalidInputError) as info:
        compute_mitigation(model, train.drop(columns=[column]), audit, attributes="race")
    message = str(info.value)
    assert message.startswith("The training data cannot be used to retrain the model (1 problem)")
    assert expected in message
    assert "How to fix:" in message


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"criterion": "parity"}, "criterion must be one of"),
        ({"methods": ("smote",)}, "methods must be one or more of"),
        ({"methods": ()}, "methods must be one or more of"),
        ({"max_iter": 0}, "max_iter must be a whole number of at least 1"),
        ({"max_iter": 10_000}, "max_iter must be at most 500"),
        ({"eps": 0}, "eps must be a number between 0 and 1"),
        ({"attributes": "income"}, "attribute 'income' is not audited"),
    ],
)
def test_bad_settings_get_the_house_message(loan, settings, expected) -> None:
    """Each bad setting is refused before any training, with what was expected."""
    model, train, audit = loan
    with pytest.raises(InvalidInputError, match=expected):
        compute_mitigation(model, train, audit, **settings)
