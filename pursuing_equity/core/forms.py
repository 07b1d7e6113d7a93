"""Form helpers every app shares."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError next to the fields it names, the rest above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@dataclass(frozen=True)
class Written[T]:
    """A service call that succeeded; ``value`` is what the service returned."""

    value: T


def form_write[T](form: forms.Form, write: Callable[[dict[str, Any]], T]) -> Written[T] | None:
    """Validate ``form`` and call ``write(form.cleaned_data)``, the view's one service call.

    Returns :class:`Written` when the form was valid and the service accepted it; otherwise None,
    with the form's own errors or the service's ValidationError (:func:`add_service_errors`) on
    the form, so the view shows the form again.
    """
    if not form.is_valid():
        return None
    try:
        return Written(write(form.cleaned_data))
    except ValidationError as error:
        add_service_errors(form, error)
        return None


def act[T](
    request: HttpRequest,
    write: Callable[[], T],
    *,
    success: str | Callable[[T], str],
    redirect_to: str,
) -> HttpResponseRedirect:
    """A button view's one service call: ``write()``, a message, then a redirect.

    A ValidationError from ``write`` becomes an error message (its messages joined by spaces);
    otherwise ``success`` (text, or a function of what ``write`` returned, called after it) is
    shown. Either way the answer is a redirect to ``redirect_to`` (a URL or a URL name).
    """
    try:
        value = write()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success(value) if callable(success) else success)
    return redirect(redirect_to)
