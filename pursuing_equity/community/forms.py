from __future__ import annotations

from django import forms

from pursuing_equity.accounts.models import Organization, OrganizationType, Role
from pursuing_equity.community.models import Announcement, Delivery, DirectoryEntry, Kind
from pursuing_equity.measures.models import FocusArea

MARKDOWN_HELP = (
    "Markdown works: **bold**, *italic*, lists, links. Mention someone who can read this space "
    "with @ and their email address, e.g. @ana@example.org."
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Several files in one field (each is checked by the service)."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(FilesField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class ThreadForm(forms.Form):
    title = forms.CharField(max_length=200)
    body = forms.CharField(label="Message", widget=forms.Textarea, help_text=MARKDOWN_HELP)
    files = FilesField(
        label="Files (optional)",
        required=False,
        help_text="PDF, images or office files, up to 10 MB each, at most 5.",
    )


class ReplyForm(forms.Form):
    body = forms.CharField(label="Your reply", widget=forms.Textarea, help_text=MARKDOWN_HELP)
    files = ThreadForm.base_fields["files"]


class ReportForm(forms.Form):
    reason = forms.CharField(
        label="What is wrong with this message?", widget=forms.Textarea, max_length=2000
    )


class PreferencesForm(forms.Form):
    def __init__(self, *args, current: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in Kind.choices:
            self.fields[kind] = forms.ChoiceField(
                label=label,
                choices=Delivery.choices,
                initial=current.get(kind, Delivery.IMMEDIATELY),
                widget=forms.RadioSelect,
            )


class AnnouncementForm(forms.Form):
    title = forms.CharField(max_length=200)
    body = forms.CharField(label="Message", widget=forms.Textarea, help_text=MARKDOWN_HELP)
    audience = forms.ChoiceField(choices=Announcement.Audience.choices, widget=forms.RadioSelect)
    cohort = forms.ModelChoiceField(
        queryset=None, required=False, help_text="For an announcement to a cohort."
    )
    role = forms.ChoiceField(
        choices=[("", "—")] + list(Role.choices),
        required=False,
        help_text="For an announcement to a role.",
    )

    def __init__(self, *args, cycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = cycle.cohorts.all() if cycle else None


class DirectoryEntryForm(forms.ModelForm):
    class Meta:
        model = DirectoryEntry
        fields = [
            "show_name",
            "show_organization",
            "show_role",
            "show_pronouns",
            "clinical_focus",
            "show_clinical_focus",
        ]


class DirectorySearchForm(forms.Form):
    q = forms.CharField(label="Name or organization", required=False, max_length=100)
    org_type = forms.ChoiceField(
        label="Organization type",
        required=False,
        choices=[("", "Any")] + list(OrganizationType.choices),
    )
    region = forms.ChoiceField(label="Region", required=False, choices=[])
    clinical_area = forms.ChoiceField(
        label="Clinical area", required=False, choices=[("", "Any")] + list(FocusArea.choices)
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        regions = Organization._meta.get_field("census_region").choices
        self.fields["region"].choices = [("", "Any")] + list(regions)
