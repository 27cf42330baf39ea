"""Lossless under an outage: a real `scrapy crawl` into a real node that is stopped midway.

The node is private to this test (started and stopped with ``news_ingest.devnode``), the site
is a generated news site on loopback whose later article pages are held back until the node is
down, so the crawl provably indexes some articles, spools the rest, and finishes.  Then the node
comes back on the same port and data directory, ``news-ingest replay`` delivers the spool, and
every article is in the index exactly once.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from news_ingest import devnode
from tests.integration.held_site import HeldSite, crawl_env, start_crawl

ROOT = Path(__file__).resolve().parents[2]
ARTICLES = 48
HELD_FROM = 20  # article pages from this number on wait until the node is down
WORDS = ["pemerintah", "menteri", "warga", "banjir", "harga", "beras", "sawit", "ekspor", "bank", "rupiah",
         "sekolah", "guru", "rumah", "sakit", "jalan", "tol", "kereta", "bandara", "kapal", "pantai", "hutan",
         "sungai", "hujan", "panen", "petani", "nelayan", "pasar", "pajak", "anggaran", "provinsi",
         "gubernur", "bupati", "partai", "pemilu", "hakim", "sidang", "putusan", "kebijakan", "ekonomi"]


def article_html(n: int) -> bytes:
    rng = random.Random(n)
    paras = []
    for _ in range(6):
        sentences = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(10, 18))).capitalize() + "."
                     for _ in range(3)]
        paras.append(f"<p>{' '.join(sentences)} Laporan nomor {n}.</p>")
    title = f"Laporan khusus nomor {n} tentang {rng.choice(WORDS)} dan {rng.choice(WORDS)}"
    return f"""<!DOCTYPE html><html lang="id"><head><meta charset="utf-8"><title>{title}</title>
<meta property="og:type" content="article"><meta property="og:title" content="{title}">
<meta property="article:published_time" content="2024-12-03T{n % 24:02d}:00:00+07:00"></head>
<body><header><nav><a href="/">Home</a></nav></header><main><article><h1>{title}</h1>
{''.join(paras)}</article></main><footer>Copyright 2024 Contoh.</footer></body></html>""".encode()


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.load(r)


def _count(node_url: str, alias: str) -> int:
    try:
        return int(_get(f"{node_url}/{alias}/_count")["count"])
    except (urllib.error.URLError, OSError, ValueError, KeyError):
        return 0


def test_node_stopped_mid_crawl_then_replay_finds_every_article_once(tmp_path):
    # its own directory under /tmp: as root the node runs as an unprivileged user that cannot
    # enter pytest's private tmp_path
    workdir = Path(tempfile.mkdtemp(prefix="es-outage-"))
    node = devnode.start("elasticsearch", workdir=workdir)
    site = HeldSite(article_html, articles=ARTICLES, held_from=HELD_FROM, prefix="/berita/laporan-",
                    home_title="Berita", link_text="Laporan", wait=120)
    server, base = site.serve()
    alias = "outage-test"
    env = crawl_env(node.url, alias, base, tmp_path, INDEX_MAX_RETRIES="1", INDEX_BACKOFF_SECONDS="0.2",
                    INDEX_OUTAGE_PROBE_SECONDS="2")
    log_path = tmp_path / "crawl.log"
    try:
        with open(log_path, "w") as log:
            crawl = start_crawl(env, log)
            deadline = time.monotonic() + 180
            while _count(node.url, alias) < 10:
                assert crawl.poll() is None, log_path.read_text()[-3000:]
                assert time.monotonic() < deadline, "no articles indexed before the outage"
                time.sleep(0.3)
            before = _count(node.url, alias)
            assert devnode.stop(node)  # the outage, mid-crawl
            site.release.set()
            assert crawl.wait(timeout=300) == 0, log_path.read_text()[-3000:]
        crawl_log = log_path.read_text()
        assert "'news/index/spooled'" in crawl_log, crawl_log[-3000:]
        assert list((tmp_path / "spool").glob("*.jsonl")), "the crawl sealed its spool segments"
        assert before < ARTICLES

        node = devnode.start("elasticsearch", port=node.port, workdir=workdir)
        replay = subprocess.run([sys.executable, "-m", "news_ingest.cli", "replay"], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=300)
        assert replay.returncode == 0, replay.stdout + replay.stderr
        assert "replayed" in replay.stdout
        assert not list((tmp_path / "spool").glob("*.jsonl*"))

        refresh = urllib.request.Request(f"{node.url}/{alias}/_refresh", method="POST")
        urllib.request.urlopen(refresh, timeout=30).close()
        assert _count(node.url, alias) == ARTICLES
        req = urllib.request.Request(
            f"{node.url}/{alias}/_search", method="POST", headers={"Content-Type": "application/json"},
            data=json.dumps({"size": 0, "aggs": {"u": {"terms": {"field": "url", "size": 1000}}}}).encode())
        with urllib.request.urlopen(req, timeout=30) as r:
            buckets = json.load(r)["aggregations"]["u"]["buckets"]
        assert sorted(b["key"] for b in buckets) == sorted(site.urls(base))
        assert all(b["doc_count"] == 1 for b in buckets)
        assert not list((tmp_path / "dead").glob("*.jsonl")), "nothing was rejected"

        again = subprocess.run([sys.executable, "-m", "news_ingest.cli", "replay"], cwd=ROOT, env=env,
                               capture_output=True, text=True, timeout=120)
        assert again.returncode == 0 and "empty" in again.stdout
    finally:
        site.release.set()
        server.shutdown()
        devnode.stop(node)
        shutil.rmtree(workdir, ignore_errors=True)
