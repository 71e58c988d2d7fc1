from __future__ import annotations

import pytest

from aidtrack.extract import extract, load_lexicon
from aidtrack.extract.money import find_money, parse_number


@pytest.fixture(scope="module")
def lex():
    return load_lexicon("en")


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("€500 million", 500e6, "EUR"),
        ("500 million euros", 500e6, "EUR"),
        ("$1.5bn", 1.5e9, "$"),
        ("US$275m", 275e6, "USD"),
        ("C$680 million", 680e6, "CAD"),
        ("CA$680m", 680e6, "CAD"),
        ("CAD 200 million", 200e6, "CAD"),
        ("NOK 1.5 billion", 1.5e9, "NOK"),
        ("1.5 billion Norwegian kroner", 1.5e9, "NOK"),
        ("£150m", 150e6, "GBP"),
        ("half a billion dollars", 500e6, "$"),
        ("nearly $3 billion", 3e9, "$"),
        ("up to $500 million", 500e6, "$"),
        ("1,500 million euros", 1500e6, "EUR"),
        ("300 billion won", 300e9, "KRW"),
        ("2 billion South Korean won", 2e9, "KRW"),
        ("one billion dollars", 1e9, "$"),
        ("€ 300 million", 300e6, "EUR"),
        ("143.4 million US dollars", 143.4e6, "USD"),
        ("€143,4 million", 143.4e6, "EUR"),
        ("0.7 billion euros", 0.7e9, "EUR"),
        ("AUD 50m", 50e6, "AUD"),
        ("A$50m", 50e6, "AUD"),
        ("NZ$15m", 15e6, "NZD"),
        ("SEK 1.2bn", 1.2e9, "SEK"),
        ("DKK 372 million", 372e6, "DKK"),
        ("ISK 2.1 billion", 2.1e9, "ISK"),
        ("PLN 400 million", 400e6, "PLN"),
        ("CZK 1 billion", 1e9, "CZK"),
        ("CHF 5 million", 5e6, "CHF"),
        ("JPY 15 billion", 15e9, "JPY"),
        ("¥15 billion", 15e9, "JPY"),
        ("$500.000", 500_000, "$"),
        ("2 billion Swiss francs", 2e9, "CHF"),
        ("one and a half billion euros", 1.5e9, "EUR"),
    ],
)
def test_amount_and_currency(lex, text: str, amount: float, currency: str) -> None:
    [money] = find_money(text, lex)
    assert money.amount == pytest.approx(amount)
    assert money.currency == currency


def test_range_keeps_both_ends(lex) -> None:
    [money] = find_money("allies should give $12 to $15 billion", lex)
    assert (money.amount_low, money.amount) == (12e9, 15e9)
    [money] = find_money("between €12bn and €15bn", lex)
    assert (money.amount_low, money.amount) == (12e9, 15e9)


def test_two_amounts_joined_by_and_are_not_a_range(lex) -> None:
    assert len(find_money("$275m and $60m", lex)) == 2


def test_a_range_closed_by_a_postposition_is_one_amount() -> None:
    """Hungarian and Turkish say "between" after the two ends ("20 és 40 milliárd euró között"); without it
    "és" (and) joins two amounts."""
    hu = load_lexicon("hu")
    [money] = find_money("20 és 40 milliárd euró közötti összeg", hu)
    assert (money.amount_low, money.amount, money.currency) == (20e9, 40e9, "EUR")
    assert len(find_money("20 millió eurót és 40 millió eurót", hu)) == 2
    [money] = find_money("10 ile 12 milyar dolar arasında", load_lexicon("tr"))
    assert (money.amount_low, money.amount) == (10e9, 12e9)


def test_conversion_in_parentheses_is_folded(lex) -> None:
    [money] = find_money("the Netherlands pays €500m ($578m) for it", lex)
    assert money.currency == "EUR"
    assert money.converted_to == (578e6, "$")


