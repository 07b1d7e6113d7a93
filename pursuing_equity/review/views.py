"""Pages of review and decision: the staff queue, one application, scoring, letters, portfolio."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from pursuing_equity.accounts.rules import rule_required
from pursuing_equity.applications import program
from pursuing_equity.applications.forms import ExtensionForm
from pursuing_equity.applications.models import Application
from pursuing_equity.applications.selectors import current_video, letter_slots
from pursuing_equity.applications.states import State
from pursuing_equity.applications.workflow import available, label_for
from pursuing_equity.core.files import private_download
from pursuing_equity.core.forms import act, form_write
from pursuing_equity.programs.selectors import current_cycle, cycle_in_view
from pursuing_equity.review import decisions, rules, selectors, services
from pursuing_equity.review.forms import (
    SEND_LETTERS,
    AssignForm,
    BatchDecisionForm,
    ConflictForm,
    DecisionForm,
    LeadersForm,
    QueueFilterForm,
    RankForm,
    ReviewForm,
)
from pursuing_equity.review.letters import DECLINE as DECLINE_LETTER
from pursuing_equity.review.models import ReviewerAssignment
from pursuing_equity.review.scoring import rubric_of
from pursuing_equity.teams import rules as team_rules
from pursuing_equity.teams.models import Team
from pursuing_equity.teams.services import leaders_required, team_leaders_name


def _application(request, pk: int, **kwargs) -> Application:
    return get_object_or_404(
        Application.objects.exclude(state=State.DRAFT).select_related("organization"), pk=pk
    )


def _team(request, slug: str, **kwargs) -> Team:
    return get_object_or_404(Team.objects.select_related("cohort", "cycle"), slug=slug)


def _draft(request, pk: int, **kwargs) -> Application:
    return get_object_or_404(Application.objects.select_related("cycle"), pk=pk)


def _letter_label(kind: str, application: Application) -> str:
    if kind.endswith("_not_selected"):
        return "Not selected, with feedback and the offer of the Learning Network"
    if kind == DECLINE_LETTER:
        return "Decline"
    return f"Acceptance to the {application.current_cohort.name}"


# --- the queue --------------------------------------------------------------------------------


@rule_required(rules.can_view_review_queue)
def review_queue(request):
    """The applications of the cycle in view, filtered, with the batch decision form; the rows,
    places and waitlists are computed only when the kept page is stale (``{% fresh %}``)."""
    in_view = cycle_in_view(request.GET, default=selectors.cycle_being_reviewed)
    cycle = in_view.cycle
    form = QueueFilterForm(request.GET or None, cycle=cycle)
    filters = form.cleaned_data if form.is_valid() else {}
    batch, status = None, 200
    if request.method == "POST" and cycle is not None:
        batch = BatchDecisionForm(
            request.POST,
            prefix="batch",
            pks=Application.objects.filter(cycle=cycle).values_list("pk", flat=True),
        )
        if batch.is_valid():
            return _batch_apply(request, batch)
        status = 400

    def page() -> dict:
        rows, drafts = [], []
        if filters.get("status") == "in_progress":
            drafts = selectors.drafts_in_progress(
                cycle=cycle,
                cohort=filters.get("cohort", ""),
                org_type=filters.get("org_type", ""),
                region=filters.get("region", ""),
            )
        else:
            rows = selectors.review_queue(
                cycle=cycle,
                cohort=filters.get("cohort", ""),
                status=filters.get("status") or "open",
                org_type=filters.get("org_type", ""),
                region=filters.get("region", ""),
                complete=filters.get("complete", ""),
                min_days=filters.get("min_days"),
            )
        return {
            "rows": rows,
            "drafts": drafts,
            "batch": batch
            or BatchDecisionForm(prefix="batch", pks=[r.application.pk for r in rows]),
            "seats": selectors.cohort_seats(cycle),
            "waitlists": selectors.waitlists(cycle),
        }

    return render(
        request,
        "review/queue.html",
        {
            "form": form,
            "cycle": cycle,
            "in_view": in_view,
            "in_progress": filters.get("status") == "in_progress",
            "page": page,
            "query": request.GET.urlencode(),
        },
        status=status,
    )


def _batch_apply(request, batch: BatchDecisionForm):
    data = batch.cleaned_data
    pks = [int(pk) for pk in data["applications"]]
    chosen = {
        a.pk: a
        for a in Application.objects.select_related("current_cohort", "organization").filter(
            pk__in=pks
        )
    }
    applications = [chosen[pk] for pk in pks if pk in chosen]
    back = f"{reverse('review_queue')}?{request.GET.urlencode()}"
    if data["decision"] == SEND_LETTERS:
        sent = 0
        for row in selectors.review_queue(cycle=applications[0].cycle, status="all", pks=pks):
            for kind in row.letters_unsent:
                decisions.letter_send(actor=request.user, application=row.application, kind=kind)
                sent += 1
        messages.success(request, f"{sent} decision letter{'s' if sent != 1 else ''} sent.")
        return redirect(back)
    result = decisions.decisions_batch(
        actor=request.user,
        applications=applications,
        decision=data["decision"],
        feedback=data.get("feedback", ""),
        reason=data.get("reason", ""),
    )
    if result.done:
        names = ", ".join(str(a.organization) for a in result.done)
        messages.success(request, f"Decided ({len(result.done)}): {names}.")
    if result.waitlisted:
        names = ", ".join(f"{a.organization} (rank {rank})" for a, rank in result.waitlisted)
        messages.warning(request, f"The cohort is full; put on the waitlist instead: {names}.")
    for application, why in result.refused:
        messages.error(request, f"{application.organization}: {why}")
    return redirect(back)


# --- one application --------------------------------------------------------------------------


def _decision_choices(user, application: Application) -> list[tuple[str, str]]:
    fallback = program.fallback_cohort_key(application.current_cohort)
    choices = []
    for t in available(user, application):
        if t.name == decisions.ACCEPT:
            choices.append((t.name, f"Accept to the {application.current_cohort.name}"))
        elif t.name == decisions.NOT_SELECTED and fallback:
            choices.append(
                (
                    t.name,
                    f"Not selected for the {application.current_cohort.name}: feedback and the "
                    f"offer of the {application.cycle.document['cohorts'][fallback]['name']}",
                )
            )
        elif t.name == decisions.WAITLIST:
            choices.append((t.name, "Put on the waitlist"))
        elif t.name == decisions.DECLINE and not fallback:
            choices.append((t.name, "Decline, with a reason"))
    return choices


def _application_page(request, obj: Application, *, status: int = 200, **forms):
    """An application as its reviewers and staff see it; computed only when the kept page is
    stale (``{% fresh %}``), and always for a form shown again with its errors (``forms``)."""
    user = request.user

    def page() -> dict:
        application = selectors.review_application(obj.pk)
        staff = rules.can_decide_application(user, application)
        assignments = selectors.current_assignments(application)
        mine = next((a for a in assignments if a.reviewer_id == user.pk), None)
        see_others = rules.can_view_other_reviews(user, application)
        reviews = [
            (a, getattr(a, "review", None))
            for a in assignments
            if see_others or a.reviewer_id == user.pk
        ]
        sent = {letter.kind: letter for letter in application.decision_letters.all()}
        letters = [
            {"kind": k, "label": _letter_label(k, application), "sent": sent.get(k)}
            for k in decisions.letters_due(application)
        ]
        context = {
            "application": application,
            "status": label_for(application.state, "staff" if staff else "reviewer"),
            "staff": staff,
            "screen": selectors.eligibility(application),
            "letter_slots": letter_slots(application),
            "video": current_video(application),
            "rubric": rubric_of(application.cycle.document, application.current_cohort.key),
            "reviews": reviews,
            "see_others": see_others,
            "summary": selectors.score_summary(application) if staff else None,
            "mine": mine,
            "can_score": rules.can_score_application(user, application),
            "clock": selectors.response_clock(application, timezone.localdate()),
            "received": selectors.received_on(application),
            "needed": services.reviewers_needed(application.current_cohort),
            "moves": list(application.cohort_moves.all()),
            "letters": letters,
        }
        if staff:
            submitted = len(selectors.submitted_reviews(application))
            context.update(
                reviews_missing=max(context["needed"] - submitted, 0),
                cohort_full=selectors.cohort_full(application.current_cohort),
                reviewers=selectors.reviewers_for(application),
                assign_form=forms.get("assign_form") or AssignForm(),
                decision_form=forms.get("decision_form")
                or DecisionForm(choices=_decision_choices(user, application)),
                rank_form=forms.get("rank_form")
                or RankForm(initial={"rank": application.waitlist_rank}),
            )
        return context

    context = {"application": obj, "page": page}
    return render(request, "review/application.html", context, status=status)


@rule_required(rules.can_view_application_for_review, get_object=_application)
def review_application(request, pk: int, obj: Application):
    return _application_page(request, obj)


@require_POST
@rule_required(rules.can_assign_reviewer, get_object=_application)
def review_assign(request, pk: int, obj: Application):
    form = AssignForm(request.POST)
    if form_write(
        form,
        lambda data: services.reviewer_assign(
            actor=request.user, application=obj, reviewer=data["reviewer"]
        ),
    ):
        messages.success(request, f"{form.cleaned_data['reviewer']} was assigned.")
        return redirect("review_application", pk=obj.pk)
    return _application_page(request, obj, assign_form=form, status=400)


def _assignment(request, pk: int, **kwargs) -> ReviewerAssignment:
    return get_object_or_404(ReviewerAssignment.objects.select_related("application"), pk=pk)


@require_POST
@rule_required(
    lambda user, assignment: rules.can_assign_reviewer(user, assignment.application),
    get_object=_assignment,
)
def review_unassign(request, pk: int, obj: ReviewerAssignment):
    return act(
        request,
        lambda: services.reviewer_unassign(actor=request.user, assignment=obj),
        success=lambda _: f"{obj.reviewer} no longer reviews this application.",
        redirect_to=reverse("review_application", args=[obj.application_id]),
    )


@require_POST
@rule_required(rules.can_decide_application, get_object=_application)
def review_decide(request, pk: int, obj: Application):
    form = DecisionForm(request.POST, choices=_decision_choices(request.user, obj))
    if form_write(
        form,
        lambda data: decisions.decision_record(
            actor=request.user,
            application=obj,
            decision=data["decision"],
            feedback=data.get("feedback", ""),
            reason=data.get("reason", ""),
            over_capacity_reason=data.get("over_capacity_reason", ""),
            reviews_override_reason=data.get("reviews_override_reason", ""),
        ),
    ):
        messages.success(request, "The decision was recorded. Send the letter below.")
        return redirect("review_application", pk=obj.pk)
    return _application_page(request, obj, decision_form=form, status=400)


@require_POST
@rule_required(rules.can_decide_application, get_object=_application)
def review_rank(request, pk: int, obj: Application):
    form = RankForm(request.POST)
    if form_write(
        form,
        lambda data: decisions.waitlist_move(
            actor=request.user, application=obj, rank=data["rank"]
        ),
    ):
        messages.success(request, "The waitlist was reordered.")
        return redirect("review_application", pk=obj.pk)
    return _application_page(request, obj, rank_form=form, status=400)


# --- drafts: reminders and extensions ---------------------------------------------------------


def _draft_page(request, application: Application, *, status: int = 200):
    application = selectors.draft(application.pk)
    row = selectors.draft_row(application)
    last = row.last_reminder
    recent = last is not None and timezone.now() - last.sent_at < datetime.timedelta(
        hours=services.REMINDER_QUIET_HOURS
    )
    return render(
        request,
        "review/draft.html",
        {
            "application": application,
            "row": row,
            "recipients": services.draft_reminder_recipients(application),
            "recent_reminder": last if recent else None,
            "reminders": list(application.draft_reminders.all()),
            "extensions": list(application.extensions.all()),
            "extension_form": ExtensionForm(),
            "back": f"{reverse('review_queue')}?"
            + urlencode({"cycle": application.cycle.slug, "status": "in_progress"}),
        },
        status=status,
    )


@rule_required(rules.can_chase_draft, get_object=_draft)
def review_draft(request, pk: int, obj: Application):
    """The staff page of one draft: what is missing, the deadline, reminders and extensions."""
    if obj.state != State.DRAFT:
        return redirect("review_application", pk=obj.pk)
    return _draft_page(request, obj)


@require_POST
@rule_required(rules.can_chase_draft, get_object=_draft)
def review_draft_remind(request, pk: int, obj: Application):
    confirm = request.POST.get("confirm_after", "")
    try:
        reminder = services.draft_remind(
            actor=request.user,
            application=obj,
            confirm_after=int(confirm) if confirm.isdigit() else None,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Reminder sent to {', '.join(reminder.recipients)}.")
    if obj.state != State.DRAFT:
        return redirect("review_application", pk=obj.pk)
    return redirect("review_draft", pk=obj.pk)


# --- scoring ----------------------------------------------------------------------------------


@rule_required(rules.can_score_application, get_object=_application)
def review_score(request, pk: int, obj: Application):
    application = selectors.review_application(obj.pk)
    assignment = next(
        a for a in selectors.current_assignments(application) if a.reviewer_id == request.user.pk
    )
    review = getattr(assignment, "review", None)
    if review is not None and review.submitted:
        messages.info(request, "You submitted this review; here it is with the others.")
        return redirect("review_application", pk=obj.pk)
    rubric = rubric_of(application.cycle.document, assignment.cohort.key)
    form = ReviewForm(
        request.POST or None,
        rubric=rubric,
        cohort=application.current_cohort,
        initial=ReviewForm.initial_from(review),
    )
    status = 200
    if request.method == "POST":
        submit = "submit" in request.POST
        if form.is_valid():
            try:
                services.review_save(
                    actor=request.user, assignment=assignment, submit=submit, **form.service_data()
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                if submit:
                    messages.success(
                        request, "Your review was submitted. You can now read the other reviews."
                    )
                    return redirect("review_application", pk=obj.pk)
                messages.success(request, "Your scores were saved as a draft.")
                return redirect("review_score", pk=obj.pk)
        status = 400
    return render(
        request,
        "review/score.html",
        {
            "application": application,
            "form": form,
            "rubric": rubric,
            "letter_slots": letter_slots(application),
            "video": current_video(application),
        },
        status=status,
    )


@rule_required(rules.can_view_application_for_review, get_object=_application)
def review_document(request, pk: int, doc: int, obj: Application):
    """A signed letter, for the staff and the reviewers of the application."""
    document = get_object_or_404(obj.documents, pk=doc)
    return private_download(
        document.file, filename=document.original_name, content_type="application/pdf"
    )


@rule_required(rules.can_view_application_for_review, get_object=_application)
def review_video(request, pk: int, video: int, obj: Application):
    """The team video's uploaded file, for the staff and the reviewers of the application."""
    upload = get_object_or_404(obj.videos.exclude(file=""), pk=video)
    return private_download(
        upload.file,
        filename=upload.original_name or "video",
        content_type="application/octet-stream",
    )


