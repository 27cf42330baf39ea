"""One "is this an article?" rule for the spider, extraction and explain; one schema.org type list."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from pipelines import page_kind
from pipelines.extract import extract
from pipelines.extract_meta import read_page

URL = "https://kabarborneo.example/2024/12/05/banjir-surut-di-samarinda/"
PARA = ("Air mulai surut di beberapa kelurahan sejak Kamis pagi, kata petugas BPBD setempat. Warga mulai "
        "membersihkan rumah dan jalan dari lumpur yang terbawa banjir selama tiga hari terakhir. ")


def html(head: str, title: str = "Banjir surut di Samarinda") -> str:
    return (f'<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">'
            f'<title>{title} - Kabar Borneo</title>{head}</head><body><main><h1>{title}</h1>'
            f'<div class="entry-content">'
            + f"<p>{PARA}</p>" * 4 + "</div></main></body></html>")


def ld(obj: str) -> str:
    return f'<script type="application/ld+json">{obj}</script>'


def verdict(head: str, url_rule: str | None = "allow", article_pages: str = "auto") -> page_kind.Verdict:
    return page_kind.page_verdict(lxml_html.document_fromstring(html(head)), url_rule, article_pages)


def test_reportage_news_article_is_an_article_type_for_extraction():
    head = ld('{"@context":"https://schema.org","@type":"ReportageNewsArticle",'
              '"headline":"Banjir surut di Samarinda","author":{"@type":"Person","name":"Rina Putri"},'
              '"datePublished":"2024-12-05T10:15:00+08:00"}')
    pm = read_page(lxml_html.document_fromstring(html(head)))
    assert pm.article_node is not None and pm.article_node["@type"] == "ReportageNewsArticle"
    res = extract(html(head), URL)
    assert res.ok and res.article.authors == ["Rina Putri"]
    assert res.article.provenance["authors"] == "json-ld"
    assert verdict(head).kind == "article" and verdict(head).strong


@pytest.mark.parametrize(("head", "url_rule", "mode", "is_article"), [
    ('<meta property="og:type" content="website">', "allow", "auto", True),  # theme default on articles
    ('<meta property="og:type" content="website">', "none", "auto", False),
    ('<meta property="og:type" content="website">', "allow", "markup", False),
    ('<meta property="og:type" content="website">', None, "auto", True),  # no source: nothing drops it
    (ld('{"@type":"WebPage","headline":"Banjir","author":{"name":"Rina"},"datePublished":"2024-12-05"}')
     + '<meta property="og:type" content="website">', "allow", "markup", True),
    (ld('{"@type":"CollectionPage","name":"Terpopuler"}'), "allow", "auto", False),
    (ld('{"@type":"CollectionPage","name":"Terpopuler"}'), "allow", "url", True),  # forced by the source
    (ld('{"@graph":[{"@type":"WebSite"},{"@type":"WebPage","mainEntity":{"@type":"NewsArticle"}}]}'),
     "none", "markup", True),
    (ld('{"@type":"CollectionPage"}') + ld('{"@type":"VideoObject","name":"Cuplikan"}'), None, "auto", False),
    (ld("{'@type': 'NewsArticle', 'headline': 'broken JSON',}"), None, "auto", True),
    ('<meta property="og:type" content="article">', "none", "markup", True),
])
def test_classifier(head, url_rule, mode, is_article):
    assert verdict(head, url_rule, mode).is_article is is_article


def test_extraction_follows_the_same_verdict_as_the_spider():
    """The offline path (process_page, WARC) and the crawl agree on every page kind."""
    cases = {
        "website": '<meta property="og:type" content="website">',
        "listing": ld('{"@type":"ItemList","name":"Terpopuler"}'),
        "article": ld('{"@type":"NewsArticle","headline":"Banjir"}'),
    }
    for name, head in cases.items():
        for rule, mode in (("allow", "auto"), ("allow", "url"), ("allow", "markup")):
            spider_says = verdict(head, rule, mode).is_article
            res = extract(html(head), URL, {"url_rule": rule, "article_pages": mode})
            assert res.ok is spider_says, (name, rule, mode, res.drop_reason)
            if not res.ok:
                assert res.drop_reason == "not_article:index_page"


def test_unknown_article_pages_mode_is_a_clear_error():
    with pytest.raises(ValueError, match="article_pages"):
        verdict("", "allow", "always")
