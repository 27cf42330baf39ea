"""The search store: the only module the indexer, the CLI and the tests use to reach the cluster.

Engine-independent: index templates, language-aware analysis, the alias and its rollover,
bulk/mget/search bodies.  The engine-specific calls (client, errors) are in
``news_ingest.store.backends``; everything here is REST both Elasticsearch and OpenSearch share,
so nothing outside the backends branches on the engine.

Interface (what other modules code against):
``connect(settings=None, check=True) -> Store``; errors ``StoreError`` (unusable, message
names cause and fix), ``StoreUnavailable`` (retryable), ``RequestTooLarge`` (HTTP 413);
``Store.alias``, ``.engine``, ``.setup()``, ``.ping()``, ``.refresh()``, ``.count()``,
``.bulk_raw(ops)``, ``.get_docs(ids, fields)``, ``.lookup(ids, known, fields)``, ``.known_docs(ids, fields)``,
``.existing_ids(ids)``, ``.seen_since(since, source)``,
``.search_raw(body)``,
``.index_doc(suffix, doc)``, ``.to_document(article)``, ``.rollover_if_needed(...)``, ``.for_alias(alias)``.
The indexer and the run ledger's writer code against ``news_ingest.store.protocol.ArticleStore``.
"""

from __future__ import annotations

import copy
import functools
import json
import logging
import os
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from news_ingest.settings import CONFIG_DIR, SearchSettings
from news_ingest.store.backends import Backend, create_backend
from news_ingest.store.backends.base import (
    RETRYABLE_ITEM,
    RequestTooLarge,
    StoreError,
    StoreUnavailable,
    error_reason,
)
from pipelines import dedupe

__all__ = ["BulkItem", "IndexLayout", "RequestTooLarge", "Store", "StoreError", "StoreUnavailable", "connect",
           "language_group", "load_languages", "shard_settings", "template_for"]

log = logging.getLogger(__name__)
CONFIG = CONFIG_DIR / "elasticsearch"  # the checkout's config/, or the wheel's package data
TEMPLATE_PATH = CONFIG / "article-template.json"
LANGUAGES_PATH = CONFIG / "languages.json"
RUNS_TEMPLATE_PATH = CONFIG / "runs-template.json"
LANG_TEXT_FIELDS = ("title", "body")  # the fields that get a per-language copy
_ANALYZERS: dict[str, list[str]] = {}  # cluster URL -> language analyzers it has
_INDICES_TTL = 30.0  # seconds the list of indices behind the alias is trusted (rollovers are rare)
# The lookup index ``<alias>-ids``: one small document per key, {"index": concrete index, "id": article
# id}.  ``k``: where the article with id k is; ``~k``: which article is known under k (a fetched URL,
# a redirect, a canonical it used to declare).  Written by ``bulk_raw`` after each write, read by
# ``lookup`` in real time: one shard instead of a search over one shard per index.
ID_INDEX_SUFFIX = "ids"
ALIAS_ENTRY = "~"
# A re-crawl that finds an article unchanged (the ``touch`` operation) records when it saw it in the
# article's own entry ``k`` — {"index", "id", "seen_at", "source"} — instead of re-indexing the whole article
# in its (often old) index: ``lookup`` reads the later of the two as ``last_seen_at``, and ``seen_since``
# finds the articles seen in a run either way.
ENTRY_FIELDS = {"seen_at": {"type": "date"}, "source": {"type": "keyword"}}
# in a looked-up copy whose entry's time is later: the article's own last_seen_at
ARTICLE_SEEN = "_article_last_seen_at"
StoredDocs = dict[str, dict[str, Any]]  # as news_ingest.store.protocol (which imports this module)


@dataclass(frozen=True)
class BulkItem:
    """The outcome of one bulk operation: the HTTP status the cluster reported for it."""

    id: str
    status: int
    error: str | None = None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


# --------------------------------------------------------------------------- templates (pure)
@functools.cache
def _read_languages(path: Path) -> dict[str, dict[str, Any]]:
    return json.loads(path.read_text())["groups"]


def load_languages(path: Path = LANGUAGES_PATH) -> dict[str, dict[str, Any]]:
    """Language groups: ``{group: {"analyzer": name, "languages": [codes]}}``."""
    return copy.deepcopy(_read_languages(path))


def language_group(code: str | None, groups: dict[str, str]) -> str | None:
    """The group (field suffix) for a detected language code, given ``{language: group}``.
    ``ms`` -> ``id``; ``zh-CN`` -> ``cjk``; unknown -> None."""
    if not code:
        return None
    base = code.strip().lower().replace("_", "-").split("-")[0]
    return groups.get(base)


def template_for(alias: str, analyzers: Iterable[str] | None) -> dict[str, Any]:
    """The article index template for ``alias``.  ``analyzers``: the language analyzers the
    cluster has; groups whose analyzer is missing are left out (None or empty: the standard
    fallback template, no per-language fields)."""
    body = json.loads(TEMPLATE_PATH.read_text().replace("{index}", alias))
    have = set(analyzers or ())
    mappings = body["template"]["mappings"]
    langs: dict[str, str] = {}
    for group, spec in load_languages().items():
        if spec["analyzer"] not in have:
            continue
        for field in LANG_TEXT_FIELDS:
            mappings["properties"][f"{field}_{group}"] = {"type": "text", "analyzer": spec["analyzer"]}
        for code in spec["languages"]:
            langs[code] = group
    mappings["_meta"].update({"analysis": "language" if langs else "standard", "languages": langs})
    return body


