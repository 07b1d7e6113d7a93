"""Writing, saving, submitting and reading an update, seen from the outside."""

import pytest
from django.core import mail
from django.urls import reverse

from pursuing_equity.core.models import AuditEntry
from pursuing_equity.reporting.models import Update
from pursuing_equity.reporting.tests import factories

SECRET = "Our confidential draft about the Riverbend outreach"


def edit_url(team, period):
    return reverse("update_edit", args=[team.slug, f"{period:%Y-%m}"])


def detail_url(team, period):
    return reverse("update_detail", args=[team.slug, f"{period:%Y-%m}"])


def post_update(client, team, period, version="", action="save", **fields):
    data = {
        "progress": "We tested a new outreach script.",
        "challenges": "Staffing.",
        "learning": "Texts work better than calls.",
        "help_wanted": "",
        "version": version,
        "action": action,
    }
    data.update(fields)
    return client.post(edit_url(team, period), data)


@pytest.mark.django_db
def test_a_member_saves_a_draft_and_a_colleague_adds_to_it(client, network):
    period = factories.started_period(network.ac)
    client.force_login(network.member)
    response = post_update(client, network.ac, period, progress=SECRET)
    assert response.status_code == 302
    update = Update.objects.get(team=network.ac, period_start=period)
    assert (update.status, update.version, update.progress) == ("draft", 1, SECRET)

    client.force_login(network.member2)
    page = client.get(edit_url(network.ac, period))
    assert SECRET in page.text
    post_update(client, network.ac, period, version=1, progress=SECRET + " — and more")
    update.refresh_from_db()
    assert update.version == 2
    assert set(update.contributors.all()) == {network.member, network.member2}
    assert AuditEntry.objects.filter(action="update.save").count() == 2


@pytest.mark.django_db
def test_a_stale_save_is_refused_with_a_message_and_the_text_is_kept(client, network):
    period = factories.started_period(network.ac)
    factories.update(network.ac, network.member, period, progress="First version")
    client.force_login(network.member)
    post_update(client, network.ac, period, version=1, progress="Second version")

    client.force_login(network.member2)  # opened the page at version 1, saves after the change
    response = post_update(client, network.ac, period, version=1, progress="My stale text")
    assert response.status_code == 409
    assert "after you opened it" in response.text
    assert "My stale text" in response.text  # kept in the form
    assert "Second version" in response.text  # the saved version, to compare
    update = Update.objects.get(team=network.ac, period_start=period)
    assert (update.progress, update.version) == ("Second version", 2)
    # Saving again from the version now shown goes through.
    response = post_update(client, network.ac, period, version=2, progress="Merged text")
    assert response.status_code == 302
    update.refresh_from_db()
    assert update.progress == "Merged text"


@pytest.mark.django_db
def test_submitting_needs_progress_challenges_and_learning(client, network):
    period = factories.started_period(network.ac)
    client.force_login(network.member)
    response = post_update(
        client, network.ac, period, action="submit", learning="", progress=SECRET
    )
    assert response.status_code == 400
    assert "Describe what the team learned before submitting." in response.text
    assert SECRET in response.text  # refused by the service, the person's text stays in the form
    assert not Update.objects.filter(status="submitted").exists()


@pytest.mark.django_db
def test_submitting_freezes_the_update_snapshots_charts_and_emails_the_leaders(
    client, network, django_capture_on_commit_callbacks
):
    period = factories.started_period(network.ac)
    measure = factories.measure(network.ac, name="Blood pressure control")
    factories.counts(measure, period, {"black": (40, 100), "white": (60, 100)})
    client.force_login(network.member)
    with django_capture_on_commit_callbacks() as queued:
        response = post_update(client, network.ac, period, action="submit")
    assert response.status_code == 302
    # The submission answers before the charts are drawn: the page says they are coming.
    update = Update.objects.get(team=network.ac, period_start=period)
    assert update.is_submitted and update.charts_status == "preparing" and update.charts == []
    page = client.get(detail_url(network.ac, period))
    assert "Charts being prepared…" in page.text and 'hx-trigger="every 3s"' in page.text
    # The worker's task (queued once the submission committed) stores them.
    for callback in queued:
        callback()
    charts_part = client.get(
        reverse("update_charts", args=[network.ac.slug, f"{period:%Y-%m}"]), HTTP_HX_REQUEST="true"
    )
    assert "Blood pressure control" in charts_part.text and "being prepared" not in charts_part.text
    update = Update.objects.get(team=network.ac, period_start=period)
    assert update.charts_status == "ready"
    assert AuditEntry.objects.filter(action="update.charts", object_id=str(update.pk)).exists()
    assert update.is_submitted and update.submitted_by == network.member
    # the measure dashboard's own charts: the chart of everyone and the gap chart
    assert [(c["measure_id"], c["chart"]) for c in update.charts] == [
        (measure.pk, "overall"),
        (measure.pk, "gaps"),
    ]
    assert update.charts[0]["spec"]["$schema"].startswith("https://vega.github.io/schema/vega-lite")
    leaders = {network.leader.email, network.alternate.email}
    sent = [m for m in mail.outbox if "submitted its monthly update" in m.subject]
    assert {address for m in sent for address in m.to} == leaders
    assert detail_url(network.ac, period) in sent[0].body

    # New data after submission do not change what the update shows.
    factories.counts(measure, factories.started_period(network.ac, 0), {"black": (90, 100)})
    page = client.get(detail_url(network.ac, period))
    assert "Blood pressure control" in page.text and "90.0" not in page.text
    # And it can no longer be edited.
    assert client.get(edit_url(network.ac, period)).status_code == 302
    assert post_update(client, network.ac, period, version=update.version).status_code == 302
    update.refresh_from_db()
    assert update.version == 1


