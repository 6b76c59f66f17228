"""Research over the archive: reads, search, diffs, changes and exports."""
