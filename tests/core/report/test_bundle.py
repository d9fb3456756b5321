"""The audit bundle: replay reproduces the numbers, refuses changed files, rejects bad zips."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import replace

import pandas as pd
import pytest

from fairness_core.data import check_audit_data, get_demo
from fairness_core.errors import InvalidInputError
from fairness_core.metrics import compute_subgroup_report, metric_table
from fairness_core.report import (
    OperatingPointRecord,
    ReplayRefusedError,
    build_bundle,
    build_review,
    identify_data,
    identify_model,
    make_finding,
    read_bundle,
    replay,
)
from fairness_core.report import _bundle as bundle_module
from fairness_core.report._bundle import BUNDLE_ENTRIES

LOAN = get_demo("loan")


def _bundle(*, source: str = "score", **settings: object) -> bytes:
    roles = replace(LOAN.roles, source=source)  # type: ignore[arg-type]
    dataset = LOAN.load_test()
    model = LOAN.load_model()
    audit = check_audit_data(dataset.frame, roles, model=model if source == "model" else None)
    options = {"attributes": ["race", "gender"], "n_bootstrap": 200, **settings}
    report = compute_subgroup_report(audit, **options)  # type: ignore[arg-type]
    finding = make_finding(
        title="Race × gender gap", page="Subgroups", severity="concern", note="<b>look</b>",
        data_name=dataset.name, data_sha256=dataset.sha256,
        table=metric_table(report, "selection_rate").drop(columns=["group_index"]),
    )  # fmt: skip
    point = OperatingPointRecord(
        title="Equal opportunity", criterion="equal_opportunity", strategy="group thresholds",
        randomized=False, thresholds=pd.DataFrame({"group": ["a"], "threshold": [0.4]}),
        per_group=pd.DataFrame({"group": ["a"], "n": [10], "selection_rate": [0.5]}),
        change_summary="30 more approvals per 10,000.", rationale="Agreed with the panel.",
        id="a1", data_name=dataset.name, data_sha256=dataset.sha256,
    )  # fmt: skip
    review = build_review(
        report, roles=roles, data=identify_data(dataset, audit), model=identify_model(model),
        findings=[finding], operating_points=[point], recommended="a1",
    )  # fmt: skip
    return build_bundle(review)


@pytest.fixture(scope="module")
def loan_bundle() -> bytes:
    return _bundle(reference=("White", "female"), correction="benjamini-hochberg", min_n=40)


def _rezip(data: bytes, change: dict[str, bytes | None]) -> bytes:
    """The bundle with entries replaced (bytes), removed (None) or added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            if name not in change:
                target.writestr(name, source.read(name))
        for name, content in change.items():
            if content is not None:
                target.writestr(name, content)
    return out.getvalue()


def test_bundle_holds_only_json_with_settings_hashes_findings_and_results(
    loan_bundle: bytes,
) -> None:
    with zipfile.ZipFile(io.BytesIO(loan_bundle)) as archive:
        assert archive.namelist() == list(BUNDLE_ENTRIES)
        contents = {n: json.loads(archive.read(n)) for n in archive.namelist()}
    assert contents["inputs.json"]["data"]["sha256"] == LOAN.load_test().sha256
    assert contents["settings.json"]["analyses"][0]["correction"] == "benjamini-hochberg"
    assert contents["settings.json"]["roles"]["bins"][0]["column"] == "age"
    assert contents["findings.json"][0]["note"] == "<b>look</b>"
    assert contents["operating_points.json"]["points"][0]["rationale"] == "Agreed with the panel."
    assert contents["operating_points.json"]["recommended"] == "a1"
    assert set(contents["results.json"]) >= {"overall", "groups", "disparities", "summary"}
    bundle = read_bundle(loan_bundle)
    assert bundle.findings[0].title == "Race × gender gap"
    assert bundle.report_settings["reference"] == ("White", "female")


def test_replay_reproduces_identical_numbers(loan_bundle: bytes) -> None:
    """The loan demo's bundle replays to the same numbers, even from a renamed copy."""
    result = replay(loan_bundle, LOAN.test_path.read_bytes(), "renamed.csv")
    assert result.identical, result.describe()
    groups = json.loads(json.dumps(result.document["groups"]))
    assert len(groups) == 10
    assert result.compared > 500
    assert "match the bundle exactly" in result.describe()


def test_replay_refuses_a_changed_data_file(loan_bundle: bytes) -> None:
    """One changed byte: refused, naming the file and both hashes."""
    original = LOAN.test_path.read_bytes()
    changed = original.replace(b"\n", b"\r\n", 1)
    with pytest.raises(ReplayRefusedError) as caught:
        replay(loan_bundle, changed, "test.csv")
    message = str(caught.value)
    assert "data file 'test.csv' is not the data file this audit was made with" in message
    assert LOAN.load_test().sha256 in message
    import hashlib

    assert hashlib.sha256(changed).hexdigest() in message


def test_replay_with_a_model_and_refusing_a_changed_or_missing_model() -> None:
    """An audit scored by the model replays with it; another model or none is refused."""
    data = _bundle(source="model")
    model_bytes = LOAN.model_path.read_bytes()
    result = replay(data, LOAN.test_path.read_bytes(), "test.csv", model_bytes)
    assert result.identical, result.describe()
    other = get_demo("credit").model_path.read_bytes()
    with pytest.raises(ReplayRefusedError, match=r"model file 'model\.skops' is not the model"):
        replay(data, LOAN.test_path.read_bytes(), "test.csv", other, model_name="model.skops")
    with pytest.raises(ReplayRefusedError, match="Give the model file too"):
        replay(data, LOAN.test_path.read_bytes(), "test.csv")


