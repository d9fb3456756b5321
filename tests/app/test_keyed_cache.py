"""Cache keys are derived from everything a result shows, so reviewers never share exports."""

from __future__ import annotations

import json
import time
from dataclasses import replace

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from components import cache, state
from components.keyed_cache import cached, content_key, derived_from
from components.report_downloads import DOWNLOADS as EXPORTS
from fairness_core.data import Dataset, check_audit_data, get_demo
from fairness_core.metrics import compute_subgroup_report
from fairness_core.report import (
    ReviewReport,
    build_review,
    identify_data,
    make_finding,
    read_bundle,
)

ALICE_FILE = "alice_confidential_salaries.csv"
ALICE_TIME = "2026-11-20T08:00:00+00:00"
BOB_TIME = "2026-11-23T17:30:00+00:00"


def _review(dataset: Dataset, *, created: str, title: str = "Loan review") -> ReviewReport:
    roles = get_demo("loan").roles
    audit = check_audit_data(dataset.frame, roles)
    subgroup = compute_subgroup_report(audit, attributes=["race"])
    return build_review(
        subgroup,
        roles=roles,
        data=identify_data(dataset, audit),
        title=title,
        created=created,
    )


@pytest.fixture(scope="module")
def loan() -> Dataset:
    return get_demo("loan").load_test()


def test_same_bytes_under_another_name_is_another_key(loan: Dataset) -> None:
    """A file's key holds its name as well as its SHA-256; the frame itself is not hashed."""
    alice = replace(loan, name=ALICE_FILE)
    bob = replace(loan, name="bob.csv")
    assert alice.sha256 == bob.sha256
    assert content_key(alice) != content_key(bob)
    assert content_key(alice) == content_key(replace(loan, name=ALICE_FILE))


def test_every_part_of_a_review_an_export_shows_changes_its_key(loan: Dataset) -> None:
    """Title, time, file name and findings each change the key; an equal review does not."""
    base = _review(loan, created=ALICE_TIME)
    assert content_key(base) == content_key(_review(loan, created=ALICE_TIME))
    finding = make_finding(
        title="A gap", page="Subgroups", note="seen", data_name=loan.name, data_sha256=loan.sha256
    )
    variants = {
        "time": replace(base, created=BOB_TIME),
        "title": replace(base, title="Another title"),
        "data name": replace(base, data=replace(base.data, name="bob.csv")),
        "findings": replace(base, findings=(finding,)),
        "a finding's note": replace(base, findings=(replace(finding, note="changed"),)),
    }
    keys = {name: content_key(review) for name, review in variants.items()}
    assert content_key(base) not in keys.values()
    assert len(set(keys.values())) == len(keys), keys


def test_a_table_is_keyed_by_its_values_index_and_columns() -> None:
    """Changing one cell, the index or a column name changes a table's key."""
    frame = pd.DataFrame({"group": ["a", "b"], "rate": [0.25, 0.5]})
    same = pd.DataFrame({"group": ["a", "b"], "rate": [0.25, 0.5]})
    assert content_key(frame) == content_key(same)
    changed = [
        frame.assign(rate=[0.25, 0.75]),
        frame.set_axis([5, 6]),
        frame.rename(columns={"rate": "share"}),
        frame.astype({"rate": "float32"}),
    ]
    assert len({content_key(f) for f in changed} | {content_key(frame)}) == len(changed) + 1


def test_an_unkeyable_argument_is_refused_not_ignored() -> None:
    """A value without a content key raises, naming its type and the way out."""
    with pytest.raises(TypeError, match=r"A cached call received a object.*leading '_'"):
        content_key(object())


def test_underscore_parameters_stay_out_of_the_key() -> None:
    """Calls differing only in an ``_`` argument share one result; others do not."""
    calls: list[int] = []

    @cached(max_entries=4)
    def double(value: int, *, _note: object = None) -> int:
        calls.append(value)
        return value * 2

    assert double(21, _note=object()) == 42
    assert double(21, _note=object()) == 42
    assert double(22) == 44
    assert calls == [21, 22]


