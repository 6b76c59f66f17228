"""The crawl: sources, spiders, discovery, the downloader, the pipeline, distribution and scheduling."""
