"""check_audit_data lists every problem at once and returns clean arrays when it can."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fairness_core.data import (
    AGE_BAND_EDGES,
    MISSING_GROUP,
    Binning,
    ColumnRoles,
    check_audit_data,
    find_problems,
)
from fairness_core.errors import ValidationFailedError


def frame(n: int = 8) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "gender": ["female", "male"] * (n // 2),
            "age": [19, 23, 31, 40, 52, 61, 70, 28][:n],
            "score": np.linspace(0, 1, n),
            "decision": ["approved", "denied"] * (n // 2),
            "outcome": ["approved", "approved", "denied", "denied"] * (n // 4),
            "w": [1.0] * n,
        }
    )


ROLES = ColumnRoles(
    target="outcome",
    positive_label="approved",
    protected=("gender",),
    source="score",
    score="score",
)


class FakeModel:
    """The scoring protocol validation needs, with fixed inputs."""

    name = "fake.skops"
    feature_names = ("age", "income")

    def score(self, data: pd.DataFrame, *, positive_label: object) -> np.ndarray:
        return np.full(len(data), 0.7)


def test_valid_data_gives_aligned_arrays() -> None:
    """Outcome, decision and scores come back as 0/1 and float arrays, row by row."""
    audit = check_audit_data(frame(), ROLES)
    assert audit.y_true.tolist() == [1, 1, 0, 0, 1, 1, 0, 0]
    assert audit.y_pred.tolist() == (frame()["score"] >= 0.5).astype(int).tolist()
    assert audit.y_score is not None
    np.testing.assert_array_equal(audit.y_score, frame()["score"].to_numpy())
    assert audit.group("gender").labels == ("female", "male")
    assert audit.group("gender").codes.tolist() == [0, 1] * 4


def test_prediction_column_coded_like_the_target() -> None:
    """A decision column using the target's words is read against the positive value."""
    roles = ColumnRoles(
        target="outcome", positive_label="approved", protected=("gender",), prediction="decision"
    )
    audit = check_audit_data(frame(), roles)
    assert audit.y_pred.tolist() == [1, 0] * 4


def test_positive_label_matches_across_spellings() -> None:
    """Asking for positive value "1" finds the integer 1 in the target."""
    data = pd.DataFrame({"g": ["a", "b"] * 2, "y": [1, 0, 0, 1], "p": [1, 1, 0, 0]})
    roles = ColumnRoles(target="y", positive_label="1", protected=("g",), prediction="p")
    audit = check_audit_data(data, roles)
    assert audit.positive_label == 1
    assert audit.y_true.tolist() == [1, 0, 0, 1]


def test_every_problem_is_reported_at_once() -> None:
    """Missing columns, a bad score and a role clash are all listed in one error."""
    data = frame().assign(score=np.linspace(0, 5, 8))
    roles = ColumnRoles(
        target="outcome",
        positive_label="approved",
        protected=("gender", "race"),
        source="score",
        score="score",
        weight="nope",
        features=("gender",),
    )
    with pytest.raises(ValidationFailedError) as caught:
        check_audit_data(data, roles)
    codes = [p.code for p in caught.value.problems]
    assert codes.count("missing_column") == 2
    message = str(caught.value)
    assert message.startswith("The data cannot be audited yet (2 problems):")
    assert "The protected attribute column 'race' is not in the file." in message
    assert "The sample weight column 'nope' is not in the file." in message


def test_score_errors_are_found_when_columns_exist() -> None:
    """Scores outside 0..1 are named with their range and how to fix them."""
    problems = find_problems(frame().assign(score=np.linspace(-1, 3, 8)), ROLES)
    (problem,) = problems
    assert problem.code == "score_out_of_range"
    assert problem.found == "6 values outside 0 to 1, from -1 to 3."
    assert "--score-range -1 3" in problem.fix
    assert "'Score scale'" in problem.fix


def test_role_conflict_is_an_error() -> None:
    """The same column as target and protected attribute is refused."""
    roles = ColumnRoles(
        target="gender", positive_label="female", protected=("gender",), prediction="decision"
    )
    problems = find_problems(frame(), roles)
    assert [p.code for p in problems] == ["role_conflict"]
    assert problems[0].what == "Column 'gender' is chosen as both target and protected attribute."


def test_missing_protected_values_are_kept_as_a_group() -> None:
    """Rows without a protected value are counted in the '(missing)' group, never dropped."""
    data = frame()
    data.loc[[2, 5], "gender"] = None
    audit = check_audit_data(data, ROLES)
    group = audit.group("gender")
    assert group.labels[-1] == MISSING_GROUP
    assert group.counts.tolist() == [3, 3, 2]
    assert audit.n_rows == 8
    assert [w.code for w in audit.warnings] == ["protected_missing"]


