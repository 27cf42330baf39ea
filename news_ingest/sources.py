"""Load and validate config/sources.yaml into typed ``Source`` objects.

Every error names the file, the source, the field and the fix, so a bad edit fails at start
instead of half-way through a crawl.  ``${VAR:-default}`` in URLs is expanded from the environment
(the sample source points at whatever port the fixture server got).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from news_ingest.config import Ceilings, ConfigError, S, load, parse_bool, parse_duration, parse_size
from news_ingest.settings import CONFIG_DIR
from pipelines import hosts
from pipelines.crawl_config import CrawlerConfig, MultiPage
from pipelines.page_kind import ARTICLE_PAGES_MODES

SOURCES_PATH = CONFIG_DIR / "sources.yaml"  # the shipped default (package data in a wheel)
# the bundled sample site's source (make demo, the tests): never in the shipped file
FIXTURE_SOURCES_PATH = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "sources.yaml"
_ENV = re.compile(r"\$\{(\w+)(?::-([^}]*))?\}")
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9-]{1,63}\.)*[a-z0-9-]{1,63}$")
_MULTIPAGE_MODES = ("none", "query", "path", "auto")


class SourceConfigError(ValueError):
    """sources.yaml is unusable; the message says where and how to fix it."""


@dataclass(frozen=True)
class Source:
    name: str
    domains: tuple[str, ...]
    start_urls: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    robots_sitemaps: bool = True  # read Sitemap: lines from robots.txt too
    article_allow: tuple[str, ...] = ()
    article_deny: tuple[str, ...] = ()
    language: str | None = None
    country: str | None = None
    max_pages: int = 5000  # requests per source per run: the URL-trap backstop
    max_age_days: float | None = None  # skip feed/sitemap items older than this
    follow_depth: int = 2  # link hops from a start URL; feeds/sitemaps items are depth 0
    delay: float = 1.0  # minimum seconds between requests to one host (robots Crawl-delay may raise it)
    concurrency: int = 2  # parallel requests per host
    max_page_bytes: int = 4 * 1024 * 1024  # at most Ceilings.page_bytes
    max_decompressed_bytes: int = 32 * 1024 * 1024  # gzipped sitemaps; at most Ceilings.decompressed_bytes
    max_redirects: int = 5  # at most Ceilings.redirects
    multipage: MultiPage = field(default_factory=MultiPage)
    # loopback ports a local fixture site may be reached on; () for every real source: crawled links
    # never reach internal hosts
    allow_loopback: tuple[int, ...] = ()
    fixture: bool = False  # a test/demo site: never part of `all`, crawled only when named
    # is a page under article_allow an article? auto: unless strong markup says it is a listing;
    # url: always; markup: only when its markup says so (og:type=website then means "not an article")
    article_pages: str = "auto"
    # the ports the source owns on its domains: the ports of its configured URLs and `ports:`, plus the
    # default ports 80/443 unless it is a loopback fixture site (filled by parse_source)
    ports: tuple[int, ...] = (80, 443)
    # compiled patterns (not from YAML)
    allow_re: tuple[re.Pattern[str], ...] = field(default=(), repr=False, compare=False)
    deny_re: tuple[re.Pattern[str], ...] = field(default=(), repr=False, compare=False)

    def owns_host(self, host: str | None) -> bool:
        """True when ``host`` is one of the domains or a subdomain of one (any port: see ``owns``)."""
        return hosts.host_in(host, self.domains)

    def owns(self, url: str) -> bool:
        """True when the URL's host AND port are the source's (``pipelines.hosts.owns``, the one check)."""
        return hosts.owns(self.domains, self.ports, url)

    def loopback_allowed(self, port: int) -> bool:
        """True when this (fixture) source may reach a loopback address on ``port``."""
        return port in self.allow_loopback

    def url_rule(self, url: str) -> tuple[str, str | None]:
        """('deny'|'allow'|'none', the pattern that decided)."""
        for rx in self.deny_re:
            if rx.search(url):
                return "deny", rx.pattern
        for rx in self.allow_re:
            if rx.search(url):
                return "allow", rx.pattern
        return "none", None

    def is_article_url(self, url: str) -> bool:
        return self.url_rule(url)[0] == "allow"


def _expand(value: str) -> str:
    return _ENV.sub(lambda m: os.environ.get(m.group(1), m.group(2) or ""), value)


class _Reader:
    """Typed field access for one entry; every failure names source, field and fix."""

    def __init__(self, path: Path, where: str, entry: dict[str, Any]) -> None:
        self.path, self.where, self.entry = path, where, entry

    def fail(self, fld: str, problem: str, fix: str) -> SourceConfigError:
        return SourceConfigError(f"{self.path.name}: {self.where}, field {fld!r}: {problem}. Fix: {fix}")

    def get(self, fld: str, kind: type | tuple[type, ...], default: Any = None,
            required: bool = False) -> Any:
        if fld not in self.entry or self.entry[fld] is None:
            if required:
                raise self.fail(fld, "missing", f"add `{fld}:` to the entry")
            return default
        value = self.entry[fld]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
            names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
            raise self.fail(fld, f"expected {names}, got {type(value).__name__} {value!r}",
                            f"write `{fld}:` as a {names}")
        return value

    def str_list(self, fld: str, required: bool = False) -> list[str]:
        value = self.get(fld, (list, str), [], required)
        items = [value] if isinstance(value, str) else value
        for i, v in enumerate(items):
            if not isinstance(v, str) or not v.strip():
                raise self.fail(f"{fld}[{i}]", f"expected a non-empty string, got {v!r}", "quote the value")
        if required and not items:
            raise self.fail(fld, "empty list", f"give at least one value for `{fld}`")
        return [v.strip() for v in items]

    def flag(self, fld: str, default: bool) -> bool:
        """A bool written any way the config model takes one (``true``, ``yes``, ``on``, ``1`` ...)."""
        raw = self.entry.get(fld)
        if raw is None:
            return default
        try:
            return parse_bool(raw)
        except ValueError:
            raise self.fail(fld, f"expected true or false, got {raw!r}", f"write `{fld}: true` or "
                            f"`{fld}: false`") from None

    def duration(self, fld: str, default: float, allow_zero: bool = False) -> float:
        """Seconds, as a number or with a unit (``1.5``, ``30s``, ``2m``): the config model's parser."""
        raw = self.get(fld, (int, float, str), default)
        try:
            value = parse_duration(raw)
        except ValueError as exc:
            raise self.fail(fld, str(exc), f"write `{fld}:` as seconds, e.g. `{fld}: 1.5` or `{fld}: 2m`") \
                from None
        if value < 0 or (value == 0 and not allow_zero):
            raise self.fail(fld, f"must be {'>= 0' if allow_zero else '> 0'}, got {raw!r}",
                            "use a positive number")
        return value

    def positive(self, fld: str, kind: type, default: Any, allow_zero: bool = False) -> Any:
        value = self.get(fld, kind, default)
        if value is not None and (value < 0 or (value == 0 and not allow_zero)):
            raise self.fail(fld, f"must be {'>= 0' if allow_zero else '> 0'}, got {value}",
                            "use a positive number")
        return value


