"""The review report as a PDF for sign-off (reportlab; nothing outside the Python packages).

:func:`build_pdf_report` renders the same :class:`~fairness_core.report.ReviewReport` as the
HTML report, in the same order (every analysis with its heading, settings and tables),
with static bar charts drawn by ``reportlab.graphics`` from the per-group tables, and each
finding with its chart as a static image (:mod:`fairness_core.report._static_charts`:
matplotlib draws the finding's plotly figure; the interactive charts are in the HTML
report).

*Characters*: text uses DejaVu Sans (regular and bold), the TrueType font matplotlib ships,
embedded in the file, so arrows (→), ≥, ×, en dashes ("25–34"), typographic quotes and
names such as Zoë, Müller or Łódź print and can be copied out of the PDF. A character the
font has no glyph for (a Chinese name, an emoji) is written as its code, "[U+4E2D]",
rather than as an empty box. Every string is escaped for reportlab's paragraph
mini-markup (``&``, ``<``, ``>``), so a column called ``<b>`` prints as those characters.

*Tables*: a table wider than the page is printed in parts of at most
:data:`MAX_PDF_COLUMNS` columns, each repeating the group (first) column, so no column is
left out; column titles are plain words (:func:`~fairness_core.metrics.plain_column_title`).
A finding's table longer than :data:`SUMMARY_ROWS` rows (a trade-off frontier, a sweep) is
summarised by its first and last rows and the rows marked chosen or recommended; the Excel
export holds every row.

reportlab and matplotlib are imported inside the functions that draw, so
``import fairness_core`` (the app and the command line) does not pay for them.
"""

from __future__ import annotations

import functools
import importlib.util
import io
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from fairness_core.escaping import reveal_invisible
from fairness_core.metrics import plain_column_title
from fairness_core.plots import GROUP_COLOURS
from fairness_core.report._findings import (
    SEVERITY_TITLES,
    Finding,
    OperatingPointRecord,
    exact_rule_lines,
    operating_point_warnings,
)
from fairness_core.report._points import compare_operating_points, strategy_title
from fairness_core.report._review import GroupTable, ReviewReport, identity_rows, readable_time
from fairness_core.report._sections import Section
from fairness_core.report._static_charts import render_figure_png

if TYPE_CHECKING:
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import SimpleDocTemplate, Table

__all__ = ["build_pdf_report"]

FONT = "FairnessDejaVuSans"
FONT_BOLD = "FairnessDejaVuSans-Bold"
#: The font files (matplotlib's copy of DejaVu Sans, which covers Latin, Greek, Cyrillic,
#: arrows and mathematical signs).
FONT_FILES = {FONT: "DejaVuSans.ttf", FONT_BOLD: "DejaVuSans-Bold.ttf"}
#: Rows of a table printed in the PDF (the HTML report and the files have all).
MAX_PDF_ROWS = 60
#: A finding's table longer than this is summarised (first and last rows, chosen ones).
SUMMARY_ROWS = 12
#: Rows kept at each end of a summarised table.
SUMMARY_ENDS = 3
#: Columns of a table printed side by side (A4 is narrow); wider tables are split into
#: parts of this many columns, each repeating the group column.
MAX_PDF_COLUMNS = 8
#: Columns never printed: an internal number that repeats the group column.
HIDDEN_COLUMNS = ("group_index",)
#: Width of a finding's chart on the page, in points (16 cm).
CHART_WIDTH = 16 * 72 / 2.54
#: Operating points compared in one table (more are split across tables to fit the page).
PDF_POINTS_PER_TABLE = 3
#: Width a table may take on an A4 page inside the margins, in points (17.2 cm).
PDF_WIDTH = 17.2 * 72 / 2.54


def font_directory() -> Path:
    """Where matplotlib keeps its TrueType fonts (found without importing matplotlib)."""
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("matplotlib is not installed; reinstall Fairness Explorer")
    return Path(next(iter(spec.submodule_search_locations))) / "mpl-data" / "fonts" / "ttf"


