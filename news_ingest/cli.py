"""The `news-ingest` command: one entry point for what users type.

Each subcommand is a thin wrapper over functions the pipeline and the tests also use.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from news_ingest import runner, search, warc
from news_ingest.settings import RolloverSettings
from news_ingest.store.client import StoreError, connect
from news_ingest.terminal import printable, printable_json


def cmd_setup(args: argparse.Namespace) -> int:
    store = connect()
    print(store.setup())
    return 0


def cmd_rollover(args: argparse.Namespace) -> int:
    """Roll the alias over when the write index is full (the project's ILM: run it from cron)."""
    limits = RolloverSettings.from_env()
    new = connect().rollover_if_needed(max_docs=args.max_docs or limits.max_docs,
                                       max_size=args.max_size or limits.max_size)
    print(f"rolled over to {new}" if new else "write index below the limits; nothing to do")
    return 0


def cmd_replay(args: argparse.Namespace) -> int:
    """Deliver what the outage spool holds (oldest first); exit 1 if some is still pending."""
    from news_ingest.store.indexer import IndexConfig, Indexer  # late: numpy (dedupe), not on every start

    config = IndexConfig.from_env()  # $NEWS_HOME/spool whatever the working directory
    indexer = Indexer(connect(), config)
    if args.dead_letters:
        sent, again = indexer.resend_dead_letters()
        indexer.close()
        print(f"re-sent {sent} dead-lettered document(s); {again} rejected again "
              f"(in {config.dead_letter_dir}; the re-sent files are kept under resent/)")
        return 1 if again else 0
    pending = indexer.spool.pending()
    if not pending:
        print(f"spool {config.spool_dir} is empty")
        return 0
    result = indexer.replay()
    indexer.close()
    indexer.store.refresh()
    st = indexer.stats
    print(f"{result} ({st['created']} new, {st['seen'] + st['duplicate']} already stored, "
          f"{st['revised'] + st['late']} revision(s), {st['dead_letter']} dead letter(s) in "
          f"{config.dead_letter_dir})")
    return 1 if result.pending_segments or result.busy else 0


def cmd_explain(args: argparse.Namespace) -> int:
    from news_ingest.explain import explain  # late: lxml and the page classifier, only for this command

    ex = explain(args.url, fetch=args.fetch)
    print(printable_json(ex.as_dict(), ensure_ascii=False, indent=2) if args.json else ex.text())
    failed = [n for n in ex.notes if n.startswith(("fetch failed", "fetch refused"))]
    if args.fetch and failed:
        print(f"error: {printable(failed[0])}: robots.txt and the page were not checked", file=sys.stderr)
        return 1
    return 0


class Parser(argparse.ArgumentParser):
    """Option errors as one line naming the fix (argparse prints the whole usage first)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"error: {self.prog}: {message}. Fix: see `{self.prog} --help`\n")


def build_parser() -> argparse.ArgumentParser:
    ap = Parser(prog="news-ingest", description="News crawling and ingestion.")
    sub = ap.add_subparsers(dest="command", required=True)
    sub.add_parser("setup", help="install the index template and alias (idempotent)").set_defaults(
        func=cmd_setup)
    p = sub.add_parser("replay", help="index documents spooled while the cluster was unreachable")
    p.add_argument("--dead-letters", action="store_true",
                   help="instead, send rejected documents again (after fixing the mapping or config)")
    p.set_defaults(func=cmd_replay)
    p = sub.add_parser("rollover", help="start a new write index when the current one is full")
    p.add_argument("--max-docs", type=int, help="default INDEX_ROLLOVER_MAX_DOCS")
    p.add_argument("--max-size", help="e.g. 20gb; default INDEX_ROLLOVER_MAX_SIZE")
    p.set_defaults(func=cmd_rollover)
    search.register(sub)  # search, stats
    runner.register(sub)  # ops: scheduled crawl runs
    warc.register(sub)  # ops: WARC ingest
    p = sub.add_parser("explain", help="how the crawler would treat a URL (source, rules, robots, article?)")
    p.add_argument("url")
    p.add_argument("--fetch", action="store_true",
                   help="also fetch robots.txt and the page (allowed hosts only)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_explain)
    return ap


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    try:
        code = args.func(args)
        sys.stdout.flush()
        return code
    except BrokenPipeError:  # `news-ingest stats | head`: the reader is gone; end quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # 128 + SIGPIPE, as a shell tool killed by the closed pipe
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:  # configuration errors (sources.yaml, env values), bad option values
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
