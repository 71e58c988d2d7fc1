"""Parse + extract per document against the floor: BeautifulSoup+lxml alone and lxml alone.

    uv run python bench/bench_parse.py --n 1000 [--repeat 3] [--profile]

On the same synthetic pages (bench/corpus.py), interleaved document by document so that the machine's
noise hits every variant alike, each repeat times:

- ``lxml``: ``lxml.html.fromstring(html)`` (the C parser alone)
- ``bs4``: ``BeautifulSoup(html, "lxml")`` (what our parser is built on; the goal's floor)
- ``parse``: ``aidtrack.parse.parse_article`` (metadata + main text)
- ``extract``: ``aidtrack.extract.extract`` on the article text (regex/lexicon statements)
- ``ours``: parse + extract, which is the per-document CPU work of ``collect_source``

Goal: ``ours`` ≤ 1.5 × ``bs4``. Ratios are per repeat and the median is reported, with the spread.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import pstats
import statistics
import time
from collections import defaultdict

import lxml.html
from bs4 import BeautifulSoup
from corpus import LAYOUTS, generate
from measure import machine, save, spread

from aidtrack.extract import extract, load_lexicon
from aidtrack.parse import ParseError, parse_article

BASE = "http://127.0.0.1:8000"
GOAL = 1.5


def _pages(n: int) -> list[tuple[str, str, str, object]]:
    return [(a.layout, BASE + a.path, html.replace("{{base}}", BASE), a.published) for a, html in generate(n)]


def _ours(html: str, url: str, hint) -> int:
    article = parse_article(html, url, published_hint=hint)
    return len(extract(article.text, published=article.published_on, url=article.canonical_url).statements)


def one_repeat(pages) -> dict[str, dict[str, float]]:
    """Seconds per variant, in total and per layout.

    BeautifulSoup trees are cyclic, so only the garbage collector frees them, at whatever moment it
    runs: inside the next variant's timing. So the collector is off while timing and runs between
    documents, untimed: each variant is charged its own work, not its neighbour's garbage."""
    totals: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    clock = time.perf_counter
    gc.disable()
    try:
        _timed_loop(pages, totals, clock)
    finally:
        gc.enable()
    return totals


def _timed_loop(pages, totals, clock) -> None:
    for layout, url, html, hint in pages:
        gc.collect()
        t0 = clock()
        lxml.html.fromstring(html)
        t1 = clock()
        BeautifulSoup(html, "lxml")
        t2 = clock()
        try:
            article = parse_article(html, url, published_hint=hint)
        except ParseError:
            continue
        t3 = clock()
        extract(article.text, published=article.published_on, url=article.canonical_url)
        t4 = clock()
        for key, seconds in (("lxml", t1 - t0), ("bs4", t2 - t1), ("parse", t3 - t2), ("extract", t4 - t3),
                             ("ours", t4 - t2)):  # fmt: skip
            totals["all"][key] += seconds
            totals[layout][key] += seconds
        totals["all"]["docs"] += 1
        totals[layout]["docs"] += 1


def profile(pages, top: int = 18) -> str:
    prof = cProfile.Profile()
    prof.enable()
    for _layout, url, html, hint in pages:
        _ours(html, url, hint)
    prof.disable()
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(top)
    return out.getvalue()


