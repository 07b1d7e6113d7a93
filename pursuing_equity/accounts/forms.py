"""Forms for organizations and people. They validate input; services do the writing."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from pursuing_equity.accounts.geography import REGION_CHOICES, STATE_CHOICES
from pursuing_equity.accounts.models import ORGANIZATION_ROLES, Organization, Role, User
from pursuing_equity.core.widgets import QuickSelect

ANY = [("", "Any")]


class NameForm(forms.Form):
    """The person's name (required: letters and emails greet them with it) and pronouns."""

    full_name = forms.CharField(
        label="Your name",
        max_length=200,
        help_text="As you would like it on letters and emails, for example Ana Reyes.",
        error_messages={"required": "Enter your name."},
    )
    pronouns = forms.CharField(
        label="Pronouns (optional)",
        max_length=50,
        required=False,
        help_text="For example she/her, he/him or they/them. Shown next to your name.",
    )

    def clean_full_name(self) -> str:
        name = " ".join(self.cleaned_data["full_name"].split())
        if not name:
            raise ValidationError("Enter your name.")
        return name

    def clean_pronouns(self) -> str:
        return " ".join(self.cleaned_data["pronouns"].split())


class SignupForm(NameForm):
    """allauth's sign-up asks for these before the email and password (ACCOUNT_SIGNUP_FORM_CLASS)."""

    def signup(self, request, user) -> None:
        from pursuing_equity.accounts import services

        services.profile_update(
            actor=user,
            person=user,
            full_name=self.cleaned_data["full_name"],
            pronouns=self.cleaned_data["pronouns"],
        )


class OrganizationForm(forms.Form):
    name = forms.CharField(max_length=200)
    org_type = forms.ChoiceField(
        label="Organization type",
        choices=[("", "Choose a type")] + Organization.Type.choices,
        widget=QuickSelect,
    )
    city = forms.CharField(max_length=100, required=False)
    state = forms.ChoiceField(
        label="State or territory",
        choices=[("", "Choose a state")] + STATE_CHOICES,
        widget=QuickSelect,  # 56 states and territories: Django's select template per option
    )
    size = forms.ChoiceField(
        choices=[("", "Choose a size")] + Organization.Size.choices, widget=QuickSelect
    )
    populations_served = forms.MultipleChoiceField(
        label="Populations served",
        choices=Organization.Population.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Choose every population your organization serves in large numbers.",
    )
    website = forms.URLField(required=False, assume_scheme="https")

    @classmethod
    def for_organization(cls, organization: Organization, data=None) -> OrganizationForm:
        initial = {name: getattr(organization, name) for name in cls.base_fields}
        return cls(data=data, initial=initial)


class OrganizationFilterForm(forms.Form):
    q = forms.CharField(label="Name or city", required=False, max_length=100)
    org_type = forms.ChoiceField(
        label="Type", choices=ANY + Organization.Type.choices, required=False
    )
    region = forms.ChoiceField(label="Census region", choices=ANY + REGION_CHOICES, required=False)
    size = forms.ChoiceField(choices=ANY + Organization.Size.choices, required=False)


class _RoleFields(forms.Form):
    # QuickSelect: the organization list has every organization, rendered on each people page.
    role = forms.ChoiceField(choices=[("", "Choose a role")] + Role.choices, widget=QuickSelect)
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.order_by("name"),
        widget=QuickSelect,
        required=False,
        empty_label="None (program-wide role)",
        help_text="Team members, senior leaders and community partners belong to an organization; other roles do not.",
    )

    def clean(self):
        cleaned = super().clean()
        role, organization = cleaned.get("role"), cleaned.get("organization")
        if role and role in ORGANIZATION_ROLES and organization is None:
            self.add_error(
                "organization", f"Choose the organization of this {Role(role).label.lower()}."
            )
        if role and role not in ORGANIZATION_ROLES and organization is not None:
            self.add_error(
                "organization",
                f"The {Role(role).label.lower()} role is program-wide; choose “None”.",
            )
        return cleaned


class InviteForm(_RoleFields):
    field_order = ["full_name", "email", "role", "organization"]
    full_name = forms.CharField(label="Full name", max_length=200)
    email = forms.EmailField(label="Email address")

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(
                "Someone already has an account with this email address; assign them a role instead."
            )
        return email


class RoleAssignForm(_RoleFields):
    field_order = ["email", "role", "organization"]
    email = forms.EmailField(label="Email address of the person")

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        try:
            self.person = User.objects.get(email__iexact=email)
        except User.DoesNotExist:
            raise ValidationError(
                "No one has an account with this email address. Invite them instead."
            ) from None
        return email
