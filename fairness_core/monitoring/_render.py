"""The monitoring report as JSON, Markdown or one self-contained HTML file, and its trend chart.

The HTML follows the review report's conventions (:mod:`fairness_core.report`): plotly.js
inlined once, figures as JSON data blocks written with
the review report's ``script_safe_json`` rule, a Content-Security-Policy that allows only the
page's own scripts (by hash), and every text that came from a file (group names, period
labels, file names) escaped with :func:`fairness_core.escaping.escape_html` — in figures with
:func:`fairness_core.escaping.safe_figure_json`. Markdown escapes the same texts with
:func:`fairness_core.escaping.escape_markdown`.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Literal

from fairness_core.escaping import escape_html, escape_markdown, safe_figure_json
from fairness_core.formatting import format_number, to_json_value
from fairness_core.metrics import METRICS
from fairness_core.monitoring._changes import CHANGE_VERDICTS
from fairness_core.monitoring._monitor import MonitoringReport, monitoring_to_dict

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = ["MonitorFormat", "build_monitoring_html", "plot_monitoring_trend", "render_monitoring"]

MonitorFormat = Literal["json", "md", "html"]
_BAND_ALPHA = 0.15


def render_monitoring(report: MonitoringReport, fmt: MonitorFormat) -> str:
    """The report as JSON (:func:`monitoring_to_dict`), Markdown or HTML text."""
    if fmt == "json":
        document = monitoring_to_dict(report)
        return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    if fmt == "md":
        return _markdown(report)
    if fmt == "html":
        return build_monitoring_html(report)
    raise ValueError(f"Unknown format {fmt!r}; expected json, md or html.")


def plot_monitoring_trend(
    report: MonitoringReport, metric: str, *, kind: Literal["gap", "rate"] = "gap"
) -> go.Figure:
    """Trend chart of one metric: groups as lines with interval bands.

    ``kind="gap"``: each group's gap to the fixed reference per period (Newcombe band),
    the rule's line (a difference of 0.1 on the harmful side) dashed, alerts marked.
    ``kind="rate"``: each group's rate per period (Jeffreys band) from the period reports.
    """
    import plotly.graph_objects as go

    from fairness_core.plots import group_colours

    spec = METRICS[metric]
    fig = go.Figure()
    if kind == "gap":
        frame = report.gaps[report.gaps["metric"] == metric]
        y_title = f"{spec.title}: group − {report.references.get(metric, 'reference')}"
    else:
        frame = report.trends[report.trends["metric"] == metric].rename(columns={"value": "gap"})
        y_title = spec.title
    # Colours from every group the report follows (not only this chart's), so a group has
    # the same colour on the gap and the rate chart and on the other pages.
    colours = group_colours(list(dict.fromkeys([*report.trends["group"], *frame["group"]])))
    for group, rows in frame.groupby("group", sort=False):
        colour = colours[str(group)]
        x = rows["period"].tolist()
        fill = _rgba(colour, _BAND_ALPHA)
        fig.add_trace(
            go.Scatter(
                x=x + x[::-1],
                y=rows["ci_high"].tolist() + rows["ci_low"].tolist()[::-1],
                fill="toself", fillcolor=fill, line={"width": 0}, hoverinfo="skip",
                showlegend=False, name=f"{group} interval", legendgroup=str(group),
            )
        )  # fmt: skip
        fig.add_trace(
            go.Scatter(
                x=x, y=rows["gap"].tolist(), mode="lines+markers", name=str(group),
                line={"color": colour}, legendgroup=str(group),
            )
        )  # fmt: skip
    if kind == "gap":
        line = -0.1 if spec.harmful == "lower" else 0.1
        fig.add_hline(
            y=line, line_dash="dash", line_color="#555",
            annotation_text="rule's line (difference of 0.1)", annotation_position="bottom left",
        )  # fmt: skip
        fig.add_hline(y=0, line_color="#999", line_width=1)
        alerts = [a for a in report.alerts if a.metric == metric]
        if alerts:
            fig.add_trace(
                go.Scatter(
                    x=[a.period for a in alerts], y=[a.gap for a in alerts], mode="markers",
                    name="alert (worse)", marker={"symbol": "x", "size": 13, "color": "#D55E00"},
                )
            )  # fmt: skip
    fig.update_layout(
        title=f"{spec.title} over time" + (" — gap to the reference" if kind == "gap" else ""),
        xaxis_title="Period", yaxis_title=y_title, xaxis_type="category",
        template="plotly_white", legend_title_text="Group",
    )  # fmt: skip
    return fig


def _rgba(colour: str, alpha: float) -> str:
    colour = colour.lstrip("#")
    r, g, b = (int(colour[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


# -- Markdown ---------------------------------------------------------------------------


def _markdown(report: MonitoringReport) -> str:
    s = report.settings
    level = f"{s.confidence:.0%}"
    lines = ["# Fairness monitoring", ""]
    lines.append(
        f"{len(report.periods)} periods ({_m(report.periods[0])} to {_m(report.periods[-1])}), "
        f"baseline: {_m(s.baseline)}, protected: {', '.join(_m(a) for a in s.attributes)}, "
        f"metrics: {', '.join(s.metrics or ())}, min n {s.min_n}, family-wise false-alarm "
        f"rate {s.alpha:g} ({s.correction} over {report.comparisons_judged} comparisons)."
    )
    lines += ["", "## Alerts", ""]
    alerts = report.alerts
    lines += [f"- {_m(a.describe())}" for a in alerts] or [
        "No alert: no group got detectably worse."
    ]
    lines += ["", "## Changes in the gap", ""]
    lines.append(
        f"Each group's gap to the reference in a period minus the gap in the baseline period, "
        f"with a {level} interval; verdicts use p-values adjusted over every comparison."
    )
    lines.append("")
    table = report.changes[report.changes["verdict"] != "no detectable change"]
    lines += _md_table(
        ["Metric", "Group", "Reference", "Period", "Baseline", "Change", "Interval", "Adj. p",
         "Verdict"],
        [
            [r["metric"], r["group"], r["reference"], r["period"], r["baseline"],
             format_number(r["change"], 3, signed=True),
             f"{format_number(r['ci_low'], 3, signed=True)} to "
             f"{format_number(r['ci_high'], 3, signed=True)}",
             format_number(r["p_value_adjusted"], 4), r["verdict"]]
            for r in table.to_dict("records")
        ],
    )  # fmt: skip
    if table.empty:
        lines.append("Every judged change: no detectable change.")
    lines += ["", "## Trends", ""]
    for metric in s.metrics or ():
        rows = report.trends[report.trends["metric"] == metric]
        groups = list(dict.fromkeys(rows["group"]))
        lines += [f"### {METRICS[metric].title}", ""]
        wide = rows.pivot_table(index="period", columns="group", values="value", sort=False)
        lines += _md_table(
            ["Period", *groups],
            [[p, *(format_number(wide.at[p, g], 3) if g in wide.columns else "n/a"
                   for g in groups)] for p in wide.index],
        )  # fmt: skip
        lines.append("")
    lines += ["## Group composition", ""]
    lines += _md_table(
        ["Period", "Baseline", "Chi-square p", "PSI"],
        [[r["period"], r["baseline"], format_number(r["p_value"], 4), format_number(r["psi"], 4)]
         for r in report.composition.to_dict("records")],
    )  # fmt: skip
    if report.score_drift is not None:
        lines += ["", "## Score drift", ""]
        lines += _md_table(
            ["Period", "Group", "Baseline", "PSI", "KS", "KS p"],
            [[r["period"], r["group"], r["baseline"], format_number(r["psi"], 4),
              format_number(r["ks_statistic"], 3), format_number(r["ks_p_value"], 4)]
             for r in report.score_drift.to_dict("records")],
        )  # fmt: skip
    lines += ["", "## Files", ""]
    lines += _md_table(
        ["File", "SHA-256", "Rows", "Periods"],
        [[f.name, f.sha256, f"{f.n_rows:,}", ", ".join(f.periods)] for f in report.files],
    )
    if report.notes:
        lines += ["", "## Notes", ""] + [f"- {_m(n)}" for n in report.notes]
    lines += ["", "## Verdicts", ""] + [f"- **{k}**: {v}" for k, v in CHANGE_VERDICTS.items()]
    return "\n".join(lines) + "\n"


def _m(text: object) -> str:
    return escape_markdown(text)


def _md_table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    body = [list(r) for r in rows]
    if not body:
        return []
    out = ["| " + " | ".join(_m(h) for h in header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(_m(c) for c in row) + " |" for row in body]
    return out


# -- HTML -------------------------------------------------------------------------------

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0 auto;
       max-width: 1100px; padding: 1.5rem; color: #1a1a1a; line-height: 1.45; }
h2 { border-bottom: 2px solid #0072B2; padding-bottom: .2rem; margin-top: 2.2rem; }
.meta, .caption { color: #555; font-size: .92rem; }
table { border-collapse: collapse; margin: .6rem 0 1rem; font-size: .88rem; }
th, td { border: 1px solid #ccc; padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: #f1f4f8; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.alert { background: #f7d9cc; border-left: 4px solid #D55E00; padding: .4rem .7rem;
         margin: .4rem 0; }
.ok { background: #dcefdc; border-left: 4px solid #009E73; padding: .4rem .7rem; }
.chart { width: 100%; min-height: 380px; }
code { font-size: .85rem; word-break: break-all; }
.scroll { overflow-x: auto; }
@media print { .chart { break-inside: avoid; } }
"""
_BOOT = (
    "(function () {\n"
    "  var blocks = document.querySelectorAll('script[type=\"application/json\"][data-figure]');\n"
    "  for (var i = 0; i < blocks.length; i++) {\n"
    "    var target = document.getElementById(blocks[i].getAttribute('data-figure'));\n"
    "    try {\n"
    "      var fig = JSON.parse(blocks[i].textContent);\n"
    "      Plotly.newPlot(target, fig.data || [], fig.layout || {}, "
    '{"responsive": true, "displaylogo": false});\n'
    "    } catch (err) {\n"
    "      target.textContent = 'This chart could not be drawn; '\n"
    "        + 'the table below has its numbers.';\n"
    "    }\n"
    "  }\n"
    "})();"
)


