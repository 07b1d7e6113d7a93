"""Forms of the calendar and attendance pages. They validate input; services do the writing.

Dates and times are entered in the program's time zone (Eastern) and turned into UTC here.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from pursuing_equity.events import zoom
from pursuing_equity.events.models import Event
from pursuing_equity.events.selectors import Participant

DATE = forms.DateInput(attrs={"type": "date"})
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _aware(day: datetime.date, time: datetime.time, zone: str) -> datetime.datetime:
    return datetime.datetime.combine(day, time, ZoneInfo(zone)).astimezone(datetime.UTC)


class EventForm(forms.Form):
    title = forms.CharField(max_length=200)
    start_date = forms.DateField(label="Date", widget=DATE)
    start_time = forms.TimeField(label="Starts at (Eastern Time)", widget=TIME)
    end_date = forms.DateField(
        label="Ends on",
        widget=DATE,
        help_text="The same date, unless the event lasts several days.",
    )
    end_time = forms.TimeField(label="Ends at (Eastern Time)", widget=TIME)
    modality = forms.ChoiceField(choices=Event.Modality.choices)
    video_url = forms.URLField(
        label="Video-call link", required=False, assume_scheme="https", max_length=200
    )
    location = forms.CharField(
        max_length=200, required=False, help_text="For an in-person event: the city."
    )
    venue = forms.CharField(max_length=200, required=False)
    optional = forms.BooleanField(required=False, label="Optional event")
    cancelled = forms.BooleanField(required=False, label="Cancelled")
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, event: Event, **kwargs):
        self.zone = event.cycle.time_zone
        zone = ZoneInfo(self.zone)
        starts, ends = event.starts_at.astimezone(zone), event.ends_at.astimezone(zone)
        kwargs.setdefault(
            "initial",
            {
                "title": event.title,
                "start_date": starts.date(),
                "start_time": starts.time().replace(second=0, microsecond=0),
                "end_date": ends.date(),
                "end_time": ends.time().replace(second=0, microsecond=0),
                "modality": event.modality,
                "video_url": event.video_url,
                "location": event.location,
                "venue": event.venue,
                "optional": event.optional,
                "cancelled": event.cancelled,
                "notes": event.notes,
            },
        )
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        parts = ("start_date", "start_time", "end_date", "end_time")
        if all(data.get(p) is not None for p in parts):
            data["starts_at"] = _aware(data["start_date"], data["start_time"], self.zone)
            data["ends_at"] = _aware(data["end_date"], data["end_time"], self.zone)
            if data["ends_at"] <= data["starts_at"]:
                self.add_error("end_time", "The event must end after it starts.")
        if data.get("modality") == Event.Modality.IN_PERSON and not data.get("location"):
            self.add_error("location", "Say where an in-person event takes place.")
        return data

    def changes(self) -> dict:
        names = ("title", "starts_at", "ends_at", "modality", "video_url", "location", "venue")
        names += ("optional", "cancelled", "notes")
        return {name: self.cleaned_data[name] for name in names}


class BulkDatesForm(forms.Form):
    """A date, a start and an end time (Eastern) for each event of one activity and audience.

    Each row stays in its month of the program's grid (a generated event's month; otherwise the
    month it is in now); an event of several days keeps its number of days.
    """

    def __init__(self, *args, events: list[Event], zone: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone, self.rows = zone, []
        local = ZoneInfo(zone)
        for event in events:
            starts, ends = event.starts_at.astimezone(local), event.ends_at.astimezone(local)
            month = _grid_month(event, starts.date())
            label = f"{month:%B %Y}"
            self.fields[f"date_{event.pk}"] = forms.DateField(
                label=f"Date in {label}", widget=DATE, initial=starts.date()
            )
            self.fields[f"start_{event.pk}"] = forms.TimeField(
                label=f"Starts at, {label}",
                widget=TIME,
                initial=starts.time().replace(second=0, microsecond=0),
            )
            self.fields[f"end_{event.pk}"] = forms.TimeField(
                label=f"Ends at, {label}",
                widget=TIME,
                initial=ends.time().replace(second=0, microsecond=0),
            )
            self.rows.append((event, month, (ends.date() - starts.date()).days))

    def clean(self):
        data = super().clean()
        self.times: list[tuple[Event, datetime.datetime, datetime.datetime]] = []
        for event, month, days in self.rows:
            day = data.get(f"date_{event.pk}")
            start, end = data.get(f"start_{event.pk}"), data.get(f"end_{event.pk}")
            if day is None or start is None or end is None:
                continue
            if (day.year, day.month) != (month.year, month.month):
                self.add_error(f"date_{event.pk}", f"Choose a date in {month:%B %Y}.")
                continue
            starts_at = _aware(day, start, self.zone)
            ends_at = _aware(day + datetime.timedelta(days=days), end, self.zone)
            if ends_at <= starts_at:
                self.add_error(f"end_{event.pk}", "The event must end after it starts.")
                continue
            self.times.append((event, starts_at, ends_at))
        return data

    def grid(self):
        """(event, month, date field, start field, end field) for each row, for the template."""
        return [
            (
                event,
                month,
                self[f"date_{event.pk}"],
                self[f"start_{event.pk}"],
                self[f"end_{event.pk}"],
            )
            for event, month, _ in self.rows
        ]


def _grid_month(event: Event, local_day: datetime.date) -> datetime.date:
    """The month of the program's grid an event belongs to (its generated key ends with it)."""
    tail = event.generated_key.rsplit("/", 1)[-1] if event.generated_key else ""
    try:
        return datetime.datetime.strptime(tail, "%Y-%m").date()
    except ValueError:
        return local_day.replace(day=1)


