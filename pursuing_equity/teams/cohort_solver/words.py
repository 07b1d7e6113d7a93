"""Why these teams are together, in one plain sentence staff can read."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from pursuing_equity.teams.cohort_solver.problem import Factor, Preference, TeamFeatures

NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def _count(n: int) -> str:
    return NUMBER_WORDS[n] if n < len(NUMBER_WORDS) else str(n)


def _join(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _forms(factor: Factor, value: str) -> tuple[str, str]:
    return factor.labels.get(value, (value, value))


def explain(
    members: Sequence[TeamFeatures],
    factors: Sequence[Factor],
    preferences: Mapping[str, Preference],
) -> str:
    """One plain sentence on why these teams are together, led by the factors that weigh most.

    "All four are in the South and medium-sized; they span an FQHC, a safety-net hospital and two
    community hospitals."
    """
    size = len(members)
    ranked = sorted(
        (f for f in factors if preferences.get(f.key) and preferences[f.key].weight > 0),
        key=lambda f: -preferences[f.key].weight,
    )
    shared: list[str] = []
    clauses: list[str] = []
    for factor in ranked:
        values = [m.values[factor.key] for m in members]
        if factor.kind == "set":
            clauses.append(_set_clause(factor, values, size))
        elif len(set(values)) == 1:
            shared.append(_forms(factor, values[0])[1])
        else:
            clauses.append(_mixed_clause(factor, values))
    if shared:
        clauses.insert(0, f"all {_count(size)} are {_join(shared)}")
    if not clauses:
        return f"These {_count(size)} teams were grouped without preferences."
    sentence = "; ".join(clauses)
    return sentence[0].upper() + sentence[1:] + "."


def _set_clause(factor: Factor, values: Sequence[frozenset[str]], size: int) -> str:
    """What the teams share of a set factor: all of a member, most of one, or how many in all."""
    common = frozenset.intersection(*map(frozenset, values)) if values else frozenset()
    if common:
        names = [factor.labels.get(v, (v, v))[0] for v in sorted(common)]
        return f"all {factor.verb} {_join(names)}"
    popular = Counter(m for v in values for m in v).most_common(1)
    if popular and popular[0][1] >= 2:
        value, count = popular[0]
        return (
            f"{_count(count)} of the {_count(size)} {factor.verb} "
            f"{factor.labels.get(value, (value, value))[0]}"
        )
    distinct = len(frozenset().union(*values))
    return f"between them they {factor.verb} {_count(distinct)} {factor.noun}"


def _mixed_clause(factor: Factor, values: Sequence[str]) -> str:
    """The values of a factor the teams do not share, most frequent first."""
    items = []
    for value, count in sorted(Counter(values).items(), key=lambda vc: (-vc[1], str(vc[0]))):
        one, many = _forms(factor, value)
        items.append(one if count == 1 else f"{_count(count)} {many}")
    return f"{factor.mixed} {_join(items)}"
