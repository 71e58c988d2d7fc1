"""Prefect flows: thin wiring around the aidtrack library (which never imports Prefect)."""

import os

# Quiet, offline-friendly defaults for ephemeral mode; users' own settings win.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "CRITICAL")
os.environ.setdefault("PREFECT_UI_ENABLED", "false")
