"""Scrapy settings: polite defaults first, then newsarchive's own.

Every value here can be overridden per run (the CLI passes overrides) or per
source (sources.toml). Why each default differs from Scrapy's is noted.

Every NEWSARCHIVE_* default is stated here and only here: code that reads a
setting falls back to this module's value (`settings as defaults`), never to
a number of its own.
"""

from __future__ import annotations

from scrapy.settings import default_settings as _scrapy_defaults

BOT_NAME = "newsarchive"
# Empty: every run is handed its spider class (crawler/crawl/runner.py), so
# Scrapy has no module to import by name. Listing the spiders package made it
# import every spider, the Redis worker's scrapy_redis included, which a core
# install (no [redis] extra) does not have.
SPIDER_MODULES: list[str] = []

# --- Politeness ---------------------------------------------------------------
# An honest User-Agent that says who we are and where to complain.
NEWSARCHIVE_CONTACT = "https://github.com/newsarchive/newsarchive"
USER_AGENT = f"newsarchive/0.1 (+{NEWSARCHIVE_CONTACT})"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
# Archives must not depend on what a site shows a returning visitor.
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False

# --- Limits for a long-running archiver (Scrapy's defaults are for one-off scrapes)
DOWNLOAD_TIMEOUT = 30
# Scrapy allows 1 GiB; no news article is 20 MiB, and the limit also bounds
# decompression (gzip bombs).
DOWNLOAD_MAXSIZE = 20 * 1024 * 1024
DOWNLOAD_WARNSIZE = 5 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
REDIRECT_MAX_TIMES = 10
# Bytes of responses the scraper may hold before the engine stops taking new
# ones (Scrapy: 5 MB). Extraction's back-pressure parks pages here, and four
# jobs in the pool need only a few pages waiting: a smaller slot keeps fewer
# bodies (and their copies in flight to the WARC and the workers) alive.
SCRAPER_SLOT_MAX_ACTIVE_SIZE = 2_000_000
MEMUSAGE_ENABLED = True
MEMUSAGE_LIMIT_MB = 2048
MEMUSAGE_WARNING_MB = 1024
# Each crawl is its own process, so the DNS cache lives one crawl at most.
DNSCACHE_ENABLED = True
# The resolver that refuses private answers at connect time (DNS rebinding).
# Scrapy 2.19 renamed DNS_RESOLVER; setting the old name there would warn.
if hasattr(_scrapy_defaults, "TWISTED_DNS_RESOLVER"):
    TWISTED_DNS_RESOLVER = "newsarchive.crawler.crawl.downloader.netguard_resolver.DenyPrivateResolver"
else:  # pragma: no cover (Scrapy < 2.19)
    DNS_RESOLVER = "newsarchive.crawler.crawl.downloader.netguard_resolver.DenyPrivateResolver"

LOG_LEVEL = "WARNING"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"

# --- Components -----------------------------------------------------------------
DOWNLOADER_MIDDLEWARES = {
    # First in line (before RobotsTxtMiddleware at 100): a refused host gets
    # no request at all, not even for robots.txt. Redirect hops and robots.txt
    # requests re-enter the chain, so they are checked too. Always on; see
    # NEWSARCHIVE_ALLOW_PRIVATE_HOSTS.
    "newsarchive.crawler.crawl.downloader.netguard_middleware.DenyPrivateAddressesMiddleware": 50,
    # An on-demand capture's time limit starts here (NEWSARCHIVE_FETCH_DEADLINE),
    # before robots.txt: the robots.txt request inherits the page's deadline.
    "newsarchive.crawler.crawl.downloader.deadline.DeadlineStampMiddleware": 60,
    # robots.txt: ours in place of Scrapy's, which from 2.14 on lets every
    # request but the first that waited for a new host's robots.txt through
    # unchecked. Also refuses a host whose robots.txt answers 5xx (RFC 9309).
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "newsarchive.crawler.crawl.downloader.robots.RobotsTxtMiddleware": 100,
    # ... and is enforced here, after robots.txt so the wait for it counts,
    # before Scrapy's DownloadTimeoutMiddleware (350).
    "newsarchive.crawler.crawl.downloader.deadline.FetchDeadlineMiddleware": 120,
    # Closest to the network, so it records every exchange (redirects and
    # retried errors included) with the body exactly as it arrived.
    "newsarchive.crawler.crawl.downloader.middlewares.WarcRecorderMiddleware": 950,
    # Scrapy's retries, waiting as Retry-After asks (capped) on 429/503.
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "newsarchive.crawler.crawl.downloader.middlewares.RetryAfterMiddleware": 550,
    # Scrapy's meta-refresh redirects, without decoding pages that cannot have one.
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "newsarchive.crawler.crawl.downloader.middlewares.HeadMetaRefreshMiddleware": 580,
}
# Items processed at once per response. Every callback of ours yields at most
# one item (discovery callbacks yield requests), and Scrapy starts this many
# asyncio tasks for each response: its 100 cost about 2 ms of CPU a page.
CONCURRENT_ITEMS = 2
ITEM_PIPELINES = {
    "newsarchive.crawler.crawl.pipeline.archive_pipeline.ArchivePipeline": 300,
}
EXTENSIONS = {
    # The crawl run's heartbeat (how other hosts tell a live run from a dead one).
    "newsarchive.crawler.crawl.extensions.RunHeartbeat": 500,
}

