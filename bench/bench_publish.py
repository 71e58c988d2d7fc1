"""What publishing the readers' snapshot costs, by method, at 1k and 10k documents and 1M pledges.

    uv run python bench/bench_publish.py [--repeat 3] [--scenarios 1k,10k,1m]

For each scenario a working database is built in a temporary folder (``prepare`` inside ``writer``,
then synthetic rows: documents of ~5 KB of text, two fetches and two mentions per document, and the
pledge ledger), and each candidate publishes it next to itself, ``--repeat`` times (median reported):

- ``file copy after CHECKPOINT`` (what ``aidtrack.warehouse.publish.publish`` does): record the
  ``snapshot`` row, ``CHECKPOINT`` the working database, copy its bytes (``shutil.copyfile``: sendfile),
  fsync, open the copy read-only once as a check, ``os.replace``. The copy keeps the working database's
  format: v1.4.0 (what aidtrack keeps it in) or DuckDB 2.0's own (v2.0.0, which the CLI 1.5 refuses);
- ``ATTACH + COPY FROM DATABASE``: ``ATTACH`` a temporary file with ``STORAGE_VERSION`` v1.4.0, v1.5.0
  or v2.0.0, ``COPY FROM DATABASE``, checkpoint, detach, fsync, ``os.replace``: any working format,
  a compacted copy.

Reported per method: wall ms, snapshot MB, and the disk a publish needs: free space at its peak (the
temporary copy, while the old snapshot and the working database stay) and the total of the three files
then. Also whether the ``duckdb`` CLI from PyPI (``uvx --from duckdb-cli``) opens the result, when uvx is
there. Numbers are printed and saved (``bench/results/publish.json``), never asserted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from measure import WORK, machine, save, spread

from aidtrack.settings import load_settings
from aidtrack.warehouse import prepare, writer
from aidtrack.warehouse.publish import publish

SCENARIOS = {  # name: (documents, pledges)
    "1k": (1_000, 300),
    "10k": (10_000, 3_000),
    "1m": (10_000, 1_000_000),
}

_WORDS = """
insert into documents (document_id, canonical_url, url, source, title, published_at, published_on, language,
                       text, content_hash, fetched_at, first_seen_at, extracted_version)
select 'd' || i, 'https://example.org/story/' || i, 'https://example.org/story/' || i, 'site-' || (i % 8),
       'Story ' || i, timestamptz '2025-08-01' + to_days((i % 300)::int), date '2025-08-01' + (i % 300)::int, 'en',
       array_to_string(list_transform(range(800), lambda k: $words[(1 + hash(i * 1000 + k) % 2000)::bigint]), ' '),
       md5(i::varchar), now(), now(), 'bench'
from range({n}) t(i);
insert into fetches (run_id, source, url, final_url, purpose, outcome, status, n_bytes, content_hash,
                     fetched_at, elapsed_s)