@dataclass(frozen=True)
class IndexLayout:
    """Shards and replicas of the article indices.  ``replicas`` None: chosen by the cluster's size
    (``shard_settings``); a number (``INDEX_REPLICAS=2``) or an auto-expand range (``0-1``, ``0-all``)
    overrides it.  One primary shard per index by default: rollover keeps each index small, and a
    search over the alias spreads over the indices' shards on every node."""

    shards: int = 1
    replicas: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> IndexLayout:
        env = os.environ if env is None else env
        raw_shards = (env.get("INDEX_SHARDS") or "1").strip()
        raw_replicas = (env.get("INDEX_REPLICAS") or "").strip().lower() or None
        if not raw_shards.isdigit() or not 1 <= int(raw_shards) <= 64:
            raise ValueError(f"INDEX_SHARDS={raw_shards!r} is not a number of shards (1-64). "
                             f"Fix: e.g. INDEX_SHARDS=1")
        if raw_replicas not in (None, "auto") and not _REPLICAS.match(raw_replicas):
            raise ValueError(f"INDEX_REPLICAS={raw_replicas!r} is neither a number of replicas nor an "
                             f"auto-expand range. Fix: e.g. INDEX_REPLICAS=1, INDEX_REPLICAS=0-1 or unset it "
                             f"(one replica on a cluster, 0-1 on one node)")
        return cls(int(raw_shards), None if raw_replicas == "auto" else raw_replicas)


_REPLICAS = re.compile(r"^(\d{1,2}|\d{1,2}-(\d{1,2}|all))$")


def shard_settings(data_nodes: int, layout: IndexLayout = IndexLayout()) -> dict[str, Any]:
    """Index settings for ``layout`` on a cluster of ``data_nodes``.  One node: ``auto_expand_replicas
    0-1`` (green alone, a replica as soon as a second node joins).  Several: one replica, fixed — a node
    lost leaves the cluster yellow (visible) until the copy is rebuilt, rather than auto-expand quietly
    dropping the replica when the cluster shrinks to one node."""
    want = layout.replicas
    if want is None:
        want = "0-1" if data_nodes <= 1 else "1"
    if want.isdigit():
        return {"number_of_shards": layout.shards, "number_of_replicas": int(want),
                "auto_expand_replicas": False}
    return {"number_of_shards": layout.shards, "auto_expand_replicas": want}


def derive_language_fields(doc: dict[str, Any], languages: dict[str, str]) -> dict[str, Any]:
    """Copy of ``doc`` with ``title_<group>``/``body_<group>`` for its detected language.

    Any language copies already in ``doc`` (e.g. read back from the index, or made for a
    cluster with more analyzers) are dropped and derived again, so the function is idempotent,
    a changed language leaves no stale copy, and a fallback cluster gets none."""
    groups = set(_read_languages(LANGUAGES_PATH)) | set(languages.values())
    out = {k: v for k, v in doc.items()
           if not (k.partition("_")[0] in LANG_TEXT_FIELDS and k.partition("_")[2] in groups)}
    group = language_group(doc.get("language"), languages)
    if group:
        for field in LANG_TEXT_FIELDS:
            if doc.get(field):
                out[f"{field}_{group}"] = doc[field]
    return out


def _item_error(item: dict[str, Any]) -> str | None:
    return error_reason(item["error"]) if item.get("error") else None


