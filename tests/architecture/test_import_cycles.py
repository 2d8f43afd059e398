"""No module of pipeline/ imports itself back through others, and no app domain imports another
in a loop (import-linter checks the layers; this checks every module-level cycle)."""

from __future__ import annotations

import grimp
import pytest

MAX_PIPELINE_LINES = 450
"""The size a pipeline module stays under, so each keeps one job."""


def _cycles(graph: grimp.ImportGraph, modules: set[str]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module) & modules:
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for module in sorted(modules):
        if module not in index:
            visit(module)
    return groups


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("pipeline", "app", exclude_type_checking_imports=False, cache_dir=None)


def test_no_import_cycle_in_pipeline(graph: grimp.ImportGraph) -> None:
    modules = {m for m in graph.modules if m.startswith("pipeline.")}
    assert _cycles(graph, modules) == []


def test_no_import_cycle_between_app_domains(graph: grimp.ImportGraph) -> None:
    domains = {m for m in graph.modules if m.startswith("app.") and m.count(".") == 1}
    package_graph = grimp.build_graph("app", cache_dir=None)
    for domain in list(domains):
        if not package_graph.find_children(domain):
            domains.discard(domain)
    cycles = [
        (a, b)
        for a in sorted(domains)
        for b in sorted(domains)
        if a < b
        and package_graph.chain_exists(a, b, as_packages=True)
        and package_graph.chain_exists(b, a, as_packages=True)
    ]
    assert cycles == []


def test_pipeline_modules_stay_small() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "pipeline"
    large = {
        str(path.relative_to(root)): count
        for path in root.rglob("*.py")
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_PIPELINE_LINES
    }
    assert large == {}
