"""Two team members editing the same draft: the second save is refused, nothing typed is lost."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pursuing_equity.accounts.tests.factories import UserFactory
from pursuing_equity.applications import services
from pursuing_equity.applications.models import RosterMember
from pursuing_equity.applications.tests import factories as f


@pytest.fixture
def two_editors(db):
    app = f.draft(cycle=f.open_cycle())
    app = services.roster_save(
        actor=app.created_by, application=app, version=app.version, members=f.roster(4)
    )
    colleague = UserFactory(email="member2@example.org", full_name="Dana Colleague")
    services.roster_member_confirm(token=RosterMember.objects.get(email=colleague.email).token)
    return app, app.created_by, colleague


def test_a_stale_save_is_refused_by_the_service(two_editors):
    app, first, second = two_editors
    opened = app.version
    services.application_answers_save(actor=first, application=app, version=opened, hopes="Ours")
    with pytest.raises(ValidationError) as error:
        services.application_answers_save(
            actor=second, application=app, version=opened, hopes="Theirs"
        )
    assert error.value.code == "stale"
    assert f.fresh(app).hopes == "Ours"


def test_the_second_editor_sees_a_message_and_keeps_their_text(client, two_editors):
    app, first, second = two_editors
    url = reverse("application_hopes", args=[app.pk])
    opened = app.version
    client.force_login(first)
    assert (
        client.post(url, {"version": opened, "hopes": "First draft of our hopes"}).status_code
        == 302
    )
    client.force_login(second)
    response = client.post(url, {"version": opened, "hopes": "A different, careful paragraph"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "after you opened this page" in page
    assert "A different, careful paragraph" in page
    assert f.fresh(app).hopes == "First draft of our hopes"
    # Reloading shows the latest version; saving from it works.
    fresh_version = f.fresh(app).version
    assert client.post(url, {"version": fresh_version, "hopes": "Merged"}).status_code == 302
    assert f.fresh(app).hopes == "Merged"


def test_the_roster_is_protected_the_same_way(client, two_editors):
    app, first, second = two_editors
    opened = app.version
    services.application_answers_save(actor=first, application=app, version=opened, hopes="x")
    with pytest.raises(ValidationError, match="after you opened"):
        services.roster_save(actor=second, application=app, version=opened, members=f.roster(5))
    assert RosterMember.objects.filter(application=app).count() == 4


def test_a_submitted_application_can_no_longer_be_edited(client, db):
    app = f.submitted(cycle=f.open_cycle())
    with pytest.raises(ValidationError, match="can no longer be changed"):
        services.application_answers_save(
            actor=app.created_by, application=app, version=app.version, hopes="late"
        )
    client.force_login(app.created_by)
    response = client.post(
        reverse("application_hopes", args=[app.pk]), {"version": app.version, "hopes": "x"}
    )
    assert response.status_code == 302 and response.url == reverse(
        "application_status", args=[app.pk]
    )
