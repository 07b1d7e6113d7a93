"""Pages of the calendar, 1:1 coaching and attendance, and the iCalendar feed."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from pursuing_equity.accounts import rules as account_rules
from pursuing_equity.accounts.rules import rule_required
from pursuing_equity.core.forms import act, form_write
from pursuing_equity.core.tables import table_rows
from pursuing_equity.core.urls import absolute_url
from pursuing_equity.events import (
    attendance_taking,
    audience,
    generation,
    ical,
    library,
    rules,
    selectors,
    services,
)
from pursuing_equity.events import coaching as coaching_writes
from pursuing_equity.events.forms import (
    AttendanceForm,
    BookForm,
    BulkDatesForm,
    EventForm,
    NoteForm,
    SlotForm,
    StaffEventFilterForm,
    ZoomReviewForm,
    ZoomUploadForm,
)
from pursuing_equity.events.models import (
    FORUM_MEETUP,
    CalendarFeed,
    CoachingBooking,
    CoachingSlot,
    Event,
    Registration,
    ZoomImport,
)
from pursuing_equity.events.templatetags.event_times import when
from pursuing_equity.programs.selectors import CycleInView, current_cycle, cycle_in_view
from pursuing_equity.reporting.models import PdsaCycle
from pursuing_equity.teams.models import Team

EVENTS = Event.objects.select_related("cycle", "cohort", "small_cohort", "team")


def _event(request, pk: int, **kwargs) -> Event:
    return get_object_or_404(EVENTS, pk=pk)


def _event_page(request, pk: int, **kwargs) -> Event:
    """The event with its facilitators: the event page lists them and asks several rules that
    read them (1 query instead of one per rule)."""
    return get_object_or_404(EVENTS.prefetch_related("facilitators"), pk=pk)


def _cycle_or_404():
    cycle = current_cycle()
    if cycle is None:
        raise Http404("No program cycle is loaded.")
    return cycle


def _managed_cycle(request) -> CycleInView:
    """The cycle the calendar management pages show: chosen by the page's selector (carried as
    ``?cycle=`` by their links and forms), else the running (or next) cycle."""
    in_view = cycle_in_view(request.GET, default=current_cycle)
    if in_view.cycle is None:
        raise Http404("No program cycle is loaded.")
    return in_view


def _feed_url(feed: CalendarFeed) -> str:
    return absolute_url(reverse("calendar_feed", args=[feed.token]))


def _bookable_teams(user, cycle):
    """The user's teams that can book 1:1 coaching (their cohort has coaching months)."""
    return (
        Team.objects.filter(
            pk__in=audience.groups_of(user).team_ids,
            cycle=cycle,
            cohort_id__in=selectors.coaching_cohort_ids(cycle),
        )
        .select_related("coach")
        .order_by("name")
    )


# --- my calendar and its feed -----------------------------------------------------------------


@rule_required(rules.can_view_calendar)
def calendar_mine(request):
    """The person's events (computed only when the kept list is stale: ``{% fresh %}``) and
    their feed's address."""
    user = request.user
    past = request.GET.get("past") == "1"
    feed = services.feed_for(user)

    def page() -> dict:
        return {"events": selectors.my_calendar(user, past=past)}

    return render(
        request,
        "events/calendar_mine.html",
        {
            "page": page,
            "past": past,
            "feed_url": _feed_url(feed),
            "webcal_url": _feed_url(feed)
            .replace("https://", "webcal://", 1)
            .replace("http://", "webcal://", 1),
            "can_manage": rules.can_manage_calendar(request.user),
            "can_publish": rules.can_publish_slot(request.user),
        },
    )


@require_POST
@rule_required(rules.can_view_calendar)
def feed_reset(request):
    services.feed_token_reset(actor=request.user, user=request.user)
    messages.success(
        request,
        "Your calendar has a new subscription address. The old one no longer works: "
        "subscribe again with the new one.",
    )
    return redirect("calendar_mine")


