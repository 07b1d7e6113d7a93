"""The applicant's pages under /apply/: the open call, the multi-step draft, review and submit,
the status page, roster confirmation; and the staff page that extends one deadline."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from pursuing_equity.accounts.rules import rule_required
from pursuing_equity.applications import (
    forms,
    program,
    rules,
    selectors,
    services,
    transitions,
    workflow,
)
from pursuing_equity.applications.models import (
    Application,
    ApplicationDocument,
    RosterMember,
    TeamVideo,
)
from pursuing_equity.applications.states import State
from pursuing_equity.core.files import private_download
from pursuing_equity.core.forms import act, add_service_errors, form_write
from pursuing_equity.programs.models import Cycle

ORGANIZATION_FIELDS = ["name", "org_type", "city", "state", "size", "populations_served", "website"]


def _application(request, pk: int, **kwargs) -> Application:
    try:
        return selectors.with_everything(pk)
    except Application.DoesNotExist:
        raise Http404("No such application.") from None


def _posted(request):
    # An empty POST is still a submission (``request.POST or None`` would leave the form unbound).
    return request.POST if request.method == "POST" else None


def _files(request):
    return request.FILES if request.method == "POST" else None


def apply(request: HttpRequest) -> HttpResponse:
    """The open calls (public), and the signed-in person's applications."""
    mine = list(selectors.for_applicant(request.user)) if request.user.is_authenticated else []
    return render(
        request,
        "applications/apply.html",
        {"calls": selectors.open_calls(), "mine": [selectors.applicant_view(a) for a in mine]},
    )


@rule_required(rules.can_start_application)
def application_start(request: HttpRequest, slug: str) -> HttpResponse:
    cycle = get_object_or_404(Cycle, slug=slug)
    started = (
        selectors.for_applicant(request.user)
        .filter(cycle=cycle)
        .exclude(state=State.WITHDRAWN)
        .first()
    )
    if started is not None:
        # "Start or continue": a draft resumes at its first unfinished step, anything else
        # shows its status.
        if started.state == State.DRAFT:
            return redirect(selectors.first_step_to_do(started), started.pk)
        return redirect("application_status", started.pk)
    cohorts = selectors.open_cohorts(cycle)
    if not cohorts:
        messages.error(request, "This call is closed: every cohort's deadline has passed.")
        return redirect("apply")
    form = forms.CohortChoiceForm(_posted(request), cohorts=cohorts)
    if request.method == "POST" and (
        done := form_write(
            form,
            lambda data: services.application_start(
                actor=request.user, cycle=cycle, cohort=data["cohort"]
            ),
        )
    ):
        application = done.value
        return redirect("application_organization", application.pk)
    return render(
        request,
        "applications/start.html",
        {"cycle": cycle, "form": form},
        status=400 if form.errors else 200,
    )


def _steps_context(application: Application, current: str) -> dict:
    steps = selectors.application_steps(application)
    return {
        "application": application,
        "steps": steps,
        "current_step": current,
        "next_url": _next_url(application, steps, current),
        "deadline": selectors.deadline_of(application),
    }


def _next_url(application: Application, steps, current: str) -> str:
    keys = [s.key for s in steps]
    if current == "cohort":
        return reverse(steps[0].url_name, args=[application.pk])
    if current in keys and keys.index(current) + 1 < len(keys):
        step = steps[keys.index(current) + 1]
        return reverse(step.url_name, args=[application.pk])
    return reverse("application_review", args=[application.pk])


def _step(
    request,
    application: Application,
    *,
    key: str,
    template: str,
    form,
    save,
    extra: dict | None = None,
):
    """The shared flow of a draft step: show, validate, save through the service, or keep the
    typed input with the service's message (a stale version, a rule) next to the fields."""
    if request.method == "POST" and form_write(form, save):
        messages.success(request, "Saved. You can come back to this draft from any device.")
        return redirect(_steps_context(application, key)["next_url"])
    context = {**_steps_context(application, key), "form": form, **(extra or {})}
    return render(request, template, context, status=400 if form.errors else 200)


