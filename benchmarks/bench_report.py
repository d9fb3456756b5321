"""Benchmark: the review exports against the obvious alternatives, measured in one run.

On the loan demo's test split (4,000 rows; race × gender, 10 groups, 5 metrics):

1. The HTML report with ``--findings`` pinned charts (default 10) plus one chart per metric:
   ``build_html_report`` (plotly.js inlined once, figures as JSON) against the obvious
   alternative, each figure written with ``Figure.to_html(include_plotlyjs=True)`` (plotly.js
   inlined per chart, which is what a self-contained per-figure export does). Time and size.
2. The Excel export: ``build_metrics_excel`` (openpyxl, every text cell formula-safe, four
   sheets) against ``pandas.DataFrame.to_excel`` of the same metric rows (one sheet, no
   formula protection).
3. The PDF report and the audit bundle build, and a replay of the bundle (time only).

    .venv/bin/python benchmarks/bench_report.py
    .venv/bin/python benchmarks/bench_report.py --findings 3 --repeats 1   # a smoke run
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fairness_core.data import check_audit_data, get_demo
from fairness_core.metrics import compute_subgroup_report, metric_table
from fairness_core.plots import plot_metric_by_group
from fairness_core.report import (
    build_bundle,
    build_html_report,
    build_metrics_excel,
    build_pdf_report,
    build_review,
    identify_data,
    make_finding,
    replay,
)
from fairness_core.report._exports import METRIC_COLUMNS, metric_rows


def median_time(function: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    """Median wall time of ``repeats`` calls after one untimed warm-up, and the last result.

    The warm-up pays one-off costs (reportlab and openpyxl are imported on first use).
    """
    result = function()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--findings", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print(f"Python {platform.python_version()}, {os.cpu_count()} cores, {platform.machine()}")

    demo = get_demo("loan")
    dataset = demo.load_test()
    audit = check_audit_data(dataset.frame, demo.roles)
    report = compute_subgroup_report(audit, attributes=["race", "gender"])
    metrics = report.settings.metrics
    findings = [
        make_finding(
            title=f"Finding {i}",
            page="Subgroups",
            data_name=dataset.name,
            data_sha256=dataset.sha256,
            figure=plot_metric_by_group(report, metrics[i % len(metrics)]).to_json(),
            table=metric_table(report, metrics[i % len(metrics)]).drop(columns=["group_index"]),
        )
        for i in range(args.findings)
    ]
    review = build_review(
        report, roles=demo.roles, data=identify_data(dataset, audit), findings=findings
    )
    n_figures = args.findings + len(metrics)
    print(f"\n1. HTML report, {args.findings} findings + {len(metrics)} metric charts")
    ours_t, html = median_time(lambda: build_html_report(review), args.repeats)

    def per_figure() -> str:
        figures = [plot_metric_by_group(report, m) for m in metrics]
        parts = [
            f.to_html(full_html=False, include_plotlyjs=True)
            for f in [*(_figure(x.figure) for x in findings), *figures]
        ]
        return "<html><body>" + "".join(parts) + "</body></html>"

    alt_t, alt_html = median_time(per_figure, args.repeats)
    ours_mb, alt_mb = len(html.encode()) / 1e6, len(alt_html.encode()) / 1e6
    print(f"   build_html_report:           {ours_t:7.3f} s  {ours_mb:7.1f} MB")
    print(f"   to_html per figure ({n_figures:2d} figs): {alt_t:7.3f} s  {alt_mb:7.1f} MB")
    print(
        f"   ratio (alternative / ours):  {alt_t / ours_t:7.1f}x time, {alt_mb / ours_mb:.1f}x size"
    )

    print("\n2. Excel export of the metric rows")
    rows = metric_rows(review)
    ours_t, _ = median_time(lambda: build_metrics_excel(review), args.repeats)

    def pandas_excel() -> bytes:
        buffer = io.BytesIO()
        pd.DataFrame(rows, columns=list(METRIC_COLUMNS)).to_excel(buffer, index=False)
        return buffer.getvalue()

    alt_t, _ = median_time(pandas_excel, args.repeats)
    print(f"   build_metrics_excel (4 sheets, formula-safe): {ours_t:6.3f} s ({len(rows)} rows)")
    print(f"   DataFrame.to_excel (1 sheet, unprotected):   {alt_t:6.3f} s")
    print(f"   ratio (ours / alternative): {ours_t / alt_t:.2f}x")

    print("\n3. PDF, bundle and replay")
    pdf_t, pdf = median_time(lambda: build_pdf_report(review), args.repeats)
    bundle_t, bundle = median_time(lambda: build_bundle(review), args.repeats)
    data = demo.test_path.read_bytes()
    replay_t, result = median_time(lambda: replay(bundle, data, dataset.name), args.repeats)
    assert result.identical
    print(f"   build_pdf_report: {pdf_t:6.3f} s ({len(pdf) / 1e3:,.0f} kB)")
    print(f"   build_bundle:     {bundle_t:6.3f} s ({len(bundle) / 1e3:,.0f} kB)")
    print(f"   replay:           {replay_t:6.3f} s ({result.compared:,} numbers identical)")


def _figure(text: str | None) -> Any:
    import plotly.io as pio

    return pio.from_json(text or "{}")


if __name__ == "__main__":
    main()
