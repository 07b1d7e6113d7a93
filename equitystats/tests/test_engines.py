"""The extract aggregations on DuckDB, PostgreSQL and Spark give the same counts and intervals.

PostgreSQL is the machine's server (``EQUITYSTATS_TEST_POSTGRES``, default
postgres://postgres@127.0.0.1:5432/postgres); each run creates and drops its own scratch
database. Spark runs in local mode, one session for the whole test run (``make test``
installs Java; without it the Spark tests are skipped and say why).
"""

from __future__ import annotations

import csv
import io
import os
import shutil
from urllib.parse import urlsplit, urlunsplit

import numpy as np
import psycopg
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from equitystats import engines, synth
from equitystats.cli import main
from equitystats.errors import InputError

ADMIN_URL = os.environ.get(
    "EQUITYSTATS_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres"
)
OPTIONS = dict(
    period="month",
    strata="race_ethnicity,language,sexual_orientation,age_group",
    numerator="numerator",
    denominator="denominator",
    intersections=["race_ethnicity*language", "race_ethnicity*age_group*sexual_orientation"],
)
QUALITY = dict(period="month", strata="race_ethnicity,language,gender_identity")
needs_java = pytest.mark.skipif(
    shutil.which("java") is None and not os.environ.get("JAVA_HOME"),
    reason="Spark needs Java: run `make test` (it installs default-jre-headless)",
)


@pytest.fixture(scope="module")
def extract(tmp_path_factory):
    """A synthetic extract (3,000 patients × 6 months), as Parquet and as CSV."""
    folder = tmp_path_factory.mktemp("engines")
    parquet = folder / "extract.parquet"
    synth.extract(n_patients=3000, months=6, seed=19, out=parquet)
    table = synth.decoded(pq.read_table(parquet))
    csv_path = folder / "extract.csv"
    pacsv.write_csv(table, csv_path)
    return {"parquet": parquet, "csv": csv_path, "table": table}


@pytest.fixture(scope="module")
def postgres(extract):
    """A scratch database holding the extract as table ``ehr.encounters``; dropped after."""
    name = f"equitystats_engines_{os.getpid()}"
    parts = urlsplit(ADMIN_URL)
    url = urlunsplit(parts._replace(path=f"/{name}"))
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        table = extract["table"]
        with psycopg.connect(url, autocommit=True) as con:
            con.execute("CREATE SCHEMA ehr")
            con.execute(
                "CREATE TABLE ehr.encounters (month date, race_ethnicity text, language text, "
                "sexual_orientation text, gender_identity text, age_group text, "
                "numerator smallint, denominator smallint)"
            )
            columns = [table.column(c).to_pylist() for c in table.column_names]
            with con.cursor().copy(
                f"COPY ehr.encounters ({', '.join(table.column_names)}) FROM STDIN"
            ) as copy:
                for row in zip(*columns, strict=True):
                    copy.write_row(row)
            con.execute("CREATE VIEW ehr.recent AS SELECT * FROM ehr.encounters")
        yield url
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def spark():
    os.environ.setdefault("EQUITYSTATS_SPARK_PARTITIONS", "2")
    return engines.spark_session("local[2]")


def assert_same(a, b):
    assert len(a) == len(b) > 0
    for column in a.COLUMNS:
        x, y = getattr(a, column), getattr(b, column)
        if x.dtype.kind == "f":
            np.testing.assert_array_equal(x, y, err_msg=column)
        else:
            assert x.tolist() == y.tolist(), column


@needs_java
def test_stratified_counts_and_intervals_are_identical_on_the_three_engines(
    extract, postgres, spark
):
    native = engines.from_extract(extract["parquet"], **OPTIONS)
    assert {"race_ethnicity*language", "overall"} <= set(native.stratifiers)
    duckdb_ibis = engines.from_extract(extract["parquet"], native_duckdb=False, **OPTIONS)
    on_postgres = engines.from_extract(
        postgres, engine="postgres", table="ehr.encounters", **OPTIONS
    )
    on_spark = engines.from_extract(
        extract["parquet"], engine="spark", spark_master="local[2]", **OPTIONS
    )
    for other in (duckdb_ibis, on_postgres, on_spark):
        assert_same(native, other)


