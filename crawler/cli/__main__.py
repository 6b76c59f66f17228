"""`python -m crawler.cli`: the same command as the `newsarchive` script."""

from crawler.cli import main

main(prog_name="newsarchive")
