"""The crawl keeps its HTTP connections alive: a host fetched N requests at a time is fetched over at
most N connections (crawler/handlers.py), not a new connection for most pages because Scrapy keeps
only CONCURRENT_REQUESTS_PER_DOMAIN idle ones.  A real loopback HTTP/1.1 server counts the
connections of a real ``scrapy runspider``."""

from __future__ import annotations

import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import crawler.settings

ROOT = Path(__file__).resolve().parents[2]
SPIDER = """
import scrapy


class Pages(scrapy.Spider):
    name = "pages"
    custom_settings = {{
        "DOWNLOAD_HANDLERS": {handlers!r},
        "DOWNLOAD_SLOTS": {{"127.0.0.1": {{"concurrency": 8, "delay": 0}}}},
        "ROBOTSTXT_OBEY": False, "TELNETCONSOLE_ENABLED": False, "LOG_LEVEL": "WARNING",
    }}

    async def start(self):
        for i in range({pages}):
            yield scrapy.Request("{base}/page/%d" % i)

    def parse(self, response):
        assert response.status == 200
"""


def test_a_host_fetched_eight_at_a_time_keeps_its_connections_alive(tmp_path):
    peers: set[tuple[str, int]] = set()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            with lock:
                peers.add(self.client_address)
            body = b"<html><body>" + b"x" * 20_000 + b"</body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        handlers = crawler.settings.DOWNLOAD_HANDLERS  # what the crawl uses, for http and https
        assert handlers["http"] == handlers["https"] == "crawler.handlers.KeepAliveHTTP11DownloadHandler"
        spider = tmp_path / "pages.py"
        base = f"http://127.0.0.1:{server.server_address[1]}"
        spider.write_text(SPIDER.format(handlers=handlers, pages=300, base=base))
        env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
        out = subprocess.run([sys.executable, "-m", "scrapy", "runspider", str(spider), "-s",
                              "CONCURRENT_REQUESTS=16"], cwd=tmp_path, env=env, capture_output=True,
                             text=True, timeout=120)
        assert out.returncode == 0, out.stderr[-2000:]
        assert "Traceback" not in out.stderr, out.stderr[-2000:]
    finally:
        server.shutdown()
    assert len(peers) <= 16, f"{len(peers)} connections for 300 pages"  # Scrapy's own handler: ~40
