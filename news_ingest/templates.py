"""The persistent per-source template models (``pipelines/templates.py``): one JSON file per source.

``TemplateStore(root)`` keeps ``<root>/<source>.json``; the default root is ``$NEWS_HOME/templates``
(``NEWS_TEMPLATE_DIR`` moves it; a relative one is taken under ``NEWS_HOME`` like the other state
paths).  A write takes the source's lock file (``<source>.lock``, ``flock``), writes a temporary
file in the same directory, fsyncs it and renames it over the old one, so a crash or a concurrent
reader never sees half a model.  Two crawls of the same source at once (the runner prevents it for
one source; overlapping source sets could) never lose each other's articles: a crawl writes with
``TemplateStore.update`` - under the lock it re-reads the model on disk and learns the articles it
saw since its last write onto it (read-merge-write; an article both saw counts once, the learner
skips ids it has seen).  A missing model is an empty one; an unreadable
or malformed file is logged, counted in ``errors`` and replaced by a fresh model (its content is
never trusted halfway).

A crawl's ``SourceTemplates`` writes on its own thread (``template-save``): the JSON encoding of a
model of thousands of entries, the write and the fsync were the largest item of the crawl's reactor
thread left in the template work (issue 16).  The reactor only queues a save; ``drain`` waits for the
queued saves, ``close`` writes what is left and waits.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import re
import tempfile
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from news_ingest.settings import news_home
from pipelines.templates import (
    EMPTY,
    Evidence,
    Template,
    TemplateModel,
    compile_template,
    dropped,
    learn_evidence,
    read_evidence,
    recompile,
    sizes,
)

log = logging.getLogger(__name__)
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
Stamp = tuple[int, int, int]  # which copy of a model file is on disk: inode, mtime, size


def encode(model: TemplateModel) -> str:
    """A model as its file's text."""
    return json.dumps(model.to_dict(), ensure_ascii=False, separators=(",", ":"))


def template_dir(env: Mapping[str, str] | None = None) -> Path:
    """``NEWS_TEMPLATE_DIR`` (relative: under ``NEWS_HOME``), else ``$NEWS_HOME/templates``."""
    env = os.environ if env is None else env
    return news_home(env) / Path(env.get("NEWS_TEMPLATE_DIR") or "templates").expanduser()


class TemplateStore:
    def __init__(self, root: Path | str | None = None) -> None:
        self.root = Path(root) if root is not None else template_dir()
        self.errors = 0  # unreadable models replaced by fresh ones, and failed saves (SourceTemplates)
        self._errors_lock = threading.Lock()  # a crawl loads on its own thread and saves on another

    def count_error(self) -> None:
        with self._errors_lock:
            self.errors += 1

    def _name(self, source: str) -> str:
        name = _UNSAFE.sub("_", source or "_unknown").strip(".") or "_unknown"
        return name[:100]

    def path(self, source: str) -> Path:
        return self.root / f"{self._name(source)}.json"

    @contextlib.contextmanager
    def _lock(self, source: str):
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / f"{self._name(source)}.lock", "a+") as fh:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)

    def load(self, source: str) -> TemplateModel:
        path = self.path(source)
        try:
            raw = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return TemplateModel()
        except OSError as exc:
            self.count_error()
            log.warning("template model %s unreadable (%s); starting a fresh one", path, exc)
            return TemplateModel()
        try:
            return TemplateModel.from_dict(json.loads(raw))
        except ValueError as exc:  # JSONDecodeError is a ValueError
            self.count_error()
            log.warning("template model %s is malformed (%s); starting a fresh one", path, exc)
            return TemplateModel()

    def save(self, source: str, model: TemplateModel) -> Path:
        """Write ``model`` as the source's model (replacing what is there)."""
        with self._lock(source):
            return self._write(source, encode(model))

    def stamp(self, source: str) -> Stamp | None:
        """Which copy of the source's file is on disk (inode, mtime, size; every write is a new file),
        or None when there is none."""
        try:
            st = self.path(source).stat()
        except OSError:
            return None
        return st.st_ino, st.st_mtime_ns, st.st_size

    def update(self, source: str, change: Callable[[TemplateModel], TemplateModel],
               mine: tuple[Stamp | None, str] | None = None) -> tuple[TemplateModel | None, Stamp | None]:
        """Read-merge-write under the source's lock: ``change`` gets the model on disk now (another
        crawl may have written it since we read it) and returns the model to write.  ``mine`` =
        (stamp, text): when the file on disk is still the copy of that stamp, nobody wrote since, and
        ``text`` (the caller's model, encoded, which already holds the changes) is written as it is,
        without reading the file again.  Returns the model written (None: ``mine`` was) and the stamp
        of the new file."""
        with self._lock(source):
            if mine is not None and mine[0] is not None and self.stamp(source) == mine[0]:
                self._write(source, mine[1])
                return None, self.stamp(source)
            model = change(self.load(source))
            self._write(source, encode(model))
            return model, self.stamp(source)

    def _write(self, source: str, data: str) -> Path:
        path = self.path(source)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=self.root)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        return path


