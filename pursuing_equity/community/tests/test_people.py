"""The directory's consent, announcements, moderation, the coach's falling-attendance
notification, and query counts that do not grow."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from pursuing_equity.community import selectors, services
from pursuing_equity.community.models import Notification
from pursuing_equity.community.tests.factories import make_world
from pursuing_equity.core.models import AuditEntry
from pursuing_equity.core.tests.query_counts import assert_counts_do_not_grow
from pursuing_equity.events.attendance_taking import attendance_take
from pursuing_equity.events.tests.factories import past_event
from pursuing_equity.reporting.tests import factories as rf

pytestmark = pytest.mark.django_db


def _listed(client, user, **params) -> str:
    """The directory's table (not its search form, which names every choice)."""
    client.force_login(user)
    page = client.get(reverse("directory"), params).content.decode()
    return page[page.index("<tbody>") : page.index("</tbody>")]


def test_the_directory_shows_only_what_each_person_agreed_to(client):
    w = make_world()
    p = w.people
    org = w.ln_team.organization
    p["ln_member"].title = "Quality Director"
    p["ln_member"].pronouns = "she/her"
    p["ln_member"].save()
    # Nothing is shown before consent.
    assert "Lina Lake" not in _listed(client, p["ln_peer"])
    services.directory_entry_save(
        actor=p["ln_member"], show_name=True, clinical_focus="hypertension_control"
    )
    page = _listed(client, p["ln_peer"])
    assert "Lina Lake" in page
    for hidden in (org.name, "Quality Director", "she/her", "Hypertension control"):
        assert hidden not in page
    # A filter on a hidden field never finds the person (it would reveal the field).
    assert "Lina Lake" not in _listed(client, p["ln_peer"], org_type=org.org_type)
    assert "Lina Lake" not in _listed(client, p["ln_peer"], region=org.census_region)
    assert "Lina Lake" not in _listed(client, p["ln_peer"], clinical_area="hypertension_control")
    assert "Lina Lake" not in _listed(client, p["ln_peer"], q=org.name)

    services.directory_entry_save(
        actor=p["ln_member"],
        show_organization=True,
        show_role=True,
        show_pronouns=True,
        show_clinical_focus=True,
    )
    page = _listed(
        client, p["ac_other"], org_type=org.org_type, clinical_area="hypertension_control"
    )
    for shown in ("Lina Lake", org.name, "Quality Director", "she/her", "Hypertension control"):
        assert shown in page
    assert "Lina Lake" in _listed(client, p["faculty"], region=org.census_region)
    # Visitors and people with no team are kept out.
    client.logout()
    assert client.get(reverse("directory")).status_code == 302
    client.force_login(p["applicant"])
    assert client.get(reverse("directory")).status_code == 403
    assert AuditEntry.objects.filter(action="directory.consent").count() == 2


def test_unlisting_hides_every_field(client):
    w = make_world()
    p = w.people
    services.directory_entry_save(actor=p["ln_member"], show_name=True, show_pronouns=True)
    client.force_login(p["ln_member"])
    response = client.post(reverse("directory_entry"), {"show_pronouns": "on"})
    assert response.status_code == 400
    assert "Choose to show your name" in response.content.decode()
    entry = services.directory_entry_save(actor=p["ln_member"], show_name=False)
    assert not entry.show_pronouns
    assert selectors.directory() == []


def test_an_announcement_reaches_its_audience_on_the_home_and_by_email(client):
    w = make_world()
    p = w.people
    mail.outbox.clear()
    services.announcement_publish(
        actor=p["staff"],
        cycle=w.cycle,
        audience="cohort",
        cohort=w.ln_team.cohort,
        title="Learning Session in Boston",
        body="Register by **May 1**.",
    )
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted(p[k].email for k in ("ln_member", "ln_peer", "ln_far"))
    client.force_login(p["ln_peer"])
    assert "Learning Session in Boston" in client.get(reverse("home")).content.decode()
    client.force_login(p["ac_member"])
    assert "Learning Session in Boston" not in client.get(reverse("home")).content.decode()
    with pytest.raises(ValidationError):
        services.announcement_publish(
            actor=p["ln_member"], cycle=w.cycle, audience="everyone", title="x", body="y"
        )
    with pytest.raises(ValidationError, match="role"):
        services.announcement_publish(
            actor=p["staff"], cycle=w.cycle, audience="role", title="x", body="y"
        )