@pytest.mark.django_db
def test_a_late_submission_is_marked_late(network):
    period = factories.started_period(network.ac, 3)  # due two months ago
    update = factories.update(network.ac, network.member, period, submit=True)
    assert update.late


@pytest.mark.django_db
def test_another_action_community_team_reads_the_submitted_update_not_the_draft(client, network):
    submitted = factories.started_period(network.ac, 2)
    draft = factories.started_period(network.ac, 1)
    factories.update(network.ac, network.member, submitted, submit=True, progress="Shared text")
    factories.update(network.ac, network.member, draft, progress=SECRET)
    client.force_login(network.other_member)
    assert "Shared text" in client.get(detail_url(network.ac, submitted)).text
    response = client.get(detail_url(network.ac, draft))
    assert response.status_code == 403 and SECRET not in response.text
    team_page = client.get(reverse("team_updates", args=[network.ac.slug]))
    assert team_page.status_code == 200 and SECRET not in team_page.text
    assert client.get(edit_url(network.ac, draft)).status_code == 403
    index = client.get(reverse("updates"))
    assert "Riverbend Health" in index.text


@pytest.mark.django_db
def test_another_learning_network_cohort_and_anonymous_visitors_see_nothing(client, network):
    start = factories.cycle().starts_on
    factories.update(network.ln, network.ln_member, start, submit=True, progress=SECRET)
    url = detail_url(network.ln, start)
    team_url = reverse("team_updates", args=[network.ln.slug])

    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get(team_url).status_code == 302

    client.force_login(network.ln_far)  # a Learning Network team of another small cohort
    for target in (url, team_url):
        response = client.get(target)
        assert response.status_code == 403 and SECRET not in response.text
    assert url not in client.get(reverse("updates")).text

    client.force_login(network.other_member)  # an Action Community team
    assert client.get(url).status_code == 403

    client.force_login(network.ln_peer)  # the same small cohort
    assert SECRET in client.get(url).text
    assert url in client.get(reverse("updates")).text


@pytest.mark.django_db
def test_leaders_and_outsiders_cannot_write_the_update(client, network):
    period = factories.started_period(network.ac)
    for person in (network.leader, network.other_member, network.faculty, network.staff):
        client.force_login(person)
        assert post_update(client, network.ac, period).status_code == 403
    assert not Update.objects.exists()


@pytest.mark.django_db
def test_bad_periods_are_not_found(client, network):
    client.force_login(network.member)
    for period in ("2023-13", "nonsense", "2099-01"):
        url = reverse("update_edit", args=[network.ac.slug, period])
        assert client.get(url).status_code == 404
    assert (
        client.get(reverse("update_detail", args=[network.ac.slug, "2023-13"])).status_code == 404
    )


@pytest.mark.django_db
def test_the_senior_leader_reflects_once_and_the_team_is_told(client, network):
    period = factories.started_period(network.ac, 2)
    factories.update(network.ac, network.member, period, submit=True)
    mail.outbox.clear()
    client.force_login(network.leader)
    url = reverse("reflection_write", args=[network.ac.slug, f"{period:%Y-%m}"])
    assert client.post(url, {"text": ""}).status_code == 400
    response = client.post(url, {"text": "Proud of this work; I will raise staffing."})
    assert response.status_code == 302
    page = client.get(detail_url(network.ac, period))
    assert "Proud of this work" in page.text
    writers = {network.member.email, network.member2.email, network.partner.email}
    assert {a for m in mail.outbox for a in m.to} == writers
    client.force_login(network.alternate)
    assert client.post(url, {"text": "Me too"}).status_code == 403

    client.force_login(network.other_member)
    assert "Proud of this work" in client.get(detail_url(network.ac, period)).text


@pytest.mark.django_db
def test_faculty_comment_and_members_cannot(client, network):
    period = factories.started_period(network.ac, 2)
    factories.update(network.ac, network.member, period, submit=True)
    url = reverse("comment_add", args=[network.ac.slug, f"{period:%Y-%m}"])
    client.force_login(network.member)
    assert client.post(url, {"text": "Self praise"}).status_code == 403
    client.force_login(network.faculty)
    assert client.post(url, {"text": "Try a run chart."}).status_code == 302
    assert "Try a run chart." in client.get(detail_url(network.ac, period)).text


@pytest.mark.django_db
def test_the_leader_home_page_lists_overdue_reflections(client, network):
    period = factories.started_period(network.ac, 3)
    on_time = factories.on_due_day(network.ac, period)
    factories.update(network.ac, network.member, period, submit=True, now=on_time)
    client.force_login(network.leader)
    page = client.get(reverse("home"))
    assert "Updates waiting for your reflection" in page.text
    assert "Overdue" in page.text
