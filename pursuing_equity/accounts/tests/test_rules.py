"""Every rule in rules.py as a table: who may do it, to which object.

A new rule needs a row here; ``test_every_rule_has_a_row`` fails until it has one.
"""

import inspect

import pytest

from pursuing_equity.accounts import rules
from pursuing_equity.accounts.tests.factories import PERSONA_NAMES

EVERYONE_SIGNED_IN = set(PERSONA_NAMES) - {"anonymous"}
STAFF_ONLY = {"staff"}
TEAM_A = {"team_member_a", "senior_leader_a", "community_partner_a"}

# rule name -> {object: personas allowed}; object is "org_a", "org_b" or None (no object).
MATRIX: dict[str, dict[str | None, set[str]]] = {
    "can_view_staff_home": {None: STAFF_ONLY},
    "can_view_audit_log": {None: STAFF_ONLY},
    "can_view_outbox": {None: STAFF_ONLY},
    "can_manage_program": {None: STAFF_ONLY},
    "can_view_people": {None: STAFF_ONLY},
    "can_list_organizations": {None: STAFF_ONLY},
    "can_create_organization": {None: STAFF_ONLY},
    "can_invite_person": {None: STAFF_ONLY},
    "can_assign_role": {None: STAFF_ONLY},
    "can_view_home": {None: EVERYONE_SIGNED_IN},
    "can_edit_own_profile": {None: EVERYONE_SIGNED_IN},
    "can_view_organization": {
        # A reviewer sees only the organizations whose applications they were assigned
        # (review/tests/test_reviewer_visibility.py): none here.
        "org_a": {"staff", "faculty"} | TEAM_A,
        "org_b": {"staff", "faculty"},
    },
    "can_view_lived_experience": {None: STAFF_ONLY},
    "can_edit_organization": {
        "org_a": {"staff", "team_member_a", "senior_leader_a"},
        "org_b": {"staff"},
    },
}

# Rules other apps add to rules.py about their own objects, tested by their own matrices.
TESTED_ELSEWHERE: set[str] = set()

CASES = [(rule, obj) for rule, row in MATRIX.items() for obj in row]


def test_every_rule_has_a_row():
    defined = {
        name
        for name, fn in inspect.getmembers(rules, inspect.isfunction)
        if name.startswith("can_")
    }
    missing = defined - set(MATRIX) - TESTED_ELSEWHERE
    assert not missing, f"Add these rules to MATRIX in {__file__}: {sorted(missing)}"


@pytest.mark.parametrize(
    ("rule_name", "obj_key"), CASES, ids=[f"{r}-{o or 'none'}" for r, o in CASES]
)
def test_rule_matrix(personas, rule_name, obj_key):
    from django.contrib.auth.models import AnonymousUser

    rule = getattr(rules, rule_name)
    obj = getattr(personas, obj_key) if obj_key else None
    actual = {name: rule(personas.people[name] or AnonymousUser(), obj) for name in PERSONA_NAMES}
    expected = {name: name in MATRIX[rule_name][obj_key] for name in PERSONA_NAMES}
    assert actual == expected


def test_must_use_mfa_only_for_staff_and_reviewers(personas):
    from django.contrib.auth.models import AnonymousUser

    actual = {
        name: rules.must_use_mfa(personas.people[name] or AnonymousUser()) for name in PERSONA_NAMES
    }
    assert {name for name, yes in actual.items() if yes} == {"staff", "reviewer"}


def test_rules_read_roles_once_per_user(personas, django_assert_num_queries):
    staff = personas.people["staff"]
    staff.__dict__.pop("_pe_role_cache", None)
    with django_assert_num_queries(1):
        for rule_name in MATRIX:
            getattr(rules, rule_name)(staff, personas.org_a)
