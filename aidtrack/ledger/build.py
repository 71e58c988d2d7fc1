"""Mentions and curated rows → the pledge ledger (one row per real-world pledge, with its citations).

The ledger is derived data: it is rebuilt from all mentions on every run, so it is always consistent with
what the extractor found, and re-running never duplicates. Rules:

- Only ``pledge`` mentions create pledges; ``recap`` mentions attach to a matching pledge as citations;
  ``share``, ``aggregate`` and ``target`` mentions never enter the ledger.
- Two mentions are the same pledge when they have the same donor set and program, their USD amounts
  agree within ``AMOUNT_TOLERANCE`` and their dates are within ``DATE_WINDOW_DAYS``.
- The canonical amount and currency come from the most authoritative citation (source tier, then the
  extractor's confidence, then the earliest date). The announcement date is the earliest citation date.
- Curated pledges (entered by analysts) are pledges in their own right; extracted mentions that match one
  become its citations rather than a second pledge.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

from aidtrack.ledger.fx import usd_rate

AMOUNT_TOLERANCE = 0.10  # relative difference in USD under which two amounts are the same pledge
DATE_WINDOW_DAYS = 10
TIER_RANK = {"official": 0, "wire": 1, "outlet": 2, "aggregator": 3}


@dataclass(frozen=True)
class Citation:
    """One statement of a pledge: an extracted mention or a curated row."""

    kind: str  # pledge | recap | curated
    donors: tuple[str, ...]
    amount: float
    currency: str
    program: str
    on: date
    confidence: float
    tier: str
    mention_id: str | None = None
    document_id: str | None = None
    url: str | None = None
    source: str | None = None
    quote: str | None = None

    @property
    def amount_usd(self) -> float:
        return self.amount * usd_rate(self.currency, self.on)[0]

    @property
    def authority(self) -> tuple:
        curated_first = 0 if self.kind == "curated" else 1
        return (curated_first, TIER_RANK.get(self.tier, 9), -self.confidence, self.on, self.mention_id or "")


@dataclass
class LedgerPledge:
    citations: list[Citation] = field(default_factory=list)

    @property
    def canonical(self) -> Citation:
        return min((c for c in self.citations if c.kind != "recap"), key=lambda c: c.authority)

    @property
    def announced_on(self) -> date:
        return min(c.on for c in self.citations if c.kind != "recap")

    @property
    def pledge_id(self) -> str:
        first = min(
            (c for c in self.citations if c.kind != "recap"), key=lambda c: (c.on, c.mention_id or "")
        )
        basis = "|".join(
            [
                ",".join(first.donors),
                first.program,
                first.mention_id or first.url or "",
                f"{first.amount:.0f}",
                first.currency,
                first.on.isoformat(),
            ]
        )
        return "p_" + hashlib.sha256(basis.encode()).hexdigest()[:16]

    def matches(self, citation: Citation, *, any_earlier_date: bool = False) -> bool:
        head = self.canonical
        if head.donors != citation.donors or head.program != citation.program:
            return False
        usd, other = head.amount_usd, citation.amount_usd
        if abs(usd - other) > AMOUNT_TOLERANCE * max(usd, other):
            return False
        gap = (citation.on - self.announced_on).days
        if any_earlier_date:
            return gap >= -DATE_WINDOW_DAYS
        return abs(gap) <= DATE_WINDOW_DAYS


def build_ledger(citations: list[Citation]) -> list[LedgerPledge]:
    """Group citations into pledges (deterministic: the same input always gives the same ledger)."""
    ordered = sorted(citations, key=lambda c: (c.kind == "recap", c.kind != "curated", c.on, c.authority))
    pledges: list[LedgerPledge] = []
    for citation in ordered:
        if citation.kind == "recap":
            # A recap confirms an earlier pledge; it never creates one.
            for pledge in pledges:
                if pledge.matches(citation, any_earlier_date=True):
                    pledge.citations.append(citation)
                    break
            continue
        for pledge in pledges:
            if pledge.matches(citation):
                pledge.citations.append(citation)
                break
        else:
            pledges.append(LedgerPledge([citation]))
    return pledges
