"""Who reads which space, seen from the outside: another team, a non-member, a visitor."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pursuing_equity.applications.sample_files import pdf_bytes
from pursuing_equity.community import services
from pursuing_equity.community.models import Notification, NotificationPreference
from pursuing_equity.community.rules import can_read_space
from pursuing_equity.community.tests.factories import make_world

pytestmark = pytest.mark.django_db


def test_each_space_is_read_by_its_own_people_only():
    w = make_world()
    p, s = w.people, w.spaces
    readers = {
        name: {who for who, user in p.items() if can_read_space(user, space)}
        for name, space in s.items()
    }
    everyone_in_a_team = {"ac_member", "ac_leader", "ac_other", "ln_member", "ln_peer", "ln_far"}
    staff_faculty = {"staff", "faculty", "facilitator", "coach"}
    assert readers["network"] == everyone_in_a_team | staff_faculty
    assert readers["cohort:action_community"] == {"ac_member", "ac_leader", "ac_other"} | (
        staff_faculty
    )
    assert readers["small:Small cohort North"] == {"ln_member", "ln_peer"} | staff_faculty
    # Private: the member and the facilitator only; not staff, not the member's own team mates.
    assert readers["affinity:people_of_color"] == {"ac_member", "facilitator"}
    assert readers["affinity:white"] == set()
    assert readers["workgroup"] == {"ac_leader"} | staff_faculty


def test_an_affinity_space_is_refused_to_outsiders_and_visitors(client):
    w = make_world()
    space = w.spaces["affinity:people_of_color"]
    thread = services.thread_start(
        actor=w.people["ac_member"], space=space, title="Our first circle", body="Hello"
    )
    for url in (
        reverse("community_space", args=[space.slug]),
        reverse("community_thread", args=[thread.pk]),
    ):
        assert client.get(url).status_code == 302  # a visitor is sent to sign in
        for outsider in ("ac_leader", "ac_other", "staff", "ln_member"):
            client.force_login(w.people[outsider])
            assert client.get(url).status_code == 403, (outsider, url)
        client.force_login(w.people["facilitator"])
        assert client.get(url).status_code == 200
        client.logout()
    # The list of spaces never names the private space to someone outside it.
    client.force_login(w.people["ac_leader"])
    page = client.get(reverse("community")).content.decode()
    assert "Affinity group: People of color" not in page
    assert "Small cohort North" not in page
    client.force_login(w.people["ac_member"])
    assert "Affinity group: People of color" in client.get(reverse("community")).content.decode()


def test_a_post_in_a_space_one_cannot_read_is_refused():
    w = make_world()
    with pytest.raises(ValidationError):
        services.thread_start(
            actor=w.people["ln_far"],
            space=w.spaces["small:Small cohort North"],
            title="x",
            body="y",
        )


def test_a_mention_notifies_a_reader_of_the_space_and_nobody_else():
    w = make_world()
    p = w.people
    mail.outbox.clear()
    services.thread_start(
        actor=p["ln_member"],
        space=w.spaces["small:Small cohort North"],
        title="Text reminders",
        body="What do you think @pat@pine.example.org and @fay@far.example.org?",
    )
    assert Notification.objects.filter(recipient=p["ln_peer"], kind="mention").count() == 1
    # Fay is in another small cohort: she cannot read it, so she hears nothing.
    assert not Notification.objects.filter(recipient=p["ln_far"]).exists()
    assert [m.to for m in mail.outbox] == [[p["ln_peer"].email]]
    assert "mentioned you" in mail.outbox[0].subject


def test_a_reply_notifies_the_earlier_writers_as_they_chose():
    w = make_world()
    p = w.people
    thread = services.thread_start(
        actor=p["ln_member"], space=w.spaces["small:Small cohort North"], title="Hi", body="?"
    )
    services.post_reply(actor=p["ln_peer"], thread=thread, body="Welcome!")
    n = Notification.objects.get(recipient=p["ln_member"])
    assert n.kind == "reply" and "Pat Pine replied" in n.text and n.read_at is None
    assert not Notification.objects.filter(recipient=p["ln_peer"]).exists()

    # Off: nothing at all; digest: listed now, emailed once by the daily digest.
    services.preferences_set(actor=p["ln_member"], choices={"reply": "off"})
    services.post_reply(actor=p["ln_peer"], thread=thread, body="Again")
    assert Notification.objects.filter(recipient=p["ln_member"]).count() == 1
    services.preferences_set(actor=p["ln_member"], choices={"reply": "digest"})
    mail.outbox.clear()
    services.post_reply(actor=p["ln_peer"], thread=thread, body="And again")
    assert Notification.objects.filter(recipient=p["ln_member"]).count() == 2
    assert mail.outbox == []
    assert services.digest_send() == 1
    assert "daily digest" in mail.outbox[0].subject and "And" not in mail.outbox[0].subject
    assert services.digest_send() == 0
    assert NotificationPreference.objects.get(user=p["ln_member"]).delivery == "digest"


def test_the_notification_list_shows_the_unread_count_and_marks_read(client):
    w = make_world()
    p = w.people
    thread = services.thread_start(
        actor=p["ln_member"], space=w.spaces["small:Small cohort North"], title="Hi", body="?"
    )
    services.post_reply(actor=p["ln_peer"], thread=thread, body="Welcome!")
    client.force_login(p["ln_member"])
    page = client.get(reverse("notifications")).content.decode()
    assert "Pat Pine replied in “Hi”" in page
    assert '<span class="badge">1<span class="visually-hidden"> unread</span>' in page
    client.post(reverse("notifications"))
    assert "badge" not in client.get(reverse("notifications")).content.decode()


def test_hostile_markdown_is_rendered_without_scripts(client):
    w = make_world()
    p = w.people
    body = (
        "<script>alert(1)</script>\n\n[click](javascript:alert(2))\n\n"
        '<img src=x onerror="alert(3)">\n\n**bold** [ok](https://example.org)'
    )
    thread = services.thread_start(
        actor=p["ac_member"], space=w.spaces["network"], title="<b>t</b>", body=body
    )
    client.force_login(p["ac_other"])
    page = client.get(reverse("community_thread", args=[thread.pk])).content.decode()
    assert "<script>alert" not in page and 'href="javascript' not in page
    assert "<img" not in page and "&lt;script&gt;alert(1)" in page
    assert "<strong>bold</strong>" in page
    assert '<a href="https://example.org" rel="noopener noreferrer nofollow">ok</a>' in page
    assert "&lt;b&gt;t&lt;/b&gt;" in page


def test_attachments_are_checked_and_served_only_to_readers(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    w = make_world()
    p = w.people
    space = w.spaces["small:Small cohort North"]
    with pytest.raises(ValidationError, match="notes.pdf"):
        services.thread_start(
            actor=p["ln_member"],
            space=space,
            title="x",
            body="y",
            uploads=[SimpleUploadedFile("notes.pdf", b"MZ\x90\x00 not a pdf")],
        )
    thread = services.thread_start(
        actor=p["ln_member"],
        space=space,
        title="Our run chart",
        body="Attached",
        uploads=[SimpleUploadedFile("chart.pdf", pdf_bytes("Chart"), "application/pdf")],
    )
    attachment = thread.posts.get().attachments.get()
    url = reverse("community_attachment", args=[attachment.pk])
    assert client.get(url).status_code == 302
    client.force_login(p["ln_far"])
    assert client.get(url).status_code == 403
    client.force_login(p["ln_peer"])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF")
