"""Search-cluster settings from the environment.  Credentials come only from here, never
from config files, and never appear in a repr or a log line."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

DEFAULT_URL = "http://127.0.0.1:9200"
DEFAULT_INDEX = "news-articles"


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"expected true/false, got {value!r}")


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
    def from_env(cls, env: dict[str, str] | None = None) -> SearchSettings:
        env = os.environ if env is None else env
        urls = tuple(u.strip().rstrip("/") for u in env.get("ES_URL", DEFAULT_URL).split(",") if u.strip())
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
            engine=(env.get("SEARCH_ENGINE") or "auto").lower(),
        )

    @property
    def display_url(self) -> str:
        """URLs with any user:password@ part masked, safe to log."""
        from urllib.parse import urlsplit, urlunsplit

        out = []
        for u in self.urls:
            p = urlsplit(u)
            if p.username or p.password:
                p = p._replace(netloc="***@" + p.netloc.rsplit("@", 1)[1])
            out.append(urlunsplit(p))
        return ",".join(out)

    def client_kwargs(self) -> dict:
        kw: dict = {"hosts": list(self.urls), "request_timeout": 30}
        if self.api_key:
            kw["api_key"] = self.api_key
        elif self.username:
            kw["basic_auth"] = (self.username, self.password or "")
        if self.ca_certs:
            kw["ca_certs"] = self.ca_certs
        if not self.verify_certs:
            kw["verify_certs"] = False
            kw["ssl_show_warn"] = False
        return kw
