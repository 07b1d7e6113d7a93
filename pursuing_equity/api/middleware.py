"""Log every API request made with a token (its id, the route, the answer's status)."""

from __future__ import annotations

from pursuing_equity.api.services import request_log


class ApiRequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        token_id = getattr(request, "api_token_id", None)
        if token_id is not None:
            match = getattr(request, "resolver_match", None)
            endpoint = match.route if match is not None else request.path
            request_log(
                token_id=token_id,
                method=request.method,
                endpoint=endpoint,
                status=response.status_code,
            )
        return response
