"""The review report as one self-contained HTML file that opens offline in any browser.

:func:`build_html_report` renders a :class:`~fairness_core.report.ReviewReport`: the
executive summary first, then the findings (each with its interactive chart, note and
numbers), the findings from other data (when any were carried over), the operating points
side by side (the recommended one marked) with each one's rules and rationale, and apart
those recorded on other data, each analysis in the report's order (its heading, settings
and per-group tables with intervals), method notes, limitations, and the identity, shared
settings and versions.

Self-contained: plotly.js is inlined once (``plotly.offline.get_plotlyjs()``), nothing is
fetched from a CDN, and a Content-Security-Policy allows only the page's own scripts (by
hash), inline styles and ``data:`` images, so even a figure that names an outside image
cannot make the browser fetch it.

Every string that came from a file or a reviewer (titles, notes, column names, category
values, settings) is escaped with :func:`~fairness_core.escaping.escape_html`. Figures are
embedded as JSON data blocks (``<script type="application/json">``) with ``<``, ``>`` and
``&`` written as ``\\u003c``/``\\u003e``/``\\u0026``, so no text inside a figure can close
the block or start markup. plotly.js reads a little HTML inside chart text (``<a href>``
links, ``<span style>``), so in figure strings every ``<`` that does not open one of the
plain formatting tags our charts use (``<br>``, ``<b>``, ``<i>``, ``<em>``, ``<sup>``,
``<sub>``, ``<extra>``) is written as ``&lt;``, which plotly.js shows as the character: a
category called ``<a href="https://…">`` is drawn as text, never as a link.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from fairness_core.escaping import escape_chart_text, escape_html
from fairness_core.formatting import to_json_value
from fairness_core.metrics import SubgroupReport, plain_column_title
from fairness_core.report._findings import (
    SEVERITY_TITLES,
    Finding,
    OperatingPointRecord,
    exact_rule_lines,
    operating_point_warnings,
)
from fairness_core.report._points import compare_operating_points, strategy_title
from fairness_core.report._review import (
    GroupTable,
    ReviewAnalysis,
    ReviewReport,
    identity_rows,
    readable_time,
)
from fairness_core.report._sections import Section
from fairness_core.report._which_metric import (
    WHICH_METRIC_TITLE,
    which_metric_lead,
)

__all__ = ["build_html_report", "script_safe_json"]

#: Rows of a finding's table shown in the report (a pinned row list can hold thousands).
MAX_FINDING_ROWS = 100
_PLOT_CONFIG = {"responsive": True, "displaylogo": False}
_BOOT = (
    "(function () {\n"
    "  var blocks = document.querySelectorAll('script[type=\"application/json\"][data-figure]');\n"
    "  for (var i = 0; i < blocks.length; i++) {\n"
    "    var target = document.getElementById(blocks[i].getAttribute('data-figure'));\n"
    "    try {\n"
    "      var fig = JSON.parse(blocks[i].textContent);\n"
    "      Plotly.newPlot(target, fig.data || [], fig.layout || {}, "
    + json.dumps(_PLOT_CONFIG)
    + ");\n"
    "    } catch (err) {\n"
    "      target.textContent = 'This chart could not be drawn; '\n"
    "        + 'the table below has its numbers.';\n"
    "    }\n"
    "  }\n"
    "})();"
)
_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0 auto;
       max-width: 1100px; padding: 1.5rem; color: #1a1a1a; line-height: 1.45; }
h1 { margin-bottom: .2rem; } h2 { border-bottom: 2px solid #0072B2; padding-bottom: .2rem;
       margin-top: 2.2rem; } h3 { margin-bottom: .3rem; }
.meta, .caption { color: #555; font-size: .92rem; }
table { border-collapse: collapse; margin: .6rem 0 1rem; font-size: .88rem; }
th, td { border: 1px solid #ccc; padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: #f1f4f8; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.finding { border: 1px solid #d8dde3; border-radius: 6px; padding: .4rem 1rem 1rem;
       margin: 1rem 0; }
.severity { display: inline-block; padding: .05rem .5rem; border-radius: 4px; font-size: .85rem;
       font-weight: 600; }
.severity-info { background: #e6f0f8; color: #004a75; }
.severity-concern { background: #fbecd2; color: #7a4b00; }
.severity-critical { background: #f7d9cc; color: #8a2c00; }
.recommended { background: #dcefdc; color: #1d5a1d; }
.note { white-space: pre-wrap; background: #fafafa; border-left: 4px solid #0072B2;
       padding: .4rem .7rem; }
.chart { width: 100%; min-height: 380px; }
.analysis { margin-top: 1.6rem; } h4 { margin-bottom: .3rem; }
.hidden-chart { color: #555; font-style: italic; }
code { font-size: .85rem; word-break: break-all; }
.scroll { overflow-x: auto; }
@media print { .chart { break-inside: avoid; } .finding { break-inside: avoid; } }
"""


