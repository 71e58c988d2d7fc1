"""Donors by name: CLDR country names through Babel, in the report's language, and --donor resolution."""

from __future__ import annotations

import pytest

from aidtrack.report.names import (
    UnknownDonorError,
    UnknownLanguageError,
    country_name,
    donor_names,
    donors_label,
    resolve_donor,
)


def test_country_names_in_the_reports_language():
    assert country_name("NLD") == "Netherlands"
    assert country_name("GBR") == "United Kingdom"
    assert country_name("dnk", "de") == "Dänemark"
    assert country_name("EUU") == "European Union"  # the project's code for the EU institutions
    assert country_name("XYZ") == "XYZ"  # unknown codes are shown as they are, never dropped


def test_joint_packages_read_as_one_phrase():
    assert donors_label(["DNK", "NOR", "SWE"]) == "Denmark, Norway and Sweden"
    assert donors_label(["NOR", "DNK"]) == "Denmark and Norway"
    assert donors_label(["SWE", "DNK", "NOR"], "de") == "Dänemark, Norwegen und Schweden"
    assert donors_label(["DNK", "NOR", "SWE"], "en") == "Denmark, Norway, and Sweden"  # US English style
    assert donors_label([]) == "all donors" and donors_label([], none="all") == "all"
    # alphabetical by name, not by code: LTU sorts before LVA, Latvia before Lithuania
    assert donor_names(["LTU", "LVA", "EST"]) == ["Estonia", "Latvia", "Lithuania"]


@pytest.mark.parametrize(
    ("typed", "language", "code"),
    [
        ("NLD", "en-GB", "NLD"),
        ("nld", "en-GB", "NLD"),
        ("NL", "en-GB", "NLD"),
        ("netherlands", "en-GB", "NLD"),
        ("  United   Kingdom ", "en-GB", "GBR"),
        ("Niederlande", "de", "NLD"),
        ("Netherlands", "de", "NLD"),  # English names work in any report language
        ("Germany", "en-GB", "DEU"),  # not DDR, the other alpha-3 code CLDR maps to DE
        ("EUU", "en-GB", "EUU"),
    ],
)
def test_resolve_donor(typed, language, code):
    assert resolve_donor(typed, language) == code


def test_resolve_donor_prefers_the_code_in_the_data_and_refuses_what_it_cannot_place():
    assert resolve_donor("DE", known=["DEU"]) == "DEU"
    assert resolve_donor("QQQ", known=["QQQ"]) == "QQQ"  # a code the data has, even if CLDR does not
    for bad in ("Narnia", "", "XX", "World"):
        with pytest.raises(UnknownDonorError):
            resolve_donor(bad)


def test_an_unknown_language_is_a_clear_error():
    with pytest.raises(UnknownLanguageError, match="unknown report language 'xx-YY'"):
        country_name("NLD", "xx-YY")