def _urls(r: _Reader, fld: str, src_domains: tuple[str, ...], required: bool = False) -> tuple[str, ...]:
    out = []
    for i, raw in enumerate(r.str_list(fld, required)):
        url = _expand(raw)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise r.fail(f"{fld}[{i}]", f"{url!r} is not an absolute http(s) URL",
                         "write the full URL, e.g. https://www.example.com/rss")
        host = parts.hostname.lower()
        if not any(host == d or host.endswith("." + d) for d in src_domains):
            raise r.fail(f"{fld}[{i}]", f"host {host!r} is not in domains {list(src_domains)}",
                         f"add {host!r} (or its parent domain) to `domains`")
        out.append(url)
    return tuple(out)


def _patterns(r: _Reader, fld: str) -> tuple[re.Pattern[str], ...]:
    out = []
    for i, pat in enumerate(r.str_list(fld)):
        try:
            out.append(re.compile(pat))
        except re.error as exc:
            raise r.fail(f"{fld}[{i}]", f"invalid regular expression {pat!r}: {exc}",
                         "fix the pattern (YAML single quotes keep backslashes as written)") from None
    return tuple(out)


def _multipage(r: _Reader) -> MultiPage:
    raw = r.get("multipage", (dict, str), None)
    if raw is None:
        return MultiPage()
    if isinstance(raw, str):
        raw = {"mode": raw}
    sub = _Reader(r.path, r.where, raw)
    mode = sub.get("mode", str, "auto")
    if mode not in _MULTIPAGE_MODES:
        raise r.fail("multipage.mode", f"unknown mode {mode!r}", f"use one of {list(_MULTIPAGE_MODES)}")
    unknown = set(raw) - {"mode", "param", "show_all", "max_pages"}
    if unknown:
        raise r.fail("multipage", f"unknown key(s) {sorted(unknown)}",
                     "use mode, param, show_all, max_pages")
    return MultiPage(mode=mode, param=sub.get("param", str, "page"), show_all=sub.get("show_all", str, None),
                     max_pages=sub.positive("max_pages", int, 20))


