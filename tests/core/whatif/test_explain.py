"""Explanations: one SHAP value per raw feature for every model kind, additivity, ICE."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from scipy.special import logit
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import (
    GradientBoostingClassifier,
    HistGradientBoostingClassifier,
    RandomForestClassifier,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.tree import DecisionTreeClassifier

from fairness_core.data import AuditData, ColumnRoles, check_audit_data, get_demo
from fairness_core.models import ModelPolicy, load_model
from fairness_core.plots import (
    describe_global_importance,
    describe_local_explanation,
    plot_global_importance,
    plot_local_explanation,
)
from fairness_core.whatif import (
    ModelScorer,
    choose_explainer,
    compute_feature_specs,
    compute_global_importance,
    compute_ice,
    fit_explainer,
    sample_rows_by_group,
)


@pytest.fixture(scope="module")
def loan() -> tuple[AuditData, ModelScorer]:
    """The loan demo with its skops logistic pipeline."""
    demo = get_demo("loan")
    audit = check_audit_data(demo.load_test().frame, demo.roles)
    return audit, ModelScorer.from_audit(demo.load_model(), audit)


def tree_scorer(estimator, seed: int = 0) -> tuple[pd.DataFrame, ModelScorer]:
    """A pipeline (one-hot text + scaled numbers + ``estimator``) fitted on synthetic rows."""
    rng = np.random.default_rng(seed)
    n = 300
    frame = pd.DataFrame(
        {
            "city": rng.choice(["north", "south", "east"], n),
            "income": rng.normal(50, 10, n).round(1),
            "age": rng.integers(18, 70, n),
            "group": rng.choice(["f", "m"], n),
        }
    )
    signal = (frame["income"] - 50) / 10 + (frame["city"] == "north") - (frame["age"] < 25)
    frame["y"] = (signal + rng.normal(0, 0.7, n) > 0).astype(int)
    features = ["city", "income", "age"]
    pipeline = make_pipeline(
        ColumnTransformer(
            [
                ("text", OneHotEncoder(handle_unknown="ignore"), ["city"]),
                ("numbers", StandardScaler(), ["income", "age"]),
            ]
        ),
        estimator,
    ).fit(frame[features], frame["y"])
    model = load_model(
        pickle.dumps(pipeline), filename="tree.pkl", policy=ModelPolicy(allow_pickle=True)
    )
    roles = ColumnRoles(
        target="y", protected=("group",), positive_label=1, source="model", features=tuple(features)
    )
    audit = check_audit_data(frame, roles, model=model)
    return frame, ModelScorer.from_audit(model, audit)


def test_linear_pipeline_gives_one_exact_value_per_raw_feature(loan) -> None:
    """Loan demo: summed one-hot values equal coef × (x − background mean), by hand."""
    audit, scorer = loan
    assert choose_explainer(scorer) == "linear"
    explainer = fit_explainer(scorer, audit.frame, max_background=50, seed=1)
    rows = audit.frame.iloc[:20]
    explanation = explainer.explain(rows)
    assert list(explanation.values.columns) == list(scorer.features)
    assert explanation.scale == "log-odds"
    p = scorer.score(rows)
    assert explanation.output == pytest.approx(logit(p), abs=1e-8)  # additivity
    # Oracle: linear SHAP with independent features is w_j (x_j - E[x_j]) per column.
    pipeline = scorer.model.estimator
    pre, lr = pipeline[:-1], pipeline[-1]
    background = audit.frame.iloc[
        np.sort(np.random.default_rng(1).choice(audit.n_rows, 50, replace=False))
    ]
    xt = np.asarray(pre.transform(rows[list(scorer.features)]).toarray())
    bt = np.asarray(pre.transform(background[list(scorer.features)]).toarray())
    per_column = lr.coef_[0] * (xt - bt.mean(axis=0))
    names = pre.get_feature_names_out()
    for feature in scorer.features:
        columns = [i for i, n in enumerate(names) if n.split("__", 1)[1].startswith(feature)]
        assert explanation.values[feature].to_numpy() == pytest.approx(
            per_column[:, columns].sum(axis=1), abs=1e-9
        )


@pytest.mark.parametrize(
    ("estimator", "scale"),
    [
        (GradientBoostingClassifier(n_estimators=20, max_depth=2, random_state=0), "log-odds"),
        (DecisionTreeClassifier(max_depth=4, random_state=0), "probability"),
        (RandomForestClassifier(n_estimators=10, max_depth=4, random_state=0), "probability"),
        (HistGradientBoostingClassifier(max_iter=15, max_depth=3, random_state=0), "log-odds"),
    ],
    ids=["gbm", "tree", "forest", "hist-gbm"],
)
def test_tree_pipelines_are_additive_per_raw_feature(estimator, scale: str) -> None:
    """Tree models: one value per raw feature; base + values = the model output on its scale."""
    frame, scorer = tree_scorer(estimator)
    assert choose_explainer(scorer) == "tree"
    explanation = fit_explainer(scorer, frame).explain(frame.iloc[:40])
    assert list(explanation.values.columns) == ["city", "income", "age"]
    assert explanation.scale == scale
    p = scorer.score(frame.iloc[:40])
    expected = logit(p) if scale == "log-odds" else p
    assert explanation.output == pytest.approx(expected, abs=1e-6)
    assert not np.allclose(explanation.values["income"], 0)  # the signal feature matters


def test_positive_label_zero_flips_the_sign() -> None:
    """Explaining the other class gives the negated values of a log-odds model."""
    frame, scorer = tree_scorer(GradientBoostingClassifier(n_estimators=10, random_state=0))
    other = ModelScorer(scorer.model, 0, 0.5, scorer.features)
    one = fit_explainer(scorer, frame).explain(frame.iloc[:5])
    zero = fit_explainer(other, frame).explain(frame.iloc[:5])
    assert zero.values.to_numpy() == pytest.approx(-one.values.to_numpy())
    assert zero.output == pytest.approx(logit(other.score(frame.iloc[:5])), abs=1e-6)


@pytest.mark.slow
def test_onnx_model_uses_bounded_permutation_and_is_additive(loan) -> None:
    """ONNX demo: permutation SHAP on raw features (tiny budget), additive in probability."""
    audit, _ = loan
    scorer = ModelScorer.from_audit(get_demo("loan").load_model(onnx=True), audit)
    assert choose_explainer(scorer) == "permutation"
    explainer = fit_explainer(scorer, audit.frame, max_background=10, max_evals=15)
    rows = audit.frame.iloc[[0, 1]]
    explanation = explainer.explain(rows)
    assert list(explanation.values.columns) == list(scorer.features)
    assert explanation.scale == "probability"
    assert explanation.output == pytest.approx(scorer.score(rows), abs=1e-6)
    assert explanation.values["gender"].abs().min() > 0  # the model reads gender


def test_global_importance_matches_a_groupby_of_absolute_values(loan) -> None:
    """Per-group and population-weighted overall mean |SHAP| equal a pandas recomputation."""
    audit, scorer = loan
    group = audit.group("gender")
    picks = sample_rows_by_group(group.codes, per_group=40, seed=3)
    assert np.bincount(group.codes[picks]).tolist() == [40, 40]
    explanation = fit_explainer(scorer, audit.frame).explain(audit.frame.iloc[picks])
    importance = compute_global_importance(
        explanation, group.codes[picks], group.labels, attribute="gender", population=group.counts
    )
    absolute = explanation.values.abs()
    absolute["g"] = [group.labels[c] for c in group.codes[picks]]
    by_group = absolute.groupby("g").mean()
    table = importance.table.set_index("feature")
    for label in group.labels:
        assert table[label].to_numpy() == pytest.approx(by_group.loc[label, table.index].to_numpy())
    shares = group.counts / group.counts.sum()
    overall = sum(
        shares[i] * by_group.loc[label, table.index] for i, label in enumerate(group.labels)
    )
    assert table["overall"].to_numpy() == pytest.approx(overall.to_numpy())
    assert table["overall"].is_monotonic_decreasing
    figure = plot_global_importance(importance)
    assert {t.name for t in figure.data} >= {"overall", "female (n=40)", "male (n=40)"}
    assert describe_global_importance(importance).startswith("Overall the model leans most on")
    assert "average" in describe_local_explanation(explanation, 0)
    assert plot_local_explanation(explanation, 0).data[0].type == "waterfall"


@pytest.mark.parametrize("feature", ["income", "gender", "employment_years"])
def test_ice_equals_rescoring_each_edited_row(loan, feature: str) -> None:
    """Each ICE point and the average curve equal scoring hand-edited rows one by one."""
    audit, scorer = loan
    specs = {s.name: s for s in compute_feature_specs(audit.frame, scorer.features)}
    row = audit.frame.iloc[[7]]
    background = audit.frame.iloc[:15]
    curve = compute_ice(scorer, row, specs[feature], points=6, background=background)
    assert row[feature].iloc[0] in list(curve.table["value"]) or pd.isna(row[feature].iloc[0])
    for _, point in curve.table.iterrows():
        edited = row.copy()
        edited[feature] = point["value"]
        assert point["score"] == pytest.approx(scorer.model.score(edited, positive_label=1)[0])
        assert point["decision"] == int(point["score"] >= 0.5)
        each = []
        for i in range(len(background)):
            one = background.iloc[[i]].copy()
            one[feature] = point["value"]
            each.append(scorer.model.score(one, positive_label=1)[0])
        assert point["average_score"] == pytest.approx(np.mean(each))
    assert curve.original_score == pytest.approx(scorer.score(row)[0])
