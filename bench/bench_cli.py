"""How long the command line makes a user wait, for this tree and an older one, side by side in one run.

    uv run python bench/bench_cli.py                      # this tree only
    uv run python bench/bench_cli.py --before b8f7a2f     # and the tree at that commit (a git worktree)

Each command runs as a fresh process (``python -m aidtrack.cli``, the tree put first on ``PYTHONPATH``),
``--repeat`` times; we report the first call and the median of the rest. ``run`` is timed against the
bundled sample sites (all six sources, no pacing) three ways: with no Prefect server up and a fresh
``PREFECT_HOME`` (cold: Prefect migrates its database), the same again (warm), and with a local Prefect
server already answering on 127.0.0.1:4200 (as `aidtrack serve` leaves one). Numbers are printed and
saved, never asserted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import save  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SERVE_PORT = 4200


def _env(tree: Path, prefect_home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIDTRACK_", "PREFECT_"))}
    return env | {
        "PYTHONPATH": str(tree),
        "PREFECT_HOME": str(prefect_home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "AIDTRACK_DEFAULT_DELAY": "0",
        **extra,
    }


def _time(args: list[str], env: dict[str, str], ok: tuple[int, ...] = (0,)) -> float:
    started = time.perf_counter()
    # From the tree's own folder: `python -m` puts the working directory first on sys.path.
    done = subprocess.run(
        [sys.executable, "-m", "aidtrack.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        cwd=env["PYTHONPATH"],
    )
    elapsed = time.perf_counter() - started
    if done.returncode not in ok:
        raise RuntimeError(f"{args} exited {done.returncode}: {done.stderr[-2000:]}")
    return elapsed


def _series(args: list[str], env: dict[str, str], repeat: int, ok: tuple[int, ...] = (0,)) -> dict:
    times = [_time(args, env, ok) for _ in range(repeat)]
    return {"first_s": times[0], "median_s": statistics.median(times[1:] or times), "n": repeat}


def _worktree(commit: str) -> Path:
    folder = Path(tempfile.gettempdir()) / f"aidtrack-bench-tree-{commit}"
    if not folder.exists():
        subprocess.run(["git", "worktree", "add", "--detach", str(folder), commit], cwd=ROOT, check=True)
    return folder


def _start_server(prefect_home: Path) -> subprocess.Popen:
    env = _env(ROOT, prefect_home)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "prefect",
            "server",
            "start",
            "--host",
            "127.0.0.1",
            "--port",
            str(SERVE_PORT),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    import httpx

    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{SERVE_PORT}/api/health", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    process.kill()
    raise RuntimeError("the Prefect server did not start")


def measure_tree(tree: Path, work: Path, repeat: int, server_home: Path | None) -> dict:
    from aidtrack.demo import SiteServer, demo_sources_yaml

    home = work / "prefect-home"
    warehouse = work / "wh" / "aid.duckdb"
    bad = work / "bad.yaml"
    bad.write_text("sources:\n  - {name: x, kind: rss, url: 'http://127.0.0.1:1/f', langauge: en}\n")
    env = _env(tree, home)
    results: dict[str, dict] = {}
    results["--help"] = _series(["--help"], env, repeat)
    results["typo in sources.yaml"] = _series(["run", "--sources", str(bad)], env, repeat, ok=(1,))
    with SiteServer() as site:
        sources = work / "sources.yaml"
        sources.write_text(demo_sources_yaml(site.base_url), encoding="utf-8")
        run = ["run", "--sources", str(sources), "--warehouse", str(warehouse)]
        if server_home is None:
            results["run, no server (cold: fresh PREFECT_HOME)"] = _series(run, env, 1)
            results["run, no server (warm)"] = _series(run, env, max(2, repeat // 2))
        else:
            results["run, local server up on :4200"] = _series(run, env, max(2, repeat // 2))
    results["report"] = _series(["report", "--warehouse", str(warehouse)], env, repeat)
    results["sql"] = _series(
        ["sql", "select count(*) from pledges", "--warehouse", str(warehouse)], env, repeat
    )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--before", help="a commit to measure side by side with this tree")
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()
    trees = {"this tree": ROOT}
    if options.before:
        trees = {f"before ({options.before})": _worktree(options.before), **trees}
    table: dict[str, dict[str, dict]] = {}
    with tempfile.TemporaryDirectory(prefix="aidtrack-bench-cli-") as tmp:
        for label, tree in trees.items():
            work = Path(tmp) / label.split()[0]
            work.mkdir()
            table[label] = measure_tree(tree, work, options.repeat, None)
        server_home = Path(tmp) / "server-home"
        server = _start_server(server_home)
        try:
            for label, tree in trees.items():
                work = Path(tmp) / label.split()[0]
                table[label] |= {
                    k: v for k, v in measure_tree(tree, work, options.repeat, server_home).items()
                    if k.startswith("run")
                }  # fmt: skip
        finally:
            server.terminate()
            server.wait(timeout=30)
    rows = list(next(iter(table.values())))
    print(f"{'command':<44}" + "".join(f"{label:>26}" for label in table))
    for row in rows:
        cells = "".join(
            f"{table[label][row]['first_s']:>11.2f}s / {table[label][row]['median_s']:>6.2f}s    "
            for label in table
        )
        print(f"{row:<44}{cells}")
    print("(first call / median of the rest, seconds)")
    save("cli", {"trees": {k: str(v) for k, v in trees.items()}, "results": table})


if __name__ == "__main__":
    main()
