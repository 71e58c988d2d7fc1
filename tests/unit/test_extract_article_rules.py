"""Article-level rules of the tenth round: a leak or a proposal told in the sentence after a pledge, one
package told twice with more partners, the newest item of a running total, the worth of one package told
with "a total of", money Ukraine shares with other countries, programme bounds, EU institutions."""

from __future__ import annotations

import datetime
import shutil

import yaml

from aidtrack.extract import REVIEW_THRESHOLD, extract
from aidtrack.extract.article import extract_statements
from aidtrack.extract.lexicon import LEXICON_DIR, read_lexicon

DAY = datetime.date(2025, 11, 4)


def _counted(text: str, **kw) -> list[tuple[tuple[str, ...], float, str]]:
    """(donors, amount, kind) of what a run would count without review."""
    return [
        (s.donors, s.amount, s.kind)
        for s in extract(text, published=kw.pop("published", DAY), **kw).statements
        if s.kind == "pledge" and s.confidence >= REVIEW_THRESHOLD
    ]


def test_a_pledge_the_next_sentence_calls_a_proposal_from_sources_goes_to_review() -> None:
    lead = "Germany will raise its military aid to Ukraine by €3 billion next year."
    assert _counted(lead) == [(("DEU",), 3e9, "pledge")]
    leak = lead + " This proposal goes to the budget committee next week, two government sources said."
    pledge = next(s for s in extract(leak, published=DAY).statements if s.kind == "pledge")
    assert pledge.confidence < REVIEW_THRESHOLD
    assert any("proposal or a leak" in n for n in pledge.notes)
    # a sentence after it that only tells what the money buys leaves it counted
    told = lead + " The money will pay for artillery ammunition and drones."
    assert _counted(told) == [(("DEU",), 3e9, "pledge")]


def test_a_leak_headline_puts_the_lead_pledge_in_review_in_german_too() -> None:
    text = "Die Bundesregierung will die Militärhilfe für die Ukraine um drei Milliarden Euro erhöhen."
    assert _counted(text, language="de", title="Regierung stockt Ukraine-Hilfe auf")
    assert not _counted(text, language="de", title="Insider: Regierung will Ukraine-Hilfe aufstocken")
    later = text + " Das erfuhr die Nachrichtenagentur am Dienstag aus Regierungskreisen."
    assert not _counted(later, language="de")


def test_one_package_told_twice_with_more_partners_the_second_time_is_one_pledge_of_all() -> None:
    text = (
        "Poland and Germany will fund a $500 million PURL package for Ukraine, the foreign minister said. "
        "Poland, together with Germany and Norway, will fund the $500 million package of American weapons."
    )
    assert _counted(text) == [(("DEU", "NOR", "POL"), 5e8, "pledge")]


def test_the_newest_item_named_beside_a_running_total_is_news() -> None:
    text = "Belgium's military aid to Ukraine now exceeds €1 billion, with a recent €100 million for F-16 upkeep."
    kinds = {(s.amount, s.kind) for s in extract(text, published=DAY).statements}
    assert kinds == {(1e9, "aggregate"), (1e8, "pledge")}
    # without "recent" the phrase is a part of the total, never a pledge of its own
    plain = "Belgium's military aid to Ukraine now exceeds €1 billion, with €100 million for F-16 upkeep."
    assert not _counted(plain)


def test_the_worth_of_one_package_told_with_a_total_of_is_that_package() -> None:
    text = "The package, which amounts to a total of SEK 7.1 billion, is the 15th that Sweden has sent to Ukraine."
    assert _counted(text, published=datetime.date(2024, 2, 20)) == [(("SWE",), 7.1e9, "pledge")]
    sv = (
        "Sverige skickar ett nytt militärt stödpaket till Ukraina. "
        "Paketet, som totalt uppgår till 7,1 miljarder kronor, är det 15:e."
    )
    assert _counted(sv, language="sv", published=datetime.date(2024, 2, 20)) == [(("SWE",), 7.1e9, "pledge")]
    # a sum of several packages stays a running total
    total = "Sweden's packages amount to a total of SEK 30 billion so far."
    assert not _counted(total)


