"""Synthetic news sites for the benchmarks: N article pages, RSS feeds and Google News sitemaps.

    uv run python bench/corpus.py --n 1000 --out /tmp/aidtrack-corpus-1000   # write a corpus

Each page is a realistic 50-100 KB news page: a mega-menu, breadcrumbs, inline CSS and JavaScript
(analytics, consent, hydration state), share buttons, ad slots, related-story teasers, a "most read"
list, a newsletter form and a long footer, around an article of 8-25 paragraphs. Four layouts rotate:

- ``jsonld``: JSON-LD NewsArticle (headline, datePublished), ``<article>``, Open Graph metas
- ``meta``: ``article:published_time`` / ``og:title`` metas, ``<main>`` holding a div
- ``time``: no metas, a ``<time datetime>`` in the byline, div soup, teaser ``<article>`` cards
- ``bare``: no date on the page at all (the sitemap's date is the only one), div soup

About ``pledge_share`` of the pages carry one to three pledge sentences in varied phrasing (taken from
the labelled evaluation set), about as many carry distractors (recaps, shares, totals, other money),
the rest none. The corpus is split over ``sites`` sites, each a folder served by its own loopback
server (one host each, so per-host politeness applies as on the real web), with ``robots.txt``, an RSS
feed of its latest 50 articles and a news sitemap index whose children list up to 1,000 URLs each.
Links are written as ``{{base}}/…``; ``SiteServer`` fills in its own address.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path

EVAL_SENTENCES = Path(__file__).resolve().parent.parent / "tests" / "eval" / "sentences.jsonl"
LAYOUTS = ("jsonld", "meta", "time", "bare")
FIRST_DAY = datetime(2025, 6, 1, 6, 0, tzinfo=UTC)
LAST_DAY = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)
FEED_ITEMS = 50
SITEMAP_CHILD_URLS = 1000  # Google News sitemaps hold at most 1,000 URLs
CORPUS_VERSION = 1  # bump when the generator changes, so cached corpora are rebuilt

_SUBJECTS = [
    "The ministry",
    "Officials in Kyiv",
    "The brigade commander",
    "A spokesperson for the general staff",
    "Analysts at the institute",
    "The parliamentary committee",
    "Regional authorities",
    "The alliance",
    "European diplomats",
    "The defence attaché",
    "Local volunteers",
    "The energy operator",
    "Military engineers",
    "The foreign minister",
    "Aid agencies",
    "The prime minister's office",
]
_VERBS = [
    "said on Tuesday that",
    "told reporters that",
    "warned that",
    "confirmed that",
    "argued that",
    "noted in a statement that",
    "insisted that",
    "reported that",
    "acknowledged that",
    "added that",
]
_CLAUSES = [
    "repairs to the damaged substations would take several more weeks",
    "the front line near the river had barely moved since the spring",
    "training of the new crews was running ahead of schedule",
    "the talks would resume after the summit in the autumn",
    "drone attacks on logistics hubs had intensified overnight",
    "deliveries of spare parts had been delayed by customs checks",
    "winter preparations were the priority for the coming months",
    "the air-defence network had intercepted most of the incoming missiles",
    "the reform of procurement rules was still being debated",
    "cooperation with neighbouring countries had improved markedly",
    "more shelters were needed in the eastern districts",
    "the evacuation of civilians from frontline villages continued",
    "production of artillery shells in Europe was rising steadily",
    "the next round of sanctions was being drafted in Brussels",
]
_NUMBERED = [
    "About {n} people were evacuated from the area on {day}.",
    "The convoy travelled {n} kilometres in {m} hours before reaching the depot.",
    "At least {n} drones were launched overnight, {m} of them shot down.",
    "The committee met {m} times in {year} and heard {n} witnesses.",
    "Some {n} families returned to the town after {m} months away.",
    "Rail traffic resumed on {day} after a {m}-hour pause.",
]
_OTHER_MONEY = [
    "The company reported revenue of ${n} million for the quarter, up {m} percent.",
    "Ticket prices for the festival rose to €{m}0 this year.",
    "The city's budget for road repairs is about {n} million hryvnias.",
    "Shares in the carmaker fell {m}% after it cut its forecast by $ {n} million.",
]
_SECTIONS = ["World", "Europe", "Ukraine", "Defence", "Politics", "Business", "Energy", "Opinion", "Analysis"]
_TOPICS = ["air defence", "ammunition", "energy grid", "diplomacy", "reconstruction", "sanctions", "drones",
           "training", "logistics", "humanitarian aid", "procurement", "industry"]  # fmt: skip


@dataclass(frozen=True)
class Article:
    """One generated page and what it is about (for the feeds, the sitemaps and the checks)."""

    site: int
    index: int  # position in the whole corpus (0 = oldest)
    path: str  # URL path on its site, "/2025/08/04/air-defence-123.html"
    title: str
    published: datetime
    layout: str
    n_pledge_sentences: int


def _eval_sentences() -> tuple[list[str], list[str]]:
    rows = [json.loads(line) for line in EVAL_SENTENCES.read_text(encoding="utf-8").splitlines() if line]
    pledges = [r["text"] for r in rows if "pledge" in r["kinds"] and r.get("pledges")]
    distractors = [r["text"] for r in rows if not r.get("pledges") and r["kinds"]]
    return pledges, distractors


def _sentence(rng: random.Random) -> str:
    if rng.random() < 0.15:
        return rng.choice(_NUMBERED).format(
            n=rng.randint(12, 4000), m=rng.randint(2, 48), year=rng.choice([2024, 2025]),
            day=rng.choice(["Monday", "Friday", "12 March", "3 October"]),
        )  # fmt: skip
    return f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_CLAUSES)}."


def _links(rng: random.Random, n: int, prefix: str = "/section/") -> str:
    return "".join(
        f'<li class="menu-item"><a href="{{{{base}}}}{prefix}{rng.choice(_TOPICS).replace(" ", "-")}-{k}">'
        f"{escape(rng.choice(_TOPICS).title())} {k}</a></li>"
        for k in range(n)
    )


def _script_blob(rng: random.Random, kbytes: int) -> str:
    """Minified-looking JavaScript: hydration state and analytics, the bulk of a modern page's bytes."""
    parts = []
    size = 0
    while size < kbytes * 1024:
        key = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(6))
        chunk = (
            f'window.__s["{key}"]={{id:{rng.randint(1, 10**9)},t:"{rng.choice(_TOPICS)}",'
            f'u:"/x/{key}",f:function(a,b){{return a&&b?a.concat(b):[]}},v:[{rng.randint(0, 99)},'
            f"{rng.randint(0, 99)},{rng.randint(0, 99)}]}};"
        )
        parts.append(chunk)
        size += len(chunk)
    return "".join(parts)


