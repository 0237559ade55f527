"""The French catalog: complete, current with the source, and well-formed."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

CATALOG = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[-+ #0]*\d*[sdif]|\{\w*\}")
TAG = re.compile(r"</?[a-z]+\b[^>]*>")
IGNORE = [".venv", "staticfiles", "node_modules", "screenshots", "tmp"]


def _live_entries() -> list[polib.POEntry]:
    return [e for e in polib.pofile(str(CATALOG)) if not e.obsolete]


def _translations(entry: polib.POEntry) -> list[str]:
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


def test_every_string_has_a_french_translation_and_none_is_fuzzy():
    entries = _live_entries()
    assert len(entries) > 800  # the whole interface, not a sample
    untranslated = [e.msgid for e in entries if not all(t.strip() for t in _translations(e))]
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    assert untranslated == []
    assert fuzzy == []


def test_the_catalog_declares_french_plurals():
    po = polib.pofile(str(CATALOG))
    assert not po.metadata_is_fuzzy  # a fuzzy header is dropped by msgfmt, and its plural rule with it
    assert po.metadata["Language"] == "fr"
    assert po.metadata["Plural-Forms"].replace(" ", "") == "nplurals=2;plural=(n>1);"
    for e in po:
        if e.msgid_plural and not e.obsolete:
            assert sorted(e.msgstr_plural) == [0, 1], e.msgid


def test_translations_keep_every_placeholder_and_tag():
    for e in _live_entries():
        sources = [e.msgid, e.msgid_plural] if e.msgid_plural else [e.msgid]
        for i, text in enumerate(_translations(e)):
            source = sources[min(i, len(sources) - 1)]
            assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(source)), (e.msgid, text)
            assert sorted(TAG.findall(text)) == sorted(TAG.findall(source)), (e.msgid, text)


def test_the_catalog_is_current_with_the_source(tmp_path, settings, monkeypatch):
    """Every string marked in the code and templates is in the committed catalog (run `make messages`).

    makemessages writes into the project's locale/ folder, so it runs on a copy of the sources.
    """
    source = Path(settings.BASE_DIR)
    copy = tmp_path / "src"
    skip = shutil.ignore_patterns(*IGNORE, "locale", ".*", "__pycache__", "*.mo", "*.po", "*.png", "*.pdf",
                                  "*.sqlite3")
    shutil.copytree(source, copy, ignore=skip)
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["fr"], ignore_patterns=IGNORE, verbosity=0)
    fresh = polib.pofile(str(tmp_path / "locale" / "fr" / "LC_MESSAGES" / "django.po"))
    key = lambda e: (e.msgctxt, e.msgid, e.msgid_plural)  # noqa: E731
    missing = {key(e) for e in fresh} - {key(e) for e in _live_entries()}
    assert missing == set(), "strings marked but not in locale/fr (run make messages and translate them)"


@pytest.mark.parametrize("text", ["Déconnexion", "Tableau de bord", "Entrée express", "note SCG"])
def test_the_compiled_catalog_is_the_one_django_loads(text):
    """make test compiles locale/fr; a stale or missing .mo would show English pages."""
    from django.utils import translation

    english = {"Déconnexion": "Log out", "Tableau de bord": "Dashboard", "Entrée express": "Express Entry",
               "note SCG": "CRS score"}[text]
    with translation.override("fr"):
        assert translation.gettext(english).lower() == text.lower()
