"""The program pages (the program, a cycle, the informational call and its staff page) make as
many queries with more registrations and a second cycle as with none, and the program page's
body, rendered once per content, still shows every change at once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pursuing_equity.accounts.models import Role
from pursuing_equity.accounts.tests.factories import person
from pursuing_equity.core.tests.query_counts import assert_counts_do_not_grow
from pursuing_equity.programs.models import CallRegistration, Cycle
from pursuing_equity.programs.tests.factories import load_cycle

pytestmark = pytest.mark.django_db


def grow(cycle: Cycle) -> None:
    """Thirty people registered for the call, and a second cycle beside the first."""
    CallRegistration.objects.bulk_create(
        CallRegistration(
            cycle=cycle, name=f"Person {i}", organization=f"Clinic {i}", email=f"p{i}@example.org"
        )
        for i in range(30)
    )
    load_cycle(shift_months=24)


def test_program_pages_make_the_same_queries_however_many_registrations_and_cycles(client):
    cycle = load_cycle()
    applicant, staff = person(), person(Role.PROGRAM_STAFF)

    def pages():
        return {
            "program (applicant)": (applicant, reverse("program")),
            "program (staff)": (staff, reverse("program")),
            "cycle (applicant)": (applicant, reverse("program_detail", args=[cycle.slug])),
            "call (applicant)": (applicant, reverse("call", args=[cycle.slug])),
            "call staff page": (staff, reverse("call_staff", args=[cycle.slug])),
        }

    assert_counts_do_not_grow(client, pages, lambda: grow(cycle))


def test_a_changed_deadline_shows_on_the_program_page_at_once(client):
    cycle = load_cycle()
    url = reverse("program_detail", args=[cycle.slug])
    cohort = cycle.cohorts.get(key="action_community")
    deadline = '<dd id="action_community-deadline">{:%B %-d, %Y}'
    assert deadline.format(cohort.application_deadline) in client.get(url).content.decode()
    old = cohort.application_deadline
    cohort.application_deadline = old.replace(day=27 if old.day != 27 else 26)
    cohort.save()
    assert deadline.format(cohort.application_deadline) in client.get(url).content.decode()


def test_a_reloaded_document_shows_on_the_program_page_at_once(client):
    cycle = load_cycle()
    url = reverse("program_detail", args=[cycle.slug])
    assert "A new introduction" not in client.get(url).content.decode()
    document = dict(cycle.document)
    document["introduction"] = {"paragraphs": ["A new introduction for the next cycle."]}
    cycle.document = document
    cycle.save()
    assert "A new introduction for the next cycle." in client.get(url).content.decode()