def test_staff_hide_a_reported_post_and_the_log_records_it(client):
    w = make_world()
    p = w.people
    thread = services.thread_start(
        actor=p["ac_member"], space=w.spaces["network"], title="Spam", body="Buy now"
    )
    post = thread.posts.get()
    client.force_login(p["ac_other"])
    client.post(reverse("community_post_report", args=[post.pk]), {"reason": "Spam"})
    with pytest.raises(ValidationError, match="already reported"):
        services.post_report(actor=p["ac_other"], post=post, reason="Again")
    client.force_login(p["ac_member"])
    assert client.get(reverse("community_reports")).status_code == 403
    assert client.post(reverse("community_post_hide", args=[post.pk])).status_code == 403
    client.force_login(p["staff"])
    assert "Buy now" in client.get(reverse("community_reports")).content.decode()
    client.post(reverse("community_post_hide", args=[post.pk]))
    client.force_login(p["ac_other"])
    page = client.get(reverse("community_thread", args=[thread.pk])).content.decode()
    assert "Buy now" not in page and "hidden by program staff" in page
    assert list(
        AuditEntry.objects.filter(action__in=["post.report", "post.hide"])
        .values_list("action", flat=True)
        .order_by("pk")
    ) == ["post.report", "post.hide"]
    assert selectors.open_reports().count() == 0


def test_falling_attendance_notifies_the_teams_coach_once(django_capture_on_commit_callbacks):
    w = make_world()
    team, coach = w.ln_team, w.people["coach"]
    for days in (30, 20, 10):
        event = past_event(w.cycle, days_ago=days, cohort=team.cohort)
        with django_capture_on_commit_callbacks(execute=True):
            attendance_take(actor=w.people["staff"], event=event, present=[])
    notes = Notification.objects.filter(recipient=coach, kind="attendance")
    # The small cohort's coach hears of both of its teams, once each.
    assert sorted(n.text for n in notes) == [
        "Lake Team: attendance is falling",
        "Pine Team: attendance is falling",
    ]
    assert services.falling_attendance_notify(cycle=w.cycle) == 0  # once per falling stretch
    assert not Notification.objects.filter(recipient=w.people["faculty"]).exists()


def test_pages_make_as_many_queries_whatever_the_number_of_threads():
    w = make_world()
    p = w.people
    space = w.spaces["small:Small cohort North"]
    first = services.thread_start(actor=p["ln_member"], space=space, title="One", body="1")
    services.directory_entry_save(actor=p["ln_far"], show_name=True, show_organization=True)

    def pages():
        return {
            "space": (p["ln_peer"], reverse("community_space", args=[space.slug])),
            "thread": (p["ln_peer"], reverse("community_thread", args=[first.pk])),
            "community": (p["ln_peer"], reverse("community")),
            "notifications": (p["ln_member"], reverse("notifications")),
            "home": (p["ln_peer"], reverse("home")),
            "directory": (p["ln_peer"], reverse("directory")),
        }

    def grow():
        for i in range(5):
            services.thread_start(actor=p["ln_peer"], space=space, title=f"T{i}", body="b")
            services.post_reply(actor=p["ln_peer"], thread=first, body=f"reply {i}")
        for person in (p["ln_member"], p["ln_peer"], p["ac_other"]):
            services.directory_entry_save(actor=person, show_name=True, show_organization=True)
        rf.member(w.ln_team)

    assert_counts_do_not_grow(Client(), pages, grow)


def test_the_daily_command_sends_each_digest_once():
    from io import StringIO

    from django.core.management import call_command

    w = make_world()
    p = w.people
    services.preferences_set(actor=p["ln_peer"], choices={"mention": "digest"})
    services.thread_start(
        actor=p["ln_member"],
        space=w.spaces["small:Small cohort North"],
        title="Hello",
        body="@pat@pine.example.org welcome",
    )
    mail.outbox.clear()
    call_command("send_community_digest", stdout=StringIO())
    assert [m.to for m in mail.outbox] == [[p["ln_peer"].email]]
    assert "Lina Lake mentioned you in “Hello”" in mail.outbox[0].body
    call_command("send_community_digest", stdout=StringIO())
    assert len(mail.outbox) == 1