class StaffEventFilterForm(forms.Form):
    kind = forms.ChoiceField(label="Activity", required=False)
    month = forms.CharField(
        label="Month",
        required=False,
        widget=forms.DateInput(attrs={"type": "month"}),
        help_text="YYYY-MM",
    )

    def __init__(self, *args, kinds: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Every activity"), *kinds]

    def clean_month(self) -> datetime.date | None:
        text = self.cleaned_data["month"].strip()
        if not text:
            return None
        try:
            return datetime.datetime.strptime(text, "%Y-%m").date()
        except ValueError:
            raise ValidationError("Enter a month as YYYY-MM, e.g. 2023-05.") from None


class SlotForm(forms.Form):
    date = forms.DateField(widget=DATE)
    start_time = forms.TimeField(label="Starts at (Eastern Time)", widget=TIME)
    minutes = forms.TypedChoiceField(
        label="Length",
        coerce=int,
        choices=[(30, "30 minutes"), (45, "45 minutes"), (60, "60 minutes"), (90, "90 minutes")],
        initial=60,
    )
    video_url = forms.URLField(
        label="Video-call link", required=False, assume_scheme="https", max_length=200
    )

    def __init__(self, *args, zone: str, **kwargs):
        self.zone = zone
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("date") and data.get("start_time") and data.get("minutes"):
            data["starts_at"] = _aware(data["date"], data["start_time"], self.zone)
            data["ends_at"] = data["starts_at"] + datetime.timedelta(minutes=data["minutes"])
        return data


class BookForm(forms.Form):
    team = forms.ModelChoiceField(queryset=None, empty_label=None, label="For team")

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams


class AttendanceForm(forms.Form):
    """One "present" checkbox per expected person, labelled with their name and team."""

    def __init__(self, *args, people: list[Participant], present: set[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.people = people
        for person in people:
            self.fields[f"present_{person.user_id}"] = forms.BooleanField(
                required=False,
                initial=person.user_id in present,
                label=f"{person.name} ({person.team_name})",
            )

    def present_ids(self) -> set[int]:
        return {p.user_id for p in self.people if self.cleaned_data.get(f"present_{p.user_id}")}

    def checkboxes(self) -> SafeString:
        """Every box with its label, as ``{{ field }} {{ field.label_tag }}`` renders them, built
        in Python: a cohort's call expects a couple of hundred people, and the widget templates
        made most of the page's time."""
        rows = []
        for name, field in self.fields.items():
            bound = self[name]
            checked = field.widget.check_test(bound.value())
            rows.append(
                format_html(
                    '<p class="check"><input type="checkbox" name="{}" id="{}"{}> '
                    '<label for="{}">{}{}</label></p>',
                    bound.html_name,
                    bound.id_for_label,
                    mark_safe(" checked") if checked else "",
                    bound.id_for_label,
                    field.label,
                    self.label_suffix,
                )
            )
        return mark_safe("".join(rows))  # noqa: S308 - each row is format_html's


class ZoomUploadForm(forms.Form):
    report = forms.FileField(
        label="Zoom participant report (CSV)",
        help_text="In Zoom: Reports › Usage › the meeting's participants › Export (CSV).",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_report(self):
        upload = self.cleaned_data["report"]
        if upload.size > zoom.MAX_BYTES:
            raise ValidationError("The file is larger than 2 MB; is it a Zoom participant report?")
        return upload


class ZoomReviewForm(forms.Form):
    """For each row that matched nobody by email: whom it is, or "not one of ours"."""

    def __init__(self, *args, unmatched, people: list[Participant], **kwargs):
        super().__init__(*args, **kwargs)
        self.unmatched = unmatched
        choices = [("", "Not one of the expected people (ignore)")] + [
            (str(p.user_id), f"{p.name} ({p.team_name})") for p in people
        ]
        for match in unmatched:
            row = match.row
            label = row["name"] + (f" <{row['email']}>" if row["email"] else " (no email)")
            self.fields[f"row_{match.index}"] = forms.ChoiceField(
                label=f"Row {row['row']}: {label}, {row['minutes']} min",
                choices=choices,
                required=False,
            )

    def assignments(self) -> dict[int, int | None]:
        return {
            m.index: int(self.cleaned_data[f"row_{m.index}"] or 0) or None for m in self.unmatched
        }


class NoteForm(forms.Form):
    subject = forms.CharField(max_length=150, initial="Your team's attendance")
    message = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}), max_length=5000)


# --- the learning library and logistics --------------------------------------------------------


class MaterialForm(forms.Form):
    """A new material, or a new version of one of the event's files (``replaces``)."""

    replaces = forms.TypedChoiceField(
        label="What is it?",
        coerce=int,
        empty_value=0,
        required=False,
        help_text="Choose an existing file to upload a new version of it; earlier versions are "
        "kept.",
    )
    kind = forms.ChoiceField(label="Kind", choices=[], required=False)
    title = forms.CharField(max_length=200, required=False)
    topic = forms.CharField(
        max_length=100, required=False, help_text="For the library: “Data stratification”, …"
    )
    recording_url = forms.URLField(
        label="Recording link", required=False, assume_scheme="https", max_length=200
    )
    file = forms.FileField(
        required=False,
        help_text="PDF, image or office file, at most 10 MB (not for a recording).",
    )

    def __init__(self, *args, materials=(), **kwargs):
        from pursuing_equity.events.models import Material

        super().__init__(*args, **kwargs)
        self.fields["replaces"].choices = [(0, "A new material")] + [
            (m.pk, f"New version of: {m}") for m in materials if m.kind != "recording"
        ]
        self.fields["kind"].choices = Material.Kind.choices
        self._materials = {m.pk: m for m in materials}

    def clean(self):
        data = super().clean()
        if data.get("replaces"):
            data["material"] = self._materials.get(data["replaces"])
            if data["material"] is None:
                raise ValidationError("Choose one of this event's materials.")
            if not data.get("file"):
                self.add_error("file", "Choose the file of the new version.")
            return data
        if not data.get("kind"):
            self.add_error("kind", "Choose the kind of material.")
        if not (data.get("title") or "").strip():
            self.add_error("title", "Give the material a title.")
        return data


class SuggestedActivityForm(forms.Form):
    title = forms.CharField(max_length=200, label="Activity to try")
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )


