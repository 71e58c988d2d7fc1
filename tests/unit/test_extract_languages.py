"""Every language through the same passes: CLDR words, stems, number marks, the document's language."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from aidtrack.extract.language import choose, detect, normalise
from aidtrack.extract.lexicon import LEXICON_DIR, WordTable, read_lexicon, stems_of
from aidtrack.extract.money import find_money, parse_number


@pytest.mark.parametrize(
    ("tag", "expected"),
    [("pt-BR", "pt"), ("nb_NO", "nb"), ("no", "nb"), ("nn", "nb"), (False, "nb"), ("DE", "de"), ("", None),
     (None, None), ("x", None), ("en-GB", "en")],
)  # fmt: skip
def test_language_tags_reduce_to_the_lexicon_folder(tag, expected) -> None:
    assert normalise(tag) == expected


def test_a_stem_matches_every_ending_and_its_value_comes_back() -> None:
    table = WordTable({"Норвегі*": "NOR", "Норвегія": "NOR!"}, cased=True)
    import re

    found = re.search(table.source, "Уряд Норвегією керує")
    assert found and table.get(found.group()) == "NOR"
    assert table.get("Норвегія") == "NOR!"  # an exact word wins over a stem
    assert table.get("Норвегійськими-довгими") is None  # more than a few letters of ending


def test_inflection_turns_each_word_of_a_name_into_a_stem() -> None:
    rule = {"endings": ["ія", "а", "и"], "min_stem": 4}
    assert stems_of("Норвегія", rule) == ["Норвег*"]
    assert stems_of("Сполучені Штати", rule) == ["Сполучені* Штат*"]
    assert stems_of("Норвегія", {}) == []


@pytest.fixture(scope="module")
def german_words(tmp_path_factory) -> object:
    """English cue words, compiled as if for German: what is left comes from CLDR alone."""
    folder = tmp_path_factory.mktemp("lex") / "de"
    shutil.copytree(LEXICON_DIR / "en", folder)
    return read_lexicon(Path(folder), language="de")


def test_cldr_gives_country_names_months_scales_and_currency_names(german_words) -> None:
    lex = german_words
    assert lex.donor_table.get("Norwegen").codes == ("NOR",)
    assert lex.months.get("dezember") == 12
    assert lex.scales.get("milliarden") == 1e9
    assert lex.currency_words.get("norwegische kronen") == "NOK"


def test_decimal_comma_and_grouping_follow_the_locale(german_words) -> None:
    (money,) = find_money("Norwegen gibt 1,5 Milliarden Norwegische Kronen.", german_words)
    assert (money.amount, money.currency) == (1.5e9, "NOK")
    assert parse_number("1.500", True, ",") == 1500
    assert parse_number("1 500 000", False, ",") == 1_500_000
    assert parse_number("1,500", False, ".") == 1500  # English keeps its thousands comma


def test_declared_language_order_override_page_feed_then_detected() -> None:
    text = "Die Niederlande stellen weitere 250 Millionen Euro für die Ukraine bereit."
    assert choose(text, override="uk", page="de", feed="de", supported=["de", "uk"]).how == "source"
    assert choose(text, page="de-DE", feed="en", supported=["de"]).how == "page"
    assert choose(text, feed="de", supported=["de"]).language == "de"
    found = choose(text, supported=["de"])
    assert (found.language, found.how, found.supported) == ("de", "detected", True)


def test_a_long_text_overrules_a_template_that_says_every_page_is_english() -> None:
    text = (
        "Україна отримає від Нідерландів новий пакет допомоги. Уряд Нідерландів виділить 250 мільйонів "
        "євро на закупівлю американської зброї для української армії. Про це заявив міністр оборони "
        "після зустрічі з колегами в Брюсселі. Кошти підуть на засоби протиповітряної оборони, "
        "які Україна потребує найбільше взимку, коли удари по енергетиці посилюються."
    ) * 2
    found = choose(text, page="en", supported=["en", "uk"])
    assert found.language == "uk" and found.how == "detected (page said en)"


def test_a_language_without_a_lexicon_is_reported_not_read_as_english() -> None:
    text = "यूक्रेन को सैन्य सहायता के लिए नई घोषणा की गई, जिसमें कई देशों ने भाग लिया।"
    found = choose(text, supported=["en", "de"])
    assert found.language == "hi" and not found.supported
    assert detect("ok") is None  # too short to tell


def test_an_unsure_guess_of_an_unread_language_on_a_short_text_reads_it_in_ours() -> None:
    # py3langid calls this short English line Nigerian Pidgin at 0.61: it is read as English.
    found = choose("Oslo gives Ukraine €40m for drones and another 25m for demining.", supported=["en", "de"])
    assert (found.language, found.supported) == ("en", True)
    assert "unsure" in found.how
    # A sure detection of a language we do not read stays what it is.
    turkish = choose("Türkiye Ukrayna için yeni bir yardım paketi açıkladı ve 50 milyon dolar verecek.",
                     supported=["en", "de"])  # fmt: skip
    assert (turkish.language, turkish.supported) == ("tr", False)


def test_a_page_in_an_unread_language_is_kept_and_counted(tmp_path) -> None:
    from aidtrack.collect import KnownState, SourceBatch, parsed_document
    from aidtrack.fetch import FetchResult
    from aidtrack.sources.config import SourceConfig

    html = (
        "<html lang='sw'><head><title>Msaada</title></head><body><article><p>"
        + "Uholanzi imetangaza msaada mpya wa kijeshi wa euro milioni 250 kwa Ukraine leo. " * 8
        + "</p></article></body></html>"
    )
    result = FetchResult(
        url="https://news.example/sw/1", final_url="https://news.example/sw/1", outcome="ok", status=200,
        body=html.encode(), text=html, encoding="utf-8", content_type="text/html", headers={}, etag=None,
        last_modified=None, content_hash="h", n_bytes=len(html), error=None, attempts=1,
        fetched_at=datetime(2025, 11, 20, tzinfo=UTC), elapsed_s=0.0,
    )  # fmt: skip
    source = SourceConfig(
        name="sw-news", kind="rss", url="https://news.example/feed", path=None, keywords=(), links=None,
        next=None, max_pages=1, since=None, tier="outlet", language=None, country=None, delay=None,
        enabled=True,
    )  # fmt: skip
    document = parsed_document(source, result, None, KnownState(), "v1")
    assert document is not None
    assert (document.language, document.language_read, document.statements) == ("sw", False, [])
    batch = SourceBatch(source=source, documents=[document])
    assert batch.counts()["unread_language"] == 1


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("BRUSSELS, Aug 13 (Demo Wire) - Germany will put $500 million into PURL.", "en"),
        ("Bruselas, 13 ago (Agencia Demo).- Alemania aportará 500 millones de dólares al PURL.", "es"),
        ("Berlin (Demo-Agentur) - Deutschland stellt 500 Millionen Dollar für PURL bereit.", "de"),
    ],
)
def test_a_wire_dateline_names_where_the_story_was_filed_not_who_gives(text, language) -> None:
    from aidtrack.extract import extract

    assert [(p.donors, p.amount, p.currency) for p in extract(text, language=language).pledges] == [
        (("DEU",), 500e6, "USD")
    ]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Lithuania and Latvia will give 1.5 million and 3 million dollars respectively to PURL.", "en"),
        (
            "La Lituanie et la Lettonie verseront respectivement 1,5 million et 3 millions de dollars au PURL.",
            "fr",
        ),
    ],
)
def test_amounts_of_one_list_share_the_currency_written_once(text, language) -> None:
    from aidtrack.extract import extract

    found = sorted((p.donors, p.amount, p.currency) for p in extract(text, language=language).pledges)
    assert found == [(("LTU",), 1.5e6, "USD"), (("LVA",), 3e6, "USD")]


@pytest.mark.parametrize(
    ("text", "language", "donors"),
    [
        ("Together with Denmark and Sweden, Norway will finance a package worth about NOK 5 billion for PURL.",
         "en", ("DNK", "NOR", "SWE")),
        ("Разом з Данією та Швецією Норвегія профінансує пакет для PURL на загальну суму 5 млрд крон.", "uk",
         ("DNK", "NOR", "SWE")),
        # a partner named after the amount, in a clause of its own, is not one of the package's payers
        ("Norway will give $500 million to PURL, in two packages: one together with Germany.", "en", ("NOR",)),
        # a share stated without the package's value stays the giver's own
        ("Sweden, together with Denmark and Norway, will contribute $275 million to the PURL package.", "en",
         ("SWE",)),
    ],
)  # fmt: skip
def test_a_package_value_with_partners_named_with_the_giver_is_their_joint_pledge(
    text, language, donors
) -> None:
    from aidtrack.extract import extract

    found = extract(text, language=language).statements
    assert [s.donors for s in found if s.kind in ("pledge", "share")] == [donors]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("En 2023, la France a donné 1 milliard d'euros à l'Ukraine pour la défense aérienne.", "fr"),
        ("En 2023, España entregó a Ucrania 1.000 millones de euros en ayuda militar.", "es"),
        ("Under 2023 gav Sverige Ukraina 1 miljard kronor i militärt stöd.", "sv"),
        ("Vuonna 2023 Suomi antoi Ukrainalle 100 miljoonaa euroa puolustustarvikkeina.", "fi"),
        ("Το 2023 η Ελλάδα έδωσε στην Ουκρανία 100 εκατ. ευρώ για στρατιωτική βοήθεια.", "el"),
    ],
)
def test_a_past_act_in_an_earlier_calendar_year_is_background_in_every_language(text, language) -> None:
    """Each lexicon says how its language introduces the year a clause is set in (``year_openers``)."""
    from datetime import date

    from aidtrack.extract import extract

    result = extract(text, language=language, published=date(2025, 10, 1))
    assert not result.pledges and len(result.recaps) == 1


@pytest.mark.parametrize(
    ("text", "language"),
    [
        # a conditional "would amount to" is an estimate, not a decision
        (
            "El ministro dijo que la contribución de España a Ucrania supondría unos 300 millones de euros.",
            "es",
        ),
        (
            "Selon le ministre, la contribution de la France à l'Ukraine s'élèverait à 200 millions d'euros.",
            "fr",
        ),
        # "reminded that the first package was": a recap
        ("Міністр нагадав, що перший пакет Данії для України становив 100 мільйонів доларів.", "uk"),
        # "on top of the DKK 2bn": the base an increase is added to
        ("Det kommer oven i de 2 milliarder kroner, som Danmark har givet Ukraine i foråret.", "da"),
    ],
)
def test_estimates_and_restated_sums_are_no_pledges_in_every_language(text, language) -> None:
    from datetime import date

    from aidtrack.extract import REVIEW_THRESHOLD, extract

    result = extract(text, language=language, published=date(2025, 10, 1))
    assert not [p for p in result.pledges if p.confidence >= REVIEW_THRESHOLD]


def test_a_stem_among_the_aid_words_keeps_a_month_abbreviation_from_reading_an_adjective(tmp_path) -> None:
    """Slovenian "nov" is "new" as well as CLDR's short November: "v nov paketu" names no month."""
    folder = tmp_path / "en"
    shutil.copytree(LEXICON_DIR / "en", folder)
    cues = (folder / "cues.yaml").read_text(encoding="utf-8")
    (folder / "cues.yaml").write_text(
        cues.replace("aid_context: [", 'aid_context: ["paket*", '), encoding="utf-8"
    )
    lex = read_lexicon(folder, language="en")
    assert lex.month_re.search("money in nov paketu for Ukraine") is None
    assert lex.month_re.search("money given in Nov 2025") is not None
