"""Program cycles built directly as rows (the loader belongs to the programs app)."""

import datetime

import factory

from pursuing_equity.programs.models import Cohort, Cycle


class CycleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cycle

    slug = factory.Sequence(lambda n: f"cycle-{n}")
    program_name = "Pursuing Equity"
    title = "2023–2024"
    starts_on = datetime.date(2023, 1, 1)
    ends_on = datetime.date(2024, 6, 30)
    # The program file's shape: a top-level [informational_call] table, datetimes as ISO strings.
    document = factory.LazyFunction(
        lambda: {
            "informational_call": {
                "name": "Informational call",
                "starts_at": "2022-09-21T15:00:00",
                "ends_at": "2022-09-21T16:00:00",
            }
        }
    )
    source_sha256 = "0" * 64


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort

    cycle = factory.SubFactory(CycleFactory)
    key = factory.Sequence(lambda n: f"cohort-{n}")
    name = factory.Sequence(lambda n: f"Cohort {n}")
    capacity = 20
    application_deadline = datetime.date(2022, 10, 28)
    decisions_by = datetime.date(2022, 12, 2)
