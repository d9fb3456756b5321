"""Proxy detection: which features stand in for a protected attribute.

A model that never sees race can still treat people by race when another feature (a zip
code) reveals it. Words used here:

- A *proxy* is a feature from which a protected attribute can be guessed better than by
  chance. Each (feature, protected attribute) pair is measured two ways:
- *Mutual information* (MI, in nats) between the attribute's groups and the feature's
  values (numbers cut into up to :data:`FEATURE_BANDS` bands of about equal size, text
  reduced to its :data:`MAX_FEATURE_VALUES` most common values, missing as a value of its
  own). *Normalized MI* divides it by the attribute's entropy: the share of the
  uncertainty about a person's group that the feature removes (0 = none, 1 = all). MI is
  measured on the same rows it describes, so it flatters features with many values.
- A *cross-validated score* of a small model that guesses the group from that one feature
  alone: a naive Bayes table of group shares per feature value (scikit-learn's
  ``CategoricalNB``), fitted on some folds and scored on the held-out one. For attributes
  with two groups the score is the ROC *AUC* (0.5 is a coin toss, 1 a perfect guess); for
  up to :data:`MAX_AUC_GROUPS` groups the AUC of each group against the rest, averaged;
  for more groups *balanced accuracy* (the average share of each group guessed right; a
  coin toss scores 1 ÷ the number of groups). *Skill* rescales either score so that 0 is
  chance and 1 is perfect; the table is ranked by it.
- *All features together*: the same score for a gradient-boosted tree model on every
  feature at once (fitted on at most :data:`TOGETHER_ROWS` rows), which catches proxies
  that only work in combination.

Rows whose protected attribute is missing are left out (there is no group to guess), as
are groups with too few rows to appear in every fold. Large tables are subsampled to
``max_rows`` rows (picked at random with a fixed seed), and the result says so. A feature
is never checked against itself (a binned ``age`` is not a proxy for ``age``).
Everything is deterministic for a given ``seed``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from fairness_core.data import MISSING_GROUP, AuditData, Binning, GroupColumn, encode_groups
from fairness_core.errors import InvalidInputError

__all__ = [
    "ALL_FEATURES",
    "FEATURE_BANDS",
    "MAX_AUC_GROUPS",
    "MAX_FEATURE_VALUES",
    "ProxyReport",
    "default_proxy_features",
    "describe_proxy",
    "encode_feature",
    "find_proxies",
    "mutual_information",
    "top_proxy_features",
]

#: Numbers are cut into at most this many bands of about equal size.
FEATURE_BANDS = 20
#: Text features keep this many most common values; the rest are pooled.
MAX_FEATURE_VALUES = 50
#: Attributes with more groups than this are scored by balanced accuracy instead of AUC.
MAX_AUC_GROUPS = 10
#: Most rows the all-features model is fitted on (a random subsample beyond that).
TOGETHER_ROWS = 10_000
#: The ``feature`` name of the row scoring all features together.
ALL_FEATURES = "(all features together)"
_OTHER = "(other)"
_STRENGTH = ((0.6, "strongly"), (0.3, "moderately"), (0.1, "weakly"))


@dataclass(frozen=True)
class ProxyReport:
    """Proxy scores of every (feature, protected attribute) pair, ranked.

    ``table``: one row per pair, best proxies first, with ``feature``, ``attribute``,
    ``groups`` (groups guessed), ``rows`` (rows used), ``mutual_information``,
    ``normalized_mi``, ``score_name`` ("AUC" or "balanced accuracy"), ``score``,
    ``chance`` (the score of a coin toss), ``skill`` ((score − chance) ÷ (1 − chance)),
    ``auc`` and ``balanced_accuracy`` (both kept when defined), ``rank`` (1 = the best proxy
    for that attribute, the all-features row not counted) and ``sentence``.
    ``subsampled_from``: the rows before subsampling (None when all rows were used).
    ``notes``: plain sentences about what was left out.
    """

    table: pd.DataFrame = field(repr=False, compare=False)
    attributes: tuple[str, ...]
    features: tuple[str, ...]
    rows: int
    subsampled_from: int | None
    folds: int
    seed: int
    notes: tuple[str, ...] = ()

    def top(self, attribute: str) -> pd.Series:
        """The strongest single-feature proxy of ``attribute``."""
        rows = self.table[
            (self.table["attribute"] == attribute) & (self.table["feature"] != ALL_FEATURES)
        ]
        if rows.empty:
            raise InvalidInputError(
                f"No proxy scores for {attribute!r}. Expected one of: "
                f"{', '.join(self.attributes)}. Choose an attribute that was checked."
            )
        return rows.iloc[0]


def default_proxy_features(data: AuditData) -> tuple[str, ...]:
    """The features to check: the chosen features minus protected attributes, else every
    column with no other role."""
    roles = data.roles
    if roles.features:
        return tuple(c for c in roles.features if c not in roles.protected)
    taken = {roles.target, *roles.protected, roles.prediction, roles.score, roles.weight}
    return tuple(str(c) for c in data.frame.columns if str(c) not in taken)


def encode_feature(series: pd.Series) -> GroupColumn:
    """A feature as integer codes: numbers in bands, text by value, missing as its own code."""
    numeric = pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)
    if numeric and series.nunique(dropna=True) > FEATURE_BANDS:
        return encode_groups(series, binning=Binning(str(series.name), quantiles=FEATURE_BANDS))
    missing = series.isna().to_numpy()
    text = series.astype("str").where(~missing)
    counts = text.value_counts(dropna=True)
    top = sorted(str(v) for v in counts.index[:MAX_FEATURE_VALUES])
    lookup = {v: i for i, v in enumerate(top)}
    codes = text.map(lookup).to_numpy(dtype=np.float64, na_value=np.nan)
    labels = list(top)
    other = np.isnan(codes) & ~missing
    if other.any():
        codes = np.where(other, len(labels), codes)
        labels.append(_OTHER)
    if missing.any():
        codes = np.where(missing, len(labels), codes)
        labels.append(MISSING_GROUP)
    return GroupColumn(str(series.name), tuple(labels), codes.astype(np.int32))


def mutual_information(x: np.ndarray, y: np.ndarray) -> float:
    """Mutual information (nats) between two integer code arrays, from their joint counts."""
    x = np.asarray(x, dtype=np.int64)
    y = np.asarray(y, dtype=np.int64)
    n = len(x)
    if n == 0:
        return 0.0
    nx, ny = int(x.max()) + 1, int(y.max()) + 1
    joint = np.bincount(x * ny + y, minlength=nx * ny).reshape(nx, ny).astype(np.float64)
    px, py = joint.sum(axis=1), joint.sum(axis=0)
    i, j = np.nonzero(joint)
    nij = joint[i, j]
    mi = float(np.sum(nij / n * (np.log(nij) + math.log(n) - np.log(px[i]) - np.log(py[j]))))
    return max(mi, 0.0)


def _entropy(codes: np.ndarray) -> float:
    counts = np.bincount(codes)
    p = counts[counts > 0] / len(codes)
    return float(-np.sum(p * np.log(p)))


def find_proxies(
    data: AuditData,
    *,
    features: Sequence[str] | None = None,
    attributes: Sequence[str] | None = None,
    folds: int = 3,
    max_rows: int = 20_000,
    seed: int = 0,
    together: bool = True,
) -> ProxyReport:
    """Score how well each feature (and all of them together) identifies each attribute."""
    chosen = tuple(features) if features is not None else default_proxy_features(data)
    names = tuple(attributes) if attributes is not None else tuple(g.name for g in data.groups)
    _check(data, chosen, names, folds, max_rows)
    rng = np.random.default_rng(seed)
    total = data.n_rows
    rows = np.arange(total)
    subsampled = total > max_rows
    if subsampled:
        rows = np.sort(rng.choice(total, size=max_rows, replace=False))
    frame = data.frame.iloc[rows]
    encoded = {c: encode_feature(frame[c]) for c in chosen}
    results: list[dict[str, object]] = []
    notes: list[str] = []
    if subsampled:
        notes.append(
            f"The data has {total:,} rows; {max_rows:,} of them, picked at random (seed "
            f"{seed}), were used to keep the check fast."
        )
    for name in names:
        group = data.group(name)
        target, kept, dropped = _usable_rows(group, group.codes[rows], folds)
        if MISSING_GROUP in dropped:
            notes.append(f"{name}: rows with no value were left out (there is no group to guess).")
        small = [label for label in dropped if label != MISSING_GROUP]
        if small:
            notes.append(
                f"{name}: left out {', '.join(small)} (fewer than {2 * folds} rows, too few "
                "to check)."
            )
        if len(np.unique(target)) < 2:
            notes.append(f"{name}: fewer than two groups with enough rows; not checked.")
            continue
        k = int(target.max()) + 1
        # scikit-learn takes about a second to import: only the proxy check needs it.
        from sklearn.ensemble import HistGradientBoostingClassifier
        from sklearn.model_selection import StratifiedKFold, cross_val_predict
        from sklearn.naive_bayes import CategoricalNB
        from threadpoolctl import threadpool_limits

        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
        h = _entropy(target)
        for feature in chosen:
            if feature == name:
                continue
            codes = encoded[feature].codes[kept].astype(np.int64)
            proba = cross_val_predict(
                CategoricalNB(alpha=1.0, min_categories=len(encoded[feature].labels)),
                codes.reshape(-1, 1),
                target,
                cv=splitter,
                method="predict_proba",
            )
            mi = mutual_information(target, codes)
            results.append(_row(feature, name, k, target, proba, mi, h))
        others = [c for c in chosen if c != name]
        if together and others:
            # The tree model is the slow part: it sees at most TOGETHER_ROWS of the rows.
            part = np.arange(len(kept))
            if len(part) > TOGETHER_ROWS:
                part = np.sort(rng.choice(len(part), size=TOGETHER_ROWS, replace=False))
            matrix = np.column_stack([encoded[c].codes[kept[part]] for c in others])
            matrix = matrix.astype(np.float64)
            categorical = [len(encoded[c].labels) <= 255 and not encoded[c].binned for c in others]
            model = HistGradientBoostingClassifier(
                max_iter=40,
                max_leaf_nodes=15,
                learning_rate=0.1,
                early_stopping=False,
                categorical_features=np.array(categorical, dtype=bool),
                random_state=seed,
            )
            # One OpenMP thread: on a shared machine, busy-waiting threads slow it tenfold.
            with threadpool_limits(limits=1, user_api="openmp"):
                proba = cross_val_predict(
                    model, matrix, target[part], cv=splitter, method="predict_proba"
                )
            results.append(_row(ALL_FEATURES, name, k, target[part], proba, np.nan, h))
    table = pd.DataFrame(results, columns=_COLUMNS)
    table = table.sort_values(
        ["skill", "normalized_mi"], ascending=False, kind="stable", na_position="last"
    ).reset_index(drop=True)
    single = table["feature"] != ALL_FEATURES
    table["rank"] = pd.array([pd.NA] * len(table), dtype="Int64")
    table.loc[single, "rank"] = table[single].groupby("attribute").cumcount() + 1
    table["sentence"] = [describe_proxy(r) for r in table.to_dict("records")]
    return ProxyReport(
        table=table,
        attributes=names,
        features=chosen,
        rows=len(rows),
        subsampled_from=total if subsampled else None,
        folds=folds,
        seed=seed,
        notes=tuple(notes),
    )


_COLUMNS = [
    "feature",
    "attribute",
    "groups",
    "rows",
    "mutual_information",
    "normalized_mi",
    "score_name",
    "score",
    "chance",
    "skill",
    "auc",
    "balanced_accuracy",
]


def _usable_rows(
    group: GroupColumn, codes: np.ndarray, folds: int
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Re-coded targets 0..k-1, the rows kept, and the groups left out."""
    counts = np.bincount(codes, minlength=len(group.labels))
    keep_group = counts >= 2 * folds
    dropped = []
    for code, label in enumerate(group.labels):
        if label == MISSING_GROUP:
            keep_group[code] = False
        if not keep_group[code] and counts[code] > 0:
            dropped.append(label)
    kept = np.flatnonzero(keep_group[codes])
    recode = np.cumsum(keep_group) - 1
    return recode[codes[kept]].astype(np.int64), kept, dropped


