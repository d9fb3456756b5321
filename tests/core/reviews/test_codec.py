"""The objects a review holds come back from JSON equal, and nothing else is built."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from fairness_core.data import Binning, ColumnRoles, check_audit_data, get_demo
from fairness_core.dataset_check import Cohort, SliceCondition, find_slices
from fairness_core.errors import InvalidInputError
from fairness_core.metrics import SubgroupSettings, compute_subgroup_report, metric_table
from fairness_core.report import Finding, OperatingPointRecord, make_finding
from fairness_core.reviews import allowed_classes, decode, encode
from fairness_core.tradeoffs import evaluate_operating_point, find_strategy, sweep_thresholds


def through_json(obj: Any) -> Any:
    """``obj`` encoded, written as strict JSON text, read and decoded, as the store does."""
    return decode(json.loads(json.dumps(encode(obj), allow_nan=False)))


@pytest.fixture(scope="module")
def loan() -> Any:
    demo = get_demo("loan")
    dataset = demo.load_test()
    return demo, dataset, check_audit_data(dataset.frame, demo.roles)


@pytest.fixture(scope="module")
def finding(loan: Any) -> Finding:
    _demo, dataset, audit = loan
    report = compute_subgroup_report(audit, attributes=["race", "gender"], n_bootstrap=50)
    return make_finding(
        title="Race × gender gap", page="Subgroups", severity="concern", note="<b>look</b>",
        summary="Black women are approved less often.", data_name=dataset.name,
        data_sha256=dataset.sha256, settings={"attributes": ["race", "gender"], "alpha": 0.05},
        figure=json.dumps({"data": [{"type": "bar", "y": [0.1, 0.2]}], "layout": {}}),
        table=metric_table(report, "selection_rate"),
    )  # fmt: skip


@pytest.fixture(scope="module")
def operating_point(loan: Any) -> OperatingPointRecord:
    _, dataset, audit = loan
    assert audit.y_score is not None
    sweep = sweep_thresholds([audit.group("race")], audit.y_true, audit.y_score, max_thresholds=300)
    evaluation = evaluate_operating_point(
        sweep, find_strategy(sweep, "demographic_parity", randomized=True, tolerance=0.0)
    )
    return OperatingPointRecord(
        title="Equal selection", criterion="demographic_parity", strategy="demographic_parity",
        randomized=evaluation.point.randomized, thresholds=evaluation.thresholds,
        per_group=evaluation.per_group, change_summary=evaluation.change_summary,
        rationale="Agreed with the panel.", settings={"criterion": "demographic_parity"},
        created="2026-11-23T10:00:00+00:00", data_name=dataset.name,
        data_sha256=dataset.sha256, rules=tuple(rule.to_dict() for rule in evaluation.rules),
        warnings=evaluation.warnings, degenerate=evaluation.degenerate,
        group_specific=evaluation.group_specific,
    )  # fmt: skip


def test_a_finding_round_trips_with_its_table_and_figure(finding: Finding) -> None:
    """Every field comes back; the table with its dtypes, the figure as the same JSON text."""
    assert finding.table is not None
    assert len(finding.table) > 4
    back = through_json(finding)
    assert isinstance(back, Finding)
    assert back == finding  # compares every field but the table
    assert back.figure == finding.figure
    assert back.table is not None
    assert_frame_equal(back.table, finding.table, check_exact=True)


def test_an_operating_point_round_trips_exactly(operating_point: OperatingPointRecord) -> None:
    """Tables, rule thresholds float for float, warnings: the record reads back whole."""
    record = operating_point
    assert record.rules
    assert record.randomized
    back = through_json(record)
    assert isinstance(back, OperatingPointRecord)
    assert back == record
    assert_frame_equal(back.thresholds, record.thresholds, check_exact=True)
    assert_frame_equal(back.per_group, record.per_group, check_exact=True)
    assert back.rules == record.rules  # compare=False on the class: checked here
    assert isinstance(back.rules, tuple)
    assert isinstance(back.warnings, tuple)
    for field in dataclasses.fields(record):
        assert type(getattr(back, field.name)) is type(getattr(record, field.name)), field.name


def test_cohorts_from_a_slice_search_round_trip(loan: Any) -> None:
    """Cohorts (with banded, missing and plain conditions) come back equal, as tuples."""
    _, dataset, audit = loan
    report = find_slices(audit, features=["race", "gender", "age"], min_support=30)
    cohorts = [Cohort.of(c) for c in report.table["conditions"]]
    cohorts.append(
        Cohort("odd", (SliceCondition("income", "missing", missing=True),
                       SliceCondition("age", "under 25", high=25.0, banded=True)))
    )  # fmt: skip
    assert any(c.banded for cohort in cohorts for c in cohort.conditions)
    back = through_json(cohorts)
    assert back == cohorts
    assert all(isinstance(c.conditions, tuple) for c in back)
    # The decoded cohort selects the same rows.
    assert np.array_equal(back[0].mask(dataset.frame), cohorts[0].mask(dataset.frame))


def test_column_roles_round_trip_with_their_bins(loan: Any) -> None:
    """The demo's roles (age bands, a positive label) and roles with other label types."""
    demo, _, _ = loan
    assert demo.roles.bins
    for roles in (
        demo.roles,
        ColumnRoles(target="hired", protected=("sex",), positive_label="yes", source="model",
                    features=("x",), bins=(Binning("age", quantiles=5),)),
        ColumnRoles(target="t", protected=(), positive_label=True, threshold=0.375),
    ):  # fmt: skip
        back = through_json(roles)
        assert back == roles
        assert type(back.positive_label) is type(roles.positive_label)
        assert all(isinstance(b, Binning) and isinstance(b.edges, tuple) for b in back.bins)


