"""Mentions and curated rows → the pledge ledger (one row per real-world pledge, with its citations).

The ledger is derived data: it is rebuilt from all mentions on every run, so it is always consistent with
what the extractor found, and re-running never duplicates. Rules (docs/ledger.md explains them):

- ``pledge`` mentions, curated rows and analysts' added pledges create pledges. ``recap`` mentions attach
  to an earlier matching pledge (or, for a member's part, to the joint package); ``share`` mentions (a
  donor's part of a joint package) attach to the joint package. Neither adds to a total. Recaps that
  repeat no pledge in the ledger found one *from background*: status ``review``, origin ``background``,
  never counted until an analyst confirms it. Aggregates and targets never enter.
- Pledges of the same donors, program and amount are one pledge whatever the gap in days, unless the
  later one's text marks it as a new commitment ("another", "a second", "additional": ``marked_new``).
- Two citations state the same pledge when they have the same donor set and program, their dates are
  within ``DATE_WINDOW_DAYS`` and their amounts agree: in USD within ``AMOUNT_TOLERANCE``, or as the same
  stated number in another currency when one side only assumed its currency or is less authoritative
  (the outlet that printed "$200m" for Canada's CAD 200m). Citations are compared with the anchor (the
  most authoritative citation) of a candidate pledge, so dense reporting cannot chain $100m to $200m;
  conversions of another reading of the anchor's number join too, so "CAD 200m", "US$143m", "$200m"
  and "€171m" become one pledge, whatever order they arrive in.
- Curated and analyst-added pledges are never merged with each other; extracted citations that match
  one become its citations rather than a second pledge.
- The canonical amount and currency come from the most authoritative citation (analyst/curated, then
  source tier official > wire > outlet > aggregator, then a stated over an assumed currency, then the
  extractor's confidence, then the earliest date). The announcement date is the earliest credible date.
- A pledge's id is derived from what it is (donors, program, canonical amount and currency, date), so
  it is the same on every run and after ``aidtrack reprocess``.

The work is indexed by (donors, program), and inside that by date and amount, so building is roughly
linear in the number of citations.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from aidtrack.domain import CitationKind, Kind
from aidtrack.fx import Rates, UnknownCurrencyError, load_rates

AMOUNT_TOLERANCE = 0.10  # relative difference in USD under which two amounts are the same pledge
SAME_NUMBER_TOLERANCE = 0.005  # "200 million" vs "200m": the same stated number
DATE_WINDOW_DAYS = 10
TIER_RANK = {"official": 0, "wire": 1, "outlet": 2, "aggregator": 3}
# citations that can found a pledge
PRIMARY_KINDS = frozenset({CitationKind.PLEDGE, CitationKind.CURATED, CitationKind.ANALYST})
VOUCHED_KINDS = frozenset({CitationKind.CURATED, CitationKind.ANALYST})  # entered by people: never merged
_LOG_STEP = math.log1p(AMOUNT_TOLERANCE)
_NUMBER_STEP = math.log1p(SAME_NUMBER_TOLERANCE)


@dataclass(frozen=True)
class Citation:
    """One statement of a pledge: an extracted mention, a curated row or an analyst's added pledge.

    ``on`` is the date the citation gives the pledge: the date stated in the text, else the document's
    publication date, else (``dated_by='fetched'``) when we fetched it, which is not credible on its own.
    """

    kind: str  # pledge | recap | share | curated | analyst
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
    currency_assumed: bool = False
    dated_by: str = "stated"  # stated | month (its 1st: "in August") | published | fetched | curated
    ref: str | None = None  # analyst citations: the pledge id the analyst gave it
    marked_new: bool = False  # the text says it is a new commitment ("another", "a second", ...)
    # The ECB rates it is converted with (the run's; None: the bundled rates). Not part of what it states.
    rates: Rates | None = field(default=None, compare=False, repr=False)

    @cached_property
    def amount_usd(self) -> float | None:
        """The amount in USD at the ECB rate of ``on``; None when the ECB has no rate for the currency."""
        rates = self.rates if self.rates is not None else load_rates(None)
        try:
            return self.amount * rates.usd_rate(self.currency, self.on)[0]
        except UnknownCurrencyError:
            return None

    @cached_property
    def authority(self) -> tuple:
        """Sort key: the most authoritative citation sorts first."""
        return (
            0 if self.kind in VOUCHED_KINDS else 1,
            TIER_RANK.get(self.tier, 9),
            1 if self.currency_assumed else 0,
            -self.confidence,
            self.on,
            self.mention_id or self.url or "",
        )

    @property
    def credible_date(self) -> bool:
        return self.dated_by != "fetched" and self.tier != "aggregator"

    @cached_property
    def sort_key(self) -> tuple:
        return (self.on, self.authority, self.amount, self.currency, self.quote or "")


def same_amount(a: Citation, b: Citation) -> bool:
    """Do two citations (same donors, program and window) state the same amount of money?"""
    if a.currency == b.currency:
        return _close(a.amount, b.amount, AMOUNT_TOLERANCE)
    if a.amount_usd is not None and b.amount_usd is not None:
        if _close(a.amount_usd, b.amount_usd, AMOUNT_TOLERANCE):
            return True
    # The wrong currency in one outlet: the same number with another currency sign, where one side only
    # guessed the currency (a bare "$") or is a less authoritative source than the other.
    return _close(a.amount, b.amount, SAME_NUMBER_TOLERANCE) and (
        a.currency_assumed or b.currency_assumed or TIER_RANK.get(a.tier, 9) != TIER_RANK.get(b.tier, 9)
    )


def _close(x: float, y: float, tolerance: float) -> bool:
    return abs(x - y) <= tolerance * max(abs(x), abs(y))


@dataclass
class LedgerPledge:
    citations: list[Citation] = field(default_factory=list)
    pledge_id_override: str | None = None  # set by the store when an analyst's id must be kept
    # Derived values, recomputed only when citations were appended (citations are never changed in place).
    _memo: dict = field(default_factory=dict, repr=False, compare=False)

    def _cached(self, name: str, compute):  # noqa: ANN001, ANN202
        key = (name, len(self.citations))
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    @property
    def from_background(self) -> bool:
        """Founded by background mentions only: no article reported it as news (see ``build_ledger``)."""
        return not any(c.kind in PRIMARY_KINDS for c in self.citations)

    @property
    def primaries(self) -> list[Citation]:
        """The citations that state the pledge itself; for a pledge known only from background mentions,
        those mentions."""
        return self._cached(
            "primaries",
            lambda: (
                [c for c in self.citations if c.kind in PRIMARY_KINDS]
                or [c for c in self.citations if c.kind == Kind.RECAP]
            ),
        )

    @property
    def canonical(self) -> Citation:
        return self._cached("canonical", lambda: min(self.primaries, key=lambda c: c.authority))

    @property
    def announced_on(self) -> date:
        """The earliest credible date among the pledge's own citations (recaps and shares excluded)."""
        return self._cached("announced_on", self._announced_on)

    def _announced_on(self) -> date:
        primaries = self.primaries
        vouched = [c.on for c in primaries if c.kind in VOUCHED_KINDS]
        if vouched:
            return min(vouched)
        credible = [c.on for c in primaries if c.credible_date]
        return min(credible or [c.on for c in primaries])

    @property
    def values(self) -> list[Citation]:
        """One primary citation per distinct stated value: all that amount matching needs to look at."""
        return self._cached("values", lambda: _distinct_values(self.primaries))

    @property
    def natural_id(self) -> str:
        """Derived from what the pledge is, not from which articles happened to cite it."""
        return self._cached("natural_id", self._natural_id)

    def _natural_id(self) -> str:
        head = self.canonical
        basis = "|".join(
            [
                ",".join(sorted(head.donors)),
                head.program,
                f"{head.amount:.0f}",
                head.currency,
                self.announced_on.isoformat(),
            ]
        )
        return "p_" + hashlib.sha256(basis.encode()).hexdigest()[:16]

    @property
    def pledge_id(self) -> str:
        return self.pledge_id_override or self.natural_id

    def matches(self, citation: Citation, *, any_earlier_date: bool = False) -> bool:
        """Would ``citation`` be a citation of this pledge? (recaps: ``any_earlier_date``)."""
        head = self.canonical
        if head.donors != citation.donors or head.program != citation.program:
            return False
        gap = (citation.on - self.announced_on).days
        if citation.dated_by == "month":
            # "In August, Germany gave $500m": any day of that month (or the window before it) fits.
            gap = max(gap, 0) if citation.on.replace(day=1) == self.announced_on.replace(day=1) else gap
        if any_earlier_date:
            if gap < -DATE_WINDOW_DAYS:
                return False
        elif abs(gap) > DATE_WINDOW_DAYS:
            return False
        return any(same_amount(c, citation) for c in self.values)