class _Site:
    """The per-site furniture that every page of one site repeats (menus, footer, styles)."""

    def __init__(self, site: int) -> None:
        rng = random.Random(1000 + site)
        self.name = f"Daily Bench {site}"
        self.style = "".join(
            f".c{k}{{margin:{rng.randint(0, 20)}px;padding:{rng.randint(0, 9)}px;color:#{rng.randint(0, 0xFFFFFF):06x}}}"
            for k in range(120)
        )
        self.nav = (
            '<header class="site-header"><div class="logo"><a href="{{base}}/">' + self.name + "</a></div>"
            '<nav class="main-nav"><ul class="menu">'
            + "".join(
                f'<li class="menu-item has-sub"><a href="{{{{base}}}}/section/{s.lower()}">{s}</a>'
                f'<ul class="sub-menu">{_links(rng, 8)}</ul></li>'
                for s in _SECTIONS
            )
            + '</ul></nav><div class="search"><form action="/search"><input name="q"><button>Search</button>'
            "</form></div></header>"
        )
        self.footer = (
            '<footer class="site-footer"><div class="footer-cols">'
            + "".join(f'<div class="col"><h4>{s}</h4><ul>{_links(rng, 10)}</ul></div>' for s in _SECTIONS[:6])
            + '</div><div class="newsletter"><form><label>Get the morning briefing</label><input name="email">'
            '<button>Subscribe</button></form></div><p class="legal">© 2026 ' + self.name + ". All rights "
            "reserved. Registered in a country far away. Terms of use, privacy policy, cookie settings.</p>"
            '</footer><div class="cookie-banner" id="cookie-banner"><p>We use cookies to improve your '
            "experience and to measure the audience of this site. You can change your choices at any time in"
            " the settings.</p><button>Accept</button><button>Reject</button></div>"
        )


