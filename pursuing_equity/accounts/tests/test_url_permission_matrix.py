"""Every URL of the site, walked from the URL conf: each has a rule (``rule_required`` sets
``permission_rule`` on the view) or a reason in :data:`PUBLIC`; and, for each, an anonymous
visitor is sent to sign in, a member of another team is refused team A's objects (403/404), and
someone entitled (team A's leader or writer, staff, faculty, the assigned reviewer or the
applicant) gets the page.

A new URL fails :func:`test_every_url_has_a_rule` until it has a rule or a justified entry in
:data:`PUBLIC`, and :func:`test_every_url_answers_each_visitor_as_its_rule_says` until
:data:`KWARGS` says how to build its arguments. One world is built for the whole walk.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from pursuing_equity.accounts.models import Role, RoleAssignment
from pursuing_equity.accounts.tests.factories import person
from pursuing_equity.applications.sample_files import pdf_bytes
from pursuing_equity.community import services as community
from pursuing_equity.core.models import AuditEntry
from pursuing_equity.events.library import material_add
from pursuing_equity.events.tests.factories import future_slot, past_event
from pursuing_equity.measures.services import aim_set
from pursuing_equity.outcomes.services import (
    case_study_create,
    milestone_evidence_add,
    partner_save,
)
from pursuing_equity.reporting import services as reporting
from pursuing_equity.reporting.tests import factories as rf
from pursuing_equity.review.services import reviewer_assign
from pursuing_equity.review.tests.factories import received
from pursuing_equity.teams.groups import affinity_groups_ensure
from pursuing_equity.teams.models import TeamMember

#: URL names without a rule of ours, and why that is safe.
PUBLIC: dict[str, str] = {
    "program": "the public page of the program: the call for applications is meant to be read",
    "program_detail": "a cycle's public program page, the same as above for one cycle",
    "apply": "the landing page of the call; starting an application has its own rule",
    "call": "the informational call's public page: anyone may read it, register (rate-limited, "
    "one registration per address) and use the self-check before applying",
    "application_roster_confirm": "a roster member confirms through the signed token emailed to "
    "them (they may have no account); the token is the permission",
    "calendar_feed": "calendar apps cannot sign in: the feed's secret token is the permission "
    "and the person can reset it",
    "case_study_gallery": "the public gallery of published case studies",
    "case_study_public": "a published case study (anything else is 404)",
    "case_study_download": "a published case study's PDF or HTML (anything else is 404)",
    "admin_login_redirect": "sends the admin's login to the site's own sign-in (with its MFA "
    "stage and rate limits); it shows nothing and signs nobody in",
}
#: Whole families that are not ours: allauth's sign-in, password and two-factor pages, which
#: must answer before anyone is signed in, Django's static files and (by namespace) Django's
#: admin, which has its own staff login; and the REST API, which takes no session: a personal
#: access token is the permission, and each endpoint asks the pages' rules
#: (api/tests/test_api_rules.py calls every endpoint as each role).
PUBLIC_MODULES = ("allauth.", "django.views.static")
PUBLIC_NAMESPACES = {"admin", "api"}


@dataclass(frozen=True)
class Route:
    route: str
    name: str
    callback: Callable
    namespace: str | None

    @property
    def module(self) -> str:
        return getattr(self.callback, "__module__", "") or ""

    @property
    def public(self) -> bool:
        return (
            self.name in PUBLIC
            or self.module.startswith(PUBLIC_MODULES)
            or self.namespace in PUBLIC_NAMESPACES
        )


def walk(patterns, prefix: str = "", namespace: str | None = None) -> Iterator[Route]:
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from walk(p.url_patterns, prefix + str(p.pattern), p.namespace or namespace)
        elif isinstance(p, URLPattern):
            yield Route(prefix + str(p.pattern), p.name or "", p.callback, namespace)


ROUTES = list(walk(get_resolver().url_patterns))


def test_every_url_has_a_rule():
    missing = [
        f"{r.route} ({r.name})"
        for r in ROUTES
        if not r.public and getattr(r.callback, "permission_rule", None) is None
    ]
    assert not missing, f"Give these views a rule (rule_required) or a reason in PUBLIC: {missing}"


def test_the_public_list_names_only_urls_that_exist():
    names = {r.name for r in ROUTES}
    assert set(PUBLIC) <= names


# --- the world ---------------------------------------------------------------------------------


def build_world() -> dict[str, Any]:
    """Team A (Action Community) with its objects and people; team B of another cohort, so that
    its member is no peer of team A's."""
    team_a = rf.team("action_community")
    team_b = rf.team("learning_network")
    cycle = team_a.cycle
    leader = rf.member(team_a, TeamMember.Part.SENIOR_LEADER)
    writer = rf.member(team_a)
    outsider = rf.member(team_b)
    staff = person(Role.PROGRAM_STAFF)
    faculty = person(Role.FACULTY)
    team_a.coach = faculty
    team_a.save()

    measure = rf.measure(team_a)
    period = rf.started_period(team_a, 1)
    rf.counts(measure, period, {"white": (20, 40), "black": (15, 40)})
    submission = measure.submissions.get()
    aim = aim_set(
        measure=measure,
        actor=writer,
        stratifier="race_ethnicity",
        group="black",
        reference="white",
        baseline_gap=Decimal("0.10"),
        target_gap=Decimal("0.02"),
        target_date=period.replace(year=period.year + 1),
    )
    submitted = rf.update(team_a, writer, period, submit=True)
    draft = rf.update(team_a, writer, rf.started_period(team_a, 2))
    attachment = reporting.attachment_add(
        actor=writer,
        update=draft,
        upload=SimpleUploadedFile("notes.pdf", pdf_bytes("Notes"), "application/pdf"),
    )
    evidence = milestone_evidence_add(
        actor=writer, team=team_a, key="clinical_progress", kind="aim", object_id=aim.pk
    )
    pdsa = reporting.pdsa_cycle_save(
        actor=writer, team=team_a, change_idea="Text reminders", started_on=period
    )

    application = received(cycle, organization=team_a.organization)
    for document in application.documents.all():
        # The factory records the documents; the pages serving them need the files too.
        document.file.storage.save(document.file.name, ContentFile(pdf_bytes("Letter")))
    application.created_by = writer
    application.save(update_fields=["created_by"])
    reviewer = person(Role.REVIEWER)
    assignment = reviewer_assign(actor=staff, application=application, reviewer=reviewer)

    event = past_event(cycle, audience="team", team=team_a, kind="one_to_one_coaching")
    material = material_add(
        actor=staff,
        event=event,
        kind="slides",
        title="Slides",
        upload=SimpleUploadedFile("slides.pdf", pdf_bytes("Slides"), "application/pdf"),
    )
    session = past_event(
        cycle, days_ago=-30, audience="team", team=team_a, modality="in_person", title="Boston"
    )
    slot = future_slot(cycle, faculty)
    group = affinity_groups_ensure(cycle=cycle)[0]
    cohort_space = next(
        s for s in community.spaces_ensure(cycle=cycle) if s.cohort_id == team_a.cohort_id
    )
    thread = community.thread_start(
        actor=writer,
        space=cohort_space,
        title="Text reminders",
        body="Slides attached",
        uploads=[SimpleUploadedFile("slides.pdf", pdf_bytes("Slides"), "application/pdf")],
    )
    post = thread.posts.get()
    report = community.post_report(actor=leader, post=post, reason="Off topic")
    announcement = community.announcement_publish(
        actor=staff,
        cycle=cycle,
        audience="cohort",
        cohort=team_a.cohort,
        title="Kick-Off",
        body="Welcome",
    )
    return {
        "people": {
            "leader": leader,
            "writer": writer,
            "staff": staff,
            "faculty": faculty,
            "reviewer": reviewer,
            "outsider": outsider,
        },
        "kwargs": {
            "team": team_a.slug,
            "org": team_a.organization.slug,
            "cycle": cycle.slug,
            "measure": measure.slug,
            "upload": submission.upload_id,
            "submission": submission.pk,
            "aim": aim.pk,
            "period": submitted.period_key,
            "draft_period": draft.period_key,
            "attachment": attachment.pk,
            "pdsa": pdsa.pk,
            "application": application.pk,
            "document": application.documents.first().pk,
            "assignment": assignment.pk,
            "event": event.pk,
            "material": material.pk,
            "session": session.pk,
            "slot": slot.pk,
            "role": RoleAssignment.objects.filter(user=writer).first().pk,
            "audit": AuditEntry.objects.order_by("pk").first().pk,
            "affinity": group.key,
            "evidence": evidence.pk,
            "case_study": case_study_create(actor=writer, team=team_a, title="Our story").pk,
            "partner": partner_save(actor=writer, team=team_a, kind="person", name="Rosa Diaz").pk,
            "space": cohort_space.slug,
            "thread": thread.pk,
            "post": post.pk,
            "post_attachment": post.attachments.get().pk,
            "report": report.pk,
            "announcement": announcement.pk,
        },
    }


