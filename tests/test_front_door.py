"""The README stays true: every command it shows exists, the example sources file is valid."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from newsarchive.crawler.cli import main

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _readme_commands() -> list[list[str]]:
    """The `newsarchive …` lines of the README's shell blocks, as argument lists."""
    commands = []
    for block in re.findall(r"```(?:bash|sh)\n(.*?)```", README, flags=re.DOTALL):
        for line in block.splitlines():
            line = line.split("#", 1)[0].strip()
            for part in line.split("&&"):
                words = shlex.split(part)
                if words and words[0] == "newsarchive":
                    commands.append(words[1:])
    return commands


def _resolve(words: list[str]) -> click.Command:
    command: click.Command = main
    for word in words:
        if word.startswith("-") or not isinstance(command, click.Group):
            break
        sub = command.get_command(click.Context(command), word)
        if sub is None:
            break
        command = sub
    return command


def test_readme_shows_commands() -> None:
    assert len(_readme_commands()) >= 10


@pytest.mark.parametrize("words", _readme_commands(), ids=lambda w: " ".join(w)[:60])
def test_every_readme_command_exists_and_takes_its_options(words: list[str]) -> None:
    command = _resolve(words)
    assert command is not main, f"README shows an unknown command: newsarchive {' '.join(words)}"
    known = {opt for param in command.params for opt in getattr(param, "opts", [])}
    for word in words:
        if word.startswith("--"):
            assert word.split("=", 1)[0] in known, f"{word} is not an option of {command.name}"


def test_example_sources_file_is_valid(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["--home", str(tmp_path), "sources", "check", "--sources", str(ROOT / "docs/sources.example.toml")],
    )
    assert result.exit_code == 0, result.output
    assert "all valid" in result.output
