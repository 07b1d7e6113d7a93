"""Forms of the data-entry pages and the dashboards' filters. They clean input; the services write."""

from __future__ import annotations

import functools
import re

from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory

from pursuing_equity.core.widgets import QuickSelect
from pursuing_equity.measures import categories, periods
from pursuing_equity.measures.models import (
    OVERALL,
    Aim,
    DataConnection,
    FocusArea,
    Measure,
    ReferenceChoice,
    StandardStratifier,
)
from pursuing_equity.measures.network import SIGNAL_FILTERS
from pursuing_equity.measures.services import MEASURE_PLAIN_FIELDS
from pursuing_equity.programs.models import Cohort

REFERENCE_RULES = [(c.value, c.label) for c in ReferenceChoice]
_CUSTOM_LINE = re.compile(
    r"^\s*(?P<label>[^:]+?)\s*:\s*(?P<cats>[^()]*?)\s*(?:\(\s*reference\s*[:=]\s*(?P<ref>[^)]+?)\s*\))?\s*$",
    re.IGNORECASE,
)


@functools.cache
def _reference_choices(stratifier: str) -> tuple:
    """The reference choices of a standard stratifier: the rules, then its groups (about sixty
    for language). Fixed by ``equitystats.standards``, so built once per process."""
    groups = tuple(
        (g, categories.group_label(None, stratifier, g))
        for g in categories.categories(None, stratifier)
    )
    return (("Rules", tuple(REFERENCE_RULES)), ("Groups", groups))


@functools.lru_cache(maxsize=64)
def _reference_select(stratifier: str, name: str, value: str | None, attrs: tuple) -> str:
    return QuickSelect(choices=_reference_choices(stratifier)).render(name, value, dict(attrs))


class ReferenceSelect(QuickSelect):
    """The reference group of a standard stratifier. Its options are fixed, so the markup for a
    name, value and attributes is written once per process and reused (language lists about sixty)."""

    def __init__(self, stratifier: str, attrs=None):
        super().__init__(attrs, choices=_reference_choices(stratifier))
        self.stratifier = stratifier

    def render(self, name, value, attrs=None, renderer=None):
        if not isinstance(value, str | None):
            return super().render(name, value, attrs, renderer)
        merged = tuple({**self.attrs, **(attrs or {})}.items())
        return _reference_select(self.stratifier, name, value, merged)


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.strip().lower()).strip("_")


class MeasureForm(forms.Form):
    name = forms.CharField(max_length=200)
    focus_area = forms.ChoiceField(
        choices=FocusArea.choices, label="Clinical focus area", widget=QuickSelect
    )
    custom_focus_area = forms.CharField(
        max_length=200,
        required=False,
        label="Your own focus area",
        help_text="Only when you chose “Another area”.",
    )
    kind = forms.ChoiceField(
        choices=Measure.Kind.choices, label="Kind of measure", widget=QuickSelect
    )
    numerator_definition = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), label="Numerator: who is counted"
    )
    denominator_definition = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), label="Denominator: out of whom"
    )
    frequency = forms.ChoiceField(choices=Measure.Frequency.choices, widget=QuickSelect)
    improvement = forms.ChoiceField(
        choices=Measure.Improvement.choices, label="Direction of improvement", widget=QuickSelect
    )
    target = forms.DecimalField(
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=2,
        label="Target (%)",
        help_text="The rate you aim for, everyone together, in percent.",
    )
    stratifiers = forms.MultipleChoiceField(
        choices=StandardStratifier.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Stratify by",
    )
    custom_stratifiers = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Other stratifiers",
        help_text="One a line: name, a colon, its categories separated by commas, and optionally "
        "the reference group, e.g. “Payer: medicaid, medicare, commercial, uninsured "
        "(reference: commercial)”.",
    )

    def __init__(self, *args, measure: Measure | None = None, **kwargs):
        if measure is not None and "initial" not in kwargs:
            kwargs["initial"] = initial_for(measure)
        super().__init__(*args, **kwargs)
        for key, label in StandardStratifier.choices:
            self.fields[f"reference_{key}"] = forms.ChoiceField(
                choices=_reference_choices(key),
                widget=ReferenceSelect(key),
                required=False,
                initial="best",
                label=f"Reference group for {label.lower()}",
                help_text="Used only if you stratify by it.",
            )

    def clean(self):
        data = super().clean()
        if data.get("focus_area") == FocusArea.CUSTOM and not data.get("custom_focus_area"):
            self.add_error("custom_focus_area", "Describe your focus area.")
        custom: dict[str, dict] = {}
        references: dict[str, str] = {}
        for number, line in enumerate((data.get("custom_stratifiers") or "").splitlines(), 1):
            if not line.strip():
                continue
            match = _CUSTOM_LINE.match(line)
            cats = [_key(c) for c in (match["cats"].split(",") if match else []) if _key(c)]
            key = _key(match["label"]) if match else ""
            if not match or not key or len(cats) < 2:
                self.add_error(
                    "custom_stratifiers",
                    f"Line {number}: write a name, a colon and at least two categories "
                    "separated by commas.",
                )
                continue
            if key in StandardStratifier.values or key == OVERALL or key in custom:
                self.add_error(
                    "custom_stratifiers", f"Line {number}: “{key}” is already a stratifier."
                )
                continue
            ref = _key(match["ref"]) if match["ref"] else "largest"
            if ref not in cats and ref not in ReferenceChoice.values:
                self.add_error(
                    "custom_stratifiers",
                    f"Line {number}: the reference “{ref}” is not one of its categories.",
                )
                continue
            custom[key] = {"label": match["label"].strip(), "categories": cats}
            references[key] = ref
        chosen = list(data.get("stratifiers") or [])
        for key in chosen:
            references[key] = data.get(f"reference_{key}") or "best"
        data["service_fields"] = {
            "name": data.get("name"),
            "focus_area": data.get("focus_area"),
            "custom_focus_area": data.get("custom_focus_area") or "",
            "kind": data.get("kind"),
            "numerator_definition": data.get("numerator_definition"),
            "denominator_definition": data.get("denominator_definition"),
            "frequency": data.get("frequency"),
            "improvement": data.get("improvement"),
            "target": data.get("target"),
            "stratifiers": chosen + list(custom),
            "custom_stratifiers": custom,
            "reference_groups": references,
        }
        return data


