from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from pursuing_equity.core.forms import act


def _request():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def _messages(request):
    return [(m.level_tag, str(m)) for m in get_messages(request)]


def test_success_shows_the_message_made_from_the_services_result_and_redirects():
    request = _request()
    response = act(request, lambda: 3, success=lambda n: f"Saved {n}.", redirect_to="/done/")
    assert response.status_code == 302
    assert response.url == "/done/"
    assert _messages(request) == [("success", "Saved 3.")]


def test_a_refusal_shows_its_messages_joined_and_still_redirects():
    def refuse():
        raise ValidationError(["Closed.", "Try later."])

    request = _request()
    response = act(request, refuse, success="Saved.", redirect_to="/done/")
    assert response.status_code == 302
    assert response.url == "/done/"
    assert _messages(request) == [("error", "Closed. Try later.")]
