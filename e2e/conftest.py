"""Browser journeys: Debian's Chromium driven by Playwright against pytest-django's live server.

One browser for the whole session (starting Chromium is the slow part), a fresh context and page
for each test (no cookies leak between journeys), and the ``assert_accessible`` fixture to run
axe on a page. The tests use a transactional database because the live server answers from another
thread; on SQLite the server shares the test's one connection (see ``live_server``).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, sync_playwright
from pytest_django.live_server_helper import LiveServer

# Test settings every run shares (immediate tasks, captured email, fast hashing).
from pursuing_equity.conftest import _fast_and_captured  # noqa: F401

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse ORM calls
# from the test body ("You cannot call this from an async context").
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("PE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TIMEOUT_MS = 10_000
FAILING_IMPACTS = ("serious", "critical")

_axe = Axe()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make chromium` (apt-get install chromium).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class _OneRequestAtATime:
    """A WSGI application that lets one request at a time into the one it wraps."""

    def __init__(self, application) -> None:
        self.application = application
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        with self.lock:
            return self.application(environ, start_response)


@pytest.fixture(scope="session")
def live_server(request, django_db_setup) -> Iterator[LiveServer]:
    """pytest-django's live server, started once the test database exists.

    The SQLite test database lives in memory, in a shared cache. Two connections to it fail at once
    with "database table is locked" when one writes while the other reads or writes: shared-cache
    table locks ignore the busy timeout. Django's live server avoids that by handing its request
    threads the test's own connection, but only if that connection already points at the test
    database when the server starts. pytest-django's session-scoped ``live_server`` starts before
    ``django_db_setup`` when a journey is the first test a worker runs (it asks for the database
    only per test), and then every request thread opened a connection of its own, and a journey
    failed now and then with a 500 when the machine was busy. Hence ``django_db_setup`` first; and, since one connection has one
    transaction state, the server lets one request at a time into the application (the browser
    makes few requests at once, so nothing waits long). On PostgreSQL nothing is shared: each
    request thread has its own connection, as in production.
    """
    addr = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = LiveServer(addr, start=False)
    static_handler = server.thread.static_handler  # static files need no database: not locked
    server.thread.static_handler = lambda application: static_handler(
        _OneRequestAtATime(application)
    )
    server.start()
    yield server
    server.stop()


@pytest.fixture
def page(browser: Browser, live_server, settings) -> Iterator[Page]:
    """A page in a fresh browser context; ``page.goto("/path")`` is relative to the live server,
    which is also the site's own address (``PE_SITE_URL``) for links that leave the site (email,
    calendar subscriptions), as it is in production."""
    settings.PE_SITE_URL = live_server.url
    context = browser.new_context(
        base_url=live_server.url, locale="en-US", timezone_id="America/New_York"
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    context.close()
    # Every journey doubles as a check of settings.SECURE_CSP: nothing the pages need is refused.
    assert not refused, "The Content Security Policy refused:\n" + "\n".join(refused)


def axe_violations(page: Page) -> list[dict]:
    """The axe violations on the page whose impact is serious or critical, once the page has
    loaded (axe run while a navigation replaces the document finds no document element)."""
    page.wait_for_load_state("load")
    results = _axe.run(page)
    return [v for v in results.response["violations"] if v.get("impact") in FAILING_IMPACTS]


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"[{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})"
        )
        for node in violation["nodes"][:5]:
            lines.append(f"    at {', '.join(map(str, node['target']))}: {node['html'][:160]}")
            summary = node.get("failureSummary", "").replace("\n", " ")
            if summary:
                lines.append(f"       {summary[:300]}")
    return "\n".join(lines)


def _assert_accessible(page: Page) -> None:
    """Fail when axe finds any serious or critical violation on the page, listing each one."""
    violations = axe_violations(page)
    assert not violations, (
        f"Accessibility violations on {page.url}:\n{describe_violations(violations)}"
    )


@pytest.fixture
def assert_accessible():
    """``assert_accessible(page)``: axe the page as it is now (a fixture, so tests need no import)."""
    return _assert_accessible
