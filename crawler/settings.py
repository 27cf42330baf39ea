"""Scrapy settings for news-ingest.  Environment variables override the defaults below.

Politeness is per host and comes from config/sources.yaml (``delay``, ``concurrency``), raised by
robots.txt Crawl-delay (see crawler/middlewares.py and crawler/extensions.py).
"""

import os

from news_ingest.config import Ceilings, ConfigError, CrawlConfig, layered, load
from news_ingest.sources import SourceConfigError, file_settings, load_crawler_config, user_agent
from pipelines.crawl_config import CrawlerConfig

BOT_NAME = "news-ingest"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
COMMANDS_MODULE = "crawler.commands"  # `scrapy crawl` reports a bad configuration in one line

try:
    _CONFIG = load_crawler_config()
    _FILE = file_settings()  # the sources file's `settings:`: the config-file layer (news_ingest.config)
except SourceConfigError:  # the spider reports the config error properly when it starts
    _CONFIG, _FILE = CrawlerConfig(), {}
CONTACT_URL = _CONFIG.contact_url
USER_AGENT = user_agent(_CONFIG)  # news-ingest explain --fetch sends the same
ROBOTSTXT_OBEY = True
ROBOTSTXT_PARSER = "scrapy.robotstxt.ProtegoRobotParser"

# CrawlConfig (news_ingest.config): CRAWL_DELAY, CRAWL_DELAY_MAX, RETRY_AFTER_MAX, DNS_SERVERS, DNSCACHE_TTL,
# SCHEDULER_MEMORY_MAX and LOG_LEVEL.  Each component reads its value from the crawler's settings by the one
# rule (defaults < the sources file's `settings:` < `-s` < environment), so none has a value here (a value
# here would hide the sources file's) but LOG_LEVEL, which Scrapy reads itself: it is set below and set again
# by the crawl command once `-s` is known (crawler/commands/crawl.py).  Loaded here: a bad value stops the
# start.
_CRAWL = load(CrawlConfig, file=_FILE, env=os.environ)
AUTOTHROTTLE_ENABLED = True  # its start delay is CRAWL_DELAY (crawler/extensions.py PoliteAutoThrottle)
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2  # sources raise or lower it per host (`concurrency`)
# HTTP(S) with as many idle keep-alive connections per host as it may have open at once (Scrapy's own
# handler keeps CONCURRENT_REQUESTS_PER_DOMAIN: a source above it reconnected for most pages)
DOWNLOAD_HANDLERS = {"http": "crawler.handlers.KeepAliveHTTP11DownloadHandler",
                     "https": "crawler.handlers.KeepAliveHTTP11DownloadHandler"}

# Hard ceilings no source can exceed (news_ingest.config.Ceilings; NEWS_MAX_PAGE_BYTES [8 MB],
# NEWS_MAX_DECOMPRESSED_BYTES [32 MB], NEWS_MAX_REDIRECTS [5], NEWS_MAX_URL_LENGTH [4096]; the sources
# file's `settings:` < the environment).  Each source sets lower per-request limits (max_page_bytes,
# default 4 MB; max_redirects); the safety middleware clamps every request to these.
try:
    CEILINGS = load(Ceilings, file=_FILE, env=os.environ)
except ConfigError:  # reported properly when the spider loads its sources
    CEILINGS = Ceilings()
DOWNLOAD_MAXSIZE = CEILINGS.page_bytes  # also the limit after HTTP decompression
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
DOWNLOAD_TIMEOUT = 30
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
REDIRECT_MAX_TIMES = CEILINGS.redirects
METAREFRESH_ENABLED = True
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
# The address policy sits in the DNS resolver: the answer checked is the answer connected to
# (crawler/resolver.py).  DNS_SERVERS = "ip[:port],..." asks those servers instead of the system
# resolver (tests point it at their own server on loopback); answers are cached DNSCACHE_TTL seconds
# (both CrawlConfig, read by the resolver).
TWISTED_DNS_RESOLVER = "crawler.resolver.PolicyResolver"
# Through an HTTP proxy the proxy resolves the names and the policy would only see the proxy's address:
# http(s)_proxy from the environment is not used.
HTTPPROXY_ENABLED = False
DNS_TIMEOUT = 10
DNSCACHE_ENABLED = True
LOG_LEVEL = _CRAWL.log_level
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"
# Depth is the spider's own follow_depth per source; Scrapy's global limit is only a backstop, raised by
# the spider when a source's follow_depth, article parts and redirects need more (or refused when set
# lower on the command line).
DEPTH_LIMIT = 10
DEPTH_PRIORITY = 0
# JOBDIR (pause/resume): scrapy crawl news -a source=X -s JOBDIR=var/jobs/X.  Disk queues must pickle.
SCHEDULER_DISK_QUEUE = "scrapy.squeues.PickleFifoDiskQueue"
SCHEDULER_MEMORY_QUEUE = "scrapy.squeues.FifoMemoryQueue"
# Without JOBDIR the queue holds SCHEDULER_MEMORY_MAX requests in memory and spills the rest to a private
# disk queue (crawler/scheduler.py), so memory does not grow with discovery (CrawlConfig, default 10,000).
SCHEDULER = "crawler.scheduler.SpillingScheduler"

