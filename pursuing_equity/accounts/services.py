"""Writes about people, organizations and roles. Each runs in a transaction and is audited."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.text import slugify

from pursuing_equity.accounts.models import Organization, Role, RoleAssignment, User
from pursuing_equity.core.email import send_templated
from pursuing_equity.core.services import audit_record, model_snapshot
from pursuing_equity.core.urls import absolute_url

ORGANIZATION_FIELDS = [
    "name",
    "org_type",
    "city",
    "state",
    "census_region",
    "size",
    "populations_served",
    "website",
]
EDITABLE_ORGANIZATION_FIELDS = frozenset(ORGANIZATION_FIELDS) - {"census_region"}


def _unique_slug(name: str, *, exclude_pk: int | None = None) -> str:
    """A slug for ``name`` that no other organization has: ``name``, ``name-2``, ``name-3`` …"""
    base = slugify(name)[:190] or "organization"
    taken = set(
        Organization.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


@transaction.atomic
def organization_create(
    *,
    actor: User | None,
    name: str,
    org_type: str,
    state: str,
    size: str,
    populations_served: Iterable[str],
    city: str = "",
    website: str = "",
) -> Organization:
    """Create an organization with a unique slug; its census region follows from the state."""
    organization = Organization(
        name=name.strip(),
        slug=_unique_slug(name),
        org_type=org_type,
        state=state,
        size=size,
        populations_served=list(populations_served),
        city=city.strip(),
        website=website.strip(),
    )
    organization.full_clean()
    organization.save()
    audit_record(
        actor=actor,
        action="organization.create",
        obj=organization,
        after=model_snapshot(organization, ORGANIZATION_FIELDS),
    )
    return organization


@transaction.atomic
def organization_update(
    *, actor: User | None, organization: Organization, **fields: Any
) -> Organization:
    """Change an organization's facts. The slug stays, so links people saved keep working."""
    unknown = set(fields) - EDITABLE_ORGANIZATION_FIELDS
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    before = model_snapshot(organization, ORGANIZATION_FIELDS)
    for name, value in fields.items():
        setattr(organization, name, list(value) if name == "populations_served" else value)
    organization.full_clean()
    organization.save()
    after = model_snapshot(organization, ORGANIZATION_FIELDS)
    if after != before:
        audit_record(
            actor=actor, action="organization.update", obj=organization, before=before, after=after
        )
    return organization


#: What other apps undo when a role is taken away: accounts sits below them and imports none, so
#: they register here from their ``AppConfig.ready()`` (teams: the person's team memberships at the
#: organization, and a coach's teams). Each is called in role_revoke's transaction with the actor,
#: the person, the role and the organization (None for program-wide roles).
RevokeEffect = Callable[..., None]
_revoke_effects: list[RevokeEffect] = []


def role_revoke_effect_register(effect: RevokeEffect) -> None:
    """Run ``effect`` after every role_revoke (registering the same one twice has no effect)."""
    if effect not in _revoke_effects:
        _revoke_effects.append(effect)


def _forget_cached_roles(user: User) -> None:
    # rules._assignments caches roles on the user object for the request; a change makes it stale.
    user.__dict__.pop("_pe_role_cache", None)


@transaction.atomic
def role_assign(
    *, actor: User | None, user: User, role: str, organization: Organization | None = None
) -> RoleAssignment:
    """Give ``user`` a role; team roles need the organization, program-wide roles must not have one."""
    assignment = RoleAssignment(user=user, role=role, organization=organization)
    assignment.full_clean()
    assignment.save()
    _forget_cached_roles(user)
    audit_record(
        actor=actor,
        action="role.assign",
        obj=assignment,
        after={
            "user": user.email,
            "role": role,
            "organization": organization.slug if organization else None,
        },
    )
    return assignment


@transaction.atomic
def role_revoke(*, actor: User | None, assignment: RoleAssignment) -> None:
    """Take a role away. The audit entry keeps who held it, and where; the registered effects
    (:func:`role_revoke_effect_register`) take away what the role gave, so that it takes effect
    on the person's next request.

    The last program staff role cannot be removed: no one would be left to give it back.
    """
    if (
        assignment.role == Role.PROGRAM_STAFF
        and not RoleAssignment.objects.filter(role=Role.PROGRAM_STAFF)
        .exclude(pk=assignment.pk)
        .exists()
    ):
        raise ValidationError(
            "This is the last program staff role; give someone else the role first."
        )
    before = {
        "user": assignment.user.email,
        "role": assignment.role,
        "organization": assignment.organization.slug if assignment.organization_id else None,
    }
    audit_record(actor=actor, action="role.revoke", obj=assignment, before=before)
    assignment.delete()
    _forget_cached_roles(assignment.user)
    for effect in _revoke_effects:
        effect(
            actor=actor,
            user=assignment.user,
            role=assignment.role,
            organization=assignment.organization,
        )


