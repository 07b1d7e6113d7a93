"""The program page (the current cycle as the program file describes it; public), the
informational call's page (public: registration, FAQ, self-check) and its staff page."""

import os

from allauth.core import ratelimit
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from pursuing_equity.accounts.rules import can_manage_program, rule_required
from pursuing_equity.programs import call as call_facts
from pursuing_equity.programs import services
from pursuing_equity.programs.forms import CallLinksForm, CallRegistrationForm, SelfCheckForm
from pursuing_equity.programs.models import CallLinks, Cycle
from pursuing_equity.programs.rendered import program_body
from pursuing_equity.programs.selectors import current_cycle, program_page

#: allauth's rate limiter (``ACCOUNT_RATE_LIMITS``), as for the sign-in form: per client address.
CALL_REGISTER_ACTION = "call_register"


def program(request: HttpRequest) -> HttpResponse:
    cycle = current_cycle()
    if cycle is None:
        return render(
            request,
            "programs/no_program.html",
            {"program_file": os.path.relpath(settings.PE_PROGRAM_FILE, settings.BASE_DIR)},
        )
    # The home page leads with the open call, if any, beside the running program.
    return _render(request, cycle, lead_with_call=True)


def program_detail(request: HttpRequest, slug: str) -> HttpResponse:
    cycle = Cycle.objects.filter(slug=slug).first()
    if cycle is None:
        raise Http404("No such program cycle.")
    return _render(request, cycle)


def _render(request: HttpRequest, cycle: Cycle, *, lead_with_call: bool = False) -> HttpResponse:
    """The page is kept per reader until the data change (``{% fresh %}``); its body, the same
    for every reader, is kept per content besides (:mod:`.rendered`)."""

    def page() -> dict:
        shown = program_page(cycle)
        return {"page": shown, "body": program_body(shown)}

    return render(
        request,
        "programs/program_detail.html",
        {
            "cycle": cycle,
            "page": page,
            "lead_with_call": lead_with_call,
            # The day the calendars mark and the open calls start from (tests move it).
            "today": timezone.localdate(),
        },
    )


# --- the informational call ------------------------------------------------------------------


def call(request: HttpRequest, slug: str) -> HttpResponse:
    """The informational call: its time in the program's zone and others, the registration form,
    the join link's and the recording's state, the FAQ and the self-check (a GET form)."""
    cycle = get_object_or_404(Cycle, slug=slug)
    document = cycle.document
    status = 200
    form = CallRegistrationForm(request.POST or None)
    if request.method == "POST":
        if not ratelimit.consume(request, action=CALL_REGISTER_ACTION):
            form.add_error(
                None,
                "Too many registrations from your network in the last hour. Please try again "
                f"later, or email {document['contact']['email']}.",
            )
            status = 429
        elif form.is_valid():
            try:
                registration, created = services.call_register(cycle=cycle, **form.cleaned_data)
            except ValidationError as error:
                for field, problems in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, problems)
            else:
                if created:
                    messages.success(
                        request,
                        f"You are registered. We emailed the call's details to {registration.email}.",
                    )
                else:
                    messages.info(
                        request,
                        f"{registration.email} is already registered for this call; we did not "
                        "send the details again. Email us if they did not arrive.",
                    )
                return redirect(f"{request.path}#register")
        if status == 200:
            status = 400

    def page() -> dict:
        questions = call_facts.questions(document)
        check_form = (
            SelfCheckForm(request.GET, questions=questions, prefix="check")
            if "check-submitted" in request.GET
            else SelfCheckForm(questions=questions, prefix="check")
        )
        result = (
            call_facts.self_check(document, check_form.answers())
            if check_form.is_bound and check_form.is_valid()
            else None
        )
        times = call_facts.call_times(document)
        cohorts = {c.key: c for c in cycle.cohorts.all()} if result and result.cohort_key else {}
        return {
            "doc": document,
            "call": times,
            "over": times.is_over(timezone.now()),
            "links": CallLinks.objects.filter(cycle=cycle).first(),
            "form": form,
            "check_form": check_form,
            "result": result,
            "suggested": cohorts.get(result.cohort_key) if cohorts else None,
            "faq": document.get("faq", {}).get("questions", []),
        }

    # The page (the self-check's answer included: it is a GET) is computed only when the kept
    # one is stale (``{% fresh %}``); the answer to a registration is always rendered.
    return render(
        request,
        "programs/call.html",
        {"cycle": cycle, "call_name": document["informational_call"]["name"], "page": page},
        status=status,
    )


def _cycle(request: HttpRequest, slug: str) -> Cycle:
    return get_object_or_404(Cycle, slug=slug)


@rule_required(can_manage_program, get_object=_cycle)
def call_staff(request: HttpRequest, slug: str, obj: Cycle) -> HttpResponse:
    """Staff add the link to join the call and, after it, the recording; and see who registered."""
    links = CallLinks.objects.filter(cycle=obj).first()
    form = CallLinksForm(request.POST or None, instance=links)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                _, emailed = services.call_links_save(
                    actor=request.user, cycle=obj, **form.cleaned_data
                )
            except ValidationError as error:
                for field, problems in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, problems)
            else:
                note = (
                    f" The link to join was emailed to {emailed} registered "
                    f"{'person' if emailed == 1 else 'people'}."
                    if emailed
                    else ""
                )
                messages.success(request, f"The call's links are saved.{note}")
                return redirect("call_staff", slug=obj.slug)
        status = 400
    return render(
        request,
        "programs/call_staff.html",
        {
            "cycle": obj,
            "call": call_facts.call_times(obj.document),
            "form": form,
            "registrations": list(obj.call_registrations.all()),
        },
        status=status,
    )