DOWNLOADER_MIDDLEWARES = {
    # before robots.txt (100): a refused host is never contacted, not even for its robots.txt
    "crawler.middlewares.SafetyMiddleware": 60,
    # 429/503: Retry-After (seconds or HTTP date, at most RETRY_AFTER_MAX) and a per-host backoff
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.retry.RetryAfterMiddleware": 550,
}
# A Retry-After is waited at most RETRY_AFTER_MAX; robots.txt Crawl-delay is honoured up to CRAWL_DELAY_MAX
# seconds, above it the host is crawled at this pace and the crawl summary warns
# (`warnings: {crawl_delay_capped: 1}`).  Both CrawlConfig.
# one slow host (a long Crawl-delay, a backoff) must not fill the downloader and stall every other source:
# the scheduler hands out requests of the hosts with the fewest in flight first
SCHEDULER_PRIORITY_QUEUE = "scrapy.pqueues.DownloaderAwarePriorityQueue"
EXTENSIONS = {
    "scrapy.extensions.throttle.AutoThrottle": None,
    "crawler.extensions.PoliteAutoThrottle": 0,
    "crawler.shutdown.ShutdownDrain": 100,  # SIGTERM stops within seconds, even behind long delays
    "crawler.extensions.CrawlSummary": 500,
    "crawler.extensions.ResponseCountBound": 510,  # at most ~300 responses wait for a stage worker
}
# The CPU-bound stages (extract, clean/language/attribution, fingerprints) run in stage worker processes
# so the reactor thread keeps downloading and indexing (crawler/workers.py).  STAGE_WORKERS (default one
# per core, at most 4; 0 = inline; ~150 MB each), STAGE_TIMEOUT (30 s a page may take in one stage),
# STAGE_KILL_GRACE (5 s more before the worker is killed) and STAGE_WORKER_MAX_PAGES (1000 stage calls
# before a worker is replaced) are news_ingest.config.StageConfig: no value here, so that the sources
# file's `settings:` < `-s` < the environment applies (a value here would hide the sources file's).
# Bytes of responses whose callbacks/items are still in progress before the engine stops fetching
# (Scrapy's default 5 MB). Items now wait for a stage worker, and news pages of 0.3-2 MB filled 5 MB with
# a handful of pages, so fetching stalled while workers idled: 20 MB measured 11% faster on 2,000 pages.
SCRAPER_SLOT_MAX_ACTIVE_SIZE = 20_000_000
# ... and each response counts as at least 64 KB there (Scrapy: 1 KB), so small pages cannot pile up by the
# thousand under those 20 MB waiting for a worker (crawler.extensions.ResponseCountBound; memory, issue 16)
SCRAPER_SLOT_MIN_RESPONSE_SIZE = 65536
# Scrapy starts CONCURRENT_ITEMS asyncio tasks for every response's output (default 100), whatever it
# yields: an article page yields one item and a few links, so 100 tasks a page were a tenth of the
# reactor's CPU.  Items of different responses still run side by side.
CONCURRENT_ITEMS = 8
ITEM_PIPELINES = {
    "crawler.pipelines.ProcessPipeline": 100,  # the stage chain: extract, clean/language/attribution, dedupe
    "crawler.pipelines.IndexPipeline": 900,
}

# --- shared Redis frontier + WARC archive (crawler/frontier/, crawler/warc.py): on when REDIS_URL / WARC_DIR
# is set in the environment or the sources file's `settings:`; their other settings are read by the
# components themselves (news_ingest.config FrontierConfig, WarcConfig), so `-s` works for them too
if layered(_FILE, os.environ).get("REDIS_URL"):
    from crawler.frontier import apply_settings as _frontier  # only when enabled: redis client

    _frontier(globals())
if layered(_FILE, os.environ).get("WARC_DIR"):
    from crawler.warc import apply_settings as _warc  # only when enabled: warcio

    _warc(globals())
# --- end frontier/WARC block ---
