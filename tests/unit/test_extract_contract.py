from __future__ import annotations

import datetime
import json

import pytest

from aidtrack.extract import REVIEW_THRESHOLD, Extraction, LexiconError, Statement, extract

TEXT = (
    "The Netherlands is committing €500m ($578m) to buy Patriot missiles from US stocks for Kyiv under PURL. "
    "Allies have so far committed more than $1 billion. Rutte wants at least $1 billion a month."
)


def test_contract_line_shape() -> None:
    line = extract(TEXT).to_contract("a1")
    assert set(line) >= {"id", "pledges", "aggregates", "targets"}
    assert line["id"] == "a1"
    [p] = line["pledges"]
    assert p["donors"] == ["NLD"]
    assert p["amount"] == 500000000 and isinstance(p["amount"], int)
    assert p["currency"] == "EUR"
    assert p["program"] == "PURL"
    assert 0 <= p["confidence"] <= 1
    assert p["quote"] in TEXT
    assert len(line["aggregates"]) == 1 and len(line["targets"]) == 1
    json.dumps(line)  # JSON-ready


def test_quote_and_start_point_into_the_input() -> None:
    for s in extract(TEXT).statements:
        assert TEXT[s.start : s.start + len(s.quote)] == s.quote


def test_conversion_is_not_a_separate_statement() -> None:
    assert len(extract(TEXT).pledges) == 1


def test_statement_to_dict_serialises_dates() -> None:
    s = Statement("pledge", ("NLD",), 5e8, None, "EUR", False, "PURL", 0.9, "q", 0, datetime.date(2025, 8, 4))
    assert s.to_dict()["stated_date"] == "2025-08-04"


def test_extraction_properties_split_by_kind() -> None:
    ex = extract(TEXT)
    assert isinstance(ex, Extraction)
    assert len(ex.pledges) + len(ex.aggregates) + len(ex.targets) == len(ex.statements)
    assert ex.recaps == () and ex.shares == ()


def test_empty_and_moneyless_text() -> None:
    assert extract("").statements == ()
    assert extract("Rutte met Zelensky in Kyiv.").statements == ()


def test_unknown_language_is_a_clear_error() -> None:
    with pytest.raises(LexiconError, match="no lexicon for language 'xx'"):
        extract("text", language="xx")


def test_review_threshold_is_a_constant() -> None:
    assert REVIEW_THRESHOLD == 0.6


def test_a_new_language_needs_only_a_lexicon_directory(tmp_path) -> None:
    """A German lexicon made by editing word lists (no code) extracts a German sentence."""
    import shutil

    import yaml

    from aidtrack.extract.article import extract_statements
    from aidtrack.extract.lexicon import LEXICON_DIR, read_lexicon

    folder = tmp_path / "de"
    shutil.copytree(LEXICON_DIR / "en", folder)
    numbers = yaml.safe_load((folder / "numbers.yaml").read_text(encoding="utf-8"))
    numbers["scales"].update({"Millionen": 1e6, "Mio.": 1e6, "Milliarden": 1e9, "Mrd.": 1e9})
    (folder / "numbers.yaml").write_text(yaml.safe_dump(numbers, allow_unicode=True), encoding="utf-8")
    donors = yaml.safe_load((folder / "donors.yaml").read_text(encoding="utf-8"))
    donors["donors"]["DEU"]["names"].append("Deutschland")
    (folder / "donors.yaml").write_text(yaml.safe_dump(donors, allow_unicode=True), encoding="utf-8")
    cues = yaml.safe_load((folder / "cues.yaml").read_text(encoding="utf-8"))
    cues["pledge_verbs"].append("stellt")
    cues["aid_context"].append("Ukraine")
    (folder / "cues.yaml").write_text(yaml.safe_dump(cues, allow_unicode=True), encoding="utf-8")

    lex = read_lexicon(folder)
    text = "Deutschland stellt weitere 150 Millionen Euro für PURL bereit. Österreich schweigt."
    [s] = extract_statements(text, lex, None, None)
    assert (s.kind, s.donors, s.amount, s.currency, s.program) == ("pledge", ("DEU",), 150e6, "EUR", "PURL")


