# ruff: noqa: E501 - assertions read better on one line
"""Real `scrapy crawl news` against fixture outlets that behave like the real web (tests/realweb.py):
a WordPress site, an aggregator republishing its wire stories with cross-outlet canonicals, a Malay CMS
with www. canonicals and session ids, a robots.txt asking for a day between requests.

Each outlet is its own loopback port (its own host to the crawler); a real Elasticsearch/OpenSearch node
stores the documents.  Asserted: the right articles under the right ids, nothing of one outlet
overwritten by another, and a second crawl of the unchanged sites fetching no article page.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from crawler.extensions import SUMMARY_MARKER
from news_ingest.settings import SearchSettings
from news_ingest.store.client import connect
from pipelines.dedupe import article_id
from tests import realweb

ROOT = Path(__file__).resolve().parents[2]
SOURCES = "kabar,warta,semenanjung"


def crawl_cmd(tmp: Path, web: realweb.Web, es: SearchSettings, sources: str, *args: str
              ) -> tuple[list[str], dict[str, str]]:
    path = tmp / "sources.yaml"
    path.write_text(web.sources_yaml())
    env = {**os.environ, "NEWS_SOURCES": str(path), "NEWS_HOME": str(tmp / "home"), "CRAWL_DELAY": "0",
           "STAGE_WORKERS": "0", "ES_URL": es.urls[0], "ES_INDEX": es.index, "SEARCH_ENGINE": es.engine,
           "INDEX_SPOOL_DIR": str(tmp / "spool"), "INDEX_DEAD_LETTER_DIR": str(tmp / "dead")}
    return [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"source={sources}", *args], env


def summary_of(log: str) -> dict[str, Any]:
    lines = [ln for ln in log.splitlines() if SUMMARY_MARKER in ln]
    assert len(lines) == 1, log[-4000:]
    return json.loads(lines[0].split(SUMMARY_MARKER, 1)[1])


def crawl(tmp: Path, web: realweb.Web, es: SearchSettings, sources: str = SOURCES,
          *args: str) -> dict[str, Any]:
    cmd, env = crawl_cmd(tmp, web, es, sources, *args)
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return {**summary_of(proc.stderr), "log": proc.stderr}


def es_for(search_node: Any, name: str) -> SearchSettings:
    return SearchSettings(urls=(search_node.url,), index=f"test-{name}-{uuid.uuid4().hex[:8]}",
                          engine=search_node.engine)


@pytest.fixture(scope="module")
def runs(search_node: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("realweb")
    es = es_for(search_node, "realweb")
    web = realweb.serve()
    try:
        first = crawl(tmp, web, es)
        first_log = {name: list(site.log) for name, site in web.sites.items()}
        store = connect(es)
        store.refresh()
        after_first = {h["_id"]: h["_source"] for h in
                       store.search_raw({"query": {"match_all": {}}, "size": 100})["hits"]["hits"]}
        web.clear()
        second = crawl(tmp, web, es)
        second_log = {name: list(site.log) for name, site in web.sites.items()}
        store.refresh()
        docs = {h["_id"]: h["_source"] for h in
                store.search_raw({"query": {"match_all": {}}, "size": 100})["hits"]["hits"]}
        yield {"web": web, "first": first, "second": second, "first_log": first_log, "second_log": second_log,
               "after_first": after_first, "docs": docs, "store": store, "tmp": tmp, "es": es}
        store.drop()
    finally:
        web.shutdown()


def kabar_url(runs: dict[str, Any], slug: str) -> str:
    return runs["web"]["kabar"].base + realweb.KABAR[slug].path


def test_every_outlet_is_indexed_under_the_right_ids(runs):
    web, docs = runs["web"], runs["docs"]
    www = web["semenanjung"].base.replace("://localhost", "://www.localhost")
    expected = {article_id(kabar_url(runs, p.slug)): ("kabar", kabar_url(runs, p.slug))
                for p in realweb.KABAR_POSTS}
    expected |= {article_id(web["warta"].base + c.path): ("warta", web["warta"].base + c.path)
                 for c in realweb.WARTA_COPIES}
    own = web["warta"].base + realweb.WARTA_OWN[0]
    expected[article_id(own)] = ("warta", own)
    # the Malay CMS: the id and url are its www. canonical's (tracking parameters off), fetched from localhost
    expected |= {article_id(www + p.path): ("semenanjung", www + p.path) for p in realweb.SEMENANJUNG_POSTS}
    assert {i: (d["source"], d["url"]) for i, d in docs.items()} == expected


def test_a_republished_wire_story_never_overwrites_the_original(runs):
    web, docs = runs["web"], runs["docs"]
    original = kabar_url(runs, realweb.WIRE_STORY)
    kabar_doc = docs[article_id(original)]
    assert kabar_doc["source"] == "kabar" and kabar_doc["url"] == original and kabar_doc["version"] == 1
    before = runs["after_first"][article_id(original)]
    assert kabar_doc == {**before, "last_seen_at": kabar_doc["last_seen_at"]}  # untouched but for the time
    copy_url = web["warta"].base + realweb.WARTA_COPIES[0].path
    copy = docs[article_id(copy_url)]
    assert copy["source"] == "warta" and copy["url"] == copy_url
    assert copy["canonical_url"] == original  # kept as a field: the copy says where it came from
    assert article_id(original) not in copy["known_ids"]
    assert copy["cluster_id"] == kabar_doc["cluster_id"]  # one story, two outlets: one cluster


def test_wordpress_slashes_shortlinks_and_amp_twins_are_one_document_each(runs):
    docs = runs["docs"]
    base = runs["web"]["kabar"].base
    banjir = docs[article_id(kabar_url(runs, realweb.AMP_IN_FEED))]
    amp = kabar_url(runs, realweb.AMP_IN_FEED) + "amp/"  # the feed links the AMP twin
    assert article_id(amp) in banjir["known_ids"]
    cabai = docs[article_id(kabar_url(runs, realweb.WEBPAGE_ONLY))]  # found only as /?p=1198
    assert article_id(f"{base}/?p=1198") in cabai["known_ids"]
    assert cabai["url"] == kabar_url(runs, realweb.WEBPAGE_ONLY)
    log = [p for p, _ in runs["first_log"]["kabar"]]
    cuaca = realweb.KABAR[realweb.RATE_LIMITED].path
    assert cuaca.rstrip("/") in log and cuaca in log  # linked without the slash: 301, followed
    assert not any(d["url"].endswith("/amp/") for d in docs.values())


def test_og_type_website_and_webpage_only_pages_are_articles(runs):
    docs = runs["docs"]
    cabai = docs[article_id(kabar_url(runs, realweb.WEBPAGE_ONLY))]
    assert cabai["title"].startswith("Harga Cabai") and cabai["authors"] == ["Dedi Saputra"]
    malay = [d for d in docs.values() if d["source"] == "semenanjung"]
    assert len(malay) == 2 and {d["language"] for d in malay} == {"ms"}
    assert "not_article_page" not in runs["first"]["sources"]["semenanjung"]["dropped"]


def test_explain_asks_the_crawls_classifier(runs, tmp_path):
    """``explain --fetch`` says what the crawl decided: the WebPage-only post and the Malay CMS page saying
    og:type=website are articles (their URL outweighs the weak signal); with the source set to
    ``article_pages: markup`` the Malay page (article markup, og:type=website) is no article."""
    from dataclasses import replace

    from news_ingest.explain import explain
    from news_ingest.sources import load_crawler_config, load_sources

    path = tmp_path / "sources.yaml"
    path.write_text(runs["web"].sources_yaml())
    sources, cfg = load_sources(path), load_crawler_config(path)
    cabai = explain(kabar_url(runs, realweb.WEBPAGE_ONLY), sources, cfg, fetch=True)
    assert cabai.page_kind == "article (json-ld WebPage with headline, author and date)", cabai.page_kind
    assert cabai.verdict.startswith("article:")
    malay = runs["web"]["semenanjung"].base + realweb.SEMENANJUNG_POSTS[0].path
    auto = explain(malay, sources, cfg, fetch=True)
    assert auto.page_kind == "article (article markup)" and auto.verdict.startswith("article:"), auto.page_kind
    strict = {**sources, "semenanjung": replace(sources["semenanjung"], article_pages="markup")}
    by_markup = explain(malay, strict, cfg, fetch=True)
    assert by_markup.page_kind == "listing (og:type website)", by_markup.page_kind
    assert "not an article" in by_markup.verdict


def instant(iso: str) -> datetime:
    return datetime.fromisoformat(iso).astimezone(UTC)


def test_day_first_and_indonesian_dates(runs):
    docs = runs["docs"]
    www = runs["web"]["semenanjung"].base.replace("://localhost", "://www.localhost")
    kelantan = docs[article_id(www + realweb.SEMENANJUNG_POSTS[0].path)]
    assert instant(kelantan["published_at"]) == instant("2024-12-05T02:15:00+00:00")  # 05/12 10:15 MYT, not 12 May
    assert article_id(runs["web"]["semenanjung"].base + realweb.SEMENANJUNG_POSTS[0].path) in kelantan["known_ids"]
    ikn = docs[article_id(kabar_url(runs, realweb.MULTIPAGE))]
    assert instant(ikn["published_at"]) == instant("2024-12-04T12:30:00+00:00")  # 04/12/2024 19:30 WIB


def test_a_utf8_multipage_article_with_a_wrong_charset_header(runs):
    ikn = runs["docs"][article_id(kabar_url(runs, realweb.MULTIPAGE))]
    body = ikn["body"]
    assert "“porsinya masih dihitung,” kata juru bicara" in body  # page 1
    assert "“daya dukung lingkungan harus menjadi batas,”" in body  # page 2, after page 1
    assert body.index("porsinya") < body.index("daya dukung")
    assert "â€" not in body and "\ufffd" not in body
    assert ikn["pages_incomplete"] is False


def test_junk_dates_drop_their_entries_not_the_sitemap(runs):
    kabar = runs["first"]["sources"]["kabar"]
    assert kabar["dropped"]["bad_date"] == 2
    assert kabar["discovered"]["sitemap"] >= 1  # a good entry of the same sitemap, found nowhere else ...
    assert article_id(kabar_url(runs, realweb.SITEMAP_ONLY)) in runs["docs"]  # ... is indexed
    junk = {article_id(runs["web"]["kabar"].base + p.path) for p in realweb.KABAR_JUNK_DATED}
    assert not junk & set(runs["docs"])


def test_retry_after_is_honoured_and_redirects_stay_on_the_sources_port(runs):
    times = [t for p, t in runs["first_log"]["kabar"] if p == realweb.KABAR[realweb.RATE_LIMITED].path]
    assert len(times) == 2 and times[1] - times[0] >= 1.9  # 429 Retry-After: 2
    kabar = runs["first"]["sources"]["kabar"]
    assert kabar["backoff"] == {"retry_after": 1}
    assert kabar["dropped"]["offsite_redirect"] == 1  # /2024/12/01/kantor-redaksi-pindah/ -> another port
    assert "/berita/pindah" not in [p for p, _ in runs["first_log"]["warta"]]


def test_session_ids_do_not_multiply_pages(runs):
    sem = [p for p, _ in runs["first_log"]["semenanjung"] if p.startswith("/berita/")]
    assert len(sem) == len(realweb.SEMENANJUNG_POSTS)  # each article once, whatever jsessionid it carried
    assert all(";jsessionid=" not in d["url"] for d in runs["docs"].values())


def test_second_crawl_of_the_unchanged_sites_fetches_no_article_page(runs):
    second = runs["second"]["sources"]
    for name in SOURCES.split(","):
        assert second[name]["requests"].get("article", 0) == 0, (name, second[name])
        assert second[name]["articles_found"] == 0
    article_hits = {name: [p for p, _ in log if p.startswith(("/20", "/berita/", "/?p="))]
                    for name, log in runs["second_log"].items()}
    assert article_hits == {"kabar": [], "warta": [], "semenanjung": [], "lambat": []}
    assert second["kabar"]["not_modified"] >= 2 and second["semenanjung"]["not_modified"] == 1
    assert runs["docs"].keys() == runs["after_first"].keys()
    print(f"\nrealweb incremental: first run article requests "
          f"{ {n: runs['first']['sources'][n]['requests'].get('article', 0) for n in SOURCES.split(',')} }, "
          f"second run { {n: second[n]['requests'].get('article', 0) for n in SOURCES.split(',')} }")


def all_docs(store: Any) -> dict[str, dict[str, Any]]:
    store.refresh()
    return {h["_id"]: h["_source"] for h in
            store.search_raw({"query": {"match_all": {}}, "size": 100})["hits"]["hits"]}


def article_paths(log: list[tuple[str, float]]) -> list[str]:
    return [p for p, _ in log if p.startswith(("/20", "/berita/", "/?p="))]


def test_an_edited_post_is_a_new_revision_and_refresh_fetches_every_article(runs):
    """After the unchanged second crawl the editor updates one post (a new lead and a new paragraph,
    dateModified, sitemap lastmod; the feed's excerpt changes, its pubDate does not): a third crawl fetches
    that article page and nothing else — though it reads the feed (unchanged pubDate) before the sitemap — and stores a new
    revision; ``-a refresh=1`` then fetches every article page (no 304s), no revision for unchanged bodies."""
    web, store = runs["web"], runs["store"]
    special = {realweb.AMP_IN_FEED, realweb.WEBPAGE_ONLY, realweb.MULTIPAGE, realweb.WIRE_STORY,
               realweb.RATE_LIMITED, realweb.SITEMAP_ONLY}
    post = next(p for p in realweb.KABAR_POSTS if p.slug not in special)
    pid = article_id(kabar_url(runs, post.slug))
    before = all_docs(store)
    assert before[pid]["version"] == 1
    lead = post.paragraphs[0].replace("–", "– (Diperbarui)", 1)
    update = "Pembaruan pukul 09.00 WIB: pemerintah kota menambah dua titik posko kesehatan di tepian sungai."
    web.edit(post.slug, [lead, *post.paragraphs[1:], update], "2024-12-06T09:00:00+07:00")
    web.clear()
    web["kabar"].slow, web["kabar"].page_delay = ("/post-sitemap.xml",), 1.5  # the feed is read first
    try:
        third = crawl(runs["tmp"], web, runs["es"], "kabar")["sources"]["kabar"]
    finally:
        web["kabar"].slow, web["kabar"].page_delay = (), 0.0
    assert article_paths(web["kabar"].log) == [post.path]
    assert third["requests"]["article"] == 1 and third["refetched"] == {"changed": 1}
    after = all_docs(store)
    doc = after[pid]
    assert doc["version"] == 2 and update in doc["body"]
    assert [h["content_hash"] for h in doc["history"]] == [before[pid]["content_hash"]]
    assert instant(doc["modified_at"]) == instant("2024-12-06T09:00:00+07:00")
    assert {i: d["version"] for i, d in after.items() if i != pid} == {
        i: d["version"] for i, d in before.items() if i != pid}

    web.clear()
    fourth = crawl(runs["tmp"], web, runs["es"], "kabar", "-a", "refresh=1")["sources"]["kabar"]
    fetched = {article_id(web["kabar"].base + p) for p in article_paths(web["kabar"].log)}
    kabar_ids = {i for i, d in after.items() if d["source"] == "kabar"}
    assert kabar_ids <= fetched  # every indexed article's page fetched again
    assert fourth["not_modified"] == 0 and fourth["skipped_seen"] == 0
    final = all_docs(store)
    changed = {after[i]["url"]: (after[i]["body"], final[i]["body"]) for i in after
               if final[i]["version"] != after[i]["version"]}
    assert not changed, changed
    print(f"\nrealweb edit: third crawl article requests {third['requests']}; refresh=1 "
          f"{fourth['requests']}")


def test_kill_9_mid_crawl_then_the_rerun_fetches_no_indexed_article_again(search_node, tmp_path):
    """The WordPress outlet (AMP twin in the feed, shortlinks, slash redirects) and the Malay CMS (www.
    canonicals, tracking parameters, jsessionids): the ids articles are stored under differ from many URLs
    they are found under.  Killed mid-crawl, the rerun requests no URL of an article already indexed."""
    web = realweb.serve()
    for name in ("kabar", "semenanjung"):
        web[name].slow, web[name].page_delay = ("/20", "/berita/", "/?p="), 0.8
    es = es_for(search_node, "realweb-kill")
    cmd, env = crawl_cmd(tmp_path, web, es, "kabar,semenanjung", "-s", f"JOBDIR={tmp_path / 'jobs'}")
    env["INDEX_BATCH_DOCS"] = "1"
    store = connect(es, check=False)
    store.setup()
    expected = len(realweb.KABAR_POSTS) + len(realweb.SEMENANJUNG_POSTS)  # articles
    try:
        with open(tmp_path / "killed.log", "w") as log:
            proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and proc.poll() is None and len(all_docs(store)) < 3:
                time.sleep(0.2)
            assert proc.poll() is None, "the crawl finished before it could be killed"
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
        before = all_docs(store)
        assert 3 <= len(before) < expected, sorted(d["url"] for d in before.values())
        known = set(before) | {i for d in before.values() for i in d.get("known_ids", [])}
        web.clear()
        rerun = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert rerun.returncode == 0, rerun.stderr[-4000:]
        again = {name: [p for p in article_paths(web[name].log) if article_id(web[name].base + p) in known]
                 for name in ("kabar", "semenanjung")}
        docs = all_docs(store)
    finally:
        web.shutdown()
    assert again == {"kabar": [], "semenanjung": []}
    # every article once under its id — the two linked only from inside another post's body too: if that
    # post was indexed before the kill, the rerun skips it and follows the links stored with it
    kabar, www = web["kabar"].base, web["semenanjung"].base.replace("://localhost", "://www.localhost")
    ids = {article_id(kabar + p.path) for p in realweb.KABAR_POSTS} | {
        article_id(www + p.path) for p in realweb.SEMENANJUNG_POSTS}
    missing = [kabar + p.path for p in realweb.KABAR_POSTS if article_id(kabar + p.path) not in docs] + [
        www + p.path for p in realweb.SEMENANJUNG_POSTS if article_id(www + p.path) not in docs]
    # what a recurrence needs to show its cause: the lost URL, what was indexed before the kill, the
    # rerun's numbers and its requests
    assert not missing and set(docs) == ids, (
        f"missing {missing}; indexed before the kill {sorted(d['url'] for d in before.values())}; "
        f"rerun summary {summary_of(rerun.stderr)}; rerun requests {dict((n, list(web[n].log)) for n in web.sites)}")
    assert {d["version"] for d in docs.values()} == {1}
    summary = summary_of(rerun.stderr)["sources"]
    assert summary["kabar"]["skipped_seen"] + summary["semenanjung"]["skipped_seen"] >= len(before)
    print(f"\nrealweb kill -9: {len(before)} of {expected} indexed before the kill; rerun article requests "
          f"{ {n: summary[n]['requests'].get('article', 0) for n in summary} }")
    store.drop()


# ------------------------------------------------------------------------------------- politeness


def test_a_huge_crawl_delay_is_crawled_at_the_ceiling_with_a_warning(search_node, tmp_path):
    web = realweb.serve()
    try:
        started = time.monotonic()
        run = crawl(tmp_path, web, es_for(search_node, "delay"), "lambat,warta", "-s", "CRAWL_DELAY_MAX=1")
        elapsed = time.monotonic() - started
    finally:
        web.shutdown()
    lambat, warta = run["sources"]["lambat"], run["sources"]["warta"]
    assert lambat["robots_crawl_delay"] == 86400 and lambat["warnings"] == {"crawl_delay_capped": 1}
    assert lambat["articles_found"] == 3 and warta["articles_found"] == 3  # the other source is not stalled
    assert elapsed < 60


def test_sigterm_stops_a_crawl_within_seconds_behind_a_long_delay(search_node, tmp_path):
    web = realweb.serve()
    # Crawl-delay 86400 crawled at an 8 s ceiling: after the home page, each article waits 8 s more
    cmd, env = crawl_cmd(tmp_path, web, es_for(search_node, "sigterm"), "lambat", "-s", "CRAWL_DELAY_MAX=8")
    try:
        with open(tmp_path / "crawl.log", "w") as log:
            proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and "/" not in web["lambat"].hits("/"):
                time.sleep(0.1)
            assert "/" in web["lambat"].hits("/"), "the home page was not requested"
            time.sleep(1.0)  # its article links are queued behind the host's delay now
            signalled = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)
            stopped = time.monotonic() - signalled
    finally:
        web.shutdown()
    summary = summary_of((tmp_path / "crawl.log").read_text())
    assert proc.returncode == 0 and summary["finish_reason"] == "shutdown"
    print(f"\nsigterm: stopped {stopped:.1f}s after the signal")
    assert stopped < 12, f"took {stopped:.1f}s to stop"  # not 8 s per queued article (31 s without)
    assert summary["sources"]["lambat"]["dropped"]["stopped_by_shutdown"] >= 1
    assert summary["sources"]["lambat"]["warnings"] == {"crawl_delay_capped": 1}
    assert not web["lambat"].hits("/artikel/")
