"""Pulling a measure's counts from a data connection: the aggregates are computed where the data
live (PostgreSQL or Spark, through :mod:`equitystats.engines`) and only they come back.

One query on the engine sums numerator and denominator per period for the overall, each
stratifier and, when the source has ages, each stratifier × age (and age alone): the same counts
an extract upload computes with DuckDB. They are then mapped and checked exactly as an extract
upload's are (:func:`pursuing_equity.measures.extracts.map_extract_counts`: periods, future
periods, categories, age bands), and stored as new versions by the services.

Credentials never leave this module in clear: every message is passed through :func:`scrub`,
which removes the stored URL or path, its password and any ``user:password@`` of a URL.
"""

from __future__ import annotations

import dataclasses
import datetime
import math
import re
from collections import defaultdict
from typing import Any
from urllib.parse import unquote, urlsplit

import numpy as np
from django.views.decorators.debug import sensitive_variables

from equitystats import ageadjust, engines, stratify
from equitystats.errors import InputError
from pursuing_equity.core import secrets
from pursuing_equity.measures import adjusted
from pursuing_equity.measures.checks import Checked
from pursuing_equity.measures.choices import age_settings
from pursuing_equity.measures.extracts import map_extract_counts
from pursuing_equity.measures.models import ALL, OVERALL, DataConnection, Measure

#: The extract's columns a connection maps, in the order the form asks for them.
BASE_COLUMNS: tuple[str, ...] = ("period", "numerator", "denominator")
AGE_KINDS = (adjusted.AGE, adjusted.AGE_BAND)
TABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$")
_USERINFO = re.compile(r"(?i)([a-z][a-z0-9+.-]*://)[^/@\s]*@")


def scrub(text: str, secret: str | None = None) -> str:
    """``text`` without ``secret``, its URL's password or user name, or any URL's user info."""
    text = text or ""
    if secret:
        parts = urlsplit(secret) if "://" in secret else None
        pieces = [secret]
        if parts is not None:
            pieces += [p for p in (parts.password, parts.username) if p and len(p) >= 3]
            pieces += [unquote(p) for p in pieces[1:]]
        for piece in sorted(set(pieces), key=len, reverse=True):
            text = text.replace(piece, "•••")
    return _USERINFO.sub(r"\1", text)