# --- reviewers: assignments and conflicts -----------------------------------------------------


def _assigned_page(request, conflict_form=None, status=200):
    """The reviewer's assignments and conflicts, computed only when the kept page is stale
    (``{% fresh %}``)."""
    user = request.user

    def page() -> dict:
        return {
            "assignments": selectors.assignments_of(user),
            "conflicts": user.conflicts_of_interest.select_related("organization"),
            "conflict_form": conflict_form
            or ConflictForm(organizations=selectors.conflict_organizations(user, current_cycle())),
        }

    return render(request, "review/assigned.html", {"page": page}, status=status)


@rule_required(rules.can_view_assigned_reviews)
def review_assigned(request):
    return _assigned_page(request)


@require_POST
@rule_required(rules.can_declare_conflict)
def review_conflict_declare(request):
    from pursuing_equity.accounts.models import Organization

    form = ConflictForm(request.POST, organizations=Organization.objects.all())
    if form_write(
        form,
        lambda data: services.conflict_declare(
            actor=request.user, organization=data["organization"], note=data["note"]
        ),
    ):
        messages.success(
            request,
            f"Your conflict of interest with {form.cleaned_data['organization']} was recorded; "
            "you will not be assigned its applications.",
        )
        return redirect("review_assigned")
    return _assigned_page(request, conflict_form=form, status=400)


