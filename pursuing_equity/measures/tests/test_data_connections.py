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
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pyarrow.parquet as pq
import pytest

from equitystats import synth
from pursuing_equity.accounts.models import Role
from pursuing_equity.accounts.tests.factories import person
from pursuing_equity.core.models import AuditEntry
from pursuing_equity.measures import services
from pursuing_equity.measures.models import AgeCount, DataConnection, StratumCount, Submission
from pursuing_equity.measures.tests.factories import TODAY

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
    return services.connection_save(
        measure=bp, actor=staff, kind="postgres", secret=warehouse, table="ehr.encounters",
        columns=COLUMNS,
    )  # fmt: skip


def expected(extract, period: str, race: str) -> tuple[int, int]:
    rows = [r for r in extract if r["month"].isoformat() == period and r["race_ethnicity"] == race]
    return sum(r["numerator"] for r in rows), sum(r["denominator"] for r in rows)


@pytest.mark.django_db
def test_a_pull_stores_the_aggregates_as_new_versions_with_age_counts(connection, staff, extract):
    pulled = services.connection_pull(connection_id=connection.pk, actor=staff, today=TODAY)
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
    again = services.connection_pull(connection_id=connection.pk, actor=None, today=TODAY)
    assert (again.status, again.last_versions) == ("ok", 0)
    assert Submission.objects.filter(measure=connection.measure).count() == 3


@pytest.mark.django_db
def test_the_credentials_are_encrypted_and_never_audited(connection):
    stored = DataConnection.objects.get(pk=connection.pk)
    assert AuditEntry.objects.filter(action="measures.connection_save").get().note == (
        "connection created"
    )
    assert PASSWORD not in stored.secret and "postgres://" not in stored.secret
    services.connection_pull(connection_id=connection.pk, actor=None, today=TODAY)
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
    saved = services.connection_save(
        measure=bp, actor=staff, kind="postgres", secret=url, table=table, columns=columns
    )
    with caplog.at_level(logging.DEBUG):
        pulled = services.connection_pull(connection_id=saved.pk, actor=staff, today=TODAY)
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
        services.connection_save(measure=bp, actor=staff, kind="postgres", **fields)
    assert message in " ".join(caught.value.message_dict[field])
    assert "u:p" not in str(caught.value)
