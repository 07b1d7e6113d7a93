"""Writes of the community: spaces, threads, replies, attachments, notifications, announcements,
the directory and moderation. Each is keyword-only, runs in a transaction, calls ``full_clean()``
before saving and writes an audit entry (notifications, being the product of another write, are
audited by that write)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from pursuing_equity.accounts.models import User
from pursuing_equity.community import rules
from pursuing_equity.community.models import (
    Announcement,
    Delivery,
    DirectoryEntry,
    Kind,
    Notification,
    NotificationPreference,
    Post,
    PostAttachment,
    Report,
    Space,
    Thread,
)
from pursuing_equity.core.email import send_templated
from pursuing_equity.core.services import audit_record
from pursuing_equity.core.urls import absolute_url
from pursuing_equity.programs.models import Cohort, Cycle
from pursuing_equity.reporting.files import AttachmentError, check_attachment
from pursuing_equity.teams.groups import affinity_groups_ensure
from pursuing_equity.teams.membership import Scope, sharing_scope
from pursuing_equity.teams.models import SmallCohort

MAX_ATTACHMENTS_PER_POST = 5
#: ``@someone@example.org`` mentions a person by their email address.
MENTION = re.compile(r"(?<![\w@])@([\w.+-]+@[\w-]+(?:\.[\w-]+)+)")
DEFAULT_DELIVERY = Delivery.IMMEDIATELY


# --- spaces ------------------------------------------------------------------------------------


@transaction.atomic
def spaces_ensure(*, cycle: Cycle) -> list[Space]:
    """The cycle's spaces, created the first time they are needed: the whole network; each cohort
    whose sharing reaches the whole cohort, else each of its small cohorts; each affinity group;
    and the leadership workgroup."""
    wanted: list[dict] = [{"kind": Space.Kind.NETWORK, "name": "Whole network"}]
    sharing = (cycle.document.get("measures") or {}).get("sharing")
    small = defaultdict(list)
    for sc in SmallCohort.objects.filter(cycle=cycle).order_by("name"):
        small[sc.cohort_id].append(sc)
    for cohort in Cohort.objects.filter(cycle=cycle).order_by("position"):
        if sharing_scope(sharing, cohort.key) == Scope.SMALL_COHORT:
            wanted += [
                {"kind": Space.Kind.SMALL_COHORT, "small_cohort": sc, "name": sc.name}
                for sc in small[cohort.pk]
            ]
        else:
            wanted.append({"kind": Space.Kind.COHORT, "cohort": cohort, "name": cohort.name})
    wanted += [
        {"kind": Space.Kind.AFFINITY, "affinity_group": g, "name": f"Affinity group: {g.name}"}
        for g in affinity_groups_ensure(cycle=cycle)
    ]
    if cycle.document.get("leadership_workgroup"):
        wanted.append({"kind": Space.Kind.WORKGROUP, "name": "Leadership workgroup"})

    existing = {_space_key(s): s for s in Space.objects.filter(cycle=cycle)}
    spaces = []
    for position, facts in enumerate(wanted):
        space = Space(cycle=cycle, position=position, **facts)
        found = existing.get(_space_key(space))
        if found is None:
            space.slug = _free_slug(f"{cycle.slug}-{slugify(facts['name'])}")
            space.full_clean()
            space.save()
            audit_record(actor=None, actor_label="community", action="space.create", obj=space)
            found = space
        spaces.append(found)
    return spaces


def _space_key(space: Space) -> tuple:
    return (space.kind, space.cohort_id, space.small_cohort_id, space.affinity_group_id)


def _free_slug(base: str) -> str:
    base = base[:110].strip("-") or "space"
    slug, n = base, 1
    while Space.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


# --- threads, replies, attachments -------------------------------------------------------------


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write a message."})
    if len(body) > 20000:
        raise ValidationError({"body": "A message can be at most 20,000 characters."})
    return body


@transaction.atomic
def thread_start(
    *,
    actor: User,
    space: Space,
    title: str,
    body: str,
    uploads: Sequence[UploadedFile] = (),
) -> Thread:
    """Open a thread in ``space`` with its first post (and files)."""
    if not rules.can_post_in_space(actor, space):
        raise ValidationError("You cannot write in this space.")
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "Give the thread a title."})
    body = _clean_body(body)
    now = timezone.now()
    thread = Thread(space=space, title=title, author=actor, last_post_at=now)
    thread.full_clean()
    thread.save()
    post = _post_create(actor=actor, thread=thread, body=body, uploads=uploads)
    audit_record(actor=actor, action="thread.start", obj=thread, after={"post": post.pk})
    _notify_mentions(post)
    return thread


@transaction.atomic
def post_reply(
    *, actor: User, thread: Thread, body: str, uploads: Sequence[UploadedFile] = ()
) -> Post:
    """Reply in ``thread``; the people who wrote in it before hear of it, the mentioned too."""
    if not rules.can_post_in_space(actor, thread.space):
        raise ValidationError("You cannot write in this space.")
    body = _clean_body(body)
    post = _post_create(actor=actor, thread=thread, body=body, uploads=uploads)
    thread.last_post_at = post.created_at
    thread.save(update_fields=["last_post_at"])
    audit_record(actor=actor, action="post.reply", obj=post, after={"thread": thread.pk})
    mentioned = _notify_mentions(post)
    earlier = set(
        thread.posts.exclude(pk=post.pk).exclude(author=None).values_list("author_id", flat=True)
    )
    who = actor.display_name
    for person in User.objects.filter(pk__in=earlier - mentioned - {actor.pk}):
        if rules.can_read_space(person, thread.space):
            notify(
                recipient=person,
                kind=Kind.REPLY,
                text=f"{who} replied in “{thread.title}”",
                url=_post_url(post),
            )
    return post


def _post_create(*, actor: User, thread: Thread, body: str, uploads) -> Post:
    uploads = [u for u in uploads if u]
    if len(uploads) > MAX_ATTACHMENTS_PER_POST:
        raise ValidationError(
            {"files": f"Attach at most {MAX_ATTACHMENTS_PER_POST} files to one message."}
        )
    post = Post(thread=thread, author=actor, body=body)
    post.full_clean()
    post.save()
    for upload in uploads:
        try:
            kind = check_attachment(upload.name, upload.size, upload)
        except AttachmentError as error:
            raise ValidationError({"files": f"{upload.name}: {error}"}) from None
        attachment = PostAttachment(
            post=post,
            original_name=upload.name[:255],
            content_type=kind.content_type,
            size=upload.size,
        )
        attachment.file.save(upload.name, upload, save=False)
        attachment.full_clean()
        attachment.save()
    return post


def _post_url(post: Post) -> str:
    return reverse("community_thread", args=[post.thread_id]) + f"#post-{post.pk}"


def _notify_mentions(post: Post) -> set[int]:
    """Notify each person mentioned who can read the space (others silently: a mention must not
    tell the writer who is in a private group). Returns their ids."""
    emails = {m.lower() for m in MENTION.findall(post.body)}
    if not emails:
        return set()
    notified = set()
    space = post.thread.space
    for person in User.objects.filter(email__in=emails).exclude(pk=post.author_id):
        if rules.can_read_space(person, space):
            notify(
                recipient=person,
                kind=Kind.MENTION,
                text=f"{post.author.display_name} mentioned you in “{post.thread.title}”",
                url=_post_url(post),
            )
            notified.add(person.pk)
    return notified


# --- notifications -----------------------------------------------------------------------------


def delivery_for(user: User, kind: str) -> str:
    pref = NotificationPreference.objects.filter(user=user, kind=kind).first()
    return pref.delivery if pref else DEFAULT_DELIVERY


def notify(
    *, recipient: User, kind: str, text: str, url: str, key: str = ""
) -> Notification | None:
    """Tell ``recipient`` in the app, and by email now or in the daily digest, as they chose
    (nothing when the kind is off). ``key`` makes it once only (None when it was sent before)."""
    delivery = delivery_for(recipient, kind)
    if delivery == Delivery.OFF:
        return None
    if key and Notification.objects.filter(recipient=recipient, key=key).exists():
        return None
    notification = Notification(recipient=recipient, kind=kind, text=text[:300], url=url, key=key)
    notification.full_clean()
    try:
        with transaction.atomic():
            notification.save()
    except IntegrityError:
        return None
    if delivery == Delivery.IMMEDIATELY:
        send_templated(
            template_prefix="community/email/notification",
            context={"person": recipient, "notification": notification, "link": absolute_url(url)},
            to=[recipient.email],
        )
        notification.digested_at = timezone.now()
        notification.save(update_fields=["digested_at"])
    return notification


@transaction.atomic
def preferences_set(*, actor: User, choices: Mapping[str, str]) -> None:
    """The person's own delivery per kind (``choices``: kind → delivery)."""
    before, after = {}, {}
    for kind, delivery in choices.items():
        if kind not in Kind.values:
            raise ValidationError(f"“{kind}” is not a kind of notification.")
        if delivery not in Delivery.values:
            raise ValidationError({kind: "Choose immediately, daily digest or off."})
        pref = NotificationPreference.objects.filter(user=actor, kind=kind).first()
        before[kind] = pref.delivery if pref else DEFAULT_DELIVERY
        pref = pref or NotificationPreference(user=actor, kind=kind)
        pref.delivery = delivery
        pref.full_clean()
        pref.save()
        after[kind] = delivery
    audit_record(
        actor=actor, action="notification.preferences", obj=actor, before=before, after=after
    )


