"""Every cycle-dependent staff page has the one cycle selector: it opens on the cycle being worked
on, shows the cycle chosen, says which in its heading, keeps it in its links, and answers a bad
cycle in the query string with a message, never an error page."""

import html
import re

import pytest
from django.urls import reverse

from pursuing_equity.core.tests.shared_data import shared
from pursuing_equity.events.models import Event
from pursuing_equity.programs.tests.factories import load_cycle
from pursuing_equity.programs.tests.test_cycle_in_view import later_cycle
from pursuing_equity.review.tests.factories import received, staff

#: Review pages open on the cycle being reviewed (the earliest with applications awaiting a
#: decision); teams, the cohort builder and the calendar on the running (or next) cycle.
REVIEW_PAGES = ["review_queue", "review_portfolio"]
RUNNING_PAGES = ["team_list", "team_coaches", "cohort_builder", "calendar_manage"]


def _world():
    reviewed = load_cycle()  # 2023–24, long over, but an application still awaits its decision
    running = later_cycle(36)  # runs today (2026–27) or is the next to start
    received(reviewed, "learning_network")
    return {"reviewed": reviewed, "running": running, "staff": staff()}


# The cycles for the module, rolled back after each test (see core/tests/shared_data.py).
world, world_built = shared(_world, name="world")


def heading(page: str) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", match.group(1))).strip()


def selected(page: str) -> str:
    return re.search(r'<option value="([^"]+)" selected>', page).group(1)


def get(client, name, **query):
    response = client.get(reverse(name), query)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("name", REVIEW_PAGES + RUNNING_PAGES)
def test_each_page_opens_on_the_cycle_being_worked_on_and_says_so(client, world, name):
    default = world["reviewed"] if name in REVIEW_PAGES else world["running"]
    client.force_login(world["staff"])
    page = get(client, name)
    assert str(default) in heading(page)
    assert selected(page) == default.slug
    assert '<label for="cycle-in-view">Cycle</label>' in page
    assert "Show this cycle</button>" in page


@pytest.mark.parametrize("name", REVIEW_PAGES + RUNNING_PAGES)
def test_each_page_shows_the_cycle_chosen(client, world, name):
    other = world["running"] if name in REVIEW_PAGES else world["reviewed"]
    client.force_login(world["staff"])
    page = get(client, name, cycle=other.slug)
    assert str(other) in heading(page)
    assert selected(page) == other.slug
    assert 'role="alert"' not in page


@pytest.mark.parametrize("name", REVIEW_PAGES + RUNNING_PAGES)
@pytest.mark.parametrize("bad", ["2099", "no-such-cycle", "<b>x</b>", "%00", "x" * 5000])
def test_a_bad_cycle_is_a_message_not_an_error(client, world, name, bad):
    default = world["reviewed"] if name in REVIEW_PAGES else world["running"]
    client.force_login(world["staff"])
    page = get(client, name, cycle=bad)
    assert "There is no cycle" in page and f"Showing {default}" in page
    assert str(default) in heading(page)
    assert "<b>x</b>" not in page


def test_links_between_the_pages_keep_the_cycle(client, world):
    chosen = world["running"]
    suffix = f"?cycle={chosen.slug}"
    client.force_login(world["staff"])
    queue = get(client, "review_queue", cycle=chosen.slug)
    assert f'href="{reverse("review_portfolio")}{suffix}"' in queue
    assert f'href="{reverse("review_queue")}{suffix}&amp;status=in_progress"' in queue
    portfolio = get(client, "review_portfolio", cycle=chosen.slug)
    assert f'href="{reverse("review_queue")}{suffix}"' in portfolio
    teams = get(client, "team_list", cycle=chosen.slug)
    assert f'href="{reverse("cohort_builder")}{suffix}"' in teams
    assert f'href="{reverse("team_coaches")}{suffix}"' in teams
    calendar = get(client, "calendar_manage", cycle=chosen.slug)
    assert f'href="{reverse("activity_dates")}{suffix}"' in calendar
    assert f'action="{reverse("calendar_generate")}{suffix}"' in calendar


def test_generating_the_calendar_acts_on_the_cycle_shown_and_comes_back_to_it(client, world):
    older = world["reviewed"]
    client.force_login(world["staff"])
    response = client.post(reverse("calendar_generate") + f"?cycle={older.slug}")
    assert response.status_code == 302
    assert response["Location"] == reverse("calendar_manage") + f"?cycle={older.slug}"
    assert Event.objects.filter(cycle=older).exists()
    assert not Event.objects.filter(cycle=world["running"]).exists()


def test_the_queue_filters_stay_in_the_cycle_chosen(client, world):
    chosen = world["reviewed"]
    client.force_login(world["staff"])
    page = get(client, "review_queue", cycle=chosen.slug, status="all")
    assert f'<input type="hidden" name="cycle" value="{chosen.slug}">' in page
    assert str(chosen) in heading(page)


@pytest.mark.parametrize("name", REVIEW_PAGES + ["cohort_builder", "calendar_manage"])
def test_people_who_are_not_staff_are_refused(client, world, name):
    from pursuing_equity.accounts.tests.factories import person

    client.force_login(person())
    assert client.get(reverse(name), {"cycle": world["reviewed"].slug}).status_code == 403