def _register_fonts() -> None:
    """Register DejaVu Sans once per process (registration is idempotent)."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    registered = pdfmetrics.getRegisteredFontNames()
    for name, file in FONT_FILES.items():
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(font_directory() / file)))
    for bold, italic in ((0, 0), (0, 1), (1, 0), (1, 1)):
        addMapping(FONT, bold, italic, FONT_BOLD if bold else FONT)


@functools.cache
def font_characters() -> frozenset[int]:
    """The code points both fonts have a glyph for (anything else would print as a box)."""
    from reportlab.pdfbase import pdfmetrics

    _register_fonts()
    faces = [pdfmetrics.getFont(name).face for name in FONT_FILES]
    return frozenset.intersection(*(frozenset(face.charToGlyph) for face in faces))


def printable(text: str) -> str:
    """``text`` with each character the font cannot draw written as its code ("[U+4E2D]")."""
    if text.isascii():
        return text
    known = font_characters()
    return "".join(c if ord(c) in known or c in "\n\r\t" else f"[U+{ord(c):04X}]" for c in text)


def _styles() -> dict[str, ParagraphStyle]:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_LEFT
    from reportlab.lib.styles import ParagraphStyle

    base = ParagraphStyle(
        "body", fontName=FONT, bulletFontName=FONT, fontSize=9.5, leading=12.5, alignment=TA_LEFT
    )
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10),
        "meta": ParagraphStyle("meta", parent=base, fontSize=8, leading=10,
                               textColor=colors.HexColor("#555555")),
        "cell": ParagraphStyle("cell", parent=base, fontSize=7.5, leading=9),
        "head": ParagraphStyle("head", parent=base, fontName=FONT_BOLD, fontSize=7.5, leading=9),
        "h1": ParagraphStyle("h1", parent=base, fontName=FONT_BOLD, fontSize=18, leading=22,
                             spaceAfter=6),
        "h2": ParagraphStyle("h2", parent=base, fontName=FONT_BOLD, fontSize=13, leading=16,
                             spaceBefore=12, spaceAfter=4,
                             textColor=colors.HexColor("#0072B2")),
        "analysis": ParagraphStyle("analysis", parent=base, fontName=FONT_BOLD, fontSize=11.5,
                                   leading=14, spaceBefore=10, spaceAfter=4),
        "h3": ParagraphStyle("h3", parent=base, fontName=FONT_BOLD, fontSize=10.5, leading=13,
                             spaceBefore=8, spaceAfter=3),
    }  # fmt: skip


def _t(text: object) -> str:
    """Text for reportlab's paragraph markup: ``&``, ``<``, ``>`` escaped, newlines kept."""
    escaped = (
        printable(reveal_invisible(text, keep_line_breaks=True))
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
    )
    return escaped.replace("\r\n", "\n").replace("\n", "<br/>")


