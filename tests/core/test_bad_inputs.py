"""Every malformed or hostile file in tests/data/bad_inputs gets its exact, helpful message."""

from __future__ import annotations

from pathlib import Path

import pytest

from fairness_core.data import (
    ColumnRoles,
    DataLimits,
    find_problems,
    load_dataset,
    nested_column_message,
    nested_columns,
    suggest_roles,
)
from fairness_core.errors import DataFormatError, FairnessCoreError, ModelLoadError
from fairness_core.escaping import find_invisible_lookalikes
from fairness_core.models import ModelLimits, ModelPolicy, load_model

CORPUS = Path(__file__).resolve().parents[1] / "data" / "bad_inputs"
ROLES = ColumnRoles(target="y", protected=("gender",), source="score", score="score")

UNREADABLE = {
    "empty.csv": "'empty.csv' is empty. Expected a table with a header row and at least one "
    "data row. Export the data again and check the file is not 0 bytes.",
    "whitespace_only.csv": "'whitespace_only.csv' is empty. Expected a table with a header row "
    "and at least one data row. Export the data again and check the file is not 0 bytes.",
    "one_column.csv": "'one_column.csv' has only one column: no comma, semicolon, tab or pipe "
    "separates its values. Expected a table with at least an outcome column and a protected "
    "attribute column. Export it again as CSV with a standard separator.",
    "ragged_rows.csv": "'ragged_rows.csv': 2 rows have the wrong number of values. Expected 5 "
    "values per row (one per header column); line 8 has 3, line 9 has 6. Fix those rows (the "
    "usual cause is an unquoted separator inside a value, or a missing trailing value) and "
    "upload again.",
    "unclosed_quote.csv": "'unclosed_quote.csv': 1 row has the wrong number of values. "
    "Expected 5 values per row (one per header column); line 2 has 2. Fix those rows (the "
    'usual cause is a quote (") that opens a value but never closes, which swallows the '
    "separators after it) and upload again.",
    "png_renamed.csv": "'png_renamed.csv' is not a text table: it contains binary data. "
    "Expected CSV, Parquet or Excel (.xlsx). Check you chose the right file (a model or an "
    "archive renamed to .csv is refused).",
    "zip_renamed.csv": "'zip_renamed.csv' is a zip archive, not a .csv file. Expected CSV, "
    "Parquet or Excel (.xlsx). If it is an Excel workbook, rename it to .xlsx; if it is a "
    "zipped CSV, unzip it first.",
    "text_named.xlsx": "'text_named.xlsx' is named like an Excel file but its content is not. "
    "Export the file again, or rename it to match its real format.",
    "text_named.parquet": "'text_named.parquet' is named like a Parquet file but its content "
    "is not. Export the file again, or rename it to match its real format.",
    "nul_after_256kb.csv": "'nul_after_256kb.csv' has a NUL (zero) byte on line 14,002, which "
    "a text table never holds: the file may be damaged, cut, or two files joined together. "
    "Export the data again as CSV and check it opens in a spreadsheet.",
    "duplicate_names.parquet": "'duplicate_names.parquet' has more than one column named "
    "'gender'. Each column needs its own name. Rename or remove the repeated columns and export "
    "the file again.",
}

_LIMIT_TAIL = (
    ", so it was not read. A small file that unpacks to this much may have been made to "
    "exhaust the server. Upload a smaller extract (fewer rows or only the columns the audit "
    "needs), or ask the operator to raise the limit ("
)
# file -> (small limits that it passes, its exact message)
OVER_LIMITS = {
    "many_rows.parquet": (
        DataLimits(max_rows=1_000),
        "'many_rows.parquet' has 2,000 rows, more than the limit of 1,000 rows"
        + _LIMIT_TAIL
        + "--max-rows when starting fairness-explorer, or FAIRNESS_EXPLORER_MAX_ROWS).",
    ),
    "unpacks_big.xlsx": (
        DataLimits(max_unpacked_mb=1),
        "'unpacks_big.xlsx' unpacks to 3 MB, more than the limit of 1 MB"
        + _LIMIT_TAIL
        + "--max-unpacked-mb when starting fairness-explorer, or "
        + "FAIRNESS_EXPLORER_MAX_UNPACKED_MB).",
    ),
}


@pytest.mark.parametrize("name", sorted(OVER_LIMITS))
def test_file_over_a_small_limit_gets_exact_message(name: str) -> None:
    """A file past the operator's limits is refused before it is built, naming the limit."""
    limits, message = OVER_LIMITS[name]
    with pytest.raises(DataFormatError) as info:
        load_dataset(CORPUS / name, limits=limits)
    assert str(info.value) == message


def test_many_rows_parquet_is_refused_on_cells_too() -> None:
    """Rows × columns past the cell limit is refused from the Parquet footer (2 × 2,000)."""
    with pytest.raises(DataFormatError, match=r"has 4,000 cells, more than the limit of 3,999"):
        load_dataset(CORPUS / "many_rows.parquet", limits=DataLimits(max_cells=3_999))
    assert load_dataset(CORPUS / "many_rows.parquet", limits=DataLimits(max_cells=4_000)).n_rows


