"""The item pipeline: page rules, extraction in a process pool, and the archive writer thread."""
