"""`python -m crawler.cli`: the `newsarchive` command without the console script."""

from crawler.cli import main

main(prog_name="newsarchive")