def _published(index: int, n: int) -> datetime:
    span = (LAST_DAY - FIRST_DAY).total_seconds()
    return FIRST_DAY + timedelta(seconds=int(span * index / max(1, n - 1)))


def generate(
    n: int, *, sites: int = 4, seed: int = 7, pledge_share: float = 0.1
) -> Iterator[tuple[Article, str]]:
    """Yield (article, html) for N pages, oldest first; deterministic for a given seed."""
    pledges, distractors = _eval_sentences()
    furniture = [_Site(s) for s in range(sites)]
    rng = random.Random(seed)
    for index in range(n):
        site = index % sites
        layout = LAYOUTS[rng.randrange(len(LAYOUTS))]
        published = _published(index, n)
        topic = rng.choice(_TOPICS)
        title = f"{topic.capitalize()}: {rng.choice(_CLAUSES)} ({index})"
        slug = f"{topic.replace(' ', '-')}-{index}"
        path = f"/{published:%Y/%m/%d}/{slug}.html"
        roll = rng.random()
        paragraphs = [
            " ".join(_sentence(rng) for _ in range(rng.randint(3, 6))) for _ in range(rng.randint(8, 25))
        ]
        n_pledges = 0
        if roll < pledge_share:
            n_pledges = rng.choice([1, 1, 1, 2, 3])
            for _ in range(n_pledges):
                at = rng.randrange(len(paragraphs))
                paragraphs[at] = f"{rng.choice(pledges)} {paragraphs[at]}"
            paragraphs[0] = f"{paragraphs[0]} The money goes to military aid for Ukraine."
        elif roll < 2 * pledge_share:
            at = rng.randrange(len(paragraphs))
            paragraphs[at] = f"{rng.choice(distractors)} {paragraphs[at]}"
        if rng.random() < 0.2:
            at = rng.randrange(len(paragraphs))
            other = rng.choice(_OTHER_MONEY).format(n=rng.randint(2, 900), m=rng.randint(2, 40))
            paragraphs[at] = f"{paragraphs[at]} {other}"
        article = Article(site, index, path, title, published, layout, n_pledges)
        yield article, _page(article, paragraphs, furniture[site], rng)


