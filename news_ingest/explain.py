"""`news-ingest explain URL`: how the crawler would treat one URL, without crawling.

Answers: which source owns it, which allow/deny rule matches, URL-trap limits, whether the host's
addresses are allowed, whether robots.txt allows it (fetched only with ``fetch=True`` and only
from a host the safety rules allow), and whether it is an article (URL shape; with ``fetch=True``
also the page's og:type / JSON-LD).
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import ssl
import threading
import time
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlsplit

from lxml import html as lxml_html

from news_ingest.config import Ceilings
from news_ingest.netpolicy import Lookup, check_host, lookup_for
from news_ingest.sources import (
    Source,
    ceilings_for,
    load_crawler_config,
    load_sources,
    source_for_url,
    user_agent,
)
from news_ingest.terminal import printable
from pipelines import charset, discovery
from pipelines.crawl_config import CrawlerConfig
from pipelines.dedupe import article_id, join_url, normalize_url
from pipelines.page_kind import page_verdict

FETCH_TIMEOUT = 10.0  # seconds for one whole fetch: every redirect, connect, headers and body
_REDIRECTS = (301, 302, 303, 307, 308)
_PORTS = {"http": 80, "https": 443}


@dataclass
class Explanation:
    url: str
    normalized: str | None = None
    article_id: str | None = None
    source: str | None = None
    rule: str = "none"  # allow | deny | none
    pattern: str | None = None
    url_trap: str | None = None
    address: str | None = None  # None = allowed; else the refusal reason
    robots: str = "not checked (use --fetch)"
    page_kind: str | None = None
    verdict: str = ""
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def text(self) -> str:
        rows = [("url", self.url), ("normalized", self.normalized), ("article id", self.article_id),
                ("source", self.source or "none (no configured domain owns this host)"),
                ("rule", f"{self.rule}" + (f"  ({self.pattern})" if self.pattern else "")),
                ("url trap", self.url_trap or "ok"), ("address", self.address or "ok"),
                ("robots.txt", self.robots), ("page", self.page_kind or "not fetched"),
                ("verdict", self.verdict)]
        out = [f"{k:<11} {printable(v)}" for k, v in rows]
        out += [f"note        {printable(n)}" for n in self.notes]
        return "\n".join(out)


class FetchRefused(Exception):
    """The crawler would not make (or finish) this request; ``reason`` is the crawl's drop reason."""

    def __init__(self, reason: str, url: str) -> None:
        super().__init__(f"{reason}: {url}")
        self.reason, self.url = reason, url


