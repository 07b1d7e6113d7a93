"""The community pages make as many queries with more threads, posts, announcements,
notifications and listed people as with few."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pursuing_equity.community import services
from pursuing_equity.community.models import Announcement, Thread
from pursuing_equity.community.tests.factories import make_world
from pursuing_equity.core.tests.query_counts import assert_counts_do_not_grow

pytestmark = pytest.mark.django_db


def add(world, n: int) -> None:
    """``n`` threads with a reply and a mention in the network and cohort spaces, ``n``
    announcements to everyone and ``n`` people listed in the directory."""
    people = world.people
    for i in range(n):
        for key, writer in (("network", "ac_member"), ("cohort:action_community", "ac_leader")):
            thread = services.thread_start(
                actor=people[writer],
                space=world.spaces[key],
                title=f"Thread {key} {i}",
                body=f"Question {i} for @{people['ac_other'].email}",
            )
            services.post_reply(actor=people["ac_other"], thread=thread, body=f"Answer {i}")
        services.announcement_publish(
            actor=people["staff"],
            cycle=world.cycle,
            audience=Announcement.Audience.EVERYONE,
            title=f"News {i}",
            body="Read this.",
        )
    for name in ("ac_member", "ac_leader", "ac_other", "ln_member", "ln_peer", "faculty")[:n]:
        services.directory_entry_save(
            actor=people[name], show_name=True, show_organization=True, show_role=True
        )


def test_community_pages_make_the_same_queries_however_much_they_hold(client):
    world = make_world()
    people = world.people
    add(world, 1)
    network = world.spaces["network"]

    def pages():
        thread = Thread.objects.filter(space=network).order_by("pk").first()
        announcement = Announcement.objects.order_by("pk").first()
        return {
            "spaces (member)": (people["ac_member"], reverse("community")),
            "spaces (staff)": (people["staff"], reverse("community")),
            "network space": (people["ac_member"], reverse("community_space", args=[network.slug])),
            "thread": (people["ac_other"], reverse("community_thread", args=[thread.pk])),
            "announcements": (people["ln_member"], reverse("announcements")),
            "announcement": (
                people["ln_member"],
                reverse("announcement_detail", args=[announcement.pk]),
            ),
            "notifications": (people["ac_other"], reverse("notifications")),
            "notification settings": (people["ac_other"], reverse("notification_preferences")),
            "directory": (people["ln_member"], reverse("directory")),
            "directory (staff)": (people["staff"], reverse("directory")),
            "my directory entry": (people["ac_member"], reverse("directory_entry")),
            "reports (staff)": (people["staff"], reverse("community_reports")),
        }

    assert_counts_do_not_grow(client, pages, lambda: add(world, 6))
