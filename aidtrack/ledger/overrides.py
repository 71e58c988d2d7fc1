"""Analysts' decisions about pledges: an append-only log (table ``pledge_overrides``) applied on rebuild.

Actions: ``confirm`` (counts even below the review threshold), ``reject`` (leaves the totals), ``edit``
(corrects donors, amount, currency, date or program; implies confirm unless the pledge is rejected) and
``add`` (a pledge no source we follow reported). The latest confirm/reject wins; edits accumulate field by
field; nothing is ever updated or deleted, so every pledge keeps its history (who, when, why).

Each decision records what the pledge was when it was taken (its *basis*: donors, program, USD amount,
date). The ledger is rebuilt from mentions on every run and by ``aidtrack reprocess``; a pledge keeps its
id when its evidence is unchanged, and when a better source changes its canonical amount or date (and so
its natural id) the decision finds it again by its basis and the pledge keeps the id the analyst used.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import duckdb

from aidtrack.domain import Programme
from aidtrack.errors import AidtrackError
from aidtrack.fx import Rates, UnknownCurrencyError, load_rates
from aidtrack.ledger.build import AMOUNT_TOLERANCE, DATE_WINDOW_DAYS, Citation, LedgerPledge

ACTIONS = ("confirm", "reject", "edit", "add")
PROGRAMS = tuple(Programme)


class OverrideError(AidtrackError, ValueError):
    """A decision cannot be recorded as asked (unknown pledge, bad value, ...)."""


@dataclass(frozen=True)
class Override:
    override_id: int
    pledge_id: str
    action: str
    donors: tuple[str, ...] | None
    amount: float | None
    currency: str | None
    announced_on: date | None
    program: str | None
    source_url: str | None
    basis_donors: tuple[str, ...] | None
    basis_program: str | None
    basis_amount_usd: float | None
    basis_announced_on: date | None
    analyst: str
    reason: str
    decided_at: datetime


@dataclass
class Decision:
    """All decisions about one pledge id, folded."""

    pledge_id: str
    history: list[Override] = field(default_factory=list)

    @property
    def verdict(self) -> str | None:
        """'confirmed', 'rejected' or None (no confirm/reject yet; an edit or add counts as confirm)."""
        verdict = None
        for o in self.history:
            if o.action == "reject":
                verdict = "rejected"
            elif o.action in ("confirm", "add") or (o.action == "edit" and verdict != "rejected"):
                verdict = "confirmed"
        return verdict

    @property
    def edits(self) -> dict[str, object]:
        values: dict[str, object] = {}
        for o in self.history:
            if o.action != "edit":
                continue
            for name in ("donors", "amount", "currency", "announced_on", "program"):
                value = getattr(o, name)
                if value is not None:
                    values[name] = value
        return values

    @property
    def added(self) -> Override | None:
        return next((o for o in self.history if o.action == "add"), None)

    @property
    def basis(self) -> tuple[tuple[str, ...], str, float, date] | None:
        """What the pledge was when first decided about (carried forward: edits do not move it)."""
        for o in self.history:
            if o.basis_donors is not None and o.basis_program and o.basis_announced_on:
                return (
                    tuple(sorted(o.basis_donors)),
                    o.basis_program,
                    o.basis_amount_usd or 0.0,
                    o.basis_announced_on,
                )
        return None


_SELECT = """select override_id, pledge_id, action, donors, amount, currency, announced_on, program, source_url,
                    basis_donors, basis_program, basis_amount_usd, basis_announced_on, analyst, reason, decided_at
             from pledge_overrides order by override_id"""


def load_decisions(con: duckdb.DuckDBPyConnection) -> dict[str, Decision]:
    """Every pledge id an analyst decided about → its folded decisions, in the order they were taken."""
    decisions: dict[str, Decision] = {}
    exists = con.execute(
        "select count(*) from information_schema.tables where table_name = 'pledge_overrides'"
    ).fetchone()[0]
    if not exists:  # a warehouse from before migration 003, opened read-only: no decisions yet
        return decisions
    for row in con.execute(_SELECT).fetchall():
        o = Override(*row)
        o = _with_tuples(o)
        decisions.setdefault(o.pledge_id, Decision(o.pledge_id)).history.append(o)
    return decisions


def _with_tuples(o: Override) -> Override:
    from dataclasses import replace

    return replace(
        o,
        donors=tuple(o.donors) if o.donors is not None else None,
        basis_donors=tuple(o.basis_donors) if o.basis_donors is not None else None,
    )


def added_citations(decisions: dict[str, Decision], rates: Rates | None = None) -> list[Citation]:
    """Analysts' added pledges as citations, so mentions of the same pledge attach to them (converted
    with ``rates``; None: the bundled rates)."""
    out = []
    for d in decisions.values():
        o = d.added
        if o is None or o.donors is None or o.amount is None or o.currency is None or o.announced_on is None:
            continue
        out.append(
            Citation(
                kind="analyst",
                donors=tuple(sorted(o.donors)),
                amount=o.amount,
                currency=o.currency,
                program=o.program or "PURL",
                on=o.announced_on,
                confidence=1.0,
                tier="official",
                url=o.source_url,
                source=f"analyst:{o.analyst}",
                quote=o.reason,
                dated_by="curated",
                ref=o.pledge_id,
                rates=rates,
            )
        )
    return out


def attach_ids(
    pledges: list[LedgerPledge], decisions: dict[str, Decision], rates: Rates | None = None
) -> list[str]:
    """Give pledges the ids analysts' decisions refer to; make every id unique. Returns the ids of
    decisions whose pledge is gone (no pledge matches them any more). A decision's basis is in USD:
    pledges are compared with it converted with ``rates`` (None: the bundled rates)."""
    rates = rates if rates is not None else load_rates(None)
    for p in pledges:
        ref = next((c.ref for c in p.citations if c.kind == "analyst" and c.ref), None)
        if ref:
            p.pledge_id_override = ref
    present = {p.pledge_id for p in pledges}
    claimed = set(decisions)
    by_key: dict[tuple, list[LedgerPledge]] = {}
    for p in pledges:
        head = p.canonical
        by_key.setdefault((tuple(sorted(head.donors)), head.program), []).append(p)
    orphans = []
    for pledge_id in sorted(decisions, key=lambda k: decisions[k].history[0].override_id):
        if pledge_id in present:
            continue
        basis = decisions[pledge_id].basis
        found = _find_by_basis(by_key, basis, claimed, rates) if basis else None
        if found is None:
            orphans.append(pledge_id)
            continue
        found.pledge_id_override = pledge_id
        present.add(pledge_id)
    _make_unique(pledges)
    return orphans


def _find_by_basis(by_key: dict, basis: tuple, claimed: set[str], rates: Rates) -> LedgerPledge | None:
    donors, program, amount_usd, on = basis
    best, best_key = None, None
    for p in by_key.get((donors, program), ()):
        if p.pledge_id in claimed:
            continue  # another decision's pledge: never steal it
        gap = abs((p.announced_on - on).days)
        usd = _usd(p, rates)
        if gap > DATE_WINDOW_DAYS or usd is None:
            continue
        if abs(usd - amount_usd) > AMOUNT_TOLERANCE * max(usd, amount_usd):
            continue
        key = (gap, abs(usd - amount_usd), p.natural_id)
        if best_key is None or key < best_key:
            best, best_key = p, key
    return best


def _usd(p: LedgerPledge, rates: Rates) -> float | None:
    head = p.canonical
    try:
        return head.amount * rates.usd_rate(head.currency, p.announced_on)[0]
    except UnknownCurrencyError:
        return None


def _make_unique(pledges: list[LedgerPledge]) -> None:
    """Two pledges with the same natural id (e.g. two identical curated rows): suffix the later ones."""
    seen: dict[str, int] = {}
    for p in sorted(pledges, key=lambda p: (p.pledge_id, p.canonical.sort_key, p.canonical.url or "")):
        pid = p.pledge_id
        if pid in seen:
            seen[pid] += 1
            p.pledge_id_override = f"{pid}-{seen[pid]}"
        else:
            seen[pid] = 1


# --- recording decisions (the CLI calls these inside a writer transaction) ---


def record(
    con: duckdb.DuckDBPyConnection,
    pledge_id: str,
    action: str,
    *,
    analyst: str,
    reason: str,
    donors: list[str] | None = None,
    amount: float | None = None,
    currency: str | None = None,
    announced_on: date | None = None,
    program: str | None = None,
    source_url: str | None = None,
    basis: tuple[list[str], str, float, date] | None = None,
    now: datetime | None = None,
) -> int:
    """Append one decision to the log; returns its override id."""
    if action not in ACTIONS:
        raise OverrideError(f"unknown action {action!r} (one of {', '.join(ACTIONS)})")
    if not analyst.strip():
        raise OverrideError("say who decides: --by NAME (or set AIDTRACK_ANALYST / USER)")
    if not reason.strip():
        raise OverrideError("say why: --reason TEXT (it is kept in the pledge's history)")
    b_donors, b_program, b_usd, b_on = basis if basis else (None, None, None, None)
    row = con.execute(
        """insert into pledge_overrides (pledge_id, action, donors, amount, currency, announced_on, program,
               source_url, basis_donors, basis_program, basis_amount_usd, basis_announced_on, analyst, reason,
               decided_at)
           values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning override_id""",
        [
            pledge_id,
            action,
            donors,
            amount,
            currency,
            announced_on,
            program,
            source_url,
            b_donors,
            b_program,
            b_usd,
            b_on,
            analyst.strip(),
            reason.strip(),
            now or datetime.now(UTC),
        ],
    ).fetchone()
    return int(row[0])


def new_pledge_id(
    donors: list[str], amount: float, currency: str, on: date, program: str, stamp: datetime
) -> str:
    """An analyst-added pledge's id: from what it is and when it was added (two adds never collide)."""
    basis = (
        f"{','.join(sorted(donors))}|{program}|{amount:.0f}|{currency}|{on.isoformat()}|{stamp.isoformat()}"
    )
    return "a_" + hashlib.sha256(basis.encode()).hexdigest()[:16]