def build_pdf_report(review: ReviewReport) -> bytes:
    """The report as PDF bytes (A4), text extractable, charts static."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    _register_fonts()
    s = _styles()
    story: list[object] = []

    def para(text: object, style: str = "body") -> None:
        story.append(Paragraph(_t(text), s[style]))

    def bullets(items: Iterable[str]) -> None:
        for item in items:
            story.append(Paragraph(_t(item), s["body"], bulletText="•"))

    para(review.title, "h1")
    para(
        f"Created {readable_time(review.created)} · data {review.data.name} "
        f"(SHA-256 {review.data.sha256})"
        + (f" · model {review.model.name}" if review.model else ""),
        "meta",
    )
    para(
        "Interactive charts are in the HTML report; this PDF shows the same numbers with "
        "static charts.",
        "meta",
    )
    para("Executive summary", "h2")
    bullets(review.executive_summary)
    for section in review.sections_before_findings:
        story.extend(_section(section, s))

    para("Findings", "h2")
    if not review.findings:
        para("No findings were pinned during the review.")
    for number, finding in enumerate(review.findings, start=1):
        story.extend(_finding(number, finding, review, s))

    if review.other_findings:
        para("Findings from other data", "h2")
        para(
            "These findings were pinned on other data than this report describes ("
            + "; ".join(review.other_data_names())
            + "). Their numbers do not come from this report's data, and the executive "
            "summary leaves them out."
        )
        first = len(review.findings) + 1
        for number, finding in enumerate(review.other_findings, start=first):
            story.extend(_finding(number, finding, review, s))

    para("Operating points", "h2")
    story.extend(_operating_points(review, s))

    para("Metrics by group", "h2")
    para(
        f"For each analysis and metric: its value in each group with a "
        f"{review.subgroup.settings.confidence:.0%} interval (the range the true value very "
        "likely lies in), then how far the group is from the reference group, as a difference "
        "and as a ratio, with the verdict. “n/a” means the number is not defined for that "
        "group, or is hidden because too few people are measured.",
        "small",
    )
    for number, analysis in enumerate(review.analyses, start=1):
        para(f"Analysis {number}: {analysis.title}", "analysis")
        story.append(_pairs(analysis.settings, s))
        confidence = analysis.subgroup.settings.confidence
        for table in analysis.group_tables:
            story.extend(_group_table(table, s, confidence))

    para("Method notes", "h2")
    bullets(review.method_notes)
    para("Limitations", "h2")
    bullets(review.limitations)
    for section in review.sections_after_limitations:
        story.extend(_section(section, s))
    para("Data and model", "h2")
    story.append(_pairs(identity_rows(review.data, review.model), s))
    para("Settings", "h2")
    para("Shared by every analysis; each analysis lists its own settings above its tables.")
    story.append(_pairs(review.settings, s))
    para("Package versions", "h2")
    story.append(_pairs(review.versions, s))

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=1.6 * cm,
        rightMargin=1.6 * cm,
        topMargin=1.6 * cm,
        bottomMargin=1.6 * cm,
        title=review.title,
        author="Fairness Explorer",
        subject="Fairness review",
    )
    footer = f"{review.title} · page %d"

    def on_page(canvas: Canvas, document: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.drawRightString(A4[0] - 1.6 * cm, 1.0 * cm, footer % document.page)
        canvas.restoreState()

    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()


def _section(section: Section, s: dict[str, ParagraphStyle]) -> list[object]:
    """A section written once as blocks (compliance, NIST AI RMF), as PDF flowables."""
    from reportlab.platypus import Paragraph

    story: list[object] = [Paragraph(_t(section.title), s["h2"])]
    for block in section.blocks:
        if block.kind == "heading":
            story.append(Paragraph(_t(block.text), s["h3"]))
        elif block.kind in ("text", "caption"):
            story.append(Paragraph(_t(block.text), s["body" if block.kind == "text" else "small"]))
        elif block.kind == "bullets":
            story.extend(Paragraph(_t(item), s["body"], bulletText="•") for item in block.items)
        elif block.frame is not None:
            story.extend(_frame(block.frame, s))
    return story


def _finding(
    number: int, finding: Finding, review: ReviewReport, s: dict[str, ParagraphStyle]
) -> list[object]:
    from reportlab.platypus import KeepTogether, Paragraph, Spacer

    severity = SEVERITY_TITLES.get(finding.severity, finding.severity)
    parts: list[object] = [
        Paragraph(_t(f"{number}. {finding.title}"), s["h3"]),
        Paragraph(
            _t(f"{severity} · pinned on the {finding.page} page · "
               f"{readable_time(finding.created)} · data "
               f"{finding.data_name}"),
            s["meta"],
        ),
    ]  # fmt: skip
    if finding.data_sha256 and finding.data_sha256 != review.data.sha256:
        parts.append(Paragraph("Pinned on other data than this report describes.", s["meta"]))
    if finding.note:
        parts.append(Paragraph(_t(f"Note: {finding.note}"), s["body"]))
    if finding.summary:
        parts.append(Paragraph(_t(finding.summary), s["body"]))
    if finding.figure and finding.id not in review.hidden_figures:
        parts.extend(_chart_image(finding.figure, s))
    story: list[object] = [KeepTogether(parts)]
    if finding.table is not None:
        story.extend(_frame(finding.table, s, review.subgroup.settings.confidence, summarise=True))
    if finding.settings:
        story.append(_pairs(finding.settings.items(), s))
    story.append(Spacer(1, 6))
    return story


def _chart_image(figure: str, s: dict[str, ParagraphStyle]) -> list[object]:
    """The finding's chart as a static image, with a line saying where the live one is."""
    from reportlab.platypus import Image, Paragraph

    png = render_figure_png(figure, clean=printable)
    if png is None:
        return [Paragraph("This finding's chart is in the HTML report; its numbers follow.",
                          s["meta"])]  # fmt: skip
    image = Image(io.BytesIO(png))
    scale = CHART_WIDTH / image.imageWidth
    image.drawWidth, image.drawHeight = CHART_WIDTH, image.imageHeight * scale
    image.hAlign = "LEFT"
    return [
        image,
        Paragraph("A static copy of the chart; it is interactive in the HTML report.", s["meta"]),
    ]


