"""The static HTML report in a real headless Chromium: it renders, nothing scraped can run in it, it is
readable on a phone (390 px) as on a desktop, and analysts' edits show beside the quotes."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from aidtrack.ledger import sample as ledger_sample
from aidtrack.ledger.review import decide
from aidtrack.ledger.store import rebuild_ledger
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
    yield from _serve(settings)


EDIT_REASON = "<img src=x onerror=\"document.title='pwned'\"> the ministry corrected it to EUR 480 million"


@pytest.fixture
def edited_site(settings) -> Iterator[tuple[str, Path]]:
    """A ledger the real rebuild made from mentions, with an analyst's edit (``decide``, what
    `aidtrack review edit` runs) whose reason carries markup, published and served."""
    with writer(settings) as con:
        ledger_sample.warehouse(con)
        ledger_sample.add_mention(
            con, "https://www.defensie.nl/news/a-very-long-address-with-no-break-opportunity-" + "x" * 120,
            donors=("NLD",), amount=500e6, currency="EUR", source="gov", published_on=date(2025, 9, 2),
            quote="The Netherlands will contribute EUR 500 million to a new PURL package.",
        )  # fmt: skip
        con.execute("begin")
        rebuild_ledger(con)
        (pledge_id,) = con.execute("select pledge_id from pledge_ledger").fetchone()
        decide(con, pledge_id, "edit", analyst="ana", reason=EDIT_REASON, amount=480e6)
        con.execute("commit")
    yield from _serve(settings)


def _serve(settings) -> Iterator[tuple[str, Path]]:
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


def _open(browser, url: str, **context):
    page = browser.new_page(**context)
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


def test_donors_are_named_and_the_reference_comparison_is_shown(browser, site):
    """What a reader sees: country names (codes only as tooltips), joint packages as one phrase, and the
    month-by-month check against the reference with its reading, on a desktop and on a phone."""
    url, _ = site
    for context in (DESKTOP, PHONE):
        page, events = _open(browser, url, **context)
        try:
            assert events["console_errors"] == [] and events["page_errors"] == []
            assert page.locator("html").get_attribute("lang") == "en-GB"
            donors = page.locator('#donors-table td[data-label="donor"]')
            assert donors.first.inner_text() == "Germany"
            assert donors.first.locator("span").get_attribute("title") == "DEU"
            names = page.locator('#pledges-table td[data-label="donors"]').all_inner_texts()
            assert "Denmark, Norway and Sweden" in names and "Estonia, Latvia and Lithuania" in names
            assert not any(code in " ".join(names) for code in ("DNK", "NOR", "SWE", "NLD"))
            reference = page.locator("#reference")
            assert (
                reference.locator("h3").inner_text().startswith("PURL: our pledges vs the Kiel Institute's")
            )
            rows = page.locator("#reference-table tbody tr")
            assert rows.count() >= 6 and rows.first.locator("td").first.inner_text() == "2025-08"
            assert rows.first.locator('td[data-label="allocations"]').inner_text() == "€1.40bn"
            reading = reference.locator("p.reading")
            assert reading.is_visible() and "December 2025" in reading.inner_text()
            assert page.evaluate("document.documentElement.scrollWidth") <= context["viewport"]["width"]
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


# A phone as Chromium emulates one: a mobile viewport honours <meta name="viewport"> (without it the page
# would be laid out 980 px wide and shrunk), touch, 3x pixels.
PHONE = dict(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, device_scale_factor=3)
DESKTOP = dict(viewport={"width": 1280, "height": 900})

# Every element that pokes out of the viewport sideways, unless a box that scrolls sideways (and itself
# fits) contains it: what a reader would have to pan the whole page to see.
_OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const out = (r) => r.width > 0 && (r.left < -0.5 || r.right > width + 0.5);
  const scroller = (el) => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      const x = getComputedStyle(p).overflowX;
      if ((x === 'auto' || x === 'scroll') && !out(p.getBoundingClientRect())) return p;
    }
    return null;
  };
  return [...document.body.querySelectorAll('*')]
    .filter((el) => out(el.getBoundingClientRect()) && !scroller(el))
    .map((el) => el.tagName + (el.id ? '#' + el.id : '') + (el.className ? '.' + el.className : '')
                  + ' right=' + Math.round(el.getBoundingClientRect().right));
}"""

