"""Case studies: the workflow as data, Markdown made safe, and what the platform pre-fills.

The states and transitions, who may take each and the label the button shows live in
:data:`TRANSITIONS` (one declaration; the service and the page both read it). Text is Markdown,
rendered and cleaned by ``core.markdown.render_markdown`` (markdown-it-py, then nh3's allow-list,
so no script, style or event handler survives whatever was typed).
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass

from pursuing_equity.outcomes import rules
from pursuing_equity.outcomes.models import CaseStudy

State = CaseStudy.State


@dataclass(frozen=True)
class Transition:
    key: str
    sources: tuple[str, ...]
    target: str
    label: str
    rule: Callable[..., bool]
    audit: str


TRANSITIONS: dict[str, Transition] = {
    t.key: t
    for t in (
        Transition(
            "submit",
            (State.DRAFT,),
            State.LEADER_REVIEW,
            "Send to the senior leader for approval",
            rules.can_edit_case_study,
            "case_study.submit",
        ),
        Transition(
            "approve",
            (State.LEADER_REVIEW,),
            State.STAFF_REVIEW,
            "Approve and send to program staff",
            rules.can_approve_as_leader,
            "case_study.leader_approve",
        ),
        Transition(
            "publish",
            (State.STAFF_REVIEW,),
            State.PUBLISHED,
            "Approve and publish in the gallery",
            rules.can_publish_case_study,
            "case_study.publish",
        ),
        Transition(
            "return",
            (State.LEADER_REVIEW, State.STAFF_REVIEW),
            State.DRAFT,
            "Return to the team for changes",
            rules.can_return_case_study,
            "case_study.return",
        ),
    )
}


def available(user, case_study: CaseStudy) -> list[Transition]:
    """The transitions ``user`` may take on ``case_study`` now."""
    return [
        t
        for t in TRANSITIONS.values()
        if case_study.state in t.sources and t.rule(user, case_study)
    ]


def prefill(team) -> dict:
    """What the platform already holds of the team, as the first draft: its aim, the changes it
    tested (PDSA cycles), the learning of its latest updates, and the charts (with their signal
    notes and table alternative) of its latest update's stored, shared snapshot, as SVG."""
    from pursuing_equity.measures.models import Aim
    from pursuing_equity.reporting import charts as reporting_charts
    from pursuing_equity.reporting.models import PdsaCycle, Update

    aim = Aim.objects.filter(measure__team=team).select_related("measure").order_by("pk").first()
    cycles = PdsaCycle.objects.filter(team=team).order_by("started_on", "pk")
    updates = list(
        Update.objects.filter(team=team, status=Update.Status.SUBMITTED).order_by("-period_start")[
            :3
        ]
    )
    learning = "\n\n".join(
        f"**{u.period_label}:** {u.learning.strip()}" for u in updates if u.learning.strip()
    )
    stored = next((u.charts for u in updates if u.charts), [])
    figures = []
    for chart in stored[:4]:
        svg = reporting_charts.to_svg(chart["spec"])
        figures.append(
            {
                "title": chart["title"],
                # Shown only as <img src="data:…"> (never inline), so the SVG runs nothing.
                "svg_uri": "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
                if svg
                else "",
                "note": chart.get("note", ""),
                "columns": chart.get("columns", []),
                "rows": chart.get("rows", []),
                "changes": chart.get("changes", []),
            }
        )
    return {
        "aim": aim.text if aim else "",
        "changes": "\n".join(
            f"- {c.change_idea}" + (f" ({c.get_decision_display().lower()})" if c.decision else "")
            for c in cycles
        ),
        "learning": learning,
        "charts": figures,
    }
