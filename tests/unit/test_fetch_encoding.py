"""Charset detection: header, then meta/XML declaration, then BOM, then detection; never raises."""

from __future__ import annotations

import codecs

import pytest

from aidtrack.fetch.encoding import decode_body, looks_binary, normalize_encoding


def test_header_charset_used():
    text, enc = decode_body("Київ".encode("cp1251"), "text/html; charset=windows-1251")
    assert text == "Київ" and enc == "cp1251"


def test_meta_charset_used_without_header():
    body = '<html><head><meta charset="iso-8859-2"></head><body>Łódź</body></html>'.encode("iso-8859-2")
    text, enc = decode_body(body, "text/html")
    assert "Łódź" in text and enc == "iso8859-2"


def test_http_equiv_charset():
    body = ('<meta http-equiv="Content-Type" content="text/html; charset=koi8-r"><p>Украина</p>').encode(
        "koi8-r"
    )
    assert "Украина" in decode_body(body, None)[0]


def test_xml_declaration():
    body = '<?xml version="1.0" encoding="windows-1252"?><rss><title>café</title></rss>'.encode("cp1252")
    assert "café" in decode_body(body, "application/rss+xml")[0]


def test_header_wins_over_meta():
    body = '<meta charset="utf-8"><p>Köln</p>'.encode("cp1252")
    text, enc = decode_body(body, "text/html; charset=windows-1252")
    assert "Köln" in text and enc == "cp1252"


def test_wrong_latin1_header_on_utf8_body():
    body = "Pledge of €500m – Zelensky".encode()
    text, enc = decode_body(body, "text/html; charset=ISO-8859-1")
    assert text == "Pledge of €500m – Zelensky" and enc == "utf-8"


def test_wrong_utf8_header_on_cp1252_body_falls_through():
    body = "Grüße aus Köln, Straße".encode("cp1252")
    text, _ = decode_body(body, "text/html; charset=utf-8")
    assert text == "Grüße aus Köln, Straße"


@pytest.mark.parametrize(
    ("bom", "codec"),
    [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")],
)
def test_bom(bom, codec):
    text, enc = decode_body(bom + "<p>Україна</p>".encode(codec), None)
    assert text == "<p>Україна</p>" and enc == codec


def test_unknown_charset_label_ignored():
    text, _ = decode_body("naïve".encode(), "text/html; charset=x-no-such-charset")
    assert text == "naïve"


def test_detection_without_any_declaration():
    body = ("Міністерство оборони України повідомило про новий пакет допомоги. " * 5).encode("cp1251")
    text, enc = decode_body(body, None)
    assert "Міністерство оборони" in text and enc == "cp1251"


@pytest.mark.parametrize(
    "body", [b"\xff\xfe\x00", b"\x80\x81\x82\x83\xfe\xff" * 50, b"\x00" * 10, b"", bytes(range(256))]
)
def test_never_raises_on_garbage(body):
    text, enc = decode_body(body, "text/html; charset=utf-8")
    assert isinstance(text, str) and enc


def test_normalize_and_binary_sniffing():
    assert normalize_encoding("UTF8") == "utf-8" and normalize_encoding("latin1") == "cp1252"
    assert normalize_encoding("bogus") is None and normalize_encoding(None) is None
    assert looks_binary(b"%PDF-1.4", None) and looks_binary(b"\x1f\x8b\x08", "text/xml")
    assert looks_binary(b"", "image/png") and not looks_binary(b"<html>", "text/html")
