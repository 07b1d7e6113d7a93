"""Forms of review: queue filters, batch decisions, assignments, scoring, decisions, conflicts."""

from __future__ import annotations

from django import forms

from pursuing_equity.accounts.geography import REGION_CHOICES
from pursuing_equity.accounts.models import Organization, Role, User
from pursuing_equity.applications import program
from pursuing_equity.programs.models import Cycle
from pursuing_equity.review.decisions import ACCEPT, DECLINE, NOT_SELECTED, WAITLIST
from pursuing_equity.review.scoring import Rubric

STATUS_CHOICES = [
    ("open", "Awaiting a decision"),
    ("received", "Received"),
    ("under_review", "Under review"),
    ("waitlisted", "Waitlisted"),
    ("offered", "Offer made, awaiting the team"),
    ("decided", "Decided"),
    ("accepted", "Accepted"),
    ("declined", "Declined"),
    ("withdrawn", "Withdrawn"),
    ("in_progress", "In progress (drafts not submitted)"),
    ("all", "All received"),
]

SEND_LETTERS = "send_letters"


class QueueFilterForm(forms.Form):
    """The queue's filters within the cycle chosen by the page's cycle selector
    (``programs.selectors.cycle_in_view``; the form carries it as a hidden ``cycle``)."""

    cohort = forms.ChoiceField(required=False, label="Cohort")
    status = forms.ChoiceField(choices=STATUS_CHOICES, required=False, label="Status")
    org_type = forms.ChoiceField(
        choices=[("", "Any type"), *Organization.Type.choices],
        required=False,
        label="Organization type",
    )
    region = forms.ChoiceField(
        choices=[("", "Any region"), *REGION_CHOICES], required=False, label="Census region"
    )
    complete = forms.ChoiceField(
        choices=[("", "Complete or not"), ("yes", "Complete"), ("no", "Incomplete")],
        required=False,
        label="Materials",
    )
    min_days = forms.IntegerField(
        min_value=0,
        max_value=1000,
        required=False,
        label="Received at least … days ago",
    )

    def __init__(self, *args, cycle: Cycle | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        cohorts = cycle.cohorts.order_by("position") if cycle else []
        self.fields["cohort"].choices = [("", "Both cohorts")] + [(c.key, c.name) for c in cohorts]


class BatchDecisionForm(forms.Form):
    ACTIONS = [
        (ACCEPT, "Accept to the cohort where each is considered now"),
        (
            NOT_SELECTED,
            "Not selected for the Action Community: feedback and the Learning Network offer",
        ),
        (WAITLIST, "Put on the waitlist"),
        (DECLINE, "Decline"),
        (SEND_LETTERS, "Send the decision letters not yet sent"),
    ]
    applications = forms.MultipleChoiceField(
        error_messages={"required": "Select at least one application in the table."}
    )
    decision = forms.ChoiceField(choices=ACTIONS, label="Decision for the selected applications")
    feedback = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="Feedback to the teams (for “not selected”)",
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label="Reason (for “decline”, recorded)",
    )

    def __init__(self, *args, pks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applications"].choices = [(str(pk), str(pk)) for pk in pks]

    def clean(self):
        data = super().clean()
        if data.get("decision") == NOT_SELECTED and not data.get("feedback", "").strip():
            self.add_error("feedback", "Write the feedback the teams will receive.")
        if data.get("decision") == DECLINE and not data.get("reason", "").strip():
            self.add_error("reason", "Record the reason for declining.")
        return data


class AssignForm(forms.Form):
    reviewer = forms.ModelChoiceField(
        queryset=User.objects.filter(role_assignments__role=Role.REVIEWER).distinct(),
        label="Reviewer",
        empty_label="Choose a reviewer",
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(widget=forms.RadioSelect, label="Decision")
    feedback = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        label="Feedback to the team",
        help_text="Required for “not selected”: it goes into the letter.",
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="Reason for declining",
        help_text="Required to decline; recorded in the audit log.",
    )
    reviews_override_reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label="Reason for deciding before the reviews are in",
        help_text="Only when fewer reviews are submitted than the cohort asks for; recorded in the audit log.",
    )
    over_capacity_reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label="Reason for accepting beyond the planned size",
        help_text="Only when the cohort has reached its planned size; recorded in the audit log.",
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = list(choices)

    def clean(self):
        data = super().clean()
        if data.get("decision") == NOT_SELECTED and not data.get("feedback", "").strip():
            self.add_error("feedback", "Write the feedback the team will receive.")
        if data.get("decision") == DECLINE and not data.get("reason", "").strip():
            self.add_error("reason", "Record the reason for declining.")
        return data