def _operating_points(review: ReviewReport, s: dict[str, ParagraphStyle]) -> list[object]:
    """The options on this data side by side and one by one, then other data's, apart."""
    from reportlab.platypus import Paragraph

    confidence = review.subgroup.settings.confidence
    this, other = review.points_on_data, review.points_from_other_data
    story: list[object] = []
    if not this:
        story.append(
            Paragraph(
                "No operating point (a decision threshold per group) was chosen on the "
                "Trade-offs page: the decisions are reviewed as they are.",
                s["body"],
            )
        )
    else:
        story.extend(_comparison(this, review.recommended_point, s))
        for point in this:
            recommended = point.id == review.recommended_point
            story.extend(_operating_point(point, s, confidence, recommended=recommended))
    if other:
        story.append(Paragraph("From other data", s["h3"]))
        story.append(
            Paragraph(
                _t(
                    "These operating points were recorded on other data than this report "
                    f"describes (SHA-256 {review.data.sha256}): their numbers do not describe "
                    "this data, and they are not part of the executive summary."
                ),
                s["body"],
            )
        )
        story.extend(_comparison(other, None, s))
        for point in other:
            story.extend(_operating_point(point, s, confidence, recommended=False))
    return story


def _comparison(
    points: Sequence[OperatingPointRecord], recommended: str | None, s: dict[str, ParagraphStyle]
) -> list[object]:
    """The side-by-side table, at most :data:`PDF_POINTS_PER_TABLE` options per table."""
    from reportlab.platypus import Paragraph, Spacer

    text = compare_operating_points(points, recommended=recommended).text()
    options = list(text.columns[1:])
    chunks = [
        options[i : i + PDF_POINTS_PER_TABLE] for i in range(0, len(options), PDF_POINTS_PER_TABLE)
    ]
    story: list[object] = [Paragraph("The options side by side", s["h3"])]
    first = 5.6 * 72 / 2.54  # 5.6 cm for the row titles
    for number, chunk in enumerate(chunks, start=1):
        if len(chunks) > 1:
            story.append(
                Paragraph(_t(f"Options {', '.join(chunk)} ({number} of {len(chunks)})"), s["meta"])
            )
        rows = [[Paragraph("What", s["head"])] + [Paragraph(_t(c), s["head"]) for c in chunk]]
        long_texts: list[str] = []
        for record in text.to_dict("records"):
            rows.append(
                [Paragraph(_t(_cell(record["What"], long_texts)), s["head"])]
                + [Paragraph(_t(_cell(record[c], long_texts)), s["cell"]) for c in chunk]
            )
        other = (PDF_WIDTH - first) / PDF_POINTS_PER_TABLE
        story.append(_styled_table(rows, repeat=1, widths=(first, *([other] * len(chunk)))))
        story.extend(_long_text_notes(long_texts, s))
        story.append(Spacer(1, 4))
    return story


def _operating_point(
    point: OperatingPointRecord,
    s: dict[str, ParagraphStyle],
    confidence: float = 0.95,
    *,
    recommended: bool = False,
) -> list[object]:
    from reportlab.platypus import Paragraph

    details = [
        ("Criterion", point.criterion),
        ("Strategy", strategy_title(point.strategy)),
        ("Randomized", "yes" if point.randomized else "no"),
        ("Recorded", readable_time(point.created)),
        ("Data", point.data_name or "not recorded"),
        *point.settings.items(),
    ]
    warnings = [Paragraph(_t(f"Warning: {w}"), s["body"]) for w in operating_point_warnings(point)]
    rules = [Paragraph(_t(line), s["small"], bulletText="•") for line in exact_rule_lines(point)]
    if rules:
        rules.insert(0, Paragraph("Exact rule per group (unrounded)", s["h3"]))
    title = f"{point.title} (Recommended)" if recommended else point.title
    return [
        Paragraph(_t(title), s["h3"]),
        Paragraph(_t(f"Why: {point.rationale}"), s["body"]),
        Paragraph(_t(point.change_summary), s["body"]),
        *warnings,
        _pairs(details, s),
        Paragraph("Thresholds per group", s["h3"]),
        *_frame(point.thresholds, s, confidence),
        *rules,
        Paragraph("Each group at this operating point", s["h3"]),
        *_frame(point.per_group, s, confidence),
    ]


