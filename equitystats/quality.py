"""Completeness of demographic data, per stratifier and period.

For every stratum column and period: how many records (or how much weight) are ``unknown``,
``declined``, ``not_collected`` or ``missing`` (blank), each counted separately as
:mod:`equitystats.standards` keeps them, their shares, the share unusable for stratification
(the four added up), and a ``usable`` flag: share unusable ≤ ``max_unusable``.

The default ``max_unusable = 0.15`` is a program choice, not a published standard. The
Institute of Medicine report *Race, Ethnicity, and Language Data: Standardization for Health
Care Quality Improvement* (Ulmer, McFadden & Nerenz, eds., National Academies Press, 2009)
recommends collecting these data for every patient and reporting by them, but sets no numeric
completeness threshold; missingness is rarely random, so stratified rates computed with a
large unusable share can be biased in either direction. Programs should state the threshold
they use and may tighten it.

Labels are classified with :func:`equitystats.standards.missing_code` (``"Declined"``,
``"Patient refused"``, ``"ASKU"`` …, and the canonical codes themselves); every other value
counts as known. Works on in-memory rows or aggregated counts (:func:`completeness`, with an
optional ``weight`` column such as the denominator) and on patient-level CSV/Parquet extracts
(:func:`completeness_from_extract`), aggregated by DuckDB in one pass.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from equitystats import standards
from equitystats.errors import InputError
from equitystats.stratify import (
    Check,
    Plan,
    Source,
    bad_flag,
    columns_of,
    label_of,
    numeric,
    numeric_checks,
    open_data,
    open_file,
    parse_columns,
    period_sql,
    period_text,
    period_values,
    quote,
    raise_first,
)

DEFAULT_MAX_UNUSABLE = 0.15


@dataclass(frozen=True, eq=False)
class Completeness:
    """Completeness per (period, stratifier), in columns.

    Counts (or summed weights) per missing-value kind, ``known``, ``n`` (total), shares of
    ``n`` for each kind, ``share_unusable`` (sum of the four), and ``usable`` (share unusable
    ≤ ``max_unusable``; False when n = 0).
    """

    period: np.ndarray
    stratifier: np.ndarray
    n: np.ndarray
    known: np.ndarray
    unknown: np.ndarray
    declined: np.ndarray
    not_collected: np.ndarray
    missing: np.ndarray
    share_unknown: np.ndarray
    share_declined: np.ndarray
    share_not_collected: np.ndarray
    share_missing: np.ndarray
    share_unusable: np.ndarray
    usable: np.ndarray
    max_unusable: float = DEFAULT_MAX_UNUSABLE

    COLUMNS: ClassVar[tuple[str, ...]] = (
        "period",
        "stratifier",
        "n",
        "known",
        "unknown",
        "declined",
        "not_collected",
        "missing",
        "share_unknown",
        "share_declined",
        "share_not_collected",
        "share_missing",
        "share_unusable",
        "usable",
    )

    def __len__(self) -> int:
        return len(self.n)

    def to_rows(self) -> list[dict[str, Any]]:
        """One dict per row with plain Python values (periods as text)."""
        out = []
        for i in range(len(self)):
            row: dict[str, Any] = {"period": period_text(self.period[i])}
            row["stratifier"] = str(self.stratifier[i])
            for c in self.COLUMNS[2:]:
                value = getattr(self, c)[i]
                row[c] = bool(value) if c == "usable" else float(value)
            out.append(row)
        return out


def _kind(value: Any, stratifier: str | None) -> str:
    """``known`` or the missing-value code of one raw cell."""
    label = label_of(value)
    if label == standards.MISSING:
        return standards.MISSING
    return standards.missing_code(label, stratifier) or "known"


def _check_threshold(max_unusable: float) -> None:
    if not 0 <= max_unusable <= 1:
        raise InputError(f"max_unusable must be between 0 and 1, got {max_unusable!r}")


def completeness(
    data: Any = None,
    *,
    period: Any,
    strata: str | Sequence[str] | Mapping[str, Any],
    weight: Any = None,
    max_unusable: float = DEFAULT_MAX_UNUSABLE,
) -> Completeness:
    """Completeness of each stratum column per period, from in-memory rows or counts.

    ``data`` may also be the path of a CSV/Parquet extract (see
    :func:`completeness_from_extract`). Otherwise either ``data`` (a mapping of column →
    values, an :class:`equitystats.table.Table` or an Arrow table) with ``period``, ``strata`` and optional ``weight`` naming its columns, or
    ``data=None`` with ``period`` (and ``weight``) as arrays and ``strata`` a mapping of name →
    values. ``weight`` (e.g. the denominator of aggregated counts) must be non-negative and
    finite; without it every row counts once.
    """
    _check_threshold(max_unusable)
    if isinstance(data, (str, Path)):
        return completeness_from_extract(
            data, period=period, strata=strata, weight=weight, max_unusable=max_unusable
        )
    if data is None:
        if not isinstance(strata, Mapping):
            raise InputError("without data, strata must map each stratum name to its values")
        columns: dict[str, Any] = {"period": period, **strata}
        if weight is not None:
            columns["weight"] = weight
            weight = "weight"
        names = tuple(strata)
        period = "period"
        file = None
    else:
        mapping, file = columns_of(data)
        names = parse_columns(list(strata) if isinstance(strata, Mapping) else strata)
        wanted = [period, *names] + ([weight] if weight is not None else [])
        absent = [c for c in dict.fromkeys(wanted) if c not in mapping]
        if absent:
            have = ", ".join(mapping) or "none"
            raise InputError(
                f"missing column {', '.join(repr(m) for m in absent)} (columns found: {have})",
                file=file,
            )
        columns = {c: mapping[c] for c in dict.fromkeys(wanted)}
    source = open_data(columns, file=file)
    return _completeness(source, period, names, weight, max_unusable)


def completeness_from_extract(
    path: str | Path,
    *,
    period: str,
    strata: str | Sequence[str],
    weight: str | None = None,
    max_unusable: float = DEFAULT_MAX_UNUSABLE,
) -> Completeness:
    """Completeness of each stratum column per period in a CSV/Parquet extract (one DuckDB pass)."""
    _check_threshold(max_unusable)
    source = open_file(path)
    return _completeness(source, period, parse_columns(strata), weight, max_unusable)


def _completeness(
    source: Source,
    period: str,
    strata: tuple[str, ...],
    weight: str | None,
    max_unusable: float,
) -> Completeness:
    if not strata:
        raise source.error("name at least one stratum column")
    source.require(period, *strata, *([weight] if weight else []))
    plan = Plan.make(strata, (), overall=False)
    aliases = [f"__g{i}" for i in range(len(strata))]
    parts = [
        f"{period_sql(source, period)} AS __p",
        *(f"{quote(c)} AS {a}" for c, a in zip(strata, aliases, strict=True)),
    ]
    checks = [Check(period, "__p IS NULL", "value is missing")]
    if weight is not None:
        spec = numeric(source, weight)
        parts += [f"{spec.raw} AS __w_raw", f"{spec.value} AS __w_val"]
        checks += numeric_checks("__w", spec, integer=False)
        total = "CAST(SUM(__w_val) AS DOUBLE)"
    else:
        total = "CAST(COUNT(*) AS DOUBLE)"
    projection = ", ".join(parts)
    # The first set also groups by the row-check flag: validation in the same single pass.
    set_sql = ", ".join(f"(__p, {a}{', __bad' if i == 0 else ''})" for i, a in enumerate(aliases))
    sql = (
        f"SELECT __p, {', '.join(aliases)}, __bad, GROUPING({', '.join(aliases)}) AS __gid, "  # noqa: S608 - identifiers quoted, literals escaped
        f"{total} AS __n FROM (SELECT *, {bad_flag(checks)} AS __bad "
        f"FROM (SELECT {projection} FROM {source.relation})) "
        f"GROUP BY GROUPING SETS ({set_sql})"
    )
    result = source.arrow(sql)
    if result.num_rows == 0:
        raise source.error("has no data rows")
    if pc.any(pc.equal(result.column("__bad"), True)).as_py():
        raise_first(source, projection, checks)

    gid = result.column("__gid").to_numpy()
    text_period = result.schema.field("__p").type in (pa.string(), pa.large_string())
    periods = period_values(result.column("__p").combine_chunks(), text_period)
    period_keys, period_index = np.unique(periods, return_inverse=True)
    weights = result.column("__n").to_numpy()
    kinds = (*standards.MISSING_CODES, "known")

    out_p, out_s, out_counts = [], [], []
    for i, column in enumerate(strata):
        mask = gid == plan.gid((column,))
        stratifier = column if column in standards.STRATIFIERS else None
        values = result.column(f"__g{i}").combine_chunks().filter(pa.array(mask))
        encoded = pc.dictionary_encode(values)
        distinct = encoded.dictionary.to_pylist()
        kind_of = [_kind(v, stratifier) for v in distinct] + [standards.MISSING]
        kind_index = np.array([kinds.index(k) for k in kind_of])
        rows = kind_index[encoded.indices.fill_null(len(distinct)).to_numpy(zero_copy_only=False)]
        pidx = period_index[mask]
        grid = np.zeros((len(period_keys), len(kinds)))
        np.add.at(grid, (pidx, rows), weights[mask])
        present = np.unique(pidx)
        out_p.append(present)
        out_s.append(np.full(len(present), column, dtype=object))
        out_counts.append(grid[present])

    p_idx = np.concatenate(out_p)
    order = np.lexsort((np.concatenate([np.full(len(p), k) for k, p in enumerate(out_p)]), p_idx))
    counts = np.vstack(out_counts)[order]
    n = counts.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.where(n[:, None] > 0, counts / np.where(n > 0, n, 1)[:, None], np.nan)
    unusable = shares[:, :4].sum(axis=1)
    usable = (n > 0) & (unusable <= max_unusable + 1e-12)

    def ro(a: np.ndarray) -> np.ndarray:
        a = np.asarray(a)
        a.setflags(write=False)
        return a

    return Completeness(
        period=ro(period_keys[p_idx[order]]),
        stratifier=ro(np.concatenate(out_s)[order]),
        n=ro(n),
        known=ro(counts[:, 4].copy()),
        unknown=ro(counts[:, 0].copy()),
        declined=ro(counts[:, 1].copy()),
        not_collected=ro(counts[:, 2].copy()),
        missing=ro(counts[:, 3].copy()),
        share_unknown=ro(shares[:, 0].copy()),
        share_declined=ro(shares[:, 1].copy()),
        share_not_collected=ro(shares[:, 2].copy()),
        share_missing=ro(shares[:, 3].copy()),
        share_unusable=ro(unusable),
        usable=ro(usable),
        max_unusable=max_unusable,
    )
