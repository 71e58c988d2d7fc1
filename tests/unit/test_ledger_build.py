"""Citations → pledges: one real-world pledge once, whatever the currency or outlet."""

from datetime import date

from aidtrack.ledger.build import Citation, build_ledger


def cite(donors, amount, currency, on, *, kind="pledge", tier="outlet", program="PURL", mid=None, conf=0.9):
    return Citation(
        kind=kind,
        donors=tuple(sorted(donors)),
        amount=amount,
        currency=currency,
        program=program,
        on=on,
        confidence=conf,
        tier=tier,
        mention_id=mid or f"{donors}{amount}{on}{tier}",
        url=f"https://{tier}.example/{amount}",
    )


def test_same_pledge_in_two_currencies_from_two_outlets_is_one_pledge_from_the_official_source():
    ledger = build_ledger(
        [
            cite(["NLD"], 578e6, "USD", date(2025, 8, 4), tier="wire"),
            cite(["NLD"], 500e6, "EUR", date(2025, 8, 4), tier="official"),
            cite(["NLD"], 0.5e9, "EUR", date(2025, 8, 6), tier="aggregator"),
        ]
    )
    assert len(ledger) == 1
    pledge = ledger[0]
    assert (pledge.canonical.amount, pledge.canonical.currency) == (500e6, "EUR")
    assert pledge.announced_on == date(2025, 8, 4) and len(pledge.citations) == 3


def test_two_different_pledges_by_one_donor_in_one_week_stay_apart():
    ledger = build_ledger(
        [
            cite(["DEU"], 150e6, "EUR", date(2025, 11, 14)),
            cite(["DEU"], 200e6, "USD", date(2025, 12, 2)),
            cite(["DEU"], 500e6, "USD", date(2025, 11, 16)),
        ]
    )
    assert sorted(p.canonical.amount for p in ledger) == [150e6, 200e6, 500e6]


def test_recap_attaches_to_the_earlier_pledge_or_founds_one_from_background():
    ledger = build_ledger(
        [
            cite(["DEU"], 500e6, "USD", date(2025, 8, 13), tier="wire"),
            cite(["DEU"], 500e6, "USD", date(2025, 11, 14), kind="recap"),
            cite(["ITA"], 100e6, "EUR", date(2025, 9, 1), kind="recap"),  # nothing to attach to
            cite(["ITA"], 100e6, "EUR", date(2025, 9, 1), kind="recap", mid="another article"),
        ]
    )
    germany, italy = sorted(ledger, key=lambda p: p.canonical.donors)
    assert [c.kind for c in germany.citations] == ["pledge", "recap"] and not germany.from_background
    assert germany.announced_on == date(2025, 8, 13)
    # A pledge known only from background mentions exists (for review), dated by their own evidence.
    assert italy.from_background and len(italy.citations) == 2 and italy.announced_on == date(2025, 9, 1)


def test_joint_package_is_not_merged_with_a_single_donor_pledge():
    ledger = build_ledger(
        [
            cite(["DNK", "NOR", "SWE"], 500e6, "USD", date(2025, 8, 5)),
            cite(["SWE"], 500e6, "USD", date(2025, 8, 5)),
        ]
    )
    assert len(ledger) == 2


def test_program_separates_pledges():
    ledger = build_ledger(
        [
            cite(["CAN"], 680e6, "CAD", date(2025, 8, 24)),
            cite(["CAN"], 680e6, "CAD", date(2025, 8, 24), program="bilateral"),
        ]
    )
    assert {p.canonical.program for p in ledger} == {"PURL", "bilateral"}


def test_curated_pledge_absorbs_matching_extracted_mentions():
    curated = Citation(
        kind="curated",
        donors=("BEL",),
        amount=100e6,
        currency="EUR",
        program="PURL",
        on=date(2025, 8, 29),
        confidence=1.0,
        tier="official",
        url="https://gov.example/be",
    )
    ledger = build_ledger([cite(["BEL"], 100e6, "EUR", date(2025, 8, 30), tier="wire"), curated])
    assert len(ledger) == 1 and ledger[0].canonical.kind == "curated"


def test_ledger_is_deterministic_and_ids_are_stable():
    citations = [
        cite(["NLD"], 500e6, "EUR", date(2025, 8, 4), tier="official"),
        cite(["NLD"], 578e6, "USD", date(2025, 8, 4), tier="wire"),
        cite(["POL"], 100e6, "USD", date(2025, 11, 20)),
    ]
    first = [p.pledge_id for p in build_ledger(citations)]
    again = [p.pledge_id for p in build_ledger(list(reversed(citations)))]
    assert sorted(first) == sorted(again) and len(set(first)) == 2
