"""Streaming body reads with a hard size cap that also holds after decompression.

The server's ``Content-Encoding`` is undone here, not by httpx: httpx inflates a whole network chunk at
once, so a few kilobytes of gzip could become gigabytes in memory before anyone counts. We read the raw
stream and inflate incrementally with ``max_length`` so at most one small piece past the cap is ever
produced, then stop: a decompression bomb is refused, not inflated.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable, Iterable, Iterator

# Largest piece produced by one inflate step; bounds the overshoot past the cap.
_PIECE = 64 * 1024

SUPPORTED_ENCODINGS = ("gzip", "x-gzip", "deflate", "identity")


class BodyTooLarge(Exception):
    """The body (after decoding) is larger than the configured limit."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"body exceeds {human_size(limit)} limit")
        self.limit = limit


class BodyDecodeError(Exception):
    """The body could not be decoded from its Content-Encoding."""


class DownloadTooSlow(Exception):
    """The body took longer than the wall-clock cap to arrive (slow-drip server)."""


def human_size(n: int) -> str:
    """``10485760`` → ``'10 MB'``; exact binary units when they fit, bytes otherwise."""
    for unit, size in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= size and n % size == 0:
            return f"{n // size} {unit}"
    if n >= 1 << 20:
        return f"{n / (1 << 20):.1f} MB"
    return f"{n} bytes"


def _inflate(chunks: Iterable[bytes], wbits: int, *, lenient: bool) -> Iterator[bytes]:
    """Inflate a zlib/gzip/raw-deflate stream piece by piece (never more than ``_PIECE`` at once).

    Concatenated gzip members are all inflated. With ``lenient``, a stream whose very first bytes are
    not compressed at all (a server that labels plain bytes as gzip) is passed through unchanged.
    """
    decomp = zlib.decompressobj(wbits)
    produced = False
    passthrough = False
    for chunk in chunks:
        if passthrough:
            yield chunk
            continue
        data = chunk
        while data:
            try:
                out = decomp.decompress(data, _PIECE)
            except zlib.error as exc:
                if lenient and not produced:
                    # Mislabelled plain body: hand it back untouched.
                    passthrough = True
                    yield data
                    break
                raise BodyDecodeError(f"corrupt {_name(wbits)} body: {exc}") from exc
            if out:
                produced = True
                yield out
            if decomp.eof:
                rest = decomp.unused_data
                if rest and rest[:2] == b"\x1f\x8b":
                    decomp = zlib.decompressobj(wbits)  # next gzip member
                    data = rest
                    continue
                data = b""  # trailing garbage after the stream is ignored, as browsers do
                decomp = _Finished()  # type: ignore[assignment]
            else:
                data = decomp.unconsumed_tail
    if not passthrough:
        try:
            tail = decomp.flush()
        except zlib.error as exc:  # pragma: no cover - flush rarely raises
            raise BodyDecodeError(f"corrupt {_name(wbits)} body: {exc}") from exc
        if tail:
            yield tail


class _Finished:
    """Stands in for a decompressor after the end of the stream: swallows trailing bytes."""

    eof = True
    unused_data = b""
    unconsumed_tail = b""

    def decompress(self, data: bytes, max_length: int = 0) -> bytes:
        return b""

    def flush(self) -> bytes:
        return b""


def _name(wbits: int) -> str:
    return "gzip" if wbits > 15 else "deflate"


def _peek(chunks: Iterable[bytes]) -> tuple[bytes, Callable[[], Iterator[bytes]]]:
    """The first non-empty chunk, and a function replaying the whole stream from it."""
    it = iter(chunks)
    first = b""
    for first in it:
        if first:
            break

    def again() -> Iterator[bytes]:
        yield first
        yield from it

    return first, again


def _deflate(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """``deflate`` is zlib-wrapped by the spec but raw deflate in some servers: sniff the first byte."""
    first, again = _peek(chunks)
    if not first:
        return
    # A zlib header's first byte has 8 (deflate) in its low nibble; raw deflate usually does not.
    wbits = 15 if (first[0] & 0x0F) == 8 else -15
    yield from _inflate(again(), wbits, lenient=True)


def _gunzip(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """gzip, or the plain body unchanged when a server labels uncompressed bytes as gzip."""
    first, again = _peek(chunks)
    if not first:
        return
    if first[:1] != b"\x1f":  # not a gzip member: mislabelled plain body
        yield from again()
        return
    yield from _inflate(again(), 16 + zlib.MAX_WBITS, lenient=False)


def decoded_stream(raw_chunks: Iterable[bytes], content_encoding: str | None) -> Iterator[bytes]:
    """Undo ``Content-Encoding`` (a comma-separated list, applied in order) on a stream of raw chunks."""
    stream: Iterable[bytes] = raw_chunks
    codings = [c.strip().lower() for c in (content_encoding or "").split(",") if c.strip()]
    for coding in reversed(codings):
        if coding in ("gzip", "x-gzip"):
            stream = _gunzip(stream)
        elif coding == "deflate":
            stream = _deflate(stream)
        elif coding in ("identity", "none"):
            continue
        else:
            raise BodyDecodeError(f"unsupported Content-Encoding {coding!r}")
    return iter(stream)


def read_limited(
    raw_chunks: Iterable[bytes],
    content_encoding: str | None,
    max_bytes: int,
    *,
    deadline: float | None = None,
    truncate: bool = False,
) -> bytes:
    """Read and decode a body, refusing it (``BodyTooLarge``) once decoded bytes pass ``max_bytes``.

    Raw bytes are counted too, so an unsupported-but-ignored encoding cannot smuggle a huge body.
    ``deadline`` (a ``time.monotonic()`` value) bounds the whole download; ``truncate`` keeps the first
    ``max_bytes`` instead of refusing (used for robots.txt, where the rest is ignored by convention).
    """
    raw_seen = 0

    def counted_raw() -> Iterator[bytes]:
        nonlocal raw_seen
        for chunk in raw_chunks:
            raw_seen += len(chunk)
            if raw_seen > max_bytes and not truncate:
                raise BodyTooLarge(max_bytes)
            if deadline is not None and time.monotonic() > deadline:
                raise DownloadTooSlow("download took too long (slow server)")
            yield chunk

    parts: list[bytes] = []
    total = 0
    for piece in decoded_stream(counted_raw(), content_encoding):
        total += len(piece)
        if total > max_bytes:
            if truncate:
                parts.append(piece[: len(piece) - (total - max_bytes)])
                break
            raise BodyTooLarge(max_bytes)
        parts.append(piece)
    return b"".join(parts)


def gunzip_limited(data: bytes, max_bytes: int) -> bytes:
    """Inflate a gzip file held in memory (e.g. ``sitemap.xml.gz``) under the same cap."""
    return read_limited([data], "gzip", max_bytes)
