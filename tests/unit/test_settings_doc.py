"""Every setting a user can change is listed in the README, so nobody has to read the code to find it."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

from aidtrack.settings import Settings

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_setting_is_in_the_readme():
    text = README.read_text(encoding="utf-8")
    missing = [
        f"AIDTRACK_{f.name.upper()}" for f in fields(Settings) if f"`AIDTRACK_{f.name.upper()}`" not in text
    ]
    assert missing == []