@transaction.atomic
def notifications_mark_read(
    *, actor: User, ids: Iterable[int] | None = None, url_prefix: str = ""
) -> int:
    """Mark the person's notifications read: all, those of ``ids``, or those leading to a page
    under ``url_prefix`` (the thread they just opened)."""
    qs = Notification.objects.filter(recipient=actor, read_at=None)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    if url_prefix:
        qs = qs.filter(url__startswith=url_prefix)
    count = qs.update(read_at=timezone.now())
    if count:
        audit_record(actor=actor, action="notification.read", obj=actor, after={"count": count})
    return count


@transaction.atomic
def digest_send() -> int:
    """Email each person who chose the daily digest what reached them since the last one (run
    daily by ``manage.py send_community_digest``). Returns how many people were written to."""
    pending = defaultdict(list)
    for n in (
        Notification.objects.filter(digested_at=None)
        .select_related("recipient")
        .order_by("recipient_id", "created_at")
    ):
        pending[n.recipient].append(n)
    sent = 0
    for person, items in pending.items():
        if person.email and person.is_active:
            send_templated(
                template_prefix="community/email/digest",
                context={
                    "person": person,
                    "items": [(n.text, absolute_url(n.url)) for n in items],
                    "list_link": absolute_url(reverse("notifications")),
                },
                to=[person.email],
            )
            sent += 1
    Notification.objects.filter(pk__in=[n.pk for ns in pending.values() for n in ns]).update(
        digested_at=timezone.now()
    )
    if sent:
        audit_record(
            actor=None,
            actor_label="scheduler",
            action="notification.digest",
            after={"people": sent},
        )
    return sent


