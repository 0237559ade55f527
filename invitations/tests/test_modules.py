"""The app's rooms: tasks import the services inside their bodies, and the deadline has one owner."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_tasks_import_the_services_inside_their_bodies_so_no_import_circle_is_possible():
    tree = ast.parse((ROOT / "invitations" / "tasks.py").read_text())
    top_level = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    modules = {n.module if isinstance(n, ast.ImportFrom) else n.names[0].name for n in top_level}
    assert modules == {"__future__", "celery"}


def test_the_deadline_date_and_days_left_are_computed_only_by_the_model():
    """`(invitation.deadline_at.astimezone(zone).date() - today).days` belongs to Invitation
    (deadline_on, days_left_at); a second copy elsewhere would drift."""
    pattern = re.compile(r"\.deadline_at\.astimezone\([^)]*\)\.date\(\)|timedelta\(days=60\)")
    offenders = []
    for path in ROOT.rglob("*.py"):
        parts = set(path.relative_to(ROOT).parts)
        if {".venv", "node_modules", "staticfiles", "tests", "migrations"} & parts:
            continue
        if path == ROOT / "invitations" / "models.py":
            continue
        lines = enumerate(path.read_text().splitlines(), 1)
        offenders += [f"{path.relative_to(ROOT)}:{n}" for n, line in lines if pattern.search(line)]
    assert offenders == []
