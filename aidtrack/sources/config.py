"""The sources file (YAML) → ``SourceConfig`` records, validated strictly.

Contract (DESIGN.md "Sources file"): top-level ``sources:`` list; each entry has ``name`` and ``kind``:

- ``rss``: ``url``; optional ``keywords`` (list)
- ``sitemap``: ``url``; optional ``since`` (date)
- ``listing``: ``url``, ``links`` (CSS selector); optional ``next`` (CSS selector), ``max_pages``
- ``csv``: ``path`` (relative paths resolve against the sources file's directory)
- ``reference``: ``format`` (one of ``aidtrack.sources.reference.FORMATS``) and either ``url`` or ``path``:
  a series another institution publishes (the Kiel Institute's PURL allocations), to check the ledger against

Optional on every entry: ``tier`` (official|wire|outlet|aggregator, default outlet), ``language``
(an override: by default each page's language is read from its markup or feed, else detected from its
text; a bare ``no``, which YAML reads as false, is Norwegian), ``delay`` (seconds), ``country`` (ISO 3166-1 alpha-3 of the publisher), ``enabled``
(default true). Anything else, a missing required key or a bad value is a ``SourcesFileError`` that
names the entry (index and name) and the key.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from aidtrack.domain import Tier
from aidtrack.errors import AidtrackError

KINDS = ("rss", "sitemap", "listing", "csv", "reference")
TIERS = tuple(Tier)
COMMON_KEYS = ("name", "kind", "tier", "language", "delay", "country", "enabled")
KIND_KEYS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # kind: (required, optional)
    "rss": (("url",), ("keywords",)),
    "sitemap": (("url",), ("since",)),
    "listing": (("url", "links"), ("next", "max_pages")),
    "csv": (("path",), ()),
    "reference": (("format",), ("url", "path")),  # exactly one of url and path: checked below
}
DEFAULT_MAX_PAGES = 5

_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$")
_ISO3 = re.compile(r"^[A-Za-z]{3}$")


class SourcesFileError(AidtrackError, ValueError):
    """The sources file is unusable; the message says where and what to fix."""

    def __init__(
        self,
        message: str,
        *,
        path: Path | None = None,
        index: int | None = None,
        name: str | None = None,
        key: str | None = None,
        line: int | None = None,
    ) -> None:
        super().__init__(message)
        self.path, self.index, self.name, self.key, self.line = path, index, name, key, line


@dataclass(frozen=True)
class SourceConfig:
    name: str
    kind: str
    url: str | None
    path: Path | None
    keywords: tuple[str, ...]
    links: str | None
    next: str | None
    max_pages: int
    since: date | None
    tier: str
    language: str | None  # an override; None: from the page, its feed, else detected
    country: str | None
    delay: float | None
    enabled: bool
    format: str | None = None  # kind reference: the name of its ReferenceFormat


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys instead of silently keeping the last one."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if not isinstance(key, str | int | float | bool | date):
            continue  # unhashable or exotic keys are reported later as "not a string"
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_sources(path: Path | str) -> list[SourceConfig]:
    """Read and validate a sources file. Raises ``SourcesFileError`` (never a bare YAML error)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise SourcesFileError(f"{path}: sources file not found", path=path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SourcesFileError(f"{path}: cannot read sources file: {exc}", path=path) from None
    return parse_sources(text, path)


def parse_sources(text: str, path: Path | str = Path("sources.yaml")) -> list[SourceConfig]:
    """Validate sources YAML given as text; ``path`` names it in messages and anchors relative paths."""
    path = Path(path)
    try:
        doc = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        where = f"line {line}, column {mark.column + 1}" if mark is not None else "unknown position"
        problem = exc.problem or exc.context or "invalid YAML"
        raise SourcesFileError(f"{path}: invalid YAML at {where}: {problem}", path=path, line=line) from None
    except yaml.YAMLError as exc:
        raise SourcesFileError(f"{path}: invalid YAML: {exc}", path=path) from None
    if not isinstance(doc, dict) or "sources" not in doc:
        raise SourcesFileError(f"{path}: expected a top-level 'sources:' list", path=path, key="sources")
    extra = sorted(str(k) for k in doc if k != "sources")
    if extra:
        raise SourcesFileError(f"{path}: unknown top-level key {extra[0]!r}", path=path, key=extra[0])
    entries = doc["sources"]
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise SourcesFileError(f"{path}: 'sources' must be a list of entries", path=path, key="sources")
    configs: list[SourceConfig] = []
    first_index: dict[str, int] = {}
    for index, raw in enumerate(entries):
        config = _parse_entry(raw, index, path)
        if config.name in first_index:
            raise SourcesFileError(
                f"{path}: {_where(index, config.name)}: duplicate name {config.name!r} "
                f"(already used by entry #{first_index[config.name] + 1})",
                path=path,
                index=index,
                name=config.name,
                key="name",
            )
        first_index[config.name] = index
        configs.append(config)
    return configs


def _where(index: int, name: str | None) -> str:
    label = f"name {name!r}" if name else "no name"
    return f"entry #{index + 1} (sources[{index}], {label})"


def _parse_entry(raw: Any, index: int, path: Path) -> SourceConfig:
    name = raw.get("name") if isinstance(raw, dict) else None
    name = name.strip() if isinstance(name, str) and name.strip() else None

    def fail(key: str | None, message: str) -> SourcesFileError:
        return SourcesFileError(
            f"{path}: {_where(index, name)}: {message}", path=path, index=index, name=name, key=key
        )

    if not isinstance(raw, dict):
        raise fail(None, f"expected a mapping of keys, got {type(raw).__name__}")
    for key in raw:
        if not isinstance(key, str):
            raise fail(str(key), f"key {key!r} is not a string")
    if "name" not in raw:
        raise fail("name", "missing required key 'name'")
    if name is None:
        raise fail("name", "'name' must be a non-empty string")
    if "kind" not in raw:
        raise fail("kind", "missing required key 'kind'")
    kind = raw["kind"]
    if kind not in KINDS:
        raise fail("kind", f"'kind' must be one of {', '.join(KINDS)} (got {kind!r})")
    required, optional = KIND_KEYS[kind]
    allowed = set(COMMON_KEYS) | set(required) | set(optional)
    for key in raw:
        if key not in allowed:
            other = [k for k, (req, opt) in KIND_KEYS.items() if key in req or key in opt]
            hint = f" (it belongs to kind {'/'.join(other)})" if other else ""
            raise fail(key, f"unknown key {key!r} for kind {kind!r}{hint}")
    for key in required:
        if key not in raw or raw[key] is None or raw[key] == "":
            raise fail(key, f"missing required key {key!r} for kind {kind!r}")

    url = None
    if "url" in raw:
        url = raw["url"]
        parts = urlsplit(url) if isinstance(url, str) else None
        if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.netloc:
            raise fail("url", f"'url' must be an absolute http(s) URL (got {url!r})")
        url = url.strip()

    source_path = None
    if "path" in raw:
        if not isinstance(raw["path"], str) or not raw["path"].strip():
            raise fail("path", "'path' must be a file path")
        source_path = Path(raw["path"].strip()).expanduser()
        if not source_path.is_absolute():
            source_path = (path.parent / source_path).resolve()

    keywords: tuple[str, ...] = ()
    if raw.get("keywords") is not None:
        kw = raw["keywords"]
        if not isinstance(kw, list) or not all(isinstance(k, str | int | float) for k in kw):
            raise fail("keywords", "'keywords' must be a list of strings")
        keywords = tuple(str(k).strip() for k in kw if str(k).strip())

    links = _selector(raw, "links", fail)
    next_selector = _selector(raw, "next", fail)

    max_pages = DEFAULT_MAX_PAGES if kind == "listing" else 1
    if raw.get("max_pages") is not None:
        mp = raw["max_pages"]
        if isinstance(mp, bool) or not isinstance(mp, int) or mp < 1:
            raise fail("max_pages", f"'max_pages' must be a positive integer (got {mp!r})")
        max_pages = mp

    since = None
    if raw.get("since") is not None:
        value = raw["since"]
        if isinstance(value, datetime):
            since = value.date()
        elif isinstance(value, date):
            since = value
        else:
            try:
                since = date.fromisoformat(str(value).strip())
            except ValueError:
                raise fail("since", f"'since' must be a date like 2025-08-01 (got {value!r})") from None

    tier = raw.get("tier", "outlet")
    if tier not in TIERS:
        raise fail("tier", f"'tier' must be one of {', '.join(TIERS)} (got {tier!r})")

    language = raw.get("language")
    if language is False:
        language = "no"  # YAML 1.1 reads `language: no` (Norwegian) as the boolean false
    if language is not None and (not isinstance(language, str) or not _LANGUAGE.match(language.strip())):
        raise fail(
            "language",
            f"'language' must be a language code like en, uk or pt-BR, or left out to detect it (got {language!r})",
        )
    language = language.strip() if language else None

    country = raw.get("country")
    if country is not None:
        if not isinstance(country, str) or not _ISO3.match(country.strip()):
            raise fail("country", f"'country' must be an ISO 3166-1 alpha-3 code like CAN (got {country!r})")
        country = country.strip().upper()

    delay = raw.get("delay")
    if delay is not None:
        if isinstance(delay, bool) or not isinstance(delay, int | float) or delay < 0:
            raise fail("delay", f"'delay' must be a number of seconds >= 0 (got {delay!r})")
        delay = float(delay)

    enabled = raw.get("enabled", True)
    if not isinstance(enabled, bool):
        raise fail("enabled", f"'enabled' must be true or false (got {enabled!r})")

    reference_format = None
    if kind == "reference":
        from aidtrack.sources.reference import FORMATS  # a small module: no network or parser imports

        reference_format = raw["format"]
        if reference_format not in FORMATS:
            known = ", ".join(sorted(FORMATS))
            raise fail("format", f"'format' must be one of {known} (got {reference_format!r})")
        if (url is None) == (source_path is None):
            both = "both" if url is not None else "neither"
            raise fail("url", f"a reference needs either 'url' or 'path' (got {both})")

    return SourceConfig(
        name=name,
        kind=kind,
        url=url,
        path=source_path,
        keywords=keywords,
        links=links,
        next=next_selector,
        max_pages=max_pages,
        since=since,
        tier=tier,
        language=language,
        country=country,
        delay=delay,
        enabled=enabled,
        format=reference_format,
    )


@functools.cache
def _empty_document():  # noqa: ANN202 - a BeautifulSoup
    """To validate CSS selectors at load time; BeautifulSoup is imported only when a listing needs it,
    so a typo in the sources file is reported at once."""
    from bs4 import BeautifulSoup

    return BeautifulSoup("", "html.parser")


def _selector(raw: dict, key: str, fail: Any) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise fail(key, f"'{key}' must be a CSS selector string")
    try:
        _empty_document().select_one(value)
    except Exception as exc:  # soupsieve raises SelectorSyntaxError (and others on odd input)
        raise fail(key, f"'{key}' is not a valid CSS selector: {exc}") from None
    return value.strip()
