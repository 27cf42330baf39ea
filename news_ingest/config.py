"""The one configuration model: typed settings (pydantic v2), one precedence rule, one parser for
each kind of value.

**Precedence (the one rule, for every setting):** defaults < the ``config/`` file (``sources.yaml``,
``crawler:`` block and per source) < Scrapy ``-s NAME=value`` < the environment.  A value that is
``""`` (``FOO=``) counts as not set, so an empty variable never turns a setting off by accident.

**Values** are written the same way everywhere:

- a bool: ``1/0``, ``true/false``, ``yes/no``, ``on/off`` (any case) — :func:`parse_bool`;
- a size: ``4194304``, ``4MB``, ``512 KiB``, ``5m``, ``1.5g`` — binary units (1 MB = 1,048,576) —
  :func:`parse_size`;
- a duration in seconds: ``30``, ``2.5``, ``30s``, ``5m``, ``2h``, ``7d`` — :func:`parse_duration`.

A bad value is a ``ConfigError`` naming the variable, what was given and the fix, e.g.
``INDEX_BATCH_DOCS='many' is not a whole number. Fix: e.g. INDEX_BATCH_DOCS=500`` — formatted from
pydantic's validation error by :func:`load`.  Errors in ``sources.yaml`` keep naming the source and
the field (``news_ingest.sources``), and use these parsers for their values.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b?)\s*$", re.IGNORECASE)
_SIZE_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)?\s*$", re.IGNORECASE)
_DURATION_UNITS = {"": 1.0, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


class ConfigError(ValueError):
    """A setting is unusable; the message names it, the value given and the fix."""


def parse_bool(value: Any) -> bool:
    """``1/0 true/false yes/no on/off`` (any case), or a bool -> bool; anything else is a ValueError."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"expected true/false, got {value!r}")


def parse_size(value: Any) -> int:
    """``4194304``, ``"4MB"``, ``"512 KiB"``, ``"5m"`` -> bytes (binary units: 1 MB = 1,048,576)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    m = _SIZE.match(value) if isinstance(value, str) else None
    if not m:
        raise ValueError(f"{value!r} is not a size (e.g. 4194304, 4MB, 512KB)")
    return int(float(m.group(1)) * _SIZE_UNITS[m.group(2).lower()])


def parse_duration(value: Any) -> float:
    """``30``, ``2.5``, ``"30s"``, ``"5m"``, ``"2h"``, ``"7d"`` -> seconds."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    m = _DURATION.match(value) if isinstance(value, str) else None
    if not m:
        raise ValueError(f"{value!r} is not a duration (e.g. 30, 30s, 5m, 2h, 7d)")
    return float(m.group(1)) * _DURATION_UNITS[(m.group(2) or "").lower()]


Bool = Annotated[bool, BeforeValidator(parse_bool)]
Size = Annotated[int, BeforeValidator(parse_size)]
Duration = Annotated[float, BeforeValidator(parse_duration)]

# what a setting's type expects, as the error message says it
_KIND = {"int": "a whole number", "float": "a number", "bool": "true or false", "str": "text"}