def falling_attendance_notify(*, cycle: Cycle) -> int:
    """Notify the coach (1:1 and small cohort) of each team whose attendance is falling, once per
    falling stretch (keyed by the number of events counted). Returns how many were notified."""
    from pursuing_equity.events.selectors import attendance_overview
    from pursuing_equity.teams.membership import membership_of

    count = 0
    for row in attendance_overview(cycle):
        if not row.falling:
            continue
        team = row.team
        coaches = User.objects.filter(
            Q(pk=team.coach_id)
            | Q(pk__in=SmallCohort.objects.filter(pk=team.small_cohort_id).values("coach"))
        )
        for coach in coaches:
            if not membership_of(coach).is_coach(team):
                continue
            if notify(
                recipient=coach,
                kind=Kind.ATTENDANCE,
                text=f"{team.name}: attendance is falling",
                url=reverse("attendance_team", args=[team.slug]),
                key=f"attendance-falling:{team.pk}:{row.events_counted}",
            ):
                count += 1
    return count


# --- announcements -----------------------------------------------------------------------------


def announcement_recipients(announcement: Announcement) -> list[User]:
    """Who an announcement is for: everyone (participants, faculty and staff of the cycle), the
    members of a cohort's teams, or the holders of a role."""
    people = User.objects.filter(is_active=True)
    if announcement.audience == Announcement.Audience.COHORT:
        people = people.filter(
            team_memberships__team__cycle=announcement.cycle,
            team_memberships__team__cohort=announcement.cohort,
        )
    elif announcement.audience == Announcement.Audience.ROLE:
        people = people.filter(role_assignments__role=announcement.role)
    else:
        people = people.filter(
            Q(team_memberships__team__cycle=announcement.cycle)
            | Q(role_assignments__role__in=["program_staff", "faculty"])
        )
    return list(people.distinct().order_by("pk"))


