"""Data connections (issue 19): a team's measure pulled from a PostgreSQL table, only the
aggregates leaving the database; credentials never in pages, audit entries, logs or errors.

The source is the machine's PostgreSQL server (``PE_TEST_CONNECTION_POSTGRES``, default
postgres://postgres@127.0.0.1:5432/postgres, the server the engines' tests use): each test
module creates its own scratch database with a synthetic extract and drops it after, whichever
database the Django tests themselves run on.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pyarrow.parquet as pq
import pytest
from django.urls import reverse

from equitystats import synth
from pursuing_equity.accounts.models import Role
from pursuing_equity.accounts.tests.factories import person
from pursuing_equity.core.models import AuditEntry
from pursuing_equity.measures import connection_services
from pursuing_equity.measures.models import AgeCount, DataConnection, StratumCount, Submission
from pursuing_equity.measures.tests.factories import TODAY, TeamFactory, member

ADMIN_URL = os.environ.get(
    "PE_TEST_CONNECTION_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres"
)
PASSWORD = "Hunter2-never-shown-9f3"
COLUMNS = {
    "period": "visit_month",
    "race_ethnicity": "race",
    "numerator": "met",
    "age": "age_years",
}


@pytest.fixture(scope="module")
def extract(tmp_path_factory):
    """A synthetic extract (400 patients × 3 months, Jan–Mar 2024) with an age in years."""
    path = tmp_path_factory.mktemp("connection") / "extract.parquet"
    synth.extract(n_patients=400, months=3, seed=19, start="2024-01", out=path)
    table = synth.decoded(pq.read_table(path))
    rows = table.to_pylist()
    for i, row in enumerate(rows):
        row["age_years"] = 18 + (i * 7) % 70
    return rows


@pytest.fixture(scope="module")
def warehouse(extract):
    """A scratch database with the extract as ``ehr.encounters`` (renamed columns); its URL
    carries a password (the server trusts local connections, so any password works)."""
    name = f"pe_connection_{os.getpid()}"
    parts = urlsplit(ADMIN_URL)
    url = urlunsplit(parts._replace(path=f"/{name}"))
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        with psycopg.connect(url, autocommit=True) as con:
            con.execute("CREATE SCHEMA ehr")
            con.execute(
                "CREATE TABLE ehr.encounters (visit_month date, race text, language text, "
                "age_years integer, met smallint, denominator smallint)"
            )
            with con.cursor().copy(
                "COPY ehr.encounters (visit_month, race, language, age_years, met, denominator) "
                "FROM STDIN"
            ) as copy:
                for r in extract:
                    copy.write_row(
                        (r["month"], r["race_ethnicity"], r["language"], r["age_years"],
                         r["numerator"], r["denominator"])
                    )  # fmt: skip
            con.execute("CREATE TABLE ehr.bad (visit_month date, race text, language text, "
                        "met text, denominator integer)")  # fmt: skip
            con.execute("INSERT INTO ehr.bad VALUES ('2024-01-01', 'white', 'en', 'lots', 3)")
        netloc = f"{parts.username or 'postgres'}:{PASSWORD}@{parts.hostname}:{parts.port or 5432}"
        yield urlunsplit(parts._replace(path=f"/{name}", netloc=netloc))
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def staff(db):
    return person(Role.PROGRAM_STAFF)


@pytest.fixture
def connection(bp, staff, warehouse):
    return connection_services.connection_save(
        measure=bp, actor=staff, kind="postgres", secret=warehouse, table="ehr.encounters",
        columns=COLUMNS,
    )  # fmt: skip


def expected(extract, period: str, race: str) -> tuple[int, int]:
    rows = [r for r in extract if r["month"].isoformat() == period and r["race_ethnicity"] == race]
    return sum(r["numerator"] for r in rows), sum(r["denominator"] for r in rows)


@pytest.mark.django_db
def test_a_pull_stores_the_aggregates_as_new_versions_with_age_counts(connection, staff, extract):
    pulled = connection_services.connection_pull(
        connection_id=connection.pk, actor=staff, today=TODAY
    )
    assert (pulled.status, pulled.last_error) == ("ok", "")
    assert pulled.last_versions == 3
    subs = Submission.objects.filter(measure=connection.measure, is_current=True)
    assert sorted(s.period.isoformat() for s in subs) == ["2024-01-01", "2024-02-01", "2024-03-01"]
    assert {s.source for s in subs} == {"connection"}
    black = StratumCount.objects.get(
        submission__in=subs, submission__period="2024-02-01", stratifier="race_ethnicity",
        group="black",
    )  # fmt: skip
    assert (black.numerator, black.denominator) == expected(extract, "2024-02-01", "black")
    ages = AgeCount.objects.filter(submission__in=subs, stratifier="overall")
    assert ages.exists()
    total = StratumCount.objects.get(
        submission__in=subs, submission__period="2024-01-01", stratifier="overall"
    )
    jan = ages.filter(submission__period="2024-01-01")
    assert sum(a.denominator for a in jan) == total.denominator
    # The same data again: no new version.
    again = connection_services.connection_pull(
        connection_id=connection.pk, actor=None, today=TODAY
    )
    assert (again.status, again.last_versions) == ("ok", 0)
    assert Submission.objects.filter(measure=connection.measure).count() == 3


@pytest.mark.django_db
def test_the_credentials_are_encrypted_and_never_audited(connection):
    stored = DataConnection.objects.get(pk=connection.pk)
    assert AuditEntry.objects.filter(action="measures.connection_save").get().note == (
        "connection created"
    )
    assert PASSWORD not in stored.secret and "postgres://" not in stored.secret
    connection_services.connection_pull(connection_id=connection.pk, actor=None, today=TODAY)
    for entry in AuditEntry.objects.all():
        text = f"{entry.before} {entry.after} {entry.note}"
        assert PASSWORD not in text
        assert "postgres://" not in text and "127.0.0.1" not in text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("table", "url_change", "expected_text"),
    [
        ("ehr.nothing_here", None, "table or view 'ehr.nothing_here' does not exist"),
        ("ehr.bad", None, "is not a number"),
        ("ehr.encounters", ("/pe_connection_", "/pe_no_such_db_"), "cannot connect to"),
    ],
)
def test_a_bad_table_or_url_fails_with_a_clear_message_and_no_password(
    bp, staff, warehouse, table, url_change, expected_text, caplog
):
    url = warehouse.replace(*url_change) if url_change else warehouse
    columns = {"period": "visit_month", "race_ethnicity": "race", "numerator": "met"}
    saved = connection_services.connection_save(
        measure=bp, actor=staff, kind="postgres", secret=url, table=table, columns=columns
    )
    with caplog.at_level(logging.DEBUG):
        pulled = connection_services.connection_pull(
            connection_id=saved.pk, actor=staff, today=TODAY
        )
    assert pulled.status == "failed"
    assert expected_text in pulled.last_error
    assert PASSWORD not in pulled.last_error
    assert PASSWORD not in caplog.text
    assert not Submission.objects.filter(measure=bp).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"secret": "mysql://u:p@h/db", "table": "t"}, "secret", "must start with postgres://"),
        ({"secret": "postgres://u:p@/", "table": "t"}, "secret", "name the host and the database"),
        ({"secret": "postgres://u@h:99999x/db", "table": "t"}, "secret", "not a database URL"),
        ({"secret": "postgres://u@h/db", "table": "t; drop table x"}, "table", "Name the table"),
        ({"table": "t"}, "secret", "Enter the database URL"),
    ],
)
def test_a_bad_connection_is_refused_naming_the_field(bp, staff, fields, field, message):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        connection_services.connection_save(measure=bp, actor=staff, kind="postgres", **fields)
    assert message in " ".join(caught.value.message_dict[field])
    assert "u:p" not in str(caught.value)


# --- the pages -----------------------------------------------------------------------------------


def follow(client, html: str, text: str) -> tuple[str, str]:
    """The page behind the first link whose text contains ``text`` (a person clicking it)."""
    for href, label in re.findall(r'<a href="([^"]+)"[^>]*>(.*?)</a>', html, re.S):
        if text in re.sub(r"<[^>]+>", "", label):
            response = client.get(href)
            assert response.status_code == 200, href
            return href, response.content.decode()
    raise AssertionError(f"no link “{text}” on the page")


def form_data(form_html: str) -> dict:
    return dict(re.findall(r'name="(csrfmiddlewaretoken)" value="([^"]+)"', form_html))


@pytest.mark.django_db
def test_staff_set_up_and_pull_a_connection_by_links_and_the_team_sees_the_data(
    client, bp, editor, staff, warehouse, extract, caplog
):
    client.force_login(staff)
    home = client.get(reverse("team_detail", args=[bp.team.slug])).content.decode()
    _, listing = follow(client, home, "Data connections")
    form_url, page = follow(client, listing, bp.name)
    assert "set up a data connection" in listing
    with caplog.at_level(logging.DEBUG):
        response = client.post(
            form_url,
            {
                "kind": "postgres",
                "secret": warehouse,
                "table": "ehr.encounters",
                "column_period": "visit_month",
                "column_race_ethnicity": "race",
                "column_numerator": "met",
                "column_age": "age_years",
            },
            follow=True,
        )
        page = response.content.decode()
        assert "Data connection saved" in page
        assert "Stored; enter a new one to replace it." in page
        assert 'value="visit_month"' in page
        pull = reverse("measure_connection_pull", args=[bp.team.slug, bp.slug])
        assert f'action="{pull}"' in page
        pulled = client.post(pull, follow=True).content.decode()
    assert "Pulled: 3 new version(s)" in pulled and "Pulled, " in pulled
    for html in (home, listing, page, pulled):
        assert PASSWORD not in html and "127.0.0.1" not in html
    assert PASSWORD not in caplog.text
    # The team: its measure's page says where the data come from; the dashboard shows them.
    client.force_login(editor)
    data = client.get(reverse("measure_data", args=[bp.team.slug, bp.slug])).content.decode()
    assert "The data come from a connection to your database" in data
    assert "last pulled" in data and "Data connection" in data
    assert PASSWORD not in data
    dashboard = client.get(reverse("measure_dashboard", args=[bp.team.slug, bp.slug]))
    html = dashboard.content.decode()
    total = StratumCount.objects.get(
        submission__is_current=True, submission__period="2024-03-01", stratifier="overall"
    ).denominator
    assert dashboard.status_code == 200
    assert re.search(rf'<th scope="row">March 2024</th><td>\d+</td><td>{total}</td>', html)


@pytest.mark.django_db
def test_a_failed_pull_shows_staff_a_clear_message_without_the_password(
    client, bp, staff, warehouse
):
    connection_services.connection_save(
        measure=bp, actor=staff, kind="postgres", secret=warehouse, table="ehr.missing"
    )
    client.force_login(staff)
    pull = reverse("measure_connection_pull", args=[bp.team.slug, bp.slug])
    html = client.post(pull, follow=True).content.decode()
    assert "The pull failed" in html
    assert "table or view &#x27;ehr.missing&#x27; does not exist" in html
    assert PASSWORD not in html


@pytest.mark.django_db
def test_a_bad_form_names_the_field(client, bp, staff):
    client.force_login(staff)
    url = reverse("measure_connection", args=[bp.team.slug, bp.slug])
    html = client.post(url, {"kind": "postgres", "secret": "mysql://a:b@h/d", "table": "x"})
    html = html.content.decode()
    assert "The URL must start with postgres://" in html
    assert "a:b@" not in html  # the typed URL is not echoed back either
    assert not DataConnection.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "member", "coach", "other_team", "faculty"])
def test_nobody_but_staff_sees_or_edits_connections(client, bp, editor, staff, warehouse, who):
    saved = connection_services.connection_save(
        measure=bp, actor=staff, kind="postgres", secret=warehouse, table="ehr.encounters"
    )
    team = bp.team
    coach = person(Role.FACULTY)
    team.coach = coach
    team.save()
    other = member(TeamFactory())
    user = {
        "anonymous": None,
        "member": editor,
        "coach": coach,
        "other_team": other,
        "faculty": person(Role.FACULTY),
    }[who]
    if user is not None:
        client.force_login(user)
    args = [team.slug, bp.slug]
    for method, url in (
        ("get", reverse("team_connections", args=[team.slug])),
        ("get", reverse("measure_connection", args=args)),
        ("post", reverse("measure_connection", args=args)),
        ("post", reverse("measure_connection_pull", args=args)),
        ("post", reverse("measure_connection_remove", args=args)),
    ):
        response = getattr(client, method)(
            url, {"kind": "postgres", "secret": "postgres://x@evil/db", "table": "t"}
        )
        assert response.status_code == (302 if user is None else 403), (method, url)
        if user is None:
            assert "/login/" in response["Location"] or "login" in response["Location"]
    after = DataConnection.objects.get(pk=saved.pk)
    assert (after.secret, after.table, after.status) == (saved.secret, saved.table, "never")
    if user is not None:
        page = client.get(reverse("team_detail", args=[team.slug])).content.decode()
        assert "Data connections" not in page


@pytest.mark.django_db
def test_a_failed_pull_is_a_task_on_the_staff_home_linking_to_the_connection(
    client, bp, staff, warehouse
):
    saved = connection_services.connection_save(
        measure=bp, actor=staff, kind="postgres", secret=warehouse, table="ehr.missing"
    )
    client.force_login(staff)
    assert (
        "Data connections whose last pull failed"
        not in client.get(reverse("home")).content.decode()
    )
    connection_services.connection_pull(connection_id=saved.pk, actor=None, today=TODAY)
    home = client.get(reverse("home")).content.decode()
    assert "Data connections whose last pull failed" in home
    _, page = follow(client, home, f"{bp.team.name}: {bp.name}")
    assert "does not exist" in page and "Pull now" in page
    assert PASSWORD not in home and PASSWORD not in page


@pytest.mark.django_db
def test_the_monthly_command_queues_every_connection_and_reports_with_now(
    bp, staff, warehouse, settings
):
    from io import StringIO

    from django.core.management import call_command

    saved = connection_services.connection_save(
        measure=bp, actor=staff, kind="postgres", secret=warehouse, table="ehr.encounters",
        columns=COLUMNS,
    )  # fmt: skip
    out = StringIO()
    call_command("pull_data_connections", stdout=out)  # the test task backend runs it at once
    assert "Queued 1 data connection pull." in out.getvalue()
    assert DataConnection.objects.get(pk=saved.pk).status == "ok"
    assert Submission.objects.filter(measure=bp, source="connection").count() == 3
    out = StringIO()
    call_command("pull_data_connections", "--now", stdout=out)
    assert "Pulled, 0 new versions" in out.getvalue()
    assert PASSWORD not in out.getvalue()
    actions = list(AuditEntry.objects.values_list("action", "actor_label").order_by("id"))
    assert ("measures.connection_pull", "pull_data_connections") in actions


# A second JVM in this worker costs minutes; the engines' equality test covers Spark in every run.
@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.skipif(
    shutil.which("java") is None and not os.environ.get("JAVA_HOME"),
    reason="Spark needs Java: run `make test` (it installs default-jre-headless)",
)
def test_a_spark_source_gives_the_same_versions_as_postgres(
    bp, staff, warehouse, extract, tmp_path
):
    import pyarrow as pa

    path = tmp_path / "encounters.parquet"
    rows = [
        {"visit_month": r["month"], "race": r["race_ethnicity"], "language": r["language"],
         "age_years": r["age_years"], "met": r["numerator"], "denominator": r["denominator"]}
        for r in extract
    ]  # fmt: skip
    pq.write_table(pa.Table.from_pylist(rows), path)
    os.environ.setdefault("EQUITYSTATS_SPARK_PARTITIONS", "2")
    spark = connection_services.connection_save(
        measure=bp, actor=staff, kind="spark", secret=str(path), spark_master="local[2]",
        columns=COLUMNS,
    )  # fmt: skip
    pulled = connection_services.connection_pull(connection_id=spark.pk, actor=staff, today=TODAY)
    assert (pulled.status, pulled.last_error, pulled.last_versions) == ("ok", "", 3)
    counts = {
        (c.submission.period, c.stratifier, c.group): (c.numerator, c.denominator)
        for c in StratumCount.objects.filter(submission__is_current=True).select_related(
            "submission"
        )
    }
    ages = AgeCount.objects.filter(submission__is_current=True).count()
    # The same table on PostgreSQL: nothing changed, so no new version.
    connection_services.connection_save(
        measure=bp, actor=staff, kind="postgres", secret=warehouse, table="ehr.encounters",
        columns=COLUMNS,
    )  # fmt: skip
    again = connection_services.connection_pull(connection_id=spark.pk, actor=staff, today=TODAY)
    assert (again.status, again.last_versions) == ("ok", 0), again.last_error
    assert len(counts) > 10 and ages > 10


def test_scrub_removes_the_url_its_password_and_any_user_info():
    from pursuing_equity.measures.connections import scrub

    url = "postgres://alice:s%40cret-pw@db.example.org:5432/ehr"
    text = f"cannot connect to {url}; password s@cret-pw for alice; other postgres://bob:pw@h/x"
    cleaned = scrub(text, url)
    assert "s@cret-pw" not in cleaned and "s%40cret-pw" not in cleaned
    assert "alice" not in cleaned and "bob:pw" not in cleaned
    assert "postgres://h/x" in cleaned


@pytest.mark.django_db
def test_a_changed_key_asks_staff_to_enter_the_credentials_again(bp, staff, settings):
    saved = connection_services.connection_save(
        measure=bp, actor=staff, kind="postgres", secret="postgres://u:pw@h/db", table="t"
    )
    settings.PE_DATA_CONNECTION_KEY = "another key"
    pulled = connection_services.connection_pull(connection_id=saved.pk, actor=None, today=TODAY)
    assert pulled.status == "failed"
    assert "enter the database URL or source path again" in pulled.last_error