class SourceTemplates:
    """The models of the sources one crawl touches: loaded on first use, compiled for the stage
    workers (``template``), updated with each article (``learn_evidence``: the article's evidence, read
    by the stage worker, counted by the pure ``pipelines.templates`` learner; ``learn`` reads it here)
    and written back every ``save_every`` articles of a source and at ``close``: the articles learned
    since the last write (their evidence) are learned again onto the model on disk under its lock
    (``TemplateStore.update``), so concurrent crawls of a source merge, none overwrites the other.

    The writes run on one thread of their own (``template-save``), so the caller (the crawl's reactor
    thread) never encodes, writes or fsyncs a model: it learns, and queues a save.  One lock
    (``_lock``) guards the models, the pending evidence and the compiled templates: the save thread
    holds it while it takes a source's pending evidence and encodes the model that holds exactly that
    (a caller learning meanwhile waits for the encoding), and again when it adopts a model merged with
    another crawl's file (the articles learned since are learned onto it), never during the file I/O."""

    def __init__(self, store: TemplateStore | None = None, save_every: int = 25) -> None:
        self.store = store or TemplateStore()
        self.save_every = save_every
        self._models: dict[str, TemplateModel] = {}
        self._compiled: dict[str, Template] = {}
        self._pending: dict[str, list[Evidence]] = {}  # learned, not written
        # the copy of each source's file our model was read from or last written as: while the file is
        # still that copy, a save writes the model without reading and learning the file again
        self._stamps: dict[str, Stamp | None] = {}
        self._lock = threading.Lock()
        self._queued: set[str] = set()  # sources with a save queued and not yet begun
        self._saves: list[Future[None]] = []  # queued or running, oldest first
        self._writer: ThreadPoolExecutor | None = None

    def model(self, source: str) -> TemplateModel:
        with self._lock:
            return self._model(source)

    def _model(self, source: str) -> TemplateModel:
        if source not in self._models:
            self._stamps[source] = self.store.stamp(source)
            self._models[source] = self.store.load(source)
        return self._models[source]

    def template(self, source: str | None) -> Template:
        """The source's compiled template (empty for an unnamed source or too few pages)."""
        if not source:
            return EMPTY
        with self._lock:
            if source not in self._compiled:
                self._compiled[source] = compile_template(self._model(source))
            return self._compiled[source]

    def learn(self, source: str | None, body: str | None, title: str | None, url: str | None) -> None:
        """Learn one article from its extracted body (``learn_evidence`` of its ``read_evidence``)."""
        if source:
            self.learn_evidence(source, read_evidence(body, title, url))

    def learn_evidence(self, source: str | None, evidence: Evidence | None) -> None:
        """Learn one article from its evidence, read where the page was read (the crawl's stage
        worker): only counting is left here, on the crawl's reactor; every ``save_every`` articles of
        the source a save is queued (written on the save thread)."""
        if not source or evidence is None:
            return
        with self._lock:
            model = self._model(source)
            seq, before = model.seq, sizes(model)
            learn_evidence(model, evidence, in_place=True)  # the model is this object's own: no copy
            if model.seq == seq:
                return  # re-crawled: nothing learned
            compiled = self._compiled.pop(source, None)
            if compiled is not None and not dropped(before, sizes(model)):  # nothing decayed or trimmed
                # only the evidence's keys and the template's own can have changed: no pass over the model
                self._compiled[source] = recompile(compiled, model, evidence)
            pending = self._pending.setdefault(source, [])
            pending.append(evidence)
            due = len(pending) >= self.save_every and source not in self._queued
        if due:
            self.save(source)

    def save(self, source: str) -> None:
        """Queue a write of the source's pending articles (on the save thread; ``drain`` waits)."""
        with self._lock:
            if source in self._queued or not self._pending.get(source):
                return
            self._queued.add(source)
            if self._writer is None:
                self._writer = ThreadPoolExecutor(1, thread_name_prefix="template-save")
            self._saves = [f for f in self._saves if not f.done()]
            self._saves.append(self._writer.submit(self._write_pending, source))

    def _write_pending(self, source: str) -> None:
        """On the save thread: the source's pending articles onto its file (see the class)."""
        with self._lock:
            self._queued.discard(source)
            pending = self._pending.pop(source, None)
            if not pending:
                return
            stamp = self._stamps.get(source)
            text = encode(self._models[source])  # the model holds exactly the file's copy + ``pending``

        def merge(on_disk: TemplateModel) -> TemplateModel:
            for evidence in pending:
                on_disk = learn_evidence(on_disk, evidence, in_place=True)  # read from the file just now
            return on_disk

        try:
            merged, new_stamp = self.store.update(source, merge, (stamp, text))
        except OSError as exc:  # the crawl goes on; the model is rebuilt from later pages
            self.store.count_error()
            log.error("template model of %s not saved: %s", source, exc)
            return
        with self._lock:
            self._stamps[source] = new_stamp
            if merged is not None:  # the file was another crawl's copy: ours is merged with it
                for evidence in self._pending.get(source, ()):  # what the crawl learned during the write
                    merged = learn_evidence(merged, evidence, in_place=True)
                self._models[source] = merged
                self._compiled.pop(source, None)

    def drain(self) -> None:
        """Wait until every save queued so far is written (or failed: logged, counted)."""
        while True:
            with self._lock:
                saves = [f for f in self._saves if not f.done()]
                self._saves = saves
            if not saves:
                return
            for f in saves:
                f.result()

    def close(self) -> None:
        """Write every source's pending articles, wait for the writes, stop the save thread."""
        with self._lock:
            sources = list(self._pending)
        for source in sources:
            self.save(source)
        self.drain()
        with self._lock:
            writer, self._writer = self._writer, None
        if writer is not None:
            writer.shutdown(wait=True)