def test_money_ukraine_shares_with_other_countries_goes_to_review() -> None:
    text = (
        "Washington will provide Ukraine and 18 neighbouring countries with $2 billion in military financing."
    )
    pledge = next(s for s in extract(text, published=DAY).statements if s.kind == "pledge")
    assert pledge.confidence < REVIEW_THRESHOLD
    assert any("Ukraine's part is not stated" in n for n in pledge.notes)
    # a second giver after Ukraine is a giver, not a second recipient
    two = "Germany will give Ukraine €500 million and Denmark €200 million in new military aid."
    assert _counted(two) == [(("DEU",), 5e8, "pledge"), (("DNK",), 2e8, "pledge")]


def test_the_bounds_of_a_programme_are_no_pledge() -> None:
    text = (
        "Norway set a floor of NOK 15 billion a year for its support, instead of the previous cap of "
        "NOK 75 billion for the entire programme."
    )
    assert not _counted(text)
    nb = "Det gjenstår om lag 35,5 milliarder kroner av de opprinnelige 75 milliardene i Nansen-programmet for Ukraina."
    assert not _counted(nb, language="nb")


def test_the_european_council_gives_for_the_eu() -> None:
    fr = "Le Conseil européen a décidé jeudi d'accorder à l'Ukraine une nouvelle aide militaire de 500 millions d'euros."
    assert _counted(fr, language="fr") == [(("EUU",), 5e8, "pledge")]
    en = "The European Council agreed on Thursday to give Ukraine a further €500 million in military aid."
    assert _counted(en) == [(("EUU",), 5e8, "pledge")]


def test_a_partner_that_puts_money_in_makes_the_amount_joint() -> None:
    text = "The UK, with support from Norway, committed £450 million of military aid for radars and drones."
    assert _counted(text) == [(("GBR", "NOR"), 4.5e8, "pledge")]


def test_an_expectation_carries_into_the_phrase_attached_to_it() -> None:
    text = (
        "Friday's meeting is expected to bring further commitments, with Germany agreeing to fund more "
        "air-defence missiles for Ukraine with €170 million."
    )
    assert not _counted(text)


def test_thanks_to_a_giver_for_what_it_committed_are_background() -> None:
    text = (
        '"I am also grateful to our host, Belgium, which has committed to sending F-16 jets, as well as an '
        'additional $1 billion in military aid this year," Zelensky said.'
    )
    assert [s.kind for s in extract(text, published=DAY).statements] == ["recap"]


def test_a_joint_meeting_does_not_make_the_package_announced_at_it_joint() -> None:
    de = (
        "Pistorius kündigte bei seinem gemeinsamen Treffen mit seinem ukrainischen Amtskollegen ein "
        "Militärhilfepaket für die Ukraine in Höhe von 1,3 Milliarden Euro an."
    )
    assert _counted(de, language="de") == [(("DEU",), 1.3e9, "pledge")]
    en = "At a joint press conference in Kyiv, Germany announced a €1.3 billion military aid package for Ukraine."
    assert _counted(en) == [(("DEU",), 1.3e9, "pledge")]


def test_a_heading_that_names_an_amount_gives_nothing() -> None:
    text = "The G7 agreed the loan in June, with Japan, Canada and the UK sharing $10 billion.\n$50 billion loan\nMore follows."
    assert all(s.amount != 5e10 or s.kind != "pledge" for s in extract(text, published=DAY).statements)


