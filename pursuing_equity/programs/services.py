"""Loading a program file into a cycle: read, validate, then write everything in one transaction;
and the informational call's registrations and the links staff add to it."""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone

from pursuing_equity.core.email import send_templated
from pursuing_equity.core.services import audit_record
from pursuing_equity.core.urls import absolute_url
from pursuing_equity.programs import text as program_text
from pursuing_equity.programs.checks import ProgramError
from pursuing_equity.programs.checks import warnings as program_warnings
from pursuing_equity.programs.dates import (
    demo_shift_for,
    month_end,
    parse_month,
    shift_document,
)
from pursuing_equity.programs.models import (
    Activity,
    ActivityMonth,
    CallLinks,
    CallRegistration,
    Cohort,
    Cycle,
)
from pursuing_equity.programs.schema import validate

ACTOR_LABEL = "load_program"


class ProgramFileError(Exception):
    """A program file that cannot be loaded; ``errors`` lists every problem with its key path."""

    def __init__(self, errors: list[ProgramError]):
        self.errors = list(errors)
        super().__init__("\n".join(str(e) for e in self.errors))


@dataclass(frozen=True)
class Change:
    path: str
    before: Any
    after: Any


@dataclass(frozen=True)
class LoadResult:
    cycle: Cycle
    status: Literal["created", "unchanged", "updated"]
    changes: list[Change] = field(default_factory=list)
    #: What the file may still have wrong (checks.warnings): loaded anyway, but worth a look.
    warnings: list[ProgramError] = field(default_factory=list)

    def summary(self, limit: int = 10) -> str:
        """ "created", "unchanged" or "updated: 3 changes: a, b, c"."""
        if self.status != "updated":
            return self.status
        paths = [c.path for c in self.changes]
        shown = ", ".join(paths[:limit]) + (
            f" and {len(paths) - limit} more" if len(paths) > limit else ""
        )
        noun = "change" if len(paths) == 1 else "changes"
        return f"updated: {len(paths)} {noun}: {shown}"


# ---------------------------------------------------------------------------------------------
# Reading.


def program_read(path: str | Path) -> dict:
    """The program file at ``path`` as read from TOML, validated; ProgramFileError otherwise."""
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise ProgramFileError(
            [ProgramError("", f"cannot read {path}: {error.strerror}")]
        ) from error
    try:
        document = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise ProgramFileError([ProgramError("", f"{path} is not UTF-8 text")]) from error
    except tomllib.TOMLDecodeError as error:
        raise ProgramFileError(
            [ProgramError("", f"TOML syntax error: {_syntax_message(error)}")]
        ) from error
    errors = validate(document)
    if errors:
        raise ProgramFileError(errors)
    return document


def _syntax_message(error: tomllib.TOMLDecodeError) -> str:
    """tomllib's message, with the line and column said the same way on every Python version."""
    line, column = getattr(error, "lineno", None), getattr(error, "colno", None)
    message = getattr(error, "msg", None) or str(error)
    if line is None:
        match = re.search(r"\(at line (\d+), column (\d+)\)", str(error))
        if match:
            line, column = int(match[1]), int(match[2])
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", message)
    return f"{message} (line {line}, column {column})" if line else message


def demo_shift_months(path: str | Path, today: datetime.date | None = None) -> int:
    """Whole months to move the file's dates so that ``today`` falls in the cycle's ninth month."""
    document = program_read(path)
    start = parse_month(document["cycle"]["start_month"])
    return demo_shift_for(start, today or timezone.localdate())


