from __future__ import annotations

import pytest

from aidtrack.extract import extract


@pytest.mark.parametrize(
    ("text", "program"),
    [
        ("The Netherlands will pay €500 million under NATO's PURL mechanism.", "PURL"),
        ("Poland will contribute $100m to the Prioritized Ukraine Requirements List.", "PURL"),
        ("Britain will give £150m to the Prioritised Ukraine Requirements List.", "PURL"),
        ("Belgium will pay €100m to buy American weapons for Ukraine through NATO.", "PURL"),
        ("Spain pledged €1 billion in military aid for Ukraine this year.", "bilateral"),
        (
            "Canada will give CA$5 billion from frozen Russian assets through the ERA loans mechanism.",
            "other",
        ),
        ("Sweden announced SEK 1 billion for urgent energy equipment for Ukraine.", "other"),
        (
            "The Netherlands also pledged €90 million for Ukrainian drone production, separate from PURL.",
            "bilateral",
        ),
    ],
)
def test_program(text: str, program: str) -> None:
    [p] = extract(text).pledges
    assert p.program == program


def test_each_amount_takes_the_programme_named_after_it() -> None:
    text = "Canada is contributing CAD 200 million to PURL and CAD 35 million to NATO's CAP trust fund."
    assert [(p.amount, p.program) for p in extract(text).pledges] == [(200e6, "PURL"), (35e6, "other")]


def test_amount_with_its_own_purpose_is_bilateral() -> None:
    text = "Denmark's new package contains DKK 372 million for PURL, DKK 100 million for the Danish model."
    assert [p.program for p in extract(text).pledges] == ["PURL", "bilateral"]


def test_programme_reference_inherits_purl_from_the_article() -> None:
    text = "Allies are funding PURL. Norway will give NOK 2 billion to the initiative, its minister said."
    [p] = extract(text).pledges
    assert p.program == "PURL"