def test_a_derived_result_is_keyed_by_its_sources() -> None:
    """Two equal tables derived from different sources get different keys, and vice versa."""
    first = derived_from(pd.DataFrame({"x": [1]}), "source A")
    second = derived_from(pd.DataFrame({"x": [1]}), "source B")
    third = derived_from(pd.DataFrame({"x": [2]}), "source A")
    assert content_key(first) != content_key(second)
    assert content_key(first) == content_key(third)


def test_exports_for_the_same_bytes_carry_each_reviewers_own_name_and_time(
    loan: Dataset,
) -> None:
    """Reviewer B, uploading A's bytes as bob.csv, gets files naming bob.csv and B's time."""
    alice = _review(replace(loan, name=ALICE_FILE), created=ALICE_TIME)
    bob = _review(replace(loan, name="bob.csv"), created=BOB_TIME)
    alice_html = cache.report_file(alice, "html").decode()
    assert ALICE_FILE in alice_html
    for kind in ("html", "json", "zip", "md"):
        payload = cache.report_file(bob, kind)
        assert ALICE_FILE.encode() not in payload, kind
    bob_html = cache.report_file(bob, "html").decode()
    assert "bob.csv" in bob_html
    assert "23 November 2026, 17:30 UTC" in bob_html
    assert "20 November 2026" not in bob_html
    assert json.loads(cache.report_file(bob, "json"))["data"]["file"] == "bob.csv"
    bundle = read_bundle(cache.report_file(bob, "zip"))
    assert bundle.created == BOB_TIME


def test_one_failing_export_says_why_and_the_others_still_build(
    loan: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A PDF builder that breaks yields a plain message; the HTML and CSV are still built."""

    def broken(review: ReviewReport) -> bytes:
        raise ValueError("reportlab could not fit a 600-character label")

    monkeypatch.setattr(cache, "build_pdf_report", broken)
    review = _review(loan, created=ALICE_TIME, title="A review whose PDF breaks")
    with pytest.raises(cache.ExportFailedError) as caught:
        cache.report_file(review, "pdf")
    message = str(caught.value)
    assert message.startswith("The PDF file could not be built because of an internal error")
    assert "(ValueError)" in message
    assert "The other files are complete and can be downloaded" in message
    assert cache.report_file(review, "html").startswith(b"<!DOCTYPE html>")
    assert cache.report_file(review, "csv")


def test_the_report_time_holds_while_the_review_is_unchanged(app: AppTest) -> None:
    """Reruns keep the report's time (and so its built files); a new title restamps it."""
    app.switch_page("pages/report.py").run()
    assert not app.exception, [e.value for e in app.exception]
    content, stamp = app.session_state[state.REPORT_CREATED]
    time.sleep(1.1)  # build_review stamps whole seconds
    app.run()
    assert app.session_state[state.REPORT_CREATED] == (content, stamp)
    app.text_input(key=state.REPORT_TITLE).set_value("Another title").run()
    new_content, new_stamp = app.session_state[state.REPORT_CREATED]
    assert new_content != content
    assert new_stamp > stamp
    assert not any("could not be built" in w.value for w in app.warning)


def test_the_report_page_keeps_the_other_downloads_when_one_fails(
    app: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A broken PDF builder: its place says why; the six other buttons are still offered."""

    def broken(review: ReviewReport) -> bytes:
        raise ValueError("a 600-character group label does not fit")

    monkeypatch.setattr(cache, "build_pdf_report", broken)
    app.switch_page("pages/report.py").run()
    # A title no other test uses, so no file built earlier in this process is reused.
    app.text_input(key=state.REPORT_TITLE).set_value("A review whose PDF fails").run()
    assert not app.exception, [e.value for e in app.exception]
    warnings = [w.value for w in app.warning]
    assert any(w.startswith("**PDF report**: The PDF file could not be built") for w in warnings), (
        warnings
    )
    buttons = app.get("download_button")
    assert len(buttons) == len(EXPORTS) - 1
    offered = {b.proto.label for b in buttons}
    assert offered == {label for kind, label, *_ in EXPORTS if kind != "pdf"}
