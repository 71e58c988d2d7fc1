"""The marts at scale: ``monthly_vs_target`` and ``donor_totals`` over N synthetic pledges.

    uv run python bench/bench_analytics.py --n 1000000 [--repeat 5]

Creates a fresh warehouse in a temporary folder with ``aidtrack.warehouse.prepare`` inside
``aidtrack.warehouse.writer`` (migrations, target seeds, views), inserts N pledges straight into
``pledge_ledger`` (1-3 donors each, 90% counted, dates from 2025-08 to now, three programmes), then
times each query through a read-only connection as a user's script would open it: one warm-up, then
the median of ``--repeat`` runs (``fetchall`` included). Goal: < 0.5 s per query. Also reports the
warehouse file's size after the writer's CHECKPOINT.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from measure import WORK, machine, peak_rss_mb, save, spread

from aidtrack.settings import load_settings
from aidtrack.warehouse import prepare, read_only, writer

GOAL_S = 0.5
DONORS = ["NLD", "DEU", "NOR", "SWE", "DNK", "FIN", "CAN", "BEL", "POL", "ESP", "ITA", "FRA", "GBR", "LTU",
          "LVA", "EST", "CZE", "PRT", "LUX", "ISL", "AUS", "NZL", "JPN", "SVN", "HRV", "ROU", "BGR", "GRC",
          "IRL", "AUT"]  # fmt: skip
QUERIES = {
    "monthly_vs_target": "select * from monthly_vs_target",
    "donor_totals": "select * from donor_totals",
}

_INSERT = """
insert into pledge_ledger
select
    'p_bench_' || i as pledge_id,
    list_slice(list_transform(range(3), lambda k: $donors[1 + (((i // 3) * 7 + k * 13) % {n_donors})]), 1, 1 + (i % 3)) as donors,
    amount,
    'USD' as currency,
    1.0 as fx_rate_usd,
    announced_on as fx_date,
    amount as amount_usd,
    announced_on,
    ['PURL', 'bilateral', 'other'][1 + (i % 3)] as program,
    case when i % 10 = 0 then 'review' else 'counted' end as status,
    0.9 as confidence,
    1 + (i % 4) as n_sources,
    'https://example.org/story/' || i as first_url,
    'extracted' as origin
from (
    select
        i,
        round(1e6 + random() * 5e8) as amount,
        date '2025-08-01' + cast(floor(random() * (current_date - date '2025-08-01')) as integer) as announced_on
    from range({n}) t(i)
)
"""


def run(n: int, repeat: int, folder: Path) -> dict:
    settings = load_settings(warehouse=folder / "aid.duckdb")
    t0 = time.perf_counter()
    with writer(settings) as con:
        prepare(con)
        con.execute("select setseed(0.42)")
        con.execute(_INSERT.format(n=n, n_donors=len(DONORS)), {"donors": DONORS})
    load_s = time.perf_counter() - t0
    size_mb = settings.warehouse.stat().st_size / 1e6
    timings: dict[str, dict] = {}
    with read_only(settings) as con:
        assert con.execute("select count(*) from pledge_ledger").fetchone()[0] == n
        for name, sql in QUERIES.items():
            rows = len(con.execute(sql).fetchall())  # warm-up (file cache, view binding)
            runs = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                con.execute(sql).fetchall()
                runs.append(time.perf_counter() - t0)
            timings[name] = {"median_s": statistics.median(runs), "runs_s": runs, "noise": spread(runs),
                             "rows": rows}  # fmt: skip
    return {"n": n, "load_s": load_s, "warehouse_mb": size_mb, "queries": timings}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=1_000_000, help="number of pledges")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="analytics-", dir=WORK) as tmp:
        result = run(args.n, args.repeat, Path(tmp))
    result["peak_rss_mb"] = peak_rss_mb()
    print(f"{args.n:,} pledges: inserted in {result['load_s']:.2f}s, warehouse {result['warehouse_mb']:.1f} MB, "
          f"peak RSS {result['peak_rss_mb']:.0f} MB")  # fmt: skip
    for name, t in result["queries"].items():
        verdict = "meets" if t["median_s"] < GOAL_S else "MISSES"
        print(f"  {name:18} {t['median_s'] * 1000:8.1f} ms median of {args.repeat} ({t['noise']}), "
              f"{t['rows']} rows: {verdict} the goal of < {GOAL_S}s")  # fmt: skip
    result |= {"goal_s": GOAL_S, "machine": machine()}
    print("saved", save(f"analytics-n{args.n}", result))


if __name__ == "__main__":
    main()
