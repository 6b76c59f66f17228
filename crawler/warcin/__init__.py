"""WARC in: importing web archives (WARC, ARC) through the crawl's extract, dedup and version path."""
