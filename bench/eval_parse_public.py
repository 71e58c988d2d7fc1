"""Score our parser and trafilatura on trafilatura's public evaluation corpus, side by side.

    uv run python bench/eval_parse_public.py --evaldata PATH/tests/evaldata.py --cache PATH/tests/cache

The corpus (about 1,000 real pages with hand-marked must-have and must-not-have snippets) lives in
trafilatura's source repository, not in its package and not here: clone it yourself and point this
script at it (nothing is downloaded). Pages are decoded the way the pipeline decodes them
(``aidtrack.fetch.encoding.decode_body``) and scored the way ``tests/eval_parse/score.py`` scores ours:
whitespace-normalised substring matching, a page given nothing counting all its must-haves as missed.
Prints precision, recall, F1 and ms per page for each parser, and with ``--misses`` the pages where
ours and trafilatura differ most.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import re
import statistics
import sys
import time
from pathlib import Path

import trafilatura

from aidtrack.fetch.encoding import decode_body
from aidtrack.parse import ParseError, parse_article

_SPACE = re.compile(r"\s+")


def _normalise(text: str) -> str:
    return _SPACE.sub(" ", text.replace("\u00a0", " ")).strip()


def _load_evaldata(path: Path) -> dict:
    spec = importlib.util.spec_from_file_location("trafilatura_evaldata", path)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module.EVAL_PAGES


def _read(path: Path) -> str | None:
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    text, _encoding = decode_body(raw, "text/html")
    return text


def _ours(html: str, url: str) -> str | None:
    try:
        return parse_article(html, url).text
    except ParseError:
        return None


PARSERS = {
    "ours": _ours,
    "trafilatura": lambda html, url: trafilatura.extract(html, url=url),
    "trafilatura-nocomments": lambda html, url: trafilatura.extract(html, url=url, include_comments=False),
}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--evaldata", type=Path, required=True, help="trafilatura's tests/evaldata.py")
    parser.add_argument("--cache", type=Path, required=True, help="trafilatura's tests/cache folder")
    parser.add_argument("--limit", type=int, default=0, help="score only the first N pages")
    parser.add_argument("--misses", type=int, default=0, help="print the N pages where ours loses most")
    args = parser.parse_args()

    pages = []
    for url, item in _load_evaldata(args.evaldata).items():
        path = args.cache / item["file"]
        html = _read(path) if path.exists() else None
        if html:
            pages.append((url, html, item))
    if args.limit:
        pages = pages[: args.limit]
    print(f"{len(pages)} pages with their cached HTML")
    per_page: dict[str, list[tuple[int, int]]] = {}
    print(f"{'parser':24} {'prec':>6} {'recall':>6} {'F1':>6} {'ms/page':>8}")
    for name, run in PARSERS.items():
        tp = fn = fp = 0
        seconds = []
        per_page[name] = []
        for url, html, item in pages:
            start = time.perf_counter()
            out = run(html, url)
            seconds.append(time.perf_counter() - start)
            text = _normalise(out) if out else None
            hits = sum(1 for s in item.get("with", []) if text is not None and _normalise(s) in text)
            intrusions = sum(1 for s in item.get("without", []) if text is not None and _normalise(s) in text)
            tp, fn, fp = tp + hits, fn + len(item.get("with", [])) - hits, fp + intrusions
            per_page[name].append((hits, intrusions))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        print(f"{name:24} {precision:6.3f} {recall:6.3f} {f1:6.3f} {1000 * statistics.mean(seconds):8.2f}")
    if args.misses:
        diffs = [
            ((t[0] - t[1]) - (o[0] - o[1]), url)
            for (url, _html, _item), o, t in zip(
                pages, per_page["ours"], per_page["trafilatura"], strict=True
            )
        ]
        for diff, url in sorted(diffs, reverse=True)[: args.misses]:
            if diff > 0:
                print(f"  trafilatura better by {diff}: {url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
