"""Cached counts (the client list's, the dashboard's), exact after every edit made through the ORM.

Counting a firm's clients is the one part of the client list whose cost grows with the
firm: COUNT(*) reads every matching row (about 20 ms for 100,000 clients on a small
machine), while the page's rows come from an index in constant time. The count is kept
in the cache (Redis in production) under a key that names the firm's *data version*, a
counter bumped when a transaction saves or deletes one of its clients (clients.apps) or
invitations and checklist items (dashboard.apps). An edit therefore shows at once; only
bulk writes that bypass model signals (queryset.update, bulk_create: seeding, the
benchmark, the nightly refresh of stored scores) can leave a count up to COUNT_SECONDS old.
"""

from __future__ import annotations

import hashlib
import logging

import redis
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.utils.functional import cached_property

COUNT_SECONDS = 60
log = logging.getLogger(__name__)

# The cache holds only what can be recomputed from the database: when it does not answer
# (Redis stopped, restarting, unreachable), pages compute their counts and edits still save.
CACHE_DOWN = (redis.exceptions.RedisError, OSError)


def cache_get(key: str, default=None):
    """cache.get, or `default` when the cache does not answer."""
    try:
        return cache.get(key, default)
    except CACHE_DOWN as exc:
        log.warning("cache unavailable, computing without it: %s", exc)
        return default


def cache_set(key: str, value, timeout: float | None) -> None:
    """cache.set, or nothing when the cache does not answer."""
    try:
        cache.set(key, value, timeout)
    except CACHE_DOWN as exc:
        log.warning("cache unavailable, %s not kept: %s", key.split(":", 1)[0], exc)


def cache_delete(key: str) -> None:
    """cache.delete, or nothing when the cache does not answer (the key then lives out its timeout)."""
    try:
        cache.delete(key)
    except CACHE_DOWN as exc:
        log.warning("cache unavailable, %s not forgotten: %s", key.split(":", 1)[0], exc)


def _version_key(firm_id: int) -> str:
    return f"firm:version:{connection.settings_dict['NAME']}:{firm_id}"


def firm_version(firm_id: int) -> int | None:
    """The firm's data version (0 until its first edit, or after the cache lost it).

    None when the cache does not answer: nothing is then read from it or kept in it.
    """
    try:
        return cache.get(_version_key(firm_id), 0)
    except CACHE_DOWN as exc:
        log.warning("cache unavailable, computing without it: %s", exc)
        return None


def bump_firm_version(firm_id: int) -> None:
    """Invalidate the firm's cached counts now, and again once the current transaction commits.

    Now: the writer's own next read (inside its transaction, or in a test that never commits)
    sees its change. After the commit: a count another request cached meanwhile, from the
    data as it was before the commit, is dropped too.
    """
    key = _version_key(firm_id)

    def bump() -> None:
        try:
            cache.add(key, 0, None)  # atomic: starts the series only if the key is missing (or evicted)
            try:
                cache.incr(key)
            except ValueError:  # evicted between the two calls
                cache.set(key, 1, None)
        except CACHE_DOWN as exc:
            # The edit stands. A cache that lost this bump while down restarts empty (no stale
            # count) or, if it only missed the write, holds its counts COUNT_SECONDS at most.
            log.warning("cache unavailable, firm %s version not bumped: %s", firm_id, exc)

    bump()
    transaction.on_commit(bump)


def invalidate_on_client_change(sender, instance, **kwargs) -> None:
    """post_save / post_delete receiver for Client (connected in ClientsConfig.ready)."""
    if instance.firm_id is not None:
        bump_firm_version(instance.firm_id)


def invalidate_on_invitation_change(sender, instance, **kwargs) -> None:
    """post_save / post_delete receiver for Invitation (dashboard.apps): its client's firm."""
    invalidate_on_client_change(sender, instance.client)


def invalidate_on_checklist_change(sender, instance, **kwargs) -> None:
    """post_save / post_delete receiver for ChecklistItem (dashboard.apps): its invitation's firm."""
    invalidate_on_client_change(sender, instance.invitation.client)


class CachedCountPaginator(Paginator):
    """A Paginator whose total comes from the cache, keyed by firm, filters and client version."""

    def __init__(self, object_list, per_page, *, firm_id: int | None, filters: dict, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.firm_id = firm_id
        self.filters = filters

    @cached_property
    def count(self) -> int:
        if self.firm_id is None:
            return super().count
        # The filters include the user's search text: hashed, so any text makes a valid cache key.
        version = firm_version(self.firm_id)
        if version is None:
            return super().count
        parts = hashlib.sha256(repr(sorted(self.filters.items())).encode()).hexdigest()[:32]
        key = f"clients:count:{connection.settings_dict['NAME']}:{self.firm_id}:{version}:{parts}"
        value = cache_get(key)
        if value is None:
            value = super().count
            cache_set(key, value, COUNT_SECONDS)
        return value
