"""Language detectors side by side on short news texts: accuracy, speed, memory, size.

    uv run --with lingua-language-detector python bench/bench_language.py

The texts are our own labelled sentences (``tests/eval/lang/<language>.jsonl``, whose file name is the
truth, plus English from ``tests/eval/sentences.jsonl``): one news sentence each, the hardest case a
detector meets in a run (a whole article is longer and easier). Each candidate runs in its own process so
its memory is its own. fasttext-langdetect is not a candidate we can run here: it downloads its model on
first use, and neither CI nor many users' machines reach that host.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from aidtrack.extract.language import ALIASES  # noqa: E402 - the project's own mapping ("no" -> "nb", "bs" -> "hr")

CANDIDATE = r"""
import json, resource, sys, time
kind = sys.argv[1]
items = json.loads(sys.stdin.read())
start = time.perf_counter()
if kind == "py3langid":
    from py3langid.langid import MODEL_FILE, LanguageIdentifier
    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    guess = lambda text: ident.classify(text)[0]
    import py3langid, pathlib
    size = sum(p.stat().st_size for p in pathlib.Path(py3langid.__file__).parent.rglob("*") if p.is_file())
else:
    from lingua import LanguageDetectorBuilder
    low = kind == "lingua-low"
    builder = LanguageDetectorBuilder.from_all_languages()
    detector = (builder.with_low_accuracy_mode() if low else builder).with_preloaded_language_models().build()
    def guess(text):
        found = detector.detect_language_of(text)
        return found.iso_code_639_1.name.lower() if found else None
    import lingua, pathlib
    size = sum(p.stat().st_size for p in pathlib.Path(lingua.__file__).parent.rglob("*") if p.is_file())
loaded = time.perf_counter() - start
start = time.perf_counter()
answers = [guess(text) for _, text in items]
took = time.perf_counter() - start
print(json.dumps({"answers": answers, "load_s": loaded, "per_text_ms": 1000 * took / len(items),
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "size_mb": size / 1e6}))
"""


def _texts() -> list[tuple[str, str]]:
    items = []
    for path in sorted((ROOT / "tests" / "eval" / "lang").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                items.append((path.stem, json.loads(line)["text"]))
    for line in (ROOT / "tests" / "eval" / "sentences.jsonl").read_text(encoding="utf-8").splitlines()[:60]:
        items.append(("en", json.loads(line)["text"]))
    return items


def main() -> int:
    items = _texts()
    print(f"{len(items)} sentences in {len({lang for lang, _ in items})} languages\n")
    rows = []
    for kind in ("py3langid", "lingua-low", "lingua-high"):
        done = subprocess.run(
            [sys.executable, "-c", CANDIDATE, kind], input=json.dumps(items), capture_output=True, text=True
        )
        if done.returncode != 0:
            print(f"{kind}: not run ({done.stderr.strip().splitlines()[-1] if done.stderr else 'failed'})")
            continue
        got = json.loads(done.stdout)
        right = [ALIASES.get(a or "", a) == lang for (lang, _), a in zip(items, got["answers"], strict=True)]
        wrong: dict[str, int] = {}
        for (lang, _), ok in zip(items, right, strict=True):
            if not ok:
                wrong[lang] = wrong.get(lang, 0) + 1
        rows.append((kind, sum(right) / len(items), got, wrong))
    print(
        "| detector | accuracy | load s | ms / sentence | peak RSS MB | installed MB | wrong, by language |"
    )
    print("|---|---|---|---|---|---|---|")
    for kind, accuracy, got, wrong in rows:
        worst = ", ".join(f"{k} {v}" for k, v in sorted(wrong.items(), key=lambda kv: -kv[1])) or "none"
        print(f"| {kind} | {accuracy:.3f} | {got['load_s']:.2f} | {got['per_text_ms']:.2f} | "
              f"{got['rss_mb']:.0f} | {got['size_mb']:.0f} | {worst} |")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
