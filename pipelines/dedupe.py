"""Identity and duplicates: stable ids, content hashes, MinHash fingerprints, syndication clusters.

Pure functions over plain data.  The bulk indexer (``news_ingest/store/indexer.py``) asks the cluster for
candidates (same content hash, or a shared LSH band) and hands them to ``choose_cluster``.

* ``article_id``: hash of the normalised URL (``normalize_url``: for ids and seen-sets only; requests
  go to ``fetch_url``, the URL as discovered), so a re-crawl, a tracking-tagged link and a replay all
  land on the same document.  ``identify`` decides which URL gives the id (an owned canonical, else
  the fetched URL) and every id an article is known under (``known_ids``).
* ``content_hash``: of the body with case, Unicode form and whitespace normalised — a re-crawl
  that only re-wraps lines is not a revision; an edited word is.
* ``minhash``: 128 MinHash values over word 3-shingles (stored hex in ``fingerprint``) and 32
  LSH band keys (``fingerprint_bands``, keywords) so the index finds candidates with one terms
  query.  Reprints of a wire story differ by a dateline, a credit line, a trimmed paragraph:
  measured on real news bodies (/work/shared/bench/news), a new dateline, a dropped last
  paragraph and an agency line keep an estimated Jaccard of 0.73-1.0 (30 bodies), while the
  11,325 pairs of 151 different bodies average 0.0003 and all but one stay under 0.03.
  (A 64-bit SimHash was tried first: the same edits moved it 4-12 bits while one unrelated
  pair was 8 bits apart — no threshold separated them.)
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from itertools import chain
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode, urljoin, urlsplit, urlunsplit

import numpy as np
from w3lib.url import safe_url_string

from pipelines import hosts
from pipelines.patterns import read_yaml

TRACKING_FILE = Path(__file__).resolve().parent / "tracking_params.yaml"
DEFAULT_PORTS = {"http": 80, "https": 443}
PERMUTATIONS = 128
ROWS = 4  # MinHash values per LSH band: 32 bands
MIN_SIMILARITY = 0.5  # estimated Jaccard of shingles; unrelated news bodies measure < 0.05
MIN_NEAR_DUP_TOKENS = 40  # shorter bodies: exact hash only (a fingerprint of a teaser is noise)
SHINGLE = 3
_PATH_SAFE = "/:@!$&'()*+,;=-._~"
_PLAIN_PATH = re.compile(r"[A-Za-z0-9/:@!$&'()*+,;=._~-]*")
_WORD = re.compile(r"\w+", re.UNICODE)
_SPACE = re.compile(r"\s+")


# --------------------------------------------------------------------------- URLs and ids
@lru_cache(maxsize=1)
def _tracking() -> tuple[tuple[str, ...], frozenset[str], frozenset[str], re.Pattern[str]]:
    data = read_yaml(TRACKING_FILE)
    prefixes = tuple(p.lower() for p in data.get("prefixes", []))
    session = frozenset(n.lower() for n in data.get("session", []))
    token = re.compile(data.get("session_token") or r"^\S{16,}$")
    return prefixes, frozenset(n.lower() for n in data.get("names", [])), session, token


def _is_tracking(name: str) -> bool:
    prefixes, names, _, _ = _tracking()
    low = name.lower()
    return low in names or low.startswith(prefixes)


def _is_session(name: str, value: str) -> bool:
    _, _, session, token = _tracking()
    return name.lower() in session and bool(token.match(value))


def _strip_session_path(path: str) -> str:
    """``/a.html;jsessionid=0A1B...`` -> ``/a.html`` (path parameters that are session ids)."""
    if ";" not in path:
        return path
    out = []
    for segment in path.split("/"):
        head, *params = segment.split(";")
        kept = [p for p in params if not _is_session(*(p.split("=", 1) + [""])[:2])]
        out.append(";".join([head, *kept]))
    return "/".join(out)


def normalize_url(url: str) -> str:
    """One spelling per article URL, for ids and seen-sets only (never for fetching: ``fetch_url``):
    lower-case scheme and host, no default port, no fragment, no tracking or session parameters
    (``tracking_params.yaml``), sorted query, no trailing slash (except the root), no empty path.
    ``tests/unit/test_dedupe.py`` pins the ids of real URL shapes (GOLDEN_IDS)."""
    if not isinstance(url, str) or not url.strip():
        raise ValueError(f"not a URL: {url!r}")
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {url!r}")
    host = parts.hostname.rstrip(".")  # hostname is already lower-case
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"bad port in URL {url!r}") from exc
    netloc = host if port in (None, DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    # re-quote the path so %7E and ~ (and é vs %C3%A9) are one spelling
    path = _strip_session_path(parts.path)
    if not _PLAIN_PATH.fullmatch(path):  # (most article paths are plain: skip the round trip)
        path = quote(unquote(path), safe=_PATH_SAFE)
    if "//" in path:
        path = re.sub(r"/{2,}", "/", path)
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    query = ""
    if parts.query:
        pairs = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                 if not _is_tracking(k) and not _is_session(k, v)]
        query = urlencode(sorted(pairs))
    return urlunsplit((scheme, netloc, path or "/", query, ""))


def article_id(canonical_or_url: str) -> str:
    """Stable document id: 128-bit BLAKE2b of the normalised URL, hex."""
    return hashlib.blake2b(normalize_url(canonical_or_url).encode(), digest_size=16).hexdigest()


def fetch_url(url: str) -> str:
    """The URL to request for a discovered URL: as discovered, only made safe — no fragment, no
    tracking parameters (click and campaign tags: never content), unsafe characters percent-encoded.
    Everything else (trailing slash, case, parameter order, session ids) stays as the site wrote it:
    rewriting it is how a crawler meets its own redirects.  Raises ValueError on a non-http(s) URL."""
    if not isinstance(url, str) or not url.strip():
        raise ValueError(f"not a URL: {url!r}")
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {url!r}")
    try:
        parts.port  # noqa: B018 - validates the port
    except ValueError as exc:
        raise ValueError(f"bad port in URL {url!r}") from exc
    query = parts.query
    if query:
        kept = [p for p in query.split("&") if p and not _is_tracking(unquote(p.split("=", 1)[0]))]
        query = "&".join(kept)
    netloc = parts.netloc.lower() if "@" not in parts.netloc else parts.netloc
    return safe_url_string(urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", query, "")))


# An absolute http(s) URL that ``urljoin`` returns as it is, whatever the base: a lower-case scheme (urljoin
# lower-cases it), a host of plain characters and an optional port, then a path and query of plain
# characters without ``;`` (path parameters are split off and written back, an empty one dropped) and
# without ``#`` (an empty fragment is dropped); an empty query (a trailing ``?``) is left out by the caller.
# With a host, urljoin does not resolve ``.``/``..`` segments either: it splits the URL and joins the
# same parts again (or returns it untouched when its scheme is not the base's).
_ABSOLUTE_PLAIN = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]*)?(?:[/?][A-Za-z0-9/?:@!$&'()*,=._~-]*)?")


def join_url(base: str, href: str) -> str | None:
    """``href`` resolved against the page ``base`` (``urljoin``), or None when it cannot be parsed: an
    unclosed IPv6 bracket (``http://[::1/x``) makes ``urljoin`` raise, and one such link must not cost
    the page it is on.  An absolute plain URL (``_ABSOLUTE_PLAIN``: most of a news page's links) is
    ``urljoin``'s answer already, returned without parsing the base and the link again for every link
    of the page."""
    if _ABSOLUTE_PLAIN.fullmatch(href) and not href.endswith("?"):
        return href
    try:
        return urljoin(base, href)
    except ValueError:
        return None


def public_url(url: str) -> str:
    """The URL to store and show for a fetched page: ``fetch_url`` without session ids either (in the
    query or as a ``;jsessionid=`` path parameter) — a link anyone can open, as the site wrote it
    otherwise.  Raises ValueError on a non-http(s) URL."""
    safe = fetch_url(url)
    parts = urlsplit(safe)
    query = "&".join(p for p in parts.query.split("&")
                     if p and not _is_session(*(unquote(x) for x in (p.split("=", 1) + [""])[:2])))
    return urlunsplit(parts._replace(path=_strip_session_path(parts.path), query=query))


def stored_url(identity: str) -> str:
    """The URL an article is stored under: its identity (first URL) as ``public_url`` (no session id;
    ids never had one), or the identity as it is when that is no http(s) URL."""
    try:
        return public_url(identity)
    except ValueError:
        return identity


@dataclass(frozen=True)
class Identity:
    """Under which id an article is stored, and every id it is known under (``id`` first)."""

    id: str
    id_url: str  # the URL the id is the hash of: the accepted canonical, else the fetched URL
    canonical_accepted: bool
    known_ids: tuple[str, ...]


_UNRENDERED = re.compile(r"[{}<>]|%7[bd]|%3[ce]", re.I)  # a template placeholder left in the markup


def _canonical_ok(fetched: str, canonical: str, owner: dict[str, Any] | None) -> bool:
    if _UNRENDERED.search(canonical):
        return False  # href="{BASE}/slug/", "{{ canonical }}": an unrendered theme, not an identity
    try:
        normalize_url(canonical)
    except ValueError:
        return False
    if urlsplit(canonical).path in ("", "/") and urlsplit(fetched).path not in ("", "/"):
        return False  # every page "canonical" to the home page: a broken theme, not an identity
    if hosts.same_site(fetched, canonical):
        return True
    if not owner:
        return False
    return hosts.owns(owner.get("domains") or (), owner.get("ports") or (), canonical)


def identify(fetched_url: str, canonical: str | None = None, redirected_from: Iterable[str] = (),
             owner: dict[str, Any] | None = None) -> Identity:
    """The identity of an article fetched at ``fetched_url`` (after redirects from ``redirected_from``),
    whose page declares ``canonical``.

    The canonical gives the id only when a host of the same source owns it (``owner``: the source's
    ``domains`` and ``ports``; without one only the fetched URL's own site and its www./m./amp.
    variants): a syndicated copy that declares the original outlet's URL canonical is a document of
    its own source, never the original.  Otherwise the fetched URL gives the id.  ``known_ids`` holds
    the id, the fetched URL's and every redirect source's id, so a re-crawl finds the article under
    any of them.  Raises ValueError when ``fetched_url`` is not an http(s) URL."""
    fetched_id = article_id(fetched_url)
    accepted = bool(canonical) and _canonical_ok(fetched_url, canonical or "", owner)
    id_url = canonical if accepted and canonical else fetched_url
    known = [article_id(id_url), fetched_id]
    for url in redirected_from:
        try:
            known.append(article_id(url))
        except ValueError:
            continue
    ids = tuple(dict.fromkeys(known))
    return Identity(id=ids[0], id_url=id_url, canonical_accepted=accepted, known_ids=ids)


# --------------------------------------------------------------------------- content
def _folded(text: str) -> str:
    """NFKC, case-folded: what every content comparison starts from.  Both work character by character
    and never make or take a line break, so the folded lines of a text are its lines folded (the
    fingerprints fold a body once, ``annotate``)."""
    return unicodedata.normalize("NFKC", text).casefold()


def comparable_text(text: str) -> str:
    """NFKC, case-folded, whitespace collapsed: the form a content hash is taken of (not
    ``pipelines.clean.normalize_text``, which keeps the text as written)."""
    return _SPACE.sub(" ", _folded(text)).strip()


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def content_hash(body: str | None) -> str | None:
    if not body or not body.strip():
        return None
    return _digest(comparable_text(body))


def revision_hash(body: str | None, taken_out: Sequence[str] = ()) -> str | None:
    """The hash of a revision of an article: its body's lines and the lines a learned template took out
    (``taken_out``), compared as a set of comparable lines (order-free: where the template took a line
    from is not kept).  Equal for two copies of one page cleaned with a younger and an older template."""
    return _revision(_folded(body or ""), taken_out)


def _revision(folded_body: str, taken_out: Sequence[str]) -> str | None:
    lines = sorted(({_SPACE.sub(" ", ln).strip() for ln in folded_body.splitlines()}
                    | {comparable_text(ln) for ln in taken_out}) - {""})
    if not lines:
        return None
    return _digest("\n".join(lines))


def tokens(text: str) -> list[str]:
    return _WORD.findall(_folded(text))


def _token_hash(token: str) -> int:
    # CRC-32 is plenty to tell words apart (the shingle hash is mixed to 64 bits afterwards) and
    # several times cheaper than a cryptographic hash; stable across processes, unlike hash().  Not
    # remembered: an LRU of words cost more than the CRC it saved (1.38 vs 1.25 ms a body) and held
    # up to 200,000 words per stage worker (~35 MB with the words it kept alive)
    return zlib.crc32(token.encode())


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: spreads the combined hashes over all 64 bits."""
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


_SHINGLE_MULT = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F), np.uint64(0x165667B19E3779F9))
# multiply-add-shift hashes (odd multipliers): one of PERMUTATIONS independent orderings each
_PERM = np.array([int.from_bytes(hashlib.blake2b(b"news-ingest-minhash-%d" % i, digest_size=16).digest(),
                                 "little") for i in range(PERMUTATIONS)], dtype=object)