@rule_required(rules.can_view_application, get_object=_application)
def application_status(request: HttpRequest, pk: int, obj: Application) -> HttpResponse:
    """What the applicant may know: Received / Under review / Decision, never reviewers or scores."""
    context = {
        **_steps_context(obj, ""),
        "status": selectors.applicant_status(obj),
        "view": selectors.applicant_view(obj),
        "can_answer_offer": rules.can_respond_to_offer(request.user, obj),
        "can_edit": rules.can_edit_application(request.user, obj),
        "can_withdraw": obj.state in workflow.transition("withdraw").sources
        and rules.can_withdraw_application(request.user, obj),
        "can_extend": rules.can_extend_deadline(request.user, obj) and obj.state == State.DRAFT,
        "deadline_passed": selectors.deadline_passed(obj),
    }
    return render(request, "applications/status.html", context)


@require_POST
@rule_required(rules.can_respond_to_offer, get_object=_application)
def application_offer(request: HttpRequest, pk: int, obj: Application) -> HttpResponse:
    """The team accepts or declines the offer of the fallback cohort."""
    answer = request.POST.get("answer")
    if answer not in ("accept", "decline"):
        messages.error(request, "Choose “Accept the offer” or “Decline the offer”.")
        return redirect("application_status", obj.pk)
    return act(
        request,
        lambda: transitions.application_offer_answer(
            actor=request.user, application=obj, accept=answer == "accept"
        ),
        success=lambda _: (
            f"Thank you: you accepted the offer to join the {obj.current_cohort.name}."
            if answer == "accept"
            else "Thank you: you declined the offer. We hope to stay in touch."
        ),
        redirect_to=reverse("application_status", args=[obj.pk]),
    )


def _edit(view):
    """Draft steps: the applicant's rule, and submitted applications are read-only."""

    @rule_required(rules.can_view_application, get_object=_application)
    def wrapped(request, pk: int, obj: Application):
        if obj.state != State.DRAFT:
            messages.info(request, "This application has been submitted; it can no longer change.")
            return redirect("application_status", obj.pk)
        if not rules.can_edit_application(request.user, obj):
            raise PermissionDenied
        return view(request, pk=pk, obj=obj)

    wrapped.permission_rule = rules.can_edit_application
    return wrapped


@_edit
def application_cohort(request, pk: int, obj: Application):
    cohorts = selectors.open_cohorts(obj.cycle)
    form = forms.CohortChangeForm(
        _posted(request),
        cohorts=cohorts,
        initial={"cohort": obj.cohort_choice_id, "version": obj.version},
    )
    return _step(
        request,
        obj,
        key="cohort",
        template="applications/step_form.html",
        form=form,
        save=lambda data: services.application_cohort_choose(
            actor=request.user, application=obj, version=data["version"], cohort=data["cohort"]
        ),
        extra={"heading": "Cohort"},
    )


@_edit
def application_organization(request, pk: int, obj: Application):
    initial = {"version": obj.version}
    if obj.organization:
        initial |= {name: getattr(obj.organization, name) for name in ORGANIZATION_FIELDS}
    form = forms.ApplicationOrganizationForm(_posted(request), initial=initial)
    return _step(
        request,
        obj,
        key="organization",
        template="applications/step_form.html",
        form=form,
        save=lambda data: services.application_organization_save(
            actor=request.user,
            application=obj,
            version=data["version"],
            **{name: data[name] for name in ORGANIZATION_FIELDS},
        ),
        extra={
            "heading": "Your organization",
            "intro": "Your organization's profile is kept: the next time you apply, it is filled in for you.",
        },
    )


@_edit
def application_team(request, pk: int, obj: Application):
    data = request.POST if request.method == "POST" else None
    formset = forms.roster_formset(obj, data)
    version = forms.VersionForm(data, initial={"version": obj.version})
    team_rules = program.team_rules(obj.cohort_choice)
    errors: list[str] = []
    if request.method == "POST" and formset.is_valid() and version.is_valid():
        try:
            services.roster_save(
                actor=request.user,
                application=obj,
                version=version.cleaned_data["version"],
                members=formset.members(),
            )
        except ValidationError as error:
            errors = [
                m
                for ms in getattr(error, "message_dict", {"": error.messages}).values()
                for m in ms
            ]
        else:
            messages.success(request, "Team saved. New members have been emailed an invitation.")
            return redirect(_steps_context(obj, "team")["next_url"])
    context = {
        **_steps_context(obj, "team"),
        "formset": formset,
        "version_form": version,
        "service_errors": errors,
        "team_rules": team_rules,
        "members": list(obj.roster.all()),
    }
    failed = request.method == "POST"
    return render(request, "applications/team.html", context, status=400 if failed else 200)


