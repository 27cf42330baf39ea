"""A small authoritative DNS server on loopback (UDP) whose answers change from one query to the next.

``RebindingDNS({"rebind.example.test": [["93.184.216.34"], ["127.0.0.1"], ["169.254.169.254"]]})``
answers the first query for the name (per record type) with the first list, the next with the
second, and repeats the last one from then on: the DNS rebinding an attacker's name server does.
Every answer has TTL 0.  Names it does not know get NXDOMAIN; a name mapped to ``None`` gets
SERVFAIL.  It only ever answers from its table, so a test pointed at it makes no real lookup.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections import defaultdict

import dns.flags
import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset


class RebindingDNS:
    def __init__(self, answers: dict[str, list[list[str]] | None]) -> None:
        self.answers = {k.lower().rstrip("."): v for k, v in answers.items()}
        self.queries: list[tuple[str, str]] = []  # (name, type) in arrival order
        self._seen: dict[tuple[str, str], int] = defaultdict(int)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.address = f"127.0.0.1:{self.port}"
        self.sock.settimeout(0.2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="test-dns", daemon=True)
        self._thread.start()

    def _answer(self, query: dns.message.Message) -> dns.message.Message:
        resp = dns.message.make_response(query)
        resp.flags |= dns.flags.AA
        q = query.question[0]
        name, rdtype = q.name.to_text(omit_final_dot=True).lower(), dns.rdatatype.to_text(q.rdtype)
        self.queries.append((name, rdtype))
        if name not in self.answers:
            resp.set_rcode(dns.rcode.NXDOMAIN)
            return resp
        seq = self.answers[name]
        if seq is None:
            resp.set_rcode(dns.rcode.SERVFAIL)
            return resp
        n = self._seen[(name, rdtype)]
        self._seen[(name, rdtype)] += 1
        version = 4 if rdtype == "A" else 6 if rdtype == "AAAA" else 0
        addrs = [a for a in seq[min(n, len(seq) - 1)] if ipaddress.ip_address(a).version == version]
        if addrs:
            resp.answer.append(dns.rrset.from_text_list(q.name, 0, "IN", rdtype, addrs))
        return resp

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                data, peer = self.sock.recvfrom(4096)
            except TimeoutError:
                continue
            except OSError:  # closed
                return
            try:
                self.sock.sendto(self._answer(dns.message.from_wire(data)).to_wire(), peer)
            except Exception:  # noqa: BLE001 - a malformed query gets no answer, the server goes on
                continue

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.close()
