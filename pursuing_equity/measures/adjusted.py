"""Age-adjusted rates by group, for measures whose patient-level extract has ages.

Where the data come from: a patient-level extract with an ``age`` column (whole years) or an
``age_band`` column (labels such as ``"45-64"`` or ``"75+"``) is counted, besides the usual
groups, by group × age band (:func:`extract_age_rows`, one DuckDB scan per stratifier); the
counts are stored per submitted period as :class:`~.models.AgeCount`. A counts file may carry
them too: rows with an ``age_band`` that add up to their group's row (:func:`counts_age_rows`). Ages are counted in the
program file's ``[measures] age_bands`` (default :data:`DEFAULT_BANDS`), which must fall on the
2000 U.S. standard's age groups; an ``age_band`` label that does not is refused, named.

What the dashboard shows (:func:`adjusted_view`, computed with the stored dashboard, never in a
request): per group and period the directly age-standardised rate with the Fay–Feuer gamma
interval (Fay MP, Feuer EJ 1997, Stat Med 16:791–801; :func:`equitystats.ageadjust.direct`),
against the standard population the program file names (``age_standard``):

* ``us2000`` (default): the 2000 U.S. standard population (Klein RJ, Schoenborn CA 2001, NCHS
  Healthy People 2010 Statistical Notes 20, Table 2; :func:`equitystats.ageadjust.us2000_standard`);
* ``team_total``: the team's own patients of every group, all periods together.

Only the bands holding some of the team's patients (any group, any period) enter the standard:
the others lie outside the measure's population (a screening of 45–75-year-olds has no
children). A group with no patient in one of those bands in a period has no adjusted rate then
(the rate of that band is unknown), and the page says which band was empty.

Gaps on adjusted rates, against the measure's reference group: difference with the MOVER-D
interval (Zou GY, Donner A 2008, Stat Med 27:1693–1702, eq. 3) and ratio with MOVER-R (Donner
A, Zou GY 2012, Stat Methods Med Res 21:347–359, §2.2), each from the two Fay–Feuer intervals
(:func:`equitystats.compare.mover_difference`, :func:`~equitystats.compare.mover_ratio`): the
MOVER needs only each rate's own limits, so it applies to any estimate with a good interval
(Zou & Donner 2008, §2). Against "everyone" the group is part of the reference; treating the
two as independent over-states the variance of the difference (their covariance is positive),
so that interval is conservative.

Outside the team (suppressed views) an adjusted rate is shown only where the group's own count
in that period is published AND every age-band count behind it — of the group and of its
reference — is 0 or above the suppression threshold, so no adjusted rate is built from a cell
the release hides or would hide (issue 14 item 5; :mod:`equitystats.suppress`).
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from equitystats import ageadjust, compare, stratify
from equitystats.errors import InputError
from pursuing_equity.measures import periods as period_text
from pursuing_equity.measures.categories import group_label
from pursuing_equity.measures.checks import Checked, locate_value, report_checks
from pursuing_equity.measures.choices import STANDARD_LABELS, US2000
from pursuing_equity.measures.models import ALL, OVERALL, Measure, ReferenceChoice

if TYPE_CHECKING:
    from pursuing_equity.measures.choices import ChartSettings
    from pursuing_equity.measures.publication import Published

AGE, AGE_BAND = "age", "age_band"
CRUDE_LABEL = "Crude"
MAX_AGE = 125
MULTIPLIER = 100.0  # percent, as every rate of the dashboard


# --------------------------------------------------------------------------------------------
# The extract: counts by group and age band


def age_column(columns: Sequence[str]) -> str | None:
    """The extract's column of ages (``age``) or age bands (``age_band``), if it has one."""
    by_name = {c.strip().lower(): c for c in columns}
    return by_name.get(AGE) or by_name.get(AGE_BAND)


def _band_bounds(bands: Sequence[str]) -> list[tuple[str, int, float]]:
    return sorted(((b, *ageadjust.parse_age_group(b)) for b in bands), key=lambda t: t[1])


