from __future__ import annotations

import datetime

import pytest

from aidtrack.extract import extract, load_lexicon
from aidtrack.extract.donors import find_donors, group_donors


@pytest.fixture(scope="module")
def lex():
    return load_lexicon("en")


def _givers(text: str, lex) -> list[tuple[str, ...]]:
    return [g.codes for g in group_donors(text, find_donors(text, lex), lex)]


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("The Netherlands will pay", ("NLD",)),
        ("The Dutch government will pay", ("NLD",)),
        ("Berlin said it would pay", ("DEU",)),
        ("Ottawa will also spend", ("CAN",)),
        ("The Hague will fund", ("NLD",)),
        ("the Norwegian defence minister said", ("NOR",)),
        ("Canada's foreign minister Anita Anand said", ("CAN",)),
        ("Brekelmans said", ("NLD",)),
        ("Britain will contribute", ("GBR",)),
        ("the UK pledged", ("GBR",)),
        ("The European Commission will pay out", ("EUU",)),
        ("The United States announced", ("USA",)),
    ],
)
def test_single_donor(lex, text: str, codes: tuple[str, ...]) -> None:
    assert _givers(text, lex)[-1] == codes


def test_coordinated_countries_form_one_group(lex) -> None:
    assert _givers("Denmark, Norway and Sweden will jointly finance", lex) == [("DNK", "NOR", "SWE")]


def test_group_name_maps_to_members(lex) -> None:
    assert _givers("The NB8 countries announced", lex) == [
        ("DNK", "EST", "FIN", "ISL", "LTU", "LVA", "NOR", "SWE")
    ]


def test_spelled_out_members_beat_the_group_name(lex) -> None:
    assert _givers("Three Nordic countries, Denmark, Norway and Sweden, are paying", lex) == [
        ("DNK", "NOR", "SWE")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "a package of US weapons",
        "American air defence equipment",
        "US-made arms",
        "the Czech-led ammunition initiative",
        "the Danish model",
        "a meeting in Berlin",
        "co-financing two systems with Germany",
        "the sale of missiles to Germany",
        "Ukraine and Russia",
        "Ukrainian Foreign Minister Andrii Sybiha",
    ],
)
def test_not_a_giver(lex, text: str) -> None:
    assert _givers(text, lex) == []


def test_partner_list_after_joining_is_not_a_giver(lex) -> None:
    assert _givers("Germany is joining the Netherlands and the Nordic countries by funding", lex) == [
        ("DEU",)
    ]


def test_recipient_is_never_a_donor() -> None:
    [p] = extract(
        "Ukrainian Foreign Minister Andrii Sybiha said Estonia would pay €10 million into PURL."
    ).pledges
    assert p.donors == ("EST",)


def test_each_amount_gets_its_own_donor() -> None:
    pledges = extract("Lithuania pledged $30 million and Estonia $12 million to PURL on Wednesday.").pledges
    assert [(p.donors, p.amount) for p in pledges] == [(("LTU",), 30e6), (("EST",), 12e6)]


def test_respectively_pairs_in_order() -> None:
    text = "Australia and New Zealand will fund PURL with A$50m and NZ$15m respectively."
    assert [(p.donors, p.currency) for p in extract(text).pledges] == [(("AUS",), "AUD"), (("NZL",), "NZD")]


def test_pronoun_subject_takes_the_previous_sentence_donor() -> None:
    text = "Norway is stepping up its support for Ukraine. The government will give NOK 2 billion to PURL."
    [p] = extract(text).pledges
    assert p.donors == ("NOR",)
    assert any("earlier in the text" in n for n in p.notes)


def test_an_amount_in_brackets_belongs_to_the_country_before_it() -> None:
    text = "Allies made new PURL pledges this week, including Canada (€171 million) and the Netherlands (€214 million)."
    pledges = extract(text).pledges
    assert [(p.donors, p.amount) for p in pledges] == [(("CAN",), 171e6), (("NLD",), 214e6)]


def test_a_colon_ends_the_list_of_the_recipient() -> None:
    # "aid to Ukraine: the Netherlands ..." - the recipient's list does not run on through the colon.
    text = "The US and NATO set up a new way to arm Ukraine: the Netherlands will pay €500 million for it."
    [p] = extract(text).pledges
    assert p.donors == ("NLD",)