def _row(
    feature: str,
    attribute: str,
    k: int,
    target: np.ndarray,
    proba: np.ndarray,
    mi: float,
    entropy: float,
) -> dict[str, object]:
    from sklearn.metrics import balanced_accuracy_score, roc_auc_score

    guess = np.argmax(proba, axis=1)
    balanced = float(balanced_accuracy_score(target, guess))
    auc = np.nan
    if k == 2:
        auc = float(roc_auc_score(target, proba[:, 1]))
    elif k <= MAX_AUC_GROUPS:
        proba = proba / proba.sum(axis=1, keepdims=True)
        auc = float(roc_auc_score(target, proba, multi_class="ovr", average="macro"))
    if k <= MAX_AUC_GROUPS:
        name, score, chance = "AUC", auc, 0.5
    else:
        name, score, chance = "balanced accuracy", balanced, 1.0 / k
    return {
        "feature": feature,
        "attribute": attribute,
        "groups": k,
        "rows": len(target),
        "mutual_information": mi,
        "normalized_mi": mi / entropy if entropy > 0 and np.isfinite(mi) else np.nan,
        "score_name": name,
        "score": score,
        "chance": chance,
        "skill": (score - chance) / (1 - chance),
        "auc": auc,
        "balanced_accuracy": balanced,
    }


