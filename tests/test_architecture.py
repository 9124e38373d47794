"""The import rule of docs/ARCHITECTURE.md, read from the source (every import statement,
those inside functions and under TYPE_CHECKING included), so an upward import fails here
rather than in a reviewer's head."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("crawler", "scheduler", "spiders")
CRAWL_LIBRARIES = ("scrapy", "scrapy_playwright", "twisted", "playwright")
# the pure core: normalise, consolidate, aggregate, store and what they stand on
CORE = ("crawler.vocabulary", "crawler.records", "crawler.normalise", "crawler.consolidate",
        "crawler.aggregate", "crawler.store", "crawler.protection", "crawler.ptable",
        "crawler.record_keys", "crawler.keys", "crawler.unionfind", "crawler.listing",
        "crawler.health", "crawler.snapshot")


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (REPO / package).rglob("*.py"):
            parts = path.relative_to(REPO).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports(name: str, path: Path) -> Iterator[str]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


GRAPH = {name: set(imports(name, path)) for name, path in modules().items()}


def under(name: str, *prefixes: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def offending(importers: tuple[str, ...], forbidden: tuple[str, ...],
              allowed: tuple[str, ...] = ()) -> list[str]:
    return sorted(f"{name} imports {target}" for name, targets in GRAPH.items()
                  if under(name, *importers) and not under(name, *allowed)
                  for target in targets if under(target, *forbidden))


def test_the_core_imports_no_crawling_no_scheduler_and_no_command() -> None:
    assert offending(CORE, (*CRAWL_LIBRARIES, "spiders", "scheduler", "crawler.commands",
                            "crawler.cli")) == []


def test_the_library_imports_nothing_above_it() -> None:
    # the library is crawler/ without the command line; spiders/ and scheduler/ use it
    assert offending(("crawler",), ("spiders", "scheduler", "crawler.commands", "crawler.cli",
                                    "scrapy", "scrapy_playwright", "twisted"),
                     allowed=("crawler.commands", "crawler.cli")) == []


def test_spiders_never_import_the_scheduler_or_a_command() -> None:
    assert offending(("spiders",), ("scheduler", "crawler.commands", "crawler.cli")) == []


def test_a_command_imports_no_other_command() -> None:
    """Shared argument helpers live in the package (crawler/commands/__init__.py), the
    work a command calls in the library."""
    commands = {n for n in GRAPH if n.startswith("crawler.commands.")}
    assert sorted(f"{name} imports {target}" for name in commands for target in GRAPH[name]
                  for other in commands if other != name and under(target, other)) == []


@pytest.mark.parametrize("package", ["crawler.demo_market", "crawler", "scheduler", "spiders"])
def test_no_import_circle(package: str) -> None:
    """Within a package, module imports form no circle (type-only imports count too)."""
    inside = {n for n in GRAPH if under(n, package)}
    edges = {n: {t if t in inside else t.rpartition(".")[0] for t in GRAPH[n]} & inside - {n}
             for n in inside}
    # a package's __init__ re-exporting its modules is not a circle through them
    edges = {n: {t for t in ts if not under(n, t)} for n, ts in edges.items()}
    state: dict[str, int] = {}
    circle: list[str] = []

    def visit(node: str, path: list[str]) -> bool:
        state[node] = 1
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                circle.extend([*path[path.index(nxt):], nxt] if nxt in path else [node, nxt])
                return True
            if nxt not in state and visit(nxt, [*path, nxt]):
                return True
        state[node] = 2
        return False

    for start in sorted(inside):
        if start not in state and visit(start, [start]):
            break
    assert circle == []


def test_each_word_of_the_domain_is_defined_once() -> None:
    """The vocabulary's collections are assigned in crawler/vocabulary.py and nowhere else."""
    words = ("LEVELS", "MEASURES", "BREAKDOWNS", "SITE_KINDS", "VISIBLE", "COUNTIES",
             "COMPARISONS", "PARTITIONS", "STATUSES", "ALL_BREAKDOWNS")
    defined = sorted(
        f"{name}: {target.id}" for name, path in modules().items()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, (ast.Assign, ast.AnnAssign))
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Name) and target.id in words)
    assert defined == ["crawler.normalise.geography: COUNTIES",  # reference data, 21 län
                       "crawler.vocabulary: BREAKDOWNS", "crawler.vocabulary: COMPARISONS",
                       "crawler.vocabulary: LEVELS", "crawler.vocabulary: MEASURES",
                       "crawler.vocabulary: PARTITIONS", "crawler.vocabulary: SITE_KINDS",
                       "crawler.vocabulary: VISIBLE"]


def test_every_import_of_a_project_name_resolves() -> None:
    """An import inside a function runs only when the function does: a name moved to
    another module must not leave one behind that fails on the day it runs."""
    import importlib

    roots = (*PACKAGES, "tests", "benchmarks")
    missing = []
    for root in roots:
        for path in sorted((REPO / root).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not (isinstance(node, ast.ImportFrom) and node.level == 0 and node.module
                        and node.module.split(".")[0] in (*PACKAGES, "tests")):
                    continue
                module = importlib.import_module(node.module)
                for alias in node.names:
                    if not hasattr(module, alias.name):
                        try:
                            importlib.import_module(f"{node.module}.{alias.name}")
                        except ModuleNotFoundError:
                            missing.append(f"{path.relative_to(REPO)}: from {node.module} "
                                           f"import {alias.name}")
    assert missing == []