T = "team_slug"
M = "measure_slug"
#: How to fill each URL's arguments from the world's ids (``k``), by URL name.
KWARGS: dict[str, Callable[[dict], dict]] = {
    "organization_detail": lambda k: {"slug": k["org"]},
    "organization_edit": lambda k: {"slug": k["org"]},
    "role_revoke": lambda k: {"pk": k["role"]},
    "team_detail": lambda k: {"slug": k["team"]},
    "team_leaders": lambda k: {"slug": k["team"]},
    "team_member_remove": lambda k: {"slug": k["team"], "pk": k["member_row"]},
    "cohort_apart_remove": lambda k: {"pk": 10**9},
    "affinity_group_members": lambda k: {"key": k["affinity"]},
    "application_start": lambda k: {"slug": k["cycle"]},
    "call": lambda k: {"slug": k["cycle"]},
    "call_staff": lambda k: {"slug": k["cycle"]},
    "application_status": lambda k: {"pk": k["application"]},
    "application_cohort": lambda k: {"pk": k["application"]},
    "application_organization": lambda k: {"pk": k["application"]},
    "application_team": lambda k: {"pk": k["application"]},
    "application_readiness": lambda k: {"pk": k["application"]},
    "application_hopes": lambda k: {"pk": k["application"]},
    "application_documents": lambda k: {"pk": k["application"]},
    "application_document": lambda k: {"pk": k["application"], "doc": k["document"]},
    "application_video": lambda k: {"pk": k["application"]},
    "application_video_file": lambda k: {"pk": k["application"], "video": 10**9},
    "application_offer": lambda k: {"pk": k["application"]},
    "application_review": lambda k: {"pk": k["application"]},
    "application_withdraw": lambda k: {"pk": k["application"]},
    "application_extend": lambda k: {"pk": k["application"]},
    "review_application": lambda k: {"pk": k["application"]},
    "review_draft": lambda k: {"pk": k["application"]},
    "review_draft_remind": lambda k: {"pk": k["application"]},
    "review_score": lambda k: {"pk": k["application"]},
    "review_assign": lambda k: {"pk": k["application"]},
    "review_decide": lambda k: {"pk": k["application"]},
    "review_rank": lambda k: {"pk": k["application"]},
    "review_letter": lambda k: {"pk": k["application"], "kind": "decline"},
    "review_unassign": lambda k: {"pk": k["assignment"]},
    "review_document": lambda k: {"pk": k["application"], "doc": k["document"]},
    "review_video": lambda k: {"pk": k["application"], "video": 10**9},
    "measure_list": lambda k: {T: k["team"]},
    "measure_create": lambda k: {T: k["team"]},
    "measure_edit": lambda k: {T: k["team"], M: k["measure"]},
    "measure_data": lambda k: {T: k["team"], M: k["measure"]},
    "measure_template": lambda k: {T: k["team"], M: k["measure"], "fmt": "csv"},
    "measure_upload_counts": lambda k: {T: k["team"], M: k["measure"]},
    "measure_upload_extract": lambda k: {T: k["team"], M: k["measure"]},
    "measure_grid": lambda k: {T: k["team"], M: k["measure"]},
    "team_connections": lambda k: {T: k["team"]},
    "measure_connection": lambda k: {T: k["team"], M: k["measure"]},
    "measure_connection_pull": lambda k: {T: k["team"], M: k["measure"]},
    "measure_connection_remove": lambda k: {T: k["team"], M: k["measure"]},
    "measure_upload_preview": lambda k: {T: k["team"], M: k["measure"], "upload_id": k["upload"]},
    "measure_upload_decide": lambda k: {T: k["team"], M: k["measure"], "upload_id": k["upload"]},
    "measure_submission": lambda k: {
        T: k["team"],
        M: k["measure"],
        "submission_id": k["submission"],
    },
    "measure_submission_restore": lambda k: {
        T: k["team"],
        M: k["measure"],
        "submission_id": k["submission"],
    },
    "aim_create": lambda k: {T: k["team"], M: k["measure"]},
    "aim_edit": lambda k: {T: k["team"], M: k["measure"], "aim_id": k["aim"]},
    "measure_dashboard": lambda k: {T: k["team"], M: k["measure"]},
    "measure_dashboard_export": lambda k: {T: k["team"], M: k["measure"], "fmt": "csv"},
    "measure_chart_image": lambda k: {
        T: k["team"],
        M: k["measure"],
        "chart": "overall",
        "fmt": "svg",
    },
    "event_detail": lambda k: {"pk": k["event"]},
    "event_edit": lambda k: {"pk": k["event"]},
    "attendance_take": lambda k: {"pk": k["event"]},
    "zoom_upload": lambda k: {"pk": k["event"]},
    "zoom_review": lambda k: {"pk": k["event"], "upload": 10**9},
    "material_add": lambda k: {"pk": k["event"]},
    "activity_add": lambda k: {"pk": k["event"]},
    "activity_tried": lambda k: {"pk": k["event"]},
    "material_download": lambda k: {"pk": k["material"]},
    "registration": lambda k: {"pk": k["session"]},
    "roster": lambda k: {"pk": k["session"]},
    "slot_book": lambda k: {"pk": k["slot"]},
    "slot_withdraw": lambda k: {"pk": k["slot"]},
    "booking_cancel": lambda k: {"pk": 10**9},
    "attendance_team": lambda k: {"slug": k["team"]},
    "attendance_note": lambda k: {"slug": k["team"]},
    "team_updates": lambda k: {"slug": k["team"]},
    "progress": lambda k: {"slug": k["team"]},
    "pdsa_create": lambda k: {"slug": k["team"]},
    "pdsa_detail": lambda k: {"slug": k["team"], "pk": k["pdsa"]},
    "pdsa_edit": lambda k: {"slug": k["team"], "pk": k["pdsa"]},
    "update_detail": lambda k: {"slug": k["team"], "period": k["period"]},
    "update_edit": lambda k: {"slug": k["team"], "period": k["draft_period"]},
    "update_charts": lambda k: {"slug": k["team"], "period": k["period"]},
    "digest_download": lambda k: {"pk": 10**9},
    "reflection_write": lambda k: {"slug": k["team"], "period": k["period"]},
    "comment_add": lambda k: {"slug": k["team"], "period": k["period"]},
    "attachment_add": lambda k: {"slug": k["team"], "period": k["draft_period"]},
    "attachment_download": lambda k: {
        "slug": k["team"],
        "period": k["draft_period"],
        "pk": k["attachment"],
    },
    "attachment_remove": lambda k: {
        "slug": k["team"],
        "period": k["draft_period"],
        "pk": k["attachment"],
    },
    "audit_detail": lambda k: {"pk": k["audit"]},
    "team_outcomes": lambda k: {"slug": k["team"]},
    "milestone_status": lambda k: {"slug": k["team"], "key": "clinical_progress"},
    "milestone_evidence_add": lambda k: {"slug": k["team"], "key": "clinical_progress"},
    "milestone_evidence_remove": lambda k: {
        "slug": k["team"],
        "key": "clinical_progress",
        "pk": k["evidence"],
    },
    "self_assessment_team": lambda k: {"slug": k["team"]},
    "self_assessment_answer": lambda k: {"slug": k["team"], "round_key": "midpoint"},
    "self_assessment_round": lambda k: {"round_key": "end"},
    "outbox_detail": lambda k: {"pk": 10**9},
    "team_partners": lambda k: {"slug": k["team"]},
    "partner_add": lambda k: {"slug": k["team"]},
    "partner_edit": lambda k: {"slug": k["team"], "pk": k["partner"]},
    "engagement_add": lambda k: {"slug": k["team"], "pk": k["partner"]},
    "payment_add": lambda k: {"slug": k["team"], "pk": k["partner"]},
    "partnership_export": lambda k: {"fmt": "xlsx"},
    "program_report_download": lambda k: {"fmt": "xlsx"},
    "partner_record_remove": lambda k: {
        "slug": k["team"],
        "pk": k["partner"],
        "kind": "payments",
        "record": 10**9,
    },
    "team_case_studies": lambda k: {"slug": k["team"]},
    "case_study_create": lambda k: {"slug": k["team"]},
    "case_study_detail": lambda k: {"pk": k["case_study"]},
    "case_study_edit": lambda k: {"pk": k["case_study"]},
    "case_study_transition": lambda k: {"pk": k["case_study"], "action": "submit"},
    "community_space": lambda k: {"slug": k["space"]},
    "community_thread": lambda k: {"pk": k["thread"]},
    "community_attachment": lambda k: {"pk": k["post_attachment"]},
    "community_post_report": lambda k: {"pk": k["post"]},
    "community_post_hide": lambda k: {"pk": k["post"]},
    "community_report_dismiss": lambda k: {"pk": k["report"]},
    "announcement_detail": lambda k: {"pk": k["announcement"]},
}
#: Objects the world does not build (an id that does not exist, or no letter due yet for an
#: undecided application): the entitled get 404 (405 for a view that takes only POST), and
#: anonymous visitors and outsiders are still checked.
NOT_BUILT = {
    "cohort_apart_remove",
    "zoom_review",
    "booking_cancel",
    "outbox_detail",
    "review_letter",
    "application_video_file",
    "review_video",
    "digest_download",
    "partner_record_remove",
}
#: Pages with arguments that are not team A's objects, open to anyone signed in, and why.
OPEN_TO_SIGNED_IN = {
    "application_start": "anyone signed in may start an application for their organization",
    "slot_book": "a coach's published slot; booking it is checked by the service (the person's "
    "own Action Community team), which refuses others with a message",
}
#: Pages without arguments are one's own or everyone's, not team A's: a member of another team
#: may get them, and must only never meet a server error. Every other page is about one of team
#: A's objects, and the member of another team must be refused it (403 or 404).
GLOBAL = {r.name for r in ROUTES if "<" not in r.route}
OK = {200, 302, 400, 405}


