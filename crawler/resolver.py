"""The crawl's DNS resolver: the address policy applied to the very answer the connection uses.

Scrapy's downloader connects through Twisted's ``HostnameEndpoint``, which asks the reactor's name
resolver for the addresses and connects to exactly those.  ``PolicyResolver`` is that resolver
(``TWISTED_DNS_RESOLVER``, formerly ``DNS_RESOLVER``): it looks the name up once, checks every
address with ``news_ingest.netpolicy`` and hands the connection either the checked addresses or
none.  There is no second lookup to race, so a name that answers a public address to a check and
``127.0.0.1`` to the connection (DNS rebinding) gets nowhere.

- **Cache with a TTL.**  Answers are kept ``DNSCACHE_TTL`` seconds (default 300) for at most
  ``DNSCACHE_SIZE`` names; every answer, cached or new, passes the policy before it is used.
- **Fail closed.**  A lookup that fails, times out or returns nothing yields no address: the
  download fails as a DNS error (``errors/dns``).  Never "let it through and see".
- **Ports.**  Loopback is allowed only to a source with ``allow_loopback: [ports]`` and only on
  those ports (the resolver sees the port the connection is for).  Names no configured source owns
  are refused (``offsite``); the metadata host names are refused by name.
- **Where it asks.**  ``DNS_SERVERS`` (``ip[:port]``, comma separated) sends the queries to those
  servers (A and AAAA, no search domains); empty (the default) is the system resolver
  (``getaddrinfo``).  The tests point it at a DNS server of their own on loopback.

A refusal is remembered for the host (same TTL) so the safety middleware refuses the request, and
its retries, with the reason (``news/<source>/dropped/<reason>``) instead of a bare DNS error.
"""

from __future__ import annotations

import ipaddress
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from scrapy.resolver import CachingHostnameResolver, HostResolution
from twisted.internet.address import IPv4Address, IPv6Address
from twisted.internet.interfaces import IHostnameResolver
from twisted.internet.threads import deferToThreadPool
from zope.interface import implementer

from news_ingest.config import CrawlConfig
from news_ingest.netpolicy import METADATA_HOSTS, Lookup, check_host, literal, lookup_for
from news_ingest.sources import Source, configured

log = logging.getLogger(__name__)
DEFAULT_TTL = 300.0
_ACTIVE: list[PolicyResolver] = []  # the resolver installed on this process's reactor


def active() -> PolicyResolver | None:
    """The ``PolicyResolver`` installed on the reactor, if any (the safety middleware asks it)."""
    return _ACTIVE[-1] if _ACTIVE else None


def activate(resolver: PolicyResolver) -> None:
    _ACTIVE.append(resolver)


@dataclass(frozen=True)
class Verdict:
    addresses: tuple[str, ...]  # what the connection may use (empty when refused)
    refusal: str | None  # None, or the reason (loopback_address, unresolvable, ...)