def test_a_programme_named_later_tells_the_pledge_read_with_the_articles_programme() -> None:
    text = (
        "NATO foreign ministers discussed PURL on Wednesday. The Netherlands announced €35 million for winter "
        'equipment for Ukraine. "Today, the Netherlands announced the allocation of €35 million through CAP, '
        "NATO's Comprehensive Assistance Package for Ukraine,\" the minister said."
    )
    pledges = [s for s in extract(text, published=DAY).statements if s.kind == "pledge"]
    assert [(s.donors, s.amount, s.program) for s in pledges] == [(("NLD",), 3.5e7, "other")]


def test_a_whole_national_budget_and_a_difference_from_a_forecast_are_no_pledges() -> None:
    text = (
        "Germany's overall budget plan projects spending of about €524.5 billion in 2026, which is €4 billion "
        "higher than expected, while military aid to Ukraine rises."
    )
    assert not _counted(text)


def test_joining_a_programme_of_a_stated_worth_is_not_giving_all_of_it() -> None:
    text = "Luxembourg has agreed to join a $500 million (€429 million) NATO programme to support Ukraine."
    pledge = next(s for s in extract(text, published=DAY).statements if s.kind == "pledge")
    assert pledge.confidence < REVIEW_THRESHOLD
    # the package named after a bracketed conversion is still the package ("package: its value")
    worth = "Norway will fund a NOK 5 billion ($500 million) package of US weapons for Ukraine."
    assert any("package: its value" in s.trace for s in extract(worth, published=DAY).statements)


def test_a_sentence_that_only_converts_the_amount_before_is_no_second_pledge() -> None:
    text = (
        "Japan has sent Ukraine a $3 billion loan backed by Russian asset profits. "
        "The funds, equivalent to 471.9 billion yen, are part of the G7 scheme."
    )
    assert [(s.currency, s.kind) for s in extract(text, published=DAY).statements if s.kind == "pledge"] == [
        ("USD", "pledge")
    ]


def test_an_opening_companion_phrase_is_no_recipient() -> None:
    it = "Insieme alla Germania, l'Italia stanzierà 100 milioni di euro di aiuti militari."
    assert _counted(it, language="it") == [(("ITA",), 1e8, "pledge")]
    moldova = "Separately, Germany will provide Moldova with €80 million in military aid."
    assert not _counted(moldova)


def test_already_with_another_is_the_increment_not_a_recap() -> None:
    text = "The Netherlands has already pledged another €250 million for US weapons under PURL, its minister said."
    assert _counted(text) == [(("NLD",), 2.5e8, "pledge")]
    assert not _counted("The Netherlands has already pledged €250 million for US weapons under PURL.")


def test_a_relative_clause_tells_of_the_sale_its_head_names() -> None:
    text = (
        'The State Department approved the deal, which "is estimated to be worth $8.5 billion", for Ukraine.'
    )
    assert not _counted(text)


def _lexicon_with(tmp_path, language: str, **keys):
    folder = tmp_path / language
    shutil.copytree(LEXICON_DIR / language, folder)
    donors = yaml.safe_load((folder / "donors.yaml").read_text(encoding="utf-8"))
    donors.update(keys)
    (folder / "donors.yaml").write_text(yaml.safe_dump(donors, allow_unicode=True), encoding="utf-8")
    return read_lexicon(folder)


def _kinds_of(text: str, lex) -> list[tuple[tuple[str, ...], str]]:
    return [(s.donors, s.kind) for s in extract_statements(text, lex, DAY, None)]


def test_a_giving_verb_before_an_inflected_recipient_sends_the_money_elsewhere(tmp_path) -> None:
    """``recipient_verbs``: only a hand-listed inflected form after the verb is a recipient; a country's
    name there is still the giver ("... przekaże Norwegia")."""
    lex = _lexicon_with(tmp_path, "pl", recipient_verbs=["przekaże"], other_recipients=["Mołdawii"])
    assert _kinds_of("Polska przekaże Mołdawii 50 mln euro pomocy wojskowej.", lex) == []
    assert _kinds_of("Polska przekaże Ukrainie 50 mln euro pomocy wojskowej.", lex) == [(("POL",), "pledge")]
    given = "Kolejne 150 mln dolarów na pomoc wojskową dla Ukrainy przekaże Norwegia."
    assert [k for _, k in _kinds_of(given, lex)] == ["pledge"]


