"""Shared plumbing of the spec commands (crs_score, assess): read JSON, map errors to exit 2."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

from django.core.management.base import CommandError

from eligibility.rules import SpecError


def read_document(path: str) -> Any:
    """The JSON document at PATH ('-' for stdin); CommandError(returncode=2) if unreadable."""
    try:
        if path == "-":
            text = sys.stdin.read()
        else:
            with open(path, encoding="utf-8") as fh:
                text = fh.read()
    except OSError as exc:
        raise CommandError(f"{path}: cannot read ({exc.strerror})", returncode=2) from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise CommandError(f"(document): not valid JSON: {exc}", returncode=2) from exc


def run(document: Any, *, many: bool, one: Callable[[Any], dict]) -> str:
    """Apply `one` to the document (or to each item with --many); JSON text out.

    A SpecError becomes exit 2 with the field's JSON path (prefixed by the item's index
    with --many, e.g. "[3].work_history[0].noc").
    """
    if not many:
        try:
            return json.dumps(one(document), indent=2)
        except SpecError as exc:
            raise CommandError(str(exc), returncode=2) from exc
    if not isinstance(document, list):
        raise CommandError("(document): --many expects a JSON array of documents", returncode=2)
    results = []
    for i, item in enumerate(document):
        try:
            results.append(one(item))
        except SpecError as exc:
            path = f"[{i}].{exc.path}" if exc.path and not exc.path.startswith("(") else f"[{i}]"
            raise CommandError(f"{path}: {exc.message}", returncode=2) from exc
    return json.dumps(results, indent=2)