def test_cyrillic_sentences_split_on_capitals() -> None:
    from aidtrack.extract import load_lexicon
    from aidtrack.extract.sentences import split_sentences

    text = "Норвегія виділить кошти. Швеція теж."
    assert [text[a:b] for a, b in split_sentences(text, load_lexicon("en"))] == [
        "Норвегія виділить кошти.",
        "Швеція теж.",
    ]


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        # A blank line ends a paragraph even after an abbreviation.
        ("Berlin paid for a package worth $500 mln.\n\nThe minister also pledged €25m.",
         ["Berlin paid for a package worth $500 mln.", "The minister also pledged €25m."]),
        # A page that lost the space between two paragraphs.
        ("The civil part is 720m.The military part is SEK 3bn.", ["The civil part is 720m.", "The military part is SEK 3bn."]),
        # No space lost in an abbreviation or a host name; an abbreviation inside a line still holds.
        ("The U.S.Army and nato.int agreed. He paid 5 mln. dollars.", ["The U.S.Army and nato.int agreed.", "He paid 5 mln. dollars."]),
        # A flag used as a bullet, or a currency sign, may open the next sentence.
        ("Talks will take time. 🇸🇪 Sweden has a new package. 🇱🇹 Lithuania is putting $30m into arms.",
         ["Talks will take time.", "🇸🇪 Sweden has a new package.", "🇱🇹 Lithuania is putting $30m into arms."]),
        ("The list was approved in May. $500m of it goes to PURL.", ["The list was approved in May.", "$500m of it goes to PURL."]),
        # A new line after a full stop ends the sentence whatever opens the next (a bullet the page's encoding
        # garbled); a hard-wrapped line with no full stop goes on.
        ("Talks will take time.\nđŤđŽ Finland has a new package.", ["Talks will take time.", "đŤđŽ Finland has a new package."]),
        ("Ukraine will get\nover a billion euros.", ["Ukraine will get\nover a billion euros."]),
        # ... but not a dash inside an editor's bracket, nor an abbreviation before a sign.
        ("Canada adds 200 mln (U.S. – Ed.) dollars. It pays approx. $5m more.",
         ["Canada adds 200 mln (U.S. – Ed.) dollars.", "It pays approx. $5m more."]),
    ],
)  # fmt: skip
def test_paragraphs_and_lost_spaces_end_sentences(text: str, sentences: list[str]) -> None:
    from aidtrack.extract.lexicon import load_lexicon
    from aidtrack.extract.sentences import split_sentences

    assert [text[a:b] for a, b in split_sentences(text, load_lexicon("en"))] == sentences


def _copy_en(tmp_path):
    import shutil

    from aidtrack.extract.lexicon import LEXICON_DIR

    folder = tmp_path / "xx"
    shutil.copytree(LEXICON_DIR / "en", folder)
    return folder


def _edit_cues(folder, edit) -> None:
    import yaml

    path = folder / "cues.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d.pop("hedges"), "missing key 'hedges'"),
        (lambda d: d.update(hedges=[]), "'hedges' is empty"),
        (lambda d: d.update(negations=[]), "'negations' is empty"),
        (lambda d: d.update(hegdes=["could"]), "unknown key 'hegdes' (did you mean 'hedges'?)"),
        (lambda d: d.update(pledge_verbs="will give"), "'pledge_verbs' must be a list"),
    ],
)
def test_a_lexicon_that_would_guard_nothing_is_refused(tmp_path, edit, message) -> None:
    """Without its guard lists a lexicon would read "Italy could contribute €100m" as a sure pledge."""
    from aidtrack.extract.lexicon import LexiconError, read_lexicon

    folder = _copy_en(tmp_path)
    _edit_cues(folder, edit)
    with pytest.raises(LexiconError) as raised:
        read_lexicon(folder)
    assert message in str(raised.value)


def test_a_key_defined_twice_in_one_file_is_refused(tmp_path) -> None:
    from aidtrack.extract.lexicon import LexiconError, read_lexicon

    folder = _copy_en(tmp_path)
    path = folder / "cues.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\nhedges: [might]\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="'hedges' is defined twice"):
        read_lexicon(folder)
