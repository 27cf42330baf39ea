"""A large news site on loopback, generated on the fly: for the scale tests and the benchmarks.

Two kinds of article pages, both under distinct URLs ``/news/<n>-<slug>.html``:

- ``synthetic`` (tests): distinct Indonesian-looking articles built from a seeded word list, so
  every page extracts to a different text (no dedupe collisions) and the site needs no data files;
- ``corpus`` (benchmarks): real news pages (``*.html`` / ``*.html.gz`` under the given directories,
  e.g. ``/work/shared/bench/news`` and ``.../extraction/aeb/html``) replicated round-robin, with
  canonical/og:url links rewritten to the replica's own URL.

Discovery: ``/robots.txt`` names ``/sitemap.xml`` (a sitemap index of 1,000-URL sitemaps); ``/`` and
``/section/<k>.html`` list the articles too.  The server counts hits per path (``site.hits``), so
a test can assert that no page was fetched twice.

    python -m bench.sitegen --pages 2000 [--corpus DIR ...] [--port 0] [--delay-ms 0]
"""

from __future__ import annotations

import argparse
import gzip
import random
import re
import threading
import time
from collections import Counter
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PER_SITEMAP = 1000
PER_SECTION = 100
_ARTICLE = re.compile(r"^/news/(\d+)-[a-z0-9-]+\.html$")
_VOCAB = ("pemerintah menteri presiden rakyat kota desa warga polisi banjir harga beras minyak sawit ekspor "
          "impor bank rupiah saham bursa sekolah guru murid rumah sakit dokter pasien jalan tol kereta "
          "bandara pesawat kapal laut pantai gunung hutan sungai hujan angin musim panen petani nelayan "
          "pasar pedagang pembeli pajak anggaran daerah provinsi kabupaten gubernur bupati wali dewan "
          "partai pemilu suara calon kampanye hakim jaksa sidang putusan hukum undang aturan kebijakan "
          "ekonomi tumbuh turun naik tinggi rendah baru lama besar kecil cepat lambat kuat lemah")
_WORDS = tuple(_VOCAB.split())
_ARTICLE_ALLOW = r"/news/\d+-[a-z0-9-]+\.html$"


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(9, 18))]
    return " ".join(words).capitalize() + "."


def synthetic_article(n: int, base: str) -> bytes:
    rng = random.Random(n)
    title = " ".join(rng.choice(_WORDS) for _ in range(7)).title() + f" {n}"
    paras = "\n".join(f"      <p>{' '.join(_sentence(rng) for _ in range(3))}</p>"
                      for _ in range(rng.randint(5, 9)))
    day = 1 + n % 28
    date = f"2024-12-{day:02d}T{8 + n % 12:02d}:{n % 60:02d}:00+07:00"
    url = f"{base}{article_path(n)}"
    return f"""<!DOCTYPE html>
<html lang="id"><head><meta charset="utf-8">
  <title>{title} - Contoh News</title>
  <link rel="canonical" href="{url}">
  <meta property="og:type" content="article"><meta property="og:title" content="{title}">
  <meta property="og:url" content="{url}"><meta property="og:site_name" content="Contoh News">
  <meta property="article:published_time" content="{date}">
  <meta name="author" content="Penulis {n % 17}">
</head><body>
  <header><nav><a href="/">Beranda</a> | <a href="/section/0.html">Berita</a></nav></header>
  <main><article>
      <h1>{title}</h1>
      <div class="byline">Penulis {n % 17} &middot; {date}</div>
{paras}
  </article></main>
  <aside><h3>Terpopuler</h3><ul><li><a href="{article_path((n + 1) % 10)}">Berita lain</a></li></ul></aside>
  <footer>Hak cipta 2024 Contoh News. Seluruh hak dilindungi.</footer>
</body></html>""".encode()


def article_path(n: int) -> str:
    return f"/news/{n:06d}-berita-{n % 97}.html"


def load_corpus(dirs: Iterable[str | Path]) -> list[bytes]:
    """Every ``*.html``/``*.html.gz`` page under ``dirs``, sorted by path (deterministic)."""
    pages = []
    for d in dirs:
        for p in sorted(Path(d).rglob("*")):
            if p.name.endswith(".html.gz"):
                pages.append(gzip.decompress(p.read_bytes()))
            elif p.name.endswith(".html"):
                pages.append(p.read_bytes())
    if not pages:
        raise ValueError(f"no *.html or *.html.gz pages under {list(dirs)}")
    return pages


_TAG = re.compile(rb"<(?:link|meta)\b[^>]*>", re.I)
_URL_TAG = re.compile(rb"""\brel\s*=\s*["']?canonical\b|\bproperty\s*=\s*["']?og:url\b""", re.I)
_URL_VALUE = re.compile(rb"""(\b(?:href|content)\s*=\s*)(?:"[^"]*"|'[^']*'|[^\s"'>]+)""", re.I)


