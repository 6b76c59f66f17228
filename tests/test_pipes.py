"""Every command stops quietly (status 141, no error) when its reader goes away (`| head`)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from newsarchive.storage.config import ArchiveConfig
from tests.helpers import capture, cli_argv
from tests.site import NewsSite

EXIT_BROKEN_PIPE = 141


@pytest.fixture(scope="module")
def archived(tmp_path_factory: pytest.TempPathFactory) -> tuple[ArchiveConfig, str]:
    tmp = tmp_path_factory.mktemp("pipes")
    config = ArchiveConfig(home=tmp / "home", db_url=f"sqlite:///{tmp / 'archive.db'}")
    with NewsSite() as site:
        url = site.articles[0].url
        done = capture(config, url, site.articles[1].url)
        assert done.returncode == 0, done.stderr
        site.edit_headline(site.articles[0].slug, "A headline edited for the changes feed")
        edited = capture(config, url)  # a second version, so `changes` has a line to print
    assert edited.returncode == 0 and "new version" in edited.stdout, edited.stderr
    return config, url


def _into_closed_pipe(config: ArchiveConfig, *args: str) -> subprocess.CompletedProcess[str]:
    child = subprocess.Popen(
        cli_argv(config, *args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    child.stdout.close()  # the reader is gone before the first line: every write fails with EPIPE
    _, err = child.communicate(timeout=60)
    return subprocess.CompletedProcess(args, child.returncode, "", err)


@pytest.mark.parametrize(
    "args",
    [
        ("show", "{url}"),
        ("show", "{url}", "--json"),
        ("history", "{url}"),
        ("changes",),
        ("changes", "--json"),
        ("diff", "{url}", "--from", "1", "--to", "2"),
        ("search", "the"),
        ("search", "the", "--json"),
        ("db", "info"),
        ("sources", "list", "--json"),
    ],
    ids=" ".join,
)
def test_a_closed_pipe_ends_the_command_quietly(
    archived: tuple[ArchiveConfig, str], args: tuple[str, ...]
) -> None:
    config, url = archived
    result = _into_closed_pipe(config, *(a.format(url=url) for a in args))
    assert result.returncode == EXIT_BROKEN_PIPE, result.stderr[-2000:]
    # stderr keeps what the command says there anyway ("2 matches"), and nothing about the pipe.
    for noise in ("Error", "Traceback", "Broken pipe", "BrokenPipe", "Exception ignored"):
        assert noise not in result.stderr, result.stderr[-2000:]


def test_the_archive_is_intact_after(archived: tuple[ArchiveConfig, str], tmp_path: Path) -> None:
    config, url = archived
    shown = subprocess.run(
        cli_argv(config, "show", url),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert shown.returncode == 0 and url in shown.stdout
