"""`make kibana-import`: load config/kibana/saved-objects.ndjson into Kibana, and fail when Kibana
did not take every object.

Kibana's import API answers HTTP 200 with ``{"success": false, "errors": [...]}`` when some objects
were refused (a missing reference, a conflict, an object from a newer Kibana), so the HTTP status
alone says nothing; this checks the answer.  Standard library only: runs without the venv.

    python -m news_ingest.kibana --url http://localhost:5601 [--auth user:password] [--file F]
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any

from news_ingest.settings import CONFIG_DIR

NDJSON = CONFIG_DIR / "kibana" / "saved-objects.ndjson"
MIN_KIBANA = "8.8.0"  # the objects' coreMigrationVersion: an older Kibana refuses them


class ImportFailed(RuntimeError):
    pass


def problems(answer: dict[str, Any]) -> list[str]:
    """What Kibana refused, one line per object (empty when every object was imported)."""
    if answer.get("success") is True and not answer.get("errors"):
        return []
    out = []
    for err in answer.get("errors") or []:
        e = err.get("error") or {}
        what = e.get("type", "error")
        detail = "; ".join(f"{r.get('type')} {r.get('id')}" for r in e.get("references") or [])
        line = f"{err.get('type')} {err.get('id')} ({err.get('title', '')}): {what}"
        line += f" — missing {detail}" if detail else ""
        out.append(line + (f" — {e['message']}" if e.get("message") else ""))
    return out or [f"Kibana answered success={answer.get('success')!r}: {json.dumps(answer)[:300]}"]


def import_objects(url: str, file: Path = NDJSON, auth: str | None = None, timeout: float = 60) -> int:
    """POST the file to ``/api/saved_objects/_import?overwrite=true``; returns the objects imported."""
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file.name}\"\r\n"
            f"Content-Type: application/ndjson\r\n\r\n").encode() + file.read_bytes() + \
        f"\r\n--{boundary}--\r\n".encode()
    req = urllib.request.Request(f"{url.rstrip('/')}/api/saved_objects/_import?overwrite=true", data=body,
                                 method="POST",
                                 headers={"kbn-xsrf": "true",
                                          "Content-Type": f"multipart/form-data; boundary={boundary}"})
    if auth:
        req.add_header("Authorization", "Basic " + base64.b64encode(auth.encode()).decode())
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - the operator's URL
            answer = json.load(resp)
    except urllib.error.HTTPError as exc:
        raise ImportFailed(f"Kibana at {url} answered HTTP {exc.code}: "
                           f"{exc.read()[:300].decode(errors='replace')}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise ImportFailed(f"Kibana at {url} does not answer ({exc}). "
                           f"Fix: make kibana-import KIBANA_URL=http://host:5601") from None
    except ValueError:
        raise ImportFailed(f"{url} did not answer JSON: is KIBANA_URL a Kibana?") from None
    if bad := problems(answer):
        raise ImportFailed(f"Kibana at {url} refused {len(bad)} object(s) (Kibana {MIN_KIBANA} or newer "
                           f"is needed):\n  " + "\n  ".join(bad))
    return int(answer.get("successCount") or 0)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="kibana-import", description=__doc__.splitlines()[0])
    ap.add_argument("--url", default="http://localhost:5601")
    ap.add_argument("--auth", help="user:password")
    ap.add_argument("--file", type=Path, default=NDJSON)
    args = ap.parse_args(argv)
    try:
        n = import_objects(args.url, args.file, args.auth or None)
    except ImportFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"imported {n} saved object(s) into {args.url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
