"""A thread's page is kept ({% fresh %}) between reads: a reply or a hide shows at once, and the
kept posts never reach another team's member or a visitor."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pursuing_equity.community import services
from pursuing_equity.community.tests.factories import make_world

pytestmark = pytest.mark.django_db


def test_a_kept_thread_shows_a_new_reply_and_a_hide_at_once_and_refuses_outsiders(client):
    w = make_world()
    thread = services.thread_start(
        actor=w.people["ac_leader"],
        space=w.spaces["cohort:action_community"],
        title="Run charts",
        body="How do you annotate a run chart?",
    )
    url = reverse("community_thread", args=[thread.pk])
    client.force_login(w.people["ac_member"])
    with CaptureQueriesContext(connection) as first:
        assert "annotate a run chart" in client.get(url).content.decode()
    with CaptureQueriesContext(connection) as second:
        assert "annotate a run chart" in client.get(url).content.decode()
    assert len(second) < len(first)  # served from what the first read kept

    reply = services.post_reply(
        actor=w.people["ac_other"], thread=thread, body="We write the change on the chart."
    )
    assert "We write the change on the chart." in client.get(url).content.decode()
    services.post_hide(actor=w.people["staff"], post=reply)
    page = client.get(url).content.decode()
    assert "We write the change on the chart." not in page
    assert "This message was hidden by program staff." in page
    # The kept reply form still posts; a reply with errors is shown with them.
    assert client.post(url, {"body": ""}).status_code == 400
    response = client.post(url, {"body": "Thank you!"})
    assert response.status_code == 302
    assert "Thank you!" in client.get(url).content.decode()

    client.force_login(w.people["ln_member"])  # another cohort's team
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302
