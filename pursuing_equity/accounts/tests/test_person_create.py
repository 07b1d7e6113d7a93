"""person_create: a person who can sign in at once (the demo's people)."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError

from pursuing_equity.accounts.models import User
from pursuing_equity.accounts.services import person_create
from pursuing_equity.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def create(**overrides):
    values = {
        "actor": None,
        "actor_label": "demo",
        "email": "ana.reyes@example.org",
        "full_name": "Ana Reyes",
        "password_hash": make_password("a long demo password"),
        "title": "Quality lead",
        "note": "Fictional demo person.",
    }
    return person_create(**{**values, **overrides})


def test_created_person_signs_in_with_the_password_and_a_verified_address(client):
    user = create()
    assert user.check_password("a long demo password")
    address = EmailAddress.objects.get(user=user)
    assert (address.primary, address.verified) == (True, True)
    entry = AuditEntry.objects.get(action="person.create")
    assert (entry.actor_label, entry.note) == ("demo", "Fictional demo person.")
    assert entry.after["email"] == "ana.reyes@example.org"


def test_a_second_person_with_the_same_email_is_refused_and_nothing_is_saved():
    create()
    with pytest.raises(ValidationError) as error:
        create(full_name="Someone Else")
    assert "email" in error.value.message_dict
    assert User.objects.count() == 1
    assert AuditEntry.objects.filter(action="person.create").count() == 1