def test_rows_without_outcome_are_left_out_with_a_warning() -> None:
    """Rows whose outcome is missing leave every array, and a warning counts them."""
    data = frame()
    data.loc[0, "outcome"] = None
    audit = check_audit_data(data, ROLES)
    assert audit.n_rows == 7
    assert len(audit.frame) == 7
    assert len(audit.group("gender").codes) == 7
    assert audit.warnings[0].what == "1 row has no value in the target column 'outcome'."


def test_numeric_protected_attribute_needs_bands_then_works() -> None:
    """Age is refused as raw numbers, then accepted cut into age bands."""
    data = pd.concat([frame()] * 2, ignore_index=True)
    data["age"] = range(18, 34)
    roles = ColumnRoles(**{**ROLES.__dict__, "protected": ("age",)})
    assert [p.code for p in find_problems(data, roles)] == ["numeric_protected"]
    banded = ColumnRoles(**{**roles.__dict__, "bins": (Binning("age", edges=AGE_BAND_EDGES),)})
    group = check_audit_data(data, banded).group("age")
    assert group.labels == ("under 25", "25–34", "35–44", "45–54", "55–64", "65 and over")
    assert group.counts.tolist() == [7, 9, 0, 0, 0, 0]


def test_weights_must_be_non_negative_numbers() -> None:
    """A negative weight is an error naming the weight column."""
    roles = ColumnRoles(**{**ROLES.__dict__, "weight": "w"})
    data = frame().assign(w=[1, 2, -1, 1, 1, 1, 1, 1])
    (problem,) = find_problems(data, roles)
    assert problem.code == "bad_weight"
    assert check_audit_data(frame(), roles).sample_weight is not None


def test_model_feature_mismatch_lists_missing_and_extra_columns() -> None:
    """A model needing 'income' is refused on data without it; extra columns are listed."""
    roles = ColumnRoles(**{**ROLES.__dict__, "source": "model", "score": None})
    problems = find_problems(frame(), roles, model=FakeModel())
    (problem,) = problems
    assert problem.code == "model_features_missing"
    assert "missing 'income'" in problem.found
    assert "'gender'" in problem.found  # an extra column the model does not use


def test_model_scores_become_decisions() -> None:
    """With a model, scores come from it and decisions from the threshold."""
    roles = ColumnRoles(**{**ROLES.__dict__, "source": "model", "score": None})
    audit = check_audit_data(frame().assign(income=1.0), roles, model=FakeModel())
    assert audit.y_score is not None
    assert audit.y_score.tolist() == [0.7] * 8
    assert audit.y_pred.tolist() == [1] * 8


def test_model_source_without_a_model_is_explained() -> None:
    """Choosing the model as decision source with no model loaded says what to do."""
    roles = ColumnRoles(**{**ROLES.__dict__, "source": "model"})
    (problem,) = find_problems(frame(), roles)
    assert problem.code == "no_model"
    assert "Upload the model" in problem.fix


def test_no_target_chosen_is_explained() -> None:
    """An upload whose target could not be guessed asks the reviewer to choose one."""
    roles = ColumnRoles(**{**ROLES.__dict__, "target": ""})
    (problem,) = find_problems(frame(), roles)
    assert problem.code == "no_target"
    assert problem.what == "No target column is chosen."


@pytest.mark.parametrize(
    ("target", "decisions", "positive"),
    [([0, 1, 1, 0], [0, 0, 0, 0], 1), (["no", "yes", "yes", "no"], ["no"] * 4, "yes")],
)
def test_decisions_that_are_never_positive_are_a_warning_not_an_error(
    target: list[object], decisions: list[object], positive: object
) -> None:
    """A model that turned everyone down is auditable: a warning, and all decisions are 0."""
    frame = pd.DataFrame({"y": target, "pred": decisions, "gender": ["f", "m", "f", "m"]})
    roles = ColumnRoles(
        target="y", positive_label=positive, protected=("gender",), prediction="pred"
    )
    audit = check_audit_data(frame, roles)
    assert [p.code for p in audit.warnings] == ["prediction_never_positive"]
    assert audit.y_pred.tolist() == [0, 0, 0, 0]


def test_decisions_coded_unlike_the_target_are_still_refused() -> None:
    frame = pd.DataFrame({"y": [0, 1, 1, 0], "pred": ["a", "b", "a", "b"], "g": list("fmfm")})
    roles = ColumnRoles(target="y", positive_label=1, protected=("g",), prediction="pred")
    with pytest.raises(ValidationFailedError) as info:
        check_audit_data(frame, roles)
    assert [p.code for p in info.value.problems] == ["prediction_labels"]
