"""`aidtrack reprocess` rebuilds documents, mentions and the ledger from the raw archive alone."""

from __future__ import annotations

import pytest

from aidtrack.demo import SiteServer, demo_sources_yaml
from aidtrack.reprocess import reprocess
from aidtrack.settings import load_settings
from aidtrack.warehouse import read_only, writer

pytestmark = pytest.mark.slow


def snapshot(settings):
    with read_only(settings) as con:
        return {
            "documents": con.execute(
                "select canonical_url, title, published_on, text from documents order by 1"
            ).fetchall(),
            "mentions": con.execute(
                "select mention_id, kind, amount, currency from mentions order by 1"
            ).fetchall(),
            "pledges": con.execute("select * from pledges order by pledge_id").fetchall(),
        }


def test_reprocess_needs_no_network_and_restores_everything(prefect_harness, tmp_path):
    from flows.pipeline import pipeline

    settings = load_settings(warehouse=tmp_path / "aid.duckdb")
    sources = tmp_path / "sources.yaml"
    with SiteServer() as site:  # this site goes away before reprocessing
        sources.write_text(demo_sources_yaml(site.base_url), encoding="utf-8")
        state = pipeline(
            sources_file=str(sources), warehouse=str(settings.warehouse), delay=0.0, return_state=True
        )
    assert state.is_completed()
    before = snapshot(settings)
    assert before["pledges"]

    # As if an older extractor had found nothing: reprocessing must bring it all back from the archive.
    with writer(settings) as con:
        con.execute("delete from mentions")
        con.execute("update documents set text = 'stale', extracted_version = 'old'")
        con.execute("delete from pledge_ledger")
    summary = reprocess(settings)

    assert summary.missing_bodies == 0 and not summary.problems
    assert summary.articles == len(before["documents"])
    assert snapshot(settings) == before