def test_subgroup_settings_round_trip() -> None:
    """Defaults and every field set: equal after the trip, options() unchanged."""
    for settings in (
        SubgroupSettings(attributes=("race",)),
        SubgroupSettings(attributes=("race", "gender"), metrics=("selection_rate",),
                         reference="largest", min_n=40, correction="benjamini-hochberg",
                         alpha=0.01, suppress_below=10),
    ):  # fmt: skip
        back = through_json(settings)
        assert back == settings
        assert back.options() == settings.options()


def test_plain_values_keep_their_types() -> None:
    """Tuples, non-text keys, NaN/inf, numpy scalars and pd.NA survive JSON."""
    value = {
        "tuple": (1, "a", (2.5, None)),
        "list": [1, 2],
        1: "int key",
        (1, "x"): "tuple key",
        2.5: "float key",
        "nan": float("nan"),
        "inf": (float("inf"), float("-inf")),
        "numpy": [np.int64(7), np.float32(0.5), np.bool_(True)],
        "na": pd.NA,
        "__type__": "not a tag here",
    }
    back = through_json(value)
    assert back["tuple"] == (1, "a", (2.5, None))
    assert back[1] == "int key"
    assert back[(1, "x")] == "tuple key"
    assert back[2.5] == "float key"
    assert np.isnan(back["nan"])
    assert back["inf"] == (float("inf"), float("-inf"))
    assert back["numpy"] == [7, 0.5, True]
    assert [type(v) for v in back["numpy"]] == [int, float, bool]
    assert back["na"] is pd.NA
    assert back["__type__"] == "not a tag here"
    assert back["list"] == [1, 2]


def test_numpy_scalars_are_written_as_plain_json_numbers() -> None:
    """No tag for numpy numbers: the JSON a reader sees is plain."""
    assert encode({"n": np.int64(3), "x": np.float64(0.25), "b": np.bool_(False)}) == {
        "n": 3,
        "x": 0.25,
        "b": False,
    }


def _every_dtype() -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "int": np.array([1, -2, 3], dtype="int64"),
            "int8": np.array([1, 2, 3], dtype="int8"),
            "uint": np.array([1, 2, 3], dtype="uint32"),
            "float": [0.1, np.nan, np.inf],
            "float32": np.array([0.1, 0.2, -np.inf], dtype="float32"),
            "bool": [True, False, True],
            "str": pd.Series(["a", None, "ç"]),
            "object": pd.Series(["x", None, "z"], dtype=object),
            "mixed": pd.Series([1, "two", 3.5], dtype=object),
            "category": pd.Categorical(["lo", "hi", None], categories=["lo", "hi", "mid"],
                                       ordered=True),
            "Int64": pd.array([1, None, 3], dtype="Int64"),
            "boolean": pd.array([True, None, False], dtype="boolean"),
            "Float64": pd.array([0.5, None, 1.5], dtype="Float64"),
            "string": pd.array(["a", None, "b"], dtype="string"),
            "when": pd.to_datetime(["2024-01-01", None, "2024-03-01T12:30:00"], format="ISO8601"),
            "when_tz": pd.to_datetime(["2024-01-01", None, "2024-07-01"]).tz_localize(
                "Europe/Paris"
            ),
        }
    )  # fmt: skip
    frame[7] = [0.5, 1.5, 2.5]  # a column name that is not text
    frame[(1, "a")] = [1, 2, 3]
    frame[2.5] = ["p", "q", "r"]
    return frame


