"""Stage workers contain poison pages: a crash or a hang takes only its own page, counted and
dead-lettered; workers are recycled; closing never blocks the reactor."""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections import Counter
from pathlib import Path

import pytest

from crawler import workers
from news_ingest.store.spool import DeadLetters


class Stats:
    def __init__(self) -> None:
        self.values: Counter = Counter()

    def inc_value(self, key, n=1):
        self.values[key] += n


@pytest.fixture
def make(monkeypatch, tmp_path):
    monkeypatch.setenv("STAGE_TEST_HOOKS", "1")
    pools = []

    def build(n=2, **kw):
        pool = workers.StagePool(n, stats=Stats(), dead_letters=DeadLetters(tmp_path / "pages"), **kw)
        pools.append(pool)
        return pool

    yield build
    for pool in pools:
        pool.close()


def dead_letters(tmp_path):
    return [json.loads(line) for f in sorted((tmp_path / "pages").glob("*.jsonl"))
            for line in f.read_text().splitlines()]


def test_a_worker_that_dies_takes_only_its_own_page(make, tmp_path):
    pool = make(2)

    async def main():
        pages = [f"berita {i}" for i in range(6)]
        pages[2] = f"berita 2 {workers.HOOK_CRASH}"
        results = await asyncio.gather(*[pool.run(len, p, page={"url": f"http://x.test/{i}", "source": "x"})
                                         for i, p in enumerate(pages)], return_exceptions=True)
        # the pool is whole again: two workers serve
        return results, await asyncio.gather(*[pool.run(len, "ok") for _ in range(4)])

    results, after = asyncio.run(main())
    assert after == [2, 2, 2, 2]
    assert isinstance(results[2], workers.StageFailed) and results[2].reason == "worker_crash"
    assert [r for i, r in enumerate(results) if i != 2] == [len(f"berita {i}") for i in range(6) if i != 2]
    assert pool.stats.values["stage/worker_crash"] == 1
    [letter] = dead_letters(tmp_path)
    assert letter["reason"] == "worker_crash" and letter["doc"]["url"] == "http://x.test/2"
    assert letter["doc"]["source"] == "x" and letter["doc"]["stage"] == "len"


@pytest.mark.parametrize("hook", [workers.HOOK_HANG, workers.HOOK_HANG_HARD])
def test_a_stuck_extraction_ends_as_timeout(make, tmp_path, hook):
    pool = make(1, timeout=1.0, kill_grace=1.0)

    async def main():
        await pool.run(len, "warm")  # the clock is the stage's, not the worker's start-up on a busy machine
        t0 = time.monotonic()
        with pytest.raises(workers.StageFailed) as err:
            await pool.run(len, f"<p>{hook}</p>", page={"url": "http://x.test/slow"})
        took = time.monotonic() - t0
        return err.value, took, await pool.run(len, "next page")

    exc, took, after = asyncio.run(main())
    assert exc.reason == "timeout" and took < 10
    assert after == len("next page")  # the one worker came back (or was replaced)
    assert pool.stats.values["stage/timeout"] == 1
    assert dead_letters(tmp_path)[0]["reason"] == "timeout"


def test_stage_errors_pass_through_and_workers_are_recycled(make):
    pool = make(1, max_pages=2)

    async def main():
        with pytest.raises(ValueError):
            await pool.run(int, "not a number")  # the stage's own error: the adapter's business
        pids = set()
        for _ in range(4):
            await pool.run(len, "x")
            pids |= {w.proc.pid for w in pool._all}
        return pids

    assert len(asyncio.run(main())) >= 2
    assert pool.stats.values["stage/workers_recycled"] >= 2


def test_close_does_not_block_while_workers_exit(make):
    pool = make(2)
    asyncio.run(pool.run(len, "warm"))
    t0 = time.monotonic()
    pool.close()
    assert time.monotonic() - t0 < 0.5


def test_worker_cpu_is_counted_per_stage_call(make):
    """The pool adds up the CPU its workers spent on stage calls (what ``make bench`` reports per page)."""
    pool = make(1)

    async def main():
        await pool.run(len, "warm")
        before = pool.cpu_s
        await pool.run(sum, range(3_000_000))
        return before, pool.cpu_s

    before, after = asyncio.run(main())
    assert after - before > 0.01  # summing three million numbers takes CPU; start-up is not counted
    assert before < 5.0


