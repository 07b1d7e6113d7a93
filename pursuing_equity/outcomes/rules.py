"""Who may see and change milestones and the self-assessment: pure ``can_<verb>_<noun>`` rules.

Milestones are seen by the team's own people (members, leaders, community partners), its coaches
and program staff; staff and the team's coach confirm a status. Self-assessment answers are
confidential to the team and program staff: the team sees its own results (never person by
person), staff see every team's and the network's distribution; coaches, peers, funders and
visitors see none. Who is on or coaches a team is :mod:`pursuing_equity.teams.membership`'s answer.
"""

from __future__ import annotations

from typing import Any

from pursuing_equity.accounts.rules import FACULTY, FUNDER, STAFF, has_role, is_program_staff
from pursuing_equity.teams.membership import DATA_ENTRY_PARTS, membership_of


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def can_view_team_milestones(user, team) -> bool:
    if not _signed_in(user) or team is None:
        return False
    if is_program_staff(user):
        return True
    m = membership_of(user)
    return m.is_member(team) or m.is_coach(team)


def can_add_milestone_evidence(user, team) -> bool:
    """The team's members and leaders (who hold the evidence), its coach and staff."""
    if not _signed_in(user) or team is None:
        return False
    if is_program_staff(user):
        return True
    m = membership_of(user)
    return m.part_in(team) in DATA_ENTRY_PARTS or m.is_coach(team)


def can_confirm_milestone(user, team) -> bool:
    """Setting a milestone's status is a judgement: program staff or the team's coach."""
    if not _signed_in(user) or team is None:
        return False
    return is_program_staff(user) or membership_of(user).is_coach(team)


def can_view_milestone_board(user, obj: Any = None) -> bool:
    """The network board: staff (every team) and faculty (the teams they coach)."""
    return has_role(user, STAFF, FACULTY)


def can_view_team_self_assessment(user, team) -> bool:
    if not _signed_in(user) or team is None:
        return False
    return is_program_staff(user) or membership_of(user).is_member(team)


def can_answer_self_assessment(user, team) -> bool:
    """Every person on the team answers for themselves."""
    return team is not None and membership_of(user).is_member(team)


def can_view_network_self_assessment(user, obj: Any = None) -> bool:
    return is_program_staff(user)


def can_set_round_dates(user, obj: Any = None) -> bool:
    return is_program_staff(user)


# --- community partnership and lived experience -------------------------------------------------


def can_view_team_partners(user, team) -> bool:
    """Names of partners are for the team's own people and program staff only (not coaches)."""
    if not _signed_in(user) or team is None:
        return False
    return is_program_staff(user) or membership_of(user).is_member(team)


def can_record_partnership(user, team) -> bool:
    """The team's members and senior leaders record partners, engagements and payments."""
    if not _signed_in(user) or team is None:
        return False
    return is_program_staff(user) or membership_of(user).part_in(team) in DATA_ENTRY_PARTS


def can_view_network_partnership(user, obj: Any = None) -> bool:
    """The network's totals and the finance export: program staff."""
    return is_program_staff(user)


def can_view_program_report(user, obj: Any = None) -> bool:
    """The program report (suppressed): program staff and funders."""
    return is_program_staff(user) or has_role(user, FUNDER)


# --- case studies --------------------------------------------------------------------------------


def can_list_team_case_studies(user, team) -> bool:
    """The team's own people and program staff see its case studies in every state."""
    return can_view_team_partners(user, team)


def can_create_case_study(user, team) -> bool:
    return can_record_partnership(user, team)


def can_view_case_study(user, case_study) -> bool:
    """A published case study is public; before that, the team and staff."""
    if case_study is None:
        return False
    if case_study.state == "published":
        return True
    return can_list_team_case_studies(user, case_study.team)


def can_edit_case_study(user, case_study) -> bool:
    """The team's members and leaders (and staff) edit a draft."""
    return (
        case_study is not None
        and case_study.state == "draft"
        and can_record_partnership(user, case_study.team)
    )


def can_approve_as_leader(user, case_study) -> bool:
    return (
        case_study is not None
        and case_study.state == "leader_review"
        and _signed_in(user)
        and membership_of(user).leads(case_study.team)
    )


def can_publish_case_study(user, case_study) -> bool:
    return case_study is not None and case_study.state == "staff_review" and is_program_staff(user)


def can_return_case_study(user, case_study) -> bool:
    """Whoever may approve it now may send it back to the team instead."""
    return can_approve_as_leader(user, case_study) or can_publish_case_study(user, case_study)


def can_view_case_study_queue(user, obj: Any = None) -> bool:
    return is_program_staff(user)
