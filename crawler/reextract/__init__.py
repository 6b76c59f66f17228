"""`newsarchive reextract`: the archive's raw captures read again by the current extractor."""