def test_every_column_type_round_trips_exactly() -> None:
    """Each supported dtype, non-text column names, NaN and missing values come back exact."""
    frame = _every_dtype()
    back = through_json(frame)
    assert_frame_equal(back, frame, check_exact=True)
    assert list(back.columns) == list(frame.columns)
    assert back["object"].dtype == object  # not turned into pandas' str


@pytest.mark.parametrize(
    "index",
    [
        pd.Index(["r1", "r2", "r3"], name="row"),
        pd.Index([10, 3, 7]),
        pd.Index([0.5, np.nan, 2.0], name="x"),
        pd.RangeIndex(5, 11, 2, name="n"),
        pd.CategoricalIndex(["a", "b", "a"]),
        pd.MultiIndex.from_tuples([("a", 1), ("a", 2), ("b", 1)], names=["g", "k"]),
    ],
    ids=["text", "int", "float", "range", "category", "multi"],
)
def test_a_meaningful_index_round_trips(index: pd.Index) -> None:
    """Row labels other than 0..n-1 (text, numbers, ranges, categories, levels) survive."""
    frame = _every_dtype().set_axis(index)
    assert_frame_equal(through_json(frame), frame, check_exact=True)


def test_edge_shaped_tables_round_trip() -> None:
    """No columns, no rows, repeated column names, a columns index with a name."""
    named = pd.DataFrame({"a": [1]})
    named.columns.name = "metric"
    for frame in (
        pd.DataFrame(),
        pd.DataFrame(index=pd.Index(["a", "b"])),
        pd.DataFrame({"a": pd.Series([], dtype="float64"), "b": pd.Series([], dtype="str")}),
        pd.DataFrame([[1, 2]], columns=["a", "a"]),
        pd.DataFrame([[1, 2]]),
        named,
    ):
        assert_frame_equal(through_json(frame), frame, check_exact=True)


def test_an_unsupported_column_type_is_refused_when_saving() -> None:
    """A column type the codec does not know is a programming error, said plainly."""
    frame = pd.DataFrame({"gap": pd.to_timedelta([1, 2], unit="D")})
    with pytest.raises(ValueError, match="table column of type timedelta64"):
        encode(frame)


@pytest.mark.parametrize("value", [{1, 2}, np.arange(3), object(), Binning], ids=repr)
def test_values_a_review_cannot_hold_are_refused(value: object) -> None:
    """Sets, arrays, arbitrary objects and classes are not stored."""
    with pytest.raises(ValueError, match="cannot store"):
        encode(value)


def test_a_dataclass_outside_the_allowlist_is_refused_when_saving() -> None:
    """Only the allowlisted classes may be written."""

    @dataclasses.dataclass(frozen=True)
    class Finding:  # same name as the real one: still refused
        id: str

    with pytest.raises(ValueError, match="only Finding"):
        encode(Finding("x"))


@pytest.mark.parametrize(
    "tag", ["os.system", "subprocess.Popen", "AuditData", "GroupCounts", "builtins.eval", ""]
)
def test_a_type_outside_the_allowlist_is_refused_when_reading(tag: str) -> None:
    """A stored document naming any other type is refused, nothing is imported or built."""
    with pytest.raises(InvalidInputError, match="which a review may not hold"):
        decode({"findings": [{"__type__": tag, "args": ["rm -rf /"]}]})


def test_the_allowlist_is_exactly_the_review_classes() -> None:
    """The classes a stored review may name, and no more."""
    assert set(allowed_classes()) == {
        "Finding",
        "OperatingPointRecord",
        "Cohort",
        "SliceCondition",
        "ColumnRoles",
        "Binning",
        "SubgroupSettings",
    }