def initial_for(measure: Measure) -> dict:
    custom_lines = []
    for key, spec in measure.custom_stratifiers.items():
        ref = measure.reference_groups.get(key, "largest")
        custom_lines.append(f"{spec['label']}: {', '.join(spec['categories'])} (reference: {ref})")
    initial = {name: getattr(measure, name) for name in MEASURE_PLAIN_FIELDS}
    initial["stratifiers"] = [s for s in measure.stratifiers if s in StandardStratifier.values]
    initial["custom_stratifiers"] = "\n".join(custom_lines)
    for key in StandardStratifier.values:
        initial[f"reference_{key}"] = measure.reference_groups.get(key, "best")
    return initial


class AimForm(forms.Form):
    group = forms.ChoiceField(label="Group whose gap you will close")
    reference = forms.ChoiceField(label="Compared with")
    baseline_gap = forms.DecimalField(
        min_value=0, max_value=100, decimal_places=2, label="Gap now (percentage points)"
    )
    target_gap = forms.DecimalField(
        min_value=0, max_value=100, decimal_places=2, label="Gap you aim for (percentage points)"
    )
    target_date = forms.DateField(label="By (date)", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, measure: Measure, aim: Aim | None = None, **kwargs):
        if aim is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "group": f"{aim.stratifier}|{aim.group}",
                "reference": f"{aim.stratifier}|{aim.reference}",
                "baseline_gap": aim.baseline_gap,
                "target_gap": aim.target_gap,
                "target_date": aim.target_date,
            }
        super().__init__(*args, **kwargs)
        self.measure = measure
        groups, refs = [], []
        for key in measure.stratifiers:
            label = measure.stratifier_label(key)
            options = [
                (f"{key}|{g}", categories.group_label(measure, key, g))
                for g in categories.categories(measure, key)
                if g not in categories.MISSING_GROUPS
            ]
            groups.append((label, options))
            rules = [(f"{key}|{v}", lab) for v, lab in REFERENCE_RULES]
            refs.append((label, rules + options))
        self.fields["group"].choices = groups
        self.fields["reference"].choices = refs

    def clean(self):
        data = super().clean()
        group, reference = data.get("group"), data.get("reference")
        if group and reference:
            g_strat, g = group.split("|", 1)
            r_strat, r = reference.split("|", 1)
            if g_strat != r_strat:
                self.add_error("reference", "Compare with a group of the same stratifier.")
            elif g == r:
                self.add_error("reference", "Compare with another group.")
            else:
                data.update(stratifier=g_strat, group_code=g, reference_code=r)
        base, target = data.get("baseline_gap"), data.get("target_gap")
        if base is not None and target is not None and target >= base:
            self.add_error("target_gap", "The gap you aim for must be smaller than the gap now.")
        return data