def breakdown(pages) -> dict[str, float]:
    """Milliseconds per document inside ``parse_article``, by step (timing wrappers around the module's
    own functions). Nothing in aidtrack changes: the wrappers are undone before returning."""
    import aidtrack.parse.article as mod

    spent: dict[str, float] = defaultdict(float)
    calls: dict[str, int] = defaultdict(int)
    originals = {name: getattr(mod, name) for name in ("BeautifulSoup", "_meta_index", "_main_text", "_canonical",
                                                        "_json_ld_objects", "_parse_date")}  # fmt: skip

    def timed(name, fn):
        def wrapper(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - t0
                calls[name] += 1

        return wrapper

    def run() -> float:
        t0 = time.perf_counter()
        for _layout, url, html, hint in pages:
            try:
                mod.parse_article(html, url, published_hint=hint)
            except ParseError:
                pass
        return time.perf_counter() - t0

    n = len(pages)
    out: dict[str, float] = {}
    try:
        for name, fn in originals.items():
            setattr(mod, name, timed(name, fn))
        total = run()
        out = {f"{k}_ms": v / n * 1000 for k, v in spent.items()}
        out |= {f"{k}_calls_per_doc": c / n for k, c in calls.items()}
        out["parse_article_ms"] = total / n * 1000
        for name, fn in originals.items():
            setattr(mod, name, fn)

    finally:
        for name, fn in originals.items():
            setattr(mod, name, fn)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=1000, help="number of pages")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="also print a cProfile of parse+extract")
    parser.add_argument(
        "--no-breakdown", action="store_true", help="skip the per-step timing of parse_article"
    )
    args = parser.parse_args()

    t0 = time.perf_counter()
    pages = _pages(args.n)
    gen_s = time.perf_counter() - t0
    mean_kb = statistics.mean(len(p[2].encode()) for p in pages) / 1024
    load_lexicon("en")
    _ours(pages[0][2], pages[0][1], pages[0][3])  # warm caches (lexicon, regexes, dateutil)

    repeats = [one_repeat(pages) for _ in range(args.repeat)]
    groups = ["all", *LAYOUTS]
    per_doc: dict[str, dict[str, float]] = {}
    ratios: dict[str, dict[str, float]] = {}
    noise: dict[str, str] = {}
    for group in groups:
        docs = repeats[0][group]["docs"]
        per_doc[group] = {
            key: statistics.median(r[group][key] for r in repeats) / docs * 1000
            for key in ("lxml", "bs4", "parse", "extract", "ours")
        }
        per_doc[group]["docs"] = docs
        ratio_runs = {
            "ours/bs4": [r[group]["ours"] / r[group]["bs4"] for r in repeats],
            "ours/lxml": [r[group]["ours"] / r[group]["lxml"] for r in repeats],
            "parse/bs4": [r[group]["parse"] / r[group]["bs4"] for r in repeats],
            "bs4/lxml": [r[group]["bs4"] / r[group]["lxml"] for r in repeats],
        }
        ratios[group] = {k: statistics.median(v) for k, v in ratio_runs.items()}
        if group == "all":
            noise = {k: spread(v) for k, v in ratio_runs.items()}
            noise["ours_ms"] = spread([r["all"]["ours"] for r in repeats])

    print(
        f"{args.n} pages, mean {mean_kb:.0f} KB (generated in {gen_s:.1f}s); median of {args.repeat} repeats"
    )
    print(f"{'layout':8} {'docs':>5} {'lxml ms':>8} {'bs4 ms':>8} {'parse ms':>9} {'extract ms':>10} "
          f"{'ours ms':>8} {'ours/bs4':>9} {'ours/lxml':>9}")  # fmt: skip
    for group in groups:
        d, r = per_doc[group], ratios[group]
        print(f"{group:8} {d['docs']:5.0f} {d['lxml']:8.2f} {d['bs4']:8.2f} {d['parse']:9.2f} "
              f"{d['extract']:10.2f} {d['ours']:8.2f} {r['ours/bs4']:8.2f}x {r['ours/lxml']:8.1f}x")  # fmt: skip
    verdict = "meets" if ratios["all"]["ours/bs4"] <= GOAL else "MISSES"
    print(
        f"ours/bs4 = {ratios['all']['ours/bs4']:.2f}x ({noise['ours/bs4']} across repeats): {verdict} "
        f"the goal of <= {GOAL}x"
    )
    result = {"n": args.n, "repeat": args.repeat, "mean_page_kb": mean_kb, "per_doc_ms": per_doc,
              "ratios": ratios, "noise": noise, "goal": GOAL, "machine": machine()}  # fmt: skip
    if not args.no_breakdown:
        steps = breakdown(pages)
        result["parse_breakdown"] = steps
        print("inside parse_article, ms per document:")
        for key, value in steps.items():
            print(f"  {key:36} {value:7.2f}")
    if args.profile:
        text = profile(pages[: min(300, len(pages))])
        print(text)
        result["profile"] = text
    print("saved", save(f"parse-n{args.n}", result))


if __name__ == "__main__":
    main()
