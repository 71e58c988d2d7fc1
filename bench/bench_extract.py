"""Sentences per second for extracting 10,000 sentences (run on demand, not a test).

    uv run python bench/bench_extract.py [--n 10000]

Sentences are the labelled evaluation sentences repeated, each extracted on its own (the pipeline's
worst case: one call per text), plus one pass over them joined as a long article.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from aidtrack.extract import extract, load_lexicon

SENTENCES = Path(__file__).resolve().parent.parent / "tests" / "eval" / "sentences.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=10_000, help="number of sentences")
    args = parser.parse_args()
    texts = [json.loads(line)["text"] for line in SENTENCES.read_text(encoding="utf-8").splitlines() if line]
    sample = (texts * (args.n // len(texts) + 1))[: args.n]

    t0 = time.perf_counter()
    load_lexicon("en")
    load_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    found = sum(len(extract(text).statements) for text in sample)
    one_by_one = time.perf_counter() - t0

    article = "\n\n".join(sample)
    t0 = time.perf_counter()
    in_article = len(extract(article).statements)
    joined = time.perf_counter() - t0

    print(f"lexicon load: {load_s * 1000:.0f} ms (once per process)")
    print(f"{args.n} sentences one per call: {args.n / one_by_one:,.0f} sentences/s ({found} statements)")
    print(f"{args.n} sentences as one text:  {args.n / joined:,.0f} sentences/s ({in_article} statements)")


if __name__ == "__main__":
    main()
