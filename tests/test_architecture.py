"""The package shows the pipeline: each stage imports only from stages before it, nothing
imports in a circle, and the pipeline never reaches the template-building code."""
from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest

from tests.helpers import ROOT, syntax_nodes

PACKAGE = ROOT / "docgen"

# Stage of each top-level module or package, in pipeline order.
STAGES = {
    "__init__": 0, "errors": 0, "geometry": 0, "text": 0, "dictionary": 0, "outputs": 0, "shards": 0, "records": 0, "output_tree": 0, "heap": 0,
    "load": 1,
    "activities": 2,
    "documents": 3,
    "render": 4,
    "convert": 5,
    "preflight": 6,
    "bundle": 7, "incremental": 7, "options": 7,
    "pipeline": 8, "explain": 8,
    "authoring": 9,
    "serve": 10,
    "cli": 11, "__main__": 11, "progress": 11,
}


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """docgen modules that ``path`` imports, resolved to full dotted names."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in syntax_nodes(path):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            # `from pkg import name`: the submodule pkg.name if there is one, else pkg itself
            candidates = [f"{target}.{alias.name}" for alias in node.names]
            candidates = [c if _is_module(c) else target for c in candidates]
        elif isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        else:
            continue
        for candidate in candidates:
            if candidate.startswith("docgen"):
                found.add(candidate)
    return found


def _is_module(name: str) -> bool:
    relative = Path(*name.split("."))
    return (ROOT / relative.with_suffix(".py")).is_file() or (ROOT / relative / "__init__.py").is_file()


def _modules() -> dict[str, Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py")}


def resolve(name: str, modules: dict[str, Path]) -> str | None:
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def stage(name: str) -> int:
    parts = name.split(".")
    top = parts[1] if len(parts) > 1 else "__init__"
    return STAGES[top]


def graph() -> dict[str, set[str]]:
    """Which docgen modules each module imports (a copy of the graph worked out once)."""
    return {name: set(targets) for name, targets in _graph().items()}


@functools.cache
def _graph() -> dict[str, set[str]]:
    modules = _modules()
    out = {}
    for name, path in modules.items():
        targets = {resolve(t, modules) for t in imports_of(path)}
        out[name] = {t for t in targets if t and t != name and t != "docgen"}
    return out


def test_every_module_belongs_to_a_stage():
    for name in _modules():
        stage(name)  # raises KeyError for a module the pipeline order does not know


def test_no_import_against_the_stage_order():
    back = [(a, b) for a, targets in graph().items() for b in targets if stage(b) > stage(a)]
    assert back == [], back


def test_no_import_cycle():
    edges = graph()
    state: dict[str, int] = {}
    cycles = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(path[path.index(nxt):] + [nxt] if nxt in path else [node, nxt])
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    assert cycles == [], cycles


def _reached(start: str) -> set[str]:
    edges = graph()
    seen, todo = set(), [start]
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        todo += edges.get(node, ())
    return seen


@pytest.mark.slow  # parses every module: seconds
def test_the_workspace_calls_the_pipeline_and_never_template_building():
    reached = _reached("docgen.serve.app") | _reached("docgen.serve.pages")
    assert "docgen.pipeline" in reached
    assert not [m for m in reached if m.startswith("docgen.authoring")]


@pytest.mark.slow  # parses every module: seconds
def test_the_pipeline_never_reaches_template_building():
    assert not [m for m in _reached("docgen.pipeline") if m.startswith("docgen.authoring")]