_KNOWN = {"name", "domains", "start_urls", "feeds", "sitemaps", "robots_sitemaps", "article_allow",
          "article_deny", "language", "country", "max_pages", "max_age_days", "follow_depth", "delay",
          "concurrency", "max_page_bytes", "max_decompressed_bytes", "max_redirects", "multipage",
          "allow_loopback", "fixture", "notes", "article_pages", "ports"}


def _limit(r: _Reader, fld: str, default: int, ceiling: int, var: str, size: bool = True) -> int:
    """A per-source limit: positive, and at most the crawler's ceiling (a source may only lower it)."""
    raw = r.get(fld, (int, str), None)
    if raw is None:
        return min(default, ceiling)
    try:
        value = parse_size(raw) if size else int(raw)
    except ValueError as exc:
        raise r.fail(fld, str(exc), f"write `{fld}:` as a number{' or a size like 4MB' if size else ''}") \
            from None
    if value <= 0:
        raise r.fail(fld, f"must be > 0, got {raw!r}", "use a positive number")
    if value > ceiling:
        raise r.fail(fld, f"{raw!r} ({value:,}) is over the crawler's ceiling of {ceiling:,} ({var})",
                     f"lower it to at most {ceiling:,}; a source may only lower a ceiling. (Raising {var} "
                     f"raises it for every source: the ceiling is what stops a compression bomb)")
    return value


def _loopback_ports(r: _Reader) -> tuple[int, ...]:
    """``allow_loopback: [8765]``: the loopback ports a fixture site is reached on.  An entry may be
    ``${VAR}`` that expands to a port or to a URL with an explicit port (the fixture server's URL)."""
    raw = r.entry.get("allow_loopback")
    if raw is None or raw is False:
        return ()
    if raw is True:
        raise r.fail("allow_loopback", "needs the list of ports, not `true` (every port of this machine "
                     "would be in scope)", "write e.g. `allow_loopback: [8765]`, the fixture server's port")
    items = raw if isinstance(raw, list) else [raw]
    ports = []
    for i, item in enumerate(items):
        text = _expand(item) if isinstance(item, str) else item
        port: Any = text
        if isinstance(text, str):
            parts = urlsplit(text.strip()) if "://" in text else None
            try:
                port = parts.port if parts is not None else int(text.strip())
            except ValueError:
                port = None
        if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
            raise r.fail(f"allow_loopback[{i}]", f"{item!r} is not a port (or a URL with an explicit port)",
                         "write the port number, e.g. 8765")
        ports.append(port)
    return tuple(sorted(set(ports)))


