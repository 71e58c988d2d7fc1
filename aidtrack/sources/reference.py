"""Reference series: monthly figures another institution publishes, to check our ledger against.

A ``kind: reference`` source names a flat file (``url``, fetched politely like any page, or ``path``) and
its ``format``. The file is validated strictly, because a silently misread reference would "confirm" the
wrong numbers: every column the format needs, numbers in its unit, one row per month with no gaps and
none in the future. A file that fails is a ``ReferenceFormatError`` naming what changed; the caller keeps
the last good release. A good file becomes a ``ReferenceRelease``: the series in currency units (not
billions) with what identifies the release (content hash, when it was read, HTTP validators).

The one format so far is the Kiel Institute's ``data/procurement_trends.csv`` (Ukraine Support Tracker
website repository): ``year, month, stockpile, procurement, unspecified, nato_purl``, € billions of
military aid *allocated* per month, all donors together; ``nato_purl`` is what was allocated through PURL.
A format is data (``ReferenceFormat``): another publisher's file is another entry in ``FORMATS``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
from dataclasses import dataclass, field
from datetime import date, datetime

from aidtrack.errors import AidtrackError


class ReferenceFormatError(AidtrackError, ValueError):
    """A reference file does not have the shape its format promises (columns, units, months)."""


@dataclass(frozen=True)
class ReferenceFormat:
    """How to read one publisher's file."""

    name: str
    publisher: str  # who publishes it, as a report names them
    title: str  # what the series is
    year_column: str
    month_column: str
    value_columns: tuple[str, ...]
    unit: float  # currency units per unit in the file (1e9: the file is in billions)
    unit_label: str  # "€ billions", for messages
    currency: str  # ISO 4217
    measure: str  # what the numbers count: "allocations" (money assigned to packages), "commitments", …
    programs: dict[str, str]  # value column → the program it measures (nato_purl → PURL)
    # The first month each program has money in the publisher's data: a release whose program column
    # is zero in every month from then on has moved that money somewhere else, not lost it.
    program_since: dict[str, date] = field(default_factory=dict)
    # The largest plausible value of one cell, in file units. Kiel's monthly military aid of all donors
    # together has never reached €15bn; 100 in a cell means the file is in another unit (€ millions).
    max_value: float = 100.0

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.year_column, self.month_column, *self.value_columns)


KIEL_PROCUREMENT_TRENDS = ReferenceFormat(
    name="kiel-procurement-trends",
    publisher="the Kiel Institute",
    title="Ukraine Support Tracker: military aid allocated per month",
    year_column="year",
    month_column="month",
    value_columns=("stockpile", "procurement", "unspecified", "nato_purl"),
    unit=1e9,
    unit_label="€ billions",
    currency="EUR",
    measure="allocations",
    programs={"nato_purl": "PURL"},
    program_since={"PURL": date(2025, 8, 1)},  # Kiel's first PURL allocations: August 2025
)

FORMATS: dict[str, ReferenceFormat] = {f.name: f for f in (KIEL_PROCUREMENT_TRENDS,)}

# How far a new release may move from the last good one, over the months both cover, before we call it
# a change of unit rather than a revision (Kiel's revisions move totals by a few per cent, not 20x).
UNIT_CHANGE_FACTOR = 20.0


@dataclass(frozen=True)
class ReferenceSeries:
    """The validated content of one file: per column, month → amount in ``currency`` units."""

    format: str
    currency: str
    measure: str
    months: tuple[date, ...]  # ascending, consecutive
    values: dict[str, dict[date, float]]
    programs: dict[str, str]  # column → program
    notes: tuple[str, ...] = ()  # harmless differences from the format (an extra column)

    @property
    def first_month(self) -> date:
        return self.months[0]

    @property
    def last_month(self) -> date:
        return self.months[-1]

    def total(self, months: set[date] | None = None) -> float:
        """All columns summed over ``months`` (every month when None)."""
        return sum(
            amount
            for column in self.values.values()
            for month, amount in column.items()
            if months is None or month in months
        )


@dataclass(frozen=True)
class ReferenceRelease:
    """One release of a reference file as we read it: the series and what identifies it."""

    source: str  # SourceConfig.name
    location: str  # the URL or the file path it was read from
    content_hash: str  # sha256 hex of the bytes
    read_at: datetime  # UTC
    last_modified: str | None  # HTTP Last-Modified (or the file's modification time)
    etag: str | None
    series: ReferenceSeries
    publisher: str

    @property
    def release_id(self) -> str:
        """Stable for the same bytes from the same source, whenever they are read."""
        return "r_" + hashlib.sha256(f"{self.source}|{self.content_hash}".encode()).hexdigest()[:16]


def _month_label(month: date) -> str:
    return f"{month:%Y-%m}"