def test_conversion_after_comma_is_folded(lex) -> None:
    [money] = find_money("Canada gives CA$680m, equivalent to US$500m, to PURL", lex)
    assert money.converted_to == (500e6, "USD")
    [money] = find_money("NOK 1.5 billion, or roughly $146m.", lex)
    assert money.amount == 1.5e9


def test_same_currency_in_parentheses_is_not_a_conversion(lex) -> None:
    assert len(find_money("a C$2bn package (C$680m for PURL)", lex)) == 2


def test_a_day_before_an_amount_with_its_own_sign_is_no_amount(lex) -> None:
    # "1.5 and 3 million dollars" share a scale and a currency; "June 28 and $2.2 billion" do not
    found = find_money("The US pledged $150 million on June 28 and $2.2 billion in longer-term funds.", lex)
    assert [(m.amount, m.currency) for m in found] == [(150e6, "$"), (2.2e9, "$")]


def test_same_currency_alone_in_parentheses_restates_the_amount(lex) -> None:
    # "over £400m (£430m)": a bracket with nothing but one amount in the same currency is no second sum
    [money] = find_money("a commitment of over £400 million (£430 million) for air defence", lex)
    assert (money.amount, money.currency) == (400e6, "GBP")


def test_numbers_without_currency_are_ignored(lex) -> None:
    assert find_money("155mm shells, 24 countries, F-16 jets in 2026", lex) == []


@pytest.mark.parametrize(
    ("text", "scale", "value"),
    [("1,500", False, 1500), ("143,4", True, 143.4), ("1.5", True, 1.5), ("500.000", False, 500000),
     ("1.500", True, 1.5), ("1,234.5", False, 1234.5), ("1.234,5", False, 1234.5)],
)  # fmt: skip
def test_parse_number(text: str, scale: bool, value: float) -> None:
    assert parse_number(text, scale) == pytest.approx(value)


def test_bare_dollar_is_usd_with_a_note() -> None:
    [p] = extract("Lithuania will allocate $30 million to PURL.").pledges
    assert (p.currency, p.currency_assumed) == ("USD", True)
    assert any("USD" in note for note in p.notes)


def test_bare_dollar_follows_source_country_and_url() -> None:
    text = "Canada will contribute $200 million to a new PURL package."
    assert extract(text, source_country="CAN").pledges[0].currency == "CAD"
    assert extract(text, url="https://www.pm.gc.ca/en/news/2025/x").pledges[0].currency == "CAD"
    assert extract(text, url="https://www.beehive.govt.nz/x").pledges[0].currency == "NZD"


def test_bare_dollar_of_a_dollar_country_donor_is_its_own_dollar() -> None:
    # No publisher country: the figure is the donor government's own (LABELLING.md), in its dollars.
    assert extract("Canada will contribute $200 million to a new PURL package.").pledges[0].currency == "CAD"
    [p] = extract("Ottawa announced it would contribute 200 million dollars to a PURL package.").pledges
    assert (p.currency, p.currency_assumed) == ("CAD", True)
    assert extract("New Zealand will give $15 million to PURL.").pledges[0].currency == "NZD"
    assert extract("Germany will give $500 million to PURL.").pledges[0].currency == "USD"
    assert extract("Canada will give US$500 million to PURL.").pledges[0].currency == "USD"
    # A Ukrainian or Lithuanian site reporting the government's own figure: still its dollars.
    nz = "New Zealand is allocating $15 million to PURL, its foreign ministry said."
    assert extract(nz, url="https://www.ukrinform.ua/rubric/x").pledges[0].currency == "NZD"
    assert extract(nz, url="https://www.lrt.lt/en/news/x").pledges[0].currency == "NZD"


def test_a_country_adjective_names_its_currency() -> None:
    cases = {
        "Iceland will give 75 million Icelandic kroner to PURL.": ("ISL", "ISK"),
        "Norway will add five billion Norwegian kronor to PURL.": ("NOR", "NOK"),
        "Denmark will give 500 million Danish crowns to PURL.": ("DNK", "DKK"),
        "Canada will pay 200 million Canadian dollars for a PURL package.": ("CAN", "CAD"),
    }
    for text, (donor, currency) in cases.items():
        [p] = extract(text).pledges
        assert (p.donors, p.currency, p.currency_assumed) == ((donor,), currency, False), text


