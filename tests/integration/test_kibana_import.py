"""`make kibana-import` against a stand-in Kibana on loopback (Kibana itself cannot be installed
here): it posts the saved objects, and fails when Kibana answers HTTP 200 with success: false."""

from __future__ import annotations

import json
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _kibana(answer: dict) -> tuple[ThreadingHTTPServer, list[dict]]:
    seen: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server API
            body = self.rfile.read(int(self.headers["Content-Length"]))
            seen.append({"path": self.path, "xsrf": self.headers.get("kbn-xsrf"),
                         "auth": self.headers.get("Authorization"), "body": body})
            data = json.dumps(answer).encode()
            self.send_response(200)  # Kibana says 200 even when objects were refused
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, seen


def _make(url: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["make", "-s", "kibana-import", f"KIBANA_URL={url}", *extra], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


def test_kibana_import_fails_when_kibana_refuses_objects():
    refused = {"success": False, "successCount": 9, "errors": [
        {"id": "news-articles-dashboard", "type": "dashboard", "title": "News ingest overview",
         "error": {"type": "missing_references",
                   "references": [{"type": "visualization", "id": "news-articles-fill"}]}}]}
    server, seen = _kibana(refused)
    try:
        proc = _make(f"http://127.0.0.1:{server.server_address[1]}", "KIBANA_AUTH=elastic:pw")
    finally:
        server.shutdown()
        server.server_close()
    assert proc.returncode != 0
    assert "refused 1 object(s)" in proc.stderr and "news-articles-dashboard" in proc.stderr
    assert "missing visualization news-articles-fill" in proc.stderr
    req = seen[0]
    assert req["path"] == "/api/saved_objects/_import?overwrite=true" and req["xsrf"] == "true"
    assert req["auth"] == "Basic ZWxhc3RpYzpwdw=="  # elastic:pw
    assert (ROOT / "config/kibana/saved-objects.ndjson").read_bytes() in req["body"]


def test_kibana_import_succeeds_when_every_object_was_taken():
    server, _ = _kibana({"success": True, "successCount": 10})
    try:
        proc = _make(f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        server.shutdown()
        server.server_close()
    assert proc.returncode == 0 and "imported 10 saved object(s)" in proc.stdout, proc.stderr
