"""Validation: can this table be audited with these column roles?

:func:`check_audit_data` collects every problem it can find in one pass and reports them
together (a reviewer fixes five things at once rather than meeting them one upload at a
time). Each :class:`~fairness_core.errors.Problem` says what is wrong, what the audit
expects, what the file holds and how to fix it. When no *error* remains it returns an
:class:`AuditData`: outcome, decision, score and weights as clean numpy arrays and the
protected attributes encoded once as integer codes. *Warnings* (rows without an outcome,
missing protected values kept as their own group, ...) travel with the result.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import pandas as pd

from fairness_core.data._groups import MISSING_GROUP, GroupColumn, encode_groups
from fairness_core.data._roles import ColumnRoles
from fairness_core.data._scale import ScoreScale, score_scale
from fairness_core.errors import FairnessCoreError, Problem, ValidationFailedError

__all__ = ["MAX_GROUP_LEVELS", "AuditData", "check_audit_data", "find_problems"]

#: More distinct values than this and a column is not a usable protected attribute.
MAX_GROUP_LEVELS = 50
#: A numeric protected attribute with more distinct values than this needs bands.
NUMERIC_LEVELS_WITHOUT_BINS = 10
_EXAMPLES = 3


class ScoringModel(Protocol):
    """What validation needs from a model: its inputs and a score per row."""

    @property
    def name(self) -> str: ...

    @property
    def feature_names(self) -> tuple[str, ...] | None: ...

    def score(self, data: pd.DataFrame, *, positive_label: object) -> np.ndarray: ...


@dataclass(frozen=True)
class AuditData:
    """A validated table ready for counting: arrays aligned row by row with ``frame``."""

    frame: pd.DataFrame = field(repr=False, compare=False)
    roles: ColumnRoles
    positive_label: Hashable
    y_true: np.ndarray = field(repr=False, compare=False)
    y_pred: np.ndarray = field(repr=False, compare=False)
    y_score: np.ndarray | None = field(repr=False, compare=False)
    sample_weight: np.ndarray | None = field(repr=False, compare=False)
    groups: tuple[GroupColumn, ...]
    warnings: tuple[Problem, ...] = ()

    @property
    def n_rows(self) -> int:
        """Rows that enter the audit."""
        return len(self.y_true)

    def group(self, name: str) -> GroupColumn:
        """The encoded protected attribute called ``name``."""
        for column in self.groups:
            if column.name == name:
                return column
        known = ", ".join(g.name for g in self.groups)
        raise KeyError(f"'{name}' is not a protected attribute of this audit (have: {known}).")


def find_problems(
    frame: pd.DataFrame,
    roles: ColumnRoles,
    *,
    model: ScoringModel | None = None,
    row_counts: np.ndarray | None = None,
) -> list[Problem]:
    """Every problem (errors and warnings) with auditing ``frame`` under ``roles``.

    ``row_counts`` as for :func:`check_audit_data`.
    """
    return TableChecker(frame, roles, model, row_counts).run()[0]


def check_audit_data(
    frame: pd.DataFrame,
    roles: ColumnRoles,
    *,
    model: ScoringModel | None = None,
    row_counts: np.ndarray | None = None,
) -> AuditData:
    """Validate and return :class:`AuditData`; raise ValidationFailedError listing all errors.

    ``row_counts``: each row of ``frame`` stands for this many rows of the data (an engine's
    ``GROUP BY`` over the role columns, see :mod:`fairness_core.engines`); the messages then
    count the rows it stands for, so they read as if the whole data had been checked.
    """
    problems, audit = TableChecker(frame, roles, model, row_counts).run()
    if audit is None:
        raise ValidationFailedError(problems)
    return audit


class TableChecker:
    """One validation pass; methods append problems and fill in clean arrays."""

    def __init__(
        self,
        frame: pd.DataFrame,
        roles: ColumnRoles,
        model: ScoringModel | None,
        row_counts: np.ndarray | None = None,
    ):
        self.frame = frame
        self.row_counts = None if row_counts is None else np.asarray(row_counts, dtype=np.int64)
        self.total = len(frame) if self.row_counts is None else int(self.row_counts.sum())
        self.roles = roles
        self.model = model
        self.problems: list[Problem] = []
        self.usable: set[str] = set()
        self.scale_ok = True

    # -- helpers -------------------------------------------------------------------
    def error(self, code: str, what: str, expected: str, found: str, fix: str, column=None):
        self.problems.append(Problem(code, what, expected, found, fix, column, "error"))

    def warn(self, code: str, what: str, expected: str, found: str, fix: str, column=None):
        self.problems.append(Problem(code, what, expected, found, fix, column, "warning"))

    def col(self, name: str) -> pd.Series:
        return self.frame[name]

    def rows(self, mask: object) -> int:
        """How many rows of the data ``mask`` (over the frame's rows) selects."""
        selected = np.asarray(mask, dtype=bool)
        if self.row_counts is None:
            return int(selected.sum())
        return int(self.row_counts[selected].sum())

    # -- the pass ------------------------------------------------------------------
    def run(self) -> tuple[list[Problem], AuditData | None]:
        self.check_table()
        self.check_roles()
        if not self.has_errors():
            positive = self.check_target()
            y_pred, y_score = self.check_decision(positive)
            weights = self.check_weight()
            groups = self.check_protected()
            self.check_features()
            if not self.has_errors() and positive is not None and y_pred is not None:
                return self.problems, self.build(positive, y_pred, y_score, weights, groups)
        return self.problems, None

    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.problems)

    def check_table(self) -> None:
        names = [str(c) for c in self.frame.columns]
        duplicates = sorted(n for n, k in Counter(names).items() if k > 1)
        for name in duplicates:
            self.error(
                "duplicate_column",
                f"Column name '{name}' appears {names.count(name)} times.",
                "every column name once, so each role points at one column.",
                f"{names.count(name)} columns called '{name}'.",
                "Rename the copies in the file (e.g. 'income_2023', 'income_2024') or remove "
                "the extra columns, then upload again.",
                name,
            )
        self.usable = {n for n in names if n not in duplicates}
        if self.frame.shape[1] > 0 and self.total == 0:
            self.error(
                "no_rows",
                "The file has column names but no data rows.",
                "at least one row per person or case below the header.",
                f"a header with {self.frame.shape[1]} columns and 0 rows.",
                "Export the data again including its rows.",
            )

    def check_roles(self) -> None:
        roles = self.roles
        named: list[tuple[str, str]] = []
        if not roles.target:
            self.error(
                "no_target",
                "No target column is chosen.",
                "the column with the true outcome (e.g. repaid, hired).",
                "none chosen.",
                "Choose the column that records what really happened.",
            )
        else:
            named.append(("target", roles.target))
        named += [("protected attribute", c) for c in roles.protected]
        if roles.source == "prediction":
            if not roles.prediction:
                self.error(
                    "no_decision",
                    "No column holds the model's decisions.",
                    "a prediction column, or a score column with a threshold, or a model.",
                    "none chosen.",
                    "Choose the column with the model's decisions, switch to a score column, "
                    "or upload the model.",
                )
            else:
                named.append(("prediction", roles.prediction))
        elif roles.source == "score":
            if not roles.score:
                self.error(
                    "no_score",
                    "No score column is chosen.",
                    "a column of model scores between 0 and 1.",
                    "none chosen.",
                    "Choose the score column, or switch to a prediction column.",
                )
            else:
                named.append(("score", roles.score))
            self.check_scale()
            if not 0.0 <= roles.threshold <= 1.0:
                self.error(
                    "bad_threshold",
                    "The decision threshold is outside 0 to 1.",
                    "a threshold between 0 and 1 (scores at or above it count as positive).",
                    f"{roles.threshold}.",
                    "Set the threshold between 0 and 1, e.g. 0.5.",
                )
        elif self.model is None:
            self.error(
                "no_model",
                "Decisions are to come from a model, but no model is loaded.",
                "a model file (skops or ONNX).",
                "no model.",
                "Upload the model, or use a prediction or score column from the data.",
            )
        if not roles.protected:
            self.error(
                "no_protected",
                "No protected attribute is chosen.",
                "at least one column that defines groups (e.g. gender, race, age).",
                "none chosen.",
                "Choose one or more protected attribute columns.",
            )
        named += [("feature", c) for c in roles.features]
        if roles.weight:
            named.append(("sample weight", roles.weight))
        available = ", ".join(f"'{c}'" for c in list(map(str, self.frame.columns))[:12])
        for role, name in named:
            if name not in set(map(str, self.frame.columns)):
                self.error(
                    "missing_column",
                    f"The {role} column '{name}' is not in the file.",
                    f"a column called '{name}'.",
                    f"columns {available}{' …' if self.frame.shape[1] > 12 else ''}.",
                    "Pick one of the file's columns for this role, or check the header row "
                    "(spelling, capitals, spaces).",
                    name,
                )
        key_roles = [(r, n) for r, n in named if r != "feature"]
        seen: dict[str, str] = {}
        for role, name in key_roles:
            if name in seen and seen[name] != role:
                self.error(
                    "role_conflict",
                    f"Column '{name}' is chosen as both {seen[name]} and {role}.",
                    "each column in one role (features may also be protected attributes).",
                    f"'{name}' in two roles.",
                    f"Choose a different column for the {role}.",
                    name,
                )
            seen.setdefault(name, role)

    # -- target --------------------------------------------------------------------
    def check_target(self) -> Hashable | None:
        name = self.roles.target
        if name not in self.usable:
            return None
        target = self.col(name)
        values = _distinct(target)
        missing = self.rows(target.isna())
        if missing:
            self.warn(
                "target_missing",
                f"{_rows_have(missing)} no value in the target column '{name}'.",
                "a known outcome for every row.",
                f"{missing:,} of {self.total:,} rows empty.",
                "They are left out of every metric. Fill them in if the outcome is known.",
                name,
            )
        if len(values) == 0 and len(target) > 0:
            self.error(
                "target_empty",
                f"The target column '{name}' is empty.",
                "the true outcome of each row.",
                "no values.",
                "Choose the column with the true outcomes.",
                name,
            )
            return None
        if len(values) == 1:
            self.error(
                "target_one_class",
                f"The target column '{name}' has only one value.",
                "both outcomes (e.g. approved and denied) so errors of each kind can be counted.",
                f"every row is {_quote(values[0])}.",
                "Check you chose the right target column, or use data that includes both outcomes.",
                name,
            )
            return None
        positive = self.roles.positive_label
        if positive is None:
            positive = _default_positive(values)
        if positive is None:
            shown = ", ".join(_quote(v) for v in values[:8])
            if len(values) > 2:
                what = (
                    f"The target column '{name}' has {len(values)} values and no positive "
                    "value is chosen."
                )
                expected = (
                    "a yes/no outcome, or a chosen value that counts as the positive outcome."
                )
                fix = (
                    "Choose which value is the favourable outcome; every other value counts "
                    "as negative."
                )
            else:
                what = f"No positive value is chosen for the target column '{name}'."
                expected = "the value that means the favourable outcome (e.g. 'approved')."
                fix = "Choose which of the two values is the positive outcome."
            self.error("no_positive_label", what, expected, f"values {shown}.", fix, name)
            return None
        match = _match_label(values, positive)
        if match is None:
            shown = ", ".join(_quote(v) for v in values[:8])
            self.error(
                "positive_label_absent",
                f"The positive value {_quote(positive)} does not occur in the target column "
                f"'{name}'.",
                "one of the target's values.",
                f"values {shown}.",
                "Choose one of the values found.",
                name,
            )
            return None
        if len(values) > 2:
            self.warn(
                "target_multiclass",
                f"The target column '{name}' has {len(values)} values.",
                "two outcomes.",
                f"{len(values)} values; {_quote(match)} is the positive one.",
                "Every other value counts as the negative outcome. Check this is intended.",
                name,
            )
        return match

    # -- decisions -----------------------------------------------------------------
    def check_decision(
        self, positive: Hashable | None
    ) -> tuple[np.ndarray | None, np.ndarray | None]:
        roles = self.roles
        if roles.source == "prediction" and roles.prediction in self.usable:
            return self.check_prediction(roles.prediction, positive), None
        if roles.source == "score" and roles.score in self.usable:
            scale = score_scale(roles) if self.scale_ok else None
            if scale is None:
                return None, None
            scores = self.check_scores(
                self.col(roles.score), f"score column '{roles.score}'", scale=scale
            )
            if scores is None:
                return None, None
            return (scores >= roles.threshold).astype(np.int8), scores
        if roles.source == "model" and self.model is not None and positive is not None:
            return self.check_model(positive)
        return None, None

    def check_prediction(self, name: str, positive: Hashable | None) -> np.ndarray | None:
        pred = self.col(name)
        values = _distinct(pred)
        missing = self.rows(pred.isna())
        ok = True
        if missing:
            self.error(
                "prediction_missing",
                f"{_rows_have(missing)} no decision in the prediction column '{name}'.",
                "a decision for every row.",
                f"{missing:,} empty cells.",
                "Fill in the decisions, or score the rows with the model instead.",
                name,
            )
            ok = False
        if len(values) > 2:
            numeric = pd.api.types.is_float_dtype(pred)
            hint = (
                " It looks like a score: choose it as the score column with a threshold."
                if numeric
                else ""
            )
            self.error(
                "prediction_not_binary",
                f"The prediction column '{name}' is not a yes/no decision.",
                "two values (e.g. 0 and 1, or the target's values).",
                f"{len(values)} values, e.g. {_examples(values)}.",
                "Choose a column of decisions." + hint,
                name,
            )
            ok = False
        if not ok or positive is None:
            return None
        pos = _match_label(values, positive)
        if pos is None and set(map(_canon, values)) <= {"0", "1"}:
            pos = _match_label(values, 1)
        if pos is None and values and self._never_positive(values, positive):
            self.warn(
                "prediction_never_positive",
                f"The prediction column '{name}' never gives the positive decision "
                f"{_quote(positive)}.",
                "some rows with the positive decision.",
                f"only {', '.join(_quote(v) for v in values)}.",
                "Nothing to fix if the model really turned everyone down: the audit shows a "
                "selection rate of 0 for every group. Otherwise check the column.",
                name,
            )
            return np.zeros(len(pred), dtype=np.int8)
        if pos is None and values:
            self.error(
                "prediction_labels",
                f"The prediction column '{name}' does not use the positive value "
                f"{_quote(positive)}.",
                "the target's values, or 0 and 1 (1 = positive).",
                f"values {', '.join(_quote(v) for v in values)}.",
                "Choose a prediction column coded like the target, or recode it as 0/1.",
                name,
            )
            return None
        return values_equal(pred, pos).astype(np.int8)

    def _never_positive(self, values: list[Hashable], positive: Hashable) -> bool:
        """True when the decisions use the target's coding (or 0/1) but only its other value."""
        coding = {"0", "1"} if _canon(positive) in {"0", "1"} else set()
        target = self.roles.target
        if target and target in self.frame.columns:
            coding |= set(map(_canon, _distinct(self.col(target))))
        return _canon(positive) in coding and set(map(_canon, values)) <= coding

    def check_scale(self) -> None:
        """The score's scale, when set, is two finite numbers, the first the lower."""
        span = self.roles.score_range
        self.scale_ok = True
        if span is None:
            return
        try:
            low, high = (float(v) for v in span)
            ok = bool(np.isfinite(low) and np.isfinite(high) and low < high)
        except (TypeError, ValueError):
            ok = False
        if not ok:
            self.scale_ok = False
            self.error(
                "bad_score_range",
                "The score's scale is not a range from a lower to a higher number.",
                "the lowest and the highest score the column can hold, e.g. 1 and 10.",
                f"{span!r}.",
                "Set the scale's lowest and highest score (the page's 'Score scale', or "
                "--score-range MIN MAX), the lowest first.",
                self.roles.score,
            )

    def check_scores(
        self, series: pd.Series, label: str, *, scale: ScoreScale | None = None
    ) -> np.ndarray | None:
        """The scores as audit scores (0-1, higher favourable; see fairness_core.data._scale).

        ``scale`` is the score column's own scale; None for a model's output, which must
        already be a probability.
        """
        name = str(series.name)
        numeric = pd.to_numeric(series, errors="coerce")
        bad_text = series.notna() & numeric.isna()
        if bad_text.any():
            examples = ", ".join(_quote(v) for v in pd.unique(series[bad_text])[:_EXAMPLES])
            self.error(
                "score_not_numeric",
                f"The {label} holds text, not numbers.",
                "a probability between 0 and 1 in every row.",
                f"{self.rows(bad_text):,} non-numeric values, e.g. {examples}.",
                "Choose the column of model scores, or clean the file so every score is a number.",
                name,
            )
            return None
        values = numeric.to_numpy(dtype="float64", na_value=np.nan)
        missing = self.rows(np.isnan(values))
        if missing:
            self.error(
                "score_missing",
                f"{_rows_have(missing)} no value in the {label}.",
                "a score for every row.",
                f"{missing:,} empty cells.",
                "Fill in the scores, or score the rows with the model.",
                name,
            )
            return None
        if scale is not None:
            return self._rescale(values, scale, label, name)
        outside = (values < 0) | (values > 1)
        if outside.any():
            self.error(
                "score_out_of_range",
                f"The {label} has values outside 0 to 1.",
                "probabilities between 0 and 1.",
                f"{self.rows(outside):,} values outside, from {values.min():.4g} to "
                f"{values.max():.4g}.",
                "Use the model's probability output (not a raw margin or a 0-100 score), or "
                "rescale the column to 0-1.",
                name,
            )
            return None
        return values

    def _rescale(
        self, values: np.ndarray, scale: ScoreScale, label: str, name: str
    ) -> np.ndarray | None:
        low, high = (float(values.min()), float(values.max())) if len(values) else (0.0, 1.0)
        if self.roles.score_range is None and (low < 0 or high > 1):
            outside = self.rows((values < 0) | (values > 1))
            direction = "" if self.roles.higher_score_favourable else " --higher-score-unfavourable"
            self.error(
                "score_out_of_range",
                f"The {label} has values from {low:g} to {high:g}, not probabilities from 0 to 1.",
                "scores from 0 to 1, or the scale the scores are written on.",
                f"{outside:,} values outside 0 to 1, from {low:g} to {high:g}.",
                f"Set the score's scale, e.g. from {low:g} to {high:g}: under 'Score scale' "
                f"on the Data & model page, or with --score-range {low:g} {high:g}"
                f"{direction} on the command line. Say too whether a higher score means the "
                "favourable or the unfavourable decision (for a risk score, the unfavourable "
                "one).",
                name,
            )
            return None
        outside_scale = (values < scale.low) | (values > scale.high)
        if outside_scale.any():
            self.error(
                "score_outside_scale",
                f"The {label} has values outside the scale set for it "
                f"({scale.low:g} to {scale.high:g}).",
                f"every score from {scale.low:g} to {scale.high:g}.",
                f"{self.rows(outside_scale):,} values outside, from {low:g} to {high:g}.",
                f"Widen the scale to cover them, e.g. from {min(low, scale.low):g} to "
                f"{max(high, scale.high):g}, or choose another score column.",
                name,
            )
            return None
        return scale.to_audit(values)

    def check_model(self, positive: Hashable) -> tuple[np.ndarray | None, np.ndarray | None]:
        model = self.model
        if model is None:  # guarded by the caller; keeps the type checker informed
            return None, None
        names = set(map(str, self.frame.columns))
        expected = model.feature_names or ()
        missing = [c for c in expected if c not in names]
        if missing:
            extra = [c for c in self.frame.columns if c not in set(expected)]
            self.error(
                "model_features_missing",
                f"The model '{model.name}' needs columns the data does not have.",
                f"all {len(expected)} model inputs: {', '.join(expected)}.",
                f"missing {', '.join(repr(c) for c in missing)}; the data also has "
                f"{len(extra)} columns the model does not use"
                + (f" ({', '.join(repr(str(c)) for c in extra[:8])})." if extra else "."),
                "Upload the data the model was built for, or rename the columns to match.",
            )
            return None, None
        try:
            scores = np.asarray(model.score(self.frame, positive_label=positive), dtype="float64")
        except FairnessCoreError as exc:
            self.error(
                "model_failed",
                f"The model '{model.name}' could not score the data.",
                "the model to give a probability for every row.",
                str(exc),
                "Check the model matches this data (same columns, same category spellings).",
            )
            return None, None
        series = pd.Series(scores, name=f"score from {model.name}")
        checked = self.check_scores(series, f"model's output ('{model.name}')")
        if checked is None:
            return None, None
        return (checked >= self.roles.threshold).astype(np.int8), checked

    # -- weights, protected attributes, features -----------------------------------
    def check_weight(self) -> np.ndarray | None:
        name = self.roles.weight
        if not name or name not in self.usable:
            return None
        weight = pd.to_numeric(self.col(name), errors="coerce").to_numpy("float64", na_value=np.nan)
        bad = ~np.isfinite(weight) | (weight < 0)
        if bad.any() or not weight.any():
            self.error(
                "bad_weight",
                f"The sample weight column '{name}' has unusable values.",
                "a non-negative number in every row, not all zero.",
                f"{self.rows(bad):,} rows empty, negative or not a number"
                + ("; every weight is zero." if not bad.any() else "."),
                "Fix the weights, or clear the sample weight role to count every row once.",
                name,
            )
            return None
        return weight

    def check_protected(self) -> list[GroupColumn]:
        groups = []
        for name in self.roles.protected:
            if name not in self.usable:
                continue
            series = self.col(name)
            binning = self.roles.binning_for(name)
            levels = int(series.nunique(dropna=True))
            numeric = pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(
                series
            )
            if binning is not None and not numeric:
                self.error(
                    "bins_on_text",
                    f"The protected attribute '{name}' is text and cannot be cut into bands.",
                    "numbers (e.g. age in years) for bands.",
                    f"text values, e.g. {_examples(_distinct(series))}.",
                    "Turn off bands for this column; it is grouped by its values.",
                    name,
                )
                continue
            if binning is None and numeric and levels > NUMERIC_LEVELS_WITHOUT_BINS:
                self.error(
                    "numeric_protected",
                    f"The protected attribute '{name}' is numeric with {levels:,} distinct values.",
                    "a few groups; numbers such as age need bands (e.g. under 25, 25–34, …).",
                    f"values from {series.min():,.4g} to {series.max():,.4g}.",
                    f"Cut '{name}' into bands (age bands or equal-size quarters).",
                    name,
                )
                continue
            if binning is None and levels > MAX_GROUP_LEVELS:
                self.error(
                    "too_many_levels",
                    f"The protected attribute '{name}' has {levels:,} distinct values.",
                    f"a few groups (at most {MAX_GROUP_LEVELS}) with enough rows each to judge.",
                    f"{levels:,} groups, e.g. {_examples(_distinct(series))}.",
                    "Choose another column, or group the values into a few categories before "
                    "uploading (e.g. map countries to regions).",
                    name,
                )
                continue
            group = encode_groups(
                series,
                binning=binning,
                labels=self.roles.labels_for(name),
                row_counts=self.row_counts,
            )
            missing = self.rows(series.isna())
            if missing:
                self.warn(
                    "protected_missing",
                    f"{_rows_have(missing)} no value for the protected attribute '{name}'.",
                    "a value for every row.",
                    f"{missing:,} of {self.total:,} rows empty.",
                    f"They are kept and shown as their own group, '{MISSING_GROUP}'. Fill them "
                    "in if the values are known.",
                    name,
                )
            groups.append(group)
        return groups

    def check_features(self) -> None:
        features = [c for c in self.roles.features if c in self.usable]
        if self.model is None or not self.model.feature_names or not features:
            return
        expected = set(self.model.feature_names)
        extra = [c for c in features if c not in expected]
        if extra:
            self.warn(
                "features_not_in_model",
                f"{len(extra)} chosen feature columns are not inputs of the model.",
                "feature columns that the model uses.",
                f"{', '.join(repr(c) for c in extra[:8])}.",
                "They are shown in what-if views but do not change the model's score.",
            )

    def build(
        self,
        positive: Hashable,
        y_pred: np.ndarray,
        y_score: np.ndarray | None,
        weights: np.ndarray | None,
        groups: list[GroupColumn],
    ) -> AuditData:
        target = self.col(self.roles.target)
        keep = target.notna().to_numpy()
        y_true = values_equal(target, positive).astype(np.int8)
        if not keep.all():
            groups = [GroupColumn(g.name, g.labels, g.codes[keep], g.binned) for g in groups]
        return AuditData(
            frame=self.frame.loc[keep].reset_index(drop=True) if not keep.all() else self.frame,
            roles=self.roles,
            positive_label=positive,
            y_true=y_true[keep],
            y_pred=y_pred[keep],
            y_score=None if y_score is None else y_score[keep],
            sample_weight=None if weights is None else weights[keep],
            groups=tuple(groups),
            warnings=tuple(p for p in self.problems if p.severity == "warning"),
        )


