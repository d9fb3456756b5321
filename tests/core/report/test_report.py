"""The review report and its HTML: same numbers as the core, every finding, no injection."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest

from fairness_core.data import ColumnRoles, Dataset, check_audit_data, get_demo
from fairness_core.errors import InvalidInputError
from fairness_core.metrics import compute_subgroup_report, metric_table
from fairness_core.plots import plot_metric_by_group
from fairness_core.report import (
    build_html_report,
    build_review,
    identify_data,
    identify_model,
    make_finding,
    suppress_small_groups,
)
from fairness_core.report._html import MAX_FINDING_ROWS

CRAFTED_COLUMN = "<img src=x onerror=alert(1)>"
CRAFTED_VALUES = ("</script><script>alert(2)</script>", "<!-- x", "=HYPERLINK(1)", "plain")


class _Collector(HTMLParser):
    """Start tags with attributes, text, and table cells by (metric, group)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.cells: dict[tuple[str, str], list[str]] = {}
        self._metric: str | None = None
        self._group: str | None = None
        self._in_td = False
        self._script: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag == "table":
            self._metric = attributes.get("data-metric")
        if tag == "tr" and self._metric:
            self._group = attributes.get("data-group")
            if self._group is not None:
                self.cells[(self._metric, self._group)] = []
        if tag == "td":
            self._in_td = True
        if tag == "script":
            self._script = attributes

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._metric = None
        if tag == "td":
            self._in_td = False

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self.scripts.append((self._script, data))
            self._script = None
            return
        self.text.append(data)
        if self._in_td and self._metric and self._group is not None:
            self.cells[(self._metric, self._group)].append(data)


def _parse(html: str) -> _Collector:
    parser = _Collector()
    parser.feed(html)
    return parser


@pytest.fixture(scope="module")
def loan() -> tuple[object, ...]:
    demo = get_demo("loan")
    dataset = demo.load_test()
    audit = check_audit_data(dataset.frame, demo.roles)
    report = compute_subgroup_report(audit, attributes=["race"], n_bootstrap=200)
    return demo, dataset, audit, report


def _findings(report, dataset):  # type: ignore[no-untyped-def]
    table = metric_table(report, "selection_rate").drop(columns=["group_index"])
    return [
        make_finding(
            title="Black applicants approved less often",
            page="Subgroups",
            severity="critical",
            note="Check with the credit team.\nSecond line.",
            summary="Selection rate by race.",
            data_name=dataset.name,
            data_sha256=dataset.sha256,
            figure=plot_metric_by_group(report, "selection_rate").to_json(),
            table=table,
            settings={"protected attributes": ["race"]},
        ),
        make_finding(
            title="Accuracy is lower for Hispanic applicants",
            page="Subgroups",
            severity="info",
            data_name=dataset.name,
            data_sha256=dataset.sha256,
        ),
    ]


def test_html_contains_each_finding_and_the_core_numbers(loan) -> None:  # type: ignore[no-untyped-def]
    """Each finding's title and note are in the HTML; each table cell equals the core's value."""
    demo, dataset, audit, report = loan
    findings = _findings(report, dataset)
    review = build_review(
        report, roles=demo.roles, data=identify_data(dataset, audit), findings=findings
    )
    parsed = _parse(build_html_report(review))
    text = " ".join(parsed.text)
    for finding in findings:
        assert finding.title in text
    assert "Check with the credit team.\nSecond line." in text
    for metric in report.settings.metrics:
        for row in metric_table(report, metric).to_dict("records"):
            cells = parsed.cells[(metric, row["group"])]
            assert cells[0] == row["group"]
            assert cells[1] == f"{row['n']:,}"
            assert cells[3] == f"{row['value']:.3f}"
            assert cells[4] == f"{row['ci_low']:.3f}"
            assert cells[5] == f"{row['ci_high']:.3f}"