select 'bench', 'site-' || (i % 8), 'https://example.org/story/' || (i // 2), null,
       case when i % 2 = 0 then 'article' else 'discover' end, 'ok', 200, 60000 + i % 20000, md5(i::varchar),
       now(), 0.1
from range(2 * {n}) t(i);
insert into mentions (mention_id, document_id, kind, donors, amount, currency, program, confidence, quote,
                      extractor_version)
select 'm' || i, 'd' || (i // 2), 'pledge', ['NLD'], 1e8 + i, 'EUR', 'PURL', 0.9,
       'The Netherlands will pay ' || i || ' million for a PURL package.', 'bench'
from range(2 * {n}) t(i);
insert into pledge_ledger
select 'p' || i, ['NLD', 'DEU', 'NOR'][1:1 + (i % 3)], 1e6 + (i % 500) * 1e6, 'USD', 1.0,
       date '2025-08-01' + (i % 300)::int, 1e6 + (i % 500) * 1e6, date '2025-08-01' + (i % 300)::int,
       ['PURL', 'bilateral', 'other'][1 + (i % 3)], case when i % 10 = 0 then 'review' else 'counted' end,
       0.9, 1 + (i % 4), 'https://example.org/story/' || i, 'extracted'
from range({p}) t(i);
"""


def build(folder: Path, n_docs: int, n_pledges: int) -> Path:
    settings = load_settings(warehouse=folder / "aid.duckdb")
    words = [f"w{k:04x}{'abcdefgh'[k % 8] * (1 + k % 7)}" for k in range(2000)]
    with writer(settings, publish=False) as con:
        prepare(con)
        con.execute("begin")
        for statement in _WORDS.format(n=n_docs, p=n_pledges).split(";"):
            if statement.strip():
                con.execute(statement, {"words": words} if "$words" in statement else None)
        con.execute("commit")
        # The same database in DuckDB 2.0's own format, for the file copy a CLI 1.5 cannot read.
        con.execute(f"attach '{folder / 'aid20.work.duckdb'}' as v20 (storage_version 'v2.0.0')")
        con.execute("copy from database aid to v20")
        con.execute("detach v20")
    return settings.work_path


def _mb(path: Path) -> float:
    return path.stat().st_size / 1e6 if path.exists() else 0.0


def method_copy_db(version: str):
    """``ATTACH`` a temporary file in ``version`` + ``COPY FROM DATABASE``, checkpoint, detach, fsync,
    rename: the candidate we did not choose."""

    def run(folder: Path) -> Path:
        settings = load_settings(warehouse=folder / "aid.duckdb")
        target = settings.warehouse
        temp = target.with_name(f".{target.name}.publish-{os.getpid()}.tmp")
        with writer(settings, publish=False) as con:
            con.execute(f"attach '{temp}' as snap (storage_version '{version}')")
            con.execute("copy from database aid to snap")
            con.execute("checkpoint snap")
            con.execute("detach snap")
            _fsync(temp)
            os.replace(temp, target)
        return target

    return run


def method_file_copy(work_name: str, version: str):
    """``aidtrack.warehouse.publish.publish``: CHECKPOINT, copy the bytes, fsync, check it opens, rename."""

    def run(folder: Path) -> Path:
        settings = load_settings(
            warehouse=folder / "aid.duckdb",
            work_warehouse=folder / work_name,
            snapshot_storage_version=version,
        )
        with writer(settings, publish=False) as con:
            publish(con, settings, published_by="bench")
        return settings.warehouse

    return run


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


METHODS = {
    "file copy after CHECKPOINT, v1.4.0 (chosen)": method_file_copy("aid.work.duckdb", "v1.4.0"),
    "file copy after CHECKPOINT, v2.0.0": method_file_copy("aid20.work.duckdb", "v2.0.0"),
    "ATTACH + COPY FROM DATABASE, v1.4.0": method_copy_db("v1.4.0"),
    "ATTACH + COPY FROM DATABASE, v1.5.0": method_copy_db("v1.5.0"),
    "ATTACH + COPY FROM DATABASE, v2.0.0": method_copy_db("v2.0.0"),
}


def cli_opens(path: Path) -> str:
    if not shutil.which("uvx"):
        return "uvx missing"
    try:
        result = subprocess.run(
            ["uvx", "--from", "duckdb-cli", "duckdb", "-readonly", str(path), "-c",
             "select count(*) from monthly_vs_target"],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"not run: {exc}"
    return "yes" if result.returncode == 0 else "no: " + (result.stderr.strip().splitlines() or ["?"])[0][:60]


def run(name: str, repeat: int) -> dict:
    n_docs, n_pledges = SCENARIOS[name]
    out: dict = {"scenario": name, "documents": n_docs, "pledges": n_pledges, "methods": {}}
    with tempfile.TemporaryDirectory(prefix="publish-", dir=WORK) as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        work = build(folder, n_docs, n_pledges)
        out["build_s"] = time.perf_counter() - t0
        out["work_mb"] = _mb(work)
        for label, method in METHODS.items():
            (folder / "aid.duckdb").unlink(missing_ok=True)
            times = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                target = method(folder)
                times.append(time.perf_counter() - t0)
            snap_mb = _mb(target)
            out["methods"][label] = {
                "median_ms": statistics.median(times) * 1000,
                "runs_s": times,
                "noise": spread(times),
                "snapshot_mb": snap_mb,
                "free_needed_mb": snap_mb,  # the temporary copy, beside the old snapshot
                "peak_total_mb": out["work_mb"] + 2 * snap_mb,  # working db + old snapshot + new one
                "cli_1_5_opens": cli_opens(target),
            }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scenarios", default="1k,10k,1m")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    results = [run(name, args.repeat) for name in args.scenarios.split(",")]
    print(
        "| scenario | method | publish ms | snapshot MB | free disk needed MB | peak total MB | duckdb-cli 1.5 |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for r in results:
        label = f"{r['documents']:,} docs, {r['pledges']:,} pledges (working db {r['work_mb']:.1f} MB)"
        for method, m in r["methods"].items():
            print(f"| {label} | {method} | {m['median_ms']:,.0f} ({m['noise']}) | {m['snapshot_mb']:.1f} | "
                  f"{m['free_needed_mb']:.1f} | {m['peak_total_mb']:.1f} | {m['cli_1_5_opens']} |")  # fmt: skip
    print("saved", save("publish", {"results": results, "repeat": args.repeat, "machine": machine()}))


if __name__ == "__main__":
    main()
