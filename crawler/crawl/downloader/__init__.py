"""Downloader middlewares: WARC recording, retries, meta refresh, and the private-address guard."""
