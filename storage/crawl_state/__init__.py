"""Crawl bookkeeping in the archive: the frontier, crawl runs and the revisit schedule."""