_GROUP_HEAD = (
    ("group", "Group"),
    ("n", "People"),
    ("denominator", "Measured on"),
    ("value", "Value"),
    ("ci_low", "{level} interval, low"),
    ("ci_high", "{level} interval, high"),
    ("difference_shown", "Difference vs reference"),
    ("ratio_shown", "Ratio vs reference"),
    ("ratio_verdict", "Verdict on the ratio"),
    ("difference_verdict", "Verdict on the difference"),
)


def _group_table(
    table: GroupTable, s: dict[str, ParagraphStyle], confidence: float = 0.95
) -> list[object]:
    from reportlab.platypus import KeepTogether, Paragraph, Spacer

    level = f"{confidence:.0%}"
    rows = [[Paragraph(_t(title.format(level=level)), s["head"]) for _, title in _GROUP_HEAD]]
    long_texts: list[str] = []
    for record in table.table.to_dict("records"):
        rows.append(
            [Paragraph(_t(_cell(record[c], long_texts)), s["cell"]) for c, _ in _GROUP_HEAD]
        )
    header = [
        Paragraph(_t(table.title), s["h3"]),
        Paragraph(_t(f"{table.explanation} Counted among: {table.denominator}."), s["small"]),
    ]
    chart = _bar_chart(table)
    items: list[object] = [*header]
    if chart is not None:
        items.append(chart)
    return [
        KeepTogether(items),
        _styled_table(rows, repeat=1),
        *_long_text_notes(long_texts, s),
        Spacer(1, 4),
    ]


#: A table cell longer than this is shortened, with its full text in a note under the table:
#: a cell taller than a page makes reportlab's layout fail (a 500-character group label did).
MAX_CELL_CHARACTERS = 80


def _cell(value: object, long_texts: list[str]) -> str:
    """``value`` for a table cell; a long text is cut and gets a numbered note."""
    text = _format(value)
    if len(text) <= MAX_CELL_CHARACTERS:
        return text
    long_texts.append(text)
    return f"{text[: MAX_CELL_CHARACTERS - 8]}… [{len(long_texts)}]"


def _long_text_notes(long_texts: Sequence[str], s: dict[str, ParagraphStyle]) -> list[object]:
    from reportlab.platypus import Paragraph

    return [
        Paragraph(_t(f"[{number}] In full: {text}"), s["meta"])
        for number, text in enumerate(long_texts, start=1)
    ]


def _bar_chart(table: GroupTable) -> Drawing | None:
    """Bars of the metric per group (suppressed or undefined values drawn as 0, marked)."""
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors

    frame = table.table
    values = pd.to_numeric(frame["value"], errors="coerce").to_numpy(dtype=np.float64)
    if len(frame) == 0 or len(frame) > 24 or not np.isfinite(values).any():
        return None
    width, height = 480, 150
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 40, 35, width - 60, height - 50
    chart.data = [[float(v) if math.isfinite(v) else 0.0 for v in values]]
    chart.categoryAxis.categoryNames = [_short(str(g)) for g in frame["group"]]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.angle = 20 if len(frame) > 6 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if len(frame) > 6 else "n"
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    top = float(np.nanmax(values))
    chart.valueAxis.valueMax = 1.0 if top <= 1.0 else top * 1.1
    chart.bars.strokeWidth = 0
    for index in range(len(frame)):
        chart.bars[(0, index)].fillColor = colors.HexColor(
            GROUP_COLOURS[index % len(GROUP_COLOURS)]
        )
    drawing.add(chart)
    drawing.add(String(40, height - 10, _short(table.title, 60), fontName=FONT, fontSize=8))
    return drawing