def test_a_source_named_after_the_amount_gives_it() -> None:
    text = "The new PURL money includes €250 million from the Netherlands and €100 million from Belgium."
    pledges = extract(text).pledges
    assert [(p.donors, p.amount) for p in pledges] == [(("NLD",), 250e6), (("BEL",), 100e6)]


def test_the_seller_alone_in_an_article_about_purl_goes_to_review() -> None:
    text = (
        "Allies keep paying for PURL packages. "
        "Ukraine will receive weapons worth $5 billion from the United States by the end of the year."
    )
    [p] = extract(text).pledges
    assert p.donors == ("USA",) and p.confidence < 0.6
    assert any("seller" in n for n in p.notes)


def test_the_government_of_a_national_currency_is_its_country() -> None:
    [p] = extract("The government will add 7.5 billion Danish kroner to its Ukraine fund this year.").pledges
    assert p.donors == ("DNK",) and any("national currency" in n for n in p.notes)
    # The recipient's own currency names no donor.
    assert not extract("The government will set aside 40 billion hryvnias for drones next year.").pledges


def test_this_includes_breaks_down_the_amount_of_the_sentence_before() -> None:
    total = "Australia's military support for Ukraine now totals A$95 million, the ambassador said."
    parts = " This includes A$50 million for the PURL mechanism and A$45 million for drones."
    pledges = extract(total + parts).pledges
    assert [(p.donors, p.amount, p.program) for p in pledges] == [
        (("AUS",), 50e6, "PURL"),
        (("AUS",), 45e6, "bilateral"),
    ]
    # Parts of a pledge in different programmes are the pledges, the whole their sum: each dollar counts
    # once, and the PURL money in the PURL totals.
    pledged = extract("Australia will give Ukraine A$95 million in military aid." + parts)
    assert [(p.amount, p.program) for p in pledged.pledges] == [(50e6, "PURL"), (45e6, "bilateral")]
    assert [s.amount for s in pledged.aggregates] == [95e6]


def test_a_case_ending_joined_to_an_abbreviation_is_not_the_giver() -> None:
    # Hungarian "EU-ban" is "in the EU": a place, not the EU giving.
    hu = load_lexicon("hu")
    eu = find_donors("Az EU-ban befagyasztott vagyon hozama 3 milliárd eurót hoz.", hu)[0]
    assert eu.codes == ("EUU",) and not eu.giver
    eu = find_donors("Az EU 3 milliárd eurót ad Ukrajnának.", hu)[0]
    assert eu.codes == ("EUU",) and eu.giver


def test_an_aggressor_named_in_a_relative_clause_does_not_stop_the_pledge() -> None:
    text = "Japan, which condemned Russia for its war, announced a new grant of $470 million to Ukraine."
    [p] = extract(text).pledges
    assert (p.donors, p.amount) == (("JPN",), 470e6)
    assert not extract("Russia's budget puts $120 billion into its war on Ukraine.").pledges


def test_a_sentence_with_no_subject_takes_the_giver_of_the_headline_or_the_text_before() -> None:
    from aidtrack.extract import extract

    item = "Approximately $300 million for the purchase of a PURL package of US air defence equipment."
    assert not extract(item).pledges  # nobody named: nothing to count
    [p] = extract(item, title="Australia reinforces its support for Ukraine").pledges
    assert (p.donors, p.currency) == (("AUS",), "AUD")
    # The address's slug stands in for a missing title.
    url = "https://example.com/2025/08/25/australia-reinforces-its-support-for-ukraine/"
    assert [q.donors for q in extract(item, url=url).pledges] == [("AUS",)]
    # "A further €40m will be provided ...": the giver of the sentence before.
    text = "Portugal will give Ukraine €60 million for drones. A further €40 million will be provided under PURL."
    assert sorted((q.donors, q.amount) for q in extract(text).pledges) == [(("PRT",), 40e6), (("PRT",), 60e6)]