def extract_age_rows(
    measure: Measure,
    source: stratify.Source,
    *,
    column: str,
    period_column: str,
    period_map: dict[str, datetime.date | None],
    group_map: dict[tuple[str, str], str | None],
    bands: Sequence[str],
    checked: Checked,
    parquet: bool,
) -> list[dict[str, Any]]:
    """Counts of every group (and the total) of every period by age band, from ``source``
    (period and group labels mapped as the extract's counts were: ``period_map``,
    ``group_map``). Every bad age is a problem of ``checked``, located by row; then nothing
    is returned."""
    if column.strip().lower() == AGE:
        band_sql = _age_band_sql(source, column, bands, checked, parquet=parquet)
    else:
        band_sql = _band_label_sql(source, column, checked, parquet=parquet)
    if band_sql is None or checked.problems:
        return []
    x = stratify.numeric(source, "numerator").value
    n = stratify.numeric(source, "denominator").value
    p = stratify.period_sql(source, period_column)
    sums: dict[tuple[datetime.date, str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for stratifier in [OVERALL, *measure.stratifiers]:
        s_sql = "NULL" if stratifier == OVERALL else stratify.quote(stratifier)
        sql = (
            f"SELECT __p, __s, __b, SUM(__x), SUM(__n) FROM (SELECT {p} AS __p, {s_sql} AS __s, "  # noqa: S608 - identifiers quoted by equitystats
            f"{band_sql} AS __b, {x} AS __x, {n} AS __n FROM {source.relation}) GROUP BY ALL"
        )
        for period, raw, band, xs, ns in source.query(sql).fetchall():
            day = period_map.get(stratify.period_text(period))
            group = (
                ALL
                if stratifier == OVERALL
                else group_map.get((stratifier, stratify.label_of(raw)))
            )
            if day is None or group is None:
                continue  # reported with the extract's counts
            cell = sums[(day, stratifier, group, band)]
            cell[0] += int(xs)
            cell[1] += int(ns)
    order = {key: i for i, key in enumerate([OVERALL, *measure.stratifiers])}
    lower = {b: ageadjust.parse_age_group(b)[0] for b in {k[3] for k in sums}}
    return [
        {
            "period": day.isoformat(),
            "stratifier": s,
            "group": g,
            "age_band": b,
            "numerator": xs,
            "denominator": ns,
        }
        for (day, s, g, b), (xs, ns) in sorted(
            sums.items(), key=lambda kv: (kv[0][0], order[kv[0][1]], kv[0][2], lower[kv[0][3]])
        )
    ]


def _age_band_sql(
    source: stratify.Source, column: str, bands: Sequence[str], checked: Checked, *, parquet: bool
) -> str | None:
    """SQL of the band of each row's age; bad ages reported (missing, not a number, outside
    0–125, in no band)."""
    try:
        spec = stratify.numeric(source, column)
    except InputError:
        checked.add(
            f"the column “{column}” must hold ages in whole years (or name it age_band and "
            "write bands such as 45-64)",
            row=1,
            column=column,
        )
        return None
    age = f"FLOOR({spec.value})"
    cases = " ".join(
        f"WHEN {age} >= {lo} AND {age} <= {'1e9' if math.isinf(hi) else int(hi)} THEN '{label}'"
        for label, lo, hi in _band_bounds(bands)
    )
    band_sql = f"CASE {cases} END"
    listed = ", ".join(bands)
    checks = [
        stratify.Check(
            column,
            "__a_raw IS NULL",
            "the age is missing: fill it in, or remove the age column to upload without "
            "age-adjusted rates",
        )
    ]
    if spec.text:
        checks.append(
            stratify.Check(
                column, "__a_raw IS NOT NULL AND __a IS NULL", "{raw!r} is not an age in years"
            )
        )
    checks += [
        stratify.Check(
            column,
            f"NOT isfinite(CAST(__a AS DOUBLE)) OR __a < 0 OR __a > {MAX_AGE}",
            "{raw!r} is not an age in years (0 to " + str(MAX_AGE) + ")",
        ),
        stratify.Check(
            column,
            f"__a >= 0 AND __a <= {MAX_AGE} AND __b IS NULL",
            "age {raw} falls in none of the program's age bands (" + listed + ")",
        ),
    ]
    projection = f"{spec.raw} AS __a_raw, {age} AS __a, {band_sql} AS __b"
    report_checks(source, projection, checks, checked, parquet=parquet)
    return band_sql


def _band_label_sql(
    source: stratify.Source, column: str, checked: Checked, *, parquet: bool
) -> str | None:
    """SQL of each row's band label; labels that cannot be read, or that do not fall on the
    2000 U.S. standard's age groups, or that overlap, are reported by name."""
    q = stratify.quote(column)
    label = f"NULLIF(TRIM(CAST({q} AS VARCHAR)), '')"
    report_checks(
        source,
        f"{label} AS __b",
        [stratify.Check(column, "__b IS NULL", "the age band is missing")],
        checked,
        parquet=parquet,
    )
    if checked.problems:
        return None
    sql = f"SELECT DISTINCT {label} FROM {source.relation}"  # noqa: S608 - identifiers quoted by equitystats
    labels = sorted(str(row[0]) for row in source.query(sql).fetchall())
    try:
        ageadjust.us2000_standard(labels)
    except InputError as exc:
        bad = labels[(exc.row or 1) - 1]
        checked.add(
            f"age band “{bad}”: {exc.message}",
            row=locate_value(source, column, bad, parquet),
            column=column,
        )
        return None
    return label


def band_of(raw: Any) -> tuple[str | None, str | None]:
    """The age band of a counts file's ``age_band`` cell, or the problem with it (named)."""
    label = str(raw).strip()
    try:
        ageadjust.us2000_standard([label])
    except InputError as exc:
        return None, f"age band “{label}”: {exc.message}"
    return label, None


def counts_age_rows(
    measure: Measure, rows: Sequence[dict[str, Any]], banded: Sequence[tuple], checked: Checked
) -> list[dict[str, Any]]:
    """Age-band rows of a counts file (``banded``: (record, period, stratifier, group, band,
    numerator, denominator)) checked against its group rows (``rows``): each group's bands must
    add up to its row. The total's bands, when not given, are those of the first stratifier
    with bands; every stratifier's bands must then add up to them."""
    marginal = {(r["period"], r["stratifier"], r["group"]): r for r in rows}
    sums: dict[tuple[str, str, str], list] = {}
    out: list[dict[str, Any]] = []
    for rec, period, stratifier, group, band, x, n in banded:
        key = (period.isoformat(), stratifier, group)
        total = sums.setdefault(key, [0, 0, rec])
        total[0] += x
        total[1] += n
        out.append(
            {"period": key[0], "stratifier": stratifier, "group": group, "age_band": band,
             "numerator": x, "denominator": n}
        )  # fmt: skip
    for key, (x, n, rec) in sums.items():
        row = marginal.get(key)
        if row is None or (row["numerator"], row["denominator"]) != (x, n):
            said = "has no row of its own" if row is None else (
                f"has {row['numerator']}/{row['denominator']} in its own row"
            )  # fmt: skip
            checked.add(
                f"the age-band rows of {key[2]} ({key[1]}, {key[0][:7]}) add up to {x}/{n}, but "
                f"the group {said}; give every group its row and bands that add up to it",
                row=rec.row,
                column="numerator",
                letter=rec.letters.get("numerator"),
            )
    band_totals: dict[tuple[str, str], dict[str, list[int]]] = defaultdict(dict)
    for r in out:
        cell = band_totals[(r["period"], r["stratifier"])].setdefault(r["age_band"], [0, 0])
        cell[0] += r["numerator"]
        cell[1] += r["denominator"]
    for period in sorted({p for p, _ in band_totals}):
        present = [s for s in [OVERALL, *measure.stratifiers] if (period, s) in band_totals]
        base = band_totals[(period, present[0])]
        if present[0] != OVERALL:
            out += [
                {"period": period, "stratifier": OVERALL, "group": ALL, "age_band": b,
                 "numerator": x, "denominator": n}
                for b, (x, n) in base.items()
            ]  # fmt: skip
        for s in present[1:]:
            if band_totals[(period, s)] != base:
                checked.add(
                    f"the age-band rows of {s} in {period[:7]} do not add up to those of "
                    f"{present[0]}: each stratifier counts the same patients in each age band"
                )
    return out if not checked.problems else []


# --------------------------------------------------------------------------------------------
# The dashboard's section


@dataclass(frozen=True)
class AdjustedPoint:
    """One group in one period: crude and age-adjusted rate (percent) with the Fay–Feuer
    interval, and the gap to the reference on adjusted rates (points; ratio) with MOVER
    intervals. ``note`` says why a value is missing."""

    period: datetime.date
    period_label: str
    group: str
    group_label: str
    crude: float | None
    rate: float | None
    low: float | None
    high: float | None
    difference: float | None
    difference_low: float | None
    difference_high: float | None
    ratio: float | None
    ratio_low: float | None
    ratio_high: float | None
    note: str


@dataclass(frozen=True)
class AdjustedView:
    """The age-adjusted rates of one stratifier's groups (the reference's first)."""

    stratifier: str
    stratifier_label: str
    standard: str
    standard_label: str
    bands: tuple[str, ...]
    reference: str
    reference_label: str
    points: tuple[AdjustedPoint, ...]
    note: str

    @property
    def has_rates(self) -> bool:
        return any(p.rate is not None for p in self.points)


def _num(value: float) -> float | None:
    return None if value is None or not math.isfinite(value) else round(float(value), 4)


def adjusted_view(
    measure: Measure,
    rows: Sequence[Any],
    *,
    stratifier: str,
    groups: Sequence[str],
    settings: ChartSettings,
    published: Published | None = None,
) -> AdjustedView | None:
    """The age-adjusted section of the dashboard for ``stratifier`` (module docstring), from the
    age-band counts ``rows`` (:class:`~.selectors.AgeCountRow`) of the current versions, for
    ``groups`` (the groups the dashboard shows). ``published``: the counts as a viewer outside
    the team sees them (then the suppression rule of the module docstring applies), or None for
    the team's own view. None when the measure has no age-band counts for ``stratifier``."""
    mine = [r for r in rows if r.stratifier in (stratifier, OVERALL)]
    if not stratifier or not any(r.stratifier == stratifier for r in mine):
        return None
    counts: dict[tuple[str, datetime.date], dict[str, tuple[int, int]]] = defaultdict(dict)
    team_total: dict[str, int] = defaultdict(int)
    for r in mine:
        group = ALL if r.stratifier == OVERALL else r.group
        counts[(group, r.period)][r.age_band] = (r.numerator, r.denominator)
        if r.stratifier == OVERALL:
            team_total[r.age_band] += r.denominator
    bands = [b for b, _, _ in _band_bounds(team_total) if team_total[b] > 0]
    s_label = measure.stratifier_label(stratifier)
    standard = settings.age_standard if settings.age_standard in STANDARD_LABELS else US2000
    if standard == US2000:
        try:
            weights = ageadjust.us2000_standard(bands)
        except InputError as exc:
            return AdjustedView(
                stratifier, s_label, standard, STANDARD_LABELS[standard], tuple(bands), "", "",
                (), f"No age-adjusted rates: {exc.message}.",
            )  # fmt: skip
    else:
        weights = np.array([team_total[b] for b in bands], dtype=float)
    periods = sorted({r.period for r in mine})
    threshold = published.threshold if published is not None else None

    def rate(group: str, period: datetime.date) -> tuple[Any, str]:
        cells = counts.get((group, period), {})
        d = np.array([cells.get(b, (0, 0))[0] for b in bands], dtype=float)
        n = np.array([cells.get(b, (0, 0))[1] for b in bands], dtype=float)
        if not n.sum():
            return None, "no patients"
        empty = [b for b, size in zip(bands, n, strict=True) if size == 0]
        if empty:
            return None, f"no patients aged {', '.join(empty)}"
        if threshold is not None and any(
            0 < v <= threshold for pair in cells.values() for v in pair
        ):
            return None, "hidden outside the team: an age band holds fewer than " + str(
                threshold + 1
            )
        return ageadjust.direct(d, n, weights, multiplier=MULTIPLIER), ""

    def hidden(group: str, index: int) -> bool:
        if published is None:
            return False
        if group == ALL:
            cell = published.overall[index] if index < len(published.overall) else None
        else:
            series = published.cells.get(stratifier, {}).get(group, ())
            cell = series[index] if index < len(series) else None
        return cell is None or cell.rate is None

    reference = measure.reference_groups.get(stratifier, ReferenceChoice.OVERALL)
    shown = [g for g in groups if g != reference]
    if reference in groups:
        shown.insert(0, reference)
    higher = measure.improvement == Measure.Improvement.INCREASE
    index_of = {p: i for i, p in enumerate(published.periods)} if published else {}
    points = []
    for period in periods:
        label = period_text.text(period, measure.frequency)
        results: dict[str, tuple[Any, str]] = {}
        for group in [ALL, *shown]:
            i = index_of.get(period, -1)
            if published is not None and (i < 0 or hidden(group, i)):
                results[group] = (None, "hidden outside the team")
            else:
                results[group] = rate(group, period)
        ref = _reference(reference, results, shown, counts, period, higher)
        base = results.get(ref, (None, ""))[0] if ref else None
        for group in shown:
            value, note = results[group]
            comparison = [None] * 6
            if value is not None and base is not None and group != ref:
                scale = 1 / MULTIPLIER
                estimates = (
                    value.adjusted_rate * scale, value.ci_low * scale, value.ci_high * scale,
                    base.adjusted_rate * scale, base.ci_low * scale, base.ci_high * scale,
                )  # fmt: skip
                d = compare.mover_difference(*estimates)
                q = compare.mover_ratio(*estimates)
                comparison = [_num(float(v) * MULTIPLIER) for v in d] + [_num(float(v)) for v in q]
            elif value is not None and base is None and group != ref:
                note = "no adjusted rate of the reference in this period"
            points.append(
                AdjustedPoint(
                    period=period,
                    period_label=label,
                    group=group,
                    group_label=group_label(measure, stratifier, group),
                    crude=_num(value.crude_rate) if value is not None else None,
                    rate=_num(value.adjusted_rate) if value is not None else None,
                    low=_num(value.ci_low) if value is not None else None,
                    high=_num(value.ci_high) if value is not None else None,
                    difference=comparison[0],
                    difference_low=comparison[1],
                    difference_high=comparison[2],
                    ratio=comparison[3],
                    ratio_low=comparison[4],
                    ratio_high=comparison[5],
                    note=note,
                )
            )
    ref_label = (
        "everyone"
        if reference == ReferenceChoice.OVERALL
        else ReferenceChoice(reference).label.lower()
        if reference in ReferenceChoice.values
        else group_label(measure, stratifier, reference)
    )
    note = ""
    if published is not None:
        note = (
            "Outside the team an age-adjusted rate is shown only where the group's count is "
            "published and every age band behind it, and behind its reference, holds 0 or more "
            f"than {published.threshold} patients."
        )
    return AdjustedView(
        stratifier=stratifier,
        stratifier_label=s_label,
        standard=standard,
        standard_label=STANDARD_LABELS[standard],
        bands=tuple(bands),
        reference=reference,
        reference_label=ref_label,
        points=tuple(points),
        note=note,
    )


def _reference(
    reference: str,
    results: dict[str, tuple[Any, str]],
    shown: Sequence[str],
    counts: dict,
    period: datetime.date,
    higher: bool,
) -> str | None:
    """The group compared against in ``period``: the named group, everyone (``ALL``), the
    group with the best adjusted rate, or the group with the most patients."""
    if reference == ReferenceChoice.OVERALL:
        return ALL
    if reference == ReferenceChoice.BEST:
        rated = [(results[g][0].adjusted_rate, g) for g in shown if results[g][0] is not None]
        if not rated:
            return None
        return (max if higher else min)(rated)[1]
    if reference == ReferenceChoice.LARGEST:
        sizes = [(sum(n for _, n in counts.get((g, period), {}).values()), g) for g in shown]
        return max(sizes)[1] if sizes else None
    return reference if reference in results else None
