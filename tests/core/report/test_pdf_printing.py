"""The PDF prints cleanly: every character, every column, each finding's chart, long tables short.

The data is generated, shaped like the public datasets reviewers bring: names with accents
(Zoë, Müller, Łódź), a finding title with → ≥ × – and typographic quotes, a wide per-group
table (20 columns) and a trade-off frontier of 30 rows.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pypdf
import pytest
from fontTools.ttLib import TTFont

from fairness_core.data import ColumnRoles, Dataset, check_audit_data
from fairness_core.metrics import compute_subgroup_report, metric_table, plain_column_title
from fairness_core.plots import plot_metric_by_group
from fairness_core.report import _pdf as pdf_module
from fairness_core.report import build_pdf_report, build_review, identify_data, make_finding

ROOT = Path(__file__).resolve().parents[3]
ARTIFACTS = ROOT / "test-artifacts" / "pdf"
GROUPS = ("Zoë", "Müller", "Łódź", "Ana–María")
TITLE = "Approval gap → ratio ≥ 0.8 × reference – “Łódź” below the line"
WIDE_TITLE = "Every rate by group, wide"
FRONTIER_TITLE = "Trade-off frontier, long"
CHOSEN = "option 17"
NOT_PRINTED = "option 12"


def _frontier() -> pd.DataFrame:
    """A frontier-like table: 30 options, one marked as chosen, 9 columns."""
    rows = 30
    disparity = np.linspace(0.0, 0.3, rows)
    return pd.DataFrame(
        {
            "label": [f"option {i}" for i in range(rows)],
            "tolerance": disparity,
            "accuracy": 0.7 + 0.3 * disparity,
            "balanced_accuracy": 0.6 + 0.3 * disparity,
            "expected_cost": 0.3 - 0.3 * disparity,
            "selection_rate": np.linspace(0.5, 0.8, rows),
            "disparity": disparity,
            "randomized": [False] * rows,
            "chosen": [f"option {i}" == CHOSEN for i in range(rows)],
        }
    )


@pytest.fixture(scope="module")
def printed() -> dict[str, object]:
    rng = np.random.default_rng(3)
    n = 800
    frame = pd.DataFrame(
        {
            "town": rng.choice(GROUPS, n),
            "y": rng.integers(0, 2, n),
            "pred": rng.integers(0, 2, n),
        }
    )
    roles = ColumnRoles(target="y", protected=("town",), positive_label=1, prediction="pred")
    dataset = Dataset(frame=frame, name="people.csv", sha256="c" * 64, format="csv")
    audit = check_audit_data(frame, roles)
    report = compute_subgroup_report(audit, attributes=["town"], n_bootstrap=50)
    wide = metric_table(report, "selection_rate")
    findings = [
        make_finding(
            title=TITLE, page="Subgroups", severity="critical", data_name=dataset.name,
            data_sha256=dataset.sha256,
            figure=plot_metric_by_group(report, "selection_rate").to_json(),
        ),
        make_finding(
            title=WIDE_TITLE, page="Subgroups", data_name=dataset.name,
            data_sha256=dataset.sha256, table=wide,
        ),
        make_finding(
            title=FRONTIER_TITLE, page="Trade-offs", data_name=dataset.name,
            data_sha256=dataset.sha256, table=_frontier(),
        ),
    ]  # fmt: skip
    review = build_review(
        report, roles=roles, data=identify_data(dataset, audit), findings=findings
    )
    pdf = build_pdf_report(review)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    pages = [page.extract_text() for page in reader.pages]
    return {"pdf": pdf, "reader": reader, "pages": pages, "text": "\n".join(pages), "wide": wide}


def _squeezed(text: str) -> str:
    """Text without white space: a title wrapped in a narrow cell still matches."""
    return "".join(text.split())


def test_every_character_prints_and_can_be_copied(printed) -> None:  # type: ignore[no-untyped-def]
    """→ ≥ × – “ ” and the accented names are in the text pypdf extracts."""
    text = " ".join(str(printed["text"]).split())
    assert TITLE in text
    for name in GROUPS:
        assert name in text
    for character in "→≥×–“”ëüŁóź":
        assert character in text, character


def test_no_character_is_drawn_as_a_missing_glyph_box(printed) -> None:  # type: ignore[no-untyped-def]
    """Every character the PDF holds has a glyph in the embedded font (read by fontTools)."""
    reader = printed["reader"]
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages  # type: ignore[attr-defined]
        for font in page["/Resources"]["/Font"].values()
    }
    assert any(name.endswith("+DejaVuSans") for name in fonts), fonts
    assert not any("Vera" in name for name in fonts), fonts
    cmap = TTFont(pdf_module.font_directory() / "DejaVuSans.ttf").getBestCmap()
    bold = TTFont(pdf_module.font_directory() / "DejaVuSans-Bold.ttf").getBestCmap()
    used = set(str(printed["text"])) - set("\n\r\t ")
    missing = sorted(c for c in used if ord(c) not in cmap or ord(c) not in bold)
    assert missing == [], missing


def test_a_character_without_a_glyph_is_written_as_its_code() -> None:
    """A Chinese name prints as [U+5F20] (readable, not an empty box); known ones stay."""
    assert pdf_module.printable("张 Zoë →") == "[U+5F20] Zoë →"
    assert 0x5F20 not in TTFont(pdf_module.font_directory() / "DejaVuSans.ttf").getBestCmap()


def test_wide_table_prints_every_column_in_parts(printed) -> None:  # type: ignore[no-untyped-def]
    """The 20-column table prints in parts that repeat the group column; nothing left out."""
    text = str(printed["text"])
    wide: pd.DataFrame = printed["wide"]  # type: ignore[assignment]
    columns = [c for c in wide.columns if c != "group_index"]
    size = pdf_module.MAX_PDF_COLUMNS
    parts = math.ceil((len(columns) - 1) / (size - 1))
    assert len(columns) > size  # the table is wider than one part
    flat = " ".join(text.split())
    for number in range(1, parts + 1):
        assert f"Part {number} of {parts} of a table of {len(columns)} columns" in flat
    assert f"Part {parts + 1} of" not in flat
    squeezed = _squeezed(text)
    for column in columns:
        assert _squeezed(plain_column_title(column)) in squeezed, column
    assert "Not printed" not in flat
    assert "more columns" not in flat


def test_column_parts_hold_each_column_once_with_the_group_first() -> None:
    """Column parts: the group column leads each part, every other column in exactly one."""
    frame = pd.DataFrame(columns=[f"c{i}" for i in range(10)] + ["group"] + ["d"] * 6)
    parts = pdf_module.column_parts(frame)
    key = list(frame.columns).index("group")
    assert all(part[0] == key for part in parts)
    assert all(len(part) <= pdf_module.MAX_PDF_COLUMNS for part in parts)
    rest = sorted(i for part in parts for i in part[1:])
    assert rest == [i for i in range(len(frame.columns)) if i != key]


def test_no_internal_column_name_is_printed(printed) -> None:  # type: ignore[no-untyped-def]
    """No group_index, ci_low, selection_rate_low or tuple repr reaches the page."""
    text = str(printed["text"])
    for raw in ("group_index", "ci_low", "ci_high", "_low", "_high", "difference_verdict",
                "is_reference", "('town',)"):  # fmt: skip
        assert raw not in text, raw


def test_each_finding_with_a_chart_carries_it_as_an_image(printed) -> None:  # type: ignore[no-untyped-def]
    """The page with the charted finding holds an embedded image of a sensible size."""
    reader: pypdf.PdfReader = printed["reader"]  # type: ignore[assignment]
    pages: list[str] = printed["pages"]  # type: ignore[assignment]
    page = next(i for i, t in enumerate(pages) if "Approval gap" in t)
    images = reader.pages[page].images
    assert len(images) == 1
    picture = images[0].image
    assert picture is not None
    assert picture.width >= 600
    assert picture.height >= 250
    assert sum(len(p.images) for p in reader.pages) == 1  # findings without a chart have none
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    picture.save(ARTIFACTS / "finding-chart.png")
    # The chart is drawn, not blank: several colours appear.
    assert len(picture.convert("RGB").getcolors(maxcolors=100_000) or []) > 20


def test_long_table_is_summarised_with_its_ends_and_the_chosen_row(printed) -> None:  # type: ignore[no-untyped-def]
    """The 30-row frontier shows its first and last three rows and the chosen one."""
    flat = " ".join(str(printed["text"]).split())
    for shown in ("option 0", "option 1", "option 2", "option 27", "option 28", "option 29",
                  CHOSEN):  # fmt: skip
        assert f"{shown} " in flat, shown
    assert f"{NOT_PRINTED} " not in flat
    assert "Summary: 7 of 30 rows — the first and last 3 and the 1 marked as chosen." in flat


def test_render_one_page_as_an_image(printed) -> None:  # type: ignore[no-untyped-def]
    """The page with the chart rendered to PNG for a person to look at (needs pypdfium2)."""
    pdfium = pytest.importorskip("pypdfium2", reason="pypdfium2 is not installed")
    pages: list[str] = printed["pages"]  # type: ignore[assignment]
    page_number = next(i for i, t in enumerate(pages) if "Approval gap" in t)
    document = pdfium.PdfDocument(printed["pdf"])
    bitmap = document[page_number].render(scale=1.5).to_pil()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    bitmap.save(ARTIFACTS / "finding-page.png")
    assert bitmap.width > 800


def test_a_chart_with_a_name_the_font_lacks_draws_its_code_not_a_box() -> None:
    """A bar named 张 draws as [U+5F20]: no missing-glyph warning (warnings are errors here)."""
    import plotly.graph_objects as go

    from fairness_core.report._static_charts import render_figure_png

    figure = go.Figure(go.Bar(x=["张", "Zoë → Łódź"], y=[0.4, 0.6], name="rate"))
    figure.update_layout(title="Rates ≥ 0.8 × reference")
    plain = render_figure_png(figure.to_json(), clean=pdf_module.printable)
    assert plain is not None
    assert plain.startswith(b"\x89PNG")
    with pytest.warns(UserWarning, match="missing from font"):
        render_figure_png(figure.to_json())  # the same chart without cleaning would show a box


def test_every_kind_of_chart_the_app_pins_is_drawn() -> None:
    """Horizontal bars with intervals, two panels with a line, stacks, waterfalls, heat maps."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    from fairness_core.report._static_charts import render_figure_png

    panels = make_subplots(rows=1, cols=2)
    panels.add_trace(go.Bar(x=["a", "b"], y=[0.2, 0.5], name="share"), row=1, col=1)
    panels.add_trace(go.Scatter(x=[0, 1, 2], y=[0.1, 0.3, 0.2], name="rate"), row=1, col=2)
    panels.add_hline(y=0.8, row=1, col=2)
    stacked = go.Figure([go.Bar(x=["a", "b"], y=[1, 2], name="one"),
                         go.Bar(x=["a", "b"], y=[2, 1], name="two")])  # fmt: skip
    stacked.update_layout(barmode="stack")
    interval = {"type": "data", "array": [0.1, 0.05], "arrayminus": [0.05, 0.1], "symmetric": False}
    figures = [
        go.Figure(go.Bar(y=["zip 1", "zip 2"], x=[0.3, 0.6], orientation="h", error_x=interval)),
        panels,
        stacked,
        go.Figure(
            go.Waterfall(
                x=["base", "age", "income", "total"],
                y=[0.5, -0.1, 0.2, 0],
                measure=["absolute", "relative", "relative", "total"],
            )
        ),
        go.Figure(go.Heatmap(z=[[0.1, 0.2], [0.3, np.nan]], x=["f", "m"], y=["A", "B"])),
    ]
    for figure in figures:
        png = render_figure_png(figure.to_json())
        assert png is not None
        assert png.startswith(b"\x89PNG")
    assert render_figure_png(go.Figure(go.Pie(values=[1, 2])).to_json()) is None
