"""The community's forms answer hostile or empty input with a message naming the field, never a
500; staff publish announcements and people set their notification choices from the pages."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from pursuing_equity.community.models import Announcement, NotificationPreference
from pursuing_equity.community.tests.factories import make_world

pytestmark = pytest.mark.django_db


def test_hostile_or_empty_input_gets_a_message_not_an_error(client):
    w = make_world()
    client.force_login(w.people["ln_member"])
    space = reverse("community_space", args=[w.spaces["small:Small cohort North"].slug])
    response = client.post(space, {"title": "", "body": "   "})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    response = client.post(space, {"title": "x" * 500, "body": "y"})
    assert response.status_code == 400
    assert "at most 200 characters" in response.content.decode()
    response = client.get(reverse("directory"), {"org_type": "<script>", "region": "nowhere"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    response = client.post(reverse("notification_preferences"), {"reply": "sometimes"})
    assert response.status_code == 400
    response = client.post(reverse("community_post_report", args=[10**9]), {"reason": ""})
    assert response.status_code == 404


def test_people_choose_how_each_kind_reaches_them(client):
    w = make_world()
    client.force_login(w.people["ln_member"])
    response = client.post(
        reverse("notification_preferences"),
        {"mention": "immediately", "reply": "digest", "attendance": "off"},
    )
    assert response.status_code == 302
    assert dict(
        NotificationPreference.objects.filter(user=w.people["ln_member"]).values_list(
            "kind", "delivery"
        )
    ) == {"mention": "immediately", "reply": "digest", "attendance": "off"}


def test_staff_publish_an_announcement_to_a_role_from_the_page(client):
    w = make_world()
    client.force_login(w.people["ln_member"])
    assert client.get(reverse("announcement_create")).status_code == 403
    client.force_login(w.people["staff"])
    response = client.post(
        reverse("announcement_create"), {"title": "Hi", "body": "b", "audience": "role"}
    )
    assert response.status_code == 400
    assert "Choose the role" in response.content.decode()
    mail.outbox.clear()
    response = client.post(
        reverse("announcement_create"),
        {"title": "Coaches' huddle", "body": "Friday", "audience": "role", "role": "faculty"},
    )
    announcement = Announcement.objects.get()
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        w.people[k].email for k in ("faculty", "facilitator", "coach")
    )
    client.force_login(w.people["coach"])
    assert "Coaches&#x27; huddle" in client.get(reverse("home")).content.decode()
    client.force_login(w.people["ln_member"])
    url = reverse("announcement_detail", args=[announcement.pk])
    assert client.get(url).status_code == 403
