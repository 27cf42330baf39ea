"""Learned per-source templates in a real `scrapy crawl news` of a site whose pages share furniture.

The fixture site (tests/fixtures/furniture_site, a regional Indonesian outlet on WordPress) prints on
every article what no generic rule knows: a "Rekomendasi Redaksi: <another headline>" teaser, a
WhatsApp promo, a follow line, a hashtag block and the next story's headline card.  One crawl
learns them into the source's model file (stage workers get the compiled template as data); the
next crawl removes them from every body, with their kind in ``removed_segments``, while lines that
occur in fewer articles - a subheading two articles share, a quote printed twice, an editor's note
seen once - stay.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

from news_ingest.sample_site import serve
from pipelines.templates import TEMPLATE_KINDS, TemplateModel, compile_template, line_key

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "tests" / "fixtures" / "furniture_site"
ARTICLES = json.loads((SITE / "articles.json").read_text(encoding="utf-8"))
FURNITURE = (
    "Rekomendasi Redaksi:",
    "Kirimkan ke WhatsApp Redaksi KabarKota",
    "Ikuti terus perkembangan berita terkini",
    "#KabarKota #BeritaJateng",
)
SOURCES = """
sources:
  - name: kabarkota
    domains: [127.0.0.1]
    start_urls: ["{base}/"]
    sitemaps: ["{base}/sitemap.xml"]
    article_allow: ['/daerah/\\d{{4}}/\\d{{2}}/\\d{{2}}/[a-z0-9-]+/?$']
    language: id
    country: ID
    delay: 0
    concurrency: 4
    allow_loopback: [{port}]
    fixture: true
"""


class RecordArticles:
    """Item pipeline for this test: the enriched article, one JSON line each."""

    def __init__(self, path: str) -> None:
        self.path = path

    @classmethod
    def from_crawler(cls, crawler: Any) -> RecordArticles:
        return cls(os.environ["CRAWL_RECORD"])

    def process_item(self, item: Any, spider: Any = None) -> Any:
        with open(self.path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"url": item.url, "title": item.title, "body": item.body,
                                 "removed": item.removed_segments}, ensure_ascii=False) + "\n")
        return item


def crawl(base: str, tmp: Path, templates: Path) -> tuple[list[dict[str, Any]], str]:
    record = tmp / f"record-{uuid.uuid4().hex[:6]}.jsonl"
    sources = tmp / "sources.yaml"
    sources.write_text(SOURCES.format(base=base, port=base.rsplit(":", 1)[1]), encoding="utf-8")
    pipelines = {"crawler.pipelines.ProcessPipeline": 100,
                 "tests.integration.test_template_crawl.RecordArticles": 950}
    env = {**os.environ, "NEWS_SOURCES": str(sources), "CRAWL_RECORD": str(record), "CRAWL_DELAY": "0",
           "NEWS_TEMPLATE_DIR": str(templates), "STAGE_WORKERS": "1"}
    cmd = [sys.executable, "-m", "scrapy", "crawl", "news", "-a", "source=kabarkota", "-a", "refresh=1",
           "-s", f"ITEM_PIPELINES={json.dumps(pipelines)}"]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr[-4000:]
    lines = record.read_text(encoding="utf-8").splitlines() if record.exists() else []
    items = [json.loads(ln) for ln in lines]
    return items, proc.stderr


def test_a_crawl_learns_the_sites_furniture_and_the_next_crawl_removes_it(tmp_path):
    templates = tmp_path / "templates"
    server, base = serve(0, root=SITE)
    try:
        first, _ = crawl(base, tmp_path, templates)
        model_file = templates / "kabarkota.json"
        model = TemplateModel.from_dict(json.loads(model_file.read_text(encoding="utf-8")))
        second, log = crawl(base, tmp_path, templates)
    finally:
        server.shutdown()

    assert len(first) == len(second) == len(ARTICLES) == 8
    # the model: every article learned once (the second crawl saw the same pages: nothing new)
    assert model.seq == 8
    assert TemplateModel.from_dict(json.loads(model_file.read_text(encoding="utf-8"))).seq == 8
    learned = compile_template(model)
    assert line_key("#KabarKota #BeritaJateng #InfoSemarang") in learned.lines
    assert "rekomendasi redaksi" in learned.prefixes
    assert "'news/template_removed':" in log

    titles = {line_key(a["title"]) for a in ARTICLES}
    for art in second:
        body = art["body"]
        for furniture in FURNITURE:
            assert furniture not in body, (art["url"], furniture)
        own = line_key(art["title"])
        assert not any(line_key(ln) in titles - {own} for ln in body.split("\n")), art["url"]  # no teaser
        kinds = {s["kind"] for s in art["removed"]}
        assert {"template_line", "template_prefix", "teaser"} <= kinds, art["url"]
        assert all(s["text"] for s in art["removed"] if s["kind"] in TEMPLATE_KINDS)
        assert body.count("\n") >= 3  # the story itself is all there
    by_url = {a["url"].removeprefix(base).rstrip("/"): a["body"] for a in second}
    # lines that recur in fewer than three articles are content, however furniture-like
    assert by_url["/daerah/2024/12/02/banjir-rob-rendam-pesisir-semarang"].count("Kronologi Kejadian") == 1
    assert "Kronologi Kejadian" in by_url["/daerah/2024/12/03/kecelakaan-beruntun-tol-semarang-solo"]
    assert "Kami mengimbau warga tetap waspada" in by_url[
        "/daerah/2024/12/04/kebakaran-pasar-bulu-40-kios-hangus"]
    assert "Catatan Redaksi: Berita ini telah diperbarui" in by_url[
        "/daerah/2024/12/03/harga-cabai-rawit-tembus-rp80-ribu"]