def script_safe_json(value: Any) -> str:
    """``value`` as JSON that cannot end a ``<script>`` block or open an HTML comment."""
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, default=str)
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def build_html_report(review: ReviewReport) -> str:
    """The report as one HTML document (text); plotly.js inlined once, no outside resources."""
    page = _Page()
    level = f"{review.subgroup.settings.confidence:.0%}"
    page.add(f"<h1>{_e(review.title)}</h1>")
    page.add(
        f'<p class="meta">Created {_e(readable_time(review.created))}'
        f" · data {_e(review.data.name)} "
        f"(SHA-256 <code>{_e(review.data.sha256)}</code>)"
        + (f" · model {_e(review.model.name)}" if review.model else "")
        + "</p>"
    )
    page.add(_contents(review))
    page.add('<h2 id="summary">Executive summary</h2>')
    page.add(_list(review.executive_summary))
    for section in review.sections_before_findings:
        _section(page, section)
    page.add('<h2 id="findings">Findings</h2>')
    if not review.findings:
        page.add("<p>No findings were pinned during the review.</p>")
    for number, finding in enumerate(review.findings, start=1):
        _finding(page, number, finding, review)
    if review.other_findings:
        page.add('<h2 id="other-findings">Findings from other data</h2>')
        page.add(
            "<p>These findings were pinned on other data than this report describes ("
            + "; ".join(_e(name) for name in review.other_data_names())
            + "). Their numbers do not come from this report's data, and the executive "
            "summary leaves them out.</p>"
        )
        first = len(review.findings) + 1
        for number, finding in enumerate(review.other_findings, start=first):
            _finding(page, number, finding, review)
    page.add('<h2 id="operating-point">Operating points</h2>')
    _operating_points(page, review)
    page.add('<h2 id="groups">Metrics by group</h2>')
    page.add(
        f'<p class="caption">For each analysis and metric: its value in each group with a '
        f"{level} interval (the range the true value very likely lies in), then how far the "
        "group is from the reference group, as a difference and as a ratio, with the verdict. "
        "“n/a” means the number is not defined for that group, or is hidden because too few "
        "people are measured.</p>"
    )
    for number, analysis in enumerate(review.analyses, start=1):
        _analysis(page, number, analysis)
    if review.metric_choice is not None:
        choice = review.metric_choice
        page.add(f'<h2 id="which-metric">{WHICH_METRIC_TITLE}</h2>')
        page.add(f"<p>{_e(which_metric_lead(choice))}</p>")
        page.add(_pairs_table(choice.answers, ("Question", "Answer")))
        page.add(_list(choice.reasoning))
    page.add('<h2 id="method">Method notes</h2>')
    page.add(_list(review.method_notes))
    page.add('<h2 id="limitations">Limitations</h2>')
    page.add(_list(review.limitations))
    for section in review.sections_after_limitations:
        _section(page, section)
    page.add('<h2 id="identity">Data and model</h2>')
    page.add(_pairs_table(identity_rows(review.data, review.model), ("What", "Value")))
    page.add('<h2 id="settings">Settings</h2>')
    page.add(
        '<p class="caption">Shared by every analysis; each analysis lists its own settings '
        "above its tables.</p>"
    )
    page.add(_pairs_table(review.settings, ("Setting", "Value")))
    page.add('<h2 id="versions">Package versions</h2>')
    page.add(_pairs_table(review.versions, ("Package", "Version")))
    return page.render(review.title)