def _answers_step(
    request, obj: Application, *, key: str, form_class, heading: str, intro: str = ""
):
    names = [n for n in form_class.base_fields if n != "version"]
    form = form_class(
        _posted(request),
        initial={"version": obj.version, **{n: getattr(obj, n) for n in names}},
    )
    return _step(
        request,
        obj,
        key=key,
        template="applications/step_form.html",
        form=form,
        save=lambda data: services.application_answers_save(
            actor=request.user,
            application=obj,
            version=data["version"],
            **{n: data[n] for n in names},
        ),
        extra={"heading": heading, "intro": intro},
    )


@_edit
def application_readiness(request, pk: int, obj: Application):
    return _answers_step(
        request,
        obj,
        key="readiness",
        form_class=forms.ReadinessForm,
        heading="Readiness",
        intro="We are not looking for perfectly articulated answers. You may leave a question and come back to it.",
    )


@_edit
def application_hopes(request, pk: int, obj: Application):
    return _answers_step(
        request,
        obj,
        key="hopes",
        form_class=forms.HopesForm,
        heading="What your team hopes to achieve",
    )


@_edit
def application_documents(request, pk: int, obj: Application):
    materials = program.required_letters(obj.cohort_choice)
    posted = request.POST.get("kind") if request.method == "POST" else None
    current = selectors.current_documents(obj)
    rows = []
    failed = False
    for material in materials:
        bound = posted == material.key
        form = forms.DocumentForm(
            request.POST if bound else None,
            request.FILES if bound else None,
            material=material,
            prefix=material.key,
            initial={
                "signatories": current[material.key].signatories if material.key in current else []
            },
        )
        if bound and form_write(
            form,
            lambda data, key=material.key: services.document_upload(
                actor=request.user,
                application=obj,
                kind=key,
                upload=data["file"],
                signatories=data["signatories"],
            ),
        ):
            messages.success(request, f"{material.name}: uploaded.")
            return redirect("application_documents", obj.pk)
        failed = failed or (bound and bool(form.errors))
        versions = [d for d in obj.documents.all() if d.kind == material.key]
        rows.append({"material": material, "form": form, "versions": versions})
    context = {**_steps_context(obj, "documents"), "rows": rows}
    return render(request, "applications/documents.html", context, status=400 if failed else 200)


