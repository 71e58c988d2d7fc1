from __future__ import annotations

import datetime

import pytest

from aidtrack.extract import REVIEW_THRESHOLD, extract


def _kinds(text: str, **kw) -> list[str]:
    return [s.kind for s in extract(text, **kw).statements]


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("The Netherlands will pay €500 million for a PURL package.", ["pledge"]),
        ("Germany previously contributed $500 million to the scheme.", ["recap"]),
        ("Germany will give another €150m to PURL, having previously contributed $500m.", ["pledge", "recap"]),
        ("Allies have so far committed more than $4 billion to PURL, Rutte said.", ["aggregate"]),
        ("Canada's new $200 million contribution brings its total PURL funding to $890 million.",
         ["pledge", "aggregate"]),
        ("Rutte said allies must put at least $1 billion a month into PURL in 2026.", ["target"]),
        ("Ukraine has asked for $15.5 billion of PURL funding in 2026.", ["target"]),
        ("Sweden's share of the Nordic package is $275 million.", ["share"]),
        ("Subscribe for $1 a month to read unlimited articles.", []),
        ("Russia's 2026 budget puts 12.93 trillion roubles into defence, roughly $166.8 billion.", []),
        ("A single Patriot interceptor costs about $4 million.", []),
        ("Germany plans to buy Patriot systems worth €5.1 billion for its own armed forces.", []),
        ("Each PURL package is worth about $500m, NATO officials say.", []),
        ("France and Italy said they would not take part in PURL.", []),
    ],
)  # fmt: skip
def test_kinds(text: str, kinds: list[str]) -> None:
    assert _kinds(text) == kinds


def test_target_period() -> None:
    [t] = extract("Rutte said allies must put at least $1 billion a month into PURL.").targets
    assert t.period == "month"
    [t] = extract("NATO set a baseline of at least €40 billion of military support a year.").targets
    assert t.period == "year"


def test_within_a_month_is_not_a_target() -> None:
    assert _kinds("Spain said it would approve €100m for the PURL initiative within a month.") == ["pledge"]


def test_joint_package_is_one_pledge_with_its_shares() -> None:
    text = (
        "Denmark, Norway and Sweden will together finance a $500 million package of US weapons for Ukraine. "
        "Sweden will contribute $275 million of the total, Denmark about $90 million and Norway NOK 1.5 billion."
    )
    result = extract(text)
    [p] = result.pledges
    assert p.donors == ("DNK", "NOR", "SWE") and p.amount == 500e6
    assert [s.donors for s in result.shares] == [("SWE",), ("DNK",), ("NOR",)]


def test_umbrella_package_with_programme_parts_is_an_aggregate() -> None:
    text = ("Australia's AUD 95 million package includes AUD 50 million for PURL, AUD 2 million for the drone "
            "coalition and AUD 43 million of radars and munitions.")  # fmt: skip
    result = extract(text)
    assert [a.amount for a in result.aggregates] == [95e6]
    assert [(p.amount, p.program) for p in result.pledges] == [
        (50e6, "PURL"),
        (2e6, "other"),
        (43e6, "bilateral"),
    ]


def test_past_month_is_a_recap_when_publication_date_is_known() -> None:
    text = "In August, Denmark, Norway and Sweden financed the second package with $500m."
    assert _kinds(text, published=datetime.date(2025, 12, 3)) == ["recap"]


def test_weekday_gives_the_stated_date() -> None:
    [p] = extract("Sweden will give $100m to PURL, the government said on Friday.",
                  published=datetime.date(2026, 2, 14)).pledges  # fmt: skip
    assert p.stated_date == datetime.date(2026, 2, 13)


def test_hedged_pledge_goes_to_review() -> None:
    [p] = extract("Italy could contribute €100 million to PURL, officials said.").pledges
    assert p.confidence < REVIEW_THRESHOLD


def test_confident_pledge_passes_review() -> None:
    [p] = extract("Portugal will give €50m to PURL, Defence Minister Nuno Melo said.").pledges
    assert p.confidence >= REVIEW_THRESHOLD


def test_same_pledge_twice_in_an_article_is_kept_once() -> None:
    text = "Portugal will give €50m to PURL. Defence Minister Nuno Melo said Portugal will give €50m to PURL."
    assert len(extract(text).pledges) == 1
