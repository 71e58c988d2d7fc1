"""Small helpers the benchmarks share: clocks, memory, the machine, and where results go."""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
WORK = Path(os.environ.get("AIDTRACK_BENCH_DIR", "/tmp/aidtrack-bench"))  # corpora, warehouses (big)


def peak_rss_mb() -> float:
    """This process's peak resident set size so far (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    """This process's resident set size now."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def load_average() -> float:
    return os.getloadavg()[0]


@contextmanager
def stopwatch() -> object:
    """``with stopwatch() as t: …`` then ``t.seconds``."""

    class _T:
        seconds = 0.0

    t = _T()
    start = time.perf_counter()
    try:
        yield t
    finally:
        t.seconds = time.perf_counter() - start


def median_of(runs: int, fn: Callable[[], float]) -> tuple[float, list[float]]:
    values = [fn() for _ in range(runs)]
    return statistics.median(values), values


def spread(values: list[float]) -> str:
    """Noise as (max - min) / median, in percent."""
    if len(values) < 2:
        return "n/a"
    med = statistics.median(values)
    return f"±{(max(values) - min(values)) / med / 2 * 100:.0f}%" if med else "n/a"


def _versions() -> dict[str, str]:
    from importlib.metadata import version

    out = {"python": platform.python_version()}
    for name in ("duckdb", "prefect", "beautifulsoup4", "lxml", "httpx"):
        try:
            out[name] = version(name)
        except Exception:  # noqa: BLE001
            out[name] = "?"
    return out


def code_state() -> str:
    """HEAD plus a hash of uncommitted changes to the pipeline code: others edit the tree while we
    measure, so each result says which code it measured."""
    root = Path(__file__).resolve().parent.parent
    git = ["git", "-C", str(root)]
    try:
        head = subprocess.run(
            [*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True
        ).stdout.strip()
        diff = subprocess.run(
            [*git, "diff", "HEAD", "--", "aidtrack", "flows", "sql"], capture_output=True
        ).stdout
    except OSError:
        return "?"
    import hashlib

    return f"{head}+{hashlib.sha256(diff).hexdigest()[:8]}" if diff else head


def machine() -> dict[str, object]:
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.strip()
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory": mem.splitlines()[1].split()[1] if mem else "?",
        "free_h": mem,
        "kernel": platform.release(),
        "code": code_state(),
        **_versions(),
    }


def save(name: str, result: dict) -> Path:
    """Write one benchmark's result as JSON under bench/results/ (run_all.py reads them back)."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    result = {"name": name, "when": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "argv": sys.argv,
              "load_average_at_end": load_average(), **result}  # fmt: skip
    path.write_text(json.dumps(result, indent=1, default=str))
    return path
