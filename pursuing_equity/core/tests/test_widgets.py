"""QuickSelect writes exactly the markup of Django's Select, escaping as its templates do."""

import pytest
from django import forms
from django.utils.safestring import mark_safe

from pursuing_equity.core.widgets import QuickSelect

CHOICES = [
    ("", "---------"),
    (1, "A & B <script>"),
    (2, mark_safe("<b>already safe</b>")),
    ("A group", [(3, 'with "quotes"'), (4, "d")]),
    (5, 5),
]
ATTRS = {"id": "id_x", "required": True, "disabled": False, "data-note": 'a"b<'}


@pytest.mark.parametrize("value", [None, 1, "3", [2], "missing"])
def test_quick_select_renders_what_djangos_select_renders(value):
    expected = forms.Select(choices=CHOICES, attrs=ATTRS).render("na&me", value)
    assert QuickSelect(choices=CHOICES, attrs=ATTRS).render("na&me", value) == expected
    assert "&lt;script&gt;" in expected


def test_a_bound_model_choice_field_keeps_its_choice(db):
    from pursuing_equity.accounts.tests.factories import person

    someone = person()

    class Form(forms.Form):
        who = forms.ModelChoiceField(
            queryset=type(someone).objects.all(), widget=QuickSelect, required=False
        )

    html = str(Form({"who": str(someone.pk)})["who"])
    assert f'<option value="{someone.pk}" selected>' in html
