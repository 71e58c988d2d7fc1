"""Statements → pledges: FX to USD, dedup across outlets, targets, analyst overrides."""
