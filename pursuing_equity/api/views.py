"""The person's own API tokens: create (the secret shown once), list, revoke."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from pursuing_equity.accounts.rules import rule_required
from pursuing_equity.api import services
from pursuing_equity.api.auth import rate_limit
from pursuing_equity.api.forms import TokenForm
from pursuing_equity.api.models import AccessToken
from pursuing_equity.api.rules import can_manage_own_tokens


@rule_required(can_manage_own_tokens)
def tokens(request):
    person = request.user
    form = TokenForm(request.POST if request.POST.get("action") == "create" else None)
    secret = None
    if request.method == "POST" and request.POST.get("action") == "revoke":
        token = AccessToken.objects.filter(user=person, pk=_int(request.POST.get("token"))).first()
        if token is None:
            messages.error(request, "That token is not one of yours, or no longer exists.")
        else:
            services.token_revoke(actor=person, token=token)
            messages.success(request, f"Token “{token.name}” revoked; it is refused from now on.")
        return redirect("api_tokens")
    if form.is_bound and form.is_valid():
        try:
            token, secret = services.token_create(actor=person, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            form = TokenForm()
    limit, seconds = rate_limit()
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "secret": secret,
            "tokens": AccessToken.objects.filter(user=person),
            "rate": f"{limit} requests per {({1: 'second', 60: 'minute', 3600: 'hour'})[seconds]}",
        },
        status=400 if form.errors else 200,
    )


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