def test_amounts_opening_list_items_under_a_sum_are_its_parts() -> None:
    from aidtrack.extract import extract

    text = (
        "The government announced total support for Ukraine of NOK 85 billion, Norway said. Of this:\n\n"
        "- NOK 70 billion is set aside for military aid to Ukraine.\n\n- NOK 15 billion is earmarked for civilian"
        " aid to Ukraine."
    )
    result = extract(text)
    assert not result.pledges
    assert sorted(s.amount for s in result.statements if s.kind == "share") == [15e9, 70e9]


def test_a_shouted_lead_in_names_its_country_wherever_donors_are_read() -> None:
    from aidtrack.extract import extract

    # The headline in capitals names the giver of the subjectless sentence under it.
    item = "Approximately €20 million for winter equipment for Ukraine's army."
    [p] = extract(item, title="IRELAND WILL SEND MORE AID").pledges
    assert p.donors == ("IRL",)


def test_a_counted_collective_stands_for_the_givers_named_before_it() -> None:
    text = (
        "Britain, Sweden and Norway are paying for a new PURL package for Ukraine. "
        "The Netherlands is putting in about €90 million of money it had set aside. "
        "Together the four countries are raising 420 million euros."
    )
    joint = [p for p in extract(text).pledges if len(p.donors) > 1]
    assert [(p.donors, p.amount) for p in joint] == [(("GBR", "NLD", "NOR", "SWE"), 420e6)]
    # A count that does not match the givers named is no one's.
    three = "Britain and Norway are paying for a new package. Together the three countries are raising €420 million."
    assert not [p for p in extract(three).pledges if p.amount == 420e6]


def test_a_lead_that_counts_the_givers_named_further_down_is_their_joint_pledge() -> None:
    text = (
        "On 13 November, eight European countries announced $500 million for a new PURL package for Ukraine.\n"
        "NATO welcomed the decision.\n"
        "Denmark, Estonia, Finland, Iceland, Latvia, Lithuania, Norway and Sweden will finance the package together."
    )
    [p] = [p for p in extract(text, published=datetime.date(2025, 11, 13)).pledges if p.amount == 500e6]
    assert p.donors == ("DNK", "EST", "FIN", "ISL", "LTU", "LVA", "NOR", "SWE")


def test_the_british_titles_name_the_united_kingdom() -> None:
    text = "- Foreign Secretary announcing £13 million of funding to help repair Ukraine's energy grid"
    assert [p.donors for p in extract(text).pledges] == [("GBR",)]


def test_a_counted_group_takes_in_the_partners_named_with_the_giver() -> None:
    text = (
        "Poland, together with Germany and Norway, backed the PURL programme. "
        "In total the three countries will allocate $500 million, of which Poland's contribution is $100 million."
    )
    result = extract(text, published=datetime.date(2025, 12, 4))
    assert [(p.donors, p.amount) for p in result.pledges if p.confidence >= 0.6] == [
        (("DEU", "NOR", "POL"), 500e6)
    ]
    assert [(s.donors, s.amount) for s in result.shares] == [(("POL",), 100e6)]


def test_countries_in_an_aside_after_a_clause_break_do_not_give_what_the_subject_gives() -> None:
    text = (
        "Britain will send more drones to Ukraine. The government has announced a further £450m of military "
        "support to Kyiv, as the UK and Germany prepare to host a meeting of 50 nations in Brussels."
    )
    assert [p.donors for p in extract(text).pledges] == [("GBR",)]


def test_a_single_partner_before_a_comma_leaves_the_giver_after_it() -> None:
    # "Together with Sweden, Norway will ...": the name its verb follows is the subject, not a third partner.
    [p] = extract("Together with Sweden, Norway will give $100 million to PURL.").pledges
    assert p.donors == ("NOR",)
    # A list of partners still goes together: "co-financed with Germany, Norway and Poland".
    listed = find_donors("The package is co-financed with Germany, Norway and Poland.", load_lexicon("en"))
    assert not any(m.giver for m in listed)


@pytest.mark.parametrize("partners", ["Denmark and Norway", "the other Scandinavian countries"])
def test_partners_named_before_the_giver_share_the_package_it_funds(partners: str) -> None:
    text = f"Together with {partners}, Sweden will fund a $500 million package of US weapons under PURL."
    [p] = extract(text).pledges
    assert (p.donors, p.amount) == (("DNK", "NOR", "SWE"), 500e6)
    # Money put into the package is the giver's own part.
    [own] = extract(f"Together with {partners}, Sweden will contribute $275 million to the package.").pledges
    assert own.donors == ("SWE",)


