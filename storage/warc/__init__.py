"""WARC: writing raw captures, checking and repairing files, the record compressor."""
