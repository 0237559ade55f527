"""System checks of the deployment that Django's own `check --deploy` does not know about."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def site_url_is_set(app_configs, **kwargs) -> list[Warning]:
    """Emails link back to SITE_URL: left at the demo's address, every link in them is dead."""
    parts = urlsplit(settings.SITE_URL)
    if settings.SITE_URL == settings.SITE_URL_DEMO:
        return [Warning(
            "SITE_URL is the demo's address (http://127.0.0.1:8000): the links in every email "
            "(round digests, daily summaries) would point there.",
            hint="Set SITE_URL to the address users reach, e.g. https://itadesk.example.",
            id="ops.W001",
        )]
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return [Warning(
            f"SITE_URL ({settings.SITE_URL!r}) is not an http(s) address: email links would not work.",
            hint="Set SITE_URL to the address users reach, e.g. https://itadesk.example.",
            id="ops.W002",
        )]
    if settings.SECURE_SSL and parts.scheme != "https":
        return [Warning(
            f"SITE_URL ({settings.SITE_URL!r}) is http:// on an HTTPS site: the portal's sign-in links "
            "would carry their token in clear over the network before the redirect to HTTPS.",
            hint="Start SITE_URL with https://.",
            id="ops.W003",
        )]
    return []


@register(Tags.security)
def private_files_are_not_served(app_configs, **kwargs) -> list[Error]:
    """Clients' uploaded documents (PRIVATE_FILES_ROOT) may not sit where static files are collected from
    or served: collectstatic would copy the passports into STATIC_ROOT, and WhiteNoise serve them."""
    private = Path(settings.PRIVATE_FILES_ROOT).resolve()
    served = [Path(settings.STATIC_ROOT), *map(Path, settings.STATICFILES_DIRS)]
    if settings.MEDIA_ROOT:
        served.append(Path(settings.MEDIA_ROOT))
    for root in (p.resolve() for p in served):
        if private == root or root in private.parents or private in root.parents:
            return [Error(
                f"PRIVATE_FILES_ROOT ({private}) overlaps a served or collected folder ({root}).",
                hint="Set PRIVATE_FILES_ROOT to a folder of its own, outside static and media folders.",
                id="ops.E001",
            )]
    return []
