"""Each reporting page makes a fixed, small number of queries, however many teams, updates,
PDSA cycles, comments and scores there are (assertNumQueries, from the outside)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pursuing_equity.applications.sample_files import pdf_bytes
from pursuing_equity.reporting import services
from pursuing_equity.reporting.models import PdsaCycle, Update
from pursuing_equity.reporting.tests import factories
from pursuing_equity.teams.models import Team, TeamMember


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def add_reports(network, team, writer, *, months: int, first: int = 1, reflect: bool = True):
    """``months`` submitted updates of ``team`` (from ``first`` months ago backwards) (each with a PDSA cycle, a comment, an attachment
    and a reflection), PDSA ramps and both progress scores per month."""
    leader = (
        TeamMember.objects.filter(team=team, part=TeamMember.Part.SENIOR_LEADER)
        .select_related("user")
        .first()
    )
    measure = factories.measure(team)
    parent = None
    for back in range(first + months - 1, first - 1, -1):
        period = factories.started_period(team, back)
        parent = services.pdsa_cycle_save(
            actor=writer,
            team=team,
            change_idea=f"Change {back}",
            started_on=period,
            measure=measure,
            parent=parent,
            decision="adapt",
        )
        draft = factories.update(team, writer, period, pdsa_cycles=[parent])
        services.attachment_add(
            actor=writer,
            update=draft,
            upload=SimpleUploadedFile(
                f"notes-{back}.pdf", pdf_bytes(f"Notes {back}"), "application/pdf"
            ),
        )
        update = services.update_save(
            actor=writer,
            team=team,
            period_start=period,
            version=draft.version,
            progress=draft.progress,
            challenges=draft.challenges,
            learning=draft.learning,
            pdsa_cycles=[parent],
            submit=True,
            now=factories.on_due_day(team, period),
        )
        services.comment_add(actor=network.coach, update=update, text=f"Nice work {back}.")
        services.comment_add(actor=network.staff, update=update, text=f"Agreed {back}.")
        if reflect and leader is not None:
            services.reflection_write(actor=leader.user, update=update, text="Keep going.")
        for rater, actor in (("team", writer), ("faculty", network.coach)):
            services.progress_score_record(
                actor=actor,
                team=team,
                month=period,
                rater=rater,
                score="2.5",
                justification=f"Month {back}.",
            )
    return measure


def grow(network) -> None:
    """More teams, members and reports: what must not change the number of queries."""
    add_reports(network, network.ac, network.member, months=3, first=2)
    add_reports(network, network.ac_other, network.other_member, months=2)
    for n in range(3):
        team = factories.team(name=f"Extra team {n}", slug=f"extra-{n}", coach=network.coach)
        writer = factories.member(team)
        factories.member(team, TeamMember.Part.SENIOR_LEADER)
        add_reports(network, team, writer, months=2, reflect=False)
    # More updates waiting for the senior leader's reflection on their second team.
    led = Team.objects.get(slug="led-twice")
    add_reports(network, led, factories.member(led), months=2, reflect=False)
    for n in range(2):
        team = factories.team("learning_network", small_cohort=network.small_x, slug=f"ln-x{n + 3}")
        factories.member(team)


def base(network):
    """One report of each kind for the Action Community team and another team's (the lists
    read each cycle once when they show any update: none to some is not what must not grow),
    and this month's draft."""
    add_reports(network, network.ac, network.member, months=1)
    add_reports(network, network.ac_other, network.other_member, months=1, first=3)
    # A second team led by the same senior leader, with an update waiting for a reflection.
    led = factories.team(name="Led twice", slug="led-twice")
    TeamMember.objects.create(team=led, user=network.leader, part=TeamMember.Part.SENIOR_LEADER)
    add_reports(network, led, factories.member(led), months=1, first=3, reflect=False)
    draft = factories.update(network.ac, network.member, factories.started_period(network.ac, 0))
    services.attachment_add(
        actor=network.member,
        update=draft,
        upload=SimpleUploadedFile("plan.pdf", pdf_bytes("Plan"), "application/pdf"),
    )


def grow_draft(network) -> None:
    """A second writer and a second attachment on this month's draft."""
    period = factories.started_period(network.ac, 0)
    draft = Update.objects.get(team=network.ac, period_start=period)
    services.update_save(
        actor=network.member2,
        team=network.ac,
        period_start=period,
        version=draft.version,
        progress=draft.progress + " And a second writer.",
    )
    services.attachment_add(
        actor=network.member2,
        update=draft,
        upload=SimpleUploadedFile("more.pdf", pdf_bytes("More"), "application/pdf"),
    )


# What the navigation reads for a person on a team on every page: the team's row and the team
# rules of teams, measures and events, each cached per request (home/navigation.py).
NAV = 6
# The header's count of unread notifications (community), on every page of a signed-in person.
HEADER = 1


def pages(network) -> dict[str, tuple]:
    """Each reporting page and who reads it, with its query budget."""
    ac = network.ac.slug
    last = f"{factories.started_period(network.ac, 1):%Y-%m}"
    this = f"{factories.started_period(network.ac, 0):%Y-%m}"
    root = PdsaCycle.objects.filter(team=network.ac, parent=None).order_by("started_on").first()
    return {
        "updates list (member)": (network.member, reverse("updates"), 8 + NAV + HEADER),
        "updates list (senior leader)": (network.leader, reverse("updates"), 9 + NAV + HEADER),
        "updates list (another team)": (network.other_member, reverse("updates"), 8 + NAV + HEADER),
        "team updates and PDSA list": (
            network.member,
            reverse("team_updates", args=[ac]),
            8 + NAV + HEADER,
        ),
        "team updates (coach)": (network.coach, reverse("team_updates", args=[ac]), 8 + HEADER),
        "update detail (member)": (
            network.member,
            reverse("update_detail", args=[ac, last]),
            5 + NAV + HEADER,  # the team, the update (its team attached), its cycles, files, etc.
        ),
        "update detail and reflection (senior leader)": (
            network.leader,
            reverse("update_detail", args=[ac, last]),
            6 + NAV + HEADER,  # and the data version of the kept page ({% fresh %})
        ),
        "update detail (another team)": (
            network.other_member,
            reverse("update_detail", args=[ac, last]),
            5 + NAV + HEADER,
        ),
        "update edit": (network.member, reverse("update_edit", args=[ac, this]), 12 + NAV + HEADER),
        "new PDSA cycle": (network.member, reverse("pdsa_create", args=[ac]), 2 + NAV + HEADER),
        "PDSA cycle": (
            network.member,
            reverse("pdsa_detail", args=[ac, root.pk]),
            7 + NAV + HEADER,
        ),
        "progress scores": (network.member, reverse("progress", args=[ac]), 6 + NAV + HEADER),
        "submission grid": (
            network.staff,
            reverse("submission_grid"),
            # teams, updates (only a cell's columns), digests, latest month, rules; the data
            # version of the kept page ({% fresh %})
            10 + HEADER,
        ),
    }


def queries(client, user, url) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


@pytest.mark.django_db
def test_reporting_pages_make_a_fixed_small_number_of_queries(
    client, network, django_assert_num_queries
):
    base(network)
    before = {name: queries(client, user, url) for name, (user, url, _) in pages(network).items()}
    grow(network)
    grow_draft(network)
    for name, (user, url, budget) in pages(network).items():
        assert before[name] <= budget, f"{name}: {before[name]} queries"
        client.force_login(user)
        with django_assert_num_queries(before[name]):
            response = client.get(url)
        assert response.status_code == 200, name