def _page(a: Article, paragraphs: list[str], site: _Site, rng: random.Random) -> str:
    url = "{{base}}" + a.path
    iso = a.published.isoformat()
    head = [f"<title>{escape(a.title)} | {site.name}</title>", '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<style>{site.style}</style>", '<link rel="stylesheet" href="/static/site.css">']  # fmt: skip
    if a.layout == "jsonld":
        ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": a.title,
              "datePublished": iso, "author": {"@type": "Person", "name": "Staff reporter"},
              "publisher": {"@type": "Organization", "name": site.name}, "mainEntityOfPage": url}  # fmt: skip
        head.append(f'<script type="application/ld+json">{json.dumps(ld)}</script>')
        head.append(f'<meta property="og:title" content="{escape(a.title)}">')
        head.append(f'<link rel="canonical" href="{url}">')
    elif a.layout == "meta":
        head.append(f'<meta property="og:title" content="{escape(a.title)}">')
        head.append(f'<meta property="og:url" content="{url}">')
        head.append(f'<meta property="article:published_time" content="{iso}">')
    head.append(f"<script>window.__s={{}};{_script_blob(rng, rng.randint(14, 40))}</script>")
    head.append('<script async src="/static/analytics.js"></script>')

    paras = []
    for k, text in enumerate(paragraphs):
        if k and k % 4 == 0:
            paras.append('<div class="ad-slot advert"><span>Advertisement</span></div>')
        if k and k % 7 == 0:
            paras.append(
                f'<p class="read-more">Read more: <a href="{{{{base}}}}/story/{rng.randint(1, 10**6)}">'
                f"{escape(rng.choice(_CLAUSES).capitalize())}</a></p>"
            )
        paras.append(f"<p>{escape(text)}</p>")
    body_html = "".join(paras)
    share = ('<div class="share-bar social"><a href="#">Share</a><a href="#">Post</a><a href="#">Email</a>'
             '<button class="copy-link">Copy link</button></div>')  # fmt: skip
    byline = f'<div class="byline">By Staff reporter, {site.name}'
    if a.layout == "time":
        byline += f' <time datetime="{iso}">{a.published:%d %B %Y}</time>'
    byline += "</div>"
    h1 = f"<h1>{escape(a.title)}</h1>"
    if a.layout == "jsonld":
        main = (
            f'<article class="story">{h1}{byline}{share}<div class="story-body">{body_html}</div></article>'
        )
    elif a.layout == "meta":
        main = f'<main id="main">{h1}{byline}{share}<div class="content-body">{body_html}</div></main>'
    else:
        main = (f'<div id="page"><div class="row"><div class="col-8">{h1}{byline}{share}'
                f'<div class="txt"><div class="inner">{body_html}</div></div></div></div></div>')  # fmt: skip
    teaser_tag = "article" if a.layout == "time" else "div"
    related = (
        '<aside class="related sidebar"><h3>Related stories</h3>'
        + "".join(
            f'<{teaser_tag} class="teaser"><a href="{{{{base}}}}/story/{rng.randint(1, 10**6)}">'
            f"<h4>{escape(rng.choice(_CLAUSES).capitalize())}</h4></a><p>{escape(_sentence(rng))}</p></{teaser_tag}>"
            for _ in range(20)
        )
        + '</aside><div class="most-read"><h3>Most read</h3><ol>'
        + "".join(
            f'<li><a href="{{{{base}}}}/story/{rng.randint(1, 10**6)}">{escape(rng.choice(_CLAUSES))}</a></li>'
            for _ in range(10)
        )
        + "</ol></div>"
    )
    breadcrumb = ('<div class="breadcrumb"><a href="{{base}}/">Home</a> › '
                  '<a href="{{base}}/section/defence">Defence</a></div>')  # fmt: skip
    tail = f"<script>{_script_blob(rng, rng.randint(4, 12))}</script>"
    return (
        f'<!DOCTYPE html><html lang="en"><head>{"".join(head)}</head><body class="article-page">'
        f"{site.nav}{breadcrumb}{main}{related}{site.footer}{tail}</body></html>"
    )


def _rss(site: _Site, latest: list[Article]) -> str:
    items = "".join(
        f"<item><title>{escape(a.title)}</title><link>{{{{base}}}}{a.path}</link>"
        f"<guid>{{{{base}}}}{a.path}</guid><pubDate>{format_datetime(a.published)}</pubDate>"
        f"<description>{escape(a.title)}</description></item>"
        for a in latest
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{site.name}</title><link>{{{{base}}}}/</link><description>Latest news</description>"
        f"{items}</channel></rss>"
    )


def _news_sitemap(articles: list[Article], site: _Site) -> str:
    urls = "".join(
        f"<url><loc>{{{{base}}}}{a.path}</loc><news:news><news:publication><news:name>{site.name}"
        "</news:name><news:language>en</news:language></news:publication>"
        f"<news:publication_date>{a.published.isoformat()}</news:publication_date>"
        f"<news:title>{escape(a.title)}</news:title></news:news></url>"
        for a in articles
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">' + urls + "</urlset>"
    )


