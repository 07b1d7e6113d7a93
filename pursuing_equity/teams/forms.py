"""Forms of the teams pages: the cohort builder's controls and the affinity group choice."""

from __future__ import annotations

from django import forms

from pursuing_equity.accounts.models import Role, User
from pursuing_equity.core.widgets import QuickSelect
from pursuing_equity.teams.cohorts import FACTORS, WEIGHT_MAX
from pursuing_equity.teams.groups import NOT_SAY
from pursuing_equity.teams.models import AffinityGroup, SmallCohort, Team

DIRECTION_CHOICES = [("alike", "Alike"), ("diverse", "Diverse")]


class BuildForm(forms.Form):
    """A weight (0–5) and alike/diverse for each factor, and how many small cohorts to make."""

    cohort_count = forms.TypedChoiceField(
        label="Number of small cohorts", coerce=int, widget=QuickSelect
    )

    def __init__(self, *args, counts: list[int], teams: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort_count"].choices = [(k, f"{k} small cohorts") for k in counts]
        self.fields["cohort_count"].help_text = f"{teams} teams in all."
        for factor in FACTORS:
            self.fields[f"{factor.key}_weight"] = forms.IntegerField(
                label=f"{factor.name}: how much it matters",
                min_value=0,
                max_value=WEIGHT_MAX,
                help_text=f"0 (ignore) to {WEIGHT_MAX} (matters most).",
            )
            self.fields[f"{factor.key}_direction"] = forms.ChoiceField(
                label=f"{factor.name}: teams in a cohort should be",
                choices=DIRECTION_CHOICES,
                widget=forms.RadioSelect,
            )

    @staticmethod
    def initial_from(preferences: dict, count: int | None) -> dict:
        initial = {"cohort_count": count}
        for factor in FACTORS:
            value = preferences.get(factor.key, {"weight": 0, "alike": True})
            initial[f"{factor.key}_weight"] = value["weight"]
            initial[f"{factor.key}_direction"] = "alike" if value["alike"] else "diverse"
        return initial

    def factor_rows(self):
        return [
            (factor, self[f"{factor.key}_weight"], self[f"{factor.key}_direction"])
            for factor in FACTORS
        ]

    def preferences(self) -> dict:
        return {
            factor.key: {
                "weight": self.cleaned_data[f"{factor.key}_weight"],
                "alike": self.cleaned_data[f"{factor.key}_direction"] == "alike",
            }
            for factor in FACTORS
        }


class _SmallCohortChoice(forms.ModelChoiceField):
    widget = QuickSelect


class _TeamChoice(forms.ModelChoiceField):
    widget = QuickSelect

    def label_from_instance(self, obj: Team) -> str:
        return obj.name


class MoveForm(forms.Form):
    prefix = "move"
    team = _TeamChoice(queryset=Team.objects.none(), label="Team")
    small_cohort = _SmallCohortChoice(queryset=SmallCohort.objects.none(), label="Move to")

    def __init__(self, *args, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(cohort=cohort).order_by("name")
        self.fields["small_cohort"].queryset = SmallCohort.objects.filter(
            cohort=cohort, in_use=True
        ).order_by("pk")


class PinForm(MoveForm):
    prefix = "pin"
    small_cohort = _SmallCohortChoice(
        queryset=SmallCohort.objects.none(),
        label="Pin to",
        required=False,
        empty_label="Not pinned (let the solver choose)",
    )


class ApartForm(forms.Form):
    prefix = "apart"
    team = _TeamChoice(queryset=Team.objects.none(), label="Keep this team")
    other = _TeamChoice(queryset=Team.objects.none(), label="apart from")

    def __init__(self, *args, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        teams = Team.objects.filter(cohort=cohort).order_by("name")
        self.fields["team"].queryset = teams
        self.fields["other"].queryset = teams


class _PersonChoice(forms.ModelChoiceField):
    widget = QuickSelect

    def label_from_instance(self, obj: User) -> str:
        return obj.display_name


class CoachForm(forms.Form):
    prefix = "coach"
    small_cohort = _SmallCohortChoice(queryset=SmallCohort.objects.none(), label="Small cohort")
    coach = _PersonChoice(
        queryset=User.objects.none(), label="Coach", required=False, empty_label="No coach yet"
    )

    def __init__(self, *args, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["small_cohort"].queryset = SmallCohort.objects.filter(
            cohort=cohort, in_use=True
        ).order_by("pk")
        self.fields["coach"].queryset = faculty()


class TeamCoachForm(forms.Form):
    """One team's 1:1 coach (a row of the coaches page)."""

    team = _TeamChoice(
        queryset=Team.objects.none(),
        widget=forms.HiddenInput,
        error_messages={
            "required": "The form did not say which team: reload the page and try again.",
            "invalid_choice": "That team has no 1:1 coaching in this cycle (or no longer "
            "exists): reload the page and try again.",
        },
    )
    coach = _PersonChoice(
        queryset=User.objects.none(), label="1:1 coach", required=False, empty_label="No coach yet"
    )

    def __init__(self, *args, teams, coaches=None, coach_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["coach"].queryset = faculty() if coaches is None else coaches
        if coach_choices is not None:
            # The page shows one form per team: the faculty are read once for all of them
            # (a ModelChoiceField would read them again for every row it renders).
            self.fields["coach"].choices = coach_choices

    def coach_choices(self) -> list:
        return list(self.fields["coach"].choices)


def share_choices(form: forms.Form, **options: list[tuple[int, str]]) -> forms.Form:
    """Give the form's model choice fields named in ``options`` these (value, label) options,
    read once for the page, each after its own empty label: the builder shows four forms over
    the same teams and small cohorts, and a ModelChoiceField reads its queryset again every time
    it renders. The querysets still check what is posted."""
    for name, choices in options.items():
        field = form.fields.get(name)
        if field is not None:
            empty = [("", field.empty_label)] if field.empty_label is not None else []
            field.choices = empty + list(choices)
    return form


def faculty():
    """Everyone holding the faculty role, by name (only the columns a choice shows)."""
    return (
        User.objects.filter(role_assignments__role=Role.FACULTY)
        .distinct()
        .only("pk", "preferred_name", "full_name", "email")
        .order_by("full_name", "email")
    )


class AffinityChoiceForm(forms.Form):
    choice = forms.ChoiceField(label="Your racial justice affinity group", widget=forms.RadioSelect)

    def __init__(self, *args, groups: list[AffinityGroup], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["choice"].choices = [(g.key, g.name) for g in groups] + [
            (NOT_SAY, "I choose not to say")
        ]


class FacilitatorForm(forms.Form):
    user = _PersonChoice(queryset=User.objects.none(), label="Add a facilitator from the faculty")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = faculty()