def test_selection_rates_in_html_match_a_pandas_oracle(loan) -> None:  # type: ignore[no-untyped-def]
    """Selection rate per race in the HTML equals the share of scores ≥ 0.5, counted by pandas."""
    demo, dataset, audit, report = loan
    review = build_review(report, roles=demo.roles, data=identify_data(dataset, audit))
    parsed = _parse(build_html_report(review))
    frame = dataset.frame
    decided = frame["score"] >= demo.roles.threshold
    race = frame["race"].astype("str").where(frame["race"].notna(), "(missing)")
    oracle = decided.groupby(race).mean()
    for group, rate in oracle.items():
        assert parsed.cells[("selection_rate", str(group))][3] == f"{rate:.3f}"


def test_html_is_self_contained(loan) -> None:  # type: ignore[no-untyped-def]
    """No script, link or image comes from a URL; plotly.js is inlined exactly once."""
    demo, dataset, audit, report = loan
    review = build_review(
        report, roles=demo.roles, data=identify_data(dataset, audit),
        findings=_findings(report, dataset),
    )  # fmt: skip
    html = build_html_report(review)
    parsed = _parse(html)
    for _, attributes in parsed.tags:
        for name in ("src", "href"):
            value = attributes.get(name) or ""
            assert not re.match(r"\s*(https?:)?//", value, re.IGNORECASE), value
    code = [body for attributes, body in parsed.scripts if "type" not in attributes]
    assert len(code) == 2  # plotly.js and the loader
    assert sum("Plotly" in body and len(body) > 1_000_000 for body in code) == 1
    csp = [a for t, a in parsed.tags if t == "meta" and a.get("http-equiv")]
    assert "default-src 'none'" in (csp[0]["content"] or "")
    figures = [body for attributes, body in parsed.scripts if attributes.get("data-figure")]
    assert len(figures) == 1 + len(report.settings.metrics)


def _crafted_review(suppress_below: int | None = None):  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(0)
    sizes = (60, 50, 40, 8)
    groups = np.repeat(CRAFTED_VALUES, sizes)
    n = len(groups)
    frame = pd.DataFrame(
        {
            CRAFTED_COLUMN: groups,
            "y": rng.integers(0, 2, n),
            "pred": rng.integers(0, 2, n),
        }
    )
    roles = ColumnRoles(target="y", protected=(CRAFTED_COLUMN,), positive_label=1,
                        source="prediction", prediction="pred")  # fmt: skip
    dataset = Dataset(frame=frame, name="<b>data</b>.csv", sha256="a" * 64, format="csv")
    audit = check_audit_data(frame, roles)
    report = compute_subgroup_report(
        audit, attributes=[CRAFTED_COLUMN], n_bootstrap=50, suppress_below=suppress_below
    )
    table = metric_table(report, "selection_rate").drop(columns=["group_index"])
    table = table.rename(columns={"group": CRAFTED_COLUMN})
    finding = make_finding(
        title="<script>alert(3)</script>",
        page="Subgroups",
        note='"><img src=x onerror=alert(4)> & </p>',
        data_name=dataset.name,
        data_sha256=dataset.sha256,
        figure=plot_metric_by_group(report, "selection_rate").to_json(),
        table=table,
        settings={CRAFTED_COLUMN: "<iframe>"},
    )
    return build_review(
        report, roles=roles, data=identify_data(dataset, audit), findings=[finding],
        title="Review <em>x</em>",
    ), report  # fmt: skip


def test_crafted_names_cannot_inject_markup() -> None:
    """A column or value like <img onerror> or </script> shows as text and never as a tag."""
    review, _ = _crafted_review()
    html = build_html_report(review)
    parsed = _parse(html)
    allowed = {"html", "head", "meta", "title", "style", "script", "body", "h1", "h2", "h3", "h4",
               "p", "nav", "a", "ul", "li", "section", "span", "code", "div", "table", "thead",
               "tbody", "tr", "th", "td", "em", "strong"}  # fmt: skip
    assert {tag for tag, _ in parsed.tags} <= allowed
    for _, attributes in parsed.tags:
        assert not [name for name in attributes if name.startswith("on")]
    text = " ".join(parsed.text)
    assert CRAFTED_COLUMN in text
    assert '"><img src=x onerror=alert(4)> & </p>' in text
    for value in CRAFTED_VALUES:
        assert value in text
    for attributes, body in parsed.scripts:
        if attributes.get("type") == "application/json":
            assert "</" not in body
            assert "<!--" not in body
            figure = json.loads(body)
            drawn = json.dumps(figure, ensure_ascii=False)
            assert "&lt;/script>&lt;script>alert(2)&lt;/script>" in drawn  # shown as text
            assert "<script" not in drawn
        else:
            assert attributes == {}  # only our two code blocks, no attributes