def test_amounts_in_a_bracket_after_an_amount_restate_it() -> None:
    [p] = extract("Iceland will send ISK 130 million [about $1 million; €929,000] to PURL.").pledges
    assert (p.amount, p.currency) == (130e6, "ISK")
    # The conversion's "US$" names no donor.
    [p] = extract("Norway will give NOK 2 billion (about US$198 million) to PURL.").pledges
    assert (p.donors, p.amount, p.currency) == (("NOR",), 2e9, "NOK")


def test_explicit_us_dollar_is_not_assumed_even_for_a_canadian_source() -> None:
    [p] = extract("Canada will give US$500 million to PURL.", source_country="CAN").pledges
    assert (p.currency, p.currency_assumed) == ("USD", False)


def test_kroner_follow_the_donor() -> None:
    [p] = extract("Norway will contribute 2 billion kroner to PURL.").pledges
    assert (p.currency, p.currency_assumed) == ("NOK", True)
    [p] = extract("Denmark will give 500 million kroner to PURL.").pledges
    assert p.currency == "DKK"


def test_an_added_amount_without_a_currency_takes_the_one_before_it() -> None:
    lex = load_lexicon("en")
    found = find_money("Norway gives €40m for drones and another 25m for demining.", lex)
    assert [(m.amount, m.currency) for m in found] == [(40e6, "EUR"), (25e6, "EUR")]
    found = find_money("New pledges came from Canada (€171m) and the Netherlands (214m).", lex)
    assert [(m.amount, m.currency) for m in found] == [(171e6, "EUR"), (214e6, "EUR")]
    # A count of things is not money: "1 million shells" after an amount stays out.
    found = find_money("Berlin pays €500m for 1 million shells.", lex)
    assert [(m.amount, m.currency) for m in found] == [(500e6, "EUR")]


@pytest.mark.parametrize(
    ("text", "amount"),
    [("Sverige skänker 300 mnkr.", 300e6), ("Sverige ger 2 mdkr.", 2e9), ("Paketet: 262 milj kr.", 262e6)],
)
def test_swedish_scale_run_into_its_currency(text: str, amount: float) -> None:
    [m] = find_money(text, load_lexicon("sv"))
    assert (m.amount, m.currency) == (amount, "kr")


def test_a_bracket_right_after_an_amount_restates_it_and_takes_no_currency_from_it() -> None:
    lex = load_lexicon("pt")
    found = find_money("Os Países Baixos doam 580 milhões de dólares (3,1 bilhões de reais) à Ucrânia.", lex)
    assert [(m.amount, m.currency) for m in found] == [(580e6, "$")]


def test_a_pledged_range_counts_at_its_lower_bound() -> None:
    [p] = extract("Spain will contribute €100-150 million to PURL, the defence ministry said.").pledges
    assert (p.amount, p.amount_low) == (100e6, 100e6)
    assert any("up to 150,000,000" in n for n in p.notes)


def test_a_dollar_of_the_united_states_is_usd_on_any_site() -> None:
    text = "The US government approved $15 billion of new weapons for Ukraine."
    [p] = extract(text, url="https://www.example.ca/news/1").pledges
    assert p.currency == "USD"
    [c] = extract("Canada will give CAN$200 million ($143 million) to Ukraine.").pledges
    assert (c.amount, c.currency) == (200e6, "CAD")


def test_an_editors_word_in_brackets_before_the_currency_is_part_of_its_name() -> None:
    # A quoted minister said "200 million dollars"; the editor adds which dollars, signed "– ред.".
    text = "«Канада передасть Україні 200 мільйонів (американських – ред.) доларів», – сказала міністерка."
    [p] = extract(text, language="uk").pledges
    assert (p.amount, p.currency) == (200e6, "USD")
    # The same insertion without a currency word of its own leaves the currency as said.
    [q] = extract(
        "Канада выделит Украине 200 млн (в этом году. – ред.) евро на оружие.", language="ru"
    ).pledges
    assert (q.amount, q.currency) == (200e6, "EUR")