def _short(text: str, limit: int = 18) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _format(value: object) -> str:
    if value is None or value is pd.NA:
        return "n/a"
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    if isinstance(value, (float, np.floating)):
        number = float(value)
        return f"{number:.3f}" if math.isfinite(number) else "n/a"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def _frame(
    frame: pd.DataFrame,
    s: dict[str, ParagraphStyle],
    confidence: float = 0.95,
    *,
    summarise: bool = False,
) -> list[object]:
    """``frame`` as one table, or several when it is wider than the page; every column
    printed. With ``summarise``, a table longer than :data:`SUMMARY_ROWS` rows shows its
    first and last rows and the chosen ones (:func:`summary_rows`)."""
    from reportlab.platypus import KeepTogether, Paragraph

    frame = frame.loc[:, [str(c) not in HIDDEN_COLUMNS for c in frame.columns]]
    notes: list[str] = []
    shown = frame
    if summarise and len(frame) > SUMMARY_ROWS:
        positions, note = summary_rows(frame)
        shown = frame.iloc[positions]
        notes.append(note)
    elif len(frame) > MAX_PDF_ROWS:
        shown = frame.head(MAX_PDF_ROWS)
        notes.append(
            f"The first {MAX_PDF_ROWS} of {len(frame):,} rows are printed; every row is in the "
            "HTML report and the Excel file."
        )
    parts = column_parts(frame)
    items: list[object] = []
    for number, columns in enumerate(parts, start=1):
        if len(parts) > 1:
            items.append(
                Paragraph(
                    _t(f"Part {number} of {len(parts)} of a table of {len(frame.columns)} "
                       "columns, too wide for one page; each part repeats the first column."),
                    s["meta"],
                )
            )  # fmt: skip
        titles = [plain_column_title(frame.columns[i], confidence) for i in columns]
        rows = [[Paragraph(_t(title), s["head"]) for title in titles]]
        long_texts: list[str] = []
        for row in shown.iloc[:, columns].itertuples(index=False, name=None):
            rows.append([Paragraph(_t(_cell(v, long_texts)), s["cell"]) for v in row])
        # The first column (the group, the option) gets a wider share: it holds the words.
        share = PDF_WIDTH / (max(len(columns), 4) + 0.6)
        widths = [share * 1.6] + [share] * (len(columns) - 1)
        items.append(_styled_table(rows, repeat=1, widths=widths))
        items.extend(_long_text_notes(long_texts, s))
    items.extend(Paragraph(_t(note), s["meta"]) for note in notes)
    if len(items) > 1 and len(parts) == 1:
        return [KeepTogether(items)]
    return items


def column_parts(frame: pd.DataFrame) -> list[list[int]]:
    """Positions of the columns of each printed part: at most :data:`MAX_PDF_COLUMNS`
    columns a part, the group column (else the first) leading each one."""
    count = len(frame.columns)
    if count <= MAX_PDF_COLUMNS:
        return [list(range(count))]
    names = [str(c).lower() for c in frame.columns]
    key = names.index("group") if "group" in names else 0
    others = [i for i in range(count) if i != key]
    size = MAX_PDF_COLUMNS - 1
    return [[key, *others[i : i + size]] for i in range(0, len(others), size)]


#: Columns whose true or non-empty cells mark a row to keep in a summary.
_MARK_WORDS = ("chosen", "recommended", "selected", "today")


def summary_rows(frame: pd.DataFrame) -> tuple[list[int], str]:
    """Row positions a long table is summarised by, and the sentence saying which.

    The first and last :data:`SUMMARY_ENDS` rows (a frontier's two ends) and every row a
    column marks as chosen, recommended, selected or today's.
    """
    n = len(frame)
    keep = set(range(min(SUMMARY_ENDS, n))) | set(range(max(0, n - SUMMARY_ENDS), n))
    marked = 0
    for position, column in enumerate(frame.columns):
        if not any(word in str(column).lower() for word in _MARK_WORDS):
            continue
        for row, value in enumerate(frame.iloc[:, position]):
            if _marks(value) and row not in keep:
                keep.add(row)
                marked += 1
    rows = sorted(keep)
    chosen = f" and the {marked} marked as chosen" if marked else ""
    return rows, (
        f"Summary: {len(rows)} of {n:,} rows — the first and last {SUMMARY_ENDS}{chosen}. "
        "Every row is in the Excel file and the HTML report."
    )


def _marks(value: object) -> bool:
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, str):
        return value.strip().lower() not in ("", "no", "false", "none")
    return False


def _pairs(pairs: Iterable[tuple[str, str]], s: dict[str, ParagraphStyle]) -> Table:
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph

    rows = [[Paragraph(_t(k), s["head"]), Paragraph(_t(v), s["cell"])] for k, v in pairs]
    return _styled_table(rows or [["", ""]], repeat=0, widths=(5.5 * cm, 12 * cm))


def _styled_table(
    rows: Sequence[Sequence[object]], *, repeat: int, widths: Sequence[float] | None = None
) -> Table:
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    table = Table([list(r) for r in rows], repeatRows=repeat, colWidths=widths, hAlign="LEFT")
    style = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#BBBBBB")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if repeat:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#F1F4F8")))
    table.setStyle(TableStyle(style))
    return table
