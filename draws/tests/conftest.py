"""Fixtures of the draws tests."""

from __future__ import annotations

import importlib

import pytest


@pytest.fixture
def reference_data(db):
    """NOC codes and categories, as the migrations load them.

    A transactional test (live server, real worker) flushes every table when it
    ends, migration data included, so tests that run after one reload it here.
    """
    from clients.models import Noc
    from draws.models import Category
    from draws.seed import seed_categories

    if not Noc.objects.exists():
        importlib.import_module("clients.migrations.0002_load_noc").load(_Apps(), None)
    if not Category.objects.exists():
        seed_categories(Category, Noc)


class _Apps:
    @staticmethod
    def get_model(app_label: str, model: str):
        from django.apps import apps

        return apps.get_model(app_label, model)
