"""The address policy: which hosts and addresses the crawler may contact.

Crawled links never reach internal networks: loopback (unless the source allows it, for local
fixture sites), private, link-local, reserved and multicast ranges and the cloud metadata
endpoints are refused.  Used by the crawl's safety middleware (``crawler/middlewares.py``) and by
``news-ingest explain``, so both give the same verdict.
"""

from __future__ import annotations

import ipaddress
import socket

# Cloud metadata endpoints that are not covered by the private/link-local ranges.
METADATA_HOSTS = {"metadata.google.internal", "metadata", "instance-data", "instance-data.ec2.internal"}
METADATA_IPS = {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254"),
                ipaddress.ip_address("100.100.100.200")}


def address_verdict(addresses: list[str], allow_loopback: bool) -> str | None:
    """None when every address is public (or loopback and allowed); else the refusal reason."""
    if not addresses:
        return "unresolvable"
    for raw in addresses:
        ip = ipaddress.ip_address(raw.split("%", 1)[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        if ip in METADATA_IPS:
            return "metadata_address"
        if ip.is_loopback:
            if not allow_loopback:
                return "loopback_address"
            continue
        if ip.is_link_local:
            return "link_local_address"
        if ip.is_private or ip.is_reserved or ip.is_multicast or ip.is_unspecified or not ip.is_global:
            return "private_address"
    return None


def resolve(host: str) -> list[str]:
    """Every address the host resolves to (a literal IP resolves to itself)."""
    try:
        return [str(ipaddress.ip_address(host.strip("[]")))]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return []
    return sorted({info[4][0] for info in infos})
