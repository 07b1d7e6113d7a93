"""Pre-work checklists from the program file, registration for in-person sessions (needs seen by
staff only), the roster and its exports, and reminders sent once."""

import csv
import datetime
import io
import tomllib
from pathlib import Path

import openpyxl
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from pursuing_equity.core.models import AuditEntry
from pursuing_equity.events import logistics
from pursuing_equity.events.models import ChecklistTick, Registration
from pursuing_equity.events.tests.factories import past_event
from pursuing_equity.programs import schema

pytestmark = pytest.mark.django_db
PROGRAM_FILE = Path(__file__).parents[3] / "programs" / "pursuing-equity-2023.toml"


def test_the_program_file_checklists_are_validated():
    document = tomllib.loads(PROGRAM_FILE.read_text())
    assert schema.validate(document) == []
    broken = [dict(c) for c in document["checklists"]]
    broken[0] = {**broken[0], "activity": "nope", "cohorts": ["nowhere"]}
    broken[1] = {**broken[1], "items": broken[1]["items"] + [broken[1]["items"][0]]}
    errors = {str(e) for e in schema.validate({**document, "checklists": broken})}
    assert "checklists.0.activity: no activity has the key 'nope'" in errors
    assert any(e.startswith("cohorts.nowhere: is missing") for e in errors)
    assert "checklists.1.items.3.key: 'register' is used twice" in errors


def test_a_member_ticks_pre_work_and_staff_see_the_progress(client, program):
    ac_member = program.members_of(program.ac_teams[0])[1]
    client.force_login(ac_member)
    page = client.get(reverse("checklists")).content.decode()
    assert "Kick-Off pre-work" in page and "REI Groundwater Training" in page
    post = {"cycle": program.cycle.pk, "checklist": "groundwater", "item": "attend", "done": "1"}
    assert client.post(reverse("checklists"), post).status_code == 302
    # A forged item or a checklist of another cohort is refused with a message.
    forged = client.post(reverse("checklists"), {**post, "item": "fly"}, follow=True)
    assert "has no item" in forged.content.decode()
    ln_member = program.members_of(program.ln_teams[0])[1]
    client.force_login(ln_member)
    page = client.get(reverse("checklists")).content.decode()
    assert "Kick-Off pre-work" not in page and "REI Groundwater Training" in page
    refused = client.post(
        reverse("checklists"), {**post, "checklist": "ac_kickoff_prework", "item": "team_charter"},
        follow=True,
    )  # fmt: skip
    assert "not one of yours" in refused.content.decode()
    assert ChecklistTick.objects.count() == 1

    assert client.get(reverse("checklist_progress")).status_code == 403
    client.force_login(program.staff)
    page = client.get(reverse("checklist_progress")).content.decode()
    assert ac_member.display_name in page and "Not required" in page
    rows = list(csv.reader(io.StringIO(
        client.get(reverse("checklist_progress"), {"format": "csv"}).content.decode("utf-8-sig")
    )))  # fmt: skip
    mine = next(r for r in rows if r[3] == ac_member.email)
    assert mine[4:] == ["0", "1"]
    ln = next(r for r in rows if r[3] == ln_member.email)
    assert ln[4:] == ["not required", "0"]


@pytest.fixture
def boston(program):
    """The coming in-person Learning Session of the Action Community, in Boston."""
    return past_event(
        program.cycle,
        days_ago=-20,
        audience="cohort",
        cohort=program.ac,
        kind="ac_learning_sessions",
        title="Learning Session (Boston)",
        modality="in_person",
        location="Boston, MA",
    )


def _register(client, event, **data):
    values = {"attending": "in_person", "dietary_needs": "", "access_needs": ""}
    values.update(data)
    return client.post(reverse("registration", args=[event.pk]), values)


