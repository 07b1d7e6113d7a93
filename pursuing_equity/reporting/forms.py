"""Forms of the reporting pages. They validate input; services do the writing."""

from __future__ import annotations

import datetime

from django import forms

from pursuing_equity.core.widgets import QuickSelect
from pursuing_equity.measures.models import Measure
from pursuing_equity.programs.dates import months_of
from pursuing_equity.reporting.files import MAX_ATTACHMENT_BYTES
from pursuing_equity.reporting.models import PdsaCycle
from pursuing_equity.reporting.services import score_levels

TEXTAREA = {"rows": 5, "cols": 60}


class UpdateForm(forms.Form):
    progress = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text="What moved forward this period.",
    )
    challenges = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text="What got in the way.",
    )
    learning = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text="What the team learned, including about itself.",
    )
    help_wanted = forms.CharField(
        label="Help wanted",
        required=False,
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 3}),
        help_text="What other teams, faculty or your senior leader could help with (optional).",
    )
    pdsa_cycles = forms.ModelMultipleChoiceField(
        label="Changes tested (PDSA cycles)",
        queryset=PdsaCycle.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Link the PDSA cycles the team ran this period.",
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pdsa_cycles"].queryset = PdsaCycle.objects.filter(team=team).order_by(
            "-started_on", "-id"
        )


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label="Attach a file",
        help_text=(
            f"PDF, image (PNG, JPEG, GIF, WebP) or office file (Word, Excel, PowerPoint, "
            f"OpenDocument), up to {MAX_ATTACHMENT_BYTES // 1024 // 1024} MB."
        ),
    )


class ReflectionForm(forms.Form):
    text = forms.CharField(
        label="Your reflection",
        widget=forms.Textarea(attrs={"rows": 8, "cols": 60}),
        help_text="Your reply to the team: what you noticed, what you will support, what you ask.",
    )


class CommentForm(forms.Form):
    text = forms.CharField(label="Comment", widget=forms.Textarea(attrs={"rows": 4, "cols": 60}))


class PdsaCycleForm(forms.Form):
    change_idea = forms.CharField(label="Change idea", max_length=300)
    measure = forms.ModelChoiceField(
        label="Measure it should move",
        queryset=Measure.objects.none(),
        required=False,
        empty_label="No measure yet",
        widget=QuickSelect,
    )
    parent = forms.ModelChoiceField(
        label="Builds on (earlier cycle of the same ramp)",
        queryset=PdsaCycle.objects.none(),
        required=False,
        empty_label="None: this cycle starts a ramp",
        widget=QuickSelect,
    )
    started_on = forms.DateField(
        label="Started on", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    prediction = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        required=False,
        help_text="Plan: what you expect to happen.",
    )
    plan = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        required=False,
        help_text="Plan: who, what, where, when, and the data to collect.",
    )
    done = forms.CharField(
        label="What was done",
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        required=False,
        help_text="Do: what happened, including surprises.",
    )
    study = forms.CharField(
        label="What was learned (study)",
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        required=False,
        help_text="Study: compare the results with the prediction.",
    )
    decision = forms.ChoiceField(
        label="Decision (act)",
        choices=[("", "Not decided yet"), *PdsaCycle.Decision.choices],
        required=False,
        widget=QuickSelect,
    )

    def __init__(self, *args, team, cycle: PdsaCycle | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        measures = Measure.objects.filter(team=team).order_by("name")
        parents = PdsaCycle.objects.filter(team=team).order_by("-started_on", "-id")
        if cycle is not None:
            parents = parents.exclude(pk=cycle.pk)
        if not self.is_bound:  # only listed: the options read their labels, not whole rows
            measures, parents = measures.only("name"), parents.only("change_idea")
        self.fields["measure"].queryset = measures
        self.fields["parent"].queryset = parents


def _month_choices(cycle, today: datetime.date) -> list[tuple[str, str]]:
    months = [m for m in months_of(cycle.starts_on, cycle.ends_on) if m <= today]
    return [(f"{m:%Y-%m}", f"{m:%B %Y}") for m in reversed(months)]


class ProgressScoreForm(forms.Form):
    month = forms.ChoiceField()
    score = forms.ChoiceField(widget=forms.RadioSelect)
    justification = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text="Why this score: the evidence from this month.",
    )

    def __init__(self, *args, cycle, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = _month_choices(cycle, today)
        self.fields["score"].choices = [
            (str(level["score"]), f"{level['score']:.1f} — {level['name']}")
            for level in score_levels(cycle.document)
        ]
        self.fields["score"].label = cycle.document["collaborative_assessment"]["name"]

    def clean_month(self) -> datetime.date:
        value = self.cleaned_data["month"]
        return datetime.date.fromisoformat(f"{value}-01")


class DigestForm(forms.Form):
    month = forms.ChoiceField(label="Month")

    def __init__(self, *args, cycle, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = _month_choices(cycle, today)