def test_a_recipient_ending_marks_the_recipient_wherever_it_stands(tmp_path) -> None:
    lex = _lexicon_with(tmp_path, "tr", recipients_alone=["Moldova'ya"])
    assert _kinds_of("Almanya, Moldova'ya 50 milyon euroluk askeri yardım sağlayacak.", lex) == []
    assert _kinds_of("Almanya, Ukrayna'ya 50 milyon euroluk askeri yardım sağlayacak.", lex) == [
        (("DEU",), "pledge")
    ]


def test_a_share_that_names_other_contributors_makes_its_package_theirs_too() -> None:
    text = (
        "Britain has unveiled a new £450 million military package for Ukraine. Of the total package, £350 "
        "million will come from the UK itself, supplemented by contributions from Norway."
    )
    assert _counted(text) == [(("GBR", "NOR"), 4.5e8, "pledge")]
    alone = "Britain has unveiled a new £450 million military package for Ukraine. Of the total package, £350 million will come from the UK itself."
    assert _counted(alone) == [(("GBR",), 4.5e8, "pledge")]


def test_turkish_amounts_of_the_package_in_the_genitive_are_its_parts() -> None:
    text = (
        "Avustralya, Ukrayna'ya yaklaşık 100 milyon dolar değerinde ek askeri yardım yapacağını açıkladı. "
        "Marles, ek askeri yardım paketinin 50 milyon dolar değerinde hava savunma sistemi, 30 milyon dolar "
        "değerinde insansız hava sistemi içereceğini belirtti."
    )
    kinds = [(s.amount, s.kind) for s in extract(text, published=DAY, language="tr").statements]
    assert kinds == [(1e8, "pledge"), (5e7, "share"), (3e7, "share")]


def test_a_package_told_by_its_value_takes_the_tense_of_the_verb_after_it() -> None:
    assert not _counted("The fourth package, worth $500 million, was announced by Canada.")
    assert _counted("The new package, worth $500 million, will be funded by Canada.") == [
        (("CAN",), 5e8, "pledge")
    ]


def test_ukraine_named_right_before_an_amount_receives_it_though_another_recipient_follows() -> None:
    text = "Almanya, Ukrayna'ya 50 milyon euro, Moldova'ya ise 10 milyon euro askeri yardım verecek."
    assert _counted(text, language="tr") == [(("DEU",), 5e7, "pledge")]
    shared = "Almanya, Ukrayna ve Moldova'ya 50 milyon euro askeri yardım verecek."
    pledge = next(s for s in extract(shared, published=DAY, language="tr").statements if s.kind == "pledge")
    assert pledge.confidence < REVIEW_THRESHOLD  # shared money goes to review, it is not dropped


def test_parts_that_add_up_to_their_package_are_its_pledges_whatever_share_word_opens_them() -> None:
    # each part in its own programme is counted once; the package is their sum
    text = "Denmark will give Ukraine €29 million, of which €15 million is humanitarian aid and €14 million goes to PURL."
    assert sorted(_counted(text)) == [(("DNK",), 14e6, "pledge"), (("DNK",), 15e6, "pledge")]


def test_a_package_whose_lines_are_told_only_in_part_goes_to_review_not_away() -> None:
    # the rest of the package is not told: counted with its part it could count that part twice, dropped it
    # would vanish; the analyst sees it in review with the reason
    text = "Sweden will give Ukraine €29 million, of which €15 million is humanitarian aid."
    statements = extract(text, published=DAY).statements
    [whole] = [s for s in statements if s.kind == "pledge"]
    assert (whole.donors, whole.amount) == (("SWE",), 29e6)
    assert whole.confidence < REVIEW_THRESHOLD
    assert any("told only in part" in n for n in whole.notes)
    assert [(s.amount, s.program) for s in statements if s.kind == "share"] == [(15e6, "other")]
    # its PURL line does not make the whole PURL
    mixed = extract("Norway's new NOK 5 billion package includes NOK 1 billion for PURL.", published=DAY)
    assert sorted((s.amount, s.program, s.confidence >= REVIEW_THRESHOLD) for s in mixed.pledges) == [
        (1e9, "PURL", True),
        (5e9, "bilateral", False),
    ]