# The smallest font any visible text is set in.
_SMALLEST_FONT = """() => Math.min(...[...document.body.querySelectorAll('*')]
  .filter((el) => [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())
                  && el.getBoundingClientRect().width > 0)
  .map((el) => parseFloat(getComputedStyle(el).fontSize)))"""


@pytest.mark.parametrize("which", ["site", "edited_site"])
def test_report_fits_a_phone_screen(browser, which, request):
    url, _ = request.getfixturevalue(which)
    page, events = _open(browser, url, **PHONE)
    try:
        assert events["console_errors"] == [] and events["page_errors"] == []
        assert page.evaluate("window.innerWidth") == 390  # laid out at the phone's width, not shrunk
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert page.evaluate(_OVERFLOWING) == []
        assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 16
        assert page.evaluate(_SMALLEST_FONT) >= 12
        chart = page.locator("img#chart").bounding_box()
        assert (
            chart
            and 300 < chart["width"] <= 390
            and chart["height"] == pytest.approx(chart["width"] * 0.65, abs=2)
        )
        # pledges become cards: one block per pledge, every value labelled with its column
        row = page.locator("#pledges-table tbody tr").first
        assert row.evaluate("tr => getComputedStyle(tr).display") == "block"
        labels = row.locator("td").evaluate_all(
            "tds => tds.map(td => [td.dataset.label, getComputedStyle(td, '::before').content])"
        )
        assert labels[0] == ["announced", '"announced"'] and all(f'"{a}"' == b for a, b in labels), labels
        assert page.locator("#pledges-table thead").bounding_box()["height"] <= 1  # read via the labels
        assert page.get_by_text("Scroll the table sideways", exact=False).first.is_visible()
    finally:
        page.close()


def test_wide_number_tables_scroll_in_their_own_box_with_the_month_kept_in_view(browser, site):
    url, _ = site
    page, _ = _open(browser, url, **PHONE)
    try:
        box = page.locator("#months-table").locator("xpath=..")
        assert box.evaluate("b => b.scrollWidth > b.clientWidth")  # there is more to see, in the box
        first_month = page.locator("#months-table tbody tr").first.locator("td").first
        left = box.bounding_box()["x"]
        box.evaluate("b => { b.scrollLeft = b.scrollWidth; }")
        assert box.evaluate("b => b.scrollLeft") > 100
        assert first_month.bounding_box()["x"] == pytest.approx(left, abs=2)  # sticky: still in view
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the page itself did not move
    finally:
        page.close()


def test_desktop_keeps_plain_tables(browser, site):
    url, _ = site
    page, _ = _open(browser, url, **DESKTOP)
    try:
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280
        assert page.evaluate(_OVERFLOWING) == []
        row = page.locator("#pledges-table tbody tr").first
        assert row.evaluate("tr => getComputedStyle(tr).display") == "table-row"
        assert page.locator("#pledges-table thead").bounding_box()["height"] > 20
        assert not page.get_by_text("Scroll the table sideways", exact=False).first.is_visible()
        box = page.locator("#months-table").locator("xpath=..")
        assert box.evaluate("b => b.scrollWidth <= b.clientWidth")  # wide enough: nothing to scroll
    finally:
        page.close()


def test_an_analysts_edit_shows_beside_the_quote_on_a_phone(browser, edited_site):
    url, _ = edited_site
    page, events = _open(browser, url, **PHONE)
    try:
        assert page.title() == TITLE and events["dialogs"] == []  # the reason's markup did not run
        assert page.locator("#pledges-table img, #pledges-table script").count() == 0
        cell = page.locator('#pledges-table td[data-label="sources and quotes"]')
        decision = cell.locator("ul.decisions li")
        text = " ".join(decision.inner_text().split())
        assert text.startswith("edited by ana on ") and "amount €500.0m → €480.0m" in text
        assert EDIT_REASON in text  # shown, as text
        quote = cell.locator("ul.sources blockquote")
        assert "EUR 500 million" in quote.inner_text()
        # both are on screen, the decision first, within the card
        d, q = decision.bounding_box(), quote.bounding_box()
        assert d["y"] < q["y"] and d["x"] + d["width"] <= 390 and q["x"] + q["width"] <= 390
    finally:
        page.close()
