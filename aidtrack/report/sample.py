"""A small hand-made warehouse for report tests and docs: a few PURL pledges (one joint, one in euros, one
awaiting review, one whose scraped quote and URL are hostile), two official running totals, a reference
series in the Kiel Institute's shape (our own figures), and two pipeline runs, the last with a failed
source. The pipeline's ``aidtrack demo`` is the real thing; this is
only the rows the report reads, inserted directly.

Pledges in the three complete months before ``today`` are dated relative to it so the ``pace`` mart has
something to average whatever day the tests run.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import duckdb

from aidtrack.fx import Rates, load_rates
from aidtrack.sources.reference import FORMATS, release_of
from aidtrack.warehouse import prepare
from aidtrack.warehouse.load import refresh_reference_rates, store_reference

HOSTILE_QUOTE = (
    "Poland pledged $100 million <script>document.title='pwned'</script>"
    " <img src=x onerror=\"document.title='pwned'\"> to PURL & more"
)
HOSTILE_URL = "javascript:alert(1)"

# Kiel's procurement_trends.csv shape (€ billions a month, all donors together); the figures are ours.
SAMPLE_REFERENCE_URL = "https://raw.example/ukraine-support-tracker/data/procurement_trends.csv"
SAMPLE_REFERENCE_CSV = """\
"year","month","stockpile","procurement","unspecified","nato_purl"
2025,7,0.5,1.1,0.2,0
2025,8,0.4,0.8,0.1,1.4
2025,9,0.1,0.9,0,0.05
2025,10,0,0.7,1.2,0
2025,11,0.1,0.4,0.3,0.08
2025,12,0,0.6,0.5,0.02
"""


def _months_before(today: date, n: int) -> date:
    first = today.replace(day=1)
    for _ in range(n):
        first = (first - timedelta(days=1)).replace(day=1)
    return first


def sample_pledges(today: date) -> list[dict]:
    """Ledger rows plus their sources (``sources``: list of (url, source, quote, published_on, kind))."""
    m3, m2, m1 = (_months_before(today, n) for n in (3, 2, 1))
    return [
        dict(
            pledge_id="p-nld-1",
            donors=["NLD"],
            amount=500e6,
            currency="EUR",
            announced_on=date(2025, 8, 4),
            status="counted",
            confidence=0.97,
            sources=[
                (
                    "https://www.defensie.nl/news/2025-08-04-first-purl-package",
                    "mod-nl",
                    "The Netherlands will contribute EUR 500 million to a first PURL package.",
                    date(2025, 8, 4),
                    "pledge",
                ),
                (
                    "https://wire.example/2025/08/04/dutch-purl",
                    "wire",
                    "Dutch government pledges 500 million euros for U.S. weapons for Ukraine.",
                    date(2025, 8, 4),
                    "pledge",
                ),
            ],
        ),
        dict(
            pledge_id="p-nordic-1",
            donors=["DNK", "NOR", "SWE"],
            amount=500e6,
            currency="USD",
            announced_on=date(2025, 8, 5),
            status="counted",
            confidence=0.95,
            sources=[
                (
                    "https://www.nato.int/news/2025-08-05-nordic-package",
                    "nato",
                    "Denmark, Norway and Sweden will together finance a package worth $500 million.",
                    date(2025, 8, 5),
                    "pledge",
                ),
            ],
        ),
        dict(
            pledge_id="p-deu-1",
            donors=["DEU"],
            amount=500e6,
            currency="USD",
            announced_on=date(2025, 8, 13),
            status="counted",
            confidence=0.93,
            sources=[
                (
                    "https://wire.example/2025/08/13/germany-purl",
                    "wire",
                    "Germany will fund a $500 million package under PURL.",
                    date(2025, 8, 13),
                    "pledge",
                ),
            ],
        ),
        dict(
            pledge_id="p-pol-1",
            donors=["POL"],
            amount=100e6,
            currency="USD",
            announced_on=date(2025, 11, 20),
            status="counted",
            confidence=0.9,
            sources=[
                (HOSTILE_URL, "outlet", HOSTILE_QUOTE, date(2025, 11, 20), "pledge"),
                (
                    "https://wire.example/2025/11/20/poland-joins-purl",
                    "wire",
                    "Poland joins PURL with $100 million.",
                    date(2025, 11, 20),
                    "pledge",
                ),
            ],
        ),
        dict(
            pledge_id="p-can-1",
            donors=["CAN"],
            amount=200e6,
            currency="CAD",
            announced_on=date(2025, 12, 3),
            status="review",
            confidence=0.6,
            sources=[
                (
                    "https://www.canada.ca/releases/2025-12-03-purl",
                    "canada",
                    "Canada intends to provide up to C$200 million, including for PURL.",
                    date(2025, 12, 3),
                    "pledge",
                ),
            ],
        ),
        dict(
            pledge_id="p-nld-2",
            donors=["NLD"],
            amount=250e6,
            currency="EUR",
            announced_on=m3 + timedelta(4),
            status="counted",
            confidence=0.97,
            sources=[
                (
                    "https://www.defensie.nl/news/purl-second-contribution",
                    "mod-nl",
                    "A second Dutch contribution of EUR 250 million to PURL.",
                    m3 + timedelta(4),
                    "pledge",
                ),
            ],
        ),
        dict(
            pledge_id="p-deu-2",
            donors=["DEU"],
            amount=1.2e9,
            currency="USD",
            announced_on=m2 + timedelta(9),
            status="counted",
            confidence=0.92,
            sources=[
                (
                    "https://wire.example/germany-adds-1-2bn",
                    "wire",
                    "Germany adds $1.2 billion to PURL.",
                    m2 + timedelta(9),
                    "pledge",
                ),
            ],
        ),
        dict(
            pledge_id="p-nb8-1",
            donors=["EST", "LVA", "LTU"],
            amount=600e6,
            currency="USD",
            announced_on=m1 + timedelta(12),
            status="counted",
            confidence=0.91,
            sources=[
                (
                    "https://www.nato.int/news/nb8-package",
                    "nato",
                    "Estonia, Latvia and Lithuania jointly fund a $600 million package.",
                    m1 + timedelta(12),
                    "pledge",
                ),
                (
                    "https://outlet.example/story/baltic-recap",
                    "outlet",
                    "Earlier this month the Baltic states pledged $600m.",
                    m1 + timedelta(20),
                    "recap",
                ),
            ],
        ),
    ]


def build_sample_warehouse(
    con: duckdb.DuckDBPyConnection, today: date | None = None, *, rates: Rates | None = None
) -> None:
    """Migrate ``con`` (a writer) and fill it with the sample rows, converted with ``rates`` (None: the
    bundled rates). Replaces any ledger already there."""
    today = today or date.today()
    rates = rates if rates is not None else load_rates(None)
    prepare(con, rates=rates)
    con.execute("begin")
    for table in (
        "pledge_sources",
        "pledge_ledger",
        "mentions",
        "documents",
        "fetches",
        "runs",
        "reference_values",
        "reference_releases",
    ):
        con.execute(f"delete from {table}")
    for p in sample_pledges(today):
        fx_rate, fx_date = rates.usd_rate(p["currency"], p["announced_on"])
        first_url = min(p["sources"], key=lambda s: s[3])[0]
        con.execute(
            "insert into pledge_ledger values (?, ?, ?, ?, ?, ?, ?, ?, 'PURL', ?, ?, ?, ?, 'extracted')",
            [
                p["pledge_id"],
                p["donors"],
                p["amount"],
                p["currency"],
                fx_rate,
                fx_date,
                p["amount"] * fx_rate,
                p["announced_on"],
                p["status"],
                p["confidence"],
                len(p["sources"]),
                first_url,
            ],
        )
        for i, (url, source, quote, published_on, kind) in enumerate(p["sources"]):
            con.execute(
                "insert into pledge_sources values (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    p["pledge_id"],
                    f"m-{p['pledge_id']}-{i}",
                    f"d-{p['pledge_id']}-{i}",
                    url,
                    source,
                    quote,
                    published_on,
                    kind,
                ],
            )
    stamp = datetime(2025, 12, 2, 8, 0, tzinfo=UTC)
    documents = [
        (
            "d-nato-pace",
            "https://www.nato.int/news/2025-09-08-pace.html",
            "nato",
            "PURL: the pace so far",
            date(2025, 9, 8),
        ),
        (
            "d-nl-total",
            "https://www.defensie.nl/news/2025-12-01-purl-second-contribution",
            "mod-nl",
            "Second Dutch PURL contribution",
            date(2025, 12, 1),
        ),
    ]
    for doc_id, url, source, title, published_on in documents:
        con.execute(
            "insert into documents (document_id, canonical_url, url, source, title, published_at, published_on,"
            " language, text, content_hash, fetched_at, first_seen_at, extracted_version)"
            " values (?, ?, ?, ?, ?, ?, ?, 'en', ?, ?, ?, ?, 'sample')",
            [
                doc_id,
                url,
                url,
                source,
                title,
                datetime.combine(published_on, datetime.min.time(), UTC),
                published_on,
                f"{title}.",
                "hash-" + doc_id,
                stamp,
                stamp,
            ],
        )
    aggregates = [
        (
            "m-agg-nato",
            "d-nato-pace",
            [],
            2.0e9,
            "USD",
            "Allies have so far committed more than $2 billion through PURL.",
            None,
        ),
        (
            "m-agg-nld",
            "d-nl-total",
            ["NLD"],
            750e6,
            "EUR",
            "With today's decision the Netherlands has contributed EUR 750 million to PURL in total.",
            date(2025, 12, 1),
        ),
    ]
    for mention_id, doc_id, donors, amount, currency, quote, stated in aggregates:
        con.execute(
            """insert into mentions (mention_id, document_id, kind, donors, amount, currency, program,
                   confidence, quote, stated_date, extractor_version)
               values (?, ?, 'aggregate', ?, ?, ?, 'PURL', 0.9, ?, ?, 'sample')""",
            [mention_id, doc_id, donors, amount, currency, quote, stated],
        )
    runs = [
        ("run-1", datetime(2025, 12, 1, 6, 0, tzinfo=UTC), "completed", 5, 0),
        ("run-2", datetime(2025, 12, 2, 6, 0, tzinfo=UTC), "partial", 5, 1),
    ]
    for run_id, started, status, n_sources, n_failed in runs:
        con.execute(
            "insert into runs values (?, ?, ?, ?, 'sources.yaml', ?, ?, ?)",
            [
                run_id,
                started,
                started + timedelta(minutes=2),
                status,
                n_sources,
                n_failed,
                json.dumps({"run_id": run_id, "status": status}),
            ],
        )
    fetches = [
        ("run-1", "outlet", "https://outlet.example/feed.xml", "discover", "ok", 200, None),
        (
            "run-2",
            "outlet",
            "https://outlet.example/feed.xml",
            "source",
            "failed",
            None,
            "HTTP 503 Service Unavailable after 3 attempts",
        ),
        ("run-2", "wire", "https://wire.example/sitemap.xml", "discover", "ok", 200, None),
        ("run-2", "wire", "https://wire.example/2025/12/01/x", "article", "failed", 404, "HTTP 404"),
    ]
    for run_id, source, url, purpose, outcome, status, error in fetches:
        con.execute(
            """insert into fetches (run_id, source, url, final_url, purpose, outcome, status, error, attempts,
                   fetched_at, elapsed_s) values (?, ?, ?, ?, ?, ?, ?, ?, 3, ?, 0.1)""",
            [run_id, source, url, url, purpose, outcome, status, error, stamp],
        )
    release = release_of(
        "kiel",
        SAMPLE_REFERENCE_URL,
        SAMPLE_REFERENCE_CSV.encode(),
        FORMATS["kiel-procurement-trends"],
        read_at=stamp,
        today=today,
        etag='"sample"',
    )
    store_reference(con, release, stamp)
    refresh_reference_rates(con, today, rates=rates)
    con.execute("commit")