def build_monitoring_html(report: MonitoringReport) -> str:
    """The monitoring report as one HTML document; plotly.js inlined, nothing fetched."""
    from plotly.offline import get_plotlyjs

    s = report.settings
    level = f"{s.confidence:.0%}"
    parts: list[str] = []
    figures = 0

    def figure(fig: go.Figure, caption: str) -> None:
        nonlocal figures
        figures += 1
        spec = safe_figure_json(fig)
        data = {"data": spec.get("data", []), "layout": spec.get("layout", {})}
        name = f"figure-{figures}"
        parts.append(
            f'<div class="chart" id="{name}" role="img" aria-label="{_e(caption)}"></div>'
            f'<script type="application/json" data-figure="{name}">'
            f"{script_safe_json(to_json_value(data))}</script>"
            f'<p class="caption">{_e(caption)}</p>'
        )

    parts.append("<h1>Fairness monitoring</h1>")
    parts.append(
        f'<p class="meta">{len(report.periods)} periods, {_e(report.periods[0])} to '
        f"{_e(report.periods[-1])} · baseline: {_e(s.baseline)} · protected: "
        f"{_e(', '.join(s.attributes))} · min n {s.min_n} · family-wise false-alarm rate "
        f"{s.alpha:g} ({_e(s.correction)} over {report.comparisons_judged} comparisons)</p>"
    )
    parts.append('<h2 id="alerts">Alerts</h2>')
    if report.alerts:
        parts += [f'<p class="alert">{_e(a.describe())}</p>' for a in report.alerts]
    else:
        parts.append('<p class="ok">No alert: no group got detectably worse.</p>')
    parts.append('<h2 id="trends">Trends</h2>')
    parts.append(
        f'<p class="caption">Each line is a group\'s gap to the reference group (its rate '
        f"minus the reference's) per period, with a {level} interval band; the dashed line is "
        "the rule's line (a difference of 0.1 on the side that harms the group); crosses mark "
        "alerts. The reference group is held fixed over the whole log.</p>"
    )
    for metric in s.metrics or ():
        ref = report.references.get(metric, "")
        figure(
            plot_monitoring_trend(report, metric, kind="gap"),
            f"{METRICS[metric].title}: each group's gap to {ref} per period.",
        )
        figure(
            plot_monitoring_trend(report, metric, kind="rate"),
            f"{METRICS[metric].title} per group and period, with {level} intervals.",
        )
    parts.append('<h2 id="changes">Changes in the gap</h2>')
    parts.append(
        '<p class="caption">The gap in each period minus the gap in its baseline period, '
        f"with a {level} interval; the verdict uses the p-value adjusted over every period, "
        "group and metric.</p>"
    )
    parts.append(
        _table(
            ["Metric", "Group", "Reference", "Period", "Baseline", "Gap", "Baseline gap",
             "Change", "Interval", "Adjusted p", "Verdict"],
            [[r["metric"], r["group"], r["reference"], r["period"], r["baseline"],
              format_number(r["gap"], 3, signed=True),
              format_number(r["baseline_gap"], 3, signed=True),
              format_number(r["change"], 3, signed=True),
              f"{format_number(r['ci_low'], 3, signed=True)} to "
              f"{format_number(r['ci_high'], 3, signed=True)}",
              format_number(r["p_value_adjusted"], 4), r["verdict"]]
             for r in report.changes.to_dict("records")],
        )
    )  # fmt: skip
    parts.append('<h2 id="drift">Population drift</h2>')
    parts.append(
        '<p class="caption">Shown beside the gaps; drift never raises an alert by itself. '
        "PSI below 0.1 is usually read as little shift, 0.1–0.25 moderate, above 0.25 large.</p>"
    )
    parts.append("<h3>Group composition</h3>")
    parts.append(
        _table(
            ["Period", "Baseline", "Chi-square", "p-value", "PSI"],
            [[r["period"], r["baseline"], format_number(r["chi2"], 2),
              format_number(r["p_value"], 4), format_number(r["psi"], 4)]
             for r in report.composition.to_dict("records")],
        )
    )  # fmt: skip
    if report.base_rates is not None:
        parts.append("<h3>Base rate per group</h3>")
        parts.append(
            _table(
                ["Period", "Group", "Known outcomes", "Base rate", "Change", "Interval"],
                [[r["period"], r["group"], format_number(r["n_known"], 0),
                  format_number(r["base_rate"], 3),
                  format_number(r["change"], 3, signed=True),
                  f"{format_number(r['ci_low'], 3, signed=True)} to "
                  f"{format_number(r['ci_high'], 3, signed=True)}"]
                 for r in report.base_rates.to_dict("records")],
            )
        )  # fmt: skip
    if report.score_drift is not None and report.score_summary is not None:
        parts.append("<h3>Score distribution per group</h3>")
        merged = report.score_summary.merge(report.score_drift, on=["period", "group"], how="left")
        parts.append(
            _table(
                ["Period", "Group", "Rows", "Mean", "Median", "PSI", "KS", "KS p-value"],
                [[r["period"], r["group"], f"{int(r['n']):,}", format_number(r["mean"], 3),
                  format_number(r["median"], 3), format_number(r["psi"], 4),
                  format_number(r["ks_statistic"], 3), format_number(r["ks_p_value"], 4)]
                 for r in merged.to_dict("records")],
            )
        )  # fmt: skip
    parts.append('<h2 id="files">Files and their SHA-256</h2>')
    parts.append(
        _table(
            ["File", "SHA-256", "Rows", "Periods"],
            [[f.name, f.sha256, f"{f.n_rows:,}", ", ".join(f.periods)] for f in report.files],
        )
    )
    per_period = [
        [r.period, f"{r.n_rows:,}", f"{r.n_known:,}",
         "; ".join(sorted({f.name for f in report.files if r.period in f.periods}))]
        for r in report.period_reports
    ]  # fmt: skip
    parts.append(_table(["Period", "Rows", "Rows with a known outcome", "Files"], per_period))
    if report.notes:
        parts.append('<h2 id="notes">Notes</h2>')
        parts.append("<ul>" + "".join(f"<li>{_e(n)}</li>" for n in report.notes) + "</ul>")
    parts.append('<h2 id="verdicts">Verdicts</h2>')
    parts.append(_table(["Verdict", "Meaning"], [[k, v] for k, v in CHANGE_VERDICTS.items()]))
    scripts = [get_plotlyjs(), _BOOT] if figures else []
    hashes = " ".join(f"'sha256-{_digest(x)}'" for x in scripts) or "'none'"
    csp = (
        f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; "
        "img-src data:; font-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'"
    )
    head = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>Fairness monitoring</title>\n<style>{_CSS}</style>\n"
    )
    if scripts:
        head += f"<script>{scripts[0]}</script>\n"
    tail = f"<script>{scripts[1]}</script>\n" if scripts else ""
    return f"{head}</head>\n<body>\n" + "\n".join(parts) + f"\n{tail}</body>\n</html>\n"


def script_safe_json(value: Any) -> str:
    """``value`` as JSON that cannot end a ``<script>`` block (as the review report writes it)."""
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, default=str)
    for char, code in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"),
                       ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):  # fmt: skip
        text = text.replace(char, code)
    return text


def _e(text: object) -> str:
    return escape_html(text)


def _digest(script: str) -> str:
    return base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")


def _table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows)
    table = f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    return f'<div class="scroll">{table}</div>'