def parse_source(entry: Any, index: int, path: Path = SOURCES_PATH,
                 ceilings: Ceilings | None = None) -> Source:
    if not isinstance(entry, dict):
        raise SourceConfigError(f"{path.name}: sources[{index}] is a {type(entry).__name__}, not a mapping. "
                                f"Fix: write each source as `- name: ...` with its fields indented below")
    where = f"source {entry.get('name')!r}" if entry.get("name") else f"sources[{index}]"
    r = _Reader(path, where, entry)
    ceilings = ceilings or ceilings_for(path)
    name = r.get("name", str, required=True)
    if not _NAME.match(name):
        raise r.fail("name", f"{name!r} is not a plain lowercase name", "use letters, digits, - or _")
    unknown = set(entry) - _KNOWN
    if unknown:
        raise r.fail(sorted(unknown)[0], "unknown field", f"remove it or use one of {sorted(_KNOWN)}")
    domains = tuple(d.lower().rstrip(".") for d in r.str_list("domains", required=True))
    for i, d in enumerate(domains):
        if "/" in d or ":" in d or not _DOMAIN.match(d):
            raise r.fail(f"domains[{i}]", f"{d!r} is not a bare host name",
                         "write only the host, e.g. kompas.com (no scheme, port or path)")
    src = Source(
        name=name, domains=domains,
        start_urls=_urls(r, "start_urls", domains), feeds=_urls(r, "feeds", domains),
        sitemaps=_urls(r, "sitemaps", domains),
        robots_sitemaps=r.flag("robots_sitemaps", True),
        article_allow=tuple(r.str_list("article_allow", required=True)),
        article_deny=tuple(r.str_list("article_deny")),
        language=r.get("language", str), country=r.get("country", str),
        max_pages=r.positive("max_pages", int, 5000),
        max_age_days=r.positive("max_age_days", float, None),
        follow_depth=r.positive("follow_depth", int, 2, allow_zero=True),
        delay=r.duration("delay", 1.0, allow_zero=True),
        concurrency=r.positive("concurrency", int, 2),
        max_page_bytes=_limit(r, "max_page_bytes", 4 * 1024 * 1024, ceilings.page_bytes,
                              "NEWS_MAX_PAGE_BYTES"),
        max_decompressed_bytes=_limit(r, "max_decompressed_bytes", 32 * 1024 * 1024,
                                      ceilings.decompressed_bytes, "NEWS_MAX_DECOMPRESSED_BYTES"),
        max_redirects=_limit(r, "max_redirects", 5, ceilings.redirects, "NEWS_MAX_REDIRECTS", size=False),
        multipage=_multipage(r),
        allow_loopback=_loopback_ports(r),
        fixture=r.flag("fixture", bool(entry.get("allow_loopback"))),
        allow_re=_patterns(r, "article_allow"), deny_re=_patterns(r, "article_deny"),
        article_pages=r.get("article_pages", str, "auto"),
    )
    if src.article_pages not in ARTICLE_PAGES_MODES:
        raise r.fail("article_pages", f"unknown value {src.article_pages!r}",
                     f"use one of {list(ARTICLE_PAGES_MODES)} (auto: the URL rule outweighs weak markup)")
    src = replace(src, ports=_owned_ports(r, src))
    if not (src.start_urls or src.feeds or src.sitemaps or src.robots_sitemaps):
        raise r.fail("start_urls", "no way to discover articles",
                     "give start_urls, feeds or sitemaps (or set robots_sitemaps: true)")
    if src.allow_loopback and not src.fixture:
        raise r.fail("fixture", "a source with allow_loopback is a local fixture site",
                     "remove `fixture: false` (a loopback source is never part of `all`)")
    if src.language is not None and not re.fullmatch(r"[a-z]{2,3}", src.language):
        raise r.fail("language", f"{src.language!r} is not an ISO 639 code", "use e.g. id, ms, en")
    if src.country is not None and not re.fullmatch(r"[A-Z]{2}", src.country):
        raise r.fail("country", f"{src.country!r} is not an ISO 3166 alpha-2 code", "use e.g. ID, MY, GB")
    return src


