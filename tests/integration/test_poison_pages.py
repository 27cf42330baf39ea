"""A real `scrapy crawl` meets a page that kills its stage worker and one whose extraction never ends:
each takes only itself (dead-lettered, counted), every other article is extracted, and the crawl ends
clean (no `AlreadyCalledError` from a blocking pool shutdown).  The test-only hook (STAGE_TEST_HOOKS=1)
makes the worker crash or hang on a marked page, as a libxml2 crash or a pathological page would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from crawler.extensions import SUMMARY_MARKER
from crawler.workers import HOOK_CRASH, HOOK_HANG

ROOT = Path(__file__).resolve().parents[2]
STORIES = {
    "banjir-jakarta-surut": "Banjir di Jakarta Timur mulai surut",
    "harga-beras-turun": "Harga beras medium turun di pasar induk",
    "kereta-cepat-tambah-jadwal": "Kereta cepat menambah jadwal akhir pekan",
    "gempa-garut-tidak-berpotensi-tsunami": "Gempa Garut tidak berpotensi tsunami",
    "racun-parser": "Halaman yang mematikan parser",
    "lambat-tanpa-akhir": "Halaman yang ekstraksinya tidak pernah selesai",
}
MARKERS = {"racun-parser": HOOK_CRASH, "lambat-tanpa-akhir": HOOK_HANG}


def article(slug: str, title: str) -> bytes:
    body = "".join(
        f"<p>{title}. Petugas di lapangan menyampaikan perkembangan terbaru kepada warga pada Kamis "
        f"(5/12/2024) pagi, sementara pemerintah kota menyiapkan langkah lanjutan bagi warga terdampak. "
        f"Kepala dinas mengatakan pemantauan dilakukan setiap jam hingga situasi dinyatakan normal.</p>"
        for _ in range(5))
    marker = f"<!-- {MARKERS[slug]} -->" if slug in MARKERS else ""
    return f"""<!DOCTYPE html><html lang="id"><head><meta charset="utf-8"><title>{title} - Warta Kota</title>
<meta property="og:type" content="article"><meta property="og:title" content="{title}">
<meta property="article:published_time" content="2024-12-05T08:15:00+07:00">
<script type="application/ld+json">{{"@context":"https://schema.org","@type":"NewsArticle",
"headline":"{title}","datePublished":"2024-12-05T08:15:00+07:00",
"author":{{"@type":"Person","name":"Rina Wulandari"}}}}
</script></head><body><header><nav><a href="/">Beranda</a> <a href="/berita/">Berita</a></nav></header>
<main><article><h1>{title}</h1><div class="byline">Rina Wulandari - Kamis, 5 Desember 2024 08:15 WIB</div>
{marker}{body}</article></main><footer>Hak cipta Warta Kota</footer></body></html>""".encode()


class Site:
    def __init__(self) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                slug = self.path.removeprefix("/berita/").removesuffix(".html")
                if self.path == "/":
                    links = "".join(f'<li><a href="/berita/{s}.html">{t}</a></li>'
                                    for s, t in STORIES.items())
                    body = f"<html><body><h1>Warta Kota</h1><ul>{links}</ul></body></html>".encode()
                    status = 200
                elif slug in STORIES:
                    body, status = article(slug, STORIES[slug]), 200
                else:
                    body, status = b"not found", 404
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_poison_pages_take_only_themselves(tmp_path):
    site = Site()
    port = site.base.rsplit(":", 1)[1]
    sources = tmp_path / "sources.yaml"
    sources.write_text(f"""sources:
  - name: sample
    domains: [127.0.0.1]
    start_urls: ["{site.base}/"]
    article_allow: ['/berita/[a-z0-9-]+\\.html$']
    robots_sitemaps: false
    follow_depth: 1
    delay: 0
    concurrency: 4
    language: id
    allow_loopback: [{port}]
""")
    dead = tmp_path / "dead-letter"
    env = {**os.environ, "NEWS_SOURCES": str(sources), "CRAWL_DELAY": "0", "STAGE_WORKERS": "2",
           "STAGE_TEST_HOOKS": "1", "STAGE_TIMEOUT": "3", "STAGE_KILL_GRACE": "2",
           "INDEX_DEAD_LETTER_DIR": str(dead)}
    pipelines = {"crawler.pipelines.ProcessPipeline": 100}
    cmd = [sys.executable, "-m", "scrapy", "crawl", "news", "-a", "source=sample",
           "-s", f"ITEM_PIPELINES={json.dumps(pipelines)}"]
    try:
        proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
    finally:
        site.close()
    assert proc.returncode == 0, proc.stderr[-4000:]
    summary = json.loads([ln for ln in proc.stderr.splitlines() if SUMMARY_MARKER in ln][0]
                         .split(SUMMARY_MARKER, 1)[1])
    assert summary["extracted"] == 4, proc.stderr[-4000:]  # every healthy article
    assert summary["pipeline_dropped"].get("worker_crash") == 1, summary
    assert summary["pipeline_dropped"].get("timeout") == 1, summary
    letters = [json.loads(line) for f in (dead / "pages").glob("*.jsonl")
               for line in f.read_text().splitlines()]
    assert {(d["reason"], d["doc"]["url"]) for d in letters} == {
        ("worker_crash", f"{site.base}/berita/racun-parser.html"),
        ("timeout", f"{site.base}/berita/lambat-tanpa-akhir.html")}
    assert "'stage/worker_crash': 1" in proc.stderr and "'stage/timeout': 1" in proc.stderr
    assert "AlreadyCalledError" not in proc.stderr and "Traceback" not in proc.stderr, proc.stderr[-4000:]
