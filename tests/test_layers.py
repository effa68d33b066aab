"""The architecture, checked: imports go one way, from the shells down to the library, and feeds/ stands alone.

    shells      cli > web > worker              (the CLI starts the service; the service queues through the worker)
    the flow    embedded > recovery > sources > pipeline > finishing   (sources: followed feeds queue through the pipeline)
    the steps   publishing > voicing > extract, script, engines, audio   (voicing: which voice says what)
    underneath  store > settings > urls > errors, logs, article, lazy
    feeds/      a library of formats that never imports narrate
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

RANK = {
    "errors": 0, "logs": 0, "article": 0, "lazy": 0, "urls": 0.5,
    "settings": 1,
    "store": 2,
    "stats": 2.5,
    "extract": 3, "script": 3, "engines": 3, "audio": 3,
    "voicing": 3.5,
    "publishing": 4,
    "finishing": 5,
    "pipeline": 6,
    "sources": 6.5,
    "recovery": 7,
    "embedded": 7.5,
    "listening": 4,
    "worker": 8,
    "web": 9,
    "cli": 10,
}  # fmt: skip


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def room(module: str) -> str | None:
    """The unit a module belongs to: a package or module directly under narrate/, feeds, or worker."""
    parts = module.split(".")
    if parts[0] in ("feeds", "worker"):
        return parts[0]
    return parts[1] if parts[0] == "narrate" and len(parts) > 1 else None


def imports(path: Path) -> set[str]:
    """Every module ``path`` imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)  # "from narrate import pipeline"
    return found


def sources() -> list[Path]:
    return sorted([*ROOT.glob("narrate/**/*.py"), *ROOT.glob("feeds/**/*.py"), ROOT / "worker.py"])


def test_every_room_has_a_rank() -> None:
    rooms = {room(module_name(path)) for path in sources()} - {None, "feeds"}
    assert rooms == set(RANK), "a new package or module under narrate/ needs its place in RANK"


def test_imports_only_go_down() -> None:
    upward = []
    for path in sources():
        source = room(module_name(path))
        for target in imports(path):
            destination = room(target)
            if source is None or destination is None or destination == source:
                continue
            if source == "feeds":
                upward.append(f"{path.relative_to(ROOT)} imports {target}: feeds/ never imports narrate")
            elif destination != "feeds" and RANK[destination] >= RANK[source]:
                upward.append(f"{path.relative_to(ROOT)} ({source}) imports {target} ({destination})")
    assert upward == []


def test_no_import_cycles_between_modules() -> None:
    names = {module_name(path): path for path in sources()}
    graph: dict[str, set[str]] = defaultdict(set)
    for name, path in names.items():
        for target in imports(path):
            while target and target not in names:  # "narrate.audio.assemble" the function -> narrate.audio
                target = target.rpartition(".")[0]
            package = name if path.name == "__init__.py" else name.rpartition(".")[0]
            # A package's __init__ importing its own modules is how it shows its public face, not a cycle.
            if target and target != name and not (path.name == "__init__.py" and target.startswith(package + ".")):
                graph[name].add(target)
    cycles = []
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for following in sorted(graph[node]):
            if state.get(following) == 1:
                cycles.append(" -> ".join([*trail[trail.index(following):], following]))
            elif following not in state:
                visit(following, [*trail, following])
        state[node] = 2

    for name in sorted(names):
        if name not in state:
            visit(name, [name])
    assert cycles == []
