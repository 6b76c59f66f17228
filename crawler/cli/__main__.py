"""`python -m newsarchive.crawler.cli`: the `newsarchive` command without the console script."""

from newsarchive.crawler.cli import main

main(prog_name="newsarchive")
