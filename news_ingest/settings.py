"""Search-cluster settings from the environment.  Credentials come only from here, never
from config files, and never appear in a repr or a log line."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from news_ingest.config import RolloverConfig, load, parse_bool

_PARENT = Path(__file__).resolve().parent.parent
# the source checkout this module runs from (an editable install); None when installed from a wheel
CHECKOUT: Path | None = _PARENT if (_PARENT / "pyproject.toml").is_file() else None


def config_dir(env: Mapping[str, str] | None = None) -> Path:
    """The configuration defaults (sources.yaml, elasticsearch/ templates, kibana/ objects):
    ``NEWS_CONFIG_DIR``, else the checkout's ``config/``, else the copy a wheel ships as package
    data (``news_ingest/config/``).  ``NEWS_SOURCES`` names another sources file on its own."""
    env = os.environ if env is None else env
    if env.get("NEWS_CONFIG_DIR"):
        return Path(env["NEWS_CONFIG_DIR"]).expanduser().absolute()
    return CHECKOUT / "config" if CHECKOUT is not None else Path(__file__).resolve().parent / "config"


CONFIG_DIR = config_dir()
DEFAULT_URL = "http://127.0.0.1:9200"
DEFAULT_INDEX = "news-articles"


def _bool(value: str | None, default: bool) -> bool:
    return default if value is None or value == "" else parse_bool(value)


def _check_url(var: str, url: str) -> None:
    from urllib.parse import urlsplit

    parts = urlsplit(url if "://" in url else "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        shown = url.rsplit("@", 1)[-1]  # never echo a password
        example = f"http://{shown}" if "://" not in url else "http://127.0.0.1:9200"
        raise ValueError(f"{var}={shown!r} is not an http(s) URL. Fix: {var}={example} "
                         f"(comma-separated for several nodes)")
    try:
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        shown = url.rsplit("@", 1)[-1]
        raise ValueError(f"{var}: {shown!r} has a bad port. Fix: e.g. {var}=http://host:9200") from None


@dataclass(frozen=True)
class SearchSettings:
    urls: tuple[str, ...] = (DEFAULT_URL,)
    index: str = DEFAULT_INDEX  # the alias all reads and writes go through
    api_key: str | None = field(default=None, repr=False)
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    ca_certs: str | None = None
    verify_certs: bool = True
    engine: str = "auto"  # elasticsearch | opensearch | auto (detected from the cluster)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SearchSettings:
        env = os.environ if env is None else env
        var = "SEARCH_URL" if env.get("SEARCH_URL") else "ES_URL"
        raw_urls = env.get("SEARCH_URL") or env.get("ES_URL") or DEFAULT_URL  # either engine
        urls = tuple(u.strip().rstrip("/") for u in raw_urls.split(",") if u.strip())
        for u in urls:
            _check_url(var, u)
        try:
            verify = _bool(env.get("ES_VERIFY_CERTS"), True)
        except ValueError as exc:
            raise ValueError(f"ES_VERIFY_CERTS: {exc}") from None
        return cls(
            urls=urls or (DEFAULT_URL,),
            index=env.get("ES_INDEX") or DEFAULT_INDEX,
            api_key=env.get("ES_API_KEY") or None,
            username=env.get("ES_USERNAME") or None,
            password=env.get("ES_PASSWORD") or None,
            ca_certs=env.get("ES_CA_CERTS") or None,
            verify_certs=verify,
            engine=(env.get("SEARCH_ENGINE") or "auto").strip().lower(),
        )

    @property
    def display_url(self) -> str:
        """URLs with any user:password@ part masked, safe to log."""
        out = []
        for u in self.urls:
            p = urlsplit(u)
            if p.username or p.password:
                p = p._replace(netloc="***@" + p.netloc.rsplit("@", 1)[1])
            out.append(urlunsplit(p))
        return ",".join(out)


@dataclass(frozen=True)
class RolloverSettings:
    """When ``news-ingest rollover`` starts a new write index (primary docs / primary size)."""

    max_docs: int = 10_000_000
    max_size: str = "30gb"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> RolloverSettings:
        """``INDEX_ROLLOVER_MAX_DOCS`` / ``INDEX_ROLLOVER_MAX_SIZE`` (news_ingest.config.RolloverConfig)."""
        limits = load(RolloverConfig, env=os.environ if env is None else env)
        return cls(limits.max_docs, limits.max_size_condition)


def news_home(env: Mapping[str, str] | None = None) -> Path:
    """The one base directory of all state: ``NEWS_HOME``, else the checkout's ``var/``, else (an
    installed wheel) ``$XDG_STATE_HOME/news-ingest`` (``~/.local/state/news-ingest``).  Never
    relative to the working directory, so every command finds the same spool, locks and logs."""
    env = os.environ if env is None else env
    if env.get("NEWS_HOME"):
        return Path(env["NEWS_HOME"]).expanduser().absolute()
    if CHECKOUT is not None:
        return CHECKOUT / "var"
    state = env.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state).expanduser().absolute() / "news-ingest"


@dataclass(frozen=True)
class StatePaths:
    """Where each kind of state lives, all under ``home`` unless moved one by one (a relative
    override is taken under ``home`` too)."""

    home: Path
    spool: Path  # INDEX_SPOOL_DIR: documents (and run records) waiting for the cluster
    dead_letter: Path  # INDEX_DEAD_LETTER_DIR: documents the cluster rejected
    lock: Path  # NEWS_LOCK_DIR: one flock per source
    log: Path  # NEWS_LOG_DIR: one Scrapy log per scheduled run
    state: Path  # NEWS_STATE_DIR: health.json, ingest-warc.json

    OVERRIDES = {"spool": ("INDEX_SPOOL_DIR", "spool"),
                 "dead_letter": ("INDEX_DEAD_LETTER_DIR", "dead-letter"),
                 "lock": ("NEWS_LOCK_DIR", "lock"), "log": ("NEWS_LOG_DIR", "log"),
                 "state": ("NEWS_STATE_DIR", "state")}

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> StatePaths:
        env = os.environ if env is None else env
        home = news_home(env)
        kw = {attr: home / Path(env.get(var) or default).expanduser()
              for attr, (var, default) in cls.OVERRIDES.items()}
        return cls(home=home, **kw)

    @property
    def health(self) -> Path:
        return self.state / "health.json"

    @property
    def warc_state(self) -> Path:
        return self.state / "ingest-warc.json"
