"""A team's shared view is one release: the attack of a peer who downloads everything of a team
(every measure, stratifier and total) and solves it as one linear programme (issue 13)."""

from __future__ import annotations

import datetime
import math
from collections import defaultdict

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from equitystats import suppress
from pursuing_equity.measures import choices, selectors, stored
from pursuing_equity.measures.models import ALL, OVERALL, DashboardResult
from pursuing_equity.measures.publication import Published, publish, publish_release
from pursuing_equity.measures.selectors import CountRow
from pursuing_equity.measures.tests.dashboard_data import make_world, submit, synthetic_rows
from pursuing_equity.measures.tests.factories import measure

THRESHOLD = 10
PRIMARY = suppress.label(THRESHOLD)
COMPLEMENT = suppress.label(THRESHOLD, complementary=True)
TOTAL = suppress.label(THRESHOLD, total=True)


class Attack:
    """Everything a peer can download of a team, as variables (one per count), what each
    label tells, and the relations: each stratifier's groups add up to the period's total,
    numerator ≤ denominator, and the denominators of measures known to share a population
    are equal."""

    def __init__(self, published: dict[int, Published], same_population=()):
        self.var: dict[tuple, int] = {}
        self.bounds: list[tuple] = []
        self.eq: list[dict[int, float]] = []
        self.ub: list[tuple[int, int]] = []
        self.hidden: list[tuple] = []
        for pk, p in published.items():
            for i, total in enumerate(p.overall):
                n_tot, d_tot = self._count(pk, total, i, OVERALL, ALL)
                for s, groups in p.cells.items():
                    parts = [self._count(pk, cells[i], i, s, g) for g, cells in groups.items()]
                    for side, tot in ((0, n_tot), (1, d_tot)):
                        row = defaultdict(float)
                        for part in parts:
                            row[part[side]] += 1.0
                        row[tot] -= 1.0
                        self.eq.append(row)
        for a, b in same_population:
            for key, index in list(self.var.items()):
                if key[0] == a and key[-1] == "d" and (b, *key[1:]) in self.var:
                    self.eq.append({index: 1.0, self.var[(b, *key[1:])]: -1.0})

    def _count(self, pk, cell, i, stratifier, group) -> tuple[int, int]:
        ids = []
        for side, value, text in (
            ("n", cell.numerator, cell.numerator_label),
            ("d", cell.denominator, cell.denominator_label),
        ):
            key = (pk, i, stratifier, group, side)
            self.var[key] = len(self.bounds)
            if value is not None:
                self.bounds.append((value, value))
            else:
                self.hidden.append(key)
                low = {PRIMARY: 1, COMPLEMENT: THRESHOLD + 1, TOTAL: 1}[text]
                if side == "n" and cell.denominator is None and text in (PRIMARY, TOTAL):
                    # a 0 beside a small denominator is hidden with the same label; a hidden
                    # total's label does not say whether it is small
                    low = 0 if text == TOTAL or cell.denominator_label == PRIMARY else 1
                self.bounds.append((low, THRESHOLD if text == PRIMARY else None))
            ids.append(self.var[key])
        self.ub.append((ids[0], ids[1]))
        return ids[0], ids[1]

    def ranges(self) -> dict[tuple, tuple[float, float]]:
        n = len(self.bounds)
        a_eq = np.zeros((len(self.eq), n))
        for r, row in enumerate(self.eq):
            for j, coef in row.items():
                a_eq[r, j] += coef
        a_ub = np.zeros((len(self.ub), n))
        for r, (a, b) in enumerate(self.ub):
            a_ub[r, a], a_ub[r, b] = 1.0, -1.0
        kw = {
            "A_eq": a_eq, "b_eq": np.zeros(len(self.eq)), "A_ub": a_ub,
            "b_ub": np.zeros(len(self.ub)), "bounds": self.bounds, "method": "highs",
        }  # fmt: skip
        out = {}
        for key in self.hidden:
            c = np.zeros(n)
            c[self.var[key]] = 1.0
            low, high = linprog(c, **kw), linprog(-c, **kw)
            assert low.status == 0, low.message
            out[key] = (low.fun, math.inf if high.status == 3 else -high.fun)
        return out


