"""Dependencies point one way: http -> schema -> resolvers -> context -> loaders ->
metrics/records -> scope, db, errors, config (live queries between context and config).
A module imports its own package or a lower layer, never a higher one (checked on the
source, imports inside functions included)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).parents[1] / "src" / "omnigate"

# Higher numbers may import lower ones. Modules and packages of omnigate by top-level name.
RANK = {
    "cli": 90,
    "embedded": 85,
    "http": 80,
    "playground": 75,
    "schema": 70,
    "resolvers": 60,
    "internals": 55,
    "context": 50,
    "live": 49,  # the hub: above the settings and auth, below the request context
    "auth": 45,
    "loaders": 40,
    "metrics": 30,
    "records": 30,
    "seed": 20,
    "scope": 12,
    "db": 10,
    "errors": 5,
    "observability": 3,  # a leaf: instruments and per-request statistics
    "doctor": 85,
    "instants": 5,
    "config": 48,  # settings parse the server timezone and take the metrics defaults
}


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if parts[0] == "omnigate" and len(parts) > 1 else ""


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.startswith("omnigate.")}


def test_every_module_has_a_layer() -> None:
    names = {p.stem if p.is_file() else p.name for p in PACKAGE.iterdir()}
    names -= {"__init__", "__main__", "__pycache__", "_playground"}
    assert names <= set(RANK), names - set(RANK)


def test_imports_point_down() -> None:
    upward = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE.parent).with_suffix("")
        importer = _layer(".".join(relative.parts))
        if importer in ("__init__", "__main__"):
            continue
        for imported in _imports(path):
            target = _layer(imported)
            if target != importer and RANK[target] >= RANK[importer]:
                upward.append(f"{relative} imports {imported}")
    assert upward == []
