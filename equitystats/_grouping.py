"""The one aggregation pass of :mod:`equitystats.stratify` (shared with
:mod:`equitystats.quality`): group labels and their order, the stratifier and intersection
specifications, and the DuckDB GROUPING SETS query that sums the counts and evaluates the row
checks at once. Re-exported by ``stratify``. No formulas here (sums only).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from equitystats import standards
from equitystats._sources import (
    Check,
    Source,
    bad_flag,
    period_sql,
    quote,
    raise_first,
)
from equitystats.errors import InputError

OVERALL = "overall"
INTERSECTION_SEP = "*"


def label_of(value: Any) -> str:
    """A group label from a raw cell: blank/None → ``missing``; dates ISO; whole floats as ints.

    >>> import datetime
    >>> label_of(None), label_of("  "), label_of(3.0), label_of(datetime.date(2024, 1, 31))
    ('missing', 'missing', '3', '2024-01-31')
    """
    if value is None:
        return standards.MISSING
    if isinstance(value, float):
        if value != value:
            return standards.MISSING
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    text = str(value).strip()
    return text if text else standards.MISSING


def group_labels(
    source: Source,
    column: str,
    values: pa.Array,
    stratifier: str | None,
) -> np.ndarray:
    """Labels for the aggregated values of one stratum column (vectorised over distinct values).

    With ``stratifier`` the labels are normalised by :func:`equitystats.standards.normalize`
    semantics; an unrecognised label raises InputError at its first row in the source.

    >>> from equitystats.stratify import open_data
    >>> source = open_data({"race": ["Asian", "declined"]})
    >>> group_labels(source, "race", pa.array(["Asian", "declined", None]), "race_ethnicity").tolist()
    ['asian', 'declined', 'missing']
    >>> group_labels(source, "race", pa.array(["Asian", None]), None).tolist()
    ['Asian', 'missing']
    """
    encoded = pc.dictionary_encode(values)
    distinct = encoded.dictionary.to_pylist()
    labels = [label_of(v) for v in distinct] + [standards.MISSING]
    if stratifier is not None:
        mapped = []
        for raw, label in zip([*distinct, None], labels, strict=True):
            code = (
                standards.MISSING
                if label == standards.MISSING
                else standards.code_for(stratifier, label)
            )
            if code is None:
                raise source.error(
                    f"unrecognised {stratifier} value {str(raw)!r}",
                    row=source.first_row_with(column, raw),
                    column=column,
                )
            mapped.append(code)
        labels = mapped
    table = np.array(labels, dtype=object)
    indices = encoded.indices.fill_null(len(distinct)).to_numpy(zero_copy_only=False)
    return table[indices]


def group_order(labels: np.ndarray) -> np.ndarray:
    """Rank of each label: categories alphabetically, then missing-value codes (fixed order).

    >>> group_order(np.array(["white", "missing", "asian", "declined"])).tolist()
    [1, 3, 0, 2]
    """
    uniques, inverse = np.unique(labels.astype(str), return_inverse=True)
    missing_rank = {code: i for i, code in enumerate(standards.MISSING_CODES)}

    def key(label: str) -> tuple[int, int, str]:
        parts = label.split(INTERSECTION_SEP)
        worst = max((missing_rank.get(p, -1) for p in parts), default=-1)
        return (0 if worst < 0 else 1, worst, label)

    order = sorted(range(len(uniques)), key=lambda i: key(str(uniques[i])))
    rank = np.empty(len(uniques), dtype=np.int64)
    rank[order] = np.arange(len(uniques))
    return rank[inverse]


def period_values(values: pa.Array, text_source: bool) -> np.ndarray:
    """Periods as numpy: integers when a text column holds only whole numbers.

    >>> period_values(pa.array(["3", "1"]), True).tolist()
    [3, 1]
    >>> period_values(pa.array(["2024-01"]), True).tolist()
    ['2024-01']
    """
    if text_source:
        try:
            return pc.cast(values, pa.int64()).to_numpy(zero_copy_only=False)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass
    if pa.types.is_dictionary(values.type):
        values = values.cast(values.type.value_type)
    out = values.to_numpy(zero_copy_only=False)
    if out.dtype == object:
        out = np.array([label_of(v) for v in out], dtype=object)
    return out


# --------------------------------------------------------------------------------------------
# Stratifier specifications
# --------------------------------------------------------------------------------------------


def parse_columns(value: str | Sequence[str] | None) -> tuple[str, ...]:
    """Column names from ``"a,b"`` or a sequence; duplicates dropped.

    >>> parse_columns("race, language,race"), parse_columns(None)
    (('race', 'language'), ())
    """
    if value is None:
        return ()
    items = value.split(",") if isinstance(value, str) else list(value)
    return tuple(dict.fromkeys(s.strip() for s in items if s and s.strip()))


def parse_intersections(
    items: Iterable[str | Sequence[str]] | str | None,
) -> tuple[tuple[str, ...], ...]:
    """Intersections from ``"a*b"`` strings or sequences of column names (≥ 2 each).

    >>> parse_intersections("race*language"), parse_intersections([("race", "sex")])
    ((('race', 'language'),), (('race', 'sex'),))
    >>> parse_intersections("race")
    Traceback (most recent call last):
        ...
    equitystats.errors.InputError: an intersection needs two or more different columns joined by
    '*', got 'race'
    """
    if items is None:
        return ()
    if isinstance(items, str):
        items = [items]
    out: list[tuple[str, ...]] = []
    for item in items:
        cols = tuple(
            c.strip() for c in (item.split(INTERSECTION_SEP) if isinstance(item, str) else item)
        )
        cols = tuple(c for c in cols if c)
        if len(cols) < 2 or len(set(cols)) != len(cols):
            raise InputError(
                f"an intersection needs two or more different columns joined by '*', got {item!r}"
            )
        if cols not in out:
            out.append(cols)
    return tuple(out)


@dataclass(frozen=True)
class Plan:
    """What to group by: output stratifiers and the grouping sets that feed them.

    >>> plan = Plan.make(["race", "sex"], [("race", "sex")])
    >>> plan.group_columns
    ('race', 'sex')
    >>> plan.grouping_sets()
    [(), ('race',), ('sex',), ('race', 'sex')]
    >>> plan.gid(("race",)), plan.gid(())
    (1, 3)
    """

    specs: tuple[tuple[str, tuple[str, ...]], ...]  # (stratifier name, columns)
    group_columns: tuple[str, ...]  # every stratum column, in order

    @staticmethod
    def make(
        strata: Sequence[str], intersections: Sequence[tuple[str, ...]], *, overall: bool = True
    ) -> Plan:
        specs: list[tuple[str, tuple[str, ...]]] = [(OVERALL, ())] if overall else []
        specs += [(s, (s,)) for s in strata]
        specs += [(INTERSECTION_SEP.join(cols), cols) for cols in intersections]
        columns = tuple(dict.fromkeys([*strata, *(c for cols in intersections for c in cols)]))
        return Plan(tuple(specs), columns)

    def grouping_sets(self) -> list[tuple[str, ...]]:
        sets = list(
            dict.fromkeys(
                tuple(sorted(cols, key=self.group_columns.index)) for _, cols in self.specs
            )
        )
        return sets

    def gid(self, cols: Sequence[str]) -> int:
        """GROUPING() bitmask of a set: bit i (from the left) is 1 when column i is rolled up."""
        k = len(self.group_columns)
        return sum(1 << (k - 1 - i) for i, c in enumerate(self.group_columns) if c not in cols)


# --------------------------------------------------------------------------------------------
# One pass: aggregate and validate (shared with equitystats.quality)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Grouped:
    """The result of :func:`aggregate`.

    ``table`` has the columns ``__p`` (period), ``__g0``, ``__g1``, … (the plan's stratum
    columns, NULL where rolled up), ``__bad``, ``__gid`` (the GROUPING() bitmask, see
    :meth:`Plan.gid`) and the aggregates; ``gid`` is ``__gid`` as numpy, ``periods`` the
    distinct periods in order and ``period_index`` each row's index into them.

    >>> from equitystats.stratify import open_data
    >>> source = open_data({"month": [1, 1, 2], "race": ["a", "b", "a"], "x": [1, 2, 3]})
    >>> g = aggregate(source, Plan.make(["race"], []), period="month", values=["x"], checks=[], aggregates="SUM(x) AS total")
    >>> g.periods.tolist(), sorted(zip(g.gid.tolist(), g.period_index.tolist()))
    ([1, 2], [(0, 0), (0, 0), (0, 1), (1, 0), (1, 1)])
    """

    table: pa.Table
    gid: np.ndarray
    periods: np.ndarray
    period_index: np.ndarray


def aggregate(
    source: Source,
    plan: Plan,
    *,
    period: str,
    values: Sequence[str],
    checks: Sequence[Check],
    aggregates: str,
) -> Grouped:
    """Aggregate ``source`` by period and each of ``plan``'s grouping sets in ONE DuckDB pass,
    validating every row in the same pass.

    The projection is the period as ``__p`` (:func:`period_sql`), the plan's stratum columns
    as ``__g0``, ``__g1``, … and the SQL items ``values`` (e.g. ``"x" AS __x_raw``);
    ``aggregates`` are the SQL select items computed per group (e.g.
    ``CAST(SUM(__x_val) AS DOUBLE) AS __x``). Every row is checked — a missing period first,
    then ``checks`` — and the first grouping set is also grouped by the resulting flag
    (:func:`bad_flag`), so validation adds no aggregate to the other sets. Raises
    :class:`~equitystats.errors.InputError` when there are no data rows, and the located error
    of the first bad row (:func:`raise_first`) when any row is flagged.

    >>> from equitystats.stratify import open_data
    >>> source = open_data({"month": [1, 1, 2], "race": ["a", "b", "a"], "x": [1, 2, -3]})
    >>> check = Check("x", "x < 0", "{raw} is negative")
    >>> aggregate(source, Plan.make(["race"], []), period="month", values=["x"], checks=[check], aggregates="SUM(x) AS total")
    Traceback (most recent call last):
        ...
    equitystats.errors.InputError: row 3, column "x": -3 is negative
    """
    gcols = plan.group_columns
    aliases = [f"__g{i}" for i in range(len(gcols))]
    projection = ", ".join(
        [
            f"{period_sql(source, period)} AS __p",
            *(f"{quote(c)} AS {a}" for c, a in zip(gcols, aliases, strict=True)),
            *values,
        ]
    )
    checks = [Check(period, "__p IS NULL", "value is missing"), *checks]
    set_sql = ", ".join(
        "("
        + ", ".join(["__p", *(aliases[gcols.index(c)] for c in s), *(["__bad"] if i == 0 else [])])
        + ")"
        for i, s in enumerate(plan.grouping_sets())
    )
    gid_sql = f"GROUPING({', '.join(aliases)})" if aliases else "0"
    sql = (
        f"SELECT __p, {''.join(a + ', ' for a in aliases)}__bad, {gid_sql} AS __gid, {aggregates} "  # noqa: S608 - identifiers quoted, literals escaped
        f"FROM (SELECT *, {bad_flag(checks)} AS __bad "
        f"FROM (SELECT {projection} FROM {source.relation})) "
        f"GROUP BY GROUPING SETS ({set_sql})"
    )
    result = source.arrow(sql)
    if result.num_rows == 0:
        raise source.error("has no data rows")
    if pc.any(pc.equal(result.column("__bad"), True)).as_py():
        raise_first(source, projection, checks)
    return grouped_of(result)


def grouped_of(result: pa.Table) -> Grouped:
    """The :class:`Grouped` of an aggregate table (from DuckDB here, or another engine through
    :mod:`equitystats.engines`).

    >>> table = pa.table({"__p": [2, 1], "__gid": [0, 1], "__bad": [False, False]})
    >>> g = grouped_of(table)
    >>> g.periods.tolist(), g.period_index.tolist(), g.gid.tolist()
    ([1, 2], [1, 0], [0, 1])
    """
    text_period = result.schema.field("__p").type in (pa.string(), pa.large_string())
    periods = period_values(result.column("__p").combine_chunks(), text_period)
    period_keys, period_index = np.unique(periods, return_inverse=True)
    return Grouped(result, result.column("__gid").to_numpy(), period_keys, period_index)
