"""Which part of the parser earns its place: the eval pages scored with each part switched off.

    uv run python bench/eval_parse_ablation.py

Side by side in one run, on ``tests/eval_parse`` (development set and holdout): the parser as it is;
without its direct reading of the plain container (every page through trafilatura); without JSON-LD
``articleBody``; without the furniture filters and the restoring of dropped blocks (trafilatura's fast
mode and escalation only); and trafilatura's own ``extract`` (defaults, and without comments). Also the
milliseconds per page of each, from the scorer (one pass, so only a rough guide; bench_parse.py times).
"""

from __future__ import annotations

import importlib.util
import sys
from contextlib import contextmanager
from pathlib import Path

import aidtrack.parse.text as text_module

EVAL_DIR = Path(__file__).resolve().parent.parent / "tests" / "eval_parse"


def _scorer():
    spec = importlib.util.spec_from_file_location("eval_parse_score", EVAL_DIR / "score.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@contextmanager
def patched(**replacements):
    saved = {name: getattr(text_module, name) for name in replacements}
    try:
        for name, value in replacements.items():
            setattr(text_module, name, value)
        yield
    finally:
        for name, value in saved.items():
            setattr(text_module, name, value)


VARIANTS = {
    "ours": {},
    "ours, no direct container reading": {"plain_article": lambda tree: None},
    "ours, no JSON-LD articleBody": {"ld_body": lambda article_ld: None},
    "ours, no furniture filters, no restore": {
        "cleaned": lambda block: block,
        "restore_dropped": lambda tree, blocks: blocks,
    },
}


def main() -> None:
    score = _scorer()
    for name in ("cases.jsonl", "holdout.jsonl"):
        cases = score.load_cases(EVAL_DIR / name)
        print(f"\n{name}: {len(cases)} pages")
        print(f"{'variant':42} {'prec':>6} {'recall':>6} {'F1':>6} {'refused ok/wrong':>17} {'ms/page':>8}")
        rows = [(label, patches, "ours") for label, patches in VARIANTS.items()]
        rows += [
            ("trafilatura (defaults)", {}, "trafilatura"),
            ("trafilatura, no comments", {}, "trafilatura-nocomments"),
        ]
        for label, patches, parser in rows:
            with patched(**patches):
                d = score.score(parser, cases).as_dict()
            wrong = d["refused_wrong"] + d["accepted_wrong"]
            print(f"{label:42} {d['precision']:6.3f} {d['recall']:6.3f} {d['f1']:6.3f} "
                  f"{d['refused_right']:>8}/{wrong:<8} {d['ms_per_page']:8.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