# --------------------------------------------------------------------------- the store
class Store:
    """One alias (``settings.index``) on one cluster, through one backend."""

    def __init__(self, settings: SearchSettings, backend: Backend, layout: IndexLayout | None = None) -> None:
        self.settings = settings
        self.backend = backend
        self.layout = layout or IndexLayout.from_env()
        self._languages: dict[str, str] | None = None
        self._indices: tuple[float, list[str]] | None = None
        self._last_indices: list[str] = []  # kept across cache resets: to notice a rollover
        self._id_state: tuple[float, str | None] | None = None
        self._stale: set[str] = set()  # lookup-index entries found pointing at nothing: overwrite them

    @property
    def alias(self) -> str:
        return self.settings.index

    @property
    def id_index(self) -> str:
        """The lookup index: which index holds each article, which article each known id is."""
        return f"{self.alias}-{ID_INDEX_SUFFIX}"

    @property
    def engine(self) -> str:
        return self.backend.engine

    @property
    def client(self) -> Any:
        """The engine's own client (escape hatch for benchmarks; avoid in pipeline code)."""
        return self.backend.client

    def _req(self, method: str, path: str, **kw: Any) -> Any:
        return self.backend.request(method, path, **kw)

    # ------------------------------------------------------------------ health and setup
    def ping(self) -> dict[str, Any]:
        """Cluster health; raises StoreError with the cause when unusable.
        (The Elasticsearch test distribution has no ``GET /`` handler, so health is the probe.)"""
        return dict(self._req("GET", "/_cluster/health"))

    def available_analyzers(self) -> list[str]:
        """Which of the configured language analyzers this cluster has (one _analyze each;
        remembered per cluster URL for the process — modules do not change at run time)."""
        key = self.settings.display_url
        if key in _ANALYZERS:
            return _ANALYZERS[key]
        found: list[str] = []
        for spec in load_languages().values():
            name = spec["analyzer"]
            if name in found:
                continue
            try:
                self._req("POST", "/_analyze", body={"analyzer": name, "text": "a"})
                found.append(name)
            except StoreUnavailable:
                raise
            except StoreError as exc:
                if exc.status != 400:
                    raise
        _ANALYZERS[key] = found
        return found

    def template_body(self) -> dict[str, Any]:
        """The article template for this cluster: its language analyzers, and shards/replicas for
        its number of data nodes (``shard_settings``)."""
        body = template_for(self.alias, self.available_analyzers())
        nodes = int(self._req("GET", "/_cluster/health").get("number_of_data_nodes") or 1)
        settings = body["template"]["settings"]
        for key in ("number_of_shards", "number_of_replicas", "auto_expand_replicas"):
            settings.pop(key, None)
        settings.update(shard_settings(nodes, self.layout))
        return body

    def setup(self) -> str:
        """Install the best template the cluster supports, the first index behind the alias and the
        lookup index (``ensure_id_index``).

        Idempotent.  The template only shapes indices created later (the next rollover); the
        existing write index keeps its mapping, and documents follow the write index's
        ``_meta.languages``."""
        said = self._setup_alias()
        filled = self.ensure_id_index()
        return said + (f"; lookup index {self.id_index}: {filled}" if filled else "")

    def _setup_alias(self) -> str:
        body = self.template_body()
        meta = body["template"]["mappings"]["_meta"]
        self._req("PUT", f"/_index_template/{self.alias}", body=body)
        self.ensure_runs_template()
        kind = (f"language-aware template ({len(set(meta['languages'].values()))} language groups)"
                if meta["analysis"] == "language" else
                "standard-analysis fallback template (cluster has no language analyzers)")
        shape = body["template"]["settings"]
        kind += (f", {shape['number_of_shards']} shard(s), replicas " +
                 (str(shape["number_of_replicas"]) if "number_of_replicas" in shape
                  else f"auto {shape['auto_expand_replicas']}"))
        log.info("%s: installed %s for alias %s", self.engine, kind, self.alias)
        if self._req("GET", f"/_alias/{self.alias}", ignore=(404,)) is None:
            first = f"{self.alias}-000001"
            try:
                self._req("PUT", f"/{first}", body={"aliases": {self.alias: {"is_write_index": True}}})
            except StoreError as exc:
                # another crawler process created it a moment ago: that is the state we want
                if exc.status != 400 or "already_exists" not in str(exc):
                    raise
                return f"{self.engine}: alias {self.alias} set up concurrently by another process; {kind}"
            self._languages = None
            self._indices = None
            return f"{self.engine}: created {first} behind alias {self.alias}; {kind}"
        added = []
        for index in self.indices(fresh=True):  # updates land in place, in older indices too
            new = self._add_missing_fields(index, body["template"]["mappings"])
            added += [f for f in new if f not in added]
        added += self._add_missing_fields(f"{self.alias}-runs", _runs_template()["mappings"])
        return f"{self.engine}: alias {self.alias} already set up; {kind}" + (
            f"; added new fields {added} to the existing indices" if added else "")

    def _add_missing_fields(self, index: str, wanted: dict[str, Any]) -> list[str]:
        """Bring an index made by an older version up to the current mapping.  New fields can
        always be added in place; without them a strict mapping would dead-letter every article."""
        resp = self._req("GET", f"/{index}/_mapping", ignore=(404,))
        if not resp:
            return []
        have = next(iter(resp.values()))["mappings"].get("properties", {})
        missing = {k: v for k, v in wanted["properties"].items() if k not in have}
        if missing:
            self._req("PUT", f"/{index}/_mapping", body={"properties": missing})
            log.warning("%s: added fields %s to %s (created by an older version)", self.engine,
                        sorted(missing), index)
        # keyword limits (ignore_above) can be set in place: an index made before them would
        # otherwise dead-letter every article with one oversize value
        limits = _limits(wanted["properties"], have)
        if limits:
            self._req("PUT", f"/{index}/_mapping", body={"properties": limits})
            log.warning("%s: set ignore_above on %s of %s", self.engine, sorted(limits), index)
        return sorted(missing)

    def drop(self) -> None:
        """Delete every index and template of this alias (tests, `news-ingest reset`)."""
        for name in self.indices() + [f"{self.alias}-runs", self.id_index]:
            self._req("DELETE", f"/{name}", ignore=(404,))
        for name in (self.alias, f"{self.alias}-runs"):
            self._req("DELETE", f"/_index_template/{name}", ignore=(404,))
        self._languages = None
        self._indices = None
        self._id_state = None

    # ------------------------------------------------------------------ the lookup index
    def id_index_state(self, fresh: bool = False) -> str | None:
        """``complete``: the lookup index holds an entry for every stored article (``lookup`` reads
        it); ``filling``: it exists but ``ensure_id_index`` has not finished (``lookup`` searches,
        ``bulk_raw`` writes entries); None: there is none (an alias an older version made).  Read
        again after ``_INDICES_TTL``, like the alias."""
        now = time.monotonic()
        if not fresh and self._id_state and now - self._id_state[0] < _INDICES_TTL:
            return self._id_state[1]
        resp = self._req("GET", f"/{self.id_index}/_mapping", ignore=(404,))
        state: str | None = None
        if resp:
            mappings: dict[str, Any] = next(iter(resp.values())).get("mappings", {})
            meta = mappings.get("_meta") or {}
            state = "complete" if meta.get("complete") else "filling"
        self._id_state = (now, state)
        return state

    def ensure_id_index(self) -> str | None:
        """Create the lookup index if there is none, fill it with the entries of every stored article
        (an alias an older version made, or an index added behind the alias by hand) and mark it
        complete.  Idempotent; several processes may run it at once (entries are written with the
        same values).  Returns what it did (None: nothing to do).

        Every writer must write through ``bulk_raw`` (or run ``setup`` after writing otherwise):
        an article without its entry is not found by ``lookup`` and a re-crawl of it is stored again."""
        if self.id_index_state(fresh=True) == "complete":
            # one made before the touch fields
            self._req("PUT", f"/{self.id_index}/_mapping", body={"properties": ENTRY_FIELDS})
            return None
        nodes = int(self._req("GET", "/_cluster/health").get("number_of_data_nodes") or 1)
        settings = {**shard_settings(nodes, replace(self.layout, shards=1)), "refresh_interval": "1s"}
        try:
            self._req("PUT", f"/{self.id_index}", body={"settings": settings, "mappings": {
                # entries are read by id; only a touch's seen time and source are searched (seen_since)
                "dynamic": False, "properties": ENTRY_FIELDS,
                "_meta": {"managed_by": "news-ingest", "complete": False}}})
        except StoreError as exc:  # another process made it a moment ago
            if exc.status != 400 or "already_exists" not in str(exc):
                raise
            self._req("PUT", f"/{self.id_index}/_mapping", body={"properties": ENTRY_FIELDS})
        entered = 0
        for index in reversed(self.indices(fresh=True)):  # oldest first: the newest copy's entry wins
            entered += self._fill_entries(index)
        self._req("PUT", f"/{self.id_index}/_mapping", body={"_meta": {"managed_by": "news-ingest",
                                                                       "complete": True}})
        self._id_state = None
        log.info("lookup index %s: %d entries written for the stored articles", self.id_index, entered)
        return f"created, {entered} entries for the stored articles"

    def _fill_entries(self, index: str) -> int:
        """The entries of every article in ``index`` (a scroll over its ``known_ids``)."""
        resp = self._req("POST", f"/{index}/_search", params={"scroll": "2m"},
                         body={"size": 5000, "_source": ["known_ids"], "sort": ["_doc"]})
        n = 0
        try:
            while hits := resp.get("hits", {}).get("hits", []):
                lines: list[dict[str, Any]] = []
                for hit in hits:
                    for name in _entry_names(hit["_id"], hit.get("_source", {}).get("known_ids")):
                        lines += [{"index": {"_index": self.id_index, "_id": name}},
                                  {"index": hit["_index"], "id": hit["_id"]}]
                bulk = self.backend.bulk(lines)
                if bulk.get("errors"):
                    failed = [next(iter(i.values())) for i in bulk.get("items", [])]
                    failed = [f for f in failed if not 200 <= int(f.get("status", 500)) < 300]
                    raise StoreUnavailable(f"lookup index {self.id_index}: {len(failed)} entries not "
                                           f"written, e.g. {_item_error(failed[0]) if failed else '?'}")
                n += len(lines) // 2
                resp = self._req("POST", "/_search/scroll",
                                 body={"scroll": "2m", "scroll_id": resp["_scroll_id"]})
        finally:
            if resp.get("_scroll_id"):
                self._req("DELETE", "/_search/scroll", body={"scroll_id": resp["_scroll_id"]}, ignore=(404,))
        return n

    def _write_entries(self, operations: list[dict[str, Any]], results: list[dict[str, Any]],
                       out: list[BulkItem]) -> list[BulkItem]:
        """After a bulk request: the lookup-index entries of the documents it wrote, where the cluster
        put them (the item's ``_index``: the alias's write index as the cluster saw it, even if this
        process has not noticed a rollover yet).  ``create``: the first writer's entry stands (a copy
        another writer created meanwhile keeps its place); a stale entry is overwritten.  A write whose
        entries could not be written (the request failed, or 429/5xx) is reported as that failure,
        so the indexer sends it again (a create then conflicts, which writes its entry, and is merged)."""
        lines: list[dict[str, Any]] = []
        owners: list[tuple[int, str]] = []
        for n, (op, result) in enumerate(zip(operations, results, strict=True)):
            if op["op"] == "touch":
                continue  # its entry was the operation (or, without the lookup index, it moved the time)
            conflict = out[n].status == 409 and op["op"] == "create"  # stored there already: by another
            if not (out[n].ok or conflict) or not result.get("_index"):  # writer, or by a try whose
                continue  # entries failed (reported as retryable below): its entry is written now
            known = op["doc"].get("known_ids")
            if op["op"] == "update" and out[n].status == 201:  # an upsert: created it
                known = known or (op.get("upsert") or {}).get("known_ids")
            elif op["op"] == "update" and not known:
                continue  # a flag or the history: the entries stay as they are
            for name in _entry_names(op["id"], known):
                kind = "index" if name in self._stale else "create"
                lines += [{kind: {"_index": self.id_index, "_id": name}},
                          {"index": result["_index"], "id": op["id"]}]
                owners.append((n, name))
        if not lines:
            return out
        try:
            items = self.backend.bulk(lines).get("items", [])
        except StoreError as exc:
            items = [{"create": {"status": 503, "error": {"reason": f"lookup entries not written: {exc}"}}}
                     for _ in owners]
        for (n, name), item in zip(owners, items, strict=False):
            result = next(iter(item.values()))
            status = int(result.get("status", 500))
            if 200 <= status < 300:
                self._stale.discard(name)
            elif status in RETRYABLE_ITEM and out[n].ok:
                out[n] = BulkItem(out[n].id, status, f"stored, its lookup entry not: {_item_error(result)}")
            elif status != 409:
                log.error("lookup entry %s for %s not written (%s): %s", name, out[n].id, status,
                          _item_error(result))
        return out

    # ------------------------------------------------------------------ the alias
    def indices(self, fresh: bool = False) -> list[str]:
        """Concrete indices behind the alias, write index first ([] if there is no alias)."""
        now = time.monotonic()
        if not fresh and self._indices and now - self._indices[0] < _INDICES_TTL:
            return self._indices[1]
        resp = self._req("GET", f"/_alias/{self.alias}", ignore=(404,)) or {}
        write = [i for i, a in resp.items() if a.get("aliases", {}).get(self.alias, {}).get("is_write_index")]
        names = write + sorted((i for i in resp if i not in write), reverse=True)
        before = self._indices[1] if self._indices else self._last_indices
        if before and names and before[0] != names[0] and before[0] in names:
            # the alias rolled over: what was written to the old write index in its last second is not
            # searchable yet, and lookups read only the new write index in real time
            self._req("POST", f"/{before[0]}/_refresh", ignore=(404,))
        self._indices = (now, names)
        self._last_indices = names
        return names

    def index_uuids(self) -> set[str]:
        """The uuids of the indices behind the alias (empty when there is none): what identifies
        "this index" to state kept outside it (``news_ingest.crawl_state``)."""
        if not self.indices(fresh=True):
            return set()
        resp = self._req("GET", f"/{self.alias}/_settings/index.uuid", ignore=(404,)) or {}
        return {v["settings"]["index"]["uuid"] for v in resp.values() if "settings" in v}

    def languages(self) -> dict[str, str]:
        """``{language code: group}`` of the write index (empty: standard analysis only)."""
        if self._languages is None:
            idx = self.indices()
            if not idx:
                return {}
            resp = self._req("GET", f"/{idx[0]}/_mapping")
            meta = next(iter(resp.values()))["mappings"].get("_meta", {})
            self._languages = dict(meta.get("languages") or {})
        return self._languages

    def rollover_if_needed(self, max_docs: int | None = None, max_size: str | None = None) -> str | None:
        """Roll the alias over to a new write index when the current one holds ``max_docs``
        documents or ``max_size`` (e.g. "20gb") of primary store.  The project does this itself:
        no ILM on the test node.  Returns the new index name, or None if no condition was met."""
        conditions: dict[str, Any] = {}
        if max_docs:
            conditions["max_docs"] = int(max_docs)
        if max_size:
            # one primary shard (the template): its size is the primary store
            conditions[self.backend.rollover_size_condition] = max_size
        if not conditions:
            raise ValueError("rollover_if_needed needs max_docs and/or max_size")
        resp = self._req("POST", f"/{self.alias}/_rollover", body={"conditions": conditions})
        self._indices = None
        self._languages = None
        if resp.get("rolled_over"):
            log.info("rolled %s over from %s to %s (%s)", self.alias, resp.get("old_index"),
                     resp.get("new_index"), resp.get("conditions"))
            return str(resp["new_index"])
        return None

    # ------------------------------------------------------------------ documents
    def to_document(self, article: dict[str, Any]) -> dict[str, Any]:
        """The document to store for an article dict: adds the per-language copies
        (``title_<group>``, ``body_<group>``) the write index has analyzers for, chosen by
        ``article["language"]``; drops stale ones.  ``bulk_raw`` applies it to every document
        and partial update, so callers need not — but may (it is idempotent)."""
        return derive_language_fields(article, self.languages())

    def bulk_raw(self, operations: list[dict[str, Any]]) -> list[BulkItem]:
        """One ``_bulk`` request.  Operations: ``{"op": "index"|"create"|"update", "id": str,
        "doc": dict}``, for update optionally ``"upsert": dict``, and optionally ``"index"``:
        the concrete index that holds the document (default: the alias's write index).  ``touch``
        (``"doc": {"last_seen_at", "source"}``, ``"index"``: where the article is): a re-crawl found the
        article unchanged; the time is written to its lookup entry, not to the article (without a
        complete lookup index: an update of the article's ``last_seen_at``).

        Returns one BulkItem per operation, in order, with the per-item HTTP status.  Raises
        StoreUnavailable (connection/5xx/429 for the whole request) or RequestTooLarge (413)."""
        if not operations:
            return []
        lines: list[dict[str, Any]] = []
        entries = self.id_index_state()
        for op in operations:
            kind = op["op"]
            if kind == "touch" and entries == "complete" and op.get("index"):  # the article stays as it is
                lines += [{"index": {"_index": self.id_index, "_id": op["id"]}},
                          {"index": op["index"], "id": op["id"], "seen_at": op["doc"]["last_seen_at"],
                           "source": op["doc"].get("source")}]
                continue
            if kind == "touch":  # no lookup index to record it in: the article's own time moves
                lines += [{"update": {"_index": op.get("index") or self.alias, "_id": op["id"]}},
                          {"doc": {"last_seen_at": op["doc"]["last_seen_at"]}}]
                continue
            if kind not in ("index", "create", "update"):
                raise ValueError(f"unknown bulk op {kind!r} (index, create, update or touch)")
            lines.append({kind: {"_index": op.get("index") or self.alias, "_id": op["id"]}})
            doc = self.to_document(op["doc"])
            if kind == "update":
                body: dict[str, Any] = {"doc": doc}
                if op.get("upsert") is not None:
                    body["upsert"] = self.to_document(op["upsert"])
                lines.append(body)
            else:
                lines.append(doc)
        resp = self.backend.bulk(lines)
        items = resp.get("items", [])
        if len(items) != len(operations):
            raise StoreError(f"bulk answered {len(items)} items for {len(operations)} operations")
        out = []
        results = [next(iter(item.values())) for item in items]
        for op, result in zip(operations, results, strict=True):
            out.append(BulkItem(str(result.get("_id", op["id"])), int(result.get("status", 500)),
                                _item_error(result)))
        if entries is not None:
            out = self._write_entries(operations, results, out)
        return out

    def get_docs(self, ids: list[str], fields: list[str] | None = None) -> dict[str, dict[str, Any]]:
        """Stored documents by id across every index behind the alias, in real time (``lookup``: one
        search and one mget, however many indices).  Each returned dict carries ``"_index"``: pass it
        back as a bulk op's ``"index"`` so a re-crawl updates the copy where it lives.  Missing ids
        are absent."""
        return self.lookup(ids, (), fields)[0]

    def lookup(self, ids: Iterable[str], known: Iterable[str] = (), fields: list[str] | None = None,
               fresh: bool = False, realtime: Iterable[str] | None = None,
               ) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
        """The indexer's reads for one batch, whatever the number of indices behind the alias (a
        rollover a month for two years is 24).  With the lookup index (``<alias>-ids``, see
        ``id_index_state``): one real-time mget of the batch's keys there (which index holds each
        id, which article each known id belongs to: one shard, however many indices), then one
        real-time mget of the copies it points to (none for a batch of new articles).  Without it (an
        alias an older version made, not yet set up): one ``ids``/``terms`` search on the alias (one
        shard per index) and a real-time mget of what the search cannot have seen yet.

        ``realtime``: the keys that may have been written since the last refresh (the caller's own
        recent writes); the search path reads only those in real time (the lookup index is read in
        real time anyway).  None: every key is also read in the write index in real time (a document
        another writer stored a moment ago is found, e.g. after a 409).

        Returns ``({id: stored doc}, {known id: stored doc with "_id"})``: the first for ``ids`` (by
        document id; the write index's copy wins, then the newest index's), the second for ``known``
        (a document's own id wins over another's ``known_ids``).  Every dict carries ``"_index"``.
        A document written to an older index within its last refresh before a rollover is found
        because ``indices`` refreshes the previous write index when it sees the alias roll over.
        ``fresh``: read the list of indices anew (after a 409, another writer may have rolled it).
        A shard without an active copy (a node just lost) raises ``StoreUnavailable`` (retried by
        the indexer) instead of hiding the copies it holds."""
        ids = list(dict.fromkeys(ids))
        known = list(dict.fromkeys(known))
        indices = self.indices(fresh=fresh)
        if not (ids or known) or not indices:
            return {}, {}
        if self.id_index_state(fresh=fresh) == "complete":
            return self._lookup_by_entries(ids, known, fields, indices, realtime is None)
        return self._lookup_by_search(ids, known, fields, indices, realtime)

    def _lookup_by_entries(self, ids: list[str], known: list[str], fields: list[str] | None,
                           indices: list[str], every_key: bool) -> tuple[StoredDocs, StoredDocs]:
        """``lookup`` through the lookup index: its entries for the keys (``k``: where the article
        ``k`` is; ``~k``: which article is known under ``k``), then the copies they point to (and with
        ``every_key`` each key in the write index), both real-time mgets.  An entry whose copy is gone
        (a deleted document or index) or no longer known under the key is stale: it is left out and
        overwritten by the next write of that key (``_write_entries``)."""
        keys = list(dict.fromkeys(ids + known))
        names = keys + [ALIAS_ENTRY + k for k in known]
        resp = self._req("POST", f"/{self.id_index}/_mget", body={"ids": names})
        entries: dict[str, tuple[str, str]] = {}
        seen: dict[tuple[str, str], str] = {}  # a touched article -> when the touch saw it
        for d in resp.get("docs", []):
            if d.get("error"):  # the lookup index's shard unavailable: never guess
                raise StoreUnavailable(f"lookup index {self.id_index} could not be read: {error_reason(d)}")
            src = d.get("_source") or {}
            if d.get("found") and src.get("index") and src.get("id"):
                entries[d["_id"]] = (str(src["index"]), str(src["id"]))
                if src.get("seen_at") and d["_id"] == src["id"]:
                    seen[entries[d["_id"]]] = str(src["seen_at"])
        write = indices[0]
        wanted: dict[tuple[str, str], None] = {where: None for where in entries.values()}
        if every_key:
            wanted.update({(write, k): None for k in keys})
        source = sorted({*fields, "known_ids"}) if fields is not None else None
        spec: dict[str, Any] = {"_source": source} if source is not None else {}
        read: dict[tuple[str, str], dict[str, Any]] = {}
        if wanted:
            resp = self._req("POST", "/_mget", body={"docs": [{"_index": idx, "_id": i, **spec}
                                                              for idx, i in wanted]})
            for d in resp.get("docs", []):
                if d.get("error"):
                    if isinstance(d["error"], dict) and d["error"].get("type") == "index_not_found_exception":
                        continue  # the index was deleted: its entries are stale
                    raise StoreUnavailable(f"lookup could not read {d.get('_index')}/{d.get('_id')}: "
                                           f"{error_reason(d)}")
                if d.get("found"):
                    read[(d["_index"], d["_id"])] = d.get("_source") or {}
        rank = {name: n for n, name in enumerate(indices)}
        keep_known = fields is None or "known_ids" in fields

        def stored(where: tuple[str, str]) -> dict[str, Any]:
            src = read[where]
            out = dict(src) if keep_known else {k: v for k, v in src.items() if k != "known_ids"}
            touched = seen.get(where)
            if touched and (fields is None or "last_seen_at" in fields) and _later(touched,
                                                                                   src.get("last_seen_at")):
                out[ARTICLE_SEEN], out["last_seen_at"] = src.get("last_seen_at"), touched
            return {**out, "_index": where[0]}

        def own(key: str) -> tuple[str, str] | None:
            """Where the article ``key`` is: the write index's copy wins, then the newest index's."""
            places = [w for w in ((write, key), entries.get(key))
                      if w is not None and w[1] == key and w in read]
            return min(places, key=lambda w: rank.get(w[0], len(rank))) if places else None

        for name, points in entries.items():  # stale: gone, or no longer known under the key
            key = name.removeprefix(ALIAS_ENTRY)
            if points not in read or (name != key and key not in (read[points].get("known_ids") or [])):
                self._stale.add(name)
        docs = {k: stored(w) for k in ids if (w := own(k)) is not None}
        found: dict[str, dict[str, Any]] = {}
        for k in known:
            where: tuple[str, str] | None = own(k)
            alias = entries.get(ALIAS_ENTRY + k)
            if where is None and alias in read and k in (read[alias].get("known_ids") or []):
                where = alias
            if where is not None:
                found[k] = {**stored(where), "_id": where[1]}
        return docs, found

    def _lookup_by_search(self, ids: list[str], known: list[str], fields: list[str] | None,
                          indices: list[str], realtime: Iterable[str] | None,
                          ) -> tuple[StoredDocs, StoredDocs]:
        """``lookup`` without a complete lookup index (made by an older version, being filled): an
        ``ids``/``terms`` search on the alias (one shard per index) and a real-time mget of the keys
        that may not be searchable yet."""
        keys = list(dict.fromkeys(ids + known))
        source: bool | list[str] = True if fields is None else sorted({*fields, "known_ids"})
        body = {"size": min(10_000, 2 * len(keys) + 10), "_source": source, "track_total_hits": False,
                "query": {"bool": {"filter": [{"bool": {"minimum_should_match": 1, "should": [
                    {"ids": {"values": keys}}, {"terms": {"known_ids": keys}}]}}]}}}
        # every shard or an error (StoreUnavailable, retried): a shard without an active copy (a node
        # just lost) would otherwise hide the copies it holds, and they would be written again
        hits = self._req("POST", f"/{self.alias}/_search", params={"allow_partial_search_results": "false"},
                         body=body).get("hits", {}).get("hits", [])
        if len(hits) == body["size"]:
            log.warning("lookup of %d ids hit its %d-hit limit; some stored copies may be missed",
                        len(keys), body["size"])
        unrefreshed = set(keys) if realtime is None else set(keys) & set(realtime)
        wanted_ids, wanted_known = set(ids), set(known)
        write = indices[0]
        # the keys that may have been written since the last refresh, in the write index: a document
        # written a moment ago is found by its own id
        entries: dict[tuple[str, str], None] = {(write, i): None for i in keys if i in unrefreshed}
        by_key: dict[str, tuple[str, str]] = {}  # known id -> (index, document id)
        searched: dict[tuple[str, str], dict[str, Any]] = {}  # the copies the search returned
        for hit in hits:
            where = (hit["_index"], hit["_id"])
            hit_source = hit.get("_source", {})
            wanted = hit["_id"] in wanted_ids
            for key in wanted_known & {hit["_id"], *(hit_source.get("known_ids") or [])}:
                if key == hit["_id"] or key not in by_key:
                    by_key[key] = where
                    wanted = True
            if not wanted:
                continue
            if realtime is None or hit["_id"] in unrefreshed:
                entries[where] = None  # e.g. updated in place in an old index a moment ago
            elif fields is not None and "known_ids" not in fields:
                searched[where] = {k: v for k, v in hit_source.items() if k != "known_ids"}
            else:
                searched[where] = dict(hit_source)
        read: list[dict[str, Any]] = []
        if entries:
            spec: dict[str, Any] = {"_source": fields} if fields is not None else {}
            resp = self._req("POST", "/_mget", body={"docs": [{"_index": idx, "_id": i, **spec}
                                                              for idx, i in entries]})
            if failed := [d for d in resp.get("docs", []) if d.get("error")]:  # a shard unavailable
                raise StoreUnavailable(f"lookup could not read {len(failed)} stored cop(ies), e.g. "
                                       f"{failed[0].get('_index')}/{failed[0].get('_id')}: "
                                       f"{error_reason(failed[0])}")
            read = [d for d in resp.get("docs", []) if d.get("found")]
        rank = {name: n for n, name in enumerate(indices)}
        stored: dict[tuple[str, str], dict[str, Any]] = {}
        copies = [(where, src) for where, src in searched.items()]
        copies += [((d["_index"], d["_id"]), d.get("_source", {})) for d in read]
        docs: dict[str, dict[str, Any]] = {}
        for where, src in sorted(copies, key=lambda c: rank.get(c[0][0], len(rank))):  # write index, newest
            doc = {**src, "_index": where[0]}
            stored[where] = doc
            if where[1] in wanted_ids and where[1] not in docs:
                docs[where[1]] = doc
        found = {key: {**stored[where], "_id": where[1]} for key, where in by_key.items() if where in stored}
        for key in wanted_known:  # a document's own id wins (also one not searchable yet)
            own = docs.get(key) or stored.get((write, key))
            if own is not None:
                found[key] = {**own, "_id": key}
        return docs, found

    def known_docs(self, ids: Iterable[str], fields: list[str] | None = None) -> dict[str, dict[str, Any]]:
        """The stored documents known under any of ``ids`` — as their document id or one of their
        ``known_ids`` (a fetched URL, a redirect source, the accepted canonical): one ``ids``/``terms``
        search on the alias.  ``{requested id: {**fields, "_id": document id, "_index": index}}``;
        ids known nowhere are absent.  Near real time: what was written a second ago may be missing
        (the crawl's own seen-sets cover its run)."""
        ids = list(dict.fromkeys(ids))
        if not ids or not self.indices():
            return {}
        source = sorted({*(fields or []), "known_ids"})
        body = {"size": min(10_000, 2 * len(ids) + 10), "_source": source, "track_total_hits": False,
                "query": {"bool": {"filter": [{"bool": {"minimum_should_match": 1, "should": [
                    {"ids": {"values": ids}}, {"terms": {"known_ids": ids}}]}}]}}}
        resp = self.search_raw(body)
        wanted = set(ids)
        found: dict[str, dict[str, Any]] = {}
        for hit in resp.get("hits", {}).get("hits", []):
            doc = {**hit.get("_source", {}), "_id": hit["_id"], "_index": hit.get("_index")}
            for key in wanted & {hit["_id"], *(doc.get("known_ids") or [])}:
                if key == hit["_id"] or key not in found:  # a document's own id wins over an alias
                    found[key] = doc
        return found

    def existing_ids(self, ids: Iterable[str]) -> set[str]:
        """Which of ``ids`` some stored article is known under (``known_docs``: one search)."""
        return set(self.known_docs(ids))

    def seen_since(self, since: str, source: str | None = None) -> dict[str, Any]:
        """A query clause for the articles (of ``source``) seen at or after ``since``: by their own
        ``last_seen_at``, or by a re-crawl that found them unchanged and wrote the time to their lookup
        entry only (``touch`` in ``bulk_raw``; a scroll of the lookup index for those entries)."""
        own: dict[str, Any] = {"range": {"last_seen_at": {"gte": since}}}
        if self.id_index_state() != "complete":
            return own
        flt: list[dict[str, Any]] = [{"range": {"seen_at": {"gte": since}}}]
        if source is not None:
            flt.append({"term": {"source": source}})
        resp = self._req("POST", f"/{self.id_index}/_search", params={"scroll": "1m"},
                         body={"size": 5000, "_source": False, "sort": ["_doc"],
                               "query": {"bool": {"filter": flt}}})
        ids: list[str] = []
        try:
            while hits := resp.get("hits", {}).get("hits", []):
                ids += [h["_id"] for h in hits]
                resp = self._req("POST", "/_search/scroll",
                                 body={"scroll": "1m", "scroll_id": resp["_scroll_id"]})
        finally:
            if resp.get("_scroll_id"):
                self._req("DELETE", "/_search/scroll", body={"scroll_id": resp["_scroll_id"]}, ignore=(404,))
        if not ids:
            return own
        return {"bool": {"should": [own, {"ids": {"values": ids}}], "minimum_should_match": 1}}

    def refresh(self) -> None:
        self._req("POST", f"/{self.alias}/_refresh")

    def count(self, query: dict[str, Any] | None = None) -> int:
        resp = self._req("POST", f"/{self.alias}/_count", body={"query": query or {"match_all": {}}})
        return int(resp["count"])

    def search_raw(self, body: dict[str, Any]) -> dict[str, Any]:
        """A search over every index behind the alias; ``body`` is the standard search body."""
        return dict(self._req("POST", f"/{self.alias}/_search", body=body))

    def ensure_runs_template(self) -> None:
        """The run ledger's template (types, one shard, ``auto_expand_replicas: 0-1``), installed
        before the first run record: a run that indexed nothing never ran ``setup``, and an
        auto-created ``<alias>-runs`` would get guessed types and a replica a single node cannot
        place (a yellow cluster).  Idempotent; once per Store."""
        if getattr(self, "_runs_template_ok", False):
            return
        self._req("PUT", f"/_index_template/{self.alias}-runs", body={
            "index_patterns": [f"{self.alias}-runs"], "priority": 200, "template": _runs_template()})
        self._runs_template_ok = True

    def index_doc(self, index_suffix: str, doc: dict[str, Any], doc_id: str | None = None) -> str:
        """Write one document to the side index ``<alias>-<suffix>`` (e.g. the run ledger,
        ``runs``); returns its id.  Refreshes so the document is visible at once."""
        path = f"/{self.alias}-{index_suffix}/_doc" + (f"/{doc_id}" if doc_id else "")
        resp = self._req("PUT" if doc_id else "POST", path, body=doc, params={"refresh": "true"})
        return str(resp["_id"])

    # ------------------------------------------------------------------ first-version helpers
    def bulk(self, docs: Iterable[dict[str, Any]]) -> tuple[int, list[dict[str, Any]]]:
        """Index documents that carry their ``_id``; returns (ok count, per-document errors)."""
        ops = [{"op": "index", "id": d["_id"], "doc": {k: v for k, v in d.items() if k != "_id"}}
               for d in docs]
        items = self.bulk_raw(ops)
        errors = [{"id": it.id, "status": it.status, "error": it.error} for it in items if not it.ok]
        return sum(it.ok for it in items), errors

    def for_alias(self, alias: str) -> Store:
        """The same cluster and client, another alias (a replay sends records where they were written)."""
        return Store(replace(self.settings, index=alias), self.backend, self.layout)

    def close(self) -> None:
        self.backend.close()