def _distinct(series: pd.Series) -> list[Hashable]:
    values = [v.item() if isinstance(v, np.generic) else v for v in pd.unique(series.dropna())]
    try:
        return sorted(values)
    except TypeError:
        return sorted(values, key=str)


def _canon(value: object) -> str:
    """A label's spelling for matching: 1, 1.0, "1" and True all read "1"."""
    if isinstance(value, (bool, np.bool_)):
        return "1" if value else "0"
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value).strip()


def _match_label(values: list[Hashable], wanted: object) -> Hashable | None:
    """The value among ``values`` that ``wanted`` names, tolerating 1 / "1" / True."""
    for value in values:
        if type(value) is type(wanted) and value == wanted:
            return value
    for value in values:
        if _canon(value).lower() == _canon(wanted).lower():
            return value
    return None


def _default_positive(values: list[Hashable]) -> Hashable | None:
    """Only unambiguous codings get a default: {0, 1} and {False, True} → 1 / True."""
    spelled = {_canon(v) for v in values}
    if spelled == {"0", "1"}:
        return _match_label(values, 1)
    return None


def values_equal(series: pd.Series, label: Hashable) -> np.ndarray:
    """Rows whose value names ``label``; missing values never match.

    Labels are compared on the few distinct values, then broadcast through the codes,
    so a 10M-row column costs one factorize rather than 10M Python calls.
    """
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    wanted = _canon(label)
    hits = np.array([_canon(u) == wanted for u in uniques] + [False], dtype=bool)
    return hits[codes]  # code -1 (missing) picks the trailing False


def _examples(values: list[Hashable]) -> str:
    return ", ".join(_quote(v) for v in values[:_EXAMPLES])


def _rows_have(count: int) -> str:
    return "1 row has" if count == 1 else f"{count:,} rows have"


def _quote(value: object) -> str:
    return f"'{value}'"
