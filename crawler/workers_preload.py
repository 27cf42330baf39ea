"""Imported by the stage workers' fork server (``crawler.workers.worker_context``) before it forks
any worker: the stage modules, their pattern data and both language models are loaded here once and
frozen out of the garbage collector (``gc.freeze``: a collection in a worker then does not write to
these objects' headers, which would copy their pages).  Every worker forked afterwards shares these
pages copy-on-write.  No Scrapy here; a failure is printed and the workers warm up on their own.
"""

from __future__ import annotations

import gc
import sys
import traceback

try:
    from crawler.workers import warm_up

    warm_up()
except Exception:  # noqa: BLE001 - the fork server ignores a failed preload; say why, workers still start
    print("news-ingest: stage preload in the fork server failed; each worker loads the stages itself:\n"
          + traceback.format_exc(), file=sys.stderr)
gc.freeze()
