"""Quality gate: the extractor must not score below the recorded baseline on the labelled set.

Like trafilatura's evaluation gate. After a real improvement, record the new scores with
``uv run python tests/eval/score.py --write-baseline``.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

EVAL_DIR = Path(__file__).resolve().parent.parent / "eval"


def _scorer():
    spec = importlib.util.spec_from_file_location("aidtrack_eval_score", EVAL_DIR / "score.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def test_eval_set_is_large_enough() -> None:
    items = _scorer().load_items()
    assert len(items) >= 250
    assert sum(1 for item in items if not item["pledges"]) >= 100  # plenty of negatives


def test_precision_and_recall_do_not_drop_below_baseline() -> None:
    baseline = json.loads((EVAL_DIR / "baseline.json").read_text(encoding="utf-8"))
    scores = _scorer().score()
    assert scores["precision"] >= baseline["precision"], (scores, baseline)
    assert scores["recall"] >= baseline["recall"], (scores, baseline)
    assert scores["program_accuracy"] >= baseline["program_accuracy"] - 0.01, (scores, baseline)
    assert scores["kind_accuracy"] >= baseline["kind_accuracy"] - 0.01, (scores, baseline)


def test_targets_from_the_brief_hold() -> None:
    scores = _scorer().score()
    assert scores["precision"] >= 0.97
    assert scores["recall"] >= 0.92


# Held-out files: precision first (a wrong pledge misleads users), recall may trail a little.
HELDOUT_FLOORS = {
    "holdout.jsonl": (0.97, 0.90),
    "holdout2.jsonl": (0.97, 0.90),
    "holdout3.jsonl": (0.97, 0.85),
    # Our negatives of the kinds LABELLING.md lists (budgets, sales, prices, leaks, plans), written during the
    # real-news round; the budget envelope (h4-n1) led to the frameworks rule, so it is not held out.
    "holdout4.jsonl": (0.97, 0.9),
}


@pytest.mark.parametrize("name", sorted(HELDOUT_FLOORS))
def test_heldout_precision_and_recall_floors(name: str) -> None:
    scorer = _scorer()
    scores = scorer.score(scorer.load_items(EVAL_DIR / name))
    precision_floor, recall_floor = HELDOUT_FLOORS[name]
    assert scores["precision"] >= precision_floor, (name, scores)
    assert scores["recall"] >= recall_floor, (name, scores)


def test_second_heldout_set_is_large_and_mostly_negative() -> None:
    items = _scorer().load_items(EVAL_DIR / "holdout2.jsonl")
    assert len(items) >= 80
    assert sum(1 for item in items if not item["pledges"]) >= 40


# Real published news, labelled (../shared/eval, beside the project in CI; absent from a user's clone).
# Floors just below what the extractor reaches now (pledges the ledger would count): English P 0.921,
# R 0.820; every other language together ("xx") P 0.968, R 0.857. Raise them with every real
# improvement, never lower them to let a change in.
REAL_SNIPPETS = Path(__file__).resolve().parents[3] / "shared" / "eval" / "score_real.py"
REAL_FLOORS = {"en": (0.91, 0.82), "xx": (0.95, 0.85)}


# Every language the extractor reads has its own labelled set, in our words, of at least 30 sentences
# that mix pledges with the traps (recaps, totals, targets, speculation, money that is not aid).
LANGUAGE_FLOORS = (0.95, 0.90)


def _languages() -> list[str]:
    from aidtrack.extract.lexicon import languages

    return [lang for lang in languages() if lang != "en"]


@pytest.mark.parametrize("language", _languages())
def test_each_language_has_its_own_labelled_set(language: str) -> None:
    scorer = _scorer()
    path = scorer.LANG_DIR / f"{language}.jsonl"
    assert path.exists(), f"lexicons/{language} has no labelled set {path}"
    items = scorer.load_items(path)
    assert len(items) >= 30, (language, len(items))
    assert sum(1 for item in items if item["pledges"]) >= 10, language
    assert sum(1 for item in items if not item["pledges"]) >= 10, language


@pytest.mark.parametrize("language", _languages())
def test_each_language_meets_its_floor(language: str) -> None:
    scorer = _scorer()
    scores = scorer.score(scorer.load_items(scorer.LANG_DIR / f"{language}.jsonl"))
    floor_p, floor_r = LANGUAGE_FLOORS
    assert scores["precision"] >= floor_p and scores["recall"] >= floor_r, (language, scores)


@pytest.mark.skipif(not REAL_SNIPPETS.exists(), reason="../shared/eval is not beside this clone")
@pytest.mark.parametrize("lang", sorted(REAL_FLOORS))
def test_real_news_does_not_fall_below_its_floor(lang: str) -> None:
    import os
    import re
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, str(REAL_SNIPPETS), "--lang", lang],
        cwd=root,
        env=os.environ | {"EXTRACT_CMD": f"{sys.executable} -m aidtrack.cli extract"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    line = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr
    found = re.search(r"P=([\d.]+) R=([\d.]+)", line)
    assert found, line
    precision, recall = float(found.group(1)), float(found.group(2))
    floor_p, floor_r = REAL_FLOORS[lang]
    assert precision >= floor_p and recall >= floor_r, line
