"""The daily reminders: before the due day, overdue updates, overdue reflections — each once."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError

from pursuing_equity.programs.dates import add_months
from pursuing_equity.reporting import dates
from pursuing_equity.reporting.models import SentReminder
from pursuing_equity.reporting.tests import factories


def run(at: datetime.datetime) -> str:
    out = StringIO()
    call_command("send_reporting_reminders", at=at.isoformat(), stdout=out)
    return out.getvalue()


def moment(day: datetime.date, hour: int = 8) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC)


def subjects() -> list[str]:
    return [m.subject for m in mail.outbox]


@pytest.mark.django_db
def test_the_team_is_reminded_before_the_due_day_once(network):
    period = factories.started_period(network.ac, 1)
    due = dates.due_date(period, 1, 10)
    at = moment(dates.reminder_day(due), 15)
    run(at)
    due_soon = [m for m in mail.outbox if m.subject.startswith("[Pursuing Equity] Reminder:")]
    assert {a for m in due_soon for a in m.to} >= {network.member.email, network.member2.email}
    assert network.leader.email not in {a for m in due_soon for a in m.to}
    count = len(mail.outbox)
    assert "0 reminders queued." in run(at)
    assert "0 reminders queued." in run(at + datetime.timedelta(days=1))
    assert len(mail.outbox) == count


@pytest.mark.django_db
def test_nothing_is_sent_before_the_reminder_day_or_after_submission(network):
    period = factories.started_period(network.ac, 1)
    due = dates.due_date(period, 1, 10)
    run(moment(dates.reminder_day(due) - datetime.timedelta(days=1), 15))
    assert not [s for s in subjects() if network.ac.name in s and "Reminder" in s]
    factories.update(network.ac, network.member, period, submit=True, now=moment(due))
    mail.outbox.clear()
    run(moment(due, 15))
    assert not [s for s in subjects() if network.ac.name in s and period.strftime("%B") in s]


@pytest.mark.django_db
def test_an_overdue_update_is_reminded_once(network):
    period = factories.started_period(network.ac, 2)
    due = dates.due_date(period, 1, 10)
    after = moment(due + datetime.timedelta(days=1), 15)
    run(after)
    overdue = [m for m in mail.outbox if m.subject.startswith("[Pursuing Equity] Overdue:")]
    mine = [m for m in overdue if network.ac.name in m.subject and f"{period:%B %Y}" in m.subject]
    assert {a for m in mine for a in m.to} == {
        network.member.email,
        network.member2.email,
        network.partner.email,
    }
    mail.outbox.clear()
    run(after + datetime.timedelta(days=2))
    assert not [m for m in mail.outbox if network.ac.name in m.subject]


@pytest.mark.django_db
def test_an_overdue_reflection_is_reminded_to_both_leaders_once(network):
    period = factories.started_period(network.ac, 3)
    update = factories.update(
        network.ac,
        network.member,
        period,
        submit=True,
        now=factories.on_due_day(network.ac, period),
    )
    reflection_due = dates.reflection_due_date(update.due_on, update.due_on, 1)
    after = moment(reflection_due + datetime.timedelta(days=1), 15)
    mail.outbox.clear()
    run(after)
    run(after + datetime.timedelta(days=1))
    about = [m for m in mail.outbox if "your reflection" in m.subject]
    assert sorted(a for m in about for a in m.to) == sorted(
        [network.leader.email, network.alternate.email]
    )


@pytest.mark.django_db
def test_the_same_reminder_cannot_be_recorded_twice(network):
    period = add_months(factories.cycle().starts_on, 1)
    SentReminder.objects.create(
        kind="due_soon", team=network.ac, period_start=period, recipient=network.member
    )
    with pytest.raises(IntegrityError):
        SentReminder.objects.create(
            kind="due_soon", team=network.ac, period_start=period, recipient=network.member
        )


@pytest.mark.django_db
def test_a_bad_moment_is_refused():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="not an ISO date"):
        call_command("send_reporting_reminders", at="yesterday")


def set_reporting(cycle, cohort_key: str, **facts) -> None:
    """Change the cohort's reporting rule as a reloaded program file would."""
    cycle.document["reporting"][cohort_key].update(facts)
    cycle.save()


@pytest.mark.django_db
def test_the_reminder_comes_as_many_days_early_as_the_program_file_says(network):
    set_reporting(network.ac.cycle, "action_community", reminder_days_before=7)
    period = factories.started_period(network.ac, 1)
    due = dates.due_date(period, 1, 10)

    def reminded() -> bool:
        return any(
            s.startswith("[Pursuing Equity] Reminder:") and network.ac.name in s for s in subjects()
        )

    run(moment(due - datetime.timedelta(days=8), 15))
    assert not reminded()
    run(moment(due - datetime.timedelta(days=7), 15))
    assert reminded()


@pytest.mark.django_db
def test_the_reflection_is_overdue_after_the_grace_days_of_the_program_file(network):
    set_reporting(network.ac.cycle, "action_community", reflection_grace_days=45)
    period = factories.started_period(network.ac, 3)
    submitted = factories.on_due_day(network.ac, period)
    factories.update(network.ac, network.member, period, submit=True, now=submitted)
    next_due = dates.due_date(add_months(period, 1), 1, 10)
    grace_due = submitted.date() + datetime.timedelta(days=45)
    assert grace_due > next_due  # with the default week the next due day would count
    mail.outbox.clear()
    run(moment(next_due + datetime.timedelta(days=2), 15))
    assert not [m for m in mail.outbox if "your reflection" in m.subject]
    run(moment(grace_due + datetime.timedelta(days=1), 15))
    about = [m for m in mail.outbox if "your reflection" in m.subject]
    assert sorted(a for m in about for a in m.to) == sorted(
        [network.leader.email, network.alternate.email]
    )
