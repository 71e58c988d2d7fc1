"""Distributive and joint donor lists, package containers, doubt and denial (rules from holdout2)."""

from __future__ import annotations

import pytest

from aidtrack.extract import REVIEW_THRESHOLD, extract


def _counted(text: str, **kw) -> list[tuple[tuple[str, ...], float, str, str]]:
    return [
        (s.donors, s.amount, s.currency, s.program)
        for s in extract(text, **kw).pledges
        if s.confidence >= REVIEW_THRESHOLD
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Germany and Norway will each finance a $500 million package of US weapons for Ukraine, officials said.",
        "Germany and Norway are each paying for a $500m tranche of American weapons for Kyiv.",
        "Germany and Norway will contribute $500 million apiece to PURL.",
        "Germany, Norway to fund two $500m packages of US arms for Ukraine",
    ],
)  # fmt: skip
def test_each_donor_of_a_distributive_list_gives_the_amount(text: str) -> None:
    assert _counted(text) == [(("DEU",), 500e6, "USD", "PURL"), (("NOR",), 500e6, "USD", "PURL")]


def test_each_of_a_named_group() -> None:
    donors = [p[0] for p in _counted("Each of the Baltic states will give €10 million to PURL.")]
    assert donors == [("EST",), ("LTU",), ("LVA",)]


def test_joint_list_stays_one_pledge() -> None:
    assert _counted("Denmark, Finland and Iceland will jointly fund a $500 million PURL package.") == [
        (("DNK", "FIN", "ISL"), 500e6, "USD", "PURL")
    ]


def test_unit_price_apiece_is_still_not_aid() -> None:
    assert (
        extract("The Patriot missile, which costs roughly $4 million apiece, is in high demand.").statements
        == ()
    )


def test_recap_of_each_financed_packages_is_not_a_pledge() -> None:
    result = extract("Germany, Canada and the Nordic countries had each financed a $500m package.")
    assert not result.pledges and result.recaps


def test_contribution_to_a_larger_package_is_not_a_pledge_of_the_package() -> None:
    text = (
        "Sweden is giving $100 million (more than €84 million) to a $500 million package it is funding "
        "with the Netherlands, Norway and the United Kingdom."
    )
    result = extract(text)
    assert [(p.donors, p.amount) for p in result.pledges] == [(("SWE",), 100e6)]
    [package] = result.aggregates
    assert package.amount == 500e6 and package.donors == ("GBR", "NLD", "NOR", "SWE")


def test_equipment_part_of_an_umbrella_package_is_bilateral() -> None:
    text = (
        "Australia announced a A$95 million package, including A$50 million for PURL, A$2 million for the "
        "drone coalition and A$43 million in radars and munitions."
    )
    assert _counted(text) == [
        (("AUS",), 50e6, "AUD", "PURL"),
        (("AUS",), 2e6, "AUD", "other"),
        (("AUS",), 43e6, "AUD", "bilateral"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "UK weighs joining PURL with up to £150m",
        "Spain is likely to approve about €100 million for the scheme within weeks, officials said.",
        "If talks go well, Belgium would be ready to put another €100 million into PURL, Francken said.",
        "Belgium and Luxembourg are each expected to contribute around €50 million to PURL.",
        "Portugal is understood to be preparing a €50m PURL contribution.",
        "Slovakia refuses to fund the PURL initiative, Fico said, calling the €40 million asked of Bratislava a waste.",
    ],
)  # fmt: skip
def test_doubtful_candidates_go_to_review(text: str) -> None:
    assert _counted(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Italy did not commit any money to PURL at the meeting, despite a $500 million request from Washington.",
        "France has no plans to put €500 million into the US weapons scheme, the Elysee said.",
        "Czech officials denied reports that Prague had pledged $100 million to PURL.",
    ],
)  # fmt: skip
def test_denials_are_not_pledges(text: str) -> None:
    assert not extract(text).pledges


def test_negation_after_the_pledge_does_not_demote_it() -> None:
    assert _counted("The Netherlands will pay €250m for PURL, though it did not say when.") == [
        (("NLD",), 250e6, "EUR", "PURL")
    ]


def test_conversion_between_dashes_is_folded() -> None:
    [p] = extract("The Netherlands pledged €250 million — about $290 million — for PURL.").pledges
    assert (p.amount, p.currency) == (250e6, "EUR")
    assert any("290,000,000" in note for note in p.notes)


def test_pronoun_in_reported_speech_takes_the_earlier_donor() -> None:
    text = (
        "The Greek government had come under US pressure to join. "
        "Officials said it would allocate €20 million from the budget reserve to PURL."
    )
    assert _counted(text) == [(("GRC",), 20e6, "EUR", "PURL")]


def test_give_us_is_a_demand_but_us_dollars_are_not() -> None:
    assert [
        s.kind for s in extract('"Give us $2 billion more for air defence," Zelensky told allies.').statements
    ] == ["target"]
    assert _counted("Canada will give US$500 million to PURL.") == [(("CAN",), 500e6, "USD", "PURL")]
