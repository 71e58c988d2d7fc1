"""`aidtrack run` as a real process, for the tests of crashes, concurrency and readers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def start_run(api_url: str, sources: Path, warehouse: Path, **env: str) -> subprocess.Popen:
    """Start `aidtrack run` on ``sources`` into ``warehouse`` against the Prefect API at ``api_url``, in its
    own process group (as a shell gives a foreground job), with none of this process's AIDTRACK_*
    settings, no delay between requests unless ``env`` says otherwise, and its output captured."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("AIDTRACK_")}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "aidtrack.cli",
            "run",
            "--sources",
            str(sources),
            "--warehouse",
            str(warehouse),
        ],
        cwd=ROOT,
        env=base | {"PREFECT_API_URL": api_url, "AIDTRACK_DEFAULT_DELAY": "0"} | env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
