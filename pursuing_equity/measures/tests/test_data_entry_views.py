"""The data-entry pages, from the outside: who gets in, and a team member's whole journey."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from pursuing_equity.accounts.models import Role
from pursuing_equity.accounts.tests.factories import person
from pursuing_equity.measures import services
from pursuing_equity.measures.models import Aim, Measure, Submission, Upload
from pursuing_equity.measures.tests.factories import TeamFactory, member
from pursuing_equity.teams.models import TeamMember

SECRET = "8675309"  # a count that must never appear to outsiders


@pytest.fixture
def with_data(bp, editor):
    body = f"period,stratifier,group,numerator,denominator\n2024-01,overall,all,{SECRET},{SECRET}0\n".encode()
    _, upload = services.submission_validate(
        measure=bp,
        actor=editor,
        source=Upload.Source.COUNTS,
        file=SimpleUploadedFile("c.csv", body),
        today=datetime.date(2024, 6, 1),
    )
    (sub,) = services.submission_confirm(upload=upload, actor=editor)
    _, pending = services.submission_validate(
        measure=bp,
        actor=editor,
        source=Upload.Source.COUNTS,
        file=SimpleUploadedFile("c.csv", body),
        today=datetime.date(2024, 6, 1),
    )
    return {"sub": sub, "pending": pending}


def urls(bp, with_data) -> list[tuple[str, str]]:
    t, m = bp.team.slug, bp.slug
    sub, pending = with_data["sub"], with_data["pending"]
    kw = {"team_slug": t, "measure_slug": m}
    return [
        ("get", reverse("measure_list", args=[t])),
        ("get", reverse("measure_create", args=[t])),
        ("get", reverse("measure_edit", kwargs=kw)),
        ("get", reverse("measure_data", kwargs=kw)),
        ("get", reverse("measure_template", kwargs={**kw, "fmt": "csv"})),
        ("get", reverse("measure_upload_counts", kwargs=kw)),
        ("get", reverse("measure_upload_extract", kwargs=kw)),
        ("get", reverse("measure_grid", kwargs=kw) + "?period=2024-01"),
        ("get", reverse("measure_upload_preview", kwargs={**kw, "upload_id": pending.pk})),
        ("post", reverse("measure_upload_decide", kwargs={**kw, "upload_id": pending.pk})),
        ("get", reverse("measure_submission", kwargs={**kw, "submission_id": sub.pk})),
        ("post", reverse("measure_submission_restore", kwargs={**kw, "submission_id": sub.pk})),
        ("get", reverse("aim_create", kwargs=kw)),
    ]


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in_everywhere(client, bp, with_data):
    for method, url in urls(bp, with_data):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert "/accounts/login/" in response["Location"], url


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["other_team", "staff", "faculty", "applicant"])
def test_outsiders_are_refused_and_see_no_numbers(client, bp, with_data, who):
    if who == "other_team":
        user = member(TeamFactory())
    elif who == "applicant":
        user = person()
    else:
        user = person(Role.PROGRAM_STAFF if who == "staff" else Role.FACULTY)
    client.force_login(user)
    for method, url in urls(bp, with_data):
        response = getattr(client, method)(url, {"action": "confirm"} if method == "post" else None)
        assert response.status_code == 403, (who, url)
        assert SECRET.encode() not in response.content
    assert Submission.objects.count() == 1


@pytest.mark.django_db
def test_a_community_partner_reads_the_data_but_cannot_enter_it(client, bp, with_data):
    client.force_login(member(bp.team, TeamMember.Part.COMMUNITY_PARTNER))
    kw = {"team_slug": bp.team.slug, "measure_slug": bp.slug}
    response = client.get(reverse("measure_data", kwargs=kw))
    assert response.status_code == 200
    assert b"Upload counts" not in response.content
    assert client.get(reverse("measure_upload_counts", kwargs=kw)).status_code == 403
    assert (
        client.post(reverse("measure_create", args=[bp.team.slug]), {"name": "x"}).status_code
        == 403
    )


@pytest.mark.django_db
def test_unknown_team_or_measure_is_404(client, bp, editor):
    client.force_login(editor)
    assert client.get(reverse("measure_list", args=["nope"])).status_code == 404
    assert client.get(reverse("measure_data", args=[bp.team.slug, "nope"])).status_code == 404


@pytest.mark.django_db
def test_a_team_member_defines_a_measure_with_a_custom_stratifier(client, team, editor):
    client.force_login(editor)
    response = client.post(
        reverse("measure_create", args=[team.slug]),
        {
            "name": "Colorectal cancer screening",
            "focus_area": "colorectal_cancer_screening",
            "kind": "process",
            "numerator_definition": "Screened",
            "denominator_definition": "Patients 45–75",
            "frequency": "quarterly",
            "improvement": "increase",
            "target": "70",
            "stratifiers": ["race_ethnicity"],
            "reference_race_ethnicity": "white",
            "custom_stratifiers": "Payer: Medicaid, Medicare, Commercial (reference: commercial)",
        },
    )
    measure = Measure.objects.get(team=team)
    assert response.status_code == 302
    assert response["Location"] == reverse("measure_data", args=[team.slug, measure.slug])
    assert measure.stratifiers == ["race_ethnicity", "payer"]
    assert measure.custom_stratifiers == {
        "payer": {"label": "Payer", "categories": ["medicaid", "medicare", "commercial"]}
    }
    assert measure.reference_groups == {"payer": "commercial", "race_ethnicity": "white"}


@pytest.mark.django_db
def test_bad_measure_input_is_shown_next_to_the_field(client, team, editor):
    client.force_login(editor)
    response = client.post(
        reverse("measure_create", args=[team.slug]),
        {
            "name": "",
            "focus_area": "custom",
            "kind": "outcome",
            "frequency": "monthly",
            "improvement": "increase",
            "target": "140",
            "custom_stratifiers": "Payer",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) >= {
        "name",
        "custom_focus_area",
        "target",
        "custom_stratifiers",
        "numerator_definition",
    }
    assert not Measure.objects.exists()


@pytest.mark.django_db
def test_the_template_lists_every_group_of_every_period(client, bp, editor):
    client.force_login(editor)
    kw = {"team_slug": bp.team.slug, "measure_slug": bp.slug}
    csv_text = client.get(reverse("measure_template", kwargs={**kw, "fmt": "csv"})).content.decode()
    lines = csv_text.splitlines()
    assert lines[0] == "period,stratifier,group,group_name,numerator,denominator"
    per_period = 1 + (9 + 4) + (len(__import__("equitystats").standards.LANGUAGES) + 4)
    assert len(lines) == 1 + 12 * per_period
    response = client.get(reverse("measure_template", kwargs={**kw, "fmt": "xlsx"}))
    assert 'filename="' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content), read_only=True)["Counts"]
    assert next(sheet.iter_rows(values_only=True))[:3] == ("period", "stratifier", "group")
    assert client.get(reverse("measure_template", kwargs={**kw, "fmt": "pdf"})).status_code == 404


@pytest.mark.django_db
def test_upload_with_errors_then_fixed_then_confirmed(client, bp, editor):
    client.force_login(editor)
    kw = {"team_slug": bp.team.slug, "measure_slug": bp.slug}
    url = reverse("measure_upload_counts", kwargs=kw)
    bad = b"period,stratifier,group,numerator,denominator\n2024-01,overall,all,50,100\n2024-01,race_ethnicity,martian,60,50\n"
    response = client.post(url, {"file": SimpleUploadedFile("c.csv", bad)})
    assert response.status_code == 422
    text = response.content.decode()
    assert "nothing was saved" in text
    assert "“martian” is not a category of race_ethnicity" in text
    assert "the numerator 60 is greater than the denominator 50" in text
    assert Upload.objects.count() == 0
    good = b"period,stratifier,group,numerator,denominator\n2024-01,overall,all,50,100\n2024-01,race_ethnicity,white,50,100\n"
    response = client.post(url, {"file": SimpleUploadedFile("c.csv", good)})
    upload = Upload.objects.get()
    assert response["Location"] == reverse(
        "measure_upload_preview", kwargs={**kw, "upload_id": upload.pk}
    )
    preview = client.get(response["Location"])
    assert b"50.0%" in preview.content and b"new period" in preview.content
    decide = reverse("measure_upload_decide", kwargs={**kw, "upload_id": upload.pk})
    response = client.post(decide, {"action": "confirm"}, follow=True)
    assert b"Version 1" in response.content
    assert Submission.objects.get().is_current


@pytest.mark.django_db
def test_the_grid_prefills_the_current_version_and_shows_problems_at_the_field(
    client, bp, editor, with_data
):
    client.force_login(editor)
    url = reverse("measure_grid", args=[bp.team.slug, bp.slug])
    response = client.get(url, {"period": "2024-01"})
    assert response.status_code == 200
    formset = response.context["formset"]
    assert formset.forms[0].initial["numerator"] == int(SECRET)
    data = {"period": "2024-02", "rows-TOTAL_FORMS": "2", "rows-INITIAL_FORMS": "2"}
    data.update(
        {
            "rows-0-stratifier": "overall",
            "rows-0-group": "all",
            "rows-0-numerator": "9",
            "rows-0-denominator": "5",
        }
    )
    data.update(
        {
            "rows-1-stratifier": "race_ethnicity",
            "rows-1-group": "white",
            "rows-1-numerator": "",
            "rows-1-denominator": "",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 422
    assert (
        "greater than the denominator"
        in response.context["formset"].forms[0].errors["numerator"][0]
    )
    data["rows-0-denominator"] = "10"
    response = client.post(url, data)
    assert response.status_code == 302
    assert Upload.objects.filter(source="grid", status="pending").count() == 1


@pytest.mark.django_db
def test_a_bad_grid_period_is_answered_next_to_the_field(client, bp, editor):
    client.force_login(editor)
    response = client.get(
        reverse("measure_grid", args=[bp.team.slug, bp.slug]), {"period": "someday"}
    )
    assert response.status_code == 200
    assert "is not a period" in response.context["period_form"].errors["period"][0]


@pytest.mark.django_db
def test_restore_from_the_version_page(client, bp, editor, with_data):
    client.force_login(editor)
    kw = {"team_slug": bp.team.slug, "measure_slug": bp.slug}
    client.post(
        reverse("measure_upload_decide", kwargs={**kw, "upload_id": with_data["pending"].pk}),
        {"action": "confirm"},
    )
    old = with_data["sub"]
    page = client.get(reverse("measure_submission", kwargs={**kw, "submission_id": old.pk}))
    assert b"Restore this version" in page.content
    client.post(reverse("measure_submission_restore", kwargs={**kw, "submission_id": old.pk}))
    assert list(Submission.objects.filter(measure=bp).values_list("version", "is_current")) == [
        (3, True),
        (2, False),
        (1, False),
    ]


@pytest.mark.django_db
def test_setting_an_aim_reads_like_the_seed(client, bp, editor):
    client.force_login(editor)
    response = client.post(
        reverse("aim_create", args=[bp.team.slug, bp.slug]),
        {
            "group": "race_ethnicity|black",
            "reference": "race_ethnicity|white",
            "baseline_gap": "12",
            "target_gap": "4",
            "target_date": "2025-06-30",
        },
    )
    assert response.status_code == 302
    assert Aim.objects.get().text == (
        "Reduce the gap in Blood pressure control between Black or African American and White "
        "from 12 percentage points to 4 percentage points by June 30, 2025"
    )
    response = client.post(
        reverse("aim_create", args=[bp.team.slug, bp.slug]),
        {
            "group": "race_ethnicity|black",
            "reference": "language|en",
            "baseline_gap": "4",
            "target_gap": "5",
            "target_date": "2025-06-30",
        },
    )
    assert set(response.context["form"].errors) == {"reference", "target_gap"}


@pytest.mark.parametrize("value", [None, "best", "es", "no-such-group"])
def test_the_reference_select_written_once_is_djangos_select(value):
    """The reference selects (dozens of languages) are written once per process; the markup is
    that of Django's Select for the same name, value and attributes, the chosen group selected."""
    from django import forms as django_forms

    from pursuing_equity.measures.forms import MeasureForm, _reference_choices

    attrs = {"id": "id_reference_language", "aria-describedby": "id_reference_language_helptext"}
    widget = MeasureForm().fields["reference_language"].widget
    expected = django_forms.Select(choices=_reference_choices("language")).render(
        "reference_language", value, attrs
    )
    assert widget.render("reference_language", value, attrs) == expected
    assert widget.render("reference_language", value, attrs) == expected  # from the cache
    if value == "es":
        assert '<option value="es" selected>' in expected
