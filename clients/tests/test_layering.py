"""clients/ is the ground floor: it imports nothing of the apps above it, and of eligibility/ only
the engine's face (eligibility.rules, the package's names) and the display labels beside it
(eligibility.labels, which itself imports only that face). The apps above hook in through
clients.panels and clients.signals."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FACE = {"eligibility.rules", "eligibility.labels"}
# audit.history registers a model with the audit history; it imports no app of the project.
TOOLS = {"audit.history"}
ABOVE = ("draws", "eligibility", "invitations", "dashboard", "portal", "documents", "intake", "audit",
         "ops", "demo")


def imported_modules(path: Path) -> list[str]:
    """Every module a file imports (`from x import y` as x and x.y, `import x` as x)."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.append(node.module)
    return names


def shipped_files(app: str) -> list[Path]:
    return [p for p in (ROOT / app).rglob("*.py") if "tests" not in p.relative_to(ROOT).parts]


def test_clients_imports_of_the_apps_above_are_the_engine_face_only():
    found = {
        f"{path.relative_to(ROOT)}: {module}"
        for path in shipped_files("clients")
        for module in imported_modules(path)
        if module.split(".")[0] in ABOVE and module not in FACE | TOOLS
    }
    assert found == set()
    assert any(m in FACE for p in shipped_files("clients") for m in imported_modules(p))  # the rule bites


def test_the_labels_module_imports_only_the_engine_face_and_translation():
    modules = set(imported_modules(ROOT / "eligibility" / "labels.py"))
    assert modules == {"__future__", "django.utils.translation", "eligibility.rules"}