def get(client: Client, url: str) -> int:
    """GET, and POST (empty) when the view takes only POST, so that its rule is reached."""
    status = client.get(url).status_code
    return client.post(url).status_code if status == 405 else status


def owners_get(client: Client, people: dict, url: str) -> dict[str, int]:
    """Each entitled person's status, GET only (a POST would change the world)."""
    statuses = {}
    for who in ("leader", "writer", "staff", "faculty", "reviewer"):
        client.force_login(people[who])
        statuses[who] = client.get(url).status_code
    return statuses


@pytest.mark.django_db
def test_every_url_answers_each_visitor_as_its_rule_says(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = build_world()
    people, ids = world["people"], world["kwargs"]
    ids["member_row"] = TeamMember.objects.get(user=people["writer"]).pk
    client = Client()
    problems: list[str] = []
    for r in ROUTES:
        if r.public:
            continue
        needs_args = "<" in r.route
        if needs_args and r.name not in KWARGS:
            problems.append(f"{r.name}: add how to build its arguments to KWARGS")
            continue
        url = reverse(r.name, kwargs=KWARGS[r.name](ids) if needs_args else None)

        client.logout()
        response = client.get(url)
        if response.status_code == 405:
            response = client.post(url)
        if response.status_code != 302 or "/accounts/login/" not in response["Location"]:
            problems.append(f"{url}: anonymous got {response.status_code}, not the sign-in page")

        client.force_login(people["outsider"])
        status = get(client, url)
        if r.name in GLOBAL or r.name in OPEN_TO_SIGNED_IN:
            if status >= 500:
                problems.append(f"{url}: a member of another team got {status}")
        elif status not in (403, 404):
            problems.append(f"{url}: a member of another team got {status}, not 403/404")

        owners = owners_get(client, people, url)
        expected = {404, 405} if r.name in NOT_BUILT else OK
        if not expected & set(owners.values()) or any(s >= 500 for s in owners.values()):
            problems.append(f"{url}: nobody entitled got the page: {owners}")
    assert not problems, "\n".join(problems)