# --- letters ----------------------------------------------------------------------------------


@rule_required(rules.can_send_decision_letter, get_object=_application)
def review_letter(request, pk: int, kind: str, obj: Application):
    application = selectors.review_application(obj.pk)
    if kind not in decisions.letters_due(application):
        raise Http404("No decision calls for this letter.")
    sent = next((x for x in application.decision_letters.all() if x.kind == kind), None)
    if request.method == "POST" and sent is None:
        return act(
            request,
            lambda: decisions.letter_send(actor=request.user, application=application, kind=kind),
            success="The letter was sent.",
            redirect_to=reverse("review_application", args=[obj.pk]),
        )
    letter = sent or decisions.letter_compose(application, kind)
    return render(
        request,
        "review/letter.html",
        {
            "application": application,
            "kind": kind,
            "label": _letter_label(kind, application),
            "letter": letter,
            "sent": sent,
            "recipients": sent.recipients if sent else decisions.letter_recipients(application),
        },
    )


# --- portfolio --------------------------------------------------------------------------------


@rule_required(rules.can_view_portfolio)
def review_portfolio(request):
    in_view = cycle_in_view(request.GET, default=selectors.cycle_being_reviewed)
    cycle = in_view.cycle
    form = QueueFilterForm(request.GET or None, cycle=cycle)
    cohort = form.cleaned_data.get("cohort", "") if form.is_valid() else ""

    def page() -> dict:
        return {"tables": selectors.portfolio(cycle, cohort) if cycle else []}

    context = {"form": form, "cycle": cycle, "in_view": in_view, "page": page}
    return render(request, "review/portfolio.html", context)


# --- a team's leaders -------------------------------------------------------------------------


@rule_required(team_rules.can_name_team_leaders, get_object=_team)
def team_leaders(request, slug: str, obj: Team):
    _, alternates = leaders_required(obj)
    form = LeadersForm(request.POST or None, team=obj, alternate_required=bool(alternates))
    status = 200
    if request.method == "POST":
        if form_write(
            form,
            lambda data: team_leaders_name(
                actor=request.user,
                team=obj,
                senior_leader=data["senior_leader"],
                alternate=data.get("alternate"),
            ),
        ):
            messages.success(request, "The team's leaders were saved.")
            return redirect("team_leaders", slug=obj.slug)
        status = 400
    members = obj.members.select_related("user").order_by("part", "user__full_name")
    return render(
        request,
        "review/team_leaders.html",
        {"team": obj, "form": form, "members": members, "alternate_required": bool(alternates)},
        status=status,
    )