def _distinct_values(citations: list[Citation]) -> list[Citation]:
    """One citation per stated value (amount, currency, assumed, tier): what matching needs to see."""
    seen: dict[tuple, Citation] = {}
    for c in citations:
        seen.setdefault((round(c.amount), c.currency, c.currency_assumed, c.tier), c)
    return list(seen.values())


def _usd_bin(c: Citation) -> int | None:
    usd = c.amount_usd
    return math.floor(math.log(usd) / _LOG_STEP) if usd is not None and usd > 0 else None


def _number_bin(c: Citation) -> int | None:
    return round(math.log(c.amount) / _NUMBER_STEP) if c.amount > 0 else None


def _date_bucket(on: date) -> int:
    return on.toordinal() // DATE_WINDOW_DAYS


def _is_other_reading(anchor: Citation, c: Citation) -> bool:
    """``c`` states the anchor's number with another currency sign (the "$200m" for CAD 200m)."""
    if c.currency == anchor.currency or not _close(c.amount, anchor.amount, SAME_NUMBER_TOLERANCE):
        return False
    if c.amount_usd is not None and anchor.amount_usd is not None:
        return not _close(c.amount_usd, anchor.amount_usd, AMOUNT_TOLERANCE)
    return True


@dataclass
class _Cluster:
    anchor: Citation  # the most authoritative citation: it sets the amount every other one is compared with
    members: list[Citation]
    readings: list[Citation]  # the anchor, plus other readings of its number (a wrong currency sign)
    merged: bool = False