def test_an_amount_the_outlet_converts_takes_the_currency_of_the_list_not_of_the_conversion() -> None:
    text = (
        "Canada will give Ukraine 4 million Canadian dollars ($2.9 million) for demining and about 12 million"
        " ($8.7 million) for winter clothing, the defence minister said."
    )
    pledges = extract(text).pledges
    assert [(p.amount, p.currency) for p in pledges] == [(4e6, "CAD"), (12e6, "CAD")]


def test_a_or_an_before_a_currency_code_does_not_swallow_the_amount() -> None:
    lex = load_lexicon("en")
    found = find_money("The new package includes an AUD 40 million ($26 million) contribution to PURL.", lex)
    assert [(m.amount, m.currency, m.converted_to) for m in found] == [(40e6, "AUD", (26e6, "$"))]


def test_a_conversion_after_the_noun_of_the_amount_is_folded_in() -> None:
    [p] = extract(
        "Denmark said the DKK 3 billion pledge, equal to around $470 million, goes to PURL."
    ).pledges
    assert (p.amount, p.currency) == (3e9, "DKK")


def test_the_next_items_of_a_list_take_its_currency() -> None:
    lex = load_lexicon("en")
    text = "The package has 200 million kroner for drones, 150 million for PURL and 90 million for fuel."
    assert [(m.amount, m.currency) for m in find_money(text, lex)] == [
        (200e6, "kr"),
        (150e6, "kr"),
        (90e6, "kr"),
    ]
    years = "The fund grows by DKK 2 billion in 2025, 3.5 billion in 2026 and 1.5 billion in 2027."
    assert [m.currency for m in find_money(years, lex)] == ["DKK", "DKK", "DKK"]
    # A count in the same list is no amount of money.
    assert [
        m.amount for m in find_money("Germany gave €50 million, and 2 million people have fled.", lex)
    ] == [50e6]


def test_a_new_commitment_word_between_the_scale_and_the_currency() -> None:
    [p] = extract("The Belgian government agreed to send Ukraine 80 million extra euros of aid.").pledges
    assert (p.amount, p.currency) == (80e6, "EUR")


def test_a_conversion_after_the_noun_the_amount_qualifies_is_folded(lex) -> None:
    [loan] = find_money("EU leaders agreed a €50 billion loan (£43 billion; $58 billion) for Ukraine.", lex)
    assert (loan.amount, loan.currency, loan.converted_to) == (50e9, "EUR", (43e9, "GBP"))
    [pkg] = find_money("Norway gives a NOK 3 billion package ($290 million) to Ukraine.", lex)
    assert pkg.converted_to == (290e6, "$")
    # a list word between them keeps two amounts
    assert len(find_money("Denmark gives DKK 300 million and Sweden ($40 million) more.", lex)) == 2


def test_a_season_naming_a_kind_of_aid_is_no_date(lex) -> None:
    assert not lex.month_re.search("providing €80 million in winter aid")
    assert lex.month_re.search("delivered in winter 2025")


@pytest.mark.parametrize(
    ("language", "text", "amount"),
    [
        ("ru", "Норвегия выделит 1 млрд 200 млн долларов.", 1.2e9),
        ("uk", "Норвегія виділить 2 млрд 500 млн доларів.", 2.5e9),
        ("tr", "Norveç 1 milyar 200 milyon dolar verecek.", 1.2e9),
    ],
)
def test_one_amount_written_in_two_scales_is_their_sum(language: str, text: str, amount: float) -> None:
    [money] = find_money(text, load_lexicon(language))
    assert money.amount == amount


