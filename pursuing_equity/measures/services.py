"""Writes of measures, aims and submitted data: keyword-only, one transaction each, audited."""

from __future__ import annotations

import datetime
import tempfile
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from pursuing_equity.core.services import audit_record, model_snapshot
from pursuing_equity.measures import categories, tasks
from pursuing_equity.measures.checks import Checked, Record, too_large
from pursuing_equity.measures.extracts import check_extract_file
from pursuing_equity.measures.models import (
    OVERALL,
    AgeCount,
    Aim,
    FocusArea,
    Measure,
    ReferenceChoice,
    StandardStratifier,
    StratumCount,
    Submission,
    Upload,
)
from pursuing_equity.measures.uploads import MAX_COUNTS_BYTES, check_counts_file, check_records

# What describes a measure, edited as is; the stratifier fields are edited in their own shape.
MEASURE_PLAIN_FIELDS = (
    "name",
    "focus_area",
    "custom_focus_area",
    "kind",
    "numerator_definition",
    "denominator_definition",
    "frequency",
    "improvement",
    "target",
)
MEASURE_FIELDS = (*MEASURE_PLAIN_FIELDS, "stratifiers", "custom_stratifiers", "reference_groups")


def _check_stratifiers(measure: Measure) -> None:
    """Stratifier keys known, custom ones with categories, reference groups valid."""
    errors: dict[str, list[str]] = {}
    keys = list(measure.stratifiers)
    if len(set(keys)) != len(keys):
        errors.setdefault("stratifiers", []).append("A stratifier is listed twice.")
    for key in keys:
        if key == OVERALL:
            errors.setdefault("stratifiers", []).append("“overall” is not a stratifier.")
        elif key not in StandardStratifier.values and key not in measure.custom_stratifiers:
            errors.setdefault("stratifiers", []).append(f"Unknown stratifier “{key}”.")
    for key, spec in measure.custom_stratifiers.items():
        if key in StandardStratifier.values or key not in keys:
            errors.setdefault("custom_stratifiers", []).append(
                f"“{key}” is not a custom stratifier."
            )
        elif not spec.get("categories"):
            errors.setdefault("custom_stratifiers", []).append(f"“{key}” needs its categories.")
    for key, reference in measure.reference_groups.items():
        if key not in keys:
            errors.setdefault("reference_groups", []).append(f"“{key}” is not reported.")
        elif reference not in ReferenceChoice.values and reference not in categories.categories(
            measure, key
        ):
            errors.setdefault("reference_groups", []).append(
                f"“{reference}” is not a group of {measure.stratifier_label(key)}."
            )
    if measure.focus_area != FocusArea.CUSTOM:
        measure.custom_focus_area = ""
    if errors:
        raise ValidationError(errors)


