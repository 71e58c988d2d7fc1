"""One pledge, many articles: each dedup case through the real pipeline flow (Prefect, loopback HTTP, a real
DuckDB file) on a fixture site in tests/fixtures/ledger/<case>/ that states real facts in its own words."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from aidtrack.demo import SiteServer
from aidtrack.fx import load_rates
from aidtrack.settings import load_settings
from aidtrack.warehouse import read_only

BUNDLED = load_rates(None)  # no fx file in these tests: the bundled ECB rates, as the run uses
usd_rate = BUNDLED.usd_rate

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ledger"


def run_fixture(case: str, folder: Path):
    """Run the pipeline once on fixture site ``case``; returns the settings of its warehouse."""
    from flows.pipeline import pipeline

    settings = load_settings(warehouse=folder / "aid.duckdb")
    with SiteServer(FIXTURES / case) as site:
        sources = folder / "sources.yaml"
        template = (FIXTURES / case / "sources.yaml").read_text(encoding="utf-8")
        sources.write_text(template.replace("{{base}}", site.base_url), encoding="utf-8")
        state = pipeline(
            sources_file=str(sources), warehouse=str(settings.warehouse), delay=0.0, return_state=True
        )
    assert state.is_completed(), state.message
    return settings


def pledges(settings, where: str = "true") -> list[dict]:
    with read_only(settings) as con:
        cursor = con.execute(
            f"""select p.pledge_id, p.donors, p.amount, p.currency, p.amount_usd, p.announced_on, p.program,
                       p.status, p.n_sources, l.fx_rate_usd, l.fx_date,
                       list(s.kind order by s.kind) as kinds, list(s.url order by s.url) as urls
                from pledges p join pledge_ledger l using (pledge_id) join pledge_sources s using (pledge_id)
                where {where}
                group by all order by p.announced_on, p.pledge_id"""
        )
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def usd(amount: float, currency: str, on: date) -> float:
    return amount * usd_rate(currency, on)[0]


def counted_usd(settings, program: str = "PURL") -> float:
    with read_only(settings) as con:
        return con.execute(
            "select coalesce(sum(amount_usd), 0) from pledges where status = 'counted' and program = ?",
            [program],
        ).fetchone()[0]


def test_same_pledge_in_several_currencies_is_one_pledge_in_the_official_currency(prefect_harness, tmp_path):
    settings = run_fixture("several_currencies", tmp_path)
    deu = pledges(settings, "p.donors = ['DEU']")
    can = pledges(settings, "p.donors = ['CAN']")
    # "up to US$500 million" (ministry), "around €427 million" (wire), "€430 million" (outlet): one pledge
    assert len(deu) == 1
    assert (deu[0]["amount"], deu[0]["currency"], deu[0]["n_sources"]) == (500e6, "USD", 3)
    assert deu[0]["announced_on"] == date(2025, 8, 13)
    # CAD 680m on the PM's page (bare "$" on a Canadian government page) = US$500m on the wire
    assert len(can) == 1
    assert (can[0]["amount"], can[0]["currency"], can[0]["n_sources"]) == (680e6, "CAD", 2)
    # announced on Sunday 24 Aug: converted at Friday's ECB rate, and the row says so
    assert can[0]["announced_on"] == date(2025, 8, 24) and can[0]["fx_date"] == date(2025, 8, 22)
    assert can[0]["amount_usd"] == pytest.approx(680e6 * usd_rate("CAD", date(2025, 8, 22))[0])
    assert counted_usd(settings) == pytest.approx(500e6 + can[0]["amount_usd"])


def test_wrong_currency_in_one_outlet_is_the_same_pledge_in_cad(prefect_harness, tmp_path):
    settings = run_fixture("wrong_currency", tmp_path)
    rows = pledges(settings)
    # Global Affairs "$200 million" (CAD), wire "US$200 million" (wrong), outlet "US$143.4 million",
    # digest "€171 million" (a conversion of the wrong figure): one pledge, in CAD, four citations.
    assert len(rows) == 1, rows
    (pledge,) = rows
    assert (pledge["donors"], pledge["amount"], pledge["currency"]) == (["CAN"], 200e6, "CAD")
    assert pledge["n_sources"] == 4 and pledge["kinds"] == ["pledge"] * 4
    assert pledge["announced_on"] == date(2025, 12, 3)
    assert pledge["amount_usd"] == pytest.approx(200e6 * usd_rate("CAD", date(2025, 12, 3))[0])
    assert counted_usd(settings) == pytest.approx(pledge["amount_usd"])


def test_recap_a_month_later_attaches_and_is_never_counted_again(prefect_harness, tmp_path):
    settings = run_fixture("recap", tmp_path)
    rows = pledges(settings, "p.donors = ['DEU']")
    assert [(r["amount"], r["currency"]) for r in rows] == [(500e6, "USD"), (150e6, "EUR")]
    august, november = rows
    assert august["announced_on"] == date(2025, 8, 13)
    assert august["kinds"] == ["pledge", "recap", "recap"]  # September and November articles
    assert november["kinds"] == ["pledge"]
    assert counted_usd(settings) == pytest.approx(500e6 + 150e6 * usd_rate("EUR", date(2025, 11, 14))[0])


def test_joint_package_keeps_its_stated_shares_inside(prefect_harness, tmp_path):
    settings = run_fixture("joint_shares", tmp_path)
    rows = pledges(settings)
    assert len(rows) == 1, rows
    (package,) = rows
    assert package["donors"] == ["DNK", "NOR", "SWE"] and package["amount"] == 500e6
    assert package["kinds"].count("pledge") == 2  # NATO and the wire
    assert package["kinds"].count("share") == 3  # Sweden $275m, Denmark ~$90m, Norway NOK 1.5bn
    assert counted_usd(settings) == pytest.approx(500e6)
    with read_only(settings) as con:
        assert con.execute("select count(*) from pledges where donors = ['SWE']").fetchone()[0] == 0


def test_two_different_pledges_by_one_donor_in_one_week_stay_apart(prefect_harness, tmp_path):
    settings = run_fixture("one_donor_one_week", tmp_path)
    aus = pledges(settings, "p.donors = ['AUS']")
    can = pledges(settings, "p.donors = ['CAN']")
    # AUD 50m to PURL (wire on the 3rd, government on the 4th: one pledge) and AUD 43m of equipment
    assert sorted((r["amount"], r["currency"]) for r in aus) == [(43e6, "AUD"), (50e6, "AUD")]
    purl = next(r for r in aus if r["amount"] == 50e6)
    assert purl["n_sources"] == 2 and purl["announced_on"] == date(2025, 12, 3)
    # CAD 200m to PURL and US$35m to NATO's CAP trust fund
    assert sorted((r["amount"], r["currency"]) for r in can) == [(35e6, "USD"), (200e6, "CAD")]


def test_the_august_packages_recapped_in_relative_clauses_count_once(prefect_harness, tmp_path):
    """The first PURL packages (NL €500m, DNK+NOR+SWE $500m with Sweden's $275m share, DE up to $500m),
    recapped 16 days after Germany's ("Germany, which followed with 500 million dollars") and again in
    September ("In August, Germany paid ..."): one pledge per package, and August's total is theirs."""
    settings = run_fixture("august_packages", tmp_path)
    counted = pledges(settings, "p.status = 'counted'")
    assert sorted((tuple(p["donors"]), p["amount"], p["currency"]) for p in counted) == [
        (("DEU",), 500e6, "USD"),
        (("DNK", "NOR", "SWE"), 500e6, "USD"),
        (("NLD",), 500e6, "EUR"),
    ]
    germany = next(p for p in counted if p["donors"] == ["DEU"])
    assert germany["announced_on"] == date(2025, 8, 13) and germany["kinds"].count("recap") == 2
    nordic = next(p for p in counted if len(p["donors"]) == 3)
    assert "share" in nordic["kinds"]  # Sweden's $275m stays inside the joint package
    assert pledges(settings, "p.donors = ['SWE']") == []
    august = usd(500e6, "EUR", date(2025, 8, 4)) + 500e6 + 500e6
    with read_only(settings) as con:
        (contributed,) = con.execute(
            "select contributed_usd from monthly_vs_target where program = 'PURL' and month = date '2025-08-01'"
        ).fetchone()
    assert contributed == pytest.approx(august)
    assert counted_usd(settings) == pytest.approx(august)
