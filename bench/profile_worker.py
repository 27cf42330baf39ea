"""The stage worker's CPU per page, in one process: ``read_page`` (what a worker runs for an article page:
decode, parse, classify, links, every stage) beside bare ``trafilatura.extract`` on the same pages.

    python -m bench.profile_worker [--pages 200] [--rounds 3] [--profile] [--top 30] [--corpus DIR ...]

The pages are ``bench/sitegen.py``'s replicas of the benchmark corpus (as ``make bench`` serves them),
read with the bench site's source (``sitegen.sources_yaml``) and the task the spider builds for a first
article part.  Each round times the worker chain, ``page_links`` alone (on trees parsed beforehand) and
``trafilatura.extract``, in alternating order, each over every page; the link cache is emptied before each
round (a crawl reads a page once).  Printed: ms/page of process CPU per round and the median.
``--profile``: one more pass of the worker chain under cProfile, its top functions by own and by
cumulative time.  No network, no node.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
from bench.shared_data import shared_dir  # noqa: E402

BASE = "http://127.0.0.1:8000"
DEFAULT_CORPUS = [shared_dir() / "bench" / "news", shared_dir() / "bench" / "extraction" / "aeb" / "html"]


def bench_source() -> Any:
    """The bench site's source, loaded as the crawl loads it."""
    from bench.sitegen import sources_yaml
    from news_ingest.sources import load_sources

    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
        f.write(sources_yaml(BASE))
    try:
        return next(iter(load_sources(Path(f.name)).values()))
    finally:
        Path(f.name).unlink()


def pages(n: int, corpus: list[str]) -> list[tuple[str, bytes]]:
    """(url, body) of the first ``n`` replicas, as the bench site serves them."""
    from bench.sitegen import Site, article_path, load_corpus

    site = Site(n, load_corpus(corpus))
    site.base = BASE
    return [(f"{BASE}{article_path(i)}", site.article(i)) for i in range(n)]


def task_for(src: Any, url: str) -> Any:
    """The task the spider builds for a first article part (``crawler/spiders/news_articles.py``)."""
    from pipelines.hints import Hints, Owner
    from pipelines.page_reading import PageTask, norm

    rule = src.url_rule(norm(url) or url)[0]
    hints = Hints(source=src.name, language_hint=src.language, country=src.country, discovered_via="sitemap",
                  url_rule=rule, article_pages=src.article_pages, owner=Owner(src.domains, src.ports),
                  fetched_at="2026-12-03T00:00:00+00:00")
    return PageTask(url, "text/html; charset=utf-8", "article", part=1, identity=url, article_url=url,
                    url_rule=rule, article_pages=src.article_pages,
                    walk_parts=src.multipage.max_pages > 1, follow=True, hints=hints, run_chain=True)


def clear_link_cache() -> None:
    """Empty page_reading's per-process link memory (whatever its shape)."""
    from pipelines import page_reading

    for value in vars(page_reading).values():
        if callable(getattr(value, "cache_clear", None)):
            value.cache_clear()


def cpu_ms(fn: Callable[[], Any], n: int) -> float:
    t0 = time.process_time()
    fn()
    return 1000 * (time.process_time() - t0) / n


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--profile", action="store_true", help="one more worker pass under cProfile")
    ap.add_argument("--top", type=int, default=30)
    ap.add_argument("--corpus", nargs="*", default=[str(p) for p in DEFAULT_CORPUS])
    args = ap.parse_args(argv)

    import trafilatura

    from crawler.workers import warm_up
    from pipelines.extract_html import Rejected, parse
    from pipelines.page_reading import page_links, read_page

    warm_up()
    src = bench_source()
    site = pages(args.pages, args.corpus)
    tasks = [task_for(src, url) for url, _ in site]
    trees = []
    for url, body in site:
        with contextlib.suppress(Rejected):
            trees.append((url, parse(body.decode("utf-8", "replace")).tree))
    texts = [(url, body.decode("utf-8", "replace")) for url, body in site]
    n = len(site)

    def worker() -> None:
        for (_, body), task in zip(site, tasks, strict=True):
            read_page(body, task, src)

    def links() -> None:
        for url, tree in trees:
            page_links(tree, url, src)

    def bare() -> None:
        for url, text in texts:
            trafilatura.extract(text, url=url)

    legs = {"worker read_page": (worker, n), "page_links alone": (links, len(trees)),
            "trafilatura.extract": (bare, n)}
    got: dict[str, list[float]] = {k: [] for k in legs}
    for r in range(args.rounds):
        order = list(legs) if r % 2 == 0 else list(reversed(legs))
        for name in order:
            clear_link_cache()
            fn, count = legs[name]
            got[name].append(cpu_ms(fn, count))
        print(f"round {r + 1}: " + ", ".join(f"{k} {got[k][-1]:.2f}" for k in legs), flush=True)
    print(f"\n{n} pages, {args.rounds} rounds, process CPU ms/page (median; min-max):")
    for k, v in got.items():
        print(f"  {k:22s} {statistics.median(v):7.2f}  ({min(v):.2f}-{max(v):.2f})")
    w, t = statistics.median(got["worker read_page"]), statistics.median(got["trafilatura.extract"])
    print(f"  worker / trafilatura   {w / t:7.2f}")
    if args.profile:
        clear_link_cache()
        prof = cProfile.Profile()
        prof.runcall(worker)
        for key in ("tottime", "cumulative"):
            print(f"\n--- worker read_page, top {args.top} by {key}")
            pstats.Stats(prof).sort_stats(key).print_stats(args.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