def replica(page: bytes, url: str) -> bytes:
    """The page with its canonical link and og:url pointing at ``url`` (so replicas stay distinct
    articles), whatever the attribute order and quoting."""
    u = b'"' + url.encode() + b'"'

    def fix(m: re.Match[bytes]) -> bytes:
        tag = m.group(0)
        return _URL_VALUE.sub(lambda v: v.group(1) + u, tag) if _URL_TAG.search(tag) else tag

    return _TAG.sub(fix, page)


class Site:
    """The page set: ``pages`` article URLs; ``corpus`` pages replicated, or synthetic ones."""

    def __init__(self, pages: int, corpus: list[bytes] | None = None, delay_ms: int = 0) -> None:
        self.n, self.corpus, self.delay = pages, corpus, delay_ms / 1000
        self.base = ""
        self.hits: Counter[str] = Counter()
        self._lock = threading.Lock()

    def article(self, n: int) -> bytes:
        if self.corpus:
            return replica(self.corpus[n % len(self.corpus)], f"{self.base}{article_path(n)}")
        return synthetic_article(n, self.base)

    def article_urls(self) -> list[str]:
        return [f"{self.base}{article_path(n)}" for n in range(self.n)]

    def render(self, path: str) -> tuple[int, str, bytes]:
        if m := _ARTICLE.match(path):
            n = int(m.group(1))
            if n < self.n and path == article_path(n):
                return 200, "text/html; charset=utf-8", self.article(n)
        elif path == "/robots.txt":
            return 200, "text/plain", f"User-agent: *\nAllow: /\nSitemap: {self.base}/sitemap.xml\n".encode()
        elif path == "/sitemap.xml":
            maps = "".join(f"<sitemap><loc>{self.base}/sitemap-{k}.xml</loc></sitemap>"
                           for k in range((self.n + PER_SITEMAP - 1) // PER_SITEMAP))
            return 200, "application/xml", (
                '<?xml version="1.0" encoding="UTF-8"?><sitemapindex '
                f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{maps}</sitemapindex>').encode()
        elif m := re.match(r"^/sitemap-(\d+)\.xml$", path):
            k = int(m.group(1))
            urls = "".join(f"<url><loc>{self.base}{article_path(n)}</loc></url>"
                           for n in range(k * PER_SITEMAP, min(self.n, (k + 1) * PER_SITEMAP)))
            return 200, "application/xml", (
                '<?xml version="1.0" encoding="UTF-8"?><urlset '
                f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>').encode()
        elif path in ("/", "/index.html") or re.match(r"^/section/\d+\.html$", path):
            k = 0 if path in ("/", "/index.html") else int(path.split("/")[2].split(".")[0])
            links = "".join(f'<li><a href="{article_path(n)}">Berita {n}</a></li>'
                            for n in range(k * PER_SECTION, min(self.n, (k + 1) * PER_SECTION)))
            sections = "".join(f'<a href="/section/{s}.html">{s}</a> '
                               for s in range((self.n + PER_SECTION - 1) // PER_SECTION))
            return 200, "text/html; charset=utf-8", (
                f"<html><head><title>Contoh News</title></head><body><nav>{sections}</nav>"
                f"<ul>{links}</ul></body></html>").encode()
        return 404, "text/html", b"<html><body>not found</body></html>"


def serve(site: Site, port: int = 0) -> tuple[ThreadingHTTPServer, str]:
    """Start serving ``site`` on loopback in a daemon thread; returns (server, base URL)."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            path = self.path.split("?", 1)[0]
            with site._lock:
                site.hits[path] += 1
            if site.delay:
                time.sleep(site.delay)
            status, ctype, body = site.render(path)
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, site.base


def sources_yaml(base: str, name: str = "bench", delay: float = 0.0, concurrency: int = 16,
                 max_pages: int = 1_000_000) -> str:
    """A sources.yaml with one source for the generated site (point NEWS_SOURCES at it)."""
    return f"""sources:
  - name: {name}
    domains: [127.0.0.1]
    start_urls: ["{base}/"]
    sitemaps: ["{base}/sitemap.xml"]
    robots_sitemaps: false
    article_allow: ['{_ARTICLE_ALLOW}']
    language: id
    country: ID
    follow_depth: 1
    delay: {delay}
    concurrency: {concurrency}
    max_pages: {max_pages}
    multipage: none
    allow_loopback: ["{base}"]  # the port of the generated site's URL, no other
"""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=2000)
    ap.add_argument("--corpus", nargs="*", default=[])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--delay-ms", type=int, default=0)
    args = ap.parse_args(argv)
    site = Site(args.pages, load_corpus(args.corpus) if args.corpus else None, args.delay_ms)
    server, base = serve(site, args.port)
    print(base, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