def _unique_slug(team, name: str, exclude: int | None = None) -> str:
    base = slugify(name)[:180] or "measure"
    taken = set(
        Measure.objects.filter(team=team).exclude(pk=exclude).values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def measure_define(*, team, actor, **fields: Any) -> Measure:
    """A new measure of ``team`` (fields: see :data:`MEASURE_FIELDS`)."""
    unknown = set(fields) - set(MEASURE_FIELDS)
    if unknown:
        raise TypeError(f"unknown measure fields: {', '.join(sorted(unknown))}")
    measure = Measure(team=team, created_by=actor, **fields)
    measure.slug = _unique_slug(team, measure.name)
    _check_stratifiers(measure)
    measure.full_clean()
    measure.save()
    audit_record(
        actor=actor, action="measures.measure_define", obj=measure, after=model_snapshot(measure)
    )
    return measure


@transaction.atomic
def measure_update(*, measure: Measure, actor, **fields: Any) -> Measure:
    """Change a measure's definition. Its slug (the URL) stays; submitted data stay as they are."""
    unknown = set(fields) - set(MEASURE_FIELDS)
    if unknown:
        raise TypeError(f"unknown measure fields: {', '.join(sorted(unknown))}")
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    before = model_snapshot(measure)
    for name, value in fields.items():
        setattr(measure, name, value)
    _check_stratifiers(measure)
    measure.full_clean()
    measure.save()
    audit_record(
        actor=actor,
        action="measures.measure_update",
        obj=measure,
        before=before,
        after=model_snapshot(measure),
    )
    _precompute(measure.pk)  # the stored dashboards were computed for the old definition
    return measure


@transaction.atomic
def aim_set(
    *,
    measure: Measure,
    actor,
    stratifier: str,
    group: str,
    reference: str,
    baseline_gap: Decimal,
    target_gap: Decimal,
    target_date: datetime.date,
    aim: Aim | None = None,
) -> Aim:
    """Create an aim of ``measure`` (or change ``aim``): reduce the gap from baseline to target."""
    errors: dict[str, str] = {}
    if stratifier not in measure.stratifiers:
        errors["stratifier"] = "Choose one of the measure's stratifiers."
    else:
        groups = categories.categories(measure, stratifier)
        if group not in groups:
            errors["group"] = f"“{group}” is not a group of {measure.stratifier_label(stratifier)}."
        if reference not in groups and reference not in ReferenceChoice.values:
            errors["reference"] = "Choose a group, or best / largest / overall."
        if group == reference:
            errors["reference"] = "The reference must be another group."
    if baseline_gap is not None and target_gap is not None and target_gap >= baseline_gap:
        errors["target_gap"] = "The target gap must be smaller than the gap at baseline."
    if errors:
        raise ValidationError(errors)
    before = model_snapshot(aim) if aim else {}
    aim = aim or Aim(measure=measure, created_by=actor)
    aim.stratifier, aim.group, aim.reference = stratifier, group, reference
    aim.baseline_gap, aim.target_gap, aim.target_date = baseline_gap, target_gap, target_date
    aim.full_clean()
    aim.save()
    audit_record(
        actor=actor, action="measures.aim_set", obj=aim, before=before, after=model_snapshot(aim)
    )
    _precompute(measure.pk)  # the aims are part of every stored dashboard's key
    return aim


# --------------------------------------------------------------------------------------------
# Submitting data
# --------------------------------------------------------------------------------------------


def submission_validate(
    *,
    measure: Measure,
    actor,
    source: str,
    file=None,
    records: Sequence[Record] | None = None,
    today: datetime.date | None = None,
) -> tuple[Checked, Upload | None]:
    """Validate data completely. With no problem, keep it as a pending upload to preview.

    ``file`` (an uploaded file) for the two upload sources, ``records`` for the grid. When any
    problem is found nothing at all is written; an extract is deleted once aggregated either way.
    """
    today = today or timezone.localdate()
    name = getattr(file, "name", "") or ""
    data = b""
    if source == Upload.Source.COUNTS:
        # Never more than one byte past the limit: a 300 MB upload is refused by its size.
        data = file.read(MAX_COUNTS_BYTES + 1) if file is not None else b""
        size = getattr(file, "size", None) or len(data)
        checked = check_counts_file(measure, name, data, today=today, size=size)
    elif source == Upload.Source.EXTRACT:
        checked = _check_extract(measure, file, name, today)
    elif source == Upload.Source.GRID:
        checked = check_records(measure, list(records or []), today=today)
    else:
        raise ValueError(f"unknown source {source!r}")
    if not checked.ok:
        return checked, None
    with transaction.atomic():
        upload = Upload(
            measure=measure,
            source=source,
            original_name=Path(name).name[:255],
            rows=checked.rows,
            age_rows=checked.age_rows,
            uploaded_by=actor,
        )
        if source == Upload.Source.COUNTS:
            upload.file.save(Path(name).name, ContentFile(data), save=False)
        upload.full_clean()
        upload.save()
        audit_record(
            actor=actor,
            action="measures.submission_validate",
            obj=upload,
            after={"source": source, "file": upload.original_name, "rows": len(checked.rows)},
        )
    return checked, upload


def _check_extract(measure: Measure, file, name: str, today: datetime.date) -> Checked:
    """Copy the extract to a private temporary file, aggregate it, and delete it."""
    size = getattr(file, "size", None) or 0
    if size > settings.PE_MAX_EXTRACT_BYTES:
        return too_large(
            name, size, settings.PE_MAX_EXTRACT_BYTES, "Split the extract by year and upload each."
        )
    suffix = Path(name).suffix.lower()[:10]
    with tempfile.TemporaryDirectory(prefix="pe-extract-") as folder:
        path = Path(folder) / f"extract{suffix}"
        with path.open("wb") as out:
            if file is not None:
                for chunk in file.chunks():
                    out.write(chunk)
        return check_extract_file(measure, path, name, today=today)


@transaction.atomic
def submission_confirm(*, upload: Upload, actor) -> list[Submission]:
    """Store a pending upload: per period it covers, a new current version (nothing replaced)."""
    upload = Upload.objects.select_for_update().select_related("measure").get(pk=upload.pk)
    if upload.status != Upload.Status.PENDING:
        raise ValidationError("This upload was already confirmed or discarded.")
    by_period: dict[str, list[dict]] = {}
    for row in upload.rows:
        by_period.setdefault(row["period"], []).append(row)
    age_by_period: dict[str, list[dict]] = {}
    for row in upload.age_rows:
        age_by_period.setdefault(row["period"], []).append(row)
    created = []
    for period_text, rows in sorted(by_period.items()):
        sub = _new_version(
            measure=upload.measure,
            period=datetime.date.fromisoformat(period_text),
            source=upload.source,
            actor=actor,
            upload=upload,
        )
        StratumCount.objects.bulk_create(
            StratumCount(
                submission=sub,
                stratifier=r["stratifier"],
                group=r["group"],
                numerator=r["numerator"],
                denominator=r["denominator"],
            )
            for r in rows
        )
        AgeCount.objects.bulk_create(
            AgeCount(
                submission=sub,
                stratifier=r["stratifier"],
                group=r["group"],
                age_band=r["age_band"],
                numerator=r["numerator"],
                denominator=r["denominator"],
            )
            for r in age_by_period.get(period_text, [])
        )
        created.append(sub)
    upload.status = Upload.Status.CONFIRMED
    upload.decided_at = timezone.now()
    # The counts now live in the versions; the file itself would only be a copy to leak.
    stored = upload.file.name
    upload.file = ""
    upload.save(update_fields=["status", "decided_at", "file"])
    if stored:
        storage = Upload._meta.get_field("file").storage
        transaction.on_commit(lambda: _delete_files(storage, [stored]))
    audit_record(
        actor=actor,
        action="measures.submission_confirm",
        obj=upload,
        after={"periods": list(by_period), "versions": [s.version for s in created]},
    )
    _precompute(upload.measure_id)
    return created


def _precompute(measure_id: int) -> None:
    """Queue the dashboards of the measure for computing (after new data, a new definition or
    aim). The database task backend stores the task in this transaction, so the worker picks it
    up only once the change is committed."""
    tasks.dashboard_precompute.enqueue(measure_id)


def _new_version(
    *, measure: Measure, period: datetime.date, source: str, actor, **origin
) -> Submission:
    """The next version of a period, made current; the previous current one is kept as it was."""
    existing = Submission.objects.select_for_update().filter(measure=measure, period=period)
    latest = existing.aggregate(v=Max("version"))["v"] or 0
    existing.filter(is_current=True).update(is_current=False)
    sub = Submission(
        measure=measure,
        period=period,
        version=latest + 1,
        source=source,
        is_current=True,
        created_by=actor,
        **origin,
    )
    sub.full_clean()
    sub.save()
    return sub


@transaction.atomic
def upload_discard(*, upload: Upload, actor) -> Upload:
    """Throw away a pending upload (its file too); nothing of it was ever current."""
    upload = Upload.objects.select_for_update().get(pk=upload.pk)
    if upload.status != Upload.Status.PENDING:
        raise ValidationError("This upload was already confirmed or discarded.")
    if upload.file:
        upload.file.delete(save=False)
    upload.status = Upload.Status.DISCARDED
    upload.decided_at = timezone.now()
    upload.rows = []
    upload.age_rows = []
    upload.save(update_fields=["status", "decided_at", "rows", "age_rows", "file"])
    audit_record(actor=actor, action="measures.upload_discard", obj=upload)
    return upload


@transaction.atomic
def submission_restore(*, submission: Submission, actor) -> Submission:
    """Make an earlier version current again by copying it into a new version."""
    if submission.is_current:
        raise ValidationError("This version is already the current one.")
    new = _new_version(
        measure=submission.measure,
        period=submission.period,
        source=Submission.Source.RESTORE,
        actor=actor,
        restored_from=submission,
    )
    StratumCount.objects.bulk_create(
        StratumCount(
            submission=new,
            stratifier=c.stratifier,
            group=c.group,
            numerator=c.numerator,
            denominator=c.denominator,
        )
        for c in submission.counts.all()
    )
    AgeCount.objects.bulk_create(
        AgeCount(
            submission=new,
            stratifier=c.stratifier,
            group=c.group,
            age_band=c.age_band,
            numerator=c.numerator,
            denominator=c.denominator,
        )
        for c in submission.age_counts.all()
    )
    audit_record(
        actor=actor,
        action="measures.submission_restore",
        obj=new,
        after={
            "period": submission.period,
            "version": new.version,
            "from_version": submission.version,
        },
    )
    _precompute(submission.measure_id)
    return new


#: Pending uploads (validated, never confirmed nor discarded) are deleted after this many days.
PENDING_UPLOAD_DAYS = 7


@transaction.atomic
def uploads_clean_pending(
    *,
    older_than_days: int = PENDING_UPLOAD_DAYS,
    actor=None,
    now: datetime.datetime | None = None,
) -> int:
    """Delete the pending uploads older than ``older_than_days`` days, with their files, and
    record them in one audit entry. Returns how many were deleted. Nothing of a pending upload
    was ever current, so no submitted data changes."""
    if older_than_days < 1:
        raise ValidationError("Keep pending uploads for at least one day.")
    cutoff = (now or timezone.now()) - datetime.timedelta(days=older_than_days)
    stale = list(
        Upload.objects.select_for_update()
        .filter(status=Upload.Status.PENDING, created_at__lt=cutoff)
        .select_related("measure__team")
        .order_by("id")
    )
    if not stale:
        return 0
    files = [u.file.name for u in stale if u.file]
    listed = [
        {
            "id": u.pk,
            "team": u.measure.team.slug,
            "measure": u.measure.slug,
            "source": u.source,
            "file": u.original_name,
            "uploaded": u.created_at.isoformat(),
        }
        for u in stale
    ]
    Upload.objects.filter(pk__in=[u.pk for u in stale]).delete()
    storage = Upload._meta.get_field("file").storage
    transaction.on_commit(lambda: _delete_files(storage, files))
    audit_record(
        actor=actor,
        actor_label=None if actor else "clean_pending_uploads",
        action="measures.uploads_clean_pending",
        after={"older_than_days": older_than_days, "deleted": len(stale), "uploads": listed},
    )
    return len(stale)


def _delete_files(storage, names: list[str]) -> None:
    for name in names:
        storage.delete(name)