def narrowed(published, truth, same_population=()) -> list[str]:
    """Hidden counts whose range is narrower than ``threshold`` whole numbers, beyond what
    hiding every non-zero count of the team would allow."""
    found = Attack(published, same_population).ranges()
    bad = [k for k, (lo, hi) in found.items() if hi - lo < THRESHOLD - 1 - 1e-6]
    if not bad:
        return []
    widest = Attack(_everything_hidden(published, truth), same_population).ranges()
    return [
        f"{k}: {truth[k]} in [{found[k][0]:g}, {found[k][1]:g}]"
        for k in bad
        if found[k][1] - found[k][0] < widest[k][1] - widest[k][0] - 1e-6
    ]


def _everything_hidden(published: dict[int, Published], truth) -> dict[int, Published]:
    """The same release with every non-zero count hidden under the label it would get."""
    from dataclasses import replace

    def hide(pk, i, cell):
        def one(side, value, label):
            if truth[(pk, i, cell.stratifier, cell.group, side)] == 0 and label != PRIMARY:
                return value, label
            if label in (PRIMARY, TOTAL):
                return None, label
            return None, TOTAL if cell.stratifier == OVERALL else COMPLEMENT

        n, nl = one("n", cell.numerator, cell.numerator_label)
        d, dl = one("d", cell.denominator, cell.denominator_label)
        return replace(cell, numerator=n, denominator=d, numerator_label=nl, denominator_label=dl)

    return {
        pk: replace(
            p,
            overall=tuple(hide(pk, i, c) for i, c in enumerate(p.overall)),
            cells={
                s: {g: tuple(hide(pk, i, c) for i, c in enumerate(cs)) for g, cs in gs.items()}
                for s, gs in p.cells.items()
            },
        )
        for pk, p in published.items()
    }


def truth_of(counts: dict[int, list[CountRow]]) -> dict[tuple, int]:
    periods = {pk: sorted({r.period for r in rows}) for pk, rows in counts.items()}
    out = {}
    for pk, rows in counts.items():
        index = {p: i for i, p in enumerate(periods[pk])}
        groups = {(r.stratifier, r.group) for r in rows}
        for i in range(len(periods[pk])):
            for s, g in groups:
                out[(pk, i, s, g, "n")] = out[(pk, i, s, g, "d")] = 0
        for r in rows:
            out[(pk, index[r.period], r.stratifier, r.group, "n")] = r.numerator
            out[(pk, index[r.period], r.stratifier, r.group, "d")] = r.denominator
    return out


# --------------------------------------------------------------------------------------
# random teams: patients with a race and ethnicity, a Hispanic/not re-partition of the same
# people, a language, 1-3 measures of which the first two may share their population

RACES = ("white", "black", "hispanic", "asian")
LANGUAGES = ("en", "es", "vi")


def team_counts(seed: int, measures: int, shared: bool, periods: int) -> dict[int, list]:
    rng = np.random.default_rng(seed)
    out: dict[int, list[CountRow]] = {pk: [] for pk in range(1, measures + 1)}
    for k in range(periods):
        day = datetime.date(2025, 1 + k, 1)
        people = int(rng.integers(0, 45))
        race = rng.choice(len(RACES), size=people, p=[0.5, 0.2, 0.2, 0.1])
        language = rng.choice(len(LANGUAGES), size=people, p=[0.7, 0.2, 0.1])
        strata = {
            "race_ethnicity": [RACES[r] for r in race],
            "ethnicity": ["hispanic" if RACES[r] == "hispanic" else "not_hispanic" for r in race],
            "language": [LANGUAGES[x] for x in language],
        }
        base = rng.random(people) < 0.8  # the shared population of measures 1 and 2
        for pk in out:
            member = base if (shared and pk <= 2) else rng.random(people) < 0.8
            hit = member & (rng.random(people) < rng.uniform(0.2, 0.9))
            acc = defaultdict(lambda: [0, 0])
            acc[(OVERALL, ALL)] = [int(hit.sum()), int(member.sum())]
            for s, labels in strata.items():
                for g in sorted(set(labels)):
                    who = np.array([x == g for x in labels], dtype=bool)
                    acc[(s, g)] = [int((hit & who).sum()), int((member & who).sum())]
            out[pk] += [CountRow(day, s, g, n, d) for (s, g), (n, d) in sorted(acc.items())]
    return out


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10**6), st.integers(1, 3), st.booleans(), st.integers(1, 3))
def test_a_peer_who_downloads_everything_cannot_narrow_a_hidden_count(seed, n, shared, periods):
    counts = team_counts(seed, n, shared, periods)
    published = publish_release(counts, suppressed=True, threshold=THRESHOLD)
    truth = truth_of(counts)
    for key, value in truth.items():
        cells = published[key[0]]
        cell = cells.overall[key[1]] if key[2] == OVERALL else cells.cells[key[2]][key[3]][key[1]]
        shown = cell.numerator if key[4] == "n" else cell.denominator
        assert shown is None or shown == value
        assert not (1 <= value <= THRESHOLD and shown is not None), key
    same = [(1, 2)] if shared and n >= 2 else []
    assert narrowed(published, truth, same) == []


