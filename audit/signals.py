"""Celery installs its own log handlers in workers: give them the personal-data filter too."""

from __future__ import annotations

import logging

from celery.signals import after_setup_logger, after_setup_task_logger

from audit.log_filters import ScrubPersonalDataFilter


def _scrub_handlers(logger: logging.Logger | None = None, **kwargs) -> None:
    for handler in (logger or logging.getLogger()).handlers:
        if not any(isinstance(f, ScrubPersonalDataFilter) for f in handler.filters):
            handler.addFilter(ScrubPersonalDataFilter())


def connect() -> None:
    after_setup_logger.connect(_scrub_handlers, weak=False, dispatch_uid="audit-scrub-root")
    after_setup_task_logger.connect(_scrub_handlers, weak=False, dispatch_uid="audit-scrub-task")