@transaction.atomic
def person_invite(
    *,
    actor: User | None,
    email: str,
    full_name: str,
    role: str,
    organization: Organization | None = None,
) -> User:
    """Create an account for someone, give them a role and email them a link to set a password.

    The account has no usable password until the person follows the link, which is allauth's
    password-reset link (valid for ``PASSWORD_RESET_TIMEOUT``). Setting the password proves the
    address, so it is then marked verified (see ``signals.verify_email_on_password_reset``).
    """
    from allauth.account import app_settings as allauth_settings
    from allauth.account.models import EmailAddress
    from allauth.account.utils import user_pk_to_url_str

    email = User.objects.normalize_email(email).strip().lower()
    if (
        User.objects.filter(email__iexact=email).exists()
        or EmailAddress.objects.filter(email__iexact=email).exists()
    ):
        raise ValidationError(
            {
                "email": "Someone already has an account with this email address; assign them a role instead."
            }
        )
    user = User(email=email, full_name=full_name.strip())
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
    assignment = role_assign(actor=actor, user=user, role=role, organization=organization)
    audit_record(
        actor=actor,
        action="person.invite",
        obj=user,
        after={
            "email": email,
            "full_name": user.full_name,
            "role": role,
            "organization": assignment.organization_id,
        },
    )

    token = allauth_settings.PASSWORD_RESET_TOKEN_GENERATOR().make_token(user)
    path = reverse(
        "account_reset_password_from_key", kwargs={"uidb36": user_pk_to_url_str(user), "key": token}
    )
    context = {
        "user": user,
        "role_label": Role(role).label,
        "organization": organization,
        "inviter": actor.display_name
        if actor is not None and actor.is_authenticated
        else "The program staff",
        "set_password_url": absolute_url(path),
        "login_url": absolute_url(reverse("account_login")),
        "reset_url": absolute_url(reverse("account_reset_password")),
        "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    }
    send_templated(template_prefix="accounts/email/invite", context=context, to=[email])
    return user


@transaction.atomic
def profile_update(*, actor: User, person: User, full_name: str, pronouns: str = "") -> User:
    """Set a person's name and pronouns (at sign-up, and from their account page)."""
    if actor.pk != person.pk:
        raise ValidationError("People change only their own name and pronouns.")
    person = User.objects.select_for_update().get(pk=person.pk)
    before = model_snapshot(person, ["full_name", "pronouns"])
    person.full_name, person.pronouns = full_name.strip(), pronouns.strip()
    if not person.full_name:
        raise ValidationError({"full_name": "Enter your name."})
    person.full_clean(exclude=["password"])
    person.save(update_fields=["full_name", "pronouns"])
    after = model_snapshot(person, ["full_name", "pronouns"])
    if after != before:
        audit_record(actor=actor, action="person.profile", obj=person, before=before, after=after)
    return person


@transaction.atomic
def person_create(
    *,
    actor: User | None,
    email: str,
    full_name: str,
    password_hash: str,
    pronouns: str = "",
    title: str = "",
    actor_label: str | None = None,
    note: str = "",
) -> User:
    """Create a person who can sign in at once: a verified, primary email and a password.

    ``password_hash`` is already hashed (``make_password``), so that a caller creating many
    people — the demo — hashes one password once. People who join for real are invited
    (:func:`person_invite`) and choose their own password instead.
    """
    from allauth.account.models import EmailAddress

    user = User(email=email, full_name=full_name, pronouns=pronouns, title=title)
    user.password = password_hash
    user.full_clean()
    user.save()
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    audit_record(
        actor=actor,
        actor_label=actor_label,
        action="person.create",
        obj=user,
        after={"email": user.email, "full_name": user.full_name, "title": user.title},
        note=note,
    )
    return user


@transaction.atomic
def email_verify_after_password_reset(*, user: User) -> bool:
    """Mark an invited person's only address verified once they set a password from the emailed link.

    The link reached that mailbox, which is the proof verification asks for. People with several
    addresses keep allauth's normal confirmation.
    """
    from allauth.account.models import EmailAddress

    addresses = list(EmailAddress.objects.select_for_update().filter(user=user))
    if (
        len(addresses) != 1
        or addresses[0].verified
        or addresses[0].email.lower() != user.email.lower()
    ):
        return False
    address = addresses[0]
    address.verified = True
    address.save(update_fields=["verified"])
    audit_record(
        actor=user,
        action="email.verify",
        obj=user,
        before={"verified": False},
        after={"verified": True},
        note="Verified by setting a password from the emailed link.",
    )
    return True