@_edit
def application_video(request, pk: int, obj: Application):
    video_rules = program.video_rules(obj.cohort_choice)
    if video_rules is None:
        raise Http404("This cohort asks for no video.")
    latest = selectors.current_video(obj)
    initial = {}
    if latest:
        initial = {
            "source": latest.source,
            "url": latest.url,
            "required_items": latest.required_items,
            "optional_questions": latest.optional_questions,
        }
    form = forms.VideoForm(_posted(request), _files(request), rules=video_rules, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.video_add(
                actor=request.user,
                application=obj,
                required_items=data["required_items"],
                optional_questions=data["optional_questions"],
                upload=data["file"] if data["source"] == "file" else None,
                url=data["url"] if data["source"] == "link" else "",
                stated_seconds=form.stated_seconds() if data["source"] == "link" else None,
            )
        except ValidationError as error:
            if hasattr(error, "error_dict") and "duration" in error.error_dict:
                error.error_dict["duration_minutes"] = error.error_dict.pop("duration")
            add_service_errors(form, error)
        else:
            messages.success(request, "Team video saved.")
            return redirect(_steps_context(obj, "video")["next_url"])
    context = {
        **_steps_context(obj, "video"),
        "form": form,
        "rules": video_rules,
        "videos": list(obj.videos.all()),
        "video_intro": obj.cohort_choice.facts["application"]["video"],
    }
    return render(request, "applications/video.html", context, status=400 if form.errors else 200)


@rule_required(rules.can_view_application, get_object=_application)
def application_review(request: HttpRequest, pk: int, obj: Application) -> HttpResponse:
    """Everything on one page, then submit (a second click is harmless)."""
    errors: list[str] = []
    if request.method == "POST":
        if not rules.can_submit_application(request.user, obj):
            raise PermissionDenied
        try:
            transitions.application_submit(actor=request.user, application=obj)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(
                request,
                "Your application has been received. We have emailed you an acknowledgement with a copy.",
            )
            return redirect("application_status", obj.pk)
    context = {
        **_steps_context(obj, "review"),
        "letter_slots": selectors.letter_slots(obj),
        "video": selectors.current_video(obj),
        "video_rules": program.video_rules(obj.cohort_choice),
        "submit_errors": errors,
        "deadline_passed": selectors.deadline_passed(obj),
        "can_submit": obj.state == State.DRAFT and rules.can_submit_application(request.user, obj),
        "members": list(obj.roster.all()),
    }
    return render(request, "applications/review.html", context, status=400 if errors else 200)


@rule_required(rules.can_view_application, get_object=_application)
def application_withdraw(request: HttpRequest, pk: int, obj: Application) -> HttpResponse:
    form = forms.WithdrawForm(_posted(request))
    if request.method == "POST" and form_write(
        form,
        lambda data: transitions.application_transition(
            actor=request.user, application=obj, transition="withdraw"
        ),
    ):
        messages.success(request, "Your application has been withdrawn.")
        return redirect("application_status", obj.pk)
    return render(
        request,
        "applications/withdraw.html",
        {"application": obj, "form": form},
        status=400 if form.errors else 200,
    )


def _document(request, pk: int, doc: int, **kwargs) -> ApplicationDocument:
    return get_object_or_404(
        ApplicationDocument.objects.select_related("application"), pk=doc, application_id=pk
    )


@rule_required(rules.can_view_document, get_object=_document)
def application_document(request: HttpRequest, pk: int, doc: int, obj: ApplicationDocument):
    return private_download(obj.file, filename=obj.original_name, content_type="application/pdf")


def _video(request, pk: int, video: int, **kwargs) -> TeamVideo:
    return get_object_or_404(
        TeamVideo.objects.select_related("application"), pk=video, application_id=pk
    )


@rule_required(rules.can_view_video, get_object=_video)
def application_video_file(request: HttpRequest, pk: int, video: int, obj: TeamVideo):
    # The container was checked on upload (media.video_container); the browser saves, not plays.
    return private_download(
        obj.file, filename=obj.original_name or "video", content_type="application/octet-stream"
    )


def roster_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link in a roster invitation: the person confirms they are on the team."""
    member = (
        RosterMember.objects.select_related("application__organization", "application__cycle")
        .filter(token=token)
        .first()
    )
    if member is None:
        raise Http404("This confirmation link is not valid.")
    if request.method == "POST":
        member = services.roster_member_confirm(
            token=token, actor=request.user if request.user.is_authenticated else None
        )
        messages.success(request, "Thank you: your membership of the team is confirmed.")
        return redirect("application_roster_confirm", token)
    return render(request, "applications/confirm.html", {"member": member})


@rule_required(rules.can_extend_deadline, get_object=_application)
def application_extend(request: HttpRequest, pk: int, obj: Application) -> HttpResponse:
    """Staff give one draft a later deadline; ``next`` (a page of this site) is where they came
    from, the staff draft page, else the status page."""
    back = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = reverse("application_status", args=[obj.pk])
    form = forms.ExtensionForm(_posted(request))
    if request.method == "POST" and form_write(
        form,
        lambda data: services.deadline_extend(
            actor=request.user,
            application=obj,
            new_deadline=data["new_deadline"],
            reason=data["reason"],
        ),
    ):
        messages.success(
            request,
            f"Deadline extended to {form.cleaned_data['new_deadline']:%B %-d, %Y}; "
            "the extension is in the audit log.",
        )
        return redirect(back)
    return render(
        request,
        "applications/extend.html",
        {
            "application": obj,
            "form": form,
            "deadline": selectors.deadline_of(obj),
            "back": back,
        },
        status=400 if form.errors else 200,
    )