@require_GET
def calendar_feed(request, token: str):
    """The private feed: no sign-in, the token is the key; an unknown token is a 404."""
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active:
        raise Http404("No such calendar.")
    events = selectors.feed_events(feed.user)
    cycle = current_cycle()
    body = ical.calendar_document(
        events,
        name=f"Pursuing Equity — {feed.user.display_name}",
        time_zone=cycle.time_zone if cycle else "America/New_York",
        url_of=lambda e: absolute_url(reverse("event_detail", args=[e.pk])),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="pursuing-equity.ics"'
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response


# --- one event --------------------------------------------------------------------------------


def _attended(record) -> str:
    if record is None:
        return mark_safe('<span class="muted">Not recorded</span>')
    if not record.present:
        return "Absent"
    return f"Present ({record.minutes} min)" if record.minutes else "Present"


@rule_required(rules.can_view_event, get_object=_event_page)
def event_detail(request, pk: int, obj: Event):
    """An event, its materials and (for those who may see them) its people; computed only when
    the kept page is stale (``{% fresh %}``)."""
    user = request.user

    def page() -> dict:
        show_attendees = rules.can_view_event_attendees(user, obj)
        people = selectors.participants_of(obj) if show_attendees else []
        attendance = selectors.event_attendance(obj) if show_attendees else {}
        can_mark = rules.can_mark_activity_tried(user, obj)
        team = library.team_for_event(user, obj) if can_mark else None
        registers = obj.takes_registration
        return {
            "show_attendees": show_attendees,
            "people": people,
            # Built by table_rows: a cohort's call expects a couple of hundred people.
            "people_rows": table_rows(
                (p.name, p.team_name, _attended(attendance.get(p.user_id))) for p in people
            ),
            "can_edit": rules.can_manage_calendar(user),
            "can_take_attendance": rules.can_take_attendance(user, obj),
            "facilitators": list(obj.facilitators.all()),
            "shown": library.event_materials(obj, team),
            "tried_team": team,
            "pdsa_cycles": list(PdsaCycle.objects.filter(team=team)) if team else [],
            "can_add_materials": rules.can_add_materials(user, obj),
            "can_register": registers and rules.can_register(user, obj),
            "registration": Registration.objects.filter(event=obj, user=user).first()
            if registers
            else None,
            "can_view_roster": registers and rules.can_view_roster(user, obj),
        }

    return render(request, "events/event_detail.html", {"event": obj, "page": page})


@rule_required(rules.can_manage_calendar)
def event_edit(request, pk: int):
    event = _event(request, pk)
    form = EventForm(request.POST or None, event=event)
    if request.method == "POST" and form_write(
        form, lambda data: services.event_update(actor=request.user, event=event, **form.changes())
    ):
        messages.success(request, "The event was saved; its people were told of any change.")
        return redirect("event_detail", pk=event.pk)
    return render(request, "events/event_form.html", {"form": form, "event": event})


# --- staff: the whole calendar ----------------------------------------------------------------


@rule_required(rules.can_manage_calendar)
def calendar_manage(request):
    """The cycle's events, one month at a time; the filter, the months and the table are
    computed only when the kept part is stale (``{% fresh %}``)."""
    in_view = _managed_cycle(request)
    cycle = in_view.cycle

    def page() -> dict:
        kinds = list(cycle.activities.order_by("position").values_list("key", "name"))
        kinds.append((FORUM_MEETUP, "IHI Forum meet-up"))
        form = StaffEventFilterForm(request.GET or None, kinds=kinds)
        filters = form.cleaned_data if form.is_valid() else {}
        kind = filters.get("kind", "")
        # One month at a time (a cycle has hundreds of events): the one asked for, else this
        # month or the next that has events; every month with events is a link.
        months = selectors.event_months(cycle, kind=kind)
        month = filters.get("month") or selectors.month_to_show(months, timezone.localdate())
        events = list(selectors.events_for_staff(cycle, kind=kind, month=month)[:501])
        query = {"cycle": cycle.slug, **({"kind": kind} if kind else {})}
        return {
            "form": form,
            "month": month,
            "months": [(m, "?" + urlencode({**query, "month": f"{m:%Y-%m}"})) for m in months],
            "events": events[:500],
            "total": len(events)
            if len(events) <= 500
            else selectors.events_for_staff(cycle, kind=kind, month=month).count(),
        }

    return render(
        request,
        "events/calendar_manage.html",
        {"cycle": cycle, "in_view": in_view, "page": page},
    )


@require_POST
@rule_required(rules.can_manage_calendar)
def calendar_generate(request):
    in_view = _managed_cycle(request)
    result = generation.calendar_generate(actor=request.user, cycle=in_view.cycle)
    messages.success(request, f"Calendar generated from the program file: {result}.")
    return redirect(reverse("calendar_manage") + in_view.suffix)


@rule_required(rules.can_manage_calendar)
def activity_dates(request):
    """Set the date and time of every month's event of one activity for one audience at once."""
    in_view = _managed_cycle(request)
    cycle = in_view.cycle
    activities = list(cycle.activities.order_by("position"))
    activity = next((a for a in activities if a.key == request.GET.get("activity")), None)
    audiences = selectors.activity_audiences(cycle, activity) if activity else []
    chosen = next((a for a in audiences if a.key == request.GET.get("audience")), None)
    if len(audiences) == 1:
        chosen = audiences[0]
    form, status = None, 200
    if chosen is not None:
        form = BulkDatesForm(request.POST or None, events=chosen.events, zone=cycle.time_zone)
        if request.method == "POST":
            if done := form_write(
                form,
                lambda data: services.activity_dates_set(
                    actor=request.user, activity=activity, times=form.times
                ),
            ):
                moved = done.value
                messages.success(
                    request,
                    f"{activity.name} — {chosen.label}: {moved} event{'s' if moved != 1 else ''}"
                    " moved; the people affected were emailed.",
                )
                return redirect(request.get_full_path())
            status = 400
    return render(
        request,
        "events/activity_dates.html",
        {
            "cycle": cycle,
            "in_view": in_view,
            "activities": activities,
            "activity": activity,
            "audiences": audiences,
            "chosen": chosen,
            "form": form,
        },
        status=status,
    )


# --- 1:1 coaching -----------------------------------------------------------------------------


def _can_use_coaching(user, obj=None) -> bool:
    return rules.can_publish_slot(user) or rules.can_book_slot(user)


@rule_required(_can_use_coaching)
def coaching(request, *, slot_form=None, status: int = 200):
    """Coaching slots and bookings; computed only when the kept page is stale (``{% fresh %}``),
    and always for a slot form shown again with its errors (a POST)."""
    cycle = _cycle_or_404()
    user = request.user

    def page() -> dict:
        teams = list(_bookable_teams(user, cycle))
        return {
            "can_publish": rules.can_publish_slot(user),
            "my_slots": selectors.slots_of_coach(user, cycle),
            "teams": teams,
            "coached": [team for team in teams if team.coach_id],
            "open_slots": selectors.open_slots(cycle, teams) if teams else [],
            "bookings": selectors.bookings_of_teams(t.pk for t in teams),
        }

    slot_form = slot_form or SlotForm(zone=cycle.time_zone)
    context = {"cycle": cycle, "slot_form": slot_form, "page": page}
    return render(request, "events/coaching.html", context, status=status)


@require_POST
@rule_required(rules.can_publish_slot)
def slot_publish(request):
    cycle = _cycle_or_404()
    form = SlotForm(request.POST, zone=cycle.time_zone)
    if form_write(
        form,
        lambda data: coaching_writes.coaching_slot_publish(
            actor=request.user,
            cycle=cycle,
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            video_url=data["video_url"],
        ),
    ):
        messages.success(request, "Your slot is open for booking.")
        return redirect("coaching")
    return coaching(request, slot_form=form, status=400)


def _slot(request, pk: int, **kwargs) -> CoachingSlot:
    return get_object_or_404(CoachingSlot, pk=pk)


@require_POST
@rule_required(rules.can_withdraw_slot, get_object=_slot)
def slot_withdraw(request, pk: int, obj: CoachingSlot):
    return act(
        request,
        lambda: coaching_writes.coaching_slot_withdraw(actor=request.user, slot=obj),
        success="The slot was withdrawn.",
        redirect_to="coaching",
    )


@require_POST
@rule_required(rules.can_book_slot, get_object=_slot)
def slot_book(request, pk: int, obj: CoachingSlot):
    teams = _bookable_teams(request.user, obj.cycle)
    form = BookForm(request.POST, teams=teams)
    if not form.is_valid():
        messages.error(request, "Choose one of your Action Community teams to book for.")
        return redirect("coaching")
    return act(
        request,
        lambda: coaching_writes.coaching_book(
            actor=request.user, slot=obj, team=form.cleaned_data["team"]
        ),
        success="Booked. The session is in your team's calendar.",
        redirect_to="coaching",
    )


def _booking(request, pk: int, **kwargs) -> CoachingBooking:
    return get_object_or_404(CoachingBooking.objects.select_related("slot"), pk=pk)


@require_POST
@rule_required(rules.can_cancel_booking, get_object=_booking)
def booking_cancel(request, pk: int, obj: CoachingBooking):
    return act(
        request,
        lambda: coaching_writes.coaching_cancel(actor=request.user, booking=obj),
        success="The booking was cancelled; the slot is open again.",
        redirect_to="coaching",
    )


# --- attendance -------------------------------------------------------------------------------


def _attendance_forms(event: Event, data=None, *, upload_form=None) -> dict:
    """The attendance page's forms: who came (ticked as recorded) and the Zoom upload."""
    people = selectors.participants_of(event)
    present = {uid for uid, a in selectors.event_attendance(event).items() if a.present}
    return {
        "form": AttendanceForm(data, people=people, present=present),
        "upload_form": upload_form or ZoomUploadForm(),
        "people": people,
    }


@rule_required(rules.can_take_attendance, get_object=_event)
def attendance_take(request, pk: int, obj: Event):
    """The attendance form; a GET's unbound form is computed only when the kept page is stale
    (``{% fresh %}``), a POST's is always rendered."""
    if request.method != "POST":
        return render(
            request,
            "events/attendance_form.html",
            {"event": obj, "page": lambda: _attendance_forms(obj)},
        )
    shown = _attendance_forms(obj, request.POST)
    form = shown["form"]
    if done := form_write(
        form,
        lambda data: attendance_taking.attendance_take(
            actor=request.user, event=obj, present=form.present_ids()
        ),
    ):
        count = done.value
        messages.success(request, f"Attendance saved: {count} of {len(shown['people'])} present.")
        return redirect("event_detail", pk=obj.pk)
    return render(request, "events/attendance_form.html", {"event": obj, **shown}, status=400)


@require_POST
@rule_required(rules.can_take_attendance, get_object=_event)
def zoom_upload(request, pk: int, obj: Event):
    upload_form = ZoomUploadForm(request.POST, request.FILES)
    if upload_form.is_valid():
        report = upload_form.cleaned_data["report"]
        try:
            upload = attendance_taking.zoom_import_create(
                actor=request.user, event=obj, filename=report.name, data=report.read()
            )
        except ValidationError as error:
            upload_form.add_error("report", error.messages)
        else:
            return redirect("zoom_review", pk=obj.pk, upload=upload.pk)
    return render(
        request,
        "events/attendance_form.html",
        {"event": obj, **_attendance_forms(obj, upload_form=upload_form)},
        status=400,
    )


@rule_required(rules.can_take_attendance, get_object=_event)
def zoom_review(request, pk: int, upload: int, obj: Event):
    report = get_object_or_404(ZoomImport, pk=upload, event=obj, confirmed_at__isnull=True)
    matched, unmatched = attendance_taking.zoom_matches(report)
    people = selectors.participants_of(obj)
    names = {p.user_id: p for p in people}
    form = ZoomReviewForm(request.POST or None, unmatched=unmatched, people=people)
    if request.method == "POST" and (
        done := form_write(
            form,
            lambda data: attendance_taking.zoom_import_confirm(
                actor=request.user, upload=report, assignments=form.assignments()
            ),
        )
    ):
        count = done.value
        messages.success(
            request, f"Attendance saved from the Zoom report: {count} of {len(people)} present."
        )
        return redirect("event_detail", pk=obj.pk)
    return render(
        request,
        "events/zoom_review.html",
        {
            "event": obj,
            "report": report,
            "matched": [(m, names[m.user_id]) for m in matched],
            "form": form,
            "absent": [p for p in people if p.user_id not in {m.user_id for m in matched}],
        },
    )


def _overview_body(rows: list[selectors.TeamAttendance]):
    """The rows of every team's attendance, built by ``table_rows`` (fifty teams and more)."""
    muted = {text: format_html('<span class="muted">{}</span>', text) for text in ("No data", "—")}
    return table_rows(
        (
            format_html(
                '<a href="{}">{}</a>', reverse("attendance_team", args=[r.team.slug]), r.team.name
            ),
            r.team.cohort.name,
            r.events_counted,
            f"{round(100 * r.attended / r.expected)} %" if r.rate is not None else muted["No data"],
            f"{round(100 * r.trend.recent)} %" if r.trend.recent is not None else muted["—"],
            mark_safe("<strong>Falling</strong>") if r.falling else "No",
        )
        for r in rows
    )


def _to_take_body(events: list[Event]):
    """The rows of the events to take attendance for, built by ``table_rows``."""
    rows = []
    for event in events:
        day = dateformat.format(timezone.localtime(event.starts_at), "M j")
        if event.attendance_taken_at:
            label = format_html(
                'Taken — change<span class="visually-hidden"> attendance of {} on {}</span>',
                event.title,
                day,
            )
        else:
            label = format_html(
                'Take attendance<span class="visually-hidden"> of {} on {}</span>',
                event.title,
                day,
            )
        rows.append(
            (
                when(event),
                format_html(
                    '<a href="{}">{}</a>', reverse("event_detail", args=[event.pk]), event.title
                ),
                format_html(
                    '<a href="{}">{}</a>', reverse("attendance_take", args=[event.pk]), label
                ),
            )
        )
    return table_rows(rows, header=1)


@rule_required(rules.can_view_attendance)
def attendance_overview(request):
    """Every team's attendance and the events to take it for; computed only when the kept page
    is stale (``{% fresh %}``)."""
    cycle = _cycle_or_404()
    user = request.user

    def page() -> dict:
        rows = selectors.attendance_overview(cycle)
        to_take = selectors.events_to_take_attendance(
            user, cycle, staff=account_rules.is_program_staff(user)
        )
        return {
            "rows": rows,
            "body": _overview_body(rows),
            "falling": [r for r in rows if r.falling],
            "to_take": _to_take_body(to_take) if to_take else "",
        }

    return render(
        request,
        "events/attendance_overview.html",
        {"cycle": cycle, "page": page, "can_note": rules.can_send_attendance_note(user)},
    )


def _team(request, slug: str, **kwargs) -> Team:
    return get_object_or_404(Team.objects.select_related("cohort", "cycle"), slug=slug)


@rule_required(rules.can_view_attendance, get_object=_team)
def attendance_team(request, slug: str, obj: Team, *, note_form=None, status: int = 200):
    """The team's attendance; computed only when the kept page is stale (``{% fresh %}``), and
    always for a note shown again with its errors (a POST)."""

    def page() -> dict:
        return {
            "summary": selectors.attendance_summary_for_team(obj),
            "can_note": rules.can_send_attendance_note(request.user, obj),
        }

    context = {"team": obj, "note_form": note_form or NoteForm(), "page": page}
    return render(request, "events/attendance_team.html", context, status=status)


@require_POST
@rule_required(rules.can_send_attendance_note, get_object=_team)
def attendance_note(request, slug: str, obj: Team):
    form = NoteForm(request.POST)
    if done := form_write(
        form,
        lambda data: attendance_taking.attendance_note_send(actor=request.user, team=obj, **data),
    ):
        sent = done.value
        messages.success(request, f"Your note was sent to {sent} member{'s' if sent != 1 else ''}.")
        return redirect("attendance_team", slug=obj.slug)
    return attendance_team(request, slug=slug, note_form=form, status=400)