class _ClusterIndex:
    """Readings of clusters by (USD bin, date bucket) and (stated-number bin, date bucket)."""

    def __init__(self) -> None:
        self.by_usd: dict[tuple[int, int], list[tuple[Citation, _Cluster]]] = defaultdict(list)
        self.by_number: dict[tuple[int, int], list[tuple[Citation, _Cluster]]] = defaultdict(list)

    def add(self, reading: Citation, cluster: _Cluster) -> None:
        bucket = _date_bucket(reading.on)
        if (b := _usd_bin(reading)) is not None:
            self.by_usd[(b, bucket)].append((reading, cluster))
        if (n := _number_bin(reading)) is not None:
            self.by_number[(n, bucket)].append((reading, cluster))

    def probe(self, c: Citation) -> list[tuple[Citation, _Cluster]]:
        found: dict[int, tuple[Citation, _Cluster]] = {}
        bucket = _date_bucket(c.on)
        days = (bucket - 1, bucket, bucket + 1)
        if (b := _usd_bin(c)) is not None:
            # ±2 bins: a same-currency match within the tolerance can drift a bin with the exchange rate
            for k in range(b - 2, b + 3):
                for d in days:
                    for pair in self.by_usd.get((k, d), ()):
                        found[id(pair[0])] = pair
        if (n := _number_bin(c)) is not None:
            for k in (n - 1, n, n + 1):
                for d in days:
                    for pair in self.by_number.get((k, d), ()):
                        found[id(pair[0])] = pair
        return list(found.values())


