"""The REST API (django-ninja): what a person may read and submit on the site, with a token.

Every endpoint asks the owning app's rule (``measures.rules``, ``teams.rules``,
``events.rules``, ``reporting.rules``) about the token's person, exactly as the page does, and
writes only through the apps' services: measure data go through ``submission_validate`` (the
same checks as an upload or the grid) and ``submission_confirm`` (the next version of each
period), monthly updates through ``update_save``. Results are the dashboard as that person sees
it (``measures.stored.measure_dashboard``): suppressed for anyone outside the team, as one
release. The OpenAPI document is ``/api/openapi.json``; its docs page is ``/api/docs``, served
from ninja's own static files (no CDN, so it runs under the site's CSP).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import NinjaAPI

from pursuing_equity.api import events, measures, programs, teams, updates
from pursuing_equity.api.auth import RateLimited, read_token


class _API(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        """Operation ids as published before the endpoints moved into one module per resource
        (``pursuing_equity_api_api_<function>``), so clients generated from the document keep
        working."""
        return f"pursuing_equity_api_api_{operation.view_func.__name__}"


api = _API(
    title="Pursuing Equity API",
    version="1",
    description=(
        "Read programs, cohorts, teams, events, measures, stratified results and monthly "
        "updates, and submit measure data and updates, as the person whose personal access "
        "token you send (`Authorization: Bearer pe_…`; create one on your account page). "
        "Tokens hold scopes: `read` for GET, `submit-data` for POST and PUT."
    ),
    auth=read_token,
    urls_namespace="api",
)

for _module in (programs, teams, events, measures, updates):
    api.add_router("", _module.router)


# --- errors as JSON ------------------------------------------------------------------------------


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError):
    problems = []
    if hasattr(exc, "error_dict"):
        for name, messages in exc.message_dict.items():
            for message in messages:
                problems.append({"message": message, "field": None if name == "__all__" else name})
    else:
        problems = [{"message": m, "field": None} for m in exc.messages]
    detail = "; ".join(p["message"] for p in problems)
    return api.create_response(request, {"detail": detail, "problems": problems}, status=422)


@api.exception_handler(RateLimited)
def _rate_limited(request: HttpRequest, exc: RateLimited):
    response = api.create_response(request, {"detail": str(exc)}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response
