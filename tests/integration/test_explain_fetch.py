"""`news-ingest explain --fetch` fetches as the crawler does: every redirect is checked before anything
is connected to, the crawler's user agent, one deadline for the whole fetch, the size cap.

Every server here is on 127.0.0.1; the names resolve through a DNS server of the test's own.
"""

from __future__ import annotations

import datetime as dt
import socket
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from news_ingest import explain as explain_mod
from news_ingest.sources import load_crawler_config, parse_source, user_agent
from tests.integration.dns_fixture import RebindingDNS

ARTICLE = (b"<html><head><title>Banjir</title><meta property='og:type' content='article'></head><body>"
           b"<article><p>" + b"Banjir di Jakarta mulai surut pada Kamis pagi. " * 30
           + b"</p></article></body></html>")


class Site:
    def __init__(self, other_port: int = 0, tls: ssl.SSLContext | None = None) -> None:
        self.agents: list[str] = []
        self.paths: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _send(self, status, body=b"", headers=()):
                self.send_response(status)
                for k, v in headers:
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):  # noqa: N802
                site.agents.append(self.headers.get("User-Agent", ""))
                site.paths.append(self.path)
                port = self.server.server_address[1]
                redirects = {
                    "/berita/ke-metadata.html": "http://169.254.169.254/latest/meta-data/iam/",
                    "/berita/ke-nama-metadata.html": f"http://cdn.sample.test:{port}/latest/meta-data/",
                    "/berita/ke-port-lain.html": f"http://127.0.0.1:{other_port}/berita/rahasia.html",
                    "/berita/pindah.html": "/berita/ok.html",
                }
                if self.path == "/robots.txt":
                    self._send(200, b"User-agent: *\nAllow: /\n", [("Content-Type", "text/plain")])
                elif self.path in redirects:
                    self._send(302, headers=[("Location", redirects[self.path])])
                elif self.path == "/berita/ok.html":
                    self._send(200, ARTICLE, [("Content-Type", "text/html; charset=utf-8")])
                elif self.path == "/berita/besar.html":
                    self._send(200, b"<html>" + b"x" * 300_000, [("Content-Type", "text/html")])
                elif self.path == "/berita/lambat.html":  # a drip-fed body: one byte every 0.2 s
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html")
                    self.send_header("Content-Length", "1000000")
                    self.end_headers()
                    try:
                        for _ in range(1000):
                            self.wfile.write(b"x")
                            self.wfile.flush()
                            time.sleep(0.2)
                    except OSError:
                        return
                else:
                    self._send(404)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        if tls is not None:  # HTTPS: the handshake happens in the handler's thread
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True,
                                                 do_handshake_on_connect=True)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def world(monkeypatch):
    other = Site()  # a second listener on this machine: another port, never in scope
    site = Site(other_port=other.port)
    dns = RebindingDNS({"cdn.sample.test": [["169.254.169.254"]]})
    monkeypatch.setenv("DNS_SERVERS", dns.address)
    connects: list[tuple[str, int]] = []
    real = socket.create_connection

    def recording(address, *args, **kwargs):
        connects.append((address[0], address[1]))
        return real(address, *args, **kwargs)

    monkeypatch.setattr(explain_mod.socket, "create_connection", recording)
    src = parse_source({"name": "site", "domains": ["127.0.0.1", "sample.test"],
                        "start_urls": [f"{site.base}/"], "article_allow": ["/berita/"],
                        "allow_loopback": [site.port], "max_page_bytes": 200_000}, 0)
    yield {"site": site, "other": other, "sources": {"site": src}, "connects": connects}
    site.close()
    other.close()
    dns.close()


def run(world, path, timeout=10.0):
    return explain_mod.explain(f"{world['site'].base}{path}", world["sources"], load_crawler_config(),
                               fetch=True, timeout=timeout)


@pytest.mark.parametrize(("path", "reason"), [
    ("/berita/ke-metadata.html", "offsite_redirect"),  # 169.254.169.254 is no host of the source
    ("/berita/ke-nama-metadata.html", "metadata_address"),  # a source name that resolves to it
    ("/berita/ke-port-lain.html", "offsite_redirect"),  # another port of this machine: not the source's
])
def test_a_redirect_is_refused_before_connecting(world, path, reason):
    ex = run(world, path)
    assert ex.page_kind == f"refused: {reason}", ex.text()
    assert ex.verdict.startswith("not crawled: refused")
    assert set(world["connects"]) == {("127.0.0.1", world["site"].port)}  # nothing else was connected to
    assert world["other"].paths == []


def test_fetch_follows_checked_redirects_with_the_crawlers_user_agent(world):
    ex = run(world, "/berita/pindah.html")
    assert ex.page_kind.startswith("article"), ex.text()
    assert set(world["site"].agents) == {user_agent(load_crawler_config())}
    assert world["site"].paths == ["/robots.txt", "/berita/pindah.html", "/berita/ok.html"]


