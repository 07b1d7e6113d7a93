"""Load test: simulated people of the demo against gunicorn (4 workers) and the task worker.

Bounded and loopback only: ``--users`` people for ``--duration`` seconds against
``127.0.0.1:<free port>``. By default (SQLite) it builds the demo into a throwaway database;
with ``--database-url postgres://…/pe_load`` it uses that database (``--demo`` builds the demo
there first; run it on an empty database). Email is captured in the database (the outbox) by the
task worker, which every process shares, so duplicates are counted across processes.

Each simulated person signs in through the sign-in form (people arrive one after another over
``--ramp`` seconds, as locust's spawn rate has them: a password hash costs real CPU by design and
fifty at once measures a burst no program office sees), then until the time is up picks what
to do from a realistic mix for their role, every request timed:

- team members (most people): home, measure dashboards, calendar, their team's updates; saving the
  month's update draft, attaching a file to it (an upload), starting a PDSA cycle; at the end they
  submit the update (which emails the team and prepares its charts in the task worker);
- a senior leader: the same reading, and one reflection on a submitted update (emails the team);
- a faculty coach: the updates they follow, comments on them;
- a reviewer: the review pages.

Every write answered with success is recorded; at the end, once the task queue is empty, each
person's writes are checked in the database: present exactly once, the update holding the last
text saved; no email was delivered twice (same recipients, subject and body). A thread requests a
bare view (bench/bare_urls.py) through the same server all along: the ratios divide by it.

Run (see bench/README.md):
  .venv/bin/python bench/load.py                       # SQLite, 10 people × 5 minutes
  .venv/bin/python bench/load.py --database-url postgres://postgres@127.0.0.1:5432/pe_load --demo
Exit status 1 on any error, lost or duplicated write or duplicated email, or any kind of request
whose p95 is over 10× the bare view's under the same load.
"""

from __future__ import annotations

import argparse
import base64
import collections
import http.cookiejar
import io
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_pages import BARE_PATH, quantile  # noqa: E402

GOAL = 10.0
PASSWORD = "equity-demo-2023"
# A 1×1 PNG: the smallest file the attachment check accepts by its content.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
MEMBER_MIX = {
    "home": 15,
    "dashboard": 25,
    "calendar": 12,
    "updates": 12,
    "update_save": 16,
    "upload": 5,
    "pdsa": 10,
}
MAX_UPLOADS = 8  # an update holds at most 10 files


# --- a small browser: cookies, CSRF, forms -----------------------------------------------------