@pytest.mark.parametrize(
    ("name", "encoding"),
    [("utf16_no_bom.csv", "UTF-16 (little-endian)"), ("utf32_bom.csv", "UTF-32")],
)
def test_wide_encodings_are_read(name: str, encoding: str) -> None:
    """UTF-16 without a BOM and UTF-32 are read as text, each as its own encoding."""
    dataset = load_dataset(CORPUS / name)
    assert dataset.encoding == encoding
    assert list(dataset.frame.columns) == ["id", "gender", "score", "pred", "y"]
    assert list(dataset.frame["gender"]) == ["male", "female"] * 3


def test_nested_parquet_columns_are_never_suggested() -> None:
    """List, struct and map columns are named as nested and get no suggested role."""
    frame = load_dataset(CORPUS / "nested_columns.parquet").frame
    assert nested_columns(frame) == ("tags", "address", "attributes")
    suggestion = suggest_roles(frame)
    used = {suggestion.target, suggestion.score, suggestion.prediction, *suggestion.features}
    assert used.isdisjoint({"tags", "address", "attributes"})
    assert suggestion.protected == ("gender",)
    assert nested_column_message(["tags"]).startswith(
        "Column 'tags' holds lists or records (a nested Parquet column), not one value per row"
    )


def test_invisible_lookalike_groups_are_found() -> None:
    """'male' and 'ma<zero-width space>le' are found as values that only look the same."""
    frame = load_dataset(CORPUS / "invisible_groups.csv").frame
    found = find_invisible_lookalikes(frame["gender"].unique())
    assert found == [("male", "ma\u200ble"), ("female", "\u202efemale")]


# file -> (roles overrides, problem code, the problem's exact "what" sentence)
UNAUDITABLE = {
    "header_only.csv": ({}, "no_rows", "The file has column names but no data rows."),
    "duplicate_columns.csv": ({}, "duplicate_column", "Column name 'gender' appears 2 times."),
    "target_one_class.csv": ({}, "target_one_class", "The target column 'y' has only one value."),
    "target_three_values.csv": (
        {},
        "no_positive_label",
        "The target column 'y' has 3 values and no positive value is chosen.",
    ),
    "scores_out_of_range.csv": (
        {},
        "score_out_of_range",
        "The score column 'score' has values from 0 to 62.5, not probabilities from 0 to 1.",
    ),
    "scores_as_text.csv": (
        {},
        "score_not_numeric",
        "The score column 'score' holds text, not numbers.",
    ),
    "prediction_not_binary.csv": (
        {"source": "prediction", "prediction": "pred", "score": None},
        "prediction_not_binary",
        "The prediction column 'pred' is not a yes/no decision.",
    ),
    "protected_many_levels.csv": (
        {},
        "too_many_levels",
        "The protected attribute 'gender' has 400 distinct values.",
    ),
    "protected_numeric.csv": (
        {"protected": ("age",)},
        "numeric_protected",
        "The protected attribute 'age' is numeric with 40 distinct values.",
    ),
}


@pytest.mark.parametrize("name", sorted(UNREADABLE))
def test_unreadable_file_gets_exact_message(name: str) -> None:
    """A file that is not a usable table is refused with what/expected/fix in one message."""
    with pytest.raises(DataFormatError) as caught:
        load_dataset(CORPUS / name)
    assert str(caught.value) == UNREADABLE[name]


@pytest.mark.parametrize("name", sorted(UNAUDITABLE))
def test_unauditable_file_gets_exact_problem(name: str) -> None:
    """A readable file that cannot be audited names the exact problem."""
    overrides, code, what = UNAUDITABLE[name]
    roles = ColumnRoles(**{**ROLES.__dict__, **overrides})
    problems = find_problems(load_dataset(CORPUS / name).frame, roles)
    errors = {p.code: p for p in problems if p.severity == "error"}
    assert code in errors, [p.message() for p in problems]
    assert errors[code].what == what
    assert errors[code].fix  # every error says how to fix it


# model file -> its exact refusal
MODELS = {
    "type_name_shell.skops": "The model file 'type_name_shell.skops' uses 1 type(s) that are "
    "not on the list of safe types, so it was not loaded:\n"
    "- 'numpy.nan_to_num $(touch X) ; touch Y #' (malformed: not a Python type name)\n"
    "Loading unknown types can run code chosen by the file's author. Some type names in this "
    "file are not valid Python type names (a normal model never has these), so they cannot be "
    "allow-listed: the file is damaged or was made to attack this app. Do not use it; ask its "
    "author for an ONNX export or a model built from standard scikit-learn parts.",
    "loop_forever.onnx": "The ONNX model 'loop_forever.onnx' has a loop ('spin') without a "
    "small fixed number of steps (at most 10,000, written in the model), so it could run for "
    "ever. Classifiers exported with skl2onnx have no such loop; export the model again with "
    "skl2onnx.",
    "huge_shape.onnx": "The ONNX model 'huge_shape.onnx' builds a tensor of 400,000,000 values "
    "in 'fill' (at most 100,000,000 allowed), which would take gigabytes of memory on every "
    "scoring. Export the model again with skl2onnx.",
    "three_classes.onnx": "The ONNX model 'three_classes.onnx' predicts 3 classes (0, 1, 2); "
    "the audit compares one favourable outcome with the other and needs a model with exactly "
    "two classes. Its scores would otherwise be read as if it had two. Export a two-class "
    "model (for example approved / denied), or upload the decisions as a column of the data "
    "instead.",
}