@implementer(IHostnameResolver)
class PolicyResolver(CachingHostnameResolver):
    """Scrapy's caching resolver with the address policy applied to every answer (see module doc)."""

    def __init__(self, reactor: Any, cache_size: int, ttl: float = DEFAULT_TTL,
                 servers: str | Sequence[str] | None = "", timeout: float = 10.0,
                 lookup: Lookup | None = None) -> None:
        # (not super().__init__: Scrapy's process-wide dnscache holds unchecked answers; ours is below)
        # Any: Twisted's interfaces are zope ones, which mypy cannot match without the mypy-zope plugin
        self.reactor: Any = reactor
        self.original_resolver: Any = getattr(reactor, "nameResolver", None)
        self.cache_size, self.ttl, self.timeout = cache_size, ttl, timeout
        self._lookup = lookup or lookup_for(servers or "")
        self._lock = threading.Lock()
        self._answers: OrderedDict[str, tuple[float, tuple[str, ...]]] = OrderedDict()
        self._refused: dict[tuple[str, int], tuple[float, str]] = {}
        self._sources: dict[str, Source] | None = None
        self.lookups = 0  # queries actually made (not answered from the cache)

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> PolicyResolver:
        s = crawler.settings  # (the CrawlerProcess: only settings, no spider yet)
        size = s.getint("DNSCACHE_SIZE") if s.getbool("DNSCACHE_ENABLED") else 0
        crawl = configured(CrawlConfig, s)  # DNSCACHE_TTL, DNS_SERVERS: the one precedence rule
        return cls(reactor, size, ttl=crawl.dns_cache_ttl, servers=crawl.dns_servers,
                   timeout=s.getfloat("DNS_TIMEOUT", 10.0))

    def install_on_reactor(self) -> None:
        # installNameResolver also wraps this one as reactor.resolver (the simple interface)
        self.reactor.installNameResolver(self)
        activate(self)

    def use_sources(self, sources: dict[str, Source]) -> None:
        """The crawl's sources: which names may be resolved, and where loopback is allowed."""
        self._sources = dict(sources)

    # ------------------------------------------------------------------ the policy
    def check(self, host: str, port: int) -> Verdict:
        """Resolve ``host`` (or take the fresh cached answer) and apply the policy.  May block."""
        host = host.lower().rstrip(".")
        addresses, reason = check_host(host, port, self._sources, self._resolve)
        if reason:
            if reason != "unresolvable":
                log.warning("refused %s:%s at resolution: %s", host, port, reason)
            with self._lock:
                self._refused[(host, port)] = (time.monotonic() + max(self.ttl, 30.0), reason)
            return Verdict((), reason)
        return Verdict(addresses, None)

    def refusal(self, host: str, port: int) -> str | None:
        """Why ``host:port`` was last refused, while that is fresh (the middleware asks)."""
        with self._lock:
            hit = self._refused.get((host.lower().rstrip("."), port))
        return hit[1] if hit and hit[0] > time.monotonic() else None

    def _resolve(self, host: str) -> tuple[str, ...]:
        if lit := literal(host):
            return (lit,)
        now = time.monotonic()
        with self._lock:
            hit = self._answers.get(host)
            if hit and hit[0] > now:
                return hit[1]
            self.lookups += 1
        try:
            addresses = tuple(self._lookup(host, self.timeout))
        except Exception as exc:  # noqa: BLE001 - fail closed: no address
            log.error("lookup of %s failed: %s", host, exc)
            addresses = ()
        if addresses and self.cache_size and self.ttl > 0:  # failures are not cached: asked again next time
            with self._lock:
                self._answers[host] = (now + self.ttl, addresses)
                self._answers.move_to_end(host)
                while len(self._answers) > self.cache_size:
                    self._answers.popitem(last=False)
        return addresses

    def _answered(self, host: str) -> bool:
        """True when ``check`` will not block: a literal, a metadata name, a fresh cached answer."""
        host = host.lower().rstrip(".")
        if literal(host) or host in METADATA_HOSTS:
            return True
        with self._lock:
            hit = self._answers.get(host)
        return bool(hit and hit[0] > time.monotonic())

    # ------------------------------------------------------------------ IHostnameResolver
    def resolveHostName(self, resolutionReceiver: Any, hostName: str,  # noqa: N802, N803
                        portNumber: int = 0, addressTypes: Sequence[type] | None = None,  # noqa: N803
                        transportSemantics: str = "TCP") -> Any:  # noqa: N803
        resolution = HostResolution(hostName)
        resolutionReceiver.resolutionBegan(resolution)

        def deliver(verdict: Verdict) -> None:
            for addr in verdict.addresses:
                ip = ipaddress.ip_address(addr.split("%", 1)[0])
                kind = IPv6Address if ip.version == 6 else IPv4Address
                if addressTypes and kind not in addressTypes:
                    continue
                resolutionReceiver.addressResolved(kind("TCP", addr, portNumber))
            resolutionReceiver.resolutionComplete()

        def failed(failure: Any) -> None:  # fail closed: no address
            log.error("resolver error for %s: %s", hostName, failure.getErrorMessage())
            resolutionReceiver.resolutionComplete()

        if self._answered(hostName):  # nothing to wait for: answer on the reactor thread
            try:
                verdict = self.check(hostName, portNumber)
            except Exception as exc:  # noqa: BLE001 - fail closed, never let a bug connect
                log.error("resolver error for %s: %s", hostName, exc)
                verdict = Verdict((), "unresolvable")
            deliver(verdict)
        else:
            pool = self.reactor.getThreadPool()
            d = deferToThreadPool(self.reactor, pool, self.check, hostName, portNumber)
            d.addCallbacks(deliver, failed)
        return resolution
