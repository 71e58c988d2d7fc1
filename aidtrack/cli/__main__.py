"""`python -m aidtrack.cli …`, the same as the `aidtrack` command."""

from aidtrack.cli import main

main()
