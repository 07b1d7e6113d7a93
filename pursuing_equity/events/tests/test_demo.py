"""The demo's calendar: generated, past calls with attendance (one team falling), coaching booked."""

import io
import time

import pytest
from django.utils import timezone

from pursuing_equity.events import demo
from pursuing_equity.events.models import (
    ActivityTry,
    Attendance,
    CoachingBooking,
    CoachingSlot,
    Event,
    Material,
    Registration,
)
from pursuing_equity.events.selectors import attendance_overview
from pursuing_equity.events.tests.factories import make_program
from pursuing_equity.programs.dates import demo_shift_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_program(settings, tmp_path):
    import datetime

    settings.MEDIA_ROOT = tmp_path  # the demo uploads slides

    return make_program(
        shift_months=demo_shift_for(datetime.date(2023, 1, 1), timezone.localdate())
    )


def _populate(program) -> str:
    out = io.StringIO()
    demo.populate(cycle=program.cycle, organizations={}, today=timezone.localdate(), out=out)
    return out.getvalue()


def test_the_demo_calendar_has_attendance_a_falling_team_and_bookings(demo_program):
    p = demo_program
    started = time.monotonic()
    message = _populate(p)
    assert time.monotonic() - started < 20
    assert "Calendar:" in message
    assert p.cycle.events.filter(starts_at__gt=timezone.now()).exists()
    past = p.cycle.events.filter(audience=Event.Audience.COHORT, ends_at__lt=timezone.now())
    assert past.exists()
    assert not past.filter(attendance_taken_at__isnull=True, optional=False).exists()
    assert not p.cycle.events.filter(modality="virtual", video_url="").exists()
    falling = [row.team for row in attendance_overview(p.cycle) if row.falling]
    assert falling == [min(p.ln_teams, key=lambda t: t.slug)]
    assert CoachingSlot.objects.filter(cycle=p.cycle).count() == 2 * 2  # 2 faculty, 2 weeks
    assert CoachingBooking.objects.filter(cancelled_at=None).count() == 2  # two AC teams
    calls = past.filter(kind__in=["ln_all_team_meetings", "ac_all_team_calls"])
    assert calls.exists() and not calls.filter(materials__isnull=True).exists()
    assert ActivityTry.objects.count() == 1
    assert Registration.objects.count() == 2


def test_running_the_demo_again_changes_nothing(demo_program):
    p = demo_program
    _populate(p)
    counts = (Event.objects.count(), Attendance.objects.count(), CoachingSlot.objects.count())
    materials = Material.objects.count()
    message = _populate(p)
    assert Material.objects.count() == materials
    assert "0 created" in message and "attendance taken for 0 past events" in message
    assert (
        Event.objects.count(),
        Attendance.objects.count(),
        CoachingSlot.objects.count(),
    ) == counts