def _limits(wanted: dict[str, Any], have: dict[str, Any]) -> dict[str, Any]:
    """The existing keyword fields (also inside objects) that lack the template's ignore_above,
    as a mapping update: each field as it is, plus its limit."""
    out: dict[str, Any] = {}
    for name, want in wanted.items():
        cur = have.get(name)
        if not cur:
            continue
        if want.get("type") == "keyword" and "ignore_above" in want and "ignore_above" not in cur:
            out[name] = {**cur, "ignore_above": want["ignore_above"]}
        elif "properties" in want and "properties" in cur and (sub := _limits(want["properties"],
                                                                                cur["properties"])):
            out[name] = {"properties": sub}
    return out


def _later(a: str | None, b: str | None) -> bool:
    """a strictly later than b (b unknown: a is later)."""
    ta = dedupe.parse_time(a)
    tb = dedupe.parse_time(b)
    return bool(ta and (tb is None or ta > tb))


def _entry_names(doc_id: str, known: Any) -> list[str]:
    """The lookup-index entries of an article: its own id, and ``~k`` for every other id it is known under."""
    others = [k for k in known or [] if isinstance(k, str) and k != doc_id]
    return [doc_id, *dict.fromkeys(ALIAS_ENTRY + k for k in others)]


def _runs_template() -> dict[str, Any]:
    body = json.loads(RUNS_TEMPLATE_PATH.read_text())
    body.pop("_comment", None)
    return copy.deepcopy(body)


def connect(settings: SearchSettings | None = None, check: bool = True) -> Store:
    """A Store on the configured cluster (engine from SEARCH_ENGINE or detected).
    With ``check``, one health request proves the cluster answers."""
    settings = settings or SearchSettings.from_env()
    store = Store(settings, create_backend(settings))
    if check:
        store.ping()
    return store
