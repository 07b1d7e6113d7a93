"""The applicant's pages make as many queries with a larger roster, more document versions and
more applications in the cycle as with a small one."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pursuing_equity.applications import program, services
from pursuing_equity.applications.tests import factories as f
from pursuing_equity.core.tests.query_counts import assert_counts_do_not_grow

pytestmark = pytest.mark.django_db


def grow(app) -> None:
    actor = app.created_by
    app = f.fresh(app)
    services.roster_save(actor=actor, application=app, version=app.version, members=f.roster(7))
    for material in program.required_letters(app.cohort_choice):
        services.document_upload(
            actor=actor,
            application=app,
            kind=material.key,
            upload=f.pdf_upload("letter-2.pdf"),
            signatories=material.signatories,
        )
    for _ in range(3):
        f.submitted(cycle=app.cycle, key="learning_network")


def test_applicant_pages_make_the_same_queries_however_much_they_wrote(client):
    cycle = f.open_cycle()
    app = f.complete(f.draft(cycle=cycle))
    sent = f.submitted(cycle=cycle)
    user = app.created_by

    def pages():
        return {
            "apply": (user, reverse("apply")),
            "status (draft)": (user, reverse("application_status", args=[app.pk])),
            "team": (user, reverse("application_team", args=[app.pk])),
            "documents": (user, reverse("application_documents", args=[app.pk])),
            "review before submitting": (user, reverse("application_review", args=[app.pk])),
            "status (submitted)": (sent.created_by, reverse("application_status", args=[sent.pk])),
            "apply (submitted)": (sent.created_by, reverse("apply")),
        }

    assert_counts_do_not_grow(client, pages, lambda: grow(app))
