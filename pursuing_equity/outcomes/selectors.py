"""What the outcomes app puts on a person's home (:func:`home_panels`, the provider
``home/panels.py`` names): the team's milestones and the self-assessment round to answer, the
milestones to confirm, partnership records and totals, case studies to approve and, for funders,
the program report. The screens' own reads are in ``selectors_milestones``,
``selectors_self_assessment`` and ``selectors_partners``.
"""

from __future__ import annotations

import datetime

from django.urls import reverse

from pursuing_equity.core.homes import Panel, Task
from pursuing_equity.outcomes.models import Response
from pursuing_equity.outcomes.selectors_milestones import board_teams, milestone_views
from pursuing_equity.outcomes.selectors_partners import partners_with_records, totals
from pursuing_equity.outcomes.selectors_self_assessment import assessment_of
from pursuing_equity.programs.selectors import current_cycle
from pursuing_equity.teams.models import Team


def home_panels(user, day: datetime.date) -> list[Panel]:
    """Team people: their team's outcomes, and the self-assessment to answer while a round is
    open; staff and coaches: milestones whose proposed status awaits confirmation. A fixed
    number of queries whatever the number of teams."""
    from pursuing_equity.accounts.rules import FACULTY, FUNDER, STAFF, has_role
    from pursuing_equity.teams.membership import membership_of, own_teams

    panels: list[Panel] = []
    if membership_of(user).team_ids:
        panels += _team_outcomes(user, day, own_teams(user))
    if has_role(user, STAFF, FACULTY):
        panels.append(_to_confirm(user))
    panels += _partnership_panels(user)
    panels += _case_studies_to_approve(user)
    if has_role(user, FUNDER):
        panels.append(_program_report(day))
    return panels


def _program_report(day: datetime.date) -> Panel:
    """The funder's home is the program report (suppressed), with its downloads."""
    from pursuing_equity.outcomes import report

    cycle = current_cycle(day)
    if cycle is None:
        return Panel(
            key="program-report",
            heading="Program report",
            empty="No program cycle is running: the report covers the current cycle.",
            order=10,
        )
    built = report.program_report(cycle, day)
    return Panel(
        key="program-report",
        heading=f"Program report: {built.cycle_name}",
        template="outcomes/_report_panel.html",
        context={
            "report": built,
            "suppression_note": report.suppression_note(built),
            "case_studies": report.published_case_studies(),
        },
        links=(
            ("The report on its own page", reverse("program_report")),
            ("Download as PDF", reverse("program_report_download", args=["pdf"])),
            ("Download as XLSX", reverse("program_report_download", args=["xlsx"])),
        ),
        order=10,
    )


def _team_outcomes(user, day: datetime.date, teams: list[Team]) -> list[Panel]:
    answered = set(
        Response.objects.filter(team__in=teams, person=user).values_list("team_id", "round_key")
    )
    panels = []
    assessments = {}
    for team in teams:
        if team.cycle_id not in assessments:
            assessments[team.cycle_id] = assessment_of(team.cycle)
        assessment = assessments[team.cycle_id]
        tasks = []
        current = assessment.open_round(day) if assessment else None
        if current:
            done = (team.pk, current.key) in answered
            tasks.append(
                Task(
                    text=(
                        f"Change your {current.name.lower()} self-assessment"
                        if done
                        else f"Answer the {current.name.lower()} equity self-assessment"
                    ),
                    url=reverse("self_assessment_answer", args=[team.slug, current.key]),
                    due=current.closes_on,
                    detail=f"Open until {current.closes_on:%B} {current.closes_on.day}"
                    + (
                        "; you have answered."
                        if done
                        else "; answers are confidential to your team and program staff."
                    ),
                    urgent=not done and (current.closes_on - day).days <= 7,
                )
            )
        panels.append(
            Panel(
                key=f"outcomes-{team.slug}",
                heading=f"Milestones and self-assessment of {team.name}",
                tasks=tuple(tasks),
                links=(
                    ("The team's milestones", reverse("team_outcomes", args=[team.slug])),
                    ("The team's case studies", reverse("team_case_studies", args=[team.slug])),
                    *(
                        [
                            (
                                "The team's self-assessment results",
                                reverse("self_assessment_team", args=[team.slug]),
                            )
                        ]
                        if assessment
                        else []
                    ),
                ),
                empty="No self-assessment round is open: see your team's milestones and past results.",
                order=35,
            )
        )
    return panels