def _cluster(citations: list[Citation]) -> list[list[Citation]]:
    """Clusters of one (donors, program) group's pledge citations (extracted and vouched).

    Citations are taken most authoritative first. Each joins the cluster whose anchor (its most
    authoritative citation) states the same amount within ``DATE_WINDOW_DAYS`` of it, else founds a
    cluster. Matching is against the anchor, not against every member, so dense reporting cannot chain
    $100m to $200m in 9 % steps. The one exception: a member that reads the anchor's number with another
    currency sign (an outlet's "$200m" for CAD 200m) is another reading of the pledge, and conversions of
    that reading ("€171m") join too. Curated and analyst rows always found their own cluster. Sorting
    makes the result independent of input order; the indexes keep the cost near linear.
    """
    ordered = sorted(citations, key=lambda c: (c.authority, c.sort_key))
    index = _ClusterIndex()
    clusters: list[_Cluster] = []
    for c in ordered:
        if c.kind not in VOUCHED_KINDS:
            best = None
            for reading, cluster in index.probe(c):
                gap = abs((c.on - cluster.anchor.on).days)
                if gap > DATE_WINDOW_DAYS or not same_amount(reading, c):
                    continue
                # the anchor before other readings; the very number stated before a conversion; then nearest
                same_number = _close(reading.amount, c.amount, SAME_NUMBER_TOLERANCE)
                score = (
                    reading is not cluster.anchor,
                    not same_number,
                    gap,
                    _distance(reading, c),
                    cluster.anchor.sort_key,
                )
                if best is None or score < best[0]:
                    best = (score, cluster, reading)
            if best is not None:
                _, cluster, reading = best
                cluster.members.append(c)
                if reading is cluster.anchor and _is_other_reading(cluster.anchor, c):
                    cluster.readings.append(c)
                    index.add(c, cluster)
                continue
        cluster = _Cluster(anchor=c, members=[c], readings=[c])
        clusters.append(cluster)
        index.add(c, cluster)
    # A conversion of another reading may have been more authoritative than the reading itself and so
    # founded its own cluster first (a wire's "€171m" before a digest's "$200m"): fold it in now.
    for cluster in clusters:
        for reading in cluster.readings[1:]:
            for other_reading, other in index.probe(reading):
                if (
                    other is cluster
                    or other.merged
                    or other_reading is not other.anchor
                    or other.anchor.kind in VOUCHED_KINDS
                    or other.anchor.authority < cluster.anchor.authority
                    or abs((other.anchor.on - cluster.anchor.on).days) > DATE_WINDOW_DAYS
                    or not same_amount(reading, other.anchor)
                ):
                    continue
                cluster.members.extend(other.members)
                other.merged = True
    return [c.members for c in clusters if not c.merged]


def _distance(a: Citation, b: Citation) -> float:
    if a.amount_usd and b.amount_usd:
        return abs(a.amount_usd - b.amount_usd) / max(a.amount_usd, b.amount_usd)
    return abs(a.amount - b.amount) / max(a.amount, b.amount, 1.0)


