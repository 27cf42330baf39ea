"""The one host-ownership check: does a source own ``host[:port]``?

    owns(domains, ports, url) -> bool
    url_host(url) -> str             # the host, '' when none or unparsable (never raises)
    same_site(a, b) -> bool          # one site: equal host and port, or www./m./amp. variants of it

A source owns a URL when the URL's host is one of the source's domains or a subdomain of one, AND the
URL's port (the scheme's default when none is written) is one the source owns.  ``ports`` is that set:
the source decides it (``news_ingest.sources``: the default ports 80/443 plus the ports of its configured
URLs, or only the configured ones for a loopback fixture site) — a redirect or link from an allowed host to
another port on it (an admin interface, another service) is not the source's.  Pure; used by the spider
(links, feed and sitemap entries, redirects), the canonical check of article identity, and the safety
middleware.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

DEFAULT_PORTS = {"http": 80, "https": 443}
SITE_PREFIXES = ("www.", "m.", "amp.", "mobile.")


def host_in(host: str | None, domains: Iterable[str]) -> bool:
    """``host`` is one of ``domains`` or a subdomain of one (case and a trailing dot ignored)."""
    if not host:
        return False
    host = host.lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in domains)


def url_host(url: str) -> str:
    """The lower-case host of an absolute or protocol-relative URL; '' when it has none or cannot be
    parsed (an unclosed IPv6 bracket, ``http://[::1/x``, makes ``urlsplit`` raise: one link on a page
    must not cost the page)."""
    try:
        return (urlsplit(url.strip()).hostname or "").lower()
    except ValueError:
        return ""


def host_port(url: str) -> tuple[str, int] | None:
    """(lower-case host, effective port) of an http(s) URL; None when it has neither."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except (ValueError, AttributeError):
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return parts.hostname.lower().rstrip("."), port if port is not None else DEFAULT_PORTS[scheme]


def owns(domains: Iterable[str], ports: Iterable[int], url: str) -> bool:
    """Does a source with ``domains`` and owned ``ports`` own ``url``?"""
    hp = host_port(url)
    return hp is not None and hp[1] in set(ports) and host_in(hp[0], domains)


def site_host(host: str) -> str:
    """The host without a www./m./amp. prefix: the site the host is a variant of."""
    host = host.lower().rstrip(".")
    for prefix in SITE_PREFIXES:
        if host.startswith(prefix) and host.count(".") >= 1 and len(host) > len(prefix):
            return host[len(prefix):]
    return host


def _default_port(url: str) -> bool:
    hp = host_port(url)
    return hp is not None and hp[1] == DEFAULT_PORTS.get(urlsplit(url.strip()).scheme.lower())


def same_site(a: str, b: str) -> bool:
    """Two URLs on one site: the same host up to a www./m./amp. prefix, and the same port (or each on its
    scheme's default port: ``http://`` canonicals of ``https://`` pages are common)."""
    ha, hb = host_port(a), host_port(b)
    if ha is None or hb is None or site_host(ha[0]) != site_host(hb[0]):
        return False
    return ha[1] == hb[1] or (_default_port(a) and _default_port(b))