def test_two_amounts_in_one_scale_a_space_apart_stay_two(lex) -> None:
    # Only a larger scale followed by a smaller one makes one amount.
    text = "Norway gave $2 million, then 300 million dollars."
    assert [m.amount for m in find_money(text, lex)] == [2e6, 300e6]


def test_a_rise_by_an_amount_to_a_level_is_no_range(lex) -> None:
    [rise, level] = find_money("Norway raises its military support by NOK 3 billion to NOK 11 billion.", lex)
    assert (rise.amount, rise.amount_low, level.amount) == (3e9, None, 11e9)
    # a range is still a range
    [span] = find_money("Sweden may give SEK 2 billion to SEK 3 billion.", lex)
    assert (span.amount_low, span.amount) == (2e9, 3e9)


def test_a_compound_joins_scale_and_currency_with_hyphens() -> None:
    de = load_lexicon("de")
    [m] = find_money("Die Länder finanzieren ein 500-Millionen-Dollar-Paket.", de)
    assert (m.amount, m.currency) == (500e6, "$")  # (a bare dollar: its country is read later)
    [m] = find_money("Kanada kündigte ein 200-Millionen-Dollar Paket an.", de)
    assert m.amount == 200e6


def test_a_new_marker_standing_for_one_before_a_scale(lex) -> None:
    [m] = find_money("The Netherlands adds another billion euros for air defence.", lex)
    assert (m.amount, m.currency) == (1e9, "EUR")
    [m] = find_money("Die Niederlande stellen eine weitere Milliarde Euro bereit.", load_lexicon("de"))
    assert (m.amount, m.currency) == (1e9, "EUR")
    # ... and a marker before a figure leaves the figure alone
    [m] = find_money("Belgium gives an additional 250 million euros.", lex)
    assert m.amount == 250e6


def test_an_agency_signature_in_a_conversion_bracket() -> None:
    lt = load_lexicon("lt")
    [m] = find_money("Lietuva skirs 20 mln. eurų (23 mln. JAV dolerių – BNS) finansavimą.", lt)
    assert (m.amount, m.currency, m.converted_to) == (20e6, "EUR", (23e6, "USD"))


def test_one_amount_written_in_two_scales_joined_by_a_conjunction() -> None:
    it = load_lexicon("it")
    [m] = find_money("I Paesi Bassi hanno destinato 10 miliardi e 500 milioni di euro all'Ucraina.", it)
    assert (m.amount, m.currency) == (10.5e9, "EUR")


def test_an_editor_s_note_opening_a_conversion_bracket() -> None:
    ro = load_lexicon("ro")
    [m] = find_money(
        "Norvegia alocă 2 miliarde de coroane norvegiene (n.r. aproximativ 200 de milioane de dolari).", ro
    )
    assert (m.amount, m.currency) == (2e9, "NOK") and m.converted_to == (200e6, "$")


def test_an_abbreviated_scale_runs_into_an_abbreviated_currency() -> None:
    [m] = find_money("Ísland leggur fram 1,5 ma.kr. til Úkraínu.", load_lexicon("is"))
    assert (m.amount, m.currency) == (1.5e9, "kr")


def test_a_two_word_editor_s_mark_closing_a_conversion_bracket() -> None:
    ru = load_lexicon("ru")
    [m] = find_money("Эстония выделит €100 млн (свыше 9,9 млрд рублей — прим. ред.) Украине.", ru)
    assert (m.amount, m.currency, m.converted_to) == (100e6, "EUR", (9.9e9, "RUB"))


def test_a_wire_s_euro_prefix(lex) -> None:
    [m] = find_money("The minister unveiled a fresh EURO300 million (USD390 million) package.", lex)
    assert (m.amount, m.currency, m.converted_to) == (300e6, "EUR", (390e6, "USD"))


def test_a_fall_from_one_scale_to_another_is_not_one_amount() -> None:
    es = load_lexicon("es")
    found = find_money("La ayuda bajó de 2 mil millones a 500 millones de euros.", es)
    assert 2.5e9 not in [m.amount for m in found]