class _Page:
    """Body parts and figure data blocks, rendered with the scripts and the CSP."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.figures = 0

    def add(self, html: str) -> None:
        self.parts.append(html)

    def figure(self, figure_json: object, caption: str, *, show_caption: bool = True) -> bool:
        """Add a chart from plotly JSON; False (nothing added) when it is not a figure."""
        if not figure_json or not isinstance(figure_json, str):
            return False
        try:
            spec = json.loads(figure_json)
        except ValueError:
            return False
        if not isinstance(spec, dict):
            return False
        spec = escape_chart_text(
            {"data": spec.get("data") or [], "layout": spec.get("layout") or {}}
        )
        self.figures += 1
        name = f"figure-{self.figures}"
        self.parts.append(
            f'<div class="chart" id="{name}" role="img" aria-label="{_e(caption)}"></div>'
            f'<script type="application/json" data-figure="{name}">'
            f"{script_safe_json(to_json_value(spec))}</script>"
        )
        if caption and show_caption:
            self.parts.append(f'<p class="caption">{_e(caption)}</p>')
        return True

    def render(self, title: str) -> str:
        from plotly.offline import get_plotlyjs  # only a report with charts needs plotly

        scripts = [get_plotlyjs(), _BOOT] if self.figures else []
        hashes = " ".join(f"'sha256-{_digest(s)}'" for s in scripts) or "'none'"
        csp = (
            f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; "
            "img-src data:; font-src data:; connect-src 'none'; base-uri 'none'; "
            "form-action 'none'"
        )
        head = (
            '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{csp}">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n"
        )
        if scripts:
            head += f"<script>{scripts[0]}</script>\n"
        body = "\n".join(self.parts)
        tail = f"<script>{scripts[1]}</script>\n" if len(scripts) > 1 else ""
        return f"{head}</head>\n<body>\n{body}\n{tail}</body>\n</html>\n"


def _digest(script: str) -> str:
    return base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")


def _e(text: object) -> str:
    return escape_html(text)


def _list(items: Iterable[str]) -> str:
    return "<ul>" + "".join(f"<li>{_e(item)}</li>" for item in items) + "</ul>"


def _contents(review: ReviewReport) -> str:
    entries = [
        ("summary", "Executive summary"),
        *[(x.id, x.title) for x in review.sections_before_findings],
        ("findings", "Findings"),
        *([("other-findings", "Findings from other data")] if review.other_findings else []),
        ("operating-point", "Operating points"),
        ("groups", "Metrics by group"),
        *([("which-metric", WHICH_METRIC_TITLE)] if review.metric_choice else []),
        ("method", "Method notes"),
        ("limitations", "Limitations"),
        *[(x.id, x.title) for x in review.sections_after_limitations],
        ("identity", "Data and model"),
        ("settings", "Settings"),
        ("versions", "Package versions"),
    ]
    links = " · ".join(f'<a href="#{anchor}">{title}</a>' for anchor, title in entries)
    return f'<nav class="meta">Contents: {links}</nav>'


def _section(page: _Page, section: Section) -> None:
    """A section written once as blocks (compliance, NIST AI RMF), rendered as HTML."""
    page.add(f'<h2 id="{_e(section.id)}">{_e(section.title)}</h2>')
    for block in section.blocks:
        if block.kind == "heading":
            page.add(f"<h3>{_e(block.text)}</h3>")
        elif block.kind == "text":
            page.add(f"<p>{_e(block.text)}</p>")
        elif block.kind == "caption":
            page.add(f'<p class="caption">{_e(block.text)}</p>')
        elif block.kind == "bullets":
            page.add(_list(block.items))
        elif block.frame is not None:
            page.add(_frame_table(block.frame))


def _finding(page: _Page, number: int, finding: Finding, review: ReviewReport) -> None:
    severity = finding.severity if finding.severity in SEVERITY_TITLES else "info"
    page.add(f'<section class="finding" id="finding-{number}">')
    page.add(f"<h3>{number}. {_e(finding.title)}</h3>")
    page.add(
        f'<p><span class="severity severity-{severity}">{_e(SEVERITY_TITLES[severity])}</span>'
        f' <span class="meta">· pinned on the {_e(finding.page)} page'
        f" · {_e(readable_time(finding.created))}"
        f" · data {_e(finding.data_name)}</span></p>"
    )
    if finding.data_sha256 and finding.data_sha256 != review.data.sha256:
        page.add(
            '<p class="meta">Pinned on other data than this report describes (SHA-256 '
            f"<code>{_e(finding.data_sha256)}</code>).</p>"
        )
    if finding.note:
        page.add(f'<p class="note">{_e(finding.note)}</p>')
    if finding.summary:
        page.add(f"<p>{_e(finding.summary)}</p>")
    if finding.id in review.hidden_figures:
        page.add(
            '<p class="hidden-chart">The chart is left out: it may show groups smaller than '
            f"{review.suppress_below} people. The table shows what can be shown.</p>"
        )
    else:
        page.figure(
            finding.figure, finding.summary or finding.title, show_caption=not finding.summary
        )
    if finding.table is not None:
        table = finding.table
        if len(table) > MAX_FINDING_ROWS:
            page.add(
                f'<p class="hidden-chart">The first {MAX_FINDING_ROWS} of {len(table):,} rows; '
                "the audit bundle holds them all.</p>"
            )
            table = table.head(MAX_FINDING_ROWS)
        page.add(_frame_table(table, review.subgroup.settings.confidence))
    if finding.settings:
        page.add(_pairs_table(finding.settings.items(), ("Setting", "Value")))
    page.add("</section>")


def _operating_points(page: _Page, review: ReviewReport) -> None:
    """The options on this data side by side, each one's details, then other data's."""
    confidence = review.subgroup.settings.confidence
    this, other = review.points_on_data, review.points_from_other_data
    if not this:
        page.add(
            "<p>No operating point (a decision threshold per group) was chosen on the "
            "Trade-offs page: the decisions are reviewed as they are.</p>"
        )
    else:
        _comparison(page, this, review.recommended_point)
        for point in this:
            _operating_point(page, point, confidence, point.id == review.recommended_point)
    if other:
        page.add('<h3 id="operating-points-other-data">From other data</h3>')
        page.add(
            '<p class="note">These operating points were recorded on other data than this '
            f"report describes (SHA-256 <code>{_e(review.data.sha256)}</code>): their "
            "numbers do not describe this data, and they are not part of the executive "
            "summary.</p>"
        )
        _comparison(page, other, None)
        for point in other:
            _operating_point(page, point, confidence, False)


def _comparison(
    page: _Page, points: Sequence[OperatingPointRecord], recommended: str | None
) -> None:
    if not points:
        return
    text = compare_operating_points(points, recommended=recommended).text()
    head = "".join(f"<th>{_e(c)}</th>" for c in text.columns)
    body = "".join(
        "<tr>"
        + f"<th>{_e(row[0])}</th>"
        + "".join(f'<td class="num">{_e(v)}</td>' for v in row[1:])
        + "</tr>"
        for row in text.itertuples(index=False, name=None)
    )
    page.add("<p><strong>The options side by side</strong></p>")
    page.add(
        f'<div class="scroll"><table class="comparison"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def _operating_point(
    page: _Page, point: OperatingPointRecord, confidence: float, recommended: bool
) -> None:
    mark = ' <span class="severity recommended">Recommended</span>' if recommended else ""
    page.add(f'<h3 data-point="{_e(point.id)}">{_e(point.title)}{mark}</h3>')
    page.add(f'<p class="note">Why: {_e(point.rationale)}</p>')
    page.add(f"<p>{_e(point.change_summary)}</p>")
    for warning in operating_point_warnings(point):
        page.add(f'<p class="note"><strong>Warning:</strong> {_e(warning)}</p>')
    details = [
        ("Criterion", point.criterion),
        ("Strategy", strategy_title(point.strategy)),
        ("Randomized", "yes" if point.randomized else "no"),
        ("Recorded", readable_time(point.created)),
        ("Data", point.data_name or "not recorded"),
        *point.settings.items(),
    ]
    page.add(_pairs_table(details, ("Setting", "Value")))
    page.add("<p><strong>Thresholds per group</strong></p>")
    page.add(_frame_table(point.thresholds, confidence))
    if rules := "".join(f"<li>{_e(line)}</li>" for line in exact_rule_lines(point)):
        page.add(f"<p><strong>Exact rule per group</strong> (unrounded)</p><ul>{rules}</ul>")
    page.add("<p><strong>Each group at this operating point</strong></p>")
    page.add(_frame_table(point.per_group, confidence))


_GROUP_COLUMNS = (
    ("group", "Group"),
    ("n", "People"),
    ("denominator", "Measured on (people)"),
    ("value", "Value"),
    ("ci_low", "{level} interval, low"),
    ("ci_high", "{level} interval, high"),
    ("difference_shown", "Difference vs reference"),
    ("difference_verdict", "Verdict on the difference"),
    ("ratio_shown", "Ratio vs reference"),
    ("ratio_verdict", "Verdict on the ratio"),
    ("difference_p_adjusted", "Chance of a gap this large by luck (p, adjusted)"),
)


def _analysis(page: _Page, number: int, analysis: ReviewAnalysis) -> None:
    anchor = "" if number == 1 else f"analysis-{number}-"
    page.add(f'<section class="analysis" id="analysis-{number}" data-analysis="{number}">')
    page.add(f"<h3>Analysis {number}: {_e(analysis.title)}</h3>")
    page.add(_pairs_table(analysis.settings, ("Setting", "Value")))
    for table in analysis.group_tables:
        _group_table(page, table, analysis.subgroup, anchor, number)
    page.add("</section>")


def _group_table(
    page: _Page, table: GroupTable, report: SubgroupReport, anchor: str, number: int
) -> None:
    level = f"{report.settings.confidence:.0%}"
    page.add(f'<h4 id="{anchor}metric-{_e(table.metric)}">{_e(table.title)}</h4>')
    page.add(f"<p>{_e(table.explanation)} <em>Counted among:</em> {_e(table.denominator)}.</p>")
    # The plots package imports plotly: the headless audit imports this module without
    # drawing, so it is imported by the first chart.
    from fairness_core.plots import plot_metric_by_group

    figure = plot_metric_by_group(report, table.metric)
    page.figure(
        figure.to_json(),
        f"{table.title} per group as bars with {level} intervals; the reference group has a "
        "black outline and a dashed line. The table below has the numbers.",
    )
    head = "".join(f"<th>{_e(title.format(level=level))}</th>" for _, title in _GROUP_COLUMNS)
    rows = []
    for record in table.table.to_dict("records"):
        cells = []
        for column, _ in _GROUP_COLUMNS:
            value = record[column]
            if column == "difference_p_adjusted":
                cells.append(_cell(value, pvalue=True))
            else:
                cells.append(_cell(value))
        rows.append(f'<tr data-group="{_e(record["group"])}">{"".join(cells)}</tr>')
    page.add(
        f'<table class="metric" data-metric="{_e(table.metric)}" data-analysis="{number}">'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _cell(value: object, *, pvalue: bool = False) -> str:
    """One table cell: numbers right-aligned (3 decimals; p-values 3 significant digits)."""
    if value is None:
        return "<td>n/a</td>"
    if isinstance(value, (bool, np.bool_)):
        return f"<td>{'yes' if value else 'no'}</td>"
    if isinstance(value, (int, np.integer)):
        return f'<td class="num">{int(value):,}</td>'
    if isinstance(value, (float, np.floating)):
        number = float(value)
        if not math.isfinite(number):
            return '<td class="num">n/a</td>'
        small = pvalue and number < 0.001
        text = "&lt; 0.001" if small else f"{number:.3f}"
        return f'<td class="num">{text}</td>'
    if isinstance(value, (list, tuple)):
        return f"<td>{_e(', '.join(str(v) for v in value))}</td>"
    return f"<td>{_e(value)}</td>"


def _frame_table(frame: pd.DataFrame, confidence: float = 0.95) -> str:
    head = "".join(
        f"<th>{_e(plain_column_title(column, confidence))}</th>" for column in frame.columns
    )
    body = "".join(
        "<tr>" + "".join(_cell(_scalar(v)) for v in row) + "</tr>"
        for row in frame.itertuples(index=False, name=None)
    )
    return (
        f'<div class="scroll"><table class="data"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def _scalar(value: object) -> object:
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def _pairs_table(pairs: Iterable[tuple[str, str]], titles: Sequence[str]) -> str:
    body = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in pairs)
    return (
        f'<table class="pairs"><thead><tr><th>{_e(titles[0])}</th><th>{_e(titles[1])}</th>'
        f"</tr></thead><tbody>{body}</tbody></table>"
    )
