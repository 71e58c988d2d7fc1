"""Curated pledges: a CSV an analyst keeps by hand → ``CuratedPledge`` records.

Columns: ``donors`` (ISO 3166-1 alpha-3, ';'-separated), ``amount``, ``currency`` (ISO 4217),
``announced_on`` (YYYY-MM-DD), ``program`` (PURL|bilateral|other), ``source_url``, ``note`` (optional).
Rows are numbered as a spreadsheet shows them (header = row 1). Every bad row yields an error naming
the row and the column; good rows are still returned.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from aidtrack.domain import Programme
from aidtrack.errors import AidtrackError

REQUIRED_COLUMNS = ("donors", "amount", "currency", "announced_on", "program", "source_url")
OPTIONAL_COLUMNS = ("note",)
PROGRAMS = {p.value.lower(): p for p in Programme}

_ISO3 = re.compile(r"^[A-Z]{3}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_AMOUNT = re.compile(r"^(?P<num>\d+(?:\.\d+)?(?:e\d+)?)\s*(?P<unit>k|m|mn|bn|b)?$", re.I)
_UNITS = {None: 1, "k": 1e3, "m": 1e6, "mn": 1e6, "b": 1e9, "bn": 1e9}


@dataclass(frozen=True)
class CuratedPledge:
    donors: tuple[str, ...]
    amount: float
    currency: str
    announced_on: date
    program: str
    source_url: str
    note: str | None
    row: int


@dataclass(frozen=True)
class CuratedRowError:
    row: int
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column {self.column!r}" if self.column else "")
        return f"{where}: {self.message}"


class CuratedFileError(AidtrackError, ValueError):
    """The curated file cannot be used at all, or (from ``load_curated``) has bad rows."""

    def __init__(self, message: str, errors: list[CuratedRowError] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []


@dataclass
class CuratedFile:
    pledges: list[CuratedPledge]
    errors: list[CuratedRowError]


def read_curated(path: Path) -> CuratedFile:
    """Parse the file; rows with problems go to ``errors``. Raises ``CuratedFileError`` only when the
    file as a whole is unusable (missing, unreadable, no header, required column absent)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CuratedFileError(f"{path}: curated pledges file not found") from None
    except UnicodeDecodeError as exc:
        raise CuratedFileError(f"{path}: not UTF-8 text ({exc}); save it as UTF-8 CSV") from None
    except OSError as exc:
        raise CuratedFileError(f"{path}: cannot read: {exc}") from None
    reader = csv.reader(text.splitlines(keepends=True))
    try:
        header = next(reader)
    except StopIteration:
        raise CuratedFileError(f"{path}: empty file; expected a header row") from None
    except csv.Error as exc:
        raise CuratedFileError(f"{path}: row 1: {exc}") from None
    columns = [h.strip().lower() for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise CuratedFileError(f"{path}: row 1 (header): missing column {missing[0]!r}")
    unknown = [c for c in columns if c and c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if unknown:
        raise CuratedFileError(f"{path}: row 1 (header): unknown column {unknown[0]!r}")
    duplicated = [c for c in columns if c and columns.count(c) > 1]
    if duplicated:
        raise CuratedFileError(f"{path}: row 1 (header): duplicate column {duplicated[0]!r}")

    pledges: list[CuratedPledge] = []
    errors: list[CuratedRowError] = []
    row_number = 1
    while True:
        start = reader.line_num + 1  # first physical line of this record (quoted fields may span lines)
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(CuratedRowError(start, None, f"malformed CSV: {exc}"))
            break
        row_number = start
        if not any(c.strip() for c in cells):
            continue  # blank line
        if len(cells) > len(columns):
            errors.append(CuratedRowError(row_number, None, f"{len(cells)} cells but {len(columns)} columns"))
            continue
        record = dict(
            zip(columns, [c.strip() for c in cells] + [""] * (len(columns) - len(cells)), strict=True)
        )
        pledge, row_errors = _parse_row(record, row_number)
        if row_errors:
            errors.extend(row_errors)
        elif pledge is not None:
            pledges.append(pledge)
    return CuratedFile(pledges, errors)


def load_curated(path: Path) -> list[CuratedPledge]:
    """All pledges, or ``CuratedFileError`` listing every bad row (for strict callers like a CLI check)."""
    result = read_curated(path)
    if result.errors:
        lines = "; ".join(str(e) for e in result.errors[:10])
        more = f" (and {len(result.errors) - 10} more)" if len(result.errors) > 10 else ""
        raise CuratedFileError(f"{path}: {lines}{more}", result.errors)
    return result.pledges


def _parse_row(record: dict[str, str], row: int) -> tuple[CuratedPledge | None, list[CuratedRowError]]:
    errors: list[CuratedRowError] = []

    def bad(column: str, message: str) -> None:
        errors.append(CuratedRowError(row, column, message))

    donors_raw = record["donors"]
    donors: list[str] = []
    for part in donors_raw.replace(",", ";").split(";"):
        code = part.strip().upper()
        if not code:
            continue
        if not _ISO3.match(code):
            bad("donors", f"{part.strip()!r} is not an ISO 3166-1 alpha-3 code (e.g. NLD)")
        elif code not in donors:
            donors.append(code)
    if not donors_raw.strip():
        bad("donors", "empty; give ISO3 codes separated by ';'")

    amount = None
    raw_amount = record["amount"].replace(",", "").replace("_", "").replace(" ", "").replace("\u00a0", "")
    m = _AMOUNT.match(raw_amount)
    if not record["amount"]:
        bad("amount", "empty")
    elif not m:
        bad("amount", f"{record['amount']!r} is not a number")
    else:
        unit = (m.group("unit") or "").lower() or None
        amount = float(m.group("num")) * _UNITS[unit]
        if amount <= 0:
            bad("amount", "must be greater than zero")

    currency = record["currency"].upper()
    if not _ISO3.match(currency):
        bad("currency", f"{record['currency']!r} is not an ISO 4217 code (e.g. EUR)")

    announced_on = None
    if not _DATE.match(record["announced_on"]):
        bad("announced_on", f"{record['announced_on']!r} is not a date in YYYY-MM-DD form")
    else:
        try:
            announced_on = date.fromisoformat(record["announced_on"])
        except ValueError as exc:
            bad("announced_on", f"{record['announced_on']!r}: {exc}")

    program = PROGRAMS.get(record["program"].lower())
    if program is None:
        bad("program", f"{record['program']!r} must be PURL, bilateral or other")

    source_url = record["source_url"]
    parts = urlsplit(source_url) if source_url else None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        bad("source_url", f"{source_url!r} is not an absolute http(s) URL")

    if errors:
        return None, errors
    assert amount is not None and announced_on is not None and program is not None
    return (
        CuratedPledge(
            donors=tuple(donors),
            amount=amount,
            currency=currency,
            announced_on=announced_on,
            program=program,
            source_url=source_url,
            note=record.get("note") or None,
            row=row,
        ),
        [],
    )
