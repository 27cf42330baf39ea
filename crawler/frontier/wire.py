"""The frontier's wire format: requests as JSON (no pickle), optionally HMAC-signed; reading one runs
no code (see the package docstring, "No pickle on the wire").
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
from typing import Any

from scrapy import Request, Spider
from scrapy.utils.request import request_from_dict

log = logging.getLogger(__name__)

# ---------------------------------------------------------------------------------- wire format
class PayloadError(ValueError):
    """A frontier payload that is not a request this crawler made; ``reason`` is the drop stat."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason


_PLAIN, _SIGNED = b"j1:", b"j1s:"
_TAGS = ("__bytes__", "__tuple__", "__set__", "__items__")
REQUEST_CLASSES = {"scrapy.http.request.Request", "scrapy.Request", "scrapy.http.Request"}


def _wrap(obj: Any) -> Any:
    """JSON-safe form of ``Request.to_dict`` output; only plain data passes (TypeError otherwise)."""
    if obj is None or isinstance(obj, (str, bool, int, float)):
        return obj
    if isinstance(obj, bytes):
        return {"__bytes__": base64.b64encode(obj).decode("ascii")}
    if isinstance(obj, list):
        return [_wrap(v) for v in obj]
    if isinstance(obj, tuple):
        return {"__tuple__": [_wrap(v) for v in obj]}
    if isinstance(obj, (set, frozenset)):
        return {"__set__": [_wrap(v) for v in sorted(obj, key=repr)]}
    if isinstance(obj, dict):
        # non-string keys (headers: bytes -> [bytes]), or a dict that looks like one of the tags
        if not all(isinstance(k, str) for k in obj) or (len(obj) == 1 and next(iter(obj)) in _TAGS):
            return {"__items__": [[_wrap(k), _wrap(v)] for k, v in obj.items()]}
        return {k: _wrap(v) for k, v in obj.items()}
    raise TypeError(f"{type(obj).__name__} is not plain data")


def _unwrap(obj: dict[str, Any]) -> Any:
    if len(obj) == 1:
        (key, value), = obj.items()
        if key == "__bytes__":
            return base64.b64decode(value, validate=True)
        if key == "__tuple__":
            return tuple(value)
        if key == "__set__":
            return set(value)
        if key == "__items__":
            return {k: v for k, v in value}
    return obj


def encode_request(data: dict[str, Any], key: bytes | None = None) -> bytes:
    """``Request.to_dict()`` -> bytes for Redis: JSON, HMAC-signed when ``key`` is given."""
    body = json.dumps(_wrap(data), separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()
    if key:
        return _SIGNED + hmac.new(key, body, hashlib.sha256).hexdigest().encode() + b":" + body
    return _PLAIN + body


def decode_request(raw: bytes, key: bytes | None = None) -> dict[str, Any]:
    """bytes from Redis -> the request dict; ``PayloadError`` for anything else (nothing is executed)."""
    if raw.startswith(_SIGNED):
        mac, sep, body = raw[len(_SIGNED):].partition(b":")
        if not key:
            raise PayloadError("bad_signature", "signed payload, but FRONTIER_HMAC_KEY is not set here")
        if not sep or not hmac.compare_digest(mac, hmac.new(key, body, hashlib.sha256).hexdigest().encode()):
            raise PayloadError("bad_signature", "HMAC does not match (FRONTIER_HMAC_KEY)")
    elif raw.startswith(_PLAIN):
        if key:
            raise PayloadError("bad_signature", "unsigned payload while FRONTIER_HMAC_KEY is set")
        body = raw[len(_PLAIN):]
    else:
        raise PayloadError("undecodable", f"not a JSON request payload ({len(raw)} bytes)")
    try:
        data = json.loads(body, object_hook=_unwrap)
    except (ValueError, TypeError) as exc:  # bad JSON, bad base64, unhashable set members
        raise PayloadError("undecodable", f"not valid JSON: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("url"), str):
        raise PayloadError("undecodable", "not a request (no url)")
    return data


def _own_method(spider: Spider, name: Any) -> bool:
    """True when ``name`` is a public method the spider's class defines (not Scrapy's Spider)."""
    if not isinstance(name, str) or name.startswith("_"):
        return False
    for cls in type(spider).__mro__:
        if cls is Spider or cls is object:
            return False
        if name in vars(cls):
            return callable(vars(cls)[name])
    return False


def request_from_payload(raw: bytes, spider: Spider, key: bytes | None = None) -> Request:
    """The request a payload describes, after checking it names nothing the spider did not make."""
    data = decode_request(raw, key)
    cls = data.pop("_class", None)
    if cls is not None and cls not in REQUEST_CLASSES:
        raise PayloadError("not_allowed", f"request class {cls!r}")
    for fld in ("callback", "errback"):
        if data.get(fld) is not None and not _own_method(spider, data[fld]):
            raise PayloadError("not_allowed", f"{fld} {data[fld]!r} is no method of the spider")
    try:
        return request_from_dict(data, spider=spider)
    except Exception as exc:  # noqa: BLE001 - wrong field types, bad URL: a drop, never a crash
        raise PayloadError("undecodable", f"{type(exc).__name__}: {exc}") from None


def hmac_key() -> bytes | None:
    """``FRONTIER_HMAC_KEY`` from the environment (never from the settings, which are logged)."""
    raw = os.environ.get("FRONTIER_HMAC_KEY", "")
    return raw.encode() if raw else None