def test_a_participant_registers_and_peers_never_see_the_needs(client, program, boston):
    team = program.ac_teams[0]
    member, peer = program.members_of(team)[1:3]
    client.force_login(member)
    from pursuing_equity.events.library import material_add

    material_add(actor=program.staff, event=boston, kind="recording", title="Agenda",
                 recording_url="https://example.org/agenda")  # fmt: skip
    home = client.get(reverse("home")).content.decode()
    assert "Register for Learning Session (Boston)" in home
    assert "Materials of Learning Session (Boston)" in home
    response = _register(
        client,
        boston,
        dietary_needs="Vegan, no nuts",
        access_needs="Step-free access",
        arrives_on="2030-01-02",
        departs_on="2030-01-01",
    )
    assert "must not be before the day you arrive" in response.content.decode()
    response = _register(client, boston, dietary_needs="Vegan, no nuts", arrives_on="2030-01-01")
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.dietary_needs == "Vegan, no nuts"
    entry = AuditEntry.objects.get(action="event.registration.save")
    assert "Vegan" not in str(entry.after)

    for someone in (peer, program.coach, program.members_of(program.ac_teams[1])[0]):
        client.force_login(someone)
        assert "Vegan" not in client.get(reverse("event_detail", args=[boston.pk])).content.decode()
        assert client.get(reverse("roster", args=[boston.pk])).status_code == 403
    client.force_login(program.members_of(program.ln_teams[0])[0])  # another cohort
    assert _register(client, boston).status_code == 403


def test_virtual_events_take_no_registration(client, program):
    call = past_event(program.cycle, days_ago=-5, audience="cohort", cohort=program.ac)
    client.force_login(program.members_of(program.ac_teams[0])[0])
    assert client.get(reverse("registration", args=[call.pk])).status_code == 404


def test_staff_roster_counts_and_exports_are_formula_safe(client, program, boston):
    people = program.members_of(program.ac_teams[0])
    logistics.registration_save(
        actor=people[0], event=boston, attending="in_person", dietary_needs="=HYPERLINK(\"x\")",
        access_needs="Hearing loop",
    )  # fmt: skip
    logistics.registration_save(actor=people[1], event=boston, attending="virtually")
    client.force_login(program.staff)
    home = client.get(reverse("home")).content.decode()
    assert "Roster of Learning Session (Boston)" in home
    page = client.get(reverse("roster", args=[boston.pk])).content.decode()
    assert "Hearing loop" in page
    assert "<dt>In person</dt><dd>1</dd>" in page and "<dt>Virtually</dt><dd>1</dd>" in page
    text = client.get(reverse("roster", args=[boston.pk]), {"format": "csv"}).content.decode()
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:3] == ["person", "email", "attending"]
    assert '\'=HYPERLINK("x")' in [cell for row in rows for cell in row]
    response = client.get(reverse("roster", args=[boston.pk]), {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["Roster"]
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert '\'=HYPERLINK("x")' in values and "Hearing loop" in values


def test_reminders_are_sent_once_n_days_before(program, boston):
    member = program.members_of(program.ac_teams[0])[1]
    logistics.registration_save(actor=member, event=boston, attending="in_person")
    too_early = boston.starts_at - datetime.timedelta(days=8)
    assert logistics.registration_reminders_send(too_early) == 0
    due = boston.starts_at - datetime.timedelta(days=6)
    mail.outbox.clear()
    assert logistics.registration_reminders_send(due) == 1
    assert logistics.registration_reminders_send(due) == 0
    assert len(mail.outbox) == 1
    assert "Learning Session (Boston)" in mail.outbox[0].subject
    assert reverse("registration", args=[boston.pk]) in mail.outbox[0].body


def test_registration_closes_after_the_event(program):
    event = past_event(program.cycle, audience="cohort", cohort=program.ac, modality="in_person")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="over"):
        logistics.registration_save(
            actor=program.members_of(program.ac_teams[0])[0], event=event, attending="in_person"
        )
    assert timezone.now() > event.ends_at


def test_the_daily_command_sends_due_reminders(program):
    from django.core.management import call_command

    soon = past_event(
        program.cycle, days_ago=-2, audience="cohort", cohort=program.ac, modality="in_person"
    )
    logistics.registration_save(
        actor=program.members_of(program.ac_teams[0])[0], event=soon, attending="virtually"
    )
    out = io.StringIO()
    call_command("send_event_reminders", stdout=out)
    call_command("send_event_reminders", stdout=out)
    assert out.getvalue().splitlines() == ["1 reminder(s) sent.", "0 reminder(s) sent."]
