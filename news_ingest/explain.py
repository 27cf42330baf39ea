"""`news-ingest explain URL`: how the crawler would treat one URL, without crawling.

Answers: which source owns it, which allow/deny rule matches, URL-trap limits, whether the host's
addresses are allowed, whether robots.txt allows it (fetched only with ``fetch=True`` and only
from a host the safety rules allow), and whether it is an article (URL shape; with ``fetch=True``
also the page's og:type / JSON-LD).
"""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlsplit

from lxml import html as lxml_html

from news_ingest.netpolicy import METADATA_HOSTS, address_verdict, resolve
from news_ingest.sources import Source, load_crawler_config, load_sources, source_for_url
from news_ingest.terminal import printable
from pipelines import charset
from pipelines import discovery as d
from pipelines.crawl_config import CrawlerConfig
from pipelines.dedupe import article_id, normalize_url
from pipelines.page_kind import page_verdict

USER_AGENT = "news-ingest/0.1"
FETCH_TIMEOUT = 10
MAX_FETCH_BYTES = 4 * 1024 * 1024


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


def _get(url: str) -> tuple[int, str | None, bytes]:
    req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(req, timeout=FETCH_TIMEOUT) as resp:  # noqa: S310 - http(s) checked
            return resp.status, resp.headers.get("Content-Type"), resp.read(MAX_FETCH_BYTES)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type"), b""


def explain(url: str, sources: dict[str, Source] | None = None, config: CrawlerConfig | None = None,
            fetch: bool = False) -> Explanation:
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
    host = urlsplit(ex.normalized).hostname or ""
    ex.address = ("metadata_address" if host in METADATA_HOSTS
                  else address_verdict(resolve(host), bool(src and src.allow_loopback)))
    ex.url_trap = d.url_trap(ex.normalized, config)
    if src is None:
        ex.verdict = "not crawled: off-site for every source (add its domain to a source in sources.yaml)"
        if ex.address and ex.address != "unresolvable":
            ex.verdict += f"; and refused in any case: {ex.address}"
        return ex
    ex.source = src.name
    ex.rule, ex.pattern = src.url_rule(ex.normalized)
    base = d.part_base(ex.normalized, src.multipage)
    if base and src.is_article_url(base):
        ex.notes.append("looks like a later page of a multi-page article; fetched as part of its first page")
    if src.multipage.show_all and ex.rule == "allow":
        ex.notes.append(f"fetched as {d.show_all_url(ex.normalized, src.multipage)} (show-all page)")
    if fetch and ex.address is None:
        _fetch_checks(ex, src)
    ex.verdict = _verdict(ex)
    return ex


def _fetch_checks(ex: Explanation, src: Source) -> None:
    parts = urlsplit(ex.normalized or ex.url)
    try:
        status, _, body = _get(f"{parts.scheme}://{parts.netloc}/robots.txt")
        if status == 200:
            robots = d.parse_robots(body)
            allowed = robots.allowed(ex.normalized or ex.url, USER_AGENT)
            delay = robots.crawl_delay(USER_AGENT)
            ex.robots = "allowed" if allowed else "disallowed"
            if delay:
                ex.robots += f", Crawl-delay {delay}s"
        else:
            ex.robots = f"allowed (robots.txt answered {status})"
        if ex.robots.startswith("disallowed") or ex.rule != "allow":
            return
        status, ctype, body = _get(ex.normalized or ex.url)
        if status != 200:
            ex.page_kind = f"HTTP {status}"
        elif not d.is_html(ctype, body):
            ex.page_kind = f"not HTML ({ctype})"
        else:
            text, _ = charset.decode(body, ctype)
            verdict = page_verdict(lxml_html.document_fromstring(text), ex.rule, src.article_pages)
            ex.page_kind = str(verdict)
    except (OSError, ValueError) as exc:
        ex.notes.append(f"fetch failed: {exc}")


def _verdict(ex: Explanation) -> str:
    if ex.address and ex.address != "unresolvable":
        return f"refused: {ex.address} (crawled links never reach internal hosts)"
    if ex.url_trap:
        return f"not crawled: URL trap ({ex.url_trap})"
    if ex.robots.startswith("disallowed"):
        return "not crawled: robots.txt disallows it"
    if ex.rule == "deny":
        return "not an article: denied by rule"
    if ex.rule == "none":
        return "not an article URL; followed as a listing page within follow_depth"
    if ex.address == "unresolvable":
        return "article URL, but its host does not resolve here (DNS)"
    if ex.page_kind and not ex.page_kind.startswith("article") and not ex.page_kind.startswith("unknown"):
        return f"article URL, but the page is not an article: {ex.page_kind}"
    return "article: fetched and sent to extraction (unless already indexed)"