def test_changed_results_are_reported_as_differences(loan_bundle: bytes) -> None:
    """A tampered number in results.json is found and named by its path."""
    with zipfile.ZipFile(io.BytesIO(loan_bundle)) as archive:
        results = json.loads(archive.read("results.json"))
    results["groups"][0]["metrics"]["selection_rate"]["value"] = 0.123456
    tampered = _rezip(loan_bundle, {"results.json": json.dumps(results).encode()})
    result = replay(tampered, LOAN.test_path.read_bytes(), "test.csv")
    assert not result.identical
    assert result.differences == (
        f"groups[0].metrics.selection_rate.value: 0.123456 in the bundle, "
        f"{result.document['groups'][0]['metrics']['selection_rate']['value']!r} in the replay",
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"model.pkl": b"\x80\x04K\x01."}, "unexpected entries \\('model.pkl'\\)"),
        ({"../settings.json": b"{}"}, "unexpected entries"),
        ({"findings.json": None}, "lacks findings.json"),
        ({"results.json": b'{"overall": NaN}'}, "results.json is not valid JSON"),
        ({"manifest.json": b'{"format": "other"}'}, "does not name the audit bundle"),
        ({"settings.json": b"[1, 2"}, "settings.json is not valid JSON"),
    ],
)
def test_bad_bundles_are_rejected(
    loan_bundle: bytes, change: dict[str, bytes | None], message: str
) -> None:
    with pytest.raises(InvalidInputError, match=message):
        read_bundle(_rezip(loan_bundle, change))


def test_oversized_bundles_and_entries_are_rejected(
    loan_bundle: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Size limits hold for the whole file and for each unpacked entry."""
    with pytest.raises(InvalidInputError, match="not a zip archive"):
        read_bundle(b"just text")
    monkeypatch.setattr(bundle_module, "MAX_ENTRY_BYTES", 1_000)
    with pytest.raises(InvalidInputError, match="unpacks to more than"):
        read_bundle(loan_bundle)
    monkeypatch.setattr(bundle_module, "MAX_BUNDLE_BYTES", 100)
    with pytest.raises(InvalidInputError, match="a bundle is at most"):
        read_bundle(loan_bundle)


def test_an_entry_larger_than_its_header_says_is_rejected(
    loan_bundle: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An entry that unpacks to more than its header says is refused, never read in full."""
    monkeypatch.setattr(bundle_module, "MAX_ENTRY_BYTES", 2_000_000)
    bomb = _rezip(loan_bundle, {"findings.json": b"[" + b" " * 3_000_000 + b"]"})
    real = zipfile.ZipFile.infolist

    def lying_infolist(self: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
        infos = real(self)
        for info in infos:
            if info.filename == "findings.json":
                info.file_size = 10  # the header claims a tiny entry
        return infos

    monkeypatch.setattr(zipfile.ZipFile, "infolist", lying_infolist)
    with pytest.raises(InvalidInputError, match=r"findings\.json is damaged"):
        read_bundle(bomb)


def _edited(data: bytes, name: str, edit) -> bytes:  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        content = json.loads(archive.read(name))
    edit(content)
    return _rezip(data, {name: json.dumps(content).encode()})


@pytest.mark.parametrize(
    ("name", "edit", "message"),
    [
        ("settings.json", lambda c: c["analyses"][0].update(n_bootstrap=10**9),
         "bootstrap resamples"),
        ("findings.json", lambda c: c[0].update(figure={"data": []}), "figure must be plotly"),
        ("findings.json", lambda c: c[0]["table"]["data"][0].__setitem__(0, {"x": 1}),
         "not text or a number"),
        ("findings.json", lambda c: c[0]["table"]["data"][0].pop(), "does not match its columns"),
        ("findings.json", lambda c: c.extend([c[0]] * 1_000), "findings; at most"),
    ],
)  # fmt: skip
def test_crafted_bundle_content_is_refused(
    loan_bundle: bytes, name: str, edit: object, message: str
) -> None:
    """Settings that would run for hours, non-text figures and odd table cells are refused."""
    with pytest.raises(InvalidInputError, match=message):
        read_bundle(_edited(loan_bundle, name, edit))


def test_finding_tables_round_trip_cell_for_cell(loan_bundle: bytes) -> None:
    """A finding's table reads back with the same cells (text like '001' stays text)."""
    table = pd.DataFrame({"group": ["001", "=x"], "created": ["2020-01-01", "b"],
                          "value": [0.25, None], "n": [3, 4]})  # fmt: skip

    def put(content: list[dict[str, object]]) -> None:
        content[0]["table"] = json.loads(table.to_json(orient="split", index=False))

    read = read_bundle(_edited(loan_bundle, "findings.json", put)).findings[0].table
    assert read is not None
    assert read["group"].tolist() == ["001", "=x"]
    assert read["created"].tolist() == ["2020-01-01", "b"]
    assert read["value"].iloc[0] == 0.25
    assert pd.isna(read["value"].iloc[1])
    assert read["n"].tolist() == [3, 4]
