"""What every search backend provides, and the errors all of them raise.

The backend is deliberately thin: one generic JSON request, one bulk call and the
translation of client exceptions into the three errors below.  Everything else (templates,
aliases, rollover, search bodies) is plain REST that both engines share and lives in
``news_ingest.store.client``, so nothing outside this package branches on the engine.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, Protocol


class StoreError(RuntimeError):
    """The cluster cannot be used for this request; the message names the cause and the fix.

    ``status`` is the HTTP status when the cluster answered, else None."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class StoreUnavailable(StoreError):
    """Connection refused, timeout, 5xx or 429 for a whole request: retry later or spool."""


class RequestTooLarge(StoreError):
    """HTTP 413: split the request and send the halves."""


class Backend(Protocol):
    @property
    def engine(self) -> str:
        """``elasticsearch`` | ``opensearch``"""
        ...

    @property
    def client(self) -> Any:
        """The engine's own client, for callers that need an engine-specific helper."""
        ...

    @property
    def rollover_size_condition(self) -> str:
        """The rollover condition on the (one-shard) primary size: Elasticsearch deprecates
        ``max_size`` (a warning on every call), OpenSearch has only ``max_size``."""
        ...

    def request(self, method: str, path: str, *, params: dict[str, Any] | None = None,
                body: Any = None, ignore: Collection[int] = ()) -> Any:
        """One JSON request; returns the parsed body, or None for a status in ``ignore``."""
        ...

    def bulk(self, lines: list[dict[str, Any]], params: dict[str, Any] | None = None) -> dict[str, Any]:
        """One ``_bulk`` request of action/document lines; returns the parsed response."""
        ...

    def close(self) -> None:
        ...


def not_a_cluster(where: str, what: str) -> StoreError:
    """ES_URL names something that answers HTTP but is no search cluster (Kibana, a web server)."""
    return StoreError(f"{where} answered with {what}, not a search cluster's JSON: is ES_URL the "
                      f"address of an Elasticsearch/OpenSearch node (usually port 9200), not Kibana (5601) "
                      f"or another web server? Fix: ES_URL=http://<node>:9200")


def looks_like_a_page(body: Any) -> bool:
    return isinstance(body, str | bytes) and body.lstrip()[:1] in ("<", b"<")


RETRYABLE_ITEM = frozenset({429, 500, 502, 503, 504})  # a bulk item refused for now: send it again later


def classify(status: int | None, reason: str, where: str, engine: str) -> StoreError:
    """Turn an HTTP status (None: no answer at all) into the right error with a fix."""
    if status is not None and looks_like_a_page(reason):
        return not_a_cluster(where, f"an HTML page (HTTP {status})")
    if status is None:
        local = "127.0.0.1" in where or "localhost" in where
        up = {"elasticsearch": "`make es-up`", "opensearch": "`make os-up`"}.get(
            engine, "`make es-up` (Elasticsearch) or `make os-up` (OpenSearch)")
        hint = (f"start a local node with {up}" if local
                else "check ES_URL, the network and TLS settings (ES_CA_CERTS, ES_VERIFY_CERTS)")
        names = {"elasticsearch": "Elasticsearch", "opensearch": "OpenSearch"}
        name = names.get(engine, "the search cluster")
        return StoreUnavailable(f"cannot reach {name} at {where} ({reason}). Fix: {hint}")
    if status == 401:
        return StoreError(f"{where} refused the credentials (401). Fix: check ES_API_KEY or "
                          f"ES_USERNAME/ES_PASSWORD", status)
    if status == 403:
        return StoreError(f"{where}: the credentials lack a privilege (403): {reason}", status)
    if status == 413:
        return RequestTooLarge(f"{where}: request too large (413); split it. {reason}", status)
    if status == 429 or status >= 500:
        return StoreUnavailable(f"{where} answered {status} (overloaded or failing): {reason}", status)
    return StoreError(f"{where} answered {status}: {reason}", status)


def common_client_options(settings: Any) -> dict[str, Any]:
    """Options both clients name alike: hosts, TLS, and a single quick retry on a dead
    connection — retries with backoff (and spooling) belong to the index stage."""
    kw: dict[str, Any] = {"hosts": list(settings.urls), "max_retries": 1, "retry_on_timeout": False,
                          "retry_on_status": ()}
    if settings.ca_certs:
        kw["ca_certs"] = settings.ca_certs
    if not settings.verify_certs:
        kw["verify_certs"] = False
        kw["ssl_show_warn"] = False
    return kw


def error_reason(body: Any) -> str:
    """The useful part of an error body: ``type: reason`` (plus the first cause)."""
    if isinstance(body, dict):
        err = body.get("error", body)
        if isinstance(err, dict):
            text = f"{err.get('type', 'error')}: {err.get('reason', '')}"
            cause = err.get("caused_by")
            if isinstance(cause, dict) and cause.get("reason"):
                text += f" (caused by {cause.get('type')}: {cause.get('reason')})"
            return text
        return str(err)[:500]
    return str(body)[:500]
