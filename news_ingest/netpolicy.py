"""The address policy: which hosts, ports and addresses the crawler may contact.

Crawled links never reach internal networks: loopback (unless the source allows it, on the ports it
lists, for local fixture sites), private, link-local, shared (CGNAT), reserved and multicast ranges
and the cloud metadata endpoints are refused, and so is every IPv6 address that carries one of them
inside it: IPv4-mapped (``::ffff:127.0.0.1``), IPv4-compatible, 6to4 (``2002:7f00:1::``), Teredo
(server or client), NAT64 (``64:ff9b::/96``, and the local-use ``64:ff9b:1::/48`` entirely) and
ISATAP.  A name that does not resolve is refused too (fail closed).

``check_host`` is the one verdict for a host and port; the crawl applies it inside its DNS resolver
(``crawler/resolver.py``, the answer checked is the answer connected to) and ``news-ingest explain
--fetch`` connects to the addresses it checked, so both give the same verdict.  The lookups
(``system_lookup``: getaddrinfo; ``server_lookup``: the DNS servers of ``DNS_SERVERS``) live here too.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Callable, Sequence

from news_ingest.sources import Source, source_for_url

# Cloud metadata endpoints that are not covered by the private/link-local ranges.
METADATA_HOSTS = {"metadata.google.internal", "metadata", "instance-data", "instance-data.ec2.internal"}
METADATA_IPS = {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254"),
                ipaddress.ip_address("100.100.100.200")}
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")
_COMPAT = ipaddress.ip_network("::/96")
_ISATAP_IDS = (0x00005EFE, 0x02005EFE)


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address tunnels to (6to4, Teredo, NAT64, compatible, ISATAP)."""
    low32 = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    out = []
    if ip.sixtofour:
        out.append(ip.sixtofour)
    if ip.teredo:
        out += list(ip.teredo)
    if ip in _NAT64:
        out.append(low32)
    if ip in _COMPAT and int(ip) > 1:
        out.append(low32)
    if (int(ip) >> 32) & 0xFFFFFFFF in _ISATAP_IDS:
        out.append(low32)
    return out


def _one(ip: ipaddress.IPv4Address | ipaddress.IPv6Address, allow_loopback: bool) -> str | None:
    if ip in METADATA_IPS:
        return "metadata_address"
    if ip.is_loopback:
        return None if allow_loopback else "loopback_address"
    if ip.is_link_local:
        return "link_local_address"
    if ip.is_private or ip.is_reserved or ip.is_multicast or ip.is_unspecified or not ip.is_global:
        return "private_address"
    return None


def address_verdict(addresses: Sequence[str], allow_loopback: bool) -> str | None:
    """None when every address is public (or loopback and allowed); else the refusal reason."""
    if not addresses:
        return "unresolvable"
    for raw in addresses:
        try:
            ip = ipaddress.ip_address(raw.split("%", 1)[0])
        except ValueError:
            return "unresolvable"
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
            ip = ip.ipv4_mapped  # connects to that IPv4 address on this host
        if isinstance(ip, ipaddress.IPv6Address):
            if ip in _NAT64_LOCAL:
                return "embedded_private_address"
            for inner in _embedded_ipv4(ip):
                # a tunnel never reaches *our* loopback: an embedded loopback is refused as well
                if reason := _one(inner, allow_loopback=False):
                    return f"embedded_{reason}"
            if ip in _NAT64:  # DNS64 of a public IPv4 address (the prefix itself is "reserved")
                continue
        if reason := _one(ip, allow_loopback):
            return reason
    return None


def literal(host: str) -> str | None:
    """The IP address ``host`` is written as (``[::1]`` too), or None for a name."""
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return None


def system_lookup(host: str, timeout: float = 10.0) -> list[str]:
    """Every address ``getaddrinfo`` gives for ``host`` (IPv4 and IPv6); [] when it fails.
    (``getaddrinfo`` has no timeout of its own.)"""
    if lit := literal(host):
        return [lit]
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return []
    return sorted({str(info[4][0]) for info in infos})


def parse_servers(raw: str | Sequence[str] | None) -> list[tuple[str, int]]:
    """``"127.0.0.1:5353, ::1, [::1]:53"`` -> [(ip, port), ...]; IP addresses only."""
    items = raw.split(",") if isinstance(raw, str) else list(raw or [])
    out = []
    for item in (i.strip() for i in items):
        if not item:
            continue
        host, port = item, "53"
        if item.startswith("["):
            host, _, rest = item[1:].partition("]")
            port = rest[1:] if rest.startswith(":") else "53"
        elif item.count(":") == 1:
            host, _, port = item.partition(":")
        if literal(host) is None or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError(f"DNS_SERVERS entry {item!r} is not an IP address[:port]. "
                             f"Fix: e.g. DNS_SERVERS=127.0.0.1:5353 (empty = the system resolver)")
        out.append((host, int(port)))
    return out


def server_lookup(servers: list[tuple[str, int]], host: str, timeout: float = 10.0) -> list[str]:
    """A and AAAA records of ``host`` from ``servers`` (no search list); [] when it fails."""
    import dns.exception  # late: only when DNS_SERVERS is set
    import dns.resolver

    if lit := literal(host):
        return [lit]
    res = dns.resolver.Resolver(configure=False)
    res.nameservers = [ip for ip, _ in servers]
    res.nameserver_ports = dict(servers)
    res.lifetime = res.timeout = timeout
    out: list[str] = []
    for rdtype in ("A", "AAAA"):
        try:
            answer = res.resolve(host, rdtype, search=False, raise_on_no_answer=False)
        except dns.exception.DNSException:
            continue
        out += [r.address for r in answer]
    return sorted(set(out))


Lookup = Callable[[str, float], list[str]]


def lookup_for(servers: str | Sequence[str] | None = None) -> Lookup:
    """The lookup ``DNS_SERVERS`` asks for (the environment's when not given): those servers, or
    the system resolver when empty."""
    parsed = parse_servers(os.environ.get("DNS_SERVERS", "") if servers is None else servers)
    if not parsed:
        return system_lookup

    def lookup(host: str, timeout: float = 10.0) -> list[str]:
        return server_lookup(parsed, host, timeout)

    return lookup


def check_host(host: str, port: int, sources: dict[str, Source] | None,
               lookup: Callable[[str], Sequence[str]]) -> tuple[tuple[str, ...], str | None]:
    """(addresses the connection may use, None) or ((), refusal reason) for ``host:port``.

    With ``sources`` given, a host:port none of them owns is ``offsite``; loopback is allowed only on
    the ports of the owning source's ``allow_loopback``.  ``lookup(host)`` gives the addresses
    (called only for a name that passed the name checks)."""
    host = host.lower().rstrip(".")
    src = None
    if sources is not None:
        url = f"http://{host if ':' not in host else f'[{host}]'}:{port}/"
        src = source_for_url(sources, url)
        if src is None or not src.owns(url):  # host and port (pipelines.hosts: the one check)
            return (), "offsite"
    if host in METADATA_HOSTS:
        return (), "metadata_address"
    addresses = tuple(lookup(host))
    reason = address_verdict(addresses, src is not None and src.loopback_allowed(port))
    return ((), reason) if reason else (addresses, None)