class _AmountIndex:
    """Pledges of one (donors, program) group, findable by USD amount bin and by stated number."""

    def __init__(self) -> None:
        self.by_bin: dict[int, list[LedgerPledge]] = defaultdict(list)
        self.by_number: dict[int, list[LedgerPledge]] = defaultdict(list)

    def add(self, pledge: LedgerPledge) -> None:
        seen_bins, seen_numbers = set(), set()
        for c in pledge.values:
            if (b := _usd_bin(c)) is not None:
                seen_bins.add(b)
            if (n := _number_bin(c)) is not None:
                seen_numbers.add(n)
        for b in seen_bins:
            self.by_bin[b].append(pledge)
        for n in seen_numbers:
            self.by_number[n].append(pledge)

    def candidates(self, c: Citation) -> list[LedgerPledge]:
        found: dict[int, LedgerPledge] = {}
        if (b := _usd_bin(c)) is not None:
            for k in (b - 2, b - 1, b, b + 1, b + 2):
                for p in self.by_bin.get(k, ()):
                    found[id(p)] = p
        if (n := _number_bin(c)) is not None:
            for k in (n - 1, n, n + 1):
                for p in self.by_number.get(k, ()):
                    found[id(p)] = p
        return list(found.values())


def build_ledger(citations: list[Citation]) -> list[LedgerPledge]:
    """Group citations into pledges (deterministic: the same input, in any order, gives the same ledger).

    Returns the pledges sorted by announcement date and id. Recaps and shares that match no pledge are
    dropped (they never create one).
    """
    groups: dict[tuple, dict[str, list[Citation]]] = defaultdict(lambda: defaultdict(list))
    shares: list[Citation] = []
    for c in citations:
        if c.kind == Kind.SHARE:
            shares.append(c)
        else:
            groups[(c.donors, c.program)][Kind.RECAP if c.kind == Kind.RECAP else c.kind].append(c)

    pledges: list[LedgerPledge] = []
    unplaced: dict[tuple, list[Citation]] = defaultdict(list)
    for key in sorted(groups):
        parts = groups[key]
        # Only our fetch date is known for some articles: the pledge was announced then or earlier.
        undated = [c for c in parts[Kind.PLEDGE] if c.dated_by == "fetched"]
        dated = [c for c in parts[Kind.PLEDGE] if c.dated_by != "fetched"]
        found = [LedgerPledge(members) for members in _cluster(dated + parts["curated"] + parts["analyst"])]
        index = _AmountIndex()
        for pledge in found:
            index.add(pledge)
        orphans = []
        for c in sorted(undated, key=lambda c: c.sort_key):
            home = _best_for_recap(index.candidates(c), c)
            if home is None:
                orphans.append(c)
            else:
                home.citations.append(c)
        for cluster in _cluster(orphans):
            pledge = LedgerPledge(cluster)
            found.append(pledge)
            index.add(pledge)
        found = _merge_repeats(found)
        index = _AmountIndex()
        for pledge in found:
            index.add(pledge)
        for recap in sorted(parts[Kind.RECAP], key=lambda c: c.sort_key):
            home = _best_for_recap(index.candidates(recap), recap)
            if home is not None:
                home.citations.append(recap)
            else:
                unplaced[key].append(recap)
        pledges.extend(found)

    _attach_shares(pledges, shares)
    # Background mentions that repeat no pledge in the ledger: a member's part of a joint package ("Sweden,
    # which put $275m into the Nordic package") goes to that package; the rest are pledges whose news we
    # missed ("Germany, which followed with $500m"). Those enter the ledger for review, dated by the
    # mentions' own evidence, and are never counted until an analyst confirms them.
    for key in sorted(unplaced):
        recaps = [c for c in unplaced[key] if not _attach_to_package(pledges, c)]
        pledges.extend(LedgerPledge(cluster) for cluster in _cluster(recaps))
    return sorted(pledges, key=lambda p: (p.announced_on, p.pledge_id))


def _attach_to_package(pledges: list[LedgerPledge], recap: Citation) -> bool:
    """Attach ``recap`` to the latest joint package of the same program announced before it (within the
    window after) whose donors include the recap's and that is not smaller; True when attached."""
    fits = [
        p
        for p in pledges
        if not p.from_background
        and set(recap.donors) < set(p.canonical.donors)
        and p.canonical.program == recap.program
        and (recap.on - p.announced_on).days >= -DATE_WINDOW_DAYS
        and _not_larger(recap, p.canonical)
    ]
    if not fits:
        return False
    max(fits, key=lambda p: (p.announced_on, p.natural_id)).citations.append(recap)
    return True


