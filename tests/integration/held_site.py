"""A generated news site on loopback that holds back its later article pages, and the environment
of a real ``scrapy crawl`` of it into a node with a private spool: what the outage test
(test_outage.py) and the node-loss test (test_cluster_node_loss.py) both need."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO

from news_ingest.sources import FIXTURE_SOURCES_PATH

ROOT = Path(__file__).resolve().parents[2]


class HeldSite:
    """``/`` lists ``articles`` links ``{prefix}NNN.html``; article pages from ``held_from`` on wait
    (at most ``wait`` seconds) for ``release``.  ``article(n)`` is page n's HTML."""

    def __init__(self, article: Callable[[int], bytes], *, articles: int, held_from: int, prefix: str,
                 home_title: str, link_text: str, wait: float) -> None:
        self.release = threading.Event()
        self.article, self.articles, self.held_from = article, articles, held_from
        self.prefix, self.home_title, self.link_text, self.wait = prefix, home_title, link_text, wait

    def urls(self, base: str) -> list[str]:
        return [f"{base}{self.prefix}{n:03d}.html" for n in range(self.articles)]

    def serve(self) -> tuple[ThreadingHTTPServer, str]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server API
                if self.path == "/":
                    links = "".join(f'<li><a href="{site.prefix}{n:03d}.html">{site.link_text} {n}</a></li>'
                                    for n in range(site.articles))
                    body = f"<html><body><h1>{site.home_title}</h1><ul>{links}</ul></body></html>".encode()
                elif self.path.startswith(site.prefix) and self.path.endswith(".html"):
                    n = int(self.path[len(site.prefix):-len(".html")])
                    if n >= site.held_from:
                        site.release.wait(site.wait)
                    body = site.article(n)
                else:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server, f"http://127.0.0.1:{server.server_address[1]}"


def crawl_env(node_url: str, alias: str, base: str, tmp_path: Path, **extra: str) -> dict[str, str]:
    """The sample source pointed at ``base``, indexing into ``alias`` at ``node_url`` in small, quick
    batches, with its spool and dead letters under ``tmp_path``; ``extra`` adds or overrides."""
    return {**os.environ, "ES_URL": node_url, "ES_INDEX": alias, "SAMPLE_SITE_URL": base,
            "NEWS_SOURCES": str(FIXTURE_SOURCES_PATH), "CRAWL_DELAY": "0",
            "INDEX_BATCH_DOCS": "5", "INDEX_FLUSH_SECONDS": "0.5",
            "INDEX_SPOOL_DIR": str(tmp_path / "spool"), "INDEX_DEAD_LETTER_DIR": str(tmp_path / "dead"),
            **extra}


def start_crawl(env: dict[str, str], log: IO[str]) -> subprocess.Popen[bytes]:
    """``scrapy crawl news -a source=sample`` from the checkout, its output into ``log``."""
    return subprocess.Popen([sys.executable, "-m", "scrapy", "crawl", "news", "-a", "source=sample"],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
