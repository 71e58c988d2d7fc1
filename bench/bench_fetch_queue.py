"""Why peak memory grows with N: how far fetching runs ahead of parsing in ``Fetcher.fetch_many``.

    uv run python bench/bench_fetch_queue.py --n 2000

Collects one site's news-sitemap source (``collect_source``, parse and extract included, the loading
sink left out) from a loopback server, in a child process per variant, and reports the deepest the
results queue got and the child's peak RSS:

- ``as is``: ``fetch_many``'s results queue as the code has it;
- ``bounded (what-if)``: the same queue class with ``maxsize=8``, the fix suggested in
  docs/benchmarks.md (patched in the child only; aidtrack is not changed).
"""

from __future__ import annotations

import argparse
import json
import queue
import subprocess
import sys
from pathlib import Path

from corpus import sources_yaml, write_corpus
from measure import WORK, machine, peak_rss_mb, save


def child(site_dir: str, bounded: bool, n: int) -> None:
    import aidtrack.fetch.client as client
    from aidtrack.collect import KnownState, collect_source
    from aidtrack.demo.server import SiteServer
    from aidtrack.fetch import Fetcher
    from aidtrack.settings import load_settings
    from aidtrack.sources import load_sources

    deepest = [0]

    class Watched(queue.Queue):
        def __init__(self, maxsize: int = 0) -> None:
            super().__init__(maxsize=8 if bounded else maxsize)

        def put(self, item, block=True, timeout=None):  # noqa: ANN001
            super().put(item, block, timeout)
            deepest[0] = max(deepest[0], self.qsize())

    client.queue.Queue = Watched  # the module's own reference: only this child sees it
    with SiteServer(Path(site_dir)) as server:
        folder = WORK / "fetch-queue"
        folder.mkdir(parents=True, exist_ok=True)
        sources_file = folder / "sources.yaml"
        sources_file.write_text(sources_yaml([server.base_url], feeds=False))
        settings = load_settings(
            warehouse=folder / "aid.duckdb", default_delay=0.0, max_entries_per_source=10 * n
        )
        source = load_sources(sources_file)[0]
        rss_before = peak_rss_mb()
        with Fetcher(settings) as fetcher:
            batch = collect_source(source, fetcher, KnownState(), max_entries=10 * n, sink=lambda b: None)
    print(json.dumps({"bounded": bounded, "documents": batch.counts()["documents"], "deepest_queue": deepest[0],
                      "peak_rss_mb": peak_rss_mb(), "peak_rss_before_mb": rss_before}))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=2000, help="corpus size (one site of 4 is collected)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--bounded", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.bounded, args.n)
        return
    corpus = write_corpus(WORK / f"corpus-{args.n}", args.n)
    site = str(corpus.site_dirs()[0])
    rows = []
    for bounded in (False, True):
        cmd = [sys.executable, __file__, "--n", str(args.n), "--child", site] + (
            ["--bounded"] if bounded else []
        )
        out = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=1800).stdout
        rows.append(json.loads(out.strip().splitlines()[-1]))
        r = rows[-1]
        label = "bounded (what-if)" if bounded else "as is"
        print(f"{label:18} {r['documents']} docs, deepest results queue {r['deepest_queue']}, "
              f"peak RSS {r['peak_rss_mb']:.0f} MB (before collecting {r['peak_rss_before_mb']:.0f} MB)")  # fmt: skip
    print("saved", save(f"fetch-queue-n{args.n}", {"rows": rows, "machine": machine()}))


if __name__ == "__main__":
    main()