class UploadForm(forms.Form):
    file = forms.FileField(label="File")

    def __init__(self, *args, accept: str = ".csv,.xlsx", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = accept


class GridPeriodForm(forms.Form):
    period = forms.CharField(
        max_length=20, label="Period", help_text="Like 2024-05 (monthly) or 2024-Q2 (quarterly)."
    )

    def __init__(self, *args, measure: Measure, **kwargs):
        super().__init__(*args, **kwargs)
        self.measure = measure
        self.fields["period"].help_text = (
            "Like 2024-Q2." if measure.frequency == periods.QUARTERLY else "Like 2024-05."
        )

    def clean_period(self):
        try:
            return periods.parse(self.cleaned_data["period"], self.measure.frequency)
        except periods.PeriodError as exc:
            raise ValidationError(str(exc).capitalize()) from None


class GridRowForm(forms.Form):
    stratifier = forms.CharField(widget=forms.HiddenInput)
    group = forms.CharField(widget=forms.HiddenInput)
    numerator = forms.IntegerField(
        required=False, min_value=0, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )
    denominator = forms.IntegerField(
        required=False, min_value=0, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )


GridFormSet = formset_factory(GridRowForm, extra=0, max_num=2000, validate_max=True)


def grid_initial(
    measure: Measure, counts: dict[tuple[str, str], tuple[int, int]] | None = None
) -> list[dict]:
    """One grid row per group of every stratifier (overall first), prefilled from ``counts``."""
    rows = []
    for strat in [OVERALL, *measure.stratifiers]:
        for group in categories.categories(measure, strat):
            x, n = (counts or {}).get((strat, group), (None, None))
            rows.append({"stratifier": strat, "group": group, "numerator": x, "denominator": n})
    return rows


class ConnectionForm(forms.Form):
    """A measure's data connection as staff type it. The URL or path is never put back into
    the page: left blank, the stored one is kept."""

    kind = forms.ChoiceField(
        choices=DataConnection.Kind.choices, widget=forms.RadioSelect, label="Where the data live"
    )
    secret = forms.CharField(
        required=False,
        strip=True,
        max_length=2000,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        label="Database URL or source path",
        help_text=(
            "PostgreSQL: postgres://user:password@host:5432/database. Spark: the Parquet or CSV "
            "file or folder (s3a://…, hdfs://… or a path the Spark workers read)."
        ),
    )
    table = forms.CharField(
        required=False,
        max_length=200,
        label="Table or view (PostgreSQL)",
        help_text="For example extracts.hypertension (schema.name) or hypertension.",
    )
    spark_master = forms.CharField(
        required=False,
        max_length=300,
        label="Spark master (optional)",
        help_text="spark://host:7077 or yarn; blank: Spark Connect (SPARK_REMOTE) or local mode.",
    )

    def __init__(self, *args, measure: Measure, connection: DataConnection | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.measure = measure
        self.stored = connection is not None
        if connection is not None:
            self.fields["secret"].help_text = (
                "Stored; enter a new one to replace it. " + self.fields["secret"].help_text
            )
        names = [
            ("period", "Period column", "the month (a date) or the period, one per row"),
            ("numerator", "Numerator column", "1 when the patient meets the measure, else 0"),
            ("denominator", "Denominator column", "1 for each patient counted"),
        ]
        names += [
            (key, f"{measure.stratifier_label(key)} column", "the patient's category")
            for key in measure.stratifiers
        ]
        self.column_keys = [key for key, _, _ in names] + ["age", "age_band"]
        for key, label, help_text in names:
            self.fields[f"column_{key}"] = forms.CharField(
                required=False,
                max_length=200,
                label=label,
                help_text=f"Blank: “{key}”; {help_text}.",
            )
        self.fields["column_age"] = forms.CharField(
            required=False,
            max_length=200,
            label="Age column (years, optional)",
            help_text="Brings age-adjusted rates; leave blank if the source has no ages.",
        )
        self.fields["column_age_band"] = forms.CharField(
            required=False,
            max_length=200,
            label="Age band column (optional)",
            help_text="Instead of ages: bands such as 45-64 on the 2000 U.S. standard's groups.",
        )
        if connection is not None and not self.is_bound:
            self.initial.update(
                {
                    "kind": connection.kind,
                    "table": connection.table,
                    "spark_master": connection.spark_master,
                    **{f"column_{k}": v for k, v in connection.columns.items()},
                }
            )
        elif not self.is_bound:
            self.initial.setdefault("kind", DataConnection.Kind.POSTGRES)

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "secret": data.get("secret") or "",
            "table": data.get("table") or "",
            "spark_master": data.get("spark_master") or "",
            "columns": {k: data.get(f"column_{k}") or "" for k in self.column_keys},
        }


class StratifierForm(forms.Form):
    stratifier = forms.ChoiceField(label="Show the groups of", required=False)

    def __init__(self, *args, measure: Measure, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stratifier"].choices = [
            (key, measure.stratifier_label(key)) for key in measure.stratifiers
        ]


class NetworkFilterForm(forms.Form):
    focus_area = forms.ChoiceField(label="Clinical area", required=False)
    cohort = forms.ChoiceField(label="Cohort", required=False)
    signal = forms.ChoiceField(label="Signal", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["focus_area"].choices = [("", "Every area"), *FocusArea.choices]
        cohorts = dict(Cohort.objects.order_by("position").values_list("key", "name"))
        self.fields["cohort"].choices = [("", "Every cohort"), *cohorts.items()]
        self.fields["signal"].choices = [
            ("", "Any"),
            *((key, label) for key, (label, _) in SIGNAL_FILTERS.items()),
        ]