def _owned_ports(r: _Reader, src: Source) -> tuple[int, ...]:
    # a loopback fixture site owns only its configured ports, allow_loopback's among them
    ports: set[int] = set(src.allow_loopback) if src.allow_loopback else set(hosts.DEFAULT_PORTS.values())
    for url in (*src.start_urls, *src.feeds, *src.sitemaps):
        hp = hosts.host_port(url)
        if hp:
            ports.add(hp[1])
    for i, p in enumerate(r.get("ports", list, [])):
        if not isinstance(p, int) or isinstance(p, bool) or not 0 < p < 65536:
            raise r.fail(f"ports[{i}]", f"{p!r} is not a TCP port", "write port numbers, e.g. ports: [8080]")
        ports.add(p)
    return tuple(sorted(ports))


def _crawler_config(raw: Any, path: Path) -> CrawlerConfig:
    ceilings = ceilings_for(path)
    if raw is None:
        return CrawlerConfig(max_url_length=min(CrawlerConfig.max_url_length, ceilings.url_length))
    if not isinstance(raw, dict):
        raise SourceConfigError(f"{path.name}: `crawler:` must be a mapping. Fix: indent its keys below it")
    r = _Reader(path, "crawler", raw)
    known = ("contact_url", "max_url_length", "max_path_segments", "max_query_params", "recheck_days")
    unknown = set(raw) - set(known)
    if unknown:
        raise r.fail(sorted(unknown)[0], "unknown field", f"use {', '.join(known)}")
    contact = _expand(r.get("contact_url", str, CrawlerConfig.contact_url))
    if urlsplit(contact).scheme not in ("http", "https", "mailto"):
        raise r.fail("contact_url", f"{contact!r} is not a URL", "give an https:// page or mailto: address")
    url_length = _limit(r, "max_url_length", CrawlerConfig.max_url_length, ceilings.url_length,
                        "NEWS_MAX_URL_LENGTH", size=False)
    return CrawlerConfig(contact_url=contact, max_url_length=url_length,
                         max_path_segments=r.positive("max_path_segments", int, 12),
                         max_query_params=r.positive("max_query_params", int, 8, allow_zero=True),
                         recheck_days=r.positive("recheck_days", float, 30.0))


