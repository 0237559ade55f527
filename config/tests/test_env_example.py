"""`.env.example` lists every environment variable the settings read, and the README names each."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def variables_read_by_settings() -> set[str]:
    """Names passed to `env(...)`, `env.int(...)`, `env.db(...)` ... in config/settings.py."""
    tree = ast.parse((ROOT / "config/settings.py").read_text())
    names = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        is_env = (isinstance(func, ast.Name) and func.id == "env") or (
            isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "env")
        first = node.args[0]
        if is_env and isinstance(first, ast.Constant) and isinstance(first.value, str):
            names.add(first.value)
    return names


def variables_in_env_example() -> set[str]:
    text = (ROOT / ".env.example").read_text()
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", text, flags=re.M))


def test_settings_read_the_variables_this_test_expects():
    """The parser sees the settings' variables (a test that finds none would pass vacuously)."""
    assert {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "SECURE_SSL", "LOGIN_FAILURE_LIMIT"} <= (
        variables_read_by_settings())


def test_every_variable_the_settings_read_is_in_env_example():
    missing = variables_read_by_settings() - variables_in_env_example()
    assert missing == set(), f"add to .env.example (and the README's table): {sorted(missing)}"


def test_env_example_lists_nothing_the_settings_or_processes_do_not_read():
    processes = {"PORT", "BIND_HOST", "WEB_CONCURRENCY"}  # read by the Procfile / gunicorn
    extra = variables_in_env_example() - variables_read_by_settings() - processes
    assert extra == set(), f"not read anywhere: {sorted(extra)}"


def test_the_readme_describes_every_variable():
    readme = (ROOT / "README.md").read_text()
    undocumented = {name for name in variables_in_env_example() if f"`{name}`" not in readme}
    assert undocumented == set(), f"add to README.md's variables table: {sorted(undocumented)}"