@transaction.atomic
def announcement_publish(
    *,
    actor: User,
    cycle: Cycle,
    audience: str,
    title: str,
    body: str,
    cohort: Cohort | None = None,
    role: str = "",
) -> Announcement:
    """Publish an announcement on its audience's homes and email it to each of them."""
    if not rules.can_announce(actor):
        raise ValidationError("Only program staff make announcements.")
    if audience == Announcement.Audience.COHORT and cohort is None:
        raise ValidationError({"cohort": "Choose the cohort the announcement is for."})
    if audience == Announcement.Audience.ROLE and not role:
        raise ValidationError({"role": "Choose the role the announcement is for."})
    if cohort is not None and cohort.cycle_id != cycle.pk:
        raise ValidationError({"cohort": "Choose a cohort of this program cycle."})
    announcement = Announcement(
        cycle=cycle,
        author=actor,
        audience=audience,
        cohort=cohort if audience == Announcement.Audience.COHORT else None,
        role=role if audience == Announcement.Audience.ROLE else "",
        title=(title or "").strip(),
        body=(body or "").strip(),
    )
    announcement.full_clean()
    announcement.save()
    people = announcement_recipients(announcement)
    send_templated(
        template_prefix="community/email/announcement",
        context={
            "announcement": announcement,
            "link": absolute_url(reverse("announcement_detail", args=[announcement.pk])),
        },
        to=[p.email for p in people],
        one_each=True,
    )
    audit_record(
        actor=actor,
        action="announcement.publish",
        obj=announcement,
        after={"audience": audience, "recipients": len(people)},
    )
    return announcement


# --- directory ---------------------------------------------------------------------------------


DIRECTORY_FIELDS = (
    "show_name",
    "show_organization",
    "show_role",
    "show_pronouns",
    "clinical_focus",
    "show_clinical_focus",
)


@transaction.atomic
def directory_entry_save(*, actor: User, **fields) -> DirectoryEntry:
    """The person's own consent to each directory field (nothing shown without a yes)."""
    unknown = set(fields) - set(DIRECTORY_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown directory fields: {', '.join(sorted(unknown))}.")
    entry = DirectoryEntry.objects.filter(user=actor).first() or DirectoryEntry(user=actor)
    before = {f: getattr(entry, f) for f in DIRECTORY_FIELDS}
    for name, value in fields.items():
        setattr(entry, name, value)
    if not entry.show_name:
        # Not listed: no other field may be shown.
        entry.show_organization = entry.show_role = entry.show_pronouns = False
        entry.show_clinical_focus = False
    entry.full_clean()
    entry.save()
    audit_record(
        actor=actor,
        action="directory.consent",
        obj=actor,
        before=before,
        after={f: getattr(entry, f) for f in DIRECTORY_FIELDS},
    )
    return entry


# --- moderation --------------------------------------------------------------------------------


@transaction.atomic
def post_report(*, actor: User, post: Post, reason: str) -> Report:
    """Ask program staff to look at ``post``."""
    if not rules.can_report_post(actor, post):
        raise ValidationError("You cannot report this message.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say what is wrong with the message."})
    if Report.objects.filter(post=post, reporter=actor).exists():
        raise ValidationError("You already reported this message; program staff will look at it.")
    report = Report(post=post, reporter=actor, reason=reason[:2000])
    report.full_clean()
    report.save()
    audit_record(
        actor=actor, action="post.report", obj=post, after={"report": report.pk}, note=reason[:1000]
    )
    return report


@transaction.atomic
def post_hide(*, actor: User, post: Post, note: str = "") -> Post:
    """Hide ``post`` from its space (staff); its open reports are resolved."""
    if not rules.can_moderate(actor):
        raise ValidationError("Only program staff hide messages.")
    if post.hidden_at is None:
        post.hidden_at = timezone.now()
        post.hidden_by = actor
        post.save(update_fields=["hidden_at", "hidden_by"])
    resolved = post.reports.filter(resolved_at=None).update(resolved_at=timezone.now())
    audit_record(
        actor=actor,
        action="post.hide",
        obj=post,
        after={"hidden": True, "reports_resolved": resolved},
        note=note[:1000],
    )
    return post


@transaction.atomic
def report_dismiss(*, actor: User, report: Report) -> Report:
    """Leave the post visible and close the report (staff)."""
    if not rules.can_moderate(actor):
        raise ValidationError("Only program staff close reports.")
    report.resolved_at = timezone.now()
    report.save(update_fields=["resolved_at"])
    audit_record(actor=actor, action="report.dismiss", obj=report.post, after={"report": report.pk})
    return report