def _memory_mb(smaps_rollup: str) -> dict[str, int]:
    return {ln.split(":")[0]: int(ln.split()[1]) // 1024 for ln in smaps_rollup.splitlines()[1:]}


def test_the_stages_and_language_models_are_loaded_once_and_shared_by_every_worker(make):
    # each worker used to load its own copy (langdetect's profiles ~52 MB, py3langid's model ~74 MB:
    # ~175 MB private per worker); now the fork server loads them and every worker is a fork of it
    pool = make(2)

    async def main():
        smaps = await asyncio.gather(*[pool.run(Path.read_text, Path("/proc/self/smaps_rollup"))
                                       for _ in range(4)])
        # each worker names its own parent: reading /proc/<pid>/stat of the pool's workers raced a worker
        # the pool had just replaced (its process not started yet: pid None) on a loaded machine
        return smaps, await asyncio.gather(*[pool.run(os.getppid) for _ in range(4)])

    smaps, ppids = asyncio.run(main())
    for worker in map(_memory_mb, smaps):
        assert worker["Shared_Dirty"] >= 100, worker  # the preloaded stages, shared copy-on-write
        assert worker["Private_Dirty"] <= 50, worker
    assert len(set(ppids)) == 1 and os.getpid() not in ppids  # the fork server


def test_warm_up_compiles_every_languages_patterns():
    """The text stages' per-language rules are compiled by warm_up (in the fork server, once for every
    worker), not on a worker's first article in each language."""
    from pipelines import attribution, clean, line_model, patterns
    from pipelines.patterns import scope_key

    cached = (clean._rx, attribution._rx, line_model._ui_words)
    for fn in cached:
        fn.cache_clear()
    workers.warm_up()
    assert scope_key("cs") is None  # the warm-up's language without a pattern file
    for fn in cached:
        before = fn.cache_info()
        for lang in (*patterns.languages(), None, "sw", "und"):  # None: the all-files scope, sw/und read it
            fn(scope_key(lang))
            fn(lang)
        after = fn.cache_info()
        assert after.misses == before.misses, (fn.__qualname__, after)



def test_warm_up_builds_every_lazy_rule_and_table():
    """Every rule the text stages build lazily per scope (``patterns.per_scope``) and every table loaded once
    (``patterns.loaded_once``) is built by warm_up, not on the first page that reaches it: the warm-up text
    reaching some of them was not enough (the dateline patterns of a line with no separator, the byline and
    photo-label prefixes, the gazetteer's country names were built on the first such page in each language)."""
    from pipelines import attribution, clean, gazetteer, patterns
    from pipelines.patterns import scope_key

    named = (clean._unmarked_dateline_rxs, attribution._byline_prefix, attribution._bare_photo_label)
    assert all(fn in patterns._PER_SCOPE for fn in named)
    assert gazetteer._countries in patterns._LOADED_ONCE
    for fn in (*patterns._PER_SCOPE, *patterns._LOADED_ONCE):
        fn.cache_clear()
    workers.warm_up()
    for fn in patterns._LOADED_ONCE:
        before = fn.cache_info()
        fn()
        assert fn.cache_info().misses == before.misses, fn.__qualname__
    for fn in patterns._PER_SCOPE:
        before = fn.cache_info()
        for lang in (*patterns.languages(), None, "sw", "und"):
            fn(scope_key(lang))
            fn(lang)
        assert fn.cache_info().misses == before.misses, (fn.__qualname__, fn.cache_info())

def test_warm_up_builds_trafilaturas_justext_stoplist(monkeypatch):
    """trafilatura builds justext's stoplist of every language (~90 ms) on the first page whose extraction
    falls back to justext, and justext lower-cases it into a frozenset cached by the stoplist
    (``define_stoplist``, ~15 MB); warm_up builds both, so no worker's page pays them and the workers share
    the fork server's set (each worker built its own: issue 16, peak PSS)."""
    from justext.core import define_stoplist
    from trafilatura import external

    monkeypatch.setattr(external, "JT_STOPLIST", None)
    define_stoplist.cache_clear()
    workers.warm_up()
    assert external.JT_STOPLIST and "the" in external.JT_STOPLIST
    before = define_stoplist.cache_info()
    words = define_stoplist(external.JT_STOPLIST)  # what trafilatura's justext fallback asks for
    assert define_stoplist.cache_info().misses == before.misses
    assert "the" in words and len(words) > 10_000


def test_a_stage_call_costs_the_reactor_no_executor_round_trip(make, monkeypatch):
    """Each stage call's exchange with its worker (send the page, wait, read the answer) runs on one of
    the pool's io threads, which hands the answer to the event loop once (``call_soon_threadsafe``): the
    reactor thread runs no executor job per page and waits on no pipe (issue 16: ``run_in_executor``
    and its future chaining were ~9% of the reactor's samples).  An argument that cannot be sent is
    still the caller's error, and the worker serves the next page."""
    pool = make(1)
    executor_jobs: list[str] = []
    real = asyncio.BaseEventLoop.run_in_executor

    def counted(self, executor, fn, *args):
        executor_jobs.append(getattr(fn, "__name__", repr(fn)))
        return real(self, executor, fn, *args)

    monkeypatch.setattr(asyncio.BaseEventLoop, "run_in_executor", counted)

    async def main():
        lengths = [await pool.run(len, "x" * i) for i in range(20)]
        with pytest.raises(Exception, match="pickle"):
            await pool.run(len, lambda: None)  # a lambda does not pickle
        return lengths, await pool.run(len, "after")

    lengths, after = asyncio.run(main())
    assert lengths == list(range(20)) and after == 5
    assert executor_jobs == []  # was two a page (send, receive)


def test_stage_profile_writes_each_workers_page_loop(make, monkeypatch, tmp_path):
    """STAGE_PROFILE=dir: each worker's page loop (receiving, the stage, answering) is profiled and written
    there, readable by pstats, with the stage calls it served."""
    import pstats

    monkeypatch.setenv("STAGE_PROFILE", str(tmp_path))
    pool = make(1)

    async def main():
        for _ in range(3):
            await pool.run(sorted, [3, 1, 2])

    asyncio.run(main())
    pool.close()
    deadline = time.monotonic() + 20
    while not list(tmp_path.glob("worker-*.prof")) and time.monotonic() < deadline:
        time.sleep(0.1)
    (prof,) = tmp_path.glob("worker-*.prof")
    calls = {fn: v[1] for (_, _, fn), v in pstats.Stats(str(prof)).stats.items()}
    assert calls.get("<built-in method builtins.sorted>") == 3
    assert calls.get("recv", 0) >= 3  # the page's trip in is part of it
