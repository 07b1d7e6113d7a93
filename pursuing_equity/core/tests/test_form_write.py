from django import forms
from django.core.exceptions import ValidationError

from pursuing_equity.core.forms import Written, form_write


class NameForm(forms.Form):
    name = forms.CharField(max_length=10)


def test_a_valid_form_calls_the_service_with_the_cleaned_data():
    form = NameForm({"name": " Ada "})
    assert form_write(form, lambda data: data["name"].upper()) == Written("ADA")
    assert not form.errors


def test_an_invalid_form_does_not_call_the_service():
    calls = []
    form = NameForm({"name": ""})
    assert form_write(form, calls.append) is None
    assert calls == []
    assert "name" in form.errors


def test_the_services_refusal_lands_on_the_field_it_names_and_above_the_form():
    def refuse(data):
        raise ValidationError({"name": "Taken.", "other": "Closed."})

    form = NameForm({"name": "Ada"})
    assert form_write(form, refuse) is None
    assert form.errors["name"] == ["Taken."]
    assert form.non_field_errors() == ["Closed."]


def test_a_service_that_returns_nothing_still_counts_as_written():
    form = NameForm({"name": "Ada"})
    assert form_write(form, lambda data: None)