def _to_confirm(user) -> Panel:
    teams = board_teams(user)
    views = milestone_views(teams, evidence=False)
    waiting = [v for team in teams for v in views[team.pk] if v.to_confirm]
    tasks = tuple(
        Task(
            text=f"{v.team.name}: {v.definition.text}",
            url=reverse("team_outcomes", args=[v.team.slug]) + f"#milestone-{v.key}",
            detail=f"Proposed: {v.proposal.label} (recorded: {v.status_label}). {v.proposal.reason}",
        )
        for v in waiting[:8]
    )
    return Panel(
        key="milestones-to-confirm",
        heading="Milestones to confirm",
        tasks=tasks,
        links=(
            (
                f"Network board of milestones ({len(waiting)} to confirm)",
                reverse("milestone_board"),
            ),
        ),
        empty="No proposed milestone is waiting: every team's data agrees with its recorded statuses.",
        order=45,
    )


def _partnership_panels(user) -> list[Panel]:
    """A linked partner's own record; the team's partnership for its people; staff's totals."""
    from pursuing_equity.accounts.rules import is_program_staff
    from pursuing_equity.outcomes import rules
    from pursuing_equity.teams.membership import membership_of, own_teams

    panels = []
    on_a_team = bool(membership_of(user).team_ids)
    # Only a team's people can be linked to a partner record (the service checks).
    mine = list(partners_with_records(user=user)) if on_a_team else []
    if mine:
        panels.append(
            Panel(
                key="my-partnership",
                heading="Your work with your team and what you were paid",
                template="outcomes/_my_partnership.html",
                context={"records": mine, "totals": totals(mine)},
                order=12,
            )
        )
    if on_a_team:
        for team in own_teams(user):
            if rules.can_view_team_partners(user, team):
                panels.append(
                    Panel(
                        key=f"partners-{team.slug}",
                        heading=f"Community partners of {team.name}",
                        links=(
                            (
                                "Partners, engagements and compensation",
                                reverse("team_partners", args=[team.slug]),
                            ),
                        ),
                        empty=(
                            "Record your community partners and people with lived experience, "
                            "each engagement and each payment."
                            if rules.can_record_partnership(user, team)
                            else "See the partners, engagements and payments your team recorded."
                        ),
                        order=36,
                    )
                )
    if is_program_staff(user):
        panels.append(
            Panel(
                key="network-partnership",
                heading="Lived-experience partnership",
                links=(("Totals per team and the finance export", reverse("partnership_network")),),
                empty="Hours and compensation of every team's community partners.",
                order=46,
            )
        )
    return panels


def _case_studies_to_approve(user) -> list[Panel]:
    """ "A case study to approve": the senior leader's (their teams', with the leader) and
    program staff's (with staff). 1 query."""
    from pursuing_equity.accounts.rules import is_program_staff
    from pursuing_equity.outcomes.models import CaseStudy
    from pursuing_equity.teams.membership import membership_of

    staff = is_program_staff(user)
    m = membership_of(user)
    led = [team_id for team_id in m.team_ids if m.leads(team_id)]
    if not staff and not led:
        return []
    waiting = CaseStudy.objects.none()
    if led:
        waiting = CaseStudy.objects.filter(team_id__in=led, state=CaseStudy.State.LEADER_REVIEW)
    if staff:
        waiting = waiting | CaseStudy.objects.filter(state=CaseStudy.State.STAFF_REVIEW)
    rows = list(waiting.select_related("team").order_by("updated_at")[:10])
    return [
        Panel(
            key="case-studies-to-approve",
            heading="Case studies to approve",
            tasks=tuple(
                Task(
                    text=f"Approve the case study “{c.title}”",
                    url=reverse("case_study_detail", args=[c.pk]),
                    detail=f"{c.team.name} · {c.get_state_display().lower()}",
                )
                for c in rows
            ),
            links=((("All case studies", reverse("case_study_queue")),) if staff else ())
            + (("The public gallery", reverse("case_study_gallery")),),
            empty="No case study is waiting for your approval.",
            order=30,
        )
    ]
