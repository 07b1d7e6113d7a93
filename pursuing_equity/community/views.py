"""Pages of the community: spaces, threads, announcements, notifications, the directory and the
moderation queue. Each view checks one rule of :mod:`.rules`; writes go through :mod:`.services`."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pursuing_equity.accounts.rules import rule_required
from pursuing_equity.community import rules, selectors, services
from pursuing_equity.community.forms import (
    AnnouncementForm,
    DirectoryEntryForm,
    DirectorySearchForm,
    PreferencesForm,
    ReplyForm,
    ReportForm,
    ThreadForm,
)
from pursuing_equity.community.models import (
    Announcement,
    DirectoryEntry,
    NotificationPreference,
    Post,
    PostAttachment,
    Report,
    Space,
    Thread,
)
from pursuing_equity.core.files import private_download
from pursuing_equity.core.forms import form_write
from pursuing_equity.programs.selectors import current_cycle


def _space(request, slug, **kwargs):
    return get_object_or_404(Space.objects.select_related("cycle", "affinity_group"), slug=slug)


def _thread(request, pk, **kwargs):
    return get_object_or_404(
        Thread.objects.select_related("space__cycle", "space__affinity_group"), pk=pk
    )


def _post(request, pk, **kwargs):
    return get_object_or_404(
        Post.objects.select_related("thread__space__cycle", "thread__space__affinity_group"), pk=pk
    )


def _attachment(request, pk, **kwargs):
    return get_object_or_404(
        PostAttachment.objects.select_related(
            "post__thread__space__cycle", "post__thread__space__affinity_group"
        ),
        pk=pk,
    )


@rule_required(rules.can_view_community)
def community(request):
    """The spaces the person reads; computed only when the kept page is stale (``{% fresh %}``)."""
    cycle = current_cycle()
    if cycle is not None:
        services.spaces_ensure(cycle=cycle)

    def page() -> dict:
        return {"spaces": selectors.readable_spaces(request.user, cycle)}

    return render(request, "community/community.html", {"page": page, "cycle": cycle})


@rule_required(rules.can_read_space, get_object=_space)
def space(request, slug, obj: Space):
    form = ThreadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and (
        done := form_write(
            form,
            lambda data: services.thread_start(
                actor=request.user,
                space=obj,
                title=data["title"],
                body=data["body"],
                uploads=data["files"],
            ),
        )
    ):
        thread = done.value
        messages.success(request, "Your thread is posted.")
        return redirect("community_thread", thread.pk)
    status = 400 if form.errors else 200
    return render(
        request,
        "community/space.html",
        {"space": obj, "threads": selectors.threads_of(obj)[:100], "form": form},
        status=status,
    )


@rule_required(rules.can_read_thread, get_object=_thread)
def thread(request, pk, obj: Thread):
    form = ReplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and (
        done := form_write(
            form,
            lambda data: services.post_reply(
                actor=request.user, thread=obj, body=data["body"], uploads=data["files"]
            ),
        )
    ):
        post = done.value
        messages.success(request, "Your reply is posted.")
        return redirect(f"{request.path}#post-{post.pk}")
    prefix = f"{request.path}#"
    if request.method == "GET" and selectors.has_unread(request.user, url_prefix=prefix):
        # Reading the thread is reading what one was notified of in it (a write only then: on
        # SQLite a write transaction takes the database's lock).
        services.notifications_mark_read(actor=request.user, url_prefix=prefix)
    status = 400 if form.errors else 200
    user = request.user

    def page() -> dict:
        return {"posts": selectors.posts_of(obj), "can_moderate": rules.can_moderate(user)}

    # The posts are computed only when the kept page is stale (``{% fresh %}``); a GET's reply
    # form is unbound (the key holds the CSRF secret), a POST's is always rendered.
    return render(
        request,
        "community/thread.html",
        {"thread": obj, "space": obj.space, "page": page, "form": form},
        status=status,
    )


@rule_required(
    lambda user, a: rules.can_read_space(user, a.post.thread.space), get_object=_attachment
)
def attachment_download(request, pk, obj: PostAttachment):
    if obj.post.hidden_at is not None and not rules.can_moderate(request.user):
        raise Http404("This message was hidden.")
    return private_download(obj.file, filename=obj.original_name, content_type=obj.content_type)


@rule_required(rules.can_report_post, get_object=_post)
def post_report(request, pk, obj: Post):
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form_write(
        form, lambda data: services.post_report(actor=request.user, post=obj, reason=data["reason"])
    ):
        messages.success(request, "Thank you: program staff will look at this message.")
        return redirect("community_thread", obj.thread_id)
    status = 400 if form.errors else 200
    return render(request, "community/report.html", {"post": obj, "form": form}, status=status)


@rule_required(rules.can_moderate)
def reports(request):
    return render(request, "community/reports.html", {"reports": selectors.open_reports()})


@require_POST
@rule_required(rules.can_moderate, get_object=_post)
def post_hide(request, pk, obj: Post):
    services.post_hide(actor=request.user, post=obj, note=request.POST.get("note", ""))
    messages.success(request, "The message is hidden.")
    if request.POST.get("next") == "thread":
        return redirect("community_thread", obj.thread_id)
    return redirect("community_reports")


@require_POST
@rule_required(
    rules.can_moderate, get_object=lambda request, pk, **kw: get_object_or_404(Report, pk=pk)
)
def report_dismiss(request, pk, obj: Report):
    services.report_dismiss(actor=request.user, report=obj)
    messages.success(request, "The report is closed; the message stays visible.")
    return redirect("community_reports")


# --- announcements -----------------------------------------------------------------------------


@rule_required(rules.can_view_community)
def announcements(request):
    """The cycle's announcements for this person, read only when the kept page is stale
    (``{% fresh %}``)."""
    can_announce = rules.can_announce(request.user)

    def page() -> dict:
        cycle = current_cycle()
        if can_announce:
            qs = Announcement.objects.filter(cycle=cycle).select_related("author", "cohort")
            return {"announcements": list(qs)}
        return {"announcements": selectors.announcements_for(request.user, cycle, limit=200)}

    return render(
        request,
        "community/announcements.html",
        {"page": page, "can_announce": can_announce},
    )


@rule_required(rules.can_announce)
def announcement_create(request):
    cycle = current_cycle()
    form = AnnouncementForm(request.POST or None, cycle=cycle)
    if (
        request.method == "POST"
        and cycle is not None
        and (
            done := form_write(
                form,
                lambda data: services.announcement_publish(
                    actor=request.user,
                    cycle=cycle,
                    audience=data["audience"],
                    title=data["title"],
                    body=data["body"],
                    cohort=data["cohort"],
                    role=data["role"],
                ),
            )
        )
    ):
        messages.success(request, "The announcement is published and being emailed.")
        return redirect("announcement_detail", done.value.pk)
    status = 400 if form.errors else 200
    return render(request, "community/announcement_form.html", {"form": form}, status=status)


def _announcement(request, pk, **kwargs):
    return get_object_or_404(Announcement.objects.select_related("cycle", "author"), pk=pk)


@rule_required(selectors.can_read_announcement, get_object=_announcement)
def announcement_detail(request, pk, obj: Announcement):
    return render(request, "community/announcement.html", {"announcement": obj})


# --- notifications -----------------------------------------------------------------------------


@rule_required(rules.can_view_notifications)
def notifications(request):
    if request.method == "POST":
        services.notifications_mark_read(actor=request.user)
        messages.success(request, "All notifications are marked read.")
        return redirect("notifications")
    return render(
        request,
        "community/notifications.html",
        {"notifications": selectors.notifications_of(request.user)},
    )


@rule_required(rules.can_view_notifications)
def preferences(request):
    current = dict(
        NotificationPreference.objects.filter(user=request.user).values_list("kind", "delivery")
    )
    form = PreferencesForm(request.POST or None, current=current)
    if request.method == "POST" and form_write(
        form, lambda data: services.preferences_set(actor=request.user, choices=data)
    ):
        messages.success(request, "Your notification settings are saved.")
        return redirect("notifications")
    status = 400 if form.errors else 200
    return render(request, "community/preferences.html", {"form": form}, status=status)


# --- the directory -----------------------------------------------------------------------------


@rule_required(rules.can_view_directory)
def directory(request):
    """The participant directory, searched; the listings are computed only when the kept page is
    stale (``{% fresh %}``)."""
    form = DirectorySearchForm(request.GET or None)
    valid = form.is_valid() or not request.GET

    def page() -> dict:
        if not valid:
            return {"listings": []}
        data = form.cleaned_data if request.GET else {}
        return {
            "listings": selectors.directory(
                org_type=data.get("org_type", ""),
                region=data.get("region", ""),
                clinical_area=data.get("clinical_area", ""),
                q=(data.get("q") or "").strip(),
            )
        }

    return render(
        request,
        "community/directory.html",
        {"form": form, "page": page, "can_edit": rules.can_edit_directory_entry(request.user)},
        status=400 if form.errors else 200,
    )


@rule_required(rules.can_edit_directory_entry)
def directory_entry(request):
    entry = DirectoryEntry.objects.filter(user=request.user).first() or DirectoryEntry(
        user=request.user
    )
    form = DirectoryEntryForm(request.POST or None, instance=entry)
    if request.method == "POST" and form_write(
        form, lambda data: services.directory_entry_save(actor=request.user, **data)
    ):
        messages.success(request, "Your directory entry is saved.")
        return redirect("directory_entry")
    status = 400 if form.errors else 200
    return render(request, "community/directory_entry.html", {"form": form}, status=status)