@pytest.mark.parametrize(
    "document",
    [
        {"__type__": "Finding", "id": "x"},  # required fields missing
        {"__type__": "SubgroupSettings", "attributes": ("race",), "min_n": "thirty"},
        {"__type__": "SubgroupSettings", "attributes": {"__type__": "tuple", "items": 3}},
        {"__type__": "Binning", "column": "age", "edges": "25"},
        {"__type__": "float", "value": "1e999"},
        {"__type__": 3},
        {"__type__": "DataFrame", "columns": {"range": [0, 2, 1]}, "data": []},
        {"__type__": "DataFrame", "columns": {"range": [0, 1, 0]}, "data": []},
        {
            "__type__": "DataFrame",
            "columns": {"range": [0, 1, 1], "name": None},
            "data": [{"dtype": "category", "codes": [5], "ordered": False,
                      "categories": {"dtype": "object", "values": ["a"]}}],
        },
        {
            "__type__": "DataFrame",
            "columns": {"range": [0, 1, 1], "name": None},
            "data": [{"dtype": "int64", "values": ["1"]}],
        },
        {
            "__type__": "DataFrame",
            "columns": {"range": [0, 1, 1], "name": None},
            "data": [{"dtype": "complex128", "values": []}],
        },
        {
            "__type__": "DataFrame",
            "columns": {"range": [0, 2, 1], "name": None},
            "data": [{"dtype": "int64", "values": [1]}, {"dtype": "int64", "values": [1, 2]}],
        },
        {"__type__": "Finding", "table": {"__type__": "NA"}},
        {**encode(make_finding(title="t", page="p", data_name="d", data_sha256="")),
         "severity": "urgent"},  # outside the Literal
        {**encode(make_finding(title="t", page="p", data_name="d", data_sha256="")),
         "settings": {"alpha": 0.05}},  # settings are text
        {**encode(make_finding(title="t", page="p", data_name="d", data_sha256="")),
         "table": [[1, 2]]},
        {"__type__": "ColumnRoles", "target": "y", "protected": ["g"], "source": "eval"},
        {"__type__": "ColumnRoles", "target": "y", "protected": ["g"],
         "bins": [{"__type__": "SubgroupSettings", "attributes": ["g"]}]},
        {"__type__": "Cohort", "name": "c", "conditions": ["race = Black"]},
        {"__type__": "SubgroupSettings", "attributes": ["race"], "min_n": True},
    ],
)  # fmt: skip
def test_a_malformed_document_gives_a_plain_error(document: dict[str, Any]) -> None:
    """Crafted or damaged JSON is an InvalidInputError saying the review cannot be read."""
    with pytest.raises(InvalidInputError, match="The saved review could not be read"):
        decode(document)


def test_a_deeply_nested_document_is_refused() -> None:
    """Nesting cannot exhaust the stack."""
    document: Any = 1
    for _ in range(5000):
        document = [document]
    with pytest.raises(InvalidInputError, match="nested more than"):
        decode(document)


def test_an_older_document_missing_a_defaulted_field_still_reads(
    operating_point: OperatingPointRecord,
) -> None:
    """Dropping fields that have defaults (as a document written before they existed)."""
    data = json.loads(json.dumps(encode(operating_point)))
    for key in ("rules", "warnings", "degenerate", "group_specific", "created"):
        del data[key]
    old = decode(data)
    assert (old.rules, old.warnings, old.degenerate, old.group_specific) == ((), (), False, False)
    assert old.created == ""
    assert_frame_equal(old.per_group, operating_point.per_group)


def test_every_allowlisted_class_reads_back_without_each_defaulted_field() -> None:
    """For each class and each field with a default, a document without it decodes."""
    samples = {
        "Finding": make_finding(title="t", page="p", data_name="d", data_sha256="0" * 64),
        "OperatingPointRecord": OperatingPointRecord(
            title="t", criterion="c", strategy="s", randomized=False,
            thresholds=pd.DataFrame({"group": ["a"]}), per_group=pd.DataFrame({"n": [1]}),
            change_summary="", rationale="",
        ),
        "Cohort": Cohort("c", (SliceCondition("race", "Black"),)),
        "SliceCondition": SliceCondition("race", "Black"),
        "ColumnRoles": ColumnRoles(target="y", protected=("g",)),
        "Binning": Binning("age"),
        "SubgroupSettings": SubgroupSettings(attributes=("race",)),
    }  # fmt: skip
    assert set(samples) == set(allowed_classes())
    for name, obj in samples.items():
        encoded = encode(obj)
        for field in dataclasses.fields(obj):  # type: ignore[arg-type]
            has_default = field.default is not dataclasses.MISSING
            if has_default or field.default_factory is not dataclasses.MISSING:
                partial = {k: v for k, v in encoded.items() if k != field.name}
                back = decode(partial)
                assert type(back).__name__ == name
                expected = field.default if has_default else field.default_factory()  # type: ignore[misc]
                assert getattr(back, field.name) == expected


def test_a_newer_document_with_an_unknown_field_still_reads() -> None:
    """A field written by a newer version is ignored, not an error."""
    data = encode(SubgroupSettings(attributes=("race",)))
    data["added_later"] = 3
    assert decode(data) == SubgroupSettings(attributes=("race",))


def test_a_field_added_to_a_class_round_trips_without_codec_changes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The codec reads the fields of the class, so a new field (like an id) needs no change."""

    @dataclasses.dataclass(frozen=True)
    class Binning:
        column: str
        edges: tuple[float, ...] = ()
        quantiles: int = 4
        label_style: str = "range"  # a field added later

    classes = dict(allowed_classes())
    classes["Binning"] = Binning
    monkeypatch.setattr("fairness_core.reviews._codec.allowed_classes", lambda: classes)
    value = Binning("age", (25.0,), 4, "words")
    assert through_json(value) == value
