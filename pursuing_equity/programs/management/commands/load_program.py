"""manage.py load_program FILE [--demo-dates | --shift-months N]"""

from django.core.management.base import BaseCommand, CommandError

from pursuing_equity.programs.services import ProgramFileError, demo_shift_months, program_load


class Command(BaseCommand):
    help = (
        "Validate a program file (programs/*.toml) and create or update its cycle. "
        "Every error is listed with its key path; nothing is written unless the file is valid."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", help="the program file, e.g. programs/pursuing-equity-2023.toml"
        )
        dates = parser.add_mutually_exclusive_group()
        dates.add_argument(
            "--demo-dates",
            action="store_true",
            help="move every date by whole months so that today falls in the program's ninth month",
        )
        dates.add_argument(
            "--shift-months",
            type=int,
            default=0,
            metavar="N",
            help="move every date by N whole months",
        )

    def handle(self, *args, file, demo_dates, shift_months, **options):
        try:
            shift = demo_shift_months(file) if demo_dates else shift_months
            result = program_load(path=file, shift_months=shift)
        except ProgramFileError as error:
            for problem in error.errors:
                self.stderr.write(str(problem))
            count = len(error.errors)
            raise CommandError(
                f"{file}: {count} error{'s' if count != 1 else ''}; nothing was loaded."
            ) from error
        for warning in result.warnings:
            self.stderr.write(f"warning: {warning}")
        cycle = result.cycle
        note = f" (demo dates: shifted {shift:+d} months)" if shift else ""
        self.stdout.write(f"{cycle.slug}: {result.summary()}{note}")
