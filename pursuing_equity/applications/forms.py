"""Forms of the applicant's pages. They validate input; services do the writing.

Every draft step carries the ``version`` of the application it was opened on (a hidden field),
which the service compares to refuse a stale save.
"""

from __future__ import annotations

from django import forms

from pursuing_equity.accounts.forms import OrganizationForm
from pursuing_equity.applications import program, selectors
from pursuing_equity.applications.models import Application, DataReadiness, Lens
from pursuing_equity.programs.models import Cohort


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class CohortChoiceForm(forms.Form):
    cohort = forms.ModelChoiceField(
        queryset=Cohort.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        label="Which cohort are you applying to?",
        error_messages={"required": "Choose a cohort."},
    )

    def __init__(self, *args, cohorts: list[Cohort], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["cohort"]
        field.queryset = Cohort.objects.filter(pk__in=[c.pk for c in cohorts]).order_by("position")
        by_pk = {c.pk: c for c in cohorts}
        field.label_from_instance = lambda c: _cohort_label(by_pk.get(c.pk, c))
        fallbacks = [c for c in cohorts if program.fallback_cohort_key(c)]
        if fallbacks:
            field.help_text = " ".join(
                f"If you apply to the {c.name} and are not selected, your team is automatically "
                f"considered for the "
                f"{c.cycle.document['cohorts'][program.fallback_cohort_key(c)]['name']}, "
                "with no need to apply again."
                for c in fallbacks
            )


def _cohort_label(cohort: Cohort) -> str:
    return f"{cohort.name} (deadline {cohort.application_deadline:%B %-d, %Y}, end of day ET)"


class CohortChangeForm(VersionForm, CohortChoiceForm):
    pass


class ApplicationOrganizationForm(VersionForm, OrganizationForm):
    pass


class ReadinessForm(VersionForm):
    """Every answer may be left blank while drafting; the review page lists what is missing."""

    equity_work_so_far = forms.CharField(
        label="What equity work has your organization done so far?",
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=10000,
    )
    qi_results = forms.CharField(
        label="What measurable results have your quality improvement initiatives achieved?",
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=10000,
    )
    real_data = forms.ChoiceField(
        label="Are your race, ethnicity and preferred language (REAL) data accessible and usable?",
        choices=DataReadiness.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    sogi_data = forms.ChoiceField(
        label="Are your sexual orientation and gender identity (SOGI) data accessible and usable?",
        choices=DataReadiness.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    community_partnerships = forms.CharField(
        label="Which community partnerships do you have, or plan to develop?",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=10000,
    )


class HopesForm(VersionForm):
    hopes = forms.CharField(
        label="What does your team hope to achieve?",
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        max_length=10000,
    )


class MemberForm(forms.Form):
    full_name = forms.CharField(label="Full name", max_length=200, required=False)
    email = forms.EmailField(label="Email address", required=False)
    title = forms.CharField(label="Job title", max_length=200, required=False)
    lenses = forms.MultipleChoiceField(
        label="Lenses this person brings",
        choices=Lens.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    community_partner = forms.BooleanField(
        label="Community partner (from outside your organization)", required=False
    )

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not (data.get("full_name") or data.get("email") or data.get("title"))

    def clean(self):
        cleaned = super().clean()
        if self.is_blank():
            return cleaned
        for name, label in (
            ("full_name", "name"),
            ("email", "email address"),
            ("title", "job title"),
        ):
            if not cleaned.get(name) and name not in self.errors:
                self.add_error(name, f"Give this person's {label}.")
        return cleaned


class BaseRosterFormSet(forms.BaseFormSet):
    """The roster: blank rows are ignored; size, duplicates and the executive leader are checked
    by the same function the service uses."""

    def __init__(self, *args, cohort: Cohort, **kwargs):
        self.cohort = cohort
        super().__init__(*args, **kwargs)

    def members(self) -> list[dict]:
        return [form.cleaned_data for form in self.forms if form.is_valid() and not form.is_blank()]

    def clean(self):
        if any(self.errors):
            return
        problems = selectors.roster_problems(
            self.members(), program.team_rules(self.cohort), self.cohort.name
        )
        emails: set[str] = set()
        for form in self.forms:
            if form.is_blank():
                continue
            email = form.cleaned_data["email"].lower()
            if email in emails:
                form.add_error("email", "This email address is already on the roster.")
            emails.add(email)
        if problems:
            raise forms.ValidationError(problems)


def roster_formset(application: Application, data=None) -> BaseRosterFormSet:
    rules = program.team_rules(application.cohort_choice)
    initial = [
        {
            "full_name": m.full_name,
            "email": m.email,
            "title": m.title,
            "lenses": m.lenses,
            "community_partner": m.community_partner,
        }
        for m in application.roster.all()
    ]
    formset_class = forms.formset_factory(
        MemberForm,
        formset=BaseRosterFormSet,
        extra=max(0, rules.max_size - len(initial)),
        max_num=30,
        absolute_max=30,
    )
    return formset_class(
        data=data, initial=initial, cohort=application.cohort_choice, prefix="member"
    )


class DocumentForm(forms.Form):
    file = forms.FileField(
        label="Letter of commitment (PDF, at most 10 MB)",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
        error_messages={"required": "Choose the PDF file of the letter."},
    )
    signatories = forms.MultipleChoiceField(
        label="The letter is signed by",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, material: program.Material, **kwargs):
        super().__init__(*args, **kwargs)
        self.material = material
        self.fields["file"].label = f"{material.name} (PDF, at most 10 MB)"
        self.fields["signatories"].choices = [(s, s) for s in material.signatories]


class VideoForm(forms.Form):
    source = forms.ChoiceField(
        label="How do you share the video?",
        choices=[
            ("file", "Upload a video file (MP4, MOV or WebM, at most 1 GB)"),
            ("link", "Give a link to a hosted video"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a file upload or a link."},
    )
    file = forms.FileField(
        label="Video file",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "video/mp4,video/quicktime,video/webm"}),
        help_text="We read the duration from the file.",
    )
    url = forms.URLField(label="Link to the hosted video", required=False, assume_scheme="https")
    duration_minutes = forms.IntegerField(
        label="Duration of the hosted video: minutes", required=False, min_value=0, max_value=600
    )
    duration_seconds = forms.IntegerField(
        label="and seconds", required=False, min_value=0, max_value=59
    )
    required_items = forms.MultipleChoiceField(
        label="The video includes every required item",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    optional_questions = forms.MultipleChoiceField(
        label="Additional questions the video answers",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, rules: program.VideoRules, **kwargs):
        super().__init__(*args, **kwargs)
        self.rules = rules
        self.fields["required_items"].choices = list(rules.required_items)
        self.fields["optional_questions"].choices = list(rules.questions)
        self.fields[
            "optional_questions"
        ].help_text = f"Choose {rules.choose_min} to {rules.choose_max}."
        self.fields[
            "duration_minutes"
        ].help_text = f"The video must last {rules.min_minutes} to {rules.max_minutes} minutes."

    def clean(self):
        cleaned = super().clean()
        source = cleaned.get("source")
        if source == "file" and not cleaned.get("file") and "file" not in self.errors:
            self.add_error("file", "Choose the video file to upload.")
        if source == "link":
            if not cleaned.get("url") and "url" not in self.errors:
                self.add_error("url", "Give the link to the hosted video.")
            if cleaned.get("duration_minutes") is None and "duration_minutes" not in self.errors:
                self.add_error("duration_minutes", "Give the video's duration.")
        return cleaned

    def stated_seconds(self) -> int | None:
        minutes = self.cleaned_data.get("duration_minutes")
        if minutes is None:
            return None
        return minutes * 60 + (self.cleaned_data.get("duration_seconds") or 0)


class WithdrawForm(forms.Form):
    confirm = forms.BooleanField(
        label="Yes, withdraw our application",
        error_messages={"required": "Tick the box to confirm."},
    )


class ExtensionForm(forms.Form):
    new_deadline = forms.DateField(
        label="New deadline (end of day, Eastern Time)",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Give the reason for the extension; it is recorded."},
    )
