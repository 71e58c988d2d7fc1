"""The article's words: which text wins (JSON-LD, the plain container, trafilatura) and what is left out."""

from __future__ import annotations

import json

import pytest

from aidtrack.parse import boilerplate, parse_article
from aidtrack.parse.blocks import Block, cleaned
from aidtrack.parse.text import ld_body, restore_dropped
from aidtrack.parse.tree import load_tree, strip_non_content

P1 = (
    "Finland will pay €100 million into the alliance's scheme for buying American weapons for Ukraine, "
    "the defence ministry in Helsinki said on Thursday after a long meeting of the cabinet."
)
P2 = (
    "The decision makes Finland the latest of the Nordic and Baltic countries to put its own money into "
    "the requirements list, after taking part in the joint packages of the summer."
)
P3 = (
    "Officials said the contribution would go towards air defence, which Kyiv has put at the top of its "
    "list ahead of the winter, and that deliveries would start within weeks."
)


def page(body: str, head: str = "") -> str:
    return f"<html lang='en'><head><title>T</title>{head}</head><body>{body}</body></html>"


def ld(**fields) -> str:
    return f'<script type="application/ld+json">{json.dumps({"@type": "NewsArticle", **fields})}</script>'


def test_whole_json_ld_body_shown_on_the_page_is_the_text():
    html = page(f"<article><p>{P1}</p><p>{P2}</p></article>", ld(headline="H", articleBody=f"{P1}\n\n{P2}"))
    article = parse_article(html, "https://a.example/x")
    assert article.text_origin == "json-ld" and article.text == f"{P1}\n\n{P2}"


def test_behind_a_paywall_the_json_ld_body_gives_the_rest():
    html = page(
        f"<article><p>{P1}</p><div class='paywall'>Subscribe for unlimited access, first month free.</div>"
        "</article>",
        ld(headline="H", articleBody=f"{P1}\n\n{P2}\n\n{P3}"),
    )
    article = parse_article(html, "https://a.example/x")
    assert article.text_origin == "json-ld" and P3 in article.text and "Subscribe" not in article.text


def test_a_cut_off_json_ld_body_loses_to_the_page():
    html = page(f"<article><p>{P1}</p><p>{P2}</p><p>{P3}</p></article>", ld(articleBody=P1[:120] + "..."))
    article = parse_article(html, "https://a.example/x")
    assert article.text_origin != "json-ld" and P3 in article.text and "..." not in article.text


def test_a_page_built_by_javascript_is_read_from_json_ld():
    html = page("<div id='root'></div><noscript>Enable JavaScript.</noscript>", ld(articleBody=f"{P1}\n{P2}"))
    assert parse_article(html, "https://a.example/x").text == f"{P1}\n\n{P2}"


def test_json_ld_body_with_html_and_entities_is_plain_text():
    body = ld_body({"articleBody": "<p>Sweden&#8217;s share: $275m.</p><p>Second &amp; last.</p>"})
    assert body is not None and body.paragraphs == ("Sweden’s share: $275m.", "Second & last.")
    assert ld_body({"articleBody": "It goes on…"}).truncated


def test_list_items_and_table_rows_of_the_body_are_kept():
    html = page(
        f"<main><div class='release-body'><p>{P1}</p><p>The package includes:</p>"
        "<ul><li>$50 million towards PURL, which buys American equipment;</li>"
        "<li>$43 million of Australian-made equipment, including radars.</li></ul>"
        "<table><tr><th>Ally</th><th>Contribution</th></tr><tr><td>Norway</td><td>NOK 5 billion</td></tr>"
        f"</table><p>{P2}</p></div></main>"
    )
    text = parse_article(html, "https://a.example/x").text
    assert "$50 million towards PURL" in text and "$43 million of Australian-made" in text
    assert "Norway | NOK 5 billion" in text


def test_comments_teasers_newsletters_and_footers_are_left_out():
    html = page(
        "<nav><a href='/'>Home</a><a href='/world'>World</a></nav>"
        f"<article><h1>Finland joins</h1><div class='entry-content'><p>{P1}</p><p>{P2}</p>"
        "<div class='newsletter'><p>Get the briefing every morning in your inbox, free of charge.</p></div>"
        f"<p>{P3}</p></div></article>"
        "<div id='comments'><ol class='comment-list'><li><p>Finland should give $5 billion a month, easily, "
        "if it really wanted to help; this is nothing.</p></li></ol></div>"
        "<div class='related'><a href='/b'>Another story about the war that is linked from here</a></div>"
        "<footer><p>Copyright 2025 News Group. All rights reserved.</p></footer>"
    )
    text = parse_article(html, "https://a.example/x").text
    assert all(p in text for p in (P1, P2, P3))
    for junk in ("$5 billion a month", "briefing every morning", "Another story", "All rights reserved"):
        assert junk not in text


