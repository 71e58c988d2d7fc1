"""Run every benchmark, one after the other (never two at once on a 2-core machine), then write the table.

    uv run python bench/run_all.py            # N = 1,000 and 10,000 (about 35 minutes on 2 cores)
    uv run python bench/run_all.py --quick    # N = 1,000 only (about 8 minutes)
    uv run python bench/run_all.py --table    # only rebuild the table from bench/results/*.json

Each benchmark saves JSON under bench/results/; the table goes to bench/results/table.md and between the
``bench-table`` markers of docs/benchmarks.md. Numbers are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
DOC = HERE.parent / "docs" / "benchmarks.md"
START, END = "<!-- bench-table:start -->", "<!-- bench-table:end -->"


def plan(quick: bool) -> list[list[str]]:
    sizes = [1000] if quick else [1000, 10_000]
    steps = [["bench_extract.py", "--n", "10000"]]
    steps += [["bench_parse.py", "--n", "1000", "--repeat", "3", "--profile"]]
    if not quick:
        steps += [["bench_parse.py", "--n", "10000", "--repeat", "1", "--no-breakdown"]]
    for n in [10_000, 100_000, 1_000_000]:
        steps += [["bench_analytics.py", "--n", str(n)]]
    for n in sizes:
        steps += [["bench_pipeline.py", "--n", str(n), "--repeat", "3" if n <= 1000 else "1"]]
    return steps


def _load(name: str) -> dict | None:
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def _cell(value: float | None, fmt: str) -> str:
    return "—" if value is None else format(value, fmt)


def table() -> str:
    rows: list[str] = [
        "| figure | N = 1,000 | N = 10,000 | N = 100,000 | N = 1,000,000 | goal | met? |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]

    def row(label: str, cells: list[str], goal: str = "", met: str = "") -> None:
        cells = cells + ["—"] * (4 - len(cells))
        rows.append(f"| {label} | " + " | ".join(cells) + f" | {goal} | {met} |")

    parse = {n: _load(f"parse-n{n}") for n in (1000, 10_000)}
    get = lambda r, *keys: None if r is None else _dig(r, keys)  # noqa: E731
    row(
        "lxml.html.fromstring, ms/doc",
        [_cell(get(parse[n], "per_doc_ms", "all", "lxml"), ".2f") for n in parse],
    )
    row(
        "BeautifulSoup(html, 'lxml'), ms/doc",
        [_cell(get(parse[n], "per_doc_ms", "all", "bs4"), ".2f") for n in parse],
    )
    row(
        "trafilatura.extract (defaults), ms/doc",
        [_cell(get(parse[n], "per_doc_ms", "all", "trafilatura"), ".2f") for n in parse],
    )
    row("parse_article, ms/doc", [_cell(get(parse[n], "per_doc_ms", "all", "parse"), ".2f") for n in parse])
    row("extract, ms/doc", [_cell(get(parse[n], "per_doc_ms", "all", "extract"), ".2f") for n in parse])
    row(
        "ours = parse + extract, ms/doc",
        [_cell(get(parse[n], "per_doc_ms", "all", "ours"), ".2f") for n in parse],
    )
    ratios = [get(parse[n], "ratios", "all", "ours/trafilatura") for n in parse]
    row("**ours / trafilatura**", [_cell(r, ".2f") + "×" if r else "—" for r in ratios], "≤ 1.0×",
        _met(ratios, lambda r: r <= 1.0))  # fmt: skip
    ratios = [get(parse[n], "ratios", "all", "ours/bs4") for n in parse]
    row("**ours / BeautifulSoup+lxml**", [_cell(r, ".2f") + "×" if r else "—" for r in ratios], "≤ 1.5×",
        _met(ratios, lambda r: r <= 1.5))  # fmt: skip
    row("ours / lxml alone", [_cell(get(parse[n], "ratios", "all", "ours/lxml"), ".1f") + "×" for n in parse])

    pipe = {n: _load(f"pipeline-n{n}") for n in (1000, 10_000)}
    for mode, label in (("plain", "plain Python"), ("prefect", "Prefect flow")):
        row(f"backfill docs/s, {label}",
            [_cell(get(pipe[n], "summary", "modes", mode, "docs_per_s"), ".1f") for n in pipe])  # fmt: skip
    for mode, label in (("plain", "plain Python"), ("prefect", "Prefect flow")):
        row(f"backfill wall s, {label}",
            [_cell(get(pipe[n], "summary", "modes", mode, "backfill_wall_s"), ".0f") for n in pipe])  # fmt: skip
    peaks = [get(pipe[n], "summary", "modes", "prefect", "peak_rss_mb") for n in pipe]
    row("peak RSS MB, Prefect flow process", [_cell(p, ".0f") for p in peaks], "flat in N",
        _met([peaks[1] / peaks[0]] if all(peaks) else [None], lambda r: r <= 1.25))  # fmt: skip
    row("peak RSS MB, plain Python",
        [_cell(get(pipe[n], "summary", "modes", "plain", "peak_rss_mb"), ".0f") for n in pipe])  # fmt: skip
    over = [get(pipe[n], "summary", "prefect_overhead") for n in pipe]
    row("**Prefect overhead** (flow wall / plain wall)", [_cell(o, ".2f") + "×" if o else "—" for o in over],
        "≤ 1.2×", _met(over, lambda o: o <= 1.2))  # fmt: skip
    cpu = [get(pipe[n], "summary", "prefect_overhead_cpu") for n in pipe]
    cpu = [c if c is not None else _cpu_ratio(pipe[n]) for c, n in zip(cpu, pipe, strict=True)]
    row("Prefect overhead by CPU s of the flow process", [_cell(c, ".2f") + "×" if c else "—" for c in cpu])
    row("Prefect ephemeral start-up s (excluded)",
        [_cell(get(pipe[n], "summary", "modes", "prefect", "prefect_startup_s"), ".0f") for n in pipe])  # fmt: skip
    reqs = [get(pipe[n], "summary", "modes", "prefect", "rerun_server") for n in pipe]
    row("no-change rerun: article requests (conditional)",
        [f"{r['article_requests']:,} ({r['conditional_article_requests']:,})" if r else "—" for r in reqs],
        "all conditional", _met(reqs, lambda r: r["article_requests"] == r["conditional_article_requests"]))  # fmt: skip
    row("no-change rerun: article bodies downloaded",
        [str(r["article_bodies"]) if r else "—" for r in reqs], "0", _met(reqs, lambda r: r["article_bodies"] == 0))  # fmt: skip
    row("no-change rerun: discovery bytes re-downloaded (sitemaps, feeds)",
        [f"{r['body_bytes'] / 1e6:.1f} MB" if r else "—" for r in reqs])  # fmt: skip
    row("no-change rerun wall s, Prefect flow",
        [_cell(get(pipe[n], "summary", "modes", "prefect", "rerun_wall_s"), ".0f") for n in pipe])  # fmt: skip
    hourly = [get(pipe[n], "summary", "modes", "prefect", "hourly_server") for n in pipe]
    row("no-change hourly run: requests / bodies",
        [f"{h['requests']} / {h['statuses'].get('200', 0)}" if h else "—" for h in hourly])  # fmt: skip

    ana = {n: _load(f"analytics-n{n}") for n in (10_000, 100_000, 1_000_000)}
    for query in ("monthly_vs_target", "donor_totals"):
        vals = [get(ana[n], "queries", query, "median_s") for n in ana]
        row(f"`{query}` over N pledges, ms", ["—"] + [_cell(v * 1000 if v else None, ".0f") for v in vals],
            "< 500 ms", _met(vals, lambda v: v < 0.5))  # fmt: skip
    row("warehouse MB with N pledges", ["—"] + [_cell(get(ana[n], "warehouse_mb"), ".1f") for n in ana])
    return "\n".join(rows)


def _cpu_ratio(result: dict | None) -> float | None:
    modes = _dig(result, ("summary", "modes")) if result else None
    if not modes or not {"plain", "prefect"} <= modes.keys():
        return None
    return modes["prefect"]["cpu_s"] / modes["plain"]["cpu_s"]


def _dig(record: dict, keys: tuple) -> object:
    for key in keys:
        if not isinstance(record, dict) or key not in record:
            return None
        record = record[key]
    return record


def _met(values: list, ok) -> str:  # noqa: ANN001
    known = [v for v in values if v is not None]
    if not known:
        return ""
    return "yes" if all(ok(v) for v in known) else "**no**"


def write_table() -> str:
    text = table()
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "table.md").write_text(text + "\n")
    if DOC.exists():
        doc = DOC.read_text()
        if START in doc and END in doc:
            head, rest = doc.split(START, 1)
            _, tail = rest.split(END, 1)
            DOC.write_text(f"{head}{START}\n{text}\n{END}{tail}")
    return text


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="N = 1,000 only")
    parser.add_argument("--table", action="store_true", help="only rebuild the table from saved results")
    args = parser.parse_args()
    if not args.table:
        for step in plan(args.quick):
            print(f"$ uv run python bench/{' '.join(step)}", flush=True)
            t0 = time.perf_counter()
            subprocess.run([sys.executable, str(HERE / step[0]), *step[1:]], check=True)
            print(f"  ({time.perf_counter() - t0:.0f}s)", flush=True)
    print(write_table())


if __name__ == "__main__":
    main()
