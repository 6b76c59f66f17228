"""The researchers' HTTP side: a JSON API and server-rendered pages over the archive.

Kept free of FastAPI imports so `newsarchive.crawler.crawl.downloader.netguard` stays usable from the
crawl process (the Scrapy middleware) without the `api` extra installed.
"""