def test_a_standfirst_above_the_body_is_kept():
    html = page(
        f"<article><header><h1>Finland joins</h1><p class='standfirst'>{P3}</p>"
        f"<div class='byline'>By the desk</div></header><div class='story'><p>{P1}</p><p>{P2}</p></div></article>"
    )
    text = parse_article(html, "https://a.example/x").text
    assert text.startswith(P3) and "By the desk" not in text


def test_an_appended_next_story_is_not_part_of_the_text():
    other = (
        "Hotels along the coast reported the busiest season on record, with stays up by a tenth this year."
    )
    html = page(
        f"<div class='feed'><article><h1>Finland joins</h1><p>{P1}</p><p>{P2}</p></article>"
        f"<article><h2>Tourism record</h2><p>{other}</p><p>{other.upper()}</p><p>{other[::-1]}</p></article></div>"
    )
    text = parse_article(html, "https://a.example/x").text
    assert P1 in text and other not in text


def test_every_entry_of_a_live_blog_is_kept():
    entries = [
        f"<div class='live-post'><span>1{k}:00</span><p>{p}</p></div>" for k, p in enumerate((P1, P2, P3))
    ]
    html = page("<div class='live'><h1>Live</h1>" + "".join(entries) + "</div>")
    text = parse_article(html, "https://a.example/x").text
    assert all(p in text for p in (P1, P2, P3))


def test_paragraphs_made_of_divs_and_line_breaks_are_read():
    html = page(
        "<table><tr><td class='menu'>Front page<br>World<br>Business<br>Culture<br>Archive</td>"
        f"<td><font>{P1}<br><br>{P2}<br><br>{P3}</font></td></tr></table>"
    )
    text = parse_article(html, "https://a.example/x").text
    assert all(p in text for p in (P1, P2, P3)) and "Archive" not in text


def test_inline_read_also_ad_labels_and_consent_overlays_are_left_out():
    html = page(
        "<div class='cmp'><p>We and our 842 partners store and access information on your device, such as "
        "cookies, for personalised advertising.</p><button>Accept all</button></div>"
        f"<div class='article-text'><p>{P1}</p><div class='ad-slot'><span>Advertisement</span></div>"
        "<p>Read also: <a href='/x'>The Baltic states and their smaller pledges</a></p>"
        f"<p>{P2}</p></div>"
    )
    text = parse_article(html, "https://a.example/x").text
    assert P1 in text and P2 in text
    for junk in ("842 partners", "Advertisement", "Read also", "smaller pledges"):
        assert junk not in text


def test_restore_puts_back_what_the_extractor_dropped_from_the_middle():
    tree = load_tree(
        page(
            f"<div><p>{P1}</p><ul><li>$50 million towards PURL from the budget reserve</li>"
            f"<li><a href='/x'>A link to another story in the list</a></li></ul><p>{P2}</p></div>"
        )  # fmt: skip
    )
    strip_non_content(tree)
    restored = restore_dropped(tree, [Block(P1), Block(P2)])
    assert [b.text for b in restored] == [P1, "$50 million towards PURL from the budget reserve", P2]


@pytest.mark.parametrize(
    "line",
    [
        "Advertisement · Scroll to continue",
        "Anzeige",
        "Lire aussi : L'OTAN vise un milliard par mois",
        "Читайте також: Естонія передасть Україні нову партію снарядів",
        "Czytaj także: Rutte: sojusznicy zebrali już dwa miliardy euro",
        "Is this page useful?",
        "Wij en onze 312 partners gebruiken cookies om u gepersonaliseerde advertenties te tonen.",
        "Serwis wykorzystuje pliki cookies.",
        "© Rheinische Rundschau Verlag GmbH. Alle Rechte vorbehalten.",
    ],
)
def test_furniture_lines(line):
    assert boilerplate.is_furniture(line)


@pytest.mark.parametrize(
    "line",
    [
        "Ukraine's partners agreed to pay for the package, the minister said, and privacy was not discussed.",
        "Polska wyraziła zgodę na przekazanie 100 milionów dolarów.",
        "Related talks will continue in Brussels next week, officials said after the meeting ended late.",
        "Advertising revenue at the broadcaster fell by a tenth, the annual report showed on Monday.",
        "Les partenaires de l'Ukraine doivent accepter de payer davantage, a dit le ministre.",
    ],
)
def test_sentences_of_an_article_are_not_furniture(line):
    assert not boilerplate.is_furniture(line)


def test_blocks_that_are_mostly_links_or_menus_are_dropped():
    assert cleaned(Block("Another headline that links elsewhere", link_chars=38)) is None
    assert cleaned(Block("Home\nWorld\nBusiness\nSport\nCulture")) is None
    assert cleaned(Block(P1, link_chars=20)) == Block(P1, link_chars=20)
