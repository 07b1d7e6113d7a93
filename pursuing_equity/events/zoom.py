"""Reading the participant report Zoom exports (CSV): a pure function, no database.

Zoom's reports differ by version, by account type and by the options chosen when exporting:

* the header names vary: "Name (Original Name)", "Name (original name)", "Participant", "Name";
  "User Email", "Email", "Attendee Email", "Email Address"; "Duration (Minutes)",
  "Duration (minutes)", "Total Duration (Minutes)", "Time in Session (minutes)"; "Join Time" /
  "Join time"; "Leave Time" / "Leave time"; "Guest" (Yes/No);
* with "Export with meeting data" the file starts with a meeting summary (Meeting ID, Topic …),
  then a blank line, then the participants' header;
* the file may start with a byte-order mark, or be saved by Excel in Windows-1252, or use
  semicolons or tabs;
* someone who left and joined again has one row per visit (their minutes are added up).

:func:`parse` returns every participant (one per email, or per name when there is no email) and
every problem, each with its row number (as a spreadsheet shows it) and column.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import asdict, dataclass, field

MAX_BYTES = 2_000_000

COLUMNS: dict[str, tuple[str, ...]] = {
    "name": (
        "name (original name)",
        "participant",
        "name",
        "user name (original name)",
        "user name",
    ),
    "email": ("user email", "email", "attendee email", "email address", "participant email"),
    "join": ("join time", "join"),
    "leave": ("leave time", "leave"),
    "minutes": (
        "duration (minutes)",
        "total duration (minutes)",
        "time in session (minutes)",
        "duration",
        "minutes",
    ),
    "guest": ("guest",),
}
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class Problem:
    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column “{self.column}”")
        if not where:
            return self.message
        text = ", ".join(where)
        return f"{text[0].upper()}{text[1:]}: {self.message}"


@dataclass
class ZoomRow:
    """One participant of the report (visits of the same person added up)."""

    row: int
    name: str
    email: str
    minutes: int
    guest: bool | None
    join: str = ""
    leave: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Report:
    rows: list[ZoomRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _normal(header: str) -> str:
    return re.sub(r"\s+", " ", header.strip().strip('"').replace("\ufeff", "")).lower()


def _decode(data: bytes) -> str | None:
    if b"\x00" in data[:4096]:
        return None  # a spreadsheet, a PDF, an image: not a CSV
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _columns(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    normal = [_normal(h) for h in header]
    for key, names in COLUMNS.items():
        for name in names:
            if name in normal:
                found[key] = normal.index(name)
                break
    return found


def _minutes(text: str) -> int | None:
    text = text.strip()
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return round(float(text))
    if re.fullmatch(r"\d{1,2}:\d{2}:\d{2}", text):  # hh:mm:ss in some exports
        hours, minutes, seconds = (int(p) for p in text.split(":"))
        return hours * 60 + minutes + round(seconds / 60)
    return None


def parse(data: bytes, *, filename: str = "") -> Report:
    """Every participant of a Zoom participant report and every problem of the file."""
    report = Report()
    problem = report.problems.append
    if not data or not data.strip():
        problem(Problem(None, "", "The file is empty."))
        return report
    if len(data) > MAX_BYTES:
        problem(Problem(None, "", "The file is larger than 2 MB; is it a Zoom participant report?"))
        return report
    text = _decode(data)
    if text is None:
        problem(
            Problem(
                None,
                "",
                "This is not a CSV text file. In Zoom, export the participant report as CSV "
                "(Reports › Usage › Participants › Export).",
            )
        )
        return report
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        lines = list(csv.reader(io.StringIO(text), dialect))
    except csv.Error as error:
        problem(Problem(None, "", f"The file cannot be read as CSV ({error})."))
        return report

    header_index, columns = None, {}
    for index, line in enumerate(lines[:30]):
        found = _columns(line)
        summary = {"meeting id", "topic"} & {_normal(cell) for cell in line}
        if "email" in found and ("name" in found or "minutes" in found) and not summary:
            header_index, columns = index, found
            break
    if header_index is None:
        problem(
            Problem(
                1,
                "",
                "No participants' header found: the report needs a “User Email” column and a "
                "“Name (Original Name)” or “Duration (Minutes)” column.",
            )
        )
        return report
    header = lines[header_index]

    by_key: dict[str, ZoomRow] = {}
    for index, line in enumerate(lines[header_index + 1 :], start=header_index + 2):
        if not any(cell.strip() for cell in line):
            continue
        if len(line) < len(header) and len(line) <= max(columns.values()):
            problem(Problem(index, "", f"has {len(line)} values, the header has {len(header)}."))
            continue

        def cell(key: str, line=line) -> str:
            return line[columns[key]].strip() if key in columns else ""

        name, email = cell("name"), cell("email").lower()
        if email and not EMAIL_RE.match(email):
            problem(Problem(index, header[columns["email"]], f"“{email}” is not an email address."))
            continue
        minutes = 0
        if "minutes" in columns:
            value = _minutes(cell("minutes"))
            if value is None:
                problem(
                    Problem(
                        index,
                        header[columns["minutes"]],
                        f"“{cell('minutes')}” is not a number of minutes.",
                    )
                )
                continue
            minutes = value
        if not name and not email:
            problem(Problem(index, "", "has neither a name nor an email address."))
            continue
        guest_text = cell("guest").lower()
        guest = {"yes": True, "no": False, "true": True, "false": False}.get(guest_text)
        key = email or f"name:{name.lower()}"
        if key in by_key:
            by_key[key].minutes += minutes
            by_key[key].leave = cell("leave") or by_key[key].leave
        else:
            by_key[key] = ZoomRow(
                row=index,
                name=re.sub(r"\s*\(.*\)\s*$", "", name) or email,
                email=email,
                minutes=minutes,
                guest=guest,
                join=cell("join"),
                leave=cell("leave"),
            )
    report.rows = list(by_key.values())
    if not report.rows and not report.problems:
        problem(Problem(None, "", "The report lists no participants."))
    return report
