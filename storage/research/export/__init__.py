"""Exports: JSON lines, CSV, Parquet and WARC, each with a manifest."""