@needs_java
def test_completeness_is_identical_on_the_three_engines(extract, postgres, spark):
    native = engines.completeness_from_extract(extract["parquet"], **QUALITY)
    on_postgres = engines.completeness_from_extract(
        postgres, engine="postgres", table="ehr.recent", **QUALITY
    )
    on_spark = engines.completeness_from_extract(
        extract["parquet"], engine="spark", spark_master="local[2]", **QUALITY
    )
    for other in (on_postgres, on_spark):
        assert len(other) == len(native) > 0
        for column in native.COLUMNS:
            np.testing.assert_array_equal(
                getattr(native, column), getattr(other, column), err_msg=column
            )


def run(args, capsys):
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_writes_the_same_csv_from_postgres_as_from_the_file(extract, postgres, capsys):
    flags = [
        "--extract",
        "--period",
        "month",
        "--strata",
        "race_ethnicity,language",
        "--intersect",
        "race_ethnicity*language",
        "--numerator",
        "numerator",
        "--denominator",
        "denominator",
        "--kind",
        "rate",
    ]
    code, local, _ = run(["stratify", str(extract["parquet"]), *flags], capsys)
    assert code == 0
    code, remote, err = run(
        ["stratify", postgres, *flags, "--engine", "postgres", "--table", "ehr.encounters"],
        capsys,
    )
    assert (code, err) == (0, "")
    assert remote == local
    header = next(csv.reader(io.StringIO(remote)))
    assert header[:3] == ["period", "stratifier", "group"]

    quality = ["quality", "--extract", "--period", "month", "--strata", "language"]
    code, local, _ = run([*quality[:1], str(extract["csv"]), *quality[1:]], capsys)
    code2, remote, _ = run(
        [*quality[:1], postgres, *quality[1:], "--engine", "postgres", "--table", "ehr.recent"],
        capsys,
    )
    assert (code, code2) == (0, 0)
    assert remote == local


def test_postgres_errors_name_the_table_and_columns_never_the_password(postgres, capsys):
    secret_url = postgres.replace("postgres@", "postgres:hunter2@", 1)
    base = ["stratify", secret_url, "--extract", "--engine", "postgres", "--period", "month"]
    counts = ["--numerator", "numerator", "--denominator", "denominator"]

    code, out, err = run([*base, *counts], capsys)
    assert code == 2 and "--table is required" in err

    code, out, err = run([*base, *counts, "--table", "ehr.missing"], capsys)
    assert code == 2 and "'ehr.missing' does not exist" in err

    code, out, err = run(
        [*base, "--table", "ehr.encounters", "--numerator", "x", *counts[2:]], capsys
    )
    assert code == 2 and "missing column 'x'" in err and "race_ethnicity" in err

    for args in ([*base, *counts], [*base, *counts, "--table", "ehr.missing"]):
        _, _, err = run(args, capsys)
        assert "hunter2" not in err

    code, _, err = run(
        ["stratify", "no-such.parquet", "--engine", "postgres", *counts, "--period", "m"], capsys
    )
    assert code == 2 and "add --extract" in err


def test_a_bad_count_is_named_by_column_and_value(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("month,race,x,n\n2024-01,black,1,2\n2024-01,white,2x,3\n")
    with pytest.raises(InputError, match=r"column \"x\": '2x' is not a number"):
        engines.from_extract(
            path,
            native_duckdb=False,
            period="month",
            strata="race",
            numerator="x",
            denominator="n",
        )
    path.write_text("month,race,x,n\n2024-01,black,3,2\n")
    with pytest.raises(InputError, match="numerator 3 is greater than denominator 2"):
        engines.from_extract(
            path, native_duckdb=False, period="month", strata="race", numerator="x", denominator="n"
        )


@needs_java
def test_spark_reads_a_csv_extract_as_text_like_duckdb(extract, spark):
    native = engines.from_extract(extract["csv"], **OPTIONS)
    on_spark = engines.from_extract(
        extract["csv"], engine="spark", spark_master="local[2]", **OPTIONS
    )
    assert_same(native, on_spark)


def test_a_cluster_uri_is_not_opened_locally_and_a_missing_file_is_named(tmp_path):
    assert engines._file_kind("s3a://bucket/extract/") == "parquet"
    assert engines._file_kind("hdfs://head/extract.csv") == "csv"
    with pytest.raises(InputError, match="cannot read file"):
        engines.from_extract(
            tmp_path / "nowhere.parquet",
            engine="spark",
            period="month",
            numerator="x",
            denominator="n",
        )