def to_json(value: Any) -> Any:
    """The document as stored: dates and local times as ISO strings."""
    if isinstance(value, Mapping):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def canonical_hash(document: Any, shift_months: int) -> str:
    payload = json.dumps(
        {"document": document, "date_shift_months": shift_months},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def flatten(document: Any, path: str = "") -> dict[str, Any]:
    """Leaf values by key path. Lists of scalars are leaves; a table in a list is addressed by its
    ``key`` when it has one (so that inserting an activity does not renumber the others)."""
    if isinstance(document, Mapping):
        out: dict[str, Any] = {}
        for key, value in document.items():
            out.update(flatten(value, f"{path}.{key}" if path else str(key)))
        return out
    if isinstance(document, list) and any(isinstance(v, Mapping | list) for v in document):
        out = {}
        for index, value in enumerate(document):
            step = (
                value.get("key")
                if isinstance(value, Mapping) and isinstance(value.get("key"), str)
                else index
            )
            out.update(flatten(value, f"{path}.{step}"))
        return out
    return {path: document}


def diff(before: Any, after: Any) -> list[Change]:
    old, new = flatten(before), flatten(after)
    return [
        Change(path, old.get(path), new.get(path))
        for path in sorted(set(old) | set(new))
        if old.get(path) != new.get(path) or (path in old) != (path in new)
    ]


# ---------------------------------------------------------------------------------------------
# Writing.


def program_load(
    *, path: str | Path, actor: Any = None, shift_months: int = 0, slug: str | None = None
) -> LoadResult:
    """Create or update the cycle described by the program file at ``path``.

    The file is validated first (every error listed in ProgramFileError, nothing written). With
    ``shift_months`` every date of the file moves by that many whole months (demo dates). Loading
    the same file again writes nothing; a changed file updates the cycle, its cohorts, activities
    and activity months, deletes what disappeared, and writes one audit entry with the changed
    key paths and their before and after values. ``warnings`` of the result list what the valid
    file may still have wrong (``checks.warnings``, e.g. activities that should alternate but
    share a month). ``slug`` loads the file as another cycle (the
    demo's second, open call).
    """
    document = program_read(path)
    if slug:
        document = {**document, "slug": slug}
    if shift_months:
        document = shift_document(document, shift_months)
        errors = validate(document)
        if errors:
            raise ProgramFileError(errors)
    stored = to_json(document)
    digest = canonical_hash(stored, shift_months)

    found = program_warnings(document)
    existing = Cycle.objects.filter(slug=stored["slug"]).first()
    if existing is not None and existing.source_sha256 == digest:
        return LoadResult(cycle=existing, status="unchanged", warnings=found)

    try:
        with transaction.atomic():
            result = _write(existing, stored, digest, shift_months, actor, Path(path).name)
            return replace(result, warnings=found)
    except ValidationError as error:
        raise ProgramFileError(_validation_errors(error)) from error
    except ProtectedError as error:
        blocker = next(iter(error.protected_objects), None)
        raise ProgramFileError(
            [
                ProgramError(
                    "",
                    f"the file removes something that {blocker._meta.verbose_name} “{blocker}” still refers to",
                )
            ]
        ) from error


def _write(
    existing: Cycle | None, stored: dict, digest: str, shift_months: int, actor: Any, filename: str
) -> LoadResult:
    start = parse_month(stored["cycle"]["start_month"])
    values = {
        "program_name": stored["program"]["name"],
        "title": program_text.render(stored["cycle"]["title"], stored),
        "starts_on": start,
        "ends_on": month_end(parse_month(stored["cycle"]["end_month"])),
        "time_zone": stored["time_zone"],
        "document": stored,
        "source_sha256": digest,
        "date_shift_months": shift_months,
    }
    cycle = existing or Cycle(slug=stored["slug"])
    before = existing.document if existing else None
    before_shift = existing.date_shift_months if existing else 0
    _save_if_changed(cycle, values)
    cohorts = _sync_cohorts(cycle, stored)
    activities = _sync_activities(cycle, stored)
    _sync_months(cycle, stored, cohorts, activities)

    if existing is None:
        audit_record(
            actor=actor,
            actor_label=None if actor else ACTOR_LABEL,
            action="program.created",
            obj=cycle,
            after={"slug": cycle.slug, "source_sha256": digest, "date_shift_months": shift_months},
            note=f"Loaded from {filename}.",
        )
        return LoadResult(cycle=cycle, status="created")
    changes = diff(before, stored)
    if before_shift != shift_months:
        changes.insert(0, Change("date_shift_months", before_shift, shift_months))
    audit_record(
        actor=actor,
        actor_label=None if actor else ACTOR_LABEL,
        action="program.updated",
        obj=cycle,
        before={c.path: c.before for c in changes},
        after={c.path: c.after for c in changes},
        note=f"Reloaded from {filename}: {len(changes)} change(s).",
    )
    return LoadResult(cycle=cycle, status="updated", changes=changes)


def _save_if_changed(obj: models.Model, values: Mapping[str, Any]) -> bool:
    """Set ``values`` on ``obj``; full_clean and save it only if it is new or something changed."""
    changed = obj.pk is None or any(getattr(obj, name) != value for name, value in values.items())
    if changed:
        for name, value in values.items():
            setattr(obj, name, value)
        obj.full_clean()
        obj.save()
    return changed


def _sync_cohorts(cycle: Cycle, stored: dict) -> dict[str, Cohort]:
    current = {c.key: c for c in cycle.cohorts.all()}
    result = {}
    for position, (key, facts) in enumerate(stored["cohorts"].items()):
        application = facts["application"]
        cohort = current.pop(key, None) or Cohort(cycle=cycle, key=key)
        _save_if_changed(
            cohort,
            {
                "name": facts["name"],
                "capacity": facts["capacity"],
                "application_deadline": datetime.date.fromisoformat(application["deadline"]),
                "rolling_review": application.get("rolling_review", False),
                "response_within_days": application.get("response_within_days"),
                "decisions_by": _optional_date(application.get("decisions_by")),
                "position": position,
            },
        )
        result[key] = cohort
    for cohort in current.values():
        cohort.delete()
    return result


def _sync_activities(cycle: Cycle, stored: dict) -> dict[str, Activity]:
    current = {a.key: a for a in cycle.activities.all()}
    result = {}
    for position, facts in enumerate(stored["activities"]):
        activity = current.pop(facts["key"], None) or Activity(cycle=cycle, key=facts["key"])
        _save_if_changed(
            activity,
            {
                "name": facts["name"],
                "duration_minutes": facts.get("duration_minutes"),
                "duration_days": facts.get("duration_days"),
                "modality": facts["modality"],
                "audience": facts["audience"],
                "position": position,
            },
        )
        result[facts["key"]] = activity
    for activity in current.values():
        activity.delete()
    return result


def _sync_months(
    cycle: Cycle, stored: dict, cohorts: dict[str, Cohort], activities: dict[str, Activity]
) -> None:
    wanted: dict[tuple[int, int, datetime.date], bool] = {}
    for facts in stored["activities"]:
        for cohort_key, plan in facts["schedule"].items():
            in_person = set(plan.get("in_person", []))
            for month in plan["months"]:
                key = (activities[facts["key"]].pk, cohorts[cohort_key].pk, parse_month(month))
                wanted[key] = month in in_person
    for row in ActivityMonth.objects.filter(activity__cycle=cycle):
        key = (row.activity_id, row.cohort_id, row.month)
        if key not in wanted:
            row.delete()
            continue
        _save_if_changed(row, {"in_person": wanted.pop(key)})
    for (activity_id, cohort_id, month), in_person in wanted.items():
        _save_if_changed(
            ActivityMonth(activity_id=activity_id, cohort_id=cohort_id, month=month),
            {"in_person": in_person},
        )


def _optional_date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _validation_errors(error: ValidationError) -> list[ProgramError]:
    if hasattr(error, "error_dict"):
        return [
            ProgramError(name if name != "__all__" else "", message)
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return [ProgramError("", message) for message in error.messages]


# ---------------------------------------------------------------------------------------------
# The informational call: registrations and the links staff add.


def _call_context(cycle: Cycle, links: CallLinks | None, name: str) -> dict[str, Any]:
    from pursuing_equity.programs.call import call_times

    return {
        "name": name,
        "cycle": cycle,
        "call": call_times(cycle.document),
        "links": links,
        "contact_email": cycle.document["contact"]["email"],
        "call_url": absolute_url(reverse("call", args=[cycle.slug])),
    }


def _send_call_email(cycle: Cycle, links: CallLinks | None, registration: CallRegistration) -> None:
    send_templated(
        template_prefix="programs/email/call_registered",
        context=_call_context(cycle, links, registration.name),
        to=[registration.email],
    )


def call_register(
    *, cycle: Cycle, name: str, organization: str, email: str
) -> tuple[CallRegistration, bool]:
    """Register a person for ``cycle``'s informational call and email them the call's details:
    the link to join when staff have added it (else that it follows by email).

    Registering again with the same address (in any case) changes nothing and sends nothing:
    returns the existing registration and False. Audited (the visitor has no account: the
    entry's actor is "visitor").
    """
    values = {
        "name": " ".join(str(name).split()),
        "organization": " ".join(str(organization).split()),
        "email": str(email).strip().lower(),
    }
    with transaction.atomic():
        existing = CallRegistration.objects.filter(cycle=cycle, email=values["email"]).first()
        if existing is not None:
            return existing, False
        registration = CallRegistration(cycle=cycle, **values)
        registration.full_clean()
        try:
            with transaction.atomic():
                registration.save()
        except IntegrityError:  # registered at the same moment from another request
            return CallRegistration.objects.get(cycle=cycle, email=values["email"]), False
        links = CallLinks.objects.filter(cycle=cycle).first()
        if links is not None and links.join_url:
            registration.join_link_sent_at = timezone.now()
            registration.save(update_fields=["join_link_sent_at"])
        audit_record(
            actor=None,
            actor_label="visitor",
            action="call.registered",
            obj=registration,
            after={"cycle": cycle.slug, "organization": registration.organization},
        )
        _send_call_email(cycle, links, registration)
    return registration, True


def call_links_save(
    *, actor: Any, cycle: Cycle, join_url: str, join_details: str, recording_url: str
) -> tuple[CallLinks, int]:
    """Staff set the informational call's join link, joining details and recording link.

    When a join link is set, everyone registered who has not had it yet is emailed the details
    (one message each); returns the links and how many people were emailed. Audited.
    """
    with transaction.atomic():
        links = CallLinks.objects.select_for_update().filter(cycle=cycle).first()
        links = links or CallLinks(cycle=cycle)
        before = {
            "join_url": links.join_url,
            "join_details": links.join_details,
            "recording_url": links.recording_url,
        }
        links.join_url = join_url.strip()
        links.join_details = join_details.strip()
        links.recording_url = recording_url.strip()
        links.full_clean()
        links.save()
        waiting = []
        if links.join_url:
            waiting = list(
                CallRegistration.objects.select_for_update().filter(
                    cycle=cycle, join_link_sent_at__isnull=True
                )
            )
            CallRegistration.objects.filter(pk__in=[r.pk for r in waiting]).update(
                join_link_sent_at=timezone.now()
            )
        audit_record(
            actor=actor,
            action="call.links_saved",
            obj=cycle,
            before=before,
            after={
                "join_url": links.join_url,
                "join_details": links.join_details,
                "recording_url": links.recording_url,
                "emailed": len(waiting),
            },
        )
        for registration in waiting:
            _send_call_email(cycle, links, registration)
    return links, len(waiting)
