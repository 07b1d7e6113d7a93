"""The data version moves with every data write (and only then), and a page kept by ``{% fresh %}``
is served again only while nothing it could show has changed, only to the person it was made for."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection, transaction
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from pursuing_equity.accounts.models import Role, User
from pursuing_equity.accounts.tests.factories import OrganizationFactory, person
from pursuing_equity.core.freshness import data_version
from pursuing_equity.core.models import AuditEntry
from pursuing_equity.core.request_cache import RequestCacheMiddleware
from pursuing_equity.core.services import audit_record

pytestmark = pytest.mark.django_db


def test_every_kind_of_write_moves_the_version_and_reads_do_not():
    start = data_version()
    org = OrganizationFactory()  # INSERT
    after_insert = data_version()
    assert after_insert != start
    list(User.objects.all())
    assert data_version() == after_insert  # a read moves nothing
    type(org).objects.filter(pk=org.pk).update(name="Renamed")  # queryset update, no signal
    after_update = data_version()
    assert after_update != after_insert
    AuditEntry.objects.bulk_create([AuditEntry(actor_label="x", action="a")])
    assert data_version() != after_update
    with connection.cursor() as cursor:  # raw SQL too
        before_raw = data_version()
        cursor.execute("DELETE FROM core_auditentry")
    assert data_version() != before_raw


def test_a_session_written_at_sign_in_does_not_move_it():
    start = data_version()
    session = SessionStore()
    session["x"] = 1
    session.save()
    assert data_version() == start


def test_one_bump_per_transaction_unless_the_version_was_read_in_between():
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        OrganizationFactory()
        OrganizationFactory()
    bumps = [q for q in queries.captured_queries if "core_dataversion" in q["sql"]]
    assert len(bumps) == 1
    with transaction.atomic():
        OrganizationFactory()
        seen = data_version()
        OrganizationFactory()  # a page rendered at ``seen`` must not survive this write
        assert data_version() != seen


def test_a_rolled_back_savepoint_takes_its_bump_and_the_next_write_bumps_again():
    with transaction.atomic():
        start = data_version()
        try:
            with transaction.atomic():
                OrganizationFactory()
                raise RuntimeError
        except RuntimeError:
            pass
        assert data_version() == start
        OrganizationFactory()
        assert data_version() != start


def render(
    user,
    source="{% load fresh %}{% fresh 'x' from page %}{{ value }}{% endfresh %}",
    method="get",
    **context,
):
    request = getattr(RequestFactory(), method)("/somewhere/")
    request.user = user
    request.session = SessionStore()
    request.META["CSRF_COOKIE"] = f"{user.pk:032d}"  # one browser session per person
    out = {}

    def view(request):
        out["html"] = Template(source).render(Context({"request": request, **context}))
        return None

    RequestCacheMiddleware(view)(request)
    return out["html"]


def test_a_kept_block_is_served_again_until_the_data_change():
    user = person(Role.PROGRAM_STAFF)
    calls = []

    def page(n):
        def compute():
            calls.append(n)
            return {"value": n}

        return compute

    assert render(user, page=page(1)) == "1"
    assert render(user, page=page(2)) == "1"  # kept: the page's computation is not called
    assert calls == [1]
    OrganizationFactory()
    assert render(user, page=page(3)) == "3"


def test_a_kept_block_is_never_served_to_another_person():
    first, second = person(Role.PROGRAM_STAFF), person(Role.PROGRAM_STAFF)
    assert render(first, page=lambda: {"value": "first's"}) == "first&#x27;s"
    assert render(second, page=lambda: {"value": "second's"}) == "second&#x27;s"


def test_the_values_given_are_part_of_the_key():
    user = person(Role.PROGRAM_STAFF)
    source = "{% load fresh %}{% fresh 'x' day %}{{ value }}{% endfresh %}"
    assert render(user, source, day=1, value="a") == "a"
    assert render(user, source, day=1, value="b") == "a"
    assert render(user, source, day=2, value="b") == "b"


def test_the_answer_to_a_post_is_always_rendered():
    user = person(Role.PROGRAM_STAFF)
    assert render(user, page=lambda: {"value": "page"}) == "page"
    assert render(user, method="post", page=lambda: {"value": "errors"}) == "errors"


def test_the_staff_home_shows_a_change_at_once(client):
    staff = person(Role.PROGRAM_STAFF)
    client.force_login(staff)

    def main():  # the page's own part (the header's sign-out form has a new token each time)
        return client.get("/home/").content.decode().split("<main")[1]

    first = main()
    with CaptureQueriesContext(connection) as kept:
        assert main() == first
    assert len(kept) < 10  # the person, the session, the version: nothing of the panels
    org = OrganizationFactory(name="Willow Creek Clinic")
    audit_record(actor=staff, action="organization.update", obj=org)
    assert "Willow Creek Clinic" in client.get("/home/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_outside_tests_the_version_moves_when_the_transaction_commits():
    start = data_version()
    with transaction.atomic():
        OrganizationFactory()
        assert data_version() is None  # written, not committed: nothing kept may stand for it
        OrganizationFactory()
    after = data_version()
    assert after not in (None, start)
    try:
        with transaction.atomic():
            OrganizationFactory()
            raise RuntimeError
    except RuntimeError:
        pass
    assert data_version() == after  # rolled back: nothing changed
    OrganizationFactory()  # autocommit
    assert data_version() != after
