"""Submitting data: validate → pending upload → confirm → versions; restore; nothing on failure."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from pursuing_equity.core.models import AuditEntry
from pursuing_equity.measures import services
from pursuing_equity.measures.models import StratumCount, Submission, Upload
from pursuing_equity.measures.selectors import CountRow, current_counts
from pursuing_equity.measures.tests.factories import TODAY

JAN = datetime.date(2024, 1, 1)


def counts_file(*lines: str, name: str = "counts.csv") -> SimpleUploadedFile:
    body = "\n".join(["period,stratifier,group,numerator,denominator", *lines]).encode()
    return SimpleUploadedFile(name, body, content_type="text/csv")


def submit(measure, actor, *lines: str):
    checked, upload = services.submission_validate(
        measure=measure,
        actor=actor,
        source=Upload.Source.COUNTS,
        file=counts_file(*lines),
        today=TODAY,
    )
    assert checked.ok, checked.problems
    return services.submission_confirm(upload=upload, actor=actor)


@pytest.mark.django_db
def test_a_bad_file_writes_nothing_at_all(bp, editor, media_in_tmp):
    before = AuditEntry.objects.count()
    checked, upload = services.submission_validate(
        measure=bp,
        actor=editor,
        source=Upload.Source.COUNTS,
        file=counts_file("2024-01,overall,all,120,100"),
        today=TODAY,
    )
    assert upload is None
    assert [p.column for p in checked.problems] == ["numerator"]
    assert Upload.objects.count() == Submission.objects.count() == StratumCount.objects.count() == 0
    assert AuditEntry.objects.count() == before
    assert not media_in_tmp.exists() or not any(media_in_tmp.rglob("*.csv"))


@pytest.mark.django_db
def test_a_valid_file_waits_for_confirmation_before_it_counts(bp, editor):
    checked, upload = services.submission_validate(
        measure=bp,
        actor=editor,
        source=Upload.Source.COUNTS,
        file=counts_file("2024-01,overall,all,50,100"),
        today=TODAY,
    )
    assert upload.status == Upload.Status.PENDING
    assert current_counts(bp) == []
    services.submission_confirm(upload=upload, actor=editor)
    assert current_counts(bp) == [CountRow(JAN, "overall", "all", 50, 100)]
    upload.refresh_from_db()
    assert upload.status == Upload.Status.CONFIRMED
    assert not upload.file  # the counts live in the version; the file is deleted
    assert AuditEntry.objects.filter(
        action="measures.submission_confirm", object_id=str(upload.pk)
    ).exists()


@pytest.mark.django_db
def test_an_upload_cannot_be_confirmed_twice(bp, editor):
    checked, upload = services.submission_validate(
        measure=bp,
        actor=editor,
        source=Upload.Source.COUNTS,
        file=counts_file("2024-01,overall,all,50,100"),
        today=TODAY,
    )
    services.submission_confirm(upload=upload, actor=editor)
    with pytest.raises(ValidationError):
        services.submission_confirm(upload=upload, actor=editor)
    assert Submission.objects.count() == 1


@pytest.mark.django_db
def test_a_new_upload_of_the_same_period_is_a_new_version_and_keeps_the_old(bp, editor):
    submit(bp, editor, "2024-01,overall,all,50,100", "2024-02,overall,all,40,80")
    (v2,) = submit(bp, editor, "2024-01,overall,all,55,100")
    assert v2.version == 2
    versions = Submission.objects.filter(measure=bp, period=JAN).order_by("version")
    assert [(s.version, s.is_current) for s in versions] == [(1, False), (2, True)]
    assert versions[0].counts.get().numerator == 50  # nothing overwritten
    assert current_counts(bp) == [
        CountRow(JAN, "overall", "all", 55, 100),
        CountRow(datetime.date(2024, 2, 1), "overall", "all", 40, 80),
    ]


@pytest.mark.django_db
def test_restoring_an_old_version_copies_it_into_a_new_version(bp, editor):
    (v1,) = submit(bp, editor, "2024-01,overall,all,50,100", "2024-01,race_ethnicity,white,50,100")
    submit(bp, editor, "2024-01,overall,all,55,100")
    v1.refresh_from_db()
    v3 = services.submission_restore(submission=v1, actor=editor)
    assert (v3.version, v3.source, v3.restored_from_id, v3.is_current) == (
        3,
        "restore",
        v1.pk,
        True,
    )
    assert set(current_counts(bp)) == {
        CountRow(JAN, "overall", "all", 50, 100),
        CountRow(JAN, "race_ethnicity", "white", 50, 100),
    }
    assert Submission.objects.filter(measure=bp, period=JAN).count() == 3
    assert AuditEntry.objects.filter(action="measures.submission_restore").count() == 1
    with pytest.raises(ValidationError):
        services.submission_restore(submission=v3, actor=editor)


@pytest.mark.django_db
def test_discarding_a_pending_upload_deletes_its_file(bp, editor):
    _, upload = services.submission_validate(
        measure=bp,
        actor=editor,
        source=Upload.Source.COUNTS,
        file=counts_file("2024-01,overall,all,50,100"),
        today=TODAY,
    )
    path = upload.file.path
    services.upload_discard(upload=upload, actor=editor)
    upload.refresh_from_db()
    assert upload.status == Upload.Status.DISCARDED
    import os

    assert not os.path.exists(path)
    assert Submission.objects.count() == 0


@pytest.mark.django_db
def test_the_database_refuses_a_numerator_above_its_denominator(bp, editor):
    from django.db import IntegrityError, transaction

    (sub,) = submit(bp, editor, "2024-01,overall,all,50,100")
    with pytest.raises(IntegrityError), transaction.atomic():
        StratumCount.objects.create(
            submission=sub, stratifier="race_ethnicity", group="white", numerator=5, denominator=4
        )


@pytest.mark.django_db
def test_the_database_allows_one_current_version_per_period(bp, editor):
    from django.db import IntegrityError, transaction

    (sub,) = submit(bp, editor, "2024-01,overall,all,50,100")
    with pytest.raises(IntegrityError), transaction.atomic():
        Submission.objects.create(
            measure=bp, period=JAN, version=2, source="grid", upload=sub.upload, is_current=True
        )


@pytest.mark.django_db
def test_current_counts_uses_one_query_whatever_the_number_of_periods(
    bp, editor, django_assert_num_queries
):
    submit(bp, editor, *[f"2024-0{m},overall,all,{m},10" for m in range(1, 6)])
    submit(bp, editor, "2024-01,overall,all,9,10")
    with django_assert_num_queries(1):
        rows = current_counts(bp)
    assert [r.numerator for r in rows] == [9, 2, 3, 4, 5]


@pytest.mark.django_db
def test_grid_counts_go_through_the_same_checks(bp, editor):
    from pursuing_equity.measures.checks import Record

    records = [
        Record(
            1,
            {
                "period": JAN,
                "stratifier": "overall",
                "group": "all",
                "numerator": 10,
                "denominator": 20,
            },
        ),
        Record(
            2,
            {
                "period": JAN,
                "stratifier": "race_ethnicity",
                "group": "white",
                "numerator": 10,
                "denominator": 15,
            },
        ),
        Record(
            3,
            {
                "period": JAN,
                "stratifier": "race_ethnicity",
                "group": "black",
                "numerator": None,
                "denominator": None,
            },
        ),
    ]
    checked, upload = services.submission_validate(
        measure=bp, actor=editor, source=Upload.Source.GRID, records=records, today=TODAY
    )
    assert upload is None
    assert [(p.row, p.column) for p in checked.problems] == [(1, "denominator")]
    records[1] = Record(2, {**records[1].cells, "denominator": 20})
    checked, upload = services.submission_validate(
        measure=bp, actor=editor, source=Upload.Source.GRID, records=records, today=TODAY
    )
    assert checked.ok
    assert not upload.file