# --------------------------------------------------------------------------------------
# the findings of issue 13, from the dashboards' side


def rows(day, table: dict[str, dict[str, tuple[int, int]]]) -> list[CountRow]:
    out = []
    for s, groups in table.items():
        out += [CountRow(day, s, g, n, d) for g, (n, d) in groups.items()]
    return out


DAY = datetime.date(2025, 3, 1)


def test_the_overlapping_ethnicity_stratifier_no_longer_gives_a_race_cell_away():
    counts = rows(
        DAY,
        {
            OVERALL: {ALL: (12, 30)},
            "race_ethnicity": {"asian": (1, 15), "white": (11, 15), "black": (0, 0)},
            "ethnicity": {"hispanic": (0, 3), "not_hispanic": (12, 27)},
        },
    )
    published = publish(counts, suppressed=True, threshold=THRESHOLD)
    assert published.cells["race_ethnicity"]["asian"][0].numerator is None
    assert narrowed({0: published}, truth_of({0: counts})) == []


def test_two_measures_of_one_population_no_longer_give_a_count_away():
    den = {"asian": 30, "white": 12}
    a = rows(
        DAY, {OVERALL: {ALL: (22, 42)}, "race_ethnicity": {"asian": (10, 30), "white": (12, 12)}}
    )
    b = rows(DAY, {OVERALL: {ALL: (4, 42)}, "race_ethnicity": {"asian": (3, 30), "white": (1, 12)}})
    assert {r.group: r.denominator for r in a[1:]} == den
    published = publish_release({1: a, 2: b}, suppressed=True, threshold=THRESHOLD)
    assert published[1].cells["race_ethnicity"]["asian"][0].numerator is None
    # the shared denominators are hidden or shown together
    for g in den:
        one, two = (published[pk].cells["race_ethnicity"][g][0].denominator for pk in (1, 2))
        assert (one is None) == (two is None)
    assert narrowed(published, truth_of({1: a, 2: b}), [(1, 2)]) == []


def test_a_zero_beside_a_small_group_is_no_longer_published():
    counts = rows(
        DAY,
        {
            OVERALL: {ALL: (40, 90)},
            "race_ethnicity": {"aian": (0, 4), "white": (25, 50), "black": (15, 36)},
        },
    )
    cell = publish(counts, suppressed=True, threshold=THRESHOLD).cells["race_ethnicity"]["aian"]
    assert cell[0].numerator is None and cell[0].numerator_label == PRIMARY
    assert cell[0].denominator is None
    off = publish(counts, suppressed=True, threshold=THRESHOLD, zero_beside=False)
    assert off.cells["race_ethnicity"]["aian"][0].numerator == 0


# --------------------------------------------------------------------------------------
# stored results follow the release


@pytest.mark.django_db
def test_new_data_for_one_measure_publishes_its_team_mates_again():
    world = make_world(months=3)
    before = stored_key(world.measure)
    sibling = measure(world.ac_team, world.people["team_member"], name="A1c control")
    submit(sibling, synthetic_rows(months=3, seed=4), world.people["team_member"])
    # the task after the upload computed the whole team: the first measure's shared counts were
    # published again with its team mate, and stored under a key holding both measures' data
    assert stored_key(world.measure) != before
    team = selectors.release_versions([world.ac_team.pk])[world.ac_team.pk]
    assert set(team) == {world.measure.pk, sibling.pk}
    settings = choices.chart_settings(world.ac_team.cycle)
    assert stored_key(world.measure) == stored._published_key(world.measure.pk, team, settings)
    assert stored_key(sibling) == stored._published_key(sibling.pk, team, settings)


def stored_key(m) -> str:
    return DashboardResult.objects.get(measure=m, kind="published", variant="shared").key
