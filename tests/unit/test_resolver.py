"""The crawl's DNS resolver applies the address policy to the answer the connection gets."""

from __future__ import annotations

import pytest

from crawler import resolver
from news_ingest.sources import parse_source


class Receiver:
    def __init__(self) -> None:
        self.addresses: list = []
        self.complete = False

    def resolutionBegan(self, resolution):  # noqa: N802
        pass

    def addressResolved(self, address):  # noqa: N802
        self.addresses.append(address)

    def resolutionComplete(self):  # noqa: N802
        self.complete = True


def sources(allow_loopback=(8765,)):
    src = parse_source({"name": "site", "domains": ["example.test", "127.0.0.1"],
                        "start_urls": ["http://www.example.test/"], "article_allow": ["/berita/"],
                        "allow_loopback": list(allow_loopback)}, 0)
    return {"site": src}


class Answers:
    """A lookup that answers from a script, one entry per call (the last repeats)."""

    def __init__(self, *answers: list[str]) -> None:
        self.answers, self.calls = list(answers), 0

    def __call__(self, host: str, timeout: float) -> list[str]:
        self.calls += 1
        return self.answers[min(self.calls, len(self.answers)) - 1]


def make(lookup, ttl=300.0, size=100, srcs=None):
    res = resolver.PolicyResolver(None, size, ttl=ttl, lookup=lookup)
    res.use_sources(srcs if srcs is not None else sources())
    return res


def test_every_answer_is_checked_rebinding_included():
    lookup = Answers(["93.184.216.34"], ["127.0.0.1"], ["169.254.169.254"], ["93.184.216.34", "10.0.0.1"])
    res = make(lookup, ttl=0)
    assert res.check("www.example.test", 80) == resolver.Verdict(("93.184.216.34",), None)
    assert res.check("www.example.test", 80) == resolver.Verdict((), "loopback_address")
    assert res.check("www.example.test", 80) == resolver.Verdict((), "metadata_address")
    assert res.check("www.example.test", 80).refusal == "private_address"  # any internal address refuses
    assert lookup.calls == 4


def test_answers_are_cached_for_the_ttl_only(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(resolver.time, "monotonic", lambda: now[0])
    lookup = Answers(["93.184.216.34"], ["127.0.0.1"])
    res = make(lookup, ttl=60)
    assert res.check("www.example.test", 80).addresses == ("93.184.216.34",)
    now[0] += 59
    assert res.check("www.example.test", 80).addresses == ("93.184.216.34",)  # cached, checked again
    assert lookup.calls == 1
    now[0] += 2  # expired: asked again, and the new answer is checked
    assert res.check("www.example.test", 80).refusal == "loopback_address"
    assert lookup.calls == 2 and res.refusal("www.example.test", 80) == "loopback_address"


def test_resolution_failure_fails_closed():
    def broken(host, timeout):
        raise OSError("resolver exploded")

    assert make(Answers([])).check("www.example.test", 80) == resolver.Verdict((), "unresolvable")
    receiver = Receiver()
    res = make(broken)
    res._answered = lambda host: True  # take the inline path: no reactor in this test
    res.resolveHostName(receiver, "www.example.test", 80)
    assert receiver.complete and receiver.addresses == []


def test_names_no_source_owns_are_never_looked_up():
    lookup = Answers(["93.184.216.34"])
    res = make(lookup)
    assert res.check("evil.example.org", 80).refusal == "offsite"
    assert res.check("metadata.google.internal", 80).refusal == "offsite"
    assert lookup.calls == 0


@pytest.mark.parametrize(("port", "delivered"), [(8765, 1), (6379, 0), (80, 0)])
def test_loopback_is_delivered_only_on_the_sources_ports(port, delivered):
    receiver = Receiver()
    make(Answers([])).resolveHostName(receiver, "127.0.0.1", port)
    assert receiver.complete and len(receiver.addresses) == delivered
    if delivered:
        assert (receiver.addresses[0].host, receiver.addresses[0].port) == ("127.0.0.1", port)


def test_cache_size_is_bounded():
    res = make(lambda host, timeout: ["93.184.216.34"], size=2)
    for i in range(5):
        res.check(f"h{i}.example.test", 80)
    assert len(res._answers) == 2


def test_dns_servers_setting_is_validated():
    from news_ingest.netpolicy import parse_servers

    assert parse_servers("127.0.0.1:5353, ::1, [::1]:5300") == [("127.0.0.1", 5353), ("::1", 53),
                                                                 ("::1", 5300)]
    assert parse_servers("") == []
    with pytest.raises(ValueError, match="not an IP address.*Fix: e.g. DNS_SERVERS=127.0.0.1:5353"):
        parse_servers("dns.example.com")