# --- newsarchive ------------------------------------------------------------------
# Where the archive lives (None: NEWSARCHIVE_HOME / NEWSARCHIVE_DB / the default).
NEWSARCHIVE_HOME = None
NEWSARCHIVE_DB = None
# Extraction processes: 0 runs the extractor in the crawl process itself,
# N a pool of N; None: in-process for a capture or revisit of at most
# NEWSARCHIVE_EXTRACT_IN_PROCESS_MAX pages, else one worker per core (started
# and warmed with the first page that needs extracting).
NEWSARCHIVE_EXTRACT_WORKERS = None
NEWSARCHIVE_EXTRACT_IN_PROCESS_MAX = 8
# Database writes are committed in batches of at most this many fetches (one
# writer thread; a batch is whatever queued up during the last commit).
NEWSARCHIVE_DB_BATCH = 200
# WARC durability: "batch" fsyncs before each database commit that points at
# the records (a row never points at unsynced bytes); "record" after each record.
NEWSARCHIVE_WARC_SYNC = "batch"
# Lean WARC: a re-fetch whose payload is identical to an earlier capture of the URL is
# written as a revisit record (identical-payload-digest), not a second copy. False: every
# payload in full (newsarchive.storage.warc.store; bench/lean_warc.py compares the two).
NEWSARCHIVE_WARC_REVISITS = True
# Distributed workers (crawler/crawl/distributed/workers.py; on with `crawl --redis URL`):
# the prefix of the shared frontier's Redis keys, and how long a popped
# request stays leased to a worker before others may take it (renewed by a
# live worker every third of it).
NEWSARCHIVE_REDIS_PREFIX = "newsarchive"
NEWSARCHIVE_REDIS_LEASE = 300
# The source spider's article URLs out of the frontier at once: enough to keep
# 16 connections and the extraction pool busy while the database thread
# commits a batch, small enough not to matter in memory.
NEWSARCHIVE_FRONTIER_WINDOW = 128
# A URL robots.txt forbade is not asked again before this many seconds (one
# "skipped" capture records the refusal; sites rarely change robots.txt).
NEWSARCHIVE_ROBOTS_RECHECK = 7 * 24 * 3600
# Content types archived as articles; anything else is recorded as a failure.
NEWSARCHIVE_HTML_TYPES = ["text/html", "application/xhtml+xml"]
# The crawl run the captures belong to (set by the runner).
NEWSARCHIVE_CRAWL_RUN_ID = None
# Seconds between the crawl run's heartbeats (0: none). A run on another host
# silent for 10 minutes is taken for dead (newsarchive.storage.crawl_state.crawl_runs.SILENT_AFTER).
NEWSARCHIVE_HEARTBEAT = 60.0
# Every fetch refuses private, loopback, link-local and metadata addresses
# (every redirect hop, every resolved address). Private hosts and networks
# named here are allowed (an intranet source, a local test site): host names,
# addresses, networks like 10.0.0.0/8, or "*" for all. Metadata and
# link-local addresses stay refused whatever is named. The CLI's
# --allow-private-hosts (env NEWSARCHIVE_ALLOW_PRIVATE_HOSTS) sets it.
NEWSARCHIVE_ALLOW_PRIVATE_HOSTS: list[str] = []
# How the address guard looks host names up before a request is sent: a
# getaddrinfo-compatible callable by dotted path; "" is socket.getaddrinfo.
# Tests point it at their host table so that no test ever asks real DNS.
NEWSARCHIVE_ADDRESS_LOOKUP = ""
# Child sitemaps of a sitemap index, per source and run: how many levels
# below the sitemap the sources file names, and how many in all (the named
# ones not counted). Children on other hosts are never fetched.
# (newsarchive.crawler.crawl.discovery.sitemap_budget)
NEWSARCHIVE_SITEMAP_MAX_DEPTH = 2
NEWSARCHIVE_SITEMAP_MAX_DOCUMENTS = 50
# A host whose robots.txt answered 5xx is refused entirely (RFC 9309); its
# robots.txt is asked again after this many seconds.
NEWSARCHIVE_ROBOTS_RETRY = 600.0
# Seconds an on-demand request may take in all (robots.txt, retries and
# redirects included) before it is recorded as failed; 0: no limit. `capture`
# sets it from --timeout.
NEWSARCHIVE_FETCH_DEADLINE = 0.0
# Feeds and sitemaps are asked for conditionally, but read in full at least
# this often (seconds), so listed URLs whose fetch failed are tried again.
NEWSARCHIVE_DOCUMENT_REFRESH = 6 * 3600.0
# Retries of 429/503 wait Retry-After seconds, at most this long; without the
# header, NEWSARCHIVE_RETRY_BACKOFF * 2**(attempt-1) seconds.
NEWSARCHIVE_RETRY_MAX_WAIT = 120.0
NEWSARCHIVE_RETRY_BACKOFF = 1.0
# Per-source revisit schedules, {source: [[younger_than_s, every_s], ...]} (set by `crawl`/`revisit`).
NEWSARCHIVE_REVISIT_SCHEDULES: dict[str, list[list[float]]] = {}
