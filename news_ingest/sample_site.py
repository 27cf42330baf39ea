"""Serve the bundled sample news site (tests/fixtures/site) on loopback.

Used by ``make demo`` and by the crawl tests: a real HTTP server, so the crawl is real.  Static
pages come from the fixture folder (``{BASE}`` in XML and robots.txt becomes the server's own URL);
the routes in ``DYNAMIC`` reproduce what real news sites do to crawlers: redirects (in-site and
off-site), a 500 that recovers on retry, a PDF behind an article-like URL, an oversized page, wrong
or missing charset headers, an empty 200, ``?page=N`` and ``/N`` article parts.  Every request is
counted in ``server.hits`` (path with query) so tests can assert what was fetched.
"""

from __future__ import annotations

import argparse
import hashlib
import threading
import time
from collections import Counter
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

SITE_ROOT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "site"
HUGE_PAGE_BYTES = 1_500_000  # over the sample source's max_page_bytes (1 MB)
TYPES = {".html": "text/html; charset=utf-8", ".xml": "application/xml; charset=utf-8",
         ".txt": "text/plain; charset=utf-8"}


LISTINGS = ("/berita/", "/world/", "/news/", "/berita/terpopuler.html")


class SiteServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int, root: Path, page_delay: float = 0.0) -> None:
        super().__init__(("127.0.0.1", port), SiteHandler)
        self.root = root
        self.page_delay = page_delay  # seconds added to every article page (the kill -9 test)
        self.hits: Counter[str] = Counter()
        self.lock = threading.Lock()

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # the crawler aborting an oversized download resets the connection: expected here

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def hit(self, path: str) -> int:
        with self.lock:
            self.hits[path] += 1
            return self.hits[path]

    def article_hits(self) -> Counter[str]:
        """Requests for article pages (under /berita/, /world/ or /news/, but not section indexes)."""
        with self.lock:
            return Counter({p: n for p, n in self.hits.items()
                            if p.startswith(("/berita/", "/world/", "/news/"))
                            and urlsplit(p).path not in LISTINGS})


class SiteHandler(BaseHTTPRequestHandler):
    server: SiteServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # quiet: the crawl logs requests
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        n = self.server.hit(self.path)
        parts = urlsplit(self.path)
        route = DYNAMIC.get(parts.path)
        if route is not None:
            route(self, n)
            return
        if self.server.page_delay and parts.path.startswith(("/berita/", "/world/", "/news/")):
            time.sleep(self.server.page_delay)
        file = self._file(parts.path, dict(parse_qsl(parts.query)))
        if file is None:
            self.send(404, b"<html><body><h1>404 Halaman tidak ditemukan</h1></body></html>")
            return
        body = file.read_bytes()
        if file.suffix in (".xml", ".txt"):
            body = body.replace(b"{BASE}", self.server.base.encode())
        # validators like any static file server (nginx, Apache): an unchanged file answers 304
        etag = '"' + hashlib.blake2b(body, digest_size=8).hexdigest() + '"'
        modified = formatdate(file.stat().st_mtime, usegmt=True)
        if self.headers.get("If-None-Match") == etag:
            self.send(304, b"", "", headers={"ETag": etag, "Last-Modified": modified})
            return
        self.send(200, body, TYPES.get(file.suffix, "application/octet-stream"),
                  headers={"ETag": etag, "Last-Modified": modified})

    def _file(self, path: str, query: dict[str, str]) -> Path | None:
        root = self.server.root
        rel = path.lstrip("/")
        if ".." in rel.split("/"):
            return None
        page = query.get("page")
        if rel in ("", "/"):
            candidates = ["index.html"]
        elif rel.startswith("news/") and rel.rstrip("/").split("/")[-1].isdigit():  # /news/<slug>/2
            stem, num = rel.rstrip("/").rsplit("/", 1)
            candidates = [f"{stem}.p{num}.html"]
        elif page and page != "1" and rel.endswith(".html"):  # ?page=2, ?page=all
            candidates = [rel[:-5] + f".page{page}.html"]
        else:
            candidates = [rel, rel + ".html", rel.rstrip("/") + "/index.html"]
        for c in candidates:
            if (root / c).is_file():
                return root / c
        return None

    def send(self, status: int, body: bytes, ctype: str = "text/html; charset=utf-8",
             headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)


def _redirect(target: str, status: int = 301):
    def handler(h: SiteHandler, n: int) -> None:
        location = target.replace("{BASE}", h.server.base)
        h.send(status, b"", headers={"Location": location})
    return handler


def _flaky(h: SiteHandler, n: int) -> None:
    """500 on the first request, the article after: Scrapy's retry must recover it."""
    if n == 1:
        h.send(500, b"<html><body>Internal Server Error</body></html>")
    else:
        h.send(200, (h.server.root / "berita/gempa-cianjur-susulan.html").read_bytes())


def _pdf(h: SiteHandler, n: int) -> None:
    body = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" + b"0" * 20000 + b"\n%%EOF\n"
    h.send(200, body, "application/pdf")


def _huge(h: SiteHandler, n: int) -> None:
    filler = b"<p>" + b"Laporan lengkap anggaran daerah. " * 40 + b"</p>\n"
    head = (b'<!DOCTYPE html><html lang="id"><head><meta charset="utf-8"><title>Laporan</title>'
            b'<meta property="og:type" content="article"></head><body><article>')
    body = head + filler * (HUGE_PAGE_BYTES // len(filler) + 1) + b"</article></body></html>"
    h.send(200, body)


def _cp1252(name: str, header: str):
    def handler(h: SiteHandler, n: int) -> None:
        h.send(200, (h.server.root / name).read_bytes(), header)
    return handler


DYNAMIC = {
    "/berita/lama.html": _redirect("{BASE}/berita/banjir-jakarta-surut.html"),  # in-site, followed
    "/berita/pindah-offsite.html": _redirect("http://offsite.invalid/berita/pindah.html", 302),  # refused
    "/berita/gempa-cianjur-susulan.html": _flaky,
    "/berita/dokumen-anggaran": _pdf,
    "/berita/halaman-raksasa.html": _huge,
    "/berita/kosong.html": lambda h, n: h.send(200, b""),
    # windows-1252 bytes: one labelled utf-8 (wrong), one with no charset anywhere
    "/world/cafe-prices-paris.html": _cp1252("world/cafe-prices-paris.html", "text/html; charset=utf-8"),
    "/world/euro-zone-outlook.html": _cp1252("world/euro-zone-outlook.html", "text/html"),
}


def serve(port: int = 0, root: Path = SITE_ROOT, page_delay: float = 0.0) -> tuple[SiteServer, str]:
    """Start the server in a daemon thread; returns (server, base URL)."""
    server = SiteServer(port, root, page_delay)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.base


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--page-delay", type=float, default=0.0, help="seconds added to each article page")
    args = ap.parse_args()
    server, url = serve(args.port, page_delay=args.page_delay)
    print(f"sample site at {url}/ (Ctrl-C stops it)", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.shutdown()


if __name__ == "__main__":
    main()
