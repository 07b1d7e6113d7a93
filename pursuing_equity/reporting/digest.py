"""The monthly PDF digest: every submitted update covering a month, charts drawn as static SVG."""

from __future__ import annotations

import base64
import datetime

from django.template.loader import render_to_string
from django.utils import timezone

from pursuing_equity.core.urls import absolute_url
from pursuing_equity.programs.dates import add_months
from pursuing_equity.programs.models import Cycle
from pursuing_equity.reporting import charts, selectors
from pursuing_equity.reporting.models import Update


def latest_month(cycle: Cycle, today: datetime.date) -> datetime.date | None:
    """The latest month, up to ``today``'s, that a submitted update of ``cycle`` covers."""
    latest = (
        Update.objects.filter(team__cycle=cycle, status=Update.Status.SUBMITTED)
        .order_by("-period_start")
        .values_list("period_start", "period_months")
        .first()
    )
    if latest is None:
        return None
    start, months = latest
    return min(add_months(start, months - 1), today.replace(day=1))


def digest_pdf(cycle: Cycle, month: datetime.date) -> bytes:
    """All submitted updates covering ``month`` as one PDF, charts drawn as static SVG."""
    # Imported here: WeasyPrint is slow to load and needs system libraries only the digest uses.
    from weasyprint import HTML

    entries = []
    for update in selectors.digest_updates(cycle, month):
        figures = []
        for chart in update.charts:
            svg = charts.to_svg(chart["spec"])
            figures.append(
                {
                    "chart": chart,
                    "svg_uri": "data:image/svg+xml;base64,"
                    + base64.b64encode(svg.encode()).decode()
                    if svg
                    else None,
                }
            )
        entries.append({"update": update, "figures": figures})
    html = render_to_string(
        "reporting/digest.html",
        {"cycle": cycle, "month": month, "entries": entries, "generated": timezone.now()},
    )
    return HTML(string=html, base_url=absolute_url("/")).write_pdf()