class Forms(HTMLParser):
    """Forms on a page: action, and the value each named field would send as the page stands."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self.links: list[str] = []
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self.forms.append({"action": a.get("action") or "", "fields": {}})
        elif not self.forms or not a.get("name"):
            return
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.forms[-1]["fields"][a["name"]] = a.get("value") or ""
        elif tag == "textarea":
            self._textarea = a["name"]
            self.forms[-1]["fields"][a["name"]] = ""
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select:
            fields = self.forms[-1]["fields"]
            if "selected" in a or self._select not in fields:
                fields[self._select] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea and self.forms:
            self.forms[-1]["fields"][self._textarea] += data


class Browser:
    def __init__(self, base: str, record) -> None:
        self.base = base
        self.record = record
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def request(self, kind: str, path: str, data: bytes | None = None, ctype: str | None = None):
        """(status, body, location); times the request under ``kind``; 5xx and refusals are errors."""
        req = urllib.request.Request(self.base + path, data=data)
        if ctype:
            req.add_header("Content-Type", ctype)
            req.add_header("Referer", self.base + path)
        start = time.perf_counter()
        try:
            with self.opener.open(req, timeout=120) as response:
                status, body, location = response.status, response.read(), None
        except urllib.error.HTTPError as error:
            status, body, location = error.code, error.read(), error.headers.get("Location")
        except OSError as error:
            status, body, location = 0, str(error).encode(), None
        ok = status in (200, 302) or (status == 303)
        self.record(kind, time.perf_counter() - start, ok, status, path)
        return status, body.decode("utf-8", "replace"), location

    def get(self, kind: str, path: str):
        return self.request(kind, path)

    def post(self, kind: str, page: str, action_pattern: str, values: dict, files=None):
        """Fill the form of ``page`` whose action matches ``action_pattern`` and send it."""
        status, html, _ = self.request(kind + " (form)", page)
        form = find_form(html, action_pattern, page)
        if form is None:
            return None
        fields = {**form["fields"], **values}
        action = form["action"]
        if files:
            body, ctype = multipart(fields, files)
        else:
            body = urllib.parse.urlencode(fields, doseq=True).encode()
            ctype = "application/x-www-form-urlencoded"
        return self.request(kind, action, body, ctype)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def parse(html: str) -> Forms:
    parser = Forms()
    parser.feed(html)
    return parser


def find_form(html: str, pattern: str, page: str = "") -> dict | None:
    """The first form whose action (the page itself when it has none) matches ``pattern``."""
    for form in parse(html).forms:
        form["action"] = form["action"] or page
        if re.search(pattern, form["action"]):
            return form
    return None


def links(html: str, pattern: str) -> list[str]:
    return sorted({h for h in parse(html).links if re.fullmatch(pattern, h)})


def multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode())
        out.write(f"{value}\r\n".encode())
    for name, (filename, content, ctype) in files.items():
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {ctype}\r\n\r\n'.encode()
        )
        out.write(content + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


# --- simulated people --------------------------------------------------------------------------


@dataclass
class Person:
    role: str
    email: str
    team_slug: str = ""
    pdsa: list[str] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)
    update: tuple[str, str] | None = None  # (period, last progress text saved)
    submitted: bool = False
    comments: list[str] = field(default_factory=list)
    reflections: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = collections.defaultdict(list)
        self.errors: dict[str, int] = collections.Counter()
        self.samples: list[str] = []

    def record(self, kind, seconds, ok, status, path):
        with self.lock:
            self.times[kind].append(seconds)
            if not ok:
                self.errors[kind] += 1
                if len(self.samples) < 20:
                    self.samples.append(f"{kind}: {status} {path}")


def sign_in(browser: Browser, person: Person) -> bool:
    result = browser.post(
        "login", "/accounts/login/", r"login", {"login": person.email, "password": PASSWORD}
    )
    return result is not None and result[0] == 302


def member_loop(browser: Browser, person: Person, deadline: float, rng: random.Random) -> None:
    team = person.team_slug
    _, html, _ = browser.get("measures", f"/teams/{team}/measures/")
    dashboards = links(html, rf"/teams/{team}/measures/[\w-]+/")
    _, html, _ = browser.get("updates", f"/updates/{team}/")
    edits = links(html, rf"/updates/{team}/\d{{4}}-\d{{2}}/edit/")
    period = edits[-1].split("/")[3] if edits else None
    kinds, weights = zip(*MEMBER_MIX.items(), strict=True)
    seq = 0
    while time.monotonic() < deadline:
        kind = rng.choices(kinds, weights)[0]
        seq += 1
        marker = f"load {person.email} #{seq} {uuid.uuid4().hex[:8]}"
        if kind == "home":
            browser.get(kind, "/home/")
        elif kind == "dashboard" and dashboards:
            browser.get(kind, rng.choice(dashboards))
        elif kind == "calendar":
            browser.get(kind, "/calendar/")
        elif kind == "updates":
            browser.get(kind, f"/updates/{team}/")
        elif kind == "update_save" and period:
            page = f"/updates/{team}/{period}/edit/"
            result = browser.post(kind, page, r"/edit/$", {"progress": marker, "action": "save"})
            if result and result[0] == 302:
                person.update = (period, marker)
        elif kind == "upload" and person.update and len(person.attachments) < MAX_UPLOADS:
            page = f"/updates/{team}/{person.update[0]}/edit/"
            name = f"load-{uuid.uuid4().hex[:12]}.png"
            result = browser.post(
                kind, page, r"/attachments/$", {}, {"file": (name, PNG, "image/png")}
            )
            if result and result[0] == 302:
                person.attachments.append(name)
        elif kind == "pdsa":
            page = f"/updates/{team}/pdsa/new/"
            values = {"change_idea": marker, "started_on": time.strftime("%Y-%m-%d")}
            result = browser.post(kind, page, r"/pdsa/new/$", values)
            if result and result[0] == 302:
                person.pdsa.append(marker)
    if person.update:
        page = f"/updates/{team}/{person.update[0]}/edit/"
        fields = {"progress": person.update[1], "action": "submit"}
        for name in ("challenges", "learning", "help_wanted"):
            fields[name] = "Written during the load test."
        result = browser.post("update_submit", page, r"/edit/$", fields)
        person.submitted = bool(result and result[0] == 302)


def leader_loop(browser: Browser, person: Person, deadline: float, rng: random.Random) -> None:
    team = person.team_slug
    _, html, _ = browser.get("updates", f"/updates/{team}/")
    for detail in links(html, rf"/updates/{team}/\d{{4}}-\d{{2}}/"):
        _, page, _ = browser.get("update_detail", detail)
        if find_form(page, r"/reflection/$"):
            marker = f"load reflection {person.email} {uuid.uuid4().hex[:8]}"
            result = browser.post("reflection", detail, r"/reflection/$", {"text": marker})
            if result and result[0] == 302:
                person.reflections.append(marker)
            break
    while time.monotonic() < deadline:
        kind = rng.choice(["home", "updates", "calendar"])
        browser.get(
            kind, {"home": "/home/", "updates": f"/updates/{team}/", "calendar": "/calendar/"}[kind]
        )


def faculty_loop(browser: Browser, person: Person, deadline: float, rng: random.Random) -> None:
    _, html, _ = browser.get("updates", "/updates/")
    details = links(html, r"/updates/[\w-]+/\d{4}-\d{2}/")
    while time.monotonic() < deadline:
        kind = rng.choice(["home", "updates", "update_detail", "comment"])
        if kind == "home":
            browser.get(kind, "/home/")
        elif kind == "updates":
            browser.get(kind, "/updates/")
        elif details and kind == "update_detail":
            browser.get(kind, rng.choice(details))
        elif details:
            marker = f"load comment {person.email} {uuid.uuid4().hex[:8]}"
            result = browser.post(kind, rng.choice(details), r"/comments/$", {"text": marker})
            if result and result[0] == 302:
                person.comments.append(marker)


def reviewer_loop(browser: Browser, person: Person, deadline: float, rng: random.Random) -> None:
    _, html, _ = browser.get("review", "/review/assigned/")
    applications = links(html, r"/review/applications/\d+/")
    while time.monotonic() < deadline:
        if applications and rng.random() < 0.6:
            browser.get("review", rng.choice(applications))
        else:
            browser.get(rng.choice(["home", "review"]), rng.choice(["/home/", "/review/assigned/"]))


LOOPS = {
    "member": member_loop,
    "leader": leader_loop,
    "faculty": faculty_loop,
    "reviewer": reviewer_loop,
}


def simulate(
    base: str, person: Person, stats: Stats, deadline: float, seed: int, arrival: float
) -> None:
    rng = random.Random(seed)
    browser = Browser(base, stats.record)
    time.sleep(arrival)  # people arrive one after another (a spawn rate), not in one burst
    if not sign_in(browser, person):
        person.problems.append("could not sign in")
        return
    try:
        LOOPS[person.role](browser, person, deadline, rng)
    except Exception as error:  # a broken page must not hide the others' results
        person.problems.append(f"{type(error).__name__}: {error}")


# --- the servers and the checks ------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def choose_people(count: int) -> list[Person]:
    """One simulated person per role slot; team members and leaders each on a different team."""
    from pursuing_equity.accounts.models import Role, RoleAssignment
    from pursuing_equity.reporting.selectors import leader_queue
    from pursuing_equity.teams.models import Team, TeamMember

    # Senior leaders with an update waiting for their reflection (the cohorts whose rule asks one).
    leaders = [
        (m.user.email, m.team.slug)
        for m in TeamMember.objects.filter(part=TeamMember.Part.SENIOR_LEADER)
        .select_related("user", "team")
        .order_by("team__slug")
        if any(s.team.pk == m.team_id for s in leader_queue(m.user))
    ]
    faculty = sorted(
        set(Team.objects.filter(coach__isnull=False).values_list("coach__email", flat=True))
    )
    reviewers = sorted(
        set(RoleAssignment.objects.filter(role=Role.REVIEWER).values_list("user__email", flat=True))
    )
    members = {}
    for email, slug in (
        TeamMember.objects.filter(part=TeamMember.Part.MEMBER)
        .order_by("team__slug", "user__email")
        .values_list("user__email", "team__slug")
    ):
        members.setdefault(slug, email)
    people: list[Person] = []
    used_teams: set[str] = set()
    for i in range(count):
        slot = i % 10
        if slot == 0 and faculty:
            people.append(Person("faculty", faculty.pop(0)))
        elif slot == 1 and reviewers:
            people.append(Person("reviewer", reviewers.pop(0)))
        elif slot == 2 and leaders:
            email, slug = leaders.pop(0)
            used_teams.add(slug)
            people.append(Person("leader", email, slug))
        else:
            slug = next((s for s in members if s not in used_teams), None)
            if slug is None:
                raise SystemExit(f"The demo has too few teams for {count} people.")
            used_teams.add(slug)
            people.append(Person("member", members[slug], slug))
    return people


def wait_for_tasks(timeout: float) -> int:
    """Wait until the task worker has run everything queued; returns how many are still waiting."""
    from django_tasks_db.models import DBTaskResult

    end = time.monotonic() + timeout
    while True:
        waiting = DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).count()
        if waiting == 0 or time.monotonic() > end:
            return waiting
        time.sleep(1)


def verify(people: list[Person], since) -> list[str]:
    """Each person's writes present exactly once; no email delivered twice."""
    from django.db.models import Count

    from pursuing_equity.core.models import CapturedEmail
    from pursuing_equity.reporting.models import (
        Attachment,
        Comment,
        LeaderReflection,
        PdsaCycle,
        Update,
    )

    problems: list[str] = []
    for person in people:
        problems += [f"{person.email}: {p}" for p in person.problems]
        for model, field_name, values in (
            (PdsaCycle, "change_idea", person.pdsa),
            (Attachment, "original_name", person.attachments),
            (Comment, "text", person.comments),
            (LeaderReflection, "text", person.reflections),
        ):
            for value in values:
                found = model.objects.filter(**{field_name: value}).count()
                if found != 1:
                    problems.append(f"{person.email}: {model.__name__} {value!r} found {found}×")
        if person.update:
            period, text = person.update
            rows = list(
                Update.objects.filter(team__slug=person.team_slug, period_start=f"{period}-01")
            )
            if len(rows) != 1 or rows[0].progress != text:
                problems.append(
                    f"{person.email}: update {period} lost its last save ({len(rows)} rows)"
                )
            elif person.submitted and not rows[0].is_submitted:
                problems.append(f"{person.email}: update {period} submitted but not stored as such")
    twice = (
        CapturedEmail.objects.filter(sent_at__gte=since)
        .values("to", "subject", "body")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    problems += [f"email sent {row['n']}×: {row['subject']!r} to {row['to']}" for row in twice]
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", help="default: a throwaway SQLite database with the demo")
    parser.add_argument(
        "--demo", action="store_true", help="build the demo in --database-url first"
    )
    parser.add_argument(
        "--users", type=int, help="simulated people (default 50 PostgreSQL, 10 SQLite)"
    )
    parser.add_argument("--duration", type=float, default=300, help="seconds of load (default 300)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument(
        "--ramp",
        type=float,
        help="seconds over which people arrive, one after another (default: a tenth of the "
        "duration, at most 30 s; locust's spawn rate)",
    )
    args = parser.parse_args()
    if not 1 <= args.duration <= 900:
        parser.error("--duration is bounded: 1 to 900 seconds")
    if args.ramp is None:
        args.ramp = min(30.0, args.duration / 10)
    if not 0 <= args.ramp < args.duration:
        parser.error("--ramp is bounded: 0 to less than the duration")
    with tempfile.TemporaryDirectory(prefix="pe-load-") as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'load.sqlite3'}"
        users = args.users or (50 if url.startswith("postgres") else 10)
        if not 1 <= users <= 200:
            parser.error("--users is bounded: 1 to 200")
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "pursuing_equity.settings",
            "PE_DEMO": "1",
            "PE_REQUIRE_MFA": "0",
            "PE_DISABLE_RATE_LIMITS": "1",
            "PE_PRIVATE_ROOT": str(Path(folder) / "private"),
            "PE_LOG_LEVEL": "ERROR",
        }
        os.environ.update(env)
        import django

        django.setup()
        from django.core.management import call_command
        from django.utils import timezone

        if args.database_url is None or args.demo:
            started = time.perf_counter()
            call_command("migrate", verbosity=0)
            call_command("demo", stdout=io.StringIO())
            print(f"demo built in {time.perf_counter() - started:.0f} s")
        people = choose_people(users)
        from django.db import connections

        connections.close_all()
        return run(args, env, people, folder, timezone.now())


