"""French category names are read from the database (Category.name_fr, which an admin may
correct), never from the seed's copy (draws.seed.NAMES_FR only fills an empty name at load)."""

from __future__ import annotations

import pytest

from draws.models import Category
from draws.seed import NAMES_FR
from draws.selectors import category_names_fr, refresh_category_names

pytestmark = pytest.mark.django_db


def newest(slug: str) -> Category:
    return Category.objects.filter(slug=slug).order_by("-effective_from").first()


def test_the_names_are_those_the_migrations_recorded():
    names = category_names_fr()
    assert names["healthcare_social"] == "Professions des soins de santé et des services sociaux"
    assert set(names) <= set(Category.objects.values_list("slug", flat=True))


def test_an_admins_correction_is_read_at_once(django_assert_num_queries):
    category_names_fr()  # cached
    category = newest("stem")
    category.name_fr = "Professions en sciences, technologie, ingénierie et mathématiques (STIM)"
    category.save()  # as the admin's change form does
    assert category_names_fr()["stem"] == category.name_fr != NAMES_FR["stem"]
    with django_assert_num_queries(0):  # read again once, then from the cache
        assert category_names_fr()["stem"] == category.name_fr


def test_a_deleted_or_unnamed_category_has_no_french_name():
    Category.objects.filter(slug="transport").update(name_fr="")  # a bulk write: no signal...
    assert "transport" in category_names_fr()  # ...so the cache still has the old name
    refresh_category_names()
    assert "transport" not in category_names_fr()
    for category in Category.objects.filter(slug="education"):
        category.delete()  # the admin's delete
    assert "education" not in category_names_fr()