def test_a_new_package_that_totals_an_amount_is_worth_it_and_its_parts_take_its_currency() -> None:
    # "totals" right before the amount names one package's value, not a running total; a part opened by
    # "including" with a qualifier and no currency of its own is in the package's currency
    text = (
        "Portugal announced a new package that totals 60 million euros, including roughly 40 million "
        "directed towards air defence."
    )
    statements = extract(text, published=DAY).statements
    assert [(s.kind, s.amount, s.currency) for s in statements] == [
        ("pledge", 60e6, "EUR"),
        ("share", 40e6, "EUR"),
    ]
    # a running total still totals
    assert _counted("Sweden's aid to Ukraine totals SEK 80 billion.") == []


def test_a_country_named_after_the_amount_as_the_target_does_not_make_the_sentence_its_own() -> None:
    text = (
        "Finland stands with Ukraine. The government will give €30 million to help shoot down Russian "
        "missiles and drones."
    )
    assert [(d, a) for d, a, _ in _counted(text)] == [(("FIN",), 30e6)]
    # (a Russian subject before the amount still does)
    assert _counted("Russia's budget puts €30 billion into new missiles for the war.") == []


def test_an_amount_after_a_comma_and_a_list_word_is_a_second_item_not_a_part_of_the_first() -> None:
    text = (
        "Ireland pledged a further €100 million in non-lethal equipment, including for demining, and €25 million "
        "to repair Ukraine's energy grid."
    )
    assert sorted(_counted(text)) == [(("IRL",), 25e6, "pledge"), (("IRL",), 100e6, "pledge")]


def test_money_for_ukraine_and_its_allies_goes_to_review() -> None:
    text = "Sweden will give SEK 300 million to strengthen air defence in Ukraine and its allies."
    [pledge] = extract(text, published=DAY).pledges
    assert pledge.confidence < REVIEW_THRESHOLD
    sv = "Regeringen ger 300 miljoner kronor för att stärka luftförsvaret i Ukraina och dess allierade."
    [pledge] = extract(sv, published=DAY, language="sv").pledges
    assert pledge.confidence < REVIEW_THRESHOLD


def test_a_country_named_as_the_source_of_one_amount_does_not_give_the_next() -> None:
    # "$146m from Canada, and $800,000 from a trust fund": the trust fund is no country
    text = (
        "Of the total $400 million grant, $250 million comes from Norway, $146 million from Canada, "
        "and $4 million from a multi-donor trust fund."
    )
    assert all(s.donors != ("CAN",) or s.amount == 146e6 for s in extract(text, published=DAY).statements)


def test_a_civilian_sum_after_a_military_package_is_money_of_its_own() -> None:
    package = "Canada unveiled a new C$2 billion military aid package for Ukraine on Sunday."
    civilian = (
        package + " Ottawa also pledged a further $31 million for humanitarian relief and reconstruction."
    )
    assert sorted(a for _, a, _ in _counted(civilian)) == [31e6, 2e9]
    # a smaller military sum is still most likely a line of the package: an analyst decides
    military = package + " Ottawa will also provide $220 million for drones and electronic warfare."
    assert [a for _, a, _ in _counted(military)] == [2e9]


def test_a_goal_word_inside_the_programmes_own_name_is_no_goal() -> None:
    text = (
        'Portugal vai participar no PURL. "Vamos investir 10 milhões de euros no PURL [iniciativa das necessidades '
        'prioritárias da Ucrânia]", disse o ministro.'
    )
    assert _counted(text, language="pt") == [(("PRT",), 10e6, "pledge")]


