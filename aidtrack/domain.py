"""The project's vocabulary: what a statement is, which programme, how much a source is trusted, what a
fetch did. Each is a ``StrEnum``: members are the strings stored in the warehouse and written in files
(``Kind.PLEDGE == "pledge"``), so tables, sources files and SQL keep their plain values."""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    """What an amount in a text is (``mentions.kind``)."""

    PLEDGE = "pledge"  # a new commitment of money to Ukraine
    RECAP = "recap"  # an earlier commitment mentioned again
    AGGREGATE = "aggregate"  # a running total
    TARGET = "target"  # a goal, an ask, a need
    SHARE = "share"  # a stated part of a joint package


class CitationKind(StrEnum):
    """How a citation supports a ledger pledge (``pledge_sources.kind``): a mention's kind, or a person."""

    PLEDGE = "pledge"
    RECAP = "recap"
    CURATED = "curated"  # a row of an analyst's curated CSV source
    ANALYST = "analyst"  # entered with `aidtrack add-pledge` or an edit


class Programme(StrEnum):
    """Which instrument the money goes through."""

    PURL = "PURL"  # NATO's Prioritized Ukraine Requirements List: allies pay for US weapons
    BILATERAL = "bilateral"  # the donor's own military aid package
    OTHER = "other"  # humanitarian, energy, EU facilities, loans, trust funds, coalitions


class Tier(StrEnum):
    """How far a source is trusted when several cite one pledge (first wins)."""

    OFFICIAL = "official"
    WIRE = "wire"
    OUTLET = "outlet"
    AGGREGATOR = "aggregator"


class Outcome(StrEnum):
    """What one fetch did (``fetches.outcome``)."""

    OK = "ok"
    NOT_MODIFIED = "not_modified"
    SKIPPED_ROBOTS = "skipped_robots"
    FAILED = "failed"
    INTERRUPTED = "interrupted"  # the run was stopped (Ctrl-C, SIGTERM) before this URL was fetched


KINDS = tuple(Kind)
PROGRAMMES = tuple(Programme)
TIERS = tuple(Tier)
