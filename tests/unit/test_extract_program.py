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


@pytest.mark.parametrize(
    ("text", "language", "programs"),
    [
        # Turkish puts each amount's purpose before it: "for PURL 372m, for the Danish model 100m".
        ("Danimarka, PURL için 372 milyon kron, Danimarka modeli için 100 milyon kron ayırdı.", "tr",
         ["PURL", "bilateral"]),
        ("Belçika, insani yardım için 20 milyon avro, PURL'e ise 50 milyon avro sağlayacak.", "tr",
         ["other", "PURL"]),
        # The same words after the amounts still go to the amount before them.
        ("Kanada, 200 milyon Kanada dolarını PURL'e ve 35 milyon Kanada dolarını güven fonuna verecek.", "tr",
         ["PURL", "other"]),
        ("Hollandia a PURL keretében 250 millió eurót, a drónkoalíció számára pedig 90 millió eurót ad.", "hu",
         ["PURL", "other"]),
    ],
)  # fmt: skip
def test_a_purpose_joined_by_a_postposition_before_the_amount_is_its_own(
    text: str, language: str, programs: list[str]
) -> None:
    assert [p.program for p in extract(text, language=language).pledges] == programs


def test_programme_reference_inherits_purl_from_the_article() -> None:
    text = "Allies are funding PURL. Norway will give NOK 2 billion to the initiative, its minister said."
    [p] = extract(text).pledges
    assert p.program == "PURL"


def test_an_article_about_purl_gives_its_programme_to_pledges_that_name_none() -> None:
    # The headline names the scheme; the body gives the shares without naming it again.
    title = "Nordic trio to pay for a $500m package of US weapons for Ukraine"
    text = (
        "Sweden is contributing $275 million. Norway is giving some 1.5 billion crowns, about $146 million."
    )
    pledges = extract(text, title=title).pledges
    assert [(p.donors, p.program) for p in pledges] == [(("SWE",), "PURL"), (("NOR",), "PURL")]
    assert all("programme inferred from the rest of the article" in p.notes for p in pledges)
    # Without that headline nothing says PURL: the default stays.
    assert {p.program for p in extract(text).pledges} == {"bilateral"}


def test_an_address_slug_is_a_headline_even_with_an_amp_segment_and_mixed_tokens() -> None:
    url = "https://news.example.org/world/nordics-fund-us1b-purchase-of-us-weapons-for-ukraine/amp"
    text = "Denmark is contributing about $90 million, the ministry said."
    [p] = extract(text, url=url).pledges
    assert p.program == "PURL"


def test_purl_named_once_in_passing_is_not_the_articles_topic() -> None:
    text = (
        "Belgium announced a new €1 billion military aid package for Ukraine on Friday. "
        "The package covers F-16 support and demining equipment. "
        "Belgium has separately paid €100 million to PURL this year."
    )
    [new, *_] = extract(text).pledges
    assert (new.amount, new.program) == (1e9, "bilateral")


def test_purl_set_aside_gives_no_topic() -> None:
    title = "The Netherlands funds drone production, separate from PURL"
    text = "The Netherlands will give €90 million for drones made in Ukraine."
    [p] = extract(text, title=title).pledges
    assert p.program == "bilateral"


def test_a_nato_and_us_led_initiative_is_purl() -> None:
    text = "New Zealand will contribute NZ$15 million to a NATO and United States-led initiative for Ukraine."
    [p] = extract(text).pledges
    assert p.program == "PURL"


def test_money_for_ukraines_own_production_is_bilateral_even_in_an_article_about_purl() -> None:
    title = "Lithuania and Estonia add money to PURL"
    text = (
        "Lithuania will contribute $30 million to PURL, its defence minister said. "
        "The Netherlands separately promised €90 million for drones made in Ukraine."
    )
    programs = {p.donors: p.program for p in extract(text, title=title).pledges}
    assert programs == {("LTU",): "PURL", ("NLD",): "bilateral"}


def test_a_package_whose_purl_part_is_named_is_not_all_purl() -> None:
    title = "Australia joins NATO scheme for US weapons"
    text = (
        "Canberra announced a new AUD 95 million package of military aid for Ukraine on Thursday. "
        "It includes AUD 50 million for PURL and AUD 43 million of Defence Force equipment."
    )
    [whole] = [p for p in extract(text, title=title).pledges if p.amount == 95e6]
    assert whole.program == "bilateral"
    assert "a package with a PURL part: not all of it PURL" in whole.notes


def test_the_eus_money_for_ukraines_own_industry_is_an_eu_instrument_not_bilateral() -> None:
    [p] = extract("The European Union will provide €5 billion for Ukraine's defence industry.").pledges
    assert (p.donors, p.program) == (("EUU",), "other")