def run(args, env: dict, people: list[Person], folder: str, since) -> int:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    logs = open(Path(folder) / "servers.log", "w")  # noqa: SIM115 (closed with the servers)
    gunicorn = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "load_wsgi", "--chdir", str(ROOT), "--pythonpath", str(ROOT / "bench"),
         "-w", str(args.workers), "-b", f"127.0.0.1:{port}", "--timeout", "120"],
        env=env, stdout=logs, stderr=logs,
    )  # fmt: skip
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--interval", "0.5"],
        cwd=ROOT, env=env, stdout=logs, stderr=logs,
    )  # fmt: skip
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(base + BARE_PATH, timeout=2).read()
                break
            except OSError:
                time.sleep(0.5)
        else:
            raise SystemExit("gunicorn did not start: see " + logs.name)
        for _ in range(3 * args.workers):  # each worker loads its templates before the clock runs
            urllib.request.urlopen(base + "/", timeout=60).read()
        stats = Stats()
        deadline = time.monotonic() + args.duration
        threads = [
            threading.Thread(
                target=simulate, args=(base, p, stats, deadline, i, i * args.ramp / len(people))
            )
            for i, p in enumerate(people)
        ]
        bare = threading.Thread(target=probe_bare, args=(base, people[0], stats, deadline))
        started = time.perf_counter()
        for thread in [bare, *threads]:
            thread.start()
        for thread in [bare, *threads]:
            thread.join()
        elapsed = time.perf_counter() - started
        waiting = wait_for_tasks(120)
    finally:
        for process in (gunicorn, worker):
            process.terminate()
        for process in (gunicorn, worker):
            process.wait(30)
        logs.close()
    problems = verify(people, since)
    if waiting:
        problems.append(f"{waiting} tasks still queued two minutes after the load")
    over = report(stats, people, elapsed, args, env["DATABASE_URL"])
    server_errors = [
        line
        for line in Path(logs.name).read_text().splitlines()
        if "Traceback" in line or "ERROR" in line
    ]
    if server_errors:
        print(f"\n{len(server_errors)} error lines in the server logs; first: {server_errors[0]}")
    errors = sum(stats.errors.values())
    if errors:
        print("\nfirst errors:\n  " + "\n  ".join(stats.samples))
    if problems:
        print(f"\n{len(problems)} problems with the writes:\n  " + "\n  ".join(problems[:30]))
    else:
        print("\nevery write present exactly once, no email sent twice")
    return 1 if errors or problems or over else 0