class ActivityTriedForm(forms.Form):
    activity = forms.TypedChoiceField(coerce=int, label="Activity")
    pdsa_cycle = forms.TypedChoiceField(
        coerce=int, empty_value=None, required=False, label="As our PDSA cycle"
    )

    def __init__(self, *args, activities=(), cycles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].choices = [(a.pk, a.title) for a in activities]
        self.fields["pdsa_cycle"].choices = [("", "No PDSA cycle")] + [
            (c.pk, c.change_idea) for c in cycles
        ]


class RegistrationForm(forms.Form):
    attending = forms.ChoiceField(label="I will attend", choices=[], widget=forms.RadioSelect)
    dietary_needs = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=1000,
        help_text="Only program staff read this.",
    )
    access_needs = forms.CharField(
        label="Access needs",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=1000,
        help_text="Anything that helps you take part fully. Only program staff read this.",
    )
    arrives_on = forms.DateField(label="Arriving on", required=False, widget=DATE)
    departs_on = forms.DateField(label="Leaving on", required=False, widget=DATE)

    def __init__(self, *args, **kwargs):
        from pursuing_equity.events.models import Registration

        super().__init__(*args, **kwargs)
        self.fields["attending"].choices = Registration.Attending.choices

    def clean(self):
        data = super().clean()
        arrives, departs = data.get("arrives_on"), data.get("departs_on")
        if arrives and departs and departs < arrives:
            self.add_error("departs_on", "The day you leave must not be before the day you arrive.")
        return data
