"""Benchmark: every page each demo persona can reach, against a bare Django view, in one process.

Builds the demo (``manage.py demo``) into a throwaway SQLite database, or reuses one
(``--db PATH``, built by ``manage.py demo`` with ``DATABASE_URL=sqlite:///PATH``). Then, signed in
as each persona of the demo's logins table, it discovers the pages that persona reaches by links:
the navigation (home/navigation.py) and the links on their home, then one level of links from
those pages (same host, GET only; no sign-out, no files: only HTML answers are timed). A "page" is
a URL name; at most ``--per-page`` URLs of one name are timed per persona (the first found), so
fifty team pages count as one page and the run stays bounded.

Each page is requested ``--repeats`` times (40: the p95 is then interpolated between the second
and third slowest requests, not simply the slowest ones; a kept page is computed again when the
clock minute in its key turns, about once per page in a whole run) with Django's test Client in this process (the whole
middleware stack, no network). The baseline is one bare view, :func:`bare`, mounted in front of
the project's URLs by the benchmarks' own URLconf (``bench/bare_urls.py``, which ``load.py``
serves too) and requested by the same signed-in client through the same middleware before,
between and after the pages. It reads ``request.user`` (the session and the person: two queries)
and returns a fixed text: every page here is served to a signed-in person and must know who asks,
so that cost is the request's, not the page's, while everything after it (rules, queries,
templates) is the page's own. The table gives each page's server time p50/p95 as a ratio to the
bare view's p50/p95. "first ms" and "queries" are the page's first request for this persona (the
discovery's, its queries recorded), before the page's HTML was kept for them (``{% fresh %}``,
:mod:`pursuing_equity.core.freshness`): what a person waits the first time after a change;
p50/p95 are what they wait next. Goal (issue 15): every page's p95 ≤ 10× the bare view's p95;
the script exits 1 and names the pages over it unless ``--no-fail``.

Run: ``.venv/bin/python bench/bench_pages.py [--db PATH] [--repeats 40] [--no-fail]``
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

GOAL = 10.0
BARE_PATH = "/__bench_bare__/"
#: Paths never followed: signing out ends the session, the admin is Django's, files are not pages.
SKIP_PREFIXES = ("/accounts/logout", "/accounts/", "/admin/", "/static/")
SKIP_WORDS = (
    "download",
    "/library/materials/",
    "logout",
    ".pdf",
    ".ics",
    ".csv",
    ".xlsx",
    ".png",
    ".svg",
    "export",
)


def bare(request):
    """The baseline: who asks (the session and the person, as every page needs), no more."""
    from django.http import HttpResponse

    return HttpResponse("ok" if request.user.is_authenticated else "anonymous")


def setup_django(db_path: Path, private: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ["PE_PRIVATE_ROOT"] = str(private)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pursuing_equity.settings")
    os.environ["PE_REQUIRE_MFA"] = "0"
    os.environ["PE_DEMO"] = "1"
    os.environ["PE_DISABLE_RATE_LIMITS"] = "1"
    import django

    django.setup()
    from django.conf import settings

    sys.path.insert(0, str(ROOT / "bench"))
    settings.ROOT_URLCONF = "bare_urls"
    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False
    from pursuing_equity.core.startup import settle

    settle()  # as the server does (pursuing_equity/wsgi.py)


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links_of(html: str) -> list[str]:
    """Same-host paths linked from a page, in order, without fragments, files or sign-out."""
    parser = Links()
    parser.feed(html)
    found = []
    for href in parser.hrefs:
        url = urldefrag(href).url
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue
        if parts.path.startswith(SKIP_PREFIXES) or any(w in url.lower() for w in SKIP_WORDS):
            continue
        found.append(url)
    return found


@dataclass
class Page:
    persona: str
    name: str
    url: str
    first: float = 0.0
    times: list[float] = field(default_factory=list)
    queries: int = 0

    def p(self, q: float) -> float:
        return quantile(self.times, q)


def quantile(values: list[float], q: float) -> float:
    """Linear-interpolated quantile (numpy's default, "type 7" of Hyndman & Fan 1996)."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    k = (len(ordered) - 1) * q
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def timed_get(client, url: str) -> tuple[float, object]:
    start = time.perf_counter()
    response = client.get(url)
    return time.perf_counter() - start, response


def discover(client, user, per_page: int) -> list[tuple[str, str, float, int]]:
    """(URL name, URL, seconds, queries) of every HTML page the persona reaches: nav + home links,
    then one level; seconds and queries are those of this first request (nothing kept yet)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import Resolver404, resolve

    from pursuing_equity.home.navigation import navigation_for

    seen_names: dict[str, int] = {}
    seen_urls: set[str] = set()
    pages: list[tuple[str, str, float, int]] = []

    def admit(url: str) -> str | None:
        if url in seen_urls:
            return None
        seen_urls.add(url)
        try:
            match = resolve(urlsplit(url).path)
        except Resolver404:
            return None
        name = match.url_name or match.route
        if seen_names.get(name, 0) >= per_page:
            return None
        with CaptureQueriesContext(connection) as queries:
            seconds, response = timed_get(client, url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            return None
        seen_names[name] = seen_names.get(name, 0) + 1
        pages.append((name, url, seconds, len(queries)))
        return response.content.decode()

    home = admit("/")
    first = [item.url for item in navigation_for(user, "/")] + links_of(home or "")
    level_one = []
    for url in first:
        html = admit(url)
        if html is not None:
            level_one.append(html)
    for html in level_one:
        for url in links_of(html):
            admit(url)
    return pages


def time_bare(client, repeats: int) -> list[float]:
    return [timed_get(client, BARE_PATH)[0] for _ in range(repeats)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, help="reuse this SQLite database built by `demo`")
    parser.add_argument("--repeats", type=int, default=40, help="requests per page (default 40)")
    parser.add_argument("--per-page", type=int, default=2, help="URLs timed per URL name")
    parser.add_argument("--no-fail", action="store_true", help="exit 0 even over the goal")
    parser.add_argument("--top", type=int, default=0, help="print only the N slowest pages")
    parser.add_argument("--persona", default="", help="only these personas (comma-separated)")
    parser.add_argument("--page", default="", help="only time these URL names (comma-separated)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pe-bench-pages-") as folder:
        db = args.db or Path(folder) / "demo.sqlite3"
        started = time.perf_counter()
        setup_django(db, Path(folder) / "private")
        from django.core.management import call_command

        if args.db is None:
            call_command("migrate", verbosity=0)
            call_command("demo", stdout=io.StringIO())
            print(f"demo built in {time.perf_counter() - started:.0f} s")
        return run(args)


def run(args) -> int:
    from django.test import Client

    from pursuing_equity.accounts.models import User
    from pursuing_equity.home.management.commands.demo import Command

    logins = Command().logins()
    pages: list[Page] = []
    bare_times: list[float] = []
    started = time.perf_counter()
    personas = set(filter(None, args.persona.split(",")))
    names = set(filter(None, args.page.split(",")))
    if personas:
        logins = {persona: email for persona, email in logins.items() if persona in personas}
    for persona, email in logins.items():
        user = User.objects.get(email=email)
        client = Client()
        client.force_login(user)
        time_bare(client, 10)  # warm the middleware and session for this persona
        bare_times += time_bare(client, 20)
        for name, url, first, queries in discover(client, user, args.per_page):
            if names and name not in names:
                continue
            page = Page(persona, name, url, first, queries=queries)
            for _ in range(args.repeats):
                page.times.append(timed_get(client, url)[0])
                bare_times += time_bare(client, 1)
            pages.append(page)
        bare_times += time_bare(client, 20)
    elapsed = time.perf_counter() - started
    bare50, bare95 = quantile(bare_times, 0.5), quantile(bare_times, 0.95)
    print(
        f"{len(pages)} pages of {len(logins)} personas ({', '.join(logins)}), "
        f"{args.repeats} requests each, in {elapsed:.0f} s"
    )
    print(
        f"bare view (signed in, reads request.user, fixed text): p50 {bare50 * 1000:.2f} ms, "
        f"p95 {bare95 * 1000:.2f} ms ({len(bare_times)} requests)"
    )
    rows = sorted(pages, key=lambda p: p.p(0.95), reverse=True)
    shown = rows[: args.top] if args.top else rows
    header = (
        f"{'persona':<11} {'page':<28} {'first ms':>8} {'p50 ms':>8} {'p95 ms':>8} {'p50 ×':>7} "
        f"{'p95 ×':>7} {'queries':>7}  url"
    )
    print(header)
    print("-" * len(header))
    for page in shown:
        print(
            f"{page.persona:<11} {page.name[:28]:<28} {page.first * 1000:8.1f} "
            f"{page.p(0.5) * 1000:8.1f} "
            f"{page.p(0.95) * 1000:8.1f} {page.p(0.5) / bare50:7.1f} {page.p(0.95) / bare95:7.1f} "
            f"{page.queries:7d}  {page.url}"
        )
    over = [p for p in rows if p.p(0.95) > GOAL * bare95]
    if over:
        print(f"\n{len(over)} of {len(pages)} pages over the goal (p95 > {GOAL:g}× the bare view):")
        for page in over:
            print(f"  {page.persona}: {page.name} {page.url} ({page.p(0.95) / bare95:.1f}×)")
    else:
        print(f"\nevery page within {GOAL:g}× the bare view at p95: PASS")
    return 1 if over and not args.no_fail else 0


if __name__ == "__main__":
    sys.exit(main())
