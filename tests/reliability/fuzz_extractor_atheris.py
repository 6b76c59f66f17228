"""By hand, not in CI: coverage-guided fuzzing of the extractor with atheris (`pip install atheris`).

    python -m tests.reliability.fuzz_extractor_atheris -atheris_runs=20000 [corpus_dir ...]

Any exception escaping `extract_article`, or one document taking longer than
BOUND_SECONDS, stops the run with the input saved as crash-<sha1> (libFuzzer's
convention), to be replayed by passing that file instead of a corpus directory.
The hypothesis suite (test_extractor_fuzz.py) is the CI counterpart.
"""

from __future__ import annotations

import signal
import sys
from types import FrameType

import atheris

with atheris.instrument_imports(include=["newsarchive.crawler.extract"]):
    from newsarchive.crawler.extract import extract_article

BOUND_SECONDS = 10


def _over_time(_signum: int, _frame: FrameType | None) -> None:
    raise TimeoutError(f"extraction took longer than {BOUND_SECONDS} s")


def one_input(data: bytes) -> None:
    signal.alarm(BOUND_SECONDS)  # interrupts Python code; lxml's C loops finish their call first
    try:
        extract_article(data, "https://news.example/story.html")
    finally:
        signal.alarm(0)


def main() -> None:
    signal.signal(signal.SIGALRM, _over_time)
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