def describe_proxy(row: Mapping[Any, Any]) -> str:
    """One plain sentence for one row of a proxy table."""
    feature, attribute = str(row["feature"]), str(row["attribute"])
    score_name, score = str(row["score_name"]), float(row["score"])
    skill = float(row["skill"])
    chance = float(row["chance"])
    together = feature == ALL_FEATURES
    subject = "All features together" if together else f"{feature} alone"
    measure = f"{score_name} {score:.2f}; a coin toss scores {chance:.2f}"
    for limit, word in _STRENGTH:
        if skill >= limit:
            verb = "identify" if together else "identifies"
            return f"{subject} {word} {verb} {attribute} ({measure})."
    verb = "say" if together else "says"
    return f"{subject} {verb} little or nothing about {attribute} ({measure})."


def top_proxy_features(
    report: ProxyReport, *, min_skill: float = 0.1, per_attribute: int = 3
) -> tuple[str, ...]:
    """The strongest single-feature proxies, for the What-if page's flip tests.

    Per protected attribute, up to ``per_attribute`` features whose skill is at least
    ``min_skill`` (0.1: the feature at least weakly identifies the attribute), best first;
    a feature that is a proxy of several attributes is listed once, at its best place.
    """
    table = report.table
    single = table[(table["feature"] != ALL_FEATURES) & (table["skill"] >= min_skill)]
    ranked = single[single["rank"] <= per_attribute].sort_values(
        "skill", ascending=False, kind="stable"
    )
    return tuple(dict.fromkeys(str(f) for f in ranked["feature"]))


def _check(
    data: AuditData,
    features: tuple[str, ...],
    attributes: tuple[str, ...],
    folds: int,
    max_rows: int,
) -> None:
    columns = set(map(str, data.frame.columns))
    unknown = [c for c in features if c not in columns]
    if unknown:
        raise InvalidInputError(
            f"The feature {unknown[0]!r} is not a column of the data. Expected column names "
            f"of the loaded table. Got {list(features)}. Choose among the table's columns."
        )
    known = {g.name for g in data.groups}
    missing = [a for a in attributes if a not in known]
    if missing or not attributes:
        raise InvalidInputError(
            f"Proxies are checked for protected attributes. Expected one or more of: "
            f"{', '.join(sorted(known))}. Got {list(attributes)}. Choose protected attributes."
        )
    if isinstance(folds, bool) or not isinstance(folds, int) or not 2 <= folds <= 10:
        raise InvalidInputError(
            f"folds must be a whole number from 2 to 10. Got {folds!r} instead. Use 3 or 5."
        )
    if isinstance(max_rows, bool) or not isinstance(max_rows, int) or max_rows < 100:
        raise InvalidInputError(
            f"max_rows must be a whole number of at least 100. Got {max_rows!r} instead. "
            "Use e.g. 20000."
        )