def test_a_drip_fed_page_ends_at_the_timeout(world):
    t0 = time.monotonic()
    ex = run(world, "/berita/lambat.html", timeout=1.5)
    took = time.monotonic() - t0
    assert took < 5, f"explain --fetch hung for {took:.1f}s on a drip-fed body"
    assert any("timed out" in n for n in ex.notes), ex.notes


def test_the_size_cap_holds(world):
    ex = run(world, "/berita/besar.html")
    assert ex.page_kind == "refused: too_large" and any("over 200,000 bytes" in n for n in ex.notes)


# ------------------------------------------------------------------------------------------------ HTTPS
def _certificates(tmp_path, names: list[str]):
    """A private CA (written as ``ca.pem``, trusted through SSL_CERT_FILE like a system bundle) and a
    server certificate for ``names`` signed by it, as a server-side SSLContext."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = dt.datetime.now(dt.UTC)

    def cert(subject, issuer, key, sign_key, ca, sans=()):
        b = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(key.public_key())
             .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
             .not_valid_after(now + dt.timedelta(days=30))
             .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
        if ca:
            b = b.add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                              content_commitment=False, key_encipherment=False,
                                              data_encipherment=False, key_agreement=False,
                                              encipher_only=False, decipher_only=False), critical=True)
            b = b.add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        else:
            b = b.add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in sans]), critical=False)
            b = b.add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        return b.sign(sign_key, hashes.SHA256())

    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "news-ingest test CA")])
    ca = cert(ca_name, ca_name, ca_key, ca_key, True)
    leaf = cert(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])]), ca_name, key, ca_key, False,
                names)
    pem = serialization.Encoding.PEM
    (tmp_path / "ca.pem").write_bytes(ca.public_bytes(pem))
    (tmp_path / "server.pem").write_bytes(leaf.public_bytes(pem) + key.private_bytes(
        pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(tmp_path / "server.pem")
    return tmp_path / "ca.pem", ctx


@pytest.fixture
def secure(tmp_path, monkeypatch):
    """An HTTPS outlet at ``berita.sample.test`` (the test's DNS answers 127.0.0.1) with a certificate
    from a private CA the process trusts (SSL_CERT_FILE), and a second name on the same listener
    (``lain.sample.test``) that the certificate does not cover."""
    ca, ctx = _certificates(tmp_path, ["berita.sample.test"])
    monkeypatch.setenv("SSL_CERT_FILE", str(ca))
    site = Site(tls=ctx)
    dns = RebindingDNS({"berita.sample.test": [["127.0.0.1"]], "lain.sample.test": [["127.0.0.1"]],
                        "cdn.sample.test": [["169.254.169.254"]]})
    monkeypatch.setenv("DNS_SERVERS", dns.address)
    src = parse_source({"name": "site", "domains": ["sample.test"],
                        "start_urls": [f"https://berita.sample.test:{site.port}/"], "article_allow": ["/berita/"],
                        "allow_loopback": [site.port]}, 0)
    yield {"site": site, "sources": {"site": src}, "port": site.port}
    site.close()
    dns.close()


def fetch_https(secure, host, path):
    return explain_mod.explain(f"https://{host}:{secure['port']}{path}", secure["sources"],
                               load_crawler_config(), fetch=True, timeout=10.0)


def test_https_fetch_verifies_the_certificate_and_follows_checked_redirects(secure):
    """Over TLS, explain --fetch connects to the checked address, verifies the server's certificate for
    the name asked (SNI), sends the crawler's user agent and follows a same-site redirect."""
    ex = fetch_https(secure, "berita.sample.test", "/berita/pindah.html")
    assert ex.page_kind.startswith("article"), ex.text()
    assert secure["site"].paths == ["/robots.txt", "/berita/pindah.html", "/berita/ok.html"]
    assert set(secure["site"].agents) == {user_agent(load_crawler_config())}


def test_https_with_a_certificate_for_another_name_is_a_clear_failure(secure):
    """The listener's certificate does not cover the name asked: a TLS verification failure, said in
    the notes — never a crash, and no page is read."""
    ex = fetch_https(secure, "lain.sample.test", "/berita/ok.html")
    assert ex.page_kind is None and ex.verdict.startswith("unknown: the fetch failed"), ex.text()
    assert any("CERTIFICATE_VERIFY_FAILED" in n and "lain.sample.test" in n for n in ex.notes), ex.notes
    assert secure["site"].paths == []  # the handshake failed: not even robots.txt was asked for


def test_https_redirect_to_a_metadata_name_is_refused_before_connecting(secure):
    ex = fetch_https(secure, "berita.sample.test", "/berita/ke-nama-metadata.html")
    assert ex.page_kind == "refused: metadata_address", ex.text()
