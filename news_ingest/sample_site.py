"""Serve the bundled sample news site (tests/fixtures/site) on loopback.

Used by ``make demo`` and by the crawl tests: a real HTTP server, so the crawl is real.
"""

from __future__ import annotations

import argparse
import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SITE_ROOT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "site"


class _Handler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # quiet: the crawl logs requests
        pass


def serve(port: int = 0, root: Path = SITE_ROOT) -> tuple[ThreadingHTTPServer, str]:
    """Start the server in a daemon thread; returns (server, base URL)."""
    handler = functools.partial(_Handler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=8765)
    args = ap.parse_args()
    server, url = serve(args.port)
    print(f"sample site at {url}/ (Ctrl-C stops it)", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.shutdown()


if __name__ == "__main__":
    main()
