"""The static HTML report in a real headless Chromium: it renders, and nothing scraped can run in it."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from aidtrack.report import publish
from aidtrack.report.sample import HOSTILE_URL, build_sample_warehouse
from aidtrack.warehouse import read_only, writer

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TITLE = "PURL: military-aid pledges vs target"


@pytest.fixture(scope="module")
def browser() -> Iterator:
    if not CHROMIUM.exists():
        pytest.skip("Chromium not installed: apt-get install -y chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def site(settings) -> Iterator[tuple[str, Path]]:
    """publish() into the warehouse folder, served over loopback HTTP."""
    with writer(settings) as con:
        build_sample_warehouse(con)
    publish(settings)
    folder = settings.warehouse.parent
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/report.html", folder
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def _open(browser, url: str):
    page = browser.new_page()
    events = {"console_errors": [], "page_errors": [], "dialogs": [], "requests": []}
    page.on("console", lambda m: events["console_errors"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: events["page_errors"].append(str(e)))
    page.on("dialog", lambda d: (events["dialogs"].append(d.message), d.dismiss()))
    page.on("request", lambda r: events["requests"].append(r.url))
    response = page.goto(url, wait_until="load")
    assert response is not None and response.ok
    page.wait_for_timeout(300)  # give an injected handler (img onerror) the chance to fire if it existed
    return page, events


def test_report_renders_with_no_errors(browser, site, settings):
    url, _ = site
    page, events = _open(browser, url)
    try:
        assert events["console_errors"] == [] and events["page_errors"] == []
        assert page.title() == TITLE
        chart = page.locator("img#chart")
        assert chart.evaluate("img => img.complete && img.naturalWidth") > 500
        box = chart.bounding_box()
        assert box and box["width"] > 300 and box["height"] > 200
        with read_only(settings) as con:
            n_months = con.execute(
                "select count(*) from monthly_vs_target where program = 'PURL'"
            ).fetchone()[0]
            n_pledges = con.execute("select count(*) from pledge_ledger").fetchone()[0]
        assert page.locator("#months-table tbody tr").count() == n_months
        assert page.locator("#pledges-table tbody tr").count() == n_pledges
        table_box = page.locator("#months-table").bounding_box()
        assert table_box and table_box["height"] > 20 * n_months
        assert page.locator("#months-table tbody tr").first.locator("td").first.inner_text() == "2025-08"
        assert page.locator("#donors-table tbody tr").count() >= 5
        assert page.locator("#failed-sources-table tbody tr").count() == 1
        assert "HTTP 503" in page.locator("#failed-sources-table").inner_text()
        # only the page itself was fetched: the chart is inline, no other network requests
        assert events["requests"] == [url]
    finally:
        page.close()


def test_scraped_script_never_runs_and_javascript_urls_are_not_links(browser, site):
    url, _ = site
    page, events = _open(browser, url)
    try:
        assert page.title() == TITLE  # the quote's <script>document.title='pwned'</script> did not run
        assert events["dialogs"] == []
        assert page.locator("script").count() == 0
        assert page.locator("img").count() == 1  # the quote's <img onerror> is text, not an element
        # the hostile quote is shown, as text
        assert page.get_by_text("<script>document.title='pwned'</script>", exact=False).count() >= 1
        hrefs = page.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        assert hrefs and all(h.startswith(("http://", "https://")) for h in hrefs), hrefs
        assert page.locator(f'a[href="{HOSTILE_URL}"]').count() == 0
        assert page.get_by_text(HOSTILE_URL, exact=False).count() >= 1  # shown as plain text
    finally:
        page.close()


def test_csp_would_stop_a_script_even_if_escaping_failed(browser, site):
    """Defence in depth: splice a raw script into the published page; the CSP meta tag must block it."""
    url, folder = site
    page_path = folder / "report.html"
    text = page_path.read_text()
    page_path.write_text(text.replace("<body>", "<body><script>document.title='pwned'</script>", 1))
    page, events = _open(browser, url)
    try:
        assert page.title() == TITLE
        assert any("Content Security Policy" in e for e in events["console_errors"]), events
    finally:
        page.close()
