"""Curated pledges CSV: each bad row named by row and column; good rows still loaded."""

from __future__ import annotations

from datetime import date

import pytest

from aidtrack.sources import CuratedFileError, load_curated, read_curated

HEADER = "donors,amount,currency,announced_on,program,source_url,note\n"


def write(tmp_path, text):
    path = tmp_path / "curated.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_good_rows(tmp_path):
    path = write(
        tmp_path,
        HEADER
        + "NLD,500000000,EUR,2025-08-04,PURL,https://gov.nl/a,first package\n"
        + '"DNK; nor ;SWE","1,500,000",usd,2025-09-01,purl,https://x.example/b,\n'
        + "CAN,1.2bn,CAD,2025-10-01,bilateral,https://canada.ca/c,\n",
    )
    a, b, c = load_curated(path)
    assert a.donors == ("NLD",) and a.amount == 500_000_000 and a.currency == "EUR"
    assert a.announced_on == date(2025, 8, 4) and a.program == "PURL" and a.note == "first package"
    assert a.row == 2
    assert b.donors == ("DNK", "NOR", "SWE") and b.amount == 1_500_000 and b.currency == "USD"
    assert b.program == "PURL" and b.note is None and b.row == 3
    assert c.amount == 1.2e9 and c.program == "bilateral"


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ("Netherlands,5,EUR,2025-08-04,PURL,https://a.example/", "donors"),
        (",5,EUR,2025-08-04,PURL,https://a.example/", "donors"),
        ("NLD,lots,EUR,2025-08-04,PURL,https://a.example/", "amount"),
        ("NLD,-5,EUR,2025-08-04,PURL,https://a.example/", "amount"),
        ("NLD,5,euro,2025-08-04,PURL,https://a.example/", "currency"),
        ("NLD,5,EUR,04/08/2025,PURL,https://a.example/", "announced_on"),
        ("NLD,5,EUR,2025-02-30,PURL,https://a.example/", "announced_on"),
        ("NLD,5,EUR,2025-08-04,NATO,https://a.example/", "program"),
        ("NLD,5,EUR,2025-08-04,PURL,www.a.example", "source_url"),
    ],
)
def test_bad_row_names_row_and_column(tmp_path, row, column):
    path = write(tmp_path, HEADER + "NLD,1,EUR,2025-08-01,PURL,https://ok.example/,\n" + row + "\n")
    result = read_curated(path)
    assert len(result.pledges) == 1
    (error,) = result.errors
    assert error.row == 3 and error.column == column
    assert f"row 3, column '{column}'" in str(error)
    with pytest.raises(CuratedFileError, match=f"row 3, column '{column}'"):
        load_curated(path)


def test_several_errors_in_one_row(tmp_path):
    result = read_curated(write(tmp_path, HEADER + "XX,abc,EUR,yesterday,PURL,https://a.example/,\n"))
    assert {e.column for e in result.errors} == {"donors", "amount", "announced_on"}


def test_header_problems(tmp_path):
    with pytest.raises(CuratedFileError, match="missing column 'source_url'"):
        read_curated(write(tmp_path, "donors,amount,currency,announced_on,program\n"))
    with pytest.raises(CuratedFileError, match="unknown column 'amount_usd'"):
        read_curated(write(tmp_path, HEADER.strip() + ",amount_usd\n"))
    with pytest.raises(CuratedFileError, match="empty"):
        read_curated(write(tmp_path, ""))
    with pytest.raises(CuratedFileError, match="not found"):
        read_curated(tmp_path / "missing.csv")


def test_blank_lines_bom_and_multiline_notes(tmp_path):
    text = (
        "\ufeff" + HEADER + "\n" + 'NLD,5,EUR,2025-08-04,PURL,https://a.example/,"two\nlines"\n'
        "SWE,6,SEK,2025-08-05,other,https://b.example/,\n"
    )
    a, b = load_curated(write(tmp_path, text))
    assert a.note == "two\nlines" and a.row == 3 and b.row == 5


def test_too_many_cells(tmp_path):
    result = read_curated(write(tmp_path, HEADER + "NLD,5,EUR,2025-08-04,PURL,https://a.example/,n,extra\n"))
    assert result.errors[0].row == 2 and "cells" in result.errors[0].message
