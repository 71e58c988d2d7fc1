"""The records that pass between the stages: what a source's run collected (``SourceBatch``, its
``ParsedDocument``s), what the warehouse knew before (``KnownState``), and the stable ids and version
stamp they carry. Collecting fills them; the warehouse loads them; neither imports the other.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path
from typing import TYPE_CHECKING

from aidtrack import __version__
from aidtrack.owed import OwedUrl

if TYPE_CHECKING:  # annotations only: the records depend on no stage at run time
    from aidtrack.extract import Statement
    from aidtrack.fetch import FetchResult
    from aidtrack.sources import CuratedPledge, SourceConfig
    from aidtrack.sources.reference import ReferenceRelease


@lru_cache(maxsize=1)
def extractor_version() -> str:
    """Changes whenever the parser's or the extractor's code or lexicons change (or trafilatura's
    version), so unchanged pages are read again and `reprocess` knows what is stale."""
    digest = hashlib.sha256(__version__.encode())
    for name in ("parse", "extract"):
        root = Path(__file__).resolve().parent / name
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.suffix in {".py", ".yaml", ".yml", ".json", ".txt"}:
                digest.update(f"{name}/{path.relative_to(root).as_posix()}".encode())
                digest.update(path.read_bytes())
    try:
        digest.update(package_version("trafilatura").encode())
    except PackageNotFoundError:  # pragma: no cover - a dependency; only a broken install lacks it
        pass
    return digest.hexdigest()[:12]


def document_id(canonical_url: str) -> str:
    return hashlib.sha256(canonical_url.encode()).hexdigest()[:32]


def mention_id(doc_id: str, statement: Statement) -> str:
    basis = "|".join(
        [
            doc_id,
            str(statement.start),
            statement.kind,
            ",".join(statement.donors),
            f"{statement.amount:.2f}",
            statement.currency,
            statement.program,
            statement.quote,
        ]
    )
    return hashlib.sha256(basis.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class KnownState:
    """What the warehouse knew before this run: validators per URL, documents by canonical URL, and the
    retry ledger (source → URL → record)."""

    validators: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    documents: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # canonical → (hash, version)
    owed: dict[str, dict[str, OwedUrl]] = field(default_factory=dict)

    def validator(self, url: str) -> tuple[str | None, str | None]:
        return self.validators.get(url, (None, None))


@dataclass
class ParsedDocument:
    document_id: str
    canonical_url: str
    url: str
    source: str
    title: str | None
    published_at: datetime | None
    language: str | None
    text: str
    content_hash: str
    fetched_at: datetime
    statements: list[Statement]
    short_text: bool = False  # the text is suspiciously short for its page (counted in the run summary)
    language_how: str | None = None  # how ``language`` was decided (see extract.language.choose)
    language_read: bool = True  # False: no lexicon for its language, so nothing was extracted


@dataclass
class SourceBatch:
    source: SourceConfig
    fetches: list[tuple[str, FetchResult]] = field(default_factory=list)  # (purpose, result)
    documents: list[ParsedDocument] = field(default_factory=list)
    curated: list[CuratedPledge] = field(default_factory=list)
    reference: ReferenceRelease | None = None  # kind reference: the release read, if it changed
    problems: list[tuple[str, str]] = field(default_factory=list)  # (url, what went wrong after fetching)
    owed: list[OwedUrl] = field(default_factory=list)  # retry-ledger records to write (owed or given up)
    settled: list[str] = field(default_factory=list)  # URLs no longer owed: fetched and parsed, or 304
    discovery_complete: bool = True  # False when the run was stopped mid-discovery: keep no validators
    interrupted: bool = False  # the run was stopped before this source was done (not its fault)
    error: str | None = None
    error_recorded: bool = False  # the source's failure is already in the fetch log (an earlier chunk)
    discovered: int = 0
    flushed: Counter = field(default_factory=Counter)  # counts of the chunks already handed to the sink

    def _in_hand(self) -> Counter:
        articles = [r for purpose, r in self.fetches if purpose == "article"]
        return Counter(
            {
                "fetched": sum(r.outcome == "ok" for r in articles),
                "not_modified": sum(r.outcome == "not_modified" for r in articles),
                "failed": sum(r.outcome == "failed" for r in articles),
                "skipped_robots": sum(r.outcome == "skipped_robots" for r in articles),
                "unparsable": len(self.problems),
                "documents": len(self.documents),
                "short_text": sum(d.short_text for d in self.documents),
                "unread_language": sum(not d.language_read for d in self.documents),
                "statements": sum(len(d.statements) for d in self.documents),
                "curated": len(self.curated),
                "owed": sum(o.status == "owed" for o in self.owed),
                "given_up": sum(o.status == "given_up" for o in self.owed),
            }
        )

    def counts(self) -> dict[str, int]:
        """What this source did in the run, the chunks already handed over included."""
        in_hand = self._in_hand()
        return {"discovered": self.discovered} | {key: self.flushed[key] + in_hand[key] for key in in_hand}

    def hand_over(self, sink: Callable[[SourceBatch], None]) -> None:
        """Give what was collected so far to ``sink`` (which loads it) and keep only its counts, so a
        source with thousands of pages never holds them all in memory."""
        sink(self)
        self.flushed.update(self._in_hand())
        self.fetches, self.documents, self.problems, self.curated = [], [], [], []
        self.owed, self.settled = [], []
        self.error_recorded = self.error_recorded or self.error is not None
