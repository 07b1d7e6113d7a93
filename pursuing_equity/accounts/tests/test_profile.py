"""Sign-up asks for a name (required) and pronouns (optional); people edit both on their account
page; lists show the pronouns beside the name."""

import pytest
from django.urls import reverse

from pursuing_equity.accounts.models import User
from pursuing_equity.accounts.tests.factories import UserFactory
from pursuing_equity.core.models import AuditEntry

pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "ana.reyes@example.org",
    "password1": "a-long-pass-phrase",
    "password2": "a-long-pass-phrase",
}


def test_signup_without_a_name_is_refused_with_the_field_named(client):
    response = client.post("/accounts/signup/", {**SIGNUP, "full_name": "  "})
    assert response.status_code == 200
    assert "Enter your name." in response.text
    assert not User.objects.exists()


def test_signup_stores_the_name_and_pronouns(client):
    page = client.get("/accounts/signup/").text
    assert 'name="full_name"' in page and 'name="pronouns"' in page
    client.post(
        "/accounts/signup/",
        {**SIGNUP, "full_name": " Ana   Reyes ", "pronouns": "she/her"},
    )
    person = User.objects.get(email="ana.reyes@example.org")
    assert (person.full_name, person.pronouns) == ("Ana Reyes", "she/her")
    assert person.name_with_pronouns == "Ana Reyes (she/her)"


def test_pronouns_are_optional(client):
    client.post("/accounts/signup/", {**SIGNUP, "full_name": "Ana Reyes"})
    person = User.objects.get(email="ana.reyes@example.org")
    assert (person.full_name, person.pronouns, person.name_with_pronouns) == (
        "Ana Reyes",
        "",
        "Ana Reyes",
    )


def test_a_person_edits_their_name_and_pronouns_from_the_account_link(client):
    person = UserFactory(full_name="", pronouns="")
    client.force_login(person)
    home = client.get(reverse("home")).text
    assert f'href="{reverse("profile")}"' in home
    response = client.post(reverse("profile"), {"full_name": "", "pronouns": "they/them"})
    assert response.status_code == 400 and "Enter your name." in response.text
    response = client.post(reverse("profile"), {"full_name": "Sam Lee", "pronouns": "they/them"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.full_name, person.pronouns) == ("Sam Lee", "they/them")
    entry = AuditEntry.objects.get(action="person.profile")
    assert entry.after == {"full_name": "Sam Lee", "pronouns": "they/them"}
    assert "Sam Lee (they/them)" in client.get(reverse("profile")).text


def test_people_list_shows_pronouns_beside_the_name(client, personas):
    UserFactory(full_name="Ana Reyes", pronouns="she/her")
    client.force_login(personas.people["staff"])
    assert "Ana Reyes (she/her)" in client.get(reverse("people")).text


def test_a_person_without_a_name_is_addressed_neutrally_never_by_email():
    person = User(email="old@example.org")
    assert person.addressed_as == ""
    assert User(email="x@example.org", full_name="Ana Reyes").addressed_as == "Ana Reyes"
