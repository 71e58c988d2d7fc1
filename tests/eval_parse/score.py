"""Score article parsers on the real-shape pages in ``tests/eval_parse/``, side by side in one run.

    uv run python tests/eval_parse/score.py                        # ours, trafilatura and the rest
    uv run python tests/eval_parse/score.py --parsers ours -v      # plus every miss and every intrusion
    uv run python tests/eval_parse/score.py --file holdout.jsonl   # the set written after the parser
    uv run python tests/eval_parse/score.py --module /tmp/old.py   # also any file with a parse_article
    uv run python tests/eval_parse/score.py --write-baseline       # record ours in baseline.json

Scored the way trafilatura scores itself: each page has must-have snippets (``with``: main text) and
must-not-have snippets (``without``: menus, teasers, comments, cookie notices, footers). After both
sides are whitespace-normalised, a must-have found in the output is a true positive (else a false
negative) and a must-not-have found is a false positive (else a true negative). A parser that gives
nothing for a page (``None``, or ``ParseError`` for ours) scores every must-have as missed and every
must-not-have as avoided. Precision = TP / (TP + FP), recall = TP / (TP + FN).

Pages whose ``expect`` is ``"unparsable"`` (a consent wall with no article behind it, an error page
served with 200) have no must-haves: the right answer is to refuse them, and anything given is scored
through their must-not-haves.

Metadata (ours, and trafilatura's with ``with_metadata=True``): the title (whitespace-normalised,
exact), the publication day, and the language code read from the markup.
"""

from __future__ import annotations

import argparse
import html as html_lib
import importlib.util
import json
import re
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import lxml.html

HERE = Path(__file__).resolve().parent
PAGES = HERE / "pages"
CASES = HERE / "cases.jsonl"
BASELINE = HERE / "baseline.json"

_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Whitespace collapsed to single spaces (non-breaking spaces included), ends stripped."""
    return _SPACE.sub(" ", text.replace("\u00a0", " ")).strip()


def load_cases(path: Path = CASES) -> list[dict[str, Any]]:
    path = path if path.is_absolute() or path.exists() else HERE / path
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def page_html(case: dict[str, Any]) -> str:
    """The case's page: ``page`` relative to this folder, else ``pages/<id>.html``."""
    return (HERE / case.get("page", f"pages/{case['id']}.html")).read_text(encoding="utf-8")


def _hint(case: dict[str, Any]) -> datetime | None:
    raw = (case.get("feed") or {}).get("published")
    return datetime.fromisoformat(raw.replace("Z", "+00:00")) if raw else None


@dataclass
class Output:
    text: str | None
    title: str | None = None
    published: str | None = None  # YYYY-MM-DD
    language: str | None = None
    reason: str | None = None  # why nothing was given, when the parser says


Parser = Callable[[str, dict[str, Any]], Output]


def _ours(html: str, case: dict[str, Any]) -> Output:
    from aidtrack.parse import ParseError, parse_article

    try:
        article = parse_article(html, case["url"], published_hint=_hint(case))
    except ParseError as exc:
        return Output(None, reason=str(exc))
    return Output(
        article.text,
        article.title,
        article.published.date().isoformat() if article.published else None,
        article.language,
    )


def _trafilatura(**options: Any) -> Parser:
    def run(html: str, case: dict[str, Any]) -> Output:
        import trafilatura

        return Output(trafilatura.extract(html, url=case["url"], **options))

    return run


def _trafilatura_metadata(html: str, case: dict[str, Any]) -> Output:
    import trafilatura

    doc = trafilatura.bare_extraction(html, url=case["url"], with_metadata=True)
    if doc is None:
        return Output(None)
    return Output(doc.text, doc.title, doc.date, None)


def _page_text(html: str, case: dict[str, Any]) -> Output:
    """Every word of the page's body, scripts and styles left out: perfect recall, no precision."""
    doc = lxml.html.fromstring(html)
    for node in doc.xpath("//script|//style|//noscript|//template"):
        node.drop_tree()
    body = doc.find("body")
    return Output((body if body is not None else doc).text_content())


def _from_file(path: Path) -> Parser:
    """A ``parse_article(html, url, *, published_hint)`` from any file (an older version, say)."""
    spec = importlib.util.spec_from_file_location(f"parser_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)

    def run(html: str, case: dict[str, Any]) -> Output:
        try:
            article = module.parse_article(html, case["url"], published_hint=_hint(case))
        except ValueError as exc:  # the old ParseError is a ValueError
            return Output(None, reason=str(exc))
        day = article.published.date().isoformat() if article.published else None
        return Output(article.text, article.title, day, article.language)

    return run


PARSERS: dict[str, Parser] = {
    "ours": _ours,
    "trafilatura": _trafilatura(),  # the library's defaults, as a user would call it
    "trafilatura-nocomments": _trafilatura(include_comments=False),
    "trafilatura-fast": _trafilatura(fast=True, include_comments=False),
    "trafilatura-precision": _trafilatura(favor_precision=True, include_comments=False),
    "trafilatura-recall": _trafilatura(favor_recall=True, include_comments=False),
    "trafilatura-metadata": _trafilatura_metadata,
    "page-text": _page_text,
}


@dataclass
class Score:
    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0
    refused_right: int = 0  # expected unparsable, and nothing was given
    refused_wrong: int = 0  # an article page, and nothing was given
    accepted_wrong: int = 0  # expected unparsable, and text was given
    title_ok: int = 0
    date_ok: int = 0
    language_ok: int = 0
    articles: int = 0
    seconds: list[float] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, Any]:
        n = max(self.articles, 1)
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "tp": self.tp,
            "fn": self.fn,
            "fp": self.fp,
            "tn": self.tn,
            "refused_right": self.refused_right,
            "refused_wrong": self.refused_wrong,
            "accepted_wrong": self.accepted_wrong,
            "title_accuracy": round(self.title_ok / n, 4),
            "date_accuracy": round(self.date_ok / n, 4),
            "language_accuracy": round(self.language_ok / n, 4),
            "ms_per_page": round(1000 * statistics.mean(self.seconds), 2) if self.seconds else None,
        }


