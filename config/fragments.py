"""Rendered page fragments kept in the cache (Redis in production), under keys that name what they show.

A fragment is cached only under a key built from everything its HTML depends on: the caller's
parts (e.g. a report's id and the live names it prints, or the rounds' version and the filter),
plus, always, the page's language and time zone, the database's name and a fingerprint of the
code (templates, Python, compiled catalogues) so a deploy never serves the old markup. Nothing
per-user or per-request goes into a fragment: navbars, CSRF tokens, messages and the user's name
stay in the page around it. When the cache does not answer, the fragment is rendered as usual.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from clients.counts import cache_get, cache_set

# A fragment's key changes with what it shows; the timeout only bounds the memory of keys nobody asks
# for again (an old version, a filter no one uses).
FRAGMENT_SECONDS = 24 * 3600
_SKIPPED_DIRS = {".venv", "node_modules", "staticfiles", ".git", "screenshots", ".pytest_cache", "media"}


def _code_fingerprint(root: Path) -> str:
    """Size and modification time of every template, module, compiled catalogue and reference data
    file (NOC titles, categories) of the project."""
    digest = hashlib.sha256()
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in _SKIPPED_DIRS and not d.startswith("."))
        for name in sorted(files):
            if name.endswith((".html", ".py", ".mo", ".csv", ".json")):
                stat = os.stat(os.path.join(folder, name))
                digest.update(f"{folder}/{name}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return digest.hexdigest()[:12]


CODE_FINGERPRINT = _code_fingerprint(Path(settings.BASE_DIR))


def fragment_key(name: str, parts: Iterable[object]) -> str:
    """The cache key of fragment `name` for `parts`, in the active language and time zone."""
    context = (translation.get_language(), timezone.get_current_timezone_name(), *parts)
    digest = hashlib.sha256(repr(context).encode()).hexdigest()[:32]
    return f"fragment:{connection.settings_dict['NAME']}:{CODE_FINGERPRINT}:{name}:{digest}"


def cached_fragments(name: str, parts: Iterable[object],
                     render: Callable[[], dict[str, str]]) -> dict[str, SafeString]:
    """{part: HTML} from the cache, else from render() (then kept). render() returns rendered
    templates (already escaped), so the HTML is marked safe as it was when rendered."""
    key = fragment_key(name, parts)
    html = cache_get(key)
    if html is None:
        html = {k: str(v) for k, v in render().items()}
        cache_set(key, html, FRAGMENT_SECONDS)
    return {k: mark_safe(v) for k, v in html.items()}  # noqa: S308 - our own rendered templates