class Settings(BaseModel):
    """A group of settings.  ``ENV`` maps each field to the variable name it is set by (in the
    environment, in Scrapy settings ``-s NAME=value``, and in the ``config/`` file's flat mapping)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    ENV: ClassVar[dict[str, str]] = {}
    EXAMPLES: ClassVar[dict[str, str]] = {}  # field -> the value a Fix: shows, where not the default


S = TypeVar("S", bound=Settings)


def layered(*layers: Mapping[str, Any] | None) -> dict[str, Any]:
    """Later layers win; a value of ``None`` or ``""`` counts as not set (see the module docstring)."""
    out: dict[str, Any] = {}
    for layer in layers:
        for key, value in (layer or {}).items():
            if value is not None and value != "":
                out[key] = value
    return out


def load(model: type[S], *, file: Mapping[str, Any] | None = None, scrapy: Mapping[str, Any] | None = None,
         env: Mapping[str, Any] | None = None) -> S:
    """``model`` from its variables: defaults < ``file`` < ``scrapy`` < ``env`` (each a mapping of
    variable names, e.g. ``os.environ`` or a Scrapy ``Settings``' values)."""
    names = {var: field for field, var in model.ENV.items()}
    merged: dict[str, Any] = {}
    for layer in (file, _set_in(scrapy, names), env):
        if layer is None:
            continue
        merged = layered(merged, {var: layer.get(var) for var in names})
    try:
        return model(**{names[var]: value for var, value in merged.items()})
    except ValidationError as exc:
        raise ConfigError(explain(exc, model, merged)) from None


def _set_in(scrapy: Mapping[str, Any] | None, names: Mapping[str, str]) -> Mapping[str, Any] | None:
    """The Scrapy layer without Scrapy's own defaults (``LOG_LEVEL`` is ``DEBUG`` in them): only what
    the project, a spider or ``-s`` set counts as set there."""
    getpriority = getattr(scrapy, "getpriority", None)
    if scrapy is None or getpriority is None:
        return scrapy
    return {var: scrapy.get(var) for var in names if (getpriority(var) or 0) > 0}


def explain(exc: ValidationError, model: type[Settings], given: Mapping[str, Any]) -> str:
    """pydantic's first error as one line: the variable, the value given, what it expects, the fix."""
    err = exc.errors()[0]
    field = str(err["loc"][0]) if err["loc"] else ""
    var = model.ENV.get(field, field)
    raw = given.get(var)
    info = model.model_fields.get(field)
    default = model.EXAMPLES.get(field, info.default if info is not None else None)
    kind = _kind(info.annotation if info is not None else None, err)
    example = f" Fix: e.g. {var}={default}" if default not in (None, "") else f" Fix: set {var} to {kind}"
    return f"{var}={raw!r} is not {kind}.{example}"


def _kind(annotation: Any, err: Any) -> str:
    msg = str(err.get("msg", ""))
    if "is not a size" in msg:
        return "a size (e.g. 4194304, 4MB, 512KB)"
    if "is not a duration" in msg:
        return "a duration (e.g. 30, 30s, 5m, 2h)"
    if "true/false" in msg:
        return "true or false"
    if "should match pattern" in msg:
        return "in the expected form"
    if "greater than or equal" in msg:
        return "a number of at least " + msg.rsplit(" ", 1)[-1]
    if "greater than" in msg:
        return "a number above " + msg.rsplit(" ", 1)[-1]
    if "less than" in msg:
        return "a number below " + msg.rsplit(" ", 1)[-1]
    return _KIND.get(getattr(annotation, "__name__", ""), "valid")


# ----------------------------------------------------------------------------- the settings groups
class RolloverConfig(Settings):
    """When ``news-ingest rollover`` starts a new write index (primary docs / primary size)."""

    ENV: ClassVar[dict[str, str]] = {"max_docs": "INDEX_ROLLOVER_MAX_DOCS",
                                     "max_size": "INDEX_ROLLOVER_MAX_SIZE"}
    EXAMPLES: ClassVar[dict[str, str]] = {"max_size": "30gb"}
    max_docs: Annotated[int, Field(gt=0)] = 10_000_000
    max_size: Size = 30 * 1024**3

    @property
    def max_size_condition(self) -> str:
        """The size as the cluster's rollover API takes it (``30gb``)."""
        for unit, factor in (("tb", 1024**4), ("gb", 1024**3), ("mb", 1024**2), ("kb", 1024)):
            if self.max_size % factor == 0:
                return f"{self.max_size // factor}{unit}"
        return f"{self.max_size}b"


class FrontierConfig(Settings):
    """The shared Redis frontier (``crawler/frontier.py``), on when ``REDIS_URL`` is set."""

    ENV: ClassVar[dict[str, str]] = {
        "redis_url": "REDIS_URL", "key": "FRONTIER_KEY", "lease_seconds": "FRONTIER_LEASE_SECONDS",
        "seen_capacity": "FRONTIER_SEEN_CAPACITY", "seen_error": "FRONTIER_SEEN_ERROR",
        "seen_ttl": "FRONTIER_SEEN_TTL", "domain_delay": "FRONTIER_DOMAIN_DELAY",
        "redis_timeout": "FRONTIER_REDIS_TIMEOUT"}
    redis_url: str = ""
    key: str = "news-ingest:frontier"
    lease_seconds: Duration = 120.0
    seen_capacity: Annotated[int, Field(gt=0)] = 5_000_000
    seen_error: Annotated[float, Field(gt=0, lt=1)] = 0.001
    seen_ttl: Duration = 7 * 86400.0
    domain_delay: Duration | None = None  # one delay for every host, instead of each source's
    redis_timeout: Annotated[Duration, Field(gt=0)] = 5.0  # one Redis call; a slow Redis stalls no more


class WarcConfig(Settings):
    """WARC archiving of every fetched response (``crawler/warc.py``), on when ``WARC_DIR`` is set."""

    ENV: ClassVar[dict[str, str]] = {"directory": "WARC_DIR", "max_bytes": "WARC_MAX_BYTES",
                                     "prefix": "WARC_PREFIX"}
    EXAMPLES: ClassVar[dict[str, str]] = {"max_bytes": "1GB"}
    directory: str = ""
    max_bytes: Size = 1024**3
    prefix: str = "news-ingest"


def _default_stage_workers() -> int:
    return min(4, os.cpu_count() or 1)


class StageConfig(Settings):
    """The stage worker processes (``crawler/workers.py``): how many (0 = the stages run inline; by
    default one per core, at most 4, ~150 MB each), how long one stage call on one page may take
    before the worker stops it (``timeout``) and is killed (``kill_grace`` later), and how many
    calls a worker serves before it is replaced (``max_pages``, bounding its memory)."""

    ENV: ClassVar[dict[str, str]] = {"workers": "STAGE_WORKERS", "timeout": "STAGE_TIMEOUT",
                                     "kill_grace": "STAGE_KILL_GRACE", "max_pages": "STAGE_WORKER_MAX_PAGES"}
    EXAMPLES: ClassVar[dict[str, str]] = {"workers": "2"}
    workers: Annotated[int, Field(ge=0)] = Field(default_factory=_default_stage_workers)
    timeout: Annotated[Duration, Field(ge=0)] = 30.0
    kill_grace: Annotated[Duration, Field(ge=0)] = 5.0
    max_pages: Annotated[int, Field(gt=0)] = 1000


class CrawlConfig(Settings):
    """Crawl-wide pacing, resolver and queue settings; per-source politeness is in ``sources.yaml``.
    Each crawl component reads them from its crawler's settings (``news_ingest.sources.configured(
    CrawlConfig, crawler.settings)``), so ``-s`` is a layer too; ``LOG_LEVEL``, which Scrapy reads
    before any component starts, is set by ``crawler/settings.py`` and re-applied by the crawl
    command once ``-s`` is known (``crawler/commands/crawl.py``)."""

    ENV: ClassVar[dict[str, str]] = {"crawl_delay": "CRAWL_DELAY", "crawl_delay_max": "CRAWL_DELAY_MAX",
                                     "retry_after_max": "RETRY_AFTER_MAX", "dns_servers": "DNS_SERVERS",
                                     "dns_cache_ttl": "DNSCACHE_TTL", "log_level": "LOG_LEVEL",
                                     "scheduler_memory_max": "SCHEDULER_MEMORY_MAX"}
    crawl_delay: Duration = 1.0  # AutoThrottle's start delay
    crawl_delay_max: Duration = 30.0  # robots.txt Crawl-delay is honoured up to this
    retry_after_max: Duration = 120.0  # a Retry-After is waited at most this long
    dns_servers: str = ""  # "ip[:port],...": ask these servers, not the system resolver
    dns_cache_ttl: Duration = 300.0
    log_level: str = "INFO"
    # requests the queue holds in memory before it spills to disk (crawler/scheduler.py)
    scheduler_memory_max: Annotated[int, Field(gt=0)] = 10_000


class Ceilings(Settings):
    """Hard limits of the whole crawler that no source can exceed (a source may set lower ones):
    ``NEWS_MAX_PAGE_BYTES`` (a size) for one response, also after HTTP decompression (Scrapy's
    ``DOWNLOAD_MAXSIZE``); ``NEWS_MAX_DECOMPRESSED_BYTES`` (a size) for what the crawler inflates itself
    (gzipped sitemaps); ``NEWS_MAX_REDIRECTS`` (``REDIRECT_MAX_TIMES``); ``NEWS_MAX_URL_LENGTH``
    characters of any URL requested.

    Layers: defaults < the sources file's ``settings:`` < the environment.  There is no ``-s`` layer:
    the sources are checked against the ceilings when they load, before Scrapy's settings exist, and
    the download limits are Scrapy settings fixed at start, so one value holds for the whole crawl."""

    ENV: ClassVar[dict[str, str]] = {"page_bytes": "NEWS_MAX_PAGE_BYTES",
                                     "decompressed_bytes": "NEWS_MAX_DECOMPRESSED_BYTES",
                                     "redirects": "NEWS_MAX_REDIRECTS", "url_length": "NEWS_MAX_URL_LENGTH"}
    EXAMPLES: ClassVar[dict[str, str]] = {"page_bytes": "8MB", "decompressed_bytes": "32MB"}
    page_bytes: Annotated[Size, Field(gt=0)] = 8 * 1024 * 1024
    decompressed_bytes: Annotated[Size, Field(gt=0)] = 32 * 1024 * 1024
    redirects: Annotated[int, Field(gt=0)] = 5
    url_length: Annotated[int, Field(gt=0)] = 4096


class DemoConfig(Settings):
    """``make demo`` (``news_ingest/demo.py``): the loopback port the sample site is served on (always
    the same one, so a second demo gives the articles the same URLs, hence the same ids)."""

    ENV: ClassVar[dict[str, str]] = {"sample_site_port": "SAMPLE_SITE_PORT"}
    sample_site_port: Annotated[int, Field(gt=0, lt=65536)] = 8765


class DevNodeConfig(Settings):
    """The development node manager (``news_ingest/devnode.py``): which versions to run, where the
    downloads and the node copies live, the JDK to use, a cluster node's heap.  Read from the
    environment only (it starts before any crawl configuration exists): defaults < environment."""

    ENV: ClassVar[dict[str, str]] = {
        "es_version": "ES_VERSION", "opensearch_version": "OPENSEARCH_VERSION",
        "es_java_home": "ES_JAVA_HOME", "opensearch_java_home": "OPENSEARCH_JAVA_HOME",
        "cache": "NEWS_INGEST_CACHE", "node_runtime": "NEWS_INGEST_NODE_RUNTIME",
        "cluster_heap": "CLUSTER_HEAP"}
    EXAMPLES: ClassVar[dict[str, str]] = {"es_version": "9.5.4", "cluster_heap": "384m"}
    # None: 9.5.4, or 8.x on Java 17 when no JDK here runs 9.x (devnode.resolve); set: exactly that one
    es_version: Annotated[str, Field(pattern=r"^\d+\.\d+\.\d+$")] | None = None
    opensearch_version: Annotated[str, Field(pattern=r"^\d+\.\d+\.\d+$")] = "3.6.0"
    es_java_home: str = ""
    opensearch_java_home: str = ""
    cache: str = ""  # "": the checkout's .cache
    node_runtime: str = "/var/tmp/news-ingest-node"
    cluster_heap: Annotated[str, Field(pattern=r"^\d+[kmg]$")] = "384m"  # a JVM -Xmx value