def test_suppression_hides_small_groups_in_tables_and_charts() -> None:
    """With suppress_below=10 the 8-person group's numbers are n/a and its chart is left out."""
    review, _report = _crafted_review(suppress_below=10)
    parsed = _parse(build_html_report(review))
    small = CRAFTED_VALUES[3]
    cells = parsed.cells[("selection_rate", small)]
    assert cells[1] == "8"
    assert cells[3] == "n/a"
    assert review.findings[0].id in review.hidden_figures
    assert "The chart is left out" in " ".join(parsed.text)
    table = review.findings[0].table
    assert table is not None
    small_row = table[table[CRAFTED_COLUMN] == small]
    assert small_row["value"].isna().all()
    assert small_row["suppressed"].all()
    big_row = table[table[CRAFTED_COLUMN] == CRAFTED_VALUES[0]]
    assert big_row["value"].notna().all()


def test_suppress_small_groups_uses_the_smallest_size_column() -> None:
    """A row is hidden when any of its size columns is below k; counts stay visible."""
    table = pd.DataFrame(
        {"group": ["a", "b", "c"], "n": [50, 50, 4], "denominator": [40, 3, 4],
         "value": [-0.2, 0.5, 0.7]}
    )  # fmt: skip
    hidden = suppress_small_groups(table, 5)
    assert hidden["value"].isna().tolist() == [False, True, True]
    assert hidden["n"].tolist() == [50, 50, 4]
    assert hidden["suppressed"].tolist() == [False, True, True]
    assert suppress_small_groups(table, None) is table
    assert suppress_small_groups(table.drop(columns=["n", "denominator"]), 5).equals(
        table.drop(columns=["n", "denominator"])
    )


def test_review_carries_identity_settings_and_versions(loan) -> None:  # type: ignore[no-untyped-def]
    """Data and model identity, every setting and the package versions are in the report."""
    demo, dataset, audit, report = loan
    model = demo.load_model()
    review = build_review(
        report, roles=demo.roles, data=identify_data(dataset, audit), model=identify_model(model)
    )
    assert review.data.sha256 == dataset.sha256
    assert review.data.rows == len(dataset.frame)
    assert review.model is not None
    assert review.model.sha256 == model.sha256
    assert dict(review.settings)["Outcome (target) column"] == demo.roles.target
    settings = dict(review.analyses[0].settings)
    assert settings["Minimum people to judge a group"] == "30"
    assert settings["Correction for many comparisons"].startswith("Holm")
    assert settings["Groups compared by"] == "race"
    versions = dict(review.versions)
    assert versions["numpy"] == np.__version__
    assert versions["pandas"] == pd.__version__
    html = build_html_report(review)
    assert model.sha256 in html
    assert dataset.sha256 in html
    assert review.executive_summary[0].startswith("This review looked at")


def test_executive_summary_names_failing_groups(loan) -> None:  # type: ignore[no-untyped-def]
    """The loan demo's injected race gap is named in the first lines of the summary."""
    demo, dataset, audit, report = loan
    review = build_review(report, roles=demo.roles, data=identify_data(dataset, audit))
    summary = " ".join(review.executive_summary)
    failing = report.disparities[
        (report.disparities["metric"] == "selection_rate")
        & (report.disparities["verdict"] == "adverse impact")
    ]["group"].unique()
    assert "Black" in failing  # demo_data/README.md: the injected race gap
    sentence = next(line for line in review.executive_summary if line.startswith("Selection"))
    compared = report.disparities.query("metric == 'selection_rate'")["group"].nunique()
    assert f"adverse impact for {len(failing)} of {compared} groups" in sentence
    for group in failing:
        assert str(group) in sentence
    assert "Group Black is selected at" in sentence
    assert "compared with the best-treated group that can be judged" in summary
    assert "No operating point" in summary
    assert "No findings were pinned" in summary