def url_problem(url: str) -> str | None:
    """What is wrong with a PostgreSQL URL as staff typed it (never quoting it), or None."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        return "This is not a database URL: write postgres://user:password@host:5432/database."
    if parts.scheme not in ("postgres", "postgresql"):
        return "The URL must start with postgres:// (postgres://user:password@host:5432/database)."
    if not parts.hostname or not parts.path.strip("/"):
        return "The URL must name the host and the database (postgres://user@host:5432/database)."
    return None


def source_columns(measure: Measure, columns: dict[str, str]) -> dict[str, str]:
    """The extract column → the source's column, defaults being the extract's own names."""
    names = [*BASE_COLUMNS, *measure.stratifiers]
    mapped = {name: (columns.get(name) or name) for name in names}
    for kind in AGE_KINDS:
        if columns.get(kind):
            mapped[kind] = columns[kind]
    return mapped


@sensitive_variables("secret")
def pull_counts(connection: DataConnection, *, today: datetime.date) -> Checked:
    """The counts of ``connection``'s source, checked like an extract upload's. Every problem,
    including an engine that cannot connect, is a problem of the result (credentials scrubbed)."""
    checked = Checked()
    measure = connection.measure
    try:
        secret = secrets.decrypt(connection.secret)
    except secrets.SecretUnreadable:
        checked.add(
            "The stored credentials cannot be decrypted (the site's PE_DATA_CONNECTION_KEY "
            "changed): enter the database URL or source path again."
        )
        return checked
    try:
        _pull(connection, measure, secret, checked, today)
    except InputError as exc:
        checked.add(scrub(_explain(str(exc)), secret))
    except Exception as exc:  # any engine's driver error: one clear, scrubbed line
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        checked.add(scrub(f"The pull failed: {first[:300]}", secret))
    if checked.problems:
        checked.rows, checked.age_rows = [], []
        checked.problems = [
            dataclasses.replace(p, message=scrub(p.message, secret)) for p in checked.problems
        ]
    return checked


def _explain(message: str) -> str:
    if "cannot connect to" in message:
        return (
            f"{message}. Check the host, port, database name, user name and password, and that "
            "the database accepts connections from this server."
        )
    return message


@sensitive_variables("secret")
def _pull(
    connection: DataConnection, measure: Measure, secret: str, checked: Checked, today
) -> None:
    mapped = source_columns(measure, connection.columns)
    age_kind = next((k for k in AGE_KINDS if k in mapped), None)
    age_col = mapped.get(age_kind) if age_kind else None
    strata = [mapped[s] for s in measure.stratifiers]
    if len(set(strata + [mapped[c] for c in BASE_COLUMNS] + ([age_col] if age_col else []))) != (
        len(strata) + len(BASE_COLUMNS) + (1 if age_col else 0)
    ):
        checked.add("Two of the mapped columns have the same name: map each to its own column.")
        return
    rates = engines.from_extract(
        secret,
        engine=connection.kind,
        table=connection.table or None,
        spark_master=connection.spark_master or None,
        period=mapped["period"],
        strata=strata + ([age_col] if age_col else []),
        numerator=mapped["numerator"],
        denominator=mapped["denominator"],
        intersections=[(s, age_col) for s in strata] if age_col else (),
    )
    back = {mapped[s]: s for s in measure.stratifiers}
    names = np.array([str(s) for s in rates.stratifier], dtype=object)
    main = np.array([n == OVERALL or n in back for n in names])
    renamed = np.array([back.get(n, n) for n in names], dtype=object)
    rates = dataclasses.replace(rates, stratifier=renamed)
    maps = map_extract_counts(
        measure, _subset(rates, main), checked, mapped["period"], today=today, columns=mapped
    )
    if maps is None or not age_col:
        return
    checked.age_rows = _age_rows(
        measure, _subset(rates, ~main), names[~main], age_kind, age_col, back, maps, checked
    )
    if checked.problems:
        checked.rows = []


def _subset(rates: stratify.StratifiedRates, mask: np.ndarray) -> stratify.StratifiedRates:
    arrays = {
        f.name: getattr(rates, f.name)[mask]
        for f in dataclasses.fields(rates)
        if isinstance(getattr(rates, f.name), np.ndarray)
    }
    return dataclasses.replace(rates, **arrays)


def _age_rows(
    measure: Measure,
    rates: stratify.StratifiedRates,
    source_names: np.ndarray,
    age_kind: str,
    age_col: str,
    back: dict[str, str],
    maps: tuple[dict, dict],
    checked: Checked,
) -> list[dict[str, Any]]:
    """Counts by group and age band from the engine's (stratifier × age) and (age) cells."""
    period_map, group_map = maps
    labels = sorted({str(g).split(stratify.INTERSECTION_SEP)[-1] for g in rates.group})
    band_of = _bander(measure, age_kind, age_col, labels, checked)
    if band_of is None:
        return []
    sums: dict[tuple[datetime.date, str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for p, name, g, x, n in zip(
        rates.period, source_names, rates.group, rates.numerator, rates.denominator, strict=True
    ):
        *group_parts, age = str(g).split(stratify.INTERSECTION_SEP)
        if name == age_col:
            stratifier, group = OVERALL, ALL
        else:
            stratifier = back[name.split(stratify.INTERSECTION_SEP)[0]]
            group = group_map.get((stratifier, stratify.INTERSECTION_SEP.join(group_parts)))
        day = period_map.get(stratify.period_text(p))
        if day is None or group is None:
            continue
        cell = sums[(day, stratifier, group, band_of[age])]
        cell[0] += int(x)
        cell[1] += int(n)
    order = {key: i for i, key in enumerate([OVERALL, *measure.stratifiers])}
    lower = {b: ageadjust.parse_age_group(b)[0] for b in {k[3] for k in sums}}
    return [
        {"period": day.isoformat(), "stratifier": s, "group": g, "age_band": b,
         "numerator": xs, "denominator": ns}
        for (day, s, g, b), (xs, ns) in sorted(
            sums.items(), key=lambda kv: (kv[0][0], order[kv[0][1]], kv[0][2], lower[kv[0][3]])
        )
    ]  # fmt: skip


def _bander(
    measure: Measure, age_kind: str, age_col: str, labels: list[str], checked: Checked
) -> dict[str, str] | None:
    """Each age label → its band; every label that is no age (or no band) is a problem."""
    if age_kind == adjusted.AGE_BAND:
        for label in labels:
            band, problem = adjusted.band_of(label)
            if problem:
                checked.add(problem, column=age_col)
        return None if checked.problems else {label: label for label in labels}
    bands = age_settings(measure.team.cycle)[1]
    bounds = sorted(((b, *ageadjust.parse_age_group(b)) for b in bands), key=lambda t: t[1])
    out: dict[str, str] = {}
    for label in labels:
        try:
            age = math.floor(float(label))
        except ValueError:
            checked.add(
                "an age is missing: fill it in, or clear the age column of the connection"
                if label == "missing"
                else f"“{label}” is not an age in years",
                column=age_col,
            )
            continue
        band = next((b for b, lo, hi in bounds if lo <= age <= hi), None)
        if band is None or age > adjusted.MAX_AGE:
            checked.add(
                f"age {label} falls in none of the program's age bands ({', '.join(bands)})",
                column=age_col,
            )
            continue
        out[label] = band
    return None if checked.problems else out
