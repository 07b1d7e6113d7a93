"""Demo measures: every demo team gets 2–5 measures with 9–18 months of synthetic counts.

The counts come from ``equitystats.synth.counts`` with its injected race/ethnicity gaps (Black and
Hispanic patients below White patients), so the gaps are real and detectable. About half the
teams close their gaps over time, the others do not; a quarter of the teams have poor REaL and
SOGI completeness (many unknown / declined / not collected). Language and SOGI groups split each
month's totals at random (a multivariate hypergeometric draw), so every stratifier adds up to
the overall. Some teams set aims; some periods have a corrected second version. Deterministic
(fixed seed) and quick (bulk inserts); does nothing when the cycle's teams already have measures
or when there are no teams. Every measure's dashboards and network panel are computed and stored
at the end (:func:`.stored.precompute`), so no demo page computes them on first view.
The first team also gets a measure built from a patient-level extract with ages
(:data:`EXTRACT_MEASURE`), whose dashboard shows age-adjusted rates.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import numpy as np
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from equitystats import synth
from pursuing_equity.accounts.demo import DEMO_ACTOR_LABEL
from pursuing_equity.accounts.models import User
from pursuing_equity.core.services import audit_record
from pursuing_equity.measures import periods, services, stored
from pursuing_equity.measures.models import (
    ALL,
    OVERALL,
    Aim,
    Measure,
    StratumCount,
    Submission,
    Upload,
)
from pursuing_equity.measures.sample_extract import age_extract_csv
from pursuing_equity.programs.dates import add_months
from pursuing_equity.teams.models import Team, TeamMember

SEED = 5
MAX_MONTHS = 18
REFERENCES = {
    "race_ethnicity": "white",
    "language": "en",
    "sexual_orientation": "straight",
    "gender_identity": "woman",
}
# name → (base rate, focus area, kind, numerator, denominator, stratifiers)
CATALOG: dict[str, tuple[float, str, str, str, str, tuple[str, ...]]] = {
    "Blood pressure control": (
        0.62,
        "hypertension_control",
        "outcome",
        "Patients whose most recent blood pressure was below 140/90",
        "Patients 18–85 with a diagnosis of hypertension",
        ("race_ethnicity", "language"),
    ),
    "Colorectal cancer screening": (
        0.58,
        "colorectal_cancer_screening",
        "process",
        "Patients with an up-to-date colorectal cancer screening",
        "Patients 45–75 seen in the last two years",
        ("race_ethnicity", "language", "sexual_orientation", "gender_identity"),
    ),
    "Depression screening and follow-up": (
        0.45,
        "depression_screening",
        "process",
        "Patients screened for depression with a follow-up plan when positive",
        "Patients 12 and older with a visit in the month",
        ("race_ethnicity", "sexual_orientation", "gender_identity"),
    ),
    "Diabetes A1c control": (
        0.55,
        "diabetes_a1c_control",
        "outcome",
        "Patients whose most recent A1c was below 9%",
        "Patients 18–75 with diabetes",
        ("race_ethnicity", "language"),
    ),
    "Well-child visits": (
        0.66,
        "well_child_visits",
        "process",
        "Children with the well-child visits due for their age",
        "Children 0–30 months in the panel",
        ("race_ethnicity", "language"),
    ),
}


def populate(*, cycle, organizations=None, today: datetime.date, out) -> None:
    teams = list(Team.objects.filter(cycle=cycle).order_by("slug"))
    if not teams:
        out.write("Measures: skipped (no teams yet).")
        return
    if Measure.objects.filter(team__cycle=cycle).exists():
        out.write("Measures: already there.")
        return
    last = add_months(periods.start_of(today, periods.MONTHLY), -1)
    start = add_months(last, -(MAX_MONTHS - 1))
    months = [add_months(start, k) for k in range(MAX_MONTHS)]
    slugs = [t.slug for t in teams]
    closing = [s for i, s in enumerate(slugs) if i % 2 == 0]
    poor = {s for i, s in enumerate(slugs) if i % 4 == 3}
    generated = {}
    for completeness, names in (
        ("good", [s for s in slugs if s not in poor]),
        ("poor", [s for s in slugs if s in poor]),
    ):
        if names:
            generated[completeness] = (
                names,
                synth.counts(
                    teams=names,
                    measures={name: spec[0] for name, spec in CATALOG.items()},
                    months=MAX_MONTHS,
                    seed=SEED + len(completeness),
                    strata=("race_ethnicity",),
                    closing=[s for s in names if s in closing],
                    completeness=completeness,
                    start=start,
                ),
            )
    authors = dict(
        TeamMember.objects.filter(team__in=teams)
        .exclude(part=TeamMember.Part.COMMUNITY_PARTNER)
        .order_by("-team_id", "-id")
        .values_list("team_id", "user_id")
    )
    rng = np.random.default_rng(SEED)
    measures: list[Measure] = []
    plan: list[tuple[Measure, np.ndarray, np.ndarray, list[str], int, bool]] = []
    for names, data in generated.values():
        cats = list(dict.fromkeys(data.strata["race_ethnicity"]))
        shape = (len(names), len(CATALOG), MAX_MONTHS, len(cats))
        num = data.numerator.reshape(shape)
        den = data.denominator.reshape(shape)
        for t, slug in enumerate(names):
            index = slugs.index(slug)
            team = teams[index]
            n_measures = 2 + index % 4
            n_months = 9 + (index * 7) % (MAX_MONTHS - 8)
            for m, (name, spec) in enumerate(list(CATALOG.items())[:n_measures]):
                measure = Measure(
                    team=team,
                    name=name,
                    slug=name.lower().replace(" ", "-"),
                    focus_area=spec[1],
                    kind=spec[2],
                    numerator_definition=spec[3],
                    denominator_definition=spec[4],
                    frequency="monthly",
                    improvement="increase",
                    target=Decimal(str(round(spec[0] * 100 + 10))),
                    stratifiers=list(spec[5]),
                    reference_groups={s: REFERENCES[s] for s in spec[5]},
                    created_by_id=authors.get(team.pk),
                )
                measure.full_clean(validate_unique=False, validate_constraints=False)
                measures.append(measure)
                plan.append(
                    (
                        measure,
                        num[t, m, -n_months:],
                        den[t, m, -n_months:],
                        cats,
                        index,
                        slug in poor,
                    )
                )
    Measure.objects.bulk_create(measures)

    uploads = Upload.objects.bulk_create(
        Upload(
            measure=m,
            source=Upload.Source.COUNTS,
            status=Upload.Status.CONFIRMED,
            original_name="demo-counts.csv",
            uploaded_by_id=m.created_by_id,
        )
        for m, *_ in plan
    )
    submissions: list[Submission] = []
    pending_counts: list[list[tuple[str, str, int, int]]] = []
    for (measure, num, den, cats, index, is_poor), upload in zip(plan, uploads, strict=True):
        n_months = num.shape[0]
        for k in range(n_months):
            period = months[MAX_MONTHS - n_months + k]
            rows = _month_rows(measure, num[k], den[k], cats, rng, is_poor)
            corrected = (index + k) % 11 == 0
            if corrected:  # a first version the team later corrected: kept, not current
                first = [
                    (s, g, max(0, x - 1) if s == OVERALL or g == "white" else x, n)
                    for s, g, x, n in rows
                ]
                first = _consistent(first)
                submissions.append(
                    Submission(
                        measure=measure,
                        period=period,
                        version=1,
                        source="upload_counts",
                        upload=upload,
                        is_current=False,
                        created_by_id=measure.created_by_id,
                    )
                )
                pending_counts.append(first)
            submissions.append(
                Submission(
                    measure=measure,
                    period=period,
                    version=2 if corrected else 1,
                    source="upload_counts",
                    upload=upload,
                    is_current=True,
                    created_by_id=measure.created_by_id,
                )
            )
            pending_counts.append(rows)
    Submission.objects.bulk_create(submissions, batch_size=2000)
    _insert_counts(
        (sub.pk, s, g, x, n)
        for sub, rows in zip(submissions, pending_counts, strict=True)
        for s, g, x, n in rows
    )
    aims = [
        Aim(
            measure=measure,
            stratifier="race_ethnicity",
            group="black",
            reference="white",
            baseline_gap=Decimal("12"),
            target_gap=Decimal("4"),
            target_date=cycle.ends_on,
            created_by_id=measure.created_by_id,
        )
        for measure, *_rest in plan
        if _rest[3] % 3 != 1 and measure.name == "Blood pressure control"
    ]
    Aim.objects.bulk_create(aims)
    extract_fed = _extract_measure(teams[0], authors.get(teams[0].pk), months[-12:], today)
    if extract_fed is not None:
        measures.append(extract_fed)
    # The dashboards and the network view read stored results (the suppression behind a shared
    # view takes a fraction of a second per measure): compute them all now, as the task does
    # after an upload, so the first page is as quick as the next.
    stored.precompute([m.pk for m in measures])
    audit_record(
        actor=None,
        actor_label=DEMO_ACTOR_LABEL,
        action="measures.demo_populate",
        after={"measures": len(measures), "periods": len(submissions), "aims": len(aims)},
    )
    out.write(
        f"Measures: {len(measures)} measures of {len(teams)} teams, {len(submissions)} periods "
        f"submitted, {len(aims)} aims."
    )


#: The demo measure fed by a patient-level extract with ages (age-adjusted rates on its dashboard).
EXTRACT_MEASURE = "Blood pressure control (EHR extract)"
EXTRACT_PATIENTS = 900


def _extract_measure(team, author_id, months, today) -> Measure | None:
    """One measure of ``team`` built the way a team builds it from its EHR: a de-identified
    extract with ages (:func:`.sample_extract.age_extract_csv`, 12 months of about 800 patients)
    uploaded and confirmed through the services, so it is counted by age band too."""
    author = User.objects.filter(pk=author_id).first()
    if author is None:
        return None
    spec = CATALOG["Blood pressure control"]
    measure = services.measure_define(
        team=team,
        actor=author,
        name=EXTRACT_MEASURE,
        focus_area=spec[1],
        kind=spec[2],
        numerator_definition=spec[3],
        denominator_definition=spec[4] + " (from the EHR extract, with ages)",
        frequency="monthly",
        improvement="increase",
        stratifiers=["race_ethnicity", "language"],
        reference_groups={"race_ethnicity": "white", "language": "en"},
    )
    data = age_extract_csv(
        start=months[0], months=len(months), patients=EXTRACT_PATIENTS, seed=SEED
    )
    checked, upload = services.submission_validate(
        measure=measure,
        actor=author,
        source=Upload.Source.EXTRACT,
        file=SimpleUploadedFile("ehr-extract.csv", data, content_type="text/csv"),
        today=today,
    )
    if upload is None:  # the sample is valid; a problem here is a bug worth seeing
        raise RuntimeError(f"demo extract refused: {checked.problems[:3]}")
    services.submission_confirm(upload=upload, actor=author)
    return measure


def _insert_counts(rows) -> None:
    """About 100 000 rows: one executemany, because model instances would take most of the time.

    Every value comes from the generator above and satisfies the table's constraints (counts
    are non-negative and each numerator is a draw from its denominator)."""
    q = connection.ops.quote_name
    table = q(StratumCount._meta.db_table)
    columns = ", ".join(
        q(c) for c in ("submission_id", "stratifier", "group", "numerator", "denominator")
    )
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s)",  # noqa: S608 - names quoted
            list(rows),
        )


def _month_rows(measure, num, den, cats, rng, poor: bool) -> list[tuple[str, str, int, int]]:
    """Overall, race/ethnicity from the synthetic cells, other stratifiers split at random."""
    x_total, n_total = int(num.sum()), int(den.sum())
    rows = [(OVERALL, ALL, x_total, n_total)]
    rows += [
        ("race_ethnicity", g, int(x), int(n)) for g, x, n in zip(cats, num, den, strict=True) if n
    ]
    for stratifier in measure.stratifiers:
        if stratifier == "race_ethnicity":
            continue
        shares = dict(synth.SHARES[stratifier])
        known = synth.COMPLETENESS_PRESETS["poor" if poor else "good"][stratifier]
        groups = list(shares) + list(synth.MISSING_SPLIT)
        p = np.array(list(shares.values())) / sum(shares.values()) * known
        p = np.concatenate([p, np.array(list(synth.MISSING_SPLIT.values())) * (1 - known)])
        dens = rng.multinomial(n_total, p / p.sum())
        nums = rng.multivariate_hypergeometric(dens, x_total)
        rows += [
            (stratifier, g, int(x), int(n)) for g, x, n in zip(groups, nums, dens, strict=True) if n
        ]
    return rows


def _consistent(rows: list[tuple[str, str, int, int]]) -> list[tuple[str, str, int, int]]:
    """Make the overall numerator the sum of race/ethnicity after an edit (other strata scaled)."""
    race = sum(x for s, _, x, _ in rows if s == "race_ethnicity")
    out = []
    for s, g, x, n in rows:
        if s == OVERALL:
            x = race
        out.append((s, g, x, n))
    others = {s for s, *_ in rows} - {OVERALL, "race_ethnicity"}
    for stratifier in others:
        total = sum(x for s, _, x, _ in out if s == stratifier)
        shortfall = total - race
        fixed = []
        for s, g, x, n in out:
            if s == stratifier and shortfall > 0 and x > 0:
                take = min(x, shortfall)
                x, shortfall = x - take, shortfall - take
            fixed.append((s, g, x, n))
        out = fixed
    return out
