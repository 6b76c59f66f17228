"""The dependency rules of docs/contributing.md, checked on the source itself.

Every module under crawler/ and storage/ is parsed (never imported) and every
import statement in it is read: top level, inside functions, under
TYPE_CHECKING alike, since a lazy or type-only import is still a dependency
someone will one day make eager. A violation names the file, the line and
the import.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOPS = ("crawler", "storage")


@dataclass(frozen=True)
class Import:
    path: Path  # the importing file, relative to the repository
    line: int
    module: str  # the importing module, e.g. newsarchive.storage.write.service
    target: str  # the imported module (or module.name for `from m import name`)

    def __str__(self) -> str:
        return f"{self.path}:{self.line} imports {self.target}"


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(["newsarchive", *parts])


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    # `from . import x` in a package's __init__ is relative to the package itself.
    drop = node.level - 1 if is_package else node.level
    anchor = base[: len(base) - drop]
    return ".".join(anchor + ([node.module] if node.module else []))


def imports_of(path: Path, root: Path = ROOT) -> Iterator[Import]:
    module = module_name(path, root)
    relative = path.relative_to(root)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(relative, node.lineno, module, alias.name)
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(module, path.name == "__init__.py", node)
            for alias in node.names:
                # `from pkg import sub` imports the module pkg.sub when there is
                # one; otherwise a name of pkg. Both are kept: the target that is
                # a module wins when the graph is built.
                yield Import(relative, node.lineno, module, f"{base}.{alias.name}" if base else alias.name)


def all_imports(tops: tuple[str, ...] = TOPS, root: Path = ROOT) -> list[Import]:
    found = []
    for top in tops:
        for path in sorted((root / top).rglob("*.py")):
            found.extend(imports_of(path, root))
    return found


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def _from_import_base(target: str) -> str:
    return target.rsplit(".", 1)[0]


def _imports(target: str, prefix: str) -> bool:
    """Whether an import of `target` reaches the module or package `prefix`."""
    return _within(target, prefix) or _within(_from_import_base(target), prefix)


# (who, what they must not import, why): `who` and `what` are module prefixes.
FORBIDDEN = [
    ("newsarchive.storage", "newsarchive.crawler", "storage never imports the crawler"),
    ("newsarchive.storage", "scrapy", "storage never imports Scrapy"),
    ("newsarchive.storage", "scrapy_redis", "storage never imports Scrapy"),
    ("newsarchive.crawler.extract", "scrapy", "extraction never imports Scrapy"),
    ("newsarchive.crawler.extract", "scrapy_redis", "extraction never imports Scrapy"),
    ("newsarchive.crawler.extract", "newsarchive.storage", "extraction never imports storage"),
    ("newsarchive.crawler.crawl", "newsarchive.crawler.web", "the crawl never imports the web app"),
    ("newsarchive.crawler.crawl", "newsarchive.crawler.cli", "the crawl never imports the CLI"),
]
# Front doors: only their own modules import them; but `newsarchive serve`
# (the CLI) starts the web app, so the CLI may import web.
FRONT_DOORS = ("newsarchive.crawler.cli", "newsarchive.crawler.web")
ALLOWED = [("newsarchive.crawler.cli.serve_command", "newsarchive.crawler.web")]


def violations(imports: list[Import]) -> list[str]:
    found = []
    for imp in imports:
        for who, what, why in FORBIDDEN:
            if _within(imp.module, who) and _imports(imp.target, what):
                found.append(f"{imp}: {why}")
        for door in FRONT_DOORS:
            allowed = any(imp.module == who and door == what for who, what in ALLOWED)
            if not _within(imp.module, door) and _imports(imp.target, door) and not allowed:
                found.append(f"{imp}: nothing outside {door} imports it")
    return found


# The folders whose imports must form no cycle: the crawler's stages and front
# doors, storage's subfolders; a module directly in crawler/ or storage/ is a
# unit of its own.
def unit_of(module: str) -> str | None:
    parts = module.split(".")
    if len(parts) < 2 or parts[0] != "newsarchive" or parts[1] not in TOPS:
        return None
    return ".".join(parts[:3])


def _module_targets(imp: Import, modules: set[str]) -> str | None:
    """The project module an import loads (the submodule for `from pkg import sub`), if any."""
    if imp.target in modules:
        return imp.target
    base = _from_import_base(imp.target)
    return base if base in modules else None


def graph(imports: list[Import], key: object) -> dict[str, dict[str, Import]]:
    """unit -> {imported unit: the first import that makes the edge}."""
    modules = {imp.module for imp in imports}
    edges: dict[str, dict[str, Import]] = {}
    for imp in imports:
        target = _module_targets(imp, modules)
        if target is None:
            continue
        a, b = key(imp.module), key(target)  # type: ignore[operator]
        if a is None or b is None or a == b:
            continue
        edges.setdefault(a, {}).setdefault(b, imp)
    return edges


def cycles(edges: dict[str, dict[str, Import]]) -> list[list[Import]]:
    """One cycle per group of units that reach each other, as the imports that close it."""
    found: list[list[Import]] = []
    done: set[str] = set()
    for start in sorted(edges):
        if start in done:
            continue
        # Breadth-first from `start`: the shortest way back to it, if any.
        paths: dict[str, list[tuple[str, Import]]] = {start: []}
        queue = [start]
        while queue and start not in done:
            node = queue.pop(0)
            for nxt, imp in sorted(edges.get(node, {}).items()):
                if nxt == start:
                    cycle = [*paths[node], (nxt, imp)]
                    found.append([i for _, i in cycle])
                    done.update(unit for unit, _ in cycle)
                    break
                if nxt not in paths:
                    paths[nxt] = [*paths[node], (nxt, imp)]
                    queue.append(nxt)
        done.add(start)
    return found


def describe(cycle: list[Import]) -> str:
    return "import cycle:\n    " + "\n    ".join(str(imp) for imp in cycle)


@pytest.fixture(scope="module")
def project_imports() -> list[Import]:
    return all_imports()


def test_the_dependency_rules_hold(project_imports: list[Import]) -> None:
    found = violations(project_imports)
    assert not found, "dependency rule broken (docs/contributing.md):\n" + "\n".join(found)


def test_no_import_cycle_between_folders(project_imports: list[Import]) -> None:
    found = cycles(graph(project_imports, unit_of))
    assert not found, "\n".join(describe(c) for c in found)


def test_no_import_cycle_between_modules(project_imports: list[Import]) -> None:
    found = cycles(graph(project_imports, lambda module: module))
    assert not found, "\n".join(describe(c) for c in found)


# The checker itself, on a small tree: it must catch what it claims to.
def _tree(tmp_path: Path, files: dict[str, str]) -> list[Import]:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return all_imports(root=tmp_path)


def test_the_checker_names_file_line_and_import(tmp_path: Path) -> None:
    imports = _tree(
        tmp_path,
        {
            "storage/__init__.py": "",
            "storage/write/__init__.py": "",
            "storage/write/service.py": "import os\n\ndef f():\n    from newsarchive.crawler.crawl import items\n",
            "crawler/__init__.py": "",
            "crawler/extract/__init__.py": "",
            "crawler/extract/core.py": "from scrapy.http import Response\n",
            "crawler/crawl/__init__.py": "",
            "crawler/crawl/x.py": "from ..web import app\n",
            "crawler/web/__init__.py": "",
            "crawler/web/app.py": "",
        },
    )
    found = violations(imports)
    assert (
        "storage/write/service.py:4 imports newsarchive.crawler.crawl.items: storage never imports the crawler"
        in found
    )
    assert "crawler/extract/core.py:1 imports scrapy.http.Response: extraction never imports Scrapy" in found
    assert (
        "crawler/crawl/x.py:1 imports newsarchive.crawler.web.app: the crawl never imports the web app"
        in found
    )
    assert len(found) == 4  # and x.py's import of web from outside web


def test_the_checker_finds_a_cycle_through_a_lazy_import(tmp_path: Path) -> None:
    imports = _tree(
        tmp_path,
        {
            "storage/__init__.py": "",
            "storage/research/__init__.py": "",
            "storage/research/a.py": "from newsarchive.storage.write.b import x\n",
            "storage/write/__init__.py": "",
            "storage/write/b.py": "def f():\n    from newsarchive.storage.research import a\n",
        },
    )
    [cycle] = cycles(graph(imports, unit_of))
    assert {str(imp) for imp in cycle} == {
        "storage/research/a.py:1 imports newsarchive.storage.write.b.x",
        "storage/write/b.py:2 imports newsarchive.storage.research.a",
    }
    assert cycles(graph([i for i in imports if i.line != 2], unit_of)) == []
