"""Bytes → str for fetched bodies, never raising on broken bytes.

Order of evidence: the HTTP ``charset``, then ``<meta charset>`` / ``http-equiv`` (or the XML
declaration), then a byte-order mark, then charset-normalizer's guess. A declared charset is only
believed if the body decodes cleanly with it; a declared single-byte Latin charset on a body that is
valid multi-byte UTF-8 is a common server misconfiguration, so UTF-8 wins there. A BOM that
contradicts a declaration wins too (it cannot be there by accident).
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16-LE: it shares the first two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:\-]+)["']""", re.I)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)
# Encodings that accept any byte sequence, so a clean decode proves nothing.
_PERMISSIVE = {"latin-1", "iso8859-1", "cp1252", "ascii", "iso8859-15", "cp1250", "cp1251"}
# What browsers actually do with these labels (WHATWG Encoding Standard).
_WHATWG_ALIASES = {"iso-8859-1": "cp1252", "latin1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252"}

_BINARY_TYPES = ("image/", "audio/", "video/", "font/")
_BINARY_EXACT = {
    "application/pdf",
    "application/zip",
    "application/gzip",
    "application/x-gzip",
    "application/octet-stream",
    "application/x-tar",
}
_BINARY_MAGIC = (b"\x1f\x8b", b"%PDF", b"PK\x03\x04", b"\x89PNG", b"\xff\xd8\xff", b"GIF8")


def normalize_encoding(label: str | None) -> str | None:
    """A charset label → Python codec name, or None if unknown (``'UTF8'`` → ``'utf-8'``)."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = _WHATWG_ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def charset_from_content_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    m = _HEADER_CHARSET.search(content_type)
    return m.group(1) if m else None


def declared_in_document(body: bytes) -> str | None:
    """The charset a document declares in its first 4 KB (HTML meta or XML declaration)."""
    head = body[:4096]
    m = _XML_DECL.search(head) or _META_CHARSET.search(head)
    return m.group(1).decode("ascii", "ignore") if m else None


def bom_encoding(body: bytes) -> str | None:
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name
    return None


def looks_binary(body: bytes, content_type: str | None) -> bool:
    """True for bodies that are not text at all (PDF, images, a gzip'd sitemap)."""
    media = (content_type or "").split(";")[0].strip().lower()
    if media.startswith(_BINARY_TYPES) or media in _BINARY_EXACT:
        return True
    return body.startswith(_BINARY_MAGIC)


def _decodes(body: bytes, encoding: str) -> bool:
    try:
        body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _is_multibyte_utf8(body: bytes) -> bool:
    return not body.isascii() and _decodes(body, "utf-8")


def _strip_bom(text: str) -> str:
    return text[1:] if text.startswith("\ufeff") else text


def decode_body(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode ``body`` to text; returns ``(text, encoding_used)``. Never raises."""
    if not body:
        return "", normalize_encoding(charset_from_content_type(content_type)) or "utf-8"
    bom = bom_encoding(body)
    if bom:
        return _strip_bom(body.decode(bom, errors="replace")), bom
    for label in (charset_from_content_type(content_type), declared_in_document(body)):
        enc = normalize_encoding(label)
        if enc is None:
            continue
        if enc in _PERMISSIVE and _is_multibyte_utf8(body):
            return body.decode("utf-8"), "utf-8"
        if enc.startswith("utf-16") or enc.startswith("utf-32"):
            # Declared in an ASCII-readable document, so it cannot really be UTF-16/32.
            continue
        if _decodes(body, enc):
            return body.decode(enc), enc
    if body.isascii():
        return body.decode("ascii"), "ascii"
    if _decodes(body, "utf-8"):
        return body.decode("utf-8"), "utf-8"
    guess = None
    try:
        best = charset_normalizer.from_bytes(body[:200_000]).best()
        guess = normalize_encoding(best.encoding) if best is not None else None
    except Exception:  # a detector bug must not lose the page
        guess = None
    enc = guess or "cp1252"
    return body.decode(enc, errors="replace"), enc
