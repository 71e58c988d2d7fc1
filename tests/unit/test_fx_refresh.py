"""The daily ECB refresh: a good file is swapped in; a bad or stale one never replaces what we have."""

import io
import zipfile
from datetime import date

import httpx
import pytest

from aidtrack.fx import load_rates
from aidtrack.fx.refresh import RatesRefreshError, refresh_rates
from aidtrack.settings import load_settings

HISTORY = "Date,USD,CAD,\n2026-11-27,1.2000,1.5000,\n2026-11-26,1.1900,1.4900,\n"


def zipped(csv_text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("eurofxref-hist.csv", csv_text)
    return buffer.getvalue()


def transport_serving(body: bytes, status: int = 200) -> httpx.MockTransport:
    return httpx.MockTransport(lambda request: httpx.Response(status, content=body))


@pytest.fixture
def settings(tmp_path):
    return load_settings(warehouse=tmp_path / "aid.duckdb")


def test_fresh_rates_are_installed_and_used(settings):
    refreshed = refresh_rates(settings, transport=transport_serving(zipped(HISTORY)))
    assert refreshed.path == settings.fx_file and refreshed.last_date == "2026-11-27"
    assert load_rates(settings.fx_file).usd_rate("EUR", date(2026, 11, 28)) == (1.2, date(2026, 11, 27))
    assert load_rates(None).usd_rate("EUR", date(2026, 11, 28))[0] != 1.2  # the bundled rates


def test_http_error_keeps_the_old_file(settings):
    refresh_rates(settings, transport=transport_serving(zipped(HISTORY)))
    before = settings.fx_file.read_bytes()
    with pytest.raises(RatesRefreshError, match="could not download"):
        refresh_rates(settings, transport=transport_serving(b"gone", status=503))
    assert settings.fx_file.read_bytes() == before


def test_garbage_and_stale_files_are_refused(settings):
    with pytest.raises(RatesRefreshError, match="zip"):
        refresh_rates(settings, transport=transport_serving(b"<html>maintenance</html>"))
    assert not settings.fx_file.exists()
    with pytest.raises(RatesRefreshError, match="not a valid history"):
        refresh_rates(settings, transport=transport_serving(zipped("nonsense\n1,2,3\n")))
    refresh_rates(settings, transport=transport_serving(zipped(HISTORY)))
    stale = "Date,USD,\n2020-01-02,1.1,\n"
    with pytest.raises(RatesRefreshError, match="older"):
        refresh_rates(settings, transport=transport_serving(zipped(stale)))
    assert list(settings.fx_file.parent.iterdir()) == [settings.fx_file]  # no temp files left behind