def test_executive_summary_names_groups_too_small_to_judge(loan) -> None:  # type: ignore[no-untyped-def]
    """Groups and rates measured on fewer than min_n people are named, by a pandas count."""
    demo, dataset, audit, report = loan
    review = build_review(report, roles=demo.roles, data=identify_data(dataset, audit))
    line = next(x for x in review.executive_summary if "fewer than 30 people" in x)
    frame = dataset.frame
    race = frame["race"].astype("str").where(frame["race"].notna(), "(missing)")
    negatives = (frame["repaid"] != demo.roles.positive_label).groupby(race).sum()
    thin = [str(g) for g, count in negatives.items() if count < 30]
    assert thin  # the demo's (missing) group has few people who did not repay
    for group in thin:
        assert f"{group} (false positive rate" in line
    big = [str(g) for g, count in negatives.items() if count >= 100]
    for group in big:
        assert f"{group} (" not in line


def test_finding_tables_use_plain_column_titles(loan) -> None:  # type: ignore[no-untyped-def]
    """A pinned table's raw column names (ci_low, is_reference…) are shown in words."""
    demo, dataset, audit, report = loan
    review = build_review(
        report, roles=demo.roles, data=identify_data(dataset, audit),
        findings=_findings(report, dataset),
    )  # fmt: skip
    parsed = _parse(build_html_report(review))
    text = set(parsed.text)
    for raw in ("ci_low", "ci_high", "is_reference", "difference_p_adjusted", "n"):
        assert raw not in text
    for title in ("95% interval, low", "People", "Reference group", "Verdict on the ratio"):
        assert title in text


def test_long_finding_tables_are_cut_with_a_note(loan) -> None:  # type: ignore[no-untyped-def]
    """A pinned list of 250 rows shows its first MAX_FINDING_ROWS rows and says so."""
    demo, dataset, audit, report = loan
    rows = pd.DataFrame({"person": [f"row-{i}" for i in range(250)], "score": range(250)})
    finding = make_finding(
        title="Rows", page="What-if", data_name=dataset.name, data_sha256=dataset.sha256,
        table=rows,
    )  # fmt: skip
    review = build_review(
        report, roles=demo.roles, data=identify_data(dataset, audit), findings=[finding]
    )
    text = _parse(build_html_report(review)).text
    shown = [s for s in text if s.startswith("row-")]
    assert shown == [f"row-{i}" for i in range(MAX_FINDING_ROWS)]
    assert any(f"The first {MAX_FINDING_ROWS} of 250 rows" in s for s in text)


def test_chart_text_cannot_carry_links() -> None:
    """A category like <a href=…> is drawn as text: no link tag reaches plotly.js."""
    frame = pd.DataFrame(
        {"grp": np.repeat(['<a href="https://evil.example">x</a>', "plain<br>b"], 40),
         "y": np.tile([0, 1], 40), "pred": np.tile([1, 1, 0, 0], 20)}
    )  # fmt: skip
    roles = ColumnRoles(target="y", protected=("grp",), positive_label=1,
                        source="prediction", prediction="pred")  # fmt: skip
    dataset = Dataset(frame=frame, name="d.csv", sha256="c" * 64, format="csv")
    audit = check_audit_data(frame, roles)
    report = compute_subgroup_report(audit, attributes=["grp"], n_bootstrap=20)
    review = build_review(report, roles=roles, data=identify_data(dataset, audit))
    parsed = _parse(build_html_report(review))
    figures = [
        json.loads(body) for attributes, body in parsed.scripts if attributes.get("data-figure")
    ]
    assert figures
    for figure in figures:
        text = json.dumps(figure, ensure_ascii=False)
        assert "<a " not in text
        assert "&lt;a href" in text
        assert "<br>" in text  # the charts' own line breaks are kept


def test_empty_title_is_refused(loan) -> None:  # type: ignore[no-untyped-def]
    demo, dataset, audit, report = loan
    with pytest.raises(InvalidInputError, match="needs a title"):
        build_review(report, roles=demo.roles, data=identify_data(dataset, audit), title="  ")