_PERM_A = np.array([int(v) & ((1 << 64) - 1) | 1 for v in _PERM], dtype=np.uint64)
_PERM_B = np.array([int(v) >> 64 for v in _PERM], dtype=np.uint64)


def shingle_hashes(text: str) -> np.ndarray:
    """Distinct 64-bit hashes of the word 3-shingles of ``text`` (the words for shorter text)."""
    return _shingles(tokens(text))


def _shingles(toks: list[str]) -> np.ndarray:
    if not toks:
        return np.zeros(0, dtype=np.uint64)
    h = np.fromiter((_token_hash(t) for t in toks), dtype=np.uint64, count=len(toks))
    n = max(1, len(h) - SHINGLE + 1)
    with np.errstate(over="ignore"):  # wrap-around multiplication is the point
        combined = np.zeros(n, dtype=np.uint64)
        for k in range(min(SHINGLE, len(h))):
            combined ^= h[k:k + n] * _SHINGLE_MULT[k]
        return np.unique(_mix(combined))


def minhash(text: str | None) -> np.ndarray | None:
    """128 MinHash values (16 bits each) over word 3-shingles; None for text without words."""
    shingles = shingle_hashes(text or "")
    return _min_signature(shingles) if len(shingles) else None


def _min_signature(shingles: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        perms = shingles[:, None] * _PERM_A[None, :] + _PERM_B[None, :]
    # keep 16 middle bits of each minimum: they identify WHICH shingle won; the top bits of a
    # minimum are mostly zeros for long texts and would make unrelated texts look alike
    return ((perms.min(axis=0) >> np.uint64(24)) & np.uint64(0xFFFF)).astype("<u2")


def signature_hex(sig: np.ndarray) -> str:
    return sig.astype("<u2").tobytes().hex()


def signature_from_hex(fp: str) -> np.ndarray:
    raw = bytes.fromhex(fp)
    if len(raw) != PERMUTATIONS * 2:
        raise ValueError(f"fingerprint has {len(raw) // 2} values, expected {PERMUTATIONS}")
    return np.frombuffer(raw, dtype="<u2")


def lsh_bands(sig: np.ndarray) -> list[str]:
    """LSH band keys (``"07:1a2b3c4d5e"``): two copies share one when a whole band of
    ``ROWS`` MinHash values agrees — likely from Jaccard ~0.4 up, nearly never for unrelated text."""
    raw = sig.astype("<u2").tobytes()
    width = ROWS * 2
    return [f"{i:02d}:{hashlib.blake2b(raw[i * width:(i + 1) * width], digest_size=5).hexdigest()}"
            for i in range(PERMUTATIONS // ROWS)]


def similarity(a: str, b: str) -> float:
    """Estimated Jaccard similarity of two bodies' shingle sets from their fingerprints."""
    return float((signature_from_hex(a) == signature_from_hex(b)).mean())


def annotate(doc: dict[str, Any], taken_out: Sequence[str] | None = None) -> dict[str, Any]:
    """Fill ``content_hash``, ``fingerprint`` and ``fingerprint_bands`` from the body (in place); with
    ``taken_out`` (the lines a learned template took out) ``revision_hash`` too.  The body is folded
    once for all of them (``content_hash``, ``shingle_hashes`` and ``revision_hash`` each folded it).

    Bodies too short for a meaningful fingerprint get none: they cluster by exact hash only."""
    body = doc.get("body") or ""
    folded = _folded(body)
    doc["content_hash"] = _digest(_SPACE.sub(" ", folded).strip()) if body.strip() else None
    if taken_out is not None:
        doc["revision_hash"] = _revision(folded, taken_out)
    shingles = _shingles(_WORD.findall(folded))
    sig = _min_signature(shingles) if len(shingles) >= MIN_NEAR_DUP_TOKENS - SHINGLE + 1 else None
    doc["fingerprint"] = signature_hex(sig) if sig is not None else None
    doc["fingerprint_bands"] = lsh_bands(sig) if sig is not None else []
    return doc


# --------------------------------------------------------------------------- syndication
def parse_time(value: Any) -> datetime | None:
    """ISO 8601 (with ``Z`` or offset; naive = UTC) -> aware datetime; None when absent/bad."""
    if not value or not isinstance(value, str):
        return None
    return _parse_time(value)


@lru_cache(maxsize=65_536)
def _parse_time(value: str) -> datetime | None:
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def story_time(doc: dict[str, Any]) -> datetime | None:
    """When a copy appeared: first seen by us, else published, else fetched."""
    for key in ("first_seen_at", "published_at", "fetched_at", "last_seen_at"):
        t = parse_time(doc.get(key))
        if t:
            return t
    return None


def choose_cluster(doc: dict[str, Any], candidates: Iterable[dict[str, Any]], window_days: float,
                   min_similarity: float = MIN_SIMILARITY,
                   similarity_of: Callable[[dict[str, Any]], float | None] | None = None
                   ) -> dict[str, Any] | None:
    """The already-known copy ``doc`` is a reprint of, or None.

    Candidates carry ``id``, ``content_hash``, ``fingerprint``, ``cluster_id`` and times.  A copy
    matches on an equal content hash, or on estimated similarity >= ``min_similarity``, and only
    within ``window_days`` of ``doc`` (a story re-run a year later is news again).  Among matches
    the most similar wins, then the earliest."""
    when = story_time(doc)
    best: tuple[float, datetime, dict[str, Any]] | None = None
    for cand in candidates:
        if cand.get("id") == doc.get("id"):
            continue
        ctime = story_time(cand)
        if when and ctime and abs((when - ctime).total_seconds()) > window_days * 86400:
            continue
        if doc.get("content_hash") and cand.get("content_hash") == doc["content_hash"]:
            dist = 0.0
        elif doc.get("fingerprint") and cand.get("fingerprint"):
            if similarity_of is not None:
                sim = similarity_of(cand)
            else:
                try:
                    sim = similarity(doc["fingerprint"], cand["fingerprint"])
                except ValueError:  # a fingerprint from another scheme: not comparable
                    sim = None
            if sim is None or sim < min_similarity:
                continue
            dist = 1.0 - sim
        else:
            continue
        key = (dist, ctime or datetime.max.replace(tzinfo=UTC), cand)
        if best is None or key[:2] < best[:2]:
            best = key
    return best[2] if best else None


class CandidateIndex:
    """Copies already known (from the index, or earlier in the batch) by content hash and LSH
    band, so a new copy is compared with a handful of likely matches instead of everything;
    signatures are decoded once per copy."""

    def __init__(self, per_doc: int = 8) -> None:
        self.per_doc = per_doc
        self._docs: list[dict[str, Any]] = []
        self._sigs: dict[int, np.ndarray | None] = {}  # id(doc) -> decoded signature
        self._by_hash: defaultdict[str, list[int]] = defaultdict(list)
        self._by_band: defaultdict[str, list[int]] = defaultdict(list)

    def _sig(self, doc: dict[str, Any]) -> np.ndarray | None:
        key = id(doc)
        if key not in self._sigs:
            try:
                self._sigs[key] = signature_from_hex(doc["fingerprint"]) if doc.get("fingerprint") else None
            except ValueError:  # a fingerprint from another scheme: not comparable
                self._sigs[key] = None
        return self._sigs[key]

    def add(self, doc: dict[str, Any]) -> None:
        i = len(self._docs)
        self._docs.append(doc)
        if doc.get("content_hash"):
            self._by_hash[doc["content_hash"]].append(i)
        bands = doc.get("fingerprint_bands")
        if not bands and (sig := self._sig(doc)) is not None:
            bands = lsh_bands(sig)
        by_band = self._by_band
        for band in bands or ():
            by_band[band].append(i)

    def __len__(self) -> int:
        return len(self._docs)

    def keep_only(self, fields: Iterable[str]) -> None:
        """Keep only ``fields`` of each document (a new, smaller dict each; the originals are not
        touched), e.g. once its batch is written and only its candidate fields are read again.  The
        decoded signatures of the index's own documents stay; the other ones (candidates compared
        through ``choose``, keyed by ``id()`` of dicts that may be gone) are dropped."""
        fields = tuple(fields)
        sigs: dict[int, np.ndarray | None] = {}
        for i, doc in enumerate(self._docs):
            slim = {k: doc[k] for k in fields if k in doc}
            if id(doc) in self._sigs:
                sigs[id(slim)] = self._sigs[id(doc)]
            self._docs[i] = slim
        self._sigs = sigs

    def docs(self) -> list[dict[str, Any]]:
        return list(self._docs)

    def near(self, doc: dict[str, Any]) -> list[dict[str, Any]]:
        """Exact copies, then the ``per_doc`` copies sharing the most bands with ``doc``."""
        if not self._docs:
            return []
        exact = [self._docs[i] for i in self._by_hash.get(doc.get("content_hash") or "", ())]
        bands = doc.get("fingerprint_bands") or ()
        counts = Counter(chain.from_iterable(self._by_band.get(b, ()) for b in bands))
        ranked = [self._docs[i] for i, _ in counts.most_common(self.per_doc + 1)]
        return [c for c in exact + ranked if c is not doc]

    def choose(self, doc: dict[str, Any], candidates: list[dict[str, Any]], window_days: float,
               min_similarity: float = MIN_SIMILARITY) -> dict[str, Any] | None:
        """``choose_cluster`` with the signatures decoded once."""
        mine = self._sig(doc)

        def sim(cand: dict[str, Any]) -> float | None:
            theirs = self._sig(cand)
            return None if mine is None or theirs is None else np.count_nonzero(mine == theirs) / PERMUTATIONS

        return choose_cluster(doc, candidates, window_days, min_similarity, similarity_of=sim)