def score(parser: Parser | str = "ours", cases: list[dict[str, Any]] | None = None) -> Score:
    """Run one parser over the cases and count as described in the module docstring."""
    run = PARSERS[parser] if isinstance(parser, str) else parser
    cases = load_cases() if cases is None else cases
    result = Score()
    for case in cases[:3]:  # warm-up, untimed: imports, compiled expressions, lexicons
        run(page_html(case), case)
    for case in cases:
        html = page_html(case)
        start = time.perf_counter()
        out = run(html, case)
        result.seconds.append(time.perf_counter() - start)
        unparsable = case.get("expect") == "unparsable"
        text = normalise(out.text) if out.text else None
        if text is None:
            result.fn += len(case["with"])
            result.tn += len(case["without"])
            if unparsable:
                result.refused_right += 1
            else:
                result.refused_wrong += 1
                result.misses.append(f"{case['id']}: nothing given ({out.reason or 'no reason'})")
        else:
            if unparsable:
                result.accepted_wrong += 1
                result.misses.append(f"{case['id']}: should have been refused; gave {text[:90]!r}…")
            for snippet in case["with"]:
                if normalise(snippet) in text:
                    result.tp += 1
                else:
                    result.fn += 1
                    result.misses.append(f"{case['id']}: missed   {snippet[:100]!r}")
            for snippet in case["without"]:
                if normalise(snippet) in text:
                    result.fp += 1
                    result.misses.append(f"{case['id']}: intruded {snippet[:100]!r}")
                else:
                    result.tn += 1
        if not unparsable:
            result.articles += 1
            result.title_ok += bool(out.title) and normalise(out.title) == normalise(case.get("title") or "")
            result.date_ok += out.published == case.get("published")
            result.language_ok += out.language == case.get("lang")
    return result


def label_problems(cases: list[dict[str, Any]]) -> list[str]:
    """Snippets that are not on their page (a typo in a label would score as a miss for everyone)."""
    problems = []
    for case in cases:
        html = page_html(case)
        doc = lxml.html.fromstring(html)
        visible = normalise("".join(doc.itertext()))
        in_json = normalise(" ".join(_json_strings(doc)))
        for snippet in case["with"] + case["without"]:
            needle = normalise(html_lib.unescape(snippet))
            if needle not in visible and needle not in in_json:
                problems.append(f"{case['id']}: not on the page: {snippet!r}")
        if case.get("expect") == "unparsable" and case["with"]:
            problems.append(f"{case['id']}: an unparsable page has no must-haves")
        if case.get("expect") != "unparsable" and not case["with"]:
            problems.append(f"{case['id']}: an article page needs must-haves")
    return problems


def _json_strings(doc: lxml.html.HtmlElement) -> list[str]:
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, str):
            found.append(node)
        elif isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            for item in node.values():
                walk(item)

    for script in doc.xpath("//script[contains(@type, 'json')]"):
        try:
            walk(json.loads(script.text or ""))
        except json.JSONDecodeError:
            continue
    return found


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--file", type=Path, default=CASES, help="cases file (default: cases.jsonl)")
    parser.add_argument("--parsers", default="ours,trafilatura,trafilatura-nocomments,trafilatura-fast,"
                        "trafilatura-precision,trafilatura-recall,trafilatura-metadata,page-text")  # fmt: skip
    parser.add_argument("--module", type=Path, action="append", default=[], help="a file with parse_article")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every miss and intrusion")
    parser.add_argument("--write-baseline", action="store_true", help="record ours in baseline.json")
    args = parser.parse_args()

    cases = load_cases(args.file)
    problems = label_problems(cases)
    for problem in problems:
        print("LABEL", problem)
    runners: dict[str, Parser] = {name: PARSERS[name] for name in args.parsers.split(",") if name}
    runners |= {f"file:{path.name}": _from_file(path) for path in args.module}
    langs = sorted({c["lang"] or "none" for c in cases})
    print(f"{len(cases)} pages ({', '.join(langs)}), {sum(len(c['with']) for c in cases)} must-have and "
          f"{sum(len(c['without']) for c in cases)} must-not-have snippets")  # fmt: skip
    print(f"{'parser':24} {'prec':>6} {'recall':>6} {'F1':>6} {'refused ok/wrong':>17} {'title':>6} {'date':>6} "
          f"{'lang':>6} {'ms/page':>8}")  # fmt: skip
    scores = {}
    for name, run in runners.items():
        result = score(run, cases)
        scores[name] = result
        d = result.as_dict()
        print(f"{name:24} {d['precision']:6.3f} {d['recall']:6.3f} {d['f1']:6.3f} "
              f"{d['refused_right']:>8}/{d['refused_wrong'] + d['accepted_wrong']:<8} {d['title_accuracy']:6.2f} "
              f"{d['date_accuracy']:6.2f} {d['language_accuracy']:6.2f} {d['ms_per_page']:8.2f}")  # fmt: skip
        if args.verbose:
            for miss in result.misses:
                print("   ", miss)
    if args.write_baseline:
        key = args.file.stem
        baseline = json.loads(BASELINE.read_text()) if BASELINE.exists() else {}
        baseline[key] = {k: v for k, v in scores["ours"].as_dict().items() if k != "ms_per_page"}
        BASELINE.write_text(json.dumps(baseline, indent=2, sort_keys=True) + "\n")
        print("wrote", BASELINE)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