class RankForm(forms.Form):
    rank = forms.IntegerField(min_value=1, max_value=1000, label="Waitlist rank")


class ConflictForm(forms.Form):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(),
        label="Organization",
        empty_label="Choose an organization",
    )
    note = forms.CharField(
        max_length=500, required=False, label="Note (optional)", help_text="What the conflict is."
    )

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organizations is not None:
            self.fields["organization"].queryset = organizations


class ReviewForm(forms.Form):
    """One score (radio buttons on the program file's scale) and comment per rubric criterion."""

    overall_comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, label="Overall comments"
    )

    def __init__(self, *args, rubric: Rubric, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.rubric = rubric
        choices = [(str(score), f"{score} – {label}") for score, label in rubric.scale]
        fields = {}
        for criterion in rubric.criteria:
            fields[f"score_{criterion.key}"] = forms.ChoiceField(
                choices=choices,
                widget=forms.RadioSelect,
                required=False,
                label=criterion.name,
                help_text=criterion.guidance,
            )
            fields[f"comment_{criterion.key}"] = forms.CharField(
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
                label=f"Comments on {criterion.name[0].lower()}{criterion.name[1:]}",
            )
        self.has_video = program.video_rules(cohort) is not None
        if self.has_video:
            fields["video_watched"] = forms.BooleanField(
                required=False, label="I watched the team video"
            )
        overall = self.fields.pop("overall_comment")
        self.fields.update(fields)
        self.fields["overall_comment"] = overall

    @classmethod
    def initial_from(cls, review) -> dict:
        if review is None:
            return {}
        initial = {f"score_{k}": str(v) for k, v in review.scores.items()}
        initial.update({f"comment_{k}": v for k, v in review.comments.items()})
        initial["overall_comment"] = review.overall_comment
        initial["video_watched"] = review.video_watched
        return initial

    def criterion_fields(self):
        return [(c, self[f"score_{c.key}"], self[f"comment_{c.key}"]) for c in self.rubric.criteria]

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "scores": {c.key: data.get(f"score_{c.key}") or None for c in self.rubric.criteria},
            "comments": {c.key: data.get(f"comment_{c.key}", "") for c in self.rubric.criteria},
            "overall_comment": data.get("overall_comment", ""),
            "video_watched": bool(data.get("video_watched")),
        }

    def add_service_errors(self, error) -> None:
        for key, messages in getattr(error, "message_dict", {"__all__": error.messages}).items():
            name = f"score_{key}" if f"score_{key}" in self.fields else key
            self.add_error(name if name in self.fields else None, messages)


class LeadersForm(forms.Form):
    senior_leader = forms.ModelChoiceField(
        queryset=User.objects.none(), label="Senior leader", empty_label="Choose a team member"
    )
    alternate = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Alternate senior leader",
        empty_label="Choose a team member",
    )

    def __init__(self, *args, team, alternate_required: bool, **kwargs):
        super().__init__(*args, **kwargs)
        members = User.objects.filter(team_memberships__team=team).order_by("full_name", "email")
        self.fields["senior_leader"].queryset = members
        self.fields["alternate"].queryset = members
        self.fields["alternate"].required = alternate_required
        if alternate_required:
            self.fields["alternate"].help_text = f"The {team.cohort.name} asks for an alternate."