@pytest.mark.parametrize("name", sorted(MODELS))
def test_hostile_model_gets_exact_message(name: str) -> None:
    """Each hostile model file is refused with its exact message, and nothing runs."""
    with pytest.raises(FairnessCoreError) as info:
        load_model(CORPUS / name)
    assert str(info.value) == MODELS[name]
    assert "--trust-type" not in str(info.value)


def test_skops_entry_referenced_many_times_is_counted_each_time() -> None:
    """8 uses of one 2.4 MB array count as 19 MB: over a 10 MB limit, under the default."""
    policy = ModelPolicy(limits=ModelLimits(max_unpacked_mb=10))
    with pytest.raises(ModelLoadError) as info:
        load_model(CORPUS / "repeated_entry.skops", policy=policy)
    assert str(info.value) == (
        "The skops file 'repeated_entry.skops' unpacks to 19 MB (each stored array counted "
        "once per use), more than the limit of 10 MB, so it was not opened. A small file that "
        "unpacks to this much may have been made to exhaust the server. If the model is known "
        "and just large, the operator can raise the limit with "
        "`fairness-explorer app --max-unpacked-mb MB` (or FAIRNESS_EXPLORER_MAX_UNPACKED_MB=MB)."
    )
    # Within the default limit it is opened, and refused for what it is (not a classifier).
    with pytest.raises(ModelLoadError, match=r"\(list\) does not give probabilities"):
        load_model(CORPUS / "repeated_entry.skops")


def test_corpus_is_complete() -> None:
    """Every file in the corpus is covered by a test, and the corpus has at least 15 files."""
    files = {p.name for p in CORPUS.iterdir() if p.suffix != ".py"}
    covered = (
        set(UNREADABLE)
        | set(UNAUDITABLE)
        | set(MODELS)
        | set(OVER_LIMITS)
        | {
            "repeated_entry.skops",
            "utf16_no_bom.csv",
            "utf32_bom.csv",
            "nested_columns.parquet",
            "invisible_groups.csv",
            "semicolon_decimal_comma.csv",
            "latin1_names.csv",
            "utf8_bom.csv",
            "protected_missing.csv",
            "html_in_names.csv",
        }
    )
    assert files == covered
    assert len(files) >= 15


def test_semicolon_file_with_decimal_commas_reads_as_numbers() -> None:
    """A semicolon file is split into its columns and 0,3 is read as the number 0.3."""
    dataset = load_dataset(CORPUS / "semicolon_decimal_comma.csv")
    assert list(dataset.frame.columns) == ["id", "gender", "score", "pred", "y"]
    assert dataset.delimiter == ";"
    assert dataset.frame["score"].tolist() == [i / 10 for i in range(8)]


def test_latin1_file_keeps_accents() -> None:
    """A Latin-1 file is decoded so accented names and values survive."""
    dataset = load_dataset(CORPUS / "latin1_names.csv")
    assert "région" in dataset.frame.columns
    assert dataset.frame["genre"].tolist() == ["féminin", "masculin"]
    assert "Latin-1" in (dataset.encoding or "")


def test_bom_does_not_leak_into_first_column_name() -> None:
    """A UTF-8 byte-order mark is not part of the first column's name."""
    dataset = load_dataset(CORPUS / "utf8_bom.csv")
    assert dataset.frame.columns[0] == "id"
    assert dataset.encoding == "UTF-8 with BOM"


def test_missing_protected_values_form_their_own_group() -> None:
    """Rows with no gender are kept as a '(missing)' group and a warning says so."""
    frame = load_dataset(CORPUS / "protected_missing.csv").frame
    problems = find_problems(frame, ROLES)
    assert [p.code for p in problems] == ["protected_missing"]
    assert problems[0].severity == "warning"
    assert problems[0].what == "1 row has no value for the protected attribute 'gender'."


def test_html_in_column_names_is_read_as_plain_text() -> None:
    """Markup in a header is data: it is kept verbatim, never interpreted."""
    frame = load_dataset(CORPUS / "html_in_names.csv").frame
    assert frame.columns[1] == "<script>alert(1)</script>"
    assert frame.iloc[0, 1] == "<img src=x onerror=alert(2)>"
