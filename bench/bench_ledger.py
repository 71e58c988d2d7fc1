"""How the ledger build grows with the number of pledge mentions (``aidtrack.ledger.build.build_ledger``).

    uv run python bench/bench_ledger.py [--sizes 500,1000,2000,4000]

Synthetic citations: 30 donors, three programmes, amounts and dates spread so that most mentions are
distinct pledges and about one in five repeats an earlier one (another outlet, a few days later), as in
the news. Prints seconds per size and the growth exponent between sizes (1 = linear, 2 = quadratic).
``close_run`` runs this on every pipeline run over all mentions ever loaded, inside the write lock.
"""

from __future__ import annotations

import argparse
import math
import random
import time
from datetime import date, timedelta

from measure import machine, save

from aidtrack.ledger.build import Citation, build_ledger

DONORS = ["NLD", "DEU", "NOR", "SWE", "DNK", "FIN", "CAN", "BEL", "POL", "ESP", "ITA", "FRA", "GBR", "LTU",
          "LVA", "EST", "CZE", "PRT", "LUX", "ISL", "AUS", "NZL", "JPN", "SVN", "HRV", "ROU", "BGR", "GRC",
          "IRL", "AUT"]  # fmt: skip


def citations(n: int, seed: int = 3) -> list[Citation]:
    rng = random.Random(seed)
    out: list[Citation] = []
    for i in range(n):
        if out and rng.random() < 0.2:
            c = rng.choice(out)  # the same pledge reported again a few days later
            on = c.on + timedelta(days=rng.randint(0, 5))
            out.append(Citation("pledge", c.donors, c.amount, c.currency, c.program, on, 0.9, "outlet",
                                mention_id=f"m{i}", url=f"https://example.org/{i}"))  # fmt: skip
            continue
        out.append(
            Citation(
                "pledge",
                (rng.choice(DONORS),),
                float(rng.randint(1, 500)) * 1e6,
                rng.choice(["USD", "EUR"]),
                rng.choice(["PURL", "bilateral", "other"]),
                date(2025, 8, 1) + timedelta(days=rng.randint(0, 480)),
                0.9,
                "outlet",
                mention_id=f"m{i}",
                url=f"https://example.org/{i}",
            )  # fmt: skip
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="500,1000,2000,4000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    for n in sizes:
        cs = citations(n)
        t0 = time.perf_counter()
        pledges = build_ledger(cs)
        seconds = time.perf_counter() - t0
        rows.append({"citations": n, "pledges": len(pledges), "seconds": seconds})
    print(f"{'citations':>9} {'pledges':>8} {'seconds':>8} {'growth exponent':>16}")
    for k, r in enumerate(rows):
        exp = ""
        if k:
            p = rows[k - 1]
            exp = f"{math.log(r['seconds'] / p['seconds']) / math.log(r['citations'] / p['citations']):.2f}"
        r["exponent"] = exp
        print(f"{r['citations']:9} {r['pledges']:8} {r['seconds']:8.2f} {exp:>16}")
    print("saved", save("ledger", {"rows": rows, "machine": machine()}))


if __name__ == "__main__":
    main()