@dataclass
class Fetcher:
    """GET as the crawler does: the same address policy on every hop (a redirect is checked before it
    is connected to, and the connection goes to the addresses that were checked), the crawler's
    user agent, the source's size and redirect limits under the ceilings, and one deadline for the
    whole fetch, so a server dripping its body a byte at a time cannot hold it."""

    src: Source
    sources: dict[str, Source]
    agent: str
    timeout: float = FETCH_TIMEOUT
    lookup: Lookup | None = None
    ceilings: Ceilings = field(default_factory=ceilings_for)

    def get(self, url: str) -> tuple[int, str | None, bytes]:
        deadline = time.monotonic() + self.timeout
        lookup = self.lookup or lookup_for()
        for _ in range(min(self.src.max_redirects, self.ceilings.redirects) + 1):
            parts = urlsplit(url)
            if parts.scheme not in _PORTS:
                raise FetchRefused("bad_scheme", url)
            if len(url) > self.ceilings.url_length:
                raise FetchRefused("url_too_long", url[:200])
            host = (parts.hostname or "").lower().rstrip(".")
            if not self.src.owns(url):  # host AND port (pipelines.hosts, the one ownership check)
                raise FetchRefused("offsite_redirect", url)
            try:
                port = parts.port or _PORTS[parts.scheme]
            except ValueError:
                raise FetchRefused("bad_port", url) from None
            addresses, reason = check_host(host, port, self.sources,
                                           lambda h: lookup(h, max(0.1, deadline - time.monotonic())))
            if reason:
                raise FetchRefused(reason, url)
            status, headers, body = self._once(parts, host, port, addresses, deadline)
            location = headers.get("Location")
            if status in _REDIRECTS and location:
                joined = join_url(url, location.strip())
                if joined is None:  # no URL parser reads it (pipelines.dedupe.join_url)
                    raise FetchRefused("bad_redirect", location.strip()[:200])
                url = joined
                continue
            return status, headers.get("Content-Type"), body
        raise FetchRefused("too_many_redirects", url)

    def _connect(self, addresses: tuple[str, ...], port: int, deadline: float) -> socket.socket:
        error: OSError | None = None
        for addr in addresses:  # the checked addresses, and no others
            try:
                return socket.create_connection((addr, port), timeout=_left(deadline))
            except OSError as exc:
                error = exc
        raise error or OSError("no address")

    def _once(self, parts: Any, host: str, port: int, addresses: tuple[str, ...],
              deadline: float) -> tuple[int, http.client.HTTPMessage, bytes]:
        sock = self._connect(addresses, port, deadline)
        # the deadline holds even for a server that drips its headers or body a byte at a time:
        # at the deadline the socket is shut, which ends any read in progress
        watchdog = threading.Timer(max(0.0, deadline - time.monotonic()), _shut, (sock,))
        watchdog.daemon = True
        watchdog.start()
        conn = http.client.HTTPConnection(host, port, timeout=_left(deadline))
        try:
            if parts.scheme == "https":
                sock = ssl.create_default_context().wrap_socket(sock, server_hostname=host)
            conn.sock = sock  # already connected to a checked address
            target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            conn.putrequest("GET", target, skip_host=True, skip_accept_encoding=True)
            conn.putheader("Host", parts.netloc.rsplit("@", 1)[-1])
            conn.putheader("User-Agent", self.agent)
            conn.putheader("Accept-Encoding", "identity")
            conn.endheaders()
            resp = conn.getresponse()
            cap = min(self.src.max_page_bytes, self.ceilings.page_bytes)
            if resp.status in _REDIRECTS:
                return resp.status, resp.headers, b""
            chunks, size = [], 0
            while True:
                sock.settimeout(_left(deadline))
                chunk = resp.read1(65536)
                if not chunk:
                    break
                size += len(chunk)
                if size > cap:
                    raise FetchRefused("too_large", f"{parts.geturl()} (over {cap:,} bytes)")
                chunks.append(chunk)
            _left(deadline)  # a read ended by the watchdog is a timeout, not the end of the body
            return resp.status, resp.headers, b"".join(chunks)
        except OSError:
            _left(deadline)  # the watchdog shut the socket: say so
            raise
        finally:
            watchdog.cancel()
            conn.close()
            sock.close()


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def _left(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("timed out (the whole fetch has FETCH_TIMEOUT seconds)")
    return left


def explain(url: str, sources: dict[str, Source] | None = None, config: CrawlerConfig | None = None,
            fetch: bool = False, timeout: float = FETCH_TIMEOUT) -> Explanation:
    sources = sources if sources is not None else load_sources()
    config = config or load_crawler_config()
    ex = Explanation(url=url)
    try:
        ex.normalized = normalize_url(url)
    except ValueError as exc:
        ex.verdict = f"not crawlable: {exc}"
        return ex
    ex.article_id = article_id(ex.normalized)
    src = source_for_url(sources, ex.normalized)
    parts = urlsplit(ex.normalized)
    lookup = lookup_for()
    _, ex.address = check_host(parts.hostname or "", parts.port or _PORTS.get(parts.scheme, 80),
                               None if src is None else sources, lambda h: lookup(h, timeout))
    ex.url_trap = discovery.url_trap(ex.normalized, config)
    if src is None:
        ex.verdict = "not crawled: off-site for every source (add its domain to a source in sources.yaml)"
        if ex.address and ex.address != "unresolvable":
            ex.verdict += f"; and refused in any case: {ex.address}"
        return ex
    ex.source = src.name
    ex.rule, ex.pattern = src.url_rule(ex.normalized)
    base = discovery.part_base(ex.normalized, src.multipage)
    if base and src.is_article_url(base):
        ex.notes.append("looks like a later page of a multi-page article; fetched as part of its first page")
    if src.multipage.show_all and ex.rule == "allow":
        ex.notes.append(f"fetched as {discovery.show_all_url(ex.normalized, src.multipage)} (show-all page)")
    if fetch and ex.address is None:
        _fetch_checks(ex, Fetcher(src, sources, user_agent(config), timeout, lookup))
    ex.verdict = _verdict(ex)
    return ex


def _fetch_checks(ex: Explanation, fetcher: Fetcher) -> None:
    parts = urlsplit(ex.normalized or ex.url)
    agent = fetcher.agent
    try:
        status, _, body = fetcher.get(f"{parts.scheme}://{parts.netloc}/robots.txt")
        if status == 200:
            robots = discovery.parse_robots(body)
            allowed = robots.allowed(ex.normalized or ex.url, agent)
            delay = robots.crawl_delay(agent)
            ex.robots = "allowed" if allowed else "disallowed"
            if delay:
                ex.robots += f", Crawl-delay {delay}s"
        else:
            ex.robots = f"allowed (robots.txt answered {status})"
        if ex.robots.startswith("disallowed") or ex.rule != "allow":
            return
        status, ctype, body = fetcher.get(ex.normalized or ex.url)
        if status != 200:
            ex.page_kind = f"HTTP {status}"
        elif not discovery.is_html(ctype, body):
            ex.page_kind = f"not HTML ({ctype})"
        else:
            text, _ = charset.decode(body, ctype)
            verdict = page_verdict(lxml_html.document_fromstring(text), ex.rule, fetcher.src.article_pages)
            ex.page_kind = str(verdict)
    except FetchRefused as exc:
        ex.page_kind = f"refused: {exc.reason}"
        ex.notes.append(f"fetch refused before connecting: {exc}" if exc.reason != "too_large"
                        else f"fetch stopped: {exc}")
    except (OSError, ValueError, http.client.HTTPException) as exc:  # TimeoutError is an OSError
        ex.notes.append(f"fetch failed: {exc or type(exc).__name__}")
        if ex.robots.startswith("not checked"):
            ex.robots = "unknown: the fetch failed"


def _verdict(ex: Explanation) -> str:
    if any(n.startswith("fetch failed") for n in ex.notes):
        return "unknown: the fetch failed, so robots.txt and the page could not be checked"
    if ex.address and ex.address != "unresolvable":
        return f"refused: {ex.address} (crawled links never reach internal hosts)"
    if ex.url_trap:
        return f"not crawled: URL trap ({ex.url_trap})"
    if ex.robots.startswith("disallowed"):
        return "not crawled: robots.txt disallows it"
    if ex.page_kind and ex.page_kind.startswith("refused"):
        return f"not crawled: {ex.page_kind} (a redirect or the page broke the crawl's rules)"
    if ex.rule == "deny":
        return "not an article: denied by rule"
    if ex.rule == "none":
        return "not an article URL; followed as a listing page within follow_depth"
    if ex.address == "unresolvable":
        return "article URL, but its host does not resolve here (DNS)"
    if ex.page_kind and not ex.page_kind.startswith("article") and not ex.page_kind.startswith("unknown"):
        return f"article URL, but the page is not an article: {ex.page_kind}"
    return "article: fetched and sent to extraction (unless already indexed)"
