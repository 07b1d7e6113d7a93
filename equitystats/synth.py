"""Synthetic data with known, injected disparities: patient-level extracts and monthly counts.

Nothing here describes real people. Category shares are rounded approximations of US
population figures, used only to make group sizes realistic:

* race and ethnicity — 2020 Census redistricting data (P.L. 94-171, table P2): Hispanic or
  Latino 18.7 %; not Hispanic: White alone 57.8 %, Black alone 12.1 %, Asian alone 5.9 %,
  American Indian and Alaska Native alone 0.7 %, Native Hawaiian and Other Pacific Islander
  alone 0.2 %, some other race alone 0.5 %, two or more races 4.1 %. The 2020 census had no
  MENA category; 1 percentage point is moved from White to MENA, an approximation of the
  share of people reporting a MENA origin;
* preferred language — mostly English, with Spanish and other languages at roughly the shares
  of US residents who speak English less than "very well" (American Community Survey, table
  S1601, rounded);
* sexual orientation and gender identity — rough shares of the order reported in national
  surveys (e.g. NCHS National Health Interview Survey; Williams Institute estimates of the
  transgender population, 2022), rounded;
* age group — 2020 Census age distribution, rounded.

Every attribute is drawn independently of the others, so the injected gap of one stratifier
(e.g. Black − White = −12 points) is also the expected gap of the marginal rates that
:mod:`equitystats.stratify` recovers. Missing demographic values are missing completely at
random: the true category is drawn first (and drives the outcome), then the recorded value is
replaced by ``unknown`` / ``declined`` / ``not_collected`` / null at the requested rate.

All generation is vectorised numpy; :func:`extract` writes month by month (chunked) with
pyarrow, so 10 million rows take a few seconds.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from equitystats import standards
from equitystats.errors import InputError

RACE_ETHNICITY_SHARES: dict[str, float] = {
    "hispanic": 0.187,
    "white": 0.568,
    "black": 0.121,
    "asian": 0.059,
    "aian": 0.007,
    "nhpi": 0.002,
    "mena": 0.010,
    "other": 0.005,
    "multiracial": 0.041,
}
LANGUAGE_SHARES: dict[str, float] = {
    "en": 0.905,
    "es": 0.060,
    "zh": 0.006,
    "vi": 0.004,
    "ko": 0.002,
    "tl": 0.002,
    "ru": 0.002,
    "ar": 0.002,
    "ht": 0.002,
    "pt": 0.002,
    "fr": 0.001,
    "pl": 0.001,
    "hi": 0.001,
    "so": 0.001,
    "fa": 0.001,
    "ja": 0.001,
    "de": 0.001,
    "ur": 0.001,
    "bn": 0.001,
    "nv": 0.001,
    "am": 0.001,
}
SEXUAL_ORIENTATION_SHARES: dict[str, float] = {
    "straight": 0.930,
    "lesbian_gay": 0.025,
    "bisexual": 0.035,
    "something_else": 0.010,
}
GENDER_IDENTITY_SHARES: dict[str, float] = {
    "woman": 0.505,
    "man": 0.485,
    "transgender_woman": 0.002,
    "transgender_man": 0.002,
    "non_binary": 0.004,
    "something_else": 0.002,
}
AGE_GROUP_SHARES: dict[str, float] = {"0-17": 0.22, "18-44": 0.36, "45-64": 0.25, "65+": 0.17}

SHARES: dict[str, dict[str, float]] = {
    "race_ethnicity": RACE_ETHNICITY_SHARES,
    "language": LANGUAGE_SHARES,
    "sexual_orientation": SEXUAL_ORIENTATION_SHARES,
    "gender_identity": GENDER_IDENTITY_SHARES,
    "age_group": AGE_GROUP_SHARES,
}
STRATA: tuple[str, ...] = tuple(SHARES)
REFERENCE: dict[str, str] = {
    "race_ethnicity": "white",
    "language": "en",
    "sexual_orientation": "straight",
    "gender_identity": "woman",
    "age_group": "45-64",
}
COLUMNS: tuple[str, ...] = ("month", *STRATA, "numerator", "denominator")

# Share of records whose demographic value is KNOWN. "good" is a well-run registration
# process; "poor" reflects the incomplete REaL and SOGI capture common in practice.
COMPLETENESS_PRESETS: dict[str, dict[str, float]] = {
    "complete": {s: 1.0 for s in STRATA},
    "good": {
        "race_ethnicity": 0.95,
        "language": 0.97,
        "sexual_orientation": 0.85,
        "gender_identity": 0.88,
        "age_group": 1.0,
    },
    "poor": {
        "race_ethnicity": 0.72,
        "language": 0.85,
        "sexual_orientation": 0.35,
        "gender_identity": 0.40,
        "age_group": 1.0,
    },
}
# How unknown records split among the missing-value kinds (a program choice for the demo).
MISSING_SPLIT: dict[str, float] = {
    standards.UNKNOWN: 0.35,
    standards.DECLINED: 0.25,
    standards.NOT_COLLECTED: 0.30,
    standards.MISSING: 0.10,  # written as null
}
DEFAULT_DISPARITIES: dict[str, dict[str, float]] = {
    "race_ethnicity": {"black": -0.12, "hispanic": -0.06},
}
DEMO_MEASURES: dict[str, float] = {
    "Blood pressure control": 0.62,
    "Colorectal cancer screening": 0.58,
    "Depression screening and follow-up": 0.45,
}


# --------------------------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------------------------


def month_starts(start: str | _dt.date, months: int) -> np.ndarray:
    """First days of ``months`` consecutive months from ``start`` ("YYYY-MM" or a date).

    >>> [str(d) for d in month_starts("2024-11", 3)]
    ['2024-11-01', '2024-12-01', '2025-01-01']
    """
    if months < 1:
        raise InputError(f"months must be at least 1, got {months}")
    try:
        first = np.datetime64(str(start)[:7], "M")
    except ValueError:
        raise InputError(f"start must be a month like 2024-01, got {start!r}") from None
    return (first + np.arange(months)).astype("datetime64[D]")


def _completeness(value: str | Mapping[str, float] | None) -> dict[str, float]:
    if value is None:
        return dict(COMPLETENESS_PRESETS["complete"])
    if isinstance(value, str):
        if value not in COMPLETENESS_PRESETS:
            raise InputError(
                f"completeness must be one of {', '.join(COMPLETENESS_PRESETS)} or a mapping"
            )
        return dict(COMPLETENESS_PRESETS[value])
    out = dict(COMPLETENESS_PRESETS["complete"])
    for name, share in value.items():
        if name not in SHARES:
            raise InputError(f"completeness names unknown stratifier {name!r}")
        if not 0 <= share <= 1:
            raise InputError(f"completeness of {name} must be between 0 and 1, got {share!r}")
        out[name] = float(share)
    return out


def _disparities(value: Mapping[str, Mapping[str, float]] | None) -> dict[str, dict[str, float]]:
    if value is None:
        return {}
    out: dict[str, dict[str, float]] = {}
    for name, groups in value.items():
        if name not in SHARES:
            raise InputError(f"disparities name unknown stratifier {name!r}")
        for group, delta in groups.items():
            if group not in SHARES[name]:
                raise InputError(
                    f"disparities name unknown {name} group {group!r} "
                    f"(groups: {', '.join(SHARES[name])})"
                )
            if not -1 < delta < 1:
                raise InputError(f"disparity {name}={group} must be between -1 and 1")
        out[name] = {g: float(d) for g, d in groups.items()}
    return out


def gap_factors(months: int, closing: bool, closing_target: float) -> np.ndarray:
    """Multiplier of the initial gap in each month: 1 throughout, or linear from 1 to
    ``closing_target`` at the last month when ``closing``.

    >>> gap_factors(4, True, 0.25).tolist()
    [1.0, 0.75, 0.5, 0.25]
    >>> gap_factors(3, False, 0.25).tolist()
    [1.0, 1.0, 1.0]
    """
    if not 0 <= closing_target <= 1:
        raise InputError(f"closing_target must be between 0 and 1, got {closing_target!r}")
    if not closing or months == 1:
        return np.ones(months)
    return 1 - (1 - closing_target) * np.arange(months) / (months - 1)


def _draw(rng: np.random.Generator, shares: Mapping[str, float], n: int) -> np.ndarray:
    p = np.fromiter(shares.values(), dtype=float)
    cdf = np.cumsum(p / p.sum())
    return np.minimum(np.searchsorted(cdf, rng.random(n), side="right"), len(p) - 1).astype(
        np.int16
    )


def _recorded(
    rng: np.random.Generator, true: np.ndarray, n_categories: int, known: float
) -> np.ndarray:
    """Recorded codes: the true index, or n_categories + k for missing kind k (k = 3: null)."""
    if known >= 1:
        return true
    u = rng.random(len(true))
    lost = u >= known
    split = np.cumsum(np.fromiter(MISSING_SPLIT.values(), dtype=float))
    # Re-use the tail of u (uniform on [known, 1) when lost) to pick the kind of missingness.
    w = (u - known) / max(1 - known, 1e-12)
    kind = np.minimum(np.searchsorted(split, w, side="right"), len(split) - 1)
    return np.where(lost, n_categories + kind, true).astype(np.int16)


def _dictionary_column(recorded: np.ndarray, categories: Sequence[str]) -> pa.DictionaryArray:
    dictionary = pa.array(
        [*categories, standards.UNKNOWN, standards.DECLINED, standards.NOT_COLLECTED]
    )
    null = recorded == len(categories) + 3
    indices = pa.array(np.where(null, 0, recorded).astype(np.int8), mask=null)
    return pa.DictionaryArray.from_arrays(indices, dictionary)


# --------------------------------------------------------------------------------------------
# Patient-level extract
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class SyntheticExtract:
    """A generated extract: where it went (or the table itself) and the injected truth.

    ``gaps[stratifier][group]`` is the injected difference in the numerator probability
    between ``group`` and the stratifier's reference group (``reference``) in each month;
    ``expected_rate(stratifier, group)`` is the expected rate of that group per month among
    patients in the denominator (by true category).

    >>> e = extract(n_patients=50, months=2, seed=1)
    >>> e.n_rows, e.table.num_rows, e.path is None
    (100, 100, True)
    >>> sorted(e.gaps)
    ['race_ethnicity']
    """

    n_rows: int
    n_patients: int
    months: np.ndarray
    seed: int
    path: Path | None
    table: pa.Table | None
    base_rate: float
    gaps: Mapping[str, Mapping[str, np.ndarray]]
    reference: Mapping[str, str]
    completeness: Mapping[str, float]
    offsets: Mapping[str, np.ndarray] = field(default_factory=dict)

    def expected_rate(self, stratifier: str, group: str) -> np.ndarray:
        """Expected rate of a (true) group per month, ignoring clipping to [0.01, 0.99].

        The base rate, plus the group's own gap, plus the population-average gap of every
        other stratifier (``offsets``), since attributes are independent.
        """
        zeros = np.zeros(len(self.months))
        gap = self.gaps.get(stratifier, {}).get(group, zeros)
        others = sum((v for k, v in self.offsets.items() if k != stratifier), zeros)
        return self.base_rate + others + np.asarray(gap)


def extract(
    *,
    n_patients: int,
    months: int,
    seed: int,
    disparities: Mapping[str, Mapping[str, float]] | None = None,
    completeness: str | Mapping[str, float] | None = None,
    closing: bool = False,
    closing_target: float = 0.25,
    base_rate: float = 0.60,
    eligibility: float = 0.85,
    start: str | _dt.date = "2024-01",
    out: str | Path | None = None,
    chunk_rows: int = 1_000_000,
) -> SyntheticExtract:
    """A patient-level extract: one row per patient and month (``n_patients × months`` rows).

    Columns: ``month`` (first day, date), ``race_ethnicity``, ``language``,
    ``sexual_orientation``, ``gender_identity``, ``age_group`` (canonical codes of
    :mod:`equitystats.standards`; unknown / declined / not_collected, or null for missing),
    ``numerator`` and ``denominator`` (0/1 int8 flags; numerator ≤ denominator).

    ``disparities`` maps stratifier → {group: difference in the probability of the numerator
    versus the reference group}, e.g. ``{"race_ethnicity": {"black": -0.12}}`` (default
    :data:`DEFAULT_DISPARITIES`; pass ``{}`` for none). The reference group of each stratifier
    (:data:`REFERENCE`) has probability ``base_rate``. With ``closing=True`` every gap shrinks
    linearly from its full size in the first month to ``closing_target`` × that size in the
    last. ``completeness`` is "complete" (default), "good", "poor" or a mapping stratifier →
    share known. Each patient is in the denominator in a month with probability
    ``eligibility``. Deterministic for a given ``seed``, whatever ``chunk_rows``.

    With ``out`` (``.parquet`` or ``.csv``) the rows are written month by month and ``path``
    is set; otherwise the Arrow table is returned in ``table``.

    >>> e = extract(n_patients=100, months=3, seed=7, disparities={"race_ethnicity": {"black": -0.1}})
    >>> e.table.column_names
    ['month', 'race_ethnicity', 'language', 'sexual_orientation', 'gender_identity',
    'age_group', 'numerator', 'denominator']
    >>> e.expected_rate("race_ethnicity", "black").round(3).tolist()
    [0.5, 0.5, 0.5]
    """
    if n_patients < 1:
        raise InputError(f"n_patients must be at least 1, got {n_patients}")
    if not 0 < eligibility <= 1:
        raise InputError(f"eligibility must be in (0, 1], got {eligibility!r}")
    if not 0 < base_rate < 1:
        raise InputError(f"base_rate must be in (0, 1), got {base_rate!r}")
    if chunk_rows < 1:
        raise InputError(f"chunk_rows must be at least 1, got {chunk_rows}")
    days = month_starts(start, months)
    gaps_in = _disparities(DEFAULT_DISPARITIES if disparities is None else disparities)
    known = _completeness(completeness)
    factors = gap_factors(months, closing, closing_target)

    root = np.random.SeedSequence(seed)
    demo_seq, lost_seq, month_seq = root.spawn(3)
    demo_rngs = [np.random.default_rng(s) for s in demo_seq.spawn(len(STRATA))]
    lost_rngs = [np.random.default_rng(s) for s in lost_seq.spawn(len(STRATA))]
    month_seeds = month_seq.spawn(months)

    columns: dict[str, pa.DictionaryArray] = {}
    delta = np.zeros(n_patients, dtype=np.float64)
    for i, name in enumerate(STRATA):
        categories = list(SHARES[name])
        true = _draw(demo_rngs[i], SHARES[name], n_patients)
        table = np.array([gaps_in.get(name, {}).get(c, 0.0) for c in categories])
        delta += table[true]
        recorded = _recorded(lost_rngs[i], true, len(categories), known[name])
        columns[name] = _dictionary_column(recorded, categories)

    schema = pa.schema(
        [("month", pa.date32())]
        + [(name, pa.dictionary(pa.int8(), pa.string())) for name in STRATA]
        + [("numerator", pa.int8()), ("denominator", pa.int8())]
    )
    writer: Any = None
    path = Path(out) if out is not None else None
    csv_out = path is not None and path.suffix.lower() == ".csv"
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        if csv_out:
            writer = pacsv.CSVWriter(
                str(path),
                _csv_schema(schema),
                write_options=pacsv.WriteOptions(quoting_style="none"),
            )
        else:
            writer = pq.ParquetWriter(str(path), schema, compression="snappy")
    pieces: list[pa.Table] = []
    try:
        for m in range(months):
            elig_rng, out_rng = (np.random.default_rng(s) for s in month_seeds[m].spawn(2))
            p = np.clip(base_rate + delta * factors[m], 0.01, 0.99)
            for lo in range(0, n_patients, chunk_rows):
                hi = min(lo + chunk_rows, n_patients)
                den = elig_rng.random(hi - lo) < eligibility
                num = den & (out_rng.random(hi - lo) < p[lo:hi])
                arrays = [pa.array(np.full(hi - lo, days[m]))]
                arrays += [columns[name][lo:hi] for name in STRATA]
                arrays += [pa.array(num.astype(np.int8)), pa.array(den.astype(np.int8))]
                chunk = pa.Table.from_arrays(arrays, schema=schema)
                if writer is None:
                    pieces.append(chunk)
                elif csv_out:
                    writer.write_table(decoded(chunk))
                else:
                    writer.write_table(chunk)
    finally:
        if writer is not None:
            writer.close()

    gaps = {name: {g: d * factors for g, d in groups.items()} for name, groups in gaps_in.items()}
    offsets = {
        name: factors
        * sum(SHARES[name][g] * d for g, d in groups.items())
        / sum(SHARES[name].values())
        for name, groups in gaps_in.items()
    }
    return SyntheticExtract(
        n_rows=n_patients * months,
        n_patients=n_patients,
        months=days,
        seed=seed,
        path=path,
        table=pa.concat_tables(pieces).combine_chunks() if writer is None else None,
        base_rate=base_rate,
        gaps=gaps,
        reference=dict(REFERENCE),
        completeness=known,
        offsets=offsets,
    )


def _csv_schema(schema: pa.Schema) -> pa.Schema:
    return pa.schema(
        [(f.name, f.type.value_type if pa.types.is_dictionary(f.type) else f.type) for f in schema]
    )


def decoded(table: pa.Table) -> pa.Table:
    """Dictionary columns decoded (the CSV writer wants plain strings).

    >>> table = pa.table({"g": pa.array(["a", "b", "a"]).dictionary_encode()})
    >>> decoded(table).schema.field("g").type
    DataType(string)
    """
    return pa.table(
        {
            name: (col.cast(col.type.value_type) if pa.types.is_dictionary(col.type) else col)
            for name, col in zip(table.column_names, table.columns, strict=True)
        }
    )


# --------------------------------------------------------------------------------------------
# Aggregated monthly counts for the web demo
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class SyntheticCounts:
    """Monthly numerator/denominator counts per team × measure × stratum, in columns.

    >>> c = counts(teams=2, months=2, seed=3)
    >>> sorted(c.columns())
    ['denominator', 'measure', 'month', 'numerator', 'race_ethnicity', 'team']
    >>> len(c.to_rows()) == len(c.numerator)
    True
    """

    team: np.ndarray
    measure: np.ndarray
    month: np.ndarray
    strata: Mapping[str, np.ndarray]
    numerator: np.ndarray
    denominator: np.ndarray
    seed: int
    gaps: Mapping[str, Mapping[str, Mapping[str, np.ndarray]]]  # team → stratifier → group

    def __len__(self) -> int:
        return len(self.numerator)

    def columns(self) -> dict[str, np.ndarray]:
        """All columns by name (``month`` as datetime64[D]), e.g. for ``stratify.from_counts``."""
        return {
            "team": self.team,
            "measure": self.measure,
            "month": self.month,
            **self.strata,
            "numerator": self.numerator,
            "denominator": self.denominator,
        }

    def to_rows(self) -> list[dict[str, Any]]:
        """One dict per row with plain Python values (month as ISO date text)."""
        cols = self.columns()
        names = list(cols)
        out = []
        for i in range(len(self)):
            row: dict[str, Any] = {}
            for name in names:
                value = cols[name][i]
                if name == "month":
                    value = str(value)
                elif isinstance(value, np.integer):
                    value = int(value)
                else:
                    value = str(value)
                row[name] = value
            out.append(row)
        return out


def counts(
    *,
    teams: int | Sequence[str] = 4,
    measures: Mapping[str, float] | None = None,
    months: int = 12,
    seed: int = 0,
    strata: Sequence[str] = ("race_ethnicity",),
    disparities: Mapping[str, Mapping[str, float]] | None = None,
    closing: bool | Collection[str] = False,
    closing_target: float = 0.25,
    completeness: str | Mapping[str, float] | None = "good",
    patients: tuple[int, int] = (400, 1500),
    eligibility: float = 0.85,
    team_sd: float = 0.04,
    start: str | _dt.date = "2024-01",
) -> SyntheticCounts:
    """Aggregated monthly counts per team × measure × month × stratum cell, deterministic by seed.

    ``teams``: a number (named "Team A", "Team B", …) or names. ``measures``: name → base rate
    of the reference group (default :data:`DEMO_MEASURES`). ``strata``: stratifiers crossed in
    every cell (categories from :data:`SHARES`, plus the missing-value codes when
    ``completeness`` is not "complete"). Each team has a panel size drawn from ``patients`` and
    a team effect ~ N(0, ``team_sd``) on every measure; the denominator of a cell is Poisson
    with mean panel × ``eligibility`` × cell share, the numerator Binomial(denominator, p)
    with p = base + team effect + injected disparities (clipped to [0.01, 0.99]).
    ``closing=True`` narrows the gaps of every team, or pass the names of the teams that do.

    >>> c = counts(teams=["North", "South"], measures={"screening": 0.6}, months=3, seed=0)
    >>> sorted(set(c.team.tolist())), sorted(set(c.measure.tolist()))
    (['North', 'South'], ['screening'])
    >>> bool((c.numerator <= c.denominator).all())
    True
    """
    if isinstance(teams, int):
        if teams < 1:
            raise InputError(f"teams must be at least 1, got {teams}")
        names = [f"Team {chr(ord('A') + i)}" if i < 26 else f"Team {i + 1}" for i in range(teams)]
    else:
        names = [str(t) for t in teams]
        if not names:
            raise InputError("teams must not be empty")
    measure_rates = dict(DEMO_MEASURES if measures is None else measures)
    if not measure_rates:
        raise InputError("measures must not be empty")
    for strat in strata:
        if strat not in SHARES:
            raise InputError(f"unknown stratifier {strat!r} (known: {', '.join(SHARES)})")
    days = month_starts(start, months)
    gaps_in = _disparities(DEFAULT_DISPARITIES if disparities is None else disparities)
    known = _completeness(completeness)
    closing_teams = set(names) if closing is True else set(closing or ())
    rng = np.random.default_rng(np.random.SeedSequence(seed))

    # Cell categories and shares per stratifier, including missing-value codes.
    levels: list[list[str]] = []
    shares: list[np.ndarray] = []
    deltas: list[np.ndarray] = []
    for strat in strata:
        cats = list(SHARES[strat])
        p = np.fromiter(SHARES[strat].values(), dtype=float)
        p = p / p.sum()
        d = np.array([gaps_in.get(strat, {}).get(c, 0.0) for c in cats])
        k = known[strat]
        if k < 1:
            split = np.fromiter(MISSING_SPLIT.values(), dtype=float) * (1 - k)
            cats += list(MISSING_SPLIT)
            # The outcome of records with a missing value follows the population mix.
            d = np.concatenate([d, np.full(len(split), float(p @ d))])
            p = np.concatenate([p * k, split])
        levels.append(cats)
        shares.append(p)
        deltas.append(d)

    cell_share = np.ones(1)
    cell_delta = np.zeros(1)
    for p, d in zip(shares, deltas, strict=True):
        cell_share = np.multiply.outer(cell_share, p).ravel()
        cell_delta = np.add.outer(cell_delta, d).ravel()
    n_cells = len(cell_share)
    n_t, n_m, n_months = len(names), len(measure_rates), months

    panel = rng.integers(patients[0], patients[1] + 1, size=n_t)
    team_effect = rng.normal(0.0, team_sd, size=n_t)
    base = np.fromiter(measure_rates.values(), dtype=float)
    closing_factor = gap_factors(months, True, closing_target)
    factor = np.where(
        np.array([n in closing_teams for n in names])[:, None], closing_factor, np.ones(months)
    )  # team × month

    shape = (n_t, n_m, n_months, n_cells)
    mean_den = panel[:, None, None, None] * eligibility * cell_share[None, None, None, :]
    den = rng.poisson(np.broadcast_to(mean_den, shape))
    p = (
        base[None, :, None, None]
        + team_effect[:, None, None, None]
        + cell_delta[None, None, None, :] * factor[:, None, :, None]
    )
    num = rng.binomial(den, np.clip(p, 0.01, 0.99))

    t_idx, m_idx, mo_idx, c_idx = (a.ravel() for a in np.indices(shape))
    strata_cols: dict[str, np.ndarray] = {}
    remainder = c_idx
    for strat, cats in reversed(list(zip(strata, levels, strict=True))):
        remainder, idx = divmod(remainder, len(cats))
        strata_cols[strat] = np.array(cats, dtype=object)[idx]
    strata_cols = {s: strata_cols[s] for s in strata}
    gaps = {
        team: {s: {g: d * factor[t] for g, d in groups.items()} for s, groups in gaps_in.items()}
        for t, team in enumerate(names)
    }
    return SyntheticCounts(
        team=np.array(names, dtype=object)[t_idx],
        measure=np.array(list(measure_rates), dtype=object)[m_idx],
        month=days[mo_idx],
        strata=strata_cols,
        numerator=num.ravel().astype(np.int64),
        denominator=den.ravel().astype(np.int64),
        seed=seed,
        gaps=gaps,
    )
