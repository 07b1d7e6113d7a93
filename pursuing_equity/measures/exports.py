"""Downloads of a dashboard: its data as CSV or XLSX, its charts as SVG or PNG.

Everything here is built from an assembled :class:`~.dashboard.Dashboard`, which already holds
only what the viewer may see: a person outside the team downloads the suppressed numbers, with
"suppressed (fewer than 11)" in the cells, exactly as the page shows them. Rates and gaps say which points have fewer patients than the program's minimum
(``below_minimum_patients``: drawn hollow, no signal read from them). Images are rendered
on the server by vl-convert (no network: ``allowed_base_urls=[]``) from the same Vega-Lite specs
the browser renders.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

import vl_convert
from django.http import HttpResponse
from openpyxl import Workbook

from pursuing_equity.measures.adjusted import AdjustedView
from pursuing_equity.measures.charts import for_export
from pursuing_equity.measures.dashboard import Dashboard
from pursuing_equity.measures.network import NetworkPanel

VL_VERSION = "6.4"  # the Vega-Lite version Altair 6.3 writes (altair.VEGALITE_VERSION)

Table = tuple[list[str], list[list[Any]]]


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def tables(dashboard: Dashboard) -> dict[str, Table]:
    """The dashboard's tables by name, with headers: what the CSV and XLSX downloads hold."""
    rates = (
        ["period", "stratifier", "stratifier_label", "group", "group_label", "numerator",
         "denominator", "rate_percent", "ci_low", "ci_high", "below_minimum_patients"],
        [
            [r["period"], r["stratifier"], r["stratifier_label"], r["group"], r["group_label"],
             r["numerator"], r["denominator"], r["rate"], r["ci_low"], r["ci_high"],
             _yes_no(r.get("small", False))]
            for r in dashboard.table
        ],
    )  # fmt: skip
    gap = dashboard.gap
    gaps = (
        ["stratifier", "group", "reference", "period", "gap_points", "ci_low", "ci_high",
         "group_rate", "reference_rate", "group_patients", "reference_patients",
         "below_minimum_patients", "signal"],
        [
            [gap.stratifier, g.label, gap.reference_label, p["period"], p["gap"], p["gap_low"],
             p["gap_high"], p["rate"], p["reference_rate"], p.get("n", ""),
             p.get("reference_n", ""), _yes_no(p.get("small", False)), p["signal"]]
            for g in gap.groups
            for p in g.points
        ],
    )  # fmt: skip
    d = dashboard.disparity
    disparity = (
        ["period", "measure", "value", "se", "ci_low", "ci_high"],
        [[d.period_label, m["label"], m["value"], m["se"], m["ci_low"], m["ci_high"]]
         for m in d.measures],
    )  # fmt: skip
    left_out = {label for label, _ in d.excluded}
    comparisons = (
        ["period", "group", "reference", "difference_points", "difference_low",
         "difference_high", "ratio", "ratio_low", "ratio_high", "in_summary_measures"],
        [[d.period_label, p["group"], d.reference_label, p["difference"]["value"],
          p["difference"]["ci_low"], p["difference"]["ci_high"], p["ratio"]["value"],
          p["ratio"]["ci_low"], p["ratio"]["ci_high"], _yes_no(p["group"] not in left_out)]
         for p in d.pairs],
    )  # fmt: skip
    quality = (
        ["stratifier", "period", "patients", "share_unknown", "share_declined",
         "share_not_collected", "share_unusable", "usable"],
        [
            [q.stratifier_label, q.period_label,
             "suppressed" if q.hidden else q.n,
             *(("suppressed",) * 4 if q.hidden else (q.share_unknown, q.share_declined,
                                                       q.share_not_collected, q.share_unusable)),
             "suppressed" if q.hidden else _yes_no(q.usable)]
            for q in dashboard.quality
        ],
    )  # fmt: skip
    aims = (
        ["aim", "baseline_gap", "target_gap", "target_date", "latest_gap", "progress_percent",
         "status"],
        [
            [a.text, a.baseline_gap, a.target_gap, a.target_date.isoformat(), a.latest_gap,
             None if a.progress is None else round(a.progress, 1), a.status]
            for a in dashboard.aims
        ],
    )  # fmt: skip
    out = {
        "rates": rates,
        "gaps": gaps,
        "disparity": disparity,
        "comparisons": comparisons,
        "quality": quality,
        "aims": aims,
    }
    if dashboard.adjusted is not None:
        out["adjusted"] = adjusted_table(dashboard.adjusted)
    return out


def adjusted_table(view: AdjustedView) -> Table:
    """The age-adjusted rates (measures.adjusted) as the page's table shows them: percent,
    points; a hidden or missing value is an empty cell and ``note`` says why."""
    return (
        ["period", "stratifier", "group", "group_label", "standard", "crude_rate_percent",
         "adjusted_rate_percent", "ci_low", "ci_high", "reference", "difference_points",
         "difference_low", "difference_high", "ratio", "ratio_low", "ratio_high", "note"],
        [[p.period_label, view.stratifier, p.group, p.group_label, view.standard_label,
          p.crude, p.rate, p.low, p.high, view.reference_label, p.difference, p.difference_low,
          p.difference_high, p.ratio, p.ratio_low,
          "inf" if p.ratio is not None and p.ratio_high is None else p.ratio_high, p.note]
         for p in view.points],
    )  # fmt: skip


def network_table(panels: Sequence[NetworkPanel]) -> Table:
    return (
        ["team", "cohort", "focus_area", "measure", "stratifier", "group", "reference",
         "first_gap", "last_gap", "direction", "signal", "closing"],
        [[p.team, p.cohort_label, p.focus_area_label, p.measure, p.stratifier_label,
          p.group_label, p.reference_label, p.first_gap, p.last_gap, p.direction,
          _yes_no(p.signal), _yes_no(p.closing)] for p in panels],
    )  # fmt: skip


def _safe(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula is written as text (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") and not _is_number(value):
        return "'" + value
    return "" if value is None else value


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def csv_response(table: Table, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # so that Excel reads the file as UTF-8
    writer = csv.writer(response)
    header, rows = table
    writer.writerow(header)
    writer.writerows([_safe(v) for v in row] for row in rows)
    return response


def xlsx_response(sheets: dict[str, Table], filename: str) -> HttpResponse:
    book = Workbook()
    book.remove(book.active)
    for name, (header, rows) in sheets.items():
        sheet = book.create_sheet(title=name[:31])
        sheet.append(header)
        for row in rows:
            sheet.append([_safe(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def chart_image(spec: dict, fmt: str) -> bytes:
    """The chart as SVG text (UTF-8) or a PNG at a fixed width, rendered without any network
    access."""
    spec = for_export(spec)
    if fmt == "svg":
        return vl_convert.vegalite_to_svg(
            spec, vl_version=VL_VERSION, allowed_base_urls=[]
        ).encode()
    return vl_convert.vegalite_to_png(spec, vl_version=VL_VERSION, scale=2, allowed_base_urls=[])


def image_response(spec: dict, fmt: str, filename: str) -> HttpResponse:
    content_type = "image/svg+xml" if fmt == "svg" else "image/png"
    response = HttpResponse(chart_image(spec, fmt), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