def _next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def parse_reference(data: bytes, fmt: ReferenceFormat, *, where: str, today: date) -> ReferenceSeries:
    """Read and validate one file in ``fmt``; ``where`` names it in messages, ``today`` bounds its months.

    Raises ``ReferenceFormatError`` saying what differs from the format: a missing or renamed column,
    a value that is not a number of the format's unit, a month missing, repeated or in the future.
    """

    def fail(problem: str) -> ReferenceFormatError:
        return ReferenceFormatError(f"{where} ({fmt.name}): {problem}")

    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise fail(f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise fail(f"not a CSV file: {exc}") from None
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if not rows:
        raise fail("empty file; expected a header row " + ", ".join(fmt.columns))
    header = [cell.strip().lower() for cell in rows[0]]
    repeated = sorted({c for c in header if header.count(c) > 1})
    if repeated:
        raise fail(f"column {repeated[0]!r} appears twice in the header")
    missing = [c for c in fmt.columns if c not in header]
    extra = [c for c in header if c not in fmt.columns]
    if missing:
        renamed = f"; new column{'s' if len(extra) > 1 else ''} {', '.join(map(repr, extra))} (renamed?)"
        raise fail(
            f"the columns changed: {', '.join(map(repr, missing))} missing"
            + (renamed if extra else "")
            + f"; expected {', '.join(fmt.columns)}"
        )
    notes = tuple(f"extra column {c!r} ignored" for c in extra)
    index = {c: header.index(c) for c in fmt.columns}

    values: dict[str, dict[date, float]] = {c: {} for c in fmt.value_columns}
    seen: dict[date, int] = {}
    problems: list[str] = []
    this_month = today.replace(day=1)
    for line, cells in enumerate(rows[1:], start=2):
        if len(cells) != len(header):
            problems.append(f"row {line}: {len(cells)} cells for {len(header)} columns")
            continue
        year_text, month_text = cells[index[fmt.year_column]].strip(), cells[index[fmt.month_column]].strip()
        year, month_no = _number(year_text), _number(month_text)
        if year is None or not year.is_integer() or not 1990 <= year <= 2100:
            problems.append(f"row {line}, column {fmt.year_column!r}: {year_text!r} is not a year")
            continue
        if month_no is None or not month_no.is_integer() or not 1 <= month_no <= 12:
            problems.append(f"row {line}, column {fmt.month_column!r}: {month_text!r} is not a month 1-12")
            continue
        month = date(int(year), int(month_no), 1)
        label = f"row {line} ({_month_label(month)})"
        if month in seen:
            problems.append(f"{label}: month repeated (first in row {seen[month]})")
            continue
        if month > this_month:
            problems.append(f"{label}: the month is in the future")
            continue
        seen[month] = line
        for column in fmt.value_columns:
            raw = cells[index[column]].strip()
            value = _number(raw)
            if value is None:
                what = "empty" if raw in ("", "NA", "NaN", "null") else f"{raw!r} is not a number"
                problems.append(f"{label}, column {column!r}: {what}; expected {fmt.unit_label}")
            elif value < 0:
                problems.append(f"{label}, column {column!r}: {raw} is negative")
            elif value > fmt.max_value:
                problems.append(
                    f"{label}, column {column!r}: {raw} is not a plausible number of {fmt.unit_label} for "
                    f"one month (over {fmt.max_value:g}): the file seems to be in another unit"
                )
            else:
                values[column][month] = value * fmt.unit
        if len(problems) >= 5:
            break
    if problems:
        raise fail("; ".join(problems[:5]))
    if not seen:
        raise fail("no data rows under the header")

    months = sorted(seen)
    gaps = []
    expected = months[0]
    for month in months:
        while expected < month:
            gaps.append(_month_label(expected))
            expected = _next_month(expected)
        expected = _next_month(month)
    if gaps:
        shown = ", ".join(gaps[:6]) + (f" and {len(gaps) - 6} more" if len(gaps) > 6 else "")
        raise fail(f"month{'s' if len(gaps) > 1 else ''} missing: {shown}")

    for column, program in fmt.programs.items():
        since = fmt.program_since.get(program)
        covered = [m for m in months if since is not None and m >= since]
        if covered and not any(values[column][m] for m in covered):
            raise fail(
                f"column {column!r} ({program}) is 0 in every month from {_month_label(covered[0])} to "
                f"{_month_label(covered[-1])}, though {fmt.publisher} reports {program} money from "
                f"{_month_label(since)}: it has probably moved into another column"
            )

    return ReferenceSeries(
        format=fmt.name,
        currency=fmt.currency,
        measure=fmt.measure,
        months=tuple(months),
        values=values,
        programs=dict(fmt.programs),
        notes=notes,
    )


def unit_change(new: ReferenceSeries, previous: ReferenceSeries) -> str | None:
    """Why ``new`` cannot be the same measure as ``previous`` (the last good release), or None.

    Kiel revises its figures from release to release, so a new release may differ from the previous one;
    but over the months both cover, the totals of a revision stay within a few per cent. A total 20 times
    larger or smaller is a change of unit (billions to millions) that the plausibility bound of one cell
    cannot see when the values stay small.
    """
    common = set(new.months) & set(previous.months)
    old_total, new_total = previous.total(common), new.total(common)
    if not common or old_total <= 0:
        return None
    ratio = new_total / old_total
    if ratio > UNIT_CHANGE_FACTOR or ratio < 1 / UNIT_CHANGE_FACTOR:
        return (
            f"over the {len(common)} months both cover, the values are {ratio:.3g} times those of the last "
            "good release: the unit seems to have changed"
        )
    return None


def release_of(
    source: str,
    location: str,
    data: bytes,
    fmt: ReferenceFormat,
    *,
    read_at: datetime,
    today: date,
    last_modified: str | None = None,
    etag: str | None = None,
    where: str | None = None,
) -> ReferenceRelease:
    """Validate ``data`` and wrap it as a release of ``source`` (raises ``ReferenceFormatError``)."""
    series = parse_reference(data, fmt, where=where or location, today=today)
    return ReferenceRelease(
        source=source,
        location=location,
        content_hash=hashlib.sha256(data).hexdigest(),
        read_at=read_at,
        last_modified=last_modified,
        etag=etag,
        series=series,
        publisher=fmt.publisher,
    )