@dataclass(frozen=True)
class Corpus:
    folder: Path
    n: int
    sites: int
    seed: int
    pledge_share: float
    n_bytes: int
    n_pledge_pages: int

    def site_dirs(self) -> list[Path]:
        return [self.folder / f"site{s}" for s in range(self.sites)]


def write_corpus(folder: Path, n: int, *, sites: int = 4, seed: int = 7, pledge_share: float = 0.1) -> Corpus:
    """Write the corpus under ``folder`` (``site0/``, ``site1/``, …), or reuse one already there."""
    manifest = folder / "corpus.json"
    wanted = {"version": CORPUS_VERSION, "n": n, "sites": sites, "seed": seed, "pledge_share": pledge_share}
    if manifest.exists():
        found = json.loads(manifest.read_text())
        if {k: found.get(k) for k in wanted} == wanted:
            return Corpus(folder, n, sites, seed, pledge_share, found["n_bytes"], found["n_pledge_pages"])
    if folder.exists():
        shutil.rmtree(folder)
    furniture = [_Site(s) for s in range(sites)]
    by_site: dict[int, list[Article]] = {s: [] for s in range(sites)}
    n_bytes = n_pledge_pages = 0
    for article, html in generate(n, sites=sites, seed=seed, pledge_share=pledge_share):
        target = folder / f"site{article.site}" / article.path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        data = html.encode("utf-8")
        target.write_bytes(data)
        n_bytes += len(data)
        n_pledge_pages += article.n_pledge_sentences > 0
        by_site[article.site].append(article)
    for s, articles in by_site.items():
        root = folder / f"site{s}"
        root.mkdir(parents=True, exist_ok=True)
        (root / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n", encoding="utf-8")
        newest = sorted(articles, key=lambda a: a.published, reverse=True)
        (root / "feed.xml").write_text(_rss(furniture[s], newest[:FEED_ITEMS]), encoding="utf-8")
        children = []
        for k in range(0, len(newest), SITEMAP_CHILD_URLS):
            chunk = newest[k : k + SITEMAP_CHILD_URLS]
            name = f"sitemap-news-{k // SITEMAP_CHILD_URLS:03d}.xml"
            (root / name).write_text(_news_sitemap(chunk, furniture[s]), encoding="utf-8")
            children.append((name, chunk[0].published))
        index = "".join(
            f"<sitemap><loc>{{{{base}}}}/{name}</loc><lastmod>{lastmod.isoformat()}</lastmod></sitemap>"
            for name, lastmod in children
        )
        (root / "sitemap-index.xml").write_text(
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{index}</sitemapindex>',
            encoding="utf-8",
        )
    manifest.write_text(json.dumps(wanted | {"n_bytes": n_bytes, "n_pledge_pages": n_pledge_pages}))
    return Corpus(folder, n, sites, seed, pledge_share, n_bytes, n_pledge_pages)


def sources_yaml(base_urls: list[str], *, feeds: bool = True) -> str:
    """A sources file for the served corpus: one news-sitemap source per site (the backfill path), plus
    one RSS source per site (the hourly path; its 50 items are also in the sitemap)."""
    lines = ["sources:"]
    for s, base in enumerate(base_urls):
        lines += [f"  - name: bench-site{s}-sitemap", "    kind: sitemap", f"    url: {base}/sitemap-index.xml",
                  "    tier: outlet"]  # fmt: skip
        if feeds:
            lines += [f"  - name: bench-site{s}-feed", "    kind: rss", f"    url: {base}/feed.xml",
                      "    tier: outlet"]  # fmt: skip
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=1000, help="number of article pages")
    parser.add_argument("--sites", type=int, default=4)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, required=True, help="folder to write (replaced)")
    args = parser.parse_args()
    corpus = write_corpus(args.out, args.n, sites=args.sites, seed=args.seed)
    print(json.dumps(asdict(corpus), default=str))


if __name__ == "__main__":
    main()
