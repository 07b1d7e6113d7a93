"""Forms of the outcomes pages. They validate input; services do the writing."""

from __future__ import annotations

import secrets
from decimal import Decimal
from functools import lru_cache

from django import forms
from django.utils.safestring import SafeString, mark_safe

from pursuing_equity.outcomes import program
from pursuing_equity.outcomes.models import Evidence, Partner, Payment, Status

DATE = forms.DateInput(attrs={"type": "date"})

#: The prefix a form is rendered with once, then replaced by each row's (as Django's
#: ``formset.empty_form`` is used): random per process, so no text a person typed (an aim, a
#: note, a document's name in the form) can contain it.
PLACEHOLDER = f"p{secrets.token_hex(8)}"


def fields_html(form: forms.Form) -> SafeString:
    """Each field of ``form`` as the pages lay it out: ``<div class="field">`` round its group."""
    return mark_safe(  # noqa: S308 (Django's own rendering of the form's fields)
        "".join(f'<div class="field">{field.as_field_group()}</div>' for field in form)
    )


def blank_fields_html(form_class: type[forms.Form], prefix: str) -> SafeString:
    """:func:`fields_html` of an unbound ``form_class`` with ``prefix``: the same HTML, rendered
    once per process with :data:`PLACEHOLDER` (a page of many rows rendered each row's forms)."""
    return with_prefix(_blank(form_class), prefix)


@lru_cache(maxsize=16)
def _blank(form_class: type[forms.Form]) -> str:
    return str(fields_html(form_class(prefix=PLACEHOLDER)))


def with_prefix(html: str, prefix: str) -> SafeString:
    """``html`` of a form rendered with the prefix :data:`PLACEHOLDER`, given ``prefix``."""
    return mark_safe(html.replace(PLACEHOLDER, prefix))  # noqa: S308


class MilestoneStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Status.choices)
    status_on = forms.DateField(
        label="Date reached",
        required=False,
        widget=DATE,
        help_text="Leave empty for today. Not needed for “not started”.",
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 50}),
    )


class EvidenceForm(forms.Form):
    evidence = forms.ChoiceField(
        label="Evidence",
        help_text="One of the team's updates, aims, measure dashboards or documents.",
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].choices = [("", "Choose…"), *[(g, c) for g, c in choices if c]]

    def clean_evidence(self) -> tuple[str, int]:
        kind, _, pk = self.cleaned_data["evidence"].partition(":")
        if kind not in Evidence.Kind.values or not pk.isdigit():
            raise forms.ValidationError("Choose one of the listed items.")
        return kind, int(pk)


class SelfAssessmentForm(forms.Form):
    """One question per item, on the program's scale; fields named by item key."""

    def __init__(self, *args, assessment: program.Assessment, **kwargs):
        super().__init__(*args, **kwargs)
        self.choices = tuple((str(v), f"{v} – {label}") for v, label in assessment.scale)
        self.components = []
        for component in assessment.components:
            names = []
            for item in component.items:
                self.fields[item.key] = _item_field(item.text, self.choices)
                names.append(item.key)
            self.components.append((component, names))

    def component_fields(self):
        """(component, its bound fields) for the template's fieldsets."""
        return [(c, [self[name] for name in names]) for c, names in self.components]

    def component_fields_html(self):
        """(component, each field's group as HTML) for the template's fieldsets. Unbound (a
        person's answers so far, or none), each item is rendered once per process per answer
        (:func:`_item_html`), the same HTML as rendering the form's own field."""
        if self.is_bound or self.prefix or self.auto_id != "id_%s":
            return [
                (c, [f.as_field_group() for f in fields]) for c, fields in self.component_fields()
            ]
        return [
            (
                c,
                [
                    _item_html(name, self.fields[name].label, self.choices, self[name].value())
                    for name in names
                ],
            )
            for c, names in self.components
        ]


def _item_field(text: str, choices) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=text,
        choices=choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose an answer for this statement."},
    )


@lru_cache(maxsize=1024)
def _item_html(name: str, text: str, choices: tuple, value) -> SafeString:
    """One statement's radio group, unbound, with ``value`` chosen (or none)."""
    form = forms.Form(initial={name: value})
    form.fields[name] = _item_field(text, choices)
    return form[name].as_field_group()


class RoundDatesForm(forms.Form):
    opens_on = forms.DateField(label="Opens on", widget=DATE)
    closes_on = forms.DateField(label="Closes on", widget=DATE)


class PartnerForm(forms.Form):
    kind = forms.ChoiceField(label="Kind of partner", choices=Partner.Kind.choices)
    name = forms.CharField(
        max_length=200,
        help_text="A person is named to your team and program staff only once they consent.",
    )
    role = forms.CharField(
        label="How they work with the team (optional)", required=False, max_length=200
    )
    consent_on = forms.DateField(
        label="Consent to be named given on",
        required=False,
        widget=DATE,
        help_text="Leave empty if the person has not agreed to be named: they are then counted, never named.",
    )
    user = forms.ModelChoiceField(
        label="Their account on this site (optional)",
        queryset=None,
        required=False,
        help_text="Links the record to the person's own home, where they see what was recorded for them.",
    )

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        from django.contrib.auth import get_user_model

        self.fields["user"].queryset = (
            get_user_model().objects.filter(team_memberships__team=team).order_by("email")
        )
        self.fields["user"].label_from_instance = lambda u: u.display_name


class EngagementForm(forms.Form):
    on = forms.DateField(label="Date", widget=DATE)
    activity = forms.CharField(
        max_length=200, help_text="For example: focus group, co-design session."
    )
    hours = forms.DecimalField(
        max_digits=5, decimal_places=2, min_value=Decimal("0.01"), max_value=24
    )


class PaymentForm(forms.Form):
    paid_on = forms.DateField(label="Paid on", widget=DATE)
    amount = forms.DecimalField(
        label="Amount (USD)",
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0.01"),
        help_text="In US dollars, for example 150.00.",
    )
    method = forms.ChoiceField(choices=Payment.Method.choices)


class CaseStudyCreateForm(forms.Form):
    title = forms.CharField(
        max_length=200,
        help_text="The platform fills the first draft with your aim, the changes you tested, "
        "the learning of your latest updates and the charts of your latest update.",
    )


def _markdown(label: str, rows: int = 5, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": rows, "cols": 70}),
        help_text=help_text or "Markdown: **bold**, *italic*, lists with “- ”, > for a quote.",
    )


class CaseStudyForm(forms.Form):
    title = forms.CharField(max_length=200)
    aim = _markdown("Aim", 3)
    summary = _markdown("Summary", 6)
    changes = _markdown("Changes tested", 6)
    learning = _markdown("What the team learned", 6)
    quotes = _markdown("Quotes", 4, "One quote per paragraph, starting with > ; with permission.")
