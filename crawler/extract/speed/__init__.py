"""Speed-ups for trafilatura that leave its output unchanged (compiled selectors, skipped comparison)."""
