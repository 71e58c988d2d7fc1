"""Records the extractor returns: one ``Statement`` per amount of money it understood."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from aidtrack.domain import Kind, Programme

KINDS = tuple(Kind)
# The note on a pledge whose text says it is a new commitment ("another", "a second", "additional"): the
# ledger then never merges it with an earlier pledge of the same donors and amount.
MARKED_NEW = "marked as a new commitment"
# The note on a statement whose date is only the month the text names ("In August, ..."), as its 1st.
DATED_BY_MONTH = "dated by the month it names"
PROGRAMS = tuple(Programme)


@dataclass(frozen=True)
class Statement:
    """One amount of money in a sentence, with what it is and who gives it.

    ``kind`` is "pledge" only for a new pledge; "recap" (mentioned again), "aggregate" (running total),
    "target" (goal or need) and "share" (a donor's part of a joint package) must never be added up as
    pledges. ``amount`` is in units of ``currency`` as stated (a range's lower bound, as ``amount_low``;
    its upper bound is in the notes).
    """

    kind: str
    donors: tuple[str, ...]
    amount: float
    amount_low: float | None
    currency: str
    currency_assumed: bool
    program: str
    confidence: float
    quote: str
    start: int
    stated_date: datetime.date | None = None
    period: str | None = None
    notes: tuple[str, ...] = ()
    trace: tuple[str, ...] = ()  # the rules that decided it (kind, donors, programme): "why?"
    conversion: tuple[float, str] | None = None  # the text's own conversion of the amount (amount, ISO code)
    # a share's other contributors named with it ("supplemented by contributions from Norway"): the package
    # it belongs to is theirs too (not in the output contract)
    co_givers: tuple[str, ...] = ()

    def to_dict(self, explain: bool = False) -> dict[str, Any]:
        """JSON-ready form; ``amount`` is an int when it is whole."""
        amount: float | int = int(self.amount) if float(self.amount).is_integer() else self.amount
        low: float | int | None = self.amount_low
        if low is not None and float(low).is_integer():
            low = int(low)
        return {
            "kind": self.kind,
            "donors": list(self.donors),
            "amount": amount,
            "amount_low": low,
            "currency": self.currency,
            "currency_assumed": self.currency_assumed,
            "program": self.program,
            "confidence": round(self.confidence, 2),
            "quote": self.quote,
            "start": self.start,
            "stated_date": self.stated_date.isoformat() if self.stated_date else None,
            "period": self.period,
            "notes": list(self.notes),
        } | ({"trace": list(self.trace)} if explain else {})


@dataclass(frozen=True)
class Extraction:
    """Everything found in one text, in reading order."""

    statements: tuple[Statement, ...] = field(default_factory=tuple)

    def _of(self, kind: str) -> tuple[Statement, ...]:
        return tuple(s for s in self.statements if s.kind == kind)

    @property
    def pledges(self) -> tuple[Statement, ...]:
        return self._of(Kind.PLEDGE)

    @property
    def recaps(self) -> tuple[Statement, ...]:
        return self._of(Kind.RECAP)

    @property
    def aggregates(self) -> tuple[Statement, ...]:
        return self._of(Kind.AGGREGATE)

    @property
    def targets(self) -> tuple[Statement, ...]:
        return self._of(Kind.TARGET)

    @property
    def shares(self) -> tuple[Statement, ...]:
        return self._of(Kind.SHARE)

    def to_contract(self, id: Any, explain: bool = False) -> dict[str, Any]:  # noqa: A002 - the contract's key
        """The ``aidtrack extract`` output line for input ``id`` (see DESIGN.md); ``explain`` adds each
        statement's ``trace``."""
        return {
            "id": id,
            "pledges": [s.to_dict(explain) for s in self.pledges],
            "aggregates": [s.to_dict(explain) for s in self.aggregates],
            "targets": [s.to_dict(explain) for s in self.targets],
            "recaps": [s.to_dict(explain) for s in self.recaps],
            "shares": [s.to_dict(explain) for s in self.shares],
        }