def _read(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise SourceConfigError(f"{path}: not found. Fix: create it or set NEWS_SOURCES") from None
    except yaml.YAMLError as exc:
        raise SourceConfigError(f"{path.name}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise SourceConfigError(f"{path.name}: top level must be a mapping with `sources:`")
    return data


def default_path() -> Path:
    return Path(os.environ["NEWS_SOURCES"]) if os.environ.get("NEWS_SOURCES") else SOURCES_PATH


def file_settings(path: Path | None = None) -> dict[str, Any]:
    """The ``config/`` file's layer of the one precedence rule (``news_ingest.config``): the top-level
    ``settings:`` mapping of the sources file, by variable name (``INDEX_BATCH_DOCS: 200``,
    ``STAGE_TIMEOUT: 45s``).  ``{}`` when the file has none or does not exist (the crawl reports a
    missing sources file itself)."""
    path = path or default_path()
    if not path.is_file():
        return {}
    raw = _read(path).get("settings")
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not all(isinstance(k, str) and k.isupper() for k in raw):
        raise SourceConfigError(f"{path.name}: `settings:` must map variable names to values. Fix: e.g. "
                                f"`settings:` then `  INDEX_BATCH_DOCS: 200` indented below it")
    return raw


def configured(model: type[S], scrapy: Any = None, env: Any = None, path: Path | None = None) -> S:
    """``model`` by the one precedence rule: defaults < the sources file's ``settings:`` < Scrapy
    settings (``-s NAME=value``) < the environment."""
    return load(model, file=file_settings(path), scrapy=scrapy, env=os.environ if env is None else env)


def ceilings_for(path: Path | None = None) -> Ceilings:
    """The crawler's ceilings (``news_ingest.config.Ceilings``): defaults < the sources file's
    ``settings:`` < the environment.  A bad value is a SourceConfigError, as any error loading the
    sources is, with the config model's message (the variable, the value, the fix)."""
    try:
        return configured(Ceilings, path=path)
    except ConfigError as exc:
        raise SourceConfigError(str(exc)) from None


def load_sources(path: Path | None = None) -> dict[str, Source]:
    path = path or default_path()
    ceilings = ceilings_for(path)
    data = _read(path)
    entries = data.get("sources")
    if not isinstance(entries, list) or not entries:
        raise SourceConfigError(f"{path.name}: no `sources:` list. Fix: add `sources:` with entries")
    out: dict[str, Source] = {}
    for i, entry in enumerate(entries):
        src = parse_source(entry, i, path, ceilings)
        if src.name in out:
            raise SourceConfigError(f"{path.name}: source {src.name!r} appears twice. Fix: rename one")
        out[src.name] = src
    return out


def user_agent(config: CrawlerConfig) -> str:
    """The User-Agent the crawler sends (and the robots.txt agent it obeys as)."""
    return f"news-ingest/0.1 (+{config.contact_url})"


def load_crawler_config(path: Path | None = None) -> CrawlerConfig:
    path = path or default_path()
    return _crawler_config(_read(path).get("crawler"), path)


def select(sources: dict[str, Source], spec: str) -> list[Source]:
    """``all``, one name or a comma list -> sources; unknown names are an error listing the known ones.

    ``all`` is every real source: fixture sources (``fixture: true``, and every loopback source)
    run only when named."""
    if spec.strip() in ("", "all"):
        real = [s for s in sources.values() if not s.fixture]
        if not real:
            raise SourceConfigError(f"`all` selects nothing: {sorted(sources)} are only fixture sources. "
                                    f"Fix: name them, e.g. source={next(iter(sources), 'sample')}")
        return real
    names = [s.strip() for s in spec.split(",") if s.strip()]
    unknown = [n for n in names if n not in sources]
    if unknown:
        hint = ""
        fixtures = _fixture_names() & set(unknown)
        if fixtures:
            hint = (f" ({sorted(fixtures)} is a fixture source of the bundled sample site: `make demo` "
                    f"crawls it; by hand start `python -m news_ingest.sample_site` and set "
                    f"NEWS_SOURCES={FIXTURE_SOURCES_PATH})")
        raise SourceConfigError(f"unknown source(s) {unknown}{hint}. "
                                f"Fix: use one of {sorted(s for s in sources)} or `all`")
    return [sources[n] for n in names]


def _fixture_names() -> set[str]:
    try:
        return set(load_sources(FIXTURE_SOURCES_PATH))
    except SourceConfigError:  # not in a checkout (installed wheel): no sample site
        return set()


def source_for_url(sources: dict[str, Source], url: str) -> Source | None:
    """The source whose domains own the URL's host (the most specific domain wins; among sources on one
    host, e.g. fixture sites on loopback ports, the one owning the URL's port)."""
    hp = hosts.host_port(url)
    host = hp[0] if hp else (urlsplit(url).hostname or "").lower()
    best: tuple[tuple[bool, int], Source] | None = None
    for src in sources.values():
        for d in src.domains:
            if host == d or host.endswith("." + d):
                key = (hp is not None and hp[1] in src.ports, len(d))
                if best is None or key > best[0]:
                    best = (key, src)
    return best[1] if best else None
