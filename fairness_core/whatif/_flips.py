"""Flip probes: would the decision change if this person belonged to another group?

Vocabulary:

- a *flip probe* is an edit of a *protected attribute* alone (gender from female to male),
  optionally with *proxy* features (zip code) set to what is typical of the other group.
  If the decision changes, the model treats the person differently because of the group;
- with proxies, each move to another group is *decomposed* into three probes: the
  attribute alone, the proxies alone (set to what is typical of the new group, the
  attribute unchanged) and both, so a change that comes from the zip code is never
  credited to being younger (:attr:`RowFlipResult.decomposition`);
- an attribute that is not one of the model's inputs cannot change the score on its own:
  the result says so (:attr:`RowFlipResult.not_model_inputs`) instead of reporting "no
  change" as if the model were blind to it;
- the *dataset flip test* runs that probe on every row: for each other group of the
  attribute, every row not already in it is moved there (one batch prediction per group)
  and the share of decisions that change is reported per group, with an interval.

Rows, scorers and edits are defined in :mod:`fairness_core.whatif`.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from fairness_core.data import MISSING_GROUP, AuditData, GroupColumn
from fairness_core.errors import InvalidInputError
from fairness_core.metrics import wilson_interval
from fairness_core.whatif._edits import (
    MAX_CATEGORIES,
    ModelScorer,
    is_number_column,
    plain_value,
    same_value,
    value_text,
)

__all__ = [
    "CREDIT_WORDS",
    "FlipTestResult",
    "FlipValue",
    "RowFlipResult",
    "compute_flip_test",
    "flip_values",
    "probe_row_flips",
]

_Z95 = 1.959963984540054
#: Kinds of row probe: the attribute alone, the proxies alone, both, one proxy at a value.
PROTECTED, PROXIES_ALONE, BOTH, PROXY = (
    "protected",
    "proxies alone",
    "protected + proxies",
    "proxy",
)
#: What turned the decision around, for each row of a decomposition.
CREDIT_WORDS = {
    "attribute": "the attribute itself",
    "proxies": "the proxies, not the attribute",
    "either": "the attribute alone and the proxies alone each",
    "together": "only the attribute and the proxies together",
    "none": "nothing: the decision stays",
}


@dataclass(frozen=True)
class FlipValue:
    """A group of a protected attribute and the value that puts a row into it."""

    group: str
    group_index: int
    value: Hashable


def flip_values(audit: AuditData, attribute: str) -> tuple[FlipValue, ...]:
    """Each group of ``attribute`` (not "(missing)") with a value that represents it.

    For a text attribute the value is the group itself; for a numeric attribute cut into
    bands it is the median of the band's values (rounded when the column holds whole
    numbers), so "move this 22-year-old to 35–44" sets age to that band's median.
    """
    group = _group(audit, attribute)
    column = audit.frame[attribute]
    values = []
    for index, label in enumerate(group.labels):
        if label == MISSING_GROUP:
            continue
        members = column[group.codes == index].dropna()
        if members.empty:
            continue
        if group.binned:
            numbers = pd.to_numeric(members).to_numpy(dtype=np.float64)
            value: Hashable = float(np.median(numbers))
            if np.all(np.floor(numbers) == numbers):
                value = round(float(np.floor(np.median(numbers))))
        else:
            value = plain_value(members.iloc[0])
        values.append(FlipValue(label, index, value))
    return tuple(values)


@dataclass(frozen=True)
class RowFlipResult:
    """One row's flip probes: score and decision with each protected value changed.

    ``table`` has one row per probe: ``probe`` (plain words), ``attribute``, ``to`` (the
    new group; empty for a proxy at one of its values), ``kind`` ("protected", "proxies
    alone", "protected + proxies" or "proxy"), ``changes`` (what was set), ``score``,
    ``score_change``, ``decision``, ``decision_changed``.
    ``not_model_inputs``: the probed attributes the model does not take as an input
    (changing one alone cannot change the score). ``proxies``: the proxies used.
    """

    table: pd.DataFrame = field(repr=False, compare=False)
    score: float
    decision: int
    threshold: float
    not_model_inputs: tuple[str, ...] = ()
    proxies: tuple[str, ...] = ()

    @property
    def any_changed(self) -> bool:
        """True when some probe turns the decision around."""
        return bool(self.table["decision_changed"].any()) if len(self.table) else False

    @property
    def decomposition(self) -> pd.DataFrame:
        """Per (attribute, new group) with proxies: the attribute alone, the proxies alone, both.

        Columns ``attribute``, ``to``, ``attribute_change`` / ``proxies_change`` /
        ``both_change`` (score changes), ``attribute_flips`` / ``proxies_flips`` /
        ``both_flips`` (decision turned around) and ``credit`` (a key of
        :data:`CREDIT_WORDS`: what turned the decision around). Empty without proxies.
        """
        columns = ["attribute", "to", "attribute_change", "proxies_change", "both_change",
                   "attribute_flips", "proxies_flips", "both_flips", "credit"]  # fmt: skip
        table = self.table
        if not self.proxies or table.empty:
            return pd.DataFrame(columns=columns)
        records = []
        moves = table[table["kind"] == BOTH][["attribute", "to"]].drop_duplicates()
        for attribute, to in moves.itertuples(index=False):
            same = table[(table["attribute"] == attribute) & (table["to"] == to)]
            alone, proxies, both = (same[same["kind"] == k].iloc[0]
                                    for k in (PROTECTED, PROXIES_ALONE, BOTH))  # fmt: skip
            flips = [bool(alone["decision_changed"]), bool(proxies["decision_changed"]),
                     bool(both["decision_changed"])]  # fmt: skip
            records.append(
                {
                    "attribute": attribute,
                    "to": to,
                    "attribute_change": float(alone["score_change"]),
                    "proxies_change": float(proxies["score_change"]),
                    "both_change": float(both["score_change"]),
                    "attribute_flips": flips[0],
                    "proxies_flips": flips[1],
                    "both_flips": flips[2],
                    "credit": _credit(*flips),
                }
            )
        return pd.DataFrame.from_records(records, columns=columns)


def _credit(attribute: bool, proxies: bool, both: bool) -> str:
    """What turned the decision around (see :data:`CREDIT_WORDS`)."""
    if attribute and proxies:
        return "either"
    if attribute:
        return "attribute"
    if proxies:
        return "proxies"
    return "together" if both else "none"


def probe_row_flips(
    scorer: ModelScorer,
    audit: AuditData,
    row: int,
    *,
    attributes: Sequence[str] | None = None,
    proxies: Sequence[str] = (),
) -> RowFlipResult:
    """Re-score row ``row`` with each protected attribute set to every other group.

    With ``proxies`` (features such as a zip code), each move is made three ways: the
    attribute alone, the proxies alone at the value most typical of the new group (most
    common category, or median number, among that group's rows) and both; each proxy is
    also tried alone at each of its observed values (at most :data:`MAX_CATEGORIES`; five
    quantiles for numbers).
    """
    _check_row(audit, row)
    attributes = tuple(attributes) if attributes is not None else audit.roles.protected
    proxies = _check_proxies(audit, scorer, proxies)
    original = audit.frame.iloc[[row]]
    variants: list[pd.DataFrame] = []
    records: list[dict[str, object]] = []

    def add(changes: dict[str, object], probe: str, attribute: str, to: str, kind: str) -> None:
        edited = original.copy()
        for name, value in changes.items():
            edited[name] = pd.Series([value], index=edited.index)
        variants.append(edited)
        text = "; ".join(f"{k} = {value_text(v)}" for k, v in changes.items())
        records.append(
            {"probe": probe, "attribute": attribute, "to": to, "kind": kind, "changes": text}
        )

    listed = ", ".join(proxies)
    for attribute in attributes:
        group = _group(audit, attribute)
        own = int(group.codes[row])
        for flip in flip_values(audit, attribute):
            if flip.group_index == own:
                continue
            move = f"{attribute} → {flip.group}"
            add({attribute: flip.value}, move, attribute, flip.group, PROTECTED)
            if proxies:
                typical = {p: _typical(audit, p, group.codes == flip.group_index) for p in proxies}
                add(
                    typical,
                    f"{listed} as typical of {move} ({attribute} unchanged)",
                    attribute,
                    flip.group,
                    PROXIES_ALONE,
                )
                add(
                    {attribute: flip.value, **typical},
                    f"{move}, with typical {listed}",
                    attribute,
                    flip.group,
                    BOTH,
                )
    for proxy in proxies:
        current = plain_value(original[proxy].iloc[0])
        for value in _proxy_values(audit.frame[proxy]):
            if same_value(value, current):
                continue
            add({proxy: value}, f"{proxy} → {value_text(value)}", proxy, "", PROXY)

    base = scorer.score(original)
    base_score = float(base[0])
    base_decision = int(scorer.decide(base)[0])
    table = pd.DataFrame.from_records(
        records, columns=["probe", "attribute", "to", "kind", "changes"]
    )
    if variants:
        scores = scorer.score(pd.concat(variants, ignore_index=True))
        decisions = scorer.decide(scores)
    else:
        scores = np.empty(0)
        decisions = np.empty(0, dtype=np.int8)
    table["score"] = scores
    table["score_change"] = scores - base_score
    table["decision"] = decisions
    table["decision_changed"] = decisions != base_decision
    blind = tuple(a for a in attributes if a not in scorer.features)
    return RowFlipResult(table, base_score, base_decision, scorer.threshold, blind, proxies)


@dataclass(frozen=True)
class FlipTestResult:
    """The dataset flip test for one protected attribute.

    ``by_group`` has one row per (group, other group): ``group``, ``group_index``, ``to``,
    ``to_index``, ``rows``, ``changed`` (decisions that change), ``changed_share`` with a 95%
    Wilson interval (``changed_ci_low``/``high``), ``to_positive`` and ``to_negative``
    (changes in each direction), ``mean_score_change`` with a 95% normal interval
    (``score_change_ci_low``/``high``), ``min_score_change`` and ``max_score_change``.
    ``rows`` lists the most affected rows (largest absolute score change first).
    ``used_by_model`` says whether the attribute is itself one of the model's inputs.
    """

    attribute: str
    proxies: tuple[str, ...]
    used_by_model: bool
    n_rows: int
    n_probes: int
    n_changed: int
    by_group: pd.DataFrame = field(repr=False, compare=False)
    rows: pd.DataFrame = field(repr=False, compare=False)

    @property
    def changed_share(self) -> float:
        """Share of all probes (row × other group) whose decision changed."""
        return self.n_changed / self.n_probes if self.n_probes else math.nan


def compute_flip_test(
    scorer: ModelScorer,
    audit: AuditData,
    attribute: str,
    *,
    proxies: Sequence[str] = (),
    top: int = 20,
    seed: int = 0,
    scores: np.ndarray | None = None,
) -> FlipTestResult:
    """Move every row to each other group of ``attribute`` and count changed decisions.

    One batch prediction per other group: the rows not already in it, with ``attribute``
    set to the group's value (:func:`flip_values`). With ``proxies``, each proxy is set to
    a value drawn at random (seeded) from that group's own rows, so the moved person also
    "lives where that group lives". Rows whose attribute is missing are not moved: they
    belong to no group to compare with, and "(missing)" is never a group to move into.
    ``scores`` are the model's scores of the unchanged rows, when already known.
    """
    group = _group(audit, attribute)
    proxies = _check_proxies(audit, scorer, proxies)
    frame = audit.frame
    codes = group.codes
    base = scorer.score(frame) if scores is None else np.asarray(scores, dtype=np.float64)
    base_decisions = scorer.decide(base)
    rng = np.random.default_rng(seed)
    flips = flip_values(audit, attribute)
    movable = np.array([label != MISSING_GROUP for label in group.labels])[codes]
    summaries: list[dict[str, object]] = []
    affected: list[pd.DataFrame] = []
    n_probes = n_changed = 0
    for flip in flips:
        rows = np.flatnonzero(movable & (codes != flip.group_index))
        if len(rows) == 0:
            continue
        moved = frame.iloc[rows].copy()
        moved[attribute] = _fill(moved[attribute], flip.value, len(rows))
        donors = np.flatnonzero(codes == flip.group_index)
        for proxy in proxies:
            picks = rng.choice(donors, size=len(rows), replace=True)
            moved[proxy] = frame[proxy].to_numpy()[picks]
        after = scorer.score(moved)
        after_decisions = scorer.decide(after)
        change = after - base[rows]
        changed = after_decisions != base_decisions[rows]
        n_probes += len(rows)
        n_changed += int(changed.sum())
        from_codes = codes[rows]
        for index, label in enumerate(group.labels):
            part = from_codes == index
            n = int(part.sum())
            if n == 0:
                continue
            summaries.append(
                _summary(label, index, flip, n, change[part], changed[part], after_decisions[part])
            )
        affected.append(
            pd.DataFrame(
                {
                    "row": rows,
                    "group": [group.labels[c] for c in from_codes],
                    "to": flip.group,
                    "score_before": base[rows],
                    "score_after": after,
                    "score_change": change,
                    "decision_before": base_decisions[rows],
                    "decision_after": after_decisions,
                }
            )
        )
    by_group = pd.DataFrame.from_records(summaries, columns=_SUMMARY_COLUMNS)
    if affected:
        everything = pd.concat(affected, ignore_index=True)
        order = np.argsort(-np.abs(everything["score_change"].to_numpy()), kind="stable")
        most = everything.iloc[order[:top]].reset_index(drop=True)
    else:
        most = pd.DataFrame(columns=_ROW_COLUMNS)
    return FlipTestResult(
        attribute=attribute,
        proxies=tuple(proxies),
        used_by_model=attribute in scorer.features,
        n_rows=audit.n_rows,
        n_probes=n_probes,
        n_changed=n_changed,
        by_group=by_group.sort_values(["group_index", "to_index"]).reset_index(drop=True),
        rows=most,
    )


_SUMMARY_COLUMNS = [
    "group",
    "group_index",
    "to",
    "to_index",
    "rows",
    "changed",
    "changed_share",
    "changed_ci_low",
    "changed_ci_high",
    "to_positive",
    "to_negative",
    "mean_score_change",
    "score_change_ci_low",
    "score_change_ci_high",
    "min_score_change",
    "max_score_change",
]
_ROW_COLUMNS = [
    "row",
    "group",
    "to",
    "score_before",
    "score_after",
    "score_change",
    "decision_before",
    "decision_after",
]


def _summary(
    label: str,
    index: int,
    flip: FlipValue,
    n: int,
    change: np.ndarray,
    changed: np.ndarray,
    after: np.ndarray,
) -> dict[str, object]:
    k = int(changed.sum())
    low, high = wilson_interval(np.array([k]), np.array([n]))
    mean = float(change.mean())
    sd = float(change.std(ddof=1)) if n > 1 else math.nan
    half = _Z95 * sd / math.sqrt(n) if n > 1 else math.nan
    return {
        "group": label,
        "group_index": index,
        "to": flip.group,
        "to_index": flip.group_index,
        "rows": n,
        "changed": k,
        "changed_share": k / n,
        "changed_ci_low": float(low[0]),
        "changed_ci_high": float(high[0]),
        "to_positive": int((changed & (after == 1)).sum()),
        "to_negative": int((changed & (after == 0)).sum()),
        "mean_score_change": mean,
        "score_change_ci_low": mean - half,
        "score_change_ci_high": mean + half,
        "min_score_change": float(change.min()),
        "max_score_change": float(change.max()),
    }


# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------


def _group(audit: AuditData, attribute: str) -> GroupColumn:
    try:
        return audit.group(attribute)
    except KeyError:
        known = ", ".join(g.name for g in audit.groups)
        raise InvalidInputError(
            f"'{attribute}' is not a protected attribute of this audit. Choose one of: {known}."
        ) from None


def _check_row(audit: AuditData, row: int) -> None:
    if (
        isinstance(row, bool)
        or not isinstance(row, (int, np.integer))
        or not (0 <= int(row) < audit.n_rows)
    ):
        raise InvalidInputError(
            f"row must be a row number between 0 and {audit.n_rows - 1}. Got {row!r} instead."
        )


def _check_proxies(
    audit: AuditData, scorer: ModelScorer, proxies: Sequence[str]
) -> tuple[str, ...]:
    bad = [p for p in proxies if p not in scorer.features]
    if bad:
        raise InvalidInputError(
            f"Proxy features must be inputs of the model; {', '.join(repr(b) for b in bad)} "
            f"{'is' if len(bad) == 1 else 'are'} not. Choose among: {', '.join(scorer.features)}."
        )
    return tuple(dict.fromkeys(proxies))


def _typical(audit: AuditData, column: str, mask: np.ndarray) -> object:
    values = audit.frame[column][mask].dropna()
    if values.empty:
        return None
    if is_number_column(values):
        median = float(values.median())
        whole = bool(np.all(np.floor(values.to_numpy(dtype=np.float64)) == values.to_numpy()))
        return round(median) if whole else median
    return plain_value(values.value_counts().index[0])


def _proxy_values(column: pd.Series) -> list[object]:
    values = column.dropna()
    if is_number_column(values):
        levels = np.quantile(values.to_numpy(dtype=np.float64), [0.1, 0.25, 0.5, 0.75, 0.9])
        whole = bool(np.all(np.floor(values.to_numpy(dtype=np.float64)) == values.to_numpy()))
        return list(dict.fromkeys(round(v) if whole else float(v) for v in levels))
    return [plain_value(v) for v in values.value_counts().index[:MAX_CATEGORIES]]


def _fill(column: pd.Series, value: object, n: int) -> pd.Series:
    if isinstance(value, str) or not is_number_column(column):
        return pd.Series([value] * n, index=column.index, dtype=column.dtype)
    return pd.Series(np.full(n, value), index=column.index)
