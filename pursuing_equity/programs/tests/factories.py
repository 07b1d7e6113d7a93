"""Program cycles for tests of every app: the real program file, loaded (optionally with demo dates)."""

from __future__ import annotations

import datetime
from pathlib import Path

from django.conf import settings

from pursuing_equity.programs.dates import demo_shift_for
from pursuing_equity.programs.models import Cycle
from pursuing_equity.programs.services import program_load

PROGRAM_FILE: Path = settings.PE_PROGRAM_FILE


def load_cycle(*, shift_months: int = 0) -> Cycle:
    """The Pursuing Equity 2023 cycle, loaded from its program file."""
    return program_load(path=PROGRAM_FILE, shift_months=shift_months).cycle


def load_demo_cycle(today: datetime.date) -> Cycle:
    """The cycle with its dates moved so that ``today`` is in its ninth month."""
    return load_cycle(shift_months=demo_shift_for(datetime.date(2023, 1, 1), today))