def test_a_meeting_named_after_those_who_meet_is_not_the_giver() -> None:
    from aidtrack.extract import extract

    text = (
        "Poland's foreign minister said before a meeting of EU foreign ministers in Brussels that his ministry will"
        " transfer $100 million for US weapons for Ukraine."
    )
    [p] = extract(text).pledges
    assert p.donors == ("POL",)
    pl = "Minister Sikorski powiedział przed spotkaniem szefów dyplomacji UE, że Polska przekaże 100 mln dolarów dla Ukrainy."
    [p] = extract(pl, language="pl").pledges
    assert p.donors == ("POL",)


def test_the_lead_s_giver_gives_a_later_subjectless_amount_and_the_rest_of_its_list() -> None:
    from aidtrack.extract import extract

    text = (
        "New Zealand's support for Ukraine has been extended, the prime minister said.\n"
        "Two more NZDF trainers will be deployed to Poland. No NZDF staff will enter Ukraine.\n"
        "Meanwhile, $3 million will be provided to the Ukraine humanitarian fund along with $1 million to the UN"
        " refugee agency."
    )
    pledges = extract(text, url="https://news.example.co.nz/a").pledges
    assert sorted((p.donors, p.amount, p.currency) for p in pledges) == [
        (("NZL",), 1e6, "NZD"),
        (("NZL",), 3e6, "NZD"),
    ]


def test_a_hard_wrapped_line_opening_with_an_amount_goes_on_the_sentence() -> None:
    from aidtrack.extract import extract

    text = "The UK-run fund for Ukraine now stands at over\n£1.2 billion, of which the UK has contributed £400 million."
    assert not extract(text).pledges


@pytest.mark.parametrize(
    ("text", "language", "donor"),
    [
        ("Svenske myndigheter gir Ukraina militær støtte verdt 1 milliard kroner.", "nb", "SWE"),
        ("Danske myndigheder giver Ukraine 500 millioner kroner i militær støtte.", "da", "DNK"),
        ("Norsk stjórnvöld veita Úkraínu 2 milljarða króna í hernaðaraðstoð.", "is", "NOR"),
    ],
)
def test_a_lower_case_adjective_opening_a_sentence_names_its_country(
    text: str, language: str, donor: str
) -> None:
    from aidtrack.extract import extract

    [p] = extract(text, language=language).pledges
    assert p.donors == (donor,)


def test_the_publisher_s_krone_for_a_joint_package_it_is_part_of() -> None:
    from aidtrack.extract import extract

    text = (
        "Ísland hefur í samvinnu við hin Norðurlöndin og Eystrasaltsríkin heitið því að veita samanlagt 60 milljarða"
        " króna til vopnakaupa fyrir Úkraínu."
    )
    [p] = extract(text, language="is", url="https://frettir.example.is/a").pledges
    assert (len(p.donors), p.currency) == (8, "ISK")


def test_a_collective_giving_in_a_reported_clause_is_not_the_speaker_s_country() -> None:
    from aidtrack.extract import extract

    text = (
        "Britain's defence secretary said that at the Contact Group meeting on Friday, allied countries pledged €20"
        " billion in military aid to Ukraine."
    )
    assert not extract(text, published=datetime.date(2025, 4, 12)).pledges
    # the group's own noun and an apposition are not a collective acting
    [p] = extract("The NB8 countries announced a joint $500m package for Ukraine on Thursday.").pledges
    assert len(p.donors) == 8


def test_a_purchase_for_ukraine_is_aid_in_languages_that_list_purchases_as_commerce() -> None:
    from aidtrack.extract import extract

    text = "Latvija skirs 10 mln. eurų Čekijos iniciatyvai dėl artilerijos sviedinių pirkimo Ukrainai."
    [p] = extract(text, language="lt").pledges
    assert (p.donors, p.amount) == (("LVA",), 10e6)
    text = "Polska przeznaczy 100 mln euro na zakup amunicji dla Ukrainy."
    [p] = extract(text, language="pl").pledges
    assert p.donors == ("POL",)
