"""Scrapy settings: polite defaults first, then newsarchive's own.

Every value here can be overridden per run (the CLI passes overrides) or per
source (sources.toml). Why each default differs from Scrapy's is noted.
"""

from __future__ import annotations

BOT_NAME = "newsarchive"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

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
MEMUSAGE_ENABLED = True
MEMUSAGE_LIMIT_MB = 2048
MEMUSAGE_WARNING_MB = 1024
# Each crawl is its own process, so the DNS cache lives one crawl at most.
DNSCACHE_ENABLED = True

LOG_LEVEL = "WARNING"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"

# --- Components -----------------------------------------------------------------
DOWNLOADER_MIDDLEWARES = {
    # First in line (before RobotsTxtMiddleware at 100): a refused host gets
    # no request at all, not even for robots.txt. Redirect hops and robots.txt
    # requests re-enter the chain, so they are checked too. Off unless
    # NEWSARCHIVE_DENY_PRIVATE (HTTP-triggered captures).
    "crawler.netguard_middleware.DenyPrivateAddressesMiddleware": 50,
    # Closest to the network, so it records every exchange (redirects and
    # retried errors included) with the body exactly as it arrived.
    "crawler.middlewares.WarcRecorderMiddleware": 950,
}
ITEM_PIPELINES = {
    "crawler.pipelines.ArchivePipeline": 300,
}

# --- newsarchive ------------------------------------------------------------------
# Where the archive lives (None: NEWSARCHIVE_HOME / NEWSARCHIVE_DB / the default).
NEWSARCHIVE_HOME = None
NEWSARCHIVE_DB = None
# Extraction processes: 0 runs the extractor in the crawl process itself
# (fine for a handful of captures); None means one per core.
NEWSARCHIVE_EXTRACT_WORKERS = 0
# Content types archived as articles; anything else is recorded as a failure.
NEWSARCHIVE_HTML_TYPES = ["text/html", "application/xhtml+xml"]
# How the current run is recorded (set by the runner).
NEWSARCHIVE_VIA = "capture"
NEWSARCHIVE_CRAWL_RUN_ID = None
# Refuse private, loopback, link-local and metadata addresses (every redirect
# hop too): set by the HTTP API for captures it starts on a user's behalf.
NEWSARCHIVE_DENY_PRIVATE = False
