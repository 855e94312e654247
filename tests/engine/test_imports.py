"""The package's imports: no cycles, and no imports inside functions.

Renderers (``display``, ``report``) import the types they render only for typing, under
``TYPE_CHECKING``; the model modules import the renderers. Both rules are read from the source.
"""

from __future__ import annotations

import ast
from pathlib import Path

import exclusionscreen

PACKAGE = Path(exclusionscreen.__file__).parent


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def _runtime_imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The package modules `name` imports when it runs (not those under ``if TYPE_CHECKING``)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue
            if isinstance(child, ast.ImportFrom) and child.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - child.level + 1] + ([child.module] if child.module else []))
                targets = [f"{base}.{a.name}" for a in child.names] if child.module is None else [base]
                found.update(t for t in targets if t in known and t != name)
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return found


def test_no_import_cycles():
    modules = _modules()
    graph = {name: _runtime_imports(name, path, set(modules)) for name, path in modules.items()}
    # a package's __init__ imports its own submodules: cycles through a package are not cycles of modules
    packages = {name for name, path in modules.items() if path.name == "__init__.py"}
    cycles = []

    def walk(name: str, stack: list[str]) -> None:
        for target in graph[name]:
            if target in packages:
                continue
            if target in stack:
                cycles.append(stack[stack.index(target) :])
            elif len(stack) < len(graph):
                walk(target, [*stack, target])

    for name in graph:
        if name not in packages:
            walk(name, [name])
    assert cycles == []


def test_no_imports_inside_functions():
    inside = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                inside += [
                    f"{path.relative_to(PACKAGE)}:{child.lineno}"
                    for child in ast.walk(node)
                    if isinstance(child, ast.Import | ast.ImportFrom)
                ]
    assert inside == []
