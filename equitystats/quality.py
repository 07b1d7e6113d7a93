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
from equitystats._arrays import readonly
from equitystats.errors import InputError
from equitystats.stratify import (
    Grouped,
    Plan,
    Source,
    aggregate,
    columns_of,
    label_of,
    numeric,
    numeric_checks,
    open_data,
    open_file,
    parse_columns,
    period_text,
    select_columns,
)

DEFAULT_MAX_UNUSABLE = 0.15


@dataclass(frozen=True, eq=False)
class Completeness:
    """Completeness per (period, stratifier), in columns.

    Counts (or summed weights) per missing-value kind, ``known``, ``n`` (total), shares of
    ``n`` for each kind, ``share_unusable`` (sum of the four), and ``usable`` (share unusable
    ≤ ``max_unusable``; False when n = 0).

    >>> c = completeness(period=[1, 1, 1, 1], strata={"race": ["Asian", "declined", "", "White"]})
    >>> c.to_rows()[0]
    {'period': '1', 'stratifier': 'race', 'n': 4.0, 'known': 2.0, 'unknown': 0.0, 'declined':
    1.0, 'not_collected': 0.0, 'missing': 1.0, 'share_unknown': 0.0, 'share_declined': 0.25,
    'share_not_collected': 0.0, 'share_missing': 0.25, 'share_unusable': 0.5, 'usable': False}
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

    >>> c = completeness({"month": [1, 1, 2], "race": ["Asian", "unknown", "White"], "n": [8, 2, 10]}, period="month", strata="race", weight="n")
    >>> c.n.tolist(), c.unknown.tolist(), c.share_unusable.tolist(), c.usable.tolist()
    ([10.0, 10.0], [2.0, 0.0], [0.2, 0.0], [False, True])
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
        columns = select_columns(mapping, wanted, file=file)
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
    """Completeness of each stratum column per period in a CSV/Parquet extract (one DuckDB pass).

    >>> import tempfile, pathlib, pyarrow as pa, pyarrow.parquet as pq
    >>> tmp = tempfile.TemporaryDirectory()
    >>> path = pathlib.Path(tmp.name) / "extract.parquet"
    >>> pq.write_table(pa.table({"month": ["2024-01"] * 4, "language": ["es", "en", "declined", None]}), path)
    >>> c = completeness_from_extract(path, period="month", strata="language")
    >>> c.known.tolist(), c.declined.tolist(), c.missing.tolist(), c.usable.tolist()
    ([2.0], [1.0], [1.0], [False])
    >>> tmp.cleanup()
    """
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
    # One grouping set per stratum column, (period, column); the rows are checked in the same
    # pass (see equitystats.stratify.aggregate).
    plan = Plan.make(strata, (), overall=False)
    weight_sql: list[str] = []
    checks = []
    if weight is not None:
        spec = numeric(source, weight)
        weight_sql = [f"{spec.raw} AS __w_raw", f"{spec.value} AS __w_val"]
        checks = numeric_checks("__w", spec, integer=False)
        total = "CAST(SUM(__w_val) AS DOUBLE)"
    else:
        total = "CAST(COUNT(*) AS DOUBLE)"
    grouped = aggregate(
        source, plan, period=period, values=weight_sql, checks=checks, aggregates=f"{total} AS __n"
    )
    return completeness_of(plan, grouped, strata, max_unusable)


def completeness_of(
    plan: Plan, grouped: Grouped, strata: tuple[str, ...], max_unusable: float
) -> Completeness:
    """Completeness from the aggregates ``__n`` of ``plan`` (one set per stratum column).

    >>> source = open_data({"month": [1, 1], "race": ["Asian", "declined"]})
    >>> plan = Plan.make(["race"], [], overall=False)
    >>> grouped = aggregate(source, plan, period="month", values=[], checks=[], aggregates="CAST(COUNT(*) AS DOUBLE) AS __n")
    >>> c = completeness_of(plan, grouped, ("race",), 0.15)
    >>> c.n.tolist(), c.declined.tolist(), c.usable.tolist()
    ([2.0], [1.0], [False])
    """
    result, gid = grouped.table, grouped.gid
    period_keys, period_index = grouped.periods, grouped.period_index
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
    return Completeness(
        period=readonly(period_keys[p_idx[order]]),
        stratifier=readonly(np.concatenate(out_s)[order]),
        n=readonly(n),
        known=readonly(counts[:, 4].copy()),
        unknown=readonly(counts[:, 0].copy()),
        declined=readonly(counts[:, 1].copy()),
        not_collected=readonly(counts[:, 2].copy()),
        missing=readonly(counts[:, 3].copy()),
        share_unknown=readonly(shares[:, 0].copy()),
        share_declined=readonly(shares[:, 1].copy()),
        share_not_collected=readonly(shares[:, 2].copy()),
        share_missing=readonly(shares[:, 3].copy()),
        share_unusable=readonly(unusable),
        usable=readonly(usable),
        max_unusable=max_unusable,
    )
