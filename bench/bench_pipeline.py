"""End to end: backfill N documents from loopback sites into DuckDB, through the Prefect flow and through
the same functions in plain Python; then a no-change rerun and a no-change hourly run.

    uv run python bench/bench_pipeline.py --n 1000 [--repeat 1] [--modes plain,prefect]

Set-up: ``bench/corpus.py`` writes N pages over 4 sites; ``bench/loopback_sites.py`` serves each site on
its own 127.0.0.1 port from a separate process (its CPU and request log stay out of our numbers). The
sources file has, per site, a news-sitemap source (lists every page) and an RSS source (latest 50,
also in the sitemap), so 8 sources on 4 hosts. Politeness stays on (robots.txt, one request at a time
per host) with ``delay=0``; ``max_entries_per_source`` is raised through
``AIDTRACK_MAX_ENTRIES_PER_SOURCE`` so nothing is capped.

Each mode runs in a fresh child process (so peak RSS is the run's own) and does:
1. ``prefect`` only: a trivial flow first, which starts the ephemeral API server (timed apart);
2. ``--repeat`` times, on a fresh warehouse: the backfill (``since=2025-01-01``): wall time, docs/s,
   CPU seconds, peak RSS, where the time went (summed over threads);
3. on the last warehouse: the same backfill again with nothing changed (every article re-requested
   conditionally: requests, 304s, bodies from the server's log and the ``fetches`` table), then an
   hourly run (no ``since``) with nothing changed.

Prefect overhead = flow wall time / plain wall time for the backfill (server start-up excluded).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

import httpx
from corpus import sources_yaml, write_corpus
from measure import WORK, cpu_seconds, machine, peak_rss_mb, rss_mb, save, spread

HERE = Path(__file__).resolve().parent
SINCE = date(2025, 1, 1)  # before the corpus's first page: the backfill takes everything
GOAL_OVERHEAD = 1.2


# -- child: one mode, in its own process -------------------------------------------------------------


class _Timers:
    """Thread-seconds spent inside a few pipeline functions (wrapped, same wrappers in both modes)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)

    def wrap(self, owner: object, name: str, label: str) -> None:
        fn = getattr(owner, name)

        def timed(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                with self.lock:
                    self.seconds[label] += time.perf_counter() - t0
                    self.calls[label] += 1

        setattr(owner, name, timed)

    def take(self) -> dict:
        with self.lock:
            out = {k: {"seconds": round(v, 3), "calls": self.calls[k]} for k, v in self.seconds.items()}
            self.seconds.clear()
            self.calls.clear()
        return out


def _install_timers() -> _Timers:
    import aidtrack.collect
    import aidtrack.report
    import aidtrack.runs
    from aidtrack.fetch.archive import RawArchive

    timers = _Timers()
    timers.wrap(aidtrack.collect, "parsed_document", "parse+extract")
    timers.wrap(RawArchive, "put", "archive.put")
    timers.wrap(aidtrack.runs, "store", "store (DuckDB load of a 50-doc chunk)")
    timers.wrap(aidtrack.runs, "rebuild_ledger", "rebuild_ledger")
    timers.wrap(aidtrack.runs, "known_state", "known_state")
    timers.wrap(aidtrack.report, "publish", "publish reports")
    return timers


def _server_stats(control: str) -> dict:
    return httpx.get(f"{control}/stats", timeout=30).json()


def _diff(after: dict, before: dict) -> dict:
    out = {k: after[k] - before[k] for k in after if isinstance(after[k], int)}
    out["statuses"] = {
        k: v - before["statuses"].get(k, 0)
        for k, v in after["statuses"].items()
        if v - before["statuses"].get(k, 0)
    }
    return out


def _warehouse_facts(warehouse: Path, run_id: str) -> dict:
    from aidtrack.settings import load_settings
    from aidtrack.warehouse import read_only

    with read_only(load_settings(warehouse=warehouse)) as con:
        rows = con.execute(
            "select purpose, outcome, count(*), coalesce(sum(n_bytes), 0) from fetches where run_id = ? "
            "group by all order by all",
            [run_id],
        ).fetchall()
        return {
            "fetches": {f"{p}/{o}": {"rows": c, "bytes": b} for p, o, c, b in rows},
            "documents": con.execute("select count(*) from documents").fetchone()[0],
            "mentions": con.execute("select count(*) from mentions").fetchone()[0],
            "pledges": con.execute("select count(*) from pledge_ledger").fetchone()[0],
            "warehouse_mb": round(warehouse.stat().st_size / 1e6, 1),
        }


def child(args: argparse.Namespace) -> None:
    timers = _install_timers()
    result: dict = {"mode": args.child, "rss_at_start_mb": rss_mb()}

    if args.child == "prefect":
        from prefect import flow

        from flows.pipeline import pipeline

        @flow(name="bench-warm-up")
        def warm_up() -> int:
            return 1

        t0 = time.perf_counter()
        warm_up()
        result["prefect_startup_s"] = time.perf_counter() - t0

        def run(warehouse: Path, since: date | None) -> str:
            state = pipeline(sources_file=str(args.sources), warehouse=str(warehouse), since=since, delay=0.0,
                             return_state=True)  # fmt: skip
            if not state.is_completed():
                raise RuntimeError(f"flow run ended {state.type}: {state.message}")
            return state.result().run_id
    else:
        from plain_run import run_plain

        def run(warehouse: Path, since: date | None) -> str:
            return run_plain(str(args.sources), str(warehouse), since, 0.0).run_id

    def phase(warehouse: Path, since: date | None) -> dict:
        before = _server_stats(args.control)
        cpu0, rss0 = cpu_seconds(), rss_mb()
        t0 = time.perf_counter()
        run_id = run(warehouse, since)
        wall = time.perf_counter() - t0
        out = {"wall_s": wall, "cpu_s": cpu_seconds() - cpu0, "rss_before_mb": rss0, "rss_after_mb": rss_mb(),
               "peak_rss_mb": peak_rss_mb(), "inside": timers.take(),
               "server": _diff(_server_stats(args.control), before)}  # fmt: skip
        out |= _warehouse_facts(warehouse, run_id)
        return out

    backfills = []
    warehouse = Path()
    for rep in range(args.repeat):
        folder = args.workdir / f"{args.child}-{rep}"
        shutil.rmtree(folder, ignore_errors=True)
        warehouse = folder / "aid.duckdb"
        backfills.append(phase(warehouse, SINCE))
        print(
            f"[{args.child}] backfill {rep + 1}/{args.repeat}: {backfills[-1]['wall_s']:.1f}s",
            file=sys.stderr,
        )
    result["backfills"] = backfills
    result["rerun"] = phase(warehouse, SINCE)
    result["hourly"] = phase(warehouse, None)
    result["archive_mb"] = (
        sum(f.stat().st_size for f in (warehouse.parent / "archive").rglob("*") if f.is_file()) / 1e6
    )
    print(json.dumps(result, default=str))


# -- parent: corpus, servers, one child per mode, the summary ----------------------------------------


def _child_env(prefect_home: Path, n: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env |= {
        "PREFECT_HOME": str(prefect_home),
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_LOGGING_LEVEL": "CRITICAL",
        "PREFECT_LOGGING_LEVEL": "WARNING",
        "AIDTRACK_MAX_ENTRIES_PER_SOURCE": str(max(1000, 2 * n)),
        "PYTHONPATH": os.pathsep.join([str(HERE), str(HERE.parent), env.get("PYTHONPATH", "")]),
    }
    return env


def summarize(n: int, by_mode: dict[str, dict]) -> dict:
    out: dict = {"n": n, "modes": {}}
    for mode, r in by_mode.items():
        walls = [b["wall_s"] for b in r["backfills"]]
        b0 = r["backfills"][0]
        docs = b0["documents"]
        out["modes"][mode] = {
            "backfill_wall_s": statistics.median(walls),
            "backfill_runs_s": walls,
            "noise": spread(walls),
            "docs": docs,
            "docs_per_s": docs / statistics.median(walls),
            "cpu_s": b0["cpu_s"],
            "peak_rss_mb": max(b["peak_rss_mb"] for b in r["backfills"]),
            "rss_at_start_mb": r["rss_at_start_mb"],
            "rerun_wall_s": r["rerun"]["wall_s"],
            "rerun_server": r["rerun"]["server"],
            "rerun_fetches": r["rerun"]["fetches"],
            "hourly_wall_s": r["hourly"]["wall_s"],
            "hourly_server": r["hourly"]["server"],
            "prefect_startup_s": r.get("prefect_startup_s"),
        }
    if {"plain", "prefect"} <= by_mode.keys():
        out["prefect_overhead"] = (
            out["modes"]["prefect"]["backfill_wall_s"] / out["modes"]["plain"]["backfill_wall_s"]
        )
        # CPU seconds of the flow's own process: less sensitive to other load on the machine than wall
        # time, but blind to the ephemeral API server's CPU (a separate process).
        out["prefect_overhead_cpu"] = out["modes"]["prefect"]["cpu_s"] / out["modes"]["plain"]["cpu_s"]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=1000, help="number of documents")
    parser.add_argument("--repeat", type=int, default=1, help="backfills per mode (median reported)")
    parser.add_argument("--modes", default="plain,prefect")
    parser.add_argument("--sites", type=int, default=4)
    parser.add_argument("--timeout", type=float, default=5400, help="seconds allowed per mode")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--sources", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--control", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return

    WORK.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    corpus = write_corpus(WORK / f"corpus-{args.n}", args.n, sites=args.sites)
    print(f"corpus: {args.n} pages, {corpus.n_bytes / 1e6:.0f} MB, {corpus.n_pledge_pages} with pledges "
          f"({time.perf_counter() - t0:.0f}s)")  # fmt: skip
    workdir = WORK / f"pipeline-{args.n}"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    server = subprocess.Popen(
        [sys.executable, str(HERE / "loopback_sites.py"), *map(str, corpus.site_dirs())],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=_child_env(workdir, args.n),
    )  # fmt: skip
    by_mode: dict[str, dict] = {}
    try:
        hello = json.loads(server.stdout.readline())
        sources = workdir / "sources.yaml"
        sources.write_text(sources_yaml(hello["sites"]), encoding="utf-8")
        for mode in args.modes.split(","):
            with tempfile.TemporaryDirectory(prefix="prefect-home-", dir=WORK) as home:
                proc = subprocess.run(
                    [sys.executable, __file__, "--child", mode, "--sources", str(sources), "--workdir",
                     str(workdir), "--control", hello["control"], "--repeat", str(args.repeat)],
                    capture_output=True, text=True, env=_child_env(Path(home), args.n), timeout=args.timeout,
                )  # fmt: skip
            sys.stderr.write(proc.stderr[-3000:] if proc.returncode else "")
            if proc.returncode:
                raise SystemExit(f"{mode} run failed (exit {proc.returncode})")
            by_mode[mode] = json.loads(proc.stdout.strip().splitlines()[-1])
            b = by_mode[mode]["backfills"][0]
            print(f"[{mode}] backfill {b['wall_s']:.1f}s, {b['documents']} docs, peak RSS {b['peak_rss_mb']:.0f} MB; "
                  f"rerun {by_mode[mode]['rerun']['wall_s']:.1f}s; hourly {by_mode[mode]['hourly']['wall_s']:.1f}s")  # fmt: skip
    finally:
        server.stdin.close()
        server.wait(timeout=30)

    summary = summarize(args.n, by_mode)
    print(json.dumps(summary, indent=1, default=str))
    save(f"pipeline-n{args.n}", {"summary": summary, "runs": by_mode, "corpus_mb": corpus.n_bytes / 1e6,
                                 "machine": machine()})  # fmt: skip


if __name__ == "__main__":
    main()