def probe_bare(base: str, person: Person, stats: Stats, deadline: float) -> None:
    """The baseline under load, signed in as the page benchmark's is (bench_pages.bare)."""
    browser = Browser(base, stats.record)
    sign_in(browser, person)
    while time.monotonic() < deadline:
        browser.get("bare view", BARE_PATH)
        time.sleep(0.2)


def report(stats: Stats, people: list[Person], elapsed: float, args, url: str) -> list[str]:
    """Print the table; return the kinds whose p95 is over the goal (GOAL × the bare view's p95)."""
    engine = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    roles = collections.Counter(p.role for p in people)
    total = sum(len(t) for t in stats.times.values())
    print(
        f"{engine}, gunicorn × {args.workers} + task worker, {len(people)} people "
        f"({', '.join(f'{n} {r}' for r, n in sorted(roles.items()))}), {elapsed:.0f} s: "
        f"{total} requests ({total / elapsed:.1f}/s), {sum(stats.errors.values())} errors"
    )
    bare = stats.times.get("bare view") or [float("nan")]
    b95 = quantile(bare, 0.95)
    header = f"{'kind':<20} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'p95 ×bare':>9}"
    print(header)
    print("-" * len(header))
    for kind in sorted(stats.times, key=lambda k: -quantile(stats.times[k], 0.95)):
        t = stats.times[kind]
        print(
            f"{kind:<20} {len(t):8d} {stats.errors[kind]:6d} {quantile(t, 0.5) * 1000:8.1f} "
            f"{quantile(t, 0.95) * 1000:8.1f} {quantile(t, 0.99) * 1000:8.1f} {quantile(t, 0.95) / b95:9.1f}"
        )
    writes = sum(
        len(p.pdsa) + len(p.attachments) + len(p.comments) + len(p.reflections) for p in people
    )
    saved = sum(1 for p in people if p.update)
    print(f"writes checked: {writes} created rows, {saved} updates saved, "
          f"{sum(p.submitted for p in people)} submitted")  # fmt: skip
    over = [
        k for k in stats.times if k != "bare view" and quantile(stats.times[k], 0.95) > GOAL * b95
    ]
    if over:
        print(
            f"over the goal (p95 > {GOAL:g}× the bare view under load): {', '.join(sorted(over))}"
        )
    else:
        print(f"every kind within {GOAL:g}× the bare view at p95 under load: PASS")
    return over


if __name__ == "__main__":
    sys.exit(main())
