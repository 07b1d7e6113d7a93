"""Before applying: the informational call's page (time, registration, recording), its staff
page, the FAQ and the "which cohort fits us?" self-check."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from pursuing_equity.accounts.models import Role
from pursuing_equity.accounts.tests.factories import person
from pursuing_equity.core.models import AuditEntry
from pursuing_equity.programs import call as call_facts
from pursuing_equity.programs import services
from pursuing_equity.programs.models import CallRegistration
from pursuing_equity.programs.tests.factories import load_cycle

pytestmark = pytest.mark.django_db

ALL_YES = {
    "team": True,
    "ceo_letter": True,
    "attendance": True,
    "board_letter": True,
    "qi_results": True,
    "real_sogi": True,
    "travel_monthly": True,
}


def upcoming_cycle():
    """The 2023 cycle with its dates moved so that the call (September 21) is next month."""
    today = timezone.localdate()
    return load_cycle(shift_months=(today.year - 2022) * 12 + today.month - 9 + 1)


def register(client, cycle, **data):
    fields = {"name": "Ana Reyes", "organization": "Juniper Valley Health", "email": "ana@jv.org"}
    return client.post(reverse("call", args=[cycle.slug]), fields | data)


def test_the_call_is_shown_in_the_programs_zone_and_others():
    times = call_facts.call_times(load_cycle().document)
    assert times.text == "Wednesday, September 21, 2022 (3-4 PM ET)"
    assert times.starts_utc == datetime.datetime(2022, 9, 21, 19, 0, tzinfo=datetime.UTC)
    pacific = next(t for t in times.elsewhere if t.zone_label == "Pacific")
    assert pacific.text == "12:00 PM–1:00 PM (Wednesday, September 21)"


def test_the_page_shows_the_time_and_a_script_for_the_readers_own_zone(client):
    cycle = load_cycle()
    html = client.get(reverse("call", args=[cycle.slug])).content.decode()
    assert "Wednesday, September 21, 2022 (3-4 PM ET)" in html
    assert 'data-starts="2022-09-21T15:00:00-04:00"' in html
    assert "programs/local-time.js" in html
    assert "Central: 2:00 PM–3:00 PM" in html


def test_registering_stores_the_person_and_emails_the_details_once(client):
    cycle = upcoming_cycle()
    response = register(client, cycle)
    assert response.status_code == 302
    registration = CallRegistration.objects.get()
    assert (registration.name, registration.organization) == ("Ana Reyes", "Juniper Valley Health")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ana@jv.org"]
    assert "We will email you the link to join the call as soon as it is ready." in (
        mail.outbox[0].body
    )
    assert AuditEntry.objects.filter(action="call.registered", actor_label="visitor").count() == 1

    again = register(client, cycle, email="  ANA@JV.org ", name="Ana R.")
    assert again.status_code == 302
    assert CallRegistration.objects.count() == 1
    assert len(mail.outbox) == 1
    page = client.get(again.url).content.decode()
    assert "ana@jv.org is already registered for this call" in page


def test_staff_add_the_join_link_and_everyone_registered_receives_it_once(client):
    cycle = upcoming_cycle()
    register(client, cycle)
    staff = person(Role.PROGRAM_STAFF)
    _, emailed = services.call_links_save(
        actor=staff,
        cycle=cycle,
        join_url="https://zoom.example.org/j/123",
        join_details="Passcode 4242",
        recording_url="",
    )
    assert emailed == 1
    assert "Join the call: https://zoom.example.org/j/123" in mail.outbox[-1].body
    assert "Passcode 4242" in mail.outbox[-1].body
    _, emailed = services.call_links_save(
        actor=staff,
        cycle=cycle,
        join_url="https://zoom.example.org/j/123",
        join_details="",
        recording_url="",
    )
    assert emailed == 0
    register(client, cycle, email="ben@jv.org", name="Ben Ode")
    assert "Join the call: https://zoom.example.org/j/123" in mail.outbox[-1].body
    assert len(mail.outbox) == 3
    assert AuditEntry.objects.filter(action="call.links_saved").count() == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "Enter your name."),
        ({"name": "x" * 201}, "Your name: at most 200 characters."),
        ({"organization": "   "}, "Enter your organization"),
        ({"organization": "Bad\x00Org"}, "Null characters are not allowed."),
        ({"name": "Bad\x1bname"}, "Your name: remove the control characters."),
        ({"email": "not-an-address"}, "Your email address: enter an address like"),
        ({"email": "a@" + "b" * 260 + ".org"}, "Ensure this value has at most 254 characters"),
    ],
)
def test_hostile_input_is_refused_with_a_message_naming_the_field(client, data, message):
    cycle = upcoming_cycle()
    response = register(client, cycle, **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not CallRegistration.objects.exists()
    assert not mail.outbox


def test_registration_is_rate_limited_per_address(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {"call_register": "2/h/ip"}
    cycle = upcoming_cycle()
    assert register(client, cycle, email="a@jv.org").status_code == 302
    assert register(client, cycle, email="b@jv.org").status_code == 302
    response = register(client, cycle, email="c@jv.org")
    assert response.status_code == 429
    assert "Too many registrations" in response.content.decode()
    assert CallRegistration.objects.count() == 2


def test_after_the_call_the_page_offers_the_recording_once_staff_add_it(client):
    cycle = load_cycle()  # the call was on September 21, 2022
    url = reverse("call", args=[cycle.slug])
    html = client.get(url).content.decode()
    assert "Its recording is posted on this page once program staff add it" in html
    assert "Register for the call" not in html
    services.call_links_save(
        actor=person(Role.PROGRAM_STAFF),
        cycle=cycle,
        join_url="",
        join_details="",
        recording_url="https://video.example.org/call",
    )
    html = client.get(url).content.decode()
    assert 'href="https://video.example.org/call"' in html


def test_the_faq_comes_from_the_program_file_with_its_data_filled_in(client):
    cycle = load_cycle()
    html = client.get(reverse("call", args=[cycle.slug])).content.decode()
    assert "What does it cost to take part?" in html
    assert "$30,000 per team" in html
    assert "by November 1, 2022" in html
    assert "{" not in html.split('id="faq"')[1].split("</section>")[0]


@pytest.mark.parametrize(
    ("answers", "cohort", "reason"),
    [
        (ALL_YES, "action_community", None),
        (
            ALL_YES | {"qi_results": False},
            "learning_network",
            "The Action Community seeks quality improvement capability",
        ),
        (
            ALL_YES | {"ceo_letter": False},
            None,
            "Both cohorts ask for full leadership support",
        ),
    ],
)
def test_the_self_check_suggests_the_first_cohort_whose_questions_are_all_yes(
    answers, cohort, reason
):
    result = call_facts.self_check(load_cycle().document, answers)
    assert result.cohort_key == cohort
    if reason:
        assert any(r.startswith(reason) for r in result.reasons)
    else:
        assert result.reasons == ()


def test_an_unanswered_question_counts_as_no():
    result = call_facts.self_check(load_cycle().document, {})
    assert result.cohort_key is None


def test_the_self_check_form_answers_on_the_page_without_javascript(client):
    cycle = load_cycle()
    url = reverse("call", args=[cycle.slug])
    answers = {f"check-{k}": "yes" for k in ALL_YES} | {"check-real_sogi": "no"}
    html = client.get(url, {"check-submitted": "1", **answers}).content.decode()
    assert "Our suggestion: the Learning Network" in html
    assert "The Action Community measures progress with stratified REAL and SOGI data." in html
    broken = client.get(url, {"check-submitted": "1", "check-team": "maybe"}).content.decode()
    assert "Answer every question to see our suggestion." in broken
    assert "Answer yes or no: Can you form a team of 3 to 7 people" in broken


def test_only_staff_reach_the_staff_page(client):
    cycle = load_cycle()
    url = reverse("call_staff", args=[cycle.slug])
    assert client.get(url).status_code == 302
    client.force_login(person(Role.REVIEWER))
    assert client.get(url).status_code == 403
    client.force_login(person(Role.PROGRAM_STAFF))
    assert client.get(url).status_code == 200
    response = client.post(url, {"join_url": "javascript:alert(1)", "recording_url": "ftp://x"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Link to join the call: enter a full address" in html
    assert "Link to the recording: enter a full address" in html


def test_staff_reach_the_staff_page_from_their_home_and_applicants_the_call_page(client):
    cycle = upcoming_cycle()
    client.force_login(person(Role.PROGRAM_STAFF))
    home = client.get(reverse("home")).content.decode()
    assert reverse("call_staff", args=[cycle.slug]) in home
    assert "Add the link to join the informational call" in home
    client.force_login(person())
    home = client.get(reverse("home")).content.decode()
    assert reverse("call", args=[cycle.slug]) in home
    assert "Before you apply" in home


def test_the_home_page_and_the_call_for_applications_link_to_the_call_page(client):
    cycle = upcoming_cycle()
    call_url = reverse("call", args=[cycle.slug])
    assert call_url in client.get("/").content.decode()
    assert call_url in client.get(reverse("apply")).content.decode()
    assert call_url in client.get(reverse("program_detail", args=[cycle.slug])).content.decode()