def _merge_repeats(pledges: list[LedgerPledge]) -> list[LedgerPledge]:
    """One (donors, program) group's pledges with repeats folded in: a later pledge of the same amount
    (``same_amount``) is the earlier one reported again, whatever the gap in days, unless its text marks
    it as a new commitment ("another $500m", "a second package"). A pledge entered by people (curated,
    analyst) keeps its own date: it may take later repeats in, but is never folded into an earlier one
    (outside the window, by ``_cluster``)."""
    kept: list[tuple[LedgerPledge, Citation]] = []  # with the anchor it was founded on (no chaining)
    for pledge in sorted(pledges, key=lambda p: (p.announced_on, p.natural_id)):
        anchor = pledge.canonical
        vouched = any(c.kind in VOUCHED_KINDS for c in pledge.primaries)
        home = None
        if not vouched and not any(c.marked_new for c in pledge.primaries):
            for earlier, earlier_anchor in reversed(kept):  # the most recent match is the one repeated
                if same_amount(earlier_anchor, anchor):
                    home = earlier
                    break
        if home is None:
            kept.append((pledge, anchor))
        else:
            home.citations.extend(pledge.citations)
    return [pledge for pledge, _ in kept]


def _best_for_recap(candidates: list[LedgerPledge], recap: Citation) -> LedgerPledge | None:
    """The pledge a recap (or an article dated only by our fetch) restates: matching amount, announced
    before (or around) it; the most recent such pledge wins (a donor's second €500m is the one a later
    article most likely means)."""
    for pledge in sorted(candidates, key=lambda p: (p.announced_on, p.natural_id), reverse=True):
        if pledge.matches(recap, any_earlier_date=True):
            return pledge
    return None


def _attach_shares(pledges: list[LedgerPledge], shares: list[Citation]) -> None:
    """A share (a donor's part of a joint package) becomes a citation of the package: a pledge whose donors
    include the share's, announced within the window, not smaller than the share. A package cited by the
    same document wins whatever program the share was given (the split is stated beside the package);
    otherwise the program must agree. Then the nearest date."""
    joint: dict[str, list[LedgerPledge]] = defaultdict(list)
    for p in pledges:
        head = p.canonical
        if len(head.donors) > 1:
            for donor in head.donors:
                joint[donor].append(p)
    documents = {
        id(p): {c.document_id for c in p.citations if c.document_id} for ps in joint.values() for p in ps
    }
    for share in sorted(shares, key=lambda c: c.sort_key):
        if not share.donors:
            continue
        ranked = []
        for p in joint.get(share.donors[0], ()):
            head = p.canonical
            if not set(share.donors) < set(head.donors) or not _not_larger(share, head):
                continue
            if abs((share.on - p.announced_on).days) > DATE_WINDOW_DAYS:
                continue
            same_document = share.document_id is not None and share.document_id in documents[id(p)]
            if not same_document and head.program != share.program:
                continue
            ranked.append(((not same_document, abs((share.on - p.announced_on).days), p.natural_id), p))
        if ranked:
            min(ranked, key=lambda pair: pair[0])[1].citations.append(share)


def _not_larger(share: Citation, package: Citation) -> bool:
    if share.amount_usd is None or package.amount_usd is None:
        return share.currency != package.currency or share.amount <= package.amount
    return share.amount_usd <= package.amount_usd * (1 + AMOUNT_TOLERANCE)


__all__ = [
    "AMOUNT_TOLERANCE",
    "DATE_WINDOW_DAYS",
    "TIER_RANK",
    "Citation",
    "LedgerPledge",
    "build_ledger",
    "same_amount",
]