def test_a_ministers_we_in_the_verb_refers_to_the_giver_named_before() -> None:
    # Portuguese, Spanish and Italian leave the pronoun out: "Vamos dar", "Hemos decidido", "Abbiamo deciso"
    cases = {
        "pt": ("Portugal apoia a Ucrânia. \"Vamos dar mais 10 milhões de euros para drones\", disse o ministro.", "PRT"),
        "es": ("España apoya a Ucrania. \"Hemos decidido aportar 10 millones de euros para drones\", dijo la ministra.", "ESP"),
        "it": ("L'Italia sostiene l'Ucraina. \"Abbiamo deciso di stanziare 10 milioni di euro per i droni\", ha detto il ministro.",
               "ITA"),
    }  # fmt: skip
    for language, (text, donor) in cases.items():
        assert [(d, a) for d, a, _ in _counted(text, language=language)] == [((donor,), 10e6)], language


def test_partners_named_with_the_giver_make_a_packages_total_their_joint_pledge() -> None:
    text = (
        "Sweden teams up with the Netherlands, Norway and Britain on a package worth a total of $500 million."
    )
    assert _counted(text) == [(("GBR", "NLD", "NOR", "SWE"), 5e8, "pledge")]
    # what partners sent over the years stays a running total
    assert _counted("Together with Norway, Sweden has sent packages worth a total of $5 billion.") == []
    # joining others "by funding" is following them, each with its own money
    text = "Germany is joining the Netherlands and the Nordic countries by funding a PURL package of up to $500 million."
    assert [d for d, _, _ in _counted(text)] == [("DEU",)]


def test_how_a_loan_is_financed_is_not_a_budget_line() -> None:
    text = (
        "EU leaders decided to grant Ukraine a loan of €90 billion for 2026-2027, based on borrowing on capital "
        "markets and secured by EU budget reserves."
    )
    assert _counted(text, published=datetime.date(2025, 12, 19)) == [(("EUU",), 9e10, "pledge")]


def test_an_increment_that_will_bring_a_total_to_a_new_level_is_the_pledge() -> None:
    text = "The new tranche worth €500 million will now bring the total EU contribution for Ukraine to €3.1 billion."
    assert _counted(text) == [(("EUU",), 5e8, "pledge")]


def test_a_sum_still_to_be_given_for_this_year_is_a_pledge_not_a_running_total() -> None:
    text = "Latvia will provide Ukraine with military aid totaling €100 million this year alone."
    assert _counted(text) == [(("LVA",), 1e8, "pledge")]
    assert (
        _counted("Latvia has provided Ukraine with military aid totaling €100 million this year alone.") == []
    )


def test_weapons_drawn_from_a_militarys_own_stocks_are_aid_not_a_stock_market() -> None:
    text = "Canada will send Ukraine a C$50 million package drawn from stocks of the armed forces."
    assert _counted(text) == [(("CAN",), 5e7, "pledge")]


def test_a_pledge_restating_a_background_sum_in_its_converted_currency_is_background_too() -> None:
    text = (
        "Norway's US$695 million will go towards Patriot air defence systems. In August, the government approved "
        "a donation of NOK 7 billion (US$695 million) to Ukraine."
    )
    statements = extract(text, published=datetime.date(2025, 10, 1)).statements
    assert [(s.kind, s.amount) for s in statements] == [("recap", 695e6), ("recap", 7e9)]


def test_a_giver_that_joins_partners_in_a_package_gives_it_with_them_in_german() -> None:
    text = (
        "Schweden schließt sich mit den Niederlanden, Norwegen und dem Vereinigten Königreich zu einem Paket von "
        "insgesamt 500 Millionen Dollar zusammen."
    )
    assert _counted(text, language="de") == [(("GBR", "NLD", "NOR", "SWE"), 5e8, "pledge")]
