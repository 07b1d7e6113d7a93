"""The people and organization pages make as many queries with more people, organizations,
roles and tokens as with few."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pursuing_equity.accounts.models import Role
from pursuing_equity.accounts.tests.factories import OrganizationFactory, person
from pursuing_equity.api.services import token_create
from pursuing_equity.core.tests.query_counts import assert_counts_do_not_grow

pytestmark = pytest.mark.django_db


def add(n: int, *, org, leader, first: int = 0) -> None:
    """``n`` organizations with a team member each, ``n`` more people at ``org`` and ``n`` tokens."""
    for i in range(first, first + n):
        person(Role.TEAM_MEMBER, OrganizationFactory())
        person(Role.TEAM_MEMBER, org)
        person(Role.REVIEWER)
        token_create(actor=leader, name=f"Script {i}", scopes=["read"])


def test_people_pages_make_the_same_queries_however_many_people(client):
    org = OrganizationFactory()
    staff = person(Role.PROGRAM_STAFF)
    leader = person(Role.SENIOR_LEADER, org)
    add(1, org=org, leader=leader)

    def pages():
        return {
            "people (staff)": (staff, reverse("people")),
            "organizations (staff)": (staff, reverse("organization_list")),
            "organization (staff)": (staff, reverse("organization_detail", args=[org.slug])),
            "my organization": (leader, reverse("organization_detail", args=[org.slug])),
            "my account": (leader, reverse("profile")),
            "my tokens": (leader, reverse("api_tokens")),
        }

    assert_counts_do_not_grow(client, pages, lambda: add(6, org=org, leader=leader, first=1))
