"""Case studies: built from the team's data, edited (Markdown made safe), approved by the senior
leader then staff, published in the public gallery and exported as PDF and HTML."""

from __future__ import annotations

import io

import pypdf
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pursuing_equity.core.models import AuditEntry
from pursuing_equity.outcomes import services
from pursuing_equity.outcomes.models import CaseStudy
from pursuing_equity.outcomes.tests import factories as f
from pursuing_equity.reporting import services as reporting
from pursuing_equity.reporting.tests import factories as rf

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(django_capture_on_commit_callbacks):
    w = f.world()
    team = w["team_a"]
    measure = rf.measure(team, name="Blood pressure control")
    period = rf.started_period(team, 1)
    rf.counts(measure, period, {"white": (60, 100), "black": (5, 40)})
    reporting.pdsa_cycle_save(
        actor=w["writer"], team=team, change_idea="Text reminders", started_on=period
    )
    with django_capture_on_commit_callbacks(execute=True):  # the update's chart snapshot
        update = rf.update(team, w["writer"], period, submit=True)
    update.learning = "Reminders in Spanish doubled the replies."
    update.save(update_fields=["learning"])
    return w


def _draft(w) -> CaseStudy:
    case_study = services.case_study_create(
        actor=w["writer"], team=w["team_a"], title="Closing the blood pressure gap"
    )
    return services.case_study_edit(
        actor=w["writer"],
        case_study=case_study,
        aim="Halve the gap.",
        summary="We **texted** patients. <script>alert(1)</script><img src=x onerror=alert(2)>",
        quotes="> It felt like the clinic was listening.",
    )


def test_the_first_draft_holds_the_teams_aim_changes_learning_and_charts(w):
    case_study = services.case_study_create(actor=w["writer"], team=w["team_a"], title="Story")
    assert "Text reminders" in case_study.changes
    assert "Reminders in Spanish" in case_study.learning
    assert case_study.charts and case_study.charts[0]["svg_uri"].startswith("data:image/svg+xml")
    # The charts are the shared view: the black group's 5 is a small count, never stored.
    numbers = [row[1] for chart in case_study.charts for row in chart["rows"] if len(row) > 1]
    assert all(not (isinstance(n, int) and 0 < n <= 10) for n in numbers)


def test_markdown_is_rendered_and_everything_else_removed(client, w):
    case_study = _draft(w)
    client.force_login(w["writer"])
    text = client.get(reverse("case_study_detail", args=[case_study.pk])).content.decode()
    assert "<strong>texted</strong>" in text and "<blockquote>" in text
    # Raw HTML is never markup: core.markdown shows it as text (escaped), like a discussion post.
    assert "<script>alert" not in text and "<img src=x" not in text
    assert "&lt;script&gt;alert(1)" in text


def test_the_leader_then_staff_approve_and_the_gallery_shows_it(client, w):
    case_study = _draft(w)
    public = reverse("case_study_public", args=[case_study.pk])
    assert client.get(public).status_code == 404
    with pytest.raises(ValidationError):  # a member cannot approve for the leader
        services.case_study_transition(actor=w["writer"], case_study=case_study, action="approve")
    services.case_study_transition(actor=w["writer"], case_study=case_study, action="submit")
    with pytest.raises(ValidationError):  # staff cannot skip the leader
        services.case_study_transition(actor=w["staff"], case_study=case_study, action="publish")

    client.force_login(w["leader"])
    home = client.get(reverse("home")).content.decode()
    assert "Approve the case study “Closing the blood pressure gap”" in home
    response = client.post(reverse("case_study_transition", args=[case_study.pk, "approve"]))
    assert response.status_code == 302

    client.force_login(w["staff"])
    assert "Approve the case study" in client.get(reverse("home")).content.decode()
    client.post(reverse("case_study_transition", args=[case_study.pk, "publish"]))
    case_study.refresh_from_db()
    assert case_study.state == "published" and case_study.published_at
    assert list(
        AuditEntry.objects.filter(object_id=str(case_study.pk), action__startswith="case_study.")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == [
        "case_study.create",
        "case_study.edit",
        "case_study.submit",
        "case_study.leader_approve",
        "case_study.publish",
    ]

    client.force_login(w["funder"])
    assert "Closing the blood pressure gap" in client.get(reverse("home")).content.decode()
    client.logout()
    gallery = client.get(reverse("case_study_gallery")).content.decode()
    assert "Closing the blood pressure gap" in gallery
    page = client.get(public).content.decode()
    assert "It felt like the clinic was listening" in page and "<script>alert" not in page


def test_the_pdf_and_html_exports_of_a_published_case_study(client, w):
    case_study = _draft(w)
    for who, action in (("writer", "submit"), ("leader", "approve"), ("staff", "publish")):
        case_study = services.case_study_transition(
            actor=w[who], case_study=case_study, action=action
        )
    pdf = client.get(reverse("case_study_download", args=[case_study.pk, "pdf"]))
    assert pdf.status_code == 200
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Closing the blood pressure gap" in text
    assert "Blood pressure control: everyone" in text  # the chart (SVG text) and its table
    html = client.get(reverse("case_study_download", args=[case_study.pk, "html"])).content
    assert b"<script>alert" not in html and b"<img src=x" not in html
    assert b'<img class="chart" src="data:image/svg+xml;base64,' in html


def test_before_publication_only_the_team_and_staff_read_it(client, w):
    case_study = _draft(w)
    url = reverse("case_study_detail", args=[case_study.pk])
    for who, status in (
        ("writer", 200), ("partner", 200), ("staff", 200), ("outsider", 403),
        ("coach_a", 403), ("funder", 403),
    ):  # fmt: skip
        client.force_login(w[who])
        assert client.get(url).status_code == status, who
    client.logout()
    assert (
        client.get(reverse("case_study_download", args=[case_study.pk, "pdf"])).status_code == 404
    )


def test_a_case_study_under_review_cannot_be_edited(client, w):
    case_study = services.case_study_transition(
        actor=w["writer"], case_study=_draft(w), action="submit"
    )
    with pytest.raises(ValidationError):
        services.case_study_edit(actor=w["writer"], case_study=case_study, summary="Changed")
    client.force_login(w["writer"])
    assert client.get(reverse("case_study_edit", args=[case_study.pk])).status_code == 403


def test_submitting_without_a_summary_is_refused_with_a_message(client, w):
    case_study = services.case_study_create(actor=w["writer"], team=w["team_a"], title="Story")
    client.force_login(w["writer"])
    response = client.post(
        reverse("case_study_transition", args=[case_study.pk, "submit"]), follow=True
    )
    assert "Write the aim and a summary" in response.content.decode()
    case_study.refresh_from_db()
    assert case_study.state == "draft"
